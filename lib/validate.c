/* validate.c — the validators of names and contact details (text, email, phone, postal code, country, business ID) and the helpers all validators share; see validate.h. */
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "validate.h"
#include "validate_int.h"

#define EMAIL_MAX	254	/* bytes, the whole address */
#define EMAIL_LOCAL_MAX	64	/* bytes before the @ */
#define DOMAIN_MAX	253	/* bytes */
#define LABEL_MAX	63	/* bytes of one domain label */
#define PHONE_MIN	8	/* digits, country code included */
#define PHONE_MAX	15	/* digits (E.164) */

/* A byte sequence that counts as white space. */
struct blank {
	const char	*s;
	size_t		 n;
	int		 sep;	/* may separate digit groups inside a value */
};

static const struct blank blanks[] = {
	{ " ", 1, 1 },
	{ "\xc2\xa0", 2, 1 },		/* U+00A0 NO-BREAK SPACE */
	{ "\xe2\x80\xaf", 3, 1 },	/* U+202F NARROW NO-BREAK SPACE */
	{ "\t", 1, 0 },
	{ "\r", 1, 0 },
	{ "\n", 1, 0 },
};

/*
 * Code points refused in any text even though they are valid UTF-8: DEL and
 * the C1 controls, the Unicode line and paragraph separators, and the bidi
 * embeddings, overrides and isolates (they can make stored text display as
 * something else, "Trojan Source").
 */
static const struct {
	unsigned long	lo, hi;
} refused[] = {
	{ 0x7f, 0x9f },
	{ 0x2028, 0x2029 },
	{ 0x202a, 0x202e },
	{ 0x2066, 0x2069 },
};

/* ISO 3166-1 alpha-2, the officially assigned codes, sorted for bsearch. */
static const char countries[][3] = {
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
	"AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
	"BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
	"BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
	"CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
	"DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
	"FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
	"GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
	"HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
	"IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
	"KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
	"LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
	"ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
	"MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
	"NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
	"PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
	"SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
	"SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
	"TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
	"TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
	"VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

/* Y-tunnus weights for digits 1..7. */
static const int ytunnus_weights[7] = { 7, 9, 10, 5, 8, 4, 2 };

/* Bytes not allowed in the local part of an email address. */
static const char email_local_refused[] = "\"(),:;<>[\\]";

/* ASCII only: the C library's classes depend on the locale. */
int
val_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
val_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char
val_to_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return "abcdefghijklmnopqrstuvwxyz"[c - 'A'];
	return c;
}

char
val_to_upper(char c)
{
	if (c >= 'a' && c <= 'z')
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[c - 'a'];
	return c;
}

int
val_has_prefix_ci(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (s.n < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (val_to_lower(s.p[i]) != prefix[i])
			return 0;
	return 1;
}

/*
 * The length of the white space starting at p (n bytes left), 0 if none.
 * sep_only: only the blanks that may separate digit groups.
 */
size_t
val_blank_at(const char *p, size_t n, int sep_only)
{
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++)
		if ((blanks[i].sep || !sep_only) && n >= blanks[i].n &&
		    memcmp(p, blanks[i].s, blanks[i].n) == 0)
			return blanks[i].n;
	return 0;
}

/* The length of the white space ending at p + n, 0 if none. */
static size_t
blank_before(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++)
		if (n >= blanks[i].n &&
		    memcmp(p + n - blanks[i].n, blanks[i].s, blanks[i].n) == 0)
			return blanks[i].n;
	return 0;
}

/* in without leading and trailing white space; NULL is the empty string. */
struct span
val_trim(const char *in)
{
	struct span s = { "", 0 };
	size_t k;

	if (in == NULL)
		return s;
	s.p = in;
	s.n = strlen(in);
	while (s.n > 0 && (k = val_blank_at(s.p, s.n, 0)) > 0) {
		s.p += k;
		s.n -= k;
	}
	while (s.n > 0 && (k = blank_before(s.p, s.n)) > 0)
		s.n -= k;
	return s;
}

