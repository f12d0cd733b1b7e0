/* test_validate.c — the field validators: good and bad values, limits, normalisation, small buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"

/* One value: what goes in, and either the normalised form or the message key. */
struct tcase {
	const char	*in;
	const char	*want;	/* NULL when err is expected */
	const char	*err;
};

typedef const char *(*val_fn)(const char *, char *, size_t);

/* The validators that take more than a value, with the parameters the tests use. */
#define TEXT_MAX	10
#define NOTE_MAX	20

static const char *
text10(const char *in, char *out, size_t outlen)
{
	return val_text(in, TEXT_MAX, out, outlen);
}

static const char *
note20(const char *in, char *out, size_t outlen)
{
	return val_multiline(in, NOTE_MAX, out, outlen);
}

static const char *
phone_fi(const char *in, char *out, size_t outlen)
{
	return val_phone(in, "358", out, outlen);
}

static const char *
money(const char *in, char *out, size_t outlen)
{
	return val_money(in, 0, out, outlen);
}

static const char *
money_neg(const char *in, char *out, size_t outlen)
{
	return val_money(in, 1, out, outlen);
}

static const struct {
	const char	*name;
	val_fn		 fn;
} all_fns[] = {
	{ "text", text10 },
	{ "multiline", note20 },
	{ "email", val_email },
	{ "phone", phone_fi },
	{ "postal_fi", val_postal_fi },
	{ "country", val_country },
	{ "business_id", val_business_id },
	{ "url", val_url },
	{ "ip", val_ip },
	{ "date", val_date },
	{ "money", money },
	{ "einvoice", val_einvoice },
};

/*
 * A good value must also come out whole in a buffer of exactly its size,
 * and fail safely ("val.too_long", nothing written past outlen, out empty)
 * in one byte less. The small buffer is malloc'ed to its exact size so
 * that AddressSanitizer sees any overflow.
 */
static void
check_small_buffers(const char *name, val_fn fn, const char *in,
    const char *want)
{
	size_t len = strlen(want);
	char *b;
	const char *err;

	b = malloc(len + 1);
	assert_non_null(b);
	memset(b, 'x', len + 1);
	if ((err = fn(in, b, len + 1)) != NULL)
		fail_msg("%s(\"%s\") exact buffer: %s", name, in, err);
	assert_string_equal(b, want);
	free(b);

	b = malloc(len > 0 ? len : 1);
	assert_non_null(b);
	memset(b, 'x', len > 0 ? len : 1);
	err = fn(in, b, len);
	if (err == NULL || strcmp(err, "val.too_long") != 0)
		fail_msg("%s(\"%s\") buffer of %zu: got %s", name, in, len,
		    err == NULL ? "success" : err);
	if (len > 0)
		assert_int_equal(b[0], '\0');
	else
		assert_int_equal(b[0], 'x');	/* outlen 0: nothing written */
	free(b);
}

static void
run_cases(const char *name, val_fn fn, const struct tcase *c, size_t n)
{
	char out[4096];
	const char *err;

	for (size_t i = 0; i < n; i++) {
		memset(out, 'x', sizeof(out));
		err = fn(c[i].in, out, sizeof(out));
		if (c[i].err == NULL) {
			if (err != NULL)
				fail_msg("%s(\"%s\"): %s, want \"%s\"", name,
				    c[i].in, err, c[i].want);
			if (strcmp(out, c[i].want) != 0)
				fail_msg("%s(\"%s\"): \"%s\", want \"%s\"",
				    name, c[i].in, out, c[i].want);
			check_small_buffers(name, fn, c[i].in, c[i].want);
		} else {
			if (err == NULL)
				fail_msg("%s(\"%s\"): accepted as \"%s\", want %s",
				    name, c[i].in, out, c[i].err);
			if (strcmp(err, c[i].err) != 0)
				fail_msg("%s(\"%s\"): %s, want %s", name,
				    c[i].in, err, c[i].err);
			if (out[0] != '\0')
				fail_msg("%s(\"%s\"): out not emptied", name,
				    c[i].in);
		}
	}
}

#define RUN(name, fn, cases) \
	run_cases((name), (fn), (cases), sizeof(cases) / sizeof((cases)[0]))

/* s repeated n times into a malloc'ed string. */
static char *
rep(const char *s, size_t n)
{
	size_t len = strlen(s);
	char *r = malloc(len * n + 1);

	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		memcpy(r + i * len, s, len);
	r[len * n] = '\0';
	return r;
}

/* Every validator: empty, blank and NULL are fine and give ""; out is always terminated. */
static void
empty_is_acceptable(void **state)
{
	static const char *const blanks[] = {
		"", " ", "\t \r\n", "\xc2\xa0", " \xe2\x80\xaf ", NULL
	};
	char out[8];

	(void)state;
	for (size_t f = 0; f < sizeof(all_fns) / sizeof(all_fns[0]); f++)
		for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
			memset(out, 'x', sizeof(out));
			if (all_fns[f].fn(blanks[i], out, sizeof(out)) != NULL)
				fail_msg("%s: blank value %zu refused",
				    all_fns[f].name, i);
			assert_string_equal(out, "");
		}
}

