/* stats.c — the statistics of a year from the requests and customers tables. See stats.h. */
#define _XOPEN_SOURCE 700	/* strptime */ /* NOLINT(cert-dcl51-cpp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "fmt.h"
#include "log.h"
#include "stats.h"

/*
 * The deadline a request is measured against: the extended one when there
 * is one (an extension told in time moves the deadline, GDPR Art. 12(3)),
 * else the first. This is the only place that says so.
 */
#define STATS_DEADLINE_SQL	"coalesce(extended_deadline, deadline)"

/*
 * Helsinki is UTC+2 at every New Year (summer time ends in October), so a
 * UTC time's Helsinki year is the year of the time two hours later.
 */
#define HELSINKI_YEAR(col)	"strftime('%Y', " col ", '+2 hours')"

enum sstmt {
	S_REQUESTS, S_BASES, S_EXTENSIONS, S_ADDED_SINCE, S_ADDED_MADE, S_ENDED, S_REQUEST_YEARS,
	S_NEXT_SINCE, S_NEXT_MADE, S_NEXT_ENDED, S__MAX
};

/*
 * The customers' statements name the partial indexes' conditions
 * (sql/015_stats.sql) so that SQLite uses them.
 */
static const char *const sql[S__MAX] = {
	/* received or closed in the year (the UTC window a day wider) */
	[S_REQUESTS] = "SELECT received, closed_at, " STATS_DEADLINE_SQL
	    ", status, types, id FROM requests WHERE (received >= ?3 AND received <"
	    " ?4) OR (closed_at >= ?3 AND closed_at < ?4)",
	/*
	 * the legal bases of request ?1's refusal letter marked sent (the
	 * latest, if several), each once
	 */
	[S_BASES] = "SELECT DISTINCT value FROM letter_parts WHERE name ="
	    " 'basis' AND letter_id = (SELECT id FROM request_letters WHERE"
	    " request_id = ?1 AND kind = 'refusal' AND sent_at IS NOT NULL"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1)",
	/* extended in the year (the UTC window a day wider) */
	[S_EXTENSIONS] = "SELECT extended_at, extension_months FROM requests"
	    " WHERE extended_at >= ?3 AND extended_at < ?4",
	[S_ADDED_SINCE] = "SELECT CAST(substr(customer_since, 6, 2) AS INTEGER),"
	    " count(*) FROM customers WHERE customer_since <> '' AND"
	    " customer_since >= ?1 AND customer_since < ?2 GROUP BY 1",
	/* records without a start date count from when they were made, by the hour (UTC) */
	[S_ADDED_MADE] = "SELECT substr(created_at, 1, 13), count(*) FROM"
	    " customers WHERE customer_since = '' AND created_at >= ?3 AND"
	    " created_at < ?4 GROUP BY 1",
	[S_ENDED] = "SELECT CAST(substr(relationship_ended, 6, 2) AS INTEGER),"
	    " count(*) FROM customers WHERE relationship_ended <> '' AND"
	    " relationship_ended >= ?1 AND relationship_ended < ?2 GROUP BY 1",
	[S_REQUEST_YEARS] = "SELECT CAST(" HELSINKI_YEAR("received") " AS"
	    " INTEGER) FROM requests UNION SELECT CAST("
	    HELSINKI_YEAR("closed_at") " AS INTEGER) FROM requests WHERE"
	    " closed_at IS NOT NULL UNION SELECT CAST("
	    HELSINKI_YEAR("extended_at") " AS INTEGER) FROM requests WHERE"
	    " extended_at IS NOT NULL",
	/* the first year from ?1 on that has a value: one index probe a year */
	[S_NEXT_SINCE] = "SELECT CAST(substr(min(customer_since), 1, 4) AS"
	    " INTEGER) FROM customers WHERE customer_since <> '' AND"
	    " customer_since >= ?1",
	[S_NEXT_MADE] = "SELECT CAST(" HELSINKI_YEAR("min(created_at)") " AS"
	    " INTEGER) FROM customers WHERE customer_since = '' AND"
	    " created_at >= ?2",
	[S_NEXT_ENDED] = "SELECT CAST(substr(min(relationship_ended), 1, 4) AS"
	    " INTEGER) FROM customers WHERE relationship_ended <> '' AND"
	    " relationship_ended >= ?1",
};

