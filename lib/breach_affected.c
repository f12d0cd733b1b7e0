/* breach_affected.c — who a breach affected, and the Art. 34 letters; see breach_affected.h, sql/023_breach_affected.sql and docs/compliance.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breach_affected.h"
#include "buf.h"
#include "db.h"

const char *const breach_access_names[BA__MAX] = { "any", "viewed",
	"changed", "exported", "disclosed" };

/* The kinds as bits of ?3; "any" also takes every other action on a customer. */
static const int access_bits[BA__MAX] = { 31, 1, 2, 4, 8 };

/*
 * The audit actions of each kind: rows with object_type 'customer' whose
 * object_id is a customer's id, or a list of ids separated by commas (the
 * form list pages write, #17). One place: docs/compliance.md lists them.
 */
#define A_VIEWED	"'customer.view', 'customer.search'"
#define A_CHANGED	"'customer.add', 'customer.edit', 'customer.order'," \
			" 'customer.ban', 'customer.unban', 'customer.restrict'," \
			" 'customer.unrestrict', 'customer.import'," \
			" 'customer.import_updates', 'customer.erase'," \
			" 'customer.anonymise'"
#define A_EXPORTED	"'customer.export', 'labels.print', 'labels.export'," \
			" 'customer.portability', 'customer.access_report'"
#define A_DISCLOSED	"'customer.disclosure'"

/* By whom: ?4 a username, ?5 a role (each NULL: anyone), on a users.id column. */
#define BY(col)	"(?4 IS NULL OR " col " IN (SELECT id FROM users WHERE" \
		" username = ?4)) AND (?5 IS NULL OR " col " IN (SELECT id" \
		" FROM users WHERE role = ?5))"

/*
 * The customer ids the query finds, as the CTE hits(cid): ?1 ?2 the window
 * (UTC, inclusive), ?3 the kind's bits, ?4 ?5 by whom, ?6 ?7 the window's
 * first and last day in Helsinki (disclosures are recorded by day). The
 * unary + keeps SQLite off any index on object_type: half the log is
 * about customers, and fetching those rows through the index it had
 * (audit_log_object, dropped by sql/027_audit_log_indexes.sql) was 17
 * times slower than reading the table in order (2,000,000 rows: 18 s
 * against 1.1 s; docs/compliance.md).
 */
#define HITS \
	"WITH RECURSIVE a(ids) AS (SELECT l.object_id FROM audit_log l" \
	" WHERE l.at >= ?1 AND l.at <= ?2 AND +l.object_type = 'customer'" \
	" AND l.object_id <> '' AND (?4 IS NULL OR l.username = ?4)" \
	" AND (?5 IS NULL OR l.user_id IN (SELECT id FROM users WHERE" \
	" role = ?5)) AND ((?3 & 1 AND l.action IN (" A_VIEWED "))" \
	" OR (?3 & 2 AND l.action IN (" A_CHANGED "))" \
	" OR (?3 & 4 AND l.action IN (" A_EXPORTED "))" \
	" OR (?3 & 8 AND l.action IN (" A_DISCLOSED ")) OR ?3 & 16))," \
	" split(id, rest) AS (SELECT NULL, ids || ',' FROM a UNION ALL" \
	" SELECT trim(substr(rest, 1, instr(rest, ',') - 1))," \
	" substr(rest, instr(rest, ',') + 1) FROM split WHERE rest <> '')," \
	" hits(cid) AS (SELECT CAST(id AS INTEGER) FROM split WHERE id GLOB" \
	" '[0-9]*' AND id NOT GLOB '*[^0-9]*' AND length(id) <= 18" \
	" UNION SELECT h.customer_id FROM customer_history h WHERE ?3 & 2" \
	" AND h.at >= ?1 AND h.at <= ?2 AND " BY("h.user_id") \
	" UNION SELECT d.customer_id FROM disclosures d WHERE ?3 & 8" \
	" AND d.disclosed_on >= ?6 AND d.disclosed_on <= ?7 AND " \
	BY("d.user_id") ") "

