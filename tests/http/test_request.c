/*
 * test_request.c — the public request form through the real server: each
 * request type end to end (303 to the ticket, the ticket shows what it
 * should), every validation rule (the message beside the field, the typed
 * values kept, nothing stored), the honeypot, form tokens that are old,
 * forged or used twice, the rate limit, tickets reachable only by their
 * token, verification (valid, any byte changed, an unknown key), the
 * public key, the fingerprint on the notice, mail through a capture script
 * (links, no header injection, a failing sendmail) and no cookie anywhere.
 *
 * The harness starts the server before this runs; setup makes the first
 * key (rekisteri keygen) and restarts the request executable with its own
 * config ([request] rate_limit, [mail] sendmail) as the tests need.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <sodium.h>
#include <sqlite3.h>

#include "http.h"
#include "ticket.h"

static const char *state, *cli, *conf;
static char root[4096], mailbox[4200];

/* ---- helpers ------------------------------------------------------------- */

/* GET and POST (a form) on the public side: no cookie, the public headers. */
static void
get(struct http_resp *r, const char *path)
{
	http_get(r, path);
	http_assert_public_headers(r);
}

static void
post(struct http_resp *r, const char *path, const char *body)
{
	http_session(r, "POST", path, NULL, body);
	http_assert_public_headers(r);
}

static long long
stored(void)
{
	return http_db_int("SELECT count(*) FROM requests", NULL);
}

/* A message of i18n/request.LANG.xml or LANG.xml (plain text without entities), static. */
static const char *
msg(const char *lang, const char *key)
{
	static char out[2048];
	char path[4400], needle[128];
	struct buf b = BUF_INIT;
	const char *p, *q;

	for (int i = 0; i < 2; i++) {
		char *text;

		snprintf(path, sizeof(path), "%s/i18n/%s%s.xml", root,
		    i == 0 ? "request." : "", lang);
		assert_non_null(text = http_read_file(path, NULL));
		buf_adds(&b, text);
		free(text);
	}
	snprintf(needle, sizeof(needle), "key=\"%s\">", key);
	p = strstr(buf_cstr(&b), needle);
	if (p == NULL)
		fail_msg("no message %s", key);
	p += strlen(needle);
	q = strstr(p, "</m>");
	assert_non_null(q);
	assert_true((size_t)(q - p) < sizeof(out));
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	buf_free(&b);
	return out;
}

/* Wait until nothing answers at pid (gone or a zombie), at most 10 s. */
static void
wait_gone(pid_t pid)
{
	char path[64], st[256];

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		char *rp;

		if (f == NULL)
			return;
		rp = fgets(st, sizeof(st), f);
		fclose(f);
		if (rp != NULL && (rp = strrchr(st, ')')) != NULL && rp[2] == 'Z')
			return;
		usleep(50000);
	}
	fail_msg("the request executable did not stop");
}

/*
 * Restart the request executable with the harness's config changed:
 * [request] rate_limit, [mail] sendmail (NULL: no mail). Its pid goes
 * where the harness looks, so the harness stops it at the end.
 */
static void
restart(int rate_limit, const char *sendmail)
{
	char path[4400], pidfile[4400], sock[4400], exe[4400], line[4096];
	FILE *in, *out;
	pid_t pid;
	long old;

	snprintf(path, sizeof(path), "%s/request-test.conf", state);
	assert_non_null(in = fopen(conf, "r"));
	assert_non_null(out = fopen(path, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		if (strncmp(line, "rate_limit", 10) != 0 &&
		    strncmp(line, "sendmail", 8) != 0)
			fputs(line, out);
	fclose(in);
	fprintf(out, "\n[request]\nrate_limit = %d\n", rate_limit);
	if (sendmail != NULL)
		fprintf(out, "[mail]\nsendmail = %s\n", sendmail);
	fclose(out);

	snprintf(pidfile, sizeof(pidfile), "%s/run/request.pid", state);
	snprintf(sock, sizeof(sock), "%s/run/request.sock", state);
	assert_non_null(in = fopen(pidfile, "r"));
	assert_int_equal(fscanf(in, "%ld", &old), 1);
	fclose(in);
	kill((pid_t)old, SIGTERM);
	wait_gone((pid_t)old);
	unlink(sock);

	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/request", sizeof(exe) - strlen(exe) - 1);
	if ((pid = fork()) == 0) {
		char log[4400];
		int fd;

		snprintf(log, sizeof(log), "%s/log/fcgi.log", state);
		if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0)
			dup2(fd, 2);
		setenv("REKISTERI_MAIL_CAPTURE", mailbox, 1);
		if (getuid() == 0)
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "-U", "www-data", "-G", "www-data", "--", exe,
			    "-c", path, "-w", "2", (char *)NULL);
		else
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "--", exe, "-c", path, "-w", "2", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_non_null(out = fopen(pidfile, "w"));
	fprintf(out, "%ld\n", (long)pid);
	fclose(out);
	for (int i = 0; i < 100; i++) {
		struct http_resp r;

		http_fetch(&r, "GET", "/request", NULL, 0, NULL);
		if (r.status == 200) {
			http_resp_free(&r);
			return;
		}
		http_resp_free(&r);
		usleep(100000);
	}
	fail_msg("the request executable did not come back");
}

/* The token in a 303's Location: /request/ticket/TOKEN (32 hex). */
static char *
ticket_token(const struct http_resp *r)
{
	char *loc = http_header(r, "Location"), *t;

	if (r->status != 303 || loc == NULL)
		fail_msg("no 303 but %ld:\n%s", r->status, r->body.data);
	assert_int_equal(strncmp(loc, "/request/ticket/", 16), 0);
	t = xstrdup(loc + 16);
	assert_int_equal(strlen(t), 32);
	assert_int_equal(strspn(t, "0123456789abcdef"), 32);
	free(loc);
	return t;
}

/* Submit a valid request of the given type with a fresh token; returns the ticket token. */
static char *
submit(const char *type, const char *name, const char *email)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt;

	body = http_form("form_token", t, "type", type, "name", name, "email", email,
	    "free_text", strcmp(type, "rectification") == 0 ?
	    "Osoite on väärin. Oikea: Katu 2, 00100 Helsinki." : "", NULL);
	post(&r, "/request", body);
	tt = ticket_token(&r);
	http_resp_free(&r);
	free(body);
	free(t);
	return tt;
}

