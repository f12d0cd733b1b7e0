/* test_retention.c — the retention run at its boundary dates with a fixed clock (each class one second or day either side of its period), idempotence, the audit cut and its anchor, resuming after a kill, and backups: round trip, wrong key, truncated and damaged files refused with the live database untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "audit.h"
#include "backup.h"
#include "conf.h"
#include "db.h"
#include "forget.h"
#include "holds.h"
#include "retention.h"

/* The fixed clock: 2030-06-15T12:00:00Z. */
#define NOW	((time_t)1907755200)

static char err[1024];
static char dir[64];
static char dbpath[128];

static sqlite3 *
fresh_db(const char *path)
{
	sqlite3 *db = db_open(path, DB_CREATE, err, sizeof(err));

	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 3);
	return db;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static long long
num(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * One row on each side of each class's period as of NOW (the later one
 * kept, exactly at the boundary; the earlier one due), with
 * [retention] history_months = 6.
 */
static void
seed(sqlite3 *db)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.history_months = 6;
	retention_configure(&c);
	exec_ok(db, "INSERT INTO users (id, username, display_name, role,"
	    " password_hash) VALUES (7, 'adm', 'A', 'admin', 'x')");
	/* sessions: at most 10 hours (600 minutes), idle 30 minutes */
	exec_ok(db, "INSERT INTO sessions (id_hash, user_id, csrf, created_at,"
	    " seen_at) VALUES (x'01', 7, 'c', 1907755200 - 36000, 1907755200),"
	    " (x'02', 7, 'c', 1907755200 - 36001, 1907755200),"
	    " (x'03', 7, 'c', 1907755200 - 100, 1907755200 - 1801)");
	/* failed sign-ins: the 15-minute window */
	exec_ok(db, "INSERT INTO login_failures (username, client, at) VALUES"
	    " ('a', '192.0.2.1', 1907755200 - 900),"
	    " ('a', '192.0.2.1', 1907755200 - 901)");
	/* the rate counts: an hour of minutes */
	exec_ok(db, "INSERT INTO request_rate (addr_hash, minute, n) VALUES"
	    " (x'aa', 1907755200 / 60 - 60, 1), (x'aa', 1907755200 / 60 - 61, 1)");
	/* uploads: an hour */
	exec_ok(db, "INSERT INTO import_uploads (user_id, created_at, filename,"
	    " charset, source, data) VALUES (7, '2030-06-15T11:00:00Z', 'a.csv',"
	    " 'auto', 'import', x'00'), (7, '2030-06-15T10:59:59Z', 'b.csv',"
	    " 'auto', 'import', x'00')");
	/* outbox: a sent mail still with its address, a pending one */
	exec_ok(db, "INSERT INTO outbox (to_addr, subject, body, created, state,"
	    " sent_at) VALUES ('a@example.fi', 's', 'b', '2030-06-01T00:00:00Z',"
	    " 'sent', '2030-06-01T00:00:00Z')");
	exec_ok(db, "INSERT INTO outbox (to_addr, subject, body, created, state,"
	    " next_try) VALUES ('b@example.fi', 's', 'b', '2030-06-15T00:00:00Z',"
	    " 'pending', '2030-06-15T13:00:00Z')");
	/* customers: 10 years from the relationship's end (a date) */
	exec_ok(db, "INSERT INTO customers (id, number, last_name,"
	    " relationship_ended) VALUES (1, 'A1', 'Kept', '2020-06-15'),"
	    " (2, 'A2', 'Due', '2020-06-14'), (3, 'A3', 'Active', '')");
	/* the history: 6 months from the correction */
	exec_ok(db, "INSERT INTO customer_history (customer_id, field, old_value,"
	    " new_value, at, source) VALUES"
	    " (1, 'email', 'old1@example.fi', 'mid1@example.fi',"
	    "  '2029-12-15T11:59:59Z', 'staff'),"
	    " (1, 'email', 'mid1@example.fi', 'new1@example.fi',"
	    "  '2029-12-15T12:00:00Z', 'staff'),"
	    " (2, 'phone', '+358401', '+358402', '2029-01-01T00:00:00Z', 'staff'),"
	    " (2, 'phone', '+358402', '+358403', '2029-12-15T11:59:59Z', 'staff')");
	/* requests: 3 years from closing, a sent letter on each */
	exec_ok(db, "INSERT INTO requests (id, number, received, deadline, types,"
	    " lang, name, text_sha256, key_id, code, form_id, token_hash, status,"
	    " closed_at) VALUES (1, 'TS-2027-000001', '2027-05-01T10:00:00Z',"
	    " '2027-06-01', 1, 'fi', 'Kept', '', 'k', 'c', 'f1', randomblob(16),"
	    " 'answered', '2027-06-15T12:00:00Z'), (2, 'TS-2027-000002',"
	    " '2027-05-01T10:00:00Z', '2027-06-01', 1, 'fi', 'Due', '', 'k', 'c',"
	    " 'f2', randomblob(16), 'answered', '2027-06-15T11:59:59Z')");
	exec_ok(db, "INSERT INTO request_steps (request_id, action) VALUES"
	    " (1, 'close'), (2, 'close')");
	exec_ok(db, "INSERT INTO request_customers (request_id, customer_id)"
	    " VALUES (2, 2)");
	exec_ok(db, "INSERT INTO request_letters (id, request_id, kind) VALUES"
	    " (1, 1, 'answer'), (2, 2, 'answer')");
	exec_ok(db, "INSERT INTO letter_parts (letter_id, seq, name, value)"
	    " VALUES (1, 1, 'x', 'y'), (2, 1, 'x', 'y')");
	exec_ok(db, "UPDATE request_letters SET sent_at = '2027-06-10T00:00:00Z',"
	    " sent_via = 'post', content = x'00', sha256 = 'h'");
	/* an access report sent with each answer (sql/020_reports.sql) */
	exec_ok(db, "INSERT INTO request_reports (request_id, customer_id, kind,"
	    " format, sent_at, sent_via, content, sha256) VALUES (1, 1,"
	    " 'access_report', 'html', '2027-06-10T00:00:00Z', 'post', x'00',"
	    " printf('%064d', 0)), (2, 3, 'access_report', 'html',"
	    " '2027-06-10T00:00:00Z', 'post', x'00', printf('%064d', 0))");
}

