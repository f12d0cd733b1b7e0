/* req.c — requests parsed and checked at the edge, responses with security headers; see req.h. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "buf.h"
#include "i18n.h"
#include "log.h"
#include "req.h"

const struct req_limits req_limits_default = {
	.body_max = (size_t)64 * 1024,
	.fields_max = 100,
	.key_max = 64,
	.value_max = (size_t)16 * 1024,
	.uri_max = (size_t)4 * 1024
};

/* Sent with every response: no script at all, nothing from other origins. */
static const char security_headers[] =
	"Content-Security-Policy: default-src 'none'; style-src 'self'; "
	"img-src 'self' data:; form-action 'self'; base-uri 'none'; "
	"frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"X-Frame-Options: DENY\r\n";

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" },
	{ 204, "No Content" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" }
};

/* Headers resp_send writes itself; a second copy would be ambiguous. */
static const char *const own_headers[] = {
	"Status", "Content-Type", "Content-Length"
};

static const char *
status_reason(int code)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].reason;
	return NULL;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode %XX (and '+' as a space when plus) from s[0..len) into dst, which
 * has room for len + 1 bytes; NUL-terminates. Returns the decoded length,
 * or SIZE_MAX for a truncated or non-hex escape.
 */
static size_t
pct_decode(const char *s, size_t len, int plus, char *dst)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3)
				return SIZE_MAX;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return SIZE_MAX;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+')
			dst[o++] = ' ';
		else
			dst[o++] = s[i];
	}
	dst[o] = '\0';
	return o;
}

/*
 * One urlencoded key or value: decoded into a new string (*out, caller
 * frees) of *outlen bytes, checked for text and for max.
 */
static enum req_status
field_decode(const char *s, size_t len, size_t max, char **out, size_t *outlen)
{
	char *d;
	size_t n;

	/* Each decoded byte takes at most 3 encoded ones. */
	if (len / 3 > max)
		return REQ_TOO_LARGE;
	d = xmalloc(len + 1);
	if ((n = pct_decode(s, len, 1, d)) == SIZE_MAX ||
	    !text_valid(d, n)) {
		free(d);
		return REQ_BAD;
	}
	if (n > max) {
		free(d);
		return REQ_TOO_LARGE;
	}
	*out = d;
	*outlen = n;
	return REQ_OK;
}

/* How many non-empty pieces sep cuts s[0..len) into. */
static size_t
count_pieces(const char *s, size_t len, char sep)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i <= len; i++)
		if (i == len || s[i] == sep) {
			if (i > start)
				n++;
			start = i + 1;
		}
	return n;
}

enum req_status
req_parse_urlencoded(const char *s, size_t len, const struct req_limits *lim,
    struct kvlist *out)
{
	enum req_status rc = REQ_OK;
	size_t first = out->n, start = 0, i, n, klen, vlen;
	const char *eq;
	char *key, *val;

	if (len == 0)
		return REQ_OK;
	/* Count first, so an oversized form allocates nothing. */
	if ((n = count_pieces(s, len, '&')) > lim->fields_max)
		return REQ_TOO_LARGE;
	kv_reserve(out, n);
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '&')
			continue;
		if (i > start) {
			eq = memchr(s + start, '=', i - start);
			klen = eq ? (size_t)(eq - (s + start)) : i - start;
			rc = field_decode(s + start, klen, lim->key_max, &key,
			    &klen);
			if (rc != REQ_OK)
				goto out;
			if (eq == NULL) {
				val = xstrdup("");
				vlen = 0;
			} else
				rc = field_decode(eq + 1, (size_t)(s + i - eq - 1),
				    lim->value_max, &val, &vlen);
			if (rc != REQ_OK) {
				free(key);
				goto out;
			}
			kv_append(out, key, val, vlen);
		}
		start = i + 1;
	}
