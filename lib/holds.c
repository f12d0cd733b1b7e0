/*
 * holds.c — the legal holds on a customer's data and the verdict they
 * give (erase, anonymise, refuse); the legal holds admins set and lift.
 * See holds.h and docs/retention.md ("Legal holds").
 *
 * The accounting retention. Kirjanpitolaki (Accounting Act) 1336/1997,
 * 2 luku 10 § (as amended by 1620/2015):
 *   1 mom.: the financial statements, the annual report, the books
 *   (päiväkirja, pääkirja), the list of accounts and the list of books and
 *   material are kept "vähintään 10 vuotta tilikauden päättymisestä" — at
 *   least 10 years from the end of the financial year;
 *   2 mom.: vouchers (tositteet), correspondence on business transactions
 *   and other accounting material are kept "vähintään kuusi vuotta sen
 *   vuoden lopusta, jonka aikana tilikausi on päättynyt" — at least six
 *   years from the end of the (calendar) YEAR during which the financial
 *   year ended. Note the two starting points differ: the 10 years run from
 *   the financial year's last day, the 6 years from the 31 December of the
 *   calendar year that day falls in. Example (Helsinki Chamber of
 *   Commerce): a financial year ending 30.4.2017 → vouchers kept until
 *   31.12.2023, books until 30.4.2027.
 *
 * What this register holds under 2:10. An order here is a sales invoice
 * with its number, date, amount and state; an invoice, a credit note, a
 * payment and a write-off (credit loss) are each vouchers of a business
 * transaction (2:5 §), so orders fall under 2 mom. (6 years). The books of
 * 1 mom. (journal and general ledger, financial statements) are kept in
 * the company's accounting system, not here: nothing in this register is
 * a book, so the 10-year rule of 1 mom. applies to nothing it holds. (The
 * notice's own "10 years after the relationship ended" is the register's
 * retention period, not a legal hold: the retention run applies it.)
 *
 * A customer's vouchers are kept until the last one's retention ends: the
 * newest voucher date is the later of ordered_on and status_on (the day
 * the invoice was paid, credited or written off) over all the customer's
 * orders; its financial year ends on the first financial-year end on or
 * after that date; the hold's last day is 31 December six years after the
 * calendar year of that end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customer_int.h"
#include "db.h"
#include "db_cache.h"
#include "fmt.h"
#include "holds.h"
#include "log.h"
#include "validate.h"

/* Every statement of this file. */
enum hstmt {
	H_CUSTOMER, H_OPEN, H_LAST_VOUCHER, H_FY_END, H_LEGAL, H_DAY_BEFORE,
	H_SET, H_LIFT, H_LIST, H__MAX
};
static const char *const sql[H__MAX] = {
	[H_CUSTOMER] = "SELECT contact_person, contact_to, restricted FROM"
	    " customers WHERE id = ?1",
	[H_OPEN] = "SELECT number, status FROM orders WHERE customer_id = ?1"
	    " AND (status = 'open' OR status = 'collection')"
	    " ORDER BY ordered_on, id",
	[H_LAST_VOUCHER] = "SELECT number, max(ordered_on, status_on) AS d"
	    " FROM orders WHERE customer_id = ?1 ORDER BY d DESC, id DESC"
	    " LIMIT 1",
	/*
	 * ?1 a date, ?2 the month and ?3 the day of the financial year's end,
	 * ?4 1 when that day is its month's last (then in every year the
	 * month's last day: 28 or 29 February): the financial year's end on
	 * or after ?1, and 31 December six years after its calendar year.
	 * SQLite's date functions do the calendar.
	 */
	[H_FY_END] = "WITH y(e0) AS (SELECT CASE WHEN ?4 THEN"
	    " date(printf('%s-%02d-01', substr(?1, 1, 4), ?2), '+1 month',"
	    " '-1 day') ELSE printf('%s-%02d-%02d', substr(?1, 1, 4), ?2, ?3)"
	    " END), e(fy) AS (SELECT CASE WHEN ?1 <= e0 THEN e0 WHEN ?4 THEN"
	    " date(e0, 'start of month', '+13 months', '-1 day') ELSE"
	    " date(e0, '+1 year') END FROM y)"
	    " SELECT fy, printf('%04d-12-31', CAST(substr(fy, 1, 4) AS INTEGER)"
	    " + 6) FROM e",
	[H_LEGAL] = "SELECT id FROM legal_holds WHERE customer_id = ?1 AND"
	    " lifted_at IS NULL ORDER BY id",
	[H_DAY_BEFORE] = "SELECT date(?1, '-1 day')",
	[H_SET] = "INSERT INTO legal_holds (customer_id, reason, set_by,"
	    " set_at) SELECT id, ?2, ?3, ?4 FROM customers WHERE id = ?1",
	[H_LIFT] = "UPDATE legal_holds SET lifted_at = ?3, lifted_by = ?4,"
	    " lift_reason = ?5 WHERE id = ?2 AND customer_id = ?1 AND"
	    " lifted_at IS NULL",
	[H_LIST] = "SELECT h.id, h.reason, coalesce(s.username, ''), h.set_at,"
	    " coalesce(h.lifted_at, ''), coalesce(l.username, ''),"
	    " h.lift_reason FROM legal_holds h LEFT JOIN users s ON"
	    " s.id = h.set_by LEFT JOIN users l ON l.id = h.lifted_by"
	    " WHERE h.customer_id = ?1 ORDER BY h.id DESC LIMIT 200",
};

