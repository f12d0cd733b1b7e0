/* test_auth.c — staff accounts: password policy, argon2id, sign-in and lockout, sessions and their expiry, CSRF comparison. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <liboath/oath.h>
#include <sodium.h>

#include "auth.h"
#include "db.h"

static char err[512];
static const char *const good_pw = "Tosi pitkä salasana 1";

static int
setup(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	if (db == NULL || db_migrate(db, "sql", NULL, err, sizeof(err)) < 0)
		return -1;
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

/* The integer the query sql gives. */
static long long
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
password_policy(void **state)
{
	(void)state;
	assert_int_equal(auth_load_common("data/common-passwords.txt"), 0);
	assert_null(auth_password_problem(good_pw, "matti"));
	assert_string_equal(auth_password_problem("lyhyt", "matti"),
	    "password.too_short");
	/* characters, not bytes: 11 letters with ä are still too short */
	assert_string_equal(auth_password_problem("ääääääääääa", "x"),
	    "password.too_short");
	assert_null(auth_password_problem("äääääääääääa", "x"));
	assert_string_equal(auth_password_problem("Salasana1234", "x"),
	    "password.common");
	assert_string_equal(auth_password_problem("QWERTYUIOP12", "x"),
	    "password.common");
	assert_string_equal(auth_password_problem("matti.meikalainen",
	    "Matti.Meikalainen"), "password.is_username");
	assert_string_equal(auth_password_problem("kaksitoista\tmerkkia", "x"),
	    "password.bad_chars");
	assert_string_equal(auth_password_problem("bad \xff utf-8 text here", "x"),
	    "password.bad_chars");
	{
		char longpw[300];

		memset(longpw, 'a', sizeof(longpw) - 1);
		longpw[sizeof(longpw) - 1] = '\0';
		assert_string_equal(auth_password_problem(longpw, "x"),
		    "password.too_long");
	}
	auth_free_common();
	/* without the list, nothing is refused for being common */
	assert_null(auth_password_problem("Salasana1234", "x"));
}

static void
usernames_and_roles(void **state)
{
	(void)state;
	assert_true(auth_username_ok("admin"));
	assert_true(auth_username_ok("anja.koivisto"));
	assert_false(auth_username_ok("a"));
	assert_false(auth_username_ok("1admin"));
	assert_false(auth_username_ok("Admin"));
	assert_false(auth_username_ok("ad min"));
	assert_false(auth_username_ok("abcdefghijabcdefghijabcdefghijabc"));
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(role_parse("handler"), ROLE_HANDLER);
	assert_int_equal(role_parse("auditor"), ROLE_AUDITOR);
	assert_int_equal(role_parse("root"), 0);
	assert_string_equal(role_name(ROLE_AUDITOR), "auditor");
}

