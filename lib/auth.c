/* auth.c — see auth.h: roles, passwords, accounts, the lockout, sign-in and sessions (the second factor is auth_totp.c). libsodium does the hashing, randomness and comparisons. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "auth.h"
#include "auth_int.h"
#include "buf.h"
#include "db.h"
#include "db_cache.h"
#include "fmt.h"
#include "log.h"
#include "req.h"

const struct auth_limits auth_limits_default = {
	.idle = (time_t)30 * 60,
	.absolute = (time_t)10 * 60 * 60,
	.pair_failures = 5,
	.user_failures = 50,
	.client_failures = 20,
	.window = (time_t)15 * 60,
	.one_time = (time_t)24 * 60 * 60,
};

static const char *const role_names[] = { "admin", "handler", "auditor" };

unsigned
role_parse(const char *s)
{
	for (unsigned i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (s != NULL && strcmp(s, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *
role_name(unsigned r)
{
	for (unsigned i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (r == 1u << i)
			return role_names[i];
	return "";
}

/* The common-password list, lower-cased and sorted for bsearch. */
static char **common;
static size_t ncommon;

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

int
auth_load_common(const char *path)
{
	char line[512];
	size_t cap = 0;
	FILE *f;

	auth_free_common();
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (ncommon == cap) {
			cap = cap ? cap * 2 : 256;
			common = xrealloc(common, cap * sizeof(*common));
		}
		lower(line);
		common[ncommon++] = xstrdup(line);
	}
	fclose(f);
	if (ncommon > 0)
		qsort(common, ncommon, sizeof(*common), str_cmp);
	return 0;
}

