/*
 * stats.c — /intranet/statistics for admins and auditors: a year's tables
 * (lib/stats.h) with a bar chart each, drawn as SVG on the server through
 * the template (numbers and labels go in as values, never as markup), and
 * each table as CSV. What the numbers mean: docs/requests.md, "Statistics".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "csvio.h"
#include "stats.h"
#include "validate.h"
#include "intranet.h"

#define YEARS_MAX	200	/* years in the selector */

/* The tables, in page order; name is ?table= of the CSV. */
enum stable_id {
	TB_RECEIVED, TB_DAYS, TB_DEADLINE, TB_REFUSALS, TB_EXTENSIONS,
	TB_CUSTOMERS, TB__MAX
};
static const char *const table_names[TB__MAX + 1] = {
	"received", "days", "deadline", "refusals", "extensions", "customers",
	NULL
};

/* The months' short names, for the tables' heads and the charts. */
static const char *const month_keys[STATS_MONTHS] = { "stats.m1", "stats.m2",
	"stats.m3", "stats.m4", "stats.m5", "stats.m6", "stats.m7", "stats.m8",
	"stats.m9", "stats.m10", "stats.m11", "stats.m12" };

/* A row: its label and a value per column; -1 is "no value" where none may be. */
struct srow {
	const char	*label;
	const long	*v;
	int		 none_ok;	/* -1 means nothing to show (a median of nothing) */
};

/* The longest table's rows: received's (all and by type) or refusals'. */
#define ROWS_MAX	(1 + RT__MAX > SREF__MAX ? 1 + RT__MAX : SREF__MAX)

/* A table of the page (and its CSV), with the rows its chart draws. */
struct stable {
	struct srow	 rows[ROWS_MAX];
	size_t		 n;
	int		 chart[2];	/* rows drawn, as series */
	int		 nchart;
	int		 pct;		/* the chart's scale is 0..100 % */
	long		 share[STATS_COLS];	/* TB_DEADLINE's percentages */
};

static const char *
msg(struct app *a, struct req *r, const char *key)
{
	return i18n_msg(a->msgs, r->lang, key);
}

static void
row(struct stable *t, const char *label, const long *v, int none_ok)
{
	t->rows[t->n].label = label;
	t->rows[t->n].v = v;
	t->rows[t->n++].none_ok = none_ok;
}

/*
 * Table id of s. Refusals: the two closing states, then a row per legal
 * basis (labelled by the basis's wording in the refusal letters) and
 * "not recorded" (stats.h).
 */
static void
table_fill(struct app *a, struct req *r, const struct stats *s,
    enum stable_id id, struct stable *t)
{
	char key[64];

	memset(t, 0, sizeof(*t));
	t->nchart = 1;
	switch (id) {
	case TB_RECEIVED:
		row(t, msg(a, r, "stats.row.received"), s->received, 0);
		for (int i = 0; i < RT__MAX; i++) {
			snprintf(key, sizeof(key), "stats.type.%s", rtype_names[i]);
			row(t, msg(a, r, key), s->by_type[i], 0);
		}
		break;
	case TB_DAYS:
		row(t, msg(a, r, "stats.row.closed"), s->closed, 0);
		row(t, msg(a, r, "stats.row.median"), s->median_days, 1);
		row(t, msg(a, r, "stats.row.p90"), s->p90_days, 1);
		t->chart[0] = 1;
		t->chart[1] = 2;
		t->nchart = 2;
		break;
	case TB_DEADLINE:
		for (int c = 0; c < STATS_COLS; c++)
			t->share[c] = stats_percent(s->in_time[c], s->closed[c]);
		row(t, msg(a, r, "stats.row.closed"), s->closed, 0);
		row(t, msg(a, r, "stats.row.in_time"), s->in_time, 0);
		row(t, msg(a, r, "stats.row.share"), t->share, 1);
		t->chart[0] = 2;
		t->pct = 1;
		break;
	case TB_REFUSALS:
		row(t, msg(a, r, "stats.row.refused"), s->refusals[SREF_REFUSED], 0);
		row(t, msg(a, r, "stats.row.partly"), s->refusals[SREF_PARTLY], 0);
		for (int i = 0; i < LETTER_BASES; i++) {
			snprintf(key, sizeof(key), "letters.basis.%s",
			    letter_bases[i].name);
			row(t, msg(a, r, key), s->refusals[SREF_BASIS + i], 0);
		}
		row(t, msg(a, r, "stats.row.no_basis"),
		    s->refusals[SREF_NO_BASIS], 0);
		t->chart[1] = 1;
		t->nchart = 2;
		break;
	case TB_EXTENSIONS:
		row(t, msg(a, r, "stats.row.extended"), s->extensions[SEXT_ALL], 0);
		row(t, msg(a, r, "stats.row.ext_one"), s->extensions[SEXT_ONE], 0);
		row(t, msg(a, r, "stats.row.ext_two"), s->extensions[SEXT_TWO], 0);
		t->chart[0] = 1;
		t->chart[1] = 2;
		t->nchart = 2;
		break;
	case TB_CUSTOMERS:
	default:
		row(t, msg(a, r, "stats.row.added"), s->customers_added, 0);
		row(t, msg(a, r, "stats.row.ended"), s->customers_ended, 0);
		t->chart[1] = 1;
		t->nchart = 2;
		break;
	}
}

