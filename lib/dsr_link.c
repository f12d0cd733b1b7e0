/* dsr_link.c — the links of a data-subject request's ticket page and email confirmation: their tokens, the keys the database keeps of them, and their expiry. See dsr.h. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"

/*
 * A new link token (dsr.h; hex into out) and its key in the database (into
 * key). The time comes first so that keys grow (#17): each new one goes at
 * the end of the token indexes, and a batch of tickets changes one leaf
 * page of each; random keys changed a leaf per ticket, written to the
 * WAL and to the database file again each (bench/README.md, "tickets").
 * Only the random bits are secret; the time is the ticket's own.
 */
void
dsr_link_new(char out[DSR_LINK_HEX], unsigned char key[DSR_LINK_KEY])
{
	unsigned char b[24];
	struct timespec ts;
	uint64_t us;

	clock_gettime(CLOCK_REALTIME, &ts);
	us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(us >> (56 - 8 * i));
	randombytes_buf(b + 8, 16);
	sodium_bin2hex(out, DSR_LINK_HEX, b, sizeof(b));
	memcpy(key, b, 8);
	crypto_hash_sha256(key + 8, (const unsigned char *)out, DSR_LINK_HEX - 1);
	sodium_memzero(b, sizeof(b));
}

/*
 * The database's key of a link token (dsr_link_new), or of one made before
 * December 2026 (32 hex digits, kept as their SHA-256): its length, or 0
 * when token is neither.
 */
size_t
dsr_link_key(const char *token, unsigned char key[DSR_LINK_KEY])
{
	if (token != NULL && dsr_is_hex(token, DSR_LINK_HEX - 1)) {
		if (sodium_hex2bin(key, 8, token, 16, NULL, NULL, NULL) != 0)
			return 0;
		crypto_hash_sha256(key + 8, (const unsigned char *)token,
		    DSR_LINK_HEX - 1);
		return DSR_LINK_KEY;
	}
	if (token != NULL && dsr_is_hex(token, DSR_LINK_OLD_HEX)) {
		crypto_hash_sha256(key, (const unsigned char *)token,
		    DSR_LINK_OLD_HEX);
		return crypto_hash_sha256_BYTES;
	}
	return 0;
}

int
dsr_link_expired(const char *received, time_t now, int days)
{
	time_t t;

	if (received == NULL || fmt_parse_utc(received, &t) != 0 || days < 0)
		return -1;
	return now - t >= (time_t)days * 86400 ? 1 : 0;
}
