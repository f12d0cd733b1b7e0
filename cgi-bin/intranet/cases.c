/* cases.c — a data-subject request handled to its end: the steps of the case (take it up, answer, refuse in part or whole, ask the person for more), the customer records it is about, and the staff front page that shows what is due. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "view_dsr.h"
#include "intranet.h"

#define DASHBOARD_ROWS	200	/* open cases shown on the front page */

/*
 * The end of a step on request id: rc from the step made inside the
 * transaction (1: refused with why, nothing changed), its audit row, the
 * commit, and the request page again (with the reason when refused), or
 * after a close the draft of its letter (letter: a letter kind name, or
 * NULL).
 */
static void
case_done(struct app *a, struct req *r, long long id, int rc, const char *why,
    const char *action, const char *summary, const char *letter)
{
	const struct ui *cx = r->ctx;
	char to[96];

	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc == 1) {
		struct tmpl_model *m;

		db_rollback(a->db);
		if (why != NULL && strcmp(why, "request.none") == 0) {
			app_error(a, r, 404);
			return;
		}
		m = ui_model(a, r);
		tm_str(tm_map(tm_root(m), "case_form"), "error",
		    i18n_msg(a->msgs, r->lang, why ? why : "request.none"));
		ui_show_request(a, r, id, 422, m);
		return;
	}
	if (ui_event(a, r, &cx->me, action, "request", id, summary) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	if (letter != NULL)
		snprintf(to, sizeof(to), "/intranet/request/letter?id=%lld&kind=%s",
		    id, letter);
	else
		snprintf(to, sizeof(to), "/intranet/request?id=%lld#case-h", id);
	ui_done(r, to, "recorded");
}

/* A move to state to, with the form's note (the reasons). */
static void
case_move(struct app *a, struct req *r, enum dsr_state to)
{
	static const char *const actions[DS__MAX] = { "request.received",
	    "request.start", "request.answered", "request.partly_refused",
	    "request.refused" };
	const struct ui *cx = r->ctx;
	const char *note = kv_get(&r->form, "note"), *why = NULL;
	long long id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if (kv_count(&r->form, "note") > 1) {
		db_rollback(a->db);
		app_error(a, r, 400);
		return;
	}
	rc = dsr_move(a->db, id, to, note, cx->me.id, &why);
	/* the audit row names the step only: the reasons stay with the case */
	/* a close leads to its letter: the answer, or the refusal certificate */
	case_done(a, r, id, rc, why, actions[to], "", to == DS_ANSWERED ?
	    "answer" : to == DS_IN_PROGRESS ? NULL : "refusal");
}

/* POST /intranet/request/start: the case is taken up. */
void
post_request_start(struct app *a, struct req *r)
{
	case_move(a, r, DS_IN_PROGRESS);
}

/* POST /intranet/request/answer: answered in full (identity checked first). */
void
post_request_answer(struct app *a, struct req *r)
{
	case_move(a, r, DS_ANSWERED);
}

/* POST /intranet/request/partly-refuse: answered in part, the rest refused with reasons. */
void
post_request_partly_refuse(struct app *a, struct req *r)
{
	case_move(a, r, DS_PARTLY_REFUSED);
}

/* POST /intranet/request/refuse: refused with reasons (GDPR Art. 12(4)). */
void
post_request_refuse(struct app *a, struct req *r)
{
	case_move(a, r, DS_REFUSED);
}

/* POST /intranet/request/ask: staff asked the person for more (note: what). */
void
post_request_ask(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *why = NULL;
	long long id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	rc = dsr_ask(a->db, id, ui_field(r, "note", 4000), cx->me.id, &why);
	case_done(a, r, id, rc, why, "request.asked", "", NULL);
}

/*
 * The customer a link names: the form's customer (an id from the look-up)
 * or number (typed, "A000123"). 0 when neither names one.
 */
static long long
link_customer(struct app *a, struct req *r)
{
	const char *number = ui_field(r, "number", 40);
	long long cid = 0;

	if (kv_get(&r->form, "customer") != NULL) {
		if (kv_count(&r->form, "customer") != 1 || val_int(kv_get(&r->form,
		    "customer"), 1, LLONG_MAX, &cid) != NULL)
			return 0;
		return cid;
	}
	if (number != NULL && number[0] != '\0' &&
	    customer_by_number(a->db, number, &cid) != 0)
		return 0;
	return cid;
}

/* Link (on) or unlink the form's customer record and request id. */
static void
case_link(struct app *a, struct req *r, int on)
{
	const struct ui *cx = r->ctx;
	const char *why = NULL;
	long long id, cid;
	char summary[32];
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	cid = link_customer(a, r);
	rc = dsr_link(a->db, id, cid, cx->me.id, on, &why);
	snprintf(summary, sizeof(summary), "customer %lld", cid);
	case_done(a, r, id, rc, why, on ? "request.link" : "request.unlink",
	    summary, NULL);
}

/* POST /intranet/request/link (id, customer or number) */
void
post_request_link(struct app *a, struct req *r)
{
	case_link(a, r, 1);
}

/* POST /intranet/request/unlink (id, customer) */
void
post_request_unlink(struct app *a, struct req *r)
{
	case_link(a, r, 0);
}

/*
 * GET /intranet/: the staff front page. For those who handle requests, a
 * work list: open cases by deadline (overdue, due within a week, waiting
 * for the identity check, waiting for the person, mail that failed), the
 * mail the outbox has not delivered (mailbox.c), and the counts per state;
 * for everyone, where their role may go.
 */
void
page_home(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m), *c;
	struct tmpl_list *l;
	struct dsr *rows = NULL;
	long long counts[DS__MAX];
	size_t n = 0;

	/* GDPR Art. 33(1): every open breach's 72-hour clock, for everyone */
	if (breach_dashboard(a, r, root) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	if (!(cx->me.role & (ROLE_ADMIN | ROLE_HANDLER))) {
		ui_page(a, r, 200, "intranet-home.xhtml", m);
		return;
	}
	if (dsr_open(a->db, DASHBOARD_ROWS, &rows, &n) != 0 ||
	    dsr_state_counts(a->db, counts) != 0 ||
	    ui_mail_problems(a, r, root) != 0) {
		dsr_list_free(rows, n);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	l = tm_list(root, "open");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_map *e = tm_list_map(l);
		char href[64];

		dsr_to_model(&rows[i], r->lang, a->msgs, e);
		snprintf(href, sizeof(href), "/intranet/request?id=%lld",
		    rows[i].id);
		tm_str(e, "href", href);
	}
	dsr_list_free(rows, n);
	c = tm_map(root, "counts");
	for (int k = 0; k < DS__MAX; k++)
		tm_int(c, dsr_state_names[k], counts[k]);
	tm_int(c, "open", counts[DS_RECEIVED] + counts[DS_IN_PROGRESS]);
	tm_bool(root, "no_open", n == 0);
	tm_bool(root, "works_requests", 1);
	ui_page(a, r, 200, "intranet-home.xhtml", m);
}
