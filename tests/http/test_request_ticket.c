/*
 * test_request_ticket.c — what a request leads to, through the real server:
 * the ticket page shows what it should, tickets reachable only by their
 * token, verification (valid, any byte changed, an unknown key), the public
 * key, the fingerprint on the notice, and mail through a capture script
 * (links, no header injection, a failing sendmail, none configured). The
 * form itself: test_request.c.
 *
 * The harness starts the server before this runs; setup makes the first
 * key and restarts the request executable with the sendmail capture
 * script (http_request_setup in http.c), some tests again without it.
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

static const char *state;

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

static void
mailbox_clear(void)
{
	http_write_text(http_request_mailbox(), "");
}

/* What the capture script wrote ("" before anything); caller frees. */
static char *
mailbox_read(void)
{
	char *s = http_read_file(http_request_mailbox(), NULL);

	return s != NULL ? s : xstrdup("");
}

static int
setup(void **st)
{
	(void)st;
	state = getenv("REKISTERI_STATE");
	if (state == NULL)
		return -1;
	return http_request_setup();
}

static int
teardown(void **st)
{
	(void)st;
	http_request_teardown();
	return 0;
}

/* ---- the ticket ---------------------------------------------------------- */

static void
ticket_shows_what_it_should(void **st)
{
	struct http_resp r;
	char *t = http_form_token(), *body, *tt, *number, *code, *deadline, *received,
	    path[96], needle[256], hash[65];
	const char *p;
	const char *text = "Osoitteeni on väärin.\nOikea osoite: Katu 2 B 5, 00100 Helsinki.";

	(void)st;
	body = http_form("form_token", t, "type", "access", "type", "rectification",
	    "type", "ban_disclosure", "name", "  Maija Meikäläinen ",
	    "organisation", "Esimerkki Oy", "email", "Maija@Example.FI",
	    "phone", "040 123 4567", "address", "Katu 1\r\n 00100 Helsinki ",
	    "customer_number", "a000123", "free_text", text, NULL);
	post(&r, "/request", body);
	tt = http_ticket_token(&r);
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
	assert_true(http_body_has(&r, http_msg("fi", "ticket.statement")));
	assert_true(http_body_has(&r, http_msg("fi", "ticket.signature_optional")));
	assert_true(http_body_has(&r, "Esimerkkikatu 1, 00100 Helsinki"));
	assert_true(http_body_has(&r, "Vemitek Oy"));
	assert_true(http_body_has(&r, "<svg"));
	assert_true(http_body_has(&r, "class=\"qr\""));
	assert_true(http_body_has(&r, code));
	assert_true(http_body_has(&r, "href=\"/static/request.css\""));
	assert_true(http_body_has(&r, http_msg("fi", "ticket.mail_sent")));
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
	assert_true(http_body_has(&r, http_msg("en", "ticket.statement")));
	assert_true(http_body_has(&r, http_msg("en", "request.type.ban_disclosure")));
	assert_true(http_body_has(&r, "<p class=\"issuer-name\">Vemitek Oy</p>"));
	assert_true(http_body_has(&r, http_msg("en", "ticket.verify_at")));
	assert_true(http_body_has(&r, needle));
	http_resp_free(&r);
	free(received);
	free(deadline);
	free(code);
	free(number);
	free(tt);
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
		"/request/ticket/000000000000000000000000000000000000000000000000",
		"/request/ticket/0123456789abcdef0123456789abcdef0123456789abcdef",
		"/request/ticket/0123456789abcdef0123456789abcdef0123456789abcdef0",
		"/request/ticket/%2e%2e/verify",
	};
	struct http_resp r;
	char *tt = http_submit("access", "Tunnus Testi", "tunnus@example.fi"), path[80],
	    *upper;

	(void)st;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		http_fetch(&r, "GET", paths[i], NULL, 0, NULL);
		if (r.status != 404)
			fail_msg("%s: %ld", paths[i], r.status);
		assert_false(http_body_has(&r, "Tunnus Testi"));
		http_resp_free(&r);
	}
	/* guessed links, of both forms (lib/dsr.h) */
	for (int k = 0; k < 20; k++) {
		unsigned char b[24];
		char hex[49];
		size_t n = k % 2 ? sizeof(b) : 16;

		randombytes_buf(b, n);
		sodium_bin2hex(hex, n * 2 + 1, b, n);
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

/*
 * A link sent before link tokens began with their time (#17, lib/dsr.h):
 * 32 hex digits, kept as their SHA-256. It still opens its ticket page,
 * behind the web server as in the unit test; the database holds only the
 * hash, and the new form of the link is another request's or none.
 */
static void
older_links_still_open(void **st)
{
	static const char old[] = "00112233445566778899aabbccddeeff";
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[sizeof(h) * 2 + 1], sql[256], path[96], *number;
	char *tt = http_submit("access", "Vanhan Muodon Linkki", "vanha@example.fi");
	struct http_resp r;

	(void)st;
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC"
	    " LIMIT 1", NULL);
	assert_int_equal(http_db_int("SELECT length(token_hash) FROM requests"
	    " WHERE number = ?1", number), 40);
	crypto_hash_sha256(h, (const unsigned char *)old, strlen(old));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	/* the hash is this test's own, not input: spliced as a blob literal */
	snprintf(sql, sizeof(sql), "UPDATE requests SET token_hash = x'%s'"
	    " WHERE number = '%s'", hex, number);
	http_db_exec(sql);
	snprintf(path, sizeof(path), "/request/ticket/%s", old);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, number));
	assert_true(http_body_has(&r, "Vanhan Muodon Linkki"));
	http_resp_free(&r);
	/* its new link no longer matches the key */
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	free(number);
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
	if (valid != http_body_has(&r, http_msg("fi", "request.verify.valid")))
		fail_msg("code %s judged %s", code, valid ? "invalid" : "valid");
	if (!valid && why_key != NULL && !http_body_has(&r, http_msg("fi", why_key)))
		fail_msg("no reason %s for %s", why_key, code);
	http_resp_free(&r);
	free(body);
}

