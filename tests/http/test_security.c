/*
 * test_security.c — findings of the attack on the running site (issue
 * #18), each through the real server: the second factor cannot be
 * swapped from a live session without the password and a current code,
 * an admin cannot reset their own factor, and guesses of the current
 * password on /intranet/password meet the sign-in lockout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <sqlite3.h>

#include "http.h"

#define PW	"Toinen vaihe pysyy omissa käsissä 5"

/* The codes an authenticator app shows for a base32 secret. */
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

/* Text between the first occurrence of before and the next '<'; caller frees. */
static char *
scrape(const struct http_resp *r, const char *before)
{
	const char *p = strstr(r->body.data, before), *e;

	if (p == NULL)
		return NULL;
	p += strlen(before);
	e = strchr(p, '<');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

/* Forget the failures a test provoked, so other files' sign-ins are not locked out. */
static void
forget_failures(void)
{
	char path[1024];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/rekisteri.db", getenv("REKISTERI_STATE"));
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM login_failures WHERE"
	    " username LIKE 'sec%'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * Sign in as name and enrol a second factor; the session stays whole.
 * *secret gets the base32 secret, *rec one recovery code, *csrf the token.
 */
static char *
enrolled(const char *name, const char *role, time_t now, char **secret,
    char **rec, char **csrf)
{
	struct http_resp r;
	char code[7], *sid, *body;

	assert_int_equal(http_user_add(name, role, PW), 0);
	sid = http_login(name, PW);
	http_session(&r, "GET", "/intranet/totp", sid, NULL);
	assert_int_equal(r.status, 200);
	*secret = scrape(&r, "<code class=\"otp\">");
	*csrf = http_csrf(&r);
	assert_non_null(*secret);
	assert_non_null(*csrf);
	http_resp_free(&r);
	app_code(*secret, now, code);
	body = http_form("csrf", *csrf, "code", code, NULL);
	http_session(&r, "POST", "/intranet/totp", sid, body);
	free(body);
	assert_int_equal(r.status, 200);
	*rec = scrape(&r, "<ul class=\"recovery\"><li><code>");
	assert_non_null(*rec);
	http_resp_free(&r);
	return sid;
}

/* 1 when the account no longer has the second factor of base32 secret b32, else 0. */
static long long
secret_changed(const char *name, const char *b32)
{
	char *raw = NULL, hex[256];
	size_t len = 0;
	long long same;

	assert_int_equal(oath_base32_decode(b32, strlen(b32), &raw, &len),
	    OATH_OK);
	assert_true(len * 2 < sizeof(hex));
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02X", (unsigned char)raw[i]);
	free(raw);
	same = http_db_int("SELECT count(*) FROM users WHERE totp_secret IS NOT"
	    " NULL AND hex(totp_secret) = ?1", hex);
	(void)name;
	return same == 1 ? 0 : 1;
}

static void
live_session_cannot_swap_factor(void **st)
{
	struct http_resp r;
	char code[7], *sid, *secret, *rec, *csrf, *body, *secret2;
	time_t now = time(NULL);
	long long failures;

	(void)st;
	sid = enrolled("sec1", "handler", now, &secret, &rec, &csrf);
	assert_int_equal(http_db_int("SELECT totp_pending IS NULL FROM users"
	    " WHERE username = ?1", "sec1"), 1);

	/* any code from the live session alone: no new secret, nothing pending */
	for (int i = 0; i < 2; i++) {
		body = http_form("csrf", csrf, "code", "123456", NULL);
		http_session(&r, "POST", "/intranet/totp", sid, body);
		free(body);
		assert_int_equal(r.status, 200);
		assert_false(http_body_has(&r, "<code class=\"otp\">"));
		assert_true(http_body_has(&r, "Toinen vaihe on ennallaan"));
		http_resp_free(&r);
		assert_int_equal(http_db_int("SELECT totp_pending IS NULL FROM"
		    " users WHERE username = ?1", "sec1"), 1);
	}

	/* the password without a right code: refused and counted */
	failures = http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = ?1", "sec1");
	body = http_form("csrf", csrf, "password", PW, "current_code", "000000",
	    NULL);
	http_session(&r, "POST", "/intranet/totp", sid, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Salasana tai koodi ei kelpaa"));
	assert_false(http_body_has(&r, "<code class=\"otp\">"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = ?1", "sec1"), failures + 1);
	assert_int_equal(http_db_int("SELECT totp_pending IS NULL FROM users"
	    " WHERE username = ?1", "sec1"), 1);

	/* a right code without the password: refused too */
	body = http_form("csrf", csrf, "password", "Ei tämä ole se salasana 1",
	    "current_code", rec, NULL);
	http_session(&r, "POST", "/intranet/totp", sid, body);
	free(body);
	assert_true(http_body_has(&r, "Salasana tai koodi ei kelpaa"));
	http_resp_free(&r);

	/* both: a new secret, the old one in force until it is confirmed */
	body = http_form("csrf", csrf, "password", PW, "current_code", rec, NULL);
	http_session(&r, "POST", "/intranet/totp", sid, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	secret2 = scrape(&r, "<code class=\"otp\">");
	assert_non_null(secret2);
	assert_string_not_equal(secret2, secret);
	http_resp_free(&r);
	assert_int_equal(secret_changed("sec1", secret), 0);
	app_code(secret2, now + 30, code);
	body = http_form("csrf", csrf, "code", code, NULL);
	http_session(&r, "POST", "/intranet/totp", sid, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<ul class=\"recovery\">"));
	http_resp_free(&r);
	assert_int_equal(secret_changed("sec1", secret), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'user.totp_replace' AND username = ?1", "sec1"), 1);
	forget_failures();
	free(secret2);
	free(secret);
	free(rec);
	free(csrf);
	free(sid);
}

static void
admin_cannot_reset_own_factor(void **st)
{
	struct http_resp r;
	char *sid, *secret, *rec, *csrf, *body, idtext[24];
	long long id;

	(void)st;
	sid = enrolled("sec2", "admin", time(NULL), &secret, &rec, &csrf);
	id = http_db_int("SELECT id FROM users WHERE username = ?1", "sec2");
	snprintf(idtext, sizeof(idtext), "%lld", id);
	body = http_form("csrf", csrf, "id", idtext, NULL);
	http_session(&r, "POST", "/intranet/users/totp-reset", sid, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(secret_changed("sec2", secret), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'user.totp_reset' AND object_id = ?1", idtext), 0);
	free(secret);
	free(rec);
	free(csrf);
	free(sid);
}

static void
current_password_guesses_lock_out(void **st)
{
	struct http_resp r;
	char *sid, *csrf, *body;
	int i;

	(void)st;
	assert_int_equal(http_user_add("sec3", "handler", PW), 0);
	sid = http_login("sec3", PW);
	http_session(&r, "GET", "/intranet/password", sid, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	assert_non_null(csrf);
	for (i = 0; i < 5; i++) {
		body = http_form("csrf", csrf, "current", "Arvaus numero yksi 1",
		    "password", "Uusi hyvä salasana tähän 9", "again",
		    "Uusi hyvä salasana tähän 9", NULL);
		http_session(&r, "POST", "/intranet/password", sid, body);
		free(body);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	/* the sixth, even the right one, meets the lockout */
	body = http_form("csrf", csrf, "current", PW, "password",
	    "Uusi hyvä salasana tähän 9", "again", "Uusi hyvä salasana tähän 9",
	    NULL);
	http_session(&r, "POST", "/intranet/password", sid, body);
	free(body);
	assert_int_equal(r.status, 429);
	assert_true(http_body_has(&r, "Odota 15 minuuttia"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'user.passwd' AND username = ?1", "sec3"), 0);
	forget_failures();
	free(csrf);
	free(sid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_session_cannot_swap_factor),
		cmocka_unit_test(admin_cannot_reset_own_factor),
		cmocka_unit_test(current_password_guesses_lock_out),
	};

	if (oath_init() != OATH_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