static void
mailbox_clear(void)
{
	http_write_text(mailbox, "");
}

/* What the capture script wrote ("" before anything); caller frees. */
static char *
mailbox_read(void)
{
	char *s = http_read_file(mailbox, NULL);

	return s != NULL ? s : xstrdup("");
}

static int
setup(void **st)
{
	char *s;

	(void)st;
	state = getenv("REKISTERI_STATE");
	cli = getenv("REKISTERI_CLI");
	conf = getenv("REKISTERI_CONF");
	if (state == NULL || cli == NULL || conf == NULL ||
	    getcwd(root, sizeof(root)) == NULL)
		return -1;
	snprintf(mailbox, sizeof(mailbox), "%s/mail.txt", state);
	/* the first key; an existing one is kept */
	http_run(NULL, "%s -c %s keygen", cli, conf);
	{
		char capture[4400];

		snprintf(capture, sizeof(capture), "%s/tests/http/sendmail-capture.sh",
		    root);
		restart(1000, capture);
	}
	mailbox_clear();
	s = http_db_text("SELECT name FROM sqlite_master WHERE name = 'requests'", NULL);
	if (s == NULL)
		return -1;
	free(s);
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	/* the request executable as the harness started it, no hour used up */
	restart(1000, NULL);
	http_db_exec("DELETE FROM request_rate");
	return 0;
}

/* ---- the form ------------------------------------------------------------ */

static void
form_page(void **st)
{
	struct http_resp r;

	(void)st;
	get(&r, "/request");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<fieldset class=\"types\""));
	assert_true(http_body_has(&r, "<legend>Mitä pyydät?</legend>"));
	for (int i = 0; i < RT__MAX; i++) {
		char needle[128];

		snprintf(needle, sizeof(needle), "name=\"type\" id=\"type-%s\" value=\"%s\"",
		    rtype_names[i], rtype_names[i]);
		if (!http_body_has(&r, needle))
			fail_msg("no checkbox %s", rtype_names[i]);
		snprintf(needle, sizeof(needle), "request.help.%s", rtype_names[i]);
		assert_true(http_body_has(&r, msg("fi", needle)));
	}
	assert_true(http_body_has(&r, "<label for=\"f-name\">"));
	assert_true(http_body_has(&r, "<label for=\"f-free_text\">"));
	assert_true(http_body_has(&r, "name=\"homepage\""));
	assert_true(http_body_has(&r, "action=\"/request?lang=fi\""));
	assert_true(http_body_has(&r, "href=\"/request?lang=en\""));
	assert_true(http_body_has(&r, "accept-charset=\"UTF-8\""));
	assert_false(http_body_has(&r, "<script"));
	/* this site sends mail (setup): the link by email is one way to check identity */
	assert_true(http_body_has(&r, msg("fi", "request.identity_mail")));
	assert_true(http_body_has(&r, msg("fi", "request.mail_hint")));
	http_resp_free(&r);

	get(&r, "/request?lang=en");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<legend>What do you ask for?</legend>"));
	assert_true(http_body_has(&r, "action=\"/request?lang=en\""));
	assert_true(http_body_has(&r, msg("en", "request.type.ban_research")));
	http_resp_free(&r);

	/* no other method; the print styles exist */
	http_fetch(&r, "PUT", "/request", NULL, 0, NULL);
	assert_int_equal(r.status, 405);
	http_resp_free(&r);
	http_fetch(&r, "GET", "/static/request.css", NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "@media print"));
	assert_true(http_body_has(&r, "size: A4"));
	http_resp_free(&r);
}

/* Each type alone: 303 to its ticket, which shows that type and this person only. */
static void
each_type_end_to_end(void **st)
{
	char prev[64] = "";

	(void)st;
	for (int i = 0; i < RT__MAX; i++) {
		struct http_resp r;
		char name[64], email[64], path[64], key[64], *tt, *number;
		long long before = stored();

		snprintf(name, sizeof(name), "Henkilö %s", rtype_names[i]);
		snprintf(email, sizeof(email), "h%d@example.fi", i);
		tt = submit(rtype_names[i], name, email);
		assert_int_equal(stored(), before + 1);
		number = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
		    NULL);
		assert_non_null(number);
		assert_int_equal(http_db_int("SELECT types FROM requests WHERE number = ?1",
		    number), 1LL << i);
		snprintf(path, sizeof(path), "/request/ticket/%s", tt);
		get(&r, path);
		assert_int_equal(r.status, 200);
		http_assert_page(&r, "fi");
		assert_true(http_body_has(&r, number));
		assert_true(http_body_has(&r, name));
		assert_true(http_body_has(&r, email));
		assert_true(http_body_has(&r, msg("fi", "ticket.statement")));
		/* only this type */
		for (int j = 0; j < RT__MAX; j++) {
			char li[300];

			snprintf(key, sizeof(key), "request.type.%s", rtype_names[j]);
			snprintf(li, sizeof(li), "<li>%s</li>", msg("fi", key));
			if ((j == i) != http_body_has(&r, li))
				fail_msg("ticket of %s: type %s %s", rtype_names[i],
				    rtype_names[j], j == i ? "missing" : "shown");
		}
		/* and only this person */
		if (prev[0] != '\0' && http_body_has(&r, prev))
			fail_msg("ticket of %s shows %s", rtype_names[i], prev);
		snprintf(prev, sizeof(prev), "%s", email);
		http_resp_free(&r);
		free(number);
		free(tt);
	}
}

