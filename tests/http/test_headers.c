/*
 * test_headers.c — the security headers come from the executables
 * themselves, not only from Apache's configuration (issue #19, item 7):
 * each executable is asked straight on its FastCGI socket (cgi-fcgi, as a
 * web server would ask it), so a front end that adds nothing (nginx) still
 * serves them. Every page kind is asked: a page, a form, an error, a
 * redirect.
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

/* The response of exe to GET uri, straight from its socket, into out. */
static void
direct(struct buf *out, const char *exe, const char *uri)
{
	buf_reset(out);
	assert_int_equal(http_run(out, "env -i REQUEST_METHOD=GET"
	    " REQUEST_URI='%s' SCRIPT_NAME='' SERVER_PROTOCOL=HTTP/1.1"
	    " REMOTE_ADDR=127.0.0.1 HTTP_HOST=127.0.0.1 cgi-fcgi -bind -connect"
	    " '%s/run/%s.sock'", uri, getenv("REKISTERI_STATE"), exe), 0);
}

/* Fail unless the response's head (before the first empty line) has every header. */
static void
assert_headers(struct buf *out, const char *what)
{
	static const char *const need[] = {
		"Content-Security-Policy: default-src 'none'",
		"frame-ancestors 'none'",
		"X-Content-Type-Options: nosniff",
		"Referrer-Policy: same-origin",
		"X-Frame-Options: DENY",
	};
	const char *body = strstr(buf_cstr(out), "\r\n\r\n");
	size_t head = body ? (size_t)(body - buf_cstr(out)) : out->len;

	assert_true(out->len > 0);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const char *p = strstr(buf_cstr(out), need[i]);

		if (p == NULL || (size_t)(p - buf_cstr(out)) > head)
			fail_msg("%s: no \"%s\" in the executable's own headers",
			    what, need[i]);
	}
}

static void
own_headers(void **st)
{
	static const struct {
		const char *exe, *uri, *status;
	} asks[] = {
		{ "notice", "/notice", "Status: 200" },
		{ "notice", "/notice/versions", "Status: 200" },
		{ "notice", "/notice/none", "Status: 404" },
		{ "request", "/request", "Status: 200" },
		{ "request", "/request/verify", "Status: 200" },
		{ "intranet", "/intranet/login", "Status: 200" },
		{ "intranet", "/intranet/customers", "Status: 303" },
	};
	struct buf out = BUF_INIT;
	char what[96];

	(void)st;
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		direct(&out, asks[i].exe, asks[i].uri);
		snprintf(what, sizeof(what), "%s %s", asks[i].exe, asks[i].uri);
		if (strstr(buf_cstr(&out), asks[i].status) == NULL)
			fail_msg("%s: not %s", what, asks[i].status);
		assert_headers(&out, what);
	}
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
