/*
 * test_answers.c — a request's answer in the register (issue #13),
 * through the real server: a rectification made on the record form for
 * the request (the person as source, the ticket number as reference), then
 * the request's list of parties to tell (GDPR Art. 19: the source of the
 * corrected value and every recipient of a disclosure) with their "told on
 * DATE how METHOD" marks; bans, the restriction and objections set from the
 * request (via 'request', the ticket number); lifting the restriction
 * refused until the person was told (Art. 18(3)); an objection to direct
 * marketing sets the four marketing bans and cannot be refused (Art.
 * 21(3)); nothing changes for a record not linked, or a closed request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

#define PW	"Oikaisut ilmoitetaan aina lähteelle 7"

static char *sid, *csrf;
static char rect_id[24];	/* the rectification's request, for the letter */

/* File a request of type on the public form (free text for a rectification); its id. */
static long long
file_request(const char *type, const char *name)
{
	struct http_resp r;
	char *token = http_form_token(), *body;

	body = http_form("form_token", token, "type", type, "name", name,
	    "email", "vastaus@example.org", "free_text",
	    "Kotikunta on väärin: oikea on Kemi.", NULL);
	http_session(&r, "POST", "/request", NULL, body);
	free(body);
	free(token);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT max(id) FROM requests", NULL);
}

