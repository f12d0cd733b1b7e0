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
static char *handler_id, *handler_csrf, *admin_id, *admin_csrf;

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	cli = getenv("REKISTERI_CLI");
	if (cli == NULL || http_user_add("erase1", "handler", PW) != 0 ||
	    http_user_add("eraseadm", "admin", PW) != 0)
		return -1;
	admin_id = http_login("eraseadm", PW);
	http_session(&r, "GET", "/intranet/customers/new", admin_id, NULL);
	admin_csrf = http_csrf(&r);
	http_resp_free(&r);
	if (admin_csrf == NULL)
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
	free(admin_id);
	free(admin_csrf);
	return 0;
}

/* File an access request on the public form in lang; its id. */
static long long
file_request(const char *lang, const char *name, const char *email)
{
	struct http_resp r;
	const char *p, *q;
	char *token, *body, path[32];

	snprintf(path, sizeof(path), "/request?lang=%s", lang);
	http_fetch(&r, "GET", path, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	p = strstr(r.body.data, "name=\"form_token\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"form_token\" value=\"");
	q = strchr(p, '"');
	token = strndup(p, (size_t)(q - p));
	http_resp_free(&r);
	body = http_form("form_token", token, "type", "access", "name", name,
	    "email", email, "address", "Muutie 1, 00100 Helsinki", NULL);
	http_session(&r, "POST", path, NULL, body);
	free(body);
	free(token);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_db_exec("DELETE FROM request_rate");
	return http_db_int("SELECT max(id) FROM requests", NULL);
}

/*
 * A request whose email matches the suppression list of an erased person:
 * the request page shows the entry to staff, the answer's draft says it
 * exists and why (keyed hashes only, GDPR Art. 21(3)), fi and en; another
 * email shows nothing.
 */
static void
request_shows_suppression(long long rq, const char *lang, const char *staff,
    const char *sentence)
{
	struct http_resp r;
	char path[80];

	snprintf(path, sizeof(path), "/intranet/request?id=%lld&lang=%s", rq,
	    lang);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, staff));
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
	    "&kind=answer", rq);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, lang);
	assert_true(http_body_has(&r, sentence));
	http_resp_free(&r);
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

	/* the access request of someone with that email: the entry exists */
	request_shows_suppression(file_request("fi", "Joku Kysyjä",
	    "UNOHDA.minut@example.fi"), "fi", "Estolistalla",
	    "tietosuoja-asetus 21 artiklan 3 kohta");
	request_shows_suppression(file_request("en", "Some Asker",
	    "unohda.minut@example.fi"), "en", "On the suppression list",
	    "we keep only keyed hashes");
	{
		long long other = file_request("fi", "Joku Muu",
		    "joku.muu@example.fi");
		char path[80];

		snprintf(path, sizeof(path), "/intranet/request?id=%lld", other);
		http_session(&r, "GET", path, handler_id, NULL);
		assert_int_equal(r.status, 200);
		assert_false(http_body_has(&r, "Estolistalla"));
		http_resp_free(&r);
		snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
		    "&kind=answer", other);
		http_session(&r, "GET", path, handler_id, NULL);
		assert_int_equal(r.status, 200);
		assert_false(http_body_has(&r, "21 artiklan 3 kohta"));
		http_resp_free(&r);
	}
}

/* A new record by the handler through the form; its id. */
static long long
new_record(const char *last, const char *email)
{
	struct http_resp r;
	char *body = http_form("csrf", handler_csrf, "first_name", "Testi",
	    "last_name", last, "email", email, "country", "FI", "source",
	    "customer", NULL);

	http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT id FROM customers WHERE email = ?1", email);
}

/*
 * The admin's erase page: the holds and what would go; a hold refuses
 * (409), a missing confirmation or a bad reference changes nothing (400);
 * confirmed, the record is erased with its reference on the tombstone.
 * Handlers cannot reach it.
 */
