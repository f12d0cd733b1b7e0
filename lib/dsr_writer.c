/* dsr_writer.c — the request form's jobs for the group-commit writer (gcommit.c): the request executable's writer process stores the forms its workers hand over, a batch per transaction, and answers each only after the commit. See dsr.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"
#include "gcommit.h"

/* ---- the writer: group commit over a Unix socket (gcommit.c) ----------- */

/* "RKJ2": the reply carries 48-hex link tokens (dsr.h) since 7c47b70 */
#define JOB_MAGIC	0x524b4a32u

/* A job on the wire: this head, then the fields' bytes in order. */
struct job_head {
	uint32_t	magic;
	uint32_t	types;
	int32_t		lang;
	int32_t		mail;
	char		form_id[DSR_FORM_ID_HEX];
	char		client[64];
	uint32_t	len[RF__MAX];
	int64_t		sent_ms;	/* the worker's CLOCK_MONOTONIC, ms */
};

struct job_reply {
	uint32_t		magic;
	int32_t			res;
	int32_t			fault;	/* enum db_fault, with RQ_ERROR (#17) */
	struct dsr_stored	out;
};

int
dsr_writer_path(const char *db_path, char *dst, size_t len)
{
	return gc_path(db_path, "writer", dst, len);
}

/* A job from one message; 0, or -1 for a message that is not one of ours. */
static int
job_decode(const char *msg, size_t len, void *job)
{
	struct dsr_job *j = job;
	struct job_head h;
	size_t off = sizeof(h);

	memset(j, 0, sizeof(*j));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, msg, sizeof(h));
	if (h.magic != JOB_MAGIC || h.lang < 0 || h.lang >= LANG__MAX ||
	    memchr(h.form_id, '\0', sizeof(h.form_id)) == NULL ||
	    memchr(h.client, '\0', sizeof(h.client)) == NULL)
		return -1;
	for (int i = 0; i < RF__MAX; i++) {
		if (h.len[i] > len - off) {
			dsr_form_free(&j->f);
			return -1;
		}
		j->f.v[i] = xstrndup(msg + off, h.len[i]);
		off += h.len[i];
	}
	j->f.types = h.types;
	memcpy(j->form_id, h.form_id, sizeof(j->form_id));
	memcpy(j->client, h.client, sizeof(j->client));
	j->lang = (enum lang)h.lang;
	j->mail = h.mail != 0;
	j->sent_ms = (long long)h.sent_ms;
	return 0;
}

static long long
job_sent(const void *job)
{
	return ((const struct dsr_job *)job)->sent_ms;
}

/* What dsr_writer was given, for job_store. */
struct writer_arg {
	const struct ticket_keys *(*keys)(void *);
	void	*arg;
	int	 rate_limit;
};

static void
job_store(sqlite3 *db, void *jobs, size_t n, void *arg)
{
	const struct writer_arg *w = arg;
	const struct ticket_keys *k = w->keys(w->arg);
	struct dsr_job *j = jobs;

	if (k != NULL)
		(void)dsr_store_batch(db, k, j, n, w->rate_limit);
	else
		for (size_t i = 0; i < n; i++)
			j[i].res = RQ_ERROR;
}

static size_t
job_reply(const void *job, int stale, void *out, size_t cap)
{
	const struct dsr_job *j = job;
	struct job_reply rep;

	memset(&rep, 0, sizeof(rep));
	rep.magic = JOB_MAGIC;
	rep.res = stale ? RQ_ERROR : j->res;
	/* a locked, full or read-only database: the worker says 503 */
	if (rep.res == RQ_ERROR)
		rep.fault = (int32_t)(stale ? DB_FAULT_BUSY : db_fault());
	if (rep.res == RQ_STORED)
		rep.out = j->out;
	if (cap < sizeof(rep))
		return 0;
	memcpy(out, &rep, sizeof(rep));
	return sizeof(rep);
}

static void
job_free(void *job)
{
	dsr_form_free(&((struct dsr_job *)job)->f);
}

static const struct gc_ops dsr_ops = {
	sizeof(struct dsr_job), job_decode, job_sent, job_store, job_reply,
	job_free,
};

int
dsr_writer(sqlite3 *db, const char *path,
    const struct ticket_keys *(*keys)(void *), void *arg, int rate_limit)
{
	struct writer_arg w = { keys, arg, rate_limit };

	return gc_serve(db, path, &dsr_ops, &w);
}

/* The worker's connection to the writer, kept between requests. */
static _Thread_local int writer_fd = -1;

enum dsr_result
dsr_submit(const char *path, const struct dsr_form *f,
    const char *form_id, const char *client, enum lang lang, int mail,
    struct dsr_stored *out)
{
	struct job_head h;
	struct job_reply rep;
	struct buf m = BUF_INIT;
	enum gc_call_result rc;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	h.magic = JOB_MAGIC;
	h.types = f->types;
	h.lang = (int32_t)lang;
	h.mail = mail != 0;
	h.sent_ms = (int64_t)gc_mono_ms();
	snprintf(h.form_id, sizeof(h.form_id), "%s", form_id);
	snprintf(h.client, sizeof(h.client), "%s", client ? client : "");
	for (int i = 0; i < RF__MAX; i++)
		h.len[i] = (uint32_t)strlen(f->v[i]);
	buf_add(&m, &h, sizeof(h));
	for (int i = 0; i < RF__MAX; i++)
		buf_add(&m, f->v[i], h.len[i]);
	rc = gc_call(&writer_fd, path, m.data, m.len, &rep, sizeof(rep));
	buf_free(&m);
	if (rc == GC_NO_WRITER)
		return RQ_NO_WRITER;
	if (rc != GC_REPLIED || rep.magic != JOB_MAGIC)
		return RQ_ERROR;
	if (rep.res == RQ_STORED)
		*out = rep.out;
	if (rep.res == RQ_ERROR && rep.fault > DB_FAULT_NONE &&
	    rep.fault < DB_FAULT__MAX)
		db_fault_set((enum db_fault)rep.fault);
	return rep.res == RQ_STORED || rep.res == RQ_USED ||
	    rep.res == RQ_REFUSED ? (enum dsr_result)rep.res : RQ_ERROR;
}
