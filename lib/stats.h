/*
 * stats.h — the statistics of one year, for the controller to show that
 * requests were answered in time (GDPR Art. 5(2), 12(3)) and how the
 * register grows: requests per month by type, days to answer (median and
 * 90th percentile), answers within the deadline, refusals with their legal
 * bases, extensions, customers added and relationships ended. A struct of arrays, one column per month and
 * one for the year; the executable builds tables, charts and CSV from it.
 * docs/requests.md, "Statistics", says what each number means.
 */
#ifndef REKISTERI_STATS_H
#define REKISTERI_STATS_H

#include <stddef.h>

#include <sqlite3.h>

#include "letter.h"
#include "ticket.h"

#define STATS_MONTHS	12
#define STATS_YEAR_COL	12	/* the column after the months: the whole year */
#define STATS_COLS	13

/* The years the statistics take (four digits). */
#define STATS_YEAR_MIN	1900
#define STATS_YEAR_MAX	9999

/*
 * What a refusal was: the two closing states, then the legal bases named
 * by the request's refusal letter marked sent (the latest, if several),
 * basis i of letter_bases at SREF_BASIS + i; a refused request without
 * such a letter counts as SREF_NO_BASIS. A letter naming several bases
 * counts once under each, so the basis rows may sum to more than the
 * refusals.
 */
enum stats_refusal {
	SREF_REFUSED,		/* status refused */
	SREF_PARTLY,		/* status partly_refused */
	SREF_BASIS,		/* the first of LETTER_BASES rows */
	SREF_NO_BASIS = SREF_BASIS + LETTER_BASES,	/* no sent refusal letter */
	SREF__MAX
};

/* Extensions (GDPR Art. 12(3)) by the Helsinki month of extended_at. */
enum stats_ext {
	SEXT_ALL,		/* every extension */
	SEXT_ONE,		/* by one month */
	SEXT_TWO,		/* by two months */
	SEXT__MAX
};

/*
 * A year's numbers. Months are calendar months in Helsinki time; column
 * STATS_YEAR_COL is the whole year. A request counts where it was
 * received (received, by_type), where it was extended (extensions) or
 * where it was closed (closed and the rest); days are whole calendar days from the Helsinki date of receipt
 * to that of closing. -1 in median_days and p90_days: nothing closed.
 */
struct stats {
	int	 year;
	long	 received[STATS_COLS];		/* requests received */
	long	 by_type[RT__MAX][STATS_COLS];	/* a request with several types counts in each */
	long	 closed[STATS_COLS];		/* answered, partly refused or refused */
	long	 median_days[STATS_COLS];	/* nearest rank, 50th percentile */
	long	 p90_days[STATS_COLS];		/* nearest rank, 90th percentile */
	long	 in_time[STATS_COLS];		/* closed on or before the deadline */
	long	 refusals[SREF__MAX][STATS_COLS];
	long	 extensions[SEXT__MAX][STATS_COLS];	/* where extended */
	long	 customers_added[STATS_COLS];	/* customer_since, else the day the record was made */
	long	 customers_ended[STATS_COLS];	/* relationship_ended */
};

/*
 * The statistics of year (STATS_YEAR_MIN..STATS_YEAR_MAX) into out, read
 * in one read transaction. Needs fmt_init (Helsinki time). 0, or -1
 * (logged).
 */
int	 stats_year(sqlite3 *, int year, struct stats *out);

/*
 * The years that have data (a request received, extended or closed, a
 * customer added or ended), ascending, at most max into years, their number in *n.
 * 0 or -1.
 */
int	 stats_years(sqlite3 *, int *years, size_t max, size_t *n);

/*
 * The pct-th percentile (1..100) of the n values of sorted (ascending) by
 * the nearest-rank method: the value at rank ceil(pct / 100 × n), counted
 * from 1. Always one of the values; the median (pct 50) of an even count
 * is the lower of the two middle ones. -1 when n is 0.
 */
long	 stats_nearest_rank(const long *sorted, size_t n, int pct);

/*
 * The deadline rule, in one place: a request closed on Helsinki date
 * closed_day ("YYYY-MM-DD") was answered in time when that date is on or
 * before its deadline (the last day, GDPR Art. 12(3) and EU Regulation
 * 1182/71). Which deadline is STATS_DEADLINE_SQL in stats.c.
 */
int	 stats_in_time(const char *closed_day, const char *deadline);

/* part of whole as a whole percent, rounded half up; -1 when whole is 0. */
long	 stats_percent(long part, long whole);

#endif
