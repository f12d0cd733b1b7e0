/* http.c — see http.h. */
#include <sys/wait.h>

#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>
#include <sqlite3.h>

#include "http.h"

/* ---- requests ------------------------------------------------------------ */

static size_t
sink(char *p, size_t size, size_t n, void *ctx)
{
	buf_add(ctx, p, size * n);
	return size * n;
}

/*
 * Send as http_fetch says, waiting at most timeout_s seconds; a transport
 * error fails the test when must, else leaves r->status 0.
 */
static void
fetch(struct http_resp *r, const char *method, const char *path,
    const char *body, size_t bodylen, const char *const *headers,
    long timeout_s, int must)
{
	const char *base = getenv("REKISTERI_BASE_URL");
	struct curl_slist *h = NULL;
	struct buf url = BUF_INIT;
	CURL *c;
	CURLcode rc;

	assert_non_null(base);
	memset(r, 0, sizeof(*r));
	buf_addf(&url, "%s%s", base, path);
	c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	/* what the test wrote: libcurl would send "/static/../x" as "/x" */
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	}
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		h = curl_slist_append(h, headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK && must)
		fail_msg("%s %s: %s", method, url.data, curl_easy_strerror(rc));
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	buf_cstr(&r->body);
	buf_cstr(&r->headers);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_free(&url);
}

void
http_fetch(struct http_resp *r, const char *method, const char *path,
    const char *body, size_t bodylen, const char *const *headers)
{
	fetch(r, method, path, body, bodylen, headers, 20L, 1);
}

void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

long
http_probe(const char *path, long timeout_s)
{
	struct http_resp r;
	long status;

	fetch(&r, "GET", path, NULL, 0, NULL, timeout_s, 0);
	status = r.status != 0 ? r.status : -1;
	http_resp_free(&r);
	return status;
}

void
http_get(struct http_resp *r, const char *path)
{
	http_fetch(r, "GET", path, NULL, 0, NULL);
}

void
http_send(struct http_resp *r, const char *method, const char *path,
    const struct http_opts *o)
{
	char ck[512], ct[300];
	const char *h[4] = { NULL, NULL, NULL, NULL };
	int n = 0;

	if (o->cookie != NULL) {
		snprintf(ck, sizeof(ck), "Cookie: " HTTP_COOKIE "=%s", o->cookie);
		h[n++] = ck;
	}
	if (o->body != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", o->type != NULL ?
		    o->type : "application/x-www-form-urlencoded");
		h[n++] = ct;
	}
	if (o->header != NULL)
		h[n++] = o->header;
	http_fetch(r, method, path, o->body, o->body == NULL ? 0 : o->bodylen ?
	    o->bodylen : strlen(o->body), h);
	http_assert_security_headers(r);
}

void
http_session(struct http_resp *r, const char *method, const char *path,
    const char *cookie, const char *body)
{
	const struct http_opts o = { .cookie = cookie, .body = body };

	http_send(r, method, path, &o);
}

/* ---- answers ------------------------------------------------------------- */

char *
http_header(const struct http_resp *r, const char *name)
{
	size_t n = strlen(name);
	const char *p = r->headers.data;

	while (p != NULL && *p != '\0') {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;

			while (*v == ' ')
				v++;
			return xstrndup(v, len - (size_t)(v - p));
		}
		p = eol ? eol + 2 : NULL;
	}
	return NULL;
}

int
http_body_has(const struct http_resp *r, const char *needle)
{
	return r->body.data != NULL && strstr(r->body.data, needle) != NULL;
}

char *
http_between(const struct http_resp *r, const char *before, const char *stop)
{
	const char *p, *e;

	if (r->body.data == NULL || (p = strstr(r->body.data, before)) == NULL)
		return NULL;
	p += strlen(before);
	e = p + strcspn(p, stop);
	return *e != '\0' ? xstrndup(p, (size_t)(e - p)) : NULL;
}

void
http_assert_page(const struct http_resp *r, const char *lang)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *l;
	char *ct = http_header(r, "Content-Type");

	assert_non_null(ct);
	assert_string_equal(ct, "text/html; charset=utf-8");
	free(ct);
	assert_true(r->body.len > 0);
	assert_memory_equal(r->body.data, "<!DOCTYPE html>", 15);
	doc = xmlReadMemory(r->body.data, (int)r->body.len, "page.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("page is not well-formed XML:\n%s", r->body.data);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "html");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href,
	    "http://www.w3.org/1999/xhtml");
	l = xmlGetProp(root, (const xmlChar *)"lang");
	assert_non_null(l);
	assert_string_equal((const char *)l, lang);
	xmlFree(l);
	xmlFreeDoc(doc);
}

