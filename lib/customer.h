/*
 * customer.h — customer records: the fields the notice lists, declared
 * once with their limits and validators (customer.c); create, change with
 * history; the record's notes — bans, restriction, orders, disclosures
 * (customer_notes.c); search and export (customer_search.c); mailing
 * labels (customer_labels.c). Readers hand out structs, a row at a time
 * through a callback: pages are the executables' business.
 */
#ifndef REKISTERI_CUSTOMER_H
#define REKISTERI_CUSTOMER_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "i18n.h"
#include "kv.h"
#include "validate.h"

/* The fields of a record, in form order. Each is a column of customers. */
enum cfield {
	CF_FIRST_NAME,
	CF_LAST_NAME,
	CF_ORGANISATION,
	CF_CONTACT_PERSON,
	CF_CONTACT_FROM,
	CF_CONTACT_TO,
	CF_EMAIL,
	CF_STREET,
	CF_POSTAL_CODE,
	CF_CITY,
	CF_COUNTRY,
	CF_PHONE,
	CF_WWW,
	CF_IP,
	CF_BILLING_ADDRESS,
	CF_BUSINESS_ID,
	CF_EINVOICE_ADDRESS,
	CF_EINVOICE_OPERATOR,
	CF_CUSTOMER_SINCE,
	CF_RELATIONSHIP_ENDED,
	CF_NOTES,
	CF__MAX
};

/*
 * The one table of fields: column and form key ("first_name"), validator,
 * limit, input type. A missing country reads as "FI".
 */
extern const struct field cfields[CF__MAX];

/* Where a change came from: the notice's regular sources of data. */
enum csource {
	CS_CUSTOMER,		/* the customer's own registration or notice */
	CS_UPDATE_SERVICE,	/* an address update service */
	CS_SUBCONTRACTOR,
	CS_STAFF,
	CS_IMPORT,
	CS__MAX
};
extern const char *const csource_names[CS__MAX];
int	 csource_parse(const char *);

/* A record's values, normalised; every string owned (customer_free). */
struct customer {
	long long	 id;		/* 0 until stored */
	char		*number;	/* "A000123" */
	char		*v[CF__MAX];
	int		 restricted;
	char		*restricted_reason;
};

void	 customer_free(struct customer *);

/*
 * Read the fields of a submitted form into c with field_read (validate.h):
 * each through its validator and limit; errs[f] gets the message key of each field
 * that failed, NULL for good ones; also the cross-field rules (a name or an
 * organisation; a Finnish postal code when the country is FI; contact
 * dates only for a contact person; the relationship cannot end before it
 * began). Returns the number of fields in error; c holds the values as
 * typed for those, so the form can be shown again.
 */
int	 customer_from_form(const struct kvlist *form, struct customer *c,
	    const char *errs[CF__MAX]);

/* The id of the record numbered number ("A000123"): 0, 1 when there is none, -1 on error. */
int	 customer_by_number(sqlite3 *, const char *number, long long *id);
/* The same, also an erased record's (its tombstone keeps id and number). */
int	 customer_by_number_ever(sqlite3 *, const char *number, long long *id);
/*
 * The number of record id, an erased one's from its tombstone (*erased 1):
 * for pages that name records by id, such as the audit log. 0, 1 when
 * there is none, -1 on error.
 */
int	 customer_number_of(sqlite3 *, long long id, char number[32],
	    int *erased);

/* Load record id: 0, 1 when there is none, -1 on error. */
int	 customer_get(sqlite3 *, long long id, struct customer *);

/*
 * Store a new record (c->id and c->number are set: c->number kept when
 * given, e.g. by an import, else "A" and the id in six digits) with a
 * history row for every non-empty field from source. Inside the caller's
 * transaction. 0 or -1.
 */
int	 customer_create(sqlite3 *, struct customer *c, long long user_id,
	    enum csource source);

/*
 * Many new records at once (an import, #17): the full-text index written
 * for all of them in one statement instead of record by record.
 * customer_fts_defer, inside the caller's write transaction, drops the
 * trigger that indexes each new record (keeping its text) and notes the
 * highest id; customer_fts_resume indexes every record above it and
 * creates the trigger again from the same text. Call resume whatever
 * happened in between: after a rollback of the transaction (which undoes
 * both) it finds the trigger back and only frees what defer kept.
 * 0 or -1 (logged).
 */
