/*
 * test_tickets.c — the ticket keys and codes from outside: rekisteri keygen,
 * key rotate|show|list and ticket verify as a user runs them, and a ticket
 * checked with the openssl command line alone, by the steps
 * docs/ticket-format.md gives.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "http.h"
#include "ticket.h"

static const char *cli, *state;
static char cwd[1024];

/*
 * A config like the harness's with its own key folder, so these tests make
 * and rotate keys without touching the keys the other tests use.
 */
static char conf[1100], keydir[1100];

static void
own_config(void)
{
	char src[1100], line[2048];
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s/rekisteri.conf", state);
	snprintf(conf, sizeof(conf), "%s/tickets.conf", state);
	snprintf(keydir, sizeof(keydir), "%s/tickets-keys", state);
	in = fopen(src, "r");
	out = fopen(conf, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncmp(line, "dir = ", 6) == 0)
			fprintf(out, "dir = %s\n", keydir);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
}

/* The value after "key id:" in CLI output (16 hex) into id. */
static void
key_id_from(const char *out, char id[17])
{
	const char *p = strstr(out, "key id:");

	assert_non_null(p);
	p += strlen("key id:");
	while (*p == ' ')
		p++;
	memcpy(id, p, 16);
	id[16] = '\0';
	for (int i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
}

/* A ticket with every field, for signing here. */
static void
sample(struct ticket *t, const char *number)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->number, sizeof(t->number), "%s", number);
	snprintf(t->received, sizeof(t->received), "2026-01-31T22:30:00Z");
	t->types = 1u << RT_ACCESS | 1u << RT_ERASURE |
	    1u << RT_BAN_DISTANCE_SELLING;
	t->name = "Salli Salainen";
	t->organisation = "Salaisuus Oy";
	t->email = "salli@example.fi";
	t->phone = "+358 50 765 4321";
	t->address = "Piilotie 7, 00990 Helsinki";
	t->customer_number = "77001";
	ticket_text_hash("Poistakaa tietoni.", t->text_sha256);
}

/* Sign t with the secret key in dir; the code into code. */
static void
sign_in(const char *dir, struct ticket *t, struct buf *code)
{
	struct ticket_keys *k;
	char err[512];

	k = ticket_keys_load(dir, 1, err, sizeof(err));
	if (k == NULL)
		fail_msg("%s", err);
	buf_reset(code);
	assert_int_equal(ticket_sign(k, t, code), 0);
	ticket_keys_free(k);
}

