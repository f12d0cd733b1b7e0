/*
 * test_letters.c — a request's extension and its letters with a fixed
 * clock: the extension allowed on the first deadline's day (Helsinki) and
 * refused the day after, once only, 1 or 2 months with reasons; the new
 * deadline counted from receipt by EU 1182/71 (31 January + 1, 2, 3
 * months, leap years, a weekend or a holiday moved on); drafts and their
 * parts; a letter marked sent stored with the SHA-256 of its bytes and
 * then never changed nor deleted (the database's triggers); the plain
 * text of a letter for mail.
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

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "kv.h"
#include "letter.h"
#include "letter_holds.h"

static char dir[] = "/tmp/rekisteri-letters-XXXXXX";
static char dbpath[200];
static sqlite3 *db;

/* Helsinki is UTC+2 in winter: 2026-03-02 ends at 21:59:59Z. */
#define LAST_SECOND	((time_t)1772488799)	/* 2026-03-02T21:59:59Z */
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

static long long
num(const char *q)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Run q: SQLite's primary result code (a trigger's RAISE(ABORT) is SQLITE_CONSTRAINT). */
static int
exec(const char *q)
{
	return sqlite3_exec(db, q, NULL, NULL, NULL) & 0xff;
}

/* A request received 2026-01-31 (its first deadline 2026-03-02: 28 February is a Saturday); its id. */
static long long
request(const char *number, const char *status)
{
	char q[1024];

	snprintf(q, sizeof(q), "INSERT INTO requests (number, received, deadline,"
	    " types, lang, name, text_sha256, key_id, code, form_id, token_hash,"
	    " status, closed_at) VALUES ('%s', '2026-01-31T10:00:00Z',"
	    " '2026-03-02', 5, 'fi', 'Testi', '', 'k', 'RK1.x', '%s',"
	    " randomblob(16), '%s', %s)", number, number, status,
	    dsr_is_open(status) ? "NULL" : "'2026-02-10T10:00:00Z'");
	assert_int_equal(exec(q), SQLITE_OK);
	return sqlite3_last_insert_rowid(db);
}

/* 31 January plus months, by the last day of a shorter month; a period from receipt moved to a working day. */
static void
deadline_months(void **state)
{
	static const char *const add[][3] = {
		{ "2026-01-31", "1", "2026-02-28" },
		{ "2026-01-31", "2", "2026-03-31" },
		{ "2026-01-31", "3", "2026-04-30" },
		{ "2028-01-31", "1", "2028-02-29" },	/* a leap year */
		{ "2026-11-30", "3", "2027-02-28" },
		{ "2026-12-31", "2", "2027-02-28" },
		{ "2026-03-15", "0", "2026-03-15" },
	};
	char d[16];

	(void)state;
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
		assert_int_equal(fmt_add_months(add[i][0], atoi(add[i][1]), d,
		    sizeof(d)), 0);
		assert_string_equal(d, add[i][2]);
	}
	assert_int_equal(fmt_add_months("2026-01-31", -1, d, sizeof(d)), -1);
	assert_int_equal(fmt_add_months("2026-02-30", 1, d, sizeof(d)), -1);
	/* the first deadline: 28 February 2026 is a Saturday → Monday 2 March */
	assert_int_equal(fmt_deadline_months("2026-01-31T10:00:00Z", 1, d,
	    sizeof(d)), 0);
	assert_string_equal(d, "2026-03-02");
	/* extended by one or two months: the whole period from receipt */
	assert_int_equal(fmt_deadline_months("2026-01-31T10:00:00Z", 2, d,
	    sizeof(d)), 0);
	assert_string_equal(d, "2026-03-31");
	assert_int_equal(fmt_deadline_months("2026-01-31T10:00:00Z", 3, d,
	    sizeof(d)), 0);
	assert_string_equal(d, "2026-04-30");
	/* received late on 31 January UTC is 1 February in Helsinki: 1 May is May Day, then a weekend */
	assert_int_equal(fmt_deadline_months("2026-01-31T22:30:00Z", 3, d,
	    sizeof(d)), 0);
	assert_string_equal(d, "2026-05-04");
	assert_int_equal(fmt_deadline_months("2026-01-31T10:00:00Z", 4, d,
	    sizeof(d)), -1);
	assert_int_equal(fmt_deadline_months("2026-01-31T10:00:00Z", 0, d,
	    sizeof(d)), -1);
}

