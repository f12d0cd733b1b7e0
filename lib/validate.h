/* validate.h — checking and normalising the register's fields: one validator per kind of value, and one field definition with one reader for every form (field.c). */
#ifndef REKISTERI_VALIDATE_H
#define REKISTERI_VALIDATE_H

#include <stddef.h>

#include "kv.h"

/*
 * Every validator takes the value as typed (UTF-8, already checked by the
 * request layer to have no NUL or control characters but TAB/LF/CR) and
 * writes the normalised form into out (outlen bytes, always NUL-terminated
 * on success). It returns NULL when the value is acceptable, else an i18n
 * message key saying what is wrong ("val.email"). Leading and trailing
 * white space is trimmed first; an empty value is acceptable (the caller
 * decides what is required) and normalises to "".
 */

/* A name or other one-line text: at most max characters, no TAB/CR/LF. */
const char *val_text(const char *in, size_t max, char *out, size_t outlen);
/* Free text (notes): at most max characters; line breaks kept as LF. */
const char *val_multiline(const char *in, size_t max, char *out, size_t outlen);
/* An email address: local@domain, one @, a dot in the domain, no spaces, at most 254 bytes; the domain lower-cased. */
const char *val_email(const char *in, char *out, size_t outlen);
/*
 * A phone number to E.164: "+358 40 123 4567", "040 1234567", "(09) 123 456",
 * "00358 40 1234567" → "+358401234567". A national number (leading 0) gets
 * default_cc (e.g. "358"); digits, spaces, '-', '(', ')' and a leading '+'
 * or '00' are accepted; 8..15 digits in the result.
 */
const char *val_phone(const char *in, const char *default_cc, char *out,
	    size_t outlen);
/* Finnish postal code: exactly 5 digits. */
const char *val_postal_fi(const char *in, char *out, size_t outlen);
/* Country: ISO 3166-1 alpha-2, upper-cased ("fi" → "FI"); must be a real assigned code. */
const char *val_country(const char *in, char *out, size_t outlen);
/* Finnish business ID (Y-tunnus) "1234567-8" with its check digit (mod 11, weights 7 9 10 5 8 4 2); "12345678" → "1234567-8". */
const char *val_business_id(const char *in, char *out, size_t outlen);
/* A web address: http:// or https:// with a host; no spaces; at most 2000 bytes. A bare "www.x.fi" gets "https://". */
const char *val_url(const char *in, char *out, size_t outlen);
/* An IPv4 or IPv6 address (inet_pton), normalised (inet_ntop). */
const char *val_ip(const char *in, char *out, size_t outlen);
/* A date YYYY-MM-DD (a real date); also accepts D.M.YYYY. */
const char *val_date(const char *in, char *out, size_t outlen);
/* Money in euros "1 234,56", "1234.56", "12" → cents as decimal text "123456"; at most 10^11 cents; negatives refused unless allow_negative. */
const char *val_money(const char *in, int allow_negative, char *out, size_t outlen);
/* An e-invoice address: OVT (0037 + Y-tunnus digits + optional suffix) or IBAN-like, 4..35 chars of A-Z 0-9. */
const char *val_einvoice(const char *in, char *out, size_t outlen);

/*
 * A whole number in [min, max], plain decimal digits (a leading '-' only
 * when min < 0), no sign '+', no spaces, no leading zeros but "0": *out
 * gets it. NULL, or "val.number" (also for a missing value).
 */
const char *val_int(const char *in, long long min, long long max,
	    long long *out);
/* One of names (NULL-terminated): *out gets its index. NULL, or "val.required" (also for a missing value). */
const char *val_enum(const char *in, const char *const *names, int *out);

/* The kinds of value a field can hold, each with its validator above. */
enum val_kind {
	VK_TEXT,	/* one line, at most max characters */
	VK_MULTILINE,	/* line breaks kept */
	VK_LINES,	/* typed on lines, kept on one: "Katu 1, 00100 Helsinki" */
	VK_BOOL,	/* a checkbox: "1", or "0"/"" */
	VK_DATE,
	VK_EMAIL,
	VK_PHONE,	/* E.164, Finnish numbers without a country code */
	VK_POSTAL,	/* text here; the country decides the rest (the caller) */
	VK_COUNTRY,
	VK_URL,
	VK_IP,
	VK_BUSINESS_ID,
	VK_EINVOICE,
	VK_MONEY,	/* euros to cents, negatives allowed (credits) */
	VK_CODE,	/* letters, digits and '-', upper-cased (customer numbers) */
	VK_ENUM,	/* one of names */
	VK_INT		/* min..imax */
};

/* Field flags. */
enum {
	VF_REQUIRED	= 1 << 0	/* empty is "val.required" */
};

/*
 * A form field declared once: its form key (also its column and the key of
 * its message "cust.NAME" and the like), kind, flags (before the limit, to
 * pack the struct), limit in characters, how a form shows it (an HTML input
 * type, "textarea", "checkbox" or "select"), for VK_ENUM the allowed
 * values, for VK_INT the range; dflt is what a missing key reads as (NULL:
 * "").
 */
struct field {
	const char		*name;
	enum val_kind		 kind;
	unsigned		 flags;
	size_t			 max;
	const char		*input;
	const char *const	*names;
	long long		 min, imax;
	const char		*dflt;
};

/* Check one value of field f as typed into out (normalised). NULL or a message key. */
const char *field_check(const struct field *f, const char *in, char *out,
	    size_t outlen);

/*
 * The one reader of a form: each of fields[0..n) from form, through its
 * validator and limit. v[i] gets the normalised value (owned; free it), or
 * when in error the value as typed (to show the form again); errs[i] the
 * message key, NULL for a good value. A key sent twice is "val.twice".
 * Rules across fields are the caller's. Returns the number of errors.
 */
int	 field_read(const struct field *fields, size_t n,
	    const struct kvlist *form, char **v, const char **errs);

/* The field named name in fields[0..n), or -1. */
int	 field_index(const struct field *fields, size_t n, const char *name);

#endif