/* A customer made on the staff form, its values from source; its id as text in out. */
static void
new_customer(const char *last, const char *source, char out[24])
{
	struct http_resp r;
	char *body = http_form("csrf", csrf, "first_name", "Olli", "last_name",
	    last, "street", "Torikatu 1", "postal_code", "90100", "city",
	    "Oulu", "country", "FI", "source", source, NULL);

	http_session(&r, "POST", "/intranet/customers/new", sid, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	snprintf(out, 24, "%lld", http_db_int("SELECT max(id) FROM customers",
	    NULL));
}

/* POST path with the token and fields k, v ... (NULL-terminated); the status. */
static long
post(struct http_resp *keep, const char *path, ...)
{
	struct buf b = BUF_INIT;
	struct http_resp r;
	va_list ap;
	const char *k;
	char *body;
	long s;

	va_start(ap, path);
	buf_addf(&b, "csrf=%s", csrf);
	while ((k = va_arg(ap, const char *)) != NULL) {
		char *kv = http_form(k, va_arg(ap, const char *), NULL);

		buf_addf(&b, "&%s", kv);
		free(kv);
	}
	va_end(ap);
	body = buf_take(&b);
	http_session(keep ? keep : &r, "POST", path, sid, body);
	free(body);
	s = keep ? keep->status : r.status;
	if (keep == NULL)
		http_resp_free(&r);
	return s;
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (http_request_setup() != 0 ||
	    http_user_add("answer1", "handler", PW) != 0)
		return -1;
	sid = http_login("answer1", PW);
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
	http_request_teardown();
	return 0;
}

/* Rectification → the parties to tell, with sources and recipients, and their marks. */
static void
rectification_parties(void **st)
{
	struct http_resp r;
	long long id = file_request("rectification", "Olli Oikaisija");
	char idt[24], cid[24], other[24], path[96], yesterday[11], *number;

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	number = http_db_text("SELECT number FROM requests WHERE id = ?1", idt);
	assert_non_null(number);
	new_customer("Oikaisija", "update_service", cid);
	new_customer("Muu", "update_service", other);
	assert_int_equal(post(NULL, "/intranet/customer/disclosure", "id", cid,
	    "recipient", "Luottotieto Oy", "ground", "credit_decision", "what",
	    "Nimi ja osoite", "date", "2026-11-20", NULL), 303);
	assert_int_equal(post(NULL, "/intranet/request/link", "id", idt,
	    "customer", cid, NULL), 303);
	/* nothing corrected yet: no one to tell */
	snprintf(path, sizeof(path), "/intranet/request?id=%s", idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Ilmoitettavat tahot"));
	assert_true(http_body_has(&r, "Ei ilmoitettavia tahoja"));
	assert_true(http_body_has(&r, "/intranet/customer/edit?id="));
	http_resp_free(&r);
	/* the usual form, as a correction for the request */
	snprintf(path, sizeof(path), "/intranet/customer/edit?id=%s&request=%s",
	    cid, idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, number));
	assert_false(http_body_has(&r, "name=\"source\""));
	http_resp_free(&r);
	/* not for a record the request is not about */
	snprintf(path, sizeof(path), "/intranet/customer/edit?id=%s&request=%s",
	    other, idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(post(&r, "/intranet/customer/edit", "id", cid, "request",
	    idt, "first_name", "Olli", "last_name", "Oikaisija", "street",
	    "Torikatu 1", "postal_code", "90100", "city", "Kemi", "country", "FI",
	    NULL), 303);
	http_assert_redirect(&r, "/intranet/request?id=");
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history"
	    " WHERE customer_id = ?2 AND field = 'city' AND new_value = 'Kemi' AND"
	    " source = 'customer' AND reference = ?1", number, cid), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND action = 'rectified' AND note = 'city'", idt), 1);
	/* the record's history names the request */
	snprintf(path, sizeof(path), "/intranet/customer?id=%s", cid);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	{
		char needle[96];

		snprintf(needle, sizeof(needle), "<span class=\"ticket-number\">"
		    "%s</span>", number);
		assert_true(http_body_has(&r, needle));
	}
	http_resp_free(&r);
	/* the source of the wrong value and the recipient, neither told yet */
	snprintf(path, sizeof(path), "/intranet/request?id=%s", idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Osoitteenpäivityspalvelu"));
	assert_true(http_body_has(&r, "Luottotieto Oy"));
	assert_true(http_body_has(&r, "Nimi ja osoite"));
	assert_true(http_body_has(&r, "ei vielä"));
	http_resp_free(&r);
	/* told on a day, how */
	http_date(yesterday, -1);
	assert_int_equal(post(NULL, "/intranet/request/told", "id", idt,
	    "customer", cid, "kind", "recipient", "party", "Luottotieto Oy",
	    "told_on", yesterday, "how", "letter", NULL), 303);
	assert_int_equal(post(NULL, "/intranet/request/told", "id", idt,
	    "customer", cid, "kind", "source", "party", "update_service",
	    "told_on", yesterday, "how", "email", NULL), 303);
	assert_int_equal(http_db_int2("SELECT count(*) FROM request_told WHERE"
	    " request_id = ?1 AND customer_id = ?2", idt, cid), 2);
	http_session(&r, "GET", path, sid, NULL);
	assert_true(http_body_has(&r, "kirjeellä"));
	assert_true(http_body_has(&r, "sähköpostilla"));
	assert_false(http_body_has(&r, "ei vielä"));
	http_resp_free(&r);
	/* a party not on the list, or a day to come: refused with the reason */
	assert_int_equal(post(&r, "/intranet/request/told", "id", idt,
	    "customer", cid, "kind", "recipient", "party", "Joku Muu Oy",
	    "told_on", yesterday, "how", "letter", NULL), 422);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tätä tahoa ei ole ilmoitettavien"));
	http_resp_free(&r);
	assert_int_equal(post(&r, "/intranet/request/told", "id", idt,
	    "customer", cid, "kind", "recipient", "party", "Luottotieto Oy",
	    "told_on", "2099-01-01", "how", "letter", NULL), 422);
	assert_true(http_body_has(&r, "tulevaisuudessa"));
	http_resp_free(&r);
	/* a record not linked to the request */
	assert_int_equal(post(&r, "/intranet/request/told", "id", idt,
	    "customer", other, "kind", "recipient", "party", "Luottotieto Oy",
	    "told_on", yesterday, "how", "letter", NULL), 422);
	assert_true(http_body_has(&r, "Asiakas ei ole liitetty"));
	http_resp_free(&r);
	snprintf(rect_id, sizeof(rect_id), "%s", idt);
	free(number);
}

/* The answer letter lists the parties with their marks when the person asks (Art. 19). */
static void
letter_lists_parties(void **st)
{
	struct http_resp r;
	const char *idt = rect_id;
	char path[96];

	(void)st;
	assert_true(idt[0] != '\0');
	/* the request page's list in English */
	snprintf(path, sizeof(path), "/intranet/request?id=%s&lang=en", idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "Parties to tell (GDPR Art. 19)"));
	assert_true(http_body_has(&r, "Address update service"));
	assert_true(http_body_has(&r, "by letter"));
	http_resp_free(&r);
	assert_int_equal(post(NULL, "/intranet/request/letter", "id", idt, "kind",
	    "answer", "action", "save", "type.rectification", "Kotikunta korjattu.",
	    NULL), 303);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%s&kind=answer",
	    idt);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	assert_false(http_body_has(&r, "<strong>Luottotieto Oy</strong>"));
	http_resp_free(&r);
	assert_int_equal(post(NULL, "/intranet/request/letter", "id", idt, "kind",
	    "answer", "action", "save", "type.rectification", "Kotikunta korjattu.",
	    "list_parties", "1", NULL), 303);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kenelle korjauksesta on ilmoitettu"));
	assert_true(http_body_has(&r, "<strong>Luottotieto Oy</strong>"));
	assert_true(http_body_has(&r, "<strong>Osoitteenpäivityspalvelu</strong>"));
	http_resp_free(&r);
	assert_int_equal(post(NULL, "/intranet/request/letter", "id", idt, "kind",
	    "answer", "action", "save", "type.rectification", "x",
	    "list_parties", "yes", NULL), 422);
}

