/* test_req.c — request parsing under hostile input: urlencoded forms, text
 * validity, cookies and multipart bodies, with their limits. */
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
		cmocka_unit_test(test_multipart_good),
		cmocka_unit_test(test_multipart_bad),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
