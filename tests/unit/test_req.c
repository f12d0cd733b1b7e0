/* test_req.c — request parsing under hostile input, and responses, over fake libfcgi streams. */
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

#define S(lit)	(lit), sizeof(lit) - 1

static enum req_status
parse(const char *s, size_t len, struct kvlist *out)
{
	return req_parse_urlencoded(s, len, &req_limits_default, out);
}

/* Parse and expect status; on failure the list must be left empty. */
static void
expect_status(const char *s, size_t len, enum req_status want)
{
	struct kvlist l = { 0 };

	assert_int_equal(parse(s, len, &l), want);
	if (want != REQ_OK)
		assert_int_equal(l.n, 0);
	kv_free(&l);
}

static void
test_urlencoded_basic(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S("a=1&bb=22&c=%C3%A4"), &l), REQ_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].key, "a");
	assert_string_equal(l.v[0].val, "1");
	assert_int_equal(l.v[0].vlen, 1);
	assert_string_equal(kv_get(&l, "bb"), "22");
	assert_string_equal(kv_get(&l, "c"), "\xc3\xa4");
	assert_int_equal(l.v[2].vlen, 2);
	assert_null(kv_get(&l, "zz"));
	assert_int_equal(kv_count(&l, "zz"), 0);
	kv_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void
test_urlencoded_plus_and_escapes(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S("a+b=c+d%2B%20e&x=%41%62%2b"), &l), REQ_OK);
	assert_string_equal(l.v[0].key, "a b");
	assert_string_equal(l.v[0].val, "c d+ e");
	assert_string_equal(kv_get(&l, "x"), "Ab+");
	kv_free(&l);
}

static void
test_urlencoded_empty_pairs(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S(""), &l), REQ_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse(NULL, 0, &l), REQ_OK);
	assert_int_equal(parse(S("&"), &l), REQ_OK);
	assert_int_equal(parse(S("&&&"), &l), REQ_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse(S("&&a=1&&b=2&&"), &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].key, "a");
	assert_string_equal(l.v[1].key, "b");
	kv_free(&l);
}

static void
test_urlencoded_key_without_value(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S("flag&x=&=v&y=a=b"), &l), REQ_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].key, "flag");
	assert_string_equal(l.v[0].val, "");
	assert_int_equal(l.v[0].vlen, 0);
	assert_string_equal(l.v[1].key, "x");
	assert_string_equal(l.v[1].val, "");
	assert_string_equal(l.v[2].key, "");
	assert_string_equal(l.v[2].val, "v");
	assert_string_equal(kv_get(&l, "y"), "a=b");
	kv_free(&l);
}

static void
test_urlencoded_duplicates(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S("a=1&b=2&a=3&a=1"), &l), REQ_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_int_equal(kv_count(&l, "a"), 3);
	assert_int_equal(kv_count(&l, "b"), 1);
	assert_string_equal(l.v[1].key, "b");
	assert_string_equal(l.v[2].val, "3");
	assert_string_equal(l.v[3].val, "1");
	kv_free(&l);
}

