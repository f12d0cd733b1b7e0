/* richtext_out.c — the clean document the cleaner builds: paragraphs, lists, inline elements and text, kept in the shape richtext.h promises. */
#include <string.h>

#include <libxml/tree.h>

#include "buf.h"
#include "richtext_int.h"

/* Where inline content goes now. */
xmlNodePtr
rt_cur(const struct out *o)
{
	return o->inl_n > 0 ? o->inl[o->inl_n - 1] : o->block;
}

xmlNodePtr
rt_new_el(struct out *o, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	n = rt_must(xmlNewDocNode(o->doc, NULL, (const xmlChar *)name, NULL));
	if (xmlAddChild(parent, n) == NULL)
		rt_xml_oom();
	return n;
}

static void
drop(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* Append text s[0..n) to the inline content, as a text node. */
static void
add_text(struct out *o, const char *s, size_t n)
{
	xmlNodePtr c = rt_cur(o), last = c->last;

	if (last != NULL && last->type == XML_TEXT_NODE) {
		xmlNodeAddContentLen(last, (const xmlChar *)s, (int)n);
		return;
	}
	last = rt_must(xmlNewDocTextLen(o->doc, (const xmlChar *)s, (int)n));
	if (xmlAddChild(c, last) == NULL)
		rt_xml_oom();
}

/*
 * Take trailing spaces off text node t; drop it if nothing is left.
 * Returns 1 if t was dropped.
 */
static int
trim_text(struct out *o, xmlNodePtr t)
{
	const char *s = (const char *)t->content;
	size_t n, len;
	xmlNodePtr r;

	n = len = s ? strlen(s) : 0;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == len)
		return 0;
	if (n == 0) {
		drop(t);
		return 1;
	}
	r = rt_must(xmlNewDocTextLen(o->doc, (const xmlChar *)s, (int)n));
	xmlReplaceNode(t, r);
	xmlFreeNode(t);
	return 0;
}

/* Drop inline elements left empty, innermost first (depth is capped). */
static void
prune(xmlNodePtr n)
{
	xmlNodePtr c, next;

	for (c = n->children; c != NULL; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "br") == 0)
			continue;
		prune(c);
		if (c->children == NULL)
			drop(c);
	}
}

/* Whether n holds no text but spaces and no-break spaces ("<p>&nbsp;</p>"). */
static int
is_blank(xmlNodePtr n)
{
	xmlChar *c;
	const unsigned char *s;
	int blank = 1;

	if ((c = xmlNodeGetContent(n)) == NULL)
		rt_xml_oom();
	for (s = c; *s != '\0' && blank; s++)
		if (s[0] == 0xc2 && s[1] == 0xa0)
			s++;
		else if (*s != ' ')
			blank = 0;
	xmlFree(c);
	return blank;
}

/*
 * Close the open p or li: drop empty inline elements, trailing spaces
 * and breaks, and the block itself if no text is left.
 */
void
rt_close_block(struct out *o)
{
	xmlNodePtr last;

	if (o->block == NULL)
		return;
	prune(o->block);
	for (;;) {
		for (last = o->block; last->last != NULL; last = last->last)
			continue;
		if (last == o->block)
			break;
		if (last->type == XML_TEXT_NODE) {
			if (!trim_text(o, last))
				break;
		} else if (last->type == XML_ELEMENT_NODE)
			drop(last);
		else
			break;
	}
	if (o->block->children == NULL || is_blank(o->block))
		drop(o->block);
	o->block = NULL;
	o->block_id = 0;
	o->inl_n = 0;
	o->space = o->blank = 1;
}

void
rt_close_list(struct out *o)
{
	rt_close_block(o);
	if (o->list == NULL)
		return;
	if (o->list->children == NULL)
		drop(o->list);
	o->list = NULL;
	o->list_id = 0;
	o->list_implicit = 0;
}

void
rt_open_list(struct out *o, const xmlChar *name, int implicit)
{
	o->list = rt_new_el(o, o->root, (const char *)name);
	o->list_id = ++o->last_id;
	o->list_implicit = implicit;
}

/* Open a p (at the root) or an li (in the open list). */
void
rt_open_block(struct out *o, int explicit)
{
	if (o->list != NULL)
		o->block = rt_new_el(o, o->list, "li");
	else
		o->block = rt_new_el(o, o->root, "p");
	o->block_id = ++o->last_id;
	o->block_explicit = explicit;
	o->inl_n = 0;
	o->space = o->blank = 1;
}

/*
 * Make sure inline content has a home: loose content opens a p at the
 * root, or an li in a list from the source; a list opened only for
 * stray <li>s ends first.
 */
