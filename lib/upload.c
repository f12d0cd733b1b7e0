/* upload.c — see upload.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "log.h"
#include "upload.h"

enum ustmt { U_EXPIRE, U_DROP_USER, U_KEEP, U_GET, U_DROP, U__MAX };

static const char *const sql[U__MAX] = {
	[U_EXPIRE] = "DELETE FROM import_uploads WHERE created_at <"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
	[U_DROP_USER] = "DELETE FROM import_uploads WHERE user_id = ?1",
	[U_KEEP] = "INSERT INTO import_uploads (user_id, filename, charset,"
	    " source, data) VALUES (?1, ?2, ?3, ?4, ?5)",
	[U_GET] = "SELECT data, charset, source FROM import_uploads WHERE"
	    " id = ?1 AND user_id = ?2 AND created_at >="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
	[U_DROP] = "DELETE FROM import_uploads WHERE id = ?1",
};

int
upload_expire(sqlite3 *db)
{
	sqlite3_stmt *st = db_prep(db, sql, U_EXPIRE);

	if (st == NULL || db_done(st) != 0) {
		LOG_ERR("old uploads could not be deleted");
		return -1;
	}
	return 0;
}

int
upload_keep(sqlite3 *db, long long user_id, const char *filename,
    const char *charset, const char *source, const char *data, size_t len,
    long long *id)
{
	sqlite3_stmt *st;

	if ((st = db_prep(db, sql, U_DROP_USER)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	if (db_done(st) != 0 || (st = db_prep(db, sql, U_KEEP)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, filename ? filename : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, charset, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 5, data, len, SQLITE_STATIC);
	if (db_done(st) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
upload_get(sqlite3 *db, long long id, long long user_id, struct upload *u)
{
	sqlite3_stmt *st;
	int rc;

	memset(u, 0, sizeof(*u));
	if ((st = db_prep(db, sql, U_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		u->len = (size_t)sqlite3_column_bytes(st, 0);
		u->data = xmalloc(u->len + 1);
		if (u->len > 0)
			memcpy(u->data, sqlite3_column_blob(st, 0), u->len);
		u->data[u->len] = '\0';
		snprintf(u->charset, sizeof(u->charset), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(u->source, sizeof(u->source), "%s",
		    (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
upload_drop(sqlite3 *db, long long id)
{
	sqlite3_stmt *st = db_prep(db, sql, U_DROP);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_done(st);
}

void
upload_free(struct upload *u)
{
	free(u->data);
	memset(u, 0, sizeof(*u));
}
