/*
 * test_forget.c — erasure and anonymisation that leave no trace (#14):
 * a customer with distinctive name, email, phone and street, with history,
 * orders, a disclosure, a ban, linked requests and a full-text search hit,
 * among a few hundred others, is erased; then the raw bytes of the
 * database file and its -wal, the FTS5 shadow tables and the index's
 * vocabulary hold none of those strings. The same for anonymisation, which
 * keeps the orders and amounts. Also: an erased id is never given again,
 * the tombstone, the audit row, the suppression list (keyed hashes, a
 * match on the same person differently typed) and the erasure ledger
 * (format, 0600, read back, no number in clear), and the modes of new
 * files in a folder shared by separate users.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "customer.h"
#include "db.h"
#include "forget.h"
#include "fmt.h"
#include "kv.h"

static char err[1024];

struct fx {
	char		 dir[64];
	char		 dbpath[128];
	char		 ledger[128];
	struct forget_key key;
	sqlite3		*db;
};

static void
exec(sqlite3 *db, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg ? msg : "?");
}

/* The strings that must vanish with the person (as typed and as FTS5 folds them). */
static const char *const secrets[] = {
	"Zyxwvuta", "zyxwvuta", "Qwertyuiopson", "qwertyuiopson",
	"zzqmailbox", "erasuretestdomain", "+358401234987", "358401234987",
	"Kummitustie", "kummitustie", "Vanhakuja", "vanhakuja",
	"Luottotietoraportti", "luottotietoraportti", "Muistiinpanoxx",
	"muistiinpanoxx", "Pyytajanteksti",
};

