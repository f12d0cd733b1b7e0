/*
 * test_authority.c — the supervisory authority's details (data/authority.xml)
 * and the notice check that compares a notice with them: the loader reads
 * the shipped file and refuses broken ones naming the line; the check finds
 * the Ombudsman's former address (Ratapihantie 9, 00521) in the company's
 * 2020 notice and nothing in the corrected drafts of data/notice/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "authority.h"
#include "view_notice.h"
#include "buf.h"
#include "db.h"
#include "notice_check.h"
#include "notice_edit.h"

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

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	buf_cstr(&b);
	return buf_take(&b);
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

static void
loads_the_shipped_details(void **state)
{
	struct authority *a = shipped();
	struct tmpl_model *m = tm_new();
	char due[11];

	(void)state;
	assert_string_equal(a->checked, "2026-12-02");
	assert_string_equal(a->source, "https://tietosuoja.fi/yhteystiedot");
	assert_string_equal(a->v[LANG_FI][AF_NAME],
	    "Tietosuojavaltuutetun toimisto");
	assert_string_equal(a->v[LANG_FI][AF_VISIT],
	    "Lintulahdenkuja 4, 00530 Helsinki");
	assert_string_equal(a->v[LANG_FI][AF_POST], "PL 800, 00531 Helsinki");
	assert_string_equal(a->v[LANG_FI][AF_PHONE], "029 566 6700");
	assert_string_equal(a->v[LANG_FI][AF_REGISTRY], "029 566 6768");
	assert_string_equal(a->v[LANG_FI][AF_EMAIL], "tietosuoja@om.fi");
	assert_string_equal(a->v[LANG_FI][AF_WEB], "https://tietosuoja.fi");
	assert_string_equal(a->v[LANG_EN][AF_NAME],
	    "Office of the Data Protection Ombudsman");
	assert_string_equal(a->v[LANG_EN][AF_POST],
	    "P.O. Box 800, FI-00531 Helsinki");
	assert_string_equal(a->v[LANG_EN][AF_VISIT],
	    "Lintulahdenkuja 4, 00530 Helsinki");
	assert_int_equal(a->nformer, 1);
	assert_string_equal(a->former[0], "Ratapihantie");
	authority_due(a, due);
	assert_string_equal(due, "2027-12-02");
	/* every detail reaches a page's model; the checked date as people write it */
	authority_fill(a, LANG_FI, tm_root(m));
	authority_fill(a, LANG_EN, tm_map(tm_root(m), "en"));
	tm_free(m);
	authority_free(a);
}

/* A file that is wrong in one place is refused, naming the line. */
static void
refuses_broken_files(void **state)
{
	static const char good_fi[] =
	    "<details lang=\"fi\"><name>T</name><visit>Katu 1, 00100 Helsinki"
	    "</visit><post>PL 1, 00101 Helsinki</post><phone>1</phone>"
	    "<registry>2</registry><email>a@b.fi</email><web>https://b.fi</web>"
	    "</details>\n";
	static const char good_en[] =
	    "<details lang=\"en\"><name>T</name><visit>Katu 1, 00100 Helsinki"
	    "</visit><post>PL 1, 00101 Helsinki</post><phone>1</phone>"
	    "<registry>2</registry><email>a@b.fi</email><web>https://b.fi</web>"
	    "</details>\n";
	static const struct {
		const char *head, *fi, *en, *want;
	} cases[] = {
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi, good_en,
		    NULL },
		{ "checked=\"2026-02-30\" source=\"https://b.fi\"", good_fi, good_en,
		    ":1: <authority checked=" },
		{ "source=\"https://b.fi\"", good_fi, good_en, "checked=" },
		{ "checked=\"2026-12-02\" source=\"http://b.fi\"", good_fi, good_en,
		    "source=" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi, "",
		    "no <details lang=\"en\">" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi, good_fi,
		    ":3: <details lang=\"fi\"> given twice" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi,
		    "<details lang=\"en\"><name>T</name></details>\n",
		    ":3: <details lang=\"en\"> has no <visit>" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi,
		    "<details lang=\"en\"><fax>1</fax></details>\n",
		    ":3: unknown element <fax>" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi,
		    "<details lang=\"en\"><name></name></details>\n",
		    ":3: <name> must be one line" },
		{ "checked=\"2026-12-02\" source=\"https://b.fi\"", good_fi,
		    "<details lang=\"sv\"></details>\n", ":3: <details> needs lang" },
	};
	char path[] = "/tmp/rekisteri-authority-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct authority *a;
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fprintf(f, "<authority %s>\n%s%s</authority>\n", cases[i].head,
		    cases[i].fi, cases[i].en);
		fclose(f);
		err[0] = '\0';
		a = authority_load(path, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (a == NULL)
				fail_msg("case %zu: %s", i, err);
			authority_free(a);
			continue;
		}
		assert_null(a);
		if (strstr(err, cases[i].want) == NULL ||
		    strncmp(err, path, strlen(path)) != 0)
			fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].want,
			    err);
	}
	unlink(path);
	assert_null(authority_load("/nonexistent/authority.xml", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/authority.xml"));
	/* without [site] data there is nowhere to look */
	{
		struct conf c;

		memset(&c, 0, sizeof(c));
		c.file = "x.conf";
		assert_null(authority_load_conf(&c, err, sizeof(err)));
		assert_non_null(strstr(err, "[site] data is not set"));
	}
}

/* The 2020 notice names Ratapihantie 9, 00521 Helsinki: both are flagged, on its line. */
static void
finds_ratapihantie_in_the_seed(void **state)
{
	struct authority *a = shipped();
	struct buf rep = BUF_INIT;
	size_t len;
	char *text = slurp(SEED_2020, &len);

	(void)state;
	assert_non_null(strstr(text, "Ratapihantie 9, 00521 Helsinki"));
	assert_int_equal(notice_check_authority(a, text, len, "seed", &rep), 2);
	assert_non_null(strstr(rep.data, "seed:34: \"Ratapihantie\" is in a "
	    "former address"));
	assert_non_null(strstr(rep.data, "seed:34: postal code 00521 beside"));
	assert_non_null(strstr(rep.data, "Lintulahdenkuja 4, 00530 Helsinki"));
	/* the phone number in the same sentence (029 56 66700) is no postal code */
	assert_null(strstr(rep.data, "66700"));
	free(text);
	buf_free(&rep);
	authority_free(a);
}

/* The drafts shipped in data/notice/ give the current details, and pass. */
static void
corrected_drafts_pass(void **state)
{
	static const char *const files[] = { "data/notice/fi.txt",
	    "data/notice/en.txt" };
	struct authority *a = shipped();
	struct buf rep = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *text = slurp(files[i], &len);

		if (notice_check_authority(a, text, len, files[i], &rep) != 0)
			fail_msg("%s", rep.data);
		assert_non_null(strstr(text, "Lintulahdenkuja 4, 00530 Helsinki"));
		assert_non_null(strstr(text, "00531 Helsinki"));
		free(text);
	}
	buf_free(&rep);
	authority_free(a);
}

