/* test_richtext.c — rich text cleaning: hostile input, the seed notice's exports, plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "i18n.h"
#include "richtext.h"

#define FIXTURES	"tests/fixtures/richtext"
#define XHTML_NS	"http://www.w3.org/1999/xhtml"

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_take(&b);
}

static int
is_inline(const char *name)
{
	return strcmp(name, "strong") == 0 || strcmp(name, "em") == 0 ||
	    strcmp(name, "a") == 0 || strcmp(name, "br") == 0;
}

/*
 * Check one element of a cleaned fragment and its subtree against the
 * contract: only the allowed elements, in the allowed places, in the
 * XHTML namespace; no attribute but a/@href with an allowed scheme; no
 * comments, PIs or anything else but elements and text.
 */
static void
check_node(xmlNodePtr n, const char *parent, const char *what)
{
	for (; n != NULL; n = n->next) {
		const char *name = (const char *)n->name;

		if (n->type == XML_TEXT_NODE) {
			if (strcmp(parent, "div") == 0 || strcmp(parent, "ul") == 0 ||
			    strcmp(parent, "ol") == 0)
				fail_msg("%s: text directly in <%s>", what, parent);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			fail_msg("%s: node of type %d", what, (int)n->type);
		if (n->ns == NULL || strcmp((const char *)n->ns->href, XHTML_NS) != 0)
			fail_msg("%s: <%s> outside the XHTML namespace", what, name);
		if (strcmp(parent, "div") == 0) {
			if (strcmp(name, "p") != 0 && strcmp(name, "ul") != 0 &&
			    strcmp(name, "ol") != 0)
				fail_msg("%s: <%s> at the top", what, name);
		} else if (strcmp(parent, "ul") == 0 || strcmp(parent, "ol") == 0) {
			if (strcmp(name, "li") != 0)
				fail_msg("%s: <%s> in <%s>", what, name, parent);
		} else if (!is_inline(name))
			fail_msg("%s: <%s> in <%s>", what, name, parent);
		if (strcmp(name, "br") == 0 && n->children != NULL)
			fail_msg("%s: <br> with content", what);
		if (strcmp(name, "br") != 0 && n->children == NULL)
			fail_msg("%s: empty <%s>", what, name);
		for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
			xmlChar *v;
			int ok;

			if (strcmp(name, "a") != 0 ||
			    strcmp((const char *)a->name, "href") != 0 || a->ns != NULL)
				fail_msg("%s: attribute %s on <%s>", what, a->name, name);
			v = xmlNodeGetContent((xmlNodePtr)a);
			ok = v != NULL && (strncmp((char *)v, "http:", 5) == 0 ||
			    strncmp((char *)v, "https:", 6) == 0 ||
			    strncmp((char *)v, "mailto:", 7) == 0);
			if (!ok)
				fail_msg("%s: href %s", what, v ? (char *)v : "(null)");
			xmlFree(v);
		}
		if (strcmp(name, "a") == 0 && n->properties == NULL)
			fail_msg("%s: <a> without href", what);
		check_node(n->children, name, what);
	}
}

/* out, wrapped in an XHTML div, is well-formed XML and keeps the contract. */
static void
check_safe(const char *out, const char *what)
{
	struct buf b = BUF_INIT;
	xmlDocPtr doc;

	assert_non_null(out);
	buf_adds(&b, "<div xmlns=\"" XHTML_NS "\">");
	buf_adds(&b, out);
	buf_adds(&b, "</div>");
	doc = xmlReadMemory(b.data, (int)b.len, NULL, "UTF-8", XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("%s: not well-formed: %s", what, out);
	check_node(xmlDocGetRootElement(doc)->children, "div", what);
	xmlFreeDoc(doc);
	buf_free(&b);
	if (strstr(out, "xmlns") != NULL)
		fail_msg("%s: namespace declaration in %s", what, out);
}

/*
 * Hostile fixtures: whatever the file holds, the result keeps the
 * contract. Markup and text that must go carry EVIL (outside attribute
 * values that are dropped anyway), text that must stay carries KEEP.
 */
static void
hostile_fixtures(void **state)
{
	static const char *const files[] = {
		"after-body", "attribute-quotes", "blocks-in-inline",
		"comments-cdata-doctype", "controls", "event-attrs",
		"export-lists", "form", "head-stuff", "iframe", "img-onerror",
		"javascript-hrefs", "lt-amp", "namespaces", "nested-unknown",
		"object-embed", "script", "style", "svg", "tables-headings",
		"unclosed",
	};
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct buf w = BUF_INIT;
		size_t len;
		char *src, *out, *text;

		snprintf(path, sizeof(path), FIXTURES "/hostile/%s.html", files[i]);
		src = slurp(path, &len);
		out = rt_clean(src, len, &w);
		check_safe(out, files[i]);
		if (strstr(out, "EVIL") != NULL)
			fail_msg("%s: EVIL kept: %s", files[i], out);
		if (strstr(src, "KEEP") != NULL && strstr(out, "KEEP") == NULL)
			fail_msg("%s: KEEP lost: %s", files[i], out);
		if (strstr(out, "<script") != NULL)
			fail_msg("%s: markup kept: %s", files[i], out);
		text = rt_text(out);
		assert_non_null(text);
		free(text);
		free(out);
		free(src);
		buf_free(&w);
	}
}

