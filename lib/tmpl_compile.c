/* tmpl_compile.c — a checked template compiled for one language: literal runs with the messages in them, and the ops that read the model (t:text, t:if, t:each ...), with includes, layouts and their slots filled in. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "buf.h"
#include "i18n.h"
#include "tmpl.h"
#include "tmpl_int.h"

#define DEPTH_MAX	16	/* t:include and t:layout nesting */

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
	struct var		 vars[TMPL_EACH_MAX];	/* t:each variables, outer first */
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
			c->segs[c->nsegs].hash = tmpl_key_hash(path + i, l);
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
		tmpl_node_err(c->err, c->errlen, n, "no message \"%s\" in %s", key,
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
		return tmpl_node_err(c->err, c->errlen, n, "unsupported node");
	}
}

static int
compile_children(struct cc *c, const xmlNode *n)
{
	const xmlNode *ch;
	int raw = tmpl_is_raw(n->name);

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
		if (ch->type != XML_ELEMENT_NODE || !tmpl_has_dir(ch, DIR_FILL))
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
		if (ch->type == XML_ELEMENT_NODE ? !tmpl_has_dir(ch, DIR_FILL) :
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
		if (tmpl_is_t_ns(a->ns) && (d = tmpl_dir_lookup(a->name, &rest)) >= 0 &&
		    tmpl_dirs[d].prefix && strcmp(rest, (const char *)name) == 0)
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
		if (tmpl_is_t_ns(a->ns))
			continue;
		xml = a->ns != NULL;	/* checked: only xml: is left */
		if (html && xmlStrEqual(a->name, BAD_CAST "lang"))
			continue;
		if (!xml && attr_dynamic(n, a->name))
			continue;
		lit(c, xml ? " xml:" : " ");
		lit(c, (const char *)a->name);
		lit(c, "=\"");
		lit_esc(c, BAD_CAST tmpl_attr_val(a));
		lit(c, "\"");
	}
	for (a = n->properties; a != NULL; a = a->next) {
		if (!tmpl_is_t_ns(a->ns) || (d = tmpl_dir_lookup(a->name, &rest)) < 0 ||
		    !tmpl_dirs[d].prefix || (html && strcmp(rest, "lang") == 0))
			continue;
		if (d == DIR_I18N_ATTR) {
			if ((m = msg(c, n, tmpl_attr_val(a))) == NULL)
				return -1;
			lit(c, " ");
			lit(c, rest);
			lit(c, "=\"");
			lit_esc(c, BAD_CAST m);
			lit(c, "\"");
		} else {
			size_t at = emit_path(c, OP_ATTR, tmpl_attr_val(a),
			    strlen(tmpl_attr_val(a)));

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
		    xmlStrEqual(n->ns->href, BAD_CAST TMPL_XHTML_NS);
		if (html) {
			lit(c, "<!DOCTYPE html>\n<html xmlns=\"" TMPL_XHTML_NS
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
		if (tmpl_is_void(n->name)) {
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

	tmpl_dirs_get(n, v);
	if (v[DIR_LAYOUT] != NULL)	/* a page's own is handled before */
		return tmpl_node_err(c->err, c->errlen, n, "t:layout in a file used "
		    "as a layout or include (layouts do not nest)");
	if (v[DIR_EACH] != NULL) {
		if (c->nvars == TMPL_EACH_MAX)
			return tmpl_node_err(c->err, c->errlen, n, "t:each nested "
			    "more than %d deep", TMPL_EACH_MAX);
		if (tmpl_each_parse(v[DIR_EACH], &var, &path, &plen) != 0)
			return tmpl_node_err(c->err, c->errlen, n, "t:each wants "
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
			tmpl_node_err(c->err, c->errlen, n, "t:include=\"%s\": nested "
			    "more than %d deep (an include cycle?)",
			    v[DIR_INCLUDE], DEPTH_MAX);
			goto out;
		}
		inc = xmlDocGetRootElement(tmpl_set_find(c->set,
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

/*
 * Compile file f for lang. A root with t:layout is replaced by the layout's
 * root, whose slots take the page's children. Returns NULL with err set.
 */
struct tmpl *
tmpl_compile_file(const struct tmpl_set *s, const struct tfile *f,
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
	tmpl_dirs_get(root, v);
	if (v[DIR_LAYOUT] == NULL) {
		if (compile_elem(&c, root) != 0)
			goto out;
	} else {
		for (ch = root->children; ch != NULL; ch = ch->next)
			if (ch->type == XML_ELEMENT_NODE && tmpl_has_dir(ch, DIR_FILL))
				c.nfills++;
		c.fills = xcalloc(c.nfills, sizeof(*c.fills));
		c.nfills = 0;
		for (ch = root->children; ch != NULL; ch = ch->next)
			if (ch->type == XML_ELEMENT_NODE && tmpl_has_dir(ch, DIR_FILL)) {
				tmpl_dirs_get(ch, v);
				c.fills[c.nfills].node = ch;
				c.fills[c.nfills++].name = v[DIR_FILL];
			}
		c.content = root;
		c.depth = 1;
		tmpl_dirs_get(root, v);
		lroot = xmlDocGetRootElement(tmpl_set_find(s, v[DIR_LAYOUT])->doc);
		if (compile_elem(&c, lroot) != 0)
			goto out;
		for (size_t i = 0; i < c.nfills; i++)
			if (!c.fills[i].used) {
				tmpl_node_err(err, errlen, c.fills[i].node, "t:fill=\"%s\""
				    ": %s has no t:slot=\"%s\"", c.fills[i].name,
				    v[DIR_LAYOUT], c.fills[i].name);
				goto out;
			}
		if (!c.content_used && content_nonblank(root)) {
			tmpl_node_err(err, errlen, root, "%s has no t:slot=\"content\""
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
