/*
 * test_cases.c — a data-subject request as a case that ends (issue #12,
 * first slice), through the real server: the states and their rules
 * (forward only, a closed case never moves, an answer only after the
 * identity check, a refusal only with reasons), asking the person for
 * more without moving the deadline, customer records linked both ways,
 * identity by email code only against a linked record's address, the
 * staff front page as a work list, and a closed case that is never
 * overdue. Every step is in the audit log by id and in the case's steps.
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

#include "buf.h"
#include "http.h"

#define PW	"Tapaukset suljetaan aina ajallaan 9"

static char *sid, *csrf, *aud;

/* Run sql on the test's database, read-write (the test's own hand: a confirmed email, a past deadline). */
static void
db_exec(const char *sql, const char *arg)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;

	snprintf(path, sizeof(path), "%s/rekisteri.db", getenv("REKISTERI_STATE"));
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* File a request on the public form; its id. */
static long long
file_request(const char *type, const char *name, const char *email)
{
	struct http_resp r;
	const char *p, *q;
	char *token, *body;

	http_fetch(&r, "GET", "/request", NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	p = strstr(r.body.data, "name=\"form_token\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"form_token\" value=\"");
	q = strchr(p, '"');
	token = strndup(p, (size_t)(q - p));
	http_resp_free(&r);
	body = http_form("form_token", token, "type", type, "name", name,
	    "email", email, NULL);
	http_session(&r, "POST", "/request", NULL, body);
	free(body);
	free(token);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT max(id) FROM requests", NULL);
}

/* A customer record made on the staff form; its id. */
static long long
new_customer(const char *last, const char *email)
{
	struct http_resp r;
	char *body = http_form("csrf", csrf, "first_name", "Tea", "last_name",
	    last, "email", email, "country", "FI", "source", "customer", NULL);

	http_session(&r, "POST", "/intranet/customers/new", sid, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT max(id) FROM customers", NULL);
}

/* POST a step of request id (extra fields after it, NULL-terminated); the response kept in r. */
static void
step(struct http_resp *r, const char *what, long long id, const char *k1,
    const char *v1, const char *k2, const char *v2)
{
	char path[64], idt[24], *body;

	snprintf(path, sizeof(path), "/intranet/request/%s", what);
	snprintf(idt, sizeof(idt), "%lld", id);
	body = http_form("csrf", csrf, "id", idt, k1, v1, k2, v2, NULL);
	http_session(r, "POST", path, sid, body);
	free(body);
}

/* The status of a step, the response freed. */
static long
step_status(const char *what, long long id, const char *k1, const char *v1)
{
	struct http_resp r;
	long s;

	step(&r, what, id, k1, v1, NULL, NULL);
	s = r.status;
	http_resp_free(&r);
	return s;
}

static long long
count(const char *sql, long long id)
{
	char idt[24];

	snprintf(idt, sizeof(idt), "%lld", id);
	return http_db_int(sql, idt);
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (http_user_add("case1", "handler", PW) != 0 ||
	    http_user_add("caseaud", "auditor", PW) != 0)
		return -1;
	sid = http_login("case1", PW);
	aud = http_login("caseaud", PW);
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
	free(aud);
	return 0;
}

/* The states, their order and their rules, each step audited and recorded. */
static void
states(void **st)
{
	struct http_resp r;
	long long id = file_request("access", "Sanni Tila", "sanni@example.org");
	char idt[24], path[64];

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	/* an answer with personal data waits for the identity check */
	step(&r, "answer", id, "note", "Tiedot lähetetty", NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Varmista pyytäjän henkilöllisyys"));
	/* the message takes focus (#20) */
	assert_true(http_body_has(&r, "<p class=\"error form-error\" role=\"alert\""
	    " tabindex=\"-1\" autofocus=\"autofocus\">"));
	http_resp_free(&r);
	assert_int_equal(step_status("start", id, NULL, NULL), 303);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " status = 'in_progress' AND closed_at IS NULL", id), 1);
	/* only forward: taken up once */
	assert_int_equal(step_status("start", id, NULL, NULL), 422);
	/* a refusal needs its reasons (GDPR Art. 12(4)) */
	step(&r, "refuse", id, "note", "  ", NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Kirjoita perustelut"));
	http_resp_free(&r);
	/* asking for more keeps the deadline */
	{
		long long before = count("SELECT julianday(deadline) FROM requests"
		    " WHERE id = ?1", id);

		assert_int_equal(step_status("ask", id, "note",
		    "Pyydetty asiakasnumero"), 303);
		assert_int_equal(count("SELECT julianday(deadline) FROM requests"
		    " WHERE id = ?1", id), before);
		assert_int_equal(count("SELECT count(*) FROM requests WHERE id = ?1"
		    " AND asked_at IS NOT NULL", id), 1);
	}
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Odottaa pyytäjää"));
	assert_true(http_body_has(&r, "Pyydetty asiakasnumero"));
	http_resp_free(&r);
	/* identity by another way, then the answer closes the case */
	assert_int_equal(step_status("identity", id, "method", "other") , 422);
	step(&r, "identity", id, "method", "other", "note", "Tunnettu asiakas");
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(step_status("answer", id, "note", "Kopio lähetetty"), 303);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " status = 'answered' AND closed_at IS NOT NULL AND closed_by IS NOT"
	    " NULL", id), 1);
	/* a closed case never moves again */
	assert_int_equal(step_status("refuse", id, "note", "Myöhemmin"), 422);
	assert_int_equal(step_status("ask", id, "note", "Vielä"), 422);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " status = 'answered'", id), 1);
	/* every step in the case and in the audit log, by id, without the notes */
	assert_int_equal(count("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND action IN ('in_progress', 'asked', 'identity',"
	    " 'answered')", id), 4);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE object_id ="
	    " ?1 AND action IN ('request.start', 'request.asked',"
	    " 'request.answered')", id), 3);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE '%Kopio%' OR summary LIKE '%asiakasnumero%'", NULL), 0);
	/* a closed case is never overdue, even past its deadline */
	db_exec("UPDATE requests SET deadline = '2020-01-01' WHERE id = ?1", idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_true(http_body_has(&r, "Vastattu"));
	assert_false(http_body_has(&r, "Myöhässä"));
	http_resp_free(&r);
}

