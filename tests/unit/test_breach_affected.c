/*
 * test_breach_affected.c — "who is affected" by a breach (GDPR Art. 33-34)
 * over seeded audit rows and records: the window's boundaries (both ends
 * inclusive, a second outside excluded), the kind of access (a view is not
 * a change), one staff account or a role, ids in a list row, other
 * customers and other objects excluded, the history and disclosures as
 * records; a saved set is append-only, the people's language from their
 * newest request, a letter marks a person told; what an Art. 34 letter
 * lacks (Art. 34(2) with Art. 33(3)(b)-(d)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "breach_affected.h"
#include "db.h"
#include "fmt.h"

#define FROM	"2026-11-30T08:00:00Z"
#define TO	"2026-11-30T12:00:00Z"
#define T_NOW	((time_t)1796119200)	/* 2026-12-01T10:00:00Z */

static char err[1024];
static sqlite3 *db;

static void
exec(const char *q)
{
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
}

static void
audit(const char *at, const char *user, const char *action, const char *type,
    const char *ids)
{
	char *q = sqlite3_mprintf("INSERT INTO audit_log (at, user_id, username,"
	    " action, object_type, object_id, prev_hash, hash) VALUES (%Q,"
	    " (SELECT id FROM users WHERE username = %Q), %Q, %Q, %Q, %Q,"
	    " zeroblob(32), zeroblob(32))", at, user, user, action, type, ids);

	exec(q);
	sqlite3_free(q);
}

static int
setup(void **state)
{
	(void)state;
	fmt_init();	/* Helsinki */
	db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 0);
	exec("INSERT INTO users (id, username, display_name, role, password_hash)"
	    " VALUES (7, 'adm', 'A', 'admin', 'x'), (8, 'han', 'H', 'handler',"
	    " 'x'), (9, 'aud', 'T', 'auditor', 'x')");
	for (int i = 1; i <= 9; i++) {
		char q[200];

		snprintf(q, sizeof(q), "INSERT INTO customers (id, number,"
		    " first_name, last_name, email) VALUES (%d, 'A%06d', 'Etu%d',"
		    " 'Suku%d', %s)", i, i, i, i, i % 2 ? "'x@example.fi'" : "''");
		exec(q);
	}
	/* the window's edges: 1 a second before, 2 at from, 3 at to, 4 a second after */
	audit("2026-11-30T07:59:59Z", "han", "customer.view", "customer", "1");
	audit(FROM, "han", "customer.view", "customer", "2");
	audit(TO, "adm", "customer.view", "customer", "3");
	audit("2026-11-30T12:00:01Z", "han", "customer.view", "customer", "4");
	/* a change by the admin; a request with the same id is no customer */
	audit("2026-11-30T09:00:00Z", "adm", "customer.edit", "customer", "5");
	audit("2026-11-30T09:00:00Z", "han", "request.view", "request", "6");
	/* a list page's row with the ids it showed; 99 is no record */
	audit("2026-11-30T10:00:00Z", "aud", "customer.search", "customer",
	    "7,8, 99");
	/* an export without ids (today's format) names nobody */
	audit("2026-11-30T10:00:00Z", "han", "customer.export", "customer", "");
	/* the records: a change in the history, a disclosure on the day */
	exec("INSERT INTO customer_history (customer_id, field, old_value,"
	    " new_value, user_id, at, source) VALUES (9, 'city', 'A', 'B', NULL,"
	    " '2026-11-30T11:00:00Z', 'import')");
	exec("INSERT INTO disclosures (customer_id, recipient, ground, what,"
	    " disclosed_on, user_id) VALUES (6, 'Perintä Oy', 'collection',"
	    " 'lasku', '2026-11-30', 8)");
	/* customer 3's newest request is in English */
	exec("INSERT INTO requests (id, number, received, deadline, types, lang,"
	    " name, text_sha256, key_id, code, form_id, token_hash) VALUES"
	    " (1, 'TS-2026-000001', '2026-01-10T10:00:00Z', '2026-02-10', 1,"
	    " 'fi', 'T', '', 'k', 'c', 'f1', randomblob(16)), (2,"
	    " 'TS-2026-000002', '2026-06-10T10:00:00Z', '2026-07-10', 1, 'en',"
	    " 'T', '', 'k', 'c', 'f2', randomblob(16))");
	exec("INSERT INTO request_customers (request_id, customer_id) VALUES"
	    " (1, 3), (2, 3)");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	return 0;
}

/* The ids found, as "1,2,3" with the language of each when lang. */
struct ids {
	char	 s[256];
	int	 lang;
};

