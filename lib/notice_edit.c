/* notice_edit.c — see notice_edit.h and docs/notice-format.md. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "notice.h"
#include "notice_edit.h"
#include "notice_rules.h"
#include "req.h"
#include "richtext.h"

struct item {
	char		*title;
	struct buf	 text;
	int		 line;
};

void
notice_doc_free(struct notice_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->s[i].anchor);
		free(d->s[i].title);
		free(d->s[i].body);
	}
	free(d->s);
	free(d->title);
	free(d->drawn_up);
	free(d->register_name);
	free(d->controller_name);
	free(d->controller_phone);
	free(d->controller_email);
	free(d->contact_name);
	free(d->contact_phone);
	free(d->contact_email);
	memset(d, 0, sizeof(*d));
}

/* s[0..n) without leading and trailing white space, as a new string. */
static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/*
 * "Vemitek Oy 044 0219 914 anja.koivisto@vemitek.fi": words with '@' are
 * the email, words of digits and + - ( ) the phone, the rest the name.
 */
static void
split_contact(const char *s, char **name, char **phone, char **email)
{
	struct buf nb = BUF_INIT, pb = BUF_INIT, eb = BUF_INIT;
	const char *p = s;

	while (*p != '\0') {
		size_t n;
		struct buf *to;
		int digits = 0, phonechars = 1;

		while (isspace((unsigned char)*p))
			p++;
		if ((n = strcspn(p, " \t")) == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (isdigit((unsigned char)p[i]))
				digits = 1;
			else if (strchr("+-()", p[i]) == NULL)
				phonechars = 0;
		}
		if (memchr(p, '@', n) != NULL)
			to = &eb;
		else if (digits && phonechars)
			to = &pb;
		else
			to = &nb;
		if (to->len > 0)
			buf_addc(to, ' ');
		buf_add(to, p, n);
		p += n;
	}
	*name = buf_take(&nb);
	*phone = buf_take(&pb);
	*email = buf_take(&eb);
}

/* "23.6.2020" → "2020-06-23", a real date only; NULL otherwise. */
static char *
parse_fi_date(const char *s)
{
	char iso[16];

	return fmt_parse_fi_date(s, iso, sizeof(iso)) == 0 ? xstrdup(iso) : NULL;
}

/*
 * A link target from a title: a–z, 0–9 and '-', with ä, å → a and ö → o,
 * at most 48 bytes (cut between words), never empty.
 */
static char *
slug(const char *title)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)title;

	for (; *p != '\0'; p++) {
		char c = 0;

		if (isalnum(*p) && *p < 0x80)
			c = (char)tolower(*p);
		else if (p[0] == 0xc3 && p[1] != '\0') {
			switch (p[1]) {
			case 0xa4: case 0x84: case 0xa5: case 0x85:
				c = 'a';
				break;
			case 0xb6: case 0x96:
				c = 'o';
				break;
			default:
				break;
			}
			p++;
		}
		if (c != 0)
			buf_addc(&b, c);
		else if (b.len > 0 && b.data[b.len - 1] != '-')
			buf_addc(&b, '-');
	}
	/* long titles: cut at the last word boundary within 48 bytes */
	if (b.len > 48) {
		size_t cut = 48;

		while (cut > 16 && b.data[cut] != '-')
			cut--;
		b.len = cut;
		b.data[b.len] = '\0';
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (b.len == 0)
		buf_adds(&b, "kohta");
	return buf_take(&b);
}

static void
items_free(struct item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(it[i].title);
		buf_free(&it[i].text);
	}
	free(it);
}

/*
 * Read the lines of text[0..len) (valid UTF-8): the document's title, the
 * first non-blank line before any item, into d->title (if not set yet),
 * and each "Title<TAB>text" line, with the lines continuing it, as an
 * item. *itp and *nitp get the items whatever happens (the caller frees
 * them with items_free). Returns the number of lines read, or -1 with err
 * set when text comes before the first item.
 */
