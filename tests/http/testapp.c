/*
 * testapp — a FastCGI program served only to the HTTP tests, never
 * installed: /test/fail fails on purpose (the 500 path through the real
 * server: a plain page with only the request id, and a log line with that
 * id), /test/form reports what the request layer parsed from a POST body,
 * /test/leak leaves a transaction open and /test/read needs none to be
 * (the app layer's one error path rolls back what a handler left open).
 */
#include <stdio.h>

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

static const struct route routes[] = {
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
	};

	return app_main(&a, argc, argv);
}