struct customer_fts_defer {
	char		*trigger;	/* the trigger's CREATE statement */
	long long	 since;		/* the highest id before */
};
int	 customer_fts_defer(sqlite3 *, struct customer_fts_defer *);
int	 customer_fts_resume(sqlite3 *, struct customer_fts_defer *);

/*
 * The same for the four search indexes (sql/026_search_covering.sql,
 * sql/028_count_indexes.sql), when adding records is at least as many as
 * the register holds: customer_index_defer, inside the caller's write
 * transaction, keeps their CREATE statements and drops them;
 * customer_index_resume builds each again (one sort) unless a rollback
 * brought it back. Fewer (or adding under 1): nothing is dropped and
 * resume has nothing to do. Call resume whatever happened. Only in a
 * transaction the caller rolls back on any failure: committed after a
 * failed defer, an index would be lost. 0 or -1 (logged).
 */
#define CUSTOMER_BULK_INDEXES	4
struct customer_index_defer {
	char		*index[CUSTOMER_BULK_INDEXES];
};
int	 customer_index_defer(sqlite3 *, long long adding,
	    struct customer_index_defer *);
int	 customer_index_resume(sqlite3 *, struct customer_index_defer *);

/*
 * Change record c->id to c's values: only fields that differ are written,
 * each with a history row (old, new, who, when, source). changed gets the
 * names of the changed fields, comma-separated (for the audit log: names,
 * never values). A restricted record is refused (returns 1). Inside the
 * caller's transaction. 0, 1 or -1.
 */
int	 customer_update(sqlite3 *, const struct customer *c, long long user_id,
	    enum csource source, char *changed, size_t changedlen);
/*
 * The same, each history row with reference: the ticket number of the
 * request the change answers (a rectification, GDPR Art. 16), or "".
 */
int	 customer_update_ref(sqlite3 *, const struct customer *c,
	    long long user_id, enum csource source, const char *reference,
	    char *changed, size_t changedlen);

/* One change in a record's history; the strings live until the callback returns. */
struct chistory {
	const char	*at;		/* UTC, YYYY-MM-DDTHH:MM:SSZ */
	const char	*field;		/* a field name, "ban.PURPOSE", "restricted" ... */
	const char	*old_value;
	const char	*new_value;
	const char	*user;		/* the staff member's name, "" for none */
	const char	*source;	/* csource_names */
	const char	*reference;	/* the request's ticket number, "" */
};

/*
 * The readers below call fn once per row (a non-zero return stops and is
 * returned); 0 at the end, -1 on error.
 */
/*
 * A history row's field code in plain words (lib/history_words.c): a
 * field's label ("first_name" → "Etunimi"), "ban.PURPOSE" → "Kielto:
 * Suoramarkkinointi", "order.N.status", "legal_hold.ID", "objection.KIND",
 * "restricted" and its kin; into out[len] in lang. 0, or -1 for a code
 * it does not know (out untouched). msgs may be NULL (out then "" or
 * NULL): customer_history_known(field) is that, and the history's writer
 * logs a field it does not know, so a new code without words fails the
 * HTTP tests' log allow-list.
 */
int	 customer_history_words(const struct i18n *, enum lang,
	    const char *field, char *out, size_t len);
int	 customer_history_known(const char *field);

/* The record's history, newest first (at most 200 rows). */
int	 customer_history(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct chistory *), void *arg);

/* One order. */
struct corder {
	const char	*date;		/* YYYY-MM-DD */
	const char	*number;
	const char	*description;
	long long	 cents;
	const char	*status;	/* corder_status_names */
	const char	*status_on;	/* YYYY-MM-DD: the state since (invoice.h) */
};
/* The record's orders, newest first (at most 500). */
int	 customer_orders(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct corder *), void *arg);

/* Bans per purpose (the notice's list), and how a ban came. */
enum cpurpose {
	CP_ADVERTISING,		/* suoramainonta */
	CP_DISTANCE_SELLING,	/* etämyynti */
	CP_DIRECT_MARKETING,	/* suoramarkkinointi */
	CP_RESEARCH,		/* markkina- ja mielipidetutkimus */
	CP_PUBLICATION,		/* julkaiseminen luettelossa */
	CP_DISCLOSURE,		/* luovuttaminen */
	CP__MAX
};
extern const char *const cpurpose_names[CP__MAX];
/* "ticket", "phone", "letter", "staff", "email", "request", NULL */
extern const char *const cvia_names[];