/* A customer from form values; its id. */
static long long
make_customer(sqlite3 *db, const char *first, const char *last,
    const char *email, const char *phone, const char *street,
    const char *postal, const char *notes)
{
	struct kvlist form = { NULL, 0, 0 };
	struct customer c;
	const char *errs[CF__MAX];
	long long id;

	memset(&c, 0, sizeof(c));
	kv_add(&form, "first_name", first);
	kv_add(&form, "last_name", last);
	kv_add(&form, "email", email);
	kv_add(&form, "phone", phone);
	kv_add(&form, "street", street);
	kv_add(&form, "postal_code", postal);
	kv_add(&form, "city", "Helsinki");
	kv_add(&form, "country", "FI");
	kv_add(&form, "notes", notes);
	assert_int_equal(customer_from_form(&form, &c, errs), 0);
	assert_int_equal(customer_create(db, &c, 1, CS_STAFF), 0);
	id = c.id;
	customer_free(&c);
	kv_free(&form);
	return id;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char kd[96];

	fmt_init();
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_forget.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/r.db", f->dir);
	snprintf(f->ledger, sizeof(f->ledger), "%s/erasure-ledger", f->dir);
	snprintf(kd, sizeof(kd), "%s/keys", f->dir);
	if ((f->db = db_open(f->dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(f->db, "sql", NULL, err, sizeof(err)) < 0)
		return -1;
	if (forget_key_make(kd, err, sizeof(err)) != 1 ||
	    forget_key_load(kd, &f->key, err, sizeof(err)) != 0)
		return -1;
	exec(f->db, "INSERT INTO users (id, username, display_name, role,"
	    " password_hash) VALUES (1, 'admin', 'Admin', 'admin', 'x')");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A file's bytes (NULL and 0 when missing). */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	*len = fread(b, 1, (size_t)n, fp);
	fclose(fp);
	return b;
}

static int
has(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* None of the secrets in the file path (nor, with want, is it missing). */
static void
file_clean(const char *path)
{
	size_t n;
	char *b = slurp(path, &n);

	for (size_t i = 0; b != NULL && i < sizeof(secrets) / sizeof(secrets[0]);
	    i++)
		if (has(b, n, secrets[i]))
			fail_msg("%s still holds \"%s\"", path, secrets[i]);
	free(b);
}

/* The FTS5 shadow tables' bytes and the index's vocabulary hold none of the secrets. */
static void
fts_clean(sqlite3 *db)
{
	static const char *const q[] = {
		"SELECT block FROM customers_fts_data",
		"SELECT term FROM customers_fts_idx",
		"SELECT sz FROM customers_fts_docsize",
		"SELECT term FROM temp.vocab",
	};
	sqlite3_stmt *st;

	exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING"
	    " fts5vocab(main, customers_fts, row)");
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		assert_int_equal(sqlite3_prepare_v2(db, q[i], -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *b = sqlite3_column_blob(st, 0);
			size_t n = (size_t)sqlite3_column_bytes(st, 0);

			for (size_t k = 0; k < sizeof(secrets) /
			    sizeof(secrets[0]); k++)
				if (b != NULL && has(b, n, secrets[k]))
					fail_msg("%s: \"%s\"", q[i], secrets[k]);
		}
		sqlite3_finalize(st);
	}
	exec(db, "DROP TABLE temp.vocab");
}

static int
count_row(void *arg, const struct crow *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int
hits(sqlite3 *db, const char *q)
{
	struct csearch s = { q, NULL, NULL, SORT_NAME };
	int n = 0, more;

	assert_int_equal(customer_search(db, &s, 1, 50, count_row, &n, &more), 0);
	return n;
}

/*
 * The person: the record, an earlier street in the history, orders, a
 * disclosure whose description names them, a direct-marketing ban, a
 * closed request long past its retention and an open one, linked.
 */
static long long
make_person(sqlite3 *db)
{
	struct customer c;
	char changed[256];
	long long id;

	exec(db, "BEGIN");
	/* others around, in several segments of the index */
	for (int i = 0; i < 300; i++) {
		char last[32], mail[48];

		snprintf(last, sizeof(last), "Muu%03d", i);
		snprintf(mail, sizeof(mail), "muu%03d@example.fi", i);
		make_customer(db, "Matti", last, mail, "", "Katu 1", "00100",
		    "");
		if (i % 100 == 99) {
			exec(db, "COMMIT");
			exec(db, "BEGIN");
		}
	}
	id = make_customer(db, "Zyxwvuta", "Qwertyuiopson",
	    "zzqmailbox@erasuretestdomain.fi", "+358401234987", "Vanhakuja 3",
	    "00990", "Muistiinpanoxx");
	memset(&c, 0, sizeof(c));
	assert_int_equal(customer_get(db, id, &c), 0);
	free(c.v[CF_STREET]);
	c.v[CF_STREET] = strdup("Kummitustie 77");
	assert_int_equal(customer_update(db, &c, 1, CS_STAFF, changed,
	    sizeof(changed)), 0);
	customer_free(&c);
	assert_int_equal(customer_ban(db, id, "direct_marketing", "phone", "",
	    "2020-01-02", 1), 0);
	{
		char q[2048];

		snprintf(q, sizeof(q),
		    "INSERT INTO orders (customer_id, number, ordered_on,"
		    " description, amount_cents, status) VALUES (%lld, 'T-1',"
		    " '2010-03-04', 'Tuote', 12345, 'paid'), (%lld, 'T-2',"
		    " '2011-03-04', 'Toinen', 6789, 'paid');"
		    "INSERT INTO disclosures (customer_id, recipient, ground,"
		    " what, disclosed_on, user_id) VALUES (%lld, 'Perintä Oy',"
		    " 'collection', 'Luottotietoraportti Zyxwvuta', '2011-05-06', 1);"
		    "INSERT INTO requests (id, number, received, deadline, types,"
		    " lang, name, email, free_text, text_sha256, key_id, code,"
		    " form_id, token_hash, status, closed_at) VALUES"
		    " (1, 'TS-2019-000001', '2019-01-01T10:00:00Z', '2019-02-01',"
		    " 1, 'fi', 'Zyxwvuta Qwertyuiopson',"
		    " 'zzqmailbox@erasuretestdomain.fi', 'Pyytajanteksti', 'x', 'k',"
		    " 'c', 'f1', x'01', 'answered', '2019-01-20T10:00:00Z'),"
		    " (2, 'TS-2026-000002', '2026-11-01T10:00:00Z', '2026-12-01',"
		    " 1, 'fi', 'Avoin Pyytaja', '', 'kesken', 'x', 'k', 'c', 'f2',"
		    " x'02', 'received', NULL);"
		    "INSERT INTO request_customers (request_id, customer_id)"
		    " VALUES (1, %lld), (2, %lld);"
		    "INSERT INTO import_uploads (user_id, filename, charset, source,"
		    " data) VALUES (1, 'p.csv', 'auto', 'update_service',"
		    " CAST('number,street\nA000301,Vanhakuja 3\n' AS BLOB));",
		    id, id, id, id, id);
		exec(db, q);
	}
	exec(db, "COMMIT");
	/* the worst case: the values in the file, not only in the WAL */
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
	/* ... and some in the WAL too */
	exec(db, "UPDATE customers SET notes = 'Muistiinpanoxx 2' WHERE number"
	    " = 'A000301'");
	assert_int_equal(hits(db, "Zyxwvuta"), 1);
	assert_int_equal(hits(db, "kummitustie"), 1);
	return id;
}

static const struct audit_entry actor = { 0, "", "cli", NULL, NULL, NULL,
    NULL };

static void
erase_leaves_no_trace(void **state)
{
	struct fx *f = *state;
	struct forget_result r;
	char wal[160], kind[16], at[24];
	long long id = make_person(f->db), next;
	sqlite3_stmt *st;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(forget_customer(f->db, id, FORGET_ERASE,
	    "TS-2026-000002", "2026-12-02T10:00:00Z", &f->key, f->ledger, &actor,
	    &r), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(forget_scrub(f->db), 0);
	assert_string_equal(r.number, "A000301");
	assert_int_equal(r.orders, 2);
	assert_int_equal(r.disclosures, 1);
	assert_int_equal(r.bans, 1);
	assert_true(r.history >= 2);
	assert_int_equal(r.links, 2);
	assert_int_equal(r.requests_cleared, 1);
	assert_int_equal(r.requests_kept, 1);
	assert_int_equal(r.uploads, 1);
	assert_int_equal(r.suppressed, 3);

	/* no search finds it; nothing is left in the file, the WAL, the index */
	assert_int_equal(hits(f->db, "Zyxwvuta"), 0);
	assert_int_equal(hits(f->db, "Muu150"), 1);
	file_clean(f->dbpath);
	snprintf(wal, sizeof(wal), "%s-wal", f->dbpath);
	file_clean(wal);
	fts_clean(f->db);
	file_clean(f->ledger);

	/* the tombstone; the audit row by id, with counts only */
	assert_int_equal(forget_tombstone(f->db, id, kind, at), 0);
	assert_string_equal(kind, "erased");
	assert_string_equal(at, "2026-12-02T10:00:00Z");
	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT object_id, summary"
	    " FROM audit_log WHERE action = 'customer.erase'", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(atoll((const char *)sqlite3_column_text(st, 0)), id);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 1),
	    "under TS-2026-000002; history"));
	sqlite3_finalize(st);
	/* the open request is kept as it was */
	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT name FROM requests"
	    " ORDER BY id", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), "");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), "Avoin Pyytaja");
	sqlite3_finalize(st);

	/* the highest id was erased: the next record gets a new one */
	next = make_customer(f->db, "Uusi", "Asiakas", "", "", "", "", "");
	assert_true(next > id);
	/* and no code can give the erased id or number again */
	{
		char q[160];

		snprintf(q, sizeof(q), "INSERT INTO customers (id, number) VALUES"
		    " (%lld, 'B1')", id);
		assert_int_not_equal(sqlite3_exec(f->db, q, NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(f->db, "INSERT INTO customers"
		    " (number) VALUES ('A000301')", NULL, NULL, NULL), SQLITE_OK);
	}
	/* erasing again: nothing to do */
	assert_int_equal(forget_customer(f->db, id, FORGET_ERASE, "",
	    NULL, &f->key, NULL, &actor, &r), 1);
}