out:
	if (rc != REQ_OK)
		kv_truncate(out, first);
	return rc;
}

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int
is_token(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Trim spaces and tabs from both ends of s[*start..*end). */
static void
trim_ows(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && (s[*start] == ' ' || s[*start] == '\t'))
		(*start)++;
	while (*end > *start && (s[*end - 1] == ' ' || s[*end - 1] == '\t'))
		(*end)--;
}

/*
 * Only the number of pairs fails the request (REQ_TOO_LARGE); a pair
 * without '=', with a name that is not a token, with bad text or over a
 * length limit is skipped, since another site on the domain may have set
 * it and the visitor cannot easily remove it.
 */
enum req_status
req_parse_cookies(const char *h, const struct req_limits *lim,
    struct kvlist *out)
{
	size_t len, i, start, s, e, ks, ke, vs, ve, n = 0;
	const char *eq;

	if (h == NULL)
		return REQ_OK;
	len = strlen(h);
	for (i = 0, start = 0; i <= len; i++)
		if (i == len || h[i] == ';') {
			s = start, e = i;
			trim_ows(h, &s, &e);
			if (e > s)
				n++;
			start = i + 1;
		}
	if (n > lim->fields_max)
		return REQ_TOO_LARGE;
	kv_reserve(out, n);
	for (i = 0, start = 0; i <= len; i++) {
		if (i < len && h[i] != ';')
			continue;
		s = start, e = i;
		start = i + 1;
		trim_ows(h, &s, &e);
		if ((eq = memchr(h + s, '=', e - s)) == NULL)
			continue;
		ks = s, ke = (size_t)(eq - h);
		vs = ke + 1, ve = e;
		trim_ows(h, &ks, &ke);
		trim_ows(h, &vs, &ve);
		if (!is_token(h + ks, ke - ks) || ke - ks > lim->key_max ||
		    ve - vs > lim->value_max || !text_valid(h + vs, ve - vs))
			continue;
		kv_append(out, xstrndup(h + ks, ke - ks), xstrndup(h + vs, ve - vs),
		    ve - vs);
	}
	return REQ_OK;
}

/*
 * A decimal number of digits only, into *n. Returns 0, or -1 for anything
 * else (empty, sign, space, overflow of size_t).
 */
