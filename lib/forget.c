/* forget.c — erasure and anonymisation of a customer, and the scrub after them; see forget.h. The key, the ledger and the suppression list are in forget_key.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "audit.h"
#include "customer.h"
#include "db.h"
#include "db_cache.h"
#include "forget.h"
#include "log.h"
#include "retention_class.h"

enum fstmt {
	F_TOMBSTONE,
	F_HAS_BAN,
	F_SUPPRESS,
	F_HISTORY_DEL,
	F_ORDERS_DEL,
	F_DISCLOSURES_DEL,
	F_DISCLOSURES_BLANK,
	F_BANS_DEL,
	F_HOLDS_DEL,
	F_REQ_CLEAR,
	F_REQ_KEPT,
	F_LINKS_DEL,
	F_UPLOADS_DEL,
	F_CUSTOMER_DEL,
	F_CUSTOMER_BLANK,
	F_TOMBSTONE_PUT,
	F_TOMBSTONE_NUMBER,
	F__MAX
};

static const char *const sql[F__MAX] = {
	[F_TOMBSTONE] = "SELECT kind, at FROM customer_tombstones WHERE id = ?1",
	[F_HAS_BAN] = "SELECT 1 FROM bans WHERE customer_id = ?1 LIMIT 1",
	[F_SUPPRESS] = "INSERT INTO suppressions (hash, kind, since) VALUES"
	    " (?1, ?2, substr(?3, 1, 10)) ON CONFLICT DO NOTHING",
	[F_HISTORY_DEL] = "DELETE FROM customer_history WHERE customer_id = ?1",
	[F_ORDERS_DEL] = "DELETE FROM orders WHERE customer_id = ?1",
	[F_DISCLOSURES_DEL] = "DELETE FROM disclosures WHERE customer_id = ?1",
	/* the description may say anything about the person */
	[F_DISCLOSURES_BLANK] = "UPDATE disclosures SET what = '' WHERE"
	    " customer_id = ?1 AND what <> ''",
	[F_BANS_DEL] = "DELETE FROM bans WHERE customer_id = ?1",
	/* a hold still in force makes the verdict refuse: only lifted ones remain */
	[F_HOLDS_DEL] = "DELETE FROM legal_holds WHERE customer_id = ?1",
	/*
	 * A linked request's own data, once it is closed and its retention
	 * (?2 months from closing, retention_class RC_REQUEST) has passed on
	 * ?3: what the requester wrote; the case (number, dates, state) stays.
	 */
	[F_REQ_CLEAR] = "UPDATE requests SET name = '', organisation = '',"
	    " email = '', phone = '', address = '', customer_number = '',"
	    " free_text = '', identity_note = '' WHERE id IN (SELECT request_id"
	    " FROM request_customers WHERE customer_id = ?1) AND closed_at IS NOT"
	    " NULL AND closed_at <= strftime('%Y-%m-%dT%H:%M:%SZ', ?3, '-' || ?2"
	    " || ' months') AND (name <> '' OR organisation <> '' OR email <> ''"
	    " OR phone <> '' OR address <> '' OR customer_number <> '' OR"
	    " free_text <> '' OR identity_note <> '')",
	[F_REQ_KEPT] = "SELECT count(*) FROM requests WHERE id IN (SELECT"
	    " request_id FROM request_customers WHERE customer_id = ?1) AND"
	    " (closed_at IS NULL OR closed_at > strftime('%Y-%m-%dT%H:%M:%SZ', ?3,"
	    " '-' || ?2 || ' months'))",
	[F_LINKS_DEL] = "DELETE FROM request_customers WHERE customer_id = ?1",
	/* an update file waiting for its apply that names the person */
	[F_UPLOADS_DEL] = "DELETE FROM import_uploads WHERE ?1 <> '' AND"
	    " instr(data, CAST(?1 AS BLOB)) > 0",
	[F_CUSTOMER_DEL] = "DELETE FROM customers WHERE id = ?1",
	[F_CUSTOMER_BLANK] = "UPDATE customers SET first_name = '', last_name = '',"
	    " organisation = '', contact_person = 0, contact_from = '',"
	    " contact_to = '', email = '', street = '', postal_code = '',"
	    " city = '', phone = '', www = '', ip = '', billing_address = '',"
	    " business_id = '', einvoice_address = '', einvoice_operator = '',"
	    " notes = '', restricted_reason = '', updated_at = ?2 WHERE id = ?1",
	[F_TOMBSTONE_PUT] = "INSERT INTO customer_tombstones (id, number, kind,"
	    " at, reference) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO"
	    " UPDATE SET kind = excluded.kind, at = excluded.at,"
	    " reference = excluded.reference",
	[F_TOMBSTONE_NUMBER] = "SELECT kind, at FROM customer_tombstones WHERE"
	    " number = ?1",
};

