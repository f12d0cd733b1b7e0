/* test_core.c — the configuration file, the database and its migrations, message catalogues. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "conf.h"
#include "db.h"
#include "i18n.h"

static char err[1024];

static void
conf_good(void **state)
{
	struct conf c;

	(void)state;
	assert_int_equal(conf_load(&c, "tests/fixtures/conf/good.conf", err,
	    sizeof(err)), 0);
	/* relative paths are relative to the file's folder */
	assert_string_equal(c.db_path, "tests/fixtures/conf/db/test.db");
	assert_string_equal(c.templates, "/srv/templates");
	assert_string_equal(c.base_url, "https://rekisteri.example.fi");
	assert_string_equal(c.controller_name, "Vemitek Oy");
	assert_null(c.controller_phone);
	/* [request] and [mail] are optional, with defaults */
	assert_int_equal(c.rate_limit, 10);
	assert_int_equal(c.form_lifetime, 120);
	assert_int_equal(c.ticket_link_days, 90);
	assert_int_equal(c.confirm_link_days, 30);
	assert_null(c.sendmail);
	assert_null(c.mail_from);
	/* [accounting]: the calendar year unless told (Accounting Act 1336/1997 1:4 §) */
	assert_int_equal(c.accounting.fy_end_month, 12);
	assert_int_equal(c.accounting.fy_end_day, 31);
	/* [security] sandbox: on unless told (sandbox.h) */
	assert_int_equal(c.sandbox, 1);
	conf_free(&c);
	assert_int_equal(conf_load(&c, "tests/fixtures/conf/sandbox-off.conf",
	    err, sizeof(err)), 0);
	assert_int_equal(c.sandbox, 0);
	conf_free(&c);
	assert_int_equal(conf_load(&c, "tests/fixtures/conf/mail.conf", err,
	    sizeof(err)), 0);
	assert_int_equal(c.rate_limit, 3);
	assert_int_equal(c.form_lifetime, 5);
	assert_int_equal(c.ticket_link_days, 365);
	assert_int_equal(c.confirm_link_days, 7);
	assert_string_equal(c.sendmail, "/usr/sbin/sendmail");
	assert_string_equal(c.mail_from, "rekisteri@vemitek.fi");
	assert_int_equal(c.accounting.fy_end_month, 6);
	assert_int_equal(c.accounting.fy_end_day, 30);
	conf_free(&c);
}

/* Each bad file is an error naming the file and line, never a crash. */
static void
conf_errors_name_the_line(void **state)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "unknown-key.conf", "unknown-key.conf:6: unknown key colour in [site]" },
		{ "bad-url.conf", "bad-url.conf:2: base_url: must be" },
		{ "garbage.conf", "garbage.conf:3: not a" },
		{ "twice.conf", "twice.conf:3: path in [database] given twice" },
		{ "missing.conf", "missing.conf: [site] base_url is missing" },
		{ "no-such-file.conf", "no-such-file.conf: cannot open" },
		{ "bad-rate.conf", "bad-rate.conf:14: rate_limit: must be a number from 1 to 100000" },
		{ "bad-lifetime.conf", "bad-lifetime.conf:14: form_lifetime: must be a number" },
		{ "bad-from.conf", "bad-from.conf:14: from: must be an address" },
		{ "bad-fy.conf", "bad-fy.conf:15: financial_year_end: must be a day MM-DD" },
		{ "bad-suppression.conf", "bad-suppression.conf:15: suppression: must be warn or refuse" },
		{ "bad-sandbox.conf", "bad-sandbox.conf:15: sandbox: must be on or off" },
	};
	char path[256];
	struct conf c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "tests/fixtures/conf/%s", cases[i].file);
		err[0] = '\0';
		assert_int_equal(conf_load(&c, path, err, sizeof(err)), -1);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].file, err,
			    cases[i].want);
	}
}

static void
conf_from_environment(void **state)
{
	struct conf c;

	(void)state;
	setenv("REKISTERI_CONF", "tests/fixtures/conf/good.conf", 1);
	assert_string_equal(conf_default_path(NULL), "tests/fixtures/conf/good.conf");
	assert_string_equal(conf_default_path("x.conf"), "x.conf");
	assert_int_equal(conf_load(&c, NULL, err, sizeof(err)), 0);
	conf_free(&c);
	unsetenv("REKISTERI_CONF");
	assert_string_equal(conf_default_path(NULL), "/etc/rekisteri.conf");
}

static int
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
db_pragmas(void **state)
{
	sqlite3 *db;

	(void)state;
	db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(count_rows(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(count_rows(db, "PRAGMA synchronous"), 2);	/* FULL */
	db_close(db);
}

static void
db_migrations_apply_in_order_once(void **state)
{
	char path[] = "/tmp/rekisteri-test-XXXXXX";
	char file[300];
	sqlite3 *db;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(file, sizeof(file), "%s", path);
	db = db_open(file, DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(count_rows(db,
	    "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/good", NULL, err,
	    sizeof(err)), 2);
	assert_int_equal(db_version(db), 2);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM a"), 1);
	/* a second run applies nothing */
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/good", NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM a"), 1);
	db_close(db);
	unlink(file);
	snprintf(file, sizeof(file), "%s-wal", path);
	unlink(file);
	snprintf(file, sizeof(file), "%s-shm", path);
	unlink(file);
}

/*
 * A migration numbered below one already run (two branches landing in
 * either order) still runs, once.
 */
static void
db_migration_below_the_newest_runs(void **state)
{
	char path[] = "/tmp/rekisteri-test-XXXXXX";
	char file[300];
	sqlite3 *db;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	db = db_open(path, DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/gap-before", NULL, err,
	    sizeof(err)), 2);
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/gap-after", NULL, err,
	    sizeof(err)), 1);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'b'"), 1);
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/gap-after", NULL, err,
	    sizeof(err)), 0);
	db_close(db);
	unlink(path);
	snprintf(file, sizeof(file), "%s-wal", path);
	unlink(file);
	snprintf(file, sizeof(file), "%s-shm", path);
	unlink(file);
}

