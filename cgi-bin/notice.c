/*
 * notice — the public privacy notice: /notice, /notice.json,
 * /notice/versions. Public and read-only: it opens the database read-only
 * and links no write path (lib/notice.c, never lib/notice_edit.c).
 *
 * The notice is the hottest public page, and a published version never
 * changes: pages are rendered once per (version, language, kind) and kept
 * in the process with an ETag. Per request the only database work is
 * PRAGMA data_version, which changes when another connection commits (a new
 * version published); then the cache is dropped.
 *
 * The notice shows the ticket-signing key's fingerprint. Only the public
 * keys are loaded, again whenever the key folder changes (rekisteri keygen,
 * key rotate), which drops the cache too.
 *
 * The supervisory authority's details (GDPR Art. 13(2)(d): the right to
 * complain, Art. 77) come from DATA/authority.xml, read at start-up: a
 * worker that cannot read them does not start (restart after changing it).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "authority.h"
#include "buf.h"
#include "fmt.h"
#include "log.h"
#include "notice.h"
#include "validate.h"
#include "view_notice.h"
#include "ticket.h"

enum kind {
	KIND_PAGE,
	KIND_JSON,
	KIND_VERSIONS,
	KIND_PRINT_CSS,
	KIND__MAX
};

struct page {
	int		 used;
	enum kind	 kind;
	int		 number;	/* version; 0 for the versions list */
	enum lang	 lang;
	struct buf	 body;
	char		 etag[40];
};

#define CACHE_MAX 32

static struct page cache[CACHE_MAX];
static size_t cache_next;
static sqlite3_stmt *data_version;
static int seen_version = -1;
static int latest;	/* newest published version, valid with the cache */
static const char *key_dir;
static struct timespec keys_seen;	/* the key folder's mtime when read */
static int keys_read;
static char fingerprint[128];	/* the current key's, "" for none */
static struct authority *authority;	/* the Ombudsman's details */

static void keys_check(void);

static void
cache_clear(void)
{
	for (size_t i = 0; i < CACHE_MAX; i++) {
		buf_free(&cache[i].body);
		cache[i].used = 0;
	}
	cache_next = 0;
}

/*
 * Drop everything when the database changed since the last request (a
 * version was published). Returns -1 on a database error.
 */
static int
cache_check(void)
{
	int v;

	keys_check();
	if (sqlite3_step(data_version) != SQLITE_ROW) {
		sqlite3_reset(data_version);
		return -1;
	}
	v = sqlite3_column_int(data_version, 0);
	sqlite3_reset(data_version);
	if (v != seen_version) {
		cache_clear();
		if ((latest = notice_latest()) < 0)
			return -1;
		seen_version = v;
	}
	return 0;
}

/*
 * The current key's fingerprint, read again when the key folder changed
 * since it was last read; a new one drops the cached pages.
 */
static void
keys_check(void)
{
	struct ticket_keys *k;
	struct stat sb;
	char err[256], fp[sizeof(fingerprint)] = "";

	if (stat(key_dir, &sb) == 0) {
		if (keys_read && sb.st_mtim.tv_sec == keys_seen.tv_sec &&
		    sb.st_mtim.tv_nsec == keys_seen.tv_nsec)
			return;
		keys_seen = sb.st_mtim;
		if ((k = ticket_keys_load(key_dir, 0, err, sizeof(err))) != NULL) {
			if (ticket_keys_current(k)[0] == '\0' ||
			    ticket_keys_fingerprint(k, NULL, fp, sizeof(fp)) != 0)
				fp[0] = '\0';
			ticket_keys_free(k);
		}
	}
	keys_read = 1;
	if (strcmp(fp, fingerprint) != 0) {
		memcpy(fingerprint, fp, sizeof(fingerprint));
		cache_clear();
	}
}

static struct page *
cache_find(enum kind k, int number, enum lang lang)
{
	for (size_t i = 0; i < CACHE_MAX; i++)
		if (cache[i].used && cache[i].kind == k &&
		    cache[i].number == number && cache[i].lang == lang)
			return &cache[i];
	return NULL;
}

