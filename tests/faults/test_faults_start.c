/*
 * test_faults_start — the database missing, read-only or damaged at start
 * (#17, docs/faults.md): every FastCGI executable refuses to start with one
 * line naming the file and the reason, and rekisteri check says the same
 * and exits 1; a page damaged inside the file, which the cheap start-up
 * check does not read, is found by rekisteri check's quick_check, which
 * says what to do. Each runs as the FastCGI user, as the server runs them.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "faults.h"

static const char *const writers[] = { "request", "intranet" };

/*
 * name started on conf exits 1 with exactly one line that has want1 and
 * want2 in it.
 */
static void
refuses(const char *name, const char *conf, const char *want1,
    const char *want2)
{
	struct buf o = BUF_INIT;
	int rc;

	rc = fault_run_as_server(&o, "%s -c %s", fault_exe(name), conf);
	if (rc != 1 || fault_lines(buf_cstr(&o)) != 1 ||
	    strstr(buf_cstr(&o), want1) == NULL ||
	    strstr(buf_cstr(&o), want2) == NULL)
		fail_msg("%s: exit %d, not one line with \"%s\" and \"%s\":\n%s",
		    name, rc, want1, want2, buf_cstr(&o));
	buf_free(&o);
}

/* rekisteri check on conf exits 1 and says want1 and want2. */
static void
check_says(const char *conf, const char *want1, const char *want2)
{
	struct buf o = BUF_INIT;
	int rc;

	rc = fault_run_as_server(&o, "%s -c %s check", fault_cli(), conf);
	if (rc != 1 || strstr(buf_cstr(&o), want1) == NULL ||
	    strstr(buf_cstr(&o), want2) == NULL)
		fail_msg("check: exit %d, not \"%s\" and \"%s\":\n%s", rc, want1,
		    want2, buf_cstr(&o));
	buf_free(&o);
}

/* Overwrite page (1 = the first) of path with len bytes of junk at offset. */
static void
damage(const char *path, long page, long offset, size_t len)
{
	unsigned char junk[4096];
	int fd;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	assert_true(len <= sizeof(junk));
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, junk, len, (page - 1) * 4096 + offset),
	    (ssize_t)len);
	close(fd);
}

/* A missing database: each executable and check name it and say so. */
static void
missing(void **st)
{
	char db[4400], want[4500];
	const char *conf;

	(void)st;
	snprintf(db, sizeof(db), "%s/missing.db", fault_dir());
	conf = fault_conf("missing.conf", db, 0);
	snprintf(want, sizeof(want), "%s: the database does not exist", db);
	refuses("notice", conf, want, "rekisteri init");
	refuses("request", conf, want, "rekisteri init");
	refuses("intranet", conf, want, "rekisteri init");
	check_says(conf, want, "rekisteri init");
	/* and nothing was made in its place */
	assert_int_not_equal(access(db, F_OK), 0);
}

/*
 * A read-only file: the executables that write refuse it; the notice,
 * which only reads, starts (it opens the database read-only by design).
 */
static void
read_only_file(void **st)
{
	char db[4400], want[4500];
	struct buf o = BUF_INIT;
	const char *conf;

	(void)st;
	snprintf(db, sizeof(db), "%s/ro.db", fault_dir());
	fault_copy_db(db);
	assert_int_equal(chmod(db, 0400), 0);
	conf = fault_conf("ro.conf", db, 0);
	snprintf(want, sizeof(want), "%s: the database is read-only", db);
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		refuses(writers[i], conf, want, "mode 0400");
	check_says(conf, want, "mode 0400");
	/* the notice starts (and ends at once: its standard input is no socket) */
	fault_run_as_server(&o, "%s -c %s", fault_exe("notice"), conf);
	assert_null(strstr(buf_cstr(&o), "read-only"));
	buf_free(&o);
	assert_int_equal(chmod(db, 0600), 0);
}

