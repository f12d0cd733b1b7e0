/* customer.c — see customer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "customer.h"
#include "fmt.h"
#include "log.h"
#include "req.h"
#include "validate.h"

enum ckind {
	K_TEXT,		/* one line */
	K_MULTILINE,
	K_BOOL,		/* a checkbox: "1" or absent */
	K_DATE,
	K_EMAIL,
	K_PHONE,
	K_POSTAL,	/* checked against the country below */
	K_COUNTRY,
	K_URL,
	K_IP,
	K_BUSINESS_ID,
	K_EINVOICE
};

struct cdef {
	const char	*name;
	enum ckind	 kind;
	size_t		 max;		/* characters, for text */
};

/* The one table of fields: column and form key, validator, limit. */
static const struct cdef defs[CF__MAX] = {
	[CF_FIRST_NAME] =		{ "first_name", K_TEXT, 100 },
	[CF_LAST_NAME] =		{ "last_name", K_TEXT, 100 },
	[CF_ORGANISATION] =		{ "organisation", K_TEXT, 200 },
	[CF_CONTACT_PERSON] =		{ "contact_person", K_BOOL, 1 },
	[CF_CONTACT_FROM] =		{ "contact_from", K_DATE, 10 },
	[CF_CONTACT_TO] =		{ "contact_to", K_DATE, 10 },
	[CF_EMAIL] =			{ "email", K_EMAIL, 254 },
	[CF_STREET] =			{ "street", K_TEXT, 200 },
	[CF_POSTAL_CODE] =		{ "postal_code", K_POSTAL, 16 },
	[CF_CITY] =			{ "city", K_TEXT, 100 },
	[CF_COUNTRY] =			{ "country", K_COUNTRY, 2 },
	[CF_PHONE] =			{ "phone", K_PHONE, 40 },
	[CF_WWW] =			{ "www", K_URL, 2000 },
	[CF_IP] =			{ "ip", K_IP, 64 },
	[CF_BILLING_ADDRESS] =		{ "billing_address", K_MULTILINE, 400 },
	[CF_BUSINESS_ID] =		{ "business_id", K_BUSINESS_ID, 10 },
	[CF_EINVOICE_ADDRESS] =		{ "einvoice_address", K_EINVOICE, 35 },
	[CF_EINVOICE_OPERATOR] =	{ "einvoice_operator", K_TEXT, 100 },
	[CF_CUSTOMER_SINCE] =		{ "customer_since", K_DATE, 10 },
	[CF_RELATIONSHIP_ENDED] =	{ "relationship_ended", K_DATE, 10 },
	[CF_NOTES] =			{ "notes", K_MULTILINE, 4000 },
};

const char *const cfield_names[CF__MAX] = {
	"first_name", "last_name", "organisation", "contact_person",
	"contact_from", "contact_to", "email", "street", "postal_code", "city",
	"country", "phone", "www", "ip", "billing_address", "business_id",
	"einvoice_address", "einvoice_operator", "customer_since",
	"relationship_ended", "notes",
};

const char *const csource_names[CS__MAX] = {
	"customer", "update_service", "subcontractor", "staff", "import",
};

const char *const csort_names[SORT__MAX] = {
	"name", "number", "postal", "city",
};

int
csource_parse(const char *s)
{
	for (int i = 0; s != NULL && i < CS__MAX; i++)
		if (strcmp(s, csource_names[i]) == 0)
			return i;
	return -1;
}

void
customer_free(struct customer *c)
{
	for (int f = 0; f < CF__MAX; f++)
		free(c->v[f]);
	free(c->number);
	free(c->restricted_reason);
	memset(c, 0, sizeof(*c));
}