long
stats_nearest_rank(const long *sorted, size_t n, int pct)
{
	size_t rank;

	if (n == 0 || pct < 1 || pct > 100)
		return -1;
	rank = ((size_t)pct * n + 99) / 100;	/* ceil(pct / 100 × n) */
	return sorted[rank - 1];
}

int
stats_in_time(const char *closed_day, const char *deadline)
{
	/* both YYYY-MM-DD: the string order is the date order */
	return strcmp(closed_day, deadline) <= 0;
}

long
stats_percent(long part, long whole)
{
	if (whole <= 0)
		return -1;
	return (part * 200 + whole) / (2 * whole);
}

/* A UTC time "YYYY-MM-DDTHH:MM:SSZ" as its Helsinki date into day; 0 or -1. */
static int
helsinki_day(const char *utc, char day[11])
{
	struct tm t, l;
	const char *end;
	time_t s;

	memset(&t, 0, sizeof(t));
	if (utc == NULL || (end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &t)) ==
	    NULL || *end != '\0' || (s = timegm(&t)) == (time_t)-1 ||
	    localtime_r(&s, &l) == NULL)
		return -1;
	return strftime(day, 11, "%Y-%m-%d", &l) == 10 ? 0 : -1;
}

/* Whole calendar days from date a to date b (YYYY-MM-DD); -1 when either is bad or b is before a. */
static long
days_between(const char *a, const char *b)
{
	struct tm ta, tb;
	time_t sa, sb;

	if (fmt_parse_date(a, &ta) != 0 || fmt_parse_date(b, &tb) != 0 ||
	    (sa = timegm(&ta)) == (time_t)-1 || (sb = timegm(&tb)) == (time_t)-1 ||
	    sb < sa)
		return -1;
	return (long)((sb - sa) / (time_t)86400);
}

/* The month (0..11) of day when it is in year, else -1. */
static int
month_of(const char *day, int year)
{
	struct tm t;

	if (fmt_parse_date(day, &t) != 0 || t.tm_year + 1900 != year)
		return -1;
	return t.tm_mon;
}

/* Add n to a month's column and to the year's. */
static void
add(long *cols, int month, long n)
{
	cols[month] += n;
	cols[STATS_YEAR_COL] += n;
}

/* A closed request's days, for the percentiles. */
struct closed_days {
	long	*days;
	int	*month;
	size_t	 n, cap;
};

static int
keep_days(struct closed_days *c, int month, long days)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		long *d = realloc(c->days, cap * sizeof(*d));
		int *m;

		if (d == NULL)
			return -1;
		c->days = d;
		if ((m = realloc(c->month, cap * sizeof(*m))) == NULL)
			return -1;
		c->month = m;
		c->cap = cap;
	}
	c->days[c->n] = days;
	c->month[c->n++] = month;
	return 0;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Median and 90th percentile per month and for the year. 0 or -1. */