static void
setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_retention.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
}

static void
cleanup_dir(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A dry run counts the due row of each class and changes nothing. */
static void
plan_at_boundaries(void **state)
{
	struct retention_report r;
	sqlite3 *db = fresh_db(":memory:");
	static const long long due[RJ__MAX] = {
		[RJ_SESSION] = 2, [RJ_SIGNIN] = 1, [RJ_RATE] = 1,
		[RJ_UPLOAD] = 1, [RJ_OUTBOX] = 1, [RJ_HISTORY_OLD] = 3,
		[RJ_HISTORY_NEW] = 1, [RJ_REQUEST] = 1, [RJ_CUSTOMER] = 1,
		[RJ_AUDIT] = 0,
	};

	(void)state;
	seed(db);
	assert_int_equal(retention_plan(db, NOW, NULL, &r), 0);
	assert_string_equal(r.judged_at, "2030-06-15T12:00:00Z");
	for (int j = 0; j < RJ__MAX; j++) {
		if (r.line[j].due != due[j])
			fail_msg("%s: due %lld, expected %lld", r.line[j].code,
			    r.line[j].due, due[j]);
		assert_int_equal(r.line[j].done, 0);
	}
	assert_int_equal(r.line[RJ_SESSION].kept, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].kept, 2);
	assert_int_equal(num(db, "SELECT count(*) FROM sessions"), 3);
	assert_int_equal(num(db, "SELECT count(*) FROM requests"), 2);
	/* a second earlier, nothing of the boundary rows is due yet */
	assert_int_equal(retention_plan(db, NOW - 1, NULL, &r), 0);
	assert_int_equal(r.line[RJ_SIGNIN].due, 0);
	assert_int_equal(r.line[RJ_UPLOAD].due, 0);
	assert_int_equal(r.line[RJ_REQUEST].due, 0);
	assert_int_equal(r.line[RJ_HISTORY_OLD].due, 1);	/* only the older one */
	db_close(db);
	retention_configure(NULL);
}

