/*
 * perms.c — see perms.h. Each rule names what the mode would let another
 * user do; the fix is the one chmod or chown that ends it. Owners are
 * compared with the folder's owner, never with a fixed user name: the
 * package's user is rekisteri, `make run`'s is FCGI_USER, a developer's is
 * themselves.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "forget.h"
#include "perms.h"

#define PATH_LEN	4096

struct ctx {
	perms_report	 report;
	void		*arg;
	int		 found;
};

/* What other users may do with a folder or a file of each kind. */
enum kind {
	PRIVATE_DIR,	/* the database's folder: no one else enters */
	PRIVATE_FILE,	/* personal data: no one else reads or writes */
	KEY_DIR,	/* the keys: others nothing, the group no writes */
	PUBLIC_DIR,	/* public/ in it: no one else changes */
	KEY_FILE,	/* a public key or a key's name: no one else changes */
	SECRET_FILE,	/* a secret key: its owner only */
	GROUP_SECRET,	/* totp.key, erasure.key: also the intranet's group */
	SHARED_DIR,	/* the config's, templates, ...: no other user changes */
	SHARED_FILE,	/* a template, a message file, ...: likewise */
	CONF_FILE	/* the configuration: only its owner changes it */
};

static const struct rule {
	mode_t		 deny;
	const char	*why;
	const char	*chmod;
} rules[] = {
	[PRIVATE_DIR] = { S_IRWXO, "other users may enter the database's "
	    "folder", "o-rwx" },
	[PRIVATE_FILE] = { S_IRWXO, "other users may read or change personal "
	    "data", "o-rwx" },
	[KEY_DIR] = { S_IRWXO | S_IWGRP, "others may read the keys or put "
	    "keys of their own in their place", "g-w,o-rwx" },
	[PUBLIC_DIR] = { S_IWGRP | S_IWOTH, "others may put public keys of "
	    "their own in it", "go-w" },
	[KEY_FILE] = { S_IWGRP | S_IWOTH, "others may replace a key",
	    "go-w" },
	[SECRET_FILE] = { S_IRWXG | S_IRWXO, "others may read a secret key, "
	    "so it is refused", "600" },
	[GROUP_SECRET] = { S_IWGRP | S_IXGRP | S_IRWXO, "others may read or "
	    "change a secret key, so it is refused", "g-wx,o-rwx" },
	[SHARED_DIR] = { S_IWOTH, "other users may put files of their own "
	    "in it", "o-w" },
	[SHARED_FILE] = { S_IWOTH, "other users may change what the "
	    "program reads from it", "o-w" },
	[CONF_FILE] = { S_IWGRP | S_IWOTH, "others may change where the data "
	    "are kept and which programs run", "go-w" },
};

static void
user_name(uid_t uid, char *out, size_t len)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		snprintf(out, len, "%s", res->pw_name);
	else
		snprintf(out, len, "%lu", (unsigned long)uid);
}

static void
check_mode(struct ctx *x, const char *path, const struct stat *st,
    enum kind k)
{
	const struct rule *r = &rules[k];
	char problem[512], fix[PATH_LEN + 32];

	if ((st->st_mode & r->deny) == 0)
		return;
	/* a shared folder like /tmp, sticky, lets no one remove another's file */
	if (k == SHARED_DIR && (st->st_mode & S_ISVTX))
		return;
	snprintf(problem, sizeof(problem), "%s (mode %04o)", r->why,
	    (unsigned)(st->st_mode & 07777));
	snprintf(fix, sizeof(fix), "chmod %s %s", r->chmod, path);
	x->report(path, problem, fix, x->arg);
	x->found++;
}

/*
 * A file in a private folder belongs to the folder's owner, or, in a
 * set-group-ID folder (the database's, where the executables run as
 * separate users sharing its group: docs/deployment.md), to the folder's
 * group with read and write for it: SQLite's -wal and -shm made by the
 * intranet are its user's, and every process of the group can use them.
 */
static void
check_owner(struct ctx *x, const char *path, const struct stat *st,
    const struct stat *folder)
{
	char problem[1024], fix[PATH_LEN + 300], has[256], want[256];
	mode_t rw = S_IRGRP | S_IWGRP;

	if (st->st_uid == folder->st_uid)
		return;
	if ((folder->st_mode & S_ISGID) && st->st_gid == folder->st_gid &&
	    (st->st_mode & rw) == rw)
		return;
	user_name(st->st_uid, has, sizeof(has));
	user_name(folder->st_uid, want, sizeof(want));
	snprintf(problem, sizeof(problem), "owned by %s, not by %s like its "
	    "folder: the service, running as %s, may be refused it (a command "
	    "run as another user made it?)", has, want, want);
	snprintf(fix, sizeof(fix), "chown %s %s", want, path);
	x->report(path, problem, fix, x->arg);
	x->found++;
}

/*
 * totp.key and erasure.key may be readable by a group, the intranet's own
 * where it runs as a user of its own; never by the key folder's group,
 * which the notice shares (it reads the public keys).
 */