/* Every validator: a NULL buffer or outlen 0 is refused, never written. */
static void
no_buffer_fails_safely(void **state)
{
	char out[1] = { 'x' };

	(void)state;
	for (size_t f = 0; f < sizeof(all_fns) / sizeof(all_fns[0]); f++) {
		assert_non_null(all_fns[f].fn("", NULL, 0));
		assert_non_null(all_fns[f].fn("", out, 0));
		assert_int_equal(out[0], 'x');
		/* room for the terminator only: "" fits */
		assert_null(all_fns[f].fn("", out, 1));
		assert_int_equal(out[0], '\0');
		out[0] = 'x';
	}
}

static void
text_values(void **state)
{
	static const struct tcase cases[] = {
		{ "Matti", "Matti", NULL },
		{ "  Matti Meikäläinen ", NULL, "val.too_long" },
		{ "  Äänekoski ", "Äänekoski", NULL },
		{ "\xc2\xa0Åke\xe2\x80\xaf", "Åke", NULL },
		{ "0123456789", "0123456789", NULL },		/* 10: at the limit */
		{ "01234567890", NULL, "val.too_long" },	/* 11 */
		{ "ääääääääää", "ääääääääää", NULL },	/* 10 chars, 20 bytes */
		{ "äääääääääää", NULL, "val.too_long" },
		{ "€€€€€€€€€€", "€€€€€€€€€€", NULL },	/* 3-byte chars */
		{ "😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀", NULL },
		{ "a\tb", NULL, "val.bad_chars" },
		{ "a\nb", NULL, "val.bad_chars" },
		{ "a\rb", NULL, "val.bad_chars" },
		{ "a\x01" "b", NULL, "val.bad_chars" },
		{ "a\x7f" "b", NULL, "val.bad_chars" },
		{ "a\xc2\x85" "b", NULL, "val.bad_chars" },	/* C1 NEL */
		{ "a\xe2\x80\xae" "b", NULL, "val.bad_chars" },	/* RLO */
		{ "a\xe2\x81\xa6" "b", NULL, "val.bad_chars" },	/* LRI */
		{ "a\xe2\x80\xa8" "b", NULL, "val.bad_chars" },	/* LINE SEP */
		{ "\xff", NULL, "val.bad_chars" },
		{ "a\xc3", NULL, "val.bad_chars" },		/* truncated */
		{ "\xc0\xaf", NULL, "val.bad_chars" },		/* overlong */
		{ "\xed\xa0\x80", NULL, "val.bad_chars" },	/* surrogate */
		{ "O'Brien & Co", NULL, "val.too_long" },
		{ "<b>x</b>", "<b>x</b>", NULL },	/* escaped on output */
	};

	(void)state;
	RUN("text", text10, cases);
	/* max 0: only the empty value */
	{
		char out[4];

		assert_null(val_text("  ", 0, out, sizeof(out)));
		assert_string_equal(val_text("a", 0, out, sizeof(out)),
		    "val.too_long");
	}
}

static void
multiline_values(void **state)
{
	static const struct tcase cases[] = {
		{ "a\r\nb\rc\n", "a\nb\nc", NULL },
		{ "\n\n  rivi 1\n\trivi 2  \n\n", "rivi 1\n\trivi 2", NULL },
		{ "Hyvä asiakas,\r\nkiitos", "Hyvä asiakas,\nkiitos", NULL },
		/* 20 characters after CR LF → LF, 22 bytes before */
		{ "123456789\r\n123456789\r\n0", NULL, "val.too_long" },
		{ "12345678\r\n123456789\r\n0", "12345678\n123456789\n0", NULL },
		{ "ääääääääää\r\nööööööö\r\nå",
		    "ääääääääää\nööööööö\nå", NULL },		/* 20 */
		{ "ääääääääää\r\nöööööööö\r\nå", NULL, "val.too_long" },
		{ "a\x0b" "b", NULL, "val.bad_chars" },
		{ "a\x1b[31m", NULL, "val.bad_chars" },
		{ "a\xc2\x9b" "b", NULL, "val.bad_chars" },
		{ "a\xe2\x80\xab" "b", NULL, "val.bad_chars" },
		{ "\xfe\xff", NULL, "val.bad_chars" },
	};

	(void)state;
	RUN("multiline", note20, cases);
}

