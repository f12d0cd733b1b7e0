/*
 * test_http.c — the foundation through the real Apache and the real FastCGI
 * executables: pages, languages, headers, and every bad-input answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "http.h"

/* The notice answers in Finnish by default, as a well-formed XHTML page. */
static void
notice_finnish(void **state)
{
	struct http_resp r;

	(void)state;
	http_get(&r, "/notice");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);
	assert_true(http_body_has(&r, "<h1>Asiakasrekisteri - tietosuojaseloste</h1>"));
	assert_true(http_body_has(&r, "Vemitek Oy"));
	assert_true(http_body_has(&r, "href=\"mailto:anja.koivisto@vemitek.fi\""));
	assert_true(http_body_has(&r, "href=\"/static/rekisteri.css\""));
	http_resp_free(&r);
}

static void
notice_english_by_query(void **state)
{
	struct http_resp r;

	(void)state;
	http_get(&r, "/notice?lang=en");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<h1>Customer register - privacy notice</h1>"));
	/* the switch leads back to Finnish */
	assert_true(http_body_has(&r, "href=\"/notice?lang=fi\""));
	http_resp_free(&r);
}

static void
notice_english_by_accept_language(void **state)
{
	static const char *const h[] = {
		"Accept-Language: en-GB,en;q=0.9,fi;q=0.5", NULL
	};
	struct http_resp r;

	(void)state;
	http_fetch(&r, "GET", "/notice", NULL, 0, h);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	http_resp_free(&r);
}

/* ?lang= wins over Accept-Language; an unknown language falls back to Finnish. */
static void
lang_query_wins_and_unknown_is_finnish(void **state)
{
	static const char *const h[] = { "Accept-Language: en", NULL };
	struct http_resp r;

	(void)state;
	http_fetch(&r, "GET", "/notice?lang=fi", NULL, 0, h);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
	http_get(&r, "/notice?lang=xx");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
}

/*
 * HEAD: the same status and headers as GET, no body. (Apache drops the
 * Content-Length of a proxied HEAD answer, which HTTP allows.)
 */
static void
head_has_no_body(void **state)
{
	struct http_resp r;
	char *ct, *cc;

	(void)state;
	http_fetch(&r, "HEAD", "/notice", NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	ct = http_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "text/html; charset=utf-8");
	free(ct);
	http_assert_public_headers(&r);
	http_resp_free(&r);
	/* the page itself is not cached as a static file is */
	http_fetch(&r, "GET", "/notice", NULL, 0, NULL);
	cc = http_header(&r, "Cache-Control");
	assert_non_null(cc);
	assert_string_equal(cc, "no-cache");
	assert_null(strstr(r.headers.data, "max-age"));
	free(cc);
	http_resp_free(&r);
}

static void
unknown_page_is_404_in_language(void **state)
{
	struct http_resp r;

	(void)state;
	http_get(&r, "/notice/no-such-page");
	assert_int_equal(r.status, 404);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);
	assert_true(http_body_has(&r, "Sivua ei löydy"));
	http_resp_free(&r);
	http_get(&r, "/notice/no-such-page?lang=en");
	assert_int_equal(r.status, 404);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "Page not found"));
	http_resp_free(&r);
}

/*
 * A path under /intranet/ that no route has: the intranet's own 404 page;
 * a path outside every executable's: Apache's 404. Both with the headers.
 */
static void
unrouted_path_is_404(void **state)
{
	struct http_resp r;
	char *v;

	(void)state;
	http_get(&r, "/intranet/nothing-yet");
	assert_int_equal(r.status, 404);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);
	assert_true(http_body_has(&r, "<h1>Sivua ei löydy</h1>"));
	http_resp_free(&r);
	http_get(&r, "/nothing-here");
	assert_int_equal(r.status, 404);
	http_assert_public_headers(&r);
	v = http_header(&r, "X-Frame-Options");
	assert_non_null(v);
	assert_string_equal(v, "DENY");
	free(v);
	/* the web server's page, which names no version */
	v = http_header(&r, "Server");
	assert_non_null(v);
	if (http_behind_nginx()) {
		assert_string_equal(v, "nginx");
		assert_false(http_body_has(&r, "nginx/"));
	} else {
		assert_string_equal(v, "Apache");
		assert_false(http_body_has(&r, "Apache/"));
	}
	free(v);
	http_resp_free(&r);
}

