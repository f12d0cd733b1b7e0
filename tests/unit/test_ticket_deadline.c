/* test_ticket_deadline.c — a request's deadline: a month on, then the next
 * working day (EU 1182/71 with the Finnish holidays). */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "buf.h"
#include "dsr.h"
#include "fmt.h"
#include "ticket.h"

static void
add_month(void **state)
{
	static const char *const cases[][2] = {
		{ "2026-01-15", "2026-02-15" },
		{ "2026-01-28", "2026-02-28" },
		{ "2026-01-29", "2026-02-28" },
		{ "2026-01-31", "2026-02-28" },
		{ "2028-01-31", "2028-02-29" },	/* leap year */
		{ "2024-01-30", "2024-02-29" },
		{ "2024-02-29", "2024-03-29" },
		{ "2100-01-31", "2100-02-28" },	/* not a leap year */
		{ "2000-01-31", "2000-02-29" },	/* a leap year */
		{ "2026-03-31", "2026-04-30" },
		{ "2026-05-31", "2026-06-30" },
		{ "2026-08-31", "2026-09-30" },
		{ "2026-10-31", "2026-11-30" },
		{ "2026-04-30", "2026-05-30" },
		{ "2026-02-28", "2026-03-28" },
		{ "2026-11-30", "2026-12-30" },
		{ "2026-12-31", "2027-01-31" },
		{ "2026-12-01", "2027-01-01" },
		{ "2026-11-25", "2026-12-25" },
	};
	static const char *const bad[] = {
		"", "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-31",
		"2026-01-31x", "31.1.2026", "2026-04-31", "2100-02-29"
	};
	char d[11];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_add_month(cases[i][0], d, sizeof(d)), 0);
		assert_string_equal(d, cases[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fmt_add_month(bad[i], d, sizeof(d)), -1);
		assert_string_equal(d, "");
	}
	assert_int_equal(fmt_add_month(NULL, d, sizeof(d)), -1);
	assert_int_equal(fmt_add_month("2026-01-31", d, 10), -1);	/* no room */
	assert_string_equal(d, "");
}

static void
deadline(void **state)
{
	static const char *const cases[][2] = {
		/* the day of receipt in Helsinki (UTC+2 in winter) */
		{ "2026-03-28T21:59:59Z", "2026-04-28" },
		{ "2026-03-28T22:00:00Z", "2026-04-29" },
		/* summer time (UTC+3): 31 May 21.00 UTC is 1 June 00.00 */
		{ "2026-05-31T20:59:59Z", "2026-06-30" },
		{ "2026-05-31T21:00:00Z", "2026-07-01" },
		/* no 31 April: the month's last day */
		{ "2026-03-31T20:59:59Z", "2026-04-30" },
		/* leap years: 29 February exists in 2028, not in 2100 */
		{ "2028-01-30T22:00:00Z", "2028-02-29" },
		/* 28 February 2026 is a Saturday: Monday 2 March (Art. 3(4)) */
		{ "2026-01-31T21:59:59Z", "2026-03-02" },
		/* 31 January 2027 is a Sunday */
		{ "2026-12-31T21:59:59Z", "2027-02-01" },
		/* 28 February 2100 is a Sunday too */
		{ "2100-01-30T23:00:00Z", "2100-03-01" },
		/* Christmas Day, then Boxing Day, then Sunday */
		{ "2026-11-25T16:46:09Z", "2026-12-28" },
		/* Good Friday 2026 (Easter 5 April), then Easter to Monday */
		{ "2026-03-03T10:00:00Z", "2026-04-07" },
		/* Midsummer Eve 2026 */
		{ "2026-05-19T10:00:00Z", "2026-06-22" },
	};
	static const char *const bad[] = {
		"", "2026-11-25", "2026-11-25T16:46:09", "2026-02-30T12:00:00Z",
		"2026-11-25T24:00:00Z", "2026-11-25T16:60:00Z",
		"2026-11-25T16:46:60Z", "2026-11-25 16:46:09Z",
		"2026- 1-25T16:46:09Z", "2026-11-25T16:46:09+00:00",
		"2026-11-25T16:46:09Zx"
	};
	char d[11];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_deadline(cases[i][0], d, sizeof(d)), 0);
		assert_string_equal(d, cases[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fmt_deadline(bad[i], d, sizeof(d)), -1);
		assert_string_equal(d, "");
	}
	assert_int_equal(fmt_deadline(NULL, d, sizeof(d)), -1);
}