static void
erase_on_the_intranet(void **st)
{
	struct http_resp r;
	char page[80], id1[24], id2[24], *body;

	(void)st;
	snprintf(id1, sizeof(id1), "%lld", new_record("Laskullinen",
	    "laskullinen@example.fi"));
	snprintf(id2, sizeof(id2), "%lld", new_record("Vapaa",
	    "vapaa@example.fi"));
	http_db_exec("INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status) SELECT id, 'E-1', '2026-11-01', 1500, 'open'"
	    " FROM customers WHERE email = 'laskullinen@example.fi'");

	/* the customer page offers it to admins only */
	snprintf(page, sizeof(page), "/intranet/customer?id=%s", id2);
	http_session(&r, "GET", page, admin_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "action=\"/intranet/customer/erase\""));
	http_resp_free(&r);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_false(http_body_has(&r, "action=\"/intranet/customer/erase\""));
	http_resp_free(&r);
	snprintf(page, sizeof(page), "/intranet/customer/erase?id=%s", id2);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);

	/* an open invoice: shown, and a POST refused with nothing changed */
	snprintf(page, sizeof(page), "/intranet/customer/erase?id=%s", id1);
	http_session(&r, "GET", page, admin_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "E-1"));
	assert_false(http_body_has(&r, "name=\"confirm\""));
	http_resp_free(&r);
	body = http_form("csrf", admin_csrf, "id", id1, "confirm", "1", NULL);
	http_session(&r, "POST", "/intranet/customer/erase", admin_id, body);
	free(body);
	assert_int_equal(r.status, 409);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE id ="
	    " ?1", id1), 1);

	/* no holds: the counts and the form, in English too */
	snprintf(page, sizeof(page), "/intranet/customer/erase?id=%s&lang=en",
	    id2);
	http_session(&r, "GET", page, admin_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "I confirm: the data cannot be restored"));
	http_resp_free(&r);
	/* unconfirmed, or a reference that could be personal data: 400 */
	body = http_form("csrf", admin_csrf, "id", id2, NULL);
	http_session(&r, "POST", "/intranet/customer/erase", admin_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	body = http_form("csrf", admin_csrf, "id", id2, "confirm", "1",
	    "reference", "Matti Meikäläinen", NULL);
	http_session(&r, "POST", "/intranet/customer/erase", admin_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE id ="
	    " ?1", id2), 1);
	/* confirmed */
	body = http_form("csrf", admin_csrf, "id", id2, "confirm", "1",
	    "reference", "TS-2026-000007", NULL);
	http_session(&r, "POST", "/intranet/customer/erase", admin_id, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "on poistettu"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE id ="
	    " ?1", id2), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_tombstones"
	    " WHERE id = ?1 AND kind = 'erased' AND reference ="
	    " 'TS-2026-000007'", id2), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'customer.erase' AND object_id = ?1 AND username = 'eraseadm'",
	    id2), 1);

	/* anonymise instead: the orders stay, the page says so */
	snprintf(id2, sizeof(id2), "%lld", new_record("Anonyymiksi",
	    "anonyymiksi@example.fi"));
	http_db_exec("INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status) SELECT id, 'A-1', '2000-01-01', 2500, 'paid'"
	    " FROM customers WHERE email = 'anonyymiksi@example.fi'");
	body = http_form("csrf", admin_csrf, "id", id2, "confirm", "1",
	    "anonymise", "1", NULL);
	http_session(&r, "POST", "/intranet/customer/erase", admin_id, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "anonymisoitu"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM orders WHERE"
	    " customer_id = ?1 AND amount_cents = 2500", id2), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE id ="
	    " ?1 AND last_name = '' AND email = ''", id2), 1);
	snprintf(page, sizeof(page), "/intranet/customer?id=%s", id2);
	http_session(&r, "GET", page, admin_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tiedot on anonymisoitu"));
	http_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(erase_then_suppressed),
		cmocka_unit_test(erase_on_the_intranet),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("erasure", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
