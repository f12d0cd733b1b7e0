/*
 * test_breach_affected.c — who a breach affected and the Art. 34 letters
 * (#16) through the real server: a handler's views are in the audit log;
 * the admin runs the query for a window, a kind of access and a role or
 * account, saves the set, downloads it as CSV, prints a letter in Finnish
 * and in English, mails the letters through the outbox (delivered by
 * `rekisteri mail run` to the capture sendmail) and records the rest as
 * posted, and the breach gets its "told at"; an auditor reads the page
 * but cannot save, print or download; a handler cannot open it; a letter
 * lacking an Art. 34(2) item cannot be printed or sent and says what is
 * missing. Every step in the audit log by breach id, without names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "buf.h"
#include "http.h"

#define PW	"Loukkauksen koskemat henkilöt 34"

static const char *cli, *conf;
static char *admin, *admin_csrf, *aud, *hand;
static char capture[4200], cli_conf[4200];

/* minutes from now in Helsinki time as a form's datetime-local, "YYYY-MM-DDTHH:MM". */
static void
local_at(char out[17], long minutes)
{
	time_t t = time(NULL) + (time_t)minutes * 60;
	struct tm tm;

	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	strftime(out, 17, "%Y-%m-%dT%H:%M", localtime_r(&t, &tm));
}

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "bradmin", "admin", "Ylläpitäjä", 1 },
		{ "braudit", "auditor", "Tarkastaja", 1 },
		{ "brhandler", "handler", "Käsittelijä", 1 },
	};
	const char *state = getenv("REKISTERI_STATE");

	(void)st;
	cli = getenv("REKISTERI_CLI");
	conf = getenv("REKISTERI_CONF");
	if (state == NULL || cli == NULL || conf == NULL ||
	    http_request_setup() != 0 ||
	    http_staff_add(staff, sizeof(staff) / sizeof(staff[0]), PW) != 0)
		return -1;
	if (getcwd(capture, 4000) == NULL)
		return -1;
	strcat(capture, "/tests/http/sendmail-capture.sh");
	snprintf(cli_conf, sizeof(cli_conf), "%s/breach-cli.conf", state);
	http_db_exec("INSERT INTO customers (id, number, first_name, last_name,"
	    " email, street, postal_code, city) VALUES"
	    " (501, 'A000501', 'Aino', 'Loukattu', 'aino.loukattu@example.fi',"
	    " 'Rantatie 1', '00100', 'Helsinki'),"
	    " (502, 'A000502', 'Bertil', 'Loukattu', 'bertil@example.fi',"
	    " 'Kuja 2', '33100', 'Tampere'),"
	    " (503, 'A000503', 'Cecilia', 'Postitse', '', 'Tie 3', '20100',"
	    " 'Turku'),"
	    " (504, 'A000504', 'Dan', 'Muualla', 'dan@example.fi', 'Polku 4',"
	    " '90100', 'Oulu')");
	admin = http_login("bradmin", PW);
	aud = http_login("braudit", PW);
	hand = http_login("brhandler", PW);
	admin_csrf = http_csrf_for(admin, "/intranet/breaches");
	return admin_csrf == NULL || aud == NULL || hand == NULL ? -1 : 0;
}