static void
ticket_shows_what_it_should(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt, *number, *code, *deadline, *received,
	    path[64], needle[256], hash[65];
	const char *p;
	const char *text = "Osoitteeni on väärin.\nOikea osoite: Katu 2 B 5, 00100 Helsinki.";

	(void)st;
	body = http_form("form_token", t, "type", "access", "type", "rectification",
	    "type", "ban_disclosure", "name", "  Maija Meikäläinen ",
	    "organisation", "Esimerkki Oy", "email", "Maija@Example.FI",
	    "phone", "040 123 4567", "address", "Katu 1\r\n 00100 Helsinki ",
	    "customer_number", "a000123", "free_text", text, NULL);
	post(&r, "/request", body);
	tt = ticket_token(&r);
	http_resp_free(&r);
	free(body);
	free(t);
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
	    NULL);
	/* the row: normalised values, the types, the text's hash */
	assert_int_equal(http_db_int("SELECT types FROM requests WHERE number = ?1",
	    number), (1 << RT_ACCESS) | (1 << RT_RECTIFICATION) |
	    (1 << RT_BAN_DISCLOSURE));
	code = http_db_text("SELECT phone FROM requests WHERE number = ?1", number);
	assert_string_equal(code, "+358401234567");
	free(code);
	code = http_db_text("SELECT address FROM requests WHERE number = ?1", number);
	assert_string_equal(code, "Katu 1, 00100 Helsinki");
	free(code);
	code = http_db_text("SELECT customer_number FROM requests WHERE number = ?1",
	    number);
	assert_string_equal(code, "A000123");
	free(code);
	code = http_db_text("SELECT email FROM requests WHERE number = ?1", number);
	assert_string_equal(code, "Maija@example.fi");
	free(code);
	ticket_text_hash(text, hash);
	code = http_db_text("SELECT text_sha256 FROM requests WHERE number = ?1", number);
	assert_string_equal(code, hash);
	free(code);
	/* TS-YYYY-NNNNNN of the year of receipt */
	received = http_db_text("SELECT received FROM requests WHERE number = ?1", number);
	assert_int_equal(strncmp(number + 3, received, 4), 0);
	assert_int_equal(strlen(number), 14);
	deadline = http_db_text("SELECT deadline FROM requests WHERE number = ?1", number);
	code = http_db_text("SELECT code FROM requests WHERE number = ?1", number);

	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	{
		char *cc = http_header(&r, "Cache-Control");

		assert_string_equal(cc, "no-store");
		free(cc);
	}
	assert_true(http_body_has(&r, number));
	snprintf(needle, sizeof(needle), "datetime=\"%s\"", received);
	assert_true(http_body_has(&r, needle));
	snprintf(needle, sizeof(needle), "datetime=\"%s\"", deadline);
	assert_true(http_body_has(&r, needle));
	assert_true(http_body_has(&r, "Maija Meikäläinen"));
	assert_true(http_body_has(&r, "Esimerkki Oy"));
	assert_true(http_body_has(&r, "+358401234567"));
	assert_true(http_body_has(&r, "Katu 1, 00100 Helsinki"));
	assert_true(http_body_has(&r, "A000123"));
	assert_true(http_body_has(&r, "Oikea osoite: Katu 2 B 5"));
	assert_true(http_body_has(&r, msg("fi", "ticket.statement")));
	assert_true(http_body_has(&r, msg("fi", "ticket.signature_optional")));
	assert_true(http_body_has(&r, "Esimerkkikatu 1, 00100 Helsinki"));
	assert_true(http_body_has(&r, "Vemitek Oy"));
	assert_true(http_body_has(&r, "<svg"));
	assert_true(http_body_has(&r, "class=\"qr\""));
	assert_true(http_body_has(&r, code));
	assert_true(http_body_has(&r, "href=\"/static/request.css\""));
	assert_true(http_body_has(&r, msg("fi", "ticket.mail_sent")));
	/* the issuer at the top, before the title: [controller] name and address */
	{
		const char *top = strstr(r.body.data, "<header class=\"ticket-issuer\">"),
		    *h1 = strstr(r.body.data, "<h1>"), *end;

		assert_non_null(top);
		assert_non_null(h1);
		assert_true(top < h1);
		end = strstr(top, "</header>");
		assert_non_null(end);
		assert_non_null(p = strstr(top, "<p class=\"issuer-name\">Vemitek Oy</p>"));
		assert_true(p < end);
		assert_non_null(p = strstr(top, "<p class=\"issuer-address\">"
		    "Esimerkkikatu 1, 00100 Helsinki</p>"));
		assert_true(p < end);
	}
	/* where to check it, in full: printed, a bare path leads nowhere */
	snprintf(needle, sizeof(needle), "<a class=\"verify-url\" href=\"%s/request/verify\">"
	    "%s/request/verify</a>", getenv("REKISTERI_BASE_URL"),
	    getenv("REKISTERI_BASE_URL"));
	if (!http_body_has(&r, needle))
		fail_msg("no %s", needle);
	assert_false(http_body_has(&r, "osoitteessa /request/verify"));
	http_resp_free(&r);
	/* the same ticket in English */
	snprintf(path, sizeof(path), "/request/ticket/%s?lang=en", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, msg("en", "ticket.statement")));
	assert_true(http_body_has(&r, msg("en", "request.type.ban_disclosure")));
	assert_true(http_body_has(&r, "<p class=\"issuer-name\">Vemitek Oy</p>"));
	assert_true(http_body_has(&r, msg("en", "ticket.verify_at")));
	assert_true(http_body_has(&r, needle));
	http_resp_free(&r);
	free(received);
	free(deadline);
	free(code);
	free(number);
	free(tt);
}

