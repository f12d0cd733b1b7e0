/*
 * test_stats.c — the statistics of a year on a seeded in-memory database:
 * requests per month (by Helsinki month: a request at 00.30 on 1 February
 * in Helsinki is February's), per type, days to answer with the median and
 * 90th percentile by nearest rank, the deadline rule at its boundary (closed
 * at 23.59 on the deadline is in time, at 00.30 the day after is late),
 * refusals and their legal bases (from the refusal letter marked sent: one
 * basis, two, none, a draft's not counted), extensions by Helsinki month
 * (at the month's boundary in winter and summer time and at New Year),
 * customers added and ended, the years with data, and an empty year.
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
#include "stats.h"

static char err[1024];

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

/* A request: number n, received, closed (NULL: open), deadline, status, types. */
static void
request(sqlite3 *db, int n, const char *received, const char *closed,
    const char *deadline, const char *status, unsigned types)
{
	char *q = sqlite3_mprintf("INSERT INTO requests (number, received,"
	    " deadline, types, lang, name, text_sha256, key_id, code, form_id,"
	    " token_hash, status, closed_at) VALUES ('TS-2025-%06d', %Q, %Q, %u,"
	    " 'fi', 'Testi', '', 'k', 'c', 'f%d', randomblob(16), %Q, %Q)", n,
	    received, deadline, types, n, status, closed);

	exec_ok(db, q);
	sqlite3_free(q);
}

/* A customer: number n, customer_since, created_at, relationship_ended. */
static void
customer(sqlite3 *db, int n, const char *since, const char *made,
    const char *ended)
{
	char *q = sqlite3_mprintf("INSERT INTO customers (number, last_name,"
	    " customer_since, created_at, relationship_ended) VALUES"
	    " ('A%06d', 'Testi', %Q, %Q, %Q)", n, since, made, ended);

	exec_ok(db, q);
	sqlite3_free(q);
}

#define ACCESS		(1u << RT_ACCESS)
#define RECT		(1u << RT_RECTIFICATION)
#define ERASURE		(1u << RT_ERASURE)
#define PORT		(1u << RT_PORTABILITY)
#define BAN_AD		(1u << RT_BAN_ADVERTISING)

/* Request n extended at (UTC) by months. */
static void
extend(sqlite3 *db, int n, const char *at, int months)
{
	char *q = sqlite3_mprintf("UPDATE requests SET extended_at = %Q,"
	    " extension_months = %d, extended_deadline = '2099-01-01',"
	    " extension_reasons = 'x' WHERE number = 'TS-2025-%06d'", at,
	    months, n);

	exec_ok(db, q);
	sqlite3_free(q);
}

/*
 * A refusal letter on request n naming the bases (NULL-terminated); sent
 * at sent (UTC), or a draft when sent is NULL.
 */
static void
refusal_letter(sqlite3 *db, int n, const char *sent, const char *const *bases)
{
	char *q = sqlite3_mprintf("INSERT INTO request_letters (request_id,"
	    " kind) SELECT id, 'refusal' FROM requests WHERE number ="
	    " 'TS-2025-%06d'", n);
	long long id;

	exec_ok(db, q);
	sqlite3_free(q);
	id = sqlite3_last_insert_rowid(db);
	for (int i = 0; bases[i] != NULL; i++) {
		q = sqlite3_mprintf("INSERT INTO letter_parts (letter_id, seq,"
		    " name, value) VALUES (%lld, %d, 'basis', %Q)", id, i, bases[i]);
		exec_ok(db, q);
		sqlite3_free(q);
	}
	if (sent == NULL)
		return;
	q = sqlite3_mprintf("UPDATE request_letters SET sent_at = %Q, sent_via"
	    " = 'post', content = x'00', sha256 = 'x' WHERE id = %lld", sent, id);
	exec_ok(db, q);
	sqlite3_free(q);
}

