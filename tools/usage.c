/*
 * usage.c — what rekisteri(1) says about its commands: one row per command
 * or subcommand with its arguments, one line of what it does and one line
 * per option. `--help` (or `help COMMAND`) prints a row's help on standard
 * output; a usage error prints its synopsis on standard error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct opt {
	const char	*flag;	/* "--lang fi|en": a space means it takes a value */
	const char	*text;
};

struct row {
	const char	*cmd;
	const char	*sub;	/* NULL: the command has no subcommands */
	const char	*args;
	const char	*text;
	const struct opt *opts;	/* ends with { NULL, NULL }; may be NULL */
};

static const struct opt no_opts[] = { { NULL, NULL } };

static const struct opt request_list_opts[] = {
	{ "--open", "only the requests still open (received or in progress)" },
	{ "--overdue", "only the open ones past their deadline" },
	{ NULL, NULL }
};

static const struct opt check_opts[] = {
	{ "--today YYYY-MM-DD", "judge the age of the details and the intake "
	    "as on this day (default: today in Helsinki)" },
	{ NULL, NULL }
};

static const struct opt digest_opts[] = {
	{ "--print", "write the summary to standard output instead of mailing "
	    "it" },
	{ "--lang fi|en", "the summary's language (default: fi)" },
	{ NULL, NULL }
};

static const struct opt notice_import_opts[] = {
	{ "--lang fi|en", "the language of the text (default: fi)" },
	{ NULL, NULL }
};

static const struct opt notice_export_opts[] = {
	{ "--prefix /PATH", "where the files will be served "
	    "(default: /notice-static)" },
	{ NULL, NULL }
};

static const struct opt notice_check_opts[] = {
	{ "--draft", "check the draft instead of the newest published version" },
	{ NULL, NULL }
};

static const struct opt user_add_opts[] = {
	{ "--role admin|handler|auditor", "what the user may do (required)" },
	{ "--nda YYYY-MM-DD", "the day the user signed the non-disclosure "
	    "agreement; without it the user cannot sign in" },
	{ "--name TEXT", "the name shown to others (default: NAME)" },
	{ "--password-stdin", "read the password from one line of standard "
	    "input" },
	{ "--generate", "generate a password and print it once" },
	{ NULL, NULL }
};

static const struct opt user_passwd_opts[] = {
	{ "--password-stdin", "read the password from one line of standard "
	    "input" },
	{ "--generate", "generate a one-time password, print it once; it "
	    "must be changed at the next sign-in" },
	{ NULL, NULL }
};

static const struct opt import_opts[] = {
	{ "--apply", "apply in one transaction when every row is good" },
	{ "--apply-valid", "apply the good rows and leave the bad ones out" },
	{ "--encoding auto|utf-8|iso-8859-1", "the file's encoding "
	    "(default: auto, detected)" },
	{ "--source NAME", "the source recorded in each field's history: "
	    "customer, update_service, subcontractor, staff or import" },
	{ NULL, NULL }
};

static const struct opt export_opts[] = {
	{ "--purpose P", "what the file is for (required): register (everyone, "
	    "bans in a column), advertising, distance_selling, "
	    "direct_marketing, research, publication or disclosure (everyone "
	    "with a ban on P, on publication or on disclosure left out)" },
	{ "--q WORDS", "only the customers these search words find" },
	{ "--postal PREFIX", "only postal codes that start with PREFIX "
	    "(1 to 5 digits)" },
	{ NULL, NULL }
};

static const struct opt access_report_opts[] = {
	{ "--json", "the report as JSON (docs/access-report.md)" },
	{ "--lang fi|en", "the report's language (default: fi)" },
	{ NULL, NULL }
};

static const struct opt retention_opts[] = {
	{ "--apply", "do it, in batches of [retention] batch_rows rows, each "
	    "committed whole; a progress bar on a terminal" },
	{ "--now YYYY-MM-DDTHH:MM:SSZ", "judge the periods as at this UTC "
	    "time (default: now)" },
	{ NULL, NULL }
};

static const struct opt backup_opts[] = {
	{ "--key KEYFILE", "encrypt with the key in KEYFILE (64 hex digits, "
	    "mode 0600; docs/retention.md)" },
	{ NULL, NULL }
};

static const struct opt restore_opts[] = {
	{ "--key KEYFILE", "the key the backup was encrypted with" },
	{ NULL, NULL }
};

static const struct opt erase_opts[] = {
	{ "--apply", "erase (or anonymise) as the verdict allows; without it "
	    "a dry run" },
	{ "--anonymise", "anonymise even when erasure is allowed" },
	{ "--lang fi|en", "the language of the verdict and the holds "
	    "(default: fi)" },
	{ "--reference REF", "the request number (or case reference) the "
	    "erasure is made under, kept on the tombstone" },
	{ "--today YYYY-MM-DD", "judge the holds as on this day (default: "
	    "today in Helsinki)" },
	{ NULL, NULL }
};

