/* request.c — rekisteri request: the data-subject requests, one line each (number, state, deadline, channel), for people and scripts; no personal data. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"

struct listing {
	char	 today[11];	/* in Helsinki */
	int	 overdue_only;
	long	 n;
};

/*
 * One request: NUMBER STATE DEADLINE CHANNEL [overdue] [extended-from
 * FIRST]: DEADLINE is the one that counts (an extension's, GDPR Art. 12(3)).
 */
static int
list_row(void *arg, const struct dsr_brief *b)
{
	struct listing *x = arg;
	/* GDPR Art. 12(3): past the deadline and still open (a closed case never is) */
	int overdue = dsr_is_open(b->status) && strcmp(x->today, b->deadline) > 0;

	if (x->overdue_only && !overdue)
		return 0;
	printf("%s %s %s %s%s", b->number, b->status, b->deadline,
	    b->channel ? b->channel : "form", overdue ? " overdue" : "");
	if (strcmp(b->first_deadline, b->deadline) != 0)
		printf(" extended-from %s", b->first_deadline);
	putchar('\n');
	x->n++;
	return 0;
}

int
cmd_request(struct cli *c, int argc, char **argv)
{
	struct listing x;
	struct tm tm;
	time_t now = time(NULL);
	sqlite3 *db;
	int open_only = 0, rc;

	memset(&x, 0, sizeof(x));
	if (argc < 2 || argc > 3 || strcmp(argv[1], "list") != 0)
		return EXIT_USAGE;
	if (argc == 3) {
		if (strcmp(argv[2], "--open") == 0)
			open_only = 1;
		else if (strcmp(argv[2], "--overdue") == 0)
			open_only = x.overdue_only = 1;
		else
			return EXIT_USAGE;
	}
	fmt_init();
	strftime(x.today, sizeof(x.today), "%Y-%m-%d", localtime_r(&now, &tm));
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	rc = dsr_briefs(db, open_only, list_row, &x);
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "rekisteri: the requests could not be read\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