/* The steps of the statements that count due corrected values (DUE_HOLD). */
static int
count_steps(unsigned type, void *arg, void *p, void *x)
{
	sqlite3_stmt *st = p;
	const char *sql = sqlite3_sql(st);

	(void)x;
	if (type == SQLITE_TRACE_PROFILE && sql != NULL && strncmp(sql,
	    "SELECT count(*) FROM customer_history t WHERE t.old_value", 57) == 0)
		*(long long *)arg += sqlite3_stmt_status(st,
		    SQLITE_STMTSTATUS_VM_STEP, 0);
	return 0;
}

/*
 * The corrected values due are found through the history's partial index
 * by time (sql/025_history_rebuilt.sql): a record's first values, most
 * of the table and with no old value, are not visited. With the index of
 * every row (022) the count stepped through all 2,000 of them.
 */
static void
history_due_by_index(void **state)
{
	struct retention_report r;
	sqlite3 *db = fresh_db(":memory:");
	long long steps = 0;

	(void)state;
	seed(db);
	exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	    " FROM n WHERE i < 2000) INSERT INTO customer_history (customer_id,"
	    " field, old_value, new_value, at, source) SELECT 3, 'email', '',"
	    " 'e' || i || '@example.fi', '2021-01-01T00:00:00Z', 'import' FROM n");
	sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, count_steps, &steps);
	assert_int_equal(retention_plan(db, NOW, NULL, &r), 0);
	sqlite3_trace_v2(db, 0, NULL, NULL);
	assert_int_equal(r.line[RJ_HISTORY_OLD].due, 3);
	if (steps == 0 || steps > 200)
		fail_msg("the due count took %lld steps", steps);
	db_close(db);
	retention_configure(NULL);
}

/* --apply removes exactly what the dry run named; a second run changes nothing. */
static void
apply_and_again(void **state)
{
	struct retention_report r;
	sqlite3 *db = fresh_db(":memory:");
	char why[256];
	sqlite3_int64 rows;

	(void)state;
	seed(db);
	assert_int_equal(retention_apply(db, NOW, 1, NULL, NULL, NULL, 0, &r), 0);
	assert_true(r.run_id > 0);
	assert_int_equal(r.line[RJ_SESSION].done, 2);
	assert_int_equal(r.line[RJ_REQUEST].done, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].done, 0);	/* not wired */
	assert_int_equal(num(db, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM sessions WHERE"
	    " id_hash = x'01'"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM login_failures"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM request_rate"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM import_uploads"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM outbox WHERE"
	    " to_addr <> ''"), 1);	/* the pending one */
	assert_int_equal(num(db, "SELECT count(*) FROM customer_history WHERE"
	    " old_value = '' AND id = 1"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_history WHERE"
	    " old_value <> '' AND id = 2"), 1);
	/* row 1's new value was corrected by row 2 exactly at the boundary:
	 * kept; row 3's a second before it: emptied */
	assert_int_equal(num(db, "SELECT group_concat(id) FROM customer_history"
	    " WHERE new_value = ''"), 3);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_history WHERE"
	    " old_value = ''"), 3);
	assert_int_equal(num(db, "SELECT group_concat(id) FROM requests"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM request_letters"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM letter_parts"), 1);
	assert_int_equal(num(db, "SELECT group_concat(request_id) FROM"
	    " request_reports"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM request_customers"), 0);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 3);
	assert_int_equal(num(db, "SELECT open FROM retention_permit"), 0);
	assert_int_equal(num(db, "SELECT count(*) FROM audit_log WHERE action ="
	    " 'retention.run'"), 1);
	assert_int_equal(num(db, "SELECT state = 'done' FROM retention_runs"), 1);
	/* a sent letter or report outside the run is still kept */
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM request_letters",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM request_reports",
	    NULL, NULL, NULL), SQLITE_OK);
	/* idempotent: the second run finds nothing */
	assert_int_equal(retention_apply(db, NOW, 1, NULL, NULL, NULL, 0, &r), 0);
	for (int j = 0; j < RJ__MAX; j++)
		assert_int_equal(r.line[j].done, 0);
	assert_int_equal(r.batches, 0);
	assert_int_equal(audit_verify(db, &rows, why, sizeof(why)), 0);
	db_close(db);
	retention_configure(NULL);
}

