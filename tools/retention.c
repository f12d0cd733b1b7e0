/* retention.c — rekisteri retention, backup and restore (docs/retention.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "backup.h"
#include "cli.h"
#include "db.h"
#include "fmt.h"
#include "forget.h"
#include "holds.h"
#include "i18n.h"
#include "retention.h"

static const char *const action_names[] = {
	[RA_DELETE] = "delete",
	[RA_EMPTY] = "empty",
	[RA_ERASE] = "erase/anonymise",
};

/* The run's clock: now, or --now YYYY-MM-DDTHH:MM:SSZ (UTC, a real time, read by SQLite's date functions). 0 or -1. */
static int
parse_now(const char *given, time_t *now)
{
	sqlite3 *mem = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (given == NULL) {
		*now = time(NULL);
		return 0;
	}
	if (strlen(given) != 20 || sqlite3_open(":memory:", &mem) != SQLITE_OK ||
	    sqlite3_prepare_v2(mem, "SELECT CAST(strftime('%s', ?1) AS INTEGER)"
	    " WHERE strftime('%Y-%m-%dT%H:%M:%SZ', ?1) = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, given, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*now = (time_t)sqlite3_column_int64(st, 0);
		rc = 0;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(mem);
	return rc;
}

/* A progress bar on the terminal for the applying run. */
static void
progress(void *arg, enum retention_job j, long long done, long long total)
{
	int w = 30, k;

	(void)arg;
	if (total <= 0)
		total = 1;
	if (done > total)
		done = total;
	k = (int)(done * w / total);
	printf("\r%-12s [%.*s%*s] %3lld %%", retention_job_code(j), k,
	    "##############################", w - k, "", done * 100 / total);
	if (done >= total)
		printf("\n");
	fflush(stdout);
}

/* The report's table: one line per job. */
static void
print_report(const struct retention_report *r, int applied)
{
	printf("%-12s %-16s %10s %10s %10s  %s\n", "class", "action", "due",
	    applied ? "done" : "would", "kept", "period (source)");
	for (int j = 0; j < RJ__MAX; j++) {
		const struct retention_line *l = &r->line[j];
		const struct retention_rule *rule = retention_rule(l->rc);
		long long would = l->wired ? l->due : 0;

		printf("%-12s %-16s %10lld %10lld %10lld  %s (%s)%s\n", l->code,
		    action_names[l->action], l->due, applied ? l->done : would,
		    l->kept + (l->wired ? 0 : l->due), rule->period[LANG_EN],
		    rule->source[LANG_EN], l->wired ? "" :
		    "; not done: no erasure key");
	}
	printf("customers due: %lld %s erased, %lld anonymised (accounting "
	    "holds), %lld kept while a hold refuses erasure\n",
	    r->line[RJ_CUSTOMER].erase, applied ? "were" : "would be",
	    r->line[RJ_CUSTOMER].anonymise, r->line[RJ_CUSTOMER].held);
	for (int k = 0; k < HOLD__MAX; k++)
		if (r->line[RJ_CUSTOMER].held_by[k] > 0)
			printf("  kept for %s: %lld\n",
			    hold_name((enum hold_reason)k),
			    r->line[RJ_CUSTOMER].held_by[k]);
}

/*
 * rekisteri retention [--apply] [--now TIME]: the dry run's report, or the
 * run in batches ([retention] batch_rows) with a progress bar when standard
 * output is a terminal. $REKISTERI_RETENTION_STOP_AFTER=k (a test hook)
 * stops the process after k batches, as a kill would.
 */
int
cmd_retention(struct cli *c, int argc, char **argv)
{
	struct retention_report r;
	struct retention_erasure er;
	struct forget_key key;
	const char *given = NULL, *stop;
	char summary[200], ledger[4096], err[1024];
	long stop_after = 0;
	int apply = 0, rc = EXIT_FAIL;
	sqlite3 *db;
	time_t now;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--apply") == 0)
			apply = 1;
		else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
			given = argv[++i];
		else
			return EXIT_USAGE;
	}
	if (parse_now(given, &now) != 0) {
		fprintf(stderr, "rekisteri: --now is a UTC time, "
		    "YYYY-MM-DDTHH:MM:SSZ\n");
		return EXIT_USAGE;
	}
	if ((stop = getenv("REKISTERI_RETENTION_STOP_AFTER")) != NULL)
		stop_after = strtol(stop, NULL, 10);
	fmt_init();	/* the holds count in days in Helsinki */
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	/* the customers: erased with lib/forget's key, each in the ledger */
	snprintf(err, sizeof(err), "the erasure ledger's path is too long");
	if (forget_key_load(c->conf.key_dir, &key, err, sizeof(err)) != 0 ||
	    forget_ledger_path(&c->conf, ledger, sizeof(ledger)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	er.hc = &c->conf.accounting;
	er.key = &key;
	er.ledger = ledger;
	if (!apply) {
		if (retention_plan(db, now, &er, &r) != 0)
			goto dberr;
		printf("retention, a dry run judged at %s (nothing changed; "
		    "--apply does it):\n", r.judged_at);
		print_report(&r, 0);
		snprintf(summary, sizeof(summary), "dry run judged at %s",
		    r.judged_at);
		audit_cli(db, "retention.dry_run", "retention_run", "", summary);
		rc = EXIT_OK;
		goto out;
	}
	if (retention_apply(db, now, c->conf.batch_rows, &er,
	    isatty(STDOUT_FILENO) ? progress : NULL, NULL, stop_after, &r) != 0)
		goto dberr;
	printf("retention run %lld judged at %s%s: %ld batch%s\n",
	    (long long)r.run_id, r.judged_at, r.resumed ?
	    " (an interrupted run resumed)" : "", r.batches,
	    r.batches == 1 ? "" : "es");
	print_report(&r, 1);
	rc = EXIT_OK;
	if (r.line[RJ_CUSTOMER].failed > 0) {
		fprintf(stderr, "rekisteri: %lld customer record%s could not be "
		    "erased (rolled back, the rest done; ids in the log): run "
		    "again once the cause is fixed\n",
		    r.line[RJ_CUSTOMER].failed,
		    r.line[RJ_CUSTOMER].failed == 1 ? "" : "s");
		rc = EXIT_FAIL;
	}
	goto out;
dberr:
	fprintf(stderr, "rekisteri: the retention run failed: %s; the batches "
	    "committed before stay done, run it again\n", sqlite3_errmsg(db));
out:
	sodium_memzero(&key, sizeof(key));
	db_close(db);
	return rc;
}

/* --key KEYFILE's key into key, when given. 1 given, 0 not, -1 bad (said). */
static int
key_opt(const char *path, unsigned char key[BACKUP_KEYBYTES])
{
	char err[512];

	if (path == NULL)
		return 0;
	if (backup_key_load(path, key, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return -1;
	}
	return 1;
}

/* FILE [--key KEYFILE] of backup and restore. 0 or -1 (usage). */
static int
file_key_args(int argc, char **argv, const char **file, const char **key)
{
	*file = *key = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			*key = argv[++i];
		else if (argv[i][0] != '-' && *file == NULL)
			*file = argv[i];
		else
			return -1;
	}
	return *file == NULL ? -1 : 0;
}

/* rekisteri backup FILE [--key KEYFILE]: an online copy, mode 0600. */
int
cmd_backup(struct cli *c, int argc, char **argv)
{
	unsigned char key[BACKUP_KEYBYTES];
	const char *file, *keyfile;
	char err[1024], taken[21], summary[120];
	sqlite3 *db;
	int k, rc = EXIT_FAIL;

	if (file_key_args(argc, argv, &file, &keyfile) != 0)
		return EXIT_USAGE;
	if ((k = key_opt(keyfile, key)) < 0)
		return EXIT_FAIL;
	umask(077);
	if ((db = open_db(c)) == NULL)
		goto out;
	if (backup_make(db, c->conf.db_path, file, k ? key : NULL, taken, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	snprintf(summary, sizeof(summary), "backup taken at %s%s", taken,
	    k ? ", encrypted" : "");
	audit_cli(db, "backup", "database", "", summary);
	printf("%s: %s (mode 0600)\n", file, summary);
	rc = EXIT_OK;
out:
	sodium_memzero(key, sizeof(key));
	db_close(db);
	return rc;
}

/* The ledger's entries made after a backup: their hashes and modes, sorted by hash. */
struct after {
	const char			*taken;
	struct forget_ledger_entry	*e;
	size_t				 n, cap;
};

static int
ledger_collect(void *arg, const struct forget_ledger_entry *e)
{
	struct after *a = arg;

	if (strcmp(e->at, a->taken) < 0)
		return 0;	/* in the backup already */
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		struct forget_ledger_entry *p = reallocarray(a->e, cap,
		    sizeof(*p));

		if (p == NULL)
			return -1;
		a->e = p;
		a->cap = cap;
	}
	a->e[a->n++] = *e;
	return 0;
}

/* A restored record the ledger names, and what was done to it. */
struct match {
	sqlite3_int64		 id;
	enum forget_mode	 mode;
};

/* p with room for one more after n (cap doubled); NULL (p freed) when out of memory. */
static struct match *
grow(struct match *p, size_t n, size_t *cap)
{
	struct match *q;

	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 64;
	if ((q = reallocarray(p, *cap, sizeof(*q))) == NULL)
		free(p);
	return q;
}

static int
hash_cmp(const void *x, const void *y)
{
	return memcmp(((const struct forget_ledger_entry *)x)->hash,
	    ((const struct forget_ledger_entry *)y)->hash, 32);
}

/*
 * Re-apply every erasure and anonymisation in the erasure ledger made at
 * or after taken to the restored db: each record whose number's keyed hash
 * the ledger names is erased or anonymised again (forget_customer; the
 * ledger is not written twice), all in one transaction, then scrubbed.
 * The number re-applied, or -1 (said on stderr; nothing re-applied).
 */
static long
reapply_ledger(struct cli *c, sqlite3 *db, const char *taken)
{
	struct audit_entry actor = { 0, "", "cli", "customer.erase", "", "",
	    "" };
	struct after a = { taken, NULL, 0, 0 };
	struct forget_key key;
	sqlite3_stmt *st = NULL;
	char ledger[4096], err[1024];
	struct match *ids = NULL;
	size_t nids = 0, idcap = 0;
	long bad = 0, n = -1, done = 0;
	int step;

	snprintf(err, sizeof(err), "the erasure ledger's path is too long");
	if (forget_key_load(c->conf.key_dir, &key, err, sizeof(err)) != 0 ||
	    forget_ledger_path(&c->conf, ledger, sizeof(ledger)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return -1;
	}
	if (forget_ledger_each(ledger, ledger_collect, &a, &bad) != 0) {
		fprintf(stderr, "rekisteri: %s: the erasure ledger cannot be read"
		    "%s; the database is restored but the erasures since the "
		    "backup are NOT re-applied: fix the ledger and restore "
		    "again\n", ledger, bad ? " (a malformed line)" : "");
		goto out;
	}
	if (a.n == 0) {
		n = 0;
		goto out;
	}
	qsort(a.e, a.n, sizeof(*a.e), hash_cmp);
	if (db_begin(db) != 0 || sqlite3_prepare_v2(db, "SELECT id, number"
	    " FROM customers", -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	/* the matches first, then the erasures (no delete under a running SELECT) */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct forget_ledger_entry want, *hit;
		const char *num = (const char *)sqlite3_column_text(st, 1);

		memset(&want, 0, sizeof(want));
		forget_ledger_hash(&key, num ? num : "", want.hash);
		if ((hit = bsearch(&want, a.e, a.n, sizeof(*a.e),
		    hash_cmp)) == NULL)
			continue;
		if ((ids = grow(ids, nids, &idcap)) == NULL)
			goto dberr;
		ids[nids].id = sqlite3_column_int64(st, 0);
		ids[nids++].mode = hit->mode;
	}
	if (step != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	st = NULL;
	for (size_t i = 0; i < nids; i++) {
		struct forget_result res;
		int rc = forget_customer(db, ids[i].id, ids[i].mode, "restore",
		    NULL, &key, NULL, &actor, &res);

		if (rc < 0)
			goto dberr;
		if (rc == 0)
			done++;
	}
	if (db_commit(db) != 0)
		goto dberr;
	forget_scrub(db);
	n = done;
	goto out;
dberr:
	fprintf(stderr, "rekisteri: re-applying the erasure ledger failed: %s; "
	    "the database is restored but the erasures since the backup are "
	    "NOT re-applied: restore again\n", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	db_rollback(db);
out:
	free(a.e);
	free(ids);
	sodium_memzero(&key, sizeof(key));
	return n;
}

/*
 * rekisteri restore FILE [--key KEYFILE]: check the whole file first (a
 * damaged, truncated or wrong-key file is refused, the live database
 * untouched), refuse while another process has the database open (the
 * site must be stopped), restore through SQLite's backup API, then
 * re-apply the erasures made since the backup from the erasure ledger.
 */
int
cmd_restore(struct cli *c, int argc, char **argv)
{
	unsigned char key[BACKUP_KEYBYTES];
	const char *file, *keyfile;
	char err[1024], work[4096], taken[21], summary[160];
	sqlite3 *db = NULL;
	pid_t user;
	long n;
	int k, rc = EXIT_FAIL;

	work[0] = '\0';
	if (file_key_args(argc, argv, &file, &keyfile) != 0)
		return EXIT_USAGE;
	if ((k = key_opt(keyfile, key)) < 0)
		return EXIT_FAIL;
	umask(077);
	if (load_conf(c) != 0)
		goto out;
	if (access(c->conf.db_path, F_OK) != 0) {
		fprintf(stderr, "rekisteri: %s: no database to restore into "
		    "(run rekisteri init first)\n", c->conf.db_path);
		goto out;
	}
	if (backup_check(file, k ? key : NULL, c->conf.db_path, work,
	    sizeof(work), taken, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s: refused, the live database is "
		    "untouched: %s\n", file, err);
		goto out;
	}
	printf("%s: checked whole (backup taken at %s, integrity ok)\n", file,
	    taken);
	if ((user = backup_db_user(c->conf.db_path)) != 0) {
		fprintf(stderr, "rekisteri: refused, the live database is "
		    "untouched: %s is in use (process %ld): stop the site first "
		    "(systemctl stop rekisteri.target; docs/retention.md "
		    "\"Backups\")\n", c->conf.db_path, (long)user);
		goto out;
	}
	if (backup_restore(c->conf.db_path, work, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	/* the config is loaded already: open_db would load it again */
	if ((db = db_open(c->conf.db_path, DB_READWRITE, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	if ((n = reapply_ledger(c, db, taken)) < 0)
		goto out;
	printf("%s: restored; %ld erasure%s made after the backup re-applied "
	    "from the erasure ledger\n", c->conf.db_path, n, n == 1 ? "" : "s");
	snprintf(summary, sizeof(summary), "restored the backup taken at %s; "
	    "%ld erasures re-applied", taken, n);
	audit_cli(db, "restore", "database", "", summary);
	rc = EXIT_OK;
out:
	if (work[0] != '\0')
		unlink(work);
	sodium_memzero(key, sizeof(key));
	db_close(db);
	return rc;
}
