/* demo.c — rekisteri customer demo: invented customers for a first look and for benchmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "log.h"

/*
 * What an invented register looks like. Everything is made up and marked:
 * notes begin with DEMO, emails and web addresses are under the reserved
 * .invalid domain, registration IP addresses come from the documentation
 * ranges (RFC 5737, RFC 3849). Names, streets and postal codes are common
 * Finnish ones, so phone numbers (random, in the format of Finnish mobile
 * numbers) and name-and-address pairs may by chance match real people: the
 * DEMO mark says they are not.
 */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Days since 1970-01-01 of the data's "today" (2026-11-25) and of 2000-01-01. */
#define DEMO_TODAY	20782L
#define DEMO_EPOCH	10957L

/* At least this many new customers, and at least as many as are stored: bulk load. */
#define BULK_MIN	50000L

static const char *const demo_notes =
    "DEMO – keksitty asiakas, ei oikea henkilö.";

static const char *const first_names[] = {
	/* women */
	"Aada", "Aila", "Aili", "Aino", "Anja", "Anna", "Anne", "Anneli",
	"Anni", "Annika", "Anu", "Arja", "Asta", "Eeva", "Eija", "Eila",
	"Elina", "Elisa", "Ella", "Elli", "Elsa", "Emilia", "Emma", "Enni",
	"Erja", "Essi", "Eveliina", "Hanna", "Hannele", "Heidi", "Helena",
	"Helmi", "Henna", "Hilkka", "Iida", "Iiris", "Ilona", "Inkeri", "Irja",
	"Irma", "Jaana", "Jenni", "Johanna", "Jonna", "Julia", "Kaarina",
	"Kaisa", "Katariina", "Katja", "Kerttu", "Kirsi", "Kristiina", "Laura",
	"Leena", "Liisa", "Linnea", "Lotta", "Maija", "Maria", "Marja",
	"Marjatta", "Marjo", "Merja", "Mervi", "Milla", "Minna", "Mirja",
	"Nelli", "Niina", "Noora", "Oona", "Outi", "Paula", "Pia", "Pirjo",
	"Päivi", "Raija", "Riikka", "Riitta", "Ritva", "Saara", "Sanna",
	"Sari", "Satu", "Seija", "Silja", "Sini", "Sirpa", "Sofia", "Susanna",
	"Suvi", "Taina", "Tarja", "Terhi", "Tiina", "Tuija", "Tuula",
	"Tuulikki", "Ulla", "Venla", "Viivi", "Virpi",
	/* men */
	"Aapo", "Aarne", "Aatu", "Ahti", "Aleksi", "Antero", "Antti", "Ari",
	"Arto", "Eemeli", "Eero", "Eetu", "Eino", "Elias", "Erkki", "Esa",
	"Esko", "Hannu", "Harri", "Heikki", "Henrik", "Ilkka", "Ilmari",
	"Jaakko", "Jani", "Janne", "Jari", "Jarmo", "Jere", "Jesse", "Joel",
	"Johannes", "Jouni", "Juha", "Juhani", "Juho", "Jukka", "Jussi",
	"Kalevi", "Kalle", "Kari", "Kimmo", "Kristian", "Lasse", "Lauri",
	"Leevi", "Leo", "Markku", "Markus", "Marko", "Matias", "Matti", "Mika",
	"Mikael", "Mikko", "Niilo", "Niko", "Olavi", "Oliver", "Olli", "Onni",
	"Oskari", "Otto", "Paavo", "Pasi", "Pekka", "Pentti", "Pertti",
	"Petri", "Petteri", "Raimo", "Rasmus", "Reijo", "Risto", "Sakari",
	"Sami", "Santeri", "Seppo", "Simo", "Tapani", "Tapio", "Teemu", "Timo",
	"Tomi", "Toni", "Topias", "Tuomas", "Tuomo", "Urho", "Valtteri",
	"Veikko", "Vesa", "Ville", "Väinö", "Yrjö",
};

