/* reports.c — /intranet/request/report and /intranet/request/portability: the access report (GDPR Art. 15) and the portability file (Art. 20) of a customer record linked to a request, in the request's language, for staff to print (A4), download and send (docs/access-report.md, docs/portability.md). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access_report.h"
#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "i18n.h"
#include "kv.h"
#include "log.h"
#include "tmpl.h"
#include "validate.h"
#include "intranet.h"

#define REPORT_TEMPLATE	"access-report.xhtml"

/* ?customer= (GET) or the form's customer (POST), sent once: a positive number, else 0. */
static long long
customer_of(struct req *r)
{
	const struct kvlist *l = r->method == METHOD_POST ? &r->form : &r->query;
	long long id;

	if (kv_count(l, "customer") != 1 ||
	    val_int(kv_get(l, "customer"), 1, LLONG_MAX, &id) != NULL)
		return 0;
	return id;
}

/*
 * The request of ?id= and the report of its linked record ?customer=, in
 * the request's language, audited as action on the record. 0, or the
 * HTTP status to answer: 400 for bad parameters, 404 when there is no such
 * request or the record is not linked to it, 500.
 */
static int
load(struct app *a, struct req *r, const char *action, struct dsr *q,
    struct access_report *rep)
{
	const struct ui *cx = r->ctx;
	const struct ui_conf *uc = a->data;
	long long id = ui_id(r), customer = customer_of(r);
	const struct ar_rows *links;
	char today[11], summary[64];
	int rc, linked = 0;

	memset(q, 0, sizeof(*q));
	memset(rep, 0, sizeof(*rep));
	if (id == 0 || customer == 0)
		return 400;
	if ((rc = dsr_get(a->db, id, q)) != 0)
		return rc == 1 ? 404 : 500;
	fmt_local_date(time(NULL), today);
	if ((rc = access_report_gather(a->db, customer, q->lang, today,
	    uc->authority, rep)) != 0)
		return rc == 1 ? 404 : 500;
	/* only a record linked to this request: the case is the reason to look */
	links = &rep->t[ART_REQUEST_LINKS];
	for (size_t i = 0; i < links->nrows; i++)
		for (size_t c = 0; c < links->ncols; c++)
			if (strcmp(links->cols[c], "request_id") == 0 &&
			    links->v[i * links->ncols + c].s != NULL &&
			    strtoll(links->v[i * links->ncols + c].s, NULL,
			    10) == id)
				linked = 1;
	if (!linked)
		return 404;
	/* the request's number only: no personal data in the log */
	snprintf(summary, sizeof(summary), "request %s", q->number);
	if (ui_event(a, r, &cx->me, action, "customer", customer, summary) !=
	    0)
		return 500;
	return 0;
}

/* The report's document as the page's model. */
static void
doc_model(const struct ar_doc *d, struct tmpl_map *root)
{
	struct tmpl_list *sl = tm_list(root, "sections");

	for (size_t i = 0; i < d->n; i++) {
		const struct ar_section *s = &d->s[i];
		struct tmpl_map *sm = tm_list_map(sl);
		struct tmpl_list *pl = tm_list(sm, "paras"),
		    *il = tm_list(sm, "items");

		tm_str(sm, "title", s->title);
		for (size_t p = 0; p < s->nparas; p++)
			tm_list_str(pl, s->paras[p]);
		for (size_t k = 0; k < s->nitems; k++) {
			struct tmpl_list *fl = tm_list(tm_list_map(il),
			    "fields");

			for (size_t f = 0; f < s->items[k].n; f++) {
				struct tmpl_map *fm = tm_list_map(fl);

				tm_str(fm, "label", s->items[k].f[f].label);
				tm_str(fm, "value", s->items[k].f[f].value);
			}
		}
	}
}

/* The files of the portability set: ?file= value, name, type. */
static const struct {
	const char	*file;
	const char	*name;
	const char	*type;
	const char	*href_key;	/* the report page's link (model keys are not copied) */
} pfiles[] = {
	{ "json", "portability.json", "application/json", "json_href" },
	{ "customer", "customer.csv", "text/csv; charset=utf-8; header=present",
	  "customer_href" },
	{ "orders", "orders.csv", "text/csv; charset=utf-8; header=present",
	  "orders_href" },
};

/* One stored report in the page's list. */
struct stored_rows {
	struct tmpl_list	*list;
	long long		 request_id, customer_id;
	enum lang		 lang;
	const struct i18n	*msgs;
	int			 n;
};

