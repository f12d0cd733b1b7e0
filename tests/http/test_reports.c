/*
 * test_reports.c — the access report (GDPR Art. 15) and the portability
 * file (Art. 20) from a request's page, through the real server: only for
 * a record linked to the request, only for the roles that handle requests,
 * every value of the record and nothing of another's, staff look-ups dated
 * but never named, the JSON and the files to download, each fetch audited
 * by the record's id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "fmt.h"
#include "http.h"

#define PW	"Rekisteriote annetaan aina ajallaan 7"

static char *sid, *csrf, *aud;

/* File a request on the public form; its id. */
static long long
file_request(const char *name, const char *email)
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
	body = http_form("form_token", token, "type", "access", "name", name,
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
new_customer(const char *last, const char *email, const char *street)
{
	struct http_resp r;
	char *body = http_form("csrf", csrf, "first_name", "Raili", "last_name",
	    last, "email", email, "street", street, "country", "FI", "source",
	    "customer", NULL);

	http_session(&r, "POST", "/intranet/customers/new", sid, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT max(id) FROM customers", NULL);
}

static long
get_status(const char *cookie, const char *path)
{
	struct http_resp r;
	long s;

	http_session(&r, "GET", path, cookie, NULL);
	s = r.status;
	http_resp_free(&r);
	return s;
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (http_user_add("rep1", "handler", PW) != 0 ||
	    http_user_add("repaud", "auditor", PW) != 0)
		return -1;
	sid = http_login("rep1", PW);
	aud = http_login("repaud", PW);
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

/*
 * The report page of linked record mine of request id: every value, nobody
 * else's, no staff names, A4 print CSS, and the links to the JSON and the
 * three files, each answering.
 */
static void
report_page(long long id, long long mine)
{
	struct http_resp r;
	char path[160];

	/* the page: every value, nobody else's, no staff names, A4 print CSS */
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld", id, mine);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Raportti"));
	assert_true(http_body_has(&r, "raili@example.org"));
	assert_true(http_body_has(&r, "Otekatu 5"));
	assert_true(http_body_has(&r, "Oteraportin tilaus"));
	assert_true(http_body_has(&r, "Tietojen katselu"));
	assert_true(http_body_has(&r, "Käsittelijä"));
	assert_true(http_body_has(&r, "/static/report.css"));
	/* the links to the JSON and the three files: present, and each answers */
	{
		static const struct { const char *page, *tail; } links[] = {
			{ "report", "format=json" },
			{ "portability", "file=json" },
			{ "portability", "file=customer" },
			{ "portability", "file=orders" },
		};
		struct http_resp l;

		for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
			char want[300];

			snprintf(want, sizeof(want), "href=\"/intranet/request/%s?"
			    "id=%lld&amp;customer=%lld&amp;%s\"", links[i].page,
			    id, mine, links[i].tail);
			if (!http_body_has(&r, want))
				fail_msg("no %s in %s", want, r.body.data);
			snprintf(want, sizeof(want), "/intranet/request/%s?id=%lld"
			    "&customer=%lld&%s", links[i].page, id, mine,
			    links[i].tail);
			http_session(&l, "GET", want, sid, NULL);
			assert_int_equal(l.status, 200);
			http_resp_free(&l);
		}
	}
	assert_false(http_body_has(&r, "Muukalainen"));
	assert_false(http_body_has(&r, "Vieraan tilaus"));
	assert_false(http_body_has(&r, "rep1"));
	http_resp_free(&r);
	http_get(&r, "/static/report.css");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "size: A4"));
	http_resp_free(&r);
}

/* The report's JSON and the portability files of record mine of request id, to download. */
static void
report_downloads(long long id, long long mine)
{
	struct http_resp r;
	char path[160], *ct;

	/* the JSON */
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld&format=json", id, mine);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	ct = http_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/json"));
	free(ct);
	assert_true(http_body_has(&r, "\"format\":\"rekisteri-access-report\""));
	assert_true(http_body_has(&r, "\"action\":\"customer.view\""));
	assert_true(http_body_has(&r, "\"role\":\"handler\""));
	assert_true(http_body_has(&r, "Oteraportin tilaus"));
	assert_false(http_body_has(&r, "rep1"));
	assert_false(http_body_has(&r, "Muukalainen"));
	http_resp_free(&r);

	/* the portability files, to download */
	snprintf(path, sizeof(path), "/intranet/request/portability?id=%lld&"
	    "customer=%lld&file=json", id, mine);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "\"format\":\"rekisteri-portability\""));
	assert_true(http_body_has(&r, "\"amount_cents\":4200"));
	ct = http_header(&r, "Content-Disposition");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "portability.json"));
	free(ct);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/request/portability?id=%lld&"
	    "customer=%lld&file=orders", id, mine);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "\"T-77\""));
	assert_false(http_body_has(&r, "T-88"));
	http_resp_free(&r);
}