static void
keygen_rotate_show_list(void **st)
{
	struct buf o = BUF_INIT;
	char id[17], id2[17], path[1200], sql[300], *pem;
	struct stat sb;

	(void)st;
	own_config();
	assert_int_equal(http_run(&o, "%s -c '%s' key show", cli, conf), 1);
	assert_non_null(strstr(o.data, "rekisteri keygen"));
	assert_int_equal(http_run(&o, "%s -c '%s' key rotate", cli, conf), 1);
	assert_non_null(strstr(o.data, "rekisteri keygen"));

	assert_int_equal(http_run(&o, "%s -c '%s' keygen", cli, conf), 0);
	key_id_from(o.data, id);
	assert_non_null(strstr(o.data, "fingerprint:"));
	assert_int_equal(stat(keydir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/secret.key", keydir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(http_db_int("SELECT count(*) FROM audit_log WHERE "
	    "action = 'key.keygen' AND object_type = 'key' AND object_id = ?1 "
	    "AND client = 'cli'", id), 1);

	/* a second first key is refused and changes nothing */
	assert_int_equal(http_run(&o, "%s -c '%s' keygen", cli, conf), 1);
	assert_non_null(strstr(o.data, "key rotate"));
	assert_int_equal(http_run(&o, "%s -c '%s' key show", cli, conf), 0);
	assert_non_null(strstr(o.data, id));
	snprintf(path, sizeof(path), "%s/public/%s.pem", keydir, id);
	assert_non_null(pem = http_read_file(path, NULL));
	assert_non_null(strstr(o.data, pem));
	assert_non_null(strstr(o.data, "-----BEGIN PUBLIC KEY-----\n"));

	assert_int_equal(http_run(&o, "%s -c '%s' key rotate", cli, conf), 0);
	key_id_from(o.data, id2);
	assert_string_not_equal(id, id2);
	/* the rotation names the key it replaced */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE "
	    "action = 'key.rotate' AND object_id = ?1 AND "
	    "instr(summary, '%s') > 0", id);
	assert_int_equal(http_db_int(sql, id2), 1);
	assert_int_equal(http_run(&o, "%s -c '%s' audit verify", cli, conf), 0);

	assert_int_equal(http_run(&o, "%s -c '%s' key show", cli, conf), 0);
	assert_non_null(strstr(o.data, id2));
	assert_null(strstr(o.data, pem));	/* the old key is not current */
	assert_int_equal(http_run(&o, "%s -c '%s' key show %s", cli, conf, id), 0);
	assert_non_null(strstr(o.data, pem));
	assert_null(strstr(o.data, "(current)"));
	assert_int_equal(http_run(&o, "%s -c '%s' key show ffffffffffffffff", cli,
	    conf), 1);

	assert_int_equal(http_run(&o, "%s -c '%s' key list", cli, conf), 0);
	{
		char want[64];
		const char *a, *b;

		snprintf(want, sizeof(want), "  %s  ", id);
		assert_non_null(a = strstr(o.data, want));
		snprintf(want, sizeof(want), "* %s  ", id2);
		assert_non_null(b = strstr(o.data, want));
		assert_true(a < b);	/* oldest first */
		assert_non_null(strstr(o.data, "(2 keys"));
	}
	/* the fingerprint in the list is the one key show gives */
	assert_int_equal(http_run(&o, "%s -c '%s' key show | sed -n "
	    "'s/^fingerprint: //p' >'%s/fp.txt' && %s -c '%s' key list | "
	    "grep -F -- \"$(cat '%s/fp.txt')\" | grep -q '^\\* '", cli, conf,
	    state, cli, conf, state), 0);

	assert_int_equal(http_run(&o, "%s -c '%s' key", cli, conf), 2);
	assert_int_equal(http_run(&o, "%s -c '%s' key burn", cli, conf), 2);
	assert_int_equal(http_run(&o, "%s -c '%s' keygen now", cli, conf), 2);
	assert_int_equal(http_run(&o, "%s --help", cli), 0);
	assert_non_null(strstr(o.data, "keygen"));
	assert_non_null(strstr(o.data, "ticket"));

	/* a secret others may read is refused when signing */
	snprintf(path, sizeof(path), "%s/secret.key", keydir);
	assert_int_equal(chmod(path, 0644), 0);
	{
		char err[512];

		assert_null(ticket_keys_load(keydir, 1, err, sizeof(err)));
		assert_non_null(strstr(err, "chmod 600"));
	}
	assert_int_equal(chmod(path, 0600), 0);
	free(pem);
	buf_free(&o);
}

