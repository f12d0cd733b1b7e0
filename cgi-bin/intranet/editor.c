/* editor.c — the notice editor for admins: the draft section by section, its preview in both languages, and one route per step of its life (draft, date, publish, discard). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "buf.h"
#include "db.h"
#include "notice.h"
#include "view_notice.h"
#include "notice_edit.h"
#include "richtext.h"
#include "notice_rules.h"
#include "validate.h"
#include "intranet.h"

/* The page that edits one section, for each section's link. */
#define NOTICE_EDIT_PATH	"/intranet/notice/section"

/* ?edit=fi|en: the language being edited (Finnish unless said). */
static enum lang
edit_lang(struct req *r)
{
	int l = lang_parse(r->method == METHOD_POST ? kv_get(&r->form, "edit") :
	    kv_get(&r->query, "edit"));

	return l < 0 ? LANG_FI : (enum lang)l;
}

/*
 * The draft's problems (notice_rules.h) into root.problems, in the user's
 * language, each with its reason and source; an empty section with a
 * proposal gets the fields of a form that saves the proposal as the
 * section's text. root.problem_count is their number. 0, or -1 on error.
 */
static int
fill_problems(struct app *a, struct req *r, struct tmpl_map *root)
{
	struct nr_list l;
	struct tmpl_list *list;
	int rc = notice_review(a->db, 1,
	    ((const struct ui_conf *)a->data)->authority, &l);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	list = tm_list(root, "problems");
	for (size_t i = 0; i < l.n; i++) {
		const struct nr_finding *f = &l.v[i];
		struct tmpl_map *p = tm_list_map(list);

		tm_str(p, "lang", lang_codes[f->lang]);
		if (f->position > 0) {
			struct buf b = BUF_INIT;

			tm_int(p, "position", f->position);
			tm_int(p, "number", f->position + 1);	/* as the page's contents */
			buf_addf(&b, "%s?edit=%s&n=%d", NOTICE_EDIT_PATH,
			    lang_codes[f->lang], f->position);
			tm_str(p, "edit_href", b.data);
			buf_free(&b);
		}
		tm_str(p, "title", f->title);
		tm_str(p, "what", f->what[r->lang]);
		tm_str(p, "why", f->why[r->lang]);
		tm_str(p, "match", f->match);
		tm_str(p, "code", f->code);
		if (f->proposal != NULL) {
			tm_html(p, "proposal", f->proposal);	/* constant, cleaned rich text */
			tm_str(p, "proposal_body", f->proposal);
		}
	}
	tm_int(root, "problem_count", (long long)l.n);
	nr_list_free(&l);
	return 0;
}

/* GET /intranet/notice: the draft, section by section, and what to do with it. */
void
page_notice_admin(struct app *a, struct req *r)
{
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);
	enum lang el = edit_lang(r);
	long long id = notice_draft_id(a->db);

	if (id < 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_str(root, "edit", lang_codes[el]);
	tm_bool(root, el == LANG_FI ? "edit_fi" : "edit_en", 1);
	tm_bool(root, "has_draft", id > 0);
	if (id > 0 && (notice_draft_fill(a->db, el, NOTICE_EDIT_PATH,
	    tm_map(root, "draft")) != 0 || fill_problems(a, r, root) != 0)) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		struct buf b = BUF_INIT;

		buf_addf(&b, "/intranet/notice/preview?edit=%s", lang_codes[el]);
		tm_str(root, "preview_href", b.data);
		buf_free(&b);
	}
	tm_int(root, "latest", notice_latest());
	ui_page(a, r, 200, "notice-admin.xhtml", m);
}

/* What the cleaner dropped, each line in the reader's language (root.warnings). */
static void
warnings_model(struct app *a, struct req *r, const struct buf *warn,
    struct tmpl_map *root)
{
	struct tmpl_list *l = NULL;
	const char *p = warn->data, *end = warn->data + warn->len, *e;
	struct buf line = BUF_INIT;

	for (; warn->len > 0 && p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if (e == p)
			continue;
		if (l == NULL)
			l = tm_list(root, "warnings");
		buf_reset(&line);
		(void)rt_warning_words(a->msgs, r->lang, p, (size_t)(e - p),
		    &line);
		tm_str(tm_list_map(l), "text", buf_cstr(&line));
	}
	buf_free(&line);
}

