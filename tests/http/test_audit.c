/*
 * test_audit.c — what staff leave in the audit log, through the real server
 * (issue 4): the audit page (filters, pages, dates, roles), the notice
 * editor, two-factor sign-in end to end, and last the audit log's hash
 * chain, broken on purpose and mended.
 *
 * The harness starts this file on a fresh database and server; the group
 * setup adds the users it needs and one failed sign-in, so that the log
 * has a login.fail row for the chain test to tamper with.
 */
#include <sys/wait.h>

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <sodium.h>
#include <liboath/oath.h>
#include <sqlite3.h>

#include "http.h"


#define PW		"Tosi pitkä salasana 1"
#define PW2		"Toinen hyvin pitkä lause 2"

static const char *cli, *state;

/* ---- helpers (the shared ones are in http.c) ---------------------------- */

struct arow {
	long long	 id;
	char		 user[64];
	char		 action[64];
};

static size_t
audit_rows(const struct http_resp *r, struct arow *out, size_t max)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	size_t n = 0;

	doc = xmlReadMemory(r->body.data, (int)r->body.len, "audit.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	ctx = xmlXPathNewContext(doc);
	o = xmlXPathEvalExpression((const xmlChar *)"//*[local-name()='table']"
	    "/*[local-name()='tbody']/*[local-name()='tr']", ctx);
	assert_non_null(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr td;
		int col = 0;

		assert_true(n < max);
		memset(&out[n], 0, sizeof(out[n]));
		for (td = o->nodesetval->nodeTab[i]->children; td; td = td->next) {
			xmlChar *t;

			if (td->type != XML_ELEMENT_NODE)
				continue;
			/* the username and the event's code: attributes (#20) */
			if (col == 0) {
				t = xmlNodeGetContent(td);
				out[n].id = atoll((const char *)t);
				xmlFree(t);
			} else if (col == 2 || col == 4) {
				t = xmlGetProp(td, (const xmlChar *)(col == 2 ?
				    "data-user" : "data-action"));
				assert_non_null(t);
				if (col == 2)
					snprintf(out[n].user, sizeof(out[n].user),
					    "%s", t);
				else
					snprintf(out[n].action,
					    sizeof(out[n].action), "%s", t);
				xmlFree(t);
			}
			col++;
		}
		assert_int_equal(col, 7);
		n++;
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return n;
}

/* ---- set-up ------------------------------------------------------------- */

static int
setup(void **st)
{
	static const struct {
		const char *name, *role, *display;
		int nda;
	} users[] = {
		{ "admin1", "admin", "Anna Ylläpitäjä", 1 },
		{ "handler1", "handler", "Heikki Käsittelijä", 1 },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (http_user_add_full(users[i].name, users[i].role, PW,
		    users[i].display, users[i].nda) != 0)
			return -1;
	/* a failed sign-in (cleared by the right one) for audit_chain */
	{
		struct http_resp r;

		http_login_resp(&r, "admin1", "Väärä salasana tässä 9");
		http_resp_free(&r);
		free(http_login("admin1", PW));
	}
	return 0;
}

/* ---- 13. the audit page ---------------------------------------------------------------- */

/* The audit page by dates around today (the test's clock), as session id. */
static void
audit_dates(const char *id)
{
	struct arow rows[60];
	struct http_resp r;
	char path[100], from[11], to[11];

	/* yesterday to tomorrow: today's rows */
	http_date(from, -1);
	http_date(to, 1);
	snprintf(path, sizeof(path), "/intranet/audit?from=%s&to=%s", from, to);
	http_session(&r, "GET", path, id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(audit_rows(&r, rows, 60) > 0);
	http_resp_free(&r);
	/* from the day after tomorrow on: nothing yet */
	http_date(from, 2);
	snprintf(path, sizeof(path), "/intranet/audit?from=%s", from);
	http_session(&r, "GET", path, id, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(audit_rows(&r, rows, 60), 0);
	assert_true(http_body_has(&r, "Ei tapahtumia"));
	http_resp_free(&r);
}

static void
audit_page(void **st)
{
	struct arow rows[60];
	char *id = http_login("admin1", PW);
	struct http_resp r;
	size_t n;
	long long total;
	int logins = 0;

	(void)st;
	http_session(&r, "GET", "/intranet/audit", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0 && n <= 50);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].action, "login") == 0)
			logins++;
		if (i > 0 && rows[i].id >= rows[i - 1].id)
			fail_msg("audit rows not newest first");
	}
	assert_true(logins > 0);
	http_resp_free(&r);

	/* ?action=login.*: sign-ins and their failures, nothing else */
	http_session(&r, "GET", "/intranet/audit?action=login.*", id, NULL);
	assert_int_equal(r.status, 200);
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].action, "login") != 0 &&
		    strncmp(rows[i].action, "login.", 6) != 0)
			fail_msg("?action=login.* shows %s", rows[i].action);
	total = http_db_int("SELECT count(*) FROM audit_log WHERE action = 'login'"
	    " OR action LIKE 'login.%'", NULL);
	assert_int_equal((long long)n, total < 50 ? total : 50);
	/* kept in the form */
	assert_true(http_body_has(&r, "value=\"login.*\" selected=\"selected\""));
	http_resp_free(&r);

	/* ?user=admin1 */
	http_session(&r, "GET", "/intranet/audit?user=admin1", id, NULL);
	assert_int_equal(r.status, 200);
	n = audit_rows(&r, rows, 60);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].user, "admin1") != 0)
			fail_msg("?user=admin1 shows a row of \"%s\"", rows[i].user);
	http_resp_free(&r);
	/* both filters at once, and one that matches nothing */
	http_session(&r, "GET", "/intranet/audit?user=handler1&action=login.fail", id, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(audit_rows(&r, rows, 60), 0);
	assert_true(http_body_has(&r, "Ei tapahtumia"));
	http_resp_free(&r);

	/* bad filters are 400 */
	{
		static const char *const bad[] = {
			"/intranet/audit?from=2026-13-01",
			"/intranet/audit?to=2026-02-30",
			"/intranet/audit?from=yesterday",
			"/intranet/audit?page=0",
			"/intranet/audit?page=x",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			http_session(&r, "GET", bad[i], id, NULL);
			if (r.status != 400)
				fail_msg("%s: %ld", bad[i], r.status);
			http_resp_free(&r);
		}
	}
	audit_dates(id);
	/* more than 50 of admin1's rows: each view is one */
	while (http_db_int("SELECT count(*) FROM audit_log WHERE username = ?1",
	    "admin1") <= 55) {
		http_session(&r, "GET", "/intranet/audit?action=audit.view", id, NULL);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	http_session(&r, "GET", "/intranet/audit?user=admin1", id, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(audit_rows(&r, rows, 60), 50);
	assert_true(http_body_has(&r, "rel=\"next\""));
	assert_true(http_body_has(&r,
	    "href=\"/intranet/audit?page=2&amp;user=admin1\""));
	assert_false(http_body_has(&r, "rel=\"prev\""));
	{
		long long last = rows[49].id;

		http_resp_free(&r);
		http_session(&r, "GET", "/intranet/audit?page=2&user=admin1", id, NULL);
		assert_int_equal(r.status, 200);
		n = audit_rows(&r, rows, 60);
		assert_true(n > 0);
		/* older rows (viewing page 1 added one row of admin1's, so
		 * the pages may share one row) */
		assert_true(rows[0].id <= last);
		assert_true(rows[n - 1].id < last);
		assert_true(http_body_has(&r,
		    "href=\"/intranet/audit?page=1&amp;user=admin1\""));
		http_resp_free(&r);
	}
	/* the audit page is for admins and auditors only */
	{
		char *h = http_login("handler1", PW);

		http_session(&r, "GET", "/intranet/audit", h, NULL);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		free(h);
	}
	free(id);
}

/* ---- 14. the audit chain (last: it breaks the chain) ------------------------------------ */

static void
audit_chain(void **st)
{
	struct buf o = BUF_INIT;
	long long victim;
	char want[64], sql[200], *summary, *trigger;
	sqlite3 *db;

	(void)st;
	assert_int_equal(http_run(&o, "%s audit verify", cli), 0);
	assert_non_null(strstr(o.data, "intact"));
	/* the log refuses edits until its trigger is dropped */
	victim = http_db_int("SELECT min(id) FROM audit_log WHERE action ="
	    " 'login.fail'", NULL);
	assert_true(victim > 1);
	snprintf(sql, sizeof(sql), "SELECT summary FROM audit_log WHERE id ="
	    " %lld", victim);
	summary = http_db_text(sql, NULL);
	trigger = http_db_text("SELECT sql FROM sqlite_master WHERE name ="
	    " 'audit_log_no_update'", NULL);
	assert_non_null(summary);
	assert_non_null(trigger);
	db = http_db_open(1);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = 'x' WHERE"
	    " id = %lld", victim);
	assert_int_not_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update",
	    NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = 'nothing"
	    " happened' WHERE id = %lld", victim);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
	assert_int_equal(http_run(&o, "%s audit verify", cli), 1);
	snprintf(want, sizeof(want), "row %lld", victim);
	if (strstr(o.data, want) == NULL)
		fail_msg("audit verify does not name row %lld: %s", victim, o.data);
	assert_null(strstr(o.data, "intact"));
	/* put the row and the trigger back: the chain holds again */
	db = http_db_open(1);
	{
		sqlite3_stmt *up;

		snprintf(sql, sizeof(sql), "UPDATE audit_log SET summary = ?1"
		    " WHERE id = %lld", victim);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &up, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(up, 1, summary, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_finalize(up);
	}
	assert_int_equal(sqlite3_exec(db, trigger, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(http_run(&o, "%s audit verify", cli), 0);
	free(summary);
	free(trigger);
	buf_free(&o);
}

/* The codes an authenticator app shows for a base32 secret. */
static void
app_code(const char *b32, time_t when, char out[7])
{
	char *secret = NULL;
	size_t len = 0;

	assert_int_equal(oath_base32_decode(b32, strlen(b32), &secret, &len),
	    OATH_OK);
	assert_int_equal(oath_totp_generate(secret, len, when, 30, 0, 6, out),
	    OATH_OK);
	free(secret);
}

/* A section typed in the plain-text syntax (#20); an empty title refused with its summary. */
static void
section_forms(const char *id, const char *token)
{
	struct http_resp r;
	char *body;

	/* the plain-text syntax: paragraphs, a list, bold, a link (#20) */
	body = http_form("csrf", token, "edit", "fi", "n", "3", "title",
	    "Henkilötietoryhmät", "body", "Rekisterissä on:\n\n- **nimi**\n"
	    "- osoite\n\nLisää [ohjeessa](https://tietosuoja.fi).", NULL);
	http_session(&r, "POST", "/intranet/notice/section", id, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "<p>Rekisterissä on:</p><ul><li><strong>"
	    "nimi</strong></li><li>osoite</li></ul><p>Lisää <a href="
	    "\"https://tietosuoja.fi\">ohjeessa</a>.</p>"));
	assert_false(http_body_has(&r, "Teksti siistittiin"));
	http_resp_free(&r);
	/* an empty title is refused and nothing changes */
	body = http_form("csrf", token, "edit", "fi", "n", "3", "title", " ",
	    "body", "<p>x</p>", NULL);
	http_session(&r, "POST", "/intranet/notice/section", id, body);
	free(body);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "<li><a href=\"#title\">"));
	{
		char *tag = http_between(&r, "id=\"title\"", ">");

		assert_non_null(tag);
		assert_non_null(strstr(tag, "aria-invalid=\"true\""));
		free(tag);
	}
	http_resp_free(&r);
}

