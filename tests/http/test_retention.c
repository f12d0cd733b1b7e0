/*
 * test_retention.c — the retention run and backups through the real server
 * and the CLI (#14, docs/retention.md): the admins' page of what is due and
 * the last run (handlers refused); `rekisteri retention` a dry run that
 * changes nothing, `--apply` that removes what is due, then nothing more;
 * `rekisteri backup` while the site runs, mode 0600; `rekisteri restore`
 * of a truncated file or with a wrong key refused, and into the running
 * site refused, the live data untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "buf.h"
#include "http.h"

#define PW	"Säilytysajat ja varmuuskopiot 14"

static const char *cli, *state;
static char *admin;

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "retadmin", "admin", "Ylläpitäjä", 1 },
		{ "rethandler", "handler", "Käsittelijä", 1 },
	};

	(void)st;
	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (http_staff_add(staff, sizeof(staff) / sizeof(staff[0]), PW) != 0)
		return -1;
	admin = http_login("retadmin", PW);
	return admin == NULL ? -1 : 0;
}

/* Failed sign-ins an hour old: due; one just now: kept. */
static void
seed_failures(void)
{
	http_db_exec("INSERT INTO login_failures (username, client, at) VALUES"
	    " ('ghost', '192.0.2.9', CAST(strftime('%s', 'now') AS INTEGER)"
	    " - 3600), ('ghost', '192.0.2.9', CAST(strftime('%s', 'now') AS"
	    " INTEGER) - 3601)");
}

/* The dry run names what is due and changes nothing; --apply removes it; a second run changes nothing. */
static void
cli_dry_run_apply_again(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	seed_failures();
	if (http_run(&o, "%s retention", cli) != 0 ||
	    strstr(o.data, "a dry run") == NULL)
		fail_msg("rekisteri retention: %s", o.data ? o.data : "");
	assert_non_null(strstr(o.data, "signin       delete                    2"));
	assert_non_null(strstr(o.data, "customers due: "));
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = 'ghost'", NULL), 2);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s retention --apply", cli), 0);
	assert_non_null(strstr(o.data, "signin       delete                    2"
	    "          2"));
	assert_null(strstr(o.data, "\r"));	/* no progress bar off a terminal */
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = 'ghost'", NULL), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'retention.run'", NULL), 1);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s retention --apply", cli), 0);
	assert_non_null(strstr(o.data, "signin       delete                    0"
	    "          0"));
	assert_int_equal(http_run(&o, "%s audit verify", cli), 0);
	assert_int_equal(http_run(NULL, "%s retention --now 2026-13-01T00:00:00Z",
	    cli), 2);
	buf_free(&o);
}

/* Admins see what is due and the last run, in Finnish and English; handlers are refused. */
static void
page_for_admins(void **st)
{
	struct http_resp r;
	char *hand = http_login("rethandler", PW);

	(void)st;
	seed_failures();
	http_session(&r, "GET", "/intranet/retention", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Säilytysajat</h1>"));
	assert_true(http_body_has(&r, "Epäonnistuneet kirjautumiset"));
	assert_true(http_body_has(&r, "<strong>2</strong>"));
	assert_true(http_body_has(&r, "10 vuotta asiakkuuden päättymisestä"));
	assert_true(http_body_has(&r, "valmis"));	/* the run of the test before */
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/retention?lang=en", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<h1>Retention periods</h1>"));
	assert_true(http_body_has(&r, "Failed sign-ins"));
	http_resp_free(&r);
	/* the page changed nothing */
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = 'ghost'", NULL), 2);
	http_session(&r, "GET", "/intranet/retention", hand, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(hand);
}

/* A backup while the site runs; restores refused with the live data untouched. */
static void
backup_and_refused_restores(void **st)
{
	struct buf o = BUF_INIT;
	char bak[512], key[512], bad[512], cut[512];
	struct stat sb;
	long long before;

	(void)st;
	snprintf(bak, sizeof(bak), "%s/test.bak", state);
	snprintf(key, sizeof(key), "%s/backup.key", state);
	snprintf(bad, sizeof(bad), "%s/other.key", state);
	snprintf(cut, sizeof(cut), "%s/cut.bak", state);
	assert_int_equal(http_run(NULL, "umask 077; printf '%%064d\\n' 7 > %s;"
	    " printf '%%064d\\n' 8 > %s", key, bad), 0);
	assert_int_equal(http_run(&o, "%s backup %s --key %s", cli, bak, key), 0);
	assert_non_null(strstr(o.data, "encrypted"));
	assert_int_equal(stat(bak, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* never over an existing file */
	assert_int_equal(http_run(NULL, "%s backup %s --key %s", cli, bak, key),
	    1);
	before = http_db_int("SELECT count(*) FROM audit_log", NULL);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s restore %s --key %s", cli, bak, bad),
	    1);
	assert_non_null(strstr(o.data, "wrong key"));
	assert_non_null(strstr(o.data, "untouched"));
	assert_int_equal(http_run(NULL, "head -c 5000 %s > %s", bak, cut), 0);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s restore %s --key %s", cli, cut, key),
	    1);
	assert_non_null(strstr(o.data, "truncated"));
	assert_non_null(strstr(o.data, "untouched"));
	/* a sound file, but the site is running: refused too */
	{
		struct http_resp r;

		http_session(&r, "GET", "/intranet/retention", admin, NULL);
		http_resp_free(&r);
	}
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s restore %s --key %s", cli, bak, key),
	    1);
	assert_non_null(strstr(o.data, "checked whole"));
	assert_non_null(strstr(o.data, "in use"));
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log", NULL),
	    before);
	buf_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_dry_run_apply_again),
		cmocka_unit_test(page_for_admins),
		cmocka_unit_test(backup_and_refused_restores),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
