/*
 * access_report.c — see access_report.h. The right of access is GDPR
 * Art. 15: a copy of the personal data (15(3)) with the purposes (15(1)(a)),
 * recipients (c), the period kept (d), the rights (e), the complaint to the
 * authority (f) and the sources (g); EDPB Guidelines 01/2022 ask for every
 * value, not a summary. The staff look-ups come from the audit log without
 * naming staff members (CJEU C-579/21, Pankki S, 22.6.2023).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "access_report.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "retention_class.h"
#include "richtext.h"

#define STAFF	"a staff member's account (CJEU C-579/21: when and why, not who)"
#define SECRET	"a hash of a secret link; it holds nothing about the person"

static const struct ar_column customer_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "number", AK_TEXT, NULL, NULL },
	{ "first_name", AK_TEXT, NULL, NULL },
	{ "last_name", AK_TEXT, NULL, NULL },
	{ "organisation", AK_TEXT, NULL, NULL },
	{ "contact_person", AK_BOOL, NULL, NULL },
	{ "contact_from", AK_DATE, NULL, NULL },
	{ "contact_to", AK_DATE, NULL, NULL },
	{ "email", AK_TEXT, NULL, NULL },
	{ "street", AK_TEXT, NULL, NULL },
	{ "postal_code", AK_TEXT, NULL, NULL },
	{ "city", AK_TEXT, NULL, NULL },
	{ "country", AK_TEXT, NULL, NULL },
	{ "phone", AK_TEXT, NULL, NULL },
	{ "www", AK_TEXT, NULL, NULL },
	{ "ip", AK_TEXT, NULL, NULL },
	{ "billing_address", AK_TEXT, NULL, NULL },
	{ "business_id", AK_TEXT, NULL, NULL },
	{ "einvoice_address", AK_TEXT, NULL, NULL },
	{ "einvoice_operator", AK_TEXT, NULL, NULL },
	{ "customer_since", AK_DATE, NULL, NULL },
	{ "relationship_ended", AK_DATE, NULL, NULL },
	{ "notes", AK_TEXT, NULL, NULL },
	{ "restricted", AK_BOOL, NULL, NULL },
	{ "restricted_reason", AK_TEXT, NULL, NULL },
	{ "created_at", AK_TIME, NULL, NULL },
	{ "updated_at", AK_TIME, NULL, NULL },
};

static const struct ar_column order_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "number", AK_TEXT, NULL, NULL },
	{ "ordered_on", AK_DATE, NULL, NULL },
	{ "description", AK_TEXT, NULL, NULL },
	{ "amount_cents", AK_MONEY, NULL, NULL },
	{ "status", AK_CODE, "status.", NULL },
	{ "status_on", AK_DATE, NULL, NULL },
};

static const struct ar_column ban_cols[] = {
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "purpose", AK_CODE, "purpose.", NULL },
	{ "since", AK_DATE, NULL, NULL },
	{ "via", AK_CODE, "via.", NULL },
	{ "reference", AK_TEXT, NULL, NULL },
};

static const struct ar_column history_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "field", AK_TEXT, NULL, NULL },
	{ "old_value", AK_TEXT, NULL, NULL },
	{ "new_value", AK_TEXT, NULL, NULL },
	{ "user_id", AK_TEXT, NULL, STAFF },
	{ "at", AK_TIME, NULL, NULL },
	{ "source", AK_CODE, "source.", NULL },
	{ "reference", AK_TEXT, NULL, NULL },	/* a request's ticket number (019) */
};

static const struct ar_column disclosure_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "recipient", AK_TEXT, NULL, NULL },
	{ "ground", AK_CODE, "ground.", NULL },
	{ "what", AK_TEXT, NULL, NULL },
	{ "disclosed_on", AK_DATE, NULL, NULL },
	{ "user_id", AK_TEXT, NULL, STAFF },
	{ "created_at", AK_TIME, NULL, NULL },
};

