/*
 * fuzz_richtext.c — rt_clean, the notice's rich-text cleaner (lib/richtext.h),
 * on pasted HTML. Valid UTF-8 without NUL must always come back; what comes
 * back, wrapped in an XHTML <div>, must parse as well-formed XML holding only
 * p ul ol li strong em br a, with no attribute but an http:, https: or
 * mailto: href on <a>. rt_text must accept every cleaned fragment.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "fuzz.h"
#include "richtext.h"

static const char *const allowed[] = {
	"p", "ul", "ol", "li", "strong", "em", "br", "a"
};

/* Strict UTF-8 (shortest form, no surrogates, at most U+10FFFF), no NUL. */
static int
utf8_ok(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp, min;
		size_t n;

		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			cp = s[i] & 0x1fu, n = 2, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			cp = s[i] & 0x0fu, n = 3, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			cp = s[i] & 0x07u, n = 4, min = 0x10000;
		else
			return 0;
		if (len - i < n)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

static void
check_tree(const xmlNode *n, const char *frag)
{
	for (; n != NULL; n = n->next) {
		size_t i;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (strcmp((const char *)n->name, allowed[i]) == 0)
				break;
		if (i == sizeof(allowed) / sizeof(allowed[0]))
			fz_fail("element outside the allowed set", frag);
		for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
			xmlChar *v;
			int ok;

			if (strcmp((const char *)n->name, "a") != 0 ||
			    strcmp((const char *)a->name, "href") != 0 || a->ns != NULL)
				fz_fail("attribute other than a/@href", frag);
			v = xmlNodeGetContent((const xmlNode *)a);
			ok = v != NULL && (strncmp((char *)v, "http:", 5) == 0 ||
			    strncmp((char *)v, "https:", 6) == 0 ||
			    strncmp((char *)v, "mailto:", 7) == 0);
			xmlFree(v);
			if (!ok)
				fz_fail("href with another scheme", frag);
		}
		check_tree(n->children, frag);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char open[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";
	struct buf warn = BUF_INIT, page = BUF_INIT;
	char *src = malloc(size ? size : 1), *r, *t;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	if (src == NULL)
		abort();
	if (size > 0)
		memcpy(src, data, size);
	r = rt_clean(src, size, &warn);
	free(src);
	buf_free(&warn);
	if (r == NULL) {
		if (utf8_ok(data, size))
			fz_fail("rt_clean refused valid UTF-8", NULL);
		return 0;
	}
	buf_adds(&page, open);
	buf_adds(&page, r);
	buf_adds(&page, "</div>");
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		abort();
	doc = xmlCtxtReadMemory(ctxt, page.data, (int)page.len, "rt.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed)
		fz_fail("cleaned fragment is not well-formed", r);
	check_tree(xmlDocGetRootElement(doc)->children, r);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if ((t = rt_text(r)) == NULL)
		fz_fail("rt_text refused a cleaned fragment", r);
	free(t);
	free(r);
	buf_free(&page);
	return 0;
}
