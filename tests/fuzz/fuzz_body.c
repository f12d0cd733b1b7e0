/*
 * fuzz_body.c — req_read_body. The input up to its first newline is the
 * CONTENT_LENGTH string; the rest is what the client sends, handed out by a
 * reader in chunks whose sizes come from the first byte. A body read in
 * full is then parsed as a form, as req_init does.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "req.h"

struct src {
	const uint8_t	*p;
	size_t		 left;
	size_t		 chunk;		/* at most this many bytes per call */
	size_t		 asked;		/* bytes requested in all */
};

static size_t
rd(void *ctx, char *dst, size_t n)
{
	struct src *s = ctx;

	if (n == 0)
		fz_fail("reader asked for 0 bytes", NULL);
	s->asked += n;
	if (n > s->chunk)
		n = s->chunk;
	if (n > s->left)
		n = s->left;
	memcpy(dst, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

static void
run(const char *cl, const uint8_t *rest, size_t restlen, size_t chunk,
    size_t limit)
{
	struct src s = { rest, restlen, chunk, 0 };
	struct kvlist form = { NULL, 0, 0 };
	char *body = NULL;
	size_t len = 0;
	enum req_status rc;

	rc = req_read_body(cl, limit, rd, &s, &body, &len);
	switch (rc) {
	case REQ_OK:
		if (len > limit || len > restlen || body[len] != '\0' ||
		    memcmp(body, rest, len) != 0)
			fz_fail("body differs from what was sent", cl);
		if (restlen - s.left != len)
			fz_fail("read beyond the announced length", cl);
		if (len <= req_limits_default.body_max)
			(void)req_parse_urlencoded(body, len, &req_limits_default,
			    &form);
		kv_free(&form);
		free(body);
		break;
	case REQ_LENGTH_REQUIRED:
		if (cl != NULL && *cl != '\0')
			fz_fail("411 for a given length", cl);
		break;
	case REQ_BAD:
	case REQ_TOO_LARGE:
		break;
	default:
		fz_fail("unexpected status", cl);
	}
	if (rc == REQ_TOO_LARGE && s.asked != 0)
		fz_fail("read before refusing a too large body", cl);
	if (rc != REQ_OK && (body != NULL || len != 0))
		fz_fail("body set on failure", cl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t cllen = nl ? (size_t)(nl - data) : size;
	const uint8_t *rest = nl ? nl + 1 : data + size;
	size_t restlen = size - (size_t)(rest - data);
	size_t chunk = size > 0 ? (size_t)(data[0] % 7) + 1 : 1;
	char *cl = fz_cstr(data, cllen);

	if (cllen > 64)		/* a header value, not a body */
		cl[64] = '\0';
	run(cl, rest, restlen, chunk, req_limits_default.body_max);
	run(cl, rest, restlen, SIZE_MAX, 16);
	if (size == 0)
		run(NULL, rest, restlen, chunk, req_limits_default.body_max);
	free(cl);
	return 0;
}
