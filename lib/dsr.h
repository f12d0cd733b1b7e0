/*
 * dsr.h — data-subject requests (GDPR Art. 15-22), named apart from the
 * HTTP request (req.h): the public form's fields (dsr_form.c), form tokens,
 * the rate limit, storing a request with its signed ticket in one
 * transaction and reading it back (dsr_store.c), the group-commit
 * writer's socket protocol (dsr_writer.c), the case (dsr_case.c), manual
 * intake by staff (dsr_intake.c) and the requester's confirmation mail
 * (dsr_mail.c). Pages are built elsewhere (view_dsr.h).
 */
#ifndef REKISTERI_DSR_H
#define REKISTERI_DSR_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "i18n.h"
#include "kv.h"
#include "ticket.h"
#include "validate.h"

/* The form's fields, in form order; each is a column of requests. */
enum rfield {
	RF_NAME,		/* required */
	RF_ORGANISATION,
	RF_EMAIL,		/* an email or a postal address is required */
	RF_PHONE,		/* E.164 */
	RF_ADDRESS,		/* lines joined by ", " */
	RF_CUSTOMER_NUMBER,	/* letters, digits, '-'; upper-cased */
	RF_TEXT,		/* required for rectification */
	RF__MAX
};

/* The form's fields: key and column ("name", ..., "free_text"), validator, limit in characters (for maxlength and the docs). */
extern const struct field dsr_fields[RF__MAX];

/* Form keys besides the fields. */
#define DSR_KEY_TYPE	"type"		/* repeated: rtype_names */
#define DSR_KEY_TOKEN	"form_token"
#define DSR_KEY_HONEYPOT	"homepage"	/* hidden; people leave it empty */

/*
 * A link token (ticket page, email confirmation), in hex: when it was made
 * (8 bytes, microseconds since 1970, big-endian), then 128 random bits.
 * The database keeps its key (dsr_link.c): the same 8 bytes, then the
 * token's SHA-256. Tokens made before December 2026 were the 128 bits alone (32 hex
 * digits, kept as their SHA-256); they still open their pages.
 */
#define DSR_LINK_HEX	49	/* a buffer: 48 hex digits and the '\0' */
#define DSR_LINK_OLD_HEX	32	/* digits (no '\0') of the older form */
#define DSR_LINK_KEY	40	/* bytes of a key in the database */
/* A form token: "ISSUED.FORMID.MAC" (docs/request.md). */
#define DSR_FORM_TOKEN_MAX	128
#define DSR_FORM_ID_HEX	33

/*
 * A submitted form, read by dsr_from_form: every value normalised, or
 * as typed when it is in error (so the form can be shown again). Strings
 * owned (dsr_form_free).
 */
struct dsr_form {
	char		*v[RF__MAX];
	const char	*errs[RF__MAX];	/* message key per field, NULL when good */
	unsigned	 types;		/* 1u << enum rtype */
	const char	*types_err;	/* message key, NULL when good */
	int		 honeypot;	/* the hidden field was filled in */
	char		 token[DSR_FORM_TOKEN_MAX];	/* as sent, "" if none/bad */
};

/*
 * Read form into f: each field through its validator (validate.h) and
 * limit, a key sent twice is an error, the types (unknown names are an
 * error, at least one is required), and the rules across fields: a name;
 * an email or a postal address, so the answer can be delivered; free text
 * for rectification (what is wrong, what is right). Returns the number of
 * errors. f is filled in any case (dsr_form_free it).
 */
int	 dsr_from_form(const struct kvlist *form, struct dsr_form *f);
void	 dsr_form_free(struct dsr_form *);

/*
 * Prepare this module's statements on db and read (or, on first use, make)
 * the form tokens' secret. lock_path, when not NULL, is a file whose
 * exclusive flock(2) serialises the writers of every process of the
 * request executable (woken at once, unlike SQLite's sleeping busy
 * handler). 0 or -1 (logged).
 */
int	 dsr_prepare(sqlite3 *db, const char *lock_path);
void	 dsr_finalize(void);

/*
 * A new form token for a form fetched at now: "ISSUED.FORMID.MAC", where
 * ISSUED is Unix time in decimal, FORMID 128 random bits in hex and MAC
 * the hex crypto_auth (HMAC-SHA-512-256) of "rekisteri-form:ISSUED.FORMID"
 * under the secret. Needs dsr_prepare.
 */
void	 dsr_form_token(time_t now, char out[DSR_FORM_TOKEN_MAX]);

