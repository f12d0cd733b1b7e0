/* notice.c — see notice.h; the pages are view_notice.c. Read-only: the public executable links this, never notice_edit.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fmt.h"
#include "log.h"
#include "notice.h"
#include "notice_int.h"
#include "richtext.h"


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
	/* STMT_DRAFT_SECTIONS: STMT_SECTIONS, and whether each differs from
	 * every section of the latest published version (the editor's marks) */
	"SELECT d.anchor, d.title, d.body, d.position, NOT EXISTS (SELECT 1"
	" FROM notice_sections p JOIN notice_versions v ON v.id = p.version_id"
	" WHERE v.number = (SELECT max(number) FROM notice_versions)"
	" AND p.lang = d.lang AND p.title = d.title AND p.body = d.body)"
	" FROM notice_sections d WHERE d.version_id = ?1 AND d.lang = ?2"
	" ORDER BY d.position",
};

static sqlite3 *db;
static sqlite3_stmt *st[STMT__MAX];

sqlite3_stmt *
notice_stmt(enum notice_stmt k)
{
	return st[k];
}

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
