/*
 * test_intranet.c — the staff intranet through the real server (issue 4):
 * sign-in and its cookie, one message for a wrong name or password, the NDA
 * rule, lockout, every route against every role (from `intranet --routes`),
 * CSRF and cross-origin POSTs, tampered and expired sessions, disabled
 * users, one-time passwords, the password policy, the audit page and the
 * audit log's hash chain.
 *
 * Runs after test_cli and test_http (no sign-ins there) and before
 * test_notice, sharing their server and database. Every failed sign-in also
 * counts against the client address (20 in 15 min locks 127.0.0.1 out of
 * everything), so this file makes at most 9 of them, in this order:
 * admin1 wrong (cleared by admin1's next sign-in), one unknown name, five
 * for lock1, gone1 after disabling, temp1's spent one-time password.
 * The last test breaks the audit chain on purpose.
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
#define COOKIE		"rekisteri_session"

/* Role bits as the product's auth.h has them. */
#define R_ADMIN		1u
#define R_HANDLER	2u
#define R_AUDITOR	4u
#define R_ALL		(R_ADMIN | R_HANDLER | R_AUDITOR)

static const char *cli, *state;

/* ---- helpers ------------------------------------------------------------ */

/* Every answer, redirects and errors included, carries these. */
static void
assert_security_headers(const struct http_resp *r)
{
	static const char *const names[] = { "Content-Security-Policy",
	    "X-Content-Type-Options", "Referrer-Policy" };
	char *v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = http_header(r, names[i])) == NULL)
			fail_msg("status %ld without %s", r->status, names[i]);
		else
			free(v);
	v = http_header(r, "Content-Security-Policy");
	assert_non_null(strstr(v, "default-src 'none'"));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	free(v);
	v = http_header(r, "X-Content-Type-Options");
	assert_string_equal(v, "nosniff");
	free(v);
}

/*
 * method path with the session cookie (NULL: none), a form body (NULL:
 * none) and one extra header line (NULL: none).
 */
static void
fetch(struct http_resp *r, const char *method, const char *path,
    const char *cookie, const char *body, const char *extra)
{
	char ck[512];
	const char *h[3] = { NULL, NULL, NULL };
	int n = 0;

	if (cookie != NULL) {
		snprintf(ck, sizeof(ck), "Cookie: " COOKIE "=%s", cookie);
		h[n++] = ck;
	}
	if (extra != NULL)
		h[n++] = extra;
	http_fetch(r, method, path, body, body ? strlen(body) : 0, h);
	assert_security_headers(r);
}

/* Percent-encode s for a form body; caller frees. */
static char *
enc(const char *s)
{
	struct buf b = BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_')
			buf_add(&b, (const char *)p, 1);
		else
			buf_addf(&b, "%%%02X", *p);
	buf_cstr(&b);
	return b.data;
}

/* A form body from NULL-terminated key, value pairs (NULL value: left out). */
static char *
form(const char *k, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, k);
	while (k != NULL) {
		const char *v = va_arg(ap, const char *);

		if (v != NULL) {
			char *e = enc(v);

			buf_addf(&b, "%s%s=%s", b.len ? "&" : "", k, e);
			free(e);
		}
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	buf_cstr(&b);
	return b.data;
}

/* The session id a response's Set-Cookie sets, or NULL; caller frees. */
static char *
set_cookie_value(const struct http_resp *r)
{
	char *sc = http_header(r, "Set-Cookie"), *v;
	size_t n;

	if (sc == NULL)
		return NULL;
	if (strncmp(sc, COOKIE "=", sizeof(COOKIE)) != 0)
		fail_msg("Set-Cookie for another cookie: %s", sc);
	n = strcspn(sc + sizeof(COOKIE), ";");
	v = xstrndup(sc + sizeof(COOKIE), n);
	free(sc);
	return v;
}

/* Fail unless the response is a 303 whose Location begins with want. */
static void
assert_redirect(const struct http_resp *r, const char *want)
{
	char *loc = http_header(r, "Location");

	if (r->status != 303 || loc == NULL ||
	    strncmp(loc, want, strlen(want)) != 0)
		fail_msg("want 303 to %s, got %ld to %s", want, r->status,
		    loc ? loc : "(none)");
	free(loc);
}

/* POST the sign-in form; the response in r. */
static void
login_resp(struct http_resp *r, const char *user, const char *pw)
{
	char *body = form("username", user, "password", pw, NULL);

	fetch(r, "POST", "/intranet/login", NULL, body, NULL);
	free(body);
}

/* Sign in (it must succeed, landing on land); the session id, caller frees. */
static char *
login_to(const char *user, const char *pw, const char *land)
{
	struct http_resp r;
	char *id;

	login_resp(&r, user, pw);
	assert_redirect(&r, land);
	id = set_cookie_value(&r);
	if (id == NULL || strlen(id) != 64)
		fail_msg("sign-in of %s set no session cookie", user);
	http_resp_free(&r);
	return id;
}

static char *
login(const char *user, const char *pw)
{
	return login_to(user, pw, "/intranet/");
}

/* The CSRF token on a signed-in page, or NULL; caller frees. */
static char *
csrf_of(const struct http_resp *r)
{
	const char *p = r->body.data, *v, *end;

	if (p == NULL || (p = strstr(p, "name=\"csrf\"")) == NULL)
		return NULL;
	end = strchr(p, '>');
	if ((v = strstr(p, "value=\"")) == NULL || (end != NULL && v > end))
		return NULL;
	v += 7;
	return xstrndup(v, strcspn(v, "\""));
}

