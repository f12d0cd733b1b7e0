/* test_tmpl.c — templates: every directive, escaping of hostile values, layouts, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "buf.h"
#include "i18n.h"
#include "tmpl.h"

#define FIX	"tests/fixtures/tmpl"

struct fx {
	struct i18n	*msgs;
	struct tmpl_set	*set;
};

static int
setup(void **state)
{
	static struct fx fx;
	char err[512];

	fx.msgs = i18n_load(FIX "/i18n", err, sizeof(err));
	if (fx.msgs == NULL) {
		print_error("i18n: %s\n", err);
		return -1;
	}
	fx.set = tmpl_load(FIX "/good", fx.msgs, err, sizeof(err));
	if (fx.set == NULL) {
		print_error("tmpl: %s\n", err);
		i18n_free(fx.msgs);
		return -1;
	}
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tmpl_free(fx->set);
	i18n_free(fx->msgs);
	return 0;
}

/* Render NAME in lang with model m (freed here); the caller frees the text. */
static char *
render(void **state, const char *name, enum lang lang, struct tmpl_model *m)
{
	struct fx *fx = *state;
	const struct tmpl *t = tmpl_get(fx->set, name, lang);
	struct buf out = BUF_INIT;

	assert_non_null(t);
	tmpl_render(t, m ? tm_root(m) : NULL, &out);
	tm_free(m);
	return buf_take(&out);
}

