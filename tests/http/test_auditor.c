/*
 * test_auditor.c — the audit log as an auditor and an admin read it (#20):
 * events in plain words, the event list, the search by customer number
 * (the record's own events and the list pages that showed it, an erased
 * record's too), links to the records for those who may open them, staff
 * names, and a bad filter as a message beside its field; and the record's
 * history in the same plain words; the customer search's count; a failed
 * form's summary.
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

#define PW	"Tosi pitkä salasana 1"

static char *adm, *aud, *csrf;
static long long cust, other;
static char number[32], other_number[32];

/* A new record by the admin: its id, its number into num. */
static long long
add_customer(const char *last, char num[32])
{
	struct http_resp r;
	char *body = http_form("csrf", csrf, "first_name", "Aune", "last_name",
	    last, "country", "FI", "source", "customer", NULL);
	long long id;
	char *n, sql[80];

	http_session(&r, "POST", "/intranet/customers/new", adm, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	id = http_db_int("SELECT max(id) FROM customers", NULL);
	snprintf(sql, sizeof(sql), "SELECT number FROM customers WHERE id = %lld",
	    id);
	n = http_db_text(sql, NULL);
	assert_non_null(n);
	snprintf(num, 32, "%s", n);
	free(n);
	return id;
}

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "adm1", "admin", "Anna Ylläpitäjä", 1 },
		{ "aud1", "auditor", "Aatu Tarkastaja", 1 },
	};
	struct http_resp r;
	char path[64];

	(void)st;
	if (http_staff_add(staff, 2, PW) != 0)
		return -1;
	adm = http_login("adm1", PW);
	aud = http_login("aud1", PW);
	http_session(&r, "GET", "/intranet/customers/new", adm, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	if (adm == NULL || aud == NULL || csrf == NULL)
		return -1;
	cust = add_customer("Lokinen", number);
	other = add_customer("Muukalainen", other_number);
	/* the record opened, and a search that listed both */
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", cust);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customers?q=Aune", adm, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	return 0;
}

/* Rows of the page whose event cell has data-action="action". */
static int
count_action(const struct http_resp *r, const char *action)
{
	char needle[96];
	int n = 0;

	snprintf(needle, sizeof(needle), "data-action=\"%s\"", action);
	for (const char *p = r->body.data; (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

/* Every event's name in plain words; no code left as the cell's text. */
static void
plain_words(void **st)
{
	struct http_resp r;

	(void)st;
	http_session(&r, "GET", "/intranet/audit", aud, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r,
	    "data-action=\"customer.view\">Asiakastiedot avattu</td>"));
	assert_true(http_body_has(&r,
	    "data-action=\"customer.add\">Asiakas lisätty</td>"));
	assert_false(http_body_has(&r, ">customer.view<"));
	/* the staff member's name, the username kept for the filter */
	assert_true(http_body_has(&r, "data-user=\"adm1\"><span>Anna Ylläpitäjä</span>"));
	/* the event list: groups, "all of a group", one event */
	assert_true(http_body_has(&r, "<optgroup label=\"Asiakastiedot\">"));
	assert_true(http_body_has(&r, "<option value=\"customer.*\">Asiakastiedot: kaikki</option>"));
	assert_true(http_body_has(&r, "<option value=\"customer.view\">Asiakastiedot avattu</option>"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/audit?lang=en", aud, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r,
	    "data-action=\"customer.view\">Customer record opened</td>"));
	http_resp_free(&r);
}

/* One event, and a group of them: only those rows, the choice kept. */
static void
event_filter(void **st)
{
	struct http_resp r;
	long long n;

	(void)st;
	http_session(&r, "GET", "/intranet/audit?action=customer.add", aud, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_action(&r, "customer.add"), 2);
	assert_false(http_body_has(&r, "data-action=\"customer.view\""));
	assert_true(http_body_has(&r,
	    "<option value=\"customer.add\" selected=\"selected\">"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/audit?action=customer.*", aud, NULL);
	assert_int_equal(r.status, 200);
	n = http_db_int("SELECT count(*) FROM audit_log WHERE action LIKE"
	    " 'customer.%'", NULL);
	assert_int_equal(count_action(&r, "customer.add") +
	    count_action(&r, "customer.view") +
	    count_action(&r, "customer.search"), n < 50 ? n : 50);
	assert_false(http_body_has(&r, "data-action=\"login\""));
	assert_false(http_body_has(&r, "data-action=\"audit.view\""));
	http_resp_free(&r);
	/* login alone is the sign-in, login.* also its failures and steps */
	http_session(&r, "GET", "/intranet/audit?action=login", aud, NULL);
	assert_int_equal(r.status, 200);
	assert_true(count_action(&r, "login") > 0);
	assert_false(http_body_has(&r, "data-action=\"login.password\""));
	http_resp_free(&r);
}

/* A customer number finds the record's own events and the lists that showed it. */
static void
by_customer(void **st)
{
	struct http_resp r;
	char path[96], href[128];

	(void)st;
	snprintf(path, sizeof(path), "/intranet/audit?customer=%s", number);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_action(&r, "customer.add"), 1);
	assert_int_equal(count_action(&r, "customer.view"), 1);
	assert_int_equal(count_action(&r, "customer.search"), 1);
	assert_false(http_body_has(&r, "data-action=\"audit.view\""));
	/* the admin may open the record: linked, by its number */
	snprintf(href, sizeof(href), "href=\"/intranet/customer?id=%lld\">%s</a>",
	    cust, number);
	assert_true(http_body_has(&r, href));
	/* the search listed both: both named, with the count */
	assert_true(http_body_has(&r, other_number));
	assert_true(http_body_has(&r, "(2 asiakasta)"));
	http_resp_free(&r);
	/* lower case works the same; the other's add is not among them */
	snprintf(path, sizeof(path), "/intranet/audit?customer=a%s", number + 1);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_action(&r, "customer.add"), 1);
	http_resp_free(&r);
	/* an auditor sees the numbers, without links to pages closed to them */
	snprintf(path, sizeof(path), "/intranet/audit?customer=%s", number);
	http_session(&r, "GET", path, aud, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_action(&r, "customer.view"), 1);
	assert_true(http_body_has(&r, number));
	assert_false(http_body_has(&r, "href=\"/intranet/customer?id="));
	http_resp_free(&r);
}

/* An erased record's number still finds its events, marked erased. */
static void
erased_customer(void **st)
{
	struct http_resp r;
	struct buf out = BUF_INIT;
	char path[96];

	(void)st;
	assert_int_equal(http_run(&out, "%s customer erase %s --apply"
	    " --reference TEST-1 2>&1", getenv("REKISTERI_CLI"), other_number), 0);
	buf_free(&out);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_tombstones"
	    " WHERE number = ?1", other_number), 1);
	snprintf(path, sizeof(path), "/intranet/audit?customer=%s",
	    other_number);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_action(&r, "customer.add"), 1);
	assert_int_equal(count_action(&r, "customer.erase"), 1);
	assert_true(http_body_has(&r, "(poistettu)"));
	http_resp_free(&r);
}