static int
read_items(const char *text, size_t len, struct notice_doc *d,
    struct item **itp, size_t *nitp, char *err, size_t errlen)
{
	struct item *it = NULL;
	size_t nit = 0, cap = 0;
	const char *p = text, *end = text + len;
	int line = 0, rc = -1;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *tab;

		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		tab = memchr(p, '\t', n);
		if (tab == NULL && d->title == NULL && nit == 0) {
			/* before the first item: the document's title */
			char *t = trimmed(p, n);

			if (*t != '\0')
				d->title = t;
			else
				free(t);
		} else if (tab != NULL && tab > p) {
			char *t = trimmed(p, (size_t)(tab - p));

			if (*t == '\0') {
				free(t);
				goto continuation;
			}
			if (nit == cap) {
				cap = cap ? cap * 2 : 32;
				it = xrealloc(it, cap * sizeof(*it));
			}
			memset(&it[nit], 0, sizeof(*it));
			it[nit].title = t;
			it[nit].line = line;
			buf_add(&it[nit].text, tab + 1, n - (size_t)(tab - p) - 1);
			nit++;
		} else {
continuation:
			/* "<TAB>more text", or a line without a title */
			if (nit == 0) {
				char *t = trimmed(p, n);
				int blank = *t == '\0';

				free(t);
				if (!blank) {
					snprintf(err, errlen, "line %d: text before "
					    "the first \"Title<TAB>text\" line", line);
					goto out;
				}
			} else {
				const char *q = tab ? tab + 1 : p;

				buf_addc(&it[nit - 1].text, '\n');
				buf_add(&it[nit - 1].text, q, n - (size_t)(q - p));
			}
		}
		p = eol ? eol + 1 : end;
	}
	rc = line;
out:
	*itp = it;
	*nitp = nit;
	return rc;
}

/*
 * Section s (zeroed) from item x: its title, and its text cleaned into
 * body (rt_clean). What was cleaned away, and an empty section (with the
 * text proposed for it, notice_proposal), are lines in report (may
 * be NULL). s->anchor is the caller's. Returns 0, or -1 with err set when
 * the text is not UTF-8; what s holds then is for notice_doc_free.
 */
static int
read_section(struct item *x, enum lang lang, struct notice_section *s,
    struct buf *report, char *err, size_t errlen)
{
	struct buf w = BUF_INIT;

	s->title = xstrdup(x->title);
	s->body = rt_clean(buf_cstr(&x->text), x->text.len, &w);
	if (s->body == NULL) {
		snprintf(err, errlen, "line %d: the text is not UTF-8",
		    x->line);
		buf_free(&w);
		return -1;
	}
	if (w.len > 0 && report != NULL) {
		const char *q = w.data;

		while (*q != '\0') {
			size_t n = strcspn(q, "\n");

			buf_addf(report, "line %d (%s): %.*s\n", x->line,
			    s->title, (int)n, q);
			q += n + (q[n] == '\n');
		}
	}
	buf_free(&w);
	if (*s->body == '\0' && report != NULL) {
		const char *p = notice_proposal(s->title, lang);

		/* never filled in on the controller's behalf: a proposal only */
		buf_addf(report, "line %d (%s): the section is empty", x->line,
		    s->title);
		if (p != NULL)
			buf_addf(report, "; a proposal, if it is true: %s", p);
		buf_addc(report, '\n');
	}
	return 0;
}

int
notice_parse(const char *text, size_t len, enum lang lang,
    struct notice_doc *d, struct buf *report, char *err, size_t errlen)
{
	struct item *it = NULL;
	size_t nit = 0, i;
	int line, rc = -1;

	memset(d, 0, sizeof(*d));
	if (!text_valid(text, len)) {
		snprintf(err, errlen, "the file is not UTF-8 text (or has "
		    "control characters)");
		return -1;
	}
	if ((line = read_items(text, len, d, &it, &nit, err, errlen)) < 0)
		goto out;
	if (d->title == NULL) {
		snprintf(err, errlen, "line 1: the document's title is missing");
		goto out;
	}
	if (nit < 5) {
		snprintf(err, errlen, "line %d: expected the date drawn up, the "
		    "controller, the contact person, the register's name and "
		    "at least one section; found %zu lines with a title", line, nit);
		goto out;
	}
	/* The four header lines, by position. */
	{
		char *t = trimmed(buf_cstr(&it[0].text), it[0].text.len);

		d->drawn_up = parse_fi_date(t);
		free(t);
		if (d->drawn_up == NULL) {
			snprintf(err, errlen, "line %d: \"%s\" should be the date "
			    "drawn up as D.M.YYYY", it[0].line, it[0].title);
			goto out;
		}
	}
	split_contact(buf_cstr(&it[1].text), &d->controller_name,
	    &d->controller_phone, &d->controller_email);
	if (*d->controller_name == '\0') {
		snprintf(err, errlen, "line %d: the controller's name is missing",
		    it[1].line);
		goto out;
	}
	split_contact(buf_cstr(&it[2].text), &d->contact_name, &d->contact_phone,
	    &d->contact_email);
	d->register_name = trimmed(buf_cstr(&it[3].text), it[3].text.len);