/* 2026: refusals with one, two and no bases; extensions at months' boundaries. */
static void
seed_2026(sqlite3 *db)
{
	refusal_letter(db, 2, "2025-02-25T12:00:00Z",
	    (const char *const[]){ "legal_claims", NULL });
	/* one basis; the draft's basis does not count */
	request(db, 20, "2026-03-02T10:00:00Z", "2026-03-20T10:00:00Z",
	    "2026-04-02", "refused", ACCESS);
	refusal_letter(db, 20, "2026-03-20T10:00:00Z",
	    (const char *const[]){ "manifestly_unfounded", NULL });
	refusal_letter(db, 20, NULL, (const char *const[]){ "cannot_identify",
	    NULL });
	/* two bases (one named twice) in the latest sent letter; the older one's not counted */
	request(db, 21, "2026-03-03T10:00:00Z", "2026-03-25T10:00:00Z",
	    "2026-04-03", "partly_refused", ERASURE);
	refusal_letter(db, 21, "2026-03-24T10:00:00Z",
	    (const char *const[]){ "legal_claims", NULL });
	refusal_letter(db, 21, "2026-03-25T10:00:00Z",
	    (const char *const[]){ "rights_of_others", "legal_obligation",
	    "rights_of_others", NULL });
	/* no letter; only a draft: basis not recorded (April) */
	request(db, 22, "2026-03-04T10:00:00Z", "2026-04-01T10:00:00Z",
	    "2026-04-04", "refused", ACCESS);
	request(db, 23, "2026-03-05T10:00:00Z", "2026-04-02T10:00:00Z",
	    "2026-04-05", "refused", ACCESS);
	refusal_letter(db, 23, NULL, (const char *const[]){ "legal_claims",
	    NULL });
	/* a sent refusal letter on an answered request: no refusal */
	request(db, 24, "2026-03-06T10:00:00Z", "2026-03-26T10:00:00Z",
	    "2026-04-06", "answered", ACCESS);
	refusal_letter(db, 24, "2026-03-26T10:00:00Z",
	    (const char *const[]){ "legal_claims", NULL });

	/* 23.30 on 28 February in Helsinki; 00.30 on 1 March */
	request(db, 30, "2026-02-01T10:00:00Z", NULL, "2026-03-02", "received",
	    ACCESS);
	extend(db, 30, "2026-02-28T21:30:00Z", 1);
	request(db, 31, "2026-02-01T10:00:00Z", NULL, "2026-03-02", "received",
	    ACCESS);
	extend(db, 31, "2026-02-28T22:30:00Z", 2);
	/* summer time: 21.30 UTC on 30 June is 00.30 on 1 July */
	request(db, 32, "2026-06-01T10:00:00Z", NULL, "2026-07-01", "received",
	    ACCESS);
	extend(db, 32, "2026-06-30T21:30:00Z", 2);
	/* New Year's night in Helsinki: 2026's; and one in March 2025 */
	extend(db, 7, "2025-12-31T22:45:00Z", 1);
	extend(db, 8, "2025-03-20T10:00:00Z", 2);
	/* open since December, extended in January: 2027 has data */
	request(db, 33, "2026-12-20T10:00:00Z", NULL, "2027-01-20", "received",
	    ACCESS);
	extend(db, 33, "2027-01-05T10:00:00Z", 1);
}


