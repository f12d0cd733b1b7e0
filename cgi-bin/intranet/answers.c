/* answers.c — a request's answer in the register (docs/requests.md): the linked records with the correction's parties to tell (GDPR Art. 19) and their "told" marks, and bans, the restriction (lifted only after the person was told, Art. 18(3)) and objections (Art. 21) set from the request with its ticket number. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "buf.h"
#include "customer.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "intranet.h"

/* Looking for a customer among a request's links. */
struct linked {
	long long	 customer_id;
	int		 found;
};

static int
find_link(void *arg, const struct dsr_link *l)
{
	struct linked *k = arg;

	if (l->customer_id == k->customer_id)
		k->found = 1;
	return 0;
}

int
ui_answer_request(struct app *a, long long id, long long customer_id,
    struct dsr *q, const char **why)
{
	struct linked k = { customer_id, 0 };
	int rc;

	*why = NULL;
	memset(q, 0, sizeof(*q));
	if ((rc = dsr_get(a->db, id, q)) != 0)
		return rc == 1 ? 404 : -1;
	if (!dsr_is_open(q->status)) {
		*why = "answer.err.closed";
		return 1;
	}
	if (customer_id <= 0 || dsr_links(a->db, id, find_link, &k) != 0)
		return customer_id <= 0 ? 400 : -1;
	if (!k.found) {
		*why = "answer.err.not_linked";
		return 1;
	}
	return 0;
}

/* ---- the request page's section ------------------------------------------ */

struct amodel {
	struct app		*a;
	struct req		*r;
	long long		 request_id;
	long long		 customer_id;	/* the record being listed */
	struct tmpl_list	*customers;
	struct tmpl_list	*parties;
	long			 n;
	int			 open;
	int			 failed;
};

/* Names of the choices as {value, label} rows of list key under m. */
static void
choices(struct amodel *x, struct tmpl_map *m, const char *key,
    const char *prefix, const char *const *names, int n)
{
	struct tmpl_list *l = tm_list(m, key);
	char k[64];

	for (int i = 0; n < 0 ? names[i] != NULL : i < n; i++) {
		struct tmpl_map *o = tm_list_map(l);

		tm_str(o, "value", names[i]);
		snprintf(k, sizeof(k), "%s.%s", prefix, names[i]);
		tm_str(o, "label", i18n_msg(x->a->msgs, x->r->lang, k));
	}
}

static int
party_row(void *arg, const struct answer_party *p)
{
	struct amodel *x = arg;
	struct tmpl_map *m = tm_list_map(x->parties);
	int source = strcmp(p->kind, "source") == 0;
	char k[64], d[64];

	x->n++;
	tm_str(m, "kind", p->kind);
	tm_str(m, "kind_label", i18n_msg(x->a->msgs, x->r->lang, source ?
	    "answer.kind.source" : "answer.kind.recipient"));
	tm_str(m, "party", p->party);
	if (source) {
		snprintf(k, sizeof(k), "source.%s.party", p->party);
		tm_str(m, "party_label", i18n_msg(x->a->msgs, x->r->lang, k));
	} else
		tm_str(m, "party_label", p->party);
	tm_str(m, "detail", p->detail);
	if (p->told_on[0] != '\0') {
		fmt_date(d, sizeof(d), x->r->lang, p->told_on);
		tm_str(m, "told_on", d);
		snprintf(k, sizeof(k), "told.%s", p->told_how);
		tm_str(m, "told_how", i18n_msg(x->a->msgs, x->r->lang, k));
	}
	/* ids unique on the page: the record's and the party's number */
	snprintf(k, sizeof(k), "told-%lld-%ld", x->customer_id, x->n);
	tm_str(m, "date_id", k);
	snprintf(k, sizeof(k), "how-%lld-%ld", x->customer_id, x->n);
	tm_str(m, "how_id", k);
	return 0;
}

