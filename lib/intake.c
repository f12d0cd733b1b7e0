/* intake.c — the intake health alarm and the daily summary; see intake.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"

enum istmt { I_OPEN, I__MAX };

static const char *const sql[I__MAX] = {
	/*
	 * the open requests, the nearest deadline first, with whether anyone
	 * acted (registering a request that came by letter or phone is not
	 * acting on it: such a request is idle until a step of its own); the
	 * deadline that counts (an extension's, GDPR Art. 12(3))
	 */
	[I_OPEN] = "SELECT r.id, r.number, r.status, r.received,"
	    " coalesce(r.extended_deadline, r.deadline),"
	    " EXISTS (SELECT 1 FROM request_steps s WHERE s.request_id = r.id"
	    " AND s.action <> 'registered')"
	    " OR r.identity_at IS NOT NULL OR r.paper_received_at IS NOT NULL"
	    " OR r.asked_at IS NOT NULL FROM requests r WHERE r.status IN"
	    " ('received', 'in_progress') ORDER BY coalesce(r.extended_deadline,"
	    " r.deadline), r.id",
};

/* Days since the epoch of "YYYY-MM-DD"; LONG_MIN when it is not a date. */
static long
epoch_day(const char *date)
{
	struct tm tm;

	if (fmt_parse_date(date, &tm) != 0)
		return LONG_MIN;
	return (long)(timegm(&tm) / 86400);
}

/* Days since the epoch of the day of t in Helsinki. */
static long
local_day(time_t t)
{
	char d[11];

	if (fmt_local_date(t, d) != 0)
		return LONG_MIN;
	return epoch_day(d);
}

int
intake_days_since(const char *received, time_t now)
{
	time_t t;
	long a, b;

	if (fmt_parse_utc(received, &t) != 0 || (a = local_day(t)) == LONG_MIN ||
	    (b = local_day(now)) == LONG_MIN)
		return -1;
	return (int)(b - a);
}

int
intake_days_left(const char *deadline, time_t now)
{
	long d = epoch_day(deadline), today = local_day(now);

	if (d == LONG_MIN || today == LONG_MIN)
		return INT_MIN;
	return (int)(d - today);
}

int
intake_is_idle(const char *received, time_t now, int idle_days)
{
	return intake_days_since(received, now) > idle_days;
}

struct mail_walk {
	int	(*fn)(void *, const struct intake_finding *);
	void	*arg;
	int	 n;
};

static int
mail_finding(void *arg, const struct outbox_item *it)
{
	struct mail_walk *w = arg;
	struct intake_finding f = { INTAKE_MAIL, 0, it->number, "", "", "", 0,
	    it };

	if (it->number[0] != '\0')
		f.request_id = it->ref_id;
	w->n++;
	return w->fn(w->arg, &f);
}

int
intake_check(sqlite3 *db, time_t now, int idle_days,
    int (*fn)(void *, const struct intake_finding *), void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, I_OPEN);
	struct mail_walk w = { fn, arg, 0 };
	int rc = 0, step;

	if (st == NULL)
		return -1;
	/* GDPR Art. 12(3): one month from receipt; an open request is watched */
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct intake_finding f;
		int acted = sqlite3_column_int(st, 5), left;

		memset(&f, 0, sizeof(f));
		f.request_id = sqlite3_column_int64(st, 0);
		f.number = (const char *)sqlite3_column_text(st, 1);
		f.status = (const char *)sqlite3_column_text(st, 2);
		f.received = (const char *)sqlite3_column_text(st, 3);
		f.deadline = (const char *)sqlite3_column_text(st, 4);
		/* the Otavamedia lesson: a request nobody has touched for days */
		if (!acted && intake_is_idle(f.received, now, idle_days)) {
			f.what = INTAKE_IDLE;
			f.days = intake_days_since(f.received, now);
			w.n++;
			if ((rc = fn(arg, &f)) != 0)
				break;
		}
		left = intake_days_left(f.deadline, now);
		if (left != INT_MIN && left <= INTAKE_DUE_DAYS) {
			f.what = left < 0 ? INTAKE_OVERDUE : INTAKE_DUE_SOON;
			f.days = left;
			w.n++;
			rc = fn(arg, &f);
		}
	}
	if (rc == 0 && step != SQLITE_DONE) {
		LOG_ERR("cannot read the open requests: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = outbox_problems(db, mail_finding, &w);
	return rc == 0 ? w.n : rc < 0 ? -1 : rc;
}

/*
 * tmpl with "{1}" ... "{9}" replaced by arg[0] ... into out; other text
 * as it is. Messages are data, never printf formats.
 */
static void
subst(struct buf *out, const char *tmpl, const char *const *arg, int n)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' &&
		    p[1] - '1' < n) {
			buf_adds(out, arg[p[1] - '1']);
			p += 2;
			continue;
		}
		buf_addc(out, *p);
	}
}