/* The commonest first: the first LAST_COMMON are drawn more often. */
#define LAST_COMMON	50
static const char *const last_names[] = {
	"Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen",
	"Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen",
	"Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
	"Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen",
	"Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen",
	"Ahonen", "Ojala", "Leppänen", "Hiltunen", "Väisänen", "Kallio",
	"Miettinen", "Leinonen", "Pelkonen", "Aaltonen", "Hirvonen",
	"Laaksonen", "Manninen", "Anttila", "Kettunen", "Hakala", "Karppinen",
	"Jääskeläinen", "Räsänen", "Seppälä", "Koivisto",
	"Peltonen", "Huttunen", "Nurmi", "Rissanen", "Korpela", "Toivonen",
	"Lindroos", "Honkanen", "Heiskanen", "Mustonen", "Laukkanen", "Vainio",
	"Kärkkäinen", "Harju", "Ketola", "Koponen", "Partanen", "Lehto",
	"Kivelä", "Vesterinen", "Hyvönen", "Oksanen", "Seppänen", "Valtonen",
	"Rautiainen", "Moilanen", "Mikkola", "Eskola", "Lampinen", "Johansson",
	"Nyman", "Pitkänen", "Ruotsalainen", "Suominen", "Kauppinen", "Sirviö",
	"Tikkanen", "Kokkonen", "Holmström", "Halonen", "Aalto", "Suhonen",
	"Nurminen", "Rautio", "Pesonen", "Lappalainen", "Pulkkinen",
	"Kemppainen", "Vuorinen", "Sundström", "Lindberg", "Grönroos",
	"Backman", "Forsman", "Wikström", "Heino", "Kivinen", "Hakkarainen",
	"Granqvist", "Hukkanen", "Kukkonen", "Kangas", "Markkanen", "Ylönen",
	"Syrjälä", "Koski", "Kolehmainen", "Mäki", "Rantala", "Alanen",
	"Ikonen", "Tolonen", "Vartiainen", "Jokela", "Soini", "Lassila",
	"Ahola", "Nykänen", "Lahti", "Tanskanen", "Sjöberg", "Immonen",
	"Valkonen", "Tiainen", "Pietilä", "Jaakkola", "Ranta", "Kosonen",
	"Pynnönen", "Ruuskanen", "Pakarinen", "Hänninen", "Niskanen", "Nyberg",
	"Hietala", "Autio", "Tuomi", "Vuori", "Hyvärinen", "Kyllönen",
	"Kananen", "Paananen", "Puustinen", "Karvonen", "Backström",
	"Kuusisto", "Lindström", "Ollila", "Ketonen", "Lehtola", "Rinne",
	"Sillanpää", "Karhu", "Ojanen", "Perälä", "Pajari", "Ylitalo",
	"Kiiskinen", "Heikkonen", "Venäläinen", "Lumme", "Honkala", "Paavola",
	"Niemelä", "Kurki", "Kantola", "Hakulinen", "Jantunen", "Riihimäki",
	"Kuusela", "Pöyhönen", "Savela", "Viitanen", "Ruokonen", "Aho",
	"Alatalo", "Haapala", "Koivula", "Kivistö", "Rajala", "Tervo",
	"Leskinen", "Lehtimäki", "Pihlaja", "Ström",
};

/*
 * Postal codes with their post office, many per large town, so that towns
 * get customers roughly by size.
 */
struct place {
	const char	*city;
	const char	*codes;		/* five-digit codes, space-separated */
};

