/* retention_class.c — the retention classes and their sources; see retention_class.h and docs/compliance.md. */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>

#include "conf.h"
#include "retention_class.h"

static const struct retention_rule table[RC__MAX] = {
	/*
	 * The company's notice, "Henkilötietojen säilyttämisaika": 10 years
	 * from the end of the customer relationship (GDPR Art. 5(1)(e),
	 * 13(2)(a)); DESIGN.md "Data rules from the notice".
	 */
	[RC_CUSTOMER] = { "customer", RU_MONTHS, 120,
	    "customers.relationship_ended",
	    { "10 vuotta asiakkuuden päättymisestä",
	      "10 years from the end of the customer relationship" },
	    { "Tietosuojaseloste (säilytysaika); GDPR 5 art. 1 e, 13 art. 2 a",
	      "The privacy notice (retention period); GDPR Art. 5(1)(e), "
	      "13(2)(a)" } },
	/*
	 * Accounting Act (kirjanpitolaki) 1336/1997, chapter 2, section 10(2):
	 * vouchers and accounting correspondence at least 6 years from the end
	 * of the year in which the financial year ended (the books and
	 * financial statements, 10 years, hold no customer's data here).
	 */
	[RC_ACCOUNTING] = { "accounting", RU_MONTHS, 72,
	    "the end of the year in which the order's financial year ended",
	    { "6 vuotta sen vuoden lopusta, jonka aikana tilikausi päättyi",
	      "6 years from the end of the year in which the financial year "
	      "ended" },
	    { "Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.",
	      "Accounting Act 1336/1997, chapter 2, section 10(2)" } },
	/*
	 * The controller's decision: evidence that a request was answered
	 * (GDPR Art. 5(2), 12) for as long as the person may pursue it; the
	 * general limitation period is 3 years (Limitation Act 728/2003, 4 §).
	 */
	[RC_REQUEST] = { "request", RU_MONTHS, 36, "requests.closed_at",
	    { "3 vuotta pyynnön sulkemisesta",
	      "3 years from the request's closing" },
	    { "Rekisterinpitäjän päätös: osoitus pyyntöön vastaamisesta (GDPR 5 "
	      "art. 2, 12 art.) yleisen vanhentumisajan (laki 728/2003 4 §) ajan",
	      "The controller's decision: evidence that the request was answered "
	      "(GDPR Art. 5(2), 12) for the general limitation period (Act "
	      "728/2003, section 4)" } },
	/*
	 * The controller's decision: the log answers for the records it covers
	 * (GDPR Art. 5(2), 32), so it is kept as long as the longest of them;
	 * a hash chain (docs/audit.md) is cut only from its start.
	 */
	[RC_AUDIT] = { "audit", RU_MONTHS, 120, "audit_log.at",
	    { "10 vuotta merkinnästä", "10 years from the entry" },
	    { "Rekisterinpitäjän päätös: osoitusvelvollisuus (GDPR 5 art. 2, "
	      "32 art.) pisimmän säilytysajan verran",
	      "The controller's decision: accountability (GDPR Art. 5(2), 32) "
	      "for as long as the longest class it covers" } },
	/* GDPR Art. 32: personal accounts for as long as the person may sign in. */
	[RC_STAFF] = { "staff", RU_KEPT, 0, "the account's removal",
	    { "tunnuksen poistamiseen asti", "until the account is removed" },
	    { "GDPR 32 art. (henkilökohtaiset tunnukset)",
	      "GDPR Art. 32 (personal accounts)" } },
	/* lib/auth.h: 30 minutes idle, 10 hours at most. */
	[RC_SESSION] = { "session", RU_MINUTES, 600, "sessions.created_at",
	    { "uloskirjautumiseen asti, enintään 10 tuntia",
	      "until sign-out, at most 10 hours" },
	    { "GDPR 32 art.; istuntojen rajat (lib/auth.h)",
	      "GDPR Art. 32; the session limits (lib/auth.h)" } },
	/* lib/auth.h: the lockout's window of 15 minutes. */
	[RC_SIGNIN] = { "signin", RU_MINUTES, 15, "login_failures.at",
	    { "15 minuuttia (lukitusikkuna)", "15 minutes (the lockout window)" },
	    { "GDPR 32 art.; lukitus (lib/auth.h)",
	      "GDPR Art. 32; the lockout (lib/auth.h)" } },
	/* lib/dsr_store.c: the hourly rate limit's counts. */
	[RC_RATE] = { "rate", RU_MINUTES, 60, "request_rate.minute",
	    { "tunti", "an hour" },
	    { "GDPR 32 art.; lomakkeen käyttöraja (lib/dsr_store.c)",
	      "GDPR Art. 32; the form's rate limit (lib/dsr_store.c)" } },
	/* lib/upload.c: an upload waits an hour between its check and apply. */
	[RC_UPLOAD] = { "upload", RU_MINUTES, 60, "import_uploads.created_at",
	    { "kunnes tuonti tehdään, enintään tunti",
	      "until the import is applied, at most an hour" },
	    { "Tietojen minimointi (GDPR 5 art. 1 c); lib/upload.c",
	      "Data minimisation (GDPR Art. 5(1)(c)); lib/upload.c" } },
	/* A published notice never changes (sql/002_notice.sql): what people were told. */
	[RC_NOTICE] = { "notice", RU_FOREVER, 0, "notice_versions.published_at",
	    { "pysyvästi (julkaistu versio ei muutu)",
	      "permanently (a published version never changes)" },
	    { "Osoitusvelvollisuus (GDPR 5 art. 2, 13 art.)",
	      "Accountability (GDPR Art. 5(2), 13)" } },
	/* A mail waiting in the outbox (sql/013_outbox.sql): address and body are emptied once sent or given up. */
	[RC_OUTBOX] = { "outbox", RU_KEPT, 0, "outbox.sent_at",
	    { "kunnes viesti on lähetetty tai sen yrittäminen lopetettu"
	      " ([mail] give_up_days, oletus 3 päivää)",
	      "until the message is sent or given up ([mail] give_up_days,"
	      " 3 days by default)" },
	    { "Tietojen minimointi (GDPR 5 art. 1 c); lib/outbox_run.c",
	      "Data minimisation (GDPR Art. 5(1)(c)); lib/outbox_run.c" } },
	/*
	 * A value replaced by a correction, kept in the record's history to
	 * tell its source and recipients (GDPR Art. 19) and to answer for
	 * the change (Art. 5(2)); the wrong value is not kept longer than
	 * needed (Art. 5(1)(d), (e)). No act sets a period: kept with the
	 * record unless the controller sets [retention] history_months.
	 */
	[RC_HISTORY] = { "history", RU_KEPT, 0,
	    "customer_history.at (the correction)",
	    { "asiakastiedon ajan, ellei [retention] history_months lyhennä",
	      "as long as the customer's record, unless [retention] "
	      "history_months shortens it" },
	    { "GDPR 5 art. 1 d ja e, 19 art. (korjauksesta ilmoittaminen)",
	      "GDPR Art. 5(1)(d) and (e), Art. 19 (notifying a "
	      "rectification)" } },
};

