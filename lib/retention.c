/*
 * retention.c — the retention run; see retention.h and docs/retention.md
 * "Retention run". Every period comes from lib/retention_class.c (with the
 * config's overrides, retention_configure), the same table the record of
 * processing (Art. 30) shows, and the cut-offs are computed by SQLite's
 * date functions from the run's clock (judged_at), so a resumed run cuts
 * where the killed one did. A job's "due" condition is also its "not yet
 * done" condition: a batch changes only due rows and leaves them not due,
 * which makes the run idempotent and a killed run resumable batch by batch.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "db_cache.h"
#include "forget.h"
#include "holds.h"
#include "log.h"
#include "retention.h"

/* ?1 the run's clock (UTC text), ?2 the period in the rule's unit, ?3 the batch's rows, ?4 the sessions' idle seconds. */
#define NOW_S	"CAST(strftime('%s', ?1) AS INTEGER)"
#define CUT_MIN	"strftime('%Y-%m-%dT%H:%M:%SZ', ?1, printf('-%d minutes', ?2))"
#define CUT_MON	"strftime('%Y-%m-%dT%H:%M:%SZ', ?1, printf('-%d months', ?2))"

/* What is due in each job, as the WHERE of its table (alias t). */
#define DUE_SESSION	"t.created_at < " NOW_S " - ?2 * 60 OR t.seen_at < " \
			NOW_S " - ?4"
#define DUE_SIGNIN	"t.at < " NOW_S " - ?2 * 60"
#define DUE_RATE	"t.minute < " NOW_S " / 60 - ?2"
#define DUE_UPLOAD	"t.created_at < " CUT_MIN
#define DUE_OUTBOX	"t.state IN ('sent', 'failed') AND (t.to_addr <> '' OR " \
			"t.body <> '')"
#define DUE_HOLD	"t.old_value <> '' AND t.at < " CUT_MON
#define DUE_HNEW	"t.new_value <> '' AND EXISTS (SELECT 1 FROM " \
			"customer_history n WHERE n.customer_id = t.customer_id " \
			"AND n.field = t.field AND n.id > t.id AND n.at < " CUT_MON ")"
#define DUE_REQUEST	"t.closed_at IS NOT NULL AND t.closed_at < " CUT_MON
/* the notice: 10 years from the end of the relationship (a date) */
#define DUE_CUSTOMER	"t.relationship_ended <> '' AND t.relationship_ended < " \
			"date(?1, printf('-%d months', ?2)) AND t.id NOT IN " \
			"(SELECT id FROM customer_tombstones)"
/* the audit log: the first row to keep is the first within the period, or the last row */
#define AUDIT_KEEP	"coalesce((SELECT min(id) FROM audit_log WHERE at >= " \
			CUT_MON "), (SELECT max(id) FROM audit_log))"

_Static_assert(HOLD__MAX <= RETENTION_HOLDS, "RETENTION_HOLDS too small");

struct job {
	const char		*code;
	enum retention_class	 rc;
	enum retention_action	 action;
	int			 wired;
	const char		*due;	/* SELECT count(*) of the due rows */
	const char		*total;	/* SELECT count(*) of the class's rows */
	const char		*batch;	/* change at most ?3 due rows; NULL: done in code */
};