/* The token of a session, from a page that has the layout's logout form. */
static char *
csrf_for(const char *cookie, const char *path)
{
	struct http_resp r;
	char *t;

	fetch(&r, "GET", path, cookie, NULL, NULL);
	assert_int_equal(r.status, 200);
	t = csrf_of(&r);
	assert_non_null(t);
	assert_int_equal(strlen(t), 64);
	http_resp_free(&r);
	return t;
}

/* Sign out with the token: 303 to the sign-in page, the cookie cleared. */
static void
logout(const char *cookie, const char *token)
{
	struct http_resp r;
	char *body = form("csrf", token, NULL), *sc;

	fetch(&r, "POST", "/intranet/logout", cookie, body, NULL);
	assert_redirect(&r, "/intranet/login");
	sc = http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "Max-Age=0"));
	free(sc);
	http_resp_free(&r);
	free(body);
	/* the old cookie opens nothing */
	fetch(&r, "GET", "/intranet/", cookie, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
}

/* Run sh -c CMD with stdin from input (NULL: /dev/null); the exit status, output in out. */
static int
run(struct buf *out, const char *input, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int
run(struct buf *out, const char *input, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	char opath[1100], ipath[1100], chunk[4096];
	va_list ap;
	size_t n;
	FILE *f;
	int st, len;

	va_start(ap, fmt);
	len = vsnprintf(chunk, sizeof(chunk), fmt, ap);
	va_end(ap);
	assert_true(len > 0 && (size_t)len < sizeof(chunk));
	snprintf(opath, sizeof(opath), "%s/intranet-cli.out", state);
	snprintf(ipath, sizeof(ipath), "%s/intranet-cli.in", state);
	if (input != NULL) {
		assert_non_null(f = fopen(ipath, "w"));
		fputs(input, f);
		fclose(f);
	}
	buf_addf(&cmd, "%s >'%s' 2>&1 <'%s'", chunk, opath,
	    input != NULL ? ipath : "/dev/null");
	st = system(cmd.data);
	buf_free(&cmd);
	buf_reset(out);
	assert_non_null(f = fopen(opath, "r"));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	buf_cstr(out);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The database file, read-only or read-write. */
static sqlite3 *
db_open(int rw)
{
	char path[1100];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/rekisteri.db", state);
	if (sqlite3_open_v2(path, &db, rw ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_msg("%s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* The first column of the first row of sql with ?1 bound to arg (may be NULL). */
static long long
db_int(const char *sql, const char *arg)
{
	sqlite3 *db = db_open(0);
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *
db_text(const char *sql, const char *arg)
{
	sqlite3 *db = db_open(0);
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Run sql on a read-write connection; ?1 is the BLAKE2b hash of session id. */
static void
db_session_exec(const char *sql, const char *id)
{
	unsigned char h[32];
	sqlite3 *db = db_open(1);
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
	sqlite3 *db = db_open(0);
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
struct arow {
	long long	 id;
	char		 user[64];
	char		 action[64];
};

static size_t
audit_rows(const struct http_resp *r, struct arow *out, size_t max)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	size_t n = 0;

	doc = xmlReadMemory(r->body.data, (int)r->body.len, "audit.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	ctx = xmlXPathNewContext(doc);
	o = xmlXPathEvalExpression((const xmlChar *)"//*[local-name()='table']"
	    "/*[local-name()='tbody']/*[local-name()='tr']", ctx);
	assert_non_null(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr td;
		int col = 0;

		assert_true(n < max);
		memset(&out[n], 0, sizeof(out[n]));
		for (td = o->nodesetval->nodeTab[i]->children; td; td = td->next) {
			xmlChar *t;

			if (td->type != XML_ELEMENT_NODE)
				continue;
			t = xmlNodeGetContent(td);
			if (col == 0)
				out[n].id = atoll((const char *)t);
			else if (col == 2)
				snprintf(out[n].user, sizeof(out[n].user), "%s", t);
			else if (col == 4)
				snprintf(out[n].action, sizeof(out[n].action), "%s",
				    t);
			xmlFree(t);
			col++;
		}
		assert_int_equal(col, 7);
		n++;
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return n;
}

/* ---- set-up ------------------------------------------------------------- */

static int
setup(void **st)
{
	static const struct {
		const char *name, *role, *nda, *display;
	} users[] = {
		{ "admin1", "admin", "2026-01-15", "Anna Ylläpitäjä" },
		{ "handler1", "handler", "2026-01-15", "Heikki Käsittelijä" },
		{ "auditor1", "auditor", "2026-01-15", "Tuula Tarkastaja" },
		{ "nonda1", "handler", NULL, "Niko Ilman" },
		{ "lock1", "handler", "2026-01-15", "Lauri Lukittu" },
		{ "gone1", "handler", "2026-01-15", "Gerda Poistuva" },
		{ "temp1", "handler", "2026-01-15", "Teemu Tilapäinen" },
	};
	struct buf o = BUF_INIT;

	(void)st;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		char nda[64] = "";
		int rc;

		if (users[i].nda != NULL)
			snprintf(nda, sizeof(nda), "--nda %s", users[i].nda);
		rc = run(&o, PW "\n", "%s user add %s --role %s %s --name '%s'"
		    " --password-stdin", cli, users[i].name, users[i].role, nda,
		    users[i].display);
		if (rc != 0) {
			fprintf(stderr, "user add %s: %s\n", users[i].name, o.data);
			buf_free(&o);
			return -1;
		}
	}
	buf_free(&o);
	return 0;
}

/* ---- 1. the sign-in page ------------------------------------------------- */

static void
login_page(void **st)
{
	struct http_resp r;
	char *cc;

	(void)st;
	fetch(&r, "GET", "/intranet/login", NULL, NULL, NULL);
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
	fetch(&r, "GET", "/intranet/login?lang=en", NULL, NULL, NULL);
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
	login_resp(&r, "admin1", PW);
	assert_redirect(&r, "/intranet/");
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
	id1 = set_cookie_value(&r);
	assert_non_null(id1);
	assert_int_equal(strlen(id1), 64);
	for (size_t i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)id1[i]))
			fail_msg("session id is not hex: %s", id1);
	http_resp_free(&r);

	/* a second sign-in, even carrying the first cookie, gets a new id */
	snprintf(ck, sizeof(ck), "Cookie: " COOKIE "=%s", id1);
	{
		char *body = form("username", "admin1", "password", PW, NULL);
		const char *h[2] = { ck, NULL };

		http_fetch(&r, "POST", "/intranet/login", body, strlen(body), h);
		free(body);
	}
	assert_security_headers(&r);
	/* signed in already: the sign-in form may send on, but not reuse the id */
	id2 = set_cookie_value(&r);
	http_resp_free(&r);
	if (id2 == NULL)
		id2 = login("admin1", PW);
	assert_int_equal(strlen(id2), 64);
	assert_string_not_equal(id1, id2);
	/* the database keeps hashes, never the id itself */
	assert_int_equal(db_int("SELECT count(*) FROM sessions WHERE"
	    " hex(id_hash) = upper(?1) OR csrf = ?1", id1), 0);
	/* the session brought along to the sign-in ended there */
	assert_int_equal(session_rows(id1), 0);
	assert_int_equal(session_rows(id2), 1);
	/* the sign-in is in the audit log */
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action = 'login'"
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
		char *id = login(cases[i].user, PW), *role, *cc;

		fetch(&r, "GET", "/intranet/", id, NULL, NULL);
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
			char *t = csrf_of(&r);

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
	long long before = db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail'", NULL);
	char *a, *b;

	(void)st;
	login_resp(&wrong, "admin1", "Väärä salasana tässä 9");
	login_resp(&unknown, "nobody77", "Väärä salasana tässä 9");
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

	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail'", NULL), before + 2);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'login.fail' AND username = ?1", "admin1"), 1);
	/* neither the typed password nor an unknown name is kept in the log */
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE"
	    " instr(username || client || object_id || summary, ?1) > 0",
	    "Väärä"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE"
	    " instr(username || summary, ?1) > 0", "nobody77"), 0);
}

/* ---- 4. no NDA date ------------------------------------------------------- */

static void
no_nda_no_session(void **st)
{
	struct http_resp r;

	(void)st;
	login_resp(&r, "nonda1", PW);
	assert_true(r.status == 200 || r.status == 403);
	http_assert_page(&r, "fi");
	assert_null(http_header(&r, "Set-Cookie"));
	assert_true(http_body_has(&r, "salassapitositoumusta"));
	assert_false(http_body_has(&r, "Käyttäjätunnus tai salasana on väärin."));
	http_resp_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE username = ?1)", "nonda1"), 0);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
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
		login_resp(&r, "lock1", "Ei tämäkään ole oikein");
		assert_true(r.status == 200 || r.status == 403);
		assert_true(http_body_has(&r, "Käyttäjätunnus tai salasana on väärin."));
		assert_null(http_header(&r, "Set-Cookie"));
		http_resp_free(&r);
	}
	assert_int_equal(db_int("SELECT count(*) FROM login_failures WHERE"
	    " username = ?1", "lock1"), 5);
	/* now even the right password is refused, with the wait message */
	login_resp(&r, "lock1", PW);
	assert_int_equal(r.status, 429);
	http_assert_page(&r, "fi");
	assert_null(http_header(&r, "Set-Cookie"));
	assert_true(http_body_has(&r, "Odota 15 minuuttia"));
	ra = http_header(&r, "Retry-After");
	assert_non_null(ra);
	assert_true(atoi(ra) > 0);
	free(ra);
	http_resp_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE username = ?1)", "lock1"), 0);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'login.locked'", NULL) >= 1);
	/* the lock is per username: others still sign in */
	free(login("handler1", PW));
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
	{ "/intranet/customers", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/customers.csv", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels/sheet", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/labels.csv", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/requests", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request", "GET", R_ADMIN | R_HANDLER },
	{ "/intranet/request/identity", "POST", R_ADMIN | R_HANDLER },
	{ "/intranet/request/paper", "POST", R_ADMIN | R_HANDLER },
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
	{ "/intranet/notice", "GET", R_ADMIN },
	{ "/intranet/notice/section", "GET", R_ADMIN },
	{ "/intranet/notice/section", "POST", R_ADMIN },
	{ "/intranet/notice/preview", "GET", R_ADMIN },
	{ "/intranet/notice/draft", "POST", R_ADMIN },
	{ "/intranet/notice/date", "POST", R_ADMIN },
	{ "/intranet/notice/publish", "POST", R_ADMIN },
	{ "/intranet/notice/discard", "POST", R_ADMIN },
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
			fetch(&r, "GET", e->path, NULL, NULL, NULL);
			if (e->roles == 0) {
				if (r.status != 200)
					fail_msg("GET %s: %ld", e->path, r.status);
				http_assert_page(&r, "fi");
			} else
				assert_redirect(&r, "/intranet/login");
			assert_null(http_header(&r, "Set-Cookie"));
		} else if (e->roles != 0) {
			fetch(&r, "POST", e->path, NULL, "csrf=x&a=b", NULL);
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

		fetch(&r, "GET", "/intranet/logout", NULL, NULL, NULL);
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
	    strcmp(path, "/intranet/labels/sheet") == 0 ||
	    strcmp(path, "/intranet/request") == 0 ||
	    strcmp(path, "/intranet/labels.csv") == 0)
		return 400;	/* ?id= / ?n= / ?purpose= missing */
	if (strcmp(path, "/intranet/notice/preview") == 0)
		return 404;
	return 200;
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
	char *before = db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "handler1");

	(void)st;
	for (size_t w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
		char *id = login(who[w].user, PW);
		char *token = csrf_for(id, "/intranet/");

		for (size_t i = 0; i < NEXPECTED; i++) {
			const struct route_exp *e = &expected_routes[i];
			int allowed = e->roles == 0 || (e->roles & who[w].role);
			struct http_resp r;

			if (strcmp(e->method, "GET") == 0) {
				fetch(&r, "GET", e->path, id, NULL, NULL);
				/* the second-factor page is only for a half sign-in */
				if ((e->roles == 0 || strcmp(e->path,
				    "/intranet/login/code") == 0) && r.status == 303)
					assert_redirect(&r, "/intranet/");
				else if (r.status != want_get(e->path, allowed))
					fail_msg("%s GET %s: %ld, want %d",
					    who[w].user, e->path, r.status,
					    want_get(e->path, allowed));
				else if (allowed && r.status == 200 &&
				    strstr(e->path, ".csv") != NULL) {
					char *ct = http_header(&r, "Content-Type");

					assert_non_null(ct);
					assert_true(strncmp(ct, "text/csv;", 9) == 0);
					free(ct);
				} else if (allowed && r.status == 200) {
					http_assert_page(&r, "fi");
					/* every signed-in page has the token */
					char *t = csrf_of(&r);

					if (t == NULL || strcmp(t, token) != 0)
						fail_msg("%s GET %s: token missing "
						    "or different", who[w].user,
						    e->path);
					free(t);
				}
				http_resp_free(&r);
				continue;
			}
			if (e->roles == 0)
				continue;
			/* POST with the session but no token: refused */
			{
				char *body = form("current", PW, "password", PW2,
				    "again", PW2, "username", "x9", NULL);

				fetch(&r, "POST", e->path, id, body, NULL);
				free(body);
			}
			if (r.status != 403)
				fail_msg("%s POST %s without a token: %ld",
				    who[w].user, e->path, r.status);
			http_resp_free(&r);
			/* with a wrong one too */
			{
				char *body = form("csrf", "0123456789abcdef0123456789"
				    "abcdef0123456789abcdef0123456789abcdef",
				    "current", PW, "password", PW2, "again", PW2,
				    NULL);

				fetch(&r, "POST", e->path, id, body, NULL);
				free(body);
			}
			if (r.status != 403)
				fail_msg("%s POST %s with a wrong token: %ld",
				    who[w].user, e->path, r.status);
			http_resp_free(&r);
			if (!allowed || strcmp(e->path, "/intranet/password") != 0)
				continue;
			/* the token and a wrong current password: the form again */
			{
				char *body = form("csrf", token, "current",
				    "Ei ole nykyinen salasana", "password", PW2,
				    "again", PW2, NULL);

				fetch(&r, "POST", e->path, id, body, NULL);
				free(body);
			}
			assert_int_equal(r.status, 200);
			http_assert_page(&r, "fi");
			assert_true(http_body_has(&r, "Nykyinen salasana on väärin."));
			assert_true(http_body_has(&r, "class=\"field-error\""));
			http_resp_free(&r);
		}
		/* the session survived all that; the token-less logout did nothing */
		{
			struct http_resp r;

			fetch(&r, "GET", "/intranet/", id, NULL, NULL);
			assert_int_equal(r.status, 200);
			http_resp_free(&r);
		}
		logout(id, token);
		free(token);
		free(id);
	}
	/* and no password changed on the way */
	{
		char *after = db_text("SELECT password_hash FROM users WHERE"
		    " username = ?1", "handler1");

		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	/* a refused role is in the audit log */
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'access.denied' AND username = ?1", "handler1") >= 1);
}