static int
customer_row(void *arg, const struct dsr_link *l)
{
	struct amodel *x = arg;
	struct tmpl_map *m = tm_list_map(x->customers);
	struct customer c;
	char s[128], today[11];
	int c_restricted;

	tm_int(m, "id", l->customer_id);
	tm_str(m, "number", l->number);
	snprintf(s, sizeof(s), "%s %s %s", l->first_name, l->last_name,
	    l->organisation);
	tm_str(m, "name", s);
	snprintf(s, sizeof(s), "/intranet/customer/edit?id=%lld&request=%lld",
	    l->customer_id, x->request_id);
	tm_str(m, "edit_href", s);
	if (customer_get(x->a->db, l->customer_id, &c) != 0) {
		x->failed = 1;
		return 1;
	}
	tm_bool(m, "restricted", c.restricted);
	c_restricted = c.restricted;
	customer_free(&c);
	/* each form's fields their own ids */
	{
		static const char *const keys[] = { "ban_id", "reason_id",
		    "told_on_id", "told_how_id", "kind_id", "outcome_id",
		    "object_reason_id" };
		static const char *const stems[] = { "ban", "reason", "told-on",
		    "told-how", "kind", "outcome", "oreason" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			snprintf(s, sizeof(s), "a%lld-%s", l->customer_id, stems[i]);
			tm_str(m, keys[i], s);
		}
	}
	x->parties = tm_list(m, "parties");
	x->n = 0;
	x->customer_id = l->customer_id;
	if (answer_parties(x->a->db, x->request_id, l->customer_id, party_row,
	    x) != 0) {
		x->failed = 1;
		return 1;
	}
	tm_bool(m, "no_parties", x->n == 0);
	tm_bool(m, "open", x->open);
	choices(x, m, "purposes", "purpose", cpurpose_names, CP__MAX);
	choices(x, m, "hows", "told", ctold_names, -1);
	choices(x, m, "objections", "answer.objection", cobjection_names,
	    COBJ__MAX);
	tm_str(m, "restrict_action", c_restricted ? "/intranet/request/unrestrict"
	    : "/intranet/request/restrict");
	fmt_local_date(time(NULL), today);
	tm_str(m, "today", today);
	return 0;
}

int
ui_answers_model(struct app *a, struct req *r, const struct dsr *q,
    struct tmpl_map *root)
{
	struct amodel x = { a, r, q->id, 0, NULL, NULL, 0,
	    dsr_is_open(q->status), 0 };
	struct tmpl_map *m = tm_map(root, "answer");

	x.customers = tm_list(m, "customers");
	if (dsr_links(a->db, q->id, customer_row, &x) < 0 || x.failed)
		return -1;
	tm_bool(m, "open", x.open);
	return 0;
}

/* ---- the changes ---------------------------------------------------------- */

/* The form's customer: a positive number sent once, else 0. */
static long long
form_customer(struct req *r)
{
	long long cid;

	if (kv_count(&r->form, "customer") != 1 || val_int(kv_get(&r->form,
	    "customer"), 1, LLONG_MAX, &cid) != NULL)
		return 0;
	return cid;
}

/*
 * The end of an answer on request id for record cid: rc from the change
 * (1: refused with why, nothing changed), the case's step (step, note),
 * the audit row, the commit, and the request page again (with the reason
 * when refused).
 */
static void
answer_done(struct app *a, struct req *r, long long id, long long cid, int rc,
    const char *why, const char *step, const char *note)
{
	const struct ui *cx = r->ctx;
	char summary[160], action[48], to[96];

	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc == 1) {
		struct tmpl_model *m;

		db_rollback(a->db);
		m = ui_model(a, r);
		tm_str(tm_map(tm_root(m), "answer_form"), "error",
		    i18n_msg(a->msgs, r->lang, why ? why : "request.none"));
		ui_show_request(a, r, id, 422, m);
		return;
	}
	/* names and ids only: the values stay in the record's history */
	snprintf(summary, sizeof(summary), "customer %lld %s", cid, note);
	snprintf(action, sizeof(action), "request.%s", step);
	if (dsr_step(a->db, id, cx->me.id, step, note) != 0 ||
	    ui_event(a, r, &cx->me, action, "request", id, summary) != 0 ||
	    ui_event(a, r, &cx->me, action, "customer", cid, summary) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/request?id=%lld#answer-h", id);
	ui_done(r, to, "recorded");
}

/*
 * The start of an answer: the request and record the form names, the
 * request open and the record linked to it. The request id with q filled
 * and a transaction begun; 0 when answered (an error page, or the request
 * page with the reason).
 */