static const struct job jobs[RJ__MAX] = {
	[RJ_SESSION] = { "session", RC_SESSION, RA_DELETE, 1,
	    "SELECT count(*) FROM sessions t WHERE " DUE_SESSION,
	    "SELECT count(*) FROM sessions",
	    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions t"
	    " WHERE " DUE_SESSION " LIMIT ?3)" },
	[RJ_SIGNIN] = { "signin", RC_SIGNIN, RA_DELETE, 1,
	    "SELECT count(*) FROM login_failures t WHERE " DUE_SIGNIN,
	    "SELECT count(*) FROM login_failures",
	    "DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM"
	    " login_failures t WHERE " DUE_SIGNIN " LIMIT ?3)" },
	[RJ_RATE] = { "rate", RC_RATE, RA_DELETE, 1,
	    "SELECT count(*) FROM request_rate t WHERE " DUE_RATE,
	    "SELECT count(*) FROM request_rate",
	    "DELETE FROM request_rate WHERE (addr_hash, minute) IN (SELECT"
	    " addr_hash, minute FROM request_rate t WHERE " DUE_RATE
	    " LIMIT ?3)" },
	[RJ_UPLOAD] = { "upload", RC_UPLOAD, RA_DELETE, 1,
	    "SELECT count(*) FROM import_uploads t WHERE " DUE_UPLOAD,
	    "SELECT count(*) FROM import_uploads",
	    "DELETE FROM import_uploads WHERE id IN (SELECT id FROM"
	    " import_uploads t WHERE " DUE_UPLOAD " LIMIT ?3)" },
	[RJ_OUTBOX] = { "outbox", RC_OUTBOX, RA_EMPTY, 1,
	    "SELECT count(*) FROM outbox t WHERE " DUE_OUTBOX,
	    "SELECT count(*) FROM outbox",
	    "UPDATE outbox SET to_addr = '', body = '' WHERE id IN (SELECT id"
	    " FROM outbox t WHERE " DUE_OUTBOX " LIMIT ?3)" },
	[RJ_HISTORY_OLD] = { "history.old", RC_HISTORY, RA_EMPTY, 1,
	    "SELECT count(*) FROM customer_history t WHERE " DUE_HOLD,
	    "SELECT count(*) FROM customer_history WHERE old_value <> ''",
	    "UPDATE customer_history SET old_value = '' WHERE id IN (SELECT id"
	    " FROM customer_history t WHERE " DUE_HOLD " LIMIT ?3)" },
	[RJ_HISTORY_NEW] = { "history.new", RC_HISTORY, RA_EMPTY, 1,
	    "SELECT count(*) FROM customer_history t WHERE " DUE_HNEW,
	    "SELECT count(*) FROM customer_history WHERE new_value <> ''",
	    "UPDATE customer_history SET new_value = '' WHERE id IN (SELECT id"
	    " FROM customer_history t WHERE " DUE_HNEW " LIMIT ?3)" },
	[RJ_REQUEST] = { "request", RC_REQUEST, RA_DELETE, 1,
	    "SELECT count(*) FROM requests t WHERE " DUE_REQUEST,
	    "SELECT count(*) FROM requests",
	    NULL },
	/*
	 * Erased or anonymised as the holds allow (customer_batch); counted
	 * only when the run is given no retention_erasure. An anonymised
	 * record keeps its dates, so its tombstone takes it out of "due".
	 */
	[RJ_CUSTOMER] = { "customer", RC_CUSTOMER, RA_ERASE, 1,
	    "SELECT count(*) FROM customers t WHERE " DUE_CUSTOMER,
	    "SELECT count(*) FROM customers",
	    NULL },
	[RJ_AUDIT] = { "audit", RC_AUDIT, RA_DELETE, 1,
	    "SELECT " AUDIT_KEEP " - (SELECT min(id) FROM audit_log)",
	    "SELECT count(*) FROM audit_log",
	    NULL },
};

/* The closed requests of a batch, and what belongs to each, deleted child first. */
enum rq_stmt {
	RQ_PICK,
	RQ_PARTS,
	RQ_LETTERS,
	RQ_STEPS,
	RQ_LINKS,
	RQ_REPORTS,
	RQ_TOLD,
	RQ_OUTBOX,
	RQ_REQUEST,
	RQ__MAX
};

