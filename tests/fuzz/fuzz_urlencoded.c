/*
 * fuzz_urlencoded.c — req_parse_urlencoded (query strings and POST bodies)
 * under the default limits and under small ones, checking the promises of
 * req.h on every result: limits kept, decoded text valid, nothing appended
 * on error.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "req.h"

static const struct req_limits small_limits = {
	.body_max = 64,
	.fields_max = 3,
	.key_max = 4,
	.value_max = 8,
	.uri_max = 64
};

/* Non-empty pieces between '&' — the pair count a successful parse yields. */
static size_t
pairs(const char *s, size_t len)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len; i++)
		if (i == len || s[i] == '&') {
			n += i > start;
			start = i + 1;
		}
	return n;
}

static void
run(const char *s, size_t len, const struct req_limits *lim)
{
	struct kvlist l = { NULL, 0, 0 };
	enum req_status rc;
	size_t first;

	/* One pair already there: an error must leave it alone and add nothing. */
	if (req_parse_urlencoded("pre=1", 5, lim, &l) != REQ_OK || l.n != 1)
		fz_fail("a plain pair was refused", NULL);
	first = l.n;
	rc = req_parse_urlencoded(s, len, lim, &l);
	switch (rc) {
	case REQ_OK:
		if (l.n - first != pairs(s, len))
			fz_fail("pair count differs from the '&' pieces", NULL);
		break;
	case REQ_BAD:
	case REQ_TOO_LARGE:
		if (l.n != first)
			fz_fail("pairs left behind after an error", NULL);
		break;
	default:
		fz_fail("unexpected status", NULL);
	}
	if (strcmp(l.v[0].key, "pre") != 0 || strcmp(l.v[0].val, "1") != 0)
		fz_fail("the earlier pair changed", NULL);
	if (l.n - first > lim->fields_max)
		fz_fail("more pairs than fields_max", NULL);
	for (size_t i = first; i < l.n; i++) {
		size_t klen = strlen(l.v[i].key);

		if (klen > lim->key_max || l.v[i].vlen > lim->value_max)
			fz_fail("key or value over its limit", l.v[i].key);
		if (strlen(l.v[i].val) != l.v[i].vlen)
			fz_fail("vlen differs from the value's length", l.v[i].key);
		if (!text_valid(l.v[i].key, klen) ||
		    !text_valid(l.v[i].val, l.v[i].vlen))
			fz_fail("decoded text is not valid text", NULL);
		if (kv_get(&l, l.v[i].key) == NULL || kv_count(&l, l.v[i].key) == 0)
			fz_fail("kv_get cannot find a parsed key", NULL);
	}
	kv_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so reading past len is an ASan error. */
	char *s = malloc(size ? size : 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	run(s, size, &req_limits_default);
	run(s, size, &small_limits);
	free(s);
	return 0;
}
