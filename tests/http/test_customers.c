/*
 * test_customers.c — customer records through the real server: the form's
 * validation field by field (a form with any error changes nothing), the
 * record, history with sources, search, roles, and the audit log holding
 * ids but never a customer's personal data.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "http.h"

#define PW	"Asiakkaita hoidetaan huolella 4"

static const char *cli, *state;
static char *handler_id, *handler_csrf;
/* The record create_record makes: its id, number, page, edit page and a link to that. */
static char cid[24], cnum[16], page[64], edit[64], editref[80];

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL || http_user_add("cust1", "handler",
	    PW) != 0 || http_user_add("audit1", "auditor", PW) != 0)
		return -1;
	handler_id = http_login("cust1", PW);
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

/* A good record: normalised values, a history row per field, audited by id. */
static void
create_record(void **st)
{
	struct http_resp r;
	char *body, *loc;

	(void)st;
	body = http_form("csrf", handler_csrf, "first_name", "Matti",
	    "last_name", "Meikäläinen", "organisation", "Vemitek Oy",
	    "contact_person", "1", "contact_from", "1.2.2024",
	    "email", "Matti.Meikalainen@Example.FI", "street", "Esimerkkikatu 1",
	    "postal_code", "00100", "city", "Helsinki", "country", "fi",
	    "phone", "040 123 4567", "www", "www.vemitek.fi", "ip", "192.0.2.10",
	    "business_id", "0112038-9", "customer_since", "2024-02-01",
	    "notes", "Tilaa syksyisin.", "source", "customer", NULL);
	http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	/* to this record's page: exactly its id (id=1 would match id=10) */
	snprintf(cid, sizeof(cid), "%lld", http_db_int("SELECT id FROM customers"
	    " WHERE lower(email) = ?1", "matti.meikalainen@example.fi"));
	assert_true(atoll(cid) > 0);
	snprintf(page, sizeof(page), "/intranet/customer?id=%s", cid);
	snprintf(edit, sizeof(edit), "/intranet/customer/edit?id=%s", cid);
	snprintf(editref, sizeof(editref), "href=\"%s\"", edit);
	loc = http_header(&r, "Location");
	assert_non_null(loc);
	{
		/* with the one-time message key (ui_done) */
		char want[96];

		snprintf(want, sizeof(want), "%s&done=created", page);
		assert_string_equal(loc, want);
	}
	free(loc);
	http_resp_free(&r);
	{
		char *n = http_db_text("SELECT number FROM customers WHERE id = ?1",
		    cid);

		assert_non_null(n);
		assert_int_equal(strlen(n), 7);	/* A and six digits */
		snprintf(cnum, sizeof(cnum), "%s", n);
		free(n);
	}

	http_session(&r, "GET", page, handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, cnum));
	assert_true(http_body_has(&r, "+358401234567"));	/* E.164 */
	assert_true(http_body_has(&r, "0112038-9"));
	assert_true(http_body_has(&r, "https://www.vemitek.fi"));
	assert_true(http_body_has(&r, "2024-02-01"));
	http_resp_free(&r);
	assert_true(http_db_int2("SELECT count(*) FROM customer_history WHERE"
	    " customer_id = ?2 AND source = ?1", "customer", cid) >= 10);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.add' AND object_id = ?1", cid), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.view' AND object_id = ?1", cid), 1);
	/* the log names the record by id, never the person */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE summary"
	    " LIKE '%Meik%' OR summary LIKE '%@%' OR summary LIKE '%040%'"
	    " OR object_id LIKE '%Meik%'", NULL), 0);
}

