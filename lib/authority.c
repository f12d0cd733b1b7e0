/* authority.c — the supervisory authority's details from DATA/authority.xml, parsed with libxml2; see authority.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "authority.h"
#include "buf.h"
#include "fmt.h"

const char *const afield_names[AF__MAX] = {
	"name", "visit", "post", "phone", "registry", "email", "web",
};

#define DETAIL_MAX	512	/* bytes of one detail */

void
authority_free(struct authority *a)
{
	if (a == NULL)
		return;
	free(a->source);
	for (int l = 0; l < LANG__MAX; l++)
		for (int f = 0; f < AF__MAX; f++)
			free(a->v[l][f]);
	for (size_t i = 0; i < a->nformer; i++)
		free(a->former[i]);
	free(a->former);
	free(a);
}

/* An attribute's value, copied; NULL when missing. */
static char *
prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v != NULL ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* An element's text, copied; NULL when empty, too long or not one line of text. */
static char *
text(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = NULL;

	if (v != NULL && *v != '\0' && strlen((const char *)v) <= DETAIL_MAX &&
	    strpbrk((const char *)v, "\t\r\n") == NULL)
		s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* A detail that must look like what it is: an email, an https:// URL. */
static int
detail_ok(enum afield f, const char *v)
{
	const char *at;

	switch (f) {
	case AF_EMAIL:
		at = strchr(v, '@');
		return at != NULL && at != v && strchr(at + 1, '.') != NULL &&
		    strpbrk(v, " <>\"'") == NULL;
	case AF_WEB:
		return strncmp(v, "https://", 8) == 0 && strpbrk(v, " <>\"'") ==
		    NULL;
	default:
		return 1;
	}
}

/* One <details lang="..."> into a->v[lang]. 0, or -1 with err. */
static int
load_details(struct authority *a, xmlNodePtr d, const char *path, char *err,
    size_t errlen)
{
	char *code = prop(d, "lang");
	int l = lang_parse(code);

	free(code);
	if (l < 0) {
		snprintf(err, errlen, "%s:%ld: <details> needs lang=\"fi\" or "
		    "lang=\"en\"", path, xmlGetLineNo(d));
		return -1;
	}
	if (a->v[l][AF_NAME] != NULL) {
		snprintf(err, errlen, "%s:%ld: <details lang=\"%s\"> given twice",
		    path, xmlGetLineNo(d), lang_codes[l]);
		return -1;
	}
	for (xmlNodePtr n = d->children; n != NULL; n = n->next) {
		int f;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (f = 0; f < AF__MAX; f++)
			if (strcmp((const char *)n->name, afield_names[f]) == 0)
				break;
		if (f == AF__MAX) {
			snprintf(err, errlen, "%s:%ld: unknown element <%s>", path,
			    xmlGetLineNo(n), n->name);
			return -1;
		}
		if (a->v[l][f] != NULL) {
			snprintf(err, errlen, "%s:%ld: <%s> given twice", path,
			    xmlGetLineNo(n), afield_names[f]);
			return -1;
		}
		if ((a->v[l][f] = text(n)) == NULL ||
		    !detail_ok((enum afield)f, a->v[l][f])) {
			snprintf(err, errlen, "%s:%ld: <%s> must be one line of "
			    "text%s", path, xmlGetLineNo(n), afield_names[f],
			    f == AF_EMAIL ? ", an email address" : f == AF_WEB ?
			    ", an https:// address" : "");
			return -1;
		}
	}
	for (int f = 0; f < AF__MAX; f++)
		if (a->v[l][f] == NULL) {
			snprintf(err, errlen, "%s:%ld: <details lang=\"%s\"> has no "
			    "<%s>", path, xmlGetLineNo(d), lang_codes[l],
			    afield_names[f]);
			return -1;
		}
	return 0;
}

struct authority *
authority_load(const char *path, char *err, size_t errlen)
{
	struct authority *a = xcalloc(1, sizeof(*a));
	xmlDocPtr doc;
	xmlNodePtr root;
	const xmlError *e;
	struct tm tm;
	char *checked = NULL;
	int rc = -1;

	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		snprintf(err, errlen, "%s:%d: %s", path, e ? e->line : 0,
		    e && e->message ? e->message : "cannot read file\n");
		err[strcspn(err, "\n")] = '\0';
		free(a);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "authority") != 0) {
		snprintf(err, errlen, "%s:1: the root element must be <authority>",
		    path);
		goto out;
	}
	checked = prop(root, "checked");
	if (checked == NULL || strlen(checked) != 10 ||
	    fmt_parse_date(checked, &tm) != 0) {
		snprintf(err, errlen, "%s:%ld: <authority checked=\"YYYY-MM-DD\">: "
		    "the day the details were last checked", path,
		    xmlGetLineNo(root));
		goto out;
	}
	memcpy(a->checked, checked, 11);
	a->source = prop(root, "source");
	if (a->source == NULL || !detail_ok(AF_WEB, a->source)) {
		snprintf(err, errlen, "%s:%ld: <authority source=\"https://...\">: "
		    "where they were checked", path, xmlGetLineNo(root));
		goto out;
	}
	for (xmlNodePtr n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "details") == 0) {
			if (load_details(a, n, path, err, errlen) != 0)
				goto out;
		} else if (strcmp((const char *)n->name, "former") == 0) {
			char *w = text(n);

			if (w == NULL) {
				snprintf(err, errlen, "%s:%ld: <former> must be one "
				    "line of text", path, xmlGetLineNo(n));
				goto out;
			}
			a->former = xrealloc(a->former, (a->nformer + 1) *
			    sizeof(*a->former));
			a->former[a->nformer++] = w;
		} else {
			snprintf(err, errlen, "%s:%ld: unknown element <%s>", path,
			    xmlGetLineNo(n), n->name);
			goto out;
		}
	}
	for (int l = 0; l < LANG__MAX; l++)
		if (a->v[l][AF_NAME] == NULL) {
			snprintf(err, errlen, "%s:%ld: no <details lang=\"%s\">",
			    path, xmlGetLineNo(root), lang_codes[l]);
			goto out;
		}
	rc = 0;
out:
	free(checked);
	xmlFreeDoc(doc);
	if (rc != 0) {
		authority_free(a);
		return NULL;
	}
	return a;
}

struct authority *
authority_load_conf(const struct conf *c, char *err, size_t errlen)
{
	struct buf path = BUF_INIT;
	struct authority *a;

	if (c->data == NULL) {
		snprintf(err, errlen, "%s: [site] data is not set: it is the "
		    "folder of %s, the supervisory authority's details", c->file,
		    AUTHORITY_FILE);
		return NULL;
	}
	buf_addf(&path, "%s/%s", c->data, AUTHORITY_FILE);
	a = authority_load(path.data, err, errlen);
	buf_free(&path);
	return a;
}

void
authority_due(const struct authority *a, char due[11])
{
	struct tm tm;

	/* checked is a real date (authority_load); Feb 29 + a year is Mar 1 */
	if (fmt_parse_date(a->checked, &tm) != 0) {
		memcpy(due, a->checked, 11);
		return;
	}
	tm.tm_year++;
	tm.tm_isdst = 0;
	(void)timegm(&tm);
	if (strftime(due, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(due, a->checked, 11);
}
