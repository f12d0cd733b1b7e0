/* http.h — what the HTTP tests share: requests to the real server with libcurl, staff sessions, page checks, the test's database and the CLI. */
#ifndef REKISTERI_TEST_HTTP_H
#define REKISTERI_TEST_HTTP_H

#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "dsr.h"

/* A link token's length (lib/dsr.h). */
#define HTTP_LINK_HEX	(DSR_LINK_HEX - 1)

#define HTTP_COOKIE	"rekisteri_session"

struct http_resp {
	long		 status;
	struct buf	 headers;	/* raw header block, all responses */
	struct buf	 body;
};

/* ---- requests ------------------------------------------------------------ */

/*
 * Send method to REKISTERI_BASE_URL + path with optional body and extra
 * header lines (NULL-terminated array, may be NULL). The path is sent as
 * written (CURLOPT_PATH_AS_IS: "/a/../b" is not made "/b" on the way).
 * Redirects are not followed. Fails the test on a transport error.
 */
void	 http_fetch(struct http_resp *, const char *method, const char *path,
	    const char *body, size_t bodylen, const char *const *headers);
void	 http_resp_free(struct http_resp *);

/*
 * GET path within timeout_s seconds: its status, or -1 when the transport
 * failed or timed out (a server coming back up). Fails no test.
 */
long	 http_probe(const char *path, long timeout_s);

/* GET path, nothing else sent; nothing checked but the transport. */
void	 http_get(struct http_resp *, const char *path);

/* What http_send adds to a request; every member may be zero. */
struct http_opts {
	const char	*cookie;	/* session id sent as HTTP_COOKIE */
	const char	*body;		/* request body */
	size_t		 bodylen;	/* 0: strlen(body) */
	const char	*type;		/* the body's Content-Type; NULL: a form */
	const char	*header;	/* one more header line */
};

/*
 * method path with what o says, and fail the test unless the answer
 * carries the security headers (http_assert_security_headers).
 */
void	 http_send(struct http_resp *, const char *method, const char *path,
	    const struct http_opts *o);
/* http_send with the session cookie (may be NULL) and a form body (may be NULL). */
void	 http_session(struct http_resp *, const char *method, const char *path,
	    const char *cookie, const char *body);

/* ---- answers ------------------------------------------------------------- */

/* The value of header name (case-insensitive) in the last response, or NULL; caller frees. */
char	*http_header(const struct http_resp *, const char *name);

/* Non-zero when needle occurs in the body. */
int	 http_body_has(const struct http_resp *, const char *needle);

/*
 * The body's text after the first before, up to (not including) the first
 * of the characters in stop; NULL when either is missing. Caller frees.
 */
char	*http_between(const struct http_resp *, const char *before,
	    const char *stop);

/* Fail the test unless the body is well-formed XML with <html lang=LANG>. */
void	 http_assert_page(const struct http_resp *, const char *lang);

/* Fail unless CSP (default-src and frame-ancestors 'none'), nosniff and Referrer-Policy are sent. */
void	 http_assert_security_headers(const struct http_resp *);

/* Those, with no other origin or inline code allowed, and no cookie set. */
void	 http_assert_public_headers(const struct http_resp *);

/* Fail unless the response is a 303 whose Location begins with want. */
void	 http_assert_redirect(const struct http_resp *, const char *want);

/* ---- forms and staff sessions --------------------------------------------- */

/*
 * A form body from key, value pairs (NULL-terminated; a NULL value leaves
 * its key out), percent-encoded. Caller frees.
 */
char	*http_form(const char *k, ...);
/* The session id a response's Set-Cookie sets, or NULL; caller frees. Fails on another cookie. */
char	*http_cookie(const struct http_resp *);
/* The CSRF token in a page's first form, or NULL; caller frees. */
char	*http_csrf(const struct http_resp *);
/* GET path with the session (it must answer 200); its 64-character CSRF token, caller frees. */
char	*http_csrf_for(const char *cookie, const char *path);
/* POST the sign-in form; the answer in r. */
void	 http_login_resp(struct http_resp *, const char *user,
	    const char *password);
/* Sign in: it must answer 303 to exactly land with a session cookie; the session id, caller frees. */
char	*http_login_to(const char *user, const char *password,
	    const char *land);
/* http_login_to the front page, /intranet/. */
char	*http_login(const char *user, const char *password);
/* Sign out with the token: a 303 to the sign-in page, the cookie cleared, the old one useless. */
void	 http_logout(const char *cookie, const char *token);
/* A fresh form token from the public request form (GET /request, public headers checked); caller frees. */
char	*http_form_token(void);

/* ---- the public request form (test_request*.c) ------------------------- */

/*
 * Setup for the request tests: the first key (rekisteri keygen), the request
 * executable restarted with the sendmail capture script and an empty
 * mailbox; 0, or -1 when the harness's environment or database is missing.
 */