const char *
intake_mail_kind(const struct i18n *msgs, enum lang lang, const char *ref_kind)
{
	char key[64];
	const char *label;

	snprintf(key, sizeof(key), "outbox.kind.%s", ref_kind);
	if ((label = i18n_get(msgs, lang, key)) == NULL)
		label = i18n_msg(msgs, lang, strncmp(ref_kind, "request", 7) == 0 ?
		    "outbox.kind.request" : "outbox.kind.other");
	return label;
}

/* What a mail is, in words: its kind and the request's number. */
static void
mail_what(const struct i18n *msgs, enum lang lang,
    const struct outbox_item *it, struct buf *out)
{
	buf_adds(out, intake_mail_kind(msgs, lang, it->ref_kind));
	if (it->number[0] != '\0')
		buf_addf(out, " %s", it->number);
}

void
intake_line(const struct i18n *msgs, enum lang lang,
    const struct intake_finding *f, int idle_days, struct buf *out)
{
	char date[96], n1[24], n2[24], key[64];
	const char *arg[5];

	if (f->what == INTAKE_MAIL) {
		const struct outbox_item *it = f->mail;
		struct buf what = BUF_INIT;
		int failed = strcmp(it->state, "failed") == 0;

		mail_what(msgs, lang, it, &what);
		snprintf(n1, sizeof(n1), "%lld", it->id);
		snprintf(n2, sizeof(n2), "%d", it->attempts);
		fmt_datetime(date, sizeof(date), lang, it->next_try);
		snprintf(key, sizeof(key), "outbox.error.%s", it->last_error);
		arg[0] = n1;
		arg[1] = what.data;
		arg[2] = n2;
		arg[3] = i18n_msg(msgs, lang, key);
		arg[4] = date;
		subst(out, i18n_msg(msgs, lang, failed ? "intake.mail_failed" :
		    "intake.mail_waiting"), arg, 5);
		buf_free(&what);
		return;
	}
	snprintf(key, sizeof(key), "request.status.%s", f->status);
	arg[0] = f->number;
	arg[3] = i18n_msg(msgs, lang, key);
	if (f->what == INTAKE_IDLE) {
		fmt_datetime(date, sizeof(date), lang, f->received);
		snprintf(n1, sizeof(n1), "%d", f->days);
		snprintf(n2, sizeof(n2), "%d", idle_days);
		arg[1] = date;
		arg[2] = n1;
		arg[3] = n2;
		subst(out, i18n_msg(msgs, lang, "intake.idle"), arg, 4);
		return;
	}
	fmt_date(date, sizeof(date), lang, f->deadline);
	snprintf(n1, sizeof(n1), "%d", f->days < 0 ? -f->days : f->days);
	arg[1] = date;
	arg[2] = n1;
	subst(out, i18n_msg(msgs, lang, f->what == INTAKE_OVERDUE ?
	    "intake.overdue" : "intake.due_soon"), arg, 4);
}