static const char *const rq_sql[RQ__MAX] = {
	[RQ_PICK] = "SELECT id FROM requests t WHERE " DUE_REQUEST
	    " ORDER BY id LIMIT ?3",
	[RQ_PARTS] = "DELETE FROM letter_parts WHERE letter_id IN (SELECT id"
	    " FROM request_letters WHERE request_id = ?1)",
	[RQ_LETTERS] = "DELETE FROM request_letters WHERE request_id = ?1",
	[RQ_STEPS] = "DELETE FROM request_steps WHERE request_id = ?1",
	[RQ_LINKS] = "DELETE FROM request_customers WHERE request_id = ?1",
	/* the access reports and portability files sent (sql/020_reports.sql) */
	[RQ_REPORTS] = "DELETE FROM request_reports WHERE request_id = ?1",
	/* a rectification's told marks (019) go with their request */
	[RQ_TOLD] = "DELETE FROM request_told WHERE request_id = ?1",
	[RQ_OUTBOX] = "DELETE FROM outbox WHERE ref_id = ?1 AND (ref_kind ="
	    " 'request' OR ref_kind LIKE 'request.%')",
	[RQ_REQUEST] = "DELETE FROM requests WHERE id = ?1",
};

/* The run's bookkeeping. */
enum run_stmt {
	RS_FIND,
	RS_NEW,
	RS_CLASS,
	RS_COUNT,
	RS_DONE,
	RS_PERMIT,
	RS_AUDIT_EDGE,
	RS_ANCHOR,
	RS_AUDIT_CUT,
	RS_COUNTS,
	RS_CUSTOMERS,
	RS_TODAY,
	RS_LAST,
	RS__MAX
};

static const char *const rs_sql[RS__MAX] = {
	[RS_FIND] = "SELECT id, judged_at FROM retention_runs WHERE state ="
	    " 'running' AND apply = 1 ORDER BY id DESC LIMIT 1",
	[RS_NEW] = "INSERT INTO retention_runs (started_at, judged_at, apply)"
	    " VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, 1)",
	[RS_CLASS] = "UPDATE retention_runs SET class = ?2, batches = batches"
	    " + ?3 WHERE id = ?1",
	/* one batch's count, in the batch's transaction */
	[RS_COUNT] = "INSERT INTO retention_counts (run_id, class, due, done)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_id, class) DO UPDATE"
	    " SET done = done + excluded.done",
	[RS_DONE] = "UPDATE retention_runs SET state = 'done', class = '',"
	    " finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
	[RS_PERMIT] = "UPDATE retention_permit SET open = ?1 WHERE id = 1",
	/* the oldest row and the first row to keep */
	[RS_AUDIT_EDGE] = "SELECT (SELECT min(id) FROM audit_log), " AUDIT_KEEP,
	[RS_ANCHOR] = "INSERT INTO audit_anchor (first_id, prev_hash, cut_at,"
	    " run_id) SELECT id, prev_hash, strftime('%Y-%m-%dT%H:%M:%SZ',"
	    " 'now'), ?2 FROM audit_log WHERE id = ?1",
	[RS_AUDIT_CUT] = "DELETE FROM audit_log WHERE id < ?1",
	[RS_COUNTS] = "SELECT class, due, done FROM retention_counts WHERE"
	    " run_id = ?1",
	/* the next due customers after a cursor (held ones stay due) */
	[RS_CUSTOMERS] = "SELECT id FROM customers t WHERE " DUE_CUSTOMER
	    " AND t.id > ?5 ORDER BY t.id LIMIT ?3",
	[RS_TODAY] = "SELECT date(?1, 'localtime')",
	[RS_LAST] = "SELECT r.id, r.started_at, coalesce(r.finished_at, ''),"
	    " r.state, (SELECT coalesce(sum(done), 0) FROM retention_counts c"
	    " WHERE c.run_id = r.id) FROM retention_runs r WHERE r.apply = 1"
	    " ORDER BY r.id DESC LIMIT 1",
};

const char *
retention_job_code(enum retention_job j)
{
	return j < RJ__MAX ? jobs[j].code : "";
}

