/* customer.c — customer records: the fields, reading a form, create, change with history, the history. See customer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "customer.h"
#include "customer_int.h"
#include "db_cache.h"
#include "fmt.h"
#include "log.h"

/*
 * Every fixed statement of this file; those that name every field
 * (SELECT, INSERT and UPDATE of a whole record) are built from cfields.
 */
enum cstmt { C_HISTORY_ADD, C_NEXT_ID, C_NUMBER_TAKEN, C_HISTORY, C_BY_NUMBER,
	C_NUMBER_OF, C_BY_NUMBER_EVER, C_FTS_TRIGGER, C_MAX_ID, C_FTS_ADD,
	C_INDEX_SQL, C_COUNT, C_DROP_NAME, C_DROP_POSTAL, C_DROP_NAME_COUNT,
	C_DROP_POSTAL_COUNT, C__MAX };
static const char *const sql[C__MAX] = {
	[C_HISTORY_ADD] = "INSERT INTO customer_history (customer_id, field,"
	    " old_value, new_value, user_id, source, reference) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7)",
	/* an erased record's id and number are never given again (018) */
	[C_NEXT_ID] = "SELECT max(coalesce(max(id), 0), (SELECT coalesce(max(id),"
	    " 0) FROM customer_tombstones)) + 1 FROM customers",
	[C_NUMBER_TAKEN] = "SELECT 1 FROM customers WHERE number = ?1 UNION ALL"
	    " SELECT 1 FROM customer_tombstones WHERE number = ?1",
	[C_HISTORY] = "SELECT h.at, h.field, h.old_value, h.new_value,"
	    " coalesce(u.display_name, ''), h.source, h.reference FROM customer_history h"
	    " LEFT JOIN users u ON u.id = h.user_id WHERE h.customer_id = ?1"
	    " ORDER BY h.id DESC LIMIT 200",
	[C_BY_NUMBER] = "SELECT id FROM customers WHERE number = ?1",
	/* an erased record's number stays with its tombstone (018) */
	[C_NUMBER_OF] = "SELECT number, 0 FROM customers WHERE id = ?1 UNION ALL"
	    " SELECT number, 1 FROM customer_tombstones WHERE id = ?1 AND"
	    " kind = 'erased' LIMIT 1",
	[C_BY_NUMBER_EVER] = "SELECT id FROM customers WHERE number = ?1"
	    " UNION ALL SELECT id FROM customer_tombstones WHERE number = ?1"
	    " LIMIT 1",
	/* customer_fts_defer: the trigger of 005_customers.sql, as stored */
	[C_FTS_TRIGGER] = "SELECT sql FROM sqlite_schema WHERE type = 'trigger'"
	    " AND name = 'customers_fts_insert' AND tbl_name = 'customers'",
	[C_MAX_ID] = "SELECT coalesce(max(id), 0) FROM customers",
	/* what the trigger does for one new record, for all of them */
	[C_FTS_ADD] = "INSERT INTO customers_fts (rowid, first_name, last_name,"
	    " organisation, email, phone, city, street, notes) SELECT id,"
	    " first_name, last_name, organisation, email, phone, city, street,"
	    " notes FROM customers WHERE id > ?1 ORDER BY id",
	/* customer_index_defer: an index of customers, as stored */
	[C_INDEX_SQL] = "SELECT sql FROM sqlite_schema WHERE type = 'index'"
	    " AND name = ?1 AND tbl_name = 'customers'",
	/* the records there are, up to ?1: never more read than that */
	[C_COUNT] = "SELECT count(*) FROM (SELECT 1 FROM customers LIMIT ?1)",
	[C_DROP_NAME] = "DROP INDEX customers_last_name",
	[C_DROP_POSTAL] = "DROP INDEX customers_postal_name",
	[C_DROP_NAME_COUNT] = "DROP INDEX customers_name_count",
	[C_DROP_POSTAL_COUNT] = "DROP INDEX customers_postal_count",
};

