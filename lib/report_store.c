/* report_store.c — an access report or portability file as sent with a request's answer, kept unchanged with its SHA-256 (sql/020_reports.sql); see access_report.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "access_report.h"
#include "db.h"
#include "log.h"

const char *const ar_stored_kinds[ASK__MAX] = {
	"access_report", "access_report", "portability"
};
const char *const ar_stored_formats[ASK__MAX] = { "html", "json", "json" };

enum stmt {
	S_INSERT,
	S_LIST,
	S_GET,
	S__MAX
};

static const char *const sql[S__MAX] = {
	/* S_INSERT */
	"INSERT INTO request_reports (request_id, customer_id, kind, format,"
	" sent_at, sent_by, sent_via, content, sha256)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* S_LIST */
	"SELECT id, customer_id, kind, format, sent_at, sent_via, sha256,"
	" length(content) FROM request_reports WHERE request_id = ?1"
	" ORDER BY id",
	/* S_GET */
	"SELECT content, format FROM request_reports"
	" WHERE request_id = ?1 AND id = ?2",
};

int
ar_store(sqlite3 *db, long long request_id, long long customer_id,
    enum ar_stored_kind kind, const char *via, const char *content,
    size_t len, long long user_id, time_t now, long long *id)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], at[24];
	struct tm tm;
	sqlite3_stmt *st;

	if (kind >= ASK__MAX || (strcmp(via, "post") != 0 &&
	    strcmp(via, "email") != 0) || len > (size_t)1 << 30)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)content, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((st = db_prep(db, sql, S_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, customer_id);
	sqlite3_bind_text(st, 3, ar_stored_kinds[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ar_stored_formats[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(st, 6, user_id);
	sqlite3_bind_text(st, 7, via, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, content, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, hex, -1, SQLITE_TRANSIENT);
	if (db_done(st) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
ar_stored_list(sqlite3 *db, long long request_id,
    int (*fn)(void *arg, const struct ar_stored *), void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, S_LIST);
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ar_stored s = { sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5),
		    (const char *)sqlite3_column_text(st, 6),
		    sqlite3_column_int64(st, 7) };

		stop = fn(arg, &s);
	}
	if (!stop && rc != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
ar_stored_get(sqlite3 *db, long long request_id, long long id,
    struct buf *out, char format[8])
{
	sqlite3_stmt *st = db_prep(db, sql, S_GET);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		buf_add(out, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		snprintf(format, 8, "%s", (const char *)sqlite3_column_text(st,
		    1));
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 1;
	else {
		LOG_ERR("%s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}
