/* backup.h — backups of the register: an online, consistent copy of the database (VACUUM INTO, so no free page keeps deleted data), optionally encrypted with libsodium's secretstream under a key file, and a restore that checks the whole file before it touches the live database (docs/retention.md "Backups"). */
#ifndef REKISTERI_BACKUP_H
#define REKISTERI_BACKUP_H

#include <stddef.h>
#include <sys/types.h>

#include <sodium.h>
#include <sqlite3.h>

#define BACKUP_KEYBYTES	crypto_secretstream_xchacha20poly1305_KEYBYTES
#define BACKUP_MAGIC	"RKBACKUP"	/* the encrypted file's first 8 bytes */
#define BACKUP_VERSION	1
#define BACKUP_CHUNK	65536		/* plaintext bytes per secretstream message */

/*
 * The key in the key file path: 64 hex digits (a newline may follow) or
 * exactly 32 raw bytes. A file that others than its owner may read is
 * refused. key is wiped on failure. 0, or -1 with a sentence in err.
 */
int	 backup_key_load(const char *path, unsigned char key[BACKUP_KEYBYTES],
	    char *err, size_t errlen);

/*
 * Write a consistent copy of the open database live (its file live_path)
 * to file, which must not exist, mode 0600, while others keep using it: a
 * plain SQLite file, or, with key, the encrypted format. The copy records
 * when it was taken (settings.backup_taken_at, UTC) into taken_at. A
 * plaintext work copy, when encrypting, lives beside live_path and is
 * removed. 0, or -1 with a sentence in err (file not left behind).
 */
int	 backup_make(sqlite3 *live, const char *live_path, const char *file,
	    const unsigned char *key, char taken_at[21], char *err,
	    size_t errlen);

/*
 * Check file before any restore: decrypt it whole with key (NULL: it must
 * be a plain SQLite file), refusing a wrong key, a damaged or truncated
 * file, into a private work copy beside live_path; then PRAGMA
 * integrity_check and a backup's own marks (settings.backup_taken_at).
 * On success the work copy's path is in work (the caller removes it) and
 * the backup's time in taken_at. 0, or -1 with a sentence in err (no work
 * copy left).
 */
int	 backup_check(const char *file, const unsigned char *key,
	    const char *live_path, char *work, size_t worklen,
	    char taken_at[21], char *err, size_t errlen);

/*
 * The id of another process that has the database at live_path open (it
 * holds the WAL-index's "DMS" read lock, https://sqlite.org/walformat.html
 * 2.3), 0 when none, -1 when that cannot be told.
 */
pid_t	 backup_db_user(const char *live_path);

/*
 * Replace the content of the live database with the checked work copy
 * through SQLite's backup API (the write lock held throughout: a
 * connection sees the old or the new database, never a mix), then
 * checkpoint. 0, or -1 with a sentence in err (the live database as it
 * was).
 */
int	 backup_restore(const char *live_path, const char *work, char *err,
	    size_t errlen);

#endif
