/* test_search_count.c — how many records a staff search matched (#20): exact up to the cap, "more than the cap" past it, the same filters as the search itself; and who a mailing list leaves out, a few of each reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "cimport.h"
#include "customer.h"
#include "db.h"
#include "db_cache.h"
#include "fmt.h"
#include "i18n.h"
#include "kv.h"

static sqlite3 *db;

static void
add(const char *first, const char *last, const char *postal)
{
	struct customer c;
	struct kvlist f = { 0 };
	const char *errs[CF__MAX] = { 0 };

	memset(&c, 0, sizeof(c));
	kv_add(&f, "first_name", first);
	kv_add(&f, "last_name", last);
	kv_add(&f, "street", "Katu 1");
	kv_add(&f, "postal_code", postal);
	kv_add(&f, "city", "Oulu");
	assert_int_equal(customer_from_form(&f, &c, errs), 0);
	assert_int_equal(customer_create(db, &c, 0, CS_STAFF), 0);
	kv_free(&f);
	customer_free(&c);
}

/* An empty register in memory with every migration, or NULL (said why). */
static sqlite3 *
empty_register(void)
{
	char err[512];
	sqlite3 *r = db_open(":memory:", DB_CREATE, err, sizeof(err));

	if (r == NULL || db_migrate(r, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		db_close(r);
		return NULL;
	}
	return r;
}

static int
setup(void **st)
{
	(void)st;
	fmt_init();
	if ((db = empty_register()) == NULL)
		return -1;
	/* 30 Virtanens in 90100, 12 Laaksos in 00100 */
	for (int i = 0; i < 30; i++)
		add(i % 2 ? "Aino" : "Eino", "Virtanen", "90100");
	for (int i = 0; i < 12; i++)
		add("Aino", "Laakso", "00100");
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	db_close(db);
	return 0;
}

static long long
count(const char *q, const char *name, const char *postal, long long cap)
{
	struct csearch s = { q, name, postal, SORT_NAME };
	long long n = -1;

	assert_int_equal(customer_count(db, &s, cap, &n), 0);
	return n;
}

static void
exact_under_the_cap(void **st)
{
	(void)st;
	assert_int_equal(count(NULL, NULL, NULL, 1000), 42);
	assert_int_equal(count("virtanen", NULL, NULL, 1000), 30);
	assert_int_equal(count("aino", NULL, NULL, 1000), 27);
	assert_int_equal(count(NULL, "Virt Ai", NULL, 1000), 15);
	assert_int_equal(count(NULL, "laakso", NULL, 1000), 12);
	assert_int_equal(count(NULL, NULL, "001", 1000), 12);
	assert_int_equal(count(NULL, NULL, "90100", 1000), 30);
	assert_int_equal(count("aino", NULL, "90", 1000), 15);
	assert_int_equal(count("nobody", NULL, NULL, 1000), 0);
}

/* Past the cap the count stops at cap + 1: the caller says "over cap". */
static void
capped(void **st)
{
	(void)st;
	assert_int_equal(count(NULL, NULL, NULL, 10), 11);
	assert_int_equal(count("virtanen", NULL, NULL, 29), 30);
	assert_int_equal(count("virtanen", NULL, NULL, 30), 30);
	assert_int_equal(count(NULL, "laakso", NULL, 11), 12);
	assert_int_equal(count(NULL, "laakso", NULL, 12), 12);
}

static int
one_row(void *arg, const struct crow *c)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

/*
 * The query plan of a statement the search just ran (kept by the
 * statement cache, found by its text: the one that begins with head and
 * has want and not unwanted), each line's detail joined into plan.
 */
static void
plan_of(const char *head, const char *want, const char *unwanted,
    char *plan, size_t len)
{
	sqlite3_stmt *st = NULL, *ep;
	const char *sql = NULL;
	char q[2048];

	plan[0] = '\0';
	while ((st = sqlite3_next_stmt(db, st)) != NULL) {
		sql = sqlite3_sql(st);
		if (strncmp(sql, head, strlen(head)) == 0 &&
		    strstr(sql, want) != NULL &&
		    (unwanted == NULL || strstr(sql, unwanted) == NULL))
			break;
	}
	assert_non_null(st);
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &ep, NULL), SQLITE_OK);
	while (sqlite3_step(ep) == SQLITE_ROW) {
		size_t n = strlen(plan);

		snprintf(plan + n, len - n, "%s; ",
		    (const char *)sqlite3_column_text(ep, 3));
	}
	sqlite3_finalize(ep);
}

