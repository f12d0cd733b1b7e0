/* test_perms.c — perms_check: a sound installation passes, and each wrong mode or owner is named once with the command that puts it right, at the boundary of what each file may allow (#15, docs/deployment.md "Files and modes"). */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "perms.h"

static char dir[64], seen[8192];
static struct conf c;
static char db_path[128], key_dir[128], file[128], tdir[128];

static void
collect(const char *path, const char *problem, const char *fix, void *arg)
{
	size_t n = strlen(seen);

	(void)arg;
	assert_non_null(problem);
	snprintf(seen + n, sizeof(seen) - n, "%s|%s\n", path, fix);
}

static void
make(const char *rel, mode_t mode, int folder)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (folder) {
		assert_int_equal(mkdir(p, 0700), 0);
	} else {
		assert_non_null(f = fopen(p, "w"));
		fputs("x\n", f);
		fclose(f);
	}
	assert_int_equal(chmod(p, mode), 0);
}

/* The tree of an installation as the package and `make run` leave it. */
static int
setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof(dir), "/tmp/rekisteri-perms-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	chmod(dir, 0755);
	make("rekisteri.conf", 0644, 0);
	make("db", 0700, 1);
	make("db/rekisteri.db", 0600, 0);
	make("db/rekisteri.db-wal", 0600, 0);
	make("db/erasure-ledger", 0600, 0);
	make("keys", 0700, 1);
	make("keys/secret.key", 0600, 0);
	make("keys/totp.key", 0600, 0);
	make("keys/erasure.key", 0600, 0);
	make("keys/current", 0644, 0);
	make("keys/public", 0755, 1);
	make("keys/public/k1.pub", 0644, 0);
	make("templates", 0755, 1);
	make("templates/layout.xhtml", 0644, 0);
	snprintf(file, sizeof(file), "%s/rekisteri.conf", dir);
	snprintf(db_path, sizeof(db_path), "%s/db/rekisteri.db", dir);
	snprintf(key_dir, sizeof(key_dir), "%s/keys", dir);
	snprintf(tdir, sizeof(tdir), "%s/templates", dir);
	memset(&c, 0, sizeof(c));
	c.file = file;
	c.db_path = db_path;
	c.key_dir = key_dir;
	c.templates = c.i18n = c.sql = tdir;
	return 0;
}

static int
teardown(void **st)
{
	char cmd[128];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
run(void)
{
	seen[0] = '\0';
	return perms_check(&c, collect, NULL);
}

static void
sound(void **st)
{
	(void)st;
	assert_int_equal(run(), 0);
	assert_string_equal(seen, "");
}

/*
 * Each case: one file's mode, and the fix named (NULL: allowed). The
 * boundaries: the group may read the keys' folder and enter the
 * database's (the separate users of a later step share a group), the
 * templates may be changed by the group (the configuration may not), a
 * sticky folder may be open to all.
 */
static const struct mode_case {
	const char	*rel;
	mode_t		 bad, good;
	const char	*fix;
} cases[] = {
	{ "db", 0701, 0700, "chmod o-rwx" },
	{ "db", 0750, 0700, NULL },
	{ "db/rekisteri.db", 0604, 0600, "chmod o-rwx" },
	{ "db/rekisteri.db", 0660, 0600, NULL },
	{ "db/rekisteri.db-wal", 0644, 0600, "chmod o-rwx" },
	{ "db/erasure-ledger", 0606, 0600, "chmod o-rwx" },
	{ "keys", 0701, 0700, "chmod g-w,o-rwx" },
	{ "keys", 0770, 0700, "chmod g-w,o-rwx" },
	{ "keys", 0750, 0700, NULL },
	{ "keys/secret.key", 0640, 0600, "chmod 600" },
	{ "keys/secret.key", 0604, 0600, "chmod 600" },
	{ "keys/totp.key", 0604, 0600, "chmod g-wx,o-rwx" },
	{ "keys/totp.key", 0620, 0600, "chmod g-wx,o-rwx" },
	{ "keys/erasure.key", 0610, 0600, "chmod g-wx,o-rwx" },
	/* group-readable, but the group is the key folder's (the notice's) */
	{ "keys/erasure.key", 0640, 0600, "chmod g-r" },
	{ "keys/totp.key", 0640, 0600, "chmod g-r" },
	{ "keys/current", 0664, 0644, "chmod go-w" },
	{ "keys/public", 0757, 0755, "chmod go-w" },
	{ "keys/public/k1.pub", 0646, 0644, "chmod go-w" },
	{ "rekisteri.conf", 0664, 0644, "chmod go-w" },
	{ "rekisteri.conf", 0640, 0644, NULL },
	{ "", 0777, 0755, "chmod o-w" },
	{ "", 01777, 0755, NULL },
	{ "templates", 0757, 0755, "chmod o-w" },
	{ "templates", 0775, 0755, NULL },
	{ "templates/layout.xhtml", 0646, 0644, "chmod o-w" },
	{ "templates/layout.xhtml", 0664, 0644, NULL },
};

static void
modes(void **st)
{
	char p[256], want[600];

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mode_case *k = &cases[i];

		snprintf(p, sizeof(p), "%s%s%s", dir, k->rel[0] ? "/" : "",
		    k->rel);
		assert_int_equal(chmod(p, k->bad), 0);
		if (k->fix == NULL) {
			if (run() != 0)
				fail_msg("%s at %04o: %s", k->rel,
				    (unsigned)k->bad, seen);
		} else {
			snprintf(want, sizeof(want), "%s|%s %s\n", p, k->fix, p);
			if (run() != 1 || strcmp(seen, want) != 0)
				fail_msg("%s at %04o: %s (wanted %s)", k->rel,
				    (unsigned)k->bad, seen, want);
		}
		assert_int_equal(chmod(p, k->good), 0);
	}
	assert_int_equal(run(), 0);
}

