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
#include "csvio.h"
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
	{ name, refers, key, cols, sizeof(cols) / sizeof(cols[0]) }
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
	S_JSON_QUOTE,
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
	/* S_JSON_QUOTE */
	"SELECT json_quote(?1)",
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
	out->defs = xcalloc((size_t)n + 1, sizeof(*out->defs));
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

/* ---- the document people read ---- */

static struct ar_section *
sec_add(struct ar_doc *d, const char *title)
{
	struct ar_section *s;

	d->s = xrealloc(d->s, (d->n + 1) * sizeof(*d->s));
	s = &d->s[d->n++];
	memset(s, 0, sizeof(*s));
	s->title = title;
	return s;
}

static void
para_add(struct ar_section *s, const char *text)
{
	s->paras = xrealloc(s->paras, (s->nparas + 1) * sizeof(*s->paras));
	s->paras[s->nparas++] = xstrdup(text);
}

static struct ar_item *
item_add(struct ar_section *s)
{
	struct ar_item *it;

	s->items = xrealloc(s->items, (s->nitems + 1) * sizeof(*s->items));
	it = &s->items[s->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void
field_add(struct ar_item *it, const char *label, const char *value)
{
	it->f = xrealloc(it->f, (it->n + 1) * sizeof(*it->f));
	it->f[it->n].label = label;
	it->f[it->n++].value = xstrdup(value ? value : "");
}

/* A value as people read it, by its column's kind, into dst. */
static void
show(const struct i18n *msgs, enum lang lang, const struct ar_column *d,
    const char *v, char *dst, size_t len)
{
	char key[96];

	if (v == NULL) {
		snprintf(dst, len, "–");
		return;
	}
	switch (d ? d->kind : AK_TEXT) {
	case AK_DATE:
		if (*v == '\0' || fmt_date(dst, len, lang, v) != 0)
			snprintf(dst, len, "%s", v);
		return;
	case AK_TIME:
		if (*v == '\0' || fmt_datetime(dst, len, lang, v) != 0)
			snprintf(dst, len, "%s", v);
		return;
	case AK_BOOL:
		snprintf(dst, len, "%s", i18n_msg(msgs, lang,
		    strcmp(v, "0") == 0 ? "ar.no" : "ar.yes"));
		return;
	case AK_MONEY:
		fmt_money(dst, len, lang, strtoll(v, NULL, 10));
		return;
	case AK_CODE:
		snprintf(key, sizeof(key), "%s%s", d->prefix, v);
		snprintf(dst, len, "%s", i18n_get(msgs, lang, key) ?
		    i18n_get(msgs, lang, key) : v);
		return;
	case AK_TEXT:
		break;
	}
	snprintf(dst, len, "%s", v);
}

/* The label of column col of table t: ar.c.TABLE.COLUMN, or the column's name. */
static const char *
label(const struct i18n *msgs, enum lang lang, const struct ar_table *t,
    const char *col)
{
	char key[128];
	const char *m;

	snprintf(key, sizeof(key), "ar.c.%s.%s", t->name, col);
	m = i18n_get(msgs, lang, key);
	return m ? m : col;
}

void
access_report_doc(const struct access_report *r, const struct i18n *msgs,
    struct ar_doc *d)
{
	enum lang lang = r->lang;
	const struct retention_rule *rc = retention_rule(RC_CUSTOMER);
	struct ar_section *s;
	char v[4096], day[40];

	memset(d, 0, sizeof(*d));
	s = sec_add(d, i18n_msg(msgs, lang, "ar.intro_h"));
	if (fmt_date(day, sizeof(day), lang, r->generated) != 0)
		snprintf(day, sizeof(day), "%s", r->generated);
	snprintf(v, sizeof(v), "%s %s.", i18n_msg(msgs, lang, "ar.intro"),
	    day);
	para_add(s, v);
	/* every value, table by table (Art. 15(3)) */
	for (int k = 0; k < ART__MAX; k++) {
		const struct ar_rows *rows = &r->t[k];

		s = sec_add(d, i18n_msg(msgs, lang, tables[k].title_key));
		if (rows->nrows == 0)
			para_add(s, i18n_msg(msgs, lang, "ar.none"));
		for (size_t i = 0; i < rows->nrows; i++) {
			struct ar_item *it = item_add(s);

			for (size_t c = 0; c < rows->ncols; c++) {
				show(msgs, lang, rows->defs[c],
				    rows->v[i * rows->ncols + c].s, v,
				    sizeof(v));
				field_add(it, label(msgs, lang, &tables[k],
				    rows->cols[c]), v);
			}
		}
	}
	/* purposes and legal basis (Art. 15(1)(a)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.purposes_h"));
	if (r->notice_version == 0)
		para_add(s, i18n_msg(msgs, lang, "ar.no_notice"));
	for (size_t i = 0; i < r->npurposes; i++) {
		para_add(s, r->purposes[i].title);
		para_add(s, r->purposes[i].text);
	}
	/* recipients (Art. 15(1)(c)): the disclosure log, in words */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.recipients_h"));
	para_add(s, i18n_msg(msgs, lang, r->t[ART_DISCLOSURES].nrows ?
	    "ar.recipients" : "ar.no_recipients"));
	/* sources (Art. 15(1)(g)): with each change in the history */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.sources_h"));
	para_add(s, i18n_msg(msgs, lang, r->t[ART_HISTORY].nrows ?
	    "ar.sources" : "ar.no_sources"));
	/* how long (Art. 15(1)(d)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.retention_h"));
	if (r->kept_until[0] != '\0') {
		if (fmt_date(day, sizeof(day), lang, r->kept_until) != 0)
			snprintf(day, sizeof(day), "%s", r->kept_until);
		snprintf(v, sizeof(v), "%s %s (%s).", i18n_msg(msgs, lang,
		    "ar.kept_until"), day, rc->period[lang]);
	} else
		snprintf(v, sizeof(v), "%s", i18n_msg(msgs, lang,
		    "ar.kept_while"));
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s (%s).", i18n_msg(msgs, lang,
	    "ar.t.orders"), retention_rule(RC_ACCOUNTING)->period[lang],
	    retention_rule(RC_ACCOUNTING)->source[lang]);
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s.", i18n_msg(msgs, lang, "ar.t.requests"),
	    retention_rule(RC_REQUEST)->period[lang]);
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s.", i18n_msg(msgs, lang, "ar.access_h"),
	    retention_rule(RC_AUDIT)->period[lang]);
	para_add(s, v);
	/* staff look-ups: when and why, never who (CJEU C-579/21) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.access_h"));
	para_add(s, i18n_msg(msgs, lang, r->naccess ? "ar.access" :
	    "ar.no_access"));
	for (size_t i = 0; i < r->naccess; i++) {
		struct ar_item *it = item_add(s);
		char key[96];
		const char *m;

		show(msgs, lang, &(struct ar_column){ "at", AK_TIME, NULL,
		    NULL }, r->access[i].at, v, sizeof(v));
		field_add(it, i18n_msg(msgs, lang, "ar.at"), v);
		snprintf(key, sizeof(key), "ar.action.%s", r->access[i].action);
		m = i18n_get(msgs, lang, key);
		field_add(it, i18n_msg(msgs, lang, "ar.action"), m ? m :
		    r->access[i].action);
		snprintf(key, sizeof(key), "ar.role.%s", *r->access[i].role ?
		    r->access[i].role : "system");
		m = i18n_get(msgs, lang, key);
		field_add(it, i18n_msg(msgs, lang, "ar.role"), m ? m :
		    r->access[i].role);
	}
	/* the rights and how to use them (Art. 15(1)(e)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.rights_h"));
	para_add(s, i18n_msg(msgs, lang, "ar.rights"));
	for (size_t i = 0; i < r->nrights; i++) {
		para_add(s, r->rights[i].title);
		para_add(s, r->rights[i].text);
	}
	/* the complaint (Art. 15(1)(f), 77) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.authority_h"));
	if (r->authority != NULL) {
		struct ar_item *it = item_add(s);

		for (int f = 0; f < AF__MAX; f++) {
			char key[48];

			snprintf(key, sizeof(key), "ar.af.%s", afield_names[f]);
			field_add(it, i18n_msg(msgs, lang, key),
			    r->authority->v[lang][f]);
		}
	}
}

void
ar_doc_free(struct ar_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct ar_section *s = &d->s[i];

		for (size_t p = 0; p < s->nparas; p++)
			free(s->paras[p]);
		for (size_t k = 0; k < s->nitems; k++) {
			for (size_t f = 0; f < s->items[k].n; f++)
				free(s->items[k].f[f].value);
			free(s->items[k].f);
		}
		free(s->paras);
		free(s->items);
	}
	free(d->s);
	memset(d, 0, sizeof(*d));
}

void
access_report_text(const struct access_report *r, const struct i18n *msgs,
    struct buf *out)
{
	struct ar_doc d;

	access_report_doc(r, msgs, &d);
	buf_addf(out, "%s\n", i18n_msg(msgs, r->lang, "ar.title"));
	for (size_t i = 0; i < d.n; i++) {
		const struct ar_section *s = &d.s[i];

		buf_addf(out, "\n%s\n", s->title);
		for (const char *p = s->title; *p; p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				buf_addc(out, '=');
		buf_addc(out, '\n');
		for (size_t p = 0; p < s->nparas; p++)
			buf_addf(out, "%s\n", s->paras[p]);
		for (size_t k = 0; k < s->nitems; k++) {
			if (k > 0 || s->nparas > 0)
				buf_addc(out, '\n');
			for (size_t f = 0; f < s->items[k].n; f++)
				buf_addf(out, "%s: %s\n", s->items[k].f[f].label,
				    s->items[k].f[f].value);
		}
	}
	ar_doc_free(&d);
}

/* ---- JSON ---- */

/* s as a JSON string (SQLite's json_quote) onto out; NULL as null. 0 or -1. */
static int
jstr(sqlite3_stmt *q, struct buf *out, const char *s)
{
	int rc;

	if (s == NULL) {
		buf_adds(out, "null");
		return 0;
	}
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW)
		return -1;
	buf_adds(out, (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return 0;
}

/* A cell: numbers as numbers, text as strings, NULL as null. */
static int
jcell(sqlite3_stmt *q, struct buf *out, const struct ar_cell *c)
{
	if (c->type == SQLITE_INTEGER || c->type == SQLITE_FLOAT) {
		buf_adds(out, c->s);
		return 0;
	}
	return jstr(q, out, c->s);
}

/* The rows of table k as an array of objects, columns in skip left out. */
static int
jrows(sqlite3_stmt *q, struct buf *out, const struct ar_rows *rows,
    const char *const *skip)
{
	int rc = 0;

	buf_addc(out, '[');
	for (size_t i = 0; i < rows->nrows; i++) {
		int first = 1;

		buf_adds(out, i ? ",{" : "{");
		for (size_t c = 0; c < rows->ncols; c++) {
			int skipped = 0;

			for (const char *const *s = skip; s && *s; s++)
				skipped |= strcmp(*s, rows->cols[c]) == 0;
			if (skipped)
				continue;
			if (!first)
				buf_addc(out, ',');
			first = 0;
			rc |= jstr(q, out, rows->cols[c]);
			buf_addc(out, ':');
			rc |= jcell(q, out, &rows->v[i * rows->ncols + c]);
		}
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
	return rc ? -1 : 0;
}

static int
jsections(sqlite3_stmt *q, struct buf *out,
    const struct ar_notice_section *v, size_t n)
{
	int rc = 0;

	buf_addc(out, '[');
	for (size_t i = 0; i < n; i++) {
		buf_adds(out, i ? ",{\"title\":" : "{\"title\":");
		rc |= jstr(q, out, v[i].title);
		buf_adds(out, ",\"text\":");
		rc |= jstr(q, out, v[i].text);
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
	return rc ? -1 : 0;
}

int
access_report_json(sqlite3 *db, const struct access_report *r,
    struct buf *out)
{
	const enum retention_class classes[] = { RC_CUSTOMER, RC_ACCOUNTING,
		RC_REQUEST, RC_AUDIT };
	sqlite3_stmt *q = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql[S_JSON_QUOTE], -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	buf_adds(out, "{\"format\":\"rekisteri-access-report\",\"version\":1,"
	    "\"generated\":");
	rc |= jstr(q, out, r->generated);
	buf_adds(out, ",\"lang\":");
	rc |= jstr(q, out, lang_codes[r->lang]);
	buf_adds(out, ",\"data\":{");
	for (int k = 0; k < ART__MAX; k++) {
		if (k > 0)
			buf_addc(out, ',');
		rc |= jstr(q, out, tables[k].name);
		buf_addc(out, ':');
		rc |= jrows(q, out, &r->t[k], NULL);
	}
	buf_adds(out, "},\"withheld\":[");
	{
		int first = 1;

		for (int k = 0; k < ART__MAX; k++)
			for (size_t c = 0; c < tables[k].ncols; c++) {
				char name[128];

				if (tables[k].cols[c].withheld == NULL)
					continue;
				snprintf(name, sizeof(name), "%s.%s",
				    tables[k].name, tables[k].cols[c].name);
				buf_adds(out, first ? "{\"column\":" :
				    ",{\"column\":");
				first = 0;
				rc |= jstr(q, out, name);
				buf_adds(out, ",\"why\":");
				rc |= jstr(q, out, tables[k].cols[c].withheld);
				buf_addc(out, '}');
			}
	}
	buf_addf(out, "],\"notice_version\":%d,\"purposes\":",
	    r->notice_version);
	rc |= jsections(q, out, r->purposes, r->npurposes);
	/* recipients and sources are in data.disclosures and data.customer_history */
	buf_adds(out, ",\"retention\":{\"kept_until\":");
	rc |= jstr(q, out, r->kept_until[0] ? r->kept_until : NULL);
	buf_adds(out, ",\"rules\":[");
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct retention_rule *ru = retention_rule(classes[i]);

		buf_adds(out, i ? ",{\"class\":" : "{\"class\":");
		rc |= jstr(q, out, ru->code);
		buf_adds(out, ",\"period\":");
		rc |= jstr(q, out, ru->period[r->lang]);
		buf_adds(out, ",\"source\":");
		rc |= jstr(q, out, ru->source[r->lang]);
		buf_addc(out, '}');
	}
	buf_adds(out, "]},\"staff_access\":[");
	for (size_t i = 0; i < r->naccess; i++) {
		buf_adds(out, i ? ",{\"at\":" : "{\"at\":");
		rc |= jstr(q, out, r->access[i].at);
		buf_adds(out, ",\"action\":");
		rc |= jstr(q, out, r->access[i].action);
		buf_adds(out, ",\"role\":");
		rc |= jstr(q, out, r->access[i].role);
		buf_addc(out, '}');
	}
	buf_adds(out, "],\"rights\":");
	rc |= jsections(q, out, r->rights, r->nrights);
	buf_adds(out, ",\"authority\":");
	if (r->authority == NULL)
		buf_adds(out, "null");
	else {
		buf_addc(out, '{');
		for (int f = 0; f < AF__MAX; f++) {
			if (f > 0)
				buf_addc(out, ',');
			rc |= jstr(q, out, afield_names[f]);
			buf_addc(out, ':');
			rc |= jstr(q, out, r->authority->v[r->lang][f]);
		}
		buf_addc(out, '}');
	}
	buf_adds(out, "}\n");
	sqlite3_finalize(q);
	return rc ? -1 : 0;
}

/* ---- portability (Art. 20) ---- */

/* What the portability file leaves out: the register's own keys. */
static const char *const customer_skip[] = { "id", NULL };
static const char *const order_skip[] = { "id", "customer_id", NULL };

int
portability_json(sqlite3 *db, const struct access_report *r,
    struct buf *out)
{
	sqlite3_stmt *q = NULL;
	size_t mark;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql[S_JSON_QUOTE], -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	buf_addf(out, "{\"format\":\"rekisteri-portability\",\"version\":%d,"
	    "\"generated\":", PORTABILITY_VERSION);
	rc |= jstr(q, out, r->generated);
	buf_adds(out, ",\"customer\":");
	/* the one record as an object, not an array of one */
	mark = out->len;
	rc |= jrows(q, out, &r->t[ART_CUSTOMERS], customer_skip);
	if (out->len - mark >= 2) {
		memmove(out->data + mark, out->data + mark + 1,
		    out->len - mark - 2);
		out->len -= 2;
		out->data[out->len] = '\0';
	}
	buf_adds(out, ",\"orders\":");
	rc |= jrows(q, out, &r->t[ART_ORDERS], order_skip);
	buf_adds(out, "}\n");
	sqlite3_finalize(q);
	return rc ? -1 : 0;
}

/* The rows as CSV: a header, then each row, columns in skip left out. */
static void
csv_rows(const struct ar_rows *rows, const char *const *skip,
    struct buf *out)
{
	const char **cells = xcalloc(rows->ncols + 1, sizeof(*cells));

	for (size_t i = 0; i <= rows->nrows; i++) {
		size_t n = 0;

		for (size_t c = 0; c < rows->ncols; c++) {
			int skipped = 0;

			for (const char *const *s = skip; *s; s++)
				skipped |= strcmp(*s, rows->cols[c]) == 0;
			if (skipped)
				continue;
			if (i == 0)
				cells[n++] = rows->cols[c];
			else {
				const char *v = rows->v[(i - 1) * rows->ncols +
				    c].s;

				cells[n++] = v ? v : "";
			}
		}
		csv_row(out, cells, n);
	}
	free(cells);
}

void
portability_customer_csv(const struct access_report *r, struct buf *out)
{
	csv_rows(&r->t[ART_CUSTOMERS], customer_skip, out);
}

void
portability_orders_csv(const struct access_report *r, struct buf *out)
{
	csv_rows(&r->t[ART_ORDERS], order_skip, out);
}