enum dsr_token {
	RTOK_OK,
	RTOK_BAD,	/* not a token of ours (malformed, MAC fails) */
	RTOK_EXPIRED	/* older than lifetime minutes, or from the future */
};

/* Check token at now; on RTOK_OK form_id gets its FORMID. */
enum dsr_token dsr_token_check(const char *token, time_t now,
	    int lifetime_min, char form_id[DSR_FORM_ID_HEX]);

/* What dsr_store made: for the redirect, the mail and the logs. */
struct dsr_stored {
	long long id;		/* requests.id */
	char	 number[24];	/* TS-2026-000042 */
	char	 received[24];	/* UTC */
	char	 deadline[11];	/* YYYY-MM-DD */
	char	 token[DSR_LINK_HEX];	/* the ticket page's */
	char	 confirm[DSR_LINK_HEX];	/* email confirmation; "" without email */
};

enum dsr_result {
	RQ_ERROR = -1,
	RQ_STORED = 0,
	RQ_USED = 1,		/* this form token has made a ticket already */
	RQ_REFUSED = 2,		/* rate limit: client made limit requests in the last hour */
	RQ_NO_WRITER = 3	/* dsr_submit: no writer to hand it to; nothing sent */
};

/*
 * Store a valid form f (dsr_from_form returned 0) as a new request in
 * ONE transaction (BEGIN IMMEDIATE ... COMMIT, under the lock file): the
 * checks of form_id's reuse and client's rate, the next number of the year
 * (TS-YYYY-NNNNNN), the ticket signed with the current key of keys, the
 * row with the signed code, the hashed link tokens and mail_state ("sent"
 * when mail will be sent, else "none"), and the rate count. A failure
 * anywhere rolls back everything: no ticket exists that is not stored.
 * client is the address (kept only as a keyed hash); lang the form's.
 */
enum dsr_result dsr_store(sqlite3 *, const struct ticket_keys *keys,
	    const struct dsr_form *f, const char *form_id,
	    const char *client, int rate_limit, enum lang lang, int mail,
	    struct dsr_stored *out);

/*
 * Group commit. A job is one valid form on its way to the database; the
 * writer stores every job that has arrived in ONE transaction (each in a
 * savepoint of its own), so one fsync serves them all, and answers each
 * only after the commit: a ticket shown always exists.
 */
struct dsr_job {
	struct dsr_form	 f;		/* owned (dsr_form_free) */
	char			 form_id[DSR_FORM_ID_HEX];
	char			 client[64];
	enum lang		 lang;
	int			 mail;
	enum dsr_result	 res;		/* set by dsr_store_batch */
	struct dsr_stored	 out;
	long long		 sent_ms;	/* when the worker sent it (CLOCK_MONOTONIC) */
};

/*
 * Store jobs[0..n) in one transaction, under the lock file: each job's
 * res and out as dsr_store would give them. When the commit fails
 * every job is RQ_ERROR. 0, or -1 (nothing stored).
 */
int	 dsr_store_batch(sqlite3 *, const struct ticket_keys *keys,
	    struct dsr_job *jobs, size_t n, int rate_limit);

/* The writer's socket beside the database ("DBPATH.writer"); 0, or -1 when too long for a socket path. */
int	 dsr_writer_path(const char *db_path, char *dst, size_t len);

/*
 * The writer (the request executable's service process): listen on the
 * Unix socket path (mode 0600), and store what the workers hand over in
 * batches with dsr_store_batch, keys from keys(arg) at each batch (so
 * a rotation is seen). Returns only on a fatal error (-1).
 */
int	 dsr_writer(sqlite3 *, const char *path,
	    const struct ticket_keys *(*keys)(void *), void *arg,
	    int rate_limit);

/*
 * Hand the valid form f to the writer at path and wait for its answer (at
 * most 10 s): RQ_STORED with out, RQ_USED, RQ_REFUSED, RQ_ERROR (also when
 * the writer went away after the form was sent: it may or may not be
 * stored, and no ticket is shown), or RQ_NO_WRITER when no writer could
 * be reached and nothing was sent (the caller then uses dsr_store).
 */
enum dsr_result dsr_submit(const char *path,
	    const struct dsr_form *f, const char *form_id,
	    const char *client, enum lang lang, int mail,
	    struct dsr_stored *out);

/*
 * How a request came in (requests.channel): the public form, or a letter,
 * an email, a phone call or a visit that staff register (dsr_register).
 */
