/* processing_record.c — the record of processing activities (GDPR Art. 30(1)) in words and as JSON, from the annotations of processing.c; see processing.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processing.h"

/* Art. 30(1)(b): the purposes, as the notice states them. */
static const char *const purposes[PP__MAX][LANG__MAX] = {
	[PP_CUSTOMER] = { "Asiakasrekisterin ylläpito: asiakassuhteen hoito, "
	    "tilausten hallinta, laskutus, arkistointi, tilastot ja luettelot "
	    "(postitustarrat), ellei asiakas ole kieltänyt",
	    "Keeping the customer register: the customer relationship, orders, "
	    "invoicing, archiving, statistics and lists (mailing labels) unless "
	    "the customer has forbidden them" },
	[PP_RIGHTS] = { "Rekisteröityjen oikeuksien toteuttaminen: pyynnöt, "
	    "kiellot, rajoittaminen, oikaisuista ja luovutuksista ilmoittaminen",
	    "The data subjects' rights: requests, bans, restriction, telling "
	    "of corrections and disclosures" },
	[PP_SECURITY] = { "Käsittelyn turvallisuus ja osoitusvelvollisuus: "
	    "henkilöstön tunnukset, kirjautuminen ja tapahtumaloki",
	    "Security of processing and accountability: staff accounts, "
	    "sign-in and the audit log" },
	[PP_NOTICE] = { "Tietosuojaselosteen julkaiseminen (rekisterin "
	    "yhteyshenkilö)",
	    "Publishing the privacy notice (the register's contact person)" },
	[PP_BREACH] = { "Henkilötietojen tietoturvaloukkausten dokumentointi "
	    "ja ilmoittaminen (GDPR 33 art. 5 kohta, 34 art.)",
	    "Documenting and notifying personal-data breaches (GDPR Art. "
	    "33(5), 34)" },
};

static const char *const bases[PB__MAX][LANG__MAX] = {
	[PB_CONTRACT] = { "Sopimus (GDPR 6 art. 1 b; tietosuojaseloste)",
	    "Contract (GDPR Art. 6(1)(b); the privacy notice)" },
	[PB_LEGAL] = { "Lakisääteinen velvoite (GDPR 6 art. 1 c: GDPR 5 art. 2, "
	    "12–22 art., 32 art.; kirjanpitolaki 1336/1997)",
	    "Legal obligation (GDPR Art. 6(1)(c): GDPR Art. 5(2), 12–22, 32; "
	    "Accounting Act 1336/1997)" },
};

static const char *const categories[PC__MAX][LANG__MAX] = {
	[PC_NONE] = { "", "" },
	[PC_IDENTITY] = { "Nimi ja asiakasnumero", "Name and customer number" },
	[PC_ORGANISATION] = { "Edustettu organisaatio ja yhteyshenkilön rooli",
	    "Organisation represented and contact-person role" },
	[PC_CONTACT] = { "Yhteystiedot (osoite, sähköposti, puhelin, www)",
	    "Contact details (address, email, phone, website)" },
	[PC_BILLING] = { "Laskutustiedot", "Billing details" },
	[PC_ORDERS] = { "Tilaukset", "Orders" },
	[PC_TECHNICAL] = { "IP- ja verkko-osoitteet", "IP and network addresses" },
	[PC_FREE_TEXT] = { "Vapaamuotoiset muistiinpanot",
	    "Free-text notes" },
	[PC_STATE] = { "Asiakkuuden ajat ja käsittelyn rajoitus",
	    "Relationship dates and restriction of processing" },
	[PC_BANS] = { "Kiellot ja vastustukset", "Bans and objections" },
	[PC_HISTORY] = { "Muutoshistoria (vanha ja uusi arvo, lähde)",
	    "Change history (old and new value, source)" },
	[PC_DISCLOSURES] = { "Luovutukset (kenelle, mitä, millä perusteella)",
	    "Disclosures (to whom, what, on what ground)" },
	[PC_REQUEST] = { "Pyynnön sisältö, kuitti ja käsittelyvaiheet",
	    "The request's content, ticket and case steps" },
	[PC_IDENTITY_CHECK] = { "Henkilöllisyyden varmistus",
	    "Identity check" },
	[PC_REFERENCE] = { "Viittaukset henkilön tietoihin",
	    "References to a person's record" },
	[PC_ACCOUNT] = { "Käyttäjätunnus, rooli, salassapitositoumuksen päivä",
	    "Username, role, date of the NDA" },
	[PC_CREDENTIALS] = { "Salasanojen ja koodien tiivisteet, istunnot",
	    "Password and code hashes, sessions" },
	[PC_ACTIVITY] = { "Käyttäjien toimet ja ajat", "Staff actions and times" },
};

static const char *const subjects[PS__BITS][LANG__MAX] = {
	{ "Asiakkaat", "Customers" },
	{ "Organisaatioiden yhteyshenkilöt", "Organisations' contact persons" },
	{ "Pyyntöjen tekijät", "People who make requests" },
	{ "Rekisterinpitäjän henkilöstö", "The controller's staff" },
};