/* EU 1182/71 Art. 3(4) with the Finnish holidays of Act 150/1930. */
static void
working_day(void **state)
{
	static const char *const cases[][2] = {
		{ "2026-11-25", "2026-11-25" },	/* a Wednesday */
		{ "2026-11-28", "2026-11-30" },	/* Saturday */
		{ "2026-11-29", "2026-11-30" },	/* Sunday */
		{ "2027-01-01", "2027-01-04" },	/* New Year's Day, a Friday */
		{ "2027-01-06", "2027-01-07" },	/* Epiphany */
		{ "2024-03-29", "2024-04-02" },	/* Good Friday .. Easter Monday */
		{ "2027-03-26", "2027-03-30" },	/* Good Friday (Easter 28 March) */
		{ "2026-05-01", "2026-05-04" },	/* May Day */
		{ "2026-05-14", "2026-05-15" },	/* Ascension Day */
		{ "2025-06-20", "2025-06-23" },	/* Midsummer Eve */
		{ "2026-06-18", "2026-06-18" },	/* the Thursday before it */
		{ "2027-12-06", "2027-12-07" },	/* Independence Day */
		{ "2026-12-24", "2026-12-28" },	/* Christmas Eve .. Sunday */
		{ "2030-04-19", "2030-04-23" },	/* Good Friday (Easter 21 April) */
	};
	char d[11];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_working_day(cases[i][0], d, sizeof(d)), 0);
		assert_string_equal(d, cases[i][1]);
	}
	assert_int_equal(fmt_working_day("2026-02-30", d, sizeof(d)), -1);
	assert_string_equal(d, "");
}
/*
 * The ticket page's and the confirmation's links (#15; GDPR Art. 32(1),
 * Art. 5(1)(e)): they work days x 24 h from receipt, with a fixed clock,
 * at the boundary second, across the change to summer time (UTC: no
 * hour lost) and over a leap day.
 */
static void
link_expiry(void **state)
{
	static const struct {
		const char *received, *now;
		int days, expired;
	} cases[] = {
		{ "2026-01-01T12:00:00Z", "2026-04-01T11:59:59Z", 90, 0 },
		{ "2026-01-01T12:00:00Z", "2026-04-01T12:00:00Z", 90, 1 },
		{ "2026-01-01T12:00:00Z", "2026-04-01T12:00:01Z", 90, 1 },
		/* 2026-03-29: Helsinki moves to summer time; UTC days stay 24 h */
		{ "2026-03-01T00:30:00Z", "2026-03-31T00:29:59Z", 30, 0 },
		{ "2026-03-01T00:30:00Z", "2026-03-31T00:30:00Z", 30, 1 },
		/* 2028-02-29 is a day of its own */
		{ "2028-02-01T08:00:00Z", "2028-03-02T07:59:59Z", 30, 0 },
		{ "2028-02-01T08:00:00Z", "2028-03-02T08:00:00Z", 30, 1 },
		/* a clock behind the receipt: not expired */
		{ "2026-01-01T12:00:00Z", "2025-12-31T12:00:00Z", 1, 0 },
	};
	time_t now;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_parse_utc(cases[i].now, &now), 0);
		if (dsr_link_expired(cases[i].received, now, cases[i].days) !=
		    cases[i].expired)
			fail_msg("received %s, now %s, %d days: want %d",
			    cases[i].received, cases[i].now, cases[i].days,
			    cases[i].expired);
	}
	assert_int_equal(dsr_link_expired("2026-01-01", now, 90), -1);
	assert_int_equal(dsr_link_expired(NULL, now, 90), -1);
	assert_int_equal(dsr_link_expired("", now, 90), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_month),
		cmocka_unit_test(link_expiry),
		cmocka_unit_test(deadline),
		cmocka_unit_test(working_day),
	};

	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	fmt_init();
	return cmocka_run_group_tests_name("ticket_deadline", tests, NULL, NULL);
}
