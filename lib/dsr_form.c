/* dsr_form.c — the public form of a data-subject request: its fields (one table, read by field_read), the rules across them, and the form tokens. See dsr.h. */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"

/* The one table of the form's fields: key and column, validator, limit, input. */
const struct field dsr_fields[RF__MAX] = {
	[RF_NAME] =		{ "name", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[RF_ORGANISATION] =	{ "organisation", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[RF_EMAIL] =		{ "email", VK_EMAIL, 0, 254, "email", NULL, 0, 0, NULL },
	[RF_PHONE] =		{ "phone", VK_PHONE, 0, 40, "tel", NULL, 0, 0, NULL },
	[RF_ADDRESS] =		{ "address", VK_LINES, 0, 200, "textarea", NULL, 0, 0, NULL },
	[RF_CUSTOMER_NUMBER] =	{ "customer_number", VK_CODE, 0, 20, "text", NULL, 0, 0, NULL },
	[RF_TEXT] =		{ "free_text", VK_MULTILINE, 0, 2000, "textarea", NULL, 0, 0, NULL },
};

/* ---- the form ---------------------------------------------------------- */

void
dsr_form_free(struct dsr_form *f)
{
	for (int i = 0; i < RF__MAX; i++)
		free(f->v[i]);
	memset(f, 0, sizeof(*f));
}

/* A token as sent: kept only when it has a token's characters and size. */
static void
copy_token(const char *in, char out[DSR_FORM_TOKEN_MAX])
{
	size_t n = in ? strlen(in) : 0;

	out[0] = '\0';
	if (n == 0 || n >= DSR_FORM_TOKEN_MAX ||
	    strspn(in, "0123456789abcdef.") != n)
		return;
	memcpy(out, in, n + 1);
}

int
dsr_from_form(const struct kvlist *form, struct dsr_form *f)
{
	const char *hp;
	int bad;

	memset(f, 0, sizeof(*f));
	bad = field_read(dsr_fields, RF__MAX, form, f->v, f->errs);
	for (size_t i = 0; i < form->n; i++) {
		int t;

		if (strcmp(form->v[i].key, DSR_KEY_TYPE) != 0)
			continue;
		if ((t = rtype_parse(form->v[i].val)) < 0)
			f->types_err = "request.err.type_unknown";
		else
			f->types |= 1u << t;
	}
	if (f->types_err == NULL && f->types == 0)
		f->types_err = "request.err.types";
	if (f->types_err != NULL)
		bad++;
	/* a name, and somewhere to send the answer */
	if (f->errs[RF_NAME] == NULL && f->v[RF_NAME][0] == '\0') {
		f->errs[RF_NAME] = "val.required";
		bad++;
	}
	if (f->errs[RF_EMAIL] == NULL && f->errs[RF_ADDRESS] == NULL &&
	    f->v[RF_EMAIL][0] == '\0' && f->v[RF_ADDRESS][0] == '\0') {
		f->errs[RF_EMAIL] = "request.err.contact";
		bad++;
	}
	/* rectification: what is wrong and what is right */
	if ((f->types & (1u << RT_RECTIFICATION)) && f->errs[RF_TEXT] == NULL &&
	    f->v[RF_TEXT][0] == '\0') {
		f->errs[RF_TEXT] = "request.err.text_rectification";
		bad++;
	}
	/* everything together must fit one signed ticket (and its QR code) */
	if (bad == 0) {
		struct ticket t;
		struct buf c = BUF_INIT;

		memset(&t, 0, sizeof(t));
		snprintf(t.number, sizeof(t.number), "TS-2026-000001");
		snprintf(t.received, sizeof(t.received), "2026-01-01T00:00:00Z");
		snprintf(t.key_id, sizeof(t.key_id), "0000000000000000");
		t.types = f->types;
		t.name = f->v[RF_NAME];
		t.organisation = f->v[RF_ORGANISATION];
		t.email = f->v[RF_EMAIL];
		t.phone = f->v[RF_PHONE];
		t.address = f->v[RF_ADDRESS];
		t.customer_number = f->v[RF_CUSTOMER_NUMBER];
		ticket_text_hash(f->v[RF_TEXT], t.text_sha256);
		if (ticket_canonical(&t, &c) != 0) {
			f->errs[f->v[RF_ADDRESS][0] ? RF_ADDRESS : RF_NAME] =
			    "request.err.total";
			bad++;
		}
		buf_free(&c);
	}
	hp = kv_get(form, DSR_KEY_HONEYPOT);
	f->honeypot = hp != NULL && hp[0] != '\0';
	copy_token(kv_count(form, DSR_KEY_TOKEN) == 1 ?
	    kv_get(form, DSR_KEY_TOKEN) : NULL, f->token);
	return bad;
}

/* ---- form tokens ------------------------------------------------------- */

static void
token_mac(const char *issued_id, char hex[crypto_auth_BYTES * 2 + 1])
{
	unsigned char mac[crypto_auth_BYTES];
	struct buf m = BUF_INIT;

	buf_addf(&m, "rekisteri-form:%s", issued_id);
	crypto_auth(mac, (const unsigned char *)m.data, m.len, dsr_secret);
	sodium_bin2hex(hex, crypto_auth_BYTES * 2 + 1, mac, sizeof(mac));
	buf_free(&m);
}

void
dsr_form_token(time_t now, char out[DSR_FORM_TOKEN_MAX])
{
	unsigned char id[16];
	char idhex[DSR_FORM_ID_HEX], body[54], mac[crypto_auth_BYTES * 2 + 1];

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	snprintf(body, sizeof(body), "%lld.%s", (long long)now, idhex);
	token_mac(body, mac);
	snprintf(out, DSR_FORM_TOKEN_MAX, "%s.%s", body, mac);
}

int
dsr_is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

enum dsr_token
dsr_token_check(const char *token, time_t now, int lifetime_min,
    char form_id[DSR_FORM_ID_HEX])
{
	char body[DSR_FORM_TOKEN_MAX], mac[crypto_auth_BYTES * 2 + 1];
	char *dot1, *dot2, *end;
	long long issued;

	form_id[0] = '\0';
	if (token == NULL || strlen(token) >= sizeof(body))
		return RTOK_BAD;
	memcpy(body, token, strlen(token) + 1);
	if ((dot1 = strchr(body, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL)
		return RTOK_BAD;
	*dot2 = '\0';
	*dot1 = '\0';
	if (!isdigit((unsigned char)body[0]) || strlen(body) > 12 ||
	    !dsr_is_hex(dot1 + 1, DSR_FORM_ID_HEX - 1) ||
	    !dsr_is_hex(dot2 + 1, sizeof(mac) - 1))
		return RTOK_BAD;
	issued = strtoll(body, &end, 10);
	if (*end != '\0')
		return RTOK_BAD;
	*dot1 = '.';
	token_mac(body, mac);
	if (sodium_memcmp(mac, dot2 + 1, sizeof(mac) - 1) != 0)
		return RTOK_BAD;
	/* a minute's grace for clocks; nothing from further ahead */
	if (issued > (long long)now + 60 ||
	    (long long)now - issued > (long long)lifetime_min * 60)
		return RTOK_EXPIRED;
	memcpy(form_id, dot1 + 1, DSR_FORM_ID_HEX);
	return RTOK_OK;
}

