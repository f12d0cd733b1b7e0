/* view_notice.c — the privacy notice as template models: a published version or the draft, its facts and sections, its links (live or exported), the list of versions. Linked by the executables that show the notice. See view_notice.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "buf.h"
#include "fmt.h"
#include "notice_int.h"
#include "view_notice.h"

#define st(k)	notice_stmt(k)

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static void
mailto(struct tmpl_map *m, const char *key, const char *email)
{
	struct buf b = BUF_INIT;

	if (*email == '\0')
		return;
	buf_addf(&b, "mailto:%s", email);
	tm_str(m, key, b.data);
	buf_free(&b);
}

int
notice_fill_content(long long id, enum lang lang, const char *edit_path,
    struct tmpl_map *root)
{
	/* the draft's sections (edit_path) carry their changed marks */
	sqlite3_stmt *f = st(STMT_FACTS), *s = st(edit_path != NULL ?
	    STMT_DRAFT_SECTIONS : STMT_SECTIONS);
	struct tmpl_map *facts, *item;
	struct tmpl_list *list;
	struct buf href = BUF_INIT;
	int rc = -1, n = 0, changed = 0;

	sqlite3_bind_int64(f, 1, id);
	sqlite3_bind_text(f, 2, lang_codes[lang], -1, SQLITE_STATIC);
	if (sqlite3_step(f) != SQLITE_ROW)
		goto out;
	facts = tm_map(root, "facts");
	tm_str(facts, "title", col(f, 0));
	tm_str(facts, "register_name", col(f, 1));
	tm_str(facts, "controller_name", col(f, 2));
	tm_str(facts, "controller_address", col(f, 3));
	tm_str(facts, "controller_phone", col(f, 4));
	tm_str(facts, "controller_email", col(f, 5));
	mailto(facts, "controller_mailto", col(f, 5));
	tm_str(facts, "contact_name", col(f, 6));
	tm_str(facts, "contact_phone", col(f, 7));
	tm_str(facts, "contact_email", col(f, 8));
	mailto(facts, "contact_mailto", col(f, 8));

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, lang_codes[lang], -1, SQLITE_STATIC);
	list = tm_list(root, "sections");
	while (sqlite3_step(s) == SQLITE_ROW) {
		item = tm_list_map(list);
		tm_int(item, "position", sqlite3_column_int(s, 3));
		/* as the page's contents number it: the controller is 1 */
		tm_int(item, "number", sqlite3_column_int(s, 3) + 1);
		tm_str(item, "anchor", col(s, 0));
		buf_reset(&href);
		buf_addf(&href, "#%s", col(s, 0));
		tm_str(item, "href", buf_cstr(&href));
		tm_str(item, "title", col(s, 1));
		tm_html(item, "body", col(s, 2));	/* cleaned on the way in */
		tm_bool(item, "empty", *col(s, 2) == '\0');
		if (edit_path != NULL) {
			buf_reset(&href);
			buf_addf(&href, "%s?edit=%s&n=%d", edit_path,
			    lang_codes[lang], sqlite3_column_int(s, 3));
			tm_str(item, "edit_href", buf_cstr(&href));
			tm_bool(item, "changed", sqlite3_column_int(s, 4));
			changed += sqlite3_column_int(s, 4) != 0;
		}
		n++;
	}
	if (edit_path != NULL)
		tm_int(root, "changed_count", changed);
	rc = n > 0 ? 0 : -1;
out:
	buf_free(&href);
	sqlite3_reset(f);
	sqlite3_reset(s);
	return rc;
}

int
notice_fill(int number, enum lang lang, struct tmpl_map *root)
{
	sqlite3_stmt *v = st(STMT_VERSION);
	struct tmpl_map *ver;
	sqlite3_int64 id;
	char when[64];
	int rc = -1;

	sqlite3_bind_int(v, 1, number);
	if (sqlite3_step(v) != SQLITE_ROW)
		goto out;
	id = sqlite3_column_int64(v, 0);
	ver = tm_map(root, "version");
	tm_int(ver, "number", number);
	fmt_date(when, sizeof(when), lang, col(v, 1));
	tm_str(ver, "drawn_up", when);
	tm_str(ver, "drawn_up_iso", col(v, 1));
	fmt_datetime(when, sizeof(when), lang, col(v, 2));
	tm_str(ver, "published_at", when);
	tm_str(ver, "published_at_iso", col(v, 2));
	tm_bool(ver, "latest", sqlite3_column_int(v, 3));
	rc = notice_fill_content(id, lang, NULL, root);
out:
	sqlite3_reset(v);
	return rc;
}