/* Whether plan reads the covering index named index over range. */
static int
covers(const char *plan, const char *index, const char *range)
{
	char want[128];

	snprintf(want, sizeof(want), "USING COVERING INDEX %s ", index);
	return strstr(plan, want) != NULL && strstr(plan, range) != NULL;
}

/*
 * A page of results by name or by postal code is read from the index
 * alone (sql/026_search_covering.sql, #17): no look-up in the table for
 * each row, and no sort but for a range of postal codes (several codes,
 * each in name order). A column added to the search's list and not to the
 * index fails this, as does an index whose order is not the search's.
 */
static void
search_reads_index(void **st)
{
	static const struct {
		const char	*name, *postal, *want, *unwanted, *index, *range;
		int		 rows, sorts;	/* sorts: a range of codes, in name order */
		enum csort	 sort;
	} c[] = {
		{ "Virt", NULL, "c.last_name COLLATE NOCASE >= ?5", "?6",
		    "customers_last_name", "last_name>?", 30, 0, SORT_NAME },
		/* the first name narrows the index too (search_select) */
		{ "Virtanen Ai", NULL, "c.first_name COLLATE NOCASE >= ?6",
		    "?2", "customers_last_name",
		    "last_name=? AND first_name>? AND first_name<?", 15, 0,
		    SORT_NAME },
		{ NULL, "90100", "c.postal_code = ?2 ORDER BY c.last_name", "?5",
		    "customers_postal_name", "postal_code=?", 30, 0, SORT_NAME },
		/* by postal code: the index's own order, first names too */
		{ NULL, "90100", "c.postal_code = ?2 ORDER BY c.postal_code", "?5",
		    "customers_postal_name", "postal_code=?", 30, 0,
		    SORT_POSTAL },
		{ NULL, "001", "c.postal_code >= ?2", "?5",
		    "customers_postal_name", "postal_code>?", 12, 1, SORT_NAME },
	};
	char plan[1024];

	(void)st;
	/* statements kept as a worker keeps them, to be found afterwards */
	assert_int_equal(db_cache_enter(db), 1);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct csearch s = { NULL, c[i].name, c[i].postal, c[i].sort };
		int n = 0, more = 0;

		assert_int_equal(customer_search(db, &s, 1, 50, one_row, &n,
		    &more), 0);
		assert_int_equal(n, c[i].rows);
		plan_of("SELECT c.id, c.number", c[i].want, c[i].unwanted, plan,
		    sizeof(plan));
		if (!covers(plan, c[i].index, c[i].range) ||
		    (!c[i].sorts && strstr(plan, "TEMP B-TREE") != NULL))
			fail_msg("search %zu: %s", i, plan);
	}
	db_cache_end(db);
}

/*
 * A count reads the narrow index of what it narrows by
 * (sql/028_count_indexes.sql, #17): its up to 1,001 entries are a few
 * pages there, where 026's wide indexes took about 28. Each count's plan
 * names the index and the range it reads, with no look-up in the table,
 * and neither of 026's (both arms of a last and a first name, too).
 */
