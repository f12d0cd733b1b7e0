/* letter_holds.c — an erasure request's holds as reasons for its refusal certificate; see letter_holds.h. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "holds.h"
#include "letter_holds.h"
#include "ticket.h"

enum hstmt { LH_LINKED, LH__MAX };

static const char *const sql[LH__MAX] = {
	[LH_LINKED] = "SELECT customer_id FROM request_customers WHERE"
	    " request_id = ?1 ORDER BY customer_id",
};

/*
 * The provisions the holds rest on (docs/retention.md "Legal holds"):
 * a claim still owed or in collection, the establishment, exercise or
 * defence of legal claims; the accounting vouchers, a legal obligation
 * (Accounting Act 1336/1997 2:10 §); a contact person's data are still
 * necessary for the purpose they serve; a legal hold, a legal obligation
 * or claim; a restriction check, Art. 18.
 */
static const char *const sources[HOLD__MAX] = {
	[HOLD_OPEN_INVOICE] = "GDPR Art. 17(3)(e)",
	[HOLD_COLLECTION] = "GDPR Art. 17(3)(e)",
	[HOLD_ACCOUNTING] = "GDPR Art. 17(3)(b); Accounting Act 1336/1997 2:10 §",
	[HOLD_CONTACT_PERSON] = "GDPR Art. 17(1)(a), 6(1)(f)",
	[HOLD_LEGAL] = "GDPR Art. 17(3)(b), (e)",
	[HOLD_RESTRICTION] = "GDPR Art. 18",
};

const char *
letter_hold_source(enum hold_reason r)
{
	return (int)r >= 0 && r < HOLD__MAX ? sources[r] : "";
}

/* Merge hold h into out: one per kind, the latest last day, open-ended first. */
static void
merge(struct letter_holds *out, const struct hold *h, int open[HOLD__MAX],
    int seen[HOLD__MAX])
{
	if (!seen[h->reason]) {
		seen[h->reason] = 1;
		open[h->reason] = h->until[0] == '\0';
		snprintf(out->h[h->reason].until, 11, "%s", h->until);
		return;
	}
	if (h->until[0] == '\0')
		open[h->reason] = 1;
	else if (strcmp(h->until, out->h[h->reason].until) > 0)
		snprintf(out->h[h->reason].until, 11, "%s", h->until);
}

int
letter_holds_get(sqlite3 *db, long long request_id, unsigned types,
    const char *today, const struct holds_conf *hc, struct letter_holds *out)
{
	struct letter_holds all;
	int open[HOLD__MAX] = { 0 }, seen[HOLD__MAX] = { 0 }, step, rc = -1;
	sqlite3_stmt *st;

	memset(out, 0, sizeof(*out));
	memset(&all, 0, sizeof(all));
	if (!(types & (1u << RT_ERASURE)))
		return 0;
	out->erasure = 1;
	if ((st = db_prep(db, sql, LH_LINKED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct holds h;
		int got = holds_compute(db, sqlite3_column_int64(st, 0), today,
		    hc, &h);

		if (got < 0)
			goto out;
		if (got == 1 || h.verdict == VERDICT_ERASE)
			continue;
		if (h.verdict == VERDICT_REFUSE)
			out->refused = 1;
		else
			out->partly = 1;
		for (size_t k = 0; k < h.n; k++)
			merge(&all, &h.h[k], open, seen);
	}
	if (step != SQLITE_DONE)
		goto out;
	for (int r = 0; r < HOLD__MAX; r++) {
		if (!seen[r])
			continue;
		out->h[out->n].reason = (enum hold_reason)r;
		snprintf(out->h[out->n].until, 11, "%s", open[r] ? "" :
		    all.h[r].until);
		out->n++;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

void
letter_holds_text(const struct letter_holds *lh, enum lang lang,
    struct buf *out)
{
	char d[64];

	for (size_t i = 0; i < lh->n; i++) {
		if (i > 0)
			buf_adds(out, "\n\n");
		buf_adds(out, hold_text(lh->h[i].reason, lang));
		if (lh->h[i].until[0] != '\0' &&
		    fmt_date(d, sizeof(d), lang, lh->h[i].until) == 0) {
			buf_adds(out, lang == LANG_FI ? " Viimeinen päivä: " :
			    " Last day: ");
			buf_adds(out, d);
			buf_addc(out, '.');
		}
		buf_adds(out, " (");
		buf_adds(out, letter_hold_source(lh->h[i].reason));
		buf_addc(out, ')');
	}
}
