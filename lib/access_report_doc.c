/*
 * access_report_doc.c — the access report (GDPR Art. 15) as people read
 * it: the document the text and the page both show, and the text. See
 * access_report.h and docs/access-report.md; the report is gathered by
 * access_report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_report.h"
#include "fmt.h"
#include "retention_class.h"

/* ---- the document people read ---- */

static struct ar_section *
sec_add(struct ar_doc *d, const char *title)
{
	struct ar_section *s;

	d->s = xrealloc(d->s, (d->n + 1) * sizeof(*d->s));
	s = &d->s[d->n++];
	memset(s, 0, sizeof(*s));
	s->title = title;
	return s;
}

static void
para_add(struct ar_section *s, const char *text)
{
	s->paras = xrealloc(s->paras, (s->nparas + 1) * sizeof(*s->paras));
	s->paras[s->nparas++] = xstrdup(text);
}

static struct ar_item *
item_add(struct ar_section *s)
{
	struct ar_item *it;

	s->items = xrealloc(s->items, (s->nitems + 1) * sizeof(*s->items));
	it = &s->items[s->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void
field_add(struct ar_item *it, const char *label, const char *value)
{
	it->f = xrealloc(it->f, (it->n + 1) * sizeof(*it->f));
	it->f[it->n].label = label;
	it->f[it->n++].value = xstrdup(value ? value : "");
}

/* A value as people read it, by its column's kind, into dst. */
static void
show(const struct i18n *msgs, enum lang lang, const struct ar_column *d,
    const char *v, char *dst, size_t len)
{
	char key[96];

	if (v == NULL) {
		snprintf(dst, len, "–");
		return;
	}
	switch (d ? d->kind : AK_TEXT) {
	case AK_DATE:
		if (*v == '\0' || fmt_date(dst, len, lang, v) != 0)
			snprintf(dst, len, "%s", v);
		return;
	case AK_TIME:
		if (*v == '\0' || fmt_datetime(dst, len, lang, v) != 0)
			snprintf(dst, len, "%s", v);
		return;
	case AK_BOOL:
		snprintf(dst, len, "%s", i18n_msg(msgs, lang,
		    strcmp(v, "0") == 0 ? "ar.no" : "ar.yes"));
		return;
	case AK_MONEY:
		fmt_money(dst, len, lang, strtoll(v, NULL, 10));
		return;
	case AK_CODE:
		snprintf(key, sizeof(key), "%s%s", d->prefix, v);
		snprintf(dst, len, "%s", i18n_get(msgs, lang, key) ?
		    i18n_get(msgs, lang, key) : v);
		return;
	case AK_TEXT:
		break;
	}
	snprintf(dst, len, "%s", v);
}

/* The label of column col of table t: ar.c.TABLE.COLUMN, or the column's name. */
static const char *
label(const struct i18n *msgs, enum lang lang, const struct ar_table *t,
    const char *col)
{
	char key[128];
	const char *m;

	snprintf(key, sizeof(key), "ar.c.%s.%s", t->name, col);
	m = i18n_get(msgs, lang, key);
	return m ? m : col;
}

void
access_report_doc(const struct access_report *r, const struct i18n *msgs,
    struct ar_doc *d)
{
	enum lang lang = r->lang;
	const struct retention_rule *rc = retention_rule(RC_CUSTOMER);
	const struct ar_table *tables = access_report_tables();
	struct ar_section *s;
	char v[4096], day[40];

	memset(d, 0, sizeof(*d));
	s = sec_add(d, i18n_msg(msgs, lang, "ar.intro_h"));
	if (fmt_date(day, sizeof(day), lang, r->generated) != 0)
		snprintf(day, sizeof(day), "%s", r->generated);
	snprintf(v, sizeof(v), "%s %s.", i18n_msg(msgs, lang, "ar.intro"),
	    day);
	para_add(s, v);
	/* every value, table by table (Art. 15(3)) */
	for (int k = 0; k < ART__MAX; k++) {
		const struct ar_rows *rows = &r->t[k];

		s = sec_add(d, i18n_msg(msgs, lang, tables[k].title_key));
		if (rows->nrows == 0)
			para_add(s, i18n_msg(msgs, lang, "ar.none"));
		for (size_t i = 0; i < rows->nrows; i++) {
			struct ar_item *it = item_add(s);

			for (size_t c = 0; c < rows->ncols; c++) {
				show(msgs, lang, rows->defs[c],
				    rows->v[i * rows->ncols + c].s, v,
				    sizeof(v));
				field_add(it, label(msgs, lang, &tables[k],
				    rows->cols[c]), v);
			}
		}
	}
	/* purposes and legal basis (Art. 15(1)(a)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.purposes_h"));
	if (r->notice_version == 0)
		para_add(s, i18n_msg(msgs, lang, "ar.no_notice"));
	for (size_t i = 0; i < r->npurposes; i++) {
		para_add(s, r->purposes[i].title);
		para_add(s, r->purposes[i].text);
	}
	/* recipients (Art. 15(1)(c)): the disclosure log, in words */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.recipients_h"));
	para_add(s, i18n_msg(msgs, lang, r->t[ART_DISCLOSURES].nrows ?
	    "ar.recipients" : "ar.no_recipients"));
	/* sources (Art. 15(1)(g)): with each change in the history */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.sources_h"));
	para_add(s, i18n_msg(msgs, lang, r->t[ART_HISTORY].nrows ?
	    "ar.sources" : "ar.no_sources"));
	/* how long (Art. 15(1)(d)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.retention_h"));
	if (r->kept_until[0] != '\0') {
		if (fmt_date(day, sizeof(day), lang, r->kept_until) != 0)
			snprintf(day, sizeof(day), "%s", r->kept_until);
		snprintf(v, sizeof(v), "%s %s (%s).", i18n_msg(msgs, lang,
		    "ar.kept_until"), day, rc->period[lang]);
	} else
		snprintf(v, sizeof(v), "%s", i18n_msg(msgs, lang,
		    "ar.kept_while"));
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s (%s).", i18n_msg(msgs, lang,
	    "ar.t.orders"), retention_rule(RC_ACCOUNTING)->period[lang],
	    retention_rule(RC_ACCOUNTING)->source[lang]);
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s.", i18n_msg(msgs, lang, "ar.t.requests"),
	    retention_rule(RC_REQUEST)->period[lang]);
	para_add(s, v);
	snprintf(v, sizeof(v), "%s: %s.", i18n_msg(msgs, lang, "ar.access_h"),
	    retention_rule(RC_AUDIT)->period[lang]);
	para_add(s, v);
	/* staff look-ups: when and why, never who (CJEU C-579/21) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.access_h"));
	para_add(s, i18n_msg(msgs, lang, r->naccess ? "ar.access" :
	    "ar.no_access"));
	for (size_t i = 0; i < r->naccess; i++) {
		struct ar_item *it = item_add(s);
		char key[96];
		const char *m;

		show(msgs, lang, &(struct ar_column){ "at", AK_TIME, NULL,
		    NULL }, r->access[i].at, v, sizeof(v));
		field_add(it, i18n_msg(msgs, lang, "ar.at"), v);
		snprintf(key, sizeof(key), "ar.action.%s", r->access[i].action);
		m = i18n_get(msgs, lang, key);
		field_add(it, i18n_msg(msgs, lang, "ar.action"), m ? m :
		    r->access[i].action);
		snprintf(key, sizeof(key), "ar.role.%s", *r->access[i].role ?
		    r->access[i].role : "system");
		m = i18n_get(msgs, lang, key);
		field_add(it, i18n_msg(msgs, lang, "ar.role"), m ? m :
		    r->access[i].role);
	}
	/* the rights and how to use them (Art. 15(1)(e)) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.rights_h"));
	para_add(s, i18n_msg(msgs, lang, "ar.rights"));
	for (size_t i = 0; i < r->nrights; i++) {
		para_add(s, r->rights[i].title);
		para_add(s, r->rights[i].text);
	}
	/* the complaint (Art. 15(1)(f), 77) */
	s = sec_add(d, i18n_msg(msgs, lang, "ar.authority_h"));
	if (r->authority != NULL) {
		struct ar_item *it = item_add(s);

		for (int f = 0; f < AF__MAX; f++) {
			char key[48];

			snprintf(key, sizeof(key), "ar.af.%s", afield_names[f]);
			field_add(it, i18n_msg(msgs, lang, key),
			    r->authority->v[lang][f]);
		}
	}
}

void
ar_doc_free(struct ar_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct ar_section *s = &d->s[i];

		for (size_t p = 0; p < s->nparas; p++)
			free(s->paras[p]);
		for (size_t k = 0; k < s->nitems; k++) {
			for (size_t f = 0; f < s->items[k].n; f++)
				free(s->items[k].f[f].value);
			free(s->items[k].f);
		}
		free(s->paras);
		free(s->items);
	}
	free(d->s);
	memset(d, 0, sizeof(*d));
}

void
access_report_text(const struct access_report *r, const struct i18n *msgs,
    struct buf *out)
{
	struct ar_doc d;

	access_report_doc(r, msgs, &d);
	buf_addf(out, "%s\n", i18n_msg(msgs, r->lang, "ar.title"));
	for (size_t i = 0; i < d.n; i++) {
		const struct ar_section *s = &d.s[i];

		buf_addf(out, "\n%s\n", s->title);
		for (const char *p = s->title; *p; p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				buf_addc(out, '=');
		buf_addc(out, '\n');
		for (size_t p = 0; p < s->nparas; p++)
			buf_addf(out, "%s\n", s->paras[p]);
		for (size_t k = 0; k < s->nitems; k++) {
			if (k > 0 || s->nparas > 0)
				buf_addc(out, '\n');
			for (size_t f = 0; f < s->items[k].n; f++)
				buf_addf(out, "%s: %s\n", s->items[k].f[f].label,
				    s->items[k].f[f].value);
		}
	}
	ar_doc_free(&d);
}
