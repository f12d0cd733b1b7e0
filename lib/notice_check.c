/* notice_check.c — a notice's text against the supervisory authority's current details; see notice_check.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice_check.h"

#define WINDOW		300	/* bytes around a mention of the authority */
#define CODES_MAX	16	/* postal codes of the current addresses */

long
notice_find(const char *hay, size_t len, size_t at, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return -1;
	for (size_t i = at; i + n <= len; i++) {
		size_t k;

		for (k = 0; k < n; k++) {
			unsigned char h = (unsigned char)hay[i + k],
			    c = (unsigned char)needle[k];

			if (h >= 'A' && h <= 'Z')
				h = (unsigned char)(h - 'A' + 'a');
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (h != c)
				break;
		}
		if (k == n)
			return (long)i;
	}
	return -1;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A Finnish postal code at text[i]: five digits, not part of a longer
 * number, then a space and a capital (the post office: "00521 Helsinki").
 * Phone numbers ("029 56 66700 tietosuoja@om.fi") are not.
 */
static int
postal_code_at(const char *t, size_t len, size_t i)
{
	if (i + 7 > len || (i > 0 && (digit(t[i - 1]) || t[i - 1] == '.')))
		return 0;
	for (size_t k = 0; k < 5; k++)
		if (!digit(t[i + k]))
			return 0;
	return t[i + 5] == ' ' && ((t[i + 6] >= 'A' && t[i + 6] <= 'Z') ||
	    (unsigned char)t[i + 6] >= 0xc0);	/* Å, Ä, Ö... */
}

/* The postal codes of the authority's current addresses into codes; their number. */
static size_t
current_codes(const struct authority *a, char codes[][6])
{
	static const enum afield where[] = { AF_VISIT, AF_POST };
	size_t n = 0;

	for (int l = 0; l < LANG__MAX; l++)
		for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
			const char *v = a->v[l][where[w]];
			size_t len = strlen(v);

			for (size_t i = 0; i < len && n < CODES_MAX; i++)
				if (postal_code_at(v, len, i)) {
					memcpy(codes[n], v + i, 5);
					codes[n++][5] = '\0';
				}
		}
	return n;
}

static size_t
line_of(const char *t, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += t[i] == '\n';
	return line;
}

/* The host of an https:// address: "https://tietosuoja.fi/en" → "tietosuoja.fi". */
static void
host_of(const char *url, char *dst, size_t len)
{
	const char *p = strstr(url, "://");

	p = p != NULL ? p + 3 : url;
	snprintf(dst, len, "%.*s", (int)strcspn(p, "/"), p);
}

int
notice_check_authority(const struct authority *a, const char *text,
    size_t len, const char *where, struct buf *report)
{
	char codes[CODES_MAX][6], host[256];
	const char *marks[2 * LANG__MAX + 2];
	size_t ncodes = current_codes(a, codes), nmarks = 0, *seen = NULL,
	    nseen = 0;
	int found = 0;
	long at;

	/* the former addresses, wherever they are */
	for (size_t w = 0; w < a->nformer; w++)
		for (at = notice_find(text, len, 0, a->former[w]); at >= 0;
		    at = notice_find(text, len, (size_t)at + 1, a->former[w])) {
			buf_addf(report, "%s:%zu: \"%s\" is in a former address of "
			    "the %s; the current ones are %s (visiting) and %s "
			    "(postal), checked %s\n", where, line_of(text,
			    (size_t)at), a->former[w], a->v[LANG_EN][AF_NAME],
			    a->v[LANG_FI][AF_VISIT], a->v[LANG_FI][AF_POST],
			    a->checked);
			found++;
		}
	/* postal codes beside a mention of the authority */
	for (int l = 0; l < LANG__MAX; l++)
		marks[nmarks++] = a->v[l][AF_NAME];
	marks[nmarks++] = a->v[LANG_FI][AF_EMAIL];
	host_of(a->v[LANG_FI][AF_WEB], host, sizeof(host));
	marks[nmarks++] = host;
	for (size_t m = 0; m < nmarks; m++)
		for (at = notice_find(text, len, 0, marks[m]); at >= 0;
		    at = notice_find(text, len, (size_t)at + 1, marks[m])) {
			size_t from = (size_t)at > WINDOW ? (size_t)at - WINDOW : 0,
			    to = (size_t)at + strlen(marks[m]) + WINDOW;

			if (to > len)
				to = len;
			for (size_t i = from; i < to; i++) {
				int current = 0, again = 0;

				if (!postal_code_at(text, len, i))
					continue;
				for (size_t c = 0; c < ncodes; c++)
					current |= strncmp(text + i, codes[c], 5) == 0;
				for (size_t s = 0; s < nseen; s++)
					again |= seen[s] == i;
				if (current || again)
					continue;
				seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
				seen[nseen++] = i;
				buf_addf(report, "%s:%zu: postal code %.5s beside the "
				    "%s's details is not one of its current addresses "
				    "(%s; %s), checked %s\n", where, line_of(text, i),
				    text + i, a->v[LANG_EN][AF_NAME],
				    a->v[LANG_FI][AF_VISIT], a->v[LANG_FI][AF_POST],
				    a->checked);
				found++;
			}
		}
	free(seen);
	return found;
}

static const char sections_sql[] =
	"SELECT coalesce(v.number, 0), s.lang, s.position, s.title, s.body"
	" FROM notice_sections s JOIN notice_versions v ON v.id = s.version_id"
	" WHERE CASE WHEN ?1 THEN v.number IS NULL"
	"  ELSE v.number = (SELECT max(number) FROM notice_versions) END"
	" ORDER BY s.lang <> 'fi', s.lang, s.position";

int
notice_check_stored(sqlite3 *db, int draft, const struct authority *a,
    struct buf *report)
{
	sqlite3_stmt *st;
	struct buf where = BUF_INIT;
	int found = 0, rc;

	if (sqlite3_prepare_v2(db, sections_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, draft != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 4);
		int number = sqlite3_column_int(st, 0);

		buf_reset(&where);
		if (number == 0)
			buf_adds(&where, "notice draft");
		else
			buf_addf(&where, "notice version %d", number);
		buf_addf(&where, " (%s), section %d \"%s\"",
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 2),
		    (const char *)sqlite3_column_text(st, 3));
		found += notice_check_authority(a, body ? body : "",
		    (size_t)sqlite3_column_bytes(st, 4), where.data, report);
	}
	sqlite3_finalize(st);
	buf_free(&where);
	return rc == SQLITE_DONE ? found : -1;
}
