/*
 * test_breach.c — the breach register (GDPR Art. 33(5)) with a fixed
 * clock: the 72-hour clock of Art. 33(1) at awareness + 71 h, 72 h and
 * 73 h, stopped by a notification or a decision with reasons; a late
 * notification needs its reasons, not telling the people needs a ground
 * (Art. 34(3)); entries are append-only, a correction is a new entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "breach.h"
#include "db.h"

#define AWARE		"2026-11-30T08:00:00Z"
#define T_AWARE		((time_t)1796025600)	/* 2026-11-30T08:00:00Z */
#define HOUR		3600

static char err[1024];

static struct breach_entry
entry(void)
{
	struct breach_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.occurred_at, sizeof(e.occurred_at), "2026-11-29T22:00:00Z");
	snprintf(e.aware_at, sizeof(e.aware_at), AWARE);
	e.what = (char *)"A laptop with an export of 120 customers was stolen.";
	e.people_count = 120;
	e.record_count = 120;
	snprintf(e.tell_people, sizeof(e.tell_people), "undecided");
	return e;
}

static void
the_72_hour_clock(void **state)
{
	struct breach_entry e = entry();
	time_t deadline;
	long long min;

	(void)state;
	assert_int_equal(breach_time(AWARE), T_AWARE);
	assert_int_equal(breach_clock(&e, T_AWARE + 71 * HOUR, &deadline, &min),
	    BC_RUNNING);
	assert_int_equal(deadline, T_AWARE + 72 * HOUR);
	assert_int_equal(min, 60);
	/* "not later than 72 hours": the 72nd hour itself is in time */
	assert_int_equal(breach_clock(&e, T_AWARE + 72 * HOUR, &deadline, &min),
	    BC_RUNNING);
	assert_int_equal(min, 0);
	assert_int_equal(breach_clock(&e, T_AWARE + 72 * HOUR + 1, &deadline,
	    &min), BC_OVERDUE);
	assert_int_equal(min, -1);
	assert_int_equal(breach_clock(&e, T_AWARE + 73 * HOUR, &deadline, &min),
	    BC_OVERDUE);
	assert_int_equal(min, -60);
	/* the clock stops with a notification, or a decision with reasons */
	snprintf(e.notified_at, sizeof(e.notified_at), "2026-12-01T10:00:00Z");
	assert_int_equal(breach_clock(&e, T_AWARE + 73 * HOUR, &deadline, &min),
	    BC_NOTIFIED);
	e.notified_at[0] = '\0';
	e.not_notified_reasons = (char *)"The disk was encrypted; no risk.";
	assert_int_equal(breach_clock(&e, T_AWARE + 73 * HOUR, &deadline, &min),
	    BC_NOT_NOTIFIED);
}

static void
checks(void **state)
{
	struct breach_entry e = entry();
	time_t now = T_AWARE + 80 * HOUR;
	const char *field;

	(void)state;
	assert_null(breach_check(&e, now, &field));
	/* in time: 72 h after awareness, no reasons needed */
	snprintf(e.notified_at, sizeof(e.notified_at), "2026-12-03T08:00:00Z");
	assert_null(breach_check(&e, now, &field));
	/* a second later: Art. 33(1) wants the reasons for the delay */
	snprintf(e.notified_at, sizeof(e.notified_at), "2026-12-03T08:00:01Z");
	assert_string_equal(breach_check(&e, now, &field), "breach.err.late_reasons");
	assert_string_equal(field, "late_reasons");
	e.late_reasons = (char *)"Found the scope only on the fourth day.";
	assert_null(breach_check(&e, now, &field));
	/* notified and not notified at once */
	e.not_notified_reasons = (char *)"No risk.";
	assert_string_equal(breach_check(&e, now, &field), "breach.err.both");
	e.not_notified_reasons = NULL;
	/* before awareness, or in the future */
	snprintf(e.notified_at, sizeof(e.notified_at), "2026-11-30T07:59:59Z");
	assert_string_equal(breach_check(&e, now, &field),
	    "breach.err.before_aware");
	snprintf(e.notified_at, sizeof(e.notified_at), "2026-12-30T07:59:59Z");
	assert_string_equal(breach_check(&e, now, &field), "breach.err.time");
	e.notified_at[0] = '\0';
	snprintf(e.aware_at, sizeof(e.aware_at), "2026-12-30T08:00:00Z");
	assert_string_equal(breach_check(&e, now, &field), "breach.err.time");
	assert_string_equal(field, "aware_at");
	snprintf(e.aware_at, sizeof(e.aware_at), AWARE);
	/* Art. 34(3): not telling the people needs a ground */
	snprintf(e.tell_people, sizeof(e.tell_people), "no");
	assert_string_equal(breach_check(&e, now, &field),
	    "breach.err.tell_reasons");
	e.tell_reasons = (char *)"The data were encrypted (Art. 34(3)(a)).";
	assert_null(breach_check(&e, now, &field));
	snprintf(e.told_at, sizeof(e.told_at), "2026-12-01T10:00:00Z");
	assert_string_equal(breach_check(&e, now, &field), "breach.err.told");
	e.what = (char *)"  ";
	assert_string_equal(breach_check(&e, now, &field), "breach.err.what");
}

static void
append_only(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	struct breach_entry e = entry(), *v;
	size_t n;
	long long id;

	(void)state;
	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 0);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO users (id, username,"
	    " display_name, role, password_hash) VALUES (7, 'adm', 'A', 'admin',"
	    " 'x')", NULL, NULL, NULL), SQLITE_OK);
	id = breach_add(db, 0, &e, 7, T_AWARE + HOUR);
	assert_true(id > 0);
	e.people_count = 150;
	e.note = (char *)"Counted again: 150.";
	assert_int_equal(breach_add(db, id, &e, 7, T_AWARE + 2 * HOUR), id);
	assert_int_equal(breach_list(db, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].people_count, 150);	/* the newest entry */
	assert_string_equal(v[0].recorded_by_name, "adm");
	assert_string_equal(v[0].recorded_at, "2026-11-30T10:00:00Z");
	breach_entries_free(v, n);
	assert_int_equal(breach_history(db, id, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].people_count, 120);
	assert_string_equal(v[1].note, "Counted again: 150.");
	breach_entries_free(v, n);
	/* never changed, never removed */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE breach_entries SET"
	    " people_count = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM breach_entries",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM breaches", NULL, NULL,
	    NULL), SQLITE_OK);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_72_hour_clock),
		cmocka_unit_test(checks),
		cmocka_unit_test(append_only),
	};

	return cmocka_run_group_tests_name("breach", tests, NULL, NULL);
}