enum dsr_channel {
	DCH_FORM,
	DCH_LETTER,
	DCH_EMAIL,
	DCH_PHONE,
	DCH_IN_PERSON,
	DCH__MAX
};
/* "form", "letter", "email", "phone", "in_person". */
extern const char *const dsr_channel_names[DCH__MAX];
int	 dsr_channel_parse(const char *);	/* index or -1 */

/* Mark request number's mail as failed (the ticket stays). 0 or -1. */
int	 dsr_mail_failed(sqlite3 *, const char *number);

/* A stored request. Strings owned (dsr_free). */
struct dsr {
	long long	 id;
	char		 number[24];
	char		 received[24];	/* UTC */
	char		 deadline[11];
	unsigned	 types;
	enum lang	 lang;
	char		*v[RF__MAX];	/* NULL in list rows (no personal data) */
	char		*code;		/* NULL in list rows */
	char		 key_id[17];
	char		 status[16];	/* dsr_state_names */
	char		 mail_state[8];	/* none, sent, failed */
	char		 email_confirmed_at[24];	/* "" when not */
	char		 identity_method[16];	/* "" when not checked */
	char		*identity_note;
	long long	 identity_by;	/* users.id, 0 when not checked */
	char		 identity_at[24];
	char		 paper_received_at[24];	/* "" when none */
	long long	 paper_by;
	char		 asked_at[24];	/* staff asked the person for more; "" when not */
	char		 closed_at[24];	/* "" while open */
	char		 channel[12];	/* dsr_channel_names */
	/* the extension (GDPR Art. 12(3), letter.h); "" and 0 when none */
	char		 extended_at[24];
	char		 extended_deadline[11];	/* the deadline that counts then */
	int		 extension_months;
	char		 extension_letter_at[24];	/* its letter marked sent; "" */
	int		 letters_sent;	/* answer and refusal letters marked sent */
};

/* The deadline that counts: the extended one when there is one, else the first. */
const char	*dsr_due(const struct dsr *);

void	 dsr_free(struct dsr *);

/* Request id: 0, 1 when there is none, -1 on error. */
int	 dsr_get(sqlite3 *, long long id, struct dsr *);
/* The request whose ticket page token is token (hex): 0, 1 none, -1. */
int	 dsr_by_token(sqlite3 *, const char *token, struct dsr *);

/*
 * Whether a link of a request received at received (UTC) has expired at
 * now: it works for days × 24 hours from received, and no longer from
 * that second on (the ticket page: [request] ticket_link_days, the email
 * confirmation: confirm_link_days). 1 expired, 0 not, -1 when received is
 * not a UTC time. The ticket code itself stays verifiable for ever
 * (/request/verify); only the links, bearer secrets that may sit in old
 * mail or browser history, stop working (GDPR Art. 32(1): security of
 * processing; Art. 5(1)(e): kept no longer than needed).
 */
int	 dsr_link_expired(const char *received, time_t now, int days);

/*
 * The email confirmation with link token ctoken: with record, record that
 * the requester followed it (proof of control of the address) unless
 * recorded before; without, only look. 0: recorded now (record) or not
 * yet recorded (look); 2: recorded before; 1: no such token; 3: the link
 * expired (dsr_link_expired at now after days), nothing recorded; -1:
 * error. number gets the request's number for 0, 2 and 3.
 */
int	 dsr_confirm(sqlite3 *, const char *ctoken, int record, time_t now,
	    int days,
	    char number[24]);

/*
 * Which requests the reception's queue shows (#20). state: "open" (received
 * or in progress, the default), "all", or one of dsr_state_names; types: a
 * request with any of these (1u << enum rtype), 0 for every type; q: "" or
 * at most DSR_QUEUE_Q_MAX bytes, a ticket number (exact, any case) or a
 * part of the requester's name (case-insensitive for A–Z only: SQLite's
 * lower()).
 */
#define DSR_QUEUE_Q_MAX	64
struct dsr_queue {
	const char	*state;
	unsigned	 types;
	const char	*q;
};

/*
 * The reception's queue, the deadline that counts nearest first (then by
 * id): page (from 1) of per_page rows (1..500) of the requests filter f
 * selects into *rows (caller frees with dsr_list_free), *n rows, *total
 * requests that match. A row has the requester's name (v[RF_NAME]) and no
 * other personal data (the other v and code NULL). 0 or -1.
 */
int	 dsr_list(sqlite3 *, const struct dsr_queue *f, int page, int per_page,
	    struct dsr **rows, size_t *n, long long *total);
