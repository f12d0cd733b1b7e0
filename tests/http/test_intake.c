/*
 * test_intake.c — manual intake through the real server (issue #12): a
 * handler registers a request that came by letter with a back-dated day
 * of receipt; the deadline counts from that day, the channel is stored and
 * shown (queue, request page, rekisteri request list), the ticket verifies
 * with rekisteri ticket verify and prints from the staff view without any
 * link token; the "registered" step and the audit row name ids and the
 * channel only. A day in the future or more than a year back is refused
 * with a clear message in Finnish and English and nothing is stored; so is
 * a form that fails the public form's validation. An auditor cannot
 * register nor print; a POST without the session's token changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buf.h"
#include "fmt.h"
#include "http.h"

#define PW	"Kirjeet kirjataan saapumispäivällä 7"

static char *sid, *csrf, *aud;

/* The day days from today in Helsinki, YYYY-MM-DD (the server's calendar). */
static void
local_day(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long long
requests(void)
{
	return http_db_int("SELECT count(*) FROM requests", NULL);
}

/* POST the intake form as cookie (with token) to path; extra key-value pairs override nothing. */
static void
post_intake(struct http_resp *r, const char *path, const char *cookie,
    const char *token, const char *channel, const char *day, const char *name)
{
	char *body = http_form("csrf", token, "channel", channel, "received", day,
	    "lang", "fi", "type", "access", "name", name, "address",
	    "Kirjekuja 3, 00100 Helsinki", "email", "kirje@example.org", "note",
	    "osoite annettu kirjeessä", NULL);

	http_session(r, "POST", path, cookie, body);
	free(body);
}

/* Registered by letter 20 days back: the deadline from that day, the channel, the ticket, the step and the audit row. */
static void
register_letter(void **st)
{
	struct http_resp r;
	struct buf out = BUF_INIT;
	char day[11], want[11], path[80], *loc, *number, *code,
	    *text, idt[24];
	long long before = requests(), id;

	(void)st;
	http_session(&r, "GET", "/intranet/request/new", sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kirjaa saapunut pyyntö"));
	assert_true(http_body_has(&r, "name=\"received\""));
	/* mail is not configured for the intranet here: no mail choice */
	assert_false(http_body_has(&r, "name=\"mail\""));
	http_resp_free(&r);
	local_day(day, -20);
	post_intake(&r, "/intranet/request/new", sid, csrf, "letter", day,
	    "Kirsi Kirjoittaja");
	assert_int_equal(r.status, 303);
	http_assert_redirect(&r, "/intranet/request?id=");
	loc = http_header(&r, "Location");
	http_resp_free(&r);
	assert_non_null(loc);
	id = strtoll(strstr(loc, "id=") + 3, NULL, 10);
	free(loc);
	assert_int_equal(requests(), before + 1);
	snprintf(idt, sizeof(idt), "%lld", id);
	/* the channel, and the deadline counted from noon of the day of receipt */
	text = http_db_text("SELECT channel FROM requests WHERE id = ?1", idt);
	assert_non_null(text);
	assert_string_equal(text, "letter");
	free(text);
	text = http_db_text("SELECT received FROM requests WHERE id = ?1", idt);
	assert_non_null(text);
	assert_int_equal(strncmp(text, day, 10), 0);
	assert_int_equal(fmt_deadline(text, want, sizeof(want)), 0);
	free(text);
	text = http_db_text("SELECT deadline FROM requests WHERE id = ?1", idt);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	/* the email is not confirmed until the person follows the link */
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE id ="
	    " ?1 AND email_confirmed_at IS NULL AND mail_state = 'none'", idt), 1);
	/* the step: who registered it, by which channel, with the note */
	assert_int_equal(http_db_int("SELECT count(*) FROM request_steps s JOIN"
	    " users u ON u.id = s.user_id WHERE s.request_id = ?1 AND s.action ="
	    " 'registered' AND u.username = 'intake1' AND s.note ="
	    " 'letter: osoite annettu kirjeessä'", idt), 1);
	/* the audit row: ids and the channel, no name */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'request.register' AND object_id = ?1 AND summary ="
	    " 'letter' AND username = 'intake1'", idt), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE '%Kirsi%' OR summary LIKE '%Kirjekuja%'", NULL), 0);
	/* the ticket verifies on the command line */
	code = http_db_text("SELECT code FROM requests WHERE id = ?1", idt);
	assert_non_null(code);
	number = http_db_text("SELECT number FROM requests WHERE id = ?1", idt);
	assert_non_null(number);
	assert_int_equal(strncmp(number + 3, day, 4), 0);	/* the year of receipt */
	assert_int_equal(http_run_input(&out, code, "%s ticket verify -",
	    getenv("REKISTERI_CLI")), 0);
	assert_non_null(strstr(buf_cstr(&out), number));
	buf_reset(&out);
	/* the request page shows the channel and links the printable ticket */
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kirje"));
	assert_true(http_body_has(&r, "Kirjattu"));
	assert_true(http_body_has(&r, "/intranet/request/ticket?id="));
	http_resp_free(&r);
	/* the queue too, and the CLI list: NUMBER STATE DEADLINE CHANNEL */
	http_session(&r, "GET", "/intranet/requests", sid, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<td>Kirje</td>"));
	http_resp_free(&r);
	assert_int_equal(http_run(&out, "%s request list",
	    getenv("REKISTERI_CLI")), 0);
	{
		char line[80];

		snprintf(line, sizeof(line), "%s received %s letter", number, want);
		assert_non_null(strstr(buf_cstr(&out), line));
		assert_null(strstr(buf_cstr(&out), "Kirsi"));
	}
	/* the staff print view: the signed code and its QR, no link token */
	snprintf(path, sizeof(path), "/intranet/request/ticket?id=%lld&lang=en",
	    id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, number));
	assert_true(http_body_has(&r, code));
	assert_true(http_body_has(&r, "<svg"));
	assert_false(http_body_has(&r, "/request/ticket/"));
	assert_false(http_body_has(&r, "/request/confirm/"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'request.ticket' AND object_id = ?1", idt), 1);
	buf_free(&out);
	free(code);
	free(number);
}

/* A day in the future or more than a year back: refused, said plainly, nothing stored. */
static void
refused_days(void **st)
{
	struct http_resp r;
	char day[11];
	long long before = requests(), steps = http_db_int("SELECT count(*)"
	    " FROM request_steps", NULL);

	(void)st;
	local_day(day, 1);
	post_intake(&r, "/intranet/request/new", sid, csrf, "letter", day,
	    "Tuleva Päivä");
	assert_int_equal(r.status, 422);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r,
	    "Saapumispäivä ei voi olla tulevaisuudessa."));
	assert_true(http_body_has(&r, "Mitään ei tallennettu."));
	/* the typed values stay */
	assert_true(http_body_has(&r, "Tuleva Päivä"));
	http_resp_free(&r);
	post_intake(&r, "/intranet/request/new?lang=en", sid, csrf, "phone", day,
	    "Future Day");
	assert_int_equal(r.status, 422);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r,
	    "The day of receipt cannot be in the future."));
	http_resp_free(&r);
	local_day(day, -400);
	post_intake(&r, "/intranet/request/new?lang=en", sid, csrf, "email", day,
	    "Old Letter");
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "The day of receipt is more than a year ago."));
	http_resp_free(&r);
	post_intake(&r, "/intranet/request/new", sid, csrf, "email", "30.2.2026",
	    "Ei Päivää");
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Anna saapumispäivä muodossa"));
	http_resp_free(&r);
	assert_int_equal(requests(), before);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_steps", NULL),
	    steps);
}