static const struct row rows[] = {
	{ "init", NULL, "", "create the database or bring it up to date "
	    "(runs the migrations in sql/)", no_opts },
	{ "check", NULL, "[--today YYYY-MM-DD]", "load the config, the "
	    "messages, every template and the supervisory authority's details, "
	    "report the first problem with file and line (exit 1); warn when "
	    "the details were checked more than a year ago or the notice gives "
	    "the authority a former address; then the intake: exit 1 with a "
	    "line for each request idle more than [request] idle_days, each "
	    "open one whose deadline is within 3 days or past, and each mail "
	    "that failed", check_opts },
	{ "notice", "import", "FILE [--lang fi|en]", "read a notice text "
	    "(docs/notice-format.md; - for standard input) into the draft, "
	    "saying what was cleaned away; warns where it gives the Ombudsman "
	    "a former address", notice_import_opts },
	{ "notice", "publish", "", "publish the draft as the next version "
	    "(both languages needed); a published version never changes",
	    no_opts },
	{ "notice", "discard", "", "drop the draft", no_opts },
	{ "notice", "list", "", "list the versions and the draft", no_opts },
	{ "notice", "export", "DIR [--prefix /PATH]", "write every published "
	    "version as static files, with Apache and nginx snippets to serve "
	    "them", notice_export_opts },
	{ "notice", "check", "[--draft]", "list the problems of the newest "
	    "published version (or the draft) in both languages: items GDPR "
	    "Art. 13 requires, wording known to be unlawful (a demanded "
	    "signature), empty sections, the Ombudsman's former address; exit 1 "
	    "while any remains", notice_check_opts },
	{ "user", "add", "NAME --role admin|handler|auditor [--nda YYYY-MM-DD] "
	    "[--name TEXT] [--password-stdin | --generate]", "add a staff "
	    "account; without a password option the password is asked twice "
	    "on the terminal", user_add_opts },
	{ "user", "passwd", "NAME [--password-stdin | --generate]", "set a "
	    "password and end the user's sessions", user_passwd_opts },
	{ "user", "disable", "NAME", "disable an account and end its sessions",
	    no_opts },
	{ "user", "enable", "NAME", "enable a disabled account", no_opts },
	{ "user", "nda", "NAME YYYY-MM-DD", "record the day the user signed the "
	    "non-disclosure agreement", no_opts },
	{ "user", "list", "", "list the accounts", no_opts },
	{ "customer", "demo", "N", "add N invented customers, each marked DEMO "
	    "in its notes", no_opts },
	{ "customer", "import", "FILE [--apply | --apply-valid] "
	    "[--encoding E] [--source NAME]", "new customers from a CSV file "
	    "(docs/csv.md); a dry run that lists bad rows unless --apply",
	    import_opts },
	{ "customer", "import-updates", "FILE [--apply | --apply-valid] "
	    "[--encoding E] [--source NAME]", "name and address updates by "
	    "customer number (source update_service unless --source); a dry "
	    "run unless --apply", import_opts },
	{ "customer", "export", "FILE --purpose P [--q WORDS] [--postal PREFIX]",
	    "the customers a search finds as CSV for purpose P to a new file (- "
	    "for standard output); restricted records and the bans P excludes "
	    "left out, counted per ban", export_opts },
	{ "customer", "access-report", "NUMBER [--json] [--lang fi|en]", "the "
	    "access report (GDPR Art. 15) of one customer to standard output: "
	    "every value the register holds, the purposes, recipients, sources, "
	    "retention, the dates staff looked at the record (never who), the "
	    "rights and the Ombudsman (docs/access-report.md)",
	    access_report_opts },
	{ "customer", "portability", "NUMBER DIR", "the portability file "
	    "(GDPR Art. 20) of one customer: portability.json "
	    "(docs/portability.md) and customer.csv and orders.csv, new files "
	    "in DIR (made when missing)", no_opts },
	{ "customer", "erase", "NUMBER [--anonymise] [--apply] [--lang fi|en] "
	    "[--reference REF] [--today YYYY-MM-DD]", "the legal holds on the "
	    "record and what erasure (or anonymisation, which keeps the orders "
	    "for the accounts) would remove; with --apply, done, the search "
	    "index merged, the WAL checkpointed and a line added to the "
	    "erasure ledger; a hold that refuses both changes nothing and "
	    "exits 1", erase_opts },
	{ "keygen", NULL, "", "make the register's first ticket-signing key "
	    "(refused when there is one)", no_opts },
	{ "key", "rotate", "", "make a new current ticket-signing key; the "
	    "older public keys are kept", no_opts },
	{ "key", "show", "[ID]", "the current key (or key ID) as PEM with its "
	    "fingerprint", no_opts },
	{ "key", "list", "", "every public key with its fingerprint, the "
	    "current one marked", no_opts },
	{ "ticket", "verify", "CODE | -", "check a ticket code (- reads it from "
	    "standard input): valid with its number, time and types (exit 0), "
	    "or invalid (exit 1)", no_opts },
	{ "request", "list", "[--open | --overdue]", "one line per request: "
	    "number, state, deadline, channel (form, letter, email, phone, "
	    "in_person; and \"overdue\" for an open one past its deadline), "
	    "the nearest deadline first; no personal data", request_list_opts },
	{ "audit", "verify", "", "check the audit log's hash chain; name the "
	    "first row that was edited, inserted or deleted", no_opts },
	{ "mail", "run", "", "try every message due in the outbox (a mail "
	    "that failed), retried after 5 min, 15 min, 1 h, 4 h, then every "
	    "12 h, failed for good after [mail] give_up_days; exit 1 when one "
	    "failed; for a timer every few minutes", no_opts },
	{ "digest", NULL, "[--print] [--lang fi|en]", "mail [controller] "
	    "contact_email a summary: requests per state, the open ones by "
	    "deadline, idle requests, near or past deadlines, failed mail (no "
	    "personal data); through the outbox; exit 1 when it could not be "
	    "sent now", digest_opts },
	{ "retention", NULL, "[--apply] [--now YYYY-MM-DDTHH:MM:SSZ]", "by "
	    "class, what is past its retention period (lib/retention_class.c, "
	    "[retention] in the config) and would be deleted, emptied or "
	    "erased, and what is kept; with --apply do it, resumable after a "
	    "kill, idempotent, audited", retention_opts },
	{ "backup", NULL, "FILE [--key KEYFILE]", "an online, consistent copy of "
	    "the database to the new FILE (mode 0600) while the site runs; "
	    "encrypted with --key", backup_opts },
	{ "restore", NULL, "FILE [--key KEYFILE]", "check the backup whole "
	    "(decrypted, integrity_check) and restore it into the stopped "
	    "site's database, then re-apply the erasures the erasure ledger "
	    "records since the backup; a damaged, truncated or wrong-key file, "
	    "or a database in use, is refused and nothing changes",
	    restore_opts },
	{ "help", NULL, "[COMMAND [SUBCOMMAND]]", "the commands, or a command's "
	    "usage and options", no_opts },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Non-zero when row i is sub of cmd (any of cmd's rows for sub NULL). */
static int
row_is(size_t i, const char *cmd, const char *sub)
{
	if (strcmp(rows[i].cmd, cmd) != 0)
		return 0;
	return sub == NULL || rows[i].sub == NULL ||
	    strcmp(rows[i].sub, sub) == 0;
}

static void
synopsis(FILE *f, size_t i, const char *lead)
{
	fprintf(f, "%srekisteri [-c CONFIG] %s%s%s%s%s\n", lead, rows[i].cmd,
	    rows[i].sub ? " " : "", rows[i].sub ? rows[i].sub : "",
	    *rows[i].args ? " " : "", rows[i].args);
}

int
usage_known(const char *cmd, const char *sub)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].cmd, cmd) == 0 && (sub == NULL ||
		    (rows[i].sub != NULL && strcmp(rows[i].sub, sub) == 0)))
			return 1;
	return 0;
}

