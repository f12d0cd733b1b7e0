/* outbox_run.c — delivering the outbox: claim a due message, try it, record the outcome; see outbox.h. Apart from outbox.c so that what only queues mail (the public executable) does not link the sender. */
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

#define CLAIM_SECONDS	600	/* a claimed message is due again after this, should the run stop */

enum rstmt {
	O_DUE, O_CLAIM, O_SENT, O_RETRY, O_GIVE_UP, O__MAX
};

static const char *const sql[O__MAX] = {
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
};

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
	fmt_utc(now, at);
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
	fmt_utc(now + CLAIM_SECONDS, later);
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
		fmt_utc(now, t);
	} else if (strcmp(err, "format") != 0 &&
	    (next = outbox_next_try(c->created, c->attempts, now,
	    give_up_days)) != 0) {
		st = db_prep(db, sql, O_RETRY);
		stats->retry++;
		fmt_utc(next, t);
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