/* A form in English makes an English ticket. */
static void
english_form_english_ticket(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt, path[64];

	(void)st;
	body = http_form("form_token", t, "type", "portability", "name", "John Smith",
	    "address", "1 High Street, London", NULL);
	post(&r, "/request?lang=en", body);
	tt = ticket_token(&r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, msg("en", "request.type.portability")));
	http_resp_free(&r);
	free(body);
	free(t);
	free(tt);
}

/* ---- validation ------------------------------------------------------------ */

struct vcase {
	const char	*what;
	const char	*k1, *v1, *k2, *v2;	/* overrides of the valid form */
	const char	*error_id;	/* id of the message beside the field */
	const char	*key;		/* its message */
	const char	*kept;		/* a typed value shown again */
};

static void
every_validation_rule(void **st)
{
	static char longname[102], longtext[2002], longcust[22];
	static const struct vcase cases[] = {
		{ "no name", "name", "", NULL, NULL, "f-name-error", "val.required", NULL },
		{ "long name", "name", longname, NULL, NULL, "f-name-error", "val.too_long", NULL },
		{ "tab in name", "name", "Matti\tM", NULL, NULL, "f-name-error", "val.bad_chars", NULL },
		{ "no way to answer", "email", "", NULL, NULL, "f-email-error", "request.err.contact", "Kirjoitettu Nimi" },
		{ "bad email", "email", "matti@", NULL, NULL, "f-email-error", "val.email", "value=\"matti@\"" },
		{ "header in email", "email", "a@b.fi\r\nBcc: x@evil.example", NULL, NULL, "f-email-error", "val.email", NULL },
		{ "bad phone", "phone", "soita minulle", NULL, NULL, "f-phone-error", "val.phone", "value=\"soita minulle\"" },
		{ "odd customer number", "customer_number", "A 12", NULL, NULL, "f-customer_number-error", "request.err.customer_number", "value=\"A 12\"" },
		{ "long customer number", "customer_number", longcust, NULL, NULL, "f-customer_number-error", "val.too_long", NULL },
		{ "long text", "free_text", longtext, NULL, NULL, "f-free_text-error", "val.too_long", NULL },
		{ "rectification without text", "type", "rectification", NULL, NULL, "f-free_text-error", "request.err.text_rectification", "value=\"rectification\" checked=\"checked\"" },
		{ "no type", "type", NULL, NULL, NULL, "types-error", "request.err.types", NULL },
		{ "unknown type", "type", "everything", NULL, NULL, "types-error", "request.err.type_unknown", NULL },
		{ "name twice", "name", "Toinen", "name", "Kolmas", "f-name-error", "val.twice", NULL },
		{ "bad address", "address", "Katu\x7f 1", "email", "", "f-address-error", "val.bad_chars", NULL },
		{ "tab in address", "address", "Katu\t1", "email", "", "f-address-error", "val.bad_chars", NULL },
	};

	(void)st;
	memset(longname, 'a', 101);
	memset(longtext, 'b', 2001);
	memset(longcust, 'C', 21);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *c = &cases[i];
		struct buf b = BUF_INIT;
		struct http_resp r;
		char *t = http_form_token(), needle[300], *tn;
		long long before = stored();
		const char *keys[] = { "type", "name", "email", "phone",
		    "customer_number", "free_text", "address" };
		const char *vals[] = { "access", "Kirjoitettu Nimi",
		    "kirjoitettu@example.fi", "", "", "", "" };

		buf_addf(&b, "form_token=%s", t);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = vals[k];
			char *ev;

			if (strcmp(keys[k], c->k1) == 0)
				v = c->v1;
			if (c->k2 != NULL && strcmp(keys[k], c->k2) == 0 &&
			    strcmp(c->k1, c->k2) != 0)
				v = c->v2;
			if (v == NULL)
				continue;
			ev = curl_easy_escape(NULL, v, 0);
			buf_addf(&b, "&%s=%s", keys[k], ev);
			curl_free(ev);
			if (c->k2 != NULL && strcmp(c->k1, c->k2) == 0 &&
			    strcmp(keys[k], c->k2) == 0) {
				ev = curl_easy_escape(NULL, c->v2, 0);
				buf_addf(&b, "&%s=%s", keys[k], ev);
				curl_free(ev);
			}
		}
		post(&r, "/request", buf_cstr(&b));
		if (r.status != 400)
			fail_msg("%s: status %ld", c->what, r.status);
		http_assert_page(&r, "fi");
		snprintf(needle, sizeof(needle), "id=\"%s\">%s<", c->error_id,
		    msg("fi", c->key));
		if (!http_body_has(&r, needle))
			fail_msg("%s: no %s beside the field:\n%s", c->what, needle,
			    r.body.data);
		/* the summary at the top links to it; nothing stored */
		assert_true(http_body_has(&r, "id=\"error-summary\""));
		assert_true(http_body_has(&r, msg("fi", "request.nothing_stored")));
		assert_true(http_body_has(&r, "aria-invalid=\"true\"") ||
		    strcmp(c->error_id, "types-error") == 0);
		if (c->kept != NULL && !http_body_has(&r, c->kept))
			fail_msg("%s: typed value not kept (%s)", c->what, c->kept);
		/* the token is still good: the same one comes back */
		tn = http_between(&r, "name=\"form_token\" value=\"", "\"");
		assert_non_null(tn);
		assert_string_equal(tn, t);
		assert_int_equal(stored(), before);
		free(tn);
		http_resp_free(&r);
		buf_free(&b);
		free(t);
	}
}

