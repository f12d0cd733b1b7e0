/* notice.c — rekisteri notice: import a text into the draft, publish, discard, list, export as static files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>

#include <sqlite3.h>

#include "authority.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "notice.h"
#include "view_notice.h"
#include "notice_check.h"
#include "notice_edit.h"
#include "notice_rules.h"
#include "tmpl.h"

#include "cli.h"

/* Each line of report on standard error as a warning. */
static void
warn_lines(const struct buf *report)
{
	const char *line = report->data, *end;

	for (; line != NULL && (end = strchr(line, '\n')) != NULL;
	    line = end + 1)
		fprintf(stderr, "rekisteri: warning: %.*s\n", (int)(end - line),
		    line);
}

/*
 * A warning on standard error for each place where text gives the
 * supervisory authority an address it no longer has (notice_check.h):
 * a notice must name where to complain (GDPR Art. 13(2)(d), Art. 77).
 * Never an error: the import goes on. Returns the number of findings.
 */
static int
warn_authority(const struct cli *c, const char *text, size_t len,
    const char *where)
{
	struct buf rep = BUF_INIT;
	struct authority *a;
	char err[1024];
	int n;

	if ((a = authority_load_conf(&c->conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: warning: the Ombudsman's address in "
		    "the text was not checked: %s\n", err);
		return 0;
	}
	n = notice_check_authority(a, text, len, where, &rep);
	warn_lines(&rep);
	if (n > 0)
		fprintf(stderr, "rekisteri: warning: correct the text (the "
		    "current details are in %s/%s)\n", c->conf.data,
		    AUTHORITY_FILE);
	buf_free(&rep);
	authority_free(a);
	return n;
}

void
check_stored_notice(const struct cli *c, const struct authority *a)
{
	struct buf rep = BUF_INIT;
	char err[1024];
	sqlite3 *db;
	int n = 0, k;

	if ((db = db_open(c->conf.db_path, DB_READONLY, err, sizeof(err))) ==
	    NULL) {
		printf("the notice was not checked: %s\n", err);
		return;
	}
	for (int draft = 0; draft <= 1 && n >= 0; draft++) {
		if ((k = notice_check_stored(db, draft, a, &rep)) < 0) {
			printf("the notice was not checked: %s\n",
			    sqlite3_errmsg(db));
			n = -1;
		} else
			n += k;
	}
	db_close(db);
	warn_lines(&rep);
	if (n > 0)
		fprintf(stderr, "rekisteri: warning: the notice gives the "
		    "supervisory authority an address it no longer has: correct the "
		    "section in the draft and publish it\n");
	else if (n == 0)
		printf("the notice (newest version and draft) gives no former "
		    "address of the supervisory authority\n");
	buf_free(&rep);
}

static int
notice_import_cmd(struct cli *c, int argc, char **argv)
{
	struct notice_doc doc;
	struct buf report = BUF_INIT;
	const char *file = NULL;
	char err[1024], *text;
	size_t len = 0;
	sqlite3 *db;
	int lang = LANG_FI, rc = EXIT_FAIL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			if ((lang = lang_parse(argv[++i])) < 0) {
				fprintf(stderr, "rekisteri: --lang is fi or en\n");
				return EXIT_USAGE;
			}
		} else if (file == NULL && (argv[i][0] != '-' ||
		    strcmp(argv[i], "-") == 0))
			file = argv[i];
		else
			return EXIT_USAGE;
	}
	if (file == NULL)
		return EXIT_USAGE;
	if ((text = slurp(file, (size_t)4 << 20, &len)) == NULL) {
		fprintf(stderr, "rekisteri: %s: %s\n", file, strerror(errno));
		return EXIT_FAIL;
	}
	if (notice_parse(text, len, (enum lang)lang, &doc, &report, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s: %s\n", file, err);
		goto out;
	}
	if ((db = open_db(c)) == NULL)
		goto out;
	if (notice_import(db, &doc, (enum lang)lang, c->conf.controller_address,
	    &report, err, sizeof(err)) != 0)
		fprintf(stderr, "rekisteri: import failed, nothing changed: %s\n",
		    err);
	else {
		audit_cli(db, "notice.import", "notice", "draft", lang_codes[lang]);
		printf("%s: imported into the draft as %s: \"%s\", drawn up %s, "
		    "%zu sections\n", file, lang_codes[lang], doc.title,
		    doc.drawn_up, doc.n);
		printf("controller: %s%s%s%s%s\n", doc.controller_name,
		    *doc.controller_phone ? ", " : "", doc.controller_phone,
		    *doc.controller_email ? ", " : "", doc.controller_email);
		for (size_t i = 0; i < doc.n; i++)
			printf("  %2zu. %s  (#%s)\n", i + 1, doc.s[i].title,
			    doc.s[i].anchor);
		if (report.len > 0)
			printf("Notes:\n%s", report.data);
		(void)warn_authority(c, text, len, file);
		rc = EXIT_OK;
	}
	db_close(db);
	notice_doc_free(&doc);
out:
	buf_free(&report);
	free(text);
	return rc;
}