static void
test_urlencoded_bad_escapes(void **state)
{
	static const char *const bad[] = {
		"%", "%4", "%zz", "a=%", "a=%4", "a=%G1", "a=%1G", "a%=1",
		"a=1%", "a=%%41", "a=% 41", "a=%-1", "a=%+1", "a=1&b=%x"
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_status(bad[i], strlen(bad[i]), REQ_BAD);
}

static void
test_urlencoded_nul_and_controls(void **state)
{
	static const char *const bad[] = {
		"a=%00", "%00=a", "a=x%00y", "a=%01", "a=%1F", "a=%1b",
		"a=%08", "a=%0B", "a=%0C", "k%07=v"
	};
	struct kvlist l = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_status(bad[i], strlen(bad[i]), REQ_BAD);
	/* Raw NUL and controls inside the length. */
	expect_status(S("a=b\0c"), REQ_BAD);
	expect_status(S("a\0=b"), REQ_BAD);
	expect_status(S("a=\x01"), REQ_BAD);
	expect_status(S("a=\x1b[31m"), REQ_BAD);
	/* TAB, LF, CR and DEL are text. */
	assert_int_equal(parse(S("t=a%09b%0D%0Ac&d=%7F"), &l), REQ_OK);
	assert_string_equal(kv_get(&l, "t"), "a\tb\r\nc");
	assert_int_equal(l.v[0].vlen, 6);
	assert_string_equal(kv_get(&l, "d"), "\x7f");
	kv_free(&l);
}

static void
test_urlencoded_bad_utf8(void **state)
{
	static const char *const bad[] = {
		"a=%C0%AF",		/* overlong '/' */
		"a=%C1%BF",		/* overlong */
		"a=%E0%80%AF",		/* overlong 3-byte */
		"a=%F0%80%80%AF",	/* overlong 4-byte */
		"a=%ED%A0%80",		/* surrogate D800 */
		"a=%ED%BF%BF",		/* surrogate DFFF */
		"a=%E2%82",		/* truncated euro sign */
		"a=%E2%82x",		/* truncated, then ASCII */
		"a=%F0%9F%98",		/* truncated 4-byte */
		"a=%FF", "a=%FE", "a=%80", "a=%BF", "%C3=1",
		"a=%F4%90%80%80",	/* U+110000 */
		"a=%F5%80%80%80", "a=%F8%88%80%80%80",
		"a=%C3%C3"		/* lead where a continuation belongs */
	};
	struct kvlist l = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_status(bad[i], strlen(bad[i]), REQ_BAD);
	expect_status(S("a=\xff"), REQ_BAD);
	expect_status(S("a=\xc3"), REQ_BAD);
	assert_int_equal(parse(S("a=%C3%A4&b=%E2%82%AC&c=%F0%9F%98%80&"
	    "d=%F4%8F%BF%BF&e=%ED%9F%BF&f=\xc3\xb6"), &l), REQ_OK);
	assert_int_equal(l.n, 6);
	assert_string_equal(kv_get(&l, "b"), "\xe2\x82\xac");
	assert_string_equal(kv_get(&l, "c"), "\xf0\x9f\x98\x80");
	assert_string_equal(kv_get(&l, "f"), "\xc3\xb6");
	kv_free(&l);
}

static void
test_valid_text(void **state)
{
	(void)state;
	assert_true(text_valid(S("")));
	assert_true(text_valid(S("Hyvää päivää\t\r\n€ \xf0\x9f\x98\x80")));
	assert_false(text_valid(S("a\0b")));
	assert_false(text_valid(S("a\x1f")));
	assert_false(text_valid(S("\xc0\xaf")));
	assert_false(text_valid(S("\xed\xa0\x80")));
	assert_false(text_valid(S("\xe2\x82")));
	assert_false(text_valid(S("\xff")));
	/* The length bounds the check: a truncated sequence at the end. */
	assert_false(text_valid("\xe2\x82\xac", 2));
	assert_true(text_valid("\xe2\x82\xac", 3));
}

/* n pairs "k=v" joined by '&'; caller frees. */
static char *
pairs(size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%sk%zu=v", i ? "&" : "", i);
	return buf_take(&b);
}

static void
test_urlencoded_field_count(void **state)
{
	struct req_limits lim = req_limits_default;
	struct kvlist l = { 0 };
	char *s;

	(void)state;
	s = pairs(lim.fields_max);
	assert_int_equal(parse(s, strlen(s), &l), REQ_OK);
	assert_int_equal(l.n, lim.fields_max);
	kv_free(&l);
	free(s);
	s = pairs(lim.fields_max + 1);
	expect_status(s, strlen(s), REQ_TOO_LARGE);
	free(s);

	/* Empty pairs do not count; pairs without '=' do. */
	lim.fields_max = 3;
	assert_int_equal(req_parse_urlencoded(S("a&&b&&c&"), &lim, &l), REQ_OK);
	assert_int_equal(l.n, 3);
	kv_free(&l);
	assert_int_equal(req_parse_urlencoded(S("a&b&c&d"), &lim, &l),
	    REQ_TOO_LARGE);
	assert_int_equal(l.n, 0);
	assert_null(l.v);	/* counted before allocating */
}

/* A string of n copies of unit. */
static char *
repeat(const char *unit, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_adds(&b, unit);
	return buf_take(&b);
}

static void
test_urlencoded_lengths(void **state)
{
	const struct req_limits *lim = &req_limits_default;
	struct kvlist l = { 0 };
	char *k, *v, *s;

	(void)state;
	assert_int_equal(lim->key_max, 64);
	assert_int_equal(lim->value_max, 16 * 1024);

	k = repeat("k", lim->key_max);
	v = repeat("v", lim->value_max);
	s = xmalloc(strlen(k) + strlen(v) + 2);
	sprintf(s, "%s=%s", k, v);
	assert_int_equal(parse(s, strlen(s), &l), REQ_OK);
	assert_int_equal(strlen(l.v[0].key), lim->key_max);
	assert_int_equal(l.v[0].vlen, lim->value_max);
	kv_free(&l);
	free(s), free(k), free(v);

	k = repeat("k", lim->key_max + 1);
	expect_status(k, strlen(k), REQ_TOO_LARGE);
	s = xmalloc(strlen(k) + 3);
	sprintf(s, "%s=1", k);
	expect_status(s, strlen(s), REQ_TOO_LARGE);
	free(s), free(k);

	v = repeat("v", lim->value_max + 1);
	s = xmalloc(strlen(v) + 3);
	sprintf(s, "a=%s", v);
	expect_status(s, strlen(s), REQ_TOO_LARGE);
	free(s), free(v);

	/* Limits apply to decoded bytes: 64 escapes make a 64-byte key. */
	k = repeat("%41", lim->key_max);
	assert_int_equal(parse(k, strlen(k), &l), REQ_OK);
	assert_int_equal(strlen(l.v[0].key), lim->key_max);
	kv_free(&l);
	free(k);
	k = repeat("%41", lim->key_max + 1);
	expect_status(k, strlen(k), REQ_TOO_LARGE);
	free(k);
	/* Multi-byte characters count in bytes: 32 × "ä" is 64 bytes. */
	k = repeat("%C3%A4", 32);
	assert_int_equal(parse(k, strlen(k), &l), REQ_OK);
	kv_free(&l);
	free(k);
	k = repeat("%C3%A4", 33);
	expect_status(k, strlen(k), REQ_TOO_LARGE);
	free(k);
}

static void
test_urlencoded_rollback(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(parse(S("keep=1"), &l), REQ_OK);
	assert_int_equal(parse(S("x=1&y=2&z=%zz"), &l), REQ_BAD);
	assert_int_equal(l.n, 1);
	assert_null(kv_get(&l, "x"));
	assert_int_equal(parse(S("x=1&y=%C0%AF"), &l), REQ_BAD);
	assert_int_equal(l.n, 1);
	assert_int_equal(parse(S("x=1&%00=2"), &l), REQ_BAD);
	assert_int_equal(l.n, 1);
	assert_int_equal(parse(S("more=2"), &l), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].key, "keep");
	assert_string_equal(l.v[1].key, "more");
	kv_free(&l);
}

