/*
 * test_intake.c — manual intake with a fixed clock: the day of receipt
 * staff type (not in the future, at most a year back, both in Helsinki;
 * the boundary days), the time of receipt the ticket states, and the
 * deadline counted from a back-dated day (GDPR Art. 12(3), EU Regulation
 * 1182/71); a registered request stored with its channel, the number of
 * the receipt's year, a ticket that verifies, its "registered" step, and
 * nothing stored when it is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "ticket.h"

static char dir[] = "/tmp/rekisteri-intake-XXXXXX";
static char dbpath[200], keydir[200];
static struct ticket_keys *keys;

/* A UTC time "YYYY-MM-DDTHH:MM:SSZ" as time_t. */
static time_t
at(const char *utc)
{
	struct tm t;

	memset(&t, 0, sizeof(t));
	assert_int_equal(sscanf(utc, "%d-%d-%dT%d:%d:%dZ", &t.tm_year, &t.tm_mon,
	    &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec), 6);
	t.tm_year -= 1900;
	t.tm_mon -= 1;
	return timegm(&t);
}

/* dsr_receipt of date at now: its result, *why and received. */
static int
receipt(const char *date, const char *now, char received[24],
    const char **why)
{
	return dsr_receipt(date, at(now), received, why);
}

/* The oldest day is a year back, the newest today, in Helsinki. */
static void
bounds(void **state)
{
	char oldest[11], today[11];

	(void)state;
	dsr_receipt_bounds(at("2026-12-02T10:00:00Z"), oldest, today);
	assert_string_equal(oldest, "2025-12-02");
	assert_string_equal(today, "2026-12-02");
	/* 00:30 in Helsinki is already the next day */
	dsr_receipt_bounds(at("2026-12-02T22:30:00Z"), oldest, today);
	assert_string_equal(today, "2026-12-03");
	assert_string_equal(oldest, "2025-12-03");
	/* a 29 February has no day a year back: the 28th */
	dsr_receipt_bounds(at("2028-02-29T12:00:00Z"), oldest, today);
	assert_string_equal(oldest, "2027-02-28");
}

static void
receipt_days(void **state)
{
	static const char *now = "2026-12-02T10:00:00Z";
	static const char *const bad[][2] = {
		{ "2026-12-03", "intake.err.future" },	/* tomorrow */
		{ "3.12.2026", "intake.err.future" },
		{ "2027-01-01", "intake.err.future" },
		{ "2025-12-01", "intake.err.too_old" },	/* a year and a day */
		{ "1.1.2020", "intake.err.too_old" },
		{ "2026-02-30", "intake.err.date" },	/* not a day */
		{ "2026-13-01", "intake.err.date" },
		{ "", "intake.err.date" },
		{ "yesterday", "intake.err.date" },
		{ "2026-12-02T10:00:00Z", "intake.err.date" },
		{ "2026-1-5", "intake.err.date" },
	};
	char received[24];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(receipt(bad[i][0], now, received, &why), 1);
		assert_string_equal(why, bad[i][1]);
		assert_string_equal(received, "");
	}
	assert_int_equal(dsr_receipt(NULL, at(now), received, &why), 1);
	assert_string_equal(why, "intake.err.date");
	/* today: the time of registration is the time of receipt */
	assert_int_equal(receipt("2026-12-02", now, received, &why), 0);
	assert_null(why);
	assert_string_equal(received, "2026-12-02T10:00:00Z");
	/* an earlier day: noon in Helsinki (UTC+2 in winter, +3 in summer) */
	assert_int_equal(receipt("2025-12-02", now, received, &why), 0);
	assert_string_equal(received, "2025-12-02T10:00:00Z");
	assert_int_equal(receipt("15.7.2026", now, received, &why), 0);
	assert_string_equal(received, "2026-07-15T09:00:00Z");
	/* just after midnight in Helsinki the new day is today, not the future */
	assert_int_equal(receipt("2026-12-03", "2026-12-02T22:30:00Z", received,
	    &why), 0);
	assert_string_equal(received, "2026-12-02T22:30:00Z");
}

/* GDPR Art. 12(3): one month from the day of receipt, counted as EU 1182/71 counts it. */
static void
backdated_deadline(void **state)
{
	static const char *const cases[][3] = {
		/* now, receipt, deadline */
		/* 28 February 2026 is a Saturday: the next working day */
		{ "2026-02-10T10:00:00Z", "2026-01-31", "2026-03-02" },
		{ "2028-03-01T10:00:00Z", "2028-01-31", "2028-02-29" },	/* leap */
		{ "2026-12-02T10:00:00Z", "2026-03-31", "2026-04-30" },
		/* received a year back to the day, long overdue already */
		{ "2026-12-02T10:00:00Z", "2025-12-02", "2026-01-02" },
	};
	char received[24], deadline[11], month[11];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(receipt(cases[i][1], cases[i][0], received,
		    &why), 0);
		assert_int_equal(fmt_deadline(received, deadline,
		    sizeof(deadline)), 0);
		assert_string_equal(deadline, cases[i][2]);
	}
	/* the month alone ends on the last day of February */
	assert_int_equal(fmt_add_month("2026-01-31", month, sizeof(month)), 0);
	assert_string_equal(month, "2026-02-28");
}