static const struct place places[] = {
	{ "HELSINKI", "00100 00120 00130 00140 00150 00160 00170 00180 00200 "
	    "00210 00220 00250 00260 00270 00280 00300 00310 00320 00330 00340 "
	    "00350 00360 00370 00380 00390 00400 00410 00420 00430 00440 00500 "
	    "00510 00520 00530 00540 00550 00560 00570 00580 00600 00610 00620 "
	    "00630 00640 00650 00660 00670 00680 00690 00700 00710 00720 00730 "
	    "00740 00750 00760 00770 00780 00790 00800 00810 00820 00830 00840 "
	    "00850 00860 00870 00880 00890 00900 00910 00920 00930 00940 00950 "
	    "00960 00970 00980 00990" },
	{ "ESPOO", "02100 02120 02130 02140 02150 02160 02170 02180 02200 02210 "
	    "02230 02240 02250 02260 02270 02280 02290 02300 02320 02330 02340 "
	    "02360 02380 02600 02610 02620 02630 02650 02660 02680 02700 02710 "
	    "02720 02730 02740 02750 02760 02770 02780 02810 02820 02860 02920 "
	    "02940 02970 02980" },
	{ "VANTAA", "01200 01230 01260 01280 01300 01350 01360 01370 01380 "
	    "01390 01400 01420 01450 01480 01510 01520 01600 01610 01620 01630 "
	    "01640 01650 01660 01670 01680 01690 01700 01710 01720 01730 01740 "
	    "01750 01760 01770" },
	{ "TAMPERE", "33100 33180 33200 33210 33230 33240 33250 33270 33300 "
	    "33310 33330 33340 33400 33410 33420 33430 33500 33520 33530 33540 "
	    "33560 33580 33610 33680 33700 33710 33720 33730 33800 33820 33850 "
	    "33870 33900" },
	{ "TURKU", "20100 20200 20210 20240 20250 20300 20320 20360 20380 20400 "
	    "20500 20520 20540 20610 20700 20720 20730 20740 20750 20810 20880 "
	    "20900 20960" },
	{ "OULU", "90100 90120 90130 90140 90150 90220 90230 90240 90250 90400 "
	    "90410 90420 90500 90510 90520 90530 90540 90550 90560 90570 "
	    "90580 90590 90620 90630 90650 90660 90670" },
	{ "JYVÄSKYLÄ", "40100 40200 40250 40270 40320 40340 40400 40420 40500 "
	    "40520 40530 40600 40620 40630 40640 40700 40740" },
	{ "KUOPIO", "70100 70110 70150 70200 70210 70300 70340 70400 70420 "
	    "70460 70500 70600 70620 70780 70800 70820 70840 70870" },
	{ "LAHTI", "15100 15110 15140 15150 15160 15170 15200 15210 15240 15300 "
	    "15340 15500 15550 15610 15700 15800 15870 15900 15950" },
	{ "PORI", "28100 28120 28130 28190 28200 28220 28300 28400 28500 28540 "
	    "28600 28610 28660 28760 28800 28900" },
	{ "JOENSUU", "80100 80110 80130 80140 80160 80200 80220 80230 80260" },
	{ "VAASA", "65100 65200 65230 65280 65300 65320 65350 65370 65380 65410" },
	{ "LAPPEENRANTA", "53100 53130 53200 53300 53400 53500 53600 53650 "
	    "53850 53900" },
	{ "HÄMEENLINNA", "13100 13130 13200 13210 13220 13250 13270 13300 "
	    "13500 13600" },
	{ "SEINÄJOKI", "60100 60120 60150 60200 60220 60320 60510" },
	{ "ROVANIEMI", "96100 96190 96200 96300 96400 96440 96500 96900" },
	{ "KOTKA", "48100 48200 48210 48220 48230 48300 48400 48600" },
	{ "MIKKELI", "50100 50120 50130 50150 50170 50180 50190" },
	{ "KOUVOLA", "45100 45130 45160 45200 45360" },
	{ "PORVOO", "06100 06150 06400 06450 06500" },
	{ "SALO", "24100 24240 24260 24280" },
	{ "KOKKOLA", "67100 67200 67300 67400 67600" },
	{ "HYVINKÄÄ", "05800 05820 05830 05840 05880 05900" },
	{ "JÄRVENPÄÄ", "04400 04410 04420 04430 04440" },
	{ "KERAVA", "04200 04220 04230 04250 04260" },
	{ "RAUMA", "26100 26200 26510 26820" },
	{ "KAJAANI", "87100 87200 87250 87400 87500" },
	{ "SAVONLINNA", "57100 57130 57200 57230" },
	{ "LOHJA", "08100 08200 08500" },
	{ "IMATRA", "55100 55120 55400 55420" },
	{ "RIIHIMÄKI", "11100 11130 11710" },
	{ "NURMIJÄRVI", "01900" },
	{ "KLAUKKALA", "01800" },
	{ "TUUSULA", "04300" },
	{ "KIRKKONUMMI", "02400 02440" },
	{ "KANGASALA", "36200" },
	{ "RAISIO", "21200" },
	{ "NAANTALI", "21100" },
	{ "YLÖJÄRVI", "33470" },
	{ "IISALMI", "74100 74120" },
	{ "VARKAUS", "78200 78250" },
	{ "KEMI", "94100 94500" },
	{ "TORNIO", "95400" },
	{ "RAAHE", "92100" },
	{ "NIKKILÄ", "04130" },
	{ "KAARINA", "20780" },
	{ "PIRKKALA", "33960" },
	{ "LEMPÄÄLÄ", "37500" },
	{ "NOKIA", "37100" },
	{ "FORSSA", "30100" },
	{ "UUSIKAUPUNKI", "23500" },
	{ "SASTAMALA", "38200" },
	{ "VALKEAKOSKI", "37600" },
	{ "KEMPELE", "90440" },
	{ "SIPOO", "04170" },
	{ "HAMINA", "49400" },
	{ "HEINOLA", "18100" },
	{ "KITEE", "82500" },
	{ "SODANKYLÄ", "99600" },
	{ "IVALO", "99800" },
	{ "KUUSAMO", "93600" },
	{ "YLIVIESKA", "84100" },
	{ "PIETARSAARI", "68600" },
	{ "ÄÄNEKOSKI", "44100" },
	{ "JÄMSÄ", "42100" },
	{ "PIEKSÄMÄKI", "76100" },
	{ "LIEKSA", "81700" },
	{ "NURMES", "75500" },
};

static const char *const streets[] = {
	"Koulukatu", "Kirkkokatu", "Kauppakatu", "Asemakatu", "Puistokatu",
	"Rantatie", "Rantakatu", "Torikatu", "Satamakatu", "Linnankatu",
	"Tehtaankatu", "Teollisuustie", "Myllytie", "Myllykatu", "Sepänkatu",
	"Mäntytie", "Koivutie", "Koivukuja", "Pihlajatie", "Pihlajakuja",
	"Kuusitie", "Tammitie", "Vaahterakuja", "Haapatie", "Leppätie",
	"Katajatie", "Kalliotie", "Metsätie", "Peltotie", "Niittytie",
	"Mäkitie", "Harjutie", "Lehtotie", "Rinnetie", "Kukkulantie",
	"Järvitie", "Lammentie", "Joentie", "Koskitie", "Saarentie",
	"Hiekkatie", "Kivikatu", "Savikatu", "Sillankatu", "Aleksanterinkatu",
	"Hämeenkatu", "Kuninkaankatu", "Läntinen Pitkäkatu", "Itäinen Rantakatu",
	"Pohjoinen Rautatiekatu", "Eteläinen Rautatiekatu", "Uudenmaankatu",
	"Karjalankatu", "Savonkatu", "Hämeentie", "Turuntie", "Tampereentie",
	"Helsingintie", "Porintie", "Oulunkatu", "Vaasankatu", "Kalevankatu",
	"Väinämöisenkatu", "Ilmarisenkatu", "Lemminkäisenkatu", "Pajakatu",
	"Ratakatu", "Veturitie", "Urheilukatu", "Stadionintie", "Sairaalakatu",
	"Postikatu", "Yliopistonkatu", "Opistotie", "Kansakoulunkatu",
	"Kirjastokatu", "Museokatu", "Raatihuoneenkatu", "Maaherrankatu",
	"Kaivokatu", "Lähteentie", "Kaivotie", "Nummitie", "Kangastie",
	"Suotie", "Rämetie", "Korpitie", "Tunturitie", "Revontulentie",
	"Tähtitie", "Kuutamokuja", "Auringontie", "Aamuruskontie", "Iltatie",
	"Kevätkatu", "Kesäkatu", "Syyskuja", "Talvitie", "Lumikuja",
	"Pakkasraitti", "Satakielentie", "Peipontie", "Tiaisentie",
	"Kiurunkuja", "Haukantie", "Kotkantie", "Joutsenkuja", "Sorsatie",
	"Hirventie", "Ketunpolku", "Karhuntie", "Ilveskuja", "Oravankuja",
	"Jäniksenpolku", "Näädänkuja", "Majavantie", "Mustikkatie",
	"Puolukkatie", "Lakkakuja", "Vadelmatie", "Mansikkakuja",
	"Omenatie", "Luumukuja", "Kirsikkatie", "Ruusutie", "Liljakuja",
	"Orvokkitie", "Kielotie", "Sinivuokontie", "Kanervatie", "Kaislatie",
	"Ruokotie", "Merikatu", "Luotsikatu", "Laivurinkatu", "Telakkakatu",
	"Ankkurikuja", "Purjetie", "Airokuja", "Lokkitie", "Kalastajantie",
	"Verkkotie", "Nuottakuja", "Tervatie", "Hiilimiehentie",
	"Seppälänkatu", "Mannerheimintie", "Runebergintie", "Snellmaninkatu",
	"Topeliuksenkatu", "Lönnrotinkatu", "Sibeliuksenkatu", "Aleksis Kiven katu",
};

