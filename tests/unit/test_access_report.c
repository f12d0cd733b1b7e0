/*
 * test_access_report.c — the access report (GDPR Art. 15) for a seeded
 * customer: every value present, another customer's absent, the staff
 * look-ups dated but never named (CJEU C-579/21); the schema test that
 * fails when a table or column referring to a customer is added without
 * being declared; the portability file (Art. 20) validated against
 * docs/portability.schema.json and holding every value of the record and
 * its orders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "access_report.h"
#include "audit.h"
#include "authority.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"

static char dir[] = "/tmp/rekisteri-report-XXXXXX";
static char dbpath[200];
static sqlite3 *db;
static struct i18n *msgs;
static struct authority *auth;

static const char seed[] =
	"INSERT INTO users (id, username, display_name, role, password_hash)"
	" VALUES (1, 'staffbob', 'Bob Staffer', 'handler', 'x');"
	"INSERT INTO customers (id, number, first_name, last_name, email,"
	" street, postal_code, city, phone, notes, organisation, business_id,"
	" customer_since, relationship_ended, restricted_reason)"
	" VALUES (1, 'A000001', 'Aino', 'Asiakas-Yksi', 'aino@example.fi',"
	" 'Testikatu 1', '00100', 'Helsinki', '+358401111111',"
	" 'muistiinpano-yksi', 'Yksi Oy', '1234567-1', '2015-03-01',"
	" '2024-01-31', 'syy-yksi');"
	"INSERT INTO customers (id, number, first_name, last_name, email,"
	" street, notes) VALUES (2, 'A000002', 'Bertta', 'Asiakas-Kaksi',"
	" 'bertta@example.fi', 'Kakkoskatu 2', 'muistiinpano-kaksi');"
	"INSERT INTO orders (customer_id, number, ordered_on, description,"
	" amount_cents, status) VALUES (1, 'T-1001', '2023-05-04',"
	" 'Tilaus-yksi-kuvaus', 123456, 'paid'),"
	" (1, 'T-1002', '2023-06-07', 'Toinen \"lainattu\", pilkulla', 99,"
	" 'open'),"
	" (2, 'T-2001', '2023-05-05', 'Tilaus-kaksi-kuvaus', 5000, 'paid');"
	"INSERT INTO bans (customer_id, purpose, since, via, reference) VALUES"
	" (1, 'direct_marketing', '2024-01-02', 'ticket', 'TS-2026-000001'),"
	" (2, 'research', '2024-01-03', 'phone', 'viite-kaksi');"
	"INSERT INTO customer_history (customer_id, field, old_value, new_value,"
	" user_id, source) VALUES (1, 'street', 'Vanha-Katu 9', 'Testikatu 1',"
	" 1, 'update_service'),"
	" (2, 'street', 'Vanha-Kaksi', 'Kakkoskatu 2', 1, 'staff');"
	"INSERT INTO disclosures (customer_id, recipient, ground, what,"
	" disclosed_on, user_id) VALUES (1, 'Perintä Oy Yksi', 'collection',"
	" 'lasku T-1001', '2024-02-01', 1),"
	" (2, 'Perintä Oy Kaksi', 'collection', 'lasku T-2001', '2024-02-02',"
	" 1);"
	"INSERT INTO requests (id, number, received, deadline, types, lang,"
	" name, email, free_text, text_sha256, key_id, code, form_id,"
	" token_hash) VALUES (1, 'TS-2026-000001', '2026-01-05T10:00:00Z',"
	" '2026-02-05', 1, 'fi', 'Aino Asiakas-Yksi', 'aino@example.fi',"
	" 'pyyntö-yksi', 'ab', 'k1', 'CODE-YKSI', 'f1', x'01'),"
	" (2, 'TS-2026-000002', '2026-01-06T10:00:00Z', '2026-02-06', 1, 'fi',"
	" 'Bertta Asiakas-Kaksi', '', 'pyyntö-kaksi', 'cd', 'k1', 'CODE-KAKSI',"
	" 'f2', x'02');"
	"INSERT INTO request_customers (request_id, customer_id, linked_by)"
	" VALUES (1, 1, 1), (2, 2, 1);"
	"INSERT INTO notice_versions (id, drawn_up) VALUES (1, '2026-01-01');"
	"INSERT INTO notice_sections (version_id, lang, position, anchor, title,"
	" body) VALUES"
	" (1, 'fi', 1, 'a1', 'Oikeusperuste ja käsittelyn tarkoitus',"
	" '<p>Käsittelyn oikeusperusteena on sopimus.</p>'),"
	" (1, 'fi', 2, 'a2', 'Evästeet', '<p>Evästeteksti.</p>'),"
	" (1, 'fi', 3, 'a3', 'Tarkastusoikeus', '<p>Saat tarkastaa tietosi.</p>');"
	"UPDATE notice_versions SET number = 1,"
	" published_at = '2026-01-01T00:00:00Z' WHERE id = 1;";

static void
event(const char *action, const char *id)
{
	struct audit_entry e;

	memset(&e, 0, sizeof(e));
	e.user_id = 1;
	e.username = "staffbob";
	e.client = "192.0.2.7";
	e.action = action;
	e.object_type = "customer";
	e.object_id = id;
	assert_int_equal(audit_append(db, &e), 0);
}

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	fmt_init();
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	if ((db = db_open(dbpath, DB_CREATE, err, sizeof(err))) == NULL ||
	    db_migrate(db, "sql", NULL, err, sizeof(err)) < 0 ||
	    (msgs = i18n_load("i18n", err, sizeof(err))) == NULL ||
	    (auth = authority_load("data/authority.xml", err,
	    sizeof(err))) == NULL ||
	    sqlite3_exec(db, seed, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s %s\n", err, db ? sqlite3_errmsg(db) : "");
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	i18n_free(msgs);
	authority_free(auth);
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The first column of sql with ?1 = arg. */
static long long
num_where(const char *q, const char *arg)
{
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
has(const char *text, const char *s)
{
	if (strstr(text, s) == NULL)
		fail_msg("missing \"%s\"", s);
}

static void
hasnt(const char *text, const char *s)
{
	if (strstr(text, s) != NULL)
		fail_msg("present: \"%s\"", s);
}

/* Every value of customer 1 in the text and the JSON; nothing of customer 2 or of staff. */
static void
test_report_values(void **state)
{
	static const char *const mine[] = { "A000001", "Aino", "Asiakas-Yksi",
		"aino@example.fi", "Testikatu 1", "+358401111111",
		"muistiinpano-yksi", "Yksi Oy", "1234567-1", "syy-yksi",
		"T-1001", "Tilaus-yksi-kuvaus", "T-1002", "TS-2026-000001",
		"Vanha-Katu 9", "Perintä Oy Yksi", "lasku T-1001",
		"pyyntö-yksi", "CODE-YKSI", NULL };
	static const char *const theirs[] = { "A000002", "Bertta",
		"Asiakas-Kaksi", "bertta@example.fi", "Kakkoskatu 2",
		"muistiinpano-kaksi", "T-2001", "Tilaus-kaksi", "viite-kaksi",
		"Vanha-Kaksi", "Perintä Oy Kaksi", "pyyntö-kaksi",
		"CODE-KAKSI", "TS-2026-000002", NULL };
	static const char *const staff[] = { "staffbob", "Bob Staffer",
		"192.0.2.7", NULL };
	struct access_report r;
	struct buf text = BUF_INIT, json = BUF_INIT;
	sqlite3_stmt *st;

	(void)state;
	event("customer.view", "1");
	event("customer.edit", "1");
	event("customer.view", "2");
	event("customer.search", "5,1,17");	/* a list page: the ids it showed */
	event("customer.search", "11,21");	/* neither 1 nor 2 */
	assert_int_equal(access_report_gather(db, 1, LANG_FI, "2026-03-02",
	    auth, &r), 0);
	assert_int_equal(r.naccess, 3);
	assert_string_equal(r.access[2].action, "customer.search");
	assert_string_equal(r.access[0].role, "handler");
	/* 2024-01-31 + 10 years (EU 1182/71 months) */
	assert_string_equal(r.kept_until, "2034-01-31");
	assert_int_equal(r.notice_version, 1);
	assert_int_equal(r.npurposes, 1);
	assert_int_equal(r.nrights, 1);
	access_report_text(&r, msgs, &text);
	assert_int_equal(access_report_json(db, &r, &json), 0);
	for (int i = 0; mine[i]; i++) {
		has(buf_cstr(&text), mine[i]);
		has(buf_cstr(&json), mine[i]);
	}
	for (int i = 0; theirs[i]; i++) {
		hasnt(buf_cstr(&text), theirs[i]);
		hasnt(buf_cstr(&json), theirs[i]);
	}
	for (int i = 0; staff[i]; i++) {
		hasnt(buf_cstr(&text), staff[i]);
		hasnt(buf_cstr(&json), staff[i]);
	}
	/* money, dates and codes as people read them */
	has(buf_cstr(&text), "1\u00a0234,56\u00a0€");
	has(buf_cstr(&text), "Suoramarkkinointi");
	has(buf_cstr(&text), "Päivityspalvelu");
	has(buf_cstr(&text), "31.1.2034");
	has(buf_cstr(&text), "sopimus");
	has(buf_cstr(&text), "Saat tarkastaa tietosi.");
	hasnt(buf_cstr(&text), "Evästeteksti");
	has(buf_cstr(&text), "tietosuoja@om.fi");
	has(buf_cstr(&text), "Käsittelijä");
	/* the request's codes in words: its state, language, channel, mail */
	has(buf_cstr(&text), "Verkkolomake");
	has(buf_cstr(&text), "suomi");
	has(buf_cstr(&text), "ei lähetetty");
	has(buf_cstr(&text), "Vastaanotettu");
	hasnt(buf_cstr(&text), "received");
	has(buf_cstr(&json), "\"status\":\"received\"");
	/* the look-ups' dates, each of the three */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT at FROM audit_log"
	    " WHERE object_id IN ('1', '5,1,17')", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char d[64];

		has(buf_cstr(&json), (const char *)sqlite3_column_text(st, 0));
		assert_int_equal(fmt_datetime(d, sizeof(d), LANG_FI,
		    (const char *)sqlite3_column_text(st, 0)), 0);
		has(buf_cstr(&text), d);
	}
	sqlite3_finalize(st);
	/* the JSON is JSON */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1,
	    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, buf_cstr(&json), -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	/* the English report */
	access_report_free(&r);
	buf_reset(&text);
	assert_int_equal(access_report_gather(db, 2, LANG_EN, "2026-03-02",
	    auth, &r), 0);
	assert_string_equal(r.kept_until, "");
	access_report_text(&r, msgs, &text);
	has(buf_cstr(&text), "while the customer relationship lasts");
	has(buf_cstr(&text), "Bertta");
	hasnt(buf_cstr(&text), "Aino");
	access_report_free(&r);
	assert_int_equal(access_report_gather(db, 99, LANG_FI, "2026-03-02",
	    auth, &r), 1);
	access_report_free(&r);
	assert_int_equal(access_report_customer_id(db, "A000002"), 2);
	assert_int_equal(access_report_customer_id(db, "A999999"), 0);
	buf_free(&text);
	buf_free(&json);
}

