/*
 * test_faults_kill — SIGKILL under load (#17, docs/faults.md): while two
 * loops post the public request form and two post staff edits,
 * tests/faults/kill-storm.sh kills a request worker, the request writer
 * (group commit), an intranet worker or a web server child at random
 * moments. Afterwards every change answered with success (303) is in the
 * database, integrity_check is ok, every stored ticket verifies and the
 * audit chain holds. The executables log to STATE/log/kill.log meanwhile
 * (their children ended by a signal are the point here, which the
 * harness's log check would refuse); that log must hold no sanitizer
 * report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "faults.h"

#define PW	"Tappo-kuorma-salasana-9"
#define ROUNDS	"30"	/* posts per loop; four loops */

static char *staff, *csrf;

/* The lines of file path, each passed to fn; how many. */
static int
each_line(const char *path, void (*fn)(const char *))
{
	char *s = http_read_file(path, NULL), *p, *nl;
	int n = 0;

	assert_non_null(s);
	for (p = s; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		if (*p != '\0') {
			fn(p);
			n++;
		}
	}
	free(s);
	return n;
}

static void
ticket_there(const char *token)
{
	struct http_resp r;
	char path[128];

	snprintf(path, sizeof(path), "/request/ticket/%s", token);
	http_get(&r, path);
	if (r.status != 200)
		fail_msg("ticket %s answered 303 but is not stored (%ld)", token,
		    r.status);
	http_resp_free(&r);
}

static void
customer_there(const char *name)
{
	if (http_db_int("SELECT count(*) FROM customers WHERE last_name = ?1",
	    name) != 1)
		fail_msg("customer %s answered 303 but is not stored", name);
}

static void
storm(void **st)
{
	const char *state = getenv("REKISTERI_STATE");
	const char *kc = fault_conf("kill.conf", fault_db(), 0);
	char out[4400], path[4500], *integrity, *kills;
	struct buf o = BUF_INIT;
	int nt, nc;

	(void)st;
	snprintf(out, sizeof(out), "%s/storm", fault_dir());
	assert_int_equal(http_run(NULL, "mkdir -p %s", out), 0);
	fault_restart_log("request", kc, "/request", "kill.log");
	fault_restart_log("intranet", kc, "/intranet/login", "kill.log");
	assert_int_equal(http_run(&o, "timeout -k 5 150 tests/faults/kill-storm.sh "
	    "%s %s %s %s %s %s", getenv("REKISTERI_BASE_URL"), state, staff,
	    csrf, out, ROUNDS), 0);
	/* back on the harness's log, started afresh */
	sleep(2);
	fault_restart("request", kc, "/request");
	fault_restart("intranet", kc, "/intranet/login");

	snprintf(path, sizeof(path), "%s/kills", out);
	kills = http_read_file(path, NULL);
	assert_non_null(kills);
	printf("kills: %d (writer %s)\n", fault_lines(kills),
	    strstr(kills, "writer") ? "among them" : "not hit");
	assert_true(fault_lines(kills) >= 4);
	free(kills);
	snprintf(path, sizeof(path), "%s/tickets", out);
	nt = each_line(path, ticket_there);
	snprintf(path, sizeof(path), "%s/customers", out);
	nc = each_line(path, customer_there);
	printf("answered 303: %d tickets, %d customers\n", nt, nc);
	assert_true(nt > 0 && nc > 0);
	integrity = http_db_text("PRAGMA integrity_check", NULL);
	assert_non_null(integrity);
	assert_string_equal(integrity, "ok");
	free(integrity);
	fault_tickets_verify();
	assert_int_equal(http_run(&o, "%s audit verify", fault_cli()), 0);
	/* no sanitizer report while the executables were killed */
	assert_int_equal(http_run(&o, "grep -cE 'Sanitizer|runtime error:' "
	    "%s/log/kill.log", state), 1);
	buf_free(&o);
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (fault_setup() != 0 || http_request_setup() != 0 ||
	    http_user_add("tappo1", "handler", PW) != 0)
		return -1;
	staff = http_login("tappo1", PW);
	http_session(&r, "GET", "/intranet/customers/new", staff, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	return csrf == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(storm),
	};

	return http_group_main("faults_kill", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
