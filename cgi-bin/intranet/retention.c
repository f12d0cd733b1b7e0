/* retention.c — /intranet/retention (admins): what the retention run would remove now, by class, and the last run (docs/retention.md). It changes nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "holds.h"
#include "intranet.h"
#include "retention.h"

static const char *const action_keys[] = {
	[RA_DELETE] = "retention.delete",
	[RA_EMPTY] = "retention.empty",
	[RA_ERASE] = "retention.erase",
};

/* GET /intranet/retention: the dry run's counts as of now and the latest applied run. */
void
page_retention(struct app *a, struct req *r)
{
	struct retention_report rep;
	struct retention_last last;
	struct tmpl_model *m;
	struct tmpl_map *root, *lm;
	struct tmpl_list *rows;
	char shown[64], key[64];
	long long due = 0;

	/* the verdicts need the accounting year only (nothing is erased here) */
	struct retention_erasure er = { &a->conf.accounting, NULL, NULL };

	if (retention_plan(a->db, time(NULL), &er, &rep) != 0 ||
	    retention_last_run(a->db, &last) != 0) {
		app_error(a, r, 500);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	fmt_datetime(shown, sizeof(shown), r->lang, rep.judged_at);
	tm_str(root, "judged", shown);
	rows = tm_list(root, "classes");
	for (int j = 0; j < RJ__MAX; j++) {
		const struct retention_line *l = &rep.line[j];
		const struct retention_rule *rule = retention_rule(l->rc);
		struct tmpl_map *row = tm_list_map(rows);

		snprintf(key, sizeof(key), "retention.class.%s", l->code);
		tm_str(row, "name", i18n_msg(a->msgs, r->lang, key));
		tm_str(row, "code", l->code);
		tm_str(row, "action", i18n_msg(a->msgs, r->lang,
		    action_keys[l->action]));
		tm_int(row, "due", l->due);
		tm_int(row, "kept", l->kept);
		tm_bool(row, "is_due", l->due > 0);
		tm_bool(row, "not_wired", !l->wired);
		if (j == RJ_CUSTOMER && l->due > 0) {
			struct tmpl_map *v = tm_map(row, "verdicts");

			tm_int(v, "erase", l->erase);
			tm_int(v, "anonymise", l->anonymise);
			tm_int(v, "held", l->held);
		}
		tm_str(row, "period", rule->period[r->lang]);
		tm_str(row, "source", rule->source[r->lang]);
		due += l->due;
	}
	tm_int(root, "due_total", due);
	if (last.id != 0) {
		lm = tm_map(root, "last");
		tm_int(lm, "id", last.id);
		fmt_datetime(shown, sizeof(shown), r->lang, last.started_at);
		tm_str(lm, "started", shown);
		if (last.finished_at[0] != '\0') {
			fmt_datetime(shown, sizeof(shown), r->lang,
			    last.finished_at);
			tm_str(lm, "finished", shown);
		}
		snprintf(key, sizeof(key), "retention.state.%s", last.state);
		tm_str(lm, "state", i18n_msg(a->msgs, r->lang, key));
		tm_bool(lm, "unfinished", strcmp(last.state, "done") != 0);
		tm_int(lm, "done", last.done);
	}
	ui_page(a, r, 200, "retention.xhtml", m);
}
