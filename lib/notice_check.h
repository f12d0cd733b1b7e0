/* notice_check.h — checks of a privacy notice's text against facts kept elsewhere: that it gives the supervisory authority's current address. */
#ifndef REKISTERI_NOTICE_CHECK_H
#define REKISTERI_NOTICE_CHECK_H

#include <stddef.h>

#include <sqlite3.h>

#include "authority.h"
#include "buf.h"

/*
 * A notice must tell the data subject of the right to lodge a complaint
 * with a supervisory authority (GDPR Art. 13(2)(d), Art. 77(1)); an
 * address the authority has left sends the complaint astray. This flags,
 * in text[0..len):
 *  - each word of a former address of the authority (a's <former>), and
 *  - each Finnish postal code ("00521 Helsinki") within a few hundred bytes
 *    of the authority's name, email or web address that is not one of its
 *    current addresses' codes.
 * Each finding is a line "WHERE:LINE: what" appended to report (LINE
 * counted in text from 1). Returns the number of findings.
 */
int	 notice_check_authority(const struct authority *a, const char *text,
	    size_t len, const char *where, struct buf *report);

/* ASCII case-insensitive search for needle in hay[0..len) from at: the offset, or -1. */
long	 notice_find(const char *hay, size_t len, size_t at, const char *needle);

/*
 * The same over the sections of a stored notice in every language: the
 * newest published version, or the draft when draft is set. WHERE names
 * the version, language and section. Returns the number of findings, 0
 * when there is no such version, or -1 on a database error.
 */
int	 notice_check_stored(sqlite3 *, int draft, const struct authority *a,
	    struct buf *report);

#endif
