/* req.h — HTTP requests and responses over FastCGI, with hard input limits. */
#ifndef REKISTERI_REQ_H
#define REKISTERI_REQ_H

#include <stddef.h>

#include "buf.h"
#include "i18n.h"
#include "kv.h"
#include "text.h"

struct FCGX_Request;

/* Outcome of parsing: REQ_OK or the HTTP status to answer with. */
enum req_status {
	REQ_OK = 0,
	REQ_BAD = 400,			/* malformed: bad % escape, NUL, bad UTF-8 */
	REQ_LENGTH_REQUIRED = 411,	/* POST without CONTENT_LENGTH */
	REQ_TOO_LARGE = 413,		/* body, field count or field length over limit */
	REQ_UNSUPPORTED = 415		/* a body that is not urlencoded */
};

enum req_method {
	METHOD_GET = 1 << 0,
	METHOD_HEAD = 1 << 1,
	METHOD_POST = 1 << 2,
	METHOD_OTHER = 1 << 3
};

struct req_limits {
	size_t	body_max;	/* bytes of a request body */
	size_t	fields_max;	/* fields in a query, body or Cookie header */
	size_t	key_max;	/* bytes of one decoded key */
	size_t	value_max;	/* bytes of one decoded value */
	size_t	uri_max;	/* bytes of REQUEST_URI */
	/* The one path that takes a file (multipart/form-data), and its limit; NULL: none. */
	const char *upload_path;
	size_t	upload_max;
};

/* 64 KiB body, 100 fields, 64-byte keys, 16 KiB values, 4 KiB URI. */
extern const struct req_limits req_limits_default;

/*
 * Decode application/x-www-form-urlencoded s[0..len) ('+' is a space, %XX a
 * byte; '&' separates pairs; a pair without '=' has an empty value; empty
 * pairs between '&&' are skipped) and append to out.
 * REQ_BAD: a truncated or non-hex % escape, a decoded NUL or C0 control
 * other than TAB/LF/CR, invalid UTF-8. REQ_TOO_LARGE: more than
 * lim->fields_max pairs or a key/value over its limit. On any error out
 * holds nothing new.
 */
enum req_status	 req_parse_urlencoded(const char *s, size_t len,
		    const struct req_limits *lim, struct kvlist *out);

/*
 * Parse a Cookie header ("a=1; b=2"), values taken literally (no %
 * decoding), same limits and refusals as above; a malformed pair is skipped
 * rather than failing the request, as browsers send what others set.
 */
enum req_status	 req_parse_cookies(const char *header,
		    const struct req_limits *lim, struct kvlist *out);

/* A file sent with a form: its field's name, the file name the browser gave, the bytes. */
struct req_file {
	char	*field;		/* NULL when no file came */
	char	*filename;	/* "" when it was not plain text */
	char	*data;		/* NUL-terminated, may hold NULs too */
	size_t	 len;
};

void		 req_file_free(struct req_file *);

/*
 * Parse a multipart/form-data body (RFC 7578) by the boundary in
 * content_type: text fields into form (the urlencoded rules and limits),
 * at most one file into file. REQ_OK, REQ_TOO_LARGE (too many fields, a
 * field too long) or REQ_BAD (anything malformed; form and file unchanged).
 */
enum req_status	 req_parse_multipart(const char *content_type,
		    const char *body, size_t len, const struct req_limits *lim,
		    struct kvlist *form, struct req_file *file);

/*
 * Read a request body of CONTENT_LENGTH bytes through rd (which returns the
 * bytes read, 0 at end of input). content_length NULL or empty: REQ_LENGTH_REQUIRED.
 * Not a plain decimal number: REQ_BAD. Over limit: REQ_TOO_LARGE before
 * reading anything. Fewer bytes arrive than announced: REQ_BAD. Bytes beyond
 * the announced length are not read. On REQ_OK *body (NUL-terminated, caller
 * frees) and *len are set.
 */
enum req_status	 req_read_body(const char *content_length, size_t limit,
		    size_t (*rd)(void *ctx, char *dst, size_t n), void *ctx,
		    char **body, size_t *len);

