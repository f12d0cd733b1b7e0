/*
 * test_reception.c — the intranet's reception of data-subject requests,
 * through the real server: requests filed on the public form appear in the
 * queue (with deadlines, without personal data), a request's page is
 * audited, 'identity checked' needs a method (and a note for "other"; the
 * email method only after the link was followed), and 'paper copy
 * received' accepts only this request's own validly signed code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "fmt.h"
#include "http.h"

#define PW	"Pyynnöt käsitellään ajallaan 5"

static char *handler_id, *handler_csrf, *num[2];
static long long req_id[2];

/* File a request on the public form; its number. */
static char *
file_request(const char *type, const char *name, const char *email)
{
	struct http_resp r;
	char *token = http_form_token(), *body, *loc, *n;

	body = http_form("form_token", token, "type", type, "name", name,
	    "email", email, NULL);
	http_session(&r, "POST", "/request", NULL, body);
	free(body);
	free(token);
	assert_int_equal(r.status, 303);
	loc = http_header(&r, "Location");
	assert_non_null(loc);
	http_resp_free(&r);
	n = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
	    NULL);
	assert_non_null(n);
	free(loc);
	return n;
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (getenv("REKISTERI_CLI") == NULL || http_user_add("recv1", "handler",
	    PW) != 0 || http_user_add("recvaud", "auditor", PW) != 0)
		return -1;
	num[0] = file_request("access", "Riikka Pyytäjä", "riikka@example.fi");
	num[1] = file_request("erasure", "Olli Toinen", "olli@example.fi");
	req_id[0] = http_db_int("SELECT id FROM requests WHERE number = ?1",
	    num[0]);
	req_id[1] = http_db_int("SELECT id FROM requests WHERE number = ?1",
	    num[1]);
	handler_id = http_login("recv1", PW);
	http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
	handler_csrf = http_csrf(&r);
	http_resp_free(&r);
	return handler_csrf == NULL ? -1 : 0;
}

static int
teardown(void **st)
{
	(void)st;
	free(handler_id);
	free(handler_csrf);
	free(num[0]);
	free(num[1]);
	return 0;
}

/* The queue: numbers, names, types, deadlines; no addresses; not for auditors. */
static void
queue(void **st)
{
	struct http_resp r;
	char *aud, *deadline;

	(void)st;
	http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, num[0]));
	assert_true(http_body_has(&r, num[1]));
	assert_true(http_body_has(&r, "Tarkastus"));
	/* the requester's name (#20), and no other personal data */
	assert_true(http_body_has(&r, "Riikka Pyytäjä"));
	assert_false(http_body_has(&r, "riikka@example.fi"));
	/* without sendmail the page says email checks are unavailable */
	assert_true(http_body_has(&r, "Sähköpostia ei ole määritetty"));
	http_resp_free(&r);
	/* the deadline is one calendar month after receipt (1182/71) */
	deadline = http_db_text("SELECT deadline FROM requests WHERE number = ?1",
	    num[0]);
	assert_non_null(deadline);
	assert_int_equal(strlen(deadline), 10);
	{
		char *received = http_db_text("SELECT received FROM requests WHERE"
		    " number = ?1", num[0]), want[16], shown[32];

		assert_non_null(received);
		fmt_init();
		assert_int_equal(fmt_deadline(received, want, sizeof(want)), 0);
		assert_string_equal(deadline, want);
		/* and the queue shows it, in Finnish form */
		assert_int_equal(fmt_date(shown, sizeof(shown), LANG_FI, want), 0);
		http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
		assert_true(http_body_has(&r, shown));
		http_resp_free(&r);
		free(received);
	}
	free(deadline);
	aud = http_login("recvaud", PW);
	http_session(&r, "GET", "/intranet/requests", aud, NULL);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	free(aud);
}

