/*
 * test_cli.c — the rekisteri command and the executables' start-up, run as
 * a user would: exit codes 0/1/2, and every failure naming file and line.
 */
#include <sys/wait.h>

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

static const char *cli, *state;
static char cwd[1024];

/* Write a config like the harness's, with one [site] or [database] key changed. */
static void
write_conf(const char *name, const char *key, const char *value)
{
	char src[1100], dst[1100], line[1024];
	FILE *in, *out;
	size_t klen = strlen(key);

	snprintf(src, sizeof(src), "%s/rekisteri.conf", state);
	snprintf(dst, sizeof(dst), "%s/%s", state, name);
	in = fopen(src, "r");
	out = fopen(dst, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			fprintf(out, "%s = %s\n", key, value);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
}

static void
help_and_usage(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	assert_int_equal(http_run(&o, "%s --help", cli), 0);
	assert_non_null(strstr(o.data, "init"));
	assert_non_null(strstr(o.data, "Exit status"));
	assert_int_equal(http_run(&o, "%s", cli), 2);
	assert_non_null(strstr(o.data, "usage:"));
	assert_int_equal(http_run(&o, "%s no-such-command", cli), 2);
	assert_non_null(strstr(o.data, "unknown command no-such-command"));
	assert_int_equal(http_run(&o, "%s -x init", cli), 2);
	assert_int_equal(http_run(&o, "%s init extra", cli), 2);
	buf_free(&o);
}

/*
 * The command list of rekisteri(1): one row per ".It Cm COMMAND [SUB [| SUB]]"
 * line, with the options that line names ("Fl -lang" is --lang).
 */
struct manrow {
	char	 cmd[32], sub[32];
	char	 opts[8][32];
	int	 nopts;
};

static size_t
man_rows(struct manrow *rows, size_t max)
{
	char line[1024], *tok[64], *save = NULL;
	size_t n = 0;
	int in_list = 0;
	FILE *f = fopen("man/rekisteri.1", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct manrow r;
		int nt = 0, i;

		if (strncmp(line, ".Sh DESCRIPTION", 15) == 0)
			in_list = 1;
		if (strncmp(line, ".Sh ENVIRONMENT", 15) == 0)
			in_list = 0;
		if (!in_list || strncmp(line, ".It Cm ", 7) != 0)
			continue;
		for (char *t = strtok_r(line + 7, " \n", &save); t != NULL &&
		    nt < 64; t = strtok_r(NULL, " \n", &save))
			tok[nt++] = t;
		assert_true(nt > 0);
		memset(&r, 0, sizeof(r));
		snprintf(r.cmd, sizeof(r.cmd), "%s", tok[0]);
		/* the subcommands: lower-case words and '|' before the first macro */
		for (i = 1; i < nt && (islower((unsigned char)tok[i][0]) ||
		    strcmp(tok[i], "|") == 0); i++)
			;
		for (int k = i; k + 1 < nt; k++)
			if (strcmp(tok[k], "Fl") == 0 && tok[k + 1][0] == '-' &&
			    r.nopts < 8)
				snprintf(r.opts[r.nopts++], sizeof(r.opts[0]), "-%s",
				    tok[k + 1]);
		if (i == 1) {
			assert_true(n < max);
			rows[n++] = r;
		}
		for (int k = 1; k < i; k++) {
			if (strcmp(tok[k], "|") == 0)
				continue;
			assert_true(n < max);
			rows[n] = r;
			snprintf(rows[n++].sub, sizeof(r.sub), "%s", tok[k]);
		}
	}
	fclose(f);
	return n;
}

/*
 * Every command and subcommand of the man page answers --help and
 * `help COMMAND SUB` the same way: exit 0, its usage and each option the
 * man page names on standard output, nothing on standard error; and every
 * option --help shows is in the man page's line.
 */
static void
every_command_answers_help(void **st)
{
	struct manrow rows[64];
	struct buf o = BUF_INIT, e = BUF_INIT, h = BUF_INIT;
	size_t n = man_rows(rows, 64);

	(void)st;
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		const struct manrow *r = &rows[i];
		char want[128], *p;

		if (http_run(&o, "%s %s %s --help 2>/dev/null", cli, r->cmd, r->sub)
		    != 0)
			fail_msg("%s %s --help: not exit 0:\n%s", r->cmd, r->sub,
			    o.data);
		assert_int_equal(http_run(&e, "%s %s %s --help 2>&1 >/dev/null",
		    cli, r->cmd, r->sub), 0);
		if (e.len != 0)
			fail_msg("%s %s --help wrote to stderr: %s", r->cmd, r->sub,
			    e.data);
		snprintf(want, sizeof(want), "usage: rekisteri [-c CONFIG] %.31s%s%.31s",
		    r->cmd, *r->sub ? " " : "", r->sub);
		if (strncmp(o.data, want, strlen(want)) != 0)
			fail_msg("%s %s --help begins:\n%s", r->cmd, r->sub, o.data);
		for (int k = 0; k < r->nopts; k++) {
			snprintf(want, sizeof(want), "\n    %.31s", r->opts[k]);
			if ((p = strstr(o.data, want)) == NULL ||
			    (p[strlen(want)] != ' ' && p[strlen(want)] != '\n'))
				fail_msg("%s %s --help has no line for %s:\n%s",
				    r->cmd, r->sub, r->opts[k], o.data);
		}
		/* the other way round: an option line is in the man page */
		for (p = strstr(o.data, "\n    -"); p != NULL;
		    p = strstr(p + 1, "\n    -")) {
			size_t len = strcspn(p + 5, " \n");
			int found = 0;

			for (int k = 0; k < r->nopts; k++)
				found |= strlen(r->opts[k]) == len &&
				    strncmp(r->opts[k], p + 5, len) == 0;
			if (!found)
				fail_msg("%s %s: option %.*s is not in rekisteri.1",
				    r->cmd, r->sub, (int)len, p + 5);
		}
		/* the same words by `help COMMAND SUB`, and with -h */
		assert_int_equal(http_run(&h, "%s help %s %s 2>/dev/null", cli,
		    r->cmd, r->sub), 0);
		assert_string_equal(h.data, o.data);
		assert_int_equal(http_run(&h, "%s %s %s -h 2>/dev/null", cli,
		    r->cmd, r->sub), 0);
		assert_string_equal(h.data, o.data);
		/* a command's own help lists each of its subcommands */
		if (*r->sub) {
			assert_int_equal(http_run(&h, "%s %s --help", cli, r->cmd), 0);
			snprintf(want, sizeof(want), "\n%.31s %.31s", r->cmd, r->sub);
			if (strstr(h.data, want) == NULL)
				fail_msg("%s --help does not show %s", r->cmd, r->sub);
		}
	}
	buf_free(&o);
	buf_free(&e);
	buf_free(&h);
}