/* Every dangerous href is dropped with a warning; the link text stays. */
static void
hostile_links(void **state)
{
	size_t len;
	char *src = slurp(FIXTURES "/hostile/javascript-hrefs.html", &len);
	struct buf w = BUF_INIT;
	char *out;

	(void)state;
	out = rt_clean(src, len, &w);
	assert_string_equal(out, "<p>KEEP 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
	    "17 18 19 20 <a href=\"http:\">21</a></p>");
	assert_non_null(strstr(w.data, "dropped link javascript:EVIL()\n"));
	assert_non_null(strstr(w.data, "dropped link JaVaScRiPt:EVIL()\n"));
	assert_non_null(strstr(w.data, "dropped link  javascript:EVIL()\n"));
	assert_non_null(strstr(w.data, "dropped link java?script:EVIL()\n"));
	assert_non_null(strstr(w.data, "dropped link vbscript:EVIL\n"));
	assert_non_null(strstr(w.data, "dropped link /relative/EVIL\n"));
	/* the shown URL is cut at 40 bytes */
	assert_non_null(strstr(w.data,
	    "dropped link data:text/html;base64,PHNjcmlwdD5FVklMPC\xe2\x80\xa6\n"));
	assert_non_null(strstr(w.data, "dropped <a> without href\n"));
	free(out);
	free(src);
	buf_free(&w);
}

struct want {
	const char	*in;
	const char	*out;
	const char	*warn;	/* exact warnings, NULL: not checked */
};

static void
check_wants(const struct want *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf w = BUF_INIT;
		char *out = rt_clean(t[i].in, strlen(t[i].in), &w);

		check_safe(out, t[i].in);
		if (strcmp(out, t[i].out) != 0)
			fail_msg("rt_clean(\"%s\")\n got \"%s\"\nwant \"%s\"", t[i].in,
			    out, t[i].out);
		if (t[i].warn != NULL && strcmp(buf_cstr(&w), t[i].warn) != 0)
			fail_msg("rt_clean(\"%s\") warned\n\"%s\"\nwant \"%s\"",
			    t[i].in, w.data, t[i].warn);
		free(out);
		buf_free(&w);
	}
}

