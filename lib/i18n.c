/* i18n.c — message catalogues in XML, parsed with libxml2; see i18n.h and docs/i18n.md. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "i18n.h"

const char *const lang_codes[LANG__MAX] = { "fi", "en" };

struct msg {
	char	*key;
	char	*text;
};

struct catalogue {
	struct msg	*m;
	size_t		 n;
};

struct i18n {
	struct catalogue	cat[LANG__MAX];
};

static int
msg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->key, ((const struct msg *)b)->key);
}

static void
cat_free(struct catalogue *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->m[i].key);
		free(c->m[i].text);
	}
	free(c->m);
	c->m = NULL;
	c->n = 0;
}

/*
 * Read one catalogue file into c, sorted by key. Returns 0, or -1 with
 * "file:line: reason" in err.
 */
static int
cat_load(const char *path, enum lang lang, struct catalogue *c, char *err,
    size_t errlen)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	const xmlError *e;
	size_t cap = c->n;	/* a part adds to what earlier files gave */
	int rc = -1;

	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		snprintf(err, errlen, "%s:%d: %s", path, e ? e->line : 0,
		    e && e->message ? e->message : "cannot read file\n");
		err[strcspn(err, "\n")] = '\0';
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "messages") != 0) {
		snprintf(err, errlen, "%s:1: root element must be <messages>", path);
		goto out;
	}
	{
		xmlChar *l = xmlGetProp(root, (const xmlChar *)"lang");
		int ok = l != NULL && strcmp((char *)l, lang_codes[lang]) == 0;

		xmlFree(l);
		if (!ok) {
			snprintf(err, errlen, "%s:%ld: <messages lang=\"%s\"> expected",
			    path, xmlGetLineNo(root), lang_codes[lang]);
			goto out;
		}
	}
	for (n = root->children; n != NULL; n = n->next) {
		xmlChar *key, *text;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "m") != 0) {
			snprintf(err, errlen, "%s:%ld: unknown element <%s>", path,
			    xmlGetLineNo(n), n->name);
			goto out;
		}
		key = xmlGetProp(n, (const xmlChar *)"key");
		if (key == NULL || *key == '\0') {
			xmlFree(key);
			snprintf(err, errlen, "%s:%ld: <m> without key", path,
			    xmlGetLineNo(n));
			goto out;
		}
		text = xmlNodeGetContent(n);
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->m = xrealloc(c->m, cap * sizeof(*c->m));
		}
		c->m[c->n].key = xstrdup((char *)key);
		c->m[c->n].text = xstrdup(text ? (char *)text : "");
		c->n++;
		xmlFree(key);
		xmlFree(text);
	}
	if (c->n > 0)
		qsort(c->m, c->n, sizeof(*c->m), msg_cmp);
	for (size_t i = 1; i < c->n; i++)
		if (strcmp(c->m[i - 1].key, c->m[i].key) == 0) {
			snprintf(err, errlen, "%s:0: key %s appears twice", path,
			    c->m[i].key);
			goto out;
		}
	rc = 0;
out:
	xmlFreeDoc(doc);
	if (rc != 0)
		cat_free(c);
	return rc;
}

static const struct msg *
cat_find(const struct catalogue *c, const char *key)
{
	struct msg k = { (char *)key, NULL };

	if (c->n == 0)
		return NULL;
	return bsearch(&k, c->m, c->n, sizeof(*c->m), msg_cmp);
}

