/*
 * test_intranet.c — staff sign-in and sessions through the real server
 * (issue 4): the sign-in page and its cookie, the front page by role, one
 * message for a wrong name or password, the NDA rule, lockout, tampered and
 * expired sessions, disabled users, one-time passwords, the password
 * policy. test_roles walks every route against every role; test_audit has
 * the audit page and chain, the notice editor and the second factor.
 *
 * The harness starts this file on a fresh database and server; the group
 * setup adds the users it needs. Every failed sign-in counts against the
 * client address (20 in 15 min locks 127.0.0.1 out of everything), so this
 * file makes at most 9 of them, in this order: admin1 wrong (cleared by
 * admin1's next sign-in), one unknown name, five for lock1, gone1 after
 * disabling, temp1's spent one-time password.
 */
#include <sys/wait.h>

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <sodium.h>
#include <liboath/oath.h>
#include <sqlite3.h>

#include "http.h"


#define PW		"Tosi pitkä salasana 1"
#define PW2		"Toinen hyvin pitkä lause 2"
#define NEWPW		"Uusi oma salasana on tämä 3"

static const char *cli, *state;

/* ---- helpers (the shared ones are in http.c) ---------------------------- */

static void
db_session_exec(const char *sql, const char *id)
{
	unsigned char h[32];
	sqlite3 *db = http_db_open(1);
	sqlite3_stmt *st;

	crypto_generichash(h, sizeof(h), (const unsigned char *)id, strlen(id),
	    NULL, 0);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* How many session rows have the id's hash. */
static long long
session_rows(const char *id)
{
	unsigned char h[32];
	sqlite3 *db = http_db_open(0);
	sqlite3_stmt *st;
	long long n = -1;

	crypto_generichash(h, sizeof(h), (const unsigned char *)id, strlen(id),
	    NULL, 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions"
	    " WHERE id_hash = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* The text inside <dd> following the <dt> with text dt, or NULL; caller frees. */
static char *
dd_after(const struct http_resp *r, const char *dt)
{
	char needle[200];
	const char *p;

	snprintf(needle, sizeof(needle), ">%s</dt>", dt);
	if ((p = strstr(r->body.data, needle)) == NULL ||
	    (p = strstr(p, "<dd")) == NULL || (p = strchr(p, '>')) == NULL)
		return NULL;
	p++;
	return xstrndup(p, strcspn(p, "<"));
}

/* The audit table's rows: username and action per row. */
/* ---- set-up ------------------------------------------------------------- */

static int
setup(void **st)
{
	static const struct http_staff users[] = {
		{ "admin1", "admin", "Anna Ylläpitäjä", 1 },
		{ "handler1", "handler", "Heikki Käsittelijä", 1 },
		{ "auditor1", "auditor", "Tuula Tarkastaja", 1 },
		{ "nonda1", "handler", "Niko Ilman", 0 },
		{ "lock1", "handler", "Lauri Lukittu", 1 },
		{ "gone1", "handler", "Gerda Poistuva", 1 },
		{ "temp1", "handler", "Teemu Tilapäinen", 1 },
	};

	(void)st;
	return http_staff_add(users, sizeof(users) / sizeof(users[0]), PW);
}

/* ---- 1. the sign-in page ------------------------------------------------- */

static void
login_page(void **st)
{
	struct http_resp r;
	char *cc;

	(void)st;
	http_session(&r, "GET", "/intranet/login", NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	http_assert_public_headers(&r);	/* and no cookie */
	assert_true(http_body_has(&r, "action=\"/intranet/login\""));
	assert_true(http_body_has(&r, "name=\"username\""));
	assert_true(http_body_has(&r, "type=\"password\""));
	assert_false(http_body_has(&r, "name=\"csrf\""));
	cc = http_header(&r, "Cache-Control");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "no-store"));
	free(cc);
	http_resp_free(&r);
	/* in English too */
	http_session(&r, "GET", "/intranet/login?lang=en", NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	http_resp_free(&r);
}

/* ---- 2. signing in -------------------------------------------------------- */

static void
sign_in_cookie(void **st)
{
	struct http_resp r;
	char *sc, *id1, *id2, ck[200];

	(void)st;
	http_login_resp(&r, "admin1", PW);
	http_assert_redirect(&r, "/intranet/");
	{
		char *loc = http_header(&r, "Location");

		assert_string_equal(loc, "/intranet/");
		free(loc);
	}
	sc = http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));
	assert_non_null(strstr(sc, "Path=/intranet"));
	/* plain http: no Secure, which would stop the browser sending it */
	for (char *c = sc; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	assert_null(strstr(sc, "secure"));
	assert_null(strstr(sc, "domain="));
	free(sc);
	id1 = http_cookie(&r);
	assert_non_null(id1);
	assert_int_equal(strlen(id1), 64);
	for (size_t i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)id1[i]))
			fail_msg("session id is not hex: %s", id1);
	http_resp_free(&r);

	/* a second sign-in, even carrying the first cookie, gets a new id */
	snprintf(ck, sizeof(ck), "Cookie: " HTTP_COOKIE "=%s", id1);
	{
		char *body = http_form("username", "admin1", "password", PW, NULL);
		const char *h[2] = { ck, NULL };

		http_fetch(&r, "POST", "/intranet/login", body, strlen(body), h);
		free(body);
	}
	http_assert_security_headers(&r);
	/* signed in already: the sign-in form may send on, but not reuse the id */
	id2 = http_cookie(&r);
	http_resp_free(&r);
	if (id2 == NULL)
		id2 = http_login("admin1", PW);
	assert_int_equal(strlen(id2), 64);
	assert_string_not_equal(id1, id2);
	/* the database keeps hashes, never the id itself */
	assert_int_equal(http_db_int("SELECT count(*) FROM sessions WHERE"
	    " hex(id_hash) = upper(?1) OR csrf = ?1", id1), 0);
	/* the session brought along to the sign-in ended there */
	assert_int_equal(session_rows(id1), 0);
	assert_int_equal(session_rows(id2), 1);
	/* the sign-in is in the audit log */
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action = 'login'"
	    " AND username = ?1", "admin1") >= 2);
	free(id1);
	free(id2);
}

