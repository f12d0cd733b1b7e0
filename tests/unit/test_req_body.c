/* test_req_body.c — reading a request: the body reader against lying and
 * hostile lengths, req_init over fake libfcgi streams (methods, paths, query,
 * POST bodies) and the router refusing before it reads a body. */
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

/* A reader over a fixed string, handing out at most chunk bytes per call. */
struct reader {
	const char	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 chunk;
	int		 calls;
	size_t		 asked;	/* the most bytes asked for in one call */
};

static size_t
rd(void *ctx, char *dst, size_t n)
{
	struct reader *r = ctx;
	size_t k = r->len - r->pos;

	r->calls++;
	if (n > r->asked)
		r->asked = n;
	if (k > n)
		k = n;
	if (r->chunk && k > r->chunk)
		k = r->chunk;
	memcpy(dst, r->data + r->pos, k);
	r->pos += k;
	return k;
}

static void
test_body_ok(void **state)
{
	struct reader r = { S("a=1&b=hello"), 0, 3, 0, 0 };
	char *body = NULL;
	size_t len = 99;

	(void)state;
	assert_int_equal(req_read_body("11", 100, rd, &r, &body, &len), REQ_OK);
	assert_int_equal(len, 11);
	assert_memory_equal(body, "a=1&b=hello", 12);	/* NUL-terminated */
	assert_int_equal(r.calls, 4);
	free(body);

	memset(&r, 0, sizeof(r));
	assert_int_equal(req_read_body("0", 100, rd, &r, &body, &len), REQ_OK);
	assert_int_equal(len, 0);
	assert_string_equal(body, "");
	assert_int_equal(r.calls, 0);
	free(body);

	/* Leading zeros are still a plain decimal number. */
	r = (struct reader){ S("abc"), 0, 0, 0, 0 };
	assert_int_equal(req_read_body("003", 100, rd, &r, &body, &len), REQ_OK);
	assert_int_equal(len, 3);
	free(body);
}

static void
test_body_limit(void **state)
{
	struct reader r = { S("0123456789"), 0, 0, 0, 0 };
	char *big, *body = NULL;
	size_t len;

	(void)state;
	assert_int_equal(req_read_body("11", 10, rd, &r, &body, &len),
	    REQ_TOO_LARGE);
	assert_int_equal(r.calls, 0);
	assert_null(body);
	assert_int_equal(req_read_body("18446744073709551615", 10, rd, &r, &body,
	    &len), SIZE_MAX == 18446744073709551615u ? REQ_TOO_LARGE : REQ_BAD);
	assert_int_equal(req_read_body("1000000000000", 65536, rd, &r, &body,
	    &len), REQ_TOO_LARGE);
	assert_int_equal(r.calls, 0);
	assert_null(body);

	/* Exactly at the limit is fine. */
	big = repeat("x", req_limits_default.body_max);
	r = (struct reader){ big, req_limits_default.body_max, 0, 0, 0, 0 };
	assert_int_equal(req_read_body("65536", req_limits_default.body_max, rd,
	    &r, &body, &len), REQ_OK);
	assert_int_equal(len, 65536);
	free(body);
	memset(&r, 0, sizeof(r));
	assert_int_equal(req_read_body("65537", req_limits_default.body_max, rd,
	    &r, &body, &len), REQ_TOO_LARGE);
	assert_int_equal(r.calls, 0);
	free(big);
}

static void
test_body_bad_length(void **state)
{
	static const char *const bad[] = {
		"abc", "-1", "-0", "+5", " 12", "12 ", "1 2", "0x10", "1e3",
		"12\t", "1.0", "١٢", "18446744073709551616",
		"99999999999999999999999999999999"
	};
	struct reader r = { S("0123456789"), 0, 0, 0, 0 };
	char *body = NULL;
	size_t len;

	(void)state;
	assert_int_equal(req_read_body(NULL, 100, rd, &r, &body, &len),
	    REQ_LENGTH_REQUIRED);
	assert_int_equal(req_read_body("", 100, rd, &r, &body, &len),
	    REQ_LENGTH_REQUIRED);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(req_read_body(bad[i], 100, rd, &r, &body, &len),
		    REQ_BAD);
	assert_int_equal(r.calls, 0);
	assert_null(body);
}