/*
 * Every field within its limit, but together too long for one signed
 * ticket (4-byte characters): a message beside the address, nothing stored
 * — not the 500 a failed signature would give.
 */
static void
too_long_together(void **st)
{
	struct buf b = BUF_INIT, name = BUF_INIT, addr = BUF_INIT, mail = BUF_INIT;
	struct http_resp r;
	long long before = stored();
	char *t = http_form_token(), *body, needle[300];

	(void)st;
	for (int i = 0; i < 100; i++)
		buf_adds(&name, "\xf0\x9d\x94\x84");	/* U+1D504 */
	for (int i = 0; i < 200; i++)
		buf_adds(&addr, "\xf0\x9d\x94\x84");
	for (int i = 0; i < 64; i++)
		buf_addc(&mail, 'a');
	buf_adds(&mail, "@");
	for (int l = 0; l < 3; l++) {
		for (int i = 0; i < 60; i++)
			buf_addc(&mail, (char)('b' + l));
		buf_addc(&mail, '.');
	}
	buf_adds(&mail, "fi");
	body = http_form("form_token", t, "type", "access", "name", name.data,
	    "organisation", name.data, "address", addr.data, "email", mail.data,
	    NULL);
	post(&r, "/request", body);
	assert_int_equal(r.status, 400);
	snprintf(needle, sizeof(needle), "id=\"f-address-error\">%s<",
	    msg("fi", "request.err.total"));
	if (!http_body_has(&r, needle))
		fail_msg("no total-length message beside the address:\n%s",
		    r.body.data);
	assert_int_equal(stored(), before);
	http_resp_free(&r);
	free(body);
	free(t);
	buf_free(&b);
	buf_free(&name);
	buf_free(&addr);
	buf_free(&mail);
}

/* Bad bytes and oversized values are refused by the request layer, storing nothing. */
static void
bad_charset_and_oversize(void **st)
{
	struct http_resp r;
	long long before = stored();
	char *t = http_form_token();
	struct buf b = BUF_INIT;

	(void)st;
	buf_addf(&b, "form_token=%s&type=access&email=a%%40b.fi&name=Matti%%FF", t);
	post(&r, "/request", buf_cstr(&b));
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	buf_reset(&b);
	buf_addf(&b, "form_token=%s&type=access&email=a%%40b.fi&name=", t);
	for (int i = 0; i < 17 * 1024; i++)
		buf_addc(&b, 'x');
	post(&r, "/request", buf_cstr(&b));
	assert_int_equal(r.status, 413);
	http_resp_free(&r);
	assert_int_equal(stored(), before);
	buf_free(&b);
	free(t);
}

/* ---- abuse ------------------------------------------------------------------ */

static char *refusal;	/* the honeypot's page, to compare with the rate limit's */

static void
honeypot(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body;
	long long before = stored();

	(void)st;
	body = http_form("form_token", t, "type", "access", "name", "Botti",
	    "email", "botti@example.fi", "homepage", "http://spam.example/", NULL);
	post(&r, "/request", body);
	assert_int_equal(r.status, 429);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, msg("fi", "request.refused_title")));
	assert_false(http_body_has(&r, "homepage"));
	assert_int_equal(stored(), before);
	refusal = xstrdup(r.body.data);
	http_resp_free(&r);
	free(body);
	free(t);
}

static void
token_used_twice(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt, *fresh;
	long long before = stored();

	(void)st;
	body = http_form("form_token", t, "type", "erasure", "name", "Kaksi Kertaa",
	    "email", "kaksi@example.fi", "free_text", "Poistakaa kaikki.", NULL);
	post(&r, "/request", body);
	tt = ticket_token(&r);
	http_resp_free(&r);
	post(&r, "/request", body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, msg("fi", "request.reload_text")));
	assert_true(http_body_has(&r, "value=\"Kaksi Kertaa\""));
	assert_true(http_body_has(&r, "value=\"kaksi@example.fi\""));
	assert_true(http_body_has(&r, ">Poistakaa kaikki.</textarea>"));
	assert_true(http_body_has(&r, "value=\"erasure\" checked=\"checked\""));
	fresh = http_between(&r, "name=\"form_token\" value=\"", "\"");
	assert_non_null(fresh);
	assert_string_not_equal(fresh, t);
	assert_int_equal(stored(), before + 1);
	http_resp_free(&r);
	free(fresh);
	free(body);
	free(t);
	free(tt);
}

/* A token made with the secret from the database, issued ago seconds back. */
static char *
forged(long long ago, int tamper)
{
	unsigned char secret[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES],
	    id[16];
	char idhex[33], machex[65], msgbuf[128];
	struct buf b = BUF_INIT;
	sqlite3 *d = http_db_open(0);
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(d, "SELECT secret FROM request_secret",
	    -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(s, 0), sizeof(secret));
	memcpy(secret, sqlite3_column_blob(s, 0), sizeof(secret));
	sqlite3_finalize(s);
	sqlite3_close(d);
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	snprintf(msgbuf, sizeof(msgbuf), "rekisteri-form:%lld.%s",
	    (long long)time(NULL) - ago, idhex);
	crypto_auth(mac, (const unsigned char *)msgbuf, strlen(msgbuf), secret);
	sodium_bin2hex(machex, sizeof(machex), mac, sizeof(mac));
	if (tamper)
		machex[10] = machex[10] == '0' ? '1' : '0';
	buf_addf(&b, "%s.%s", msgbuf + strlen("rekisteri-form:"), machex);
	return buf_take(&b);
}

