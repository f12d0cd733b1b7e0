/* invoice.c — an order's invoice state and its transitions; see invoice.h and docs/retention.md ("Invoices"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "customer_int.h"
#include "db.h"
#include "fmt.h"
#include "invoice.h"
#include "log.h"

enum istmt { I_GET, I_SET, I_ADD, I__MAX };
static const char *const sql[I__MAX] = {
	[I_GET] = "SELECT status, CASE WHEN status_on = '' THEN ordered_on"
	    " ELSE status_on END FROM orders WHERE customer_id = ?1 AND"
	    " number = ?2",
	/* compare and set: the state read is still the state written over */
	[I_SET] = "UPDATE orders SET status = ?3, status_on = ?4 WHERE"
	    " customer_id = ?1 AND number = ?2 AND status = ?5",
	[I_ADD] = "INSERT INTO orders (customer_id, number, ordered_on,"
	    " amount_cents, status, status_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

const char *const inv_state_names[INV__MAX] = {
	[INV_OPEN] = "open",
	[INV_PAID] = "paid",
	[INV_COLLECTION] = "collection",
	[INV_CREDITED] = "credited",
	[INV_WRITTEN_OFF] = "written_off",
};

/* allowed[from] has bit (1 << to) for each state from may move to */
static const unsigned allowed[INV__MAX] = {
	[INV_OPEN] = 1u << INV_PAID | 1u << INV_CREDITED | 1u << INV_COLLECTION,
	[INV_COLLECTION] = 1u << INV_PAID | 1u << INV_WRITTEN_OFF,
};

static const char *const refusal_keys[INVR__MAX] = {
	[INVR_NONE] = "",
	[INVR_NO_ORDER] = "inv.no_order",
	[INVR_STATE] = "inv.state",
	[INVR_TRANSITION] = "inv.transition",
	[INVR_DATE] = "inv.date",
	[INVR_DATE_FUTURE] = "inv.date_future",
	[INVR_DATE_EARLY] = "inv.date_early",
};

int
inv_state_parse(const char *s)
{
	for (int i = 0; s != NULL && i < INV__MAX; i++)
		if (strcmp(s, inv_state_names[i]) == 0)
			return i;
	return -1;
}

int
inv_transition_ok(enum inv_state from, enum inv_state to)
{
	if ((int)from < 0 || from >= INV__MAX || (int)to < 0 || to >= INV__MAX)
		return 0;
	return (int)((allowed[from] >> to) & 1u);
}

int
inv_state_open(enum inv_state s)
{
	return (int)s >= 0 && s < INV__MAX && allowed[s] != 0;
}

const char *
inv_refusal_key(enum inv_refusal r)
{
	return (int)r >= 0 && r < INVR__MAX ? refusal_keys[r] : "";
}

/* Whether s is a real date YYYY-MM-DD. */
static int
date_ok(const char *s)
{
	struct tm tm;

	return s != NULL && strlen(s) == 10 && fmt_parse_date(s, &tm) == 0;
}

int
invoice_change(sqlite3 *db, long long customer_id, const char *number,
    const char *to, const char *on, const char *today, long long user_id,
    enum csource source, struct inv_change *done)
{
	sqlite3_stmt *st = NULL;
	char since[11], field[64], oldv[48], newv[48];
	int from = -1, next, rc = -1;

	if ((next = inv_state_parse(to)) < 0)
		return INVR_STATE;
	if (number == NULL || *number == '\0' || strlen(number) > 40)
		return INVR_NO_ORDER;
	if (!date_ok(on))
		return INVR_DATE;
	if (!date_ok(today))
		return -1;
	if ((st = db_prep(db, sql, I_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		from = inv_state_parse(customer_col(st, 0));
		snprintf(since, sizeof(since), "%s", customer_col(st, 1));
		break;
	case SQLITE_DONE:
		rc = INVR_NO_ORDER;
		goto out;
	default:
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (from < 0)
		goto out;
	if (!inv_transition_ok(from, next)) {
		rc = INVR_TRANSITION;
		goto out;
	}
	if (strcmp(on, today) > 0) {
		rc = INVR_DATE_FUTURE;
		goto out;
	}
	if (strcmp(on, since) < 0) {
		rc = INVR_DATE_EARLY;
		goto out;
	}
	if ((st = db_prep(db, sql, I_SET)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, inv_state_names[next], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, inv_state_names[from], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(db) != 1)
		goto out;
	snprintf(field, sizeof(field), "order.%s.status", number);
	snprintf(oldv, sizeof(oldv), "%s %s", inv_state_names[from], since);
	snprintf(newv, sizeof(newv), "%s %s", inv_state_names[next], on);
	if (customer_history_row(db, customer_id, field, oldv, newv, user_id,
	    source) != 0)
		goto out;
	if (done != NULL) {
		done->from = from;
		done->to = next;
		snprintf(done->on, sizeof(done->on), "%s", on);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc < 0)
		LOG_ERR("customer %lld: %s", customer_id, sqlite3_errmsg(db));
	return rc;
}

const char *
invoice_import_check(const char *date, const char *status,
    const char *status_on)
{
	int st = inv_state_parse(status);

	if (st < 0)
		return "inv.state";
	if (!date_ok(date))
		return "inv.date";
	if (status_on == NULL || status_on[0] == '\0')
		return NULL;
	if (!date_ok(status_on))
		return "inv.date";
	if (strcmp(status_on, date) < 0 || (st == INV_OPEN &&
	    strcmp(status_on, date) != 0))
		return "inv.date_early";
	return NULL;
}

int
invoice_import(sqlite3 *db, long long customer_id, const char *number,
    const char *date, long long cents, const char *status,
    const char *status_on, long long user_id, enum csource source)
{
	sqlite3_stmt *st;
	char field[64], newv[48];
	int rc;

	if (invoice_import_check(date, status, status_on) != NULL ||
	    number == NULL || *number == '\0' || strlen(number) > 40)
		return 1;
	if (status_on == NULL || status_on[0] == '\0')
		status_on = date;
	if ((st = db_prep(db, sql, I_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, cents);
	sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, status_on, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	snprintf(field, sizeof(field), "order.%s.status", number);
	snprintf(newv, sizeof(newv), "%s %s", status, status_on);
	return customer_history_row(db, customer_id, field, "", newv, user_id,
	    source);
}
