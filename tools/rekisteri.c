/*
 * rekisteri — the command line: set-up and batch work on the register.
 *
 *   rekisteri [-c CONFIG] COMMAND [ARGS...]
 *
 * Exit status: 0 ok, 1 failure, 2 usage (rekisteri(1)).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "conf.h"
#include "db.h"
#include "i18n.h"
#include <termios.h>

#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "customer.h"
#include "log.h"
#include "fmt.h"
#include "notice.h"
#include "notice_edit.h"
#include "tmpl.h"

#include "cli.h"

struct command {
	const char	*name;
	const char	*args;
	const char	*help;
	int		(*fn)(struct cli *, int, char **);
};

static int cmd_init(struct cli *, int, char **);
static int cmd_check(struct cli *, int, char **);
static int cmd_help(struct cli *, int, char **);
static int cmd_notice(struct cli *, int, char **);
static int cmd_user(struct cli *, int, char **);
static int cmd_audit(struct cli *, int, char **);

static const struct command commands[] = {
	{ "init", "", "create the database or bring it up to date "
	    "(runs the migrations in sql/)", cmd_init },
	{ "check", "", "load the config, messages and every template; "
	    "report the first problem with file and line", cmd_check },
	{ "notice", "import FILE [--lang fi|en] | publish | discard | list | "
	    "export DIR [--prefix /PATH]",
	    "the privacy notice: import a text into the draft, publish the "
	    "draft, drop it, list versions, write them as static files",
	    cmd_notice },
	{ "user", "add NAME --role admin|handler|auditor [--nda YYYY-MM-DD] "
	    "[--name TEXT] [--password-stdin | --generate] | passwd NAME "
	    "[--password-stdin | --generate] | disable NAME | enable NAME | "
	    "nda NAME YYYY-MM-DD | list",
	    "staff accounts: add, set a password, disable, enable, record the "
	    "NDA date, list", cmd_user },
	{ "customer", "demo N | import FILE | import-updates FILE "
	    "[--apply | --apply-valid] [--encoding auto|utf-8|iso-8859-1] "
	    "[--source NAME] | export FILE [--q WORDS] [--postal PREFIX]",
	    "customers: invented demo records; CSV import of new records or of "
	    "name and address updates (a dry run unless --apply); CSV export "
	    "(docs/csv.md)", cmd_customer },
	{ "keygen", "", "make the register's first ticket-signing key (refused "
	    "when there is one)", cmd_keygen },
	{ "key", "rotate | show [ID] | list",
	    "ticket-signing keys: make a new current key (older public keys "
	    "are kept), show the current one (or ID) as PEM with its "
	    "fingerprint, list them all", cmd_key },
	{ "ticket", "verify CODE|-",
	    "check a ticket code (- reads it from standard input): valid with "
	    "its number, time and types, or invalid (exit 1)", cmd_ticket },
	{ "audit", "verify",
	    "check the audit log's hash chain; names the first row that was "
	    "edited, inserted or deleted", cmd_audit },
	{ "help", "", "show this help", cmd_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: rekisteri [-c CONFIG] COMMAND [ARGS...]\n\n"
	    "The config file is CONFIG, else $REKISTERI_CONF, else "
	    "/etc/rekisteri.conf.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n  %-8s %s\n", commands[i].name,
		    commands[i].help, "", commands[i].args);
	fprintf(f, "\nExit status: 0 ok, 1 failure, 2 usage. "
	    "See rekisteri(1).\n");
}

int
load_conf(struct cli *c)
{
	char err[512];

	if (conf_load(&c->conf, c->conf_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return -1;
	}
	return 0;
}

/* Create the folder that will hold path, like mkdir -p on its dirname. */
static int
make_parent(const char *path)
{
	char dir[4096], *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
cmd_init(struct cli *c, int argc, char **argv)
{
	char err[1024];
	sqlite3 *db;
	int n;

	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	/* the database, its folder and the key: private to their owner (#18) */
	umask(077);
	if (make_parent(c->conf.db_path) != 0) {
		fprintf(stderr, "rekisteri: cannot create the folder for %s: %s\n",
		    c->conf.db_path, strerror(errno));
		return EXIT_FAIL;
	}
	if ((db = db_open(c->conf.db_path, DB_CREATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	n = db_migrate(db, c->conf.sql, stdout, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "rekisteri: migration failed, the database is "
		    "as it was before it: %s\n", err);
		db_close(db);
		return EXIT_FAIL;
	}
	printf("%s: schema version %d (%d migration%s applied)\n",
	    c->conf.db_path, db_version(db), n, n == 1 ? "" : "s");
	/* the key that seals second-factor secrets, and secrets from before it */
	if ((n = totp_key_make(c->conf.key_dir, err, sizeof(err))) < 0 ||
	    totp_key_load(c->conf.key_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		db_close(db);
		return EXIT_FAIL;
	}
	if (n == 1)
		printf("%s/totp.key: made (it seals second-factor secrets)\n",
		    c->conf.key_dir);
	if ((n = totp_seal_all(db)) < 0) {
		fprintf(stderr, "rekisteri: sealing second-factor secrets failed\n");
		db_close(db);
		return EXIT_FAIL;
	}
	if (n > 0)
		printf("%d second-factor secret%s sealed\n", n, n == 1 ? "" : "s");
	db_close(db);
	return EXIT_OK;
}

static int
cmd_check(struct cli *c, int argc, char **argv)
{
	char err[1024];
	struct i18n *msgs;
	struct tmpl_set *t;

	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	if ((msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	if ((t = tmpl_load(c->conf.templates, msgs, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		i18n_free(msgs);
		return EXIT_FAIL;
	}
	printf("%s: configuration, messages and templates are valid\n",
	    c->conf.file);
	tmpl_free(t);
	i18n_free(msgs);
	return EXIT_OK;
}

/* Open the configured database read-write, for commands that change it. */
sqlite3 *
open_db(struct cli *c)
{
	char err[1024];
	sqlite3 *db;

	if (load_conf(c) != 0)
		return NULL;
	if ((db = db_open(c->conf.db_path, DB_READWRITE, err, sizeof(err))) ==
	    NULL)
		fprintf(stderr, "rekisteri: %s%s\n", err,
		    access(c->conf.db_path, F_OK) != 0 ?
		    " (run rekisteri init first)" : "");
	return db;
}

char *
slurp(const char *path, size_t max, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	int err;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= max)
		buf_add(&b, chunk, n);
	err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err || b.len > max) {
		buf_free(&b);
		errno = err ? EIO : EFBIG;
		return NULL;
	}
	*len = b.len;
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_take(&b);
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
	if ((msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL ||
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
	for (int l = 0; l < LANG__MAX; l++) {
		struct tmpl_model *m;

		for (int n = 1; n <= latest; n++) {
			int copies = n == latest ? 2 : 1;	/* the newest twice */

			for (int as_latest = 0; as_latest < copies; as_latest++) {
				m = tm_new();
				if (notice_fill(n, (enum lang)l, tm_root(m)) != 0) {
					tm_free(m);
					fprintf(stderr, "rekisteri: version %d is "
					    "unreadable\n", n);
					goto out;
				}
				notice_links(tm_root(m), &urls, (enum lang)l, n, latest);
				if (as_latest)
					snprintf(name, sizeof(name), "notice.%s.html",
					    lang_codes[l]);
				else
					snprintf(name, sizeof(name), "notice-v%d.%s.html",
					    n, lang_codes[l]);
				if (export_page(set, "notice.xhtml", (enum lang)l, m,
				    absdir, name) != 0) {
					tm_free(m);
					goto out;
				}
				tm_free(m);
				files++;
			}
			buf_reset(&b);
			if (notice_print_css(n, (enum lang)l, i18n_msg(msgs,
			    (enum lang)l, "notice.page_of"), &b) != 0)
				goto out;
			snprintf(name, sizeof(name), "print-v%d.%s.css", n,
			    lang_codes[l]);
			if (write_file(absdir, name, b.data, b.len) != 0)
				goto out;
			files++;
		}
		m = tm_new();
		notice_fill_versions(&urls, (enum lang)l, tm_root(m));
		notice_links(tm_root(m), &urls, (enum lang)l, 0, latest);
		snprintf(name, sizeof(name), "versions.%s.html", lang_codes[l]);
		if (export_page(set, "notice-versions.xhtml", (enum lang)l, m,
		    absdir, name) != 0) {
			tm_free(m);
			goto out;
		}
		tm_free(m);
		files++;
	}
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
	return rc;
}

static int
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

/* The command line as the actor of an account operation (lib/account.c). */
const struct auth_actor cli_actor = { 0, "", "cli" };

/* Log a command-line admin action; the CLI is the machine's own operator. */
void
audit_cli(sqlite3 *db, const char *action, const char *type, const char *id,
    const char *summary)
{
	struct audit_entry e = { 0, "", "cli", action, type, id, summary };

	if (audit_append(db, &e) != 0)
		fprintf(stderr, "rekisteri: warning: the audit log could not be "
		    "written: %s\n", sqlite3_errmsg(db));
}

/*
 * Read a password: from standard input (one line) with --password-stdin,
 * else twice from the terminal without echo. 0, or -1 with a message.
 */
static int
read_password(int from_stdin, char *pw, size_t len)
{
	char again[AUTH_PW_MAX + 2];
	struct termios old, quiet;
	FILE *tty, *out;
	int rc = -1;

	if (from_stdin) {
		if (fgets(pw, (int)len, stdin) == NULL) {
			fprintf(stderr, "rekisteri: no password on standard input\n");
			return -1;
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		return 0;
	}
	/* separate streams: reading and writing one stream needs repositioning */
	if ((tty = fopen("/dev/tty", "r")) == NULL ||
	    (out = fopen("/dev/tty", "w")) == NULL) {
		if (tty != NULL)
			fclose(tty);
		fprintf(stderr, "rekisteri: no terminal to ask on: use "
		    "--password-stdin or --generate\n");
		return -1;
	}
	if (tcgetattr(fileno(tty), &old) != 0) {
		fclose(tty);
		fclose(out);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("Password: ", out);
	fflush(out);
	if (fgets(pw, (int)len, tty) != NULL) {
		fputs("\nAgain: ", out);
		fflush(out);
		if (fgets(again, sizeof(again), tty) != NULL) {
			pw[strcspn(pw, "\r\n")] = '\0';
			again[strcspn(again, "\r\n")] = '\0';
			rc = strcmp(pw, again) == 0 ? 0 : -2;
		}
	}
	fputs("\n", out);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	fclose(out);
	sodium_memzero(again, sizeof(again));
	if (rc == -2)
		fprintf(stderr, "rekisteri: the passwords differ\n");
	return rc == 0 ? 0 : -1;
}

/* A password from the options: generated, stdin or terminal, then the policy. */
static int
get_password(struct cli *c, int gen, int from_stdin, const char *user,
    char *pw, size_t len, struct i18n *msgs)
{
	const char *why;

	(void)c;
	if (gen) {
		auth_generate_password(pw);
		return 0;
	}
	if (read_password(from_stdin, pw, len) != 0)
		return -1;
	if ((why = auth_password_problem(pw, user)) != NULL) {
		fprintf(stderr, "rekisteri: %s\n", i18n_msg(msgs, LANG_EN, why));
		return -1;
	}
	return 0;
}

static int
cmd_user(struct cli *c, int argc, char **argv)
{
	char err[1024], pw[AUTH_PW_MAX + 2];
	const char *name = NULL, *nda = NULL, *display = NULL, *sub;
	struct i18n *msgs = NULL;
	struct user u;
	sqlite3 *db;
	unsigned role = 0;
	int gen = 0, from_stdin = 0, rc = EXIT_FAIL, i;

	if (argc < 2)
		return EXIT_USAGE;
	sub = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			if ((role = role_parse(argv[++i])) == 0) {
				fprintf(stderr, "rekisteri: the role is admin, "
				    "handler or auditor\n");
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--nda") == 0 && i + 1 < argc)
			nda = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			display = argv[++i];
		else if (strcmp(argv[i], "--generate") == 0)
			gen = 1;
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else if (argv[i][0] != '-' && nda == NULL &&
		    strcmp(sub, "nda") == 0)
			nda = argv[i];
		else
			return EXIT_USAGE;
	}
	if (gen && from_stdin)
		return EXIT_USAGE;
	if (strcmp(sub, "list") == 0) {
		sqlite3_stmt *st;

		if (name != NULL || (db = open_db(c)) == NULL)
			return name != NULL ? EXIT_USAGE : EXIT_FAIL;
		if (sqlite3_prepare_v2(db, "SELECT username, role, coalesce("
		    "nda_signed, '-'), CASE active WHEN 1 THEN 'active' ELSE "
		    "'disabled' END, display_name FROM users ORDER BY username",
		    -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
			db_close(db);
			return EXIT_FAIL;
		}
		printf("%-20s %-8s %-11s %-8s %s\n", "username", "role", "NDA",
		    "state", "name");
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("%-20s %-8s %-11s %-8s %s\n",
			    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
			    sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
			    sqlite3_column_text(st, 4));
		sqlite3_finalize(st);
		db_close(db);
		return EXIT_OK;
	}
	if (name == NULL)
		return EXIT_USAGE;
	if (nda != NULL) {
		struct tm tm;

		if (fmt_parse_date(nda, &tm) != 0) {
			fprintf(stderr, "rekisteri: the NDA date is YYYY-MM-DD, a "
			    "real date\n");
			return EXIT_USAGE;
		}
	}
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if (c->conf.data != NULL) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/common-passwords.txt", c->conf.data);
		if (auth_load_common(path) != 0)
			fprintf(stderr, "rekisteri: warning: %s: %s\n", path,
			    strerror(errno));
	}
	if ((msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	if (strcmp(sub, "add") == 0) {
		sqlite3_int64 id;

		if (role == 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (!auth_username_ok(name)) {
			fprintf(stderr, "rekisteri: a username is 2 to %d of a-z, "
			    "0-9, '.', '_' and '-', starting with a letter\n",
			    AUTH_NAME_MAX);
			goto out;
		}
		if (get_password(c, gen, from_stdin, name, pw, sizeof(pw), msgs) != 0)
			goto out;
		if (account_add(db, &cli_actor, name, display ? display : name,
		    role, nda, pw, 0, &id, err, sizeof(err)) != 0) {
			fprintf(stderr, "rekisteri: %s\n", err);
			goto out;
		}
		printf("added %s (%s)%s\n", name, role_name(role), nda ? "" :
		    "; no NDA date yet, so the user cannot sign in until "
		    "`rekisteri user nda` records it");
		if (gen)
			printf("password: %s\n(shown once; give it to %s in person)\n",
			    pw, name);
		rc = EXIT_OK;
		goto out;
	}
	if (user_by_name(db, name, &u) != 0) {
		fprintf(stderr, "rekisteri: no user %s\n", name);
		goto out;
	}
	{
		if (strcmp(sub, "passwd") == 0) {
			if (get_password(c, gen, from_stdin, name, pw, sizeof(pw),
			    msgs) != 0)
				goto out;
			if (account_set_password(db, &cli_actor, u.id, pw, gen, gen ?
			    "one-time password; change at next sign-in" : "") != 0)
				goto dberr;
			printf("password of %s changed; their sessions ended\n",
			    name);
			if (gen)
				printf("password: %s\n(shown once; %s must change it "
				    "at the next sign-in)\n", pw, name);
		} else if (strcmp(sub, "disable") == 0 ||
		    strcmp(sub, "enable") == 0) {
			int on = strcmp(sub, "enable") == 0;

			if (account_set_active(db, &cli_actor, u.id, on) != 0)
				goto dberr;
			printf("%s is %s\n", name, on ? "enabled" : "disabled; "
			    "their sessions ended");
		} else if (strcmp(sub, "nda") == 0 && nda != NULL) {
			if (account_set_nda(db, &cli_actor, u.id, nda) != 0) {
				fprintf(stderr, "rekisteri: the NDA date cannot be "
				    "in the future\n");
				goto out;
			}
			printf("%s signed the NDA on %s\n", name, nda);
		} else {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	rc = EXIT_OK;
	goto out;
dberr:
	fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
out:
	sodium_memzero(pw, sizeof(pw));
	i18n_free(msgs);
	auth_free_common();
	db_close(db);
	return rc;
}

static int
cmd_audit(struct cli *c, int argc, char **argv)
{
	char why[512];
	sqlite3_int64 rows = 0, bad;
	sqlite3 *db;

	if (argc != 2 || strcmp(argv[1], "verify") != 0)
		return EXIT_USAGE;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	if ((db = db_open(c->conf.db_path, DB_READONLY, why, sizeof(why))) ==
	    NULL) {
		fprintf(stderr, "rekisteri: %s\n", why);
		return EXIT_FAIL;
	}
	bad = audit_verify(db, &rows, why, sizeof(why));
	db_close(db);
	if (bad < 0) {
		fprintf(stderr, "rekisteri: cannot read the audit log\n");
		return EXIT_FAIL;
	}
	if (bad > 0) {
		printf("the audit log has been tampered with: %s\n", why);
		return EXIT_FAIL;
	}
	printf("the audit log is intact: %lld rows\n", (long long)rows);
	return EXIT_OK;
}

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	log_init("rekisteri");
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	while ((ch = getopt(argc, argv, "+c:h")) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "rekisteri: libsodium failed to initialise\n");
		return EXIT_FAIL;
	}
	xmlInitParser();
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		rc = commands[i].fn(&c, argc, argv);
		if (rc == EXIT_USAGE)
			fprintf(stderr, "usage: rekisteri %s %s\n",
			    commands[i].name, commands[i].args);
		conf_free(&c.conf);
		return rc;
	}
	fprintf(stderr, "rekisteri: unknown command %s\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}