static void
verify_on_the_command_line(void **st)
{
	struct buf o = BUF_INIT, code = BUF_INIT;
	struct ticket t;
	char path[1200];

	(void)st;
	own_config();
	if (access(keydir, F_OK) != 0)
		assert_int_equal(http_run(&o, "%s -c '%s' keygen", cli, conf), 0);
	sample(&t, "TS-2026-000007");
	sign_in(keydir, &t, &code);

	assert_int_equal(http_run(&o, "%s -c '%s' ticket verify '%s'", cli, conf,
	    code.data), 0);
	assert_non_null(strstr(o.data, "valid: TS-2026-000007\n"));
	assert_non_null(strstr(o.data, "received: 2026-01-31T22:30:00Z"));
	assert_non_null(strstr(o.data, "1 February 2026 at 00:30"));
	assert_non_null(strstr(o.data, "types: access, erasure, "
	    "ban_distance_selling\n"));
	/* 1 March 2026 is a Sunday: the next working day (1182/71 Art. 3(4)) */
	assert_non_null(strstr(o.data, "deadline: 2026-03-02\n"));
	/* no personal data, not even the customer number */
	assert_null(strstr(o.data, "Salli"));
	assert_null(strstr(o.data, "Salaisuus"));
	assert_null(strstr(o.data, "salli@"));
	/* (the phone's digits whole: three alone were found in a random key's hex) */
	assert_null(strstr(o.data, "765 4321"));
	assert_null(strstr(o.data, "7654321"));
	assert_null(strstr(o.data, "Piilotie"));
	assert_null(strstr(o.data, "77001"));

	/* from standard input, as a scanner types it: line ends around it */
	snprintf(path, sizeof(path), "%s/code.txt", state);
	{
		struct buf typed = BUF_INIT;

		buf_addf(&typed, "\r\n%s\r\n", code.data);
		http_write_file(path, typed.data, typed.len);
		buf_free(&typed);
	}
	assert_int_equal(http_run(&o, "%s -c '%s' ticket verify - <'%s'", cli, conf,
	    path), 0);
	assert_non_null(strstr(o.data, "valid: TS-2026-000007\n"));

	/* one character changed, in the text or in the signature */
	{
		char *c = xstrdup(code.data);
		size_t mid = strlen(c) / 3, last = strlen(c) - 3;

		c[mid] = c[mid] == 'A' ? 'B' : 'A';
		assert_int_equal(http_run(&o, "%s -c '%s' ticket verify '%s'", cli,
		    conf, c), 1);
		assert_true(strncmp(o.data, "invalid: ", 9) == 0);
		assert_null(strstr(o.data, "TS-2026"));
		c[mid] = code.data[mid];
		c[last] = c[last] == 'A' ? 'B' : 'A';
		assert_int_equal(http_run(&o, "%s -c '%s' ticket verify '%s'", cli,
		    conf, c), 1);
		assert_non_null(strstr(o.data, "ticket.invalid.signature"));
		free(c);
	}
	assert_int_equal(http_run(&o, "%s -c '%s' ticket verify 'not a code'", cli,
	    conf), 1);
	assert_non_null(strstr(o.data, "ticket.invalid.format"));
	assert_int_equal(http_run(&o, "head -c 100000 /dev/zero | tr '\\0' A | "
	    "%s -c '%s' ticket verify -", cli, conf), 1);
	assert_non_null(strstr(o.data, "ticket.invalid.format"));
	assert_int_equal(http_run(&o, "%s -c '%s' ticket verify", cli, conf), 2);
	assert_int_equal(http_run(&o, "%s -c '%s' ticket check x", cli, conf), 2);

	/* signed by the register's other key folder: unknown here */
	{
		char other[1200];
		struct buf code2 = BUF_INIT;

		struct ticket_keys *k;

		snprintf(other, sizeof(other), "%s/keys", state);
		if ((k = ticket_keys_load(other, 1, NULL, 0)) == NULL)
			assert_int_equal(http_run(&o, "%s keygen", cli), 0);
		ticket_keys_free(k);
		sample(&t, "TS-2026-000008");
		sign_in(other, &t, &code2);
		assert_int_equal(http_run(&o, "%s -c '%s' ticket verify '%s'", cli,
		    conf, code2.data), 1);
		assert_non_null(strstr(o.data, "ticket.invalid.key"));
		buf_free(&code2);
	}

	/* after a rotation the old ticket still verifies */
	assert_int_equal(http_run(&o, "%s -c '%s' key rotate", cli, conf), 0);
	assert_int_equal(http_run(&o, "%s -c '%s' ticket verify '%s'", cli, conf,
	    code.data), 0);
	assert_non_null(strstr(o.data, "valid: TS-2026-000007\n"));
	buf_free(&code);
	buf_free(&o);
}

/*
 * The fenced sh block after the marker line in docs/ticket-format.md,
 * unindented: what the document tells a person to run.
 */