	d->n = nit - 4;
	d->s = xcalloc(d->n, sizeof(*d->s));
	for (i = 0; i < d->n; i++) {
		struct notice_section *s = &d->s[i];

		if (read_section(&it[i + 4], lang, s, report, err, errlen) != 0)
			goto out;
		s->anchor = slug(s->title);
		for (size_t j = 0, k = 2; j < i; j++)
			if (strcmp(d->s[j].anchor, s->anchor) == 0) {
				char *a = s->anchor;
				struct buf b = BUF_INIT;

				buf_addf(&b, "%s-%zu", a, k++);
				free(a);
				s->anchor = buf_take(&b);
				j = (size_t)-1;	/* check the new one from the start */
			}
	}
	rc = 0;
out:
	items_free(it, nit);
	if (rc != 0)
		notice_doc_free(d);
	return rc;
}

enum estmt {
	E_DRAFT,
	E_NEW_DRAFT,
	E_COPY_FACTS,
	E_COPY_SECTIONS,
	E_SET_DRAWN_UP,
	E_DEL_FACTS,
	E_DEL_SECTIONS,
	E_ADD_FACTS,
	E_ADD_SECTION,
	E_LANG_COUNTS,
	E_ANCHOR_TMP,
	E_ANCHOR_ALIGN,
	E_PUBLISH,
	E_DISCARD_FACTS,
	E_DISCARD_SECTIONS,
	E_DISCARD,
	E_DRAFT_FROM_LATEST,
	E_SECTION_SET,
	E_SECTION_GET,
	E_DRAWN_UP,
	E__MAX
};

static const char *const esql[E__MAX] = {
	/* E_DRAFT */
	"SELECT id FROM notice_versions WHERE number IS NULL",
	/* E_NEW_DRAFT */
	"INSERT INTO notice_versions (drawn_up) VALUES (?1)",
	/* E_COPY_FACTS: the newest published version's other languages */
	"INSERT INTO notice_facts SELECT ?1, lang, title, register_name,"
	" controller_name, controller_address, controller_phone,"
	" controller_email, contact_name, contact_phone, contact_email"
	" FROM notice_facts WHERE lang <> ?2 AND version_id = (SELECT id FROM"
	" notice_versions WHERE number = (SELECT max(number) FROM notice_versions))",
	/* E_COPY_SECTIONS */
	"INSERT INTO notice_sections SELECT ?1, lang, position, anchor, title,"
	" body FROM notice_sections WHERE lang <> ?2 AND version_id = (SELECT id"
	" FROM notice_versions WHERE number = (SELECT max(number) FROM"
	" notice_versions))",
	/* E_SET_DRAWN_UP */
	"UPDATE notice_versions SET drawn_up = ?2 WHERE id = ?1",
	/* E_DEL_FACTS */
	"DELETE FROM notice_facts WHERE version_id = ?1 AND lang = ?2",
	/* E_DEL_SECTIONS */
	"DELETE FROM notice_sections WHERE version_id = ?1 AND lang = ?2",
	/* E_ADD_FACTS */
	"INSERT INTO notice_facts (version_id, lang, title, register_name,"
	" controller_name, controller_address, controller_phone,"
	" controller_email, contact_name, contact_phone, contact_email)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* E_ADD_SECTION */
	"INSERT INTO notice_sections (version_id, lang, position, anchor, title,"
	" body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* E_LANG_COUNTS */
	"SELECT (SELECT count(*) FROM notice_facts WHERE version_id = ?1),"
	" (SELECT count(*) FROM notice_sections WHERE version_id = ?1"
	"  AND lang = 'fi'),"
	" (SELECT count(*) FROM notice_sections WHERE version_id = ?1"
	"  AND lang = 'en')",
	/* E_ANCHOR_TMP */
	"UPDATE notice_sections SET anchor = 'tmp-' || position"
	" WHERE version_id = ?1 AND lang <> 'fi'",
	/* E_ANCHOR_ALIGN */
	"UPDATE notice_sections SET anchor = (SELECT f.anchor FROM"
	" notice_sections f WHERE f.version_id = notice_sections.version_id"
	" AND f.lang = 'fi' AND f.position = notice_sections.position)"
	" WHERE version_id = ?1 AND lang <> 'fi'",
	/* E_PUBLISH */
	"UPDATE notice_versions SET"
	" number = (SELECT coalesce(max(number), 0) + 1 FROM notice_versions),"
	" published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	" WHERE id = ?1 RETURNING number",
	/* E_DISCARD_FACTS */
	"DELETE FROM notice_facts WHERE version_id = ?1",
	/* E_DISCARD_SECTIONS */
	"DELETE FROM notice_sections WHERE version_id = ?1",
	/* E_DISCARD */
	"DELETE FROM notice_versions WHERE id = ?1",
	/* E_DRAFT_FROM_LATEST: a draft with the newest version's date */
	"INSERT INTO notice_versions (drawn_up) SELECT drawn_up FROM"
	" notice_versions WHERE number = (SELECT max(number) FROM notice_versions)",
	/* E_SECTION_SET */
	"UPDATE notice_sections SET title = ?4, body = ?5 WHERE version_id = ?1"
	" AND lang = ?2 AND position = ?3",
	/* E_SECTION_GET: a section of the draft */
	"SELECT s.title, s.body FROM notice_sections s JOIN notice_versions v"
	" ON v.id = s.version_id WHERE v.number IS NULL AND s.lang = ?1 AND"
	" s.position = ?2",
	/* E_DRAWN_UP */
	"SELECT drawn_up FROM notice_versions WHERE id = ?1",
};

