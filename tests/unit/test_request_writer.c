/*
 * test_request_writer.c — group commit of data-subject requests: a batch
 * stores each request in its own savepoint within one transaction (a reused
 * form or a rate refusal takes back only itself), and the writer process
 * answers every worker, also those that connect while it is busy with
 * others; without a writer, dsr_submit says so and sends nothing.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "dsr.h"
#include "dsr_int.h"
#include "ticket.h"

static char dir[] = "/tmp/rekisteri-writer-XXXXXX";
static char dbpath[200], keydir[200], lockpath[200], sockpath[200];
static struct ticket_keys *keys;

static void
fill(struct dsr_form *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < RF__MAX; i++)
		f->v[i] = xstrdup("");
	free(f->v[RF_NAME]);
	f->v[RF_NAME] = xstrdup(name);
	free(f->v[RF_EMAIL]);
	f->v[RF_EMAIL] = xstrdup("testi@example.fi");
	f->types = 1u << RT_ACCESS;
}

/* A job: a form by name, form id number id, sent from net and host (no address without net), in Finnish. */
static void
job_set(struct dsr_job *j, const char *name, int id, const char *net,
    int host)
{
	fill(&j->f, name);
	snprintf(j->form_id, sizeof(j->form_id), "%032x", id);
	if (net != NULL)
		snprintf(j->client, sizeof(j->client), "%s%d", net, host);
	j->lang = LANG_FI;
}

/* Every job of j[0..n) failed, with no number and no link. */
static void
assert_all_failed(const struct dsr_job *j, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(j[i].res, RQ_ERROR);
		assert_string_equal(j[i].out.number, "");
		assert_string_equal(j[i].out.token, "");
	}
}

static long long
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int
setup(void **state)
{
	char err[512], id[17];
	sqlite3 *db;

	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	fmt_init();
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	snprintf(lockpath, sizeof(lockpath), "%s/r.db.request-lock", dir);
	if (dsr_writer_path(dbpath, sockpath, sizeof(sockpath)) != 0)
		return -1;
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	db_close(db);
	if (ticket_keygen(keydir, 0, id, err, sizeof(err)) != 0 ||
	    (keys = ticket_keys_load(keydir, 1, err, sizeof(err))) == NULL) {
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
	ticket_keys_free(keys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One transaction, a savepoint each: the reused form and the refused one take back only themselves. */
static void
batch(void **state)
{
	struct dsr_job j[4];
	char err[512];
	sqlite3 *db;

	(void)state;
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(dsr_prepare(db, lockpath), 0);
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 4; i++)
		job_set(&j[i], "Erä Testi", 100 + i, "192.0.2.", i);
	/* the second reuses the first's form; the fourth's address is over its limit */
	memcpy(j[1].form_id, j[0].form_id, sizeof(j[1].form_id));
	snprintf(j[3].client, sizeof(j[3].client), "%s", j[2].client);
	assert_int_equal(dsr_store_batch(db, keys, j, 4, 1), 0);
	assert_int_equal(j[0].res, RQ_STORED);
	assert_int_equal(j[1].res, RQ_USED);
	assert_int_equal(j[2].res, RQ_STORED);
	assert_int_equal(j[3].res, RQ_REFUSED);
	assert_string_not_equal(j[0].out.number, j[2].out.number);
	assert_string_equal(j[1].out.number, "");	/* no number leaves */
	assert_string_equal(j[3].out.token, "");
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), 2);
	for (int i = 0; i < 4; i++)
		dsr_form_free(&j[i].f);
	/* IPv6: one /64 is one client for the rate limit */
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 3; i++)
		job_set(&j[i], "Kuusi Testi", 200 + i, NULL, 0);
	snprintf(j[0].client, sizeof(j[0].client), "2001:db8:0:5::1");
	snprintf(j[1].client, sizeof(j[1].client), "2001:db8:0:5:ffff::2");
	snprintf(j[2].client, sizeof(j[2].client), "2001:db8:0:6::1");
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 1), 0);
	assert_int_equal(j[0].res, RQ_STORED);
	assert_int_equal(j[1].res, RQ_REFUSED);
	assert_int_equal(j[2].res, RQ_STORED);
	for (int i = 0; i < 3; i++)
		dsr_form_free(&j[i].f);
	/* without a writer (-w 1) a worker stores its own, the same way */
	{
		struct dsr_form f;
		struct dsr_stored out;

		fill(&f, "Yksin Testi");
		assert_int_equal(dsr_store(db, keys, &f,
		    "00000000000000000000000000000abc", "192.0.2.99", 1, LANG_FI,
		    0, &out), RQ_STORED);
		assert_int_equal(strncmp(out.number, "TS-", 3), 0);
		assert_int_equal(dsr_store(db, keys, &f,
		    "00000000000000000000000000000abc", "192.0.2.98", 1, LANG_FI,
		    0, &out), RQ_USED);
		assert_string_equal(out.number, "");
		dsr_form_free(&f);
	}
	dsr_finalize();
	db_close(db);
}

