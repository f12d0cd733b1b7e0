/* richtext_int.h — what the rich text files share (private to lib/richtext*.c): the clean document being built, its builder, and XML's character rules. */
#ifndef REKISTERI_RICHTEXT_INT_H
#define REKISTERI_RICHTEXT_INT_H

#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"

#define RT_INLINE_MAX	8	/* strong/em/a kept up to this nesting */

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

/* Log and abort: libxml2 could not allocate, which is not recoverable. */
void		 rt_xml_oom(void) __attribute__((noreturn));
/* n, a node libxml2 made, or abort when it is NULL. */
xmlNodePtr	 rt_must(xmlNodePtr n);
/* Whether c is HTML's ASCII whitespace (space, TAB, LF, CR, FF). */
int		 rt_is_ws(unsigned char c);
/*
 * Length of the character at s[0..n) (n > 0) if XML 1.0 cannot carry it
 * (a C0 control other than whitespace, DEL, U+FFFE, U+FFFF), else 0.
 */
size_t		 rt_xml_bad_char(const unsigned char *s, size_t n);

/*
 * The builder (richtext_out.c). Every call takes the document o being
 * built and keeps its fixed shape; nodes are made in o->doc, and any
 * allocation failure aborts.
 */

/* Where inline content goes now: the innermost open inline element, or the open block. */
xmlNodePtr	 rt_cur(const struct out *o);
/* A new element name appended to parent's children. */
xmlNodePtr	 rt_new_el(struct out *o, xmlNodePtr parent, const char *name);
/* Open a ul or ol (name) at the root; implicit when a stray <li> opens it. */
void		 rt_open_list(struct out *o, const xmlChar *name, int implicit);
/* Open a p (at the root) or an li (in the open list); explicit when the source had a p or li. */
void		 rt_open_block(struct out *o, int explicit);
/* Close the open p or li, tidied (empty inline elements, trailing spaces and breaks, an empty block dropped); none open is fine. */
void		 rt_close_block(struct out *o);
/* Close the open block and list; an empty list is dropped. */
void		 rt_close_list(struct out *o);
/* Make sure inline content has a block to go to (a p, or an li in a source list). */
void		 rt_need_block(struct out *o);
/* Inside a block's content (an explicit p or li, or an inline element): blocks met here flatten to a space. */
int		 rt_in_inline(const struct out *o);
/* Directly in a list from the source, not in an explicit li: text here is "- item" lines. */
int		 rt_in_items(const struct out *o);
/* A word break that is not a paragraph break: one space, none at a block's start. */
void		 rt_soft(struct out *o);
/* Between blocks: end the paragraph, or a space when in inline content. */
void		 rt_hard(struct out *o);
/* Add text s[0..n): whitespace runs become one space; characters XML cannot carry are left out. */
void		 rt_emit_text(struct out *o, const char *s, size_t n);
/* Add text met directly in a ul/ol: "- " separates items (not a Finnish suspended hyphen). */
void		 rt_emit_items(struct out *o, const char *s, size_t n);
/* A br: kept inside a block that has text, trailing spaces before it dropped. */
void		 rt_enter_br(struct out *o);
/* The children of root as XHTML, UTF-8. Caller frees. */
char		*rt_serialise(xmlDocPtr doc, xmlNodePtr root);

#endif
