/* tmpl.c — XHTML templates: parsed and checked once with libxml2, compiled to literal runs plus ops; see tmpl.h and docs/templates.md. */
#include <dirent.h>
#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlversion.h>

#include "buf.h"
#include "i18n.h"
#include "tmpl.h"

#define T_NS		"urn:rekisteri:template"
#define XHTML_NS	"http://www.w3.org/1999/xhtml"
#define DEPTH_MAX	16	/* t:include and t:layout nesting */
#define EACH_MAX	8	/* nested t:each */
#define BLOCK_SIZE	8192	/* model arena block */

#if LIBXML_VERSION >= 21200
#define XML_ERR_CONST	const	/* xmlStructuredErrorFunc took const in 2.12 */
#else
#define XML_ERR_CONST
#endif

/*
 * The model. Everything lives in the model's arena and is freed at once by
 * tm_free. Maps and lists are linked lists: models are small (tens of keys),
 * appends are O(1) and no array ever has to move.
 */
enum tv_type {
	TV_NULL,
	TV_STR,
	TV_HTML,
	TV_INT,
	TV_BOOL,
	TV_MAP,
	TV_LIST
};

struct tmpl_value {
	enum tv_type	 type;
	size_t		 len;		/* TV_STR, TV_HTML: bytes in s */
	union {
		const char		*s;	/* NUL-terminated copy */
		long long		 i;	/* TV_INT, TV_BOOL */
		struct tmpl_map		*map;
		struct tmpl_list	*list;
	} u;
};

struct tm_entry {
	struct tm_entry		*next;
	const char		*key;
	size_t			 klen;
	uint32_t		 hash;		/* key_hash(key) */
	struct tmpl_value	 v;
};

struct tmpl_map {
	struct tmpl_model	*model;
	struct tm_entry		*head, *tail;
};

struct tm_item {
	struct tm_item		*next;
	struct tmpl_value	 v;
};

struct tmpl_list {
	struct tmpl_model	*model;
	struct tm_item		*head, *tail;
};