/* Organisations: a region or family name, a trade and a company form. */
static const char *const org_firsts[] = {
	"Lakeuden", "Savon", "Pohjolan", "Kymen", "Hämeen", "Karjalan",
	"Rannikon", "Tunturin", "Saariston", "Pohjanmaan", "Uudenmaan",
	"Satakunnan", "Kainuun", "Lapin", "Päijänteen", "Saimaan", "Vuoksen",
	"Pirkan", "Keski-Suomen", "Etelä-Savon", "Länsi-Uudenmaan", "Itä-Suomen",
	"Koillismaan", "Nokkalan", "Kuusiston", "Pajarinteen", "Rantalan",
	"Mäkelän", "Koskelan", "Niemelän", "Virtasen", "Korhosen", "Laineen",
	"Salon", "Heikkilän", "Lehtosen", "Järvisen", "Kallion", "Kiven",
	"Harjun", "Honkasen", "Aallon", "Vuoren", "Ketolan", "Mattilan",
	"Ojalan", "Anttilan", "Rinteen", "Peltolan", "Haapalan",
};
static const char *const org_trades[] = {
	"Rakennus", "Kuljetus", "Logistiikka", "Sähkötyö", "Putkityö",
	"Konepaja", "Puutarha", "Tilitoimisto", "IT-palvelut", "Kiinteistöhuolto",
	"Siivouspalvelu", "Metalli", "Puutuote", "Kone", "Autokorjaamo", "LVI",
	"Maalaus", "Lukkoliike", "Kahvila", "Leipomo", "Kukka", "Optiikka",
	"Hammashoito", "Fysioterapia", "Kauneushoitola", "Parturi", "Tulkkaus",
	"Käännöspalvelu", "Mainostoimisto", "Viestintä", "Ohjelmisto",
	"Insinööritoimisto", "Arkkitehdit", "Kiinteistövälitys", "Vakuutus",
	"Lakiasiaintoimisto", "Tilintarkastus", "Koulutus", "Matkailu",
	"Majoitus", "Ravintola", "Catering", "Elintarvike", "Maatalous",
	"Metsäpalvelu", "Saha", "Kalastus", "Veneveistämö", "Teknokemia",
	"Turvallisuus",
};
static const char *const org_forms[] = { "Oy", "Oy", "Oy", "Oy", "Ky", "Ay",
	"Osuuskunta", "Oyj" };
/* e-invoicing operators' identifiers (OVT or operator codes) */
static const char *const einvoice_operators[] = { "003721291126",
	"E204503", "003723327487", "003703575029", "003714377140" };

struct product {
	const char	*what;
	long		 min, max;	/* cents */
};
static const struct product products[] = {
	{ "Vuosihuolto", 8900, 24900 },
	{ "Asennustyö", 4500, 89000 },
	{ "Varaosat", 1290, 45000 },
	{ "Ohjelmistolisenssi, 12 kk", 19900, 249000 },
	{ "Konsultointi", 45000, 480000 },
	{ "Koulutuspäivä", 39000, 190000 },
	{ "Tarvikkeet", 990, 15900 },
	{ "Kuljetus", 2900, 18900 },
	{ "Laitevuokra, 1 kk", 9900, 59000 },
	{ "Tukipalvelu", 4900, 29900 },
	{ "Tarkastuskäynti", 7900, 19900 },
	{ "Suunnittelu", 60000, 450000 },
	{ "Lisätyö", 3900, 39000 },
	{ "Tilaustuote", 1990, 99000 },
	{ "Huoltosopimus, 3 kk", 14900, 69000 },
	{ "Korjaus", 5900, 120000 },
};

