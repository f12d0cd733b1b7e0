/* test_ticket.c — signed tickets: the canonical form and its golden bytes,
 * codes signed and verified, and every way to tamper with them. */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "buf.h"
#include "fmt.h"
#include "ticket.h"
#include "ticket_test.h"

static void
rtype_names_and_parse(void **state)
{
	(void)state;
	assert_string_equal(rtype_names[RT_ACCESS], "access");
	assert_string_equal(rtype_names[RT_BAN_DISTANCE_SELLING],
	    "ban_distance_selling");
	assert_string_equal(rtype_names[RT_ANONYMISATION], "anonymisation");
	for (int i = 0; i < RT__MAX; i++)
		assert_int_equal(rtype_parse(rtype_names[i]), i);
	assert_int_equal(rtype_parse("Access"), -1);
	assert_int_equal(rtype_parse(""), -1);
	assert_int_equal(rtype_parse(NULL), -1);
}

static void
text_hash(void **state)
{
	char h[65];

	(void)state;
	ticket_text_hash("", h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ticket_text_hash(NULL, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ticket_text_hash("abc", h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
canonical_golden(void **state)
{
	struct buf b = BUF_INIT;
	struct ticket t;

	(void)state;
	sample(&t);
	assert_int_equal(ticket_canonical(&t, &b), 0);
	{
		/* the text hash, computed here independently */
		unsigned char h[crypto_hash_sha256_BYTES];
		const char *text = "Osoitteeni on väärin.";
		char hex[65], want[1024];

		crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(want, sizeof(want),
		    "REKISTERI-TICKET 1\n"
		    "number: TS-2026-000042\n"
		    "received: 2026-11-25T16:46:09Z\n"
		    "types: access,rectification,ban_direct_marketing\n"
		    "name: Matti Meik\xc3\xa4l\xc3\xa4inen\n"
		    "organisation:\n"
		    "email: matti@example.fi\n"
		    "phone: +358 40 123 4567\n"
		    "address: Esimerkkitie 1 A 2, 00100 Helsinki\n"
		    "customer:\n"
		    "text-sha256: %s\n"
		    "key-id: 0123456789abcdef\n", hex);
		assert_string_equal(b.data, want);
	}
	/* appended, not replaced; every type in enum order */
	t.types = (1u << RT__MAX) - 1;
	assert_int_equal(ticket_canonical(&t, &b), 0);
	assert_non_null(strstr(b.data, "types: access,rectification,erasure,"
	    "restriction,objection,portability,ban_advertising,"
	    "ban_distance_selling,ban_direct_marketing,ban_research,"
	    "ban_publication,ban_disclosure,anonymisation\n"));
	assert_memory_equal(b.data, "REKISTERI-TICKET 1\nnumber:", 26);
	assert_non_null(strstr(b.data + 1, "REKISTERI-TICKET 1\n"));
	ticket_free(&t);
	assert_null(t.name);
	ticket_free(&t);	/* twice is harmless */
	buf_free(&b);
}

/* The golden bytes, whole: what docs/ticket-format.md shows. */
static void
canonical_golden_exact(void **state)
{
	struct buf b = BUF_INIT;
	struct ticket t;

	(void)state;
	memset(&t, 0, sizeof(t));
	snprintf(t.number, sizeof(t.number), "TS-2026-000042");
	snprintf(t.received, sizeof(t.received), "2026-11-25T16:46:09Z");
	t.types = 1u << RT_ACCESS | 1u << RT_ERASURE;
	t.name = "Maija Mallikas";
	t.email = "maija@example.fi";
	ticket_text_hash("", t.text_sha256);
	snprintf(t.key_id, sizeof(t.key_id), "5d1b7a34c0e2f981");
	assert_int_equal(ticket_canonical(&t, &b), 0);
	assert_string_equal(b.data,
	    "REKISTERI-TICKET 1\n"
	    "number: TS-2026-000042\n"
	    "received: 2026-11-25T16:46:09Z\n"
	    "types: access,erasure\n"
	    "name: Maija Mallikas\n"
	    "organisation:\n"
	    "email: maija@example.fi\n"
	    "phone:\n"
	    "address:\n"
	    "customer:\n"
	    "text-sha256: e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855\n"
	    "key-id: 5d1b7a34c0e2f981\n");
	buf_free(&b);
}

/* ticket_canonical on t with one change; returns its result. */
static int
canon(const struct ticket *t)
{
	struct buf b = BUF_INIT;
	int rc = ticket_canonical(t, &b);

	assert_true(rc == 0 || b.len == 0);	/* nothing appended on failure */
	buf_free(&b);
	return rc;
}

static void
canonical_refuses_bad_fields(void **state)
{
	static const char *const bad_numbers[] = {
		"", "TS-2026-42", "TS-2026-0000042", "ts-2026-000042",
		"TS-202X-000042", "TS 2026 000042", "TS-2026-00004 ",
		"XTS-2026-00004"
	};
	static const char *const bad_received[] = {
		"", "2026-11-25T16:46:09", "2026-11-25 16:46:09Z",
		"2026-02-30T12:00:00Z", "2026-11-25T24:00:00Z",
		"2026-11-25T23:60:00Z", "2026-11-25T23:59:60Z",
		"2026-11-25T16:46:09+02", "26-11-25T16:46:09Z",
		"2026-11-25T16:46:0xZ", "2026-13-01T00:00:00Z"
	};
	static const char *const bad_text[] = {
		"line\nbreak", "carriage\rreturn", "tab\there", "del\x7f",
		"bell\a", "c1 \xc2\x85 next line", "c1 \xc2\x9b csi",
		"line sep \xe2\x80\xa8", "para sep \xe2\x80\xa9",
		"invalid \xff", "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
		"cut \xc3", "past U+10FFFF \xf4\x90\x80\x80"
	};
	struct ticket t;
	char *saved;

	(void)state;
	sample(&t);
	assert_int_equal(canon(&t), 0);
	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
		snprintf(t.number, sizeof(t.number), "%s", bad_numbers[i]);
		assert_int_equal(canon(&t), -1);
	}
	snprintf(t.number, sizeof(t.number), "TS-2026-000042");
	for (size_t i = 0; i < sizeof(bad_received) / sizeof(bad_received[0]);
	    i++) {
		snprintf(t.received, sizeof(t.received), "%s", bad_received[i]);
		assert_int_equal(canon(&t), -1);
	}
	snprintf(t.received, sizeof(t.received), "2028-02-29T23:59:59Z");
	assert_int_equal(canon(&t), 0);
	snprintf(t.received, sizeof(t.received), "2100-02-29T00:00:00Z");
	assert_int_equal(canon(&t), -1);
	snprintf(t.received, sizeof(t.received), "2026-11-25T16:46:09Z");
	/* a fixed field without its NUL */
	memset(t.number, 'T', sizeof(t.number));
	assert_int_equal(canon(&t), -1);
	snprintf(t.number, sizeof(t.number), "TS-2026-000042");

	saved = t.name;
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		t.name = (char *)bad_text[i];
		assert_int_equal(canon(&t), -1);
	}
	t.name = "Zoë 李 🙂 — ok";
	assert_int_equal(canon(&t), 0);
	free(t.address);
	t.address = (char *)bad_text[0];
	assert_int_equal(canon(&t), -1);
	t.address = NULL;
	assert_int_equal(canon(&t), 0);
	/* too long for one QR code */
	{
		char *big = malloc(TICKET_CANONICAL_MAX + 1);

		assert_non_null(big);
		memset(big, 'a', TICKET_CANONICAL_MAX);
		big[TICKET_CANONICAL_MAX] = '\0';
		t.name = big;
		assert_int_equal(canon(&t), -1);
		big[1500] = '\0';
		assert_int_equal(canon(&t), 0);
		free(big);
	}
	t.name = saved;

	t.types = 0;
	assert_int_equal(canon(&t), -1);
	t.types = 1u << RT__MAX;
	assert_int_equal(canon(&t), -1);
	t.types = 1u << RT_ACCESS | 1u << 31;
	assert_int_equal(canon(&t), -1);
	t.types = 1u << RT_ANONYMISATION;
	assert_int_equal(canon(&t), 0);

	snprintf(t.text_sha256, sizeof(t.text_sha256), "%064d", 0);
	assert_int_equal(canon(&t), 0);
	t.text_sha256[0] = 'A';
	assert_int_equal(canon(&t), -1);
	snprintf(t.text_sha256, sizeof(t.text_sha256), "abc");
	assert_int_equal(canon(&t), -1);
	ticket_text_hash("", t.text_sha256);

	snprintf(t.key_id, sizeof(t.key_id), "0123456789ABCDEF");
	assert_int_equal(canon(&t), -1);
	snprintf(t.key_id, sizeof(t.key_id), "0123456789abcde");
	assert_int_equal(canon(&t), -1);
	snprintf(t.key_id, sizeof(t.key_id), "%s", "");
	assert_int_equal(canon(&t), -1);
	snprintf(t.key_id, sizeof(t.key_id), "0123456789abcdef");
	assert_int_equal(canon(&t), 0);
	assert_int_equal(ticket_canonical(NULL, &(struct buf)BUF_INIT), -1);
	ticket_free(&t);
}

static void
assert_code_charset(const char *code)
{
	for (const char *p = code; *p != '\0'; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_.", *p));
}

static void
sign_and_verify(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k, *pub;
	struct buf code = BUF_INIT;
	struct ticket t, v;
	const char *why = "unset";
	char id[17];

	k = first_key(f->dir, id);
	assert_string_equal(ticket_keys_current(k), id);
	sample(&t);
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	assert_string_equal(t.key_id, id);	/* set by signing */
	assert_code_charset(code.data);
	assert_memory_equal(code.data, "RK1.", 4);
	assert_true(code.len < 2953);

	/* verifying needs only the public keys */
	pub = ticket_keys_load(f->dir, 0, err, sizeof(err));
	assert_non_null(pub);
	assert_string_equal(ticket_keys_current(pub), id);
	assert_int_equal(ticket_verify(pub, code.data, &v, &why), 0);
	assert_null(why);
	assert_string_equal(v.number, "TS-2026-000042");
	assert_string_equal(v.received, "2026-11-25T16:46:09Z");
	assert_int_equal(v.types, t.types);
	assert_string_equal(v.name, "Matti Meikäläinen");
	assert_string_equal(v.organisation, "");
	assert_string_equal(v.email, "matti@example.fi");
	assert_string_equal(v.phone, "+358 40 123 4567");
	assert_string_equal(v.address, "Esimerkkitie 1 A 2, 00100 Helsinki");
	assert_string_equal(v.customer_number, "");
	assert_string_equal(v.text_sha256, t.text_sha256);
	assert_string_equal(v.key_id, id);
	ticket_free(&v);

	/* white space a scanner adds around the code */
	{
		struct buf padded = BUF_INIT;

		buf_addf(&padded, " \t\r\n%s\r\n \n", code.data);
		assert_int_equal(ticket_verify(pub, padded.data, &v, &why), 0);
		ticket_free(&v);
		/* and the line breaks of a copy from the printed ticket */
		buf_reset(&padded);
		for (size_t i = 0; i < code.len; i += 97)
			buf_addf(&padded, "%.97s%s", code.data + i,
			    i % 2 ? "\r\n" : " \n");
		assert_non_null(strchr(padded.data + 1, '\n'));
		assert_int_equal(ticket_verify(pub, padded.data, &v, &why), 0);
		assert_string_equal(v.number, "TS-2026-000042");
		ticket_free(&v);
		buf_free(&padded);
	}
	/* a public-only set cannot sign */
	buf_reset(&code);
	assert_int_equal(ticket_sign(pub, &t, &code), -1);
	assert_int_equal(code.len, 0);
	/* nor can a bad field be signed */
	snprintf(t.number, sizeof(t.number), "TS-26-1");
	assert_int_equal(ticket_sign(k, &t, &code), -1);
	assert_int_equal(code.len, 0);

	/* errors, not invalid codes */
	assert_int_equal(ticket_verify(NULL, "RK1.x.y", &v, &why), -1);
	assert_int_equal(ticket_verify(pub, "RK1.x.y", NULL, &why), -1);
	ticket_free(&t);
	buf_free(&code);
	ticket_keys_free(pub);
	ticket_keys_free(k);
}

static void
every_byte_flipped_is_refused(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k;
	struct buf code = BUF_INIT;
	struct ticket t, v;
	const char *why;
	size_t tried = 0;
	char id[17], *c;

	k = first_key(f->dir, id);
	sample(&t);
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	c = xstrdup(code.data);
	for (size_t i = 0; i < code.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			char was = c[i];

			c[i] = (char)(c[i] ^ (1 << bit));
			/* white space at either end is not a change */
			if ((i == 0 || i == code.len - 1) && strchr(" \t\r\n",
			    c[i]) != NULL && c[i] != '\0') {
				c[i] = was;
				continue;
			}
			why = NULL;
			if (ticket_verify(k, c, &v, &why) != 1) {
				fprintf(stderr, "accepted with byte %zu bit %d "
				    "flipped (len %zu): %s\n", i, bit, code.len, c);
				fail();
			}
			assert_non_null(why);
			assert_null(v.name);	/* nothing left to free */
			tried++;
			c[i] = was;
		}
	}
	assert_true(tried > code.len * 7);
	assert_int_equal(ticket_verify(k, c, &v, &why), 0);
	ticket_free(&v);

	/* a changed signature is a bad signature, a changed body too */
	{
		char *dot = strrchr(c, '.');

		dot[5] = dot[5] == 'A' ? 'B' : 'A';
		assert_int_equal(ticket_verify(k, c, &v, &why), 1);
		assert_string_equal(why, "ticket.invalid.signature");
		dot[5] = code.data[dot + 5 - c];
	}
	free(c);

	/*
	 * libsodium 1.0.18 decodes 0xdf as '_': a code must hold only its own
	 * characters. Sign until a code has a '_' (each has ~9 in 580).
	 */
	for (int n = 0; strchr(code.data, '_') == NULL && n < 100; n++) {
		snprintf(t.number, sizeof(t.number), "TS-2026-%06d", n);
		buf_reset(&code);
		assert_int_equal(ticket_sign(k, &t, &code), 0);
	}
	assert_non_null(c = strchr(code.data, '_'));
	*c = (char)0xdf;
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	assert_string_equal(why, "ticket.invalid.format");
	*c = '_';
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 0);
	ticket_free(&v);
	ticket_free(&t);
	buf_free(&code);
	ticket_keys_free(k);
}

/*
 * Sign msg with dir's secret key read straight from its file, as code;
 * so the tests can sign what ticket_sign never would.
 */
static void
sign_raw(const char *dir, const char *msg, struct buf *code)
{
	unsigned char seed[32], pk[32], sk[64], sig[64];
	char path[256], *text, *p, b64[4096];
	size_t len, n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/secret.key", dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	text = calloc(1, 4096);
	assert_non_null(text);
	len = fread(text, 1, 4095, fp);
	fclose(fp);
	assert_true(len > 0);
	p = strstr(text, "\nseed: ");
	assert_non_null(p);
	assert_int_equal(sodium_hex2bin(seed, sizeof(seed), p + 7, 64, NULL, &n,
	    NULL), 0);
	assert_int_equal(n, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg),
	    sk);
	buf_reset(code);
	buf_adds(code, "RK1.");
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)msg,
	    strlen(msg), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_adds(code, b64);
	buf_addc(code, '.');
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_adds(code, b64);
	free(text);
}