/* Validate one value of kind k into out; NULL or a message key. */
static const char *
check(const struct cdef *d, const char *in, char *out, size_t outlen)
{
	switch (d->kind) {
	case K_TEXT:
		return val_text(in, d->max, out, outlen);
	case K_MULTILINE:
		return val_multiline(in, d->max, out, outlen);
	case K_BOOL:
		/* a checkbox sends "1" or nothing; a CSV file may say "0" */
		snprintf(out, outlen, "%s", strcmp(in, "1") == 0 ? "1" : "0");
		return strcmp(in, "") == 0 || strcmp(in, "0") == 0 ||
		    strcmp(in, "1") == 0 ? NULL : "val.bad_chars";
	case K_DATE:
		return val_date(in, out, outlen);
	case K_EMAIL:
		return val_email(in, out, outlen);
	case K_PHONE:
		return val_phone(in, "358", out, outlen);
	case K_POSTAL:
		return val_text(in, d->max, out, outlen);
	case K_COUNTRY:
		return val_country(in, out, outlen);
	case K_URL:
		return val_url(in, out, outlen);
	case K_IP:
		return val_ip(in, out, outlen);
	case K_BUSINESS_ID:
		return val_business_id(in, out, outlen);
	case K_EINVOICE:
		return val_einvoice(in, out, outlen);
	}
	return "val.bad_chars";
}

int
customer_from_form(const struct kvlist *form, struct customer *c,
    const char *errs[CF__MAX])
{
	char out[8192];
	int bad = 0;

	for (int f = 0; f < CF__MAX; f++) {
		const char *in = kv_get(form, defs[f].name), *why;

		errs[f] = NULL;
		if (in == NULL)
			in = f == CF_COUNTRY ? "FI" : "";
		if (kv_count(form, defs[f].name) > 1)
			why = "val.twice";
		else
			why = check(&defs[f], in, out, sizeof(out));
		free(c->v[f]);
		if (why != NULL) {
			errs[f] = why;
			c->v[f] = xstrdup(in);	/* shown again as typed */
			bad++;
		} else
			c->v[f] = xstrdup(out);
	}
	if (errs[CF_COUNTRY] == NULL && strcmp(c->v[CF_COUNTRY], "") == 0) {
		free(c->v[CF_COUNTRY]);
		c->v[CF_COUNTRY] = xstrdup("FI");
	}
	/* a Finnish postal code when the country is Finland */
	if (errs[CF_POSTAL_CODE] == NULL && errs[CF_COUNTRY] == NULL &&
	    strcmp(c->v[CF_COUNTRY], "FI") == 0 && c->v[CF_POSTAL_CODE][0] != '\0' &&
	    val_postal_fi(c->v[CF_POSTAL_CODE], out, sizeof(out)) != NULL) {
		errs[CF_POSTAL_CODE] = "val.postal_fi";
		bad++;
	}
	/* someone to register: a name or an organisation */
	if (errs[CF_LAST_NAME] == NULL && errs[CF_ORGANISATION] == NULL &&
	    c->v[CF_LAST_NAME][0] == '\0' && c->v[CF_ORGANISATION][0] == '\0') {
		errs[CF_LAST_NAME] = "val.name_required";
		bad++;
	}
	/* contact-person dates belong to a contact person, in order */
	if (errs[CF_CONTACT_FROM] == NULL && errs[CF_CONTACT_TO] == NULL &&
	    c->v[CF_CONTACT_FROM][0] && c->v[CF_CONTACT_TO][0] &&
	    strcmp(c->v[CF_CONTACT_FROM], c->v[CF_CONTACT_TO]) > 0) {
		errs[CF_CONTACT_TO] = "val.date_order";
		bad++;
	}
	if (errs[CF_CUSTOMER_SINCE] == NULL && errs[CF_RELATIONSHIP_ENDED] ==
	    NULL && c->v[CF_CUSTOMER_SINCE][0] && c->v[CF_RELATIONSHIP_ENDED][0] &&
	    strcmp(c->v[CF_CUSTOMER_SINCE], c->v[CF_RELATIONSHIP_ENDED]) > 0) {
		errs[CF_RELATIONSHIP_ENDED] = "val.date_order";
		bad++;
	}
	return bad;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return xstrdup(t ? (const char *)t : "");
}