static int
collect(void *arg, const struct breach_person *p)
{
	struct ids *x = arg;
	size_t n = strlen(x->s);

	snprintf(x->s + n, sizeof(x->s) - n, "%s%lld%s%s", n ? "," : "", p->id,
	    x->lang ? ":" : "", x->lang ? p->lang : "");
	return 0;
}

static const char *
found(enum breach_access access, const char *from, const char *to,
    const char *staff, const char *role)
{
	static struct ids x;
	struct breach_query q;
	long long n;

	memset(&q, 0, sizeof(q));
	memset(&x, 0, sizeof(x));
	q.access = access;
	snprintf(q.from, sizeof(q.from), "%s", from);
	snprintf(q.to, sizeof(q.to), "%s", to);
	q.staff = staff;
	q.role = role;
	assert_null(breach_query_check(&q));
	assert_int_equal(breach_query_list(db, &q, 0, 100, collect, &x), 0);
	assert_int_equal(breach_query_count(db, &q, &n), 0);
	/* the count agrees with the list */
	{
		long long k = x.s[0] ? 1 : 0;

		for (const char *c = x.s; *c; c++)
			k += *c == ',';
		assert_int_equal(n, k);
	}
	return x.s;
}

static void
window_boundaries(void **state)
{
	(void)state;
	assert_string_equal(found(BA_VIEWED, FROM, TO, NULL, NULL), "2,3,7,8");
	/* a second later at the start, a second earlier at the end */
	assert_string_equal(found(BA_VIEWED, "2026-11-30T08:00:01Z",
	    "2026-11-30T11:59:59Z", NULL, NULL), "7,8");
	/* a second wider both ways */
	assert_string_equal(found(BA_VIEWED, "2026-11-30T07:59:59Z",
	    "2026-11-30T12:00:01Z", NULL, NULL), "1,2,3,4,7,8");
}

static void
kinds_of_access(void **state)
{
	(void)state;
	/* the edit, and the history row the import left */
	assert_string_equal(found(BA_CHANGED, FROM, TO, NULL, NULL), "5,9");
	/* the disclosure recorded by its day */
	assert_string_equal(found(BA_DISCLOSED, FROM, TO, NULL, NULL), "6");
	/* an export row without ids names nobody (yet: #17) */
	assert_string_equal(found(BA_EXPORTED, FROM, TO, NULL, NULL), "");
	/* any: every customer touched; the request 6 is not customer 6's view */
	assert_string_equal(found(BA_ANY, FROM, TO, NULL, NULL),
	    "2,3,5,6,7,8,9");
	/* a window the day before, in Helsinki time too */
	assert_string_equal(found(BA_ANY, "2026-11-29T00:00:00Z",
	    "2026-11-29T21:59:59Z", NULL, NULL), "");
	/* a disclosure counts by its day: 30.11. begins 29.11. 22.00 UTC */
	assert_string_equal(found(BA_DISCLOSED, "2026-11-29T22:00:00Z",
	    "2026-11-29T22:00:00Z", NULL, NULL), "6");
}

static void
by_staff_or_role(void **state)
{
	(void)state;
	assert_string_equal(found(BA_ANY, FROM, TO, "adm", NULL), "3,5");
	assert_string_equal(found(BA_ANY, FROM, TO, "han", NULL), "2,6");
	assert_string_equal(found(BA_ANY, FROM, TO, NULL, "auditor"), "7,8");
	assert_string_equal(found(BA_ANY, FROM, TO, NULL, "handler"), "2,6");
	assert_string_equal(found(BA_ANY, FROM, TO, "nobody", NULL), "");
}

static void
bad_queries(void **state)
{
	struct breach_query q;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.access = BA_ANY;
	snprintf(q.from, sizeof(q.from), "%s", TO);
	snprintf(q.to, sizeof(q.to), "%s", FROM);
	assert_string_equal(breach_query_check(&q), "breach.affected.err.order");
	snprintf(q.to, sizeof(q.to), "2026-11-31T00:00:00");
	assert_string_equal(breach_query_check(&q), "breach.affected.err.time");
	snprintf(q.to, sizeof(q.to), "%s", TO);
	q.role = "root";
	assert_string_equal(breach_query_check(&q), "breach.affected.err.role");
}

static int
one_only(void *arg, const struct breach_person *p)
{
	char *out = arg;

	snprintf(out, 64, "%lld %s %s %s", p->id, p->lang, p->told_via[0] ?
	    p->told_via : "-", p->told_at[0] ? p->told_at : "-");
	return 0;
}

