/*
 * test_request.c — the public request form through the real server: the
 * form page, each request type end to end (303 to its ticket), a form in
 * English, every validation rule (the message beside the field, the typed
 * values kept, nothing stored), bad bytes and oversize, the honeypot, form
 * tokens that are old, forged or used twice, the rate limit, and no cookie
 * anywhere. The ticket, verification, the key and mail: test_request_ticket.c.
 *
 * The harness starts the server before this runs; setup makes the first
 * key (rekisteri keygen) and restarts the request executable with its own
 * config ([request] rate_limit, [mail] sendmail) as the tests need
 * (http_request_setup, http_restart_request in http.c).
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

#include "buf.h"
#include "http.h"
#include "ticket.h"

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

static int
setup(void **st)
{
	(void)st;
	return http_request_setup();
}

static int
teardown(void **st)
{
	(void)st;
	http_request_teardown();
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
		assert_true(http_body_has(&r, http_msg("fi", needle)));
	}
	assert_true(http_body_has(&r, "<label for=\"f-name\">"));
	assert_true(http_body_has(&r, "<label for=\"f-free_text\">"));
	assert_true(http_body_has(&r, "name=\"homepage\""));
	assert_true(http_body_has(&r, "action=\"/request?lang=fi\""));
	assert_true(http_body_has(&r, "href=\"/request?lang=en\""));
	assert_true(http_body_has(&r, "accept-charset=\"UTF-8\""));
	assert_false(http_body_has(&r, "<script"));
	/* this site sends mail (setup): the link by email is one way to check identity */
	assert_true(http_body_has(&r, http_msg("fi", "request.identity_mail")));
	assert_true(http_body_has(&r, http_msg("fi", "request.mail_hint")));
	http_resp_free(&r);

	get(&r, "/request?lang=en");
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, "<legend>What do you ask for?</legend>"));
	assert_true(http_body_has(&r, "action=\"/request?lang=en\""));
	assert_true(http_body_has(&r, http_msg("en", "request.type.ban_research")));
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
		char name[64], email[64], path[96], key[64], *tt, *number;
		long long before = stored();

		snprintf(name, sizeof(name), "Henkilö %s", rtype_names[i]);
		snprintf(email, sizeof(email), "h%d@example.fi", i);
		tt = http_submit(rtype_names[i], name, email);
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
		assert_true(http_body_has(&r, http_msg("fi", "ticket.statement")));
		/* only this type */
		for (int j = 0; j < RT__MAX; j++) {
			char li[300];

			snprintf(key, sizeof(key), "request.type.%s", rtype_names[j]);
			snprintf(li, sizeof(li), "<li>%s</li>", http_msg("fi", key));
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

/* A form in English makes an English ticket. */
static void
english_form_english_ticket(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt, path[96];

	(void)st;
	body = http_form("form_token", t, "type", "portability", "name", "John Smith",
	    "address", "1 High Street, London", NULL);
	post(&r, "/request?lang=en", body);
	tt = http_ticket_token(&r);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	http_assert_page(&r, "en");
	assert_true(http_body_has(&r, http_msg("en", "request.type.portability")));
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
		    http_msg("fi", c->key));
		if (!http_body_has(&r, needle))
			fail_msg("%s: no %s beside the field:\n%s", c->what, needle,
			    r.body.data);
		/* the summary at the top links to it; nothing stored */
		assert_true(http_body_has(&r, "id=\"error-summary\""));
		assert_true(http_body_has(&r, http_msg("fi", "request.nothing_stored")));
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
	    http_msg("fi", "request.err.total"));
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
	assert_true(http_body_has(&r, http_msg("fi", "request.refused_title")));
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
	tt = http_ticket_token(&r);
	http_resp_free(&r);
	post(&r, "/request", body);
	assert_int_equal(r.status, 400);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, http_msg("fi", "request.reload_text")));
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
			tt = http_ticket_token(&r);
			free(tt);
			assert_int_equal(stored(), before + 1);
		} else {
			if (r.status != 400 || !http_body_has(&r,
			    http_msg("fi", "request.reload_text")))
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
		assert_true(http_body_has(&r, http_msg("fi", "request.reload_text")));
		assert_int_equal(stored(), before);
		http_resp_free(&r);
		free(body);
	}
}