/*
 * A list page (search, labels, export) records the ids it showed as one
 * audit row, object_id "17,42,99" (docs/access-report.md): the report of
 * record 42 lists that row, never one whose ids only begin or end with 42
 * ("142,420"), nor a row about another object type.
 */
static void
test_list_lookups(void **state)
{
	struct access_report r;
	struct buf text = BUF_INIT, json = BUF_INIT;
	char d[64], *at;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "INSERT INTO customers (id, number,"
	    " first_name, last_name) VALUES (42, 'A000042', 'Lista',"
	    " 'Neljäkaksi')", NULL, NULL, NULL), SQLITE_OK);
	event("customer.search", "17,42,99");
	event("labels.print", "142,420");
	event("customer.export", "420");
	event("customer.export", "4,2");
	{
		struct audit_entry e;

		memset(&e, 0, sizeof(e));
		e.user_id = 1;
		e.username = "staffbob";
		e.action = "request.view";
		e.object_type = "request";
		e.client = "192.0.2.7";
		e.object_id = "17,42";
		assert_int_equal(audit_append(db, &e), 0);
	}
	assert_int_equal(access_report_gather(db, 42, LANG_FI, "2026-03-02",
	    auth, &r), 0);
	assert_int_equal(r.naccess, 1);
	assert_string_equal(r.access[0].action, "customer.search");
	assert_string_equal(r.access[0].role, "handler");
	access_report_text(&r, msgs, &text);
	assert_int_equal(access_report_json(db, &r, &json), 0);
	/* its date and time, and the action in words; the others not at all */
	at = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT at FROM audit_log"
	    " WHERE object_id = '17,42,99'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	at = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	has(buf_cstr(&json), at);
	assert_int_equal(fmt_datetime(d, sizeof(d), LANG_FI, at), 0);
	has(buf_cstr(&text), d);
	free(at);
	has(buf_cstr(&text), "Asiakashaku");
	hasnt(buf_cstr(&text), "customer.search");
	hasnt(buf_cstr(&json), "labels.print");
	hasnt(buf_cstr(&json), "customer.export");
	hasnt(buf_cstr(&json), "request.view");
	hasnt(buf_cstr(&text), "staffbob");
	access_report_free(&r);
	buf_free(&text);
	buf_free(&json);
}