struct tm_block {
	struct tm_block	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

struct tmpl_model {
	struct tm_block	*blocks;
	struct tmpl_map	 root;
};

/*
 * A compiled template: a flat program. OP_LIT appends bytes of lit; the
 * other ops read a path (segments pre-split into segs, names in names).
 */
enum op_type {
	OP_LIT,		/* lit[off .. off+len) */
	OP_TEXT,	/* the value, escaped */
	OP_HTML,	/* a tm_html value raw, anything else as OP_TEXT */
	OP_ATTR,	/* names[off .. off+len) is ' NAME="', then the value */
	OP_IF,		/* falsy: go to jump */
	OP_UNLESS,	/* truthy: go to jump */
	OP_EACH,	/* empty or not a list: go to jump; else loop[depth] := first */
	OP_NEXT		/* loop[depth] := next; if any, go to jump (the body) */
};

struct seg {
	size_t		off, len;	/* in names */
	uint32_t	hash;		/* key_hash of the name */
};

struct op {
	enum op_type	 type;
	int		 scope;		/* loop whose variable starts the path; -1: root */
	unsigned	 depth;		/* OP_EACH, OP_NEXT: index of this loop */
	size_t		 seg, nseg;	/* path: segs[seg .. seg+nseg) */
	size_t		 off, len;	/* OP_LIT in lit, OP_ATTR in names */
	size_t		 jump;
};

struct tmpl {
	struct op	*ops;
	size_t		 nops;
	struct seg	*segs;
	char		*lit;
	size_t		 litlen;
	char		*names;
};

struct tfile {
	char		*name;
	xmlDocPtr	 doc;		/* only while loading */
	struct tmpl	*t[LANG__MAX];
};

struct tmpl_set {
	struct tfile	*f;
	size_t		 n;
};

/* Directives: attribute names in T_NS, and what their value must be. */
enum dir {
	DIR_TEXT,
	DIR_HTML,
	DIR_I18N,
	DIR_IF,
	DIR_UNLESS,
	DIR_EACH,
	DIR_INCLUDE,
	DIR_LAYOUT,
	DIR_SLOT,
	DIR_FILL,
	DIR_STRIP,
	DIR_ATTR,
	DIR_I18N_ATTR,
	DIR__MAX
};

enum arg {
	ARG_PATH,	/* a.b.c */
	ARG_KEY,	/* a message key present in every language */
	ARG_EACH,	/* "x in a.b" */
	ARG_FILE,	/* a template in the same folder */
	ARG_NAME,	/* a slot name */
	ARG_ANY		/* ignored */
};

static const struct {
	const char	*name;
	int		 prefix;	/* the rest of the name is an attribute name */
	enum arg	 arg;
} dirs[DIR__MAX] = {
	{ "text", 0, ARG_PATH },
	{ "html", 0, ARG_PATH },
	{ "i18n", 0, ARG_KEY },
	{ "if", 0, ARG_PATH },
	{ "unless", 0, ARG_PATH },
	{ "each", 0, ARG_EACH },
	{ "include", 0, ARG_FILE },
	{ "layout", 0, ARG_FILE },
	{ "slot", 0, ARG_NAME },
	{ "fill", 0, ARG_NAME },
	{ "strip", 0, ARG_ANY },
	{ "attr-", 1, ARG_PATH },
	{ "i18n-attr-", 1, ARG_KEY },
};

/* Directives allowed beside t:include. */
static const int include_ok[DIR__MAX] = {
	[DIR_INCLUDE] = 1, [DIR_IF] = 1, [DIR_UNLESS] = 1, [DIR_EACH] = 1,
};

/* Elements written as <x/>, and never with content. */
static const char *const void_elems[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "source", "track", "wbr",
};

/* Elements whose text HTML does not unescape: no values, no '<' or '&'. */
static const char *const raw_elems[] = { "script", "style" };

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

/* ---- the model ------------------------------------------------------- */

/* FNV-1a: keys are compared by hash and length before their bytes. */
static uint32_t
key_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* n bytes, max_align_t-aligned, from m's arena. Never fails. */
static void *
tm_alloc(struct tmpl_model *m, size_t n)
{
	struct tm_block *b = m->blocks;
	size_t a = alignof(max_align_t), cap;
	void *p;

	n = (n + a - 1) & ~(a - 1);
	if (b == NULL || b->cap - b->used < n) {
		cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = m->blocks;
		m->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static const char *
tm_copy(struct tmpl_model *m, const char *s, size_t len)
{
	char *p = tm_alloc(m, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct tmpl_model *
tm_new(void)
{
	struct tmpl_model *m = xcalloc(1, sizeof(*m));

	m->root.model = m;
	return m;
}

void
tm_free(struct tmpl_model *m)
{
	struct tm_block *b, *next;

	if (m == NULL)
		return;
	for (b = m->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m);
}

struct tmpl_map *
tm_root(struct tmpl_model *m)
{
	return &m->root;
}

/* The value slot for key in map, created (TV_NULL) or reused. */
static struct tmpl_value *
tm_set(struct tmpl_map *map, const char *key)
{
	size_t klen = strlen(key);
	uint32_t hash = key_hash(key, klen);
	struct tm_entry *e;

	for (e = map->head; e != NULL; e = e->next)
		if (e->hash == hash && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return &e->v;
	e = tm_alloc(map->model, sizeof(*e));
	e->next = NULL;
	e->key = key;
	e->klen = klen;
	e->hash = hash;
	if (map->tail != NULL)
		map->tail->next = e;
	else
		map->head = e;
	map->tail = e;
	return &e->v;
}

static void
tm_set_str(struct tmpl_map *map, const char *key, enum tv_type type,
    const char *val, size_t len)
{
	struct tmpl_value *v = tm_set(map, key);

	if (val == NULL) {
		v->type = TV_NULL;
		return;
	}
	v->type = type;
	v->len = len;
	v->u.s = tm_copy(map->model, val, len);
}

void
tm_str(struct tmpl_map *map, const char *key, const char *val)
{
	tm_set_str(map, key, TV_STR, val, val ? strlen(val) : 0);
}

void
tm_strn(struct tmpl_map *map, const char *key, const char *val, size_t len)
{
	tm_set_str(map, key, TV_STR, val, len);
}

void
tm_html(struct tmpl_map *map, const char *key, const char *val)
{
	tm_set_str(map, key, TV_HTML, val, val ? strlen(val) : 0);
}

void
tm_int(struct tmpl_map *map, const char *key, long long val)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_INT;
	v->u.i = val;
}

void
tm_bool(struct tmpl_map *map, const char *key, int val)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_BOOL;
	v->u.i = val != 0;
}

static struct tmpl_map *
tm_new_map(struct tmpl_model *m)
{
	struct tmpl_map *map = tm_alloc(m, sizeof(*map));

	map->model = m;
	map->head = map->tail = NULL;
	return map;
}

struct tmpl_map *
tm_map(struct tmpl_map *map, const char *key)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_MAP;
	v->u.map = tm_new_map(map->model);
	return v->u.map;
}

struct tmpl_list *
tm_list(struct tmpl_map *map, const char *key)
{
	struct tmpl_value *v = tm_set(map, key);
	struct tmpl_list *l = tm_alloc(map->model, sizeof(*l));

	l->model = map->model;
	l->head = l->tail = NULL;
	v->type = TV_LIST;
	v->u.list = l;
	return l;
}

static struct tmpl_value *
tm_append(struct tmpl_list *l)
{
	struct tm_item *it = tm_alloc(l->model, sizeof(*it));

	it->next = NULL;
	if (l->tail != NULL)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
	return &it->v;
}

struct tmpl_map *
tm_list_map(struct tmpl_list *l)
{
	struct tmpl_value *v = tm_append(l);

	v->type = TV_MAP;
	v->u.map = tm_new_map(l->model);
	return v->u.map;
}

void
tm_list_str(struct tmpl_list *l, const char *val)
{
	struct tmpl_value *v = tm_append(l);

	if (val == NULL) {
		v->type = TV_NULL;
		return;
	}
	v->type = TV_STR;
	v->len = strlen(val);
	v->u.s = tm_copy(l->model, val, v->len);
}

/* ---- rendering ------------------------------------------------------- */

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
	const struct tm_item *loop[EACH_MAX];
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

/* ---- checking -------------------------------------------------------- */

static int
node_err(char *err, size_t errlen, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "FILE:LINE: message" of node n into err; returns -1. */
static int
node_err(char *err, size_t errlen, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(err, errlen, "%s:%ld: ", n->doc != NULL &&
	    n->doc->URL != NULL ? (const char *)n->doc->URL : "?",
	    xmlGetLineNo(n));
	if (o >= 0 && (size_t)o < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + o, errlen - (size_t)o, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
in_list(const char *const *list, size_t n, const xmlChar *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], (const char *)name) == 0)
			return 1;
	return 0;
}

#define IS_VOID(n)	in_list(void_elems, \
			    sizeof(void_elems) / sizeof(void_elems[0]), (n))
#define IS_RAW(n)	in_list(raw_elems, \
			    sizeof(raw_elems) / sizeof(raw_elems[0]), (n))

static int
is_t_ns(const xmlNs *ns)
{
	return ns != NULL && xmlStrEqual(ns->href, BAD_CAST T_NS);
}

/* The text of an attribute, "" when empty; NULL for entity references. */
static const char *
attr_val(const xmlAttr *a)
{
	if (a->children == NULL)
		return "";
	if (a->children->type != XML_TEXT_NODE || a->children->next != NULL)
		return NULL;
	return (const char *)a->children->content;
}

/* Directive of t:NAME, with *rest past a prefix (attr-...); -1: unknown. */
static int
dir_lookup(const xmlChar *xname, const char **rest)
{
	const char *name = (const char *)xname;

	for (int d = 0; d < DIR__MAX; d++) {
		size_t l = strlen(dirs[d].name);

		if (dirs[d].prefix ? strncmp(name, dirs[d].name, l) == 0 &&
		    name[l] != '\0' : strcmp(name, dirs[d].name) == 0) {
			*rest = name + l;
			return d;
		}
	}
	return -1;
}

/* v[d] := value of n's directive d (the first, for attr-), or NULL. */
static void
dirs_get(const xmlNode *n, const char *v[DIR__MAX])
{
	const xmlAttr *a;
	const char *rest;
	int d;

	for (d = 0; d < DIR__MAX; d++)
		v[d] = NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (is_t_ns(a->ns) && (d = dir_lookup(a->name, &rest)) >= 0 &&
		    v[d] == NULL)
			v[d] = attr_val(a);
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Dotted names: a, a.b, a.b_c-d. */
static int
path_ok(const char *s, size_t len)
{
	size_t seglen = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (seglen == 0)
				return 0;
			seglen = 0;
		} else if (name_char(s[i]))
			seglen++;
		else
			return 0;
	}
	return seglen != 0;
}