/* Every field's validator; a form with any error changes nothing. */
static void
bad_fields_change_nothing(void **st)
{
	static const struct {
		const char *field, *value, *message;
	} bad[] = {
		{ "email", "matti@", NULL },
		{ "email", "matti meikalainen@example.fi", NULL },
		{ "phone", "040-ABC", NULL },
		{ "postal_code", "1234", NULL },
		{ "business_id", "0112038-8", NULL },	/* wrong check digit */
		{ "business_id", "0112038-X", NULL },
		{ "www", "javascript:alert(1)", NULL },
		{ "ip", "300.1.2.3", NULL },
		{ "country", "XX", NULL },
		{ "customer_since", "31.2.2024", NULL },
	};
	long long before = http_db_int("SELECT count(*) FROM customers", NULL);

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_resp r;
		char *body = http_form("csrf", handler_csrf, "last_name", "Virtanen",
		    "first_name", "<script>alert(1)</script>", bad[i].field,
		    bad[i].value, "source", "staff", NULL);
		char want[128];

		http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
		free(body);
		if (r.status != 400)
			fail_msg("%s=%s: %ld", bad[i].field, bad[i].value, r.status);
		http_assert_page(&r, "fi");
		/* the message beside the field that failed */
		snprintf(want, sizeof(want), "id=\"%s-error\"", bad[i].field);
		if (!http_body_has(&r, want))
			fail_msg("%s=%s: no message beside the field", bad[i].field,
			    bad[i].value);
		/* what was typed is kept, escaped */
		assert_true(http_body_has(&r, "value=\"Virtanen\""));
		assert_true(http_body_has(&r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
		assert_false(http_body_has(&r, "<script>"));
		http_resp_free(&r);
	}
	/* no name and no organisation */
	{
		struct http_resp r;
		char *body = http_form("csrf", handler_csrf, "email", "a@example.fi",
		    "source", "staff", NULL);

		http_session(&r, "POST", "/intranet/customers/new", handler_id, body);
		free(body);
		assert_int_equal(r.status, 400);
		assert_true(http_body_has(&r, "id=\"last_name-error\""));
		http_resp_free(&r);
	}
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL), before);
}

/* A change keeps field, old, new, who, when and the source. */
static void
edit_records_history(void **st)
{
	struct http_resp r;
	char *body;

	(void)st;
	http_session(&r, "GET", edit, handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "value=\"+358401234567\""));
	http_resp_free(&r);
	body = http_form("csrf", handler_csrf, "id", cid, "first_name", "Matti",
	    "last_name", "Meikäläinen", "organisation", "Vemitek Oy",
	    "contact_person", "1", "contact_from", "2024-02-01",
	    "email", "matti.meikalainen@example.fi", "street", "Uusikatu 2",
	    "postal_code", "00200", "city", "Helsinki", "country", "FI",
	    "phone", "+358401234567", "www", "https://www.vemitek.fi",
	    "ip", "192.0.2.10", "business_id", "0112038-9",
	    "customer_since", "2024-02-01", "notes", "Tilaa syksyisin.",
	    "source", "update_service", NULL);
	http_session(&r, "POST", "/intranet/customer/edit", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history WHERE"
	    " customer_id = ?2 AND field = 'street' AND old_value ="
	    " 'Esimerkkikatu 1' AND new_value = 'Uusikatu 2' AND source = ?1"
	    " AND user_id IS NOT NULL", "update_service", cid), 1);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history WHERE"
	    " customer_id = ?2 AND field = 'phone' AND source = ?1",
	    "update_service", cid), 0);	/* unchanged: no row */
	/* the audit row names the fields, not the values */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.edit' AND summary LIKE '%street,postal_code%' AND"
	    " summary NOT LIKE ?1", "%Uusikatu%"), 1);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_true(http_body_has(&r, "Uusikatu 2"));
	/* the history in words: the field's label, the source's name (#20) */
	assert_true(http_body_has(&r, "data-field=\"street\">"));
	assert_true(http_body_has(&r, "<span>Päivityspalvelu</span>"));
	http_resp_free(&r);
}