void
val_sink_init(struct sink *k, char *out, size_t outlen)
{
	k->buf = out;
	k->cap = out == NULL ? 0 : outlen;
	k->len = 0;
	k->over = k->cap == 0;
	if (k->cap > 0)
		out[0] = '\0';
}

void
val_sink_add(struct sink *k, const char *p, size_t n)
{
	if (k->over || n >= k->cap - k->len) {
		k->over = 1;
		return;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

void
val_sink_addc(struct sink *k, char c)
{
	val_sink_add(k, &c, 1);
}

/* NULL when everything fitted, else "val.too_long" with the buffer emptied. */
const char *
val_sink_done(struct sink *k)
{
	if (!k->over)
		return NULL;
	if (k->cap > 0)
		k->buf[0] = '\0';
	return "val.too_long";
}

/* Empty out (when there is room for that) and return the message key. */
const char *
val_fail(char *out, size_t outlen, const char *key)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	return key;
}

/* Copy s to out as it is. */
const char *
val_put(char *out, size_t outlen, struct span s)
{
	struct sink k;

	val_sink_init(&k, out, outlen);
	val_sink_add(&k, s.p, s.n);
	return val_sink_done(&k);
}

/* The code point at p, known to be valid UTF-8 (text_valid); *len its bytes. */
static unsigned long
cp_at(const char *p, size_t *len)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned long cp;
	size_t n;

	if (u[0] < 0x80) {
		*len = 1;
		return u[0];
	}
	if (u[0] < 0xe0) {
		n = 2;
		cp = u[0] & 0x1fUL;
	} else if (u[0] < 0xf0) {
		n = 3;
		cp = u[0] & 0x0fUL;
	} else {
		n = 4;
		cp = u[0] & 0x07UL;
	}
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (u[i] & 0x3fUL);
	*len = n;
	return cp;
}

/*
 * Valid UTF-8 without NUL, C0 controls (but TAB, CR and LF when multiline)
 * or any code point in refused[].
 */
int
val_text_ok(struct span s, int multiline)
{
	size_t i, len;
	unsigned long cp;

	if (!text_valid(s.p, s.n))
		return 0;
	for (i = 0; i < s.n; i += len) {
		cp = cp_at(s.p + i, &len);
		if (cp == '\t' || cp == '\r' || cp == '\n') {
			if (!multiline)
				return 0;
			continue;
		}
		for (size_t j = 0; j < sizeof(refused) / sizeof(refused[0]); j++)
			if (cp >= refused[j].lo && cp <= refused[j].hi)
				return 0;
	}
	return 1;
}

/* UTF-8 code points in s: continuation bytes do not count. */
static size_t
chars(struct span s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.n; i++)
		if (((unsigned char)s.p[i] & 0xc0) != 0x80)
			n++;
	return n;
}

const char *
val_text(const char *in, size_t max, char *out, size_t outlen)
{
	struct span s = val_trim(in);

	if (!val_text_ok(s, 0))
		return val_fail(out, outlen, "val.bad_chars");
	if (chars(s) > max)
		return val_fail(out, outlen, "val.too_long");
	return val_put(out, outlen, s);
}

/* CR LF and a lone CR become LF; the limit counts the result. */
const char *
val_multiline(const char *in, size_t max, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	struct sink k;
	size_t n = 0;

	if (!val_text_ok(s, 1))
		return val_fail(out, outlen, "val.bad_chars");
	val_sink_init(&k, out, outlen);
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '\r') {
			if (i + 1 < s.n && s.p[i + 1] == '\n')
				continue;
			val_sink_addc(&k, '\n');
		} else
			val_sink_addc(&k, s.p[i]);
		if (((unsigned char)s.p[i] & 0xc0) != 0x80)
			n++;
	}
	if (n > max)
		return val_fail(out, outlen, "val.too_long");
	return val_sink_done(&k);
}

/*
 * A host name: dot-separated labels of ASCII letters, digits and '-' (not
 * first or last), at least two labels, the last one letters only (2 or
 * more) or an IDN "xn--" label. IDNs in UTF-8 are refused: they must be
 * typed in their xn-- form.
 */