struct var {
	const char	*s;
	size_t		 len;
};

/* Split "x in a.b" into var x and path a.b. Returns 0, or -1 if malformed. */
static int
each_parse(const char *s, struct var *var, const char **path, size_t *plen)
{
	const char *e;

	while (*s == ' ')
		s++;
	for (var->s = s; name_char(*s); s++)
		continue;
	var->len = (size_t)(s - var->s);
	if (var->len == 0 || *s != ' ')
		return -1;
	while (*s == ' ')
		s++;
	if (strncmp(s, "in ", 3) != 0)
		return -1;
	for (s += 3; *s == ' '; s++)
		continue;
	for (e = s + strlen(s); e > s && e[-1] == ' '; e--)
		continue;
	*path = s;
	*plen = (size_t)(e - s);
	return path_ok(s, *plen) ? 0 : -1;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tfile *)a)->name,
	    ((const struct tfile *)b)->name);
}

static const struct tfile *
set_find(const struct tmpl_set *s, const char *name)
{
	struct tfile k;

	if (s == NULL || s->n == 0)
		return NULL;
	memset(&k, 0, sizeof(k));
	k.name = (char *)name;
	return bsearch(&k, s->f, s->n, sizeof(*s->f), file_cmp);
}

struct chk {
	const struct tmpl_set	*set;
	const struct i18n	*msgs;
	char			*err;
	size_t			 errlen;
};

static int
has_dir(const xmlNode *n, enum dir want)
{
	const char *v[DIR__MAX];

	dirs_get(n, v);
	return v[want] != NULL;
}

/* Whether n has child elements or non-blank text. */
static int
has_content(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE ||
		    ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && !xmlIsBlankNode(c)))
			return 1;
	return 0;
}

/* Check the value of directive d (t:NAME=val) on element n. */
static int
check_arg(const struct chk *k, const xmlNode *n, const xmlAttr *a, int d,
    const char *rest, const char *val)
{
	struct var var;
	const char *path;
	size_t plen;

	switch (dirs[d].arg) {
	case ARG_PATH:
		if (!path_ok(val, strlen(val)))
			return node_err(k->err, k->errlen, n, "t:%s=\"%s\": "
			    "expected a path like name or a.b", a->name, val);
		break;
	case ARG_KEY:
		for (int l = 0; l < LANG__MAX; l++)
			if (i18n_get(k->msgs, (enum lang)l, val) == NULL)
				return node_err(k->err, k->errlen, n,
				    "t:%s: no message \"%s\" in %s", a->name,
				    val, lang_codes[l]);
		break;
	case ARG_EACH:
		if (each_parse(val, &var, &path, &plen) != 0)
			return node_err(k->err, k->errlen, n, "t:each=\"%s\": "
			    "expected \"x in path\"", val);
		break;
	case ARG_FILE:
		if (set_find(k->set, val) == NULL)
			return node_err(k->err, k->errlen, n, "t:%s: no template "
			    "\"%s\" in the templates folder", a->name, val);
		break;
	case ARG_NAME:
		if (!path_ok(val, strlen(val)) || strchr(val, '.') != NULL)
			return node_err(k->err, k->errlen, n, "t:%s=\"%s\": "
			    "expected a name", a->name, val);
		break;
	case ARG_ANY:
		break;
	}
	if (dirs[d].prefix) {
		if (xmlValidateNCName(BAD_CAST rest, 0) != 0 ||
		    strcmp(rest, "xmlns") == 0)
			return node_err(k->err, k->errlen, n, "t:%s: \"%s\" is "
			    "not an attribute name", a->name, rest);
		if ((rest[0] == 'o' || rest[0] == 'O') &&
		    (rest[1] == 'n' || rest[1] == 'N'))
			return node_err(k->err, k->errlen, n, "t:%s: event "
			    "handler attributes cannot be set from templates",
			    a->name);
	}
	return 0;
}