static void
verify_page(void **st)
{
	struct http_resp r;
	char *tt = http_submit("restriction", "Varmistus Henkilö", "varmistus@example.fi"),
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
	assert_true(http_body_has(&r, http_msg("fi", "request.verify.valid")));
	assert_true(http_body_has(&r, number));
	assert_true(http_body_has(&r, http_msg("fi", "request.type.restriction")));
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
	char *ct, *id, path[96], fp[200], err[256], dir[4400];
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
	tt = http_submit("access", "Posti Henkilö", "posti@example.fi");
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
	confirm = xstrndup(p, strlen("/request/confirm/") + HTTP_LINK_HEX);
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
	assert_true(http_body_has(&r, http_msg("fi", "request.confirm.done")));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE number = ?1"
	    " AND email_confirmed_at IS NOT NULL", number), 1);
	post(&r, confirm, "");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, http_msg("fi", "request.confirm.before")));
	http_resp_free(&r);
	get(&r, "/request/confirm/0123456789abcdef0123456789abcdef");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	get(&r, "/request/confirm/0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	snprintf(link, sizeof(link), "/request/ticket/%s", tt);
	get(&r, link);
	assert_true(http_body_has(&r, http_msg("fi", "ticket.email_confirmed")));
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

/*
 * Set the request's received time to now minus days plus secs: the links'
 * age, as if it had been received then. Now is time(), the clock the
 * server compares with, not SQLite's 'now': time() is the kernel's coarse
 * clock, up to a tick behind, so at secs 0 just after a second turned the
 * server still saw the second before and answered 200 (make test, once).
 */
static void
received_ago(const char *number, int days, int secs)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE requests SET received = strftime("
	    "'%%Y-%%m-%%dT%%H:%%M:%%SZ', %lld, 'unixepoch', '-%d days',"
	    " '%+d seconds') WHERE number = '%s'", (long long)time(NULL), days,
	    secs, number);
	http_db_exec(sql);
}

/* Fail unless r is the expired-link page in lang, with what still works. */
static void
assert_expired(struct http_resp *r, const char *lang, const char *which,
    const char *number)
{
	char href[64];

	assert_int_equal(r->status, 410);
	http_assert_page(r, lang);
	assert_true(http_body_has(r, http_msg(lang, "request.expired.title")));
	assert_true(http_body_has(r, http_msg(lang, which)));
	assert_true(http_body_has(r, http_msg(lang, "request.expired.verify")));
	snprintf(href, sizeof(href), "href=\"/request/verify?lang=%s\"", lang);
	assert_true(http_body_has(r, href));
	assert_true(http_body_has(r, "anja.koivisto@vemitek.fi"));
	/* nothing of the request */
	assert_false(http_body_has(r, number));
	assert_false(http_body_has(r, "Vanha Linkki"));
}

/*
 * The ticket page's link works [request] ticket_link_days (90) from
 * receipt and the confirmation link confirm_link_days (30); from that
 * second on each answers 410 with a page saying so, in the visitor's
 * language, and the ticket code still verifies (#15).
 */
