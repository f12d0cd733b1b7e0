/* csvio.c — see csvio.h. Quoting and parsing are libcsv's; this file adds the rules of the house. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "buf.h"
#include "csvio.h"
#include "req.h"

/* A spreadsheet runs a cell beginning with one of these as a formula. */
static int
formula_start(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

void
csv_cell(struct buf *out, const char *s, int first)
{
	struct buf cell = BUF_INIT;
	size_t need;

	if (!first)
		buf_addc(out, ',');
	if (s == NULL)
		s = "";
	if (formula_start(s[0]))
		buf_addc(&cell, '\'');
	buf_adds(&cell, s);
	/* libcsv quotes the whole cell and doubles its quotes. */
	need = csv_write(NULL, 0, cell.len ? cell.data : "", cell.len);
	buf_reserve(out, need + 1);
	out->len += csv_write(out->data + out->len, need, cell.len ?
	    cell.data : "", cell.len);
	out->data[out->len] = '\0';
	buf_free(&cell);
}

void
csv_row_end(struct buf *out)
{
	buf_adds(out, "\r\n");
}

void
csv_row(struct buf *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_cell(out, cells[i], i == 0);
	csv_row_end(out);
}

int
csv_charset_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcasecmp(s, "auto") == 0)
		return CSV_AUTO;
	if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		return CSV_UTF8;
	if (strcasecmp(s, "iso-8859-1") == 0 || strcasecmp(s, "latin1") == 0 ||
	    strcasecmp(s, "latin-1") == 0)
		return CSV_LATIN1;
	return -1;
}

/* ISO-8859-1 to UTF-8 with iconv; every byte is a character, so it cannot fail but for memory. */
static int
latin1_to_utf8(const char *in, size_t len, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", "ISO-8859-1");
	char *src = (char *)in, *dst;
	size_t left = len, room;

	if (cd == (iconv_t)-1)
		return -1;
	buf_reserve(out, len * 2 + 1);
	dst = out->data + out->len;
	room = len * 2;
	if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
		iconv_close(cd);
		return -1;
	}
	out->len = (size_t)(dst - out->data);
	out->data[out->len] = '\0';
	iconv_close(cd);
	return 0;
}

int
csv_to_utf8(const char *in, size_t len, enum csv_charset cs, struct buf *out,
    enum csv_charset *used, char *err, size_t errlen)
{
	if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0) {
		in += 3;	/* a byte-order mark says UTF-8 */
		len -= 3;
		if (cs == CSV_AUTO)
			cs = CSV_UTF8;
	}
	if (memchr(in, '\0', len) != NULL) {
		snprintf(err, errlen, "the file holds NUL bytes: it is not text");
		return -1;
	}
	if (cs == CSV_AUTO)
		cs = text_valid(in, len) ? CSV_UTF8 : CSV_LATIN1;
	if (cs == CSV_UTF8) {
		if (!text_valid(in, len)) {
			snprintf(err, errlen, "the file is not valid UTF-8 text "
			    "(try --encoding iso-8859-1)");
			return -1;
		}
		buf_add(out, in, len);
	} else if (latin1_to_utf8(in, len, out) != 0 ||
	    !text_valid(out->data, out->len)) {
		snprintf(err, errlen, "the file holds control characters: it is "
		    "not CSV text");
		return -1;
	}
	if (out->data == NULL)
		buf_adds(out, "");
	*used = cs;
	return 0;
}

struct reader {
	char		**fields;
	size_t		  n;
	size_t		  max_fields;
	size_t		  max_field;
	long		  line;		/* where the record being read began */
	int		  ended;	/* the last line fed ended a record */
	int		  rc;		/* fn's result, or -1 for a limit */
	const char	 *why;
	csv_row_fn	  fn;
	void		 *arg;
};

static void
rd_clear(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	char *f;

	if (r->rc != 0)
		return;
	if (r->n == r->max_fields) {
		r->rc = -1;
		r->why = "too many fields";
		return;
	}
	if (len > r->max_field) {
		r->rc = -1;
		r->why = "a field is too long";
		return;
	}
	f = xstrndup(s != NULL ? s : "", len);
	/* The apostrophe csv_cell put before a formula-like value. */
	if (f[0] == '\'' && formula_start(f[1]))
		memmove(f, f + 1, strlen(f));
	r->fields[r->n++] = f;
}

static void
on_record(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	r->ended = 1;
	if (r->rc == 0 && r->n > 0)
		r->rc = r->fn(r->arg, r->line, r->fields, r->n);
	rd_clear(r);
}

int
csv_read(const char *text, size_t len, size_t max_fields, size_t max_field,
    csv_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct csv_parser p;
	struct reader r;
	const char *s = text, *end = text + len;
	long line = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	r.fields = xcalloc(max_fields > 0 ? max_fields : 1, sizeof(char *));
	r.max_fields = max_fields;
	r.max_field = max_field;
	r.fn = fn;
	r.arg = arg;
	r.ended = 1;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(r.fields);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* A line at a time, so a record knows the line it began on. */
	while (s < end && r.rc == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);

		line++;
		if (r.ended) {
			if (s[0] == '\n' || (n == 2 && s[0] == '\r'))
				goto next;	/* a blank line between records */
			r.line = line;
			r.ended = 0;
		}
		if (csv_parse(&p, s, n, on_field, on_record, &r) != n) {
			snprintf(err, errlen, "line %ld: %s", line,
			    csv_error(&p) == CSV_EPARSE ? "a quote in the wrong "
			    "place (a quoted field must be quoted from its first "
			    "character to its last, with quotes inside doubled)" :
			    "cannot read the line");
			rc = -1;
			goto out;
		}
next:
		s += n;
	}
	if (r.rc == 0 && csv_fini(&p, on_field, on_record, &r) != 0) {
		snprintf(err, errlen, "line %ld: a quoted field is not closed",
		    r.line);
		rc = -1;
		goto out;
	}
	if (r.rc == -1 && r.why != NULL) {
		snprintf(err, errlen, "line %ld: %s", r.line, r.why);
		rc = -1;
		goto out;
	}
	rc = r.rc;
out:
	rd_clear(&r);
	free(r.fields);
	csv_free(&p);
	return rc;
}
