/*
 * notice — the public privacy-notice executable: /notice.
 * Public and read-only: it opens the database read-only and links no
 * intranet write path.
 */
#include <stdio.h>

#include "app.h"
#include "buf.h"

static void
mailto(struct tmpl_map *m, const char *key, const char *email)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "mailto:%s", email);
	tm_str(m, key, b.data);
	buf_free(&b);
}

/* GET /notice: the notice page, in the request's language. */
static void
page_notice(struct app *a, struct req *r)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m), *c, *p;
	const struct conf *cf = &a->conf;

	c = tm_map(root, "controller");
	tm_str(c, "name", cf->controller_name);
	if (cf->controller_address)
		tm_str(c, "address", cf->controller_address);
	if (cf->controller_phone)
		tm_str(c, "phone", cf->controller_phone);
	tm_str(c, "email", cf->controller_email);
	mailto(c, "mailto", cf->controller_email);
	p = tm_map(root, "contact");
	if (cf->contact_name)
		tm_str(p, "name", cf->contact_name);
	if (cf->contact_phone)
		tm_str(p, "phone", cf->contact_phone);
	if (cf->contact_email) {
		tm_str(p, "email", cf->contact_email);
		mailto(p, "mailto", cf->contact_email);
	}
	resp_header(r, "Cache-Control", "no-cache");
	app_page(a, r, 200, "notice.xhtml", m);
}

static const struct route routes[] = {
	{ "/notice", METHOD_GET, 0, page_notice },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "notice",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		.db_mode = DB_READONLY,
	};

	return app_main(&a, argc, argv);
}
