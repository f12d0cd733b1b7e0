/* fmt.c — see fmt.h. The C library does the calendar and the time zone. */
#define _XOPEN_SOURCE 700	/* strptime */ /* NOLINT(cert-dcl51-cpp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"

static const char *const months_en[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

void
fmt_init(void)
{
	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
}

int
fmt_parse_date(const char *date, struct tm *tm)
{
	struct tm t;
	const char *end;

	memset(&t, 0, sizeof(t));
	if (date == NULL || strlen(date) != 10 ||
	    (end = strptime(date, "%Y-%m-%d", &t)) == NULL || *end != '\0')
		return -1;
	/* strptime takes 2020-02-31; timegm normalises it to March: refuse. */
	{
		struct tm n = t;
		time_t s = timegm(&n);

		if (s == (time_t)-1 || n.tm_mday != t.tm_mday ||
		    n.tm_mon != t.tm_mon || n.tm_year != t.tm_year)
			return -1;
		*tm = n;
	}
	return 0;
}

int
fmt_date(char *dst, size_t len, enum lang lang, const char *date)
{
	struct tm t;

	if (len > 0)
		dst[0] = '\0';
	if (fmt_parse_date(date, &t) != 0)
		return -1;
	if (lang == LANG_FI)
		snprintf(dst, len, "%d.%d.%d", t.tm_mday, t.tm_mon + 1,
		    t.tm_year + 1900);
	else
		snprintf(dst, len, "%d %s %d", t.tm_mday, months_en[t.tm_mon],
		    t.tm_year + 1900);
	return 0;
}

int
fmt_datetime(char *dst, size_t len, enum lang lang, const char *utc)
{
	struct tm t, l;
	const char *end;
	time_t s;

	if (len > 0)
		dst[0] = '\0';
	memset(&t, 0, sizeof(t));
	if (utc == NULL || (end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &t)) ==
	    NULL || *end != '\0')
		return -1;
	if ((s = timegm(&t)) == (time_t)-1 || localtime_r(&s, &l) == NULL)
		return -1;
	if (lang == LANG_FI)
		snprintf(dst, len, "%d.%d.%d klo %d.%02d", l.tm_mday,
		    l.tm_mon + 1, l.tm_year + 1900, l.tm_hour, l.tm_min);
	else
		snprintf(dst, len, "%d %s %d at %02d:%02d", l.tm_mday,
		    months_en[l.tm_mon], l.tm_year + 1900, l.tm_hour, l.tm_min);
	return 0;
}

int
fmt_parse_fi_date(const char *s, char *iso, size_t len)
{
	struct tm t, n;
	const char *end;

	memset(&t, 0, sizeof(t));
	if (s == NULL || (end = strptime(s, "%d.%m.%Y", &t)) == NULL ||
	    *end != '\0' || t.tm_year < 0)
		return -1;
	n = t;
	if (timegm(&n) == (time_t)-1 || n.tm_mday != t.tm_mday ||
	    n.tm_mon != t.tm_mon)
		return -1;
	snprintf(iso, len, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1,
	    t.tm_mday);
	return 0;
}

