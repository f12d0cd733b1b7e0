/* validate.c — see validate.h. libc parses what it can: inet_pton/inet_ntop, strtoll, strptime (through fmt.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "req.h"
#include "validate.h"

#define EMAIL_MAX	254	/* bytes, the whole address */
#define EMAIL_LOCAL_MAX	64	/* bytes before the @ */
#define DOMAIN_MAX	253	/* bytes */
#define LABEL_MAX	63	/* bytes of one domain label */
#define URL_MAX		2000	/* bytes */
#define PHONE_MIN	8	/* digits, country code included */
#define PHONE_MAX	15	/* digits (E.164) */
#define MONEY_MAX	100000000000LL	/* cents: 10^9 euros */
#define EINVOICE_MIN	4
#define EINVOICE_MAX	35

/* A slice of the caller's string: not NUL-terminated. */
struct span {
	const char	*p;
	size_t		 n;
};

/*
 * Where a normalised value is written: appends never overflow, they set
 * over instead; buf is kept NUL-terminated. sink_done turns over into
 * "val.too_long" and an empty out.
 */
struct sink {
	char	*buf;
	size_t	 cap, len;
	int	 over;
};

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

/* The shapes a date may have: d a digit, anything else itself. */
static const struct {
	const char	*shape;
	int		 iso;
} date_shapes[] = {
	{ "dddd-dd-dd", 1 },
	{ "d.d.dddd", 0 },
	{ "dd.d.dddd", 0 },
	{ "d.dd.dddd", 0 },
	{ "dd.dd.dddd", 0 },
};

/* Bytes never allowed in a web address (besides space and controls). */
static const char url_refused[] = "\"<>\\`";

/* Bytes not allowed in the local part of an email address. */
static const char email_local_refused[] = "\"(),:;<>[\\]";

/* ASCII only: the C library's classes depend on the locale. */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char
to_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return "abcdefghijklmnopqrstuvwxyz"[c - 'A'];
	return c;
}

static char
to_upper(char c)
{
	if (c >= 'a' && c <= 'z')
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[c - 'a'];
	return c;
}

static int
has_prefix_ci(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (s.n < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (to_lower(s.p[i]) != prefix[i])
			return 0;
	return 1;
}

/*
 * The length of the white space starting at p (n bytes left), 0 if none.
 * sep_only: only the blanks that may separate digit groups.
 */
static size_t
blank_at(const char *p, size_t n, int sep_only)
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
static struct span
trim(const char *in)
{
	struct span s = { "", 0 };
	size_t k;

	if (in == NULL)
		return s;
	s.p = in;
	s.n = strlen(in);
	while (s.n > 0 && (k = blank_at(s.p, s.n, 0)) > 0) {
		s.p += k;
		s.n -= k;
	}
	while (s.n > 0 && (k = blank_before(s.p, s.n)) > 0)
		s.n -= k;
	return s;
}

static void
sink_init(struct sink *k, char *out, size_t outlen)
{
	k->buf = out;
	k->cap = out == NULL ? 0 : outlen;
	k->len = 0;
	k->over = k->cap == 0;
	if (k->cap > 0)
		out[0] = '\0';
}

static void
sink_add(struct sink *k, const char *p, size_t n)
{
	if (k->over || n >= k->cap - k->len) {
		k->over = 1;
		return;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static void
sink_addc(struct sink *k, char c)
{
	sink_add(k, &c, 1);
}

/* NULL when everything fitted, else "val.too_long" with the buffer emptied. */
static const char *
sink_done(struct sink *k)
{
	if (!k->over)
		return NULL;
	if (k->cap > 0)
		k->buf[0] = '\0';
	return "val.too_long";
}

/* Empty out (when there is room for that) and return the message key. */
static const char *
fail(char *out, size_t outlen, const char *key)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	return key;
}

/* Copy s to out as it is. */
static const char *
put(char *out, size_t outlen, struct span s)
{
	struct sink k;

	sink_init(&k, out, outlen);
	sink_add(&k, s.p, s.n);
	return sink_done(&k);
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
static int
text_ok(struct span s, int multiline)
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
	struct span s = trim(in);

	if (!text_ok(s, 0))
		return fail(out, outlen, "val.bad_chars");
	if (chars(s) > max)
		return fail(out, outlen, "val.too_long");
	return put(out, outlen, s);
}

/* CR LF and a lone CR become LF; the limit counts the result. */
const char *
val_multiline(const char *in, size_t max, char *out, size_t outlen)
{
	struct span s = trim(in);
	struct sink k;
	size_t n = 0;

	if (!text_ok(s, 1))
		return fail(out, outlen, "val.bad_chars");
	sink_init(&k, out, outlen);
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '\r') {
			if (i + 1 < s.n && s.p[i + 1] == '\n')
				continue;
			sink_addc(&k, '\n');
		} else
			sink_addc(&k, s.p[i]);
		if (((unsigned char)s.p[i] & 0xc0) != 0x80)
			n++;
	}
	if (n > max)
		return fail(out, outlen, "val.too_long");
	return sink_done(&k);
}

