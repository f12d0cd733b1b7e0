/* kv.c — see kv.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "kv.h"

void
kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

size_t
kv_count(const struct kvlist *l, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			n++;
	return n;
}

void
kv_reserve(struct kvlist *l, size_t extra)
{
	size_t cap;

	if (extra <= l->cap - l->n)
		return;
	if (extra > SIZE_MAX / sizeof(l->v[0]) - l->n)
		abort();
	cap = l->n + extra;
	l->v = xrealloc(l->v, cap * sizeof(l->v[0]));
	l->cap = cap;
}

void
kv_append(struct kvlist *l, char *key, char *val, size_t vlen)
{
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->v[l->n].vlen = vlen;
	l->n++;
}

void
kv_add(struct kvlist *l, const char *key, const char *val)
{
	kv_reserve(l, 1);
	kv_append(l, xstrdup(key), xstrdup(val), strlen(val));
}

void
kv_truncate(struct kvlist *l, size_t n)
{
	while (l->n > n) {
		l->n--;
		free(l->v[l->n].key);
		free(l->v[l->n].val);
	}
}