static void
front_page_by_role(void **st)
{
	static const struct {
		const char *user, *display, *role, *label;
		int audit, users;
	} cases[] = {
		{ "admin1", "Anna Ylläpitäjä", "admin", "Ylläpitäjä", 1, 1 },
		{ "handler1", "Heikki Käsittelijä", "handler", "Käsittelijä", 0, 0 },
		{ "auditor1", "Tuula Tarkastaja", "auditor", "Tarkastaja", 1, 0 },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_resp r;
		char *id = http_login(cases[i].user, PW), *role, *cc;

		http_session(&r, "GET", "/intranet/", id, NULL);
		assert_int_equal(r.status, 200);
		http_assert_page(&r, "fi");
		assert_null(http_header(&r, "Set-Cookie"));
		cc = http_header(&r, "Cache-Control");
		assert_non_null(cc);
		assert_non_null(strstr(cc, "no-store"));
		free(cc);
		if (!http_body_has(&r, cases[i].display))
			fail_msg("%s: no display name on the front page",
			    cases[i].user);
		role = dd_after(&r, "Rooli");
		assert_non_null(role);
		if (strcmp(role, cases[i].role) != 0 &&
		    strcmp(role, cases[i].label) != 0)
			fail_msg("%s: role shown as \"%s\"", cases[i].user, role);
		free(role);
		if (http_body_has(&r, "href=\"/intranet/audit\"") != cases[i].audit)
			fail_msg("%s: audit link %s", cases[i].user,
			    cases[i].audit ? "missing" : "shown");
		if (http_body_has(&r, "href=\"/intranet/users\"") && !cases[i].users)
			fail_msg("%s: users link shown", cases[i].user);
		assert_true(http_body_has(&r, "href=\"/intranet/password\""));
		assert_true(http_body_has(&r, "action=\"/intranet/logout\""));
		/* the layout's logout form carries the session's token */
		{
			char *t = http_csrf(&r);

			assert_non_null(t);
			assert_int_equal(strlen(t), 64);
			assert_string_not_equal(t, id);
			free(t);
		}
		http_resp_free(&r);
		free(id);
	}
}

