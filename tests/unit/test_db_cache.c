/* test_db_cache.c — lib/db_cache.c: statements kept inside a scope, one-use outside it, all finalized at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"
#include "db_cache.h"

static const char *const sql[] = {
	"SELECT ?1 + 1",
	"CREATE TABLE IF NOT EXISTS t (x)",
	"INSERT INTO t (x) VALUES (?1)",
};

static sqlite3 *
mem(void)
{
	char err[256];
	sqlite3 *db = db_open(":memory:", DB_READWRITE, err, sizeof(err));

	assert_non_null(db);
	return db;
}

/* One statement's value for ?1 = v through the cache. */
static long long
plus_one(sqlite3 *db, int v, sqlite3_stmt **seen)
{
	sqlite3_stmt *st = db_cached(db, sql, 0);
	long long n;

	assert_non_null(st);
	*seen = st;
	sqlite3_bind_int(st, 1, v);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	db_release(st);
	return n;
}

/* Inside the scope the same statement comes back reset and unbound. */
static void
kept_in_scope(void **state)
{
	sqlite3 *db = mem(), *other = mem();
	sqlite3_stmt *a, *b, *inner, *outer;

	(void)state;
	assert_int_equal(db_cache_begin(db), 0);
	assert_int_equal(db_cache_begin(other), -1);	/* one scope at a time */
	assert_int_equal(plus_one(db, 1, &a), 2);
	assert_int_equal(plus_one(db, 41, &b), 42);
	assert_ptr_equal(a, b);
	/* unbound: a NULL parameter gives NULL, not the last value */
	outer = db_cached(db, sql, 0);
	assert_ptr_equal(outer, a);
	assert_int_equal(sqlite3_step(outer), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(outer, 0), SQLITE_NULL);
	/* in use: a nested call gets a statement of its own */
	inner = db_cached(db, sql, 0);
	assert_non_null(inner);
	assert_ptr_not_equal(inner, outer);
	db_release(inner);
	db_release(outer);
	assert_int_equal(db_cdone(db_cached(db, sql, 1)), 0);
	assert_int_equal(db_cdone(db_cached(db, sql, 2)), 0);
	assert_int_equal(db_cdone(db_cached(db, sql, 2)), 0);
	/* the other connection, outside the scope: one-use statements */
	assert_int_equal(plus_one(other, 2, &a), 3);
	assert_int_equal(plus_one(other, 3, &b), 4);
	db_close(other);
	/* db_close ends the scope: every kept statement is finalized */
	db_close(db);
	db = mem();
	assert_int_equal(db_cache_begin(db), 0);
	db_cache_end(db);
	db_close(db);
}

/* db_cache_enter opens a scope only when none is open: a caller up the stack keeps its own. */
static void
entered_once(void **state)
{
	sqlite3 *db = mem(), *other = mem();
	sqlite3_stmt *a, *b;

	(void)state;
	assert_int_equal(db_cache_enter(db), 1);	/* opened here */
	assert_int_equal(db_cache_enter(db), 0);	/* already open */
	assert_int_equal(db_cache_enter(other), 0);	/* another's */
	assert_int_equal(plus_one(db, 1, &a), 2);
	assert_int_equal(plus_one(db, 2, &b), 3);
	assert_ptr_equal(a, b);				/* kept */
	db_cache_end(other);				/* not its scope: nothing */
	assert_int_equal(plus_one(db, 3, &b), 4);
	assert_ptr_equal(a, b);
	db_cache_end(db);
	assert_int_equal(db_cache_enter(other), 1);	/* free again */
	db_cache_end(other);
	db_close(other);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_in_scope),
		cmocka_unit_test(entered_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