static int
write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "rekisteri: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "rekisteri: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Render template name for lang with model m into DIR/file. */
static int
export_page(const struct tmpl_set *set, const char *name, enum lang lang,
    struct tmpl_model *m, const char *dir, const char *file)
{
	const struct tmpl *t = tmpl_get(set, name, lang);
	struct tmpl_map *root = tm_root(m);
	struct buf out = BUF_INIT;
	int rc;

	tm_str(root, "lang", lang_codes[lang]);
	tm_str(root, "lang_other", lang_codes[lang == LANG_FI ? LANG_EN : LANG_FI]);
	tmpl_render(t, root, &out);
	rc = write_file(dir, file, out.data, out.len);
	buf_free(&out);
	return rc;
}

static const char export_apache[] =
    "# Serve the exported privacy notice at %1$s/ (rekisteri notice export).\n"
    "# Include this in the virtual host; mod_alias and mod_headers needed.\n"
    "Alias %1$s/ \"%2$s/\"\n"
    "RedirectMatch 302 ^%1$s/?$ %1$s/notice.fi.html\n"
    "<Directory \"%2$s\">\n"
    "\tRequire all granted\n"
    "\tOptions None\n"
    "\tAddType \"text/html; charset=utf-8\" .html\n"
    "\tAddType \"text/css; charset=utf-8\" .css\n"
    "\tAddType application/json .json\n"
    "\tHeader always set X-Content-Type-Options \"nosniff\"\n"
    "\tHeader always set Referrer-Policy \"same-origin\"\n"
    "\tHeader always set Content-Security-Policy \"default-src 'none'; "
    "style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri "
    "'none'; frame-ancestors 'none'\"\n"
    "\t<FilesMatch \"\\.json$\">\n"
    "\t\tHeader set Access-Control-Allow-Origin \"*\"\n"
    "\t</FilesMatch>\n"
    "</Directory>\n";

static const char export_nginx[] =
    "# Serve the exported privacy notice at %1$s/ (rekisteri notice export).\n"
    "# Include this in the server block.\n"
    "location = %1$s/ { return 302 %1$s/notice.fi.html; }\n"
    "location %1$s/ {\n"
    "\talias %2$s/;\n"
    "\ttypes {\n"
    "\t\ttext/html html;\n"
    "\t\ttext/css css;\n"
    "\t\tapplication/json json;\n"
    "\t}\n"
    "\tcharset utf-8;\n"
    "\tcharset_types text/html text/css;\n"
    "\tadd_header X-Content-Type-Options \"nosniff\" always;\n"
    "\tadd_header Referrer-Policy \"same-origin\" always;\n"
    "\tadd_header Content-Security-Policy \"default-src 'none'; style-src "
    "'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'\" always;\n"
    "}\n";

/*
 * The pages of language l for versions 1..latest into absdir: each
 * version's page (the newest also as notice.LANG.html) and print
 * stylesheet, then the list of versions, with links as urls says. Adds
 * the files written to *files. 0, or -1 (an unreadable version said on
 * stderr).
 */
