/*
 * test_processing.c — the record of processing activities (GDPR Art. 30(1))
 * is generated from annotations that must cover the schema: every column
 * of every table with personal data, read from SQLite after all the
 * migrations in sql/, has one; a test migration with an unannotated column
 * fails the check, naming table.column; the record as JSON is valid and
 * escapes what the config says; every retention class has its source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "db.h"
#include "processing.h"

static char err[1024];

static sqlite3 *
migrated(void)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	assert_non_null(db);
	if (db_migrate(db, "sql", NULL, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return db;
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_cstr(&b);
	return buf_take(&b);
}

/* After every migration in sql/, every column is annotated (or its table exempt). */
static void
schema_is_annotated(void **state)
{
	sqlite3 *db = migrated();
	struct buf rep = BUF_INIT;
	int n;

	(void)state;
	n = processing_check_schema(db, &rep);
	if (n != 0) {
		/* the whole list: fail_msg would cut it short */
		fputs(buf_cstr(&rep), stderr);
		fail_msg("%d columns of the schema lack an annotation (listed"
		    " above)", n);
	}
	buf_free(&rep);
	db_close(db);
}

/* A test migration with unannotated columns fails, naming each table.column. */
static void
unannotated_column_fails(void **state)
{
	sqlite3 *db = migrated();
	struct buf rep = BUF_INIT;
	char *sql = slurp("tests/fixtures/processing/900_unannotated.sql");

	(void)state;
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(processing_check_schema(db, &rep), 3);
	assert_non_null(strstr(rep.data, "customers.shoe_size has no annotation "
	    "in lib/processing.c"));
	assert_non_null(strstr(rep.data, "outbox_test.id has no annotation"));
	assert_non_null(strstr(rep.data, "outbox_test.recipient has no "
	    "annotation"));
	free(sql);
	buf_free(&rep);
	db_close(db);
}

/* An annotation of a column the schema no longer has is a problem too. */
static void
annotation_of_a_gone_column_fails(void **state)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	struct buf rep = BUF_INIT;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE customers (id INTEGER)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_true(processing_check_schema(db, &rep) > 0);
	assert_non_null(strstr(rep.data, "customers.first_name is annotated in "
	    "lib/processing.c but is not in the schema"));
	buf_free(&rep);
	db_close(db);
}

/* Each personal column says whose data it is and who receives it; each class has its source. */
static void
annotations_are_whole(void **state)
{
	size_t n;
	const struct pd_column *c = processing_columns(&n);
	unsigned used = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (c[i].category == PC_NONE)
			continue;
		if (c[i].subjects == 0 || c[i].recipients == 0)
			fail_msg("%s.%s: no data subjects or recipients",
			    c[i].table, c[i].column);
		assert_false(processing_table_exempt(c[i].table, NULL));
		used |= 1u << c[i].retention;
	}
	for (int k = 0; k < RC__MAX; k++) {
		const struct retention_rule *r = retention_rule((enum retention_class)k);

		if (!(used & (1u << k)))
			fail_msg("retention class %s is used by no column", r->code);
		for (int l = 0; l < LANG__MAX; l++) {
			assert_true(r->period[l][0] != '\0');
			assert_true(r->source[l][0] != '\0');
		}
	}
	/* the sources the retention run will apply */
	assert_non_null(strstr(retention_rule(RC_ACCOUNTING)->source[LANG_EN],
	    "Accounting Act 1336/1997, chapter 2, section 10"));
	assert_int_equal(retention_rule(RC_CUSTOMER)->amount, 120);
	assert_string_equal(retention_rule(RC_CUSTOMER)->from,
	    "customers.relationship_ended");
}

static void
record_as_json(void **state)
{
	sqlite3 *db = migrated();
	const struct pd_controller c = { "Vemitek \"Oy\"\\ <x>", "Esimerkkikatu 1",
	    "044 0219 914", "anja.koivisto@vemitek.fi", "Anja Koivisto",
	    "044 0219 914", "anja.koivisto@vemitek.fi", "Lukitut tilat\nja "
	    "palomuuri", NULL };
	struct buf out = BUF_INIT;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(processing_json(db, &c, "2026-12-02", &out), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT json_valid(?1),"
	    " json_extract(?1, '$.controller.name'),"
	    " json_extract(?1, '$.transfers.en'),"
	    " json_array_length(?1, '$.activities'),"
	    " json_extract(?1, '$.activities[0].retention[0].class'),"
	    " json_extract(?1, '$.activities[0].legal_basis[0].fi'),"
	    " json_extract(?1, '$.security.organisation'),"
	    " json_extract(?1, '$.format')", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, out.data, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_string_equal(sqlite3_column_text(st, 1), "Vemitek \"Oy\"\\ <x>");
	assert_string_equal(sqlite3_column_text(st, 2),
	    "No transfers outside the EU or EEA");
	assert_int_equal(sqlite3_column_int(st, 3), PP__MAX);
	assert_string_equal(sqlite3_column_text(st, 4), "customer");
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 5),
	    "Sopimus"));
	assert_string_equal(sqlite3_column_text(st, 6),
	    "Lukitut tilat\nja palomuuri");
	assert_string_equal(sqlite3_column_text(st, 7), "rekisteri-processing/1");
	sqlite3_finalize(st);
	assert_non_null(strstr(out.data, "\"customers.first_name\""));
	assert_null(strstr(out.data, "\"customers.id\""));	/* no personal data */
	buf_free(&out);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schema_is_annotated),
		cmocka_unit_test(unannotated_column_fails),
		cmocka_unit_test(annotation_of_a_gone_column_fails),
		cmocka_unit_test(annotations_are_whole),
		cmocka_unit_test(record_as_json),
	};

	return cmocka_run_group_tests_name("processing", tests, NULL, NULL);
}