/* rekisteri --help lists the man page's commands, no more, no fewer. */
static void
help_lists_the_man_page_commands(void **st)
{
	struct manrow rows[64];
	struct buf o = BUF_INIT;
	size_t n = man_rows(rows, 64), listed = 0;
	const char *p;

	(void)st;
	assert_int_equal(http_run(&o, "%s --help 2>/dev/null", cli), 0);
	p = strstr(o.data, "\nCommands:\n");
	assert_non_null(p);
	for (p = strchr(p + 1, '\n'); p != NULL && strncmp(p, "\n  ", 3) == 0;
	    p = strchr(p + 1, '\n')) {
		char name[32];
		size_t len;
		int found = 0;

		if (p[3] == ' ')	/* the subcommands under a command */
			continue;
		len = strcspn(p + 3, " \n");
		assert_true(len < sizeof(name));
		memcpy(name, p + 3, len);
		name[len] = '\0';
		for (size_t i = 0; i < n; i++)
			found |= strcmp(rows[i].cmd, name) == 0;
		if (!found)
			fail_msg("rekisteri --help lists %s; rekisteri.1 does not",
			    name);
		listed++;
	}
	for (size_t i = 0; i < n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  %.31s ", rows[i].cmd);
		if (strstr(o.data, want) == NULL)
			fail_msg("rekisteri.1 has %s; rekisteri --help does not",
			    rows[i].cmd);
	}
	assert_true(listed >= 10);
	buf_free(&o);
}