/* The first deadline's day is the last day allowed (Helsinki), the next refused. */
static void
extension_boundary(void **state)
{
	(void)state;
	assert_null(letter_extend_allowed("in_progress", "2026-03-02", "",
	    LAST_SECOND));
	assert_null(letter_extend_allowed("received", "2026-03-02", "",
	    LAST_SECOND - 86400 * 20));
	assert_string_equal(letter_extend_allowed("in_progress", "2026-03-02", "",
	    NEXT_DAY), "letters.err.too_late");
	assert_string_equal(letter_extend_allowed("answered", "2026-03-02", "",
	    LAST_SECOND), "letters.err.closed");
	assert_string_equal(letter_extend_allowed("in_progress", "2026-03-02",
	    "2026-02-01T10:00:00Z", LAST_SECOND), "letters.err.extended");
}

/* letter_extend: stored once with the new deadline, a step; refused after the deadline, twice, without reasons. */
static void
extend_stored_once(void **state)
{
	const char *why;
	char dl[11];
	long long id = request("TS-2026-000001", "in_progress"),
	    late = request("TS-2026-000002", "received");
	struct letter_ext e;

	(void)state;
	assert_int_equal(letter_extend(db, late, 2, "Monta pyyntöä", 0, NEXT_DAY,
	    &why, dl), 1);
	assert_string_equal(why, "letters.err.too_late");
	assert_int_equal(letter_extend(db, id, 3, "Syy", 0, LAST_SECOND, &why,
	    dl), 1);
	assert_string_equal(why, "letters.err.months");
	assert_int_equal(letter_extend(db, id, 1, "  ", 0, LAST_SECOND, &why,
	    dl), 1);
	assert_string_equal(why, "letters.err.reasons");
	assert_int_equal(letter_extend(db, 9999, 1, "Syy", 0, LAST_SECOND, &why,
	    dl), 1);
	assert_string_equal(why, "request.none");
	assert_int_equal(letter_extend(db, id, 2, "Monta pyyntöä\nsamaan aikaan",
	    0, LAST_SECOND, &why, dl), 0);
	/* 1 + 2 months from receipt on 31 January: the last day of April */
	assert_string_equal(dl, "2026-04-30");
	assert_int_equal(letter_ext_get(db, id, &e), 0);
	assert_string_equal(e.deadline, "2026-04-30");
	assert_string_equal(e.at, "2026-03-02T21:59:59Z");
	assert_int_equal(e.months, 2);
	assert_string_equal(e.reasons, "Monta pyyntöä\nsamaan aikaan");
	letter_ext_free(&e);
	assert_int_equal(num("SELECT count(*) FROM request_steps WHERE"
	    " action = 'extended'"), 1);
	/* once only: the rule, and the database besides */
	assert_int_equal(letter_extend(db, id, 1, "Uudestaan", 0, LAST_SECOND,
	    &why, dl), 1);
	assert_string_equal(why, "letters.err.extended");
	assert_int_not_equal(exec("UPDATE requests SET extended_deadline ="
	    " '2026-12-31' WHERE number = 'TS-2026-000001'"), SQLITE_OK);
	{
		struct dsr q;

		assert_int_equal(dsr_prepare(db, NULL), 0);
		assert_int_equal(dsr_get(db, id, &q), 0);
		assert_string_equal(dsr_due(&q), "2026-04-30");
		assert_string_equal(q.deadline, "2026-03-02");
		dsr_free(&q);
		assert_int_equal(dsr_get(db, late, &q), 0);
		assert_string_equal(dsr_due(&q), "2026-03-02");
		dsr_free(&q);
		dsr_finalize();
	}
}