static const char *const recipients[PR__BITS][LANG__MAX] = {
	{ "Rekisterinpitäjän henkilöstö", "The controller's staff" },
	{ "Ulkoistettu taloushallinto", "Outsourced financial administration" },
	{ "Luottopäätökset, perintä ja laskutus",
	    "Credit decisions, debt collection and invoicing" },
	{ "Viranomaiset lain velvoittaessa", "Authorities where the law requires" },
	{ "Kaikki (julkaistu tietosuojaselosteessa)",
	    "Anyone (published in the privacy notice)" },
};

/* GDPR Art. 32(1) and 30(1)(g): what the software itself does. */
static const char *const measures[][LANG__MAX] = {
	{ "Henkilökohtaiset tunnukset, argon2id-salasanat, lukitus toistuvista "
	  "virheistä", "Personal accounts, argon2id passwords, lockout after "
	  "repeated failures" },
	{ "Kaksivaiheinen tunnistautuminen (TOTP) vaadituille rooleille",
	  "Two-factor sign-in (TOTP) for the roles that require it" },
	{ "Kirjautuminen vasta salassapitositoumuksen jälkeen",
	  "No sign-in before a non-disclosure agreement is recorded" },
	{ "Roolit tarkistetaan joka sivulla; lomakkeissa CSRF-tunnisteet",
	  "Roles checked on every page; CSRF tokens on every form" },
	{ "Jokainen henkilötietojen katselu ja muutos ketjutettuun "
	  "tapahtumalokiin", "Every view and change of personal data in a "
	  "hash-chained audit log" },
	{ "Tietokanta ja avaimet vain palvelun käyttäjän luettavissa",
	  "The database and keys readable only by the service's user" },
	{ "Julkiset sivut erillisinä ohjelmina ilman kirjoitusoikeutta "
	  "asiakastietoihin", "Public pages in separate programs without write "
	  "access to customer data" },
	{ "Intranet rajataan verkko-osoitteen mukaan ja salataan (TLS) "
	  "palvelimessa", "The intranet limited by address and encrypted (TLS) "
	  "by the web server" },
};

const char *
pd_purpose_name(enum pd_purpose p, enum lang l)
{
	return purposes[p][l];
}

const char *
pd_basis_name(enum pd_basis b, enum lang l)
{
	return bases[b][l];
}

const char *
pd_category_name(enum pd_category c, enum lang l)
{
	return categories[c][l];
}

const char *
pd_subject_name(int bit, enum lang l)
{
	return subjects[bit][l];
}

const char *
pd_recipient_name(int bit, enum lang l)
{
	return recipients[bit][l];
}

const char *
pd_security_measure(size_t i, enum lang l)
{
	return i < sizeof(measures) / sizeof(measures[0]) ? measures[i][l] : NULL;
}

/*
 * JSON through SQLite's JSON functions: out becomes the one value sql
 * returns with a, b, c bound as text (NULL binds NULL). 0 or -1.
 */
static int
jrun(sqlite3 *db, const char *sql, const char *a, const char *b,
    const char *c, struct buf *out)
{
	const char *v[3] = { a, b, c };
	sqlite3_stmt *st;
	int ok;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < 3; i++)
		if (v[i] != NULL)
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
	ok = sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (ok) {
		buf_reset(out);
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		buf_cstr(out);
	}
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* {"fi": fi, "en": en} */
static int
jpair(sqlite3 *db, const char *const t[LANG__MAX], struct buf *out)
{
	return jrun(db, "SELECT json_object('fi', ?1, 'en', ?2)", t[0], t[1],
	    NULL, out);
}

/* arr (a JSON array) with the JSON value item appended. */
static int
jpush(sqlite3 *db, struct buf *arr, const char *item)
{
	return jrun(db, "SELECT json_insert(?1, '$[#]', json(?2))",
	    buf_cstr(arr), item, NULL, arr);
}

/* obj with key (a constant name) set to the JSON value v. */
static int
jset(sqlite3 *db, struct buf *obj, const char *key, const char *v)
{
	char path[64];

	snprintf(path, sizeof(path), "$.%s", key);
	return jrun(db, "SELECT json_set(?1, ?2, json(?3))", buf_cstr(obj),
	    path, v, obj);
}

/* obj with key set to the string s (NULL: ""). */
static int
jset_str(sqlite3 *db, struct buf *obj, const char *key, const char *s)
{
	char path[64];

	snprintf(path, sizeof(path), "$.%s", key);
	return jrun(db, "SELECT json_set(?1, ?2, ?3)", buf_cstr(obj), path,
	    s ? s : "", obj);
}

