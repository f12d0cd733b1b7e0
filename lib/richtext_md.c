/* richtext_md.c — the notice editor's plain-text syntax: CommonMark (libcmark) turned into HTML, which rt_clean then cleans like any other input. See richtext.h. */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "richtext.h"

char *
rt_from_markdown(const char *src, size_t len)
{
	/*
	 * Raw HTML passes through (CMARK_OPT_UNSAFE): the sections already
	 * stored are HTML, and what reaches a page is decided by rt_clean's
	 * allow-list afterwards, never here. A single line break is kept as
	 * <br> (CMARK_OPT_HARDBREAKS), as people expect of a text box.
	 */
	return cmark_markdown_to_html(src, len, CMARK_OPT_UNSAFE |
	    CMARK_OPT_HARDBREAKS | CMARK_OPT_VALIDATE_UTF8);
}