/*
 * A host name: dot-separated labels of ASCII letters, digits and '-' (not
 * first or last), at least two labels, the last one letters only (2 or
 * more) or an IDN "xn--" label. IDNs in UTF-8 are refused: they must be
 * typed in their xn-- form.
 */
static int
domain_ok(struct span d)
{
	size_t i, start = 0, labels = 0, len;
	int letters = 1;

	if (d.n == 0 || d.n > DOMAIN_MAX)
		return 0;
	for (i = 0; i <= d.n; i++) {
		if (i < d.n && d.p[i] != '.') {
			if (!is_alpha(d.p[i]) && !is_digit(d.p[i]) &&
			    d.p[i] != '-')
				return 0;
			if (!is_alpha(d.p[i]))
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
			    !(len > 4 && has_prefix_ci(tld, "xn--")))
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
	struct span s = trim(in), local, domain;
	const char *at;
	struct sink k;

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.n > EMAIL_MAX)
		return fail(out, outlen, "val.too_long");
	if ((at = memchr(s.p, '@', s.n)) == NULL ||
	    memchr(at + 1, '@', s.n - (size_t)(at - s.p) - 1) != NULL)
		return fail(out, outlen, "val.email");
	local.p = s.p;
	local.n = (size_t)(at - s.p);
	domain.p = at + 1;
	domain.n = s.n - local.n - 1;
	if (local.n == 0 || local.n > EMAIL_LOCAL_MAX || local.p[0] == '.' ||
	    local.p[local.n - 1] == '.')
		return fail(out, outlen, "val.email");
	for (size_t i = 0; i < local.n; i++) {
		unsigned char c = (unsigned char)local.p[i];

		if (c <= 0x20 || c >= 0x7f || strchr(email_local_refused, c) != NULL ||
		    (c == '.' && local.p[i + 1] == '.'))
			return fail(out, outlen, "val.email");
	}
	if (!domain_ok(domain))
		return fail(out, outlen, "val.email");
	sink_init(&k, out, outlen);
	sink_add(&k, local.p, local.n);
	sink_addc(&k, '@');
	for (size_t i = 0; i < domain.n; i++)
		sink_addc(&k, to_lower(domain.p[i]));
	return sink_done(&k);
}

/* A country calling code: 1 to 3 digits, not starting with 0. */
static int
cc_ok(const char *cc)
{
	size_t n;

	if (cc == NULL || (n = strlen(cc)) == 0 || n > 3 || cc[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(cc[i]))
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
	struct span s = trim(in);
	char digits[PHONE_MAX + 8];
	size_t nd = 0, open = 0, trunk = sizeof(digits), start, k, total;
	const char *cc = "";
	int plus = 0, any = 0, paren = 0;
	struct sink sk;

	if (s.n == 0)
		return put(out, outlen, s);
	for (size_t i = 0; i < s.n; i += k) {
		char c = s.p[i];

		if ((k = blank_at(s.p + i, s.n - i, 1)) > 0)
			continue;
		k = 1;
		if (is_digit(c)) {
			if (nd == sizeof(digits))
				return fail(out, outlen, "val.phone");
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
			return fail(out, outlen, "val.phone");
		any = 1;
	}
	if (paren || nd == 0)
		return fail(out, outlen, "val.phone");
	if (plus)
		start = 0;
	else if (nd >= 2 && digits[0] == '0' && digits[1] == '0')
		start = 2;
	else if (digits[0] == '0' && cc_ok(default_cc)) {
		start = 1;
		cc = default_cc;
		trunk = sizeof(digits);	/* a national number keeps its digits */
	} else
		return fail(out, outlen, "val.phone");
	if (start >= nd || digits[start] == '0')
		return fail(out, outlen, "val.phone");
	if (trunk < start)
		trunk = sizeof(digits);
	total = strlen(cc) + nd - start - (trunk < nd ? 1 : 0);
	if (total < PHONE_MIN || total > PHONE_MAX)
		return fail(out, outlen, "val.phone");
	sink_init(&sk, out, outlen);
	sink_addc(&sk, '+');
	sink_add(&sk, cc, strlen(cc));
	for (size_t i = start; i < nd; i++)
		if (i != trunk)
			sink_addc(&sk, digits[i]);
	return sink_done(&sk);
}

const char *
val_postal_fi(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in);

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.n != 5)
		return fail(out, outlen, "val.postal_fi");
	for (size_t i = 0; i < s.n; i++)
		if (!is_digit(s.p[i]))
			return fail(out, outlen, "val.postal_fi");
	return put(out, outlen, s);
}