static void
links_expire(void **st)
{
	struct http_resp r;
	char *tt, *number, *box, *confirm, *code, path[96];
	const char *p;

	(void)st;
	mailbox_clear();
	tt = http_submit("access", "Vanha Linkki", "vanha@example.fi");
	number = http_db_text("SELECT number FROM requests ORDER BY id DESC LIMIT 1",
	    NULL);
	code = http_db_text("SELECT code FROM requests WHERE number = ?1", number);
	box = mailbox_read();
	assert_non_null(p = strstr(box, "/request/confirm/"));
	confirm = xstrndup(p, strlen("/request/confirm/") + HTTP_LINK_HEX);
	free(box);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);

	/* the ticket page: a minute before 90 days, then at 90 days */
	received_ago(number, 90, 60);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, number));
	http_resp_free(&r);
	received_ago(number, 90, 0);
	get(&r, path);
	assert_expired(&r, "fi", "request.expired.ticket", number);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/request/ticket/%s?lang=en", tt);
	get(&r, path);
	assert_expired(&r, "en", "request.expired.ticket", number);
	http_resp_free(&r);
	/* the code verifies for ever */
	verify_result(code, 1, NULL);

	/* the confirmation link: a minute before 30 days, then at 30 days */
	received_ago(number, 30, 60);
	get(&r, confirm);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, number));
	http_resp_free(&r);
	received_ago(number, 30, 0);
	get(&r, confirm);
	assert_expired(&r, "fi", "request.expired.confirm", number);
	http_resp_free(&r);
	{
		const char *h[] = { "Accept-Language: en", NULL };

		http_fetch(&r, "GET", confirm, NULL, 0, h);
		assert_expired(&r, "en", "request.expired.confirm", number);
		http_resp_free(&r);
	}
	post(&r, confirm, "");
	assert_expired(&r, "fi", "request.expired.confirm", number);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE number = ?1"
	    " AND email_confirmed_at IS NULL", number), 1);
	/* a minute younger again: the same link confirms */
	received_ago(number, 30, 60);
	post(&r, confirm, "");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, http_msg("fi", "request.confirm.done")));
	http_resp_free(&r);
	free(code);
	free(confirm);
	free(number);
	free(tt);
}

/* A failing sendmail does not lose the ticket; the page says so. */
static void
mail_fails(void **st)
{
	struct http_resp r;
	char *tt, path[96];

	(void)st;
	http_restart_request(1000, "/bin/false");
	tt = http_submit("access", "Epäonni", "epaonni@example.fi");
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " mail_state = 'failed' AND email = 'epaonni@example.fi'", NULL), 1);
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, http_msg("fi", "ticket.mail_failed")));
	http_resp_free(&r);
	free(tt);
}

/* Without sendmail configured the form and the ticket say no mail is sent. */
static void
no_mail(void **st)
{
	struct http_resp r;
	char *tt, path[96];

	(void)st;
	http_restart_request(1000, NULL);
	get(&r, "/request");
	assert_true(http_body_has(&r, http_msg("fi", "request.no_mail_hint")));
	/* only what this site does: no link by email where no mail is sent */
	assert_true(http_body_has(&r, http_msg("fi", "request.identity")));
	assert_false(http_body_has(&r, http_msg("fi", "request.identity_mail")));
	assert_false(http_body_has(&r, "sähköpostiisi lähetetyllä linkillä"));
	assert_false(http_body_has(&r, http_msg("fi", "request.mail_hint")));
	http_resp_free(&r);
	get(&r, "/request?lang=en");
	assert_true(http_body_has(&r, http_msg("en", "request.no_mail_hint")));
	assert_true(http_body_has(&r, http_msg("en", "request.identity")));
	assert_false(http_body_has(&r, "link sent to your email"));
	http_resp_free(&r);
	tt = http_submit("access", "Ei Postia", "eipostia@example.fi");
	snprintf(path, sizeof(path), "/request/ticket/%s", tt);
	get(&r, path);
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, http_msg("fi", "ticket.mail_none")));
	assert_false(http_body_has(&r, http_msg("fi", "ticket.mail_sent")));
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests WHERE"
	    " confirm_hash IS NOT NULL AND mail_state = 'none'"
	    " AND email = 'eipostia@example.fi'", NULL), 1);
	free(tt);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ticket_shows_what_it_should),
		cmocka_unit_test(ticket_only_by_token),
		cmocka_unit_test(older_links_still_open),
		cmocka_unit_test(verify_page),
		cmocka_unit_test(verify_unknown_key),
		cmocka_unit_test(key_pem),
		cmocka_unit_test(mail_links),
		cmocka_unit_test(links_expire),
		cmocka_unit_test(mail_fails),
		cmocka_unit_test(no_mail),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	rc = cmocka_run_group_tests_name("request_ticket", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
