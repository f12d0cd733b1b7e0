/*
 * test_holds.c — the legal holds on erasure (holds.h) with a fixed clock:
 * the Accounting Act 1336/1997 2:10 § 2 mom. voucher retention (six years
 * from the end of the calendar year in which the financial year ended) the
 * day before, on and after its last day, with a calendar and a
 * non-calendar financial year, leap days; contact_to yesterday, today and
 * tomorrow; open and in-collection invoices, legal holds set and lifted,
 * a pending restriction; the verdicts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "fmt.h"
#include "holds.h"

static char err[1024];

static void
exec(sqlite3 *db, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg ? msg : "?");
}

static int
setup(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	fmt_init();
	if (db == NULL || db_migrate(db, "sql", NULL, err, sizeof(err)) < 0)
		return -1;
	exec(db, "INSERT INTO users (id, username, display_name, role,"
	    " password_hash) VALUES (1, 'admin', 'Admin', 'admin', 'x')");
	/* 1: a plain customer; 2: a contact person; 3: restricted */
	exec(db, "INSERT INTO customers (id, number, last_name) VALUES"
	    " (1, 'A000001', 'Virtanen'), (2, 'A000002', 'Korhonen'),"
	    " (3, 'A000003', 'Nieminen')");
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

/* The last day a voucher dated date is kept, with financial year end mmdd. */
static const char *
until_of(sqlite3 *db, const char *date, const char *mmdd)
{
	static char until[11];
	struct holds_conf c;

	assert_int_equal(holds_conf_parse(mmdd, &c), 0);
	assert_int_equal(holds_voucher_until(db, date, &c, until), 0);
	return until;
}

static void
conf_parse(void **state)
{
	static const char *const bad[] = { "02-29", "13-01", "00-10", "04-31",
	    "12-00", "1231", "12-3a", "12/31", "", "-1-31", "12-311", "1--31" };
	struct holds_conf c = { 12, 31 };

	(void)state;
	assert_int_equal(holds_conf_parse("06-30", &c), 0);
	assert_int_equal(c.fy_end_month, 6);
	assert_int_equal(c.fy_end_day, 30);
	assert_int_equal(holds_conf_parse("02-28", &c), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(holds_conf_parse(bad[i], &c), -1);
		assert_int_equal(c.fy_end_month, 2);	/* unchanged */
	}
	assert_int_equal(holds_conf_parse(NULL, &c), -1);
}

/* 2:10 § 2 mom. with a calendar financial year: 2020's vouchers until 31.12.2026. */
static void
voucher_calendar_year(void **state)
{
	sqlite3 *db = *state;
	char until[11];

	assert_string_equal(until_of(db, "2020-01-01", "12-31"), "2026-12-31");
	assert_string_equal(until_of(db, "2020-12-31", "12-31"), "2026-12-31");
	assert_string_equal(until_of(db, "2021-01-01", "12-31"), "2027-12-31");
	/* NULL conf: the calendar year */
	assert_int_equal(holds_voucher_until(db, "2020-06-01", NULL, until), 0);
	assert_string_equal(until, "2026-12-31");
	assert_int_equal(holds_voucher_until(db, "2020-02-30", NULL, until), -1);
	assert_string_equal(until, "");
	assert_int_equal(holds_voucher_until(db, "junk", NULL, until), -1);
}

/*
 * A financial year ending 30.4.: the one ending 30.4.2017 keeps its
 * vouchers until 31.12.2023 (the calendar year it ended in, + 6), the
 * Helsinki Chamber of Commerce's example; a voucher of 1.5.2017 is in the
 * next financial year, which ends in 2018.
 */
static void
voucher_non_calendar_year(void **state)
{
	sqlite3 *db = *state;

	assert_string_equal(until_of(db, "2016-05-01", "04-30"), "2023-12-31");
	assert_string_equal(until_of(db, "2017-04-29", "04-30"), "2023-12-31");
	assert_string_equal(until_of(db, "2017-04-30", "04-30"), "2023-12-31");
	assert_string_equal(until_of(db, "2017-05-01", "04-30"), "2024-12-31");
	/* a mid-month end (15.6.) */
	assert_string_equal(until_of(db, "2020-06-15", "06-15"), "2026-12-31");
	assert_string_equal(until_of(db, "2020-06-16", "06-15"), "2027-12-31");
	/* a year ending 30.9.: a December voucher's year ends next September */
	assert_string_equal(until_of(db, "2020-12-31", "09-30"), "2027-12-31");
}