/* ---- the rate limit (last: it uses up the address's hour) ----------------------- */

static void
rate_limit(void **st)
{
	struct http_resp r;
	long long before;
	char *t, *body;

	(void)st;
	http_restart_request(3, NULL);
	http_db_exec("DELETE FROM request_rate");
	before = stored();
	for (int i = 0; i < 3; i++)
		free(http_submit("ban_advertising", "Nopea Lähettäjä",
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


/* ---- forms in flight ------------------------------------------------------ */

/* The process listening on the socket at path (ss), or -1. */
static pid_t
listener(const char *path)
{
	struct buf o = BUF_INIT;
	const char *p;
	long pid = -1;

	http_run(&o, "ss -xlpn");
	if (o.data != NULL && (p = strstr(o.data, path)) != NULL &&
	    (p = strstr(p, "pid=")) != NULL)
		pid = strtol(p + 4, NULL, 10);
	buf_free(&o);
	return (pid_t)pid;
}

/*
 * The request writer's socket into sock, and its process once it listens
 * (a restarted writer a moment after the first page; at most 5 s).
 */
static pid_t
writer_at(char *sock, size_t len)
{
	pid_t writer = -1;

	snprintf(sock, len, "%s/db/rekisteri.db.writer",
	    getenv("REKISTERI_STATE"));
	for (int i = 0; i < 50 && (writer = listener(sock)) <= 0; i++)
		usleep(100000);
	assert_true(writer > 0);
	return writer;
}

/*
 * A child that posts body to /request and exits 0 when it is answered
 * 303: curl, not this process's libcurl, as a child must not run cmocka.
 */
static pid_t
post_in_child(const char *body)
{
	char url[4400];
	pid_t kid;

	assert_non_null(getenv("REKISTERI_BASE_URL"));
	snprintf(url, sizeof(url), "%s/request", getenv("REKISTERI_BASE_URL"));
	if ((kid = fork()) == 0) {
		execlp("sh", "sh", "-c", "test \"$(curl -s -o /dev/null -w "
		    "'%{http_code}' --max-time 30 --data \"$1\" \"$2\")\" = 303",
		    "sh", body, url, (char *)NULL);
		_exit(127);
	}
	assert_true(kid > 0);
	return kid;
}

/*
 * Forms waiting at the writer's socket at path, whose process is stopped:
 * one on each connection not yet accepted (the listening socket's Recv-Q
 * is their count) and one on each kept connection that has bytes queued.
 */
static int
queued_at(const char *path)
{
	struct buf o = BUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	http_run(&o, "ss -xan");
	for (line = o.data != NULL ? strtok_r(o.data, "\n", &save) : NULL;
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char netid[16], state[16];
		long rq;

		if (strstr(line, path) == NULL ||
		    sscanf(line, "%15s %15s %ld", netid, state, &rq) != 3)
			continue;
		if (strcmp(state, "LISTEN") == 0)
			n += (int)rq;
		else if (rq > 0)
			n++;
	}
	buf_free(&o);
	return n;
}

/*
 * A form waiting for the writer's commit holds a thread of its worker, not
 * the worker (#17, lib/app.c): with the writer stopped, four forms posted
 * to the two workers all reach the writer's socket (one a worker at most
 * before: two) and the form page is answered meanwhile; once the writer
 * goes on, all four are stored and answered 303.
 */
static void
waiting_form_holds_no_worker(void **st)
{
	enum { FORMS = 4 };
	char sock[4400];
	long long before;
	pid_t writer, kid[FORMS];
	char *body[FORMS];
	int queued = 0, ok = 0;
	long page;

	(void)st;
	http_restart_request(1000, NULL);	/* after rate_limit's 3 */
	http_db_exec("DELETE FROM request_rate");
	before = stored();
	writer = writer_at(sock, sizeof(sock));
	for (int i = 0; i < FORMS; i++) {
		char *t = http_form_token();

		body[i] = http_form("form_token", t, "type", "access", "name",
		    "Odottava Lomake", "email", "odottava@example.fi", NULL);
		free(t);
	}
	assert_int_equal(kill(writer, SIGSTOP), 0);
	for (int i = 0; i < FORMS; i++) {
		kid[i] = post_in_child(body[i]);
		free(body[i]);
	}
	/* at most 5 s: each waiting worker gives up after 10 */
	for (int i = 0; i < 50 && (queued = queued_at(sock)) < FORMS; i++)
		usleep(100000);
	/* and the form page is answered meanwhile */
	page = http_probe("/request", 3);
	kill(writer, SIGCONT);
	for (int i = 0; i < FORMS; i++) {
		int status;

		if (waitpid(kid[i], &status, 0) == kid[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	}
	assert_int_equal(queued, FORMS);
	assert_int_equal(page, 200);
	assert_int_equal(ok, FORMS);
	assert_int_equal(stored(), before + FORMS);
}

/*
 * A worker stopped (SIGTERM, as its supervisor or systemd stops it) while
 * one of its threads waits for the writer's commit ends only after that
 * form is answered (lib/app.c, end_when_idle): the signal wakes another
 * thread, idle in accept, whose loop ends; before, that thread ended the
 * process at once and the waiting form got the web server's 502.
 */
static void
stop_answers_the_waiting_form(void **st)
{
	char sock[4400], *t, *body;
	struct buf o = BUF_INIT;
	long long before;
	pid_t writer, kid;
	int queued = 0, status = -1, stopped = 0;
	long sup = http_fcgi_pid("request");

	(void)st;
	writer = writer_at(sock, sizeof(sock));
	before = stored();
	t = http_form_token();
	body = http_form("form_token", t, "type", "access", "name",
	    "Pysähtyvä Lomake", "email", "pysahtyva@example.fi", NULL);
	free(t);
	assert_int_equal(kill(writer, SIGSTOP), 0);
	kid = post_in_child(body);
	free(body);
	for (int i = 0; i < 50 && (queued = queued_at(sock)) < 1; i++)
		usleep(100000);
	/* every worker (the supervisor's children but the writer) */
	if (http_run(&o, "pgrep -P %ld", sup) == 0 && o.data != NULL)
		for (char *save = NULL, *l = strtok_r(o.data, "\n", &save);
		    l != NULL; l = strtok_r(NULL, "\n", &save)) {
			pid_t p = (pid_t)strtol(l, NULL, 10);

			if (p > 0 && p != writer && kill(p, SIGTERM) == 0)
				stopped++;
		}
	buf_free(&o);
	usleep(300000);		/* each worker's idle threads see it first */
	kill(writer, SIGCONT);
	(void)waitpid(kid, &status, 0);
	assert_int_equal(queued, 1);
	assert_int_equal(stopped, 2);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(stored(), before + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_page),
		cmocka_unit_test(each_type_end_to_end),
		cmocka_unit_test(english_form_english_ticket),
		cmocka_unit_test(every_validation_rule),
		cmocka_unit_test(too_long_together),
		cmocka_unit_test(bad_charset_and_oversize),
		cmocka_unit_test(honeypot),
		cmocka_unit_test(token_used_twice),
		cmocka_unit_test(token_expiry_and_forgery),
		cmocka_unit_test(rate_limit),
		cmocka_unit_test(waiting_form_holds_no_worker),
		cmocka_unit_test(stop_answers_the_waiting_form),
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