static void
test_cookies(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_int_equal(req_parse_cookies(NULL, &req_limits_default, &l), REQ_OK);
	assert_int_equal(req_parse_cookies("", &req_limits_default, &l), REQ_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(req_parse_cookies("sid=abc123; theme=dark;x=%41;"
	    "e=;q=a=b", &req_limits_default, &l), REQ_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(kv_get(&l, "sid"), "abc123");
	assert_string_equal(kv_get(&l, "theme"), "dark");
	assert_string_equal(kv_get(&l, "x"), "%41");	/* not decoded */
	assert_string_equal(kv_get(&l, "e"), "");
	assert_int_equal(l.v[3].vlen, 0);
	assert_string_equal(kv_get(&l, "q"), "a=b");
	kv_free(&l);
}

static void
test_cookies_malformed_skipped(void **state)
{
	struct kvlist l = { 0 };
	char *big, *h;

	(void)state;
	assert_int_equal(req_parse_cookies("junk; =x; a=1;  ; b c=2; ok =  v ;"
	    "\xc3=1; u=\xc0\xaf; t=\x01; d=1;a=2; (x)=1",
	    &req_limits_default, &l), REQ_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].key, "a");
	assert_string_equal(l.v[0].val, "1");
	assert_string_equal(l.v[1].key, "ok");
	assert_string_equal(l.v[1].val, "v");
	assert_string_equal(l.v[2].key, "d");
	assert_int_equal(kv_count(&l, "a"), 2);
	assert_string_equal(kv_get(&l, "a"), "1");
	kv_free(&l);

	/* A cookie over a length limit is skipped, not fatal. */
	big = repeat("v", req_limits_default.value_max + 1);
	h = xmalloc(strlen(big) + 32);
	sprintf(h, "big=%s; sid=1", big);
	assert_int_equal(req_parse_cookies(h, &req_limits_default, &l), REQ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "sid"), "1");
	kv_free(&l);
	free(h), free(big);
}

