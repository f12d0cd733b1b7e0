/* outbox.c — mail queued in the database and retried with back-off; see outbox.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"

#define REF_KIND_MAX	40

enum ostmt {
	O_PUT, O_PROBLEMS, O_STATE, O__MAX
};

static const char *const sql[O__MAX] = {
	[O_PUT] = "INSERT INTO outbox (to_addr, subject, body, ref_kind, ref_id,"
	    " created, attempts, next_try, last_try, last_error) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[O_PROBLEMS] = "SELECT o.id, o.ref_kind, o.ref_id, coalesce(r.number,"
	    " ''), o.state, o.attempts, o.created, coalesce(o.last_try, ''),"
	    " coalesce(o.next_try, ''), o.last_error FROM outbox o LEFT JOIN"
	    " requests r ON r.id = o.ref_id AND (o.ref_kind = 'request' OR"
	    " o.ref_kind LIKE 'request.%') WHERE o.state = 'failed' OR"
	    " (o.state = 'pending' AND o.attempts > 0)"
	    " ORDER BY o.state = 'pending', o.next_try, o.id",
	[O_STATE] = "SELECT state FROM outbox WHERE id = ?1",
};

long
outbox_backoff(int attempts)
{
	/* seconds: 5 min, 15 min, 1 h, 4 h, 12 h */
	static const long steps[] = { 300, 900, 3600, 14400, 43200 };
	size_t n = sizeof(steps) / sizeof(steps[0]);

	if (attempts < 1)
		return steps[0];
	return (size_t)attempts >= n ? steps[n - 1] : steps[attempts - 1];
}

time_t
outbox_next_try(time_t created, int attempts, time_t now, int give_up_days)
{
	time_t limit = created + (time_t)give_up_days * 86400, next;

	if (now >= limit)
		return 0;
	next = now + outbox_backoff(attempts);
	return next < limit ? next : limit;
}

/* Whether mail_format would build the message (a scratch From: of to itself). */
static int
message_ok(const char *to, const char *subject, const char *body)
{
	struct mail m = { to, to, subject, body };
	struct buf b = BUF_INIT;
	int ok;

	if (to == NULL || subject == NULL || body == NULL ||
	    strlen(subject) > OUTBOX_SUBJECT_MAX ||
	    strlen(body) > OUTBOX_BODY_MAX)
		return 0;
	ok = mail_format(&m, &b) == 0;
	buf_free(&b);
	return ok;
}

int
outbox_queue(sqlite3 *db, const char *to, const char *subject,
    const char *body, const char *ref_kind, long long ref_id, time_t now,
    int tried, long long *id_out)
{
	sqlite3_stmt *st;
	char created[24], next[24];

	if (ref_kind == NULL)
		ref_kind = "";
	if (!message_ok(to, subject, body) || strlen(ref_kind) > REF_KIND_MAX)
		return 1;
	if ((st = db_prep(db, sql, O_PUT)) == NULL)
		return -1;
	fmt_utc(now, created);
	fmt_utc(tried ? now + outbox_backoff(1) : now, next);
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ref_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ref_id);
	sqlite3_bind_text(st, 6, created, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, tried ? 1 : 0);
	sqlite3_bind_text(st, 8, next, -1, SQLITE_STATIC);
	if (tried) {
		sqlite3_bind_text(st, 9, created, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "sendmail", -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 9);
		sqlite3_bind_text(st, 10, "", -1, SQLITE_STATIC);
	}
	if (db_done(st) != 0) {
		LOG_ERR("cannot queue a message (%s): %s", ref_kind,
		    sqlite3_errmsg(db));
		return -1;
	}
	if (id_out != NULL)
		*id_out = sqlite3_last_insert_rowid(db);
	return 0;
}

int
outbox_put(sqlite3 *db, const char *to, const char *subject,
    const char *body, const char *ref_kind, long long ref_id,
    long long *id_out)
{
	return outbox_queue(db, to, subject, body, ref_kind, ref_id,
	    time(NULL), 0, id_out);
}

int
outbox_problems(sqlite3 *db, int (*fn)(void *, const struct outbox_item *),
    void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, O_PROBLEMS);
	int rc = 0, step;

	if (st == NULL)
		return -1;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_item it;

		it.id = sqlite3_column_int64(st, 0);
		it.ref_kind = (const char *)sqlite3_column_text(st, 1);
		it.ref_id = sqlite3_column_int64(st, 2);
		it.number = (const char *)sqlite3_column_text(st, 3);
		it.state = (const char *)sqlite3_column_text(st, 4);
		it.attempts = sqlite3_column_int(st, 5);
		it.created = (const char *)sqlite3_column_text(st, 6);
		it.last_try = (const char *)sqlite3_column_text(st, 7);
		it.next_try = (const char *)sqlite3_column_text(st, 8);
		it.last_error = (const char *)sqlite3_column_text(st, 9);
		rc = fn(arg, &it);
	}
	if (rc == 0 && step != SQLITE_DONE) {
		LOG_ERR("cannot read the outbox: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
outbox_state(sqlite3 *db, long long id, char state[8])
{
	sqlite3_stmt *st = db_prep(db, sql, O_STATE);
	int rc = -1, step;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(state, 8, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}
