/*
 * test_lists.c — customers in and out in bulk, through the CLI and the real
 * server: CSV import (dry run, bad rows by line, ISO-8859-1, apply the good
 * rows only on request, sources in the history), update imports, mailing
 * labels that leave out bans, restriction and ended relationships (and say
 * how many), and CSV exports that follow RFC 4180, neutralise formulas and
 * are audited.
 */
#include <sys/stat.h>
#include <sys/wait.h>

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

#define PW	"Tarrat ja tiedostot kuntoon 7"

static const char *cli, *state;
static char *handler_id, *handler_csrf;

static long long
id_of(const char *number)
{
	return http_db_int("SELECT id FROM customers WHERE number = ?1", number);
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL)
		return -1;
	if (http_user_add("list1", "handler", PW) != 0 ||
	    http_user_add("listaud", "auditor", PW) != 0)
		return -1;
	handler_id = http_login("list1", PW);
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

/*
 * The old system's file, in ISO-8859-1: seven good rows and three bad
 * ones. All live in postal codes 99xxx so the lists below see only them.
 */
static const char import_csv[] =
    "number,first_name,last_name,organisation,email,street,postal_code,city,"
    "country,business_id,customer_since,relationship_ended,notes\r\n"
    "L-001,Aino,M\xe4kel\xe4,,aino@example.fi,Lapintie 1,99100,Kittil\xe4,FI,,"
    "2015-01-01,,\r\n"
    "L-002,Bertta,Mainoskielto,,,Lapintie 2,99100,Kittil\xe4,FI,,,,\r\n"
    "L-003,Cecilia,Julkaisukielto,,,Lapintie 3,99100,Kittil\xe4,FI,,,,\r\n"
    "L-004,Daniel,Rajoitettu,,,Lapintie 4,99100,Kittil\xe4,FI,,,,\r\n"
    "L-005,Eero,P\xe4\xe4ttynyt,,,Lapintie 5,99100,Kittil\xe4,FI,,2010-01-01,"
    "2020-01-01,\r\n"
    "L-006,Fanni,Osoitteeton,,,,99100,,FI,,,,\r\n"
    "L-007,Gustav,Kaava,@Kaava Oy,,Lapintie 7,99800,Ivalo,FI,1234567-1,,,"
    "\"=HYPERLINK(\"\"http://example.invalid\"\")\"\r\n"
    "L-008,Huono,S\xe4hk\xf6posti,,not-an-email,Lapintie 8,99100,Kittil\xe4,"
    "FI,,,,\r\n"
    "L-009,Iida,Postinumero,,,Lapintie 9,991,Kittil\xe4,FI,,,,\r\n"
    "L-010,Juho,Y-tunnus,Tarkiste Oy,,\"Lapintie 10,\nrakennus B\",99100,"
    "Kittil\xe4,FI,1234567-8,,,\r\n";

/* The dry run lists bad rows by line and changes nothing; --apply alone refuses; --apply-valid applies the good rows. */
static void
import_new(void **st)
{
	struct buf out = BUF_INIT;
	char path[1024];
	long long before = http_db_int("SELECT count(*) FROM customers", NULL);

	(void)st;
	snprintf(path, sizeof(path), "%s/old.csv", state);
	http_write_text(path, import_csv);
	assert_int_equal(http_run(&out, "%s customer import %s", cli, path), 1);
	assert_non_null(strstr(out.data, "read as ISO-8859-1; 10 rows: 7 good"
	    " (0 without change), 3 bad"));
	assert_non_null(strstr(out.data, "line 9: BAD L-008: Email (email): "));
	assert_non_null(strstr(out.data, "line 10: BAD L-009: Postal code (postal_code): "));
	/* every reason of a row; the row before began on line 10 */
	assert_non_null(strstr(out.data, "line 11: BAD L-010: Street address (street): "));
	assert_non_null(strstr(out.data, "; Business ID (Y-tunnus) (business_id): The business ID's "
	    "check digit does not match."));
	assert_non_null(strstr(out.data, "line 2: L-001: new customer Aino "
	    "Mäkelä"));
	assert_non_null(strstr(out.data, "Nothing was applied (a dry run)"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before);
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import %s --apply", cli, path), 1);
	assert_non_null(strstr(out.data, "Nothing was applied: 3 rows are bad"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before);
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import %s --apply-valid", cli,
	    path), 0);
	assert_non_null(strstr(out.data, "Applied 7 new records"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before + 7);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " number = 'L-001' AND last_name = ?1", "Mäkelä"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " number = ?1", "L-008"), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history h"
	    " JOIN customers c ON c.id = h.customer_id WHERE c.number = 'L-001'"
	    " AND h.source = ?1 AND h.field = 'street'", "import"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1", "customer.import"), 1);
	/* the same file again: every number is taken now */
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import %s --apply-valid", cli,
	    path), 0);
	assert_non_null(strstr(out.data, "line 2: BAD L-001: Customer number (number): the "
	    "register already has this number"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before + 7);
	/* asked for UTF-8, given ISO-8859-1: refused as a whole */
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import %s --encoding utf-8", cli,
	    path), 1);
	assert_non_null(strstr(out.data, "not valid UTF-8"));
	/* an unknown column */
	http_write_text(path, "number,shoe_size\r\nX-1,44\r\n");
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import %s", cli, path), 1);
	assert_non_null(strstr(out.data, "line 1: unknown column \"shoe_size\""));
	buf_free(&out);
}