/* A folder the user cannot write: SQLite could not make -wal and -shm there. */
static void
read_only_folder(void **st)
{
	char sub[4400], db[4500], want[9200];
	const char *conf;

	(void)st;
	snprintf(sub, sizeof(sub), "%s/rodir", fault_dir());
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(db, sizeof(db), "%s/r.db", sub);
	fault_copy_db(db);
	{
		struct stat sb;

		/* the folder to the file's owner, as fault_copy_db gave it */
		assert_int_equal(stat(db, &sb), 0);
		assert_int_equal(chown(sub, sb.st_uid, sb.st_gid), 0);
	}
	assert_int_equal(chmod(sub, 0500), 0);
	conf = fault_conf("rodir.conf", db, 0);
	snprintf(want, sizeof(want), "%s: the database's folder %s cannot be "
	    "written", db, sub);
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		refuses(writers[i], conf, want, "-wal and -shm");
	check_says(conf, want, "-wal and -shm");
	assert_int_equal(chmod(sub, 0700), 0);
}

/* A damaged header: nobody starts; check says to restore the backup. */
static void
damaged_header(void **st)
{
	char db[4400], want[4500];
	const char *conf;

	(void)st;
	snprintf(db, sizeof(db), "%s/hdr.db", fault_dir());
	fault_copy_db(db);
	damage(db, 1, 0, 16);	/* "SQLite format 3" no more */
	conf = fault_conf("hdr.conf", db, 0);
	snprintf(want, sizeof(want), "%s: the database is damaged", db);
	refuses("notice", conf, want, "rekisteri restore");
	refuses("request", conf, want, "rekisteri restore");
	refuses("intranet", conf, want, "rekisteri restore");
	check_says(conf, want, "rekisteri restore");
}

/* A damaged schema page (sqlite_schema on page 1, past its header). */
static void
damaged_schema(void **st)
{
	char db[4400], want[4500];
	const char *conf;

	(void)st;
	snprintf(db, sizeof(db), "%s/schema.db", fault_dir());
	fault_copy_db(db);
	damage(db, 1, 100, 4096 - 100);
	conf = fault_conf("schema.conf", db, 0);
	snprintf(want, sizeof(want), "%s: the database is damaged", db);
	refuses("request", conf, want, "rekisteri restore");
	check_says(conf, want, "rekisteri restore");
}

/*
 * A page inside a table overwritten: start-up reads only page 1 and the
 * schema (cheap at any size), so rekisteri check's quick_check finds it.
 */
static void
damaged_page(void **st)
{
	char db[4400];
	struct buf o = BUF_INIT;
	const char *conf;
	long long root;

	(void)st;
	snprintf(db, sizeof(db), "%s/page.db", fault_dir());
	fault_copy_db(db);
	{
		sqlite3 *d;
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY,
		    NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(d, "SELECT rootpage FROM "
		    "sqlite_schema WHERE name = 'notice_versions'", -1, &s, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		root = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		sqlite3_close(d);
	}
	assert_true(root > 1);
	damage(db, (long)root, 0, 4096);
	conf = fault_conf("page.conf", db, 0);
	check_says(conf, "quick_check", "the database is damaged: stop the "
	    "service and restore the newest good backup (rekisteri restore");
	fault_run_as_server(&o, "%s -c %s", fault_exe("request"), conf);
	assert_null(strstr(buf_cstr(&o), "damaged"));
	buf_free(&o);
}

/* The sound database: check says so, with quick_check's time. */
static void
sound(void **st)
{
	struct buf o = BUF_INIT;
	char want[4500];

	(void)st;
	assert_int_equal(fault_run_as_server(&o, "%s -c %s check", fault_cli(),
	    getenv("REKISTERI_CONF")), 0);
	snprintf(want, sizeof(want), "%s: the database can be written and passes "
	    "quick_check", fault_db());
	if (strstr(buf_cstr(&o), want) == NULL)
		fail_msg("no \"%s\":\n%s", want, buf_cstr(&o));
	buf_free(&o);
}

static int
setup(void **st)
{
	(void)st;
	return fault_setup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sound),
		cmocka_unit_test(missing),
		cmocka_unit_test(read_only_file),
		cmocka_unit_test(read_only_folder),
		cmocka_unit_test(damaged_header),
		cmocka_unit_test(damaged_schema),
		cmocka_unit_test(damaged_page),
	};

	return http_group_main("faults_start", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
