/* auth_totp.c — the second factor (TOTP through liboath): secrets sealed with a key outside the database, enrolment and replacement, codes used once, recovery codes hashed with argon2id. See auth.h. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "auth.h"
#include "auth_int.h"
#include "buf.h"
#include "db.h"
#include "db_cache.h"
#include "keyfile.h"
#include "log.h"

#define TOTP_SECRET	20	/* bytes: 160 bits, as RFC 4226 recommends */
#define TOTP_STEP	30

/*
 * Second-factor secrets are kept sealed (#18): XChaCha20-Poly1305 with a key
 * that lives in a file beside the ticket keys, never in the database, and
 * the account's id as associated data, so a sealed secret copied to another
 * account does not open. A sealed secret is BOX_VERSION, the nonce, then
 * the ciphertext with its tag. A 20-byte value is a plain secret from
 * before; it is still read, and rekisteri init seals it (totp_seal_all).
 */
#define BOX_VERSION	1
#define BOX_LEN		(1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + \
			    TOTP_SECRET + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define KEY_FILE	"totp.key"
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == KEYFILE_BYTES,
    "the second-factor key is a key file's size");

static unsigned char totp_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static int totp_key_loaded;

void
totp_key_set(const unsigned char *key)
{
	if (key == NULL) {
		sodium_memzero(totp_key, sizeof(totp_key));
		totp_key_loaded = 0;
		return;
	}
	memcpy(totp_key, key, sizeof(totp_key));
	totp_key_loaded = 1;
}

int
totp_key_load(const char *dir, char *err, size_t errlen)
{
	unsigned char key[sizeof(totp_key)];
	int rc;

	rc = keyfile_load(dir, KEY_FILE, "the second-factor key", key, err,
	    errlen);
	if (rc == 1)
		snprintf(err, errlen, "%s/" KEY_FILE ": no key for second-factor "
		    "secrets: run rekisteri init", dir);
	if (rc == 0)
		totp_key_set(key);
	sodium_memzero(key, sizeof(key));
	return rc == 0 ? 0 : -1;
}

int
totp_key_make(const char *dir, char *err, size_t errlen)
{
	return keyfile_make(dir, KEY_FILE, "the second-factor key", err, errlen);
}

/* The associated data of an account's sealed secret. */
static size_t
box_ad(sqlite3_int64 uid, char ad[48])
{
	return (size_t)snprintf(ad, 48, "rekisteri totp %lld", (long long)uid);
}

/* Seal secret for account uid into box. 0, or -1 (no key: logged). */
static int
box_seal(sqlite3_int64 uid, const unsigned char secret[TOTP_SECRET],
    unsigned char box[BOX_LEN])
{
	unsigned char *nonce = box + 1;
	char ad[48];
	size_t adlen = box_ad(uid, ad);

	if (!totp_key_loaded) {
		LOG_ERR("no key for second-factor secrets (totp_key_load)");
		return -1;
	}
	box[0] = BOX_VERSION;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + 1 +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, secret,
	    TOTP_SECRET, (const unsigned char *)ad, adlen, NULL, nonce,
	    totp_key);
	return 0;
}

/*
 * A stored secret (sealed, or plain from before) of account uid into
 * secret. 0, or -1 (logged: no key, a box that does not open, a value
 * that is neither).
 */
static int
box_open(sqlite3_int64 uid, const unsigned char *v, size_t len,
    unsigned char secret[TOTP_SECRET])
{
	char ad[48];
	size_t adlen = box_ad(uid, ad);

	if (len == TOTP_SECRET) {
		memcpy(secret, v, TOTP_SECRET);
		return 0;
	}
	if (len != BOX_LEN || v[0] != BOX_VERSION) {
		LOG_ERR("user %lld: a second-factor secret of an unknown form",
		    (long long)uid);
		return -1;
	}
	if (!totp_key_loaded) {
		LOG_ERR("no key for second-factor secrets (totp_key_load)");
		return -1;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(secret, NULL, NULL,
	    v + 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    BOX_LEN - 1 - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    (const unsigned char *)ad, adlen, v + 1, totp_key) != 0) {
		LOG_ERR("user %lld: the second-factor secret does not open with "
		    "this key", (long long)uid);
		return -1;
	}
	return 0;
}

/* Column i of st, an account's stored secret, into secret: 1, 0 when NULL, -1 on error. */
static int
secret_col(sqlite3_stmt *st, int i, sqlite3_int64 uid,
    unsigned char secret[TOTP_SECRET])
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	return box_open(uid, sqlite3_column_blob(st, i),
	    (size_t)sqlite3_column_bytes(st, i), secret) == 0 ? 1 : -1;
}

