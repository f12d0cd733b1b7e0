/*
 * test_fcgi_keep.c — FastCGI connection reuse (#15): requests sent one
 * after another on ONE connection with FCGI_KEEP_CONN, as mod_proxy_fcgi's
 * enablereuse and nginx's fastcgi_keep_conn send them, straight to a
 * worker's socket. GETs, POSTs whose body is read, POSTs whose body is
 * never read (405, 404, 415, a body over the limit: 413) and a body in
 * several FCGI_STDIN records, mixed; every answer must be complete and
 * exact and the connection must stay open and in step. Before the workers
 * read the rest of FCGI_STDIN (lib/req.c req_drain), the second request on
 * a connection was taken for a protocol error and the connection dropped
 * (bench/README.md).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

/* FastCGI 1.0 record types and flags (the specification, section 8). */
enum {
	FCGI_BEGIN_REQUEST = 1, FCGI_END_REQUEST = 3, FCGI_PARAMS = 4,
	FCGI_STDIN = 5, FCGI_STDOUT = 6, FCGI_STDERR = 7,
	FCGI_RESPONDER = 1, FCGI_KEEP_CONN = 1,
};

/* A connection to exe's socket in the test's state. */
static int
fcgi_connect(const char *exe)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path),
	    "%s/run/%s.sock", getenv("REKISTERI_STATE"), exe) <
	    sizeof(sa.sun_path));
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fail_msg("connect %s: %s", sa.sun_path, strerror(errno));
	return fd;
}

/* Append one record of type with len bytes of content (len <= 65535). */
static void
record(struct buf *b, int type, const void *content, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	buf_add(b, h, sizeof(h));
	if (len > 0)
		buf_add(b, content, len);
}

/* Append a name-value pair to a PARAMS stream (short names, values < 2^31). */
static void
param(struct buf *p, const char *name, const char *value)
{
	size_t vl = strlen(value);
	unsigned char n[5];

	n[0] = (unsigned char)strlen(name);
	buf_add(p, n, 1);
	if (vl < 128) {
		n[0] = (unsigned char)vl;
		buf_add(p, n, 1);
	} else {
		n[0] = (unsigned char)(0x80 | (vl >> 24));
		n[1] = (unsigned char)(vl >> 16);
		n[2] = (unsigned char)(vl >> 8);
		n[3] = (unsigned char)vl;
		buf_add(p, n, 4);
	}
	buf_adds(p, name);
	buf_adds(p, value);
}

/* Write all of b to fd. */
static void
write_all(int fd, const struct buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n <= 0)
			fail_msg("write: %s", strerror(errno));
		off += (size_t)n;
	}
}

/* Read exactly n bytes; -1 when the connection ends first. */
static int
read_all(int fd, unsigned char *dst, size_t n)
{
	while (n > 0) {
		ssize_t got = read(fd, dst, n);

		if (got <= 0)
			return -1;
		dst += got;
		n -= (size_t)got;
	}
	return 0;
}

/*
 * Send method uri (type and body for a POST) as request id 1 with
 * FCGI_KEEP_CONN, and read its FCGI_STDOUT into out up to FCGI_END_REQUEST.
 * Fails the test when the connection ends before the end of the answer.
 */
static void
ask(int fd, const char *method, const char *uri, const char *type,
    const char *body, size_t len, struct buf *out)
{
	static const unsigned char begin[8] = { 0, FCGI_RESPONDER,
	    FCGI_KEEP_CONN };
	struct buf req = BUF_INIT, p = BUF_INIT;
	char clen[24];
	size_t off;

	param(&p, "REQUEST_METHOD", method);
	param(&p, "REQUEST_URI", uri);
	param(&p, "SCRIPT_NAME", "");
	param(&p, "SERVER_PROTOCOL", "HTTP/1.1");
	param(&p, "REMOTE_ADDR", "127.0.0.1");
	param(&p, "HTTP_HOST", "127.0.0.1");
	if (type != NULL) {
		snprintf(clen, sizeof(clen), "%zu", len);
		param(&p, "CONTENT_TYPE", type);
		param(&p, "CONTENT_LENGTH", clen);
	}
	record(&req, FCGI_BEGIN_REQUEST, begin, sizeof(begin));
	record(&req, FCGI_PARAMS, p.data, p.len);
	record(&req, FCGI_PARAMS, NULL, 0);
	for (off = 0; off < len; off += 65535)
		record(&req, FCGI_STDIN, body + off,
		    len - off > 65535 ? 65535 : len - off);
	record(&req, FCGI_STDIN, NULL, 0);
	write_all(fd, &req);
	buf_free(&req);
	buf_free(&p);

	buf_reset(out);
	for (;;) {
		unsigned char h[8], c[65535 + 255];
		size_t clen_, plen;

		if (read_all(fd, h, sizeof(h)) != 0)
			fail_msg("%s %s: the connection ended before the answer did",
			    method, uri);
		assert_int_equal(h[0], 1);
		assert_int_equal((h[2] << 8) | h[3], 1);
		clen_ = (size_t)((h[4] << 8) | h[5]);
		plen = h[6];
		assert_int_equal(read_all(fd, c, clen_ + plen), 0);
		if (h[1] == FCGI_STDOUT) {
			buf_add(out, c, clen_);
		} else if (h[1] == FCGI_END_REQUEST) {
			assert_int_equal(clen_, 8);
			assert_int_equal(c[4], 0);	/* FCGI_REQUEST_COMPLETE */
			return;
		} else if (h[1] != FCGI_STDERR) {
			fail_msg("%s %s: record type %d", method, uri, h[1]);
		}
	}
}

