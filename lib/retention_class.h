/* retention_class.h — how long each kind of personal data is kept, with the source of each period: one table, read by the record of processing (Art. 30) and by the retention run. */
#ifndef REKISTERI_RETENTION_CLASS_H
#define REKISTERI_RETENTION_CLASS_H

#include "i18n.h"

enum retention_class {
	RC_CUSTOMER,	/* a customer's record: 10 years from the relationship's end */
	RC_ACCOUNTING,	/* orders as accounting vouchers: 6 years (Accounting Act 2:10 §) */
	RC_REQUEST,	/* a data-subject request and its case: 3 years from closing */
	RC_AUDIT,	/* the audit log: 10 years */
	RC_STAFF,	/* staff accounts: while the account exists */
	RC_SESSION,	/* sessions: until sign-out or their limit (hours) */
	RC_SIGNIN,	/* failed sign-ins: the lockout window */
	RC_RATE,	/* the request form's rate counts: an hour */
	RC_UPLOAD,	/* an uploaded import file: until applied, at most an hour */
	RC_NOTICE,	/* published notice versions: never changed nor removed */
	RC_OUTBOX,	/* a mail's address and body: until sent or given up */
	RC_HISTORY,	/* a corrected value in a record's history: with the record, or [retention] history_months */
	RC__MAX
};

enum retention_unit {
	RU_MINUTES,
	RU_MONTHS,
	RU_KEPT,	/* while the thing it belongs to exists */
	RU_FOREVER
};

struct retention_rule {
	const char		*code;		/* stable name: "customer" */
	enum retention_unit	 unit;
	int			 amount;	/* in unit; 0 for RU_KEPT, RU_FOREVER */
	const char		*from;		/* the event counted from: "customers.relationship_ended" */
	const char		*period[LANG__MAX];	/* as people read it */
	const char		*source[LANG__MAX];	/* why this long: the act, article or decision */
};

/*
 * The rule of class c in force (never NULL for c < RC__MAX): the table's,
 * or the config's override where retention_configure set one.
 */
const struct retention_rule *retention_rule(enum retention_class c);

struct conf;
/*
 * Put the config's periods in force ([retention] history_months,
 * request_years, audit_years; 0 or absent keeps the table's), so the record
 * of processing and the retention run read the same effective period, with
 * a period text that names the key. Call once after loading the config,
 * before any retention_rule(); not thread-safe.
 */
void retention_configure(const struct conf *);

#endif