static void
sign_in_and_lockout(void **state)
{
	sqlite3 *db = *state;
	struct auth_limits lim = auth_limits_default;
	struct user u;
	sqlite3_int64 id;
	time_t now = 1800000000;

	assert_int_equal(user_add(db, "matti", "Matti M", ROLE_HANDLER,
	    "2026-01-15", good_pw, &id, err, sizeof(err)), 0);
	assert_int_equal(user_add(db, "matti", "Again", ROLE_HANDLER, NULL,
	    good_pw, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "already"));
	assert_int_equal(user_add(db, "noda", "No NDA", ROLE_AUDITOR, NULL,
	    good_pw, NULL, err, sizeof(err)), 0);

	/* the hash is argon2id, never the password */
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT password_hash FROM"
		    " users WHERE username = 'matti'", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_memory_equal(sqlite3_column_text(st, 0), "$argon2id$", 10);
		assert_null(strstr((const char *)sqlite3_column_text(st, 0), "Tosi"));
		sqlite3_finalize(st);
	}
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.1", now,
	    &u), LOGIN_OK);
	assert_string_equal(u.display_name, "Matti M");
	assert_int_equal(u.role, ROLE_HANDLER);
	assert_int_equal(auth_login(db, &lim, "noda", good_pw, "10.0.0.1", now,
	    &u), LOGIN_NO_NDA);
	assert_int_equal(auth_login(db, &lim, "nobody", good_pw, "10.0.0.1", now,
	    &u), LOGIN_BAD);

	/*
	 * five failures from one address lock the username from that address,
	 * even for the right password, but not from another (#18: nobody can
	 * lock an account out from afar)
	 */
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_login(db, &lim, "matti", "wrong password!",
		    "10.0.0.2", now + i, &u), LOGIN_BAD);
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.2",
	    now + 10, &u), LOGIN_LOCKED);
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.3",
	    now + 10, &u), LOGIN_OK);
	/* ... for 15 minutes */
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.2",
	    now + 15 * 60 + 5, &u), LOGIN_OK);

	/*
	 * a ceiling per username from any address (50 by default; 6 here, as
	 * each failure costs an argon2id hash)
	 */
	assert_int_equal(auth_limits_default.user_failures, 50);
	assert_int_equal(auth_limits_default.pair_failures, 5);
	lim.user_failures = 6;
	for (int i = 0; i < 6; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.1.%d", i);
		assert_int_equal(auth_login(db, &lim, "matti", "wrong password!",
		    addr, now + 2000 + i, &u), LOGIN_BAD);
	}
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.1.99",
	    now + 2010, &u), LOGIN_LOCKED);
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.1.99",
	    now + 2010 + 15 * 60, &u), LOGIN_OK);
	lim.user_failures = auth_limits_default.user_failures;

	/* verification writes nothing; settling stops guesses past the limit */
	for (int i = 0; i < 4; i++)
		assert_int_equal(auth_record_failure(db, "matti", "10.0.2.1",
		    now + 4000), 0);
	{
		enum login_result a, b;

		a = auth_login_verify(db, &lim, "matti", "wrong password!",
		    "10.0.2.1", now + 4001, &u);
		b = auth_login_verify(db, &lim, "matti", good_pw, "10.0.2.1",
		    now + 4001, &u);
		assert_int_equal(a, LOGIN_BAD);
		assert_int_equal(b, LOGIN_OK);
		assert_int_equal(auth_locked(db, &lim, "matti", "10.0.2.1",
		    now + 4001), 0);
		assert_int_equal(auth_login_settle(db, &lim, a, "matti",
		    "10.0.2.1", now + 4001), LOGIN_BAD);
		/* the fifth failure is in: the right one hashed beside it is refused */
		assert_int_equal(auth_login_settle(db, &lim, b, "matti",
		    "10.0.2.1", now + 4001), LOGIN_LOCKED);
	}

	/* twenty from one address lock the address for every username */
	for (int i = 0; i < 20; i++) {
		char name[32];

		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(auth_login(db, &lim, name, "wrong password!",
		    "10.0.0.9", now + 1000, &u), LOGIN_BAD);
	}
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.9",
	    now + 1001, &u), LOGIN_LOCKED);
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.8",
	    now + 1001, &u), LOGIN_OK);

	/* second-factor failures count towards the same lockout */
	assert_int_equal(auth_locked(db, &lim, "tuomas", "10.0.0.5", now + 3000), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_record_failure(db, "tuomas", "10.0.0.5",
		    now + 3000 + i), 0);
	assert_int_equal(auth_locked(db, &lim, "tuomas", "10.0.0.5", now + 3010), 1);
	assert_int_equal(auth_locked(db, &lim, "tuomas", "10.0.0.6", now + 3010), 0);
	assert_int_equal(auth_locked(db, &lim, "tuomas", "10.0.0.5",
	    now + 3010 + 15 * 60), 0);

	/* a disabled user gets the generic answer */
	assert_int_equal(user_set_active(db, id, 0), 0);
	assert_int_equal(auth_login(db, &lim, "matti", good_pw, "10.0.0.7",
	    now + 2000, &u), LOGIN_BAD);
	assert_int_equal(user_set_active(db, id, 1), 0);
}