static void
view(const char *sid, int id)
{
	struct http_resp r;
	char path[64];

	snprintf(path, sizeof(path), "/intranet/customer?id=%d", id);
	http_session(&r, "GET", path, sid, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

/* Record a breach (tell: yes | undecided; measures may be ""); its id. */
static long long
breach(const char *tell, const char *measures)
{
	struct http_resp r;
	char occurred[17], aware[17];
	char *body;

	local_at(occurred, -120);
	local_at(aware, -60);
	body = http_form("csrf", admin_csrf, "id", "0", "occurred_at", occurred,
	    "aware_at", aware, "what", "Käsittelijän tunnuksella katsottiin "
	    "asiakastietoja luvatta.", "people_categories", "Asiakkaat",
	    "people_count", "3", "record_categories", "Nimet ja osoitteet",
	    "record_count", "", "consequences", "Huijausviestien vaara.",
	    "measures", measures, "notified_at", "", "late_reasons", "",
	    "not_notified_reasons", "", "tell_people", tell, "told_at", "",
	    "tell_reasons", "", "note", "", NULL);
	http_session(&r, "POST", "/intranet/breaches", admin, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	return http_db_int("SELECT max(id) FROM breaches", NULL);
}

/* GET path as sid: the status. */
static int
status_of(const char *sid, const char *path)
{
	struct http_resp r;
	int s;

	http_session(&r, "GET", path, sid, NULL);
	s = r.status;
	http_resp_free(&r);
	return s;
}

/* The query's path for breach id: access, from/to minutes from now, and a tail. */
static void
query_path(char *out, size_t len, long long id, const char *access,
    long from, long to, const char *tail)
{
	char f[17], t[17];

	local_at(f, from);
	local_at(t, to);
	snprintf(out, len, "/intranet/breach/affected?id=%lld&access=%s&from=%s"
	    "&to=%s%s", id, access, f, t, tail);
}

/* The query over what the handler viewed: by window, kind, role and account; the auditor reads it, the handler cannot. */
static long long id;	/* the breach of the first three tests */
static char idt[24];

static void
query_by_window_kind_and_staff(void **st)
{
	struct http_resp r;
	char path[256];

	(void)st;
	view(hand, 501);
	view(hand, 502);
	view(hand, 503);
	view(admin, 504);
	id = breach("yes", "Tunnus suljettiin ja salasanat vaihdettiin.");
	snprintf(idt, sizeof(idt), "%lld", id);
	/* no set yet; the form starts from the breach's own window */
	snprintf(path, sizeof(path), "/intranet/breach/affected?id=%lld", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Henkilöjoukkoa ei ole vielä tallennettu"));
	http_resp_free(&r);

	/* what handlers viewed in the last ten minutes: three, not the admin's */
	query_path(path, sizeof(path), id, "viewed", -10, 1, "&role=handler");
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<strong class=\"count\">3</strong>"));
	assert_true(http_body_has(&r, "A000501"));
	assert_true(http_body_has(&r, "A000503"));
	assert_false(http_body_has(&r, "A000504"));
	assert_true(http_body_has(&r, "Tallenna loukkauksen koskemiksi"));
	http_resp_free(&r);
	/* by the admin's own account: the fourth */
	query_path(path, sizeof(path), id, "viewed", -10, 1, "&staff=bradmin");
	http_session(&r, "GET", path, admin, NULL);
	assert_true(http_body_has(&r, "<strong class=\"count\">1</strong>"));
	assert_true(http_body_has(&r, "A000504"));
	http_resp_free(&r);
	/* changed: nobody was changed */
	query_path(path, sizeof(path), id, "changed", -10, 1, "");
	http_session(&r, "GET", path, admin, NULL);
	assert_true(http_body_has(&r, "<strong class=\"count\">0</strong>"));
	http_resp_free(&r);
	/* a window that ended before the views */
	query_path(path, sizeof(path), id, "any", -300, -200, "");
	http_session(&r, "GET", path, admin, NULL);
	assert_true(http_body_has(&r, "<strong class=\"count\">0</strong>"));
	http_resp_free(&r);
	/* from after to: refused with a message */
	query_path(path, sizeof(path), id, "any", 10, -10, "");
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Aikavälin alku on sen lopun jälkeen."));
	http_resp_free(&r);

	/* the auditor reads, without the save button; the handler cannot */
	query_path(path, sizeof(path), id, "viewed", -10, 1, "&role=handler");
	http_session(&r, "GET", path, aud, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<strong class=\"count\">3</strong>"));
	assert_false(http_body_has(&r, "Tallenna loukkauksen koskemiksi"));
	http_resp_free(&r);
	assert_int_equal(status_of(hand, path), 403);
}

/* Saved as the breach's set; its CSV; a letter in Finnish and in English. */
static void
save_csv_and_letters(void **st)
{
	struct http_resp r;
	char path[256], f[17], t[17], *body;

	(void)st;
	local_at(f, -10);
	local_at(t, 1);
	body = http_form("csrf", admin_csrf, "id", idt, "access", "viewed",
	    "from", f, "to", t, "staff", "", "role", "handler", NULL);
	http_session(&r, "POST", "/intranet/breach/affected", admin, body);
	free(body);
	snprintf(path, sizeof(path), "/intranet/breach/affected?id=%lld&saved=1",
	    id);
	http_assert_redirect(&r, path);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT customers FROM breach_affected_sets"
	    " WHERE breach_id = ?1", idt), 3);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_affected m JOIN"
	    " breach_affected_sets s ON s.id = m.set_id WHERE s.breach_id = ?1"
	    " AND m.customer_id IN (501, 502, 503)", idt), 3);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'breach.affected_save' AND object_type = 'breach' AND object_id ="
	    " ?1 AND summary LIKE 'set %: 3 customers, viewed'", idt), 1);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Henkilöjoukko tallennettu"));
	assert_true(http_body_has(&r, "/intranet/breach/letters?id="));
	http_resp_free(&r);

	/* the CSV for the admin, not for the auditor */
	snprintf(path, sizeof(path), "/intranet/breach/affected.csv?id=%lld", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "\"number\",\"first_name\",\"last_name\""));
	assert_true(http_body_has(&r, "\"A000502\",\"Bertil\",\"Loukattu\",\"\","
	    "\"bertil@example.fi\""));
	assert_false(http_body_has(&r, "A000504"));
	http_resp_free(&r);
	assert_int_equal(status_of(aud, path), 403);

	/* one letter, in Finnish and in English, printable */
	snprintf(path, sizeof(path), "/intranet/breach/letters?id=%lld"
	    "&customer=501", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "/static/letter.css"));
	assert_true(http_body_has(&r, "Ilmoitus henkilötietojesi tietoturvaloukkauksesta"));
	assert_true(http_body_has(&r, "Aino Loukattu"));
	assert_true(http_body_has(&r, "Todennäköiset seuraukset"));
	assert_true(http_body_has(&r, "Huijausviestien vaara."));
	assert_true(http_body_has(&r, "Tunnus suljettiin ja salasanat vaihdettiin."));
	assert_true(http_body_has(&r, "anja.koivisto@vemitek.fi"));
	assert_false(http_body_has(&r, "Bertil"));
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/breach/letters?id=%lld"
	    "&customer=501&lang=en", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "The likely consequences"));
	assert_true(http_body_has(&r, "The measures we have taken or propose"));
	http_resp_free(&r);
	assert_int_equal(status_of(aud, path), 403);
	/* 504 is not in the set */
	snprintf(path, sizeof(path), "/intranet/breach/letters?id=%lld"
	    "&customer=504", id);
	assert_int_equal(status_of(admin, path), 404);
}

