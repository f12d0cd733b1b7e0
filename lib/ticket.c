/* ticket.c — see ticket.h: request types, the field rules, the canonical form, and signing and verifying codes; the keys are in ticket_keys.c. libsodium signs, hashes and encodes; the canonical form is ours (docs/ticket-format.md). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "fmt.h"
#include "req.h"
#include "ticket.h"
#include "ticket_int.h"

const char *const rtype_names[RT__MAX] = {
	"access", "rectification", "erasure", "restriction", "objection",
	"portability", "ban_advertising", "ban_distance_selling",
	"ban_direct_marketing", "ban_research", "ban_publication",
	"ban_disclosure", "anonymisation"
};

#define VERSION_LINE	"REKISTERI-TICKET 1"
#define CODE_PREFIX	"RK1."		/* then base64url(canonical) "." base64url(signature) */
#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING

int
rtype_parse(const char *s)
{
	for (int i = 0; s != NULL && i < RT__MAX; i++)
		if (strcmp(s, rtype_names[i]) == 0)
			return i;
	return -1;
}

void
ticket_free(struct ticket *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->organisation);
	free(t->email);
	free(t->phone);
	free(t->address);
	free(t->customer_number);
	memset(t, 0, sizeof(*t));
}

void
ticket_text_hash(const char *text, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (text == NULL)
		text = "";
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- field rules ---------------------------------------------------- */

static int
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
lowerhex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "TS-YYYY-NNNNNN". */
static int
number_ok(const char *s)
{
	return strlen(s) == 14 && strncmp(s, "TS-", 3) == 0 &&
	    digits(s + 3, 4) && s[7] == '-' && digits(s + 8, 6);
}

/* "YYYY-MM-DDTHH:MM:SSZ", a real calendar date and time of day. */
static int
received_ok(const char *s)
{
	struct tm tm;
	char date[11];

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z' || !digits(s + 11, 2) || !digits(s + 14, 2) ||
	    !digits(s + 17, 2) || !digits(s, 4))
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (fmt_parse_date(date, &tm) != 0)
		return 0;
	return (s[11] - '0') * 10 + (s[12] - '0') < 24 &&
	    (s[14] - '0') * 10 + (s[15] - '0') < 60 &&
	    (s[17] - '0') * 10 + (s[18] - '0') < 60;
}

static int
sha256_ok(const char *s)
{
	return lowerhex(s, 64);
}

int
ticket_key_id_ok(const char *s)
{
	return lowerhex(s, TICKET_ID_LEN);
}

/*
 * One line of text: valid UTF-8 (text_valid) without any control
 * character (C0, DEL, C1) or Unicode line or paragraph separator.
 */
static int
line_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);

	if (len > TICKET_CANONICAL_MAX || !text_valid(s, len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return 0;
		if (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f)
			return 0;	/* U+0080..U+009F */
		if (u[i] == 0xe2 && i + 2 < len && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
			return 0;	/* U+2028, U+2029 */
	}
	return 1;
}

/* ---- the canonical form ---------------------------------------------- */

enum fkind {
	FK_FIXED,	/* a char array in struct ticket */
	FK_TEXT,	/* a char pointer, NULL read as "" */
	FK_TYPES	/* the types bits as a list of names */
};

struct field {
	const char	*name;
	enum fkind	 kind;
	size_t		 off;		/* offsetof(struct ticket, ...) */
	size_t		 size;		/* FK_FIXED: the array's size */
	int		(*ok)(const char *);
};

#define FIXED(n, m, ok) { n, FK_FIXED, offsetof(struct ticket, m), \
	sizeof(((struct ticket *)NULL)->m), ok }
#define TEXT(n, m) { n, FK_TEXT, offsetof(struct ticket, m), 0, line_ok }

/* The lines after the version line, in this order (docs/ticket-format.md). */
static const struct field fields[] = {
	FIXED("number", number, number_ok),
	FIXED("received", received, received_ok),
	{ "types", FK_TYPES, 0, 0, NULL },
	TEXT("name", name),
	TEXT("organisation", organisation),
	TEXT("email", email),
	TEXT("phone", phone),
	TEXT("address", address),
	TEXT("customer", customer_number),
	FIXED("text-sha256", text_sha256, sha256_ok),
	FIXED("key-id", key_id, ticket_key_id_ok),
};