/* Parse s as XML (it must be well-formed); the caller frees the document. */
static xmlDocPtr
parse(const char *s)
{
	xmlDocPtr doc;

	doc = xmlReadMemory(s, (int)strlen(s), "out.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		print_error("not well-formed:\n%s\n", s);
	assert_non_null(doc);
	return doc;
}

/* The number of nodes matching XPath expr (prefix h: is XHTML). */
static int
xcount(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n;

	xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The string value of XPath expr; the caller frees it. */
static char *
xstr(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s;

	xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void
assert_xstr(xmlDocPtr doc, const char *expr, const char *want)
{
	char *s = xstr(doc, expr);

	if (strcmp(s, want) != 0)
		print_error("%s: got \"%s\", want \"%s\"\n", expr, s, want);
	assert_string_equal(s, want);
	xmlFree(s);
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		print_error("\"%s\" not in:\n%s\n", needle, hay);
	assert_non_null(strstr(hay, needle));
}

static void
assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		print_error("\"%s\" unexpectedly in:\n%s\n", needle, hay);
	assert_null(strstr(hay, needle));
}

/* Hostile values round-trip as text: the parsed output holds them verbatim. */
static void
test_escape_hostile(void **state)
{
	static const char *const hostile[] = {
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"&amp; &lt; &#60; & <",
		"it's \"quoted\" 'single'",
		"]]> <!-- --> <?pi?> <![CDATA[x]]>",
		"line\r\nbreak\ttab",
		"äöå € 𝄞",
		"plain",
		"",
	};

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct tmpl_model *m = tm_new();
		xmlDocPtr doc;
		char *out;

		tm_str(tm_root(m), "v", hostile[i]);
		tm_str(tm_root(m), "rich", hostile[i]);	/* not tm_html */
		tm_str(tm_root(m), "url", hostile[i]);
		out = render(state, "values.xhtml", LANG_FI, m);
		doc = parse(out);
		assert_int_equal(xcount(doc, "//h:script"), 0);
		assert_int_equal(xcount(doc, "//h:img"), 0);
		assert_int_equal(xcount(doc, "//@onerror"), 0);
		assert_xstr(doc, "//h:p[@id='text']", hostile[i]);
		assert_xstr(doc, "//h:p[@id='html']", hostile[i]);
		if (strpbrk(hostile[i], "\r\n\t") == NULL) {
			/* XML normalises whitespace in attributes */
			assert_xstr(doc, "//h:a/@title", hostile[i]);
			assert_xstr(doc, "//h:a/@href", hostile[i]);
		}
		assert_lacks(out, "<script");
		assert_lacks(out, "<img");
		xmlFreeDoc(doc);
		free(out);
	}
}

/* Invalid UTF-8, C0 controls, surrogates, U+FFFE: replaced, output well-formed. */
static void
test_escape_bad_bytes(void **state)
{
	static const char *const bad[] = {
		"a\xff" "b",
		"\xc3",
		"\xc0\xaf overlong",
		"\xed\xa0\x80 surrogate",
		"\xef\xbf\xbe nonchar",
		"bell\x07 esc\x1b nul-free",
		"<\x01>",
		"\xf4\x90\x80\x80 too big",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tmpl_model *m = tm_new();
		xmlDocPtr doc;
		char *out;

		tm_str(tm_root(m), "v", bad[i]);
		tm_str(tm_root(m), "url", bad[i]);
		out = render(state, "values.xhtml", LANG_FI, m);
		doc = parse(out);
		assert_contains(out, "\xef\xbf\xbd");
		xmlFreeDoc(doc);
		free(out);
	}
	{
		/* an embedded NUL through tm_strn */
		struct tmpl_model *m = tm_new();
		xmlDocPtr doc;
		char *out;

		tm_strn(tm_root(m), "v", "a\0<b>", 5);
		out = render(state, "values.xhtml", LANG_FI, m);
		doc = parse(out);
		assert_xstr(doc, "//h:p[@id='text']", "a\xef\xbf\xbd<b>");
		xmlFreeDoc(doc);
		free(out);
	}
}

/* t:html passes tm_html values only; strings in t:html are text. */
static void
test_html(void **state)
{
	struct tmpl_model *m = tm_new();
	xmlDocPtr doc;
	char *out;

	tm_html(tm_root(m), "rich", "<b>bold</b> &amp; <i>it</i>");
	tm_html(tm_root(m), "v", "<b>in t:text</b>");
	out = render(state, "values.xhtml", LANG_FI, m);
	doc = parse(out);
	assert_int_equal(xcount(doc, "//h:p[@id='html']/h:b"), 1);
	assert_int_equal(xcount(doc, "//h:p[@id='html']/h:i"), 1);
	assert_xstr(doc, "//h:p[@id='html']", "bold & it");
	assert_int_equal(xcount(doc, "//h:p[@id='text']/*"), 0);
	assert_xstr(doc, "//h:p[@id='text']", "<b>in t:text</b>");
	xmlFreeDoc(doc);
	free(out);
}

static void
test_text_attr(void **state)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *a;
	char *out;

	tm_str(tm_root(m), "v", "first");
	tm_str(tm_root(m), "v", "value");	/* replaces */
	tm_str(tm_root(m), "url", "/x?a=1&b=2");
	tm_bool(tm_root(m), "checked", 1);
	tm_bool(tm_root(m), "disabled", 0);
	tm_int(tm_root(m), "n", -42);
	a = tm_map(tm_root(m), "a");
	tm_int(tm_map(a, "b"), "c", 9223372036854775807LL);
	out = render(state, "values.xhtml", LANG_FI, m);
	assert_contains(out, "<p id=\"text\">value</p>");
	assert_contains(out, "<a id=\"link\" href=\"/x?a=1&amp;b=2\" "
	    "title=\"value\">link</a>");
	assert_contains(out, "<input id=\"box\" type=\"checkbox\" "
	    "checked=\"checked\" value=\"-42\"/>");
	assert_contains(out, "<p id=\"deep\">9223372036854775807</p>");
	/* t:strip: the value without the element */
	assert_contains(out, "\nvalue\n");
	assert_lacks(out, "<span");
	/* no t: attributes or namespace */
	assert_lacks(out, "t:");
	assert_lacks(out, "urn:rekisteri");
	assert_lacks(out, "placeholder");
	free(out);

	/* missing values: text empty, attributes omitted */
	out = render(state, "values.xhtml", LANG_FI, tm_new());
	assert_contains(out, "<p id=\"text\"></p>");
	assert_contains(out, "<a id=\"link\">link</a>");
	assert_contains(out, "<input id=\"box\" type=\"checkbox\"/>");
	assert_contains(out, "<p id=\"deep\"></p>");
	free(out);

	/* a NULL model renders like an empty one */
	out = render(state, "values.xhtml", LANG_FI, NULL);
	assert_contains(out, "<p id=\"text\"></p>");
	free(out);
}

static void
test_i18n(void **state)
{
	char *out;

	out = render(state, "values.xhtml", LANG_FI, tm_new());
	assert_contains(out, "<p id=\"i18n\" title=\"Nimi &quot;lainaus&quot;\">"
	    "Otsikko &amp; &lt;muu&gt;</p>");
	free(out);
	out = render(state, "values.xhtml", LANG_EN, tm_new());
	assert_contains(out, "<p id=\"i18n\" title=\"Name &quot;quoted&quot;\">"
	    "Title &amp; &lt;other&gt;</p>");
	free(out);
}