/* A financial year ending with February: in a leap year on the 29th. */
static void
voucher_leap_days(void **state)
{
	sqlite3 *db = *state;

	assert_string_equal(until_of(db, "2024-02-28", "02-28"), "2030-12-31");
	assert_string_equal(until_of(db, "2024-02-29", "02-28"), "2030-12-31");
	assert_string_equal(until_of(db, "2023-03-01", "02-28"), "2030-12-31");
	assert_string_equal(until_of(db, "2024-03-01", "02-28"), "2031-12-31");
	assert_string_equal(until_of(db, "2023-02-28", "02-28"), "2029-12-31");
	/* a leap-day voucher in a calendar year */
	assert_string_equal(until_of(db, "2024-02-29", "12-31"), "2030-12-31");
}

static void
compute(sqlite3 *db, long long id, const char *today, struct holds *h)
{
	assert_int_equal(holds_compute(db, id, today, NULL, h), 0);
}

/* Paid on 5.1.2021 for an order of 20.12.2020: the payment is the newest voucher. */
static void
accounting_boundary(void **state)
{
	sqlite3 *db = *state;
	struct holds_conf fy = { 4, 30 };
	struct holds h;

	exec(db, "DELETE FROM orders");
	compute(db, 1, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_ERASE);	/* no orders, nothing holds */
	assert_int_equal(h.n, 0);
	exec(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) VALUES"
	    " (1, '1001', '2019-05-02', 1000, 'paid', '2019-05-20'),"
	    " (1, '1002', '2020-12-20', 2500, 'paid', '2021-01-05')");
	compute(db, 1, "2027-12-30", &h);
	assert_int_equal(h.verdict, VERDICT_ANONYMISE);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].reason, HOLD_ACCOUNTING);
	assert_string_equal(h.h[0].until, "2027-12-31");
	assert_string_equal(h.h[0].ref, "1002");
	compute(db, 1, "2027-12-31", &h);	/* its last day */
	assert_int_equal(h.verdict, VERDICT_ANONYMISE);
	assert_string_equal(h.h[0].until, "2027-12-31");
	compute(db, 1, "2028-01-01", &h);
	assert_int_equal(h.verdict, VERDICT_ERASE);
	assert_int_equal(h.n, 0);
	/* the financial year 1.5.2020-30.4.2021 ended in 2021: the same day */
	assert_int_equal(holds_compute(db, 1, "2027-12-31", &fy, &h), 0);
	assert_int_equal(h.verdict, VERDICT_ANONYMISE);
	assert_string_equal(h.h[0].until, "2027-12-31");
	assert_int_equal(holds_compute(db, 1, "2028-01-01", &fy, &h), 0);
	assert_int_equal(h.verdict, VERDICT_ERASE);
	/* a year ending 31.3.: 5.1.2021 is in the year ending 31.3.2021 */
	fy.fy_end_month = 3;
	fy.fy_end_day = 31;
	assert_int_equal(holds_compute(db, 1, "2027-12-31", &fy, &h), 0);
	assert_string_equal(h.h[0].until, "2027-12-31");
	/* ... but a payment of 1.4.2021 is in the next one, still ending 2022 */
	exec(db, "UPDATE orders SET status_on = '2021-04-01' WHERE number = '1002'");
	assert_int_equal(holds_compute(db, 1, "2028-01-01", &fy, &h), 0);
	assert_int_equal(h.verdict, VERDICT_ANONYMISE);
	assert_string_equal(h.h[0].until, "2028-12-31");
	exec(db, "DELETE FROM orders");
}

