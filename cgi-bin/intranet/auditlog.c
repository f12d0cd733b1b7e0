/* auditlog.c — the audit log for admins and auditors: events in plain words, filters (by customer number too), links to the records, paging, every view itself audited. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "audit.h"
#include "buf.h"
#include "customer.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "intranet.h"

#define CUSTOMER_NUMBER_MAX	31	/* customers.number, "A000123" */

/* The filter as typed (shown again), as used, and the message of each bad field. */
enum afield { AF_USER, AF_ACTION, AF_CUSTOMER, AF_OBJECT, AF_FROM, AF_TO,
	AF__MAX };
static const char *const afield_keys[AF__MAX] = { "user", "action",
	"customer", "object", "from", "to" };

struct afilter {
	const char		*typed[AF__MAX];
	char			 from[16], to[16], customer[CUSTOMER_NUMBER_MAX + 1];
	const char		*err[AF__MAX];	/* i18n keys */
	struct audit_filter	 f;
};

/* Whether action is an event the log records, or a group of them ("customer.*"). */
static int
action_ok(const char *action)
{
	size_t n = strlen(action);
	char g[32];

	if (audit_action_known(action))
		return 1;
	if (n < 3 || strcmp(action + n - 2, ".*") != 0)
		return 0;
	for (size_t i = 0; audit_actions[i] != NULL; i++)
		if (audit_action_group(audit_actions[i], g, sizeof(g)) == n - 2 &&
		    strncmp(g, action, n - 2) == 0)
			return 1;
	return 0;
}

/* The query's filter into x: 0, or the number of fields in error. */
static int
read_filter(struct app *a, struct req *r, struct afilter *x)
{
	char text[256];
	int bad = 0;

	memset(x, 0, sizeof(*x));
	for (int k = 0; k < AF__MAX; k++) {
		const char *v = kv_get(&r->query, afield_keys[k]);

		x->typed[k] = v != NULL ? v : "";
	}
	if (x->typed[AF_USER][0] != '\0' && (x->err[AF_USER] =
	    val_text(x->typed[AF_USER], AUTH_NAME_MAX, text, sizeof(text))) == NULL)
		x->f.username = x->typed[AF_USER];
	if (x->typed[AF_OBJECT][0] != '\0' && (x->err[AF_OBJECT] =
	    val_text(x->typed[AF_OBJECT], 40, text, sizeof(text))) == NULL)
		x->f.object_id = x->typed[AF_OBJECT];
	if (x->typed[AF_ACTION][0] != '\0') {
		if (strlen(x->typed[AF_ACTION]) > 40 ||
		    !action_ok(x->typed[AF_ACTION]))
			x->err[AF_ACTION] = "audit.err.action";
		else
			x->f.action = x->typed[AF_ACTION];
	}
	if (x->typed[AF_FROM][0] != '\0' && (x->err[AF_FROM] =
	    val_date(x->typed[AF_FROM], x->from, sizeof(x->from))) == NULL)
		x->f.from = x->from;
	if (x->typed[AF_TO][0] != '\0' && (x->err[AF_TO] =
	    val_date(x->typed[AF_TO], x->to, sizeof(x->to))) == NULL)
		x->f.to = x->to;
	if (x->f.from != NULL && x->f.to != NULL && strcmp(x->from, x->to) > 0)
		x->err[AF_TO] = "val.date_order";
	if (x->typed[AF_CUSTOMER][0] != '\0') {
		const char *v = x->typed[AF_CUSTOMER];
		size_t i, n = strlen(v);
		long long id = 0;

		/* an erased record's number still finds its events */
		for (i = 0; i < n && i < CUSTOMER_NUMBER_MAX &&
		    (isalnum((unsigned char)v[i]) || v[i] == '-'); i++)
			x->customer[i] = (char)toupper((unsigned char)v[i]);
		x->customer[i] = '\0';
		if (i != n || customer_by_number_ever(a->db, x->customer,
		    &id) != 0)
			x->err[AF_CUSTOMER] = "audit.err.customer";
		else
			x->f.customer = id;
	}
	for (int k = 0; k < AF__MAX; k++)
		if (x->err[k] != NULL)
			bad++;
	return bad;
}

/* The filter form: what was typed, the event list with the choice, the messages. */
static void
filter_model(struct app *a, struct req *r, const struct afilter *x,
    struct tmpl_map *root)
{
	struct tmpl_map *f = tm_map(root, "filter");
	struct tmpl_list *groups = tm_list(root, "event_groups"), *events = NULL;
	const char *chosen = x->typed[AF_ACTION];
	char g[32], prev[32] = "", key[96];

