/*
 * audit.c — see audit.h; the canonical form and how to re-verify it by hand
 * are in docs/audit.md. Statements are prepared on every call rather than
 * cached: audit writes are rare next to page views, and a cache would have to
 * follow each caller's database handle.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "db.h"
#include "db_cache.h"
#include "log.h"

#define AUDIT_HASHLEN	32	/* BLAKE2b-256 */

enum stmt {
	STMT_HEAD,
	STMT_INSERT,
	STMT_WALK,
	STMT_LIST,
	STMT_ANCHOR,
	STMT__MAX
};

static const char *const sql[STMT__MAX] = {
	/* STMT_HEAD */
	"SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
	/* STMT_INSERT: ?1..?9 in enum field order, then the two hashes */
	"INSERT INTO audit_log (id, at, user_id, username, client, action,"
	" object_type, object_id, summary, prev_hash, hash)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* STMT_WALK: columns 0..8 in enum field order, then the two hashes */
	"SELECT id, at, user_id, username, client, action, object_type,"
	" object_id, summary, prev_hash, hash"
	" FROM audit_log ORDER BY id",
	/* STMT_LIST: a page of the log, newest first, with audit_filter */
	"SELECT l.id, l.at, l.username, l.client, l.action, l.object_type,"
	" l.object_id, l.summary, coalesce(u.display_name, ''),"
	" coalesce(o.display_name, '') FROM audit_log l"
	" LEFT JOIN users u ON u.id = l.user_id"
	" LEFT JOIN users o ON l.object_type = 'user' AND o.id = l.object_id"
	" WHERE (?1 IS NULL OR l.username = ?1)"
	/* "customer.*": the group, customer and customer.anything */
	" AND (?2 IS NULL OR l.action = ?2 OR (?2 GLOB '*.[*]' AND"
	" (l.action = substr(?2, 1, length(?2) - 2) OR"
	" substr(l.action, 1, length(?2) - 1) = substr(?2, 1, length(?2) - 1))))"
	" AND (?3 IS NULL OR l.object_id = ?3)"
	" AND (?4 IS NULL OR l.at >= ?4)"
	" AND (?5 IS NULL OR l.at < date(?5, '+1 day'))"
	/* a record's own rows, and the id lists of list pages (docs/audit.md) */
	" AND (?8 IS NULL OR (l.object_type = 'customer' AND (l.object_id = ?8"
	" OR instr(',' || l.object_id || ',', ',' || ?8 || ',') > 0)))"
	" ORDER BY l.id DESC LIMIT ?6 OFFSET ?7",
	/* STMT_ANCHOR: where the retention run cut the log (sql/022_retention.sql) */
	"SELECT first_id, prev_hash FROM audit_anchor ORDER BY first_id DESC"
	" LIMIT 1",
};

/* Columns of STMT_WALK after the hashed fields. */
#define COL_PREV_HASH	9
#define COL_HASH	10

/* The hashed fields in their canonical order (docs/audit.md). */
enum field {
	FIELD_ID,
	FIELD_AT,
	FIELD_USER_ID,
	FIELD_USERNAME,
	FIELD_CLIENT,
	FIELD_ACTION,
	FIELD_OBJECT_TYPE,
	FIELD_OBJECT_ID,
	FIELD_SUMMARY,
	FIELD__MAX
};

/* What the caller may pass in each field; max 0: we make the field ourselves. */
static const struct field_rule {
	const char	*name;
	size_t		 max;		/* bytes */
	int		 required;
} rules[FIELD__MAX] = {
	{ "id",			0,	0 },
	{ "at",			0,	0 },
	{ "user_id",		0,	0 },
	{ "username",		200,	0 },
	{ "client",		200,	0 },
	{ "action",		200,	1 },
	{ "object_type",	200,	0 },
	{ "object_id",		AUDIT_OBJECT_ID_MAX,	0 },
	{ "summary",		500,	0 },
};

/* One row's hashed fields as bytes; pointers borrowed, never NULL. */
struct row {
	const char	*v[FIELD__MAX];
	size_t		 len[FIELD__MAX];
};

static void	 say(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Format a sentence into why, when the caller gave room for one. */
static void
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * Non-zero when s[0..n) is valid UTF-8 (shortest form, no surrogates, at
 * most U+10FFFF) without control characters: no C0 (TAB, LF and CR
 * included), no DEL, no C1. Stricter than text_valid on purpose: an
 * audit row is one line.
 */
static int
text_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		uint32_t cp, min;
		size_t k, more;

		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			more = 1, min = 0x80, cp = s[i] & 0x1fU;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			more = 2, min = 0x800, cp = s[i] & 0x0fU;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			more = 3, min = 0x10000, cp = s[i] & 0x07U;
		} else
			return 0;
		if (n - i <= more)
			return 0;
		for (k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3fU);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += more + 1;
	}
	return 1;
}