/* The messages of i18n/audit.fi.xml and fi.xml (val.date, val.date_order). */
#define CUSTOMER_MSG	"Asiakasnumeroa ei löydy."
#define ACTION_MSG	"Valitse tapahtuma luettelosta."
#define DATE_MSG	"Tarkista päivämäärä"
#define ORDER_MSG	"Päättymispäivä ei voi olla ennen alkamispäivää."

/* Bad filters: the message beside the field, 400, the whole log under it. */
static void
bad_filters(void **st)
{
	static const struct {
		const char *query, *field, *msg;
	} bad[] = {
		{ "customer=A999999", "f-customer", CUSTOMER_MSG },
		{ "customer=%3Cb%3E", "f-customer", CUSTOMER_MSG },
		{ "action=customer.nothing", "f-action", ACTION_MSG },
		{ "action=nothing.*", "f-action", ACTION_MSG },
		{ "from=2026-13-01", "f-from", DATE_MSG },
		{ "from=yesterday", "f-from", DATE_MSG },
		{ "from=2026-05-02&to=2026-05-01", "f-to", ORDER_MSG },
	};
	struct http_resp r;
	char path[128], attr[64];

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/intranet/audit?%s", bad[i].query);
		http_session(&r, "GET", path, aud, NULL);
		if (r.status != 400)
			fail_msg("%s: %ld", bad[i].query, r.status);
		http_assert_page(&r, "fi");
		if (!http_body_has(&r, bad[i].msg))
			fail_msg("%s: no message %s", bad[i].query, bad[i].msg);
		snprintf(attr, sizeof(attr), "id=\"%s\"", bad[i].field);
		assert_true(http_body_has(&r, attr));
		assert_true(http_body_has(&r, "aria-invalid=\"true\""));
		/* in the intranet's layout, over the whole log */
		assert_true(http_body_has(&r, "/intranet/logout"));
		assert_true(http_body_has(&r, "data-action=\"customer.add\""));
		http_resp_free(&r);
	}
}

/* The record's history: field names, sources and staff in words, the codes kept in attributes. */
static void
history_in_words(void **st)
{
	struct http_resp r;
	char path[64];

	(void)st;
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", cust);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "data-field=\"first_name\">Etunimi</td>"));
	assert_true(http_body_has(&r, "data-field=\"last_name\">Sukunimi</td>"));
	assert_true(http_body_has(&r,
	    "<td>Anna Ylläpitäjä</td><td><span>Asiakkaan oma rekisteröityminen"));
	assert_false(http_body_has(&r, "<code>first_name</code>"));
	assert_false(http_body_has(&r, "<span>customer</span>"));
	http_resp_free(&r);
}