/* sqlite3_trace_v2: the SQL of the statement the report reads visits with. */
static int
visits_sql(unsigned type, void *arg, void *p, void *x)
{
	char **sql = arg;

	(void)p;
	if (type == SQLITE_TRACE_STMT && *sql == NULL &&
	    strncmp(x, "SELECT a.at, a.action", 21) == 0)
		*sql = strdup(x);
	return 0;
}

/*
 * The visits are read from the log in its own order, no index and no
 * sort: most of the log is about customers, and finding those rows
 * through an index on the object and sorting them was many times slower
 * than reading the table (sql/027_audit_log_indexes.sql).
 */
static void
test_visits_in_order(void **state)
{
	struct access_report r;
	sqlite3_stmt *ep;
	char *sql = NULL, q[2048];
	struct buf plan = BUF_INIT;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "INSERT INTO customers (id, number,"
	    " first_name, last_name) VALUES (43, 'A000043', 'Järjestys',"
	    " 'Lokissa')", NULL, NULL, NULL), SQLITE_OK);
	event("customer.view", "43");
	assert_int_equal(sqlite3_trace_v2(db, SQLITE_TRACE_STMT, visits_sql,
	    &sql), SQLITE_OK);
	assert_int_equal(access_report_gather(db, 43, LANG_FI, "2026-03-02",
	    auth, &r), 0);
	sqlite3_trace_v2(db, 0, NULL, NULL);
	assert_int_equal(r.naccess, 1);
	access_report_free(&r);
	assert_non_null(sql);
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &ep, NULL), SQLITE_OK);
	while (sqlite3_step(ep) == SQLITE_ROW)
		buf_addf(&plan, "%s; ", (const char *)sqlite3_column_text(ep, 3));
	sqlite3_finalize(ep);
	if (strstr(buf_cstr(&plan), "SCAN a;") == NULL ||
	    strstr(buf_cstr(&plan), "TEMP B-TREE") != NULL)
		fail_msg("visits: %s", buf_cstr(&plan));
	buf_free(&plan);
	free(sql);
}