static void
clean_exact(void **state)
{
	static const struct want t[] = {
		{ "", "", "" },
		{ " \n\t\r ", "", "" },
		{ "Käsittelyn oikeusperusteena on sopimus.",
		  "<p>Käsittelyn oikeusperusteena on sopimus.</p>", "" },
		{ "<div><span><font>text</font></span></div>", "<p>text</p>",
		  "dropped <div>\ndropped <span>\ndropped <font>\n" },
		{ "a < b & c &amp; d&nbsp;e", "<p>a &lt; b &amp; c &amp; d\xc2\xa0"
		  "e</p>", "" },
		{ "<p>  a   \n b  </p>\n\n<p>c</p>", "<p>a b</p><p>c</p>", "" },
		{ "<strong>a</strong> <em>b</em>",
		  "<p><strong>a</strong> <em>b</em></p>", "" },
		{ "<p>a <strong> b </strong> c</p>",
		  "<p>a <strong>b </strong>c</p>", "" },
		{ "<p>a<br>b<br> </p>", "<p>a<br/>b</p>", "" },
		{ "<p><br>a <br/> b</p>", "<p>a<br/>b</p>", "" },
		{ "<p></p><p> </p><p>&nbsp;</p><ul><li> </li></ul><em></em>", "", "" },
		{ "<a href=\" HTTPS://example.fi/x?a=1&amp;b=2 \">l</a>",
		  "<p><a href=\"https://example.fi/x?a=1&amp;b=2\">l</a></p>", "" },
		{ "<a href=\"mailto:tietosuoja@example.fi\">posti</a>",
		  "<p><a href=\"mailto:tietosuoja@example.fi\">posti</a></p>", "" },
		{ "<a href=\"javascript:alert(1)\">x</a>", "<p>x</p>",
		  "dropped link javascript:alert(1)\n" },
		{ "<a href=\"https://a.example/\"><a href=\"https://b.example/\">x"
		  "</a></a>", "<p><a href=\"https://b.example/\">x</a></p>", NULL },
		{ "<a href=\"https://a.example/\">x<em>y</em></a>",
		  "<p><a href=\"https://a.example/\">x<em>y</em></a></p>", "" },
		{ "<ul><li>a<ul><li>b</li></ul>c</li></ul>",
		  "<ul><li>a</li><li>b</li><li>c</li></ul>", "" },
		{ "<ol><li>1</li><li>2</li></ol>", "<ol><li>1</li><li>2</li></ol>", "" },
		{ "<li>x</li><li>y</li>z", "<ul><li>x</li><li>y</li></ul><p>z</p>", "" },
		{ "intro<ul>- a - b <p>c</p> d",
		  "<p>intro</p><ul><li>a</li><li>b</li></ul><p>c</p><p>d</p>", "" },
		{ "<ul>- www-osoite- IP-osoite - etu- ja sukunimi- asiakas- tai "
		  "palvelusuhde- laskutus- sekä perintätiedot</ul>",
		  "<ul><li>www-osoite</li><li>IP-osoite</li><li>etu- ja sukunimi</li>"
		  "<li>asiakas- tai palvelusuhde</li><li>laskutus- sekä "
		  "perintätiedot</li></ul>", "" },
		{ "<p>x</p><script>alert(1)</script><!-- c -->",
		  "<p>x</p>", "dropped <script> and its content\ndropped comment\n" },
		{ "<b>1</b> <b>2</b> <i>3</i>", "<p>1 2 3</p>",
		  "dropped <b>\ndropped <i>\n" },
		{ "<div>a</div><div>b</div>c", "<p>a</p><p>b</p><p>c</p>", NULL },
		{ "<ul class=\"x\"><li id=\"y\">a</li></ul>", "<ul><li>a</li></ul>",
		  "dropped attribute class on <ul>\ndropped attribute id on <li>\n" },
		{ "<embed src=x>a", "<p>a</p>", "dropped <embed>\n" },
		{ "\xf0\x9f\x98\x80 \xef\xbf\xbf\x01\x7f!", "<p>\xf0\x9f\x98\x80 !</p>",
		  "" },
		{ "<meta charset=\"iso-8859-1\">\xc3\xa4", "<p>\xc3\xa4</p>",
		  "dropped <meta>\n" },
	};

	(void)state;
	check_wants(t, sizeof(t) / sizeof(t[0]));
}

static void
clean_invalid_utf8(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
		{ "\xff", 1 },
		{ "\xc0\x80", 2 },		/* overlong NUL */
		{ "\xc1\xbf", 2 },		/* overlong */
		{ "\xe0\x80\xaf", 3 },		/* overlong '/' */
		{ "\xf0\x80\x80\xaf", 4 },	/* overlong '/' */
		{ "\xed\xa0\x80", 3 },		/* surrogate */
		{ "\xed\xbf\xbf", 3 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 4 },	/* beyond U+10FFFF */
		{ "\xf8\x88\x80\x80\x80", 5 },	/* five bytes */
		{ "ok \xc3", 4 },		/* truncated */
		{ "a\x80z", 3 },		/* stray continuation */
		{ "\xe2\x82", 2 },		/* truncated */
		{ "<p>\xc3\x28</p>", 9 },	/* bad continuation */
		{ "a\0b", 3 },			/* NUL */
	};
	struct buf w = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rt_clean(bad[i].s, bad[i].len, &w) != NULL)
			fail_msg("case %zu accepted", i);
	assert_int_equal(w.len, 0);
	/* the edges that are valid */
	{
		const char ok[] = "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
		    "\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
		char *out = rt_clean(ok, sizeof(ok) - 1, NULL);

		check_safe(out, "valid edges");
		free(out);
	}
}