static void
wrong_method_is_405_with_allow(void **state)
{
	struct http_resp r;
	char *allow;

	(void)state;
	http_fetch(&r, "POST", "/notice", "a=1", 3, NULL);
	assert_int_equal(r.status, 405);
	http_assert_page(&r, "fi");
	allow = http_header(&r, "Allow");
	assert_non_null(allow);
	assert_string_equal(allow, "GET, HEAD");
	free(allow);
	http_resp_free(&r);
	http_fetch(&r, "DELETE", "/notice", NULL, 0, NULL);
	assert_int_equal(r.status, 405);
	http_resp_free(&r);
}

/* Hostile query strings get a clear 400 page in the user's language. */
static void
bad_query_is_400(void **state)
{
	static const char *const bad[] = {
		"/notice?a=%zz",		/* non-hex escape */
		"/notice?a=%4",			/* truncated escape */
		"/notice?a=%",			/* bare percent */
		"/notice?a=%00",		/* NUL */
		"/notice?a=%01",		/* control character */
		"/notice?a=%C0%AF",		/* overlong UTF-8 */
		"/notice?a=%FF",		/* not UTF-8 */
		"/notice?a=%ED%A0%80",		/* surrogate */
	};
	struct http_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_get(&r, bad[i]);
		if (r.status != 400)
			fail_msg("%s: status %ld, want 400", bad[i], r.status);
		http_assert_page(&r, "fi");
		assert_true(http_body_has(&r, "Virheellinen pyyntö"));
		http_resp_free(&r);
	}
	http_get(&r, "/notice?lang=en&a=%zz");
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "Bad request"));
	http_resp_free(&r);
}

static void
too_many_fields_is_413(void **state)
{
	struct buf q = BUF_INIT;
	struct http_resp r;

	(void)state;
	buf_adds(&q, "/notice?");
	for (int i = 0; i < 150; i++)
		buf_addf(&q, "k%d=v&", i);
	http_get(&r, q.data);
	assert_int_equal(r.status, 413);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Liian suuri pyyntö"));
	http_resp_free(&r);
	buf_free(&q);
}

/* A query past the request layer's limit (Apache passes 5,000 bytes on): 413, our page. */
static void
long_uri_is_refused(void **state)
{
	struct buf q = BUF_INIT;
	struct http_resp r;

	(void)state;
	buf_adds(&q, "/notice?a=");
	for (int i = 0; i < 5000; i++)
		buf_addc(&q, 'x');
	http_get(&r, q.data);
	assert_int_equal(r.status, 413);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);
	assert_true(http_body_has(&r, "<h1>Liian suuri pyyntö</h1>"));
	assert_false(http_body_has(&r, "xxxxxxxxxx"));	/* not echoed */
	http_resp_free(&r);
	buf_free(&q);
}

/* Escaping holds end to end: a hostile value in the query never becomes markup. */
static void
hostile_query_value_is_not_markup(void **state)
{
	struct http_resp r;

	(void)state;
	http_get(&r, "/notice/%3Cscript%3Ealert(1)%3C/script%3E");
	assert_int_equal(r.status, 404);
	http_assert_page(&r, "fi");
	assert_false(http_body_has(&r, "<script"));
	http_resp_free(&r);
}