/* The record page: its state beside the name, Edit the one button, the forms on demand, a ban asking first. */
static void
record_hierarchy(void **st)
{
	struct http_resp r;
	char path[64], idt[24], *body;

	(void)st;
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", cust);
	snprintf(idt, sizeof(idt), "%lld", cust);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_false(http_body_has(&r, "class=\"status-marks\""));	/* nothing to mark */
	assert_true(http_body_has(&r, "<p class=\"primary-action\"><a class=\"button\""));
	assert_true(http_body_has(&r, "<details class=\"on-demand\">\n    <summary>Kirjaa uusi kielto</summary>"));
	http_resp_free(&r);
	body = http_form("csrf", csrf, "id", idt, "purpose", "advertising", "via",
	    "phone", "since", "2026-11-01", NULL);
	http_session(&r, "POST", "/intranet/customer/ban", adm, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_session(&r, "GET", path, adm, NULL);
	assert_true(http_body_has(&r, "class=\"status-marks\""));
	assert_true(http_body_has(&r, "<span class=\"mark\">Kielto: Suoramainonta</span>"));
	/* removing it is a danger button behind a required box */
	assert_true(http_body_has(&r, "<input type=\"checkbox\" name=\"confirm\" value=\"1\" required=\"required\"/>"));
	assert_true(http_body_has(&r, "class=\"danger\">Poista kielto</button>"));
	http_resp_free(&r);
	/* the edit form: grouped, with a way back */
	snprintf(path, sizeof(path), "/intranet/customer/edit?id=%lld", cust);
	http_session(&r, "GET", path, adm, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<legend>Henkilö</legend>"));
	assert_true(http_body_has(&r, "<legend>Yhteystiedot</legend>"));
	snprintf(path, sizeof(path), "href=\"/intranet/customer?id=%lld\">Peruuta</a>",
	    cust);
	assert_true(http_body_has(&r, path));
	http_resp_free(&r);
}

/* Whether the field with id says aria-invalid="true" in its tag. */
static int
invalid(const struct http_resp *r, const char *id)
{
	char before[64], *tag;
	int yes;

	snprintf(before, sizeof(before), "id=\"%s\"", id);
	tag = http_between(r, before, ">");
	assert_non_null(tag);
	yes = strstr(tag, "aria-invalid=\"true\"") != NULL;
	free(tag);
	return yes;
}

/* A failed form: a focused summary linking to each bad field, which says aria-invalid. */
static void
form_summary(void **st)
{
	struct http_resp r;
	char *body = http_form("csrf", csrf, "username", "X!", "display_name",
	    "Uusi Ihminen", "role", "handler", "nda", "2999-01-01", NULL);

	(void)st;
	http_session(&r, "POST", "/intranet/users/add", adm, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "id=\"error-summary\""));
	assert_true(http_body_has(&r, "<li><a href=\"#u-name\">"));
	assert_true(http_body_has(&r, "<li><a href=\"#u-nda\">"));
	assert_false(http_body_has(&r, "<li><a href=\"#u-display\">"));
	assert_true(invalid(&r, "u-name"));
	assert_true(invalid(&r, "u-nda"));
	assert_false(invalid(&r, "u-display"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM users WHERE"
	    " display_name = ?1", "Uusi Ihminen"), 0);
}

/* The search's count: exact over several pages, "over 1,000" past the cap (last: adds 1,100 records). */
static void
search_count(void **st)
{
	struct http_resp r;
	struct buf out = BUF_INIT;
	long long n;
	char want[80];

	(void)st;
	assert_int_equal(http_run(&out, "%s customer demo 120 2>&1",
	    getenv("REKISTERI_CLI")), 0);
	n = http_db_int("SELECT count(*) FROM customers", NULL);
	assert_true(n > 50 && n <= 1000);
	http_session(&r, "GET", "/intranet/customers?page=2", adm, NULL);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof(want), "Asiakkaat (löytyi %lld)</caption>", n);
	assert_true(http_body_has(&r, want));
	http_resp_free(&r);
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer demo 1000 2>&1",
	    getenv("REKISTERI_CLI")), 0);
	buf_free(&out);
	http_session(&r, "GET", "/intranet/customers", adm, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Asiakkaat (löytyi yli 1 000)</caption>"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customers?lang=en", adm, NULL);
	assert_true(http_body_has(&r, "Customers (found: over 1,000)</caption>"));
	http_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_words),
		cmocka_unit_test(event_filter),
		cmocka_unit_test(by_customer),
		cmocka_unit_test(erased_customer),
		cmocka_unit_test(bad_filters),
		cmocka_unit_test(history_in_words),
		cmocka_unit_test(form_summary),
		cmocka_unit_test(record_hierarchy),
		cmocka_unit_test(search_count),
	};

	return http_group_main("auditor", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
