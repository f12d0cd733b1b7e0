/* notice.c — see notice.h. Read-only: the public executable links this, never notice_edit.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fmt.h"
#include "log.h"
#include "notice.h"
#include "richtext.h"

enum stmt {
	STMT_LATEST,
	STMT_EXISTS,
	STMT_VERSION,
	STMT_FACTS,
	STMT_SECTIONS,
	STMT_VERSIONS,
	STMT_JSON,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_LATEST */
	"SELECT coalesce(max(number), 0) FROM notice_versions",
	/* STMT_EXISTS */
	"SELECT 1 FROM notice_versions WHERE number = ?1",
	/* STMT_VERSION */
	"SELECT id, drawn_up, published_at,"
	" number = (SELECT max(number) FROM notice_versions)"
	" FROM notice_versions WHERE number = ?1",
	/* STMT_FACTS */
	"SELECT title, register_name, controller_name, controller_address,"
	" controller_phone, controller_email, contact_name, contact_phone,"
	" contact_email FROM notice_facts WHERE version_id = ?1 AND lang = ?2",
	/* STMT_SECTIONS */
	"SELECT anchor, title, body, position FROM notice_sections"
	" WHERE version_id = ?1 AND lang = ?2 ORDER BY position",
	/* STMT_VERSIONS */
	"SELECT number, drawn_up, published_at FROM notice_versions"
	" WHERE number IS NOT NULL ORDER BY number DESC",
	/* STMT_JSON */
	"SELECT json_object("
	" 'format', 'rekisteri-notice/1',"
	" 'version', v.number,"
	" 'latest', json(CASE WHEN v.number = (SELECT max(number)"
	"   FROM notice_versions) THEN 'true' ELSE 'false' END),"
	" 'drawn_up', v.drawn_up,"
	" 'published_at', v.published_at,"
	" 'languages', (SELECT json_group_object(f.lang, json_object("
	"   'title', f.title,"
	"   'register_name', f.register_name,"
	"   'controller', json_object('name', f.controller_name,"
	"     'address', f.controller_address, 'phone', f.controller_phone,"
	"     'email', f.controller_email),"
	"   'contact', json_object('name', f.contact_name,"
	"     'phone', f.contact_phone, 'email', f.contact_email),"
	"   'sections', (SELECT json_group_array(json_object("
	"     'anchor', s.anchor, 'title', s.title, 'html', s.body,"
	"     'text', rt_text(s.body)))"
	"     FROM (SELECT anchor, title, body FROM notice_sections"
	"       WHERE version_id = v.id AND lang = f.lang ORDER BY position) s)))"
	"   FROM notice_facts f WHERE f.version_id = v.id))"
	" FROM notice_versions v WHERE v.number = ?1",
};

static sqlite3 *db;
static sqlite3_stmt *st[STMT__MAX];

/* SQL function rt_text(html): the plain text of cleaned rich text. */
static void
sql_rt_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *html = sqlite3_value_text(argv[0]);
	char *text;

	(void)argc;
	if (html == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	text = rt_text((const char *)html);
	sqlite3_result_text(ctx, text, -1, free);
}

int
notice_prepare(sqlite3 *h)
{
	db = h;
	if (sqlite3_create_function(db, "rt_text", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_rt_text, NULL, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		return -1;
	}
	return db_prepare_all(db, sql, STMT__MAX, st);
}

void
notice_finalize(void)
{
	db_finalize_all(st, STMT__MAX);
	db = NULL;
}

/* Step a one-row, one-int statement; -1 on error, dflt when no row. */
static int
one_int(sqlite3_stmt *s, int dflt)
{
	int rc = sqlite3_step(s), v = dflt;

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	else if (rc != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		v = -1;
	}
	sqlite3_reset(s);
	return v;
}

int
notice_latest(void)
{
	return one_int(st[STMT_LATEST], 0);
}

int
notice_exists(int number)
{
	sqlite3_bind_int(st[STMT_EXISTS], 1, number);
	return one_int(st[STMT_EXISTS], 0) == 1;
}

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
notice_fill_content(long long id, enum lang lang, int editing,
    struct tmpl_map *root)
{
	sqlite3_stmt *f = st[STMT_FACTS], *s = st[STMT_SECTIONS];
	struct tmpl_map *facts, *item;
	struct tmpl_list *list;
	struct buf href = BUF_INIT;
	int rc = -1, n = 0;

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
		tm_str(item, "anchor", col(s, 0));
		buf_reset(&href);
		buf_addf(&href, "#%s", col(s, 0));
		tm_str(item, "href", buf_cstr(&href));
		tm_str(item, "title", col(s, 1));
		tm_html(item, "body", col(s, 2));	/* cleaned on the way in */
		tm_bool(item, "empty", *col(s, 2) == '\0');
		if (editing) {
			buf_reset(&href);
			buf_addf(&href, "/intranet/notice/section?edit=%s&n=%d",
			    lang_codes[lang], sqlite3_column_int(s, 3));
			tm_str(item, "edit_href", buf_cstr(&href));
		}
		n++;
	}
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
	sqlite3_stmt *v = st[STMT_VERSION];
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
	rc = notice_fill_content(id, lang, 0, root);
out:
	sqlite3_reset(v);
	return rc;
}

int
notice_drawn_up(int number, enum lang lang, char *dst, size_t len)
{
	sqlite3_stmt *v = st[STMT_VERSION];
	int rc = -1;

	sqlite3_bind_int(v, 1, number);
	if (sqlite3_step(v) == SQLITE_ROW)
		rc = fmt_date(dst, len, lang, col(v, 1));
	sqlite3_reset(v);
	return rc;
}

/* The URL of version number's page (0: the newest) in lang. */
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
	sqlite3_stmt *s = st[STMT_VERSIONS];
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
static void
css_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\' &&
		    *s != 0x7f)
			buf_addc(b, *s);
}

int
notice_print_css(int number, enum lang lang, const char *label,
    struct buf *out)
{
	char drawn_up[64], n[16];

	if (notice_drawn_up(number, lang, drawn_up, sizeof(drawn_up)) != 0)
		return -1;
	snprintf(n, sizeof(n), "%d", number);
	buf_adds(out, "/* The printed notice's page boxes: version and date drawn "
	    "up on every sheet. */\n@page {\n\t@bottom-left {\n\t\tcontent: \"");
	css_text(out, label);
	buf_addc(out, ' ');
	css_text(out, n);
	buf_adds(out, " · ");
	css_text(out, drawn_up);
	buf_adds(out, "\";\n\t\tfont: 8.5pt sans-serif;\n\t\tcolor: #333;\n"
	    "\t}\n\t@bottom-right {\n\t\tcontent: counter(page) \" / \" "
	    "counter(pages);\n\t\tfont: 8.5pt sans-serif;\n\t\tcolor: #333;"
	    "\n\t}\n}\n");
	return 0;
}

int
notice_json(int number, struct buf *out)
{
	sqlite3_stmt *s = st[STMT_JSON];
	int rc = -1;

	sqlite3_bind_int(s, 1, number);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) ==
	    SQLITE_TEXT) {
		buf_add(out, sqlite3_column_text(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0));
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}
