/*
 * outbox.h — mail that is never lost silently (#12): messages queued in
 * the database (table outbox, sql/013_outbox.sql), tried through the
 * system's sendmail (mail.h) with back-off, each attempt recorded, given
 * up only after days and then still shown. docs/requests.md, "Mail and the
 * outbox".
 *
 * The API is stable; other modules queue mail with outbox_put inside
 * their own transaction and `rekisteri mail run` (or `digest`) delivers it.
 */
#ifndef REKISTERI_OUTBOX_H
#define REKISTERI_OUTBOX_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

/* Days after which a message that still fails is failed for good ([mail] give_up_days). */
#define OUTBOX_GIVE_UP_DAYS	3
/* At most this many messages per outbox_run. */
#define OUTBOX_RUN_MAX		1000
/* A message's limits (mail.h refuses more besides: control characters, long lines). */
#define OUTBOX_SUBJECT_MAX	500
#define OUTBOX_BODY_MAX		((size_t)256 * 1024)

/*
 * Queue one plain-text message (UTF-8; see struct mail in mail.h) to the
 * bare address to, due at once. ref_kind names what it is about (at most
 * 40 bytes): "request" or "request.WHAT" when ref_id is a requests.id (the
 * dashboard links the request; "request.confirm" is the requester's
 * confirmation, "request.notice" the contact person's notice), "digest"
 * for the daily summary (ref_id 0). Runs as one INSERT: inside the
 * caller's transaction it commits or rolls back with it. *id_out (when not
 * NULL) gets the row's id. 0 queued; 1 refused, nothing queued: a value
 * mail_format would refuse (a bad address, a subject with a control
 * character, a body line over 998 bytes) or over the limits above; -1 on
 * error (logged). No addresses or contents are logged.
 */
int	 outbox_put(sqlite3 *, const char *to, const char *subject,
	    const char *body, const char *ref_kind, long long ref_id,
	    long long *id_out);

/*
 * outbox_put at a given time now, and with tried set as a message whose
 * first attempt, made by the caller at now outside the outbox, failed:
 * recorded as attempt 1 (last_error "sendmail") and due again by the
 * back-off. Same returns.
 */
int	 outbox_queue(sqlite3 *, const char *to, const char *subject,
	    const char *body, const char *ref_kind, long long ref_id,
	    time_t now, int tried, long long *id_out);

/*
 * The back-off: seconds from a failed attempt to the next, after attempts
 * attempts (1 or more): 5 min, 15 min, 1 h, 4 h, then every 12 h.
 */
long	 outbox_backoff(int attempts);

/*
 * When a message created at created, whose attempt number attempts failed
 * at now, is tried next: now + outbox_backoff(attempts), but no later than
 * created + give_up_days (a last attempt then). 0 when it is to be given
 * up instead: now is at or past created + give_up_days.
 */
time_t	 outbox_next_try(time_t created, int attempts, time_t now,
	    int give_up_days);

/* What one outbox_run did. */
struct outbox_stats {
	int	 sent;		/* handed to sendmail */
	int	 retry;		/* failed, to be tried again */
	int	 gave_up;	/* failed for good now */
};

/*
 * Try every message due at now (next_try <= now, the oldest first, at
 * most OUTBOX_RUN_MAX) through mail_send(sendmail, ...) From: from. Each
 * is claimed first in a transaction of its own (attempt counted, due again
 * 10 minutes later should this run be stopped mid-way, last_error
 * "interrupted"), then tried, then recorded: sent (sent_at; address and
 * body emptied), or due again by outbox_next_try, or failed for good
 * (address and body emptied). A message mail_format refuses is failed for
 * good at once ("format"); with sendmail NULL every due message is
 * recorded as a failed attempt ("no_sendmail"). Not inside a transaction.
 * *st (when not NULL) gets the counts. 0, or -1 on a database error
 * (what was recorded stays).
 */
int	 outbox_run(sqlite3 *, const char *sendmail, const char *from,
	    time_t now, int give_up_days, struct outbox_stats *st);

/* A message that is not (yet) delivered, as staff see it: no address, no body. */
struct outbox_item {
	long long	 id;
	const char	*ref_kind;
	long long	 ref_id;
	const char	*number;	/* the request's number when ref_kind is request*, else "" */
	const char	*state;		/* pending or failed */
	int		 attempts;
	const char	*created;	/* UTC */
	const char	*last_try;	/* UTC, "" before the first attempt */
	const char	*next_try;	/* UTC, "" unless pending */
	const char	*last_error;	/* a kind (sql/013_outbox.sql), "" for none */
};

/*
 * The messages that failed at least once and are not delivered: failed
 * for good, and pending ones with attempts > 0 (waiting for a retry),
 * failed first, then by next try. fn is called per row (strings live
 * until it returns; a non-zero return stops and is returned). 0 or -1.
 */
int	 outbox_problems(sqlite3 *,
	    int (*fn)(void *arg, const struct outbox_item *), void *arg);

/* The state of message id into state ("pending", "sent", "failed"): 0; 1 no such message; -1. */
int	 outbox_state(sqlite3 *, long long id, char state[8]);

#endif
