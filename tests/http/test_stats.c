/*
 * test_stats.c — /intranet/statistics through the real server (issue #12):
 * a seeded year's numbers on the page and in the CSV (requests by month and
 * type, days to answer with median and 90th percentile, answers within the
 * deadline, refusals with their legal bases, extensions, customers), the
 * charts as inline SVG named by a title
 * and described by their tables, the CSV's headers and quoting, admins and
 * auditors only, the year selector and its default, an empty year, and bad
 * years and tables answered 400 with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

#define PW	"Tilastot kertovat vastasimmeko ajallaan 7"

static char *admin, *auditor, *handler;

/* A request: number n, received, closed (NULL: open), deadline, status, types. */
static void
request(int n, const char *received, const char *closed, const char *deadline,
    const char *status, unsigned types)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "INSERT INTO requests (number, received,"
	    " deadline, types, lang, name, text_sha256, key_id, code, form_id,"
	    " token_hash, status, closed_at) VALUES ('TS-2023-%06d', '%s', '%s',"
	    " %u, 'fi', 'Tilasto Testi', '', 'k', 'c', 'stats-%d',"
	    " randomblob(16), '%s', %s%s%s)", n, received, deadline, types, n,
	    status, closed ? "'" : "", closed ? closed : "NULL",
	    closed ? "'" : "");
	http_db_exec(sql);
}

/*
 * A sent refusal letter on request n naming bases ("'a'), ('b'": SQL
 * values of the parts' value column).
 */
static void
refusal_sent(int n, const char *bases)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "INSERT INTO request_letters (request_id,"
	    " kind) SELECT id, 'refusal' FROM requests WHERE number ="
	    " 'TS-2023-%06d'; INSERT INTO letter_parts (letter_id, seq, name,"
	    " value) SELECT (SELECT max(id) FROM request_letters),"
	    " row_number() OVER (), 'basis', column1 FROM (VALUES (%s));"
	    " UPDATE request_letters SET sent_at = '2024-03-20T09:00:00Z',"
	    " sent_via = 'post', content = x'00', sha256 = 'x' WHERE id ="
	    " (SELECT max(id) FROM request_letters)", n, bases);
	http_db_exec(sql);
}

/* 2024: refusals with two bases and none; extensions either side of 1 March in Helsinki. */
static void
seed_2024(void)
{
	request(10, "2024-02-01T10:00:00Z", "2024-03-20T10:00:00Z", "2024-04-01",
	    "refused", 1u);
	refusal_sent(10, "'manifestly_unfounded'), ('rights_of_others'");
	request(11, "2024-02-02T10:00:00Z", "2024-03-21T10:00:00Z", "2024-04-02",
	    "refused", 1u);
	request(12, "2024-02-03T10:00:00Z", NULL, "2024-04-03", "received", 1u);
	/* 00.30 on 1 March in Helsinki (a leap year); 23.30 on 29 February */
	http_db_exec("UPDATE requests SET extended_at = '2024-02-29T22:30:00Z',"
	    " extension_months = 1, extended_deadline = '2024-05-01',"
	    " extension_reasons = 'x' WHERE number = 'TS-2023-000010';"
	    " UPDATE requests SET extended_at = '2024-02-29T21:30:00Z',"
	    " extension_months = 2, extended_deadline = '2024-06-03',"
	    " extension_reasons = 'x' WHERE number = 'TS-2023-000012'");
}