static int
parse_size(const char *s, size_t *n)
{
	size_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (SIZE_MAX - (size_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*n = v;
	return 0;
}

enum req_status
req_read_body(const char *content_length, size_t limit,
    size_t (*rd)(void *, char *, size_t), void *ctx, char **body, size_t *len)
{
	size_t want, got = 0, n;
	char *b;

	if (content_length == NULL || *content_length == '\0')
		return REQ_LENGTH_REQUIRED;
	if (parse_size(content_length, &want) == -1)
		return REQ_BAD;
	if (want > limit)
		return REQ_TOO_LARGE;
	b = xmalloc(want + 1);
	while (got < want) {
		n = rd(ctx, b + got, want - got);
		if (n == 0 || n > want - got) {
			free(b);
			return REQ_BAD;
		}
		got += n;
	}
	b[want] = '\0';
	*body = b;
	*len = want;
	return REQ_OK;
}

/* Adapter from req_read_body's reader to a libfcgi input stream. */
static size_t
fcgi_read(void *ctx, char *dst, size_t n)
{
	int got;

	got = FCGX_GetStr(dst, n > INT_MAX ? INT_MAX : (int)n, ctx);
	return got > 0 ? (size_t)got : 0;
}

/*
 * A POST body must be application/x-www-form-urlencoded, optionally with
 * parameters; a charset parameter must say UTF-8. REQ_UNSUPPORTED otherwise.
 */
static enum req_status
check_form_type(const char *ct)
{
	static const char form[] = "application/x-www-form-urlencoded";
	size_t len, i, start, s, e;

	if (ct == NULL)
		return REQ_UNSUPPORTED;
	len = strlen(ct);
	s = 0, e = strcspn(ct, ";");
	trim_ows(ct, &s, &e);
	if (e - s != sizeof(form) - 1 || strncasecmp(ct + s, form, e - s) != 0)
		return REQ_UNSUPPORTED;
	start = strcspn(ct, ";") + 1;
	for (i = start; i <= len; i++) {
		if (i < len && ct[i] != ';')
			continue;
		s = start, e = i;
		start = i + 1;
		trim_ows(ct, &s, &e);
		if (e - s < 8 || strncasecmp(ct + s, "charset=", 8) != 0)
			continue;
		s += 8;
		if (e - s >= 2 && ct[s] == '"' && ct[e - 1] == '"')
			s++, e--;
		if (e - s != 5 || strncasecmp(ct + s, "utf-8", 5) != 0)
			return REQ_UNSUPPORTED;
	}
	return REQ_OK;
}

/*
 * multipart/form-data (RFC 7578), for the one upload page: the boundary
 * from the Content-Type; each part's Content-Disposition names a field, and
 * a filename makes it the file. Text fields obey the urlencoded rules.
 */

/* The value of parameter name (e.g. boundary) in a header value, unquoted, into dst. 0 or -1. */
static int
header_param(const char *h, size_t hlen, const char *name, char *dst,
    size_t dstlen)
{
	size_t nlen = strlen(name), i = 0;

	while (i < hlen) {
		size_t s, e, n;

		/* to the next ';' outside a quoted string; h is not NUL-terminated */
		while (i < hlen && h[i] != ';') {
			if (h[i] == '"')
				for (i++; i < hlen && h[i] != '"'; i++)
					if (h[i] == '\\' && i + 1 < hlen)
						i++;
			if (i < hlen)
				i++;
		}
		if (i >= hlen)
			break;
		i++;
		s = i;
		while (s < hlen && (h[s] == ' ' || h[s] == '\t'))
			s++;
		if (hlen - s <= nlen || strncasecmp(h + s, name, nlen) != 0 ||
		    h[s + nlen] != '=')
			continue;
		s += nlen + 1;
		if (s < hlen && h[s] == '"') {
			const char *q = memchr(h + s + 1, '"', hlen - s - 1);

			if (q == NULL)
				return -1;
			e = (size_t)(q - h);
			s++;
		} else {
			e = s;
			while (e < hlen && h[e] != ';')
				e++;
			while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t'))
				e--;
		}
		n = e - s;
		if (n >= dstlen)
			return -1;
		memcpy(dst, h + s, n);
		dst[n] = '\0';
		return 0;
	}
	return -1;
}

/* The first needle in hay[0..hlen), or NULL (memmem without _GNU_SOURCE). */
static const char *
find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char *p = hay, *end = hay + hlen;

	while ((size_t)(end - p) >= nlen &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

void
req_file_free(struct req_file *f)
{
	free(f->field);
	free(f->filename);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

enum req_status
req_parse_multipart(const char *content_type, const char *body, size_t len,
    const struct req_limits *lim, struct kvlist *form, struct req_file *file)
{
	char boundary[80], delim[84];
	const char *p, *end = body + len;
	size_t dlen, first = form->n, fields = 0;
	enum req_status rc = REQ_BAD;

	memset(file, 0, sizeof(*file));
	if (content_type == NULL || header_param(content_type,
	    strlen(content_type), "boundary", boundary, sizeof(boundary)) != 0 ||
	    boundary[0] == '\0' || strlen(boundary) > 70)
		return REQ_BAD;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The body begins with the first delimiter (without its CRLF). */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return REQ_BAD;
	p = body + dlen - 2;
	for (;;) {
		const char *hend, *next, *h;
		char name[128] = "", filename[256] = "";
		int disposition = 0, has_filename = 0;

		if (end - p >= 2 && memcmp(p, "--", 2) == 0) {
			rc = REQ_OK;	/* the closing delimiter */
			break;
		}
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0)
			goto fail;
		p += 2;
		if ((hend = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4)) ==
		    NULL || hend - p > 4096)
			goto fail;
		/* the part's header lines */
		for (h = p; h < hend; ) {
			const char *eol = find_bytes(h, (size_t)(hend + 2 - h),
			    "\r\n", 2);
			size_t hl = (size_t)(eol - h);

			if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20)
			    == 0) {
				const char *v = h + 20;
				size_t vl = hl - 20;

				while (vl > 0 && (*v == ' ' || *v == '\t'))
					v++, vl--;
				if (vl < 9 || strncasecmp(v, "form-data", 9) != 0 ||
				    header_param(v, vl, "name", name,
				    sizeof(name)) != 0)
					goto fail;
				has_filename = header_param(v, vl, "filename",
				    filename, sizeof(filename)) == 0;
				disposition = 1;
			}
			h = eol + 2;
		}
		if (!disposition || name[0] == '\0' ||
		    strlen(name) > lim->key_max ||
		    !text_valid_strict(name, strlen(name)))
			goto fail;
		p = hend + 4;
		if ((next = find_bytes(p, (size_t)(end - p), delim, dlen)) == NULL)
			goto fail;
		if (++fields > lim->fields_max) {
			rc = REQ_TOO_LARGE;
			goto fail;
		}
		if (has_filename) {
			if (file->field != NULL)	/* one file only */
				goto fail;
			if (!text_valid_strict(filename, strlen(filename)))
				filename[0] = '\0';
			file->field = xstrdup(name);
			file->filename = xstrdup(filename);
			file->data = xstrndup(p, (size_t)(next - p));
			file->len = (size_t)(next - p);
		} else {
			size_t vlen = (size_t)(next - p);

			if (vlen > lim->value_max) {
				rc = REQ_TOO_LARGE;
				goto fail;
			}
			if (!text_valid(p, vlen))
				goto fail;
			kv_reserve(form, 1);
			kv_append(form, xstrdup(name), xstrndup(p, vlen), vlen);
		}
		p = next + dlen;
	}
	return rc;
fail:
	kv_truncate(form, first);
	req_file_free(file);
	return rc;
}

