/* test_words.c — codes staff pages show in plain words (#20): every history field code a writer makes has a name in both languages, and what is not a code is not given one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "customer.h"
#include "i18n.h"

static struct i18n *msgs;

static int
setup(void **st)
{
	char err[512];

	(void)st;
	if ((msgs = i18n_load("i18n", err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	i18n_free(msgs);
	return 0;
}

/* field's words in both languages: known, not empty, no key left in them. */
static void
words_ok(const char *field, const char *fi_want)
{
	char out[200];

	for (int l = 0; l < LANG__MAX; l++) {
		if (customer_history_words(msgs, (enum lang)l, field, out,
		    sizeof(out)) != 0)
			fail_msg("%s: no words", field);
		if (out[0] == '\0' || strstr(out, "hist.") != NULL ||
		    strstr(out, "cust.") != NULL || strstr(out, "purpose.") !=
		    NULL || strstr(out, "answer.") != NULL)
			fail_msg("%s in %s: \"%s\"", field, lang_codes[l], out);
		if (l == LANG_FI && fi_want != NULL && strcmp(out, fi_want) != 0)
			fail_msg("%s: \"%s\", not \"%s\"", field, out, fi_want);
	}
	assert_true(customer_history_known(field));
}

static void
history_codes_have_words(void **st)
{
	char field[64];

	(void)st;
	for (int f = 0; f < CF__MAX; f++)
		words_ok(cfields[f].name, NULL);
	for (int p = 0; p < CP__MAX; p++) {
		snprintf(field, sizeof(field), "ban.%s", cpurpose_names[p]);
		words_ok(field, NULL);
	}
	for (int k = 0; k < COBJ__MAX; k++) {
		snprintf(field, sizeof(field), "objection.%s", cobjection_names[k]);
		words_ok(field, NULL);
	}
	words_ok("first_name", "Etunimi");
	words_ok("ban.direct_marketing", "Kielto: Suoramarkkinointi");
	words_ok("restricted", "Käsittely rajoitettu");
	words_ok("restriction_lifted", NULL);
	words_ok("restriction_told", NULL);
	words_ok("order.T-2026-1.status", "Tilaus T-2026-1: laskun tila");
	words_ok("order.T 1.2.status", "Tilaus T 1.2: laskun tila");
	words_ok("legal_hold.12", "Poistoesto");
}

/* The history's sources, shown beside each change. */
static void
sources_have_words(void **st)
{
	char key[64];

	(void)st;
	for (int s = 0; s < CS__MAX; s++)
		for (int l = 0; l < LANG__MAX; l++) {
			snprintf(key, sizeof(key), "source.%s", csource_names[s]);
			if (i18n_get(msgs, (enum lang)l, key) == NULL)
				fail_msg("no %s in %s", key, lang_codes[l]);
		}
}

/* Not codes of the history: no words, so a writer's new code is noticed. */
static void
unknown_codes_refused(void **st)
{
	static const char *const bad[] = {
		"", "nothing", "ban.", "ban.nothing", "ban.direct_marketing.x",
		"objection.", "objection.all", "order.status", "order..status",
		"order.T1.state", "order.status.x", "legal_hold.", "legal_hold.x",
		"legal_hold.1.2", "restricted.x", "first_name.x",
	};
	char out[64] = "unchanged";

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (customer_history_words(msgs, LANG_FI, bad[i], out,
		    sizeof(out)) != -1)
			fail_msg("\"%s\" has words: %s", bad[i], out);
		assert_false(customer_history_known(bad[i]));
	}
	assert_string_equal(out, "unchanged");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_codes_have_words),
		cmocka_unit_test(sources_have_words),
		cmocka_unit_test(unknown_codes_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