/* Audit rows past their period are cut; the chain verifies from the anchor; tampering is still found. */
static void
audit_cut_and_anchor(void **state)
{
	struct audit_entry e = { 0, "", "cli", "test", "", "", "" };
	struct retention_report r;
	sqlite3 *db = fresh_db(":memory:");
	sqlite3_int64 rows, bad;
	char why[256];

	(void)state;
	for (int i = 0; i < 7; i++)
		assert_int_equal(audit_append(db, &e), 0);
	/* a plain delete is refused */
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE"
	    " id = 1", NULL, NULL, NULL), SQLITE_OK);
	/* 20 years on, all but the last row are past 10 years; batches of 3 */
	assert_int_equal(retention_apply(db, NOW + (time_t)20 * 366 * 86400, 3,
	    NULL, NULL, NULL, 0, &r), 0);
	assert_int_equal(r.line[RJ_AUDIT].done, 6);
	assert_int_equal(num(db, "SELECT count(*) FROM audit_anchor"), 2);
	assert_int_equal(num(db, "SELECT min(id) FROM audit_log"), 7);
	bad = audit_verify(db, &rows, why, sizeof(why));
	if (bad != 0)
		fail_msg("%s", why);
	assert_int_equal(rows, 2);	/* row 7 and the run's own */
	/* the anchor cannot be moved back or removed */
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_anchor", NULL,
	    NULL, NULL), SQLITE_OK);
	/* a forged first row is found */
	exec_ok(db, "DROP TRIGGER audit_log_no_update");
	exec_ok(db, "UPDATE audit_log SET prev_hash = zeroblob(32) WHERE id = 7");
	assert_int_equal(audit_verify(db, &rows, why, sizeof(why)), 7);
	db_close(db);
}

