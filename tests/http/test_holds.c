/*
 * test_holds.c — the invoice state and the holds on erasure on the
 * customer page, through the real server: a handler moves an invoice
 * open → collection → paid with dates (history and audit rows, no
 * personal data in the log); a transition the lifecycle does not allow,
 * a future date and a missing order are refused with a clear message and
 * change nothing; the page shows the computed holds and their last days;
 * an admin sets and lifts a legal hold with reasons, a handler cannot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

#define PW	"Laskut maksetaan ajallaan 17"

static char *admin, *admin_csrf, *hand, *hand_csrf;
static char cid[24], page[64];

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "holdadmin", "admin", "Ylläpitäjä", 1 },
		{ "holdhandler", "handler", "Käsittelijä", 1 },
	};
	long long id;

	(void)st;
	if (http_staff_add(staff, sizeof(staff) / sizeof(staff[0]), PW) != 0)
		return -1;
	http_db_exec("INSERT INTO customers (number, first_name, last_name)"
	    " VALUES ('H000001', 'Liisa', 'Laskunen')");
	id = http_db_int("SELECT id FROM customers WHERE number = ?1",
	    "H000001");
	snprintf(cid, sizeof(cid), "%lld", id);
	snprintf(page, sizeof(page), "/intranet/customer?id=%lld", id);
	/* one open invoice of 1.11.2026 and one paid in 2019 */
	http_db_exec("INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) SELECT id, 'L-1', '2026-11-01',"
	    " 9900, 'open', '2026-11-01' FROM customers WHERE number = 'H000001'");
	admin = http_login("holdadmin", PW);
	admin_csrf = http_csrf_for(admin, page);
	hand = http_login("holdhandler", PW);
	hand_csrf = http_csrf_for(hand, page);
	return admin_csrf == NULL || hand_csrf == NULL ? -1 : 0;
}

static void
post(struct http_resp *r, const char *who, const char *path, char *body)
{
	http_session(r, "POST", path, who, body);
	free(body);
}

/* A handler records the collection and the payment; each change in the history and the log. */
static void
invoice_lifecycle(void **st)
{
	struct http_resp r;
	char today[11];

	(void)st;
	http_date(today, 0);
	http_session(&r, "GET", page, hand, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "action=\"/intranet/customer/invoice\""));
	assert_true(http_body_has(&r, "Avoin lasku"));	/* the hold */
	assert_true(http_body_has(&r, "poisto evätään"));
	/* no legal-hold form for a handler */
	assert_false(http_body_has(&r, "action=\"/intranet/customer/hold\""));
	http_resp_free(&r);

	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", cid, "order", "L-1", "status", "collection", "date",
	    "2026-11-20", NULL));
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", cid, "order", "L-1", "status", "paid", "date", today, NULL));
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM orders WHERE number"
	    " = 'L-1' AND status = 'paid' AND status_on = ?1", today), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history"
	    " WHERE field = 'order.L-1.status' AND source = 'staff' AND"
	    " old_value = 'open 2026-11-01' AND new_value ="
	    " 'collection 2026-11-20'", NULL), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'order.status' AND summary = 'order L-1: open →"
	    " collection 2026-11-20'", NULL), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE '%Laskunen%' OR summary LIKE '%Liisa%'", NULL), 0);
	/* paid: only the accounting retention holds, to the end of a year */
	http_session(&r, "GET", page, hand, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<td>Maksettu</td>"));
	assert_true(http_body_has(&r, "tiedot anonymisoidaan"));
	assert_true(http_body_has(&r, "Kirjanpitolain säilytysaika"));
	assert_true(http_body_has(&r, "31.12.20"));
	assert_false(http_body_has(&r, "action=\"/intranet/customer/invoice\""));
	http_resp_free(&r);
}

