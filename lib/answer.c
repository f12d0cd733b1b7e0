/* answer.c — a rectification's parties to tell and their "told" marks (GDPR Art. 19). See answer.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "customer.h"
#include "customer_int.h"
#include "db.h"
#include "fmt.h"
#include "log.h"

/* Every statement of this file. */
enum ostmt { O_CHANGES, O_SOURCES, O_RECIPIENTS, O_TOLD, O__MAX };
static const char *const sql[O__MAX] = {
	/* the record's fields (the columns of customers) changed under the ticket number */
	[O_CHANGES] = "SELECT count(*) FROM requests q JOIN customer_history h"
	    " ON h.customer_id = ?2 AND h.reference = q.number WHERE q.id = ?1"
	    " AND h.field IN (SELECT name FROM pragma_table_info('customers'))",
	/* each corrected field's value before: the field's history row before */
	[O_SOURCES] = "SELECT p.source, group_concat(DISTINCT h.field),"
	    " coalesce(t.told_on, ''), coalesce(t.how, '') FROM requests q"
	    " JOIN customer_history h ON h.customer_id = ?2 AND h.reference ="
	    " q.number JOIN customer_history p ON p.id = (SELECT max(x.id) FROM"
	    " customer_history x WHERE x.customer_id = h.customer_id AND"
	    " x.field = h.field AND x.id < h.id) LEFT JOIN request_told t ON"
	    " t.request_id = q.id AND t.customer_id = ?2 AND t.kind = 'source'"
	    " AND t.party = p.source WHERE q.id = ?1 AND h.field IN (SELECT name"
	    " FROM pragma_table_info('customers')) AND (p.source = ?3 OR"
	    " p.source = ?4) GROUP BY p.source ORDER BY p.source",
	[O_RECIPIENTS] = "SELECT d.recipient, group_concat(DISTINCT d.what),"
	    " max(d.disclosed_on), coalesce(t.told_on, ''), coalesce(t.how, '')"
	    " FROM disclosures d LEFT JOIN request_told t ON t.request_id = ?1"
	    " AND t.customer_id = ?2 AND t.kind = 'recipient' AND t.party ="
	    " d.recipient WHERE d.customer_id = ?2 GROUP BY d.recipient"
	    " ORDER BY d.recipient",
	[O_TOLD] = "INSERT INTO request_told (request_id, customer_id, kind,"
	    " party, told_on, how, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (request_id, customer_id, kind, party) DO UPDATE SET"
	    " told_on = excluded.told_on, how = excluded.how, user_id ="
	    " excluded.user_id, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
};

static const char *const sources[] = { ANSWER_SOURCES };

long
answer_changes(sqlite3 *db, long long request_id, long long customer_id)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = db_prep(db, sql, O_CHANGES)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, customer_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The rows of statement k as parties of kind through fn. 0, fn's value, or -1. */
static int
party_rows(sqlite3 *db, enum ostmt k, long long request_id,
    long long customer_id, int (*fn)(void *, const struct answer_party *),
    void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_prep(db, sql, k)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, customer_id);
	if (k == O_SOURCES) {
		sqlite3_bind_text(st, 3, sources[0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, sources[1], -1, SQLITE_STATIC);
	}
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct answer_party p;

		if (k == O_SOURCES) {
			p.kind = "source";
			p.party = customer_col(st, 0);
			p.detail = customer_col(st, 1);
			p.last = "";
			p.told_on = customer_col(st, 2);
			p.told_how = customer_col(st, 3);
		} else {
			p.kind = "recipient";
			p.party = customer_col(st, 0);
			p.detail = customer_col(st, 1);
			p.last = customer_col(st, 2);
			p.told_on = customer_col(st, 3);
			p.told_how = customer_col(st, 4);
		}
		stop = fn(arg, &p);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
answer_parties(sqlite3 *db, long long request_id, long long customer_id,
    int (*fn)(void *arg, const struct answer_party *), void *arg)
{
	long n;
	int rc;

	if ((n = answer_changes(db, request_id, customer_id)) < 0)
		return -1;
	if (n == 0)
		return 0;	/* nothing corrected: no one to tell yet */
	if ((rc = party_rows(db, O_SOURCES, request_id, customer_id, fn,
	    arg)) != 0)
		return rc;
	return party_rows(db, O_RECIPIENTS, request_id, customer_id, fn, arg);
}

/* Looking for one party among answer_parties' rows. */
struct find {
	const char	*kind;
	const char	*party;
};

static int
find_party(void *arg, const struct answer_party *p)
{
	const struct find *f = arg;

	return strcmp(p->kind, f->kind) == 0 && strcmp(p->party, f->party) == 0;
}

int
answer_told(sqlite3 *db, long long request_id, long long customer_id,
    const char *kind, const char *party, const char *told_on, const char *how,
    long long user_id, time_t now, const char **why)
{
	struct find f = { kind, party };
	char today[11];
	sqlite3_stmt *st;
	struct tm tm;
	int rc;

	*why = NULL;
	if (kind == NULL || party == NULL) {
		*why = "answer.err.party";
		return 1;
	}
	if (told_on == NULL || strlen(told_on) != 10 ||
	    fmt_parse_date(told_on, &tm) != 0) {
		*why = "cust.err.told_on";
		return 1;
	}
	if (fmt_local_date(now, today) != 0)
		return -1;
	if (strcmp(told_on, today) > 0) {
		*why = "cust.err.told_future";
		return 1;
	}
	if (!customer_in_list(how, ctold_names, 0)) {
		*why = "cust.err.told_how";
		return 1;
	}
	/* only a party the list names: one of the record's, for this request */
	if ((rc = answer_parties(db, request_id, customer_id, find_party, &f)) < 0)
		return -1;
	if (rc == 0) {
		*why = "answer.err.party";
		return 1;
	}
	if ((st = db_prep(db, sql, O_TOLD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, customer_id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, party, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, told_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, how, -1, SQLITE_STATIC);
	if (user_id > 0)
		sqlite3_bind_int64(st, 7, user_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
