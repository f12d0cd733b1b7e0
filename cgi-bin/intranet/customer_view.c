/* customer_view.c — a customer's data as template models for staff pages: the record's fields, search rows, history, orders with their invoice states, the holds on erasure, bans and disclosures, with their links and readable labels. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "customer.h"
#include "dsr.h"
#include "fmt.h"
#include "holds.h"
#include "intranet.h"
#include "invoice.h"

/* What a row callback needs to put a row into the page. */
struct rows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
	long			 n;	/* rows put in */
	struct ui_ids		*shown;	/* their ids, or NULL */
	long			 open;	/* requests still open */
};

/* msgs' text for PREFIX.value, in the request's language. */
static const char *
label(const struct rows *x, const char *prefix, const char *value)
{
	char key[64];

	snprintf(key, sizeof(key), "%s.%s", prefix, value);
	return i18n_msg(x->a->msgs, x->r->lang, key);
}

int
ui_customer_model(const struct customer *c, struct tmpl_map *m)
{
	int ended = 0;

	tm_int(m, "id", c->id);
	tm_str(m, "number", c->number ? c->number : "");
	tm_bool(m, "restricted", c->restricted);
	tm_str(m, "restricted_reason", c->restricted_reason ?
	    c->restricted_reason : "");
	for (int f = 0; f < CF__MAX; f++)
		tm_str(m, cfields[f].name, c->v[f] ? c->v[f] : "");
	tm_bool(m, "is_contact", c->v[CF_CONTACT_PERSON] &&
	    strcmp(c->v[CF_CONTACT_PERSON], "1") == 0);
	{
		/* the relationship has ended when its end date (local) has come */
		char today[11];
		const char *end = c->v[CF_RELATIONSHIP_ENDED];

		if (fmt_local_date(time(NULL), today) == 0 && end != NULL &&
		    end[0] != '\0' && strcmp(end, today) <= 0)
			tm_bool(m, "ended", ended = 1);
	}
	return ended;
}

static int
search_row(void *arg, const struct crow *c)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char href[64];

	x->n++;
	if (x->shown != NULL)
		ui_ids_add(x->shown, c->id);
	tm_int(m, "id", c->id);
	snprintf(href, sizeof(href), "/intranet/customer?id=%lld", c->id);
	tm_str(m, "href", href);
	tm_str(m, "number", c->number);
	tm_str(m, "first_name", c->first_name);
	tm_str(m, "last_name", c->last_name);
	tm_str(m, "organisation", c->organisation);
	tm_str(m, "email", c->email);
	tm_str(m, "phone", c->phone);
	tm_str(m, "postal_code", c->postal_code);
	tm_str(m, "city", c->city);
	tm_bool(m, "restricted", c->restricted);
	return 0;
}

int
ui_customer_search(struct app *a, struct req *r, const struct csearch *s,
    int page, int rows, struct tmpl_map *root, struct ui_ids *shown,
    int counted)
{
	struct rows x = { a, r, tm_list(root, "customers"), 0, shown, 0 };
	long long total;
	int more = 0;

	if (customer_search(a->db, s, page, rows, search_row, &x, &more) != 0)
		return -1;
	tm_bool(root, "more", more);
	tm_bool(root, "none", x.n == 0);
	if (!counted)
		return 0;
	/* one page, the first: its rows are the count */
	if (page == 1 && !more)
		total = x.n;
	else if (customer_count(a->db, s, SEARCH_COUNT_CAP, &total) != 0)
		return -1;
	tm_int(root, "count", total > SEARCH_COUNT_CAP ? SEARCH_COUNT_CAP :
	    total);
	tm_bool(root, "count_over", total > SEARCH_COUNT_CAP);
	return 0;
}

static int
history_row(void *arg, const struct chistory *h)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64], words[200], key[64];
	const char *source;

	fmt_datetime(when, sizeof(when), x->r->lang, h->at);
	tm_str(m, "at", when);
	/* plain words (#20); a code from an older release stays as it is */
	if (customer_history_words(x->a->msgs, x->r->lang, h->field, words,
	    sizeof(words)) != 0)
		snprintf(words, sizeof(words), "%s", h->field);
	tm_str(m, "field", words);
	tm_str(m, "code", h->field);
	tm_str(m, "old", h->old_value);
	tm_str(m, "new", h->new_value);
	tm_str(m, "user", h->user);
	snprintf(key, sizeof(key), "source.%s", h->source);
	source = i18n_get(x->a->msgs, x->r->lang, key);
	tm_str(m, "source", source != NULL ? source : h->source);
	tm_str(m, "reference", h->reference);	/* a request's ticket number */
	return 0;
}

static int
order_row(void *arg, const struct corder *o)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64], amount[64];

	fmt_date(when, sizeof(when), x->r->lang, o->date);
	tm_str(m, "date", when);
	tm_str(m, "number", o->number);
	tm_str(m, "description", o->description);
	fmt_money(amount, sizeof(amount), x->r->lang, o->cents);
	tm_str(m, "amount", amount);
	tm_str(m, "status", label(x, "status", o->status));
	fmt_date(when, sizeof(when), x->r->lang, o->status_on);
	tm_str(m, "status_on", when);
	/* an invoice that can still change gets a form with the states it may move to */
	{
		int from = inv_state_parse(o->status);
		struct tmpl_list *next;

		tm_bool(m, "changeable", from >= 0 && inv_state_open(from));
		next = tm_list(m, "next");
		for (int to = 0; from >= 0 && to < INV__MAX; to++)
			if (inv_transition_ok(from, to)) {
				struct tmpl_map *n = tm_list_map(next);

				tm_str(n, "value", inv_state_names[to]);
				tm_str(n, "label", label(x, "status",
				    inv_state_names[to]));
			}
	}
	return 0;
}

