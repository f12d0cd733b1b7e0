/*
 * test_migrate.c — the migrations that rebuild a table, on a register with
 * rows in it (#17). sql/021_requests_check.sql: the rebuilt requests table
 * keeps every row and every reference to it (steps, linked customers, a
 * sent letter), its rules (the states, the closed-time rule, one
 * extension), and its CHECKs are chains of comparisons, no "IN (" list of
 * more than two values left. sql/025_history_rebuilt.sql: the customer
 * history keeps its rows and its rule on the source, writes a row without
 * an ephemeral b-tree, and its index by time holds only corrected values.
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

/*
 * The migrations numbered up to v applied to db, from dir/upto-V, a folder
 * of links to them: what db_migrate returns (how many it applied).
 */
static int
migrate_up_to(sqlite3 *db, int v)
{
	char path[512], cwd[256], err[512];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "%s/upto-%03d", dir, v);
	if (mkdir(path, 0700) == 0)
		for (int i = 1; i <= v; i++) {
			char cmd[1400];

			snprintf(cmd, sizeof(cmd), "for f in %s/sql/%03d_*.sql; do"
			    " [ -f \"$f\" ] && ln -s \"$f\" '%s/'; done; true",
			    cwd, i, path);
			assert_int_equal(system(cmd), 0);
		}
	else
		assert_int_equal(errno, EEXIST);
	return db_migrate(db, path, NULL, err, sizeof(err));
}

/* A new register, dir/NAME. */
static sqlite3 *
new_register(const char *name)
{
	char err[512], path[512];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(db = db_open(path, DB_CREATE, err, sizeof(err)));
	return db;
}

static void
rebuild_keeps_rows_and_rules(void **state)
{
	sqlite3 *db = new_register("r.db");

	(void)state;
	assert_true(migrate_up_to(db, 20) >= 16);

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

	assert_int_equal(migrate_up_to(db, 21), 1);

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

/* The number of opcode op in the program of sql. */
static int
opcodes(sqlite3 *db, const char *sql, const char *op)
{
	char q[1024];
	sqlite3_stmt *st;
	int n = 0;

	snprintf(q, sizeof(q), "EXPLAIN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += strcmp((const char *)sqlite3_column_text(st, 1), op) == 0;
	sqlite3_finalize(st);
	return n;
}

#define HISTORY_ROW	"INSERT INTO customer_history (customer_id, field," \
	" old_value, new_value, source) VALUES (5, 'city', '', 'Oulu', 'import')"

static void
history_rebuilt(void **state)
{
	sqlite3 *db = new_register("h.db");

	(void)state;
	assert_true(migrate_up_to(db, 24) >= 24);

	/* a record's first values and a correction by a member of staff */
	assert_int_equal(ex(db,
	    "INSERT INTO users (id, username, display_name, role, password_hash)"
	    " VALUES (3, 'kaisa', 'Kaisa', 'handler', 'x');"
	    "INSERT INTO customers (id, number, first_name, last_name)"
	    " VALUES (5, 'A-5', 'Anna', 'Asiakas');"
	    "INSERT INTO customer_history (id, customer_id, field, old_value,"
	    " new_value, user_id, at, source) VALUES"
	    " (1, 5, 'first_name', '', 'Anna', NULL, '2026-01-02T03:04:05Z',"
	    " 'import'), (2, 5, 'last_name', '', 'Asiakas', NULL,"
	    " '2026-01-02T03:04:05Z', 'import'), (3, 5, 'last_name', 'Asiakas',"
	    " 'Aalto', 3, '2026-02-03T04:05:06Z', 'staff');"
	    "UPDATE customer_history SET reference = 'TS-2026-000007'"
	    " WHERE id = 3;"), SQLITE_OK);
	/* before: the list of five sources made an ephemeral b-tree per row */
	assert_int_equal(opcodes(db, HISTORY_ROW, "OpenEphemeral"), 1);

	assert_int_equal(migrate_up_to(db, 25), 1);

	assert_int_equal(one(db, "SELECT count(*) FROM customer_history"), 3);
	assert_int_equal(one(db, "SELECT count(*) FROM customer_history WHERE"
	    " id = 3 AND customer_id = 5 AND field = 'last_name' AND old_value ="
	    " 'Asiakas' AND new_value = 'Aalto' AND user_id = 3 AND at ="
	    " '2026-02-03T04:05:06Z' AND source = 'staff' AND reference ="
	    " 'TS-2026-000007'"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM pragma_foreign_key_check"),
	    0);
	/* the same rules: each source, nothing else; a customer that exists */
	assert_int_equal(opcodes(db, HISTORY_ROW, "OpenEphemeral"), 0);
	assert_int_equal(ex(db, HISTORY_ROW), SQLITE_OK);
	assert_int_equal(ex(db, "INSERT INTO customer_history (customer_id,"
	    " field, old_value, new_value, source) VALUES (5, 'city', '', 'Oulu',"
	    " 'update_service'), (5, 'city', '', 'Oulu', 'subcontractor'),"
	    " (5, 'city', '', 'Oulu', 'customer')"), SQLITE_OK);
	assert_int_equal(ex(db, "INSERT INTO customer_history (customer_id,"
	    " field, old_value, new_value, source) VALUES (5, 'city', '', 'Oulu',"
	    " 'rumour')"), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(ex(db, "INSERT INTO customer_history (customer_id,"
	    " field, old_value, new_value, source) VALUES (6, 'city', '', 'Oulu',"
	    " 'staff')"), SQLITE_CONSTRAINT_FOREIGNKEY);
	/* the index by time: the corrections only; the history's by customer */
	assert_int_equal(one(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	    " 'customer_history_at' AND sql LIKE '%(at)%WHERE old_value <> '''''"),
	    1);
	assert_int_equal(one(db, "SELECT count(*) FROM customer_history"
	    " INDEXED BY customer_history_at WHERE old_value <> '' AND"
	    " at < '9999'"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	    " 'customer_history_customer'"), 1);
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
		cmocka_unit_test(history_rebuilt),
	};

	return cmocka_run_group_tests_name("migrate", tests, setup, teardown);
}