/* The rules in force: the table, with the config's overrides. */
static struct retention_rule rules[RC__MAX];
static int rules_ready;
/* The period texts of overridden rules. */
static char override_text[RC__MAX][LANG__MAX][128];

static void
rules_init(void)
{
	if (rules_ready)
		return;
	for (int c = 0; c < RC__MAX; c++)
		rules[c] = table[c];
	rules_ready = 1;
}

/* Class c lasts months months from its event, the text in fi and en naming key. */
static void
override(enum retention_class c, int months, int years, const char *fi,
    const char *en, const char *key)
{
	rules[c].unit = RU_MONTHS;
	rules[c].amount = months;
	snprintf(override_text[c][LANG_FI], sizeof(override_text[c][LANG_FI]),
	    "%d %s %s (asetus [retention] %s)", years ? years : months,
	    years ? (years == 1 ? "vuosi" : "vuotta") :
	    (months == 1 ? "kuukausi" : "kuukautta"), fi, key);
	snprintf(override_text[c][LANG_EN], sizeof(override_text[c][LANG_EN]),
	    "%d %s %s (setting [retention] %s)", years ? years : months,
	    years ? (years == 1 ? "year" : "years") :
	    (months == 1 ? "month" : "months"), en, key);
	rules[c].period[LANG_FI] = override_text[c][LANG_FI];
	rules[c].period[LANG_EN] = override_text[c][LANG_EN];
}

void
retention_configure(const struct conf *cf)
{
	rules_ready = 0;
	rules_init();
	if (cf == NULL)
		return;
	if (cf->history_months > 0)
		override(RC_HISTORY, cf->history_months, 0, "korjauksesta",
		    "from the correction", "history_months");
	if (cf->request_years > 0)
		override(RC_REQUEST, 12 * cf->request_years, cf->request_years,
		    "pyynnön sulkemisesta", "from the request's closing",
		    "request_years");
	if (cf->audit_years > 0)
		override(RC_AUDIT, 12 * cf->audit_years, cf->audit_years,
		    "merkinnästä", "from the entry", "audit_years");
}

const struct retention_rule *
retention_rule(enum retention_class c)
{
	assert(c < RC__MAX);
	rules_init();
	return &rules[c];
}