/* By email through the outbox to those with an address, the rest by post; the breach's told at. */
static void
tell_by_mail_and_post(void **st)
{
	struct http_resp r;
	struct buf o = BUF_INIT;
	char path[256], *body, *box;

	(void)st;
	/* by email: the two with an address, through the outbox */
	body = http_form("csrf", admin_csrf, "id", idt, "via", "email", NULL);
	http_session(&r, "POST", "/intranet/breach/tell", admin, body);
	free(body);
	snprintf(path, sizeof(path), "/intranet/breach/affected?id=%lld&told=2",
	    id);
	http_assert_redirect(&r, path);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM outbox WHERE ref_kind"
	    " = 'breach.letter' AND ref_id = ?1 AND state = 'pending'", idt), 2);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_letters WHERE"
	    " breach_id = ?1 AND via = 'email' AND outbox_id IS NOT NULL", idt), 2);
	/* the breach's newest entry says when the people were told */
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_entries WHERE"
	    " breach_id = ?1 AND told_at IS NOT NULL AND id = (SELECT max(id) FROM"
	    " breach_entries WHERE breach_id = ?1)", idt), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'breach.tell' AND object_id = ?1 AND summary LIKE"
	    " '%: 2 by email, 1 left'", idt), 1);
	/* delivered by the outbox run */
	{
		char *text = http_read_file(conf, NULL);
		struct buf b = BUF_INIT;

		assert_non_null(text);
		buf_addf(&b, "%s\n[mail]\nsendmail = %s\n", text, capture);
		http_write_text(cli_conf, b.data);
		buf_free(&b);
		free(text);
	}
	http_write_text(http_request_mailbox(), "");
	assert_int_equal(http_run(&o, "REKISTERI_MAIL_CAPTURE='%s' %s -c '%s' mail"
	    " run 2>&1", http_request_mailbox(), cli, cli_conf), 0);
	buf_free(&o);
	box = http_read_file(http_request_mailbox(), NULL);
	assert_non_null(box);
	assert_non_null(strstr(box, "[aino.loukattu@example.fi]"));
	assert_non_null(strstr(box, "[bertil@example.fi]"));
	assert_non_null(strstr(box, "Todennäköiset seuraukset"));
	assert_non_null(strstr(box, "Tunnus suljettiin ja salasanat vaihdettiin."));
	assert_non_null(strstr(box, "anja.koivisto@vemitek.fi"));
	assert_null(strstr(box, "Rantatie 1"));	/* the address block is not mailed */
	free(box);

	/* the rest by post, once */
	body = http_form("csrf", admin_csrf, "id", idt, "via", "post", NULL);
	http_session(&r, "POST", "/intranet/breach/tell", admin, body);
	snprintf(path, sizeof(path), "/intranet/breach/affected?id=%lld&told=1",
	    id);
	http_assert_redirect(&r, path);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_letters WHERE"
	    " breach_id = ?1 AND via = 'post' AND customer_id = 503", idt), 1);
	http_session(&r, "POST", "/intranet/breach/tell", admin, body);
	free(body);
	assert_int_equal(r.status, 409);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "on jo kerrottu"));
	http_resp_free(&r);
	/* nobody left to print */
	snprintf(path, sizeof(path), "/intranet/breach/letters?id=%lld", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "ei ole kertomatta olevia"));
	http_resp_free(&r);
	/* the audit rows name the breach by id, never a person */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " object_type = 'breach' AND (summary LIKE '%Aino%' OR summary LIKE"
	    " '%@%')", NULL), 0);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action IN"
	    " ('breach.affected_query', 'breach.affected_view',"
	    " 'breach.affected_export', 'breach.letter_print') AND object_id = ?1",
	    idt) >= 4);
}

