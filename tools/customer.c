/* customer.c — rekisteri customer: demo data, CSV import (new records, updates) and export, the access report (GDPR Art. 15) and the portability file (Art. 20). */
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sodium.h>

#include "access_report.h"
#include "authority.h"
#include "buf.h"
#include "cimport.h"
#include "cli.h"
#include "csvio.h"
#include "customer.h"
#include "db.h"
#include "fmt.h"
#include "forget.h"
#include "holds.h"
#include "i18n.h"

static int
demo_cmd(struct cli *c, int argc, char **argv)
{
	sqlite3 *db;
	char *end;
	long n;

	if (argc != 3)
		return EXIT_USAGE;
	n = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || n < 1 || n > 10000000)
		return EXIT_USAGE;
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if (demo_customers(db, n) != 0) {
		fprintf(stderr, "rekisteri: %s\n", sqlite3_errmsg(db));
		db_close(db);
		return EXIT_FAIL;
	}
	audit_cli(db, "customer.demo", "customer", "", "demo customers added");
	printf("added %ld demo customers, each marked DEMO in its notes\n", n);
	db_close(db);
	return EXIT_OK;
}

/* A progress bar on the terminal: "check  12000 rows" or "apply [#####     ] 50 %". */
static void
progress(void *arg, const char *phase, long done, long total)
{
	(void)arg;
	if (total <= 0) {
		printf("\r%-6s %ld rows", phase, done);
	} else {
		int w = 30, k = (int)(done * w / (total ? total : 1));

		printf("\r%-6s [%.*s%*s] %3ld %%", phase, k,
		    "##############################", w - k, "",
		    done * 100 / (total ? total : 1));
		if (done >= total)
			printf("\n");
	}
	fflush(stdout);
}

static const char *const charset_names[] = { "auto", "UTF-8", "ISO-8859-1" };

/* The checked lines: bad rows and warnings always; the changes in a dry run. */
static void
print_lines(const struct cimport *im, int apply)
{
	for (size_t i = 0; i < im->nlines; i++) {
		const struct cimport_line *l = &im->lines[i];

		if (l->bad || l->suppressed)
			printf("line %ld: %s%s%s%s\n", l->line, l->bad ? "BAD " :
			    "", l->number, l->number[0] ? ": " : "", l->what);
		else if (!apply && !l->same)
			printf("line %ld: %s%s%s\n", l->line, l->number,
			    l->number[0] ? ": " : "", l->what);
	}
}

/*
 * rekisteri customer import|import-updates FILE [--apply | --apply-valid]
 * [--encoding auto|utf-8|iso-8859-1] [--source NAME]
 */
