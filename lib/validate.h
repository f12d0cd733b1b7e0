/* validate.h — checking and normalising the customer register's fields: one validator per kind of value. */
#ifndef REKISTERI_VALIDATE_H
#define REKISTERI_VALIDATE_H

#include <stddef.h>

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

#endif