void
rt_need_block(struct out *o)
{
	if (o->block != NULL)
		return;
	if (o->list != NULL && o->list_implicit)
		rt_close_list(o);
	rt_open_block(o, 0);
}

/*
 * Inside a block's content: an explicit p or li, or an inline element.
 * Block elements met here are flattened to a space.
 */
int
rt_in_inline(const struct out *o)
{
	return o->block != NULL && (o->block_explicit || o->inl_n > 0);
}

/*
 * Directly in a list, not in an explicit li: text here is "- item" lines
 * (the export's way of writing a list).
 */
int
rt_in_items(const struct out *o)
{
	return o->list != NULL && !o->list_implicit && (o->block == NULL ||
	    (!o->block_explicit && o->inl_n == 0));
}

/* A word break that is not a paragraph break. */
void
rt_soft(struct out *o)
{
	if (o->block != NULL && !o->space) {
		add_text(o, " ", 1);
		o->space = 1;
	}
}

/* Between blocks: end the paragraph, or a space when in inline content. */
void
rt_hard(struct out *o)
{
	if (rt_in_inline(o))
		rt_soft(o);
	else if (o->list_implicit)
		rt_close_list(o);
	else
		rt_close_block(o);
}

/*
 * Add text: whitespace runs become one space, none at a block's start;
 * characters XML cannot carry are left out.
 */
void
rt_emit_text(struct out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, j, bad;

	while (i < n) {
		if (rt_is_ws(u[i])) {
			rt_soft(o);
			i++;
			continue;
		}
		if ((bad = rt_xml_bad_char(u + i, n - i)) != 0) {
			i += bad;
			continue;
		}
		for (j = i; j < n && !rt_is_ws(u[j]) &&
		    rt_xml_bad_char(u + j, n - j) == 0; j++)
			continue;
		rt_need_block(o);
		add_text(o, s + i, j - i);
		o->space = o->blank = 0;
		i = j;
	}
}

/*
 * Words that may follow a suspended hyphen ("etu- ja sukunimi",
 * "asiakas- tai palvelusuhde"): a "-" before them joins, not separates.
 */
static const char *const hyphen_joins[] = {
	"ja", "tai", "sekä", "eli", "eikä", "taikka", "tahi", "and", "or",
};

/* Whether the first word of s[0..n), after whitespace, is in hyphen_joins. */
static int
joins_next(const unsigned char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n && rt_is_ws(s[i]))
		i++;
	for (j = i; j < n && !rt_is_ws(s[j]) && s[j] != '-' && s[j] != ',' &&
	    s[j] != '.'; j++)
		continue;
	for (size_t k = 0; k < sizeof(hyphen_joins) / sizeof(hyphen_joins[0]);
	    k++)
		if (strlen(hyphen_joins[k]) == j - i &&
		    memcmp(hyphen_joins[k], s + i, j - i) == 0)
			return 1;
	return 0;
}

/*
 * Text directly in a ul/ol: the export writes items as "- item", often
 * run together without line breaks ("sukunimi- Edustamansa yhteisö-
 * Sähköpostiosoite- Puhelinnumero- www-osoite"). A "-" followed by
 * whitespace separates items, except when it ends a word and the next
 * word is a conjunction (hyphen_joins): that is Finnish's suspended
 * hyphen, "etu- ja sukunimi" is one item. A "-" with no whitespace after
 * it ("www-osoite", "IP-osoite") never separates.
 */
void
rt_emit_items(struct out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		if (u[i] != '-' || !rt_is_ws(u[i + 1]))
			continue;
		if (i != 0 && !rt_is_ws(u[i - 1]) && joins_next(u + i + 1,
		    n - i - 1))
			continue;
		rt_emit_text(o, s + start, i - start);
		rt_close_block(o);
		start = i + 1;
	}
	rt_emit_text(o, s + start, n - start);
}

void
rt_enter_br(struct out *o)
{
	xmlNodePtr c, last;

	if (o->block == NULL || o->blank)
		return;
	c = rt_cur(o);
	if ((last = c->last) != NULL && last->type == XML_TEXT_NODE)
		trim_text(o, last);
	rt_new_el(o, c, "br");
	o->space = 1;
}

/* The children of root as XHTML, UTF-8. Caller frees. */
char *
rt_serialise(xmlDocPtr doc, xmlNodePtr root)
{
	xmlBufferPtr b;
	char *s;

	if ((b = xmlBufferCreate()) == NULL)
		rt_xml_oom();
	for (xmlNodePtr c = root->children; c != NULL; c = c->next)
		if (xmlNodeDump(b, doc, c, 0, 0) < 0)
			rt_xml_oom();
	s = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}
