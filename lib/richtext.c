/* richtext.c — the notice's rich text cleaned with libxml2; see richtext.h. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "log.h"
#include "richtext.h"

#define RT_INLINE_MAX	8	/* strong/em/a kept up to this nesting */
#define RT_SHOW_MAX	40	/* bytes of a name or URL shown in a warning */
#define RT_TEXT_DEPTH	300	/* rt_text: deeper than libxml2 ever parses */

/*
 * What a source element becomes. The HTML parser hands us lower-case
 * names; anything not in the table is R_PLAIN: dropped, its content kept
 * as if the tag were not there. That includes embed: void in HTML, but
 * libxml2 2.9 puts whatever follows it inside it.
 */
enum role {
	R_PLAIN,	/* unknown inline (span, font, b …): text kept */
	R_ROOT,		/* html, head, body: the parser's frame, silently */
	R_SKIP,		/* dropped together with everything inside */
	R_BREAK,	/* unknown block (div, h1 …): dropped, ends a paragraph */
	R_P,
	R_LIST,		/* ul, ol */
	R_LI,
	R_BR,
	R_INLINE,	/* strong, em */
	R_A
};

static const struct {
	const char	*name;
	enum role	 role;
} roles[] = {
	{ "p", R_P }, { "ul", R_LIST }, { "ol", R_LIST }, { "li", R_LI },
	{ "br", R_BR }, { "strong", R_INLINE }, { "em", R_INLINE },
	{ "a", R_A },
	{ "html", R_ROOT }, { "head", R_ROOT }, { "body", R_ROOT },
	{ "script", R_SKIP }, { "style", R_SKIP }, { "iframe", R_SKIP },
	{ "object", R_SKIP }, { "template", R_SKIP },
	{ "noscript", R_SKIP }, { "svg", R_SKIP }, { "math", R_SKIP },
	{ "applet", R_SKIP }, { "noembed", R_SKIP }, { "noframes", R_SKIP },
	{ "frameset", R_SKIP }, { "title", R_SKIP },
	{ "address", R_BREAK }, { "article", R_BREAK }, { "aside", R_BREAK },
	{ "blockquote", R_BREAK }, { "caption", R_BREAK },
	{ "center", R_BREAK }, { "dd", R_BREAK }, { "details", R_BREAK },
	{ "dialog", R_BREAK }, { "dir", R_BREAK }, { "div", R_BREAK },
	{ "dl", R_BREAK }, { "dt", R_BREAK }, { "fieldset", R_BREAK },
	{ "figcaption", R_BREAK }, { "figure", R_BREAK },
	{ "footer", R_BREAK }, { "form", R_BREAK }, { "h1", R_BREAK },
	{ "h2", R_BREAK }, { "h3", R_BREAK }, { "h4", R_BREAK },
	{ "h5", R_BREAK }, { "h6", R_BREAK }, { "header", R_BREAK },
	{ "hgroup", R_BREAK }, { "hr", R_BREAK }, { "main", R_BREAK },
	{ "menu", R_BREAK }, { "nav", R_BREAK }, { "pre", R_BREAK },
	{ "section", R_BREAK }, { "summary", R_BREAK }, { "table", R_BREAK },
	{ "tbody", R_BREAK }, { "td", R_BREAK }, { "tfoot", R_BREAK },
	{ "th", R_BREAK }, { "thead", R_BREAK }, { "tr", R_BREAK },
};

/* The schemes a kept href may have, lower case, colon included. */
static const char *const schemes[] = { "http:", "https:", "mailto:" };

/* What leaving a source element has to undo; see leave(). */
enum kind {
	K_NONE,		/* nothing */
	K_BREAK,	/* end the paragraph again (or a space, inline) */
	K_SOFT,		/* a block flattened into inline content: a space */
	K_BLOCK,	/* close the p or li with this id, if still open */
	K_LIST,		/* close the ul or ol with this id, if still open */
	K_INLINE	/* close the strong/em/a with this id, if still open */
};

struct frame {
	enum kind	 kind;
	unsigned long	 id;
};

/*
 * The clean document being built. Its shape is fixed: root holds p, ul
 * and ol; lists hold li; p and li hold text, br and up to RT_INLINE_MAX
 * nested strong/em/a. Open containers are known by id, never by a pointer
 * kept in a frame, because closing a container may free it.
 */