/* A letter without measures, to people not yet decided on: not printed, not sent, and says what is missing. */
static void
missing_items_block_the_letter(void **st)
{
	struct http_resp r;
	char path[256], f[17], t[17], *body;

	(void)st;
	id = breach("undecided", "");
	snprintf(idt, sizeof(idt), "%lld", id);
	local_at(f, -30);
	local_at(t, 1);
	body = http_form("csrf", admin_csrf, "id", idt, "access", "any",
	    "from", f, "to", t, "staff", "", "role", "", NULL);
	http_session(&r, "POST", "/intranet/breach/affected", admin, body);
	free(body);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);

	snprintf(path, sizeof(path), "/intranet/breach/affected?id=%lld", id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Kirjettä ei voi lähettää"));
	assert_true(http_body_has(&r, "toteutetut ja ehdotetut toimenpiteet"));
	assert_true(http_body_has(&r, "päätös kertoa rekisteröidyille"));
	assert_false(http_body_has(&r, "name=\"via\""));
	http_resp_free(&r);

	snprintf(path, sizeof(path), "/intranet/breach/letters?id=%lld&lang=en",
	    id);
	http_session(&r, "GET", path, admin, NULL);
	assert_int_equal(r.status, 409);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "the measures taken and proposed"));
	assert_false(http_body_has(&r, "class=\"letter breach-letter\""));
	http_resp_free(&r);

	body = http_form("csrf", admin_csrf, "id", idt, "via", "email", NULL);
	http_session(&r, "POST", "/intranet/breach/tell", admin, body);
	free(body);
	assert_int_equal(r.status, 409);
	assert_true(http_body_has(&r, "puuttuu tietoja"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM outbox WHERE ref_kind"
	    " = 'breach.letter' AND ref_id = ?1", idt), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_letters WHERE"
	    " breach_id = ?1", idt), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_entries WHERE"
	    " breach_id = ?1", idt), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_by_window_kind_and_staff),
		cmocka_unit_test(save_csv_and_letters),
		cmocka_unit_test(tell_by_mail_and_post),
		cmocka_unit_test(missing_items_block_the_letter),
	};

	return http_group_main("breach_affected", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