static void
token_expiry_and_forgery(void **st)
{
	static const struct {
		long long	 ago;
		int		 tamper;
		int		 ok;
	} cases[] = {
		{ 2 * 3600 - 120, 0, 1 },	/* just under 2 h: fine */
		{ 2 * 3600 + 60, 0, 0 },	/* over 2 h */
		{ -3600, 0, 0 },		/* from the future */
		{ 60, 1, 0 },			/* a MAC that fails */
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_resp r;
		char *t = forged(cases[i].ago, cases[i].tamper), *body, *tt;
		long long before = stored();

		body = http_form("form_token", t, "type", "objection", "name",
		    "Vanha Lomake", "email", "vanha@example.fi", NULL);
		post(&r, "/request", body);
		if (cases[i].ok) {
			tt = ticket_token(&r);
			free(tt);
			assert_int_equal(stored(), before + 1);
		} else {
			if (r.status != 400 || !http_body_has(&r,
			    msg("fi", "request.reload_text")))
				fail_msg("case %zu: %ld", i, r.status);
			assert_true(http_body_has(&r, "value=\"Vanha Lomake\""));
			assert_int_equal(stored(), before);
		}
		http_resp_free(&r);
		free(body);
		free(t);
	}
	/* no token at all */
	{
		struct http_resp r;
		char *body = http_form("type", "objection", "name", "Ei Tokenia",
		    "email", "ei@example.fi", NULL);
		long long before = stored();

		post(&r, "/request", body);
		assert_int_equal(r.status, 400);
		assert_true(http_body_has(&r, msg("fi", "request.reload_text")));
		assert_int_equal(stored(), before);
		http_resp_free(&r);
		free(body);
	}
}

/* ---- tickets ------------------------------------------------------------------ */

static void
ticket_only_by_token(void **st)
{
	static const char *const paths[] = {
		"/request/ticket/", "/request/ticket/abc",
		"/request/ticket/00000000000000000000000000000000",
		"/request/ticket/0123456789abcdef0123456789abcdef",
		"/request/ticket/0123456789abcdef0123456789abcdef0",
		"/request/ticket/%2e%2e/verify",
	};
	struct http_resp r;
	char *tt = submit("access", "Tunnus Testi", "tunnus@example.fi"), path[80],
	    *upper;

	(void)st;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		http_fetch(&r, "GET", paths[i], NULL, 0, NULL);
		if (r.status != 404)
			fail_msg("%s: %ld", paths[i], r.status);
		assert_false(http_body_has(&r, "Tunnus Testi"));
		http_resp_free(&r);
	}
	for (int k = 0; k < 20; k++) {
		unsigned char b[16];
		char hex[33];

		randombytes_buf(b, sizeof(b));
		sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
		snprintf(path, sizeof(path), "/request/ticket/%s", hex);
		http_fetch(&r, "GET", path, NULL, 0, NULL);
		assert_int_equal(r.status, 404);
		http_resp_free(&r);
	}
	upper = xstrdup(tt);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	snprintf(path, sizeof(path), "/request/ticket/%s", upper);
	http_fetch(&r, "GET", path, NULL, 0, NULL);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	/* POST is not a way in either */
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	http_fetch(&r, "POST", path, "", 0, NULL);
	assert_int_equal(r.status, 405);
	http_resp_free(&r);
	/* the database keeps only the token's hash */
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " token_hash = ?1 OR hex(token_hash) = upper(?1)", tt), 0);
	free(upper);
	free(tt);
}

/* ---- verify ------------------------------------------------------------------ */

static void
verify_result(const char *code, int valid, const char *why_key)
{
	struct http_resp r;
	char *body = http_form("code", code, NULL);

	post(&r, "/request/verify", body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	if (valid != http_body_has(&r, msg("fi", "request.verify.valid")))
		fail_msg("code %s judged %s", code, valid ? "invalid" : "valid");
	if (!valid && why_key != NULL && !http_body_has(&r, msg("fi", why_key)))
		fail_msg("no reason %s for %s", why_key, code);
	http_resp_free(&r);
	free(body);
}

static void
verify_page(void **st)
{
	struct http_resp r;
	char *tt = submit("restriction", "Varmistus Henkilö", "varmistus@example.fi"),
	    *number, *code, *body, *ws;

	(void)st;
	get(&r, "/request/verify");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "<label for=\"code\">"));
	assert_true(http_body_has(&r, "href=\"/request/key\""));
	http_resp_free(&r);
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
	    NULL);
	code = http_db_text("SELECT code FROM requests WHERE number = ?1", number);
	assert_non_null(number);
	assert_non_null(code);
	assert_true(strlen(code) > 100);	/* the byte-by-byte loop below is not empty */
	/* valid: number, date, types; no personal data */
	body = http_form("code", code, NULL);
	post(&r, "/request/verify", body);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, msg("fi", "request.verify.valid")));
	assert_true(http_body_has(&r, number));
	assert_true(http_body_has(&r, msg("fi", "request.type.restriction")));
	assert_false(http_body_has(&r, "Varmistus"));
	assert_false(http_body_has(&r, "varmistus@example.fi"));
	assert_false(http_body_has(&r, code));
	http_resp_free(&r);
	free(body);
	/* a scanner's surrounding white space is fine */
	ws = xmalloc(strlen(code) + 8);
	snprintf(ws, strlen(code) + 8, "  %s\r\n", code);
	verify_result(ws, 1, NULL);
	free(ws);
	/* any byte changed is caught */
	for (size_t i = 0; code[i] != '\0'; i++) {
		char *bad = xstrdup(code);

		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		verify_result(bad, 0, NULL);
		free(bad);
	}
	/* cut short, or nothing */
	code[strlen(code) - 3] = '\0';
	verify_result(code, 0, NULL);
	verify_result("", 0, "ticket.invalid.format");
	verify_result("TS-2026-000001", 0, "ticket.invalid.format");
	free(code);
	free(number);
	free(tt);
}