static void
test_body_lying_length(void **state)
{
	struct reader r = { S("0123456789"), 0, 4, 0, 0 };
	char *big, *body = NULL;
	size_t len;

	(void)state;
	/* Announces 100, delivers 10. */
	assert_int_equal(req_read_body("100", 1000, rd, &r, &body, &len), REQ_BAD);
	assert_null(body);
	assert_int_equal(r.pos, 10);

	/* Announces 10, delivers 100: only 10 are read. */
	big = repeat("y", 100);
	r = (struct reader){ big, 100, 0, 0, 0, 0 };
	assert_int_equal(req_read_body("10", 1000, rd, &r, &body, &len), REQ_OK);
	assert_int_equal(len, 10);
	assert_int_equal(r.pos, 10);
	assert_int_equal(r.asked, 10);
	assert_int_equal(strlen(body), 10);
	free(body);
	free(big);
}

static int
is_hex_id(const char *id)
{
	if (strlen(id) != 16)
		return 0;
	return strspn(id, "0123456789abcdef") == 16;
}

static void
test_init_get(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=GET",
		"REQUEST_URI=/asiakkaat/%C3%A4+x?lang=en&q=a+b",
		"QUERY_STRING=lang=en&q=a+b",
		"HTTP_COOKIE=sid=abc; theme=dark",
		"REMOTE_ADDR=192.0.2.1",
		"HTTP_ACCEPT_LANGUAGE=fi",
		"HTTP_IF_NONE_MATCH=\"v1\"",
		NULL
	};
	struct fake *x = fake_new(env, NULL);
	char first[17];

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(x->r.method, METHOD_GET);
	assert_string_equal(x->r.path, "/asiakkaat/\xc3\xa4+x");
	assert_string_equal(kv_get(&x->r.query, "q"), "a b");
	assert_int_equal(x->r.lang, LANG_EN);
	assert_string_equal(kv_get(&x->r.cookies, "sid"), "abc");
	assert_string_equal(x->r.remote_addr, "192.0.2.1");
	assert_string_equal(x->r.accept_language, "fi");
	assert_string_equal(x->r.if_none_match, "\"v1\"");
	assert_int_equal(x->r.form.n, 0);
	assert_true(is_hex_id(x->r.id));
	assert_int_equal(x->in.fills, 0);
	memcpy(first, x->r.id, sizeof(first));
	req_free(&x->r);
	assert_int_equal(fake_init(x), REQ_OK);
	assert_string_not_equal(first, x->r.id);
	fake_free(x);
}

static void
test_init_methods(void **state)
{
	static const struct {
		const char		*env;
		enum req_method		 m;
	} t[] = {
		{ "REQUEST_METHOD=HEAD", METHOD_HEAD },
		{ "REQUEST_METHOD=PUT", METHOD_OTHER },
		{ "REQUEST_METHOD=get", METHOD_OTHER },
		{ "REQUEST_METHOD=", METHOD_OTHER },
		{ "NO_METHOD=1", METHOD_OTHER }
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *env[] = { (char *)t[i].env, "REQUEST_URI=/", NULL };
		struct fake *x = fake_new(env, NULL);

		assert_int_equal(fake_init(x), REQ_OK);
		assert_int_equal(x->r.method, t[i].m);
		assert_string_equal(x->r.path, "/");
		fake_free(x);
	}
}