/* The one table of fields: column and form key, validator, limit, how a form shows it. */
const struct field cfields[CF__MAX] = {
	[CF_FIRST_NAME] =	{ "first_name", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[CF_LAST_NAME] =	{ "last_name", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[CF_ORGANISATION] =	{ "organisation", VK_TEXT, 0, 200, "text", NULL, 0, 0, NULL },
	[CF_CONTACT_PERSON] =	{ "contact_person", VK_BOOL, 0, 1, "checkbox", NULL, 0, 0, NULL },
	[CF_CONTACT_FROM] =	{ "contact_from", VK_DATE, 0, 10, "date", NULL, 0, 0, NULL },
	[CF_CONTACT_TO] =	{ "contact_to", VK_DATE, 0, 10, "date", NULL, 0, 0, NULL },
	[CF_EMAIL] =		{ "email", VK_EMAIL, 0, 254, "email", NULL, 0, 0, NULL },
	[CF_STREET] =		{ "street", VK_TEXT, 0, 200, "text", NULL, 0, 0, NULL },
	[CF_POSTAL_CODE] =	{ "postal_code", VK_POSTAL, 0, 16, "text", NULL, 0, 0, NULL },
	[CF_CITY] =		{ "city", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[CF_COUNTRY] =		{ "country", VK_COUNTRY, 0, 2, "text", NULL, 0, 0, "FI" },
	[CF_PHONE] =		{ "phone", VK_PHONE, 0, 40, "tel", NULL, 0, 0, NULL },
	[CF_WWW] =		{ "www", VK_URL, 0, 2000, "text", NULL, 0, 0, NULL },
	[CF_IP] =		{ "ip", VK_IP, 0, 64, "text", NULL, 0, 0, NULL },
	[CF_BILLING_ADDRESS] =	{ "billing_address", VK_MULTILINE, 0, 400, "textarea", NULL, 0, 0, NULL },
	[CF_BUSINESS_ID] =	{ "business_id", VK_BUSINESS_ID, 0, 10, "text", NULL, 0, 0, NULL },
	[CF_EINVOICE_ADDRESS] =	{ "einvoice_address", VK_EINVOICE, 0, 35, "text", NULL, 0, 0, NULL },
	[CF_EINVOICE_OPERATOR] = { "einvoice_operator", VK_TEXT, 0, 100, "text", NULL, 0, 0, NULL },
	[CF_CUSTOMER_SINCE] =	{ "customer_since", VK_DATE, 0, 10, "date", NULL, 0, 0, NULL },
	[CF_RELATIONSHIP_ENDED] = { "relationship_ended", VK_DATE, 0, 10, "date", NULL, 0, 0, NULL },
	[CF_NOTES] =		{ "notes", VK_MULTILINE, 0, 4000, "textarea", NULL, 0, 0, NULL },
};

const char *const csource_names[CS__MAX] = {
	"customer", "update_service", "subcontractor", "staff", "import",
};

int
csource_parse(const char *s)
{
	for (int i = 0; s != NULL && i < CS__MAX; i++)
		if (strcmp(s, csource_names[i]) == 0)
			return i;
	return -1;
}

void
customer_free(struct customer *c)
{
	for (int f = 0; f < CF__MAX; f++)
		free(c->v[f]);
	free(c->number);
	free(c->restricted_reason);
	memset(c, 0, sizeof(*c));
}

int
customer_from_form(const struct kvlist *form, struct customer *c,
    const char *errs[CF__MAX])
{
	char out[64];
	int bad;

	for (int f = 0; f < CF__MAX; f++) {
		free(c->v[f]);
		c->v[f] = NULL;
	}
	bad = field_read(cfields, CF__MAX, form, c->v, errs);
	if (errs[CF_COUNTRY] == NULL && strcmp(c->v[CF_COUNTRY], "") == 0) {
		free(c->v[CF_COUNTRY]);
		c->v[CF_COUNTRY] = xstrdup("FI");
	}
	/* a Finnish postal code when the country is Finland */
	if (errs[CF_POSTAL_CODE] == NULL && errs[CF_COUNTRY] == NULL &&
	    strcmp(c->v[CF_COUNTRY], "FI") == 0 && c->v[CF_POSTAL_CODE][0] != '\0' &&
	    val_postal_fi(c->v[CF_POSTAL_CODE], out, sizeof(out)) != NULL) {
		errs[CF_POSTAL_CODE] = "val.postal_fi";
		bad++;
	}
	/* someone to register: a name or an organisation */
	if (errs[CF_LAST_NAME] == NULL && errs[CF_ORGANISATION] == NULL &&
	    c->v[CF_LAST_NAME][0] == '\0' && c->v[CF_ORGANISATION][0] == '\0') {
		errs[CF_LAST_NAME] = "val.name_required";
		bad++;
	}
	/* contact-person dates belong to a contact person, in order */
	if (errs[CF_CONTACT_FROM] == NULL && errs[CF_CONTACT_TO] == NULL &&
	    c->v[CF_CONTACT_FROM][0] && c->v[CF_CONTACT_TO][0] &&
	    strcmp(c->v[CF_CONTACT_FROM], c->v[CF_CONTACT_TO]) > 0) {
		errs[CF_CONTACT_TO] = "val.date_order";
		bad++;
	}
	if (errs[CF_CUSTOMER_SINCE] == NULL && errs[CF_RELATIONSHIP_ENDED] ==
	    NULL && c->v[CF_CUSTOMER_SINCE][0] && c->v[CF_RELATIONSHIP_ENDED][0] &&
	    strcmp(c->v[CF_CUSTOMER_SINCE], c->v[CF_RELATIONSHIP_ENDED]) > 0) {
		errs[CF_RELATIONSHIP_ENDED] = "val.date_order";
		bad++;
	}
	return bad;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return xstrdup(t ? (const char *)t : "");
}

/*
 * customer_get's SELECT, built once from the constant cfields, as a
 * one-statement table for db_cached (a retention run reads thousands of
 * records). NULL if it does not fit (logged).
 */
static const char *const *
get_sql(void)
{
	static char text[2048];
	static const char *table[1];
	size_t n;

	if (table[0] != NULL)
		return table;
	n = (size_t)snprintf(text, sizeof(text), "SELECT id, number, restricted,"
	    " restricted_reason");
	for (int f = 0; f < CF__MAX && n < sizeof(text); f++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", %s",
		    cfields[f].name);	/* constant names */
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    " FROM customers WHERE id = ?1");
	if (n >= sizeof(text)) {
		LOG_ERR("customer_get: the query does not fit");
		return NULL;
	}
	table[0] = text;
	return table;
}

/*
 * The INSERT (which 0) and UPDATE (1) of a whole record, built once from
 * the constant cfields like get_sql, as one-statement tables for db_cached:
 * an import writes a million of them. NULL if one does not fit (logged).
 */
static const char *const *
write_sql(int which)
{
	static char text[2][2048];
	static const char *table[2][1];
	size_t n;
	char *t = text[which];

	if (table[which][0] != NULL)
		return table[which];
	if (which == 0) {
		n = (size_t)snprintf(t, sizeof(text[0]),
		    "INSERT INTO customers (id, number");
		for (int f = 0; f < CF__MAX && n < sizeof(text[0]); f++)
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n, ", %s",
			    cfields[f].name);	/* constant names */
		if (n < sizeof(text[0]))
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n,
			    ") VALUES (?1, ?2");
		for (int f = 0; f < CF__MAX && n < sizeof(text[0]); f++)
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n, ", ?%d",
			    f + 3);
		if (n < sizeof(text[0]))
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n, ")");
	} else {
		n = (size_t)snprintf(t, sizeof(text[0]), "UPDATE customers SET"
		    " updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now')");
		for (int f = 0; f < CF__MAX && n < sizeof(text[0]); f++)
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n,
			    ", %s = ?%d", cfields[f].name, f + 2);
		if (n < sizeof(text[0]))
			n += (size_t)snprintf(t + n, sizeof(text[0]) - n,
			    " WHERE id = ?1");
	}
	if (n >= sizeof(text[0])) {
		LOG_ERR("customer: the %s does not fit", which ? "UPDATE" :
		    "INSERT");
		return NULL;
	}
	table[which][0] = t;
	return table[which];
}

