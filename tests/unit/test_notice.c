/* test_notice.c — the notice's import format, drafts, publishing and immutability; date formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "notice.h"
#include "view_notice.h"
#include "notice_edit.h"

static char err[1024];

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_take(&b);
}

static int
parse_file(const char *path, enum lang lang, struct notice_doc *d,
    struct buf *report)
{
	size_t len;
	char *text = slurp(path, &len);
	int rc = notice_parse(text, len, lang, d, report, err, sizeof(err));

	free(text);
	return rc;
}

static void
seed_parses(void **state)
{
	struct notice_doc fi, en;
	struct buf rep = BUF_INIT;

	(void)state;
	assert_int_equal(parse_file("data/notice/fi.txt", LANG_FI, &fi, &rep), 0);
	assert_string_equal(fi.title, "Asiakasrekisteri - tietosuojaseloste");
	assert_string_equal(fi.drawn_up, "2020-06-23");
	assert_string_equal(fi.controller_name, "Vemitek Oy");
	assert_string_equal(fi.controller_phone, "044 0219 914");
	assert_string_equal(fi.controller_email, "anja.koivisto@vemitek.fi");
	assert_string_equal(fi.contact_name, "Anja Koivisto");
	assert_string_equal(fi.register_name, "Asiakasrekisteri");
	assert_int_equal(fi.n, 21);
	assert_string_equal(fi.s[0].anchor,
	    "oikeusperuste-ja-henkilotietojen-kasittelyn");
	/* the list written as "- item" lines, with its continuation line */
	for (size_t i = 0; i < fi.n; i++)
		if (strcmp(fi.s[i].title, "Rekisterin tietosisältö") == 0) {
			assert_non_null(strstr(fi.s[i].body,
			    "<li>Henkilön etu- ja sukunimi</li>"));
			assert_non_null(strstr(fi.s[i].body,
			    "<li>Tiedot aikaisemmista tilauksista</li>"));
		}
	/* what was cleaned away is reported, with line numbers */
	assert_non_null(strstr(rep.data, "style"));
	assert_non_null(strstr(rep.data, "line "));
	/* the empty section on profiling stays empty: a proposal, never filled in (#16) */
	assert_non_null(strstr(rep.data, "(Automaattinen käsittely ja profilointi): "
	    "the section is empty; a proposal, if it is true: <p>Rekisterin tietoja "
	    "ei käytetä"));
	for (size_t i = 0; i < fi.n; i++)
		if (strstr(fi.s[i].title, "profilointi") != NULL)
			assert_string_equal(fi.s[i].body, "");
	for (size_t i = 0; i < fi.n; i++) {
		assert_true(fi.s[i].anchor[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(fi.s[i].anchor, fi.s[j].anchor);
	}
	buf_reset(&rep);
	assert_int_equal(parse_file("data/notice/en.txt", LANG_EN, &en, &rep), 0);
	assert_int_equal(en.n, fi.n);
	assert_string_equal(en.drawn_up, fi.drawn_up);
	notice_doc_free(&fi);
	notice_doc_free(&en);
	buf_free(&rep);
}

static void
hostile_sections_cleaned(void **state)
{
	struct notice_doc d;
	struct buf rep = BUF_INIT;

	(void)state;
	assert_int_equal(parse_file("tests/fixtures/notice/hostile.txt", LANG_FI,
	    &d, &rep), 0);
	assert_string_equal(d.controller_phone, "+358 40 123 4567");
	assert_string_equal(d.controller_email, "x@example.fi");
	assert_string_equal(d.contact_name, "Matti Meikäläinen");
	assert_int_equal(d.n, 3);
	assert_null(strstr(d.s[0].body, "script"));
	assert_null(strstr(d.s[0].body, "onclick"));
	assert_null(strstr(d.s[0].body, "javascript"));
	assert_non_null(strstr(d.s[0].body, "linkki"));
	/* two sections with one title get different anchors */
	assert_string_equal(d.s[0].anchor, "turvallisuus");
	assert_string_equal(d.s[1].anchor, "turvallisuus-2");
	assert_string_equal(d.s[2].body, "");	/* not filled in on the controller's behalf */
	assert_non_null(strstr(rep.data, "script"));
	notice_doc_free(&d);
	buf_free(&rep);
}

static void
bad_files_name_the_line(void **state)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "bad-date.txt", "line 3: \"Laatimispäivä\" should be the date" },
		{ "short.txt", "expected the date drawn up" },
		{ "no-title.txt", "line 1: the document's title" },
	};
	struct notice_doc d;
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "tests/fixtures/notice/%s",
		    cases[i].file);
		assert_int_equal(parse_file(path, LANG_FI, &d, NULL), -1);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("%s: \"%s\"", cases[i].file, err);
	}
	assert_int_equal(notice_parse("a\tb\xff\n", 5, LANG_FI, &d, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "UTF-8"));
}

static sqlite3 *
fresh_db(void)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 2);
	return db;
}