/* Open and in-collection invoices refuse, each named, with the accounting hold too. */
static void
open_invoices_refuse(void **state)
{
	sqlite3 *db = *state;
	struct holds h;

	exec(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) VALUES"
	    " (1, '2001', '2026-10-01', 1000, 'collection', '2026-11-15'),"
	    " (1, '2002', '2026-11-01', 1000, 'open', '2026-11-01'),"
	    " (1, '2003', '2026-09-01', 1000, 'written_off', '2026-11-20')");
	compute(db, 1, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.h[0].reason, HOLD_OPEN_INVOICE);
	assert_string_equal(h.h[0].ref, "2002");
	assert_string_equal(h.h[0].until, "");
	assert_int_equal(h.h[1].reason, HOLD_COLLECTION);
	assert_string_equal(h.h[1].ref, "2001");
	assert_int_equal(h.h[2].reason, HOLD_ACCOUNTING);
	assert_string_equal(h.h[2].until, "2032-12-31");
	assert_string_equal(h.h[2].ref, "2003");	/* the write-off of 20.11. */
	/* paid and written off: only accounting is left */
	exec(db, "UPDATE orders SET status = 'paid', status_on = '2026-12-01'"
	    " WHERE status = 'open' OR status = 'collection'");
	compute(db, 1, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_ANONYMISE);
	assert_int_equal(h.n, 1);
	exec(db, "DELETE FROM orders");
}

/* More holds than HOLDS_MAX: the first are listed, the rest counted, still a refusal. */
static void
many_holds(void **state)
{
	sqlite3 *db = *state;
	struct holds h;

	exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM"
	    " n WHERE i < 40) INSERT INTO orders (customer_id, number,"
	    " ordered_on, amount_cents, status, status_on) SELECT 1,"
	    " 'M' || i, '2026-01-01', 100, 'open', '2026-01-01' FROM n");
	compute(db, 1, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, HOLDS_MAX);
	assert_int_equal(h.omitted, 41 - HOLDS_MAX);	/* 40 open + accounting */
	exec(db, "DELETE FROM orders");
}

/* contact_to yesterday, today, tomorrow: the role holds while its end is after today. */
static void
contact_person(void **state)
{
	sqlite3 *db = *state;
	struct holds h;

	exec(db, "UPDATE customers SET contact_person = 1, contact_to = ''"
	    " WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].reason, HOLD_CONTACT_PERSON);
	assert_string_equal(h.h[0].until, "");
	exec(db, "UPDATE customers SET contact_to = '2026-12-03' WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);	/* ends tomorrow */
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_string_equal(h.h[0].until, "2026-12-02");	/* today is its last day */
	exec(db, "UPDATE customers SET contact_to = '2026-12-02' WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);	/* ended today */
	assert_int_equal(h.verdict, VERDICT_ERASE);
	assert_int_equal(h.n, 0);
	exec(db, "UPDATE customers SET contact_to = '2026-12-01' WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);	/* ended yesterday */
	assert_int_equal(h.verdict, VERDICT_ERASE);
	/* a leap day: ending 1.3.2028, the last day held is 29.2. */
	exec(db, "UPDATE customers SET contact_to = '2028-03-01' WHERE id = 2");
	compute(db, 2, "2028-02-29", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_string_equal(h.h[0].until, "2028-02-29");
	compute(db, 2, "2028-03-01", &h);
	assert_int_equal(h.verdict, VERDICT_ERASE);
	/* an end that is not a date cannot end the role: it holds */
	exec(db, "UPDATE customers SET contact_to = 'soon' WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_string_equal(h.h[0].until, "");
	/* not a contact person: the date alone holds nothing */
	exec(db, "UPDATE customers SET contact_person = 0, contact_to = ''"
	    " WHERE id = 2");
	compute(db, 2, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_ERASE);
}

/* A legal hold refuses until lifted; set once, lifted once, with reasons. */
static void
legal_hold(void **state)
{
	sqlite3 *db = *state;
	struct holds h;
	long long hid = 0;
	char ref[32];

	assert_int_equal(legal_hold_set(db, 1, "", 1, "2026-12-02T10:00:00Z",
	    &hid), 1);
	assert_int_equal(legal_hold_set(db, 1, "a\nb", 1,
	    "2026-12-02T10:00:00Z", &hid), 1);
	assert_int_equal(legal_hold_set(db, 99, "Riita laskusta", 1,
	    "2026-12-02T10:00:00Z", &hid), -1);	/* no such customer */
	assert_int_equal(legal_hold_set(db, 1, "  Riita laskusta 2002  ", 1,
	    "2026-12-02T10:00:00Z", &hid), 0);
	assert_true(hid > 0);
	compute(db, 1, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].reason, HOLD_LEGAL);
	snprintf(ref, sizeof(ref), "%lld", hid);
	assert_string_equal(h.h[0].ref, ref);
	/* who and when never change */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE legal_holds SET set_at ="
	    " '2020-01-01T00:00:00Z'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(legal_hold_lift(db, 1, hid, " ", 1,
	    "2026-12-03T10:00:00Z"), 1);
	assert_int_equal(legal_hold_lift(db, 2, hid, "Sovittu", 1,
	    "2026-12-03T10:00:00Z"), 2);	/* not that customer's */
	assert_int_equal(legal_hold_lift(db, 1, hid, "Sovittu", 1,
	    "2026-12-03T10:00:00Z"), 0);
	assert_int_equal(legal_hold_lift(db, 1, hid, "Uudestaan", 1,
	    "2026-12-04T10:00:00Z"), 2);	/* lifted once */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE legal_holds SET lifted_at"
	    " = '2026-12-05T00:00:00Z'", NULL, NULL, NULL), SQLITE_OK);
	compute(db, 1, "2026-12-03", &h);
	assert_int_equal(h.verdict, VERDICT_ERASE);
	/* the history has both, the reason trimmed */
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*),"
		    " min(new_value) FROM customer_history WHERE customer_id = 1"
		    " AND field LIKE 'legal_hold.%'", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 2);
		assert_string_equal((const char *)sqlite3_column_text(st, 1),
		    "Riita laskusta 2002");
		sqlite3_finalize(st);
	}
}