/*
 * A new record's history, one row per non-empty field in one statement
 * (#17: an import writes a million records, and a statement per field
 * cost more than the rows): ?1 the id, ?2 the user (NULL for none), ?3
 * the source, ?4... the fields in cfields' order, which is the rows',
 * then the time (HISTORY_AT). A contact person mark of "0" is no value.
 * Built once, like write_sql.
 */
#define HISTORY_AT	(CF__MAX + 4)
static const char *const *
history_sql(void)
{
	static char text[4096];
	static const char *table[1];
	size_t n;

	if (table[0] != NULL)
		return table;
	/*
	 * the time is bound (HISTORY_AT), not the column's DEFAULT: SQLite's
	 * strftime() for each of a record's ten rows was a tenth of an
	 * import's instructions (#17, bench/README.md "import")
	 */
	n = (size_t)snprintf(text, sizeof(text), "INSERT INTO customer_history"
	    " (customer_id, field, old_value, new_value, user_id, source,"
	    " reference, at) SELECT ?1, column1, '', column2, ?2, ?3, '', ?%d"
	    " FROM (VALUES", HISTORY_AT);
	for (int f = 0; f < CF__MAX && n < sizeof(text); f++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s ('%s', ?%d)",
		    f ? "," : "", cfields[f].name, f + 4);	/* constant names */
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, ") WHERE"
		    " column2 <> '' AND NOT (column1 = 'contact_person' AND"
		    " column2 = '0')");
	if (n >= sizeof(text)) {
		LOG_ERR("customer: the history INSERT does not fit");
		return NULL;
	}
	table[0] = text;
	return table;
}

