/* customer_search.c — finding customers: full-text words, name and postal-code prefixes, each served by an index; one page of rows, or every row for an export. See customer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db_cache.h"
#include "customer.h"
#include "customer_int.h"
#include "log.h"

const char *const csort_names[SORT__MAX] = {
	"name", "number", "postal", "city",
};

/*
 * words → an FTS5 query: each word a quoted string (quotes doubled, the
 * FTS5 way) with '*' for prefix matching; words are ANDed. Only letters,
 * digits and a few joiners are kept, so nothing else of the query syntax
 * can get in.
 */
static void
fts_query(const char *q, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)q;

	while (*p != '\0') {
		size_t start;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		buf_adds(out, out->len ? " \"" : "\"");
		start = out->len;
		for (; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			if (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
			    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    *p == '@' || *p == '.' || *p == '-' || *p == '+')
				buf_addc(out, (char)*p);
		if (out->len == start) {	/* nothing searchable in the word */
			out->len = start - (start > 1 ? 2 : 1);
			out->data[out->len] = '\0';
			continue;
		}
		buf_adds(out, "\"*");
	}
}

/* ORDER BY for each enum csort. */
static const char *const sort_sql[SORT__MAX] = {
	"c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id",
	"c.number",
	/* the order of customers_postal_name (026): read in order, not sorted */
	"c.postal_code, c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE,"
	" c.id",
	"c.city COLLATE NOCASE, c.last_name COLLATE NOCASE, c.id",
};

/* A search's conditions as SQL, and what they bind. */
struct cwhere {
	struct buf	 match;		/* the FTS5 query of q */
	char		 last[128];	/* name prefix: last name, first name */
	char		 first[128];
};

/* The next word of *p (at most len - 1 bytes) into dst; *p moves past it. */
static void
next_word(const char **p, char *dst, size_t len)
{
	size_t n = 0;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	while (**p != '\0' && **p != ' ' && **p != '\t') {
		if (n + 1 < len)
			dst[n++] = **p;
		(*p)++;
	}
	dst[n] = '\0';
}

/* The words of s into w: the FTS5 query, the name's last and first. */
static void
search_parse(const struct csearch *s, struct cwhere *w)
{
	const char *p = s->name ? s->name : "";

	memset(w, 0, sizeof(*w));
	if (s->q != NULL)
		fts_query(s->q, &w->match);
	next_word(&p, w->last, sizeof(w->last));
	next_word(&p, w->first, sizeof(w->first));
}

/* Which last names an arm of a name search takes (search_select). */
enum arm {
	ARM_PREFIX,	/* every last name that begins with the word */
	ARM_EXACT,	/* the word itself */
	ARM_LONGER,	/* a longer name that begins with it */
};

/*
 * FROM ... WHERE for search s into sql: only the conditions given, each in
 * a form an index can serve — the words through FTS5 (?1); a whole Finnish
 * postal code by equality, a shorter prefix as a range (?2; ':' follows
 * '9'; customers_postal_name of 026 gives them in name order); a name
 * prefix as ranges of the NOCASE name index (?5 last, ?6 first), the last
 * name's as arm says.
 */
static void
search_where(struct buf *sql, const struct csearch *s, const struct cwhere *w,
    enum arm arm)
{
	if (w->match.len > 0)
		buf_adds(sql, " FROM customers_fts f JOIN customers c ON c.id ="
		    " f.rowid WHERE customers_fts MATCH ?1");
	else
		buf_adds(sql, " FROM customers c WHERE 1");
	if (s->postal != NULL && s->postal[0] != '\0')
		buf_adds(sql, strlen(s->postal) == 5 ? " AND c.postal_code = ?2" :
		    " AND c.postal_code >= ?2 AND c.postal_code < ?2 || ':'");
	if (w->last[0] != '\0')
		buf_adds(sql, arm == ARM_EXACT ?
		    " AND c.last_name COLLATE NOCASE = ?5" :
		    arm == ARM_LONGER ? " AND c.last_name COLLATE NOCASE > ?5 AND"
		    " c.last_name COLLATE NOCASE < ?5 || char(1114111)" :
		    " AND c.last_name COLLATE NOCASE >= ?5 AND"
		    " c.last_name COLLATE NOCASE < ?5 || char(1114111)");
	if (w->first[0] != '\0')
		buf_adds(sql, " AND c.first_name COLLATE NOCASE >= ?6 AND"
		    " c.first_name COLLATE NOCASE < ?6 || char(1114111)");
}