static int
setup(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	fmt_init();
	if (db == NULL || db_migrate(db, "sql", NULL, err, sizeof(err)) < 0)
		return -1;
	/* January: 5 days, in time; 36 days, refused after the deadline (closed in February) */
	request(db, 1, "2025-01-10T10:00:00Z", "2025-01-15T10:00:00Z",
	    "2025-02-10", "answered", ACCESS);
	request(db, 2, "2025-01-20T10:00:00Z", "2025-02-25T12:00:00Z",
	    "2025-02-20", "refused", ACCESS | ERASURE);
	/* 22.30 UTC on 31 January is 00.30 on 1 February in Helsinki */
	request(db, 3, "2025-01-31T22:30:00Z", "2025-02-03T09:00:00Z",
	    "2025-03-03", "partly_refused", PORT);
	/* closed 23.59 on the deadline: in time; 00.30 the day after: late */
	request(db, 4, "2025-02-05T08:00:00Z", "2025-03-05T21:59:00Z",
	    "2025-03-05", "answered", RECT);
	request(db, 5, "2025-02-06T08:00:00Z", "2025-03-06T22:30:00Z",
	    "2025-03-06", "answered", RECT);
	/* received last year, closed in January: 19 days */
	request(db, 6, "2024-12-20T10:00:00Z", "2025-01-08T10:00:00Z",
	    "2025-01-20", "answered", ACCESS);
	/* New Year's night in Helsinki: next year's */
	request(db, 7, "2025-12-31T22:30:00Z", NULL, "2026-02-02", "received",
	    ACCESS);
	request(db, 8, "2025-03-10T10:00:00Z", NULL, "2025-04-10", "in_progress",
	    BAN_AD);
	/* received in December, closed next year */
	request(db, 9, "2025-12-15T10:00:00Z", "2026-01-10T10:00:00Z",
	    "2026-01-15", "answered", ACCESS);
	/* April: 1, 3, 7, 10 and 14 days */
	request(db, 10, "2025-04-01T09:00:00Z", "2025-04-02T09:00:00Z",
	    "2025-05-02", "answered", ACCESS);
	request(db, 11, "2025-04-01T09:00:00Z", "2025-04-04T09:00:00Z",
	    "2025-05-02", "answered", ACCESS);
	request(db, 12, "2025-04-01T09:00:00Z", "2025-04-08T09:00:00Z",
	    "2025-05-02", "answered", ACCESS);
	request(db, 13, "2025-04-01T09:00:00Z", "2025-04-11T09:00:00Z",
	    "2025-05-02", "answered", ACCESS);
	request(db, 14, "2025-04-01T09:00:00Z", "2025-04-15T09:00:00Z",
	    "2025-05-02", "answered", ACCESS);

	customer(db, 1, "2025-01-15", "2026-11-01T10:00:00Z", "");
	customer(db, 2, "2025-01-31", "2026-11-01T10:00:00Z", "2025-03-01");
	customer(db, 3, "2025-06-01", "2026-11-01T10:00:00Z", "2025-03-31");
	customer(db, 4, "2024-12-31", "2026-11-01T10:00:00Z", "2025-11-30");
	/* no start date: the Helsinki day the record was made */
	customer(db, 5, "", "2025-05-31T21:30:00Z", "");	/* 1 June, 00.30 */
	customer(db, 6, "", "2024-12-31T22:30:00Z", "");	/* 1 January 2025 */
	customer(db, 7, "", "2025-12-31T22:30:00Z", "2026-01-01");	/* 2026 */
	seed_2026(db);
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

static void
nearest_rank(void **state)
{
	static const long four[] = { 1, 2, 3, 4 };
	static const long ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const long one[] = { 42 };

	(void)state;
	assert_int_equal(stats_nearest_rank(four, 4, 50), 2);	/* the lower middle */
	assert_int_equal(stats_nearest_rank(four, 4, 90), 4);
	assert_int_equal(stats_nearest_rank(ten, 10, 50), 5);
	assert_int_equal(stats_nearest_rank(ten, 10, 90), 9);
	assert_int_equal(stats_nearest_rank(ten, 10, 91), 10);
	assert_int_equal(stats_nearest_rank(ten, 10, 100), 10);
	assert_int_equal(stats_nearest_rank(ten, 10, 1), 1);
	assert_int_equal(stats_nearest_rank(one, 1, 50), 42);
	assert_int_equal(stats_nearest_rank(one, 1, 90), 42);
	assert_int_equal(stats_nearest_rank(one, 0, 50), -1);
	assert_int_equal(stats_nearest_rank(ten, 10, 0), -1);
	assert_int_equal(stats_percent(9, 11), 82);
	assert_int_equal(stats_percent(1, 8), 13);	/* 12.5: half up */
	assert_int_equal(stats_percent(1, 3), 33);
	assert_int_equal(stats_percent(2, 3), 67);
	assert_int_equal(stats_percent(0, 5), 0);
	assert_int_equal(stats_percent(0, 0), -1);
	assert_true(stats_in_time("2025-03-05", "2025-03-05"));
	assert_false(stats_in_time("2025-03-06", "2025-03-05"));
}

static void
requests_2025(void **state)
{
	struct stats s;
	static const long received[STATS_COLS] = { 2, 3, 1, 5, 0, 0, 0, 0, 0,
	    0, 0, 1, 12 };
	static const long access[STATS_COLS] = { 2, 0, 0, 5, 0, 0, 0, 0, 0, 0,
	    0, 1, 8 };
	static const long closed[STATS_COLS] = { 2, 2, 2, 5, 0, 0, 0, 0, 0, 0,
	    0, 0, 11 };
	static const long median[STATS_COLS] = { 5, 2, 28, 7, -1, -1, -1, -1,
	    -1, -1, -1, -1, 10 };
	static const long p90[STATS_COLS] = { 19, 36, 29, 14, -1, -1, -1, -1,
	    -1, -1, -1, -1, 29 };
	static const long in_time[STATS_COLS] = { 2, 1, 1, 5, 0, 0, 0, 0, 0, 0,
	    0, 0, 9 };

	assert_int_equal(stats_year(*state, 2025, &s), 0);
	assert_int_equal(s.year, 2025);
	assert_memory_equal(s.received, received, sizeof(received));
	assert_memory_equal(s.by_type[RT_ACCESS], access, sizeof(access));
	assert_int_equal(s.by_type[RT_ERASURE][0], 1);
	assert_int_equal(s.by_type[RT_PORTABILITY][1], 1);	/* Helsinki's February */
	assert_int_equal(s.by_type[RT_RECTIFICATION][1], 2);
	assert_int_equal(s.by_type[RT_BAN_ADVERTISING][2], 1);
	assert_int_equal(s.by_type[RT_OBJECTION][STATS_YEAR_COL], 0);
	assert_memory_equal(s.closed, closed, sizeof(closed));
	assert_memory_equal(s.median_days, median, sizeof(median));
	assert_memory_equal(s.p90_days, p90, sizeof(p90));
	assert_memory_equal(s.in_time, in_time, sizeof(in_time));
	assert_int_equal(stats_percent(s.in_time[STATS_YEAR_COL],
	    s.closed[STATS_YEAR_COL]), 82);
	assert_int_equal(s.refusals[SREF_REFUSED][1], 1);
	assert_int_equal(s.refusals[SREF_PARTLY][1], 1);
	assert_int_equal(s.refusals[SREF_REFUSED][STATS_YEAR_COL], 1);
	assert_int_equal(s.refusals[SREF_PARTLY][STATS_YEAR_COL], 1);
}

/* Refusals by legal basis and extensions by month, in 2026 (and 2025's). */
static void
bases_and_extensions(void **state)
{
	struct stats s;
	static const long ext_all[STATS_COLS] = { 1, 1, 1, 0, 0, 0, 1, 0, 0, 0,
	    0, 0, 4 };
	static const long ext_one[STATS_COLS] = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 2 };
	static const long ext_two[STATS_COLS] = { 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,
	    0, 0, 2 };
	static const long refused[STATS_COLS] = { 0, 0, 1, 2, 0, 0, 0, 0, 0, 0,
	    0, 0, 3 };
	static const long none[STATS_COLS] = { 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
	    0, 2 };
	int mu = letter_basis_parse("manifestly_unfounded");
	int ro = letter_basis_parse("rights_of_others");
	int lo = letter_basis_parse("legal_obligation");
	int lc = letter_basis_parse("legal_claims");
	int ci = letter_basis_parse("cannot_identify");

	assert_int_equal(stats_year(*state, 2026, &s), 0);
	assert_memory_equal(s.extensions[SEXT_ALL], ext_all, sizeof(ext_all));
	assert_memory_equal(s.extensions[SEXT_ONE], ext_one, sizeof(ext_one));
	assert_memory_equal(s.extensions[SEXT_TWO], ext_two, sizeof(ext_two));
	assert_memory_equal(s.refusals[SREF_REFUSED], refused, sizeof(refused));
	assert_int_equal(s.refusals[SREF_PARTLY][2], 1);
	assert_int_equal(s.refusals[SREF_PARTLY][STATS_YEAR_COL], 1);
	assert_int_equal(s.refusals[SREF_BASIS + mu][2], 1);
	assert_int_equal(s.refusals[SREF_BASIS + mu][STATS_YEAR_COL], 1);
	assert_int_equal(s.refusals[SREF_BASIS + ro][2], 1);	/* named twice, once */
	assert_int_equal(s.refusals[SREF_BASIS + ro][STATS_YEAR_COL], 1);
	assert_int_equal(s.refusals[SREF_BASIS + lo][2], 1);
	/* the older letter's, the draft's and the answered request's: none */
	assert_int_equal(s.refusals[SREF_BASIS + lc][STATS_YEAR_COL], 0);
	assert_int_equal(s.refusals[SREF_BASIS + ci][STATS_YEAR_COL], 0);
	assert_memory_equal(s.refusals[SREF_NO_BASIS], none, sizeof(none));

	/* 2025: the one refusal's letter names legal claims; the partly refused one has none */
	assert_int_equal(stats_year(*state, 2025, &s), 0);
	assert_int_equal(s.refusals[SREF_BASIS + lc][1], 1);
	assert_int_equal(s.refusals[SREF_BASIS + lc][STATS_YEAR_COL], 1);
	assert_int_equal(s.refusals[SREF_NO_BASIS][1], 1);
	assert_int_equal(s.refusals[SREF_NO_BASIS][STATS_YEAR_COL], 1);
	assert_int_equal(s.extensions[SEXT_ALL][2], 1);
	assert_int_equal(s.extensions[SEXT_TWO][2], 1);
	assert_int_equal(s.extensions[SEXT_ALL][11], 0);	/* New Year's is 2026's */
	assert_int_equal(s.extensions[SEXT_ALL][STATS_YEAR_COL], 1);
	assert_int_equal(s.extensions[SEXT_ONE][STATS_YEAR_COL], 0);
}