static void
search(void **st)
{
	static const struct {
		const char *q;
		int hits;
	} cases[] = {
		{ "/intranet/customers?q=meik", 1 },
		{ "/intranet/customers?q=Meik%C3%A4l%C3%A4inen", 1 },
		{ "/intranet/customers?q=vemitek+matti", 1 },
		{ "/intranet/customers?q=matti.meikalainen%40example.fi", 1 },
		{ "/intranet/customers?postal=002", 1 },
		{ "/intranet/customers?postal=001", 0 },
		{ "/intranet/customers?q=nobody", 0 },
		/* FTS5 syntax in a query is text, never an error */
		{ "/intranet/customers?q=%22%20OR%20NEAR(a%20b)%20*", 0 },
		{ "/intranet/customers?q=meik&sort=postal", 1 },
		{ "/intranet/customers", 1 },
	};
	struct http_resp r;

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_session(&r, "GET", cases[i].q, handler_id, NULL);
		if (r.status != 200)
			fail_msg("%s: %ld", cases[i].q, r.status);
		http_assert_page(&r, "fi");
		if (http_body_has(&r, cnum) != cases[i].hits)
			fail_msg("%s: want %d hit(s)", cases[i].q, cases[i].hits);
		/* how many matched, in the table's caption (#20) */
		if (i == 0 && !http_body_has(&r, "Asiakkaat (löytyi 1)</caption>"))
			fail_msg("%s: no count", cases[i].q);
		http_resp_free(&r);
	}
	http_session(&r, "GET", "/intranet/customers?sort=bogus", handler_id, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customers?postal=abc", handler_id, NULL);
	assert_int_equal(r.status, 400);
	/* beside the field, in the intranet layout, no results */
	assert_true(http_body_has(&r, "id=\"postal-error\""));
	assert_true(http_body_has(&r, "aria-invalid=\"true\""));
	assert_true(http_body_has(&r, "Henkilöstön valikko"));
	assert_false(http_body_has(&r, "class=\"customers\""));
	http_resp_free(&r);
	/* a search is logged without its words */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.search' AND summary <> ''", NULL), 0);
}

/* Bans per purpose: date, how it came, reference; listed and lifted, audited. */
static void
bans(void **st)
{
	struct http_resp r;
	char *body;

	(void)st;
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "direct_marketing",
	    "via", "ticket", "since", "2026-11-20", "reference", "TS-2026-000042",
	    NULL);
	http_session(&r, "POST", "/intranet/customer/ban", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_session(&r, "GET", page, handler_id, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<td>Suoramarkkinointi</td><td>20.11.2026</td>"));
	assert_true(http_body_has(&r, "TS-2026-000042"));
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE customer_id = ?2"
	    " AND purpose = ?1 AND via = 'ticket'", "direct_marketing", cid), 1);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history WHERE"
	    " customer_id = ?2 AND field = ?1", "ban.direct_marketing", cid), 1);
	/* unknown purpose or via: nothing changes */
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "everything",
	    "via", "ticket", "since", "2026-11-20", NULL);
	http_session(&r, "POST", "/intranet/customer/ban", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "research",
	    "via", "pigeon", "since", "2026-11-20", NULL);
	http_session(&r, "POST", "/intranet/customer/ban", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE customer_id = ?2",
	    NULL, cid), 1);
	/* lift one */
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "advertising",
	    "via", "phone", "since", "2026-11-21", NULL);
	http_session(&r, "POST", "/intranet/customer/ban", handler_id, body);
	free(body);
	http_resp_free(&r);
	/* removing a ban asks first (#20): without the box ticked, nothing */
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "advertising",
	    NULL);
	http_session(&r, "POST", "/intranet/customer/unban", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE customer_id = ?2",
	    NULL, cid), 2);
	body = http_form("csrf", handler_csrf, "id", cid, "purpose", "advertising",
	    "confirm", "1", NULL);
	http_session(&r, "POST", "/intranet/customer/unban", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM bans WHERE customer_id = ?2",
	    NULL, cid), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.ban' AND object_id = ?1", cid), 2);
}

