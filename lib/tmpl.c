/* tmpl.c — XHTML templates: the folder read and parsed with libxml2, every file checked, then compiled (tmpl_compile.c) once per language; also the directive helpers the compiler shares. See tmpl.h and docs/templates.md. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlversion.h>

#include "buf.h"
#include "i18n.h"
#include "tmpl.h"
#include "tmpl_int.h"

#define T_NS		"urn:rekisteri:template"

#if LIBXML_VERSION >= 21200
#define XML_ERR_CONST	const	/* xmlStructuredErrorFunc took const in 2.12 */
#else
#define XML_ERR_CONST
#endif

const struct tmpl_dir tmpl_dirs[DIR__MAX] = {
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

/* ---- checking -------------------------------------------------------- */

/* "FILE:LINE: message" of node n into err; returns -1. */
int
tmpl_node_err(char *err, size_t errlen, const xmlNode *n, const char *fmt, ...)
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

int
tmpl_is_void(const xmlChar *name)
{
	return in_list(void_elems, sizeof(void_elems) / sizeof(void_elems[0]),
	    name);
}

int
tmpl_is_raw(const xmlChar *name)
{
	return in_list(raw_elems, sizeof(raw_elems) / sizeof(raw_elems[0]),
	    name);
}

int
tmpl_is_t_ns(const xmlNs *ns)
{
	return ns != NULL && xmlStrEqual(ns->href, BAD_CAST T_NS);
}

/* The text of an attribute, "" when empty; NULL for entity references. */
const char *
tmpl_attr_val(const xmlAttr *a)
{
	if (a->children == NULL)
		return "";
	if (a->children->type != XML_TEXT_NODE || a->children->next != NULL)
		return NULL;
	return (const char *)a->children->content;
}

/* Directive of t:NAME, with *rest past a prefix (attr-...); -1: unknown. */
int
tmpl_dir_lookup(const xmlChar *xname, const char **rest)
{
	const char *name = (const char *)xname;

	for (int d = 0; d < DIR__MAX; d++) {
		size_t l = strlen(tmpl_dirs[d].name);

		if (tmpl_dirs[d].prefix ? strncmp(name, tmpl_dirs[d].name, l) == 0 &&
		    name[l] != '\0' : strcmp(name, tmpl_dirs[d].name) == 0) {
			*rest = name + l;
			return d;
		}
	}
	return -1;
}

/* v[d] := value of n's directive d (the first, for attr-), or NULL. */
void
tmpl_dirs_get(const xmlNode *n, const char *v[DIR__MAX])
{
	const xmlAttr *a;
	const char *rest;
	int d;

	for (d = 0; d < DIR__MAX; d++)
		v[d] = NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (tmpl_is_t_ns(a->ns) && (d = tmpl_dir_lookup(a->name, &rest)) >= 0 &&
		    v[d] == NULL)
			v[d] = tmpl_attr_val(a);
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

/* Split "x in a.b" into var x and path a.b. Returns 0, or -1 if malformed. */
int
tmpl_each_parse(const char *s, struct var *var, const char **path, size_t *plen)
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

const struct tfile *
tmpl_set_find(const struct tmpl_set *s, const char *name)
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

int
tmpl_has_dir(const xmlNode *n, enum dir want)
{
	const char *v[DIR__MAX];

	tmpl_dirs_get(n, v);
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

	switch (tmpl_dirs[d].arg) {
	case ARG_PATH:
		if (!path_ok(val, strlen(val)))
			return tmpl_node_err(k->err, k->errlen, n, "t:%s=\"%s\": "
			    "expected a path like name or a.b", a->name, val);
		break;
	case ARG_KEY:
		for (int l = 0; l < LANG__MAX; l++)
			if (i18n_get(k->msgs, (enum lang)l, val) == NULL)
				return tmpl_node_err(k->err, k->errlen, n,
				    "t:%s: no message \"%s\" in %s", a->name,
				    val, lang_codes[l]);
		break;
	case ARG_EACH:
		if (tmpl_each_parse(val, &var, &path, &plen) != 0)
			return tmpl_node_err(k->err, k->errlen, n, "t:each=\"%s\": "
			    "expected \"x in path\"", val);
		break;
	case ARG_FILE:
		if (tmpl_set_find(k->set, val) == NULL)
			return tmpl_node_err(k->err, k->errlen, n, "t:%s: no template "
			    "\"%s\" in the templates folder", a->name, val);
		break;
	case ARG_NAME:
		if (!path_ok(val, strlen(val)) || strchr(val, '.') != NULL)
			return tmpl_node_err(k->err, k->errlen, n, "t:%s=\"%s\": "
			    "expected a name", a->name, val);
		break;
	case ARG_ANY:
		break;
	}
	if (tmpl_dirs[d].prefix) {
		if (xmlValidateNCName(BAD_CAST rest, 0) != 0 ||
		    strcmp(rest, "xmlns") == 0)
			return tmpl_node_err(k->err, k->errlen, n, "t:%s: \"%s\" is "
			    "not an attribute name", a->name, rest);
		if ((rest[0] == 'o' || rest[0] == 'O') &&
		    (rest[1] == 'n' || rest[1] == 'N'))
			return tmpl_node_err(k->err, k->errlen, n, "t:%s: event "
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
		if (tmpl_is_t_ns(a->ns) && (d = tmpl_dir_lookup(a->name, &r2)) >= 0 &&
		    tmpl_dirs[d].prefix && strcmp(rest, r2) == 0)
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
		return tmpl_node_err(k->err, k->errlen, n, "<%s> has no namespace: "
		    "declare xmlns=\"" TMPL_XHTML_NS "\" on the root", n->name);
	if (tmpl_is_t_ns(n->ns))
		return tmpl_node_err(k->err, k->errlen, n, "unknown element <%s:%s>",
		    n->ns->prefix ? n->ns->prefix : BAD_CAST "", n->name);
	if (n->ns->prefix != NULL)
		return tmpl_node_err(k->err, k->errlen, n, "<%s:%s>: only the t: "
		    "prefix is supported; use xmlns=\"...\" on the element",
		    n->ns->prefix, n->name);
	/*
	 * Namespace names are written back as they are: keep them to plain
	 * URI characters (libxml2 keeps "&#38;" and the like in them).
	 */
	for (const xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next)
		if (ns->href == NULL || ns->href[0] == '\0' ||
		    strpbrk((const char *)ns->href, "&<>\"' \t\r\n\\") != NULL)
			return tmpl_node_err(k->err, k->errlen, n, "xmlns: the "
			    "namespace name must be a plain URI, without entity "
			    "or character references");
	for (a = n->properties; a != NULL; a = a->next) {
		if ((val = tmpl_attr_val(a)) == NULL)
			return tmpl_node_err(k->err, k->errlen, n, "attribute %s: "
			    "entity references are not supported", a->name);
		if (a->ns == NULL ||
		    xmlStrEqual(a->ns->href, XML_XML_NAMESPACE))
			continue;
		if (!tmpl_is_t_ns(a->ns))
			return tmpl_node_err(k->err, k->errlen, n, "attribute %s:%s: "
			    "only the t: and xml: prefixes are supported",
			    a->ns->prefix, a->name);
		if ((d = tmpl_dir_lookup(a->name, &rest)) < 0)
			return tmpl_node_err(k->err, k->errlen, n,
			    "unknown directive t:%s", a->name);
		if (check_arg(k, n, a, d, rest, val) != 0)
			return -1;
		if (tmpl_dirs[d].prefix && attr_twice(a, rest))
			return tmpl_node_err(k->err, k->errlen, n, "attribute %s is "
			    "set by two directives", rest);
	}
	tmpl_dirs_get(n, v);
	ncontent = (v[DIR_TEXT] != NULL) + (v[DIR_HTML] != NULL) +
	    (v[DIR_I18N] != NULL);
	if (ncontent > 1)
		return tmpl_node_err(k->err, k->errlen, n, "use only one of t:text, "
		    "t:html and t:i18n on an element");
	if (v[DIR_INCLUDE] != NULL)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && !include_ok[d])
				return tmpl_node_err(k->err, k->errlen, n, "t:include "
				    "takes only t:if, t:unless and t:each "
				    "beside it, not t:%s", tmpl_dirs[d].name);
	if (v[DIR_LAYOUT] != NULL && n->parent->type != XML_DOCUMENT_NODE)
		return tmpl_node_err(k->err, k->errlen, n,
		    "t:layout belongs on the root element");
	/* A page has exactly one root element, whatever the model holds. */
	if (n->parent->type == XML_DOCUMENT_NODE)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && (d == DIR_IF || d == DIR_UNLESS ||
			    d == DIR_EACH || d == DIR_STRIP))
				return tmpl_node_err(k->err, k->errlen, n, "t:%s cannot "
				    "be on a file's root element, which must be "
				    "written exactly once (put it on the "
				    "t:include instead)", tmpl_dirs[d].name);
	if (v[DIR_LAYOUT] != NULL)
		for (d = 0; d < DIR__MAX; d++)
			if (v[d] != NULL && d != DIR_LAYOUT)
				return tmpl_node_err(k->err, k->errlen, n, "t:layout "
				    "takes no other directive beside it, not "
				    "t:%s", tmpl_dirs[d].name);
	if (v[DIR_FILL] != NULL) {
		p = n->parent;
		if (p->type != XML_ELEMENT_NODE ||
		    p->parent->type != XML_DOCUMENT_NODE ||
		    !tmpl_has_dir(p, DIR_LAYOUT))
			return tmpl_node_err(k->err, k->errlen, n, "t:fill belongs on "
			    "a child of a root element with t:layout");
		if (strcmp(v[DIR_FILL], "content") == 0)
			return tmpl_node_err(k->err, k->errlen, n, "t:fill=\"content\":"
			    " the root's other children fill the content slot");
	}
	if (tmpl_is_void(n->name) && (ncontent || has_content(n)))
		return tmpl_node_err(k->err, k->errlen, n, "<%s> is a void element "
		    "and cannot have content", n->name);
	if (tmpl_is_raw(n->name)) {
		if (ncontent)
			return tmpl_node_err(k->err, k->errlen, n, "<%s> cannot take "
			    "values or messages", n->name);
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE ||
			    ((c->type == XML_TEXT_NODE ||
			    c->type == XML_CDATA_SECTION_NODE) &&
			    strpbrk((const char *)c->content, "<&") != NULL))
				return tmpl_node_err(k->err, k->errlen, c, "<%s> may "
				    "not contain elements, '<' or '&': move it "
				    "to a file under static/", n->name);
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (check_elem(k, c) != 0)
				return -1;
		} else if (c->type == XML_ENTITY_REF_NODE)
			return tmpl_node_err(k->err, k->errlen, n, "entity &%s; is not"
			    " supported: write the character itself", c->name);
	}
	return 0;
}

/* ---- loading --------------------------------------------------------- */

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
			if ((s->f[i].t[l] = tmpl_compile_file(s, &s->f[i], msgs,
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

	if (lang < 0 || lang >= LANG__MAX || (f = tmpl_set_find(s, name)) == NULL)
		return NULL;
	return f->t[lang];
}