struct out {
	xmlDocPtr	 doc;
	xmlNodePtr	 root;
	xmlNodePtr	 list;		/* open ul/ol, or NULL */
	xmlNodePtr	 block;		/* open p or li, or NULL */
	xmlNodePtr	 inl[RT_INLINE_MAX];	/* open inline elements */
	unsigned long	 inl_id[RT_INLINE_MAX];
	size_t		 inl_n;
	unsigned long	 list_id, block_id, last_id;
	int		 list_implicit;	/* opened by a stray <li> */
	int		 block_explicit;	/* opened by a <p> or <li> */
	int		 space;		/* block ends in a space, or at a start */
	int		 blank;		/* block has no text yet */
	struct buf	*warn;		/* may be NULL */
	size_t		 warn_from;	/* our lines start here */
};

static void
xml_oom(void)
{
	LOG_ERR("libxml2 out of memory");
	abort();
}

/* A node libxml2 made, or abort: allocation failure is not recoverable. */
static xmlNodePtr
must(xmlNodePtr n)
{
	if (n == NULL)
		xml_oom();
	return n;
}

/*
 * Decode one UTF-8 sequence from s[0..n). Returns its length and sets
 * *cp, or returns 0 for anything that is not the shortest encoding of a
 * scalar value (overlongs, surrogates, beyond U+10FFFF, truncation).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c, min;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* HTML's ASCII whitespace. */
static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Length of the character at s[0..n) if XML 1.0 cannot carry it (a C0
 * control other than whitespace, DEL, U+FFFE, U+FFFF), else 0.
 */
static size_t
xml_bad_char(const unsigned char *s, size_t n)
{
	if ((s[0] < 0x20 && !is_ws(s[0])) || s[0] == 0x7f)
		return 1;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe ||
	    s[2] == 0xbf))
		return 3;
	return 0;
}

/*
 * A copy of s[0..n) without the characters XML cannot carry (which would
 * stop libxml2's parser), or NULL if s is not strict UTF-8 or holds a NUL.
 * Caller frees.
 */
static char *
xml_copy(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b = BUF_INIT;
	unsigned long cp;
	size_t i = 0, l;

	while (i < n) {
		if ((l = utf8_decode(u + i, n - i, &cp)) == 0 || cp == 0) {
			buf_free(&b);
			return NULL;
		}
		if (xml_bad_char(u + i, l) == 0)
			buf_add(&b, u + i, l);
		i += l;
	}
	return buf_take(&b);
}

/*
 * Copy s into dst (size RT_SHOW_MAX + 4 or more) for a terminal: at most
 * RT_SHOW_MAX bytes cut at a character boundary, "…" if cut, controls
 * (C0, DEL, C1) shown as '?'.
 */
static void
show(char *dst, size_t dstlen, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, o = 0, l, n = strlen(s);

	while (i < n) {
		if ((l = utf8_decode(u + i, n - i, &cp)) == 0) {
			l = 1;
			cp = '?';
		}
		if (o + l > RT_SHOW_MAX || o + l + 4 > dstlen) {
			if (o + 4 <= dstlen) {
				memcpy(dst + o, "\xe2\x80\xa6", 3);
				o += 3;
			}
			break;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			dst[o++] = '?';
		else {
			memcpy(dst + o, u + i, l);
			o += l;
		}
		i += l;
	}
	dst[o] = '\0';
}

/* Append one warning line, unless this call already gave the same one. */
static void warn(struct out *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct out *o, const char *fmt, ...)
{
	char line[256];
	const char *p, *end, *e;
	va_list ap;
	size_t n;

	if (o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (o->warn->len > o->warn_from) {
		p = o->warn->data + o->warn_from;
		end = o->warn->data + o->warn->len;
		for (; p < end; p = e + 1) {
			if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
				e = end;
			if ((size_t)(e - p) == n && memcmp(p, line, n) == 0)
				return;
		}
	}
	buf_add(o->warn, line, n);
	buf_addc(o->warn, '\n');
}

static void
warn_element(struct out *o, const xmlChar *name, const char *why)
{
	char s[RT_SHOW_MAX + 4];

	show(s, sizeof(s), (const char *)name);
	warn(o, "dropped <%s>%s", s, why);
}

/* One warning per attribute of n except, if keep is set, href. */
static void
warn_attrs(struct out *o, xmlNodePtr n, int keep)
{
	char a[RT_SHOW_MAX + 4], e[RT_SHOW_MAX + 4];

	for (xmlAttrPtr p = n->properties; p != NULL; p = p->next) {
		if (keep && strcmp((const char *)p->name, "href") == 0)
			continue;
		show(a, sizeof(a), (const char *)p->name);
		show(e, sizeof(e), (const char *)n->name);
		warn(o, "dropped attribute %s on <%s>", a, e);
	}
}

static enum role
role_of(const xmlChar *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, (const char *)name) == 0)
			return roles[i].role;
	return R_PLAIN;
}