/* The declared tables match the schema; an added table or column breaks it. */
static void
test_schema(void **state)
{
	struct buf rep = BUF_INIT;

	(void)state;
	if (access_report_check_schema(db, &rep) != 0)
		fail_msg("the report misses: %.*s", (int)rep.len, rep.data);
	assert_int_equal(sqlite3_exec(db, "SAVEPOINT s;"
	    "ALTER TABLE orders ADD COLUMN coupon TEXT", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(access_report_check_schema(db, &rep), 1);
	has(buf_cstr(&rep), "orders.coupon");
	assert_int_equal(sqlite3_exec(db, "ROLLBACK TO s; RELEASE s;"
	    "SAVEPOINT s; CREATE TABLE loyalty (id INTEGER PRIMARY KEY,"
	    " customer INTEGER REFERENCES customers (id), points INTEGER)",
	    NULL, NULL, NULL), SQLITE_OK);
	buf_reset(&rep);
	assert_int_equal(access_report_check_schema(db, &rep), 1);
	has(buf_cstr(&rep), "loyalty");
	assert_int_equal(sqlite3_exec(db, "ROLLBACK TO s; RELEASE s;"
	    "SAVEPOINT s; CREATE TABLE notes2 (customer_number TEXT)",
	    NULL, NULL, NULL), SQLITE_OK);
	buf_reset(&rep);
	assert_int_equal(access_report_check_schema(db, &rep), 1);
	has(buf_cstr(&rep), "notes2");
	assert_int_equal(sqlite3_exec(db, "ROLLBACK TO s; RELEASE s;",
	    NULL, NULL, NULL), SQLITE_OK);
	buf_reset(&rep);
	assert_int_equal(access_report_check_schema(db, &rep), 0);
	buf_free(&rep);
}

/* Validate file against the schema with python3-jsonschema: 0 when valid. */
static int
validate(const char *file)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "python3 -c 'import json, sys, jsonschema;"
	    " jsonschema.validate(json.load(open(sys.argv[1])),"
	    " json.load(open(sys.argv[2])))' '%s' docs/portability.schema.json"
	    " 2>/dev/null", file);
	return system(cmd);
}

