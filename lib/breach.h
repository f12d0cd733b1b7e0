/* breach.h — the register of personal-data breaches (GDPR Art. 33(5)): append-only entries, and the 72-hour clock of Art. 33(1). */
#ifndef REKISTERI_BREACH_H
#define REKISTERI_BREACH_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

/* Times are UTC "YYYY-MM-DDTHH:MM:SSZ"; "" where unset. */
struct breach_entry {
	long long	 id;		/* the entry */
	long long	 breach_id;
	char		 recorded_at[21];
	long long	 recorded_by;	/* users.id */
	char		*recorded_by_name;	/* users.username, read back */
	char		 occurred_at[21];
	char		 aware_at[21];
	char		*what;
	char		*people_categories;
	long long	 people_count;	/* -1: not known */
	char		*record_categories;
	long long	 record_count;	/* -1: not known */
	char		*consequences;
	char		*measures;
	char		 notified_at[21];
	char		*late_reasons;
	char		*not_notified_reasons;
	char		 tell_people[10];	/* undecided | yes | no */
	char		 told_at[21];
	char		*tell_reasons;
	char		*note;
};

/* Free the strings of e[0..n) and e itself. */
void	 breach_entries_free(struct breach_entry *e, size_t n);

enum breach_clock {
	BC_RUNNING,	/* not notified, no decision, within 72 h of awareness */
	BC_OVERDUE,	/* the same past 72 h */
	BC_NOTIFIED,	/* the Ombudsman was notified */
	BC_NOT_NOTIFIED	/* decided not to notify, with reasons */
};

/*
 * GDPR Art. 33(1): the supervisory authority is notified without undue
 * delay and, where feasible, not later than 72 hours after the controller
 * became aware of the breach, unless it is unlikely to result in a risk.
 * The clock of e at now; *deadline gets aware_at + 72 h and *minutes the
 * whole minutes left (negative: overdue by that much).
 */
enum breach_clock breach_clock(const struct breach_entry *e, time_t now,
	    time_t *deadline, long long *minutes);

/*
 * What is wrong with e as an entry saved at now, as a message key
 * ("breach.err.FIELD...") with *field the form field; NULL when it is good.
 * The rules: what happened and both times are given, neither is in the
 * future, the notification is not before awareness; a notification past
 * 72 h gives reasons (Art. 33(1)); notified or not, not both; people not
 * to be told have reasons (Art. 34(3)); counts are not negative.
 */
const char *breach_check(const struct breach_entry *e, time_t now,
	    const char **field);

/*
 * Append e as a new entry: of breach_id, or of a new breach when it is 0.
 * Runs inside the caller's transaction. The breach's id, or -1.
 */
long long breach_add(sqlite3 *, long long breach_id,
	    const struct breach_entry *e, long long user, time_t now);

/* The newest entry of every breach, newest breach first, into *out. 0 or -1. */
int	 breach_list(sqlite3 *, struct breach_entry **out, size_t *n);

/* Every entry of breach id, oldest first. 0 (n 0: no such breach) or -1. */
int	 breach_history(sqlite3 *, long long id, struct breach_entry **out,
	    size_t *n);

/* "YYYY-MM-DDTHH:MM" in Helsinki time (a form's datetime-local) → UTC into out. 0 or -1. */
int	 breach_local_to_utc(const char *local, char out[21]);
/* UTC → "YYYY-MM-DDTHH:MM" in Helsinki time, for a form's value. */
void	 breach_utc_to_local(const char *utc, char out[17]);
/* UTC text → time_t; -1 when malformed. */
time_t	 breach_time(const char *utc);

#endif
