/*
 * test_letters.c — a request's extension and its letters through the real
 * server (issue #12): an extension with reasons moves the deadline that
 * counts and shows both dates, once only, refused after the first deadline
 * (back-dated rows, not a moved clock); the extension letter flagged when
 * it is late; each letter drafted, previewed in the request's language,
 * marked sent (stored unchanged with its SHA-256) and reprinted, and an
 * attempt to change it refused; the refusal certificate with its reasons,
 * legal bases, the Ombudsman's contact and the judicial remedy in Finnish
 * and English; an emailed letter queued in the outbox; and every request
 * type from the public form to a closed case with its letter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "http.h"

#define PW	"Kirjeet lähtevät aina ajallaan 42"

static char *sid, *csrf;

/* File a request on the public form in lang (types comma-free, one); its id. */
static long long
file_request(const char *lang, const char *type, const char *name,
    const char *email)
{
	struct http_resp r;
	const char *p, *q;
	char *token, *body, path[32];

	snprintf(path, sizeof(path), "/request?lang=%s", lang);
	http_fetch(&r, "GET", path, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	p = strstr(r.body.data, "name=\"form_token\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"form_token\" value=\"");
	q = strchr(p, '"');
	token = strndup(p, (size_t)(q - p));
	http_resp_free(&r);
	body = http_form("form_token", token, "type", type, "name", name,
	    "email", email, "address", "Testikatu 1, 00100 Helsinki",
	    "free_text", "Sukunimeni on väärin / my surname is wrong", NULL);
	http_session(&r, "POST", path, NULL, body);
	free(body);
	free(token);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* many requests from one address: the rate limit is not this test's */
	http_db_exec("DELETE FROM request_rate");
	return http_db_int("SELECT max(id) FROM requests", NULL);
}

/* POST path with the session, the token, id and up to five more pairs (NULL ends). */
static void
post(struct http_resp *r, const char *path, long long id, ...)
{
	const char *k[12] = { 0 }, *v[12] = { 0 };
	char idt[24], *body;
	va_list ap;
	int n = 0;

	snprintf(idt, sizeof(idt), "%lld", id);
	va_start(ap, id);
	while (n < 12 && (k[n] = va_arg(ap, const char *)) != NULL) {
		v[n] = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	body = http_form("csrf", csrf, "id", idt, k[0], v[0], k[1], v[1], k[2],
	    v[2], k[3], v[3], k[4], v[4], k[5], v[5], k[6], v[6], k[7], v[7],
	    k[8], v[8], k[9], v[9], NULL);
	http_session(r, "POST", path, sid, body);
	free(body);
}

/* GET path with the session: must answer status; the response in r. */
static void
get(struct http_resp *r, const char *path, long status)
{
	http_session(r, "GET", path, sid, NULL);
	assert_int_equal(r->status, status);
}

static long long
num(const char *sql, long long id)
{
	char idt[24];

	snprintf(idt, sizeof(idt), "%lld", id);
	return http_db_int(sql, idt);
}

/* The letter id a 303 to /intranet/letter?id=L names. */
static long long
sent_letter(const struct http_resp *r)
{
	char *loc = http_header(r, "Location");
	long long id;

	assert_non_null(loc);
	assert_non_null(strstr(loc, "/intranet/letter?id="));
	id = atoll(strstr(loc, "id=") + 3);
	free(loc);
	return id;
}

/* The stored letter L: fetched, equal to the stored bytes, its SHA-256 the stored one; the page in r. */
static void
stored_letter(struct http_resp *r, long long lid, const char *lang)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], path[64], *sha;

	snprintf(path, sizeof(path), "/intranet/letter?id=%lld", lid);
	get(r, path, 200);
	http_assert_page(r, lang);
	crypto_hash_sha256(h, (const unsigned char *)r->body.data, r->body.len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(path, sizeof(path), "%lld", lid);
	sha = http_db_text("SELECT sha256 FROM request_letters WHERE id = ?1",
	    path);
	assert_non_null(sha);
	assert_string_equal(sha, hex);
	free(sha);
	assert_int_equal(http_db_int("SELECT length(content) FROM"
	    " request_letters WHERE id = ?1", path), (long long)r->body.len);
	/* the staff's forms are not in what the person gets */
	assert_false(http_body_has(r, "name=\"csrf\""));
	assert_true(http_body_has(r, "<svg"));	/* the ticket's QR code */
}

static int
setup(void **st)
{
	static const struct http_staff staff[] = {
		{ "letters1", "handler", "Kaisa Käsittelijä", 1 },
	};
	struct http_resp r;

	(void)st;
	if (http_staff_add(staff, 1, PW) != 0)
		return -1;
	sid = http_login("letters1", PW);
	http_session(&r, "GET", "/intranet/customers/new", sid, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	return csrf == NULL ? -1 : 0;
}

/* "YYYY-MM-DD" as Finnish pages write it, "D.M.YYYY". */
static void
fi_date(const char *iso, char out[16])
{
	snprintf(out, 16, "%d.%d.%d", atoi(iso + 8), atoi(iso + 5), atoi(iso));
}

/* GET request id's page: status 200, checked; the response in r. */
static void
request_page(struct http_resp *r, long long id)
{
	char path[64];

	snprintf(path, sizeof(path), "/intranet/request?id=%lld", id);
	get(r, path, 200);
	http_assert_page(r, "fi");
}

/* An extension with reasons, once, before the first deadline only; both dates shown; its letter late when not sent in time. */
/* Request id, extended: its letter flagged while late, the intake check, the letter sent and printed; due is the new deadline as shown. */
static void
extension_letter(long long id, const char *due)
{
	struct http_resp r;
	struct buf out = BUF_INIT;
	char idt[24], path[96];
	long long lid;

	snprintf(idt, sizeof(idt), "%lld", id);
	/* the letter unsent when the first deadline has passed: flagged */
	snprintf(path, sizeof(path), "UPDATE requests SET deadline = '2026-01-05'"
	    " WHERE id = %lld", id);
	http_db_exec(path);
	request_page(&r, id);
	assert_true(http_body_has(&r, "Jatkoilmoitusta ei merkitty lähetetyksi"
	    " ennen ensimmäistä määräpäivää"));
	assert_false(http_body_has(&r, "Myöhässä"));	/* the extended one counts */
	http_resp_free(&r);
	get(&r, "/intranet/", 200);
	assert_true(http_body_has(&r, "Jatkoilmoitusta ei merkitty lähetetyksi"));
	http_resp_free(&r);
	/* the intake check judges the extended deadline too: not past, not near */
	{
		char *number = http_db_text("SELECT number FROM requests WHERE"
		    " id = ?1", idt);

		http_run(&out, "%s check 2>&1", getenv("REKISTERI_CLI"));
		assert_null(strstr(out.data ? out.data : "", number));
		buf_free(&out);
		free(number);
	}
	/* the extension letter: previewed, marked sent, reprinted */
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
	    "&kind=extension", id);
	get(&r, path, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "Pyyntö koskee kymmenen vuoden tilauksia"));
	assert_true(http_body_has(&r, "kahdella kuukaudella"));
	http_resp_free(&r);
	post(&r, "/intranet/request/letter", id, "kind", "extension", "action",
	    "send", "via", "post", NULL);
	assert_int_equal(r.status, 303);
	lid = sent_letter(&r);
	http_resp_free(&r);
	stored_letter(&r, lid, "fi");
	assert_true(http_body_has(&r, due));
	assert_true(http_body_has(&r, "Pyyntö koskee kymmenen vuoden tilauksia"));
	http_resp_free(&r);
	/* sent after the (back-dated) first deadline: still flagged; in time: not */
	request_page(&r, id);
	assert_true(http_body_has(&r, "Jatkoilmoitusta ei merkitty lähetetyksi"));
	http_resp_free(&r);
	snprintf(path, sizeof(path), "UPDATE requests SET deadline = '2099-01-01'"
	    " WHERE id = %lld", id);
	http_db_exec(path);
	request_page(&r, id);
	assert_false(http_body_has(&r, "Jatkoilmoitusta ei merkitty"));
	assert_false(http_body_has(&r, "Jatkoilmoitusta ei ole vielä"));
	http_resp_free(&r);
}

