/* ticket_test.h — helpers shared by the ticket unit tests (test_ticket*.c):
 * a key folder per test, a sample ticket, the first key; static inline, as
 * each test file is a binary of its own. */
#ifndef TICKET_TEST_H
#define TICKET_TEST_H

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ticket.h"

static char err[512];

/* A key folder under a fresh mkdtemp folder: tmp/keys. */
struct fixture {
	char	 tmp[64];
	char	 dir[128];
};

static inline int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test_ticket.XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "%s/keys", f->tmp);
	*state = f;
	return 0;
}

/* rm -r of the folder tree the tests make (two levels of plain files).
 * Not inline: inlined into itself, GCC sees a longer path and warns. */
static void
remove_tree(const char *path)
{
	char sub[1024];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			remove_tree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->tmp);
	free(f);
	return 0;
}

/* A ticket with every field given; the caller frees the strings. */
static inline void
sample(struct ticket *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->number, sizeof(t->number), "TS-2026-000042");
	snprintf(t->received, sizeof(t->received), "2026-11-25T16:46:09Z");
	t->types = 1u << RT_ACCESS | 1u << RT_RECTIFICATION |
	    1u << RT_BAN_DIRECT_MARKETING;
	t->name = strdup("Matti Meikäläinen");
	t->organisation = strdup("");
	t->email = strdup("matti@example.fi");
	t->phone = strdup("+358 40 123 4567");
	t->address = strdup("Esimerkkitie 1 A 2, 00100 Helsinki");
	t->customer_number = NULL;
	ticket_text_hash("Osoitteeni on väärin.", t->text_sha256);
	snprintf(t->key_id, sizeof(t->key_id), "0123456789abcdef");
}

/* Make the first key in dir and load it with the secret. */
static inline struct ticket_keys *
first_key(const char *dir, char id[17])
{
	struct ticket_keys *k;

	assert_int_equal(ticket_keygen(dir, 0, id, err, sizeof(err)), 0);
	assert_int_equal(strlen(id), 16);
	k = ticket_keys_load(dir, 1, err, sizeof(err));
	assert_non_null(k);
	return k;
}

#endif