/* Deep nesting neither crashes nor blows the stack, nor breaks the output. */
static void
clean_deep(void **state)
{
	static const char *const open[] = { "<b>", "<strong>", "<div>",
	    "<ul><li>", "<em><p>", "<a href=\"https://x.example/\">", "<span>x" };
	static const char *const close[] = { "</b>", "</strong>", "</div>",
	    "</li></ul>", "</p></em>", "</a>", "</span>" };

	(void)state;
	for (size_t k = 0; k < sizeof(open) / sizeof(open[0]); k++) {
		struct buf src = BUF_INIT, w = BUF_INIT;
		char *out;

		for (int i = 0; i < 10000; i++)
			buf_adds(&src, open[k]);
		buf_adds(&src, "deep");
		for (int i = 0; i < 10000; i++)
			buf_adds(&src, close[k]);
		out = rt_clean(src.data, src.len, &w);
		check_safe(out, open[k]);
		free(out);
		buf_free(&src);
		buf_free(&w);
	}
	/* nesting the parser does take is kept to a few levels */
	{
		struct buf src = BUF_INIT, w = BUF_INIT;
		char *out;

		for (int i = 0; i < 100; i++)
			buf_adds(&src, "<strong>");
		buf_adds(&src, "x");
		out = rt_clean(src.data, src.len, &w);
		check_safe(out, "100 strong");
		assert_non_null(strstr(w.data, "dropped <strong> nested too deep\n"));
		assert_non_null(strstr(out, "x"));
		free(out);
		buf_free(&src);
		buf_free(&w);
	}
}

/* Warnings may be NULL; lines the caller already has are left alone. */
static void
clean_warnings(void **state)
{
	struct buf w = BUF_INIT;
	char *out;

	(void)state;
	out = rt_clean("<b>x</b>", 8, NULL);
	assert_string_equal(out, "<p>x</p>");
	free(out);
	buf_adds(&w, "dropped <b>\n");
	out = rt_clean("<b>x</b><b>y</b>", 16, &w);
	assert_string_equal(w.data, "dropped <b>\ndropped <b>\n");
	free(out);
	buf_free(&w);
}

/* One section of the seed notice: "Title<TAB>text", continuation lines. */
struct section {
	char	*title;
	struct buf text;
};

/*
 * The seed export: a header, then one "Title<TAB>text" line per section;
 * a line starting with a tab continues the section before it (joined with
 * a newline, as the importer does); blank lines are nothing.
 */
static size_t
seed_sections(struct section *s, size_t max)
{
	size_t len, n = 0;
	char *data = slurp(FIXTURES "/tietosuojaseloste.txt", &len), *line, *next;

	for (line = data; line != NULL && *line != '\0'; line = next) {
		char *tab;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (*line == '\0') {
			if (n > 0) {
				buf_addc(&s[n - 1].text, '\n');
				buf_adds(&s[n - 1].text, tab + 1);
			}
			continue;
		}
		assert_true(n < max);
		s[n].title = xstrdup(line);
		memset(&s[n].text, 0, sizeof(s[n].text));
		buf_adds(&s[n].text, tab + 1);
		n++;
	}
	free(data);
	return n;
}

static const char *
section_text(struct section *s, size_t n, const char *title)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].title, title) == 0)
			return buf_cstr(&s[i].text);
	fail_msg("no section %s", title);
	return NULL;
}

static size_t
count(const char *s, const char *needle)
{
	size_t c = 0;

	while ((s = strstr(s, needle)) != NULL) {
		c++;
		s += strlen(needle);
	}
	return c;
}

