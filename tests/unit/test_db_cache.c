/* test_db_cache.c — lib/db_cache.c: statements kept inside a scope, one-use outside it, all finalized at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* The one value st gives for ?1 = v; st released. */
static long long
value_for(sqlite3_stmt *st, int v)
{
	long long n;

	assert_non_null(st);
	sqlite3_bind_int(st, 1, v);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	db_release(st);
	return n;
}

/* One statement's value for ?1 = v through the cache. */
static long long
plus_one(sqlite3 *db, int v, sqlite3_stmt **seen)
{
	*seen = db_cached(db, sql, 0);
	return value_for(*seen, v);
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

/* Statements open on db now. */
static int
open_statements(sqlite3 *db)
{
	int n = 0;

	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st != NULL;
	    st = sqlite3_next_stmt(db, st))
		n++;
	return n;
}

/* "SELECT ?1 + k": the value for v, through db_cached_text. */
static long long
text_plus(sqlite3 *db, int k, int v)
{
	char text[40];

	snprintf(text, sizeof(text), "SELECT ?1 + %d", k);
	return value_for(db_cached_text(db, text), v);
}

/* Whether text's statement is kept: the one handed out has been run before. */
static int
is_kept(sqlite3 *db, const char *text)
{
	sqlite3_stmt *st = db_cached_text(db, text);
	int runs;

	assert_non_null(st);
	runs = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	db_release(st);
	return runs > 0;
}

/*
 * Statements built at run time are kept by their text: the same text the
 * same statement, reset and unbound; at most DB_CACHE_TEXTS, the one used
 * longest ago finalized; in use, a nested call's own; outside the scope
 * one use; all finalized at the scope's end.
 */
static void
kept_by_text(void **state)
{
	sqlite3 *db = mem();
	sqlite3_stmt *a, *b, *inner;

	(void)state;
	/* outside a scope: nothing stays open */
	assert_int_equal(text_plus(db, 1, 1), 2);
	assert_int_equal(open_statements(db), 0);
	assert_null(db_cached_text(db, "SELEC nonsense"));
	assert_int_equal(db_cache_begin(db), 0);
	a = db_cached_text(db, "SELECT ?1");
	db_release(a);
	b = db_cached_text(db, "SELECT ?1");
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);	/* unbound */
	inner = db_cached_text(db, "SELECT ?1");	/* b is in use */
	assert_non_null(inner);
	assert_ptr_not_equal(inner, b);
	db_release(inner);
	assert_int_equal(open_statements(db), 1);	/* inner finalized */
	/* a text of its own: another statement */
	assert_int_equal(text_plus(db, 5, 1), 6);
	assert_int_equal(open_statements(db), 2);
	db_release(b);
	/* more texts than places: never more open than DB_CACHE_TEXTS */
	for (int k = 0; k < 3 * DB_CACHE_TEXTS; k++)
		assert_int_equal(text_plus(db, k, 10), 10 + k);
	assert_int_equal(open_statements(db), DB_CACHE_TEXTS);
	/* the newest stay; "SELECT ?1", used longest ago, went first */
	for (int k = 2 * DB_CACHE_TEXTS; k < 3 * DB_CACHE_TEXTS; k++) {
		char text[40];

		snprintf(text, sizeof(text), "SELECT ?1 + %d", k);
		assert_true(is_kept(db, text));
	}
	assert_false(is_kept(db, "SELECT ?1"));
	assert_int_equal(open_statements(db), DB_CACHE_TEXTS);
	/* in use, a statement is not the one given up to make room */
	a = db_cached_text(db, "SELECT 'held'");
	for (int k = 0; k < 2 * DB_CACHE_TEXTS; k++)
		assert_int_equal(text_plus(db, 100 + k, 0), 100 + k);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(a, 0), "held");
	db_release(a);
	assert_true(is_kept(db, "SELECT 'held'"));
	db_cache_end(db);
	assert_int_equal(open_statements(db), 0);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_in_scope),
		cmocka_unit_test(entered_once),
		cmocka_unit_test(kept_by_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