/* A failure inside a program: 500, the request id, nothing internal. */
static void
internal_error_is_500_without_internals(void **state)
{
	struct http_resp r;
	char path[512], line[1024], id[32] = "";
	const char *p, *st = getenv("REKISTERI_STATE");
	FILE *f;
	int found = 0;

	(void)state;
	http_get(&r, "/test/fail");
	assert_int_equal(r.status, 500);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Palvelussa tapahtui virhe"));
	assert_false(http_body_has(&r, "secret-internal-detail"));
	assert_false(http_body_has(&r, "testapp"));
	p = strstr(r.body.data, "class=\"request-id\">");
	assert_non_null(p);
	p += strlen("class=\"request-id\">");
	assert_int_equal(sscanf(p, "%16[0-9a-f]", id), 1);
	assert_int_equal(strlen(id), 16);
	http_resp_free(&r);

	/* the log names the request id, and says what failed */
	assert_non_null(st);
	snprintf(path, sizeof(path), "%s/log/fcgi.log", st);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, id) != NULL && strstr(line, "page_fail") != NULL)
			found = 1;
	fclose(f);
	assert_true(found);
}

/* A form body is parsed with the same limits and refusals as a query. */
static void
form_body_parsed(void **state)
{
	static const char *const h[] = {
		"Content-Type: application/x-www-form-urlencoded; charset=UTF-8",
		NULL
	};
	static const char body[] = "name=Matti+Meik%C3%A4l%C3%A4inen&type=access&type=erasure";
	struct http_resp r;

	(void)state;
	http_fetch(&r, "POST", "/test/form", body, sizeof(body) - 1, h);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "fields=3\n"));
	assert_true(http_body_has(&r, "0:19\n"));	/* "Matti Meikäläinen" */
	http_resp_free(&r);
}

static void
huge_body_is_413(void **state)
{
	static const char *const h[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL
	};
	size_t n = 200 * 1024;
	char *body = malloc(n);
	struct http_resp r;

	(void)state;
	assert_non_null(body);
	memcpy(body, "a=", 2);
	memset(body + 2, 'x', n - 2);
	http_fetch(&r, "POST", "/test/form", body, n, h);
	assert_int_equal(r.status, 413);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
	free(body);
}

static void
bad_body_is_400(void **state)
{
	static const char *const h[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL
	};
	static const char *const bad[] = { "a=%zz", "a=%00", "a=%C0%AF", "a=%" };
	struct http_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_fetch(&r, "POST", "/test/form", bad[i], strlen(bad[i]), h);
		if (r.status != 400)
			fail_msg("%s: status %ld, want 400", bad[i], r.status);
		http_assert_page(&r, "fi");
		http_resp_free(&r);
	}
}

static void
other_body_type_is_415(void **state)
{
	static const char *const h[] = { "Content-Type: application/json", NULL };
	struct http_resp r;

	(void)state;
	http_fetch(&r, "POST", "/test/form", "{\"a\":1}", 7, h);
	assert_int_equal(r.status, 415);
	http_assert_page(&r, "fi");
	http_resp_free(&r);
}

static void
root_redirects_to_notice(void **state)
{
	struct http_resp r;
	char *loc;

	(void)state;
	http_get(&r, "/");
	assert_int_equal(r.status, 302);
	loc = http_header(&r, "Location");
	assert_non_null(loc);
	assert_non_null(strstr(loc, "/notice"));
	free(loc);
	http_resp_free(&r);
}

static void
stylesheet_is_served_with_headers(void **state)
{
	struct http_resp r;
	char *ct;

	(void)state;
	http_get(&r, "/static/rekisteri.css");
	assert_int_equal(r.status, 200);
	ct = http_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/css"));
	free(ct);
	assert_true(http_body_has(&r, "@media print"));
	http_assert_public_headers(&r);
	http_resp_free(&r);
}

/*
 * The request line the web server logged for raw, or 0 when none yet: it logs after
 * answering, so look for up to 2 s.
 */
