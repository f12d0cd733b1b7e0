/* breach_affected.c — who a breach affected (a query over the audit log and the records, saved as the breach's affected set; CSV for admins) and the Art. 34 letters to them (printed for post, or mailed through the outbox), with the entry's "told at": /intranet/breach/affected, /intranet/breach/letters, /intranet/breach/tell. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/uri.h>

#include "breach_affected.h"
#include "buf.h"
#include "csvio.h"
#include "db.h"
#include "fmt.h"
#include "letter.h"
#include "log.h"
#include "outbox.h"
#include "text.h"
#include "validate.h"
#include "intranet.h"

#define LETTERS_PAGE	200	/* letters on one printed page of letters */

/* The breach's newest entry into *e (v owns it; free with breach_entries_free): 0; 404; 500. */
static int
newest(struct app *a, long long id, struct breach_entry **v, size_t *n)
{
	if (breach_history(a->db, id, v, n) != 0)
		return 500;
	if (*n == 0) {
		breach_entries_free(*v, *n);
		*v = NULL;
		return 404;
	}
	return 0;
}

/* The contact point of Art. 33(3)(b) from the config: the contact person's email, else phone, else the controller's email. */
static const char *
contact_point(const struct app *a)
{
	if (a->conf.contact_email != NULL && a->conf.contact_email[0] != '\0')
		return a->conf.contact_email;
	if (a->conf.contact_phone != NULL && a->conf.contact_phone[0] != '\0')
		return a->conf.contact_phone;
	return a->conf.controller_email;
}

/* What the letter lacks, as messages in lang into list key of m; the bits. */
static unsigned
missing_fill(struct app *a, enum lang lang, const struct breach_entry *e,
    struct tmpl_map *m)
{
	unsigned bits = breach_letter_missing(e, contact_point(a));
	struct tmpl_list *l;

	if (bits == 0)
		return 0;
	l = tm_list(m, "missing");
	for (int i = 0; i < BL__COUNT; i++)
		if (bits & (1u << i))
			tm_list_str(l, i18n_msg(a->msgs, lang,
			    breach_letter_missing_keys[i]));
	return bits;
}

/* ---- the query ---------------------------------------------------------- */

/*
 * The query from list (GET query or POST form): access, from and to as
 * Helsinki datetime-local (to covers its whole minute), staff, role.
 * 0 read; 1 absent (no access given); -1 with *why a message key.
 */
static int
query_read(const struct kvlist *l, struct breach_query *q, const char **why)
{
	const char *acc = kv_get(l, "access"), *from = kv_get(l, "from"),
	    *to = kv_get(l, "to");
	int k;
	time_t t;
	struct tm tm;

	memset(q, 0, sizeof(q[0]));
	*why = NULL;
	if (acc == NULL)
		return 1;
	if (kv_count(l, "access") != 1 || val_enum(acc, breach_access_names,
	    &k) != NULL) {
		*why = "breach.affected.err.access";
		return -1;
	}
	q->access = (enum breach_access)k;
	if (from == NULL || to == NULL || strlen(from) > 16 || strlen(to) > 16 ||
	    breach_local_to_utc(from, q->from) != 0 ||
	    breach_local_to_utc(to, q->to) != 0) {
		*why = "breach.affected.err.time";
		return -1;
	}
	t = breach_time(q->to) + 59;	/* the whole last minute */
	strftime(q->to, sizeof(q->to), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	q->staff = kv_get(l, "staff");
	q->role = kv_get(l, "role");
	if ((q->staff != NULL && !text_valid(q->staff, strlen(q->staff))) ||
	    kv_count(l, "staff") > 1 || kv_count(l, "role") > 1) {
		*why = "breach.affected.err.staff";
		return -1;
	}
	*why = breach_query_check(q);
	return *why == NULL ? 0 : -1;
}

/* The query form's values (as typed, or the breach's own window) into form. */
static void
query_form(const struct kvlist *l, const struct breach_entry *e,
    struct tmpl_map *form)
{
	const char *acc = kv_get(l, "access");
	char local[17];

	/* the model keeps its keys' pointers: literals (tmpl.h) */
	static const char *const is_keys[BA__MAX] = { [BA_ANY] = "is_any",
	    [BA_VIEWED] = "is_viewed", [BA_CHANGED] = "is_changed",
	    [BA_EXPORTED] = "is_exported", [BA_DISCLOSED] = "is_disclosed" };

	for (int i = 0; i < BA__MAX; i++)
		tm_bool(form, is_keys[i], acc != NULL ?
		    strcmp(acc, breach_access_names[i]) == 0 : i == BA_ANY);
	if (kv_get(l, "from") != NULL)
		tm_str(form, "from", kv_get(l, "from"));
	else {
		breach_utc_to_local(e->occurred_at, local);
		tm_str(form, "from", local);
	}
	if (kv_get(l, "to") != NULL)
		tm_str(form, "to", kv_get(l, "to"));
	else {
		breach_utc_to_local(e->aware_at, local);
		tm_str(form, "to", local);
	}
	tm_str(form, "access", acc != NULL ? acc : "any");
	tm_str(form, "role", kv_get(l, "role") ? kv_get(l, "role") : "");
	tm_str(form, "staff", kv_get(l, "staff") ? kv_get(l, "staff") : "");
	for (int i = 0; i < 3; i++) {
		static const char *const roles[] = { "admin", "handler", "auditor" };
		static const char *const keys[] = { "role_admin", "role_handler",
		    "role_auditor" };

		tm_bool(form, keys[i], kv_get(l, "role") != NULL &&
		    strcmp(kv_get(l, "role"), roles[i]) == 0);
	}
}

/* One person as a row of the page. */
struct rows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
	long			 n;
	long long		 letters;	/* the set's breach: a letter per row */
};