/* An update service's file: names and addresses, by number, source recorded. */
static void
import_updates(void **st)
{
	struct buf out = BUF_INIT;
	char path[1024];

	(void)st;
	snprintf(path, sizeof(path), "%s/updates.csv", state);
	http_write_text(path, "number,street,postal_code,city\n"
	    "L-001,Revontulentie 5,99130,Sirkka\n"
	    "L-002,,,\n"
	    "NO-SUCH,Katu 1,00100,Helsinki\n"
	    "L-007,Lapintie 7,99800,Ivalo\n");
	assert_int_equal(http_run(&out, "%s customer import-updates %s", cli, path), 1);
	assert_non_null(strstr(out.data, "line 2: L-001: Street address (street):"
	    " \"Lapintie 1\" → \"Revontulentie 5\"; Postal code (postal_code):"
	    " \"99100\" → \"99130\"; City (city): \"Kittilä\" → \"Sirkka\""));
	assert_non_null(strstr(out.data, "line 4: BAD NO-SUCH: Customer number (number): no "
	    "customer has this number"));
	assert_non_null(strstr(out.data, "4 rows: 3 good (2 without change), "
	    "1 bad"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " street = ?1", "Revontulentie 5"), 0);
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import-updates %s --apply-valid",
	    cli, path), 0);
	assert_non_null(strstr(out.data, "Applied 1 updated records"));
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history h"
	    " JOIN customers c ON c.id = h.customer_id WHERE c.number = 'L-001'"
	    " AND h.field = 'street' AND h.source = ?1 AND h.old_value ="
	    " 'Lapintie 1'", "update_service"), 1);
	/* columns an update service does not send are refused */
	http_write_text(path, "number,email\nL-001,x@example.fi\n");
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer import-updates %s", cli, path), 1);
	assert_non_null(strstr(out.data, "unknown column \"email\""));
	buf_free(&out);
}

static void
post(const char *path, const char *id, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	struct http_resp r;
	char *body = http_form("csrf", handler_csrf, "id", id, k1, v1, k2, v2,
	    "since", "2026-11-01", NULL);

	http_session(&r, "POST", path, handler_id, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
}

/* Who the advertising list left out, each linked to the record (#20), their ids audited. */
static void
left_linked(const struct http_resp *r)
{
	char want[96], ids[128] = "";
	static const char *const left[] = { "L-002", "L-003", "L-004" };

	for (size_t i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "href=\"/intranet/customer?id="
		    "%lld\">%s</a>", id_of(left[i]), left[i]);
		if (!http_body_has(r, want))
			fail_msg("no link %s", want);
	}
	snprintf(ids, sizeof(ids), "%%,%lld,%%", id_of("L-004"));
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'labels.left' AND summary = 'advertising' AND"
	    " ',' || object_id || ',' LIKE ?1", ids), 1);
}