static int
legal_hold_row(void *arg, const struct legal_hold *h)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64];

	x->n++;
	tm_int(m, "id", h->id);
	tm_str(m, "reason", h->reason);
	tm_str(m, "set_by", h->set_by);
	fmt_datetime(when, sizeof(when), x->r->lang, h->set_at);
	tm_str(m, "set_at", when);
	tm_bool(m, "active", h->lifted_at[0] == '\0');
	if (h->lifted_at[0] != '\0')
		fmt_datetime(when, sizeof(when), x->r->lang, h->lifted_at);
	else
		when[0] = '\0';
	tm_str(m, "lifted_at", when);
	tm_str(m, "lifted_by", h->lifted_by);
	tm_str(m, "lift_reason", h->lift_reason);
	return 0;
}

/*
 * The computed holds on record id today (Helsinki): the verdict an erasure
 * request would get and every hold with its last day, then the legal
 * holds admins set. 0 or -1.
 */
static int
customer_holds(struct app *a, struct req *r, long long id,
    struct tmpl_map *root)
{
	struct rows legal = { a, r, tm_list(root, "legal_holds"), 0, NULL, 0 };
	struct tmpl_map *hm = tm_map(root, "holds");
	struct tmpl_list *list;
	struct holds h;
	char today[11], when[64], key[64];

	if (fmt_local_date(time(NULL), today) != 0 ||
	    holds_compute(a->db, id, today, &a->conf.accounting, &h) != 0)
		return -1;
	snprintf(key, sizeof(key), "holds.verdict.%s", verdict_name(h.verdict));
	tm_str(hm, "verdict", i18n_msg(a->msgs, r->lang, key));
	tm_str(hm, "verdict_name", verdict_name(h.verdict));
	tm_bool(hm, "none", h.n == 0);
	tm_int(hm, "omitted", (long long)h.omitted);
	tm_bool(hm, "some_omitted", h.omitted > 0);
	list = tm_list(hm, "list");
	for (size_t i = 0; i < h.n; i++) {
		struct tmpl_map *m = tm_list_map(list);

		snprintf(key, sizeof(key), "holds.reason.%s",
		    hold_name(h.h[i].reason));
		tm_str(m, "reason", i18n_msg(a->msgs, r->lang, key));
		tm_str(m, "name", hold_name(h.h[i].reason));
		if (h.h[i].until[0] != '\0')
			fmt_date(when, sizeof(when), r->lang, h.h[i].until);
		else
			snprintf(when, sizeof(when), "%s", i18n_msg(a->msgs,
			    r->lang, "holds.open_ended"));
		tm_str(m, "until", when);
		tm_str(m, "ref", h.h[i].ref);
	}
	if (legal_holds_list(a->db, id, legal_hold_row, &legal) != 0)
		return -1;
	tm_bool(root, "no_legal_holds", legal.n == 0);
	return 0;
}

static int
ban_row(void *arg, const struct cban *b)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64];

	x->n++;
	tm_str(m, "purpose", b->purpose);
	tm_str(m, "label", label(x, "purpose", b->purpose));
	tm_str(m, "via_label", label(x, "via", b->via));
	fmt_date(when, sizeof(when), x->r->lang, b->since);
	tm_str(m, "since", when);
	tm_str(m, "via", b->via);
	tm_str(m, "reference", b->reference);
	return 0;
}

static int
disclosure_row(void *arg, const struct cdisclosure *d)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char when[64];

	fmt_date(when, sizeof(when), x->r->lang, d->date);
	tm_str(m, "date", when);
	tm_str(m, "recipient", d->recipient);
	tm_str(m, "ground", label(x, "ground", d->ground));
	tm_str(m, "what", d->what);
	return 0;
}

static int
request_row(void *arg, const struct dsr_brief *b)
{
	struct rows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char href[64], when[64];

	x->n++;
	snprintf(href, sizeof(href), "/intranet/request?id=%lld", b->id);
	tm_str(m, "href", href);
	tm_str(m, "number", b->number);
	tm_str(m, "status_label", label(x, "request.status", b->status));
	tm_bool(m, "open", dsr_is_open(b->status));
	x->open += dsr_is_open(b->status) != 0;
	fmt_datetime(when, sizeof(when), x->r->lang, b->received);
	tm_str(m, "received", when);
	fmt_date(when, sizeof(when), x->r->lang, b->deadline);
	tm_str(m, "deadline", when);
	return 0;
}

int
ui_customer_notes(struct app *a, struct req *r, long long id,
    int record_marks, struct tmpl_map *root)
{
	struct rows bans = { a, r, tm_list(root, "bans"), 0, NULL, 0 };
	struct rows discs = { a, r, tm_list(root, "disclosures"), 0, NULL, 0 };
	struct rows orders = { a, r, tm_list(root, "orders"), 0, NULL, 0 };
	struct rows history = { a, r, tm_list(root, "history"), 0, NULL, 0 };
	struct rows requests = { a, r, tm_list(root, "requests"), 0, NULL, 0 };

	if (dsr_of_customer(a->db, id, request_row, &requests) != 0)
		return -1;
	tm_bool(root, "no_requests", requests.n == 0);
	tm_int(root, "open_requests", requests.open);
	if (customer_holds(a, r, id, root) != 0)
		return -1;
	if (customer_bans(a->db, id, ban_row, &bans) != 0 ||
	    customer_disclosures(a->db, id, disclosure_row, &discs) != 0 ||
	    customer_orders(a->db, id, order_row, &orders) != 0 ||
	    customer_history(a->db, id, history_row, &history) != 0)
		return -1;
	tm_bool(root, "has_marks", record_marks || bans.n > 0 ||
	    requests.open > 0);
	return 0;
}