/* a correction's parties told (sql/019_answers.sql, GDPR Art. 19) */
static const struct ar_column told_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "request_id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "kind", AK_CODE, "answer.kind.", NULL },
	{ "party", AK_TEXT, NULL, NULL },
	{ "told_on", AK_DATE, NULL, NULL },
	{ "how", AK_CODE, "told.", NULL },
	{ "user_id", AK_TEXT, NULL, STAFF },
	{ "at", AK_TIME, NULL, NULL },
};

static const struct ar_column link_cols[] = {
	{ "request_id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "linked_by", AK_TEXT, NULL, STAFF },
	{ "linked_at", AK_TIME, NULL, NULL },
};

static const struct ar_column request_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "number", AK_TEXT, NULL, NULL },
	{ "received", AK_TIME, NULL, NULL },
	{ "deadline", AK_DATE, NULL, NULL },
	{ "types", AK_TEXT, NULL, NULL },
	{ "lang", AK_CODE, "intake.lang.", NULL },
	{ "name", AK_TEXT, NULL, NULL },
	{ "organisation", AK_TEXT, NULL, NULL },
	{ "email", AK_TEXT, NULL, NULL },
	{ "phone", AK_TEXT, NULL, NULL },
	{ "address", AK_TEXT, NULL, NULL },
	{ "customer_number", AK_TEXT, NULL, NULL },
	{ "free_text", AK_TEXT, NULL, NULL },
	{ "text_sha256", AK_TEXT, NULL, NULL },
	{ "key_id", AK_TEXT, NULL, NULL },
	{ "code", AK_TEXT, NULL, NULL },
	{ "form_id", AK_TEXT, NULL, NULL },
	{ "token_hash", AK_TEXT, NULL, SECRET },
	{ "confirm_hash", AK_TEXT, NULL, SECRET },
	{ "email_confirmed_at", AK_TIME, NULL, NULL },
	{ "mail_state", AK_CODE, "ar.mail_state.", NULL },
	{ "status", AK_CODE, "request.status.", NULL },
	{ "identity_method", AK_CODE, "request.identity.", NULL },
	{ "identity_note", AK_TEXT, NULL, NULL },
	{ "identity_by", AK_TEXT, NULL, STAFF },
	{ "identity_at", AK_TIME, NULL, NULL },
	{ "paper_received_at", AK_TIME, NULL, NULL },
	{ "paper_by", AK_TEXT, NULL, STAFF },
	{ "asked_at", AK_TIME, NULL, NULL },
	{ "closed_at", AK_TIME, NULL, NULL },
	{ "closed_by", AK_TEXT, NULL, STAFF },
	{ "extended_at", AK_TIME, NULL, NULL },
	{ "extended_by", AK_TEXT, NULL, STAFF },
	{ "extension_months", AK_TEXT, NULL, NULL },
	{ "extended_deadline", AK_DATE, NULL, NULL },
	{ "extension_reasons", AK_TEXT, NULL, NULL },
	{ "channel", AK_CODE, "request.channel.", NULL },
};

static const struct ar_column stored_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "request_id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "kind", AK_CODE, "ar.kind.", NULL },
	{ "format", AK_TEXT, NULL, NULL },
	{ "sent_at", AK_TIME, NULL, NULL },
	{ "sent_by", AK_TEXT, NULL, STAFF },
	{ "sent_via", AK_CODE, "ar.via.", NULL },
	{ "content", AK_TEXT, NULL, "an earlier report as it was sent; its "
	    "values are the ones this report shows, as they were then" },
	{ "sha256", AK_TEXT, NULL, NULL },
};

static const struct ar_column hold_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "reason", AK_TEXT, NULL, NULL },
	{ "set_by", AK_TEXT, NULL, STAFF },
	{ "set_at", AK_TIME, NULL, NULL },
	{ "lifted_at", AK_TIME, NULL, NULL },
	{ "lifted_by", AK_TEXT, NULL, STAFF },
	{ "lift_reason", AK_TEXT, NULL, NULL },
};

