/* db.c — see db.h. */
#include <sys/stat.h>

#include <dirent.h>
#include <libgen.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "db_cache.h"
#include "log.h"

/*
 * Pragmas every connection gets; WAL only where we may write. Writers
 * zero what they delete (secure_delete; Debian's SQLite has it on by
 * default, others not): an erased person's values must not stay in free
 * pages or cells of the file (#14, docs/retention.md).
 */
static const char *const pragmas_rw =
    "PRAGMA journal_mode=WAL;"
    /*
     * temporary tables, indexes and statement journals in memory: never a
     * file of personal data in /tmp, and the sandbox (lib/sandbox.c) gives
     * no temporary folder (a DELETE under triggers, e.g. discarding the
     * notice draft, needs a statement journal)
     */
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA secure_delete=ON;"
    "PRAGMA foreign_keys=ON;";
static const char *const pragmas_ro =
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA foreign_keys=ON;";

/*
 * The fault of this thread's last failed statement that came from the
 * database's state rather than from the statement (#17): recorded by
 * SQLite's error log callback (full, read-only, I/O, damage) and by
 * db_busy when it gives up. Per thread: a worker's threads (lib/app.c)
 * each answer their own request.
 */
static _Thread_local volatile enum db_fault fault;
static char fault_path[512];	/* the database, for the damage line */
static int damage_log;		/* db_init: log damage (once), for servers */
static int opening;		/* db_open says why itself */

static void
db_log(void *arg, int code, const char *msg)
{
	enum db_fault f = DB_FAULT_NONE;

	(void)arg;
	(void)msg;	/* it may quote SQL: never logged here */
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		f = DB_FAULT_BUSY;
		break;
	case SQLITE_FULL:
		f = DB_FAULT_FULL;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		f = DB_FAULT_READONLY;
		break;
	case SQLITE_IOERR:
		/* a full disk shows as a write error too (ENOSPC) */
		f = DB_FAULT_IO;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		f = DB_FAULT_DAMAGED;
		break;
	default:
		return;
	}
	if (f == DB_FAULT_DAMAGED && fault != DB_FAULT_DAMAGED && damage_log &&
	    !opening)
		LOG_ERR("%s is damaged: stop the service, run rekisteri check and "
		    "restore the newest good backup (rekisteri restore FILE)",
		    fault_path[0] ? fault_path : "the database");
	if (fault == DB_FAULT_NONE || f == DB_FAULT_DAMAGED)
		fault = f;
}

static void
db_log_install(void)
{
	static int done;

	if (done++)
		return;
	/* only before SQLite initialises; later calls change nothing */
	(void)sqlite3_config(SQLITE_CONFIG_LOG, db_log, NULL);
}

void
db_init(void)
{
	damage_log = 1;
	db_log_install();
}

enum db_fault
db_fault(void)
{
	return fault;
}

void
db_fault_set(enum db_fault f)
{
	fault = f;
}

const char *const db_fault_names[DB_FAULT__MAX] = {
	"none", "busy", "full", "readonly", "io", "damaged"
};

/*
 * Wait for a lock another process holds in short steps, about 5 s in all.
 * SQLite's own busy timeout sleeps 1, 2, 5, 10 ... 100 ms at a time, so
 * under steady writes from several workers (an audit row for every page
 * view) a request that finds the lock taken would wait far longer than
 * the lock is held (one WAL commit, under a millisecond here).
 */
static int
db_busy(void *arg, int n)
{
	int limit = arg != NULL ? (int)(intptr_t)arg : 5000;

	if (n >= limit) {
		if (fault == DB_FAULT_NONE)
			fault = DB_FAULT_BUSY;
		return 0;
	}
	usleep(n < 10 ? 100 : 1000);
	return 1;
}

/*
 * A program that writes must be able to write the file and its folder
 * (SQLite makes PATH-wal and PATH-shm beside it): said at start-up in one
 * sentence instead of as a failed write on the first form posted (#17).
 * A file without any write bit is read-only even for root.
 */
