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
#include "upload.h"
#include "validate.h"
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
	int status = 200;

	(void)upload_expire(a->db);	/* they hold names and addresses */
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
		long long kept;

		/* one waiting file per admin: this one replaces any other */
		if (upload_keep(a->db, cx->me.id, r->upload.filename, charset,
		    source, r->upload.data, r->upload.len, &kept) != 0) {
			status = 500;
			goto out;
		}
		tm_int(root, "upload", kept);
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
	struct upload up;
	long long id;
	char summary[160];
	int found;

	if (val_int(v, 1, LLONG_MAX, &id) != NULL) {
		app_error(a, r, 400);
		return;
	}
	(void)upload_expire(a->db);	/* they hold names and addresses */
	if ((found = upload_get(a->db, id, cx->me.id, &up)) < 0) {
		app_error(a, r, 500);
		return;
	}
	found = found == 0;
	m = ui_model(a, r);
	root = tm_root(m);
	import_choices(a, r, root, found ? up.charset : "auto", found ?
	    up.source : "update_service");
	if (!found) {
		tm_str(root, "error", i18n_msg(a->msgs, r->lang, "import.expired"));
		ui_page(a, r, 410, "import.xhtml", m);
		return;
	}
	if (import_check(a, r, &im, up.data, up.len, up.charset,
	    up.source) != 0 ||
	    (im.bad > 0 && kv_get(&r->form, "apply_valid") == NULL)) {
		if (im.error[0] == '\0')
			tm_str(root, "error", i18n_msg(a->msgs, r->lang,
			    "import.bad_rows"));
		else
			tm_str(root, "error", im.error);
		import_report(root, &im);
		tm_int(root, "upload", id);
		cimport_free(&im);
		upload_free(&up);
		ui_page(a, r, 422, "import.xhtml", m);
		return;
	}
	/* the changes, the file's removal and the audit row: one transaction */
	if (db_begin(a->db) != 0 || cimport_apply(a->db, &im) != 0) {
		db_rollback(a->db);
		upload_free(&up);
		tm_str(root, "error", im.error[0] ? im.error : i18n_msg(a->msgs,
		    r->lang, "error.500.title"));
		import_report(root, &im);
		cimport_free(&im);
		ui_page(a, r, 500, "import.xhtml", m);
		return;
	}
	snprintf(summary, sizeof(summary), "updates: %ld applied, %ld bad rows "
	    "left out, source %s", im.applied, im.bad, up.source);
	upload_free(&up);
	if (upload_drop(a->db, id) != 0 || ui_event(a, r, &cx->me,
	    "customer.import_updates", "customer", 0, summary) != 0 ||
	    db_commit(a->db) != 0) {
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