int
val_domain_ok(struct span d)
{
	size_t i, start = 0, labels = 0, len;
	int letters = 1;

	if (d.n == 0 || d.n > DOMAIN_MAX)
		return 0;
	for (i = 0; i <= d.n; i++) {
		if (i < d.n && d.p[i] != '.') {
			if (!val_is_alpha(d.p[i]) && !val_is_digit(d.p[i]) &&
			    d.p[i] != '-')
				return 0;
			if (!val_is_alpha(d.p[i]))
				letters = 0;
			continue;
		}
		len = i - start;
		if (len == 0 || len > LABEL_MAX || d.p[start] == '-' ||
		    d.p[i - 1] == '-')
			return 0;
		labels++;
		if (i == d.n) {
			struct span tld = { d.p + start, len };

			if (!(letters && len >= 2) &&
			    !(len > 4 && val_has_prefix_ci(tld, "xn--")))
				return 0;
		}
		start = i + 1;
		letters = 1;
	}
	return labels >= 2;
}

/*
 * Conservative on purpose: a dot-atom local part (printable ASCII, none of
 * the specials that need quoting, no leading, trailing or double dot).
 */
const char *
val_email(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in), local, domain;
	const char *at;
	struct sink k;

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.n > EMAIL_MAX)
		return val_fail(out, outlen, "val.too_long");
	if ((at = memchr(s.p, '@', s.n)) == NULL ||
	    memchr(at + 1, '@', s.n - (size_t)(at - s.p) - 1) != NULL)
		return val_fail(out, outlen, "val.email");
	local.p = s.p;
	local.n = (size_t)(at - s.p);
	domain.p = at + 1;
	domain.n = s.n - local.n - 1;
	if (local.n == 0 || local.n > EMAIL_LOCAL_MAX || local.p[0] == '.' ||
	    local.p[local.n - 1] == '.')
		return val_fail(out, outlen, "val.email");
	for (size_t i = 0; i < local.n; i++) {
		unsigned char c = (unsigned char)local.p[i];

		if (c <= 0x20 || c >= 0x7f || strchr(email_local_refused, c) != NULL ||
		    (c == '.' && local.p[i + 1] == '.'))
			return val_fail(out, outlen, "val.email");
	}
	if (!val_domain_ok(domain))
		return val_fail(out, outlen, "val.email");
	val_sink_init(&k, out, outlen);
	val_sink_add(&k, local.p, local.n);
	val_sink_addc(&k, '@');
	for (size_t i = 0; i < domain.n; i++)
		val_sink_addc(&k, val_to_lower(domain.p[i]));
	return val_sink_done(&k);
}

