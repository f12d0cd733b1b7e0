/*
 * db_cache.h — prepared statements kept for a run on one connection.
 *
 * A long run (the retention run's thousands of erasures) spends its time
 * parsing the same SQL again for every record. Inside a scope opened with
 * db_cache_begin, db_cached hands out statement k of a module's constant
 * table prepared once (SQLITE_PREPARE_PERSISTENT) and db_release resets it
 * for the next call; outside a scope, or on another connection, db_cached
 * prepares for one use and db_release finalizes, as db_prep does. Callers
 * therefore always pair db_cached with db_release (or db_cdone).
 *
 * db_cached_text keeps a statement built at run time by its text.
 *
 * One scope at a time per process (the FastCGI programs and the CLI are
 * single-threaded). db_cache_end finalizes every kept statement; db_close
 * calls it, so a connection never closes with one outstanding.
 */
#ifndef DB_CACHE_H
#define DB_CACHE_H

#include <sqlite3.h>

/* Keep statements on db until db_cache_end. 0, or -1 if another connection has the scope. */
int		 db_cache_begin(sqlite3 *);
/*
 * Open a scope on db unless one is open already: 1 when this call opened
 * it (and its caller ends it with db_cache_end), 0 when a caller up the
 * stack has it or another connection does (statements then as db_cached
 * says).
 */
int		 db_cache_enter(sqlite3 *);
/* Finalize what is kept for db and close its scope (no-op for another connection). */
void		 db_cache_end(sqlite3 *);
/*
 * Statement k of the constant table sql on db: the kept one, reset and
 * unbound, when db has the scope and it is not in use; otherwise freshly
 * prepared. NULL with the index and SQLite's message logged.
 */
sqlite3_stmt	*db_cached(sqlite3 *, const char *const *sql, int k);
/*
 * A statement built at run time (a search's WHERE from the filters given):
 * kept by its text, as db_cached keeps a table's, when db has the scope;
 * at most DB_CACHE_TEXTS texts, the one used longest ago finalized to make
 * room. Outside the scope, prepared for one use. Pair with db_release.
 */
sqlite3_stmt	*db_cached_text(sqlite3 *, const char *sql);
#define DB_CACHE_TEXTS	24
/* Give st back: reset and unbind a kept one, finalize any other. NULL is fine. */
void		 db_release(sqlite3_stmt *st);
/* Step st, which returns no rows, and release it. 0 or -1. */
int		 db_cdone(sqlite3_stmt *st);

#endif