/* The parts staff write: checked as typed, complete only with every part the kind needs. */
static void
parts_and_completeness(void **state)
{
	struct kvlist form = { 0 }, parts = { 0 };
	unsigned types = (1u << RT_ACCESS) | (1u << RT_ERASURE);

	(void)state;
	kv_add(&form, "type.access", "Kopio lähetetty.");
	assert_null(letter_parts_read(LK_ANSWER, types, &form, &parts));
	assert_string_equal(letter_complete(LK_ANSWER, types, &parts),
	    "letters.err.answer_missing");
	kv_free(&parts);
	kv_add(&form, "type.erasure", "Poistettu.");
	assert_null(letter_parts_read(LK_ANSWER, types, &form, &parts));
	assert_null(letter_complete(LK_ANSWER, types, &parts));
	assert_null(kv_get(&parts, "list_parties"));
	kv_free(&parts);
	/* GDPR Art. 19: the parties listed when the person asked; only "1" */
	kv_add(&form, "list_parties", "1");
	assert_null(letter_parts_read(LK_ANSWER, types, &form, &parts));
	assert_string_equal(kv_get(&parts, "list_parties"), "1");
	kv_free(&parts);
	kv_add(&form, "list_parties", "1");
	assert_string_equal(letter_parts_read(LK_ANSWER, types, &form, &parts),
	    "letters.err.list_parties");
	kv_free(&parts);
	kv_free(&form);

	kv_add(&form, "scope", "part");
	kv_add(&form, "refused", "Laskut");
	kv_add(&form, "basis", "legal_obligation");
	kv_add(&form, "basis", "no_such_basis");
	assert_string_equal(letter_parts_read(LK_REFUSAL, types, &form, &parts),
	    "letters.err.basis");
	kv_free(&parts);
	kv_free(&form);
	kv_add(&form, "scope", "part");
	kv_add(&form, "refused", "Laskut");
	kv_add(&form, "basis", "legal_obligation");
	assert_null(letter_parts_read(LK_REFUSAL, types, &form, &parts));
	assert_string_equal(letter_complete(LK_REFUSAL, types, &parts),
	    "letters.err.refusal_reasons");
	kv_free(&parts);
	kv_add(&form, "reasons", "Kirjanpitolaki");
	assert_null(letter_parts_read(LK_REFUSAL, types, &form, &parts));
	assert_null(letter_complete(LK_REFUSAL, types, &parts));
	kv_free(&parts);
	kv_add(&form, "reasons", "twice");
	assert_string_equal(letter_parts_read(LK_REFUSAL, types, &form, &parts),
	    "letters.err.twice");
	kv_free(&parts);
	kv_free(&form);
	/* every basis has its source, and the names parse back */
	for (int i = 0; i < LETTER_BASES; i++) {
		assert_true(strstr(letter_bases[i].source, "GDPR Art.") != NULL);
		assert_int_equal(letter_basis_parse(letter_bases[i].name), i);
	}
	assert_null(letter_complete(LK_EXTENSION, types, &parts));
}

