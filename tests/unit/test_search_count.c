/* test_search_count.c — how many records a staff search matched (#20): exact up to the cap, "more than the cap" past it, the same filters as the search itself; and who a mailing list leaves out, a few of each reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "customer.h"
#include "db.h"
#include "fmt.h"
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

static int
setup(void **st)
{
	char err[512];

	(void)st;
	fmt_init();
	if ((db = db_open(":memory:", DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_under_the_cap),
		cmocka_unit_test(capped),
		cmocka_unit_test(labels_left),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
