/* intranet.h — what the staff intranet's pages share (private to cgi-bin/intranet/): the per-request context, the page helpers and every handler the route table names. */
#ifndef REKISTERI_INTRANET_H
#define REKISTERI_INTRANET_H

#include <stddef.h>

#include "forget.h"
#include "app.h"
#include "auth.h"

#define COOKIE		"rekisteri_session"
#define PAGE_ROWS	50

/*
 * The per-request context (app.ctx_size): who is signed in, filled by
 * authorize() before any handler runs. Zeroed for every request.
 */
struct ui {
	struct user	 me;
	char		 csrf[AUTH_ID_HEX];
	int		 signed_in;
};

/* What the process was started with, in app.data. */
struct ui_conf {
	unsigned		 totp_roles;	/* roles that must use a second factor */
	struct authority	*authority;	/* data/authority.xml, for the notice preview */
	struct auth_limits	 limits;	/* the defaults, one_time from the config */
	/* the suppression list's key (forget.h); have_erasure_key 0: not checked */
	struct forget_key	 erasure_key;
	int			 have_erasure_key;
	int			 suppress_refuse;	/* [retention] suppression = refuse */
	/* the audit writer's socket (audit_writer_path), "" for none */
	char			 audit_path[108];
};

/* The sign-in limits of this process (auth_limits_default, [intranet] one_time_hours). */
#define ui_limits(a)	(&((const struct ui_conf *)(a)->data)->limits)
#define ui_conf_of(a)	((const struct ui_conf *)(a)->data)

/* Route flags (struct route.flags): where a session that is not yet whole may go. */
enum {
	UI_PENDING	= 1 << 0,	/* reachable while the second factor is pending */
	UI_PENDING_ONLY	= 1 << 1,	/* only then: the code page */
	UI_MUST_CHANGE	= 1 << 2,	/* reachable before a forced password change */
	UI_ENROL	= 1 << 3,	/* reachable before a required second factor is enrolled */
	UI_CONFIRM	= 1 << 4,	/* destructive: the form's confirm box must be ticked */
};

/*
 * Append an event by the signed-in user (u may be NULL) to the audit log:
 * inside the open transaction when there is one, so the change and its
 * row commit together. 0, or -1 (logged): the caller must then not
 * commit the change nor show what it was about to show.
 */
int		 ui_event(struct app *, struct req *, const struct user *u,
		    const char *action, const char *type, long long object,
		    const char *summary);
/*
 * ui_event for a list page: ids is the records shown, as an id list
 * (docs/audit.md, "Lists": ascending, each once, comma-separated; ui_ids
 * builds one). Same transaction rules and return as ui_event.
 */
int		 ui_event_ids(struct app *, struct req *, const struct user *u,
		    const char *action, const char *type, const char *ids,
		    const char *summary);
/*
 * The records a list page showed, for its audit row: add each id shown,
 * then ui_ids_format writes the list into an empty buffer as docs/audit.md
 * ("Lists") says — ascending, no duplicates, comma-separated
 * ("7,12,13,40"), so a reader can match one id with SQL alone (the access
 * report, the breach register's "who is affected"). A page of at most 50
 * ids is at most 999 bytes, inside the audit row's 1,200.
 */
struct ui_ids {
	long long	*v;
	size_t		 n, cap;
};
void		 ui_ids_add(struct ui_ids *, long long id);
void		 ui_ids_format(struct ui_ids *, struct buf *);
void		 ui_ids_free(struct ui_ids *);
/*
 * After every request (app's finish): the session's idle clock when it
 * was due and no audit row carried it.
 */
void		 ui_finish(struct app *, struct req *);

/* Set (id) or clear (NULL) the session cookie. */
void		 ui_cookie(struct app *, struct req *, const char *id);

/*
 * A model with what every intranet page has: who is signed in, the token,
 * the menu, and "flash": the message flash.KEY of a one-time ?done=KEY
 * that ui_done put there (only the keys of ui_flash_keys; never text from
 * the URL). docs/templates.md, "Flash messages".
 */
struct tmpl_model *ui_model(struct app *, struct req *);

/* The keys ?done= may name, NULL-terminated; each has flash.KEY in fi and en. */
extern const char *const ui_flash_keys[];

/*
 * Redirect (303) to the page to after a change, with done=KEY (a key of
 * ui_flash_keys) in its query, before any #fragment: the page then says
 * what happened, once, in the layout's role="status" box.
 */
void		 ui_done(struct req *, const char *to, const char *key);

/* Render page name (not cached), taking m. */
void		 ui_page(struct app *, struct req *, int status, const char *name,
		    struct tmpl_model *m);

/* One form value, NULL when missing, sent twice or longer than max bytes. */
const char	*ui_field(struct req *, const char *key, size_t max);

/* ?id= (GET) or the form's id (POST), sent once: a positive number, else 0. */
long long	 ui_id(struct req *);

