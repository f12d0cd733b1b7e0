/*
 * holds.c — the notes on a record that decide whether it can be erased:
 * an order's invoice state (staff) and the legal holds admins set and
 * lift, each with its reason (docs/retention.md). A refused change comes
 * back on the record page with the message beside its form and changes
 * nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "holds.h"
#include "intranet.h"
#include "invoice.h"
#include "validate.h"

/* Commit the change with its audit row, then back to the record's section anchor, saying flash (ui_done). */
static void
done(struct app *a, struct req *r, long long id, const char *action,
    const char *summary, const char *anchor, const char *flash)
{
	const struct ui *cx = r->ctx;
	char to[96];

	if (ui_event(a, r, &cx->me, action, "customer", id, summary) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/customer?id=%lld#%s", id, anchor);
	ui_done(r, to, flash);
}

/*
 * Nothing changed: roll back and show the record again (400) with the
 * message key msg under form (e.g. "inv_form") and what was typed.
 */
static void
refused(struct app *a, struct req *r, long long id, const char *form,
    const char *msg, const char *const *keep)
{
	struct tmpl_model *m;
	struct tmpl_map *f;

	db_rollback(a->db);
	m = ui_model(a, r);
	f = tm_map(tm_root(m), form);
	tm_bool(f, "failed", 1);
	tm_str(f, "message", i18n_msg(a->msgs, r->lang, msg));
	for (; keep != NULL && *keep != NULL; keep++) {
		const char *v = ui_field(r, *keep, 400);

		tm_str(f, *keep, v ? v : "");
	}
	ui_show_customer(a, r, id, 400, m);
}

/* Whether record id exists; answers 404 or 500 itself (after a rollback) when not. */
static int
exists(struct app *a, struct req *r, long long id)
{
	struct holds h;
	char today[11];
	int rc;

	fmt_local_date(time(NULL), today);
	if ((rc = holds_compute(a->db, id, today, &a->conf.accounting, &h)) == 0)
		return 1;
	db_rollback(a->db);
	app_error(a, r, rc > 0 ? 404 : 500);
	return 0;
}

/*
 * POST /intranet/customer/invoice: id, order (its number), status (the new
 * state), date (when it took effect, YYYY-MM-DD). Staff: recording a
 * payment or a collection is the daily work on orders.
 */
void
post_customer_invoice(struct app *a, struct req *r)
{
	static const char *const keep[] = { "order", "status", "date", NULL };
	const struct ui *cx = r->ctx;
	const char *number = ui_field(r, "order", 40);
	const char *status = ui_field(r, "status", 16);
	const char *date = ui_field(r, "date", 10);
	struct inv_change ch;
	char today[11], summary[128], iso[11];
	long long id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if (!exists(a, r, id))
		return;
	if (fmt_local_date(time(NULL), today) != 0) {
		ui_fail(a, r);
		return;
	}
	/* the date as typed in a browser without a date picker: 2.12.2026 */
	if (date != NULL && val_date(date, iso, sizeof(iso)) == NULL)
		date = iso;
	rc = invoice_change(a->db, id, number, status, date, today, cx->me.id,
	    CS_STAFF, &ch);
	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc > 0) {
		refused(a, r, id, "inv_form", inv_refusal_key(rc), keep);
		return;
	}
	/* the order's number and the states: no personal data */
	snprintf(summary, sizeof(summary), "order %s: %s → %s %s", number,
	    inv_state_names[ch.from], inv_state_names[ch.to], ch.on);
	done(a, r, id, "order.status", summary, "orders", "saved");
}

/* POST /intranet/customer/hold: id, reason. Admins. */
void
post_customer_hold(struct app *a, struct req *r)
{
	static const char *const keep[] = { "reason", NULL };
	const struct ui *cx = r->ctx;
	char now[24], summary[64];
	long long id, hid = 0;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if (!exists(a, r, id))
		return;
	fmt_utc(time(NULL), now);
	rc = legal_hold_set(a->db, id, ui_field(r, "reason", 1200), cx->me.id,
	    now, &hid);
	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc > 0) {
		refused(a, r, id, "hold_form", "holds.bad_reason", keep);
		return;
	}
	/* the reason may name people: the log names the hold by its id */
	snprintf(summary, sizeof(summary), "legal hold %lld", hid);
	done(a, r, id, "customer.hold", summary, "holds", "recorded");
}

/* POST /intranet/customer/hold/lift: id, hold (its id), reason. Admins. */
void
post_customer_hold_lift(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *hold = ui_field(r, "hold", 20);
	char now[24], summary[64];
	long long id, hid = 0;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if (!exists(a, r, id))
		return;
	if (hold == NULL || val_int(hold, 1, 1LL << 62, &hid) != NULL) {
		refused(a, r, id, "lift_form", "holds.no_hold", NULL);
		return;
	}
	fmt_utc(time(NULL), now);
	rc = legal_hold_lift(a->db, id, hid, ui_field(r, "reason", 1200),
	    cx->me.id, now);
	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc > 0) {
		refused(a, r, id, "lift_form", rc == 1 ? "holds.bad_reason" :
		    "holds.no_hold", NULL);
		return;
	}
	snprintf(summary, sizeof(summary), "legal hold %lld lifted", hid);
	done(a, r, id, "customer.hold_lift", summary, "holds", "hold_lifted");
}