/*
 * The path of REQUEST_URI (before '?'), %-decoded ('+' stays a plus) into
 * *path (caller frees). It must start with '/', be valid UTF-8 and hold no
 * control character at all.
 */
static enum req_status
parse_path(const char *uri, const struct req_limits *lim, char **path)
{
	size_t len, n;
	char *d;

	if (uri == NULL || uri[0] != '/')
		return REQ_BAD;
	if (strnlen(uri, lim->uri_max + 1) > lim->uri_max)
		return REQ_TOO_LARGE;
	len = strcspn(uri, "?");
	d = xmalloc(len + 1);
	if ((n = pct_decode(uri, len, 0, d)) == SIZE_MAX || d[0] != '/' ||
	    !text_valid_strict(d, n)) {
		free(d);
		return REQ_BAD;
	}
	*path = d;
	return REQ_OK;
}

/*
 * The language of a query string that failed to parse, so its error page
 * can still be in the language asked for: an exact "lang=fi" or "lang=en"
 * pair, or NULL.
 */
static const char *
raw_lang(const char *qs)
{
	for (int l = 0; l < LANG__MAX; l++) {
		char pair[16];
		const char *p = qs;
		size_t n;

		n = (size_t)snprintf(pair, sizeof(pair), "lang=%s", lang_codes[l]);
		while ((p = strstr(p, pair)) != NULL) {
			if ((p == qs || p[-1] == '&') && (p[n] == '\0' || p[n] == '&'))
				return lang_codes[l];
			p += n;
		}
	}
	return NULL;
}

static enum req_method
parse_method(const char *m)
{
	if (m == NULL)
		return METHOD_OTHER;
	if (strcmp(m, "GET") == 0)
		return METHOD_GET;
	if (strcmp(m, "HEAD") == 0)
		return METHOD_HEAD;
	if (strcmp(m, "POST") == 0)
		return METHOD_POST;
	return METHOD_OTHER;
}

/*
 * The id and language come first, so that whatever fails later can still
 * be answered in the visitor's language and logged with the id. The query
 * is parsed before the path so a ?lang= survives a bad path. An unknown
 * method is not an error here: the router answers it with 405.
 */