static void
extension(void **st)
{
	struct http_resp r;
	long long id = file_request("fi", "access", "Eero Jatko",
	    "eero@example.org");
	long long late = file_request("fi", "erasure", "Liisa Myöhä",
	    "liisa@example.org");
	char idt[24], path[96], first[16], *d, *loc;
	struct buf out = BUF_INIT;

	(void)st;
	snprintf(idt, sizeof(idt), "%lld", id);
	/* refused, nothing changed: no reasons, a third month */
	post(&r, "/intranet/request/extend", id, "months", "2", "reasons", "  ",
	    NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Kirjoita syy jatkamiseen"));
	http_resp_free(&r);
	post(&r, "/intranet/request/extend", id, "months", "3", "reasons",
	    "Paljon", NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Valitse jatko"));
	http_resp_free(&r);
	assert_int_equal(num("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " extended_at IS NULL", id), 1);
	/* extended by two months: the letter to send next */
	post(&r, "/intranet/request/extend", id, "months", "2", "reasons",
	    "Pyyntö koskee kymmenen vuoden tilauksia", NULL);
	assert_int_equal(r.status, 303);
	loc = http_header(&r, "Location");
	assert_non_null(strstr(loc, "/intranet/request/letter?id="));
	assert_non_null(strstr(loc, "kind=extension"));
	free(loc);
	http_resp_free(&r);
	/* 1 + 2 months from receipt, moved to a working day at most 3 days */
	assert_int_equal(num("SELECT julianday(extended_deadline) -"
	    " julianday(date(received, '+3 months')) BETWEEN -3 AND 4 AND"
	    " extension_months = 2 AND extension_reasons LIKE 'Pyyntö koskee%'"
	    " FROM requests WHERE id = ?1", id), 1);
	assert_int_equal(num("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND action = 'extended'", id), 1);
	assert_int_equal(num("SELECT count(*) FROM audit_log WHERE object_id = ?1"
	    " AND action = 'request.extend' AND summary = ''", id), 1);
	/* both dates on the request page, the letter still to send */
	d = http_db_text("SELECT deadline FROM requests WHERE id = ?1", idt);
	fi_date(d, first);
	free(d);
	request_page(&r, id);
	assert_true(http_body_has(&r, first));
	assert_true(http_body_has(&r, "ensimmäinen määräpäivä"));
	assert_true(http_body_has(&r, "Jatkoilmoitusta ei ole vielä merkitty"));
	d = http_db_text("SELECT extended_deadline FROM requests WHERE id = ?1",
	    idt);
	fi_date(d, first);
	free(d);
	assert_true(http_body_has(&r, first));
	http_resp_free(&r);
	/* once only */
	post(&r, "/intranet/request/extend", id, "months", "1", "reasons",
	    "Vielä", NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Sitä voi jatkaa vain kerran"));
	http_resp_free(&r);
	/* after the first deadline: refused (the rows back-dated, not the clock) */
	snprintf(path, sizeof(path), "UPDATE requests SET received ="
	    " '2026-01-31T10:00:00Z', deadline = '2026-03-02' WHERE id = %lld",
	    late);
	http_db_exec(path);
	post(&r, "/intranet/request/extend", late, "months", "1", "reasons",
	    "Monimutkainen", NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "Ensimmäinen määräpäivä on jo mennyt"));
	http_resp_free(&r);
	assert_int_equal(num("SELECT count(*) FROM requests WHERE id = ?1 AND"
	    " extended_at IS NULL", late), 1);
	/* a request not extended has no extension letter */
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
	    "&kind=extension", late);
	get(&r, path, 404);
	http_resp_free(&r);
	/* the CLI lists the deadline that counts and the first */
	assert_int_equal(http_run(&out, "%s request list --open",
	    getenv("REKISTERI_CLI")), 0);
	assert_non_null(strstr(out.data, "extended-from"));
	buf_free(&out);
	extension_letter(id, first);
}

/* The answer: drafted, blocked until identity is checked, marked sent, then never changed. */
static void
answer_letter(void **st)
{
	struct http_resp r;
	long long id = file_request("fi", "access", "Anni Vastaus",
	    "anni@example.org"), lid;
	char path[96], lt[24], *loc, *sha;

	(void)st;
	post(&r, "/intranet/request/start", id, NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld&kind=answer",
	    id);
	get(&r, path, 200);
	http_assert_page(&r, "fi");
	assert_true(http_body_has(&r, "name=\"type.access\""));
	http_resp_free(&r);
	/* a kind that is not one, a request that is not */
	get(&r, "/intranet/request/letter?id=1&kind=love", 400);
	http_resp_free(&r);
	get(&r, "/intranet/request/letter?id=999999&kind=answer", 404);
	http_resp_free(&r);
	/* an empty draft is kept, but cannot be sent */
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "save", NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	get(&r, path, 200);
	assert_true(http_body_has(&r, "Kirjoita vastaus jokaisen"));
	http_resp_free(&r);
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "save", "type.access", "Lähetimme kopion tiedoistasi.", NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* the preview shows the draft as the letter and in its form */
	get(&r, path, 200);
	assert_true(http_body_has(&r, "<p class=\"pre\">Lähetimme kopion"
	    " tiedoistasi.</p>"));
	assert_true(http_body_has(&r, "Lähetimme kopion tiedoistasi.</textarea>"));
	http_resp_free(&r);
	/* personal data go out only after the identity check (Art. 12(6)) */
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "send", "via", "post", NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "vasta, kun henkilöllisyys on varmistettu"));
	http_resp_free(&r);
	post(&r, "/intranet/request/identity", id, "method", "other", "note",
	    "Tunnettu asiakas", NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* closing leads to the letter, and the case is flagged until it is sent */
	post(&r, "/intranet/request/answer", id, "note", "Kopio", NULL);
	assert_int_equal(r.status, 303);
	loc = http_header(&r, "Location");
	assert_non_null(strstr(loc, "kind=answer"));
	free(loc);
	http_resp_free(&r);
	request_page(&r, id);
	assert_true(http_body_has(&r, "vastausta tai epäämistodistusta ei ole"));
	http_resp_free(&r);
	/* email only to a confirmed address */
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "send", "via", "email", NULL);
	assert_int_equal(r.status, 422);
	assert_true(http_body_has(&r, "ei ole vahvistanut"));
	http_resp_free(&r);
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "send", "via", "post", NULL);
	assert_int_equal(r.status, 303);
	lid = sent_letter(&r);
	http_resp_free(&r);
	stored_letter(&r, lid, "fi");
	assert_true(http_body_has(&r, "Lähetimme kopion tiedoistasi."));
	assert_true(http_body_has(&r, "Vastaus tietopyyntöösi"));
	http_resp_free(&r);
	/* a sent letter is never changed: refused, nothing stored */
	snprintf(lt, sizeof(lt), "%lld", lid);
	sha = http_db_text("SELECT sha256 FROM request_letters WHERE id = ?1", lt);
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "save", "letter", lt, "type.access", "Muutettu", NULL);
	assert_int_equal(r.status, 409);
	assert_true(http_body_has(&r, "ei voi muuttaa"));
	http_resp_free(&r);
	post(&r, "/intranet/request/letter", id, "kind", "answer", "action",
	    "send", "letter", lt, "via", "post", NULL);
	assert_int_equal(r.status, 409);
	http_resp_free(&r);
	assert_int_equal(http_db_int2("SELECT count(*) FROM request_letters"
	    " WHERE id = ?1 AND sha256 = ?2", lt, sha), 1);
	assert_int_equal(http_db_int("SELECT count(*) FROM request_letters WHERE"
	    " content LIKE '%Muutettu%'", NULL), 0);
	free(sha);
	/* the request page lists it to reprint; the case is no longer flagged */
	request_page(&r, id);
	assert_false(http_body_has(&r, "vastausta tai epäämistodistusta ei ole"));
	assert_true(http_body_has(&r, "Tulosta uudelleen"));
	http_resp_free(&r);
	assert_int_equal(num("SELECT count(*) FROM audit_log WHERE object_id = ?1"
	    " AND action = 'request.letter_sent' AND summary NOT LIKE '%kopion%'",
	    id), 1);
	assert_int_equal(num("SELECT count(*) FROM request_steps WHERE"
	    " request_id = ?1 AND action = 'letter_sent'", id), 1);
	/* a draft is not a stored letter */
	get(&r, "/intranet/letter?id=999999", 404);
	http_resp_free(&r);
}