/* Truthiness: if/unless over every kind of value. */
static void
test_if_unless(void **state)
{
	static const struct {
		int	 kind;	/* 0 missing 1 bool 2 int 3 str 4 list 5 map */
		int	 val;
		int	 truthy;
	} cases[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 1, 1, 1 }, { 2, 0, 0 }, { 2, 7, 1 },
		{ 2, -1, 1 }, { 3, 0, 0 }, { 3, 1, 1 }, { 4, 0, 0 }, { 4, 1, 1 },
		{ 5, 0, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tmpl_model *m = tm_new();
		struct tmpl_map *r = tm_root(m);
		struct tmpl_list *l;
		char *out;

		switch (cases[i].kind) {
		case 1:
			tm_bool(r, "flag", cases[i].val);
			break;
		case 2:
			tm_int(r, "flag", cases[i].val);
			break;
		case 3:
			tm_str(r, "flag", cases[i].val ? "0" : "");
			break;
		case 4:
			l = tm_list(r, "flag");
			if (cases[i].val)
				tm_list_str(l, "");
			break;
		case 5:
			tm_map(r, "flag");
			break;
		}
		out = render(state, "values.xhtml", LANG_FI, m);
		if (cases[i].truthy) {
			assert_contains(out, "<p id=\"if\">if</p>");
			assert_lacks(out, "unless");
		} else {
			assert_lacks(out, "\"if\"");
			assert_contains(out, "<p id=\"unless\">unless</p>");
		}
		free(out);
	}
}

/* t:each over strings and maps, nested, with an include inside the loop. */
static void
test_each(void **state)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *r = tm_root(m), *s;
	struct tmpl_list *tags, *secs, *items;
	xmlDocPtr doc;
	char *out;

	tm_str(r, "title", "Root");
	tm_str(r, "item", "hidden by the loop variable");
	tags = tm_list(r, "tags");
	tm_list_str(tags, "a<b");
	tm_list_str(tags, "c");
	secs = tm_list(r, "sections");
	s = tm_list_map(secs);
	tm_str(s, "anchor", "one");
	tm_str(s, "title", "One");
	tm_bool(s, "note", 1);
	items = tm_list(s, "items");
	tm_list_str(items, "1a");
	tm_list_str(items, "1b");
	s = tm_list_map(secs);
	tm_str(s, "anchor", "two");
	tm_str(s, "title", "Two");
	tm_list(s, "items");		/* empty */
	s = tm_list_map(secs);
	tm_str(s, "anchor", "three");
	tm_str(s, "title", "Three");
	items = tm_list(s, "items");
	tm_list_str(items, "3a");
	out = render(state, "loops.xhtml", LANG_FI, m);
	doc = parse(out);
	assert_contains(out, "<ul id=\"tags\"><li>a&lt;b</li><li>c</li></ul>");
	assert_int_equal(xcount(doc, "//h:div[@class='sec']"), 3);
	assert_xstr(doc, "//h:div[@id='one']/h:h2", "One");
	assert_xstr(doc, "//h:div[@id='three']/h:h2", "Three");
	assert_int_equal(xcount(doc, "//h:div[@id='one']/h:span[@class='row']"), 2);
	assert_int_equal(xcount(doc, "//h:div[@id='two']/h:span"), 0);
	assert_xstr(doc, "//h:div[@id='one']/h:span[2]", "1b");
	assert_xstr(doc, "//h:div[@id='three']/h:span", "3a");
	/* a root key read inside loops */
	assert_xstr(doc, "//h:div[@id='one']/h:p[@class='note']", "Root");
	assert_int_equal(xcount(doc, "//h:p[@class='note']"), 1);
	assert_xstr(doc, "//h:p[@id='after']", "Root");
	xmlFreeDoc(doc);
	free(out);

	/* no lists at all, or a string where a list should be */
	m = tm_new();
	tm_str(tm_root(m), "sections", "not a list");
	out = render(state, "loops.xhtml", LANG_FI, m);
	assert_contains(out, "<ul id=\"tags\"></ul>");
	assert_lacks(out, "class=\"sec\"");
	free(out);
}