static void
test_cookies_count(void **state)
{
	struct req_limits lim = req_limits_default;
	struct kvlist l = { 0 };

	(void)state;
	lim.fields_max = 3;
	assert_int_equal(req_parse_cookies("a=1; b=2; c=3;;", &lim, &l), REQ_OK);
	assert_int_equal(l.n, 3);
	kv_free(&l);
	assert_int_equal(req_parse_cookies("a=1; b=2; c=3; d=4", &lim, &l),
	    REQ_TOO_LARGE);
	assert_int_equal(l.n, 0);
	/* Malformed pairs still count towards the limit. */
	assert_int_equal(req_parse_cookies("a=1; b=2; c=3; junk", &lim, &l),
	    REQ_TOO_LARGE);
	assert_int_equal(l.n, 0);
}

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

/* Fake libfcgi streams: input from a string, output into a buf. */
struct fake_in {
	FCGX_Stream	 s;
	const char	*data;
	size_t		 len;
	size_t		 pos;
	int		 fills;
	unsigned char	 win[7];
};

static void
in_fill(FCGX_Stream *s)
{
	struct fake_in *in = s->data;
	size_t n = in->len - in->pos;

	in->fills++;
	if (n > sizeof(in->win))
		n = sizeof(in->win);
	if (n == 0) {
		s->isClosed = 1;
		s->rdNext = s->stop = in->win;
		return;
	}
	memcpy(in->win, in->data + in->pos, n);
	in->pos += n;
	s->rdNext = in->win;
	s->stop = in->win + n;
}

static void
fake_in_init(struct fake_in *in, const char *data, size_t len)
{
	memset(in, 0, sizeof(*in));
	in->data = data;
	in->len = len;
	in->s.rdNext = in->s.stop = in->s.stopUnget = in->win;
	in->s.isReader = 1;
	in->s.fillBuffProc = in_fill;
	in->s.data = in;
}

/* Bytes the program consumed from the fake input. */
static size_t
fake_in_consumed(const struct fake_in *in)
{
	return in->pos - (size_t)(in->s.stop - in->s.rdNext);
}

struct fake_out {
	FCGX_Stream	 s;
	struct buf	 got;
	unsigned char	 win[16];
};

static void
out_empty(FCGX_Stream *s, int doclose)
{
	struct fake_out *o = s->data;

	(void)doclose;
	buf_add(&o->got, o->win, (size_t)(s->wrNext - o->win));
	s->wrNext = o->win;
}