/* Wrong usage: exit 2, the usage on standard error and nothing on standard output. */
static void
wrong_usage_on_stderr(void **st)
{
	static const struct {
		const char *args, *want;
	} cases[] = {
		{ "customer", "usage: rekisteri [-c CONFIG] customer demo N\n" },
		{ "customer bogus", "       rekisteri [-c CONFIG] customer export " },
		{ "user add", "usage: rekisteri [-c CONFIG] user add NAME --role " },
		{ "notice import", "usage: rekisteri [-c CONFIG] notice import FILE" },
		{ "key bogus", "usage: rekisteri [-c CONFIG] key rotate\n" },
		{ "ticket verify a b", "usage: rekisteri [-c CONFIG] ticket verify " },
		{ "init extra", "usage: rekisteri [-c CONFIG] init\n" },
		{ "help nosuch", "unknown command nosuch" },
		{ "help customer nosuch", "customer has no subcommand nosuch" },
		{ "customer export --q", "usage: rekisteri [-c CONFIG] customer export" },
	};
	struct buf o = BUF_INIT;

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(http_run(&o, "%s %s 2>/dev/null", cli,
		    cases[i].args), 2);
		if (o.len != 0)
			fail_msg("%s: on stdout: %s", cases[i].args, o.data);
		assert_int_equal(http_run(&o, "%s %s 2>&1 >/dev/null", cli,
		    cases[i].args), 2);
		if (strstr(o.data, cases[i].want) == NULL)
			fail_msg("%s: no \"%s\" in:\n%s", cases[i].args,
			    cases[i].want, o.data);
	}
	/* --help as an option's value is a value, not a question */
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer export "
	    "- --purpose register --q --help --postal x", cli, state), 2);
	buf_free(&o);
}

/*
 * rekisteri customer access-report and portability on a demo customer:
 * the text and JSON carry its values, the files are written once.
 */
static void
access_report_and_portability(void **st)
{
	struct buf o = BUF_INIT, csv = BUF_INIT;
	char number[32] = "", dir[1200];
	const char *p;

	(void)st;
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer demo 2"
	    " >/dev/null", cli, state), 0);
	assert_int_equal(http_run(&csv, "%s -c '%s/rekisteri.conf' customer "
	    "export - --purpose register 2>/dev/null", cli, state), 0);
	/* the first record's number: the second line's first cell */
	assert_non_null(p = strchr(csv.data, '\n'));
	sscanf(p + 1, "\"%31[^\"]\"", number);
	assert_true(number[0] != '\0');
	if (http_run(&o, "%s -c '%s/rekisteri.conf' customer access-report %s"
	    " 2>&1", cli, state, number) != 0)
		fail_msg("access-report %s: %s", number, o.data);
	assert_non_null(strstr(o.data, "Tarkastusoikeus"));
	assert_non_null(strstr(o.data, number));
	assert_non_null(strstr(o.data, "Tietosuojavaltuutetun toimisto"));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer "
	    "access-report %s --json --lang en", cli, state, number), 0);
	assert_non_null(strstr(o.data, "\"format\":\"rekisteri-access-report\""));
	assert_non_null(strstr(o.data, "\"lang\":\"en\""));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer "
	    "access-report NOSUCH 2>&1", cli, state), 1);
	assert_non_null(strstr(o.data, "no such customer"));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer "
	    "access-report %s --lang sv 2>/dev/null", cli, state, number), 2);
	snprintf(dir, sizeof(dir), "%s/port", state);
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer "
	    "portability %s '%s'", cli, state, number, dir), 0);
	assert_int_equal(http_run(&o, "python3 -c 'import json, sys, jsonschema;"
	    " jsonschema.validate(json.load(open(sys.argv[1])),"
	    " json.load(open(sys.argv[2])))' '%s/portability.json'"
	    " docs/portability.schema.json", dir), 0);
	assert_int_equal(http_run(&o, "head -1 '%s/orders.csv'", dir), 0);
	assert_non_null(strstr(o.data, "\"ordered_on\""));
	assert_int_equal(http_run(&o, "grep -c %s '%s/customer.csv'", number,
	    dir), 0);
	/* written once: the files are never overwritten */
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer "
	    "portability %s '%s' 2>&1", cli, state, number, dir), 1);
	assert_non_null(strstr(o.data, "File exists"));
	buf_free(&o);
	buf_free(&csv);
}