	for (int k = 0; k < AF__MAX; k++) {
		tm_str(f, afield_keys[k], x->typed[k]);
		if (x->err[k] != NULL) {
			struct tmpl_map *e = tm_map(tm_map(root, "filter_error"),
			    afield_keys[k]);

			tm_str(e, "text", i18n_msg(a->msgs, r->lang, x->err[k]));
			tm_str(e, "invalid", "true");
		}
	}
	for (size_t i = 0; audit_actions[i] != NULL; i++) {
		const char *act = audit_actions[i];
		struct tmpl_map *e;

		audit_action_group(act, g, sizeof(g));
		if (strcmp(g, prev) != 0) {
			struct tmpl_map *gm = tm_list_map(groups);
			/* a group of more than one: "all of them" first */
			char grp[40];
			size_t n = strlen(g);
			int several = audit_actions[i + 1] != NULL &&
			    strncmp(audit_actions[i + 1], g, n) == 0 &&
			    audit_actions[i + 1][n] == '.';

			snprintf(prev, sizeof(prev), "%s", g);
			snprintf(key, sizeof(key), "event.group.%s", g);
			tm_str(gm, "label", i18n_msg(a->msgs, r->lang, key));
			if (several) {
				struct tmpl_map *all = tm_map(gm, "all");

				snprintf(grp, sizeof(grp), "%s.*", g);
				tm_str(all, "value", grp);
				tm_str(all, "label", i18n_msg(a->msgs, r->lang,
				    "audit.group_all"));
				tm_bool(all, "selected", strcmp(chosen, grp) == 0);
			}
			events = tm_list(gm, "events");
		}
		e = tm_list_map(events);
		snprintf(key, sizeof(key), "event.%s", act);
		tm_str(e, "value", act);
		tm_str(e, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(e, "selected", strcmp(chosen, act) == 0);
	}
}

/* The rows of a page of the log into the model. */
struct audit_rows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
	int			 n;
	int			 may_open;	/* the viewer may open records */
};

/* One customer of a row's object (an id) as a number, linked when it may be opened. */
static int
customer_model(struct audit_rows *x, const char *idtext,
    struct tmpl_list *list)
{
	struct tmpl_map *m = tm_list_map(list);
	char number[32], href[64];
	long long id = strtoll(idtext, NULL, 10);
	int erased, rc;

	if ((rc = customer_number_of(x->a->db, id, number, &erased)) < 0)
		return -1;
	tm_str(m, "number", rc == 0 ? number : idtext);
	if (rc == 0 && erased)
		tm_str(m, "erased", i18n_msg(x->a->msgs, x->r->lang,
		    "audit.erased"));
	else if (rc == 0 && x->may_open) {
		snprintf(href, sizeof(href), "/intranet/customer?id=%lld", id);
		tm_str(m, "href", href);
	}
	return 0;
}

/* A row's object: its kind in words, and the record (or records) it names, with links. */
static int
object_model(struct audit_rows *x, const struct audit_row *row,
    struct tmpl_map *m)
{
	static const struct { const char *type, *path; } paths[] = {
		{ "request", "/intranet/request?id=" },
		{ "breach", "/intranet/breach?id=" },
	};
	const char *id = row->object_id;
	char key[64], href[64];

	if (row->object_type[0] != '\0') {
		const char *t;

		snprintf(key, sizeof(key), "audit.type.%s", row->object_type);
		t = i18n_get(x->a->msgs, x->r->lang, key);
		tm_str(m, "type", t != NULL ? t : row->object_type);
	}
	if (strcmp(row->object_type, "customer") == 0 && id[0] != '\0' &&
	    strspn(id, "0123456789,") == strlen(id)) {
		struct tmpl_list *l = tm_list(m, "customers");
		size_t shown = 0;

		for (const char *p = id; *p != '\0'; p += *p == ',') {
			char one[24];
			size_t n = strcspn(p, ",");

			snprintf(one, sizeof(one), "%.*s", (int)(n < 20 ? n : 20), p);
			if (n > 0 && customer_model(x, one, l) != 0)
				return -1;
			shown++;
			p += n;
		}
		if (strchr(id, ',') != NULL)
			tm_int(m, "shown", (long long)shown);
		return 0;
	}
	/* the list pages that record their ids (docs/audit.md, "Lists") */
	if (strcmp(row->object_type, "customer") == 0 && id[0] == '\0' &&
	    (strcmp(row->action, "customer.search") == 0 ||
	    strcmp(row->action, "customer.lookup") == 0 ||
	    strcmp(row->action, "labels.left") == 0)) {
		tm_bool(m, "nobody", 1);	/* a list page that showed no one */
		return 0;
	}
	if (row->object_name[0] != '\0') {
		tm_str(m, "text", row->object_name);	/* a staff member */
		return 0;
	}
	tm_str(m, "text", id);
	for (size_t i = 0; x->may_open && id[0] != '\0' &&
	    strspn(id, "0123456789") == strlen(id) &&
	    i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(row->object_type, paths[i].type) == 0) {
			snprintf(href, sizeof(href), "%s%s", paths[i].path, id);
			tm_str(m, "href", href);
		}
	return 0;
}