/* One activity as a JSON object into out. */
static int
activity_json(sqlite3 *db, const struct pd_activity *act, struct buf *out)
{
	struct buf arr = BUF_INIT, v = BUF_INIT;
	int rc = -1;

	buf_reset(out);
	buf_adds(out, "{}");
	if (jpair(db, purposes[act->purpose], &v) != 0 ||
	    jset(db, out, "purpose", v.data) != 0)
		goto out;
#define LIST(key, bits, n, names)					\
	buf_reset(&arr);						\
	buf_adds(&arr, "[]");						\
	for (int i = 0; i < (n); i++)					\
		if (((bits) & (1u << i)) && (jpair(db, (names)[i], &v) != 0 || \
		    jpush(db, &arr, v.data) != 0))			\
			goto out;					\
	if (jset(db, out, key, arr.data) != 0)				\
		goto out;
	LIST("legal_basis", act->bases, PB__MAX, bases)
	LIST("data_subjects", act->subjects, PS__BITS, subjects)
	LIST("data_categories", act->categories, PC__MAX, categories)
	LIST("recipients", act->recipients, PR__BITS, recipients)
#undef LIST
	buf_reset(&arr);
	buf_adds(&arr, "[]");
	for (int c = 0; c < RC__MAX; c++) {
		const struct retention_rule *r = retention_rule((enum retention_class)c);
		struct buf o = BUF_INIT;
		int bad;

		if (!(act->retention & (1u << c)))
			continue;
		buf_adds(&o, "{}");
		bad = jset_str(db, &o, "class", r->code) != 0 ||
		    jpair(db, r->period, &v) != 0 || jset(db, &o, "period", v.data) != 0 ||
		    jpair(db, r->source, &v) != 0 || jset(db, &o, "source", v.data) != 0 ||
		    jpush(db, &arr, o.data) != 0;
		buf_free(&o);
		if (bad)
			goto out;
	}
	if (jset(db, out, "retention", arr.data) != 0)
		goto out;
	buf_reset(&arr);
	buf_adds(&arr, "[]");
	{
		size_t n;
		const struct pd_column *cols = processing_columns(&n);

		for (size_t i = 0; i < n; i++) {
			char name[128];

			if (cols[i].purpose != act->purpose ||
			    cols[i].category == PC_NONE)
				continue;
			snprintf(name, sizeof(name), "%s.%s", cols[i].table,
			    cols[i].column);
			if (jrun(db, "SELECT json_quote(?1)", name, NULL, NULL,
			    &v) != 0 || jpush(db, &arr, v.data) != 0)
				goto out;
		}
	}
	rc = jset(db, out, "columns", arr.data);
out:
	buf_free(&arr);
	buf_free(&v);
	return rc;
}

int
processing_json(sqlite3 *db, const struct pd_controller *c,
    const char *generated, struct buf *out)
{
	static const char *const no_transfers[LANG__MAX] = {
	    "Ei siirtoja EU:n tai ETA:n ulkopuolelle",
	    "No transfers outside the EU or EEA" };
	struct pd_activity acts[PP__MAX];
	struct buf o = BUF_INIT, v = BUF_INIT, arr = BUF_INIT;
	int rc = -1;

	buf_reset(out);
	buf_adds(out, "{}");
	if (jset_str(db, out, "format", "rekisteri-processing/1") != 0 ||
	    jset_str(db, out, "generated", generated) != 0)
		goto out;
	buf_adds(&o, "{}");
	if (jset_str(db, &o, "name", c->name) != 0 ||
	    jset_str(db, &o, "address", c->address) != 0 ||
	    jset_str(db, &o, "phone", c->phone) != 0 ||
	    jset_str(db, &o, "email", c->email) != 0 ||
	    jset(db, out, "controller", o.data) != 0)
		goto out;
	buf_reset(&o);
	buf_adds(&o, "{}");
	if (jset_str(db, &o, "name", c->contact_name) != 0 ||
	    jset_str(db, &o, "phone", c->contact_phone) != 0 ||
	    jset_str(db, &o, "email", c->contact_email) != 0 ||
	    jset(db, out, "contact_person", o.data) != 0)
		goto out;
	if (c->transfers != NULL && *c->transfers != '\0') {
		if (jset_str(db, out, "transfers", c->transfers) != 0)
			goto out;
	} else if (jpair(db, no_transfers, &v) != 0 ||
	    jset(db, out, "transfers", v.data) != 0)
		goto out;
	processing_activities(acts);
	buf_adds(&arr, "[]");
	for (int p = 0; p < PP__MAX; p++)
		if (activity_json(db, &acts[p], &o) != 0 ||
		    jpush(db, &arr, o.data) != 0)
			goto out;
	if (jset(db, out, "activities", arr.data) != 0)
		goto out;
	buf_reset(&arr);
	buf_adds(&arr, "[]");
	for (size_t i = 0; pd_security_measure(i, LANG_FI) != NULL; i++)
		if (jpair(db, measures[i], &v) != 0 || jpush(db, &arr, v.data) != 0)
			goto out;
	buf_reset(&o);
	buf_adds(&o, "{}");
	if (jset(db, &o, "measures", arr.data) != 0 ||
	    jset_str(db, &o, "organisation", c->security) != 0 ||
	    jset(db, out, "security", o.data) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&o);
	buf_free(&v);
	buf_free(&arr);
	return rc;
}