static void
config_from_flag_and_environment(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' check", cli, state), 0);
	assert_non_null(strstr(o.data, "valid"));
	assert_int_equal(http_run(&o, "REKISTERI_CONF='%s/rekisteri.conf' %s check",
	    state, cli), 0);
	assert_int_equal(http_run(&o, "REKISTERI_CONF= %s -c /nonexistent.conf check",
	    cli), 1);
	assert_non_null(strstr(o.data, "/nonexistent.conf: cannot open"));
	buf_free(&o);
}

/*
 * `check` fails on a private file others may read or one the service's
 * user does not own, naming it and the command that puts it right; the
 * running service's own state passes (#15, docs/deployment.md).
 */
static void
check_names_wrong_owner_or_mode(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' check", cli,
	    state), 0);
	assert_non_null(strstr(o.data, "owners and modes keep the data and the "
	    "keys private"));
	/*
	 * On a copy of the keys, named by a config of its own: a request
	 * worker still starting reads the real secret.key, and logged it
	 * refused while the test had it at 0640 (a flake behind nginx).
	 */
	assert_int_equal(http_run(NULL, "cp -a '%s/keys' '%s/keys-copy' && "
	    "sed 's|^dir = .*/keys$|dir = %s/keys-copy|' '%s/rekisteri.conf' "
	    ">'%s/copy.conf' && grep -q '^dir = .*/keys-copy$' '%s/copy.conf' "
	    "&& chmod 0640 '%s/keys-copy/secret.key'", state, state, state,
	    state, state, state, state), 0);
	assert_int_equal(http_run(&o, "%s -c '%s/copy.conf' check 2>&1",
	    cli, state), 1);
	if (strstr(o.data, "secret.key: others may read a secret key") == NULL ||
	    strstr(o.data, "chmod 600 ") == NULL)
		fail_msg("%s", o.data);
	assert_int_equal(http_run(NULL, "rm -r '%s/keys-copy' '%s/copy.conf'",
	    state, state), 0);
	if (getuid() == 0) {
		/* as a command run as root leaves a file in the database's folder */
		assert_int_equal(http_run(NULL, "touch '%s/db/stray' && chmod 600 "
		    "'%s/db/stray'", state, state), 0);
		assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' check "
		    "2>&1", cli, state), 1);
		if (strstr(o.data, "db/stray: owned by root, not by ") == NULL ||
		    strstr(o.data, "1 file(s) with the wrong owner or mode") == NULL)
			fail_msg("%s", o.data);
		assert_int_equal(http_run(NULL, "rm '%s/db/stray'", state), 0);
		/* another user sees nothing in the private folders: not "private" */
		assert_int_equal(http_run(&o, "runuser -u nobody -- %s -c "
		    "'%s/rekisteri.conf' check 2>&1", cli, state), 1);
		if (strstr(o.data, "/db: cannot be listed by this user") == NULL ||
		    strstr(o.data, "keep the data and the keys private") != NULL)
			fail_msg("%s", o.data);
	}
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' check", cli,
	    state), 0);
	buf_free(&o);
}

static void
init_is_idempotent(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	/* the harness ran init already: nothing left to apply */
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' init", cli, state), 0);
	assert_non_null(strstr(o.data, "(0 migrations applied)"));
	buf_free(&o);
}

