/*
 * fuzz_tmpl.c — tmpl_load on a folder holding the input as page.xhtml,
 * beside fixed companions it may use (layout.xhtml: the real public layout;
 * inc.xhtml: a small partial), with the real messages from i18n/ (fuzzers
 * run from the repository root). When the set loads, page.xhtml is rendered
 * in every language, once with an empty model and once with hostile values
 * under common names, and each output must parse back as well-formed,
 * namespace-well-formed XML; if not, that is an escaping or serialisation
 * bug and the harness aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz.h"
#include "i18n.h"
#include "tmpl.h"

#define REAL_I18N	"i18n"
#define REAL_LAYOUT	"templates/layout.xhtml"

static const char inc_xhtml[] =
	"<span xmlns=\"http://www.w3.org/1999/xhtml\" "
	"xmlns:t=\"urn:rekisteri:template\" class=\"inc\" t:text=\"v\">inc</span>\n";

/* Values a model may hold when data comes from visitors or the database. */
static const char *const hostile[] = {
	"plain",
	"<b>&amp;</b> \"q\" 'a' ]]> --> <!--",
	"\r\n\t line\rbreaks",
	"\x01\x1f\x7f control",
	"\xff\xfe bad bytes \xc0\xaf \xed\xa0\x80 \xef\xbf\xbe \xf4\x90\x80\x80",
	"truncated \xe2\x82",
	"ä € 𝄞 \xc2\x85 \xe2\x80\xa8",
	"&#0; &lt; &nbsp; %s %n",
	"",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

/* Names the seeds, the dictionary and the real templates use as paths. */
static const char *const names[] = {
	"v", "x", "s", "title", "lead", "name", "url", "lang_href", "lang_other",
	"text", "id", "anchor", "note", "label", "item", "email", "address",
	"phone", "mailto",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static struct i18n *msgs;
static char dir[4096], page[4096];

static void
setup(void)
{
	char path[4096], err[512], *lay;
	size_t len;

	xmlInitParser();
	if ((msgs = i18n_load(REAL_I18N, err, sizeof(err))) == NULL)
		fz_fail("cannot load the real messages", err);
	snprintf(dir, sizeof(dir), "%s", fz_dir());
	lay = fz_slurp(REAL_LAYOUT, &len);
	fz_path(path, sizeof(path), dir, "layout.xhtml");
	fz_write(path, lay, len);
	free(lay);
	fz_path(path, sizeof(path), dir, "inc.xhtml");
	fz_write(path, inc_xhtml, sizeof(inc_xhtml) - 1);
	fz_path(page, sizeof(page), dir, "page.xhtml");
}

/* Fill m with hostile values: strings, an int, bools, maps and lists. */
static void
fill(struct tmpl_map *m, size_t salt, int depth)
{
	for (size_t i = 0; i < NNAMES; i++)
		tm_str(m, names[i], hostile[(i + salt) % NHOSTILE]);
	tm_int(m, "n", -9223372036854775807LL - 1);
	tm_bool(m, "flag", 1);
	tm_bool(m, "checked", 1);
	tm_bool(m, "off", 0);
	tm_html(m, "rich", "<b xmlns=\"http://www.w3.org/1999/xhtml\">rich &amp; text</b>");
	if (depth > 0) {
		struct tmpl_list *tags = tm_list(m, "tags"), *items;

		for (size_t i = 0; i < NHOSTILE; i++)
			tm_list_str(tags, hostile[i]);
		fill(tm_map(m, "user"), salt + 1, depth - 1);
		fill(tm_map(m, "controller"), salt + 2, depth - 1);
		fill(tm_map(m, "contact"), salt + 5, depth - 1);
		items = tm_list(m, "items");
		for (size_t i = 0; i < 3; i++)
			fill(tm_list_map(items), salt + 3 + i, depth - 1);
		tm_list(m, "empty");
	}
}

static void
check_output(const struct buf *out, const char *what)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	if (out->len == 0)
		fz_fail("empty output", what);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		abort();
	doc = xmlCtxtReadMemory(ctxt, out->data, (int)out->len, "out.xhtml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		fprintf(stderr, "---- output (%s) ----\n%.*s\n---- end ----\n",
		    what, (int)out->len, out->data);
		fz_fail(doc == NULL || !ctxt->wellFormed ?
		    "rendered page is not well-formed XML" :
		    "rendered page is not namespace-well-formed", what);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *set;
	char err[512];

	if (msgs == NULL)
		setup();
	fz_write(page, data, size);
	err[0] = '\0';
	if ((set = tmpl_load(dir, msgs, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			fz_fail("tmpl_load failed without a reason", NULL);
		fz_note("not loaded", err);
		return 0;
	}
	fz_note("loaded and rendered", NULL);
	for (int l = 0; l < LANG__MAX; l++) {
		const struct tmpl *t = tmpl_get(set, "page.xhtml", (enum lang)l);
		struct tmpl_model *m;
		struct buf out = BUF_INIT;

		if (t == NULL)
			fz_fail("page.xhtml loaded but is missing", lang_codes[l]);
		m = tm_new();
		tmpl_render(t, tm_root(m), &out);
		check_output(&out, "empty model");
		tm_free(m);
		buf_reset(&out);
		m = tm_new();
		fill(tm_root(m), 0, 2);
		tmpl_render(t, tm_root(m), &out);
		check_output(&out, "hostile model");
		tm_free(m);
		buf_free(&out);
	}
	tmpl_free(set);
	return 0;
}