static int
export_lang(const struct tmpl_set *set, const struct authority *auth,
    const struct i18n *msgs, const struct notice_urls *urls, enum lang l,
    int latest, const char *absdir, int *files)
{
	struct tmpl_model *m;
	struct buf b = BUF_INIT;
	char name[128];
	int rc = -1;

	for (int n = 1; n <= latest; n++) {
		int copies = n == latest ? 2 : 1;	/* the newest twice */

		for (int as_latest = 0; as_latest < copies; as_latest++) {
			m = tm_new();
			if (notice_fill(n, l, tm_root(m)) != 0) {
				tm_free(m);
				fprintf(stderr, "rekisteri: version %d is "
				    "unreadable\n", n);
				goto out;
			}
			notice_links(tm_root(m), urls, l, n, latest);
			authority_fill(auth, l, tm_map(tm_root(m), "authority"));
			if (as_latest)
				snprintf(name, sizeof(name), "notice.%s.html",
				    lang_codes[l]);
			else
				snprintf(name, sizeof(name), "notice-v%d.%s.html",
				    n, lang_codes[l]);
			if (export_page(set, "notice.xhtml", l, m, absdir,
			    name) != 0) {
				tm_free(m);
				goto out;
			}
			tm_free(m);
			(*files)++;
		}
		buf_reset(&b);
		if (notice_print_css(n, l, i18n_msg(msgs, l, "notice.page_of"),
		    &b) != 0)
			goto out;
		snprintf(name, sizeof(name), "print-v%d.%s.css", n,
		    lang_codes[l]);
		if (write_file(absdir, name, b.data, b.len) != 0)
			goto out;
		(*files)++;
	}
	m = tm_new();
	notice_fill_versions(urls, l, tm_root(m));
	notice_links(tm_root(m), urls, l, 0, latest);
	snprintf(name, sizeof(name), "versions.%s.html", lang_codes[l]);
	if (export_page(set, "notice-versions.xhtml", l, m, absdir,
	    name) != 0) {
		tm_free(m);
		goto out;
	}
	tm_free(m);
	(*files)++;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/*
 * rekisteri notice export DIR [--prefix /PATH]: every published version in
 * both languages as static files whose links point at each other under
 * PATH (default /notice-static), plus web-server snippets to serve them.
 */
static int
notice_export_cmd(struct cli *c, int argc, char **argv)
{
	const struct notice_urls u = { 1, NULL };
	struct notice_urls urls = u;
	const char *dir = NULL, *prefix = "/notice-static";
	struct authority *auth = NULL;
	struct i18n *msgs = NULL;
	struct tmpl_set *set = NULL;
	struct buf b = BUF_INIT;
	char err[1024], name[128], absdir[4096];
	sqlite3 *db = NULL;
	int latest, rc = EXIT_FAIL, files = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (dir == NULL && argv[i][0] != '-')
			dir = argv[i];
		else
			return EXIT_USAGE;
	}
	if (dir == NULL || prefix[0] != '/' || strpbrk(prefix, " \"'<>?#\\") ||
	    prefix[strlen(prefix) - 1] == '/')
		return EXIT_USAGE;
	urls.prefix = prefix;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	fmt_init();
	if ((auth = authority_load_conf(&c->conf, err, sizeof(err))) == NULL ||
	    (msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL ||
	    (set = tmpl_load(c->conf.templates, msgs, err, sizeof(err))) == NULL ||
	    (db = db_open(c->conf.db_path, DB_READONLY, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	if (notice_prepare(db) != 0 || (latest = notice_latest()) < 0) {
		fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	if (latest == 0) {
		fprintf(stderr, "rekisteri: no version is published yet\n");
		goto out;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "rekisteri: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (realpath(dir, absdir) == NULL) {
		fprintf(stderr, "rekisteri: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	for (int l = 0; l < LANG__MAX; l++)
		if (export_lang(set, auth, msgs, &urls, (enum lang)l, latest,
		    absdir, &files) != 0)
			goto out;
	for (int n = 1; n <= latest; n++) {
		buf_reset(&b);
		if (notice_json(n, &b) != 0)
			goto out;
		buf_addc(&b, '\n');
		snprintf(name, sizeof(name), "notice-v%d.json", n);
		if (write_file(absdir, name, b.data, b.len) != 0 ||
		    (n == latest && write_file(absdir, "notice.json", b.data,
		    b.len) != 0))
			goto out;
		files += 1 + (n == latest);
	}
	buf_reset(&b);
	buf_addf(&b, export_apache, prefix, absdir);
	if (write_file(absdir, "apache.conf", b.data, b.len) != 0)
		goto out;
	buf_reset(&b);
	buf_addf(&b, export_nginx, prefix, absdir);
	if (write_file(absdir, "nginx.conf", b.data, b.len) != 0)
		goto out;
	printf("%s: %d files for %d version%s; serve them at %s/ with %s/apache.conf "
	    "or %s/nginx.conf\n", absdir, files, latest, latest == 1 ? "" : "s",
	    prefix, absdir, absdir);
	printf("The pages use /static/rekisteri.css and link to /request, as "
	    "the live site does.\n");
	rc = EXIT_OK;
out:
	buf_free(&b);
	if (db != NULL) {
		notice_finalize();
		db_close(db);
	}
	tmpl_free(set);
	i18n_free(msgs);
	authority_free(auth);
	return rc;
}

/*
 * rekisteri notice check [--draft]: the problems of the newest published
 * version (or the draft) in both languages, one a line on standard output
 * (notice_rules.h; no personal data), in English. Exit 1 when any remains,
 * or when there is no such version.
 */
static int
notice_check_cmd(struct cli *c, int argc, char **argv)
{
	struct nr_list l;
	struct buf out = BUF_INIT;
	struct authority *a;
	char err[1024];
	sqlite3 *db;
	int draft = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--draft") != 0)
			return EXIT_USAGE;
		draft = 1;
	}
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	if ((a = authority_load_conf(&c->conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	if ((db = db_open(c->conf.db_path, DB_READONLY, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		authority_free(a);
		return EXIT_FAIL;
	}
	rc = notice_review(db, draft, a, &l);
	if (rc < 0)
		fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
	else if (rc > 0)
		fprintf(stderr, "rekisteri: there is no %s to check\n", draft ?
		    "draft" : "published version");
	else {
		nr_list_text(&l, LANG_EN, &out);
		fputs(buf_cstr(&out), stdout);
		if (l.n > 0)
			printf("%zu problem%s in the %s: correct the text, or "
			    "publish knowingly (the editor asks to confirm)\n",
			    l.n, l.n == 1 ? "" : "s", draft ? "draft" :
			    "published notice");
		else
			printf("no problems found in the %s\n", draft ? "draft" :
			    "published notice");
		rc = l.n > 0;
		nr_list_free(&l);
	}
	buf_free(&out);
	db_close(db);
	authority_free(a);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

int
cmd_notice(struct cli *c, int argc, char **argv)
{
	char err[1024];
	sqlite3 *db;
	int number, rc = EXIT_FAIL;

	if (argc < 2)
		return EXIT_USAGE;
	if (strcmp(argv[1], "import") == 0)
		return notice_import_cmd(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return notice_export_cmd(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return notice_check_cmd(c, argc - 1, argv + 1);
	if (argc != 2)
		return EXIT_USAGE;
	if (strcmp(argv[1], "publish") == 0) {
		if ((db = open_db(c)) == NULL)
			return EXIT_FAIL;
		if (notice_publish(db, &number, err, sizeof(err)) != 0)
			fprintf(stderr, "rekisteri: not published: %s\n", err);
		else {
			char v[16];

			snprintf(v, sizeof(v), "%d", number);
			audit_cli(db, "notice.publish", "notice", v, "");
			printf("published the draft as version %d\n", number);
			rc = EXIT_OK;
		}
		db_close(db);
		return rc;
	}
	if (strcmp(argv[1], "discard") == 0) {
		if ((db = open_db(c)) == NULL)
			return EXIT_FAIL;
		if (notice_discard_draft(db, err, sizeof(err)) != 0)
			fprintf(stderr, "rekisteri: %s\n", err);
		else {
			audit_cli(db, "notice.discard", "notice", "draft", "");
			printf("the draft is gone\n");
			rc = EXIT_OK;
		}
		db_close(db);
		return rc;
	}
	if (strcmp(argv[1], "list") == 0) {
		sqlite3_stmt *st;

		if ((db = open_db(c)) == NULL)
			return EXIT_FAIL;
		if (sqlite3_prepare_v2(db, "SELECT coalesce(number, 0), drawn_up,"
		    " coalesce(published_at, '-') FROM notice_versions"
		    " ORDER BY number IS NULL, number", -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
			db_close(db);
			return EXIT_FAIL;
		}
		printf("%-8s %-11s %s\n", "version", "drawn up", "published (UTC)");
		while (sqlite3_step(st) == SQLITE_ROW) {
			int n = sqlite3_column_int(st, 0);

			if (n == 0)
				printf("%-8s ", "draft");
			else
				printf("%-8d ", n);
			printf("%-11s %s\n", sqlite3_column_text(st, 1),
			    sqlite3_column_text(st, 2));
		}
		sqlite3_finalize(st);
		db_close(db);
		return EXIT_OK;
	}
	return EXIT_USAGE;
}
