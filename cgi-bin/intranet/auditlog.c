/* auditlog.c — the audit log for admins and auditors: filters, paging, every view itself audited. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "audit.h"
#include "buf.h"
#include "fmt.h"
#include "log.h"
#include "intranet.h"

/*
 * A filter value from the query: at most max bytes; dates must be
 * YYYY-MM-DD. NULL when absent or empty; *bad set when malformed.
 */
static const char *
filter(struct req *r, const char *key, size_t max, int date, int *bad)
{
	const char *v = kv_get(&r->query, key);
	struct tm tm;

	if (v == NULL || *v == '\0')
		return NULL;
	if (strlen(v) > max || (date && fmt_parse_date(v, &tm) != 0)) {
		*bad = 1;
		return NULL;
	}
	return v;
}

/* The rows of a page of the log into the model. */
struct audit_rows {
	struct req		*r;
	struct tmpl_list	*list;
	int			 n;
};

static int
audit_row(void *arg, const struct audit_row *row)
{
	struct audit_rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64];

	x->n++;
	tm_int(m, "id", row->id);
	fmt_datetime(when, sizeof(when), x->r->lang, row->at);
	tm_str(m, "at", when);
	tm_str(m, "username", row->username);
	tm_str(m, "client", row->client);
	tm_str(m, "action", row->action);
	tm_str(m, "object_type", row->object_type);
	tm_str(m, "object_id", row->object_id);
	tm_str(m, "summary", row->summary);
	return 0;
}

/* "&key=value" for each filter given, percent-encoded by libxml2, into q. */
static void
filter_query(struct buf *q, const struct audit_filter *f)
{
	static const char *const keys[] = { "user", "action", "object", "from",
	    "to" };
	const char *vals[] = { f->username, f->action, f->object_id, f->from,
	    f->to };

	for (int i = 0; i < 5; i++)
		if (vals[i] != NULL) {
			xmlChar *e = xmlURIEscapeStr(BAD_CAST vals[i], BAD_CAST "");

			buf_addf(q, "&%s=%s", keys[i], e ? (const char *)e : "");
			xmlFree(e);
		}
}

/* GET /intranet/audit: the log, newest first, with filters and paging. */
void
page_audit(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct audit_filter flt;
	struct audit_rows x = { r, NULL, 0 };
	struct tmpl_model *m;
	struct tmpl_map *root, *f;
	struct buf q = BUF_INIT, h = BUF_INIT;
	long long pageno = 1;
	int bad = 0, more = 0;

	flt.username = filter(r, "user", AUTH_NAME_MAX, 0, &bad);
	flt.action = filter(r, "action", 40, 0, &bad);
	flt.object_id = filter(r, "object", 40, 0, &bad);
	flt.from = filter(r, "from", 10, 1, &bad);
	flt.to = filter(r, "to", 10, 1, &bad);
	if (bad || ui_page_no(r, &pageno) != 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	f = tm_map(root, "filter");
	tm_str(f, "user", flt.username ? flt.username : "");
	tm_str(f, "action", flt.action ? flt.action : "");
	tm_str(f, "object", flt.object_id ? flt.object_id : "");
	tm_str(f, "from", flt.from ? flt.from : "");
	tm_str(f, "to", flt.to ? flt.to : "");
	x.list = tm_list(root, "rows");
	if (audit_list(a->db, &flt, pageno, PAGE_ROWS, audit_row, &x,
	    &more) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_bool(root, "empty", x.n == 0);
	tm_int(root, "page", pageno);
	filter_query(&q, &flt);
	if (pageno > 1) {
		buf_addf(&h, "/intranet/audit?page=%lld%s", pageno - 1, buf_cstr(&q));
		tm_str(root, "prev_href", h.data);
	}
	if (more) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/audit?page=%lld%s", pageno + 1, buf_cstr(&q));
		tm_str(root, "next_href", h.data);
	}
	buf_free(&q);
	buf_free(&h);
	if (ui_event(a, r, &cx->me, "audit.view", "audit", 0, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	ui_page(a, r, 200, "audit.xhtml", m);
}