/* Two t:attr-NAME / t:i18n-attr-NAME on one element for the same NAME. */
static int
attr_twice(const xmlAttr *a, const char *rest)
{
	const char *r2;
	int d;

	for (a = a->next; a != NULL; a = a->next)
		if (is_t_ns(a->ns) && (d = dir_lookup(a->name, &r2)) >= 0 &&
		    dirs[d].prefix && strcmp(rest, r2) == 0)
			return 1;
	return 0;
}

/*
 * Check element n and its subtree: namespaces, known directives with
 * well-formed values, directives that make sense together and where they
 * are. Returns 0, or -1 with "file:line: reason" in k->err.
 */
static int
check_elem(const struct chk *k, const xmlNode *n)
{
	const char *v[DIR__MAX], *val, *rest;
	const xmlAttr *a;
	const xmlNode *c, *p;
	int d, ncontent;

	if (n->ns == NULL)
		return node_err(k->err, k->errlen, n, "<%s> has no namespace: "
		    "declare xmlns=\"" XHTML_NS "\" on the root", n->name);
	if (is_t_ns(n->ns))
		return node_err(k->err, k->errlen, n, "unknown element <%s:%s>",
		    n->ns->prefix ? n->ns->prefix : BAD_CAST "", n->name);
	if (n->ns->prefix != NULL)
		return node_err(k->err, k->errlen, n, "<%s:%s>: only the t: "
		    "prefix is supported; use xmlns=\"...\" on the element",
		    n->ns->prefix, n->name);
	/*
	 * Namespace names are written back as they are: keep them to plain
	 * URI characters (libxml2 keeps "&#38;" and the like in them).
	 */
	for (const xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next)
		if (ns->href == NULL || ns->href[0] == '\0' ||
		    strpbrk((const char *)ns->href, "&<>\"' \t\r\n\\") != NULL)
			return node_err(k->err, k->errlen, n, "xmlns: the "
			    "namespace name must be a plain URI, without entity "
			    "or character references");
	for (a = n->properties; a != NULL; a = a->next) {
		if ((val = attr_val(a)) == NULL)
			return node_err(k->err, k->errlen, n, "attribute %s: "
			    "entity references are not supported", a->name);
		if (a->ns == NULL ||
		    xmlStrEqual(a->ns->href, XML_XML_NAMESPACE))
			continue;
		if (!is_t_ns(a->ns))
			return node_err(k->err, k->errlen, n, "attribute %s:%s: "
			    "only the t: and xml: prefixes are supported",
			    a->ns->prefix, a->name);
		if ((d = dir_lookup(a->name, &rest)) < 0)
			return node_err(k->err, k->errlen, n,
			    "unknown directive t:%s", a->name);
		if (check_arg(k, n, a, d, rest, val) != 0)
			return -1;
		if (dirs[d].prefix && attr_twice(a, rest))
			return node_err(k->err, k->errlen, n, "attribute %s is "
			    "set by two directives", rest);
	}
	dirs_get(n, v);
	ncontent = (v[DIR_TEXT] != NULL) + (v[DIR_HTML] != NULL) +
	    (v[DIR_I18N] != NULL);
	if (ncontent > 1)
		return node_err(k->err, k->errlen, n, "use only one of t:text, "
		    "t:html and t:i18n on an element");
	if (v[DIR_INCLUDE] != NULL)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && !include_ok[d])
				return node_err(k->err, k->errlen, n, "t:include "
				    "takes only t:if, t:unless and t:each "
				    "beside it, not t:%s", dirs[d].name);
	if (v[DIR_LAYOUT] != NULL && n->parent->type != XML_DOCUMENT_NODE)
		return node_err(k->err, k->errlen, n,
		    "t:layout belongs on the root element");
	/* A page has exactly one root element, whatever the model holds. */
	if (n->parent->type == XML_DOCUMENT_NODE)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && (d == DIR_IF || d == DIR_UNLESS ||
			    d == DIR_EACH || d == DIR_STRIP))
				return node_err(k->err, k->errlen, n, "t:%s cannot "
				    "be on a file's root element, which must be "
				    "written exactly once (put it on the "
				    "t:include instead)", dirs[d].name);
	if (v[DIR_LAYOUT] != NULL)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && d != DIR_LAYOUT)
				return node_err(k->err, k->errlen, n, "t:layout "
				    "takes no other directive beside it, not "
				    "t:%s", dirs[d].name);
	if (v[DIR_FILL] != NULL) {
		p = n->parent;
		if (p->type != XML_ELEMENT_NODE ||
		    p->parent->type != XML_DOCUMENT_NODE ||
		    !has_dir(p, DIR_LAYOUT))
			return node_err(k->err, k->errlen, n, "t:fill belongs on "
			    "a child of a root element with t:layout");
		if (strcmp(v[DIR_FILL], "content") == 0)
			return node_err(k->err, k->errlen, n, "t:fill=\"content\":"
			    " the root's other children fill the content slot");
	}
	if (IS_VOID(n->name) && (ncontent || has_content(n)))
		return node_err(k->err, k->errlen, n, "<%s> is a void element "
		    "and cannot have content", n->name);
	if (IS_RAW(n->name)) {
		if (ncontent)
			return node_err(k->err, k->errlen, n, "<%s> cannot take "
			    "values or messages", n->name);
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE ||
			    ((c->type == XML_TEXT_NODE ||
			    c->type == XML_CDATA_SECTION_NODE) &&
			    strpbrk((const char *)c->content, "<&") != NULL))
				return node_err(k->err, k->errlen, c, "<%s> may "
				    "not contain elements, '<' or '&': move it "
				    "to a file under static/", n->name);
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (check_elem(k, c) != 0)
				return -1;
		} else if (c->type == XML_ENTITY_REF_NODE)
			return node_err(k->err, k->errlen, n, "entity &%s; is not"
			    " supported: write the character itself", c->name);
	}
	return 0;
}