enum req_status
req_begin(struct req *r, struct FCGX_Request *f, const struct req_limits *lim)
{
	enum req_status rc;
	unsigned char rnd[8];
	const char *qs;

	memset(r, 0, sizeof(*r));
	r->fcgi = f;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(r->id, sizeof(r->id), rnd, sizeof(rnd));
	log_set_request(r->id);
	r->remote_addr = FCGX_GetParam("REMOTE_ADDR", f->envp);
	r->accept_language = FCGX_GetParam("HTTP_ACCEPT_LANGUAGE", f->envp);
	r->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", f->envp);
	r->lang = lang_negotiate(NULL, r->accept_language);
	r->method = parse_method(FCGX_GetParam("REQUEST_METHOD", f->envp));
	/* only a POST has its origin checked; a lookup walks every parameter */
	if (r->method == METHOD_POST) {
		r->origin = FCGX_GetParam("HTTP_ORIGIN", f->envp);
		r->fetch_site = FCGX_GetParam("HTTP_SEC_FETCH_SITE", f->envp);
	}

	if ((qs = FCGX_GetParam("QUERY_STRING", f->envp)) != NULL &&
	    (rc = req_parse_urlencoded(qs, strlen(qs), lim, &r->query)) != REQ_OK) {
		r->lang = lang_negotiate(raw_lang(qs), r->accept_language);
		return rc;
	}
	r->lang = lang_negotiate(kv_get(&r->query, "lang"), r->accept_language);
	rc = parse_path(FCGX_GetParam("REQUEST_URI", f->envp), lim, &r->path);
	if (rc != REQ_OK)
		return rc;
	rc = req_parse_cookies(FCGX_GetParam("HTTP_COOKIE", f->envp), lim,
	    &r->cookies);
	if (rc == REQ_OK && r->method == METHOD_POST)
		r->body_pending = 1;
	return rc;
}

enum req_status
req_read_form(struct req *r, const struct req_limits *lim)
{
	enum req_status rc;
	const char *ct;
	char *body = NULL;
	size_t blen = 0;

	if (!r->body_pending)
		return REQ_OK;
	r->body_pending = 0;
	ct = FCGX_GetParam("CONTENT_TYPE", r->fcgi->envp);
	if (lim->upload_path != NULL && strcmp(r->path, lim->upload_path) == 0 &&
	    ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		/* read only once the program knows who sends it */
		r->upload_pending = 1;
		return REQ_OK;
	}
	if ((rc = check_form_type(ct)) != REQ_OK)
		return rc;
	rc = req_read_body(FCGX_GetParam("CONTENT_LENGTH", r->fcgi->envp),
	    lim->body_max, fcgi_read, r->fcgi->in, &body, &blen);
	if (rc == REQ_OK)
		rc = req_parse_urlencoded(body, blen, lim, &r->form);
	free(body);
	return rc;
}

enum req_status
req_init(struct req *r, struct FCGX_Request *f, const struct req_limits *lim)
{
	enum req_status rc = req_begin(r, f, lim);

	return rc == REQ_OK ? req_read_form(r, lim) : rc;
}

enum req_status
req_read_upload(struct req *r, const struct req_limits *lim)
{
	const char *ct = FCGX_GetParam("CONTENT_TYPE", r->fcgi->envp);
	enum req_status rc;
	char *body = NULL;
	size_t blen = 0;

	if (!r->upload_pending)
		return REQ_OK;
	r->upload_pending = 0;
	rc = req_read_body(FCGX_GetParam("CONTENT_LENGTH", r->fcgi->envp),
	    lim->upload_max, fcgi_read, r->fcgi->in, &body, &blen);
	if (rc == REQ_OK)
		rc = req_parse_multipart(ct, body, blen, lim, &r->form,
		    &r->upload);
	free(body);
	return rc;
}

