/*
 * test_outbox.c — no mail lost silently, and the intake health alarm
 * (#12), through the real server and the real CLI: a confirmation that a
 * failing sendmail refused waits in the outbox and the staff front page
 * shows it; `rekisteri mail run` with a working sendmail delivers it (the
 * request's mail state turns "sent"); one that keeps failing is failed for
 * good after the give-up time, still shown, and `rekisteri check` says so;
 * `check` exits 1 for a request idle on day 8 (not day 7) and for a
 * deadline 3 days away, 0 when all is well; `rekisteri digest` mails the
 * contact person a summary without personal data, and exits 1 when it
 * cannot be sent now (it waits in the outbox). Rows are back-dated in the
 * database instead of moving the clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

#define PW	"Posti kulkee aina perille asti 7"

static char *sid;
static const char *cli, *conf;
static char capture[4200], cli_conf[4200];

/* Standard output and error of the CLI with config file cf and sendmail's capture file set. */
static int
run_cli(struct buf *out, const char *cf, const char *args)
{
	return http_run(out, "REKISTERI_MAIL_CAPTURE='%s' %s -c '%s' %s 2>&1",
	    http_request_mailbox(), cli, cf, args);
}

/* The harness's config with [mail] sendmail = path (NULL: none) as cli_conf. */
static void
conf_with_sendmail(const char *path)
{
	char *text = http_read_file(conf, NULL);
	struct buf b = BUF_INIT;

	assert_non_null(text);
	buf_adds(&b, text);
	if (path != NULL)
		buf_addf(&b, "\n[mail]\nsendmail = %s\n", path);
	http_write_text(cli_conf, b.data);
	buf_free(&b);
	free(text);
}

static long long
num(const char *sql)
{
	return http_db_int(sql, NULL);
}

/* Run the statement head, request id, tail (the test's own number, not input). */
static void
on_request(const char *head, long long id, const char *tail)
{
	char q[512];

	snprintf(q, sizeof(q), "%s%lld%s", head, id, tail);
	http_db_exec(q);
}

/* GET /intranet/ as the handler; the page is checked well-formed. */
static void
home(struct http_resp *r)
{
	http_session(r, "GET", "/intranet/", sid, NULL);
	assert_int_equal(r->status, 200);
	http_assert_page(r, "fi");
}

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "postinen", "handler", "Posti Käsittelijä", 1 },
	};
	const char *state = getenv("REKISTERI_STATE");

	(void)st;
	cli = getenv("REKISTERI_CLI");
	conf = getenv("REKISTERI_CONF");
	if (state == NULL || cli == NULL || conf == NULL ||
	    http_request_setup() != 0 || http_staff_add(staff, 1, PW) != 0)
		return -1;
	if (getcwd(capture, 4000) == NULL)
		return -1;
	strcat(capture, "/tests/http/sendmail-capture.sh");
	snprintf(cli_conf, sizeof(cli_conf), "%s/outbox-cli.conf", state);
	sid = http_login("postinen", PW);
	return sid == NULL ? -1 : 0;
}