/* The key the database keeps for a link token (dsr.h). */
static size_t
stored_key(sqlite3 *db, const char *col, const char *number,
    unsigned char key[64])
{
	char sql[128];
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT %s FROM requests WHERE number = ?1",
	    col);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (n = (size_t)sqlite3_column_bytes(st, 0)) <= 64)
		memcpy(key, sqlite3_column_blob(st, 0), n);
	sqlite3_finalize(st);
	return n;
}

/* Set a request's stored link key to key (n bytes). */
static void
set_key(sqlite3 *db, const char *col, const char *number,
    const unsigned char *key, size_t n)
{
	char sql[128];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql), "UPDATE requests SET %s = ?1"
	    " WHERE number = ?2", col);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, key, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/*
 * Link tokens begin with the time they were made, and so do their keys
 * (#17): a batch's keys grow with its numbers, and go at the end of the
 * token indexes. A key is the token's first 8 bytes and its SHA-256; a
 * link of the older form (32 hex digits, kept as their SHA-256) still
 * opens its ticket and confirms its email; one wrong digit opens nothing.
 */
static void
link_keys_grow(void **state)
{
	struct dsr_job j[3];
	unsigned char key[64], prev_t[64] = { 0 }, prev_c[64] = { 0 }, want[64];
	char err[512], number[24], old[] = "0123456789abcdef0123456789abcdef";
	struct dsr r;
	sqlite3 *db;

	(void)state;
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(dsr_prepare(db, lockpath), 0);
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 3; i++)
		job_set(&j[i], "Avain Testi", 400 + i, "203.0.113.", i);
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 10), 0);
	for (int i = 0; i < 3; i++) {
		const char *tok[2] = { j[i].out.token, j[i].out.confirm };
		const char *col[2] = { "token_hash", "confirm_hash" };

		assert_int_equal(j[i].res, RQ_STORED);
		for (int c = 0; c < 2; c++) {
			assert_int_equal(strlen(tok[c]), DSR_LINK_HEX - 1);
			assert_int_equal(stored_key(db, col[c], j[i].out.number,
			    key), DSR_LINK_KEY);
			assert_int_equal(sodium_hex2bin(want, 8, tok[c], 16, NULL,
			    NULL, NULL), 0);
			crypto_hash_sha256(want + 8, (const unsigned char *)tok[c],
			    DSR_LINK_HEX - 1);
			assert_memory_equal(key, want, DSR_LINK_KEY);
			/* each later than the one before, in the batch's order */
			if (i > 0)
				assert_true(memcmp(c ? prev_c : prev_t, key,
				    DSR_LINK_KEY) < 0);
			memcpy(c ? prev_c : prev_t, key, DSR_LINK_KEY);
		}
		assert_int_equal(dsr_by_token(db, j[i].out.token, &r), 0);
		assert_string_equal(r.number, j[i].out.number);
		dsr_free(&r);
	}
	/* one wrong digit, in the random part or in the time: nothing */
	j[0].out.token[20] = j[0].out.token[20] == '0' ? '1' : '0';
	assert_int_equal(dsr_by_token(db, j[0].out.token, &r), 1);
	j[0].out.token[20] = j[0].out.token[20] == '0' ? '1' : '0';
	j[0].out.token[15] = j[0].out.token[15] == '0' ? '1' : '0';
	assert_int_equal(dsr_by_token(db, j[0].out.token, &r), 1);
	/* a link of the older form */
	snprintf(number, sizeof(number), "%s", j[1].out.number);
	crypto_hash_sha256(key, (const unsigned char *)old, strlen(old));
	set_key(db, "token_hash", number, key, crypto_hash_sha256_BYTES);
	set_key(db, "confirm_hash", number, key, crypto_hash_sha256_BYTES);
	assert_int_equal(dsr_by_token(db, old, &r), 0);
	assert_string_equal(r.number, number);
	dsr_free(&r);
	assert_int_equal(dsr_by_token(db, j[1].out.token, &r), 1);
	{
		char confirmed[24];

		assert_int_equal(dsr_confirm(db, old, 1, time(NULL), 90,
		    confirmed), 0);
		assert_string_equal(confirmed, number);
	}
	for (int i = 0; i < 3; i++)
		dsr_form_free(&j[i].f);
	dsr_finalize();
	db_close(db);
}