static void
saved_set(void **state)
{
	struct breach_entry e, *v;
	struct breach_query q;
	struct breach_set s;
	struct ids x;
	long long bid, set, n;
	size_t ne;
	char line[64];

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.occurred_at, sizeof(e.occurred_at), FROM);
	snprintf(e.aware_at, sizeof(e.aware_at), TO);
	e.what = (char *)"A handler's account was used by someone else.";
	snprintf(e.tell_people, sizeof(e.tell_people), "undecided");
	e.people_count = e.record_count = -1;
	bid = breach_add(db, 0, &e, 7, T_NOW);
	assert_true(bid > 0);
	assert_int_equal(breach_set_current(db, bid, &s), 1);

	memset(&q, 0, sizeof(q));
	q.access = BA_VIEWED;
	snprintf(q.from, sizeof(q.from), FROM);
	snprintf(q.to, sizeof(q.to), TO);
	set = breach_set_save(db, bid, &q, 7, T_NOW, &n);
	assert_true(set > 0);
	assert_int_equal(n, 4);
	/* a later query is a new set: the newest is the breach's */
	q.access = BA_ANY;
	set = breach_set_save(db, bid, &q, 7, T_NOW + 60, &n);
	assert_int_equal(n, 7);
	assert_int_equal(breach_set_current(db, bid, &s), 0);
	assert_int_equal(s.id, set);
	assert_string_equal(s.access, "any");
	assert_string_equal(s.saved_by, "adm");
	assert_string_equal(s.from, FROM);
	assert_int_equal(s.customers, 7);
	assert_int_equal(s.told, 0);
	breach_set_free(&s);

	/* customer 3 in English (their newest request), the rest in Finnish */
	memset(&x, 0, sizeof(x));
	x.lang = 1;
	assert_int_equal(breach_set_people(db, set, bid, 1, 0, 100, collect,
	    &x), 0);
	assert_string_equal(x.s, "2:fi,3:en,5:fi,6:fi,7:fi,8:fi,9:fi");
	/* a page of two from the third */
	memset(&x, 0, sizeof(x));
	assert_int_equal(breach_set_people(db, set, bid, 1, 2, 2, collect, &x),
	    0);
	assert_string_equal(x.s, "5,6");

	/* a letter tells customer 3: told, and no longer among the untold */
	assert_int_equal(breach_history(db, bid, &v, &ne), 0);
	assert_int_equal(breach_letter_add(db, &v[ne - 1], set, 3, "en", "email",
	    7, T_NOW + 120, 0), 0);
	breach_entries_free(v, ne);
	memset(&x, 0, sizeof(x));
	assert_int_equal(breach_set_people(db, set, bid, 1, 0, 100, collect,
	    &x), 0);
	assert_string_equal(x.s, "2,5,6,7,8,9");
	assert_int_equal(breach_set_person(db, set, bid, 3, one_only, line), 0);
	assert_string_equal(line, "3 en email 2026-12-01T10:02:00Z");
	assert_int_equal(breach_set_person(db, set, bid, 4, one_only, line), 1);
	assert_int_equal(breach_set_current(db, bid, &s), 0);
	assert_int_equal(s.told, 1);
	breach_set_free(&s);

	/* never changed, never removed */
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM breach_affected",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE breach_affected_sets SET"
	    " customers = 0", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM breach_letters",
	    NULL, NULL, NULL), SQLITE_OK);
}

/* Art. 34(2): the nature, the contact point, the consequences, the measures; and the decision to tell. */
static void
letter_missing(void **state)
{
	struct breach_entry e;

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.tell_people, sizeof(e.tell_people), "undecided");
	assert_int_equal(breach_letter_missing(&e, NULL), BL_DECISION | BL_WHAT |
	    BL_CONTACT | BL_CONSEQUENCES | BL_MEASURES);
	snprintf(e.tell_people, sizeof(e.tell_people), "yes");
	e.what = (char *)"Tapahtui.";
	e.consequences = (char *)"Huijausviestejä.";
	e.measures = (char *)" \n";
	assert_int_equal(breach_letter_missing(&e, "tietosuoja@example.fi"),
	    BL_MEASURES);
	e.measures = (char *)"Tunnus suljettiin.";
	assert_int_equal(breach_letter_missing(&e, "tietosuoja@example.fi"), 0);
	assert_int_equal(breach_letter_missing(&e, ""), BL_CONTACT);
	assert_string_equal(breach_letter_missing_keys[3],
	    "breach.letter.missing.consequences");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_boundaries),
		cmocka_unit_test(kinds_of_access),
		cmocka_unit_test(by_staff_or_role),
		cmocka_unit_test(bad_queries),
		cmocka_unit_test(saved_set),
		cmocka_unit_test(letter_missing),
	};

	return cmocka_run_group_tests_name("breach_affected", tests, setup,
	    teardown);
}