static int
access_logged(const char *raw)
{
	char path[1024], want[600];

	snprintf(path, sizeof(path), "%s/log/access.log",
	    getenv("REKISTERI_STATE"));
	snprintf(want, sizeof(want), "\"GET %s HTTP/1.1\"", raw);
	for (int i = 0; i < 40; i++) {
		char *log = http_read_file(path, NULL);
		int found = log != NULL && strstr(log, want) != NULL;

		free(log);
		if (found)
			return 1;
		usleep(50000);
	}
	return 0;
}

/*
 * Nothing outside the static folder is served: the paths go out exactly as
 * written (the access log shows it: libcurl would have made
 * "/static/../Makefile" "/Makefile" before sending), dot segments plain,
 * percent-encoded, double-encoded and mixed, up to the repository's
 * Makefile two levels above templates/static.
 */
static void
no_files_outside_static(void **state)
{
	static const char *const bad[] = {
		"/static/../Makefile",
		"/static/../../Makefile",
		"/static/../../../Makefile",
		"/static//../../Makefile",
		"/static/./../../Makefile",
		"/static/rekisteri.css/../../../Makefile",
		"/static/%2e%2e/%2e%2e/Makefile",
		"/static/%2E%2E/%2E%2E/Makefile",
		"/static/.%2e/.%2e/Makefile",
		"/static/..%2f..%2fMakefile",
		"/static/..%2F..%2FMakefile",
		"/static/%2e%2e%2f%2e%2e%2fMakefile",
		"/static/..%5c..%5cMakefile",
		"/static/%252e%252e/%252e%252e/Makefile",
		"/static/..;/..;/Makefile",
		"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/Makefile",
		"/static/../../conf/rekisteri.conf.sample",
		"/static/../../.git/config",
		"/rekisteri.db",
		"/../Makefile",
	};
	struct http_resp r;
	char *makefile = http_read_file("Makefile", NULL);

	(void)state;
	/* the file is there to be stolen, and this is how it would look */
	assert_non_null(makefile);
	assert_non_null(strstr(makefile, "DESTDIR ?="));
	free(makefile);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_get(&r, bad[i]);
		if (r.status != 404 && r.status != 400 && r.status != 403)
			fail_msg("%s: %ld", bad[i], r.status);
		if (http_body_has(&r, "DESTDIR ?=") ||
		    http_body_has(&r, "[database]") ||
		    http_body_has(&r, "[core]") || http_body_has(&r, "SQLite"))
			fail_msg("%s: a file outside static was served", bad[i]);
		http_assert_security_headers(&r);
		http_resp_free(&r);
		if (!access_logged(bad[i]))
			fail_msg("%s was not sent as written (not in the access log)",
			    bad[i]);
	}
	/* and the folder itself is not listed */
	http_get(&r, "/static/");
	assert_int_equal(r.status, 404);
	assert_false(http_body_has(&r, "rekisteri.css"));
	http_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(notice_finnish),
		cmocka_unit_test(notice_english_by_query),
		cmocka_unit_test(notice_english_by_accept_language),
		cmocka_unit_test(lang_query_wins_and_unknown_is_finnish),
		cmocka_unit_test(head_has_no_body),
		cmocka_unit_test(unknown_page_is_404_in_language),
		cmocka_unit_test(unrouted_path_is_404),
		cmocka_unit_test(wrong_method_is_405_with_allow),
		cmocka_unit_test(bad_query_is_400),
		cmocka_unit_test(too_many_fields_is_413),
		cmocka_unit_test(long_uri_is_refused),
		cmocka_unit_test(hostile_query_value_is_not_markup),
		cmocka_unit_test(internal_error_is_500_without_internals),
		cmocka_unit_test(form_body_parsed),
		cmocka_unit_test(huge_body_is_413),
		cmocka_unit_test(bad_body_is_400),
		cmocka_unit_test(other_body_type_is_415),
		cmocka_unit_test(root_redirects_to_notice),
		cmocka_unit_test(stylesheet_is_served_with_headers),
		cmocka_unit_test(no_files_outside_static),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("http", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
