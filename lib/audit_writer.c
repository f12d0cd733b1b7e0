/* audit_writer.c — the intranet's audit rows by group commit (gcommit.c): a page that changes nothing hands its row (and its session's idle clock) to the writer process, which appends every row that has arrived in one transaction and answers each only after the commit (#17). See audit.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "gcommit.h"
#include "log.h"

#define AJ_MAGIC	0x524b4131u	/* "RKA1" */

/* The strings of a job, in their order on the wire. */
enum aj_text {
	AJ_USERNAME, AJ_CLIENT, AJ_ACTION, AJ_OBJECT_TYPE, AJ_OBJECT_ID,
	AJ_SUMMARY, AJ_SESSION, AJ__MAX
};

/* Their limits: audit.h's, and a session id's hex. */
static const uint32_t aj_max[AJ__MAX] = {
	200, 200, 200, 200, AUDIT_OBJECT_ID_MAX, 500, AUTH_ID_HEX - 1,
};

struct aj_head {
	uint32_t	magic;
	uint32_t	len[AJ__MAX];
	int64_t		user_id;
	int64_t		seen;		/* the idle clock's new time, or 0 */
	int64_t		sent_ms;	/* the worker's CLOCK_MONOTONIC, ms */
};

struct aj_reply {
	uint32_t	magic;
	int32_t		res;		/* 0 stored, -1 not */
	int32_t		fault;		/* enum db_fault, with -1 */
};

struct audit_job {
	char		*v[AJ__MAX];	/* owned */
	long long	 user_id;
	long long	 seen;
	long long	 sent_ms;
	int		 res;
};

int
audit_writer_path(const char *db_path, char *dst, size_t len)
{
	return gc_path(db_path, "audit", dst, len);
}

static void
aj_free(void *job)
{
	struct audit_job *j = job;

	for (int i = 0; i < AJ__MAX; i++)
		free(j->v[i]);
	memset(j, 0, sizeof(*j));
}

static int
aj_decode(const char *msg, size_t len, void *job)
{
	struct audit_job *j = job;
	struct aj_head h;
	size_t off = sizeof(h);

	memset(j, 0, sizeof(*j));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, msg, sizeof(h));
	if (h.magic != AJ_MAGIC)
		return -1;
	for (int i = 0; i < AJ__MAX; i++) {
		if (h.len[i] > aj_max[i] || h.len[i] > len - off ||
		    memchr(msg + off, '\0', h.len[i]) != NULL) {
			aj_free(j);
			return -1;
		}
		j->v[i] = xstrndup(msg + off, h.len[i]);
		off += h.len[i];
	}
	j->user_id = h.user_id;
	j->seen = h.seen;
	j->sent_ms = h.sent_ms;
	return 0;
}

static long long
aj_sent(const void *job)
{
	return ((const struct audit_job *)job)->sent_ms;
}

/* One job in the batch's transaction, in a savepoint: 0, or -1 (undone). */
static int
aj_append(sqlite3 *db, const struct audit_job *j)
{
	struct audit_entry e = {
		j->user_id, j->v[AJ_USERNAME], j->v[AJ_CLIENT],
		j->v[AJ_ACTION], j->v[AJ_OBJECT_TYPE], j->v[AJ_OBJECT_ID],
		j->v[AJ_SUMMARY],
	};

	if (sqlite3_exec(db, "SAVEPOINT audit_job", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return -1;
	if ((j->seen == 0 || session_seen(db, j->v[AJ_SESSION],
	    (time_t)j->seen) == 0) && audit_append(db, &e) == 0)
		return sqlite3_exec(db, "RELEASE audit_job", NULL, NULL,
		    NULL) == SQLITE_OK ? 0 : -1;
	/* a full disk may have ended the transaction already */
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK TO audit_job; RELEASE audit_job",
		    NULL, NULL, NULL);
	return -1;
}

static void
aj_store(sqlite3 *db, void *jobs, size_t n, void *arg)
{
	struct audit_job *j = jobs;

	(void)arg;
	for (size_t i = 0; i < n; i++)
		j[i].res = -1;
	if (db_begin(db) != 0)
		return;
	for (size_t i = 0; i < n && !sqlite3_get_autocommit(db); i++)
		j[i].res = aj_append(db, &j[i]);
	/* one commit, one fsync, for every row of the batch */
	if (sqlite3_get_autocommit(db) || db_commit(db) != 0) {
		if (!sqlite3_get_autocommit(db))
			db_rollback(db);
		for (size_t i = 0; i < n; i++)
			j[i].res = -1;
	}
}

static size_t
aj_reply(const void *job, int stale, void *out, size_t cap)
{
	const struct audit_job *j = job;
	struct aj_reply rep;

	memset(&rep, 0, sizeof(rep));
	rep.magic = AJ_MAGIC;
	rep.res = stale ? -1 : j->res;
	/* a locked, full or read-only database: the page says 503 */
	if (rep.res != 0)
		rep.fault = (int32_t)(stale ? DB_FAULT_BUSY : db_fault());
	if (cap < sizeof(rep))
		return 0;
	memcpy(out, &rep, sizeof(rep));
	return sizeof(rep);
}

static const struct gc_ops audit_ops = {
	sizeof(struct audit_job), aj_decode, aj_sent, aj_store, aj_reply,
	aj_free,
};

int
audit_writer(sqlite3 *db, const char *path)
{
	return gc_serve(db, path, &audit_ops, NULL);
}

/* The worker's connection to the writer, kept between requests. */
static _Thread_local int audit_fd = -1;

int
audit_submit(const char *path, const struct audit_entry *e,
    const char *session, time_t seen)
{
	const char *v[AJ__MAX] = {
		e->username, e->client, e->action, e->object_type,
		e->object_id, e->summary, session,
	};
	struct aj_head h;
	struct aj_reply rep;
	struct buf m = BUF_INIT;
	enum gc_call_result rc;

	memset(&h, 0, sizeof(h));
	h.magic = AJ_MAGIC;
	h.user_id = e->user_id;
	h.seen = session != NULL && seen > 0 ? (int64_t)seen : 0;
	h.sent_ms = (int64_t)gc_mono_ms();
	for (int i = 0; i < AJ__MAX; i++) {
		if (v[i] == NULL || (i == AJ_SESSION && h.seen == 0))
			v[i] = "";
		h.len[i] = (uint32_t)strlen(v[i]);
		/* the writer would refuse it: audit_append says why here */
		if (h.len[i] > aj_max[i])
			return AUDIT_NO_WRITER;
	}
	buf_add(&m, &h, sizeof(h));
	for (int i = 0; i < AJ__MAX; i++)
		buf_add(&m, v[i], h.len[i]);
	rc = gc_call(&audit_fd, path, m.data, m.len, &rep, sizeof(rep));
	buf_free(&m);
	if (rc == GC_NO_WRITER)
		return AUDIT_NO_WRITER;
	if (rc != GC_REPLIED || rep.magic != AJ_MAGIC)
		return -1;
	if (rep.res != 0 && rep.fault > DB_FAULT_NONE &&
	    rep.fault < DB_FAULT__MAX)
		db_fault_set((enum db_fault)rep.fault);
	return rep.res == 0 ? 0 : -1;
}
