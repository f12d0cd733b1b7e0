/*
 * http_run.c — the HTTP tests' commands and files (tests/http/http.h):
 * running a shell command with its output captured, reading and writing a
 * file. Apart from http.c, which keeps the requests, sessions and database.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

/* ---- the command line and files ------------------------------------------ */

static int
run_v(struct buf *out, const char *input, const char *fmt, va_list ap)
{
	struct buf cmd = BUF_INIT;
	char opath[1100], ipath[1100], chunk[8192];
	const char *st = getenv("REKISTERI_STATE");
	int status, len;
	size_t n;
	FILE *f;

	assert_non_null(st);
	len = vsnprintf(chunk, sizeof(chunk), fmt, ap);
	assert_true(len > 0 && (size_t)len < sizeof(chunk));
	snprintf(opath, sizeof(opath), "%s/run-%ld.out", st, (long)getpid());
	snprintf(ipath, sizeof(ipath), "%s/run-%ld.in", st, (long)getpid());
	if (input != NULL)
		http_write_file(ipath, input, strlen(input));
	buf_addf(&cmd, "{ %s ; } >'%s' 2>&1 <'%s'", chunk, opath,
	    input != NULL ? ipath : "/dev/null");
	status = system(cmd.data);
	buf_free(&cmd);
	if (out != NULL) {
		buf_reset(out);
		f = fopen(opath, "r");
		assert_non_null(f);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(out, chunk, n);
		fclose(f);
		buf_cstr(out);
	}
	unlink(opath);
	if (input != NULL)
		unlink(ipath);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

int
http_run(struct buf *out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = run_v(out, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
http_run_input(struct buf *out, const char *input, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = run_v(out, input, fmt, ap);
	va_end(ap);
	return rc;
}

void
http_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void
http_write_text(const char *path, const char *text)
{
	http_write_file(path, text, strlen(text));
}


char *
http_read_file(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return buf_take(&b);
}