/* A country calling code: 1 to 3 digits, not starting with 0. */
static int
cc_ok(const char *cc)
{
	size_t n;

	if (cc == NULL || (n = strlen(cc)) == 0 || n > 3 || cc[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!val_is_digit(cc[i]))
			return 0;
	return 1;
}

/*
 * Digits are collected, separators dropped. One level of parentheses; a
 * "(0)" after the country code ("+358 (0)40 ...") is the national trunk
 * prefix and is dropped from an international number.
 */
const char *
val_phone(const char *in, const char *default_cc, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	char digits[PHONE_MAX + 8];
	size_t nd = 0, open = 0, trunk = sizeof(digits), start, k, total;
	const char *cc = "";
	int plus = 0, any = 0, paren = 0;
	struct sink sk;

	if (s.n == 0)
		return val_put(out, outlen, s);
	for (size_t i = 0; i < s.n; i += k) {
		char c = s.p[i];

		if ((k = val_blank_at(s.p + i, s.n - i, 1)) > 0)
			continue;
		k = 1;
		if (val_is_digit(c)) {
			if (nd == sizeof(digits))
				return val_fail(out, outlen, "val.phone");
			digits[nd++] = c;
		} else if (c == '+' && !any)
			plus = 1;
		else if (c == '(' && !paren) {
			paren = 1;
			open = nd;
		} else if (c == ')' && paren) {
			paren = 0;
			if (nd == open + 1 && open > 0 && digits[open] == '0')
				trunk = open;
		} else if (c != '-')
			return val_fail(out, outlen, "val.phone");
		any = 1;
	}
	if (paren || nd == 0)
		return val_fail(out, outlen, "val.phone");
	if (plus)
		start = 0;
	else if (nd >= 2 && digits[0] == '0' && digits[1] == '0')
		start = 2;
	else if (digits[0] == '0' && cc_ok(default_cc)) {
		start = 1;
		cc = default_cc;
		trunk = sizeof(digits);	/* a national number keeps its digits */
	} else
		return val_fail(out, outlen, "val.phone");
	if (start >= nd || digits[start] == '0')
		return val_fail(out, outlen, "val.phone");
	if (trunk < start)
		trunk = sizeof(digits);
	total = strlen(cc) + nd - start - (trunk < nd ? 1 : 0);
	if (total < PHONE_MIN || total > PHONE_MAX)
		return val_fail(out, outlen, "val.phone");
	val_sink_init(&sk, out, outlen);
	val_sink_addc(&sk, '+');
	val_sink_add(&sk, cc, strlen(cc));
	for (size_t i = start; i < nd; i++)
		if (i != trunk)
			val_sink_addc(&sk, digits[i]);
	return val_sink_done(&sk);
}

const char *
val_postal_fi(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in);

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.n != 5)
		return val_fail(out, outlen, "val.postal_fi");
	for (size_t i = 0; i < s.n; i++)
		if (!val_is_digit(s.p[i]))
			return val_fail(out, outlen, "val.postal_fi");
	return val_put(out, outlen, s);
}

static int
country_cmp(const void *key, const void *elem)
{
	return memcmp(key, elem, 2);
}

const char *
val_country(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	char code[3];

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.n != 2 || !val_is_alpha(s.p[0]) || !val_is_alpha(s.p[1]))
		return val_fail(out, outlen, "val.country");
	code[0] = val_to_upper(s.p[0]);
	code[1] = val_to_upper(s.p[1]);
	code[2] = '\0';
	if (bsearch(code, countries, sizeof(countries) / sizeof(countries[0]),
	    sizeof(countries[0]), country_cmp) == NULL)
		return val_fail(out, outlen, "val.country");
	s.p = code;
	return val_put(out, outlen, s);
}

/*
 * The check digit of the 7 digits d (ASCII): 0..9, or -1 when no check
 * digit exists (the remainder is 1; such numbers are never issued).
 */
int
val_ytunnus_check(const char *d)
{
	int sum = 0, r;

	for (size_t i = 0; i < 7; i++)
		sum += (d[i] - '0') * ytunnus_weights[i];
	r = sum % 11;
	if (r == 0)
		return 0;
	return r == 1 ? -1 : 11 - r;
}

/* All n bytes at p are ASCII digits. */
int
val_all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!val_is_digit(p[i]))
			return 0;
	return 1;
}

/*
 * "1234567-8", "12345678", and the pre-1991 six-digit form "123456-7",
 * which gets its leading 0 ("0123456-7").
 */
const char *
val_business_id(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	char id[10];

	if (s.n == 0)
		return val_put(out, outlen, s);
	if ((s.n == 9 && s.p[7] == '-' && val_all_digits(s.p, 7) &&
	    val_is_digit(s.p[8])) || (s.n == 8 && val_all_digits(s.p, 8)))
		memcpy(id, s.p, 7);
	else if (s.n == 8 && s.p[6] == '-' && val_all_digits(s.p, 6) &&
	    val_is_digit(s.p[7])) {
		id[0] = '0';
		memcpy(id + 1, s.p, 6);
	} else
		return val_fail(out, outlen, "val.business_id");
	id[7] = '-';
	id[8] = s.p[s.n - 1];
	id[9] = '\0';
	if (val_ytunnus_check(id) != id[8] - '0')
		return val_fail(out, outlen, "val.business_id_check");
	s.p = id;
	s.n = 9;
	return val_put(out, outlen, s);
}
