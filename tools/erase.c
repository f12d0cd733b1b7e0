/* erase.c — rekisteri customer erase: the legal holds on a customer record and its erasure or anonymisation (GDPR Art. 17; docs/retention.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <sodium.h>

#include "cli.h"
#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "forget.h"
#include "holds.h"
#include "i18n.h"

/* The verdict's words per language (holds.h). */
static const char *const verdict_words[3][LANG__MAX] = {
	[VERDICT_ERASE] = { "poistetaan", "erase" },
	[VERDICT_ANONYMISE] = { "anonymisoidaan (kirjanpidon tositteet "
	    "säilytetään)", "anonymise (the accounting vouchers are kept)" },
	[VERDICT_REFUSE] = { "ei voida poistaa eikä anonymisoida",
	    "cannot be erased nor anonymised" },
};

/* What an erasure did or would do, counted. */
static void
print_result(const struct forget_result *r, int applied, enum forget_mode m)
{
	printf("%s %s: history rows %ld, orders %ld, disclosures %ld, bans "
	    "%ld, lifted legal holds %ld, request links %ld, pending import "
	    "files %ld, suppression hashes %ld\n", applied ? (m == FORGET_ERASE ?
	    "erased" : "anonymised") : (m == FORGET_ERASE ? "would erase" :
	    "would anonymise"), r->number, r->history, r->orders,
	    r->disclosures, r->bans, r->holds, r->links, r->uploads,
	    r->suppressed);
	if (r->requests_cleared > 0)
		printf("%ld closed request%s past %s retention %s emptied of "
		    "personal data\n", r->requests_cleared,
		    r->requests_cleared == 1 ? "" : "s",
		    r->requests_cleared == 1 ? "its" : "their",
		    applied ? "were" : "would be");
	if (r->requests_kept > 0)
		printf("%ld linked request%s kept as %s: open, or closed within "
		    "%s own retention (the retention run empties %s later)\n",
		    r->requests_kept, r->requests_kept == 1 ? "" : "s",
		    r->requests_kept == 1 ? "it is" : "they are",
		    r->requests_kept == 1 ? "its" : "their",
		    r->requests_kept == 1 ? "it" : "them");
}

/* What the erase command was asked to do. */
struct erase_opts {
	const char	*number, *reference;
	char		 today[11];	/* YYYY-MM-DD: --today, or today in Helsinki */
	enum lang	 lang;
	int		 apply, anonymise;
};

