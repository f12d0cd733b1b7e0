/*
 * test_faults_kill — SIGKILL under load (#17, docs/faults.md): while two
 * loops post the public request form, two post staff edits and one opens
 * a record, tests/faults/kill-storm.sh sends eight SIGKILLs, each to a
 * request worker, the request writer (group commit), an intranet worker,
 * the audit writer (group commit of the views' rows) or a web server
 * child, at random moments. Afterwards every change answered with success
 * (303) is in the database, every view answered 200 has its audit row,
 * integrity_check is ok, every stored ticket verifies and the audit
 * chain holds. The executables log to STATE/log/kill.log meanwhile
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
#define KILLS	"8"	/* SIGKILLs; the loops go on until the last */

static char *staff, *csrf;
static char view_id[24];	/* the record the view loop opens */

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
view_counted(const char *id)
{
	assert_string_equal(id, view_id);
}

static void
storm(void **st)
{
	const char *state = getenv("REKISTERI_STATE");
	const char *kc = fault_conf("kill.conf", fault_db(), 0);
	char out[4400], path[4500], *integrity, *kills;
	struct buf o = BUF_INIT;
	long long views0, views;
	int nt, nc, nv;

	(void)st;
	snprintf(out, sizeof(out), "%s/storm", fault_dir());
	assert_int_equal(http_run(NULL, "mkdir -p %s", out), 0);
	fault_restart_log("request", kc, "/request", "kill.log");
	fault_restart_log("intranet", kc, "/intranet/login", "kill.log");
	views0 = http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.view' AND object_id = ?1", view_id);
	assert_int_equal(http_run(&o, "timeout -k 5 150 tests/faults/kill-storm.sh "
	    "%s %s %s %s %s %s %s", getenv("REKISTERI_BASE_URL"), state, staff,
	    csrf, out, KILLS, view_id), 0);
	/* back on the harness's log, started afresh */
	sleep(2);
	fault_restart("request", kc, "/request");
	fault_restart("intranet", kc, "/intranet/login");

	snprintf(path, sizeof(path), "%s/kills", out);
	kills = http_read_file(path, NULL);
	assert_non_null(kills);
	printf("kills: %d (request writer %s, audit writer %s)\n",
	    fault_lines(kills), strstr(kills, "\nwriter") != NULL ||
	    strncmp(kills, "writer", 6) == 0 ? "among them" : "not hit",
	    strstr(kills, "audit-writer") ? "among them" : "not hit");
	assert_int_equal(fault_lines(kills), atoi(KILLS));
	free(kills);
	snprintf(path, sizeof(path), "%s/tickets", out);
	nt = each_line(path, ticket_there);
	snprintf(path, sizeof(path), "%s/customers", out);
	nc = each_line(path, customer_there);
	/* every view answered 200 has its audit row (more: a writer killed
	 * after its commit, before its answer) */
	snprintf(path, sizeof(path), "%s/views", out);
	nv = each_line(path, view_counted);
	views = http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.view' AND object_id = ?1", view_id) - views0;
	printf("answered: %d tickets, %d customers, %d views (%lld rows)\n",
	    nt, nc, nv, views);
	assert_true(nt > 0 && nc > 0 && nv > 0);
	assert_true(views >= nv);
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
	char body[256];

	(void)st;
	if (fault_setup() != 0 || http_request_setup() != 0 ||
	    http_user_add("tappo1", "handler", PW) != 0)
		return -1;
	staff = http_login("tappo1", PW);
	http_session(&r, "GET", "/intranet/customers/new", staff, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	if (csrf == NULL)
		return -1;
	/* the record the view loop opens */
	snprintf(body, sizeof(body), "first_name=Katsottu&last_name="
	    "Tappokatsottu&country=fi&source=customer&csrf=%s", csrf);
	http_session(&r, "POST", "/intranet/customers/new", staff, body);
	http_resp_free(&r);
	snprintf(view_id, sizeof(view_id), "%lld", http_db_int("SELECT id FROM"
	    " customers WHERE last_name = 'Tappokatsottu'", NULL));
	return strcmp(view_id, "0") == 0 ? -1 : 0;
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