/* The statements, prepared once. */
enum dq {
	DQ_MAX_CUSTOMER,
	DQ_MAX_ORDER,
	DQ_CUSTOMER,
	DQ_ORDER,
	DQ_HISTORY,
	DQ__MAX
};
static const char *const dq_sql[DQ__MAX] = {
	/* after any erased id (sql/018_forgetting.sql) */
	[DQ_MAX_CUSTOMER] = "SELECT max(coalesce(max(id), 0), (SELECT"
	    " coalesce(max(id), 0) FROM customer_tombstones)), count(*)"
	    " FROM customers",
	[DQ_MAX_ORDER] = "SELECT coalesce(max(id), 0) FROM orders",
	[DQ_CUSTOMER] = "INSERT INTO customers (id, number, first_name,"
	    " last_name, organisation, contact_person, contact_from, contact_to,"
	    " email, street, postal_code, city, country, phone, www, ip,"
	    " billing_address, business_id, einvoice_address, einvoice_operator,"
	    " customer_since, relationship_ended, notes) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'FI', ?13, ?14, ?15, ?16, ?17,"
	    " ?18, ?19, ?20, ?21, ?22)",
	[DQ_ORDER] = "INSERT INTO orders (id, customer_id, number, ordered_on,"
	    " description, amount_cents, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7)",
	/* one honest row per record instead of one per field: see below */
	[DQ_HISTORY] = "INSERT INTO customer_history (customer_id, field,"
	    " old_value, new_value, source) VALUES (?1, 'record', '',"
	    " 'DEMO: invented by rekisteri customer demo (all fields)', 'import')",
};

/*
 * For a bulk load: the secondary indexes of the three tables and the
 * triggers that keep customers_fts, dropped before the rows go in and made
 * again from their own stored SQL after (unique ones and constraint
 * indexes stay: they are what keeps the data right). Other triggers are
 * never touched.
 */
static const char *const bulk_saved_sql =
    "SELECT name, type, sql FROM sqlite_master WHERE sql IS NOT NULL AND"
    " ((type = 'index' AND tbl_name IN ('customers', 'orders',"
    " 'customer_history') AND sql NOT LIKE 'CREATE UNIQUE%') OR"
    " (type = 'trigger' AND tbl_name = 'customers' AND"
    " sql LIKE '%customers_fts%'))";

struct saved {
	char	*name;
	char	*sql;
	int	 index;		/* else a trigger */
};

/* A small, fast generator (splitmix64): the same register every time. */
struct rnd {
	unsigned long long	s;
};

static unsigned long long
rnd_next(struct rnd *r)
{
	unsigned long long z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static unsigned long
rnd_below(struct rnd *r, unsigned long n)
{
	return (unsigned long)((rnd_next(r) >> 11) % n);
}

/* YYYY-MM-DD of days since 1970-01-01 (Howard Hinnant's civil_from_days). */
static void
day_str(long z, char out[11])
{
	long era, y;
	unsigned long doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned long)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	y %= 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* A day in [from, to] (days since 1970), to >= from. */
static long
rnd_day(struct rnd *r, long from, long to)
{
	return from + (long)rnd_below(r, (unsigned long)(to - from + 1));
}

/* s in lower-case ASCII for an address: ä, å → a, ö → o, é → e; others dropped. */
static void
ascii_slug(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p != '\0' && n + 1 < outlen; p++) {
		char c = 0;

		if (*p >= 'A' && *p <= 'Z')
			c = (char)(*p - 'A' + 'a');
		else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			c = (char)*p;
		else if (*p == 0xC3 && p[1] != '\0') {
			p++;
			switch (*p) {
			case 0xA4: case 0x84: case 0xA5: case 0x85:	/* ä Ä å Å */
				c = 'a';
				break;
			case 0xB6: case 0x96:				/* ö Ö */
				c = 'o';
				break;
			case 0xA9: case 0x89:				/* é É */
				c = 'e';
				break;
			default:
				break;
			}
		}
		if (c != 0)
			out[n++] = c;
	}
	out[n] = '\0';
}