int
totp_seal_all(sqlite3 *db)
{
	unsigned char sec[TOTP_SECRET], pend[TOTP_SECRET];
	unsigned char box_s[BOX_LEN], box_p[BOX_LEN];
	sqlite3_stmt *st, *up = NULL;
	int n = 0, rc;

	if (db_begin(db) != 0)
		return -1;
	if ((st = auth_prep(db, A_TOTP_PLAIN)) == NULL ||
	    (up = auth_prep(db, A_TOTP_SEAL)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 uid = sqlite3_column_int64(st, 0);
		int hs = secret_col(st, 1, uid, sec);
		int hp = secret_col(st, 2, uid, pend);

		if (hs < 0 || hp < 0 || (hs && box_seal(uid, sec, box_s) != 0) ||
		    (hp && box_seal(uid, pend, box_p) != 0))
			goto fail;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, uid);
		if (hs)
			sqlite3_bind_blob(up, 2, box_s, BOX_LEN, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 2);
		if (hp)
			sqlite3_bind_blob(up, 3, box_p, BOX_LEN, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 3);
		if (sqlite3_step(up) != SQLITE_DONE) {
			LOG_ERR("%s", sqlite3_errmsg(db));
			goto fail;
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	db_release(st);
	db_release(up);
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(pend, sizeof(pend));
	return db_commit(db) == 0 ? n : -1;
fail:
	db_release(st);
	db_release(up);
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(pend, sizeof(pend));
	db_rollback(db);
	return -1;
}

int
totp_begin(sqlite3 *db, const struct user *u, char *uri, size_t urilen,
    char *b32, size_t b32len)
{
	unsigned char secret[TOTP_SECRET], box[BOX_LEN];
	char *enc = NULL;
	size_t enclen;
	sqlite3_stmt *st;
	int rc = -1;

	randombytes_buf(secret, sizeof(secret));
	if (box_seal(u->id, secret, box) != 0 ||
	    oath_base32_encode((const char *)secret, sizeof(secret), &enc,
	    &enclen) != OATH_OK)
		goto out;
	/* base32 without its '=' padding, as authenticator apps expect */
	while (enclen > 0 && enc[enclen - 1] == '=')
		enc[--enclen] = '\0';
	snprintf(b32, b32len, "%s", enc);
	snprintf(uri, urilen, "otpauth://totp/Rekisteri:%s?secret=%s&issuer="
	    "Rekisteri&algorithm=SHA1&digits=6&period=%d", u->username, enc,
	    TOTP_STEP);
	if ((st = auth_prep(db, A_TOTP_PENDING_SET)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, u->id);
	sqlite3_bind_blob(st, 2, box, sizeof(box), SQLITE_TRANSIENT);
	rc = auth_done(db, st);
out:
	sodium_memzero(secret, sizeof(secret));
	if (enc != NULL)
		sodium_memzero(enc, strlen(enc));
	free(enc);
	return rc;
}

/* A code as typed: 6 digits, spaces ignored. 0 or -1. */
static int
digits6(const char *in, char out[7])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (*in < '0' || *in > '9' || n == 6)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return n == 6 ? 0 : -1;
}

/*
 * Validate code against secret at now with one step either way; the step
 * it matched must be after last (each code once). The matched step, or -1.
 */
static long long
totp_step(const unsigned char *secret, size_t len, const char *code,
    time_t now, long long last)
{
	char six[7];
	int pos = 0;
	long long step;

	if (digits6(code, six) != 0)
		return -1;
	if (oath_totp_validate2((const char *)secret, len, now, TOTP_STEP, 0, 1,
	    &pos, six) < 0)
		return -1;
	step = (long long)(now / TOTP_STEP) + pos;
	return step > last ? step : -1;
}

/*
 * Recovery codes (#18): 16 letters and digits from an alphabet without
 * look-alikes (31 symbols, about 79 bits), shown as four groups of four.
 * Each is kept as an argon2id string (crypto_pwhash_str, salted). Its cost
 * is set lower than a password's: with 79 bits no guessing gets anywhere
 * whatever the cost, while a check may have to try each of ten codes.
 */
static const char recovery_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
#define RECOVERY_CHARS	16
#define RECOVERY_OPS	crypto_pwhash_OPSLIMIT_INTERACTIVE
#define RECOVERY_MEM	((size_t)1 << 20)

/*
 * A recovery code as typed (any case, dashes and spaces anywhere) into its
 * canonical form "abcd-efgh-jkmn-pqrs". 0, or -1 when it is not one.
 */
static int
recovery_canon(const char *in, char out[TOTP_CODE_MAX])
{
	size_t n = 0, o = 0;

	for (; *in != '\0'; in++) {
		char c = (char)tolower((unsigned char)*in);

		if (c == '-' || c == ' ')
			continue;
		if (n == RECOVERY_CHARS || strchr(recovery_alphabet, c) == NULL)
			return -1;
		if (n > 0 && n % 4 == 0)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	return n == RECOVERY_CHARS ? 0 : -1;
}

int
totp_is_recovery(const char *code)
{
	char canon[TOTP_CODE_MAX];

	return recovery_canon(code, canon) == 0;
}

int
totp_confirm(sqlite3 *db, sqlite3_int64 uid, const char *code, time_t now,
    char codes[TOTP_RECOVERY][TOTP_CODE_MAX])
{
	unsigned char secret[TOTP_SECRET];
	char hash[crypto_pwhash_STRBYTES], raw[RECOVERY_CHARS + 1];
	long long step;
	sqlite3_stmt *st;
	int rc = 1, have = 0;

	if ((st = auth_prep(db, A_TOTP_PENDING_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uid);
	if (sqlite3_step(st) == SQLITE_ROW)
		have = secret_col(st, 0, uid, secret);
	db_release(st);
	if (have < 0)
		return -1;
	if (have == 0 || (step = totp_step(secret, sizeof(secret), code, now,
	    0)) < 0)
		goto out;
	rc = -1;
	if ((st = auth_prep(db, A_TOTP_ENROL)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_int64(st, 2, step);
	if (auth_done(db, st) != 0)
		goto out;
	if ((st = auth_prep(db, A_RECOVERY_CLEAR)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, uid);
	if (auth_done(db, st) != 0)
		goto out;
	for (int i = 0; i < TOTP_RECOVERY; i++) {
		for (int j = 0; j < RECOVERY_CHARS; j++)
			raw[j] = recovery_alphabet[randombytes_uniform(
			    sizeof(recovery_alphabet) - 1)];
		raw[RECOVERY_CHARS] = '\0';
		(void)recovery_canon(raw, codes[i]);
		if (crypto_pwhash_str(hash, codes[i], strlen(codes[i]),
		    RECOVERY_OPS, RECOVERY_MEM) != 0 ||
		    (st = auth_prep(db, A_RECOVERY_ADD)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, uid);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
		if (auth_done(db, st) != 0)
			goto out;
	}
	rc = 0;
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

/* An unused recovery code of uid equal to canon, used up now: 1, 0 none, -1 error. */
static int
recovery_use(sqlite3 *db, sqlite3_int64 uid, const char *canon)
{
	sqlite3_stmt *st;
	sqlite3_int64 hit = 0;
	int rc;

	if ((st = auth_prep(db, A_RECOVERY_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 1);

		if (h != NULL && crypto_pwhash_str_verify(h, canon,
		    strlen(canon)) == 0) {
			hit = sqlite3_column_int64(st, 0);
			break;
		}
	}
	db_release(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (hit == 0)
		return 0;
	if ((st = auth_prep(db, A_RECOVERY_USE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, hit);
	if (auth_done(db, st) != 0)
		return -1;
	return sqlite3_changes(db) == 1;
}

int
totp_check(sqlite3 *db, sqlite3_int64 uid, const char *code, time_t now)
{
	unsigned char secret[TOTP_SECRET];
	char canon[TOTP_CODE_MAX];
	long long last = 0, step;
	sqlite3_stmt *st;
	int rc = 0, have = 0;

	if (recovery_canon(code, canon) == 0)
		return recovery_use(db, uid, canon);	/* each once */
	if ((st = auth_prep(db, A_TOTP_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = secret_col(st, 0, uid, secret);
		last = sqlite3_column_int64(st, 1);
	}
	db_release(st);
	if (have < 0)
		return -1;
	if (have && (step = totp_step(secret, sizeof(secret), code, now,
	    last)) >= 0) {
		rc = -1;
		if ((st = auth_prep(db, A_TOTP_STEP)) != NULL) {
			sqlite3_bind_int64(st, 1, uid);
			sqlite3_bind_int64(st, 2, step);
			rc = auth_done(db, st) == 0 ? 1 : -1;
		}
	}
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

int
totp_reset(sqlite3 *db, sqlite3_int64 uid)
{
	sqlite3_stmt *st;

	if ((st = auth_prep(db, A_TOTP_RESET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uid);
	if (auth_done(db, st) != 0)
		return -1;
	if ((st = auth_prep(db, A_RECOVERY_CLEAR)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uid);
	return auth_done(db, st);
}