static int
person_row(void *arg, const struct breach_person *p)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char href[64], when[64];

	x->n++;
	tm_int(m, "id", p->id);
	tm_str(m, "number", p->number);
	snprintf(href, sizeof(href), "/intranet/customer?id=%lld", p->id);
	tm_str(m, "href", href);
	tm_str(m, "first_name", p->first_name);
	tm_str(m, "last_name", p->last_name);
	tm_str(m, "organisation", p->organisation);
	tm_str(m, "lang", p->lang);
	tm_bool(m, "has_email", p->email[0] != '\0');
	if (x->letters != 0) {
		snprintf(href, sizeof(href), "/intranet/breach/letters?id=%lld"
		    "&customer=%lld", x->letters, p->id);
		tm_str(m, "letter_href", href);
	}
	if (p->told_via[0] != '\0') {
		char key[40];

		snprintf(key, sizeof(key), "breach.affected.via.%s", p->told_via);
		tm_str(m, "told_via", i18n_msg(x->a->msgs, x->r->lang, key));
		fmt_datetime(when, sizeof(when), x->r->lang, p->told_at);
		tm_str(m, "told_at", when);
	}
	return 0;
}

/* Links to the previous and next page of the page's own query into m. */
static void
pager(struct req *r, struct tmpl_map *m, long long page, int more)
{
	struct buf h = BUF_INIT;

	tm_int(m, "page", page);
	for (int d = -1; d <= 1; d += 2) {
		if ((d < 0 && page <= 1) || (d > 0 && !more))
			continue;
		buf_reset(&h);
		buf_adds(&h, "/intranet/breach/affected?");
		for (size_t i = 0; i < r->query.n; i++) {
			char *k, *v;

			if (strcmp(r->query.v[i].key, "page") == 0)
				continue;
			k = (char *)xmlURIEscapeStr(BAD_CAST r->query.v[i].key,
			    BAD_CAST "");
			v = (char *)xmlURIEscapeStr(BAD_CAST r->query.v[i].val,
			    BAD_CAST "");
			buf_addf(&h, "%s=%s&", k ? k : "", v ? v : "");
			xmlFree(k);
			xmlFree(v);
		}
		buf_addf(&h, "page=%lld", page + d);
		tm_str(m, d < 0 ? "prev_href" : "next_href", h.data);
	}
	buf_free(&h);
}

