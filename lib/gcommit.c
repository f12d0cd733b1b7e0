/* gcommit.c — group commit over a Unix socket: the writer's loop (gc_serve) and a worker's call (gc_call). See gcommit.h. */
#define _GNU_SOURCE	/* struct ucred */ /* NOLINT(cert-dcl51-cpp) */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "gcommit.h"
#include "log.h"

#define GC_CLIENTS	512	/* 64 workers of 4 threads, and as many to spare */
#define GC_BATCH	64
#define GC_REPLY_MAX	1024
/*
 * A worker waits 10 s for its answer (gc_call). The writer waits for
 * another process's lock GC_BUSY_MS, and a job that has waited
 * GC_STALE_MS behind a batch is answered stale, unstored: so every job is
 * answered, stored or not, before its worker gives up, and nothing is
 * stored that its worker has already called failed (#17: under a lock
 * held by another process, jobs queued behind a batch that waited its
 * 5 s used to time out, and their posts answered 500).
 */
#define GC_WAIT_S	10
#define GC_CONNECT_S	1	/* to connect and to send; see gc_connect */
#define GC_BUSY_MS	3000
#define GC_STALE_MS	5000

long long
gc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
gc_path(const char *db_path, const char *suffix, char *dst, size_t len)
{
	struct sockaddr_un sa;
	int n = snprintf(dst, len, "%s.%s", db_path, suffix);

	return n > 0 && (size_t)n < len && (size_t)n < sizeof(sa.sun_path) ?
	    0 : -1;
}

/* sa for path; 0, or -1 when path is too long for a socket's. */
static int
gc_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

static int
gc_listen(const char *path)
{
	struct sockaddr_un sa;
	mode_t old;
	int lfd;

	if (gc_addr(&sa, path) != 0)
		return -1;
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
	return lfd;
}

/* Job i of the array jobs of job_size bytes each. */
#define JOB(jobs, i, size)	((unsigned char *)(jobs) + (i) * (size))

/*
 * Put the jobs of jobs[0..n) (and their sockets in who) that have waited
 * at most GC_STALE_MS first and return how many; tmp holds one job.
 */
static size_t
fresh_first(const struct gc_ops *ops, void *jobs, int *who, size_t n,
    void *tmp)
{
	long long now = gc_mono_ms();
	size_t nf = 0, sz = ops->job_size;

	for (size_t i = 0; i < n; i++) {
		if (now - ops->sent_ms(JOB(jobs, i, sz)) > GC_STALE_MS)
			continue;
		if (i != nf) {
			int tw = who[nf];

			memcpy(tmp, JOB(jobs, nf, sz), sz);
			memcpy(JOB(jobs, nf, sz), JOB(jobs, i, sz), sz);
			memcpy(JOB(jobs, i, sz), tmp, sz);
			who[nf] = who[i];
			who[i] = tw;
		}
		nf++;
	}
	return nf;
}

/*
 * Every job that has arrived on the polled sockets pfd[1..np) into jobs
 * (their sockets into who): how many. A socket that closed or sent
 * something else is closed and its pfd[].fd set to -1.
 */
static size_t
gc_receive(const struct gc_ops *ops, struct pollfd *pfd, size_t np,
    void *jobs, int *who)
{
	static char msg[GC_MSG_MAX];
	size_t nj = 0;

	for (size_t i = 1; i < np && nj < GC_BATCH; i++) {
		ssize_t n;

		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(pfd[i].fd, msg, sizeof(msg), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0 || ops->decode(msg, (size_t)n,
		    JOB(jobs, nj, ops->job_size)) != 0) {
			if (n > 0)
				LOG_ERR("a malformed job was dropped");
			close(pfd[i].fd);
			pfd[i].fd = -1;
			continue;
		}
		who[nj++] = pfd[i].fd;
	}
	return nj;
}

