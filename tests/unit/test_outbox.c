/*
 * test_outbox.c — the mail outbox with a fixed clock: the back-off
 * schedule (5 min, 15 min, 1 h, 4 h, then 12 h), the last attempt at the
 * give-up time and the failure for good after it (address and body
 * emptied, still listed), a message delivered on a retry, a refused value
 * queues nothing, a put rolled back with its transaction leaves nothing,
 * and without sendmail the attempt is recorded, not lost; a sendmail that
 * exits without reading the message fails the attempt and leaves the
 * caller running (SIGPIPE at its default action, as in the CLI).
 */
#include <signal.h>
#include <sys/stat.h>

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

#include "db.h"
#include "fmt.h"
#include "mail.h"
#include "outbox.h"

static char dir[] = "/tmp/rekisteri-outbox-XXXXXX";
static char dbpath[200], ok_mail[200], bad_mail[200], box[200];
static sqlite3 *db;

/* 2026-12-01T10:00:00Z */
#define T0	((time_t)1796119200)
#define MIN	60
#define HOUR	3600
#define DAY	86400

static void
script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
}

static long long
num(const char *q)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Column 0 of the one row of q as text into out. */
static void
text(const char *q, char *out, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", sqlite3_column_type(st, 0) == SQLITE_NULL ?
	    "NULL" : (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void
iso(time_t t, char out[24])
{
	struct tm tm;

	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
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
	snprintf(ok_mail, sizeof(ok_mail), "%s/sendmail-ok", dir);
	snprintf(bad_mail, sizeof(bad_mail), "%s/sendmail-bad", dir);
	snprintf(box, sizeof(box), "%s/box", dir);
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	{
		char s[400];

		snprintf(s, sizeof(s), "#!/bin/sh\ncat >>'%s'\nexit 0\n", box);
		script(ok_mail, s);
		script(bad_mail, "#!/bin/sh\ncat >/dev/null\nexit 75\n");
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
clean(void **state)
{
	(void)state;
	if (sqlite3_exec(db, "DELETE FROM outbox", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* 5 min, 15 min, 1 h, 4 h, then every 12 h; never past the give-up time. */
static void
backoff_schedule(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff(1), 5 * MIN);
	assert_int_equal(outbox_backoff(2), 15 * MIN);
	assert_int_equal(outbox_backoff(3), HOUR);
	assert_int_equal(outbox_backoff(4), 4 * HOUR);
	assert_int_equal(outbox_backoff(5), 12 * HOUR);
	assert_int_equal(outbox_backoff(9), 12 * HOUR);
	assert_int_equal(outbox_next_try(T0, 1, T0, 3), T0 + 5 * MIN);
	assert_int_equal(outbox_next_try(T0, 3, T0 + HOUR, 3), T0 + 2 * HOUR);
	/* the last retry is at the give-up time itself */
	assert_int_equal(outbox_next_try(T0, 8, T0 + 3 * DAY - HOUR, 3),
	    T0 + 3 * DAY);
	/* one second before it still retries; at it, given up */
	assert_int_equal(outbox_next_try(T0, 9, T0 + 3 * DAY - 1, 3),
	    T0 + 3 * DAY);
	assert_int_equal(outbox_next_try(T0, 9, T0 + 3 * DAY, 3), 0);
}

/* A failing sendmail: each attempt recorded and due again by the schedule, then failed for good, still listed. */
static int
count_problem(void *arg, const struct outbox_item *it)
{
	int *n = arg;

	assert_string_equal(it->ref_kind, "request.confirm");
	assert_int_equal(it->ref_id, 42);
	assert_string_equal(it->number, "");	/* no such request */
	(*n)++;
	return 0;
}

static void
retries_then_gives_up(void **state)
{
	struct outbox_stats s;
	long long id;
	char t[32], want[24];
	static const long after[] = { 5 * MIN, 15 * MIN, HOUR, 4 * HOUR,
	    12 * HOUR, 12 * HOUR };
	time_t now = T0;
	int listed = 0;

	(void)state;
	assert_int_equal(outbox_queue(db, "hakija@example.fi", "Vahvistus",
	    "Rivi yksi\nRivi kaksi\n", "request.confirm", 42, T0, 0, &id), 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(outbox_run(db, bad_mail, "rekisteri@example.fi",
		    now, 3, &s), 0);
		assert_int_equal(s.retry, 1);
		assert_int_equal(s.sent + s.gave_up, 0);
		assert_int_equal(num("SELECT attempts FROM outbox"), i + 1);
		text("SELECT last_error FROM outbox", t, sizeof(t));
		assert_string_equal(t, "sendmail");
		iso(now + after[i], want);
		text("SELECT next_try FROM outbox", t, sizeof(t));
		assert_string_equal(t, want);
		/* a second before it is due: nothing is tried */
		assert_int_equal(outbox_run(db, bad_mail, "rekisteri@example.fi",
		    now + after[i] - 1, 3, &s), 0);
		assert_int_equal(s.retry + s.sent + s.gave_up, 0);
		now += after[i];
	}
	assert_int_equal(outbox_problems(db, count_problem, &listed), 0);
	assert_int_equal(listed, 1);
	/* the runs go on every 12 h; the last is at T0 + 3 days exactly */
	while (now < T0 + 3 * DAY) {
		assert_int_equal(outbox_run(db, bad_mail, "rekisteri@example.fi",
		    now, 3, &s), 0);
		text("SELECT next_try FROM outbox", t, sizeof(t));
		now = T0 + 3 * DAY;
		iso(now, want);
		if (strcmp(t, want) != 0)
			fmt_parse_utc(t, &now);
	}
	assert_int_equal(outbox_run(db, bad_mail, "rekisteri@example.fi", now, 3,
	    &s), 0);
	assert_int_equal(s.gave_up, 1);
	text("SELECT state FROM outbox", t, sizeof(t));
	assert_string_equal(t, "failed");
	text("SELECT to_addr || body FROM outbox", t, sizeof(t));
	assert_string_equal(t, "");
	text("SELECT coalesce(next_try, 'NULL') FROM outbox", t, sizeof(t));
	assert_string_equal(t, "NULL");
	/* failed for good is never tried again, and still listed */
	assert_int_equal(outbox_run(db, ok_mail, "rekisteri@example.fi",
	    now + 30 * DAY, 3, &s), 0);
	assert_int_equal(s.sent + s.retry + s.gave_up, 0);
	listed = 0;
	assert_int_equal(outbox_problems(db, count_problem, &listed), 0);
	assert_int_equal(listed, 1);
	assert_int_equal(outbox_state(db, id, t), 0);
	assert_string_equal(t, "failed");
}

/* The first try failed outside the outbox; a retry with a working sendmail delivers it, emptied after. */
static void
delivered_on_retry(void **state)
{
	struct outbox_stats s;
	long long id;
	char t[32], want[24], *mail;
	size_t len;
	FILE *f;

	(void)state;
	remove(box);
	assert_int_equal(outbox_queue(db, "hakija@example.fi", "Vahvistus",
	    "Linkki\n", "request.confirm", 7, T0, 1, &id), 0);
	assert_int_equal(num("SELECT attempts FROM outbox"), 1);
	iso(T0 + 5 * MIN, want);
	text("SELECT next_try FROM outbox", t, sizeof(t));
	assert_string_equal(t, want);
	assert_int_equal(outbox_run(db, ok_mail, "rekisteri@example.fi",
	    T0 + 4 * MIN, 3, &s), 0);
	assert_int_equal(s.sent, 0);
	assert_int_equal(outbox_run(db, ok_mail, "rekisteri@example.fi",
	    T0 + 5 * MIN, 3, &s), 0);
	assert_int_equal(s.sent, 1);
	assert_int_equal(outbox_state(db, id, t), 0);
	assert_string_equal(t, "sent");
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE sent_at IS NOT"
	    " NULL AND to_addr = '' AND body = '' AND attempts = 2"), 1);
	f = fopen(box, "r");
	assert_non_null(f);
	mail = calloc(1, 8192);
	len = fread(mail, 1, 8191, f);
	fclose(f);
	assert_true(len > 0);
	assert_non_null(strstr(mail, "To: hakija@example.fi\n"));
	assert_non_null(strstr(mail, "Subject: Vahvistus\n"));
	assert_non_null(strstr(mail, "\n\nLinkki\n"));
	free(mail);
	assert_int_equal(outbox_state(db, id + 1000, t), 1);
}

/* What mail would refuse is refused at once, and a put rolled back with its transaction is gone. */
static void
refused_and_rolled_back(void **state)
{
	long long id = 0;

	(void)state;
	assert_int_equal(outbox_put(db, "x@example.fi\nBcc: y@example.org",
	    "S", "B\n", "digest", 0, &id), 1);
	assert_int_equal(outbox_put(db, "x@example.fi", "S\nBcc: y@example.org",
	    "B\n", "digest", 0, &id), 1);
	assert_int_equal(outbox_put(db, "x@example.fi", "S", "B\n",
	    "a-kind-name-that-is-longer-than-forty-bytes", 0, &id), 1);
	assert_int_equal(num("SELECT count(*) FROM outbox"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(outbox_put(db, "x@example.fi", "S", "B\n", "digest", 0,
	    &id), 0);
	assert_true(id > 0);
	db_rollback(db);
	assert_int_equal(num("SELECT count(*) FROM outbox"), 0);
	assert_int_equal(outbox_put(db, "x@example.fi", "S", "B\n", "digest", 0,
	    &id), 0);
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND attempts = 0 AND next_try = created"), 1);
}

/* No sendmail: the attempt is recorded and retried, not lost; a bad From: fails for good at once. */
static void
no_sendmail_and_bad_from(void **state)
{
	struct outbox_stats s;
	char t[32];

	(void)state;
	assert_int_equal(outbox_queue(db, "x@example.fi", "S", "B\n", "digest", 0,
	    T0, 0, NULL), 0);
	assert_int_equal(outbox_run(db, NULL, "rekisteri@example.fi", T0, 3, &s),
	    0);
	assert_int_equal(s.retry, 1);
	text("SELECT last_error || ' ' || state FROM outbox", t, sizeof(t));
	assert_string_equal(t, "no_sendmail pending");
	assert_int_equal(outbox_run(db, ok_mail, "not an address", T0 + HOUR, 3,
	    &s), 0);
	assert_int_equal(s.gave_up, 1);
	text("SELECT last_error || ' ' || state FROM outbox", t, sizeof(t));
	assert_string_equal(t, "format failed");
}

/* A sendmail that reads nothing and exits: a failed attempt, not a SIGPIPE death (CI, 2022dc2: `mail run` exit 141). */
static void
sendmail_reads_nothing(void **state)
{
	struct mail m = { "rekisteri@example.fi", "x@example.fi", "S", NULL };
	size_t n = 1 << 20;	/* far more than a pipe holds */
	char *body = malloc(n + 1);

	(void)state;
	assert_non_null(body);
	memset(body, 'a', n);
	for (size_t i = 70; i < n; i += 71)
		body[i] = '\n';
	body[n - 1] = '\n';
	body[n] = '\0';
	m.body = body;
	assert_ptr_equal(signal(SIGPIPE, SIG_DFL), SIG_DFL);
	assert_int_equal(mail_send("/bin/false", &m), -1);
	/* still here, and the caller's action is as it was */
	assert_ptr_equal(signal(SIGPIPE, SIG_DFL), SIG_DFL);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_schedule),
		cmocka_unit_test_setup(retries_then_gives_up, clean),
		cmocka_unit_test_setup(delivered_on_retry, clean),
		cmocka_unit_test_setup(refused_and_rolled_back, clean),
		cmocka_unit_test_setup(no_sendmail_and_bad_from, clean),
		cmocka_unit_test(sendmail_reads_nothing),
	};

	return cmocka_run_group_tests_name("outbox", tests, setup, teardown);
}
