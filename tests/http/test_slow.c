/*
 * test_slow.c — slow clients through the real server (#18, item 1). Twenty
 * connections on each executable announce a form body and send it a byte
 * a second; meanwhile GET /notice, a form POST and the sign-in page must
 * answer within a second each, and the stalled connections must be cut
 * off by the server's read timeouts. An executable refuses a method or a
 * path it does not route before it reads any of a body, on its own
 * FastCGI socket. Loopback only; every socket it opens it closes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "http.h"

#define SLOW_PER_EXE	20
#define NSLOW		(3 * SLOW_PER_EXE)	/* slow bodies */
#define NHEAD		5			/* and slow headers */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A TCP connection to the server under test (127.0.0.1:PORT of REKISTERI_BASE_URL). */
static int
connect_server(void)
{
	const char *base = getenv("REKISTERI_BASE_URL"), *colon;
	struct sockaddr_in sa;
	int fd;

	assert_non_null(base);
	colon = strrchr(base, ':');
	assert_non_null(colon);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/*
 * One request with a one-second limit: its status (-1 when it did not
 * answer in time) and, in *took, the seconds it took.
 */
static long
probe(const char *method, const char *path, const char *body, double *took)
{
	char url[512];
	long status = -1;
	double t0 = now_s();
	CURL *c;

	snprintf(url, sizeof(url), "%s%s", getenv("REKISTERI_BASE_URL"), path);
	c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	*took = now_s() - t0;
	return status;
}

/* Send one byte of a body; a connection the server closed is fine. */
static void
trickle(int fd)
{
	if (fd >= 0)
		(void)send(fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* 1 when the server has answered or closed fd (read would not block), else 0. */
static int
server_done(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1;
}

/*
 * Twenty slow bodies on each executable (the notice has no POST route at
 * all, the request form and the sign-in do) and a few requests whose
 * headers never end, then for four seconds the pages every visitor needs,
 * each within a second; then, within 14 s of their start, the server has
 * cut off every stalled connection. nginx has no minimum rate for a body
 * (client_body_timeout is the longest wait between two reads), so behind
 * it the trickling bodies stay open: they hold a connection of nginx's,
 * never an executable's worker (the answers above prove it), and only the
 * stalled headers must have been cut off (docs/deployment.md).
 */
static void
slow_bodies_hold_no_worker(void **st)
{
	static const char *const targets[3] = {
		"/notice", "/request/verify", "/intranet/login"
	};
	int fd[NSLOW + NHEAD];
	double t0, took, worst = 0;
	/* the first connection the server must cut off */
	int first = http_behind_nginx() ? NSLOW : 0;
	int open_left;

	(void)st;
	for (int i = 0; i < NSLOW; i++) {
		char head[512];
		int n;

		fd[i] = connect_server();
		n = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\n"
		    "Content-Type: application/x-www-form-urlencoded\r\n"
		    "Content-Length: 60000\r\n\r\ncode=", targets[i % 3]);
		assert_int_equal(send(fd[i], head, (size_t)n, MSG_NOSIGNAL), n);
	}
	for (int i = NSLOW; i < NSLOW + NHEAD; i++) {
		static const char head[] = "GET /notice HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

		fd[i] = connect_server();
		assert_int_equal(send(fd[i], head, sizeof(head) - 1, MSG_NOSIGNAL),
		    (ssize_t)sizeof(head) - 1);
	}
	t0 = now_s();
	pause_ms(500);	/* time for them to reach whatever they reach */
	while (now_s() - t0 < 4.5) {
		static const struct {
			const char	*method, *path, *body;
		} pages[] = {
			{ "GET", "/notice", NULL },
			{ "POST", "/request/verify", "code=TS-2026-000001.x" },
			{ "GET", "/intranet/login", NULL },
		};

		for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			long status = probe(pages[i].method, pages[i].path,
			    pages[i].body, &took);

			if (status != 200)
				fail_msg("%s %s beside %d slow clients: %s after "
				    "%.2f s", pages[i].method, pages[i].path, NSLOW,
				    status < 0 ? "no answer" : "not 200", took);
			if (took > worst)
				worst = took;
		}
		for (int i = 0; i < NSLOW + NHEAD; i++)
			trickle(fd[i]);
		pause_ms(300);
	}
	print_message("slowest answer beside %d slow clients: %.3f s\n", NSLOW,
	    worst);
	/* the read timeouts end the stalled ones (10 s for headers or a body) */
	do {
		open_left = 0;
		for (int i = 0; i < NSLOW + NHEAD; i++) {
			if (fd[i] < 0)
				continue;
			if (server_done(fd[i])) {
				close(fd[i]);
				fd[i] = -1;
			} else {
				trickle(fd[i]);
				open_left += i >= first;
			}
		}
		if (open_left > 0)
			pause_ms(1000);
	} while (open_left > 0 && now_s() - t0 < 14);
	print_message("stalled connections cut off after %.1f s\n", now_s() - t0);
	for (int i = 0; i < NSLOW + NHEAD; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	assert_int_equal(open_left, 0);
}

/* ---- straight to an executable's FastCGI socket ------------------------- */

static void
fcgi_record(struct buf *b, int type, const void *data, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	buf_add(b, (const char *)h, sizeof(h));
	buf_add(b, data, len);
}

static void
fcgi_param(struct buf *b, const char *name, const char *value)
{
	unsigned char n = (unsigned char)strlen(name), v = (unsigned char)strlen(value);

	buf_add(b, (const char *)&n, 1);
	buf_add(b, (const char *)&v, 1);
	buf_add(b, name, n);
	buf_add(b, value, v);
}

/*
 * Send a POST of path to the executable name's socket announcing 60,000
 * bytes, send three of them and no more, and collect what it answers
 * within a second into out (its FastCGI stdout). 1 when it ended the
 * request in time, 0 when it was still waiting for the body.
 */
static int
fcgi_post_stalled(const char *name, const char *path, struct buf *out)
{
	static const unsigned char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	struct sockaddr_un sa;
	struct buf rec = BUF_INIT, params = BUF_INIT, in = BUF_INIT;
	double t0;
	int fd, ended = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/run/%s.sock",
	    getenv("REKISTERI_STATE"), name);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fcgi_record(&rec, 1, begin, sizeof(begin));	/* FCGI_BEGIN_REQUEST, responder */
	fcgi_param(&params, "REQUEST_METHOD", "POST");
	fcgi_param(&params, "REQUEST_URI", path);
	fcgi_param(&params, "SCRIPT_NAME", path);
	fcgi_param(&params, "QUERY_STRING", "");
	fcgi_param(&params, "REMOTE_ADDR", "127.0.0.1");
	fcgi_param(&params, "CONTENT_TYPE", "application/x-www-form-urlencoded");
	fcgi_param(&params, "CONTENT_LENGTH", "60000");
	fcgi_record(&rec, 4, params.data, params.len);	/* FCGI_PARAMS */
	fcgi_record(&rec, 4, "", 0);
	fcgi_record(&rec, 5, "a=1", 3);			/* FCGI_STDIN, unfinished */
	assert_int_equal(send(fd, rec.data, rec.len, MSG_NOSIGNAL),
	    (ssize_t)rec.len);
	t0 = now_s();
	while (!ended && now_s() - t0 < 1.0) {
		struct pollfd p = { fd, POLLIN, 0 };
		char chunk[4096];
		ssize_t n;

		if (poll(&p, 1, 100) != 1)
			continue;
		if ((n = recv(fd, chunk, sizeof(chunk), 0)) <= 0)
			break;
		buf_add(&in, chunk, (size_t)n);
		/* walk the records: stdout into out, FCGI_END_REQUEST ends */
		for (;;) {
			const unsigned char *h = (const unsigned char *)in.data;
			size_t clen, total;

			if (in.len < 8)
				break;
			clen = (size_t)h[4] << 8 | h[5];
			total = 8 + clen + h[6];
			if (in.len < total)
				break;
			if (h[1] == 6)
				buf_add(out, in.data + 8, clen);
			else if (h[1] == 3)
				ended = 1;
			memmove(in.data, in.data + total, in.len - total);
			in.len -= total;
		}
	}
	close(fd);
	buf_free(&rec);
	buf_free(&params);
	buf_free(&in);
	buf_cstr(out);
	return ended;
}

static void
unrouted_refused_before_body(void **st)
{
	static const struct {
		const char	*exe, *path, *status, *allow;
	} t[] = {
		{ "notice", "/notice", "Status: 405", "Allow: GET, HEAD\r\n" },
		{ "request", "/request/key", "Status: 405", "Allow: GET, HEAD\r\n" },
		{ "request", "/request/nowhere", "Status: 404", NULL },
		{ "intranet", "/intranet/", "Status: 405", "Allow: GET, HEAD\r\n" },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf out = BUF_INIT;

		if (!fcgi_post_stalled(t[i].exe, t[i].path, &out))
			fail_msg("%s: POST %s waited for its body", t[i].exe,
			    t[i].path);
		if (strstr(out.data, t[i].status) == NULL ||
		    (t[i].allow != NULL && strstr(out.data, t[i].allow) == NULL))
			fail_msg("%s: POST %s answered:\n%s", t[i].exe, t[i].path,
			    out.data);
		buf_free(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unrouted_refused_before_body),
		cmocka_unit_test(slow_bodies_hold_no_worker),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