static void
write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

/* Is the JSON value at path of doc the same SQLite value as v? */
static void
same(const char *doc, const char *path, sqlite3_value *v)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT json_extract(?1, ?2)"
	    " IS ?3", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_value(st, 3, v);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	if (sqlite3_column_int(st, 0) != 1)
		fail_msg("%s differs", path);
	sqlite3_finalize(st);
}

/* The portability file validates and holds every value of the record and its orders. */
static void
test_portability(void **state)
{
	struct access_report r;
	struct buf json = BUF_INIT, csv = BUF_INIT;
	sqlite3_stmt *st;
	char file[300], path[128];
	int k = 0, n = 0;

	(void)state;
	assert_int_equal(access_report_gather(db, 1, LANG_FI, "2026-03-02",
	    auth, &r), 0);
	assert_int_equal(portability_json(db, &r, &json), 0);
	snprintf(file, sizeof(file), "%s/p.json", dir);
	write_file(file, buf_cstr(&json));
	assert_int_equal(validate(file), 0);
	/* every column of the record but the register's own id */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM customers"
	    " WHERE id = 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (int c = 0; c < sqlite3_column_count(st); c++) {
		if (strcmp(sqlite3_column_name(st, c), "id") == 0)
			continue;
		snprintf(path, sizeof(path), "$.customer.%s",
		    sqlite3_column_name(st, c));
		same(buf_cstr(&json), path, sqlite3_column_value(st, c));
		n++;
	}
	sqlite3_finalize(st);
	assert_true(n >= 26);
	/* every order, every column but the keys */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM orders"
	    " WHERE customer_id = 1 ORDER BY ordered_on, id", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const char *name = sqlite3_column_name(st, c);

			if (strcmp(name, "id") == 0 ||
			    strcmp(name, "customer_id") == 0)
				continue;
			snprintf(path, sizeof(path), "$.orders[%d].%s", k,
			    name);
			same(buf_cstr(&json), path, sqlite3_column_value(st, c));
		}
		k++;
	}
	sqlite3_finalize(st);
	assert_int_equal(k, 2);
	/* nothing of the other customer */
	hasnt(buf_cstr(&json), "T-2001");
	hasnt(buf_cstr(&json), "Bertta");
	/* the validator does refuse: a missing field, an unknown one */
	write_file(file, "{\"format\":\"rekisteri-portability\",\"version\":2,"
	    "\"generated\":\"2026-03-02\",\"customer\":{},\"orders\":[]}");
	assert_int_not_equal(validate(file), 0);
	/* the CSV set */
	portability_customer_csv(&r, &csv);
	has(buf_cstr(&csv), "\"number\",\"first_name\",\"last_name\"");
	has(buf_cstr(&csv), "\"A000001\",\"Aino\",\"Asiakas-Yksi\"");
	/* a leading + is neutralised for spreadsheets (docs/csv.md) */
	has(buf_cstr(&csv), "\"'+358401111111\"");
	hasnt(buf_cstr(&csv), "Bertta");
	buf_reset(&csv);
	portability_orders_csv(&r, &csv);
	assert_string_equal(buf_cstr(&csv), "\"number\",\"ordered_on\","
	    "\"description\",\"amount_cents\",\"status\",\"status_on\"\r\n"
	    "\"T-1001\",\"2023-05-04\",\"Tilaus-yksi-kuvaus\",\"123456\","
	    "\"paid\",\"\"\r\n"
	    "\"T-1002\",\"2023-06-07\",\"Toinen \"\"lainattu\"\", pilkulla\","
	    "\"99\",\"open\",\"\"\r\n");
	access_report_free(&r);
	buf_free(&json);
	buf_free(&csv);
}

