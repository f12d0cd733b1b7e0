/* text.c — see text.h. */
#include <stddef.h>

#include "text.h"

/*
 * Length of the one UTF-8 sequence at s[0..len), or 0 when it is not a
 * shortest-form encoding of a scalar value (no overlongs, no surrogates,
 * nothing past U+10FFFF, no truncated sequence). libxml2 2.9's
 * xmlGetUTF8Char accepts all of those, hence our own.
 */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;	/* continuation byte, or overlong 2-byte */
	if (c < 0xe0)
		n = 2;
	else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c < 0xf5) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Valid UTF-8 without NUL. Form text may hold TAB, LF and CR (a textarea)
 * but no other C0 control; a path (strict) holds no control, DEL included.
 */
static int
text_check(const char *p, size_t len, int strict)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] < 0x20 || (strict && s[i] == 0x7f)) {
			if (strict || (s[i] != '\t' && s[i] != '\n' &&
			    s[i] != '\r'))
				return 0;
			i++;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
text_valid(const char *s, size_t len)
{
	return text_check(s, len, 0);
}

int
text_valid_strict(const char *s, size_t len)
{
	return text_check(s, len, 1);
}
