/*
 * frommem — the baseline for bench/notice.sh: a FastCGI executable built
 * like cgi-bin/notice.c (app_main, a routing table, req_init, resp_send) whose
 * one route, GET /bench-mem, answers with bytes loaded at start-up.
 *
 * The bytes come from the file named by $REKISTERI_BENCH_BODY, else from
 * bench-notice.html in the folder of the configured database (the state
 * folder of `make run` and of bench/notice.sh). Each worker reads it in the
 * app's init hook; a missing or empty file fails start-up.
 *
 *   spawn-fcgi -n -s SOCK -- frommem -c CONF -w N
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "log.h"

static struct buf body = BUF_INIT;

static void
page_mem(struct app *a, struct req *r)
{
	(void)a;
	resp_send(r, 200, "text/html; charset=utf-8", body.data, body.len);
}

static int
frommem_init(struct app *a)
{
	const char *env = getenv("REKISTERI_BENCH_BODY");
	struct buf path = BUF_INIT;
	char chunk[8192];
	const char *slash;
	size_t n;
	FILE *fp;

	if (env != NULL && env[0] != '\0') {
		buf_adds(&path, env);
	} else {
		slash = strrchr(a->conf.db_path, '/');
		if (slash != NULL)
			buf_addf(&path, "%.*s/", (int)(slash - a->conf.db_path),
			    a->conf.db_path);
		buf_adds(&path, "bench-notice.html");
	}
	if ((fp = fopen(path.data, "rb")) == NULL) {
		LOG_ERR("%s: %s", path.data, strerror(errno));
		buf_free(&path);
		return -1;
	}
	buf_reset(&body);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&body, chunk, n);
	if (ferror(fp) || body.len == 0) {
		LOG_ERR("%s: cannot read or empty", path.data);
		fclose(fp);
		buf_free(&path);
		return -1;
	}
	fclose(fp);
	buf_free(&path);
	return 0;
}

static void
frommem_fini(struct app *a)
{
	(void)a;
	buf_free(&body);
}

static const struct route routes[] = {
	{ .path = "/bench-mem", .methods = METHOD_GET, .fn = page_mem },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "frommem",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		.db_mode = DB_READONLY,
		.init = frommem_init,
		.fini = frommem_fini,
	};

	return app_main(&a, argc, argv);
}
