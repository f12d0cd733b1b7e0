/*
 * fuzz_lang.c — lang_negotiate: the input up to its first newline is the
 * ?lang= value, the rest the Accept-Language header; each is also tried
 * alone. The answer must always be a known language.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "i18n.h"

static void
check(enum lang l)
{
	if ((int)l < 0 || l >= LANG__MAX)
		fz_fail("lang_negotiate returned an unknown language", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t qlen = nl ? (size_t)(nl - data) : 0;
	char *q = fz_cstr(data, qlen);
	char *h = nl ? fz_cstr(nl + 1, size - qlen - 1) : fz_cstr(data, size);
	enum lang l;

	check(l = lang_negotiate(q, h));
	if (lang_parse(q) >= 0 && (int)l != lang_parse(q))
		fz_fail("a valid ?lang= was not chosen", q);
	check(lang_negotiate(NULL, h));
	check(lang_negotiate(q, NULL));
	free(q);
	free(h);
	return 0;
}
