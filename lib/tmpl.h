/* tmpl.h — XHTML templates, checked and compiled once with libxml2, rendered with escaping by construction. */
#ifndef REKISTERI_TMPL_H
#define REKISTERI_TMPL_H

#include <stddef.h>

#include "buf.h"
#include "i18n.h"

/*
 * The template language (docs/templates.md is the user's guide).
 *
 * A template is a well-formed XHTML file in the templates folder. Directives
 * are attributes in the namespace urn:rekisteri:template (prefix t:):
 *
 *   t:text="path"           element content := the value, escaped
 *   t:html="path"           element content := a value made with tm_html()
 *                           (libxml2-cleaned rich text); any other value is
 *                           escaped as text. The one raw door; grep for it.
 *   t:i18n="key"            element content := the message, escaped
 *   t:attr-NAME="path"      attribute NAME := the value, escaped; a false or
 *                           missing value omits the attribute; true writes
 *                           NAME="NAME" (checked, selected, disabled)
 *   t:i18n-attr-NAME="key"  attribute NAME := the message, escaped
 *   t:if="path"             keep the element when the value is truthy
 *   t:unless="path"         keep the element when the value is falsy
 *   t:each="x in path"      repeat the element for each item of a list;
 *                           inside, x.field (or x for a string item) reads it
 *   t:include="file.xhtml"  replace the element by that file's root element
 *   t:layout="file.xhtml"   (on the root) render inside that layout: the
 *                           root's children fill the layout's t:slot="content"
 *   t:slot="name"           (in a layout) a place pages fill; its children are
 *                           the default when a page does not fill it
 *   t:fill="name"           (on a child of a page's root) goes to slot name
 *   t:strip=""              emit the element's children without the element
 *
 * Paths are dotted names looked up in the model: the innermost t:each
 * variable first, then the root map. Truthy: a true bool, a non-zero int, a
 * non-empty string, a non-empty list, any map. Messages (t:i18n) are
 * resolved when the template is compiled, once per language, so they cost
 * nothing per request; the <html> element gets lang and xml:lang of its
 * language, and a page whose root is <html> starts with <!DOCTYPE html>.
 *
 * Output is polyglot XHTML5: void elements as <br/>, every other element
 * with an end tag, no comments, no t: attributes or namespace.
 *
 * Anything else in the t: namespace, a t:each without "x in path", a missing
 * i18n key, a file that is not well-formed XML or an include/layout that does
 * not exist fails tmpl_load with "FILE:LINE: reason".
 */

struct tmpl_set;
struct tmpl;
struct tmpl_model;
struct tmpl_map;
struct tmpl_list;

/*
 * Parse and compile every *.xhtml file in dir, once for each language,
 * with messages from msgs. Returns NULL on the first problem, with
 * "file:line: reason" in err.
 */
struct tmpl_set		*tmpl_load(const char *dir, const struct i18n *msgs,
			    char *err, size_t errlen);
void			 tmpl_free(struct tmpl_set *);

/* The compiled template NAME ("notice.xhtml") for lang, or NULL. */
const struct tmpl	*tmpl_get(const struct tmpl_set *, const char *name,
			    enum lang);

/* Append the page for model root to out. Values are escaped as written. */
void			 tmpl_render(const struct tmpl *, const struct tmpl_map *root,
			    struct buf *out);

/*
 * The model: maps of key → value, where a value is a string, an integer, a
 * bool, a list, a map or cleaned HTML. One tmpl_model owns all memory of one
 * render (an arena): strings are copied in, keys must outlive the model
 * (string literals). Setting a key twice replaces the value.
 */
struct tmpl_model	*tm_new(void);
void			 tm_free(struct tmpl_model *);
struct tmpl_map		*tm_root(struct tmpl_model *);

void			 tm_str(struct tmpl_map *, const char *key, const char *val);
void			 tm_strn(struct tmpl_map *, const char *key, const char *val,
			    size_t len);
void			 tm_int(struct tmpl_map *, const char *key, long long val);
void			 tm_bool(struct tmpl_map *, const char *key, int val);
/* Trusted markup: only for rich text already cleaned by libxml2. */
void			 tm_html(struct tmpl_map *, const char *key, const char *val);
struct tmpl_map		*tm_map(struct tmpl_map *, const char *key);
struct tmpl_list	*tm_list(struct tmpl_map *, const char *key);
struct tmpl_map		*tm_list_map(struct tmpl_list *);
void			 tm_list_str(struct tmpl_list *, const char *val);

#endif