/* Layout, slots and fills, include, doctype and lang attributes. */
static void
test_layout(void **state)
{
	struct tmpl_model *m;
	xmlDocPtr doc;
	char *out;

	for (int l = 0; l < LANG__MAX; l++) {
		const char *code = lang_codes[l];
		char want[256];

		m = tm_new();
		tm_str(tm_root(m), "lead", "Lead <here>");
		tm_str(tm_map(tm_root(m), "user"), "name", "Anna");
		out = render(state, "page.xhtml", (enum lang)l, m);
		snprintf(want, sizeof(want), "<!DOCTYPE html>\n<html xmlns=\""
		    "http://www.w3.org/1999/xhtml\" lang=\"%s\" xml:lang=\"%s\">",
		    code, code);
		assert_int_equal(strncmp(out, want, strlen(want)), 0);
		assert_lacks(out, "xx");
		assert_lacks(out, "t:");
		assert_lacks(out, "urn:rekisteri");
		assert_lacks(out, "<!--");
		doc = parse(out);
		assert_int_equal(xcount(doc, "/h:html/h:head/h:title"), 1);
		assert_xstr(doc, "//h:title", l == LANG_FI ?
		    "Otsikko & <muu>" : "Title & <other>");
		assert_xstr(doc, "//h:header/h:a", l == LANG_FI ?
		    "Rekisteri" : "Registry");
		assert_xstr(doc, "//h:header/h:span[@class='user']", "Anna");
		assert_int_equal(xcount(doc, "//h:main[@id='main']/h:h1"), 1);
		assert_xstr(doc, "//h:main/h:p[@class='lead']", "Lead <here>");
		assert_int_equal(xcount(doc, "//h:main/h:p"), 1);
		assert_xstr(doc, "//h:aside/h:p", l == LANG_FI ? "Oletus" :
		    "Default");
		assert_int_equal(xcount(doc, "//h:footer"), 1);
		assert_xstr(doc, "//h:footer[@class='page-footer']",
		    "Page footer");
		assert_int_equal(xcount(doc, "//h:div"), 0);	/* include */
		xmlFreeDoc(doc);
		free(out);
	}

	/* the layout on its own: slots keep their defaults */
	out = render(state, "layout.xhtml", LANG_EN, tm_new());
	assert_contains(out, "<title>Default title</title>");
	assert_contains(out, "<main id=\"main\"><p>No content</p></main>");
	assert_contains(out, "<footer><p>Default footer</p></footer>");
	assert_contains(out, "<meta charset=\"utf-8\"/>");
	free(out);
}

/* Void elements, empty elements, comments, CDATA, PIs, inline SVG. */
static void
test_markup(void **state)
{
	xmlDocPtr doc;
	char *out;

	out = render(state, "markup.xhtml", LANG_FI, tm_new());
	doc = parse(out);
	assert_contains(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org"
	    "/1999/xhtml\" lang=\"fi\" xml:lang=\"fi\" class=\"x\">");
	assert_contains(out, "<p>a<br/>b<br/>c</p>");
	assert_contains(out, "<p></p>");
	assert_contains(out, "<div></div>");
	assert_contains(out, "<img src=\"a.png\" alt=\"A &amp; B &lt;c&gt; "
	    "&quot;d&quot;\"/>");
	assert_contains(out, "<hr/>");
	assert_contains(out, "<p>&lt;b&gt;not bold&lt;/b&gt; &amp; more</p>");
	assert_contains(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\">"
	    "</rect></svg>");
	assert_contains(out, "<p xml:lang=\"en\">English</p>");
	assert_contains(out, "p { color: red; } p > b { color: blue; }");
	assert_lacks(out, "<!--");
	assert_lacks(out, "<?");
	assert_lacks(out, "xx");
	assert_int_equal(xcount(doc, "//*[local-name()='rect']"), 1);
	xmlFreeDoc(doc);
	free(out);
}

static void
test_get(void **state)
{
	struct fx *fx = *state;

	assert_non_null(tmpl_get(fx->set, "page.xhtml", LANG_FI));
	assert_non_null(tmpl_get(fx->set, "row.xhtml", LANG_EN));
	assert_ptr_not_equal(tmpl_get(fx->set, "page.xhtml", LANG_FI),
	    tmpl_get(fx->set, "page.xhtml", LANG_EN));
	assert_null(tmpl_get(fx->set, "nosuch.xhtml", LANG_FI));
	assert_null(tmpl_get(fx->set, "page", LANG_FI));
}

