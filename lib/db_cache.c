/* db_cache.c — prepared statements kept for a run on one connection; see db_cache.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* a statement kept by its text (db_cached_text) */
struct kept_text {
	char			*sql;	/* a copy: the key */
	unsigned long		 used;	/* when last handed out: a tick */
	int			 busy;
	sqlite3_stmt		*st;
};

static sqlite3		*scope;
static struct kept	 kept[CACHE_MAX];
static size_t		 nkept;
static struct kept_text	 texts[DB_CACHE_TEXTS];
static unsigned long	 tick;

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
	for (size_t i = 0; i < DB_CACHE_TEXTS; i++) {
		sqlite3_finalize(texts[i].st);
		free(texts[i].sql);
		texts[i] = (struct kept_text){ NULL, 0, 0, NULL };
	}
	scope = NULL;
}

/* Prepare sql on db with flags (k: its index in a table, or -1). NULL (logged) on failure. */
static sqlite3_stmt *
prepare_text(sqlite3 *db, const char *sql, int k, unsigned flags)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db, sql, -1, flags, &st, NULL) != SQLITE_OK) {
		if (k >= 0)
			LOG_ERR("statement %d: %s", k, sqlite3_errmsg(db));
		else
			LOG_ERR("%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Statement k of sql on db with flags. */
static sqlite3_stmt *
prepare(sqlite3 *db, const char *const *sql, int k, unsigned flags)
{
	return prepare_text(db, sql[k], k, flags);
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

sqlite3_stmt *
db_cached_text(sqlite3 *db, const char *sql)
{
	struct kept_text *room = NULL;
	sqlite3_stmt *st;
	char *key;

	if (db == NULL || db != scope)
		return prepare_text(db, sql, -1, 0);
	for (size_t i = 0; i < DB_CACHE_TEXTS; i++) {
		struct kept_text *t = &texts[i];

		if (t->sql != NULL && strcmp(t->sql, sql) == 0) {
			if (t->busy)	/* nested use: one of its own */
				return prepare_text(db, sql, -1, 0);
			t->busy = 1;
			t->used = ++tick;
			return t->st;
		}
		/* an empty place, else the one not in use used longest ago */
		if (!t->busy && (room == NULL || (room->sql != NULL &&
		    (t->sql == NULL || t->used < room->used))))
			room = t;
	}
	if (room == NULL)	/* every one in use */
		return prepare_text(db, sql, -1, 0);
	if ((st = prepare_text(db, sql, -1, SQLITE_PREPARE_PERSISTENT)) == NULL)
		return NULL;
	if ((key = strdup(sql)) == NULL) {
		sqlite3_finalize(st);
		return prepare_text(db, sql, -1, 0);
	}
	sqlite3_finalize(room->st);
	free(room->sql);
	*room = (struct kept_text){ key, ++tick, 1, st };
	return st;
}

/* st back in its place, reset and unbound, when it is a kept one: 1, else 0. */
static int
give_back(sqlite3_stmt *st)
{
	int *busy = NULL;

	for (size_t i = 0; busy == NULL && i < nkept; i++)
		if (kept[i].st == st)
			busy = &kept[i].busy;
	for (size_t i = 0; busy == NULL && i < DB_CACHE_TEXTS; i++)
		if (texts[i].st == st)
			busy = &texts[i].busy;
	if (busy == NULL)
		return 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	*busy = 0;
	return 1;
}

void
db_release(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	if (scope != NULL && sqlite3_db_handle(st) == scope && give_back(st))
		return;
	sqlite3_finalize(st);
}

int
db_cdone(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