void
http_assert_security_headers(const struct http_resp *r)
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

void
http_assert_public_headers(const struct http_resp *r)
{
	char *v;

	http_assert_security_headers(r);
	v = http_header(r, "Content-Security-Policy");
	assert_null(strstr(v, "unsafe-inline"));
	assert_null(strstr(v, "http"));	/* no other origins */
	free(v);
	assert_null(http_header(r, "Set-Cookie"));
}

void
http_assert_redirect(const struct http_resp *r, const char *want)
{
	char *loc = http_header(r, "Location");

	if (r->status != 303 || loc == NULL ||
	    strncmp(loc, want, strlen(want)) != 0)
		fail_msg("want 303 to %s, got %ld to %s", want, r->status,
		    loc ? loc : "(none)");
	free(loc);
}

/* ---- forms and staff sessions --------------------------------------------- */

char *
http_form(const char *k, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, k);
	for (; k != NULL; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		char *ek, *ev;

		if (v == NULL)
			continue;
		ek = curl_easy_escape(NULL, k, 0);
		ev = curl_easy_escape(NULL, v, 0);
		buf_addf(&b, "%s%s=%s", b.len ? "&" : "", ek, ev);
		curl_free(ek);
		curl_free(ev);
	}
	va_end(ap);
	return buf_take(&b);
}

char *
http_cookie(const struct http_resp *r)
{
	char *sc = http_header(r, "Set-Cookie"), *v;
	size_t n;

	if (sc == NULL)
		return NULL;
	if (strncmp(sc, HTTP_COOKIE "=", sizeof(HTTP_COOKIE)) != 0)
		fail_msg("Set-Cookie for another cookie: %s", sc);
	n = strcspn(sc + sizeof(HTTP_COOKIE), ";");
	v = xstrndup(sc + sizeof(HTTP_COOKIE), n);
	free(sc);
	return v;
}

char *
http_csrf(const struct http_resp *r)
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

char *
http_csrf_for(const char *cookie, const char *path)
{
	struct http_resp r;
	char *t;

	http_session(&r, "GET", path, cookie, NULL);
	if (r.status != 200)
		fail_msg("GET %s for its token: %ld", path, r.status);
	t = http_csrf(&r);
	if (t == NULL || strlen(t) != 64)
		fail_msg("GET %s: no token in the page", path);
	http_resp_free(&r);
	return t;
}

void
http_login_resp(struct http_resp *r, const char *user, const char *password)
{
	char *body = http_form("username", user, "password", password, NULL);

	http_session(r, "POST", "/intranet/login", NULL, body);
	free(body);
}

char *
http_login_to(const char *user, const char *password, const char *land)
{
	struct http_resp r;
	char *id, *loc;

	http_login_resp(&r, user, password);
	loc = http_header(&r, "Location");
	if (r.status != 303 || loc == NULL || strcmp(loc, land) != 0)
		fail_msg("sign-in of %s: want 303 to %s, got %ld to %s", user, land,
		    r.status, loc ? loc : "(none)");
	free(loc);
	id = http_cookie(&r);
	if (id == NULL || strlen(id) != 64)
		fail_msg("sign-in of %s set no session cookie", user);
	http_resp_free(&r);
	return id;
}

char *
http_login(const char *user, const char *password)
{
	return http_login_to(user, password, "/intranet/");
}

void
http_logout(const char *cookie, const char *token)
{
	struct http_resp r;
	char *body = http_form("csrf", token, NULL), *sc;

	http_session(&r, "POST", "/intranet/logout", cookie, body);
	http_assert_redirect(&r, "/intranet/login");
	sc = http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "Max-Age=0"));
	free(sc);
	http_resp_free(&r);
	free(body);
	/* the old cookie opens nothing */
	http_session(&r, "GET", "/intranet/", cookie, NULL);
	http_assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
}

char *
http_form_token(void)
{
	struct http_resp r;
	char *t;

	http_get(&r, "/request");
	assert_int_equal(r.status, 200);
	http_assert_public_headers(&r);
	t = http_between(&r, "name=\"form_token\" value=\"", "\"");
	assert_non_null(t);
	http_resp_free(&r);
	return t;
}

