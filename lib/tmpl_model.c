/* tmpl_model.c — the model a template is rendered from (tm_*): maps, lists and values in one arena per model, freed at once. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"
#include "tmpl_int.h"

#define BLOCK_SIZE	8192	/* model arena block */

struct tm_block {
	struct tm_block	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

struct tmpl_model {
	struct tm_block	*blocks;
	struct tmpl_map	 root;
};

/* n bytes, max_align_t-aligned, from m's arena. Never fails. */
static void *
tm_alloc(struct tmpl_model *m, size_t n)
{
	struct tm_block *b = m->blocks;
	size_t a = alignof(max_align_t), cap;
	void *p;

	n = (n + a - 1) & ~(a - 1);
	if (b == NULL || b->cap - b->used < n) {
		cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = m->blocks;
		m->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static const char *
tm_copy(struct tmpl_model *m, const char *s, size_t len)
{
	char *p = tm_alloc(m, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct tmpl_model *
tm_new(void)
{
	struct tmpl_model *m = xcalloc(1, sizeof(*m));

	m->root.model = m;
	return m;
}

void
tm_free(struct tmpl_model *m)
{
	struct tm_block *b, *next;

	if (m == NULL)
		return;
	for (b = m->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m);
}

struct tmpl_map *
tm_root(struct tmpl_model *m)
{
	return &m->root;
}

/* The value slot for key in map, created (TV_NULL) or reused. */
static struct tmpl_value *
tm_set(struct tmpl_map *map, const char *key)
{
	size_t klen = strlen(key);
	uint32_t hash = tmpl_key_hash(key, klen);
	struct tm_entry *e;

	for (e = map->head; e != NULL; e = e->next)
		if (e->hash == hash && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return &e->v;
	e = tm_alloc(map->model, sizeof(*e));
	e->next = NULL;
	e->key = key;
	e->klen = klen;
	e->hash = hash;
	if (map->tail != NULL)
		map->tail->next = e;
	else
		map->head = e;
	map->tail = e;
	return &e->v;
}

static void
tm_set_str(struct tmpl_map *map, const char *key, enum tv_type type,
    const char *val, size_t len)
{
	struct tmpl_value *v = tm_set(map, key);

	if (val == NULL) {
		v->type = TV_NULL;
		return;
	}
	v->type = type;
	v->len = len;
	v->u.s = tm_copy(map->model, val, len);
}

void
tm_str(struct tmpl_map *map, const char *key, const char *val)
{
	tm_set_str(map, key, TV_STR, val, val ? strlen(val) : 0);
}

void
tm_strn(struct tmpl_map *map, const char *key, const char *val, size_t len)
{
	tm_set_str(map, key, TV_STR, val, len);
}

void
tm_html(struct tmpl_map *map, const char *key, const char *val)
{
	tm_set_str(map, key, TV_HTML, val, val ? strlen(val) : 0);
}

void
tm_int(struct tmpl_map *map, const char *key, long long val)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_INT;
	v->u.i = val;
}

void
tm_bool(struct tmpl_map *map, const char *key, int val)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_BOOL;
	v->u.i = val != 0;
}

static struct tmpl_map *
tm_new_map(struct tmpl_model *m)
{
	struct tmpl_map *map = tm_alloc(m, sizeof(*map));

	map->model = m;
	map->head = map->tail = NULL;
	return map;
}

struct tmpl_map *
tm_map(struct tmpl_map *map, const char *key)
{
	struct tmpl_value *v = tm_set(map, key);

	v->type = TV_MAP;
	v->u.map = tm_new_map(map->model);
	return v->u.map;
}

struct tmpl_list *
tm_list(struct tmpl_map *map, const char *key)
{
	struct tmpl_value *v = tm_set(map, key);
	struct tmpl_list *l = tm_alloc(map->model, sizeof(*l));

	l->model = map->model;
	l->head = l->tail = NULL;
	v->type = TV_LIST;
	v->u.list = l;
	return l;
}

static struct tmpl_value *
tm_append(struct tmpl_list *l)
{
	struct tm_item *it = tm_alloc(l->model, sizeof(*it));

	it->next = NULL;
	if (l->tail != NULL)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
	return &it->v;
}

struct tmpl_map *
tm_list_map(struct tmpl_list *l)
{
	struct tmpl_value *v = tm_append(l);

	v->type = TV_MAP;
	v->u.map = tm_new_map(l->model);
	return v->u.map;
}

void
tm_list_str(struct tmpl_list *l, const char *val)
{
	struct tmpl_value *v = tm_append(l);

	if (val == NULL) {
		v->type = TV_NULL;
		return;
	}
	v->type = TV_STR;
	v->len = strlen(val);
	v->u.s = tm_copy(l->model, val, v->len);
}