/* A slot for a new page; the oldest goes when all are used. */
static struct page *
cache_slot(enum kind k, int number, enum lang lang)
{
	struct page *p = &cache[cache_next];

	cache_next = (cache_next + 1) % CACHE_MAX;
	buf_reset(&p->body);
	p->used = 1;
	p->kind = k;
	p->number = number;
	p->lang = lang;
	return p;
}

/* A strong ETag from the bytes: BLAKE2b, 16 hex digits. */
static void
page_seal(struct page *p)
{
	unsigned char h[8];
	char hex[17];

	crypto_generichash(h, sizeof(h), (const unsigned char *)p->body.data,
	    p->body.len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(p->etag, sizeof(p->etag), "\"%s\"", hex);
}

/* Send a cached page, or 304 when the browser has it already. */
static void
page_send(struct req *r, const struct page *p, const char *type,
    const char *cache_control)
{
	resp_header(r, "ETag", p->etag);
	resp_header(r, "Cache-Control", cache_control);
	resp_header(r, "Vary", "Accept-Language");
	if (r->if_none_match != NULL && strstr(r->if_none_match, p->etag) != NULL) {
		resp_send(r, 304, NULL, NULL, 0);
		return;
	}
	resp_send(r, 200, type, p->body.data, p->body.len);
}

/*
 * ?version=N: 0 when absent (the newest), N for a published version, -1
 * when it is malformed or not published (answered 404).
 */
static int
version_param(const struct req *r)
{
	const char *v = kv_get(&r->query, "version");
	long long n;

	if (v == NULL)
		return latest;
	if (kv_count(&r->query, "version") != 1 ||
	    val_int(v, 1, INT_MAX, &n) != NULL || !notice_exists((int)n))
		return -1;
	return (int)n;
}

static const struct notice_urls live = { 0, NULL };

/* Render template name for r into p, with the links every notice page has. */
static int
render(struct app *a, struct req *r, struct page *p, const char *name,
    struct tmpl_model *m)
{
	struct tmpl_map *root = tm_root(m);
	const struct tmpl *t = tmpl_get(a->tmpl, name, r->lang);

	if (t == NULL)
		return -1;
	tm_str(root, "lang", lang_codes[r->lang]);
	tm_str(root, "lang_other", lang_codes[r->lang == LANG_FI ? LANG_EN :
	    LANG_FI]);
	notice_links(root, &live, r->lang, p->number, latest);
	authority_fill(authority, r->lang, tm_map(root, "authority"));
	if (fingerprint[0] != '\0')
		tm_str(tm_map(root, "key"), "fingerprint", fingerprint);
	tmpl_render(t, root, &p->body);
	page_seal(p);
	return 0;
}

/* GET /notice[?version=N][&lang=fi|en] */
static void
page_notice(struct app *a, struct req *r)
{
	struct page *p;
	struct tmpl_model *m;
	int number;

	if (cache_check() != 0) {
		app_error(a, r, 500);
		return;
	}
	if (latest == 0) {
		resp_header(r, "Cache-Control", "no-cache");
		app_page(a, r, 200, "notice-none.xhtml", tm_new());
		return;
	}
	if ((number = version_param(r)) < 0) {
		app_error(a, r, 404);
		return;
	}
	if ((p = cache_find(KIND_PAGE, number, r->lang)) == NULL) {
		p = cache_slot(KIND_PAGE, number, r->lang);
		m = tm_new();
		if (notice_fill(number, r->lang, tm_root(m)) != 0 ||
		    render(a, r, p, "notice.xhtml", m) != 0) {
			LOG_ERR("cannot render version %d", number);
			p->used = 0;
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		tm_free(m);
	}
	page_send(r, p, "text/html; charset=utf-8", kv_get(&r->query,
	    "version") ? "public, max-age=86400" : "no-cache");
}

/* GET /notice/versions */
static void
page_versions(struct app *a, struct req *r)
{
	struct page *p;
	struct tmpl_model *m;

	if (cache_check() != 0) {
		app_error(a, r, 500);
		return;
	}
	if ((p = cache_find(KIND_VERSIONS, 0, r->lang)) == NULL) {
		p = cache_slot(KIND_VERSIONS, 0, r->lang);
		m = tm_new();
		if (notice_fill_versions(&live, r->lang, tm_root(m)) != 0 ||
		    render(a, r, p, "notice-versions.xhtml", m) != 0) {
			p->used = 0;
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		tm_free(m);
	}
	page_send(r, p, "text/html; charset=utf-8", "no-cache");
}

/* GET /notice.json[?version=N]: docs/notice-json.md */
static void
page_json(struct app *a, struct req *r)
{
	struct page *p;
	int number;

	if (cache_check() != 0) {
		app_error(a, r, 500);
		return;
	}
	if (latest == 0 || (number = version_param(r)) < 0) {
		static const char none[] = "{\"error\":\"not found\"}\n";

		resp_send(r, 404, "application/json", none, sizeof(none) - 1);
		return;
	}
	if ((p = cache_find(KIND_JSON, number, LANG_FI)) == NULL) {
		p = cache_slot(KIND_JSON, number, LANG_FI);
		if (notice_json(number, &p->body) != 0) {
			p->used = 0;
			app_error(a, r, 500);
			return;
		}
		buf_addc(&p->body, '\n');
		page_seal(p);
	}
	/* Other sites of the company may embed it from the browser. */
	resp_header(r, "Access-Control-Allow-Origin", "*");
	page_send(r, p, "application/json", kv_get(&r->query, "version") ?
	    "public, max-age=86400" : "no-cache");
}

/*
 * GET /notice/print.css?version=N&lang=L: the page boxes of a printed
 * notice — version and date drawn up on every sheet, and page numbers.
 * Browsers print @page margin boxes on each page; a CSS file (not inline
 * style, which the CSP forbids) is the way to put the version there.
 */
static void
page_print_css(struct app *a, struct req *r)
{
	struct page *p;
	int n;

	if (cache_check() != 0) {
		app_error(a, r, 500);
		return;
	}
	if (latest == 0 || (n = version_param(r)) < 0) {
		app_error(a, r, 404);
		return;
	}
	if ((p = cache_find(KIND_PRINT_CSS, n, r->lang)) == NULL) {
		p = cache_slot(KIND_PRINT_CSS, n, r->lang);
		if (notice_print_css(n, r->lang, i18n_msg(a->msgs, r->lang,
		    "notice.page_of"), &p->body) != 0) {
			p->used = 0;
			app_error(a, r, 500);
			return;
		}
		page_seal(p);
	}
	page_send(r, p, "text/css; charset=utf-8", "public, max-age=86400");
}

static int
notice_init(struct app *a)
{
	char err[1024];

	key_dir = a->conf.key_dir;
	fmt_init();
	if ((authority = authority_load_conf(&a->conf, err, sizeof(err))) ==
	    NULL) {
		LOG_ERR("%s", err);
		return -1;
	}
	if (notice_prepare(a->db) != 0)
		return -1;
	if (sqlite3_prepare_v3(a->db, "PRAGMA data_version", -1,
	    SQLITE_PREPARE_PERSISTENT, &data_version, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(a->db));
		return -1;
	}
	return 0;
}

static void
notice_fini(struct app *a)
{
	(void)a;
	cache_clear();
	sqlite3_finalize(data_version);
	notice_finalize();
	authority_free(authority);
	authority = NULL;
}

static const struct route routes[] = {
	{ "/notice", METHOD_GET, 0, page_notice, 0, 0 },
	{ "/notice.json", METHOD_GET, 0, page_json, 0, 0 },
	{ "/notice/versions", METHOD_GET, 0, page_versions, 0, 0 },
	{ "/notice/print.css", METHOD_GET, 0, page_print_css, 0, 0 },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "notice",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		.db_mode = DB_READONLY,
		.sandbox = SANDBOX_NOTICE,
		.init = notice_init,
		.fini = notice_fini,
	};

	return app_main(&a, argc, argv);
}
