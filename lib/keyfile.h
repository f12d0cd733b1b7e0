/* keyfile.h — a 32-byte secret key kept in its own file (64 hex digits and a newline, mode 0600, or 0640 for the intranet's own group) in the key folder: made once, read back checked. Used for the second-factor key (auth_totp.c) and the erasure key (forget_key.c). */
#ifndef REKISTERI_KEYFILE_H
#define REKISTERI_KEYFILE_H

#include <stddef.h>

#define KEYFILE_BYTES	32

/*
 * Make DIR/name with a new random key, unless it exists: written whole to
 * a temporary file, synced, then linked in, so no reader ever sees half a
 * key. what names the key in messages ("the erasure key"). 1 made, 0
 * there already (or made meanwhile by another process), -1 with err.
 */
int	 keyfile_make(const char *dir, const char *name, const char *what,
	    char *err, size_t errlen);

/*
 * Read DIR/name into key: a regular file no other user may read or change
 * (a group may read it, no group change it),
 * holding exactly 64 hex digits and a newline. 0; 1 when the file does not
 * exist (err says so); -1 with err. key is zeroed on failure.
 */
int	 keyfile_load(const char *dir, const char *name, const char *what,
	    unsigned char key[KEYFILE_BYTES], char *err, size_t errlen);

#endif