static void
check_key_group(struct ctx *x, const char *path, const struct stat *st,
    const struct stat *folder)
{
	char problem[512], fix[PATH_LEN + 32];

	if (!(st->st_mode & S_IRGRP) || st->st_gid != folder->st_gid)
		return;
	snprintf(problem, sizeof(problem), "readable by the key folder's "
	    "group, which every executable shares, the notice too (mode "
	    "%04o): only the intranet's own group may read it (chgrp "
	    "rekisteri-intranet, as the package does)",
	    (unsigned)(st->st_mode & 07777));
	snprintf(fix, sizeof(fix), "chmod g-r %s", path);
	x->report(path, problem, fix, x->arg);
	x->found++;
}

/* A folder this user cannot list: nothing in it was checked. */
static void
unreadable(struct ctx *x, const char *dir, const struct stat *st)
{
	char problem[512], fix[700], owner[256];

	user_name(st->st_uid, owner, sizeof(owner));
	snprintf(problem, sizeof(problem), "cannot be listed by this user (%s), "
	    "so what is in it was not checked", strerror(errno));
	snprintf(fix, sizeof(fix), "run the check as %s: runuser -u %s -- "
	    "rekisteri check", owner, owner);
	x->report(dir, problem, fix, x->arg);
	x->found++;
}

/* The secrets the intranet reads too (auth_totp.c, forget_key.c). */
static int
group_secret(const char *name)
{
	return strcmp(name, "totp.key") == 0 ||
	    strcmp(name, FORGET_KEY_FILE) == 0;
}

/*
 * A private folder and what is in it, one level; in the key folder every
 * file is a secret (secret.key, totp.key, erasure.key, the lock) but
 * "current", the name of the signing key, and public/ holds public keys.
 * secret.key, which signs tickets, is its owner's alone.
 * Symbolic links are not followed: the folder's own files are what the
 * rules are about.
 */
static void
check_folder(struct ctx *x, const char *dir, enum kind dk)
{
	struct stat st, est;
	struct dirent *e;
	char path[PATH_LEN];
	enum kind fk;
	DIR *d;

	/* the configured folder itself may be a link (to another disk) */
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	check_mode(x, dir, &st, dk);
	if ((d = opendir(dir)) == NULL) {
		unreadable(x, dir, &st);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path) || lstat(path, &est) != 0 ||
		    S_ISLNK(est.st_mode))
			continue;
		check_owner(x, path, &est, &st);
		if (dk == PRIVATE_DIR)
			fk = S_ISDIR(est.st_mode) ? PRIVATE_DIR : PRIVATE_FILE;
		else if (dk == PUBLIC_DIR)
			fk = S_ISDIR(est.st_mode) ? PUBLIC_DIR : KEY_FILE;
		else if (S_ISDIR(est.st_mode))
			fk = PUBLIC_DIR;
		else
			fk = strcmp(e->d_name, "current") == 0 ? KEY_FILE :
			    group_secret(e->d_name) ? GROUP_SECRET : SECRET_FILE;
		if (S_ISDIR(est.st_mode) && dk == KEY_DIR)
			check_folder(x, path, PUBLIC_DIR);
		else if (!S_ISSOCK(est.st_mode))
			check_mode(x, path, &est, fk);
		if (fk == GROUP_SECRET)
			check_key_group(x, path, &est, &st);
	}
	closedir(d);
}

static void
check_path(struct ctx *x, const char *path, enum kind k)
{
	struct stat st;

	if (path != NULL && lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
		check_mode(x, path, &st, k);
}

/* A shared folder and the files right in it. */
static void
check_shared(struct ctx *x, const char *dir)
{
	struct stat st;
	struct dirent *e;
	char path[PATH_LEN];
	DIR *d;

	if (dir == NULL || lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	check_mode(x, dir, &st, SHARED_DIR);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && (size_t)snprintf(path, sizeof(path),
		    "%s/%s", dir, e->d_name) < sizeof(path) &&
		    lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			check_mode(x, path, &st, SHARED_FILE);
	closedir(d);
}

/* The folder a file is in ("." for a bare name). */
static void
folder_of(const char *file, char *out, size_t len)
{
	const char *slash = strrchr(file, '/');

	if (slash == NULL)
		snprintf(out, len, ".");
	else if (slash == file)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - file), file);
}

int
perms_check(const struct conf *c, perms_report report, void *arg)
{
	struct ctx x = { report, arg, 0 };
	char dir[PATH_LEN], ledger[PATH_LEN], ldir[PATH_LEN];
	const char *shared[] = { c->templates, c->i18n, c->sql, c->data };

	folder_of(c->db_path, dir, sizeof(dir));
	check_folder(&x, dir, PRIVATE_DIR);
	check_folder(&x, c->key_dir, KEY_DIR);
	/* the ledger elsewhere than beside the database */
	if (forget_ledger_path(c, ledger, sizeof(ledger)) == 0) {
		folder_of(ledger, ldir, sizeof(ldir));
		if (strcmp(ldir, dir) != 0)
			check_path(&x, ledger, PRIVATE_FILE);
	}
	check_path(&x, c->file, CONF_FILE);
	if (c->file != NULL) {
		folder_of(c->file, ldir, sizeof(ldir));
		check_path(&x, ldir, SHARED_DIR);
	}
	/* each folder once, though two keys may name the same */
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		int again = 0;

		for (size_t j = 0; j < i && !again; j++)
			again = shared[i] != NULL && shared[j] != NULL &&
			    strcmp(shared[i], shared[j]) == 0;
		if (!again)
			check_shared(&x, shared[i]);
	}
	return x.found;
}