int
customer_get(sqlite3 *db, long long id, struct customer *c)
{
	const char *const *q = get_sql();
	sqlite3_stmt *st;
	int rc;

	memset(c, 0, sizeof(*c));
	if (q == NULL || (st = db_cached(db, q, 0)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->number = col_dup(st, 1);
		c->restricted = sqlite3_column_int(st, 2);
		c->restricted_reason = col_dup(st, 3);
		for (int f = 0; f < CF__MAX; f++)
			c->v[f] = col_dup(st, 4 + f);
	}
	db_release(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
customer_history_row(sqlite3 *db, long long id, const char *field, const char *old,
    const char *new, long long user_id, enum csource source)
{
	return customer_history_ref(db, id, field, old, new, user_id, source, "");
}

int
customer_history_ref(sqlite3 *db, long long id, const char *field,
    const char *old, const char *new, long long user_id, enum csource source,
    const char *reference)
{
	sqlite3_stmt *st;
	int rc;

	/* written all the same; staff pages would show the bare code */
	if (!customer_history_known(field))
		LOG_ERR("history: field %s has no words in lib/history_words.c",
		    field);
	/* kept for a run (an import writes a row per field): db_cache.h */
	if ((st = db_cached(db, sql, C_HISTORY_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, new, -1, SQLITE_STATIC);
	if (user_id > 0)
		sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_text(st, 6, csource_names[source], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, reference, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	db_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_create(sqlite3 *db, struct customer *c, long long user_id,
    enum csource source)
{
	const char *const *ins = write_sql(0), *const *hist;
	sqlite3_stmt *st = NULL;
	char number[32], at[24];
	long long next = 1;
	int rc = -1;

	if (ins == NULL || (st = db_cached(db, sql, C_NEXT_ID)) == NULL)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		next = sqlite3_column_int64(st, 0);
	db_release(st);
	st = NULL;
	/*
	 * The register's own numbers are A and the id; an import may bring
	 * others, so the next free one is taken.
	 */
	if (c->number != NULL && c->number[0] != '\0')
		snprintf(number, sizeof(number), "%s", c->number);
	else {
		long long k = next;
		int taken;

		if ((st = db_cached(db, sql, C_NUMBER_TAKEN)) == NULL)
			goto out;
		do {
			snprintf(number, sizeof(number), "A%06lld", k++);
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
			taken = sqlite3_step(st) == SQLITE_ROW;
		} while (taken);
		db_release(st);
		st = NULL;
	}
	if ((st = db_cached(db, ins, 0)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, next);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	for (int f = 0; f < CF__MAX; f++)
		sqlite3_bind_text(st, f + 3, c->v[f], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	c->id = next;
	free(c->number);
	c->number = xstrdup(number);
	db_release(st);
	st = NULL;
	if ((hist = history_sql()) == NULL ||
	    (st = db_cached(db, hist, 0)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, next);
	if (user_id > 0)
		sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, csource_names[source], -1, SQLITE_STATIC);
	for (int f = 0; f < CF__MAX; f++)
		sqlite3_bind_text(st, f + 4, c->v[f], -1, SQLITE_STATIC);
	fmt_utc(time(NULL), at);
	sqlite3_bind_text(st, HISTORY_AT, at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		LOG_ERR("%s", sqlite3_errmsg(db));
	db_release(st);
	return rc;
}

int
customer_update(sqlite3 *db, const struct customer *c, long long user_id,
    enum csource source, char *changed, size_t changedlen)
{
	return customer_update_ref(db, c, user_id, source, "", changed,
	    changedlen);
}

int
customer_update_ref(sqlite3 *db, const struct customer *c, long long user_id,
    enum csource source, const char *reference, char *changed,
    size_t changedlen)
{
	struct customer old;
	struct buf names = BUF_INIT;
	const char *const *upd = write_sql(1);
	sqlite3_stmt *st = NULL;
	int rc = -1, n = 0;

	if (customer_get(db, c->id, &old) != 0)
		return -1;
	if (old.restricted) {
		customer_free(&old);
		return 1;
	}
	if (upd == NULL || (st = db_cached(db, upd, 0)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	for (int f = 0; f < CF__MAX; f++)
		sqlite3_bind_text(st, f + 2, c->v[f], -1, SQLITE_STATIC);
	for (int f = 0; f < CF__MAX; f++) {
		if (strcmp(old.v[f], c->v[f]) == 0)
			continue;
		if (customer_history_ref(db, c->id, cfields[f].name, old.v[f],
		    c->v[f], user_id, source, reference) != 0)
			goto out;
		buf_addf(&names, "%s%s", n++ ? "," : "", cfields[f].name);
	}
	if (n > 0 && sqlite3_step(st) != SQLITE_DONE)
		goto out;
	snprintf(changed, changedlen, "%s", names.len ? names.data : "");
	rc = 0;
out:
	if (rc != 0)
		LOG_ERR("%s", sqlite3_errmsg(db));
	db_release(st);
	buf_free(&names);
	customer_free(&old);
	return rc;
}

int
customer_history(sqlite3 *db, long long id,
    int (*fn)(void *arg, const struct chistory *), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_cached(db, sql, C_HISTORY)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct chistory h = { customer_col(st, 0), customer_col(st, 1),
		    customer_col(st, 2), customer_col(st, 3),
		    customer_col(st, 4), customer_col(st, 5), customer_col(st, 6) };

		stop = fn(arg, &h);
	}
	db_release(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

const char *
customer_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static int
by_number(sqlite3 *db, enum cstmt k, const char *number, long long *id)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if ((st = db_cached(db, sql, k)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	db_release(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
customer_by_number(sqlite3 *db, const char *number, long long *id)
{
	return by_number(db, C_BY_NUMBER, number, id);
}

int
customer_by_number_ever(sqlite3 *db, const char *number, long long *id)
{
	return by_number(db, C_BY_NUMBER_EVER, number, id);
}

int
customer_number_of(sqlite3 *db, long long id, char number[32], int *erased)
{
	sqlite3_stmt *st;
	int rc;

	number[0] = '\0';
	*erased = 0;
	if (sqlite3_prepare_v2(db, sql[C_NUMBER_OF], -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(number, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		*erased = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
customer_fts_defer(sqlite3 *db, struct customer_fts_defer *d)
{
	sqlite3_stmt *st;
	int rc = -1;

	d->trigger = NULL;
	d->since = 0;
	if ((st = db_cached(db, sql, C_FTS_TRIGGER)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		d->trigger = col_dup(st, 0);
	db_release(st);
	if (d->trigger == NULL || (st = db_cached(db, sql, C_MAX_ID)) == NULL)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_release(st);
		goto out;
	}
	d->since = sqlite3_column_int64(st, 0);
	db_release(st);
	if (sqlite3_exec(db, "DROP TRIGGER customers_fts_insert", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		LOG_ERR("%s", d->trigger == NULL ?
		    "no trigger customers_fts_insert" : sqlite3_errmsg(db));
		free(d->trigger);
		d->trigger = NULL;
	}
	return rc;
}

int
customer_fts_resume(sqlite3 *db, struct customer_fts_defer *d)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (d->trigger == NULL)
		return -1;
	/* a rollback in between brought the trigger back, and took the records */
	if ((st = db_cached(db, sql, C_FTS_TRIGGER)) == NULL)
		goto out;
	rc = sqlite3_step(st);
	db_release(st);
	if (rc == SQLITE_ROW) {
		rc = 0;
		goto done;
	}
	rc = -1;
	if ((st = db_cached(db, sql, C_FTS_ADD)) != NULL) {
		sqlite3_bind_int64(st, 1, d->since);
		rc = db_cdone(st);
	}
	if (sqlite3_exec(db, d->trigger, NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
out:
	if (rc != 0)
		LOG_ERR("%s", sqlite3_errmsg(db));
done:
	free(d->trigger);
	d->trigger = NULL;
	return rc;
}

/*
 * The indexes customer_index_defer may drop: the two a search reads whole
 * (026), the widest, and the two its count reads (028). None is unique
 * (nothing is checked against them) and nothing an import or a new record
 * does looks anything up by them.
 */
static const struct {
	const char	*name;
	int		 drop;	/* its DROP INDEX in sql[] */
} bulk_index[CUSTOMER_BULK_INDEXES] = {
	{ "customers_last_name", C_DROP_NAME },
	{ "customers_postal_name", C_DROP_POSTAL },
	{ "customers_name_count", C_DROP_NAME_COUNT },
	{ "customers_postal_count", C_DROP_POSTAL_COUNT },
};

int
customer_index_defer(sqlite3 *db, long long adding,
    struct customer_index_defer *d)
{
	sqlite3_stmt *st;
	long long have = -1;

	memset(d, 0, sizeof(*d));
	if (adding < 1)
		return 0;
	if ((st = db_cached(db, sql, C_COUNT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, adding + 1);
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	db_release(st);
	if (have < 0)
		return -1;
	/*
	 * A few records into many: each entry put in its place costs less than
	 * sorting every record's entry anew. As many as there are or more:
	 * building the index after them is taken to be the cheaper. Measured
	 * for a million into an empty register (#17, bench/README.md
	 * "Searches read their index": entries in name order put one by one
	 * are pages read and written all over an index of 100 MB); the point
	 * where the two cost the same was not looked for.
	 */
	if (have > adding)
		return 0;
	for (int i = 0; i < CUSTOMER_BULK_INDEXES; i++) {
		if ((st = db_cached(db, sql, C_INDEX_SQL)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, bulk_index[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			d->index[i] = col_dup(st, 0);
		db_release(st);
		if (d->index[i] == NULL)
			continue;	/* not in this schema: nothing to build */
		if ((st = db_cached(db, sql, bulk_index[i].drop)) == NULL ||
		    db_cdone(st) != 0)
			goto fail;
	}
	return 0;
fail:
	LOG_ERR("%s", sqlite3_errmsg(db));
	/* what was dropped comes back with the caller's rollback */
	for (int i = 0; i < CUSTOMER_BULK_INDEXES; i++) {
		free(d->index[i]);
		d->index[i] = NULL;
	}
	return -1;
}

int
customer_index_resume(sqlite3 *db, struct customer_index_defer *d)
{
	int rc = 0;

	for (int i = 0; i < CUSTOMER_BULK_INDEXES; i++) {
		sqlite3_stmt *st;

		if (d->index[i] == NULL)
			continue;
		/* a rollback in between brought it back */
		if ((st = db_cached(db, sql, C_INDEX_SQL)) == NULL) {
			rc = -1;
		} else {
			int back;

			sqlite3_bind_text(st, 1, bulk_index[i].name, -1,
			    SQLITE_STATIC);
			back = sqlite3_step(st) == SQLITE_ROW;
			db_release(st);
			if (!back && sqlite3_exec(db, d->index[i], NULL, NULL,
			    NULL) != SQLITE_OK) {
				LOG_ERR("%s", sqlite3_errmsg(db));
				rc = -1;
			}
		}
		free(d->index[i]);
		d->index[i] = NULL;
	}
	return rc;
}