/* A pending restriction check refuses; so does everything at once, each reason named. */
static void
restriction_and_all(void **state)
{
	sqlite3 *db = *state;
	struct holds h;

	exec(db, "UPDATE customers SET restricted = 1, restricted_reason ="
	    " 'Oikeellisuus kiistetty' WHERE id = 3");
	compute(db, 3, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.h[0].reason, HOLD_RESTRICTION);
	exec(db, "UPDATE customers SET contact_person = 1, contact_to = ''"
	    " WHERE id = 3");
	exec(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) VALUES"
	    " (3, '3001', '2026-10-01', 1000, 'collection', '2026-11-15'),"
	    " (3, '3002', '2026-11-01', 1000, 'open', '2026-11-01')");
	assert_int_equal(legal_hold_set(db, 3, "Kanne", 1,
	    "2026-12-02T10:00:00Z", NULL), 0);
	compute(db, 3, "2026-12-02", &h);
	assert_int_equal(h.verdict, VERDICT_REFUSE);
	assert_int_equal(h.n, 6);
	for (int r = 0; r < HOLD__MAX; r++)
		assert_int_equal(h.h[r].reason, r);
}

static void
bad_input(void **state)
{
	sqlite3 *db = *state;
	struct holds h;
	struct holds_conf bad = { 2, 29 };

	assert_int_equal(holds_compute(db, 999, "2026-12-02", NULL, &h), 1);
	assert_int_equal(holds_compute(db, 1, "2026-02-30", NULL, &h), -1);
	assert_int_equal(holds_compute(db, 1, "2026-12-2", NULL, &h), -1);
	assert_int_equal(holds_compute(db, 1, "2026-12-02", &bad, &h), -1);
	assert_int_equal(h.n, 0);
}

static void
texts(void **state)
{
	(void)state;
	for (int r = 0; r < HOLD__MAX; r++) {
		assert_true(strlen(hold_text(r, LANG_FI)) > 40);
		assert_true(strlen(hold_text(r, LANG_EN)) > 40);
		assert_string_not_equal(hold_text(r, LANG_FI),
		    hold_text(r, LANG_EN));
		assert_true(strlen(hold_name(r)) > 0);
	}
	assert_non_null(strstr(hold_text(HOLD_ACCOUNTING, LANG_FI),
	    "1336/1997"));
	assert_string_equal(hold_text(HOLD__MAX, LANG_FI), "");
	assert_string_equal(hold_name(HOLD_CONTACT_PERSON), "contact_person");
	assert_string_equal(verdict_name(VERDICT_ANONYMISE), "anonymise");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_parse),
		cmocka_unit_test(voucher_calendar_year),
		cmocka_unit_test(voucher_non_calendar_year),
		cmocka_unit_test(voucher_leap_days),
		cmocka_unit_test(accounting_boundary),
		cmocka_unit_test(open_invoices_refuse),
		cmocka_unit_test(many_holds),
		cmocka_unit_test(contact_person),
		cmocka_unit_test(legal_hold),
		cmocka_unit_test(restriction_and_all),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(texts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
