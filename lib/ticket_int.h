/* ticket_int.h — what the ticket files share (private to lib/ticket*.c): the loaded keys, looking one up, and the key id's rule. */
#ifndef REKISTERI_TICKET_INT_H
#define REKISTERI_TICKET_INT_H

#include <stddef.h>
#include <time.h>

#include <sodium.h>

#include "ticket.h"

#define TICKET_ID_LEN	16	/* hex digits of a key id */

struct pubkey {
	char		 id[TICKET_ID_LEN + 1];
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	struct timespec	 made;		/* the .pem file's modification time */
};

struct ticket_keys {
	struct pubkey	*v;		/* oldest first */
	size_t		 n;
	char		 current[TICKET_ID_LEN + 1];
	int		 has_secret;
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
};

/* Whether s is a key id: TICKET_ID_LEN lower-case hex digits (ticket.c). */
int		 ticket_key_id_ok(const char *s);
/*
 * The public key with the given id in k (NULL id: the current one), or
 * NULL when k is NULL or holds no such key. Points into k (ticket_keys.c).
 */
const struct pubkey *ticket_find_key(const struct ticket_keys *k,
		    const char *id);

#endif
