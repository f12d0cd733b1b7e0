/*
 * test_records.c — the controller's own records (#16) through the real
 * server and the CLI: the notice checked before publishing (the editor's
 * list with reasons, a proposal for an empty section that the admin
 * accepts, publishing only with an explicit confirmation while problems
 * remain, `rekisteri notice check [--draft]`); the record of processing
 * activities (Art. 30) for admins and auditors, printable and as JSON.
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
#include <sqlite3.h>

#include "buf.h"
#include "http.h"

#define PW	"Rekisterinpitäjän omat kirjat 16"

static const char *cli;
static char *admin, *admin_csrf;

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "recadmin", "admin", "Ylläpitäjä", 1 },
		{ "recaudit", "auditor", "Tarkastaja", 1 },
		{ "rechandler", "handler", "Käsittelijä", 1 },
	};

	(void)st;
	cli = getenv("REKISTERI_CLI");
	if (http_staff_add(staff, sizeof(staff) / sizeof(staff[0]), PW) != 0)
		return -1;
	admin = http_login("recadmin", PW);
	admin_csrf = http_csrf_for(admin, "/intranet/notice");
	return admin_csrf == NULL ? -1 : 0;
}

/*
 * The CLI: the published seed is flagged for its signature demand (exit
 * 1), no personal data is printed; --draft without a draft is an error.
 */
static void
cli_notice_check(void **st)
{
	struct buf o = BUF_INIT;

	(void)st;
	assert_int_equal(http_run(&o, "%s notice check", cli), 1);
	assert_non_null(strstr(o.data, "fi 15 \"Tarkastusoikeus, eli oikeus "
	    "saada pääsy henkilötietoihin.\": The text demands a signed request. "
	    "(\"on allekirjoitettava\") [signature]"));
	assert_non_null(strstr(o.data, "Otavamedia"));
	assert_non_null(strstr(o.data, "en 17 \"Right to rectification\""));
	assert_null(strstr(o.data, "Koivisto"));
	assert_null(strstr(o.data, "@"));
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s notice check --draft", cli), 1);
	assert_non_null(strstr(o.data, "there is no draft to check"));
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s notice check --bogus", cli), 2);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s notice check --help", cli), 0);
	assert_non_null(strstr(o.data, "--draft"));
	buf_free(&o);
}

/*
 * The corrected draft in the editor: what remains is listed with its
 * reason; publishing without the confirmation is refused and changes
 * nothing; the proposal for the empty section is accepted; publishing
 * with the confirmation makes version 2 and says so in the audit log.
 */