/* Run statement k with id bound to ?1; the rows it changed, or -1. */
static long
run_id(sqlite3 *db, enum fstmt k, long long id)
{
	sqlite3_stmt *st = db_cached(db, sql, k);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (db_cdone(st) != 0) {
		LOG_ERR("statement %d: %s", (int)k, sqlite3_errmsg(db));
		return -1;
	}
	return sqlite3_changes(db);
}

/* A tombstone's kind and at by ?1 (statement k). 0, 1 none, -1. */
static int
tombstone(sqlite3 *db, enum fstmt k, long long id, const char *number,
    char kind[16], char at[24])
{
	sqlite3_stmt *st = db_cached(db, sql, k);
	int rc;

	if (st == NULL)
		return -1;
	if (number != NULL)
		sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(kind, 16, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(at, 24, "%s", (const char *)sqlite3_column_text(st, 1));
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 1 : -1;
	db_release(st);
	return rc;
}

int
forget_tombstone(sqlite3 *db, long long id, char kind[16], char at[24])
{
	return tombstone(db, F_TOMBSTONE, id, NULL, kind, at);
}

int
forget_tombstone_number(sqlite3 *db, const char *number, char kind[16],
    char at[24])
{
	return tombstone(db, F_TOMBSTONE_NUMBER, 0, number, kind, at);
}

/* Whether a table exists (legal_holds comes with migration 017). 1, 0. */
static int
have_table(sqlite3 *db, const char *name)
{
	return sqlite3_table_column_metadata(db, "main", name, NULL, NULL, NULL,
	    NULL, NULL, NULL) == SQLITE_OK;
}

/* The linked requests: empty those past retention, count the rest. 0 or -1. */
static int
requests(sqlite3 *db, long long id, const char *now, struct forget_result *r)
{
	const struct retention_rule *rule = retention_rule(RC_REQUEST);
	sqlite3_stmt *st;
	int rc;

	if ((st = db_cached(db, sql, F_REQ_CLEAR)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, rule->amount);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (db_cdone(st) != 0)
		return -1;
	r->requests_cleared = sqlite3_changes(db);
	if ((st = db_cached(db, sql, F_REQ_KEPT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, rule->amount);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r->requests_kept = sqlite3_column_int64(st, 0);
	db_release(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Delete the pending import files that hold any of c's identifying values. -1, or the count. */
static long
uploads(sqlite3 *db, const struct customer *c)
{
	static const enum cfield which[] = { CF_EMAIL, CF_PHONE, CF_LAST_NAME,
	    CF_STREET };
	sqlite3_stmt *st;
	long n = 0;

	if ((st = db_cached(db, sql, F_UPLOADS_DEL)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->number, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	n += sqlite3_changes(db);
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->v[which[i]], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		n += sqlite3_changes(db);
	}
	db_release(st);
	return n;
fail:
	LOG_ERR("%s", sqlite3_errmsg(db));
	db_release(st);
	return -1;
}

/* The suppression hashes of c into the list. -1, or the count added. */
static long
suppress(sqlite3 *db, const struct forget_key *key, const struct customer *c,
    const char *now)
{
	unsigned char hash[SUP__MAX][32];
	int have[SUP__MAX];
	sqlite3_stmt *st;
	long n = 0;

	if (key == NULL) {
		LOG_ERR("no erasure key for the suppression list");
		return -1;
	}
	forget_suppress_hashes(key, c, hash, have);
	if ((st = db_cached(db, sql, F_SUPPRESS)) == NULL)
		return -1;
	for (int k = 0; k < SUP__MAX; k++) {
		if (!have[k])
			continue;
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, hash[k], 32, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, suppress_kind_names[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			LOG_ERR("%s", sqlite3_errmsg(db));
			db_release(st);
			return -1;
		}
		n += sqlite3_changes(db);
	}
	db_release(st);
	return n;
}

int
forget_customer(sqlite3 *db, long long id, enum forget_mode mode,
    const char *reference, const char *now, const struct forget_key *key,
    const char *ledger, const struct audit_entry *actor,
    struct forget_result *r)
{
	struct customer c;
	struct audit_entry e;
	sqlite3_stmt *st = NULL;
	char clock[24], kind[16], at[24], idtext[24], summary[300];
	int rc = -1, found, banned;
	long n;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	if (now == NULL) {
		time_t t = time(NULL);
		struct tm tm;

		if (gmtime_r(&t, &tm) == NULL)
			return -1;
		strftime(clock, sizeof(clock), "%Y-%m-%dT%H:%M:%SZ", &tm);
		now = clock;
	}
	if (reference == NULL)
		reference = "";
	/* erased already: nothing left to do (an anonymised one may be erased) */
	if ((found = forget_tombstone(db, id, kind, at)) < 0)
		return -1;
	if (found == 0 && (strcmp(kind, "erased") == 0 ||
	    mode == FORGET_ANONYMISE))
		return 1;
	if ((found = customer_get(db, id, &c)) != 0)
		return found;
	snprintf(r->number, sizeof(r->number), "%s", c.number);

	/* the objection outlives the record (GDPR Art. 21(3), 17(1)(c)) */
	if ((st = db_cached(db, sql, F_HAS_BAN)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	banned = sqlite3_step(st) == SQLITE_ROW;
	db_release(st);
	if (banned && (r->suppressed = suppress(db, key, &c, now)) < 0)
		goto out;

	if ((r->history = run_id(db, F_HISTORY_DEL, id)) < 0 ||
	    (r->bans = run_id(db, F_BANS_DEL, id)) < 0)
		goto out;
	if (have_table(db, "legal_holds") &&
	    (r->holds = run_id(db, F_HOLDS_DEL, id)) < 0)
		goto out;
	if (requests(db, id, now, r) != 0 ||
	    (r->links = run_id(db, F_LINKS_DEL, id)) < 0 ||
	    (r->uploads = uploads(db, &c)) < 0)
		goto out;
	if (mode == FORGET_ERASE) {
		if ((r->orders = run_id(db, F_ORDERS_DEL, id)) < 0 ||
		    (r->disclosures = run_id(db, F_DISCLOSURES_DEL, id)) < 0 ||
		    run_id(db, F_CUSTOMER_DEL, id) != 1)
			goto out;
	} else {
		if ((r->disclosures = run_id(db, F_DISCLOSURES_BLANK, id)) < 0)
			goto out;
		if ((st = db_cached(db, sql, F_CUSTOMER_BLANK)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		if (db_cdone(st) != 0)
			goto out;
	}
	if ((st = db_cached(db, sql, F_TOMBSTONE_PUT)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, c.number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mode == FORGET_ERASE ? "erased" : "anonymised",
	    -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reference, -1, SQLITE_STATIC);
	if (db_cdone(st) != 0) {
		LOG_ERR("tombstone: %s", sqlite3_errmsg(db));
		goto out;
	}

	/* counts and the reference, never a value of the record */
	n = snprintf(summary, sizeof(summary), "%s%s%shistory %ld, orders %ld, "
	    "disclosures %ld, bans %ld, legal holds %ld, request links %ld "
	    "(%ld requests emptied, %ld kept), uploads %ld, suppression "
	    "hashes %ld", reference[0] ? "under " : "", reference,
	    reference[0] ? "; " : "", r->history, r->orders, r->disclosures,
	    r->bans, r->holds, r->links, r->requests_cleared, r->requests_kept,
	    r->uploads, r->suppressed);
	(void)n;
	snprintf(idtext, sizeof(idtext), "%lld", id);
	memset(&e, 0, sizeof(e));
	if (actor != NULL) {
		e.user_id = actor->user_id;
		e.username = actor->username;
		e.client = actor->client;
	}
	e.action = mode == FORGET_ERASE ? "customer.erase" : "customer.anonymise";
	e.object_type = "customer";
	e.object_id = idtext;
	e.summary = summary;
	if (audit_append(db, &e) != 0)
		goto out;
	if (ledger != NULL && forget_ledger_append(ledger, key, c.number, mode,
	    now) != 0) {
		LOG_ERR("the erasure ledger %s could not be written", ledger);
		goto out;
	}
	rc = 0;
out:
	customer_free(&c);
	return rc;
}

int
forget_scrub(sqlite3 *db)
{
	int logged = -1, done = -1;

	if (sqlite3_exec(db, "INSERT INTO customers_fts (customers_fts) VALUES"
	    " ('optimize')", NULL, NULL, NULL) != SQLITE_OK) {
		LOG_ERR("optimize: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    &logged, &done) != SQLITE_OK) {
		if (sqlite3_errcode(db) == SQLITE_BUSY)
			return 1;
		LOG_ERR("checkpoint: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* The last group of exactly five digits in address into out[6] ("" when none). */
static void
postal_code(const char *address, char out[6])
{
	out[0] = '\0';
	for (const char *p = address; p != NULL && *p != '\0'; p++) {
		size_t n = 0;

		if (p != address && p[-1] >= '0' && p[-1] <= '9')
			continue;
		while (p[n] >= '0' && p[n] <= '9')
			n++;
		if (n == 5) {
			memcpy(out, p, 5);
			out[5] = '\0';
		}
	}
}

int
forget_suppressed_request(sqlite3 *db, const struct forget_key *key,
    const char *name, const char *email, const char *phone,
    const char *address, unsigned *kinds)
{
	struct customer c;
	char postal[6];

	*kinds = 0;
	memset(&c, 0, sizeof(c));
	postal_code(address, postal);
	/* borrowed, not owned: c is not freed */
	c.v[CF_FIRST_NAME] = (char *)"";
	c.v[CF_LAST_NAME] = (char *)(name != NULL ? name : "");
	c.v[CF_POSTAL_CODE] = postal;
	c.v[CF_EMAIL] = (char *)(email != NULL ? email : "");
	c.v[CF_PHONE] = (char *)(phone != NULL ? phone : "");
	return forget_suppressed(db, key, &c, kinds);
}