static const char *const reason_names[HOLD__MAX] = {
	[HOLD_OPEN_INVOICE] = "open_invoice",
	[HOLD_COLLECTION] = "collection",
	[HOLD_ACCOUNTING] = "accounting",
	[HOLD_CONTACT_PERSON] = "contact_person",
	[HOLD_LEGAL] = "legal",
	[HOLD_RESTRICTION] = "restriction",
};

/* Worded for the person: the refusal certificate's reasons (GDPR Art. 12(4), 17(3)). */
static const char *const reason_text[HOLD__MAX][LANG__MAX] = {
	[HOLD_OPEN_INVOICE] = {
		"Teillä on avoin lasku. Tietoja tarvitaan laskun perimiseen,"
		" kunnes se on maksettu tai hyvitetty (EU:n yleinen"
		" tietosuoja-asetus 17 artiklan 3 kohdan e alakohta:"
		" oikeusvaateen laatiminen, esittäminen tai puolustaminen).",
		"You have an open invoice. The data are needed to collect it"
		" until it is paid or credited (GDPR Article 17(3)(e): the"
		" establishment, exercise or defence of legal claims).",
	},
	[HOLD_COLLECTION] = {
		"Laskunne on perinnässä. Tietoja tarvitaan saatavan perimiseen"
		" (EU:n yleinen tietosuoja-asetus 17 artiklan 3 kohdan e"
		" alakohta).",
		"An invoice of yours is in collection. The data are needed to"
		" collect the claim (GDPR Article 17(3)(e)).",
	},
	[HOLD_ACCOUNTING] = {
		"Kirjanpitolaki (1336/1997, 2 luvun 10 §) velvoittaa"
		" säilyttämään tilaukset ja laskut kirjanpidon tositteina kuusi"
		" vuotta sen vuoden lopusta, jonka aikana tilikausi päättyi."
		" Siihen asti säilytämme tilaukset ja summat ilman tietoja,"
		" joista teidät voi tunnistaa (EU:n yleinen tietosuoja-asetus"
		" 17 artiklan 3 kohdan b alakohta).",
		"The Finnish Accounting Act (1336/1997, chapter 2, section 10)"
		" requires orders and invoices to be kept as accounting vouchers"
		" for six years from the end of the year in which the financial"
		" year ended. Until then we keep the orders and amounts without"
		" the data that identify you (GDPR Article 17(3)(b)).",
	},
	[HOLD_CONTACT_PERSON] = {
		"Olette organisaation yhteyshenkilö. Tietoja tarvitaan"
		" asiakassuhteen hoitamiseen organisaation kanssa niin kauan"
		" kuin tehtävä jatkuu.",
		"You are an organisation's contact person. The data are needed"
		" to serve the customer relationship with the organisation for"
		" as long as the role continues.",
	},
	[HOLD_LEGAL] = {
		"Tietoihin liittyy vireillä oleva oikeudellinen asia, kuten"
		" riita tai viranomaisen selvitys. Tietoja tarvitaan sen"
		" hoitamiseen (EU:n yleinen tietosuoja-asetus 17 artiklan 3"
		" kohdan b ja e alakohta).",
		"A legal matter concerning the data is pending, such as a"
		" dispute or an authority's inquiry. The data are needed to"
		" deal with it (GDPR Article 17(3)(b) and (e)).",
	},
	[HOLD_RESTRICTION] = {
		"Tietojen käsittelyä on rajoitettu, ja rajoittamisen syyn"
		" selvitys on kesken (EU:n yleinen tietosuoja-asetus 18"
		" artikla). Tietoja säilytetään, kunnes selvitys on valmis.",
		"The processing of the data is restricted while a check is"
		" pending (GDPR Article 18). The data are kept until the check"
		" is done.",
	},
};