/* Bans, restriction and objection from a request: via 'request' and the number. */
static void
restriction_objection_bans(void **st)
{
	struct http_resp r;
	long long id = file_request("restriction", "Rauni Rajoittaja");
	char idt[24], cid[24], yesterday[11], *number;

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	number = http_db_text("SELECT number FROM requests WHERE id = ?1", idt);
	new_customer("Rajoittaja", "customer", cid);
	assert_int_equal(post(NULL, "/intranet/request/link", "id", idt,
	    "customer", cid, NULL), 303);
	/* a ban */
	assert_int_equal(post(NULL, "/intranet/request/ban", "id", idt,
	    "customer", cid, "purpose", "publication", NULL), 303);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE"
	    " customer_id = ?2 AND purpose = 'publication' AND via = 'request'"
	    " AND reference = ?1", number, cid), 1);
	assert_int_equal(post(NULL, "/intranet/request/ban", "id", idt,
	    "customer", cid, "purpose", "everything", NULL), 400);
	/* the restriction, with the request's number */
	assert_int_equal(post(NULL, "/intranet/request/restrict", "id", idt,
	    "customer", cid, "reason", "Oikeellisuus kiistetty", NULL), 303);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history"
	    " WHERE customer_id = ?2 AND field = 'restricted' AND reference = ?1"
	    " AND source = 'customer'", number, cid), 1);
	/* lifted only after the person was told (Art. 18(3)) */
	assert_int_equal(post(&r, "/intranet/request/unrestrict", "id", idt,
	    "customer", cid, "reason", "Tarkistettu", NULL), 422);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Rajoitusta ei voi poistaa ennen kuin"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT restricted FROM customers WHERE id ="
	    " ?1", cid), 1);
	http_date(yesterday, -1);
	assert_int_equal(post(NULL, "/intranet/request/unrestrict", "id", idt,
	    "customer", cid, "reason", "Tarkistettu", "told_on", yesterday, "how",
	    "phone", NULL), 303);
	assert_int_equal(http_db_int("SELECT restricted FROM customers WHERE id ="
	    " ?1", cid), 0);
	/* an objection to direct marketing: never refused, four bans (Art. 21(3)) */
	assert_int_equal(post(&r, "/intranet/request/object", "id", idt,
	    "customer", cid, "kind", "direct_marketing", "outcome", "refused",
	    "reason", "Ei", NULL), 422);
	assert_true(http_body_has(&r, "Suoramarkkinoinnin vastustamista ei voi"));
	http_resp_free(&r);
	assert_int_equal(post(NULL, "/intranet/request/object", "id", idt,
	    "customer", cid, "kind", "direct_marketing", "outcome", "upheld",
	    "reason", "", NULL), 303);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE"
	    " customer_id = ?2 AND via = 'request' AND reference = ?1 AND"
	    " (purpose = 'advertising' OR purpose = 'distance_selling' OR"
	    " purpose = 'direct_marketing' OR purpose = 'research')", number,
	    cid), 4);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND (action = 'ban' OR action = 'restrict' OR"
	    " action = 'unrestrict' OR action = 'object')", idt), 4);
	/* the case's steps say it in words */
	{
		char path[64];

		snprintf(path, sizeof(path), "/intranet/request?id=%s", idt);
		http_session(&r, "GET", path, sid, NULL);
		assert_int_equal(r.status, 200);
		http_assert_page(&r, "fi");
		assert_true(http_body_has(&r, "Vastustus kirjattu"));
		http_resp_free(&r);
	}
	/* a closed request changes nothing more */
	assert_int_equal(post(NULL, "/intranet/request/refuse", "id", idt, "note",
	    "Ei perusteita", NULL), 303);
	assert_int_equal(post(&r, "/intranet/request/ban", "id", idt,
	    "customer", cid, "purpose", "disclosure", NULL), 422);
	assert_true(http_body_has(&r, "Pyynnön käsittely on päättynyt"));
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE"
	    " customer_id = ?2 AND purpose = ?1", "disclosure", cid), 0);
	free(number);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rectification_parties),
		cmocka_unit_test(letter_lists_parties),
		cmocka_unit_test(restriction_objection_bans),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