/* The current set's summary into m. 0 (none or shown) or -1. */
static int
set_fill(struct app *a, struct req *r, long long id, struct breach_set *s,
    struct tmpl_map *root)
{
	struct tmpl_map *m;
	char when[64], href[96];
	int rc = breach_set_current(a->db, id, s);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return 0;
	m = tm_map(root, "set");
	tm_int(m, "id", s->id);
	tm_int(m, "customers", s->customers);
	tm_int(m, "told", s->told);
	tm_int(m, "untold", s->customers - s->told);
	fmt_datetime(when, sizeof(when), r->lang, s->saved_at);
	tm_str(m, "saved_at", when);
	tm_str(m, "saved_by", s->saved_by);
	snprintf(href, sizeof(href), "breach.affected.access.%s", s->access);
	tm_str(m, "access", i18n_msg(a->msgs, r->lang, href));
	fmt_datetime(when, sizeof(when), r->lang, s->from);
	tm_str(m, "from", when);
	fmt_datetime(when, sizeof(when), r->lang, s->to);
	tm_str(m, "to", when);
	tm_str(m, "staff", s->staff);
	tm_str(m, "role", s->role);
	snprintf(href, sizeof(href), "/intranet/breach/affected.csv?id=%lld", id);
	tm_str(m, "csv_href", href);
	for (int l = 0; l < LANG__MAX; l++) {
		static const char *const keys[LANG__MAX] = { [LANG_FI] =
		    "letters_fi", [LANG_EN] = "letters_en" };

		snprintf(href, sizeof(href), "/intranet/breach/letters?id=%lld"
		    "&lang=%s", id, lang_codes[l]);
		tm_str(m, keys[l], href);
	}
	return 0;
}

/*
 * The affected page of breach id with m (its problem, if any, already in
 * it): the current set, the query form, and the query's result or the
 * set's people, a page at a time. Audited: what was listed, by breach id.
 */
static void
affected_page(struct app *a, struct req *r, long long id, const struct kvlist *l,
    struct tmpl_model *m, int status)
{
	const struct ui *cx = r->ctx;
	struct tmpl_map *root = tm_root(m), *res;
	struct breach_entry *v = NULL;
	struct breach_query q;
	struct breach_set s;
	struct rows x = { a, r, NULL, 0, 0 };
	const char *why = NULL;
	char summary[96], href[64];
	size_t n = 0;
	long long page, total = 0;
	int rc, ran;

	memset(&s, 0, sizeof(s));
	if (ui_page_no(r, &page) != 0) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	if ((rc = newest(a, id, &v, &n)) != 0) {
		tm_free(m);
		app_error(a, r, rc);
		return;
	}
	tm_int(root, "breach_id", id);
	snprintf(href, sizeof(href), "/intranet/breach?id=%lld", id);
	tm_str(root, "breach_href", href);
	tm_str(root, "what", v[n - 1].what);
	tm_bool(root, "can_save", cx->me.role == ROLE_ADMIN);
	missing_fill(a, r->lang, &v[n - 1], root);
	query_form(l, &v[n - 1], tm_map(root, "q"));
	ran = query_read(l, &q, &why);
	if (ran < 0 && status == 200) {
		tm_str(root, "problem", i18n_msg(a->msgs, r->lang, why));
		status = 400;
	}
	if (set_fill(a, r, id, &s, root) != 0)
		goto fail;
	res = tm_map(root, "result");
	x.list = tm_list(res, "people");
	if (ran == 0) {
		tm_bool(root, "ran", 1);
		if (breach_query_count(a->db, &q, &total) != 0 ||
		    breach_query_list(a->db, &q, (page - 1) * PAGE_ROWS,
		    PAGE_ROWS + 1, person_row, &x) < 0)
			goto fail;
		snprintf(summary, sizeof(summary), "query %s: %lld customers",
		    breach_access_names[q.access], total);
	} else if (s.id != 0) {
		total = s.customers;
		x.letters = id;
		if (breach_set_people(a->db, s.id, id, 0, (page - 1) * PAGE_ROWS,
		    PAGE_ROWS + 1, person_row, &x) < 0)
			goto fail;
		snprintf(summary, sizeof(summary), "set %lld page %lld", s.id, page);
	} else
		snprintf(summary, sizeof(summary), "no set");
	tm_int(res, "total", total);
	tm_bool(res, "none", x.n == 0);
	pager(r, res, page, x.n > PAGE_ROWS);
	if (ui_event(a, r, &cx->me, ran == 0 ? "breach.affected_query" :
	    "breach.affected_view", "breach", id, summary) != 0)
		goto fail;
	breach_set_free(&s);
	breach_entries_free(v, n);
	ui_page(a, r, status, "breach-affected.xhtml", m);
	return;
fail:
	breach_set_free(&s);
	breach_entries_free(v, n);
	tm_free(m);
	app_error(a, r, 500);
}