static void
customers_2025(void **state)
{
	struct stats s;
	static const long added[STATS_COLS] = { 3, 0, 0, 0, 0, 2, 0, 0, 0, 0,
	    0, 0, 5 };
	static const long ended[STATS_COLS] = { 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
	    1, 0, 3 };

	assert_int_equal(stats_year(*state, 2025, &s), 0);
	assert_memory_equal(s.customers_added, added, sizeof(added));
	assert_memory_equal(s.customers_ended, ended, sizeof(ended));
}

static void
empty_year(void **state)
{
	struct stats s;

	assert_int_equal(stats_year(*state, 2030, &s), 0);
	assert_int_equal(s.year, 2030);
	for (int c = 0; c < STATS_COLS; c++) {
		assert_int_equal(s.received[c], 0);
		assert_int_equal(s.closed[c], 0);
		assert_int_equal(s.in_time[c], 0);
		assert_int_equal(s.median_days[c], -1);
		assert_int_equal(s.p90_days[c], -1);
		assert_int_equal(s.customers_added[c], 0);
		assert_int_equal(s.customers_ended[c], 0);
		for (int k = 0; k < SREF__MAX; k++)
			assert_int_equal(s.refusals[k][c], 0);
		for (int k = 0; k < SEXT__MAX; k++)
			assert_int_equal(s.extensions[k][c], 0);
	}
	assert_int_equal(stats_year(*state, 1899, &s), -1);
	assert_int_equal(stats_year(*state, 10000, &s), -1);
}

static void
years(void **state)
{
	int y[8];
	size_t n;

	assert_int_equal(stats_years(*state, y, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(y[0], 2024);
	assert_int_equal(y[1], 2025);
	assert_int_equal(y[2], 2026);
	assert_int_equal(y[3], 2027);	/* an extension alone */
	assert_int_equal(stats_years(*state, y, 1, &n), 0);
	assert_int_equal(n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nearest_rank),
		cmocka_unit_test(requests_2025),
		cmocka_unit_test(bases_and_extensions),
		cmocka_unit_test(customers_2025),
		cmocka_unit_test(empty_year),
		cmocka_unit_test(years),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
