/*
 * test_cli.c — the rekisteri command and the executables' start-up, run as
 * a user would: exit codes 0/1/2, and every failure naming file and line.
 */
#include <sys/wait.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_usage),
		cmocka_unit_test(config_from_flag_and_environment),
		cmocka_unit_test(init_is_idempotent),
		cmocka_unit_test(init_failed_migration),
		cmocka_unit_test(bad_template_named_with_line),
		cmocka_unit_test(bad_config_named_with_line),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL || getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "test_cli: run me through tests/http/harness.sh\n");
		return 1;
	}
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
