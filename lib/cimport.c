/* cimport.c — see cimport.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cimport.h"
#include "csvio.h"
#include "customer.h"
#include "db.h"
#include "db_cache.h"
#include "forget.h"
#include "invoice.h"
#include "log.h"
#include "req.h"

/* What an update service sends: names and the postal address. */
const char *const cimport_update_columns[] = {
	"number", "first_name", "last_name", "street", "postal_code", "city",
	"country", NULL,
};

/* The order a new record may bring, with its invoice state. */
const char *const cimport_order_columns[CIO__MAX + 1] = {
	"order_number", "order_date", "order_amount", "order_status",
	"order_status_on", NULL,
};

#define COL_NUMBER (-1)
#define COL_ORDER  100		/* + enum cimport_ocol */

/* Every statement of this file. */
enum istmt { I_BY_NUMBER, I_NUMBER_SEEN, I_NUMBERS_TABLE, I__MAX };
static const char *const sql[I__MAX] = {
	[I_BY_NUMBER] = "SELECT id FROM customers WHERE number = ?1",
	[I_NUMBER_SEEN] = "INSERT INTO temp.import_numbers (number) VALUES (?1)"
	    " ON CONFLICT DO NOTHING",
	/* run with sqlite3_exec: the numbers a file has shown so far */
	[I_NUMBERS_TABLE] = "CREATE TEMP TABLE IF NOT EXISTS import_numbers"
	    " (number TEXT PRIMARY KEY); DELETE FROM temp.import_numbers",
};

/* A record's field by its column name, or -2. */
static int
record_field(const char *name)
{
	int f = field_index(cfields, CF__MAX, name);

	return f < 0 ? -2 : f;
}

static int
update_column(const char *name)
{
	for (size_t i = 0; cimport_update_columns[i] != NULL; i++)
		if (strcmp(name, cimport_update_columns[i]) == 0)
			return 1;
	return 0;
}

/* An order column's index, or -1. */
static int
order_column(const char *name)
{
	for (int i = 0; i < CIO__MAX; i++)
		if (strcmp(name, cimport_order_columns[i]) == 0)
			return i;
	return -1;
}

/* The header row: each column a known name, once. 0 or -1 (im->error). */
static int
read_header(struct cimport *im, long line, char **f, size_t n)
{
	int have_number = 0;

	if (n > 1 + CF__MAX + CIO__MAX) {
		snprintf(im->error, sizeof(im->error), "line %ld: more columns "
		    "than there are fields", line);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = f[i];
		int col;

		while (*name == ' ')
			name++;
		if (strcmp(name, "number") == 0)
			col = COL_NUMBER;
		else if (im->kind == CIMPORT_NEW && (col = order_column(name))
		    >= 0)
			col += COL_ORDER;
		else if ((col = record_field(name)) < 0 ||
		    (im->kind == CIMPORT_UPDATES && !update_column(name))) {
			snprintf(im->error, sizeof(im->error), "line %ld: unknown "
			    "column \"%.60s\" (docs/csv.md lists the columns)",
			    line, name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (im->cols[j] == col) {
				snprintf(im->error, sizeof(im->error), "line %ld: "
				    "column \"%.60s\" appears twice", line, name);
				return -1;
			}
		im->cols[i] = col;
		have_number |= col == COL_NUMBER;
	}
	if (im->kind == CIMPORT_UPDATES && !have_number) {
		snprintf(im->error, sizeof(im->error), "line %ld: an update needs "
		    "the column \"number\" to know whose data it is", line);
		return -1;
	}
	im->ncols = n;
	return 0;
}

/* A customer number brought by an import: letters, digits, '-', '/', '.'; 1 to 20. */
static int
number_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 20)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '/' &&
		    s[i] != '.')
			return 0;
	return 1;
}