/* A code signed by a key this register does not know. */
static void
verify_unknown_key(void **st)
{
	char dir[4400], err[256], id[17];
	struct ticket_keys *k;
	struct ticket t;
	struct buf code = BUF_INIT;

	(void)st;
	snprintf(dir, sizeof(dir), "%s/other-keys", state);
	assert_int_equal(ticket_keygen(dir, 0, id, err, sizeof(err)), 0);
	k = ticket_keys_load(dir, 1, err, sizeof(err));
	assert_non_null(k);
	memset(&t, 0, sizeof(t));
	snprintf(t.number, sizeof(t.number), "TS-2026-000001");
	snprintf(t.received, sizeof(t.received), "2026-11-25T10:00:00Z");
	t.types = 1u << RT_ACCESS;
	t.name = xstrdup("Väärä Avain");
	t.organisation = xstrdup("");
	t.email = xstrdup("");
	t.phone = xstrdup("");
	t.address = xstrdup("Katu 1");
	t.customer_number = xstrdup("");
	ticket_text_hash("", t.text_sha256);
	assert_int_equal(ticket_sign(k, &t, &code), 0);
	verify_result(buf_cstr(&code), 0, "ticket.invalid.key");
	ticket_free(&t);
	ticket_keys_free(k);
	buf_free(&code);
}

/* ---- the key and the notice ---------------------------------------------------- */

static void
key_pem(void **st)
{
	struct http_resp r;
	char *ct, *id, path[64], fp[200], err[256], dir[4400];
	struct ticket_keys *k;

	(void)st;
	get(&r, "/request/key");
	assert_int_equal(r.status, 200);
	ct = http_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_int_equal(strncmp(ct, "text/plain", 10), 0);
	free(ct);
	assert_int_equal(strncmp(r.body.data, "-----BEGIN PUBLIC KEY-----\n", 27), 0);
	assert_true(http_body_has(&r, "-----END PUBLIC KEY-----"));
	http_resp_free(&r);
	id = http_db_text("SELECT key_id FROM requests ORDER BY id DESC LIMIT 1", NULL);
	snprintf(path, sizeof(path), "/request/key?id=%s", id);
	get(&r, path);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	get(&r, "/request/key?id=0000000000000000");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	get(&r, "/request/key?id=..%2Fsecret");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	/* the notice shows the current key's fingerprint and links the key */
	snprintf(dir, sizeof(dir), "%s/keys", state);
	assert_non_null(k = ticket_keys_load(dir, 0, err, sizeof(err)));
	assert_int_equal(ticket_keys_fingerprint(k, id, fp, sizeof(fp)), 0);
	ticket_keys_free(k);
	get(&r, "/notice");
	assert_int_equal(r.status, 200);
	if (!http_body_has(&r, fp))
		fail_msg("no fingerprint %s on /notice", fp);
	assert_true(http_body_has(&r, "href=\"/request/key\""));
	http_resp_free(&r);
	free(id);
}

/* ---- mail ---------------------------------------------------------------------- */

/* The part of box from the message to "to" on, up to its end mark; static. */
static const char *
message_to(const char *box, const char *to)
{
	static char out[16384];
	char needle[300];
	const char *p, *e;

	snprintf(needle, sizeof(needle), "\nTo: %s\n", to);
	if ((p = strstr(box, needle)) == NULL)
		return NULL;
	while (p > box && strncmp(p, "ARGS:", 5) != 0)
		p--;
	e = strstr(p, "\n.END.\n");
	assert_non_null(e);
	assert_true((size_t)(e - p) < sizeof(out));
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return out;
}

