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
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "conf.h"
#include "db.h"
#include "i18n.h"
#include <termios.h>

#include "audit.h"
#include "authority.h"
#include "auth.h"
#include "buf.h"
#include "customer.h"
#include "log.h"
#include "perms.h"
#include "fmt.h"
#include "forget.h"
#include "retention_class.h"
#include "tmpl.h"

#include "cli.h"

struct command {
	const char	*name;
	const char	*help;	/* what it is for; its usage is in usage.c */
	int		(*fn)(struct cli *, int, char **);
};

static int cmd_init(struct cli *, int, char **);
static int cmd_check(struct cli *, int, char **);
static int cmd_help(struct cli *, int, char **);
static int cmd_user(struct cli *, int, char **);
static int cmd_audit(struct cli *, int, char **);

static const struct command commands[] = {
	{ "init", "create the database or bring it up to date", cmd_init },
	{ "check", "check the config, messages, templates and dated facts, "
	    "and the intake of requests", cmd_check },
	{ "notice", "the privacy notice: import a text into the draft, "
	    "publish the draft, drop it, list versions, write them as static "
	    "files, check it before publishing", cmd_notice },
	{ "user", "staff accounts: add, set a password, disable, enable, "
	    "record the NDA date, list", cmd_user },
	{ "customer", "customers: invented demo records; CSV import of new "
	    "records or of name and address updates (a dry run unless "
	    "--apply); CSV export (docs/csv.md); a customer's access report and "
	    "portability file; erasure or anonymisation within the legal holds",
	    cmd_customer },
	{ "keygen", "make the register's first ticket-signing key",
	    cmd_keygen },
	{ "key", "ticket-signing keys: rotate, show, list", cmd_key },
	{ "ticket", "check a ticket code offline", cmd_ticket },
	{ "request", "data-subject requests: list them, or the open or "
	    "overdue ones", cmd_request },
	{ "audit", "check the audit log's hash chain", cmd_audit },
	{ "mail", "the outbox: deliver the mail that is due, retrying what "
	    "failed", cmd_mail },
	{ "digest", "mail the contact person a daily summary of the requests",
	    cmd_digest },
	{ "retention", "remove what is past its retention period, by class "
	    "(a dry run unless --apply)", cmd_retention },
	{ "backup", "an online copy of the database, optionally encrypted",
	    cmd_backup },
	{ "restore", "restore a backup after checking it whole", cmd_restore },
	{ "help", "show this help, or a command's usage and options",
	    cmd_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: rekisteri [-c CONFIG] COMMAND [ARGS...]\n"
	    "       rekisteri COMMAND --help | rekisteri help COMMAND "
	    "[SUBCOMMAND]\n\nThe config file is CONFIG, else $REKISTERI_CONF, "
	    "else /etc/rekisteri.conf.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
		usage_subcommands(f, "            ", commands[i].name);
	}
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
	retention_configure(&c->conf);
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
	/* the key of the suppression list and the erasure ledger (#14) */
	if ((n = forget_key_make(c->conf.key_dir, err, sizeof(err))) < 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		db_close(db);
		return EXIT_FAIL;
	}
	if (n == 1)
		printf("%s/" FORGET_KEY_FILE ": made (it keys the suppression "
		    "list and the erasure ledger)\n", c->conf.key_dir);
	{
		char ledger[4096];

		if (forget_ledger_path(&c->conf, ledger, sizeof(ledger)) != 0 ||
		    forget_ledger_init(ledger) != 0) {
			fprintf(stderr, "rekisteri: the erasure ledger %s: %s\n",
			    ledger, strerror(errno));
			db_close(db);
			return EXIT_FAIL;
		}
	}
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

/* Today in Helsinki as YYYY-MM-DD, or the --today given (a real date); 0 or -1. */
static int
today_iso(const char *given, char today[11])
{
	struct tm tm;
	time_t now;

	if (given != NULL) {
		if (fmt_parse_date(given, &tm) != 0)
			return -1;
		memcpy(today, given, 11);
		return 0;
	}
	fmt_init();
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(today, 11, "%Y-%m-%d", &tm) != 10)
		return -1;
	return 0;
}