#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* A text or fixed field's value in t ("" for a NULL text), or NULL when a fixed array is not terminated. */
static const char *
field_get(const struct ticket *t, const struct field *f)
{
	const char *p = (const char *)t + f->off;

	if (f->kind == FK_TEXT) {
		const char *v = *(char *const *)(const void *)p;

		return v == NULL ? "" : v;
	}
	return memchr(p, '\0', f->size) == NULL ? NULL : p;
}

static int
types_add(unsigned types, struct buf *b)
{
	int first = 1;

	if (types == 0 || (types >> RT__MAX) != 0)
		return -1;
	for (int i = 0; i < RT__MAX; i++) {
		if ((types & (1u << i)) == 0)
			continue;
		if (!first)
			buf_addc(b, ',');
		buf_adds(b, rtype_names[i]);
		first = 0;
	}
	return 0;
}

int
ticket_canonical(const struct ticket *t, struct buf *out)
{
	struct buf b = BUF_INIT;
	const char *v;
	int rc = -1;

	if (t == NULL)
		return -1;
	buf_adds(&b, VERSION_LINE "\n");
	for (size_t i = 0; i < NFIELDS; i++) {
		buf_adds(&b, fields[i].name);
		buf_addc(&b, ':');
		if (fields[i].kind == FK_TYPES) {
			buf_addc(&b, ' ');
			if (types_add(t->types, &b) != 0)
				goto out;
		} else {
			if ((v = field_get(t, &fields[i])) == NULL ||
			    !fields[i].ok(v))
				goto out;
			if (*v != '\0') {
				buf_addc(&b, ' ');
				buf_adds(&b, v);
			}
		}
		buf_addc(&b, '\n');
	}
	if (b.len > TICKET_CANONICAL_MAX)
		goto out;
	buf_add(out, b.data, b.len);
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* "a,b,c" (len bytes) → the types bits; 0 for an unknown or repeated name. */
static unsigned
types_parse(const char *s, size_t len)
{
	unsigned types = 0;
	char name[32];
	size_t i = 0, j;
	int r;

	while (i <= len) {
		for (j = i; j < len && s[j] != ','; j++)
			continue;
		if (j - i == 0 || j - i >= sizeof(name))
			return 0;
		memcpy(name, s + i, j - i);
		name[j - i] = '\0';
		if ((r = rtype_parse(name)) < 0 || (types & (1u << r)) != 0)
			return 0;
		types |= 1u << r;
		i = j + 1;
	}
	return types;
}

/*
 * Read a canonical form msg[0..len) into t (zeroed first). It must be the
 * exact bytes ticket_canonical makes of what it holds. 0 or -1 (t freed).
 */
static int
canonical_parse(const char *msg, size_t len, struct ticket *t)
{
	struct buf again = BUF_INIT;
	const char *p = msg, *end = msg + len, *nl, *v;
	size_t vlen, nlen;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (len > TICKET_CANONICAL_MAX || memchr(msg, '\0', len) != NULL)
		return -1;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL || (size_t)(nl - p) != strlen(VERSION_LINE) ||
	    memcmp(p, VERSION_LINE, strlen(VERSION_LINE)) != 0)
		goto out;
	p = nl + 1;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		nlen = strlen(f->name);
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (size_t)(nl - p) < nlen + 1 || memcmp(p, f->name, nlen) != 0 ||
		    p[nlen] != ':')
			goto out;
		v = p + nlen + 1;
		if (v < nl) {
			if (*v != ' ')
				goto out;
			v++;
		}
		vlen = (size_t)(nl - v);
		switch (f->kind) {
		case FK_TYPES:
			if ((t->types = types_parse(v, vlen)) == 0)
				goto out;
			break;
		case FK_TEXT:
			*(char **)(void *)((char *)t + f->off) = xstrndup(v, vlen);
			break;
		case FK_FIXED:
			if (vlen >= f->size)
				goto out;
			memcpy((char *)t + f->off, v, vlen);
			((char *)t + f->off)[vlen] = '\0';
			break;
		default:
			abort();
		}
		p = nl + 1;
	}
	if (p != end)
		goto out;
	/* every rule checked, and nothing but this one way to write it */
	if (ticket_canonical(t, &again) != 0 || again.len != len ||
	    memcmp(again.data, msg, len) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&again);
	if (rc != 0)
		ticket_free(t);
	return rc;
}