static void
page_url(struct buf *b, const struct notice_urls *u, enum lang lang,
    int number)
{
	if (u->exported && number > 0)
		buf_addf(b, "%s/notice-v%d.%s.html", u->prefix, number,
		    lang_codes[lang]);
	else if (u->exported)
		buf_addf(b, "%s/notice.%s.html", u->prefix, lang_codes[lang]);
	else if (number > 0)
		buf_addf(b, "/notice?version=%d&lang=%s", number, lang_codes[lang]);
	else
		buf_addf(b, "/notice?lang=%s", lang_codes[lang]);
}

static void
set_url(struct tmpl_map *root, const char *key, struct buf *b)
{
	tm_str(root, key, buf_cstr(b));
	buf_reset(b);
}

void
notice_links(struct tmpl_map *root, const struct notice_urls *u,
    enum lang lang, int number, int latest)
{
	enum lang other = lang == LANG_FI ? LANG_EN : LANG_FI;
	struct buf b = BUF_INIT;
	const char *l = lang_codes[lang];

	if (number == 0 && u->exported)
		buf_addf(&b, "%s/versions.%s.html", u->prefix, lang_codes[other]);
	else if (number == 0)
		buf_addf(&b, "/notice/versions?lang=%s", lang_codes[other]);
	else
		page_url(&b, u, other, number == latest ? 0 : number);
	set_url(root, "lang_href", &b);
	page_url(&b, u, lang, 0);
	set_url(root, "current_href", &b);
	buf_addf(&b, "/request?lang=%s", l);
	set_url(root, "request_href", &b);
	if (u->exported)
		buf_addf(&b, "%s/versions.%s.html", u->prefix, l);
	else
		buf_addf(&b, "/notice/versions?lang=%s", l);
	set_url(root, "versions_href", &b);
	if (number > 0) {
		if (u->exported)
			buf_addf(&b, "%s/notice-v%d.json", u->prefix, number);
		else
			buf_addf(&b, "/notice.json?version=%d", number);
		set_url(root, "json_href", &b);
		if (u->exported)
			buf_addf(&b, "%s/print-v%d.%s.css", u->prefix, number, l);
		else
			buf_addf(&b, "/notice/print.css?version=%d&lang=%s",
			    number, l);
		set_url(root, "print_css_href", &b);
	}
	buf_free(&b);
}

int
notice_fill_versions(const struct notice_urls *u, enum lang lang,
    struct tmpl_map *root)
{
	sqlite3_stmt *s = st(STMT_VERSIONS);
	struct tmpl_list *list = tm_list(root, "versions");
	struct buf href = BUF_INIT;
	char when[64];
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct tmpl_map *m = tm_list_map(list);

		tm_int(m, "number", sqlite3_column_int(s, 0));
		fmt_date(when, sizeof(when), lang, col(s, 1));
		tm_str(m, "drawn_up", when);
		fmt_datetime(when, sizeof(when), lang, col(s, 2));
		tm_str(m, "published_at", when);
		page_url(&href, u, lang, sqlite3_column_int(s, 0));
		set_url(m, "href", &href);
	}
	buf_free(&href);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Append s to a CSS string literal, keeping only characters that need no
 * escaping there: the values are a version number, a formatted date and a
 * catalogue message, and anything unexpected is left out, not escaped.
 */

void
authority_fill(const struct authority *a, enum lang lang, struct tmpl_map *m)
{
	struct buf b = BUF_INIT;
	char d[64];

	for (int f = 0; f < AF__MAX; f++)
		tm_str(m, afield_names[f], a->v[lang][f]);
	buf_addf(&b, "mailto:%s", a->v[lang][AF_EMAIL]);
	tm_str(m, "mailto", b.data);
	buf_free(&b);
	tm_str(m, "checked", a->checked);
	if (fmt_date(d, sizeof(d), lang, a->checked) == 0)
		tm_str(m, "checked_text", d);
}
