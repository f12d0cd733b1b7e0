/* tmpl_render.c — tmpl_render: a compiled template's ops run against a model, every value escaped (or cleaned into well-formed XML) on the way out. The render loop and its helpers stay together in this file, where they can be inlined (make bench-check). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/entities.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlstring.h>

#include "buf.h"
#include "tmpl.h"
#include "tmpl_int.h"

/*
 * Byte classes of model values: E_ESC must be escaped (< > & " \r),
 * E_CTL is a C0 control that XML forbids, E_HIGH starts a UTF-8 sequence
 * that must be checked. A value whose bytes OR to 0 is written as is.
 */
#define E_ESC	1
#define E_CTL	2
#define E_HIGH	4
#define C_	E_CTL
#define E_	E_ESC
#define H_	E_HIGH
#define H16_	H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_, H_
static const unsigned char esc_class[256] = {
	C_, C_, C_, C_, C_, C_, C_, C_, C_, 0, 0, C_, C_, E_, C_, C_,
	C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_,
	0, 0, E_, 0, 0, 0, E_, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E_, 0, E_, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	H16_, H16_, H16_, H16_, H16_, H16_, H16_, H16_,
};
#undef C_
#undef E_
#undef H_
#undef H16_

/*
 * Length of the well-formed UTF-8 sequence at p (at most rem bytes) if it
 * encodes a character XML allows, else 0. xmlCheckUTF8 alone is not
 * enough: it accepts overlong forms, surrogates and U+FFFE, which a
 * parser rejects.
 */
static int
xml_char_len(const char *p, size_t rem)
{
	int l = rem < 4 ? (int)rem : 4, c, need;

	/* xmlGetUTF8Char takes a stray continuation byte for a lead byte */
	if ((unsigned char)*p < 0xc2 || (unsigned char)*p > 0xf4)
		return 0;
	c = xmlGetUTF8Char((const xmlChar *)p, &l);
	if (c < 0 || !xmlIsCharQ(c))
		return 0;
	need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	return l == need ? l : 0;
}

/* Whether s (no C0 controls) is UTF-8 made of XML characters only. */
static int
xml_chars_ok(const char *s, size_t len)
{
	size_t i = 0;
	int l;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = xml_char_len(s + i, len - i)) == 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}

/* Copy s to b, each forbidden control or bad UTF-8 byte as U+FFFD. */
static void
xml_clean(struct buf *b, const char *s, size_t len)
{
	static const char repl[] = "\xEF\xBF\xBD";
	size_t i = 0;
	int l;

	while (i < len) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x80) {
			if (esc_class[ch] & E_CTL)
				buf_add(b, repl, 3);
			else
				buf_addc(b, (char)ch);
			i++;
		} else if ((l = xml_char_len(s + i, len - i)) == 0) {
			buf_add(b, repl, 3);
			i++;
		} else {
			buf_add(b, s + i, (size_t)l);
			i += (size_t)l;
		}
	}
}

/*
 * Append model bytes s (len, NUL at s[len]) as XML text or attribute
 * content. Plain values are copied; others are made well-formed, then
 * escaped by libxml2. Only this slow path allocates.
 */
static void
put_esc(struct buf *out, const char *s, size_t len)
{
	struct buf clean = BUF_INIT;
	unsigned f = 0;
	xmlChar *enc;

	for (size_t i = 0; i < len; i++)
		f |= esc_class[(unsigned char)s[i]];
	if (f == 0) {
		buf_add(out, s, len);
		return;
	}
	if ((f & E_CTL) || ((f & E_HIGH) && !xml_chars_ok(s, len))) {
		xml_clean(&clean, s, len);
		s = clean.data;
		len = clean.len;
	}
	if (f & E_ESC) {
		if ((enc = xmlEncodeSpecialChars(NULL, (const xmlChar *)s)) == NULL)
			abort();
		buf_adds(out, (const char *)enc);
		xmlFree(enc);
	} else
		buf_add(out, s, len);
	buf_free(&clean);
}

