/*
 * fuzz_conf.c — conf_load on the input written as a config file (inih plus
 * our key table). It must never crash; on success every required key is
 * set, and on failure the message names the file.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[4096];
	struct conf c;
	char err[512];

	if (path[0] == '\0')
		fz_path(path, sizeof(path), fz_dir(), "rekisteri.conf");
	fz_write(path, data, size);
	err[0] = '\0';
	if (conf_load(&c, path, err, sizeof(err)) == 0) {
		if (c.db_path == NULL || c.base_url == NULL || c.templates == NULL ||
		    c.i18n == NULL || c.sql == NULL || c.key_dir == NULL ||
		    c.controller_name == NULL || c.controller_email == NULL)
			fz_fail("conf_load succeeded with a required key missing", NULL);
		if (strncmp(c.base_url, "http", 4) != 0)
			fz_fail("base_url is not a URL", c.base_url);
		fz_note("loaded", NULL);
		conf_free(&c);
	} else {
		fz_note("not loaded", err);
		if (strncmp(err, path, strlen(path)) != 0)
			fz_fail("error does not name the file", err);
		if (c.file != NULL || c.db_path != NULL)
			fz_fail("conf left filled after failure", NULL);
	}
	return 0;
}