static void
test_init_bad_paths(void **state)
{
	static const struct {
		const char		*uri;
		enum req_status		 want;
	} t[] = {
		{ NULL, REQ_BAD },
		{ "REQUEST_URI=", REQ_BAD },
		{ "REQUEST_URI=x", REQ_BAD },
		{ "REQUEST_URI=*", REQ_BAD },
		{ "REQUEST_URI=http://example.org/", REQ_BAD },
		{ "REQUEST_URI=%2Fa", REQ_BAD },
		{ "REQUEST_URI=/a%00b", REQ_BAD },
		{ "REQUEST_URI=/a%0Ab", REQ_BAD },
		{ "REQUEST_URI=/a%09b", REQ_BAD },
		{ "REQUEST_URI=/a%7F", REQ_BAD },
		{ "REQUEST_URI=/a\x01", REQ_BAD },
		{ "REQUEST_URI=/a%C0%AF", REQ_BAD },
		{ "REQUEST_URI=/a%ED%A0%80", REQ_BAD },
		{ "REQUEST_URI=/a%E2%82", REQ_BAD },
		{ "REQUEST_URI=/a%FF", REQ_BAD },
		{ "REQUEST_URI=/a%zz", REQ_BAD },
		{ "REQUEST_URI=/a%4", REQ_BAD },
		{ "REQUEST_URI=/a%", REQ_BAD },
		{ "REQUEST_URI=/a%?x", REQ_BAD },
		{ "REQUEST_URI=/a?%zz", REQ_OK },	/* the query is QUERY_STRING's */
		{ "REQUEST_URI=/%2F", REQ_OK }
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *env[] = { "REQUEST_METHOD=GET", "HTTP_ACCEPT_LANGUAGE=en",
		    (char *)t[i].uri, NULL };
		struct fake *x = fake_new(env, NULL);

		print_message("%s\n", t[i].uri ? t[i].uri : "(none)");
		assert_int_equal(fake_init(x), t[i].want);
		/* Still answerable: id and language are set. */
		assert_true(is_hex_id(x->r.id));
		assert_int_equal(x->r.lang, LANG_EN);
		fake_free(x);
	}
}

static void
test_init_uri_length(void **state)
{
	size_t max = req_limits_default.uri_max;
	char *uri, *p;

	(void)state;
	uri = xmalloc(max + 32);
	strcpy(uri, "REQUEST_URI=/");
	p = uri + strlen(uri);
	memset(p, 'a', max - 1);
	p[max - 1] = '\0';
	{
		char *env[] = { "REQUEST_METHOD=GET", uri, NULL };
		struct fake *x = fake_new(env, NULL);

		assert_int_equal(fake_init(x), REQ_OK);
		assert_int_equal(strlen(x->r.path), max);
		req_free(&x->r);
		p[max - 1] = 'a';
		p[max] = '\0';
		assert_int_equal(fake_init(x), REQ_TOO_LARGE);
		assert_true(is_hex_id(x->r.id));
		fake_free(x);
	}
	free(uri);
}

static void
test_init_query_errors_keep_language(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=GET", "REQUEST_URI=/x?lang=fi&a=%zz",
		"QUERY_STRING=lang=fi&a=%zz", "HTTP_ACCEPT_LANGUAGE=en-GB,en;q=0.9",
		NULL
	};
	char *env2[] = {
		"REQUEST_METHOD=GET", "REQUEST_URI=/x%zz?lang=en",
		"QUERY_STRING=lang=en", "HTTP_ACCEPT_LANGUAGE=fi", NULL
	};
	struct fake *x = fake_new(env, NULL);

	(void)state;
	assert_int_equal(fake_init(x), REQ_BAD);
	/* an exact lang= pair in a query that fails still picks the language */
	assert_int_equal(x->r.lang, LANG_FI);
	assert_int_equal(x->r.query.n, 0);
	assert_true(is_hex_id(x->r.id));
	fake_free(x);

	/* A bad path after a good query: ?lang= still wins. */
	x = fake_new(env2, NULL);
	assert_int_equal(fake_init(x), REQ_BAD);
	assert_int_equal(x->r.lang, LANG_EN);
	fake_free(x);
}

static void
test_init_post(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=POST", "REQUEST_URI=/kirjaudu",
		"CONTENT_TYPE=application/x-www-form-urlencoded; charset=UTF-8",
		"CONTENT_LENGTH=25", "HTTP_COOKIE=sid=s1", NULL
	};
	struct fake *x = fake_new(env, "name=M%C3%A4ki&csrf=t0k3n&xtra-bytes");

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(x->r.method, METHOD_POST);
	assert_int_equal(x->r.form.n, 2);
	assert_string_equal(kv_get(&x->r.form, "name"), "M\xc3\xa4ki");
	assert_string_equal(kv_get(&x->r.form, "csrf"), "t0k3n");
	assert_int_equal(fake_in_consumed(&x->in), 25);
	fake_free(x);
}

