/* mailbox.c — the staff front page's list of mail that was not delivered: what the outbox still retries or gave up on, with the request it is about (#12: no mail is lost silently). No addresses, no contents. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "intake.h"
#include "outbox.h"
#include "intranet.h"

struct mail_rows {
	struct app	*a;
	struct req	*r;
	struct tmpl_list *l;
	int		 n;
};

/* One undelivered message as a row: what, the request's link, state, attempts, times, reason. */
static int
mail_row(void *arg, const struct outbox_item *it)
{
	struct mail_rows *x = arg;
	const struct i18n *msgs = x->a->msgs;
	enum lang lang = x->r->lang;
	struct tmpl_map *e = tm_list_map(x->l);
	char key[80], when[96];

	tm_str(e, "what", intake_mail_kind(msgs, lang, it->ref_kind));
	if (it->number[0] != '\0') {
		snprintf(key, sizeof(key), "/intranet/request?id=%lld", it->ref_id);
		tm_str(e, "href", key);
		tm_str(e, "number", it->number);
	}
	tm_bool(e, "failed", strcmp(it->state, "failed") == 0);
	snprintf(key, sizeof(key), "outbox.state.%s", it->state);
	tm_str(e, "state", i18n_msg(msgs, lang, key));
	tm_int(e, "attempts", it->attempts);
	fmt_datetime(when, sizeof(when), lang, it->last_try);
	tm_str(e, "last_try", when);
	fmt_datetime(when, sizeof(when), lang, it->next_try);
	tm_str(e, "next_try", when[0] ? when : "–");
	snprintf(key, sizeof(key), "outbox.error.%s", it->last_error);
	tm_str(e, "error", i18n_msg(msgs, lang, key));
	x->n++;
	return 0;
}

int
ui_mail_problems(struct app *a, struct req *r, struct tmpl_map *root)
{
	struct mail_rows x = { a, r, tm_list(root, "mail"), 0 };

	if (outbox_problems(a->db, mail_row, &x) != 0)
		return -1;
	tm_bool(root, "has_mail", x.n > 0);
	return 0;
}