/*
 * The record's retention (the notice: 10 years from the relationship's
 * end; retention_class.c RC_CUSTOMER) counted in months as EU Reg. 1182/71
 * Art. 3(2)(c) counts them: a day the last month lacks is its last day.
 */
static void
test_retention_boundary(void **state)
{
	static const struct { const char *ended, *until; } cases[] = {
		{ "2024-02-29", "2034-02-28" },	/* leap day: no 29 Feb 2034 */
		{ "2024-12-31", "2034-12-31" },
		{ "2026-03-02", "2036-03-02" },
		{ "", "" },			/* while the relationship lasts */
	};
	struct access_report r;
	sqlite3_stmt *st;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE customers SET"
		    " relationship_ended = ?1 WHERE id = 2", -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, cases[i].ended, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		assert_int_equal(access_report_gather(db, 2, LANG_FI,
		    "2026-03-02", auth, &r), 0);
		assert_string_equal(r.kept_until, cases[i].until);
		access_report_free(&r);
	}
}

static int
count_row(void *arg, const struct ar_stored *s)
{
	int *n = arg;

	assert_string_equal(s->sent_via, "post");
	assert_int_equal(strlen(s->sha256), 64);
	(*n)++;
	return 0;
}

/* A report sent with the answer is kept byte for byte with its SHA-256, never changed nor deleted. */
static void
test_stored(void **state)
{
	static const char page[] = "<html>ote A000001</html>";
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], format[8];
	struct access_report r;
	struct buf out = BUF_INIT, text = BUF_INIT;
	long long id = 0;
	int n = 0;

	(void)state;
	assert_int_equal(ar_store(db, 1, 1, ASK_REPORT_HTML, "fax", page,
	    strlen(page), 1, 1772488800, &id), -1);
	assert_int_equal(ar_store(db, 1, 1, ASK_REPORT_HTML, "post", page,
	    strlen(page), 1, 1772488800, &id), 0);
	assert_true(id > 0);
	assert_int_equal(ar_stored_get(db, 1, id, &out, format), 0);
	assert_int_equal(out.len, strlen(page));
	assert_memory_equal(out.data, page, out.len);
	assert_string_equal(format, "html");
	assert_int_equal(ar_stored_get(db, 2, id, &out, format), 1);
	assert_int_equal(ar_stored_list(db, 1, count_row, &n), 0);
	assert_int_equal(n, 1);
	crypto_hash_sha256(h, (const unsigned char *)page, strlen(page));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_int_equal(num_where("SELECT count(*) FROM request_reports"
	    " WHERE sha256 = ?1 AND sent_at = '2026-03-02T22:00:00Z'", hex), 1);
	/* fixed: the triggers of 020_reports.sql */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE request_reports SET"
	    " sent_via = 'email'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM request_reports",
	    NULL, NULL, NULL), SQLITE_OK);
	/* and shown in the next report: its hash, not its content again */
	assert_int_equal(access_report_gather(db, 1, LANG_FI, "2026-03-03",
	    auth, &r), 0);
	assert_int_equal(r.t[ART_STORED].nrows, 1);
	access_report_text(&r, msgs, &text);
	has(buf_cstr(&text), hex);
	has(buf_cstr(&text), "Aiemmin lähetetyt otteet");
	hasnt(buf_cstr(&text), "<html>");
	access_report_free(&r);
	buf_free(&out);
	buf_free(&text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_values),
		cmocka_unit_test(test_list_lookups),
		cmocka_unit_test(test_visits_in_order),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_portability),
		cmocka_unit_test(test_stored),
		cmocka_unit_test(test_retention_boundary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
