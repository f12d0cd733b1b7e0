/* auditlog.c — the audit log for admins and auditors: filters, paging, every view itself audited. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "log.h"
#include "intranet.h"

/*
 * A filter value from the query: at most max bytes; dates must be
 * YYYY-MM-DD. NULL when absent or empty; *bad set when malformed.
 */
static const char *
filter(struct req *r, const char *key, size_t max, int date, int *bad)
{
	const char *v = kv_get(&r->query, key);
	struct tm tm;

	if (v == NULL || *v == '\0')
		return NULL;
	if (strlen(v) > max || (date && fmt_parse_date(v, &tm) != 0)) {
		*bad = 1;
		return NULL;
	}
	return v;
}

/* GET /intranet/audit: the log, newest first, with filters and paging. */
void
page_audit(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	static const char sql[] =
	    "SELECT id, at, username, client, action, object_type, object_id,"
	    " summary FROM audit_log"
	    " WHERE (?1 IS NULL OR username = ?1)"
	    " AND (?2 IS NULL OR action = ?2 OR action LIKE ?2 || '.%')"
	    " AND (?3 IS NULL OR object_id = ?3)"
	    " AND (?4 IS NULL OR at >= ?4)"
	    " AND (?5 IS NULL OR at < date(?5, '+1 day'))"
	    " ORDER BY id DESC LIMIT ?6 OFFSET ?7";
	const char *user, *action, *object, *from, *to;
	struct tmpl_model *m;
	struct tmpl_map *root, *f;
	struct tmpl_list *rows;
	sqlite3_stmt *st = NULL;
	long long pageno = 1;
	int bad = 0, n = 0;
	char when[64];

	user = filter(r, "user", AUTH_NAME_MAX, 0, &bad);
	action = filter(r, "action", 40, 0, &bad);
	object = filter(r, "object", 40, 0, &bad);
	from = filter(r, "from", 10, 1, &bad);
	to = filter(r, "to", 10, 1, &bad);
	if (ui_page_no(r, &pageno) != 0)
		bad = 1;
	if (bad) {
		app_error(a, r, 400);
		return;
	}
	if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(a->db));
		app_error(a, r, 500);
		return;
	}
	if (user) sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (action) sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	if (object) sqlite3_bind_text(st, 3, object, -1, SQLITE_STATIC);
	if (from) sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
	if (to) sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, PAGE_ROWS + 1);	/* one more: is there a next page */
	sqlite3_bind_int64(st, 7, (pageno - 1) * PAGE_ROWS);
	m = ui_model(a, r);
	root = tm_root(m);
	f = tm_map(root, "filter");
	tm_str(f, "user", user ? user : "");
	tm_str(f, "action", action ? action : "");
	tm_str(f, "object", object ? object : "");
	tm_str(f, "from", from ? from : "");
	tm_str(f, "to", to ? to : "");
	rows = tm_list(root, "rows");
	while (sqlite3_step(st) == SQLITE_ROW && n < PAGE_ROWS + 1) {
		struct tmpl_map *row;

		if (++n > PAGE_ROWS)
			break;
		row = tm_list_map(rows);
		tm_int(row, "id", sqlite3_column_int64(st, 0));
		fmt_datetime(when, sizeof(when), r->lang,
		    (const char *)sqlite3_column_text(st, 1));
		tm_str(row, "at", when);
		for (int c = 2; c <= 7; c++) {
			static const char *const keys[] = { "", "", "username",
			    "client", "action", "object_type", "object_id",
			    "summary" };

			tm_str(row, keys[c], (const char *)sqlite3_column_text(st, c));
		}
	}
	sqlite3_finalize(st);
	tm_bool(root, "empty", n == 0);
	tm_int(root, "page", pageno);
	{
		struct buf q = BUF_INIT;
		const char *keys[] = { "user", "action", "object", "from", "to" };
		const char *vals[] = { user, action, object, from, to };

		for (int i = 0; i < 5; i++)
			if (vals[i] != NULL) {
				char *enc = NULL;

				/* filter values are short tokens, dates or ids */
				enc = xstrdup(vals[i]);
				for (char *p = enc; *p; p++)
					if (!isalnum((unsigned char)*p) && *p != '-' &&
					    *p != '.' && *p != '_')
						*p = '_';
				buf_addf(&q, "&%s=%s", keys[i], enc);
				free(enc);
			}
		if (pageno > 1) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/audit?page=%lld%s", pageno - 1,
			    q.len ? q.data : "");
			tm_str(root, "prev_href", h.data);
			buf_free(&h);
		}
		if (n > PAGE_ROWS) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/audit?page=%lld%s", pageno + 1,
			    q.len ? q.data : "");
			tm_str(root, "next_href", h.data);
			buf_free(&h);
		}
		buf_free(&q);
	}
	if (ui_event(a, r, &cx->me, "audit.view", "audit", 0, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	ui_page(a, r, 200, "audit.xhtml", m);
}