void
auth_free_common(void)
{
	for (size_t i = 0; i < ncommon; i++)
		free(common[i]);
	free(common);
	common = NULL;
	ncommon = 0;
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

const char *
auth_password_problem(const char *pw, const char *username)
{
	size_t len = strlen(pw);

	if (len > AUTH_PW_MAX)
		return "password.too_long";
	if (!text_valid(pw, len) || strpbrk(pw, "\t\r\n") != NULL)
		return "password.bad_chars";
	if (utf8_chars(pw) < AUTH_PW_MIN)
		return "password.too_short";
	if (username != NULL && strcasecmp(pw, username) == 0)
		return "password.is_username";
	if (ncommon > 0) {
		char *low = xstrdup(pw);
		int hit;

		lower(low);
		hit = bsearch(&low, common, ncommon, sizeof(*common), str_cmp) !=
		    NULL;
		free(low);
		if (hit)
			return "password.common";
	}
	return NULL;
}

int
auth_username_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > AUTH_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int
auth_hash_password(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

#define USER_COLS "id, username, display_name, role, coalesce(nda_signed, ''), " \
	"active, must_change, totp_secret IS NOT NULL"

/*
 * Statements, one table for the module. Prepared per call rather than once:
 * these functions take whichever connection the caller has (a worker's,
 * the CLI's, a test's in-memory one that is closed and opened again), so a
 * cache keyed by connection could hand a finalized statement to a new
 * connection at the same address; a prepare is microseconds beside the
 * argon2id hash of a sign-in.
 */

static const char *const sql[A__MAX] = {
	[A_USER_BY_NAME] =
	    "SELECT " USER_COLS " FROM users WHERE username = ?1",
	[A_USER_BY_ID] =
	    "SELECT " USER_COLS " FROM users WHERE id = ?1",
	[A_USER_ADD] =
	    "INSERT INTO users (username, display_name, role, nda_signed, "
	    "password_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
	[A_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?2, must_change = ?3, one_time_at ="
	    " CASE WHEN ?3 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END"
	    " WHERE id = ?1",
	[A_SET_ACTIVE] =
	    "UPDATE users SET active = ?2 WHERE id = ?1",
	[A_SET_NDA] =
	    "UPDATE users SET nda_signed = ?2 WHERE id = ?1",
	[A_PASSWORD_HASH] =
	    "SELECT password_hash FROM users WHERE id = ?1",
	[A_FAIL_PAIR] =
	    "SELECT count(*) FROM login_failures WHERE username = ?1 "
	    "AND client = ?3 AND at > ?2",
	[A_FAIL_USER] =
	    "SELECT count(*) FROM login_failures WHERE username = ?1 AND at > ?2",
	[A_FAIL_CLIENT] =
	    "SELECT count(*) FROM login_failures WHERE client = ?1 AND at > ?2",
	[A_FAIL_ADD] =
	    "INSERT INTO login_failures (username, client, at) VALUES (?1, ?2, ?3)",
	[A_LOGIN_USER] =
	    "SELECT " USER_COLS ", password_hash, must_change AND one_time_at IS"
	    " NOT NULL AND one_time_at < strftime('%Y-%m-%dT%H:%M:%SZ', ?2,"
	    " 'unixepoch') FROM users WHERE username = ?1",
	[A_FAIL_CLEAR] =
	    "DELETE FROM login_failures WHERE (username = ?1 AND client = ?3) "
	    "OR at <= ?2",
	[A_SESSION_ADD] =
	    "INSERT INTO sessions (id_hash, user_id, csrf, created_at, "
	    "seen_at, pending) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
	[A_SESSION_GET] =
	    "SELECT u.id, u.username, u.display_name, u.role, "
	    "coalesce(u.nda_signed, ''), u.active, u.must_change, "
	    "u.totp_secret IS NOT NULL, s.csrf, s.created_at, s.seen_at, "
	    "s.pending FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.id_hash = ?1",
	[A_SESSION_SEEN] =
	    "UPDATE sessions SET seen_at = ?2 WHERE id_hash = ?1",
	[A_SESSION_DEL] =
	    "DELETE FROM sessions WHERE id_hash = ?1",
	[A_SESSION_DEL_USER] =
	    "DELETE FROM sessions WHERE user_id = ?1",
	[A_SESSION_PROMOTE] =
	    "UPDATE sessions SET pending = 0 WHERE id_hash = ?1",
	[A_TOTP_PENDING_SET] =
	    "UPDATE users SET totp_pending = ?2 WHERE id = ?1",
	[A_TOTP_PENDING_GET] =
	    "SELECT totp_pending FROM users WHERE id = ?1",
	[A_TOTP_ENROL] =
	    "UPDATE users SET totp_secret = totp_pending, totp_pending = "
	    "NULL, totp_last_step = ?2 WHERE id = ?1",
	[A_RECOVERY_CLEAR] =
	    "DELETE FROM recovery_codes WHERE user_id = ?1",
	[A_RECOVERY_ADD] =
	    "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
	[A_RECOVERY_LIST] =
	    "SELECT id, code_hash FROM recovery_codes WHERE user_id = ?1 "
	    "AND used_at IS NULL ORDER BY id",
	[A_RECOVERY_USE] =
	    "UPDATE recovery_codes SET used_at = "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 "
	    "AND used_at IS NULL",
	[A_TOTP_GET] =
	    "SELECT totp_secret, totp_last_step FROM users WHERE id = ?1",
	[A_TOTP_STEP] =
	    "UPDATE users SET totp_last_step = ?2 WHERE id = ?1",
	[A_TOTP_RESET] =
	    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, "
	    "totp_last_step = 0 WHERE id = ?1",
	[A_TOTP_PLAIN] =
	    "SELECT id, totp_secret, totp_pending FROM users WHERE "
	    "length(totp_secret) = 20 OR length(totp_pending) = 20",
	[A_TOTP_SEAL] =
	    "UPDATE users SET totp_secret = ?2, totp_pending = ?3 WHERE id = ?1",
};

/* Statement s of the table for db, or NULL (logged). */
sqlite3_stmt *
auth_prep(sqlite3 *db, enum auth_stmt s)
{
	/* kept for the worker's life when it has a scope (db_cache.h) */
	return db_cached(db, sql, (int)s);
}

/* Run a statement with no result rows. 0 or -1; finalizes st. */
int
auth_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		LOG_ERR("%s", sqlite3_errmsg(db));
	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
copy_col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}


static void
user_row(sqlite3_stmt *st, struct user *u)
{
	char role[16];

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	copy_col(u->username, sizeof(u->username), st, 1);
	copy_col(u->display_name, sizeof(u->display_name), st, 2);
	copy_col(role, sizeof(role), st, 3);
	u->role = role_parse(role);
	copy_col(u->nda, sizeof(u->nda), st, 4);
	u->active = sqlite3_column_int(st, 5);
	u->must_change = sqlite3_column_int(st, 6);
	u->has_totp = sqlite3_column_int(st, 7);
}

static int
user_query(sqlite3 *db, sqlite3_stmt *st, struct user *u)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		user_row(st, u);
	else if (rc != SQLITE_DONE)
		LOG_ERR("%s", sqlite3_errmsg(db));
	db_release(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
user_by_name(sqlite3 *db, const char *name, struct user *u)
{
	sqlite3_stmt *st = auth_prep(db, A_USER_BY_NAME);

	if (st != NULL)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return user_query(db, st, u);
}

int
user_by_id(sqlite3 *db, sqlite3_int64 id, struct user *u)
{
	sqlite3_stmt *st = auth_prep(db, A_USER_BY_ID);

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return user_query(db, st, u);
}

int
user_add(sqlite3 *db, const char *username, const char *display,
    unsigned role, const char *nda, const char *pw, sqlite3_int64 *id,
    char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct user u;
	sqlite3_stmt *st;

	if (!auth_username_ok(username)) {
		snprintf(err, errlen, "a username is 2 to %d of a-z, 0-9, '.', "
		    "'_' and '-', starting with a letter", AUTH_NAME_MAX);
		return -1;
	}
	if (role_name(role)[0] == '\0') {
		snprintf(err, errlen, "the role is admin, handler or auditor");
		return -1;
	}
	if (user_by_name(db, username, &u) == 0) {
		snprintf(err, errlen, "there is already a user %s", username);
		return -1;
	}
	if (auth_hash_password(pw, hash, sizeof(hash)) != 0) {
		snprintf(err, errlen, "hashing the password failed (out of memory?)");
		return -1;
	}
	st = auth_prep(db, A_USER_ADD);
	if (st == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role_name(role), -1, SQLITE_STATIC);
	if (nda != NULL && *nda != '\0')
		sqlite3_bind_text(st, 4, nda, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
	if (auth_done(db, st) != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
user_set_password(sqlite3 *db, sqlite3_int64 id, const char *pw,
    int must_change)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;

	if (auth_hash_password(pw, hash, sizeof(hash)) != 0)
		return -1;
	st = auth_prep(db, A_SET_PASSWORD);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, must_change != 0);
	return auth_done(db, st);
}

int
user_set_active(sqlite3 *db, sqlite3_int64 id, int active)
{
	sqlite3_stmt *st = auth_prep(db, A_SET_ACTIVE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, active != 0);
	return auth_done(db, st);
}

int
user_set_nda(sqlite3 *db, sqlite3_int64 id, const char *nda)
{
	struct tm tm;
	char today[16];
	time_t now = time(NULL);
	sqlite3_stmt *st;

	if (fmt_parse_date(nda, &tm) != 0)
		return -1;
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	if (strcmp(nda, today) > 0)
		return -1;	/* signed in the future: a typo */
	if ((st = auth_prep(db, A_SET_NDA)) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, nda, -1, SQLITE_STATIC);
	return auth_done(db, st);
}

int
user_check_password(sqlite3 *db, sqlite3_int64 id, const char *pw)
{
	sqlite3_stmt *st = auth_prep(db, A_PASSWORD_HASH);
	char hash[crypto_pwhash_STRBYTES];
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_col(hash, sizeof(hash), st, 0);
		rc = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	}
	db_release(st);
	return rc;
}

/* Failures since since of value (?1) and, for A_FAIL_PAIR, client (?3); -1 on error. */
static int
count_failures(sqlite3 *db, enum auth_stmt s, const char *value,
    const char *client, time_t since)
{
	sqlite3_stmt *st = auth_prep(db, s);
	int n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	if (client != NULL)
		sqlite3_bind_text(st, 3, client, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	db_release(st);
	return n;
}

/*
 * Three counts, so that nobody can lock an account out from afar: the
 * username from this address (pair_failures), the username from anywhere
 * (user_failures, a ceiling well above what one address may try), and
 * this address for any username (client_failures).
 */
int
auth_locked(sqlite3 *db, const struct auth_limits *lim, const char *username,
    const char *client, time_t now)
{
	time_t since = now - lim->window;
	int np, nu, nc;

	if (client == NULL)
		client = "";
	np = count_failures(db, A_FAIL_PAIR, username, client, since);
	nu = count_failures(db, A_FAIL_USER, username, NULL, since);
	nc = count_failures(db, A_FAIL_CLIENT, client, NULL, since);
	if (np < 0 || nu < 0 || nc < 0)
		return -1;
	return np >= lim->pair_failures || nu >= lim->user_failures ||
	    nc >= lim->client_failures;
}

int
auth_record_failure(sqlite3 *db, const char *username, const char *client,
    time_t now)
{
	sqlite3_stmt *st;

	if ((st = auth_prep(db, A_FAIL_ADD)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, client ? client : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	return auth_done(db, st);
}

enum login_result
auth_login_verify(sqlite3 *db, const struct auth_limits *lim,
    const char *username, const char *pw, const char *client, time_t now,
    struct user *u)
{
	/* A real argon2id string, so a missing user costs what a real one does. */
	static char dummy[crypto_pwhash_STRBYTES];
	char hash[crypto_pwhash_STRBYTES] = "";
	sqlite3_stmt *st;
	int found = 0, ok, expired = 0;

	memset(u, 0, sizeof(*u));
	switch (auth_locked(db, lim, username, client, now)) {
	case 0:
		break;
	case 1:
		return LOGIN_LOCKED;
	default:
		return LOGIN_ERROR;
	}
	if ((st = auth_prep(db, A_LOGIN_USER)) == NULL)
		return LOGIN_ERROR;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	/* a one-time password given before this moment has expired (0: never) */
	sqlite3_bind_int64(st, 2, lim->one_time > 0 ?
	    (sqlite3_int64)(now - lim->one_time) : 0);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user_row(st, u);
		copy_col(hash, sizeof(hash), st, 8);
		expired = sqlite3_column_int(st, 9);
		found = 1;
	}
	db_release(st);
	if (!found) {
		if (dummy[0] == '\0' && auth_hash_password("not a password at all",
		    dummy, sizeof(dummy)) != 0)
			return LOGIN_ERROR;
		if (crypto_pwhash_str_verify(dummy, pw, strlen(pw)) == 0)
			LOG_ERR("the dummy password matched");
		ok = 0;
	} else
		ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	sodium_memzero(hash, sizeof(hash));
	if (!ok || !u->active)
		return LOGIN_BAD;
	if (expired)
		return LOGIN_EXPIRED;
	return u->nda[0] == '\0' ? LOGIN_NO_NDA : LOGIN_OK;
}

enum login_result
auth_login_settle(sqlite3 *db, const struct auth_limits *lim,
    enum login_result verified, const char *username, const char *client,
    time_t now)
{
	sqlite3_stmt *st;

	if (verified != LOGIN_OK && verified != LOGIN_BAD)
		return verified;	/* locked, no NDA, expired, error: nothing to count */
	if (client == NULL)
		client = "";
	/* guesses that were hashing side by side stop at the limit too */
	switch (auth_locked(db, lim, username, client, now)) {
	case 0:
		break;
	case 1:
		return LOGIN_LOCKED;
	default:
		return LOGIN_ERROR;
	}
	if (verified == LOGIN_BAD)
		return auth_record_failure(db, username, client, now) == 0 ?
		    LOGIN_BAD : LOGIN_ERROR;
	/* only this address's: a sign-in here does not forgive guesses from elsewhere */
	if ((st = auth_prep(db, A_FAIL_CLEAR)) == NULL)
		return LOGIN_ERROR;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - lim->window));
	sqlite3_bind_text(st, 3, client, -1, SQLITE_STATIC);
	return auth_done(db, st) == 0 ? LOGIN_OK : LOGIN_ERROR;
}

enum login_result
auth_login(sqlite3 *db, const struct auth_limits *lim, const char *username,
    const char *pw, const char *client, time_t now, struct user *u)
{
	enum login_result lr;

	lr = auth_login_verify(db, lim, username, pw, client, now, u);
	if (lr == LOGIN_ERROR || db_begin(db) != 0)
		return LOGIN_ERROR;
	lr = auth_login_settle(db, lim, lr, username, client, now);
	if (lr == LOGIN_ERROR || db_commit(db) != 0) {
		db_rollback(db);
		return LOGIN_ERROR;
	}
	return lr;
}

/* The database key of a session id: BLAKE2b-256 of its hex form. */
static void
id_hash(const char *id, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)id, strlen(id),
	    NULL, 0);
}

static void
random_hex(char out[AUTH_ID_HEX])
{
	unsigned char b[32];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, AUTH_ID_HEX, b, sizeof(b));
	sodium_memzero(b, sizeof(b));
}

