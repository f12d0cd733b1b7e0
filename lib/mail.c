/* mail.c — see mail.h. */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "mail.h"

#define LINE_MAX_BYTES	998	/* RFC 5322 */
#define WAIT_MS		30000
#define WORD_BYTES	45	/* bytes of subject per encoded-word: 60 in base64 */

extern char **environ;

/* A plain address: local@domain of printable ASCII or UTF-8, nothing that separates or quotes. */
static int
address_ok(const char *a)
{
	const unsigned char *p = (const unsigned char *)a;
	const char *at;

	if (a == NULL || a[0] == '\0' || a[0] == '-' || strlen(a) > 254 ||
	    (at = strchr(a, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("\"(),:;<>[\\]", *p) != NULL)
			return 0;
	return 1;
}

/* No control characters at all (one-line header values). */
static int
line_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int
body_ok(const char *s)
{
	size_t line = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n') {
			line = 0;
			continue;
		}
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f ||
		    ++line > LINE_MAX_BYTES)
			return 0;
	}
	return 1;
}

static int
ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p >= 0x80)
			return 0;
	return 1;
}

/*
 * "Subject: " and s as RFC 2047 encoded-words, each of whole UTF-8
 * characters, folded one word per line.
 */
static void
subject_encoded(const char *s, struct buf *out)
{
	size_t n = strlen(s), i = 0;
	char b64[sodium_base64_ENCODED_LEN(WORD_BYTES + 4,
	    sodium_base64_VARIANT_ORIGINAL)];

	buf_adds(out, "Subject:");
	while (i < n) {
		size_t take = n - i > WORD_BYTES ? WORD_BYTES : n - i;

		/* do not split a character: back up over continuation bytes */
		while (i + take < n && take > 1 &&
		    ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i,
		    take, sodium_base64_VARIANT_ORIGINAL);
		buf_addf(out, "%s=?UTF-8?B?%s?=", i == 0 ? " " : "\n ", b64);
		i += take;
	}
	buf_addc(out, '\n');
}

int
mail_format(const struct mail *m, struct buf *out)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	unsigned char id[12];
	char idhex[25];
	time_t now = time(NULL);
	struct tm tm;

	if (!address_ok(m->from) || !address_ok(m->to) || m->subject == NULL ||
	    !line_ok(m->subject) || strlen(m->subject) > 500 || m->body == NULL ||
	    !body_ok(m->body))
		return -1;
	gmtime_r(&now, &tm);
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	buf_addf(out, "From: %s\nTo: %s\n", m->from, m->to);
	if (ascii(m->subject) && strlen(m->subject) < 900)
		buf_addf(out, "Subject: %s\n", m->subject);
	else
		subject_encoded(m->subject, out);
	buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_addf(out, "Message-ID: <%s%s>\n", idhex, strchr(m->from, '@'));
	buf_adds(out, "Auto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	buf_adds(out, m->body);
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		buf_addc(out, '\n');
	return 0;
}

/* Write all of s[0..n) to fd; 0 or -1. */
static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Wait for pid at most WAIT_MS, then kill it. Its exit status, or -1. */
static int
reap(pid_t pid)
{
	long waited = 0, step = 1;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= WAIT_MS) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			LOG_ERR("sendmail did not finish in %d s; killed",
			    WAIT_MS / 1000);
			return -1;
		}
		{
			struct timespec ts = { 0, step * 1000000L };

			nanosleep(&ts, NULL);
		}
		waited += step;
		if (step < 50)
			step *= 2;
	}
}

/*
 * Run "path -i -- to" with msg on its standard input and wait for it
 * (reap). Its exit status, -1 when it failed otherwise, -2 when it could
 * not be started (logged); *unread is set when it did not read all of msg.
 */
