/* test_audit.c — the audit log: appending in and out of transactions, input checks, the canonical hash, and tampering that audit_verify must find. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "i18n.h"

#define NROWS	5	/* rows the fixture appends */

static char err[1024];

static sqlite3 *
fresh_db(void)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 3);
	return db;
}

static int
append(sqlite3 *db, sqlite3_int64 uid, const char *action, const char *summary)
{
	struct audit_entry e = {
		.user_id = uid,
		.username = uid ? "anja" : NULL,
		.client = "192.0.2.7",
		.action = action,
		.object_type = "customer",
		.object_id = "42",
		.summary = summary,
	};

	return audit_append(db, &e);
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static sqlite3_int64
count_rows(sqlite3 *db)
{
	sqlite3_stmt *st;
	sqlite3_int64 n;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_log",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static sqlite3_int64
verify(sqlite3 *db, char *why, size_t whylen)
{
	sqlite3_int64 rows = -1;
	sqlite3_int64 rc = audit_verify(db, &rows, why, whylen);

	if (rc == 0)
		assert_int_equal(rows, count_rows(db));
	return rc;
}

static void
drop_triggers(sqlite3 *db)
{
	exec_ok(db, "DROP TRIGGER audit_log_no_update;"
	    "DROP TRIGGER audit_log_no_delete");
}

/* A database with NROWS entries, the first two without a user. */
static int
setup(void **state)
{
	sqlite3 *db = fresh_db();
	char summary[32];

	for (int i = 1; i <= NROWS; i++) {
		snprintf(summary, sizeof(summary), "event %d", i);
		if (append(db, i <= 2 ? 0 : i, "customer.view", summary) != 0)
			return -1;
	}
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

/*
 * The canonical form from docs/audit.md, built the plain way: one buffer,
 * one crypto_generichash call. f[9] are the fields as text.
 */
static void
canonical_hash(const unsigned char prev[32], const char *const f[9],
    unsigned char out[32])
{
	unsigned char buf[4096];
	size_t n = 0;

	memcpy(buf, prev, 32);
	n = 32;
	for (int i = 0; i < 9; i++) {
		uint64_t len = strlen(f[i]);

		assert_true(n + 8 + len <= sizeof(buf));
		for (int b = 7; b >= 0; b--)
			buf[n++] = (unsigned char)(len >> (8 * b));
		memcpy(buf + n, f[i], len);
		n += len;
	}
	assert_int_equal(crypto_generichash(out, 32, buf, n, NULL, 0), 0);
}

/* Row id's nine fields as text (NULL as "") into f/store, and its hashes. */
struct stored {
	char		 text[9][512];
	const char	*f[9];
	unsigned char	 prev[32], hash[32];
};

static void
load_row(sqlite3 *db, sqlite3_int64 id, struct stored *s)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, at, user_id,"
	    " username, client, action, object_type, object_id, summary,"
	    " prev_hash, hash FROM audit_log WHERE id = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (int i = 0; i < 9; i++) {
		const unsigned char *t = sqlite3_column_text(st, i);

		snprintf(s->text[i], sizeof(s->text[i]), "%s",
		    t ? (const char *)t : "");
		s->f[i] = s->text[i];
	}
	assert_int_equal(sqlite3_column_bytes(st, 9), 32);
	memcpy(s->prev, sqlite3_column_blob(st, 9), 32);
	assert_int_equal(sqlite3_column_bytes(st, 10), 32);
	memcpy(s->hash, sqlite3_column_blob(st, 10), 32);
	sqlite3_finalize(st);
}

/* Insert a row with the given id, fields 1..8 of s, and the two hashes. */
static void
insert_raw(sqlite3 *db, sqlite3_int64 id, const struct stored *s,
    const unsigned char prev[32], const unsigned char hash[32])
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO audit_log (id, at,"
	    " user_id, username, client, action, object_type, object_id,"
	    " summary, prev_hash, hash) VALUES (?1, ?2, nullif(?3, ''), ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	for (int i = 1; i < 9; i++)
		sqlite3_bind_text(st, i + 1, s->f[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, hash, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void
append_and_verify(void **state)
{
	sqlite3 *db = *state;
	char why[256];

	assert_int_equal(verify(db, why, sizeof(why)), 0);
	assert_string_equal(why, "the chain of 5 rows is intact");

	/* in the caller's transaction, rolled back: the entry goes too */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(append(db, 9, "user.role", "role handler → admin"), 0);
	assert_int_equal(count_rows(db), NROWS + 1);
	db_rollback(db);
	assert_int_equal(count_rows(db), NROWS);
	assert_int_equal(sqlite3_get_autocommit(db), 1);

	/* in the caller's transaction, committed: the id after the rollback */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(append(db, 9, "user.role", "role handler → admin"), 0);
	assert_int_equal(append(db, 9, "user.nda", NULL), 0);
	assert_int_equal(db_commit(db), 0);

	/* and alone again */
	assert_int_equal(append(db, 0, "login.fail", ""), 0);
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	assert_int_equal(count_rows(db), NROWS + 3);
	assert_int_equal(verify(db, why, sizeof(why)), 0);
	assert_string_equal(why, "the chain of 8 rows is intact");

	/* NULL why is allowed */
	assert_int_equal(audit_verify(db, NULL, NULL, 0), 0);
}

static void
empty_log(void **state)
{
	sqlite3 *db = fresh_db();
	sqlite3_int64 rows = -1, id = -1;
	char hex[65];

	(void)state;
	assert_int_equal(audit_verify(db, &rows, NULL, 0), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(audit_head(db, &id, hex), 0);
	assert_int_equal(id, 0);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(strspn(hex, "0"), 64);
	db_close(db);
}

static void
triggers_refuse(void **state)
{
	sqlite3 *db = *state;

	assert_int_not_equal(sqlite3_exec(db,
	    "UPDATE audit_log SET summary = 'x' WHERE id = 3", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_not_equal(sqlite3_exec(db,
	    "DELETE FROM audit_log WHERE id = 5", NULL, NULL, NULL), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_equal(count_rows(db), NROWS);
	assert_int_equal(verify(db, NULL, 0), 0);
}

static void
canonical_form(void **state)
{
	sqlite3 *db = *state;
	struct stored s1, s3;
	unsigned char zero[32] = { 0 }, h[32];
	sqlite3_int64 id;
	char hex[65], want[65];
	time_t now = time(NULL);
	struct tm tm;
	char today[16];

	load_row(db, 1, &s1);
	assert_memory_equal(s1.prev, zero, 32);
	assert_string_equal(s1.f[0], "1");
	assert_string_equal(s1.f[2], "");	/* user_id NULL */
	assert_string_equal(s1.f[3], "");	/* username NULL */
	assert_string_equal(s1.f[5], "customer.view");
	assert_string_equal(s1.f[8], "event 1");
	/* at: UTC YYYY-MM-DDTHH:MM:SSZ, today (or just before midnight) */
	assert_int_equal(strlen(s1.f[1]), 20);
	assert_int_equal(s1.f[1][10], 'T');
	assert_int_equal(s1.f[1][19], 'Z');
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strncmp(s1.f[1], today, 10) != 0)
		assert_true(tm.tm_hour == 0 && tm.tm_min == 0);
	canonical_hash(zero, s1.f, h);
	assert_memory_equal(h, s1.hash, 32);

	load_row(db, 3, &s3);
	assert_string_equal(s3.f[2], "3");
	assert_string_equal(s3.f[3], "anja");
	load_row(db, 2, &s1);
	assert_memory_equal(s3.prev, s1.hash, 32);
	canonical_hash(s3.prev, s3.f, h);
	assert_memory_equal(h, s3.hash, 32);

	/* the head is the last row */
	load_row(db, NROWS, &s3);
	assert_int_equal(audit_head(db, &id, hex), 0);
	assert_int_equal(id, NROWS);
	sodium_bin2hex(want, sizeof(want), s3.hash, 32);
	assert_string_equal(hex, want);
}

static void
edited_field_found(void **state)
{
	sqlite3 *db = *state;
	char why[256];

	drop_triggers(db);
	exec_ok(db, "UPDATE audit_log SET object_id = '43' WHERE id = 3");
	assert_int_equal(verify(db, why, sizeof(why)), 3);
	assert_string_equal(why, "row 3: its fields were changed after it was "
	    "written (hash mismatch)");
}

static void
edited_with_new_hash_found(void **state)
{
	sqlite3 *db = *state;
	struct stored s;
	unsigned char h[32];
	sqlite3_stmt *st;
	char why[256];

	/* whoever edits row 3 and recomputes its hash breaks row 4's link */
	drop_triggers(db);
	load_row(db, 3, &s);
	snprintf(s.text[8], sizeof(s.text[8]), "nothing happened");
	canonical_hash(s.prev, s.f, h);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit_log SET"
	    " summary = ?1, hash = ?2 WHERE id = 3", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, s.f[8], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, h, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(verify(db, why, sizeof(why)), 4);
	assert_string_equal(why, "row 4: the row before it is missing or was "
	    "changed (chain broken)");
}

static void
deleted_row_found(void **state)
{
	sqlite3 *db = *state;
	char why[256];

	drop_triggers(db);
	exec_ok(db, "DELETE FROM audit_log WHERE id = 4");
	assert_int_equal(verify(db, why, sizeof(why)), 5);
	assert_string_equal(why, "row 5: a row was deleted before it (ids jump "
	    "from 3 to 5)");
}

static void
deleted_first_row_found(void **state)
{
	sqlite3 *db = *state;
	char why[256];

	drop_triggers(db);
	exec_ok(db, "DELETE FROM audit_log WHERE id = 1");
	assert_int_equal(verify(db, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "row 2: a row was deleted before it"));
}

static void
deleted_last_rows_need_the_head(void **state)
{
	sqlite3 *db = *state;
	sqlite3_int64 id;
	char before[65], after[65];

	/* the chain alone cannot tell: only a recorded head can */
	assert_int_equal(audit_head(db, &id, before), 0);
	assert_int_equal(id, NROWS);
	drop_triggers(db);
	exec_ok(db, "DELETE FROM audit_log WHERE id >= 4");
	assert_int_equal(verify(db, NULL, 0), 0);
	assert_int_equal(audit_head(db, &id, after), 0);
	assert_int_equal(id, 3);
	assert_string_not_equal(before, after);
}

static void
forged_rows_found(void **state)
{
	sqlite3 *db = *state;
	struct stored s3, forged;
	unsigned char h[32];
	char why[256];

	/*
	 * A well-made row 4 slipped in between rows 3 and the old row 4,
	 * the later rows renumbered: the old row 4 no longer links.
	 */
	drop_triggers(db);
	load_row(db, 3, &s3);
	load_row(db, 4, &forged);
	snprintf(forged.text[8], sizeof(forged.text[8]), "forged");
	canonical_hash(s3.hash, forged.f, h);
	exec_ok(db, "CREATE TEMP TABLE later AS SELECT * FROM audit_log"
	    " WHERE id >= 4;"
	    "DELETE FROM audit_log WHERE id >= 4");
	insert_raw(db, 4, &forged, s3.hash, h);
	exec_ok(db, "INSERT INTO audit_log SELECT id + 1, at, user_id, username,"
	    " client, action, object_type, object_id, summary, prev_hash, hash"
	    " FROM temp.later");
	assert_int_equal(count_rows(db), NROWS + 1);
	assert_int_equal(verify(db, why, sizeof(why)), 5);
	assert_non_null(strstr(why, "chain broken"));

	/* a row at the end that copies its hash from another row */
	exec_ok(db, "DELETE FROM audit_log WHERE id >= 4;"
	    "INSERT INTO audit_log SELECT * FROM temp.later");
	assert_int_equal(verify(db, NULL, 0), 0);
	load_row(db, NROWS, &forged);
	snprintf(forged.text[5], sizeof(forged.text[5]), "user.delete");
	insert_raw(db, NROWS + 1, &forged, forged.hash, forged.hash);
	assert_int_equal(verify(db, why, sizeof(why)), NROWS + 1);
	assert_non_null(strstr(why, "hash mismatch"));

	/* a row below id 1 is reported as 1 */
	exec_ok(db, "DELETE FROM audit_log WHERE id > 5");
	load_row(db, 1, &forged);
	memset(h, 0, sizeof(h));
	insert_raw(db, 0, &forged, h, forged.hash);
	assert_int_equal(verify(db, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "row 0:"));
}

static void
swapped_summaries_found(void **state)
{
	sqlite3 *db = *state;
	char why[256];

	drop_triggers(db);
	exec_ok(db, "UPDATE audit_log SET summary = CASE id"
	    " WHEN 2 THEN (SELECT summary FROM audit_log WHERE id = 4)"
	    " ELSE (SELECT summary FROM audit_log WHERE id = 2) END"
	    " WHERE id IN (2, 4)");
	assert_int_equal(verify(db, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "hash mismatch"));
}

static void
null_and_zero_user_id(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;
	char why[256];

	/* user_id 0 is stored as NULL and hashed as "" */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT typeof(user_id)"
	    " FROM audit_log WHERE id IN (1, 3) ORDER BY id", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "null");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	    "integer");
	sqlite3_finalize(st);

	/* so NULL turned into 0 is a change */
	drop_triggers(db);
	exec_ok(db, "UPDATE audit_log SET user_id = 0 WHERE id = 2");
	assert_int_equal(verify(db, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "hash mismatch"));
	exec_ok(db, "UPDATE audit_log SET user_id = NULL WHERE id = 2");
	assert_int_equal(verify(db, NULL, 0), 0);
}

static void
bad_input_refused(void **state)
{
	sqlite3 *db = *state;
	struct audit_entry e = { .action = "login" };
	char big[AUDIT_OBJECT_ID_MAX + 2];
	static const char *const bad[] = {
		"tab\there", "line\nbreak", "cr\r", "bell\a", "del\x7f",
		"c1 \xc2\x85", "\xff", "overlong \xc0\xaf", "\xe0\x80\xaf",
		"surrogate \xed\xa0\x80", "past \xf4\x90\x80\x80", "cut \xc3",
		"cut \xe2\x82",
	};

	assert_int_equal(audit_append(db, NULL), -1);
	e.action = NULL;
	assert_int_equal(audit_append(db, &e), -1);
	e.action = "";
	assert_int_equal(audit_append(db, &e), -1);
	e.action = "login";
	e.user_id = -1;
	assert_int_equal(audit_append(db, &e), -1);
	e.user_id = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.username = bad[i];
		assert_int_equal(audit_append(db, &e), -1);
		e.username = NULL;
		e.summary = bad[i];
		assert_int_equal(audit_append(db, &e), -1);
		e.summary = NULL;
	}

	/* 200 bytes fit, 201 do not; summary 500 and 501 */
	memset(big, 'a', sizeof(big));
	big[200] = '\0';
	e.client = big;
	assert_int_equal(audit_append(db, &e), 0);
	big[200] = 'a';
	big[201] = '\0';
	assert_int_equal(audit_append(db, &e), -1);
	e.client = NULL;
	big[201] = 'a';
	/* object_id: a list page's id list, 1,200 bytes fit (one row more), 1,201 do not */
	big[AUDIT_OBJECT_ID_MAX] = '\0';
	e.object_id = big;
	assert_int_equal(audit_append(db, &e), 0);
	big[AUDIT_OBJECT_ID_MAX] = 'a';
	big[AUDIT_OBJECT_ID_MAX + 1] = '\0';
	assert_int_equal(audit_append(db, &e), -1);
	big[AUDIT_OBJECT_ID_MAX + 1] = 'a';
	e.object_id = NULL;
	big[500] = '\0';
	e.summary = big;
	assert_int_equal(audit_append(db, &e), 0);
	big[500] = 'a';
	big[501] = '\0';
	assert_int_equal(audit_append(db, &e), -1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(audit_append(db, &e), -1);

	/* non-ASCII text is fine */
	e.summary = "rooli käsittelijä → ylläpitäjä 𝄞";
	assert_int_equal(audit_append(db, &e), 0);

	/* a refusal leaves the caller's transaction usable */
	assert_int_equal(db_begin(db), 0);
	e.summary = "bad\n";
	assert_int_equal(audit_append(db, &e), -1);
	assert_int_equal(sqlite3_get_autocommit(db), 0);
	e.summary = "good";
	assert_int_equal(audit_append(db, &e), 0);
	assert_int_equal(db_commit(db), 0);

	assert_int_equal(count_rows(db), NROWS + 5);
	assert_int_equal(verify(db, NULL, 0), 0);
}

/* audit_list's callback: the rows' actions, comma-separated, into arg. */
static int
collect(void *arg, const struct audit_row *row)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s%s:%s", n ? "," : "", row->action,
	    row->object_id);
	return 0;
}

/* The rows about one customer: its own, and the lists that showed it, never a longer id holding its digits. */
static void
list_by_customer(void **state)
{
	sqlite3 *db = *state;
	static const struct { const char *action, *type, *id; } rows[] = {
		{ "customer.view", "customer", "7" },
		{ "customer.view", "customer", "77" },
		{ "customer.search", "customer", "3,7,12" },
		{ "customer.search", "customer", "17,70,707" },
		{ "labels.print", "customer", "7" },
		{ "request.view", "request", "7" },
		{ "customer.search", "customer", "" },
	};
	struct audit_filter f = { 0 };
	char out[1024] = "";
	int more;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct audit_entry e = { 0, "anja", "192.0.2.7", rows[i].action,
		    rows[i].type, rows[i].id, "" };

		assert_int_equal(audit_append(db, &e), 0);
	}
	f.customer = 7;
	assert_int_equal(audit_list(db, &f, 1, 50, collect, out, &more), 0);
	assert_string_equal(out, "labels.print:7,customer.search:3,7,12,"
	    "customer.view:7");
	assert_int_equal(more, 0);
	/* with an event too */
	out[0] = '\0';
	f.action = "customer.view";
	assert_int_equal(audit_list(db, &f, 1, 50, collect, out, &more), 0);
	assert_string_equal(out, "customer.view:7");
}

/* One event exactly; a group with ".*", the bare group word too. */
static void
list_by_event_and_group(void **state)
{
	sqlite3 *db = *state;
	static const char *const acts[] = { "login", "login.fail", "logout",
	    "loginx.other" };
	struct audit_filter f = { 0 };
	char out[1024] = "";
	int more;

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		struct audit_entry e = { 0, "anja", "192.0.2.7", acts[i],
		    "user", "1", "" };

		assert_int_equal(audit_append(db, &e), 0);
	}
	f.action = "login";
	assert_int_equal(audit_list(db, &f, 1, 50, collect, out, &more), 0);
	assert_string_equal(out, "login:1");
	out[0] = '\0';
	f.action = "login.*";
	assert_int_equal(audit_list(db, &f, 1, 50, collect, out, &more), 0);
	assert_string_equal(out, "login.fail:1,login:1");
	/* LIKE's wildcards are plain text here */
	out[0] = '\0';
	f.action = "log_n";
	assert_int_equal(audit_list(db, &f, 1, 50, collect, out, &more), 0);
	assert_string_equal(out, "");
}

/*
 * Every event the log records has a name for people in both languages,
 * and its group a name too; each event once, each group in one run (the
 * filter lists them in this order).
 */
static void
every_event_has_a_name(void **state)
{
	struct i18n *t = i18n_load("i18n", err, sizeof(err));
	char key[96], g[32], seen[64][32];
	size_t groups = 0;

	(void)state;
	if (t == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; audit_actions[i] != NULL; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(audit_actions[i], audit_actions[j]) == 0)
				fail_msg("%s twice", audit_actions[i]);
		assert_true(audit_action_known(audit_actions[i]));
		for (int l = 0; l < LANG__MAX; l++) {
			snprintf(key, sizeof(key), "event.%s", audit_actions[i]);
			if (i18n_get(t, (enum lang)l, key) == NULL)
				fail_msg("no %s in %s", key, lang_codes[l]);
			audit_action_group(audit_actions[i], g, sizeof(g));
			snprintf(key, sizeof(key), "event.group.%s", g);
			if (i18n_get(t, (enum lang)l, key) == NULL)
				fail_msg("no %s in %s", key, lang_codes[l]);
		}
		if (groups == 0 || strcmp(seen[groups - 1], g) != 0) {
			for (size_t j = 0; j < groups; j++)
				if (strcmp(seen[j], g) == 0)
					fail_msg("group %s is split", g);
			assert_true(groups < 64);
			snprintf(seen[groups++], sizeof(seen[0]), "%s", g);
		}
	}
	assert_false(audit_action_known("customer.nothing"));
	assert_false(audit_action_known("customer"));
	i18n_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_log),
		cmocka_unit_test_setup_teardown(append_and_verify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(triggers_refuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(canonical_form, setup, teardown),
		cmocka_unit_test_setup_teardown(edited_field_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(edited_with_new_hash_found,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_row_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(deleted_first_row_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(deleted_last_rows_need_the_head,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(forged_rows_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(swapped_summaries_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(null_and_zero_user_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(bad_input_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(list_by_customer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(list_by_event_and_group, setup,
		    teardown),
		cmocka_unit_test(every_event_has_a_name),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
