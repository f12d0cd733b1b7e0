/*
 * fuzz_cookies.c — req_parse_cookies on a Cookie header, under the default
 * and small limits: only too many pairs fails, and every pair kept has a
 * token name and valid text within the limits.
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

static int
token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static void
run(const char *h, const struct req_limits *lim)
{
	struct kvlist l = { NULL, 0, 0 };
	enum req_status rc;

	rc = req_parse_cookies(h, lim, &l);
	if (rc != REQ_OK && rc != REQ_TOO_LARGE)
		fz_fail("unexpected status", NULL);
	if (rc != REQ_OK && l.n != 0)
		fz_fail("pairs kept after REQ_TOO_LARGE", NULL);
	if (l.n > lim->fields_max)
		fz_fail("more pairs than fields_max", NULL);
	for (size_t i = 0; i < l.n; i++) {
		size_t klen = strlen(l.v[i].key);

		if (klen == 0 || klen > lim->key_max ||
		    l.v[i].vlen > lim->value_max ||
		    strlen(l.v[i].val) != l.v[i].vlen)
			fz_fail("cookie pair over a limit or with a bad length", NULL);
		for (size_t k = 0; k < klen; k++)
			if (!token_char((unsigned char)l.v[i].key[k]))
				fz_fail("cookie name is not a token", NULL);
		if (!text_valid(l.v[i].val, l.v[i].vlen))
			fz_fail("cookie value is not valid text", NULL);
		if (strchr(l.v[i].val, ';') != NULL)
			fz_fail("cookie value holds a ';'", NULL);
	}
	kv_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = fz_cstr(data, size);

	run(h, &req_limits_default);
	run(h, &small_limits);
	if (size == 0)
		run(NULL, &req_limits_default);
	free(h);
	return 0;
}