static int
setup(void **st)
{
	static const struct http_staff users[] = {
		{ "admin1", "admin", "Anna Ylläpitäjä", 1 },
		{ "auditor1", "auditor", "Tuula Tarkastaja", 1 },
		{ "handler1", "handler", "Heikki Käsittelijä", 1 },
	};

	(void)st;
	if (http_staff_add(users, sizeof(users) / sizeof(users[0]), PW) != 0)
		return -1;
	/* March: 3 and 10 days, in time; closed in April after 48 days, refused late */
	request(1, "2023-03-01T10:00:00Z", "2023-03-04T10:00:00Z", "2023-04-03",
	    "answered", 1u);
	request(2, "2023-03-02T10:00:00Z", "2023-03-12T10:00:00Z", "2023-04-03",
	    "answered", 1u | 4u);
	request(3, "2023-03-03T10:00:00Z", "2023-04-20T10:00:00Z", "2023-04-03",
	    "refused", 1u << 5);
	request(4, "2023-03-05T10:00:00Z", NULL, "2023-04-05", "received", 1u << 5);
	http_db_exec("INSERT INTO customers (number, last_name, customer_since,"
	    " relationship_ended) VALUES ('S000001', 'Yksi', '2023-05-10',"
	    " '2023-07-31'), ('S000002', 'Kaksi', '2023-05-20', ''),"
	    " ('S000003', 'Kolme', '2022-01-01', '')");
	seed_2024();
	admin = http_login("admin1", PW);
	auditor = http_login("auditor1", PW);
	handler = http_login("handler1", PW);
	return admin && auditor && handler ? 0 : -1;
}

/* The cells after the row header label, tags and all, white space left out; NULL when there is no such row. */
static char *
cells(const struct http_resp *r, const char *label)
{
	char before[256], *o, *w;
	const char *s, *end;

	snprintf(before, sizeof(before), ">%s</th>", label);
	if (r->body.data == NULL || (s = strstr(r->body.data, before)) == NULL ||
	    (end = strstr(s, "</tr>")) == NULL)
		return NULL;
	s += strlen(before);
	o = strndup(s, (size_t)(end - s));
	w = o;
	for (const char *p = o; *p; p++)
		if (*p != ' ' && *p != '\n')
			*w++ = *p;
	*w = '\0';
	return o;
}

/* Fail unless row label of page r has the cells want ("–" for none), 12 months and the year. */
static void
assert_row(const struct http_resp *r, const char *label, const char *const want[13])
{
	struct buf b = BUF_INIT;
	char *got = cells(r, label);

	for (int i = 0; i < 13; i++)
		buf_addf(&b, "<td>%s</td>", want[i]);
	if (got == NULL || strcmp(got, buf_cstr(&b)) != 0)
		fail_msg("row %s: %s, want %s", label, got ? got : "(none)",
		    buf_cstr(&b));
	free(got);
	buf_free(&b);
}

#define D	"–"

