/* test_ticket_keys.c — ticket signing keys: unknown keys, rotation, the key
 * files and their permissions, the PEM form and fingerprints. */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "buf.h"
#include "fmt.h"
#include "ticket.h"
#include "ticket_test.h"

static void
unknown_key(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k, *other;
	struct buf code = BUF_INIT;
	struct ticket t, v;
	const char *why;
	char id[17], oid[17], odir[200];

	k = first_key(f->dir, id);
	snprintf(odir, sizeof(odir), "%s/other", f->tmp);
	assert_int_equal(ticket_keygen(odir, 0, oid, err, sizeof(err)), 0);
	assert_string_not_equal(id, oid);
	other = ticket_keys_load(odir, 0, err, sizeof(err));
	assert_non_null(other);
	sample(&t);
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	assert_int_equal(ticket_verify(other, code.data, &v, &why), 1);
	assert_string_equal(why, "ticket.invalid.key");
	assert_null(v.name);
	assert_int_equal(ticket_verify(k, code.data, &v, &why), 0);
	ticket_free(&v);
	ticket_free(&t);
	buf_free(&code);
	ticket_keys_free(other);
	ticket_keys_free(k);
}

static void
rotation(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k, *k2, *pub;
	struct buf old = BUF_INIT, fresh = BUF_INIT;
	struct ticket t, v;
	const char *why;
	char id[17], id2[17], id3[17];

	/* rotating nothing is refused; so is a second first key */
	assert_int_equal(ticket_keygen(f->dir, 1, id, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rekisteri keygen"));
	assert_string_equal(id, "");
	k = first_key(f->dir, id);
	assert_int_equal(ticket_keygen(f->dir, 0, id2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key rotate"));
	sample(&t);
	assert_int_equal(ticket_sign(k, &t, &old), 0);

	assert_int_equal(ticket_keygen(f->dir, 1, id2, err, sizeof(err)), 0);
	assert_string_not_equal(id, id2);
	k2 = ticket_keys_load(f->dir, 1, err, sizeof(err));
	assert_non_null(k2);
	assert_string_equal(ticket_keys_current(k2), id2);
	assert_int_equal(ticket_keys_count(k2), 2);
	assert_string_equal(ticket_keys_id(k2, 0), id);	/* oldest first */
	assert_string_equal(ticket_keys_id(k2, 1), id2);
	assert_null(ticket_keys_id(k2, 2));
	assert_int_equal(ticket_sign(k2, &t, &fresh), 0);
	assert_string_equal(t.key_id, id2);

	pub = ticket_keys_load(f->dir, 0, err, sizeof(err));
	assert_non_null(pub);
	assert_string_equal(ticket_keys_current(pub), id2);
	assert_int_equal(ticket_verify(pub, old.data, &v, &why), 0);
	assert_string_equal(v.key_id, id);
	ticket_free(&v);
	assert_int_equal(ticket_verify(pub, fresh.data, &v, &why), 0);
	assert_string_equal(v.key_id, id2);
	ticket_free(&v);

	/* a third key; both older ones stay */
	assert_int_equal(ticket_keygen(f->dir, 1, id3, err, sizeof(err)), 0);
	ticket_keys_free(pub);
	pub = ticket_keys_load(f->dir, 0, err, sizeof(err));
	assert_non_null(pub);
	assert_int_equal(ticket_keys_count(pub), 3);
	assert_string_equal(ticket_keys_id(pub, 2), id3);
	assert_string_equal(ticket_keys_current(pub), id3);
	assert_int_equal(ticket_verify(pub, old.data, &v, &why), 0);
	ticket_free(&v);

	/* a public key lost: its tickets are now unknown */
	{
		char path[300];

		snprintf(path, sizeof(path), "%s/public/%s.pem", f->dir, id);
		assert_int_equal(unlink(path), 0);
		ticket_keys_free(pub);
		pub = ticket_keys_load(f->dir, 0, err, sizeof(err));
		assert_non_null(pub);
		assert_int_equal(ticket_verify(pub, old.data, &v, &why), 1);
		assert_string_equal(why, "ticket.invalid.key");
	}
	ticket_free(&t);
	buf_free(&old);
	buf_free(&fresh);
	ticket_keys_free(pub);
	ticket_keys_free(k2);
	ticket_keys_free(k);
}

static void
key_files(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k;
	struct stat st;
	char id[17], path[300];
	FILE *fp;

	k = first_key(f->dir, id);
	ticket_keys_free(k);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/secret.key", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/public/%s.pem", f->dir, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	/* a secret others may read is refused, and says what to do */
	snprintf(path, sizeof(path), "%s/secret.key", f->dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(ticket_keys_load(f->dir, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "secret.key"));
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(ticket_keys_load(f->dir, 1, err, sizeof(err)));
	assert_int_equal(chmod(path, 0602), 0);
	assert_null(ticket_keys_load(f->dir, 1, err, sizeof(err)));
	/* verifying does not touch the secret */
	k = ticket_keys_load(f->dir, 0, err, sizeof(err));
	assert_non_null(k);
	ticket_keys_free(k);
	assert_int_equal(chmod(path, 0600), 0);
	k = ticket_keys_load(f->dir, 1, err, sizeof(err));
	assert_non_null(k);
	ticket_keys_free(k);

	/* a damaged secret is refused */
	{
		char text[512], was;
		size_t n;

		fp = fopen(path, "r+");
		assert_non_null(fp);
		n = fread(text, 1, sizeof(text) - 1, fp);
		text[n] = '\0';
		rewind(fp);
		was = text[n - 2];
		text[n - 2] = was == '0' ? '1' : '0';	/* the seed */
		fwrite(text, 1, n, fp);
		fclose(fp);
		assert_null(ticket_keys_load(f->dir, 1, err, sizeof(err)));
		assert_non_null(strstr(err, "secret.key"));
		text[n - 2] = was;
		fp = fopen(path, "w");
		assert_non_null(fp);
		fwrite(text, 1, n, fp);
		fclose(fp);
		k = ticket_keys_load(f->dir, 1, err, sizeof(err));
		assert_non_null(k);
		ticket_keys_free(k);
	}
	/* a symbolic link is not followed */
	{
		char real[300];

		snprintf(real, sizeof(real), "%s/real.key", f->tmp);
		assert_int_equal(rename(path, real), 0);
		assert_int_equal(symlink(real, path), 0);
		assert_null(ticket_keys_load(f->dir, 1, err, sizeof(err)));
		assert_int_equal(unlink(path), 0);
		assert_int_equal(rename(real, path), 0);
	}
	/* a public key whose name and content disagree */
	{
		char other[300];

		snprintf(other, sizeof(other), "%s/public/0000000000000000.pem",
		    f->dir);
		snprintf(path, sizeof(path), "%s/public/%s.pem", f->dir, id);
		assert_int_equal(link(path, other), 0);
		assert_null(ticket_keys_load(f->dir, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "0000000000000000.pem"));
		assert_int_equal(unlink(other), 0);
	}
	/* no key at all: says to run keygen */
	{
		char empty[200];

		snprintf(empty, sizeof(empty), "%s/empty", f->tmp);
		assert_int_equal(mkdir(empty, 0700), 0);
		assert_null(ticket_keys_load(empty, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "rekisteri keygen"));
		assert_null(ticket_keys_load(empty, 1, err, sizeof(err)));
		assert_non_null(strstr(err, "rekisteri keygen"));
	}
	assert_null(ticket_keys_load(NULL, 0, err, sizeof(err)));
	assert_int_equal(ticket_keygen("", 0, id, err, sizeof(err)), -1);
}

static void
pem_and_fingerprint(void **state)
{
	struct fixture *f = *state;
	struct ticket_keys *k;
	struct buf pem = BUF_INIT;
	unsigned char der[64], h[32];
	char id[17], fp[TICKET_FINGERPRINT_LEN], hex[65], path[300];
	char lines[3][80];
	size_t derlen;
	FILE *in;

	k = first_key(f->dir, id);
	assert_int_equal(ticket_keys_pem(k, NULL, &pem), 0);
	/* three lines: BEGIN, 60 base64 characters, END */
	assert_int_equal(sscanf(pem.data, "%79[^\n]\n%79[^\n]\n%79[^\n]\n",
	    lines[0], lines[1], lines[2]), 3);
	assert_string_equal(lines[0], "-----BEGIN PUBLIC KEY-----");
	assert_int_equal(strlen(lines[1]), 60);
	assert_memory_equal(lines[1], "MCowBQYDK2VwAyEA", 16);
	assert_string_equal(lines[2], "-----END PUBLIC KEY-----");
	assert_int_equal(pem.len, 27 + 61 + 25);
	assert_int_equal(sodium_base642bin(der, sizeof(der), lines[1], 60, NULL,
	    &derlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(derlen, 44);
	assert_memory_equal(der, "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03"
	    "\x21\x00", 12);

	/* the file on disk is the same PEM */
	{
		char text[512];
		size_t n;

		snprintf(path, sizeof(path), "%s/public/%s.pem", f->dir, id);
		in = fopen(path, "r");
		assert_non_null(in);
		n = fread(text, 1, sizeof(text), in);
		fclose(in);
		assert_int_equal(n, pem.len);
		assert_memory_equal(text, pem.data, n);
	}

	/* fingerprint: SHA-256 of the DER, grouped by four; the id its start */
	crypto_hash_sha256(h, der, derlen);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_int_equal(ticket_keys_fingerprint(k, NULL, fp, sizeof(fp)), 0);
	assert_int_equal(strlen(fp), 79);
	for (size_t i = 0, j = 0; i < strlen(fp); i++) {
		if (i % 5 == 4) {
			assert_int_equal(fp[i], ' ');
			continue;
		}
		assert_int_equal(fp[i], hex[j++]);
	}
	assert_memory_equal(hex, id, 16);
	assert_int_equal(ticket_keys_fingerprint(k, id, fp, sizeof(fp)), 0);
	assert_int_equal(ticket_keys_fingerprint(k, "ffffffffffffffff", fp,
	    sizeof(fp)), -1);
	assert_string_equal(fp, "");
	assert_int_equal(ticket_keys_fingerprint(k, NULL, fp, 79), -1);
	buf_reset(&pem);
	assert_int_equal(ticket_keys_pem(k, "ffffffffffffffff", &pem), -1);
	assert_int_equal(pem.len, 0);
	assert_int_equal(ticket_keys_pem(k, id, &pem), 0);
	/* a PEM with CR LF line ends (edited on another system) still loads */
	{
		struct buf crlf = BUF_INIT;

		for (size_t i = 0; i < pem.len; i++) {
			if (pem.data[i] == '\n')
				buf_addc(&crlf, '\r');
			buf_addc(&crlf, pem.data[i]);
		}
		in = fopen(path, "w");
		assert_non_null(in);
		fwrite(crlf.data, 1, crlf.len, in);
		fclose(in);
		ticket_keys_free(k);
		k = ticket_keys_load(f->dir, 1, err, sizeof(err));
		assert_non_null(k);
		/* but not one that is not a PEM */
		in = fopen(path, "w");
		assert_non_null(in);
		fwrite(crlf.data, 1, crlf.len - 10, in);
		fclose(in);
		assert_null(ticket_keys_load(f->dir, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "PEM"));
		buf_free(&crlf);
	}
	buf_free(&pem);
	ticket_keys_free(k);
}
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(key_files, setup, teardown),
		cmocka_unit_test_setup_teardown(pem_and_fingerprint, setup,
		    teardown),
	};

	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	fmt_init();
	return cmocka_run_group_tests_name("ticket_keys", tests, NULL, NULL);
}