/* The refusal certificate in one language: reasons, bases, the Ombudsman and the courts; emailed through the outbox. */
static void
refusal_in(const char *lang, const char *reasons, const char *complaint,
    const char *remedy, const char *bad_basis)
{
	struct http_resp r;
	long long id = file_request(lang, "erasure", "Rea Epäys",
	    "rea@example.org"), lid;
	char path[96], *loc, *number;

	post(&r, "/intranet/request/refuse", id, "note", reasons, NULL);
	assert_int_equal(r.status, 303);
	loc = http_header(&r, "Location");
	assert_non_null(strstr(loc, "kind=refusal"));
	free(loc);
	http_resp_free(&r);
	/* a basis not on the list: refused in the letter's language */
	post(&r, "/intranet/request/letter", id, "kind", "refusal", "action",
	    "save", "scope", "whole", "basis", "because", NULL);
	assert_int_equal(r.status, 422);
	http_assert_page(&r, lang);
	assert_true(http_body_has(&r, bad_basis));
	http_resp_free(&r);
	post(&r, "/intranet/request/letter", id, "kind", "refusal", "action",
	    "save", "scope", "whole", "refused", "Poisto / erasure",
	    "basis", "legal_obligation", "basis", "legal_claims",
	    "reasons", reasons, NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
	    "&kind=refusal", id);
	get(&r, path, 200);
	http_assert_page(&r, lang);
	assert_true(http_body_has(&r, reasons));
	http_resp_free(&r);
	/* by email, once the person has confirmed the address */
	snprintf(path, sizeof(path), "UPDATE requests SET email_confirmed_at ="
	    " '2026-12-01T10:00:00Z' WHERE id = %lld", id);
	http_db_exec(path);
	post(&r, "/intranet/request/letter", id, "kind", "refusal", "action",
	    "send", "via", "email", NULL);
	assert_int_equal(r.status, 303);
	lid = sent_letter(&r);
	http_resp_free(&r);
	stored_letter(&r, lid, lang);
	assert_true(http_body_has(&r, reasons));
	assert_true(http_body_has(&r, "GDPR Art. 17(3)(b)"));
	assert_true(http_body_has(&r, "GDPR Art. 17(3)(e)"));
	assert_true(http_body_has(&r, complaint));
	assert_true(http_body_has(&r, "tietosuoja@om.fi"));
	assert_true(http_body_has(&r, "Lintulahdenkuja 4"));
	assert_true(http_body_has(&r, remedy));
	http_resp_free(&r);
	assert_int_equal(num("SELECT count(*) FROM request_letters WHERE"
	    " request_id = ?1 AND sent_via = 'email'", id), 1);
	/* the mail: queued with the letter's text and the ticket number */
	snprintf(path, sizeof(path), "%lld", id);
	number = http_db_text("SELECT number FROM requests WHERE id = ?1", path);
	assert_int_equal(http_db_int2("SELECT count(*) FROM outbox WHERE"
	    " ref_kind = 'request.letter' AND ref_id = ?1 AND to_addr ="
	    " 'rea@example.org' AND instr(body, ?2) > 0 AND instr(body,"
	    " 'tietosuoja@om.fi') > 0", path, number), 1);
	free(number);
}

