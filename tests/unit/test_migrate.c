/*
 * test_migrate.c — sql/021_requests_check.sql on a register with requests
 * in it (#17): the rebuilt requests table keeps every row and every
 * reference to it (steps, linked customers, a sent letter), its rules (the
 * states, the closed-time rule, one extension), and its CHECKs are chains
 * of comparisons, no "IN (" list of more than two values left.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"

static char dir[] = "/tmp/rekisteri-migrate.XXXXXX";

/* The first column of the first row of sql, as an integer. */
static long long
one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
ex(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* dir/NAME: links to the migrations numbered below 21, or 21 itself. */
static void
link_migrations(const char *name, int only21)
{
	char path[512], cwd[256];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
	for (int v = 1; v <= 21; v++) {
		char pattern[600], cmd[1400];

		if ((v == 21) != only21)
			continue;
		snprintf(pattern, sizeof(pattern), "%s/sql/%03d_*.sql", cwd, v);
		snprintf(cmd, sizeof(cmd), "for f in %s; do [ -f \"$f\" ] &&"
		    " ln -s \"$f\" '%s/'; done; true", pattern, path);
		assert_int_equal(system(cmd), 0);
	}
}

static void
rebuild_keeps_rows_and_rules(void **state)
{
	char err[512], path[512];
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/r.db", dir);
	link_migrations("before", 0);
	link_migrations("all", 0);
	link_migrations("all", 1);
	assert_non_null(db = db_open(path, DB_CREATE, err, sizeof(err)));
	snprintf(path, sizeof(path), "%s/before", dir);
	assert_true(db_migrate(db, path, NULL, err, sizeof(err)) >= 16);

	/* a register with two requests, one closed and extended, referred to */
	assert_int_equal(ex(db,
	    "INSERT INTO users (id, username, display_name, role, password_hash)"
	    " VALUES (3, 'kaisa', 'Kaisa', 'handler', 'x');"
	    "INSERT INTO customers (id, number, first_name, last_name)"
	    " VALUES (5, 'A-5', 'Anna', 'Asiakas');"
	    "INSERT INTO requests (id, number, received, deadline, types, lang,"
	    " name, text_sha256, key_id, code, form_id, token_hash, status,"
	    " closed_at, closed_by, extended_at, extended_by, extension_months,"
	    " extended_deadline, extension_reasons, channel, mail_state,"
	    " identity_method)"
	    " VALUES (7, 'TS-2026-000007', '2026-01-31T10:00:00Z', '2026-02-28',"
	    " 1, 'fi', 'Anna Asiakas', 'h', 'k', 'c', 'f7', x'07', 'answered',"
	    " '2026-03-01T09:00:00Z', 3, '2026-02-20T09:00:00Z', 3, 1,"
	    " '2026-03-31', 'many parts', 'letter', 'sent', 'record_match');"
	    "INSERT INTO requests (id, number, received, deadline, types, lang,"
	    " name, text_sha256, key_id, code, form_id, token_hash)"
	    " VALUES (9, 'TS-2026-000009', '2026-02-02T10:00:00Z', '2026-03-02',"
	    " 2, 'en', 'Bo', 'h', 'k', 'c', 'f9', x'09');"
	    "INSERT INTO request_steps (request_id, user_id, action)"
	    " VALUES (7, 3, 'answered');"
	    "INSERT INTO request_customers (request_id, customer_id, linked_by)"
	    " VALUES (7, 5, 3);"
	    "INSERT INTO request_letters (request_id, kind, created_by, sent_at,"
	    " sent_by, sent_via, content, sha256) VALUES (7, 'answer', 3,"
	    " '2026-03-01T09:00:00Z', 3, 'post', x'00', 'aa');"), SQLITE_OK);
	assert_true(one(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	    " 'requests' AND sql LIKE '%status IN (''received'', ''in_progress'',"
	    "%'") == 1);

	snprintf(path, sizeof(path), "%s/all", dir);
	assert_int_equal(db_migrate(db, path, NULL, err, sizeof(err)), 1);

	/* every row and reference kept; nothing dangling */
	assert_int_equal(one(db, "SELECT count(*) FROM requests"), 2);
	assert_int_equal(one(db, "SELECT count(*) FROM requests WHERE id = 7 AND"
	    " status = 'answered' AND closed_by = 3 AND extension_months = 1"
	    " AND extension_reasons = 'many parts' AND channel = 'letter' AND"
	    " mail_state = 'sent' AND identity_method = 'record_match' AND"
	    " token_hash = x'07'"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM pragma_foreign_key_check"),
	    0);
	assert_int_equal(one(db, "SELECT count(*) FROM request_steps s JOIN"
	    " requests r ON r.id = s.request_id"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM request_letters l JOIN"
	    " requests r ON r.id = l.request_id"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM request_customers"), 1);
	/* a reference to a request that does not exist is still refused */
	assert_int_equal(ex(db, "INSERT INTO request_steps (request_id, action)"
	    " VALUES (8, 'x')"), SQLITE_CONSTRAINT_FOREIGNKEY);
	/* the request a step names cannot go */
	assert_int_equal(ex(db, "DELETE FROM requests WHERE id = 7"),
	    SQLITE_CONSTRAINT_FOREIGNKEY);

	/* no IN list of more than two values in the table's CHECKs */
	assert_int_equal(one(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	    " 'requests' AND (sql LIKE '%IN (''received'', ''in_progress'',%'"
	    " OR sql LIKE '%IN (''none''%' OR sql LIKE '%IN (''email_code''%')"),
	    0);
	/* the same rules: each state, nothing else; the closed-time rule */
	assert_int_equal(ex(db, "UPDATE requests SET status = 'in_progress'"
	    " WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET status = 'done'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "UPDATE requests SET status = 'refused'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "UPDATE requests SET status = 'refused',"
	    " closed_at = '2026-02-10T10:00:00Z' WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET status = 'partly_refused'"
	    " WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET mail_state = 'failed'"
	    " WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET mail_state = 'lost'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "UPDATE requests SET identity_method = 'other'"
	    " WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET identity_method = 'guess'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "UPDATE requests SET identity_method = NULL"
	    " WHERE id = 9"), SQLITE_OK);
	assert_int_equal(ex(db, "UPDATE requests SET channel = 'fax'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "UPDATE requests SET lang = 'sv'"
	    " WHERE id = 9"), SQLITE_CONSTRAINT_CHECK);
	/* one extension (the trigger is back) */
	assert_int_equal(ex(db, "UPDATE requests SET extension_months = 2"
	    " WHERE id = 7"), SQLITE_CONSTRAINT_TRIGGER);
	assert_int_equal(one(db, "SELECT count(*) FROM sqlite_temp_schema"), 0);
	db_close(db);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rebuild_keeps_rows_and_rules),
	};

	return cmocka_run_group_tests_name("migrate", tests, setup, teardown);
}