/* A person's columns; the language of their newest request, else Finnish. */
#define PCOLS	"c.id, c.number, c.first_name, c.last_name, c.organisation," \
	" c.email, c.street, c.postal_code, c.city, c.country, coalesce((SELECT" \
	" r.lang FROM request_customers rc JOIN requests r ON r.id =" \
	" rc.request_id WHERE rc.customer_id = c.id ORDER BY r.received DESC," \
	" r.id DESC LIMIT 1), 'fi')"

enum astmt { A_COUNT, A_LIST, A_SET_NEW, A_SET_FILL, A_CURRENT, A_PEOPLE,
	A_LETTER, A__MAX };

static const char *const asql[A__MAX] = {
	[A_COUNT] = HITS "SELECT count(*) FROM customers c WHERE c.id IN"
	    " (SELECT cid FROM hits)",
	[A_LIST] = HITS "SELECT " PCOLS ", '', '' FROM customers c WHERE c.id"
	    " IN (SELECT cid FROM hits) ORDER BY c.id LIMIT ?8 OFFSET ?9",
	[A_SET_NEW] = "INSERT INTO breach_affected_sets (breach_id, saved_at,"
	    " saved_by, access, from_at, to_at, staff, role, customers) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[A_SET_FILL] = HITS "INSERT INTO breach_affected (set_id, customer_id)"
	    " SELECT ?8, c.id FROM customers c WHERE c.id IN (SELECT cid FROM"
	    " hits)",
	[A_CURRENT] = "SELECT s.id, s.breach_id, s.saved_at, coalesce(u.username,"
	    " ''), s.access, s.from_at, s.to_at, s.staff, s.role, s.customers,"
	    " (SELECT count(DISTINCT l.customer_id) FROM breach_letters l JOIN"
	    " breach_affected m ON m.set_id = s.id AND m.customer_id ="
	    " l.customer_id WHERE l.breach_id = s.breach_id)"
	    " FROM breach_affected_sets s LEFT JOIN users u ON u.id = s.saved_by"
	    " WHERE s.breach_id = ?1 ORDER BY s.id DESC LIMIT 1",
	[A_PEOPLE] = "SELECT " PCOLS ", coalesce(t.via, ''), coalesce(t.sent_at,"
	    " '') FROM breach_affected m JOIN customers c ON c.id = m.customer_id"
	    " LEFT JOIN (SELECT customer_id, via, max(sent_at) AS sent_at FROM"
	    " breach_letters WHERE breach_id = ?2 GROUP BY customer_id) t ON"
	    " t.customer_id = c.id WHERE m.set_id = ?1 AND (?3 = 0 OR"
	    " t.customer_id IS NULL) AND (?6 = 0 OR c.id = ?6) ORDER BY c.id"
	    " LIMIT ?4 OFFSET ?5",
	[A_LETTER] = "INSERT INTO breach_letters (breach_id, entry_id, set_id,"
	    " customer_id, lang, via, sent_at, sent_by, outbox_id) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, 0))",
};

const char *const breach_letter_missing_keys[BL__COUNT] = {
	"breach.letter.missing.decision", "breach.letter.missing.what",
	"breach.letter.missing.contact", "breach.letter.missing.consequences",
	"breach.letter.missing.measures",
};

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

const char *
breach_query_check(const struct breach_query *q)
{
	time_t from = breach_time(q->from), to = breach_time(q->to);

	if ((int)q->access < 0 || q->access >= BA__MAX)
		return "breach.affected.err.access";
	if (from == -1 || to == -1)
		return "breach.affected.err.time";
	if (from > to)
		return "breach.affected.err.order";
	if (!empty(q->role) && strcmp(q->role, "admin") != 0 &&
	    strcmp(q->role, "handler") != 0 && strcmp(q->role, "auditor") != 0)
		return "breach.affected.err.role";
	if (!empty(q->staff) && strlen(q->staff) > 64)
		return "breach.affected.err.staff";
	return NULL;
}

