/* validate_more.c — the validators of web and IP addresses, dates, money and e-invoice addresses; see validate.h. libc parses what it can: inet_pton/inet_ntop, strtoll, strptime (through fmt.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "validate.h"
#include "validate_int.h"

#define URL_MAX		2000	/* bytes */
#define MONEY_MAX	100000000000LL	/* cents: 10^9 euros */
#define EINVOICE_MIN	4
#define EINVOICE_MAX	35

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

/* ASCII only, as val_is_digit. */
static int
is_hex(int c)
{
	return val_is_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
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

	if (n == 0 || n >= sizeof(buf) || !val_all_digits(p, n))
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
		val_sink_addc(k, '[');
		val_sink_add(k, norm, strlen(norm));
		val_sink_addc(k, ']');
		return 0;
	}
	for (i = 0; i < h.n && (val_is_digit(h.p[i]) || h.p[i] == '.'); i++)
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
		val_sink_add(k, norm, strlen(norm));
		return 0;
	}
	if (!val_domain_ok(h))
		return -1;
	for (i = 0; i < h.n; i++)
		val_sink_addc(k, val_to_lower(h.p[i]));
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
	struct span s = val_trim(in), auth, host, port = { "", 0 };
	const char *scheme;
	size_t i, end;
	long long pnum = 0;
	struct sink k;
	char pbuf[8];

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.n > URL_MAX)
		return val_fail(out, outlen, "val.too_long");
	if (!val_text_ok(s, 0))
		return val_fail(out, outlen, "val.url");
	for (i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c == 0x7f || strchr(url_refused, c) != NULL ||
		    (c == '%' && (i + 2 >= s.n || !is_hex(s.p[i + 1]) ||
		    !is_hex(s.p[i + 2]))))
			return val_fail(out, outlen, "val.url");
	}
	if (val_has_prefix_ci(s, "https://"))
		scheme = "https";
	else if (val_has_prefix_ci(s, "http://"))
		scheme = "http";
	else if (val_has_prefix_ci(s, "www."))
		scheme = NULL;
	else
		return val_fail(out, outlen, "val.url");
	if (scheme != NULL) {
		s.p += strlen(scheme) + 3;
		s.n -= strlen(scheme) + 3;
	}
	for (end = 0; end < s.n && strchr("/?#", s.p[end]) == NULL; end++)
		continue;
	auth.p = s.p;
	auth.n = end;
	if (auth.n == 0 || memchr(auth.p, '@', auth.n) != NULL)
		return val_fail(out, outlen, "val.url");
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
			return val_fail(out, outlen, "val.url");
	}
	if (host.n == 0)
		return val_fail(out, outlen, "val.url");
	val_sink_init(&k, out, outlen);
	val_sink_add(&k, scheme == NULL ? "https" : scheme,
	    strlen(scheme == NULL ? "https" : scheme));
	val_sink_add(&k, "://", 3);
	if (url_host(host, &k) != 0)
		return val_fail(out, outlen, "val.url");
	if (port.n > 0) {
		snprintf(pbuf, sizeof(pbuf), ":%lld", pnum);
		val_sink_add(&k, pbuf, strlen(pbuf));
	}
	val_sink_add(&k, s.p + end, s.n - end);
	if (!k.over && k.len > URL_MAX)
		return val_fail(out, outlen, "val.too_long");
	return val_sink_done(&k);
}

const char *
val_ip(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	char addr[64], norm[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	int af;

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.n >= sizeof(addr))
		return val_fail(out, outlen, "val.ip");
	memcpy(addr, s.p, s.n);
	addr[s.n] = '\0';
	af = memchr(s.p, ':', s.n) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, bin) != 1 ||
	    inet_ntop(af, bin, norm, sizeof(norm)) == NULL)
		return val_fail(out, outlen, "val.ip");
	s.p = norm;
	s.n = strlen(norm);
	return val_put(out, outlen, s);
}

/* s has exactly the shape: 'd' a digit, anything else itself. */
static int
shape_ok(struct span s, const char *shape)
{
	if (s.n != strlen(shape))
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (shape[i] == 'd' ? !val_is_digit(s.p[i]) :
		    s.p[i] != shape[i])
			return 0;
	return 1;
}

