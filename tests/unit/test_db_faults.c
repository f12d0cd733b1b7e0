/* test_db_faults.c — db_open's refusals (missing, read-only, damaged) and the faults db_fault records (#17, docs/faults.md). */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"

static char dir[64], path[128], err[1024];

static int
setup(void **st)
{
	(void)st;
	db_init();	/* before any other SQLite call, as the executables do */
	snprintf(dir, sizeof(dir), "/tmp/rekisteri-faults-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
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

/* A new database with one table. */
static sqlite3 *
fresh(void)
{
	sqlite3 *db;

	unlink(path);
	assert_non_null(db = db_open(path, DB_CREATE, err, sizeof(err)));
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x BLOB)", NULL, NULL,
	    NULL), SQLITE_OK);
	return db;
}

static void
missing(void **st)
{
	(void)st;
	unlink(path);
	assert_null(db_open(path, DB_READWRITE, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "does not exist"));
	assert_null(db_open(path, DB_READONLY, err, sizeof(err)));
	assert_non_null(strstr(err, "does not exist"));
	assert_int_not_equal(access(path, F_OK), 0);	/* nothing made */
	assert_int_equal(db_access(path, DB_READWRITE, err, sizeof(err)), -1);
}

static void
read_only(void **st)
{
	sqlite3 *db = fresh();

	(void)st;
	db_close(db);
	assert_int_equal(chmod(path, 0400), 0);
	assert_null(db_open(path, DB_READWRITE, err, sizeof(err)));
	assert_non_null(strstr(err, "the database is read-only"));
	assert_non_null(strstr(err, "0400"));
	/* a reader may */
	assert_non_null(db = db_open(path, DB_READONLY, err, sizeof(err)));
	db_close(db);
	assert_int_equal(chmod(path, 0600), 0);
}

static void
damaged_header(void **st)
{
	sqlite3 *db = fresh();
	int fd;

	(void)st;
	db_close(db);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, "not a database!!", 16, 0), 16);
	close(fd);
	assert_null(db_open(path, DB_READWRITE, err, sizeof(err)));
	assert_non_null(strstr(err, "the database is damaged"));
	assert_non_null(strstr(err, "rekisteri restore"));
}

static void
full(void **st)
{
	sqlite3 *db = fresh();

	(void)st;
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1", NULL,
	    NULL, NULL), SQLITE_OK);
	db_fault_set(DB_FAULT_NONE);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO t VALUES "
	    "(randomblob(20000))", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_fault(), DB_FAULT_FULL);
	/* nothing half-written */
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000",
	    NULL, NULL, NULL), SQLITE_OK);
	db_close(db);
}

static void
busy(void **st)
{
	sqlite3 *db = fresh(), *other;

	(void)st;
	assert_non_null(other = db_open(path, DB_READWRITE, err, sizeof(err)));
	assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL), SQLITE_OK);
	db_busy_timeout(db, 50);
	db_fault_set(DB_FAULT_NONE);
	assert_int_not_equal(db_begin(db), 0);
	assert_int_equal(db_fault(), DB_FAULT_BUSY);
	/* reads go on under WAL */
	assert_int_equal(sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	db_close(other);
	db_fault_set(DB_FAULT_NONE);
	assert_int_equal(db_begin(db), 0);
	db_rollback(db);
	assert_int_equal(db_fault(), DB_FAULT_NONE);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing),
		cmocka_unit_test(read_only),
		cmocka_unit_test(damaged_header),
		cmocka_unit_test(full),
		cmocka_unit_test(busy),
	};

	return cmocka_run_group_tests_name("db_faults", tests, setup, teardown);
}