static int
import_cmd(struct cli *c, int argc, char **argv)
{
	struct cimport im;
	struct forget_key skey;
	struct i18n *msgs = NULL;
	sqlite3 *db = NULL;
	char *data = NULL, err[512], summary[160];
	const char *file = NULL;
	size_t len;
	int apply = 0, apply_valid = 0, rc = EXIT_FAIL;

	memset(&im, 0, sizeof(im));
	memset(&skey, 0, sizeof(skey));
	im.kind = strcmp(argv[1], "import") == 0 ? CIMPORT_NEW : CIMPORT_UPDATES;
	im.source = im.kind == CIMPORT_NEW ? CS_IMPORT : CS_UPDATE_SERVICE;
	im.charset = CSV_AUTO;
	im.lang = LANG_EN;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--apply") == 0)
			apply = 1;
		else if (strcmp(argv[i], "--apply-valid") == 0)
			apply = apply_valid = 1;
		else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
			int cs = csv_charset_parse(argv[++i]);

			if (cs < 0) {
				fprintf(stderr, "rekisteri: unknown encoding %s "
				    "(auto, utf-8 or iso-8859-1)\n", argv[i]);
				return EXIT_USAGE;
			}
			im.charset = (enum csv_charset)cs;
		} else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc) {
			int s = csource_parse(argv[++i]);

			if (s < 0) {
				fprintf(stderr, "rekisteri: unknown source %s "
				    "(customer, update_service, subcontractor, "
				    "staff, import)\n", argv[i]);
				return EXIT_USAGE;
			}
			im.source = (enum csource)s;
		} else if (file == NULL && (argv[i][0] != '-' ||
		    strcmp(argv[i], "-") == 0))
			file = argv[i];
		else
			return EXIT_USAGE;
	}
	if (file == NULL)
		return EXIT_USAGE;
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if ((msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		goto out;
	}
	im.msgs = msgs;
	/* a new record may be an erased person who objected (#14) */
	if (im.kind == CIMPORT_NEW) {
		if (forget_key_load(c->conf.key_dir, &skey, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "rekisteri: %s\n", err);
			goto out;
		}
		im.suppress_key = &skey;
		im.suppress_refuse = suppress_action_parse(c->conf.suppression) ==
		    SUPPRESS_REFUSE;
	}
	if (isatty(STDOUT_FILENO))
		im.progress = progress;
	if ((data = slurp(file, (size_t)CIMPORT_MAX_BYTES, &len)) == NULL) {
		if (errno == EFBIG)
			fprintf(stderr, "rekisteri: %s: the file is larger than "
			    "%ld MB, the import's limit; split it\n", file,
			    CIMPORT_MAX_BYTES >> 20);
		else
			fprintf(stderr, "rekisteri: %s: %s\n", file,
			    strerror(errno));
		goto out;
	}
	if (cimport_check(db, &im, data, len) != 0) {
		fprintf(stderr, "rekisteri: %s: %s\n", file, im.error);
		goto out;
	}
	print_lines(&im, apply);
	printf("%s: read as %s; %ld rows: %ld good (%ld without change), "
	    "%ld bad\n", file, charset_names[im.used], im.rows, im.good,
	    im.same, im.bad);
	if (!apply) {
		printf("Nothing was applied (a dry run). To apply, run again with "
		    "--apply%s.\n", im.bad ? "-valid (the good rows alone)" : "");
		rc = im.bad ? EXIT_FAIL : EXIT_OK;
		goto out;
	}
	if (im.bad > 0 && !apply_valid) {
		printf("Nothing was applied: %ld rows are bad. Fix them, or run "
		    "again with --apply-valid to apply the %ld good rows alone.\n",
		    im.bad, im.good);
		goto out;
	}
	if (cimport_apply(db, &im) != 0) {
		fprintf(stderr, "rekisteri: %s: %s\n", file, im.error);
		goto out;
	}
	snprintf(summary, sizeof(summary), "%s: %ld applied, %ld bad rows "
	    "left out, source %s", im.kind == CIMPORT_NEW ? "new records" :
	    "updates", im.applied, im.bad, csource_names[im.source]);
	audit_cli(db, im.kind == CIMPORT_NEW ? "customer.import" :
	    "customer.import_updates", "customer", "", summary);
	printf("Applied %ld %s in one transaction (source: %s).\n", im.applied,
	    im.kind == CIMPORT_NEW ? "new records" : "updated records",
	    csource_names[im.source]);
	rc = EXIT_OK;
out:
	free(data);
	sodium_memzero(&skey, sizeof(skey));
	cimport_free(&im);
	i18n_free(msgs);
	db_close(db);
	return rc;
}

struct export_out {
	FILE	*f;
	struct buf b;
};

static int
export_row(void *arg, const char *const *cells, int n)
{
	struct export_out *o = arg;

	buf_reset(&o->b);
	csv_row(&o->b, cells, (size_t)n);
	return fwrite(o->b.data, 1, o->b.len, o->f) == o->b.len ? 0 : 1;
}

/*
 * rekisteri customer export FILE --purpose P [--q WORDS] [--postal PREFIX]:
 * the file for purpose P (docs/csv.md), the counts of those left out per
 * reason on standard error.
 */