/* Fail unless the answer in out has status and (when body is not NULL) exactly body. */
static void
assert_answer(struct buf *out, const char *what, int status,
    const char *body)
{
	const char *s = buf_cstr(out), *end = strstr(s, "\r\n\r\n");
	char want[32];

	snprintf(want, sizeof(want), "Status: %d", status);
	if (end == NULL || strncmp(s, want, strlen(want)) != 0)
		fail_msg("%s: not \"%s\": %.60s", what, want, s);
	if (body != NULL && strcmp(end + 4, body) != 0)
		fail_msg("%s: body \"%s\", not \"%s\"", what, end + 4, body);
}

static void
mixed_requests_on_one_connection(void **st)
{
	static const char form[] = "application/x-www-form-urlencoded";
	struct buf out = BUF_INIT;
	size_t big = 100 * 1024;	/* over the 64 KiB body limit */
	char *large = malloc(big);
	static char full[65536];
	int fd = fcgi_connect("testapp");

	(void)st;
	assert_non_null(large);
	memset(large, 'a', big);
	large[0] = 'k', large[1] = '=';
	/* 64 KiB, the limit: five fields (values up to 16 KiB each) */
	for (size_t i = 0, at = 0; i < 5; i++) {
		size_t vl = i < 4 ? 13104 : 13106;

		if (i > 0)
			full[at++] = '&';
		full[at++] = 'f', full[at++] = '=';
		memset(full + at, 'b', vl);
		at += vl;
		assert_true(at <= sizeof(full));
		if (i == 4)
			assert_int_equal(at, sizeof(full));
	}

	for (int round = 0; round < 2; round++) {
		ask(fd, "GET", "/test/read", NULL, NULL, 0, &out);
		assert_answer(&out, "GET", 200, "read\n");
		ask(fd, "POST", "/test/form", form, "a=1&bb=22", 9, &out);
		assert_answer(&out, "POST read", 200, "fields=2\n0:1\n1:2\n");
		/* bodies nobody reads: a GET-only route, no route, a bad type */
		ask(fd, "POST", "/test/read", form, "x=1&y=2", 7, &out);
		assert_answer(&out, "POST to a GET route", 405, NULL);
		ask(fd, "POST", "/test/nowhere", form, "x=1", 3, &out);
		assert_answer(&out, "POST to no route", 404, NULL);
		ask(fd, "POST", "/test/form", "text/plain", "a=1", 3, &out);
		assert_answer(&out, "POST text/plain", 415, NULL);
		ask(fd, "GET", "/test/read", NULL, NULL, 0, &out);
		assert_answer(&out, "GET after unread bodies", 200, "read\n");
		/* over the limit, in two FCGI_STDIN records, never read */
		ask(fd, "POST", "/test/form", form, large, big, &out);
		assert_answer(&out, "POST over the limit", 413, NULL);
		/* exactly the limit, in two records: read whole */
		ask(fd, "POST", "/test/form", form, full, 65536, &out);
		assert_answer(&out, "POST of 65536 bytes", 200, "fields=5\n"
		    "0:13104\n1:13104\n2:13104\n3:13104\n4:13106\n");
		ask(fd, "POST", "/test/form", form, "k=v", 3, &out);
		assert_answer(&out, "POST after a large one", 200,
		    "fields=1\n0:1\n");
	}
	close(fd);
	free(large);
	buf_free(&out);
}

/* The real executables keep a connection too: the notice and the request form. */
static void
real_executables_keep_the_connection(void **st)
{
	static const char form[] = "application/x-www-form-urlencoded";
	struct buf out = BUF_INIT, first = BUF_INIT;
	int fd = fcgi_connect("notice");

	(void)st;
	ask(fd, "GET", "/notice", NULL, NULL, 0, &first);
	assert_answer(&first, "notice", 200, NULL);
	ask(fd, "POST", "/notice", form, "a=1", 3, &out);
	assert_answer(&out, "POST notice", 405, NULL);
	ask(fd, "GET", "/notice", NULL, NULL, 0, &out);
	assert_answer(&out, "notice again", 200, NULL);
	assert_string_equal(strstr(buf_cstr(&out), "\r\n\r\n"),
	    strstr(buf_cstr(&first), "\r\n\r\n"));
	close(fd);

	fd = fcgi_connect("request");
	ask(fd, "GET", "/request/verify", NULL, NULL, 0, &out);
	assert_answer(&out, "verify page", 200, NULL);
	ask(fd, "POST", "/request", form, "x=1", 3, &out);
	assert_answer(&out, "a form without its token", 400, NULL);
	ask(fd, "GET", "/request/verify", NULL, NULL, 0, &out);
	assert_answer(&out, "verify page again", 200, NULL);
	close(fd);
	buf_free(&first);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mixed_requests_on_one_connection),
		cmocka_unit_test(real_executables_keep_the_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
