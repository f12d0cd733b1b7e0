/* ticket.c — rekisteri keygen, key rotate|show|list and ticket verify: the register's ticket-signing keys and checking a ticket code offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "ticket.h"

/* Load the config's keys (public only: nothing here signs); NULL said on stderr. */
static struct ticket_keys *
load_keys(struct cli *c)
{
	struct ticket_keys *k;
	char err[1024];

	if (load_conf(c) != 0)
		return NULL;
	if ((k = ticket_keys_load(c->conf.key_dir, 0, err, sizeof(err))) == NULL)
		fprintf(stderr, "rekisteri: %s\n", err);
	return k;
}

/* Print the id and fingerprint of the key just made in dir. */
static void
say_new_key(const char *dir, const char *id)
{
	char err[1024], fp[TICKET_FINGERPRINT_LEN];
	struct ticket_keys *k;

	if ((k = ticket_keys_load(dir, 0, err, sizeof(err))) == NULL)
		fprintf(stderr, "rekisteri: warning: %s\n", err);
	if (ticket_keys_fingerprint(k, id, fp, sizeof(fp)) != 0)
		snprintf(fp, sizeof(fp), "(unreadable)");
	printf("key id:      %s\nfingerprint: %s\nsecret key:  %s/secret.key "
	    "(mode 0600; keep it out of the web root)\npublic key:  "
	    "%s/public/%s.pem (served at /request/key)\n", id, fp, dir, dir, id);
	ticket_keys_free(k);
}

