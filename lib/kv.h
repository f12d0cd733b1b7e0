/* kv.h — lists of key = value pairs in the order received (form fields, query, cookies), duplicates kept. */
#ifndef REKISTERI_KV_H
#define REKISTERI_KV_H

#include <stddef.h>

/* One decoded key=value pair; both NUL-terminated, valid UTF-8, no NUL or C0 control except TAB, LF, CR. */
struct kv {
	char	*key;
	char	*val;
	size_t	 vlen;
};

/* Pairs in the order received. Duplicate keys are kept, each in its place. */
struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};

void		 kv_free(struct kvlist *);
/* Append a copy of key = val (for forms built by the program, such as an import's rows). */
void		 kv_add(struct kvlist *, const char *key, const char *val);
/* The first value for key, or NULL. */
const char	*kv_get(const struct kvlist *, const char *key);
/* How many times key occurs. */
size_t		 kv_count(const struct kvlist *, const char *key);

/* For parsers: room for extra more pairs, so appending cannot fail half-way (aborts past SIZE_MAX). */
void		 kv_reserve(struct kvlist *, size_t extra);
/* Takes ownership of key and val (vlen bytes); room must have been reserved. */
void		 kv_append(struct kvlist *, char *key, char *val, size_t vlen);
/* Drop the pairs appended after the first n. */
void		 kv_truncate(struct kvlist *, size_t n);

#endif
