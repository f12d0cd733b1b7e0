/* ticket_keys.c — the register's ticket keys (see ticket.h, docs/ticket-format.md "The key folder"): keygen and rotation, loading, PEM and fingerprints, and the atomic file writes they rest on. libsodium makes the keys and the randomness. */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "ticket.h"
#include "ticket_int.h"

#define SECRET_FILE	"secret.key"
#define SECRET_HEAD	"REKISTERI-SECRET-KEY 1"
#define CURRENT_FILE	"current"
#define PUBLIC_DIR	"public"
#define LOCK_FILE	".lock"
#define KEYS_MAX	1000		/* public keys in a folder */
#define KEYFILE_MAX	4096		/* bytes of a key file */
#define DER_LEN		(sizeof(spki_prefix) + crypto_sign_PUBLICKEYBYTES)

/* SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the 32 key bytes. */
static const unsigned char spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
der_of(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
    unsigned char der[DER_LEN])
{
	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), pk, crypto_sign_PUBLICKEYBYTES);
}

/* The key id: the first 16 hex digits of SHA-256 over the DER public key. */
static void
key_id_of(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
    char id[TICKET_ID_LEN + 1])
{
	unsigned char der[DER_LEN], h[crypto_hash_sha256_BYTES];

	der_of(pk, der);
	crypto_hash_sha256(h, der, sizeof(der));
	sodium_bin2hex(id, TICKET_ID_LEN + 1, h, TICKET_ID_LEN / 2);
}

static void
pem_add(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], struct buf *out)
{
	unsigned char der[DER_LEN];
	char b64[sodium_base64_ENCODED_LEN(DER_LEN,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t n;

	der_of(pk, der);
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der),
	    sodium_base64_VARIANT_ORIGINAL);
	n = strlen(b64);
	buf_adds(out, "-----BEGIN PUBLIC KEY-----\n");
	for (size_t i = 0; i < n; i += 64) {
		buf_add(out, b64 + i, n - i < 64 ? n - i : 64);
		buf_addc(out, '\n');
	}
	buf_adds(out, "-----END PUBLIC KEY-----\n");
}