static void
editor_checks_before_publishing(void **st)
{
	struct buf o = BUF_INIT;
	struct http_resp r;
	char *body;

	(void)st;
	assert_int_equal(http_run(&o, "%s notice import data/notice/draft.fi.txt"
	    " --lang fi && %s notice import data/notice/draft.en.txt --lang en",
	    cli, cli), 0);
	buf_reset(&o);
	assert_int_equal(http_run(&o, "%s notice check --draft", cli), 1);
	assert_null(strstr(o.data, "[signature]"));
	assert_non_null(strstr(o.data, "4 problems in the draft"));
	buf_free(&o);

	http_session(&r, "GET", "/intranet/notice", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tarkistus ennen julkaisua"));
	assert_true(http_body_has(&r, "<strong>4</strong>"));
	assert_true(http_body_has(&r, "Kohta on tyhjä."));
	assert_true(http_body_has(&r, "GDPR 13 art. 2 e"));
	assert_true(http_body_has(&r, "Hyväksy ehdotus"));
	assert_true(http_body_has(&r, "<blockquote><p>Rekisterin tietoja ei "
	    "käytetä automaattiseen päätöksentekoon eikä profilointiin.</p>"
	    "</blockquote>"));
	assert_true(http_body_has(&r, "name=\"confirm\""));
	http_resp_free(&r);

	/* no confirmation: refused, nothing published */
	body = http_form("csrf", admin_csrf, "edit", "fi", NULL);
	http_session(&r, "POST", "/intranet/notice/publish", admin, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Luonnoksessa on ongelmia"));
	http_resp_free(&r);
	body = http_form("csrf", admin_csrf, "edit", "fi", "confirm", "yes", NULL);
	http_session(&r, "POST", "/intranet/notice/publish", admin, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT max(number) FROM notice_versions",
	    NULL), 1);

	/* the proposal accepted for the Finnish section 14 */
	body = http_form("csrf", admin_csrf, "edit", "fi", "n", "14", "title",
	    "Automaattinen käsittely ja profilointi", "body", "<p>Rekisterin "
	    "tietoja ei käytetä automaattiseen päätöksentekoon eikä "
	    "profilointiin.</p>", NULL);
	http_session(&r, "POST", "/intranet/notice/section", admin, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/notice", admin, NULL);
	assert_true(http_body_has(&r, "<strong>3</strong>"));
	http_resp_free(&r);

	/* confirmed: version 2, the audit row says it was confirmed */
	body = http_form("csrf", admin_csrf, "edit", "fi", "confirm", "1", NULL);
	http_session(&r, "POST", "/intranet/notice/publish", admin, body);
	free(body);
	http_assert_redirect(&r, "/intranet/notice?edit=fi&done=published");
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT max(number) FROM notice_versions",
	    NULL), 2);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'notice.publish' AND object_id = '2' AND summary = ?1",
	    "confirmed, 3 problems"), 1);
	/* the history: version 1 as the company wrote it, version 2 corrected */
	http_get(&r, "/notice?version=1");
	assert_true(http_body_has(&r, "Tarkastuspyyntö on allekirjoitettava."));
	http_resp_free(&r);
	http_get(&r, "/notice");
	assert_false(http_body_has(&r, "allekirjoitettava"));
	assert_true(http_body_has(&r, "Allekirjoitusta ei tarvita."));
	assert_true(http_body_has(&r, "eikä profilointiin"));
	http_resp_free(&r);
}