/* A run killed after its first batch leaves that batch done; the next run resumes with the same clock and finishes. */
static void
resume_after_kill(void **state)
{
	struct retention_report r;
	sqlite3 *db;
	pid_t pid;
	int status;

	(void)state;
	setup_dir();
	db = fresh_db(dbpath);
	seed(db);
	db_close(db);
	if ((pid = fork()) == 0) {
		sqlite3 *c = db_open(dbpath, DB_READWRITE, err, sizeof(err));

		retention_apply(c, NOW, 1, NULL, NULL, NULL, 1, &r);
		_exit(0);	/* not reached: the hook stops after a batch */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(num(db, "SELECT state = 'running' FROM retention_runs"), 1);
	assert_int_equal(num(db, "SELECT sum(done) FROM retention_counts"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM sessions"), 2);
	assert_int_equal(num(db, "SELECT open FROM retention_permit"), 0);
	/* the next run, a day later, takes over the killed run's clock */
	assert_int_equal(retention_apply(db, NOW + 86400, 1, NULL, NULL, NULL, 0, &r),
	    0);
	assert_int_equal(r.resumed, 1);
	assert_string_equal(r.judged_at, "2030-06-15T12:00:00Z");
	assert_int_equal(r.line[RJ_SESSION].done, 2);
	assert_int_equal(r.line[RJ_REQUEST].done, 1);
	assert_int_equal(num(db, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM retention_runs"), 1);
	assert_int_equal(num(db, "SELECT state = 'done' FROM retention_runs"), 1);
	db_close(db);
	cleanup_dir();
	retention_configure(NULL);
}

/*
 * The customer class at its boundary: a record whose relationship ended 10
 * years and a day ago is erased when nothing holds it, anonymised while
 * the Accounting Act keeps its orders, kept while an invoice is open; each
 * erasure in the ledger; a second run changes nothing.
 */
static void
customer_class(void **state)
{
	struct retention_report r;
	struct retention_erasure er;
	struct forget_key key;
	char ledger[160];
	FILE *f;
	long n = 0;
	int ch;
	sqlite3 *db;

	(void)state;
	setup_dir();
	snprintf(ledger, sizeof(ledger), "%s/erasure-ledger", dir);
	assert_int_equal(forget_key_load(dir, &key, err, sizeof(err)), 0);
	er.hc = NULL;	/* the calendar year */
	er.key = &key;
	er.ledger = ledger;
	db = fresh_db(dbpath);
	seed(db);
	exec_ok(db, "INSERT INTO customers (id, number, last_name,"
	    " relationship_ended) VALUES (4, 'A4', 'Accounted', '2019-01-01'),"
	    " (5, 'A5', 'Owing', '2019-01-01')");
	exec_ok(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status) VALUES (4, 'T1', '2025-01-01', 100, 'paid'),"
	    " (5, 'T2', '2018-01-01', 100, 'open')");
	/*
	 * the case file outlives the record (024): a report sent on request 1
	 * (within its retention) and told marks on both requests do not stop
	 * customer 2's erasure; they go with their requests
	 */
	exec_ok(db, "INSERT INTO request_reports (request_id, customer_id, kind,"
	    " format, sent_at, sent_via, content, sha256) VALUES (1, 2,"
	    " 'portability', 'json', '2027-06-10T00:00:00Z', 'post', x'00',"
	    " printf('%064d', 0))");
	exec_ok(db, "INSERT INTO request_told (request_id, customer_id, kind,"
	    " party, told_on, how) VALUES (1, 2, 'recipient', 'Perintä Oy',"
	    " '2027-06-12', 'letter'), (2, 2, 'recipient', 'Perintä Oy',"
	    " '2027-06-12', 'letter')");
	assert_int_equal(retention_plan(db, NOW, &er, &r), 0);
	assert_int_equal(r.line[RJ_CUSTOMER].wired, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].due, 3);
	assert_int_equal(r.line[RJ_CUSTOMER].erase, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].anonymise, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].held, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].held_by[HOLD_OPEN_INVOICE], 1);
	assert_int_equal(r.line[RJ_CUSTOMER].held_by[HOLD_LEGAL], 0);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 5);
	/* a record whose erasure fails is rolled back alone; the run goes on */
	exec_ok(db, "INSERT INTO customers (id, number, last_name,"
	    " relationship_ended) VALUES (6, 'A6', 'Stuck', '2019-01-01')");
	exec_ok(db, "CREATE TEMP TRIGGER stuck BEFORE DELETE ON customers"
	    " WHEN OLD.id = 6 BEGIN SELECT RAISE(ABORT, 'stuck'); END");
	assert_int_equal(retention_apply(db, NOW, 1, &er, NULL, NULL, 0, &r), 0);
	assert_int_equal(r.line[RJ_CUSTOMER].failed, 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE id = 6"
	    " AND last_name = 'Stuck'"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_tombstones WHERE"
	    " id = 6"), 0);
	exec_ok(db, "DROP TRIGGER temp.stuck");
	assert_int_equal(r.line[RJ_CUSTOMER].done, 2);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE id = 2"),
	    0);
	assert_int_equal(num(db, "SELECT count(*) FROM request_reports WHERE"
	    " customer_id = 2 AND request_id = 1"), 1);
	assert_int_equal(num(db, "SELECT group_concat(request_id) FROM"
	    " request_told"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE id = 4"
	    " AND last_name = ''"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM orders WHERE"
	    " customer_id = 4"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE id = 5"
	    " AND last_name = 'Owing'"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE id = 1"
	    " AND last_name = 'Kept'"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_tombstones WHERE"
	    " (id = 2 AND kind = 'erased') OR (id = 4 AND kind = 'anonymised')"),
	    2);
	assert_non_null(f = fopen(ledger, "r"));
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	assert_int_equal(n, 2);	/* not the one rolled back */
	/* the next run erases the one that failed; then nothing changes */
	assert_int_equal(retention_apply(db, NOW, 1, &er, NULL, NULL, 0, &r), 0);
	assert_int_equal(r.line[RJ_CUSTOMER].done, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].failed, 0);
	assert_int_equal(retention_apply(db, NOW, 1, &er, NULL, NULL, 0, &r), 0);
	assert_int_equal(r.line[RJ_CUSTOMER].due, 1);
	assert_int_equal(r.line[RJ_CUSTOMER].done, 0);
	assert_int_equal(r.line[RJ_CUSTOMER].held, 1);
	db_close(db);
	cleanup_dir();
	retention_configure(NULL);
}

/*
 * Back up, erase a person, restore: the person is still erased (the CLI,
 * the erasure ledger re-applied, and said).
 */
