/* fmt.h — dates and times as people read them: Finnish forms in Finnish, English in English, Helsinki time. */
#ifndef REKISTERI_FMT_H
#define REKISTERI_FMT_H

#include <stddef.h>
#include <time.h>

#include "i18n.h"

/* Call once at start-up: local times are Europe/Helsinki from then on. */
void	 fmt_init(void);

/*
 * "2020-06-23" → "23.6.2020" (fi) or "23 June 2020" (en) into dst.
 * Returns 0, or -1 (dst = "") when date is not a real calendar date.
 */
int	 fmt_date(char *dst, size_t len, enum lang, const char *date);

/*
 * "2026-11-25T12:05:00Z" (UTC) → "25.11.2026 klo 14.05" (fi) or
 * "25 November 2026 at 14:05" (en), Helsinki time. 0 or -1 as above.
 */
int	 fmt_datetime(char *dst, size_t len, enum lang, const char *utc);

/* "23.6.2020" (a real date, year from 1900) → "2020-06-23" into iso. 0 or -1. */
int	 fmt_parse_fi_date(const char *s, char *iso, size_t len);

/* Cents as money: "1 234,56 €" (fi, a no-break space between thousands) or "€1,234.56" (en). */
void	 fmt_money(char *dst, size_t len, enum lang, long long cents);

/* Parse "YYYY-MM-DD" into *tm (a real date only). 0 or -1. */
int	 fmt_parse_date(const char *date, struct tm *tm);

/*
 * "YYYY-MM-DD" → the date one calendar month later into dst, counted as EU
 * Regulation 1182/71 Art. 3(2)(c) does: the same day of the next month, or
 * that month's last day when it has no such day (2026-01-31 → 2026-02-28,
 * 2026-12-31 → 2027-01-31). 0, or -1 (dst = "") for a non-date or a dst
 * too short.
 */
int	 fmt_add_month(const char *date, char *dst, size_t len);

/*
 * The same for months calendar months (0..1200): 2026-01-31 + 3 →
 * 2026-04-30. fmt_add_month is fmt_add_months(date, 1, ...).
 */
int	 fmt_add_months(const char *date, int months, char *dst, size_t len);

/*
 * "YYYY-MM-DD" itself when it is a Finnish working day, else the next one
 * (EU Regulation 1182/71 Art. 3(4): a period ending on a Saturday, Sunday
 * or public holiday ends on the next working day; the holidays are those
 * of Act 150/1930, Christmas and Midsummer Eve included). 0 or -1.
 */
int	 fmt_working_day(const char *date, char *dst, size_t len);

/*
 * The deadline of a request received at "YYYY-MM-DDTHH:MM:SSZ" (UTC): one
 * calendar month (fmt_add_month) from the day of receipt in Helsinki,
 * moved to the next working day when it falls on a weekend or a public
 * holiday (fmt_working_day), as "YYYY-MM-DD" into dst. Needs fmt_init.
 * 0, or -1 (dst = "") as above.
 */
int	 fmt_deadline(const char *received_utc, char *dst, size_t len);

/*
 * The same for a period of months (1..3) from the day of receipt: an
 * extended deadline (GDPR Art. 12(3): one month, extendable by two
 * further months) is counted from receipt as one period of 1 + N months
 * (EU 1182/71 Art. 3(2)(c)), then moved to a working day (Art. 3(4)).
 * fmt_deadline is fmt_deadline_months(received, 1, ...).
 */
int	 fmt_deadline_months(const char *received_utc, int months, char *dst,
	    size_t len);

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) → *out. 0, or -1 when it is not one. */
int	 fmt_parse_utc(const char *utc, time_t *out);

/* The calendar day of t in Helsinki (needs fmt_init) as "YYYY-MM-DD". 0 or -1 (dst ""). */
int	 fmt_local_date(time_t t, char dst[11]);

/* t as "YYYY-MM-DDTHH:MM:SSZ" (UTC), the form the database keeps. */
void	 fmt_utc(time_t t, char dst[24]);

#endif