static int
stored_row(void *arg, const struct ar_stored *st)
{
	struct stored_rows *x = arg;
	struct tmpl_map *m;
	char d[64], href[128], key[48];

	if (st->customer_id != x->customer_id)
		return 0;
	x->n++;
	m = tm_list_map(x->list);
	if (fmt_datetime(d, sizeof(d), x->lang, st->sent_at) != 0)
		snprintf(d, sizeof(d), "%s", st->sent_at);
	tm_str(m, "sent_at", d);
	snprintf(key, sizeof(key), "ar.kind.%s", st->kind);
	tm_str(m, "kind", i18n_msg(x->msgs, x->lang, key));
	tm_str(m, "format", st->format);
	snprintf(key, sizeof(key), "ar.via.%s", st->sent_via);
	tm_str(m, "via", i18n_msg(x->msgs, x->lang, key));
	tm_str(m, "sha256", st->sha256);
	snprintf(href, sizeof(href), "/intranet/request/report/stored?id=%lld"
	    "&report=%lld", x->request_id, st->id);
	tm_str(m, "href", href);
	return 0;
}

/*
 * The report page of rep for request q into out, in the request's
 * language: with preview, the staff's links and forms around it (error: a
 * message key to show, or NULL); without, the page alone, as it is stored
 * when sent. 0 or -1.
 */
static int
render(struct app *a, struct req *r, const struct dsr *q,
    const struct access_report *rep, int preview, const char *error,
    struct buf *out)
{
	const struct ui *cx = r->ctx;
	const struct tmpl *t = tmpl_get(a->tmpl, REPORT_TEMPLATE, q->lang);
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct ar_doc d;
	char href[128], day[40];
	const char *number = NULL;
	int rc = 0;

	if (t == NULL) {
		LOG_ERR("no template %s", REPORT_TEMPLATE);
		return -1;
	}
	m = tm_new();
	root = tm_root(m);
	for (size_t c = 0; c < rep->t[ART_CUSTOMERS].ncols; c++)
		if (strcmp(rep->t[ART_CUSTOMERS].cols[c], "number") == 0)
			number = rep->t[ART_CUSTOMERS].v[c].s;
	tm_str(root, "number", number ? number : "");
	tm_str(root, "request_number", q->number);
	if (fmt_date(day, sizeof(day), q->lang, rep->generated) != 0)
		snprintf(day, sizeof(day), "%s", rep->generated);
	tm_str(root, "generated", day);
	tm_bool(root, "preview", preview);
	if (preview) {
		struct stored_rows x = { tm_list(root, "stored"), q->id,
		    rep->customer_id, q->lang, a->msgs, 0 };

		tm_str(root, "csrf", cx->csrf);
		tm_int(root, "request_id", q->id);
		tm_int(root, "customer_id", rep->customer_id);
		if (error != NULL)
			tm_str(root, "error", i18n_msg(a->msgs, q->lang, error));
		snprintf(href, sizeof(href), "/intranet/request?id=%lld", q->id);
		tm_str(root, "request_href", href);
		snprintf(href, sizeof(href), "/intranet/request/report?id=%lld"
		    "&customer=%lld&format=json", q->id, rep->customer_id);
		tm_str(root, "report_json_href", href);
		for (size_t k = 0; k < sizeof(pfiles) / sizeof(pfiles[0]); k++) {
			snprintf(href, sizeof(href), "/intranet/request/"
			    "portability?id=%lld&customer=%lld&file=%s", q->id,
			    rep->customer_id, pfiles[k].file);
			tm_str(root, pfiles[k].href_key, href);
		}
		rc = ar_stored_list(a->db, q->id, stored_row, &x);
		tm_bool(root, "no_stored", x.n == 0);
	}
	access_report_doc(rep, a->msgs, &d);
	doc_model(&d, root);
	if (rc == 0)
		tmpl_render(t, root, out);
	ar_doc_free(&d);
	tm_free(m);
	return rc;
}

/* GET /intranet/request/report?id=R&customer=C[&format=json]: the access report, a page for A4 or JSON. */
void
page_request_report(struct app *a, struct req *r)
{
	const char *format = kv_get(&r->query, "format");
	struct access_report rep;
	struct dsr q;
	struct buf out = BUF_INIT;
	int status;

	if (format != NULL && (kv_count(&r->query, "format") != 1 ||
	    (strcmp(format, "json") != 0 && strcmp(format, "html") != 0))) {
		app_error(a, r, 400);
		return;
	}
	if ((status = load(a, r, "customer.access_report", &q, &rep)) != 0)
		goto out;
	if (format != NULL && strcmp(format, "json") == 0) {
		if (access_report_json(a->db, &rep, &out) != 0) {
			status = 500;
			goto out;
		}
		resp_header(r, "Cache-Control", "no-store");
		resp_send(r, 200, "application/json", out.data, out.len);
	} else if (render(a, r, &q, &rep, 1, NULL, &out) != 0)
		status = 500;
	else {
		resp_header(r, "Cache-Control", "no-store");
		resp_send(r, 200, "text/html; charset=utf-8", out.data, out.len);
	}
out:
	if (status != 0)
		app_error(a, r, status);
	buf_free(&out);
	access_report_free(&rep);
	dsr_free(&q);
}