/* ---- compiling ------------------------------------------------------- */

struct fill {
	const xmlNode	*node;
	const char	*name;
	int		 used;
};

/* Compile state of one file in one language. */
struct cc {
	const struct tmpl_set	*set;
	const struct i18n	*msgs;
	enum lang		 lang;
	struct op		*ops;
	size_t			 nops, opcap;
	struct seg		*segs;
	size_t			 nsegs, segcap;
	struct buf		 lit;		/* literal bytes, in order */
	size_t			 pending;	/* lit[pending ..] not yet in an op */
	struct buf		 names;		/* path segments, ' NAME="' */
	struct var		 vars[EACH_MAX];	/* t:each variables, outer first */
	size_t			 nvars;
	struct fill		*fills;		/* a layout's page fills */
	size_t			 nfills;
	const xmlNode		*content;	/* page root filling "content" */
	int			 content_used;
	int			 depth;		/* include + layout nesting */
	int			 at_root;	/* next element is the output root */
	const xmlChar		*ns;		/* default namespace in scope */
	char			*err;
	size_t			 errlen;
};

static int	compile_elem(struct cc *, const xmlNode *);

static void
lit(struct cc *c, const char *s)
{
	buf_adds(&c->lit, s);
}

/* Template text (valid UTF-8 from the parser) escaped by libxml2. */
static void
lit_esc(struct cc *c, const xmlChar *s)
{
	xmlChar *enc;

	if ((enc = xmlEncodeSpecialChars(NULL, s)) == NULL)
		abort();
	buf_adds(&c->lit, (const char *)enc);
	xmlFree(enc);
}

static struct op *
op_new(struct cc *c, enum op_type type)
{
	struct op *o;

	if (c->nops == c->opcap) {
		c->opcap = c->opcap ? c->opcap * 2 : 64;
		c->ops = xrealloc(c->ops, c->opcap * sizeof(*c->ops));
	}
	o = &c->ops[c->nops++];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->scope = -1;
	return o;
}

/* End the pending literal run; the index the next op will have. */
static size_t
here(struct cc *c)
{
	struct op *o;

	if (c->lit.len > c->pending) {
		o = op_new(c, OP_LIT);
		o->off = c->pending;
		o->len = c->lit.len - c->pending;
		c->pending = c->lit.len;
	}
	return c->nops;
}

/*
 * Emit an op of type reading path (plen bytes, checked): its first
 * segment names the innermost t:each variable of that name, if any, else
 * a key of the root map. Returns the op's index.
 */
static size_t
emit_path(struct cc *c, enum op_type type, const char *path, size_t plen)
{
	size_t at = here(c), first = c->nsegs, i = 0, l;
	int scope = -1;
	struct op *o;

	while (i < plen) {
		for (l = 0; i + l < plen && path[i + l] != '.'; l++)
			continue;
		if (i == 0)
			for (size_t k = c->nvars; k-- > 0;)
				if (c->vars[k].len == l &&
				    memcmp(c->vars[k].s, path, l) == 0) {
					scope = (int)k;
					break;
				}
		if (i != 0 || scope < 0) {
			if (c->nsegs == c->segcap) {
				c->segcap = c->segcap ? c->segcap * 2 : 64;
				c->segs = xrealloc(c->segs,
				    c->segcap * sizeof(*c->segs));
			}
			c->segs[c->nsegs].off = c->names.len;
			c->segs[c->nsegs].hash = key_hash(path + i, l);
			c->segs[c->nsegs++].len = l;
			buf_add(&c->names, path + i, l);
		}
		i += l + 1;
	}
	o = op_new(c, type);
	o->scope = scope;
	o->seg = first;
	o->nseg = c->nsegs - first;
	return at;
}

static const char *
msg(struct cc *c, const xmlNode *n, const char *key)
{
	const char *m = i18n_get(c->msgs, c->lang, key);

	if (m == NULL)
		node_err(c->err, c->errlen, n, "no message \"%s\" in %s", key,
		    lang_codes[c->lang]);
	return m;
}

static int
compile_node(struct cc *c, const xmlNode *n, int raw)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		return compile_elem(c, n);
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (raw)	/* <script>, <style>: checked free of < and & */
			lit(c, (const char *)n->content);
		else
			lit_esc(c, n->content);
		return 0;
	case XML_COMMENT_NODE:
	case XML_PI_NODE:
		return 0;
	default:
		return node_err(c->err, c->errlen, n, "unsupported node");
	}
}

static int
compile_children(struct cc *c, const xmlNode *n)
{
	const xmlNode *ch;
	int raw = IS_RAW(n->name);

	for (ch = n->children; ch != NULL; ch = ch->next)
		if (compile_node(c, ch, raw) != 0)
			return -1;
	return 0;
}

/* The page's children that are not t:fill: they fill t:slot="content". */
static int
compile_content(struct cc *c)
{
	const xmlNode *root = c->content, *ch;
	struct fill *fills = c->fills;
	size_t nfills = c->nfills;
	int rc = 0;

	c->content_used = 1;
	c->content = NULL;
	c->fills = NULL;
	c->nfills = 0;
	for (ch = root->children; ch != NULL && rc == 0; ch = ch->next)
		if (ch->type != XML_ELEMENT_NODE || !has_dir(ch, DIR_FILL))
			rc = compile_node(c, ch, 0);
	c->content = root;
	c->fills = fills;
	c->nfills = nfills;
	return rc;
}