/*
 * "cols FROM ... WHERE ..." for s. A last and a first name are two arms
 * joined by UNION ALL: the last name the word itself, where the first
 * name's prefix is a range of customers_last_name (last, first, ...), and
 * the longer last names. As one range of last names, the index could
 * narrow only the last name: "Korhonen Ai" read every Korhonen (about 370
 * pages at 1,000,000 customers, #17). The arms are disjoint and each in
 * the index's order, so SQLite merges them for the ORDER BY instead of
 * sorting; its terms name columns of cols, as a compound's must.
 */
static void
search_select(struct buf *sql, const char *cols, const struct csearch *s,
    const struct cwhere *w)
{
	buf_adds(sql, cols);
	if (w->last[0] == '\0' || w->first[0] == '\0') {
		search_where(sql, s, w, ARM_PREFIX);
		return;
	}
	search_where(sql, s, w, ARM_EXACT);
	buf_adds(sql, " UNION ALL ");
	buf_adds(sql, cols);
	search_where(sql, s, w, ARM_LONGER);
}

static void
search_bind(sqlite3_stmt *st, const struct csearch *s, const struct cwhere *w)
{
	if (w->match.len > 0)
		sqlite3_bind_text(st, 1, w->match.data, -1, SQLITE_STATIC);
	if (s->postal != NULL && s->postal[0] != '\0')
		sqlite3_bind_text(st, 2, s->postal, -1, SQLITE_STATIC);
	if (w->last[0] != '\0')
		sqlite3_bind_text(st, 5, w->last, -1, SQLITE_STATIC);
	if (w->first[0] != '\0')
		sqlite3_bind_text(st, 6, w->first, -1, SQLITE_STATIC);
}

/*
 * "SELECT cols" with s's FROM and WHERE, ordered by s's sort (paged: with
 * LIMIT ?3 OFFSET ?4 for the caller to bind), prepared and bound; NULL on
 * an error (logged). w->match is the caller's to free.
 */
static sqlite3_stmt *
search_prepare(sqlite3 *db, const char *cols, const struct csearch *s,
    int paged, struct cwhere *w)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;

	search_parse(s, w);
	search_select(&sql, cols, s, w);
	buf_addf(&sql, " ORDER BY %s%s", sort_sql[s->sort],	/* from the table */
	    paged ? " LIMIT ?3 OFFSET ?4" : "");
	/* kept by its text for the worker's life: parsing was a sixth of a search (#17) */
	st = db_cached_text(db, sql.data);
	buf_free(&sql);
	if (st != NULL)
		search_bind(st, s, w);
	return st;
}

int
customer_search(sqlite3 *db, const struct csearch *s, int page, int rows,
    int (*fn)(void *arg, const struct crow *), void *arg, int *more)
{
	struct cwhere w;
	sqlite3_stmt *st;
	int n = 0, rc, stop = 0;

	*more = 0;
	if ((st = search_prepare(db, "SELECT c.id, c.number, c.first_name,"
	    " c.last_name, c.organisation, c.email, c.phone, c.postal_code,"
	    " c.city, c.restricted", s, 1, &w)) == NULL) {
		buf_free(&w.match);
		return -1;
	}
	/* one row more than a page: is there a next page */
	sqlite3_bind_int(st, 3, rows + 1);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)(page - 1) * rows);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct crow c = { sqlite3_column_int64(st, 0), customer_col(st, 1),
		    customer_col(st, 2), customer_col(st, 3), customer_col(st, 4),
		    customer_col(st, 5), customer_col(st, 6), customer_col(st, 7),
		    customer_col(st, 8), sqlite3_column_int(st, 9) };

		if (++n > rows) {
			*more = 1;
			break;
		}
		stop = fn(arg, &c);
	}
	db_release(st);
	buf_free(&w.match);
	if (stop)
		return stop;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
customer_count(sqlite3 *db, const struct csearch *s, long long cap,
    long long *n)
{
	struct buf sql = BUF_INIT;
	struct cwhere w;
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	/* at most cap + 1 rows read: the count never costs more than that */
	buf_adds(&sql, "SELECT count(*) FROM (");
	search_parse(s, &w);
	search_select(&sql, "SELECT 1", s, &w);
	buf_adds(&sql, " LIMIT ?3)");
	st = db_cached_text(db, sql.data);
	buf_free(&sql);
	if (st == NULL) {
		buf_free(&w.match);
		return -1;
	}
	search_bind(st, s, &w);
	sqlite3_bind_int64(st, 3, cap + 1);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	db_release(st);
	buf_free(&w.match);
	return rc == SQLITE_ROW ? 0 : -1;
}

