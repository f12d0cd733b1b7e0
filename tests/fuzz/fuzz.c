/* fuzz.c — helpers shared by the harnesses; see fuzz.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char scratch[4096];

void
fz_note(const char *what, const char *detail)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz: %s%s%s\n", what, detail ? ": " : "",
		    detail ? detail : "");
}

void
fz_fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz: %s%s%s\n", why, detail ? ": " : "",
	    detail ? detail : "");
	abort();
}

/* Remove the scratch folder and the plain files in it (no subfolders). */
static void
scratch_remove(void)
{
	char path[4096 + 256];
	struct dirent *de;
	DIR *d;

	if (scratch[0] == '\0' || (d = opendir(scratch)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", scratch, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(scratch);
}

const char *
fz_dir(void)
{
	const char *base = getenv("TMPDIR");
	struct stat st;

	if (scratch[0] != '\0')
		return scratch;
	if (base == NULL || *base == '\0')
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ?
		    "/dev/shm" : "/tmp";
	if ((size_t)snprintf(scratch, sizeof(scratch), "%s/rekfuzz.XXXXXX",
	    base) >= sizeof(scratch))
		fz_fail("TMPDIR too long", base);
	if (mkdtemp(scratch) == NULL)
		fz_fail("cannot create the scratch folder", scratch);
	atexit(scratch_remove);
	return scratch;
}

void
fz_path(char *dst, size_t dstlen, const char *dir, const char *name)
{
	if ((size_t)snprintf(dst, dstlen, "%s/%s", dir, name) >= dstlen)
		fz_fail("path too long", name);
}

void
fz_write(const char *path, const void *data, size_t size)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL)
		fz_fail("cannot write", path);
	if ((size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		fz_fail("cannot write", path);
}

char *
fz_slurp(const char *path, size_t *size)
{
	FILE *f;
	char *s;
	long n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		fz_fail("cannot read", path);
	if ((s = malloc((size_t)n + 1)) == NULL)
		fz_fail("out of memory", NULL);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		fz_fail("cannot read", path);
	fclose(f);
	s[n] = '\0';
	if (size != NULL)
		*size = (size_t)n;
	return s;
}

char *
fz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		fz_fail("out of memory", NULL);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