/* A failing migration: exit 1, the file named, the database as it was. */
static void
init_failed_migration(void **st)
{
	struct buf o = BUF_INIT;
	char sql[1200], db[1200];

	(void)st;
	snprintf(sql, sizeof(sql), "%s/tests/fixtures/sql/bad", cwd);
	snprintf(db, sizeof(db), "%s/bad.db", state);
	write_conf("bad-sql.conf", "sql", sql);
	/* both changes in one file */
	{
		struct buf c = BUF_INIT;

		buf_addf(&c, "sed 's|^path = .*|path = %s|' '%s/bad-sql.conf' "
		    ">'%s/bad-both.conf'", db, state, state);
		assert_int_equal(system(c.data), 0);
		buf_free(&c);
	}
	assert_int_equal(http_run(&o, "%s -c '%s/bad-both.conf' init", cli, state), 1);
	assert_non_null(strstr(o.data, "002_broken.sql"));
	assert_non_null(strstr(o.data, "as it was"));
	assert_int_equal(http_run(&o, "sqlite3 '%s' 'SELECT max(version) FROM "
	    "schema_migrations; SELECT count(*) FROM sqlite_master WHERE name = "
	    "\"c\";'", db), 0);
	assert_string_equal(o.data, "1\n0\n");
	buf_free(&o);
}

/* Bad templates stop `check` and the executables at start-up, naming file and line. */
static void
bad_template_named_with_line(void **st)
{
	static const struct {
		const char *dir, *want;
	} cases[] = {
		{ "bad_wf", ".xhtml:" },
		{ "bad_directive", "bogus.xhtml:" },
	};
	struct buf o = BUF_INIT;
	char dir[1200], exe[1200];

	(void)st;
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/notice", sizeof(exe) - strlen(exe) - 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/tests/fixtures/tmpl/%s", cwd,
		    cases[i].dir);
		write_conf("bad-tmpl.conf", "templates", dir);
		assert_int_equal(http_run(&o, "%s -c '%s/bad-tmpl.conf' check", cli,
		    state), 1);
		if (strstr(o.data, cases[i].want) == NULL)
			fail_msg("check: %s", o.data);
		/* the FastCGI executable refuses to start, with the same words */
		assert_int_equal(http_run(&o, "%s -c '%s/bad-tmpl.conf'", exe, state), 1);
		if (strstr(o.data, cases[i].want) == NULL)
			fail_msg("notice: %s", o.data);
	}
	buf_free(&o);
}

/*
 * The supervisory authority's details (data/authority.xml) are checked at
 * least once a year: rekisteri check warns the day after the year is up
 * (exit 0); without the file, check and the notice executable stop.
 */
static void
check_warns_of_stale_authority_details(void **st)
{
	struct buf o = BUF_INIT;
	char exe[1200];

	(void)st;
	assert_int_equal(http_run(&o, "%s check --today 2027-12-02 2>&1 "
	    ">/dev/null", cli), 0);
	assert_string_equal(o.data, "");
	assert_int_equal(http_run(&o, "%s check --today 2027-12-02", cli), 0);
	assert_non_null(strstr(o.data, "checked 2026-12-02 against "
	    "https://tietosuoja.fi/yhteystiedot; next check due 2027-12-02"));
	assert_int_equal(http_run(&o, "%s check --today 2027-12-03 2>&1 "
	    ">/dev/null", cli), 0);
	if (strstr(o.data, "rekisteri: warning: the supervisory authority's "
	    "details in ") == NULL || strstr(o.data, "were last checked on "
	    "2026-12-02, more than a year before 2027-12-03") == NULL)
		fail_msg("%s", o.data);
	assert_int_equal(http_run(&o, "%s check --today 2027-02-29", cli), 2);
	assert_int_equal(http_run(&o, "%s check --today", cli), 2);

	write_conf("no-authority.conf", "data", "/nonexistent");
	assert_int_equal(http_run(&o, "%s -c '%s/no-authority.conf' check", cli,
	    state), 1);
	assert_non_null(strstr(o.data, "/nonexistent/authority.xml"));
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/notice", sizeof(exe) - strlen(exe) - 1);
	assert_int_equal(http_run(&o, "%s -c '%s/no-authority.conf'", exe, state),
	    1);
	assert_non_null(strstr(o.data, "/nonexistent/authority.xml"));
	buf_free(&o);
}

