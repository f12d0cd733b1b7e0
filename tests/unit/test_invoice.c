/*
 * test_invoice.c — an order's invoice state (invoice.h): every transition
 * allowed or refused, the dates (not after today, not before the current
 * state began, a leap day), the history row, a refusal that changes
 * nothing, and the CHECK of orders.status (sql/017_invoices.sql).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "invoice.h"

static char err[1024];

static void
exec(sqlite3 *db, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg ? msg : "?");
}

/* The text of the first column of q's first row, into a static buffer. */
static const char *
one(sqlite3 *db, const char *q)
{
	static char out[256];
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static int
setup(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	fmt_init();
	if (db == NULL || db_migrate(db, "sql", NULL, err, sizeof(err)) < 0)
		return -1;
	exec(db, "INSERT INTO users (id, username, display_name, role,"
	    " password_hash) VALUES (1, 'kasittelija', 'K', 'handler', 'x')");
	exec(db, "INSERT INTO customers (id, number, last_name) VALUES"
	    " (1, 'A000001', 'Virtanen')");
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

static void
transitions(void **state)
{
	/* rows: from; columns: to (open, paid, collection, credited, written_off) */
	static const int want[INV__MAX][INV__MAX] = {
		[INV_OPEN] =		{ 0, 1, 1, 1, 0 },
		[INV_PAID] =		{ 0, 0, 0, 0, 0 },
		[INV_COLLECTION] =	{ 0, 1, 0, 0, 1 },
		[INV_CREDITED] =	{ 0, 0, 0, 0, 0 },
		[INV_WRITTEN_OFF] =	{ 0, 0, 0, 0, 0 },
	};

	(void)state;
	for (int f = 0; f < INV__MAX; f++) {
		for (int t = 0; t < INV__MAX; t++)
			if (inv_transition_ok(f, t) != want[f][t])
				fail_msg("%s → %s", inv_state_names[f],
				    inv_state_names[t]);
		assert_int_equal(inv_state_open(f), f == INV_OPEN ||
		    f == INV_COLLECTION);
		/* the form's names are the same states */
		assert_string_equal(corder_status_names[f], inv_state_names[f]);
		assert_int_equal(inv_state_parse(inv_state_names[f]), f);
	}
	assert_null(corder_status_names[INV__MAX]);
	assert_int_equal(inv_state_parse("Paid"), -1);
	assert_int_equal(inv_state_parse(NULL), -1);
	assert_int_equal(inv_transition_ok(INV__MAX, INV_PAID), 0);
	assert_string_equal(inv_refusal_key(INVR_TRANSITION), "inv.transition");
}

static void
change(void **state)
{
	sqlite3 *db = *state;
	struct inv_change done;

	exec(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) VALUES"
	    " (1, '5001', '2028-02-20', 10000, 'open', '2028-02-20')");
	/* refusals change nothing */
	assert_int_equal(invoice_change(db, 1, "5001", "bogus", "2028-02-29",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_STATE);
	assert_int_equal(invoice_change(db, 1, "9999", "paid", "2028-02-29",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_NO_ORDER);
	assert_int_equal(invoice_change(db, 2, "5001", "paid", "2028-02-29",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_NO_ORDER);	/* not theirs */
	assert_int_equal(invoice_change(db, 1, "5001", "written_off",
	    "2028-02-29", "2028-03-01", 1, CS_STAFF, &done), INVR_TRANSITION);
	assert_int_equal(invoice_change(db, 1, "5001", "paid", "2027-02-29",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_DATE);
	assert_int_equal(invoice_change(db, 1, "5001", "paid", "2028-03-02",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_DATE_FUTURE);
	assert_int_equal(invoice_change(db, 1, "5001", "paid", "2028-02-19",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_DATE_EARLY);
	assert_string_equal(one(db, "SELECT status || ' ' || status_on FROM"
	    " orders"), "open 2028-02-20");
	assert_string_equal(one(db, "SELECT count(*) FROM customer_history"),
	    "0");
	/* open → collection on the leap day, then → written_off today */
	assert_int_equal(invoice_change(db, 1, "5001", "collection",
	    "2028-02-29", "2028-03-01", 1, CS_STAFF, &done), 0);
	assert_int_equal(done.from, INV_OPEN);
	assert_int_equal(done.to, INV_COLLECTION);
	assert_string_equal(done.on, "2028-02-29");
	assert_int_equal(invoice_change(db, 1, "5001", "credited",
	    "2028-03-01", "2028-03-01", 1, CS_STAFF, &done), INVR_TRANSITION);
	assert_int_equal(invoice_change(db, 1, "5001", "written_off",
	    "2028-02-28", "2028-03-01", 1, CS_STAFF, &done), INVR_DATE_EARLY);
	assert_int_equal(invoice_change(db, 1, "5001", "written_off",
	    "2028-03-01", "2028-03-01", 1, CS_IMPORT, &done), 0);
	assert_string_equal(one(db, "SELECT status || ' ' || status_on FROM"
	    " orders"), "written_off 2028-03-01");
	/* final */
	assert_int_equal(invoice_change(db, 1, "5001", "paid", "2028-03-01",
	    "2028-03-01", 1, CS_STAFF, &done), INVR_TRANSITION);
	assert_string_equal(one(db, "SELECT group_concat(field || '|' ||"
	    " old_value || '|' || new_value || '|' || source, ';') FROM"
	    " (SELECT * FROM customer_history ORDER BY id)"),
	    "order.5001.status|open 2028-02-20|collection 2028-02-29|staff;"
	    "order.5001.status|collection 2028-02-29|written_off 2028-03-01|import");
}

/* An order stored without status_on (older code, the demo) has its state since the order date. */
static void
status_on_default(void **state)
{
	sqlite3 *db = *state;

	exec(db, "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status) VALUES (1, '5002', '2026-11-01', 500,"
	    " 'open')");
	assert_int_equal(invoice_change(db, 1, "5002", "paid", "2026-10-31",
	    "2026-12-02", 1, CS_STAFF, NULL), INVR_DATE_EARLY);
	assert_int_equal(invoice_change(db, 1, "5002", "paid", "2026-11-01",
	    "2026-12-02", 1, CS_STAFF, NULL), 0);
}

/* The CHECK (a chain of comparisons) takes the five states and nothing else. */
static void
status_check(void **state)
{
	sqlite3 *db = *state;

	for (int i = 0; i < INV__MAX; i++) {
		char q[256];

		snprintf(q, sizeof(q), "INSERT INTO orders (customer_id, number,"
		    " ordered_on, amount_cents, status) VALUES (1, 'C%d',"
		    " '2026-01-01', 1, '%s')", i, inv_state_names[i]);
		exec(db, q);
	}
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO orders (customer_id,"
	    " number, ordered_on, amount_cents, status) VALUES (1, 'CX',"
	    " '2026-01-01', 1, 'lost')", NULL, NULL, NULL), SQLITE_OK);
	assert_null(strstr(one(db, "SELECT sql FROM sqlite_master WHERE name ="
	    " 'orders'"), " IN ("));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transitions),
		cmocka_unit_test(change),
		cmocka_unit_test(status_on_default),
		cmocka_unit_test(status_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