/* GET and POST /intranet/notice/section?edit=L&n=N: one section of the draft. */
void
page_notice_section(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m), *sec = NULL;
	enum lang el = edit_lang(r);
	const char *nv = r->method == METHOD_POST ? ui_field(r, "n", 4) :
	    kv_get(&r->query, "n");
	char err[256] = "";
	long long n;

	if (val_int(nv, 1, 999, &n) != NULL) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	tm_str(root, "edit", lang_codes[el]);
	tm_int(root, "n", n);
	tm_int(root, "number", n + 1);	/* the controller is 1 on the page */
	{
		struct buf b = BUF_INIT;

		buf_addf(&b, "/intranet/notice?edit=%s", lang_codes[el]);
		tm_str(root, "back_href", b.data);
		buf_free(&b);
	}
	if (r->method == METHOD_POST) {
		const char *title = ui_field(r, "title", 400);
		const char *body = ui_field(r, "body", 16000);
		struct buf warn = BUF_INIT;
		char *html = NULL;
		char obj[16];

		if (title == NULL || body == NULL) {
			tm_free(m);
			app_error(a, r, 400);
			return;
		}
		if (db_begin(a->db) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		/* the plain-text syntax to HTML, which the section then cleans */
		if ((html = rt_from_markdown(body, strlen(body))) == NULL ||
		    notice_draft_section(a->db, el, (int)n, title, html, &warn,
		    err, sizeof(err)) != 0) {
			free(html);
			db_rollback(a->db);
			if (strcmp(err, "title") == 0)
				tm_str(root, "error_title", "true");	/* aria-invalid */
			else if (strcmp(err, "body") == 0)
				tm_str(root, "error_body", "true");
			else {
				buf_free(&warn);
				tm_free(m);
				app_error(a, r, 404);
				return;
			}
			sec = tm_map(root, "form");
			tm_str(sec, "title", title);
			tm_str(sec, "body", body);
			buf_free(&warn);
			tm_bool(root, "failed", 1);
			ui_page(a, r, 400, "notice-section.xhtml", m);
			return;
		}
		free(html);
		snprintf(obj, sizeof(obj), "%s/%lld", lang_codes[el], n);
		if (ui_event(a, r, &cx->me, "notice.section", "notice", 0, obj) != 0 ||
		    db_commit(a->db) != 0) {
			buf_free(&warn);
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		tm_bool(root, "saved", 1);
		warnings_model(a, r, &warn, root);
		buf_free(&warn);
	}
	/* the section as the draft holds it now */
	{
		struct buf title = BUF_INIT, body = BUF_INIT;

		if (notice_draft_section_get(a->db, el, (int)n, &title,
		    &body) != 0) {
			buf_free(&title);
			buf_free(&body);
			tm_free(m);
			app_error(a, r, 404);
			return;
		}
		sec = tm_map(root, "form");
		tm_str(sec, "title", buf_cstr(&title));
		tm_str(sec, "body", buf_cstr(&body));
		tm_html(sec, "preview", buf_cstr(&body));	/* cleaned when saved */
		buf_free(&title);
		buf_free(&body);
	}
	ui_page(a, r, 200, "notice-section.xhtml", m);
}

/* GET /intranet/notice/preview?edit=L: the draft as the public will see it. */
void
page_notice_preview(struct app *a, struct req *r)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);
	enum lang el = edit_lang(r);
	struct buf b = BUF_INIT;

	if (notice_draft_fill(a->db, el, NOTICE_EDIT_PATH, root) != 0) {
		tm_free(m);
		app_error(a, r, 404);
		return;
	}
	r->lang = el;	/* the page in the language being edited */
	tm_bool(root, "preview", 1);
	buf_addf(&b, "/intranet/notice/preview?edit=%s",
	    lang_codes[el == LANG_FI ? LANG_EN : LANG_FI]);
	tm_str(root, "preview_other", b.data);
	buf_reset(&b);
	buf_addf(&b, "/intranet/notice?edit=%s", lang_codes[el]);
	tm_str(root, "preview_back", b.data);
	buf_free(&b);
	authority_fill(((const struct ui_conf *)a->data)->authority, el,
	    tm_map(root, "authority"));
	ui_page(a, r, 200, "notice.xhtml", m);
}