/* The erase command's arguments into o: EXIT_OK, or the code to exit with. */
static int
erase_args(int argc, char **argv, struct erase_opts *o)
{
	const char *given = NULL;

	memset(o, 0, sizeof(*o));
	o->reference = "";
	o->lang = LANG_FI;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--apply") == 0)
			o->apply = 1;
		else if (strcmp(argv[i], "--anonymise") == 0)
			o->anonymise = 1;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			int l = lang_parse(argv[++i]);

			if (l < 0)
				return EXIT_USAGE;
			o->lang = (enum lang)l;
		} else if (strcmp(argv[i], "--reference") == 0 && i + 1 < argc)
			o->reference = argv[++i];
		else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc)
			given = argv[++i];
		else if (o->number == NULL && argv[i][0] != '-')
			o->number = argv[i];
		else
			return EXIT_USAGE;
	}
	if (o->number == NULL || strlen(o->number) > 30 ||
	    strlen(o->reference) > 40)
		return EXIT_USAGE;
	for (const char *p = o->reference; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '/' || *p == '.')) {
			fprintf(stderr, "rekisteri: --reference is a request "
			    "number or a case reference (A-Z, 0-9, - / .), "
			    "never personal data\n");
			return EXIT_USAGE;
		}
	fmt_init();
	if (given != NULL) {
		struct tm tm;

		if (fmt_parse_date(given, &tm) != 0) {
			fprintf(stderr, "rekisteri: --today is a date, "
			    "YYYY-MM-DD\n");
			return EXIT_USAGE;
		}
		snprintf(o->today, sizeof(o->today), "%s", given);
	} else {
		time_t now = time(NULL);
		struct tm tm;

		if (localtime_r(&now, &tm) == NULL ||
		    strftime(o->today, sizeof(o->today), "%Y-%m-%d", &tm) != 10)
			return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The verdict and every hold on number, in lang. */
static void
print_holds(const char *number, const struct holds *h, enum lang lang)
{
	printf("%s: %s\n", number, verdict_words[h->verdict][lang]);
	for (size_t i = 0; i < h->n; i++) {
		printf("  - %s", hold_text(h->h[i].reason, lang));
		if (h->h[i].until[0])
			printf(" (%s %s)", lang == LANG_FI ? "viimeistään" :
			    "until", h->h[i].until);
		if (h->h[i].ref[0])
			printf(" [%s]", h->h[i].ref);
		printf("\n");
	}
	if (h->omitted > 0)
		printf("  - ... %zu more\n", h->omitted);
}

/*
 * rekisteri customer erase NUMBER [--anonymise] [--apply] [--lang fi|en]
 * [--reference REF] [--today YYYY-MM-DD]: the legal holds (holds.h) and
 * what erasure or anonymisation would do; with --apply, done as the
 * verdict allows. A refusal changes nothing and exits 1.
 */
int
customer_erase_cmd(struct cli *c, int argc, char **argv)
{
	static const struct audit_entry actor = { 0, "", "cli", NULL, NULL,
	    NULL, NULL };
	struct erase_opts o;
	struct forget_key key;
	struct forget_result r;
	struct holds h;
	enum forget_mode mode;
	sqlite3 *db = NULL;
	char err[512], ledger[4096], kind[16], at[24];
	long long id;
	int rc, found;

	if ((rc = erase_args(argc, argv, &o)) != EXIT_OK)
		return rc;
	rc = EXIT_FAIL;
	memset(&key, 0, sizeof(key));
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if ((found = customer_by_number(db, o.number, &id)) < 0)
		goto dberr;
	if (found == 1) {
		found = forget_tombstone_number(db, o.number, kind, at);
		if (found == 0 && strcmp(kind, "erased") == 0) {
			printf("%s was erased on %.10s; nothing left to do\n",
			    o.number, at);
			/* a scrub an earlier run could not finish */
			rc = !o.apply || forget_scrub(db) == 0 ? EXIT_OK :
			    EXIT_FAIL;
		} else
			fprintf(stderr, "rekisteri: no customer numbered %s\n",
			    o.number);
		goto out;
	}
	if (holds_compute(db, id, o.today, &c->conf.accounting, &h) != 0)
		goto dberr;
	print_holds(o.number, &h, o.lang);
	if (h.verdict == VERDICT_REFUSE) {
		printf("Nothing was changed: the holds above prevent erasure "
		    "and anonymisation.\n");
		goto out;
	}
	if (o.anonymise && h.verdict == VERDICT_ERASE)
		printf("--anonymise: anonymised, although erasure is allowed\n");
	mode = o.anonymise || h.verdict == VERDICT_ANONYMISE ? FORGET_ANONYMISE :
	    FORGET_ERASE;
	if (forget_key_load(c->conf.key_dir, &key, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	if (forget_ledger_path(&c->conf, ledger, sizeof(ledger)) != 0) {
		fprintf(stderr, "rekisteri: the erasure ledger's path is too "
		    "long\n");
		goto out;
	}
	if (db_begin(db) != 0)
		goto dberr;
	if (forget_customer(db, id, mode, o.reference, NULL, &key,
	    o.apply ? ledger : NULL, &actor, &r) != 0) {
		db_rollback(db);
		fprintf(stderr, "rekisteri: %s: the %s failed; nothing was "
		    "changed\n", o.number, mode == FORGET_ERASE ? "erasure" :
		    "anonymisation");
		goto out;
	}
	if (!o.apply) {
		db_rollback(db);
		print_result(&r, 0, mode);
		printf("Nothing was changed (a dry run). To apply, run again "
		    "with --apply.\n");
		rc = EXIT_OK;
		goto out;
	}
	if (db_commit(db) != 0) {
		db_rollback(db);
		goto dberr;
	}
	print_result(&r, 1, mode);
	switch (forget_scrub(db)) {
	case 0:
		printf("The search index was merged and the WAL checkpointed: "
		    "no copy of the values is left in %s.\n", c->conf.db_path);
		break;
	case 1:
		printf("warning: a reader held the WAL; run the erase again "
		    "later to checkpoint it (the values are gone from the "
		    "tables)\n");
		break;
	default:
		fprintf(stderr, "rekisteri: the search index could not be "
		    "merged: run the erase again to finish\n");
		goto out;
	}
	printf("Recorded in the erasure ledger %s.\n", ledger);
	rc = EXIT_OK;
	goto out;
dberr:
	fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
out:
	sodium_memzero(&key, sizeof(key));
	db_close(db);
	return rc;
}