/* The page's t:fill="name" elements, in place of a layout's slot. */
static int
compile_fills(struct cc *c, const char *name)
{
	struct fill *fills = c->fills;
	size_t nfills = c->nfills;
	const xmlNode *content = c->content;
	int rc = 0;

	c->content = NULL;
	c->fills = NULL;
	c->nfills = 0;
	for (size_t i = 0; i < nfills && rc == 0; i++)
		if (strcmp(fills[i].name, name) == 0) {
			fills[i].used = 1;
			rc = compile_elem(c, fills[i].node);
		}
	c->content = content;
	c->fills = fills;
	c->nfills = nfills;
	return rc;
}

static int
has_fill(const struct cc *c, const char *name)
{
	for (size_t i = 0; i < c->nfills; i++)
		if (strcmp(c->fills[i].name, name) == 0)
			return 1;
	return 0;
}

/* Whether the page root's non-fill children hold anything but blanks. */
static int
content_nonblank(const xmlNode *root)
{
	const xmlNode *ch;

	for (ch = root->children; ch != NULL; ch = ch->next)
		if (ch->type == XML_ELEMENT_NODE ? !has_dir(ch, DIR_FILL) :
		    ((ch->type == XML_TEXT_NODE ||
		    ch->type == XML_CDATA_SECTION_NODE) && !xmlIsBlankNode(ch)))
			return 1;
	return 0;
}

/* Whether attribute NAME of n is set by a t:attr-/t:i18n-attr- directive. */
static int
attr_dynamic(const xmlNode *n, const xmlChar *name)
{
	const xmlAttr *a;
	const char *rest;
	int d;

	for (a = n->properties; a != NULL; a = a->next)
		if (is_t_ns(a->ns) && (d = dir_lookup(a->name, &rest)) >= 0 &&
		    dirs[d].prefix && strcmp(rest, (const char *)name) == 0)
			return 1;
	return 0;
}

/* Start tag attributes: the template's own, then t:attr-/t:i18n-attr-. */
static int
compile_attrs(struct cc *c, const xmlNode *n, int html)
{
	const xmlAttr *a;
	const char *rest, *m;
	int d, xml;

	for (a = n->properties; a != NULL; a = a->next) {
		if (is_t_ns(a->ns))
			continue;
		xml = a->ns != NULL;	/* checked: only xml: is left */
		if (html && xmlStrEqual(a->name, BAD_CAST "lang"))
			continue;
		if (!xml && attr_dynamic(n, a->name))
			continue;
		lit(c, xml ? " xml:" : " ");
		lit(c, (const char *)a->name);
		lit(c, "=\"");
		lit_esc(c, BAD_CAST attr_val(a));
		lit(c, "\"");
	}
	for (a = n->properties; a != NULL; a = a->next) {
		if (!is_t_ns(a->ns) || (d = dir_lookup(a->name, &rest)) < 0 ||
		    !dirs[d].prefix || (html && strcmp(rest, "lang") == 0))
			continue;
		if (d == DIR_I18N_ATTR) {
			if ((m = msg(c, n, attr_val(a))) == NULL)
				return -1;
			lit(c, " ");
			lit(c, rest);
			lit(c, "=\"");
			lit_esc(c, BAD_CAST m);
			lit(c, "\"");
		} else {
			size_t at = emit_path(c, OP_ATTR, attr_val(a),
			    strlen(attr_val(a)));

			c->ops[at].off = c->names.len;
			buf_addf(&c->names, " %s=\"", rest);
			c->ops[at].len = c->names.len - c->ops[at].off;
		}
	}
	return 0;
}

/* The element itself: tags, attributes and content (v: its directives). */
static int
compile_body(struct cc *c, const xmlNode *n, const char *v[DIR__MAX])
{
	const xmlChar *ns = c->ns;
	const char *name = (const char *)n->name, *m;
	int root = c->at_root, strip = v[DIR_STRIP] != NULL, html, rc = -1;

	c->at_root = 0;
	if (!strip) {
		html = root && strcmp(name, "html") == 0 &&
		    xmlStrEqual(n->ns->href, BAD_CAST XHTML_NS);
		if (html) {
			lit(c, "<!DOCTYPE html>\n<html xmlns=\"" XHTML_NS
			    "\" lang=\"");
			lit(c, lang_codes[c->lang]);
			lit(c, "\" xml:lang=\"");
			lit(c, lang_codes[c->lang]);
			lit(c, "\"");
			c->ns = n->ns->href;
		} else {
			lit(c, "<");
			lit(c, name);
			if (!xmlStrEqual(n->ns->href, c->ns)) {
				lit(c, " xmlns=\"");
				lit_esc(c, n->ns->href);
				lit(c, "\"");
				c->ns = n->ns->href;
			}
		}
		if (compile_attrs(c, n, html) != 0)
			goto out;
		if (IS_VOID(n->name)) {
			lit(c, "/>");
			rc = 0;
			goto out;
		}
		lit(c, ">");
	}
	if (v[DIR_TEXT] != NULL)
		emit_path(c, OP_TEXT, v[DIR_TEXT], strlen(v[DIR_TEXT]));
	else if (v[DIR_HTML] != NULL)
		emit_path(c, OP_HTML, v[DIR_HTML], strlen(v[DIR_HTML]));
	else if (v[DIR_I18N] != NULL) {
		if ((m = msg(c, n, v[DIR_I18N])) == NULL)
			goto out;
		lit_esc(c, BAD_CAST m);
	} else if (v[DIR_SLOT] != NULL && strcmp(v[DIR_SLOT], "content") == 0 &&
	    c->content != NULL && content_nonblank(c->content)) {
		if (compile_content(c) != 0)
			goto out;
	} else if (compile_children(c, n) != 0)
		goto out;
	if (!strip) {
		lit(c, "</");
		lit(c, name);
		lit(c, ">");
	}
	rc = 0;
out:
	c->ns = ns;
	return rc;
}