/*
 * The notice editor: a draft from the version in force, a section edited
 * with hostile markup (cleaned, and said so), a preview in each language,
 * the public page unchanged until publishing; then the draft is discarded:
 * nothing is published, version 1 stays the newest.
 */
static void
notice_editor(void **st)
{
	struct http_resp r;
	char *id = http_login("admin1", PW), *token = http_csrf_for(id, "/intranet/notice");
	char *body;

	(void)st;
	http_session(&r, "GET", "/intranet/notice", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Aloita luonnos"));
	http_resp_free(&r);
	body = http_form("csrf", token, NULL);
	http_session(&r, "POST", "/intranet/notice/draft", id, body);
	free(body);
	http_assert_redirect(&r, "/intranet/notice?edit=fi&done=draft_saved");
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/notice", id, NULL);
	assert_true(http_body_has(&r, "href=\"/intranet/notice/section?edit=fi&amp;n=3\""));
	assert_true(http_body_has(&r, "Kyseessä olevat henkilötietoryhmät"));
	/* in the menu; numbered as the public contents (the controller 1) */
	assert_true(http_body_has(&r, "<a href=\"/intranet/notice\">Tietosuojaseloste</a>"));
	assert_true(http_body_has(&r, "<td>1</td><td>Rekisterinpitäjä"));
	assert_true(http_body_has(&r, "<td>4</td><td>Kyseessä olevat henkilötietoryhmät</td>"));
	assert_false(http_body_has(&r, "class=\"mark changed\""));	/* a fresh draft */
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/notice/section?edit=fi&n=3", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "value=\"Kyseessä olevat henkilötietoryhmät\""));
	assert_true(http_body_has(&r, "Kohdan muokkaus</span> <span>4</span>"));
	http_resp_free(&r);
	body = http_form("csrf", token, "edit", "fi", "n", "3", "title",
	    "Henkilötietoryhmät", "body", "<p onclick=\"x()\">Nimi ja "
	    "<strong>yhteystiedot</strong><script>alert(1)</script></p>", NULL);
	http_session(&r, "POST", "/intranet/notice/section", id, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Tallennettu."));
	assert_true(http_body_has(&r, "Teksti siistittiin"));
	/* what was dropped, in the reader's language (#20) */
	assert_true(http_body_has(&r,
	    "<li>Poistettiin merkinnän lisämääre: onclick (&lt;p&gt;)</li>"));
	assert_true(http_body_has(&r,
	    "<li>Poistettiin merkintä sisältöineen: &lt;script&gt;</li>"));
	assert_false(http_body_has(&r, "dropped"));
	assert_false(http_body_has(&r, "<script"));
	assert_true(http_body_has(&r, "<strong>yhteystiedot</strong>"));
	http_resp_free(&r);
	section_forms(id, token);
	/* no such section */
	http_session(&r, "GET", "/intranet/notice/section?edit=fi&n=99", id, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);

	http_session(&r, "GET", "/intranet/notice/preview?edit=fi", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<h2>Henkilötietoryhmät</h2>"));
	assert_true(http_body_has(&r, "luonnos, ei julkaistu"));
	/* a draft: no version number, not published; the changed section marked */
	assert_true(http_body_has(&r, "<strong>Luonnos</strong>"));
	assert_false(http_body_has(&r, "Versio</span> <span>0</span>"));
	assert_true(http_body_has(&r, "<h2>Henkilötietoryhmät</h2>\n    <p class=\"changed-note\"><span class=\"mark changed\">Muuttunut</span>"));
	{
		const char *p = r.body.data;
		int marks = 0;

		while ((p = strstr(p, "class=\"changed-note\"")) != NULL) {
			marks++;
			p++;
		}
		assert_int_equal(marks, 1);
	}
	/* the Ombudsman's details as /notice shows them (data/authority.xml) */
	assert_true(http_body_has(&r, "Lintulahdenkuja 4, 00530 Helsinki"));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/notice/preview?edit=en", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "Categories of personal data concerned"));
	assert_true(http_body_has(&r, "P.O. Box 800, FI-00531 Helsinki"));
	http_resp_free(&r);
	/* the public still sees version 1 as it was */
	http_session(&r, "GET", "/notice", NULL, NULL);
	assert_true(http_body_has(&r, "<h2>Kyseessä olevat henkilötietoryhmät</h2>"));
	assert_false(http_body_has(&r, "<h2>Henkilötietoryhmät</h2>"));
	http_resp_free(&r);

	body = http_form("csrf", token, "confirm", "1", NULL);
	http_session(&r, "POST", "/intranet/notice/discard", id, body);
	free(body);
	http_assert_redirect(&r, "/intranet/notice?edit=fi&done=discarded");
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM notice_versions WHERE"
	    " number IS NULL", NULL), 0);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'notice.section' AND summary = ?1", "fi/3") == 2);	/* two saves */
	http_logout(id, token);
	free(token);
	free(id);
}