static int
export_cmd(struct cli *c, int argc, char **argv)
{
	struct export_out o = { NULL, BUF_INIT };
	const char *file = NULL, *q = NULL, *postal = NULL,
	    *head[CEXPORT_MAX_COLUMNS], *pname = NULL;
	struct cexport_counts n;
	struct buf summary = BUF_INIT;
	sqlite3 *db;
	int rc, closed, purpose, ncols;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--q") == 0 && i + 1 < argc)
			q = argv[++i];
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc &&
		    pname == NULL)
			pname = argv[++i];
		else if (strcmp(argv[i], "--postal") == 0 && i + 1 < argc)
			postal = argv[++i];
		else if (file == NULL && (argv[i][0] != '-' ||
		    strcmp(argv[i], "-") == 0))
			file = argv[i];
		else
			return EXIT_USAGE;
	}
	if (file == NULL || pname == NULL || !customer_postal_prefix_ok(postal))
		return EXIT_USAGE;
	if ((purpose = cexport_purpose_parse(pname)) < 0) {
		fprintf(stderr, "rekisteri: unknown purpose %s (register, "
		    "advertising, distance_selling, direct_marketing, research, "
		    "publication or disclosure)\n", pname);
		return EXIT_USAGE;
	}
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	/* personal data: a new file only its owner reads */
	if (strcmp(file, "-") == 0)
		o.f = stdout;
	else {
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		o.f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (fd >= 0 && o.f == NULL)
			close(fd);
	}
	if (o.f == NULL) {
		fprintf(stderr, "rekisteri: %s: %s\n", file, strerror(errno));
		db_close(db);
		return EXIT_FAIL;
	}
	ncols = customer_export_header(purpose, head);
	csv_row(&o.b, head, (size_t)ncols);
	fwrite(o.b.data, 1, o.b.len, o.f);
	{
		struct csearch cs = { q, NULL, postal, SORT_NUMBER };

		rc = db_begin_read(db) == 0 ? customer_export(db, &cs, purpose,
		    export_row, &o, &n) : -1;
	}
	db_rollback(db);
	buf_free(&o.b);
	if (o.f == stdout)
		closed = fflush(o.f);
	else
		closed = fclose(o.f);
	if (closed != 0 || rc != 0) {
		fprintf(stderr, "rekisteri: %s: the export is incomplete\n", file);
		db_close(db);
		return EXIT_FAIL;
	}
	buf_addf(&summary, "%s: %ld rows; left out %ld restricted",
	    cexport_purposes[purpose], n.rows, n.restricted);
	for (int p = 0; p < CP__MAX; p++)
		if (n.banned[p] > 0)
			buf_addf(&summary, ", %ld ban %s", n.banned[p],
			    cpurpose_names[p]);
	audit_cli(db, "customer.export", "customer", "", summary.data);
	buf_free(&summary);
	db_close(db);
	fprintf(stderr, "exported %ld customers for %s; left out %ld with "
	    "restricted processing\n", n.rows, cexport_purposes[purpose],
	    n.restricted);
	/* each ban the purpose excludes, with its count (0 too) */
	for (int p = 0; p < CP__MAX; p++)
		if (cexport_excludes(purpose) & (1u << p))
			fprintf(stderr, "left out %ld with a ban on %s\n",
			    n.banned[p], cpurpose_names[p]);
	if (purpose == CEXPORT_REGISTER)
		fprintf(stderr, "nobody left out for a ban: each person's bans "
		    "are in the column \"bans\"\n");
	return EXIT_OK;
}

/*
 * The report of customer number (argv[2]) in lang, gathered on a fresh
 * database handle, with the messages and the authority's details loaded;
 * the look-up itself is audited. 0, or an EXIT_ code on failure (said).
 */
static int
gather(struct cli *c, const char *number, enum lang lang, const char *action,
    sqlite3 **db, struct i18n **msgs, struct authority **auth,
    struct access_report *r)
{
	char err[512], today[11], idtext[24];
	long long id;
	int rc;

