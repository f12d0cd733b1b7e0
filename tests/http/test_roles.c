/*
 * test_roles.c — every intranet route against every role through the real
 * server (issue 4): the route table as `intranet --routes` lists it, each
 * route without a session, each as an admin, a handler and an auditor (a
 * forbidden POST refused by the role even with the user's own good token,
 * and audited), CSRF tokens and other origins.
 *
 * The harness starts this file on a fresh database and server; the group
 * setup adds the users it needs. It makes no failed sign-in.
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

/* Role bits as the product's auth.h has them. */
#define R_ADMIN		1u
#define R_HANDLER	2u
#define R_AUDITOR	4u
#define R_ALL		(R_ADMIN | R_HANDLER | R_AUDITOR)

static const char *cli, *state;

/* ---- set-up ------------------------------------------------------------- */

static int
setup(void **st)
{
	static const struct http_staff users[] = {
		{ "admin1", "admin", "Anna Ylläpitäjä", 1 },
		{ "handler1", "handler", "Heikki Käsittelijä", 1 },
		{ "auditor1", "auditor", "Tuula Tarkastaja", 1 },
		{ "nonda1", "handler", "Niko Ilman", 0 },
	};

	(void)st;
	return http_staff_add(users, sizeof(users) / sizeof(users[0]), PW);
}

/* ---- 6. every route against every role ------------------------------------ */