/*
 * The four marketing purposes: the notice's "suoramainontaa, etämyyntiä ja
 * suoramarkkinointia sekä markkina- ja mielipidetutkimusta" (the list of
 * the former Personal Data Act 523/1999 § 30), all of which an objection
 * to direct marketing ends (GDPR Art. 21(3)): advertising,
 * distance_selling, direct_marketing, research.
 */
#define CP_MARKETING	4
extern const enum cpurpose cmarketing_purposes[CP_MARKETING];

/*
 * Record a ban (replacing one for the same purpose): since YYYY-MM-DD, via
 * one of cvia_names, reference (e.g. a ticket number, may be ""; at most
 * 100 characters). Via "request" is a ban from a data-subject request: the
 * reference (its ticket number) is required and the history row has the
 * customer as its source and the reference. With a history row. Inside the
 * caller's transaction. 0, or -1 (also for a name not in the tables).
 */
int	 customer_ban(sqlite3 *, long long id, const char *purpose,
	    const char *via, const char *reference, const char *since,
	    long long user_id);
/* Lift a ban; 0 (also when there was none) or -1. */
int	 customer_unban(sqlite3 *, long long id, const char *purpose,
	    long long user_id);
/* One ban. */
struct cban {
	const char	*purpose;	/* cpurpose_names */
	const char	*since;		/* YYYY-MM-DD */
	const char	*via;		/* cvia_names */
	const char	*reference;
};
/* The record's bans, by purpose. */
int	 customer_bans(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct cban *), void *arg);

/*
 * Restrict processing (GDPR Art. 18), by staff, with a reason (required,
 * one line, at most 300 characters) kept in the history. Lifting is
 * refused here (-1): it needs the person told first (customer_restriction).
 * 0, or -1.
 */
int	 customer_restrict(sqlite3 *, long long id, int on, const char *reason,
	    long long user_id);

/* How a person or a party was told: "letter", "email", "phone", "in_person", "other", NULL. */
extern const char *const ctold_names[];

/* A restriction set or lifted: what customer_restriction needs. */
struct crestriction {
	int		 on;		/* 1 restrict, 0 lift */
	const char	*reason;	/* required: one line, at most 300 characters */
	const char	*via;		/* cvia_names; "request" needs reference */
	const char	*reference;	/* the request's ticket number, or "" */
	const char	*told_on;	/* lifting: the day the person was told, YYYY-MM-DD */
	const char	*told_how;	/* lifting: ctold_names */
};

/*
 * Set or lift the restriction of processing of record id (GDPR Art. 18) at
 * now, by user_id, with history rows (the reason; via and reference; when
 * lifting first a row "restriction_told" with the day and how). Lifting
 * requires that the person was told before it is lifted (Art. 18(3): "A
 * data subject who has obtained restriction of processing ... shall be
 * informed by the controller before the restriction of processing is
 * lifted"): told_on a date not after today in Helsinki at now (today
 * itself counts), told_how one of ctold_names. Inside the caller's
 * transaction. 0; 1 refused, nothing changed, with *why a message key
 * (cust.err.reason, .via, .reference, .told_on, .told_future, .told_how,
 * .restricted_already, .not_restricted; request.none for no record); -1.
 * Needs fmt_init.
 */
int	 customer_restriction(sqlite3 *, long long id,
	    const struct crestriction *, long long user_id, time_t now,
	    const char **why);

/* Objections (GDPR Art. 21). */
enum cobjection {
	COBJ_DIRECT_MARKETING,	/* Art. 21(2)-(3): absolute, sets the four marketing bans */
	COBJ_PROCESSING,	/* Art. 21(1): other processing; upheld or refused with reasons */
	COBJ__MAX
};
extern const char *const cobjection_names[COBJ__MAX];	/* "direct_marketing", "processing" */