/* The Y-tunnus check digit of 7 digits (lib/validate.c's rule), -1 when none fits. */
static int
ytunnus_digit(const char *d)
{
	static const int w[7] = { 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0, r;

	for (int i = 0; i < 7; i++)
		sum += (d[i] - '0') * w[i];
	r = sum % 11;
	return r == 0 ? 0 : r == 1 ? -1 : 11 - r;
}

/*
 * Organisation o: a name and a Y-tunnus with a valid check digit, the same
 * for every contact person of o; distinct organisations get distinct
 * business IDs (o → 2000000 + 2·((o·7919) mod 10^6), or the next number
 * when that one has no valid check digit).
 */
static void
org_of(unsigned long o, char *name, size_t namelen, char ytunnus[16])
{
	unsigned long p = (o * 7919UL) % 1000000UL, h = o * 2654435761UL;
	char d[8];

	snprintf(d, sizeof(d), "%07lu", 2000000UL + 2 * p);
	if (ytunnus_digit(d) < 0)
		snprintf(d, sizeof(d), "%07lu", 2000000UL + 2 * p + 1);
	snprintf(ytunnus, 16, "%s-%c", d, (char)('0' + ytunnus_digit(d)));
	if (h % 9 == 0)
		snprintf(name, namelen, "Tmi %s %s", first_names[(h >> 8) %
		    NELEM(first_names)], last_names[(h >> 16) % NELEM(last_names)]);
	else
		snprintf(name, namelen, "%s %s %s", org_firsts[(h >> 4) %
		    NELEM(org_firsts)], org_trades[(h >> 12) % NELEM(org_trades)],
		    org_forms[(h >> 20) % NELEM(org_forms)]);
}

/* Postal code and city: a place by its number of codes, then one of its codes. */
struct code {
	char		 code[6];
	const char	*city;
};

static struct code *
codes_load(size_t *n)
{
	struct code *c;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < NELEM(places); i++)
		total += (strlen(places[i].codes) + 1) / 6;
	if ((c = calloc(total, sizeof(*c))) == NULL)
		return NULL;
	for (size_t i = 0; i < NELEM(places); i++)
		for (const char *p = places[i].codes; *p != '\0' && k < total;
		    p += p[5] == ' ' ? 6 : 5) {
			memcpy(c[k].code, p, 5);
			c[k].city = places[i].city;
			k++;
		}
	*n = k;
	return c;
}