static int
country_cmp(const void *key, const void *elem)
{
	return memcmp(key, elem, 2);
}

const char *
val_country(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in);
	char code[3];

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.n != 2 || !is_alpha(s.p[0]) || !is_alpha(s.p[1]))
		return fail(out, outlen, "val.country");
	code[0] = to_upper(s.p[0]);
	code[1] = to_upper(s.p[1]);
	code[2] = '\0';
	if (bsearch(code, countries, sizeof(countries) / sizeof(countries[0]),
	    sizeof(countries[0]), country_cmp) == NULL)
		return fail(out, outlen, "val.country");
	s.p = code;
	return put(out, outlen, s);
}

/*
 * The check digit of the 7 digits d (ASCII): 0..9, or -1 when no check
 * digit exists (the remainder is 1; such numbers are never issued).
 */
static int
ytunnus_check(const char *d)
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
static int
all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i]))
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
	struct span s = trim(in);
	char id[10];

	if (s.n == 0)
		return put(out, outlen, s);
	if ((s.n == 9 && s.p[7] == '-' && all_digits(s.p, 7) &&
	    is_digit(s.p[8])) || (s.n == 8 && all_digits(s.p, 8)))
		memcpy(id, s.p, 7);
	else if (s.n == 8 && s.p[6] == '-' && all_digits(s.p, 6) &&
	    is_digit(s.p[7])) {
		id[0] = '0';
		memcpy(id + 1, s.p, 6);
	} else
		return fail(out, outlen, "val.business_id");
	id[7] = '-';
	id[8] = s.p[s.n - 1];
	id[9] = '\0';
	if (ytunnus_check(id) != id[8] - '0')
		return fail(out, outlen, "val.business_id_check");
	s.p = id;
	s.n = 9;
	return put(out, outlen, s);
}

/*
 * The decimal number p[0..n) (digits only, at most 19 of them) through
 * strtoll, overflow refused: 0 with *v set, or -1.
 */
static int
parse_digits(const char *p, size_t n, long long *v)
{
	char buf[20];
	char *end;

	if (n == 0 || n >= sizeof(buf) || !all_digits(p, n))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || *v < 0)
		return -1;
	return 0;
}