void	 dsr_list_free(struct dsr *rows, size_t n);

/* The open cases, the nearest deadline first, at most max, as dsr_list gives rows. 0 or -1. */
int	 dsr_open(sqlite3 *, int max, struct dsr **rows, size_t *n);

/* How many requests are in each state (enum dsr_state). 0 or -1. */
int	 dsr_state_counts(sqlite3 *, long long counts[/* DS__MAX */]);

/* How staff checked the requester's identity. */
enum dsr_idmethod {
	RID_EMAIL_CODE,		/* the one-time link or code to the email on file */
	RID_RECORD_MATCH,	/* compared with what the register holds */
	RID_OTHER,		/* with a note saying how */
	RID__MAX
};
extern const char *const dsr_idmethod_names[RID__MAX];
int	 dsr_idmethod_parse(const char *);	/* index or -1 */

/*
 * Record 'identity checked' on request id: how, a note (one line, at most
 * 500 characters; required for RID_OTHER), by user_id, now. Inside the
 * caller's transaction or on its own. 0; 1 refused with *why a message
 * key (request.none: no such request; request.err.note: a bad or missing
 * note); -1 error. Needs dsr_prepare, as do all below.
 */
int	 dsr_identity(sqlite3 *, long long id, enum dsr_idmethod how,
	    const char *note, long long user_id, const char **why);

/*
 * Record 'paper copy received' on request id, from the code scanned or
 * typed from the paper: it must verify with keys and be this request's
 * ticket. 0 recorded (date and user_id); 1 refused with *why a message
 * key (ticket.invalid.format, .key, .signature; request.paper.other_ticket
 * for a valid code of another ticket; request.paper.already; or
 * request.none for no such request); -1 error.
 */
int	 dsr_paper(sqlite3 *, const struct ticket_keys *keys, long long id,
	    const char *code, long long user_id, const char **why);

/*
 * The case (dsr_case.c). A request moves received → in_progress →
 * answered | partly_refused | refused; a closed one never moves again and
 * is never overdue. Each step is a row of request_steps (who, when, what,
 * the reasons) and the caller's audit row; inside the caller's transaction.
 */
enum dsr_state {
	DS_RECEIVED,
	DS_IN_PROGRESS,
	DS_ANSWERED,
	DS_PARTLY_REFUSED,
	DS_REFUSED,
	DS__MAX
};
extern const char *const dsr_state_names[DS__MAX];
int	 dsr_state_parse(const char *);	/* index or -1 */
/* Whether a status (dsr_state_names) is still open. */
int	 dsr_is_open(const char *status);

/*
 * Move request id to state to, by user_id, with a note (the reasons,
 * required for a refusal or partial refusal; at most 1000 characters).
 * Only forward, never from a closed state, and an answer or a partial
 * refusal (which gives personal data out) only after the identity was
 * checked (GDPR Art. 12(6)). 0; 1 refused with *why a message key
 * (request.none, request.err.closed, .state, .identity_first, .reasons);
 * -1 on error.
 */
int	 dsr_move(sqlite3 *, long long id, enum dsr_state to, const char *note,
	    long long user_id, const char **why);

/*
 * Staff asked the person for more (what, in note; required): the date is
 * kept and shown; the deadline does not move (the time still runs). 0; 1
 * with *why (request.none, request.err.closed, request.err.asked); -1.
 */
int	 dsr_ask(sqlite3 *, long long id, const char *note, long long user_id,
	    const char **why);

/* A step of its own into the case's history (an action name and a note). 0 or -1. */
int	 dsr_step(sqlite3 *, long long id, long long user_id, const char *action,
	    const char *note);

/* Link (on) or unlink customer record customer_id to request id. 0; 1 with *why (request.err.no_customer); -1. */
int	 dsr_link(sqlite3 *, long long id, long long customer_id,
	    long long user_id, int on, const char **why);

/* A customer record a request is about; strings live until the callback returns. */
struct dsr_link {
	long long	 customer_id;
	const char	*number;
	const char	*first_name;
	const char	*last_name;
	const char	*organisation;
	const char	*email;
};
int	 dsr_links(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct dsr_link *), void *arg);

/* A request as a customer's page lists it (no personal data). */
struct dsr_brief {
	long long	 id;
	const char	*number;
	const char	*status;
	const char	*received;	/* UTC */
	const char	*deadline;	/* YYYY-MM-DD: the one that counts (extended) */
	const char	*first_deadline;	/* the first one; differs when extended */
	const char	*channel;	/* dsr_channel_names */
};
/* The requests linked to customer_id, newest first. */
int	 dsr_of_customer(sqlite3 *, long long customer_id,
	    int (*fn)(void *arg, const struct dsr_brief *), void *arg);