static void
sessions(void **state)
{
	sqlite3 *db = *state;
	struct auth_limits lim = auth_limits_default;
	char id[AUTH_ID_HEX], id2[AUTH_ID_HEX], csrf[AUTH_ID_HEX], got[AUTH_ID_HEX];
	struct user u;
	sqlite3_int64 uid;
	time_t now = 1800000000;

	assert_int_equal(user_add(db, "sanna", "Sanna S", ROLE_ADMIN,
	    "2026-01-15", good_pw, &uid, err, sizeof(err)), 0);
	assert_int_equal(session_create(db, uid, now, 0, id, csrf), 0);
	assert_int_equal(strlen(id), 64);
	assert_int_equal(session_create(db, uid, now, 0, id2, got), 0);
	assert_string_not_equal(id, id2);
	assert_string_not_equal(csrf, got);

	assert_int_equal(session_get(db, &lim, id, now + 60, &u, got), 0);
	assert_string_equal(u.username, "sanna");
	assert_string_equal(got, csrf);
	assert_true(auth_token_equal(got, csrf));
	assert_false(auth_token_equal(got, id));
	assert_false(auth_token_equal("", ""));
	assert_false(auth_token_equal(NULL, csrf));

	/* the database keeps a hash of the id, not the id */
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM"
		    " sessions WHERE id_hash = ?1 OR csrf = ?1", -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 0);
		sqlite3_finalize(st);
	}
	/* tampered and malformed ids */
	{
		char bad[AUTH_ID_HEX];

		memcpy(bad, id, sizeof(bad));
		bad[10] = bad[10] == 'a' ? 'b' : 'a';
		assert_int_equal(session_get(db, &lim, bad, now, &u, got), 1);
		assert_int_equal(session_get(db, &lim, "xyz", now, &u, got), 1);
		assert_int_equal(session_get(db, &lim, NULL, now, &u, got), 1);
	}
	/* idle: 30 minutes after the last request */
	assert_int_equal(session_get(db, &lim, id, now + 60 + 30 * 60 + 1, &u,
	    got), 1);
	assert_int_equal(session_get(db, &lim, id, now + 60, &u, got), 1);
	/* absolute: 10 hours, however busy */
	for (time_t t = now; t <= now + 10 * 3600; t += 20 * 60)
		assert_int_equal(session_get(db, &lim, id2, t, &u, got), 0);
	assert_int_equal(session_get(db, &lim, id2, now + 10 * 3600 + 60, &u,
	    got), 1);

	/* logout, and a disabled user's live session */
	assert_int_equal(session_create(db, uid, now, 0, id, csrf), 0);
	assert_int_equal(session_delete(db, id), 0);
	assert_int_equal(session_get(db, &lim, id, now, &u, got), 1);
	assert_int_equal(session_create(db, uid, now, 0, id, csrf), 0);
	assert_int_equal(user_set_active(db, uid, 0), 0);
	assert_int_equal(session_get(db, &lim, id, now, &u, got), 1);
}

/*
 * The idle clock costs a write at most once a minute, and session_check
 * leaves it to the caller (the intranet writes it with the request's audit
 * row, #17): seen_due from AUTH_SEEN_STEP seconds on, session_seen resets.
 */
static void
session_clock(void **state)
{
	sqlite3 *db = *state;
	struct auth_limits lim = auth_limits_default;
	struct user u;
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX], got[AUTH_ID_HEX];
	sqlite3_int64 uid;
	time_t now = 1800000000;

	assert_int_equal(user_add(db, "kalle", "Kalle K", ROLE_HANDLER,
	    "2026-01-15", good_pw, &uid, err, sizeof(err)), 0);
	assert_int_equal(session_create(db, uid, now, 0, id, csrf), 0);
	assert_int_equal(session_check(db, &lim, id, now + AUTH_SEEN_STEP - 1,
	    &u, got), 0);
	assert_false(u.seen_due);
	assert_int_equal(session_check(db, &lim, id, now + AUTH_SEEN_STEP, &u,
	    got), 0);
	assert_true(u.seen_due);
	/* session_check wrote nothing: 31 minutes on, the session is idle */
	assert_int_equal(session_check(db, &lim, id, now + 31 * 60, &u, got),
	    1);
	assert_int_equal(session_create(db, uid, now, 0, id, csrf), 0);
	assert_int_equal(session_check(db, &lim, id, now + 20 * 60, &u, got), 0);
	assert_true(u.seen_due);
	assert_int_equal(session_seen(db, id, now + 20 * 60), 0);
	assert_int_equal(session_check(db, &lim, id, now + 20 * 60 + 30, &u,
	    got), 0);
	assert_false(u.seen_due);
	/* 31 minutes after the start but 11 after the write: still fine */
	assert_int_equal(session_check(db, &lim, id, now + 31 * 60, &u, got), 0);
	/* session_get writes the clock itself when due */
	assert_int_equal(session_get(db, &lim, id, now + 40 * 60, &u, got), 0);
	assert_false(u.seen_due);
	assert_int_equal(session_check(db, &lim, id, now + 40 * 60 + 1, &u,
	    got), 0);
	assert_false(u.seen_due);
	assert_int_equal(session_seen(db, "xyz", now), -1);
}