static int
percentiles(const struct closed_days *c, struct stats *s)
{
	long *v = malloc((c->n ? c->n : 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	for (int col = 0; col < STATS_COLS; col++) {
		size_t k = 0;

		for (size_t i = 0; i < c->n; i++)
			if (col == STATS_YEAR_COL || c->month[i] == col)
				v[k++] = c->days[i];
		qsort(v, k, sizeof(*v), cmp_long);
		s->median_days[col] = stats_nearest_rank(v, k, 50);
		s->p90_days[col] = stats_nearest_rank(v, k, 90);
	}
	free(v);
	return 0;
}

/* Which refusal a closing status is; -1 for an answer. */
static int
refusal_kind(const char *status)
{
	if (strcmp(status, "refused") == 0)
		return SREF_REFUSED;
	if (strcmp(status, "partly_refused") == 0)
		return SREF_PARTLY;
	return -1;
}

/*
 * A request closed in month m with status: its refusal row, and for a
 * refusal the legal bases of its refusal letter marked sent (bases:
 * S_BASES), each once; none known: "not recorded". 0 or -1.
 */
static int
count_refusal(sqlite3_stmt *bases, long long id, const char *status,
    struct stats *s, int m)
{
	int k = refusal_kind(status), rc, named = 0, b;

	if (k < 0)
		return 0;
	add(s->refusals[k], m, 1);
	sqlite3_reset(bases);
	sqlite3_bind_int64(bases, 1, id);
	while ((rc = sqlite3_step(bases)) == SQLITE_ROW)
		if ((b = letter_basis_parse((const char *)
		    sqlite3_column_text(bases, 0))) >= 0) {
			add(s->refusals[SREF_BASIS + b], m, 1);
			named = 1;
		}
	if (!named)
		add(s->refusals[SREF_NO_BASIS], m, 1);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One request row into s. 0; 1 for a malformed row (left out); -1 on error. */
static int
count_request(sqlite3_stmt *st, sqlite3_stmt *bases, struct stats *s,
    struct closed_days *c)
{
	const char *received = (const char *)sqlite3_column_text(st, 0);
	const char *closed = (const char *)sqlite3_column_text(st, 1);
	const char *deadline = (const char *)sqlite3_column_text(st, 2);
	const char *status = (const char *)sqlite3_column_text(st, 3);
	unsigned types = (unsigned)sqlite3_column_int64(st, 4);
	char rday[11], cday[11];
	int m;
	long days;

	if (helsinki_day(received, rday) != 0)
		return 1;
	if ((m = month_of(rday, s->year)) >= 0) {
		add(s->received, m, 1);
		for (int t = 0; t < RT__MAX; t++)
			if (types & (1u << t))
				add(s->by_type[t], m, 1);
	}
	if (closed == NULL)
		return 0;
	if (helsinki_day(closed, cday) != 0 || deadline == NULL ||
	    status == NULL || (days = days_between(rday, cday)) < 0)
		return 1;
	if ((m = month_of(cday, s->year)) < 0)
		return 0;
	add(s->closed, m, 1);
	if (stats_in_time(cday, deadline))
		add(s->in_time, m, 1);
	if (count_refusal(bases, sqlite3_column_int64(st, 5), status, s, m) != 0)
		return -1;
	return keep_days(c, m, days);
}

/* Bind the year's windows: ?1 ?2 dates, ?3 ?4 UTC times a day wider (those the statement has). */
static void
bind_year(sqlite3_stmt *st, int year)
{
	char b[4][24];

	snprintf(b[0], sizeof(b[0]), "%04d-01-01", year);
	snprintf(b[1], sizeof(b[1]), "%04d-01-01", year + 1);
	snprintf(b[2], sizeof(b[2]), "%04d-12-31", year - 1);
	snprintf(b[3], sizeof(b[3]), "%04d-01-02", year + 1);
	for (int i = 0; i < 4 && i < sqlite3_bind_parameter_count(st); i++)
		sqlite3_bind_text(st, i + 1, b[i], -1, SQLITE_TRANSIENT);
}

static int
read_requests(sqlite3 *db, struct stats *s)
{
	sqlite3_stmt *st = db_prep(db, sql, S_REQUESTS);
	sqlite3_stmt *bases = db_prep(db, sql, S_BASES);
	struct closed_days c = { NULL, NULL, 0, 0 };
	int rc = SQLITE_ERROR, k, bad = 0;

	if (st != NULL && bases != NULL) {
		bind_year(st, s->year);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if ((k = count_request(st, bases, s, &c)) != 0) {
				if (k < 0)
					break;
				bad++;
			}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(bases);
	if (bad > 0)	/* left out, not fatal: the rest still counts */
		LOG_ERR("the statistics of %d: %d malformed request rows left"
		    " out", s->year, bad);
	rc = rc == SQLITE_DONE ? percentiles(&c, s) : -1;
	free(c.days);
	free(c.month);
	return rc;
}

/* Extensions by the Helsinki month of extended_at, all and by months (1 or 2). */
static int
read_extensions(sqlite3 *db, struct stats *s)
{
	sqlite3_stmt *st = db_prep(db, sql, S_EXTENSIONS);
	char day[11];
	int rc, m, months;

	if (st == NULL)
		return -1;
	bind_year(st, s->year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (helsinki_day((const char *)sqlite3_column_text(st, 0), day) !=
		    0 || (m = month_of(day, s->year)) < 0)
			continue;
		add(s->extensions[SEXT_ALL], m, 1);
		months = sqlite3_column_int(st, 1);
		if (months == 1 || months == 2)
			add(s->extensions[months == 1 ? SEXT_ONE : SEXT_TWO], m, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Customers counted by month (k: S_ADDED_SINCE or S_ENDED) into cols. */
static int
read_months(sqlite3 *db, enum sstmt k, int year, long *cols)
{
	sqlite3_stmt *st = db_prep(db, sql, k);
	int rc, m;

	if (st == NULL)
		return -1;
	bind_year(st, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((m = sqlite3_column_int(st, 0)) >= 1 && m <= 12)
			add(cols, m - 1, sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Records without a start date: by the Helsinki month of the hour they were made. */
static int
read_made(sqlite3 *db, int year, long *cols)
{
	sqlite3_stmt *st = db_prep(db, sql, S_ADDED_MADE);
	char utc[32], day[11];
	int rc, m;

	if (st == NULL)
		return -1;
	bind_year(st, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(utc, sizeof(utc), "%.13s:00:00Z",
		    (const char *)sqlite3_column_text(st, 0));
		if (helsinki_day(utc, day) == 0 && (m = month_of(day, year)) >= 0)
			add(cols, m, sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
stats_year(sqlite3 *db, int year, struct stats *s)
{
	int rc = -1;

	memset(s, 0, sizeof(*s));
	s->year = year;
	if (year < STATS_YEAR_MIN || year > STATS_YEAR_MAX)
		return -1;
	if (db_begin_read(db) != 0)
		return -1;
	if (read_requests(db, s) == 0 && read_extensions(db, s) == 0 &&
	    read_months(db, S_ADDED_SINCE, year, s->customers_added) == 0 &&
	    read_made(db, year, s->customers_added) == 0 &&
	    read_months(db, S_ENDED, year, s->customers_ended) == 0)
		rc = 0;
	else
		LOG_ERR("the statistics of %d: %s", year, sqlite3_errmsg(db));
	db_rollback(db);
	return rc;
}

/* Year y into years[0..*n) unless there or full. */
static void
year_add(int *years, size_t max, size_t *n, int y)
{
	if (y < STATS_YEAR_MIN || y > STATS_YEAR_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (years[i] == y)
			return;
	if (*n < max)
		years[(*n)++] = y;
}

/*
 * The years of a customers' column (k: S_NEXT_*), each found by asking for
 * the first value from the next year on (?1 its first day, ?2 the UTC time
 * that begins it in Helsinki). 0 or -1.
 */
static int
column_years(sqlite3 *db, enum sstmt k, int *years, size_t max, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, sql, k);
	int y = STATS_YEAR_MIN, rc;

	if (st == NULL)
		return -1;
	while (y <= STATS_YEAR_MAX) {
		char day[24], utc[32];

		snprintf(day, sizeof(day), "%04d-01-01", y);
		snprintf(utc, sizeof(utc), "%04d-12-31T22:00:00Z", y - 1);
		sqlite3_reset(st);
		for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++)
			sqlite3_bind_text(st, i, i == 1 ? day : utc, -1,
			    SQLITE_TRANSIENT);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		if (sqlite3_column_type(st, 0) == SQLITE_NULL ||
		    sqlite3_column_int(st, 0) < y) {
			rc = SQLITE_DONE;	/* none later (or a malformed value) */
			break;
		}
		y = sqlite3_column_int(st, 0);
		year_add(years, max, n, y);
		y++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || y > STATS_YEAR_MAX ? 0 : -1;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
stats_years(sqlite3 *db, int *years, size_t max, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, sql, S_REQUEST_YEARS);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		year_add(years, max, n, sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE ||
	    column_years(db, S_NEXT_SINCE, years, max, n) != 0 ||
	    column_years(db, S_NEXT_MADE, years, max, n) != 0 ||
	    column_years(db, S_NEXT_ENDED, years, max, n) != 0) {
		LOG_ERR("years: %s", sqlite3_errmsg(db));
		return -1;
	}
	qsort(years, *n, sizeof(*years), cmp_int);
	return 0;
}