struct i18n *
i18n_load(const char *dir, char *err, size_t errlen)
{
	struct i18n *t = xcalloc(1, sizeof(*t));
	char path[4096];

	for (int l = 0; l < LANG__MAX; l++) {
		glob_t g;
		int grc;

		snprintf(path, sizeof(path), "%s/%s.xml", dir, lang_codes[l]);
		if (cat_load(path, (enum lang)l, &t->cat[l], err, errlen) != 0)
			goto fail;
		/* Parts of the same catalogue: DIR/AREA.LANG.xml, in name order. */
		snprintf(path, sizeof(path), "%s/*.%s.xml", dir, lang_codes[l]);
		grc = glob(path, 0, NULL, &g);
		if (grc != 0 && grc != GLOB_NOMATCH) {
			snprintf(err, errlen, "%s: cannot list the catalogue parts",
			    dir);
			goto fail;
		}
		for (size_t i = 0; grc == 0 && i < g.gl_pathc; i++)
			if (cat_load(g.gl_pathv[i], (enum lang)l, &t->cat[l], err,
			    errlen) != 0) {
				globfree(&g);
				goto fail;
			}
		if (grc == 0)
			globfree(&g);
	}
	/* English complete: every key in every language. */
	for (int l = 0; l < LANG__MAX; l++)
		for (int o = 0; o < LANG__MAX; o++)
			for (size_t i = 0; i < t->cat[l].n; i++)
				if (cat_find(&t->cat[o], t->cat[l].m[i].key) == NULL) {
					snprintf(err, errlen,
					    "%s: key %s is missing from the %s catalogue (it is in %s)",
					    dir, t->cat[l].m[i].key, lang_codes[o],
					    lang_codes[l]);
					goto fail;
				}
	return t;
fail:
	i18n_free(t);
	return NULL;
}

void
i18n_free(struct i18n *t)
{
	if (t == NULL)
		return;
	for (int l = 0; l < LANG__MAX; l++)
		cat_free(&t->cat[l]);
	free(t);
}

const char *
i18n_get(const struct i18n *t, enum lang lang, const char *key)
{
	const struct msg *m;

	if (t == NULL || lang < 0 || lang >= LANG__MAX)
		return NULL;
	m = cat_find(&t->cat[lang], key);
	return m ? m->text : NULL;
}

const char *
i18n_msg(const struct i18n *t, enum lang lang, const char *key)
{
	const char *s = i18n_get(t, lang, key);

	return s ? s : key;
}

int
lang_parse(const char *code)
{
	if (code == NULL)
		return -1;
	for (int l = 0; l < LANG__MAX; l++)
		if (strcmp(code, lang_codes[l]) == 0)
			return l;
	return -1;
}

/*
 * Accept-Language: "en-GB,en;q=0.9,fi;q=0.8". Each range's primary subtag
 * is matched against our languages; the highest q wins, earlier on ties.
 * A malformed q counts as 0 (not acceptable) rather than failing the page.
 */
static int
accept_best(const char *h)
{
	int best = -1;
	double bestq = 0.0;

	while (h != NULL && *h != '\0') {
		size_t len = strcspn(h, ",");
		char item[64], *semi, *q, *end;
		double qv = 1.0;
		int l;

		if (len < sizeof(item)) {
			memcpy(item, h, len);
			item[len] = '\0';
			if ((semi = strchr(item, ';')) != NULL) {
				*semi = '\0';
				if ((q = strstr(semi + 1, "q=")) != NULL) {
					qv = strtod(q + 2, &end);
					if (end == q + 2 || qv < 0.0 || qv > 1.0)
						qv = 0.0;
				}
			}
			/* primary subtag, trimmed, lower case */
			{
				char *s = item, *e;

				while (*s == ' ' || *s == '\t')
					s++;
				e = s + strcspn(s, "- \t");
				*e = '\0';
				for (char *p = s; *p; p++)
					if (*p >= 'A' && *p <= 'Z')
						*p = (char)(*p - 'A' + 'a');
				l = lang_parse(s);
			}
			if (l >= 0 && qv > bestq) {
				best = l;
				bestq = qv;
			}
		}
		h += len;
		if (*h == ',')
			h++;
	}
	return best;
}

enum lang
lang_negotiate(const char *query_lang, const char *accept_language)
{
	int l;

	if ((l = lang_parse(query_lang)) >= 0)
		return (enum lang)l;
	if ((l = accept_best(accept_language)) >= 0)
		return (enum lang)l;
	return LANG_FI;
}