/* The rule's period in its unit, or 0 when the class is kept (no cut-off: nothing due). */
static int
job_amount(enum retention_job j)
{
	const struct retention_rule *r = retention_rule(jobs[j].rc);

	if (r->unit == RU_MINUTES || r->unit == RU_MONTHS)
		return r->amount;
	return j == RJ_OUTBOX ? 1 : 0;	/* the outbox's rule is its state */
}

/* Bind the run's clock, period, batch size and idle limit to st. */
static void
bind_common(sqlite3_stmt *st, const char *judged, int amount, int batch)
{
	int n = sqlite3_bind_parameter_count(st);

	if (n >= 1)
		sqlite3_bind_text(st, 1, judged, -1, SQLITE_STATIC);
	if (n >= 2)
		sqlite3_bind_int(st, 2, amount);
	if (n >= 3)
		sqlite3_bind_int(st, 3, batch);
	if (n >= 4)
		sqlite3_bind_int64(st, 4, (sqlite3_int64)auth_limits_default.idle);
}

/* One count(*) of job j's SQL sql into *n. 0 or -1. */
static int
count(sqlite3 *db, const char *sql, const char *judged, int amount,
    long long *n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("prepare: %s", sqlite3_errmsg(db));
		goto out;
	}
	bind_common(st, judged, amount, 0);
	if (sqlite3_step(st) != SQLITE_ROW) {
		LOG_ERR("count: %s", sqlite3_errmsg(db));
		goto out;
	}
	*n = sqlite3_column_int64(st, 0);
	if (*n < 0)
		*n = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The run's day in Helsinki (the process's TZ, fmt_init) from its UTC clock. 0 or -1. */