static void
backup_erase_restore(void **state)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char conf[160], cmd[1024], out[160], *line = NULL;
	size_t cap = 0;
	sqlite3 *db;
	FILE *p;
	int found = 0;

	(void)state;
	setup_dir();
	snprintf(conf, sizeof(conf), "%s/r.conf", dir);
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	snprintf(cmd, sizeof(cmd), "sed -e 's#^path = .*#path = %s#' -e "
	    "'s#^dir = .*#dir = %s/keys#' -e \"s#\\.\\./#$PWD/#\" "
	    "conf/rekisteri.conf.sample > %s && %s/rekisteri -c %s init "
	    ">/dev/null", dbpath, dir, conf, build, conf);
	assert_int_equal(system(cmd), 0);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	exec_ok(db, "INSERT INTO customers (id, number, last_name, email,"
	    " relationship_ended) VALUES (1, 'A1', 'Unohdettava',"
	    " 'unohdettava@example.fi', '2015-01-01'), (2, 'A2', 'Pysyvä',"
	    " 'pysyva@example.fi', '')");
	db_close(db);
	snprintf(cmd, sizeof(cmd), "cd %s && %s/%s/rekisteri -c %s backup b.db"
	    " >/dev/null && %s/%s/rekisteri -c %s retention --apply >/dev/null"
	    " && %s/%s/rekisteri -c %s restore b.db > %s 2>&1", dir,
	    getenv("PWD"), build, conf, getenv("PWD"), build, conf,
	    getenv("PWD"), build, conf, out);
	assert_int_equal(system(cmd), 0);
	assert_non_null(p = fopen(out, "r"));
	while (getline(&line, &cap, p) > 0)
		if (strstr(line, "1 erasure made after the backup re-applied"))
			found = 1;
	free(line);
	fclose(p);
	assert_true(found);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE"
	    " number = 'A1'"), 0);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_tombstones"
	    " WHERE number = 'A1'"), 1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers WHERE"
	    " number = 'A2'"), 1);
	db_close(db);
	cleanup_dir();
}

/* The config's periods are the record's: the text names the key. */
static void
effective_periods(void **state)
{
	struct conf c;

	(void)state;
	retention_configure(NULL);
	assert_int_equal(retention_rule(RC_REQUEST)->amount, 36);
	assert_int_equal(retention_rule(RC_AUDIT)->amount, 120);
	assert_int_equal(retention_rule(RC_HISTORY)->unit, RU_KEPT);
	memset(&c, 0, sizeof(c));
	c.request_years = 5;
	c.audit_years = 6;
	c.history_months = 18;
	retention_configure(&c);
	assert_int_equal(retention_rule(RC_REQUEST)->amount, 60);
	assert_int_equal(retention_rule(RC_AUDIT)->amount, 72);
	assert_int_equal(retention_rule(RC_HISTORY)->unit, RU_MONTHS);
	assert_string_equal(retention_rule(RC_REQUEST)->period[LANG_EN],
	    "5 years from the request's closing (setting [retention] "
	    "request_years)");
	assert_string_equal(retention_rule(RC_AUDIT)->period[LANG_FI],
	    "6 vuotta merkinnästä (asetus [retention] audit_years)");
	retention_configure(NULL);
	assert_int_equal(retention_rule(RC_REQUEST)->amount, 36);
}

