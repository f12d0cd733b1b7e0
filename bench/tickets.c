/*
 * tickets — helpers for bench/tickets.sh.
 *
 *   tickets tokens CONFIG N   print N form tokens, minted with the
 *                             database's secret by the very function the
 *                             request executable uses (dsr_form_token),
 *                             so wrk can send N valid submissions
 *   tickets reset CONFIG      forget the rate limit's counts
 *   tickets insert CONFIG N   the baseline: N plain inserts of the same row a
 *                             submission stores (an existing ticket's values,
 *                             fresh number, form id and ticket-link key;
 *                             no confirmation link), each its own durable
 *                             transaction (BEGIN IMMEDIATE; INSERT; COMMIT,
 *                             synchronous=FULL as db_open sets); prints
 *                             inserts/s and the p50 and p99 latency
 *
 * reset and insert first checkpoint the WAL into the database and empty it
 * (TRUNCATE), so each run begins with the same WAL: the insert does not pay
 * for the pages the submissions left in it, nor the submissions for the
 * insert's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "conf.h"
#include "db.h"
#include "dsr.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
tokens(sqlite3 *db, long n)
{
	char tok[DSR_FORM_TOKEN_MAX];
	time_t t = time(NULL);

	if (dsr_prepare(db, NULL) != 0)
		return 1;
	for (long i = 0; i < n; i++) {
		dsr_form_token(t, tok);
		puts(tok);
	}
	dsr_finalize();
	return 0;
}

/* The columns a submission writes, copied from the newest request. */
static const char copy_sql[] =
    "INSERT INTO requests (number, received, deadline, types, lang,"
    " name, organisation, email, phone, address, customer_number, free_text,"
    " text_sha256, key_id, code, form_id, token_hash, confirm_hash, mail_state)"
    " SELECT ?1, received, deadline, types, lang, name, organisation,"
    " email, phone, address, customer_number, free_text, text_sha256, key_id,"
    " code, ?3, ?4, NULL, mail_state FROM requests WHERE id = ?5";

static int
insert(sqlite3 *db, long n)
{
	sqlite3_stmt *st, *top;
	double *lat, t0, t1;
	long long src, base;
	int rc = 1;

	if (n < 1 || (lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		return 1;
	if (sqlite3_prepare_v2(db, "SELECT max(id), 0 FROM requests", -1, &top,
	    NULL) !=
	    SQLITE_OK || sqlite3_step(top) != SQLITE_ROW ||
	    sqlite3_column_type(top, 0) == SQLITE_NULL) {
		fprintf(stderr, "tickets: no request to copy (submit one first)\n");
		free(lat);
		return 1;
	}
	src = sqlite3_column_int64(top, 0);
	base = sqlite3_column_int64(top, 1);
	sqlite3_finalize(top);
	(void)sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	if (sqlite3_prepare_v2(db, copy_sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "tickets: %s\n", sqlite3_errmsg(db));
		free(lat);
		return 1;
	}
	/* the copies are numbered in year 1900, so they never meet real numbers */
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		char number[32], form_id[33];
		unsigned char id[16], hash[DSR_LINK_KEY];
		double s = now_ms();
		struct timespec ts;
		unsigned long long us;

		snprintf(number, sizeof(number), "TS-1900-%06lld", base + i + 1);
		randombytes_buf(id, sizeof(id));
		sodium_bin2hex(form_id, sizeof(form_id), id, sizeof(id));
		/* a link token's key as a submission's (lib/dsr.h): time, then hash */
		clock_gettime(CLOCK_REALTIME, &ts);
		us = (unsigned long long)ts.tv_sec * 1000000u +
		    (unsigned long long)ts.tv_nsec / 1000u;
		for (int b = 0; b < 8; b++)
			hash[b] = (unsigned char)(us >> (56 - 8 * b));
		randombytes_buf(hash + 8, sizeof(hash) - 8);
		if (db_begin(db) != 0)
			goto out;
		sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, form_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 4, hash, sizeof(hash), SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, src);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "tickets: %s\n", sqlite3_errmsg(db));
			db_rollback(db);
			goto out;
		}
		sqlite3_reset(st);
		if (db_commit(db) != 0)
			goto out;
		lat[i] = now_ms() - s;
	}
	t1 = now_ms();
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("inserts/s %.0f p50_ms %.2f p99_ms %.2f\n", (double)n / ((t1 - t0) / 1e3),
	    lat[n / 2], lat[(n * 99) / 100]);
	rc = 0;
out:
	sqlite3_finalize(st);
	/* leave the database as the submissions left it */
	sqlite3_exec(db, "DELETE FROM requests WHERE number GLOB 'TS-1900-*'",
	    NULL, NULL, NULL);
	free(lat);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct conf c;
	char err[512];
	sqlite3 *db;
	long n = 0;
	int rc;

	if (argc < 3 || (strcmp(argv[1], "reset") != 0 && (argc != 4 ||
	    (n = strtol(argv[3], NULL, 10)) < 1 || n > 10000000))) {
		fprintf(stderr, "usage: tickets tokens|insert CONFIG N | "
		    "tickets reset CONFIG\n");
		return 2;
	}
	if (sodium_init() < 0 || conf_load(&c, argv[2], err, sizeof(err)) != 0 ||
	    (db = db_open(c.db_path, DB_READWRITE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tickets: %s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "tokens") == 0)
		rc = tokens(db, n);
	else if (strcmp(argv[1], "insert") == 0)
		rc = insert(db, n);
	else if (strcmp(argv[1], "reset") == 0) {
		rc = sqlite3_exec(db, "DELETE FROM request_rate", NULL, NULL,
		    NULL) == SQLITE_OK ? 0 : 1;
		(void)sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	else
		rc = 2;
	db_close(db);
	conf_free(&c);
	return rc;
}
