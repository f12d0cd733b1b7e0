/* access_report.h — what the register holds about one customer record, gathered once and written as the access report (GDPR Art. 15; EDPB Guidelines 01/2022) in text or JSON, and as the portability file (Art. 20) in JSON and CSV (docs/access-report.md, docs/portability.md). */
#ifndef REKISTERI_ACCESS_REPORT_H
#define REKISTERI_ACCESS_REPORT_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "authority.h"
#include "buf.h"
#include "i18n.h"

/* How a column's value is shown in the text and on the page. */
enum ar_kind {
	AK_TEXT,	/* as stored */
	AK_DATE,	/* YYYY-MM-DD, shown in the language's form */
	AK_TIME,	/* UTC YYYY-MM-DDTHH:MM:SSZ, shown in Helsinki time */
	AK_BOOL,	/* 0 or 1: no or yes */
	AK_MONEY,	/* cents */
	AK_CODE		/* a code with a message per value: prefix + value */
};

/*
 * One column of a table that refers to the customer. Every column is
 * declared, shown or withheld: a column that holds a staff member's id is
 * withheld (CJEU C-579/21: the person learns when and why, not who), a
 * secret hash is withheld (it reveals nothing and would let a copy be
 * matched). The schema test (tests/unit/test_access_report.c) compares
 * these lists with the database's schema.
 */
struct ar_column {
	const char	*name;
	enum ar_kind	 kind;
	const char	*prefix;	/* AK_CODE: the message key's prefix, "purpose." */
	const char	*withheld;	/* NULL: shown; else why not, in English */
};

/* The tables of the report, in the order the report shows them. */
enum ar_table_id {
	ART_CUSTOMERS,
	ART_ORDERS,
	ART_BANS,
	ART_HISTORY,
	ART_DISCLOSURES,
	ART_REQUEST_LINKS,
	ART_REQUESTS,
	ART_STORED,	/* the reports sent earlier (request_reports) */
	ART_LEGAL_HOLDS,	/* holds an admin set on the record (legal_holds) */
	ART_BREACH_AFFECTED,	/* breaches the record was affected by */
	ART_BREACH_LETTERS,	/* Art. 34 letters sent to the person */
	ART__MAX
};

struct ar_table {
	const char		*name;		/* the SQL table */
	const char		*refers;	/* how it refers to the customer, in words */
	const char		*title_key;	/* message key of its heading */
	const struct ar_column	*cols;
	size_t			 ncols;
};

/* The declared tables (ART__MAX of them). */
const struct ar_table *access_report_tables(void);

/* The column named name of table t, or NULL when it is not declared. */
const struct ar_column *access_report_column(const struct ar_table *t,
	    const char *name);

/* One value: its SQLite type (SQLITE_NULL, _INTEGER, _FLOAT, _TEXT) and its text. */
struct ar_cell {
	int	 type;
	char	*s;		/* NULL for SQLITE_NULL */
};

/* The rows of one table that belong to the customer, withheld columns left out. */
struct ar_rows {
	size_t		  ncols;
	char		**cols;		/* column names, as the database gives them */
	const struct ar_column **defs;	/* the declaration of each, NULL if none */
	size_t		  nrows;
	struct ar_cell	 *v;		/* nrows * ncols */
};

/* One time staff looked at or changed the record: never who. */
struct ar_access {
	char	 at[24];		/* UTC */
	char	*action;		/* "customer.view" ... */
	char	*role;			/* the account's role: admin, handler, auditor; "" for the system */
};

/* A section of the published notice: title and plain text. */
struct ar_notice_section {
	char	*title;
	char	*text;
};

struct access_report {
	long long	 customer_id;
	enum lang	 lang;
	char		 generated[11];		/* YYYY-MM-DD */
	struct ar_rows	 t[ART__MAX];
	struct ar_access *access;
	size_t		 naccess;
	/* the published notice in force (0: none published) */
	int		 notice_version;
	struct ar_notice_section *purposes, *rights;
	size_t		 npurposes, nrights;
	/* the customer record's retention: the day it ends, or "" while the relationship lasts */
	char		 kept_until[11];
	const struct authority *authority;	/* borrowed; may be NULL */
};

/*
 * Gather everything about customer id (customers.id) on db, inside one read
 * transaction of the caller's or its own: the rows of every declared table,
 * the staff look-ups from the audit log (audit rows with object_type
 * "customer" whose object_id is the id, or a comma-separated list of ids
 * holding it), the notice's purposes and rights sections in lang, and the
 * retention date. today is YYYY-MM-DD (the report's date). auth is
 * borrowed and may be NULL. Returns 0, 1 when there is no such customer,
 * or -1 on a database error; free with access_report_free either way.
 */