static void
page_numbers(void **st)
{
	static const char *const all[13] = { "0", "0", "4", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "4" };
	static const char *const access[13] = { "0", "0", "2", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "2" };
	static const char *const erasure[13] = { "0", "0", "1", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "1" };
	static const char *const portability[13] = { "0", "0", "2", "0", "0",
	    "0", "0", "0", "0", "0", "0", "0", "2" };
	static const char *const closed[13] = { "0", "0", "2", "1", "0", "0",
	    "0", "0", "0", "0", "0", "0", "3" };
	static const char *const median[13] = { D, D, "3", "48", D, D, D, D, D,
	    D, D, D, "10" };
	static const char *const p90[13] = { D, D, "10", "48", D, D, D, D, D, D,
	    D, D, "48" };
	static const char *const in_time[13] = { "0", "0", "2", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "2" };
	static const char *const share[13] = { D, D, "100", "0", D, D, D, D, D,
	    D, D, D, "67" };
	static const char *const refused[13] = { "0", "0", "0", "1", "0", "0",
	    "0", "0", "0", "0", "0", "0", "1" };
	static const char *const added[13] = { "0", "0", "0", "0", "2", "0",
	    "0", "0", "0", "0", "0", "0", "2" };
	static const char *const ended[13] = { "0", "0", "0", "0", "0", "0",
	    "1", "0", "0", "0", "0", "0", "1" };
	struct http_resp r;

	(void)st;
	http_session(&r, "GET", "/intranet/statistics?year=2023", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_row(&r, "Kaikki pyynnöt", all);
	assert_row(&r, "Tarkastus", access);
	assert_row(&r, "Poisto", erasure);
	assert_row(&r, "Siirto", portability);
	assert_row(&r, "Suljettuja", closed);	/* the first of two: days */
	assert_row(&r, "Mediaani, päivää", median);
	assert_row(&r, "90 %:n persentiili, päivää", p90);
	assert_row(&r, "Määräajassa", in_time);
	assert_row(&r, "Osuus määräajassa, %", share);
	assert_row(&r, "Kieltäydytty", refused);
	assert_row(&r, "Lisätyt asiakkaat", added);
	assert_row(&r, "Päättyneet asiakkuudet", ended);
	/* the year chosen in the selector, and the way to print it */
	assert_true(http_body_has(&r, "<option value=\"2023\" selected=\"selected\">2023</option>"));
	assert_true(http_body_has(&r, "<option value=\"2022\">2022</option>"));
	/* a chart per table: an SVG image named by its title, described by its table */
	assert_true(http_body_has(&r, "<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " class=\"chart\" viewBox=\"0 0 720 250\" role=\"img\""
	    " aria-labelledby=\"chart-received-title\""
	    " aria-describedby=\"table-received\">"));
	assert_true(http_body_has(&r, "<title id=\"chart-received-title\">"
	    "Saapuneet pyynnöt kuukausittain</title>"));
	assert_true(http_body_has(&r, "<table class=\"stats\" id=\"table-received\">"));
	assert_true(http_body_has(&r, "aria-describedby=\"table-customers\""));
	/* the second series is hatched, not another colour */
	assert_true(http_body_has(&r, "fill=\"url(#chart-days-hatch)\""));
	assert_true(http_body_has(&r, "patternTransform=\"rotate(45)\" id=\"chart-days-hatch\">"));
	/* March's bar of 4 requests reaches the top grid line and says 4 */
	assert_true(http_body_has(&r, " stroke-width=\"1\" x=\"169\" y=\"34\""
	    " width=\"33\" height=\"186\" fill=\"#333333\"></rect>"));
	assert_true(http_body_has(&r, "/intranet/statistics.csv?year=2023&amp;"
	    "table=days"));
	assert_true(http_body_has(&r, "href=\"/intranet/statistics\""));
	http_resp_free(&r);

	/* in English, for the auditor */
	http_session(&r, "GET", "/intranet/statistics?year=2023&lang=en", auditor,
	    NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_row(&r, "Median, days", median);
	assert_row(&r, "Share within the deadline, %", share);
	http_resp_free(&r);
}

/* 2024's refusals by legal basis and extensions, on the page and as CSV. */
static void
bases_and_extensions(void **st)
{
	static const char *const refused[13] = { "0", "0", "2", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "2" };
	static const char *const one[13] = { "0", "0", "1", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "1" };
	static const char *const zero[13] = { "0", "0", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "0" };
	static const char *const ext[13] = { "0", "1", "1", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "2" };
	static const char *const feb[13] = { "0", "1", "0", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "1" };
	const char *want = "\"Row\",\"2024-01\",\"2024-02\",\"2024-03\","
	    "\"2024-04\",\"2024-05\",\"2024-06\",\"2024-07\",\"2024-08\","
	    "\"2024-09\",\"2024-10\",\"2024-11\",\"2024-12\",\"2024\"\r\n"
	    "\"Extended\",\"0\",\"1\",\"1\",\"0\",\"0\",\"0\",\"0\",\"0\","
	    "\"0\",\"0\",\"0\",\"0\",\"2\"\r\n"
	    "\"By one month\",\"0\",\"0\",\"1\",\"0\",\"0\",\"0\",\"0\","
	    "\"0\",\"0\",\"0\",\"0\",\"0\",\"1\"\r\n"
	    "\"By two months\",\"0\",\"1\",\"0\",\"0\",\"0\",\"0\",\"0\","
	    "\"0\",\"0\",\"0\",\"0\",\"0\",\"1\"\r\n";
	struct http_resp r;

	(void)st;
	http_session(&r, "GET", "/intranet/statistics?year=2024", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_row(&r, "Kieltäydytty", refused);
	/* the bases in the refusal letters' words; one request under both */
	assert_row(&r, "Pyyntö on ilmeisen perusteeton tai kohtuuton,"
	    " erityisesti jos pyyntöjä esitetään toistuvasti.", one);
	assert_row(&r, "Jäljennöksen antaminen vaikuttaisi haitallisesti muiden"
	    " oikeuksiin ja vapauksiin.", one);
	assert_row(&r, "Tietoja tarvitaan oikeusvaateen laatimiseksi,"
	    " esittämiseksi tai puolustamiseksi.", zero);
	assert_row(&r, "Perustetta ei ole kirjattu", one);
	assert_row(&r, "Pidennetyt", ext);
	assert_row(&r, "Yhdellä kuukaudella", one);
	assert_row(&r, "Kahdella kuukaudella", feb);
	assert_true(http_body_has(&r, "aria-describedby=\"table-extensions\""));
	assert_true(http_body_has(&r, "<title id=\"chart-extensions-title\">"
	    "Yhdellä ja kahdella kuukaudella pidennetyt kuukausittain</title>"));
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/statistics.csv?year=2024"
	    "&table=extensions&lang=en", auditor, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), want);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/statistics.csv?year=2024"
	    "&table=refusals&lang=en", auditor, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"Refused\",\"0\",\"0\","
	    "\"2\","));
	assert_non_null(strstr(buf_cstr(&r.body), "\"The request is manifestly"
	    " unfounded or excessive, in particular because of its repetitive"
	    " character.\",\"0\",\"0\",\"1\","));
	assert_non_null(strstr(buf_cstr(&r.body), "\"Basis not recorded\","
	    "\"0\",\"0\",\"1\","));
	http_resp_free(&r);
}

