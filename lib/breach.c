/* breach.c — the breach register; see breach.h, sql/016_breaches.sql and docs/compliance.md. */
#define _XOPEN_SOURCE 700	/* strptime */ /* NOLINT(cert-dcl51-cpp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breach.h"
#include "buf.h"
#include "db.h"

#define HOURS_72	((time_t)72 * 60 * 60)	/* GDPR Art. 33(1) */

enum bstmt { B_NEW, B_ADD, B_LIST, B_HISTORY, B__MAX };

#define COLS	"e.id, e.breach_id, e.recorded_at, e.recorded_by," \
		" coalesce(u.username, ''), e.occurred_at, e.aware_at, e.what," \
		" e.people_categories, coalesce(e.people_count, -1)," \
		" e.record_categories, coalesce(e.record_count, -1)," \
		" e.consequences, e.measures, coalesce(e.notified_at, '')," \
		" e.late_reasons, e.not_notified_reasons, e.tell_people," \
		" coalesce(e.told_at, ''), e.tell_reasons, e.note" \
		" FROM breach_entries e LEFT JOIN users u ON u.id = e.recorded_by"

static const char *const bsql[B__MAX] = {
	[B_NEW] = "INSERT INTO breaches (created_at) VALUES (?1)",
	[B_ADD] = "INSERT INTO breach_entries (breach_id, recorded_at,"
	    " recorded_by, occurred_at, aware_at, what, people_categories,"
	    " people_count, record_categories, record_count, consequences,"
	    " measures, notified_at, late_reasons, not_notified_reasons,"
	    " tell_people, told_at, tell_reasons, note) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, nullif(?13, ''), ?14, ?15, ?16,"
	    " nullif(?17, ''), ?18, ?19)",
	[B_LIST] = "SELECT " COLS " WHERE e.id = (SELECT max(id) FROM"
	    " breach_entries x WHERE x.breach_id = e.breach_id)"
	    " ORDER BY e.breach_id DESC",
	[B_HISTORY] = "SELECT " COLS " WHERE e.breach_id = ?1 ORDER BY e.id",
};

void
breach_entries_free(struct breach_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].recorded_by_name);
		free(e[i].what);
		free(e[i].people_categories);
		free(e[i].record_categories);
		free(e[i].consequences);
		free(e[i].measures);
		free(e[i].late_reasons);
		free(e[i].not_notified_reasons);
		free(e[i].tell_reasons);
		free(e[i].note);
	}
	free(e);
}

time_t
breach_time(const char *utc)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (utc == NULL || (end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm)) ==
	    NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

int
breach_local_to_utc(const char *local, char out[21])
{
	struct tm tm, check;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (local == NULL || strlen(local) != 16 ||
	    (end = strptime(local, "%Y-%m-%dT%H:%M", &tm)) == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;	/* Helsinki, summer or winter (fmt_init) */
	check = tm;
	if ((t = mktime(&tm)) == -1 || tm.tm_mday != check.tm_mday ||
	    tm.tm_mon != check.tm_mon)
		return -1;	/* 31 February */
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &check));
	return 0;
}

void
breach_utc_to_local(const char *utc, char out[17])
{
	struct tm tm;
	time_t t = breach_time(utc);

	out[0] = '\0';
	if (t != -1)
		strftime(out, 17, "%Y-%m-%dT%H:%M", localtime_r(&t, &tm));
}