static void
report_from_request(void **st)
{
	struct http_resp r;
	long long id = file_request("Raili Raportti", "raili@example.org");
	long long mine = new_customer("Raportti", "raili@example.org",
	    "Otekatu 5");
	long long other = new_customer("Muukalainen", "muu@example.org",
	    "Vierastie 9");
	char idt[24], cidt[24], path[160], sql[300], *body;

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	snprintf(cidt, sizeof(cidt), "%lld", mine);
	snprintf(sql, sizeof(sql), "INSERT INTO orders (customer_id, number,"
	    " ordered_on, description, amount_cents, status) VALUES (%lld,"
	    " 'T-77', '2025-04-05', 'Oteraportin tilaus', 4200, 'paid'),"
	    " (%lld, 'T-88', '2025-04-06', 'Vieraan tilaus', 100, 'open')",
	    mine, other);
	http_db_exec(sql);
	body = http_form("csrf", csrf, "id", idt, "customer", cidt, NULL);
	http_session(&r, "POST", "/intranet/request/link", sid, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* a staff look-up to be reported */
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", mine);
	assert_int_equal(get_status(sid, path), 200);

	/* the request page links the report of each linked record */
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&amp;"
	    "customer=%lld", id, mine);
	assert_true(http_body_has(&r, path));
	http_resp_free(&r);

	report_page(id, mine);
	report_downloads(id, mine);

	/* only a linked record; good parameters; the roles of request pages */
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld", id, other);
	assert_int_equal(get_status(sid, path), 404);
	snprintf(path, sizeof(path), "/intranet/request/report?id=999999&"
	    "customer=%lld", mine);
	assert_int_equal(get_status(sid, path), 404);
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld", id);
	assert_int_equal(get_status(sid, path), 400);
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld&format=xml", id, mine);
	assert_int_equal(get_status(sid, path), 400);
	snprintf(path, sizeof(path), "/intranet/request/portability?id=%lld&"
	    "customer=%lld&file=passwd", id, mine);
	assert_int_equal(get_status(sid, path), 400);
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld", id, mine);
	assert_int_equal(get_status(aud, path), 403);
	assert_int_equal(get_status(NULL, path), 303);

	/*
	 * each fetch in the audit log by the record's id, with the request's
	 * number: the page, its JSON and the JSON link; the files twice over
	 */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'customer.access_report' AND object_type = 'customer'"
	    " AND object_id = ?1 AND summary LIKE 'request TS-%'", cidt), 3);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'customer.portability' AND object_id = ?1", cidt), 5);
}

/*
 * The report of a record with orders, bans, a disclosure, a corrected value
 * with its source and a look-up by a named staff member, through the
 * server (GDPR Art. 15; CJEU C-579/21): every value in the page and the
 * JSON, nothing of the other record's, the look-up's date and time (the
 * page in Helsinki time, the JSON as stored) with its role, and neither
 * staff member's username nor name.
 */