/*
 * The code a pending session was just refused: with its use taken back in
 * the database, it signs in — so it was refused as used, not as expired.
 * (The server's clock cannot be fixed from outside, so this is how a test
 * knows the code was still in its window.) A new pending session and its
 * token replace *pending and *token.
 */
static void
code_was_in_window(char **pending, char **token, const char *code, time_t now)
{
	long long used = http_db_int("SELECT totp_last_step FROM users WHERE"
	    " username = ?1", "totp1");
	struct http_resp r;
	char sql[200], *body, *again;

	assert_true(used >= (long long)now / 30 - 1 &&
	    used <= (long long)now / 30 + 1);
	snprintf(sql, sizeof(sql), "UPDATE users SET totp_last_step = %lld"
	    " WHERE username = 'totp1'", used - 1);
	http_db_exec(sql);
	body = http_form("csrf", *token, "code", code, NULL);
	http_session(&r, "POST", "/intranet/login/code", *pending, body);
	free(body);
	if (r.status != 303)
		fail_msg("the enrolment's code, its use taken back: %ld (expired "
		    "before it was tried again?)", r.status);
	http_assert_redirect(&r, "/intranet/");
	again = http_cookie(&r);
	assert_non_null(again);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT totp_last_step FROM users WHERE"
	    " username = ?1", "totp1"), used);
	free(again);
	free(*token);
	free(*pending);
	*pending = http_login_to("totp1", PW, "/intranet/login/code");
	*token = http_csrf_for(*pending, "/intranet/login/code");
}