/* GET /intranet/request/portability?id=R&customer=C&file=json|customer|orders: one file of the portability set, to download. */
void
page_request_portability(struct app *a, struct req *r)
{
	const char *file = kv_get(&r->query, "file");
	struct access_report rep;
	struct dsr q;
	struct buf out = BUF_INIT;
	char disp[96];
	size_t k;
	int status;

	for (k = 0; k < sizeof(pfiles) / sizeof(pfiles[0]); k++)
		if (file != NULL && kv_count(&r->query, "file") == 1 &&
		    strcmp(file, pfiles[k].file) == 0)
			break;
	if (k == sizeof(pfiles) / sizeof(pfiles[0])) {
		app_error(a, r, 400);
		return;
	}
	if ((status = load(a, r, "customer.portability", &q, &rep)) != 0)
		goto out;
	if (k == 0 && portability_json(a->db, &rep, &out) != 0) {
		status = 500;
		goto out;
	}
	if (k == 1)
		portability_customer_csv(&rep, &out);
	else if (k == 2)
		portability_orders_csv(&rep, &out);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"",
	    pfiles[k].name);
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition", disp);
	resp_send(r, 200, pfiles[k].type, out.data, out.len);
out:
	if (status != 0)
		app_error(a, r, status);
	buf_free(&out);
	access_report_free(&rep);
	dsr_free(&q);
}

/*
 * POST /intranet/request/report/send (id, customer, kind = report |
 * portability, via = post | email): store what is sent with the answer,
 * unchanged with its SHA-256 — the report as its page and as JSON, or the
 * portability JSON — once the requester's identity is checked (GDPR
 * Art. 12(6)), then back to the report page.
 */
void
post_request_report_send(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *kind = ui_field(r, "kind", 16), *via = ui_field(r, "via", 8);
	struct access_report rep;
	struct dsr q;
	struct buf page = BUF_INIT, json = BUF_INIT;
	const char *error = NULL;
	char to[128];
	int status, portability;

	if (kind == NULL || (strcmp(kind, "report") != 0 &&
	    strcmp(kind, "portability") != 0)) {
		app_error(a, r, 400);
		return;
	}
	portability = strcmp(kind, "portability") == 0;
	if ((status = load(a, r, "customer.report_sent", &q, &rep)) != 0)
		goto out;
	if (q.identity_method[0] == '\0')
		error = "ar.identity_first";
	else if (via == NULL || (strcmp(via, "post") != 0 &&
	    strcmp(via, "email") != 0))
		error = "ar.bad_via";
	if (error != NULL) {
		/* nothing stored: the page again with the reason */
		if (render(a, r, &q, &rep, 1, error, &page) != 0)
			status = 500;
		else {
			resp_header(r, "Cache-Control", "no-store");
			resp_send(r, 422, "text/html; charset=utf-8", page.data,
			    page.len);
		}
		goto out;
	}
	if (portability ? portability_json(a->db, &rep, &json) != 0 :
	    render(a, r, &q, &rep, 0, NULL, &page) != 0 ||
	    access_report_json(a->db, &rep, &json) != 0) {
		status = 500;
		goto out;
	}
	if (db_begin(a->db) != 0) {
		status = 500;
		goto out;
	}
	if ((!portability && ar_store(a->db, q.id, rep.customer_id,
	    ASK_REPORT_HTML, via, page.data, page.len, cx->me.id, time(NULL),
	    NULL) != 0) || ar_store(a->db, q.id, rep.customer_id, portability ?
	    ASK_PORTABILITY_JSON : ASK_REPORT_JSON, via, json.data, json.len,
	    cx->me.id, time(NULL), NULL) != 0 || db_commit(a->db) != 0) {
		db_rollback(a->db);
		status = 500;
		goto out;
	}
	snprintf(to, sizeof(to), "/intranet/request/report?id=%lld&customer=%lld",
	    q.id, rep.customer_id);
	ui_done(r, to, "recorded");
out:
	if (status != 0)
		app_error(a, r, status);
	buf_free(&page);
	buf_free(&json);
	access_report_free(&rep);
	dsr_free(&q);
}

/* GET /intranet/request/report/stored?id=R&report=N: a stored report, byte for byte as sent. */
void
page_request_report_stored(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	long long id = ui_id(r), report;
	struct buf out = BUF_INIT;
	char format[8];
	int rc;

	if (id == 0 || kv_count(&r->query, "report") != 1 ||
	    val_int(kv_get(&r->query, "report"), 1, LLONG_MAX, &report) !=
	    NULL) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = ar_stored_get(a->db, id, report, &out, format)) != 0) {
		buf_free(&out);
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	if (ui_event(a, r, &cx->me, "request.report_view", "request", id,
	    "") != 0) {
		buf_free(&out);
		app_error(a, r, 500);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, 200, strcmp(format, "html") == 0 ?
	    "text/html; charset=utf-8" : "application/json", out.data, out.len);
	buf_free(&out);
}
