/*
 * testapp — a FastCGI program served only to the HTTP tests, never
 * installed: /test/fail fails on purpose (the 500 path through the real
 * server: a plain page with only the request id, and a log line with that
 * id), /test/form reports what the request layer parsed from a POST body,
 * /test/leak leaves a transaction open and /test/read needs none to be
 * (the app layer's one error path rolls back what a handler left open).
 * /test/sandbox/... try what the sandbox (lib/sandbox.c) forbids: the
 * worker must be killed, or the file refused. These routes exist only
 * here: the production executables have no such door.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "log.h"

/* GET /test/fail: a handler that hits an internal error and answers nothing. */
static void
page_fail(struct app *a, struct req *r)
{
	(void)a;
	(void)r;
	LOG_ERR("failing on purpose: /etc/secret-internal-detail");
}

/* POST /test/form: "fields=N" and each key with its value's length. */
static void
page_form(struct app *a, struct req *r)
{
	struct buf b = BUF_INIT;

	(void)a;
	buf_addf(&b, "fields=%zu\n", r->form.n);
	for (size_t i = 0; i < r->form.n; i++)
		buf_addf(&b, "%zu:%zu\n", i, r->form.v[i].vlen);
	resp_send(r, 200, "text/plain; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

/* GET /test/leak: begins a transaction, answers, and forgets to end it. */
static void
page_leak(struct app *a, struct req *r)
{
	static const char ok[] = "left open\n";

	if (db_begin_read(a->db) != 0 || sqlite3_exec(a->db,
	    "SELECT count(*) FROM settings", NULL, NULL, NULL) != SQLITE_OK) {
		app_error(a, r, 500);
		return;
	}
	resp_send(r, 200, "text/plain; charset=utf-8", ok, sizeof(ok) - 1);
}

/* GET /test/read: a transaction of its own, which fails inside another. */
static void
page_read(struct app *a, struct req *r)
{
	static const char ok[] = "read\n";

	if (db_begin_read(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	db_rollback(a->db);
	resp_send(r, 200, "text/plain; charset=utf-8", ok, sizeof(ok) - 1);
}

/* GET /test/sandbox/status: what this worker runs under. */
static void
page_sb_status(struct app *a, struct req *r)
{
	struct buf b = BUF_INIT;

	(void)a;
	buf_addf(&b, "seccomp=%d\nlandlock=%d\n", sandbox_seccomp_active(),
	    sandbox_landlock_abi());
	resp_send(r, 200, "text/plain; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

/* GET /test/sandbox/execve: a shell; the seccomp filter kills the worker. */
static void
page_sb_execve(struct app *a, struct req *r)
{
	static const char ran[] = "execve returned\n";
	char *const argv[] = { (char *)"/bin/true", NULL };

	(void)a;
	execve(argv[0], argv, NULL);
	resp_send(r, 200, "text/plain; charset=utf-8", ran, sizeof(ran) - 1);
}

/* GET /test/sandbox/inet: a network socket; likewise killed. */
static void
page_sb_inet(struct app *a, struct req *r)
{
	static const char ran[] = "socket returned\n";
	int fd;

	(void)a;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
		close(fd);
	resp_send(r, 200, "text/plain; charset=utf-8", ran, sizeof(ran) - 1);
}

/*
 * GET /test/sandbox/listen: a Unix socket, which a worker may make (to
 * reach its writer), listened on, which only the writer may; likewise
 * killed.
 */
static void
page_sb_listen(struct app *a, struct req *r)
{
	static const char ran[] = "listen returned\n";
	int fd;

	(void)a;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0) {
		(void)listen(fd, 1);
		close(fd);
	}
	resp_send(r, 200, "text/plain; charset=utf-8", ran, sizeof(ran) - 1);
}

/* GET /test/sandbox/passwd: a file outside the worker's view (Landlock). */
static void
page_sb_passwd(struct app *a, struct req *r)
{
	struct buf b = BUF_INIT;
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	(void)a;
	buf_addf(&b, "%s\n", fd >= 0 ? "opened" : errno == EACCES ?
	    "denied" : "failed");
	if (fd >= 0)
		close(fd);
	resp_send(r, 200, "text/plain; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static const struct route routes[] = {
	{ "/test/sandbox/status", METHOD_GET, 0, page_sb_status, 0, 0 },
	{ "/test/sandbox/execve", METHOD_GET, 0, page_sb_execve, 0, 0 },
	{ "/test/sandbox/inet", METHOD_GET, 0, page_sb_inet, 0, 0 },
	{ "/test/sandbox/listen", METHOD_GET, 0, page_sb_listen, 0, 0 },
	{ "/test/sandbox/passwd", METHOD_GET, 0, page_sb_passwd, 0, 0 },
	{ "/test/leak", METHOD_GET, 0, page_leak, 0, 0 },
	{ "/test/read", METHOD_GET, 0, page_read, 0, 0 },
	{ "/test/fail", METHOD_GET, 0, page_fail, 0, 0 },
	{ "/test/form", METHOD_POST, 0, page_form, 0, 0 },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "testapp",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		/* read-write: read-only, its first BEGIN failed now and then
		 * ("out of memory" from the WAL index) when it ran before any
		 * writer had opened the fresh database, and /test/leak must not
		 * depend on which executable starts first */
		.db_mode = DB_READWRITE,
		/* the writers' profile, which the test routes above break */
		.sandbox = SANDBOX_INTRANET,
		/* as the request form's workers: each thread its own sandbox */
		.threads = 2,
	};

	return app_main(&a, argc, argv);
}
