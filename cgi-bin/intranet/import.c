/* import.c — update files from an address service for admins: upload, check what would change, apply. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimport.h"
#include "csvio.h"
#include "customer.h"
#include "db.h"
#include "log.h"
#include "intranet.h"

#define IMPORT_UPLOAD_MAX	((size_t)8 << 20)	/* bytes of an uploaded file */
#define IMPORT_SHOWN		200	/* rows of a report shown on the page */

static const char *const charset_keys[] = { "auto", "utf-8", "iso-8859-1" };

/* The form's selects: charset and source, the chosen ones selected. */
static void
import_choices(struct app *a, struct req *r, struct tmpl_map *root, const char *charset,
    const char *source)
{
	static const char *const src[] = { "update_service", "subcontractor",
	    "customer", "staff" };
	static const char *const src_keys[] = { "source.update_service",
	    "source.subcontractor", "source.customer", "source.staff" };
	static const char *const cs_keys[] = { "import.charset_auto",
	    "import.charset_utf8", "import.charset_latin1" };
	struct tmpl_list *l = tm_list(root, "sources");

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", src[i]);
		tm_str(m, "label", i18n_msg(a->msgs, r->lang, src_keys[i]));
		tm_bool(m, "selected", strcmp(source, src[i]) == 0);
	}
	l = tm_list(root, "charsets");
	for (size_t i = 0; i < sizeof(charset_keys) / sizeof(charset_keys[0]); i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", charset_keys[i]);
		tm_str(m, "label", i18n_msg(a->msgs, r->lang, cs_keys[i]));
		tm_bool(m, "selected", strcmp(charset, charset_keys[i]) == 0);
	}
}

/* The check's report into the model: counts, bad rows, changes (IMPORT_SHOWN of each). */
static void
import_report(struct tmpl_map *root, const struct cimport *im)
{
	struct tmpl_map *rep = tm_map(root, "report");
	struct tmpl_list *bad = tm_list(rep, "bad"), *good = tm_list(rep, "changes");
	long nbad = 0, ngood = 0;

	tm_int(rep, "rows", im->rows);
	tm_int(rep, "good", im->good - im->same);
	tm_int(rep, "same", im->same);
	tm_int(rep, "bad_count", im->bad);
	tm_str(rep, "charset", im->used == CSV_LATIN1 ? "ISO-8859-1" : "UTF-8");
	for (size_t i = 0; i < im->nlines; i++) {
		const struct cimport_line *l = &im->lines[i];
		struct tmpl_map *m;

		if (l->bad ? nbad++ >= IMPORT_SHOWN : (l->same ||
		    ngood++ >= IMPORT_SHOWN))
			continue;
		m = tm_list_map(l->bad ? bad : good);
		tm_int(m, "line", l->line);
		tm_str(m, "number", l->number);
		tm_str(m, "what", l->what);
	}
	tm_bool(rep, "bad_more", nbad > IMPORT_SHOWN);
	tm_bool(rep, "changes_more", ngood > IMPORT_SHOWN);
	tm_int(rep, "shown", IMPORT_SHOWN);
}

/* Forget uploads older than an hour: they hold names and addresses. */
static void
import_expire(struct app *a)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE"
	    " created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) != SQLITE_DONE)
		LOG_ERR("old uploads could not be deleted");
	sqlite3_finalize(st);
}

/* Check data as an update import (changes nothing). 0, or -1 with im->error. */
static int
import_check(struct app *a, struct req *r, struct cimport *im, const char *data,
    size_t len, const char *charset, const char *source)
{
	const struct ui *cx = r->ctx;

	memset(im, 0, sizeof(*im));
	im->kind = CIMPORT_UPDATES;
	im->source = (enum csource)csource_parse(source);
	im->user_id = cx->me.id;
	im->charset = (enum csv_charset)csv_charset_parse(charset);
	im->msgs = a->msgs;
	im->lang = r->lang;
	return cimport_check(a->db, im, data, len);
}

/*
 * GET and POST /intranet/import (admins): upload an update service's file
 * (multipart), see what it would change and which rows are bad, then apply
 * (POST /intranet/import/apply). The file waits in import_uploads.
 */