	memset(r, 0, sizeof(*r));
	/* open_db loads the config the messages' folder comes from */
	if ((*db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if ((*msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL ||
	    (*auth = authority_load_conf(&c->conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	if ((id = access_report_customer_id(*db, number)) <= 0) {
		fprintf(stderr, "rekisteri: %s: %s\n", number, id == 0 ?
		    "no such customer" : sqlite3_errmsg(*db));
		return EXIT_FAIL;
	}
	fmt_local_date(time(NULL), today);
	rc = access_report_gather(*db, id, lang, today, *auth, r);
	if (rc != 0) {
		fprintf(stderr, "rekisteri: %s: the report could not be made\n",
		    number);
		return EXIT_FAIL;
	}
	snprintf(idtext, sizeof(idtext), "%lld", id);
	audit_cli(*db, action, "customer", idtext, "");
	return 0;
}

/* rekisteri customer access-report NUMBER [--json] [--lang fi|en] */
static int
access_report_cmd(struct cli *c, int argc, char **argv)
{
	struct access_report r;
	struct buf out = BUF_INIT;
	struct i18n *msgs = NULL;
	struct authority *auth = NULL;
	sqlite3 *db = NULL;
	int json = 0, lang = LANG_FI, rc;

	if (argc < 3 || argv[2][0] == '-')
		return EXIT_USAGE;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			if ((lang = lang_parse(argv[++i])) < 0)
				return EXIT_USAGE;
		} else
			return EXIT_USAGE;
	}
	rc = gather(c, argv[2], (enum lang)lang, "customer.access_report", &db,
	    &msgs, &auth, &r);
	if (rc == 0) {
		if (json)
			rc = access_report_json(db, &r, &out) == 0 ? 0 :
			    EXIT_FAIL;
		else
			access_report_text(&r, msgs, &out);
		if (rc == 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
			rc = EXIT_FAIL;
	}
	access_report_free(&r);
	buf_free(&out);
	if (db)
		db_close(db);
	authority_free(auth);
	i18n_free(msgs);
	return rc;
}

/* Write out to DIR/name, a new file only its owner reads. 0 or -1 (said). */
static int
write_new(const char *dir, const char *name, const struct buf *out)
{
	char path[4096];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		fprintf(stderr, "rekisteri: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (write(fd, out->data ? out->data : "", out->len) !=
	    (ssize_t)out->len)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "rekisteri: %s: %s\n", path, strerror(errno));
	return rc;
}

/* rekisteri customer portability NUMBER DIR */
static int
portability_cmd(struct cli *c, int argc, char **argv)
{
	struct access_report r;
	struct buf j = BUF_INIT, cu = BUF_INIT, or = BUF_INIT;
	struct i18n *msgs = NULL;
	struct authority *auth = NULL;
	sqlite3 *db = NULL;
	int rc;

	if (argc != 4 || argv[2][0] == '-')
		return EXIT_USAGE;
	if (mkdir(argv[3], 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "rekisteri: %s: %s\n", argv[3], strerror(errno));
		return EXIT_FAIL;
	}
	rc = gather(c, argv[2], LANG_FI, "customer.portability", &db, &msgs,
	    &auth, &r);
	if (rc == 0 && portability_json(db, &r, &j) != 0)
		rc = EXIT_FAIL;
	if (rc == 0) {
		portability_customer_csv(&r, &cu);
		portability_orders_csv(&r, &or);
		if (write_new(argv[3], "portability.json", &j) != 0 ||
		    write_new(argv[3], "customer.csv", &cu) != 0 ||
		    write_new(argv[3], "orders.csv", &or) != 0)
			rc = EXIT_FAIL;
	}
	if (rc == 0)
		printf("wrote portability.json, customer.csv and orders.csv "
		    "(%zu orders) to %s\n", r.t[ART_ORDERS].nrows, argv[3]);
	access_report_free(&r);
	buf_free(&j);
	buf_free(&cu);
	buf_free(&or);
	if (db)
		db_close(db);
	authority_free(auth);
	i18n_free(msgs);
	return rc;
}

int
cmd_customer(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return EXIT_USAGE;
	if (strcmp(argv[1], "demo") == 0)
		return demo_cmd(c, argc, argv);
	if (strcmp(argv[1], "import") == 0 ||
	    strcmp(argv[1], "import-updates") == 0)
		return import_cmd(c, argc, argv);
	if (strcmp(argv[1], "export") == 0)
		return export_cmd(c, argc, argv);
	if (strcmp(argv[1], "access-report") == 0)
		return access_report_cmd(c, argc, argv);
	if (strcmp(argv[1], "portability") == 0)
		return portability_cmd(c, argc, argv);
	if (strcmp(argv[1], "erase") == 0)
		return customer_erase_cmd(c, argc, argv);
	return EXIT_USAGE;
}
