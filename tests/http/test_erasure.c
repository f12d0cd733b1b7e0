/*
 * test_erasure.c — erasure through the real executables (#14): a record
 * made on the intranet's form, with a ban, erased by `rekisteri customer
 * erase --apply`; its page is gone (404) and the audit log names it by id
 * only; the same person entered again on the new-record form is stopped by
 * the suppression list (nothing stored, the warning shown in Finnish and
 * English) until staff confirm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "http.h"

#define PW	"Poistetaan huolellisesti 2026"

static const char *cli;
static char *handler_id, *handler_csrf;

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	cli = getenv("REKISTERI_CLI");
	if (cli == NULL || http_user_add("erase1", "handler", PW) != 0)
		return -1;
	handler_id = http_login("erase1", PW);
	http_session(&r, "GET", "/intranet/customers/new", handler_id, NULL);
	handler_csrf = http_csrf(&r);
	http_resp_free(&r);
	return handler_csrf == NULL ? -1 : 0;
}

static int
teardown(void **st)
{
	(void)st;
	free(handler_id);
	free(handler_csrf);
	return 0;
}

static void
erase_then_suppressed(void **st)
{
	struct http_resp r;
	struct buf out = BUF_INIT;
	char *body, *num, page[64], id[24];
	long long before;

	(void)st;
	body = http_form("csrf", handler_csrf, "first_name", "Unohdettava",
	    "last_name", "Henkilö", "email", "unohda.minut@example.fi",
	    "phone", "040 765 4321", "street", "Poistotie 9", "postal_code",
	    "00990", "city", "Helsinki", "country", "FI", "source", "customer",
	    NULL);
	http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	snprintf(id, sizeof(id), "%lld", http_db_int("SELECT id FROM customers"
	    " WHERE email = ?1", "unohda.minut@example.fi"));
	num = http_db_text("SELECT number FROM customers WHERE id = ?1", id);
	assert_non_null(num);
	http_db_exec("INSERT INTO bans (customer_id, purpose, since, via)"
	    " SELECT id, 'direct_marketing', '2026-01-01', 'phone' FROM customers"
	    " WHERE email = 'unohda.minut@example.fi'");

	assert_int_equal(http_run(&out, "%s customer erase %s --apply --lang en",
	    cli, num), 0);
	assert_non_null(strstr(out.data, "erased "));
	buf_free(&out);
	snprintf(page, sizeof(page), "/intranet/customer?id=%s", id);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'customer.erase' AND object_id = ?1 AND summary NOT LIKE"
	    " '%Unohdettava%' AND summary NOT LIKE '%@%'", id), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE id ="
	    " ?1", id), 0);

	/* the same email again, another name: stopped, nothing stored */
	before = http_db_int("SELECT count(*) FROM customers", NULL);
	body = http_form("csrf", handler_csrf, "first_name", "Toinen",
	    "last_name", "Nimi", "email", "Unohda.Minut@Example.fi",
	    "country", "FI", "source", "customer", NULL);
	http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "estolista"));
	assert_true(http_body_has(&r, "name=\"suppression_ok\""));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before);
	/* in English too */
	http_session(&r, "POST", "/intranet/customers/new?lang=en", handler_id,
	    body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "the suppression list"));
	http_resp_free(&r);
	/* staff confirm: stored, with a new id */
	body = http_form("csrf", handler_csrf, "first_name", "Toinen",
	    "last_name", "Nimi", "email", "Unohda.Minut@Example.fi",
	    "country", "FI", "source", "customer", "suppression_ok", "1", NULL);
	http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before + 1);
	assert_true(http_db_int("SELECT max(id) FROM customers", NULL) >
	    atoll(id));
	free(num);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(erase_then_suppressed),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("erasure", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