/* Every bad folder fails to load, naming the file and line. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*dir;
		const char	*want[3];
	} cases[] = {
		{ "bad_wf", { "broken.xhtml:5:", NULL } },
		{ "bad_directive", { "bogus.xhtml:3:", "t:bogus" } },
		{ "bad_root_if", { "page.xhtml:2:", "root element" } },
		{ "bad_xmlns", { "page.xhtml:3:", "plain URI" } },
		{ "bad_element", { "elem.xhtml:3:", "t:if" } },
		{ "bad_i18n", { "missing.xhtml:2:", "no.such.key" } },
		{ "bad_cycle", { ".xhtml:", "cycle" } },
		{ "bad_each", { "each.xhtml:2:", "x in path" } },
		{ "bad_include", { "inc.xhtml:2:", "missing.xhtml" } },
		{ "bad_fill", { "page.xhtml:3:", "nosuch" } },
		{ "bad_ns", { "undeclared.xhtml:2:", NULL } },
		{ "bad_onattr", { "on.xhtml:2:", "onclick" } },
		{ "bad_void", { "void.xhtml:2:", "<br>" } },
		{ "bad_script", { "script.xhtml:2:", "<script>" } },
		{ "bad_prefix", { "prefix.xhtml:2:", "svg:svg" } },
		{ "bad_nested_layout", { "outer.xhtml:1:", "t:layout" } },
		{ "bad_nons", { "nons.xhtml:1:", "namespace" } },
		{ "bad_content", { "page.xhtml:1:", "content" } },
		{ "bad_layout_dir", { "page.xhtml:", "t:if" } },
		{ "no_such_folder", { "no_such_folder", NULL } },
	};
	struct fx *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tmpl_set *s;
		char dir[256], err[512];

		snprintf(dir, sizeof(dir), FIX "/%s", cases[i].dir);
		err[0] = '\0';
		s = tmpl_load(dir, fx->msgs, err, sizeof(err));
		if (s != NULL)
			print_error("%s loaded\n", dir);
		assert_null(s);
		for (int w = 0; w < 3 && cases[i].want[w] != NULL; w++)
			assert_contains(err, cases[i].want[w]);
	}
}

/* Models: replacing keys, nested maps, NULL strings, many values. */
static void
test_model(void **state)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_list *l;
	char big[20000];
	char *out;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tm_str(tm_root(m), "v", big);
	tm_map(tm_root(m), "url");
	tm_str(tm_root(m), "url", NULL);		/* null: omitted */
	l = tm_list(tm_root(m), "unused");
	for (int i = 0; i < 1000; i++) {
		tm_str(tm_list_map(l), "k", "v");
		tm_list_str(l, "item");
	}
	out = render(state, "values.xhtml", LANG_FI, m);
	assert_contains(out, big);
	/* t:attr-href replaces href="/static" even when it is omitted */
	assert_contains(out, "<a id=\"link\" title=\"xxx");
	free(out);
}

/*
 * A long program: closing a conditional grows the op array while its jump
 * is stored. The jump once went into the freed array, and rendering looped
 * for ever (found on the audit page). Both parities of op index.
 */
static void
test_many_conditionals(void **state)
{
	struct fx *fx = *state;
	struct tmpl_set *set;
	char err[512];

	set = tmpl_load(FIX "/good_many", fx->msgs, err, sizeof(err));
	if (set == NULL)
		fail_msg("%s", err);
	for (int f = 0; f < 2; f++) {
		const char *name = f ? "many2.xhtml" : "many.xhtml";

		for (int x = 0; x <= 1; x++) {
			struct tmpl_model *m = tm_new();
			struct buf out = BUF_INIT;
			size_t n = 0;

			tm_bool(tm_root(m), "x", x);
			tmpl_render(tmpl_get(set, name, LANG_FI), tm_root(m), &out);
			for (const char *p = out.data; (p = strstr(p, "<p>a</p>")) !=
			    NULL; p++)
				n++;
			assert_int_equal(n, x ? 300 : 0);
			buf_free(&out);
			tm_free(m);
		}
	}
	tmpl_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_hostile),
		cmocka_unit_test(test_escape_bad_bytes),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_text_attr),
		cmocka_unit_test(test_i18n),
		cmocka_unit_test(test_if_unless),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_many_conditionals),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, setup, teardown);
	xmlCleanupParser();
	return rc;
}
