/*
 * fuzz_i18n.c — i18n_load with the input as fi.xml beside the real
 * i18n/en.xml (read once from the repository; fuzzers run from its root).
 * On success every key is looked up in both languages.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "i18n.h"

#define REAL_EN	"i18n/en.xml"

static char fi_path[4096];

/* Write the fixed en.xml once. */
static void
setup(void)
{
	char path[4096], *en;
	size_t len;

	en = fz_slurp(REAL_EN, &len);
	fz_path(path, sizeof(path), fz_dir(), "en.xml");
	fz_write(path, en, len);
	free(en);
	fz_path(fi_path, sizeof(fi_path), fz_dir(), "fi.xml");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "site.name", "error.back", "", "x" };
	struct i18n *t;
	char err[512];

	if (fi_path[0] == '\0')
		setup();
	fz_write(fi_path, data, size);
	err[0] = '\0';
	if ((t = i18n_load(fz_dir(), err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			fz_fail("i18n_load failed without a reason", NULL);
		fz_note("not loaded", err);
		return 0;
	}
	fz_note("loaded", NULL);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		for (int l = 0; l < LANG__MAX; l++) {
			const char *m = i18n_get(t, (enum lang)l, keys[i]);

			if (m != NULL)
				(void)strlen(m);
			if (i18n_msg(t, (enum lang)l, keys[i]) == NULL)
				fz_fail("i18n_msg returned NULL", keys[i]);
		}
	i18n_free(t);
	return 0;
}
