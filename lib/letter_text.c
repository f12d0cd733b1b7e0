/* letter_text.c — a rendered letter as plain text for mail (letter_text); see letter.h. */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "letter.h"

#define TEXT_DEPTH	300	/* deeper than libxml2 ever parses */
#define TEXT_WIDTH	76	/* a mail line's width, wrapped at spaces */

/* The walk's state: finished lines, and the line being gathered. */
struct text {
	struct buf	 out;
	struct buf	 line;
	const char	*prefix;	/* for the line being gathered */
};

/* Add line[0..n) to out, wrapped at spaces to TEXT_WIDTH bytes (a word longer stays whole). */
static void
wrap_add(struct buf *out, const char *p, size_t n)
{
	while (n > TEXT_WIDTH) {
		size_t cut = TEXT_WIDTH;

		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			for (cut = TEXT_WIDTH; cut < n && p[cut] != ' '; cut++)
				;
		buf_add(out, p, cut);
		buf_addc(out, '\n');
		while (cut < n && p[cut] == ' ')
			cut++;
		p += cut;
		n -= cut;
	}
	buf_add(out, p, n);
}

static void
end_line(struct text *t)
{
	size_t n = t->line.len;

	while (n > 0 && t->line.data[n - 1] == ' ')
		n--;
	if (n > 0) {
		struct buf l = BUF_INIT;

		if (t->out.len > 0)
			buf_addc(&t->out, '\n');
		buf_adds(&l, t->prefix);
		buf_add(&l, t->line.data, n);
		wrap_add(&t->out, l.data, l.len);
		buf_free(&l);
	}
	buf_reset(&t->line);
	t->prefix = "";
}

/* Text s: white space collapsed, except that a line break in pre-wrapped text ends the line. */
static void
add(struct text *t, const char *s, int pre)
{
	for (; *s != '\0'; s++) {
		if (pre && *s == '\n')
			end_line(t);
		else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			buf_addc(&t->line, *s);
		else if (t->line.len > 0 && t->line.data[t->line.len - 1] != ' ')
			buf_addc(&t->line, ' ');
	}
}

/* Whether element n's class attribute has word. */
static int
has_class(xmlNodePtr n, const char *word)
{
	xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
	int yes = 0;

	if (c != NULL) {
		size_t w = strlen(word);

		for (const char *p = (const char *)c; (p = strstr(p, word)) != NULL;
		    p += w)
			if ((p == (const char *)c || p[-1] == ' ') &&
			    (p[w] == '\0' || p[w] == ' '))
				yes = 1;
		xmlFree(c);
	}
	return yes;
}

static int
is_block(const char *name)
{
	static const char *const blocks[] = { "p", "li", "ul", "ol", "h1", "h2",
	    "h3", "dt", "dd", "dl", "div", "address", "section", "header",
	    "footer", "figure", "figcaption", "table", "tr", NULL };

	for (int i = 0; blocks[i] != NULL; i++)
		if (strcmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

static void
walk(struct text *t, xmlNodePtr n, int depth, int pre)
{
	const char *name;

	if (depth > TEXT_DEPTH)
		return;
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				add(t, (const char *)n->content, pre);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)n->name;
		/* the QR code and what is only for paper stay out of the mail */
		if (strcmp(name, "svg") == 0 || has_class(n, "no-mail"))
			continue;
		if (strcmp(name, "br") == 0) {
			end_line(t);
			continue;
		}
		if (!is_block(name)) {
			walk(t, n->children, depth + 1, pre);
			continue;
		}
		end_line(t);
		if (strcmp(name, "li") == 0)
			t->prefix = "- ";
		/* a heading gets a blank line before it */
		if (name[0] == 'h' && t->out.len > 0)
			buf_addc(&t->out, '\n');
		walk(t, n->children, depth + 1, pre || has_class(n, "pre"));
		end_line(t);
	}
}

/* The first element with class word under n, or NULL. */
static xmlNodePtr
find_class(xmlNodePtr n, const char *word, int depth)
{
	for (; n != NULL && depth < TEXT_DEPTH; n = n->next) {
		xmlNodePtr f;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (has_class(n, word))
			return n;
		if ((f = find_class(n->children, word, depth + 1)) != NULL)
			return f;
	}
	return NULL;
}

char *
letter_text(const char *page, size_t len)
{
	struct text t = { BUF_INIT, BUF_INIT, "" };
	xmlDocPtr doc;
	xmlNodePtr letter;

	if (page == NULL || len > INT_MAX || (doc = xmlReadMemory(page, (int)len,
	    NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING)) == NULL)
		return NULL;
	if ((letter = find_class(xmlDocGetRootElement(doc), "letter", 0)) !=
	    NULL) {
		walk(&t, letter->children, 0, 0);
		end_line(&t);
		buf_addc(&t.out, '\n');
	}
	xmlFreeDoc(doc);
	buf_free(&t.line);
	if (letter == NULL) {
		buf_free(&t.out);
		return NULL;
	}
	return buf_take(&t.out);
}
