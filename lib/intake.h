/*
 * intake.h — the intake health alarm (#12): what `rekisteri check` and
 * `rekisteri digest` report about the data-subject requests — a request
 * nobody has acted on for days, a deadline near or past with the request
 * still open, mail that failed. The decisions take the time as a
 * parameter, so tests fix the clock. docs/requests.md, "Intake health".
 *
 * Why: the Data Protection Ombudsman sanctioned Otavamedia in 2022 (a
 * request channel that failed silently, the requests unanswered); GDPR
 * Art. 12(3) gives one month from receipt. A channel is healthy only when
 * someone would notice that it is not.
 */
#ifndef REKISTERI_INTAKE_H
#define REKISTERI_INTAKE_H

#include <time.h>

#include <sqlite3.h>

#include "buf.h"
#include "i18n.h"
#include "outbox.h"

/* A deadline this many days away or nearer, the request still open, is reported. */
#define INTAKE_DUE_DAYS	3

enum intake_what {
	INTAKE_IDLE,		/* received more than idle_days ago, no step since */
	INTAKE_DUE_SOON,	/* open, deadline within INTAKE_DUE_DAYS days */
	INTAKE_OVERDUE,		/* open, deadline passed */
	INTAKE_MAIL,		/* a mail failed (outbox_problems) */
	INTAKE__MAX
};

/* One finding; strings live until the callback returns. No personal data. */
struct intake_finding {
	enum intake_what	 what;
	long long		 request_id;	/* 0 for mail not about a request */
	const char		*number;	/* the request's number, "" if none */
	const char		*status;	/* the request's state, "" for mail */
	const char		*received;	/* UTC, "" for mail */
	const char		*deadline;	/* YYYY-MM-DD, "" for mail */
	int			 days;	/* IDLE: days waited; DUE_SOON, OVERDUE: days left (< 0 overdue) */
	const struct outbox_item *mail;	/* INTAKE_MAIL only */
};

/*
 * Whole calendar days in Helsinki (fmt_init) from the day of received
 * ("YYYY-MM-DDTHH:MM:SSZ", UTC) to the day of now: received on 24.11.,
 * now 1.12. is 7. -1 when received is not such a time.
 */
int	 intake_days_since(const char *received, time_t now);

/*
 * Days from the day of now (Helsinki) to deadline ("YYYY-MM-DD"): 0 on
 * the day itself, -1 the day after. INT_MIN when it is not a date.
 */
int	 intake_days_left(const char *deadline, time_t now);

/*
 * Whether an open request received at received, with no step recorded,
 * is idle at now: more than idle_days days have passed (day idle_days is
 * not yet, day idle_days + 1 is).
 */
int	 intake_is_idle(const char *received, time_t now, int idle_days);

/*
 * Every finding at now, the requests by deadline first (a request can be
 * both idle and due soon), then the mail: fn per finding (a non-zero
 * return stops and is returned). The number of findings, or -1 on error.
 * The deadline read is requests.deadline.
 */
int	 intake_check(sqlite3 *, time_t now, int idle_days,
	    int (*fn)(void *arg, const struct intake_finding *), void *arg);

/* What a mail of ref_kind is, in lang: "Confirmation to the requester" and the like (outbox.kind.*). */
const char *intake_mail_kind(const struct i18n *msgs, enum lang lang,
	    const char *ref_kind);

/*
 * One finding as a line of text (no newline) into out, in lang: "TS-2026-
 * 000042: received 24.11.2026, no step for 8 days (more than 7)" and the
 * like; msgs holds the intake.* messages.
 */
void	 intake_line(const struct i18n *msgs, enum lang lang,
	    const struct intake_finding *f, int idle_days, struct buf *out);

/*
 * The daily summary for the contact person (rekisteri digest), as the
 * subject and body of a plain-text mail in lang: the requests per state,
 * the open ones by deadline (number, state, deadline, marks), what
 * intake_check finds. No personal data. 0, or -1 on a database error.
 */
int	 intake_digest(sqlite3 *, const struct i18n *msgs, enum lang lang,
	    time_t now, int idle_days, struct buf *subject, struct buf *body);

#endif
