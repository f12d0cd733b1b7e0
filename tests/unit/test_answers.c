/*
 * test_answers.c — what a request changes on a record, with a fixed
 * clock: bans from a request name it (via 'request', the ticket number,
 * the person as the source); lifting a restriction is refused until the
 * person was told, on a day not after today in Helsinki (GDPR Art. 18(3):
 * today counts, tomorrow does not); an objection to direct marketing sets
 * the four marketing bans and cannot be refused (Art. 21(3)); another
 * objection is refused only with reasons (Art. 21(1), 12(4)); no
 * disclosure on a restricted record (Art. 18(2)); a rectification's
 * parties to tell (Art. 19) and their marks; and the property of every
 * list: over generated customers with random bans (a fixed seed), no file
 * for purpose P and no label list for P holds anyone with a ban on P, for
 * every purpose × ban pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "answer.h"
#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "kv.h"

static char dir[] = "/tmp/rekisteri-answers-XXXXXX";
static char dbpath[200];
static sqlite3 *db;

/* Helsinki is UTC+2 in winter: 2026-03-02 ends at 21:59:59Z. */
#define LAST_SECOND	((time_t)1772488799)	/* 2026-03-02T21:59:59Z = 2.3. 23.59.59 */
#define NEXT_DAY	((time_t)1772488800)	/* 2026-03-02T22:00:00Z = 3.3. 00.00 */

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	fmt_init();
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The first column of q's first row with text parameter a (may be NULL). */
static long long
num(const char *q, const char *a)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A new record named last, from source; its id. */
static long long
customer(const char *last, const char *postal, enum csource source)
{
	struct customer c;
	struct kvlist f = { 0 };
	const char *errs[CF__MAX] = { 0 };

	memset(&c, 0, sizeof(c));
	kv_add(&f, "first_name", "Testi");
	kv_add(&f, "last_name", last);
	kv_add(&f, "street", "Katu 1");
	kv_add(&f, "postal_code", postal);
	kv_add(&f, "city", "Oulu");
	assert_int_equal(customer_from_form(&f, &c, errs), 0);
	assert_int_equal(customer_create(db, &c, 0, source), 0);
	kv_free(&f);
	{
		long long id = c.id;

		customer_free(&c);
		return id;
	}
}

/* A request numbered number, of type rectification; its id. */
static long long
request(const char *number)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO requests (number,"
	    " received, deadline, types, lang, name, text_sha256, key_id, code,"
	    " form_id, token_hash) VALUES (?1, '2026-02-01T10:00:00Z',"
	    " '2026-03-02', 2, 'fi', 'Testi', '', 'k', 'c', ?1, randomblob(16))", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db);
}

/*
 * A new record's first values: a history row for each field with a value
 * (those given, and the country's default FI), with
 * no old value, its source and the time it was made (bound by
 * customer_create since #17, formatted as the column's default would be:
 * this checks the format, the time and the parameters' numbering, and
 * passes with the default too).
 */
static void
first_values_stamped(void **st)
{
	char lo[24], hi[24], q[300];
	long long id;

	(void)st;
	fmt_utc(time(NULL), lo);
	id = customer("Leima", "90100", CS_IMPORT);
	fmt_utc(time(NULL), hi);
	snprintf(q, sizeof(q), "SELECT count(*) FROM customer_history WHERE"
	    " customer_id = %lld AND old_value = '' AND source = 'import' AND"
	    " user_id IS NULL AND at >= '%s' AND at <= '%s' AND at GLOB"
	    " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:"
	    "[0-9][0-9]Z'", id, lo, hi);
	assert_int_equal(num(q, NULL), 6);
	snprintf(q, sizeof(q), "SELECT group_concat(field, ' ') FROM (SELECT"
	    " field FROM customer_history WHERE customer_id = %lld ORDER BY id)",
	    id);
	{
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0),
		    "first_name last_name street postal_code city country");
		sqlite3_finalize(s);
	}
}