static void
email_values(void **state)
{
	static const struct tcase cases[] = {
		{ "matti@example.fi", "matti@example.fi", NULL },
		{ " Matti.Meikalainen@Example.FI ", "Matti.Meikalainen@example.fi", NULL },
		{ "x+tag@sub.example.com", "x+tag@sub.example.com", NULL },
		{ "o'brien_1-2@a-b.example.co.uk", "o'brien_1-2@a-b.example.co.uk", NULL },
		{ "a@b.fi", "a@b.fi", NULL },
		{ "a@xn--kerkoski-5za.fi", "a@xn--kerkoski-5za.fi", NULL },
		{ "a@example.XN--P1AI", "a@example.xn--p1ai", NULL },
		{ "a@1.2.3.fi", "a@1.2.3.fi", NULL },
		{ "matti", NULL, "val.email" },
		{ "@example.fi", NULL, "val.email" },
		{ "matti@", NULL, "val.email" },
		{ "a@@example.fi", NULL, "val.email" },
		{ "a@b@example.fi", NULL, "val.email" },
		{ "matti meikäläinen@example.fi", NULL, "val.email" },
		{ "matti@example", NULL, "val.email" },
		{ "matti@example.f", NULL, "val.email" },
		{ "matti@example.f1", NULL, "val.email" },
		{ "matti@example..fi", NULL, "val.email" },
		{ "matti@.example.fi", NULL, "val.email" },
		{ "matti@example.fi.", NULL, "val.email" },
		{ "matti@-example.fi", NULL, "val.email" },
		{ "matti@example-.fi", NULL, "val.email" },
		{ "matti@exa_mple.fi", NULL, "val.email" },
		{ "matti@esimerkki.äö", NULL, "val.email" },
		{ "matti@äänekoski.fi", NULL, "val.email" },	/* IDN as UTF-8 */
		{ "mätti@example.fi", NULL, "val.email" },
		{ ".matti@example.fi", NULL, "val.email" },
		{ "matti.@example.fi", NULL, "val.email" },
		{ "mat..ti@example.fi", NULL, "val.email" },
		{ "\"matti\"@example.fi", NULL, "val.email" },
		{ "a,b@example.fi", NULL, "val.email" },
		{ "a;b@example.fi", NULL, "val.email" },
		{ "a:b@example.fi", NULL, "val.email" },
		{ "<a@example.fi>", NULL, "val.email" },
		{ "a(b)@example.fi", NULL, "val.email" },
		{ "a[b]@example.fi", NULL, "val.email" },
		{ "a\\b@example.fi", NULL, "val.email" },
		{ "a@[192.0.2.1]", NULL, "val.email" },
		{ "Matti <matti@example.fi>", NULL, "val.email" },
		{ "a\tb@example.fi", NULL, "val.email" },
		{ "a@example.fi\nBcc: x@y.fi", NULL, "val.email" },
	};
	char out[300], in[400], *l64, *l63;

	(void)state;
	RUN("email", val_email, cases);

	/* local part: 64 bytes fine, 65 not */
	l64 = rep("a", 64);
	snprintf(in, sizeof(in), "%s@example.fi", l64);
	assert_null(val_email(in, out, sizeof(out)));
	assert_string_equal(out, in);
	snprintf(in, sizeof(in), "%sb@example.fi", l64);
	assert_string_equal(val_email(in, out, sizeof(out)), "val.email");

	/* a label: 63 bytes fine, 64 not */
	l63 = rep("d", 63);
	snprintf(in, sizeof(in), "a@%s.fi", l63);
	assert_null(val_email(in, out, sizeof(out)));
	snprintf(in, sizeof(in), "a@%sd.fi", l63);
	assert_string_equal(val_email(in, out, sizeof(out)), "val.email");

	/* the whole address: 254 bytes fine, 255 too long (64+1+63+1+63+1+58+3 = 254) */
	snprintf(in, sizeof(in), "%s@%s.%s.%.58s.fi", l64, l63, l63, l63);
	assert_int_equal(strlen(in), 254);
	assert_null(val_email(in, out, sizeof(out)));
	check_small_buffers("email", val_email, in, in);
	snprintf(in, sizeof(in), "%s@%s.%s.%.59s.fi", l64, l63, l63, l63);
	assert_int_equal(strlen(in), 255);
	assert_string_equal(val_email(in, out, sizeof(out)), "val.too_long");
	free(l64);
	free(l63);
}