static void
refusal_certificates(void **st)
{
	(void)st;
	refusal_in("fi", "Laskut on säilytettävä kirjanpitolain mukaan",
	    "tietosuojavaltuutetun toimisto", "oikeus tehokkaisiin"
	    " oikeussuojakeinoihin: voit saattaa asian tuomioistuimen"
	    " käsiteltäväksi (tietosuoja-asetus, 79 artikla)",
	    "Valitse vähintään yksi oikeudellinen peruste");
	refusal_in("en", "The invoices must be kept under the Accounting Act",
	    "Office of the Data Protection Ombudsman", "the right to an"
	    " effective judicial remedy: you may bring the matter before a court"
	    " (General Data Protection Regulation, Article 79)",
	    "Choose at least one legal basis");
}

/* How many times needle is in r's body. */
static int
body_count(const struct http_resp *r, const char *needle)
{
	const char *p = r->body.data;
	int count = 0;

	while (p != NULL && (p = strstr(p, needle)) != NULL) {
		count++;
		p += strlen(needle);
	}
	return count;
}

/*
 * A refusal of an erasure the linked record's holds refuse: the new
 * draft's page lists each hold worded for the person with its last day
 * and source, and the reasons start as them (staff edit before saving).
 */
static void
refusal_from_holds_in(const char *lang, const char *invoice,
    const char *last_day)
{
	struct http_resp r;
	long long id = file_request(lang, "erasure", "Hold Pidätetty",
	    "hold@example.org");
	char q[400], path[96];

	snprintf(q, sizeof(q), "INSERT INTO customers (id, number, last_name)"
	    " VALUES (%lld + 9000, 'H%lld', 'Pidätetty')", id, id);
	http_db_exec(q);
	/* a voucher of 2025 (kept to the end of 2031, 2:10 §) and an open invoice */
	snprintf(q, sizeof(q), "INSERT INTO orders (customer_id, number,"
	    " ordered_on, amount_cents, status, status_on) VALUES (%lld + 9000,"
	    " 'H%lld-1', '2025-06-01', 1000, 'paid', '2025-06-01'), (%lld +"
	    " 9000, 'H%lld-2', '2025-06-02', 500, 'open', '')", id, id, id, id);
	http_db_exec(q);
	snprintf(q, sizeof(q), "INSERT INTO request_customers (request_id,"
	    " customer_id) VALUES (%lld, %lld + 9000)", id, id);
	http_db_exec(q);
	snprintf(path, sizeof(path), "/intranet/request/letter?id=%lld"
	    "&kind=refusal", id);
	get(&r, path, 200);
	http_assert_page(&r, lang);
	assert_true(http_body_has(&r, invoice));
	assert_true(http_body_has(&r, last_day));
	assert_true(http_body_has(&r, "Accounting Act 1336/1997 2:10 §"));
	assert_true(http_body_has(&r, "GDPR Art. 17(3)(e)"));
	/* in the reasons' textarea and the preview: twice and more */
	assert_true(body_count(&r, last_day) >= 3);
	http_resp_free(&r);
	/* saved reasons are the staff's: the holds are listed, not forced */
	post(&r, "/intranet/request/letter", id, "kind", "refusal", "action",
	    "save", "scope", "part", "refused", "Tilaukset / the orders",
	    "basis", "legal_obligation", "reasons", "Omin sanoin.", NULL);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	get(&r, path, 200);
	assert_true(http_body_has(&r, "Omin sanoin."));
	assert_int_equal(body_count(&r, last_day), 1);
	http_resp_free(&r);
}