/*
 * Which tokens have a key (dsr_link_key): 48 lower-case hex digits, or
 * 32 of the older form; nothing else, whatever its length, case or
 * letters, is looked up at all. A changed digit of the time changes both
 * parts of the key, so the time alone finds nothing.
 */
static void
link_key_forms(void **state)
{
	static const char *const refused[] = {
		"",
		"0123456789abcdef0123456789abcdef0123456789abcde",	/* 47 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0",	/* 49 */
		"0123456789abcdef0123456789abcdef01234567",		/* 40 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcde",			/* 31 */
		"0123456789abcdef0123456789abcdef0",			/* 33 */
		"0123456789ABCDEF0123456789abcdef0123456789abcdef",	/* case */
		"0123456789ABCDEF0123456789ABCDEF",
		"012g456789abcdef0123456789abcdef0123456789abcdef",	/* letter */
		" 123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcde ",
	};
	char tok[DSR_LINK_HEX] = "0123456789abcdef0123456789abcdef0123456789abcdef";
	unsigned char key[DSR_LINK_KEY], other[DSR_LINK_KEY];
	unsigned char want[crypto_hash_sha256_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(dsr_link_key(refused[i], key), 0);
	assert_int_equal(dsr_link_key(NULL, key), 0);
	assert_int_equal(dsr_link_key(tok, key), DSR_LINK_KEY);
	assert_memory_equal(key, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	crypto_hash_sha256(want, (const unsigned char *)tok, strlen(tok));
	assert_memory_equal(key + 8, want, sizeof(want));
	tok[3] = '4';
	assert_int_equal(dsr_link_key(tok, other), DSR_LINK_KEY);
	assert_memory_not_equal(key, other, 8);
	assert_memory_not_equal(key + 8, other + 8, sizeof(want));
	tok[DSR_LINK_OLD_HEX] = '\0';
	assert_int_equal(dsr_link_key(tok, key), crypto_hash_sha256_BYTES);
	crypto_hash_sha256(want, (const unsigned char *)tok, DSR_LINK_OLD_HEX);
	assert_memory_equal(key, want, sizeof(want));
}

/* A commit hook that turns every COMMIT into a ROLLBACK: a commit that fails. */
static int
refuse_commit(void *arg)
{
	(*(int *)arg)++;
	return 1;
}

/*
 * Group commit never answers before the commit (#19, item 5): when the
 * batch's COMMIT fails, every job that would have been stored is answered
 * RQ_ERROR with no number and no ticket token (the writer sends each job's
 * res and out as they are), nothing is in the database, and the
 * connection is out of its transaction for the next batch.
 */
static void
failed_commit_answers_errors(void **state)
{
	struct dsr_job j[3];
	char err[512];
	sqlite3 *db;
	long long before;
	int refused = 0;

	(void)state;
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(dsr_prepare(db, lockpath), 0);
	before = count(db, "SELECT count(*) FROM requests");
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 3; i++)
		job_set(&j[i], "Kaatuva Erä", 300 + i, "198.51.100.", i);
	sqlite3_commit_hook(db, refuse_commit, &refused);
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 10), -1);
	assert_int_equal(refused, 1);
	assert_all_failed(j, 3);
	assert_true(sqlite3_get_autocommit(db));
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), before);
	/* the same forms, once commits work, are stored: nothing was used up */
	sqlite3_commit_hook(db, NULL, NULL);
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 10), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(j[i].res, RQ_STORED);
		assert_int_equal(strncmp(j[i].out.number, "TS-", 3), 0);
		dsr_form_free(&j[i].f);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), before + 3);
	dsr_finalize();
	db_close(db);
}

/*
 * SQLite may roll a batch's whole transaction back in the middle (a full
 * disk or an I/O error at one ticket; RAISE(ROLLBACK) stands in for
 * them). The tickets after it must not open a transaction of their own:
 * before the fix the third ticket's SAVEPOINT began one and its RELEASE
 * committed it, while the batch answered all three failed, so a ticket
 * was stored whose sender saw an error page and whose form then counted
 * as used. Now nothing of the batch is stored, all are answered RQ_ERROR,
 * and the same forms go through once the fault is gone.
 */
