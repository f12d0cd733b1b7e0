/* notice_rules.c — the notice's content checked before publishing; see notice_rules.h and docs/compliance.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "notice_check.h"
#include "notice_rules.h"

#define WORDS	8	/* keywords per rule and language, NULL-terminated */

/*
 * Wording known to be wrong. Each rule names why, with its source; the
 * words are matched without regard to ASCII case.
 */
static const struct text_rule {
	const char	*code;
	const char	*words[LANG__MAX][WORDS];
	const char	*what[LANG__MAX];
	const char	*why[LANG__MAX];
} text_rules[] = {
	/*
	 * The Data Protection Ombudsman and its sanctions board, 9.5.2022,
	 * dnro 6097/161/21 (Otavamedia Oy, 85 000 €): demanding a signed form
	 * to identify the person collected data needlessly (GDPR Art. 5(1)(c),
	 * 12(2), 12(6)); https://finlex.fi/fi/viranomaiset/tsv/2022/20221483.
	 */
	{ "signature",
	  { { "on allekirjoitettava", "omakätisesti allekirjoitet",
	      "allekirjoitetulla", "tulee allekirjoittaa", NULL },
	    { "must be signed", "hand-signed", "signed by hand",
	      "signed written request", NULL } },
	  { "Pyynnöltä vaaditaan allekirjoitus.",
	    "The text demands a signed request." },
	  { "Tietosuojavaltuutettu ja seuraamuskollegio pitivät allekirjoituksen "
	    "vaatimista tarpeettomana tiedonkeruuna ja määräsivät Otavamedialle "
	    "seuraamusmaksun (päätös 9.5.2022, dnro 6097/161/21; GDPR 5 art. 1 c, "
	    "12 art. 2 ja 6). Rekisterin pyyntölomake ei vaadi allekirjoitusta, "
	    "joten seloste on ristiriidassa lomakkeen kanssa.",
	    "The Data Protection Ombudsman's sanctions board found demanding a "
	    "signature needless collection of data and fined Otavamedia "
	    "(decision of 9 May 2022, 6097/161/21; GDPR Art. 5(1)(c), 12(2) and "
	    "12(6)). The register's request form needs no signature, so the "
	    "notice contradicts the form." } },
	/*
	 * GDPR Art. 12(2): the controller facilitates the exercise of the
	 * rights; the EDPB Guidelines 01/2022 on the right of access: the GDPR
	 * imposes no form on a request, and it may come by any channel.
	 */
	{ "written-only",
	  { { "tulee tehdä kirjallisena", "kirjallisella pyynnöllä",
	      "tehtävä kirjallisesti", NULL },
	    { "must be made in writing", "written request", NULL } },
	  { "Pyyntö sallitaan vain kirjallisena.",
	    "The text allows only written requests." },
	  { "Rekisterinpitäjän on helpotettava oikeuksien käyttöä (GDPR 12 art. 2 "
	    "kohta), eikä pyynnölle saa vaatia tiettyä muotoa (EDPB:n ohjeet "
	    "01/2022 oikeudesta saada pääsy tietoihin).",
	    "The controller must facilitate the exercise of the rights (GDPR "
	    "Art. 12(2)), and a request may not be held to a particular form "
	    "(EDPB Guidelines 01/2022 on the right of access)." } },
};

/* Where an item's words are looked for. */
enum where { IN_TITLE, IN_TEXT, IN_BODY };

/*
 * The items GDPR Art. 13 requires (the controller, 13(1)(a), is checked
 * from the notice's facts). An item is there when one of its words is in
 * a section's title (IN_TITLE; an empty section is a finding of its own), anywhere in the text (IN_TEXT)
 * or in a section's text (IN_BODY). An item with "when" words is needed
 * only when one of those is in the text.
 */