/* A value as the page and the CSV write it: "" for none. */
static void
cell_text(const struct srow *rw, int col, char *out, size_t len)
{
	if (rw->none_ok && rw->v[col] < 0)
		out[0] = '\0';
	else
		snprintf(out, len, "%ld", rw->v[col]);
}

/*
 * The chart's geometry, in the units of the template's viewBox
 * (0 0 720 250): the plot from X0 to X0 + 12 × GROUP, from the top Y0 to
 * the base line Y1.
 */
#define CH_X0		48
#define CH_GROUP	55
#define CH_Y0		34
#define CH_Y1		220
#define CH_MONTH_Y	238

/* A round step for about four grid lines up to max: 1, 2 or 5 × 10^k. */
static long
grid_step(long max)
{
	long step = 1;

	for (;;) {
		if (step * 4 >= max)
			return step;
		if (step * 2 * 4 >= max)
			return step * 2;
		if (step * 5 * 4 >= max)
			return step * 5;
		if (step > LONG_MAX / 100)
			return step;
		step *= 10;
	}
}

/* The bars of series k (of n) with its style. */
static void
chart_series(struct tmpl_list *bars, const struct srow *rw, int k, int n,
    long top, const char *fill)
{
	int w = n == 1 ? 33 : 22, off = n == 1 ? 11 : (k == 0 ? 5 : 28);
	char label[24];

	for (int c = 0; c < STATS_MONTHS; c++) {
		struct tmpl_map *b = tm_list_map(bars);
		long v = rw->v[c], h;
		int x = CH_X0 + c * CH_GROUP + off;

		h = v > 0 ? (v * (CH_Y1 - CH_Y0) + top / 2) / top : 0;
		tm_int(b, "x", x);
		tm_int(b, "y", CH_Y1 - h);
		tm_int(b, "w", w);
		tm_int(b, "h", h);
		tm_str(b, "fill", fill);
		tm_int(b, "tx", x + w / 2);
		tm_int(b, "ty", CH_Y1 - h - 4);
		if (rw->none_ok && v < 0)
			snprintf(label, sizeof(label), "–");
		else
			snprintf(label, sizeof(label), "%ld", v);
		tm_str(b, "label", label);
	}
}