static void
csv(void **st)
{
	struct http_resp r;
	char *h;
	const char *want = "\"Rivi\",\"2023-01\",\"2023-02\",\"2023-03\","
	    "\"2023-04\",\"2023-05\",\"2023-06\",\"2023-07\",\"2023-08\","
	    "\"2023-09\",\"2023-10\",\"2023-11\",\"2023-12\",\"2023\"\r\n"
	    "\"Suljettuja\",\"0\",\"0\",\"2\",\"1\",\"0\",\"0\",\"0\",\"0\",\"0\","
	    "\"0\",\"0\",\"0\",\"3\"\r\n"
	    "\"Mediaani, päivää\",\"\",\"\",\"3\",\"48\",\"\",\"\",\"\",\"\",\"\","
	    "\"\",\"\",\"\",\"10\"\r\n"
	    "\"90 %:n persentiili, päivää\",\"\",\"\",\"10\",\"48\",\"\",\"\",\"\","
	    "\"\",\"\",\"\",\"\",\"\",\"48\"\r\n";

	(void)st;
	http_session(&r, "GET", "/intranet/statistics.csv?year=2023&table=days",
	    auditor, NULL);
	assert_int_equal(r.status, 200);
	h = http_header(&r, "Content-Type");
	assert_non_null(h);
	assert_string_equal(h, "text/csv; charset=utf-8; header=present");
	free(h);
	h = http_header(&r, "Content-Disposition");
	assert_non_null(h);
	assert_string_equal(h, "attachment; filename=\"tilastot-2023-days.csv\"");
	free(h);
	assert_string_equal(buf_cstr(&r.body), want);
	http_resp_free(&r);

	/* every table has its file; the customers' in English */
	http_session(&r, "GET", "/intranet/statistics.csv?year=2023&table=customers"
	    "&lang=en", admin, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"Customers added\",\"0\","
	    "\"0\",\"0\",\"0\",\"2\","));
	assert_non_null(strstr(buf_cstr(&r.body), "\"Relationships ended\",\"0\","
	    "\"0\",\"0\",\"0\",\"0\",\"0\",\"1\","));
	http_resp_free(&r);
	for (const char *const *t = (const char *const[]){ "received",
	    "deadline", "refusals", "extensions", NULL }; *t; t++) {
		char path[96];

		snprintf(path, sizeof(path), "/intranet/statistics.csv?year=2023"
		    "&table=%s", *t);
		http_session(&r, "GET", path, admin, NULL);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(buf_cstr(&r.body), "\"2023\"\r\n"));
		http_resp_free(&r);
	}
}