/* GET /intranet/breach/affected?id=B[&access=&from=&to=&staff=&role=][&page=N] */
void
page_breach_affected(struct app *a, struct req *r)
{
	long long id = ui_id(r);
	struct tmpl_model *m;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	tm_bool(tm_root(m), "saved", kv_get(&r->query, "saved") != NULL);
	if (kv_get(&r->query, "told") != NULL)
		tm_str(tm_root(m), "told", kv_get(&r->query, "told"));
	affected_page(a, r, id, &r->query, m, 200);
}

/* POST /intranet/breach/affected (id, access, from, to, staff, role): save what the query finds now as the breach's affected set. */
void
post_breach_affected(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct breach_query q;
	struct breach_entry *v;
	const char *why;
	char summary[96], to[80];
	long long id, set, count;
	size_t n;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if ((rc = newest(a, id, &v, &n)) != 0) {
		db_rollback(a->db);
		app_error(a, r, rc);
		return;
	}
	breach_entries_free(v, n);
	if (query_read(&r->form, &q, &why) != 0) {
		struct tmpl_model *m = ui_model(a, r);

		db_rollback(a->db);	/* refused: nothing saved */
		tm_str(tm_root(m), "problem", i18n_msg(a->msgs, r->lang,
		    why ? why : "breach.affected.err.access"));
		affected_page(a, r, id, &r->form, m, 400);
		return;
	}
	if ((set = breach_set_save(a->db, id, &q, cx->me.id, time(NULL),
	    &count)) < 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(summary, sizeof(summary), "set %lld: %lld customers, %s", set,
	    count, breach_access_names[q.access]);
	if (ui_event(a, r, &cx->me, "breach.affected_save", "breach", id,
	    summary) != 0 || db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/breach/affected?id=%lld&saved=1", id);
	app_redirect(r, to);
}

/* ---- the CSV ------------------------------------------------------------ */

struct csv_set {
	struct buf	 b;
	long		 rows;
};

static int
csv_person(void *arg, const struct breach_person *p)
{
	struct csv_set *o = arg;
	char idtext[24];
	const char *cells[] = { p->number, p->first_name, p->last_name,
	    p->organisation, p->email, p->street, p->postal_code, p->city,
	    p->country, p->lang, p->told_via, p->told_at, idtext };

	snprintf(idtext, sizeof(idtext), "%lld", p->id);
	csv_row(&o->b, cells, sizeof(cells) / sizeof(cells[0]));
	o->rows++;
	return 0;
}

/* GET /intranet/breach/affected.csv?id=B (admins): the affected set as CSV (RFC 4180, formulas neutralised), audited with its row count. */
void
page_breach_affected_csv(struct app *a, struct req *r)
{
	static const char *const head[] = { "number", "first_name",
	    "last_name", "organisation", "email", "street", "postal_code",
	    "city", "country", "lang", "told_via", "told_at", "customer_id" };
	const struct ui *cx = r->ctx;
	struct csv_set o = { BUF_INIT, 0 };
	struct breach_set s;
	char summary[64];
	long long id = ui_id(r);
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = breach_set_current(a->db, id, &s)) != 0) {
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	csv_row(&o.b, head, sizeof(head) / sizeof(head[0]));
	if (breach_set_people(a->db, s.id, id, 0, 0, INT32_MAX, csv_person,
	    &o) != 0) {
		breach_set_free(&s);
		buf_free(&o.b);
		app_error(a, r, 500);
		return;
	}
	snprintf(summary, sizeof(summary), "set %lld: %ld rows", s.id, o.rows);
	breach_set_free(&s);
	if (ui_event(a, r, &cx->me, "breach.affected_export", "breach", id,
	    summary) != 0) {
		buf_free(&o.b);
		app_error(a, r, 500);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition",
	    "attachment; filename=\"loukkaus-asiakkaat.csv\"");
	resp_send(r, 200, "text/csv; charset=utf-8; header=present", o.b.data,
	    o.b.len);
	buf_free(&o.b);
}

/* ---- the letters -------------------------------------------------------- */

/* What the letters share: the breach's entry, the controller, the contact point, the date. */
static void
letter_common(struct app *a, enum lang lang, const struct breach_entry *e,
    struct tmpl_map *root)
{
	struct tmpl_map *c = tm_map(root, "controller"), *b = tm_map(root,
	    "breach");
	char d[96], day[11];
	time_t now = time(NULL);

	tm_str(c, "name", a->conf.controller_name);
	tm_str(c, "address", a->conf.controller_address ?
	    a->conf.controller_address : "");
	tm_str(c, "email", a->conf.controller_email ?
	    a->conf.controller_email : "");
	tm_str(c, "phone", a->conf.controller_phone ?
	    a->conf.controller_phone : "");
	c = tm_map(root, "contact");
	tm_str(c, "name", a->conf.contact_name ? a->conf.contact_name : "");
	tm_str(c, "email", a->conf.contact_email && a->conf.contact_email[0] ?
	    a->conf.contact_email : a->conf.controller_email ?
	    a->conf.controller_email : "");
	tm_str(c, "phone", a->conf.contact_phone && a->conf.contact_phone[0] ?
	    a->conf.contact_phone : a->conf.controller_phone ?
	    a->conf.controller_phone : "");
	fmt_local_date(now, day);
	fmt_date(d, sizeof(d), lang, day);
	tm_str(root, "date", d);
	tm_str(root, "date_iso", day);
	tm_int(b, "id", e->breach_id);
	fmt_datetime(d, sizeof(d), lang, e->occurred_at);
	tm_str(b, "occurred_at", d);
	tm_str(b, "what", e->what);
	tm_str(b, "record_categories", e->record_categories);
	tm_str(b, "consequences", e->consequences);
	tm_str(b, "measures", e->measures);
}

/* The letters of one page: the people of one language, from an offset. */
struct lpage {
	struct tmpl_list	*list;
	enum lang		 lang;
	long long		 skip;	/* of that language, before this page */
	long			 n;	/* on the page */
	long			 more;	/* after it */
};

static void
recipient(struct tmpl_map *m, const struct breach_person *p)
{
	char name[512];

	snprintf(name, sizeof(name), "%s%s%s", p->first_name,
	    p->first_name[0] && p->last_name[0] ? " " : "", p->last_name);
	tm_int(m, "id", p->id);
	tm_str(m, "name", name);
	tm_str(m, "organisation", p->organisation);
	tm_str(m, "street", p->street);
	snprintf(name, sizeof(name), "%s %s", p->postal_code, p->city);
	tm_str(m, "city", name);
	tm_str(m, "country", strcmp(p->country, "FI") == 0 ? "" : p->country);
	tm_str(m, "number", p->number);
}

static int
letter_person(void *arg, const struct breach_person *p)
{
	struct lpage *x = arg;

	if (lang_parse(p->lang) != (int)x->lang)
		return 0;
	if (x->skip > 0) {
		x->skip--;
		return 0;
	}
	if (x->n >= LETTERS_PAGE) {
		x->more++;
		return 0;
	}
	x->n++;
	recipient(tm_list_map(x->list), p);
	return 0;
}

/* The person of ?customer= alone, in their language unless ?lang= says. */
static int
letter_one(void *arg, const struct breach_person *p)
{
	struct lpage *x = arg;

	x->n++;
	x->lang = (enum lang)lang_parse(p->lang);
	recipient(tm_list_map(x->list), p);
	return 0;
}

/* Render breach-letter.xhtml in lang with root into out. 0 or -1. */
static int
letters_render(struct app *a, enum lang lang, struct tmpl_map *root,
    struct buf *out)
{
	const struct tmpl *t = tmpl_get(a->tmpl, "breach-letter.xhtml", lang);

	if (t == NULL) {
		LOG_ERR("no template breach-letter.xhtml");
		return -1;
	}
	tmpl_render(t, root, out);
	return 0;
}

/*
 * GET /intranet/breach/letters?id=B[&customer=C][&lang=fi|en][&page=N]
 * (admins): the Art. 34 letters to print, A4 (letter.css): one person's,
 * or those of the affected set not yet told whose language is lang. A
 * letter that lacks an Art. 34(2) item is not shown: the page says what
 * is missing (409).
 */
void
page_breach_letters(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *cs = kv_get(&r->query, "customer"),
	    *ls = kv_get(&r->query, "lang");
	struct breach_entry *v = NULL;
	struct breach_set s;
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct lpage x;
	struct buf out = BUF_INIT;
	long long id = ui_id(r), cid = 0, page;
	size_t n = 0;
	int rc;
	char summary[80], href[80];

	memset(&x, 0, sizeof(x));
	memset(&s, 0, sizeof(s));
	x.lang = LANG_FI;
	if (id == 0 || ui_page_no(r, &page) != 0 || (cs != NULL &&
	    val_int(cs, 1, INT64_MAX, &cid) != NULL) || (ls != NULL &&
	    lang_parse(ls) < 0)) {
		app_error(a, r, 400);
		return;
	}
	if (ls != NULL)
		x.lang = (enum lang)lang_parse(ls);
	if ((rc = newest(a, id, &v, &n)) != 0 ||
	    (rc = breach_set_current(a->db, id, &s)) != 0) {
		breach_entries_free(v, n);
		app_error(a, r, rc == 1 ? 404 : rc < 0 ? 500 : rc);
		return;
	}
	m = tm_new();
	root = tm_root(m);
	x.list = tm_list(root, "letters");
	if (cid != 0) {
		rc = breach_set_person(a->db, s.id, id, cid, letter_one, &x);
		if (ls != NULL)
			x.lang = (enum lang)lang_parse(ls);
	} else {
		x.skip = (page - 1) * LETTERS_PAGE;
		rc = breach_set_people(a->db, s.id, id, 1, 0, INT32_MAX,
		    letter_person, &x);
	}
	if (rc != 0) {
		tm_free(m);
		breach_set_free(&s);
		breach_entries_free(v, n);
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	letter_common(a, x.lang, &v[n - 1], root);
	snprintf(href, sizeof(href), "/intranet/breach/affected?id=%lld", id);
	tm_str(root, "back_href", href);
	tm_bool(root, "none", x.n == 0);
	tm_int(root, "more", x.more);
	rc = missing_fill(a, x.lang, &v[n - 1], root) != 0 ? 409 : 200;
	tm_bool(root, "blocked", rc == 409);
	snprintf(summary, sizeof(summary), cid ? "set %lld: customer %lld" :
	    "set %lld: %lld letters", s.id, cid ? cid : (long long)x.n);
	if (x.more > 0) {
		snprintf(href, sizeof(href), "/intranet/breach/letters?id=%lld"
		    "&lang=%s&page=%lld", id, lang_codes[x.lang], page + 1);
		tm_str(root, "next_href", href);
	}
	if ((rc == 200 && ui_event(a, r, &cx->me, "breach.letter_print",
	    "breach", id, summary) != 0) ||
	    letters_render(a, x.lang, root, &out) != 0) {
		tm_free(m);
		breach_set_free(&s);
		breach_entries_free(v, n);
		buf_free(&out);
		app_error(a, r, 500);
		return;
	}
	tm_free(m);
	breach_set_free(&s);
	breach_entries_free(v, n);
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, rc, "text/html; charset=utf-8", out.data, out.len);
	buf_free(&out);
}

/* ---- telling the people ------------------------------------------------- */

struct tell {
	struct app		*a;
	const struct breach_entry *e;
	long long		 set, user;
	time_t			 now;
	int			 email;		/* 1: by email, 0: by post */
	long			 told, skipped;
	int			 failed;
};

/* Queue person p's letter as mail: rendered in their language, as plain text. 0 queued; 1 refused (skip); -1. */
static int
tell_mail(struct tell *t, const struct breach_person *p, enum lang lang,
    long long *outbox)
{
	struct tmpl_model *m = tm_new();
	struct buf page = BUF_INIT, subject = BUF_INIT;
	char *text = NULL;
	int rc = -1;

	letter_common(t->a, lang, t->e, tm_root(m));
	recipient(tm_list_map(tm_list(tm_root(m), "letters")), p);
	if (letters_render(t->a, lang, tm_root(m), &page) != 0 ||
	    (text = letter_text(page.data, page.len)) == NULL)
		goto out;
	buf_addf(&subject, "%s %s", i18n_msg(t->a->msgs, lang,
	    "breach.letter.subject"), t->a->conf.controller_name);
	rc = outbox_put(t->a->db, p->email, subject.data, text, "breach.letter",
	    t->e->breach_id, outbox);
out:
	free(text);
	buf_free(&page);
	buf_free(&subject);
	tm_free(m);
	return rc;
}

static int
tell_person(void *arg, const struct breach_person *p)
{
	struct tell *t = arg;
	enum lang lang = (enum lang)lang_parse(p->lang);
	long long outbox = 0;

	if (t->email) {
		int rc;

		if (p->email[0] == '\0') {
			t->skipped++;	/* left for the post */
			return 0;
		}
		if ((rc = tell_mail(t, p, lang, &outbox)) < 0)
			return t->failed = 1;
		if (rc == 1) {	/* an address mail refuses: for the post */
			t->skipped++;
			return 0;
		}
	}
	if (breach_letter_add(t->a->db, t->e, t->set, p->id, lang_codes[lang],
	    t->email ? "email" : "post", t->user, t->now, outbox) != 0)
		return t->failed = 1;
	t->told++;
	return 0;
}

/*
 * A new entry of the breach saying the people were told (Art. 34): the
 * newest entry as it stands, with told_at now unless it was recorded
 * already, and a note of what was sent. 0 or -1.
 */
static int
tell_entry(struct app *a, struct req *r, const struct breach_entry *e,
    const struct tell *t)
{
	struct breach_entry ne = *e;
	char note[200];
	struct tm tm;

	if (ne.told_at[0] == '\0')
		strftime(ne.told_at, sizeof(ne.told_at), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime_r(&t->now, &tm));
	snprintf(note, sizeof(note), "%s: %ld (%s)", i18n_msg(a->msgs, r->lang,
	    t->email ? "breach.tell.note_email" : "breach.tell.note_post"),
	    t->told, i18n_msg(a->msgs, r->lang, "breach.tell.note_set"));
	ne.note = note;
	return breach_add(a->db, e->breach_id, &ne, t->user, t->now) < 0 ? -1 : 0;
}

/*
 * POST /intranet/breach/tell (id, via email | post): tell the affected
 * set's people not yet told. email: a letter to each who has an address,
 * queued in the outbox; post: the letters printed from the letters page
 * recorded as posted. Refused (409, nothing changes) while the letter
 * lacks an Art. 34(2) item, or when nobody is left; else the letters
 * recorded, a new entry with the "told at", the audit row, one commit.
 */
void
post_breach_tell(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *via = ui_field(r, "via", 8), *problem = NULL;
	struct breach_entry *v = NULL;
	struct breach_set s;
	struct tell t;
	size_t n = 0;
	long long id;
	char summary[96], to[96];
	int rc;

	memset(&s, 0, sizeof(s));
	if (via == NULL || (strcmp(via, "email") != 0 &&
	    strcmp(via, "post") != 0)) {
		app_error(a, r, 400);
		return;
	}
	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if ((rc = newest(a, id, &v, &n)) != 0 ||
	    (rc = breach_set_current(a->db, id, &s)) < 0) {
		db_rollback(a->db);
		breach_entries_free(v, n);
		app_error(a, r, rc < 0 ? 500 : rc);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.a = a;
	t.e = &v[n - 1];
	t.set = s.id;
	t.user = cx->me.id;
	t.now = time(NULL);
	t.email = strcmp(via, "email") == 0;
	if (rc == 1)
		problem = "breach.tell.err.no_set";
	else if (breach_letter_missing(t.e, contact_point(a)) != 0)
		problem = "breach.tell.err.missing";
	else if (breach_set_people(a->db, s.id, id, 1, 0, INT32_MAX,
	    tell_person, &t) != 0 || t.failed) {
		breach_set_free(&s);
		breach_entries_free(v, n);
		ui_fail(a, r);
		return;
	} else if (t.told == 0)
		problem = "breach.tell.err.nobody";
	if (problem != NULL) {
		struct tmpl_model *m = ui_model(a, r);

		db_rollback(a->db);	/* refused: nothing sent, nothing recorded */
		breach_set_free(&s);
		breach_entries_free(v, n);
		tm_str(tm_root(m), "problem", i18n_msg(a->msgs, r->lang, problem));
		affected_page(a, r, id, &r->query, m, 409);
		return;
	}
	snprintf(summary, sizeof(summary), "set %lld: %ld by %s, %ld left", s.id,
	    t.told, via, t.skipped);
	if (tell_entry(a, r, t.e, &t) != 0 || ui_event(a, r, &cx->me,
	    "breach.tell", "breach", id, summary) != 0 ||
	    db_commit(a->db) != 0) {
		breach_set_free(&s);
		breach_entries_free(v, n);
		ui_fail(a, r);
		return;
	}
	breach_set_free(&s);
	breach_entries_free(v, n);
	snprintf(to, sizeof(to), "/intranet/breach/affected?id=%lld&told=%ld", id,
	    t.told);
	app_redirect(r, to);
}
