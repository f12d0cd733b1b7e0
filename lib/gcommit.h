/* gcommit.h — group commit: one writer process stores what many workers hand over on a Unix socket, a batch per transaction, and answers each only after the commit, so one fsync serves them all (the request form's tickets, the intranet's audit rows: #17). */
#ifndef REKISTERI_GCOMMIT_H
#define REKISTERI_GCOMMIT_H

#include <stddef.h>

#include <sqlite3.h>

/* Bytes of one message from a worker, at most. */
#define GC_MSG_MAX	65536

/*
 * A writer's kind of job. A worker sends one message at a time and waits
 * for its reply; the writer decodes every message that has arrived into
 * a job of job_size bytes, stores the fresh ones with store (one batch,
 * one transaction, its own to open and commit) and answers every job
 * with reply, then frees it.
 */
struct gc_ops {
	size_t		 job_size;
	/* msg[0..len) into job; 0, or -1 for a message not of this kind */
	int		(*decode)(const char *msg, size_t len, void *job);
	/* when the worker sent it: its CLOCK_MONOTONIC in ms (gc_mono_ms) */
	long long	(*sent_ms)(const void *job);
	/* jobs[0..n), each job_size bytes: stored, each job's outcome set */
	void		(*store)(sqlite3 *, void *jobs, size_t n, void *arg);
	/*
	 * The reply to job into out[0..cap): its length. stale: the job
	 * waited longer than its worker waits and was not stored (answer
	 * "busy"); else store's outcome, with db_fault() of the batch.
	 */
	size_t		(*reply)(const void *job, int stale, void *out,
			    size_t cap);
	void		(*free)(void *job);
};

/*
 * The writer: listen on the Unix socket path (made for this user only),
 * and serve as ops say, with arg for store, until a fatal error: -1. A
 * job that waited more than 5 s behind a batch is answered stale, unstored:
 * every job is answered before its worker gives up (gc_call, 10 s), and
 * nothing is stored that its worker already called failed.
 */
int	 gc_serve(sqlite3 *, const char *path, const struct gc_ops *ops,
	    void *arg);

enum gc_call_result {
	GC_REPLIED = 0,		/* rep[0..replen) holds the writer's reply */
	GC_NO_WRITER = 1,	/* no writer reached, nothing sent: do it yourself */
	GC_NO_REPLY = 2		/* sent, then no reply: it may or may not be stored */
};

/*
 * Send msg[0..len) to the writer at path on the connection *fd (made when
 * -1, kept between calls; made again once when a restarted writer closed
 * it) and wait at most 10 s for a reply of exactly replen bytes.
 * Connecting and sending wait at most 1 s, and a writer running as
 * another user is no writer: GC_NO_WRITER, nothing sent.
 */
enum gc_call_result gc_call(int *fd, const char *path, const void *msg,
	    size_t len, void *rep, size_t replen);
/*
 * Functions gc_call runs just before and just after it waits for the
 * writer's answer (the request worker's threads let go of their turn
 * there: lib/app.c); NULL for none. Set before any thread starts.
 */
void	 gc_wait_hooks(void (*leave)(void), void (*back)(void));

/* A writer's socket beside the database: "DBPATH.suffix" into dst; 0, or -1 when too long for a socket's path. */
int	 gc_path(const char *db_path, const char *suffix, char *dst,
	    size_t len);

/* Now on CLOCK_MONOTONIC (one clock for every process), in ms. */
long long	 gc_mono_ms(void);

#endif