/* A transition the lifecycle does not allow, a future date, a missing order: a message, nothing changed. */
static void
bad_changes_refused(void **st)
{
	struct http_resp r;
	char tomorrow[11];
	long long hist = http_db_int("SELECT count(*) FROM customer_history",
	    NULL);

	(void)st;
	http_date(tomorrow, 2);	/* after today in Helsinki too */
	http_db_exec("INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) SELECT id, 'L-2', '2026-11-02',"
	    " 500, 'open', '2026-11-02' FROM customers WHERE number = 'H000001'");
	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", cid, "order", "L-1", "status", "credited", "date",
	    "2026-11-25", NULL));	/* L-1 is paid: final */
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Laskun tilaa ei muutettu."));
	assert_true(http_body_has(&r, "Tätä muutosta ei sallita."));
	http_resp_free(&r);
	post(&r, hand, "/intranet/customer/invoice?lang=en", http_form("csrf",
	    hand_csrf, "id", cid, "order", "L-2", "status", "written_off",
	    "date", "2026-11-25", NULL));	/* open → written_off */
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "This change is not allowed."));
	http_resp_free(&r);
	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", cid, "order", "L-2", "status", "paid", "date", tomorrow,
	    NULL));
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Päivä ei voi olla tulevaisuudessa."));
	http_resp_free(&r);
	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", cid, "order", "L-404", "status", "paid", "date", "2026-11-25",
	    NULL));
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Asiakkaalla ei ole tilausta"));
	http_resp_free(&r);
	post(&r, hand, "/intranet/customer/invoice", http_form("csrf", hand_csrf,
	    "id", "999999", "order", "L-2", "status", "paid", "date",
	    "2026-11-25", NULL));
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM orders WHERE number"
	    " = 'L-2' AND status = 'open'", NULL), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM customer_history",
	    NULL), hist);
}

/* An admin sets a legal hold with a reason and lifts it; a handler cannot. */
static void
legal_holds(void **st)
{
	struct http_resp r;
	long long hid;
	char hold[24];

	(void)st;
	post(&r, hand, "/intranet/customer/hold", http_form("csrf", hand_csrf,
	    "id", cid, "reason", "Riita", NULL));
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	post(&r, admin, "/intranet/customer/hold", http_form("csrf", admin_csrf,
	    "id", cid, "reason", "", NULL));
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "Kirjoita syy yhdelle riville"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM legal_holds", NULL), 0);
	post(&r, admin, "/intranet/customer/hold", http_form("csrf", admin_csrf,
	    "id", cid, "reason", "Riita laskusta L-1, käräjäoikeus", NULL));
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	hid = http_db_int("SELECT id FROM legal_holds WHERE lifted_at IS NULL",
	    NULL);
	assert_true(hid > 0);
	snprintf(hold, sizeof(hold), "%lld", hid);
	/* the log names the hold, never its reason */
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " action = 'customer.hold' AND summary = 'legal hold ' || ?1", hold),
	    1);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE"
	    " summary LIKE '%käräjä%'", NULL), 0);
	http_session(&r, "GET", page, admin, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Riita laskusta L-1, käräjäoikeus"));
	assert_true(http_body_has(&r, "<td>Oikeudellinen pito</td>"));
	assert_true(http_body_has(&r, "<strong>Voimassa</strong>"));
	assert_true(http_body_has(&r, "poisto evätään"));
	assert_true(http_body_has(&r, "action=\"/intranet/customer/hold/lift\""));
	http_resp_free(&r);
	/* a handler sees the hold, not the lift form */
	http_session(&r, "GET", page, hand, NULL);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Riita laskusta L-1"));
	assert_false(http_body_has(&r, "action=\"/intranet/customer/hold/lift\""));
	http_resp_free(&r);
	post(&r, admin, "/intranet/customer/hold/lift", http_form("csrf",
	    admin_csrf, "id", cid, "hold", hold, "reason", "", NULL));
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	post(&r, admin, "/intranet/customer/hold/lift", http_form("csrf",
	    admin_csrf, "id", cid, "hold", "999999", "reason", "Sovittu", NULL));
	assert_int_equal(r.status, 400);
	assert_true(http_body_has(&r, "ei ole voimassa olevaa pitoa"));
	http_resp_free(&r);
	post(&r, admin, "/intranet/customer/hold/lift", http_form("csrf",
	    admin_csrf, "id", cid, "hold", hold, "reason", "Sovittu 1.12.", NULL));
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM legal_holds WHERE"
	    " lifted_at IS NOT NULL AND lift_reason = 'Sovittu 1.12.'", NULL), 1);
	post(&r, admin, "/intranet/customer/hold/lift", http_form("csrf",
	    admin_csrf, "id", cid, "hold", hold, "reason", "Taas", NULL));
	assert_int_equal(r.status, 400);	/* lifted once */
	http_resp_free(&r);
	http_session(&r, "GET", page, admin, NULL);
	http_assert_page(&r, "fi");
	assert_false(http_body_has(&r, "<td>Oikeudellinen pito</td>"));
	assert_true(http_body_has(&r, "Sovittu 1.12."));
	http_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invoice_lifecycle),
		cmocka_unit_test(bad_changes_refused),
		cmocka_unit_test(legal_holds),
	};

	return http_group_main("holds", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