static void
test_init_post_content_types(void **state)
{
	static const struct {
		const char		*ct;
		enum req_status		 want;
	} t[] = {
		{ "CONTENT_TYPE=application/x-www-form-urlencoded", REQ_OK },
		{ "CONTENT_TYPE=Application/X-WWW-Form-URLencoded", REQ_OK },
		{ "CONTENT_TYPE=application/x-www-form-urlencoded;charset=utf-8",
		    REQ_OK },
		{ "CONTENT_TYPE=application/x-www-form-urlencoded; charset=\"UTF-8\"",
		    REQ_OK },
		{ "CONTENT_TYPE=application/x-www-form-urlencoded ; foo=bar",
		    REQ_OK },
		{ "CONTENT_TYPE=application/x-www-form-urlencoded; charset=iso-8859-1",
		    REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=application/x-www-form-urlencoded; charset=",
		    REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=application/x-www-form-urlencodedx",
		    REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=multipart/form-data; boundary=x", REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=text/plain", REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=application/json", REQ_UNSUPPORTED },
		{ "CONTENT_TYPE=", REQ_UNSUPPORTED },
		{ NULL, REQ_UNSUPPORTED }
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x",
		    "CONTENT_LENGTH=3", (char *)t[i].ct, NULL };
		struct fake *x = fake_new(env, "a=1");

		print_message("%s\n", t[i].ct ? t[i].ct : "(none)");
		assert_int_equal(fake_init(x), t[i].want);
		if (t[i].want == REQ_OK)
			assert_string_equal(kv_get(&x->r.form, "a"), "1");
		else
			assert_int_equal(x->in.fills, 0);	/* body not read */
		fake_free(x);
	}
}

static void
test_init_post_lengths(void **state)
{
	static const struct {
		const char		*cl;
		const char		*body;
		size_t			 blen;
		enum req_status		 want;
		size_t			 consumed;
	} t[] = {
		{ NULL, S("a=1"), REQ_LENGTH_REQUIRED, 0 },
		{ "CONTENT_LENGTH=", S("a=1"), REQ_LENGTH_REQUIRED, 0 },
		{ "CONTENT_LENGTH=65537", S("a=1"), REQ_TOO_LARGE, 0 },
		{ "CONTENT_LENGTH=99999999999999999999999", S("a=1"), REQ_BAD, 0 },
		{ "CONTENT_LENGTH=-3", S("a=1"), REQ_BAD, 0 },
		{ "CONTENT_LENGTH=3 ", S("a=1"), REQ_BAD, 0 },
		{ "CONTENT_LENGTH=100", S("a=1&b=2345"), REQ_BAD, 10 },
		{ "CONTENT_LENGTH=0", S("a=1"), REQ_OK, 0 },
		{ "CONTENT_LENGTH=3", S("a=1&b=2"), REQ_OK, 3 },
		{ "CONTENT_LENGTH=5", S("a=%zz"), REQ_BAD, 5 },
		{ "CONTENT_LENGTH=4", S("a=\0b"), REQ_BAD, 4 }
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x",
		    "CONTENT_TYPE=application/x-www-form-urlencoded",
		    (char *)t[i].cl, NULL };
		struct fake *x = fake_new(env, NULL);

		print_message("%s\n", t[i].cl ? t[i].cl : "(none)");
		fake_in_init(&x->in, t[i].body, t[i].blen);
		assert_int_equal(fake_init(x), t[i].want);
		assert_int_equal(fake_in_consumed(&x->in), t[i].consumed);
		if (t[i].want != REQ_OK)
			assert_int_equal(x->r.form.n, 0);
		fake_free(x);
	}
}

