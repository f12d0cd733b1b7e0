/*
 * fuzz_csv.c — csv_to_utf8 and csv_read on any bytes: the text handed on
 * is valid text, every record's fields keep the limits, and what csv_row
 * writes of a record reads back as the same record.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csvio.h"
#include "fuzz.h"
#include "req.h"

struct want {
	char	**f;
	size_t	  n;
	int	  records;
};

static int
same_row(void *arg, long line, char **f, size_t n)
{
	struct want *w = arg;

	(void)line;
	if (w->records++ > 0 || n != w->n)
		fz_fail("a written record reads back as another shape", NULL);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], w->f[i]) != 0)
			fz_fail("a written field reads back differently", f[i]);
	return 0;
}

static int
check_row(void *arg, long line, char **f, size_t n)
{
	struct buf out = BUF_INIT;
	struct want w = { f, n, 0 };
	char err[200];
	size_t *seen = arg;

	if (line < 1 || n == 0 || n > 8)
		fz_fail("a record out of its limits", NULL);
	for (size_t i = 0; i < n; i++)
		if (strlen(f[i]) > 64)
			fz_fail("a field over its limit", NULL);
	/* written and read again: the same fields */
	csv_row(&out, (const char *const *)f, n);
	if (csv_read(out.data, out.len, 8, 200, same_row, &w, err,
	    sizeof(err)) != 0 || w.records != 1)
		fz_fail("a written record does not read back", err);
	buf_free(&out);
	(*seen)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT;
	enum csv_charset used;
	char err[200];
	size_t seen = 0;

	if (csv_to_utf8((const char *)data, size, CSV_AUTO, &text, &used, err,
	    sizeof(err)) == 0) {
		if (!text_valid(text.data, text.len))
			fz_fail("converted text is not valid text", NULL);
		(void)csv_read(text.data, text.len, 8, 64, check_row, &seen, err,
		    sizeof(err));
	}
	buf_free(&text);
	return 0;
}
