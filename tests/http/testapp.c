/*
 * testapp — a FastCGI program served only to the HTTP tests, never
 * installed: /test/fail fails on purpose (the 500 path through the real
 * server: a plain page with only the request id, and a log line with that
 * id), /test/form reports what the request layer parsed from a POST body.
 */
#include <stdio.h>

#include "app.h"
#include "buf.h"
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

static const struct route routes[] = {
	{ "/test/fail", METHOD_GET, 0, page_fail, 0 },
	{ "/test/form", METHOD_POST, 0, page_form, 0 },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "testapp",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		.db_mode = DB_READONLY,
	};

	return app_main(&a, argc, argv);
}