/*
 * BLAKE2b-256 of prev followed by each field of r as an 8-byte big-endian
 * length and its bytes, into out. 0, or -1 if libsodium refuses.
 */
static int
row_hash(const unsigned char prev[AUDIT_HASHLEN], const struct row *r,
    unsigned char out[AUDIT_HASHLEN])
{
	crypto_generichash_state hs;
	unsigned char be[8];

	if (crypto_generichash_init(&hs, NULL, 0, AUDIT_HASHLEN) != 0 ||
	    crypto_generichash_update(&hs, prev, AUDIT_HASHLEN) != 0)
		return -1;
	for (size_t f = 0; f < FIELD__MAX; f++) {
		uint64_t len = r->len[f];

		for (size_t b = 0; b < sizeof(be); b++)
			be[b] = (unsigned char)(len >> (8 * (sizeof(be) - 1 - b)));
		if (crypto_generichash_update(&hs, be, sizeof(be)) != 0 ||
		    crypto_generichash_update(&hs,
		    (const unsigned char *)r->v[f], r->len[f]) != 0)
			return -1;
	}
	return crypto_generichash_final(&hs, out, AUDIT_HASHLEN) == 0 ? 0 : -1;
}

/* Prepare statement s on db for this call only. 0, or -1 (logged). */
static int
stmt_prepare(sqlite3 *db, enum stmt s, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v3(db, sql[s], -1, 0, st, NULL) != SQLITE_OK) {
		LOG_ERR("statement %d: %s", (int)s, sqlite3_errmsg(db));
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

/*
 * The last row's id and hash into *id and hash; 0 and 32 zero bytes when
 * the log is empty. 0, or -1 on a database error or a stored hash that is
 * not 32 bytes (logged).
 */
static int
read_head(sqlite3 *db, sqlite3_int64 *id, unsigned char hash[AUDIT_HASHLEN])
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	*id = 0;
	memset(hash, 0, AUDIT_HASHLEN);
	if ((st = db_cached(db, sql, STMT_HEAD)) == NULL)
		return -1;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 1);

		if (sqlite3_column_bytes(st, 1) != AUDIT_HASHLEN || h == NULL) {
			LOG_ERR("row %lld: stored hash is not %d bytes",
			    (long long)sqlite3_column_int64(st, 0), AUDIT_HASHLEN);
			goto out;
		}
		*id = sqlite3_column_int64(st, 0);
		memcpy(hash, h, AUDIT_HASHLEN);
	} else if (step != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	db_release(st);
	return rc;
}

/*
 * Check e against the rules and point r's caller fields at its strings
 * (NULL as ""). 0, or -1 naming the field, never its value, in the log.
 */
static int
entry_fields(const struct audit_entry *e, struct row *r)
{
	const char *in[FIELD__MAX] = { NULL };

	if (e->user_id < 0) {
		LOG_ERR("user_id is negative");
		return -1;
	}
	in[FIELD_USERNAME] = e->username;
	in[FIELD_CLIENT] = e->client;
	in[FIELD_ACTION] = e->action;
	in[FIELD_OBJECT_TYPE] = e->object_type;
	in[FIELD_OBJECT_ID] = e->object_id;
	in[FIELD_SUMMARY] = e->summary;
	for (size_t f = 0; f < FIELD__MAX; f++) {
		const struct field_rule *fr = &rules[f];

		if (fr->max == 0)
			continue;
		r->v[f] = in[f] != NULL ? in[f] : "";
		r->len[f] = strnlen(r->v[f], fr->max + 1);
		if (fr->required && r->len[f] == 0) {
			LOG_ERR("%s is required", fr->name);
			return -1;
		}
		if (r->len[f] > fr->max) {
			LOG_ERR("%s is longer than %zu bytes", fr->name, fr->max);
			return -1;
		}
		if (!text_ok(r->v[f], r->len[f])) {
			LOG_ERR("%s is not UTF-8 text without control "
			    "characters", fr->name);
			return -1;
		}
	}
	return 0;
}

/*
 * Validate e before touching db, then: take the write lock (the caller's
 * transaction or our own BEGIN IMMEDIATE), read the head, hash, insert with
 * the next id. Our own transaction is committed or rolled back here; the
 * caller's is left open either way.
 */