/* Restriction: a reason to set and to lift; marked; edits refused meanwhile. */
static void
restricted_record(void **st)
{
	struct http_resp r;
	char *body;

	(void)st;
	body = http_form("csrf", handler_csrf, "id", cid, "reason", " ", NULL);
	http_session(&r, "POST", "/intranet/customer/restrict", handler_id, body);
	free(body);
	assert_int_equal(r.status, 422);	/* no reason: nothing changes */
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kirjoita syy"));
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT restricted FROM customers WHERE id = ?2",
	    NULL, cid), 0);
	body = http_form("csrf", handler_csrf, "id", cid, "reason",
	    "Oikeellisuus kiistetty", NULL);
	http_session(&r, "POST", "/intranet/customer/restrict", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_true(http_body_has(&r, "Käsittelyä on rajoitettu"));
	assert_true(http_body_has(&r, "Oikeellisuus kiistetty"));
	assert_false(http_body_has(&r, editref));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customers?q=meik", handler_id, NULL);
	assert_true(http_body_has(&r, "Rajoitettu"));
	http_resp_free(&r);
	body = http_form("csrf", handler_csrf, "id", cid, "last_name", "Muutettu",
	    "source", "staff", NULL);
	http_session(&r, "POST", "/intranet/customer/edit", handler_id, body);
	free(body);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE last_name ="
	    " ?1", "Muutettu"), 0);
	/* GDPR Art. 18(2): no disclosure of a restricted record is recorded */
	body = http_form("csrf", handler_csrf, "id", cid, "recipient", "Perintä Oy",
	    "ground", "collection", "what", "Nimi", "date", "2026-11-20", NULL);
	http_session(&r, "POST", "/intranet/customer/disclosure", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "tietoja ei saa luovuttaa"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM disclosures WHERE"
	    " customer_id = ?1 AND what = 'Nimi'", cid), 0);
	/* Art. 18(3): not lifted before the person was told */
	body = http_form("csrf", handler_csrf, "id", cid, "reason",
	    "Tiedot tarkistettu", NULL);
	http_session(&r, "POST", "/intranet/customer/unrestrict", handler_id, body);
	free(body);
	assert_int_equal(r.status, 422);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Rajoitusta ei voi poistaa ennen kuin"));
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT restricted FROM customers WHERE id = ?2",
	    NULL, cid), 1);
	/* told in the future: still refused */
	body = http_form("csrf", handler_csrf, "id", cid, "reason",
	    "Tiedot tarkistettu", "told_on", "2099-01-01", "how", "letter", NULL);
	http_session(&r, "POST", "/intranet/customer/unrestrict", handler_id, body);
	free(body);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "tulevaisuudessa"));
	http_resp_free(&r);
	/* lifted, with a reason and the day the person was told: edits work again */
	{
		char day[16];
		time_t y = time(NULL) - 24 * 60 * 60;	/* yesterday: today or before in Helsinki */
		struct tm tm;

		strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&y, &tm));
		body = http_form("csrf", handler_csrf, "id", cid, "reason",
		    "Tiedot tarkistettu", "told_on", day, "how", "letter", NULL);
	}
	http_session(&r, "POST", "/intranet/customer/unrestrict", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT restricted FROM customers WHERE id = ?2",
	    NULL, cid), 0);
	assert_int_equal(http_db_int2("SELECT count(*) FROM customer_history WHERE"
	    " customer_id = ?2 AND field = 'restriction_lifted' AND new_value = ?1",
	    "Tiedot tarkistettu", cid), 1);
}

