/* requests.c — the reception of data-subject requests: the queue, a request with who it may be in the register, and the marks for identity checked and paper copy received. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/uri.h>

#include "buf.h"
#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "intake.h"
#include "log.h"
#include "dsr.h"
#include "view_dsr.h"
#include "ticket.h"
#include "intranet.h"

/*
 * The register's public keys, for checking a paper copy: read for each
 * check, so a key made by rekisteri key rotate counts at once. NULL (logged)
 * when there are none; the caller frees.
 */
static struct ticket_keys *
reception_keys(struct app *a)
{
	struct ticket_keys *k;
	char err[256];

	if ((k = ticket_keys_load(a->conf.key_dir, 0, err, sizeof(err))) == NULL)
		LOG_ERR("%s", err);
	return k;
}

/* Whether the mail that proves control of an address can be sent at all. */
static void
mail_model(struct app *a, struct tmpl_map *root)
{
	tm_bool(root, "mail_off", a->conf.sendmail == NULL ||
	    a->conf.sendmail[0] == '\0');
}

/* The queue's filter from the query; NULL, or the name of the bad field. */
static const char *
queue_filter(struct req *r, struct dsr_queue *f)
{
	const char *state = kv_get(&r->query, "state"),
	    *type = kv_get(&r->query, "type"), *q = kv_get(&r->query, "q");
	int k;

	f->state = "open";
	f->types = 0;
	f->q = "";
	if (state != NULL && state[0] != '\0') {
		if (strcmp(state, "open") != 0 && strcmp(state, "all") != 0 &&
		    dsr_state_parse(state) < 0)
			return "state";
		f->state = state;
	}
	if (type != NULL && type[0] != '\0') {
		for (k = 0; k < RT__MAX; k++)
			if (strcmp(type, rtype_names[k]) == 0)
				break;
		if (k == RT__MAX)
			return "type";
		f->types = 1u << k;
	}
	if (q != NULL) {
		/* one line of text, the ticket number or a part of the name */
		if (strlen(q) > DSR_QUEUE_Q_MAX || strchr(q, '\n') != NULL ||
		    strchr(q, '\r') != NULL)
			return "q";
		f->q = q;
	}
	return NULL;
}