/* Marked sent: the bytes with their SHA-256; then the triggers refuse any change or deletion. */
static void
sent_letter_is_fixed(void **state)
{
	static const char content[] = "abc";	/* FIPS 180-2's example */
	struct kvlist parts = { 0 };
	struct letter l;
	long long rid = request("TS-2026-000003", "in_progress"), lid, again;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], q[256];

	(void)state;
	kv_add(&parts, "type.access", "Kopio");
	assert_int_equal(letter_draft_save(db, rid, LK_ANSWER, &parts, 0, &lid),
	    0);
	/* saving again replaces the draft's parts, same draft */
	assert_int_equal(letter_draft_save(db, rid, LK_ANSWER, &parts, 0,
	    &again), 0);
	assert_int_equal(again, lid);
	kv_free(&parts);
	assert_int_equal(letter_draft_get(db, rid, LK_ANSWER, &l), 0);
	assert_string_equal(kv_get(&l.parts, "type.access"), "Kopio");
	assert_string_equal(l.sent_at, "");
	letter_free(&l);
	assert_int_equal(letter_mark_sent(db, lid, LETTER_VIA_POST, content,
	    strlen(content), 0, LAST_SECOND), 0);
	assert_int_equal(letter_mark_sent(db, lid, LETTER_VIA_POST, content,
	    strlen(content), 0, LAST_SECOND), 1);	/* not a draft any more */
	assert_int_equal(letter_draft_get(db, rid, LK_ANSWER, &l), 1);
	assert_int_equal(letter_get(db, lid, &l), 0);
	assert_string_equal(l.sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_hash_sha256(h, (const unsigned char *)l.content, l.content_len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex, l.sha256);
	assert_string_equal(l.sent_at, "2026-03-02T21:59:59Z");
	assert_string_equal(l.sent_via, "post");
	letter_free(&l);
	/* the triggers: no change, no deletion, of the letter or its parts */
	snprintf(q, sizeof(q), "UPDATE request_letters SET content = X'00' WHERE"
	    " id = %lld", lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	assert_non_null(strstr(sqlite3_errmsg(db), "cannot be changed"));
	snprintf(q, sizeof(q), "UPDATE request_letters SET sent_at = NULL,"
	    " sent_via = NULL, content = NULL, sha256 = NULL WHERE id = %lld", lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	snprintf(q, sizeof(q), "DELETE FROM request_letters WHERE id = %lld", lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	assert_non_null(strstr(sqlite3_errmsg(db), "cannot be deleted"));
	snprintf(q, sizeof(q), "UPDATE letter_parts SET value = 'x' WHERE"
	    " letter_id = %lld", lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	snprintf(q, sizeof(q), "DELETE FROM letter_parts WHERE letter_id = %lld",
	    lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	snprintf(q, sizeof(q), "INSERT INTO letter_parts VALUES (%lld, 9, 'a',"
	    " 'b')", lid);
	assert_int_equal(exec(q), SQLITE_CONSTRAINT);
	snprintf(q, sizeof(q), "SELECT count(*) FROM request_letters WHERE id ="
	    " %lld AND content = CAST('abc' AS BLOB)", lid);
	assert_int_equal(num(q), 1);
	/* a new draft of the same kind may be made beside the sent letter */
	assert_int_equal(letter_draft_save(db, rid, LK_ANSWER, &parts, 0,
	    &again), 0);
	assert_true(again != lid);
	/* a draft is not protected: it may go */
	snprintf(q, sizeof(q), "DELETE FROM request_letters WHERE id = %lld",
	    again);
	assert_int_equal(exec(q), SQLITE_OK);
}

/* The mail's text: the letter's paragraphs and headings, line breaks of pre text kept, no QR code. */
static void
plain_text(void **state)
{
	static const char page[] = "<!DOCTYPE html>\n<html xmlns="
	    "\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body>"
	    "<nav>menu</nav><article class=\"letter\"><h1>Vastaus</h1>\n  <p>Hei"
	    "   maailma</p><p class=\"pre\">rivi 1\nrivi 2</p><ul><li>yksi</li>"
	    "</ul><figure class=\"letter-qr no-mail\"><svg xmlns=\"http://www.w3.org"
	    "/2000/svg\"><title>QR</title></svg><figcaption>koodi</figcaption>"
	    "</figure></article></body></html>";
	char *t = letter_text(page, sizeof(page) - 1), *w;
	char longp[1200];

	(void)state;
	assert_non_null(t);
	assert_string_equal(t, "Vastaus\nHei maailma\nrivi 1\nrivi 2\n- yksi\n");
	free(t);
	assert_null(letter_text("<p>not a letter</p>", 19));
	assert_null(letter_text("<p", 2));
	/* long paragraphs are wrapped for mail */
	snprintf(longp, sizeof(longp), "<div class=\"letter\"><p>");
	for (int i = 0; i < 100; i++)
		strcat(longp, "sana ");
	strcat(longp, "</p></div>");
	assert_non_null(w = letter_text(longp, strlen(longp)));
	for (char *p = w, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		assert_true(nl - p <= 76);
	free(w);
}

/*
 * The holds of an erasure request's linked records, offered as the
 * refusal's reasons worded for the person with their last day and source
 * (fi/en): a record the Accounting Act keeps (partly refused: anonymised,
 * the orders kept) until its voucher's last day; one with an open invoice
 * (refused, open-ended); nothing for a request without erasure or a
 * record that may be erased.
 */
static void
refusal_reasons_from_holds(void **state)
{
	struct letter_holds lh;
	struct buf fi = BUF_INIT, en = BUF_INIT;
	long long rq;
	char q[300];

	(void)state;
	assert_int_equal(exec("INSERT INTO customers (id, number, last_name)"
	    " VALUES (901, 'H901', 'Tilaaja'), (902, 'H902', 'Velallinen'),"
	    " (903, 'H903', 'Vapaa')"), SQLITE_OK);
	/* a voucher of 2021: kept six years from the end of 2021 (2:10 §) */
	assert_int_equal(exec("INSERT INTO orders (customer_id, number,"
	    " ordered_on, amount_cents, status, status_on) VALUES"
	    " (901, 'H-1', '2021-01-05', 1000, 'paid', '2021-01-05'),"
	    " (902, 'H-2', '2025-06-01', 2000, 'open', '')"), SQLITE_OK);
	rq = request("TS-2026-000901", "in_progress");
	snprintf(q, sizeof(q), "INSERT INTO request_customers (request_id,"
	    " customer_id) VALUES (%lld, 901), (%lld, 903)", rq, rq);
	assert_int_equal(exec(q), SQLITE_OK);

	assert_int_equal(letter_holds_get(db, rq, 5, "2026-03-01", NULL, &lh), 0);
	assert_int_equal(lh.erasure, 1);
	assert_int_equal(lh.refused, 0);
	assert_int_equal(lh.partly, 1);
	assert_int_equal(lh.n, 1);
	assert_int_equal(lh.h[0].reason, HOLD_ACCOUNTING);
	assert_string_equal(lh.h[0].until, "2027-12-31");
	letter_holds_text(&lh, LANG_FI, &fi);
	letter_holds_text(&lh, LANG_EN, &en);
	buf_addc(&fi, '\0');
	buf_addc(&en, '\0');
	assert_non_null(strstr(fi.data, "Kirjanpitolaki (1336/1997"));
	assert_non_null(strstr(fi.data, " Viimeinen päivä: 31.12.2027."
	    " (GDPR Art. 17(3)(b); Accounting Act 1336/1997 2:10 §)"));
	assert_non_null(strstr(en.data, "The Finnish Accounting Act"));
	assert_non_null(strstr(en.data, " Last day: 31 December 2027."
	    " (GDPR Art. 17(3)(b); Accounting Act 1336/1997 2:10 §)"));
	buf_free(&fi);
	buf_free(&en);
	/* the last day itself still holds; the day after, nothing does */
	assert_int_equal(letter_holds_get(db, rq, 5, "2027-12-31", NULL, &lh), 0);
	assert_int_equal(lh.n, 1);
	assert_int_equal(letter_holds_get(db, rq, 5, "2028-01-01", NULL, &lh), 0);
	assert_int_equal(lh.n, 0);
	assert_int_equal(lh.partly, 0);

	/* an open invoice refuses: open-ended, first in the order of the holds */
	snprintf(q, sizeof(q), "INSERT INTO request_customers (request_id,"
	    " customer_id) VALUES (%lld, 902)", rq);
	assert_int_equal(exec(q), SQLITE_OK);
	assert_int_equal(letter_holds_get(db, rq, 5, "2026-03-01", NULL, &lh), 0);
	assert_int_equal(lh.refused, 1);
	assert_true(lh.n >= 2);
	assert_int_equal(lh.h[0].reason, HOLD_OPEN_INVOICE);
	assert_string_equal(lh.h[0].until, "");
	assert_int_equal(lh.h[1].reason, HOLD_ACCOUNTING);
	letter_holds_text(&lh, LANG_EN, &en);
	buf_addc(&en, '\0');
	assert_int_equal(strncmp(en.data, "You have an open invoice.", 25), 0);
	assert_non_null(strstr(en.data, "legal claims). (GDPR Art. 17(3)(e))"
	    "\n\nThe Finnish Accounting Act"));
	buf_free(&en);

	/* a request without erasure offers nothing */
	assert_int_equal(letter_holds_get(db, rq, 1, "2026-03-01", NULL, &lh), 0);
	assert_int_equal(lh.erasure, 0);
	assert_int_equal(lh.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadline_months),
		cmocka_unit_test(extension_boundary),
		cmocka_unit_test(extend_stored_once),
		cmocka_unit_test(parts_and_completeness),
		cmocka_unit_test(sent_letter_is_fixed),
		cmocka_unit_test(plain_text),
		cmocka_unit_test(refusal_reasons_from_holds),
	};

	return cmocka_run_group_tests_name("letters", tests, setup, teardown);
}
