/* demo.c — rekisteri customer demo: invented customers for a first look and for benchmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "customer.h"
#include "db.h"

/*
 * Invented customers: Finnish names, streets and postal codes, a third of
 * them an organisation's contact person, emails under the reserved .invalid
 * domain, each marked DEMO in the notes, with about three orders each. A
 * fixed seed makes the same register every time.
 */
int
demo_customers(sqlite3 *db, long n)
{
	static const char *const first[] = { "Aino", "Eino", "Helmi", "Väinö",
	    "Sofia", "Onni", "Aada", "Leo", "Ella", "Eetu", "Venla", "Juho",
	    "Kerttu", "Mikko", "Liisa", "Jukka", "Anja", "Pekka", "Sanna",
	    "Timo", "Päivi", "Ari", "Tuula", "Kari" };
	static const char *const last[] = { "Korhonen", "Virtanen", "Mäkinen",
	    "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
	    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
	    "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen" };
	static const struct { const char *code, *city; } places[] = {
	    { "00100", "Helsinki" }, { "00530", "Helsinki" }, { "02100", "Espoo" },
	    { "01300", "Vantaa" }, { "20100", "Turku" }, { "33100", "Tampere" },
	    { "40100", "Jyväskylä" }, { "70100", "Kuopio" }, { "90100", "Oulu" },
	    { "15110", "Lahti" }, { "80100", "Joensuu" }, { "65100", "Vaasa" } };
	static const char *const streets[] = { "Mannerheimintie", "Hämeenkatu",
	    "Kauppakatu", "Koulukatu", "Rantatie", "Puistokatu", "Kirkkokatu",
	    "Asemakatu", "Koivukuja", "Mäntytie" };
	static const char *const orgs[] = { "Pajarinne Oy", "Kuusiston Kone Oy",
	    "Rantalan Rakennus Ky", "Tmi Sininen Sävel", "Lakeuden Logistiikka Oy",
	    "Savon Sähkötyö Oy" };
	static const char *const statuses[] = { "paid", "paid", "paid", "open",
	    "collection", "credited" };
	unsigned long long seed = 20260623ULL;
	char buf[8][200];
	long done = 0;

	if (db_begin(db) != 0)
		return -1;
	for (long i = 0; i < n; i++) {
		struct customer c;
		const char *v[CF__MAX] = { 0 };
		unsigned long long x;
		int org;

#define RND() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, \
	    x = seed >> 33)
		memset(&c, 0, sizeof(c));
		RND();
		v[CF_FIRST_NAME] = first[x % (sizeof(first) / sizeof(first[0]))];
		RND();
		v[CF_LAST_NAME] = last[x % (sizeof(last) / sizeof(last[0]))];
		RND();
		org = x % 3 == 0;
		v[CF_ORGANISATION] = org ? orgs[x % (sizeof(orgs) /
		    sizeof(orgs[0]))] : "";
		v[CF_CONTACT_PERSON] = org ? "1" : "0";
		v[CF_CONTACT_FROM] = org ? "2021-03-01" : "";
		RND();
		snprintf(buf[0], sizeof(buf[0]), "demo%ld@esimerkki.invalid", i + 1);
		v[CF_EMAIL] = buf[0];
		snprintf(buf[1], sizeof(buf[1]), "%s %llu", streets[x %
		    (sizeof(streets) / sizeof(streets[0]))], x % 90 + 1);
		v[CF_STREET] = buf[1];
		RND();
		v[CF_POSTAL_CODE] = places[x % (sizeof(places) /
		    sizeof(places[0]))].code;
		v[CF_CITY] = places[x % (sizeof(places) / sizeof(places[0]))].city;
		v[CF_COUNTRY] = "FI";
		snprintf(buf[2], sizeof(buf[2]), "+35850000%04ld", (i + 1) % 10000);
		v[CF_PHONE] = buf[2];
		RND();
		snprintf(buf[3], sizeof(buf[3]), "20%02llu-%02llu-%02llu", x % 20 + 5,
		    x % 12 + 1, x % 28 + 1);
		v[CF_CUSTOMER_SINCE] = buf[3];
		v[CF_NOTES] = "DEMO – keksitty asiakas, ei oikea henkilö.";
		for (int f = 0; f < CF__MAX; f++)
			c.v[f] = xstrdup(v[f] ? v[f] : "");
		if (customer_create(db, &c, 0, CS_IMPORT) != 0) {
			customer_free(&c);
			db_rollback(db);
			return -1;
		}
		for (int k = 0; k < 3; k++) {
			sqlite3_stmt *st;

			RND();
			if (sqlite3_prepare_v2(db, "INSERT INTO orders (customer_id,"
			    " number, ordered_on, description, amount_cents, status)"
			    " VALUES (?1, ?2, ?3, 'Demotilaus', ?4, ?5)", -1, &st,
			    NULL) != SQLITE_OK) {
				customer_free(&c);
				db_rollback(db);
				return -1;
			}
			snprintf(buf[4], sizeof(buf[4]), "D%ld-%d", i + 1, k + 1);
			snprintf(buf[5], sizeof(buf[5]), "2026-%02llu-%02llu",
			    x % 11 + 1, x % 28 + 1);
			sqlite3_bind_int64(st, 1, c.id);
			sqlite3_bind_text(st, 2, buf[4], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, buf[5], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, (sqlite3_int64)(x % 250000 + 1000));
			sqlite3_bind_text(st, 5, statuses[x % 6], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_finalize(st);
				customer_free(&c);
				db_rollback(db);
				return -1;
			}
			sqlite3_finalize(st);
		}
#undef RND
		customer_free(&c);
		done++;
		if (isatty(STDOUT_FILENO) && (done % 1000 == 0 || done == n)) {
			printf("\r%ld / %ld", done, n);
			fflush(stdout);
		}
	}
	if (isatty(STDOUT_FILENO))
		printf("\n");
	return db_commit(db);
}