void
usage_synopsis(FILE *f, const char *cmd, const char *sub)
{
	const char *lead = "usage: ";

	if (sub != NULL && !usage_known(cmd, sub))
		sub = NULL;
	for (size_t i = 0; i < NROWS; i++)
		if (row_is(i, cmd, sub)) {
			synopsis(f, i, lead);
			lead = "       ";
		}
}

void
usage_subcommands(FILE *f, const char *lead, const char *cmd)
{
	const char *sep = lead;

	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].cmd, cmd) == 0 && rows[i].sub != NULL) {
			fprintf(f, "%s%s", sep, rows[i].sub);
			sep = " | ";
		}
	if (sep != lead)
		fputc('\n', f);
}

void
usage_help(FILE *f, const char *cmd, const char *summary, const char *sub)
{
	if (sub != NULL && !usage_known(cmd, sub))
		sub = NULL;
	usage_synopsis(f, cmd, sub);
	if (sub == NULL && summary != NULL)
		fprintf(f, "\n%s\n", summary);
	for (size_t i = 0; i < NROWS; i++) {
		if (!row_is(i, cmd, sub))
			continue;
		fprintf(f, "\n%s%s%s%s%s\n    %s\n", rows[i].cmd,
		    rows[i].sub ? " " : "", rows[i].sub ? rows[i].sub : "",
		    *rows[i].args ? " " : "", rows[i].args, rows[i].text);
		for (const struct opt *o = rows[i].opts; o && o->flag; o++)
			fprintf(f, "    %-20s  %s\n", o->flag, o->text);
	}
	fprintf(f, "\nExit status: 0 ok, 1 failure, 2 usage. See rekisteri(1).\n");
}

/* Non-zero when arg is an option of cmd that takes a value. */
static int
takes_value(const char *cmd, const char *arg)
{
	size_t n = strlen(arg);

	for (size_t i = 0; i < NROWS; i++) {
		if (strcmp(rows[i].cmd, cmd) != 0)
			continue;
		for (const struct opt *o = rows[i].opts; o && o->flag; o++)
			if (strncmp(o->flag, arg, n) == 0 && o->flag[n] == ' ')
				return 1;
	}
	return 0;
}

int
usage_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (argv[i][0] == '-' && takes_value(argv[0], argv[i]))
			i++;
	}
	return 0;
}