int	 http_request_setup(void);
/* The request executable as the harness started it, no hour used up. */
void	 http_request_teardown(void);
/* The user the harness runs the FastCGI executables as when root: $FCGI_USER, rekisteri. */
const char *http_fcgi_user(void);
/*
 * The pid the harness keeps for the FastCGI executable name
 * (REKISTERI_STATE/run/NAME.pid: its supervisor, or the one process with
 * -w 1); fails the test when there is none.
 */
long	 http_fcgi_pid(const char *name);
/* chown path to it when we are root. */
void	 http_give(const char *path);
/*
 * Restart the request executable with the harness's config changed:
 * [request] rate_limit, [mail] sendmail (NULL: no mail). Its pid goes
 * where the harness looks, so the harness stops it at the end. As root,
 * it runs as http_fcgi_user(), and the call fails if it does not.
 */
void	 http_restart_request(int rate_limit, const char *sendmail);
/* The file the sendmail capture script writes (REKISTERI_STATE/mail.txt). */
const char *http_request_mailbox(void);
/* A message of i18n/request.LANG.xml or LANG.xml (plain text without entities), static. */
const char *http_msg(const char *lang, const char *key);
/* The token in a 303's Location: /request/ticket/TOKEN (HTTP_LINK_HEX hex digits); caller frees. */
char	*http_ticket_token(const struct http_resp *);
/* Submit a valid request of the given type with a fresh token; the ticket token, caller frees. */
char	*http_submit(const char *type, const char *name, const char *email);

/* ---- the test's database ------------------------------------------------- */

/* REKISTERI_STATE/rekisteri.db, read-only or read-write, waiting up to 10 s for locks. */
sqlite3	*http_db_open(int rw);
/* The first column of the first row of sql (?1 = arg when not NULL), or -1. */
long long http_db_int(const char *sql, const char *arg);
/* The same with ?1 = a1 and ?2 = a2 (either may be NULL: left unbound). */
long long http_db_int2(const char *sql, const char *a1, const char *a2);
/* The same as text, or NULL; caller frees. */
char	*http_db_text(const char *sql, const char *arg);
/* Run sql (no result rows) on a read-write connection; fails the test on an error. */
void	 http_db_exec(const char *sql);
/*
 * Commits in the database's write-ahead log now: its frames that end a
 * transaction, of the log's present generation (*salt, its first salt: a
 * checkpoint that starts the log again changes it, and the count with it).
 * Each is one durable write (fdatasync under synchronous=FULL). 0 when
 * there is no log.
 */
long	 http_wal_commits(unsigned long *salt);

/* ---- the command line and files ------------------------------------------ */

/*
 * Run sh -c CMD (printf-style) with stdout and stderr kept, stdin from
 * /dev/null unless CMD redirects it: the exit status (the test fails if
 * CMD did not exit), the output in out (may be NULL).
 */
int	 http_run(struct buf *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The same with input (NULL: none) on its standard input. */
int	 http_run_input(struct buf *out, const char *input, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The UTC date days from today (the test's clock) as YYYY-MM-DD. */
void	 http_date(char out[11], int days);

/* A staff account made with the CLI, its NDA signed yesterday: 0, or -1. */
int	 http_user_add(const char *name, const char *role,
	    const char *password);
/* The same with a display name (NULL: none) and, when nda is 0, no NDA date. */
int	 http_user_add_full(const char *name, const char *role,
	    const char *password, const char *display, int nda);

/* Write len bytes to path (the test fails otherwise). */
void	 http_write_file(const char *path, const void *data, size_t len);
/* Write the string text to path. */
void	 http_write_text(const char *path, const char *text);
/* A whole file, NUL-terminated, its length in len (may be NULL); NULL when it cannot be opened. */
char	*http_read_file(const char *path, size_t *len);
/* 1 when the tests run behind nginx (REKISTERI_SERVER=nginx), 0 behind Apache. */
int	 http_behind_nginx(void);

/* ---- a test file's main ------------------------------------------------- */

/* A staff account for a file's set-up: name, role, display name, NDA signed. */
struct http_staff {
	const char	*name, *role, *display;
	int		 nda;
};
/* Make every account of staff[0..n) with password pw: 0, or -1. */
int	 http_staff_add(const struct http_staff *staff, size_t n, const char *pw);

/*
 * Run a file's tests as group name with setup (may be NULL): refuses to
 * run outside tests/http/harness.sh (no REKISTERI_CLI, _STATE or
 * _BASE_URL), readies libsodium, libcurl and libxml2. cmocka's status.
 */
struct CMUnitTest;
int	 http_group_main(const char *name, const struct CMUnitTest *tests,
	    size_t n, int (*setup)(void **));

#endif
