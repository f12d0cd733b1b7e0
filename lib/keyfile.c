/* keyfile.c — see keyfile.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"

#define KEY_HEX	((size_t)2 * KEYFILE_BYTES)	/* size_t: used as an offset */

/* DIR/name into path; 0, or -1 with err. */
static int
key_path(const char *dir, const char *name, const char *what, char *path,
    size_t len, char *err, size_t errlen)
{
	if (dir == NULL || *dir == '\0') {
		snprintf(err, errlen, "no key folder ([keys] dir) for %s", what);
		return -1;
	}
	if ((size_t)snprintf(path, len, "%s/%s", dir, name) >= len) {
		snprintf(err, errlen, "%s: name too long", dir);
		return -1;
	}
	return 0;
}

int
keyfile_make(const char *dir, const char *name, const char *what, char *err,
    size_t errlen)
{
	char path[4096], tmp[4096 + 64], text[KEY_HEX + 2];
	unsigned char key[KEYFILE_BYTES];
	size_t off = 0;
	int fd, rc = -1;

	if (key_path(dir, name, what, path, sizeof(path), err, errlen) != 0)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the key folder %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", dir);
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(text, sizeof(text), key, sizeof(key));
	text[KEY_HEX] = '\n';
	/* written whole and synced before it appears under its name */
	if (fchmod(fd, 0600) != 0)
		goto fail;
	while (off < KEY_HEX + 1) {
		ssize_t w = write(fd, text + off, KEY_HEX + 1 - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)	/* made meanwhile by another process */
			rc = 0;
		goto fail;
	}
	rc = 1;
	goto out;
fail:
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
out:
	close(fd);
	unlink(tmp);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
keyfile_load(const char *dir, const char *name, const char *what,
    unsigned char key[KEYFILE_BYTES], char *err, size_t errlen)
{
	char path[4096], text[KEY_HEX + 2];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, rc = -1;

	if (key_path(dir, name, what, path, sizeof(path), err, errlen) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? 1 : -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/*
	 * Its owner's, and at most readable by a group: the intranet's own
	 * where the executables run as separate users (docs/deployment.md;
	 * rekisteri check says when that group is one the notice is in too).
	 */
	if ((st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) != 0) {
		snprintf(err, errlen, "%s may be read or changed by others (mode "
		    "%04o), so it is not used: chmod 600 %s (or 640, for the "
		    "intranet's own group)", path, (unsigned)(st.st_mode & 07777),
		    path);
		goto out;
	}
	n = read(fd, text, sizeof(text));
	len = n > 0 ? (size_t)n : 0;
	if (len != KEY_HEX + 1 || text[KEY_HEX] != '\n' ||
	    sodium_hex2bin(key, KEYFILE_BYTES, text, KEY_HEX, NULL, &len,
	    NULL) != 0 || len != KEYFILE_BYTES) {
		snprintf(err, errlen, "%s: not a key (64 hex digits and a "
		    "newline)", path);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		sodium_memzero(key, KEYFILE_BYTES);
	sodium_memzero(text, sizeof(text));
	close(fd);
	return rc;
}
