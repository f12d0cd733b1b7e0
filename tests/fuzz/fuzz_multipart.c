/*
 * fuzz_multipart.c — req_parse_multipart (the upload page's bodies) under
 * the default limits and small ones: on success every text field obeys
 * the limits and is valid text and the file's bytes lie inside the body;
 * on an error nothing is left behind.
 */
#define _GNU_SOURCE	/* memmem */
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

static void
run(const char *s, size_t len, const struct req_limits *lim)
{
	struct kvlist l = { NULL, 0, 0 };
	struct req_file f;
	enum req_status rc;

	rc = req_parse_multipart("multipart/form-data; boundary=XyZ", s, len,
	    lim, &l, &f);
	if (rc != REQ_OK) {
		if (l.n != 0 || f.field != NULL)
			fz_fail("fields left behind after an error", NULL);
		kv_free(&l);
		return;
	}
	if (l.n > lim->fields_max)
		fz_fail("more fields than fields_max", NULL);
	for (size_t i = 0; i < l.n; i++) {
		if (strlen(l.v[i].key) > lim->key_max || l.v[i].vlen >
		    lim->value_max)
			fz_fail("key or value over its limit", NULL);
		if (!text_valid(l.v[i].key, strlen(l.v[i].key)) ||
		    !text_valid(l.v[i].val, l.v[i].vlen))
			fz_fail("a text field is not valid text", NULL);
	}
	if (f.field != NULL && (f.len > len || f.filename == NULL ||
	    (f.len > 0 && memmem(s, len, f.data, f.len) == NULL)))
		fz_fail("the file is not part of the body", NULL);
	req_file_free(&f);
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