/* ---- the public request form (test_request*.c) ------------------------- */

static const char *req_state, *req_cli, *req_conf;
static char req_root[4096], req_mailbox[4200];

/* A message of i18n/request.LANG.xml or LANG.xml (plain text without entities), static. */
const char *
http_msg(const char *lang, const char *key)
{
	static char out[2048];
	char path[4400], needle[128];
	struct buf b = BUF_INIT;
	const char *p, *q;

	for (int i = 0; i < 2; i++) {
		char *text;

		snprintf(path, sizeof(path), "%s/i18n/%s%s.xml", req_root,
		    i == 0 ? "request." : "", lang);
		assert_non_null(text = http_read_file(path, NULL));
		buf_adds(&b, text);
		free(text);
	}
	snprintf(needle, sizeof(needle), "key=\"%s\">", key);
	p = strstr(buf_cstr(&b), needle);
	if (p == NULL)
		fail_msg("no message %s", key);
	p += strlen(needle);
	q = strstr(p, "</m>");
	assert_non_null(q);
	assert_true((size_t)(q - p) < sizeof(out));
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	buf_free(&b);
	return out;
}

/* Wait until nothing answers at pid (gone or a zombie), at most 10 s. */
static void
wait_gone(pid_t pid)
{
	char path[64], st[256];

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		char *rp;

		if (f == NULL)
			return;
		rp = fgets(st, sizeof(st), f);
		fclose(f);
		if (rp != NULL && (rp = strrchr(st, ')')) != NULL && rp[2] == 'Z')
			return;
		usleep(50000);
	}
	fail_msg("the request executable did not stop");
}

long
http_fcgi_pid(const char *name)
{
	char path[4400];
	FILE *in;
	long pid = -1;

	assert_non_null(getenv("REKISTERI_STATE"));
	snprintf(path, sizeof(path), "%s/run/%s.pid", getenv("REKISTERI_STATE"),
	    name);
	assert_non_null(in = fopen(path, "r"));
	assert_int_equal(fscanf(in, "%ld", &pid), 1);
	fclose(in);
	return pid;
}

/* The user the harness runs the FastCGI executables as when it is root. */
const char *
http_fcgi_user(void)
{
	const char *u = getenv("FCGI_USER");

	return u != NULL && u[0] != '\0' ? u : "rekisteri";
}

/* Give path to the FastCGI user when we are root (the harness runs them so). */
void
http_give(const char *path)
{
	struct passwd *pw;

	if (getuid() != 0)
		return;
	assert_non_null(pw = getpwnam(http_fcgi_user()));
	assert_int_equal(chown(path, pw->pw_uid, pw->pw_gid), 0);
}

/*
 * Fail unless process pid runs as the harness's FastCGI user (when we are
 * root): an executable started as root leaves files (the request form's
 * lock) that the FastCGI user's next start is refused.
 */
static void
check_fcgi_user(pid_t pid)
{
	char path[64], line[256];
	struct passwd *pw;
	unsigned long uid = 0;
	int found = 0;
	FILE *f;

	if (getuid() != 0)
		return;
	assert_non_null(pw = getpwnam(http_fcgi_user()));
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	assert_non_null(f = fopen(path, "r"));
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = sscanf(line, "Uid:\t%lu", &uid) == 1;
	fclose(f);
	if (!found || uid != (unsigned long)pw->pw_uid)
		fail_msg("the request executable runs as uid %lu, not as %s "
		    "(%lu)", uid, http_fcgi_user(), (unsigned long)pw->pw_uid);
}

/*
 * Restart the request executable with the harness's config changed:
 * [request] rate_limit, [mail] sendmail (NULL: no mail). Its pid goes
 * where the harness looks, so the harness stops it at the end.
 */
