/* notice.h — reading the published privacy notice: versions, facts and sections, for pages and JSON. */
#ifndef REKISTERI_NOTICE_H
#define REKISTERI_NOTICE_H

#include <sqlite3.h>

#include "buf.h"
#include "i18n.h"
#include "tmpl.h"

/* Prepare this module's statements on db (once per process). 0 or -1. */
int	 notice_prepare(sqlite3 *db);
void	 notice_finalize(void);

/* The newest published version's number; 0 when none is published; -1 on error. */
int	 notice_latest(void);

/* Non-zero when version number is published. */
int	 notice_exists(int number);

/*
 * Fill root for the notice page of published version number in lang:
 * version {number, drawn_up, published_at (formatted), latest (bool)},
 * facts {title, register_name, controller_*, contact_*, *_mailto},
 * sections [{anchor, title, body (tm_html), empty (bool)}].
 * Returns 0, or -1 when there is no such version or on error.
 */
int	 notice_fill(int number, enum lang, struct tmpl_map *root);

/* The date drawn up of published version number, formatted for lang, into dst. 0 or -1. */
int	 notice_drawn_up(int number, enum lang, char *dst, size_t len);

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
 * draft) in lang; editing adds each section's edit_href for the intranet's
 * editor. 0, or -1 when that version has no such language.
 */
int	 notice_fill_content(long long id, enum lang, int editing,
	    struct tmpl_map *root);

/* Fill root.versions with every published version, newest first. 0 or -1. */
int	 notice_fill_versions(const struct notice_urls *, enum lang,
	    struct tmpl_map *root);

/*
 * The print stylesheet of version number in lang: @page boxes with label
 * (a catalogue message), the version, the date drawn up, and page numbers.
 * 0 or -1.
 */
int	 notice_print_css(int number, enum lang, const char *label,
	    struct buf *out);

/*
 * The JSON document of docs/notice-json.md for published version number,
 * built by SQLite's JSON functions, into out. 0 or -1.
 */
int	 notice_json(int number, struct buf *out);

#endif