int
gc_serve(sqlite3 *db, const char *path, const struct gc_ops *ops, void *arg)
{
	static struct pollfd pfd[1 + GC_CLIENTS];
	static int cfd[GC_CLIENTS];
	int who[GC_BATCH], lfd;
	unsigned char rep[GC_REPLY_MAX];
	void *jobs, *tmp;
	size_t nc = 0;

	if ((lfd = gc_listen(path)) < 0)
		return -1;
	jobs = calloc(GC_BATCH, ops->job_size);
	tmp = malloc(ops->job_size);
	if (jobs == NULL || tmp == NULL) {
		LOG_ERR("out of memory");
		goto out;
	}
	db_busy_timeout(db, GC_BUSY_MS);
	for (;;) {
		size_t nj, nf, np = 0, keep = 0;
		int c;

		/* full: the listening socket would wake poll for ever */
		pfd[np].fd = nc < GC_CLIENTS ? lfd : -1;
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
		/* new ones go after the polled ones: cfd[np - 1 ..] */
		if (pfd[0].revents & POLLIN)
			while (nc < GC_CLIENTS &&
			    (c = accept(lfd, NULL, NULL)) >= 0) {
				/* accepted sockets inherit neither flag */
				(void)fcntl(c, F_SETFD, FD_CLOEXEC);
				cfd[nc++] = c;
			}
		/* every job that has arrived: a worker sends one at a time */
		nj = gc_receive(ops, pfd, np, jobs, who);
		/* forget the closed ones; keep the ones accepted this round */
		for (size_t i = 0; i < nc; i++)
			if (i >= np - 1 || pfd[i + 1].fd >= 0)
				cfd[keep++] = cfd[i];
		nc = keep;
		if (nj == 0)
			continue;
		nf = fresh_first(ops, jobs, who, nj, tmp);
		db_fault_set(DB_FAULT_NONE);
		if (nf > 0)
			ops->store(db, jobs, nf, arg);
		for (size_t i = 0; i < nj; i++) {
			void *j = JOB(jobs, i, ops->job_size);
			size_t n = ops->reply(j, i >= nf, rep, sizeof(rep));

			/* a worker that has gone sees no answer; it is stored */
			(void)send(who[i], rep, n, MSG_NOSIGNAL | MSG_DONTWAIT);
			ops->free(j);
		}
	}
out:
	for (size_t i = 0; i < nc; i++)
		close(cfd[i]);
	close(lfd);
	free(jobs);
	free(tmp);
	return -1;
}

/*
 * A connection to the writer at path, or -1. Both timeouts are set before
 * connect: a writer alive but not accepting (stopped, its queue full)
 * makes connect wait, and a worker must not wait for ever (nothing is sent
 * yet, so the worker stores its job itself). The writer must be this
 * user: a socket another user put in the folder gets nothing, least of
 * all a session's cookie.
 */
static int
gc_connect(const char *path)
{
	struct sockaddr_un sa;
	struct timeval rcv = { GC_WAIT_S, 0 }, snd = { GC_CONNECT_S, 0 };
	struct ucred peer;
	socklen_t len = sizeof(peer);
	int fd;

	if (gc_addr(&sa, path) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)) != 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 ||
	    peer.uid != geteuid()) {
		LOG_ERR("%s: not this user's writer; not used", path);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The writer's reply on fd, waited for at most GC_WAIT_S in all. A recv
 * with a timeout (SO_RCVTIMEO) fails with EINTR when its process is
 * stopped and continued, handler or not (signal(7): SIGSTOP and SIGCONT,
 * a debugger or strace attaching, a frozen cgroup); that is no answer
 * yet, so the rest of the wait goes on (#17: a worker traced while it
 * waited called its page's audit row failed, and the writer stored it).
 */
static ssize_t
wait_reply(int fd, void *rep, size_t replen)
{
	long long until = gc_mono_ms() + GC_WAIT_S * 1000LL, left;
	struct timeval rcv;
	int shortened = 0;
	ssize_t n;

	while ((n = recv(fd, rep, replen, 0)) < 0 && errno == EINTR &&
	    (left = until - gc_mono_ms()) > 0) {
		rcv.tv_sec = (time_t)(left / 1000);
		rcv.tv_usec = (suseconds_t)(left % 1000) * 1000;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv,
		    sizeof(rcv)) != 0)
			break;
		shortened = 1;
	}
	if (shortened) {	/* the connection is kept: its next wait is whole */
		rcv.tv_sec = GC_WAIT_S;
		rcv.tv_usec = 0;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv,
		    sizeof(rcv));
	}
	return n;
}

static void (*wait_leave)(void), (*wait_back)(void);

void
gc_wait_hooks(void (*leave)(void), void (*back)(void))
{
	wait_leave = leave;
	wait_back = back;
}

enum gc_call_result
gc_call(int *fd, const char *path, const void *msg, size_t len, void *rep,
    size_t replen)
{
	ssize_t n = -1;

	/* a kept connection may have been closed by a restarted writer: once more */
	for (int attempt = 0; attempt < 2 && n < 0; attempt++) {
		if (*fd < 0 && (*fd = gc_connect(path)) < 0)
			return GC_NO_WRITER;
		if ((n = send(*fd, msg, len, MSG_NOSIGNAL)) < 0) {
			close(*fd);
			*fd = -1;
		}
	}
	if (n < 0)
		return GC_NO_WRITER;
	/* sent: from here on, no answer is an error, never a second store */
	if (wait_leave != NULL)
		wait_leave();
	n = wait_reply(*fd, rep, replen);
	if (wait_back != NULL)
		wait_back();
	if (n != (ssize_t)replen) {
		LOG_ERR("no answer from the writer");
		close(*fd);
		*fd = -1;
		return GC_NO_REPLY;
	}
	return GC_REPLIED;
}