int
audit_append(sqlite3 *db, const struct audit_entry *e)
{
	sqlite3_stmt *st = NULL;
	unsigned char prev[AUDIT_HASHLEN], hash[AUDIT_HASHLEN];
	char idtext[24], uidtext[24], at[32];
	struct row r;
	struct tm tm;
	sqlite3_int64 last;
	time_t now;
	int own = 0, rc = -1;

	memset(&r, 0, sizeof(r));
	if (e == NULL || entry_fields(e, &r) != 0)
		return -1;
	/* recorded all the same: the log must not lose an event for a name */
	if (!audit_action_known(e->action))
		LOG_ERR("audit: action %s is not in lib/audit_events.c", e->action);
	if (sodium_init() < 0) {
		LOG_ERR("sodium_init failed");
		return -1;
	}
	if (sqlite3_get_autocommit(db)) {
		if (db_begin(db) != 0)
			return -1;
		own = 1;
	}
	if (read_head(db, &last, prev) != 0)
		goto out;
	if (last < 0 || last == INT64_MAX) {
		LOG_ERR("last row id %lld leaves no next id", (long long)last);
		goto out;
	}
	now = time(NULL);
	if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL ||
	    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		LOG_ERR("cannot read the clock");
		goto out;
	}
	snprintf(idtext, sizeof(idtext), "%lld", (long long)(last + 1));
	if (e->user_id != 0)
		snprintf(uidtext, sizeof(uidtext), "%lld", (long long)e->user_id);
	else
		uidtext[0] = '\0';
	r.v[FIELD_ID] = idtext;
	r.v[FIELD_AT] = at;
	r.v[FIELD_USER_ID] = uidtext;
	for (size_t f = FIELD_ID; f <= FIELD_USER_ID; f++)
		r.len[f] = strlen(r.v[f]);
	if (row_hash(prev, &r, hash) != 0) {
		LOG_ERR("crypto_generichash failed");
		goto out;
	}

	if ((st = db_cached(db, sql, STMT_INSERT)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, last + 1);
	if (e->user_id != 0)
		sqlite3_bind_int64(st, 1 + FIELD_USER_ID, e->user_id);
	else
		sqlite3_bind_null(st, 1 + FIELD_USER_ID);
	for (size_t f = FIELD_AT; f < FIELD__MAX; f++)
		if (f != FIELD_USER_ID)
			sqlite3_bind_text(st, (int)f + 1, r.v[f], (int)r.len[f],
			    SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, prev, AUDIT_HASHLEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, hash, AUDIT_HASHLEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		LOG_ERR("insert: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (own && db_commit(db) != 0)
		goto out;
	rc = 0;
out:
	db_release(st);
	if (rc != 0 && own)
		db_rollback(db);
	return rc;
}

/*
 * The hashed fields of the current row of a STMT_WALK statement, as SQLite
 * gives them in text (an INTEGER as its decimal digits, NULL as "").
 * Pointers valid until the next step.
 */
static void
walk_fields(sqlite3_stmt *st, struct row *r)
{
	for (int f = 0; f < FIELD__MAX; f++) {
		const unsigned char *t = sqlite3_column_text(st, f);

		r->len[f] = (size_t)sqlite3_column_bytes(st, f);
		r->v[f] = t != NULL ? (const char *)t : "";
		if (t == NULL)
			r->len[f] = 0;
	}
}

/* A bad row's id as audit_verify returns it: ids below 1 as 1. */
static sqlite3_int64
bad_id(sqlite3_int64 id)
{
	return id < 1 ? 1 : id;
}

/*
 * The latest anchor of a retention cut: the first kept row's id into
 * *first and its prev_hash into hash; 0 when the log was never cut (or
 * the database predates sql/022_retention.sql). 0, or -1.
 */
static int
read_anchor(sqlite3 *db, sqlite3_int64 *first,
    unsigned char hash[AUDIT_HASHLEN])
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	*first = 0;
	if (sqlite3_prepare_v3(db, sql[STMT_ANCHOR], -1, 0, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;	/* no such table: never cut */
	}
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != AUDIT_HASHLEN ||
		    sqlite3_column_blob(st, 1) == NULL)
			goto out;
		*first = sqlite3_column_int64(st, 0);
		memcpy(hash, sqlite3_column_blob(st, 1), AUDIT_HASHLEN);
	} else if (step != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * One pass over the rows in id order holding only the previous row's id
 * and hash. Per row, in this order: the id follows the previous one (or is
 * 1 for the first), prev_hash is the previous row's hash (zero for the
 * first), the hash is that of prev_hash and the fields. A log the
 * retention run cut starts at its anchor's row, whose prev_hash must be
 * the anchor's.
 */
sqlite3_int64
audit_verify(sqlite3 *db, sqlite3_int64 *rows, char *why, size_t whylen)
{
	sqlite3_stmt *st = NULL;
	unsigned char prev[AUDIT_HASHLEN], calc[AUDIT_HASHLEN];
	unsigned char anchor_hash[AUDIT_HASHLEN];
	sqlite3_int64 n = 0, last = 0, rc = -1, anchor;
	struct row r;
	int step;

	memset(prev, 0, sizeof(prev));
	if (rows != NULL)
		*rows = 0;
	say(why, whylen, "%s", "");
	if (sodium_init() < 0 || read_anchor(db, &anchor, anchor_hash) != 0 ||
	    stmt_prepare(db, STMT_WALK, &st) != 0) {
		say(why, whylen, "cannot read the audit log");
		return -1;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, FIELD_ID);
		const void *sprev, *shash;

		if (n == 0 && id < 1) {
			rc = bad_id(id);
			say(why, whylen, "row %lld: a row was added before the "
			    "log's start (ids begin at 1)", (long long)id);
			goto out;
		}
		if (n == 0 && id != 1 && anchor > 1 && id == anchor) {
			/* the retention run cut the rows before it (docs/audit.md) */
			memcpy(prev, anchor_hash, AUDIT_HASHLEN);
		} else if (n == 0 && id != 1) {
			rc = id;
			say(why, whylen, "row %lld: a row was deleted before it "
			    "(the log starts at id %lld, not 1)", (long long)id,
			    (long long)id);
			goto out;
		}
		if (n > 0 && id != last + 1) {
			rc = id;
			say(why, whylen, "row %lld: a row was deleted before it "
			    "(ids jump from %lld to %lld)", (long long)id,
			    (long long)last, (long long)id);
			goto out;
		}
		walk_fields(st, &r);
		sprev = sqlite3_column_blob(st, COL_PREV_HASH);
		if (id == anchor && (sqlite3_column_bytes(st, COL_PREV_HASH) !=
		    AUDIT_HASHLEN || sprev == NULL ||
		    memcmp(sprev, anchor_hash, AUDIT_HASHLEN) != 0)) {
			rc = id;
			say(why, whylen, "row %lld: it does not match the anchor "
			    "recorded when older rows were cut", (long long)id);
			goto out;
		}
		if (sqlite3_column_bytes(st, COL_PREV_HASH) != AUDIT_HASHLEN ||
		    sprev == NULL || memcmp(sprev, prev, AUDIT_HASHLEN) != 0) {
			rc = id;
			say(why, whylen, "row %lld: the row before it is missing "
			    "or was changed (chain broken)", (long long)id);
			goto out;
		}
		shash = sqlite3_column_blob(st, COL_HASH);
		if (row_hash(prev, &r, calc) != 0) {
			say(why, whylen, "row %lld: cannot compute its hash",
			    (long long)id);
			goto out;
		}
		if (sqlite3_column_bytes(st, COL_HASH) != AUDIT_HASHLEN ||
		    shash == NULL || memcmp(shash, calc, AUDIT_HASHLEN) != 0) {
			rc = id;
			say(why, whylen, "row %lld: its fields were changed after "
			    "it was written (hash mismatch)", (long long)id);
			goto out;
		}
		memcpy(prev, shash, AUDIT_HASHLEN);
		last = id;
		n++;
	}
	if (step != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		say(why, whylen, "cannot read the audit log");
		goto out;
	}
	if (rows != NULL)
		*rows = n;
	say(why, whylen, "the chain of %lld rows is intact", (long long)n);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int
audit_head(sqlite3 *db, sqlite3_int64 *id, char hex[65])
{
	unsigned char hash[AUDIT_HASHLEN];

	if (read_head(db, id, hash) != 0)
		return -1;
	sodium_bin2hex(hex, 2 * AUDIT_HASHLEN + 1, hash, AUDIT_HASHLEN);
	return 0;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v ? v : "";
}

int
audit_list(sqlite3 *db, const struct audit_filter *f, long long page,
    int rows, int (*fn)(void *arg, const struct audit_row *), void *arg,
    int *more)
{
	const char *binds[] = { f->username, f->action, f->object_id, f->from,
	    f->to };
	sqlite3_stmt *st;
	int rc, n = 0, stop = 0;

	*more = 0;
	if (stmt_prepare(db, STMT_LIST, &st) != 0)
		return -1;
	for (int i = 0; i < 5; i++)
		if (binds[i] != NULL)
			sqlite3_bind_text(st, i + 1, binds[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, rows + 1);	/* one more: is there a next page */
	sqlite3_bind_int64(st, 7, (page - 1) * rows);
	if (f->customer > 0) {
		char id[24];

		snprintf(id, sizeof(id), "%lld", f->customer);
		sqlite3_bind_text(st, 8, id, -1, SQLITE_TRANSIENT);
	}
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row r = { sqlite3_column_int64(st, 0), col(st, 1),
		    col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
		    col(st, 7), col(st, 8), col(st, 9) };

		if (++n > rows) {
			*more = 1;
			break;
		}
		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