/* Postal codes count only beside the authority; the current ones never. */
static void
postal_codes_beside_the_authority(void **state)
{
	static const struct {
		const char *text;
		int findings;
	} cases[] = {
		{ "Rekisterinpitäjä: Yritys Oy, Katu 1, 00100 Helsinki.", 0 },
		{ "Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki", 0 },
		{ "Office of the Data Protection Ombudsman, P.O. Box 800, "
		    "FI-00531 Helsinki", 0 },
		{ "Tietosuojavaltuutetun toimisto, PL 800, 00521 Helsinki", 1 },
		{ "Valvontaviranomainen: Kalliotie 3, 00999 Helsinki, "
		    "www.tietosuoja.fi", 1 },
		{ "tietosuoja@om.fi, 00100 Ålandsby", 1 },
		{ "tietosuoja@om.fi p. 029 56 66700 tietosuoja.fi 00100", 0 },
		{ "RATAPIHANTIE 9", 1 },
	};
	struct authority *a = shipped();
	struct buf rep = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&rep);
		if (notice_check_authority(a, cases[i].text, strlen(cases[i].text),
		    "t", &rep) != cases[i].findings)
			fail_msg("\"%s\": %s", cases[i].text, rep.len ? rep.data :
			    "no finding");
	}
	buf_free(&rep);
	authority_free(a);
}

/* The stored notice: the seed imported and published is flagged; the draft corrected is not. */
static void
checks_the_stored_notice(void **state)
{
	struct authority *a = shipped();
	struct notice_doc fi, en;
	struct buf rep = BUF_INIT;
	sqlite3 *db = db_open(":memory:", DB_CREATE, err, sizeof(err));
	size_t len;
	char *text;
	int number;

	(void)state;
	assert_non_null(db);
	assert_true(db_migrate(db, "sql", NULL, err, sizeof(err)) >= 2);
	assert_int_equal(notice_check_stored(db, 0, a, &rep), 0);
	text = slurp(SEED_2020, &len);
	assert_int_equal(notice_parse(text, len, LANG_FI, &fi, NULL, err,
	    sizeof(err)), 0);
	free(text);
	text = slurp("data/notice/en.txt", &len);
	assert_int_equal(notice_parse(text, len, LANG_EN, &en, NULL, err,
	    sizeof(err)), 0);
	free(text);
	assert_int_equal(notice_import(db, &fi, LANG_FI, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_import(db, &en, LANG_EN, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(notice_check_stored(db, 1, a, &rep), 2);
	assert_int_equal(notice_publish(db, &number, err, sizeof(err)), 0);
	buf_reset(&rep);
	assert_int_equal(notice_check_stored(db, 0, a, &rep), 2);
	assert_non_null(strstr(rep.data, "notice version 1 (fi), section 20 "
	    "\"Oikeus tehdä valitus valvontaviranomaiselle\":1: \"Ratapihantie\""));
	assert_int_equal(notice_check_stored(db, 1, a, &rep), 0);	/* no draft */
	notice_doc_free(&fi);
	notice_doc_free(&en);
	buf_free(&rep);
	db_close(db);
	authority_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_the_shipped_details),
		cmocka_unit_test(refuses_broken_files),
		cmocka_unit_test(finds_ratapihantie_in_the_seed),
		cmocka_unit_test(corrected_drafts_pass),
		cmocka_unit_test(postal_codes_beside_the_authority),
		cmocka_unit_test(checks_the_stored_notice),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("authority", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