struct ectx {
	sqlite3		*db;
	sqlite3_stmt	*st[E__MAX];
	int		 nested;	/* inside the caller's transaction: a savepoint */
};

/* Step s to the end; 0 when it ran without error. Resets s. */
static int
run(struct ectx *e, enum estmt k)
{
	int rc = sqlite3_step(e->st[k]);

	while (rc == SQLITE_ROW)
		rc = sqlite3_step(e->st[k]);
	sqlite3_reset(e->st[k]);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
ectx_open(struct ectx *e, sqlite3 *db, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->db = db;
	if (db_prepare_all(db, esql, E__MAX, e->st) != 0) {
		snprintf(err, errlen, "the database is not ready for the notice "
		    "(run rekisteri init): %s", sqlite3_errmsg(db));
		return -1;
	}
	/* the caller's transaction, when open, holds the change and its audit row */
	e->nested = !sqlite3_get_autocommit(db);
	if ((e->nested ? sqlite3_exec(db, "SAVEPOINT notice_edit", NULL, NULL,
	    NULL) != SQLITE_OK : db_begin(db) != 0)) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		db_finalize_all(e->st, E__MAX);
		return -1;
	}
	return 0;
}

/* Commit (ok) or roll back, and free the statements. Returns ok ? 0 : -1. */
static int
ectx_close(struct ectx *e, int ok, char *err, size_t errlen)
{
	if (e->nested) {
		if (!ok)
			(void)sqlite3_exec(e->db, "ROLLBACK TO notice_edit", NULL,
			    NULL, NULL);
		if (sqlite3_exec(e->db, "RELEASE notice_edit", NULL, NULL,
		    NULL) != SQLITE_OK)
			ok = 0;
	} else {
		if (ok && db_commit(e->db) != 0) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(e->db));
			ok = 0;
		}
		if (!ok)
			db_rollback(e->db);
	}
	db_finalize_all(e->st, E__MAX);
	return ok ? 0 : -1;
}

