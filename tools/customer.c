/* customer.c — rekisteri customer: demo data, import, export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"
#include "db.h"

int
cmd_customer(struct cli *c, int argc, char **argv)
{
	sqlite3 *db;
	char *end;
	long n;

	if (argc != 3 || strcmp(argv[1], "demo") != 0)
		return EXIT_USAGE;
	n = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || n < 1 || n > 10000000)
		return EXIT_USAGE;
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if (demo_customers(db, n) != 0) {
		fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
		db_close(db);
		return EXIT_FAIL;
	}
	audit_cli(db, "customer.demo", "customer", "", "demo customers added");
	printf("added %ld demo customers, each marked DEMO in its notes\n", n);
	db_close(db);
	return EXIT_OK;
}

