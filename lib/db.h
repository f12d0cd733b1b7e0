/* db.h — the SQLite database: open with the right pragmas, migrate, prepared statements, transactions. */
#ifndef REKISTERI_DB_H
#define REKISTERI_DB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

enum db_mode {
	DB_READONLY,
	DB_READWRITE,
	DB_CREATE	/* read-write, created if missing */
};

/*
 * Open path with WAL, foreign_keys=ON, synchronous=FULL (and, to write,
 * secure_delete=ON: freed content is zeroed) and a 5 s busy
 * timeout. A database file that other users may read or change is refused
 * (one sentence naming the file and the chmod that fixes it): it holds
 * personal data. So is, in one sentence naming the file and the reason, a
 * missing file (but with DB_CREATE), one that cannot be written (or whose
 * folder cannot) by a mode that writes, and one whose header or schema is
 * damaged (page 1 and sqlite_schema are read; #17). Returns the handle, or
 * NULL with the reason in err.
 */
sqlite3	*db_open(const char *path, enum db_mode mode, char *err, size_t errlen);
void	 db_close(sqlite3 *);
/* Wait for another process's lock about ms milliseconds instead of 5 s. */
void	 db_busy_timeout(sqlite3 *, int ms);

/*
 * db_open's checks of the file alone, without opening it (so nothing is
 * made beside it): missing, others may read it, not writable (it or its
 * folder) for a mode that writes. 0, or -1 with one sentence in err.
 */
int	 db_access(const char *path, enum db_mode mode, char *err,
	    size_t errlen);

/*
 * The mode of a new private file at path (a database, the erasure
 * ledger): 0660 when its folder is set-group-ID and its group may enter
 * and write it, the folder of an installation whose executables run as
 * separate users sharing that group (docs/deployment.md, #15); else 0600.
 * Never anything for other users. Callers fchmod to it, past the umask.
 */
mode_t	 db_new_file_mode(const char *path);

/*
 * Faults of the database rather than of a statement (#17, docs/faults.md):
 * the lock held longer than the busy timeout, the disk or the file's
 * max_page_count full, the file read-only, an I/O error, damage. SQLite's
 * error-log callback records them (db_open installs it when it is the
 * process's first SQLite call); db_fault is the first recorded since
 * db_fault_set(DB_FAULT_NONE), and damage overrides all. db_init, for
 * servers, installs it before anything else and has damage found after
 * start logged once, saying what to do. The app layer answers 503 with
 * Retry-After for any of them (app_error, app_page).
 */
enum db_fault {
	DB_FAULT_NONE,
	DB_FAULT_BUSY,
	DB_FAULT_FULL,
	DB_FAULT_READONLY,
	DB_FAULT_IO,
	DB_FAULT_DAMAGED,
	DB_FAULT__MAX
};
extern const char *const db_fault_names[DB_FAULT__MAX];
void		 db_init(void);
enum db_fault	 db_fault(void);
void		 db_fault_set(enum db_fault);

/*
 * Apply sql/NNN_name.sql files from dir that have not run yet, in order of
 * NNN, each in its own transaction, recording each in schema_migrations.
 * A failing file is rolled back whole and named in err; later files do not
 * run. Progress lines ("applied 001_init.sql") go to report when not NULL.
 * Returns the number applied, or -1.
 */
int	 db_migrate(sqlite3 *, const char *dir, FILE *report, char *err,
	    size_t errlen);

/* The highest migration number applied, 0 for none, -1 on error. */
int	 db_version(sqlite3 *);

/*
 * Prepare n statements from the constant SQL table sql into st (a module's
 * table, prepared once per process). On failure finalizes what was
 * prepared, logs the statement's index and returns -1.
 */
int	 db_prepare_all(sqlite3 *, const char *const *sql, size_t n,
	    sqlite3_stmt **st);
void	 db_finalize_all(sqlite3_stmt **st, size_t n);

/*
 * Statement k of a module's table sql, prepared for one use (the caller
 * finalizes it), or NULL with the index and SQLite's message logged.
 */
sqlite3_stmt *db_prep(sqlite3 *, const char *const *sql, int k);
/* Step st, which returns no rows, and finalize it. 0 or -1. */
int	 db_done(sqlite3_stmt *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; 0 or -1 (logged). */
int	 db_begin(sqlite3 *);
/* 1 when db has no transaction open and no statement under way, else 0. */
int	 db_idle(sqlite3 *);
int	 db_commit(sqlite3 *);
void	 db_rollback(sqlite3 *);

/* BEGIN DEFERRED: a consistent view for a long read (end it with db_rollback). */
int	 db_begin_read(sqlite3 *);

#endif
