/* dsr_int.h — what the data-subject request module's files share (private to lib/dsr_*.c and their unit tests). */
#ifndef REKISTERI_DSR_INT_H
#define REKISTERI_DSR_INT_H

#include <sodium.h>

#include "dsr.h"

/* The form tokens' secret, read by dsr_prepare. */
extern unsigned char dsr_secret[crypto_auth_KEYBYTES];

/* The writers' lock across processes (dsr_prepare's lock file); no-ops without one. */
void	 dsr_writer_lock(void);
void	 dsr_writer_unlock(void);

/* Where a request comes from, for dsr_store_one. */
struct dsr_origin {
	const char	*form_id;	/* unique per request (the form token's id, or a fresh one) */
	const char	*client;	/* the public form's address, rate-limited; NULL: staff, no limit */
	int		 rate_limit;
	const char	*received;	/* the time of receipt (UTC); NULL: now */
	enum dsr_channel channel;
	enum lang	 lang;
	int		 mail;		/* the confirmation will be mailed */
};

/*
 * One request inside the caller's transaction, in a savepoint of its own
 * (dsr_store.c): the number of the received time's year, the ticket, the
 * row. A refusal or a failure takes back only this request's rows; out is
 * cleared unless RQ_STORED.
 */
enum dsr_result dsr_store_one(sqlite3 *, const struct ticket_keys *keys,
	    const struct dsr_form *f, const struct dsr_origin *o,
	    struct dsr_stored *out);

/* A new link token (hex into out) and its key in the database (dsr_link.c). */
void	 dsr_link_new(char out[DSR_LINK_HEX], unsigned char key[DSR_LINK_KEY]);
/* The database's key of a link token of either form: its length, 0 if none. */
size_t	 dsr_link_key(const char *token, unsigned char key[DSR_LINK_KEY]);

/* Whether s is exactly n lowercase hex digits. */
int	 dsr_is_hex(const char *s, size_t n);

#endif
