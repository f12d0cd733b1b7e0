/* customers.c — customers for staff: search, the record page, the record form (new and edit), and one route per note on a record (order, disclosure, ban, restriction). */
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
#include "dsr.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "intranet.h"

/* Field f of c into m: name, label, value, input kind and its error. */
static void
field_model(struct app *a, struct req *r, const struct customer *c,
    const char *const *errs, int f, struct tmpl_map *m)
{
	const char *in = cfields[f].input;
	char key[64];

	tm_str(m, "name", cfields[f].name);
	snprintf(key, sizeof(key), "cust.%s", cfields[f].name);
	tm_str(m, "label", i18n_msg(a->msgs, r->lang, key));
	tm_str(m, "value", c->v[f] ? c->v[f] : "");
	tm_str(m, "id", cfields[f].name);
	tm_bool(m, "is_checkbox", strcmp(in, "checkbox") == 0);
	tm_bool(m, "is_textarea", strcmp(in, "textarea") == 0);
	tm_bool(m, "is_input", strcmp(in, "checkbox") != 0 &&
	    strcmp(in, "textarea") != 0);
	tm_str(m, "type", in);
	tm_bool(m, "checked", c->v[f] && strcmp(c->v[f], "1") == 0);
	tm_bool(m, "shown", c->v[f] && c->v[f][0] != '\0' &&
	    strcmp(c->v[f], "0") != 0);
	if (errs != NULL && errs[f] != NULL) {
		tm_str(m, "error", i18n_msg(a->msgs, r->lang, errs[f]));
		snprintf(key, sizeof(key), "%s-error", cfields[f].name);
		tm_str(m, "error_id", key);
		tm_str(m, "invalid", "true");
	}
}

/*
 * The record's fields into root: "fields" in table order (the record
 * page), "groups" as the form shows them (person, organisation, contact
 * details, billing, relationship; #20), and "errors", the summary's links.
 */
static void
fields_model(struct app *a, struct req *r, const struct customer *c,
    const char *const *errs, struct tmpl_map *root)
{
	static const struct {
		const char	*key;
		int		 f[9];	/* ended by -1 */
	} groups[] = {
		{ "cust.g_person", { CF_FIRST_NAME, CF_LAST_NAME, -1 } },
		{ "cust.g_organisation", { CF_ORGANISATION, CF_BUSINESS_ID,
		    CF_CONTACT_PERSON, CF_CONTACT_FROM, CF_CONTACT_TO, -1 } },
		{ "cust.g_contact", { CF_EMAIL, CF_PHONE, CF_STREET,
		    CF_POSTAL_CODE, CF_CITY, CF_COUNTRY, CF_WWW, CF_IP, -1 } },
		{ "cust.g_billing", { CF_BILLING_ADDRESS, CF_EINVOICE_ADDRESS,
		    CF_EINVOICE_OPERATOR, -1 } },
		{ "cust.g_relationship", { CF_CUSTOMER_SINCE,
		    CF_RELATIONSHIP_ENDED, CF_NOTES, -1 } },
	};
	struct tmpl_list *l = tm_list(root, "fields"), *el = NULL,
	    *gl = tm_list(root, "groups");
	char key[64];

	for (int f = 0; f < CF__MAX; f++) {
		field_model(a, r, c, errs, f, tm_list_map(l));
		/* the summary at the top links to each field */
		if (errs != NULL && errs[f] != NULL) {
			struct tmpl_map *e;

			if (el == NULL)
				el = tm_list(root, "errors");
			e = tm_list_map(el);
			snprintf(key, sizeof(key), "#%s", cfields[f].name);
			tm_str(e, "href", key);
			tm_str(e, "text", i18n_msg(a->msgs, r->lang, errs[f]));
		}
	}
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		struct tmpl_map *gm = tm_list_map(gl);
		struct tmpl_list *fl = tm_list(gm, "fields");

		tm_str(gm, "legend", i18n_msg(a->msgs, r->lang, groups[g].key));
		for (int i = 0; groups[g].f[i] >= 0; i++)
			field_model(a, r, c, errs, groups[g].f[i],
			    tm_list_map(fl));
	}
}

/*
 * A customer search from the query: q (words), name ("Last [First]"
 * prefixes), postal (a postal-code prefix) and sort. 0, or -1 for a value
 * out of bounds (answered with 400).
 */