static void
count_reads_narrow_index(void **st)
{
	static const struct {
		const char	*name, *postal, *want, *unwanted, *index, *range;
		long long	 n;
	} c[] = {
		{ "Virt", NULL, "c.last_name COLLATE NOCASE >= ?5", "?6",
		    "customers_name_count", "last_name>?", 30 },
		{ "Virtanen Ai", NULL, "c.first_name COLLATE NOCASE >= ?6",
		    "?2", "customers_name_count",
		    "last_name=? AND first_name>? AND first_name<?", 15 },
		{ NULL, "90100", "c.postal_code = ?2 LIMIT", "?5",
		    "customers_postal_count", "postal_code=?", 30 },
		{ NULL, "001", "c.postal_code >= ?2 AND c.postal_code < ?2 ||"
		    " ':' LIMIT", "?5", "customers_postal_count",
		    "postal_code>? AND postal_code<?", 12 },
	};
	char plan[1024];

	(void)st;
	assert_int_equal(db_cache_enter(db), 1);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct csearch s = { NULL, c[i].name, c[i].postal, SORT_NAME };
		long long n = -1;

		assert_int_equal(customer_count(db, &s, 1000, &n), 0);
		assert_int_equal(n, c[i].n);
		plan_of("SELECT count(*) FROM (", c[i].want, c[i].unwanted,
		    plan, sizeof(plan));
		if (!covers(plan, c[i].index, c[i].range) ||
		    strstr(plan, "customers_last_name") != NULL ||
		    strstr(plan, "customers_postal_name") != NULL)
			fail_msg("count %zu: %s", i, plan);
	}
	db_cache_end(db);
}

static int
row_id(void *arg, const struct crow *c)
{
	struct buf *ids = arg;

	buf_addf(ids, "%lld ", c->id);
	return 0;
}

static int
exported(void *arg, const char *const *cells, int n)
{
	(void)cells;
	(void)n;
	(*(int *)arg)++;
	return 0;
}

/*
 * A last and a first name, searched as two arms (the last name itself,
 * then longer ones) give the rows, order, pages, count and export of the
 * one range they replace: last names in other case, longer, shorter and
 * after the range, first names in and out of theirs. In a register of its
 * own, so that the others' counts stay.
 */
static void
two_names_as_one_range(void **st)
{
	static const char *const people[][2] = {
		{ "Aino", "Virtanen" }, { "aili", "VIRTANEN" },
		{ "Aino", "Virtanen-Laine" }, { "Ahti", "Virtanenko" },
		{ "Aino", "Virtane" }, { "Aino", "Virtanfors" },
		{ "Eino", "Virtanen" }, { "Aapo", "virtanen" },
		{ "Ai", "Virtanen" }, { "Aino", "Virtanen" },
		{ "Aimo", "Virtanen-Laine" }, { "Bea", "Virtanenko" },
	};
	static const char *const names[] = {
		"Virtanen Ai", "virtanen a", "Virtane Ai", "VIRT ai", "Virtanen E",
		"Virtanen-Laine Ai", "Virtanenko B",
	};
	sqlite3 *kept = db;

	(void)st;
	assert_non_null(db = empty_register());
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		add(people[i][0], people[i][1], "90100");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct csearch s = { NULL, names[i], NULL, SORT_NAME };
		struct buf got = BUF_INIT, want = BUF_INIT;
		struct cexport_counts counts;
		const char *p = strchr(names[i], ' ');
		char last[32];
		sqlite3_stmt *q;
		long long n = -1;
		int pages = 0, more = 1, rows = 0, out = 0;

		snprintf(last, sizeof(last), "%.*s", (int)(p - names[i]),
		    names[i]);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM"
		    " customers WHERE last_name COLLATE NOCASE >= ?1 AND"
		    " last_name COLLATE NOCASE < ?1 || char(1114111) AND"
		    " first_name COLLATE NOCASE >= ?2 AND first_name COLLATE"
		    " NOCASE < ?2 || char(1114111) ORDER BY last_name COLLATE"
		    " NOCASE, first_name COLLATE NOCASE, id", -1, &q, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(q, 1, last, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, p + 1, -1, SQLITE_STATIC);
		while (sqlite3_step(q) == SQLITE_ROW) {
			buf_addf(&want, "%lld ", sqlite3_column_int64(q, 0));
			rows++;
		}
		sqlite3_finalize(q);
		/* pages of two: the merge keeps its order across OFFSET */
		while (more)
			assert_int_equal(customer_search(db, &s, ++pages, 2,
			    row_id, &got, &more), 0);
		assert_string_equal(buf_cstr(&got), buf_cstr(&want));
		assert_int_equal(customer_count(db, &s, 1000, &n), 0);
		assert_int_equal(n, rows);
		assert_true(rows > 0);
		assert_int_equal(customer_export(db, &s, CEXPORT_REGISTER,
		    exported, &out, &counts), 0);
		assert_int_equal(out, rows);
		buf_free(&got);
		buf_free(&want);
	}
	db_close(db);
	db = kept;
}