static sqlite3_int64
draft_id(struct ectx *e)
{
	sqlite3_stmt *s = e->st[E_DRAFT];
	sqlite3_int64 id = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

int
notice_import(sqlite3 *db, const struct notice_doc *d, enum lang lang,
    const char *address, struct buf *report, char *err, size_t errlen)
{
	struct ectx e;
	sqlite3_stmt *s;
	sqlite3_int64 id;
	const char *code = lang_codes[lang];
	int ok = 0;

	if (ectx_open(&e, db, err, errlen) != 0)
		return -1;
	if ((id = draft_id(&e)) == 0) {
		sqlite3_bind_text(e.st[E_NEW_DRAFT], 1, d->drawn_up, -1,
		    SQLITE_STATIC);
		if (run(&e, E_NEW_DRAFT) != 0)
			goto out;
		id = sqlite3_last_insert_rowid(db);
		for (int k = E_COPY_FACTS; k <= E_COPY_SECTIONS; k++) {
			sqlite3_bind_int64(e.st[k], 1, id);
			sqlite3_bind_text(e.st[k], 2, code, -1, SQLITE_STATIC);
			if (run(&e, (enum estmt)k) != 0)
				goto out;
		}
		if (sqlite3_changes(db) > 0 && report != NULL)
			buf_addf(report, "a new draft: the other language was "
			    "copied from the newest published version\n");
	}
	sqlite3_bind_int64(e.st[E_SET_DRAWN_UP], 1, id);
	sqlite3_bind_text(e.st[E_SET_DRAWN_UP], 2, d->drawn_up, -1, SQLITE_STATIC);
	if (run(&e, E_SET_DRAWN_UP) != 0)
		goto out;
	for (int k = E_DEL_FACTS; k <= E_DEL_SECTIONS; k++) {
		sqlite3_bind_int64(e.st[k], 1, id);
		sqlite3_bind_text(e.st[k], 2, code, -1, SQLITE_STATIC);
		if (run(&e, (enum estmt)k) != 0)
			goto out;
	}
	s = e.st[E_ADD_FACTS];
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, d->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, d->register_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, d->controller_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, d->controller_phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, d->controller_email, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, d->contact_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, d->contact_phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, d->contact_email, -1, SQLITE_STATIC);
	if (run(&e, E_ADD_FACTS) != 0)
		goto out;
	s = e.st[E_ADD_SECTION];
	for (size_t i = 0; i < d->n; i++) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)i + 1);
		sqlite3_bind_text(s, 4, d->s[i].anchor, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, d->s[i].title, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, d->s[i].body, -1, SQLITE_STATIC);
		if (run(&e, E_ADD_SECTION) != 0)
			goto out;
	}
	ok = 1;
out:
	if (!ok)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	return ectx_close(&e, ok, err, errlen);
}

int
notice_publish(sqlite3 *db, int *number, char *err, size_t errlen)
{
	struct ectx e;
	sqlite3_stmt *s;
	sqlite3_int64 id;
	int ok = 0, facts, fi, en;

	if (ectx_open(&e, db, err, errlen) != 0)
		return -1;
	if ((id = draft_id(&e)) == 0) {
		snprintf(err, errlen, "there is no draft to publish; import one "
		    "with: rekisteri notice import FILE --lang fi|en");
		goto fail;
	}
	s = e.st[E_LANG_COUNTS];
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		goto dberr;
	}
	facts = sqlite3_column_int(s, 0);
	fi = sqlite3_column_int(s, 1);
	en = sqlite3_column_int(s, 2);
	sqlite3_reset(s);
	if (facts != LANG__MAX || fi == 0 || en == 0) {
		snprintf(err, errlen, "the draft needs both Finnish and English: "
		    "import the missing language with --lang");
		goto fail;
	}
	if (fi != en) {
		snprintf(err, errlen, "the Finnish draft has %d sections and the "
		    "English %d: they must match section by section", fi, en);
		goto fail;
	}
	for (int k = E_ANCHOR_TMP; k <= E_ANCHOR_ALIGN; k++) {
		sqlite3_bind_int64(e.st[k], 1, id);
		if (run(&e, (enum estmt)k) != 0)
			goto dberr;
	}
	s = e.st[E_PUBLISH];
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		goto dberr;
	}
	*number = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	ok = 1;
	return ectx_close(&e, ok, err, errlen);
dberr:
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
fail:
	return ectx_close(&e, 0, err, errlen);
}

