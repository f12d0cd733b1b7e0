/* notice.h — reading the published privacy notice: versions, the print stylesheet and the JSON document (pages: view_notice.h). */
#ifndef REKISTERI_NOTICE_H
#define REKISTERI_NOTICE_H

#include <sqlite3.h>

#include "buf.h"
#include "i18n.h"

/* Prepare this module's statements on db (once per process). 0 or -1. */
int	 notice_prepare(sqlite3 *db);
void	 notice_finalize(void);

/* The newest published version's number; 0 when none is published; -1 on error. */
int	 notice_latest(void);

/* Non-zero when version number is published. */
int	 notice_exists(int number);

/* The date drawn up of published version number, formatted for lang, into dst. 0 or -1. */
int	 notice_drawn_up(int number, enum lang, char *dst, size_t len);

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
