/* cli.h — what the command files of rekisteri(1) share: the exit codes, the loaded config, opening the database, the audit log and the commands themselves. */
#ifndef REKISTERI_CLI_H
#define REKISTERI_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "auth.h"
#include "conf.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2
};

struct cli {
	const char	*conf_path;
	struct conf	 conf;
};

/* Load the config named by -c, $REKISTERI_CONF or the default; 0 or -1 (said on stderr). */
int	 load_conf(struct cli *);

/* Load the config and open the database read-write; NULL (said on stderr). */
sqlite3	*open_db(struct cli *);

/* A whole file ("-" for standard input) of at most max bytes, NUL-terminated; NULL with errno (EFBIG: larger). */
char	*slurp(const char *path, size_t max, size_t *len);

/* Log a command-line action; the CLI is the machine's own operator. */
extern const struct auth_actor cli_actor;
void	 audit_cli(sqlite3 *, const char *action, const char *type,
	    const char *id, const char *summary);

struct authority;
/*
 * tools/notice.c: warn on standard error where the newest published notice
 * or the draft gives the supervisory authority a former address; a note on
 * standard output when there is no database to look in. Never fails.
 */
void	 check_stored_notice(const struct cli *, const struct authority *);

/* tools/demo.c: n invented, clearly marked customers with orders. 0 or -1. */
int	 demo_customers(sqlite3 *, long n);

/*
 * tools/progress.c: the progress bar, on a terminal only (on set): done of
 * n customers, the time since start and phase (NULL: at most ten redraws a
 * second; a phase always redraws).
 */
struct progress {
	int		 on;
	long		 n;
	struct timespec	 start, last;
};
void	 progress_show(struct progress *, long done, const char *phase);

/*
 * tools/usage.c: what the commands take and do, one row per subcommand.
 * usage_known: cmd (and sub, unless NULL) has a row. usage_synopsis: the
 * "usage:" lines of cmd's sub, or of all its rows when sub is NULL or not
 * one of them. usage_subcommands: lead, "a | b | c" and a newline, or
 * nothing for a command without subcommands.
 * usage_help: the synopsis, summary, each row's line and one line per
 * option. usage_wants_help: argv (argv[0] the command) asks for --help or
 * -h, not as the value of an option.
 */
int	 usage_known(const char *cmd, const char *sub);
void	 usage_synopsis(FILE *, const char *cmd, const char *sub);
void	 usage_subcommands(FILE *, const char *lead, const char *cmd);
void	 usage_help(FILE *, const char *cmd, const char *summary,
	    const char *sub);
int	 usage_wants_help(int argc, char **argv);

/* The commands: argv[0] is the command's name. An EXIT_ code. */
int	 cmd_customer(struct cli *, int, char **);	/* tools/customer.c */
int	 customer_erase_cmd(struct cli *, int, char **);	/* tools/erase.c: customer erase */
int	 cmd_notice(struct cli *, int, char **);	/* tools/notice.c */
int	 cmd_keygen(struct cli *, int, char **);	/* tools/ticket.c */
int	 cmd_key(struct cli *, int, char **);		/* tools/ticket.c */
int	 cmd_ticket(struct cli *, int, char **);	/* tools/ticket.c */
int	 cmd_request(struct cli *, int, char **);	/* tools/request.c */
int	 cmd_mail(struct cli *, int, char **);		/* tools/mail.c */
int	 cmd_digest(struct cli *, int, char **);	/* tools/mail.c */
int	 cmd_retention(struct cli *, int, char **);	/* tools/retention.c */
int	 cmd_backup(struct cli *, int, char **);	/* tools/retention.c */
int	 cmd_restore(struct cli *, int, char **);	/* tools/retention.c */

struct i18n;
/*
 * tools/mail.c: the intake health part of rekisteri check at now: one line
 * per finding on standard output (no personal data), a summary line. The
 * number of findings (0 also when there is no database yet: said), -1 when
 * the database cannot be read.
 */
int	 check_intake(struct cli *, const struct i18n *msgs, time_t now);

#endif
