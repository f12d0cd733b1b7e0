/*
 * test_notice.c — the public privacy notice through the real server: every
 * section of the company's notice in both languages, versions that never
 * change, JSON, ETags. The harness publishes data/notice/{fi,en}.txt as
 * version 1 before this runs; the last test publishes version 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "http.h"

/* The section titles of a notice file: titled lines after the four header lines. */
static size_t
titles(const char *file, char out[][256], size_t max)
{
	char line[8192];
	size_t n = 0, seen = 0;
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');

		if (tab == NULL || tab == line)
			continue;
		*tab = '\0';
		if (seen++ < 4)
			continue;
		assert_true(n < max);
		assert_true(strlen(line) < 256);
		memcpy(out[n++], line, strlen(line) + 1);
	}
	fclose(f);
	return n;
}

static void
every_section_in_finnish(void **state)
{
	char t[64][256], h2[300];
	struct http_resp r;
	size_t n = titles("data/notice/fi.txt", t, 64);

	(void)state;
	assert_int_equal(n, 21);
	http_get(&r, "/notice");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);
	for (size_t i = 0; i < n; i++) {
		snprintf(h2, sizeof(h2), "<h2>%s</h2>", t[i]);
		if (!http_body_has(&r, h2))
			fail_msg("no section \"%s\" on /notice", t[i]);
	}
	/* header facts, the request form, the Ombudsman */
	assert_true(http_body_has(&r, "Vemitek Oy"));
	assert_true(http_body_has(&r, "Anja Koivisto"));
	assert_true(http_body_has(&r, "044 0219 914"));
	assert_true(http_body_has(&r, "href=\"mailto:anja.koivisto@vemitek.fi\""));
	assert_true(http_body_has(&r, "datetime=\"2020-06-23\">23.6.2020</time>"));
	assert_true(http_body_has(&r, "href=\"/request?lang=fi\""));
	assert_true(http_body_has(&r, "Tietosuojavaltuutetun toimisto"));
	assert_true(http_body_has(&r, "tietosuoja@om.fi"));
	/* the company's empty section stays empty: the program says nothing on its behalf (#16) */
	assert_false(http_body_has(&r, "ei käytetä automaattiseen päätöksentekoon"));
	assert_true(http_body_has(&r, "Tähän kohtaan ei ole tietoja."));
	/* cleaned rich text: proper lists, no style attributes */
	assert_true(http_body_has(&r, "<li>Sähköpostiosoite</li>"));
	assert_false(http_body_has(&r, "style="));
	assert_false(http_body_has(&r, "- Sähköpostiosoite"));
	/* the ticket key's fingerprint (the harness made the key), with the key */
	assert_true(http_body_has(&r, "allekirjoitusavain"));
	assert_true(http_body_has(&r, "href=\"/request/key\""));
	http_resp_free(&r);
}

static void
every_section_in_english(void **state)
{
	char t[64][256], h2[300];
	struct http_resp r;
	size_t n = titles("data/notice/en.txt", t, 64);

	(void)state;
	assert_int_equal(n, 21);
	http_get(&r, "/notice?lang=en");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	for (size_t i = 0; i < n; i++) {
		snprintf(h2, sizeof(h2), "<h2>%s</h2>", t[i]);
		if (!http_body_has(&r, h2))
			fail_msg("no section \"%s\" on /notice?lang=en", t[i]);
	}
	assert_true(http_body_has(&r, "Office of the Data Protection Ombudsman"));
	assert_false(http_body_has(&r, "not used for automated decision-making"));
	assert_true(http_body_has(&r, "23 June 2020"));
	assert_false(http_body_has(&r, "Tietosuojaseloste</h1>"));
	http_resp_free(&r);
}

/* Every table-of-contents link has its target, the same in both languages. */
static void
toc_anchors_resolve(void **state)
{
	struct http_resp fi, en;
	const char *p;
	int links = 0;

	(void)state;
	http_get(&fi, "/notice");
	http_get(&en, "/notice?lang=en");
	for (p = fi.body.data; (p = strstr(p, "<a href=\"#")) != NULL; p++) {
		char anchor[128], id[160];

		assert_int_equal(sscanf(p, "<a href=\"#%127[^\"]\"", anchor), 1);
		snprintf(id, sizeof(id), "id=\"%s\"", anchor);
		if (!http_body_has(&fi, id) || !http_body_has(&en, id))
			fail_msg("link #%s has no target", anchor);
		links++;
	}
	assert_true(links >= 23);	/* facts + 21 sections + the Ombudsman */
	assert_true(http_body_has(&fi, "id=\"sailytysaika\"") ||
	    http_body_has(&fi, "id=\"henkilotietojen-sailyttamisaika\""));
	http_resp_free(&fi);
	http_resp_free(&en);
}