/*
 * Compile element n: t:each, t:if and t:unless around it (in that order:
 * the conditions are checked for each item), then the element, the file
 * it includes, or the page's fills for its slot.
 */
static int
compile_elem(struct cc *c, const xmlNode *n)
{
	const char *v[DIR__MAX], *path;
	const xmlNode *inc;
	size_t each = 0, cond_if = 0, cond_unless = 0, body = 0, plen, at, end;
	struct var var;
	int rc = -1, pushed = 0;

	dirs_get(n, v);
	if (v[DIR_LAYOUT] != NULL)	/* a page's own is handled before */
		return node_err(c->err, c->errlen, n, "t:layout in a file used "
		    "as a layout or include (layouts do not nest)");
	if (v[DIR_EACH] != NULL) {
		if (c->nvars == EACH_MAX)
			return node_err(c->err, c->errlen, n, "t:each nested "
			    "more than %d deep", EACH_MAX);
		if (each_parse(v[DIR_EACH], &var, &path, &plen) != 0)
			return node_err(c->err, c->errlen, n, "t:each wants "
			    "\"x in path\"");
		each = emit_path(c, OP_EACH, path, plen);
		c->ops[each].depth = (unsigned)c->nvars;
		c->vars[c->nvars++] = var;
		pushed = 1;
		body = here(c);
	}
	if (v[DIR_IF] != NULL)
		cond_if = emit_path(c, OP_IF, v[DIR_IF], strlen(v[DIR_IF]));
	if (v[DIR_UNLESS] != NULL)
		cond_unless = emit_path(c, OP_UNLESS, v[DIR_UNLESS],
		    strlen(v[DIR_UNLESS]));
	if (v[DIR_INCLUDE] != NULL) {
		if (c->depth >= DEPTH_MAX) {
			node_err(c->err, c->errlen, n, "t:include=\"%s\": nested "
			    "more than %d deep (an include cycle?)",
			    v[DIR_INCLUDE], DEPTH_MAX);
			goto out;
		}
		inc = xmlDocGetRootElement(set_find(c->set,
		    v[DIR_INCLUDE])->doc);	/* checked */
		c->depth++;
		rc = compile_elem(c, inc);
		c->depth--;
	} else if (v[DIR_SLOT] != NULL && strcmp(v[DIR_SLOT], "content") != 0 &&
	    has_fill(c, v[DIR_SLOT]))
		rc = compile_fills(c, v[DIR_SLOT]);
	else
		rc = compile_body(c, n, v);
	if (rc != 0)
		goto out;
	/*
	 * A jump target ends the pending literal run, so take one only for a
	 * jump: an element without t:if or t:unless stays inside its run
	 * (one op per run, not per element). here() may grow (move) c->ops:
	 * take its value first, then store. "c->ops[i].jump = here(c)" leaves
	 * the order unspecified and once wrote the jump into the freed array
	 * (an endless loop at render).
	 */
	if (v[DIR_IF] != NULL || v[DIR_UNLESS] != NULL) {
		end = here(c);
		if (v[DIR_UNLESS] != NULL)
			c->ops[cond_unless].jump = end;
		if (v[DIR_IF] != NULL)
			c->ops[cond_if].jump = end;
	}
	if (v[DIR_EACH] != NULL) {
		at = here(c);
		op_new(c, OP_NEXT);
		c->ops[at].depth = c->ops[each].depth;
		c->ops[at].jump = body;
		end = here(c);
		c->ops[each].jump = end;
	}
out:
	if (pushed)
		c->nvars--;
	return rc;
}

static void
tmpl_free_one(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->ops);
	free(t->segs);
	free(t->lit);
	free(t->names);
	free(t);
}

/*
 * Compile file f for lang. A root with t:layout is replaced by the layout's
 * root, whose slots take the page's children. Returns NULL with err set.
 */
static struct tmpl *
compile_file(const struct tmpl_set *s, const struct tfile *f,
    const struct i18n *msgs, enum lang lang, char *err, size_t errlen)
{
	const xmlNode *root = xmlDocGetRootElement(f->doc), *ch, *lroot;
	struct tmpl *t = NULL;
	const char *v[DIR__MAX];
	struct cc c;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.set = s;
	c.msgs = msgs;
	c.lang = lang;
	c.at_root = 1;
	c.ns = NULL;		/* the output root declares its namespace */
	c.err = err;
	c.errlen = errlen;
	dirs_get(root, v);
	if (v[DIR_LAYOUT] == NULL) {
		if (compile_elem(&c, root) != 0)
			goto out;
	} else {
		for (ch = root->children; ch != NULL; ch = ch->next)
			if (ch->type == XML_ELEMENT_NODE && has_dir(ch, DIR_FILL))
				c.nfills++;
		c.fills = xcalloc(c.nfills, sizeof(*c.fills));
		c.nfills = 0;
		for (ch = root->children; ch != NULL; ch = ch->next)
			if (ch->type == XML_ELEMENT_NODE && has_dir(ch, DIR_FILL)) {
				dirs_get(ch, v);
				c.fills[c.nfills].node = ch;
				c.fills[c.nfills++].name = v[DIR_FILL];
			}
		c.content = root;
		c.depth = 1;
		dirs_get(root, v);
		lroot = xmlDocGetRootElement(set_find(s, v[DIR_LAYOUT])->doc);
		if (compile_elem(&c, lroot) != 0)
			goto out;
		for (size_t i = 0; i < c.nfills; i++)
			if (!c.fills[i].used) {
				node_err(err, errlen, c.fills[i].node, "t:fill=\"%s\""
				    ": %s has no t:slot=\"%s\"", c.fills[i].name,
				    v[DIR_LAYOUT], c.fills[i].name);
				goto out;
			}
		if (!c.content_used && content_nonblank(root)) {
			node_err(err, errlen, root, "%s has no t:slot=\"content\""
			    " for the page's content", v[DIR_LAYOUT]);
			goto out;
		}
	}
	here(&c);
	t = xcalloc(1, sizeof(*t));
	t->ops = c.ops;
	t->nops = c.nops;
	t->segs = c.segs;
	t->litlen = c.lit.len;
	t->lit = buf_take(&c.lit);
	t->names = buf_take(&c.names);
	c.ops = NULL;
	c.segs = NULL;
	rc = 0;
out:
	free(c.fills);
	free(c.ops);
	free(c.segs);
	buf_free(&c.lit);
	buf_free(&c.names);
	return rc == 0 ? t : NULL;
}

