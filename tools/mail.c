/*
 * mail.c — rekisteri mail run (deliver the outbox), rekisteri digest (the
 * contact person's daily summary) and the intake part of rekisteri check
 * (#12; docs/requests.md "Mail and the outbox", "Intake health"). Nothing
 * printed names a person: requests by number, mail by id.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "intake.h"
#include "outbox.h"

static const char *
mail_from(const struct cli *c)
{
	return c->conf.mail_from ? c->conf.mail_from : c->conf.controller_email;
}

/* Deliver what is due in the outbox at now; the counts on standard output. An EXIT_ code. */
static int
run_outbox(struct cli *c, sqlite3 *db, time_t now)
{
	struct outbox_stats st;

	if (outbox_run(db, c->conf.sendmail, mail_from(c), now,
	    c->conf.give_up_days, &st) != 0) {
		fprintf(stderr, "rekisteri: the outbox could not be read or "
		    "updated\n");
		return EXIT_FAIL;
	}
	printf("mail: %d sent, %d to be retried, %d failed for good\n", st.sent,
	    st.retry, st.gave_up);
	if (c->conf.sendmail == NULL && st.retry + st.gave_up > 0)
		fprintf(stderr, "rekisteri: [mail] sendmail is not set: mail "
		    "waits in the outbox\n");
	else if (st.retry + st.gave_up > 0)
		fprintf(stderr, "rekisteri: %d message%s not delivered (rekisteri "
		    "check lists them)\n", st.retry + st.gave_up,
		    st.retry + st.gave_up == 1 ? "" : "s");
	return st.retry + st.gave_up > 0 ? EXIT_FAIL : EXIT_OK;
}

/*
 * rekisteri mail run: try every message due in the outbox (for a timer
 * every few minutes). Exit 1 when one failed (it stays for a retry, or
 * failed for good after [mail] give_up_days): no mail fails silently.
 */
int
cmd_mail(struct cli *c, int argc, char **argv)
{
	sqlite3 *db;
	int rc;

	if (argc != 2 || strcmp(argv[1], "run") != 0)
		return EXIT_USAGE;
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	rc = run_outbox(c, db, time(NULL));
	db_close(db);
	return rc;
}

/* The messages from the config's folder; NULL (said on stderr). */
static struct i18n *
load_msgs(struct cli *c)
{
	char err[1024];
	struct i18n *msgs = i18n_load(c->conf.i18n, err, sizeof(err));

	if (msgs == NULL)
		fprintf(stderr, "rekisteri: %s\n", err);
	return msgs;
}

/*
 * Queue the summary to the contact person and run the outbox: EXIT_OK
 * when it was handed to sendmail, else EXIT_FAIL (it stays queued and is
 * retried).
 */
static int
digest_send(struct cli *c, sqlite3 *db, const struct buf *subj,
    const struct buf *body, time_t now)
{
	long long id = 0;
	char state[8];

	if (outbox_queue(db, c->conf.contact_email, subj->data, body->data,
	    "digest", 0, now, 0, &id) != 0) {
		fprintf(stderr, "rekisteri: the summary could not be queued\n");
		return EXIT_FAIL;
	}
	(void)run_outbox(c, db, now);
	if (outbox_state(db, id, state) != 0 || strcmp(state, "sent") != 0) {
		fprintf(stderr, "rekisteri: the summary was not sent; it waits "
		    "in the outbox as mail %lld\n", id);
		return EXIT_FAIL;
	}
	printf("digest: sent to the contact person as mail %lld\n", id);
	return EXIT_OK;
}

/*
 * rekisteri digest [--print] [--lang fi|en]: the daily summary for
 * [controller] contact_email through the outbox (with --print, on
 * standard output instead). An EXIT_ code.
 */
int
cmd_digest(struct cli *c, int argc, char **argv)
{
	struct buf subj = BUF_INIT, body = BUF_INIT;
	struct i18n *msgs = NULL;
	sqlite3 *db = NULL;
	enum lang lang = LANG_FI;
	time_t now = time(NULL);
	int print = 0, rc = EXIT_FAIL, l;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print") == 0)
			print = 1;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc &&
		    (l = lang_parse(argv[i + 1])) >= 0) {
			lang = (enum lang)l;
			i++;
		} else
			return EXIT_USAGE;
	}
	fmt_init();
	if ((db = open_db(c)) == NULL || (msgs = load_msgs(c)) == NULL)
		goto out;
	if (!print && c->conf.contact_email == NULL) {
		fprintf(stderr, "rekisteri: [controller] contact_email is not "
		    "set: nobody to send the summary to\n");
		goto out;
	}
	if (intake_digest(db, msgs, lang, now, c->conf.idle_days, &subj,
	    &body) != 0) {
		fprintf(stderr, "rekisteri: the requests could not be read\n");
		goto out;
	}
	if (print) {
		printf("Subject: %s\n\n%s", subj.data, body.data);
		rc = EXIT_OK;
	} else
		rc = digest_send(c, db, &subj, &body, now);
out:
	buf_free(&subj);
	buf_free(&body);
	i18n_free(msgs);
	db_close(db);
	return rc;
}

struct printer {
	const struct i18n	*msgs;
	int			 idle_days;
};

static int
print_finding(void *arg, const struct intake_finding *f)
{
	const struct printer *p = arg;
	struct buf line = BUF_INIT;

	intake_line(p->msgs, LANG_EN, f, p->idle_days, &line);
	printf("intake: %s\n", line.data);
	buf_free(&line);
	return 0;
}

int
check_intake(struct cli *c, const struct i18n *msgs, time_t now)
{
	struct printer p = { msgs, c->conf.idle_days };
	char err[1024];
	sqlite3 *db;
	int n;

	if ((db = db_open(c->conf.db_path, DB_READONLY, err, sizeof(err))) ==
	    NULL) {
		printf("the requests were not checked: %s\n", err);
		return 0;
	}
	n = intake_check(db, now, c->conf.idle_days, print_finding, &p);
	db_close(db);
	if (n < 0) {
		fprintf(stderr, "rekisteri: the requests and the outbox could not "
		    "be read (run rekisteri init?)\n");
		return -1;
	}
	if (n > 0)
		fprintf(stderr, "rekisteri: intake: %d finding%s: a request "
		    "waits without any step, a deadline is near or past, or mail "
		    "failed\n", n, n == 1 ? "" : "s");
	else
		printf("intake: no request idle more than %d days, no deadline "
		    "within %d days, no failed mail\n", c->conf.idle_days,
		    INTAKE_DUE_DAYS);
	return n;
}
