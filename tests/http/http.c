/* http.c — see http.h. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>

#include "http.h"

static size_t
sink(char *p, size_t size, size_t n, void *ctx)
{
	buf_add(ctx, p, size * n);
	return size * n;
}

void
http_fetch(struct http_resp *r, const char *method, const char *path,
    const char *body, size_t bodylen, const char *const *headers)
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
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, url.data, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	buf_cstr(&r->body);
	buf_cstr(&r->headers);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_free(&url);
}

void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

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
http_assert_public_headers(const struct http_resp *r)
{
	char *v;

	v = http_header(r, "Content-Security-Policy");
	assert_non_null(v);
	assert_non_null(strstr(v, "default-src 'none'"));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_null(strstr(v, "unsafe-inline"));
	assert_null(strstr(v, "http"));	/* no other origins */
	free(v);
	v = http_header(r, "X-Content-Type-Options");
	assert_non_null(v);
	assert_string_equal(v, "nosniff");
	free(v);
	v = http_header(r, "Referrer-Policy");
	assert_non_null(v);
	free(v);
	assert_null(http_header(r, "Set-Cookie"));
}

int
http_body_has(const struct http_resp *r, const char *needle)
{
	return r->body.data != NULL && strstr(r->body.data, needle) != NULL;
}

/* A form body from key, value pairs (NULL-terminated), percent-encoded by libcurl. */
char *
http_form(const char *k, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, k);
	for (; k != NULL; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		char *ek = curl_easy_escape(NULL, k, 0), *ev = curl_easy_escape(NULL,
		    v, 0);

		buf_addf(&b, "%s%s=%s", b.len ? "&" : "", ek, ev);
		curl_free(ek);
		curl_free(ev);
	}
	va_end(ap);
	return buf_take(&b);
}

void
http_session(struct http_resp *r, const char *method, const char *path,
    const char *cookie, const char *body)
{
	char ck[200];
	const char *h[3] = { ck, "Content-Type: application/x-www-form-urlencoded",
	    NULL };

	snprintf(ck, sizeof(ck), "Cookie: rekisteri_session=%s", cookie ? cookie :
	    "");
	http_fetch(r, method, path, body, body ? strlen(body) : 0,
	    cookie ? h : h + 1);
}

char *
http_cookie(const struct http_resp *r)
{
	char *sc = http_header(r, "Set-Cookie"), *v;

	if (sc == NULL)
		return NULL;
	v = xstrndup(sc + strlen("rekisteri_session="), 64);
	free(sc);
	return v;
}

char *
http_csrf(const struct http_resp *r)
{
	const char *p = strstr(r->body.data, "name=\"csrf\" value=\"");

	return p ? xstrndup(p + 19, 64) : NULL;
}

char *
http_login(const char *user, const char *password)
{
	struct http_resp r;
	char *body = http_form("username", user, "password", password, NULL), *id;

	http_session(&r, "POST", "/intranet/login", NULL, body);
	free(body);
	assert_int_equal(r.status, 303);
	id = http_cookie(&r);
	assert_non_null(id);
	http_resp_free(&r);
	return id;
}

long long
http_db_int(const char *sql, const char *arg)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	snprintf(path, sizeof(path), "%s/rekisteri.db", getenv("REKISTERI_STATE"));
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
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

int
http_run(struct buf *out, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	char path[1100], chunk[8192];
	va_list ap;
	size_t n;
	FILE *f;
	int st, len;

	va_start(ap, fmt);
	len = vsnprintf(chunk, sizeof(chunk), fmt, ap);
	va_end(ap);
	assert_true(len > 0 && (size_t)len < sizeof(chunk));
	snprintf(path, sizeof(path), "%s/run-%ld.out", getenv("REKISTERI_STATE"),
	    (long)getpid());
	buf_addf(&cmd, "{ %s ; } >'%s' 2>&1 </dev/null", chunk, path);
	st = system(cmd.data);
	buf_free(&cmd);
	if (out != NULL) {
		buf_reset(out);
		f = fopen(path, "r");
		assert_non_null(f);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(out, chunk, n);
		fclose(f);
		buf_cstr(out);
	}
	unlink(path);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

int
http_user_add(const char *name, const char *role, const char *password)
{
	return http_run(NULL, "printf '%%s\\n' '%s' | '%s' user add '%s' --role %s"
	    " --nda 2026-01-15 --password-stdin", password,
	    getenv("REKISTERI_CLI"), name, role) == 0 ? 0 : -1;
}