/* The filter form's state: what was chosen, and the message beside a bad field. */
static void
queue_form_model(struct app *a, struct req *r, const struct dsr_queue *f,
    const char *bad, struct tmpl_map *root)
{
	/* model keys must outlive the model: literals */
	static const char *const states[] = { "open", "all", "received",
	    "in_progress", "answered", "partly_refused", "refused" };
	struct tmpl_list *l = tm_list(root, "states");
	char key[64];

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct tmpl_map *e = tm_list_map(l);

		tm_str(e, "value", states[i]);
		snprintf(key, sizeof(key), i < 2 ? "reception.state_%s" :
		    "request.status.%s", states[i]);
		tm_str(e, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(e, "selected", strcmp(f->state, states[i]) == 0);
	}
	l = tm_list(root, "type_options");
	for (int i = 0; i < RT__MAX; i++) {
		struct tmpl_map *e = tm_list_map(l);

		tm_str(e, "value", rtype_names[i]);
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		tm_str(e, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(e, "selected", f->types == 1u << i);
	}
	tm_str(root, "q", f->q);
	tm_bool(root, "filtered", strcmp(f->state, "open") != 0 ||
	    f->types != 0 || f->q[0] != '\0');
	if (bad != NULL) {
		/* bad is one of queue_filter's literals, so a lasting key */
		struct tmpl_map *e = tm_map(tm_map(root, "filter_error"), bad);

		snprintf(key, sizeof(key), "reception.bad_%s", bad);
		tm_str(e, "text", i18n_msg(a->msgs, r->lang, key));
		tm_str(e, "invalid", "true");
	}
}

/* A queue row's days to the deadline that counts, or past it. */
static void
queue_days_model(const struct dsr *q, time_t now, struct tmpl_map *e)
{
	int left;

	if (!dsr_is_open(q->status) ||
	    (left = intake_days_left(dsr_due(q), now)) == INT_MIN)
		return;
	if (left > 0)
		tm_int(e, "days_left", left);
	else if (left == 0)
		tm_bool(e, "due_today", 1);
	else
		tm_int(e, "days_late", -(long long)left);
}

/* The paging links, which keep the filter (percent-encoded by libxml2). */
static void
queue_pager_model(const struct dsr_queue *f, long long pageno,
    long long total, struct tmpl_map *root)
{
	xmlChar *eq = xmlURIEscapeStr(BAD_CAST f->q, BAD_CAST "");
	struct buf b = BUF_INIT, h = BUF_INIT;
	const char *type = "";

	for (int i = 0; i < RT__MAX; i++)
		if (f->types == 1u << i)
			type = rtype_names[i];
	buf_addf(&b, "/intranet/requests?state=%s&type=%s&q=%s", f->state, type,
	    eq != NULL ? (const char *)eq : "");
	xmlFree(eq);
	if (pageno > 1) {
		buf_addf(&h, "%s&page=%lld", b.data, pageno - 1);
		tm_str(root, "prev_href", h.data);
	}
	if (pageno * 50 < total) {
		buf_reset(&h);
		buf_addf(&h, "%s&page=%lld", b.data, pageno + 1);
		tm_str(root, "next_href", h.data);
	}
	buf_free(&h);
	buf_free(&b);
}

/*
 * GET /intranet/requests: the reception's queue (#20): the open requests,
 * the deadline that counts nearest first, with the requester's name, the
 * types as marks, the days left or past the deadline; filtered by state
 * and type and searched by ticket number or name. A bad filter is a
 * message beside its field (400) over the default queue, never the error
 * page. The requester's name is personal data: the audit row says the
 * queue was looked at (docs/audit.md).
 */
void
page_requests(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct tmpl_list *l;
	struct dsr_queue f;
	struct dsr *rows = NULL;
	const char *bad;
	size_t n = 0;
	long long total = 0, pageno = 1;
	time_t now = time(NULL);

	if (ui_page_no(r, &pageno) != 0) {
		app_error(a, r, 400);
		return;
	}
	if ((bad = queue_filter(r, &f)) != NULL) {
		f.state = "open";
		f.types = 0;
		f.q = "";
		pageno = 1;
	}
	if (dsr_list(a->db, &f, (int)pageno, 50, &rows, &n, &total) != 0) {
		app_error(a, r, 500);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	mail_model(a, root);
	queue_form_model(a, r, &f, bad, root);
	l = tm_list(root, "requests");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_map *e = tm_list_map(l);
		struct buf h = BUF_INIT;

		dsr_to_model(&rows[i], r->lang, a->msgs, e);
		tm_str(e, "name", rows[i].v[RF_NAME] ? rows[i].v[RF_NAME] : "");
		queue_days_model(&rows[i], now, e);
		buf_addf(&h, "/intranet/request?id=%lld", rows[i].id);
		tm_str(e, "href", h.data);
		buf_free(&h);
	}
	dsr_list_free(rows, n);
	tm_int(root, "total", total);
	tm_bool(root, "none", total == 0);
	tm_int(root, "page", pageno);
	queue_pager_model(&f, pageno, total, root);
	if (ui_event(a, r, &cx->me, "request.list", "request", 0, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	ui_page(a, r, bad != NULL ? 400 : 200, "intranet-requests.xhtml", m);
}

/* A model's rows: links and steps of a case. */
struct case_rows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
	long			 n;
	long long		 request_id;
};

static int
link_row(void *arg, const struct dsr_link *l)
{
	struct case_rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char href[96];

	x->n++;
	tm_int(m, "id", l->customer_id);
	snprintf(href, sizeof(href), "/intranet/customer?id=%lld", l->customer_id);
	tm_str(m, "href", href);
	tm_str(m, "number", l->number);
	tm_str(m, "first_name", l->first_name);
	tm_str(m, "last_name", l->last_name);
	tm_str(m, "organisation", l->organisation);
	tm_str(m, "email", l->email);
	snprintf(href, sizeof(href), "/intranet/request/report?id=%lld"
	    "&customer=%lld", x->request_id, l->customer_id);
	tm_str(m, "report_href", href);
	return 0;
}

static int
step_row(void *arg, const struct dsr_step_row *s)
{
	struct case_rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64], key[64];

	x->n++;
	fmt_datetime(when, sizeof(when), x->r->lang, s->at);
	tm_str(m, "at", when);
	tm_str(m, "user", s->user);
	snprintf(key, sizeof(key), "case.step.%s", s->action);
	tm_str(m, "label", i18n_msg(x->a->msgs, x->r->lang, key));
	if (strcmp(s->action, "registered") == 0) {
		/* "CHANNEL" or "CHANNEL: note" (dsr_register): the channel in words */
		size_t n = strcspn(s->note, ":");
		struct buf b = BUF_INIT;

		snprintf(key, sizeof(key), "request.channel.%.*s",
		    (int)(n < 16 ? n : 16), s->note);
		buf_adds(&b, i18n_msg(x->a->msgs, x->r->lang, key));
		buf_adds(&b, s->note + n);
		tm_str(m, "note", b.data);
		buf_free(&b);
	} else
		tm_str(m, "note", s->note);
	return 0;
}

/* The case: linked records and the history of steps, into root. 0 or -1. */
static int
case_model(struct app *a, struct req *r, long long id, struct tmpl_map *root)
{
	struct case_rows links = { a, r, tm_list(root, "links"), 0, id };
	struct case_rows steps = { a, r, tm_list(root, "steps"), 0, id };

	if (dsr_links(a->db, id, link_row, &links) != 0 ||
	    dsr_steps(a->db, id, step_row, &steps) != 0)
		return -1;
	tm_bool(root, "no_links", links.n == 0);
	tm_bool(root, "no_steps", steps.n == 0);
	return 0;
}

void
ui_show_request(struct app *a, struct req *r, long long id, int status,
    struct tmpl_model *m)
{
	const struct ui *cx = r->ctx;
	struct tmpl_map *root = tm_root(m);
	struct ui_ids shown = { NULL, 0, 0 };
	struct buf ids = BUF_INIT;
	char summary[48];
	struct dsr q;
	int rc, own;

	memset(&q, 0, sizeof(q));
	if ((rc = dsr_get(a->db, id, &q)) != 0) {
		tm_free(m);
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	dsr_to_model(&q, r->lang, a->msgs, tm_map(root, "request"));
	mail_model(a, root);
	{
		/* the printable ticket, for the person, in either language (intake.c) */
		char href[80];

		snprintf(href, sizeof(href), "/intranet/request/ticket?id=%lld&lang=fi",
		    id);
		tm_str(root, "ticket_fi_href", href);
		snprintf(href, sizeof(href), "/intranet/request/ticket?id=%lld&lang=en",
		    id);
		tm_str(root, "ticket_en_href", href);
	}
	if (case_model(a, r, id, root) != 0 ||
	    ui_letters_model(a, r, id, root) != 0 ||
	    ui_suppression_model(a, &q, root) != 0 ||
	    ui_answers_model(a, r, &q, root) != 0) {
		dsr_free(&q);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		/*
		 * Who this may be in the register, by the customer number, else
		 * the email, else the name — looked up here, so no personal data
		 * goes into a URL (and the web server's log).
		 */
		const char *look = q.v[RF_CUSTOMER_NUMBER] != NULL &&
		    q.v[RF_CUSTOMER_NUMBER][0] ? q.v[RF_CUSTOMER_NUMBER] :
		    q.v[RF_EMAIL] != NULL && q.v[RF_EMAIL][0] ? q.v[RF_EMAIL] :
		    q.v[RF_NAME];

		struct csearch cs = { look, NULL, NULL, SORT_NAME };

		if (look != NULL && look[0] != '\0' && ui_customer_search(a, r, &cs,
		    1, 10, tm_map(root, "lookup"), &shown, 0) != 0)
			LOG_ERR("the register could not be searched");
	}
	{
		struct tmpl_list *l = tm_list(root, "methods");
		static const char *const keys[RID__MAX] = {
			"request.identity.email_code", "request.identity.record_match",
			"request.identity.other" };

		for (int i = 0; i < RID__MAX; i++) {
			struct tmpl_map *e = tm_list_map(l);

			tm_str(e, "value", dsr_idmethod_names[i]);
			tm_str(e, "label", i18n_msg(a->msgs, r->lang, keys[i]));
			/* an email code needs mail; a confirmed link is one */
			tm_bool(e, "off", i == RID_EMAIL_CODE &&
			    q.email_confirmed_at[0] == '\0');
		}
	}
	dsr_free(&q);
	/*
	 * The view, and the customers its look-up showed (docs/audit.md
	 * "Lists"): two rows, one transaction, one durable write.
	 */
	ui_ids_format(&shown, &ids);
	ui_ids_free(&shown);
	snprintf(summary, sizeof(summary), "request %lld", id);
	own = sqlite3_get_autocommit(a->db);
	if ((own && db_begin(a->db) != 0) ||
	    ui_event(a, r, &cx->me, "request.view", "request", id, "") != 0 ||
	    (ids.len > 0 && ui_event_ids(a, r, &cx->me, "customer.lookup",
	    "customer", buf_cstr(&ids), summary) != 0) ||
	    (own && db_commit(a->db) != 0)) {
		if (own)
			db_rollback(a->db);
		buf_free(&ids);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	buf_free(&ids);
	ui_page(a, r, status, "intranet-request.xhtml", m);
}

/* GET /intranet/request?id=N */
void
page_request(struct app *a, struct req *r)
{
	long long id = ui_id(r);

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	ui_show_request(a, r, id, 200, ui_model(a, r));
}

/*
 * POST /intranet/request/identity (id, method, note) and
 * /intranet/request/paper (id, code): the reception's two marks. A refused
 * one shows the request again with the reason (a paper code whose
 * signature fails is flagged and not accepted); both are audited.
 */
static void
request_mark(struct app *a, struct req *r, int paper)
{
	const struct ui *cx = r->ctx;
	long long id = ui_id(r);
	const char *why = NULL, *note = kv_get(&r->form, "note"), *code =
	    kv_get(&r->form, "code");
	char to[64];
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	if (paper) {
		struct ticket_keys *k = reception_keys(a);

		if (k == NULL) {
			ui_fail(a, r);
			return;
		}
		rc = dsr_paper(a->db, k, id, code ? code : "", cx->me.id, &why);
		ticket_keys_free(k);
	} else {
		int how = dsr_idmethod_parse(kv_get(&r->form, "method"));

		if (how < 0) {
			db_rollback(a->db);
			app_error(a, r, 400);
			return;
		}
		/* an email code or a record match counts only against a linked record */
		rc = dsr_identity_allowed(a->db, id, (enum dsr_idmethod)how, &why);
		if (rc == 0)
			rc = dsr_identity(a->db, id,
			    (enum dsr_idmethod)how, note ? note : "", cx->me.id,
			    &why);
	}
	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc == 1) {
		struct tmpl_model *m;

		db_rollback(a->db);	/* refused: nothing changed */
		m = ui_model(a, r);
		struct tmpl_map *f = tm_map(tm_root(m), paper ? "paper_form" :
		    "identity_form");

		if (why != NULL && strcmp(why, "request.none") == 0) {
			tm_free(m);
			app_error(a, r, 404);
			return;
		}
		tm_str(f, "error", i18n_msg(a->msgs, r->lang, why ? why :
		    "request.none"));
		tm_str(f, "code", code ? code : "");
		tm_str(f, "note", note ? note : "");
		if (ui_event(a, r, &cx->me, paper ? "request.paper_refused" :
		    "request.identity_refused", "request", id, why ? why : "") != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		ui_show_request(a, r, id, 422, m);
		return;
	}
	if (dsr_step(a->db, id, cx->me.id, paper ? "paper" : "identity",
	    paper ? "" : kv_get(&r->form, "method")) != 0 ||
	    ui_event(a, r, &cx->me, paper ? "request.paper" : "request.identity",
	    "request", id, paper ? "" : kv_get(&r->form, "method")) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/request?id=%lld", id);
	ui_done(r, to, "recorded");
}

/* POST /intranet/request/identity (id, method, note) */
void
post_request_identity(struct app *a, struct req *r)
{
	request_mark(a, r, 0);
}

/* POST /intranet/request/paper (id, code) */
void
post_request_paper(struct app *a, struct req *r)
{
	request_mark(a, r, 1);
}