static void
phone_values(void **state)
{
	static const struct tcase cases[] = {
		{ "+358 40 123 4567", "+358401234567", NULL },
		{ "040 1234567", "+358401234567", NULL },
		{ "040-123 4567", "+358401234567", NULL },
		{ "(09) 123 456", "+3589123456", NULL },
		{ "00358 40 1234567", "+358401234567", NULL },
		{ "+358 (0)40 123 4567", "+358401234567", NULL },
		{ "00358 (0)9 123 456", "+3589123456", NULL },
		{ "+46 8 123 456 78", "+46812345678", NULL },
		{ "+1 (212) 555-0100", "+12125550100", NULL },
		{ "\xc2\xa0" "040\xc2\xa0" "123\xe2\x80\xaf" "4567 ", "+358401234567", NULL },
		{ "+4930123", NULL, "val.phone" },		/* 7 digits */
		{ "+49301234", "+49301234", NULL },		/* 8: the least */
		{ "+123456789012345", "+123456789012345", NULL },	/* 15: the most */
		{ "+1234567890123456", NULL, "val.phone" },	/* 16 */
		{ "0401234567890123", NULL, "val.phone" },	/* 358 + 15 */
		{ "040123456789", "+35840123456789", NULL },	/* 358 + 11 = 14 */
		{ "0401234567890", "+358401234567890", NULL },	/* 15 */
		{ "09 12", NULL, "val.phone" },
		{ "40 1234567", NULL, "val.phone" },	/* neither + nor 0 */
		{ "+0 40 1234567", NULL, "val.phone" },
		{ "000 358 40 1234567", NULL, "val.phone" },
		{ "+00358401234567", NULL, "val.phone" },
		{ "0", NULL, "val.phone" },
		{ "00", NULL, "val.phone" },
		{ "+", NULL, "val.phone" },
		{ "-", NULL, "val.phone" },
		{ "()", NULL, "val.phone" },
		{ "040 123 4567 tai 050 1234567", NULL, "val.phone" },
		{ "040 CALL NOW", NULL, "val.phone" },
		{ "+358 40 123 4567 ext 12", NULL, "val.phone" },
		{ "++358401234567", NULL, "val.phone" },
		{ "358+401234567", NULL, "val.phone" },
		{ "(+358) 40 1234567", NULL, "val.phone" },
		{ "(09 123 456", NULL, "val.phone" },
		{ "09) 123 456", NULL, "val.phone" },
		{ "((09)) 123 456", NULL, "val.phone" },
		{ "040.123.4567", NULL, "val.phone" },
		{ "040\t1234567", NULL, "val.phone" },
		{ "０４０ 1234567", NULL, "val.phone" },	/* full-width digits */
		{ "040 1234567 8901 2345 6789 0123 4567", NULL, "val.phone" },
	};
	char out[32];

	(void)state;
	RUN("phone", phone_fi, cases);
	/* no usable default country code: national numbers are refused */
	assert_string_equal(val_phone("040 1234567", NULL, out, sizeof(out)),
	    "val.phone");
	assert_string_equal(val_phone("040 1234567", "", out, sizeof(out)),
	    "val.phone");
	assert_string_equal(val_phone("040 1234567", "0358", out, sizeof(out)),
	    "val.phone");
	assert_string_equal(val_phone("040 1234567", "35x", out, sizeof(out)),
	    "val.phone");
	assert_null(val_phone("+358 40 1234567", NULL, out, sizeof(out)));
	assert_string_equal(out, "+358401234567");
	assert_null(val_phone("08-123 456 78", "46", out, sizeof(out)));
	assert_string_equal(out, "+46812345678");
}

static void
postal_values(void **state)
{
	static const struct tcase cases[] = {
		{ "00100", "00100", NULL },
		{ " 33100 ", "33100", NULL },
		{ "99999", "99999", NULL },
		{ "0010", NULL, "val.postal_fi" },
		{ "001000", NULL, "val.postal_fi" },
		{ "00 100", NULL, "val.postal_fi" },
		{ "FI-00100", NULL, "val.postal_fi" },
		{ "abcde", NULL, "val.postal_fi" },
		{ "0010a", NULL, "val.postal_fi" },
		{ "-0010", NULL, "val.postal_fi" },
		{ "００１００", NULL, "val.postal_fi" },
	};

	(void)state;
	RUN("postal_fi", val_postal_fi, cases);
}

static void
country_values(void **state)
{
	static const struct tcase cases[] = {
		{ "FI", "FI", NULL },
		{ "fi", "FI", NULL },
		{ " sE ", "SE", NULL },
		{ "AD", "AD", NULL },	/* first in the table */
		{ "ZW", "ZW", NULL },	/* last */
		{ "AX", "AX", NULL },
		{ "GB", "GB", NULL },
		{ "UK", NULL, "val.country" },	/* reserved, not assigned */
		{ "EU", NULL, "val.country" },
		{ "XK", NULL, "val.country" },	/* user-assigned */
		{ "ZZ", NULL, "val.country" },
		{ "AA", NULL, "val.country" },
		{ "FIN", NULL, "val.country" },
		{ "F", NULL, "val.country" },
		{ "F1", NULL, "val.country" },
		{ "F I", NULL, "val.country" },
		{ "Suomi", NULL, "val.country" },
		{ "ÅX", NULL, "val.country" },
	};
	char in[3], out[3];
	size_t assigned = 0;

	(void)state;
	RUN("country", val_country, cases);
	/* exactly the 249 assigned codes, in either case */
	for (char a = 'A'; a <= 'Z'; a++)
		for (char b = 'A'; b <= 'Z'; b++) {
			const char *up, *low;

			in[0] = a;
			in[1] = b;
			in[2] = '\0';
			up = val_country(in, out, sizeof(out));
			if (up == NULL) {
				assigned++;
				assert_string_equal(out, in);
			} else
				assert_string_equal(up, "val.country");
			in[0] = (char)(a - 'A' + 'a');
			in[1] = (char)(b - 'A' + 'a');
			low = val_country(in, out, sizeof(out));
			assert_true((up == NULL) == (low == NULL));
		}
	assert_int_equal(assigned, 249);
}