/* A refused confirmation waits, is shown, and a later run delivers it. */
static void
failed_confirmation_is_retried(void **st)
{
	struct http_resp r;
	struct buf o = BUF_INIT;
	char *tt, *box, idt[24], href[64], path[80];
	long long id;

	(void)st;
	http_restart_request(1000, "/bin/false");
	tt = http_submit("access", "Posti Kokeilu", "posti.kokeilu@example.fi");
	id = num("SELECT max(id) FROM requests");
	snprintf(idt, sizeof(idt), "%lld", id);
	/* kept, first attempt recorded, due again by the back-off */
	assert_int_equal(http_db_int("SELECT count(*) FROM outbox WHERE ref_kind"
	    " = 'request.confirm' AND ref_id = ?1 AND state = 'pending' AND"
	    " attempts = 1 AND last_error = 'sendmail' AND next_try > created"
	    " AND instr(body, '/request/confirm/') > 0", idt), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM outbox WHERE ref_kind"
	    " = 'request.notice' AND ref_id = ?1 AND state = 'pending'", idt), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE id ="
	    " ?1 AND mail_state = 'failed'", idt), 1);
	/* the front page shows it, with the request's link, no address */
	home(&r);
	snprintf(href, sizeof(href), "/intranet/request?id=%lld", id);
	assert_true(http_body_has(&r, "Sähköposti, joka ei mennyt perille"));
	assert_true(http_body_has(&r, href));
	assert_true(http_body_has(&r, "Vahvistus pyytäjälle"));
	assert_true(http_body_has(&r, "Odottaa uutta yritystä"));
	assert_true(http_body_has(&r, "sendmail ei ottanut viestiä vastaan"));
	assert_false(http_body_has(&r, "posti.kokeilu@example.fi"));
	http_resp_free(&r);

	/* not yet due: nothing is tried */
	http_write_text(http_request_mailbox(), "");
	conf_with_sendmail(capture);
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 0);
	assert_non_null(strstr(o.data, "mail: 0 sent, 0 to be retried"));
	/* due (back-dated): delivered, emptied, the request's mail state "sent" */
	http_db_exec("UPDATE outbox SET next_try = '2000-01-01T00:00:00Z'"
	    " WHERE state = 'pending'");
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 0);
	assert_non_null(strstr(o.data, "mail: 2 sent, 0 to be retried, 0 failed"));
	box = http_read_file(http_request_mailbox(), NULL);
	assert_non_null(box);
	assert_non_null(strstr(box, "To: posti.kokeilu@example.fi\n"));
	assert_non_null(strstr(box, "/request/confirm/"));
	assert_non_null(strstr(box, tt));
	assert_non_null(strstr(box, "To: anja.koivisto@vemitek.fi\n"));
	free(box);
	assert_int_equal(http_db_int("SELECT count(*) FROM outbox WHERE ref_id ="
	    " ?1 AND state = 'sent' AND sent_at IS NOT NULL AND body = '' AND"
	    " to_addr = '' AND attempts = 2", idt), 2);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE id ="
	    " ?1 AND mail_state = 'sent'", idt), 1);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	http_get(&r, path);
	assert_true(http_body_has(&r, http_msg("fi", "ticket.mail_sent")));
	http_resp_free(&r);
	home(&r);
	assert_false(http_body_has(&r, "Sähköposti, joka ei mennyt perille"));
	http_resp_free(&r);
	buf_free(&o);
	free(tt);
}

/* A mail that keeps failing is failed for good after the give-up time, still shown, and check says so. */
static void
gives_up_and_check_says_so(void **st)
{
	struct http_resp r;
	struct buf o = BUF_INIT;
	char *tt;

	(void)st;
	http_restart_request(1000, "/bin/false");
	tt = http_submit("access", "Aina Epäonni", "aina.epaonni@example.fi");
	conf_with_sendmail("/bin/false");
	/* a retry that fails again: exit 1, attempt 2, due again */
	http_db_exec("UPDATE outbox SET next_try = '2000-01-01T00:00:00Z'"
	    " WHERE state = 'pending'");
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 1);
	assert_non_null(strstr(o.data, "mail: 0 sent, 2 to be retried"));
	assert_non_null(strstr(o.data, "2 messages not delivered"));
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE state ="
	    " 'pending' AND attempts = 2"), 2);
	/* queued more than [mail] give_up_days (3) ago: failed for good */
	http_db_exec("UPDATE outbox SET created = '2000-01-01T00:00:00Z',"
	    " next_try = '2000-01-01T00:00:00Z' WHERE state = 'pending'");
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 1);
	assert_non_null(strstr(o.data, "2 failed for good"));
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE state = 'failed'"
	    " AND next_try IS NULL AND body = '' AND to_addr = '' AND"
	    " attempts = 3"), 2);
	home(&r);
	assert_true(http_body_has(&r, "Epäonnistui lopullisesti"));
	assert_false(http_body_has(&r, "aina.epaonni@example.fi"));
	http_resp_free(&r);
	/* never tried again */
	conf_with_sendmail(capture);
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 0);
	assert_non_null(strstr(o.data, "mail: 0 sent, 0 to be retried, 0 failed"));
	/* the alarm: exit 1, a line per mail, no address */
	assert_int_equal(run_cli(&o, conf, "check"), 1);
	assert_non_null(strstr(o.data, "(Confirmation to the requester TS-"));
	assert_non_null(strstr(o.data, "given up: sendmail did not accept"));
	assert_null(strstr(o.data, "aina.epaonni"));
	assert_null(strstr(o.data, "Epäonni"));
	buf_free(&o);
	free(tt);
}