static void
seed_notice(void **state)
{
	struct section s[64];
	size_t n = seed_sections(s, 64);
	struct buf w = BUF_INIT;
	const char *src;
	char *out;

	(void)state;
	assert_true(n >= 25);
	/* every section: well-formed, warned only about the lists' style */
	for (size_t i = 0; i < n; i++) {
		const char *p;

		buf_reset(&w);
		out = rt_clean(s[i].text.data, s[i].text.len, &w);
		check_safe(out, s[i].title);
		for (p = buf_cstr(&w); *p != '\0'; p = strchr(p, '\n') + 1)
			if (strncmp(p, "dropped attribute style on <ul>\n", 32) != 0)
				fail_msg("%s: warned %s", s[i].title, w.data);
		free(out);
	}

	src = section_text(s, n, "Rekisterin tietosisältö");
	out = rt_clean(src, strlen(src), NULL);
	assert_string_equal(out,
	    "<p>Henkilörekisteri sisältää seuraavia tietoja:</p><ul>"
	    "<li>Henkilön etu- ja sukunimi</li><li>Edustamansa yhteisö</li>"
	    "<li>Sähköpostiosoite</li><li>Postiosoite</li>"
	    "<li>Puhelinnumero</li><li>www-osoite</li><li>IP numero</li>"
	    "<li>Tiedot aikaisemmista tilauksista</li></ul>");
	free(out);

	src = section_text(s, n, "Evästeet");
	buf_reset(&w);
	out = rt_clean(src, strlen(src), &w);
	assert_string_equal(w.data, "dropped attribute style on <ul>\n");
	assert_int_equal(count(out, "<p>"), 8);
	assert_int_equal(count(out, "<li>"), 4);
	assert_non_null(strstr(out, "<p>Evästeiden avulla kerätään seuraavanlaisia "
	    "tietoja:</p><ul><li>vierailijan IP-osoite</li><li>vierailun "
	    "ajankohta</li><li>selatut sivut ja sivujen katseluaajat</li>"
	    "<li>vierailijan selain</li></ul><p>Sinun oikeutesi Sivuillamme "));
	assert_int_equal(strncmp(out, "<p>Käytämme sivuillamme evästeitä "
	    "(\"cookies\").", 46), 0);
	free(out);

	src = section_text(s, n, "Oikeutetun edun peruste");
	out = rt_clean(src, strlen(src), NULL);
	assert_string_equal(out, "<p>Käsittelyn oikeusperusteena on sopimus.</p>");
	free(out);

	src = section_text(s, n, "Automaattinen käsittely ja profilointi");
	out = rt_clean(src, strlen(src), NULL);
	assert_string_equal(out, "");
	free(out);

	for (size_t i = 0; i < n; i++) {
		free(s[i].title);
		buf_free(&s[i].text);
	}
	buf_free(&w);
}

static void
text_plain(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "" },
		{ "<p>a</p><ul><li>b</li><li>c <strong>d</strong></li></ul><p>e<br/>f</p>",
		  "a\n- b\n- c d\ne\nf" },
		{ "<p>a &amp; b &lt;c&gt;</p>", "a & b <c>" },
		{ "<ol><li><a href=\"https://x.example/\">x</a></li></ol>", "- x" },
		{ "not <well formed", "" },
	};
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = rt_text(t[i].in);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	/* round trip of a seed-like export */
	{
		const char *src = "Tietoja: <ul style=\"x\">- Nimi- Osoite\n"
		    "- Puhelinnumero";
		char *out = rt_clean(src, strlen(src), NULL);

		s = rt_text(out);
		assert_string_equal(s, "Tietoja:\n- Nimi\n- Osoite\n- Puhelinnumero");
		free(s);
		free(out);
	}
}

/*
 * Every shape of warning the cleaner writes reads in both languages
 * (rt_warning_words, for the editor's page): the warnings come from
 * rt_clean itself, so a new shape without words fails here.
 */
static void
warnings_in_words(void **state)
{
	static const char src[] = "<p style=\"x\" onclick=\"y()\">a"
	    "<a href=\"javascript:alert(1)\">b</a><a>c</a>"
	    "<a href=\"https://e.fi\"><a href=\"https://f.fi\">d</a></a>"
	    "<em><strong><em><strong><em><strong><em><strong><em>deep"
	    "</em></strong></em></strong></em></strong></em></strong></em>"
	    "</p><h3>h</h3><script>s()</script><font color=\"red\">f</font>";
	static const struct { const char *line, *fi, *en; } known[] = {
		{ "dropped <h3>", "Poistettiin merkintä, jota selosteessa ei"
		    " käytetä; teksti säilyi: <h3>", "Removed markup the notice"
		    " does not use; the text kept: <h3>" },
		{ "dropped <script> and its content",
		    "Poistettiin merkintä sisältöineen: <script>",
		    "Removed with its content: <script>" },
		{ "dropped attribute style on <p>",
		    "Poistettiin merkinnän lisämääre: style (<p>)",
		    "Removed an attribute: style (<p>)" },
		{ "dropped <a> inside a link", "Linkin sisällä ollut toinen"
		    " linkki poistettiin; teksti säilyi.", "A link inside another"
		    " link was removed; its text was kept." },
	};
	struct i18n *t;
	struct buf w = BUF_INIT, out = BUF_INIT;
	char err[512], *clean;
	const char *p, *e;
	int lines = 0;

	(void)state;
	assert_non_null(t = i18n_load("i18n", err, sizeof(err)));
	clean = rt_clean(src, sizeof(src) - 1, &w);
	assert_non_null(clean);
	free(clean);
	for (p = w.data; p != NULL && *p != '\0'; p = e + 1) {
		assert_non_null(e = strchr(p, '\n'));
		for (int l = 0; l < LANG__MAX; l++) {
			buf_reset(&out);
			if (rt_warning_words(t, (enum lang)l, p, (size_t)(e - p),
			    &out) != 0)
				fail_msg("no words for \"%.*s\"", (int)(e - p), p);
			if (strstr(buf_cstr(&out), "dropped") != NULL ||
			    strstr(buf_cstr(&out), "rt.w.") != NULL)
				fail_msg("%s", buf_cstr(&out));
		}
		lines++;
	}
	/* two attributes, a refused link, one without href, too deep, h3,
	 * script, font (libxml2's HTML parser closes a link before a link
	 * opens, so "inside a link" is checked by its line below) */
	assert_int_equal(lines, 8);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (i < 3 && strstr(w.data, known[i].line) == NULL)
			fail_msg("the cleaner no longer says \"%s\"", known[i].line);
		buf_reset(&out);
		assert_int_equal(rt_warning_words(t, LANG_FI, known[i].line,
		    strlen(known[i].line), &out), 0);
		assert_string_equal(buf_cstr(&out), known[i].fi);
		buf_reset(&out);
		assert_int_equal(rt_warning_words(t, LANG_EN, known[i].line,
		    strlen(known[i].line), &out), 0);
		assert_string_equal(buf_cstr(&out), known[i].en);
	}
	/* another shape stays as it is */
	buf_reset(&out);
	assert_int_equal(rt_warning_words(t, LANG_FI, "something else", 14,
	    &out), -1);
	assert_string_equal(buf_cstr(&out), "something else");
	buf_free(&out);
	buf_free(&w);
	i18n_free(t);
}