static void
passwords_and_nda(void **state)
{
	sqlite3 *db = *state;
	sqlite3_int64 uid;
	char pw[21], pw2[21];
	struct user u;

	assert_int_equal(user_add(db, "pekka", "Pekka P", ROLE_AUDITOR, NULL,
	    good_pw, &uid, err, sizeof(err)), 0);
	assert_int_equal(user_check_password(db, uid, good_pw), 1);
	assert_int_equal(user_check_password(db, uid, "something else"), 0);
	auth_generate_password(pw);
	auth_generate_password(pw2);
	assert_int_equal(strlen(pw), 20);
	assert_string_not_equal(pw, pw2);
	assert_null(strpbrk(pw, "0O1lI"));
	assert_int_equal(user_set_password(db, uid, pw, 1), 0);
	assert_int_equal(user_check_password(db, uid, pw), 1);
	assert_int_equal(user_by_id(db, uid, &u), 0);
	assert_true(u.must_change);
	assert_int_equal(user_set_nda(db, uid, "2026-02-30"), -1);
	assert_int_equal(user_set_nda(db, uid, "2999-01-01"), -1);
	assert_int_equal(user_set_nda(db, uid, "2026-01-15"), 0);
	assert_int_equal(user_by_name(db, "pekka", &u), 0);
	assert_string_equal(u.nda, "2026-01-15");
	assert_int_equal(user_by_name(db, "nobody", &u), 1);
}

/* Codes an authenticator app would show, from the secret in the otpauth URI. */
static void
app_code(const char *b32, time_t when, char out[7])
{
	char *secret = NULL;
	size_t len = 0;

	assert_int_equal(oath_base32_decode(b32, strlen(b32), &secret, &len),
	    OATH_OK);
	assert_int_equal(oath_totp_generate(secret, len, when, 30, 0, 6, out),
	    OATH_OK);
	free(secret);
}

/* The secret is sealed: not the one the app was given. */
static void
assert_secret_sealed(sqlite3 *db, const char *b32)
{
	char *raw = NULL;
	size_t len = 0;
	sqlite3_stmt *st;

	assert_int_equal(count(db, "SELECT length(totp_secret) FROM users WHERE"
	    " username = 'tiina'"), 61);
	assert_int_equal(oath_base32_decode(b32, strlen(b32), &raw, &len),
	    OATH_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT totp_secret FROM"
	    " users WHERE username = 'tiina'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	{
		const unsigned char *v = sqlite3_column_blob(st, 0);
		size_t vlen = (size_t)sqlite3_column_bytes(st, 0);

		for (size_t i = 0; i + len <= vlen; i++)
			assert_memory_not_equal(v + i, raw, len);
	}
	sqlite3_finalize(st);
	free(raw);
}

/* Recovery codes: each once, as typed (case, dashes, spaces). */
static void
check_recovery_codes(sqlite3 *db, sqlite3_int64 uid,
    char codes[TOTP_RECOVERY][TOTP_CODE_MAX], time_t now)
{
	char typed[40];
	size_t o = 0;

	assert_int_equal(totp_check(db, uid, codes[3], now), 1);
	assert_int_equal(totp_check(db, uid, codes[3], now), 0);
	assert_int_equal(totp_check(db, uid, "abcd-efgh", now), 0);
	assert_int_equal(totp_check(db, uid, "abcd-efgh-jkmn-pqrs", now), 0);
	for (const char *p = codes[5]; *p != '\0'; p++)
		if (*p != '-') {
			typed[o++] = (char)toupper((unsigned char)*p);
			if (o % 5 == 4)
				typed[o++] = ' ';
		}
	typed[o] = '\0';
	assert_int_equal(totp_check(db, uid, typed, now), 1);
}

/* A plain secret from before the key is still read, and sealed by init. */
static void
check_plain_secret_sealed(sqlite3 *db, sqlite3_int64 uid, time_t now)
{
	static const unsigned char plain[20] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
		18, 19, 20
	};
	char code[7];
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE users SET"
	    " totp_secret = ?1, totp_last_step = 0 WHERE id = ?2", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, plain, sizeof(plain), SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(oath_totp_generate((const char *)plain,
	    sizeof(plain), now, 30, 0, 6, code), OATH_OK);
	assert_int_equal(totp_check(db, uid, code, now), 1);
	assert_int_equal(totp_seal_all(db), 1);
	assert_int_equal(totp_seal_all(db), 0);
	assert_int_equal(count(db, "SELECT length(totp_secret) FROM users"
	    " WHERE username = 'tiina'"), 61);
	assert_int_equal(oath_totp_generate((const char *)plain,
	    sizeof(plain), now + 30, 30, 0, 6, code), OATH_OK);
	assert_int_equal(totp_check(db, uid, code, now + 30), 1);
	/* under another key it does not open */
	{
		unsigned char other[32];

		randombytes_buf(other, sizeof(other));
		totp_key_set(other);
		assert_int_equal(oath_totp_generate((const char *)plain,
		    sizeof(plain), now + 60, 30, 0, 6, code), OATH_OK);
		assert_int_equal(totp_check(db, uid, code, now + 60), -1);
	}
}