static void
etag_and_304(void **state)
{
	struct http_resp r;
	char *etag, hdr[200];
	const char *h[2] = { hdr, NULL };

	(void)state;
	http_get(&r, "/notice");
	etag = http_header(&r, "ETag");
	assert_non_null(etag);
	assert_true(etag[0] == '"');
	http_resp_free(&r);
	snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
	http_fetch(&r, "GET", "/notice", NULL, 0, h);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	http_resp_free(&r);
	/* the English page is another resource */
	http_fetch(&r, "GET", "/notice?lang=en", NULL, 0, h);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(etag);
}

static int
json_valid(const char *s)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

static void
json_document(void **state)
{
	struct http_resp r;
	char *ct, *cors;

	(void)state;
	http_get(&r, "/notice.json");
	assert_int_equal(r.status, 200);
	ct = http_header(&r, "Content-Type");
	assert_string_equal(ct, "application/json");
	free(ct);
	cors = http_header(&r, "Access-Control-Allow-Origin");
	assert_string_equal(cors, "*");
	free(cors);
	assert_true(json_valid(r.body.data));
	assert_true(http_body_has(&r, "\"format\":\"rekisteri-notice/1\""));
	assert_true(http_body_has(&r, "\"version\":1"));
	assert_true(http_body_has(&r, "\"drawn_up\":\"2020-06-23\""));
	assert_true(http_body_has(&r, "\"fi\":{"));
	assert_true(http_body_has(&r, "\"en\":{"));
	assert_true(http_body_has(&r, "\"title\":\"Henkilötietojen säilyttämisaika\""));
	assert_true(http_body_has(&r, "\"text\":\"10 vuotta asiakkuuden päättymisestä lukien.\""));
	http_resp_free(&r);
	http_get(&r, "/notice.json?version=99");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
}

static void
bad_versions_are_404(void **state)
{
	static const char *const bad[] = {
		"/notice?version=0", "/notice?version=99", "/notice?version=abc",
		"/notice?version=-1", "/notice?version=1x", "/notice?version=+1",
		"/notice?version=99999999999999999999",
	};
	struct http_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_get(&r, bad[i]);
		if (r.status != 404)
			fail_msg("%s: %ld", bad[i], r.status);
		http_assert_page(&r, "fi");
		http_resp_free(&r);
	}
}

/* The database itself refuses to change a published version. */
static void
published_is_immutable_in_database(void **state)
{
	sqlite3 *db;
	static const char *const writes[] = {
		"UPDATE notice_sections SET title = 'x' WHERE version_id = 1",
		"DELETE FROM notice_sections WHERE version_id = 1",
		"UPDATE notice_facts SET controller_name = 'x'",
		"UPDATE notice_versions SET drawn_up = '2000-01-01' WHERE number = 1",
		"DELETE FROM notice_versions WHERE number = 1",
		"INSERT INTO notice_sections VALUES (1, 'fi', 99, 'x', 'x', '')",
	};

	(void)state;
	db = http_db_open(1);
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		char *msg = NULL;

		assert_int_not_equal(sqlite3_exec(db, writes[i], NULL, NULL, &msg),
		    SQLITE_OK);
		assert_non_null(msg);
		assert_non_null(strstr(msg, "never changes"));
		sqlite3_free(msg);
	}
	sqlite3_close(db);
}

/*
 * The Ombudsman's box shows the current details of data/authority.xml in
 * both languages, and the page nowhere the address the Ombudsman has left
 * (a notice names where to complain: GDPR Art. 13(2)(d), Art. 77).
 */
