/*
 * fuzz_text.c — text_valid against an independent reference: decode
 * UTF-8 by the Unicode table (shortest form, no surrogates, at most
 * U+10FFFF), then refuse NUL and C0 controls other than TAB, LF and CR.
 * Any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "req.h"

static int
ref_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp, min;
		size_t n;

		if (s[i] < 0x80) {
			cp = s[i];
			n = 1;
			min = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1fu;
			n = 2;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0fu;
			n = 3;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07u;
			n = 4;
			min = 0x10000;
		} else
			return 0;
		if (len - i < n)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return 0;
		i += n;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so reading past len is an ASan error. */
	char *s = malloc(size ? size : 1);
	int got, want;

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	got = text_valid(s, size) != 0;
	want = ref_valid(data, size);
	if (got != want)
		fz_fail(got ? "text_valid accepts what the reference refuses" :
		    "text_valid refuses what the reference accepts", NULL);
	free(s);
	return 0;
}
