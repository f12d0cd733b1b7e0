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

#include <sqlite3.h>

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
 * Change record c->id to c's values: only fields that differ are written,
 * each with a history row (old, new, who, when, source). changed gets the
 * names of the changed fields, comma-separated (for the audit log: names,
 * never values). A restricted record is refused (returns 1). Inside the
 * caller's transaction. 0, 1 or -1.
 */
int	 customer_update(sqlite3 *, const struct customer *c, long long user_id,
	    enum csource source, char *changed, size_t changedlen);

/* One change in a record's history; the strings live until the callback returns. */
struct chistory {
	const char	*at;		/* UTC, YYYY-MM-DDTHH:MM:SSZ */
	const char	*field;		/* a field name, "ban.PURPOSE", "restricted" ... */
	const char	*old_value;
	const char	*new_value;
	const char	*user;		/* the staff account's username, "" for none */
	const char	*source;	/* csource_names */
};

/*
 * The readers below call fn once per row (a non-zero return stops and is
 * returned); 0 at the end, -1 on error.
 */
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
extern const char *const cvia_names[];	/* "ticket", "phone", "letter", "staff", "email", NULL */

/*
 * Record a ban (replacing one for the same purpose): since YYYY-MM-DD, via
 * one of cvia_names, reference (e.g. a ticket number, may be ""). With a
 * history row. Inside the caller's transaction. 0, or -1 (also for a name
 * not in the tables).
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
 * Restrict processing (GDPR Art. 18) or lift the restriction, with a
 * reason (required, one line, at most 300 characters) kept in the history.
 * 0, or -1.
 */
int	 customer_restrict(sqlite3 *, long long id, int on, const char *reason,
	    long long user_id);

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

/* Record a disclosure from the form, by user_id. errs as above. 0, >0 or -1. */
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

/*
 * Every record search s matches, in its order, as
 * CEXPORT_COLUMNS cells through fn (a non-zero return stops and is
 * returned), a row at a time. Left out and counted: restricted records
 * (*restricted) and, since a file that leaves the register is a list that
 * can be passed on, records with a ban on disclosure or on publication in
 * lists (*banned). *rows gets the number written. 0 or -1.
 */
int	 customer_export(sqlite3 *, const struct csearch *s,
	    int (*fn)(void *arg, const char *const *cells), void *arg,
	    long *rows, long *restricted, long *banned);

#endif