/* ---- codes ------------------------------------------------------------ */

static void
b64url_add(const unsigned char *bin, size_t len, struct buf *out)
{
	size_t n = sodium_base64_ENCODED_LEN(len, B64URL);
	char *s = xmalloc(n);

	sodium_bin2base64(s, n, bin, len, B64URL);
	buf_adds(out, s);
	free(s);
}

int
ticket_sign(const struct ticket_keys *k, struct ticket *t, struct buf *code)
{
	unsigned char sig[crypto_sign_BYTES];
	struct buf msg = BUF_INIT;
	int rc = -1;

	if (k == NULL || t == NULL || !k->has_secret)
		return -1;
	memcpy(t->key_id, k->current, sizeof(t->key_id));
	if (ticket_canonical(t, &msg) != 0)
		goto out;
	if (crypto_sign_detached(sig, NULL, (const unsigned char *)msg.data,
	    msg.len, k->sk) != 0)
		goto out;
	buf_adds(code, CODE_PREFIX);
	b64url_add((const unsigned char *)msg.data, msg.len, code);
	buf_addc(code, '.');
	b64url_add(sig, sizeof(sig), code);
	rc = 0;
out:
	buf_free(&msg);
	return rc;
}

/* A character of a code: base64url's and the separator '.'. */
static int
code_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The n bytes of code without their white space into out (n bytes at
 * most), and how many: white space is no character of a code, but a
 * scanner adds it around the code and a copy from the printed ticket
 * breaks the code into lines.
 */
static size_t
without_space(const char *code, size_t n, char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		if (!space(code[i]))
			out[len++] = code[i];
	return len;
}

int
ticket_verify(const struct ticket_keys *k, const char *code,
    struct ticket *t, const char **why)
{
	unsigned char msg[TICKET_CANONICAL_MAX], sig[crypto_sign_BYTES];
	char flat[TICKET_CODE_MAX];
	const char *s, *dot, *b64end, *dummy;
	const struct pubkey *p;
	size_t n, mlen, slen;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (t == NULL)
		return -1;
	memset(t, 0, sizeof(*t));
	if (k == NULL)
		return -1;
	*why = "ticket.invalid.format";
	if (code == NULL || (n = strnlen(code, TICKET_CODE_MAX + 1)) >
	    TICKET_CODE_MAX)
		return 1;
	n = without_space(code, n, flat);
	s = flat;
	if (n < strlen(CODE_PREFIX) ||
	    memcmp(s, CODE_PREFIX, strlen(CODE_PREFIX)) != 0)
		return 1;
	/*
	 * Only the code's own characters: libsodium 1.0.18's decoder takes
	 * some bytes above 0x7f as if they were letters.
	 */
	for (size_t i = 0; i < n; i++)
		if (!code_char(s[i]))
			return 1;
	s += strlen(CODE_PREFIX);
	n -= strlen(CODE_PREFIX);
	if ((dot = memchr(s, '.', n)) == NULL)
		return 1;
	if (sodium_base642bin(msg, sizeof(msg), s, (size_t)(dot - s), NULL,
	    &mlen, &b64end, B64URL) != 0 || b64end != dot)
		return 1;
	if (sodium_base642bin(sig, sizeof(sig), dot + 1, n - (size_t)(dot + 1 - s),
	    NULL, &slen, &b64end, B64URL) != 0 || b64end != s + n ||
	    slen != sizeof(sig))
		return 1;
	if (canonical_parse((const char *)msg, mlen, t) != 0)
		return 1;
	if ((p = ticket_find_key(k, t->key_id)) == NULL) {
		*why = "ticket.invalid.key";
		ticket_free(t);
		return 1;
	}
	if (crypto_sign_verify_detached(sig, msg, mlen, p->pk) != 0) {
		*why = "ticket.invalid.signature";
		ticket_free(t);
		return 1;
	}
	*why = NULL;
	return 0;
}