/*
 * The check digit by a second, separate formulation of the rule:
 * (11 - sum mod 11) mod 11, where 10 means "no valid check digit".
 */
static int
ref_check(long base)
{
	static const int weights_last_first[7] = { 2, 4, 8, 5, 10, 9, 7 };
	int sum = 0;

	/* digits from the last (weight 2) to the first (weight 7) */
	for (int i = 0; i < 7; i++, base /= 10)
		sum += (int)(base % 10) * weights_last_first[i];
	return (11 - sum % 11) % 11;
}

static void
business_id_values(void **state)
{
	static const struct tcase cases[] = {
		{ "0112038-9", "0112038-9", NULL },	/* Nokia Oyj */
		{ "1572860-0", "1572860-0", NULL },
		{ "0737546-2", "0737546-2", NULL },
		{ "2331972-7", "2331972-7", NULL },
		{ " 01120389 ", "0112038-9", NULL },
		{ "112038-9", "0112038-9", NULL },	/* pre-1991 six digits */
		{ "1234567-1", "1234567-1", NULL },
		{ "1234567-8", NULL, "val.business_id_check" },
		{ "0112038-8", NULL, "val.business_id_check" },
		{ "01120388", NULL, "val.business_id_check" },
		{ "112038-8", NULL, "val.business_id_check" },
		{ "0112038", NULL, "val.business_id" },
		{ "0112038-", NULL, "val.business_id" },
		{ "0112038-99", NULL, "val.business_id" },
		{ "011203899", NULL, "val.business_id" },
		{ "0112038 9", NULL, "val.business_id" },
		{ "0112038–9", NULL, "val.business_id" },	/* en dash */
		{ "011-2038-9", NULL, "val.business_id" },
		{ "FI01120389", NULL, "val.business_id" },
		{ "a112038-9", NULL, "val.business_id" },
		{ "0112038-x", NULL, "val.business_id" },
		{ "-0112038-9", NULL, "val.business_id" },
		{ "12-3", NULL, "val.business_id" },
	};
	char in[48], out[48], want[48];
	const char *err;
	size_t good = 0, checked = 0;

	(void)state;
	RUN("business_id", val_business_id, cases);
	/* The examples agree with the reference formulation too. */
	assert_int_equal(ref_check(112038), 9);
	assert_int_equal(ref_check(1572860), 0);
	assert_int_equal(ref_check(737546), 2);
	assert_int_equal(ref_check(2331972), 7);
	assert_int_equal(ref_check(1234567), 1);

	/* Every 997th base number over the whole range, each with all ten digits, in both forms. */
	for (long base = 0; base <= 9999999; base += 997) {
		int c = ref_check(base);

		for (int d = 0; d <= 9; d++) {
			snprintf(want, sizeof(want), "%07ld-%d", base, d);
			snprintf(in, sizeof(in), "%07ld%d", base, d);
			for (int form = 0; form < 2; form++) {
				err = val_business_id(form ? in : want, out,
				    sizeof(out));
				checked++;
				if (d == c) {
					if (err != NULL)
						fail_msg("%s refused: %s", want, err);
					assert_string_equal(out, want);
					good++;
				} else if (err == NULL ||
				    strcmp(err, "val.business_id_check") != 0)
					fail_msg("%s: got %s, want a check error",
					    want, err == NULL ? "success" : err);
			}
		}
	}
	/* about 10 of 11 bases have a check digit */
	assert_true(good > checked / 10 * 8 / 10);
	assert_true(good < checked / 10);
}

