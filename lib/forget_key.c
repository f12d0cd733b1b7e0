/* forget_key.c — the erasure key, the suppression list's hashes and the erasure ledger; see forget.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "db_cache.h"
#include "forget.h"
#include "keyfile.h"
#include "log.h"

/* a ledger line's keyed hash, in hex */
#define LEDGER_HASH_HEX	64

const char *const suppress_kind_names[SUP__MAX] = {
	"email", "phone", "name_postal",
};

int
forget_key_make(const char *dir, char *err, size_t errlen)
{
	return keyfile_make(dir, FORGET_KEY_FILE, "the erasure key", err,
	    errlen);
}

int
forget_key_load(const char *dir, struct forget_key *k, char *err,
    size_t errlen)
{
	/* made on first use: the suppression list and ledger need it */
	if (forget_key_make(dir, err, errlen) < 0)
		return -1;
	return keyfile_load(dir, FORGET_KEY_FILE, "the erasure key", k->k, err,
	    errlen) == 0 ? 0 : -1;
}

/* BLAKE2b-256 keyed with the erasure key over "label:" and text. */
static void
keyed(const struct forget_key *k, const char *label, const char *text,
    unsigned char out[32])
{
	crypto_generichash_state s;

	crypto_generichash_init(&s, k->k, sizeof(k->k), 32);
	crypto_generichash_update(&s, (const unsigned char *)label,
	    strlen(label));
	crypto_generichash_update(&s, (const unsigned char *)":", 1);
	crypto_generichash_update(&s, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&s, out, 32);
	sodium_memzero(&s, sizeof(s));
}

/* Append s in ASCII lower case, runs of spaces as one, no space at either end. */
static void
add_folded(struct buf *b, const char *s)
{
	int space = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t') {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_add(b, " ", 1);
		space = 0;
		ch = ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + 32) : ch;
		buf_add(b, (const char *)&ch, 1);
	}
}

void
forget_suppress_hashes(const struct forget_key *k, const struct customer *c,
    unsigned char hash[SUP__MAX][32], int have[SUP__MAX])
{
	struct buf b = BUF_INIT;

	memset(have, 0, SUP__MAX * sizeof(have[0]));
	if (c->v[CF_EMAIL] != NULL && c->v[CF_EMAIL][0] != '\0') {
		add_folded(&b, c->v[CF_EMAIL]);
		buf_add(&b, "", 1);
		keyed(k, suppress_kind_names[SUP_EMAIL], b.data, hash[SUP_EMAIL]);
		have[SUP_EMAIL] = 1;
	}
	buf_reset(&b);
	if (c->v[CF_PHONE] != NULL)
		for (const char *p = c->v[CF_PHONE]; *p; p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && b.len == 0))
				buf_add(&b, p, 1);
	if (b.len > 0) {
		buf_add(&b, "", 1);
		keyed(k, suppress_kind_names[SUP_PHONE], b.data, hash[SUP_PHONE]);
		have[SUP_PHONE] = 1;
	}
	buf_reset(&b);
	if (c->v[CF_LAST_NAME] != NULL && c->v[CF_LAST_NAME][0] != '\0' &&
	    c->v[CF_POSTAL_CODE] != NULL && c->v[CF_POSTAL_CODE][0] != '\0') {
		add_folded(&b, c->v[CF_FIRST_NAME] ? c->v[CF_FIRST_NAME] : "");
		if (b.len > 0)
			buf_add(&b, " ", 1);
		add_folded(&b, c->v[CF_LAST_NAME]);
		buf_add(&b, "|", 1);
		add_folded(&b, c->v[CF_POSTAL_CODE]);
		buf_add(&b, "", 1);
		keyed(k, suppress_kind_names[SUP_NAME_POSTAL], b.data,
		    hash[SUP_NAME_POSTAL]);
		have[SUP_NAME_POSTAL] = 1;
	}
	if (b.data != NULL)
		sodium_memzero(b.data, b.cap);
	buf_free(&b);
}

/* kept for a run (db_cache.h): an import checks every row against it */
static const char *const suppressed_sql[] = {
	"SELECT 1 FROM suppressions WHERE hash = ?1",
};

int
forget_suppressed(sqlite3 *db, const struct forget_key *k,
    const struct customer *c, unsigned *kinds)
{
	unsigned char hash[SUP__MAX][32];
	int have[SUP__MAX], rc = 0;
	sqlite3_stmt *st;

	*kinds = 0;
	forget_suppress_hashes(k, c, hash, have);
	if ((st = db_cached(db, suppressed_sql, 0)) == NULL)
		return -1;
	for (int i = 0; i < SUP__MAX; i++) {
		int s;

		if (!have[i])
			continue;
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, hash[i], 32, SQLITE_STATIC);
		if ((s = sqlite3_step(st)) == SQLITE_ROW)
			*kinds |= 1u << i;
		else if (s != SQLITE_DONE)
			rc = -1;
	}
	db_release(st);
	if (rc < 0)
		return -1;
	return *kinds != 0;
}

int
suppress_action_parse(const char *s)
{
	if (s == NULL || strcmp(s, "warn") == 0)
		return SUPPRESS_WARN;
	if (strcmp(s, "refuse") == 0)
		return SUPPRESS_REFUSE;
	return -1;
}