/* ---- 3. one message for a wrong name or password ------------------------- */

/* The body with the echoed username's value attribute blanked. */
static char *
without_username(const struct http_resp *r, const char *name)
{
	struct buf b = BUF_INIT;
	char needle[100];
	const char *p = r->body.data, *q;

	snprintf(needle, sizeof(needle), "value=\"%s\"", name);
	while ((q = strstr(p, needle)) != NULL) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, "value=\"\"");
		p = q + strlen(needle);
	}
	buf_adds(&b, p);
	buf_cstr(&b);
	return b.data;
}

static void
bad_password_and_unknown_user_alike(void **st)
{
	struct http_resp wrong, unknown;
	long long before = http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail'", NULL);
	char *a, *b;

	(void)st;
	http_login_resp(&wrong, "admin1", "Väärä salasana tässä 9");
	http_login_resp(&unknown, "nobody77", "Väärä salasana tässä 9");
	assert_int_equal(wrong.status, unknown.status);
	assert_true(wrong.status == 200 || wrong.status == 403);
	http_assert_page(&wrong, "fi");
	assert_null(http_header(&wrong, "Set-Cookie"));
	assert_null(http_header(&unknown, "Set-Cookie"));
	assert_true(http_body_has(&wrong, "Käyttäjätunnus tai salasana on väärin."));
	assert_false(http_body_has(&wrong, "salassapitositoumusta"));
	assert_false(http_body_has(&wrong, "Odota 15 minuuttia"));
	/* nothing tells the two apart but the echoed name */
	a = without_username(&wrong, "admin1");
	b = without_username(&unknown, "nobody77");
	assert_string_equal(a, b);
	free(a);
	free(b);
	http_resp_free(&wrong);
	http_resp_free(&unknown);

	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail'", NULL), before + 2);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail' AND username = ?1", "admin1"), 1);
	/* neither the typed password nor an unknown name is kept in the log */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " instr(username || client || object_id || summary, ?1) > 0",
	    "Väärä"), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " instr(username || summary, ?1) > 0", "nobody77"), 0);
}

/* ---- 4. no NDA date ------------------------------------------------------- */

static void
no_nda_no_session(void **st)
{
	struct http_resp r;

	(void)st;
	http_login_resp(&r, "nonda1", PW);
	assert_true(r.status == 200 || r.status == 403);
	http_assert_page(&r, "fi");
	assert_null(http_header(&r, "Set-Cookie"));
	assert_true(http_body_has(&r, "salassapitositoumusta"));
	assert_false(http_body_has(&r, "Käyttäjätunnus tai salasana on väärin."));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE username = ?1)", "nonda1"), 0);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'login.no_nda' AND username = ?1", "nonda1") >= 1);
}

/* ---- 5. lockout ------------------------------------------------------------ */

static void
lockout_after_five(void **st)
{
	struct http_resp r;
	char *ra;

	(void)st;
	for (int i = 0; i < 5; i++) {
		http_login_resp(&r, "lock1", "Ei tämäkään ole oikein");
		assert_true(r.status == 200 || r.status == 403);
		assert_true(http_body_has(&r, "Käyttäjätunnus tai salasana on väärin."));
		assert_null(http_header(&r, "Set-Cookie"));
		http_resp_free(&r);
	}
	assert_int_equal(http_db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = ?1", "lock1"), 5);
	/* now even the right password is refused, with the wait message */
	http_login_resp(&r, "lock1", PW);
	assert_int_equal(r.status, 429);
	http_assert_page(&r, "fi");
	assert_null(http_header(&r, "Set-Cookie"));
	assert_true(http_body_has(&r, "Odota 15 minuuttia"));
	ra = http_header(&r, "Retry-After");
	assert_non_null(ra);
	assert_true(atoi(ra) > 0);
	free(ra);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE username = ?1)", "lock1"), 0);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'login.locked'", NULL) >= 1);
	/* the lock is per username: others still sign in */
	free(http_login("handler1", PW));
}

/* ---- 8. tampered cookies ------------------------------------------------------ */