int
req_drain(struct FCGX_Request *f, size_t max)
{
	char sink[4096];
	size_t dropped = 0;
	int n;

	while (dropped <= max &&
	    (n = FCGX_GetStr(sink, (int)sizeof(sink), f->in)) > 0)
		dropped += (size_t)n;
	return FCGX_HasSeenEOF(f->in) == EOF && FCGX_GetError(f->in) == 0 &&
	    dropped <= max ? 0 : -1;
}

void
req_free(struct req *r)
{
	kv_free(&r->query);
	kv_free(&r->form);
	kv_free(&r->cookies);
	req_file_free(&r->upload);
	free(r->path);
	r->path = NULL;
	buf_free(&r->headers);
}

/* A header value: no control character but TAB (so no CR, LF or NUL). */
static int
header_value_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return 0;
	return 1;
}

int
resp_header(struct req *r, const char *name, const char *value)
{
	if (name == NULL || value == NULL || !is_token(name, strlen(name)) ||
	    !header_value_ok(value))
		return -1;
	for (size_t i = 0; i < sizeof(own_headers) / sizeof(own_headers[0]); i++)
		if (strcasecmp(name, own_headers[i]) == 0)
			return -1;
	buf_addf(&r->headers, "%s: %s\r\n", name, value);
	return 0;
}

/* Write s[0..len) to the stream; FCGX_PutStr takes an int. */
static int
put(FCGX_Stream *out, const char *s, size_t len)
{
	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (FCGX_PutStr(s, n, out) != n)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * 204 and 304 carry no body and no Content-Length; HEAD gets the headers a
 * GET would, without the body. A status outside 100..599 is a bug and is
 * sent as 500; one without a phrase in our table is sent bare, which
 * Apache completes.
 */
/* The status line and headers; length < 0: none (a streamed body). */
static void
resp_head(struct req *r, struct buf *h, int status, const char *content_type,
    long long length)
{
	const char *reason;
	int nobody = status == 204 || status == 304;

	if ((reason = status_reason(status)) != NULL)
		buf_addf(h, "Status: %d %s\r\n", status, reason);
	else
		buf_addf(h, "Status: %d\r\n", status);
	if (content_type != NULL && !nobody) {
		if (header_value_ok(content_type))
			buf_addf(h, "Content-Type: %s\r\n", content_type);
		else
			LOG_ERR("bad content type refused");
	}
	if (!nobody && length >= 0)
		buf_addf(h, "Content-Length: %lld\r\n", length);
	buf_adds(h, security_headers);
	if (r->headers.len > 0)
		buf_add(h, r->headers.data, r->headers.len);
	buf_adds(h, "\r\n");
	buf_reset(&r->headers);
}

void
resp_send(struct req *r, int status, const char *content_type,
    const char *body, size_t len)
{
	struct buf h = BUF_INIT;
	int nobody;

	if (r->sent) {
		LOG_ERR("response already sent");
		return;
	}
	if (status < 100 || status > 599) {
		LOG_ERR("bad status %d", status);
		status = 500;
	}
	if (body == NULL)
		len = 0;
	nobody = status == 204 || status == 304;
	resp_head(r, &h, status, content_type, (long long)len);
	if (put(r->fcgi->out, h.data, h.len) == -1 ||
	    (!nobody && r->method != METHOD_HEAD &&
	    put(r->fcgi->out, body, len) == -1))
		LOG_ERR("write failed");
	buf_free(&h);
	r->sent = 1;
}

void
resp_start(struct req *r, int status, const char *content_type)
{
	struct buf h = BUF_INIT;

	if (r->sent) {
		LOG_ERR("response already sent");
		return;
	}
	resp_head(r, &h, status, content_type, -1);
	if (put(r->fcgi->out, h.data, h.len) == -1)
		LOG_ERR("write failed");
	buf_free(&h);
	r->sent = 1;
}

int
resp_write(struct req *r, const char *data, size_t len)
{
	if (r->method == METHOD_HEAD)
		return 0;
	return put(r->fcgi->out, data, len);
}