/* admin1 removes user's second factor on the users page; audited. */
static void
totp_reset_by_admin(const char *user)
{
	char *admin = http_login("admin1", PW), *atok = http_csrf_for(admin,
	    "/intranet/users"), uid[32], *body;
	struct http_resp r;

	snprintf(uid, sizeof(uid), "%lld", http_db_int("SELECT id FROM users"
	    " WHERE username = ?1", user));
	body = http_form("csrf", atok, "id", uid, "confirm", "1", NULL);
	http_session(&r, "POST", "/intranet/users/totp-reset", admin, body);
	free(body);
	http_assert_redirect(&r, "/intranet/users");
	http_resp_free(&r);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'user.totp_reset' AND object_id = ?1", uid) == 1);
	http_logout(admin, atok);
	free(atok);
	free(admin);
}

/*
 * Two-factor sign-in, end to end: enrol from one's own page with the QR
 * code's secret, get recovery codes once, then sign in with password and
 * code; the half-signed-in session reaches nothing else; a used code and a
 * wrong one are refused; a recovery code works once; the admin's reset.
 */
static void
two_factor(void **st)
{
	struct http_resp r;
	struct buf o = BUF_INIT;
	char code[7], *id, *token, *secret, *body, *rec, *pending, *full;
	time_t now = time(NULL);

	(void)st;
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(http_user_add("totp1", "handler", PW), 0);
	id = http_login("totp1", PW);
	http_session(&r, "GET", "/intranet/totp", id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_true(http_body_has(&r, "<title>QR-koodi todennussovellukselle</title>"));
	secret = http_between(&r, "<code class=\"otp\">", "<");
	assert_non_null(secret);
	assert_int_equal(strlen(secret), 32);
	token = http_csrf(&r);
	http_resp_free(&r);

	/* a wrong code: not enrolled */
	body = http_form("csrf", token, "code", "000000", NULL);
	http_session(&r, "POST", "/intranet/totp", id, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	free(secret);
	/* the page made a new secret: use that one */
	secret = http_between(&r, "<code class=\"otp\">", "<");
	http_resp_free(&r);
	app_code(secret, now, code);
	body = http_form("csrf", token, "code", code, NULL);
	http_session(&r, "POST", "/intranet/totp", id, body);
	free(body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Kaksivaiheinen tunnistus on käytössä"));
	rec = http_between(&r, "<ul class=\"recovery\"><li><code>", "<");
	assert_non_null(rec);
	assert_int_equal(strlen(rec), 19);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM recovery_codes r JOIN users"
	    " u ON u.id = r.user_id WHERE u.username = ?1", "totp1"), 10);
	http_logout(id, token);
	free(token);
	free(id);

	/* password right: a half session that reaches only the code page */
	pending = http_login_to("totp1", PW, "/intranet/login/code");
	http_session(&r, "GET", "/intranet/", pending, NULL);
	http_assert_redirect(&r, "/intranet/login/code");
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/login/code", pending, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_false(http_body_has(&r, "Kirjaudu ulos</span> (totp1)"));
	token = http_csrf(&r);
	http_resp_free(&r);
	/* the code just used for enrolment does not work again */
	body = http_form("csrf", token, "code", code, NULL);
	http_session(&r, "POST", "/intranet/login/code", pending, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	http_resp_free(&r);
	/* ... because it was used, not because its time ran out */
	code_was_in_window(&pending, &token, code, now);
	/* the next one does, and the session id changes */
	app_code(secret, now + 30, code);
	body = http_form("csrf", token, "code", code, NULL);
	http_session(&r, "POST", "/intranet/login/code", pending, body);
	free(body);
	http_assert_redirect(&r, "/intranet/");
	full = http_cookie(&r);
	assert_non_null(full);
	assert_string_not_equal(full, pending);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/", full, NULL);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/", pending, NULL);
	http_assert_redirect(&r, "/intranet/login");
	http_resp_free(&r);
	free(token);
	free(pending);

	/* a recovery code, once */
	pending = http_login_to("totp1", PW, "/intranet/login/code");
	token = http_csrf_for(pending, "/intranet/login/code");
	body = http_form("csrf", token, "code", rec, NULL);
	http_session(&r, "POST", "/intranet/login/code", pending, body);
	free(body);
	http_assert_redirect(&r, "/intranet/");
	http_resp_free(&r);
	free(token);
	free(pending);
	pending = http_login_to("totp1", PW, "/intranet/login/code");
	token = http_csrf_for(pending, "/intranet/login/code");
	body = http_form("csrf", token, "code", rec, NULL);
	http_session(&r, "POST", "/intranet/login/code", pending, body);
	free(body);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Koodi ei kelpaa"));
	http_resp_free(&r);
	free(token);
	free(pending);
	assert_true(http_db_int("SELECT count(*) FROM audit_log WHERE action ="
	    " 'user.totp' AND username = ?1", "totp1") == 1);

	/* an admin removes it; the user signs in with the password alone */
	totp_reset_by_admin("totp1");
	free(http_login("totp1", PW));
	free(full);
	free(rec);
	free(secret);
	buf_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audit_page),
		cmocka_unit_test(notice_editor),
		cmocka_unit_test(two_factor),
		cmocka_unit_test(audit_chain),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	return http_group_main("audit", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