/* A failing migration leaves the database as it was and names the file. */
static void
db_failed_migration_changes_nothing(void **state)
{
	sqlite3 *db;

	(void)state;
	db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db_migrate(db, "tests/fixtures/sql/bad", NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "002_broken.sql"));
	/* 001 applied and kept; nothing of 002; 003 never ran */
	assert_int_equal(db_version(db), 1);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM a"), 1);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM c"), -2);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM d"), -2);
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	db_close(db);
}

static void
db_real_migrations(void **state)
{
	sqlite3 *db;

	(void)state;
	db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	if (db_migrate(db, "sql", NULL, err, sizeof(err)) < 1)
		fail_msg("%s", err);
	assert_true(db_version(db) >= 1);
	db_close(db);
}

static void
i18n_catalogues_complete(void **state)
{
	struct i18n *t;

	(void)state;
	t = i18n_load("i18n", err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_string_equal(i18n_get(t, LANG_FI, "notice.title"), "Tietosuojaseloste");
	assert_string_equal(i18n_get(t, LANG_EN, "notice.title"), "Privacy notice");
	assert_null(i18n_get(t, LANG_EN, "no.such.key"));
	assert_string_equal(i18n_msg(t, LANG_EN, "no.such.key"), "no.such.key");
	i18n_free(t);
}

/* Empty catalogues load (the fuzzer found qsort called with NULL, UBSan). */
static void
i18n_empty_catalogues(void **state)
{
	struct i18n *t;

	(void)state;
	t = i18n_load("tests/fixtures/i18n-empty", err, sizeof(err));
	if (t == NULL)
		fail_msg("%s", err);
	assert_null(i18n_get(t, LANG_FI, "notice.title"));
	i18n_free(t);
}

/* A catalogue may come in parts (DIR/AREA.LANG.xml); the rules hold across them. */
static void
i18n_catalogue_parts(void **state)
{
	struct i18n *t;

	(void)state;
	t = i18n_load("tests/fixtures/i18n-parts", err, sizeof(err));
	assert_non_null(t);
	assert_string_equal(i18n_get(t, LANG_FI, "a.one"), "yksi");
	assert_string_equal(i18n_get(t, LANG_FI, "b.three"), "kolme");
	assert_string_equal(i18n_get(t, LANG_EN, "b.two"), "two");
	i18n_free(t);

	t = i18n_load("tests/fixtures/i18n-parts-missing", err, sizeof(err));
	assert_null(t);
	assert_string_equal(err, "tests/fixtures/i18n-parts-missing: key b.three "
	    "is missing from the en catalogue (it is in fi)");

	t = i18n_load("tests/fixtures/i18n-parts-twice", err, sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "key a.one appears twice"));
}

static void
i18n_negotiation(void **state)
{
	(void)state;
	assert_int_equal(lang_negotiate(NULL, NULL), LANG_FI);
	assert_int_equal(lang_negotiate("en", NULL), LANG_EN);
	assert_int_equal(lang_negotiate("fi", "en"), LANG_FI);
	assert_int_equal(lang_negotiate("sv", "en"), LANG_EN);
	assert_int_equal(lang_negotiate(NULL, "en-GB,en;q=0.9"), LANG_EN);
	assert_int_equal(lang_negotiate(NULL, "sv, en;q=0.5, fi;q=0.8"), LANG_FI);
	assert_int_equal(lang_negotiate(NULL, "EN-us"), LANG_EN);
	assert_int_equal(lang_negotiate(NULL, "de, fr;q=0.5"), LANG_FI);
	assert_int_equal(lang_negotiate(NULL, "en;q=0, fi;q=0.1"), LANG_FI);
	assert_int_equal(lang_negotiate(NULL, "en;q=bogus"), LANG_FI);
	assert_int_equal(lang_negotiate(NULL, ";;,,;q=,"), LANG_FI);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_good),
		cmocka_unit_test(conf_errors_name_the_line),
		cmocka_unit_test(conf_from_environment),
		cmocka_unit_test(db_pragmas),
		cmocka_unit_test(db_migrations_apply_in_order_once),
		cmocka_unit_test(db_migration_below_the_newest_runs),
		cmocka_unit_test(db_failed_migration_changes_nothing),
		cmocka_unit_test(db_real_migrations),
		cmocka_unit_test(i18n_catalogues_complete),
		cmocka_unit_test(i18n_empty_catalogues),
		cmocka_unit_test(i18n_catalogue_parts),
		cmocka_unit_test(i18n_negotiation),
	};

	xmlInitParser();
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