/* ?page=: 1 when absent, else 1..UI_PAGE_MAX sent once; -1 for anything else (answer 400). */
#define UI_PAGE_MAX	100000
int		 ui_page_no(struct req *, long long *page);

/*
 * The start of a change to the record or request the form's id names: the
 * id, with a transaction begun; 0 when answered (400 without a good id,
 * 500 when the transaction cannot begin).
 */
long long	 ui_change_begin(struct app *, struct req *);

/*
 * A change failed after its transaction began: roll back and answer
 * 500. For handlers' error paths.
 */
void		 ui_fail(struct app *, struct req *);

/* login.c: sign-in, the second factor, sign-out, one's own password */
void	 page_login(struct app *, struct req *);
void	 post_login(struct app *, struct req *);
void	 page_code(struct app *, struct req *);
void	 page_totp(struct app *, struct req *);
void	 post_logout(struct app *, struct req *);
void	 page_password(struct app *, struct req *);

/* auditlog.c */
void	 page_audit(struct app *, struct req *);

/* users.c: accounts, for admins */
void	 page_users(struct app *, struct req *);
void	 post_user_add(struct app *, struct req *);
void	 post_user_disable(struct app *, struct req *);
void	 post_user_enable(struct app *, struct req *);
void	 post_user_reset(struct app *, struct req *);
void	 post_user_nda(struct app *, struct req *);
void	 post_user_totp_reset(struct app *, struct req *);

/* editor.c: the notice's draft */
void	 page_notice_admin(struct app *, struct req *);
void	 page_notice_section(struct app *, struct req *);
void	 page_notice_preview(struct app *, struct req *);
void	 post_notice_draft(struct app *, struct req *);
void	 post_notice_date(struct app *, struct req *);
void	 post_notice_publish(struct app *, struct req *);
void	 post_notice_discard(struct app *, struct req *);

/* customers.c: search, the record, its form and its notes */
void	 page_customers(struct app *, struct req *);
void	 page_customer(struct app *, struct req *);
void	 page_customer_new(struct app *, struct req *);
void	 page_customer_edit(struct app *, struct req *);
void	 post_customer_order(struct app *, struct req *);
void	 post_customer_disclosure(struct app *, struct req *);
void	 post_customer_ban(struct app *, struct req *);
void	 post_customer_unban(struct app *, struct req *);
void	 post_customer_restrict(struct app *, struct req *);
void	 post_customer_unrestrict(struct app *, struct req *);
/* Record id's page with m (ui_model's, plus a form's errors) at status; takes m. The view is audited. */
void	 ui_show_customer(struct app *, struct req *, long long id, int status,
	    struct tmpl_model *m);
/* holds.c: an order's invoice state (staff), legal holds (admins) */
void	 post_customer_invoice(struct app *, struct req *);
void	 post_customer_hold(struct app *, struct req *);
void	 post_customer_hold_lift(struct app *, struct req *);
/* erase.c */
void	 page_customer_erase(struct app *, struct req *);

/*
 * A customer search from the query (customers.c): q (words), name ("Last
 * [First]" prefixes), postal (a postal-code prefix) and sort. 0, or -1
 * for a value out of bounds (to be answered with 400).
 */
struct csearch;
int	 ui_search_params(struct req *, struct csearch *);

/*
 * Like ui_search_params, but says which value is bad: NULL when all are
 * good, else the field's name ("q", "name", "postal" or "sort"), for a
 * message beside that field.
 */
const char	*ui_search_check(struct req *, struct csearch *);

/* customer_view.c: a customer's data as models for staff pages */
struct customer;
/* c's fields under their names, and number, id, restricted, is_contact, ended (the relationship). Returns ended. */
int	 ui_customer_model(const struct customer *c, struct tmpl_map *m);
/*
 * A page of search s into root.customers (with links), root.more,
 * root.none; each customer's id into shown too, unless it is NULL. With
 * counted, also how many matched: root.count, root.count_over when more
 * than SEARCH_COUNT_CAP (counted only when there is more than one page).
 * 0 or -1.
 */
#define SEARCH_COUNT_CAP	1000	/* i18n customers.count_over says it */
int	 ui_customer_search(struct app *, struct req *, const struct csearch *s,
	    int page, int rows, struct tmpl_map *root, struct ui_ids *shown, int counted);
/*
 * Record id's bans, disclosures, orders, requests and history into root's
 * lists, open_requests, and has_marks: marks (restricted, when record_marks
 * says so; a ban; an open request) for the top of the page. 0 or -1.
 */
int	 ui_customer_notes(struct app *, struct req *, long long id,
	    int record_marks, struct tmpl_map *root);

/* lists.c: the CSV export and mailing labels */
void	 page_customers_csv(struct app *, struct req *);
void	 page_labels(struct app *, struct req *);
void	 page_labels_sheet(struct app *, struct req *);
void	 page_labels_csv(struct app *, struct req *);
/* The purposes of a purpose-bound export (not the register's own copy) into root.export_purposes. */
void	 ui_export_purposes(struct app *, struct req *, struct tmpl_map *root);