int
customer_get(sqlite3 *db, long long id, struct customer *c)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	memset(c, 0, sizeof(*c));
	buf_adds(&sql, "SELECT id, number, restricted, restricted_reason");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&sql, ", %s", cfield_names[f]);	/* constant names */
	buf_adds(&sql, " FROM customers WHERE id = ?1");
	rc = sqlite3_prepare_v2(db, sql.data, -1, &st, NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->number = col_dup(st, 1);
		c->restricted = sqlite3_column_int(st, 2);
		c->restricted_reason = col_dup(st, 3);
		for (int f = 0; f < CF__MAX; f++)
			c->v[f] = col_dup(st, 4 + f);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int
history_row(sqlite3 *db, long long id, const char *field, const char *old,
    const char *new, long long user_id, enum csource source)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO customer_history (customer_id,"
	    " field, old_value, new_value, user_id, source) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, new, -1, SQLITE_STATIC);
	if (user_id > 0)
		sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_text(st, 6, csource_names[source], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_create(sqlite3 *db, struct customer *c, long long user_id,
    enum csource source)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	char number[32];
	long long next = 1;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) + 1 FROM"
	    " customers", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		next = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/*
	 * The register's own numbers are A and the id; an import may bring
	 * others, so the next free one is taken.
	 */
	if (c->number != NULL && c->number[0] != '\0')
		snprintf(number, sizeof(number), "%s", c->number);
	else {
		long long k = next;
		int taken;

		if (sqlite3_prepare_v2(db, "SELECT 1 FROM customers WHERE number"
		    " = ?1", -1, &st, NULL) != SQLITE_OK)
			goto out;
		do {
			snprintf(number, sizeof(number), "A%06lld", k++);
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
			taken = sqlite3_step(st) == SQLITE_ROW;
		} while (taken);
		sqlite3_finalize(st);
		st = NULL;
	}
	buf_adds(&sql, "INSERT INTO customers (id, number");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&sql, ", %s", cfield_names[f]);	/* constant names */
	buf_adds(&sql, ") VALUES (?1, ?2");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&sql, ", ?%d", f + 3);
	buf_adds(&sql, ")");
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, next);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	for (int f = 0; f < CF__MAX; f++)
		sqlite3_bind_text(st, f + 3, c->v[f], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	c->id = next;
	free(c->number);
	c->number = xstrdup(number);
	for (int f = 0; f < CF__MAX; f++)
		if (c->v[f][0] != '\0' && !(f == CF_CONTACT_PERSON &&
		    strcmp(c->v[f], "0") == 0) &&
		    history_row(db, next, cfield_names[f], "", c->v[f], user_id,
		    source) != 0)
			goto out;
	rc = 0;
out:
	if (rc != 0)
		LOG_ERR("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	buf_free(&sql);
	return rc;
}

int
customer_update(sqlite3 *db, const struct customer *c, long long user_id,
    enum csource source, char *changed, size_t changedlen)
{
	struct customer old;
	struct buf sql = BUF_INIT, names = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1, n = 0;

	if (customer_get(db, c->id, &old) != 0)
		return -1;
	if (old.restricted) {
		customer_free(&old);
		return 1;
	}
	buf_adds(&sql, "UPDATE customers SET updated_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&sql, ", %s = ?%d", cfield_names[f], f + 2);
	buf_adds(&sql, " WHERE id = ?1");
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	for (int f = 0; f < CF__MAX; f++)
		sqlite3_bind_text(st, f + 2, c->v[f], -1, SQLITE_STATIC);
	for (int f = 0; f < CF__MAX; f++) {
		if (strcmp(old.v[f], c->v[f]) == 0)
			continue;
		if (history_row(db, c->id, cfield_names[f], old.v[f], c->v[f],
		    user_id, source) != 0)
			goto out;
		buf_addf(&names, "%s%s", n++ ? "," : "", cfield_names[f]);
	}
	if (n > 0 && sqlite3_step(st) != SQLITE_DONE)
		goto out;
	snprintf(changed, changedlen, "%s", names.len ? names.data : "");
	rc = 0;
out:
	if (rc != 0)
		LOG_ERR("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	buf_free(&sql);
	buf_free(&names);
	customer_free(&old);
	return rc;
}

void
customer_to_model(const struct customer *c, struct tmpl_map *m)
{
	tm_int(m, "id", c->id);
	tm_str(m, "number", c->number ? c->number : "");
	tm_bool(m, "restricted", c->restricted);
	tm_str(m, "restricted_reason", c->restricted_reason ?
	    c->restricted_reason : "");
	for (int f = 0; f < CF__MAX; f++)
		tm_str(m, cfield_names[f], c->v[f] ? c->v[f] : "");
	tm_bool(m, "is_contact", c->v[CF_CONTACT_PERSON] &&
	    strcmp(c->v[CF_CONTACT_PERSON], "1") == 0);
}

int
customer_history(sqlite3 *db, long long id, enum lang lang,
    struct tmpl_map *root)
{
	sqlite3_stmt *st;
	struct tmpl_list *list = tm_list(root, "history");
	char when[64];

	if (sqlite3_prepare_v2(db, "SELECT h.at, h.field, h.old_value,"
	    " h.new_value, coalesce(u.username, ''), h.source FROM"
	    " customer_history h LEFT JOIN users u ON u.id = h.user_id"
	    " WHERE h.customer_id = ?1 ORDER BY h.id DESC LIMIT 200", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tmpl_map *m = tm_list_map(list);

		fmt_datetime(when, sizeof(when), lang,
		    (const char *)sqlite3_column_text(st, 0));
		tm_str(m, "at", when);
		tm_str(m, "field", (const char *)sqlite3_column_text(st, 1));
		tm_str(m, "old", (const char *)sqlite3_column_text(st, 2));
		tm_str(m, "new", (const char *)sqlite3_column_text(st, 3));
		tm_str(m, "user", (const char *)sqlite3_column_text(st, 4));
		tm_str(m, "source", (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	return 0;
}

int
customer_orders(sqlite3 *db, long long id, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *root)
{
	sqlite3_stmt *st;
	struct tmpl_list *list = tm_list(root, "orders");
	char when[64];

	if (sqlite3_prepare_v2(db, "SELECT ordered_on, number, description,"
	    " amount_cents, status FROM orders WHERE customer_id = ?1"
	    " ORDER BY ordered_on DESC, id DESC LIMIT 500", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tmpl_map *m = tm_list_map(list);
		long long cents = sqlite3_column_int64(st, 3);
		char amount[64];

		fmt_date(when, sizeof(when), lang,
		    (const char *)sqlite3_column_text(st, 0));
		tm_str(m, "date", when);
		tm_str(m, "number", (const char *)sqlite3_column_text(st, 1));
		tm_str(m, "description", (const char *)sqlite3_column_text(st, 2));
		fmt_money(amount, sizeof(amount), lang, cents);
		tm_str(m, "amount", amount);
		{
			char key[48];

			snprintf(key, sizeof(key), "status.%s",
			    (const char *)sqlite3_column_text(st, 4));
			tm_str(m, "status", i18n_msg(msgs, lang, key));
		}
	}
	sqlite3_finalize(st);
	return 0;
}

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
	"c.postal_code, c.last_name COLLATE NOCASE, c.id",
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

/*
 * FROM ... WHERE for search s into sql: only the conditions given, each in
 * a form an index can serve — the words through FTS5 (?1); a whole Finnish
 * postal code by equality, a shorter prefix as a range (?2; ':' follows
 * '9'; customers_postal_name of 006 gives them in name order); a name
 * prefix as ranges of the NOCASE name index (?5 last, ?6 first).
 */
static void
search_where(struct buf *sql, const struct csearch *s, struct cwhere *w)
{
	const char *p = s->name ? s->name : "";

	memset(w, 0, sizeof(*w));
	if (s->q != NULL)
		fts_query(s->q, &w->match);
	next_word(&p, w->last, sizeof(w->last));
	next_word(&p, w->first, sizeof(w->first));
	if (w->match.len > 0)
		buf_adds(sql, " FROM customers_fts f JOIN customers c ON c.id ="
		    " f.rowid WHERE customers_fts MATCH ?1");
	else
		buf_adds(sql, " FROM customers c WHERE 1");
	if (s->postal != NULL && s->postal[0] != '\0')
		buf_adds(sql, strlen(s->postal) == 5 ? " AND c.postal_code = ?2" :
		    " AND c.postal_code >= ?2 AND c.postal_code < ?2 || ':'");
	if (w->last[0] != '\0')
		buf_adds(sql, " AND c.last_name COLLATE NOCASE >= ?5 AND"
		    " c.last_name COLLATE NOCASE < ?5 || char(1114111)");
	if (w->first[0] != '\0')
		buf_adds(sql, " AND c.first_name COLLATE NOCASE >= ?6 AND"
		    " c.first_name COLLATE NOCASE < ?6 || char(1114111)");
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

	buf_adds(&sql, cols);
	search_where(&sql, s, w);
	buf_addf(&sql, " ORDER BY %s%s", sort_sql[s->sort],	/* from the table */
	    paged ? " LIMIT ?3 OFFSET ?4" : "");
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		buf_free(&sql);
		return NULL;
	}
	buf_free(&sql);
	search_bind(st, s, w);
	return st;
}

int
customer_search(sqlite3 *db, const struct csearch *s, int page, int rows,
    struct tmpl_map *root)
{
	struct cwhere w;
	struct tmpl_list *list = tm_list(root, "customers");
	sqlite3_stmt *st;
	int n = 0, rc;

	if ((st = search_prepare(db, "SELECT c.id, c.number, c.first_name,"
	    " c.last_name, c.organisation, c.email, c.phone, c.postal_code,"
	    " c.city, c.restricted", s, 1, &w)) == NULL) {
		buf_free(&w.match);
		return -1;
	}
	sqlite3_bind_int(st, 3, rows + 1);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)(page - 1) * rows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_map *m;
		struct buf href = BUF_INIT;

		if (++n > rows)
			break;
		m = tm_list_map(list);
		tm_int(m, "id", sqlite3_column_int64(st, 0));
		buf_addf(&href, "/intranet/customer?id=%lld",
		    (long long)sqlite3_column_int64(st, 0));
		tm_str(m, "href", href.data);
		buf_free(&href);
		tm_str(m, "number", (const char *)sqlite3_column_text(st, 1));
		tm_str(m, "first_name", (const char *)sqlite3_column_text(st, 2));
		tm_str(m, "last_name", (const char *)sqlite3_column_text(st, 3));
		tm_str(m, "organisation", (const char *)sqlite3_column_text(st, 4));
		tm_str(m, "email", (const char *)sqlite3_column_text(st, 5));
		tm_str(m, "phone", (const char *)sqlite3_column_text(st, 6));
		tm_str(m, "postal_code", (const char *)sqlite3_column_text(st, 7));
		tm_str(m, "city", (const char *)sqlite3_column_text(st, 8));
		tm_bool(m, "restricted", sqlite3_column_int(st, 9));
	}
	sqlite3_finalize(st);
	buf_free(&w.match);
	tm_bool(root, "more", n > rows);
	tm_bool(root, "none", n == 0);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

const char *const cpurpose_names[CP__MAX] = {
	"advertising", "distance_selling", "direct_marketing", "research",
	"publication", "disclosure",
};

const char *const cvia_names[] = {
	"ticket", "phone", "letter", "staff", "email", NULL,
};

static int
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s != NULL && (n ? i < n : list[i] != NULL); i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* One statement with text parameters ?1.. (NULL binds NULL); 0 or -1. */
static int
exec_bind(sqlite3 *db, const char *sql, long long id, const char *a,
    const char *b, const char *c, const char *d)
{
	const char *args[] = { a, b, c, d };
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	for (int i = 0; i < 4; i++)
		if (args[i] != NULL)
			sqlite3_bind_text(st, i + 2, args[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_ban(sqlite3 *db, long long id, const char *purpose, const char *via,
    const char *reference, const char *since, long long user_id)
{
	struct buf what = BUF_INIT;
	struct tm tm;
	int rc;

	if (!in_list(purpose, cpurpose_names, CP__MAX) ||
	    !in_list(via, cvia_names, 0) || fmt_parse_date(since, &tm) != 0 ||
	    strlen(reference) > 100 || !text_valid(reference,
	    strlen(reference)) || strpbrk(reference, "\t\r\n") != NULL)
		return -1;
	if (exec_bind(db, "INSERT OR REPLACE INTO bans (customer_id, purpose,"
	    " since, via, reference) VALUES (?1, ?2, ?3, ?4, ?5)", id, purpose,
	    since, via, reference) != 0)
		return -1;
	{
		char field[48];

		snprintf(field, sizeof(field), "ban.%s", purpose);
		buf_addf(&what, "%s %s %s", since, via, reference);
		rc = history_row(db, id, field, "", buf_cstr(&what), user_id,
		    CS_STAFF);
	}
	buf_free(&what);
	return rc;
}

int
customer_unban(sqlite3 *db, long long id, const char *purpose,
    long long user_id)
{
	if (!in_list(purpose, cpurpose_names, CP__MAX))
		return -1;
	if (exec_bind(db, "DELETE FROM bans WHERE customer_id = ?1 AND purpose"
	    " = ?2", id, purpose, NULL, NULL, NULL) != 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	{
		char field[48];

		snprintf(field, sizeof(field), "ban.%s", purpose);
		return history_row(db, id, field, "on", "off", user_id, CS_STAFF);
	}
}

int
customer_bans(sqlite3 *db, long long id, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *root)
{
	sqlite3_stmt *st;
	struct tmpl_list *list = tm_list(root, "bans");
	char when[64], key[64];

	if (sqlite3_prepare_v2(db, "SELECT purpose, since, via, reference FROM"
	    " bans WHERE customer_id = ?1 ORDER BY purpose", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tmpl_map *m = tm_list_map(list);
		const char *p = (const char *)sqlite3_column_text(st, 0);

		tm_str(m, "purpose", p);
		snprintf(key, sizeof(key), "purpose.%s", p);
		tm_str(m, "label", i18n_msg(msgs, lang, key));
		snprintf(key, sizeof(key), "via.%s",
		    (const char *)sqlite3_column_text(st, 2));
		tm_str(m, "via_label", i18n_msg(msgs, lang, key));
		fmt_date(when, sizeof(when), lang,
		    (const char *)sqlite3_column_text(st, 1));
		tm_str(m, "since", when);
		tm_str(m, "via", (const char *)sqlite3_column_text(st, 2));
		tm_str(m, "reference", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return 0;
}

int
customer_restrict(sqlite3 *db, long long id, int on, const char *reason,
    long long user_id)
{
	char clean[1024];

	if (val_text(reason, 300, clean, sizeof(clean)) != NULL ||
	    clean[0] == '\0')
		return -1;
	if (exec_bind(db, "UPDATE customers SET restricted = ?2,"
	    " restricted_reason = ?3 WHERE id = ?1", id, on ? "1" : "0",
	    on ? clean : "", NULL, NULL) != 0 || sqlite3_changes(db) != 1)
		return -1;
	return history_row(db, id, on ? "restricted" : "restriction_lifted", "",
	    clean, user_id, CS_STAFF);
}

const char *const corder_status_names[] = {
	"open", "paid", "collection", "credited", NULL,
};

const char *const cground_names[] = {
	"credit_decision", "collection", "invoicing", "legal_obligation", NULL,
};

/* A form value, or "" when absent; NULL when sent twice. */
static const char *
fv(const struct kvlist *form, const char *key)
{
	const char *v = kv_get(form, key);

	if (kv_count(form, key) > 1)
		return NULL;
	return v ? v : "";
}

int
customer_add_order(sqlite3 *db, long long id, const struct kvlist *form,
    const char *errs[5])
{
	char number[200], date[16], desc[2048], cents[32];
	const char *v;
	int bad = 0;

	memset(errs, 0, 5 * sizeof(*errs));
	if ((v = fv(form, "number")) == NULL ||
	    (errs[0] = val_text(v, 40, number, sizeof(number))) != NULL ||
	    number[0] == '\0')
		errs[0] = errs[0] ? errs[0] : "val.required", bad++;
	if ((v = fv(form, "date")) == NULL ||
	    (errs[1] = val_date(v, date, sizeof(date))) != NULL || date[0] == '\0')
		errs[1] = errs[1] ? errs[1] : "val.required", bad++;
	if ((v = fv(form, "description")) == NULL ||
	    (errs[2] = val_text(v, 500, desc, sizeof(desc))) != NULL)
		errs[2] = errs[2] ? errs[2] : "val.twice", bad++;
	if ((v = fv(form, "amount")) == NULL ||
	    (errs[3] = val_money(v, 1, cents, sizeof(cents))) != NULL ||
	    cents[0] == '\0')
		errs[3] = errs[3] ? errs[3] : "val.required", bad++;
	if (!in_list(fv(form, "status"), corder_status_names, 0))
		errs[4] = "val.required", bad++;
	if (bad)
		return bad;
	{
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(db, "INSERT INTO orders (customer_id, number,"
		    " ordered_on, description, amount_cents, status) VALUES (?1, ?2,"
		    " ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, desc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, strtoll(cents, NULL, 10));	/* validated */
		sqlite3_bind_text(st, 6, fv(form, "status"), -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if ((rc & 0xff) == SQLITE_CONSTRAINT) {	/* extended codes are on */
			errs[0] = "val.order_taken";
			return 1;
		}
		return rc == SQLITE_DONE ? 0 : -1;
	}
}

int
customer_add_disclosure(sqlite3 *db, long long id, const struct kvlist *form,
    long long user_id, const char *errs[4])
{
	char recipient[1024], what[2048], date[16];
	const char *v;
	int bad = 0;

	memset(errs, 0, 4 * sizeof(*errs));
	if ((v = fv(form, "recipient")) == NULL ||
	    (errs[0] = val_text(v, 200, recipient, sizeof(recipient))) != NULL ||
	    recipient[0] == '\0')
		errs[0] = errs[0] ? errs[0] : "val.required", bad++;
	if (!in_list(fv(form, "ground"), cground_names, 0))
		errs[1] = "val.required", bad++;
	if ((v = fv(form, "what")) == NULL ||
	    (errs[2] = val_text(v, 500, what, sizeof(what))) != NULL ||
	    what[0] == '\0')
		errs[2] = errs[2] ? errs[2] : "val.required", bad++;
	if ((v = fv(form, "date")) == NULL ||
	    (errs[3] = val_date(v, date, sizeof(date))) != NULL || date[0] == '\0')
		errs[3] = errs[3] ? errs[3] : "val.required", bad++;
	if (bad)
		return bad;
	{
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(db, "INSERT INTO disclosures (customer_id,"
		    " recipient, ground, what, disclosed_on, user_id) VALUES (?1, ?2,"
		    " ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, fv(form, "ground"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, what, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, date, -1, SQLITE_STATIC);
		if (user_id > 0)
			sqlite3_bind_int64(st, 6, user_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
}

int
customer_disclosures(sqlite3 *db, long long id, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *root)
{
	sqlite3_stmt *st;
	struct tmpl_list *list = tm_list(root, "disclosures");
	char when[64], key[64];

	if (sqlite3_prepare_v2(db, "SELECT disclosed_on, recipient, ground, what"
	    " FROM disclosures WHERE customer_id = ?1 ORDER BY disclosed_on DESC,"
	    " id DESC LIMIT 500", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tmpl_map *m = tm_list_map(list);

		fmt_date(when, sizeof(when), lang,
		    (const char *)sqlite3_column_text(st, 0));
		tm_str(m, "date", when);
		tm_str(m, "recipient", (const char *)sqlite3_column_text(st, 1));
		snprintf(key, sizeof(key), "ground.%s",
		    (const char *)sqlite3_column_text(st, 2));
		tm_str(m, "ground", i18n_msg(msgs, lang, key));
		tm_str(m, "what", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return 0;
}

const char *const cleave_names[CL__MAX] = {
	"restricted", "ended", "ban", "publication_ban", "no_address",
};

const char *const clabel_purposes[] = {
	"advertising", "distance_selling", "direct_marketing", "research",
	"publication", NULL,
};

int
customer_postal_prefix_ok(const char *s)
{
	return s == NULL || (strlen(s) <= 10 &&
	    strspn(s, "0123456789") == strlen(s));
}

/*
 * Why a record is left out of the list for purpose ?1 (cleave, in order),
 * or CL__MAX when it is on it; postal prefix ?2.
 */
#define LEAVE_CASE \
	"CASE WHEN c.restricted THEN 0" \
	" WHEN c.relationship_ended <> '' AND c.relationship_ended <= date('now') THEN 1" \
	" WHEN EXISTS (SELECT 1 FROM bans b WHERE b.customer_id = c.id AND b.purpose = ?1) THEN 2" \
	" WHEN EXISTS (SELECT 1 FROM bans b WHERE b.customer_id = c.id AND b.purpose = 'publication') THEN 3" \
	" WHEN c.street = '' OR c.postal_code = '' OR c.city = '' THEN 4" \
	" ELSE 5 END"
#define POSTAL_WHERE " WHERE (?2 IS NULL OR c.postal_code LIKE ?2 || '%')"

static int
label_stmt(sqlite3 *db, const char *sql, const char *purpose,
    const char *postal, sqlite3_stmt **st)
{
	if (!in_list(purpose, clabel_purposes, 0))
		return -1;
	if (!customer_postal_prefix_ok(postal))
		return -1;
	if (postal != NULL && *postal == '\0')
		postal = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(*st, 1, purpose, -1, SQLITE_STATIC);
	if (postal != NULL)
		sqlite3_bind_text(*st, 2, postal, -1, SQLITE_STATIC);
	return 0;
}

int
customer_label_counts(sqlite3 *db, const char *purpose, const char *postal,
    long *included, long left_out[CL__MAX])
{
	sqlite3_stmt *st;
	int rc;

	*included = 0;
	for (int i = 0; i < CL__MAX; i++)
		left_out[i] = 0;
	if (label_stmt(db, "SELECT " LEAVE_CASE " AS why, count(*) FROM"
	    " customers c" POSTAL_WHERE " GROUP BY why", purpose, postal,
	    &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int why = sqlite3_column_int(st, 0);
		long n = (long)sqlite3_column_int64(st, 1);

		if (why >= 0 && why < CL__MAX)
			left_out[why] = n;
		else
			*included = n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

int
customer_labels(sqlite3 *db, const char *purpose, const char *postal,
    long offset, long limit, clabel_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (label_stmt(db, "SELECT c.number, trim(c.first_name || ' ' ||"
	    " c.last_name), c.organisation, c.street, c.postal_code, c.city,"
	    " CASE c.country WHEN 'FI' THEN '' ELSE c.country END"
	    " FROM customers c" POSTAL_WHERE " AND " LEAVE_CASE " = 5"
	    " ORDER BY c.postal_code, c.last_name COLLATE NOCASE,"
	    " c.first_name COLLATE NOCASE, c.id LIMIT ?3 OFFSET ?4", purpose,
	    postal, &st) != 0)
		return -1;
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct clabel l = { col(st, 0), col(st, 1), col(st, 2),
		    col(st, 3), col(st, 4), col(st, 5), col(st, 6) };

		stop = fn(arg, &l);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
customer_export(sqlite3 *db, const struct csearch *s,
    int (*fn)(void *arg, const char *const *cells), void *arg, long *rows,
    long *restricted, long *banned)
{
	struct buf cols = BUF_INIT;
	struct cwhere w;
	sqlite3_stmt *st;
	int rc, stop = 0;

	*rows = *restricted = *banned = 0;
	buf_adds(&cols, "SELECT c.restricted, EXISTS (SELECT 1 FROM bans b WHERE"
	    " b.customer_id = c.id AND b.purpose IN ('disclosure',"
	    " 'publication')), c.number");
	for (int f = 0; f < CF__MAX; f++)
		buf_addf(&cols, ", c.%s", defs[f].name);	/* from the table */
	st = search_prepare(db, cols.data, s, 0, &w);
	buf_free(&cols);
	if (st == NULL) {
		buf_free(&w.match);
		return -1;
	}
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[CEXPORT_COLUMNS];

		if (sqlite3_column_int(st, 0)) {
			(*restricted)++;
			continue;
		}
		if (sqlite3_column_int(st, 1)) {
			(*banned)++;
			continue;
		}
		for (int i = 0; i < CEXPORT_COLUMNS; i++)
			cells[i] = col(st, i + 2);
		stop = fn(arg, cells);
		if (!stop)
			(*rows)++;
	}
	sqlite3_finalize(st);
	buf_free(&w.match);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