static void
mail_links(void **st)
{
	struct http_resp r;
	char *tt, *box, *number, link[200], *confirm, *p;
	const char *m;

	(void)st;
	mailbox_clear();
	tt = submit("access", "Posti Henkilö", "posti@example.fi");
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
	    NULL);
	box = mailbox_read();
	/* to the requester: the ticket link and a one-time confirmation link */
	m = message_to(box, "posti@example.fi");
	if (m == NULL)
		fail_msg("no mail to the requester:\n%s", box);
	assert_non_null(strstr(m, "ARGS: [-i] [--] [posti@example.fi]"));
	snprintf(link, sizeof(link), "%s/request/ticket/%s\n",
	    getenv("REKISTERI_BASE_URL"), tt);
	assert_non_null(strstr(m, link));
	assert_non_null(strstr(m, number));
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8"));
	assert_non_null(strstr(m, "From: anja.koivisto@vemitek.fi\n"));
	p = strstr(m, "/request/confirm/");
	assert_non_null(p);
	confirm = xstrndup(p, strlen("/request/confirm/") + 32);
	/* to the contact: the number, nothing personal */
	m = message_to(box, "anja.koivisto@vemitek.fi");
	if (m == NULL)
		fail_msg("no mail to the contact:\n%s", box);
	assert_non_null(strstr(m, number));
	assert_null(strstr(m, "Posti"));
	assert_null(strstr(m, "posti@example.fi"));
	assert_null(strstr(m, tt));
	free(box);

	/* the confirmation link: GET asks, POST records, once */
	get(&r, confirm);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, number));
	assert_false(http_body_has(&r, "Posti"));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE number = ?1"
	    " AND email_confirmed_at IS NULL", number), 1);
	post(&r, confirm, "");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, msg("fi", "request.confirm.done")));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE number = ?1"
	    " AND email_confirmed_at IS NOT NULL", number), 1);
	post(&r, confirm, "");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, msg("fi", "request.confirm.before")));
	http_resp_free(&r);
	get(&r, "/request/confirm/0123456789abcdef0123456789abcdef");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	snprintf(link, sizeof(link), "/request/ticket/%s", tt);
	get(&r, link);
	assert_true(http_body_has(&r, msg("fi", "ticket.email_confirmed")));
	http_resp_free(&r);

	/* an address with a header in it is a form error: no mail, nothing stored */
	mailbox_clear();
	{
		char *t = http_form_token(), *body = http_form("form_token", t, "type", "access",
		    "name", "Injektio", "email",
		    "x@example.fi\nBcc: victim@example.org", NULL);
		long long before = stored();

		post(&r, "/request", body);
		assert_int_equal(r.status, 400);
		assert_int_equal(stored(), before);
		http_resp_free(&r);
		free(body);
		free(t);
	}
	box = mailbox_read();
	assert_string_equal(box, "");
	free(box);
	free(confirm);
	free(number);
	free(tt);
}

/* A failing sendmail does not lose the ticket; the page says so. */
static void
mail_fails(void **st)
{
	struct http_resp r;
	char *tt, path[64];

	(void)st;
	restart(1000, "/bin/false");
	tt = submit("access", "Epäonni", "epaonni@example.fi");
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " mail_state = 'failed' AND email = 'epaonni@example.fi'", NULL), 1);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, msg("fi", "ticket.mail_failed")));
	http_resp_free(&r);
	free(tt);
}

/* Without sendmail configured the form and the ticket say no mail is sent. */
static void
no_mail(void **st)
{
	struct http_resp r;
	char *tt, path[64];

	(void)st;
	restart(1000, NULL);
	get(&r, "/request");
	assert_true(http_body_has(&r, msg("fi", "request.no_mail_hint")));
	/* only what this site does: no link by email where no mail is sent */
	assert_true(http_body_has(&r, msg("fi", "request.identity")));
	assert_false(http_body_has(&r, msg("fi", "request.identity_mail")));
	assert_false(http_body_has(&r, "sähköpostiisi lähetetyllä linkillä"));
	assert_false(http_body_has(&r, msg("fi", "request.mail_hint")));
	http_resp_free(&r);
	get(&r, "/request?lang=en");
	assert_true(http_body_has(&r, msg("en", "request.no_mail_hint")));
	assert_true(http_body_has(&r, msg("en", "request.identity")));
	assert_false(http_body_has(&r, "link sent to your email"));
	http_resp_free(&r);
	tt = submit("access", "Ei Postia", "eipostia@example.fi");
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, msg("fi", "ticket.mail_none")));
	assert_false(http_body_has(&r, msg("fi", "ticket.mail_sent")));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " confirm_hash IS NOT NULL AND mail_state = 'none'"
	    " AND email = 'eipostia@example.fi'", NULL), 1);
	free(tt);
}

/* ---- the rate limit (last: it uses up the address's hour) ----------------------- */

static void
rate_limit(void **st)
{
	struct http_resp r;
	long long before;
	char *t, *body;

	(void)st;
	restart(3, NULL);
	http_db_exec("DELETE FROM request_rate");
	before = stored();
	for (int i = 0; i < 3; i++)
		free(submit("ban_advertising", "Nopea Lähettäjä",
		    "nopea@example.fi"));
	assert_int_equal(stored(), before + 3);
	t = http_form_token();
	body = http_form("form_token", t, "type", "ban_advertising", "name",
	    "Nopea Lähettäjä", "email", "nopea@example.fi", NULL);
	post(&r, "/request", body);
	assert_int_equal(r.status, 429);
	assert_int_equal(stored(), before + 3);
	/* the same page as the honeypot's: it does not say which rule */
	assert_non_null(refusal);
	assert_string_equal(r.body.data, refusal);
	http_resp_free(&r);
	/* the address is kept only as a hash */
	assert_int_equal(http_db_int("SELECT count(*) FROM request_rate WHERE"
	    " instr(addr_hash, '127.0.0.1') > 0", NULL), 0);
	free(body);
	free(t);
	free(refusal);
	refusal = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_page),
		cmocka_unit_test(each_type_end_to_end),
		cmocka_unit_test(ticket_shows_what_it_should),
		cmocka_unit_test(english_form_english_ticket),
		cmocka_unit_test(every_validation_rule),
		cmocka_unit_test(too_long_together),
		cmocka_unit_test(bad_charset_and_oversize),
		cmocka_unit_test(honeypot),
		cmocka_unit_test(token_used_twice),
		cmocka_unit_test(token_expiry_and_forgery),
		cmocka_unit_test(ticket_only_by_token),
		cmocka_unit_test(verify_page),
		cmocka_unit_test(verify_unknown_key),
		cmocka_unit_test(key_pem),
		cmocka_unit_test(mail_links),
		cmocka_unit_test(mail_fails),
		cmocka_unit_test(no_mail),
		cmocka_unit_test(rate_limit),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("request", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