static const struct route_exp {
	const char	*path;
	const char	*method;
	unsigned	 roles;		/* 0: public */
} expected_routes[] = {
	{ "/intranet/login", "GET", 0 },
	{ "/intranet/login", "POST", 0 },
	{ "/intranet/logout", "POST", R_ALL },
	{ "/intranet/", "GET", R_ALL },
	{ "/intranet/password", "GET", R_ALL },
	{ "/intranet/password", "POST", R_ALL },
	{ "/intranet/audit", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/users", "GET", R_ADMIN },
	{ "/intranet/users/add", "POST", R_ADMIN },
	{ "/intranet/users/disable", "POST", R_ADMIN },
	{ "/intranet/users/enable", "POST", R_ADMIN },
	{ "/intranet/users/reset", "POST", R_ADMIN },
	{ "/intranet/users/nda", "POST", R_ADMIN },
	{ "/intranet/users/totp-reset", "POST", R_ADMIN },
	{ "/intranet/login/code", "GET", R_ALL },
	{ "/intranet/login/code", "POST", R_ALL },
	{ "/intranet/totp", "GET", R_ALL },
	{ "/intranet/totp", "POST", R_ALL },
	{ "/intranet/request/told", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/ban", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/restrict", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/unrestrict", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/object", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customers", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/customers.csv", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels/sheet", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels.csv", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/requests", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/identity", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/paper", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/start", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/answer", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/partly-refuse", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/refuse", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/ask", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/link", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/unlink", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/new", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/new", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/ticket", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/extend", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/letter", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/letter", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/letter", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/report", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/portability", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/report/send", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/report/stored", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/import", "GET", R_ADMIN },
	{ "/intranet/import", "POST", R_ADMIN },
	{ "/intranet/import/apply", "POST", R_ADMIN },
	{ "/intranet/customers/new", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/customers/new", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/edit", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/edit", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/order", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/disclosure", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/ban", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/unban", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/restrict", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/unrestrict", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/invoice", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/customer/hold", "POST", R_ADMIN },
	{ "/intranet/customer/hold/lift", "POST", R_ADMIN },
	{ "/intranet/customer/erase", "GET", R_ADMIN },
	{ "/intranet/customer/erase", "POST", R_ADMIN },
	{ "/intranet/notice", "GET", R_ADMIN },
	{ "/intranet/notice/section", "GET", R_ADMIN },
	{ "/intranet/notice/section", "POST", R_ADMIN },
	{ "/intranet/notice/preview", "GET", R_ADMIN },
	{ "/intranet/notice/draft", "POST", R_ADMIN },
	{ "/intranet/notice/date", "POST", R_ADMIN },
	{ "/intranet/notice/publish", "POST", R_ADMIN },
	{ "/intranet/notice/discard", "POST", R_ADMIN },
	{ "/intranet/statistics", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/statistics.csv", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/processing", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/retention", "GET", R_ADMIN },
	{ "/intranet/breaches", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/breaches", "POST", R_ADMIN },
	{ "/intranet/breach", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/breach", "POST", R_ADMIN },
	{ "/intranet/breach/affected", "GET", R_ADMIN | R_AUDITOR },
	{ "/intranet/breach/affected", "POST", R_ADMIN },
	{ "/intranet/breach/affected.csv", "GET", R_ADMIN },
	{ "/intranet/breach/letters", "GET", R_ADMIN },
	{ "/intranet/breach/tell", "POST", R_ADMIN },
};
#define NEXPECTED (sizeof(expected_routes) / sizeof(expected_routes[0]))

static unsigned
parse_roles(const char *s)
{
	unsigned bits = 0;
	char copy[200], *save = NULL;

	if (strcmp(s, "public") == 0)
		return 0;
	snprintf(copy, sizeof(copy), "%s", s);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",",
	    &save)) {
		if (strcmp(t, "admin") == 0)
			bits |= R_ADMIN;
		else if (strcmp(t, "handler") == 0)
			bits |= R_HANDLER;
		else if (strcmp(t, "auditor") == 0)
			bits |= R_AUDITOR;
		else
			fail_msg("unknown role \"%s\" in --routes", t);
	}
	if (bits == 0)
		fail_msg("no roles in \"%s\"", s);
	return bits;
}

static void
route_table_matches(void **st)
{
	char exe[1200], line[512];
	int seen[NEXPECTED] = { 0 };
	FILE *p;
	int lines = 0;

	(void)st;
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/intranet --routes", sizeof(exe) - strlen(exe) - 1);
	assert_non_null(p = popen(exe, "r"));
	while (fgets(line, sizeof(line), p) != NULL) {
		char path[256], methods[64], roles[128], *save = NULL;
		unsigned bits;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%255s %63s %127s", path, methods, roles) != 3)
			fail_msg("--routes line not PATH METHODS ROLES: %s", line);
		bits = parse_roles(roles);
		lines++;
		for (char *m = strtok_r(methods, ",", &save); m;
		    m = strtok_r(NULL, ",", &save)) {
			size_t i;

			for (i = 0; i < NEXPECTED; i++)
				if (strcmp(expected_routes[i].path, path) == 0 &&
				    strcmp(expected_routes[i].method, m) == 0)
					break;
			if (i == NEXPECTED)
				fail_msg("route %s %s (%s) is not in this test's "
				    "table: add it with its roles", m, path, roles);
			if (expected_routes[i].roles != bits)
				fail_msg("route %s %s: roles %s, the test expects "
				    "bits %u", m, path, roles,
				    expected_routes[i].roles);
			seen[i]++;
		}
	}
	assert_int_equal(WEXITSTATUS(pclose(p)), 0);
	assert_true(lines > 0);
	for (size_t i = 0; i < NEXPECTED; i++)
		if (seen[i] != 1)
			fail_msg("route %s %s listed %d times by --routes",
			    expected_routes[i].method, expected_routes[i].path,
			    seen[i]);
}

static void
routes_without_session(void **st)
{
	(void)st;
	for (size_t i = 0; i < NEXPECTED; i++) {
		const struct route_exp *e = &expected_routes[i];
		struct http_resp r;

		if (strcmp(e->method, "GET") == 0) {
			http_session(&r, "GET", e->path, NULL, NULL);
			if (e->roles == 0) {
				if (r.status != 200)
					fail_msg("GET %s: %ld", e->path, r.status);
				http_assert_page(&r, "fi");
			} else
				http_assert_redirect(&r, "/intranet/login");
			assert_null(http_header(&r, "Set-Cookie"));
		} else if (e->roles != 0) {
			http_session(&r, "POST", e->path, NULL, "csrf=x&a=b");
			if (r.status != 403)
				fail_msg("POST %s without a session: %ld", e->path,
				    r.status);
		} else
			continue;
		http_resp_free(&r);
	}
	/* signing out is a POST: a link or an image cannot do it */
	{
		struct http_resp r;
		char *allow;

		http_session(&r, "GET", "/intranet/logout", NULL, NULL);
		assert_int_equal(r.status, 405);
		allow = http_header(&r, "Allow");
		assert_non_null(allow);
		assert_string_equal(allow, "POST");
		free(allow);
		http_resp_free(&r);
	}
}

/*
 * What a GET without parameters answers to a role: 403 when not allowed;
 * allowed, 200 — but a section of the draft needs ?n= and a record ?id=
 * (400), and the preview a draft (404: there is none during this walk).
 */
static long
want_get(const char *path, int allowed)
{
	if (!allowed)
		return 403;
	if (strcmp(path, "/intranet/notice/section") == 0 ||
	    strcmp(path, "/intranet/customer") == 0 ||
	    strcmp(path, "/intranet/customer/edit") == 0 ||
	    strcmp(path, "/intranet/customer/erase") == 0 ||
	    strcmp(path, "/intranet/labels/sheet") == 0 ||
	    strcmp(path, "/intranet/request") == 0 ||
	    strcmp(path, "/intranet/request/ticket") == 0 ||
	    strcmp(path, "/intranet/request/letter") == 0 ||
	    strcmp(path, "/intranet/letter") == 0 ||
	    strcmp(path, "/intranet/request/report") == 0 ||
	    strcmp(path, "/intranet/request/portability") == 0 ||
	    strcmp(path, "/intranet/request/report/stored") == 0 ||
	    strcmp(path, "/intranet/breach") == 0 ||
	    strcmp(path, "/intranet/breach/affected") == 0 ||
	    strcmp(path, "/intranet/breach/affected.csv") == 0 ||
	    strcmp(path, "/intranet/breach/letters") == 0 ||
	    strcmp(path, "/intranet/labels.csv") == 0 ||
	    strcmp(path, "/intranet/customers.csv") == 0 ||
	    strcmp(path, "/intranet/statistics.csv") == 0)
		return 400;	/* ?id= / ?n= / ?purpose= / ?table= missing */
	if (strcmp(path, "/intranet/notice/preview") == 0)
		return 404;
	return 200;
}

/* How many access.denied rows name user and path. */
static long long
denied(const char *user, const char *path)
{
	sqlite3 *db = http_db_open(0);
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'access.denied' AND username = ?1 AND summary = ?2",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* What the forbidden forms below would change: nonda1's row, and counts. */
static char *
bystanders(void)
{
	return http_db_text("SELECT u.active || '/' || ifnull(u.nda_signed, '-')"
	    " || '/' || u.password_hash || '/' || u.must_change || '/' ||"
	    " u.role || '/' || (SELECT count(*) FROM users) || '/' ||"
	    " (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM"
	    " notice_versions) || '/' || (SELECT count(*) FROM import_uploads)"
	    " FROM users u WHERE u.username = ?1", "nonda1");
}

/* One signed-in user's session for the walk below. */
struct walker {
	const char	*user;
	char		*id;		/* session */
	char		*token;		/* its CSRF token */
	const char	*victim;	/* a user id the forbidden forms name */
};

/* GET e as w: the status want_get says, and a page with the session's token. */
static void
walk_get(const struct walker *w, const struct route_exp *e, int allowed)
{
	struct http_resp r;

	http_session(&r, "GET", e->path, w->id, NULL);
	/* the second-factor page is only for a half sign-in */
	if ((e->roles == 0 || strcmp(e->path, "/intranet/login/code") == 0) &&
	    r.status == 303)
		http_assert_redirect(&r, "/intranet/");
	else if (r.status != want_get(e->path, allowed))
		fail_msg("%s GET %s: %ld, want %ld", w->user, e->path, r.status,
		    want_get(e->path, allowed));
	else if (allowed && r.status == 200 && strstr(e->path, ".csv") != NULL) {
		char *ct = http_header(&r, "Content-Type");

		assert_non_null(ct);
		assert_true(strncmp(ct, "text/csv;", 9) == 0);
		free(ct);
	} else if (allowed && r.status == 200) {
		/* every signed-in page has the token */
		char *t;

		http_assert_page(&r, "fi");
		t = http_csrf(&r);
		if (t == NULL || strcmp(t, w->token) != 0)
			fail_msg("%s GET %s: token missing or different", w->user,
			    e->path);
		free(t);
	}
	http_resp_free(&r);
}

/* POST body to e as w: it must answer 403 (what names the refusal). */
static void
walk_refused(const struct walker *w, const struct route_exp *e, char *body,
    const char *what)
{
	struct http_resp r;

	http_session(&r, "POST", e->path, w->id, body);
	free(body);
	if (r.status != 403)
		fail_msg("%s POST %s %s: %ld", w->user, e->path, what, r.status);
	http_resp_free(&r);
}

/*
 * POST e as w: without a token, with a wrong one: refused; when the role
 * may not, with the user's own good token too — now only the role can
 * refuse, and the refusal is audited (the form would change things if it
 * got through); the password form comes back for a wrong current password.
 */
static void
walk_post(const struct walker *w, const struct route_exp *e, int allowed)
{
	struct http_resp r;
	char *body;

	walk_refused(w, e, http_form("current", PW, "password", PW2, "again",
	    PW2, "username", "x9", NULL), "without a token");
	walk_refused(w, e, http_form("csrf", "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef", "current", PW, "password", PW2,
	    "again", PW2, NULL), "with a wrong token");
	if (!allowed) {
		long long n = denied(w->user, e->path);

		body = http_form("csrf", w->token, "id", w->victim, "username", "x9",
		    "role", "admin", "name", "Läpi Päässyt", "current", PW,
		    "password", PW2, "again", PW2, "nda", "2020-01-01",
		    "last_name", "Läpipäässyt", "source", "staff", "reason",
		    "Läpi", "edit", "fi", NULL);
		http_session(&r, "POST", e->path, w->id, body);
		free(body);
		if (r.status != 403)
			fail_msg("%s POST %s with its own token: %ld", w->user,
			    e->path, r.status);
		http_assert_page(&r, "fi");
		assert_true(http_body_has(&r, "<h1>Ei käyttöoikeutta</h1>"));
		http_resp_free(&r);
		if (denied(w->user, e->path) != n + 1)
			fail_msg("%s POST %s with its own token: no access.denied "
			    "row", w->user, e->path);
	}
	if (!allowed || strcmp(e->path, "/intranet/password") != 0)
		return;
	/* the token and a wrong current password: the form again */
	body = http_form("csrf", w->token, "current", "Ei ole nykyinen salasana",
	    "password", PW2, "again", PW2, NULL);
	http_session(&r, "POST", e->path, w->id, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Nykyinen salasana on väärin."));
	assert_true(http_body_has(&r, "class=\"field-error\""));
	http_resp_free(&r);
}

static void
routes_by_role(void **st)
{
	static const struct {
		const char *user;
		unsigned role;
	} who[] = {
		{ "admin1", R_ADMIN },
		{ "handler1", R_HANDLER },
		{ "auditor1", R_AUDITOR },
	};
	char *before = http_db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "handler1"), *others = bystanders(), victim[32];

	(void)st;
	assert_non_null(others);
	snprintf(victim, sizeof(victim), "%lld", http_db_int("SELECT id FROM"
	    " users WHERE username = ?1", "nonda1"));
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct walker w = { .user = who[i].user, .victim = victim };
		struct http_resp r;

		w.id = http_login(w.user, PW);
		w.token = http_csrf_for(w.id, "/intranet/");
		for (size_t k = 0; k < NEXPECTED; k++) {
			const struct route_exp *e = &expected_routes[k];
			int allowed = e->roles == 0 || (e->roles & who[i].role);

			if (strcmp(e->method, "GET") == 0)
				walk_get(&w, e, allowed);
			else if (e->roles != 0)
				walk_post(&w, e, allowed);
		}
		/* the session survived all that; the token-less logout did nothing */
		http_session(&r, "GET", "/intranet/", w.id, NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
		http_logout(w.id, w.token);
		free(w.token);
		free(w.id);
	}
	/* and no password changed on the way, nor anything the forms name */
	{
		char *after = http_db_text("SELECT password_hash FROM users WHERE"
		    " username = ?1", "handler1");

		assert_string_equal(before, after);
		free(after);
		after = bystanders();
		assert_string_equal(others, after);
		free(after);
	}
	free(before);
	free(others);
	/* a refused role is in the audit log */
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'access.denied' AND username = ?1", "handler1") >= 1);
}

/* ---- 7. CSRF and other origins ------------------------------------------------ */

static void
csrf_and_origin(void **st)
{
	char *id = http_login("handler1", PW), *token = http_csrf_for(id, "/intranet/");
	char *before = http_db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "handler1");
	char origin[300], *after;
	struct http_resp r;
	char *body;

	(void)st;
	/* a wrong token */
	body = http_form("csrf", "f00d", "current", PW, "password", PW2, "again", PW2,
	    NULL);
	http_session(&r, "POST", "/intranet/password", id, body);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(body);
	/* the token of another session */
	{
		char *id2 = http_login("auditor1", PW), *t2 = http_csrf_for(id2, "/intranet/");

		body = http_form("csrf", t2, "current", PW, "password", PW2, "again",
		    PW2, NULL);
		http_session(&r, "POST", "/intranet/password", id, body);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(body);
		http_logout(id2, t2);
		free(t2);
		free(id2);
	}
	/* no token */
	body = http_form("current", PW, "password", PW2, "again", PW2, NULL);
	http_session(&r, "POST", "/intranet/password", id, body);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(body);
	/* the right token from another origin */
	body = http_form("csrf", token, "current", PW, "password", PW2, "again", PW2,
	    NULL);
	http_send(&r, "POST", "/intranet/password", &(const struct http_opts){
	    .cookie = id, .body = body, .header = "Origin: http://evil.example" });
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	/* ... or from a look-alike of ours */
	snprintf(origin, sizeof(origin), "Origin: %s.evil.example",
	    getenv("REKISTERI_BASE_URL"));
	http_send(&r, "POST", "/intranet/password", &(const struct http_opts){
	    .cookie = id, .body = body, .header = origin });
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	/* logging out from another origin does nothing either */
	{
		char *lb = http_form("csrf", token, NULL);

		http_send(&r, "POST", "/intranet/logout", &(const struct http_opts){
		    .cookie = id, .body = lb, .header = "Origin: http://evil.example" });
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(lb);
	}
	free(body);

	after = http_db_text("SELECT password_hash FROM users WHERE username = ?1",
	    "handler1");
	assert_string_equal(before, after);
	free(after);
	free(before);
	/* our own Origin is fine: the form comes back (wrong current password) */
	snprintf(origin, sizeof(origin), "Origin: %s", getenv("REKISTERI_BASE_URL"));
	body = http_form("csrf", token, "current", "Ei ole nykyinen salasana",
	    "password", PW2, "again", PW2, NULL);
	http_send(&r, "POST", "/intranet/password", &(const struct http_opts){
	    .cookie = id, .body = body, .header = origin });
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(body);
	/* the old password still signs in; the session still works */
	free(http_login("handler1", PW));
	http_session(&r, "GET", "/intranet/", id, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	http_logout(id, token);
	free(token);
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_table_matches),
		cmocka_unit_test(routes_without_session),
		cmocka_unit_test(routes_by_role),
		cmocka_unit_test(csrf_and_origin),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	return http_group_main("roles", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
