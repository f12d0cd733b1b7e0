/*
 * test_notice_rules.c — the notice checked before publishing (#16): the
 * company's 2020 notice is flagged for its demand of a hand signature (the
 * Ombudsman's Otavamedia decision, 2022), the former address and its empty
 * section on profiling (with a proposal, never filled in); a deliberately
 * incomplete notice misses the items of GDPR Art. 13; the corrected draft
 * of data/notice/ keeps only what the company alone can decide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "authority.h"
#include "buf.h"
#include "db.h"
#include "notice_edit.h"
#include "notice_rules.h"

/* The company's notice as it was in 2020: the seed, unchanged. */
#define SEED_2020	"tests/fixtures/richtext/tietosuojaseloste.txt"

static char err[1024];

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("%s: cannot open", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	buf_cstr(&b);
	return buf_take(&b);
}

static sqlite3 *
fresh_db(void)
{
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));

	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 2);
	return db;
}

/* Import file as lang into the draft. */
static void
import(sqlite3 *db, const char *file, enum lang lang)
{
	struct notice_doc d;
	size_t len;
	char *text = slurp(file, &len);

	if (notice_parse(text, len, lang, &d, NULL, err, sizeof(err)) != 0)
		fail_msg("%s: %s", file, err);
	if (notice_import(db, &d, lang, NULL, NULL, err, sizeof(err)) != 0)
		fail_msg("%s: %s", file, err);
	notice_doc_free(&d);
	free(text);
}

static struct authority *
shipped(void)
{
	struct authority *a = authority_load("data/authority.xml", err,
	    sizeof(err));

	if (a == NULL)
		fail_msg("%s", err);
	return a;
}

/* The finding of code in lang (and section position, unless 0), or NULL. */
static const struct nr_finding *
found(const struct nr_list *l, const char *code, enum lang lang, int position)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0 && l->v[i].lang == lang &&
		    (position == 0 || l->v[i].position == position))
			return &l->v[i];
	return NULL;
}

static void
seed_2020_is_flagged(void **state)
{
	struct authority *a = shipped();
	sqlite3 *db = fresh_db();
	const struct nr_finding *f;
	struct nr_list l;
	struct buf text = BUF_INIT;
	int number;

	(void)state;
	assert_int_equal(notice_review(db, 1, a, &l), 1);	/* no draft yet */
	import(db, SEED_2020, LANG_FI);
	import(db, "data/notice/en.txt", LANG_EN);
	assert_int_equal(notice_review(db, 1, a, &l), 0);
	/* the demanded signature, in both sections that demand it, with its source */
	f = found(&l, "signature", LANG_FI, 15);
	assert_non_null(f);
	assert_string_equal(f->match, "on allekirjoitettava");
	assert_int_equal(f->kind, NR_TEXT);
	assert_non_null(strstr(f->why[LANG_FI], "Otavamedia"));
	assert_non_null(strstr(f->why[LANG_EN], "6097/161/21"));
	f = found(&l, "signature", LANG_FI, 17);
	assert_non_null(f);
	assert_string_equal(f->match, "omakätisesti allekirjoitet");
	assert_non_null(found(&l, "signature", LANG_EN, 15));
	assert_non_null(found(&l, "signature", LANG_EN, 17));
	assert_non_null(found(&l, "written-only", LANG_FI, 15));
	/* the Ombudsman's former address (the 2020 text only) */
	f = found(&l, "authority", LANG_FI, 20);
	assert_non_null(f);
	assert_non_null(strstr(f->match, "Ratapihantie"));
	assert_null(found(&l, "authority", LANG_EN, 0));
	/* the empty section: a problem with a proposal, not filled in */
	f = found(&l, "empty", LANG_FI, 14);
	assert_non_null(f);
	assert_int_equal(f->kind, NR_EMPTY);
	assert_string_equal(f->title, "Automaattinen käsittely ja profilointi");
	assert_non_null(f->proposal);
	assert_non_null(strstr(f->proposal, "profilointiin"));
	assert_non_null(found(&l, "empty", LANG_EN, 14));
	/* what only the company knows */
	assert_non_null(found(&l, "art13.requirement", LANG_FI, 0));
	/* items that are there are not flagged */
	assert_null(found(&l, "art13.retention", LANG_FI, 0));
	assert_null(found(&l, "art13.complaint", LANG_EN, 0));
	assert_null(found(&l, "art13.controller", LANG_FI, 0));
	/* the printed list names rules and sections, never a person */
	nr_list_text(&l, LANG_EN, &text);
	assert_non_null(strstr(text.data, "fi 15 \"Tarkastusoikeus, eli oikeus "
	    "saada pääsy henkilötietoihin.\": The text demands a signed request. "
	    "(\"on allekirjoitettava\") [signature]"));
	assert_null(strstr(text.data, "Koivisto"));
	assert_null(strstr(text.data, "vemitek.fi"));
	nr_list_free(&l);
	/* published: the newest version says the same */
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), 0);
	assert_int_equal(notice_review(db, 1, a, &l), 1);
	assert_int_equal(notice_review(db, 0, a, &l), 0);
	assert_non_null(found(&l, "signature", LANG_FI, 15));
	nr_list_free(&l);
	buf_free(&text);
	db_close(db);
	authority_free(a);
}