/* Write the host of a URL (h, known non-empty) to k: a domain, IPv4 or [IPv6]. 0 or -1. */
static int
url_host(struct span h, struct sink *k)
{
	char addr[64], norm[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t i;

	if (h.p[0] == '[') {
		if (h.n < 3 || h.p[h.n - 1] != ']' || h.n - 2 >= sizeof(addr))
			return -1;
		memcpy(addr, h.p + 1, h.n - 2);
		addr[h.n - 2] = '\0';
		if (inet_pton(AF_INET6, addr, bin) != 1 ||
		    inet_ntop(AF_INET6, bin, norm, sizeof(norm)) == NULL)
			return -1;
		sink_addc(k, '[');
		sink_add(k, norm, strlen(norm));
		sink_addc(k, ']');
		return 0;
	}
	for (i = 0; i < h.n && (is_digit(h.p[i]) || h.p[i] == '.'); i++)
		continue;
	if (i == h.n) {
		/* Digits and dots only: an IPv4 address, or nothing. */
		if (h.n >= sizeof(addr))
			return -1;
		memcpy(addr, h.p, h.n);
		addr[h.n] = '\0';
		if (inet_pton(AF_INET, addr, bin) != 1 ||
		    inet_ntop(AF_INET, bin, norm, sizeof(norm)) == NULL)
			return -1;
		sink_add(k, norm, strlen(norm));
		return 0;
	}
	if (!domain_ok(h))
		return -1;
	for (i = 0; i < h.n; i++)
		sink_addc(k, to_lower(h.p[i]));
	return 0;
}

/*
 * http(s)://host[:port][/path][?query][#fragment]. No user name or
 * password in the address. The scheme and host are lower-cased, an IPv6
 * host normalised; the rest is kept as typed, with every % escape checked.
 */
const char *
val_url(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in), auth, host, port = { "", 0 };
	const char *scheme;
	size_t i, end;
	long long pnum = 0;
	struct sink k;
	char pbuf[8];

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.n > URL_MAX)
		return fail(out, outlen, "val.too_long");
	if (!text_ok(s, 0))
		return fail(out, outlen, "val.url");
	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c == 0x7f || strchr(url_refused, c) != NULL ||
		    (c == '%' && (i + 2 >= s.n || !is_hex(s.p[i + 1]) ||
		    !is_hex(s.p[i + 2]))))
			return fail(out, outlen, "val.url");
	}
	if (has_prefix_ci(s, "https://"))
		scheme = "https";
	else if (has_prefix_ci(s, "http://"))
		scheme = "http";
	else if (has_prefix_ci(s, "www."))
		scheme = NULL;
	else
		return fail(out, outlen, "val.url");
	if (scheme != NULL) {
		s.p += strlen(scheme) + 3;
		s.n -= strlen(scheme) + 3;
	}
	for (end = 0; end < s.n && strchr("/?#", s.p[end]) == NULL; end++)
		continue;
	auth.p = s.p;
	auth.n = end;
	if (auth.n == 0 || memchr(auth.p, '@', auth.n) != NULL)
		return fail(out, outlen, "val.url");
	/* The port is after the last ':' that is not inside [IPv6]. */
	host = auth;
	for (i = auth.n; i > 0 && auth.p[i - 1] != ':' && auth.p[i - 1] != ']'; i--)
		continue;
	if (i > 0 && auth.p[i - 1] == ':') {
		host.n = i - 1;
		port.p = auth.p + i;
		port.n = auth.n - i;
		if (parse_digits(port.p, port.n, &pnum) != 0 || pnum < 1 ||
		    pnum > 65535)
			return fail(out, outlen, "val.url");
	}
	if (host.n == 0)
		return fail(out, outlen, "val.url");
	sink_init(&k, out, outlen);
	sink_add(&k, scheme == NULL ? "https" : scheme,
	    strlen(scheme == NULL ? "https" : scheme));
	sink_add(&k, "://", 3);
	if (url_host(host, &k) != 0)
		return fail(out, outlen, "val.url");
	if (port.n > 0) {
		snprintf(pbuf, sizeof(pbuf), ":%lld", pnum);
		sink_add(&k, pbuf, strlen(pbuf));
	}
	sink_add(&k, s.p + end, s.n - end);
	if (!k.over && k.len > URL_MAX)
		return fail(out, outlen, "val.too_long");
	return sink_done(&k);
}

const char *
val_ip(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in);
	char addr[64], norm[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	int af;

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.n >= sizeof(addr))
		return fail(out, outlen, "val.ip");
	memcpy(addr, s.p, s.n);
	addr[s.n] = '\0';
	af = memchr(s.p, ':', s.n) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, bin) != 1 ||
	    inet_ntop(af, bin, norm, sizeof(norm)) == NULL)
		return fail(out, outlen, "val.ip");
	s.p = norm;
	s.n = strlen(norm);
	return put(out, outlen, s);
}

/* s has exactly the shape: 'd' a digit, anything else itself. */
static int
shape_ok(struct span s, const char *shape)
{
	if (s.n != strlen(shape))
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (shape[i] == 'd' ? !is_digit(s.p[i]) : s.p[i] != shape[i])
			return 0;
	return 1;
}

/* A real date from the year 1900 on, in either shape; out gets YYYY-MM-DD. */
const char *
val_date(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in);
	char buf[16], iso[16];
	struct tm tm;
	size_t i;

	if (s.n == 0)
		return put(out, outlen, s);
	for (i = 0; i < sizeof(date_shapes) / sizeof(date_shapes[0]); i++)
		if (shape_ok(s, date_shapes[i].shape))
			break;
	if (i == sizeof(date_shapes) / sizeof(date_shapes[0]) ||
	    s.n >= sizeof(buf))
		return fail(out, outlen, "val.date");
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	if (date_shapes[i].iso) {
		if (fmt_parse_date(buf, &tm) != 0 || tm.tm_year < 0)
			return fail(out, outlen, "val.date");
		memcpy(iso, buf, sizeof(buf));
	} else if (fmt_parse_fi_date(buf, iso, sizeof(iso)) != 0)
		return fail(out, outlen, "val.date");
	s.p = iso;
	s.n = strlen(iso);
	return put(out, outlen, s);
}

/*
 * [-]digits[,|.d[d]][ €]. Digit groups may be separated by a space, a
 * no-break space or a narrow no-break space, then every group after the
 * first has three digits ("1 234 567"). More than two decimals is refused,
 * never rounded.
 */