void
fmt_money(char *dst, size_t len, enum lang lang, long long cents)
{
	/* groups of three digits: a no-break space (fi) or a comma (en) */
	const char *sep = lang == LANG_FI ? "\u00a0" : ",";
	unsigned long long v = cents < 0 ? -(unsigned long long)cents :
	    (unsigned long long)cents;
	unsigned long long whole = v / 100;
	char digits[32], grouped[64];
	size_t n, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", whole);
	for (size_t i = 0; i < n && o + 4 < sizeof(grouped); i++) {
		if (i > 0 && (n - i) % 3 == 0)
			o += (size_t)snprintf(grouped + o, sizeof(grouped) - o, "%s",
			    sep);
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	if (lang == LANG_FI)
		snprintf(dst, len, "%s%s,%02llu\u00a0€", cents < 0 ? "−" : "",
		    grouped, v % 100);
	else
		snprintf(dst, len, "%s€%s.%02llu", cents < 0 ? "−" : "", grouped,
		    v % 100);
}

int
fmt_add_months(const char *date, int months, char *dst, size_t len)
{
	struct tm t, last;
	int day;

	if (len > 0)
		dst[0] = '\0';
	if (months < 0 || months > 1200 || fmt_parse_date(date, &t) != 0)
		return -1;
	/* day 0 of the month after the target is the target month's last day */
	memset(&last, 0, sizeof(last));
	last.tm_year = t.tm_year;
	last.tm_mon = t.tm_mon + months + 1;
	last.tm_mday = 0;
	last.tm_hour = 12;
	if (timegm(&last) == (time_t)-1)
		return -1;
	day = t.tm_mday < last.tm_mday ? t.tm_mday : last.tm_mday;
	if ((size_t)snprintf(dst, len, "%04d-%02d-%02d", last.tm_year + 1900,
	    last.tm_mon + 1, day) >= len) {
		if (len > 0)
			dst[0] = '\0';
		return -1;
	}
	return 0;
}

int
fmt_add_month(const char *date, char *dst, size_t len)
{
	return fmt_add_months(date, 1, dst, len);
}

/*
 * Easter Sunday of year y (Gregorian; the anonymous algorithm of Meeus,
 * Jones and Butcher) as month (1-12) and day.
 */
static void
easter(int y, int *month, int *day)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;

	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

/* Days since the epoch of a calendar date (timegm normalises it). */
static long
day_number(int y, int mon, int mday)
{
	struct tm t;

	memset(&t, 0, sizeof(t));
	t.tm_year = y - 1900;
	t.tm_mon = mon - 1;
	t.tm_mday = mday;
	t.tm_hour = 12;
	return (long)(timegm(&t) / 86400);
}

/*
 * Whether t (a normalised noon-UTC date) is not a Finnish working day: a
 * Saturday or Sunday, or a day the Act on the Calculation of Statutory Time
 * Limits (150/1930) names — New Year's Day, Epiphany, Good Friday, Easter
 * Sunday and Monday, May Day, Ascension Day, Whitsunday, Midsummer Eve and
 * Day, All Saints' Day, Independence Day, Christmas Eve, Christmas Day and
 * Boxing Day.
 */
static int
holiday(const struct tm *t)
{
	int y = t->tm_year + 1900, m = t->tm_mon + 1, d = t->tm_mday, em, ed;
	long n = day_number(y, m, d), e;

	if (t->tm_wday == 0 || t->tm_wday == 6)
		return 1;
	if ((m == 1 && (d == 1 || d == 6)) || (m == 5 && d == 1) ||
	    (m == 12 && (d == 6 || d == 24 || d == 25 || d == 26)))
		return 1;
	/* Midsummer Eve: the Friday between 19 and 25 June */
	if (m == 6 && d >= 19 && d <= 25 && t->tm_wday == 5)
		return 1;
	easter(y, &em, &ed);
	e = day_number(y, em, ed);
	/* Good Friday, Easter Monday, Ascension Day (the Sundays are above) */
	return n == e - 2 || n == e + 1 || n == e + 39;
}

int
fmt_working_day(const char *date, char *dst, size_t len)
{
	struct tm t;

	if (len > 0)
		dst[0] = '\0';
	if (fmt_parse_date(date, &t) != 0)
		return -1;
	t.tm_hour = 12;
	if (timegm(&t) == (time_t)-1)
		return -1;
	while (holiday(&t)) {
		t.tm_mday++;
		if (timegm(&t) == (time_t)-1)
			return -1;
	}
	if ((size_t)snprintf(dst, len, "%04d-%02d-%02d", t.tm_year + 1900,
	    t.tm_mon + 1, t.tm_mday) >= len) {
		if (len > 0)
			dst[0] = '\0';
		return -1;
	}
	return 0;
}

int
fmt_deadline_months(const char *received_utc, int months, char *dst,
    size_t len)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm t, n, l;
	char day[40], month[16];
	const char *end;
	time_t s;

	if (len > 0)
		dst[0] = '\0';
	memset(&t, 0, sizeof(t));
	if (received_utc == NULL || strlen(received_utc) != sizeof(shape) - 1 ||
	    months < 1 || months > 3)
		return -1;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? received_utc[i] < '0' ||
		    received_utc[i] > '9' : received_utc[i] != shape[i])
			return -1;
	if ((end = strptime(received_utc, "%Y-%m-%dT%H:%M:%SZ", &t)) == NULL ||
	    *end != '\0' || t.tm_sec > 59)
		return -1;
	/* a real time only: 2026-02-30T... is refused, not moved to March */
	n = t;
	if ((s = timegm(&n)) == (time_t)-1 || n.tm_mday != t.tm_mday ||
	    n.tm_mon != t.tm_mon || n.tm_year != t.tm_year ||
	    localtime_r(&s, &l) == NULL)
		return -1;
	snprintf(day, sizeof(day), "%04d-%02d-%02d", l.tm_year + 1900,
	    l.tm_mon + 1, l.tm_mday);
	if (fmt_add_months(day, months, month, sizeof(month)) != 0)
		return -1;
	return fmt_working_day(month, dst, len);
}

int
fmt_deadline(const char *received_utc, char *dst, size_t len)
{
	return fmt_deadline_months(received_utc, 1, dst, len);
}

int
fmt_parse_utc(const char *utc, time_t *out)
{
	struct tm t;
	const char *end;
	time_t s;

	memset(&t, 0, sizeof(t));
	if (utc == NULL || strlen(utc) != 20 ||
	    (end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &t)) == NULL ||
	    *end != '\0' || (s = timegm(&t)) == (time_t)-1)
		return -1;
	*out = s;
	return 0;
}

int
fmt_local_date(time_t t, char dst[11])
{
	struct tm l;

	if (localtime_r(&t, &l) == NULL ||
	    strftime(dst, 11, "%Y-%m-%d", &l) != 10) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

void
fmt_utc(time_t t, char dst[24])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(dst, 24, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(dst, 24, "1970-01-01T00:00:00Z");
}