/* Labels leave out, and count, each reason; the sheet and the CSV agree. */
static void
labels(void **st)
{
	struct http_resp r;
	char id[32], *cd;

	(void)st;
	snprintf(id, sizeof(id), "%lld", id_of("L-002"));
	post("/intranet/customer/ban", id, "purpose", "advertising", "via",
	    "phone");
	snprintf(id, sizeof(id), "%lld", id_of("L-003"));
	post("/intranet/customer/ban", id, "purpose", "publication", "via",
	    "letter");
	snprintf(id, sizeof(id), "%lld", id_of("L-004"));
	post("/intranet/customer/restrict", id, "reason", "Kiistetty",
	    "x", "");

	http_session(&r, "GET", "/intranet/labels?purpose=advertising&postal=99",
	    handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<strong>2</strong> <span>asiakasta on "
	    "listalla.</span>"));
	assert_true(http_body_has(&r, "<td>Käsittelyä rajoitettu</td><td class="
	    "\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Asiakkuus päättynyt</td><td class="
	    "\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Kielto tähän tarkoitukseen</td><td "
	    "class=\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Kielto: julkaiseminen luettelossa</td><td "
	    "class=\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Postiosoite puuttuu</td><td class="
	    "\"num\">1</td>"));
	left_linked(&r);
	http_resp_free(&r);
	/* another marketing purpose: the advertising ban applies too (Art. 21(3)) */
	http_session(&r, "GET", "/intranet/labels?purpose=research&postal=99",
	    handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<strong>2</strong> <span>asiakasta on "
	    "listalla.</span>"));
	assert_true(http_body_has(&r, "<td>Kielto tähän tarkoitukseen</td><td "
	    "class=\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Kielto: julkaiseminen luettelossa</td><td "
	    "class=\"num\">1</td>"));
	http_resp_free(&r);
	/* a purpose outside marketing: the advertising ban does not apply */
	http_session(&r, "GET", "/intranet/labels?purpose=publication&postal=99",
	    handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<strong>3</strong> <span>asiakasta on "
	    "listalla.</span>"));
	assert_true(http_body_has(&r, "<td>Kielto tähän tarkoitukseen</td><td "
	    "class=\"num\">1</td>"));
	assert_true(http_body_has(&r, "<td>Käsittelyä rajoitettu</td><td class="
	    "\"num\">1</td>"));
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/labels/sheet?purpose=advertising&"
	    "postal=99&page=1", handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Mäkelä"));
	assert_true(http_body_has(&r, "@Kaava Oy"));
	assert_false(http_body_has(&r, "Mainoskielto"));
	assert_false(http_body_has(&r, "Julkaisukielto"));
	assert_false(http_body_has(&r, "Rajoitettu"));
	assert_false(http_body_has(&r, "Päättynyt"));
	assert_false(http_body_has(&r, "Osoitteeton"));
	assert_false(http_body_has(&r, "rel=\"next\""));	/* one page holds them */
	/* where this page is among all of them */
	assert_true(http_body_has(&r, "<span>Sivu</span> <span>1</span> <span>/"
	    "</span> <span>1</span></strong>"));
	assert_true(http_body_has(&r, "<span>arkit</span> <span>1</span>–<span>"
	    "1</span> <span>/</span> <span>1</span>"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/labels/sheet?purpose=advertising&"
	    "postal=99&page=2", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Listalla ei ole ketään."));
	assert_true(http_body_has(&r, "rel=\"prev\""));
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/labels.csv?purpose=advertising&"
	    "postal=99", handler_id, NULL);
	assert_int_equal(r.status, 200);
	cd = http_header(&r, "Content-Type");
	assert_string_equal(cd, "text/csv; charset=utf-8; header=present");
	free(cd);
	assert_string_equal(r.body.data, "\"number\",\"name\",\"organisation\","
	    "\"street\",\"postal_code\",\"city\",\"country\"\r\n"
	    "\"L-001\",\"Aino Mäkelä\",\"\",\"Revontulentie 5\",\"99130\","
	    "\"Sirkka\",\"\"\r\n"
	    "\"L-007\",\"Gustav Kaava\",\"'@Kaava Oy\",\"Lapintie 7\",\"99800\","
	    "\"Ivalo\",\"\"\r\n");
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1 AND summary LIKE 'advertising, 2 labels%'",
	    "labels.export"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1", "labels.print"), 2);	/* each page of sheets viewed */

	/* bad input changes nothing and says 400 */
	http_session(&r, "GET", "/intranet/labels?purpose=everyone", handler_id,
	    NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/labels.csv?purpose=advertising&"
	    "postal=9x", handler_id, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
}

/* Name and postal-code searches by prefix (the fast, indexed ones). */
static void
name_and_postal_search(void **st)
{
	static const struct {
		const char *query, *want, *not;
	} cases[] = {
		{ "name=m%C3%A4k", "L-001", "L-007" },		/* ASCII case folded */
		{ "name=Kaava+Gus", "L-007", "L-001" },		/* last and first */
		{ "postal=99800", "L-007", "L-002" },		/* a whole code */
		{ "postal=998", "L-007", "L-002" },		/* a prefix */
		{ "postal=99&name=Mainos", "L-002", "L-007" },
	};
	struct http_resp r;

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[200];

		snprintf(path, sizeof(path), "/intranet/customers?%s",
		    cases[i].query);
		http_session(&r, "GET", path, handler_id, NULL);
		assert_int_equal(r.status, 200);
		if (!http_body_has(&r, cases[i].want) ||
		    http_body_has(&r, cases[i].not))
			fail_msg("%s: want %s, not %s", cases[i].query,
			    cases[i].want, cases[i].not);
		http_resp_free(&r);
	}
	http_session(&r, "GET", "/intranet/customers?name=Kaava+Z", handler_id,
	    NULL);
	assert_true(http_body_has(&r, "Hakuehtoihin sopivia asiakkaita ei ole."));
	http_resp_free(&r);
	/* the export of a name search is that search's rows */
	http_session(&r, "GET", "/intranet/customers.csv?name=Kaava&"
	    "purpose=disclosure", handler_id, NULL);
	assert_true(http_body_has(&r, "\"L-007\""));
	assert_false(http_body_has(&r, "\"L-001\""));
	http_resp_free(&r);
}

