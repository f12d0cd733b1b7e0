/*
 * fuzz_ticket.c — ticket_verify, the parser of ticket codes from the public
 * internet, with a fixed key (seed 32 × 0x42) so that seeds can hold
 * validly signed codes. The first input byte chooses what the rest is:
 *   even: a ticket code as typed or scanned;
 *   odd:  a canonical form, signed here with the fixed key and made a code,
 *         so the canonical parser is reached behind a valid signature.
 * Checks: the answer is 0 or 1 with a known reason; an invalid code leaves
 * nothing to free; a valid one, without its white space, is exactly what
 * ticket_sign makes of the ticket it holds (Ed25519 signatures are
 * deterministic), and the signed bytes are exactly its canonical form.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "fuzz.h"
#include "ticket.h"

static struct ticket_keys *keys;
static unsigned char sk[crypto_sign_SECRETKEYBYTES];
static char pubdir[4096], pemfile[4200];

static void
remove_public(void)
{
	unlink(pemfile);
	rmdir(pubdir);
}

/* The key folder's public half, written by hand in its documented layout. */
static void
make_keys(void)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char der[44], h[crypto_hash_sha256_BYTES];
	char id[17], b64[64], path[4200], err[512];
	struct buf pem = BUF_INIT;
	const char *dir;

	if (sodium_init() < 0)
		fz_fail("sodium_init", NULL);
	memset(seed, 0x42, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	memcpy(der, "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
	memcpy(der + 12, pk, sizeof(pk));
	crypto_hash_sha256(h, der, sizeof(der));
	sodium_bin2hex(id, sizeof(id), h, 8);
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der),
	    sodium_base64_VARIANT_ORIGINAL);
	buf_addf(&pem, "-----BEGIN PUBLIC KEY-----\n%s\n"
	    "-----END PUBLIC KEY-----\n", b64);

	dir = fz_dir();
	fz_path(pubdir, sizeof(pubdir), dir, "public");
	if (mkdir(pubdir, 0700) != 0)
		fz_fail("cannot create", pubdir);
	snprintf(pemfile, sizeof(pemfile), "%s/%s.pem", pubdir, id);
	atexit(remove_public);	/* runs before fz_dir's own clean-up */
	fz_write(pemfile, pem.data, pem.len);
	fz_path(path, sizeof(path), dir, "current");
	buf_reset(&pem);
	buf_addf(&pem, "%s\n", id);
	fz_write(path, pem.data, pem.len);
	buf_free(&pem);
	if ((keys = ticket_keys_load(dir, 0, err, sizeof(err))) == NULL)
		fz_fail("cannot load the fuzz key", err);
	if (strcmp(ticket_keys_current(keys), id) != 0)
		fz_fail("the fuzz key is not current", id);
}

static void
b64url_add(struct buf *b, const void *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(n);

	if (s == NULL)
		fz_fail("out of memory", NULL);
	sodium_bin2base64(s, n, bin, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_adds(b, s);
	free(s);
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The code ticket_sign makes of the canonical form canon[0..len), into out. */
static void
own_code(const void *canon, size_t len, struct buf *out)
{
	unsigned char sig[crypto_sign_BYTES];

	crypto_sign_detached(sig, NULL, canon, len, sk);
	buf_adds(out, "RK1.");
	b64url_add(out, canon, len);
	buf_addc(out, '.');
	b64url_add(out, sig, sizeof(sig));
}

/* Verify code and hold the answer to the promises in the comment on top. */
static void
check(const char *code, const uint8_t *signed_msg, size_t signed_len)
{
	struct buf again = BUF_INIT, code2 = BUF_INIT, flat = BUF_INIT;
	struct ticket t;
	const char *why = NULL;
	int rc;

	rc = ticket_verify(keys, code, &t, &why);
	if (rc == 1) {
		if (why == NULL || (strcmp(why, "ticket.invalid.format") != 0 &&
		    strcmp(why, "ticket.invalid.key") != 0 &&
		    strcmp(why, "ticket.invalid.signature") != 0))
			fz_fail("invalid without a known reason", why);
		if (t.name != NULL || t.email != NULL || t.types != 0)
			fz_fail("an invalid code left a ticket behind", NULL);
		return;
	}
	if (rc != 0)
		fz_fail("ticket_verify failed", NULL);
	if (why != NULL)
		fz_fail("valid with a reason", why);
	if (signed_msg != NULL) {
		if (ticket_canonical(&t, &again) != 0 || again.len != signed_len ||
		    memcmp(again.data, signed_msg, signed_len) != 0)
			fz_fail("accepted bytes that are not the canonical form",
			    NULL);
		buf_reset(&again);
	}
	/* the accepted code, without its white space, is this ticket's code */
	if (ticket_canonical(&t, &again) != 0)
		fz_fail("a valid ticket without a canonical form", NULL);
	own_code(again.data, again.len, &code2);
	for (const char *c = code; *c != '\0'; c++)
		if (!space(*c))
			buf_addc(&flat, *c);
	if (flat.len != code2.len || memcmp(flat.data, code2.data, flat.len) != 0)
		fz_fail("a valid code that is not the ticket's own code", NULL);
	buf_free(&flat);
	buf_free(&code2);
	buf_free(&again);
	ticket_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf code = BUF_INIT;
	char *s;

	if (keys == NULL)
		make_keys();
	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		s = fz_cstr(data + 1, size - 1);
		check(s, NULL, 0);
		free(s);
		return 0;
	}
	own_code(data + 1, size - 1, &code);
	check(code.data, data + 1, size - 1);
	buf_free(&code);
	return 0;
}