static int
run_day(sqlite3 *db, const char *judged, char today[11])
{
	sqlite3_stmt *st = db_prep(db, rs_sql, RS_TODAY);
	const unsigned char *v;
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, judged, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = sqlite3_column_text(st, 0)) != NULL &&
	    strlen((const char *)v) == 10) {
		memcpy(today, v, 11);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The next at most batch due customers after *cursor (moved past them):
 * each one's holds on the run's day, and with apply, the erasure or
 * anonymisation they allow (forget_customer). *picked the records looked
 * at, *n those changed; l's erase, anonymise and held counted. 0 or -1.
 */
static int
customer_batch(sqlite3 *db, const char *judged, int amount, int batch,
    sqlite3_int64 run, const struct retention_erasure *er, int apply,
    sqlite3_int64 *cursor, struct retention_line *l, long long *picked,
    long long *n)
{
	sqlite3_int64 ids[256];
	struct audit_entry actor = { 0, "", "cli", "customer.erase", "", "",
	    "" };
	char today[11], ref[40];
	struct forget_ledger_file lf = { -1, 0 };
	sqlite3_stmt *st;
	int got = 0, step;

	*picked = *n = 0;
	if (batch > (int)(sizeof(ids) / sizeof(ids[0])))
		batch = (int)(sizeof(ids) / sizeof(ids[0]));
	if (run_day(db, judged, today) != 0 ||
	    (st = db_prep(db, rs_sql, RS_CUSTOMERS)) == NULL)
		return -1;
	bind_common(st, judged, amount, batch);
	sqlite3_bind_int64(st, 5, *cursor);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && got < batch)
		ids[got++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return -1;
	snprintf(ref, sizeof(ref), "retention run %lld", (long long)run);
	/* the batch's ledger lines, fsynced once before its COMMIT */
	if (apply && er->ledger != NULL && forget_ledger_open(er->ledger,
	    &lf) != 0) {
		LOG_ERR("the erasure ledger %s could not be opened", er->ledger);
		return -1;
	}
	for (int i = 0; i < got; i++) {
		struct forget_result res;
		struct holds h;
		int rc;

		*cursor = ids[i];
		if (holds_compute(db, ids[i], today, er->hc, &h) < 0)
			goto fail;
		if (h.verdict == VERDICT_REFUSE) {
			unsigned seen = 0;

			l->held++;
			for (size_t k = 0; k < h.n; k++)
				if (!(seen & (1u << h.h[k].reason))) {
					seen |= 1u << h.h[k].reason;
					l->held_by[h.h[k].reason]++;
				}
			continue;
		}
		if (h.verdict == VERDICT_ERASE)
			l->erase++;
		else
			l->anonymise++;
		if (!apply)
			continue;
		/* one record that cannot be erased does not stop the run */
		if (sqlite3_exec(db, "SAVEPOINT retention_customer", NULL,
		    NULL, NULL) != SQLITE_OK)
			goto fail;
		rc = forget_customer(db, ids[i], h.verdict == VERDICT_ERASE ?
		    FORGET_ERASE : FORGET_ANONYMISE, ref, judged, er->key,
		    NULL, &actor, &res);
		if (rc < 0) {
			LOG_ERR("customer id %lld: the erasure failed and was "
			    "rolled back: %s", (long long)ids[i],
			    sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK TO retention_customer", NULL,
			    NULL, NULL);
			l->failed++;
			if (h.verdict == VERDICT_ERASE)
				l->erase--;
			else
				l->anonymise--;
		}
		if (rc == 0 && lf.fd >= 0 && forget_ledger_write(&lf, er->key,
		    res.number, h.verdict == VERDICT_ERASE ? FORGET_ERASE :
		    FORGET_ANONYMISE, judged) != 0) {
			LOG_ERR("the erasure ledger %s could not be written",
			    er->ledger);
			goto fail;
		}
		if (sqlite3_exec(db, "RELEASE retention_customer", NULL, NULL,
		    NULL) != SQLITE_OK)
			goto fail;
		if (rc == 0)
			(*n)++;
	}
	/* on disk before the caller commits: a committed erasure is in the ledger */
	if (forget_ledger_close(&lf) != 0) {
		LOG_ERR("the erasure ledger %s could not be synced", er->ledger);
		return -1;
	}
	*picked = got;
	return 0;
fail:
	forget_ledger_close(&lf);
	return -1;
}

/* Due and kept rows of job j as of judged into *l. 0 or -1. */
static int
plan_job(sqlite3 *db, enum retention_job j, const char *judged,
    const struct retention_erasure *er, struct retention_line *l)
{
	int amount = job_amount(j);
	long long total;

	l->code = jobs[j].code;
	l->rc = jobs[j].rc;
	l->action = jobs[j].action;
	l->wired = jobs[j].wired && (j != RJ_CUSTOMER || er != NULL);
	l->due = l->kept = 0;
	if (count(db, jobs[j].total, judged, amount, &total) != 0)
		return -1;
	if (amount > 0 && count(db, jobs[j].due, judged, amount, &l->due) != 0)
		return -1;
	l->kept = total > l->due ? total - l->due : 0;
	if (j == RJ_CUSTOMER && l->wired && l->due > 0) {
		sqlite3_int64 cursor = 0;
		long long picked, n;

		l->erase = l->anonymise = l->held = 0;
		memset(l->held_by, 0, sizeof(l->held_by));
		do {
			if (customer_batch(db, judged, amount, 256, 0, er, 0,
			    &cursor, l, &picked, &n) != 0)
				return -1;
		} while (picked == 256);
	}
	return 0;
}

/* now as UTC text. 0 or -1. */
static int
utc_text(time_t now, char out[21])
{
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

int
retention_plan(sqlite3 *db, time_t now, const struct retention_erasure *er,
    struct retention_report *r)
{
	int rc = -1, scoped;

	memset(r, 0, sizeof(*r));
	if (utc_text(now, r->judged_at) != 0 || db_begin_read(db) != 0)
		return -1;
	/* every due record's holds: the same statements, parsed once */
	scoped = db_cache_enter(db);	/* ended here only when opened here */
	for (int j = 0; j < RJ__MAX; j++)
		if (plan_job(db, (enum retention_job)j, r->judged_at, er,
		    &r->line[j]) != 0)
			goto out;
	rc = 0;
out:
	db_rollback(db);
	if (scoped)
		db_cache_end(db);
	return rc;
}

/* Run statement k of table sql with ?1 = id (and ?2 = id2 when given). 0 or -1. */
static int
exec_id(sqlite3 *db, const char *const *sql, int k, sqlite3_int64 id)
{
	sqlite3_stmt *st = db_prep(db, sql, k);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_done(st);
}

/* Delete at most batch closed requests past their period, with what is theirs; *n the requests. 0 or -1. */
static int
request_batch(sqlite3 *db, const char *judged, int amount, int batch,
    long long *n)
{
	sqlite3_int64 ids[256];
	sqlite3_stmt *st;
	int got = 0, step;

	*n = 0;
	if (batch > (int)(sizeof(ids) / sizeof(ids[0])))
		batch = (int)(sizeof(ids) / sizeof(ids[0]));
	if ((st = db_prep(db, rq_sql, RQ_PICK)) == NULL)
		return -1;
	bind_common(st, judged, amount, batch);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && got < batch)
		ids[got++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return -1;
	for (int i = 0; i < got; i++)
		for (int k = RQ_PARTS; k < RQ__MAX; k++)
			if (exec_id(db, rq_sql, k, ids[i]) != 0)
				return -1;
	*n = got;
	return 0;
}

/*
 * Cut at most batch of the oldest audit rows past their period: record the
 * first kept row's id and prev_hash as the anchor, then delete the rows
 * before it (the permit open). *n the rows cut. 0 or -1.
 */
static int
audit_batch(sqlite3 *db, const char *judged, int amount, int batch,
    sqlite3_int64 run, long long *n)
{
	sqlite3_stmt *st;
	sqlite3_int64 first, keep;

	*n = 0;
	if ((st = db_prep(db, rs_sql, RS_AUDIT_EDGE)) == NULL)
		return -1;
	bind_common(st, judged, amount, 0);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return 0;
	}
	first = sqlite3_column_int64(st, 0);
	keep = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (keep <= first)
		return 0;
	if (keep - first > batch)
		keep = first + batch;
	if ((st = db_prep(db, rs_sql, RS_ANCHOR)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, keep);
	sqlite3_bind_int64(st, 2, run);
	if (db_done(st) != 0 || exec_id(db, rs_sql, RS_AUDIT_CUT, keep) != 0)
		return -1;
	*n = sqlite3_changes64(db);
	return 0;
}

static int	 job_batch_rows(sqlite3 *, enum retention_job, const char *,
		    int, int, sqlite3_int64, long long *);

/*
 * Job j's next batch inside the open transaction; *n rows changed, *picked
 * rows looked at (the customers: held ones too, after *cursor). 0 or -1.
 */
static int
job_batch(sqlite3 *db, enum retention_job j, const char *judged, int batch,
    sqlite3_int64 run, const struct retention_erasure *er,
    sqlite3_int64 *cursor, struct retention_line *l, long long *picked,
    long long *n)
{
	int amount = job_amount(j);
	int rc;

	*n = 0;
	if (j == RJ_CUSTOMER)
		return customer_batch(db, judged, amount, batch, run, er, 1,
		    cursor, l, picked, n);
	rc = job_batch_rows(db, j, judged, amount, batch, run, n);
	*picked = *n;
	return rc;
}

/* The batch of a job other than the customers'. 0 or -1. */
static int
job_batch_rows(sqlite3 *db, enum retention_job j, const char *judged,
    int amount, int batch, sqlite3_int64 run, long long *n)
{
	sqlite3_stmt *st;

	*n = 0;
	if (j == RJ_REQUEST)
		return request_batch(db, judged, amount, batch, n);
	if (j == RJ_AUDIT)
		return audit_batch(db, judged, amount, batch, run, n);
	if (jobs[j].batch == NULL)
		return 0;
	if (sqlite3_prepare_v2(db, jobs[j].batch, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s: %s", jobs[j].code, sqlite3_errmsg(db));
		return -1;
	}
	bind_common(st, judged, amount, batch);
	if (db_done(st) != 0)
		return -1;
	*n = sqlite3_changes64(db);
	return 0;
}

/* Open or close the permit the triggers ask for (sql/022_retention.sql). 0 or -1. */
static int
permit(sqlite3 *db, int open)
{
	sqlite3_stmt *st = db_prep(db, rs_sql, RS_PERMIT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, open);
	return db_done(st);
}

/* Record n rows done by job j (of due) and one batch, in the open transaction. 0 or -1. */
static int
record_batch(sqlite3 *db, sqlite3_int64 run, enum retention_job j,
    long long due, long long n)
{
	sqlite3_stmt *st;

	if ((st = db_prep(db, rs_sql, RS_COUNT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, jobs[j].code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, due);
	sqlite3_bind_int64(st, 4, n);
	if (db_done(st) != 0 || (st = db_prep(db, rs_sql, RS_CLASS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, jobs[j].code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, n > 0);
	return db_done(st);
}

/* The unfinished run to take over, or a new one, into r (run_id, judged_at). 0 or -1. */
static int
run_start(sqlite3 *db, time_t now, struct retention_report *r)
{
	sqlite3_stmt *st;
	int step;

	if (db_begin(db) != 0)
		return -1;
	if ((st = db_prep(db, rs_sql, RS_FIND)) == NULL)
		goto fail;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		r->run_id = sqlite3_column_int64(st, 0);
		snprintf(r->judged_at, sizeof(r->judged_at), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		r->resumed = 1;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		goto fail;
	if (!r->resumed) {
		if (utc_text(now, r->judged_at) != 0 ||
		    (st = db_prep(db, rs_sql, RS_NEW)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, r->judged_at, -1, SQLITE_STATIC);
		if (db_done(st) != 0)
			goto fail;
		r->run_id = sqlite3_last_insert_rowid(db);
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}

/* Read the run's counts per job into r (done; due as recorded when larger). 0 or -1. */
static int
read_counts(sqlite3 *db, struct retention_report *r)
{
	sqlite3_stmt *st = db_prep(db, rs_sql, RS_COUNTS);
	int step;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->run_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);

		for (int j = 0; j < RJ__MAX; j++)
			if (code != NULL && strcmp(code, jobs[j].code) == 0) {
				r->line[j].done = sqlite3_column_int64(st, 2);
				if (sqlite3_column_int64(st, 1) > r->line[j].due)
					r->line[j].due = sqlite3_column_int64(st, 1);
			}
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* Mark the run done and audit it with its counts, in one transaction. 0 or -1. */
static int
run_finish(sqlite3 *db, const struct retention_report *r)
{
	char summary[400], id[24];
	size_t len = 0;
	struct audit_entry e = { 0, "", "cli", "retention.run", "retention_run",
	    id, summary };

	snprintf(id, sizeof(id), "%lld", (long long)r->run_id);
	len += (size_t)snprintf(summary, sizeof(summary), "judged at %s%s:",
	    r->judged_at, r->resumed ? ", resumed" : "");
	for (int j = 0; j < RJ__MAX && len < sizeof(summary); j++)
		len += (size_t)snprintf(summary + len, sizeof(summary) - len,
		    " %s %lld", jobs[j].code, r->line[j].done);
	if (db_begin(db) != 0)
		return -1;
	if (exec_id(db, rs_sql, RS_DONE, r->run_id) != 0 ||
	    audit_append(db, &e) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

static int	apply_run(sqlite3 *, time_t, int,
		    const struct retention_erasure *, retention_progress,
		    void *, long, struct retention_report *);

int
retention_apply(sqlite3 *db, time_t now, int batch,
    const struct retention_erasure *er, retention_progress prog, void *arg,
    long stop_after, struct retention_report *r)
{
	int rc, scoped;

	/* the same statements for every record: parsed once for the run */
	scoped = db_cache_enter(db);	/* ended here only when opened here */
	/*
	 * A batch touches pages all over a large file: with SQLite's default
	 * 2 MB page cache it re-reads them and spills dirty ones to the WAL
	 * before its COMMIT. 64 MB for this connection's run (bench/README.md).
	 */
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	/*
	 * Each batch rewrites index pages all over the file: fold the WAL
	 * back every 64 MB, not every 4 MB, so a page changed by many batches
	 * is copied to the database once (the run ends with a TRUNCATE
	 * checkpoint either way).
	 */
	sqlite3_exec(db, "PRAGMA wal_autocheckpoint = 16384", NULL, NULL, NULL);
	rc = apply_run(db, now, batch, er, prog, arg, stop_after, r);
	if (scoped)
		db_cache_end(db);
	return rc;
}

/* retention_apply's run, inside the statement cache's scope. */
static int
apply_run(sqlite3 *db, time_t now, int batch,
    const struct retention_erasure *er, retention_progress prog, void *arg,
    long stop_after, struct retention_report *r)
{
	long committed = 0;
	int forgot = 0;

	memset(r, 0, sizeof(*r));
	if (batch <= 0)
		batch = RETENTION_BATCH;
	/* what is deleted is overwritten, not left in free pages */
	sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	if (run_start(db, now, r) != 0)
		return -1;
	for (int jj = 0; jj < RJ__MAX; jj++) {
		enum retention_job j = (enum retention_job)jj;
		struct retention_line *l = &r->line[j];
		struct retention_line seen;
		sqlite3_int64 cursor = 0;
		long long n, picked, done = 0, looked = 0;

		if (db_begin_read(db) != 0)
			return -1;
		/* the customers' verdicts are counted as the batches go */
		if (plan_job(db, j, r->judged_at, j == RJ_CUSTOMER ? NULL : er,
		    l) != 0) {
			db_rollback(db);
			return -1;
		}
		db_rollback(db);
		if (j == RJ_CUSTOMER)
			l->wired = er != NULL;
		if (!l->wired || l->due == 0)
			continue;
		do {
			seen = *l;
			if (db_begin(db) != 0)
				return -1;
			if (permit(db, 1) != 0 ||
			    job_batch(db, j, r->judged_at, batch, r->run_id, er,
			    &cursor, l, &picked, &n) != 0 || permit(db, 0) != 0 ||
			    record_batch(db, r->run_id, j, l->due, n) != 0 ||
			    db_commit(db) != 0) {
				LOG_ERR("%s: the batch was rolled back",
				    jobs[j].code);
				db_rollback(db);
				*l = seen;
				return -1;
			}
			done += n;
			looked += picked;
			if (n > 0)
				r->batches++;
			if (j == RJ_CUSTOMER && n > 0)
				forgot = 1;
			if (prog != NULL)
				prog(arg, j, j == RJ_CUSTOMER ? looked : done,
				    l->due);
			if (n > 0 && stop_after > 0 && ++committed >= stop_after)
				_exit(3);	/* the test hook: a kill between batches */
		} while (j == RJ_CUSTOMER ? picked > 0 && looked < l->due :
		    n > 0 && done < l->due);
	}
	if (read_counts(db, r) != 0 || run_finish(db, r) != 0)
		return -1;
	/* erased values out of the FTS5 segments; the WAL folded in */
	if (forgot)
		forget_scrub(db);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	    NULL);
	return 0;
}

int
retention_last_run(sqlite3 *db, struct retention_last *l)
{
	sqlite3_stmt *st = db_prep(db, rs_sql, RS_LAST);
	int step;

	memset(l, 0, sizeof(*l));
	if (st == NULL)
		return -1;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		snprintf(l->started_at, sizeof(l->started_at), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(l->finished_at, sizeof(l->finished_at), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(l->state, sizeof(l->state), "%s",
		    (const char *)sqlite3_column_text(st, 3));
		l->done = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
}