static void
put_int(struct buf *out, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_add(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* A value as element text: strings escaped, ints in decimal, else nothing. */
static void
put_text(struct buf *out, const struct tmpl_value *v)
{
	if (v == NULL)
		return;
	switch (v->type) {
	case TV_STR:
	case TV_HTML:
		put_esc(out, v->u.s, v->len);
		break;
	case TV_INT:
		put_int(out, v->u.i);
		break;
	default:
		break;
	}
}

static int
truthy(const struct tmpl_value *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case TV_STR:
	case TV_HTML:
		return v->len != 0;
	case TV_INT:
	case TV_BOOL:
		return v->u.i != 0;
	case TV_LIST:
		return v->u.list->head != NULL;
	case TV_MAP:
		return 1;
	default:
		return 0;
	}
}

static const struct tmpl_value *
map_get(const struct tmpl_map *m, const char *key, const struct seg *sg)
{
	const struct tm_entry *e;

	if (m == NULL)
		return NULL;
	for (e = m->head; e != NULL; e = e->next)
		if (e->hash == sg->hash && e->klen == sg->len &&
		    memcmp(e->key, key, sg->len) == 0)
			return &e->v;
	return NULL;
}

/* The value at op's path, or NULL when any step is missing or not a map. */
static const struct tmpl_value *
resolve(const struct tmpl *t, const struct op *op, const struct tmpl_map *root,
    const struct tm_item *const *loop)
{
	const struct seg *sg = t->segs + op->seg, *end = sg + op->nseg;
	const struct tmpl_value *v;
	const struct tmpl_map *m = root;

	if (op->scope >= 0) {
		v = &loop[op->scope]->v;
		if (sg == end)
			return v;
		if (v->type != TV_MAP)
			return NULL;
		m = v->u.map;
	}
	for (;;) {
		v = map_get(m, t->names + sg->off, sg);
		if (v == NULL || ++sg == end)
			return v;
		if (v->type != TV_MAP)
			return NULL;
		m = v->u.map;
	}
}

/* ' NAME="value"', ' NAME="NAME"' for true, nothing for false or missing. */
static void
put_attr(struct buf *out, const struct tmpl *t, const struct op *op,
    const struct tmpl_value *v)
{
	const char *pre = t->names + op->off;

	if (v == NULL)
		return;
	switch (v->type) {
	case TV_STR:
	case TV_HTML:
		buf_add(out, pre, op->len);
		put_esc(out, v->u.s, v->len);
		break;
	case TV_INT:
		buf_add(out, pre, op->len);
		put_int(out, v->u.i);
		break;
	case TV_BOOL:
		if (!v->u.i)
			return;
		buf_add(out, pre, op->len);
		buf_add(out, pre + 1, op->len - 3);	/* NAME */
		break;
	default:
		return;
	}
	buf_addc(out, '"');
}

void
tmpl_render(const struct tmpl *t, const struct tmpl_map *root, struct buf *out)
{
	const struct tm_item *loop[TMPL_EACH_MAX];
	const struct tmpl_value *v;
	const struct op *op;
	size_t pc = 0;

	buf_reserve(out, t->litlen);
	while (pc < t->nops) {
		op = &t->ops[pc++];
		switch (op->type) {
		case OP_LIT:
			buf_add(out, t->lit + op->off, op->len);
			break;
		case OP_TEXT:
			put_text(out, resolve(t, op, root, loop));
			break;
		case OP_HTML:
			v = resolve(t, op, root, loop);
			if (v != NULL && v->type == TV_HTML)
				buf_add(out, v->u.s, v->len);	/* raw: tm_html */
			else
				put_text(out, v);
			break;
		case OP_ATTR:
			put_attr(out, t, op, resolve(t, op, root, loop));
			break;
		case OP_IF:
			if (!truthy(resolve(t, op, root, loop)))
				pc = op->jump;
			break;
		case OP_UNLESS:
			if (truthy(resolve(t, op, root, loop)))
				pc = op->jump;
			break;
		case OP_EACH:
			v = resolve(t, op, root, loop);
			if (v == NULL || v->type != TV_LIST ||
			    v->u.list->head == NULL)
				pc = op->jump;
			else
				loop[op->depth] = v->u.list->head;
			break;
		case OP_NEXT:
			if ((loop[op->depth] = loop[op->depth]->next) != NULL)
				pc = op->jump;
			break;
		}
	}
}
