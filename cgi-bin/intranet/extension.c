/* extension.c — a request's extension of the deadline (GDPR Art. 12(3)) and the list of its letters on the request's page; the letters themselves are letters.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "fmt.h"
#include "letter.h"
#include "validate.h"
#include "intranet.h"

/*
 * POST /intranet/request/extend (id, months 1 | 2, reasons): the deadline
 * extended (GDPR Art. 12(3)), then the extension letter to draft and send.
 * Refused (422, nothing changed) for a closed or extended request, after
 * the first deadline, or without reasons.
 */
void
post_request_extend(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *reasons = ui_field(r, "reasons",
	    (size_t)LETTER_EXT_REASONS_MAX * 4),
	    *ms = ui_field(r, "months", 4), *why = NULL;
	char deadline[11], to[96];
	long long months = 0, id;
	int rc;

	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if (ms == NULL || val_int(ms, 1, 2, &months) != NULL) {
		why = "letters.err.months";
		rc = 1;
	} else
		rc = letter_extend(a->db, id, (int)months, reasons, cx->me.id,
		    time(NULL), &why, deadline);
	if (rc < 0) {
		ui_fail(a, r);
		return;
	}
	if (rc == 1) {
		struct tmpl_model *m;
		struct tmpl_map *f;

		db_rollback(a->db);	/* refused: nothing changed */
		if (why != NULL && strcmp(why, "request.none") == 0) {
			app_error(a, r, 404);
			return;
		}
		m = ui_model(a, r);
		f = tm_map(tm_root(m), "extend_form");
		tm_str(f, "error", i18n_msg(a->msgs, r->lang, why));
		tm_str(f, "reasons", reasons ? reasons : "");
		ui_show_request(a, r, id, 422, m);
		return;
	}
	/* the audit row names the step only: the reasons stay with the case */
	if (ui_event(a, r, &cx->me, "request.extend", "request", id, "") != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/request/letter?id=%lld&kind=extension",
	    id);
	ui_done(r, to, "recorded");
}

/* The rows of a request's letters, for its page. */
struct lrows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
	long long		 request_id;
	long			 n;
};

static int
letter_row(void *arg, const struct letter_row *l)
{
	struct lrows *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char d[96], key[64], href[96];

	x->n++;
	tm_int(m, "id", l->id);
	snprintf(key, sizeof(key), "letters.kind.%s", l->kind);
	tm_str(m, "kind_label", i18n_msg(x->a->msgs, x->r->lang, key));
	fmt_datetime(d, sizeof(d), x->r->lang, l->created_at);
	tm_str(m, "created_at", d);
	if (l->sent_at[0] == '\0') {
		snprintf(href, sizeof(href), "/intranet/request/letter?id=%lld&kind=%s",
		    x->request_id, l->kind);
		tm_str(m, "href", href);
		return 0;
	}
	tm_bool(m, "sent", 1);
	fmt_datetime(d, sizeof(d), x->r->lang, l->sent_at);
	tm_str(m, "sent_at", d);
	snprintf(key, sizeof(key), "letters.via.%s", l->sent_via);
	tm_str(m, "via_label", i18n_msg(x->a->msgs, x->r->lang, key));
	tm_str(m, "sent_by", l->sent_by);
	tm_str(m, "sha256", l->sha256);
	snprintf(href, sizeof(href), "/intranet/letter?id=%lld", l->id);
	tm_str(m, "href", href);
	return 0;
}

int
ui_letters_model(struct app *a, struct req *r, long long id,
    struct tmpl_map *root)
{
	struct lrows x = { a, r, tm_list(root, "letters"), id, 0 };
	struct letter_ext e;
	char href[96], d[96];

	if (letter_ext_get(a->db, id, &e) < 0)
		return -1;
	if (e.at[0] != '\0') {
		struct tmpl_map *m = tm_map(root, "ext");

		tm_str(m, "reasons", e.reasons);
		fmt_date(d, sizeof(d), r->lang, e.deadline);
		tm_str(m, "deadline", d);
		tm_int(m, "months", e.months);
		snprintf(href, sizeof(href),
		    "/intranet/request/letter?id=%lld&kind=extension", id);
		tm_str(m, "letter_href", href);
	}
	letter_ext_free(&e);
	if (letter_list(a->db, id, letter_row, &x) != 0)
		return -1;
	tm_bool(root, "no_letters", x.n == 0);
	snprintf(href, sizeof(href), "/intranet/request/letter?id=%lld&kind=answer",
	    id);
	tm_str(root, "answer_letter_href", href);
	snprintf(href, sizeof(href), "/intranet/request/letter?id=%lld&kind=refusal",
	    id);
	tm_str(root, "refusal_letter_href", href);
	return 0;
}