static void
incomplete_notice_misses_items(void **state)
{
	static const char *const missing[] = { "art13.controller",
	    "art13.legal_basis", "art13.recipients", "art13.transfers",
	    "art13.retention", "art13.access", "art13.rectification",
	    "art13.erasure", "art13.restriction", "art13.objection",
	    "art13.portability", "art13.complaint", "art13.requirement",
	    "art13.automated" };
	sqlite3 *db = fresh_db();
	struct nr_list l;

	(void)state;
	import(db, "tests/fixtures/notice/incomplete.txt", LANG_FI);
	assert_int_equal(notice_review(db, 1, NULL, &l), 0);
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		const struct nr_finding *f = found(&l, missing[i], LANG_FI, 0);

		if (f == NULL)
			fail_msg("%s was not found missing", missing[i]);
		assert_int_equal(f->kind, NR_MISSING);
		assert_non_null(strstr(f->why[LANG_EN], "GDPR Art. 13"));
	}
	/* there: the purposes; not needed: legitimate interests and consent */
	assert_null(found(&l, "art13.purposes", LANG_FI, 0));
	assert_null(found(&l, "art13.legitimate_interests", LANG_FI, 0));
	assert_null(found(&l, "art13.withdraw_consent", LANG_FI, 0));
	/* an empty section without a proposal */
	assert_non_null(found(&l, "empty", LANG_FI, 3));
	assert_null(found(&l, "empty", LANG_FI, 3)->proposal);
	assert_int_equal(l.n, sizeof(missing) / sizeof(missing[0]) + 1);
	nr_list_free(&l);
	db_close(db);
}

/* Consent as a basis needs the right to withdraw it (Art. 13(2)(c)). */
static void
consent_needs_withdrawal(void **state)
{
	sqlite3 *db = fresh_db();
	struct nr_list l;

	(void)state;
	import(db, "data/notice/draft.fi.txt", LANG_FI);
	assert_int_equal(notice_draft_section(db, LANG_FI, 4, "Suostumus",
	    "<p>Uutiskirjeen lähettäminen perustuu suostumukseen.</p>", NULL,
	    err, sizeof(err)), 0);
	assert_int_equal(notice_review(db, 1, NULL, &l), 0);
	assert_non_null(found(&l, "art13.withdraw_consent", LANG_FI, 0));
	nr_list_free(&l);
	assert_int_equal(notice_draft_section(db, LANG_FI, 4, "Suostumus",
	    "<p>Uutiskirjeen lähettäminen perustuu suostumukseen. Voit "
	    "peruuttaa suostumuksesi milloin tahansa.</p>", NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_review(db, 1, NULL, &l), 0);
	assert_null(found(&l, "art13.withdraw_consent", LANG_FI, 0));
	nr_list_free(&l);
	db_close(db);
}

/*
 * The corrected draft: the signature and the written-only demand are gone,
 * and so is the former address; what is left is for the company to decide
 * (whether giving the data is required; the empty section on profiling),
 * and accepting the proposal clears the latter.
 */
static void
corrected_draft_leaves_the_company_decisions(void **state)
{
	struct authority *a = shipped();
	sqlite3 *db = fresh_db();
	struct nr_list l;

	(void)state;
	import(db, "data/notice/draft.fi.txt", LANG_FI);
	import(db, "data/notice/draft.en.txt", LANG_EN);
	assert_int_equal(notice_review(db, 1, a, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].kind == NR_TEXT || l.v[i].kind == NR_AUTHORITY)
			fail_msg("%s in %s section %d", l.v[i].code,
			    lang_codes[l.v[i].lang], l.v[i].position);
	assert_int_equal(l.n, 4);
	for (int lang = 0; lang < LANG__MAX; lang++) {
		assert_non_null(found(&l, "art13.requirement", (enum lang)lang, 0));
		assert_non_null(found(&l, "empty", (enum lang)lang, 14));
	}
	/* the admin accepts the proposal for one language */
	assert_int_equal(notice_draft_section(db, LANG_EN, 14,
	    found(&l, "empty", LANG_EN, 14)->title,
	    found(&l, "empty", LANG_EN, 14)->proposal, NULL, err, sizeof(err)), 0);
	nr_list_free(&l);
	assert_int_equal(notice_review(db, 1, a, &l), 0);
	assert_int_equal(l.n, 3);
	assert_null(found(&l, "empty", LANG_EN, 14));
	nr_list_free(&l);
	db_close(db);
	authority_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_2020_is_flagged),
		cmocka_unit_test(incomplete_notice_misses_items),
		cmocka_unit_test(consent_needs_withdrawal),
		cmocka_unit_test(corrected_draft_leaves_the_company_decisions),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("notice_rules", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