int
notice_discard_draft(sqlite3 *db, char *err, size_t errlen)
{
	struct ectx e;
	sqlite3_int64 id;
	int ok = 1;

	if (ectx_open(&e, db, err, errlen) != 0)
		return -1;
	if ((id = draft_id(&e)) != 0)
		for (int k = E_DISCARD_FACTS; k <= E_DISCARD && ok; k++) {
			sqlite3_bind_int64(e.st[k], 1, id);
			ok = run(&e, (enum estmt)k) == 0;
		}
	if (!ok)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	return ectx_close(&e, ok, err, errlen);
}

long long
notice_draft_id(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long id = -1;
	int rc;

	if (sqlite3_prepare_v2(db, esql[E_DRAFT], -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		id = 0;
	sqlite3_finalize(st);
	return id;
}

int
notice_draft_create(sqlite3 *db, char *err, size_t errlen)
{
	struct ectx e;
	sqlite3_int64 id;
	int ok = 0;

	if (ectx_open(&e, db, err, errlen) != 0)
		return -1;
	if (draft_id(&e) != 0) {
		ectx_close(&e, 1, err, errlen);
		return 1;
	}
	/* the newest version's date drawn up, until the editor changes it */
	{
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(db, esql[E_DRAFT_FROM_LATEST], -1, &st,
		    NULL) != SQLITE_OK)
			goto out;
		ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1;
		sqlite3_finalize(st);
		if (!ok) {
			snprintf(err, errlen, "there is no published version to "
			    "start from: import one with rekisteri notice import");
			return ectx_close(&e, 0, err, errlen);
		}
	}
	id = sqlite3_last_insert_rowid(db);
	for (int k = E_COPY_FACTS; k <= E_COPY_SECTIONS; k++) {
		sqlite3_bind_int64(e.st[k], 1, id);
		sqlite3_bind_text(e.st[k], 2, "", -1, SQLITE_STATIC);	/* every language */
		if (run(&e, (enum estmt)k) != 0) {
			ok = 0;
			goto out;
		}
	}
	ok = 1;
out:
	if (!ok && err[0] == '\0')
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	return ectx_close(&e, ok, err, errlen);
}

int
notice_draft_section(sqlite3 *db, enum lang lang, int position,
    const char *title, const char *body, struct buf *warnings, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	char *clean, *t;
	long long id;
	int ok;

	if ((id = notice_draft_id(db)) <= 0) {
		snprintf(err, errlen, "there is no draft");
		return -1;
	}
	t = trimmed(title, strlen(title));
	if (*t == '\0' || strlen(t) > 300 || !text_valid(t, strlen(t)) ||
	    strpbrk(t, "\t\r\n") != NULL) {
		free(t);
		snprintf(err, errlen, "title");
		return -1;
	}
	if ((clean = rt_clean(body, strlen(body), warnings)) == NULL) {
		free(t);
		snprintf(err, errlen, "body");
		return -1;
	}
	if (sqlite3_prepare_v2(db, esql[E_SECTION_SET], -1, &st, NULL) !=
	    SQLITE_OK) {
		free(t);
		free(clean);
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, lang_codes[lang], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, position);
	sqlite3_bind_text(st, 4, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, clean, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1;
	sqlite3_finalize(st);
	free(t);
	free(clean);
	if (!ok)
		snprintf(err, errlen, "no section %d in the draft", position);
	return ok ? 0 : -1;
}

int
notice_draft_drawn_up(sqlite3 *db, const char *date)
{
	struct tm tm;
	sqlite3_stmt *st;
	long long id;
	int ok;

	if (fmt_parse_date(date, &tm) != 0 || (id = notice_draft_id(db)) <= 0)
		return -1;
	if (sqlite3_prepare_v2(db, esql[E_SET_DRAWN_UP], -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

int
notice_draft_section_get(sqlite3 *db, enum lang lang, int position,
    struct buf *title, struct buf *body)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, esql[E_SECTION_GET], -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, lang_codes[lang], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, position);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_adds(title, (const char *)sqlite3_column_text(st, 0));
		buf_adds(body, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
notice_draft_date(sqlite3 *db, long long *id, char date[11])
{
	sqlite3_stmt *st;
	int rc;

	date[0] = '\0';
	if ((*id = notice_draft_id(db)) <= 0)
		return *id < 0 ? -1 : 1;
	if (sqlite3_prepare_v2(db, esql[E_DRAWN_UP], -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, *id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(date, 11, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