static void
write_key(const char *path, const char *hex, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(hex, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* Truncate path to len bytes. */
static void
cut(const char *path, off_t len)
{
	assert_int_equal(truncate(path, len), 0);
}

static off_t
size_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Backup, change, restore: the backup's data back; a damaged file refused and the live data untouched. */
static void
backup_round_trip(void **state)
{
	unsigned char key[BACKUP_KEYBYTES], other[BACKUP_KEYBYTES];
	char plain[160], enc[160], kf[160], work[512], taken[21], taken2[21];
	struct stat st;
	sqlite3 *db;
	off_t n;

	(void)state;
	setup_dir();
	db = fresh_db(dbpath);
	exec_ok(db, "INSERT INTO customers (number, last_name) VALUES"
	    " ('A1', 'Backed')");
	snprintf(plain, sizeof(plain), "%s/plain.db", dir);
	snprintf(enc, sizeof(enc), "%s/enc.bak", dir);
	snprintf(kf, sizeof(kf), "%s/backup.key", dir);
	write_key(kf, "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f\n", 0644);
	assert_int_equal(backup_key_load(kf, key, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(kf, 0600), 0);
	assert_int_equal(backup_key_load(kf, key, err, sizeof(err)), 0);
	assert_int_equal(key[31], 0x1f);
	/* both kinds, private, never over an existing file */
	assert_int_equal(backup_make(db, dbpath, plain, NULL, taken, err,
	    sizeof(err)), 0);
	assert_int_equal(backup_make(db, dbpath, enc, key, taken2, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(enc, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(plain, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(backup_make(db, dbpath, enc, key, taken2, err,
	    sizeof(err)), -1);
	assert_int_equal(size_of(enc) > 0, 1);
	/* the live database moves on */
	exec_ok(db, "INSERT INTO customers (number, last_name) VALUES"
	    " ('A2', 'Later')");
	db_close(db);

	/* a wrong key: refused, no work copy left */
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(backup_check(enc, other, dbpath, work, sizeof(work),
	    taken, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "wrong key"));
	assert_string_equal(work, "");
	/* encrypted without --key, plain with it: refused */
	assert_int_equal(backup_check(enc, NULL, dbpath, work, sizeof(work),
	    taken, err, sizeof(err)), -1);
	assert_int_equal(backup_check(plain, key, dbpath, work, sizeof(work),
	    taken, err, sizeof(err)), -1);

	/* the encrypted one restores, with its time */
	assert_int_equal(backup_db_user(dbpath), 0);
	assert_int_equal(backup_check(enc, key, dbpath, work, sizeof(work),
	    taken, err, sizeof(err)), 0);
	assert_string_equal(taken, taken2);
	assert_int_equal(backup_restore(dbpath, work, err, sizeof(err)), 0);
	unlink(work);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(num(db, "PRAGMA journal_mode = WAL") == 0, 1);
	exec_ok(db, "INSERT INTO customers (number, last_name) VALUES"
	    " ('A3', 'After')");
	db_close(db);

	/* truncated anywhere, or a byte added or flipped: refused, live untouched */
	n = size_of(enc);
	{
		char copy[200];
		char cmd[1024];
		off_t cuts[] = { n - 1, n - 17 - 100, 60, 30, 0 };

		snprintf(copy, sizeof(copy), "%s/cut.bak", dir);
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", enc, copy);
			assert_int_equal(system(cmd), 0);
			cut(copy, cuts[i]);
			assert_int_equal(backup_check(copy, key, dbpath, work,
			    sizeof(work), taken, err, sizeof(err)), -1);
		}
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && printf x >> '%s'",
		    enc, copy, copy);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(backup_check(copy, key, dbpath, work,
		    sizeof(work), taken, err, sizeof(err)), -1);
		/* a truncated plain copy fails integrity_check */
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", plain, copy);
		assert_int_equal(system(cmd), 0);
		cut(copy, size_of(plain) / 2);
		assert_int_equal(backup_check(copy, NULL, dbpath, work,
		    sizeof(work), taken, err, sizeof(err)), -1);
	}
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 2);
	db_close(db);

	/* the plain one restores too */
	assert_int_equal(backup_check(plain, NULL, dbpath, work, sizeof(work),
	    taken, err, sizeof(err)), 0);
	assert_int_equal(backup_restore(dbpath, work, err, sizeof(err)), 0);
	unlink(work);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 1);
	db_close(db);
	sodium_memzero(key, sizeof(key));
	cleanup_dir();
}

/* A database another process has open is seen as in use. */
static void
db_in_use(void **state)
{
	int go[2], done[2];
	sqlite3 *db;
	pid_t pid, user;
	char c;

	(void)state;
	setup_dir();
	db = fresh_db(dbpath);
	db_close(db);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	if ((pid = fork()) == 0) {
		sqlite3 *o = db_open(dbpath, DB_READWRITE, err, sizeof(err));

		sqlite3_exec(o, "SELECT count(*) FROM customers", NULL, NULL,
		    NULL);
		if (write(go[1], "g", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(1);
		db_close(o);
		_exit(0);
	}
	assert_int_equal(read(go[0], &c, 1), 1);
	user = backup_db_user(dbpath);
	assert_int_equal(write(done[1], "d", 1), 1);
	waitpid(pid, NULL, 0);
	assert_int_equal(user, pid);
	assert_int_equal(backup_db_user(dbpath), 0);
	cleanup_dir();
}

/* forget_ledger_each: count the lines whose hash is in arg's list. */
struct ledger_seen {
	unsigned char	hash[8][32];
	int		n, found, lines;
};

static int
ledger_count(void *arg, const struct forget_ledger_entry *e)
{
	struct ledger_seen *s = arg;

	s->lines++;
	for (int i = 0; i < s->n; i++)
		if (memcmp(s->hash[i], e->hash, 32) == 0)
			s->found++;
	return 0;
}

/* Every committed erasure's number (a tombstone) is in the ledger: 1 or 0. */
static int
ledger_has_tombstones(sqlite3 *db, const char *ledger,
    const struct forget_key *key, int *tombs)
{
	struct ledger_seen s;
	sqlite3_stmt *st;

	memset(&s, 0, sizeof(s));
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT number FROM"
	    " customer_tombstones ORDER BY id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && s.n < 8)
		forget_ledger_hash(key, (const char *)sqlite3_column_text(st, 0),
		    s.hash[s.n++]);
	sqlite3_finalize(st);
	assert_int_equal(forget_ledger_each(ledger, ledger_count, &s, NULL), 0);
	*tombs = s.n;
	return s.found == s.n && s.lines == s.n;
}

/*
 * The ledger is written per batch and fsynced once before the batch's
 * COMMIT: a run killed after its first batch has exactly that batch's
 * erasures committed and in the ledger; a ledger that cannot be opened
 * rolls the batch back (nothing erased); the rest follows in the next run.
 */
static void
ledger_per_batch(void **state)
{
	struct retention_report r;
	struct retention_erasure er;
	struct forget_key key;
	char ledger[160], bad[200];
	pid_t pid;
	int status, tombs;
	sqlite3 *db;

	(void)state;
	setup_dir();
	snprintf(ledger, sizeof(ledger), "%s/erasure-ledger", dir);
	snprintf(bad, sizeof(bad), "%s/no-such-dir/erasure-ledger", dir);
	assert_int_equal(forget_key_load(dir, &key, err, sizeof(err)), 0);
	er.hc = NULL;
	er.key = &key;
	er.ledger = bad;
	db = fresh_db(dbpath);
	exec_ok(db, "INSERT INTO customers (id, number, last_name,"
	    " relationship_ended) VALUES (11, 'B11', 'Yksi', '2019-01-01'),"
	    " (12, 'B12', 'Kaksi', '2019-01-01'), (13, 'B13', 'Kolme',"
	    " '2019-01-01'), (14, 'B14', 'Neljä', '2019-01-01'), (15, 'B15',"
	    " 'Viisi', '2019-01-01')");
	assert_int_equal(retention_apply(db, NOW, 2, &er, NULL, NULL, 0, &r), -1);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 5);
	assert_int_equal(num(db, "SELECT count(*) FROM customer_tombstones"), 0);
	db_close(db);
	er.ledger = ledger;
	if ((pid = fork()) == 0) {
		sqlite3 *c = db_open(dbpath, DB_READWRITE, err, sizeof(err));

		retention_apply(c, NOW, 2, &er, NULL, NULL, 1, &r);
		_exit(0);	/* not reached: the hook stops after a batch */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(ledger_has_tombstones(db, ledger, &key, &tombs), 1);
	assert_int_equal(tombs, 2);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 3);
	assert_int_equal(retention_apply(db, NOW, 2, &er, NULL, NULL, 0, &r), 0);
	assert_int_equal(ledger_has_tombstones(db, ledger, &key, &tombs), 1);
	assert_int_equal(tombs, 5);
	assert_int_equal(num(db, "SELECT count(*) FROM customers"), 0);
	db_close(db);
	cleanup_dir();
	retention_configure(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_at_boundaries),
		cmocka_unit_test(history_due_by_index),
		cmocka_unit_test(apply_and_again),
		cmocka_unit_test(audit_cut_and_anchor),
		cmocka_unit_test(resume_after_kill),
		cmocka_unit_test(effective_periods),
		cmocka_unit_test(customer_class),
		cmocka_unit_test(ledger_per_batch),
		cmocka_unit_test(backup_erase_restore),
		cmocka_unit_test(backup_round_trip),
		cmocka_unit_test(db_in_use),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