/* The public form's validation applies; the public form's channel cannot be chosen. */
static void
form_rules(void **st)
{
	struct http_resp r;
	char day[11], *body;
	long long before = requests();

	(void)st;
	local_day(day, 0);
	body = http_form("csrf", csrf, "channel", "in_person", "received", day,
	    "lang", "fi", "type", "rectification", "email", "ei-osoite", NULL);
	http_session(&r, "POST", "/intranet/request/new", sid, body);
	free(body);
	assert_int_equal(r.status, 422);
	http_assert_page(&r, "fi");
	/* a name, a valid email, what to correct */
	assert_true(http_body_has(&r, "id=\"f-name-error\""));
	assert_true(http_body_has(&r, "id=\"f-email-error\""));
	assert_true(http_body_has(&r, "id=\"f-free_text-error\""));
	http_resp_free(&r);
	post_intake(&r, "/intranet/request/new", sid, csrf, "form", day,
	    "Lomake Kanava");
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Valitse, miten pyyntö saapui."));
	http_resp_free(&r);
	post_intake(&r, "/intranet/request/new", sid, csrf, NULL, day,
	    "Ei Kanavaa");
	assert_int_equal(r.status, 422);
	http_resp_free(&r);
	assert_int_equal(requests(), before);
	/* today, in person: stored, received now */
	post_intake(&r, "/intranet/request/new", sid, csrf, "in_person", day,
	    "Käynti Tänään");
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(requests(), before + 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " channel = 'in_person'", NULL), 1);
}

/* An auditor may not register nor print; a POST without the token changes nothing. */
static void
roles_and_csrf(void **st)
{
	struct http_resp r;
	char day[11];
	long long before = requests();

	(void)st;
	local_day(day, -3);
	http_session(&r, "GET", "/intranet/request/new", aud, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/request/ticket?id=1", aud, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	{
		char *t = http_csrf_for(aud, "/intranet/password");

		post_intake(&r, "/intranet/request/new", aud, t, "letter", day,
		    "Tarkastaja Ei");
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(t);
	}
	post_intake(&r, "/intranet/request/new", sid, NULL, "letter", day,
	    "Ilman Tunnistetta");
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	post_intake(&r, "/intranet/request/new", sid,
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "letter", day, "Väärä Tunniste");
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	assert_int_equal(requests(), before);
	/* the ticket of no request, and no id */
	http_session(&r, "GET", "/intranet/request/ticket?id=999999", sid, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/request/ticket", sid, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
}

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "intake1", "handler", "Iina Intake", 1 },
		{ "intakeaud", "auditor", NULL, 1 },
	};

	(void)st;
	fmt_init();
	if (http_staff_add(staff, 2, PW) != 0)
		return -1;
	sid = http_login("intake1", PW);
	aud = http_login("intakeaud", PW);
	csrf = http_csrf_for(sid, "/intranet/request/new");
	return sid == NULL || aud == NULL || csrf == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(register_letter),
		cmocka_unit_test(refused_days),
		cmocka_unit_test(form_rules),
		cmocka_unit_test(roles_and_csrf),
	};

	return http_group_main("intake", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