const char *
hold_text(enum hold_reason r, enum lang l)
{
	if ((int)r < 0 || r >= HOLD__MAX || (int)l < 0 || l >= LANG__MAX)
		return "";
	return reason_text[r][l];
}

const char *
hold_name(enum hold_reason r)
{
	if ((int)r < 0 || r >= HOLD__MAX)
		return "";
	return reason_names[r];
}

const char *
verdict_name(enum erase_verdict v)
{
	switch (v) {
	case VERDICT_ERASE:
		return "erase";
	case VERDICT_ANONYMISE:
		return "anonymise";
	case VERDICT_REFUSE:
		return "refuse";
	}
	return "";
}

/* Copy column i of st (text) into dst of len bytes; 0, or -1 when it does not fit. */
static int
col_copy(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const char *s = customer_col(st, i);

	if (strlen(s) >= len)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Whether s is a real date YYYY-MM-DD. */
static int
date_ok(const char *s)
{
	struct tm tm;

	return s != NULL && strlen(s) == 10 && fmt_parse_date(s, &tm) == 0;
}

int
holds_voucher_until(sqlite3 *db, const char *date,
    const struct holds_conf *conf, char until[11])
{
	static const struct holds_conf calendar = { 12, 31 };
	sqlite3_stmt *st;
	int rc = -1;

	until[0] = '\0';
	if (conf == NULL)
		conf = &calendar;
	if (!date_ok(date) || !holds_conf_ok(conf))
		return -1;
	if ((st = db_cached(db, sql, H_FY_END)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, conf->fy_end_month);
	sqlite3_bind_int(st, 3, conf->fy_end_day);
	sqlite3_bind_int(st, 4, conf->fy_end_day ==
	    holds_month_days(conf->fy_end_month));
	if (sqlite3_step(st) == SQLITE_ROW && date_ok(customer_col(st, 0)) &&
	    col_copy(st, 1, until, 11) == 0 && date_ok(until))
		rc = 0;
	db_release(st);
	if (rc != 0)
		until[0] = '\0';
	return rc;
}

/* Add a hold to out (or count it as omitted). */
static void
add(struct holds *out, enum hold_reason r, const char *until, const char *ref)
{
	struct hold *h;

	if (out->n == HOLDS_MAX) {
		out->omitted++;
		return;
	}
	h = &out->h[out->n++];
	h->reason = r;
	snprintf(h->until, sizeof(h->until), "%s", until ? until : "");
	snprintf(h->ref, sizeof(h->ref), "%s", ref ? ref : "");
}

/* The invoice holds: one per open or in-collection order, in order date order. 0 or -1. */
static int
invoice_holds(sqlite3 *db, long long id, struct holds *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_cached(db, sql, H_OPEN)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	/* open invoices first, then those in collection: the enum's order */
	for (int pass = 0; pass < 2; pass++) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int coll = strcmp(customer_col(st, 1), "collection") == 0;

			if (coll == pass)
				add(out, coll ? HOLD_COLLECTION :
				    HOLD_OPEN_INVOICE, "", customer_col(st, 0));
		}
		if (rc != SQLITE_DONE)
			break;
		sqlite3_reset(st);
	}
	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The accounting hold, when the newest voucher's retention runs on today. 0 or -1. */
static int
accounting_hold(sqlite3 *db, long long id, const char *today,
    const struct holds_conf *conf, struct holds *out)
{
	sqlite3_stmt *st;
	char number[64], date[11], until[11];
	int rc;

	if ((st = db_cached(db, sql, H_LAST_VOUCHER)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {	/* no orders, no vouchers */
		db_release(st);
		return 0;
	}
	if (rc != SQLITE_ROW || col_copy(st, 0, number, sizeof(number)) != 0 ||
	    col_copy(st, 1, date, sizeof(date)) != 0) {
		db_release(st);
		return -1;
	}
	db_release(st);
	if (holds_voucher_until(db, date, conf, until) != 0)
		return -1;
	if (strcmp(today, until) <= 0)	/* until is the last day kept */
		add(out, HOLD_ACCOUNTING, until, number);
	return 0;
}

/* The legal holds not lifted, each with its id as ref. 0 or -1. */
static int
legal_holds(sqlite3 *db, long long id, struct holds *out)
{
	sqlite3_stmt *st;
	char ref[32];
	int rc;

	if ((st = db_cached(db, sql, H_LEGAL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(ref, sizeof(ref), "%lld", (long long)
		    sqlite3_column_int64(st, 0));
		add(out, HOLD_LEGAL, "", ref);
	}
	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The day before date into dst (SQLite's date arithmetic). 0 or -1. */
static int
day_before(sqlite3 *db, const char *date, char dst[11])
{
	sqlite3_stmt *st;
	int rc = -1;

	if ((st = db_cached(db, sql, H_DAY_BEFORE)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && col_copy(st, 0, dst, 11) == 0)
		rc = 0;
	db_release(st);
	return rc;
}

int
holds_compute(sqlite3 *db, long long id, const char *today,
    const struct holds_conf *conf, struct holds *out)
{
	static const struct holds_conf calendar = { 12, 31 };
	sqlite3_stmt *st = NULL;
	char contact_to[11], until[11];
	int contact = 0, restricted = 0, refuse, rc = -1;

	memset(out, 0, sizeof(*out));
	if (conf == NULL)
		conf = &calendar;
	if (!date_ok(today) || !holds_conf_ok(conf))
		return -1;
	if ((st = db_cached(db, sql, H_CUSTOMER)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		contact = sqlite3_column_int(st, 0) == 1;
		restricted = sqlite3_column_int(st, 2) == 1;
		if (col_copy(st, 1, contact_to, sizeof(contact_to)) != 0)
			goto out;
		break;
	case SQLITE_DONE:
		rc = 1;
		goto out;
	default:
		goto out;
	}
	db_release(st);
	st = NULL;

	if (invoice_holds(db, id, out) != 0 ||
	    accounting_hold(db, id, today, conf, out) != 0)
		goto out;
	/*
	 * An organisation's contact person while the role lasts: no end date,
	 * or an end date after today (on contact_to the role has ended).
	 */
	if (contact && (contact_to[0] == '\0' || !date_ok(contact_to)))
		add(out, HOLD_CONTACT_PERSON, "", "");	/* no (readable) end: holds */
	else if (contact && strcmp(contact_to, today) > 0) {
		if (day_before(db, contact_to, until) != 0)
			goto out;
		add(out, HOLD_CONTACT_PERSON, until, "");
	}
	if (legal_holds(db, id, out) != 0)
		goto out;
	if (restricted)
		add(out, HOLD_RESTRICTION, "", "");

	refuse = out->omitted > 0;
	for (size_t i = 0; i < out->n; i++)
		if (out->h[i].reason != HOLD_ACCOUNTING)
			refuse = 1;
	out->verdict = refuse ? VERDICT_REFUSE : out->n > 0 ?
	    VERDICT_ANONYMISE : VERDICT_ERASE;
	rc = 0;
out:
	db_release(st);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	if (rc < 0)
		LOG_ERR("customer %lld: %s", id, sqlite3_errmsg(db));
	return rc;
}

/* A legal hold's reason: one line, 1..300 characters, into clean. 0 or 1. */
static int
reason_ok(const char *reason, char *clean, size_t len)
{
	return reason != NULL && val_text(reason, 300, clean, len) == NULL &&
	    clean[0] != '\0' ? 0 : 1;
}

int
legal_hold_set(sqlite3 *db, long long customer_id, const char *reason,
    long long user_id, const char *now_utc, long long *hold_id)
{
	sqlite3_stmt *st;
	char clean[1024], field[48];
	long long hid;
	int rc;

	if (reason_ok(reason, clean, sizeof(clean)) != 0)
		return 1;
	if ((st = db_prep(db, sql, H_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_text(st, 2, clean, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, now_utc, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_changes(db) != 1)
		return -1;
	hid = sqlite3_last_insert_rowid(db);
	if (hold_id != NULL)
		*hold_id = hid;
	snprintf(field, sizeof(field), "legal_hold.%lld", hid);
	return customer_history_row(db, customer_id, field, "", clean, user_id,
	    CS_STAFF);
}

int
legal_hold_lift(sqlite3 *db, long long customer_id, long long hold_id,
    const char *reason, long long user_id, const char *now_utc)
{
	sqlite3_stmt *st;
	char clean[1024], field[48];
	int rc;

	if (reason_ok(reason, clean, sizeof(clean)) != 0)
		return 1;
	if ((st = db_prep(db, sql, H_LIFT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, hold_id);
	sqlite3_bind_text(st, 3, now_utc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, user_id);
	sqlite3_bind_text(st, 5, clean, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db) != 1)
		return 2;
	snprintf(field, sizeof(field), "legal_hold.%lld", hold_id);
	return customer_history_row(db, customer_id, field, "on", clean,
	    user_id, CS_STAFF);
}

int
legal_holds_list(sqlite3 *db, long long customer_id,
    int (*fn)(void *arg, const struct legal_hold *), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_cached(db, sql, H_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, customer_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct legal_hold h = { sqlite3_column_int64(st, 0),
		    customer_col(st, 1), customer_col(st, 2),
		    customer_col(st, 3), customer_col(st, 4),
		    customer_col(st, 5), customer_col(st, 6) };

		stop = fn(arg, &h);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