/* The request's page shows the requester's data and is audited. */
static void
request_page(void **st)
{
	struct http_resp r;
	char path[64], id[32];

	(void)st;
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", req_id[0]);
	snprintf(id, sizeof(id), "%lld", req_id[0]);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Riikka Pyytäjä"));
	/* the register is searched here: no personal data in any link */
	assert_true(http_body_has(&r, "Rekisteristä ei löytynyt"));
	assert_false(http_body_has(&r, "?q="));
	/* the email method is offered only once the link was followed */
	assert_true(http_body_has(&r, "value=\"email_code\" disabled=\"disabled\""));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'request.view' AND object_id = ?1", id), 1);
	http_session(&r, "GET", "/intranet/request?id=999999", handler_id, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	/* a customer with the requester's email is shown as a possible match */
	{
		char csv[300];

		snprintf(csv, sizeof(csv), "%s/match.csv",
		    getenv("REKISTERI_STATE"));
		http_write_text(csv, "number,first_name,last_name,email\nR-77,"
		    "Olli,Toinen,olli@example.fi\n");
		assert_int_equal(http_run(NULL, "%s customer import %s --apply",
		    getenv("REKISTERI_CLI"), csv), 0);
	}
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", req_id[1]);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, ">R-77</a>"));
	http_resp_free(&r);
}

static void
mark(struct http_resp *r, const char *what, long long id, const char *k1,
    const char *v1, const char *k2, const char *v2)
{
	char path[64], ids[32];
	char *body;

	snprintf(path, sizeof(path), "/intranet/request/%s", what);
	snprintf(ids, sizeof(ids), "%lld", id);
	body = http_form("csrf", handler_csrf, "id", ids, k1, v1, k2, v2, NULL);
	http_session(r, "POST", path, handler_id, body);
	free(body);
}

/* 'Identity checked': a method, a note for "other", recorded with who. */
static void
identity(void **st)
{
	struct http_resp r;
	char id[32];

	(void)st;
	snprintf(id, sizeof(id), "%lld", req_id[0]);
	mark(&r, "identity", req_id[0], "method", "email_code", "note", "");
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "ei ole seurannut sähköpostin"));
	http_resp_free(&r);
	mark(&r, "identity", req_id[0], "method", "other", "note", "");
	assert_int_equal(r.status, 422);
	http_resp_free(&r);
	mark(&r, "identity", req_id[0], "method", "telepathy", "note", "x");
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " identity_method IS NOT NULL", NULL), 0);
	mark(&r, "identity", req_id[0], "method", "other", "note",
	    "Soitettu rekisterissä olevaan numeroon");
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests r JOIN users"
	    " u ON u.id = r.identity_by WHERE r.identity_method = 'other' AND"
	    " u.username = 'recv1' AND r.number = ?1", num[0]), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'request.identity' AND object_id = ?1", id), 1);
	/* the audit log names the method, not the note */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE ?1", "%Soitettu%"), 0);
}

/* 'Paper copy received': only this request's own code with a good signature. */
static void
paper(void **st)
{
	struct http_resp r;
	char *code = http_db_text("SELECT code FROM requests WHERE number = ?1",
	    num[0]), *other = http_db_text("SELECT code FROM requests WHERE"
	    " number = ?1", num[1]), *bad;
	size_t len;

	(void)st;
	assert_non_null(code);
	assert_non_null(other);
	/* one character changed in the signed part: flagged, refused */
	bad = xstrdup(code);
	len = strlen(bad);
	bad[len / 2] = bad[len / 2] == 'A' ? 'B' : 'A';
	mark(&r, "paper", req_id[0], "code", bad, "x", "");
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Koodia ei hyväksytty"));
	http_resp_free(&r);
	mark(&r, "paper", req_id[0], "code", other, "x", "");
	assert_int_equal(r.status, 422);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " paper_received_at IS NOT NULL", NULL), 0);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = ?1", "request.paper_refused"), 2);
	/* the code as a scanner types it, with a line break after */
	{
		char *typed = xmalloc(strlen(code) + 3);

		snprintf(typed, strlen(code) + 3, "%s\r\n", code);
		mark(&r, "paper", req_id[0], "code", typed, "x", "");
		free(typed);
	}
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests r JOIN users"
	    " u ON u.id = r.paper_by WHERE r.paper_received_at IS NOT NULL AND"
	    " u.username = 'recv1' AND r.number = ?1", num[0]), 1);
	mark(&r, "paper", req_id[0], "code", code, "x", "");
	assert_int_equal(r.status, 422);	/* already received */
	http_resp_free(&r);
	free(bad);
	free(code);
	free(other);
}

/*
 * The queue's row for number: 1 when its deadline is marked overdue, 0
 * when not, -1 when the queue has no such row.
 */