static void
ombudsman_current_in_both_languages(void **state)
{
	static const char *const fi[] = {
		"<strong>Tietosuojavaltuutetun toimisto</strong>",
		"<span>Käyntiosoite</span> <span>Lintulahdenkuja 4, 00530 Helsinki</span>",
		"<span>Postiosoite</span> <span>PL 800, 00531 Helsinki</span>",
		"<span>029 566 6700</span>", "<span>029 566 6768</span>",
		"href=\"mailto:tietosuoja@om.fi\"", "href=\"https://tietosuoja.fi\"",
		"datetime=\"2026-12-02\">2.12.2026</time>",
	};
	static const char *const en[] = {
		"<strong>Office of the Data Protection Ombudsman</strong>",
		"<span>Visiting address</span> <span>Lintulahdenkuja 4, 00530 Helsinki</span>",
		"<span>Postal address</span> <span>P.O. Box 800, FI-00531 Helsinki</span>",
		"<span>+358 29 566 6700</span>", "<span>+358 29 566 6768</span>",
		"href=\"mailto:tietosuoja@om.fi\"", "href=\"https://tietosuoja.fi/en\"",
		"datetime=\"2026-12-02\">2 December 2026</time>",
	};
	struct http_resp r;

	(void)state;
	http_get(&r, "/notice");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	for (size_t i = 0; i < sizeof(fi) / sizeof(fi[0]); i++)
		if (!http_body_has(&r, fi[i]))
			fail_msg("/notice has no %s", fi[i]);
	assert_false(http_body_has(&r, "Ratapihantie"));
	assert_false(http_body_has(&r, "00521"));
	http_resp_free(&r);
	http_get(&r, "/notice?lang=en");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	for (size_t i = 0; i < sizeof(en) / sizeof(en[0]); i++)
		if (!http_body_has(&r, en[i]))
			fail_msg("/notice?lang=en has no %s", en[i]);
	assert_false(http_body_has(&r, "Ratapihantie"));
	assert_false(http_body_has(&r, "00521"));
	http_resp_free(&r);
}

/*
 * The company's 2020 notice gives the Ombudsman's former address: importing
 * it warns (and imports), rekisteri check warns about the draft, and stops
 * warning when the draft is gone.
 */
static void
former_address_warned(void **state)
{
	const char *cli = getenv("REKISTERI_CLI");
	struct buf o = BUF_INIT;

	(void)state;
	assert_int_equal(http_run(&o, "%s notice import "
	    "tests/fixtures/richtext/tietosuojaseloste.txt --lang fi "
	    "2>&1 >/dev/null", cli), 0);
	if (strstr(o.data, "rekisteri: warning: tests/fixtures/richtext/"
	    "tietosuojaseloste.txt:34: \"Ratapihantie\" is in a former address")
	    == NULL || strstr(o.data, "postal code 00521") == NULL)
		fail_msg("import: %s", o.data);
	assert_int_equal(http_run(&o, "%s check 2>&1 >/dev/null", cli), 0);
	if (strstr(o.data, "warning: notice draft (fi), section 20 \"Oikeus "
	    "tehdä valitus valvontaviranomaiselle\":1: \"Ratapihantie\"") == NULL)
		fail_msg("check: %s", o.data);
	/* the published version is the corrected text */
	assert_null(strstr(o.data, "notice version"));
	assert_int_equal(http_run(&o, "%s notice discard", cli), 0);
	assert_int_equal(http_run(&o, "%s check", cli), 0);
	assert_null(strstr(o.data, "warning"));
	assert_non_null(strstr(o.data, "gives no former address"));
	/* the corrected text imports without a warning */
	assert_int_equal(http_run(&o, "%s notice import data/notice/en.txt "
	    "--lang en 2>&1 >/dev/null && %s notice discard >/dev/null", cli, cli),
	    0);
	assert_string_equal(o.data, "");
	buf_free(&o);
}