static void
bad_config_named_with_line(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	write_conf("bad-url.conf", "base_url", "ftp://example.fi");
	assert_int_equal(http_run(&o, "%s -c '%s/bad-url.conf' check", cli, state), 1);
	assert_non_null(strstr(o.data, "bad-url.conf:"));
	assert_non_null(strstr(o.data, "base_url: must be"));
	buf_free(&o);
}

/*
 * rekisteri customer export FILE --purpose P (docs/csv.md): a file for
 * direct marketing leaves out the person with a direct marketing ban and
 * the one with a publication ban, and says so, each ban it excludes with
 * its count; the register's own copy keeps both, their bans in a column.
 */
static void
export_for_a_purpose(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	http_db_exec("INSERT INTO customers (number, first_name, last_name,"
	    " postal_code) VALUES ('PX-001', 'Vapaa', 'Kieltamaton', '97001'),"
	    " ('PX-002', 'Kielto', 'Markkinoinnista', '97001'),"
	    " ('PX-003', 'Kielto', 'Luettelosta', '97001');"
	    "INSERT INTO bans (customer_id, purpose, since, via) VALUES"
	    " ((SELECT id FROM customers WHERE number = 'PX-002'),"
	    " 'direct_marketing', '2026-01-01', 'phone'),"
	    " ((SELECT id FROM customers WHERE number = 'PX-003'),"
	    " 'publication', '2026-01-01', 'letter')");
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer export"
	    " - --purpose direct_marketing --postal 97001 2>/dev/null", cli,
	    state), 0);
	assert_non_null(strstr(o.data, "\"PX-001\""));
	assert_null(strstr(o.data, "PX-002"));
	assert_null(strstr(o.data, "PX-003"));
	assert_null(strstr(o.data, "\"bans\""));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer export"
	    " - --purpose direct_marketing --postal 97001 2>&1 >/dev/null", cli,
	    state), 0);
	assert_non_null(strstr(o.data, "exported 1 customers for "
	    "direct_marketing"));
	assert_non_null(strstr(o.data, "left out 1 with a ban on "
	    "direct_marketing\n"));
	assert_non_null(strstr(o.data, "left out 1 with a ban on publication\n"));
	assert_non_null(strstr(o.data, "left out 0 with a ban on disclosure\n"));
	/* a marketing file leaves out a ban on any of the four (docs/csv.md) */
	assert_non_null(strstr(o.data, "left out 0 with a ban on advertising\n"));
	assert_non_null(strstr(o.data, "left out 0 with a ban on research\n"));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer export"
	    " - --purpose register --postal 97001 2>/dev/null", cli, state), 0);
	assert_non_null(strstr(o.data, "\"PX-002\""));
	assert_non_null(strstr(o.data, "\"direct_marketing\"\r\n"));
	assert_non_null(strstr(o.data, "\"publication\"\r\n"));
	assert_int_equal(http_run(&o, "%s -c '%s/rekisteri.conf' customer export"
	    " - --purpose everyone 2>/dev/null", cli, state), 2);
	buf_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_usage),
		cmocka_unit_test(every_command_answers_help),
		cmocka_unit_test(help_lists_the_man_page_commands),
		cmocka_unit_test(wrong_usage_on_stderr),
		cmocka_unit_test(config_from_flag_and_environment),
		cmocka_unit_test(check_names_wrong_owner_or_mode),
		cmocka_unit_test(access_report_and_portability),
		cmocka_unit_test(export_for_a_purpose),
		cmocka_unit_test(init_is_idempotent),
		cmocka_unit_test(init_failed_migration),
		cmocka_unit_test(bad_template_named_with_line),
		cmocka_unit_test(bad_config_named_with_line),
		cmocka_unit_test(check_warns_of_stale_authority_details),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL || getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "test_cli: run me through tests/http/harness.sh\n");
		return 1;
	}
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