static const struct item_rule {
	const char	*code;
	enum where	 where;
	const char	*words[LANG__MAX][WORDS];
	const char	*when[LANG__MAX][WORDS];
	const char	*what[LANG__MAX];
	const char	*why[LANG__MAX];
} item_rules[] = {
	{ "art13.purposes", IN_TITLE,
	  { { "tarkoitu", NULL }, { "purpose", NULL } }, { { NULL }, { NULL } },
	  { "Käsittelyn tarkoitukset puuttuvat.",
	    "The purposes of the processing are missing." },
	  { "GDPR 13 art. 1 c", "GDPR Art. 13(1)(c)" } },
	{ "art13.legal_basis", IN_TEXT,
	  { { "oikeusperuste", NULL }, { "legal basis", NULL } },
	  { { NULL }, { NULL } },
	  { "Käsittelyn oikeusperuste puuttuu.",
	    "The legal basis of the processing is missing." },
	  { "GDPR 13 art. 1 c", "GDPR Art. 13(1)(c)" } },
	{ "art13.legitimate_interests", IN_TITLE,
	  { { "oikeutetu", NULL }, { "legitimate interest", NULL } },
	  { { "oikeutettu etu", "oikeutetun edun", "oikeutettuun etuun", NULL },
	    { "legitimate interest", NULL } },
	  { "Oikeutettuun etuun vedotaan, mutta etuja ei kuvata.",
	    "Legitimate interests are relied on but not described." },
	  { "GDPR 13 art. 1 d", "GDPR Art. 13(1)(d)" } },
	{ "art13.recipients", IN_TITLE,
	  { { "vastaanottaj", "luovutu", NULL }, { "recipient", "disclosure",
	      NULL } }, { { NULL }, { NULL } },
	  { "Vastaanottajat puuttuvat.", "The recipients are missing." },
	  { "GDPR 13 art. 1 e", "GDPR Art. 13(1)(e)" } },
	{ "art13.transfers", IN_TITLE,
	  { { "ulkopuolelle", "kolmansiin maihin", NULL },
	    { "outside the eu", "third countr", NULL } }, { { NULL }, { NULL } },
	  { "Siirrot EU:n tai ETA:n ulkopuolelle puuttuvat.",
	    "Transfers outside the EU or EEA are not covered." },
	  { "GDPR 13 art. 1 f", "GDPR Art. 13(1)(f)" } },
	{ "art13.retention", IN_TITLE,
	  { { "säilyty", "säilyttämis", NULL }, { "retention",
	      "storage period", NULL } }, { { NULL }, { NULL } },
	  { "Säilytysaika puuttuu.", "The retention period is missing." },
	  { "GDPR 13 art. 2 a", "GDPR Art. 13(2)(a)" } },
	{ "art13.access", IN_TEXT,
	  { { "tarkastusoikeus", "pääsy", NULL }, { "right of access", NULL } },
	  { { NULL }, { NULL } },
	  { "Oikeus saada pääsy tietoihin puuttuu.",
	    "The right of access is missing." },
	  { "GDPR 13 art. 2 b, 15 art.", "GDPR Art. 13(2)(b), 15" } },
	{ "art13.rectification", IN_TEXT,
	  { { "korja", "oikais", NULL }, { "rectif", NULL } },
	  { { NULL }, { NULL } },
	  { "Oikeus tietojen oikaisemiseen puuttuu.",
	    "The right to rectification is missing." },
	  { "GDPR 13 art. 2 b, 16 art.", "GDPR Art. 13(2)(b), 16" } },
	{ "art13.erasure", IN_TEXT,
	  { { "poista", "poisto", "unohdetu", NULL }, { "erasure", "erase",
	      "forgotten", NULL } }, { { NULL }, { NULL } },
	  { "Oikeus tietojen poistamiseen puuttuu.",
	    "The right to erasure is missing." },
	  { "GDPR 13 art. 2 b, 17 art.", "GDPR Art. 13(2)(b), 17" } },
	{ "art13.restriction", IN_TEXT,
	  { { "rajoitt", NULL }, { "restrict", NULL } }, { { NULL }, { NULL } },
	  { "Oikeus käsittelyn rajoittamiseen puuttuu.",
	    "The right to restriction of processing is missing." },
	  { "GDPR 13 art. 2 b, 18 art.", "GDPR Art. 13(2)(b), 18" } },
	{ "art13.objection", IN_TEXT,
	  { { "vastust", NULL }, { "object", NULL } }, { { NULL }, { NULL } },
	  { "Oikeus vastustaa käsittelyä puuttuu.",
	    "The right to object is missing." },
	  { "GDPR 13 art. 2 b, 21 art.", "GDPR Art. 13(2)(b), 21" } },
	{ "art13.portability", IN_TEXT,
	  { { "järjestelmästä toiseen", "siirrettävyy", "siirto-oikeu", NULL },
	    { "portability", NULL } }, { { NULL }, { NULL } },
	  { "Oikeus siirtää tiedot järjestelmästä toiseen puuttuu.",
	    "The right to data portability is missing." },
	  { "GDPR 13 art. 2 b, 20 art.", "GDPR Art. 13(2)(b), 20" } },
	{ "art13.withdraw_consent", IN_TEXT,
	  { { "peruuttaa suostumu", "peruuttaa antamansa suostumu",
	      "suostumuksen peruut", NULL }, { "withdraw", NULL } },
	  { { "perustuu suostumukseen", "oikeusperusteena on suostumus",
	      "suostumuksen perusteella", NULL },
	    { "based on consent", "basis is consent", "on the basis of consent",
	      NULL } },
	  { "Suostumukseen vedotaan, mutta oikeus peruuttaa se puuttuu.",
	    "Consent is a basis, but the right to withdraw it is missing." },
	  { "GDPR 13 art. 2 c, 7 art. 3", "GDPR Art. 13(2)(c), 7(3)" } },
	{ "art13.complaint", IN_TEXT,
	  { { "valvontaviranomai", "tietosuojavaltuutet", NULL },
	    { "supervisory authority", "ombudsman", NULL } },
	  { { NULL }, { NULL } },
	  { "Oikeus tehdä valitus tietosuojavaltuutetulle puuttuu.",
	    "The right to complain to the Data Protection Ombudsman is missing." },
	  { "GDPR 13 art. 2 d, 77 art.", "GDPR Art. 13(2)(d), 77" } },
	{ "art13.requirement", IN_BODY,
	  { { "antaminen on", "antamatta", "pakollinen", "pakollista",
	      "edellytys", NULL },
	    { "providing the data", "providing your data", "provide the data",
	      "mandatory", "obliged to provide", NULL } },
	  { { NULL }, { NULL } },
	  { "Ei kerrota, onko tietojen antaminen lakisääteinen tai sopimukseen "
	    "perustuva vaatimus ja mitä seuraa, jos niitä ei anneta.",
	    "The notice does not say whether providing the data is a statutory "
	    "or contractual requirement, and what follows if they are not "
	    "given." },
	  { "GDPR 13 art. 2 e; vain rekisterinpitäjä tietää vastauksen",
	    "GDPR Art. 13(2)(e); only the controller knows the answer" } },
	{ "art13.automated", IN_TITLE,
	  { { "automaat", "profil", NULL }, { "automated", "profil", NULL } },
	  { { NULL }, { NULL } },
	  { "Automaattisesta päätöksenteosta ja profiloinnista ei kerrota.",
	    "Automated decision-making and profiling are not covered." },
	  { "GDPR 13 art. 2 f, 22 art.", "GDPR Art. 13(2)(f), 22" } },
};