/* The stored CREATE statement of index name, or "" when there is none. */
static void
index_sql(const char *name, char *dst, size_t len)
{
	sqlite3_stmt *st;

	dst[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema"
	    " WHERE type = 'index' AND name = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(dst, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * Many new records at once (an import, #17): the four search indexes
 * (026's and 028's) are dropped and built again after them when the
 * records added are at least as many as there are, and left alone when
 * fewer; built again the same, or brought back by a rollback. 42 records
 * here.
 */
static void
indexes_built_after_many(void **st)
{
	static const char *const names[] = {
		"customers_last_name", "customers_postal_name",
		"customers_name_count", "customers_postal_count",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	struct customer_index_defer d;
	char before[N][512], now[512];

	(void)st;
	for (int i = 0; i < N; i++) {
		index_sql(names[i], before[i], sizeof(before[i]));
		assert_true(before[i][0] != '\0');
	}
	assert_int_equal(db_begin(db), 0);
	/* fewer than there are: nothing dropped, nothing to do after */
	assert_int_equal(customer_index_defer(db, 41, &d), 0);
	for (int i = 0; i < N; i++) {
		assert_null(d.index[i]);
		index_sql(names[i], now, sizeof(now));
		assert_string_equal(now, before[i]);
	}
	assert_int_equal(customer_index_resume(db, &d), 0);
	/* as many: all dropped until resume builds them the same again */
	assert_int_equal(customer_index_defer(db, 42, &d), 0);
	for (int i = 0; i < N; i++) {
		index_sql(names[i], now, sizeof(now));
		assert_string_equal(now, "");
	}
	add("Uusi", "Virtanen", "90100");
	assert_int_equal(customer_index_resume(db, &d), 0);
	for (int i = 0; i < N; i++) {
		assert_null(d.index[i]);
		index_sql(names[i], now, sizeof(now));
		assert_string_equal(now, before[i]);
	}
	/* the record added in between is in them: read from the index alone */
	assert_int_equal(count(NULL, "Virtanen Uu", NULL, 1000), 1);
	assert_int_equal(count(NULL, NULL, "90100", 1000), 31);
	/* a rollback after the drop brings them back; resume only frees */
	assert_int_equal(customer_index_defer(db, 1000, &d), 0);
	assert_non_null(d.index[0]);
	db_rollback(db);
	assert_int_equal(customer_index_resume(db, &d), 0);
	for (int i = 0; i < N; i++) {
		index_sql(names[i], now, sizeof(now));
		assert_string_equal(now, before[i]);
	}
	assert_int_equal(count(NULL, NULL, "90100", 1000), 30);
	{
		sqlite3_stmt *ic;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check",
		    -1, &ic, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(ic), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(ic, 0),
		    "ok");
		sqlite3_finalize(ic);
	}
}

struct left_seen {
	int	 n[CL__MAX];
	char	 first[32];
};

static int
left_one(void *arg, int why, long long id, const char *number,
    const char *name)
{
	struct left_seen *x = arg;

	(void)id;
	assert_true(why >= 0 && why < CL__MAX);
	if (x->first[0] == '\0')
		snprintf(x->first, sizeof(x->first), "%s %s", number, name);
	x->n[why]++;
	return 0;
}

/* The people left out: per_reason of each reason at most, by number. */
static void
labels_left(void **st)
{
	struct left_seen x = { { 0 }, "" };
	long included, left[CL__MAX];

	(void)st;
	assert_int_equal(sqlite3_exec(db, "UPDATE customers SET restricted = 1"
	    " WHERE last_name = 'Laakso'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(customer_label_counts(db, "advertising", NULL,
	    &included, left), 0);
	assert_int_equal(left[CL_RESTRICTED], 12);
	assert_int_equal(included, 30);
	assert_int_equal(customer_label_left(db, "advertising", NULL, 10,
	    left_one, &x), 0);
	assert_int_equal(x.n[CL_RESTRICTED], 10);
	for (int i = 1; i < CL__MAX; i++)
		assert_int_equal(x.n[i], 0);
	assert_string_equal(x.first, "A000031 Aino Laakso");
	/* a bad purpose is refused */
	assert_int_equal(customer_label_left(db, "everyone", NULL, 10,
	    left_one, &x), -1);
}

/* sqlite3_set_authorizer: the search indexes dropped and created. */
struct ddl_seen {
	int	 dropped, created;
};

static int
ddl_count(void *arg, int action, const char *a3, const char *a4,
    const char *a5, const char *a6)
{
	struct ddl_seen *x = arg;

	(void)a4;
	(void)a5;
	(void)a6;
	if (a3 != NULL && (strcmp(a3, "customers_last_name") == 0 ||
	    strcmp(a3, "customers_postal_name") == 0)) {
		if (action == SQLITE_DROP_INDEX)
			x->dropped++;
		if (action == SQLITE_CREATE_INDEX)
			x->created++;
	}
	return SQLITE_OK;
}

/* Import n new records named last (numbers prefix-1...) as the CLI does. */
static void
import_new(const struct i18n *msgs, const char *prefix, int n,
    const char *last, struct ddl_seen *x)
{
	struct buf csv = BUF_INIT;
	struct cimport im;

	buf_adds(&csv, "number,first_name,last_name,postal_code,city\r\n");
	for (int i = 1; i <= n; i++)
		buf_addf(&csv, "%s-%d,Aino,%s,99990,Utsjoki\r\n", prefix, i,
		    last);
	memset(&im, 0, sizeof(im));
	im.kind = CIMPORT_NEW;
	im.source = CS_IMPORT;
	im.charset = CSV_UTF8;
	im.msgs = msgs;
	im.lang = LANG_FI;
	assert_int_equal(cimport_check(db, &im, csv.data, csv.len), 0);
	assert_int_equal(im.good, n);
	memset(x, 0, sizeof(*x));
	sqlite3_set_authorizer(db, ddl_count, x);
	assert_int_equal(cimport_apply(db, &im), 0);
	sqlite3_set_authorizer(db, NULL, NULL);
	assert_int_equal(im.applied, n);
	cimport_free(&im);
	buf_free(&csv);
}

/*
 * The import is what defers the indexes (lib/cimport.c): two new records
 * into 42 leave them alone; as many as the register holds drop both and
 * create both again, and the search finds the records through them.
 */
static void
import_defers_indexes(void **st)
{
	struct i18n *msgs;
	struct ddl_seen x;
	char err[256];
	long long have = 0;

	(void)st;
	assert_non_null(msgs = i18n_load("i18n", err, sizeof(err)));
	import_new(msgs, "FEW", 2, "Harvinainen", &x);
	assert_int_equal(x.dropped, 0);
	assert_int_equal(x.created, 0);
	assert_int_equal(count(NULL, "Harvinainen", NULL, 1000), 2);
	have = count(NULL, NULL, NULL, 100000);
	import_new(msgs, "MANY", (int)have, "Joukko", &x);
	assert_int_equal(x.dropped, 2);
	assert_int_equal(x.created, 2);
	assert_int_equal(count(NULL, "Joukko", NULL, 100000), have);
	assert_int_equal(count(NULL, NULL, "99990", 100000), have + 2);
	i18n_free(msgs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_under_the_cap),
		cmocka_unit_test(capped),
		cmocka_unit_test(search_reads_index),
		cmocka_unit_test(count_reads_narrow_index),
		cmocka_unit_test(two_names_as_one_range),
		cmocka_unit_test(indexes_built_after_many),
		cmocka_unit_test(labels_left),
		/* last: it adds records */
		cmocka_unit_test(import_defers_indexes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