void
http_restart_request(int rate_limit, const char *sendmail)
{
	char path[4400], pidfile[4400], sock[4400], exe[4400], line[4096];
	FILE *in, *out;
	pid_t pid;
	long old;

	snprintf(path, sizeof(path), "%s/request-test.conf", req_state);
	assert_non_null(in = fopen(req_conf, "r"));
	assert_non_null(out = fopen(path, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		if (strncmp(line, "rate_limit", 10) != 0 &&
		    strncmp(line, "sendmail", 8) != 0)
			fputs(line, out);
	fclose(in);
	fprintf(out, "\n[request]\nrate_limit = %d\n", rate_limit);
	if (sendmail != NULL)
		fprintf(out, "[mail]\nsendmail = %s\n", sendmail);
	fclose(out);

	snprintf(pidfile, sizeof(pidfile), "%s/run/request.pid", req_state);
	snprintf(sock, sizeof(sock), "%s/run/request.sock", req_state);
	old = http_fcgi_pid("request");
	kill((pid_t)old, SIGTERM);
	wait_gone((pid_t)old);
	unlink(sock);

	snprintf(exe, sizeof(exe), "%s", req_cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/request", sizeof(exe) - strlen(exe) - 1);
	if ((pid = fork()) == 0) {
		char log[4400];
		int fd;

		snprintf(log, sizeof(log), "%s/log/fcgi.log", req_state);
		if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0)
			dup2(fd, 2);
		setenv("REKISTERI_MAIL_CAPTURE", req_mailbox, 1);
		/* a group of its own, as server.sh starts them: the harness
		 * stops the group and waits until all of it is gone */
		(void)setsid();
		if (getuid() == 0)
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "-U", "www-data", "-G", "www-data", "-u",
			    http_fcgi_user(), "--", exe, "-c", path, "-w", "2",
			    (char *)NULL);
		else
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "--", exe, "-c", path, "-w", "2", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_non_null(out = fopen(pidfile, "w"));
	fprintf(out, "%ld\n", (long)pid);
	fclose(out);
	/* each try at most 5 s: see fault_restart_log (tests/faults/faults.c) */
	for (time_t end = time(NULL) + 60; time(NULL) < end;) {
		if (http_probe("/request", 5) == 200) {
			check_fcgi_user(pid);
			return;
		}
		usleep(100000);
	}
	fail_msg("the request executable did not come back within 60 s");
}

/* The token in a 303's Location: /request/ticket/TOKEN (48 hex, lib/dsr.h). */
char *
http_ticket_token(const struct http_resp *r)
{
	char *loc = http_header(r, "Location"), *t;

	if (r->status != 303 || loc == NULL)
		fail_msg("no 303 but %ld:\n%s", r->status, r->body.data);
	assert_int_equal(strncmp(loc, "/request/ticket/", 16), 0);
	t = xstrdup(loc + 16);
	assert_int_equal(strlen(t), HTTP_LINK_HEX);
	assert_int_equal(strspn(t, "0123456789abcdef"), HTTP_LINK_HEX);
	free(loc);
	return t;
}

/* Submit a valid request of the given type with a fresh token; returns the ticket token. */
char *
http_submit(const char *type, const char *name, const char *email)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt;

	body = http_form("form_token", t, "type", type, "name", name, "email", email,
	    "free_text", strcmp(type, "rectification") == 0 ?
	    "Osoite on väärin. Oikea: Katu 2, 00100 Helsinki." : "", NULL);
	http_session(&r, "POST", "/request", NULL, body);
	http_assert_public_headers(&r);
	tt = http_ticket_token(&r);
	http_resp_free(&r);
	free(body);
	free(t);
	return tt;
}

int
http_request_setup(void)
{
	char *s;

	req_state = getenv("REKISTERI_STATE");
	req_cli = getenv("REKISTERI_CLI");
	req_conf = getenv("REKISTERI_CONF");
	if (req_state == NULL || req_cli == NULL || req_conf == NULL ||
	    getcwd(req_root, sizeof(req_root)) == NULL)
		return -1;
	snprintf(req_mailbox, sizeof(req_mailbox), "%s/mail.txt", req_state);
	/* the first key; an existing one is kept */
	http_run(NULL, "%s -c %s keygen", req_cli, req_conf);
	{
		char capture[4400];

		snprintf(capture, sizeof(capture), "%s/tests/http/sendmail-capture.sh",
		    req_root);
		http_restart_request(1000, capture);
	}
	/* the request executable, the FastCGI user, appends to it */
	http_write_text(req_mailbox, "");
	http_give(req_mailbox);
	s = http_db_text("SELECT name FROM sqlite_master WHERE name = 'requests'", NULL);
	if (s == NULL)
		return -1;
	free(s);
	return 0;
}

void
http_request_teardown(void)
{
	/* the request executable as the harness started it, no hour used up */
	http_restart_request(1000, NULL);
	http_db_exec("DELETE FROM request_rate");
}

const char *
http_request_mailbox(void)
{
	return req_mailbox;
}

/* ---- the test's database ------------------------------------------------- */

sqlite3 *
http_db_open(int rw)
{
	const char *st = getenv("REKISTERI_STATE");
	char path[1100];
	sqlite3 *db = NULL;

	assert_non_null(st);
	snprintf(path, sizeof(path), "%s/rekisteri.db", st);
	if (sqlite3_open_v2(path, &db, rw ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_msg("%s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* The 32-bit big-endian number at p. */
static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3];
}

long
http_wal_commits(unsigned long *salt)
{
	const char *st = getenv("REKISTERI_STATE");
	char path[1100];
	unsigned char hdr[32], fh[24];
	unsigned long page;
	long n = 0;
	FILE *f;

	assert_non_null(st);
	snprintf(path, sizeof(path), "%s/db/rekisteri.db-wal", st);
	if ((f = fopen(path, "rb")) == NULL) {
		*salt = 0;
		return 0;
	}
	if (fread(hdr, 1, sizeof(hdr), f) != sizeof(hdr)) {
		fclose(f);
		*salt = 0;
		return 0;
	}
	page = be32(hdr + 8);
	*salt = be32(hdr + 16);
	/* frames of this WAL's generation (its salts), commits: size != 0 */
	while (fread(fh, 1, sizeof(fh), f) == sizeof(fh) &&
	    memcmp(fh + 8, hdr + 16, 8) == 0) {
		if (be32(fh + 4) != 0)
			n++;
		if (fseek(f, (long)page, SEEK_CUR) != 0)
			break;
	}
	fclose(f);
	return n;
}

/* sql prepared on db with ?1 = arg (when not NULL); the test fails on an error. */
static sqlite3_stmt *
db_prep(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	return st;
}

long long
http_db_int(const char *sql, const char *arg)
{
	return http_db_int2(sql, arg, NULL);
}

long long
http_db_int2(const char *sql, const char *a1, const char *a2)
{
	sqlite3 *db = http_db_open(0);
	sqlite3_stmt *st = db_prep(db, sql, a1);
	long long v = -1;

	if (a2 != NULL)
		sqlite3_bind_text(st, 2, a2, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

char *
http_db_text(const char *sql, const char *arg)
{
	sqlite3 *db = http_db_open(0);
	sqlite3_stmt *st = db_prep(db, sql, arg);
	char *v = NULL;

	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

void
http_db_exec(const char *sql)
{
	sqlite3 *db = http_db_open(1);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
	sqlite3_close(db);
}

void
http_date(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
http_user_add_full(const char *name, const char *role, const char *password,
    const char *display, int nda)
{
	struct buf args = BUF_INIT, o = BUF_INIT;
	char day[11], *pw;
	int rc;

	if (nda) {
		http_date(day, -1);	/* the CLI refuses a date after today */
		buf_addf(&args, " --nda %s", day);
	}
	if (display != NULL)
		buf_addf(&args, " --name '%s'", display);
	buf_cstr(&args);
	pw = xmalloc(strlen(password) + 2);
	snprintf(pw, strlen(password) + 2, "%s\n", password);
	rc = http_run_input(&o, pw, "'%s' user add '%s' --role %s%s"
	    " --password-stdin", getenv("REKISTERI_CLI"), name, role, args.data);
	if (rc != 0)
		fprintf(stderr, "user add %s: %s\n", name, o.data);
	free(pw);
	buf_free(&args);
	buf_free(&o);
	return rc == 0 ? 0 : -1;
}

int
http_user_add(const char *name, const char *role, const char *password)
{
	return http_user_add_full(name, role, password, NULL, 1);
}

int
http_behind_nginx(void)
{
	const char *s = getenv("REKISTERI_SERVER");

	return s != NULL && strcmp(s, "nginx") == 0;
}


int
http_staff_add(const struct http_staff *staff, size_t n, const char *pw)
{
	for (size_t i = 0; i < n; i++)
		if (http_user_add_full(staff[i].name, staff[i].role, pw,
		    staff[i].display, staff[i].nda) != 0)
			return -1;
	return 0;
}

int
http_group_main(const char *name, const struct CMUnitTest *tests, size_t n,
    int (*setup)(void **))
{
	int rc;

	if (getenv("REKISTERI_CLI") == NULL || getenv("REKISTERI_STATE") == NULL ||
	    getenv("REKISTERI_BASE_URL") == NULL) {
		fprintf(stderr, "test_%s: run me through tests/http/harness.sh\n",
		    name);
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = _cmocka_run_group_tests(name, tests, n, setup, NULL);
	curl_global_cleanup();
	return rc;
}