static void
strict_parse_of_signed_bytes(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k;
	struct buf code = BUF_INIT, canon_b = BUF_INIT, m = BUF_INIT;
	struct ticket t, v;
	const char *why;
	char id[17];
	/* each replaces one piece of the good canonical form */
	static const char *const swaps[][2] = {
		{ "types: access,rectification", "types: rectification,access" },
		{ "types: access,", "types: access,access," },
		{ "types: access,", "types: Access," },
		{ "types: access,", "types: access,," },
		{ "organisation:\n", "organisation: \n" },
		{ "organisation:\n", "" },
		{ "name: ", "name:" },
		{ "name: ", "name:\t" },
		{ "email: ", "email: \xc2\x85" },
		{ "Helsinki\n", "Helsinki\r\n" },
		{ "name: ", "Name: " },
		{ "REKISTERI-TICKET 1", "REKISTERI-TICKET 2" },
		{ "REKISTERI-TICKET 1\n", "REKISTERI-TICKET 1\r\n" },
		{ "number: TS", "number: ts" },
		{ "\nkey-id", "\nextra: x\nkey-id" },
		{ "phone:", "email:" },
	};

	k = first_key(f->dir, id);
	sample(&t);
	snprintf(t.key_id, sizeof(t.key_id), "%s", id);
	assert_int_equal(ticket_canonical(&t, &canon_b), 0);
	/* the canonical form signed by hand verifies: the control case */
	sign_raw(f->dir, canon_b.data, &code);
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 0);
	ticket_free(&v);
	for (size_t i = 0; i < sizeof(swaps) / sizeof(swaps[0]); i++) {
		char *at = strstr(canon_b.data, swaps[i][0]);

		assert_non_null(at);
		buf_reset(&m);
		buf_add(&m, canon_b.data, (size_t)(at - canon_b.data));
		buf_adds(&m, swaps[i][1]);
		buf_adds(&m, at + strlen(swaps[i][0]));
		sign_raw(f->dir, m.data, &code);
		if (ticket_verify(k, code.data, &v, &why) != 1)
			fprintf(stderr, "accepted: %s\n", m.data);
		assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
		assert_string_equal(why, "ticket.invalid.format");
	}
	/* trailing bytes, a missing last line end, a NUL inside */
	buf_reset(&m);
	buf_addf(&m, "%sx", canon_b.data);
	sign_raw(f->dir, m.data, &code);
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	buf_reset(&m);
	buf_add(&m, canon_b.data, canon_b.len - 1);
	sign_raw(f->dir, m.data, &code);
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	assert_string_equal(why, "ticket.invalid.format");
	ticket_free(&t);
	buf_free(&code);
	buf_free(&canon_b);
	buf_free(&m);
	ticket_keys_free(k);
}