static int
queue_mark(const struct http_resp *r, const char *number)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr o;
	int mark = -1;

	doc = xmlReadMemory(r->body.data, (int)r->body.len, "queue.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	ctx = xmlXPathNewContext(doc);
	o = xmlXPathEvalExpression((const xmlChar *)"//*[local-name()='tbody']"
	    "/*[local-name()='tr']", ctx);
	assert_non_null(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr td;
		xmlChar *first = NULL, *deadline = NULL;
		int col = 0;

		for (td = o->nodesetval->nodeTab[i]->children; td; td = td->next) {
			if (td->type != XML_ELEMENT_NODE)
				continue;
			if (col == 0)
				first = xmlNodeGetContent(td);
			else if (col == 4)	/* days left or the overdue mark */
				deadline = xmlNodeGetContent(td);
			col++;
		}
		assert_non_null(first);
		assert_non_null(deadline);
		if (strcmp((const char *)first, number) == 0)
			mark = strstr((const char *)deadline, "Myöhässä") != NULL;
		xmlFree(first);
		xmlFree(deadline);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return mark;
}

/* The local date days from today by the test's clock (the server's zone too). */
static void
local_date(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Set a request's deadline and status in the database. */
static void
set_request(const char *number, const char *deadline, const char *status)
{
	char sql[300];

	/* a closed case has the time it closed (a CHECK): open ones none */
	snprintf(sql, sizeof(sql), "UPDATE requests SET deadline = '%s', status ="
	    " '%s', closed_at = CASE WHEN '%s' IN ('received', 'in_progress')"
	    " THEN NULL ELSE '2026-01-01T00:00:00Z' END WHERE number = '%s'",
	    deadline, status, status, number);
	http_db_exec(sql);
}

/*
 * "Overdue" (Myöhässä) on the queue and the request's page: past the
 * deadline and still open (not answered nor refused); the deadline day itself is still
 * in time. Deadlines are moved in the database relative to the test's
 * clock: the program has no clock of its own to fix.
 */
static void
overdue(void **st)
{
	char *deadline[2], *status[2], yesterday[11], today[11], again[11],
	    path[64];
	struct http_resp r;
	int checked = 0;

	(void)st;
	for (int i = 0; i < 2; i++) {
		deadline[i] = http_db_text("SELECT deadline FROM requests WHERE"
		    " number = ?1", num[i]);
		status[i] = http_db_text("SELECT status FROM requests WHERE"
		    " number = ?1", num[i]);
		assert_non_null(deadline[i]);
		assert_non_null(status[i]);
	}
	/* as filed: a month ahead, not overdue */
	http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(queue_mark(&r, num[0]), 0);
	assert_int_equal(queue_mark(&r, num[1]), 0);
	http_resp_free(&r);
	/* yesterday's deadline is past, today's is not (tried again over midnight) */
	for (int tries = 0; tries < 2; tries++) {
		local_date(yesterday, -1);
		local_date(today, 0);
		set_request(num[0], yesterday, "received");
		set_request(num[1], today, "received");
		http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
		local_date(again, 0);
		if (strcmp(today, again) != 0) {
			http_resp_free(&r);
			continue;
		}
		assert_int_equal(r.status, 200);
		http_assert_page(&r, "fi");
		assert_int_equal(queue_mark(&r, num[0]), 1);
		assert_int_equal(queue_mark(&r, num[1]), 0);
		http_resp_free(&r);
		checked = 1;
		break;
	}
	assert_true(checked);
	/* the request's own page says so too */
	snprintf(path, sizeof(path), "/intranet/request?id=%lld", req_id[0]);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Myöhässä"));
	http_resp_free(&r);
	/* in progress: still overdue; answered, partly refused or refused: no longer */
	{
		static const struct {
			const char *status;
			int overdue;
		} cases[] = {
			{ "in_progress", 1 }, { "answered", 0 },
			{ "partly_refused", 0 }, { "refused", 0 },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			set_request(num[0], yesterday, cases[i].status);
			/* closed ones are in the queue only when asked for */
			http_session(&r, "GET", "/intranet/requests?state=all",
			    handler_id, NULL);
			if (queue_mark(&r, num[0]) != cases[i].overdue)
				fail_msg("status %s, deadline yesterday: overdue "
				    "shown %d", cases[i].status,
				    queue_mark(&r, num[0]));
			http_resp_free(&r);
		}
	}
	for (int i = 0; i < 2; i++) {
		set_request(num[i], deadline[i], status[i]);
		free(deadline[i]);
		free(status[i]);
	}
}

/* The row index of number in the queue r (0 first), or -1. */
static int
queue_row(const struct http_resp *r, const char *number)
{
	const char *a = strstr(r->body.data, "<tbody"), *p;
	int row = 0;

	if (a == NULL)
		return -1;
	for (p = a; (p = strstr(p, "<tr")) != NULL; p += 3, row++) {
		const char *next = strstr(p + 3, "<tr"), *hit = strstr(p, number);

		if (hit != NULL && (next == NULL || hit < next))
			return row;
	}
	return -1;
}

/*
 * The queue's order and filter (#20): the deadline that counts nearest
 * first; by state and type; a ticket number or a part of the name; days
 * left; a bad filter is a message beside its field over the default queue.
 */
static void
queue_order_filter(void **st)
{
	struct http_resp r;
	char *deadline[2], *status[2], early[11], late[11], path[160], lower[32];

	(void)st;
	for (int i = 0; i < 2; i++) {
		deadline[i] = http_db_text("SELECT deadline FROM requests WHERE"
		    " number = ?1", num[i]);
		status[i] = http_db_text("SELECT status FROM requests WHERE"
		    " number = ?1", num[i]);
	}
	local_date(early, 3);
	local_date(late, 20);
	/* filed first, due last: the later number comes first */
	set_request(num[0], late, "received");
	set_request(num[1], early, "in_progress");
	http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(queue_row(&r, num[1]), 0);
	assert_int_equal(queue_row(&r, num[0]), 1);
	/* three days left, said in the days column */
	assert_true(http_body_has(&r, "<span>3</span> pv</span>"));
	http_resp_free(&r);
	/* swapped deadlines, swapped rows */
	set_request(num[0], early, "received");
	set_request(num[1], late, "in_progress");
	http_session(&r, "GET", "/intranet/requests", handler_id, NULL);
	assert_int_equal(queue_row(&r, num[0]), 0);
	assert_int_equal(queue_row(&r, num[1]), 1);
	http_resp_free(&r);
	/* by type: erasure is num[1]'s only */
	http_session(&r, "GET", "/intranet/requests?type=erasure", handler_id,
	    NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(queue_row(&r, num[1]), 0);
	assert_int_equal(queue_row(&r, num[0]), -1);
	http_resp_free(&r);
	/* by state: in progress is num[1]; answered is none */
	http_session(&r, "GET", "/intranet/requests?state=in_progress",
	    handler_id, NULL);
	assert_int_equal(queue_row(&r, num[1]), 0);
	assert_int_equal(queue_row(&r, num[0]), -1);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/requests?state=answered", handler_id,
	    NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "Ei pyyntöjä."));
	http_resp_free(&r);
	/* a part of the name, any case; the number in lower case */
	http_session(&r, "GET", "/intranet/requests?q=toinen", handler_id, NULL);
	assert_int_equal(queue_row(&r, num[1]), 0);
	assert_int_equal(queue_row(&r, num[0]), -1);
	http_resp_free(&r);
	snprintf(lower, sizeof(lower), "%s", num[0]);
	for (char *c = lower; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(path, sizeof(path), "/intranet/requests?q=%s", lower);
	http_session(&r, "GET", path, handler_id, NULL);
	assert_int_equal(queue_row(&r, num[0]), 0);
	assert_int_equal(queue_row(&r, num[1]), -1);
	/* the paging and the form keep the search */
	assert_true(http_body_has(&r, lower));
	http_resp_free(&r);
	/* bad filters: a message beside the field, the default queue, 400 */
	http_session(&r, "GET", "/intranet/requests?state=closed", handler_id,
	    NULL);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Valitse tila luettelosta."));
	assert_true(http_body_has(&r, "aria-invalid=\"true\""));
	assert_int_equal(queue_row(&r, num[0]), 0);
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/requests?type=everything", handler_id,
	    NULL);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Valitse pyyntö luettelosta."));
	http_resp_free(&r);
	http_session(&r, "GET", "/intranet/requests?q=aaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", handler_id, NULL);
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "enintään 64 merkkiä"));
	http_resp_free(&r);
	for (int i = 0; i < 2; i++) {
		set_request(num[i], deadline[i], status[i]);
		free(deadline[i]);
		free(status[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queue),
		cmocka_unit_test(request_page),
		cmocka_unit_test(identity),
		cmocka_unit_test(paper),
		cmocka_unit_test(overdue),
		cmocka_unit_test(queue_order_filter),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("reception", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
