/* customer_notes.c — a record's notes: bans per purpose, the restriction of processing, orders and disclosures, each with its history row. See customer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "customer.h"
#include "db.h"
#include "db_cache.h"
#include "customer_int.h"
#include "fmt.h"
#include "log.h"
#include "text.h"

/* Every statement of this file. */
enum nstmt {
	N_BAN, N_UNBAN, N_BANS, N_RESTRICT, N_ORDER_ADD, N_ORDERS,
	N_DISCLOSURE_ADD, N_DISCLOSURES, N__MAX
};
static const char *const sql[N__MAX] = {
	[N_BAN] = "INSERT OR REPLACE INTO bans (customer_id, purpose, since, via,"
	    " reference) VALUES (?1, ?2, ?3, ?4, ?5)",
	[N_UNBAN] = "DELETE FROM bans WHERE customer_id = ?1 AND purpose = ?2",
	[N_BANS] = "SELECT purpose, since, via, reference FROM bans WHERE"
	    " customer_id = ?1 ORDER BY purpose",
	[N_RESTRICT] = "UPDATE customers SET restricted = ?2, restricted_reason"
	    " = ?3 WHERE id = ?1",
	[N_ORDER_ADD] = "INSERT INTO orders (customer_id, number, ordered_on,"
	    " description, amount_cents, status, status_on) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?3)",
	[N_ORDERS] = "SELECT ordered_on, number, description, amount_cents,"
	    " status, CASE WHEN status_on = '' THEN ordered_on ELSE status_on"
	    " END FROM orders WHERE customer_id = ?1"
	    " ORDER BY ordered_on DESC, id DESC LIMIT 500",
	[N_DISCLOSURE_ADD] = "INSERT INTO disclosures (customer_id, recipient,"
	    " ground, what, disclosed_on, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[N_DISCLOSURES] = "SELECT disclosed_on, recipient, ground, what FROM"
	    " disclosures WHERE customer_id = ?1 ORDER BY disclosed_on DESC,"
	    " id DESC LIMIT 500",
};

const char *const cpurpose_names[CP__MAX] = {
	"advertising", "distance_selling", "direct_marketing", "research",
	"publication", "disclosure",
};

const char *const cvia_names[] = {
	"ticket", "phone", "letter", "staff", "email", "request", NULL,
};

