/*
 * test_import.c — rows of an import file that the check must survive: a
 * row with fewer or more fields than the header is a bad row named by its
 * line, not a crash (rekisteri customer import read the missing customer
 * number of such a row through a NULL pointer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

static void
short_and_long_rows(void **st)
{
	static const char csv[] =
	    "number,first_name,last_name,street,postal_code,city,country\r\n"
	    "R-001,Aino,Rivi,Katu 1,00100,Helsinki,FI\r\n"
	    "R-002,Eino,Lyhyt\r\n"
	    "R-003,Taru,Pitka,Katu 3,00100,Helsinki,FI,ylimaarainen\r\n";
	struct buf out = BUF_INIT;
	char path[1024];
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/rows.csv", getenv("REKISTERI_STATE"));
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(csv, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	/* a dry run with bad rows exits 1, having said which */
	assert_int_equal(http_run(&out, "%s customer import %s",
	    getenv("REKISTERI_CLI"), path), 1);
	assert_non_null(strstr(buf_cstr(&out), "line 3: BAD "));
	assert_non_null(strstr(buf_cstr(&out), "line 4: BAD "));
	assert_non_null(strstr(buf_cstr(&out), "3 rows: 1 good"));
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_and_long_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