/* The chart of table t (named name) into m: grid, bars, months, legend. */
static void
chart_model(struct app *a, struct req *r, const struct stable *t,
    const char *name, struct tmpl_map *m)
{
	struct tmpl_list *grid = tm_list(m, "grid"), *bars = tm_list(m, "bars");
	struct tmpl_list *months = tm_list(m, "months"), *legend;
	char id[64], fill[80];
	long max = 0, top, step;

	for (int k = 0; k < t->nchart; k++)
		for (int c = 0; c < STATS_MONTHS; c++)
			if (t->rows[t->chart[k]].v[c] > max)
				max = t->rows[t->chart[k]].v[c];
	step = t->pct ? 25 : grid_step(max);
	top = t->pct ? 100 : (max + step - 1) / step * step;
	if (top == 0)
		top = step;
	for (long g = 0; g <= top; g += step) {
		struct tmpl_map *e = tm_list_map(grid);
		long y = CH_Y1 - g * (CH_Y1 - CH_Y0) / top;

		tm_int(e, "y", y);
		tm_int(e, "ty", y + 4);
		tm_int(e, "label", g);
	}
	snprintf(id, sizeof(id), "chart-%s-title", name);
	tm_str(m, "title_id", id);
	snprintf(id, sizeof(id), "chart-%s-hatch", name);
	tm_str(m, "hatch_id", id);
	snprintf(fill, sizeof(fill), "url(#%s)", id);
	legend = tm_list(m, "legend");
	for (int k = 0; k < t->nchart; k++) {
		struct tmpl_map *e = tm_list_map(legend);
		const char *f = k == 0 ? "#333333" : fill;

		chart_series(bars, &t->rows[t->chart[k]], k, t->nchart, top, f);
		tm_int(e, "x", CH_X0 + k * 300);
		tm_int(e, "tx", CH_X0 + k * 300 + 18);
		tm_str(e, "fill", f);
		tm_str(e, "label", t->rows[t->chart[k]].label);
	}
	for (int c = 0; c < STATS_MONTHS; c++) {
		struct tmpl_map *e = tm_list_map(months);

		tm_int(e, "x", CH_X0 + c * CH_GROUP + CH_GROUP / 2);
		tm_str(e, "label", msg(a, r, month_keys[c]));
	}
}

/* Table id of s as a model: ids, title, caption, head, rows, chart, CSV link. */
static void
table_model(struct app *a, struct req *r, const struct stats *s,
    enum stable_id id, struct tmpl_map *m)
{
	const char *name = table_names[id];
	struct stable t;
	struct tmpl_list *head, *rows;
	char key[64], buf[96];

	table_fill(a, r, s, id, &t);
	snprintf(buf, sizeof(buf), "stats-%s", name);
	tm_str(m, "h_id", buf);
	snprintf(buf, sizeof(buf), "table-%s", name);
	tm_str(m, "table_id", buf);
	snprintf(key, sizeof(key), "stats.%s.title", name);
	tm_str(m, "title", msg(a, r, key));
	snprintf(key, sizeof(key), "stats.%s.intro", name);
	tm_str(m, "intro", msg(a, r, key));
	snprintf(key, sizeof(key), "stats.%s.chart", name);
	tm_str(m, "chart_title", msg(a, r, key));
	snprintf(buf, sizeof(buf), "/intranet/statistics.csv?year=%d&table=%s",
	    s->year, name);
	tm_str(m, "csv_href", buf);
	head = tm_list(m, "head");
	for (int c = 0; c < STATS_MONTHS; c++)
		tm_list_str(head, msg(a, r, month_keys[c]));
	tm_list_str(head, msg(a, r, "stats.col.year"));
	rows = tm_list(m, "rows");
	for (size_t i = 0; i < t.n; i++) {
		struct tmpl_map *e = tm_list_map(rows);
		struct tmpl_list *cells = tm_list(e, "cells");

		tm_str(e, "label", t.rows[i].label);
		if (i == 0 && id == TB_RECEIVED)
			tm_str(e, "class", "total");
		for (int c = 0; c < STATS_COLS; c++) {
			cell_text(&t.rows[i], c, buf, sizeof(buf));
			tm_list_str(cells, buf[0] != '\0' ? buf : "–");
		}
	}
	chart_model(a, r, &t, name, tm_map(m, "chart"));
}

/* This year in Helsinki (fmt_init set the time zone). */
static int
this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return STATS_YEAR_MIN;
	return tm.tm_year + 1900;
}

/* The year asked for: absent → this year; 0 when it is not a year. */
static int
year_param(struct req *r)
{
	const char *v = kv_get(&r->query, "year");
	long long y;

	if (v == NULL)
		return this_year();
	if (kv_count(&r->query, "year") != 1 || val_int(v, STATS_YEAR_MIN,
	    STATS_YEAR_MAX, &y) != NULL)
		return 0;
	return (int)y;
}