int	 access_report_gather(sqlite3 *db, long long id, enum lang lang,
	    const char *today, const struct authority *auth,
	    struct access_report *out);
void	 access_report_free(struct access_report *);

/*
 * Compare the declared tables with db's schema: every table with a
 * foreign key to customers(id) or a column named customer_id or
 * customer_number must be declared, and every column of a declared table
 * must be declared, and every declaration must name a column that exists.
 * Each problem is a line in report naming table.column. Returns the number
 * of problems, or -1 on a database error.
 */
int	 access_report_check_schema(sqlite3 *db, struct buf *report);

/* The id of the customer numbered number; 0 when none, -1 on error. */
long long access_report_customer_id(sqlite3 *db, const char *number);

/*
 * The report as text lines for A4 (about 80 characters wide), in the
 * report's language, with messages from msgs (i18n/report.LANG.xml).
 */
void	 access_report_text(const struct access_report *,
	    const struct i18n *msgs, struct buf *out);

/* A field of the document: a label and its value as people read it. */
struct ar_field {
	const char	*label;
	char		*value;
};

/* A block of fields: one row of a table, or one look-up. */
struct ar_item {
	struct ar_field	*f;
	size_t		 n;
};

/* A section of the document: a heading, paragraphs, items. */
struct ar_section {
	const char	*title;
	char		**paras;
	size_t		 nparas;
	struct ar_item	*items;
	size_t		 nitems;
};

/* The report as people read it: what the text and the page both show. */
struct ar_doc {
	struct ar_section *s;
	size_t		 n;
};

/* Build the document of r in its language; free with ar_doc_free. */
void	 access_report_doc(const struct access_report *r,
	    const struct i18n *msgs, struct ar_doc *out);
void	 ar_doc_free(struct ar_doc *);

/*
 * The report as JSON (docs/access-report.md), built with SQLite's
 * json_quote on db for the strings. 0 or -1.
 */
int	 access_report_json(sqlite3 *db, const struct access_report *,
	    struct buf *out);

/* The version of the portability file's schema (docs/portability.schema.json). */
#define PORTABILITY_VERSION	2

/*
 * The portability file (Art. 20) of a gathered report: the customer record
 * and its orders as JSON of docs/portability.md. 0 or -1.
 */
int	 portability_json(sqlite3 *db, const struct access_report *,
	    struct buf *out);

/* The same as CSV (lib/csvio.h): customer.csv, one header and one row; orders.csv, a header and a row per order. */
void	 portability_customer_csv(const struct access_report *, struct buf *out);
void	 portability_orders_csv(const struct access_report *, struct buf *out);

/* ---- a report as sent with the answer (sql/020_reports.sql) ---- */

/* What is stored: the access report as a page or JSON, the portability JSON. */
enum ar_stored_kind {
	ASK_REPORT_HTML,
	ASK_REPORT_JSON,
	ASK_PORTABILITY_JSON,
	ASK__MAX
};
extern const char *const ar_stored_kinds[ASK__MAX];	/* "access_report" ... */
extern const char *const ar_stored_formats[ASK__MAX];	/* "html", "json", "json" */

/*
 * Store content (len bytes) as sent by via ("post" or "email") with request
 * request_id for customer customer_id, with its SHA-256, by user_id (0 for
 * none) at now; the new row's id into *id. Inside the caller's
 * transaction. 0, or -1 (a bad via, a database error).
 */
int	 ar_store(sqlite3 *, long long request_id, long long customer_id,
	    enum ar_stored_kind, const char *via, const char *content,
	    size_t len, long long user_id, time_t now, long long *id);

/* One stored report, without its content; strings live until the callback returns. */
struct ar_stored {
	long long	 id;
	long long	 customer_id;
	const char	*kind;		/* access_report, portability */
	const char	*format;	/* html, json */
	const char	*sent_at;	/* UTC */
	const char	*sent_via;
	const char	*sha256;
	long long	 size;
};

/* The reports stored with request request_id, oldest first, through fn (non-zero stops). 0 or -1. */
int	 ar_stored_list(sqlite3 *, long long request_id,
	    int (*fn)(void *arg, const struct ar_stored *), void *arg);

/* The content of stored report id of request request_id into out, its format into format[8]: 0, 1 when none, -1. */
int	 ar_stored_get(sqlite3 *, long long request_id, long long id,
	    struct buf *out, char format[8]);

#endif
