/* richtext.h — the notice's rich text: a small XHTML subset, cleaned with libxml2 so nothing else reaches a page. */
#ifndef REKISTERI_RICHTEXT_H
#define REKISTERI_RICHTEXT_H

#include <stddef.h>

#include "buf.h"
#include "i18n.h"

/*
 * Clean src[0..len) — text with simple HTML as the notice's form exports it
 * (p, ul, li, a, strong, em, br, plus whatever else people paste) — into
 * well-formed XHTML that uses only:
 *
 *   p  ul  ol  li  strong  em  br  a (href: http, https or mailto only)
 *
 * with no other attribute at all. Loose text and inline elements at the top
 * level are wrapped in <p>; a <ul>/<ol> whose content is "- item" lines
 * (the export's way) becomes one <li> per item; an empty <p> is dropped;
 * whitespace runs (including line breaks inside a paragraph) become one
 * space. Elements not in the list are dropped — their text kept, except for
 * script, style, iframe, object, embed, template, noscript, svg and math,
 * whose content goes too — and each drop appends a line to warnings
 * ("dropped <script>", "dropped attribute style on <ul>", "dropped link
 * javascript:…"); warnings may be NULL.
 *
 * The result is a fragment of XHTML elements without namespace
 * declarations, ready for a t:html slot in an XHTML page; it is "" for
 * input with no text. Returns NULL only if src is not valid UTF-8.
 * Caller frees.
 */
char	*rt_clean(const char *src, size_t len, struct buf *warnings);

/*
 * The editor's plain-text syntax (CommonMark, libcmark; docs/notice-format.md,
 * "Writing in the editor") as HTML for rt_clean: a blank line between
 * paragraphs, "- " list items, **bold**, *italic*, [text](https://…); a
 * line break is a <br>; HTML such as the stored sections passes through
 * as it is. NULL only when out of memory. Caller frees (free()).
 */
char	*rt_from_markdown(const char *src, size_t len);

/*
 * One of rt_clean's warning lines (line, len bytes, no newline) in lang
 * for people, appended to out: "dropped <h3>" → "Poistettiin merkintä
 * (teksti säilyi): <h3>" (i18n rt.w.*). 0, or -1 for a line of no known
 * shape, appended as it is.
 */
int	 rt_warning_words(const struct i18n *, enum lang, const char *line,
	    size_t len, struct buf *out);

/*
 * The plain text of a cleaned fragment: paragraphs and list items each on
 * their own line, list items prefixed "- ". Caller frees.
 */
char	*rt_text(const char *xhtml);

#endif