/* The time check judges the intake at: now, or noon in Helsinki of the day given (a valid date). */
static time_t
check_time(const char *given)
{
	struct tm tm;

	fmt_init();
	if (given == NULL || fmt_parse_date(given, &tm) != 0)
		return time(NULL);
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/*
 * rekisteri check [--today YYYY-MM-DD]: the config, messages, templates and
 * the supervisory authority's details must load (exit 1 naming file and
 * line otherwise). Warnings, which leave the exit status 0: details last
 * checked more than a year ago, and a stored notice that gives the
 * authority a former address (GDPR Art. 13(2)(d), 77). Then the intake
 * health alarm (check_intake, #12): exit 1 with one line per idle request,
 * near or past deadline, or failed mail — the Otavamedia decision (Data
 * Protection Ombudsman, 2022: a request channel that failed silently) and
 * GDPR Art. 12(3). With --today, judged as at noon of that day in Helsinki.
 */
/*
 * The database as the executables find it (#17, docs/faults.md): there,
 * writable with its folder by this user, not readable by others (db_access),
 * its header and schema sound (db_open), then PRAGMA quick_check over every
 * page — too slow for every start of a worker at a million rows, so here.
 * One line on standard output when sound; otherwise the reason and what to
 * do on standard error, and -1.
 */
static int
check_database(struct cli *c)
{
	const char *path = c->conf.db_path;
	struct timespec t0, t1;
	sqlite3_stmt *st = NULL;
	char err[1024];
	sqlite3 *db;
	int rc = SQLITE_DONE, bad = 0;

	if (db_access(path, DB_READWRITE, err, sizeof(err)) != 0 ||
	    (db = db_open(path, DB_READONLY, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(20)", -1, &st, NULL) !=
	    SQLITE_OK) {
		bad = 1;
		fprintf(stderr, "rekisteri: %s: quick_check: %s\n", path,
		    sqlite3_errmsg(db));
	}
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);

		if (row != NULL && strcmp(row, "ok") == 0)
			continue;
		bad = 1;
		fprintf(stderr, "rekisteri: %s: quick_check: ", path);
		for (const char *p = row ? row : "(null)"; *p != '\0'; p++)
			if (*p == '\n')
				fputs("; ", stderr);
			else
				fputc(*p, stderr);
		fputc('\n', stderr);
	}
	if (!bad && rc != SQLITE_DONE) {
		bad = 1;
		fprintf(stderr, "rekisteri: %s: quick_check: %s\n", path,
		    sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	db_close(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (bad) {
		fprintf(stderr, "rekisteri: %s: the database is damaged: stop the "
		    "service and restore the newest good backup (rekisteri restore "
		    "FILE)\n", path);
		return -1;
	}
	printf("%s: the database can be written and passes quick_check "
	    "(%.1f s)\n", path, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static void
perm_problem(const char *path, const char *problem, const char *fix, void *arg)
{
	(void)arg;
	fprintf(stderr, "rekisteri: %s: %s: %s\n", path, problem, fix);
}

/* Owners and modes of the database, the keys and the configuration (perms.h). */
static int
check_perms(struct cli *c)
{
	int found = perms_check(&c->conf, perm_problem, NULL);

	if (found == 0)
		printf("%s, %s: owners and modes keep the data and the keys "
		    "private\n", c->conf.db_path, c->conf.key_dir);
	else
		fprintf(stderr, "rekisteri: %d file(s) with the wrong owner or "
		    "mode (docs/deployment.md \"Files and modes\")\n", found);
	return found;
}

static int
cmd_check(struct cli *c, int argc, char **argv)
{
	char err[1024], today[11], due[11];
	const char *given = NULL;
	struct authority *auth;
	struct i18n *msgs;
	struct tmpl_set *t;
	int found, perms;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--today") == 0 && i + 1 < argc)
			given = argv[++i];
		else
			return EXIT_USAGE;
	}
	if (today_iso(given, today) != 0) {
		fprintf(stderr, "rekisteri: --today is a date, YYYY-MM-DD\n");
		return EXIT_USAGE;
	}
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
	tmpl_free(t);
	if ((auth = authority_load_conf(&c->conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		i18n_free(msgs);
		return EXIT_FAIL;
	}
	printf("%s: configuration, messages and templates are valid\n",
	    c->conf.file);
	authority_due(auth, due);
	printf("%s/%s: the supervisory authority's details, checked %s "
	    "against %s; next check due %s\n", c->conf.data, AUTHORITY_FILE,
	    auth->checked, auth->source, due);
	if (strcmp(today, due) > 0)
		fprintf(stderr, "rekisteri: warning: the supervisory authority's "
		    "details in %s/%s were last checked on %s, more than a year "
		    "before %s: check them against %s and set checked=\"%s\" "
		    "(docs/facts.md)\n", c->conf.data, AUTHORITY_FILE,
		    auth->checked, today, auth->source, today);
	perms = check_perms(c);
	if (check_database(c) != 0) {
		authority_free(auth);
		i18n_free(msgs);
		return EXIT_FAIL;
	}
	check_stored_notice(c, auth);
	authority_free(auth);
	found = check_intake(c, msgs, check_time(given));
	i18n_free(msgs);
	return found == 0 && perms == 0 ? EXIT_OK : EXIT_FAIL;
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
		fprintf(stderr, "rekisteri: %s\n", err);
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
	struct stat st;

	if (f == NULL)
		return NULL;
	/* a file known too large is refused before a byte is read */
	if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > (unsigned long long)max) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
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

/* rekisteri user's subcommand, options and arguments. */
struct user_args {
	const char	*sub;		/* add, passwd, disable, enable, nda, list */
	const char	*name;		/* the username, or NULL */
	const char	*nda;		/* --nda or nda's date, or NULL */
	const char	*display;	/* --name, or NULL */
	unsigned	 role;		/* --role, 0 when not given */
	int		 gen;		/* --generate */
	int		 from_stdin;	/* --password-stdin */
};

/*
 * Read rekisteri user's argv[1..argc) (argc >= 2: argv[1] is the
 * subcommand) into *a. 0, or -1 for a usage error (a bad role said on
 * stderr).
 */
static int
user_args_read(int argc, char **argv, struct user_args *a)
{
	memset(a, 0, sizeof(*a));
	a->sub = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			if ((a->role = role_parse(argv[++i])) == 0) {
				fprintf(stderr, "rekisteri: the role is admin, "
				    "handler or auditor\n");
				return -1;
			}
		} else if (strcmp(argv[i], "--nda") == 0 && i + 1 < argc)
			a->nda = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			a->display = argv[++i];
		else if (strcmp(argv[i], "--generate") == 0)
			a->gen = 1;
		else if (strcmp(argv[i], "--password-stdin") == 0)
			a->from_stdin = 1;
		else if (argv[i][0] != '-' && a->name == NULL)
			a->name = argv[i];
		else if (argv[i][0] != '-' && a->nda == NULL &&
		    strcmp(a->sub, "nda") == 0)
			a->nda = argv[i];
		else
			return -1;
	}
	if (a->gen && a->from_stdin)
		return -1;
	return 0;
}

/* rekisteri user list: every account on a line of its own. An exit status. */
static int
user_list_cmd(struct cli *c)
{
	sqlite3_stmt *st;
	sqlite3 *db;

	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
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

/*
 * rekisteri user add NAME --role ROLE: the account a asks for, in db, its
 * password from the options into pw (pwlen bytes; the caller wipes it),
 * the policy's messages from msgs. An exit status; problems on stderr.
 */
static int
user_add_cmd(struct cli *c, sqlite3 *db, struct i18n *msgs,
    const struct user_args *a, char *pw, size_t pwlen)
{
	sqlite3_int64 id;
	char err[1024];

	if (a->role == 0)
		return EXIT_USAGE;
	if (!auth_username_ok(a->name)) {
		fprintf(stderr, "rekisteri: a username is 2 to %d of a-z, "
		    "0-9, '.', '_' and '-', starting with a letter\n",
		    AUTH_NAME_MAX);
		return EXIT_FAIL;
	}
	if (get_password(c, a->gen, a->from_stdin, a->name, pw, pwlen,
	    msgs) != 0)
		return EXIT_FAIL;
	if (account_add(db, &cli_actor, a->name, a->display ? a->display :
	    a->name, a->role, a->nda, pw, 0, &id, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	printf("added %s (%s)%s\n", a->name, role_name(a->role), a->nda ? "" :
	    "; no NDA date yet, so the user cannot sign in until "
	    "`rekisteri user nda` records it");
	if (a->gen)
		printf("password: %s\n(shown once; give it to %s in person)\n",
		    pw, a->name);
	return EXIT_OK;
}

static int
cmd_user(struct cli *c, int argc, char **argv)
{
	char err[1024], pw[AUTH_PW_MAX + 2];
	const char *name;
	struct user_args a;
	struct i18n *msgs = NULL;
	struct user u;
	sqlite3 *db;
	int rc = EXIT_FAIL;

	if (argc < 2 || user_args_read(argc, argv, &a) != 0)
		return EXIT_USAGE;
	name = a.name;
	if (strcmp(a.sub, "list") == 0)
		return name != NULL ? EXIT_USAGE : user_list_cmd(c);
	if (name == NULL)
		return EXIT_USAGE;
	if (a.nda != NULL) {
		struct tm tm;

		if (fmt_parse_date(a.nda, &tm) != 0) {
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
	if (strcmp(a.sub, "add") == 0) {
		rc = user_add_cmd(c, db, msgs, &a, pw, sizeof(pw));
		goto out;
	}
	if (user_by_name(db, name, &u) != 0) {
		fprintf(stderr, "rekisteri: no user %s\n", name);
		goto out;
	}
	if (strcmp(a.sub, "passwd") == 0) {
		if (get_password(c, a.gen, a.from_stdin, name, pw, sizeof(pw),
		    msgs) != 0)
			goto out;
		if (account_set_password(db, &cli_actor, u.id, pw, a.gen, a.gen ?
		    "one-time password; change at next sign-in" : "") != 0)
			goto dberr;
		printf("password of %s changed; their sessions ended\n", name);
		if (a.gen)
			printf("password: %s\n(shown once; %s must change it "
			    "at the next sign-in)\n", pw, name);
	} else if (strcmp(a.sub, "disable") == 0 ||
	    strcmp(a.sub, "enable") == 0) {
		int on = strcmp(a.sub, "enable") == 0;

		if (account_set_active(db, &cli_actor, u.id, on) != 0)
			goto dberr;
		printf("%s is %s\n", name, on ? "enabled" : "disabled; "
		    "their sessions ended");
	} else if (strcmp(a.sub, "nda") == 0 && a.nda != NULL) {
		if (account_set_nda(db, &cli_actor, u.id, a.nda) != 0) {
			fprintf(stderr, "rekisteri: the NDA date cannot be "
			    "in the future\n");
			goto out;
		}
		printf("%s signed the NDA on %s\n", name, a.nda);
	} else {
		rc = EXIT_USAGE;
		goto out;
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

static const struct command *
command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* rekisteri help [COMMAND [SUBCOMMAND]]: on standard output, exit 0. */
static int
cmd_help(struct cli *c, int argc, char **argv)
{
	const struct command *cmd;

	(void)c;
	if (argc == 1) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 3)
		return EXIT_USAGE;
	if ((cmd = command_find(argv[1])) == NULL) {
		fprintf(stderr, "rekisteri: unknown command %s\n", argv[1]);
		return EXIT_USAGE;
	}
	if (argc == 3 && !usage_known(argv[1], argv[2])) {
		fprintf(stderr, "rekisteri: %s has no subcommand %s\n", argv[1],
		    argv[2]);
		return EXIT_USAGE;
	}
	usage_help(stdout, cmd->name, cmd->help, argc == 3 ? argv[2] : NULL);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	const struct command *cmd;
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
	if ((cmd = command_find(argv[0])) == NULL) {
		fprintf(stderr, "rekisteri: unknown command %s\n", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	/* COMMAND [SUBCOMMAND] --help: its usage and options, nothing else */
	if (usage_wants_help(argc, argv)) {
		usage_help(stdout, cmd->name, cmd->help, argc > 1 ? argv[1] : NULL);
		return EXIT_OK;
	}
	rc = cmd->fn(&c, argc, argv);
	if (rc == EXIT_USAGE)
		usage_synopsis(stderr, cmd->name, argc > 1 ? argv[1] : NULL);
	conf_free(&c.conf);
	return rc;
}