static int
count(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
import_publish_versions(void **state)
{
	struct notice_doc fi, en;
	sqlite3 *db = fresh_db();
	int number = 0;

	(void)state;
	assert_int_equal(parse_file("data/notice/fi.txt", LANG_FI, &fi, NULL), 0);
	assert_int_equal(parse_file("data/notice/en.txt", LANG_EN, &en, NULL), 0);

	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no draft"));
	assert_int_equal(notice_import(db, &fi, LANG_FI, "Katu 1", NULL, err,
	    sizeof(err)), 0);
	/* English missing: refused, and nothing changes */
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "both Finnish and English"));
	assert_int_equal(count(db, "SELECT count(*) FROM notice_versions"
	    " WHERE number IS NOT NULL"), 0);
	assert_int_equal(notice_import(db, &en, LANG_EN, "Katu 1", NULL, err,
	    sizeof(err)), 0);
	/* importing again replaces, it does not add */
	assert_int_equal(notice_import(db, &en, LANG_EN, "Katu 1", NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_sections"), 42);
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), 0);
	assert_int_equal(number, 1);
	/* anchors aligned to the Finnish ones */
	assert_int_equal(count(db, "SELECT count(*) FROM notice_sections e JOIN"
	    " notice_sections f USING (version_id, position) WHERE e.lang = 'en'"
	    " AND f.lang = 'fi' AND e.anchor = f.anchor"), 21);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_facts WHERE"
	    " controller_address = 'Katu 1'"), 2);

	/* a second version: the draft starts from version 1's other language */
	assert_int_equal(notice_import(db, &fi, LANG_FI, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_sections s JOIN"
	    " notice_versions v ON v.id = s.version_id WHERE v.number IS NULL"),
	    42);
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), 0);
	assert_int_equal(number, 2);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_sections"), 84);

	/* published versions never change */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE notice_sections SET"
	    " title = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM notice_versions",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_sections"
	    " WHERE title = 'x'"), 0);

	/* discard drops only the draft */
	assert_int_equal(notice_import(db, &fi, LANG_FI, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_discard_draft(db, err, sizeof(err)), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM notice_versions"), 2);
	notice_doc_free(&fi);
	notice_doc_free(&en);
	db_close(db);
}

/* The read side sees what was published. */
static void
read_side(void **state)
{
	struct notice_doc fi, en;
	struct tmpl_model *m;
	struct buf json = BUF_INIT;
	sqlite3 *db = fresh_db();
	int number;

	(void)state;
	assert_int_equal(parse_file("data/notice/fi.txt", LANG_FI, &fi, NULL), 0);
	assert_int_equal(parse_file("data/notice/en.txt", LANG_EN, &en, NULL), 0);
	assert_int_equal(notice_prepare(db), 0);
	assert_int_equal(notice_latest(), 0);
	assert_int_equal(notice_import(db, &fi, LANG_FI, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_import(db, &en, LANG_EN, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_latest(), 0);	/* a draft is not public */
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), 0);
	assert_int_equal(notice_latest(), 1);
	assert_true(notice_exists(1));
	assert_false(notice_exists(2));
	m = tm_new();
	assert_int_equal(notice_fill(1, LANG_FI, tm_root(m)), 0);
	assert_int_equal(notice_fill(2, LANG_FI, tm_root(m)), -1);
	tm_free(m);
	assert_int_equal(notice_json(1, &json), 0);
	assert_non_null(strstr(json.data, "\"latest\":true"));
	assert_non_null(strstr(json.data, "tietoja:\\n- Henkilön etu- ja sukunimi\\n"));
	buf_free(&json);
	notice_finalize();
	notice_doc_free(&fi);
	notice_doc_free(&en);
	db_close(db);
}

static void
dates(void **state)
{
	char s[64];

	(void)state;
	fmt_init();
	assert_int_equal(fmt_date(s, sizeof(s), LANG_FI, "2020-06-23"), 0);
	assert_string_equal(s, "23.6.2020");
	assert_int_equal(fmt_date(s, sizeof(s), LANG_EN, "2020-06-23"), 0);
	assert_string_equal(s, "23 June 2020");
	assert_int_equal(fmt_date(s, sizeof(s), LANG_FI, "2020-02-30"), -1);
	assert_string_equal(s, "");
	assert_int_equal(fmt_date(s, sizeof(s), LANG_FI, "2024-02-29"), 0);
	assert_int_equal(fmt_date(s, sizeof(s), LANG_FI, "2023-02-29"), -1);
	assert_int_equal(fmt_date(s, sizeof(s), LANG_FI, "2020-6-23"), -1);
	/* UTC to Helsinki: +2 in winter, +3 in summer */
	assert_int_equal(fmt_datetime(s, sizeof(s), LANG_FI,
	    "2026-11-25T12:05:00Z"), 0);
	assert_string_equal(s, "25.11.2026 klo 14.05");
	assert_int_equal(fmt_datetime(s, sizeof(s), LANG_EN,
	    "2026-07-01T21:30:00Z"), 0);
	assert_string_equal(s, "2 July 2026 at 00:30");
	assert_int_equal(fmt_datetime(s, sizeof(s), LANG_FI, "yesterday"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_parses),
		cmocka_unit_test(hostile_sections_cleaned),
		cmocka_unit_test(bad_files_name_the_line),
		cmocka_unit_test(import_publish_versions),
		cmocka_unit_test(read_side),
		cmocka_unit_test(dates),
	};

	xmlInitParser();
	return cmocka_run_group_tests_name("notice", tests, NULL, NULL);
}