/* ---- loading --------------------------------------------------------- */

/* The first error of a parse: the cause, where later ones are echoes. */
struct first_err {
	int	 line;
	char	 msg[256];
};

static void
first_err_keep(void *data, XML_ERR_CONST xmlError *e)
{
	struct first_err *fe = ((xmlParserCtxtPtr)data)->_private;

	if (fe->msg[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
		return;
	fe->line = e->line;
	snprintf(fe->msg, sizeof(fe->msg), "%s",
	    e->message != NULL ? e->message : "not well-formed XML");
	fe->msg[strcspn(fe->msg, "\n")] = '\0';
}

/*
 * Parse path without network, DTD loading or entity substitution.
 * Returns the document, or NULL with "path:line: message" in err.
 */
static xmlDocPtr
parse_file(const char *path, char *err, size_t errlen)
{
	struct first_err fe;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	memset(&fe, 0, sizeof(fe));
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		abort();
	ctxt->_private = &fe;
	ctxt->sax->serror = first_err_keep;	/* data is the context */
	doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed ||
	    xmlDocGetRootElement(doc) == NULL) {
		if (fe.msg[0] == '\0') {
			fe.line = ctxt->lastError.line;
			snprintf(fe.msg, sizeof(fe.msg), "%s",
			    ctxt->lastError.message != NULL ?
			    ctxt->lastError.message : "cannot read the file");
			fe.msg[strcspn(fe.msg, "\n")] = '\0';
		}
		snprintf(err, errlen, "%s:%d: %s", path, fe.line, fe.msg);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int
xhtml_name(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && l > 6 && strcmp(name + l - 6, ".xhtml") == 0;
}

/* The sorted *.xhtml names of dir into s. Returns 0, or -1 with err. */
static int
list_dir(struct tmpl_set *s, const char *dir, char *err, size_t errlen)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s:0: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!xhtml_name(de->d_name))
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 16;
			s->f = xrealloc(s->f, cap * sizeof(*s->f));
		}
		memset(&s->f[s->n], 0, sizeof(*s->f));
		s->f[s->n++].name = xstrdup(de->d_name);
	}
	closedir(d);
	if (s->n > 0)
		qsort(s->f, s->n, sizeof(*s->f), file_cmp);
	return 0;
}

static void
free_docs(struct tmpl_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		xmlFreeDoc(s->f[i].doc);
		s->f[i].doc = NULL;
	}
}

struct tmpl_set *
tmpl_load(const char *dir, const struct i18n *msgs, char *err, size_t errlen)
{
	struct tmpl_set *s = xcalloc(1, sizeof(*s));
	struct chk k = { s, msgs, err, errlen };
	char path[4096];
	size_t i;
	int l;

	xmlInitParser();
	if (list_dir(s, dir, err, errlen) != 0)
		goto fail;
	for (i = 0; i < s->n; i++) {
		l = snprintf(path, sizeof(path), "%s/%s", dir, s->f[i].name);
		if (l < 0 || (size_t)l >= sizeof(path)) {
			snprintf(err, errlen, "%s:0: path too long", s->f[i].name);
			goto fail;
		}
		if ((s->f[i].doc = parse_file(path, err, errlen)) == NULL)
			goto fail;
	}
	for (i = 0; i < s->n; i++)
		if (check_elem(&k, xmlDocGetRootElement(s->f[i].doc)) != 0)
			goto fail;
	for (i = 0; i < s->n; i++)
		for (l = 0; l < LANG__MAX; l++)
			if ((s->f[i].t[l] = compile_file(s, &s->f[i], msgs,
			    (enum lang)l, err, errlen)) == NULL)
				goto fail;
	free_docs(s);
	return s;
fail:
	tmpl_free(s);
	return NULL;
}

void
tmpl_free(struct tmpl_set *s)
{
	if (s == NULL)
		return;
	free_docs(s);
	for (size_t i = 0; i < s->n; i++) {
		for (int l = 0; l < LANG__MAX; l++)
			tmpl_free_one(s->f[i].t[l]);
		free(s->f[i].name);
	}
	free(s->f);
	free(s);
}

const struct tmpl *
tmpl_get(const struct tmpl_set *s, const char *name, enum lang lang)
{
	const struct tfile *f;

	if (lang < 0 || lang >= LANG__MAX || (f = set_find(s, name)) == NULL)
		return NULL;
	return f->t[lang];
}
