/* http.h — what the HTTP tests share: fetching from the real server with libcurl, and page checks. */
#ifndef REKISTERI_TEST_HTTP_H
#define REKISTERI_TEST_HTTP_H

#include <stddef.h>

#include "buf.h"

struct http_resp {
	long		 status;
	struct buf	 headers;	/* raw header block, all responses */
	struct buf	 body;
};

/*
 * Send method to REKISTERI_BASE_URL + path with optional body (form
 * urlencoded) and extra header lines (NULL-terminated array, may be NULL).
 * Redirects are not followed. Fails the test on a transport error.
 */
void	 http_fetch(struct http_resp *, const char *method, const char *path,
	    const char *body, size_t bodylen, const char *const *headers);
void	 http_resp_free(struct http_resp *);

/* The value of header name (case-insensitive) in the last response, or NULL; caller frees. */
char	*http_header(const struct http_resp *, const char *name);

/* Fail the test unless the body is well-formed XML with <html lang=LANG>. */
void	 http_assert_page(const struct http_resp *, const char *lang);

/* Fail unless every security header is present and no cookie is set. */
void	 http_assert_public_headers(const struct http_resp *);

/* Non-zero when needle occurs in the body. */
int	 http_body_has(const struct http_resp *, const char *needle);

/* Staff sessions. A form body from key, value pairs (NULL-terminated), percent-encoded; caller frees. */
char	*http_form(const char *k, ...);
/* http_fetch with the session cookie (may be NULL) and a form body (may be NULL). */
void	 http_session(struct http_resp *, const char *method, const char *path,
	    const char *cookie, const char *body);
/* The session id a response sets, or NULL; caller frees. */
char	*http_cookie(const struct http_resp *);
/* The CSRF token in a page's forms, or NULL; caller frees. */
char	*http_csrf(const struct http_resp *);
/* Sign in (the test fails otherwise); the session id, caller frees. */
char	*http_login(const char *user, const char *password);
/* The first column of the first row of sql (?1 = arg when not NULL) in the test's database, or -1. */
long long http_db_int(const char *sql, const char *arg);

/*
 * Run sh -c CMD (printf-style) with stdout and stderr kept, stdin from
 * /dev/null unless CMD redirects it: the exit status (the test fails if
 * CMD did not exit), the output in out (may be NULL).
 */
int	 http_run(struct buf *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* A staff account made with the CLI (NDA signed): 0, or -1. */
int	 http_user_add(const char *name, const char *role,
	    const char *password);

#endif