/* An Ed25519 public key in PEM (CR LF line ends allowed) → pk. 0 or -1. */
static int
pem_parse(const char *s, size_t len, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char endl[] = "-----END PUBLIC KEY-----";
	unsigned char der[DER_LEN];
	const char *body, *stop, *b64end;
	size_t derlen;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len < sizeof(begin) + sizeof(endl) ||
	    memcmp(s, begin, sizeof(begin) - 1) != 0 ||
	    memcmp(s + len - (sizeof(endl) - 1), endl, sizeof(endl) - 1) != 0)
		return -1;
	body = s + sizeof(begin) - 1;
	stop = s + len - (sizeof(endl) - 1);
	/* libsodium 1.0.18 decodes bytes above 0x7f: only base64 may pass */
	for (const char *p = body; p < stop; p++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/=\r\n", *p) == NULL || *p == '\0')
			return -1;
	if (sodium_base642bin(der, sizeof(der), body, (size_t)(stop - body),
	    "\r\n", &derlen, &b64end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    b64end != stop || derlen != DER_LEN ||
	    memcmp(der, spki_prefix, sizeof(spki_prefix)) != 0)
		return -1;
	memcpy(pk, der + sizeof(spki_prefix), crypto_sign_PUBLICKEYBYTES);
	return 0;
}

/*
 * Read the regular file path (not a symbolic link) of at most max - 1
 * bytes into buf, NUL-terminated; *st gets its status. 0, or -1 with errno
 * (EFBIG: too large, EINVAL: not a regular file).
 */
static int
read_small(const char *path, char *buf, size_t max, size_t *len,
    struct stat *st)
{
	ssize_t r;
	size_t n = 0;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, st) != 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	for (;;) {
		if (n == max - 1) {
			char extra;

			if (read(fd, &extra, 1) != 0) {
				errno = EFBIG;
				goto fail;
			}
			break;
		}
		if ((r = read(fd, buf + n, max - 1 - n)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int
fsync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Replace (or, with excl, create) dir/name with data[0..len) and the given
 * mode, atomically: a temporary file in dir, written and synced, renamed
 * (linked, with excl) into place, and the folder synced. 0, or -1 with
 * errno (EEXIST when excl and dir/name exists).
 */
static int
write_atomic(const char *dir, const char *name, const void *data, size_t len,
    mode_t mode, int excl)
{
	char tmp[4096], path[4096];
	struct timespec now[2];
	const char *p = data;
	size_t off = 0;
	ssize_t w;
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    sizeof(tmp) || (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	/*
	 * The precise time, not the file system's coarse clock: keys are
	 * listed in the order of their files' times.
	 */
	if (clock_gettime(CLOCK_REALTIME, &now[0]) != 0)
		goto fail;
	now[1] = now[0];
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		if ((w = write(fd, p + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (futimens(fd, now) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (excl) {
		if (link(tmp, path) != 0)
			goto fail;
		unlink(tmp);
	} else if (rename(tmp, path) != 0)
		goto fail;
	return fsync_dir(dir);
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

/* mkdir -p: the last folder with mode, the ones above it 0755. 0 or -1 with errno. */
static int
make_dirs(const char *dir, mode_t mode)
{
	char p[4096];
	struct stat st;
	size_t n;

	if ((n = strlen(dir)) == 0 || n >= sizeof(p)) {
		errno = n == 0 ? ENOENT : ENAMETOOLONG;
		return -1;
	}
	memcpy(p, dir, n + 1);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(p, mode) != 0 && errno != EEXIST)
		return -1;
	if (stat(p, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/*
 * The secret key file: SECRET_HEAD, "id: " the key id, "seed: " the
 * 32-byte Ed25519 seed in hex, each line ending in LF.
 */
static void
secret_text(const char *id, const unsigned char seed[crypto_sign_SEEDBYTES],
    char *dst, size_t len)
{
	char hex[crypto_sign_SEEDBYTES * 2 + 1];

	sodium_bin2hex(hex, sizeof(hex), seed, crypto_sign_SEEDBYTES);
	snprintf(dst, len, SECRET_HEAD "\nid: %s\nseed: %s\n", id, hex);
	sodium_memzero(hex, sizeof(hex));
}

static int
secret_parse(const char *s, size_t len, char id[TICKET_ID_LEN + 1],
    unsigned char seed[crypto_sign_SEEDBYTES])
{
	static const char head[] = SECRET_HEAD "\nid: ";
	const char *p = s;
	size_t seedlen;
	const char *end;

	if (len != sizeof(head) - 1 + TICKET_ID_LEN + strlen("\nseed: ") +
	    crypto_sign_SEEDBYTES * 2 + 1 || memcmp(p, head, sizeof(head) - 1) != 0)
		return -1;
	p += sizeof(head) - 1;
	memcpy(id, p, TICKET_ID_LEN);
	id[TICKET_ID_LEN] = '\0';
	p += TICKET_ID_LEN;
	if (!ticket_key_id_ok(id) || memcmp(p, "\nseed: ", 7) != 0)
		return -1;
	p += 7;
	if (sodium_hex2bin(seed, crypto_sign_SEEDBYTES, p,
	    crypto_sign_SEEDBYTES * 2, NULL, &seedlen, &end) != 0 ||
	    seedlen != crypto_sign_SEEDBYTES || *end != '\n' || end + 1 != s + len)
		return -1;
	return 0;
}

int
ticket_keygen(const char *dir, int rotate, char id[17], char *err,
    size_t errlen)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char pubdir[4096], path[4096], name[TICKET_ID_LEN + 8], secret[256];
	struct buf pem = BUF_INIT;
	struct stat st;
	int lock = -1, rc = -1, have;

	id[0] = '\0';
	if (sodium_init() < 0) {
		seterr(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	if (dir == NULL || *dir == '\0' ||
	    (size_t)snprintf(pubdir, sizeof(pubdir), "%s/" PUBLIC_DIR, dir) >=
	    sizeof(pubdir) - 64) {
		seterr(err, errlen, "no usable key folder ([keys] dir)");
		return -1;
	}
	if (make_dirs(dir, 0700) != 0 || make_dirs(pubdir, 0755) != 0) {
		seterr(err, errlen, "cannot create the key folder %s: %s", pubdir,
		    strerror(errno));
		return -1;
	}
	/* one keygen or rotation at a time */
	snprintf(path, sizeof(path), "%s/" LOCK_FILE, dir);
	if ((lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0 || flock(lock, LOCK_EX) != 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/" SECRET_FILE, dir);
	if (lstat(path, &st) == 0)
		have = 1;
	else if (errno == ENOENT)
		have = 0;
	else {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (have && !rotate) {
		seterr(err, errlen, "%s already holds a ticket key; "
		    "rekisteri key rotate makes a new one", dir);
		goto out;
	}
	if (!have && rotate) {
		seterr(err, errlen, "no ticket key in %s yet: run rekisteri keygen",
		    dir);
		goto out;
	}
	randombytes_buf(seed, sizeof(seed));
	if (crypto_sign_seed_keypair(pk, sk, seed) != 0) {
		seterr(err, errlen, "cannot make a key pair");
		goto out;
	}
	key_id_of(pk, id);
	pem_add(pk, &pem);
	snprintf(name, sizeof(name), "%s.pem", id);
	if (write_atomic(pubdir, name, pem.data, pem.len, 0644, 1) != 0) {
		seterr(err, errlen, "%s/%s: %s", pubdir, name, strerror(errno));
		goto out;
	}
	/* the public key is in place before the secret that needs it */
	secret_text(id, seed, secret, sizeof(secret));
	if (write_atomic(dir, SECRET_FILE, secret, strlen(secret), 0600, 0) != 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(name, sizeof(name), "%s\n", id);
	if (write_atomic(dir, CURRENT_FILE, name, strlen(name), 0644, 0) != 0) {
		seterr(err, errlen, "%s/" CURRENT_FILE ": %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		id[0] = '\0';
	if (lock >= 0)
		close(lock);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(secret, sizeof(secret));
	buf_free(&pem);
	return rc;
}

static int
pubkey_cmp(const void *a, const void *b)
{
	const struct pubkey *x = a, *y = b;

	if (x->made.tv_sec != y->made.tv_sec)
		return x->made.tv_sec < y->made.tv_sec ? -1 : 1;
	if (x->made.tv_nsec != y->made.tv_nsec)
		return x->made.tv_nsec < y->made.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

const struct pubkey *
ticket_find_key(const struct ticket_keys *k, const char *id)
{
	if (k == NULL)
		return NULL;
	if (id == NULL)
		id = k->current;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i].id, id) == 0)
			return &k->v[i];
	return NULL;
}

/* Every DIR/public/ID.pem into k. 0, or -1 with err. */
static int
load_public(struct ticket_keys *k, const char *dir, char *err, size_t errlen)
{
	char pubdir[4096], path[4096 + 260], text[KEYFILE_MAX];
	char fid[TICKET_ID_LEN + 1];
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *d;
	int rc = -1;

	if ((size_t)snprintf(pubdir, sizeof(pubdir), "%s/" PUBLIC_DIR, dir) >=
	    sizeof(pubdir)) {
		seterr(err, errlen, "%s: name too long", dir);
		return -1;
	}
	if ((d = opendir(pubdir)) == NULL) {
		if (errno == ENOENT)
			seterr(err, errlen, "no ticket key in %s yet: run "
			    "rekisteri keygen", dir);
		else
			seterr(err, errlen, "%s: %s", pubdir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct pubkey *pk;

		/* only ID.pem: temporary files start with a dot */
		if (strlen(de->d_name) != TICKET_ID_LEN + 4 ||
		    strcmp(de->d_name + TICKET_ID_LEN, ".pem") != 0)
			continue;
		memcpy(fid, de->d_name, TICKET_ID_LEN);
		fid[TICKET_ID_LEN] = '\0';
		if (!ticket_key_id_ok(fid))
			continue;
		if (k->n == KEYS_MAX) {
			seterr(err, errlen, "%s: more than %d keys", pubdir,
			    KEYS_MAX);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", pubdir, de->d_name);
		k->v = xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
		pk = &k->v[k->n];
		if (read_small(path, text, sizeof(text), &len, &st) != 0) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (pem_parse(text, len, pk->pk) != 0) {
			seterr(err, errlen, "%s: not an Ed25519 public key in PEM",
			    path);
			goto out;
		}
		key_id_of(pk->pk, pk->id);
		if (strcmp(pk->id, fid) != 0) {
			seterr(err, errlen, "%s: the key inside has the id %s, "
			    "not the one in its name", path, pk->id);
			goto out;
		}
		pk->made = st.st_mtim;
		k->n++;
	}
	if (k->n == 0) {
		seterr(err, errlen, "no ticket key in %s yet: run rekisteri keygen",
		    dir);
		goto out;
	}
	qsort(k->v, k->n, sizeof(*k->v), pubkey_cmp);
	rc = 0;
out:
	closedir(d);
	return rc;
}

/* DIR/current, when there is one, names the current key. 0, or -1 with err. */
static int
load_current(struct ticket_keys *k, const char *dir, char *err, size_t errlen)
{
	char path[4096], text[64];
	struct stat st;
	size_t len;

	if ((size_t)snprintf(path, sizeof(path), "%s/" CURRENT_FILE, dir) >=
	    sizeof(path))
		return -1;
	if (read_small(path, text, sizeof(text), &len, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (len != TICKET_ID_LEN + 1 || text[TICKET_ID_LEN] != '\n')
		goto bad;
	text[TICKET_ID_LEN] = '\0';
	if (!ticket_key_id_ok(text))
		goto bad;
	memcpy(k->current, text, TICKET_ID_LEN + 1);
	if (ticket_find_key(k, NULL) == NULL) {
		seterr(err, errlen, "%s names the key %s, which has no public "
		    "key in %s/" PUBLIC_DIR, path, text, dir);
		return -1;
	}
	return 0;
bad:
	seterr(err, errlen, "%s: not a key id", path);
	return -1;
}

/* DIR/secret.key, private to its owner, as the current key. 0, or -1 with err. */
static int
load_secret(struct ticket_keys *k, const char *dir, char *err, size_t errlen)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	char path[4096], text[KEYFILE_MAX], id[TICKET_ID_LEN + 1];
	char derived[TICKET_ID_LEN + 1];
	const struct pubkey *pub;
	struct stat st;
	size_t len = 0;
	int rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/" SECRET_FILE, dir) >=
	    sizeof(path))
		return -1;
	if (read_small(path, text, sizeof(text), &len, &st) != 0) {
		if (errno == ENOENT)
			seterr(err, errlen, "no secret ticket key %s: run "
			    "rekisteri keygen", path);
		else
			seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		seterr(err, errlen, "%s may be read or changed by others (mode "
		    "%04o), so it is not used: chmod 600 %s, and consider "
		    "rekisteri key rotate", path, (unsigned)(st.st_mode & 07777),
		    path);
		goto out;
	}
	if (secret_parse(text, len, id, seed) != 0) {
		seterr(err, errlen, "%s: not a Rekisteri secret key", path);
		goto out;
	}
	if (crypto_sign_seed_keypair(pk, k->sk, seed) != 0)
		goto out;
	key_id_of(pk, derived);
	if (strcmp(derived, id) != 0) {
		seterr(err, errlen, "%s: the key is %s, not %s as written", path,
		    derived, id);
		goto out;
	}
	if ((pub = ticket_find_key(k, id)) == NULL ||
	    sodium_memcmp(pub->pk, pk, sizeof(pk)) != 0) {
		seterr(err, errlen, "%s: its public key %s/" PUBLIC_DIR "/%s.pem "
		    "is missing", path, dir, id);
		goto out;
	}
	memcpy(k->current, id, sizeof(id));
	k->has_secret = 1;
	rc = 0;
out:
	if (rc != 0)
		sodium_memzero(k->sk, sizeof(k->sk));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	return rc;
}

struct ticket_keys *
ticket_keys_load(const char *dir, int need_secret, char *err, size_t errlen)
{
	struct ticket_keys *k;

	if (sodium_init() < 0) {
		seterr(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if (dir == NULL || *dir == '\0') {
		seterr(err, errlen, "no key folder ([keys] dir)");
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	if (load_public(k, dir, err, errlen) != 0 ||
	    (need_secret ? load_secret(k, dir, err, errlen) :
	    load_current(k, dir, err, errlen)) != 0) {
		ticket_keys_free(k);
		return NULL;
	}
	return k;
}

void
ticket_keys_free(struct ticket_keys *k)
{
	if (k == NULL)
		return;
	free(k->v);
	sodium_memzero(k, sizeof(*k));
	free(k);
}

const char *
ticket_keys_current(const struct ticket_keys *k)
{
	return k == NULL ? "" : k->current;
}

size_t
ticket_keys_count(const struct ticket_keys *k)
{
	return k == NULL ? 0 : k->n;
}

const char *
ticket_keys_id(const struct ticket_keys *k, size_t i)
{
	return k == NULL || i >= k->n ? NULL : k->v[i].id;
}

int
ticket_keys_pem(const struct ticket_keys *k, const char *id, struct buf *out)
{
	const struct pubkey *p;

	if ((p = ticket_find_key(k, id)) == NULL)
		return -1;
	pem_add(p->pk, out);
	return 0;
}

int
ticket_keys_fingerprint(const struct ticket_keys *k, const char *id,
    char *dst, size_t len)
{
	unsigned char der[DER_LEN], h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	const struct pubkey *p;
	size_t o = 0;

	if (len > 0)
		dst[0] = '\0';
	if ((p = ticket_find_key(k, id)) == NULL ||
	    len < TICKET_FINGERPRINT_LEN)
		return -1;
	der_of(p->pk, der);
	crypto_hash_sha256(h, der, sizeof(der));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	for (size_t i = 0; i < sizeof(hex) - 1; i++) {
		if (i > 0 && i % 4 == 0)
			dst[o++] = ' ';
		dst[o++] = hex[i];
	}
	dst[o] = '\0';
	return 0;
}