/* import.c: update files from an address service */
#define IMPORT_UPLOAD_MAX	((size_t)8 << 20)	/* bytes of an uploaded file */
void	 page_import(struct app *, struct req *);
void	 post_import_apply(struct app *, struct req *);

/* requests.c: the reception of data-subject requests */
void	 page_requests(struct app *, struct req *);
void	 page_request(struct app *, struct req *);
void	 post_request_identity(struct app *, struct req *);
void	 post_request_paper(struct app *, struct req *);
/* Render request id with m (a form's error in it already); takes m. Audited. */
void	 ui_show_request(struct app *, struct req *, long long id, int status,
	    struct tmpl_model *m);

/* cases.c: a request's case to its end, and the front page */
void	 page_home(struct app *, struct req *);
void	 post_request_start(struct app *, struct req *);
void	 post_request_answer(struct app *, struct req *);
void	 post_request_partly_refuse(struct app *, struct req *);
void	 post_request_refuse(struct app *, struct req *);
void	 post_request_ask(struct app *, struct req *);
void	 post_request_link(struct app *, struct req *);
void	 post_request_unlink(struct app *, struct req *);

/* answers.c: a request's answer in the register (docs/requests.md) */
void	 post_request_told(struct app *, struct req *);
void	 post_request_ban(struct app *, struct req *);
void	 post_request_restrict(struct app *, struct req *);
void	 post_request_unrestrict(struct app *, struct req *);
void	 post_request_object(struct app *, struct req *);
struct dsr;
/*
 * Whether record customer_id may be changed for request id: q gets the
 * request (the caller dsr_frees it). 0 yes; 1 no with *why
 * (answer.err.closed, .not_linked); 404 no such request; 400 no record
 * named; -1 on error.
 */
int	 ui_answer_request(struct app *, long long id, long long customer_id,
	    struct dsr *q, const char **why);
/* The linked records with their parties to tell and the answer's forms into root.answer. 0 or -1. */
int	 ui_answers_model(struct app *, struct req *, const struct dsr *q,
	    struct tmpl_map *root);

/* stats.c: the statistics of a year, for admins and auditors */
void	 page_statistics(struct app *, struct req *);
void	 page_statistics_csv(struct app *, struct req *);
/* intake.c: requests that came by letter, email, phone or in person */
void	 page_request_new(struct app *, struct req *);
void	 page_request_ticket(struct app *, struct req *);
/* letters.c: a request's extension and its letters (docs/requests.md) */
void	 post_request_extend(struct app *, struct req *);
void	 page_request_letter(struct app *, struct req *);
void	 post_request_letter(struct app *, struct req *);
void	 page_letter(struct app *, struct req *);
/* Request id's extension and letters into root (ext, letters, no_letters, letter_links). 0 or -1. */
struct tmpl_map;
int	 ui_letters_model(struct app *, struct req *, long long id,
	    struct tmpl_map *root);
/*
 * Whether request q's email, phone or name with postal code match the
 * suppression list (forget_suppressed_request), into root.suppressed
 * (any, email, phone, name_postal; unchecked without the key). 0 or -1.
 */
struct dsr;
int	 ui_suppression_model(struct app *, const struct dsr *q,
	    struct tmpl_map *root);

/* mailbox.c: mail not delivered (the outbox) into root.mail and root.has_mail, for the front page. 0 or -1. */
int	 ui_mail_problems(struct app *, struct req *, struct tmpl_map *root);
/* processing.c: the record of processing activities (Art. 30) */
void	 page_processing(struct app *, struct req *);

/* retention.c: what the retention run would remove now, and the last run (#14) */
void	 page_retention(struct app *, struct req *);

/* breaches.c: the breach register (Art. 33(5)) and its clock on the front page */
void	 page_breaches(struct app *, struct req *);
void	 post_breaches(struct app *, struct req *);
void	 page_breach(struct app *, struct req *);
void	 post_breach(struct app *, struct req *);
/* breach_affected.c: who is affected, the Art. 34 letters and telling the people */
void	 page_breach_affected(struct app *, struct req *);
void	 post_breach_affected(struct app *, struct req *);
void	 page_breach_affected_csv(struct app *, struct req *);
void	 page_breach_letters(struct app *, struct req *);
void	 post_breach_tell(struct app *, struct req *);
/* The open breaches' 72-hour clocks into root.breach_clocks. 0 or -1. */
int	 breach_dashboard(struct app *, struct req *, struct tmpl_map *root);

/* reports.c: the access report (Art. 15) and portability file (Art. 20) of a linked record */
void	 page_request_report(struct app *, struct req *);
void	 page_request_portability(struct app *, struct req *);
void	 post_request_report_send(struct app *, struct req *);
void	 page_request_report_stored(struct app *, struct req *);

#endif