/* The value of JSON path in doc (SQLite's json_extract), or NULL when doc is not valid JSON. */
static char *
json_at(const char *doc, const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT CASE WHEN json_valid(?1)"
	    " THEN json_extract(?1, ?2) END", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/*
 * The record of processing activities: admins and auditors (handlers
 * not), in Finnish and English, with the controller and contact person
 * from the config, every activity's basis, categories, recipients and
 * retention with its source, the security measures and no transfers;
 * printable (the A4 print rules); as valid JSON.
 */
static void
processing_record(void **st)
{
	struct http_resp r;
	char *aud = http_login("recaudit", PW), *hand = http_login("rechandler",
	    PW), *v;

	(void)st;
	http_session(&r, "GET", "/intranet/processing", aud, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h1>Seloste käsittelytoimista</h1>"));
	assert_true(http_body_has(&r, "Vemitek Oy"));
	assert_true(http_body_has(&r, "Anja Koivisto"));
	assert_true(http_body_has(&r, "Sopimus (GDPR 6 art. 1 b"));
	assert_true(http_body_has(&r, "10 vuotta asiakkuuden päättymisestä"));
	assert_true(http_body_has(&r, "Kirjanpitolaki 1336/1997 2 luku 10 §"));
	assert_true(http_body_has(&r, "Ulkoistettu taloushallinto"));
	assert_true(http_body_has(&r, "Ei siirtoja EU:n tai ETA:n ulkopuolelle."));
	assert_true(http_body_has(&r, "<code>customers.first_name</code>"));
	assert_true(http_body_has(&r, "ketjutettuun tapahtumalokiin"));
	assert_true(http_body_has(&r, "locked, fire-safe storage"));	/* [controller] security */
	assert_true(http_body_has(&r, "href=\"/static/rekisteri.css\""));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/processing?lang=en", admin, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<h1>Record of processing activities</h1>"));
	assert_true(http_body_has(&r, "Accounting Act 1336/1997, chapter 2, "
	    "section 10(2)"));
	assert_true(http_body_has(&r, "No transfers outside the EU or EEA."));
	http_resp_free(&r);
	/* printable on A4: the stylesheet's print rules */
	http_get(&r, "/static/rekisteri.css");
	assert_true(http_body_has(&r, "size: A4"));
	assert_true(http_body_has(&r, ".record .activity { break-inside: avoid-page; }"));
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/processing?format=json", aud, NULL);
	assert_int_equal(r.status, 200);
	v = http_header(&r, "Content-Type");
	assert_non_null(v);
	assert_non_null(strstr(v, "application/json"));
	free(v);
	v = json_at(r.body.data, "$.controller.name");
	assert_non_null(v);
	assert_string_equal(v, "Vemitek Oy");
	free(v);
	v = json_at(r.body.data, "$.activities[0].retention[0].period.fi");
	assert_string_equal(v, "10 vuotta asiakkuuden päättymisestä");
	free(v);
	v = json_at(r.body.data, "$.transfers.en");
	assert_string_equal(v, "No transfers outside the EU or EEA");
	free(v);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/processing?format=xml", aud, NULL);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	/* handlers do not keep the controller's records */
	http_session(&r, "GET", "/intranet/processing", hand, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/processing?format=json", hand, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(aud);
	free(hand);
}

/* hours ago in Helsinki time as a form's datetime-local, "YYYY-MM-DDTHH:MM". */
static void
hours_ago(char out[17], int hours)
{
	time_t t = time(NULL) - (time_t)hours * 3600;
	struct tm tm;

	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	strftime(out, 17, "%Y-%m-%dT%H:%M", localtime_r(&t, &tm));
}

/* A breach entry's form: what, aware hours ago, and the rest as given. */
static char *
breach_form(const char *id, int aware_hours, const char *notified,
    const char *late_reasons, const char *note)
{
	char aware[17], occurred[17];

	hours_ago(aware, aware_hours);
	hours_ago(occurred, aware_hours + 2);
	return http_form("csrf", admin_csrf, "id", id ? id : "0",
	    "occurred_at", occurred, "aware_at", aware,
	    "what", "Kannettava tietokone, jolla oli asiakasluettelo, varastettiin.",
	    "people_categories", "Asiakkaat", "people_count", "120",
	    "record_categories", "Nimet ja osoitteet", "record_count", "",
	    "consequences", "", "measures", "Salasanat vaihdettu.",
	    "notified_at", notified ? notified : "", "late_reasons",
	    late_reasons ? late_reasons : "", "not_notified_reasons", "",
	    "tell_people", "undecided", "told_at", "", "tell_reasons", "",
	    "note", note ? note : "", NULL);
}

/*
 * The breach register and its 72-hour clock (Art. 33(1)) on everyone's
 * front page: a breach known for 71 hours is running, one known for 73 is
 * overdue; a notification past 72 h without reasons, or a correction
 * without saying what it changes, is refused and changes nothing; the
 * notification recorded stops the clock; auditors read every entry,
 * handlers see only the clock; every entry is in the audit log.
 */
static void
breach_register(void **st)
{
	struct http_resp r;
	char *aud = http_login("recaudit", PW), *hand = http_login("rechandler",
	    PW), *body, notified[17];

	(void)st;
	body = breach_form(NULL, 71, NULL, NULL, NULL);
	http_session(&r, "POST", "/intranet/breaches", admin, body);
	free(body);
	http_assert_redirect(&r, "/intranet/breach?id=1&saved=1");
	http_resp_free(&r);
	body = breach_form(NULL, 73, NULL, NULL, NULL);
	http_session(&r, "POST", "/intranet/breaches", admin, body);
	free(body);
	http_assert_redirect(&r, "/intranet/breach?id=2&saved=1");
	http_resp_free(&r);

	/* the clocks on a handler's front page: 71 h running, 73 h overdue */
	http_session(&r, "GET", "/intranet/", hand, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tietoturvaloukkaus: ilmoitus tietosuojavaltuutetulle"));
	assert_true(http_body_has(&r, "<li class=\"running\"><span><span>Tietoturvaloukkaus</span> <span>1</span></span>"));
	assert_true(http_body_has(&r, "<li class=\"overdue\"><span><span>Tietoturvaloukkaus</span> <span>2</span></span>"));
	assert_true(http_body_has(&r, "jäljellä"));
	assert_true(http_body_has(&r, "myöhässä"));
	assert_true(http_body_has(&r, "<strong>1 h 00 min</strong> <span>myöhässä</span>") ||
	    http_body_has(&r, "<strong>1 h 01 min</strong> <span>myöhässä</span>"));
	assert_false(http_body_has(&r, "href=\"/intranet/breach?id=1\""));
	http_resp_free(&r);

	/* notified now, 73 h after awareness: reasons needed */
	hours_ago(notified, 0);
	body = breach_form("2", 73, notified, NULL, "Ilmoitettu.");
	http_session(&r, "POST", "/intranet/breach", admin, body);
	free(body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "yli 72 tunnin kuluttua: kerro viivästyksen syyt"));
	/* a focused summary linking to the field, which says aria-invalid (#20) */
	assert_true(http_body_has(&r, "id=\"error-summary\""));
	assert_true(http_body_has(&r, "<li><a href=\"#b-late_reasons\">"));
	{
		char *tag = http_between(&r, "id=\"b-late_reasons\"", ">");

		assert_non_null(tag);
		assert_non_null(strstr(tag, "aria-invalid=\"true\""));
		free(tag);
		tag = http_between(&r, "id=\"b-what\"", ">");
		assert_non_null(tag);
		assert_null(strstr(tag, "aria-invalid"));
		free(tag);
	}
	http_resp_free(&r);
	/* a correction says what it changes */
	body = breach_form("2", 73, notified, "Laajuus selvisi vasta neljäntenä päivänä.", NULL);
	http_session(&r, "POST", "/intranet/breach", admin, body);
	free(body);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Kerro, mitä tämä merkintä muuttaa"));
	/* the message beside the field, and what was typed kept */
	assert_true(http_body_has(&r, "<span class=\"field-error\">Kerro, mitä "
	    "tämä merkintä muuttaa ja miksi.</span>"));
	assert_true(http_body_has(&r, "Laajuus selvisi vasta neljäntenä päivänä."
	    "</textarea>"));
	assert_true(http_body_has(&r, "Kannettava tietokone, jolla oli "
	    "asiakasluettelo, varastettiin.</textarea>"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_entries", NULL), 2);
	body = breach_form("2", 73, notified, "Laajuus selvisi vasta neljäntenä päivänä.",
	    "Ilmoitettu tietosuojavaltuutetulle.");
	http_session(&r, "POST", "/intranet/breach", admin, body);
	free(body);
	http_assert_redirect(&r, "/intranet/breach?id=2&saved=1");
	http_resp_free(&r);

	/* the notification stops breach 2's clock; breach 1 still runs */
	http_session(&r, "GET", "/intranet/", admin, NULL);
	assert_false(http_body_has(&r, "<span>Tietoturvaloukkaus</span> <span>2</span>"));
	assert_true(http_body_has(&r, "href=\"/intranet/breach?id=1\""));
	http_resp_free(&r);

	/* auditors read every entry, and record nothing */
	http_session(&r, "GET", "/intranet/breach?id=2", aud, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Ilmoitettu tietosuojavaltuutetulle."));
	assert_true(http_body_has(&r, "Laajuus selvisi vasta neljäntenä päivänä."));
	assert_true(http_body_has(&r, "<strong>ilmoitettu</strong>"));
	assert_false(http_body_has(&r, "Tallenna merkintä"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/breaches?lang=en", aud, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<h1>Personal-data breaches</h1>"));
	assert_true(http_body_has(&r, "overdue") || http_body_has(&r, "notified"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/breach?id=99", aud, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/breaches", hand, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'breach.record'", NULL), 2);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE action"
	    " = 'breach.correct' AND object_type = 'breach' AND object_id = ?1",
	    "2"), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM breach_entries WHERE"
	    " breach_id = 2", NULL), 2);
	free(aud);
	free(hand);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_notice_check),
		cmocka_unit_test(editor_checks_before_publishing),
		cmocka_unit_test(processing_record),
		cmocka_unit_test(breach_register),
	};

	return http_group_main("records", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