static long long
answer_begin(struct app *a, struct req *r, struct dsr *q, long long *cid)
{
	const char *why = NULL;
	long long id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return 0;
	*cid = form_customer(r);
	rc = ui_answer_request(a, id, *cid, q, &why);
	if (rc == 0)
		return id;
	dsr_free(q);
	if (rc == 1) {
		answer_done(a, r, id, *cid, 1, why, "", "");
		return 0;
	}
	db_rollback(a->db);
	app_error(a, r, rc < 0 ? 500 : rc);
	return 0;
}

/* Today in Helsinki. */
static void
today(char out[11])
{
	if (fmt_local_date(time(NULL), out) != 0)
		snprintf(out, 11, "%s", "");
}

/* POST /intranet/request/told (id, customer, kind, party, told_on, how) */
void
post_request_told(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *kind = ui_field(r, "kind", 16), *why = NULL;
	struct dsr q;
	long long id, cid;
	int rc;

	if ((id = answer_begin(a, r, &q, &cid)) == 0)
		return;
	dsr_free(&q);
	rc = answer_told(a->db, id, cid, kind, ui_field(r, "party", 400),
	    ui_field(r, "told_on", 10), ui_field(r, "how", 16), cx->me.id,
	    time(NULL), &why);
	answer_done(a, r, id, cid, rc, why, "told", kind ? kind : "");
}

/* POST /intranet/request/ban (id, customer, purpose): a ban since today, via the request. */
void
post_request_ban(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *purpose = ui_field(r, "purpose", 32);
	struct dsr q;
	long long id, cid;
	char day[11];
	int rc;

	if ((id = answer_begin(a, r, &q, &cid)) == 0)
		return;
	today(day);
	rc = customer_ban(a->db, cid, purpose, "request", q.number,
	    day, cx->me.id);
	dsr_free(&q);
	if (rc != 0) {
		db_rollback(a->db);
		app_error(a, r, 400);	/* a purpose not in the list */
		return;
	}
	answer_done(a, r, id, cid, 0, NULL, "ban", purpose);
}

/* Restrict (on) or lift the restriction from the request (reason; lifting: told_on, how). */
static void
answer_restriction(struct app *a, struct req *r, int on)
{
	const struct ui *cx = r->ctx;
	struct crestriction x = { on, ui_field(r, "reason", 600), "request", "",
	    ui_field(r, "told_on", 10), ui_field(r, "how", 16) };
	const char *why = NULL;
	struct dsr q;
	long long id, cid;
	int rc;

	if ((id = answer_begin(a, r, &q, &cid)) == 0)
		return;
	x.reference = q.number;
	rc = customer_restriction(a->db, cid, &x, cx->me.id, time(NULL), &why);
	dsr_free(&q);
	answer_done(a, r, id, cid, rc, why, on ? "restrict" : "unrestrict", "");
}

/* POST /intranet/request/restrict (GDPR Art. 18(1)) */
void
post_request_restrict(struct app *a, struct req *r)
{
	answer_restriction(a, r, 1);
}

/* POST /intranet/request/unrestrict: only after the person was told (Art. 18(3)). */
void
post_request_unrestrict(struct app *a, struct req *r)
{
	answer_restriction(a, r, 0);
}

/* POST /intranet/request/object (id, customer, kind, outcome, reason): Art. 21. */
void
post_request_object(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *kind = ui_field(r, "kind", 32), *outcome = ui_field(r,
	    "outcome", 16), *why = NULL;
	const char *reason = ui_field(r, "reason", 600);
	struct dsr q;
	long long id, cid;
	char day[11];
	int rc, k = -1;

	for (int i = 0; kind != NULL && i < COBJ__MAX; i++)
		if (strcmp(kind, cobjection_names[i]) == 0)
			k = i;
	if (k < 0 || outcome == NULL || (strcmp(outcome, "upheld") != 0 &&
	    strcmp(outcome, "refused") != 0)) {
		app_error(a, r, 400);
		return;
	}
	if ((id = answer_begin(a, r, &q, &cid)) == 0)
		return;
	today(day);
	rc = customer_objection(a->db, cid, (enum cobjection)k,
	    strcmp(outcome, "upheld") == 0, reason ? reason : "", "request",
	    q.number, day, cx->me.id, &why);
	dsr_free(&q);
	answer_done(a, r, id, cid, rc, why, "object", cobjection_names[k]);
}
