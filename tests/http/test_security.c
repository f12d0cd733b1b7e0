/*
 * test_security.c — findings of the attack on the running site (issue
 * #18), each through the real server: the second factor cannot be
 * swapped from a live session without the password and a current code,
 * an admin cannot reset their own factor, guesses of the current
 * password on /intranet/password meet the sign-in lockout, failures from
 * one address lock the account from that address only, and sign-in hashes
 * the password without holding the database's write lock.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
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

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
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

/*
 * POST the sign-in form for user from the loopback address addr
 * (127.0.0.x: Apache sees it as the client's address). The status, or
 * -1 when the request failed.
 */
static long
login_from(const char *addr, const char *user, const char *pw)
{
	char url[512], iface[64], *body;
	long status = -1;
	CURL *c;

	snprintf(url, sizeof(url), "%s/intranet/login",
	    getenv("REKISTERI_BASE_URL"));
	snprintf(iface, sizeof(iface), "host!%s", addr);
	body = http_form("username", user, "password", pw, NULL);
	if ((c = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	/* the page is not needed, only the status */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	free(body);
	return status;
}

/*
 * Five wrong passwords from one address lock the account from that
 * address only: someone who can reach the sign-in page cannot lock staff
 * out of their accounts (#18, item 9).
 */
static void
lockout_is_per_address(void **st)
{
	(void)st;
	assert_int_equal(http_user_add("sec4", "handler", PW), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_from("127.0.0.3", "sec4",
		    "Arvaus numero yksi 1"), 200);
	assert_int_equal(login_from("127.0.0.3", "sec4", PW), 429);
	/* the account's holder, elsewhere, still signs in ... */
	assert_int_equal(login_from("127.0.0.1", "sec4", PW), 303);
	/* ... which does not forgive the guesses: that address stays locked */
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = ?1 AND client = '127.0.0.3'", "sec4"), 5);
	assert_int_equal(login_from("127.0.0.3", "sec4", PW), 429);
	forget_failures();
}

/*
 * Sign-in hashes the password (argon2id, a quarter of a second here)
 * before it takes the database's write lock (#18, item 10): while a child
 * signs in again and again, this process tries the write lock every few
 * milliseconds, and finds it free nearly always. With the hash inside the
 * transaction the lock was taken most of the time.
 */
static void
sign_in_hashes_outside_the_lock(void **st)
{
	char path[1024];
	sqlite3 *db;
	pid_t pid;
	long tries = 0, busy = 0;
	int status;

	(void)st;
	assert_int_equal(http_user_add("sec5", "handler", PW), 0);
	snprintf(path, sizeof(path), "%s/rekisteri.db", getenv("REKISTERI_STATE"));
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	if ((pid = fork()) == 0) {
		int bad = 0;

		for (int i = 0; i < 6; i++)
			bad |= login_from("127.0.0.1", "sec5", PW) != 303;
		_exit(bad);
	}
	assert_true(pid > 0);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		struct timespec ts = { 0, 2000000L };

		tries++;
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
		    SQLITE_OK)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		else
			busy++;
		nanosleep(&ts, NULL);
	}
	sqlite3_close(db);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	print_message("write lock taken in %ld of %ld tries during six sign-ins\n",
	    busy, tries);
	assert_true(tries > 50);
	assert_true(busy * 4 < tries);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_session_cannot_swap_factor),
		cmocka_unit_test(admin_cannot_reset_own_factor),
		cmocka_unit_test(current_password_guesses_lock_out),
		cmocka_unit_test(lockout_is_per_address),
		cmocka_unit_test(sign_in_hashes_outside_the_lock),
	};

	if (oath_init() != OATH_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