/* Bind q as ?1..?7 of HITS. */
static void
bind_query(sqlite3_stmt *st, const struct breach_query *q)
{
	char day[11];
	struct tm tm;
	time_t t;

	sqlite3_bind_text(st, 1, q->from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, q->to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, access_bits[q->access]);
	if (!empty(q->staff))
		sqlite3_bind_text(st, 4, q->staff, -1, SQLITE_TRANSIENT);
	if (!empty(q->role))
		sqlite3_bind_text(st, 5, q->role, -1, SQLITE_TRANSIENT);
	/* a disclosure is recorded by its day: the days of the window in Helsinki */
	t = breach_time(q->from);
	strftime(day, sizeof(day), "%Y-%m-%d", localtime_r(&t, &tm));
	sqlite3_bind_text(st, 6, day, -1, SQLITE_TRANSIENT);
	t = breach_time(q->to);
	strftime(day, sizeof(day), "%Y-%m-%d", localtime_r(&t, &tm));
	sqlite3_bind_text(st, 7, day, -1, SQLITE_TRANSIENT);
}

int
breach_query_count(sqlite3 *db, const struct breach_query *q, long long *n)
{
	sqlite3_stmt *st;
	int rc = -1;

	*n = 0;
	if (breach_query_check(q) != NULL ||
	    (st = db_prep(db, asql, A_COUNT)) == NULL)
		return -1;
	bind_query(st, q);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static const char *
text(sqlite3_stmt *st, int k)
{
	const char *s = (const char *)sqlite3_column_text(st, k);

	return s ? s : "";
}

/* Step st's person rows through fn and finalize it. 0, fn's value, or -1. */
static int
people(sqlite3_stmt *st, breach_person_fn fn, void *arg)
{
	struct breach_person p;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k;

		p.id = sqlite3_column_int64(st, 0);
		p.number = text(st, 1);
		p.first_name = text(st, 2);
		p.last_name = text(st, 3);
		p.organisation = text(st, 4);
		p.email = text(st, 5);
		p.street = text(st, 6);
		p.postal_code = text(st, 7);
		p.city = text(st, 8);
		p.country = text(st, 9);
		p.lang = text(st, 10);
		p.told_via = text(st, 11);
		p.told_at = text(st, 12);
		if ((k = fn(arg, &p)) != 0) {
			sqlite3_finalize(st);
			return k;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
breach_query_list(sqlite3 *db, const struct breach_query *q, long long offset,
    int limit, breach_person_fn fn, void *arg)
{
	sqlite3_stmt *st;

	if (breach_query_check(q) != NULL ||
	    (st = db_prep(db, asql, A_LIST)) == NULL)
		return -1;
	bind_query(st, q);
	sqlite3_bind_int(st, 8, limit);
	sqlite3_bind_int64(st, 9, offset);
	return people(st, fn, arg);
}

long long
breach_set_save(sqlite3 *db, long long breach_id, const struct breach_query *q,
    long long user, time_t now, long long *count)
{
	sqlite3_stmt *st;
	long long set;
	char at[21];
	struct tm tm;

	if (breach_query_count(db, q, count) != 0 ||
	    (st = db_prep(db, asql, A_SET_NEW)) == NULL)
		return -1;
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	sqlite3_bind_int64(st, 1, breach_id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, user);
	sqlite3_bind_text(st, 4, breach_access_names[q->access], -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, q->to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, q->staff ? q->staff : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, q->role ? q->role : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, *count);
	if (db_done(st) != 0)
		return -1;
	set = sqlite3_last_insert_rowid(db);
	if ((st = db_prep(db, asql, A_SET_FILL)) == NULL)
		return -1;
	bind_query(st, q);
	sqlite3_bind_int64(st, 8, set);
	if (db_done(st) != 0 || sqlite3_changes64(db) != *count)
		return -1;	/* same transaction: cannot differ */
	return set;
}

void
breach_set_free(struct breach_set *s)
{
	free(s->saved_by);
	free(s->staff);
	memset(s, 0, sizeof(*s));
}

int
breach_set_current(sqlite3 *db, long long breach_id, struct breach_set *s)
{
	sqlite3_stmt *st = db_prep(db, asql, A_CURRENT);
	int rc;

	memset(s, 0, sizeof(*s));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, breach_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->id = sqlite3_column_int64(st, 0);
		s->breach_id = sqlite3_column_int64(st, 1);
		snprintf(s->saved_at, sizeof(s->saved_at), "%s", text(st, 2));
		s->saved_by = xstrdup(text(st, 3));
		snprintf(s->access, sizeof(s->access), "%s", text(st, 4));
		snprintf(s->from, sizeof(s->from), "%s", text(st, 5));
		snprintf(s->to, sizeof(s->to), "%s", text(st, 6));
		s->staff = xstrdup(text(st, 7));
		snprintf(s->role, sizeof(s->role), "%s", text(st, 8));
		s->customers = sqlite3_column_int64(st, 9);
		s->told = sqlite3_column_int64(st, 10);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 1 : -1;
	sqlite3_finalize(st);
	return rc;
}

int
breach_set_people(sqlite3 *db, long long set_id, long long breach_id,
    int untold, long long offset, int limit, breach_person_fn fn, void *arg)
{
	sqlite3_stmt *st = db_prep(db, asql, A_PEOPLE);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, breach_id);
	sqlite3_bind_int(st, 3, untold != 0);
	sqlite3_bind_int(st, 4, limit);
	sqlite3_bind_int64(st, 5, offset);
	sqlite3_bind_int64(st, 6, 0);
	return people(st, fn, arg);
}

/* Counts the rows it is called for. */
static int
one(void *arg, const struct breach_person *p)
{
	struct { breach_person_fn fn; void *arg; int n; } *x = arg;

	x->n++;
	return x->fn(x->arg, p);
}

int
breach_set_person(sqlite3 *db, long long set_id, long long breach_id,
    long long customer_id, breach_person_fn fn, void *arg)
{
	sqlite3_stmt *st = db_prep(db, asql, A_PEOPLE);
	struct { breach_person_fn fn; void *arg; int n; } x = { fn, arg, 0 };
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, breach_id);
	sqlite3_bind_int(st, 3, 0);
	sqlite3_bind_int(st, 4, 1);
	sqlite3_bind_int64(st, 5, 0);
	sqlite3_bind_int64(st, 6, customer_id);
	if ((rc = people(st, one, &x)) != 0)
		return rc < 0 ? -1 : rc;
	return x.n == 0 ? 1 : 0;
}

int
breach_letter_add(sqlite3 *db, const struct breach_entry *entry,
    long long set_id, long long customer_id, const char *lang,
    const char *via, long long user, time_t now, long long outbox_id)
{
	sqlite3_stmt *st = db_prep(db, asql, A_LETTER);
	char at[21];
	struct tm tm;

	if (st == NULL)
		return -1;
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	sqlite3_bind_int64(st, 1, entry->breach_id);
	sqlite3_bind_int64(st, 2, entry->id);
	sqlite3_bind_int64(st, 3, set_id);
	sqlite3_bind_int64(st, 4, customer_id);
	sqlite3_bind_text(st, 5, lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, via, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, user);
	sqlite3_bind_int64(st, 9, outbox_id);
	return db_done(st);
}

unsigned
breach_letter_missing(const struct breach_entry *e, const char *contact)
{
	unsigned m = 0;

	/* Art. 34(1): the people are told once the controller has so decided */
	if (strcmp(e->tell_people, "yes") != 0)
		m |= BL_DECISION;
	/* Art. 34(2): the nature of the breach, and Art. 33(3)(b)-(d) */
	if (blank(e->what))
		m |= BL_WHAT;
	if (blank(contact))
		m |= BL_CONTACT;
	if (blank(e->consequences))
		m |= BL_CONSEQUENCES;
	if (blank(e->measures))
		m |= BL_MEASURES;
	return m;
}