int
forget_ledger_path(const struct conf *c, char *path, size_t len)
{
	const char *slash;
	int n;

	if (c->erasure_ledger != NULL)
		n = snprintf(path, len, "%s", c->erasure_ledger);
	else if ((slash = strrchr(c->db_path, '/')) != NULL)
		n = snprintf(path, len, "%.*s/erasure-ledger",
		    (int)(slash - c->db_path), c->db_path);
	else
		n = snprintf(path, len, "erasure-ledger");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void
forget_ledger_hash(const struct forget_key *k, const char *number,
    unsigned char hash[32])
{
	keyed(k, "customer-number", number, hash);
}

/*
 * A ledger made by root (the command line run as root) takes the owner of
 * its folder, the database's folder by default: the FastCGI processes,
 * which run as that user, append to it too. 0, or -1 (errno).
 */
static int
ledger_owner(const char *path, int fd)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st, ds;

	if (geteuid() != 0 || fstat(fd, &st) != 0 || st.st_uid != 0)
		return 0;
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &ds) != 0 || ds.st_uid == 0)
		return 0;
	return fchown(fd, ds.st_uid, ds.st_gid);
}

/*
 * The ledger opened for appending, made if missing: 0600, or 0660 in a
 * shared folder (db_new_file_mode: the intranet, running as its own user,
 * appends to it too), past the umask. The descriptor, or -1 (errno).
 */
static int
ledger_open(const char *path)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, db_new_file_mode(path)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
forget_ledger_init(const char *path)
{
	int fd = ledger_open(path), rc;

	if (fd < 0)
		return -1;
	rc = ledger_owner(path, fd);
	close(fd);
	return rc;
}

int
forget_ledger_open(const char *path, struct forget_ledger_file *f)
{
	int saved;

	f->fd = -1;
	f->lines = 0;
	if ((f->fd = ledger_open(path)) < 0)
		return -1;
	if (ledger_owner(path, f->fd) != 0) {
		saved = errno;
		close(f->fd);
		f->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
forget_ledger_write(struct forget_ledger_file *f, const struct forget_key *k,
    const char *number, enum forget_mode mode, const char *at)
{
	unsigned char hash[32];
	char hex[65], line[160];
	size_t off = 0, len;

	if (k == NULL || f->fd < 0) {
		errno = EINVAL;
		return -1;
	}
	forget_ledger_hash(k, number, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	len = (size_t)snprintf(line, sizeof(line), FORGET_LEDGER_MAGIC
	    " %s %s %.20s\n", hex, mode == FORGET_ERASE ? "erased" :
	    "anonymised", at);
	/* one write of one line: O_APPEND keeps concurrent lines whole */
	while (off < len) {
		ssize_t w = write(f->fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	f->lines++;
	return 0;
}

int
forget_ledger_close(struct forget_ledger_file *f)
{
	int rc = 0, saved;

	if (f->fd < 0)
		return 0;
	if (f->lines > 0 && fsync(f->fd) != 0)
		rc = -1;
	saved = errno;
	if (close(f->fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	f->fd = -1;
	f->lines = 0;
	errno = saved;
	return rc;
}

int
forget_ledger_append(const char *path, const struct forget_key *k,
    const char *number, enum forget_mode mode, const char *at)
{
	struct forget_ledger_file f;
	int saved;

	if (k == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (forget_ledger_open(path, &f) != 0)
		return -1;
	if (forget_ledger_write(&f, k, number, mode, at) != 0) {
		saved = errno;
		forget_ledger_close(&f);
		errno = saved;
		return -1;
	}
	return forget_ledger_close(&f);
}

/* One ledger line (without its newline) into e. 0, or -1 when malformed. */
static int
ledger_line(const char *s, struct forget_ledger_entry *e)
{
	size_t m = strlen(FORGET_LEDGER_MAGIC), hexlen;
	const char *p, *sp;

	if (strncmp(s, FORGET_LEDGER_MAGIC " ", m + 1) != 0)
		return -1;
	p = s + m + 1;
	if ((sp = strchr(p, ' ')) == NULL || (size_t)(sp - p) != LEDGER_HASH_HEX ||
	    sodium_hex2bin(e->hash, sizeof(e->hash), p, LEDGER_HASH_HEX, NULL, &hexlen,
	    NULL) != 0 || hexlen != 32)
		return -1;
	p = sp + 1;
	if (strncmp(p, "erased ", 7) == 0) {
		e->mode = FORGET_ERASE;
		p += 7;
	} else if (strncmp(p, "anonymised ", 11) == 0) {
		e->mode = FORGET_ANONYMISE;
		p += 11;
	} else
		return -1;
	if (strlen(p) != 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' ||
	    p[19] != 'Z')
		return -1;
	memcpy(e->at, p, 20);
	e->at[20] = '\0';
	return 0;
}

int
forget_ledger_each(const char *path,
    int (*fn)(void *arg, const struct forget_ledger_entry *), void *arg,
    long *bad_line)
{
	struct forget_ledger_entry e;
	char line[256];
	FILE *f;
	long n = 0;
	int rc = 0;

	if (bad_line != NULL)
		*bad_line = 0;
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);

		n++;
		memset(&e, 0, sizeof(e));
		if (len == 0 || line[len - 1] != '\n' ||
		    (line[len - 1] = '\0', ledger_line(line, &e) != 0)) {
			if (bad_line != NULL)
				*bad_line = n;
			rc = -1;
			break;
		}
		e.line = n;
		if ((rc = fn(arg, &e)) != 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}