static char *
doc_steps(void)
{
	struct buf b = BUF_INIT;
	char path[1200], *doc, *p, *line;
	size_t indent;

	snprintf(path, sizeof(path), "%s/docs/ticket-format.md", cwd);
	assert_non_null(doc = http_read_file(path, NULL));
	p = strstr(doc, "<!-- tests/http/test_tickets.c runs the next block");
	assert_non_null(p);
	p = strstr(p, "```sh\n");
	assert_non_null(p);
	/* the fence's indent is the block's */
	for (indent = 0; p - indent > doc && p[-(long)indent - 1] == ' ';
	    indent++)
		continue;
	p += strlen("```sh\n");
	for (line = p; ; ) {
		char *nl = strchr(line, '\n');

		assert_non_null(nl);
		for (size_t i = 0; i < indent && line < nl && *line == ' '; i++)
			line++;
		if (strncmp(line, "```", 3) == 0)
			break;
		buf_add(&b, line, (size_t)(nl + 1 - line));
		line = nl + 1;
	}
	assert_true(b.len > 0);
	free(doc);
	buf_cstr(&b);
	return buf_take(&b);
}

/* The code as copied from paper, broken over two lines, to work/code.txt. */
static void
write_typed_code(const char *work, const struct buf *code)
{
	struct buf typed = BUF_INIT;
	char path[1300];

	buf_add(&typed, code->data, code->len / 2);
	buf_adds(&typed, "\n  ");
	buf_adds(&typed, code->data + code->len / 2);
	buf_addc(&typed, '\n');
	snprintf(path, sizeof(path), "%s/code.txt", work);
	http_write_file(path, typed.data, typed.len);
	buf_free(&typed);
}

/*
 * A tampered message fails under openssl, and so does a tampered code
 * through the document's steps (in work: ticket.sig, key.pem, verify.sh).
 */
static void
assert_tampered_fails(const char *work, char *signed_text, size_t len,
    const struct buf *code)
{
	struct buf o = BUF_INIT;
	char path[1300], *c;

	signed_text[strstr(signed_text, "types: ") - signed_text + 7] = 'b';
	snprintf(path, sizeof(path), "%s/tampered.txt", work);
	http_write_file(path, signed_text, len);
	assert_int_equal(http_run(&o, "cd '%s' && openssl pkeyutl -verify -pubin "
	    "-inkey key.pem -rawin -in tampered.txt -sigfile ticket.sig", work),
	    1);
	assert_non_null(strstr(o.data, "Signature Verification Failure"));
	c = xstrdup(code->data);
	c[40] = c[40] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "%s/code.txt", work);
	http_write_file(path, c, strlen(c));
	assert_int_equal(http_run(&o, "cd '%s' && sh ./verify.sh", work), 1);
	assert_null(strstr(o.data, "Verified Successfully"));
	free(c);
	buf_free(&o);
}

/* Another key does not verify work/ticket.txt's signature either. */
static void
assert_other_key_fails(const char *work)
{
	unsigned char pk[32], sk[64], der[44];
	char b64[80], path[1300];
	struct buf other = BUF_INIT, o = BUF_INIT;

	crypto_sign_keypair(pk, sk);
	memcpy(der, "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00",
	    12);
	memcpy(der + 12, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der),
	    sodium_base64_VARIANT_ORIGINAL);
	buf_addf(&other, "-----BEGIN PUBLIC KEY-----\n%s\n"
	    "-----END PUBLIC KEY-----\n", b64);
	snprintf(path, sizeof(path), "%s/other.pem", work);
	http_write_file(path, other.data, other.len);
	assert_int_equal(http_run(&o, "cd '%s' && openssl pkeyutl -verify "
	    "-pubin -inkey other.pem -rawin -in ticket.txt "
	    "-sigfile ticket.sig", work), 1);
	buf_free(&other);
	buf_free(&o);
}