static void
test_init_get_ignores_body(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x",
	    "CONTENT_LENGTH=999999999", "CONTENT_TYPE=text/plain", NULL };
	struct fake *x = fake_new(env, "junk");

	(void)state;
	assert_int_equal(fake_init(x), REQ_OK);
	assert_int_equal(x->in.fills, 0);
	assert_int_equal(x->r.form.n, 0);
	fake_free(x);
}

static void
answer_ok(struct app *a, struct req *r)
{
	(void)a;
	resp_send(r, 200, "text/plain", "ok", 2);
}

/*
 * The router refuses a method or path it does not know before it reads a
 * byte of the body (#18): a client that announces 60,000 bytes and sends
 * them slowly, or never, does not hold the worker.
 */
static void
test_dispatch_before_body(void **state)
{
	static const struct route routes[] = {
		{ "/notice", METHOD_GET, 0, answer_ok, 0, 0 },
		{ "/form", METHOD_GET | METHOD_POST, 0, answer_ok, 0, 0 },
	};
	static const char *const paths[] = {
		"REQUEST_URI=/notice", "REQUEST_URI=/nowhere"
	};
	struct app a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.name = "test";
	a.routes = routes;
	a.nroutes = sizeof(routes) / sizeof(routes[0]);
	a.limits = req_limits_default;
	for (size_t i = 0; i < 2; i++) {
		char *env[] = {
			"REQUEST_METHOD=POST", (char *)paths[i],
			"CONTENT_TYPE=application/x-www-form-urlencoded",
			"CONTENT_LENGTH=60000", NULL
		};
		struct fake *x = fake_new(env, "a=1");
		const char *out;

		assert_int_equal(req_begin(&x->r, &x->f, &a.limits), REQ_OK);
		app_dispatch(&a, &x->r);
		assert_int_equal(x->in.fills, 0);
		out = fake_out_text(&x->out);
		if (i == 0) {
			assert_non_null(strstr(out, "Status: 405 "));
			assert_non_null(strstr(out, "\r\nAllow: GET, HEAD\r\n"));
		} else
			assert_non_null(strstr(out, "Status: 404 "));
		fake_free(x);
	}
	/* a route that takes POST reads its body */
	{
		char *env[] = {
			"REQUEST_METHOD=POST", "REQUEST_URI=/form",
			"CONTENT_TYPE=application/x-www-form-urlencoded",
			"CONTENT_LENGTH=3", NULL
		};
		struct fake *x = fake_new(env, "a=1");

		assert_int_equal(req_begin(&x->r, &x->f, &a.limits), REQ_OK);
		assert_int_equal(x->in.fills, 0);
		app_dispatch(&a, &x->r);
		assert_true(x->in.fills > 0);
		assert_string_equal(kv_get(&x->r.form, "a"), "1");
		assert_non_null(strstr(fake_out_text(&x->out), "Status: 200 "));
		fake_free(x);
	}
	/* ... and answers a body it cannot take with its status */
	{
		char *env[] = {
			"REQUEST_METHOD=POST", "REQUEST_URI=/form",
			"CONTENT_TYPE=text/plain", "CONTENT_LENGTH=3", NULL
		};
		struct fake *x = fake_new(env, "a=1");

		assert_int_equal(req_begin(&x->r, &x->f, &a.limits), REQ_OK);
		app_dispatch(&a, &x->r);
		assert_int_equal(x->in.fills, 0);
		assert_non_null(strstr(fake_out_text(&x->out), "Status: 415 "));
		fake_free(x);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_ok),
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_body_bad_length),
		cmocka_unit_test(test_body_lying_length),
		cmocka_unit_test(test_init_get),
		cmocka_unit_test(test_init_methods),
		cmocka_unit_test(test_init_bad_paths),
		cmocka_unit_test(test_init_uri_length),
		cmocka_unit_test(test_init_query_errors_keep_language),
		cmocka_unit_test(test_init_post),
		cmocka_unit_test(test_init_post_content_types),
		cmocka_unit_test(test_init_post_lengths),
		cmocka_unit_test(test_init_get_ignores_body),
		cmocka_unit_test(test_dispatch_before_body),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