static void
garbage_codes(void **state)
{
	struct fixture *f = *state;
	static const char *const junk[] = {
		"", " ", "RK1", "RK1.", "RK1..", "RK1.A.A", "rk1.AAAA.AAAA",
		"RK2.AAAA.AAAA", "RK1.AAAA", "RK1.AAAA.AAAA.AAAA",
		"RK1.====.====", "RK1.AA AA.AAAA", "RK1.\xff\xfe.AAAA",
		"https://example.fi/request/verify?code=RK1.AAAA.AAAA",
		"RK1.UkVLSVNURVJJLVRJQ0tFVCAxCg." /* no signature */
	};
	struct ticket_keys *k;
	struct buf code = BUF_INIT;
	struct ticket t, v;
	const char *why;
	char id[17], *big;

	k = first_key(f->dir, id);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		why = NULL;
		assert_int_equal(ticket_verify(k, junk[i], &v, &why), 1);
		assert_string_equal(why, "ticket.invalid.format");
	}
	assert_int_equal(ticket_verify(k, NULL, &v, &why), 1);
	assert_int_equal(ticket_verify(k, "RK1.AAAA.AAAA", &v, NULL), 1);

	sample(&t);
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	/* a good code with more after it, or inside it */
	buf_adds(&code, "A");
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	code.data[--code.len] = '\0';
	buf_adds(&code, " x");
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	code.len -= 2;
	code.data[code.len] = '\0';
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 0);
	ticket_free(&v);
	/* the signature cut short, or one character longer */
	code.data[code.len - 1] = '\0';
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 1);
	assert_string_equal(why, "ticket.invalid.format");

	/* oversized: refused before decoding, even when white space pads a good code */
	big = malloc(TICKET_CODE_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', TICKET_CODE_MAX + 1);
	memcpy(big, "RK1.", 4);
	big[TICKET_CODE_MAX + 1] = '\0';
	assert_int_equal(ticket_verify(k, big, &v, &why), 1);
	assert_string_equal(why, "ticket.invalid.format");
	big[TICKET_CODE_MAX] = '\0';
	assert_int_equal(ticket_verify(k, big, &v, &why), 1);
	free(big);
	{
		struct buf pad = BUF_INIT;

		buf_reset(&code);
		assert_int_equal(ticket_sign(k, &t, &code), 0);
		buf_adds(&pad, code.data);
		while (pad.len < TICKET_CODE_MAX)
			buf_addc(&pad, ' ');
		assert_int_equal(ticket_verify(k, pad.data, &v, &why), 0);
		ticket_free(&v);
		buf_addc(&pad, '\n');
		assert_int_equal(ticket_verify(k, pad.data, &v, &why), 1);
		assert_string_equal(why, "ticket.invalid.format");
		buf_free(&pad);
	}
	ticket_free(&t);
	buf_free(&code);
	ticket_keys_free(k);
}
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rtype_names_and_parse),
		cmocka_unit_test(text_hash),
		cmocka_unit_test(canonical_golden),
		cmocka_unit_test(canonical_golden_exact),
		cmocka_unit_test(canonical_refuses_bad_fields),
		cmocka_unit_test_setup_teardown(sign_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(every_byte_flipped_is_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(strict_parse_of_signed_bytes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_codes, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	fmt_init();
	return cmocka_run_group_tests_name("ticket", tests, NULL, NULL);
}