static void
anonymise_leaves_no_trace(void **state)
{
	struct fx *f = *state;
	struct forget_result r;
	char wal[160], kind[16], at[24];
	long long id = make_person(f->db);
	sqlite3_stmt *st;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(forget_customer(f->db, id, FORGET_ANONYMISE, "",
	    "2026-12-02T10:00:00Z", &f->key, NULL, &actor, &r), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(forget_scrub(f->db), 0);
	assert_int_equal(r.orders, 0);
	assert_int_equal(r.disclosures, 1);

	assert_int_equal(hits(f->db, "Zyxwvuta"), 0);
	file_clean(f->dbpath);
	snprintf(wal, sizeof(wal), "%s-wal", f->dbpath);
	file_clean(wal);
	fts_clean(f->db);

	/* the orders and amounts stay, under the same number */
	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT count(*),"
	    " sum(amount_cents), (SELECT number FROM customers WHERE id = ?1),"
	    " (SELECT recipient FROM disclosures WHERE customer_id = ?1)"
	    " FROM orders WHERE customer_id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_int_equal(sqlite3_column_int(st, 1), 12345 + 6789);
	assert_string_equal(sqlite3_column_text(st, 2), "A000301");
	assert_string_equal(sqlite3_column_text(st, 3), "Perintä Oy");
	sqlite3_finalize(st);
	assert_int_equal(forget_tombstone(f->db, id, kind, at), 0);
	assert_string_equal(kind, "anonymised");
	/* anonymised, then erased when the accounts no longer need it */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(forget_customer(f->db, id, FORGET_ERASE, "",
	    NULL, &f->key, NULL, &actor, &r), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(r.orders, 2);
	assert_int_equal(forget_tombstone(f->db, id, kind, at), 0);
	assert_string_equal(kind, "erased");
}

static void
suppression_matches_the_same_person(void **state)
{
	struct fx *f = *state;
	struct forget_result r;
	struct customer c;
	unsigned kinds;
	long long id = make_person(f->db);

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(forget_customer(f->db, id, FORGET_ERASE, "", NULL,
	    &f->key, NULL, &actor, &r), 0);
	assert_int_equal(db_commit(f->db), 0);

	memset(&c, 0, sizeof(c));
	for (int k = 0; k < CF__MAX; k++)
		c.v[k] = strdup("");
	free(c.v[CF_EMAIL]);
	c.v[CF_EMAIL] = strdup("ZZQmailbox@ErasureTestDomain.fi");
	assert_int_equal(forget_suppressed(f->db, &f->key, &c, &kinds), 1);
	assert_int_equal(kinds, 1u << SUP_EMAIL);
	free(c.v[CF_EMAIL]);
	c.v[CF_EMAIL] = strdup("other@example.fi");
	free(c.v[CF_FIRST_NAME]);
	c.v[CF_FIRST_NAME] = strdup("zyxwvuta ");
	free(c.v[CF_LAST_NAME]);
	c.v[CF_LAST_NAME] = strdup("QWERTYUIOPSON");
	free(c.v[CF_POSTAL_CODE]);
	c.v[CF_POSTAL_CODE] = strdup("00990");
	assert_int_equal(forget_suppressed(f->db, &f->key, &c, &kinds), 1);
	assert_int_equal(kinds, 1u << SUP_NAME_POSTAL);
	/* the same name elsewhere is someone else */
	free(c.v[CF_POSTAL_CODE]);
	c.v[CF_POSTAL_CODE] = strdup("00100");
	assert_int_equal(forget_suppressed(f->db, &f->key, &c, &kinds), 0);
	free(c.v[CF_PHONE]);
	c.v[CF_PHONE] = strdup("+358401234987");
	assert_int_equal(forget_suppressed(f->db, &f->key, &c, &kinds), 1);
	assert_int_equal(kinds, 1u << SUP_PHONE);
	customer_free(&c);
	assert_int_equal(suppress_action_parse(NULL), SUPPRESS_WARN);
	assert_int_equal(suppress_action_parse("refuse"), SUPPRESS_REFUSE);
	assert_int_equal(suppress_action_parse("Refuse"), -1);
}

/*
 * What a requester wrote is checked against the list as a record would
 * be: the email (case folded), the phone, the whole name with the postal
 * code found in the address; an address elsewhere or another email is
 * someone else.
 */
static void
request_matches_suppression(void **state)
{
	struct fx *f = *state;
	struct forget_result r;
	unsigned kinds;
	long long id = make_person(f->db);

	assert_int_equal(forget_suppressed_request(f->db, &f->key,
	    "Zyxwvuta Qwertyuiopson", "zzqmailbox@erasuretestdomain.fi", NULL,
	    NULL, &kinds), 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(forget_customer(f->db, id, FORGET_ERASE, "", NULL,
	    &f->key, NULL, &actor, &r), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(forget_suppressed_request(f->db, &f->key,
	    "Someone Else", "zzqmailbox@erasuretestdomain.fi", "", "",
	    &kinds), 1);
	assert_int_equal(kinds, 1u << SUP_EMAIL);
	assert_int_equal(forget_suppressed_request(f->db, &f->key,
	    "ZYXWVUTA  Qwertyuiopson", "other@example.fi", "+358401234987",
	    "Testikatu 12 B 3, 00990 Helsinki", &kinds), 1);
	assert_int_equal(kinds, (1u << SUP_PHONE) | (1u << SUP_NAME_POSTAL));
	/* the street number is not the postal code; another code is elsewhere */
	assert_int_equal(forget_suppressed_request(f->db, &f->key,
	    "Zyxwvuta Qwertyuiopson", "other@example.fi", NULL,
	    "Katu 00990, 00100 Helsinki", &kinds), 0);
	assert_int_equal(forget_suppressed_request(f->db, &f->key,
	    "Zyxwvuta Qwertyuiopson", NULL, NULL, "PL 123456, 00990", &kinds),
	    1);
	assert_int_equal(kinds, 1u << SUP_NAME_POSTAL);
}

/*
 * A linked request is emptied only once its own retention has run out:
 * retention_class RC_REQUEST, 36 months from closing (the controller's
 * decision on GDPR Art. 5(2) and 12, the limitation period of Act
 * 728/2003 § 4). Closed exactly 36 months before the erasure: emptied;
 * a second later: kept. On 2024-02-29 + 36 months = 2027-02-28 (SQLite's
 * months move the day over: 2027-03-01), the day before is kept.
 */
static void
request_retention_boundary(void **state)
{
	static const struct {
		const char *closed, *now;
		int cleared;
	} cases[] = {
		{ "2023-12-02T10:00:00Z", "2026-12-02T10:00:00Z", 1 },
		{ "2023-12-02T10:00:01Z", "2026-12-02T10:00:00Z", 0 },
		{ "2024-02-29T12:00:00Z", "2027-02-28T23:59:59Z", 0 },
		{ "2024-02-29T12:00:00Z", "2027-03-01T12:00:00Z", 1 },
	};
	struct fx *f = *state;
	struct forget_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char q[1024], last[16];
		long long id;

		snprintf(last, sizeof(last), "Raja%zu", i);
		id = make_customer(f->db, "Testi", last, "", "", "", "", "");
		snprintf(q, sizeof(q), "INSERT INTO requests (id, number, received,"
		    " deadline, types, lang, name, text_sha256, key_id, code,"
		    " form_id, token_hash, status, closed_at) VALUES (%zu,"
		    " 'TS-2023-00000%zu', '2023-01-01T10:00:00Z', '2023-02-01', 1,"
		    " 'fi', 'Nimi', 'x', 'k', 'c', 'b%zu', x'0%zu', 'answered', '%s');"
		    "INSERT INTO request_customers (request_id, customer_id)"
		    " VALUES (%zu, %lld)", i + 10, i, i, i, cases[i].closed,
		    i + 10, id);
		exec(f->db, q);
		assert_int_equal(db_begin(f->db), 0);
		assert_int_equal(forget_customer(f->db, id, FORGET_ERASE, "",
		    cases[i].now, &f->key, NULL, &actor, &r), 0);
		assert_int_equal(db_commit(f->db), 0);
		if (r.requests_cleared != cases[i].cleared ||
		    r.requests_kept != !cases[i].cleared)
			fail_msg("closed %s, erased %s: cleared %ld, kept %ld",
			    cases[i].closed, cases[i].now, r.requests_cleared,
			    r.requests_kept);
	}
}

struct seen {
	int	 n;
	struct forget_ledger_entry e[4];
};

static int
on_entry(void *arg, const struct forget_ledger_entry *e)
{
	struct seen *s = arg;

	if (s->n < 4)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static void
ledger_lines(void **state)
{
	struct fx *f = *state;
	struct seen s;
	struct stat sb;
	unsigned char h[32];
	long bad;
	FILE *fp;

	memset(&s, 0, sizeof(s));
	/* a missing ledger is empty */
	assert_int_equal(forget_ledger_each(f->ledger, on_entry, &s, &bad), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(forget_ledger_append(f->ledger, &f->key, "A000042",
	    FORGET_ERASE, "2026-12-02T10:00:00Z"), 0);
	assert_int_equal(forget_ledger_append(f->ledger, &f->key, "A000043",
	    FORGET_ANONYMISE, "2026-12-02T11:00:00Z"), 0);
	assert_int_equal(stat(f->ledger, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(forget_ledger_each(f->ledger, on_entry, &s, &bad), 0);
	assert_int_equal(s.n, 2);
	forget_ledger_hash(&f->key, "A000042", h);
	assert_memory_equal(s.e[0].hash, h, 32);
	assert_int_equal(s.e[0].mode, FORGET_ERASE);
	assert_string_equal(s.e[0].at, "2026-12-02T10:00:00Z");
	assert_int_equal(s.e[1].mode, FORGET_ANONYMISE);
	assert_int_equal(s.e[1].line, 2);
	{
		size_t n;
		char *b = slurp(f->ledger, &n);

		assert_false(has(b, n, "A000042"));
		/* magic, hash, mode, time: a space between, a newline after */
		assert_int_equal(n, 2 * (strlen(FORGET_LEDGER_MAGIC) + 1 + 64 +
		    1 + 1 + 20 + 1) + strlen("erased") + strlen("anonymised"));
		free(b);
	}
	/* a damaged line stops the reader with its number */
	assert_non_null(fp = fopen(f->ledger, "a"));
	fputs("rekisteri-erasure/1 xyz erased 2026-12-02T12:00:00Z\n", fp);
	fclose(fp);
	s.n = 0;
	assert_int_equal(forget_ledger_each(f->ledger, on_entry, &s, &bad), -1);
	assert_int_equal(bad, 3);
}

/*
 * Separate users sharing a group (docs/deployment.md, #15): in a
 * set-group-ID folder that its group may write, a new database and a new
 * ledger are 0660, past the umask, so that the intranet's own user can
 * use them; elsewhere 0600. An erasure key the intranet's group may read
 * (0640) is used; one that group may change, or others read, is not.
 */
static void
shared_folder_modes(void **state)
{
	struct fx *f = *state;
	struct forget_key k;
	char sd[128], p[160], kd[96];
	struct stat sb;
	sqlite3 *db;
	mode_t old = umask(077);

	snprintf(sd, sizeof(sd), "%s/shared", f->dir);
	assert_int_equal(mkdir(sd, 0700), 0);
	assert_int_equal(chmod(sd, 02770), 0);
	snprintf(p, sizeof(p), "%s/r.db", sd);
	assert_int_equal(db_new_file_mode(p), 0660);
	assert_non_null(db = db_open(p, DB_CREATE, err, sizeof(err)));
	db_close(db);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	snprintf(p, sizeof(p), "%s/erasure-ledger", sd);
	assert_int_equal(forget_ledger_init(p), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	/* the boundary: set-group-ID, but the group may not write it */
	assert_int_equal(chmod(sd, 02750), 0);
	snprintf(p, sizeof(p), "%s/other-ledger", sd);
	assert_int_equal(db_new_file_mode(p), 0600);
	assert_int_equal(forget_ledger_init(p), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* set-group-ID and the group's, but other users may enter it */
	assert_int_equal(chmod(sd, 02771), 0);
	assert_int_equal(db_new_file_mode(p), 0600);
	/* the group may write it, but it is not set-group-ID */
	assert_int_equal(chmod(sd, 0770), 0);
	assert_int_equal(db_new_file_mode(p), 0600);
	assert_int_equal(db_new_file_mode(f->ledger), 0600);
	umask(old);

	snprintf(kd, sizeof(kd), "%s/keys", f->dir);
	snprintf(p, sizeof(p), "%s/keys/" FORGET_KEY_FILE, f->dir);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(forget_key_load(kd, &k, err, sizeof(err)), 0);
	assert_memory_equal(k.k, f->key.k, sizeof(k.k));
	assert_int_equal(chmod(p, 0660), 0);
	assert_int_equal(forget_key_load(kd, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(forget_key_load(kd, &k, err, sizeof(err)), -1);
	assert_int_equal(chmod(p, 0600), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(erase_leaves_no_trace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(anonymise_leaves_no_trace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(request_matches_suppression,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(suppression_matches_the_same_person,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ledger_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_folder_modes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(request_retention_boundary, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("forget", tests, NULL, NULL);
}