static void
fake_out_init(struct fake_out *o)
{
	memset(o, 0, sizeof(*o));
	o->s.wrNext = o->win;
	o->s.stop = o->win + sizeof(o->win);
	o->s.emptyBuffProc = out_empty;
	o->s.data = o;
}

static const char *
fake_out_text(struct fake_out *o)
{
	out_empty(&o->s, 0);
	return buf_cstr(&o->got);
}

struct fake {
	FCGX_Request	 f;
	struct fake_in	 in;
	struct fake_out	 out;
	struct req	 r;
};

static struct fake *
fake_new(char **env, const char *body)
{
	struct fake *x = xcalloc(1, sizeof(*x));

	fake_in_init(&x->in, body ? body : "", body ? strlen(body) : 0);
	fake_out_init(&x->out);
	x->f.in = &x->in.s;
	x->f.out = &x->out.s;
	x->f.envp = env;
	return x;
}

static void
fake_free(struct fake *x)
{
	req_free(&x->r);
	buf_free(&x->out.got);
	free(x);
}

static enum req_status
fake_init(struct fake *x)
{
	return req_init(&x->r, &x->f, &req_limits_default);
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

#define CT_MP "multipart/form-data; boundary=----b0undary"
#define MP_PART(name, v) "------b0undary\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" v "\r\n"

/* Text fields and one file, binary bytes kept; the closing delimiter required. */
static void
test_multipart_good(void **state)
{
	static const char body[] = MP_PART("csrf", "abc") MP_PART("source",
	    "update_service")
	    "------b0undary\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"p\xc3\xa4ivitys.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	    "number,city\r\nA1,Oulu\r\n\0\xff\r\n------b0undary--\r\n";
	struct kvlist l = { NULL, 0, 0 };
	struct req_file f;

	(void)state;
	assert_int_equal(req_parse_multipart(CT_MP, body, sizeof(body) - 1,
	    &req_limits_default, &l, &f), REQ_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "csrf"), "abc");
	assert_string_equal(kv_get(&l, "source"), "update_service");
	assert_string_equal(f.field, "file");
	assert_string_equal(f.filename, "päivitys.csv");
	assert_int_equal(f.len, 24);
	assert_memory_equal(f.data, "number,city\r\nA1,Oulu\r\n\0\xff", 24);
	req_file_free(&f);
	kv_free(&l);
	/* a quoted ';' is part of the name: no file hides in a field's name */
	{
		static const char b3[] = "------b0undary\r\nContent-Disposition: "
		    "form-data; name=\"a; filename=x\"\r\n\r\n1\r\n"
		    "------b0undary--";
		struct kvlist l3 = { NULL, 0, 0 };

		assert_int_equal(req_parse_multipart(CT_MP, b3, sizeof(b3) - 1,
		    &req_limits_default, &l3, &f), REQ_OK);
		assert_null(f.field);
		assert_string_equal(kv_get(&l3, "a; filename=x"), "1");
		kv_free(&l3);
	}
	/* a quoted boundary, and no file at all */
	{
		static const char b2[] = MP_PART("a", "1") "------b0undary--";
		struct kvlist l2 = { NULL, 0, 0 };

		assert_int_equal(req_parse_multipart("multipart/form-data; "
		    "boundary=\"----b0undary\"", b2, sizeof(b2) - 1,
		    &req_limits_default, &l2, &f), REQ_OK);
		assert_null(f.field);
		assert_string_equal(kv_get(&l2, "a"), "1");
		kv_free(&l2);
	}
}

