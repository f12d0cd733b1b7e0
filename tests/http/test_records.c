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

#include <cmocka.h>

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
	http_assert_redirect(&r, "/intranet/notice?edit=fi&saved=1");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_notice_check),
		cmocka_unit_test(editor_checks_before_publishing),
	};

	return http_group_main("records", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