/* Admins and auditors; a handler's work is the requests themselves. */
static void
roles(void **st)
{
	struct http_resp r;

	(void)st;
	http_session(&r, "GET", "/intranet/statistics", handler, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/statistics.csv?year=2023&table=days",
	    handler, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	/* the link only where it leads somewhere */
	http_session(&r, "GET", "/intranet/", handler, NULL);
	assert_int_equal(r.status, 200);
	assert_false(http_body_has(&r, "/intranet/statistics"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/", auditor, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "href=\"/intranet/statistics\""));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/statistics", NULL, NULL);
	http_assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
}

/* No year: this year (Helsinki), selected; a year without data: zeros and dashes. */
static void
default_and_empty_year(void **st)
{
	static const char *const zeros[13] = { "0", "0", "0", "0", "0", "0",
	    "0", "0", "0", "0", "0", "0", "0" };
	static const char *const none[13] = { D, D, D, D, D, D, D, D, D, D, D,
	    D, D };
	struct http_resp r;
	char want[128];
	time_t now = time(NULL);
	struct tm tm;

	(void)st;
	/* Helsinki's year: at New Year Helsinki is UTC+2 */
	now += 2 * 3600;
	gmtime_r(&now, &tm);
	snprintf(want, sizeof(want), "<option value=\"%d\" selected=\"selected\">",
	    tm.tm_year + 1900);
	http_session(&r, "GET", "/intranet/statistics", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, want));
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/statistics?year=1999", auditor, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_row(&r, "Kaikki pyynnöt", zeros);
	assert_row(&r, "Mediaani, päivää", none);
	assert_row(&r, "Osuus määräajassa, %", none);
	assert_row(&r, "Lisätyt asiakkaat", zeros);
	http_resp_free(&r);
}

/* A year or table that is not one: 400 with the reason, nothing else. */
static void
bad_input(void **st)
{
	static const char *const years[] = { "abc", "20233", "999", "0",
	    "+2023", "2023&year=2024", "" };
	struct http_resp r;
	char path[128];

	(void)st;
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		snprintf(path, sizeof(path), "/intranet/statistics?year=%s",
		    years[i]);
		http_session(&r, "GET", path, admin, NULL);
		if (r.status != 400)
			fail_msg("%s: %ld", path, r.status);
		http_assert_page(&r, "fi");
		assert_true(http_body_has(&r, "Vuosi ei kelpaa"));
		assert_true(http_body_has(&r, "aria-invalid=\"true\""));
		assert_false(http_body_has(&r, "<table"));
		http_resp_free(&r);
		snprintf(path, sizeof(path), "/intranet/statistics.csv?table=days"
		    "&year=%s", years[i]);
		http_session(&r, "GET", path, admin, NULL);
		if (r.status != 400)
			fail_msg("%s: %ld", path, r.status);
		assert_true(http_body_has(&r, "Vuosi ei kelpaa"));
		http_resp_free(&r);
	}
	http_session(&r, "GET", "/intranet/statistics.csv?year=2023&table=x",
	    admin, NULL);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Taulukkoa ei ole"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/statistics.csv?year=2023", admin,
	    NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/statistics?year=x&lang=en", admin,
	    NULL);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Not a year"));
	http_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_numbers),
		cmocka_unit_test(bases_and_extensions),
		cmocka_unit_test(csv),
		cmocka_unit_test(roles),
		cmocka_unit_test(default_and_empty_year),
		cmocka_unit_test(bad_input),
	};

	return http_group_main("stats", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