static void
url_values(void **state)
{
	static const struct tcase cases[] = {
		{ "https://www.example.fi", "https://www.example.fi", NULL },
		{ "https://www.example.fi/", "https://www.example.fi/", NULL },
		{ "HTTP://Example.FI/Polku?q=Ä#x", "http://example.fi/Polku?q=Ä#x", NULL },
		{ " www.example.fi ", "https://www.example.fi", NULL },
		{ "WWW.Example.fi/a", "https://www.example.fi/a", NULL },
		{ "https://example.fi:8443/a", "https://example.fi:8443/a", NULL },
		{ "https://example.fi:08443", "https://example.fi:8443", NULL },
		{ "https://example.fi:65535", "https://example.fi:65535", NULL },
		{ "http://192.0.2.1/", "http://192.0.2.1/", NULL },
		{ "http://[2001:DB8::0:1]:8080/x", "http://[2001:db8::1]:8080/x", NULL },
		{ "http://[::1]", "http://[::1]", NULL },
		{ "https://example.fi/%C3%A4?a=1&b=2", "https://example.fi/%C3%A4?a=1&b=2", NULL },
		{ "https://example.fi?q", "https://example.fi?q", NULL },
		{ "https://example.fi#top", "https://example.fi#top", NULL },
		{ "https://xn--kerkoski-5za.fi", "https://xn--kerkoski-5za.fi", NULL },
		{ "example.fi", NULL, "val.url" },
		{ "ftp://example.fi", NULL, "val.url" },
		{ "javascript:alert(1)", NULL, "val.url" },
		{ "https:/example.fi", NULL, "val.url" },
		{ "https://", NULL, "val.url" },
		{ "https:///x", NULL, "val.url" },
		{ "https://localhost", NULL, "val.url" },
		{ "https://example", NULL, "val.url" },
		{ "https://äänekoski.fi", NULL, "val.url" },
		{ "https://-x.fi", NULL, "val.url" },
		{ "https://x..fi", NULL, "val.url" },
		{ "https://example.fi:", NULL, "val.url" },
		{ "https://example.fi:0", NULL, "val.url" },
		{ "https://example.fi:65536", NULL, "val.url" },
		{ "https://example.fi:-1", NULL, "val.url" },
		{ "https://example.fi:+80", NULL, "val.url" },
		{ "https://example.fi:80a", NULL, "val.url" },
		{ "https://example.fi:99999999999999999999", NULL, "val.url" },
		{ "https://user:pw@example.fi", NULL, "val.url" },
		{ "https://example.fi@evil.example", NULL, "val.url" },
		{ "https://example.fi/a b", NULL, "val.url" },
		{ "https://example.fi/a\tb", NULL, "val.url" },
		{ "https://example.fi/\"x\"", NULL, "val.url" },
		{ "https://example.fi/<script>", NULL, "val.url" },
		{ "https://example.fi\\@evil.fi", NULL, "val.url" },
		{ "https://example.fi/%zz", NULL, "val.url" },
		{ "https://example.fi/%4", NULL, "val.url" },
		{ "https://999.0.2.1/", NULL, "val.url" },
		{ "https://1.2.3/", NULL, "val.url" },
		{ "https://[::1", NULL, "val.url" },
		{ "https://[]", NULL, "val.url" },
		{ "https://[g::1]/", NULL, "val.url" },
		{ "https://[::1]x", NULL, "val.url" },
		{ "https://example.fi/\xc2\x85", NULL, "val.url" },
		{ "https://example.fi/\xff", NULL, "val.url" },
	};
	char *path, *in, *out;
	size_t head = strlen("https://example.fi/");

	(void)state;
	RUN("url", val_url, cases);

	/* 2000 bytes fine, 2001 too long */
	path = rep("a", 2000 - head);
	in = malloc(2100);
	out = malloc(2100);
	assert_non_null(in);
	assert_non_null(out);
	snprintf(in, 2100, "https://example.fi/%s", path);
	assert_int_equal(strlen(in), 2000);
	assert_null(val_url(in, out, 2100));
	assert_string_equal(out, in);
	check_small_buffers("url", val_url, in, in);
	snprintf(in, 2100, "https://example.fi/%sb", path);
	assert_string_equal(val_url(in, out, 2100), "val.too_long");
	/* "https://" added makes it too long */
	snprintf(in, 2100, "www.example.fi/%s", path);
	in[1992] = '\0';
	assert_null(val_url(in, out, 2100));
	assert_int_equal(strlen(out), 2000);
	snprintf(in, 2100, "www.example.fi/%s", path);
	in[1993] = '\0';
	assert_string_equal(val_url(in, out, 2100), "val.too_long");
	free(path);
	free(in);
	free(out);
}

static void
ip_values(void **state)
{
	static const struct tcase cases[] = {
		{ "192.0.2.1", "192.0.2.1", NULL },
		{ " 10.0.0.1 ", "10.0.0.1", NULL },
		{ "0.0.0.0", "0.0.0.0", NULL },
		{ "255.255.255.255", "255.255.255.255", NULL },
		{ "2001:DB8::0:1", "2001:db8::1", NULL },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", NULL },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", NULL },
		{ "::", "::", NULL },
		{ "::1", "::1", NULL },
		{ "::FFFF:192.0.2.1", "::ffff:192.0.2.1", NULL },
		{ "fe80::1", "fe80::1", NULL },
		{ "256.1.1.1", NULL, "val.ip" },
		{ "1.2.3", NULL, "val.ip" },
		{ "1.2.3.4.5", NULL, "val.ip" },
		{ "01.2.3.4", NULL, "val.ip" },
		{ "1.2.3.4/24", NULL, "val.ip" },
		{ "1.2.3.4:80", NULL, "val.ip" },
		{ "0x7f.0.0.1", NULL, "val.ip" },
		{ "1 .2.3.4", NULL, "val.ip" },
		{ "-1.2.3.4", NULL, "val.ip" },
		{ "fe80::1%eth0", NULL, "val.ip" },
		{ "1::2::3", NULL, "val.ip" },
		{ "2001:db8::g", NULL, "val.ip" },
		{ "[::1]", NULL, "val.ip" },
		{ "12345::", NULL, "val.ip" },
		{ "localhost", NULL, "val.ip" },
		{ "1:2:3:4:5:6:7:8:9", NULL, "val.ip" },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd:eeee", NULL, "val.ip" },
	};

	(void)state;
	RUN("ip", val_ip, cases);
}