/* check: 0 when all is well; 1 for a request idle on day 8 (not day 7), and for a deadline 3 days away (not 4). */
static void
check_idle_and_deadline(void **st)
{
	struct buf o = BUF_INIT;
	long long id;
	char *tt;

	(void)st;
	http_restart_request(1000, NULL);
	http_db_exec("UPDATE requests SET status = 'answered', closed_at ="
	    " received WHERE closed_at IS NULL");
	http_db_exec("DELETE FROM outbox");
	assert_int_equal(run_cli(&o, conf, "check"), 0);
	assert_non_null(strstr(o.data, "intake: no request idle more than 7 "
	    "days, no deadline within 3 days, no failed mail"));
	tt = http_submit("erasure", "Odottava Pyytäjä", "odottava@example.fi");
	id = num("SELECT max(id) FROM requests");
	on_request("UPDATE requests SET received = '2026-11-24T10:00:00Z',"
	    " deadline = '2027-01-29' WHERE id = ", id, "");
	/* GDPR Art. 12(3), the Otavamedia lesson: day 7 is fine, day 8 is not */
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-01"), 0);
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-02"), 1);
	assert_non_null(strstr(o.data, ": received 24 November 2026 at 12:00, "
	    "no step since (days: 8, the limit is 7)"));
	assert_non_null(strstr(o.data, "rekisteri: intake: 1 finding:"));
	assert_null(strstr(o.data, "Odottava"));
	assert_null(strstr(o.data, "odottava@"));
	/* a step taken: not idle */
	on_request("INSERT INTO request_steps (request_id, action) VALUES (",
	    id, ", 'in_progress')");
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-02"), 0);
	/* a deadline 3 days away is reported, 4 days is not */
	on_request("UPDATE requests SET deadline = '2026-12-05' WHERE id = ",
	    id, "");
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-02"), 1);
	assert_non_null(strstr(o.data, ": deadline 5 December 2026 is near (days "
	    "left: 3), state "));
	on_request("UPDATE requests SET deadline = '2026-12-06' WHERE id = ",
	    id, "");
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-02"), 0);
	/* past it: overdue */
	assert_int_equal(run_cli(&o, conf, "check --today 2026-12-07"), 1);
	assert_non_null(strstr(o.data, ": deadline 6 December 2026 has passed "
	    "(days late: 1)"));
	buf_free(&o);
	free(tt);
}

/* The daily summary: mailed to the contact person, no personal data; exit 1 when it cannot go now. */
static void
digest(void **st)
{
	struct buf o = BUF_INIT;
	char *box, *number;

	(void)st;
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC"
	    " LIMIT 1", NULL);
	assert_non_null(number);
	http_write_text(http_request_mailbox(), "");
	conf_with_sendmail(capture);
	assert_int_equal(run_cli(&o, cli_conf, "digest"), 0);
	assert_non_null(strstr(o.data, "digest: sent to the contact person as "
	    "mail "));
	box = http_read_file(http_request_mailbox(), NULL);
	assert_non_null(box);
	assert_non_null(strstr(box, "ARGS: [-i] [--] [anja.koivisto@vemitek.fi]"));
	assert_non_null(strstr(box, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(box, "Pyynnöt tiloittain:\n  Vastaanotettu: "));
	assert_non_null(strstr(box, number));
	assert_null(strstr(box, "Odottava"));
	assert_null(strstr(box, "@example.fi"));
	free(box);
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE ref_kind ="
	    " 'digest' AND state = 'sent' AND body = ''"), 1);
	/* on standard output, in English */
	assert_int_equal(run_cli(&o, conf, "digest --print --lang en"), 0);
	assert_non_null(strstr(o.data, "Subject: The register's daily summary "));
	assert_non_null(strstr(o.data, "\nRequests per state:\n"));
	assert_non_null(strstr(o.data, number));
	/* sendmail refuses: exit 1, and the summary waits in the outbox */
	conf_with_sendmail("/bin/false");
	assert_int_equal(run_cli(&o, cli_conf, "digest"), 1);
	assert_non_null(strstr(o.data, "the summary was not sent; it waits in "
	    "the outbox as mail "));
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE ref_kind ="
	    " 'digest' AND state = 'pending' AND attempts = 1"), 1);
	/* without sendmail at all: the attempt recorded and said, exit 1 */
	conf_with_sendmail(NULL);
	http_db_exec("UPDATE outbox SET next_try = '2000-01-01T00:00:00Z'"
	    " WHERE state = 'pending'");
	assert_int_equal(run_cli(&o, cli_conf, "mail run"), 1);
	assert_non_null(strstr(o.data, "[mail] sendmail is not set"));
	assert_int_equal(num("SELECT count(*) FROM outbox WHERE ref_kind ="
	    " 'digest' AND state = 'pending' AND attempts = 2 AND last_error ="
	    " 'no_sendmail'"), 1);
	buf_free(&o);
	free(number);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_confirmation_is_retried),
		cmocka_unit_test(gives_up_and_check_says_so),
		cmocka_unit_test(check_idle_and_deadline),
		cmocka_unit_test(digest),
	};

	return http_group_main("outbox", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
