/* csvio.h — CSV in and out (libcsv): RFC 4180 rows with spreadsheet formulas neutralised, and reading rows with their line numbers from UTF-8 or ISO-8859-1 (docs/csv.md). */
#ifndef REKISTERI_CSVIO_H
#define REKISTERI_CSVIO_H

#include <stddef.h>

#include "buf.h"

/*
 * Writing. A cell is quoted when it holds a comma, a quote, CR or LF (the
 * quotes doubled, by libcsv); a cell that begins with = + - @, a tab or CR
 * gets an apostrophe in front, so a spreadsheet shows it as text instead of
 * running it as a formula. Rows end with CRLF.
 */
void	 csv_cell(struct buf *out, const char *s, int first);
void	 csv_row_end(struct buf *out);

/* A whole row of n cells, then CRLF. */
void	 csv_row(struct buf *out, const char *const *cells, size_t n);

enum csv_charset {
	CSV_AUTO,	/* UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 */
	CSV_UTF8,
	CSV_LATIN1
};

/* "auto", "utf-8", "iso-8859-1" (and "latin1"); -1 for anything else. */
int	 csv_charset_parse(const char *);

/*
 * The input as UTF-8 into out (a UTF-8 byte-order mark dropped), *used
 * saying which charset it was read as. Refused with the reason in err:
 * bytes that are not valid in the charset asked for, NUL bytes, and
 * control characters other than tab, CR and LF. 0 or -1.
 */
int	 csv_to_utf8(const char *in, size_t len, enum csv_charset cs,
	    struct buf *out, enum csv_charset *used, char *err, size_t errlen);

/*
 * Called for each record with the line it begins on (1 for the first),
 * its fields (NUL-terminated, the neutralising apostrophe of csv_cell
 * taken off again) and their number. A non-zero return stops reading and
 * is csv_read's result.
 */
typedef int (*csv_row_fn)(void *arg, long line, char **fields, size_t n);

/*
 * Read UTF-8 CSV text (RFC 4180: quoted fields may hold commas, quotes
 * and line breaks). Blank lines are skipped. A record may have at most
 * max_fields fields and a field at most max_field bytes. 0 when every
 * record was read, fn's non-zero result, or -1 with "line N: reason" in
 * err (an unclosed quote, a stray quote, too many or too long fields).
 */
int	 csv_read(const char *text, size_t len, size_t max_fields,
	    size_t max_field, csv_row_fn fn, void *arg, char *err,
	    size_t errlen);

#endif