void
page_import(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *charset = kv_get(&r->form, "charset"), *source =
	    kv_get(&r->form, "source");
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);
	struct cimport im;
	sqlite3_stmt *st;
	int status = 200;

	import_expire(a);
	if (r->method == METHOD_GET) {
		import_choices(a, r, root, "auto", "update_service");
		ui_page(a, r, 200, "import.xhtml", m);
		return;
	}
	if (charset == NULL || csv_charset_parse(charset) < 0 || source == NULL ||
	    csource_parse(source) < 0 || strcmp(source, "import") == 0) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	import_choices(a, r, root, charset, source);
	if (r->upload.field == NULL || strcmp(r->upload.field, "file") != 0 ||
	    r->upload.len == 0) {
		tm_str(root, "error", i18n_msg(a->msgs, r->lang, "import.no_file"));
		ui_page(a, r, 422, "import.xhtml", m);
		return;
	}
	if (import_check(a, r, &im, r->upload.data, r->upload.len, charset,
	    source) != 0) {
		tm_str(root, "error", im.error);
		cimport_free(&im);
		ui_page(a, r, 422, "import.xhtml", m);
		return;
	}
	import_report(root, &im);
	if (db_begin(a->db) != 0) {
		status = 500;
		goto out;
	}
	/* keep the file for the apply step: an hour at most */
	if (im.good - im.same > 0) {
		/* one waiting file per admin: this one replaces any other */
		if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE"
		    " user_id = ?1", -1, &st, NULL) != SQLITE_OK) {
			status = 500;
			goto out;
		}
		sqlite3_bind_int64(st, 1, cx->me.id);
		sqlite3_step(st);
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(a->db, "INSERT INTO import_uploads (user_id,"
		    " filename, charset, source, data) VALUES (?1, ?2, ?3, ?4, ?5)",
		    -1, &st, NULL) != SQLITE_OK) {
			status = 500;
			goto out;
		}
		sqlite3_bind_int64(st, 1, cx->me.id);
		sqlite3_bind_text(st, 2, r->upload.filename, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, charset, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(st, 5, r->upload.data, r->upload.len,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			status = 500;
		sqlite3_finalize(st);
		tm_int(root, "upload", sqlite3_last_insert_rowid(a->db));
	}
	if (status == 200 && (ui_event(a, r, &cx->me, "customer.import_check",
	    "customer", 0, "") != 0 || db_commit(a->db) != 0))
		status = 500;
out:
	db_rollback(a->db);	/* when the file could not be kept */
	cimport_free(&im);
	if (status != 200) {
		tm_free(m);
		app_error(a, r, status);
		return;
	}
	ui_page(a, r, 200, "import.xhtml", m);
}

/* POST /intranet/import/apply: check the kept file again and apply its good rows (all must be good unless apply_valid). */
void
post_import_apply(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const char *v = kv_get(&r->form, "upload");
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct cimport im;
	sqlite3_stmt *st;
	long long id;
	char *data = NULL, charset[16] = "", source[32] = "",
	    summary[160];
	size_t len = 0;
	int found = 0;

	if (val_int(v, 1, LLONG_MAX, &id) != NULL) {
		app_error(a, r, 400);
		return;
	}
	import_expire(a);
	if (sqlite3_prepare_v2(a->db, "SELECT data, charset, source FROM"
	    " import_uploads WHERE id = ?1 AND user_id = ?2 AND created_at >="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')", -1, &st,
	    NULL) != SQLITE_OK) {
		app_error(a, r, 500);
		return;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, cx->me.id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		data = xmalloc(len + 1);
		if (len > 0)
			memcpy(data, sqlite3_column_blob(st, 0), len);
		data[len] = '\0';
		snprintf(charset, sizeof(charset), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(source, sizeof(source), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		found = 1;
	}
	sqlite3_finalize(st);
	m = ui_model(a, r);
	root = tm_root(m);
	import_choices(a, r, root, found ? charset : "auto", found ? source :
	    "update_service");
	if (!found) {
		tm_str(root, "error", i18n_msg(a->msgs, r->lang, "import.expired"));
		ui_page(a, r, 410, "import.xhtml", m);
		return;
	}
	if (import_check(a, r, &im, data, len, charset, source) != 0 ||
	    (im.bad > 0 && kv_get(&r->form, "apply_valid") == NULL)) {
		if (im.error[0] == '\0')
			tm_str(root, "error", i18n_msg(a->msgs, r->lang,
			    "import.bad_rows"));
		else
			tm_str(root, "error", im.error);
		import_report(root, &im);
		tm_int(root, "upload", id);
		cimport_free(&im);
		free(data);
		ui_page(a, r, 422, "import.xhtml", m);
		return;
	}
	free(data);
	/* the changes, the file's removal and the audit row: one transaction */
	if (db_begin(a->db) != 0 || cimport_apply(a->db, &im) != 0) {
		db_rollback(a->db);
		tm_str(root, "error", im.error[0] ? im.error : i18n_msg(a->msgs,
		    r->lang, "error.500.title"));
		import_report(root, &im);
		cimport_free(&im);
		ui_page(a, r, 500, "import.xhtml", m);
		return;
	}
	if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE id = ?1",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	snprintf(summary, sizeof(summary), "updates: %ld applied, %ld bad rows "
	    "left out, source %s", im.applied, im.bad, source);
	if (ui_event(a, r, &cx->me, "customer.import_updates", "customer", 0,
	    summary) != 0 || db_commit(a->db) != 0) {
		cimport_free(&im);
		tm_free(m);
		ui_fail(a, r);
		return;
	}
	tm_int(root, "applied", im.applied);
	tm_int(root, "left_out", im.bad);
	cimport_free(&im);
	ui_page(a, r, 200, "import.xhtml", m);
}
