/* dsr_int.h — what the data-subject request module's files share (private to lib/dsr_*.c). */
#ifndef REKISTERI_DSR_INT_H
#define REKISTERI_DSR_INT_H

#include <sodium.h>

/* The form tokens' secret, read by dsr_prepare. */
extern unsigned char dsr_secret[crypto_auth_KEYBYTES];

/* The writers' lock across processes (dsr_prepare's lock file); no-ops without one. */
void	 dsr_writer_lock(void);
void	 dsr_writer_unlock(void);

/* Whether s is exactly n lowercase hex digits. */
int	 dsr_is_hex(const char *s, size_t n);

#endif