static void
assert_cookie_cleared(const struct http_resp *r)
{
	char *sc = http_header(r, "Set-Cookie");

	if (sc == NULL)
		fail_msg("no Set-Cookie clearing the session cookie");
	assert_int_equal(strncmp(sc, HTTP_COOKIE "=;", sizeof(HTTP_COOKIE) + 1), 0);
	assert_non_null(strstr(sc, "Max-Age=0"));
	assert_non_null(strstr(sc, "Path=/intranet"));
	free(sc);
}

static void
tampered_cookie(void **st)
{
	char *id = http_login("handler1", PW), *bad = xstrdup(id);
	static const char *const garbage[] = {
		"garbage", "", "../../etc/passwd",
		"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
	};
	struct http_resp r;

	(void)st;
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	http_session(&r, "GET", "/intranet/", bad, NULL);
	http_assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	/* the id with a digit more or less */
	bad[10] = id[10];
	bad[63] = '\0';
	http_session(&r, "GET", "/intranet/", bad, NULL);
	http_assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		http_session(&r, "GET", "/intranet/", garbage[i], NULL);
		http_assert_redirect(&r, "/intranet/login");
		if (garbage[i][0] != '\0')
			assert_cookie_cleared(&r);
		http_resp_free(&r);
	}
	/* the real one still works */
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(bad);
	free(id);
}

/* ---- 9. expiry ------------------------------------------------------------------ */

static void
idle_expiry(void **st)
{
	char *id = http_login("handler1", PW);
	struct http_resp r;

	(void)st;
	assert_int_equal(session_rows(id), 1);
	/* 29 minutes idle: still fine */
	db_session_exec("UPDATE sessions SET seen_at = seen_at - 1740"
	    " WHERE id_hash = ?1", id);
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	/* 31 minutes idle: gone */
	db_session_exec("UPDATE sessions SET seen_at = seen_at - 1860"
	    " WHERE id_hash = ?1", id);
	http_session(&r, "GET", "/intranet/", id, NULL);
	http_assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	free(id);
}

static void
absolute_expiry(void **st)
{
	char *id = http_login("handler1", PW);
	struct http_resp r;

	(void)st;
	/* 9 h 59 min old, seen just now: still fine */
	db_session_exec("UPDATE sessions SET created_at = created_at - 35940"
	    " WHERE id_hash = ?1", id);
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	/* 10 h 1 min old although seen just now: gone */
	db_session_exec("UPDATE sessions SET created_at = created_at - 120,"
	    " seen_at = CAST(strftime('%s', 'now') AS INTEGER)"
	    " WHERE id_hash = ?1", id);
	http_session(&r, "GET", "/intranet/", id, NULL);
	http_assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	free(id);
}

/* ---- 10. a disabled user ---------------------------------------------------------- */

static void
disabled_user_session_ends(void **st)
{
	char *id = http_login("gone1", PW);
	struct buf o = BUF_INIT;
	struct http_resp r;

	(void)st;
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(http_run(&o, "%s user disable gone1", cli), 0);
	http_session(&r, "GET", "/intranet/", id, NULL);
	http_assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	/* and it cannot sign in again: the generic message, no cookie */
	http_login_resp(&r, "gone1", PW);
	assert_null(http_header(&r, "Set-Cookie"));
	assert_true(http_body_has(&r, "Käyttäjätunnus tai salasana on väärin."));
	http_resp_free(&r);
	buf_free(&o);
	free(id);
}

/* ---- 11. a one-time password -------------------------------------------------------- */

