/* view_notice.h — the privacy notice as template models, for the executables that show it (notice, intranet); needs notice_prepare. */
#ifndef REKISTERI_VIEW_NOTICE_H
#define REKISTERI_VIEW_NOTICE_H

#include <sqlite3.h>

#include "authority.h"
#include "i18n.h"
#include "notice.h"
#include "tmpl.h"

/*
 * Fill root for the notice page of published version number in lang:
 * version {number, drawn_up, published_at (formatted), latest (bool)},
 * facts {title, register_name, controller_*, contact_*, *_mailto},
 * sections [{anchor, title, body (tm_html), empty (bool)}].
 * Returns 0, or -1 when there is no such version or on error.
 */
int	 notice_fill(int number, enum lang, struct tmpl_map *root);

/*
 * Where a notice page's links go: the live executable's URLs with query
 * strings, or the files `rekisteri notice export` writes under a prefix.
 */
struct notice_urls {
	int		 exported;	/* 0: live URLs; 1: files under prefix */
	const char	*prefix;	/* "/notice-static", for exported */
};

/*
 * Set a page's links in root: lang_href (this page in the other
 * language), current_href, request_href, versions_href, json_href and
 * print_css_href. number is the version shown (0 on the versions list),
 * latest the newest published one.
 */
void	 notice_links(struct tmpl_map *root, const struct notice_urls *,
	    enum lang, int number, int latest);

/*
 * Fill root.facts and root.sections of version id (published or the
 * draft) in lang: sections [{position, number (position + 1, as the
 * page's contents number it after the controller), anchor, href, title,
 * body, empty}]; edit_path (the editor's page, NULL for none: the draft
 * only) adds each section's edit_href, "EDIT_PATH?edit=LANG&n=N", and
 * changed: no section of the latest published version in lang has the
 * same title and text. 0, or -1 when that version has no such language.
 */
int	 notice_fill_content(long long id, enum lang, const char *edit_path,
	    struct tmpl_map *root);

/* Fill root.versions with every published version, newest first. 0 or -1. */
int	 notice_fill_versions(const struct notice_urls *, enum lang,
	    struct tmpl_map *root);

/*
 * (view_notice_draft.c, for the editor only)
 * Fill root for the draft's preview in lang: version {number 0, drawn_up,
 * latest}, facts, sections [{..., edit_href to edit_path}]. 0, or -1 when
 * there is no draft. Needs notice_prepare on db.
 */
int	 notice_draft_fill(sqlite3 *, enum lang, const char *edit_path,
	    struct tmpl_map *root);

/* The supervisory authority (authority.h), for the notice's Ombudsman box and letters: */
/*
 * Fill m for lang with one string per detail (afield_names), "mailto"
 * (mailto: the email), "checked" (the ISO date) and "checked_text" (as
 * people write it in lang).
 */
void	 authority_fill(const struct authority *, enum lang, struct tmpl_map *m);

#endif