/*
 * The editor's plain-text syntax (rt_from_markdown, then rt_clean): what
 * people type becomes the allowed markup, a link of a refused scheme is
 * dropped as ever, and every section already stored (the seed notice,
 * cleaned) comes through the editor unchanged.
 */
static void
markdown_syntax(void **state)
{
	static const char typed[] = "Ensimmäinen kappale.\n\n"
	    "Toinen **tärkeä** ja *kursiivi*\nrivinvaihto\n\n"
	    "- yksi\n- kaksi\n\n1. eka\n2. toka\n\n"
	    "[Tietosuoja](https://tietosuoja.fi) ja [paha](javascript:alert(1))"
	    " ja <script>x()</script>";
	struct section sec[64];
	size_t n = seed_sections(sec, 64);
	struct buf w = BUF_INIT;
	char *html, *out;

	(void)state;
	html = rt_from_markdown(typed, sizeof(typed) - 1);
	assert_non_null(html);
	out = rt_clean(html, strlen(html), &w);
	free(html);
	assert_string_equal(out, "<p>Ensimmäinen kappale.</p>"
	    "<p>Toinen <strong>tärkeä</strong> ja <em>kursiivi</em><br/>"
	    "rivinvaihto</p><ul><li>yksi</li><li>kaksi</li></ul>"
	    "<ol><li>eka</li><li>toka</li></ol>"
	    "<p><a href=\"https://tietosuoja.fi\">Tietosuoja</a> ja paha ja</p>");
	assert_non_null(strstr(w.data, "dropped link javascript:alert(1)"));
	assert_non_null(strstr(w.data, "dropped <script> and its content"));
	free(out);
	buf_free(&w);
	for (size_t i = 0; i < n; i++) {
		char *stored = rt_clean(sec[i].text.data, sec[i].text.len, NULL),
		    *again;

		html = rt_from_markdown(stored, strlen(stored));
		again = rt_clean(html, strlen(html), NULL);
		if (strcmp(stored, again) != 0)
			fail_msg("%s changed:\n%s\n%s", sec[i].title, stored, again);
		free(stored);
		free(html);
		free(again);
		free(sec[i].title);
		buf_free(&sec[i].text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_fixtures),
		cmocka_unit_test(hostile_links),
		cmocka_unit_test(clean_exact),
		cmocka_unit_test(clean_invalid_utf8),
		cmocka_unit_test(clean_deep),
		cmocka_unit_test(clean_warnings),
		cmocka_unit_test(warnings_in_words),
		cmocka_unit_test(markdown_syntax),
		cmocka_unit_test(seed_notice),
		cmocka_unit_test(text_plain),
	};

	xmlInitParser();
	return cmocka_run_group_tests_name("richtext", tests, NULL, NULL);
}
