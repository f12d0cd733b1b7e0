/* dsr_case.c — a data-subject request as a case that ends: its states and the steps between them, the customer records it is about, and its history of steps. See dsr.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_cache.h"
#include "dsr.h"
#include "log.h"
#include "validate.h"

#define STEP_NOTE_MAX	1000	/* characters of a step's note (reasons) */

const char *const dsr_state_names[DS__MAX] = {
	"received", "in_progress", "answered", "partly_refused", "refused",
};

enum cstmt {
	K_STATE, K_MOVE, K_ASK, K_STEP_ADD, K_STEPS, K_LINK, K_UNLINK, K_LINKS,
	K_OF_CUSTOMER, K_EMAIL_LINKED, K_LINKED, K_CUSTOMER_EXISTS, K_EXISTS,
	K_CONFIRMED, K_BRIEFS, K__MAX
};

static const char *const sql[K__MAX] = {
	[K_STATE] = "SELECT status, identity_method IS NOT NULL FROM requests"
	    " WHERE id = ?1",
	[K_MOVE] = "UPDATE requests SET status = ?2, closed_at = CASE WHEN ?2 IN"
	    " ('received', 'in_progress') THEN NULL ELSE ?3 END, closed_by ="
	    " CASE WHEN ?2 IN ('received', 'in_progress') THEN NULL ELSE ?4 END"
	    " WHERE id = ?1",
	[K_ASK] = "UPDATE requests SET asked_at = ?2 WHERE id = ?1",
	[K_STEP_ADD] = "INSERT INTO request_steps (request_id, at, user_id,"
	    " action, note) VALUES (?1, ?2, ?3, ?4, ?5)",
	[K_STEPS] = "SELECT s.at, coalesce(u.display_name, ''), s.action, s.note"
	    " FROM request_steps s LEFT JOIN users u ON u.id = s.user_id"
	    " WHERE s.request_id = ?1 ORDER BY s.id",
	[K_LINK] = "INSERT OR IGNORE INTO request_customers (request_id,"
	    " customer_id, linked_by) VALUES (?1, ?2, ?3)",
	[K_UNLINK] = "DELETE FROM request_customers WHERE request_id = ?1 AND"
	    " customer_id = ?2",
	[K_LINKS] = "SELECT c.id, c.number, c.first_name, c.last_name,"
	    " c.organisation, c.email FROM request_customers l JOIN customers c"
	    " ON c.id = l.customer_id WHERE l.request_id = ?1 ORDER BY c.number",
	[K_OF_CUSTOMER] = "SELECT r.id, r.number, r.status, r.received,"
	    " coalesce(r.extended_deadline, r.deadline), r.deadline, r.channel"
	    " FROM request_customers l JOIN requests r ON r.id ="
	    " l.request_id WHERE l.customer_id = ?1 ORDER BY r.id DESC",
	/* the address the person confirmed, on a record the request is about */
	[K_EMAIL_LINKED] = "SELECT count(*) FROM requests r JOIN"
	    " request_customers l ON l.request_id = r.id JOIN customers c ON"
	    " c.id = l.customer_id WHERE r.id = ?1 AND r.email_confirmed_at IS"
	    " NOT NULL AND r.email <> '' AND lower(c.email) = lower(r.email)",
	[K_LINKED] = "SELECT count(*) FROM request_customers WHERE request_id = ?1",
	[K_CUSTOMER_EXISTS] = "SELECT count(*) FROM customers WHERE id = ?1",
	[K_EXISTS] = "SELECT count(*) FROM requests WHERE id = ?1",
	[K_CONFIRMED] = "SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " email_confirmed_at IS NOT NULL",
	/* the deadline that counts: the extended one when there is one */
	[K_BRIEFS] = "SELECT id, number, status, received, coalesce("
	    "extended_deadline, deadline), deadline, channel FROM requests"
	    " WHERE ?1 = 0 OR status IN ('received', 'in_progress') ORDER BY"
	    " coalesce(extended_deadline, deadline), id",
};