static int
db_writable(const char *path, const struct stat *st, enum db_mode mode,
    char *err, size_t errlen)
{
	char dir[4096];

	if (mode == DB_READONLY) {
		if (access(path, R_OK) != 0) {
			snprintf(err, errlen, "%s: the database cannot be read "
			    "(%s): give the user that runs the program (uid %ld) "
			    "read access", path, strerror(errno), (long)getuid());
			return -1;
		}
		return 0;
	}
	if ((st->st_mode & 0222) == 0 || access(path, R_OK | W_OK) != 0) {
		snprintf(err, errlen, "%s: the database is read-only (%s, mode "
		    "%04o) and this program writes it: give the user that runs "
		    "it (uid %ld) read and write access (chown, chmod 600) or "
		    "mount it read-write", path, (st->st_mode & 0222) == 0 ?
		    "no write permission" : strerror(errno),
		    (unsigned)(st->st_mode & 07777), (long)getuid());
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (access(dirname(dir), W_OK | X_OK) != 0) {
		snprintf(dir, sizeof(dir), "%s", path);
		snprintf(err, errlen, "%s: the database's folder %s cannot be "
		    "written (%s), and SQLite keeps its -wal and -shm files "
		    "there: give the user that runs the program (uid %ld) write "
		    "access to it", path, dirname(dir), strerror(errno),
		    (long)getuid());
		return -1;
	}
	return 0;
}

/*
 * Why the database did not open, in one sentence naming it: a damaged file
 * says what to do.
 */
static void
open_error(sqlite3 *db, const char *path, const char *msg, char *err,
    size_t errlen)
{
	int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_CANTOPEN;

	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		snprintf(err, errlen, "%s: the database is damaged (%s): stop "
		    "the service and restore the newest good backup (rekisteri "
		    "restore FILE); rekisteri check runs the full check", path,
		    msg);
	else if (code == SQLITE_READONLY)
		snprintf(err, errlen, "%s: the database is read-only (%s) and "
		    "this program writes it", path, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

mode_t
db_new_file_mode(const char *path)
{
	char dir[4096];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & S_ISGID) && (st.st_mode & (S_IWGRP | S_IXGRP)) ==
	    (S_IWGRP | S_IXGRP) && (st.st_mode & S_IRWXO) == 0)
		return 0660;
	return 0600;
}

/*
 * The database holds personal data, password hashes and sealed secrets
 * (#18): a file that other users may read or change is not opened, and
 * DB_CREATE makes a missing one 0600, or 0660 in a shared folder
 * (db_new_file_mode; an empty file is a new database, and SQLite gives its
 * -wal and -shm files the same mode), whatever the umask. Group access is
 * allowed (0640 or 0660, for the group that shares the register). 0, or
 * -1 with one sentence in err naming the file.
 */
static int
db_private(const char *path, enum db_mode mode, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (strcmp(path, ":memory:") == 0)
		return 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && mode != DB_CREATE) {
			snprintf(err, errlen, "%s: the database does not exist "
			    "(rekisteri init makes it)", path);
			return -1;
		}
		if (errno != ENOENT || mode != DB_CREATE)
			return 0;	/* SQLite says why */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600)) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (fd >= 0) {
			/* past the umask (077 in the executables) */
			if (fchmod(fd, db_new_file_mode(path)) != 0) {
				snprintf(err, errlen, "%s: %s", path,
				    strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		}
		return 0;
	}
	if ((st.st_mode & S_IRWXO) == 0)
		return db_writable(path, &st, mode, err, errlen);
	snprintf(err, errlen, "%s may be read or changed by other users (mode "
	    "%04o) and holds personal data, so it is not opened: chmod o-rwx "
	    "%s (and its -wal and -shm files)", path, (unsigned)(st.st_mode & 07777),
	    path);
	return -1;
}

int
db_access(const char *path, enum db_mode mode, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0 && errno == ENOENT && mode != DB_CREATE) {
		snprintf(err, errlen, "%s: the database does not exist "
		    "(rekisteri init makes it)", path);
		return -1;
	}
	return db_private(path, mode == DB_CREATE ? DB_READWRITE : mode, err,
	    errlen);
}

sqlite3 *
db_open(const char *path, enum db_mode mode, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int flags;

	db_log_install();
	if (db_private(path, mode, err, errlen) != 0)
		return NULL;
	if (fault_path[0] == '\0')
		snprintf(fault_path, sizeof(fault_path), "%s", path);
	switch (mode) {
	case DB_READONLY:
		flags = SQLITE_OPEN_READONLY;
		break;
	case DB_READWRITE:
		flags = SQLITE_OPEN_READWRITE;
		break;
	default:
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
		break;
	}
	opening = 1;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		open_error(db, path, db ? sqlite3_errmsg(db) :
		    "cannot open the database", err, errlen);
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, db_busy, NULL);
	if (sqlite3_exec(db, mode == DB_READONLY ? pragmas_ro : pragmas_rw,
	    NULL, NULL, &msg) != SQLITE_OK) {
		open_error(db, path, msg ? msg : "pragma failed", err, errlen);
		sqlite3_free(msg);
		goto fail;
	}
	/*
	 * A cheap look at the file (page 1 and the schema), so a damaged header
	 * or schema stops the program at start; the full check (quick_check
	 * reads every page) is rekisteri check's: docs/faults.md.
	 */
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
	    &msg) != SQLITE_OK) {
		open_error(db, path, msg ? msg : sqlite3_errmsg(db), err, errlen);
		sqlite3_free(msg);
		goto fail;
	}
	if (mode != DB_READONLY && sqlite3_db_readonly(db, "main") == 1) {
		snprintf(err, errlen, "%s: the database opened read-only and this "
		    "program writes it: check its owner, its mode and its mount",
		    path);
		goto fail;
	}
	opening = 0;
	return db;