/* Every request (open_only: the open ones), the nearest deadline first. */
int	 dsr_briefs(sqlite3 *, int open_only,
	    int (*fn)(void *arg, const struct dsr_brief *), void *arg);

/* One step of a case's history. */
struct dsr_step_row {
	const char	*at;		/* UTC */
	const char	*user;		/* display name, "" for none */
	const char	*action;	/* a state name, asked, linked, unlinked, identity, paper ... */
	const char	*note;
};
/* The case's steps, oldest first. */
int	 dsr_steps(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct dsr_step_row *), void *arg);

/*
 * Whether identity method how may be recorded on request id: an email
 * code counts only when the address the person confirmed is the email of
 * a customer record linked to the request; a match with the record needs
 * a linked record. 0 allowed; 1 not, with *why
 * (request.none, reception.err.not_confirmed, reception.err.email_not_linked,
 * reception.err.no_link); -1 on error.
 */
int	 dsr_identity_allowed(sqlite3 *, long long id, enum dsr_idmethod how,
	    const char **why);

/*
 * Manual intake (dsr_intake.c; staff only: the public executable links
 * none of it). The day a request came by letter, email, phone or in person,
 * as staff type it ("YYYY-MM-DD", or "D.M.YYYY"), checked at now: a real
 * date, not after today and not more than a year back (the same day of
 * the year before is the oldest), both in Helsinki. received gets the time
 * of receipt the ticket states, in UTC: now when the day is today, else
 * noon in Helsinki that day, so its Helsinki day is the day typed and the
 * deadline (fmt_deadline) counts from it. Needs fmt_init. 0; 1 with *why
 * (intake.err.date, intake.err.future, intake.err.too_old).
 */
int	 dsr_receipt(const char *date, time_t now, char received[24],
	    const char **why);
/* The days dsr_receipt takes at now, "YYYY-MM-DD" in Helsinki: the oldest and today. */
void	 dsr_receipt_bounds(time_t now, char oldest[11], char today[11]);

/*
 * Register a request that came by channel ch (not DCH_FORM) on receipt
 * day date, typed by staff user_id from what the person sent: f a valid
 * form (dsr_from_form returned 0; its form token and honeypot are not
 * used), lang the request's language, note one line (at most 500
 * characters, may be empty: how the email was given, say). Inside the
 * caller's transaction: the day checked (dsr_receipt at now), the request
 * stored with its signed ticket as dsr_store stores it (the number of the
 * receipt's year, the deadline from the receipt day) but without the rate
 * limit, and the case's first step, "registered", with the channel and
 * the note. mail: the confirmation will be mailed (mail_state "sent"; the
 * caller sends it after the commit). 0 with out (out->id the request);
 * 1 refused with *why (dsr_receipt's, request.err.note); -1 on error.
 */
int	 dsr_register(sqlite3 *, const struct ticket_keys *keys,
	    const struct dsr_form *f, enum dsr_channel ch, const char *date,
	    time_t now, enum lang lang, int mail, long long user_id,
	    const char *note, struct dsr_stored *out, const char **why);

/*
 * Mail the requester the confirmation of stored request s, in lang, to
 * email: the ticket's number and deadline, the ticket page's link and the
 * link that confirms the address (the only way email_confirmed_at is
 * set). Through [mail] sendmail; a failure is logged, recorded on the
 * request (dsr_mail_failed) and queued in the outbox to be retried
 * (dsr_mail_retry); the ticket stands. 0 sent, -1 not (now).
 */
struct conf;
int	 dsr_mail_requester(sqlite3 *, const struct conf *,
	    const struct i18n *msgs, enum lang lang, const char *email,
	    const struct dsr_stored *s);

/*
 * A mail m of request s whose first try failed goes to the outbox with
 * kind ("request.confirm", "request.notice"), to be retried by `rekisteri
 * mail run` and shown to staff: no mail is lost silently (the Data
 * Protection Ombudsman sanctioned Otavamedia in 2022 for a request channel
 * that failed without anyone knowing). Failures are logged.
 */
struct mail;
void	 dsr_mail_retry(sqlite3 *, const struct mail *m, const char *kind,
	    const struct dsr_stored *s);

#endif
