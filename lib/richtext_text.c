/* richtext_text.c — the plain text of a cleaned fragment (rt_text); see richtext.h. */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "richtext.h"
#include "richtext_int.h"

#define RT_TEXT_DEPTH	300	/* rt_text: deeper than libxml2 ever parses */

/* rt_text's state: finished lines, and the line being gathered. */
struct text {
	struct buf	 out;
	struct buf	 line;
	const char	*prefix;	/* for the line being gathered */
};

static void
text_end_line(struct text *t)
{
	size_t n = t->line.len;

	while (n > 0 && t->line.data[n - 1] == ' ')
		n--;
	if (n > 0) {
		if (t->out.len > 0)
			buf_addc(&t->out, '\n');
		buf_adds(&t->out, t->prefix);
		buf_add(&t->out, t->line.data, n);
	}
	buf_reset(&t->line);
	t->prefix = "";
}

static void
text_add(struct text *t, const char *s)
{
	for (; *s != '\0'; s++) {
		if (!rt_is_ws((unsigned char)*s))
			buf_addc(&t->line, *s);
		else if (t->line.len > 0 && t->line.data[t->line.len - 1] != ' ')
			buf_addc(&t->line, ' ');
	}
}

static void
text_walk(struct text *t, xmlNodePtr n, int depth)
{
	const char *name;

	if (depth > RT_TEXT_DEPTH)
		return;
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				text_add(t, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)n->name;
		if (strcmp(name, "br") == 0) {
			text_end_line(t);
			continue;
		}
		if (strcmp(name, "p") == 0 || strcmp(name, "li") == 0 ||
		    strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
			text_end_line(t);
			if (strcmp(name, "li") == 0)
				t->prefix = "- ";
			text_walk(t, n->children, depth + 1);
			text_end_line(t);
		} else
			text_walk(t, n->children, depth + 1);
	}
}

char *
rt_text(const char *xhtml)
{
	struct text t = { BUF_INIT, BUF_INIT, "" };
	struct buf src = BUF_INIT;
	xmlDocPtr doc;

	if (xhtml == NULL)
		return buf_take(&t.out);
	buf_adds(&src, "<div>");
	buf_adds(&src, xhtml);
	buf_adds(&src, "</div>");
	if (src.len <= INT_MAX &&
	    (doc = xmlReadMemory(src.data, (int)src.len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) != NULL) {
		text_walk(&t, xmlDocGetRootElement(doc), 0);
		text_end_line(&t);
		xmlFreeDoc(doc);
	}
	buf_free(&src);
	buf_free(&t.line);
	return buf_take(&t.out);
}
