/* ticket.h — signed request tickets: the canonical form, the register's Ed25519 keys (libsodium), signing and verifying codes (docs/ticket-format.md). */
#ifndef REKISTERI_TICKET_H
#define REKISTERI_TICKET_H

#include <stddef.h>

#include "buf.h"

/* What a data subject may ask for, in the notice's order. */
enum rtype {
	RT_ACCESS,		/* tarkastus */
	RT_RECTIFICATION,	/* korjaus */
	RT_ERASURE,		/* poisto / unohdetuksi tuleminen */
	RT_RESTRICTION,		/* rajoittaminen */
	RT_OBJECTION,		/* vastustaminen */
	RT_PORTABILITY,		/* siirto */
	RT_BAN_ADVERTISING,	/* kielto: suoramainonta */
	RT_BAN_DISTANCE_SELLING,	/* kielto: etämyynti */
	RT_BAN_DIRECT_MARKETING,	/* kielto: suoramarkkinointi */
	RT_BAN_RESEARCH,	/* kielto: markkina- ja mielipidetutkimus */
	RT_BAN_PUBLICATION,	/* kielto: julkaiseminen luettelossa */
	RT_BAN_DISCLOSURE,	/* kielto: luovuttaminen */
	RT_ANONYMISATION,	/* anonymisointi */
	RT__MAX
};

/* "access", "rectification", ..., "ban_advertising", ..., "anonymisation". */
extern const char *const rtype_names[RT__MAX];
/* The index of a name, or -1. */
int	 rtype_parse(const char *);

/*
 * A ticket's contents. Strings are single-line UTF-8 (no control
 * characters); empty for what was not given. Owned (ticket_free).
 */
struct ticket {
	char		 number[24];	/* "TS-2026-000042" */
	char		 received[24];	/* "2026-11-25T16:46:09Z", UTC */
	unsigned	 types;		/* 1u << enum rtype, at least one */
	char		*name;
	char		*organisation;
	char		*email;
	char		*phone;
	char		*address;
	char		*customer_number;
	char		 text_sha256[65];	/* hex SHA-256 of the free text ("" text too) */
	char		 key_id[17];	/* 16 hex: the signing key's id */
};

/* Sets every pointer to NULL: safe on a zeroed or already freed ticket. */
void	 ticket_free(struct ticket *);

/*
 * Bytes of a canonical form at most: a longer one is refused, so that a
 * whole code fits one QR code (2,953 bytes at level L).
 */
#define TICKET_CANONICAL_MAX	2048
/* Bytes of a code ticket_verify reads at most, white space included. */
#define TICKET_CODE_MAX		4096

/* Hex SHA-256 of text (libsodium) into out[65]. */
void	 ticket_text_hash(const char *text, char out[65]);

/*
 * The canonical form that is signed (docs/ticket-format.md), appended to
 * out. 0, or -1 when a field breaks the rules above.
 */
int	 ticket_canonical(const struct ticket *, struct buf *out);

/*
 * The register's keys in DIR (config [keys] dir): the current secret key
 * (mode 0600) and every public key ever made, so older tickets still verify.
 * DIR holds secret.key, current (the current id) and public/ID.pem, each
 * replaced atomically (docs/ticket-format.md, "The key folder").
 */
struct ticket_keys;

/*
 * Make the first key (rotate 0: refused when one exists) or a new current
 * key (rotate 1: the old public key is kept). DIR is created mode 0700.
 * id gets the new key's id. 0, or -1 with the reason in err.
 */
int	 ticket_keygen(const char *dir, int rotate, char id[17], char *err,
	    size_t errlen);

/*
 * Load DIR's keys; need_secret 0 loads only the public keys (verifying).
 * NULL with the reason in err (e.g. no key yet: run rekisteri keygen).
 */
struct ticket_keys *ticket_keys_load(const char *dir, int need_secret,
	    char *err, size_t errlen);
void	 ticket_keys_free(struct ticket_keys *);

/* The current key's id (16 hex), or "" when only public keys are loaded and none is current. */
const char *ticket_keys_current(const struct ticket_keys *);

/*
 * How many public keys are loaded, and the i-th one's id (NULL past the
 * end), oldest first by their files' times.
 */
size_t	 ticket_keys_count(const struct ticket_keys *);
const char *ticket_keys_id(const struct ticket_keys *, size_t i);

/*
 * The public key id (NULL: the current one) as PEM (SubjectPublicKeyInfo,
 * what openssl pkey -pubin reads), appended to out. 0, or -1 if unknown.
 */
int	 ticket_keys_pem(const struct ticket_keys *, const char *id,
	    struct buf *out);

/*
 * The key's fingerprint for people: SHA-256 of the DER public key in
 * hex, grouped by four ("1a2b 3c4d ..."), what
 * openssl pkey -pubin -outform DER | sha256sum shows ungrouped. 0 or -1
 * (unknown id, or len below TICKET_FINGERPRINT_LEN).
 */
#define TICKET_FINGERPRINT_LEN	80	/* 16 groups of 4 hex, 15 spaces, NUL */
int	 ticket_keys_fingerprint(const struct ticket_keys *, const char *id,
	    char *dst, size_t len);

/*
 * Sign t with the current secret key (t->key_id is set first): the ticket
 * code — the canonical form and its signature in one printable string
 * (letters, digits, '-', '_', '.'; fits a QR code) — appended to code.
 * 0, or -1 (no secret key loaded, bad field).
 */
int	 ticket_sign(const struct ticket_keys *, struct ticket *t,
	    struct buf *code);

/*
 * Check a ticket code (white space ignored: a scanner may add some around
 * it, a copy from the printed ticket has line breaks in it). 0: valid, t
 * filled (ticket_free it). 1: invalid, why gets a message key
 * (ticket.invalid.format, ticket.invalid.key — signed by a key this
 * register does not know, ticket.invalid.signature). -1: error (no
 * keys or no t). t is zeroed unless 0 is returned; why may be NULL. Safe on
 * any input: a code over TICKET_CODE_MAX bytes is refused unread.
 */
int	 ticket_verify(const struct ticket_keys *, const char *code,
	    struct ticket *t, const char **why);

#endif