static int
cmp_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

/* The year selector: the years with data, this year and year, newest first. 0 or -1. */
static int
years_model(struct app *a, int year, struct tmpl_map *root)
{
	int years[YEARS_MAX + 2];
	size_t n, k = 0;
	struct tmpl_list *l = tm_list(root, "years");

	if (stats_years(a->db, years, YEARS_MAX, &n) != 0)
		return -1;
	years[n++] = this_year();
	if (year != 0)
		years[n++] = year;
	qsort(years, n, sizeof(years[0]), cmp_desc);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_map *e;

		if (i > 0 && years[i] == years[k])
			continue;
		k = i;
		e = tm_list_map(l);
		tm_int(e, "value", years[i]);
		tm_bool(e, "selected", years[i] == year);
	}
	return 0;
}

/*
 * The page for year, or (year 0, or err a message key) the form alone with
 * the message beside it, answered 400.
 */
static void
show(struct app *a, struct req *r, int year, const char *err)
{
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);
	struct stats s;

	if (years_model(a, err ? 0 : year, root) != 0 ||
	    (err == NULL && stats_year(a->db, year, &s) != 0)) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	if (err != NULL) {
		tm_str(root, "error", msg(a, r, err));
		tm_str(root, "error_id", "year-error");
		tm_str(root, "invalid", "true");
		ui_page(a, r, 400, "statistics.xhtml", m);
		return;
	}
	tm_int(root, "year", year);
	{
		struct tmpl_list *l = tm_list(root, "tables");

		for (int id = 0; id < TB__MAX; id++)
			table_model(a, r, &s, (enum stable_id)id, tm_list_map(l));
	}
	ui_page(a, r, 200, "statistics.xhtml", m);
}

/* GET /intranet/statistics[?year=Y]: the year's tables and charts. */
void
page_statistics(struct app *a, struct req *r)
{
	int year = year_param(r);

	show(a, r, year, year == 0 ? "stats.err.year" : NULL);
}

/*
 * GET /intranet/statistics.csv?year=Y&table=NAME: one table as CSV (RFC
 * 4180 by csvio, labels neutralised against formulas), a row per row of
 * the table, a column per month (YYYY-MM) and one for the year.
 */
void
page_statistics_csv(struct app *a, struct req *r)
{
	const char *head[1 + STATS_COLS];
	char cols[STATS_COLS][24], cells[STATS_COLS][24], disp[96];
	const char *line[1 + STATS_COLS];
	int year = year_param(r), id;
	struct stats s;
	struct stable t;
	struct buf b = BUF_INIT;

	if (year == 0) {
		show(a, r, 0, "stats.err.year");
		return;
	}
	if (kv_count(&r->query, "table") != 1 || val_enum(kv_get(&r->query,
	    "table"), table_names, &id) != NULL) {
		show(a, r, 0, "stats.err.table");
		return;
	}
	if (stats_year(a->db, year, &s) != 0) {
		app_error(a, r, 500);
		return;
	}
	table_fill(a, r, &s, (enum stable_id)id, &t);
	head[0] = msg(a, r, "stats.csv.row");
	for (int c = 0; c < STATS_COLS; c++) {
		if (c < STATS_MONTHS)
			snprintf(cols[c], sizeof(cols[c]), "%04d-%02d", year % 10000,
			    c + 1);
		else
			snprintf(cols[c], sizeof(cols[c]), "%04d", year % 10000);
		head[c + 1] = cols[c];
	}
	csv_row(&b, head, 1 + STATS_COLS);
	for (size_t i = 0; i < t.n; i++) {
		line[0] = t.rows[i].label;
		for (int c = 0; c < STATS_COLS; c++) {
			cell_text(&t.rows[i], c, cells[c], sizeof(cells[c]));
			line[c + 1] = cells[c];
		}
		csv_row(&b, line, 1 + STATS_COLS);
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"tilastot-%04d-%s.csv\"",
	    year % 10000, table_names[id]);
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition", disp);
	resp_start(r, 200, "text/csv; charset=utf-8; header=present");
	(void)resp_write(r, b.data, b.len);
	buf_free(&b);
}