static void
date_values(void **state)
{
	static const struct tcase cases[] = {
		{ "2024-02-29", "2024-02-29", NULL },
		{ " 2020-06-23 ", "2020-06-23", NULL },
		{ "29.2.2024", "2024-02-29", NULL },
		{ "01.01.2020", "2020-01-01", NULL },
		{ "1.1.1900", "1900-01-01", NULL },
		{ "1900-01-01", "1900-01-01", NULL },
		{ "31.12.9999", "9999-12-31", NULL },
		{ "23.06.2020", "2020-06-23", NULL },
		{ "2023-02-29", NULL, "val.date" },
		{ "29.2.2023", NULL, "val.date" },
		{ "2020-04-31", NULL, "val.date" },
		{ "31.4.2020", NULL, "val.date" },
		{ "2020-13-01", NULL, "val.date" },
		{ "1.13.2020", NULL, "val.date" },
		{ "2020-00-10", NULL, "val.date" },
		{ "0.1.2020", NULL, "val.date" },
		{ "32.1.2020", NULL, "val.date" },
		{ "1899-12-31", NULL, "val.date" },
		{ "31.12.1899", NULL, "val.date" },
		{ "0000-01-01", NULL, "val.date" },
		{ "2020-1-01", NULL, "val.date" },
		{ "2020/01/01", NULL, "val.date" },
		{ "20200101", NULL, "val.date" },
		{ "1.1.20", NULL, "val.date" },
		{ "1.1.2020.", NULL, "val.date" },
		{ "001.1.2020", NULL, "val.date" },
		{ "1. 1.2020", NULL, "val.date" },
		{ "+2020-01-01", NULL, "val.date" },
		{ "2020-01-01T00:00", NULL, "val.date" },
		{ "eilen", NULL, "val.date" },
		{ "1/1/2020", NULL, "val.date" },
	};

	(void)state;
	RUN("date", val_date, cases);
}

static void
money_values(void **state)
{
	static const struct tcase cases[] = {
		{ "12", "1200", NULL },
		{ "0", "0", NULL },
		/* many decimals are an error, not an overflow (UBSan found one) */
		{ "030.3512345602345510303523456", NULL, "val.money" },
		{ "1,999999999999999999999999", NULL, "val.money" },
		{ "0,01", "1", NULL },
		{ "1 234,56", "123456", NULL },
		{ "1234.56", "123456", NULL },
		{ "1 234,5", "123450", NULL },
		{ "1\xc2\xa0" "234\xc2\xa0" "567,89", "123456789", NULL },
		{ "1\xe2\x80\xaf" "234", "123400", NULL },
		{ "12,50 €", "1250", NULL },
		{ "12€", "1200", NULL },
		{ "1\xc2\xa0" "234,56\xc2\xa0€", "123456", NULL },	/* as fmt_money writes it */
		{ "007", "700", NULL },
		{ " 5,5 ", "550", NULL },
		{ "1000000000", "100000000000", NULL },	/* the most: 10^11 cents */
		{ "1 000 000 000,00", "100000000000", NULL },
		{ "1000000000,01", NULL, "val.money_range" },
		{ "1000000001", NULL, "val.money_range" },
		{ "99999999999999999999", NULL, "val.money_range" },
		{ "1,234", NULL, "val.money" },	/* never rounded */
		{ "0,001", NULL, "val.money" },
		{ "12,", NULL, "val.money" },
		{ ",50", NULL, "val.money" },
		{ "12,5,0", NULL, "val.money" },
		{ "1.234,56", NULL, "val.money" },
		{ "1,234.56", NULL, "val.money" },
		{ "12 34", NULL, "val.money" },
		{ "1234 567", NULL, "val.money" },
		{ "1 2345", NULL, "val.money" },
		{ "1  234", NULL, "val.money" },
		{ "1\t234", NULL, "val.money" },
		{ "12 e", NULL, "val.money" },
		{ "12 EUR", NULL, "val.money" },
		{ "€12", NULL, "val.money" },
		{ "12 € 50", NULL, "val.money" },
		{ "1e3", NULL, "val.money" },
		{ "0x10", NULL, "val.money" },
		{ "+12", NULL, "val.money" },
		{ "--12", NULL, "val.money" },
		{ "- 12", NULL, "val.money" },
		{ "-", NULL, "val.money" },
		{ "abc", NULL, "val.money" },
		{ "-12", NULL, "val.money_negative" },
		{ "-0,01", NULL, "val.money_negative" },
		{ "-0", "0", NULL },
		{ "-0,00", "0", NULL },
	};
	static const struct tcase neg[] = {
		{ "-12", "-1200", NULL },
		{ "-1 234,5", "-123450", NULL },
		{ "-0,01", "-1", NULL },
		{ "-0", "0", NULL },
		{ "12", "1200", NULL },
		{ "-1000000000", "-100000000000", NULL },
		{ "-1000000000,01", NULL, "val.money_range" },
		{ "-1,234", NULL, "val.money" },
	};

	(void)state;
	RUN("money", money, cases);
	RUN("money(neg)", money_neg, neg);
}