fail:
	opening = 0;
	sqlite3_close(db);
	return NULL;
}

void
db_busy_timeout(sqlite3 *db, int ms)
{
	sqlite3_busy_handler(db, db_busy, (void *)(intptr_t)(ms > 10 ? ms : 10));
}

void
db_close(sqlite3 *db)
{
	db_cache_end(db);
	if (db != NULL && sqlite3_close(db) != SQLITE_OK)
		LOG_ERR("close: %s", sqlite3_errmsg(db));
}

static const char *const sql_migrations_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
    ")";

int
db_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_exec(db, sql_migrations_table, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db,
	    "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

struct migration {
	int	 version;
	char	*name;
};

/* Whether migration version is in schema_migrations (an error counts as yes). */
static int
ran_before(sqlite3 *db, int version)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM schema_migrations WHERE"
	    " version = ?1", -1, &st, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int(st, 1, version);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc != SQLITE_DONE;
}

static int
migration_cmp(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* "NNN_name.sql" → NNN (1..99999), or -1 for any other file name. */
static int
migration_number(const char *name)
{
	const char *p = name;
	long v = 0;
	size_t n = strlen(name);

	if (n < 9 || strcmp(name + n - 4, ".sql") != 0)
		return -1;
	while (*p >= '0' && *p <= '9' && v < 100000)
		v = v * 10 + (*p++ - '0');
	if (p - name != 3 || *p != '_' || v == 0)
		return -1;
	return (int)v;
}

static char *
read_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	return buf_take(&b);
}

int
db_migrate(sqlite3 *db, const char *dir, FILE *report, char *err, size_t errlen)
{
	struct migration *m = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	sqlite3_stmt *ins = NULL;
	DIR *d;
	int have, applied = 0, rc = -1;
	char path[4096];

	if ((have = db_version(db)) < 0) {
		snprintf(err, errlen, "cannot read schema_migrations: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		int v = migration_number(de->d_name);

		if (v < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			m = xrealloc(m, cap * sizeof(*m));
		}
		m[n].version = v;
		m[n].name = xstrdup(de->d_name);
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(m, n, sizeof(*m), migration_cmp);
	for (i = 1; i < n; i++)
		if (m[i].version == m[i - 1].version) {
			snprintf(err, errlen, "%s: %s and %s have the same number",
			    dir, m[i - 1].name, m[i].name);
			goto out;
		}
	if (sqlite3_prepare_v2(db, "INSERT INTO schema_migrations (version, name)"
	    " VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *sql, *msg = NULL;

		/* every file not yet run, also one numbered below the newest */
		if (m[i].version <= have && ran_before(db, m[i].version))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, m[i].name);
		if ((sql = read_file(path)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) !=
		    SQLITE_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path,
			    msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			free(sql);
			db_rollback(db);
			goto out;
		}
		free(sql);
		sqlite3_reset(ins);
		sqlite3_bind_int(ins, 1, m[i].version);
		sqlite3_bind_text(ins, 2, m[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path,
			    msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			db_rollback(db);
			goto out;
		}
		if (report != NULL)
			fprintf(report, "applied %s\n", m[i].name);
		applied++;
	}
	rc = applied;
out:
	sqlite3_finalize(ins);
	for (i = 0; i < n; i++)
		free(m[i].name);
	free(m);
	return rc;
}

int
db_prepare_all(sqlite3 *db, const char *const *sql, size_t n,
    sqlite3_stmt **st)
{
	for (size_t i = 0; i < n; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &st[i], NULL) != SQLITE_OK) {
			LOG_ERR("statement %zu: %s", i, sqlite3_errmsg(db));
			db_finalize_all(st, i);
			return -1;
		}
	}
	return 0;
}

sqlite3_stmt *
db_prep(sqlite3 *db, const char *const *sql, int k)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql[k], -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("statement %d: %s", k, sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

int
db_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
db_finalize_all(sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

static int
exec_simple(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		LOG_ERR("%s: %s", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
db_begin(sqlite3 *db)
{
	return exec_simple(db, "BEGIN IMMEDIATE");
}

int
db_begin_read(sqlite3 *db)
{
	return exec_simple(db, "BEGIN DEFERRED");
}

int
db_commit(sqlite3 *db)
{
	return exec_simple(db, "COMMIT");
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		(void)exec_simple(db, "ROLLBACK");
}

int
db_idle(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;

	if (db == NULL)
		return 1;
	if (!sqlite3_get_autocommit(db))
		return 0;
	while ((s = sqlite3_next_stmt(db, s)) != NULL)
		if (sqlite3_stmt_busy(s))
			return 0;
	return 1;
}