static void
fill(struct dsr_form *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < RF__MAX; i++)
		f->v[i] = xstrdup("");
	free(f->v[RF_NAME]);
	f->v[RF_NAME] = xstrdup("Kirje Kirjoittaja");
	free(f->v[RF_ADDRESS]);
	f->v[RF_ADDRESS] = xstrdup("Postitie 1, 00100 Helsinki");
	f->types = 1u << RT_ACCESS;
}

static long long
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A letter received on 31 January, registered on 10 February. */
static void
register_letter(void **state)
{
	struct dsr_form f;
	struct dsr_stored s;
	struct dsr r;
	struct ticket t;
	const char *why;
	char err[256];
	sqlite3 *db;

	(void)state;
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(dsr_prepare(db, NULL), 0);
	fill(&f);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO users (id, username,"
	    " display_name, role, password_hash) VALUES (7, 'h', 'H', 'handler',"
	    " 'x')", NULL, NULL, NULL), SQLITE_OK);
	/* refused: a day in the future; nothing is stored */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(dsr_register(db, keys, &f, DCH_LETTER, "2026-02-11",
	    at("2026-02-10T10:00:00Z"), LANG_FI, 0, 7, "", &s, &why), 1);
	assert_string_equal(why, "intake.err.future");
	assert_string_equal(s.number, "");
	assert_int_equal(dsr_register(db, keys, &f, DCH_LETTER, "2026-01-31",
	    at("2026-02-10T10:00:00Z"), LANG_FI, 0, 7, "two\nlines", &s, &why),
	    1);
	assert_string_equal(why, "request.err.note");
	/* the public form's channel is not staff's to register */
	assert_int_equal(dsr_register(db, keys, &f, DCH_FORM, "2026-01-31",
	    at("2026-02-10T10:00:00Z"), LANG_FI, 0, 7, "", &s, &why), -1);
	db_rollback(db);
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM request_steps"), 0);
	/* stored: the deadline from the day of receipt, the number of its year */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(dsr_register(db, keys, &f, DCH_LETTER, "31.1.2026",
	    at("2026-02-10T10:00:00Z"), LANG_EN, 0, 7, "sent to the office",
	    &s, &why), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(s.id > 0);
	assert_string_equal(s.number, "TS-2026-000001");
	assert_string_equal(s.received, "2026-01-31T10:00:00Z");
	assert_string_equal(s.deadline, "2026-03-02");
	assert_string_equal(s.confirm, "");	/* no email, nothing to confirm */
	assert_int_equal(dsr_get(db, s.id, &r), 0);
	assert_string_equal(r.channel, "letter");
	assert_string_equal(r.deadline, "2026-03-02");
	assert_string_equal(r.status, "received");
	assert_string_equal(r.mail_state, "none");
	assert_string_equal(r.email_confirmed_at, "");
	assert_int_equal(r.lang, LANG_EN);
	/* the same signed ticket as the form's: it verifies */
	memset(&t, 0, sizeof(t));
	assert_int_equal(ticket_verify(keys, r.code, &t, &why), 0);
	assert_string_equal(t.number, "TS-2026-000001");
	assert_string_equal(t.received, "2026-01-31T10:00:00Z");
	assert_string_equal(t.name, "Kirje Kirjoittaja");
	ticket_free(&t);
	dsr_free(&r);
	assert_int_equal(count(db, "SELECT count(*) FROM request_steps WHERE"
	    " action = 'registered' AND user_id = 7 AND note ="
	    " 'letter: sent to the office'"), 1);
	/* a phone call received last December takes a number of that year */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(dsr_register(db, keys, &f, DCH_PHONE, "2025-12-30",
	    at("2026-02-10T10:00:00Z"), LANG_FI, 0, 7, NULL, &s, &why), 0);
	assert_int_equal(db_commit(db), 0);
	assert_string_equal(s.number, "TS-2025-000001");
	assert_string_equal(s.deadline, "2026-01-30");
	assert_int_equal(count(db, "SELECT count(*) FROM request_steps WHERE"
	    " action = 'registered' AND note = 'phone'"), 1);
	/* no rate limit: nothing counted against an address */
	assert_int_equal(count(db, "SELECT count(*) FROM request_rate"), 0);
	/* the channel's CHECK (sql/014_intake.sql): each of the five, nothing else */
	assert_int_equal(sqlite3_exec(db, "UPDATE requests SET channel ="
	    " 'in_person' WHERE number = 'TS-2025-000001'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE requests SET channel = 'fax'"
	    " WHERE number = 'TS-2025-000001'", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(sqlite3_exec(db, "UPDATE requests SET channel = ''"
	    " WHERE number = 'TS-2025-000001'", NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_CHECK);
	dsr_form_free(&f);
	dsr_finalize();
	db_close(db);
}

static int
setup(void **state)
{
	char err[512], id[17];
	sqlite3 *db;

	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	fmt_init();
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	db_close(db);
	if (ticket_keygen(keydir, 0, id, err, sizeof(err)) != 0 ||
	    (keys = ticket_keys_load(keydir, 1, err, sizeof(err))) == NULL) {
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
	ticket_keys_free(keys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounds),
		cmocka_unit_test(receipt_days),
		cmocka_unit_test(backdated_deadline),
		cmocka_unit_test(register_letter),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