enum notice_step { STEP_DRAFT, STEP_DATE, STEP_PUBLISH, STEP_DISCARD };

/*
 * Before publishing: the draft's problems counted into *problems. 0 when
 * there are none or the form's "confirm" box says the admin publishes
 * knowingly; 1 when it must be asked; -1 on error.
 */
static int
publish_checked(struct app *a, struct req *r, int *problems)
{
	struct nr_list l;
	const char *confirm = ui_field(r, "confirm", 1);

	if (notice_review(a->db, 1, ((const struct ui_conf *)a->data)->authority,
	    &l) < 0)
		return -1;
	*problems = (int)l.n;
	nr_list_free(&l);
	if (*problems == 0)
		return 0;
	return confirm != NULL && strcmp(confirm, "1") == 0 ? 0 : 1;
}

/*
 * POST /intranet/notice/draft|date|publish|discard: one step of the
 * draft's life, with its audit row in the same transaction; a step that
 * cannot be taken is said on the editor page, in the user's words.
 */
static void
notice_step(struct app *a, struct req *r, enum notice_step step)
{
	static const char *const actions[] = { "notice.draft", "notice.date",
	    "notice.publish", "notice.discard" };
	/* what the page says after each: a discarded draft is not "saved" */
	static const char *const flashes[] = { "draft_saved", "date_saved",
	    "published", "discarded" };
	const struct ui *cx = r->ctx;
	const char *d = NULL;
	char err[256] = "", to[64], summary[32] = "";
	int rc, number = 0, problems = 0;
	enum lang el = edit_lang(r);

	if (step == STEP_DATE && (d = ui_field(r, "drawn_up", 10)) == NULL) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	switch (step) {
	case STEP_DATE:
		rc = notice_draft_drawn_up(a->db, d);
		break;
	case STEP_DRAFT:
		rc = notice_draft_create(a->db, err, sizeof(err)) < 0 ? -1 : 0;
		break;
	case STEP_PUBLISH:
		if ((rc = publish_checked(a, r, &problems)) == 0)
			rc = notice_publish(a->db, &number, err, sizeof(err));
		else if (rc > 0) {
			snprintf(err, sizeof(err), "%s", i18n_msg(a->msgs, r->lang,
			    "records.confirm_needed"));
			rc = -1;
		}
		break;
	default:
		rc = notice_discard_draft(a->db, err, sizeof(err));
		break;
	}
	if (rc != 0) {
		struct tmpl_model *m;

		db_rollback(a->db);
		m = ui_model(a, r);
		tm_str(tm_root(m), "problem", err[0] ? err :
		    i18n_msg(a->msgs, r->lang, "noticeadmin.bad_date"));
		tm_str(tm_root(m), "edit", lang_codes[el]);
		tm_bool(tm_root(m), "has_draft", notice_draft_id(a->db) > 0);
		if (notice_draft_id(a->db) > 0) {
			notice_draft_fill(a->db, el, NOTICE_EDIT_PATH, tm_map(tm_root(m), "draft"));
			(void)fill_problems(a, r, tm_root(m));
		}
		ui_page(a, r, 400, "notice-admin.xhtml", m);
		return;
	}
	if (problems > 0)	/* published knowingly: how many, never what */
		snprintf(summary, sizeof(summary), "confirmed, %d problems",
		    problems);
	if (ui_event(a, r, &cx->me, actions[step], "notice", number,
	    summary) != 0 ||
	    db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/notice?edit=%s", lang_codes[el]);
	ui_done(r, to, flashes[step]);
}

void
post_notice_draft(struct app *a, struct req *r)
{
	notice_step(a, r, STEP_DRAFT);
}

void
post_notice_date(struct app *a, struct req *r)
{
	notice_step(a, r, STEP_DATE);
}

void
post_notice_publish(struct app *a, struct req *r)
{
	notice_step(a, r, STEP_PUBLISH);
}

void
post_notice_discard(struct app *a, struct req *r)
{
	notice_step(a, r, STEP_DISCARD);
}
