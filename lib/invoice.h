/* invoice.h — an order's invoice state after the order is made: the states, the transitions between them, each change dated and written to the record's history. */
#ifndef REKISTERI_INVOICE_H
#define REKISTERI_INVOICE_H

#include <stddef.h>

#include <sqlite3.h>

#include "customer.h"

/*
 * The states, as orders.status names them (the same strings and order as
 * corder_status_names). open → paid | credited | collection; collection →
 * paid | written_off; paid, credited and written_off are final (a
 * correction of a paid invoice is a new credit order).
 */
enum inv_state {
	INV_OPEN,
	INV_PAID,
	INV_COLLECTION,
	INV_CREDITED,
	INV_WRITTEN_OFF,
	INV__MAX
};
extern const char *const inv_state_names[INV__MAX];

/* "open" ... to its state; -1 for anything else. */
int	 inv_state_parse(const char *);

/* Whether an invoice in state from may move to state to. */
int	 inv_transition_ok(enum inv_state from, enum inv_state to);

/* Whether an invoice in state s can still change (open, collection). */
int	 inv_state_open(enum inv_state s);

/* Why a change was refused: each has a message key (inv_refusal_key). */
enum inv_refusal {
	INVR_NONE,
	INVR_NO_ORDER,		/* the record has no order of that number */
	INVR_STATE,		/* not a state */
	INVR_TRANSITION,	/* not allowed from the order's state */
	INVR_DATE,		/* not a date */
	INVR_DATE_FUTURE,	/* after today */
	INVR_DATE_EARLY,	/* before the order's current state began */
	INVR__MAX
};
/* "inv.no_order", "inv.state", "inv.transition", "inv.date", "inv.date_future", "inv.date_early"; "" for INVR_NONE. */
const char *inv_refusal_key(enum inv_refusal);

/* What a change did, for the caller's audit row and message. */
struct inv_change {
	enum inv_state	 from, to;
	char		 on[11];	/* the day the new state took effect */
};

/*
 * Move order number of customer customer_id to state to (a name) on day on
 * (YYYY-MM-DD: not after today, not before the day the current state
 * began). Writes orders.status and status_on and a customer_history row
 * (field "order.NUMBER.status", old and new "STATE YYYY-MM-DD", by
 * user_id, from source); the caller writes the audit row and owns the
 * transaction. Returns 0 (*done filled when not NULL), a positive enum
 * inv_refusal (nothing changed), or -1.
 */
int	 invoice_change(sqlite3 *, long long customer_id, const char *number,
	    const char *to, const char *on, const char *today,
	    long long user_id, enum csource source, struct inv_change *done);

/*
 * An order brought by an import with the state it has in the old system
 * (rekisteri customer import, docs/csv.md): number, date, amount in cents,
 * state (a name) and the day that state began (status_on; NULL or "" for
 * the order date; an open order's state begins on its date). Checked here:
 * a real date not before the order's, a known state. Stored with a history
 * row (field "order.NUMBER.status", "" → "STATE YYYY-MM-DD") from source.
 * Inside the caller's transaction. 0, 1 when a value is bad (nothing
 * stored), -1 (also for a number the record has already).
 */
int	 invoice_import(sqlite3 *, long long customer_id, const char *number,
	    const char *date, long long cents, const char *status,
	    const char *status_on, long long user_id, enum csource source);

/* The same checks alone, for an import's dry run: NULL, or what is wrong ("inv.state", "inv.date", "inv.date_early"). */
const char *invoice_import_check(const char *date, const char *status,
	    const char *status_on);

#endif
