/*
 * backup.c — see backup.h; the file format is in docs/retention.md
 * "Backups". The encrypted file is a fixed prefix (magic, version,
 * algorithm, chunk size, the time the backup was taken), the secretstream
 * header, then messages of BACKUP_CHUNK plaintext bytes each, the last one
 * tagged FINAL; every message carries the prefix as associated data, so
 * neither the time nor the format can be changed, a missing FINAL message
 * is a truncated file and bytes after it are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "backup.h"

#define PREFIX_LEN	36	/* magic 8, version 1, algorithm 1, 0 0, chunk 4, time 20 */
#define ALG_SECRETSTREAM 1	/* crypto_secretstream_xchacha20poly1305 */
#define HDR_LEN		crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define MSG_MAX		(BACKUP_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
#define KEYFILE_MAX	66	/* 64 hex digits and a newline, and one more to see the excess */

static void	 say(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
backup_key_load(const char *path, unsigned char key[BACKUP_KEYBYTES],
    char *err, size_t errlen)
{
	unsigned char raw[KEYFILE_MAX + 1];
	struct stat st;
	size_t n = 0, bin = 0;
	ssize_t r;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		say(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		say(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		say(err, errlen, "%s may be read by other users (mode %04o): "
		    "chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	while (n < sizeof(raw) && (r = read(fd, raw + n, sizeof(raw) - n)) > 0)
		n += (size_t)r;
	if (n == BACKUP_KEYBYTES) {
		memcpy(key, raw, BACKUP_KEYBYTES);
		rc = 0;
	} else if ((n == 64 || (n == 65 && raw[64] == '\n')) &&
	    sodium_hex2bin(key, BACKUP_KEYBYTES, (const char *)raw, 64, NULL,
	    &bin, NULL) == 0 && bin == BACKUP_KEYBYTES)
		rc = 0;
	else
		say(err, errlen, "%s: a key file holds 64 hex digits (or 32 "
		    "bytes); make one with: umask 077; openssl rand -hex 32 > %s",
		    path, path);
out:
	sodium_memzero(raw, sizeof(raw));
	if (rc != 0)
		sodium_memzero(key, BACKUP_KEYBYTES);
	close(fd);
	return rc;
}

/* A private, empty file beside live_path with suffix tag; its path into out. An open fd, or -1. */
static int
work_file(const char *live_path, const char *tag, char *out, size_t outlen)
{
	int fd;

	if ((size_t)snprintf(out, outlen, "%s.%s-XXXXXX", live_path, tag) >=
	    outlen)
		return -1;
	if ((fd = mkstemp(out)) < 0)
		return -1;
	fchmod(fd, 0600);
	return fd;
}

/* Run sql (no rows) on db. 0 or -1 with SQLite's message in err. */
static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	say(err, errlen, "%s", sqlite3_errmsg(db));
	return -1;
}

/*
 * The copy at path, just written by VACUUM INTO: make it self-contained
 * (no WAL) and record when it was taken. 0 or -1.
 */
static int
stamp(const char *path, const char *taken_at, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		say(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	if (exec(db, "PRAGMA journal_mode = DELETE", err, errlen) != 0)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO settings (name, value) VALUES"
	    " ('backup_taken_at', ?1) ON CONFLICT (name) DO UPDATE SET value ="
	    " excluded.value", -1, &st, NULL) != SQLITE_OK) {
		say(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, taken_at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		say(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}

/* The fixed prefix of an encrypted file (its associated data). */
static void
prefix_make(unsigned char p[PREFIX_LEN], const char taken_at[21])
{
	memcpy(p, BACKUP_MAGIC, 8);
	p[8] = BACKUP_VERSION;
	p[9] = ALG_SECRETSTREAM;
	p[10] = p[11] = 0;
	p[12] = (unsigned char)(BACKUP_CHUNK >> 24);
	p[13] = (unsigned char)(BACKUP_CHUNK >> 16);
	p[14] = (unsigned char)(BACKUP_CHUNK >> 8);
	p[15] = (unsigned char)BACKUP_CHUNK;
	memcpy(p + 16, taken_at, 20);
}

/* Encrypt the file at plain into the open fd out with key. 0 or -1. */
static int
encrypt_file(const char *plain, int out, const unsigned char *key,
    const char taken_at[21], char *err, size_t errlen)
{
	crypto_secretstream_xchacha20poly1305_state s;
	unsigned char prefix[PREFIX_LEN], hdr[HDR_LEN];
	unsigned char *in = NULL, *next = NULL, *ct = NULL;
	size_t n, m;
	FILE *f = NULL;
	int rc = -1;

	if ((f = fopen(plain, "rb")) == NULL ||
	    (in = malloc(BACKUP_CHUNK)) == NULL ||
	    (next = malloc(BACKUP_CHUNK)) == NULL ||
	    (ct = malloc(MSG_MAX)) == NULL) {
		say(err, errlen, "cannot read the copy: %s", strerror(errno));
		goto out;
	}
	prefix_make(prefix, taken_at);
	crypto_secretstream_xchacha20poly1305_init_push(&s, hdr, key);
	if (write(out, prefix, sizeof(prefix)) != (ssize_t)sizeof(prefix) ||
	    write(out, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
		goto werr;
	/* the key check: an empty first message, so a wrong key is told apart from damage */
	{
		unsigned long long clen;

		crypto_secretstream_xchacha20poly1305_push(&s, ct, &clen, NULL,
		    0, prefix, sizeof(prefix),
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
		if (write(out, ct, (size_t)clen) != (ssize_t)clen)
			goto werr;
	}
	n = fread(in, 1, BACKUP_CHUNK, f);
	for (;;) {
		unsigned long long clen;
		unsigned char tag;
		unsigned char *t;

		m = n == BACKUP_CHUNK ? fread(next, 1, BACKUP_CHUNK, f) : 0;
		if (ferror(f)) {
			say(err, errlen, "cannot read the copy");
			goto out;
		}
		tag = m == 0 ? crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		crypto_secretstream_xchacha20poly1305_push(&s, ct, &clen, in, n,
		    prefix, sizeof(prefix), tag);
		if (write(out, ct, (size_t)clen) != (ssize_t)clen)
			goto werr;
		if (m == 0)
			break;
		t = in, in = next, next = t;
		n = m;
	}
	if (fsync(out) != 0)
		goto werr;
	rc = 0;
	goto out;
werr:
	say(err, errlen, "cannot write the backup: %s", strerror(errno));
out:
	if (in != NULL)
		sodium_memzero(in, BACKUP_CHUNK);
	if (next != NULL)
		sodium_memzero(next, BACKUP_CHUNK);
	free(in);
	free(next);
	free(ct);
	sodium_memzero(&s, sizeof(s));
	if (f != NULL)
		fclose(f);
	return rc;
}

/* VACUUM INTO path (an empty file) from live. 0 or -1. */
static int
vacuum_into(sqlite3 *live, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(live, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
out:
	if (rc != 0)
		say(err, errlen, "the copy failed: %s", sqlite3_errmsg(live));
	sqlite3_finalize(st);
	return rc;
}

int
backup_make(sqlite3 *live, const char *live_path, const char *file,
    const unsigned char *key, char taken_at[21], char *err, size_t errlen)
{
	char work[4096], at[21];
	struct tm tm;
	time_t now = time(NULL);
	int out = -1, wfd = -1, rc = -1;

	work[0] = '\0';
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm) != 20) {
		say(err, errlen, "cannot read the clock");
		return -1;
	}
	/* the backup file: new, private from the start */
	if ((out = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		say(err, errlen, "%s: %s", file, errno == EEXIST ?
		    "exists (a backup never overwrites a file)" : strerror(errno));
		return -1;
	}
	fchmod(out, 0600);
	if (key == NULL) {
		if (vacuum_into(live, file, err, errlen) != 0 ||
		    stamp(file, at, err, errlen) != 0)
			goto out;
		if (fsync(out) != 0) {
			say(err, errlen, "%s: %s", file, strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	if ((wfd = work_file(live_path, "backup", work, sizeof(work))) < 0) {
		say(err, errlen, "cannot make a work copy beside %s: %s",
		    live_path, strerror(errno));
		work[0] = '\0';
		goto out;
	}
	if (vacuum_into(live, work, err, errlen) != 0 ||
	    stamp(work, at, err, errlen) != 0 ||
	    encrypt_file(work, out, key, at, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	if (wfd >= 0)
		close(wfd);
	if (work[0] != '\0')
		unlink(work);
	if (close(out) != 0 && rc == 0) {
		say(err, errlen, "%s: %s", file, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(file);
	else
		memcpy(taken_at, at, sizeof(at));
	return rc;
}

/* Read up to n bytes from f into buf: how many (fewer only at the end). */
static size_t
read_full(FILE *f, unsigned char *buf, size_t n)
{
	return fread(buf, 1, n, f);
}

/* Decrypt the open file f (past nothing) into the open fd out. 0 or -1. */
static int
decrypt_file(FILE *f, int out, const unsigned char *key, char taken_at[21],
    char *err, size_t errlen)
{
	crypto_secretstream_xchacha20poly1305_state s;
	unsigned char prefix[PREFIX_LEN], hdr[HDR_LEN], extra;
	unsigned char *ct = NULL, *pt = NULL;
	unsigned long long off = PREFIX_LEN + HDR_LEN;
	int rc = -1, final = 0;

	if (read_full(f, prefix, sizeof(prefix)) != sizeof(prefix) ||
	    memcmp(prefix, BACKUP_MAGIC, 8) != 0) {
		say(err, errlen, "not an encrypted backup (no %s header)",
		    BACKUP_MAGIC);
		return -1;
	}
	if (prefix[8] != BACKUP_VERSION || prefix[9] != ALG_SECRETSTREAM ||
	    prefix[12] != (BACKUP_CHUNK >> 24 & 0xff) ||
	    prefix[13] != (BACKUP_CHUNK >> 16 & 0xff) ||
	    prefix[14] != (BACKUP_CHUNK >> 8 & 0xff) ||
	    prefix[15] != (BACKUP_CHUNK & 0xff)) {
		say(err, errlen, "a backup of format version %u, algorithm %u: "
		    "this program reads version %d", prefix[8], prefix[9],
		    BACKUP_VERSION);
		return -1;
	}
	if (read_full(f, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&s, hdr, key) != 0) {
		say(err, errlen, "the file is truncated (no stream header)");
		return -1;
	}
	if ((ct = malloc(MSG_MAX)) == NULL || (pt = malloc(BACKUP_CHUNK)) ==
	    NULL) {
		say(err, errlen, "out of memory");
		goto out;
	}
	/* the key check: the empty first message */
	{
		unsigned long long plen;
		unsigned char tag;
		size_t n = read_full(f, ct, crypto_secretstream_xchacha20poly1305_ABYTES);

		if (n != crypto_secretstream_xchacha20poly1305_ABYTES) {
			say(err, errlen, "the file is truncated (no key check)");
			goto out;
		}
		if (crypto_secretstream_xchacha20poly1305_pull(&s, pt, &plen,
		    &tag, ct, n, prefix, sizeof(prefix)) != 0 || plen != 0 ||
		    tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
			say(err, errlen, "the key does not open this backup (a "
			    "wrong key), or its first bytes are damaged");
			goto out;
		}
		off += n;
	}
	while (!final) {
		unsigned long long plen;
		unsigned char tag;
		size_t n = read_full(f, ct, MSG_MAX);

		if (n < crypto_secretstream_xchacha20poly1305_ABYTES) {
			say(err, errlen, "the file is truncated at byte %llu (its "
			    "end is missing)", off + n);
			goto out;
		}
		if (crypto_secretstream_xchacha20poly1305_pull(&s, pt, &plen,
		    &tag, ct, n, prefix, sizeof(prefix)) != 0) {
			say(err, errlen, n < MSG_MAX ? "the file is truncated "
			    "or damaged in its last part, from byte %llu" :
			    "the file is damaged at byte %llu", off);
			goto out;
		}
		if (write(out, pt, (size_t)plen) != (ssize_t)plen) {
			say(err, errlen, "cannot write the work copy: %s",
			    strerror(errno));
			goto out;
		}
		off += n;
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			final = 1;
		else if (n != MSG_MAX) {
			say(err, errlen, "the file is truncated at byte %llu",
			    off);
			goto out;
		}
	}
	if (fread(&extra, 1, 1, f) != 0) {
		say(err, errlen, "bytes follow the backup's end at byte %llu",
		    off);
		goto out;
	}
	memcpy(taken_at, prefix + 16, 20);
	taken_at[20] = '\0';
	rc = 0;
out:
	if (pt != NULL)
		sodium_memzero(pt, BACKUP_CHUNK);
	free(pt);
	free(ct);
	sodium_memzero(&s, sizeof(s));
	return rc;
}

/* Copy the open file f into the open fd out. 0 or -1. */
static int
copy_file(FILE *f, int out, char *err, size_t errlen)
{
	unsigned char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (write(out, buf, n) != (ssize_t)n) {
			say(err, errlen, "cannot write the work copy: %s",
			    strerror(errno));
			return -1;
		}
	if (ferror(f)) {
		say(err, errlen, "cannot read the backup");
		return -1;
	}
	return 0;
}

/* integrity_check of the database at path and its backup_taken_at into stamp. 0 or -1. */
static int
check_db(const char *path, char stamp_at[21], char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    (v = sqlite3_column_text(st, 0)) == NULL ||
	    strcmp((const char *)v, "ok") != 0) {
		say(err, errlen, "the backup is not a sound SQLite database "
		    "(integrity_check failed)");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE name ="
	    " 'backup_taken_at'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    (v = sqlite3_column_text(st, 0)) == NULL ||
	    strlen((const char *)v) != 20) {
		say(err, errlen, "the file is not a backup made by rekisteri "
		    "backup (no settings.backup_taken_at)");
		goto out;
	}
	if (stamp_at[0] != '\0' && strcmp(stamp_at, (const char *)v) != 0) {
		say(err, errlen, "the backup's time inside differs from its "
		    "header");
		goto out;
	}
	memcpy(stamp_at, v, 21);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
backup_check(const char *file, const unsigned char *key,
    const char *live_path, char *work, size_t worklen, char taken_at[21],
    char *err, size_t errlen)
{
	unsigned char head[16];
	FILE *f;
	int out = -1, rc = -1;
	size_t n;

	taken_at[0] = '\0';
	work[0] = '\0';
	if ((f = fopen(file, "rb")) == NULL) {
		say(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	n = fread(head, 1, sizeof(head), f);
	rewind(f);
	if (key == NULL && n >= 8 && memcmp(head, BACKUP_MAGIC, 8) == 0) {
		say(err, errlen, "%s is encrypted: give its key with --key", file);
		goto out;
	}
	if (key != NULL && (n < 8 || memcmp(head, BACKUP_MAGIC, 8) != 0)) {
		say(err, errlen, "%s is not an encrypted backup: leave --key out "
		    "for a plain one", file);
		goto out;
	}
	if (key == NULL && (n < 16 || memcmp(head, "SQLite format 3", 16) != 0)) {
		say(err, errlen, "%s is not a backup (neither a SQLite "
		    "database nor an encrypted backup)", file);
		goto out;
	}
	if ((out = work_file(live_path, "restore", work, worklen)) < 0) {
		say(err, errlen, "cannot make a work copy beside %s: %s",
		    live_path, strerror(errno));
		work[0] = '\0';
		goto out;
	}
	if ((key != NULL ? decrypt_file(f, out, key, taken_at, err, errlen) :
	    copy_file(f, out, err, errlen)) != 0)
		goto out;
	if (fsync(out) != 0) {
		say(err, errlen, "cannot write the work copy: %s",
		    strerror(errno));
		goto out;
	}
	close(out);
	out = -1;
	if (check_db(work, taken_at, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	if (out >= 0)
		close(out);
	fclose(f);
	if (rc != 0 && work[0] != '\0') {
		unlink(work);
		work[0] = '\0';
	}
	return rc;
}

pid_t
backup_db_user(const char *live_path)
{
	char shm[4096];
	struct flock fl;
	int fd;

	if ((size_t)snprintf(shm, sizeof(shm), "%s-shm", live_path) >=
	    sizeof(shm))
		return -1;
	if ((fd = open(shm, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? 0 : -1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 128;	/* the DMS byte (walformat.html 2.3) */
	fl.l_len = 1;
	if (fcntl(fd, F_GETLK, &fl) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return fl.l_type == F_UNLCK ? 0 : (fl.l_pid > 0 ? fl.l_pid : 1);
}

int
backup_restore(const char *live_path, const char *work, char *err,
    size_t errlen)
{
	sqlite3 *live = NULL, *src = NULL;
	sqlite3_backup *b;
	int rc = -1;

	if (sqlite3_open_v2(work, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK ||
	    sqlite3_open_v2(live_path, &live, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		say(err, errlen, "cannot open the databases: %s",
		    sqlite3_errmsg(live ? live : src));
		goto out;
	}
	sqlite3_busy_timeout(live, 5000);
	if ((b = sqlite3_backup_init(live, "main", src, "main")) == NULL) {
		say(err, errlen, "the restore cannot start: %s",
		    sqlite3_errmsg(live));
		goto out;
	}
	if (sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		sqlite3_backup_finish(b);
		say(err, errlen, "the restore failed, the live database is as it "
		    "was: %s", sqlite3_errmsg(live));
		goto out;
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK) {
		say(err, errlen, "the restore failed: %s", sqlite3_errmsg(live));
		goto out;
	}
	/* the copy is in the rollback journal's mode: the live one stays WAL */
	sqlite3_exec(live, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_wal_checkpoint_v2(live, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	    NULL);
	rc = 0;
out:
	sqlite3_close(src);
	sqlite3_close(live);
	return rc;
}