static void
report_every_part(void **st)
{
	static const char *const mine[] = { "Osakas", "osa@example.org",
		"Osakatu 3", "T-91", "Osan tilaus", "T-92", "Perintä Osa Oy",
		"lasku T-92", "Vanhakatu 1", NULL };
	static const char *const page_only[] = { "Suoramarkkinointi",
		"Markkina- ja mielipidetutkimus", "Päivityspalvelu", "Tietojen katselu", "Käsittelijä",
		"Tietosuojavaltuutetun toimisto", NULL };
	static const char *const theirs[] = { "Toinenen", "toinen@example.org",
		"Toisentie 4", "T-93", "Perintä Toinen Oy", "Vanha-Toinen", NULL };
	static const char *const staff[] = { "rep1", "repview",
		"Vilja Virkailija", NULL };
	struct http_resp r, j;
	long long id = file_request("Oili Osakas", "osa@example.org");
	long long mine_id = new_customer("Osakas", "osa@example.org", "Osakatu 3");
	long long other = new_customer("Toinenen", "toinen@example.org",
	    "Toisentie 4");
	char idt[24], cidt[24], path[160], sql[1200], when[64], *viewer, *at;

	(void)st;
	fmt_init();
	snprintf(idt, sizeof(idt), "%lld", id);
	snprintf(cidt, sizeof(cidt), "%lld", mine_id);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO orders (customer_id, number, ordered_on, description,"
	    " amount_cents, status) VALUES (%lld, 'T-91', '2025-01-02',"
	    " 'Osan tilaus', 1000, 'paid'), (%lld, 'T-92', '2025-02-03', 'Toinen',"
	    " 2000, 'collection'), (%lld, 'T-93', '2025-02-04', 'Vieras', 1, 'open');"
	    "INSERT INTO bans (customer_id, purpose, since, via, reference) VALUES"
	    " (%lld, 'direct_marketing', '2025-03-01', 'phone', ''),"
	    " (%lld, 'research', '2025-03-02', 'letter', '');"
	    "INSERT INTO disclosures (customer_id, recipient, ground, what,"
	    " disclosed_on, user_id) VALUES (%lld, 'Perintä Osa Oy', 'collection',"
	    " 'lasku T-92', '2025-04-01', (SELECT id FROM users WHERE username ="
	    " 'rep1')), (%lld, 'Perintä Toinen Oy', 'collection', 'x',"
	    " '2025-04-02', NULL);"
	    "INSERT INTO customer_history (customer_id, field, old_value, new_value,"
	    " user_id, source) VALUES (%lld, 'street', 'Vanhakatu 1', 'Osakatu 3',"
	    " (SELECT id FROM users WHERE username = 'rep1'), 'update_service'),"
	    " (%lld, 'street', 'Vanha-Toinen', 'Toisentie 4', NULL, 'staff')",
	    mine_id, mine_id, other, mine_id, mine_id, mine_id, other, mine_id,
	    other);
	http_db_exec(sql);
	snprintf(sql, sizeof(sql), "csrf=%s&id=%s&customer=%s", csrf, idt, cidt);
	http_session(&r, "POST", "/intranet/request/link", sid, sql);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* a look-up by another, named handler */
	assert_int_equal(http_user_add_full("repview", "handler", PW,
	    "Vilja Virkailija", 1), 0);
	viewer = http_login("repview", PW);
	snprintf(path, sizeof(path), "/intranet/customer?id=%lld", mine_id);
	assert_int_equal(get_status(viewer, path), 200);
	free(viewer);
	at = http_db_text("SELECT max(at) FROM audit_log WHERE action ="
	    " 'customer.view' AND object_type = 'customer' AND object_id = ?1",
	    cidt);
	assert_non_null(at);
	assert_int_equal(fmt_datetime(when, sizeof(when), LANG_FI, at), 0);

	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld", id, mine_id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld&format=json", id, mine_id);
	http_session(&j, "GET", path, sid, NULL);
	assert_int_equal(j.status, 200);
	for (int i = 0; mine[i] != NULL; i++) {
		if (!http_body_has(&r, mine[i]))
			fail_msg("the page lacks \"%s\"", mine[i]);
		if (!http_body_has(&j, mine[i]))
			fail_msg("the JSON lacks \"%s\"", mine[i]);
	}
	for (int i = 0; page_only[i] != NULL; i++)
		if (!http_body_has(&r, page_only[i]))
			fail_msg("the page lacks \"%s\"", page_only[i]);
	for (int i = 0; theirs[i] != NULL; i++)
		if (http_body_has(&r, theirs[i]) || http_body_has(&j, theirs[i]))
			fail_msg("the other record's \"%s\" is in the report",
			    theirs[i]);
	for (int i = 0; staff[i] != NULL; i++)
		if (http_body_has(&r, staff[i]) || http_body_has(&j, staff[i]))
			fail_msg("staff \"%s\" is named in the report", staff[i]);
	if (!http_body_has(&r, when))
		fail_msg("the look-up at %s (%s) is not in the page", when, at);
	snprintf(sql, sizeof(sql), "{\"at\":\"%s\",\"action\":\"customer.view\","
	    "\"role\":\"handler\"}", at);
	if (!http_body_has(&j, sql))
		fail_msg("no %s in the JSON", sql);
	assert_true(http_body_has(&j, "\"source\":\"update_service\""));
	free(at);
	http_resp_free(&r);
	http_resp_free(&j);
}

/* POST the send form; the status. */
static long
send(long long id, long long customer, const char *kind, const char *via)
{
	struct http_resp r;
	char idt[24], cidt[24], *body;
	long s;

	snprintf(idt, sizeof(idt), "%lld", id);
	snprintf(cidt, sizeof(cidt), "%lld", customer);
	body = http_form("csrf", csrf, "id", idt, "customer", cidt, "kind", kind,
	    "via", via, NULL);
	http_session(&r, "POST", "/intranet/request/report/send", sid, body);
	free(body);
	s = r.status;
	http_resp_free(&r);
	return s;
}