/* The record with number, 0 when there is none, -1 on error. */
static long long
find_number(sqlite3 *db, const char *number)
{
	sqlite3_stmt *st;
	long long id = 0;
	int rc;

	if ((st = db_cached(db, sql, I_BY_NUMBER)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	db_release(st);
	return id;
}

/* Whether number came earlier in the file: 1, 0 (now remembered), -1. */
static int
seen_before(sqlite3 *db, const char *number)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_cached(db, sql, I_NUMBER_SEEN)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	db_release(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db) == 0;
}

/* A message in the import's language (the key itself without catalogues). */
static const char *
msg(const struct cimport *im, const char *key)
{
	return im->msgs != NULL ? i18n_msg(im->msgs, im->lang, key) : key;
}

/*
 * A column's name for people with the file's own name beside it (#20):
 * "Sähköposti (email)"; the column alone without catalogues.
 */
static const char *
col_label(const struct cimport *im, const char *col, char *out, size_t len)
{
	char key[64];
	const char *t;

	if (im->msgs == NULL)
		return col;
	snprintf(key, sizeof(key), "import.col.%s", col);
	if ((t = i18n_get(im->msgs, im->lang, key)) == NULL) {
		snprintf(key, sizeof(key), "cust.%s", col);
		t = i18n_get(im->msgs, im->lang, key);
	}
	if (t == NULL)
		return col;
	snprintf(out, len, "%s (%s)", t, col);
	return out;
}

static void
add_reason(const struct cimport *im, struct buf *what, const char *field,
    const char *reason)
{
	char label[160];

	buf_addf(what, "%s%s: %s", what->len ? "; " : "", col_label(im, field,
	    label, sizeof(label)), reason);
}

static struct cimport_line *
new_line(struct cimport *im, long line)
{
	struct cimport_line *l;

	if (im->nlines == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 64;
		im->lines = xrealloc(im->lines, im->cap * sizeof(*im->lines));
		im->recs = xrealloc(im->recs, im->cap * sizeof(*im->recs));
		im->orders = xrealloc(im->orders, im->cap * sizeof(*im->orders));
	}
	memset(im->orders[im->nlines], 0, sizeof(im->orders[0]));
	l = &im->lines[im->nlines];
	memset(l, 0, sizeof(*l));
	memset(&im->recs[im->nlines], 0, sizeof(im->recs[0]));
	l->line = line;
	im->nlines++;
	return l;
}

/*
 * The row's customer number (possibly "") checked against the kind of
 * import, the rows before it and the register. When it names a record,
 * *old gets that record and *have_old is set: the caller frees it,
 * whatever this returns. Returns 0 when the number is acceptable, 1 when
 * the row is bad (the reason added to what), -1 on a database error.
 */
static int
check_number(struct cimport *im, const char *number, struct customer *old,
    int *have_old, struct buf *what)
{
	long long id;
	int seen;

	if (number[0] == '\0') {
		if (im->kind == CIMPORT_UPDATES) {
			add_reason(im, what, "number", msg(im, "import.err.empty"));
			return 1;
		}
		return 0;
	}
	if (!number_ok(number)) {
		add_reason(im, what, "number", msg(im, "import.err.number"));
		return 1;
	}
	if ((seen = seen_before(im->db, number)) != 0) {
		if (seen < 0)
			return -1;
		add_reason(im, what, "number", msg(im, "import.err.twice"));
		return 1;
	}
	if ((id = find_number(im->db, number)) < 0)
		return -1;
	if (im->kind == CIMPORT_NEW && id > 0) {
		add_reason(im, what, "number", msg(im, "import.err.taken"));
		return 1;
	}
	if (im->kind == CIMPORT_UPDATES && id == 0) {
		add_reason(im, what, "number", msg(im, "import.err.no_such"));
		return 1;
	}
	if (id > 0) {
		if (customer_get(im->db, id, old) != 0)
			return -1;
		*have_old = 1;
		if (old->restricted) {
			add_reason(im, what, "number",
			    msg(im, "import.err.restricted"));
			return 1;
		}
	}
	return 0;
}

static void
order_free(char *o[CIO__MAX])
{
	for (int k = 0; k < CIO__MAX; k++) {
		free(o[k]);
		o[k] = NULL;
	}
}

/*
 * The row's order, when it has order columns with a value: number, date,
 * amount and state required and checked like the order form
 * (order_fields), the state's day like an import's (invoice_import_check).
 * A good order's values, normalised, go to o (o[CIO_NUMBER] stays NULL
 * without one). 0, or 1 with the reasons added to what.
 */
static int
check_order(struct cimport *im, char **f, size_t n, char *o[CIO__MAX],
    struct buf *what)
{
	static const int form_of[CIO__MAX] = { OF_NUMBER, OF_DATE, OF_AMOUNT,
	    OF_STATUS, -1 };
	const char *cell[CIO__MAX] = { "", "", "", "", "" };
	const char *errs[OF__MAX], *e;
	struct kvlist form = { NULL, 0, 0 };
	char *v[OF__MAX], on[16];
	int any = 0, bad = 0;

	for (size_t i = 0; i < n && i < im->ncols; i++)
		if (im->cols[i] >= COL_ORDER) {
			cell[im->cols[i] - COL_ORDER] = f[i];
			any |= f[i][0] != '\0';
		}
	if (!any)
		return 0;
	for (int k = 0; k < CIO__MAX; k++)
		if (form_of[k] >= 0)
			kv_add(&form, order_fields[form_of[k]].name, cell[k]);
	kv_add(&form, order_fields[OF_DESCRIPTION].name, "");
	if (field_read(order_fields, OF__MAX, &form, v, errs) > 0) {
		for (int k = 0; k < CIO__MAX; k++)
			if (form_of[k] >= 0 && errs[form_of[k]] != NULL)
				add_reason(im, what, cimport_order_columns[k],
				    msg(im, errs[form_of[k]]));
		bad = 1;
	}
	on[0] = '\0';
	if (!bad && cell[CIO_STATUS_ON][0] != '\0' &&
	    (e = val_date(cell[CIO_STATUS_ON], on, sizeof(on))) != NULL) {
		add_reason(im, what, cimport_order_columns[CIO_STATUS_ON], msg(im, e));
		bad = 1;
	}
	if (!bad && (e = invoice_import_check(v[OF_DATE], v[OF_STATUS], on)) !=
	    NULL) {
		add_reason(im, what, strcmp(e, "inv.state") == 0 ?
		    cimport_order_columns[CIO_STATUS] :
		    cimport_order_columns[CIO_STATUS_ON], msg(im, e));
		bad = 1;
	}
	if (!bad) {
		o[CIO_NUMBER] = xstrdup(v[OF_NUMBER]);
		o[CIO_DATE] = xstrdup(v[OF_DATE]);
		o[CIO_AMOUNT] = xstrdup(v[OF_AMOUNT]);	/* cents */
		o[CIO_STATUS] = xstrdup(v[OF_STATUS]);
		o[CIO_STATUS_ON] = xstrdup(on[0] ? on : v[OF_DATE]);
	}
	for (int k = 0; k < OF__MAX; k++)
		free(v[k]);
	kv_free(&form);
	return bad;
}

/* A new record's order, its invoice state in words ("status.paid"), after what. */
static void
order_words(const struct cimport *im, char *const *o, struct buf *what)
{
	char key[64];

	if (o[CIO_NUMBER] == NULL)
		return;
	snprintf(key, sizeof(key), "status.%s", o[CIO_STATUS]);
	buf_addf(what, "; %s %s: %s %s", msg(im, "import.order"),
	    o[CIO_NUMBER], im->msgs != NULL && i18n_get(im->msgs, im->lang,
	    key) != NULL ? msg(im, key) : o[CIO_STATUS], o[CIO_STATUS_ON]);
}

/* Check one data row into a new line (and its record). 0, or -1 on a database error. */
static int
check_row(struct cimport *im, long line, char **f, size_t n)
{
	struct cimport_line *l = new_line(im, line);
	struct customer *c = &im->recs[im->nlines - 1], old;
	struct kvlist form = { NULL, 0, 0 };
	struct buf what = BUF_INIT;
	const char *errs[CF__MAX], *number = "";
	char label[160];
	int have_old = 0, checked, rc = 0;

	memset(&old, 0, sizeof(old));
	im->rows++;
	/* cimport.h: a row's number is "" when it has none, also a bad row's */
	l->number = xstrdup("");
	if (n != im->ncols) {
		buf_addf(&what, "%s (%zu / %zu)", msg(im, "import.err.fields"), n,
		    im->ncols);
		goto bad;
	}
	for (size_t i = 0; i < n; i++)
		if (im->cols[i] == COL_NUMBER)
			number = f[i];
	free(l->number);
	l->number = xstrdup(number);
	if ((checked = check_number(im, number, &old, &have_old, &what)) < 0)
		goto fail;
	if (checked > 0)
		goto bad;
	/* An update keeps what the row leaves empty. */
	if (have_old)
		for (int k = 0; k < CF__MAX; k++)
			kv_add(&form, cfields[k].name, old.v[k]);
	for (size_t i = 0; i < n; i++) {
		if (im->cols[i] == COL_NUMBER || im->cols[i] >= COL_ORDER)
			continue;
		if (have_old) {
			if (f[i][0] == '\0')
				continue;
			l->sets |= 1u << im->cols[i];
			/* the row's value replaces the record's */
			for (size_t k = 0; k < form.n; k++)
				if (strcmp(form.v[k].key, cfields[im->cols[i]].name)
				    == 0) {
					free(form.v[k].val);
					form.v[k].val = xstrdup(f[i]);
					form.v[k].vlen = strlen(f[i]);
				}
		} else
			kv_add(&form, cfields[im->cols[i]].name, f[i]);
	}
	if (customer_from_form(&form, c, errs) > 0) {
		for (int k = 0; k < CF__MAX; k++)
			if (errs[k] != NULL)
				add_reason(im, &what, cfields[k].name,
				    msg(im, errs[k]));
		check_order(im, f, n, im->orders[im->nlines - 1], &what);
		goto bad;
	}
	if (check_order(im, f, n, im->orders[im->nlines - 1], &what) != 0)
		goto bad;
	if (have_old) {
		c->id = old.id;
		for (int k = 0; k < CF__MAX; k++)
			if (strcmp(old.v[k], c->v[k]) != 0)
				buf_addf(&what, "%s%s: \"%s\" → \"%s\"", what.len ?
				    "; " : "", col_label(im, cfields[k].name, label,
				    sizeof(label)), old.v[k], c->v[k]);
		l->same = what.len == 0;
		if (l->same) {
			buf_adds(&what, msg(im, "import.no_change"));
			im->same++;
		}
	} else {
		unsigned kinds;
		int s = im->suppress_key == NULL ? 0 :
		    forget_suppressed(im->db, im->suppress_key, c, &kinds);

		if (s < 0)
			goto fail;
		if (s > 0 && im->suppress_refuse) {
			add_reason(im, &what, "number", msg(im, "import.err.suppressed"));
			goto bad;
		}
		if (s > 0) {
			l->suppressed = 1;
			buf_addf(&what, "%s; ", msg(im, "import.warn.suppressed"));
		}
		c->number = number[0] ? xstrdup(number) : NULL;
		buf_addf(&what, "%s %s%s%s", msg(im, "import.new"), c->v[CF_FIRST_NAME],
		    c->v[CF_FIRST_NAME][0] ? " " : "", c->v[CF_LAST_NAME][0] ?
		    c->v[CF_LAST_NAME] : c->v[CF_ORGANISATION]);
		order_words(im, im->orders[im->nlines - 1], &what);
	}
	im->good++;
	goto out;
bad:
	l->bad = 1;
	im->bad++;
	customer_free(c);
	memset(c, 0, sizeof(*c));
	order_free(im->orders[im->nlines - 1]);
	goto out;
fail:
	rc = -1;
	snprintf(im->error, sizeof(im->error), "line %ld: the database could "
	    "not be read", line);
out:
	l->what = buf_take(&what);
	if (l->what == NULL)
		l->what = xstrdup("");
	if (have_old)
		customer_free(&old);
	kv_free(&form);
	return rc;
}

static int
on_row(void *arg, long line, char **f, size_t n)
{
	struct cimport *im = arg;

	if (im->ncols == 0)
		return read_header(im, line, f, n) == 0 ? 0 : 1;
	if (im->rows >= CIMPORT_MAX_ROWS) {
		snprintf(im->error, sizeof(im->error), "line %ld: more than %ld "
		    "rows; split the file", line, CIMPORT_MAX_ROWS);
		return 1;
	}
	if (check_row(im, line, f, n) != 0)
		return 1;
	if (im->progress != NULL && im->rows % 1000 == 0)
		im->progress(im->arg, "check", im->rows, -1);
	return 0;
}

static int
check_file(sqlite3 *db, struct cimport *im, const char *data, size_t len)
{
	struct buf text = BUF_INIT;
	char err[200];
	int rc, own;

	im->db = db;
	im->error[0] = '\0';
	if (len > (size_t)CIMPORT_MAX_BYTES) {
		snprintf(im->error, sizeof(im->error), "the file is larger than "
		    "%ld MB; split it", CIMPORT_MAX_BYTES >> 20);
		return -1;
	}
	if (csv_to_utf8(data, len, im->charset, &text, &im->used, err,
	    sizeof(err)) != 0) {
		snprintf(im->error, sizeof(im->error), "%s", err);
		buf_free(&text);
		return -1;
	}
	/*
	 * One read transaction for the whole check: every row is checked
	 * against the same state of the register, and a statement does not
	 * take and drop SQLite's locks by itself for each of a million rows
	 * (#17). Inside the caller's transaction when one is open.
	 */
	own = sqlite3_get_autocommit(db);
	if ((own && db_begin_read(db) != 0) || sqlite3_exec(db,
	    sql[I_NUMBERS_TABLE], NULL, NULL, NULL) != SQLITE_OK) {
		if (own && !sqlite3_get_autocommit(db))
			db_rollback(db);
		snprintf(im->error, sizeof(im->error), "the database could not "
		    "be used");
		buf_free(&text);
		return -1;
	}
	rc = csv_read(text.data, text.len, 1 + CF__MAX + CIO__MAX + 8, 8192, on_row, im,
	    err, sizeof(err));
	buf_free(&text);
	if (own)
		db_rollback(db);	/* read only, but the temporary numbers */
	if (rc == -1 && im->error[0] == '\0')
		snprintf(im->error, sizeof(im->error), "%s", err);
	if (rc == 0 && im->ncols == 0)
		snprintf(im->error, sizeof(im->error), "the file is empty: the "
		    "first row must name the columns");
	if (im->progress != NULL)
		im->progress(im->arg, "check", im->rows, im->rows);
	return im->error[0] != '\0' ? -1 : 0;
}

/*
 * The page cache while an import applies: in one transaction a large file
 * touches index and full-text pages all over the database, and SQLite's
 * default cache (2 MiB) spills them to the WAL page by page, to write many
 * of them again (#17, bench/README.md "import"). It grows only as pages
 * are used, and is set back after the run, which frees what is over.
 */
#define IMPORT_CACHE_KIB	262144

static int
cache_kib(sqlite3 *db, int set)
{
	char q[64];
	sqlite3_stmt *st;
	int old = -2000;	/* SQLite's default: 2,000 KiB */

	if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			old = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	snprintf(q, sizeof(q), "PRAGMA cache_size = %d", set);
	sqlite3_exec(db, q, NULL, NULL, NULL);
	return old;
}

/*
 * The full-text entries and the search indexes deferred for the new
 * records: both brought back, whatever happened. 0, or -1 when either
 * failed.
 */
static int
resume(sqlite3 *db, struct customer_fts_defer *fts,
    struct customer_index_defer *idx)
{
	int a = customer_fts_resume(db, fts), b = customer_index_resume(db, idx);

	return a == 0 && b == 0 ? 0 : -1;
}

static int
apply_all(sqlite3 *db, struct cimport *im)
{
	/* in the caller's transaction when one is open (with its audit row) */
	int own = sqlite3_get_autocommit(db), defer = 0;
	struct customer_fts_defer fts;
	struct customer_index_defer idx;

	im->applied = 0;
	if (own && db_begin(db) != 0) {
		snprintf(im->error, sizeof(im->error), "the database is busy; "
		    "nothing was applied");
		return -1;
	}
	/* new records' full-text entries in one statement at the end */
	/* and, when they are many, the search indexes built after them */
	memset(&idx, 0, sizeof(idx));
	if (im->kind == CIMPORT_NEW && im->good > im->same) {
		if (customer_fts_defer(db, &fts) != 0) {
			if (own)
				db_rollback(db);
			snprintf(im->error, sizeof(im->error), "the database "
			    "could not be used; nothing was applied");
			return -1;
		}
		defer = 1;
		/*
		 * only in a transaction of its own: a caller's might still be
		 * committed after a failure, without the indexes
		 */
		if (own && customer_index_defer(db, (long long)(im->good -
		    im->same), &idx) != 0) {
			db_rollback(db);
			(void)customer_fts_resume(db, &fts);
			snprintf(im->error, sizeof(im->error), "the database "
			    "could not be used; nothing was applied");
			return -1;
		}
	}
	for (size_t i = 0; i < im->nlines; i++) {
		const struct cimport_line *l = &im->lines[i];
		char changed[1024];
		int rc;

		if (l->bad || l->same)
			continue;
		if (im->kind == CIMPORT_NEW) {
			char *const *o = im->orders[i];

			rc = customer_create(db, &im->recs[i], im->user_id,
			    im->source);
			if (rc == 0 && o[CIO_NUMBER] != NULL)
				rc = invoice_import(db, im->recs[i].id,
				    o[CIO_NUMBER], o[CIO_DATE],
				    strtoll(o[CIO_AMOUNT], NULL, 10),	/* validated cents */
				    o[CIO_STATUS], o[CIO_STATUS_ON], im->user_id,
				    im->source) != 0 ? -1 : 0;
		} else {
			/* the row's fields onto the record as it is now */
			struct customer cur;

			memset(&cur, 0, sizeof(cur));
			rc = customer_get(db, im->recs[i].id, &cur) != 0 ? -1 : 0;
			for (int f = 0; rc == 0 && f < CF__MAX; f++)
				if (l->sets & 1u << f) {
					free(cur.v[f]);
					cur.v[f] = xstrdup(im->recs[i].v[f]);
				}
			if (rc == 0)
				rc = customer_update(db, &cur, im->user_id,
				    im->source, changed, sizeof(changed));
			customer_free(&cur);
		}
		if (rc != 0) {
			/* the trigger back: by our rollback, else by resume */
			if (own)
				db_rollback(db);
			if (defer)
				(void)resume(db, &fts, &idx);
			snprintf(im->error, sizeof(im->error), "line %ld: %s; "
			    "nothing was applied", l->line, rc == 1 ?
			    "the record was restricted meanwhile" :
			    "the database refused the row");
			im->applied = 0;
			return -1;
		}
		im->applied++;
		if (im->progress != NULL && im->applied % 1000 == 0)
			im->progress(im->arg, "apply", im->applied,
			    im->good - im->same);
	}
	if ((defer && resume(db, &fts, &idx) != 0) ||
	    (own && db_commit(db) != 0)) {
		if (own)
			db_rollback(db);
		snprintf(im->error, sizeof(im->error), "the database could not "
		    "commit; nothing was applied");
		im->applied = 0;
		return -1;
	}
	if (im->progress != NULL)
		im->progress(im->arg, "apply", im->applied, im->applied);
	return 0;
}

static int
apply_rows(sqlite3 *db, struct cimport *im)
{
	int old = cache_kib(db, -IMPORT_CACHE_KIB),
	    rc = apply_all(db, im);

	cache_kib(db, old);
	return rc;
}

/*
 * Both run with their statements kept (db_cache.h): a million rows would
 * otherwise parse the same look-ups and writes a million times.
 */
int
cimport_check(sqlite3 *db, struct cimport *im, const char *data, size_t len)
{
	int mine = db_cache_enter(db), rc = check_file(db, im, data, len);

	if (mine)
		db_cache_end(db);
	return rc;
}

int
cimport_apply(sqlite3 *db, struct cimport *im)
{
	int mine = db_cache_enter(db), rc = apply_rows(db, im);

	if (mine)
		db_cache_end(db);
	return rc;
}

void
cimport_free(struct cimport *im)
{
	for (size_t i = 0; i < im->nlines; i++) {
		free(im->lines[i].number);
		free(im->lines[i].what);
		customer_free(&im->recs[i]);
		order_free(im->orders[i]);
	}
	free(im->lines);
	free(im->recs);
	free(im->orders);
	im->lines = NULL;
	im->recs = NULL;
	im->orders = NULL;
	im->nlines = im->cap = 0;
}
