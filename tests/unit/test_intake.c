/*
 * test_intake.c — the intake health alarm with a fixed clock (Helsinki
 * days): idle on day 8 and not on day 7 (idle_days 7), only without any
 * step; a deadline 3 days away is reported, 4 days is not, a past one is
 * overdue, a closed request never; failed mail is a finding; the lines and
 * the daily summary say it without personal data.
 */
#include <limits.h>
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

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"

static char dir[] = "/tmp/rekisteri-intake-XXXXXX";
static char dbpath[200];
static sqlite3 *db;
static struct i18n *msgs;

/* 2026-12-02T10:00:00Z: 12.00 on Wednesday 2.12.2026 in Helsinki */
#define NOW	((time_t)1796205600)
#define DAY	86400

static void
exec(const char *q)
{
	char *err = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err);
}

/* A request row as the form would store it (personal data included). */
static long long
request(int n, const char *received, const char *deadline, const char *status)
{
	sqlite3_stmt *st;
	char number[24], form[40];

	snprintf(number, sizeof(number), "TS-2026-%06d", n);
	snprintf(form, sizeof(form), "form%d", n);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO requests (number,"
	    " received, deadline, types, lang, name, email, text_sha256, key_id,"
	    " code, form_id, token_hash, status, closed_at) VALUES (?1, ?2, ?3,"
	    " 1, 'fi', 'Salainen Henkilö', 'salainen@example.fi', 'x', 'k', 'c',"
	    " ?4, randomblob(32), ?5, CASE WHEN ?5 IN ('received',"
	    " 'in_progress') THEN NULL ELSE ?2 END)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, form, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db);
}

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	fmt_init();
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0 ||
	    (msgs = i18n_load("i18n", err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	i18n_free(msgs);
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
clean(void **state)
{
	(void)state;
	return sqlite3_exec(db, "DELETE FROM outbox; DELETE FROM request_steps;"
	    " DELETE FROM requests", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Days count in Helsinki: 23.11. 22.30 UTC is already 24.11. there. */
static void
days_and_boundaries(void **state)
{
	(void)state;
	assert_int_equal(intake_days_since("2026-11-25T10:00:00Z", NOW), 7);
	assert_int_equal(intake_days_since("2026-11-24T10:00:00Z", NOW), 8);
	assert_int_equal(intake_days_since("2026-11-24T21:59:59Z", NOW), 8);
	assert_int_equal(intake_days_since("2026-11-24T22:00:00Z", NOW), 7);
	assert_int_equal(intake_days_since("not a time", NOW), -1);
	/* GDPR Art. 12(3) idle alarm: day 7 is not yet, day 8 is */
	assert_false(intake_is_idle("2026-11-25T10:00:00Z", NOW, 7));
	assert_true(intake_is_idle("2026-11-24T10:00:00Z", NOW, 7));
	assert_false(intake_is_idle("2026-11-24T10:00:00Z", NOW, 8));
	assert_int_equal(intake_days_left("2026-12-02", NOW), 0);
	assert_int_equal(intake_days_left("2026-12-05", NOW), 3);
	assert_int_equal(intake_days_left("2026-12-06", NOW), 4);
	assert_int_equal(intake_days_left("2026-12-01", NOW), -1);
	assert_int_equal(intake_days_left("2026-02-30", NOW), INT_MIN);
	/* Helsinki's day turns at 22.00 UTC in winter */
	assert_int_equal(intake_days_left("2026-12-05", NOW + 12 * 3600 - 1), 3);
	assert_int_equal(intake_days_left("2026-12-05", NOW + 12 * 3600), 2);
}

struct seen {
	int	 n[INTAKE__MAX];
	char	 numbers[512];
	struct buf lines;
};

static int
collect(void *arg, const struct intake_finding *f)
{
	struct seen *s = arg;

	s->n[f->what]++;
	if (f->what != INTAKE_MAIL) {
		strncat(s->numbers, f->number, sizeof(s->numbers) -
		    strlen(s->numbers) - 2);
		strcat(s->numbers, " ");
	}
	intake_line(msgs, LANG_EN, f, 7, &s->lines);
	buf_addc(&s->lines, '\n');
	return 0;
}

/* Which requests and which mail are findings at NOW. */
static void
findings(void **state)
{
	struct seen s;
	long long acted, mailed;

	(void)state;
	memset(&s, 0, sizeof(s));
	/* all well: nothing to say */
	request(1, "2026-11-25T10:00:00Z", "2026-12-28", "received");
	assert_int_equal(intake_check(db, NOW, 7, collect, &s), 0);
	/* day 8 without a step: idle; with one: not */
	request(2, "2026-11-24T10:00:00Z", "2026-12-24", "received");
	acted = request(3, "2026-11-24T10:00:00Z", "2026-12-24", "in_progress");
	{
		char q[200];

		snprintf(q, sizeof(q), "INSERT INTO request_steps (request_id,"
		    " action) VALUES (%lld, 'in_progress')", acted);
		exec(q);
	}
	/* deadlines: 3 days away yes, 4 no, yesterday overdue, closed never */
	request(4, "2026-11-05T10:00:00Z", "2026-12-05", "in_progress");
	request(5, "2026-11-06T10:00:00Z", "2026-12-06", "in_progress");
	request(6, "2026-10-30T10:00:00Z", "2026-12-01", "in_progress");
	request(7, "2026-10-30T10:00:00Z", "2026-12-01", "answered");
	mailed = request(8, "2026-11-30T10:00:00Z", "2026-12-30", "received");
	assert_int_equal(outbox_queue(db, "salainen@example.fi", "Vahvistus",
	    "Linkki\n", "request.confirm", mailed, NOW - 3600, 1, NULL), 0);
	exec("UPDATE requests SET identity_at = '2026-11-10T10:00:00Z' WHERE"
	    " number IN ('TS-2026-000004', 'TS-2026-000005', 'TS-2026-000006')");
	assert_int_equal(intake_check(db, NOW, 7, collect, &s), 4);
	assert_int_equal(s.n[INTAKE_IDLE], 1);
	assert_int_equal(s.n[INTAKE_DUE_SOON], 1);
	assert_int_equal(s.n[INTAKE_OVERDUE], 1);
	assert_int_equal(s.n[INTAKE_MAIL], 1);
	assert_string_equal(s.numbers,
	    "TS-2026-000006 TS-2026-000004 TS-2026-000002 ");
	assert_non_null(strstr(s.lines.data, "TS-2026-000002: received 24 "
	    "November 2026 at 12:00, no step since (days: 8, the limit is 7)\n"));
	assert_non_null(strstr(s.lines.data, "TS-2026-000004: deadline 5 "
	    "December 2026 is near (days left: 3), state "));
	assert_non_null(strstr(s.lines.data, "TS-2026-000006: deadline 1 "
	    "December 2026 has passed (days late: 1)"));
	assert_non_null(strstr(s.lines.data, "(Confirmation to the requester "
	    "TS-2026-000008): not delivered (attempts: 1), next try 2 December "
	    "2026 at 11:05"));
	assert_null(strstr(s.lines.data, "Salainen"));
	assert_null(strstr(s.lines.data, "salainen@"));
	buf_free(&s.lines);
}

/* The daily summary: counts, open requests by deadline, findings; no personal data. */
static void
digest(void **state)
{
	struct buf subj = BUF_INIT, body = BUF_INIT;

	(void)state;
	request(1, "2026-11-25T10:00:00Z", "2026-12-28", "received");
	request(2, "2026-10-30T10:00:00Z", "2026-12-01", "in_progress");
	request(3, "2026-10-30T10:00:00Z", "2026-12-01", "refused");
	assert_int_equal(intake_digest(db, msgs, LANG_FI, NOW, 7, &subj, &body),
	    0);
	assert_string_equal(subj.data,
	    "Rekisterin päivän yhteenveto 2.12.2026: huomautettavaa (2)");
	assert_non_null(strstr(body.data, "Tietosuojapyyntöjen tilanne "
	    "2.12.2026."));
	assert_non_null(strstr(body.data, "  TS-2026-000002  1.12.2026  "));
	assert_non_null(strstr(body.data, "MYÖHÄSSÄ\n  TS-2026-000001  "
	    "28.12.2026  "));
	assert_null(strstr(body.data, "TS-2026-000003"));	/* closed */
	assert_non_null(strstr(body.data, "  - TS-2026-000002: määräpäivä "
	    "1.12.2026 on ohitettu (päiviä myöhässä 1)"));
	assert_null(strstr(body.data, "Salainen"));
	buf_reset(&subj);
	buf_reset(&body);
	exec("DELETE FROM requests WHERE number = 'TS-2026-000002'");
	assert_int_equal(intake_digest(db, msgs, LANG_EN, NOW, 7, &subj, &body),
	    0);
	assert_string_equal(subj.data,
	    "The register's daily summary 2 December 2026");
	assert_non_null(strstr(body.data, "Needs attention"));
	assert_non_null(strstr(body.data, "\n  nothing\n"));
	buf_free(&subj);
	buf_free(&body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days_and_boundaries),
		cmocka_unit_test_setup(findings, clean),
		cmocka_unit_test_setup(digest, clean),
	};

	return cmocka_run_group_tests_name("intake", tests, setup, teardown);
}