/* A real date from the year 1900 on, in either shape; out gets YYYY-MM-DD. */
const char *
val_date(const char *in, char *out, size_t outlen)
{
	struct span s = val_trim(in);
	char buf[16], iso[16];
	struct tm tm;
	size_t i;

	if (s.n == 0)
		return val_put(out, outlen, s);
	for (i = 0; i < sizeof(date_shapes) / sizeof(date_shapes[0]); i++)
		if (shape_ok(s, date_shapes[i].shape))
			break;
	if (i == sizeof(date_shapes) / sizeof(date_shapes[0]) ||
	    s.n >= sizeof(buf))
		return val_fail(out, outlen, "val.date");
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	if (date_shapes[i].iso) {
		if (fmt_parse_date(buf, &tm) != 0 || tm.tm_year < 0)
			return val_fail(out, outlen, "val.date");
		memcpy(iso, buf, sizeof(buf));
	} else if (fmt_parse_fi_date(buf, iso, sizeof(iso)) != 0)
		return val_fail(out, outlen, "val.date");
	s.p = iso;
	s.n = strlen(iso);
	return val_put(out, outlen, s);
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
	struct span s = val_trim(in);
	char whole[20], text[24];
	size_t i = 0, nw = 0, group = 0, groups = 0, k;
	long long euros, cents, frac = 0;
	int neg = 0;

	if (s.n == 0)
		return val_put(out, outlen, s);
	if (s.p[0] == '-') {
		neg = 1;
		i++;
	}
	for (; i < s.n; i += k) {
		if (val_is_digit(s.p[i])) {
			if (nw == sizeof(whole) - 1)
				return val_fail(out, outlen, "val.money_range");
			whole[nw++] = s.p[i];
			group++;
			k = 1;
		} else if ((k = val_blank_at(s.p + i, s.n - i, 1)) > 0 &&
		    i + k < s.n && val_is_digit(s.p[i + k])) {
			if (group == 0 || group > 3 || (groups > 0 && group != 3))
				return val_fail(out, outlen, "val.money");
			groups++;
			group = 0;
		} else
			break;
	}
	if (nw == 0 || (groups > 0 && group != 3))
		return val_fail(out, outlen, "val.money");
	if (i < s.n && (s.p[i] == ',' || s.p[i] == '.')) {
		k = ++i;
		/* at most two decimals count; more is an error below (no overflow) */
		for (; i < s.n && val_is_digit(s.p[i]); i++)
			if (i - k < 2)
				frac = frac * 10 + (s.p[i] - '0');
		if (i - k == 0 || i - k > 2)
			return val_fail(out, outlen, "val.money");
		if (i - k == 1)
			frac *= 10;
	}
	/* An optional euro sign, with or without a space before it. */
	while (i < s.n && (k = val_blank_at(s.p + i, s.n - i, 1)) > 0)
		i += k;
	if (s.n - i == strlen("€") && memcmp(s.p + i, "€", s.n - i) == 0)
		i = s.n;
	if (i != s.n)
		return val_fail(out, outlen, "val.money");
	whole[nw] = '\0';
	if (parse_digits(whole, nw, &euros) != 0 || euros > MONEY_MAX / 100)
		return val_fail(out, outlen, "val.money_range");
	cents = euros * 100 + frac;
	if (cents > MONEY_MAX)
		return val_fail(out, outlen, "val.money_range");
	if (cents == 0)
		neg = 0;
	if (neg && !allow_negative)
		return val_fail(out, outlen, "val.money_negative");
	snprintf(text, sizeof(text), "%s%lld", neg ? "-" : "", cents);
	s.p = text;
	s.n = strlen(text);
	return val_put(out, outlen, s);
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

		if (val_is_digit(c))
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
	struct span s = val_trim(in), v;
	char a[EINVOICE_MAX + 1];
	size_t n = 0, k;

	if (s.n == 0)
		return val_put(out, outlen, s);
	for (size_t i = 0; i < s.n; i += k) {
		char c = s.p[i];

		if ((k = val_blank_at(s.p + i, s.n - i, 1)) > 0)
			continue;
		k = 1;
		if (c == '-')
			continue;
		if (!val_is_digit(c) && !val_is_alpha(c))
			return val_fail(out, outlen, "val.einvoice");
		if (n == EINVOICE_MAX)
			return val_fail(out, outlen, "val.einvoice");
		a[n++] = val_to_upper(c);
	}
	a[n] = '\0';
	v.p = a;
	v.n = n;
	if (n < EINVOICE_MIN)
		return val_fail(out, outlen, "val.einvoice");
	if (memcmp(a, "0037", 4) == 0 && (n < 12 || n > 17 ||
	    !val_all_digits(a + 4, 8) ||
	    val_ytunnus_check(a + 4) != a[11] - '0'))
		return val_fail(out, outlen, "val.einvoice");
	if (memcmp(a, "FI", 2) == 0 && val_is_digit(a[2]) &&
	    val_is_digit(a[3]) && (n != 18 || !val_all_digits(a + 2, 16) ||
	    !iban_ok(a, n)))
		return val_fail(out, outlen, "val.einvoice");
	return val_put(out, outlen, v);
}
