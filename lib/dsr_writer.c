/* dsr_writer.c — the group-commit writer's socket protocol: the request executable's writer process stores what its workers hand over, a batch per transaction, and answers each only after the commit. See dsr.h. */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"

/* ---- the writer: group commit over a Unix socket ----------------------- */

#define JOB_MAGIC	0x524b4a31u	/* "RKJ1" */
#define WRITER_CLIENTS	256
#define WRITER_BATCH	64
/*
 * A worker waits 10 s for its answer (writer_connect). The writer waits
 * for another process's lock WRITER_BUSY_MS, and a job that has waited
 * WRITER_STALE_MS behind a batch is answered "busy" unstored: so every
 * job is answered, stored or not, before its worker gives up, and nothing
 * is stored that its worker has already called failed (#17: under a lock
 * held by another process, jobs queued behind a batch that waited its
 * 5 s used to time out, and their posts answered 500).
 */
#define WRITER_BUSY_MS	3000
#define WRITER_STALE_MS	5000

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
	struct sockaddr_un sa;
	int n = snprintf(dst, len, "%s.writer", db_path);

	return n > 0 && (size_t)n < len && (size_t)n < sizeof(sa.sun_path) ?
	    0 : -1;
}

/* A job from one message; 0, or -1 for a message that is not one of ours. */
static int
job_decode(const char *msg, size_t len, struct dsr_job *j)
{
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

/* Now on CLOCK_MONOTONIC (one clock for every process), in ms. */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Put the jobs of jobs[0..n) (and their sockets in who) that have waited
 * at most WRITER_STALE_MS first, and return how many; the others are
 * RQ_ERROR, to be answered "busy" unstored.
 */
static size_t
fresh_first(struct dsr_job *jobs, int *who, size_t n)
{
	long long now = mono_ms();
	size_t nf = 0;

	for (size_t i = 0; i < n; i++) {
		if (now - jobs[i].sent_ms > WRITER_STALE_MS) {
			jobs[i].res = RQ_ERROR;
			continue;
		}
		if (i != nf) {
			struct dsr_job tj = jobs[nf];
			int tw = who[nf];

			jobs[nf] = jobs[i];
			who[nf] = who[i];
			jobs[i] = tj;
			who[i] = tw;
		}
		nf++;
	}
	return nf;
}

static void
job_free(struct dsr_job *j)
{
	dsr_form_free(&j->f);
}

int
dsr_writer(sqlite3 *db, const char *path,
    const struct ticket_keys *(*keys)(void *), void *arg, int rate_limit)
{
	static char msg[65536];
	struct sockaddr_un sa;
	struct pollfd pfd[1 + WRITER_CLIENTS];
	struct dsr_job jobs[WRITER_BATCH];
	int who[WRITER_BATCH], cfd[WRITER_CLIENTS], lfd;
	size_t nc = 0;
	mode_t old;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0) {
		LOG_ERR("socket: %s", strerror(errno));
		return -1;
	}
	(void)unlink(path);
	old = umask(0077);	/* the socket: this user only */
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 128) != 0) {
		umask(old);
		LOG_ERR("%s: %s", path, strerror(errno));
		close(lfd);
		return -1;
	}
	umask(old);
	db_busy_timeout(db, WRITER_BUSY_MS);
	for (;;) {
		size_t nj = 0, nf, np = 0;

		pfd[np].fd = lfd;
		pfd[np++].events = POLLIN;
		for (size_t i = 0; i < nc; i++) {
			pfd[np].fd = cfd[i];
			pfd[np++].events = POLLIN;
		}
		if (poll(pfd, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			LOG_ERR("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int c;

			/* new ones go after the polled ones: cfd[np - 1 ..] */

			while (nc < WRITER_CLIENTS &&
			    (c = accept(lfd, NULL, NULL)) >= 0) {
				(void)fcntl(c, F_SETFD, FD_CLOEXEC);
				/* accepted sockets do not inherit O_NONBLOCK */
				cfd[nc++] = c;
			}
		}
		/* every job that has arrived: a worker sends one at a time */
		for (size_t i = 1; i < np && nj < WRITER_BATCH; i++) {
			ssize_t n;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(pfd[i].fd, msg, sizeof(msg), MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0 || job_decode(msg, (size_t)n, &jobs[nj]) != 0) {
				if (n > 0)
					LOG_ERR("a malformed job was dropped");
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			who[nj++] = pfd[i].fd;
		}
		/* forget the closed ones; keep the ones accepted this round */
		{
			size_t keep = 0, polled = np - 1;

			for (size_t i = 0; i < nc; i++)
				if (i >= polled || pfd[i + 1].fd >= 0)
					cfd[keep++] = cfd[i];
			nc = keep;
		}
		if (nj == 0)
			continue;
		nf = fresh_first(jobs, who, nj);
		{
			const struct ticket_keys *k = keys(arg);

			db_fault_set(DB_FAULT_NONE);
			if (k != NULL && nf > 0)
				(void)dsr_store_batch(db, k, jobs, nf,
				    rate_limit);
			else
				for (size_t i = 0; i < nf; i++)
					jobs[i].res = RQ_ERROR;
		}
		for (size_t i = 0; i < nj; i++) {
			struct job_reply rep;

			memset(&rep, 0, sizeof(rep));
			rep.magic = JOB_MAGIC;
			rep.res = jobs[i].res;
			/* a locked, full or read-only database: the worker says 503 */
			if (jobs[i].res == RQ_ERROR)
				rep.fault = (int32_t)(i >= nf ? DB_FAULT_BUSY :
				    db_fault());
			if (jobs[i].res == RQ_STORED)
				rep.out = jobs[i].out;
			/* a worker that has gone sees no ticket; it is stored */
			(void)send(who[i], &rep, sizeof(rep), MSG_NOSIGNAL |
			    MSG_DONTWAIT);
			job_free(&jobs[i]);
		}
	}
	for (size_t i = 0; i < nc; i++)
		close(cfd[i]);
	close(lfd);
	return -1;
}

/* The worker's connection to the writer, kept between requests. */
static int writer_fd = -1;

static int
writer_connect(const char *path)
{
	struct sockaddr_un sa;
	struct timeval tv = { 10, 0 };
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

enum dsr_result
dsr_submit(const char *path, const struct dsr_form *f,
    const char *form_id, const char *client, enum lang lang, int mail,
    struct dsr_stored *out)
{
	struct job_head h;
	struct job_reply rep;
	struct buf m = BUF_INIT;
	ssize_t n = -1;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	h.magic = JOB_MAGIC;
	h.types = f->types;
	h.lang = (int32_t)lang;
	h.mail = mail != 0;
	h.sent_ms = (int64_t)mono_ms();
	snprintf(h.form_id, sizeof(h.form_id), "%s", form_id);
	snprintf(h.client, sizeof(h.client), "%s", client ? client : "");
	for (int i = 0; i < RF__MAX; i++)
		h.len[i] = (uint32_t)strlen(f->v[i]);
	buf_add(&m, &h, sizeof(h));
	for (int i = 0; i < RF__MAX; i++)
		buf_add(&m, f->v[i], h.len[i]);
	/* a kept connection may have been closed by a restarted writer: once more */
	for (int attempt = 0; attempt < 2 && n < 0; attempt++) {
		if (writer_fd < 0 && (writer_fd = writer_connect(path)) < 0) {
			buf_free(&m);
			return RQ_NO_WRITER;
		}
		if ((n = send(writer_fd, m.data, m.len, MSG_NOSIGNAL)) < 0) {
			close(writer_fd);
			writer_fd = -1;
		}
	}
	buf_free(&m);
	if (n < 0)
		return RQ_NO_WRITER;
	/* sent: from here on, no answer is an error, never a second store */
	n = recv(writer_fd, &rep, sizeof(rep), 0);
	if (n != (ssize_t)sizeof(rep) || rep.magic != JOB_MAGIC) {
		LOG_ERR("no answer from the writer");
		close(writer_fd);
		writer_fd = -1;
		return RQ_ERROR;
	}
	if (rep.res == RQ_STORED)
		*out = rep.out;
	if (rep.res == RQ_ERROR && rep.fault > DB_FAULT_NONE &&
	    rep.fault < DB_FAULT__MAX)
		db_fault_set((enum db_fault)rep.fault);
	return rep.res == RQ_STORED || rep.res == RQ_USED ||
	    rep.res == RQ_REFUSED ? (enum dsr_result)rep.res : RQ_ERROR;
}