/*
 * The href of a link to keep, or NULL: trimmed of whitespace and controls
 * at both ends, with no control inside, its scheme (lower-cased) one of
 * schemes[]. Anything else — javascript:, data:, a relative link, a scheme
 * split by a tab — is refused. Caller frees.
 */
static char *
href_clean(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = strlen(v), i;
	char *r;

	while (n > 0 && (*s <= 0x20 || *s == 0x7f))
		s++, n--;
	while (n > 0 && (s[n - 1] <= 0x20 || s[n - 1] == 0x7f))
		n--;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || xml_bad_char(s + i, n - i) != 0)
			return NULL;
	for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
		size_t sl = strlen(schemes[k]);

		if (n < sl || strncasecmp((const char *)s, schemes[k], sl) != 0)
			continue;
		r = xstrndup((const char *)s, n);
		memcpy(r, schemes[k], sl);
		return r;
	}
	return NULL;
}

/* Where inline content goes now. */
static xmlNodePtr
cur(const struct out *o)
{
	return o->inl_n > 0 ? o->inl[o->inl_n - 1] : o->block;
}

static xmlNodePtr
new_el(struct out *o, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	n = must(xmlNewDocNode(o->doc, NULL, (const xmlChar *)name, NULL));
	if (xmlAddChild(parent, n) == NULL)
		xml_oom();
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
	xmlNodePtr c = cur(o), last = c->last;

	if (last != NULL && last->type == XML_TEXT_NODE) {
		xmlNodeAddContentLen(last, (const xmlChar *)s, (int)n);
		return;
	}
	last = must(xmlNewDocTextLen(o->doc, (const xmlChar *)s, (int)n));
	if (xmlAddChild(c, last) == NULL)
		xml_oom();
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
	r = must(xmlNewDocTextLen(o->doc, (const xmlChar *)s, (int)n));
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
		xml_oom();
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
static void
close_block(struct out *o)
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

static void
close_list(struct out *o)
{
	close_block(o);
	if (o->list == NULL)
		return;
	if (o->list->children == NULL)
		drop(o->list);
	o->list = NULL;
	o->list_id = 0;
	o->list_implicit = 0;
}

static void
open_list(struct out *o, const xmlChar *name, int implicit)
{
	o->list = new_el(o, o->root, (const char *)name);
	o->list_id = ++o->last_id;
	o->list_implicit = implicit;
}

/* Open a p (at the root) or an li (in the open list). */
static void
open_block(struct out *o, int explicit)
{
	if (o->list != NULL)
		o->block = new_el(o, o->list, "li");
	else
		o->block = new_el(o, o->root, "p");
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
static void
need_block(struct out *o)
{
	if (o->block != NULL)
		return;
	if (o->list != NULL && o->list_implicit)
		close_list(o);
	open_block(o, 0);
}

/*
 * Inside a block's content: an explicit p or li, or an inline element.
 * Block elements met here are flattened to a space.
 */
static int
in_inline(const struct out *o)
{
	return o->block != NULL && (o->block_explicit || o->inl_n > 0);
}

/*
 * Directly in a list, not in an explicit li: text here is "- item" lines
 * (the export's way of writing a list).
 */
static int
in_items(const struct out *o)
{
	return o->list != NULL && !o->list_implicit && (o->block == NULL ||
	    (!o->block_explicit && o->inl_n == 0));
}

/* A word break that is not a paragraph break. */
static void
soft(struct out *o)
{
	if (o->block != NULL && !o->space) {
		add_text(o, " ", 1);
		o->space = 1;
	}
}

/* Between blocks: end the paragraph, or a space when in inline content. */
static void
hard(struct out *o)
{
	if (in_inline(o))
		soft(o);
	else if (o->list_implicit)
		close_list(o);
	else
		close_block(o);
}

/*
 * Add text: whitespace runs become one space, none at a block's start;
 * characters XML cannot carry are left out.
 */
static void
emit_text(struct out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, j, bad;

	while (i < n) {
		if (is_ws(u[i])) {
			soft(o);
			i++;
			continue;
		}
		if ((bad = xml_bad_char(u + i, n - i)) != 0) {
			i += bad;
			continue;
		}
		for (j = i; j < n && !is_ws(u[j]) &&
		    xml_bad_char(u + j, n - j) == 0; j++)
			continue;
		need_block(o);
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

	while (i < n && is_ws(s[i]))
		i++;
	for (j = i; j < n && !is_ws(s[j]) && s[j] != '-' && s[j] != ',' &&
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
static void
emit_items(struct out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		if (u[i] != '-' || !is_ws(u[i + 1]))
			continue;
		if (i != 0 && !is_ws(u[i - 1]) && joins_next(u + i + 1,
		    n - i - 1))
			continue;
		emit_text(o, s + start, i - start);
		close_block(o);
		start = i + 1;
	}
	emit_text(o, s + start, n - start);
}

static void
enter_br(struct out *o)
{
	xmlNodePtr c, last;

	if (o->block == NULL || o->blank)
		return;
	c = cur(o);
	if ((last = c->last) != NULL && last->type == XML_TEXT_NODE)
		trim_text(o, last);
	new_el(o, c, "br");
	o->space = 1;
}

/*
 * strong, em or a: kept, with f set to close it, or dropped (with a
 * warning) and its content kept — a link whose href is refused, a link in
 * a link, or nesting deeper than RT_INLINE_MAX.
 */
static void
enter_inline(struct out *o, xmlNodePtr n, enum role role, struct frame *f)
{
	xmlChar *v = NULL;
	char *href = NULL, s[RT_SHOW_MAX + 4];
	xmlNodePtr e;

	if (role == R_A) {
		for (size_t i = 0; i < o->inl_n; i++)
			if (strcmp((const char *)o->inl[i]->name, "a") == 0) {
				warn(o, "dropped <a> inside a link");
				goto out;
			}
		if ((v = xmlGetProp(n, (const xmlChar *)"href")) == NULL ||
		    *v == '\0') {
			warn(o, "dropped <a> without href");
			goto out;
		}
		if ((href = href_clean((const char *)v)) == NULL) {
			show(s, sizeof(s), (const char *)v);
			warn(o, "dropped link %s", s);
			goto out;
		}
	}
	if (o->inl_n == RT_INLINE_MAX) {
		warn_element(o, n->name, " nested too deep");
		goto out;
	}
	warn_attrs(o, n, role == R_A);
	need_block(o);
	e = new_el(o, cur(o), (const char *)n->name);
	if (href != NULL && xmlNewProp(e, (const xmlChar *)"href",
	    (const xmlChar *)href) == NULL)
		xml_oom();
	o->inl[o->inl_n] = e;
	o->inl_id[o->inl_n++] = f->id = ++o->last_id;
	f->kind = K_INLINE;
out:
	xmlFree(v);
	free(href);
}

/*
 * Start on source element n: update the clean document and say in f what
 * leaving n must undo. Returns whether n's children are to be walked.
 */
static int
enter_element(struct out *o, xmlNodePtr n, struct frame *f)
{
	enum role role = role_of(n->name);

	switch (role) {
	case R_ROOT:
		return 1;
	case R_SKIP:
		warn_element(o, n->name, " and its content");
		return 0;
	case R_PLAIN:
		warn_element(o, n->name, "");
		return 1;
	case R_BREAK:
		warn_element(o, n->name, "");
		hard(o);
		f->kind = K_BREAK;
		return 1;
	case R_BR:
		warn_attrs(o, n, 0);
		enter_br(o);
		return 0;
	case R_INLINE:
	case R_A:
		enter_inline(o, n, role, f);
		return 1;
	case R_P:
	case R_LIST:
	case R_LI:
		break;
	}
	warn_attrs(o, n, 0);
	/*
	 * In a p, or in an inline element, blocks flatten to spaces; directly
	 * in an li, a nested list or li ends that li instead.
	 */
	if (in_inline(o) && (role == R_P || o->list == NULL || o->inl_n > 0)) {
		soft(o);
		f->kind = K_SOFT;
		return 1;
	}
	switch (role) {
	case R_P:
		/* an unclosed list ends at the next paragraph */
		close_list(o);
		open_block(o, 1);
		f->kind = K_BLOCK;
		f->id = o->block_id;
		break;
	case R_LIST:
		if (o->list != NULL && !o->list_implicit) {
			/* a nested list: its items join the outer one */
			close_block(o);
			break;
		}
		close_list(o);
		open_list(o, n->name, 0);
		f->kind = K_LIST;
		f->id = o->list_id;
		break;
	default:	/* R_LI; a stray one starts a list */
		close_block(o);
		if (o->list == NULL)
			open_list(o, (const xmlChar *)"ul", 1);
		open_block(o, 1);
		f->kind = K_BLOCK;
		f->id = o->block_id;
		break;
	}
	return 1;
}

/* Start on source node n; see enter_element(). */
static int
enter(struct out *o, xmlNodePtr n, struct frame *f)
{
	const char *s;

	f->kind = K_NONE;
	f->id = 0;
	switch (n->type) {
	case XML_ELEMENT_NODE:
		return enter_element(o, n, f);
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if ((s = (const char *)n->content) == NULL)
			return 0;
		if (in_items(o))
			emit_items(o, s, strlen(s));
		else
			emit_text(o, s, strlen(s));
		return 0;
	case XML_COMMENT_NODE:
		warn(o, "dropped comment");
		return 0;
	case XML_PI_NODE:
		warn(o, "dropped processing instruction");
		return 0;
	default:
		return 0;
	}
}

/* Finish a source element: close what it opened, if still open. */
static void
leave(struct out *o, const struct frame *f)
{
	switch (f->kind) {
	case K_NONE:
		break;
	case K_BREAK:
		hard(o);
		break;
	case K_SOFT:
		soft(o);
		break;
	case K_BLOCK:
		if (o->block != NULL && o->block_id == f->id)
			close_block(o);
		break;
	case K_LIST:
		if (o->list != NULL && o->list_id == f->id)
			close_list(o);
		break;
	case K_INLINE:
		if (o->inl_n > 0 && o->inl_id[o->inl_n - 1] == f->id)
			o->inl_n--;
		break;
	}
}

/*
 * Walk the parsed source from n and its following siblings, depth first,
 * without recursion: the parser's tree may be as deep as it likes.
 */
static void
walk(struct out *o, xmlNodePtr n)
{
	struct frame *st = NULL, f;
	size_t depth = 0, cap = 0;

	while (n != NULL) {
		if (enter(o, n, &f) && n->children != NULL) {
			if (depth == cap) {
				cap = cap ? cap * 2 : 64;
				st = xrealloc(st, cap * sizeof(*st));
			}
			st[depth++] = f;
			n = n->children;
			continue;
		}
		leave(o, &f);
		while (n->next == NULL && depth > 0) {
			n = n->parent;
			leave(o, &st[--depth]);
		}
		n = n->next;
	}
	free(st);
}

/* The children of root as XHTML, UTF-8. Caller frees. */
static char *
serialise(xmlDocPtr doc, xmlNodePtr root)
{
	xmlBufferPtr b;
	char *s;

	if ((b = xmlBufferCreate()) == NULL)
		xml_oom();
	for (xmlNodePtr c = root->children; c != NULL; c = c->next)
		if (xmlNodeDump(b, doc, c, 0, 0) < 0)
			xml_oom();
	s = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

/*
 * Parse src[0..len) (len <= INT_MAX) with libxml2's HTML parser, as UTF-8
 * whatever a <meta> says, without network. The parser stops at elements
 * nested 256 deep (its guard against deep recursion): what it read so far
 * is kept, with a warning. Returns the document, NULL if there is none.
 */
static htmlDocPtr
parse(struct out *o, const char *src, size_t len)
{
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;

	if ((ctxt = htmlNewParserCtxt()) == NULL)
		xml_oom();
	doc = htmlCtxtReadMemory(ctxt, src, (int)len, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_IGNORE_ENC);
	if (ctxt->disableSAX)
		warn(o, "dropped the rest of the text: %s",
		    ctxt->errNo == XML_ERR_INTERNAL_ERROR ?
		    "tags nested too deep" : "cannot parse it");
	htmlFreeParserCtxt(ctxt);
	return doc;
}

char *
rt_clean(const char *src, size_t len, struct buf *warnings)
{
	struct out o;
	htmlDocPtr in = NULL;
	char *copy, *res;

	if (len > 0 && src == NULL)
		return NULL;
	if ((copy = xml_copy(src, len)) == NULL)
		return NULL;
	len = strlen(copy);
	memset(&o, 0, sizeof(o));
	o.warn = warnings;
	o.warn_from = warnings != NULL ? warnings->len : 0;
	o.space = o.blank = 1;
	if ((o.doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		xml_oom();
	o.root = must(xmlNewDocNode(o.doc, NULL, (const xmlChar *)"div",
	    NULL));
	xmlDocSetRootElement(o.doc, o.root);
	if (len > INT_MAX)
		warn(&o, "dropped the text: too long");
	else if (len > 0)
		in = parse(&o, copy, len);
	if (in != NULL)
		walk(&o, in->children);
	close_list(&o);
	res = serialise(o.doc, o.root);
	xmlFreeDoc(in);
	xmlFreeDoc(o.doc);
	free(copy);
	return res;
}

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
		if (!is_ws((unsigned char)*s))
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