/* Export: the whole result, RFC 4180, formulas neutralised, restricted left out, audited; not for auditors. */
static void
export(void **st)
{
	struct http_resp r;
	char *aud;

	(void)st;
	http_session(&r, "GET", "/intranet/customers.csv?postal=99&sort=number&"
	    "purpose=disclosure", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.headers.data, "asiakkaat-disclosure.csv"));
	assert_true(strncmp(r.body.data, "\"number\",\"first_name\",\"last_name\","
	    "\"organisation\",", 40) == 0);
	assert_true(http_body_has(&r, "\"'=HYPERLINK(\"\"http://example.invalid"
	    "\"\")\""));
	assert_true(http_body_has(&r, "\"'@Kaava Oy\""));
	assert_true(http_body_has(&r, "\"L-002\""));	/* an advertising ban */
	assert_false(http_body_has(&r, "\"L-003\""));	/* a publication ban */
	assert_false(http_body_has(&r, "\"L-004\""));	/* restricted */
	assert_false(http_body_has(&r, "=HYPERLINK(\"http"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1 AND summary = 'disclosure: 5 rows; left out 1"
	    " restricted, 1 ban publication'", "customer.export"), 1);
	/* for advertising, the advertising ban is left out too */
	http_session(&r, "GET", "/intranet/customers.csv?postal=99&"
	    "purpose=advertising", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_false(http_body_has(&r, "\"L-002\""));
	assert_false(http_body_has(&r, "\"L-003\""));
	http_resp_free(&r);
	/* the register's own copy keeps the banned, their bans in a column */
	http_session(&r, "GET", "/intranet/customers.csv?postal=99&"
	    "purpose=register", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "\"notes\",\"bans\"\r\n"));
	assert_true(http_body_has(&r, "\"L-002\""));
	assert_true(http_body_has(&r, "\"L-003\""));
	assert_true(http_body_has(&r, "\"advertising\"\r\n"));
	assert_false(http_body_has(&r, "\"L-004\""));	/* restricted: never */
	http_resp_free(&r);
	/* the search page offers the register's copy and each purpose */
	http_session(&r, "GET", "/intranet/customers?postal=99", handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "purpose=register"));
	assert_true(http_body_has(&r, "<option value=\"direct_marketing\">"
	    "Suoramarkkinointi</option>"));
	assert_true(http_body_has(&r, "<option value=\"disclosure\">"));
	http_resp_free(&r);
	/* the purpose is chosen explicitly: none, or an unknown one, is 400 */
	http_session(&r, "GET", "/intranet/customers.csv?postal=99", handler_id,
	    NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/customers.csv?purpose=everything",
	    handler_id, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	/* the audit log names no one */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE ?1", "%Mäkelä%"), 0);
	aud = http_login("listaud", PW);
	http_session(&r, "GET", "/intranet/customers.csv?purpose=register", aud,
	    NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/labels?purpose=advertising", aud, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(aud);
}

/* The CLI export reads back as an import of the same records. */
static void
export_round_trip(void **st)
{
	struct buf out = BUF_INIT;
	char path[1024];

	(void)st;
	snprintf(path, sizeof(path), "%s/export.csv", state);
	assert_int_equal(http_run(&out, "%s customer export %s --postal 99 "
	    "--purpose disclosure", cli, path), 0);
	assert_non_null(strstr(out.data, "exported 5 customers for disclosure; "
	    "left out 1 with restricted processing\n"));
	assert_non_null(strstr(out.data, "left out 1 with a ban on publication\n"));
	assert_non_null(strstr(out.data, "left out 0 with a ban on disclosure\n"));
	{
		struct stat sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);	/* personal data */
	}
	buf_reset(&out);
	/* every number is taken, every other cell passes the checks */
	assert_int_equal(http_run(&out, "%s customer import %s", cli, path), 1);
	assert_non_null(strstr(out.data, "5 rows: 0 good (0 without change), "
	    "5 bad"));
	assert_null(strstr(out.data, "email:"));
	assert_null(strstr(out.data, "notes:"));
	/* an existing file is not overwritten */
	buf_reset(&out);
	assert_int_equal(http_run(&out, "%s customer export %s --purpose register",
	    cli, path), 1);
	/* without a purpose, or with an unknown one: usage */
	assert_int_equal(http_run(&out, "%s customer export %s.new", cli, path), 2);
	assert_int_equal(http_run(&out, "%s customer export %s.new --purpose all",
	    cli, path), 2);
	buf_free(&out);
}