/* Make the key id in c's key folder (rotate: replacing the current one) and audit it. */
static int
make_key(struct cli *c, int rotate)
{
	struct ticket_keys *old = NULL;
	char err[1024], id[17], summary[128];
	sqlite3 *db;

	/* the database first: a key made without its audit row is not made */
	if ((db = open_db(c)) == NULL)
		return EXIT_FAIL;
	if (rotate && (old = ticket_keys_load(c->conf.key_dir, 0, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "rekisteri: %s\n", err);
		db_close(db);
		return EXIT_FAIL;
	}
	if (ticket_keygen(c->conf.key_dir, rotate, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekisteri: %s\n", err);
		ticket_keys_free(old);
		db_close(db);
		return EXIT_FAIL;
	}
	if (rotate)
		snprintf(summary, sizeof(summary), "new current ticket key; "
		    "replaces %s", *ticket_keys_current(old) != '\0' ?
		    ticket_keys_current(old) : "(none recorded)");
	else
		snprintf(summary, sizeof(summary), "first ticket key");
	audit_cli(db, rotate ? "key.rotate" : "key.keygen", "key", id, summary);
	db_close(db);
	printf("%s\n", rotate ? "made a new current ticket key" :
	    "made the register's ticket key");
	say_new_key(c->conf.key_dir, id);
	if (rotate)
		printf("The older public keys stay in %s/public, so tickets "
		    "they signed still verify.\n", c->conf.key_dir);
	ticket_keys_free(old);
	return EXIT_OK;
}

int
cmd_keygen(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return EXIT_USAGE;
	return make_key(c, 0);
}

/* The current key, or key id, as PEM with its id and fingerprint. */
static int
key_show(struct cli *c, const char *id)
{
	struct buf pem = BUF_INIT;
	struct ticket_keys *k;
	char fp[TICKET_FINGERPRINT_LEN];
	int rc = EXIT_FAIL;

	if ((k = load_keys(c)) == NULL)
		return EXIT_FAIL;
	if (id == NULL && *ticket_keys_current(k) == '\0') {
		fprintf(stderr, "rekisteri: %s/current names no current key; "
		    "rekisteri key rotate makes one\n", c->conf.key_dir);
		goto out;
	}
	if (ticket_keys_fingerprint(k, id, fp, sizeof(fp)) != 0 ||
	    ticket_keys_pem(k, id, &pem) != 0) {
		fprintf(stderr, "rekisteri: no key %s in %s (rekisteri key list "
		    "shows them)\n", id, c->conf.key_dir);
		goto out;
	}
	printf("key id:      %s%s\nfingerprint: %s\n%s", id != NULL ? id :
	    ticket_keys_current(k), id == NULL || strcmp(id,
	    ticket_keys_current(k)) == 0 ? " (current)" : "", fp, pem.data);
	rc = EXIT_OK;
out:
	buf_free(&pem);
	ticket_keys_free(k);
	return rc;
}

static int
key_list(struct cli *c)
{
	struct ticket_keys *k;
	char fp[TICKET_FINGERPRINT_LEN];
	const char *id;

	if ((k = load_keys(c)) == NULL)
		return EXIT_FAIL;
	for (size_t i = 0; (id = ticket_keys_id(k, i)) != NULL; i++) {
		if (ticket_keys_fingerprint(k, id, fp, sizeof(fp)) != 0)
			fp[0] = '\0';
		printf("%s %s  %s\n", strcmp(id, ticket_keys_current(k)) == 0 ?
		    "*" : " ", id, fp);
	}
	printf("(%zu key%s, oldest first; * the current one)\n",
	    ticket_keys_count(k), ticket_keys_count(k) == 1 ? "" : "s");
	ticket_keys_free(k);
	return EXIT_OK;
}

int
cmd_key(struct cli *c, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return key_show(c, argv[2]);
	if (argc != 2)
		return EXIT_USAGE;
	if (strcmp(argv[1], "rotate") == 0)
		return make_key(c, 1);
	if (strcmp(argv[1], "show") == 0)
		return key_show(c, NULL);
	if (strcmp(argv[1], "list") == 0)
		return key_list(c);
	return EXIT_USAGE;
}

/* What an invalid code's message key means, for people. */
static const char *
invalid_reason(const char *why)
{
	if (why != NULL && strcmp(why, "ticket.invalid.key") == 0)
		return "signed by a key this register does not know";
	if (why != NULL && strcmp(why, "ticket.invalid.signature") == 0)
		return "the signature does not match: the ticket has been "
		    "changed";
	return "not a ticket code of this register, or damaged";
}

/*
 * rekisteri ticket verify CODE|-: valid (exit 0) with the number, time of
 * receipt, types and deadline — never the requester's details — or invalid
 * with the reason (exit 1).
 */
static int
ticket_verify_cmd(struct cli *c, const char *arg)
{
	struct ticket_keys *k;
	struct ticket t;
	const char *why = NULL;
	char *input = NULL, local[64], due[16];
	size_t len;
	int rc = EXIT_FAIL, v;

	if (strcmp(arg, "-") == 0 &&
	    (input = slurp("-", (size_t)4 << 20, &len)) == NULL) {
		fprintf(stderr, "rekisteri: cannot read the code from standard "
		    "input\n");
		return EXIT_FAIL;
	}
	if (input != NULL && strlen(input) != len) {
		printf("invalid: %s\n", invalid_reason(NULL));
		free(input);
		return EXIT_FAIL;
	}
	if ((k = load_keys(c)) == NULL) {
		free(input);
		return EXIT_FAIL;
	}
	v = ticket_verify(k, input != NULL ? input : arg, &t, &why);
	if (v < 0)
		fprintf(stderr, "rekisteri: cannot check the code\n");
	else if (v > 0)
		printf("invalid: %s (%s)\n", invalid_reason(why), why);
	else {
		const char *sep = " ";

		fmt_init();
		if (fmt_datetime(local, sizeof(local), LANG_EN, t.received) != 0)
			local[0] = '\0';
		if (fmt_deadline(t.received, due, sizeof(due)) != 0)
			snprintf(due, sizeof(due), "?");
		printf("valid: %s\nreceived: %s (%s Helsinki time)\ntypes:",
		    t.number, t.received, local);
		for (int i = 0; i < RT__MAX; i++)
			if (t.types & (1u << i)) {
				printf("%s%s", sep, rtype_names[i]);
				sep = ", ";
			}
		printf("\ndeadline: %s\nsigned by key: %s\n", due, t.key_id);
		rc = EXIT_OK;
	}
	ticket_free(&t);
	ticket_keys_free(k);
	free(input);
	return rc;
}

int
cmd_ticket(struct cli *c, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "verify") != 0)
		return EXIT_USAGE;
	return ticket_verify_cmd(c, argv[2]);
}