static void
one_time_password(void **st)
{
	struct buf o = BUF_INIT;
	struct http_resp r;
	char otp[64] = "", *id, *token, *body, *p;

	(void)st;
	assert_int_equal(http_run(&o, "%s user passwd temp1 --generate", cli), 0);
	assert_non_null(p = strstr(o.data, "password: "));
	assert_int_equal(sscanf(p, "password: %63s", otp), 1);
	assert_int_equal(strlen(otp), 20);
	assert_int_equal(http_db_int("SELECT must_change FROM users WHERE"
	    " username = ?1", "temp1"), 1);

	/* the one-time password signs in, but only to change it */
	id = http_login_to("temp1", otp, "/intranet/password");
	/* nothing else opens until it is changed */
	http_session(&r, "GET", "/intranet/", id, NULL);
	http_assert_redirect(&r, "/intranet/password");
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/password", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "kertakäyttöisen salasanan"));
	token = http_csrf(&r);
	assert_non_null(token);
	http_resp_free(&r);

	/* the two new ones differ: the summary links to the field (#20) */
	body = http_form("csrf", token, "current", otp, "password", NEWPW, "again",
	    "Jotain aivan muuta 12", NULL);
	http_session(&r, "POST", "/intranet/password", id, body);
	free(body);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "id=\"error-summary\" tabindex=\"-1\""
	    " autofocus=\"autofocus\""));
	assert_true(http_body_has(&r, "<li><a href=\"#again\">"));
	{
		char *again = http_between(&r, "id=\"again\"", ">"),
		    *current = http_between(&r, "id=\"current\"", ">");

		assert_non_null(again);
		assert_non_null(current);
		assert_non_null(strstr(again, "aria-invalid=\"true\""));
		assert_null(strstr(current, "aria-invalid"));
		free(again);
		free(current);
	}
	http_resp_free(&r);

	body = http_form("csrf", token, "current", otp, "password", NEWPW, "again",
	    NEWPW, NULL);
	http_session(&r, "POST", "/intranet/password", id, body);
	free(body);
	http_assert_redirect(&r, "/intranet/login?changed=1");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT must_change FROM users WHERE"
	    " username = ?1", "temp1"), 0);
	/* the change ended the session */
	http_session(&r, "GET", "/intranet/", id, NULL);
	http_assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	free(id);
	free(token);
	/* the sign-in page says so */
	http_session(&r, "GET", "/intranet/login?changed=1", NULL, NULL);
	assert_true(http_body_has(&r, "Salasana on vaihdettu."));
	http_resp_free(&r);

	/* the new one lands on the front page; the one-time one is spent */
	id = http_login("temp1", NEWPW);
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(id);
	http_login_resp(&r, "temp1", otp);
	assert_null(http_header(&r, "Set-Cookie"));
	http_resp_free(&r);
	free(http_login("temp1", NEWPW));	/* clears temp1's failure */
	buf_free(&o);
}

/* ---- 12. the password policy ------------------------------------------------------------ */