/* Orders and disclosures on the record; a bad form stores nothing. */
static void
orders_and_disclosures(void **st)
{
	struct http_resp r;
	char *body;

	(void)st;
	body = http_form("csrf", handler_csrf, "id", cid, "number", "T-1001",
	    "date", "15.11.2026", "description", "Huoltosopimus",
	    "amount", "1 234,50", "status", "open", NULL);
	http_session(&r, "POST", "/intranet/customer/order", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT amount_cents FROM orders WHERE number ="
	    " ?1", "T-1001"), 123450);
	http_session(&r, "GET", page, handler_id, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "1\u00a0234,50\u00a0€"));
	assert_true(http_body_has(&r, "<td>Avoin</td>"));
	http_resp_free(&r);
	/* bad amount and the same number again: nothing stored, messages shown */
	body = http_form("csrf", handler_csrf, "id", cid, "number", "T-1002",
	    "date", "2026-11-16", "amount", "12,345", "status", "paid", NULL);
	http_session(&r, "POST", "/intranet/customer/order", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tarkista summa"));
	assert_true(http_body_has(&r, "value=\"12,345\""));
	/* the summary links to the field; the form is open again (#20) */
	assert_true(http_body_has(&r, "<li><a href=\"#o-amount\">Tarkista summa"));
	assert_true(http_body_has(&r, "<details class=\"on-demand\" open=\"open\">\n"
	    "    <summary id=\"order-title\">"));
	{
		char *tag = http_between(&r, "id=\"o-amount\"", ">");

		assert_non_null(tag);
		assert_non_null(strstr(tag, "aria-invalid=\"true\""));
		free(tag);
	}
	http_resp_free(&r);
	body = http_form("csrf", handler_csrf, "id", cid, "number", "T-1001",
	    "date", "2026-11-16", "amount", "10", "status", "paid", NULL);
	http_session(&r, "POST", "/intranet/customer/order", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM orders WHERE"
	    " customer_id = ?1", cid), 1);

	body = http_form("csrf", handler_csrf, "id", cid, "recipient", "Perintä Oy",
	    "ground", "collection", "what", "Nimi, osoite, avoin lasku T-1001",
	    "date", "2026-11-20", NULL);
	http_session(&r, "POST", "/intranet/customer/disclosure", handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_session(&r, "GET", page, handler_id, NULL);
	assert_true(http_body_has(&r, "<td>Perintä Oy</td><td>Perintä</td>"));
	http_resp_free(&r);
	body = http_form("csrf", handler_csrf, "id", cid, "recipient", "X",
	    "ground", "curiosity", "what", "kaikki", "date", "2026-11-20", NULL);
	http_session(&r, "POST", "/intranet/customer/disclosure", handler_id, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM disclosures WHERE"
	    " customer_id = ?1", cid), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'customer.disclosure' AND summary = ?1", "collection"), 1);
}

static void
roles(void **st)
{
	struct http_resp r;
	char *aud = http_login("audit1", PW), missing[64];

	(void)st;
	http_session(&r, "GET", "/intranet/customers", aud, NULL);
	assert_int_equal(r.status, 403);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Ei käyttöoikeutta</h1>"));
	assert_false(http_body_has(&r, cnum));
	http_resp_free(&r);
	http_session(&r, "GET", page, aud, NULL);
	assert_int_equal(r.status, 403);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Ei käyttöoikeutta</h1>"));
	assert_false(http_body_has(&r, "Meikäläinen"));
	http_resp_free(&r);
	snprintf(missing, sizeof(missing), "/intranet/customer?id=%lld",
	    http_db_int("SELECT max(id) + 1000 FROM customers", NULL));
	http_session(&r, "GET", missing, handler_id, NULL);
	assert_int_equal(r.status, 404);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Sivua ei löydy</h1>"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customer?id=x", handler_id, NULL);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Virheellinen pyyntö</h1>"));
	http_resp_free(&r);
	free(aud);
}

/* make run's demo customers: invented, marked, findable, with orders. */
static void
demo_customers(void **st)
{
	struct http_resp r;
	long long before = http_db_int("SELECT count(*) FROM customers", NULL);

	(void)st;
	assert_int_equal(http_run(NULL, "%s customer demo 20", cli), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL), before + 20);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE notes LIKE"
	    " ?1", "DEMO%"), 20);
	assert_int_equal(http_db_int("SELECT count(*) FROM orders o JOIN customers c"
	    " ON c.id = o.customer_id WHERE c.notes LIKE ?1", "DEMO%"), 60);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE email NOT"
	    " LIKE ?1 AND notes LIKE 'DEMO%'", "%@esimerkki.invalid"), 0);
	http_session(&r, "GET", "/intranet/customers?q=keksitty", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "esimerkki.invalid"));
	http_resp_free(&r);
	/* a second run adds other people, not the same ones again */
	assert_int_equal(http_run(NULL, "%s customer demo 20", cli), 0);
	/* (before, the second 20 were the first 20 again) */
	assert_int_equal(http_db_int("SELECT count(*) FROM customers a JOIN"
	    " customers b ON b.id = a.id + 20 AND a.first_name = b.first_name"
	    " AND a.last_name = b.last_name WHERE a.notes LIKE ?1 AND b.notes"
	    " LIKE ?1", "DEMO%"), 0);
	assert_int_equal(http_run(NULL, "%s customer demo 0", cli), 2);
}