/* Run one statement with no result; 0 or -1 (logged). */
static int
exec1(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		LOG_ERR("%s: %s", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * Drop what bulk_saved_sql names, keeping each one's SQL in *sv (*nsv
 * entries, owned by the caller: saved_free). Inside the transaction. 0 or -1.
 */
static int
bulk_drop(sqlite3 *db, struct saved **sv, size_t *nsv)
{
	sqlite3_stmt *st;
	int rc;

	*sv = NULL;
	*nsv = 0;
	if (sqlite3_prepare_v2(db, bulk_saved_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct saved *n = realloc(*sv, (*nsv + 1) * sizeof(**sv));

		if (n == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		*sv = n;
		n[*nsv].name = xstrdup((const char *)sqlite3_column_text(st, 0));
		n[*nsv].index = strcmp((const char *)sqlite3_column_text(st, 1),
		    "index") == 0;
		n[*nsv].sql = xstrdup((const char *)sqlite3_column_text(st, 2));
		(*nsv)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (size_t i = 0; i < *nsv; i++) {
		char *q = sqlite3_mprintf("DROP %s \"%w\"", (*sv)[i].index ?
		    "INDEX" : "TRIGGER", (*sv)[i].name);	/* a name from the schema, quoted */

		if (q == NULL)
			return -1;
		rc = exec1(db, q);
		sqlite3_free(q);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static void
saved_free(struct saved *sv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sv[i].name);
		free(sv[i].sql);
	}
	free(sv);
}

/* What one customer needs besides its fields. */
struct gen {
	struct rnd	 r;
	struct code	*codes;
	size_t		 ncodes;
	unsigned long	 norgs;
	long long	 order_id;
	int		 pending;	/* orders of the next customer: 3 − the previous one's extra */
};

/* Bind text that lives until the statement is stepped. */
#define BIND(st, i, s)	sqlite3_bind_text((st), (i), (s), -1, SQLITE_STATIC)

/*
 * The orders of customer id, dated in its days [dsince, dend], numbered on
 * from g->order_id: about three (two neighbours share six through
 * g->pending; the last customer has three). 0 or -1.
 */
static int
gen_orders(sqlite3_stmt **q, struct gen *g, long long id, int last,
    long dsince, long dend)
{
	struct rnd *r = &g->r;
	const char *status;
	char onum[32], oday[11];
	int norders;
	unsigned long x;

	if (g->pending >= 0) {		/* the second of a pair */
		norders = g->pending;
		g->pending = -1;
	} else if (last)
		norders = 3;
	else {
		int extra = (int)rnd_below(r, 5) - 2;	/* −2 … +2 */

		norders = 3 + extra;
		g->pending = 3 - extra;
	}
	for (int k = 0; k < norders; k++) {
		const struct product *p = &products[rnd_below(r, NELEM(products))];
		long day = rnd_day(r, dsince, dend);

		x = rnd_below(r, 100);
		if (day > DEMO_TODAY - 45)
			status = x < 65 ? "open" : "paid";
		else
			status = x < 93 ? "paid" : x < 97 ? "credited" :
			    "collection";
		day_str(day, oday);
		g->order_id++;
		snprintf(onum, sizeof(onum), "%.4s-%07lld", oday, g->order_id);
		sqlite3_bind_int64(q[DQ_ORDER], 1, g->order_id);
		sqlite3_bind_int64(q[DQ_ORDER], 2, id);
		BIND(q[DQ_ORDER], 3, onum);
		BIND(q[DQ_ORDER], 4, oday);
		BIND(q[DQ_ORDER], 5, p->what);
		sqlite3_bind_int64(q[DQ_ORDER], 6, p->min + (long)rnd_below(r,
		    (unsigned long)(p->max - p->min + 1)) / 10 * 10);
		BIND(q[DQ_ORDER], 7, status);
		if (sqlite3_step(q[DQ_ORDER]) != SQLITE_DONE)
			return -1;
		sqlite3_reset(q[DQ_ORDER]);
	}
	return 0;
}

/*
 * Customer id (number A + six or more digits) and its orders: insert the
 * row, its history row and about three orders (gen_orders). 0 or -1.
 */
static int
gen_customer(sqlite3_stmt **q, struct gen *g, long long id, int last)
{
	struct rnd *r = &g->r;
	const struct code *pc;
	const char *first, *lastname, *op = "";
	char number[24], email[160], street[120], phone[16], www[160], ip[48];
	char since[11], ended[11], cfrom[11], cto[11], org[160], ytunnus[16];
	char billing[300], ovt[20], fs[40], ls[40];
	long dsince, dend;
	int contact;
	unsigned long x;

	snprintf(number, sizeof(number), "A%06lld", id);
	first = first_names[rnd_below(r, NELEM(first_names))];
	x = rnd_below(r, 2 * NELEM(last_names));
	lastname = last_names[x < NELEM(last_names) ? x : (x -
	    NELEM(last_names)) % LAST_COMMON];
	pc = &g->codes[rnd_below(r, g->ncodes)];
	x = rnd_below(r, 100);
	if (x < 40)		/* a house */
		snprintf(street, sizeof(street), "%s %lu", streets[rnd_below(r,
		    NELEM(streets))], rnd_below(r, 120) + 1);
	else			/* a flat */
		snprintf(street, sizeof(street), "%s %lu %c %lu",
		    streets[rnd_below(r, NELEM(streets))], rnd_below(r, 60) + 1,
		    (char)('A' + rnd_below(r, 6)), rnd_below(r, 80) + 1);
	x = rnd_below(r, 100);
	if (x < 95) {
		static const char *const mobile[] = { "40", "41", "44", "45",
		    "46", "50" };

		snprintf(phone, sizeof(phone), "+358%s%07lu",
		    mobile[rnd_below(r, NELEM(mobile))], rnd_below(r, 10000000));
	} else
		phone[0] = '\0';
	ascii_slug(first, fs, sizeof(fs));
	ascii_slug(lastname, ls, sizeof(ls));
	dsince = rnd_day(r, DEMO_EPOCH, DEMO_TODAY - 1);
	since[0] = ended[0] = '\0';
	day_str(dsince, since);
	dend = DEMO_TODAY;
	if (rnd_below(r, 100) < 4 && dsince < DEMO_TODAY - 30) {
		dend = rnd_day(r, dsince + 30, DEMO_TODAY - 1);
		day_str(dend, ended);
	}
	x = rnd_below(r, 100);
	ip[0] = '\0';
	if (x < 25)
		snprintf(ip, sizeof(ip), "%s.%lu", (const char *const[]){
		    "192.0.2", "198.51.100", "203.0.113" }[x % 3],
		    rnd_below(r, 254) + 1);
	else if (x < 40)
		snprintf(ip, sizeof(ip), "2001:db8:%lx::%lx", rnd_below(r,
		    0xffff) + 1, rnd_below(r, 0xffff) + 1);
	contact = rnd_below(r, 3) == 0;
	org[0] = cfrom[0] = cto[0] = ytunnus[0] = billing[0] = ovt[0] = '\0';
	www[0] = '\0';
	if (contact) {
		unsigned long o = rnd_below(r, g->norgs);
		char os[100];
		long dfrom;

		org_of(o, org, sizeof(org), ytunnus);
		ascii_slug(org, os, sizeof(os));
		if (o % 4 != 0)
			snprintf(www, sizeof(www), "https://www.%s.invalid/", os);
		dfrom = rnd_day(r, dsince, dend);
		day_str(dfrom, cfrom);
		if (rnd_below(r, 10) == 0 && dfrom < dend)
			day_str(rnd_day(r, dfrom, dend), cto);
		snprintf(billing, sizeof(billing), "%s\nOstolaskut\nPL %lu\n%.5s %s",
		    org, o % 900 + 10, pc->code, pc->city);
		if (o % 3 != 0) {
			snprintf(ovt, sizeof(ovt), "0037%.7s%c", ytunnus,
			    ytunnus[8]);
			op = einvoice_operators[o % NELEM(einvoice_operators)];
		}
	}
	snprintf(email, sizeof(email), "%s.%s.%lld@esimerkki.invalid", fs, ls,
	    id);
	/* ?2 … ?22 of DQ_CUSTOMER in order; ?6, the contact flag, is a number */
	const char *const text[] = { number, first, lastname, org, NULL, cfrom,
	    cto, email, street, pc->code, pc->city, phone, www, ip, billing,
	    ytunnus, ovt, op, since, ended, demo_notes };

	sqlite3_bind_int64(q[DQ_CUSTOMER], 1, id);
	sqlite3_bind_int(q[DQ_CUSTOMER], 6, contact);
	for (size_t i = 0; i < NELEM(text); i++)
		if (text[i] != NULL)
			BIND(q[DQ_CUSTOMER], (int)i + 2, text[i]);
	if (sqlite3_step(q[DQ_CUSTOMER]) != SQLITE_DONE)
		return -1;
	sqlite3_reset(q[DQ_CUSTOMER]);
	sqlite3_bind_int64(q[DQ_HISTORY], 1, id);
	if (sqlite3_step(q[DQ_HISTORY]) != SQLITE_DONE)
		return -1;
	sqlite3_reset(q[DQ_HISTORY]);
	return gen_orders(q, g, id, last, dsince, dend);
}

/*
 * Invented customers: Finnish names, streets and postal codes with their
 * post offices, mobile numbers, a third of them an organisation's contact
 * person (with a Y-tunnus whose check digit is right, billing and
 * e-invoicing details), emails under the reserved .invalid domain, each
 * marked DEMO in the notes, with about three orders each (3n in all). A
 * fixed seed makes the same register every time; on a register that has
 * customers already, the seed moves with their number, so a second run
 * adds other people, not the same ones again.
 *
 * All of it goes in one transaction through statements prepared once,
 * straight into the tables, not through customer_create(): each record
 * gets one history row ("record": invented by the demo command, source
 * import) instead of one per field. With many new customers (BULK_MIN and
 * at least as many as are stored) the secondary indexes and the full-text
 * triggers are dropped first, and afterwards the indexes made again and
 * customers_fts rebuilt from the table, in the same transaction: sorting
 * once is cheaper than keeping them up to date row by row (100,000 into
 * an empty register: 4 s instead of 12 s; REKISTERI_DEMO_BULK=0 or 1
 * forces the choice, for measuring). Nothing of the app's durability changes:
 * the usual WAL and synchronous=FULL commit; only this connection's page
 * cache grows for the load. 0 or -1 (all rolled back).
 */
int
demo_customers(sqlite3 *db, long n)
{
	sqlite3_stmt *q[DQ__MAX] = { 0 };
	struct saved *sv = NULL;
	size_t nsv = 0;
	struct gen g;
	struct progress pr;
	long long base = 0, stored = 0;
	const char *env;
	int rc = -1, bulk, began = 0;

	memset(&g, 0, sizeof(g));
	g.r.s = 20260623ULL;
	g.pending = -1;
	memset(&pr, 0, sizeof(pr));
	pr.on = isatty(STDOUT_FILENO);
	pr.n = n;
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	pr.last = pr.start;
	if ((g.codes = codes_load(&g.ncodes)) == NULL || g.ncodes == 0)
		return -1;
	/* organisations: about ten contact persons each, at least 50 of them */
	g.norgs = n / 30 > 50 ? (unsigned long)(n / 30) : 50;
	if (g.norgs > 1000000)
		g.norgs = 1000000;
	/* this connection only: a big page cache for the load (1 GB at most) */
	if (exec1(db, "PRAGMA cache_size = -1000000") != 0)
		goto out;
	if (db_begin(db) != 0)
		goto out;
	began = 1;
	if (db_prepare_all(db, dq_sql, DQ__MAX, q) != 0)
		goto out;
	if (sqlite3_step(q[DQ_MAX_CUSTOMER]) != SQLITE_ROW ||
	    sqlite3_step(q[DQ_MAX_ORDER]) != SQLITE_ROW)
		goto out;
	base = sqlite3_column_int64(q[DQ_MAX_CUSTOMER], 0);
	stored = sqlite3_column_int64(q[DQ_MAX_CUSTOMER], 1);
	g.order_id = sqlite3_column_int64(q[DQ_MAX_ORDER], 0);
	sqlite3_reset(q[DQ_MAX_CUSTOMER]);
	sqlite3_reset(q[DQ_MAX_ORDER]);
	g.r.s += (unsigned long long)base * 0x9e3779b97f4a7c15ULL;
	bulk = n >= BULK_MIN && n >= stored;
	env = getenv("REKISTERI_DEMO_BULK");	/* for measuring: "0" or "1" */
	if (env != NULL && (strcmp(env, "0") == 0 || strcmp(env, "1") == 0))
		bulk = env[0] == '1';
	if (bulk && bulk_drop(db, &sv, &nsv) != 0)
		goto out;
	for (long i = 0; i < n; i++) {
		if (gen_customer(q, &g, base + 1 + i, i == n - 1) != 0) {
			LOG_ERR("customer %lld: %s", base + 1 + i,
			    sqlite3_errmsg(db));
			goto out;
		}
		if ((i & 1023) == 0)
			progress_show(&pr, i, NULL);
	}
	progress_show(&pr, n, bulk ? "indexes" : "writing");
	for (size_t i = 0; i < nsv; i++)
		if (sv[i].index && exec1(db, sv[i].sql) != 0)
			goto out;
	if (bulk) {
		progress_show(&pr, n, "full-text index");
		if (exec1(db, "INSERT INTO customers_fts (customers_fts)"
		    " VALUES ('rebuild')") != 0)
			goto out;
		for (size_t i = 0; i < nsv; i++)
			if (!sv[i].index && exec1(db, sv[i].sql) != 0)
				goto out;
		progress_show(&pr, n, "writing");
	}
	db_finalize_all(q, DQ__MAX);
	if (db_commit(db) != 0)
		goto out;
	began = 0;
	rc = 0;
	progress_show(&pr, n, "done");
	if (pr.on)
		printf("\n");
out:
	db_finalize_all(q, DQ__MAX);
	if (began)
		db_rollback(db);
	saved_free(sv, nsv);
	free(g.codes);
	exec1(db, "PRAGMA cache_size = -2000");
	return rc;
}