int
customer_in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s != NULL && (n ? i < n : list[i] != NULL); i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Statement k with id as ?1 and text parameters ?2.. (NULL binds NULL); 0 or -1. */
static int
exec_bind(sqlite3 *db, enum nstmt k, long long id, const char *a,
    const char *b, const char *c, const char *d)
{
	const char *args[] = { a, b, c, d };
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prep(db, sql, k)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	for (int i = 0; i < 4; i++)
		if (args[i] != NULL)
			sqlite3_bind_text(st, i + 2, args[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_ban(sqlite3 *db, long long id, const char *purpose, const char *via,
    const char *reference, const char *since, long long user_id)
{
	struct buf what = BUF_INIT;
	struct tm tm;
	int rc;

	if (!customer_in_list(purpose, cpurpose_names, CP__MAX) ||
	    !customer_in_list(via, cvia_names, 0) || fmt_parse_date(since, &tm) != 0 ||
	    strlen(reference) > 100 || !text_valid(reference,
	    strlen(reference)) || strpbrk(reference, "\t\r\n") != NULL)
		return -1;
	/* a ban from a request names it, and came from the person */
	if (strcmp(via, "request") == 0 && reference[0] == '\0')
		return -1;
	if (exec_bind(db, N_BAN, id, purpose,
	    since, via, reference) != 0)
		return -1;
	{
		char field[48];

		snprintf(field, sizeof(field), "ban.%s", purpose);
		buf_addf(&what, "%s %s %s", since, via, reference);
		rc = customer_history_ref(db, id, field, "", buf_cstr(&what),
		    user_id, strcmp(via, "request") == 0 ? CS_CUSTOMER : CS_STAFF,
		    strcmp(via, "request") == 0 ? reference : "");
	}
	buf_free(&what);
	return rc;
}

int
customer_unban(sqlite3 *db, long long id, const char *purpose,
    long long user_id)
{
	if (!customer_in_list(purpose, cpurpose_names, CP__MAX))
		return -1;
	if (exec_bind(db, N_UNBAN, id, purpose, NULL, NULL, NULL) != 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	{
		char field[48];

		snprintf(field, sizeof(field), "ban.%s", purpose);
		return customer_history_row(db, id, field, "on", "off", user_id, CS_STAFF);
	}
}

int
customer_bans(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct cban *), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_cached(db, sql, N_BANS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cban b = { customer_col(st, 0), customer_col(st, 1),
		    customer_col(st, 2), customer_col(st, 3) };

		stop = fn(arg, &b);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_restrict(sqlite3 *db, long long id, int on, const char *reason,
    long long user_id)
{
	char clean[1024];

	/* lifting needs the person told first (customer_restriction) */
	if (!on)
		return -1;
	if (val_text(reason, 300, clean, sizeof(clean)) != NULL ||
	    clean[0] == '\0')
		return -1;
	if (exec_bind(db, N_RESTRICT, id, on ? "1" : "0",
	    on ? clean : "", NULL, NULL) != 0 || sqlite3_changes(db) != 1)
		return -1;
	return customer_history_row(db, id, on ? "restricted" : "restriction_lifted", "",
	    clean, user_id, CS_STAFF);
}

/* the invoice states (invoice.h's inv_state_names, in the same order) */
const char *const corder_status_names[] = {
	"open", "paid", "collection", "credited", "written_off", NULL,
};

const char *const cground_names[] = {
	"credit_decision", "collection", "invoicing", "legal_obligation", NULL,
};

const struct field order_fields[OF__MAX] = {
	[OF_NUMBER] =		{ "number", VK_TEXT, VF_REQUIRED, 40, "text", NULL, 0, 0, NULL },
	[OF_DATE] =		{ "date", VK_DATE, VF_REQUIRED, 10, "date", NULL, 0, 0, NULL },
	[OF_DESCRIPTION] =	{ "description", VK_TEXT, 0, 500, "text", NULL, 0, 0, NULL },
	[OF_AMOUNT] =		{ "amount", VK_MONEY, VF_REQUIRED, 20, "text", NULL, 0, 0, NULL },
	[OF_STATUS] =		{ "status", VK_ENUM, VF_REQUIRED, 16, "select", corder_status_names, 0, 0, NULL },
};

const struct field disclosure_fields[DF__MAX] = {
	[DF_RECIPIENT] =	{ "recipient", VK_TEXT, VF_REQUIRED, 200, "text", NULL, 0, 0, NULL },
	[DF_GROUND] =		{ "ground", VK_ENUM, VF_REQUIRED, 32, "select", cground_names, 0, 0, NULL },
	[DF_WHAT] =		{ "what", VK_TEXT, VF_REQUIRED, 500, "text", NULL, 0, 0, NULL },
	[DF_DATE] =		{ "date", VK_DATE, VF_REQUIRED, 10, "date", NULL, 0, 0, NULL },
};

/* Free the values field_read gave. */
static void
values_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

int
customer_add_order(sqlite3 *db, long long id, const struct kvlist *form,
    const char *errs[OF__MAX])
{
	char *v[OF__MAX];
	sqlite3_stmt *st;
	int bad, rc;

	if ((bad = field_read(order_fields, OF__MAX, form, v, errs)) != 0) {
		values_free(v, OF__MAX);
		return bad;
	}
	if ((st = db_prep(db, sql, N_ORDER_ADD)) == NULL) {
		values_free(v, OF__MAX);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, v[OF_NUMBER], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v[OF_DATE], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v[OF_DESCRIPTION], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, strtoll(v[OF_AMOUNT], NULL, 10));	/* validated cents */
	sqlite3_bind_text(st, 6, v[OF_STATUS], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	values_free(v, OF__MAX);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {	/* extended codes are on */
		errs[OF_NUMBER] = "val.order_taken";
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_orders(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct corder *), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_cached(db, sql, N_ORDERS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct corder o = { customer_col(st, 0), customer_col(st, 1),
		    customer_col(st, 2), sqlite3_column_int64(st, 3),
		    customer_col(st, 4), customer_col(st, 5) };

		stop = fn(arg, &o);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_add_disclosure(sqlite3 *db, long long id, const struct kvlist *form,
    long long user_id, const char *errs[DF__MAX])
{
	char *v[DF__MAX];
	sqlite3_stmt *st;
	int bad, rc;

	if ((bad = field_read(disclosure_fields, DF__MAX, form, v, errs)) != 0) {
		values_free(v, DF__MAX);
		return bad;
	}
	/* GDPR Art. 18(2): a restricted record's data is only stored */
	if ((bad = customer_is_restricted(db, id)) != 0) {
		values_free(v, DF__MAX);
		if (bad < 0)
			return -1;
		errs[DF_RECIPIENT] = "cust.err.disclosure_restricted";
		return 1;
	}
	if ((st = db_prep(db, sql, N_DISCLOSURE_ADD)) == NULL) {
		values_free(v, DF__MAX);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, v[DF_RECIPIENT], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v[DF_GROUND], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v[DF_WHAT], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v[DF_DATE], -1, SQLITE_STATIC);
	if (user_id > 0)
		sqlite3_bind_int64(st, 6, user_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	values_free(v, DF__MAX);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_disclosures(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct cdisclosure *), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_cached(db, sql, N_DISCLOSURES)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cdisclosure d = { customer_col(st, 0), customer_col(st, 1),
		    customer_col(st, 2), customer_col(st, 3) };

		stop = fn(arg, &d);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