/* A pending session lives 5 minutes and is promoted by the code. */
static void
check_pending_session(sqlite3 *db, sqlite3_int64 uid, time_t now)
{
	struct auth_limits lim = auth_limits_default;
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX], got[AUTH_ID_HEX];
	struct user u;

	assert_int_equal(session_create(db, uid, now, 1, id, csrf), 0);
	assert_int_equal(session_get(db, &lim, id, now + 60, &u, got), 0);
	assert_true(u.pending);
	assert_int_equal(session_get(db, &lim, id, now + 301, &u, got), 1);
	assert_int_equal(session_create(db, uid, now, 1, id, csrf), 0);
	assert_int_equal(session_promote(db, id), 0);
	assert_int_equal(session_get(db, &lim, id, now + 301, &u, got), 0);
	assert_false(u.pending);
}

static void
two_factor(void **state)
{
	sqlite3 *db = *state;
	char uri[256], b32[64], code[7], codes[TOTP_RECOVERY][TOTP_CODE_MAX];
	sqlite3_int64 uid;
	struct user u;
	time_t now = 1800000000;

	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(user_add(db, "tiina", "Tiina T", ROLE_ADMIN,
	    "2026-01-15", good_pw, &uid, err, sizeof(err)), 0);
	assert_int_equal(user_by_id(db, uid, &u), 0);
	assert_false(u.has_totp);
	/* no key, no enrolment: a secret is never stored in the clear */
	totp_key_set(NULL);
	assert_int_equal(totp_begin(db, &u, uri, sizeof(uri), b32, sizeof(b32)), -1);
	{
		unsigned char key[32];

		randombytes_buf(key, sizeof(key));
		totp_key_set(key);
	}
	assert_int_equal(totp_begin(db, &u, uri, sizeof(uri), b32, sizeof(b32)), 0);
	assert_non_null(strstr(uri, "otpauth://totp/Rekisteri:tiina?secret="));
	assert_non_null(strstr(uri, b32));
	assert_int_equal(strlen(b32), 32);	/* 160 bits */

	/* a wrong code does not enrol */
	assert_int_equal(totp_confirm(db, uid, "000000", now, codes), 1);
	app_code(b32, now, code);
	assert_int_equal(totp_confirm(db, uid, code, now, codes), 0);
	assert_int_equal(user_by_id(db, uid, &u), 0);
	assert_true(u.has_totp);
	/* sixteen characters in four groups, kept as argon2id strings */
	assert_int_equal(strlen(codes[0]), 19);
	assert_int_equal(codes[0][4], '-');
	assert_int_equal(codes[0][14], '-');
	assert_string_not_equal(codes[0], codes[1]);
	assert_true(totp_is_recovery(codes[0]));
	assert_false(totp_is_recovery("123456"));
	assert_false(totp_is_recovery("abcd-efgh"));
	assert_int_equal(count(db, "SELECT count(*) FROM recovery_codes WHERE"
	    " code_hash LIKE '$argon2id$%'"), TOTP_RECOVERY);
	assert_secret_sealed(db, b32);

	/* the enrolment code cannot be used again, nor an older one */
	assert_int_equal(totp_check(db, uid, code, now), 0);
	app_code(b32, now - 30, code);
	assert_int_equal(totp_check(db, uid, code, now), 0);
	/* the next step works once; one step of clock drift is accepted */
	app_code(b32, now + 30, code);
	assert_int_equal(totp_check(db, uid, code, now), 1);
	assert_int_equal(totp_check(db, uid, code, now), 0);
	app_code(b32, now + 90, code);
	assert_int_equal(totp_check(db, uid, code, now), 0);	/* too far */
	assert_int_equal(totp_check(db, uid, code, now + 60), 1);
	assert_int_equal(totp_check(db, uid, "12345", now), 0);
	assert_int_equal(totp_check(db, uid, "abcdef", now), 0);

	check_recovery_codes(db, uid, codes, now);
	check_plain_secret_sealed(db, uid, now);
	check_pending_session(db, uid, now);

	/* the admin's reset removes it all */
	assert_int_equal(totp_reset(db, uid), 0);
	assert_int_equal(user_by_id(db, uid, &u), 0);
	assert_false(u.has_totp);
	assert_int_equal(totp_check(db, uid, codes[4], now), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_policy),
		cmocka_unit_test(usernames_and_roles),
		cmocka_unit_test_setup_teardown(sign_in_and_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(session_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(passwords_and_nda, setup, teardown),
		cmocka_unit_test_setup_teardown(two_factor, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