/* Save an answer letter's draft for request id and GET it into r; the GET's status. */
static long
answer_draft(long long id, struct http_resp *r)
{
	char idt[24], path[96], *body;

	snprintf(idt, sizeof(idt), "%lld", id);
	body = http_form("csrf", csrf, "id", idt, "kind", "answer", "action",
	    "save", "type.access", "Ote liitteenä.", NULL);
	http_session(r, "POST", "/intranet/request/letter", sid, body);
	free(body);
	assert_int_equal(r->status, 303);
	http_resp_free(r);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld&"
	    "kind=answer", id);
	http_session(r, "GET", path, sid, NULL);
	return r->status;
}

/* Sent: stored with the request byte for byte, with its SHA-256; only after the identity check. */
static void
stored_when_sent(void **st)
{
	struct http_resp r;
	long long id = file_request("Sakari Lähetys", "sakari@example.org");
	long long c = new_customer("Lähetys", "sakari@example.org", "Postikatu 1");
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], idt[24], cidt[24],
	    path[160], *body, *want;
	long long rid;

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	snprintf(cidt, sizeof(cidt), "%lld", c);
	body = http_form("csrf", csrf, "id", idt, "customer", cidt, NULL);
	http_session(&r, "POST", "/intranet/request/link", sid, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* an answer drafted before anything was sent has no enclosures */
	assert_int_equal(answer_draft(id, &r), 200);
	assert_false(http_body_has(&r, "Liitteet"));
	http_resp_free(&r);
	/* not before the identity is checked (GDPR Art. 12(6)) */
	assert_int_equal(send(id, c, "report", "post"), 422);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_reports"
	    " WHERE request_id = ?1", idt), 0);
	snprintf(path, sizeof(path), "UPDATE requests SET identity_method ="
	    " 'record_match', identity_at = '2026-01-01T00:00:00Z' WHERE id ="
	    " %lld", id);
	http_db_exec(path);
	assert_int_equal(send(id, c, "report", "pigeon"), 422);
	assert_int_equal(send(id, c, "bogus", "post"), 400);
	assert_int_equal(send(id, c, "report", "post"), 303);
	assert_int_equal(send(id, c, "portability", "email"), 303);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_reports"
	    " WHERE request_id = ?1", idt), 3);
	/* the stored page: no staff forms, its bytes hash to the stored SHA-256 */
	rid = http_db_int("SELECT min(id) FROM request_reports WHERE"
	    " request_id = ?1 AND format = 'html'", idt);
	snprintf(path, sizeof(path), "/intranet/request/report/stored?id=%lld"
	    "&report=%lld", id, rid);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Postikatu 1"));
	assert_false(http_body_has(&r, "csrf"));
	crypto_hash_sha256(h, (const unsigned char *)r.body.data, r.body.len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	want = http_db_text("SELECT sha256 FROM request_reports WHERE id = ?1",
	    (snprintf(cidt, sizeof(cidt), "%lld", rid), cidt));
	assert_string_equal(hex, want);
	free(want);
	http_resp_free(&r);
	/* listed on the report page */
	snprintf(path, sizeof(path), "/intranet/request/report?id=%lld&"
	    "customer=%lld", id, c);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, hex));
	assert_true(http_body_has(&r, "Siirtotiedosto"));
	http_resp_free(&r);
	/* the answer letter names each stored file with its SHA-256 */
	assert_int_equal(answer_draft(id, &r), 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Liitteet"));
	assert_true(http_body_has(&r, hex));
	assert_true(http_body_has(&r, "<strong>Siirtotiedosto</strong>"));
	assert_true(http_body_has(&r, "<strong>Rekisteriote</strong> (html,"));
	assert_true(http_body_has(&r, "<strong>Rekisteriote</strong> (json,"));
	http_resp_free(&r);
	/* another request's stored report is not reachable through this one */
	snprintf(path, sizeof(path), "/intranet/request/report/stored?id=%lld"
	    "&report=%lld", id + 1000, rid);
	assert_int_equal(get_status(sid, path), 404);
	assert_int_equal(get_status(aud, "/intranet/request/report/stored?id=1"
	    "&report=1"), 403);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_from_request),
		cmocka_unit_test(report_every_part),
		cmocka_unit_test(stored_when_sent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