const char *
val_money(const char *in, int allow_negative, char *out, size_t outlen)
{
	struct span s = trim(in);
	char whole[20], text[24];
	size_t i = 0, nw = 0, group = 0, groups = 0, k;
	long long euros, cents, frac = 0;
	int neg = 0;

	if (s.n == 0)
		return put(out, outlen, s);
	if (s.p[0] == '-') {
		neg = 1;
		i++;
	}
	for (; i < s.n; i += k) {
		if (is_digit(s.p[i])) {
			if (nw == sizeof(whole) - 1)
				return fail(out, outlen, "val.money_range");
			whole[nw++] = s.p[i];
			group++;
			k = 1;
		} else if ((k = blank_at(s.p + i, s.n - i, 1)) > 0 &&
		    i + k < s.n && is_digit(s.p[i + k])) {
			if (group == 0 || group > 3 || (groups > 0 && group != 3))
				return fail(out, outlen, "val.money");
			groups++;
			group = 0;
		} else
			break;
	}
	if (nw == 0 || (groups > 0 && group != 3))
		return fail(out, outlen, "val.money");
	if (i < s.n && (s.p[i] == ',' || s.p[i] == '.')) {
		k = ++i;
		for (; i < s.n && is_digit(s.p[i]); i++)
			frac = frac * 10 + (s.p[i] - '0');
		if (i - k == 0 || i - k > 2)
			return fail(out, outlen, "val.money");
		if (i - k == 1)
			frac *= 10;
	}
	/* An optional euro sign, with or without a space before it. */
	while (i < s.n && (k = blank_at(s.p + i, s.n - i, 1)) > 0)
		i += k;
	if (s.n - i == strlen("€") && memcmp(s.p + i, "€", s.n - i) == 0)
		i = s.n;
	if (i != s.n)
		return fail(out, outlen, "val.money");
	whole[nw] = '\0';
	if (parse_digits(whole, nw, &euros) != 0 || euros > MONEY_MAX / 100)
		return fail(out, outlen, "val.money_range");
	cents = euros * 100 + frac;
	if (cents > MONEY_MAX)
		return fail(out, outlen, "val.money_range");
	if (cents == 0)
		neg = 0;
	if (neg && !allow_negative)
		return fail(out, outlen, "val.money_negative");
	snprintf(text, sizeof(text), "%s%lld", neg ? "-" : "", cents);
	s.p = text;
	s.n = strlen(text);
	return put(out, outlen, s);
}

/* The IBAN check: the first four characters moved to the end, letters as 10..35, mod 97 is 1. */
static int
iban_ok(const char *p, size_t n)
{
	unsigned r = 0;

	if (n < 5)
		return 0;
	for (size_t j = 0; j < n; j++) {
		char c = p[(j + 4) % n];

		if (is_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return r == 1;
}

/*
 * Spaces and hyphens dropped, letters upper-cased. An OVT code ("0037",
 * the 8 digits of a Y-tunnus with a valid check digit, up to 5 more
 * characters) and a Finnish IBAN ("FI" and 16 digits, mod 97) are checked;
 * other operator formats need only the characters and length.
 */
const char *
val_einvoice(const char *in, char *out, size_t outlen)
{
	struct span s = trim(in), v;
	char a[EINVOICE_MAX + 1];
	size_t n = 0, k;

	if (s.n == 0)
		return put(out, outlen, s);
	for (size_t i = 0; i < s.n; i += k) {
		char c = s.p[i];

		if ((k = blank_at(s.p + i, s.n - i, 1)) > 0)
			continue;
		k = 1;
		if (c == '-')
			continue;
		if (!is_digit(c) && !is_alpha(c))
			return fail(out, outlen, "val.einvoice");
		if (n == EINVOICE_MAX)
			return fail(out, outlen, "val.einvoice");
		a[n++] = to_upper(c);
	}
	a[n] = '\0';
	v.p = a;
	v.n = n;
	if (n < EINVOICE_MIN)
		return fail(out, outlen, "val.einvoice");
	if (memcmp(a, "0037", 4) == 0 && (n < 12 || n > 17 ||
	    !all_digits(a + 4, 8) || ytunnus_check(a + 4) != a[11] - '0'))
		return fail(out, outlen, "val.einvoice");
	if (memcmp(a, "FI", 2) == 0 && is_digit(a[2]) &&
	    is_digit(a[3]) && (n != 18 || !all_digits(a + 2, 16) ||
	    !iban_ok(a, n)))
		return fail(out, outlen, "val.einvoice");
	return put(out, outlen, v);
}