/*
 * Record an objection's outcome on record id since YYYY-MM-DD, via (as
 * customer_ban), reference, by user_id, with a history row "objection.KIND"
 * ("upheld" or "refused", and the reason). An objection to direct
 * marketing cannot be refused (Art. 21(3): "the personal data shall no
 * longer be processed for such purposes"): it sets all four marketing
 * bans (cmarketing_purposes) at once; upheld 0 is refused with
 * cust.err.objection_absolute. An objection to other processing (Art.
 * 21(1)) is upheld, or refused with the reasons (reason required; at most
 * 300 characters, one line). Inside the caller's transaction. 0; 1 refused
 * with *why (cust.err.objection_absolute, .reason, .via, .reference); -1.
 */
int	 customer_objection(sqlite3 *, long long id, enum cobjection kind,
	    int upheld, const char *reason, const char *via,
	    const char *reference, const char *since, long long user_id,
	    const char **why);

extern const char *const corder_status_names[];	/* open, paid, collection, credited, written_off, NULL */
extern const char *const cground_names[];	/* credit_decision, collection, invoicing, legal_obligation, NULL */

/* An order's form: its fields, declared once (order_fields). */
enum ofield { OF_NUMBER, OF_DATE, OF_DESCRIPTION, OF_AMOUNT, OF_STATUS, OF__MAX };
extern const struct field order_fields[OF__MAX];

/*
 * Add an order from the form's order_fields (the amount in euros, a
 * credit negative); errs[f] gets the message key per failed field. 0
 * stored, >0 the number of fields in error (nothing stored; a number the
 * record has already is OF_NUMBER's "val.order_taken"), -1 on error.
 */
int	 customer_add_order(sqlite3 *, long long id, const struct kvlist *form,
	    const char *errs[OF__MAX]);

/* A disclosure's form (disclosure_fields). */
enum dfield { DF_RECIPIENT, DF_GROUND, DF_WHAT, DF_DATE, DF__MAX };
extern const struct field disclosure_fields[DF__MAX];

/*
 * Record a disclosure from the form, by user_id. errs as above. A
 * restricted record's data may not be disclosed (GDPR Art. 18(2): only
 * stored), so nothing is recorded on one: 1 with errs[DF_RECIPIENT]
 * "cust.err.disclosure_restricted". 0, >0 or -1.
 */
int	 customer_add_disclosure(sqlite3 *, long long id,
	    const struct kvlist *form, long long user_id,
	    const char *errs[DF__MAX]);

/* One disclosure. */
struct cdisclosure {
	const char	*date;		/* YYYY-MM-DD */
	const char	*recipient;
	const char	*ground;	/* cground_names */
	const char	*what;
};
/* The record's disclosures, newest first (at most 500). */
int	 customer_disclosures(sqlite3 *, long long id,
	    int (*fn)(void *arg, const struct cdisclosure *), void *arg);

enum csort {
	SORT_NAME,
	SORT_NUMBER,
	SORT_POSTAL,
	SORT_CITY,
	SORT__MAX
};
extern const char *const csort_names[SORT__MAX];

/*
 * A search: any of full-text words (q: each a prefix, all must match,
 * through FTS5), a name prefix (name: "Last [First]", each a prefix of the
 * name, case folded for ASCII) and a postal-code prefix (digits); NULL or
 * "" for none. Each condition is served by an index, so it stays fast at a
 * million customers (bench/README.md).
 */
/* A postal-code prefix as searches and lists take it: NULL, "" or up to 10 digits. */
int	 customer_postal_prefix_ok(const char *);

struct csearch {
	const char	*q;
	const char	*name;
	const char	*postal;
	enum csort	 sort;
};

/* A row of a search's results; the strings live until the callback returns. */
struct crow {
	long long	 id;
	const char	*number;
	const char	*first_name;
	const char	*last_name;
	const char	*organisation;
	const char	*email;
	const char	*phone;
	const char	*postal_code;
	const char	*city;
	int		 restricted;
};

/*
 * One page (rows per page, from 1) of the customers search s matches,
 * each through fn. Never loads more than a page and one row: *more says
 * whether there is a next page. 0 or -1.
 */
int	 customer_search(sqlite3 *, const struct csearch *s, int page,
	    int rows, int (*fn)(void *arg, const struct crow *), void *arg,
	    int *more);
/*
 * How many records s matches, counted up to cap + 1 (*n > cap: more than
 * cap), so that a count costs no more than reading cap + 1 rows. 0 or -1.
 */