/* A multipart body with the token, the selects and one file. */
static char *
upload_body(const char *csrf, const char *charset, const char *file)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "--XyZzY\r\nContent-Disposition: form-data; name=\"csrf\""
	    "\r\n\r\n%s\r\n--XyZzY\r\nContent-Disposition: form-data; "
	    "name=\"charset\"\r\n\r\n%s\r\n--XyZzY\r\nContent-Disposition:"
	    " form-data; name=\"source\"\r\n\r\nupdate_service\r\n",
	    csrf, charset);
	if (file != NULL)
		buf_addf(&b, "--XyZzY\r\nContent-Disposition: form-data; "
		    "name=\"file\"; filename=\"posti.csv\"\r\nContent-Type: "
		    "text/csv\r\n\r\n%s\r\n", file);
	buf_adds(&b, "--XyZzY--\r\n");
	return buf_take(&b);
}

static void
upload(struct http_resp *r, const char *session, const char *body)
{
	const struct http_opts o = { .cookie = session, .body = body,
	    .type = "multipart/form-data; boundary=XyZzY" };

	http_send(r, "POST", "/intranet/import", &o);
}

/* The admin's upload page: check (nothing changes), then apply the good rows on request. */
static void
upload_page(void **st)
{
	struct http_resp r;
	char *adm, *csrf, *body, up[32];
	const char *p;

	(void)st;
	assert_int_equal(http_user_add("listadm", "admin", PW), 0);
	adm = http_login("listadm", PW);
	http_session(&r, "GET", "/intranet/import", adm, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "enctype=\"multipart/form-data\""));
	csrf = http_csrf(&r);
	http_resp_free(&r);
	/* ISO-8859-1, one good row and one bad */
	body = upload_body(csrf, "auto", "number,city\r\nL-002,Enonteki\xf6\r\n"
	    "NO-SUCH,Inari\r\n");
	upload(&r, adm, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	/* the columns in words, the file's own names beside them (#20) */
	assert_true(http_body_has(&r, "Postitoimipaikka (city): &quot;Kittilä&quot; → "
	    "&quot;Enontekiö&quot;"));
	assert_true(http_body_has(&r, "Asiakasnumero (number): Tällä numerolla ei ole "
	    "asiakasta."));
	assert_true(http_body_has(&r, "ISO-8859-1"));
	p = strstr(r.body.data, "name=\"upload\" value=\"");
	assert_non_null(p);
	snprintf(up, sizeof(up), "%.*s", (int)strcspn(p + 21, "\""), p + 21);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " city = ?1", "Enontekiö"), 0);
	/* apply without accepting that bad rows are left out: nothing */
	body = http_form("csrf", csrf, "upload", up, NULL);
	http_session(&r, "POST", "/intranet/import/apply", adm, body);
	free(body);
	assert_int_equal(r.status, 422);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " city = ?1", "Enontekiö"), 0);
	/* meanwhile someone changes another field of the same record */
	{
		char path[1024];

		snprintf(path, sizeof(path), "%s/between.csv", state);
		http_write_text(path, "number,first_name\nL-002,Birgitta\n");
		assert_int_equal(http_run(NULL, "%s customer import-updates %s --apply",
		    cli, path), 0);
	}
	/* accepted: the good row alone, on the record as it is now */
	body = http_form("csrf", csrf, "upload", up, "apply_valid", "1", NULL);
	http_session(&r, "POST", "/intranet/import/apply", adm, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<strong>1</strong>"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers WHERE"
	    " city = ?1 AND number = 'L-002' AND first_name = 'Birgitta'",
	    "Enontekiö"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history h"
	    " JOIN customers c ON c.id = h.customer_id WHERE c.number = 'L-002'"
	    " AND h.field = 'city' AND h.source = ?1", "update_service"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history h"
	    " JOIN customers c ON c.id = h.customer_id WHERE c.number = 'L-002'"
	    " AND h.field = 'first_name' AND h.old_value = 'Birgitta'", NULL), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1 AND username = 'listadm' AND summary LIKE"
	    " 'updates: 1 applied, 1 bad rows%'", "customer.import_updates"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM import_uploads", NULL),
	    0);
	/* applied once: the kept file is gone */
	body = http_form("csrf", csrf, "upload", up, "apply_valid", "1", NULL);
	http_session(&r, "POST", "/intranet/import/apply", adm, body);
	free(body);
	assert_int_equal(r.status, 410);
	http_resp_free(&r);
	/* no file; a bad charset */
	body = upload_body(csrf, "auto", NULL);
	upload(&r, adm, body);
	free(body);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Valitse tuotava CSV-tiedosto."));
	http_resp_free(&r);
	body = upload_body(csrf, "ebcdic", "number\r\n");
	upload(&r, adm, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	/* without a session the body is not even read: 403 (not a parse error) */
	{
		struct buf big = BUF_INIT;
		const char *h[] = { "Content-Type: multipart/form-data; "
		    "boundary=XyZzY", NULL };

		buf_adds(&big, "--XyZzY\r\n");
		for (int i = 0; i < 9 * 1024; i++)
			buf_add(&big, "0123456789abcdef0123456789abcdef"
			    "0123456789abcdef0123456789abcdef", 64);
		http_fetch(&r, "POST", "/intranet/import", big.data, big.len, h);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		buf_free(&big);
	}
	/* a handler may not */
	body = upload_body(handler_csrf, "auto", "number,city\r\nL-002,X\r\n");
	upload(&r, handler_id, body);
	free(body);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(csrf);
	free(adm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_new),
		cmocka_unit_test(import_updates),
		cmocka_unit_test(labels),
		cmocka_unit_test(name_and_postal_search),
		cmocka_unit_test(export),
		cmocka_unit_test(export_round_trip),
		cmocka_unit_test(upload_page),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("lists", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
