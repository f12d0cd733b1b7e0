/* notice_edit.h — changing the privacy notice: parse the export format, import into the draft, publish. Never linked by public executables. */
#ifndef REKISTERI_NOTICE_EDIT_H
#define REKISTERI_NOTICE_EDIT_H

#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "i18n.h"

struct notice_section {
	char	*anchor;	/* from the title: lower-case ASCII, digits, '-' */
	char	*title;
	char	*body;		/* cleaned XHTML (richtext.h) */
};

/* One language of the notice as read from a file (docs/notice-format.md). */
struct notice_doc {
	char			*title;
	char			*drawn_up;	/* YYYY-MM-DD */
	char			*register_name;
	char			*controller_name;
	char			*controller_phone;
	char			*controller_email;
	char			*contact_name;
	char			*contact_phone;
	char			*contact_email;
	struct notice_section	*s;
	size_t			 n;
};

/*
 * Parse text[0..len) in the export format: the document title, four header
 * lines (date drawn up, controller, contact person, register name), then
 * one "Title<TAB>text" line per section, text continued on lines that
 * start with a TAB. Section texts are cleaned (rt_clean); what was cleaned
 * away, and anything else worth knowing, is appended to report as lines.
 * Returns 0, or -1 with the reason (naming the line) in err.
 */
int	 notice_parse(const char *text, size_t len, enum lang,
	    struct notice_doc *doc, struct buf *report, char *err, size_t errlen);
void	 notice_doc_free(struct notice_doc *);

/*
 * Put doc into the draft as its lang, in one transaction: the draft is made
 * when there is none (copying the newest published version's other
 * language, so a notice can be changed one language at a time), its date
 * drawn up is doc's, and lang's facts and sections are replaced.
 * controller_address (may be NULL) fills the postal address the export
 * format lacks. Returns 0, or -1 with err; on failure nothing changes.
 */
int	 notice_import(sqlite3 *, const struct notice_doc *, enum lang,
	    const char *controller_address, struct buf *report, char *err,
	    size_t errlen);

/*
 * Publish the draft as the next version number: both languages must be
 * there with the same number of sections (anchors are aligned to the
 * Finnish ones). *number gets the new version. 0, or -1 with err.
 */
int	 notice_publish(sqlite3 *, int *number, char *err, size_t errlen);

/* Drop the draft, if any. 0 or -1. */
int	 notice_discard_draft(sqlite3 *, char *err, size_t errlen);

/*
 * Editing the draft in the intranet, section by section.
 */

/* The draft's id, 0 when there is none, -1 on error. */
long long notice_draft_id(sqlite3 *);

/*
 * Start a draft as a copy of the newest published version, both languages.
 * 0 (made), 1 (there is a draft already, left as it is), -1 with err.
 */
int	 notice_draft_create(sqlite3 *, char *err, size_t errlen);

/*
 * Replace section position (1-based) of the draft's lang: title as plain
 * text, body as rich text cleaned here (what was dropped goes to warnings).
 * 0, or -1 with err (no draft, no such section, bad text).
 */
int	 notice_draft_section(sqlite3 *, enum lang, int position,
	    const char *title, const char *body, struct buf *warnings,
	    char *err, size_t errlen);

/* Section position of the draft in lang, as saved (cleaned): title and body appended. 0; 1 when there is none; -1 on error. */
int	 notice_draft_section_get(sqlite3 *, enum lang, int position,
	    struct buf *title, struct buf *body);

/* The draft's id and date drawn up (YYYY-MM-DD): 0; 1 when there is no draft; -1 on error. */
int	 notice_draft_date(sqlite3 *, long long *id, char date[11]);

/* Set the draft's date drawn up (YYYY-MM-DD, a real date). 0 or -1. */
int	 notice_draft_drawn_up(sqlite3 *, const char *date);

#endif
