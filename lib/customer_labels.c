/* customer_labels.c — mailing lists per purpose (the notice's postitustarrat): who is on a list, who is left out and why, and the labels in the post's order. See customer.h. */
#include <stdio.h>
#include <string.h>

#include "customer.h"
#include "customer_int.h"
#include "log.h"

const char *const cleave_names[CL__MAX] = {
	"restricted", "ended", "ban", "publication_ban", "no_address",
};

const char *const clabel_purposes[] = {
	"advertising", "distance_selling", "direct_marketing", "research",
	"publication", NULL,
};

int
customer_postal_prefix_ok(const char *s)
{
	return s == NULL || (strlen(s) <= 10 &&
	    strspn(s, "0123456789") == strlen(s));
}

/*
 * The four marketing purposes (cmarketing_purposes, customer.h): a list for
 * one of them leaves out a ban on any of them, as the export does
 * (cexport_excludes; GDPR Art. 21(3)).
 */
#define MARKETING "('advertising', 'distance_selling', 'direct_marketing', 'research')"

/*
 * Why a record is left out of the list for purpose ?1 (cleave, in order),
 * or CL__MAX when it is on it; postal prefix ?2.
 */
#define LEAVE_CASE \
	"CASE WHEN c.restricted THEN 0" \
	" WHEN c.relationship_ended <> '' AND c.relationship_ended <= date('now') THEN 1" \
	" WHEN EXISTS (SELECT 1 FROM bans b WHERE b.customer_id = c.id AND (b.purpose = ?1" \
	" OR (?1 IN " MARKETING " AND b.purpose IN " MARKETING "))) THEN 2" \
	" WHEN EXISTS (SELECT 1 FROM bans b WHERE b.customer_id = c.id AND b.purpose = 'publication') THEN 3" \
	" WHEN c.street = '' OR c.postal_code = '' OR c.city = '' THEN 4" \
	" ELSE 5 END"
#define POSTAL_WHERE " WHERE (?2 IS NULL OR c.postal_code LIKE ?2 || '%')"

static int
label_stmt(sqlite3 *db, const char *sql, const char *purpose,
    const char *postal, sqlite3_stmt **st)
{
	if (!customer_in_list(purpose, clabel_purposes, 0))
		return -1;
	if (!customer_postal_prefix_ok(postal))
		return -1;
	if (postal != NULL && *postal == '\0')
		postal = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(*st, 1, purpose, -1, SQLITE_STATIC);
	if (postal != NULL)
		sqlite3_bind_text(*st, 2, postal, -1, SQLITE_STATIC);
	return 0;
}

int
customer_label_counts(sqlite3 *db, const char *purpose, const char *postal,
    long *included, long left_out[CL__MAX])
{
	sqlite3_stmt *st;
	int rc;

	*included = 0;
	for (int i = 0; i < CL__MAX; i++)
		left_out[i] = 0;
	if (label_stmt(db, "SELECT " LEAVE_CASE " AS why, count(*) FROM"
	    " customers c" POSTAL_WHERE " GROUP BY why", purpose, postal,
	    &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int why = sqlite3_column_int(st, 0);
		long n = (long)sqlite3_column_int64(st, 1);

		if (why >= 0 && why < CL__MAX)
			left_out[why] = n;
		else
			*included = n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_labels(sqlite3 *db, const char *purpose, const char *postal,
    long offset, long limit, clabel_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (label_stmt(db, "SELECT c.number, trim(c.first_name || ' ' ||"
	    " c.last_name), c.organisation, c.street, c.postal_code, c.city,"
	    " CASE c.country WHEN 'FI' THEN '' ELSE c.country END"
	    " FROM customers c" POSTAL_WHERE " AND " LEAVE_CASE " = 5"
	    " ORDER BY c.postal_code, c.last_name COLLATE NOCASE,"
	    " c.first_name COLLATE NOCASE, c.id LIMIT ?3 OFFSET ?4", purpose,
	    postal, &st) != 0)
		return -1;
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct clabel l = { customer_col(st, 0), customer_col(st, 1), customer_col(st, 2),
		    customer_col(st, 3), customer_col(st, 4), customer_col(st, 5), customer_col(st, 6) };

		stop = fn(arg, &l);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}


int
customer_label_left(sqlite3 *db, const char *purpose, const char *postal,
    int per_reason, int (*fn)(void *arg, int why, long long id,
    const char *number, const char *name), void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	/* the first per_reason of each reason, by number (window function) */
	if (label_stmt(db, "SELECT why, id, number, name FROM (SELECT "
	    LEAVE_CASE " AS why, c.id AS id, c.number AS number,"
	    " trim(c.first_name || ' ' || c.last_name || CASE WHEN"
	    " c.organisation <> '' THEN ' (' || c.organisation || ')' ELSE ''"
	    " END) AS name, row_number() OVER (PARTITION BY " LEAVE_CASE
	    " ORDER BY c.number) AS k FROM customers c" POSTAL_WHERE ")"
	    " WHERE why < 5 AND k <= ?3 ORDER BY why, k", purpose, postal,
	    &st) != 0)
		return -1;
	sqlite3_bind_int(st, 3, per_reason);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, sqlite3_column_int(st, 0),
		    sqlite3_column_int64(st, 1), customer_col(st, 2),
		    customer_col(st, 3));
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
