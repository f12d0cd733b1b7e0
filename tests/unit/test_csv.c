/* test_csv.c — CSV out (RFC 4180, formulas neutralised) and in (line numbers, charsets, errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "csvio.h"

static void
write_quotes_and_neutralises(void **state)
{
	struct buf b = BUF_INIT;
	const char *row[] = { "Aino", "Mäki, \"Pekka\"", "=HYPERLINK(\"x\")",
	    "+358401234567", "-5", "@SUM(A1)", "\tx", "two\nlines", "", "ok-" };

	(void)state;
	csv_row(&b, row, sizeof(row) / sizeof(row[0]));
	assert_string_equal(b.data, "\"Aino\",\"Mäki, \"\"Pekka\"\"\","
	    "\"'=HYPERLINK(\"\"x\"\")\",\"'+358401234567\",\"'-5\","
	    "\"'@SUM(A1)\",\"'\tx\",\"two\nlines\",\"\",\"ok-\"\r\n");
	buf_free(&b);
}

struct rows {
	int	 n;
	long	 line[8];
	char	 text[8][200];
};

static int
collect(void *arg, long line, char **f, size_t n)
{
	struct rows *r = arg;
	struct buf b = BUF_INIT;

	if (r->n == 8)
		return 7;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, '|');
		buf_adds(&b, f[i]);
	}
	r->line[r->n] = line;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", b.data ? b.data : "");
	r->n++;
	buf_free(&b);
	return 0;
}

static void
read_round_trip(void **state)
{
	struct buf b = BUF_INIT;
	struct rows r;
	char err[200];
	const char *row[] = { "=1+2", "a,b", "say \"hi\"", "x\r\ny", "+358" };

	(void)state;
	memset(&r, 0, sizeof(r));
	csv_row(&b, row, 5);
	csv_row(&b, row, 2);
	assert_int_equal(csv_read(b.data, b.len, 10, 100, collect, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.text[0], "=1+2|a,b|say \"hi\"|x\r\ny|+358");
	assert_int_equal(r.line[0], 1);
	assert_int_equal(r.line[1], 3);	/* the first row took two lines */
	assert_string_equal(r.text[1], "=1+2|a,b");
	buf_free(&b);
}

static void
read_lines_and_blanks(void **state)
{
	const char *in = "number,city\r\n\r\nA1,Oulu\n\nA2,\"Pori\nkeskusta\"\nA3,Vaasa";
	struct rows r;
	char err[200];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(csv_read(in, strlen(in), 4, 100, collect, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.line[0], 1);
	assert_int_equal(r.line[1], 3);
	assert_int_equal(r.line[2], 5);
	assert_string_equal(r.text[2], "A2|Pori\nkeskusta");
	assert_int_equal(r.line[3], 7);
	assert_string_equal(r.text[3], "A3|Vaasa");
}

static void
read_errors(void **state)
{
	struct rows r;
	char err[200];
	const char *stray = "a,b\nc,d\"e\"\n";
	const char *open = "a,b\nc,\"d\ne\n";
	const char *wide = "a,b,c\n";
	const char *longf = "a,abcdefghijk\n";

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(csv_read(stray, strlen(stray), 4, 100, collect, &r,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: a quote in the wrong place"));
	memset(&r, 0, sizeof(r));
	assert_int_equal(csv_read(open, strlen(open), 4, 100, collect, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 2: a quoted field is not closed");
	assert_int_equal(csv_read(wide, strlen(wide), 2, 100, collect, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: too many fields");
	assert_int_equal(csv_read(longf, strlen(longf), 2, 10, collect, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: a field is too long");
	/* The callback's own result stops reading. */
	memset(&r, 0, sizeof(r));
	r.n = 8;
	assert_int_equal(csv_read(wide, strlen(wide), 4, 100, collect, &r, err,
	    sizeof(err)), 7);
}

static void
charsets(void **state)
{
	struct buf b = BUF_INIT;
	enum csv_charset used;
	char err[200];

	(void)state;
	/* "Mäkelä" in ISO-8859-1, detected. */
	assert_int_equal(csv_to_utf8("M\xe4kel\xe4", 6, CSV_AUTO, &b, &used,
	    err, sizeof(err)), 0);
	assert_int_equal(used, CSV_LATIN1);
	assert_string_equal(b.data, "Mäkelä");
	buf_free(&b);
	/* UTF-8 with a byte-order mark. */
	assert_int_equal(csv_to_utf8("\xef\xbb\xbfMäki", 8, CSV_AUTO, &b, &used,
	    err, sizeof(err)), 0);
	assert_int_equal(used, CSV_UTF8);
	assert_string_equal(b.data, "Mäki");
	buf_free(&b);
	/* Asked for UTF-8, given Latin-1. */
	assert_int_equal(csv_to_utf8("M\xe4ki", 4, CSV_UTF8, &b, &used, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not valid UTF-8"));
	buf_free(&b);
	/* Asked for Latin-1: UTF-8 bytes become two characters each. */
	assert_int_equal(csv_to_utf8("M\xc3\xa4", 3, CSV_LATIN1, &b, &used, err,
	    sizeof(err)), 0);
	assert_string_equal(b.data, "MÃ¤");
	buf_free(&b);
	assert_int_equal(csv_to_utf8("a\0b", 3, CSV_AUTO, &b, &used, err,
	    sizeof(err)), -1);
	buf_free(&b);
	assert_int_equal(csv_to_utf8("a\x01" "b", 3, CSV_LATIN1, &b, &used, err,
	    sizeof(err)), -1);
	buf_free(&b);
	assert_int_equal(csv_to_utf8("", 0, CSV_AUTO, &b, &used, err,
	    sizeof(err)), 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
	assert_int_equal(csv_charset_parse("ISO-8859-1"), CSV_LATIN1);
	assert_int_equal(csv_charset_parse("utf-8"), CSV_UTF8);
	assert_int_equal(csv_charset_parse("cp1252"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_quotes_and_neutralises),
		cmocka_unit_test(read_round_trip),
		cmocka_unit_test(read_lines_and_blanks),
		cmocka_unit_test(read_errors),
		cmocka_unit_test(charsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