static int
audit_row(void *arg, const struct audit_row *row)
{
	struct audit_rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64], key[96];
	const char *event;

	x->n++;
	tm_int(m, "id", row->id);
	fmt_datetime(when, sizeof(when), x->r->lang, row->at);
	tm_str(m, "at", when);
	tm_str(m, "username", row->username);
	tm_str(m, "name", row->name);
	tm_str(m, "client", row->client);
	tm_str(m, "action", row->action);
	snprintf(key, sizeof(key), "event.%s", row->action);
	/* an action of an older release without a name is shown as it is */
	event = i18n_get(x->a->msgs, x->r->lang, key);
	tm_str(m, "event", event != NULL ? event : row->action);
	tm_str(m, "summary", row->summary);
	return object_model(x, row, tm_map(m, "object"));
}

/* "&key=value" for each filter given, percent-encoded by libxml2, into q. */
static void
filter_query(struct buf *q, const struct afilter *x)
{
	for (int k = 0; k < AF__MAX; k++)
		if (x->typed[k][0] != '\0') {
			xmlChar *e = xmlURIEscapeStr(BAD_CAST x->typed[k],
			    BAD_CAST "");

			buf_addf(q, "&%s=%s", afield_keys[k], e ? (const char *)e :
			    "");
			xmlFree(e);
		}
}

/* The paging links, which keep the filter. */
static void
pager_model(const struct afilter *x, long long pageno, int more,
    struct tmpl_map *root)
{
	struct buf q = BUF_INIT, h = BUF_INIT;

	tm_int(root, "page", pageno);
	filter_query(&q, x);
	if (pageno > 1) {
		buf_addf(&h, "/intranet/audit?page=%lld%s", pageno - 1,
		    buf_cstr(&q));
		tm_str(root, "prev_href", h.data);
	}
	if (more) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/audit?page=%lld%s", pageno + 1,
		    buf_cstr(&q));
		tm_str(root, "next_href", h.data);
	}
	buf_free(&q);
	buf_free(&h);
}

/*
 * GET /intranet/audit: the log, newest first, with filters and paging. A
 * bad filter value is a message beside its field (400) over the whole
 * log's first page.
 */
void
page_audit(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct afilter x;
	struct audit_filter none = { 0 };
	struct audit_rows rows = { a, r, NULL, 0,
	    (cx->me.role & (ROLE_ADMIN | ROLE_HANDLER)) != 0 };
	struct tmpl_model *m;
	struct tmpl_map *root;
	long long pageno = 1;
	int bad, more = 0;

	if (ui_page_no(r, &pageno) != 0) {
		app_error(a, r, 400);
		return;
	}
	bad = read_filter(a, r, &x);
	if (bad)
		pageno = 1;
	m = ui_model(a, r);
	root = tm_root(m);
	filter_model(a, r, &x, root);
	tm_bool(root, "filtered", !bad && (x.f.username || x.f.action ||
	    x.f.object_id || x.f.from || x.f.to || x.f.customer));
	rows.list = tm_list(root, "rows");
	if (audit_list(a->db, bad ? &none : &x.f, pageno, PAGE_ROWS, audit_row,
	    &rows, &more) != 0 || ui_event(a, r, &cx->me, "audit.view",
	    "audit", 0, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_bool(root, "empty", rows.n == 0);
	if (!bad)
		pager_model(&x, pageno, more, root);
	else
		tm_int(root, "page", 1);
	ui_page(a, r, bad ? 400 : 200, "audit.xhtml", m);
}