/* Partly refused and refused: both close the case with their reasons. */
static void
refusals(void **st)
{
	long long a = file_request("erasure", "Pekka Osittain",
	    "pekka@example.org");
	long long b = file_request("objection", "Paula Kielto",
	    "paula@example.org");

	(void)st;
	/* a refusal needs no identity check; a partial one gives data out, so does */
	assert_int_equal(step_status("partly-refuse", a, "note",
	    "Laskut säilytetään kirjanpitolain vuoksi"), 422);
	assert_int_equal(step_status("refuse", b, "note",
	    "Pyyntö on ilmeisen perusteeton"), 303);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " status = 'refused'", b), 1);
	assert_int_equal(count("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND action = 'refused' AND note LIKE '%perusteeton'",
	    b), 1);
}

/* Links both ways, and identity by email code only against a linked record. */
static void
links_and_identity(void **st)
{
	struct http_resp r;
	long long id = file_request("access", "Tea Linkki", "tea@example.org");
	long long cid = new_customer("Linkki", "tea@example.org");
	long long other = new_customer("Muu", "muu@example.org");
	char idt[24], cidt[24], path[64], number[16];

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	snprintf(cidt, sizeof(cidt), "%lld", cid);
	snprintf(number, sizeof(number), "A%06lld", other);
	/* a record match needs a linked record */
	assert_int_equal(step_status("identity", id, "method", "record_match"),
	    422);
	/* the email code needs the followed link ... */
	assert_int_equal(step_status("identity", id, "method", "email_code"),
	    422);
	db_exec("UPDATE requests SET email_confirmed_at = '2026-01-01T00:00:00Z'"
	    " WHERE id = ?1", idt);
	/* ... and a linked record with that address: another record's is not enough */
	assert_int_equal(step_status("link", id, "number", number), 303);
	step(&r, "identity", id, "method", "email_code", NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "pyyntöön liitetyn asiakkaan"));
	http_resp_free(&r);
	assert_int_equal(step_status("link", id, "customer", cidt), 303);
	assert_int_equal(count("SELECT count(*) FROM request_customers WHERE"
	    " request_id = ?1", id), 2);
	assert_int_equal(step_status("identity", id, "method", "email_code"),
	    303);
	/* shown both ways */
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", cid);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	{
		char want[64];

		snprintf(want, sizeof(want), "request?id=%lld\"", id);
		assert_true(http_body_has(&r, want));
	}
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", id);
	http_session(&r, "GET", path, sid, NULL);
	assert_true(http_body_has(&r, number));
	http_resp_free(&r);
	/* unlinked, and an unknown customer refused */
	assert_int_equal(step_status("unlink", id, "customer", cidt), 303);
	assert_int_equal(count("SELECT count(*) FROM request_customers WHERE"
	    " request_id = ?1", id), 1);
	assert_int_equal(step_status("link", id, "number", "A999999"), 422);
	assert_int_equal(step_status("link", 999999, "customer", cidt), 404);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE object_id ="
	    " ?1 AND action IN ('request.link', 'request.unlink')", id), 3);
}

