/* db_cache.c — prepared statements kept for a run on one connection; see db_cache.h. */
#include <stddef.h>

#include <sqlite3.h>

#include "db_cache.h"
#include "log.h"

/* enough for every module's table a run touches (forget, holds, audit) */
#define CACHE_MAX	96

struct kept {
	const char *const	*sql;	/* the module's table: with k, the key */
	int			 k;
	int			 busy;	/* handed out, not yet released */
	sqlite3_stmt		*st;
};

static sqlite3		*scope;
static struct kept	 kept[CACHE_MAX];
static size_t		 nkept;

int
db_cache_begin(sqlite3 *db)
{
	if (scope != NULL && scope != db)
		return -1;
	scope = db;
	return 0;
}

int
db_cache_enter(sqlite3 *db)
{
	if (scope != NULL)
		return 0;
	scope = db;
	return 1;
}

void
db_cache_end(sqlite3 *db)
{
	if (db == NULL || scope != db)
		return;
	for (size_t i = 0; i < nkept; i++) {
		sqlite3_finalize(kept[i].st);
		kept[i] = (struct kept){ NULL, 0, 0, NULL };
	}
	nkept = 0;
	scope = NULL;
}

/* Prepare statement k of sql on db with flags. NULL (logged) on failure. */
static sqlite3_stmt *
prepare(sqlite3 *db, const char *const *sql, int k, unsigned flags)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db, sql[k], -1, flags, &st, NULL) != SQLITE_OK) {
		LOG_ERR("statement %d: %s", k, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *
db_cached(sqlite3 *db, const char *const *sql, int k)
{
	sqlite3_stmt *st;

	if (db == NULL || db != scope)
		return prepare(db, sql, k, 0);
	for (size_t i = 0; i < nkept; i++)
		if (kept[i].sql == sql && kept[i].k == k) {
			if (kept[i].busy)	/* nested use: one of its own */
				return prepare(db, sql, k, 0);
			kept[i].busy = 1;
			return kept[i].st;
		}
	if (nkept == CACHE_MAX ||
	    (st = prepare(db, sql, k, SQLITE_PREPARE_PERSISTENT)) == NULL)
		return nkept == CACHE_MAX ? prepare(db, sql, k, 0) : NULL;
	kept[nkept++] = (struct kept){ sql, k, 1, st };
	return st;
}

void
db_release(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	if (scope != NULL && sqlite3_db_handle(st) == scope)
		for (size_t i = 0; i < nkept; i++)
			if (kept[i].st == st) {
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
				kept[i].busy = 0;
				return;
			}
	sqlite3_finalize(st);
}

int
db_cdone(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
