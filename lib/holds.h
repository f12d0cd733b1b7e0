/* holds.h — can a customer's data be erased now, and if not, why: every legal hold that applies. */
#ifndef REKISTERI_HOLDS_H
#define REKISTERI_HOLDS_H

#include <stddef.h>

#include <sqlite3.h>

#include "i18n.h"

enum hold_reason {
	HOLD_OPEN_INVOICE,	/* an open invoice: the claim is still owed */
	HOLD_COLLECTION,	/* an invoice in collection */
	HOLD_ACCOUNTING,	/* Accounting Act 1336/1997 2:10 § (vouchers) */
	HOLD_CONTACT_PERSON,	/* an organisation's active contact person */
	HOLD_LEGAL,		/* a legal hold an admin set, not lifted */
	HOLD_RESTRICTION,	/* a pending restriction check (GDPR Art. 18) */
	HOLD__MAX
};

enum erase_verdict {
	VERDICT_ERASE,		/* nothing holds: erase everything */
	VERDICT_ANONYMISE,	/* only accounting holds: keep orders, drop the person */
	VERDICT_REFUSE		/* something else holds: change nothing, tell why */
};

#define HOLDS_MAX 32

/*
 * One hold. until is the LAST day on which the hold still applies
 * (inclusive; the day after, it no longer does), "" when it is open-ended
 * (an open invoice, collection, a legal hold until lifted, a restriction,
 * a contact person without an end date).
 */
struct hold {
	enum hold_reason reason;
	char		 until[11];	/* YYYY-MM-DD, "" when open-ended */
	char		 ref[64];	/* order number, legal hold's id, ... (no personal data) */
};

/*
 * The answer: the verdict and every hold that applies, in the order of
 * enum hold_reason (an invoice hold per order). When more than HOLDS_MAX
 * apply, the first HOLDS_MAX are in h and omitted counts the rest.
 */
struct holds {
	enum erase_verdict verdict;
	size_t		 n;
	struct hold	 h[HOLDS_MAX];
	size_t		 omitted;	/* holds left out for want of room */
};

/* The financial year's last day (config [accounting] financial_year_end). */
struct holds_conf {
	int	 fy_end_month, fy_end_day;	/* financial year end, default 12-31 */
};

/*
 * Every hold on customer customer_id on the day today (YYYY-MM-DD, Helsinki;
 * tests pass a fixed day) and the verdict:
 *  - REFUSE, with every hold that applies, when any of these does: an open
 *    or in-collection invoice; an active organisation contact person
 *    (contact_person = 1 and contact_to "" or after today: on contact_to
 *    itself the role has ended, so until is the day before contact_to);
 *    a legal hold not lifted; a pending restriction check (restricted = 1);
 *  - else ANONYMISE when the Accounting Act's voucher retention still runs
 *    on today (until: its last day, see holds.c);
 *  - else ERASE.
 * conf NULL means the calendar year (12-31). Returns 0, 1 when there is no
 * such customer, -1 on error or a bad today or conf (out is then zeroed).
 */
int	 holds_compute(sqlite3 *, long long customer_id, const char *today,
	    const struct holds_conf *, struct holds *out);

/* The hold worded for the person (fi/en), for the refusal certificate: one sentence. */
const char *hold_text(enum hold_reason, enum lang);

/* The hold's machine name: "open_invoice", "collection", "accounting", "contact_person", "legal", "restriction". */
const char *hold_name(enum hold_reason);

/* The verdict's machine name: "erase", "anonymise", "refuse". */
const char *verdict_name(enum erase_verdict);

/*
 * "MM-DD" (a day every year has: 02-29 is refused, 02-28 means the last
 * day of February, 29 in a leap year) into c. 0, or -1 with c unchanged.
 */
int	 holds_conf_parse(const char *mmdd, struct holds_conf *c);

/* Whether c names a day every year has (02-29 does not); in holds_conf.c like the parser. */
int	 holds_conf_ok(const struct holds_conf *c);

/* Days in month m (1..12) of a common year (the month's last day as a financial-year end names it); 0 for a bad m. */
int	 holds_month_days(int m);

/*
 * The last day (YYYY-MM-DD into until) on which the Accounting Act 2:10 §
 * 2 mom. still requires a voucher dated voucher_date to be kept: six years
 * from the end of the calendar year in which the financial year of the
 * voucher ended. 0, or -1 for a bad date or conf. Exposed for the tests and
 * the retention run.
 */
int	 holds_voucher_until(sqlite3 *, const char *voucher_date,
	    const struct holds_conf *, char until[11]);

/*
 * Legal holds an admin sets and lifts (table legal_holds). reason: one
 * line, 1..300 characters (validated here; 1 for a bad reason, nothing
 * stored). Each writes a customer_history row (field "legal_hold", source
 * staff); the caller writes the audit row and owns the transaction.
 * legal_hold_set: 0, 1 bad reason, -1 (also for no such customer); *hold_id
 * gets the new hold's id when not NULL. legal_hold_lift: 0, 1 bad reason,
 * 2 no such hold on that customer or already lifted, -1.
 */
int	 legal_hold_set(sqlite3 *, long long customer_id, const char *reason,
	    long long user_id, const char *now_utc, long long *hold_id);
int	 legal_hold_lift(sqlite3 *, long long customer_id, long long hold_id,
	    const char *reason, long long user_id, const char *now_utc);

/* One legal hold as the customer page lists it; the strings live until the callback returns. */
struct legal_hold {
	long long	 id;
	const char	*reason;
	const char	*set_by;	/* username */
	const char	*set_at;	/* UTC */
	const char	*lifted_at;	/* UTC, "" while it holds */
	const char	*lifted_by;	/* username, "" */
	const char	*lift_reason;
};
/* The customer's legal holds, newest first (at most 200), through fn (non-zero stops and is returned). 0 or -1. */
int	 legal_holds_list(sqlite3 *, long long customer_id,
	    int (*fn)(void *arg, const struct legal_hold *), void *arg);

#endif
