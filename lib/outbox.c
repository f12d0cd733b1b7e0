/* outbox.c — mail queued in the database and retried with back-off; see outbox.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"

#define REF_KIND_MAX	40
#define CLAIM_SECONDS	600	/* a claimed message is due again after this, should the run stop */

enum ostmt {
	O_PUT, O_DUE, O_CLAIM, O_SENT, O_RETRY, O_GIVE_UP, O_PROBLEMS, O_STATE,
	O__MAX
};

static const char *const sql[O__MAX] = {
	[O_PUT] = "INSERT INTO outbox (to_addr, subject, body, ref_kind, ref_id,"
	    " created, attempts, next_try, last_try, last_error) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[O_DUE] = "SELECT id, to_addr, subject, body, created, attempts FROM"
	    " outbox WHERE state = 'pending' AND next_try <= ?1"
	    " ORDER BY next_try, id LIMIT 1",
	[O_CLAIM] = "UPDATE outbox SET attempts = attempts + 1, last_try = ?2,"
	    " next_try = ?3, last_error = 'interrupted' WHERE id = ?1 AND"
	    " state = 'pending'",
	[O_SENT] = "UPDATE outbox SET state = 'sent', sent_at = ?2, next_try ="
	    " NULL, last_error = '', to_addr = '', body = '' WHERE id = ?1",
	[O_RETRY] = "UPDATE outbox SET next_try = ?2, last_error = ?3"
	    " WHERE id = ?1",
	[O_GIVE_UP] = "UPDATE outbox SET state = 'failed', next_try = NULL,"
	    " last_error = ?2, to_addr = '', body = '' WHERE id = ?1",
	[O_PROBLEMS] = "SELECT o.id, o.ref_kind, o.ref_id, coalesce(r.number,"
	    " ''), o.state, o.attempts, o.created, coalesce(o.last_try, ''),"
	    " coalesce(o.next_try, ''), o.last_error FROM outbox o LEFT JOIN"
	    " requests r ON r.id = o.ref_id AND (o.ref_kind = 'request' OR"
	    " o.ref_kind LIKE 'request.%') WHERE o.state = 'failed' OR"
	    " (o.state = 'pending' AND o.attempts > 0)"
	    " ORDER BY o.state = 'pending', o.next_try, o.id",
	[O_STATE] = "SELECT state FROM outbox WHERE id = ?1",
};

/* now as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
static void
iso_utc(time_t t, char out[24])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, 24, "1970-01-01T00:00:00Z");
}

long
outbox_backoff(int attempts)
{
	static const long steps[] = { 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60,
	    12 * 60 * 60 };
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
	iso_utc(now, created);
	iso_utc(tried ? now + outbox_backoff(1) : now, next);
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

/* A message claimed for one attempt. */
struct claimed {
	long long	 id;
	struct buf	 to, subject, body;
	time_t		 created;
	int		 attempts;	/* this attempt's number */
};

/* Personal data out of memory before it is freed. */
static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->len);
}

static void
text_col(sqlite3_stmt *st, int col, struct buf *b)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	buf_reset(b);
	buf_adds(b, s != NULL ? (const char *)s : "");
}

/*
 * The oldest message due at now, claimed (attempt counted, due again
 * after CLAIM_SECONDS) and committed before it is tried. 0 claimed; 1 none
 * due; -1 error.
 */
static int
claim(sqlite3 *db, time_t now, struct claimed *c)
{
	sqlite3_stmt *st = NULL;
	char at[24], later[24];
	int rc = -1, step;

	if (db_begin(db) != 0)
		return -1;
	if ((st = db_prep(db, sql, O_DUE)) == NULL)
		goto out;
	iso_utc(now, at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW)
		goto out;
	c->id = sqlite3_column_int64(st, 0);
	text_col(st, 1, &c->to);
	text_col(st, 2, &c->subject);
	text_col(st, 3, &c->body);
	if (fmt_parse_utc((const char *)sqlite3_column_text(st, 4),
	    &c->created) != 0)
		c->created = now;
	c->attempts = sqlite3_column_int(st, 5) + 1;
	sqlite3_finalize(st);
	if ((st = db_prep(db, sql, O_CLAIM)) == NULL)
		goto out;
	iso_utc(now + CLAIM_SECONDS, later);
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, later, -1, SQLITE_STATIC);
	rc = db_done(st);
	st = NULL;
	if (rc == 0 && db_commit(db) != 0)
		rc = -1;
	if (rc == 0)
		return 0;
out:
	sqlite3_finalize(st);
	db_rollback(db);
	return rc;
}

/* Record the outcome of c's attempt at now: sent, or err ("sendmail", ...) with a retry or given up. */
static int
record(sqlite3 *db, const struct claimed *c, time_t now, int give_up_days,
    const char *err, struct outbox_stats *stats)
{
	sqlite3_stmt *st;
	time_t next = 0;
	char t[24];

	if (err == NULL) {
		st = db_prep(db, sql, O_SENT);
		stats->sent++;
		iso_utc(now, t);
	} else if (strcmp(err, "format") != 0 &&
	    (next = outbox_next_try(c->created, c->attempts, now,
	    give_up_days)) != 0) {
		st = db_prep(db, sql, O_RETRY);
		stats->retry++;
		iso_utc(next, t);
	} else {
		st = db_prep(db, sql, O_GIVE_UP);
		stats->gave_up++;
		LOG_ERR("outbox message %lld failed for good after %d attempts"
		    " (%s)", c->id, c->attempts, err);
	}
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	if (err == NULL || next != 0)
		sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
	if (err != NULL)
		sqlite3_bind_text(st, next != 0 ? 3 : 2, err, -1, SQLITE_STATIC);
	return db_done(st);
}

int
outbox_run(sqlite3 *db, const char *sendmail, const char *from, time_t now,
    int give_up_days, struct outbox_stats *out)
{
	struct outbox_stats stats = { 0, 0, 0 };
	struct claimed c = { 0, BUF_INIT, BUF_INIT, BUF_INIT, 0, 0 };
	int rc = 0, got;

	for (int i = 0; i < OUTBOX_RUN_MAX; i++) {
		const char *err = NULL;

		if ((got = claim(db, now, &c)) != 0) {
			rc = got < 0 ? -1 : 0;
			break;
		}
		if (sendmail == NULL) {
			err = "no_sendmail";
		} else {
			struct mail m = { from, c.to.data, c.subject.data,
			    c.body.data };
			struct buf scratch = BUF_INIT;

			if (from == NULL || mail_format(&m, &scratch) != 0)
				err = "format";
			else if (mail_send(sendmail, &m) != 0)
				err = "sendmail";
			buf_free(&scratch);
		}
		if (record(db, &c, now, give_up_days, err, &stats) != 0) {
			rc = -1;
			break;
		}
	}
	wipe(&c.to);
	wipe(&c.body);
	buf_free(&c.to);
	buf_free(&c.subject);
	buf_free(&c.body);
	if (out != NULL)
		*out = stats;
	return rc;
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
