/* cimport.h — customer CSV imports (new records from an old system; name and address updates from an update service): check every row, show what would change, apply the good rows in one transaction (docs/csv.md). */
#ifndef REKISTERI_CIMPORT_H
#define REKISTERI_CIMPORT_H

#include <stddef.h>

#include <sqlite3.h>

#include "csvio.h"
#include "customer.h"
#include "forget.h"
#include "i18n.h"

enum cimport_kind {
	CIMPORT_NEW,		/* rekisteri customer import */
	CIMPORT_UPDATES		/* rekisteri customer import-updates, the upload page */
};

/*
 * The largest file an import reads, and its most rows: a million rows of
 * up to about a kilobyte each (a demo row is about 260 bytes; #17). The
 * file is held in memory with its UTF-8 text and the checked records, so
 * an import at the limit needs a few gigabytes; the upload page has its
 * own, smaller limit (IMPORT_UPLOAD_MAX, 8 MB).
 */
#define CIMPORT_MAX_BYTES	(1024L << 20)
#define CIMPORT_MAX_ROWS	1000000L

/*
 * The order columns a new record may bring (CIMPORT_NEW only): one order
 * with its invoice state (docs/csv.md, invoice.h).
 */
enum cimport_ocol {
	CIO_NUMBER,	/* order_number */
	CIO_DATE,	/* order_date */
	CIO_AMOUNT,	/* order_amount, euros */
	CIO_STATUS,	/* order_status: open, paid, collection, credited, written_off */
	CIO_STATUS_ON,	/* order_status_on: the day that state began; default the order date */
	CIO__MAX
};
extern const char *const cimport_order_columns[CIO__MAX + 1];	/* "order_number", ..., NULL */

/* What one data row would do, or why it cannot. */
struct cimport_line {
	long	 line;		/* where the row begins in the file */
	char	*number;	/* the record's number ("" for a new one without) */
	char	*what;		/* bad: "field: reason; ..."; good: "field: old → new; ..." */
	int	 bad;
	int	 same;		/* an update that changes nothing */
	int	 suppressed;	/* a new record matching the suppression list (warned) */
	unsigned sets;		/* an update: the fields its row gives (1u << enum cfield) */
};

struct cimport {
	/* set by the caller */
	enum cimport_kind	 kind;
	enum csource		 source;
	long long		 user_id;	/* 0 for the command line */
	enum csv_charset	 charset;
	const struct i18n	*msgs;		/* validation messages, in lang */
	enum lang		 lang;
	/* called now and then while checking and applying; may be NULL */
	void			(*progress)(void *arg, const char *phase,
				    long done, long total);
	void			*arg;
	/* the suppression list (forget.h): checked when key is not NULL */
	const struct forget_key	*suppress_key;
	int			 suppress_refuse;	/* else a warning */
	/* results */
	enum csv_charset	 used;		/* the charset the file was read as */
	long			 rows, good, bad, same, applied;
	struct cimport_line	*lines;		/* one per data row, in file order */
	size_t			 nlines;
	char			 error[256];	/* why the whole file was refused */
	/* private */
	struct customer		*recs;		/* the good rows' records */
	char			*(*orders)[CIO__MAX];	/* each row's order, normalised; [0] NULL: none */
	size_t			 cap;
	int			 cols[1 + CF__MAX + CIO__MAX];	/* column → field (-1: number, 100 + enum cimport_ocol) */
	size_t			 ncols;
	sqlite3			*db;
};

/*
 * Read and check data (the whole file): the header row names the columns
 * (docs/csv.md), then every row is validated like the customer form, and
 * for updates compared with the record it names. Changes nothing. 0, or
 * -1 with the reason in im->error (unreadable file, bad header).
 */
int	 cimport_check(sqlite3 *, struct cimport *im, const char *data,
	    size_t len);

/*
 * Apply the good rows of a checked import in one transaction (its own, or
 * the caller's when one is open: then a -1 leaves it to the caller to roll
 * back), each change with its history row and source. An update sets only the fields its row
 * gives, on the record as it is now: what staff changed since the check
 * stays. 0 (im->applied set), or -1 (nothing applied, the reason in
 * im->error).
 */
int	 cimport_apply(sqlite3 *, struct cimport *im);

void	 cimport_free(struct cimport *im);

/* The columns each kind accepts, NULL-terminated (for help texts and docs). */
extern const char *const cimport_update_columns[];

#endif