/* The first column of k's one row (?1 = id) as a number; -1 on error. */
static long long
count(sqlite3 *db, enum cstmt k, long long id)
{
	sqlite3_stmt *st = db_prep(db, sql, k);
	long long n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
utc_now(char out[24])
{
	time_t now = time(NULL);
	struct tm tm;

	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

int
dsr_state_parse(const char *s)
{
	for (int i = 0; s != NULL && i < DS__MAX; i++)
		if (strcmp(s, dsr_state_names[i]) == 0)
			return i;
	return -1;
}

int
dsr_is_open(const char *status)
{
	return strcmp(status, "received") == 0 ||
	    strcmp(status, "in_progress") == 0;
}

int
dsr_step(sqlite3 *db, long long id, long long user_id, const char *action,
    const char *note)
{
	sqlite3_stmt *st = db_prep(db, sql, K_STEP_ADD);
	char now[24];

	if (st == NULL)
		return -1;
	utc_now(now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_STATIC);
	return db_done(st);
}

/* A step's note: one line of at most STEP_NOTE_MAX characters into out. */
static const char *
note_check(const char *note, char *out, size_t len)
{
	return val_multiline(note ? note : "", STEP_NOTE_MAX, out, len);
}

/*
 * Whether a case may go from status (identity checked or not) to `to`
 * (GDPR Art. 12(3)-(4), 15(1)): only forward, a closed case never moves,
 * and an answer that gives personal data out needs the identity checked
 * (Art. 12(6)); a refusal does not. NULL, or the message key of the reason.
 */
static const char *
move_allowed(const char *status, int identity, enum dsr_state to)
{
	if (!dsr_is_open(status))
		return "request.err.closed";
	if (to == DS_RECEIVED)
		return "request.err.state";
	if (to == DS_IN_PROGRESS && strcmp(status, "received") != 0)
		return "request.err.state";
	if ((to == DS_ANSWERED || to == DS_PARTLY_REFUSED) && !identity)
		return "request.err.identity_first";
	return NULL;
}

int
dsr_move(sqlite3 *db, long long id, enum dsr_state to, const char *note,
    long long user_id, const char **why)
{
	char clean[STEP_NOTE_MAX * 4 + 1], status[16] = "", now[24];
	sqlite3_stmt *st;
	int identity = 0, rc;

	*why = NULL;
	if ((unsigned)to >= DS__MAX)
		return -1;
	if ((st = db_prep(db, sql, K_STATE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(status, sizeof(status), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		identity = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		*why = "request.none";
		return 1;
	}
	if (rc != SQLITE_ROW)
		return -1;
	if ((*why = move_allowed(status, identity, to)) != NULL)
		return 1;
	/* a refusal says why (Art. 12(4)): the reasons go into the step */
	if (note_check(note, clean, sizeof(clean)) != NULL ||
	    ((to == DS_REFUSED || to == DS_PARTLY_REFUSED) && clean[0] == '\0')) {
		*why = "request.err.reasons";
		return 1;
	}
	utc_now(now);
	if ((st = db_prep(db, sql, K_MOVE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, dsr_state_names[to], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(st, 4, user_id);
	if (db_done(st) != 0)
		return -1;
	return dsr_step(db, id, user_id, dsr_state_names[to], clean);
}

int
dsr_ask(sqlite3 *db, long long id, const char *note, long long user_id,
    const char **why)
{
	char clean[STEP_NOTE_MAX * 4 + 1], status[16] = "", now[24];
	sqlite3_stmt *st;
	int rc;

	*why = NULL;
	if ((st = db_prep(db, sql, K_STATE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(status, sizeof(status), "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		*why = "request.none";
		return rc == SQLITE_DONE ? 1 : -1;
	}
	if (!dsr_is_open(status)) {
		*why = "request.err.closed";
		return 1;
	}
	if (note_check(note, clean, sizeof(clean)) != NULL || clean[0] == '\0') {
		*why = "request.err.asked";
		return 1;
	}
	/* the time still runs (the Ombudsman's practice): only the date is kept */
	utc_now(now);
	if ((st = db_prep(db, sql, K_ASK)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	if (db_done(st) != 0)
		return -1;
	return dsr_step(db, id, user_id, "asked", clean);
}

int
dsr_link(sqlite3 *db, long long id, long long customer_id, long long user_id,
    int on, const char **why)
{
	sqlite3_stmt *st;

	*why = NULL;
	if (count(db, K_EXISTS, id) != 1) {
		*why = "request.none";
		return 1;
	}
	if (count(db, K_CUSTOMER_EXISTS, customer_id) != 1) {
		*why = "request.err.no_customer";
		return 1;
	}
	if ((st = db_prep(db, sql, on ? K_LINK : K_UNLINK)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, customer_id);
	if (on && user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	if (db_done(st) != 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;	/* linked already, or not linked: nothing to record */
	{
		char note[32];

		snprintf(note, sizeof(note), "%lld", customer_id);
		return dsr_step(db, id, user_id, on ? "linked" : "unlinked", note);
	}
}

int
dsr_links(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct dsr_link *), void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, K_LINKS);
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dsr_link l = { sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5) };

		stop = fn(arg, &l);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The briefs st gives (columns id, number, status, received, deadline, first deadline, channel), each through fn; releases st (db_cache.h). */
static int
briefs(sqlite3_stmt *st, int (*fn)(void *arg, const struct dsr_brief *),
    void *arg)
{
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dsr_brief b = { sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5),
		    (const char *)sqlite3_column_text(st, 6) };

		stop = fn(arg, &b);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
dsr_of_customer(sqlite3 *db, long long customer_id,
    int (*fn)(void *arg, const struct dsr_brief *), void *arg)
{
	sqlite3_stmt *st = db_cached(db, sql, K_OF_CUSTOMER);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	return briefs(st, fn, arg);
}

int
dsr_briefs(sqlite3 *db, int open_only,
    int (*fn)(void *arg, const struct dsr_brief *), void *arg)
{
	sqlite3_stmt *st = db_cached(db, sql, K_BRIEFS);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, open_only != 0);
	return briefs(st, fn, arg);
}

int
dsr_steps(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct dsr_step_row *), void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, K_STEPS);
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dsr_step_row s = { (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3) };

		stop = fn(arg, &s);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
dsr_identity_allowed(sqlite3 *db, long long id, enum dsr_idmethod how,
    const char **why)
{
	long long n;

	*why = NULL;
	if ((n = count(db, K_EXISTS, id)) != 1) {
		*why = "request.none";
		return n < 0 ? -1 : 1;
	}
	switch (how) {
	case RID_EMAIL_CODE:
		/* only a followed confirmation link proves the address ... */
		if ((n = count(db, K_CONFIRMED, id)) < 0)
			return -1;
		if (n == 0) {
			*why = "reception.err.not_confirmed";
			break;
		}
		/* ... and it counts when the register holds it for them */
		if ((n = count(db, K_EMAIL_LINKED, id)) < 0)
			return -1;
		if (n == 0)
			*why = "reception.err.email_not_linked";
		break;
	case RID_RECORD_MATCH:
		if ((n = count(db, K_LINKED, id)) < 0)
			return -1;
		if (n == 0)
			*why = "reception.err.no_link";
		break;
	default:
		break;
	}
	return *why != NULL;
}
