/* lists.c — lists that leave the register: the customer export as CSV, and mailing labels per purpose as A4 sheets and CSV. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "buf.h"
#include "csvio.h"
#include "customer.h"
#include "db.h"
#include "log.h"
#include "intranet.h"

/* Streams CSV rows to the client, a buffer at a time. */
struct csv_out {
	struct req	*r;
	struct buf	 b;
	int		 gone;	/* the client stopped reading */
	long		 rows;	/* written, besides the header */
};

static int
csv_flush(struct csv_out *o, int force)
{
	if (o->b.len > 0 && (force || o->b.len >= (size_t)64 * 1024)) {
		if (resp_write(o->r, o->b.data, o->b.len) != 0)
			o->gone = 1;
		buf_reset(&o->b);
	}
	return o->gone;
}

/*
 * The status line went out before the rows: a database error on the way
 * can only be said in the file itself, as its last row.
 */
static void
csv_incomplete(struct csv_out *o)
{
	static const char *const cells[] = { "ERROR",
	    "the export is incomplete: a database error stopped it" };

	csv_row(&o->b, cells, 2);
}

static int
export_row(void *arg, const char *const *cells, int n)
{
	struct csv_out *o = arg;

	csv_row(&o->b, cells, (size_t)n);
	return csv_flush(o, 0);
}

/*
 * GET /intranet/customers.csv?purpose=P: every record the search matches
 * (not only a page) as CSV for purpose P, chosen explicitly (docs/csv.md):
 * restricted records and everyone with a ban the purpose excludes left
 * out. Audited with the purpose and the counts, never the search words.
 */
void
page_customers_csv(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct csv_out o = { r, BUF_INIT, 0, 0 };
	const char *head[CEXPORT_MAX_COLUMNS];
	struct cexport_counts n;
	struct csearch cs;
	struct buf summary = BUF_INIT;
	char disp[96];
	int rc, purpose, ncols;

	if (ui_search_params(r, &cs) != 0 || kv_count(&r->query, "purpose") != 1 ||
	    (purpose = cexport_purpose_parse(kv_get(&r->query, "purpose"))) < 0) {
		app_error(a, r, 400);
		return;
	}
	ncols = customer_export_header(purpose, head);
	resp_header(r, "Cache-Control", "no-store");
	snprintf(disp, sizeof(disp), "attachment; filename=\"asiakkaat-%s.csv\"",
	    cexport_purposes[purpose]);	/* a name from the table */
	resp_header(r, "Content-Disposition", disp);
	/* A read transaction: the rows of one moment, however long it takes. */
	if (db_begin_read(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	resp_start(r, 200, "text/csv; charset=utf-8; header=present");
	csv_row(&o.b, head, (size_t)ncols);
	rc = customer_export(a->db, &cs, purpose, export_row, &o, &n);
	db_rollback(a->db);
	if (rc < 0)
		csv_incomplete(&o);
	csv_flush(&o, 1);
	buf_free(&o.b);
	if (rc < 0)
		LOG_ERR("export stopped by a database error");
	buf_addf(&summary, "%s: %ld rows; left out %ld restricted",
	    cexport_purposes[purpose], n.rows, n.restricted);
	for (int p = 0; p < CP__MAX; p++)
		if (n.banned[p] > 0)
			buf_addf(&summary, ", %ld ban %s", n.banned[p],
			    cpurpose_names[p]);
	if (rc != 0)
		buf_adds(&summary, "; incomplete");
	/* the file has gone out: a row that cannot be written is logged */
	(void)ui_event(a, r, &cx->me, "customer.export", "customer", 0,
	    summary.data);
	buf_free(&summary);
}

/* Mailing labels: the purpose and postal prefix of a list, from the query. 0 or -1 (400). */
static int
label_params(struct req *r, const char **purpose, const char **postal)
{
	*purpose = kv_get(&r->query, "purpose");
	*postal = kv_get(&r->query, "postal");
	if (*purpose != NULL && *purpose[0] != '\0') {
		int ok = 0;

		for (size_t i = 0; clabel_purposes[i] != NULL; i++)
			ok |= strcmp(*purpose, clabel_purposes[i]) == 0;
		if (!ok)
			return -1;
	} else
		*purpose = NULL;
	if (!customer_postal_prefix_ok(*postal))
		return -1;
	if (*postal != NULL && **postal == '\0')
		*postal = NULL;
	return 0;
}

/* "purpose=...&postal=..." for links, percent-encoded by libxml2. */
static void
label_query(struct buf *b, const char *purpose, const char *postal)
{
	xmlChar *e = xmlURIEscapeStr(BAD_CAST (postal ? postal : ""),
	    BAD_CAST "");

	buf_addf(b, "purpose=%s&postal=%s", purpose, e ? (char *)e : "");
	xmlFree(e);
}

/* The purpose menu, the chosen one selected. */
static void
label_purposes(struct app *a, struct req *r, struct tmpl_map *root, const char *purpose)
{
	static const char *const keys[] = { "purpose.advertising",
	    "purpose.distance_selling", "purpose.direct_marketing",
	    "purpose.research", "purpose.publication" };
	struct tmpl_list *l = tm_list(root, "purposes");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) &&
	    clabel_purposes[i] != NULL; i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", clabel_purposes[i]);
		tm_str(m, "label", i18n_msg(a->msgs, r->lang, keys[i]));
		tm_bool(m, "selected", purpose != NULL &&
		    strcmp(purpose, clabel_purposes[i]) == 0);
		if (purpose != NULL && strcmp(purpose, clabel_purposes[i]) == 0)
			tm_str(root, "purpose_label", i18n_msg(a->msgs, r->lang,
			    keys[i]));
	}
}