/* The front page: a work list for handlers, by deadline; none for auditors. */
static void
dashboard(void **st)
{
	struct http_resp r;
	long long id = file_request("restriction", "Kaisa Kiire",
	    "kaisa@example.org");
	char idt[24], want[64];

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	db_exec("UPDATE requests SET deadline = '2020-01-01' WHERE id = ?1", idt);
	http_session(&r, "GET", "/intranet/", sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Avoimet tietosuojapyynnöt"));
	snprintf(want, sizeof(want), "request?id=%lld\"", id);
	assert_true(http_body_has(&r, want));
	assert_true(http_body_has(&r, "Myöhässä"));
	assert_true(http_body_has(&r, "Henkilöllisyys varmistamatta"));
	/* the overdue one first: the nearest deadline leads */
	{
		const char *first = strstr(r.body.data, "request?id=");

		assert_non_null(first);
		assert_int_equal(strncmp(first, want, strlen(want)), 0);
	}
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/", aud, NULL);
	assert_int_equal(r.status, 200);
	assert_false(http_body_has(&r, "Avoimet tietosuojapyynnöt"));
	http_resp_free(&r);
}

/* rekisteri request list: a line per request, the open and overdue ones apart, no names. */
static void
cli_list(void **st)
{
	struct buf out = BUF_INIT;
	long long open = file_request("portability", "Liisa Lista",
	    "liisa@example.org");
	char idt[24], *number, line[80];

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", open);
	db_exec("UPDATE requests SET deadline = '2021-03-04' WHERE id = ?1", idt);
	number = NULL;
	{
		char path[1024];
		sqlite3 *db;
		sqlite3_stmt *q;

		snprintf(path, sizeof(path), "%s/rekisteri.db",
		    getenv("REKISTERI_STATE"));
		assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
		    NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT number FROM requests"
		    " WHERE id = ?1", -1, &q, NULL), SQLITE_OK);
		sqlite3_bind_int64(q, 1, open);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		number = strdup((const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
	snprintf(line, sizeof(line), "%s received 2021-03-04 form overdue\n",
	    number);
	assert_int_equal(http_run(&out, "%s request list --overdue",
	    getenv("REKISTERI_CLI")), 0);
	assert_non_null(strstr(buf_cstr(&out), line));
	/* closed cases are never overdue, and nobody is named */
	assert_null(strstr(buf_cstr(&out), " answered "));
	assert_null(strstr(buf_cstr(&out), "Liisa"));
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s request list --open",
	    getenv("REKISTERI_CLI")), 0);
	assert_non_null(strstr(buf_cstr(&out), number));
	assert_null(strstr(buf_cstr(&out), " refused "));
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s request list",
	    getenv("REKISTERI_CLI")), 0);
	assert_non_null(strstr(buf_cstr(&out), " refused "));
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s request list --late 2>&1",
	    getenv("REKISTERI_CLI")), 2);
	buf_free(&out);
	free(number);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states),
		cmocka_unit_test(refusals),
		cmocka_unit_test(links_and_identity),
		cmocka_unit_test(dashboard),
		cmocka_unit_test(cli_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