/* The object_id of the last audit row of action (caller frees). */
static char *
last_ids(const char *action)
{
	char *v = http_db_text("SELECT object_id FROM audit_log WHERE action = ?1"
	    " ORDER BY id DESC LIMIT 1", action);

	assert_non_null(v);
	return v;
}

/*
 * A list page's audit row names whom it showed (docs/audit.md, "Lists"),
 * so the access report can tell a person every time their data was on a
 * staff screen (#17; before, a search was logged without ids).
 */
static void
search_lists_shown(void **st)
{
	struct http_resp r;
	long long n = http_db_int("SELECT count(*) FROM customers", NULL);
	long long lo = http_db_int("SELECT min(id) FROM customers", NULL);
	long long hi = http_db_int("SELECT max(id) FROM customers", NULL);
	char want[1200], *v;
	size_t len = 0;

	(void)st;
	/* everyone on one page: every id, ascending, comma-separated */
	assert_true(n > 3 && n <= 50 && hi - lo + 1 == n);
	http_session(&r, "GET", "/intranet/customers", handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	want[0] = '\0';
	for (long long id = lo; id <= hi; id++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%lld",
		    id == lo ? "" : ",", id);
	assert_string_equal(v = last_ids("customer.search"), want);
	free(v);
	/* one hit: its id, and the search words nowhere */
	http_session(&r, "GET", "/intranet/customers?q=vemitek+matti",
	    handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, cnum));
	http_resp_free(&r);
	assert_string_equal(v = last_ids("customer.search"), cid);
	free(v);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " instr(lower(summary || object_id), ?1) > 0", "vemitek"), 0);
	/* no hit: an empty list */
	http_session(&r, "GET", "/intranet/customers?q=zzqqxxnobody", handler_id,
	    NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_string_equal(v = last_ids("customer.search"), "");
	free(v);
	assert_int_equal(http_run(NULL, "%s audit verify", cli), 0);
}

/* Commits a staff page made: the log's commits after fn minus before. */
static long
commits_of(const char *path)
{
	struct http_resp r;
	unsigned long s0, s1;
	long c0 = http_wal_commits(&s0), c1;

	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	c1 = http_wal_commits(&s1);
	/* (a checkpoint that started the log again would void the count) */
	assert_true(s0 == s1);
	return c1 - c0;
}

/*
 * One durable write per staff page (#17): a record view is its audit row's
 * commit, also when the session's idle clock is due a write (it rides in
 * the same transaction; before, it was a commit of its own); a page with
 * no audit row writes only a due clock.
 */
static void
one_durable_write(void **st)
{
	char rec[64];
	const char *fresh = "SELECT count(*) FROM sessions WHERE seen_at >="
	    " CAST(strftime('%s', 'now') AS INTEGER) - 30";

	(void)st;
	snprintf(rec, sizeof(rec), "/intranet/customer?id=%s", cid);
	http_db_exec("UPDATE sessions SET seen_at = seen_at - 120");
	assert_int_equal(http_db_int(fresh, NULL), 0);
	assert_int_equal(commits_of(rec), 1);
	assert_true(http_db_int(fresh, NULL) >= 1);
	assert_int_equal(commits_of(rec), 1);
	/* the front page writes no audit row: nothing, or the clock alone */
	assert_int_equal(commits_of("/intranet/"), 0);
	http_db_exec("UPDATE sessions SET seen_at = seen_at - 120");
	assert_int_equal(commits_of("/intranet/"), 1);
	assert_true(http_db_int(fresh, NULL) >= 1);
	/* a search likewise: one */
	http_db_exec("UPDATE sessions SET seen_at = seen_at - 120");
	assert_int_equal(commits_of("/intranet/customers?q=zzqqxxnobody"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_record),
		cmocka_unit_test(bad_fields_change_nothing),
		cmocka_unit_test(edit_records_history),
		cmocka_unit_test(search),
		cmocka_unit_test(orders_and_disclosures),
		cmocka_unit_test(bans),
		cmocka_unit_test(restricted_record),
		cmocka_unit_test(roles),
		cmocka_unit_test(demo_customers),
		cmocka_unit_test(search_lists_shown),
		cmocka_unit_test(one_durable_write),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("customers", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