/*
 * One request. req_begin reads the FastCGI parameters, req_read_form the
 * body of a POST; everything a handler reads is already decoded and checked.
 */
struct req {
	struct FCGX_Request	*fcgi;
	enum req_method		 method;
	char			*path;		/* from REQUEST_URI, before '?', %-decoded */
	struct kvlist		 query;
	struct kvlist		 form;		/* POST body */
	struct req_file		 upload;	/* a file, on the upload path only */
	int			 body_pending;	/* a POST whose body req_read_form reads */
	int			 upload_pending;	/* its body not read yet */
	struct kvlist		 cookies;
	const char		*remote_addr;
	const char		*accept_language;
	const char		*if_none_match;
	const char		*origin;	/* Origin header of a POST, else NULL */
	const char		*fetch_site;	/* Sec-Fetch-Site of a POST, else NULL */
	enum lang		 lang;		/* from ?lang= or Accept-Language */
	char			 id[17];	/* request id for logs and 500 pages */
	void			*ctx;		/* the executable's per-request state (app.h) */
	/* response state */
	struct buf		 headers;	/* extra header lines, CRLF-terminated */
	int			 sent;
};

/*
 * Fill r from the FastCGI request f: method, path, query, cookies and the
 * headers above, but not a POST's body (body_pending is set), so that the
 * router can refuse a request (404, 405) before anything of a body is
 * read. Returns REQ_OK, or the status to answer with (r is still usable to
 * send that answer: lang and id are set).
 */
enum req_status	 req_begin(struct req *r, struct FCGX_Request *f,
		    const struct req_limits *lim);
/*
 * Read and parse the pending body of a POST into r->form (urlencoded,
 * UTF-8): REQ_OK also when nothing is pending, else 411, 413, 415 or 400.
 * The upload path's multipart body is left for req_read_upload.
 * app_dispatch calls it once a route has taken the request.
 */
enum req_status	 req_read_form(struct req *, const struct req_limits *);
/* req_begin and req_read_form at once, for programs without a route table. */
enum req_status	 req_init(struct req *r, struct FCGX_Request *f,
		    const struct req_limits *lim);
void		 req_free(struct req *);

/*
 * Read and drop what is left of f's FCGI_STDIN, up to its end: the rest of
 * a body nobody read (a 404, 405 or 413 answered without reading it, a
 * handler that ignored it) and the empty record that ends every stream,
 * a GET's too. On a kept connection (FCGI_KEEP_CONN: mod_proxy_fcgi's
 * enablereuse, nginx's fastcgi_keep_conn) the next request's records
 * follow, and libfcgi would take a left-over FCGI_STDIN record for a
 * protocol error and drop the connection. 0 at the end of the stream;
 * -1 after max bytes without it, or on an error: the connection must then
 * be closed, not reused.
 */
int		 req_drain(struct FCGX_Request *f, size_t max);

/*
 * The upload path's multipart body is not read by req_read_form (upload_pending
 * is set): the program reads it with req_read_upload once it knows who
 * sends it, so nobody can make it read megabytes before signing in. Text
 * fields go to r->form, the file to r->upload. REQ_OK also when nothing
 * was pending; else the status to answer with.
 */
enum req_status	 req_read_upload(struct req *, const struct req_limits *);

/*
 * Responses. Every response carries the security headers (CSP without
 * inline script or other origins, nosniff, Referrer-Policy, frame-ancestors
 * 'none'). resp_header adds a header line to the next response; a name or
 * value with CR, LF or NUL is refused (returns -1, nothing added).
 * resp_send writes status, headers and body (no body for HEAD).
 */
int		 resp_header(struct req *, const char *name, const char *value);
void		 resp_send(struct req *, int status, const char *content_type,
		    const char *body, size_t len);

/*
 * A body written in pieces (a long CSV file): resp_start sends the status
 * and headers without Content-Length, then resp_write each piece (nothing
 * for HEAD). resp_write returns 0, or -1 when the client has gone.
 */
void		 resp_start(struct req *, int status, const char *content_type);
int		 resp_write(struct req *, const char *data, size_t len);

#endif