static void
openssl_verifies_a_ticket(void **st)
{
	struct buf o = BUF_INIT, code = BUF_INIT, canon = BUF_INIT,
	    pem = BUF_INIT;
	struct ticket_keys *k;
	struct ticket t;
	char dir[1200], work[1200], path[1300], fp[TICKET_FINGERPRINT_LEN];
	char err[512], *steps, *signed_text, hex[65];
	size_t len, o2 = 0;

	(void)st;
	/* the register's own key folder (the config the harness wrote) */
	snprintf(dir, sizeof(dir), "%s/keys", state);
	if ((k = ticket_keys_load(dir, 1, err, sizeof(err))) == NULL) {
		assert_int_equal(http_run(&o, "%s keygen", cli), 0);
		k = ticket_keys_load(dir, 1, err, sizeof(err));
	}
	if (k == NULL)
		fail_msg("%s", err);
	sample(&t, "TS-2026-000009");
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	assert_int_equal(ticket_canonical(&t, &canon), 0);
	assert_int_equal(ticket_keys_pem(k, NULL, &pem), 0);
	assert_int_equal(ticket_keys_fingerprint(k, NULL, fp, sizeof(fp)), 0);

	snprintf(work, sizeof(work), "%s/openssl-check", state);
	assert_true(mkdir(work, 0700) == 0 || access(work, W_OK) == 0);
	/* the key as /request/key serves it: the current public key file */
	snprintf(path, sizeof(path), "%s/key.pem", work);
	http_write_file(path, pem.data, pem.len);
	write_typed_code(work, &code);
	steps = doc_steps();
	snprintf(path, sizeof(path), "%s/verify.sh", work);
	http_write_file(path, steps, strlen(steps));

	assert_int_equal(http_run(&o, "cd '%s' && sh ./verify.sh", work), 0);
	assert_non_null(strstr(o.data, "Signature Verified Successfully"));
	/* the text openssl checked is exactly the canonical form */
	snprintf(path, sizeof(path), "%s/ticket.txt", work);
	assert_non_null(signed_text = http_read_file(path, &len));
	assert_int_equal(len, canon.len);
	assert_memory_equal(signed_text, canon.data, len);
	assert_non_null(strstr(o.data, canon.data));
	snprintf(path, sizeof(path), "%s/ticket.sig", work);
	{
		char *sig = http_read_file(path, &len);

		assert_non_null(sig);
		free(sig);
	}
	assert_int_equal(len, 64);

	assert_tampered_fails(work, signed_text, canon.len, &code);
	assert_other_key_fails(work);

	/* the fingerprint is what openssl and sha256sum say */
	assert_int_equal(http_run(&o, "openssl pkey -pubin -in '%s/key.pem' "
	    "-outform DER | sha256sum", work), 0);
	for (size_t i = 0; fp[i] != '\0'; i++)
		if (fp[i] != ' ')
			hex[o2++] = fp[i];
	hex[o2] = '\0';
	assert_int_equal(o2, 64);
	assert_memory_equal(o.data, hex, 64);
	assert_memory_equal(hex, ticket_keys_current(k), 16);	/* the key id */
	/* the public key file in the folder is the same PEM */
	snprintf(path, sizeof(path), "%s/public/%s.pem", dir,
	    ticket_keys_current(k));
	free(signed_text);
	assert_non_null(signed_text = http_read_file(path, &len));
	assert_int_equal(len, pem.len);
	assert_memory_equal(signed_text, pem.data, len);

	/* where the public executable serves the key, it is this one */
	{
		struct http_resp r;

		http_fetch(&r, "GET", "/request/key", NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body.data, pem.data);
		http_resp_free(&r);
	}
	free(signed_text);
	free(steps);
	ticket_keys_free(k);
	buf_free(&o);
	buf_free(&code);
	buf_free(&canon);
	buf_free(&pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keygen_rotate_show_list),
		cmocka_unit_test(verify_on_the_command_line),
		cmocka_unit_test(openssl_verifies_a_ticket),
	};

	cli = getenv("REKISTERI_CLI");
	state = getenv("REKISTERI_STATE");
	if (cli == NULL || state == NULL || getenv("REKISTERI_CONF") == NULL ||
	    getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "test_tickets: run me through "
		    "tests/http/harness.sh\n");
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("tickets", tests, NULL, NULL);
}