/* An OVT code for a business ID's digits, with the reference check digit. */
static void
einvoice_values(void **state)
{
	static const struct tcase cases[] = {
		{ "003701120389", "003701120389", NULL },
		{ "0037 0112038-9", "003701120389", NULL },
		{ "0037011203890010", "0037011203890010", NULL },
		{ "003701120389abcde", "003701120389ABCDE", NULL },	/* 17 */
		{ "003701120389ABCDEF", NULL, "val.einvoice" },	/* 18 */
		{ "003701120388", NULL, "val.einvoice" },	/* check digit */
		{ "00370112038", NULL, "val.einvoice" },
		{ "00370112038X", NULL, "val.einvoice" },
		{ "FI21 1234 5600 0007 85", "FI2112345600000785", NULL },
		{ "fi2112345600000785", "FI2112345600000785", NULL },
		{ "FI2112345600000786", NULL, "val.einvoice" },
		{ "FI211234560000078", NULL, "val.einvoice" },
		{ "TAPIFI22", "TAPIFI22", NULL },
		{ "E204503", "E204503", NULL },
		{ "ABCD", "ABCD", NULL },	/* 4: the least */
		{ "ABC", NULL, "val.einvoice" },
		{ "12345678901234567890123456789012345", "12345678901234567890123456789012345", NULL },
		{ "123456789012345678901234567890123456", NULL, "val.einvoice" },
		{ "ABC!", NULL, "val.einvoice" },
		{ "ABC.DEF", NULL, "val.einvoice" },
		{ "ÄBCD", NULL, "val.einvoice" },
		{ "matti@example.fi", NULL, "val.einvoice" },
	};
	char in[48], out[48], want[48];

	(void)state;
	RUN("einvoice", val_einvoice, cases);
	for (long base = 5; base <= 9999999; base += 99991) {
		int c = ref_check(base);

		if (c == 10)
			continue;
		snprintf(want, sizeof(want), "0037%07ld%d", base, c);
		snprintf(in, sizeof(in), "0037 %07ld-%d", base, c);
		assert_null(val_einvoice(in, out, sizeof(out)));
		assert_string_equal(out, want);
		snprintf(in, sizeof(in), "0037%07ld%d", base, (c + 1) % 10);
		assert_string_equal(val_einvoice(in, out, sizeof(out)),
		    "val.einvoice");
	}
}

/* A normalised value passes again unchanged (money excepted: cents are not euros). */
static void
idempotent(void **state)
{
	static const struct {
		val_fn		 fn;
		const char	*in;
	} cases[] = {
		{ text10, " Äänekoski " },
		{ note20, "a\r\nb" },
		{ val_email, "A@EXAMPLE.FI" },
		{ phone_fi, "(09) 123 456" },
		{ val_country, "fi" },
		{ val_business_id, "01120389" },
		{ val_url, "www.Example.fi/x" },
		{ val_ip, "2001:DB8::0:1" },
		{ val_date, "1.2.2020" },
		{ val_einvoice, "0037 0112038-9" },
	};
	char a[128], b[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(cases[i].fn(cases[i].in, a, sizeof(a)));
		assert_null(cases[i].fn(a, b, sizeof(b)));
		assert_string_equal(a, b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_is_acceptable),
		cmocka_unit_test(no_buffer_fails_safely),
		cmocka_unit_test(text_values),
		cmocka_unit_test(multiline_values),
		cmocka_unit_test(email_values),
		cmocka_unit_test(phone_values),
		cmocka_unit_test(postal_values),
		cmocka_unit_test(country_values),
		cmocka_unit_test(business_id_values),
		cmocka_unit_test(url_values),
		cmocka_unit_test(ip_values),
		cmocka_unit_test(date_values),
		cmocka_unit_test(money_values),
		cmocka_unit_test(einvoice_values),
		cmocka_unit_test(idempotent),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