/* Publish a second version: the first stays readable and unchanged. */
static void
second_version_keeps_first(void **state)
{
	struct http_resp before, after, r;
	struct buf cmd = BUF_INIT;
	const char *cli = getenv("REKISTERI_CLI"), *st = getenv("REKISTERI_STATE");
	char *p;

	(void)state;
	http_get(&before, "/notice.json?version=1");
	assert_int_equal(before.status, 200);
	/* a new Finnish text: drawn up later, one word changed */
	buf_addf(&cmd, "sed -e 's/^Laatimispäivä\t23.6.2020/Laatimispäivä\t1.11.2026/'"
	    " -e 's/10 vuotta asiakkuuden/Kymmenen vuotta asiakkuuden/'"
	    " data/notice/fi.txt >'%s/fi2.txt' && %s notice import '%s/fi2.txt'"
	    " --lang fi >/dev/null && %s notice publish >/dev/null",
	    st, cli, st, cli);
	assert_int_equal(system(cmd.data), 0);
	buf_free(&cmd);

	http_get(&r, "/notice");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Kymmenen vuotta asiakkuuden"));
	assert_true(http_body_has(&r, "1.11.2026"));
	assert_false(http_body_has(&r, "aiempi versio"));
	http_resp_free(&r);
	/* English was carried over from version 1 */
	http_get(&r, "/notice?lang=en");
	assert_true(http_body_has(&r, "Retention period"));
	http_resp_free(&r);

	http_get(&r, "/notice?version=1");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "10 vuotta asiakkuuden"));
	assert_false(http_body_has(&r, "Kymmenen vuotta"));
	assert_true(http_body_has(&r, "aiempi versio"));
	http_resp_free(&r);

	/* byte for byte the same document, but for "latest" */
	http_get(&after, "/notice.json?version=1");
	assert_non_null(p = strstr(after.body.data, "\"latest\":false"));
	memcpy(p, "\"latest\":true ", 14);
	assert_non_null(p = strstr(before.body.data, "\"latest\":true"));
	assert_int_equal(before.body.len, after.body.len - 1);
	assert_memory_equal(before.body.data, after.body.data, 20);
	{
		const char *a = strstr(before.body.data, "\"drawn_up\"");
		const char *b = strstr(after.body.data, "\"drawn_up\"");

		assert_string_equal(a, b);
	}
	http_resp_free(&before);
	http_resp_free(&after);

	http_get(&r, "/notice/versions");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "href=\"/notice?version=1&amp;lang=fi\""));
	assert_true(http_body_has(&r, "href=\"/notice?version=2&amp;lang=fi\""));
	http_resp_free(&r);
}

/* Static export: every version in both languages, linked to each other. */
static void
export_static_files(void **state)
{
	static const char *const files[] = {
		"notice.fi.html", "notice.en.html", "notice-v1.fi.html",
		"notice-v2.en.html", "versions.fi.html", "versions.en.html",
		"print-v1.fi.css", "print-v2.en.css", "notice.json",
		"notice-v1.json", "apache.conf", "nginx.conf",
	};
	const char *cli = getenv("REKISTERI_CLI"), *st = getenv("REKISTERI_STATE");
	struct buf cmd = BUF_INIT;
	char path[1200];

	(void)state;
	buf_addf(&cmd, "%s notice export '%s/export' --prefix /tietosuoja "
	    ">/dev/null", cli, st);
	assert_int_equal(system(cmd.data), 0);
	buf_free(&cmd);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/export/%s", st, files[i]);
		if ((f = fopen(path, "r")) == NULL)
			fail_msg("export wrote no %s", files[i]);
		fclose(f);
		if (strstr(files[i], ".html") != NULL) {
			xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET |
			    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

			if (doc == NULL)
				fail_msg("%s is not well-formed", files[i]);
			xmlFreeDoc(doc);
		}
	}
	/* links point at the exported files, not the live URLs */
	snprintf(path, sizeof(path), "grep -q 'href=\"/tietosuoja/notice.en.html\"' "
	    "'%s/export/notice.fi.html' && grep -q 'Kymmenen vuotta' "
	    "'%s/export/notice.fi.html' && grep -q '10 vuotta' "
	    "'%s/export/notice-v1.fi.html' && grep -q 'Alias /tietosuoja/' "
	    "'%s/export/apache.conf' && grep -q 'FI-00531 Helsinki' "
	    "'%s/export/notice.en.html'", st, st, st, st, st);
	assert_int_equal(system(path), 0);
	/* a bad prefix is a usage error */
	buf_addf(&cmd, "%s notice export '%s/x' --prefix 'no-slash' 2>/dev/null",
	    cli, st);
	assert_int_equal(WEXITSTATUS(system(cmd.data)), 2);
	buf_free(&cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_section_in_finnish),
		cmocka_unit_test(every_section_in_english),
		cmocka_unit_test(toc_anchors_resolve),
		cmocka_unit_test(etag_and_304),
		cmocka_unit_test(json_document),
		cmocka_unit_test(bad_versions_are_404),
		cmocka_unit_test(published_is_immutable_in_database),
		cmocka_unit_test(ombudsman_current_in_both_languages),
		cmocka_unit_test(former_address_warned),
		cmocka_unit_test(second_version_keeps_first),
		cmocka_unit_test(export_static_files),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("notice", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