/* ---- 7. CSRF and other origins ------------------------------------------------ */

static void
csrf_and_origin(void **st)
{
	char *id = login("handler1", PW), *token = csrf_for(id, "/intranet/");
	char *before = db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "handler1");
	char origin[300], *after;
	struct http_resp r;
	char *body;

	(void)st;
	/* a wrong token */
	body = form("csrf", "f00d", "current", PW, "password", PW2, "again", PW2,
	    NULL);
	fetch(&r, "POST", "/intranet/password", id, body, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(body);
	/* the token of another session */
	{
		char *id2 = login("auditor1", PW), *t2 = csrf_for(id2, "/intranet/");

		body = form("csrf", t2, "current", PW, "password", PW2, "again",
		    PW2, NULL);
		fetch(&r, "POST", "/intranet/password", id, body, NULL);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(body);
		logout(id2, t2);
		free(t2);
		free(id2);
	}
	/* no token */
	body = form("current", PW, "password", PW2, "again", PW2, NULL);
	fetch(&r, "POST", "/intranet/password", id, body, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(body);
	/* the right token from another origin */
	body = form("csrf", token, "current", PW, "password", PW2, "again", PW2,
	    NULL);
	fetch(&r, "POST", "/intranet/password", id, body,
	    "Origin: http://evil.example");
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	/* ... or from a look-alike of ours */
	snprintf(origin, sizeof(origin), "Origin: %s.evil.example",
	    getenv("REKISTERI_BASE_URL"));
	fetch(&r, "POST", "/intranet/password", id, body, origin);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	/* logging out from another origin does nothing either */
	{
		char *lb = form("csrf", token, NULL);

		fetch(&r, "POST", "/intranet/logout", id, lb,
		    "Origin: http://evil.example");
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(lb);
	}
	free(body);

	after = db_text("SELECT password_hash FROM users WHERE username = ?1",
	    "handler1");
	assert_string_equal(before, after);
	free(after);
	free(before);
	/* our own Origin is fine: the form comes back (wrong current password) */
	snprintf(origin, sizeof(origin), "Origin: %s", getenv("REKISTERI_BASE_URL"));
	body = form("csrf", token, "current", "Ei ole nykyinen salasana",
	    "password", PW2, "again", PW2, NULL);
	fetch(&r, "POST", "/intranet/password", id, body, origin);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(body);
	/* the old password still signs in; the session still works */
	free(login("handler1", PW));
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	logout(id, token);
	free(token);
	free(id);
}

/* ---- 8. tampered cookies ------------------------------------------------------ */

static void
assert_cookie_cleared(const struct http_resp *r)
{
	char *sc = http_header(r, "Set-Cookie");

	if (sc == NULL)
		fail_msg("no Set-Cookie clearing the session cookie");
	assert_int_equal(strncmp(sc, COOKIE "=;", sizeof(COOKIE) + 1), 0);
	assert_non_null(strstr(sc, "Max-Age=0"));
	assert_non_null(strstr(sc, "Path=/intranet"));
	free(sc);
}

static void
tampered_cookie(void **st)
{
	char *id = login("handler1", PW), *bad = xstrdup(id);
	static const char *const garbage[] = {
		"garbage", "", "../../etc/passwd",
		"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
	};
	struct http_resp r;

	(void)st;
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	fetch(&r, "GET", "/intranet/", bad, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	/* the id with a digit more or less */
	bad[10] = id[10];
	bad[63] = '\0';
	fetch(&r, "GET", "/intranet/", bad, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		fetch(&r, "GET", "/intranet/", garbage[i], NULL, NULL);
		assert_redirect(&r, "/intranet/login");
		if (garbage[i][0] != '\0')
			assert_cookie_cleared(&r);
		http_resp_free(&r);
	}
	/* the real one still works */
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(bad);
	free(id);
}

/* ---- 9. expiry ------------------------------------------------------------------ */

static void
idle_expiry(void **st)
{
	char *id = login("handler1", PW);
	struct http_resp r;

	(void)st;
	assert_int_equal(session_rows(id), 1);
	/* 29 minutes idle: still fine */
	db_session_exec("UPDATE sessions SET seen_at = seen_at - 1740"
	    " WHERE id_hash = ?1", id);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	/* 31 minutes idle: gone */
	db_session_exec("UPDATE sessions SET seen_at = seen_at - 1860"
	    " WHERE id_hash = ?1", id);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	free(id);
}

static void
absolute_expiry(void **st)
{
	char *id = login("handler1", PW);
	struct http_resp r;

	(void)st;
	/* 9 h 59 min old, seen just now: still fine */
	db_session_exec("UPDATE sessions SET created_at = created_at - 35940"
	    " WHERE id_hash = ?1", id);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	/* 10 h 1 min old although seen just now: gone */
	db_session_exec("UPDATE sessions SET created_at = created_at - 120,"
	    " seen_at = CAST(strftime('%s', 'now') AS INTEGER)"
	    " WHERE id_hash = ?1", id);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	free(id);
}

/* ---- 10. a disabled user ---------------------------------------------------------- */

static void
disabled_user_session_ends(void **st)
{
	char *id = login("gone1", PW);
	struct buf o = BUF_INIT;
	struct http_resp r;

	(void)st;
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(run(&o, NULL, "%s user disable gone1", cli), 0);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	assert_int_equal(session_rows(id), 0);
	/* and it cannot sign in again: the generic message, no cookie */
	login_resp(&r, "gone1", PW);
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
	assert_int_equal(run(&o, NULL, "%s user passwd temp1 --generate", cli), 0);
	assert_non_null(p = strstr(o.data, "password: "));
	assert_int_equal(sscanf(p, "password: %63s", otp), 1);
	assert_int_equal(strlen(otp), 20);
	assert_int_equal(db_int("SELECT must_change FROM users WHERE"
	    " username = ?1", "temp1"), 1);

	/* the one-time password signs in, but only to change it */
	id = login_to("temp1", otp, "/intranet/password");
	/* nothing else opens until it is changed */
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_redirect(&r, "/intranet/password");
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/password", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "kertakäyttöisen salasanan"));
	token = csrf_of(&r);
	assert_non_null(token);
	http_resp_free(&r);

	body = form("csrf", token, "current", otp, "password", NEWPW, "again",
	    NEWPW, NULL);
	fetch(&r, "POST", "/intranet/password", id, body, NULL);
	free(body);
	assert_redirect(&r, "/intranet/login?changed=1");
	assert_cookie_cleared(&r);
	http_resp_free(&r);
	assert_int_equal(db_int("SELECT must_change FROM users WHERE"
	    " username = ?1", "temp1"), 0);
	/* the change ended the session */
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	free(id);
	free(token);
	/* the sign-in page says so */
	fetch(&r, "GET", "/intranet/login?changed=1", NULL, NULL, NULL);
	assert_true(http_body_has(&r, "Salasana on vaihdettu."));
	http_resp_free(&r);

	/* the new one lands on the front page; the one-time one is spent */
	id = login("temp1", NEWPW);
	fetch(&r, "GET", "/intranet/", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	free(id);
	login_resp(&r, "temp1", otp);
	assert_null(http_header(&r, "Set-Cookie"));
	http_resp_free(&r);
	free(login("temp1", NEWPW));	/* clears temp1's failure */
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
	char *id = login("auditor1", PW), *token = csrf_for(id, "/intranet/");
	char *before = db_text("SELECT password_hash FROM users WHERE"
	    " username = ?1", "auditor1"), *after;

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = form("csrf", token, "current", PW, "password",
		    cases[i].pw, "again", cases[i].again, NULL);
		struct http_resp r;
		const char *span;

		fetch(&r, "POST", "/intranet/password", id, body, NULL);
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
	after = db_text("SELECT password_hash FROM users WHERE username = ?1",
	    "auditor1");
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* nothing changed: the session lives and the old password signs in */
	{
		struct http_resp r;

		fetch(&r, "GET", "/intranet/", id, NULL, NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	free(login("auditor1", PW));
	free(token);
	free(id);
}

/* ---- 13. the audit page ---------------------------------------------------------------- */

static void
audit_page(void **st)
{
	struct arow rows[60];
	char *id = login("admin1", PW);
	struct http_resp r;
	size_t n;
	long long total;
	int logins = 0;

	(void)st;
	fetch(&r, "GET", "/intranet/audit", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0 && n <= 50);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].action, "login") == 0)
			logins++;
		if (i > 0 && rows[i].id >= rows[i - 1].id)
			fail_msg("audit rows not newest first");
	}
	assert_true(logins > 0);
	http_resp_free(&r);

	/* ?action=login: sign-ins and their failures, nothing else */
	fetch(&r, "GET", "/intranet/audit?action=login", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].action, "login") != 0 &&
		    strncmp(rows[i].action, "login.", 6) != 0)
			fail_msg("?action=login shows %s", rows[i].action);
	total = db_int("SELECT count(*) FROM audit_log WHERE action = 'login'"
	    " OR action LIKE 'login.%'", NULL);
	assert_int_equal((long long)n, total < 50 ? total : 50);
	assert_true(http_body_has(&r, "value=\"login\""));	/* kept in the form */
	http_resp_free(&r);

	/* ?user=admin1 */
	fetch(&r, "GET", "/intranet/audit?user=admin1", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].user, "admin1") != 0)
			fail_msg("?user=admin1 shows a row of \"%s\"", rows[i].user);
	http_resp_free(&r);
	/* both filters at once, and one that matches nothing */
	fetch(&r, "GET", "/intranet/audit?user=handler1&action=login.fail", id,
	    NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(audit_rows(&r, rows, 60), 0);
	assert_true(http_body_has(&r, "Ei tapahtumia"));
	http_resp_free(&r);

	/* bad filters are 400 */
	{
		static const char *const bad[] = {
			"/intranet/audit?from=2026-13-01",
			"/intranet/audit?to=2026-02-30",
			"/intranet/audit?from=yesterday",
			"/intranet/audit?page=0",
			"/intranet/audit?page=x",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			fetch(&r, "GET", bad[i], id, NULL, NULL);
			if (r.status != 400)
				fail_msg("%s: %ld", bad[i], r.status);
			http_resp_free(&r);
		}
	}
	/* a good date range: today's rows */
	fetch(&r, "GET", "/intranet/audit?from=2026-01-01&to=2099-12-31", id,
	    NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(audit_rows(&r, rows, 60) > 0);
	http_resp_free(&r);

	/* more than 50 of admin1's rows: each view is one */
	while (db_int("SELECT count(*) FROM audit_log WHERE username = ?1",
	    "admin1") <= 55) {
		fetch(&r, "GET", "/intranet/audit?action=audit.view", id, NULL,
		    NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	fetch(&r, "GET", "/intranet/audit?user=admin1", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(audit_rows(&r, rows, 60), 50);
	assert_true(http_body_has(&r, "rel=\"next\""));
	assert_true(http_body_has(&r,
	    "href=\"/intranet/audit?page=2&amp;user=admin1\""));
	assert_false(http_body_has(&r, "rel=\"prev\""));
	{
		long long last = rows[49].id;

		http_resp_free(&r);
		fetch(&r, "GET", "/intranet/audit?page=2&user=admin1", id, NULL,
		    NULL);
		assert_int_equal(r.status, 200);
		n = audit_rows(&r, rows, 60);
		assert_true(n > 0);
		/* older rows (viewing page 1 added one row of admin1's, so
		 * the pages may share one row) */
		assert_true(rows[0].id <= last);
		assert_true(rows[n - 1].id < last);
		assert_true(http_body_has(&r,
		    "href=\"/intranet/audit?page=1&amp;user=admin1\""));
		http_resp_free(&r);
	}
	/* the audit page is for admins and auditors only */
	{
		char *h = login("handler1", PW);

		fetch(&r, "GET", "/intranet/audit", h, NULL, NULL);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(h);
	}
	free(id);
}

/* ---- 14. the audit chain (last: it breaks the chain) ------------------------------------ */

static void
audit_chain(void **st)
{
	struct buf o = BUF_INIT;
	long long victim;
	char want[64], sql[200], *summary, *trigger;
	sqlite3 *db;

	(void)st;
	assert_int_equal(run(&o, NULL, "%s audit verify", cli), 0);
	assert_non_null(strstr(o.data, "intact"));
	/* the log refuses edits until its trigger is dropped */
	victim = db_int("SELECT min(id) FROM audit_log WHERE action ="
	    " 'login.fail'", NULL);
	assert_true(victim > 1);
	snprintf(sql, sizeof(sql), "SELECT summary FROM audit_log WHERE id ="
	    " %lld", victim);
	summary = db_text(sql, NULL);
	trigger = db_text("SELECT sql FROM sqlite_master WHERE name ="
	    " 'audit_log_no_update'", NULL);
	assert_non_null(summary);
	assert_non_null(trigger);
	db = db_open(1);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = 'x' WHERE"
	    " id = %lld", victim);
	assert_int_not_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update",
	    NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = 'nothing"
	    " happened' WHERE id = %lld", victim);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
	assert_int_equal(run(&o, NULL, "%s audit verify", cli), 1);
	snprintf(want, sizeof(want), "row %lld", victim);
	if (strstr(o.data, want) == NULL)
		fail_msg("audit verify does not name row %lld: %s", victim, o.data);
	assert_null(strstr(o.data, "intact"));
	/* put the row and the trigger back: the chain holds again */
	db = db_open(1);
	{
		sqlite3_stmt *up;

		snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = ?1"
		    " WHERE id = %lld", victim);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &up, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(up, 1, summary, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_finalize(up);
	}
	assert_int_equal(sqlite3_exec(db, trigger, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(run(&o, NULL, "%s audit verify", cli), 0);
	free(summary);
	free(trigger);
	buf_free(&o);
}

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

/* Text between the first occurrence of before and the next '<'. */
static char *
scrape(const struct http_resp *r, const char *before)
{
	const char *p = strstr(r->body.data, before), *e;

	if (p == NULL)
		return NULL;
	p += strlen(before);
	e = strchr(p, '<');
	return e ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/*
 * Two-factor sign-in, end to end: enrol from one's own page with the QR
 * code's secret, get recovery codes once, then sign in with password and
 * code; the half-signed-in session reaches nothing else; a used code and a
 * wrong one are refused; a recovery code works once; the admin's reset.
 */
/*
 * The notice editor: a draft from the version in force, a section edited
 * with hostile markup (cleaned, and said so), a preview in each language,
 * the public page unchanged until publishing; then the draft is discarded
 * (test_notice, which runs next, expects version 1 to be the newest).
 */
static void
notice_editor(void **st)
{
	struct http_resp r;
	char *id = login("admin1", PW), *token = csrf_for(id, "/intranet/notice");
	char *body;

	(void)st;
	fetch(&r, "GET", "/intranet/notice", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Aloita luonnos"));
	http_resp_free(&r);
	body = form("csrf", token, NULL);
	fetch(&r, "POST", "/intranet/notice/draft", id, body, NULL);
	free(body);
	assert_redirect(&r, "/intranet/notice?edit=fi&saved=1");
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/notice", id, NULL, NULL);
	assert_true(http_body_has(&r, "href=\"/intranet/notice/section?edit=fi&amp;n=3\""));
	assert_true(http_body_has(&r, "Kyseessä olevat henkilötietoryhmät"));
	http_resp_free(&r);

	fetch(&r, "GET", "/intranet/notice/section?edit=fi&n=3", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "value=\"Kyseessä olevat henkilötietoryhmät\""));
	http_resp_free(&r);
	body = form("csrf", token, "edit", "fi", "n", "3", "title",
	    "Henkilötietoryhmät", "body", "<p onclick=\"x()\">Nimi ja "
	    "<strong>yhteystiedot</strong><script>alert(1)</script></p>", NULL);
	fetch(&r, "POST", "/intranet/notice/section", id, body, NULL);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tallennettu."));
	assert_true(http_body_has(&r, "Teksti siistittiin"));
	assert_false(http_body_has(&r, "<script"));
	assert_true(http_body_has(&r, "<strong>yhteystiedot</strong>"));
	http_resp_free(&r);
	/* an empty title is refused and nothing changes */
	body = form("csrf", token, "edit", "fi", "n", "3", "title", " ",
	    "body", "<p>x</p>", NULL);
	fetch(&r, "POST", "/intranet/notice/section", id, body, NULL);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	/* no such section */
	fetch(&r, "GET", "/intranet/notice/section?edit=fi&n=99", id, NULL, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);

	fetch(&r, "GET", "/intranet/notice/preview?edit=fi", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h2>Henkilötietoryhmät</h2>"));
	assert_true(http_body_has(&r, "luonnos, ei julkaistu"));
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/notice/preview?edit=en", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "Categories of personal data concerned"));
	http_resp_free(&r);
	/* the public still sees version 1 as it was */
	fetch(&r, "GET", "/notice", NULL, NULL, NULL);
	assert_true(http_body_has(&r, "<h2>Kyseessä olevat henkilötietoryhmät</h2>"));
	assert_false(http_body_has(&r, "<h2>Henkilötietoryhmät</h2>"));
	http_resp_free(&r);

	body = form("csrf", token, NULL);
	fetch(&r, "POST", "/intranet/notice/discard", id, body, NULL);
	free(body);
	assert_redirect(&r, "/intranet/notice?edit=fi&saved=1");
	http_resp_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM notice_versions WHERE"
	    " number IS NULL", NULL), 0);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'notice.section' AND summary = ?1", "fi/3") == 1);
	logout(id, token);
	free(token);
	free(id);
}

static void
two_factor(void **st)
{
	struct http_resp r;
	struct buf o = BUF_INIT;
	char code[7], *id, *token, *secret, *body, *rec, *pending, *full;
	time_t now = time(NULL);

	(void)st;
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(run(&o, PW "\n", "%s user add totp1 --role handler "
	    "--nda 2026-01-15 --password-stdin", cli), 0);
	id = login("totp1", PW);
	fetch(&r, "GET", "/intranet/totp", id, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_true(http_body_has(&r, "<title>QR-koodi todennussovellukselle</title>"));
	secret = scrape(&r, "<code class=\"otp\">");
	assert_non_null(secret);
	assert_int_equal(strlen(secret), 32);
	token = csrf_of(&r);
	http_resp_free(&r);

	/* a wrong code: not enrolled */
	body = form("csrf", token, "code", "000000", NULL);
	fetch(&r, "POST", "/intranet/totp", id, body, NULL);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	free(secret);
	/* the page made a new secret: use that one */
	secret = scrape(&r, "<code class=\"otp\">");
	http_resp_free(&r);
	app_code(secret, now, code);
	body = form("csrf", token, "code", code, NULL);
	fetch(&r, "POST", "/intranet/totp", id, body, NULL);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kaksivaiheinen tunnistus on käytössä"));
	rec = scrape(&r, "<ul class=\"recovery\"><li><code>");
	assert_non_null(rec);
	assert_int_equal(strlen(rec), 19);
	http_resp_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM recovery_codes r JOIN users"
	    " u ON u.id = r.user_id WHERE u.username = ?1", "totp1"), 10);
	logout(id, token);
	free(token);
	free(id);

	/* password right: a half session that reaches only the code page */
	pending = login_to("totp1", PW, "/intranet/login/code");
	fetch(&r, "GET", "/intranet/", pending, NULL, NULL);
	assert_redirect(&r, "/intranet/login/code");
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/login/code", pending, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_false(http_body_has(&r, "Kirjaudu ulos</span> (totp1)"));
	token = csrf_of(&r);
	http_resp_free(&r);
	/* the code just used for enrolment does not work again */
	body = form("csrf", token, "code", code, NULL);
	fetch(&r, "POST", "/intranet/login/code", pending, body, NULL);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	http_resp_free(&r);
	/* the next one does, and the session id changes */
	app_code(secret, now + 30, code);
	body = form("csrf", token, "code", code, NULL);
	fetch(&r, "POST", "/intranet/login/code", pending, body, NULL);
	free(body);
	assert_redirect(&r, "/intranet/");
	full = set_cookie_value(&r);
	assert_non_null(full);
	assert_string_not_equal(full, pending);
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/", full, NULL, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	fetch(&r, "GET", "/intranet/", pending, NULL, NULL);
	assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	free(token);
	free(pending);

	/* a recovery code, once */
	pending = login_to("totp1", PW, "/intranet/login/code");
	token = csrf_for(pending, "/intranet/login/code");
	body = form("csrf", token, "code", rec, NULL);
	fetch(&r, "POST", "/intranet/login/code", pending, body, NULL);
	free(body);
	assert_redirect(&r, "/intranet/");
	http_resp_free(&r);
	free(token);
	free(pending);
	pending = login_to("totp1", PW, "/intranet/login/code");
	token = csrf_for(pending, "/intranet/login/code");
	body = form("csrf", token, "code", rec, NULL);
	fetch(&r, "POST", "/intranet/login/code", pending, body, NULL);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	http_resp_free(&r);
	free(token);
	free(pending);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'user.totp' AND username = ?1", "totp1") == 1);

	/* an admin removes it; the user signs in with the password alone */
	{
		char *admin = login("admin1", PW), *atok = csrf_for(admin,
		    "/intranet/users");
		char uid[32];

		snprintf(uid, sizeof(uid), "%lld", (long long)db_int("SELECT id FROM users"
		    " WHERE username = ?1", "totp1"));
		body = form("csrf", atok, "id", uid, NULL);
		fetch(&r, "POST", "/intranet/users/totp-reset", admin, body, NULL);
		free(body);
		assert_redirect(&r, "/intranet/users");
		http_resp_free(&r);
		assert_true(db_int("SELECT count(*) FROM audit_log WHERE action ="
		    " 'user.totp_reset' AND object_id = ?1", uid) == 1);
		logout(admin, atok);
		free(atok);
		free(admin);
	}
	free(login("totp1", PW));
	free(full);
	free(rec);
	free(secret);
	buf_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_page),
		cmocka_unit_test(sign_in_cookie),
		cmocka_unit_test(front_page_by_role),
		cmocka_unit_test(bad_password_and_unknown_user_alike),
		cmocka_unit_test(no_nda_no_session),
		cmocka_unit_test(lockout_after_five),
		cmocka_unit_test(route_table_matches),
		cmocka_unit_test(routes_without_session),
		cmocka_unit_test(routes_by_role),
		cmocka_unit_test(csrf_and_origin),
		cmocka_unit_test(tampered_cookie),
		cmocka_unit_test(idle_expiry),
		cmocka_unit_test(absolute_expiry),
		cmocka_unit_test(disabled_user_session_ends),
		cmocka_unit_test(one_time_password),
		cmocka_unit_test(password_policy),
		cmocka_unit_test(audit_page),
		cmocka_unit_test(notice_editor),
		cmocka_unit_test(two_factor),
		cmocka_unit_test(audit_chain),
	};
	int rc;

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL || getenv("REKISTERI_BASE_URL") == NULL) {
		fprintf(stderr, "test_intranet: run me through tests/http/harness.sh\n");
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("intranet", tests, setup, NULL);
	curl_global_cleanup();
	return rc;
}
