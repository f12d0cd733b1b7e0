/* erase.c — /intranet/customer/erase: an admin erases or anonymises a record within the legal holds, after seeing the holds and what would go and confirming (docs/retention.md, "Erasure and the erasure ledger"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "fmt.h"
#include "forget.h"
#include "holds.h"
#include "intranet.h"
#include "log.h"

static const char *const verdict_names[] = { "erase", "anonymise", "refuse" };

/* A reference as the tombstone keeps it: a request number or case reference, never personal data. */
static int
reference_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '/' || *s == '.'))
			return 0;
	return 1;
}

/* The verdict and every hold into m. */
static void
holds_model(struct app *a, struct req *r, const struct holds *h,
    struct tmpl_map *root)
{
	struct tmpl_list *list = tm_list(root, "holds");
	char key[64], when[64];

	snprintf(key, sizeof(key), "holds.verdict.%s", verdict_names[h->verdict]);
	tm_str(root, "verdict", i18n_msg(a->msgs, r->lang, key));
	tm_bool(root, "refuse", h->verdict == VERDICT_REFUSE);
	tm_bool(root, "can_erase", h->verdict == VERDICT_ERASE);
	tm_bool(root, "no_holds", h->n == 0);
	for (size_t i = 0; i < h->n; i++) {
		struct tmpl_map *m = tm_list_map(list);

		snprintf(key, sizeof(key), "holds.reason.%s",
		    hold_name(h->h[i].reason));
		tm_str(m, "reason", i18n_msg(a->msgs, r->lang, key));
		if (h->h[i].until[0] != '\0')
			fmt_date(when, sizeof(when), r->lang, h->h[i].until);
		else
			snprintf(when, sizeof(when), "%s", i18n_msg(a->msgs,
			    r->lang, "holds.open_ended"));
		tm_str(m, "until", when);
		tm_str(m, "ref", h->h[i].ref);
	}
}

/* What went (or would go), counted. */
static void
counts_model(const struct forget_result *res, struct tmpl_map *root)
{
	struct tmpl_map *c = tm_map(root, "counts");

	tm_int(c, "history", res->history);
	tm_int(c, "orders", res->orders);
	tm_int(c, "disclosures", res->disclosures);
	tm_int(c, "bans", res->bans);
	tm_int(c, "links", res->links);
	tm_int(c, "requests_kept", res->requests_kept);
	tm_int(c, "uploads", res->uploads);
}

/*
 * GET /intranet/customer/erase?id=N: the verdict, each hold and what
 * erasure (or anonymisation) would remove — the erasure run and rolled
 * back. POST id, confirm=1, anonymise (optional), reference (optional):
 * done as the verdict allows, the index merged and the WAL checkpointed,
 * the ledger written. A refusal (409), a missing confirmation or a bad
 * reference (400) change nothing. Admins.
 */
void
page_customer_erase(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const struct ui_conf *uc = ui_conf_of(a);
	const char *reference = "", *v;
	struct forget_result res;
	struct audit_entry actor;
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct holds h;
	enum forget_mode mode;
	char today[11], ledger[4096];
	const char *error = NULL;
	long long id;
	int rc, apply = 0, anonymise = 0, status = 200;

	if ((id = ui_id(r)) == 0) {
		app_error(a, r, 400);
		return;
	}
	if (!uc->have_erasure_key ||
	    forget_ledger_path(&a->conf, ledger, sizeof(ledger)) != 0) {
		LOG_ERR("no erasure key or ledger path: run rekisteri init");
		app_error(a, r, 500);
		return;
	}
	if (r->method == METHOD_POST) {
		v = ui_field(r, "anonymise", 1);
		anonymise = v != NULL && strcmp(v, "1") == 0;
		if ((v = kv_get(&r->form, "reference")) != NULL) {
			if (ui_field(r, "reference", 40) == NULL ||
			    !reference_ok(v))
				error = "forget.bad_reference";
			else
				reference = v;
		}
		v = ui_field(r, "confirm", 1);
		if (v == NULL || strcmp(v, "1") != 0)
			error = error ? error : "forget.confirm_needed";
		apply = error == NULL;
		if (error != NULL)
			status = 400;
	}
	if (fmt_local_date(time(NULL), today) != 0 || db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	if ((rc = holds_compute(a->db, id, today, &a->conf.accounting, &h)) != 0) {
		db_rollback(a->db);
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	if (h.verdict == VERDICT_REFUSE && r->method == METHOD_POST) {
		apply = 0;
		status = 409;
		error = "forget.refused";
	}
	mode = anonymise || h.verdict == VERDICT_ANONYMISE ? FORGET_ANONYMISE :
	    FORGET_ERASE;
	memset(&actor, 0, sizeof(actor));
	actor.user_id = cx->me.id;
	actor.username = cx->me.username;
	actor.client = r->remote_addr ? r->remote_addr : "";
	if ((rc = forget_customer(a->db, id, mode, reference, NULL,
	    &uc->erasure_key, apply ? ledger : NULL, &actor, &res)) < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc > 0) {		/* anonymised already, and still held */
		apply = 0;
		error = "forget.nothing";
		status = r->method == METHOD_POST ? 409 : 200;
	}
	if (!apply)
		db_rollback(a->db);
	else if (db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	} else if (forget_scrub(a->db) < 0)
		LOG_ERR("customer %lld: the scrub failed; the next erasure or "
		    "the retention run finishes it", id);

	m = ui_model(a, r);
	root = tm_root(m);
	tm_int(root, "id", id);
	tm_str(root, "number", res.number);
	tm_bool(root, "done", apply);
	tm_bool(root, "erased", apply && mode == FORGET_ERASE);
	tm_bool(root, "anonymised", apply && mode == FORGET_ANONYMISE);
	tm_bool(root, "failed", error != NULL);
	tm_str(root, "error", error ? i18n_msg(a->msgs, r->lang, error) : "");
	tm_str(root, "reference", reference);
	holds_model(a, r, &h, root);
	counts_model(&res, root);
	ui_page(a, r, status, "customer-erase.xhtml", m);
}