/* A ban from a request names it and came from the person. */
static void
ban_from_request(void **st)
{
	long long id = customer("Kielto", "90100", CS_STAFF);
	char q[160];

	(void)st;
	/* from a request without its number: refused */
	assert_int_equal(customer_ban(db, id, "advertising", "request", "",
	    "2026-03-01", 0), -1);
	assert_int_equal(customer_ban(db, id, "advertising", "request",
	    "TS-2026-000001", "2026-03-01", 0), 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM bans WHERE customer_id ="
	    " %lld AND via = 'request' AND reference = ?1", id);
	assert_int_equal(num(q, "TS-2026-000001"), 1);
	snprintf(q, sizeof(q), "SELECT count(*) FROM customer_history WHERE"
	    " customer_id = %lld AND field = 'ban.advertising' AND source ="
	    " 'customer' AND reference = ?1", id);
	assert_int_equal(num(q, "TS-2026-000001"), 1);
	/* the table itself refuses a request's ban without its number */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO bans VALUES (1,"
	    " 'research', '2026-03-01', 'request', '')", NULL, NULL, NULL),
	    SQLITE_OK);
}

/* GDPR Art. 18(3): lifted only after the person was told, today at the latest. */
static void
lift_needs_told(void **st)
{
	long long id = customer("Rajoitus", "90100", CS_STAFF);
	struct crestriction on = { 1, "Tiedot kiistetty", "request",
	    "TS-2026-000002", NULL, NULL };
	struct crestriction off = { 0, "Tarkistettu", "request",
	    "TS-2026-000002", NULL, NULL };
	const char *why;
	char q[160];

	(void)st;
	snprintf(q, sizeof(q), "SELECT restricted FROM customers WHERE id = %lld",
	    id);
	/* a request's restriction names the request */
	on.reference = "";
	assert_int_equal(customer_restriction(db, id, &on, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.reference");
	on.reference = "TS-2026-000002";
	assert_int_equal(customer_restriction(db, id, &on, 0, LAST_SECOND, &why), 0);
	assert_int_equal(num(q, NULL), 1);
	assert_int_equal(customer_restriction(db, id, &on, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.restricted_already");
	/* not told: refused, still restricted */
	assert_int_equal(customer_restriction(db, id, &off, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_on");
	assert_int_equal(num(q, NULL), 1);
	/* the old call cannot lift it either */
	assert_int_equal(customer_restrict(db, id, 0, "pois", 0), -1);
	assert_int_equal(num(q, NULL), 1);
	/* told tomorrow (Helsinki) is not before: refused at the day's last second */
	off.told_on = "2026-03-03";
	off.told_how = "letter";
	assert_int_equal(customer_restriction(db, id, &off, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_future");
	assert_int_equal(num(q, NULL), 1);
	off.told_on = "2026-02-30";
	assert_int_equal(customer_restriction(db, id, &off, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_on");
	off.told_on = "2026-03-02";
	off.told_how = "carrier pigeon";
	assert_int_equal(customer_restriction(db, id, &off, 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_how");
	/* told today: lifted; a second later 3.3. is today too */
	off.told_how = "letter";
	off.told_on = "2026-03-03";
	assert_int_equal(customer_restriction(db, id, &off, 0, NEXT_DAY, &why), 0);
	assert_int_equal(num(q, NULL), 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM customer_history WHERE"
	    " customer_id = %lld AND field = 'restriction_told' AND new_value ="
	    " '2026-03-03 letter' AND reference = ?1", id);
	assert_int_equal(num(q, "TS-2026-000002"), 1);
	assert_int_equal(customer_restriction(db, id, &off, 0, NEXT_DAY, &why), 1);
	assert_string_equal(why, "cust.err.not_restricted");
	assert_int_equal(customer_restriction(db, 999999, &on, 0, NEXT_DAY, &why), 1);
	assert_string_equal(why, "request.none");
}

/* Art. 21(3): four marketing bans at once, never refused; Art. 21(1): reasons for a refusal. */
static void
objections(void **st)
{
	long long id = customer("Vastustus", "90100", CS_STAFF);
	const char *why;
	char q[200];

	(void)st;
	snprintf(q, sizeof(q), "SELECT group_concat(purpose, ' ') FROM (SELECT"
	    " purpose FROM bans WHERE customer_id = %lld AND via = 'request'"
	    " AND reference = ?1 ORDER BY purpose)", id);
	assert_int_equal(customer_objection(db, id, COBJ_DIRECT_MARKETING, 0,
	    "ei", "request", "TS-2026-000003", "2026-03-01", 0, &why), 1);
	assert_string_equal(why, "cust.err.objection_absolute");
	snprintf(q, sizeof(q), "SELECT count(*) FROM bans WHERE customer_id ="
	    " %lld", id);
	assert_int_equal(num(q, NULL), 0);
	assert_int_equal(customer_objection(db, id, COBJ_DIRECT_MARKETING, 1,
	    "", "request", "TS-2026-000003", "2026-03-01", 0, &why), 0);
	assert_int_equal(num(q, NULL), 4);
	for (int i = 0; i < CP_MARKETING; i++) {
		char b[200];

		snprintf(b, sizeof(b), "SELECT count(*) FROM bans WHERE"
		    " customer_id = %lld AND purpose = ?1 AND via = 'request' AND"
		    " reference = 'TS-2026-000003'", id);
		assert_int_equal(num(b, cpurpose_names[cmarketing_purposes[i]]), 1);
	}
	snprintf(q, sizeof(q), "SELECT count(*) FROM bans WHERE customer_id ="
	    " %lld AND (purpose = 'publication' OR purpose = 'disclosure')", id);
	assert_int_equal(num(q, NULL), 0);
	/* another objection: refused only with reasons */
	assert_int_equal(customer_objection(db, id, COBJ_PROCESSING, 0, "",
	    "request", "TS-2026-000003", "2026-03-01", 0, &why), 1);
	assert_string_equal(why, "cust.err.reason");
	assert_int_equal(customer_objection(db, id, COBJ_PROCESSING, 0,
	    "Sopimus edellyttää", "request", "TS-2026-000003", "2026-03-01", 0,
	    &why), 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM customer_history WHERE"
	    " customer_id = %lld AND field = 'objection.processing' AND"
	    " new_value = '2026-03-01 refused: Sopimus edellyttää'", id);
	assert_int_equal(num(q, NULL), 1);
}

/* Art. 18(2): a restricted record's data is not disclosed, so none is recorded. */
static void
no_disclosure_when_restricted(void **st)
{
	long long id = customer("Luovutus", "90100", CS_STAFF);
	struct crestriction on = { 1, "Kiistetty", "staff", "", NULL, NULL };
	struct kvlist f = { 0 };
	const char *errs[DF__MAX] = { 0 }, *why;
	char q[120];

	(void)st;
	kv_add(&f, "recipient", "Perintä Oy");
	kv_add(&f, "ground", "collection");
	kv_add(&f, "what", "Nimi ja osoite");
	kv_add(&f, "date", "2026-03-01");
	assert_int_equal(customer_add_disclosure(db, id, &f, 0, errs), 0);
	assert_int_equal(customer_restriction(db, id, &on, 0, LAST_SECOND, &why), 0);
	memset(errs, 0, sizeof(errs));
	assert_int_equal(customer_add_disclosure(db, id, &f, 0, errs), 1);
	assert_string_equal(errs[DF_RECIPIENT], "cust.err.disclosure_restricted");
	snprintf(q, sizeof(q), "SELECT count(*) FROM disclosures WHERE"
	    " customer_id = %lld", id);
	assert_int_equal(num(q, NULL), 1);
	kv_free(&f);
}

/* A party list as text: "kind:party:detail:told_on:how;" per party. */
static int
party_text(void *arg, const struct answer_party *p)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s:%s:%s:%s:%s;", p->kind, p->party,
	    p->detail, p->told_on, p->told_how);
	return 0;
}

/* Art. 19: the sources of the corrected values and every recipient, each with its mark. */
static void
parties_to_tell(void **st)
{
	long long id = customer("Korjattava", "90100", CS_UPDATE_SERVICE);
	long long other = customer("Muu", "90100", CS_UPDATE_SERVICE);
	long long rq = request("TS-2026-000010");
	struct customer c;
	struct kvlist f = { 0 };
	const char *errs[DF__MAX] = { 0 }, *why;
	char list[1024] = "", changed[256];

	(void)st;
	kv_add(&f, "recipient", "Luottotieto Oy");
	kv_add(&f, "ground", "credit_decision");
	kv_add(&f, "what", "Nimi");
	kv_add(&f, "date", "2026-01-10");
	assert_int_equal(customer_add_disclosure(db, id, &f, 0, errs), 0);
	assert_int_equal(customer_add_disclosure(db, other, &f, 0, errs), 0);
	kv_free(&f);
	/* nothing corrected yet: no one to tell */
	assert_int_equal(answer_parties(db, rq, id, party_text, list), 0);
	assert_string_equal(list, "");
	assert_int_equal(answer_told(db, rq, id, "recipient", "Luottotieto Oy",
	    "2026-03-01", "letter", 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "answer.err.party");
	/* the correction, from the person, under the ticket number */
	assert_int_equal(customer_get(db, id, &c), 0);
	free(c.v[CF_CITY]);
	c.v[CF_CITY] = strdup("Kemi");
	assert_int_equal(customer_update_ref(db, &c, 0, CS_CUSTOMER,
	    "TS-2026-000010", changed, sizeof(changed)), 0);
	customer_free(&c);
	assert_string_equal(changed, "city");
	assert_int_equal(answer_changes(db, rq, id), 1);
	assert_int_equal(answer_changes(db, rq, other), 0);
	assert_int_equal(answer_parties(db, rq, id, party_text, list), 0);
	assert_string_equal(list, "source:update_service:city::;"
	    "recipient:Luottotieto Oy:Nimi::;");
	/* marks: a party of the list only, not in the future, a known way */
	assert_int_equal(answer_told(db, rq, id, "recipient", "Muu Oy",
	    "2026-03-01", "letter", 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "answer.err.party");
	assert_int_equal(answer_told(db, rq, id, "recipient", "Luottotieto Oy",
	    "2026-03-03", "letter", 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_future");
	assert_int_equal(answer_told(db, rq, id, "recipient", "Luottotieto Oy",
	    "2026-03-02", "fax", 0, LAST_SECOND, &why), 1);
	assert_string_equal(why, "cust.err.told_how");
	assert_int_equal(answer_told(db, rq, id, "recipient", "Luottotieto Oy",
	    "2026-03-02", "letter", 0, LAST_SECOND, &why), 0);
	assert_int_equal(answer_told(db, rq, id, "source", "update_service",
	    "2026-03-01", "email", 0, LAST_SECOND, &why), 0);
	list[0] = '\0';
	assert_int_equal(answer_parties(db, rq, id, party_text, list), 0);
	assert_string_equal(list, "source:update_service:city:2026-03-01:email;"
	    "recipient:Luottotieto Oy:Nimi:2026-03-02:letter;");
	/* a later mark replaces the earlier */
	assert_int_equal(answer_told(db, rq, id, "source", "update_service",
	    "2026-03-02", "phone", 0, LAST_SECOND, &why), 0);
	assert_int_equal(num("SELECT count(*) FROM request_told WHERE kind ="
	    " 'source' AND how = ?1", "phone"), 1);
}

/* ---- every list honours every ban ---------------------------------------- */

#define PEOPLE	400

/* What a generated person has: bans (1 << enum cpurpose), restricted. */
static unsigned bans_of[PEOPLE];
static int restricted_of[PEOPLE];
static long long first_id;

/* The export's rows: which numbers came out, and the bans column. */
struct seen {
	int	 in[PEOPLE];
	int	 bad_column;
	int	 ncells;
};

static int
person_of(const char *number)
{
	long long n = strtoll(number + 1, NULL, 10);	/* "A000123" */

	return (int)(n - first_id);
}

static int
seen_row(void *arg, const char *const *cells, int n)
{
	struct seen *s = arg;
	int p = person_of(cells[0]);

	assert_true(p >= 0 && p < PEOPLE);
	s->in[p] = 1;
	s->ncells = n;
	if (n == CEXPORT_MAX_COLUMNS) {
		/* the register's copy: its bans column is the person's bans */
		unsigned m = 0;

		for (int b = 0; b < CP__MAX; b++)
			if (strstr(cells[CEXPORT_COLUMNS], cpurpose_names[b]) != NULL)
				m |= 1u << b;
		if (m != bans_of[p])
			s->bad_column++;
	}
	return 0;
}

static int
seen_label(void *arg, const struct clabel *l)
{
	struct seen *s = arg;
	int p = person_of(l->number);

	assert_true(p >= 0 && p < PEOPLE);
	s->in[p] = 1;
	return 0;
}

/* People with random bans and restrictions, from a fixed seed. */
static void
generate(void)
{
	unsigned char seed[randombytes_SEEDBYTES] = "rekisteri-answers-property";
	unsigned char r[PEOPLE * 2];
	const char *why;

	randombytes_buf_deterministic(r, sizeof(r), seed);
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < PEOPLE; i++) {
		long long id = customer("Generoitu", "96100", CS_IMPORT);
		char number[16];

		if (i == 0)
			first_id = id;
		/* the numbers follow the ids: A and the id */
		snprintf(number, sizeof(number), "A%06lld", id);
		assert_int_equal(person_of(number), i);
		/* each ban with probability 1/4 */
		bans_of[i] = 0;
		for (int b = 0; b < CP__MAX; b++)
			if (((r[2 * i] >> (b % 4 * 2)) & 3) == 0 &&
			    (b < 4 || (r[2 * i + 1] >> b & 1)))
				bans_of[i] |= 1u << b;
		for (int b = 0; b < CP__MAX; b++)
			if (bans_of[i] & (1u << b))
				assert_int_equal(customer_ban(db, id,
				    cpurpose_names[b], "staff", "", "2026-01-01",
				    0), 0);
		restricted_of[i] = (r[2 * i + 1] & 0xc0) == 0xc0;
		if (restricted_of[i]) {
			struct crestriction on = { 1, "testi", "staff", "",
			    NULL, NULL };

			assert_int_equal(customer_restriction(db, id, &on, 0,
			    LAST_SECOND, &why), 0);
		}
	}
	assert_int_equal(db_commit(db), 0);
}

/* No list for purpose P ever holds a person with a ban on P: every purpose × ban. */
static void
every_list_honours_every_ban(void **st)
{
	struct csearch cs = { NULL, NULL, "96100", SORT_NUMBER };

	(void)st;
	generate();
	for (int purpose = 0; cexport_purposes[purpose] != NULL; purpose++) {
		unsigned ex = 0;
		struct cexport_counts n;
		struct seen s;
		long out_total = 0;

		/*
		 * What the file must leave out, said here by name (docs/csv.md):
		 * the ban on its own purpose, and on publication and disclosure;
		 * for a marketing purpose a ban on any of the four; nothing for
		 * the register's own copy.
		 */
		static const char *const mkt = " advertising distance_selling"
		    " direct_marketing research ";
		char own[40], other[40];

		snprintf(own, sizeof(own), " %s ", cexport_purposes[purpose]);
		for (int b = 0; b < CP__MAX; b++) {
			snprintf(other, sizeof(other), " %s ", cpurpose_names[b]);
			if (purpose != CEXPORT_REGISTER && (strcmp(cpurpose_names[b],
			    cexport_purposes[purpose]) == 0 ||
			    strcmp(cpurpose_names[b], "publication") == 0 ||
			    strcmp(cpurpose_names[b], "disclosure") == 0 ||
			    (strstr(mkt, own) != NULL && strstr(mkt, other) != NULL)))
				ex |= 1u << b;
		}
		assert_int_equal(cexport_excludes(purpose), ex);
		memset(&s, 0, sizeof(s));
		assert_int_equal(customer_export(db, &cs, purpose, seen_row, &s,
		    &n), 0);
		assert_int_equal(s.bad_column, 0);
		assert_int_equal(s.ncells, purpose == CEXPORT_REGISTER ?
		    CEXPORT_MAX_COLUMNS : CEXPORT_COLUMNS);
		for (int b = 0; b < CP__MAX; b++) {
			int banned = 0, kept = 0;

			for (int i = 0; i < PEOPLE; i++) {
				if (!(bans_of[i] & (1u << b)) || restricted_of[i])
					continue;
				banned++;
				kept += s.in[i];
			}
			/* the generation gives every ban to someone */
			assert_true(banned > 10);
			if (ex & (1u << b)) {
				if (kept != 0)
					fail_msg("purpose %s: %d with a ban on %s",
					    cexport_purposes[purpose], kept,
					    cpurpose_names[b]);
			} else if (kept == 0)
				fail_msg("purpose %s: everyone with a ban on %s "
				    "left out", cexport_purposes[purpose],
				    cpurpose_names[b]);
			out_total += n.banned[b];
		}
		/* each person is written or counted once, the restricted never written */
		for (int i = 0; i < PEOPLE; i++) {
			int want = !restricted_of[i] && !(bans_of[i] & ex);

			if (s.in[i] != want)
				fail_msg("purpose %s: person %d (bans %x, restricted"
				    " %d) %s", cexport_purposes[purpose], i,
				    bans_of[i], restricted_of[i], s.in[i] ?
				    "written" : "left out");
		}
		assert_int_equal(out_total, n.banned_total);
		assert_int_equal(n.rows + n.restricted + n.banned_total, PEOPLE);
	}
	/*
	 * the mailing labels: no one with a ban on the list's purpose, nor,
	 * on a marketing list, on any of the four marketing purposes
	 */
	for (int k = 0; clabel_purposes[k] != NULL; k++) {
		int b = k;	/* clabel_purposes are cpurpose_names in order */
		unsigned m = 1u << b | 1u << CP_PUBLICATION;
		struct seen s;

		if (b == CP_ADVERTISING || b == CP_DISTANCE_SELLING ||
		    b == CP_DIRECT_MARKETING || b == CP_RESEARCH)
			m |= 1u << CP_ADVERTISING | 1u << CP_DISTANCE_SELLING |
			    1u << CP_DIRECT_MARKETING | 1u << CP_RESEARCH;
		assert_string_equal(clabel_purposes[k], cpurpose_names[b]);
		memset(&s, 0, sizeof(s));
		assert_int_equal(customer_labels(db, clabel_purposes[k], "96100",
		    0, -1, seen_label, &s), 0);
		for (int i = 0; i < PEOPLE; i++)
			if (s.in[i] && (restricted_of[i] || (bans_of[i] & m)))
				fail_msg("labels %s: person %d (bans %x)",
				    clabel_purposes[k], i, bans_of[i]);
	}
	/* an unknown purpose is no purpose */
	assert_int_equal(cexport_purpose_parse("everything"), -1);
	assert_int_equal(cexport_purpose_parse(NULL), -1);
	assert_int_equal(cexport_purpose_parse("register"), CEXPORT_REGISTER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_values_stamped),
		cmocka_unit_test(ban_from_request),
		cmocka_unit_test(lift_needs_told),
		cmocka_unit_test(objections),
		cmocka_unit_test(no_disclosure_when_restricted),
		cmocka_unit_test(parties_to_tell),
		cmocka_unit_test(every_list_honours_every_ban),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