/* A proposal for an empty section on automated decisions: the controller accepts it only if it is true. */
static const char *const no_profiling[LANG__MAX] = {
	"<p>Rekisterin tietoja ei käytetä automaattiseen päätöksentekoon eikä "
	    "profilointiin.</p>",
	"<p>The register's data are not used for automated decision-making or "
	    "profiling.</p>",
};

static const char *const empty_what[LANG__MAX] = {
	"Kohta on tyhjä.", "The section is empty." };
static const char *const empty_why[LANG__MAX] = {
	"Tyhjä kohta ei kerro lukijalle mitään. Ohjelma ei täydennä sitä "
	    "rekisterinpitäjän puolesta: kirjoita teksti tai hyväksy ehdotus, jos "
	    "se pitää paikkansa.",
	"An empty section tells the reader nothing. The program does not fill "
	    "it in on the controller's behalf: write the text, or accept the "
	    "proposal if it is true." };
static const char *const controller_what[LANG__MAX] = {
	"Rekisterinpitäjän nimi tai yhteystiedot puuttuvat.",
	"The controller's name or contact details are missing." };
static const char *const controller_why[LANG__MAX] = {
	"GDPR 13 art. 1 a", "GDPR Art. 13(1)(a)" };
static const char *const authority_what[LANG__MAX] = {
	"Tietosuojavaltuutetulle annetaan vanha osoite.",
	"The Data Protection Ombudsman is given a former address." };
