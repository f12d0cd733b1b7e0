/*
 * access_report_json.c — the machine-readable files of a gathered report:
 * the access report (GDPR Art. 15) as JSON (docs/access-report.md) and
 * the portability file (Art. 20) as JSON and CSV (docs/portability.md).
 * See access_report.h; the report is gathered by access_report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "access_report.h"
#include "csvio.h"
#include "retention_class.h"

enum stmt {
	S_JSON_QUOTE,
	S__MAX
};

static const char *const sql[S__MAX] = {
	/* S_JSON_QUOTE */
	"SELECT json_quote(?1)",
};

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
	const struct ar_table *tables = access_report_tables();
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