#define LABELS_PER_SHEET 24L	/* A4, 3 × 8 */
#define SHEETS_PER_PAGE 10L

#define LEFT_SHOWN	10	/* people shown for each reason (audit id list) */

/* The people left out, into each reason's row of the counts table. */
struct left_people {
	struct tmpl_map		**rows;		/* [CL__MAX] */
	struct ui_ids		 *shown;
	struct tmpl_list	 *people[CL__MAX];	/* made on the first */
};

static int
left_person(void *arg, int why, long long id, const char *number,
    const char *name)
{
	struct left_people *x = arg;
	struct tmpl_map *p;
	char href[64];

	if (why < 0 || why >= CL__MAX)
		return 0;
	if (x->people[why] == NULL)
		x->people[why] = tm_list(x->rows[why], "people");
	p = tm_list_map(x->people[why]);
	snprintf(href, sizeof(href), "/intranet/customer?id=%lld", id);
	tm_str(p, "href", href);
	tm_str(p, "number", number);
	tm_str(p, "name", name);
	ui_ids_add(x->shown, id);
	return 0;
}

/*
 * GET /intranet/labels: choose a purpose (and a postal-code prefix); the
 * page says how many are on the list and how many were left out for which
 * reason, the first LEFT_SHOWN of each by number linked to their records
 * (one labels.left audit row with their ids), with links to the label
 * sheets and the CSV.
 */
