/* intake_digest.c — the daily summary for the contact person (rekisteri digest); see intake.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "i18n.h"
#include "intake.h"

static const char *const sql[] = {
	"SELECT status, count(*) FROM requests GROUP BY status",
};

/* How many requests are in each state. 0 or -1. */
static int
state_counts(sqlite3 *db, long long counts[DS__MAX])
{
	sqlite3_stmt *st = db_prep(db, sql, 0);
	int step, k;

	if (st == NULL)
		return -1;
	memset(counts, 0, DS__MAX * sizeof(counts[0]));
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((k = dsr_state_parse((const char *)sqlite3_column_text(st,
		    0))) >= 0)
			counts[k] = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : -1;
}

struct digest {
	const struct i18n	*msgs;
	enum lang		 lang;
	time_t			 now;
	int			 idle_days;
	struct buf		*body;
	int			 n;
};

/* One open request: "  NUMBER  DEADLINE  STATE  [overdue | due soon]". */
static int
open_row(void *arg, const struct dsr_brief *b)
{
	struct digest *d = arg;
	char date[64], key[64];
	int left = intake_days_left(b->deadline, d->now);

	fmt_date(date, sizeof(date), d->lang, b->deadline);
	snprintf(key, sizeof(key), "request.status.%s", b->status);
	buf_addf(d->body, "  %s  %s  %s", b->number, date,
	    i18n_msg(d->msgs, d->lang, key));
	/* GDPR Art. 12(3): past the deadline and still open */
	if (left != INT_MIN && left < 0)
		buf_addf(d->body, "  %s", i18n_msg(d->msgs, d->lang,
		    "intake.mark.overdue"));
	else if (left != INT_MIN && left <= INTAKE_DUE_DAYS)
		buf_addf(d->body, "  %s", i18n_msg(d->msgs, d->lang,
		    "intake.mark.due_soon"));
	buf_addc(d->body, '\n');
	d->n++;
	return 0;
}

static int
finding_row(void *arg, const struct intake_finding *f)
{
	struct digest *d = arg;

	buf_adds(d->body, "  - ");
	intake_line(d->msgs, d->lang, f, d->idle_days, d->body);
	buf_addc(d->body, '\n');
	return 0;
}

/* "{1}" in tmpl replaced by a. */
static void
with_one(struct buf *out, const char *tmpl, const char *a)
{
	const char *p = strstr(tmpl, "{1}");

	if (p == NULL) {
		buf_adds(out, tmpl);
		return;
	}
	buf_add(out, tmpl, (size_t)(p - tmpl));
	buf_adds(out, a);
	buf_adds(out, p + 3);
}

int
intake_digest(sqlite3 *db, const struct i18n *msgs, enum lang lang,
    time_t now, int idle_days, struct buf *subject, struct buf *body)
{
	struct digest d = { msgs, lang, now, idle_days, body, 0 };
	long long counts[DS__MAX];
	char today[11], date[64], key[64];
	int found;

	if (fmt_local_date(now, today) != 0 || state_counts(db, counts) != 0)
		return -1;
	fmt_date(date, sizeof(date), lang, today);
	with_one(body, i18n_msg(msgs, lang, "intake.digest.lead"), date);
	buf_adds(body, "\n\n");
	buf_addf(body, "%s\n", i18n_msg(msgs, lang, "intake.digest.states"));
	for (int k = 0; k < DS__MAX; k++) {
		snprintf(key, sizeof(key), "request.status.%s", dsr_state_names[k]);
		buf_addf(body, "  %s: %lld\n", i18n_msg(msgs, lang, key), counts[k]);
	}
	buf_addf(body, "\n%s\n", i18n_msg(msgs, lang, "intake.digest.open"));
	if (dsr_briefs(db, 1, open_row, &d) != 0)
		return -1;
	if (d.n == 0)
		buf_addf(body, "  %s\n", i18n_msg(msgs, lang, "intake.digest.none"));
	buf_addf(body, "\n%s\n", i18n_msg(msgs, lang, "intake.digest.findings"));
	if ((found = intake_check(db, now, idle_days, finding_row, &d)) < 0)
		return -1;
	if (found == 0)
		buf_addf(body, "  %s\n", i18n_msg(msgs, lang,
		    "intake.digest.all_well"));
	buf_addf(body, "\n-- \n%s\n", i18n_msg(msgs, lang, "intake.digest.foot"));
	with_one(subject, i18n_msg(msgs, lang, found > 0 ?
	    "intake.digest.subject_findings" : "intake.digest.subject"), date);
	if (found > 0)
		buf_addf(subject, " (%d)", found);
	return 0;
}