const char *const cexport_purposes[] = {
	"register", "advertising", "distance_selling", "direct_marketing",
	"research", "publication", "disclosure", NULL,
};

int
cexport_purpose_parse(const char *name)
{
	for (int i = 0; name != NULL && cexport_purposes[i] != NULL; i++)
		if (strcmp(name, cexport_purposes[i]) == 0)
			return i;
	return -1;
}

unsigned
cexport_excludes(int purpose)
{
	if (purpose <= CEXPORT_REGISTER || purpose > CP__MAX)
		return 0;
	unsigned m = 1u << (purpose - 1) | 1u << CP_PUBLICATION |
	    1u << CP_DISCLOSURE;

	/*
	 * cexport_purposes after "register" are cpurpose_names, in order. A
	 * file for one of the four marketing purposes leaves out a ban on any
	 * of them (issue #13: a file "for direct marketing" leaves out the
	 * four marketing bans): the notice names them together, and an
	 * objection to direct marketing ends all four (GDPR Art. 21(3)).
	 */
	for (int i = 0; i < CP_MARKETING; i++)
		if ((int)cmarketing_purposes[i] == purpose - 1)
			for (int j = 0; j < CP_MARKETING; j++)
				m |= 1u << cmarketing_purposes[j];
	return m;
}

int
customer_export_header(int purpose, const char **head)
{
	head[0] = "number";
	for (int f = 0; f < CF__MAX; f++)
		head[f + 1] = cfields[f].name;
	if (purpose != CEXPORT_REGISTER)
		return CEXPORT_COLUMNS;
	head[CEXPORT_COLUMNS] = "bans";
	return CEXPORT_MAX_COLUMNS;
}

/* The bans of a space-separated list of purpose names (1 << enum cpurpose). */
static unsigned
bans_mask(const char *list)
{
	unsigned m = 0;

	while (*list != '\0') {
		size_t n = strcspn(list, " ");

		for (int p = 0; p < CP__MAX; p++)
			if (strlen(cpurpose_names[p]) == n &&
			    strncmp(list, cpurpose_names[p], n) == 0)
				m |= 1u << p;
		list += n;
		list += strspn(list, " ");
	}
	return m;
}

int
customer_export(sqlite3 *db, const struct csearch *s, int purpose,
    int (*fn)(void *arg, const char *const *cells, int n), void *arg,
    struct cexport_counts *counts)
{
	struct buf cols = BUF_INIT;
	struct cwhere w;
	sqlite3_stmt *st;
	unsigned excludes = cexport_excludes(purpose);
	const char *dummy[CEXPORT_MAX_COLUMNS];
	int rc, stop = 0, ncells;

	memset(counts, 0, sizeof(*counts));
	if (purpose < 0 || purpose > CP__MAX)
		return -1;
	ncells = customer_export_header(purpose, dummy);
	/* each person's bans in one look-up of the bans' primary key */
	buf_adds(&cols, "SELECT c.restricted, (SELECT group_concat(b.purpose,"
	    " ' ') FROM bans b WHERE b.customer_id = c.id), c.number");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&cols, ", c.%s", cfields[f].name);	/* from the table */
	buf_adds(&cols, ", c.id");	/* the order's last term (search_select) */
	st = search_prepare(db, cols.data, s, 0, &w);
	buf_free(&cols);
	if (st == NULL) {
		buf_free(&w.match);
		return -1;
	}
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[CEXPORT_MAX_COLUMNS];
		const char *bans = customer_col(st, 1);
		unsigned hit = 0;

		if (sqlite3_column_int(st, 0)) {
			counts->restricted++;
			continue;
		}
		if (bans[0] != '\0' && (hit = bans_mask(bans) & excludes) != 0) {
			/* counted once: the purpose's own ban first */
			int p = hit & (1u << (purpose - 1)) ? purpose - 1 : 0;

			while (!(hit & (1u << p)))
				p++;
			counts->banned[p]++;
			counts->banned_total++;
			continue;
		}
		for (int i = 0; i < CEXPORT_COLUMNS; i++)
			cells[i] = customer_col(st, i + 2);
		if (ncells > CEXPORT_COLUMNS)
			cells[CEXPORT_COLUMNS] = bans;
		stop = fn(arg, cells, ncells);
		if (!stop)
			counts->rows++;
	}
	db_release(st);
	buf_free(&w.match);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