static int
deliver(const char *path, const char *to, const char *msg, size_t len,
    int *unread)
{
	int p[2];
	pid_t pid;

	*unread = 0;
	if (pipe(p) != 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0) {
		LOG_ERR("pipe: %s", strerror(errno));
		return -2;
	}
	if ((pid = fork()) < 0) {
		LOG_ERR("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -2;
	}
	if (pid == 0) {
		/* no shell: the program and fixed arguments; the address is one argv entry after "--" */
		char *const argv[] = { (char *)path, (char *)"-i", (char *)"--",
		    (char *)to, NULL };
		int null = open("/dev/null", O_RDWR);

		if (dup2(p[0], 0) < 0 || null < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		closefrom(3);
		signal(SIGPIPE, SIG_DFL);
		execve(path, argv, environ);
		_exit(127);
	}
	close(p[0]);
	/*
	 * A sendmail that exits without reading all of msg (it refused the
	 * address) must not end this process with SIGPIPE: the CLI's mail run
	 * keeps the default action, and died so, leaving the rest of the
	 * queue untried. Ignored for the write only; EPIPE is then "unread".
	 */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;

		sigemptyset(&ign.sa_mask);
		sigaction(SIGPIPE, &ign, &old);
		if (write_all(p[1], msg, len) != 0)
			*unread = 1;
		sigaction(SIGPIPE, &old, NULL);
	}
	close(p[1]);
	return reap(pid);
}

/* Read exactly n bytes; 0, or -1 on end of file or error. */
static int
read_all(int fd, void *dst, size_t n)
{
	char *d = dst;

	while (n > 0) {
		ssize_t r = read(fd, d, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The worker's end of the mail helper's socket; -1: none, deliver here. */
static int helper_fd = -1;

/* A message for the helper: the lengths, then path, to and the message. */
struct helper_head {
	uint32_t	path_len, to_len, msg_len;
};

struct helper_reply {
	int32_t		status, unread;
};

#define HELPER_MSG_MAX	((uint32_t)16 << 20)

/* The helper's loop: one message at a time until the worker has gone. */
static void
helper_loop(int fd)
{
	for (;;) {
		struct helper_head h;
		struct helper_reply rep;
		char *path, *to, *msg;
		int unread;

		if (read_all(fd, &h, sizeof(h)) != 0 || h.path_len > 4096 ||
		    h.to_len > 4096 || h.msg_len > HELPER_MSG_MAX)
			return;
		path = xcalloc(1, (size_t)h.path_len + 1);
		to = xcalloc(1, (size_t)h.to_len + 1);
		msg = xcalloc(1, (size_t)h.msg_len + 1);
		if (read_all(fd, path, h.path_len) != 0 ||
		    read_all(fd, to, h.to_len) != 0 ||
		    read_all(fd, msg, h.msg_len) != 0) {
			free(path);
			free(to);
			free(msg);
			return;
		}
		rep.status = deliver(path, to, msg, h.msg_len, &unread);
		rep.unread = unread;
		free(path);
		free(to);
		free(msg);
		if (write_all(fd, (const char *)&rep, sizeof(rep)) != 0)
			return;
	}
}

int
mail_helper_start(void)
{
	int sv[2], null;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		LOG_ERR("socketpair: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		LOG_ERR("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* nothing of the worker's but the log: not its socket */
		if (dup2(sv[1], 3) != 3 ||
		    (null = open("/dev/null", O_RDWR)) < 0 || dup2(null, 0) < 0)
			_exit(1);
		closefrom(4);
		signal(SIGTERM, SIG_DFL);
		helper_loop(3);
		_exit(0);
	}
	close(sv[1]);
	helper_fd = sv[0];
	return 0;
}

/* deliver, through the helper when there is one; -2 when it has gone. */
static int
deliver_via(const char *path, const char *to, const struct buf *msg,
    int *unread)
{
	struct helper_head h;
	struct helper_reply rep;

	if (helper_fd < 0)
		return deliver(path, to, msg->data, msg->len, unread);
	h.path_len = (uint32_t)strlen(path);
	h.to_len = (uint32_t)strlen(to);
	h.msg_len = (uint32_t)msg->len;
	*unread = 0;
	if (write_all(helper_fd, (const char *)&h, sizeof(h)) != 0 ||
	    write_all(helper_fd, path, h.path_len) != 0 ||
	    write_all(helper_fd, to, h.to_len) != 0 ||
	    write_all(helper_fd, msg->data, msg->len) != 0 ||
	    read_all(helper_fd, &rep, sizeof(rep)) != 0) {
		LOG_ERR("the mail helper has gone");
		close(helper_fd);
		helper_fd = -1;
		return -2;
	}
	*unread = rep.unread;
	return rep.status;
}

int
mail_send(const char *path, const struct mail *m)
{
	struct buf msg = BUF_INIT;
	int rc = -1, status, unread;

	if (path == NULL || mail_format(m, &msg) != 0) {
		LOG_ERR("refused to build a message (bad header value)");
		buf_free(&msg);
		return -1;
	}
	if (msg.len > HELPER_MSG_MAX) {
		LOG_ERR("refused to send a message of %zu bytes", msg.len);
		buf_free(&msg);
		return -1;
	}
	status = deliver_via(path, m->to, &msg, &unread);
	if (unread)
		LOG_ERR("sendmail did not read the message");
	if (status == 0)
		rc = 0;
	else if (status != -2)
		LOG_ERR("sendmail failed (status %d)", status);
	buf_free(&msg);
	return rc;
}