static void
rolled_back_batch_stores_nothing(void **state)
{
	static const char *const names[3] = { "Eka", "Kaatuu", "Kolmas" };
	struct dsr_job j[3];
	char err[512];
	sqlite3 *db;
	long long before;

	(void)state;
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(dsr_prepare(db, lockpath), 0);
	before = count(db, "SELECT count(*) FROM requests");
	assert_int_equal(sqlite3_exec(db, "CREATE TEMP TRIGGER fault BEFORE"
	    " INSERT ON requests WHEN NEW.name = 'Kaatuu'"
	    " BEGIN SELECT RAISE(ROLLBACK, 'a fault'); END", NULL, NULL, NULL),
	    SQLITE_OK);
	memset(j, 0, sizeof(j));
	for (int i = 0; i < 3; i++)
		job_set(&j[i], names[i], 500 + i, "198.51.100.", 40 + i);
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 10), -1);
	assert_all_failed(j, 3);
	assert_true(sqlite3_get_autocommit(db));
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), before);
	assert_int_equal(count(db, "SELECT count(*) FROM requests WHERE"
	    " name = 'Kolmas'"), 0);
	/* the same forms, without the fault: stored, none counted as used */
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER temp.fault", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(dsr_store_batch(db, keys, j, 3, 10), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(j[i].res, RQ_STORED);
		dsr_form_free(&j[i].f);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM requests"), before + 3);
	dsr_finalize();
	db_close(db);
}

static const struct ticket_keys *
the_keys(void *arg)
{
	return arg;
}

/* The writer in a child of its own, as the request executable's service. */
static pid_t
start_writer(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char err[512];
		sqlite3 *db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
		struct ticket_keys *k = ticket_keys_load(keydir, 1, err,
		    sizeof(err));

		if (db == NULL || k == NULL || dsr_prepare(db, lockpath) != 0)
			_exit(3);
		_exit(dsr_writer(db, sockpath, the_keys, k, 100000) == 0 ?
		    0 : 4);
	}
	return pid;
}

/* A worker: n submissions over one kept connection; exits 0 when all were stored. */
static void
submitter(int who, int n)
{
	for (int i = 0; i < n; i++) {
		struct dsr_form f;
		struct dsr_stored out;
		char form_id[DSR_FORM_ID_HEX];
		enum dsr_result res;

		fill(&f, "Rinnakkainen Lähettäjä");
		snprintf(form_id, sizeof(form_id), "%016x%016x", who, i);
		res = dsr_submit(sockpath, &f, form_id, "198.51.100.7",
		    LANG_EN, 0, &out);
		dsr_form_free(&f);
		if (res != RQ_STORED || strncmp(out.number, "TS-", 3) != 0 ||
		    strlen(out.token) != DSR_LINK_HEX - 1)
			_exit(1);
	}
	_exit(0);
}

/*
 * Workers that connect while the writer is busy with others are answered
 * too (a bench found them dropped once), every request is stored once with
 * its own number, and a form sent again is answered RQ_USED.
 */
static void
writer_answers_everyone(void **state)
{
	enum { WORKERS = 6, EACH = 15 };
	pid_t w, kids[WORKERS];
	struct dsr_form f;
	struct dsr_stored out;
	char err[512];
	sqlite3 *db;
	int st;

	(void)state;
	w = start_writer();
	for (int i = 0; i < 100 && access(sockpath, F_OK) != 0; i++)
		usleep(20000);
	for (int i = 0; i < WORKERS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0)
			submitter(i, EACH);
	}
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	db = db_open(dbpath, DB_READWRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(count(db, "SELECT count(*) FROM requests WHERE name ="
	    " 'Rinnakkainen Lähettäjä'"), WORKERS * EACH);
	assert_int_equal(count(db, "SELECT count(DISTINCT number) FROM requests"),
	    count(db, "SELECT count(*) FROM requests"));
	db_close(db);
	/* the same form again, through the writer: used */
	fill(&f, "Rinnakkainen Lähettäjä");
	{
		char form_id[DSR_FORM_ID_HEX];

		snprintf(form_id, sizeof(form_id), "%016x%016x", 0, 0);
		assert_int_equal(dsr_submit(sockpath, &f, form_id,
		    "198.51.100.7", LANG_EN, 0, &out), RQ_USED);
		assert_string_equal(out.number, "");
	}
	/* no writer: nothing is sent, the caller stores it itself */
	kill(w, SIGTERM);
	assert_int_equal(waitpid(w, &st, 0), w);
	unlink(sockpath);
	assert_int_equal(dsr_submit(sockpath, &f, "ffffffffffffffffffffffffffffffff",
	    "198.51.100.7", LANG_EN, 0, &out), RQ_NO_WRITER);
	dsr_form_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch),
		cmocka_unit_test(link_keys_grow),
		cmocka_unit_test(link_key_forms),
		cmocka_unit_test(failed_commit_answers_errors),
		cmocka_unit_test(rolled_back_batch_stores_nothing),
		cmocka_unit_test(writer_answers_everyone),
	};

	return cmocka_run_group_tests_name("dsr_writer", tests, setup,
	    teardown);
}
