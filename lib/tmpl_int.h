/* tmpl_int.h — what the template files share (private to lib/tmpl*.c): the model's values, the compiled program, the directives and the helpers the checker and the compiler both use. */
#ifndef REKISTERI_TMPL_INT_H
#define REKISTERI_TMPL_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "i18n.h"
#include "tmpl.h"

#define TMPL_XHTML_NS	"http://www.w3.org/1999/xhtml"
#define TMPL_EACH_MAX	8	/* nested t:each */

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
	uint32_t		 hash;		/* tmpl_key_hash(key) */
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
	uint32_t	hash;		/* tmpl_key_hash of the name */
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

/* Directives: attribute names in the t: namespace, and what their value must be. */
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

/* A directive: its name after t:, and what its value must be. */
struct tmpl_dir {
	const char	*name;
	int		 prefix;	/* the rest of the name is an attribute name */
	enum arg	 arg;
};

/* Every directive, by enum dir (tmpl.c). */
extern const struct tmpl_dir tmpl_dirs[DIR__MAX];

/* A t:each variable: a slice of the attribute's value, not NUL-terminated. */
struct var {
	const char	*s;
	size_t		 len;
};

/*
 * FNV-1a: keys are compared by hash and length before their bytes. Inline
 * here, as the model (tm_set) hashes every key it sets and the compiler
 * every path segment.
 */
static inline uint32_t
tmpl_key_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/*
 * The checker's helpers the compiler shares (tmpl.c). Nodes are those of
 * a parsed template; nothing is allocated or kept.
 */

/* "FILE:LINE: message" of node n into err (errlen bytes); returns -1. */
int		 tmpl_node_err(char *err, size_t errlen, const xmlNode *n,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Whether name is a void element (written as <x/>, never with content). */
int		 tmpl_is_void(const xmlChar *name);
/* Whether name is a raw text element (script, style): no values, no '<' or '&'. */
int		 tmpl_is_raw(const xmlChar *name);
/* Whether ns is the template namespace (t:). */
int		 tmpl_is_t_ns(const xmlNs *ns);
/* The text of an attribute, "" when empty; NULL for entity references. Points into a. */
const char	*tmpl_attr_val(const xmlAttr *a);
/* Directive of t:NAME, with *rest past a prefix (attr-...); -1: unknown. */
int		 tmpl_dir_lookup(const xmlChar *xname, const char **rest);
/* v[d] := value of n's directive d (the first, for attr-), or NULL. Values point into n. */
void		 tmpl_dirs_get(const xmlNode *n, const char *v[DIR__MAX]);
/* Whether n carries directive want. */
int		 tmpl_has_dir(const xmlNode *n, enum dir want);
/*
 * Split "x in a.b" (s) into var x and path a.b (*path, *plen bytes), both
 * pointing into s. Returns 0, or -1 if malformed.
 */
int		 tmpl_each_parse(const char *s, struct var *var,
		    const char **path, size_t *plen);
/* The file name in s (sorted by name), or NULL: none, or s NULL or empty. */
const struct tfile *tmpl_set_find(const struct tmpl_set *s, const char *name);

/*
 * Compile file f of s for lang (tmpl_compile.c): f and the files it
 * includes or is laid out in must have passed the checker, their documents
 * still loaded. A root with t:layout is replaced by the layout's root,
 * whose slots take the page's children. The caller frees the result (as
 * tmpl_free does). NULL with "file:line: reason" in err.
 */
struct tmpl	*tmpl_compile_file(const struct tmpl_set *s, const struct tfile *f,
		    const struct i18n *msgs, enum lang lang, char *err,
		    size_t errlen);

#endif