static void
refusal_reasons_from_holds(void **st)
{
	(void)st;
	refusal_from_holds_in("fi", "Teillä on avoin lasku.",
	    "Viimeinen päivä: 31.12.2031");
	refusal_from_holds_in("en", "You have an open invoice.",
	    "Last day: 31 December 2031");
}

/* Every request type from the public form to a closed case with its letter marked sent. */
static void
every_type_to_the_end(void **st)
{
	static const char *const types[] = { "access", "rectification",
	    "erasure", "restriction", "objection", "portability",
	    "ban_advertising", "ban_distance_selling", "ban_direct_marketing",
	    "ban_research", "ban_publication", "ban_disclosure",
	    "anonymisation" };
	struct http_resp r;
	char field[48];

	(void)st;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		long long id = file_request(i % 2 ? "en" : "fi", types[i],
		    "Tyyppi Testi", "tyyppi@example.org");

		post(&r, "/intranet/request/start", id, NULL);
		assert_int_equal(r.status, 303);
		http_resp_free(&r);
		post(&r, "/intranet/request/identity", id, "method", "other",
		    "note", "Verrattu", NULL);
		assert_int_equal(r.status, 303);
		http_resp_free(&r);
		post(&r, "/intranet/request/answer", id, "note", "Tehty", NULL);
		assert_int_equal(r.status, 303);
		http_resp_free(&r);
		snprintf(field, sizeof(field), "type.%s", types[i]);
		post(&r, "/intranet/request/letter", id, "kind", "answer",
		    "action", "save", field, "Tehty pyynnön mukaan.", NULL);
		assert_int_equal(r.status, 303);
		http_resp_free(&r);
		post(&r, "/intranet/request/letter", id, "kind", "answer",
		    "action", "send", "via", "post", NULL);
		assert_int_equal(r.status, 303);
		http_resp_free(&r);
		assert_int_equal(num("SELECT count(*) FROM requests r JOIN"
		    " request_letters l ON l.request_id = r.id WHERE r.id = ?1 AND"
		    " r.status = 'answered' AND l.kind = 'answer' AND l.sent_at IS"
		    " NOT NULL AND instr(l.content, 'Tehty pyynnön mukaan.') > 0",
		    id), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extension),
		cmocka_unit_test(answer_letter),
		cmocka_unit_test(refusal_certificates),
		cmocka_unit_test(refusal_reasons_from_holds),
		cmocka_unit_test(every_type_to_the_end),
	};

	return http_group_main("letters", tests, sizeof(tests) / sizeof(tests[0]),
	    setup);
}
