/*
 * render — what a templated page costs beside writing the same bytes from
 * memory. Counted with callgrind by bench/run.sh (instructions, not time).
 *
 *   render tmpl N          build the model and render bench/templates/page.xhtml N times
 *   render memory N        copy the same bytes into the same buffer N times
 *   render fcgi-tmpl N     a FastCGI worker answering N requests by rendering
 *   render fcgi-memory N   a FastCGI worker answering N requests from memory
 *
 * The fcgi modes accept on standard input (spawn-fcgi) and exit after N
 * requests, so callgrind sees a whole worker's life.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "buf.h"
#include "i18n.h"
#include "req.h"
#include "tmpl.h"

static const char *const values[20] = {
	"Tietosuojaseloste – Vemitek Oy", "Vemitek Oy", "Tietosuojaseloste",
	"23.6.2020", "3", "Rekisterinpitäjä", "Yhteyshenkilö",
	"Rekisterin nimi", "Oikeusperuste & tarkoitus", "Henkilötietoryhmät",
	"Vastaanottajat", "Rekisterin tietosisältö", "Tietolähteet",
	"Säilytysaika", "Luovutukset", "Siirrot EU:n ulkopuolelle",
	"Suojaus <A>", "Tarkastusoikeus", "Oikeus siirtää tiedot",
	"Valitusoikeus \"tietosuojavaltuutettu\"",
};
static const char *const keys[20] = {
	"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
	"v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20",
};

static void
render_once(const struct tmpl *t, struct buf *out)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);

	for (int i = 0; i < 20; i++)
		tm_str(root, keys[i], values[i]);
	buf_reset(out);
	tmpl_render(t, root, out);
	tm_free(m);
}

/* A FastCGI worker: n requests, each answered by one of the two ways. */
static int
serve(const struct tmpl *t, const struct buf *page, int templated, long n)
{
	FCGX_Request f;
	struct buf out = BUF_INIT;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&f, 0, 0) != 0)
		return 1;
	while (n-- > 0 && FCGX_Accept_r(&f) >= 0) {
		struct req r;

		if (req_init(&r, &f, &req_limits_default) == REQ_OK) {
			if (templated) {
				render_once(t, &out);
				resp_send(&r, 200, "text/html; charset=utf-8",
				    out.data, out.len);
			} else {
				resp_send(&r, 200, "text/html; charset=utf-8",
				    page->data, page->len);
			}
		}
		req_free(&r);
		FCGX_Finish_r(&f);
	}
	buf_free(&out);
	return 0;
}

int
main(int argc, char *argv[])
{
	char err[512];
	struct i18n *msgs;
	struct tmpl_set *set;
	const struct tmpl *t;
	struct buf page = BUF_INIT, out = BUF_INIT;
	long n;
	int rc = 0;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: render tmpl|memory|fcgi-tmpl|fcgi-memory N\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	if ((msgs = i18n_load("i18n", err, sizeof(err))) == NULL ||
	    (set = tmpl_load("bench/templates", msgs, err, sizeof(err))) == NULL) {
		fprintf(stderr, "render: %s\n", err);
		return 1;
	}
	t = tmpl_get(set, "page.xhtml", LANG_FI);
	render_once(t, &page);	/* the bytes both ways write */

	if (strcmp(argv[1], "tmpl") == 0) {
		for (long i = 0; i < n; i++)
			render_once(t, &out);
	} else if (strcmp(argv[1], "memory") == 0) {
		for (long i = 0; i < n; i++) {
			buf_reset(&out);
			buf_add(&out, page.data, page.len);
		}
	} else if (strcmp(argv[1], "fcgi-tmpl") == 0) {
		rc = serve(t, &page, 1, n);
	} else if (strcmp(argv[1], "fcgi-memory") == 0) {
		rc = serve(t, &page, 0, n);
	} else {
		fprintf(stderr, "render: unknown mode %s\n", argv[1]);
		rc = 2;
	}
	if (out.len != 0 && (out.len != page.len ||
	    memcmp(out.data, page.data, page.len) != 0)) {
		fprintf(stderr, "render: output differs from the page\n");
		rc = 1;
	}
	if (strcmp(argv[1], "tmpl") == 0 || strcmp(argv[1], "memory") == 0)
		printf("%zu bytes per page\n", page.len);
	buf_free(&page);
	buf_free(&out);
	tmpl_free(set);
	i18n_free(msgs);
	return rc;
}