static void
password_policy(void **st)
{
	static const struct {
		const char *pw, *again, *msg;
	} cases[] = {
		{ "lyhyt 1", "lyhyt 1", "vähintään 12 merkkiä" },
		{ "salasana1234", "salasana1234", "liian yleinen" },
		{ "SALASANA1234", "SALASANA1234", "liian yleinen" },
		{ "auditor1", "auditor1", "vähintään 12 merkkiä" },
		{ PW2, "Toinen hyvin pitkä lause 3", "Salasanat eivät ole samat." },
	};
	char *id = http_login("auditor1", PW), *token = http_csrf_for(id, "/intranet/");
	char *before = http_db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "auditor1"), *after;

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = http_form("csrf", token, "current", PW, "password",
		    cases[i].pw, "again", cases[i].again, NULL);
		struct http_resp r;
		const char *span;

		http_session(&r, "POST", "/intranet/password", id, body);
		free(body);
		if (r.status != 200)
			fail_msg("\"%s\": %ld", cases[i].pw, r.status);
		http_assert_page(&r, "fi");
		/* the message is beside the field, not only at the top */
		span = strstr(r.body.data, "class=\"field-error\"");
		if (span == NULL || strstr(span, cases[i].msg) == NULL ||
		    strstr(span, cases[i].msg) > strstr(span, "</span>"))
			fail_msg("\"%s\": no \"%s\" beside the field:\n%s",
			    cases[i].pw, cases[i].msg, r.body.data);
		assert_true(http_body_has(&r, "role=\"alert\""));
		assert_null(http_header(&r, "Set-Cookie"));
		http_resp_free(&r);
	}
	after = http_db_text("SELECT password_hash FROM users WHERE username = ?1",
	    "auditor1");
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* nothing changed: the session lives and the old password signs in */
	{
		struct http_resp r;

		http_session(&r, "GET", "/intranet/", id, NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	free(http_login("auditor1", PW));
	free(token);
	free(id);
}

/*
 * The same sign-in on an intranet whose base_url is https: the cookie is
 * Secure (#15), so a browser never sends it over plain http. A second
 * intranet on its own socket with the config changed, asked straight over
 * FastCGI as the web server in front of TLS would ask it.
 */
static void
sign_in_cookie_secure_over_https(void **st)
{
	static const char base[] = "https://rekisteri.example.fi";
	char conf[4200], sock[4200], pid[4200], exe[4200], line[4096];
	struct buf out = BUF_INIT;
	const char *sc, *eol;
	char *body;
	FILE *in, *o;
	int up = 0;

	(void)st;
	snprintf(conf, sizeof(conf), "%s/intranet-https.conf", state);
	snprintf(sock, sizeof(sock), "%s/run/intranet-https.sock", state);
	snprintf(pid, sizeof(pid), "%s/run/intranet-https.pid", state);
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	assert_non_null(in = fopen(getenv("REKISTERI_CONF"), "r"));
	assert_non_null(o = fopen(conf, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		if (strncmp(line, "base_url", 8) == 0)
			fprintf(o, "base_url = %s\n", base);
		else
			fputs(line, o);
	fclose(in);
	fclose(o);
	assert_int_equal(http_run(NULL, "spawn-fcgi -n -s '%s' -M 0600 %s -- "
	    "'%s/cgi-bin/intranet' -c '%s' -w 1 </dev/null >/dev/null 2>>'%s/log/fcgi.log' & "
	    "echo $! >'%s'", sock, getuid() == 0 ? "-u rekisteri -g rekisteri" :
	    "", exe, conf, state, pid), 0);
	for (int i = 0; i < 100 && !up; i++) {
		if (access(sock, F_OK) == 0)
			up = 1;
		else
			usleep(50000);
	}
	assert_true(up);

	body = http_form("username", "admin1", "password", PW, NULL);
	assert_int_equal(http_run_input(&out, body, "env -i REQUEST_METHOD=POST"
	    " REQUEST_URI=/intranet/login SCRIPT_NAME= SERVER_PROTOCOL=HTTP/1.1"
	    " REMOTE_ADDR=127.0.0.1 HTTP_HOST=rekisteri.example.fi HTTPS=on"
	    " HTTP_ORIGIN=%s HTTP_SEC_FETCH_SITE=same-origin"
	    " CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=%zu"
	    " cgi-fcgi -bind -connect '%s'", base, strlen(body), sock), 0);
	free(body);
	assert_int_equal(http_run(NULL, "kill $(cat '%s'); rm -f '%s' '%s'",
	    pid, pid, sock), 0);
	if (strncmp(buf_cstr(&out), "Status: 303", 11) != 0)
		fail_msg("https sign-in: %.80s", buf_cstr(&out));
	sc = strstr(buf_cstr(&out), "Set-Cookie: " HTTP_COOKIE "=");
	assert_non_null(sc);
	eol = strstr(sc, "\r\n");
	assert_non_null(eol);
	assert_true(eol - sc > 12 + 64);
	{
		char *h = strndup(sc, (size_t)(eol - sc));

		assert_non_null(strstr(h, "; Secure"));
		assert_non_null(strstr(h, "HttpOnly"));
		assert_non_null(strstr(h, "SameSite=Strict"));
		free(h);
	}
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_page),
		cmocka_unit_test(sign_in_cookie),
		cmocka_unit_test(sign_in_cookie_secure_over_https),
		cmocka_unit_test(front_page_by_role),
		cmocka_unit_test(bad_password_and_unknown_user_alike),
		cmocka_unit_test(no_nda_no_session),
		cmocka_unit_test(lockout_after_five),
		cmocka_unit_test(tampered_cookie),
		cmocka_unit_test(idle_expiry),
		cmocka_unit_test(absolute_expiry),
		cmocka_unit_test(disabled_user_session_ends),
		cmocka_unit_test(one_time_password),
		cmocka_unit_test(password_policy),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	return http_group_main("intranet", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
