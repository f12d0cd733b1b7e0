/*
 * test_faults_full — the database full, as on a full disk (#17,
 * docs/faults.md): the FastCGI executables are started again with the
 * test-only [database] max_pages (SQLite's max_page_count at the file's
 * size), then public form posts and staff edits go on until one is
 * refused. Refused ones answer 503 with Retry-After and a page in the
 * user's language; nothing is half-written (integrity_check ok, every row
 * answered 303 is there and no other, every stored ticket verifies, the
 * audit chain holds); once space returns everything works again.
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

#define PW	"Taysi-levy-salasana-42"
#define TRIES	400	/* posts at most before the database must be full */

static char *staff, *csrf, text[1801];

/* 503 with Retry-After retry and a well-formed page in lang saying key. */
static void
assert_unavailable(const struct http_resp *r, const char *lang,
    const char *key, const char *retry)
{
	char *ra = http_header(r, "Retry-After");

	if (r->status != 503)
		fail_msg("%ld, not 503:\n%s", r->status, r->body.data);
	assert_non_null(ra);
	assert_string_equal(ra, retry);
	free(ra);
	http_assert_page(r, lang);
	if (!http_body_has(r, http_msg(lang, key)))
		fail_msg("no %s (%s):\n%s", key, lang, r->body.data);
}

static char *
request_body(const char *token)
{
	return http_form("form_token", token, "type", "rectification", "name",
	    "Täysi Levy", "email", "taysi@example.fi", "free_text", text, NULL);
}

static char *
customer_body(void)
{
	return http_form("csrf", csrf, "first_name", "Täysi", "last_name",
	    "Levy", "country", "fi", "source", "customer", "notes", text, NULL);
}

static void
full_then_space(void **st)
{
	struct http_resp r;
	long long req0 = http_db_int("SELECT count(*) FROM requests", NULL);
	long long cus0 = http_db_int("SELECT count(*) FROM customers", NULL);
	long long req_ok = 0, cus_ok = 0;
	char *tok = NULL, *b = NULL, *refused = NULL, *integrity;
	const char *full = fault_conf("full.conf", fault_db(), 1);
	int i;

	(void)st;
	fault_restart("request", full, "/request");
	fault_restart("intranet", full, "/intranet/login");
	/* the public form until it is refused */
	for (i = 0; i < TRIES; i++) {
		tok = http_form_token();
		b = request_body(tok);
		http_session(&r, "POST", "/request", NULL, b);
		if (r.status != 303)
			break;
		req_ok++;
		http_resp_free(&r);
		free(b);
		free(tok);
	}
	if (i == TRIES)
		fail_msg("%d posts and still not full", TRIES);
	assert_unavailable(&r, "fi", "request.store_unavailable", "300");
	assert_true(http_body_has(&r, "Täysi Levy"));	/* kept for later */
	http_resp_free(&r);
	refused = b;
	free(tok);
	http_session(&r, "POST", "/request?lang=en", NULL, refused);
	assert_unavailable(&r, "en", "request.store_unavailable", "300");
	http_resp_free(&r);
	/* staff edits until refused */
	for (i = 0; i < TRIES; i++) {
		b = customer_body();
		http_session(&r, "POST", "/intranet/customers/new", staff, b);
		free(b);
		if (r.status != 303)
			break;
		cus_ok++;
		http_resp_free(&r);
	}
	if (i == TRIES)
		fail_msg("%d edits and still not full", TRIES);
	assert_unavailable(&r, "fi", "error.503.full", "300");
	http_resp_free(&r);
	b = customer_body();
	http_session(&r, "POST", "/intranet/customers/new?lang=en", staff, b);
	assert_unavailable(&r, "en", "error.503.full", "300");
	http_resp_free(&r);
	free(b);

	/* nothing half-written */
	integrity = http_db_text("PRAGMA integrity_check", NULL);
	assert_non_null(integrity);
	assert_string_equal(integrity, "ok");
	free(integrity);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests", NULL),
	    req0 + req_ok);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    cus0 + cus_ok);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history WHERE"
	    " customer_id NOT IN (SELECT id FROM customers)", NULL), 0);
	fault_tickets_verify();
	assert_int_equal(http_run(NULL, "%s audit verify", fault_cli()), 0);

	/* space returns: the refused form and an edit are stored */
	full = fault_conf("space.conf", fault_db(), 0);
	fault_restart("request", full, "/request");
	fault_restart("intranet", full, "/intranet/login");
	http_session(&r, "POST", "/request", NULL, refused);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	b = customer_body();
	http_session(&r, "POST", "/intranet/customers/new", staff, b);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	free(b);
	free(refused);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests", NULL),
	    req0 + req_ok + 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    cus0 + cus_ok + 1);
	integrity = http_db_text("PRAGMA integrity_check", NULL);
	assert_string_equal(integrity, "ok");
	free(integrity);
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	memset(text, 'x', sizeof(text) - 1);
	if (fault_setup() != 0 || http_request_setup() != 0 ||
	    http_user_add("taysi1", "handler", PW) != 0)
		return -1;
	staff = http_login("taysi1", PW);
	http_session(&r, "GET", "/intranet/customers/new", staff, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	return csrf == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_then_space),
	};

	return http_group_main("faults_full", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