/* A link in the database's folder is not followed (the file it names is not ours). */
static void
links_not_followed(void **st)
{
	char p[256];

	(void)st;
	snprintf(p, sizeof(p), "%s/db/elsewhere", dir);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(run(), 0);
	assert_int_equal(unlink(p), 0);
}

/* The ledger where [retention] erasure_ledger puts it is private too. */
static void
ledger_elsewhere(void **st)
{
	char p[256];

	(void)st;
	snprintf(p, sizeof(p), "%s/ledger", dir);
	make("ledger", 0644, 0);
	c.erasure_ledger = p;
	assert_int_equal(run(), 1);
	assert_non_null(strstr(seen, "|chmod o-rwx "));
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(run(), 0);
	c.erasure_ledger = NULL;
	unlink(p);
}

/*
 * A file in the database's or the keys' folder owned by someone else than
 * the folder's owner (as root running a command would leave it): named,
 * with the chown that gives it back. Needs root to give a file away; as
 * any other user the sound tree's own files are all the same owner's.
 */
static void
owner(void **st)
{
	char p[256], q[256];

	(void)st;
	if (geteuid() != 0) {
		assert_int_equal(run(), 0);
		return;
	}
	snprintf(p, sizeof(p), "%s/db/rekisteri.db-wal", dir);
	snprintf(q, sizeof(q), "%s/keys/public/k1.pub", dir);
	assert_int_equal(chown(p, 65534, 65534), 0);
	assert_int_equal(chown(q, 65534, 65534), 0);
	assert_int_equal(run(), 2);
	assert_non_null(strstr(seen, "|chown root "));
	assert_non_null(strstr(seen, p));
	assert_non_null(strstr(seen, q));
	assert_int_equal(chown(p, 0, 0), 0);
	assert_int_equal(chown(q, 0, 0), 0);
	assert_int_equal(run(), 0);
}

/*
 * The installation of separate users (docs/deployment.md): the database's
 * folder set-group-ID and its group's, files the intranet made there
 * (SQLite's -wal and -shm) owned by it with the folder's group, read and
 * write; totp.key and erasure.key readable by the intranet's own group.
 * Each allowance at its boundary: without set-group-ID, another group, no
 * group write, and the signing key readable by that group, are named.
 * Needs root to give files away.
 */
static void
separate_users(void **st)
{
	char d[256], wal[256], totp[256], secret[256];
	struct stat ds;

	(void)st;
	if (geteuid() != 0) {
		assert_int_equal(run(), 0);
		return;
	}
	snprintf(d, sizeof(d), "%s/db", dir);
	snprintf(wal, sizeof(wal), "%s/db/rekisteri.db-wal", dir);
	snprintf(totp, sizeof(totp), "%s/keys/totp.key", dir);
	snprintf(secret, sizeof(secret), "%s/keys/secret.key", dir);
	assert_int_equal(stat(d, &ds), 0);
	assert_int_equal(chmod(d, 02770), 0);
	assert_int_equal(chown(wal, 65534, ds.st_gid), 0);
	assert_int_equal(chmod(wal, 0660), 0);
	assert_int_equal(chown(totp, 0, 65534), 0);
	assert_int_equal(chmod(totp, 0640), 0);
	if (run() != 0)
		fail_msg("%s", seen);
	/* not set-group-ID: the file is someone else's */
	assert_int_equal(chmod(d, 0770), 0);
	assert_int_equal(run(), 1);
	assert_non_null(strstr(seen, "|chown root "));
	assert_int_equal(chmod(d, 02770), 0);
	/* the group may not write it */
	assert_int_equal(chmod(wal, 0640), 0);
	assert_int_equal(run(), 1);
	assert_int_equal(chmod(wal, 0660), 0);
	/* another group */
	assert_int_equal(chown(wal, 65534, 65534), 0);
	assert_int_equal(run(), 1);
	/* the signing key is the owner's alone, whatever the group */
	assert_int_equal(chown(wal, 0, 0), 0);
	assert_int_equal(chown(secret, 0, 65534), 0);
	assert_int_equal(chmod(secret, 0640), 0);
	assert_int_equal(run(), 1);
	assert_non_null(strstr(seen, "|chmod 600 "));
	assert_int_equal(chmod(secret, 0600), 0);
	assert_int_equal(chown(secret, 0, 0), 0);
	assert_int_equal(chown(totp, 0, 0), 0);
	assert_int_equal(chmod(totp, 0600), 0);
	assert_int_equal(chmod(d, 0700), 0);
	assert_int_equal(run(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sound),
		cmocka_unit_test(modes),
		cmocka_unit_test(links_not_followed),
		cmocka_unit_test(ledger_elsewhere),
		cmocka_unit_test(owner),
		cmocka_unit_test(separate_users),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