static const char *const authority_why[LANG__MAX] = {
	"Valitus on voitava osoittaa oikeaan paikkaan (GDPR 13 art. 2 d, 77 "
	    "art.); nykyiset tiedot ovat tiedostossa data/authority.xml.",
	"A complaint must reach the authority (GDPR Art. 13(2)(d), 77); the "
	    "current details are in data/authority.xml." };

/* One language of a stored notice version. */
struct text {
	enum lang	 lang;
	int		 facts_ok;	/* the controller named, with a way to reach it */
	size_t		 n;
	char		**title;
	char		**body;
};

static int
empty(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int
has_word(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (notice_find(s, strlen(s), 0, *words) >= 0)
			return 1;
	return 0;
}

static struct nr_finding *
add(struct nr_list *l, enum nr_kind kind, const char *code, enum lang lang,
    int position, const char *title, const char *match)
{
	struct nr_finding *f;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->code = code;
	f->lang = lang;
	f->position = position;
	f->title = xstrdup(title ? title : "");
	f->match = xstrdup(match ? match : "");
	return f;
}

static void
set_texts(struct nr_finding *f, const char *const what[LANG__MAX],
    const char *const why[LANG__MAX])
{
	for (int l = 0; l < LANG__MAX; l++) {
		f->what[l] = what[l];
		f->why[l] = why[l];
	}
}

/* Whether item rule r is there in t, or not needed. */
static int
item_present(const struct item_rule *r, const struct text *t)
{
	int needed = r->when[t->lang][0] == NULL;

	for (size_t i = 0; i < t->n && !needed; i++)
		needed = has_word(t->title[i], r->when[t->lang]) ||
		    has_word(t->body[i], r->when[t->lang]);
	if (!needed)
		return 1;
	for (size_t i = 0; i < t->n; i++) {
		const char *const *w = r->words[t->lang];

		switch (r->where) {
		case IN_TITLE:	/* an empty one is found as empty */
			if (has_word(t->title[i], w))
				return 1;
			break;
		case IN_TEXT:
			if (has_word(t->title[i], w) || has_word(t->body[i], w))
				return 1;
			break;
		default:
			if (has_word(t->body[i], w))
				return 1;
			break;
		}
	}
	return 0;
}

const char *
notice_proposal(const char *title, enum lang lang)
{
	static const char *const words[] = { "profil", NULL };

	return has_word(title, words) ? no_profiling[lang] : NULL;
}

/* The findings of one language's text t into out; a the authority, or NULL. */
static void
review_text(const struct text *t, const struct authority *a,
    struct nr_list *out)
{
	struct nr_finding *f;

	if (!t->facts_ok) {
		f = add(out, NR_MISSING, "art13.controller", t->lang, 0, "", "");
		set_texts(f, controller_what, controller_why);
	}
	for (size_t r = 0; r < sizeof(item_rules) / sizeof(item_rules[0]); r++)
		if (!item_present(&item_rules[r], t)) {
			f = add(out, NR_MISSING, item_rules[r].code, t->lang, 0,
			    "", "");
			set_texts(f, item_rules[r].what, item_rules[r].why);
		}
	for (size_t i = 0; i < t->n; i++) {
		const char *b = t->body[i];
		int pos = (int)i + 1;

		if (empty(b)) {
			f = add(out, NR_EMPTY, "empty", t->lang, pos, t->title[i],
			    "");
			set_texts(f, empty_what, empty_why);
			f->proposal = notice_proposal(t->title[i], t->lang);
			continue;
		}
		for (size_t r = 0; r < sizeof(text_rules) / sizeof(text_rules[0]);
		    r++)
			for (const char *const *w = text_rules[r].words[t->lang];
			    *w != NULL; w++) {
				long at = notice_find(b, strlen(b), 0, *w);

				if (at < 0)
					continue;
				f = add(out, NR_TEXT, text_rules[r].code, t->lang,
				    pos, t->title[i], "");
				free(f->match);
				f->match = xstrndup(b + at, strlen(*w));
				set_texts(f, text_rules[r].what, text_rules[r].why);
				break;	/* a rule once a section */
			}
		if (a != NULL) {
			struct buf rep = BUF_INIT;

			if (notice_check_authority(a, b, strlen(b), "", &rep) > 0) {
				f = add(out, NR_AUTHORITY, "authority", t->lang, pos,
				    t->title[i], "");
				set_texts(f, authority_what, authority_why);
				free(f->match);
				/* ":LINE: detail\n…": the first detail, without the place */
				f->match = xstrndup(rep.data + strcspn(rep.data, " ") + 1,
				    strcspn(rep.data + strcspn(rep.data, " ") + 1, "\n"));
			}
			buf_free(&rep);
		}
	}
}

enum rstmt { R_VERSION, R_FACTS, R_SECTIONS, R__MAX };

static const char *const rsql[R__MAX] = {
	/* R_VERSION: the draft, or the newest published version */
	"SELECT id FROM notice_versions WHERE CASE WHEN ?1 THEN number IS NULL"
	" ELSE number = (SELECT max(number) FROM notice_versions) END",
	/* R_FACTS */
	"SELECT controller_name, controller_phone, controller_email,"
	" controller_address FROM notice_facts WHERE version_id = ?1 AND lang = ?2",
	/* R_SECTIONS */
	"SELECT title, body FROM notice_sections WHERE version_id = ?1 AND"
	" lang = ?2 ORDER BY position",
};

static void
text_free(struct text *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->title[i]);
		free(t->body[i]);
	}
	free(t->title);
	free(t->body);
	memset(t, 0, sizeof(*t));
}