void
page_labels(struct app *a, struct req *r)
{
	static const char *const why_keys[CL__MAX] = { "labels.left.restricted",
	    "labels.left.ended", "labels.left.ban", "labels.left.publication",
	    "labels.left.no_address" };
	const struct ui *cx = r->ctx;
	const char *purpose, *postal;
	struct tmpl_model *m;
	struct tmpl_map *root, *rows[CL__MAX];
	struct ui_ids shown = { NULL, 0, 0 };
	struct left_people lp = { rows, &shown, { NULL } };
	struct buf ids = BUF_INIT;
	long included, left[CL__MAX], total = 0;

	if (label_params(r, &purpose, &postal) != 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	label_purposes(a, r, root, purpose);
	tm_str(root, "postal", postal ? postal : "");
	if (purpose != NULL) {
		struct tmpl_map *c = tm_map(root, "counts");
		struct tmpl_list *l = tm_list(c, "left");
		struct buf q = BUF_INIT, h = BUF_INIT;

		if (customer_label_counts(a->db, purpose, postal, &included,
		    left) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		for (int i = 0; i < CL__MAX; i++) {
			rows[i] = tm_list_map(l);
			tm_str(rows[i], "reason", i18n_msg(a->msgs, r->lang,
			    why_keys[i]));
			tm_int(rows[i], "count", left[i]);
			if (left[i] > LEFT_SHOWN)
				tm_int(rows[i], "more", left[i] - LEFT_SHOWN);
			total += left[i];
		}
		/* who, LEFT_SHOWN of each reason, linked; their ids audited */
		if (total > 0 && (customer_label_left(a->db, purpose, postal,
		    LEFT_SHOWN, left_person, &lp) != 0 || (ui_ids_format(&shown,
		    &ids), ui_event_ids(a, r, &cx->me, "labels.left", "customer",
		    buf_cstr(&ids), purpose)) != 0)) {
			ui_ids_free(&shown);
			buf_free(&ids);
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		ui_ids_free(&shown);
		buf_free(&ids);
		tm_int(c, "included", included);
		tm_int(c, "left_total", total);
		tm_int(c, "sheets", (included + LABELS_PER_SHEET - 1) /
		    LABELS_PER_SHEET);
		label_query(&q, purpose, postal);
		if (included > 0) {
			buf_addf(&h, "/intranet/labels/sheet?%s&page=1", q.data);
			tm_str(c, "sheet_href", h.data);
			buf_reset(&h);
			buf_addf(&h, "/intranet/labels.csv?%s", q.data);
			tm_str(c, "csv_href", h.data);
		}
		buf_free(&q);
		buf_free(&h);
	}
	ui_page(a, r, 200, "labels.xhtml", m);
}

struct sheet_fill {
	struct tmpl_list	*sheets;
	struct tmpl_list	*labels;
	long			 n;
	long			 max;	/* labels on a page */
	int			 more;	/* a label beyond them: there is a next page */
};

static int
sheet_label(void *arg, const struct clabel *l)
{
	struct sheet_fill *f = arg;
	struct tmpl_map *m;

	if (f->n == f->max) {
		f->more = 1;
		return 1;	/* one past the page was asked for: enough */
	}
	if (f->n++ % LABELS_PER_SHEET == 0)
		f->labels = tm_list(tm_list_map(f->sheets), "labels");
	m = tm_list_map(f->labels);
	tm_str(m, "name", l->name);
	tm_str(m, "organisation", l->organisation);
	tm_str(m, "street", l->street);
	tm_str(m, "postal_code", l->postal_code);
	tm_str(m, "city", l->city);
	tm_str(m, "country", l->country);
	return 0;
}

/*
 * GET /intranet/labels/sheet: A4 label sheets, 3 × 8 labels each, ten
 * sheets to a page. Audited: which list, which page, how many labels.
 */
void
page_labels_sheet(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *purpose, *postal;
	struct sheet_fill f = { NULL, NULL, 0, LABELS_PER_SHEET * SHEETS_PER_PAGE,
	    0 };
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct buf q = BUF_INIT, h = BUF_INIT;
	long long pageno = 1;
	char summary[96];

	if (label_params(r, &purpose, &postal) != 0 || purpose == NULL ||
	    ui_page_no(r, &pageno) != 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	f.sheets = tm_list(root, "sheets");
	label_purposes(a, r, root, purpose);
	/* a page and one label more, to know whether there is a next page */
	if (customer_labels(a->db, purpose, postal, (pageno - 1) * f.max,
	    f.max + 1, sheet_label, &f) < 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		/* "page 1 of 3, sheets 1–10 of 24": what printing this gives */
		long included, left[CL__MAX];
		long long sheets, pages, first = (pageno - 1) * SHEETS_PER_PAGE + 1;

		if (customer_label_counts(a->db, purpose, postal, &included,
		    left) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		sheets = (included + LABELS_PER_SHEET - 1) / LABELS_PER_SHEET;
		pages = sheets > 0 ? (sheets + SHEETS_PER_PAGE - 1) /
		    SHEETS_PER_PAGE : 1;
		tm_int(root, "pages", pages);
		tm_int(root, "sheets_total", sheets);
		tm_int(root, "sheet_first", first);
		tm_int(root, "sheet_last", first + (f.n + LABELS_PER_SHEET - 1) /
		    LABELS_PER_SHEET - 1);
	}
	tm_int(root, "page", pageno);
	tm_int(root, "count", f.n);
	tm_bool(root, "none", f.n == 0);
	label_query(&q, purpose, postal);
	buf_addf(&h, "/intranet/labels?%s", q.data);
	tm_str(root, "back_href", h.data);
	if (pageno > 1) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/labels/sheet?%s&page=%lld", q.data,
		    pageno - 1);
		tm_str(root, "prev_href", h.data);
	}
	if (f.more) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/labels/sheet?%s&page=%lld", q.data,
		    pageno + 1);
		tm_str(root, "next_href", h.data);
	}
	buf_free(&q);
	buf_free(&h);
	snprintf(summary, sizeof(summary), "%s, page %lld, %ld labels", purpose,
	    pageno, f.n);
	if (ui_event(a, r, &cx->me, "labels.print", "customer", 0, summary) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	ui_page(a, r, 200, "labels-sheet.xhtml", m);
}

static int
csv_label(void *arg, const struct clabel *l)
{
	struct csv_out *o = arg;
	const char *cells[] = { l->number, l->name, l->organisation, l->street,
	    l->postal_code, l->city, l->country };

	csv_row(&o->b, cells, sizeof(cells) / sizeof(cells[0]));
	o->rows++;
	return csv_flush(o, 0);
}

/* GET /intranet/labels.csv: the whole list as CSV (docs/csv.md). Audited. */
void
page_labels_csv(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	static const char *const head[] = { "number", "name", "organisation",
	    "street", "postal_code", "city", "country" };
	struct csv_out o = { r, BUF_INIT, 0, 0 };
	const char *purpose, *postal;
	char summary[96];
	int rc;

	if (label_params(r, &purpose, &postal) != 0 || purpose == NULL) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin_read(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition",
	    "attachment; filename=\"postitustarrat.csv\"");
	resp_start(r, 200, "text/csv; charset=utf-8; header=present");
	csv_row(&o.b, head, sizeof(head) / sizeof(head[0]));
	rc = customer_labels(a->db, purpose, postal, 0, -1, csv_label, &o);
	db_rollback(a->db);
	if (rc < 0)
		csv_incomplete(&o);
	csv_flush(&o, 1);
	buf_free(&o.b);
	snprintf(summary, sizeof(summary), "%s, %ld labels%s", purpose, o.rows,
	    rc != 0 ? ", incomplete" : "");
	/* the file has gone out: a row that cannot be written is logged */
	(void)ui_event(a, r, &cx->me, "labels.export", "customer", 0, summary);
}

/* The purposes of a purpose-bound export into root.export_purposes (value, label); the register's own copy has its link. */
void
ui_export_purposes(struct app *a, struct req *r, struct tmpl_map *root)
{
	struct tmpl_list *l = tm_list(root, "export_purposes");
	char key[64];

	for (int i = CEXPORT_REGISTER + 1; cexport_purposes[i] != NULL; i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", cexport_purposes[i]);
		snprintf(key, sizeof(key), "export.purpose.%s", cexport_purposes[i]);
		tm_str(m, "label", i18n_msg(a->msgs, r->lang, key));
	}
}