enum breach_clock
breach_clock(const struct breach_entry *e, time_t now, time_t *deadline,
    long long *minutes)
{
	time_t aware = breach_time(e->aware_at);

	*deadline = aware + HOURS_72;
	/* whole minutes left, rounded towards the deadline passing */
	*minutes = (long long)(*deadline - now) / 60;
	if (*deadline < now && (*deadline - now) % 60 != 0)
		(*minutes)--;
	if (e->notified_at[0] != '\0')
		return BC_NOTIFIED;
	if (e->not_notified_reasons != NULL && e->not_notified_reasons[0] != '\0')
		return BC_NOT_NOTIFIED;
	return now <= *deadline ? BC_RUNNING : BC_OVERDUE;
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

const char *
breach_check(const struct breach_entry *e, time_t now, const char **field)
{
	time_t occurred = breach_time(e->occurred_at),
	    aware = breach_time(e->aware_at), notified = -1, told = -1;

	if (e->notified_at[0] != '\0')
		notified = breach_time(e->notified_at);
	if (e->told_at[0] != '\0')
		told = breach_time(e->told_at);
#define BAD(f, key)	do { *field = f; return key; } while (0)
	if (blank(e->what))
		BAD("what", "breach.err.what");
	if (occurred == -1 || occurred > now)
		BAD("occurred_at", "breach.err.time");
	if (aware == -1 || aware > now)
		BAD("aware_at", "breach.err.time");
	if (e->people_count < -1 || e->record_count < -1)
		BAD("people_count", "breach.err.count");
	if (e->notified_at[0] != '\0' && (notified == -1 || notified > now))
		BAD("notified_at", "breach.err.time");
	if (notified != -1 && notified < aware)
		BAD("notified_at", "breach.err.before_aware");
	/* Art. 33(1): a notification after 72 hours gives the reasons for the delay */
	if (notified != -1 && notified > aware + HOURS_72 && blank(e->late_reasons))
		BAD("late_reasons", "breach.err.late_reasons");
	if (notified != -1 && !blank(e->not_notified_reasons))
		BAD("not_notified_reasons", "breach.err.both");
	if (strcmp(e->tell_people, "undecided") != 0 &&
	    strcmp(e->tell_people, "yes") != 0 && strcmp(e->tell_people, "no") != 0)
		BAD("tell_people", "breach.err.tell");
	/* Art. 34(3): not telling the people concerned needs its ground */
	if (strcmp(e->tell_people, "no") == 0 && blank(e->tell_reasons))
		BAD("tell_reasons", "breach.err.tell_reasons");
	if (e->told_at[0] != '\0' && (told == -1 || told > now ||
	    strcmp(e->tell_people, "yes") != 0))
		BAD("told_at", "breach.err.told");
#undef BAD
	*field = NULL;
	return NULL;
}

static void
bind_text(sqlite3_stmt *st, int k, const char *s)
{
	sqlite3_bind_text(st, k, s ? s : "", -1, SQLITE_TRANSIENT);
}

static void
bind_count(sqlite3_stmt *st, int k, long long v)
{
	if (v < 0)
		sqlite3_bind_null(st, k);
	else
		sqlite3_bind_int64(st, k, v);
}

long long
breach_add(sqlite3 *db, long long breach_id, const struct breach_entry *e,
    long long user, time_t now)
{
	sqlite3_stmt *st;
	char at[21];
	struct tm tm;
	int ok;

	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (breach_id == 0) {
		if ((st = db_prep(db, bsql, B_NEW)) == NULL)
			return -1;
		bind_text(st, 1, at);
		if (db_done(st) != 0)
			return -1;
		breach_id = sqlite3_last_insert_rowid(db);
	}
	if ((st = db_prep(db, bsql, B_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, breach_id);
	bind_text(st, 2, at);
	sqlite3_bind_int64(st, 3, user);
	bind_text(st, 4, e->occurred_at);
	bind_text(st, 5, e->aware_at);
	bind_text(st, 6, e->what);
	bind_text(st, 7, e->people_categories);
	bind_count(st, 8, e->people_count);
	bind_text(st, 9, e->record_categories);
	bind_count(st, 10, e->record_count);
	bind_text(st, 11, e->consequences);
	bind_text(st, 12, e->measures);
	bind_text(st, 13, e->notified_at);
	bind_text(st, 14, e->late_reasons);
	bind_text(st, 15, e->not_notified_reasons);
	bind_text(st, 16, e->tell_people);
	bind_text(st, 17, e->told_at);
	bind_text(st, 18, e->tell_reasons);
	bind_text(st, 19, e->note);
	ok = db_done(st) == 0;
	return ok ? breach_id : -1;
}

static char *
col(sqlite3_stmt *st, int k)
{
	const char *s = (const char *)sqlite3_column_text(st, k);

	return xstrdup(s ? s : "");
}

static void
col_time(sqlite3_stmt *st, int k, char out[21])
{
	const char *s = (const char *)sqlite3_column_text(st, k);

	snprintf(out, 21, "%s", s ? s : "");
}

/* Rows of st into *out. 0 or -1. */
static int
read_rows(sqlite3_stmt *st, struct breach_entry **out, size_t *n)
{
	struct breach_entry *v = NULL;
	size_t cnt = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct breach_entry *e;

		v = xrealloc(v, (cnt + 1) * sizeof(*v));
		e = &v[cnt++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->breach_id = sqlite3_column_int64(st, 1);
		col_time(st, 2, e->recorded_at);
		e->recorded_by = sqlite3_column_int64(st, 3);
		e->recorded_by_name = col(st, 4);
		col_time(st, 5, e->occurred_at);
		col_time(st, 6, e->aware_at);
		e->what = col(st, 7);
		e->people_categories = col(st, 8);
		e->people_count = sqlite3_column_int64(st, 9);
		e->record_categories = col(st, 10);
		e->record_count = sqlite3_column_int64(st, 11);
		e->consequences = col(st, 12);
		e->measures = col(st, 13);
		col_time(st, 14, e->notified_at);
		e->late_reasons = col(st, 15);
		e->not_notified_reasons = col(st, 16);
		snprintf(e->tell_people, sizeof(e->tell_people), "%s",
		    (const char *)sqlite3_column_text(st, 17));
		col_time(st, 18, e->told_at);
		e->tell_reasons = col(st, 19);
		e->note = col(st, 20);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		breach_entries_free(v, cnt);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
breach_list(sqlite3 *db, struct breach_entry **out, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, bsql, B_LIST);

	*out = NULL;
	*n = 0;
	return st == NULL ? -1 : read_rows(st, out, n);
}

int
breach_history(sqlite3 *db, long long id, struct breach_entry **out,
    size_t *n)
{
	sqlite3_stmt *st = db_prep(db, bsql, B_HISTORY);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return read_rows(st, out, n);
}