/* Read language lang of version id into t. 0, or -1 on a database error. */
static int
read_text(sqlite3_stmt *st[R__MAX], sqlite3_int64 id, enum lang lang,
    struct text *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->lang = lang;
	for (int k = R_FACTS; k <= R_SECTIONS; k++) {
		sqlite3_bind_int64(st[k], 1, id);
		sqlite3_bind_text(st[k], 2, lang_codes[lang], -1, SQLITE_STATIC);
	}
	if ((rc = sqlite3_step(st[R_FACTS])) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st[R_FACTS], 0);
		int reach = 0;

		for (int c = 1; c <= 3; c++) {
			const char *v = (const char *)sqlite3_column_text(st[R_FACTS], c);

			reach |= v != NULL && !empty(v);
		}
		t->facts_ok = name != NULL && !empty(name) && reach;
	}
	sqlite3_reset(st[R_FACTS]);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	while ((rc = sqlite3_step(st[R_SECTIONS])) == SQLITE_ROW) {
		const char *ti = (const char *)sqlite3_column_text(st[R_SECTIONS], 0),
		    *bo = (const char *)sqlite3_column_text(st[R_SECTIONS], 1);

		t->title = xrealloc(t->title, (t->n + 1) * sizeof(*t->title));
		t->body = xrealloc(t->body, (t->n + 1) * sizeof(*t->body));
		t->title[t->n] = xstrdup(ti ? ti : "");
		t->body[t->n++] = xstrdup(bo ? bo : "");
	}
	sqlite3_reset(st[R_SECTIONS]);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
notice_review(sqlite3 *db, int draft, const struct authority *a,
    struct nr_list *out)
{
	sqlite3_stmt *st[R__MAX];
	sqlite3_int64 id = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (db_prepare_all(db, rsql, R__MAX, st) != 0)
		return -1;
	sqlite3_bind_int(st[R_VERSION], 1, draft != 0);
	if ((rc = sqlite3_step(st[R_VERSION])) == SQLITE_ROW)
		id = sqlite3_column_int64(st[R_VERSION], 0);
	sqlite3_reset(st[R_VERSION]);
	if (rc != SQLITE_ROW) {
		db_finalize_all(st, R__MAX);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	rc = 0;
	for (int l = 0; l < LANG__MAX && rc == 0; l++) {
		struct text t;

		if ((rc = read_text(st, id, (enum lang)l, &t)) == 0 && t.n > 0)
			review_text(&t, a, out);
		text_free(&t);
	}
	db_finalize_all(st, R__MAX);
	if (rc != 0)
		nr_list_free(out);
	return rc;
}

void
nr_list_free(struct nr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].title);
		free(l->v[i].match);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
nr_list_text(const struct nr_list *l, enum lang in, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct nr_finding *f = &l->v[i];

		buf_addf(out, "%s", lang_codes[f->lang]);
		if (f->position > 0)
			buf_addf(out, " %d \"%s\"", f->position, f->title);
		buf_addf(out, ": %s", f->what[in]);
		if (f->match[0] != '\0')
			buf_addf(out, " (\"%s\")", f->match);
		buf_addf(out, " [%s] %s\n", f->code, f->why[in]);
	}
}