int
session_create(sqlite3 *db, sqlite3_int64 user_id, time_t now, int pending,
    char id[AUTH_ID_HEX], char csrf[AUTH_ID_HEX])
{
	unsigned char h[32];
	sqlite3_stmt *st;

	random_hex(id);
	random_hex(csrf);
	id_hash(id, h);
	if ((st = auth_prep(db, A_SESSION_ADD)) ==
	    NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int(st, 5, pending != 0);
	return auth_done(db, st);
}

/* A session id as the cookie carries it: 64 lower-case hex digits. */
static int
id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == AUTH_ID_HEX - 1;
}

int
session_check(sqlite3 *db, const struct auth_limits *lim, const char *id,
    time_t now, struct user *u, char csrf[AUTH_ID_HEX])
{
	unsigned char h[32];
	sqlite3_stmt *st;
	sqlite3_int64 created = 0, seen = 0;
	int rc;

	if (id == NULL || !id_ok(id))
		return 1;
	id_hash(id, h);
	if ((st = auth_prep(db, A_SESSION_GET)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		user_row(st, u);
		copy_col(csrf, AUTH_ID_HEX, st, 8);
		created = sqlite3_column_int64(st, 9);
		seen = sqlite3_column_int64(st, 10);
		u->pending = sqlite3_column_int(st, 11);
	}
	db_release(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return -1;
	if (!u->active || u->nda[0] == '\0' || now - seen > lim->idle ||
	    now - created > lim->absolute ||
	    (u->pending && now - created > (time_t)5 * 60)) {
		(void)session_delete(db, id);
		return 1;
	}
	/* the idle clock, without a write per request */
	u->seen_due = now - seen >= AUTH_SEEN_STEP;
	return 0;
}

int
session_seen(sqlite3 *db, const char *id, time_t now)
{
	unsigned char h[32];
	sqlite3_stmt *st;

	if (id == NULL || !id_ok(id))
		return -1;
	id_hash(id, h);
	if ((st = auth_prep(db, A_SESSION_SEEN)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	return auth_done(db, st);
}

int
session_get(sqlite3 *db, const struct auth_limits *lim, const char *id,
    time_t now, struct user *u, char csrf[AUTH_ID_HEX])
{
	int rc = session_check(db, lim, id, now, u, csrf);

	if (rc == 0 && u->seen_due) {
		if (session_seen(db, id, now) != 0)
			return -1;
		u->seen_due = 0;
	}
	return rc;
}

int
session_delete(sqlite3 *db, const char *id)
{
	unsigned char h[32];
	sqlite3_stmt *st;

	if (id == NULL || !id_ok(id))
		return 0;
	id_hash(id, h);
	if ((st = auth_prep(db, A_SESSION_DEL)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	return auth_done(db, st);
}

int
session_delete_user(sqlite3 *db, sqlite3_int64 user_id)
{
	sqlite3_stmt *st = auth_prep(db, A_SESSION_DEL_USER);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	return auth_done(db, st);
}

int
session_promote(sqlite3 *db, const char *id)
{
	unsigned char h[32];
	sqlite3_stmt *st;

	if (id == NULL || !id_ok(id))
		return -1;
	id_hash(id, h);
	if ((st = auth_prep(db, A_SESSION_PROMOTE))
	    == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	return auth_done(db, st);
}

int
auth_token_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) != strlen(b) || n == 0)
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

void
auth_generate_password(char out[21])
{
	/* no 0/O, 1/l/I: read aloud or copied from paper without doubt */
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (int i = 0; i < 20; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[20] = '\0';
}