const char *
ui_search_check(struct req *r, struct csearch *s)
{
	const char *sort = kv_get(&r->query, "sort");

	s->q = kv_get(&r->query, "q");
	s->name = kv_get(&r->query, "name");
	s->postal = kv_get(&r->query, "postal");
	s->sort = SORT_NAME;
	if (s->q != NULL && strlen(s->q) > 200)
		return "q";
	if (s->name != NULL && strlen(s->name) > 200)
		return "name";
	if (!customer_postal_prefix_ok(s->postal))
		return "postal";
	if (sort == NULL)
		return NULL;
	for (int i = 0; i < SORT__MAX; i++)
		if (strcmp(sort, csort_names[i]) == 0) {
			s->sort = (enum csort)i;
			return NULL;
		}
	return "sort";
}

int
ui_search_params(struct req *r, struct csearch *s)
{
	return ui_search_check(r, s) == NULL ? 0 : -1;
}

/*
 * The search form again (400) with a message beside the bad field (bad:
 * "q", "name", "postal" or "sort") and what was typed, and no results: a
 * staff member's typo is no error page.
 */
static void
search_refused(struct app *a, struct req *r, const struct csearch *cs,
    const char *bad)
{
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m), *e = tm_map(root, "search_error");
	struct tmpl_list *l = tm_list(root, "errors");
	/* model keys must outlive the model: literals */
	static const char *const fields[] = { "q", "name", "postal", "sort" };

	tm_str(root, "q", cs->q ? cs->q : "");
	tm_str(root, "name", cs->name ? cs->name : "");
	tm_str(root, "postal", cs->postal ? cs->postal : "");
	tm_bool(root, "sort_name", 1);
	tm_int(root, "page", 1);
	tm_bool(root, "none", 1);
	tm_bool(root, "failed", 1);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(bad, fields[i]) == 0) {
			struct tmpl_map *f = tm_map(e, fields[i]),
			    *li = tm_list_map(l);
			char key[48];
			const char *msg;

			snprintf(key, sizeof(key), "customers.bad_%s", fields[i]);
			msg = i18n_msg(a->msgs, r->lang, key);
			tm_str(f, "text", msg);
			tm_str(f, "invalid", "true");
			snprintf(key, sizeof(key), "%s-error", fields[i]);
			tm_str(f, "id", key);
			snprintf(key, sizeof(key), "#%s", fields[i]);
			tm_str(li, "href", key);
			tm_str(li, "text", msg);
		}
	ui_page(a, r, 400, "customers.xhtml", m);
}

/* GET /intranet/customers: search and list, a page at a time. */
void
page_customers(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct csearch cs;
	struct ui_ids shown = { NULL, 0, 0 };
	struct buf ids = BUF_INIT;
	long long pageno = 1;
	const char *bad = ui_search_check(r, &cs);

	if (bad != NULL) {
		search_refused(a, r, &cs, bad);
		return;
	}
	if (ui_page_no(r, &pageno) != 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	tm_str(root, "q", cs.q ? cs.q : "");
	tm_str(root, "name", cs.name ? cs.name : "");
	tm_str(root, "postal", cs.postal ? cs.postal : "");
	tm_int(root, "page", pageno);
	tm_str(root, "sort", csort_names[cs.sort]);
	{
		/* model keys must outlive the model: literals, not a buffer */
		static const char *const sort_keys[SORT__MAX] = {
			"sort_name", "sort_number", "sort_postal", "sort_city",
		};

		for (int i = 0; i < SORT__MAX; i++)
			tm_bool(root, sort_keys[i], (int)cs.sort == i);
	}
	if (ui_customer_search(a, r, &cs, (int)pageno, 50, root, &shown,
	    1) != 0) {
		ui_ids_free(&shown);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		/* paging links keep the search, percent-encoded by libxml2 */
		struct buf b = BUF_INIT;
		xmlChar *eq = xmlURIEscapeStr(BAD_CAST (cs.q ? cs.q : ""),
		    BAD_CAST "");
		xmlChar *en = xmlURIEscapeStr(BAD_CAST (cs.name ? cs.name : ""),
		    BAD_CAST "");
		xmlChar *ep = xmlURIEscapeStr(BAD_CAST (cs.postal ? cs.postal :
		    ""), BAD_CAST "");

		buf_addf(&b, "q=%s&name=%s&postal=%s&sort=%s", eq ? (char *)eq :
		    "", en ? (char *)en : "", ep ? (char *)ep : "",
		    csort_names[cs.sort]);
		xmlFree(eq);
		xmlFree(en);
		xmlFree(ep);
		{
			struct buf h = BUF_INIT;

			/* the link is the register's own copy; the form the rest */
			buf_addf(&h, "/intranet/customers.csv?%s&purpose=register",
			    b.data);
			tm_str(root, "csv_href", h.data);
			ui_export_purposes(a, r, root);
			buf_free(&h);
		}
		if (pageno > 1) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/customers?%s&page=%lld", b.data,
			    pageno - 1);
			tm_str(root, "prev_href", h.data);
			buf_free(&h);
		}
		{
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/customers?%s&page=%lld", b.data,
			    pageno + 1);
			tm_str(root, "next_href", h.data);
			buf_free(&h);
		}
		buf_free(&b);
	}
	/*
	 * The row names whom the page showed (their ids, docs/audit.md
	 * "Lists"), never the search words: the access report tells a person
	 * every time their data was on a staff screen (CJEU C-579/21).
	 */
	ui_ids_format(&shown, &ids);
	ui_ids_free(&shown);
	if (ui_event_ids(a, r, &cx->me, "customer.search", "customer",
	    buf_cstr(&ids), "") != 0) {
		buf_free(&ids);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	buf_free(&ids);
	ui_page(a, r, 200, "customers.xhtml", m);
}

