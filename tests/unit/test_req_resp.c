/* test_req_resp.c — responses: resp_header refusing injected headers, and
 * resp_send's status line, security headers and body over a fake libfcgi
 * output stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "i18n.h"
#include "req.h"

#include "req_test.h"

static void
test_resp_header(void **state)
{
	struct req r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(resp_header(&r, "Location", "/asiakkaat"), 0);
	assert_int_equal(resp_header(&r, "Set-Cookie",
	    "sid=x; Path=/; HttpOnly; Secure; SameSite=Lax"), 0);
	assert_string_equal(r.headers.data, "Location: /asiakkaat\r\n"
	    "Set-Cookie: sid=x; Path=/; HttpOnly; Secure; SameSite=Lax\r\n");
	assert_int_equal(resp_header(&r, "X-A", "a\r\nSet-Cookie: evil=1"), -1);
	assert_int_equal(resp_header(&r, "X-A", "a\rb"), -1);
	assert_int_equal(resp_header(&r, "X-A", "a\nb"), -1);
	assert_int_equal(resp_header(&r, "X-A", "a\x01"), -1);
	assert_int_equal(resp_header(&r, "X-A\r\nX-B", "1"), -1);
	assert_int_equal(resp_header(&r, "X-A\n", "1"), -1);
	assert_int_equal(resp_header(&r, "", "1"), -1);
	assert_int_equal(resp_header(&r, "X A", "1"), -1);
	assert_int_equal(resp_header(&r, "X-A:", "1"), -1);
	assert_int_equal(resp_header(&r, "X-\xc3\xa4", "1"), -1);
	assert_int_equal(resp_header(&r, "content-length", "0"), -1);
	assert_int_equal(resp_header(&r, "Status", "200 OK"), -1);
	assert_int_equal(resp_header(&r, "Content-Type", "text/plain"), -1);
	assert_int_equal(resp_header(&r, NULL, "1"), -1);
	assert_int_equal(resp_header(&r, "X-A", NULL), -1);
	assert_int_equal(r.headers.len, strlen("Location: /asiakkaat\r\n"
	    "Set-Cookie: sid=x; Path=/; HttpOnly; Secure; SameSite=Lax\r\n"));
	/* TAB and UTF-8 are allowed in a value. */
	assert_int_equal(resp_header(&r, "X-A", "a\tb \xc3\xa4"), 0);
	buf_free(&r.headers);
}

static const char security[] =
	"Content-Security-Policy: default-src 'none'; style-src 'self'; "
	"img-src 'self' data:; form-action 'self'; base-uri 'none'; "
	"frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"X-Frame-Options: DENY\r\n";

static void
test_resp_send(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct fake *x = fake_new(env, NULL);
	struct buf want = BUF_INIT;

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(resp_header(&x->r, "Cache-Control", "no-store"), 0);
	resp_send(&x->r, 200, "text/html; charset=utf-8", "<p>hei</p>", 10);
	buf_adds(&want, "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 10\r\n");
	buf_adds(&want, security);
	buf_adds(&want, "Cache-Control: no-store\r\n\r\n<p>hei</p>");
	assert_string_equal(fake_out_text(&x->out), want.data);
	assert_int_equal(x->r.sent, 1);
	assert_int_equal(x->r.headers.len, 0);

	/* A second send is refused. */
	resp_send(&x->r, 500, "text/plain", "x", 1);
	assert_string_equal(fake_out_text(&x->out), want.data);
	buf_free(&want);
	fake_free(x);
}

static void
test_resp_send_head(void **state)
{
	char *env[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL };
	struct fake *x = fake_new(env, NULL);
	struct buf want = BUF_INIT;

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	resp_send(&x->r, 404, "text/plain", "not found", 9);
	buf_adds(&want, "Status: 404 Not Found\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 9\r\n");
	buf_adds(&want, security);
	buf_adds(&want, "\r\n");
	assert_string_equal(fake_out_text(&x->out), want.data);
	buf_free(&want);
	fake_free(x);
}

static void
test_resp_send_304_and_others(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct fake *x = fake_new(env, NULL);
	struct buf want = BUF_INIT;
	const char *out;

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(resp_header(&x->r, "ETag", "\"v1\""), 0);
	resp_send(&x->r, 304, "text/html", "ignored", 7);
	buf_adds(&want, "Status: 304 Not Modified\r\n");
	buf_adds(&want, security);
	buf_adds(&want, "ETag: \"v1\"\r\n\r\n");
	assert_string_equal(fake_out_text(&x->out), want.data);
	buf_free(&want);
	fake_free(x);

	x = fake_new(env, NULL);
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(resp_header(&x->r, "Location", "/kiitos"), 0);
	resp_send(&x->r, 303, NULL, NULL, 0);
	out = fake_out_text(&x->out);
	assert_non_null(strstr(out, "Status: 303 See Other\r\n"));
	assert_non_null(strstr(out, "Content-Length: 0\r\n"));
	assert_null(strstr(out, "\r\nContent-Type:"));
	assert_non_null(strstr(out, "X-Frame-Options: DENY\r\n"));
	assert_non_null(strstr(out, "Location: /kiitos\r\n\r\n"));
	fake_free(x);

	static const struct {
		int		 in;
		const char	*line;
	} t[] = {
		{ 400, "Status: 400 Bad Request\r\n" },
		{ 403, "Status: 403 Forbidden\r\n" },
		{ 405, "Status: 405 Method Not Allowed\r\n" },
		{ 411, "Status: 411 Length Required\r\n" },
		{ 413, "Status: 413 Content Too Large\r\n" },
		{ 415, "Status: 415 Unsupported Media Type\r\n" },
		{ 429, "Status: 429 Too Many Requests\r\n" },
		{ 500, "Status: 500 Internal Server Error\r\n" },
		{ 503, "Status: 503 Service Unavailable\r\n" },
		{ 418, "Status: 418\r\n" },
		{ 0, "Status: 500 Internal Server Error\r\n" },
		{ 1000, "Status: 500 Internal Server Error\r\n" }
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		x = fake_new(env, NULL);
		assert_int_equal(fake_init(x), REQ_OK);
		resp_send(&x->r, t[i].in, "text/plain", "e", 1);
		out = fake_out_text(&x->out);
		assert_true(strncmp(out, t[i].line, strlen(t[i].line)) == 0);
		assert_non_null(strstr(out, security));
		assert_non_null(strstr(out, "\r\n\r\ne"));
		fake_free(x);
	}
}

static void
test_resp_send_large_body(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct fake *x = fake_new(env, NULL);
	char *body = repeat("0123456789", 10000);
	const char *out;

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	resp_send(&x->r, 200, "text/csv; charset=utf-8", body, 100000);
	out = fake_out_text(&x->out);
	assert_non_null(strstr(out, "Content-Length: 100000\r\n"));
	out = strstr(out, "\r\n\r\n");
	assert_non_null(out);
	assert_string_equal(out + 4, body);
	free(body);
	fake_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resp_header),
		cmocka_unit_test(test_resp_send),
		cmocka_unit_test(test_resp_send_head),
		cmocka_unit_test(test_resp_send_304_and_others),
		cmocka_unit_test(test_resp_send_large_body),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