static const struct ar_column affected_cols[] = {
	{ "set_id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
};

static const struct ar_column breach_letter_cols[] = {
	{ "id", AK_TEXT, NULL, NULL },
	{ "breach_id", AK_TEXT, NULL, NULL },
	{ "entry_id", AK_TEXT, NULL, NULL },
	{ "set_id", AK_TEXT, NULL, NULL },
	{ "customer_id", AK_TEXT, NULL, NULL },
	{ "lang", AK_TEXT, NULL, NULL },
	{ "via", AK_CODE, "ar.via.", NULL },
	{ "sent_at", AK_TIME, NULL, NULL },
	{ "sent_by", AK_TEXT, NULL, STAFF },
	{ "outbox_id", AK_TEXT, NULL, NULL },
};

#define T(name, refers, key, cols) \
	{ name, refers, key, cols, sizeof(cols) / sizeof((cols)[0]) }
static const struct ar_table tables[ART__MAX] = {
	[ART_CUSTOMERS] = T("customers", "id", "ar.t.customers", customer_cols),
	[ART_ORDERS] = T("orders", "customer_id", "ar.t.orders", order_cols),
	[ART_BANS] = T("bans", "customer_id", "ar.t.bans", ban_cols),
	[ART_HISTORY] = T("customer_history", "customer_id", "ar.t.history",
	    history_cols),
	[ART_DISCLOSURES] = T("disclosures", "customer_id",
	    "ar.t.disclosures", disclosure_cols),
	[ART_TOLD] = T("request_told", "customer_id", "ar.t.told", told_cols),
	[ART_REQUEST_LINKS] = T("request_customers", "customer_id",
	    "ar.t.request_links", link_cols),
	[ART_REQUESTS] = T("requests", "the requests linked to the record "
	    "(request_customers); customer_number as the requester wrote it",
	    "ar.t.requests", request_cols),
	[ART_STORED] = T("request_reports", "customer_id", "ar.t.stored",
	    stored_cols),
	[ART_LEGAL_HOLDS] = T("legal_holds", "customer_id", "ar.t.legal_holds",
	    hold_cols),
	[ART_BREACH_AFFECTED] = T("breach_affected", "customer_id",
	    "ar.t.breach_affected", affected_cols),
	[ART_BREACH_LETTERS] = T("breach_letters", "customer_id",
	    "ar.t.breach_letters", breach_letter_cols),
};
#undef T

enum stmt {
	S_ID,
	S_VISITS,
	S_NOTICE,
	S_REFERRING,
	S_COLUMNS,
	S__MAX
};

static const char *const sql[S__MAX] = {
	/* S_ID */
	"SELECT id FROM customers WHERE number = ?1",
	/*
	 * S_VISITS: audit rows about the record, the role of the account, never
	 * its name. object_id is one id, or (list pages) ids separated by
	 * commas; spaces are ignored.
	 */
	"SELECT a.at, a.action, coalesce(u.role, '') FROM audit_log a"
	" LEFT JOIN users u ON u.id = a.user_id"
	" WHERE a.object_type = 'customer' AND (a.object_id = ?1 OR"
	" (instr(a.object_id, ',') > 0 AND ',' || replace(a.object_id, ' ', '')"
	" || ',' LIKE '%,' || ?1 || ',%'))"
	" ORDER BY a.id",
	/* S_NOTICE: the sections of the newest published version in ?1 */
	"SELECT v.number, s.title, s.body FROM notice_versions v"
	" JOIN notice_sections s ON s.version_id = v.id"
	" WHERE v.number = (SELECT max(number) FROM notice_versions)"
	" AND s.lang = ?1 ORDER BY s.position",
	/* S_REFERRING: the tables that refer to a customer */
	"SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND"
	" (EXISTS (SELECT 1 FROM pragma_foreign_key_list(m.name) f"
	" WHERE f.\"table\" = 'customers') OR EXISTS (SELECT 1 FROM"
	" pragma_table_info(m.name) c WHERE c.name IN ('customer_id',"
	" 'customer_number'))) ORDER BY m.name",
	/* S_COLUMNS */
	"SELECT name FROM pragma_table_info(?1) ORDER BY cid",
};

/* The rows of each table: every column (SELECT *), so none is missed. */
static const char *const table_sql[ART__MAX] = {
	[ART_CUSTOMERS] = "SELECT * FROM customers WHERE id = ?1",
	[ART_ORDERS] = "SELECT * FROM orders WHERE customer_id = ?1"
	    " ORDER BY ordered_on, id",
	[ART_BANS] = "SELECT * FROM bans WHERE customer_id = ?1"
	    " ORDER BY purpose",
	[ART_HISTORY] = "SELECT * FROM customer_history WHERE customer_id = ?1"
	    " ORDER BY id",
	[ART_DISCLOSURES] = "SELECT * FROM disclosures WHERE customer_id = ?1"
	    " ORDER BY disclosed_on, id",
	[ART_TOLD] = "SELECT * FROM request_told WHERE customer_id = ?1"
	    " ORDER BY id",
	[ART_REQUEST_LINKS] = "SELECT * FROM request_customers"
	    " WHERE customer_id = ?1 ORDER BY request_id",
	[ART_REQUESTS] = "SELECT * FROM requests WHERE id IN (SELECT request_id"
	    " FROM request_customers WHERE customer_id = ?1) ORDER BY id",
	[ART_STORED] = "SELECT * FROM request_reports WHERE customer_id = ?1"
	    " ORDER BY id",
	[ART_LEGAL_HOLDS] = "SELECT * FROM legal_holds WHERE customer_id = ?1"
	    " ORDER BY id",
	[ART_BREACH_AFFECTED] = "SELECT * FROM breach_affected"
	    " WHERE customer_id = ?1 ORDER BY set_id",
	[ART_BREACH_LETTERS] = "SELECT * FROM breach_letters"
	    " WHERE customer_id = ?1 ORDER BY id",
};

const struct ar_table *
access_report_tables(void)
{
	return tables;
}

const struct ar_column *
access_report_column(const struct ar_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* The declared table named name, or NULL. */
static const struct ar_table *
declared(const char *name)
{
	for (int k = 0; k < ART__MAX; k++)
		if (strcmp(tables[k].name, name) == 0)
			return &tables[k];
	return NULL;
}

int
access_report_check_schema(sqlite3 *db, struct buf *report)
{
	sqlite3_stmt *ref = NULL, *col = NULL;
	int problems = 0, step;

	if (sqlite3_prepare_v2(db, sql[S_REFERRING], -1, &ref, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, sql[S_COLUMNS], -1, &col,
	    NULL) != SQLITE_OK)
		goto fail;
	while ((step = sqlite3_step(ref)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(ref, 0);

		if (declared(t) == NULL) {
			buf_addf(report, "%s: refers to a customer but is not "
			    "in the access report (lib/access_report.c)\n", t);
			problems++;
		}
	}
	if (step != SQLITE_DONE)
		goto fail;
	for (int k = 0; k < ART__MAX; k++) {
		const struct ar_table *t = &tables[k];
		char *seen = xcalloc(t->ncols + 1, 1);

		sqlite3_reset(col);
		sqlite3_bind_text(col, 1, t->name, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(col)) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(col,
			    0);
			const struct ar_column *d = access_report_column(t, c);

			if (d == NULL) {
				buf_addf(report, "%s.%s: not declared in the "
				    "access report (lib/access_report.c)\n",
				    t->name, c);
				problems++;
			} else
				seen[d - t->cols] = 1;
		}
		if (step != SQLITE_DONE) {
			free(seen);
			goto fail;
		}
		for (size_t i = 0; i < t->ncols; i++)
			if (!seen[i]) {
				buf_addf(report, "%s.%s: declared in the access "
				    "report but not in the database\n", t->name,
				    t->cols[i].name);
				problems++;
			}
		free(seen);
	}
	sqlite3_finalize(ref);
	sqlite3_finalize(col);
	return problems;
fail:
	LOG_ERR("%s", sqlite3_errmsg(db));
	sqlite3_finalize(ref);
	sqlite3_finalize(col);
	return -1;
}

long long
access_report_customer_id(sqlite3 *db, const char *number)
{
	sqlite3_stmt *st = NULL;
	long long id = -1;
	int rc;

	if (sqlite3_prepare_v2(db, sql[S_ID], -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		id = 0;
out:
	sqlite3_finalize(st);
	return id;
}

/* The rows of table k for customer id into out, withheld columns left out. 0 or -1. */
static int
gather_table(sqlite3 *db, enum ar_table_id k, long long id,
    struct ar_rows *out)
{
	const struct ar_table *t = &tables[k];
	sqlite3_stmt *st = NULL;
	int n, rc = -1, step, *src = NULL;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db, table_sql[k], -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s: %s", t->name, sqlite3_errmsg(db));
		goto out;
	}
	n = sqlite3_column_count(st);
	src = xcalloc((size_t)n + 1, sizeof(*src));
	out->cols = xcalloc((size_t)n + 1, sizeof(*out->cols));
	/* an array of pointers to declarations */
	out->defs = xcalloc((size_t)n + 1, sizeof(*out->defs)); /* NOLINT(bugprone-sizeof-expression) */
	for (int c = 0; c < n; c++) {
		const char *name = sqlite3_column_name(st, c);
		const struct ar_column *d = access_report_column(t, name);

		if (d != NULL && d->withheld != NULL)
			continue;
		src[out->ncols] = c;
		out->defs[out->ncols] = d;
		out->cols[out->ncols++] = xstrdup(name);
	}
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ar_cell *row;

		if (out->nrows == cap) {
			cap = cap ? cap * 2 : 8;
			out->v = xrealloc(out->v, cap * (out->ncols + 1) *
			    sizeof(*out->v));
		}
		row = &out->v[out->nrows * out->ncols];
		for (size_t c = 0; c < out->ncols; c++) {
			const unsigned char *s;

			row[c].type = sqlite3_column_type(st, src[c]);
			s = sqlite3_column_text(st, src[c]);
			/* a blob of a column not withheld: shown as its length only */
			if (row[c].type == SQLITE_BLOB) {
				char b[48];

				snprintf(b, sizeof(b), "(%d bytes)",
				    sqlite3_column_bytes(st, src[c]));
				row[c].type = SQLITE_TEXT;
				row[c].s = xstrdup(b);
			} else
				row[c].s = s ? xstrdup((const char *)s) : NULL;
		}
		out->nrows++;
	}
	if (step != SQLITE_DONE) {
		LOG_ERR("%s: %s", t->name, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	free(src);
	sqlite3_finalize(st);
	return rc;
}

/* The staff look-ups of customer id. 0 or -1. */
static int
gather_access(sqlite3 *db, long long id, struct access_report *r)
{
	sqlite3_stmt *st = NULL;
	char idtext[24];
	size_t cap = 0;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, sql[S_VISITS], -1, &st, NULL) != SQLITE_OK)
		goto out;
	snprintf(idtext, sizeof(idtext), "%lld", id);
	sqlite3_bind_text(st, 1, idtext, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ar_access *a;

		if (r->naccess == cap) {
			cap = cap ? cap * 2 : 16;
			r->access = xrealloc(r->access, cap * sizeof(*r->access));
		}
		a = &r->access[r->naccess++];
		snprintf(a->at, sizeof(a->at), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		a->action = xstrdup((const char *)sqlite3_column_text(st, 1));
		a->role = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	if (rc != 0)
		LOG_ERR("audit look-ups: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* Does title (UTF-8) contain any of words, ignoring ASCII case? */
static int
title_has(const char *title, const char *const *words)
{
	for (; *words != NULL; words++) {
		size_t n = strlen(*words);

		for (const char *p = title; *p != '\0'; p++)
			if (strncasecmp(p, *words, n) == 0)
				return 1;
	}
	return 0;
}

/*
 * The notice's sections the report repeats: the purposes and legal basis
 * (title with "tarkoitu"/"purpose", as notice_rules.c finds them for
 * Art. 13(1)(c), and the legitimate interests, "oikeutet"/"legitimate",
 * 13(1)(d)) and the rights (titles with "oikeus"/"oikeude"/"right", the
 * purposes' own title excepted). 0 or -1.
 */
static int
gather_notice(sqlite3 *db, struct access_report *r)
{
	static const char *const purpose_words[] = { "tarkoitu", "purpose",
		"oikeutet", "legitimate", NULL };
	static const char *const right_words[] = { "oikeus", "oikeude",
		"right", NULL };
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, sql[S_NOTICE], -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, lang_codes[r->lang], -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(st, 1);
		struct ar_notice_section **v;
		size_t *n;

		r->notice_version = sqlite3_column_int(st, 0);
		if (title_has(title, purpose_words)) {
			v = &r->purposes;
			n = &r->npurposes;
		} else if (title_has(title, right_words)) {
			v = &r->rights;
			n = &r->nrights;
		} else
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n].title = xstrdup(title);
		(*v)[*n].text = rt_text((const char *)sqlite3_column_text(st,
		    2));
		(*n)++;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	if (rc != 0)
		LOG_ERR("notice: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* The value of column name in row i of rows, or NULL. */
static const char *
cell(const struct ar_rows *rows, size_t i, const char *name)
{
	for (size_t c = 0; c < rows->ncols; c++)
		if (strcmp(rows->cols[c], name) == 0)
			return rows->v[i * rows->ncols + c].s;
	return NULL;
}

int
access_report_gather(sqlite3 *db, long long id, enum lang lang,
    const char *today, const struct authority *auth,
    struct access_report *out)
{
	int own = sqlite3_get_autocommit(db), rc = -1;
	const char *ended;

	memset(out, 0, sizeof(*out));
	out->customer_id = id;
	out->lang = lang;
	out->authority = auth;
	snprintf(out->generated, sizeof(out->generated), "%s", today);
	if (own && db_begin_read(db) != 0)
		return -1;
	for (int k = 0; k < ART__MAX; k++)
		if (gather_table(db, k, id, &out->t[k]) != 0)
			goto out;
	if (out->t[ART_CUSTOMERS].nrows == 0) {
		rc = 1;
		goto out;
	}
	if (gather_access(db, id, out) != 0 || gather_notice(db, out) != 0)
		goto out;
	/*
	 * The notice's retention (retention_class.c RC_CUSTOMER): the months
	 * from the end of the relationship, counted as EU 1182/71 counts
	 * months; while it lasts there is no date yet.
	 */
	ended = cell(&out->t[ART_CUSTOMERS], 0, "relationship_ended");
	if (ended != NULL && *ended != '\0' && fmt_add_months(ended,
	    retention_rule(RC_CUSTOMER)->amount, out->kept_until,
	    sizeof(out->kept_until)) != 0)
		out->kept_until[0] = '\0';
	rc = 0;
out:
	if (own)
		db_rollback(db);
	return rc;
}

static void
rows_free(struct ar_rows *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->v[i].s);
	for (size_t c = 0; c < r->ncols; c++)
		free(r->cols[c]);
	free(r->v);
	free(r->cols);
	free(r->defs);
}

static void
sections_free(struct ar_notice_section *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].text);
	}
	free(v);
}

void
access_report_free(struct access_report *r)
{
	for (int k = 0; k < ART__MAX; k++)
		rows_free(&r->t[k]);
	for (size_t i = 0; i < r->naccess; i++) {
		free(r->access[i].action);
		free(r->access[i].role);
	}
	free(r->access);
	sections_free(r->purposes, r->npurposes);
	sections_free(r->rights, r->nrights);
	memset(r, 0, sizeof(*r));
}