/*
 * Render record id with m (values every page has, plus any form's errors,
 * from model()); takes m. The record view is audited.
 */
static void
show_customer(struct app *a, struct req *r, long long id, int status,
    struct tmpl_model *m)
{
	const struct ui *cx = r->ctx;
	struct customer c;
	struct tmpl_map *root = tm_root(m);
	int rc, ended;

	if ((rc = customer_get(a->db, id, &c)) != 0) {
		tm_free(m);
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	ended = ui_customer_model(&c, tm_map(root, "c"));
	fields_model(a, r, &c, NULL, root);
	{
		char href[64];

		snprintf(href, sizeof(href), "/intranet/customer/edit?id=%lld", id);
		tm_str(root, "edit_href", href);
		tm_str(root, "restrict_action", c.restricted ?
		    "/intranet/customer/unrestrict" : "/intranet/customer/restrict");
	}
	{
		/* an anonymised record: its orders kept, the person gone (#14) */
		char kind[16], at[24];

		tm_bool(root, "anonymised", forget_tombstone(a->db, id, kind, at)
		    == 0 && strcmp(kind, "anonymised") == 0);
	}
	if (ui_customer_notes(a, r, id, c.restricted || ended, root) != 0) {
		customer_free(&c);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		static const struct {
			const char *list, *prefix;
			const char *const *names;
		} choices[] = {
			{ "purposes", "purpose", cpurpose_names },
			{ "vias", "via", cvia_names },
			{ "statuses", "status", corder_status_names },
			{ "grounds", "ground", cground_names },
			{ "hows", "told", ctold_names },
		};
		char key[48], today[16];
		time_t now = time(NULL);
		struct tm tmv;

		for (size_t k = 0; k < sizeof(choices) / sizeof(choices[0]); k++) {
			struct tmpl_list *l = tm_list(root, choices[k].list);

			for (int i = 0; i < (k == 0 ? CP__MAX : 99) &&
			    choices[k].names[i] != NULL; i++) {
				struct tmpl_map *o = tm_list_map(l);

				tm_str(o, "value", choices[k].names[i]);
				snprintf(key, sizeof(key), "%s.%s", choices[k].prefix,
				    choices[k].names[i]);
				tm_str(o, "label", i18n_msg(a->msgs, r->lang, key));
			}
		}
		strftime(today, sizeof(today), "%Y-%m-%d", localtime_r(&now, &tmv));
		tm_str(root, "today", today);
	}
	customer_free(&c);
	/* a view of personal data is shown only when it is on record */
	if (ui_event(a, r, &cx->me, "customer.view", "customer", id, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	ui_page(a, r, status, "customer.xhtml", m);
}

void
ui_show_customer(struct app *a, struct req *r, long long id, int status,
    struct tmpl_model *m)
{
	show_customer(a, r, id, status, m);
}

/* GET /intranet/customer?id=N: the record, bans, disclosures, orders, history. */
void
page_customer(struct app *a, struct req *r)
{
	long long id = ui_id(r);

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	show_customer(a, r, id, 200, ui_model(a, r));
}

/*
 * POST /intranet/customer/order and /intranet/customer/disclosure: a new
 * order or disclosure on the record. A form with errors stores nothing and
 * comes back on the record page with what was typed and the messages.
 */
static void
customer_note(struct app *a, struct req *r, int order)
{
	const struct ui *cx = r->ctx;
	const struct field *fields = order ? order_fields : disclosure_fields;
	size_t nfields = order ? OF__MAX : DF__MAX;
	const char *errs[OF__MAX + DF__MAX];	/* room for either */
	long long id = ui_id(r);
	struct customer c;
	struct tmpl_model *m;
	struct tmpl_map *f, *e;
	struct tmpl_list *sum = NULL;
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = customer_get(a->db, id, &c)) != 0) {
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	customer_free(&c);
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	rc = order ? customer_add_order(a->db, id, &r->form, errs) :
	    customer_add_disclosure(a->db, id, &r->form, cx->me.id, errs);
	if (rc == 0) {
		if (ui_event(a, r, &cx->me, order ? "customer.order" :
		    "customer.disclosure", "customer", id, order ? "" :
		    kv_get(&r->form, "ground")) != 0 ||
		    db_commit(a->db) != 0) {
			app_error(a, r, 500);
			return;
		}
		{
			char to[64];

			snprintf(to, sizeof(to), "/intranet/customer?id=%lld", id);
			ui_done(r, to, "recorded");
		}
		return;
	}
	db_rollback(a->db);
	if (rc < 0) {
		app_error(a, r, 500);
		return;
	}
	m = ui_model(a, r);
	f = tm_map(tm_root(m), order ? "order_form" : "disc_form");
	tm_bool(f, "failed", 1);
	e = tm_map(f, "error");
	/* what was typed, and each field's message under its name; the
	 * summary at the top links to each, which says aria-invalid (#20) */
	for (size_t i = 0; i < nfields; i++) {
		const char *v = kv_get(&r->form, fields[i].name);
		struct tmpl_map *s;
		char href[48];

		tm_str(f, fields[i].name, v ? v : "");
		if (errs[i] == NULL)
			continue;
		tm_str(e, fields[i].name, i18n_msg(a->msgs, r->lang, errs[i]));
		tm_str(tm_map(f, "invalid"), fields[i].name, "true");
		if (sum == NULL)
			sum = tm_list(tm_root(m), "note_errors");
		s = tm_list_map(sum);
		/* the form's ids: o-number …, d-recipient …; o-desc */
		snprintf(href, sizeof(href), "#%c-%s", order ? 'o' : 'd',
		    strcmp(fields[i].name, "description") == 0 ? "desc" :
		    fields[i].name);
		tm_str(s, "href", href);
		tm_str(s, "text", i18n_msg(a->msgs, r->lang, errs[i]));
	}
	show_customer(a, r, id, 400, m);
}

/* POST /intranet/customer/order */
void
post_customer_order(struct app *a, struct req *r)
{
	customer_note(a, r, 1);
}

/* POST /intranet/customer/disclosure */
void
post_customer_disclosure(struct app *a, struct req *r)
{
	customer_note(a, r, 0);
}

/* The form's choice of sources into root.sources, selected (or staff when < 0). */
static void
sources_model(struct app *a, struct req *r, struct tmpl_map *root,
    int selected)
{
	struct tmpl_list *l = tm_list(root, "sources");
	char key[48];

	for (int i = 0; i < CS__MAX; i++) {
		struct tmpl_map *o;

		if (i == CS_IMPORT)
			continue;	/* the import command's own */
		o = tm_list_map(l);
		tm_str(o, "value", csource_names[i]);
		snprintf(key, sizeof(key), "source.%s", csource_names[i]);
		tm_str(o, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(o, "selected", i == (selected < 0 ? CS_STAFF : selected));
	}
}

/*
 * The request an edit answers (?request= or the form's request, a
 * rectification, GDPR Art. 16): its id, 0 for none, -1 for a bad value.
 */
static long long
edit_request(struct req *r)
{
	const struct kvlist *l = r->method == METHOD_POST ? &r->form : &r->query;
	long long rid;

	if (kv_get(l, "request") == NULL)
		return 0;
	if (kv_count(l, "request") != 1 || val_int(kv_get(l, "request"), 1,
	    LLONG_MAX, &rid) != NULL)
		return -1;
	return rid;
}

/*
 * Whether new record c is of an erased person who objected (GDPR Art.
 * 21(3)): refused, or stored once staff confirm ([retention] suppression).
 * 1 when it is held back, 0 when not, -1 on error.
 */
static int
form_suppressed(struct app *a, struct req *r, const struct customer *c)
{
	const char *ok = kv_get(&r->form, "suppression_ok");
	unsigned kinds;
	int rc;

	if (!ui_conf_of(a)->have_erasure_key)
		return 0;
	if ((rc = forget_suppressed(a->db, &ui_conf_of(a)->erasure_key, c,
	    &kinds)) < 0)
		return -1;
	return rc > 0 && (ui_conf_of(a)->suppress_refuse ||
	    strcmp(ok ? ok : "", "1") != 0);
}

/* After a saved form: to the answer of request rid, or else to record id. */
static void
form_done(struct req *r, long long rid, long long id, int editing)
{
	char to[80];

	if (rid > 0)
		snprintf(to, sizeof(to), "/intranet/request?id=%lld#answer-h",
		    rid);
	else
		snprintf(to, sizeof(to), "/intranet/customer?id=%lld", id);
	ui_done(r, to, editing ? "saved" : "created");
}

/*
 * GET and POST /intranet/customers/new and /intranet/customer/edit: the
 * form. A form with any error changes nothing and comes back with what was
 * typed and a message beside each field that failed. An edit for a
 * request (request=N, an open request linked to the record) records the
 * person as the source and the ticket number as the reference of each
 * change, and a step in the case.
 */
static void
customer_form(struct app *a, struct req *r, int editing)
{
	const struct ui *cx = r->ctx;
	struct customer c;
	const char *errs[CF__MAX];
	struct tmpl_model *m;
	struct tmpl_map *root;
	long long id = editing ? ui_id(r) : 0, rid = editing ? edit_request(r) : 0;
	int bad, rc, src = CS_STAFF, suppressed = 0;
	char changed[512] = "";
	struct dsr q;

	memset(&c, 0, sizeof(c));
	memset(&q, 0, sizeof(q));
	memset(errs, 0, sizeof(errs));
	if ((editing && id == 0) || rid < 0) {
		app_error(a, r, 400);
		return;
	}
	if (rid > 0) {
		const char *why;

		/* the request open and the record linked to it */
		if ((rc = ui_answer_request(a, rid, id, &q, &why)) != 0) {
			dsr_free(&q);
			app_error(a, r, rc < 0 ? 500 : rc == 1 ? 400 : rc);
			return;
		}
	}
	if (editing && (rc = customer_get(a->db, id, &c)) != 0) {
		dsr_free(&q);
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	if (r->method == METHOD_GET) {
		if (!editing)
			c.v[CF_COUNTRY] = xstrdup("FI");
		bad = 0;
		goto show;
	}
	if ((src = csource_parse(kv_get(&r->form, "source"))) < 0)
		src = -1;
	if (rid > 0)
		src = CS_CUSTOMER;	/* the person's own request */
	bad = customer_from_form(&r->form, &c, errs);
	if (src < 0)
		bad++;
	if (editing && c.restricted) {
		customer_free(&c);
		dsr_free(&q);
		app_error(a, r, 403);
		return;
	}
	if (bad == 0 && !editing && (suppressed = form_suppressed(a, r, &c)) < 0)
		goto fail;
	if (bad == 0 && !suppressed) {
		if (db_begin(a->db) != 0)
			goto fail;
		rc = editing ? customer_update_ref(a->db, &c, cx->me.id,
		    (enum csource)src, rid > 0 ? q.number : "", changed,
		    sizeof(changed)) : customer_create(a->db, &c, cx->me.id,
		    (enum csource)src);
		/* the case says what was corrected (field names) */
		if (rc == 0 && rid > 0 && (dsr_step(a->db, rid, cx->me.id,
		    "rectified", changed) != 0 || ui_event(a, r, &cx->me,
		    "request.rectified", "request", rid, changed) != 0))
			rc = -1;
		if (rc != 0) {
			db_rollback(a->db);
			goto fail;
		}
		if (ui_event(a, r, &cx->me, editing ? "customer.edit" : "customer.add",
		    "customer", c.id, editing ? changed : csource_names[src]) != 0 ||
		    db_commit(a->db) != 0)
			goto fail;
		form_done(r, rid, c.id, editing);
		customer_free(&c);
		dsr_free(&q);
		return;
	}
show:
	m = ui_model(a, r);
	root = tm_root(m);
	tm_bool(root, "editing", editing);
	tm_str(root, "form_action", editing ? "/intranet/customer/edit" :
	    "/intranet/customers/new");
	tm_bool(root, "failed", bad > 0);
	tm_bool(root, "suppressed", suppressed);
	tm_bool(root, "suppress_refuse", ui_conf_of(a)->suppress_refuse);
	tm_bool(root, "bad_source", r->method == METHOD_POST && src < 0);
	if (rid > 0) {
		struct tmpl_map *f = tm_map(root, "for_request");

		tm_int(f, "id", rid);
		tm_str(f, "number", q.number);
	}
	(void)ui_customer_model(&c, tm_map(root, "c"));
	{
		/* Cancel: back to the record (or its request), else the list */
		char back[64];

		if (rid > 0)
			snprintf(back, sizeof(back), "/intranet/request?id=%lld", rid);
		else if (editing)
			snprintf(back, sizeof(back), "/intranet/customer?id=%lld",
			    c.id);
		else
			snprintf(back, sizeof(back), "/intranet/customers");
		tm_str(root, "cancel_href", back);
	}
	fields_model(a, r, &c, errs, root);
	sources_model(a, r, root, src);
	customer_free(&c);
	dsr_free(&q);
	ui_page(a, r, bad > 0 || (suppressed && ui_conf_of(a)->suppress_refuse) ?
	    400 : 200, "customer-form.xhtml", m);
	return;
fail:
	customer_free(&c);
	dsr_free(&q);
	ui_fail(a, r);
}

/* GET and POST /intranet/customers/new */
void
page_customer_new(struct app *a, struct req *r)
{
	customer_form(a, r, 0);
}

/* GET and POST /intranet/customer/edit?id=N */
void
page_customer_edit(struct app *a, struct req *r)
{
	customer_form(a, r, 1);
}

/*
 * The end of a note on record id: rc from the change made inside the
 * transaction (non-zero: a missing or unknown value, nothing changed:
 * 400), then its audit row (action, summary), the commit, and the record
 * page again with the message done (ui_done).
 */
static void
note_done(struct app *a, struct req *r, long long id, int rc,
    const char *action, const char *summary, const char *done)
{
	const struct ui *cx = r->ctx;
	char to[64];

	if (rc != 0) {
		db_rollback(a->db);
		app_error(a, r, 400);
		return;
	}
	if (ui_event(a, r, &cx->me, action, "customer", id, summary) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/customer?id=%lld", id);
	ui_done(r, to, done);
}

/* POST /intranet/customer/ban: a ban for a purpose (id, purpose, via, since, reference). */
void
post_customer_ban(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *ref = kv_get(&r->form, "reference");
	const char *purpose = ui_field(r, "purpose", 32);
	long long id;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	note_done(a, r, id, customer_ban(a->db, id, purpose,
	    ui_field(r, "via", 16), ref ? ref : "", ui_field(r, "since", 10),
	    cx->me.id), "customer.ban", purpose, "banned");
}

/* POST /intranet/customer/unban: lift the ban for a purpose. */
void
post_customer_unban(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *purpose = ui_field(r, "purpose", 32);
	long long id;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	note_done(a, r, id, customer_unban(a->db, id, purpose, cx->me.id),
	    "customer.unban", purpose, "unbanned");
}

/*
 * Restrict processing (on) or lift the restriction, with the form's reason;
 * lifting with the day the person was told and how (told_on, how: GDPR
 * Art. 18(3)). A refusal shows the record again with its reason.
 */
static void
restriction(struct app *a, struct req *r, int on)
{
	const struct ui *cx = r->ctx;
	struct crestriction x = { on, ui_field(r, "reason", 600), "staff", "",
	    ui_field(r, "told_on", 10), ui_field(r, "how", 16) };
	const char *why = NULL;
	long long id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	rc = customer_restriction(a->db, id, &x, cx->me.id, time(NULL), &why);
	if (rc == 1 && why != NULL && strcmp(why, "request.none") != 0) {
		struct tmpl_model *m;

		db_rollback(a->db);
		m = ui_model(a, r);
		tm_bool(tm_root(m), "restrict_open", 1);	/* its form shown */
		tm_str(tm_root(m), "restrict_error", i18n_msg(a->msgs, r->lang,
		    why));
		show_customer(a, r, id, 422, m);
		return;
	}
	note_done(a, r, id, rc, on ? "customer.restrict" :
	    "customer.unrestrict", "", on ? "restricted" : "unrestricted");
}

/* POST /intranet/customer/restrict (GDPR Art. 18) */
void
post_customer_restrict(struct app *a, struct req *r)
{
	restriction(a, r, 1);
}

/* POST /intranet/customer/unrestrict */
void
post_customer_unrestrict(struct app *a, struct req *r)
{
	restriction(a, r, 0);
}