int	 customer_count(sqlite3 *, const struct csearch *s, long long cap,
	    long long *n);

/*
 * Mailing lists (the notice's postitustarrat). A list for a purpose leaves
 * out, each for the first reason that holds, in this order: a restricted
 * record, an ended relationship, a ban for the purpose, a ban on
 * publication in lists, a record without a full postal address.
 */
enum cleave {
	CL_RESTRICTED,
	CL_ENDED,
	CL_BANNED,
	CL_PUBLICATION,
	CL_NO_ADDRESS,
	CL__MAX
};
extern const char *const cleave_names[CL__MAX];	/* restricted, ended, ban, publication_ban, no_address */
/* The purposes a list can be made for: advertising, ..., publication, NULL. */
extern const char *const clabel_purposes[];

/* How many a list for purpose (postal: a postal-code prefix or NULL) includes and leaves out. 0 or -1. */
int	 customer_label_counts(sqlite3 *, const char *purpose,
	    const char *postal, long *included, long left_out[CL__MAX]);

/*
 * Who a list for purpose leaves out: for each reason (cleave), the first
 * per_reason records by number, through fn (why, id, number, "First Last
 * (Organisation)"; a non-zero return stops and is returned). 0 or -1.
 */
int	 customer_label_left(sqlite3 *, const char *purpose, const char *postal,
	    int per_reason, int (*fn)(void *arg, int why, long long id,
	    const char *number, const char *name), void *arg);

/* One address label; the strings live until the callback returns. */
struct clabel {
	const char	*number;
	const char	*name;		/* "First Last" */
	const char	*organisation;
	const char	*street;
	const char	*postal_code;
	const char	*city;
	const char	*country;	/* "" for Finland */
};
typedef int (*clabel_fn)(void *arg, const struct clabel *);

/*
 * The labels of the list, in postal-code order (as the post sorts), from
 * offset, at most limit (-1: all), each through fn (a non-zero return
 * stops and is returned). 0 or -1.
 */
int	 customer_labels(sqlite3 *, const char *purpose, const char *postal,
	    long offset, long limit, clabel_fn, void *arg);

/* The columns of an export, which an import reads back: number, then the cfields' names. */
#define CEXPORT_COLUMNS (1 + CF__MAX)
/* An export for the register itself has one more: "bans", its purposes. */
#define CEXPORT_MAX_COLUMNS (CEXPORT_COLUMNS + 1)

/*
 * What an export is for, chosen explicitly (docs/csv.md): "register" (the
 * register's own all-purpose copy: nobody left out for a ban, each
 * person's bans in the column "bans"), or one of cpurpose_names — a file
 * for purpose P leaves out everyone with a ban on P and, since a file that
 * leaves the register is a list that can be passed on, everyone with a
 * ban on publication in lists or on disclosure. NULL-terminated.
 */
extern const char *const cexport_purposes[];
#define CEXPORT_REGISTER	0	/* the index of "register" */
/* The index of a name in cexport_purposes, or -1. */
int	 cexport_purpose_parse(const char *);
/*
 * The bans (1 << enum cpurpose) that leave a person out of a file for
 * purpose (an index of cexport_purposes): none for "register".
 */
unsigned cexport_excludes(int purpose);

/* What an export wrote and left out. */
struct cexport_counts {
	long	 rows;		/* written */
	long	 restricted;	/* left out: restricted processing (Art. 18) */
	long	 banned[CP__MAX];	/* left out for a ban, each person once: the purpose's own ban first, then in cpurpose order */
	long	 banned_total;
};

/* The header of a file for purpose into head (CEXPORT_MAX_COLUMNS): the number of columns. */
int	 customer_export_header(int purpose, const char **head);

/*
 * Every record search s matches, in its order, as cells through fn (n
 * cells: customer_export_header's count; a non-zero return stops and is
 * returned), a row at a time, for purpose (an index of cexport_purposes).
 * Left out and counted in *counts: restricted records (always: a
 * restricted record is in no list) and records with a ban the purpose
 * excludes (cexport_excludes). 0 or -1.
 */
int	 customer_export(sqlite3 *, const struct csearch *s, int purpose,
	    int (*fn)(void *arg, const char *const *cells, int n), void *arg,
	    struct cexport_counts *counts);

#endif
