/*
 * rekisteri — the command line: set-up and batch work on the register.
 *
 *   rekisteri [-c CONFIG] COMMAND [ARGS...]
 *
 * Exit status: 0 ok, 1 failure, 2 usage (rekisteri(1)).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "conf.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "tmpl.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2
};

struct cli {
	const char	*conf_path;
	struct conf	 conf;
};

struct command {
	const char	*name;
	const char	*args;
	const char	*help;
	int		(*fn)(struct cli *, int, char **);
};

static int cmd_init(struct cli *, int, char **);
static int cmd_check(struct cli *, int, char **);
static int cmd_help(struct cli *, int, char **);

static const struct command commands[] = {
	{ "init", "", "create the database or bring it up to date "
	    "(runs the migrations in sql/)", cmd_init },
	{ "check", "", "load the config, messages and every template; "
	    "report the first problem with file and line", cmd_check },
	{ "help", "", "show this help", cmd_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: rekisteri [-c CONFIG] COMMAND [ARGS...]\n\n"
	    "The config file is CONFIG, else $REKISTERI_CONF, else "
	    "/etc/rekisteri.conf.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nExit status: 0 ok, 1 failure, 2 usage. "
	    "See rekisteri(1).\n");
}

static int
load_conf(struct cli *c)
{
	char err[512];

	if (conf_load(&c->conf, c->conf_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return -1;
	}
	return 0;
}

/* Create the folder that will hold path, like mkdir -p on its dirname. */
static int
make_parent(const char *path)
{
	char dir[4096], *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
cmd_init(struct cli *c, int argc, char **argv)
{
	char err[1024];
	sqlite3 *db;
	int n;

	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	if (make_parent(c->conf.db_path) != 0) {
		fprintf(stderr, "rekisteri: cannot create the folder for %s: %s\n",
		    c->conf.db_path, strerror(errno));
		return EXIT_FAIL;
	}
	if ((db = db_open(c->conf.db_path, DB_CREATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	n = db_migrate(db, c->conf.sql, stdout, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "rekisteri: migration failed, the database is "
		    "as it was before it: %s\n", err);
		db_close(db);
		return EXIT_FAIL;
	}
	printf("%s: schema version %d (%d migration%s applied)\n",
	    c->conf.db_path, db_version(db), n, n == 1 ? "" : "s");
	db_close(db);
	return EXIT_OK;
}

static int
cmd_check(struct cli *c, int argc, char **argv)
{
	char err[1024];
	struct i18n *msgs;
	struct tmpl_set *t;

	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	if (load_conf(c) != 0)
		return EXIT_FAIL;
	if ((msgs = i18n_load(c->conf.i18n, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		return EXIT_FAIL;
	}
	if ((t = tmpl_load(c->conf.templates, msgs, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		i18n_free(msgs);
		return EXIT_FAIL;
	}
	printf("%s: configuration, messages and templates are valid\n",
	    c->conf.file);
	tmpl_free(t);
	i18n_free(msgs);
	return EXIT_OK;
}

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	log_init("rekisteri");
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	while ((ch = getopt(argc, argv, "+c:h")) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "rekisteri: libsodium failed to initialise\n");
		return EXIT_FAIL;
	}
	xmlInitParser();
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		rc = commands[i].fn(&c, argc, argv);
		if (rc == EXIT_USAGE)
			fprintf(stderr, "usage: rekisteri %s %s\n",
			    commands[i].name, commands[i].args);
		conf_free(&c.conf);
		return rc;
	}
	fprintf(stderr, "rekisteri: unknown command %s\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}
