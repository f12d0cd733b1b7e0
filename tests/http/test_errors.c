/*
 * test_errors.c — the one error path of every handler, through the real
 * server: a transaction a handler leaves open is rolled back before the
 * worker's next request, and a change whose audit row cannot be written
 * is not made at all (the change and its row commit together).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "http.h"

#define PW	"Virheet kirjataan aina huolella 8"

static char *sid, *csrf;

/* Run sql on the test's database, read-write (the test's own hand on it). */
static void
db_exec(const char *sql)
{
	char path[1024];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/rekisteri.db", getenv("REKISTERI_STATE"));
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (http_user_add("errors1", "handler", PW) != 0)
		return -1;
	sid = http_login("errors1", PW);
	http_session(&r, "GET", "/intranet/customers/new", sid, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	return csrf == NULL ? -1 : 0;
}

static int
teardown(void **st)
{
	(void)st;
	free(sid);
	free(csrf);
	return 0;
}

/* The testapp runs one worker: every request below reaches the same connection. */
static void
leaked_transaction_is_rolled_back(void **st)
{
	struct http_resp r;

	(void)st;
	for (int i = 0; i < 3; i++) {
		http_fetch(&r, "GET", "/test/leak", NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
		/* inside the leaked transaction this would be refused: 500 */
		http_fetch(&r, "GET", "/test/read", NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		assert_true(http_body_has(&r, "read"));
		http_resp_free(&r);
	}
}

/* POST a form as the handler; the status. */
static long
post(const char *path, const char *body)
{
	struct http_resp r;
	long status;

	http_session(&r, "POST", path, sid, body);
	status = r.status;
	http_resp_free(&r);
	return status;
}

static void
failed_audit_changes_nothing(void **st)
{
	long long customers, bans, rows, id;
	char *body, idtext[24];

	(void)st;
	body = http_form("csrf", csrf, "first_name", "Virve", "last_name",
	    "Virhe", "country", "FI", "source", "customer", NULL);
	assert_int_equal(post("/intranet/customers/new", body), 303);
	free(body);
	id = http_db_int("SELECT max(id) FROM customers", NULL);
	assert_true(id > 0);
	snprintf(idtext, sizeof(idtext), "%lld", id);
	customers = http_db_int("SELECT count(*) FROM customers", NULL);
	bans = http_db_int("SELECT count(*) FROM bans WHERE customer_id = ?1",
	    idtext);
	rows = http_db_int("SELECT count(*) FROM audit_log", NULL);

	/* from now on no audit row can be written */
	db_exec("CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log"
	    " BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END");
	body = http_form("csrf", csrf, "first_name", "Ville", "last_name",
	    "Virhe", "country", "FI", "source", "customer", NULL);
	assert_int_equal(post("/intranet/customers/new", body), 500);
	free(body);
	body = http_form("csrf", csrf, "id", idtext, "purpose",
	    "direct_marketing", "via", "phone", "since", "2026-01-02",
	    "reference", "", NULL);
	assert_int_equal(post("/intranet/customer/ban", body), 500);
	free(body);
	body = http_form("csrf", csrf, "id", idtext, "reason", "Kiistetty",
	    NULL);
	assert_int_equal(post("/intranet/customer/restrict", body), 500);
	free(body);
	db_exec("DROP TRIGGER test_audit_fails");

	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    customers);
	assert_int_equal(http_db_int("SELECT count(*) FROM bans WHERE"
	    " customer_id = ?1", idtext), bans);
	assert_int_equal(http_db_int("SELECT restricted FROM customers WHERE"
	    " id = ?1", idtext), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log", NULL),
	    rows);

	/* and the same workers take the same change once the log works */
	body = http_form("csrf", csrf, "id", idtext, "purpose",
	    "direct_marketing", "via", "phone", "since", "2026-01-02",
	    "reference", "", NULL);
	assert_int_equal(post("/intranet/customer/ban", body), 303);
	free(body);
	assert_int_equal(http_db_int("SELECT count(*) FROM bans WHERE"
	    " customer_id = ?1", idtext), bans + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaked_transaction_is_rolled_back),
		cmocka_unit_test(failed_audit_changes_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