/* Anything malformed is refused and leaves nothing behind. */
static void
test_multipart_bad(void **state)
{
	static const struct {
		const char *ct, *body;
		enum req_status want;
	} cases[] = {
		{ "multipart/form-data", MP_PART("a", "1") "------b0undary--",
		    REQ_BAD },	/* no boundary */
		{ CT_MP, "preamble\r\n" MP_PART("a", "1") "------b0undary--",
		    REQ_BAD },
		{ CT_MP, MP_PART("a", "1"), REQ_BAD },	/* never closed */
		{ CT_MP, MP_PART("a", "1") "------b0undary", REQ_BAD },
		{ CT_MP, MP_PART("a", "\xc3") "------b0undary--", REQ_BAD },
		{ CT_MP, MP_PART("a", "bell\x07") "------b0undary--", REQ_BAD },
		{ CT_MP, MP_PART("", "1") "------b0undary--", REQ_BAD },
		{ CT_MP, "------b0undary\r\nContent-Type: text/plain\r\n\r\nx\r\n"
		    "------b0undary--", REQ_BAD },	/* no disposition */
		{ CT_MP, "------b0undary\r\nContent-Disposition: attachment; "
		    "name=\"a\"\r\n\r\nx\r\n------b0undary--", REQ_BAD },
		{ CT_MP, "------b0undary\r\nContent-Disposition: form-data; "
		    "name=\"f\"; filename=\"a\"\r\n\r\nx\r\n------b0undary\r\n"
		    "Content-Disposition: form-data; name=\"g\"; filename=\"b\""
		    "\r\n\r\ny\r\n------b0undary--", REQ_BAD },	/* two files */
		{ CT_MP, "------b0undary\r\nContent-Disposition: form-data; "
		    "name=\"unclosed\r\n\r\nx\r\n------b0undary--", REQ_BAD },
	};
	struct req_limits lim = req_limits_default;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kvlist l = { NULL, 0, 0 };
		struct req_file f;

		if (req_parse_multipart(cases[i].ct, cases[i].body,
		    strlen(cases[i].body), &lim, &l, &f) != cases[i].want)
			fail_msg("case %zu accepted", i);
		assert_int_equal(l.n, 0);
		assert_null(f.field);
		kv_free(&l);
	}
	/* limits: fields and value length */
	lim.fields_max = 1;
	{
		static const char b[] = MP_PART("a", "1") MP_PART("b", "2")
		    "------b0undary--";
		struct kvlist l = { NULL, 0, 0 };
		struct req_file f;

		assert_int_equal(req_parse_multipart(CT_MP, b, sizeof(b) - 1, &lim,
		    &l, &f), REQ_TOO_LARGE);
		assert_int_equal(l.n, 0);
		lim.fields_max = 10;
		lim.value_max = 3;
		assert_int_equal(req_parse_multipart(CT_MP, MP_PART("a", "1234")
		    "------b0undary--", strlen(MP_PART("a", "1234")
		    "------b0undary--"), &lim, &l, &f), REQ_TOO_LARGE);
		kv_free(&l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded_basic),
		cmocka_unit_test(test_urlencoded_plus_and_escapes),
		cmocka_unit_test(test_urlencoded_empty_pairs),
		cmocka_unit_test(test_urlencoded_key_without_value),
		cmocka_unit_test(test_urlencoded_duplicates),
		cmocka_unit_test(test_urlencoded_bad_escapes),
		cmocka_unit_test(test_urlencoded_nul_and_controls),
		cmocka_unit_test(test_urlencoded_bad_utf8),
		cmocka_unit_test(test_valid_text),
		cmocka_unit_test(test_urlencoded_field_count),
		cmocka_unit_test(test_urlencoded_lengths),
		cmocka_unit_test(test_urlencoded_rollback),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_cookies_malformed_skipped),
		cmocka_unit_test(test_cookies_count),
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
		cmocka_unit_test(test_resp_header),
		cmocka_unit_test(test_resp_send),
		cmocka_unit_test(test_resp_send_head),
		cmocka_unit_test(test_resp_send_304_and_others),
		cmocka_unit_test(test_resp_send_large_body),
		cmocka_unit_test(test_multipart_good),
		cmocka_unit_test(test_multipart_bad),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
