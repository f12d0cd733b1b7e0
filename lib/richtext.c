/* richtext.c — the cleaner: pasted HTML read with libxml2, each source element given its role, what is dropped warned about; and the helpers the richtext files share. See richtext.h. */
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
#include "richtext_int.h"

#define RT_SHOW_MAX	40	/* bytes of a name or URL shown in a warning */

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

void
rt_xml_oom(void)
{
	LOG_ERR("libxml2 out of memory");
	abort();
}

/* A node libxml2 made, or abort: allocation failure is not recoverable. */
xmlNodePtr
rt_must(xmlNodePtr n)
{
	if (n == NULL)
		rt_xml_oom();
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
int
rt_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Length of the character at s[0..n) if XML 1.0 cannot carry it (a C0
 * control other than whitespace, DEL, U+FFFE, U+FFFF), else 0.
 */
size_t
rt_xml_bad_char(const unsigned char *s, size_t n)
{
	if ((s[0] < 0x20 && !rt_is_ws(s[0])) || s[0] == 0x7f)
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
		if (rt_xml_bad_char(u + i, l) == 0)
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
		if (s[i] < 0x20 || rt_xml_bad_char(s + i, n - i) != 0)
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
	rt_need_block(o);
	e = rt_new_el(o, rt_cur(o), (const char *)n->name);
	if (href != NULL && xmlNewProp(e, (const xmlChar *)"href",
	    (const xmlChar *)href) == NULL)
		rt_xml_oom();
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
		rt_hard(o);
		f->kind = K_BREAK;
		return 1;
	case R_BR:
		warn_attrs(o, n, 0);
		rt_enter_br(o);
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
	if (rt_in_inline(o) &&
	    (role == R_P || o->list == NULL || o->inl_n > 0)) {
		rt_soft(o);
		f->kind = K_SOFT;
		return 1;
	}
	switch (role) {
	case R_P:
		/* an unclosed list ends at the next paragraph */
		rt_close_list(o);
		rt_open_block(o, 1);
		f->kind = K_BLOCK;
		f->id = o->block_id;
		break;
	case R_LIST:
		if (o->list != NULL && !o->list_implicit) {
			/* a nested list: its items join the outer one */
			rt_close_block(o);
			break;
		}
		rt_close_list(o);
		rt_open_list(o, n->name, 0);
		f->kind = K_LIST;
		f->id = o->list_id;
		break;
	default:	/* R_LI; a stray one starts a list */
		rt_close_block(o);
		if (o->list == NULL)
			rt_open_list(o, (const xmlChar *)"ul", 1);
		rt_open_block(o, 1);
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
		if (rt_in_items(o))
			rt_emit_items(o, s, strlen(s));
		else
			rt_emit_text(o, s, strlen(s));
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
		rt_hard(o);
		break;
	case K_SOFT:
		rt_soft(o);
		break;
	case K_BLOCK:
		if (o->block != NULL && o->block_id == f->id)
			rt_close_block(o);
		break;
	case K_LIST:
		if (o->list != NULL && o->list_id == f->id)
			rt_close_list(o);
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
		rt_xml_oom();
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
		rt_xml_oom();
	o.root = rt_must(xmlNewDocNode(o.doc, NULL, (const xmlChar *)"div",
	    NULL));
	xmlDocSetRootElement(o.doc, o.root);
	if (len > INT_MAX)
		warn(&o, "dropped the text: too long");
	else if (len > 0)
		in = parse(&o, copy, len);
	if (in != NULL)
		walk(&o, in->children);
	rt_close_list(&o);
	res = rt_serialise(o.doc, o.root);
	xmlFreeDoc(in);
	xmlFreeDoc(o.doc);
	free(copy);
	return res;
}
