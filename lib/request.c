/* request.c — see request.h. */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "request.h"
#include "validate.h"

enum rkind {
	K_TEXT,		/* one line */
	K_EMAIL,
	K_PHONE,
	K_ADDRESS,	/* lines, joined into one */
	K_CUSTNO,
	K_MULTILINE
};

struct rdef {
	enum rkind	 kind;
	size_t		 max;	/* characters */
};

/* The one table of fields: validator and limit. */
static const struct rdef defs[RF__MAX] = {
	[RF_NAME] =		{ K_TEXT, 100 },
	[RF_ORGANISATION] =	{ K_TEXT, 100 },
	[RF_EMAIL] =		{ K_EMAIL, 254 },
	[RF_PHONE] =		{ K_PHONE, 40 },
	[RF_ADDRESS] =		{ K_ADDRESS, 200 },
	[RF_CUSTOMER_NUMBER] =	{ K_CUSTNO, 20 },
	[RF_TEXT] =		{ K_MULTILINE, 2000 },
};

const char *const rfield_names[RF__MAX] = {
	"name", "organisation", "email", "phone", "address", "customer_number",
	"free_text",
};

const unsigned rfield_max[RF__MAX] = { 100, 100, 254, 40, 200, 20, 2000 };

const char *const request_idmethod_names[RID__MAX] = {
	"email_code", "record_match", "other",
};

#define NOTE_MAX	500
#define SEQ_MAX		999999
#define SECRET_BYTES	crypto_auth_KEYBYTES

/* Statements, prepared once per process. */
enum stmt {
	S_SECRET_MAKE,
	S_SECRET_GET,
	S_FORM_USED,
	S_RATE_SWEEP,
	S_RATE_COUNT,
	S_RATE_ADD,
	S_NEXT_SEQ,
	S_INSERT,
	S_MAIL_FAILED,
	S_BY_TOKEN,
	S_BY_ID,
	S_CONFIRM,
	S_CONFIRMED,
	S_COUNT,
	S_LIST,
	S_IDENTITY,
	S_PAPER,
	S__MAX
};

/* The columns every read has, then the personal ones (FULL_COLS). */
#define BASE_COLS "id, number, received, deadline, types, lang, key_id," \
	" status, mail_state, coalesce(email_confirmed_at, '')," \
	" coalesce(identity_method, ''), identity_note, coalesce(identity_by, 0)," \
	" coalesce(identity_at, ''), coalesce(paper_received_at, '')," \
	" coalesce(paper_by, 0)"
#define NBASE 16
#define FULL_COLS BASE_COLS ", name, organisation, email, phone, address," \
	" customer_number, free_text, code"

static const char *const sql[S__MAX] = {
	[S_SECRET_MAKE] = "INSERT OR IGNORE INTO request_secret (id, secret)"
	    " VALUES (1, ?1)",
	[S_SECRET_GET] = "SELECT secret FROM request_secret WHERE id = 1",
	[S_FORM_USED] = "SELECT 1 FROM requests WHERE form_id = ?1",
	[S_RATE_SWEEP] = "DELETE FROM request_rate WHERE minute <= ?1",
	[S_RATE_COUNT] = "SELECT coalesce(sum(n), 0) FROM request_rate"
	    " WHERE addr_hash = ?1",
	[S_RATE_ADD] = "INSERT INTO request_rate (addr_hash, minute, n)"
	    " VALUES (?1, ?2, 1) ON CONFLICT (addr_hash, minute)"
	    " DO UPDATE SET n = n + 1",
	/* max() over a range of the number's index: no scan */
	[S_NEXT_SEQ] = "SELECT coalesce(CAST(substr(max(number), 9) AS INTEGER),"
	    " 0) + 1 FROM requests WHERE number > ?1 AND number < ?2",
	[S_INSERT] = "INSERT INTO requests (number, received, deadline, types,"
	    " lang, name, organisation, email, phone, address, customer_number,"
	    " free_text, text_sha256, key_id, code, form_id, token_hash,"
	    " confirm_hash, mail_state) VALUES (?1, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
	[S_MAIL_FAILED] = "UPDATE requests SET mail_state = 'failed'"
	    " WHERE number = ?1",
	[S_BY_TOKEN] = "SELECT " FULL_COLS " FROM requests WHERE token_hash = ?1",
	[S_BY_ID] = "SELECT " FULL_COLS " FROM requests WHERE id = ?1",
	[S_CONFIRM] = "UPDATE requests SET email_confirmed_at = ?2"
	    " WHERE confirm_hash = ?1 AND email_confirmed_at IS NULL",
	[S_CONFIRMED] = "SELECT number, email_confirmed_at IS NOT NULL"
	    " FROM requests WHERE confirm_hash = ?1",
	[S_COUNT] = "SELECT count(*) FROM requests",
	[S_LIST] = "SELECT " BASE_COLS " FROM requests ORDER BY id DESC"
	    " LIMIT ?1 OFFSET ?2",
	[S_IDENTITY] = "UPDATE requests SET identity_method = ?2,"
	    " identity_note = ?3, identity_by = ?4, identity_at = ?5"
	    " WHERE id = ?1",
	[S_PAPER] = "UPDATE requests SET paper_received_at = ?2, paper_by = ?3"
	    " WHERE id = ?1 AND paper_received_at IS NULL",
};

static sqlite3 *db_of;
static sqlite3_stmt *st[S__MAX];
static unsigned char secret[SECRET_BYTES];
static int lock_fd = -1;

/* ---- the form ---------------------------------------------------------- */

void
request_form_free(struct request_form *f)
{
	for (int i = 0; i < RF__MAX; i++)
		free(f->v[i]);
	memset(f, 0, sizeof(*f));
}

/*
 * Join the lines of a validated multi-line value into one, in place (s
 * has cap bytes): "Katu 1\n00100 Helsinki" → "Katu 1, 00100 Helsinki";
 * blank lines and the white space around line breaks go. A tab cannot go
 * into a one-line ticket field. NULL, or a message key.
 */
static const char *
join_lines(char *s, size_t cap)
{
	struct buf b = BUF_INIT;
	const char *line = s;

	if (strchr(s, '\t') != NULL)
		return "val.bad_chars";
	while (line != NULL) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl :
		    line + strlen(line);

		while (line < end && (*line == ' ' || *line == '\r'))
			line++;
		while (end > line && (end[-1] == ' ' || end[-1] == '\r'))
			end--;
		if (end > line) {
			if (b.len > 0)
				buf_adds(&b, ", ");
			buf_add(&b, line, (size_t)(end - line));
		}
		line = nl ? nl + 1 : NULL;
	}
	if (b.len >= cap) {
		buf_free(&b);
		return "val.too_long";
	}
	if (b.len > 0)
		memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	buf_free(&b);
	return NULL;
}

/* Validate one value; NULL or a message key. out gets the normal form. */
static const char *
check(const struct rdef *d, const char *in, char *out, size_t outlen)
{
	const char *why;

	switch (d->kind) {
	case K_TEXT:
		return val_text(in, d->max, out, outlen);
	case K_EMAIL:
		return val_email(in, out, outlen);
	case K_PHONE:
		return val_phone(in, "358", out, outlen);
	case K_ADDRESS:
		if ((why = val_multiline(in, d->max, out, outlen)) == NULL)
			why = join_lines(out, outlen);
		return why;
	case K_CUSTNO:
		if ((why = val_text(in, d->max, out, outlen)) != NULL)
			return why;
		for (char *p = out; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-')
				return "request.err.customer_number";
			*p = (char)toupper((unsigned char)*p);
		}
		return NULL;
	case K_MULTILINE:
		return val_multiline(in, d->max, out, outlen);
	}
	return "val.bad_chars";
}

/* A token as sent: kept only when it has a token's characters and size. */
static void
copy_token(const char *in, char out[REQUEST_FORM_TOKEN_MAX])
{
	size_t n = in ? strlen(in) : 0;

	out[0] = '\0';
	if (n == 0 || n >= REQUEST_FORM_TOKEN_MAX ||
	    strspn(in, "0123456789abcdef.") != n)
		return;
	memcpy(out, in, n + 1);
}

int
request_from_form(const struct kvlist *form, struct request_form *f)
{
	static char out[16384];
	const char *hp;
	int bad = 0;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < RF__MAX; i++) {
		const char *in = kv_get(form, rfield_names[i]), *why;

		if (in == NULL)
			in = "";
		if (kv_count(form, rfield_names[i]) > 1)
			why = "val.twice";
		else
			why = check(&defs[i], in, out, sizeof(out));
		if (why != NULL) {
			f->errs[i] = why;
			f->v[i] = xstrdup(in);	/* shown again as typed */
			bad++;
		} else
			f->v[i] = xstrdup(out);
	}
	for (size_t i = 0; i < form->n; i++) {
		int t;

		if (strcmp(form->v[i].key, REQUEST_KEY_TYPE) != 0)
			continue;
		if ((t = rtype_parse(form->v[i].val)) < 0)
			f->types_err = "request.err.type_unknown";
		else
			f->types |= 1u << t;
	}
	if (f->types_err == NULL && f->types == 0)
		f->types_err = "request.err.types";
	if (f->types_err != NULL)
		bad++;
	/* a name, and somewhere to send the answer */
	if (f->errs[RF_NAME] == NULL && f->v[RF_NAME][0] == '\0') {
		f->errs[RF_NAME] = "val.required";
		bad++;
	}
	if (f->errs[RF_EMAIL] == NULL && f->errs[RF_ADDRESS] == NULL &&
	    f->v[RF_EMAIL][0] == '\0' && f->v[RF_ADDRESS][0] == '\0') {
		f->errs[RF_EMAIL] = "request.err.contact";
		bad++;
	}
	/* rectification: what is wrong and what is right */
	if ((f->types & (1u << RT_RECTIFICATION)) && f->errs[RF_TEXT] == NULL &&
	    f->v[RF_TEXT][0] == '\0') {
		f->errs[RF_TEXT] = "request.err.text_rectification";
		bad++;
	}
	/* everything together must fit one signed ticket (and its QR code) */
	if (bad == 0) {
		struct ticket t;
		struct buf c = BUF_INIT;

		memset(&t, 0, sizeof(t));
		snprintf(t.number, sizeof(t.number), "TS-2026-000001");
		snprintf(t.received, sizeof(t.received), "2026-01-01T00:00:00Z");
		snprintf(t.key_id, sizeof(t.key_id), "0000000000000000");
		t.types = f->types;
		t.name = f->v[RF_NAME];
		t.organisation = f->v[RF_ORGANISATION];
		t.email = f->v[RF_EMAIL];
		t.phone = f->v[RF_PHONE];
		t.address = f->v[RF_ADDRESS];
		t.customer_number = f->v[RF_CUSTOMER_NUMBER];
		ticket_text_hash(f->v[RF_TEXT], t.text_sha256);
		if (ticket_canonical(&t, &c) != 0) {
			f->errs[f->v[RF_ADDRESS][0] ? RF_ADDRESS : RF_NAME] =
			    "request.err.total";
			bad++;
		}
		buf_free(&c);
	}
	hp = kv_get(form, REQUEST_KEY_HONEYPOT);
	f->honeypot = hp != NULL && hp[0] != '\0';
	copy_token(kv_count(form, REQUEST_KEY_TOKEN) == 1 ?
	    kv_get(form, REQUEST_KEY_TOKEN) : NULL, f->token);
	return bad;
}

/* ---- set-up ------------------------------------------------------------ */

int
request_prepare(sqlite3 *db, const char *lock_path)
{
	const void *blob;
	int rc;

	if (db_prepare_all(db, sql, S__MAX, st) != 0)
		return -1;
	db_of = db;
	randombytes_buf(secret, sizeof(secret));
	sqlite3_bind_blob(st[S_SECRET_MAKE], 1, secret, sizeof(secret),
	    SQLITE_STATIC);
	rc = sqlite3_step(st[S_SECRET_MAKE]);
	sqlite3_reset(st[S_SECRET_MAKE]);
	sodium_memzero(secret, sizeof(secret));
	if (rc != SQLITE_DONE && rc != SQLITE_READONLY) {
		LOG_ERR("cannot store the form secret: %s", sqlite3_errmsg(db));
		goto fail;
	}
	if (sqlite3_step(st[S_SECRET_GET]) != SQLITE_ROW ||
	    sqlite3_column_bytes(st[S_SECRET_GET], 0) != SECRET_BYTES ||
	    (blob = sqlite3_column_blob(st[S_SECRET_GET], 0)) == NULL) {
		sqlite3_reset(st[S_SECRET_GET]);
		LOG_ERR("no form secret in the database");
		goto fail;
	}
	memcpy(secret, blob, SECRET_BYTES);
	sqlite3_reset(st[S_SECRET_GET]);
	if (lock_path != NULL &&
	    (lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		LOG_ERR("%s: %s", lock_path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	request_finalize();
	return -1;
}

void
request_finalize(void)
{
	db_finalize_all(st, S__MAX);
	sodium_memzero(secret, sizeof(secret));
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	db_of = NULL;
}

/* The writers' lock (request_prepare); no-ops without a lock file. */
static void
writer_lock(void)
{
	while (lock_fd >= 0 && flock(lock_fd, LOCK_EX) != 0 && errno == EINTR)
		;
}

static void
writer_unlock(void)
{
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_UN);
}

/* ---- form tokens ------------------------------------------------------- */

static void
token_mac(const char *issued_id, char hex[crypto_auth_BYTES * 2 + 1])
{
	unsigned char mac[crypto_auth_BYTES];
	struct buf m = BUF_INIT;

	buf_addf(&m, "rekisteri-form:%s", issued_id);
	crypto_auth(mac, (const unsigned char *)m.data, m.len, secret);
	sodium_bin2hex(hex, crypto_auth_BYTES * 2 + 1, mac, sizeof(mac));
	buf_free(&m);
}

void
request_form_token(time_t now, char out[REQUEST_FORM_TOKEN_MAX])
{
	unsigned char id[16];
	char idhex[REQUEST_FORM_ID_HEX], body[54], mac[crypto_auth_BYTES * 2 + 1];

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	snprintf(body, sizeof(body), "%lld.%s", (long long)now, idhex);
	token_mac(body, mac);
	snprintf(out, REQUEST_FORM_TOKEN_MAX, "%s.%s", body, mac);
}

static int
is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

enum request_token
request_token_check(const char *token, time_t now, int lifetime_min,
    char form_id[REQUEST_FORM_ID_HEX])
{
	char body[REQUEST_FORM_TOKEN_MAX], mac[crypto_auth_BYTES * 2 + 1];
	char *dot1, *dot2, *end;
	long long issued;

	form_id[0] = '\0';
	if (token == NULL || strlen(token) >= sizeof(body))
		return RTOK_BAD;
	memcpy(body, token, strlen(token) + 1);
	if ((dot1 = strchr(body, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL)
		return RTOK_BAD;
	*dot2 = '\0';
	*dot1 = '\0';
	if (!isdigit((unsigned char)body[0]) || strlen(body) > 12 ||
	    !is_hex(dot1 + 1, REQUEST_FORM_ID_HEX - 1) ||
	    !is_hex(dot2 + 1, sizeof(mac) - 1))
		return RTOK_BAD;
	issued = strtoll(body, &end, 10);
	if (*end != '\0')
		return RTOK_BAD;
	*dot1 = '.';
	token_mac(body, mac);
	if (sodium_memcmp(mac, dot2 + 1, sizeof(mac) - 1) != 0)
		return RTOK_BAD;
	/* a minute's grace for clocks; nothing from further ahead */
	if (issued > (long long)now + 60 ||
	    (long long)now - issued > (long long)lifetime_min * 60)
		return RTOK_EXPIRED;
	memcpy(form_id, dot1 + 1, REQUEST_FORM_ID_HEX);
	return RTOK_OK;
}

/* ---- storing ------------------------------------------------------------ */

/* A link token (hex into out) and its SHA-256 (into hash). */
static void
link_token(char out[REQUEST_LINK_HEX], unsigned char hash[crypto_hash_sha256_BYTES])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, REQUEST_LINK_HEX, b, sizeof(b));
	crypto_hash_sha256(hash, (const unsigned char *)out, REQUEST_LINK_HEX - 1);
}

static void
utc_now(time_t now, char out[24])
{
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Step a statement that returns one integer; -1 on error. */
static long long
one_int(sqlite3_stmt *s)
{
	long long v = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

static int
step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db_of));
		return -1;
	}
	return 0;
}

/*
 * The rate limit's key for a client address: a keyed hash (the address
 * itself is never stored) of an IPv4 address, or of an IPv6 address's /64
 * network, since one subscriber holds a whole /64 and could walk it.
 */
static void
rate_key(const char *client, unsigned char out[16])
{
	unsigned char v6[16];

	if (strchr(client, ':') != NULL && inet_pton(AF_INET6, client, v6) == 1) {
		memset(v6 + 8, 0, 8);
		crypto_generichash(out, 16, v6, sizeof(v6), secret,
		    sizeof(secret));
	} else
		crypto_generichash(out, 16, (const unsigned char *)client,
		    strlen(client), secret, sizeof(secret));
}

/* A statement without results, outside the prepared set; 0 or -1. */
static int
exec_sql(sqlite3 *db, const char *text)
{
	return sqlite3_exec(db, text, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * One request inside the caller's transaction, in a savepoint of its own:
 * a refusal or a failure takes back only this request's rows, so a batch
 * can go on with the next. out is cleared unless RQ_STORED.
 */
static enum request_result
store_one(sqlite3 *db, const struct ticket_keys *keys,
    const struct request_form *f, const char *form_id, const char *client,
    int rate_limit, enum lang lang, int mail, struct request_stored *out)
{
	unsigned char addr[16], th[crypto_hash_sha256_BYTES],
	    ch[crypto_hash_sha256_BYTES];
	struct ticket t;
	struct buf code = BUF_INIT;
	enum request_result res = RQ_ERROR;
	time_t now = time(NULL);
	long long seq, count;
	int year, used;
	sqlite3_stmt *s;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (client == NULL)
		client = "";
	rate_key(client, addr);
	utc_now(now, out->received);
	if (fmt_deadline(out->received, out->deadline, sizeof(out->deadline)) != 0) {
		LOG_ERR("no deadline for %s", out->received);
		return RQ_ERROR;
	}
	year = (int)strtol(out->received, NULL, 10);	/* our own "YYYY-..." */
	if (exec_sql(db, "SAVEPOINT one") != 0)
		return RQ_ERROR;
	/* each form once */
	sqlite3_bind_text(st[S_FORM_USED], 1, form_id, -1, SQLITE_STATIC);
	used = sqlite3_step(st[S_FORM_USED]);
	sqlite3_reset(st[S_FORM_USED]);
	if (used == SQLITE_ROW) {
		res = RQ_USED;
		goto out;
	}
	if (used != SQLITE_DONE)
		goto out;
	/* at most rate_limit in the last hour from this address */
	sqlite3_bind_int64(st[S_RATE_SWEEP], 1, (long long)now / 60 - 60);
	if (step_done(st[S_RATE_SWEEP]) != 0)
		goto out;
	sqlite3_bind_blob(st[S_RATE_COUNT], 1, addr, sizeof(addr), SQLITE_STATIC);
	if ((count = one_int(st[S_RATE_COUNT])) < 0)
		goto out;
	if (count >= rate_limit) {
		res = RQ_REFUSED;
		goto out;
	}
	/* the next number of the year */
	{
		char lo[16], hi[16];

		snprintf(lo, sizeof(lo), "TS-%04d-", year);
		snprintf(hi, sizeof(hi), "TS-%04d.", year);	/* '.' follows '-' */
		sqlite3_bind_text(st[S_NEXT_SEQ], 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st[S_NEXT_SEQ], 2, hi, -1, SQLITE_TRANSIENT);
	}
	if ((seq = one_int(st[S_NEXT_SEQ])) < 1 || seq > SEQ_MAX) {
		LOG_ERR("no ticket number left in %d", year);
		goto out;
	}
	snprintf(out->number, sizeof(out->number), "TS-%04d-%06lld", year, seq);
	link_token(out->token, th);
	if (f->v[RF_EMAIL][0] != '\0')
		link_token(out->confirm, ch);
	/* sign */
	memcpy(t.number, out->number, sizeof(t.number));
	memcpy(t.received, out->received, sizeof(t.received));
	t.types = f->types;
	t.name = xstrdup(f->v[RF_NAME]);
	t.organisation = xstrdup(f->v[RF_ORGANISATION]);
	t.email = xstrdup(f->v[RF_EMAIL]);
	t.phone = xstrdup(f->v[RF_PHONE]);
	t.address = xstrdup(f->v[RF_ADDRESS]);
	t.customer_number = xstrdup(f->v[RF_CUSTOMER_NUMBER]);
	ticket_text_hash(f->v[RF_TEXT], t.text_sha256);
	if (ticket_sign(keys, &t, &code) != 0) {
		LOG_ERR("cannot sign ticket %s", out->number);
		goto out;
	}
	/* the row */
	s = st[S_INSERT];
	sqlite3_bind_text(s, 1, out->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, out->received, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, out->deadline, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)f->types);
	sqlite3_bind_text(s, 7, lang_codes[lang], -1, SQLITE_STATIC);
	for (int i = 0; i < RF__MAX; i++)
		sqlite3_bind_text(s, 8 + i, f->v[i], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, t.text_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, t.key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 17, buf_cstr(&code), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 18, form_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 19, th, sizeof(th), SQLITE_STATIC);
	if (out->confirm[0] != '\0')
		sqlite3_bind_blob(s, 20, ch, sizeof(ch), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 20);
	sqlite3_bind_text(s, 21, mail && out->confirm[0] != '\0' ? "sent" :
	    "none", -1, SQLITE_STATIC);
	if (step_done(s) != 0)
		goto out;
	sqlite3_bind_blob(st[S_RATE_ADD], 1, addr, sizeof(addr), SQLITE_STATIC);
	sqlite3_bind_int64(st[S_RATE_ADD], 2, (long long)now / 60);
	if (step_done(st[S_RATE_ADD]) != 0)
		goto out;
	res = RQ_STORED;
out:
	if (res != RQ_STORED)
		(void)exec_sql(db, "ROLLBACK TO one");
	if (exec_sql(db, "RELEASE one") != 0)
		res = RQ_ERROR;
	/* nothing was stored: no number or link may leave here */
	if (res != RQ_STORED)
		memset(out, 0, sizeof(*out));
	for (int i = 0; i < S__MAX; i++)
		sqlite3_clear_bindings(st[i]);
	ticket_free(&t);
	buf_free(&code);
	return res;
}

enum request_result
request_store(sqlite3 *db, const struct ticket_keys *keys,
    const struct request_form *f, const char *form_id, const char *client,
    int rate_limit, enum lang lang, int mail, struct request_stored *out)
{
	enum request_result res = RQ_ERROR;

	memset(out, 0, sizeof(*out));
	writer_lock();
	if (db_begin(db) == 0) {
		res = store_one(db, keys, f, form_id, client, rate_limit, lang,
		    mail, out);
		if (res == RQ_STORED && db_commit(db) != 0)
			res = RQ_ERROR;
		if (res != RQ_STORED)
			db_rollback(db);
	}
	writer_unlock();
	if (res != RQ_STORED)
		memset(out, 0, sizeof(*out));
	return res;
}

int
request_store_batch(sqlite3 *db, const struct ticket_keys *keys,
    struct request_job *jobs, size_t n, int rate_limit)
{
	int rc = 0;

	writer_lock();
	if (db_begin(db) != 0) {
		for (size_t i = 0; i < n; i++) {
			jobs[i].res = RQ_ERROR;
			memset(&jobs[i].out, 0, sizeof(jobs[i].out));
		}
		writer_unlock();
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		jobs[i].res = store_one(db, keys, &jobs[i].f, jobs[i].form_id,
		    jobs[i].client, rate_limit, jobs[i].lang, jobs[i].mail,
		    &jobs[i].out);
	}
	/* one commit, one fsync, for every request of the batch */
	if (db_commit(db) != 0) {
		db_rollback(db);
		for (size_t i = 0; i < n; i++)
			if (jobs[i].res == RQ_STORED) {
				jobs[i].res = RQ_ERROR;
				memset(&jobs[i].out, 0, sizeof(jobs[i].out));
			}
		rc = -1;
	}
	writer_unlock();
	return rc;
}

int
request_mail_failed(sqlite3 *db, const char *number)
{
	int rc;

	(void)db;
	writer_lock();
	sqlite3_bind_text(st[S_MAIL_FAILED], 1, number, -1, SQLITE_STATIC);
	rc = step_done(st[S_MAIL_FAILED]);
	sqlite3_clear_bindings(st[S_MAIL_FAILED]);
	writer_unlock();
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

void
request_free(struct request *r)
{
	for (int i = 0; i < RF__MAX; i++)
		free(r->v[i]);
	free(r->code);
	free(r->identity_note);
	memset(r, 0, sizeof(*r));
}

static void
col_copy(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	snprintf(dst, len, "%s", v ? (const char *)v : "");
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return xstrdup(v ? (const char *)v : "");
}

/* Read a row of BASE_COLS (and, with full, the personal columns) into r. */
static void
row_read(sqlite3_stmt *s, struct request *r, int full)
{
	const unsigned char *l;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	col_copy(s, 1, r->number, sizeof(r->number));
	col_copy(s, 2, r->received, sizeof(r->received));
	col_copy(s, 3, r->deadline, sizeof(r->deadline));
	r->types = (unsigned)sqlite3_column_int64(s, 4);
	l = sqlite3_column_text(s, 5);
	r->lang = l != NULL && strcmp((const char *)l, "en") == 0 ? LANG_EN :
	    LANG_FI;
	col_copy(s, 6, r->key_id, sizeof(r->key_id));
	col_copy(s, 7, r->status, sizeof(r->status));
	col_copy(s, 8, r->mail_state, sizeof(r->mail_state));
	col_copy(s, 9, r->email_confirmed_at, sizeof(r->email_confirmed_at));
	col_copy(s, 10, r->identity_method, sizeof(r->identity_method));
	r->identity_note = col_dup(s, 11);
	r->identity_by = sqlite3_column_int64(s, 12);
	col_copy(s, 13, r->identity_at, sizeof(r->identity_at));
	col_copy(s, 14, r->paper_received_at, sizeof(r->paper_received_at));
	r->paper_by = sqlite3_column_int64(s, 15);
	if (!full)
		return;
	for (int i = 0; i < RF__MAX; i++)
		r->v[i] = col_dup(s, NBASE + i);
	r->code = col_dup(s, NBASE + RF__MAX);
}

/* Step s (bound) for one full row: 0, 1 none, -1. */
static int
get_one(sqlite3_stmt *s, struct request *r)
{
	int rc = sqlite3_step(s);

	memset(r, 0, sizeof(*r));
	if (rc == SQLITE_ROW)
		row_read(s, r, 1);
	else if (rc != SQLITE_DONE)
		LOG_ERR("%s", sqlite3_errmsg(db_of));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
request_get(sqlite3 *db, long long id, struct request *r)
{
	(void)db;
	sqlite3_bind_int64(st[S_BY_ID], 1, id);
	return get_one(st[S_BY_ID], r);
}

/* SHA-256 of a link token, when it is one (32 hex digits): 0, else -1. */
static int
link_hash(const char *token, unsigned char hash[crypto_hash_sha256_BYTES])
{
	if (token == NULL || !is_hex(token, REQUEST_LINK_HEX - 1))
		return -1;
	crypto_hash_sha256(hash, (const unsigned char *)token,
	    REQUEST_LINK_HEX - 1);
	return 0;
}

int
request_by_token(sqlite3 *db, const char *token, struct request *r)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	(void)db;
	memset(r, 0, sizeof(*r));
	if (link_hash(token, h) != 0)
		return 1;
	sqlite3_bind_blob(st[S_BY_TOKEN], 1, h, sizeof(h), SQLITE_TRANSIENT);
	return get_one(st[S_BY_TOKEN], r);
}

int
request_confirm(sqlite3 *db, const char *ctoken, int record, char number[24])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char now[24];
	int rc, changed = 0;

	number[0] = '\0';
	if (link_hash(ctoken, h) != 0)
		return 1;
	if (!record)
		goto look;
	utc_now(time(NULL), now);
	writer_lock();
	sqlite3_bind_blob(st[S_CONFIRM], 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_CONFIRM], 2, now, -1, SQLITE_TRANSIENT);
	rc = step_done(st[S_CONFIRM]);
	sqlite3_clear_bindings(st[S_CONFIRM]);
	changed = sqlite3_changes(db);
	writer_unlock();
	if (rc != 0)
		return -1;
look:
	sqlite3_bind_blob(st[S_CONFIRMED], 1, h, sizeof(h), SQLITE_TRANSIENT);
	rc = sqlite3_step(st[S_CONFIRMED]);
	if (rc == SQLITE_ROW) {
		col_copy(st[S_CONFIRMED], 0, number, 24);
		if (!record && sqlite3_column_int(st[S_CONFIRMED], 1))
			changed = -1;
	}
	sqlite3_reset(st[S_CONFIRMED]);
	sqlite3_clear_bindings(st[S_CONFIRMED]);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return -1;
	if (!record)
		return changed < 0 ? 2 : 0;
	return changed > 0 ? 0 : 2;
}

int
request_list(sqlite3 *db, int page, int per_page, struct request **rows,
    size_t *n, long long *total)
{
	sqlite3_stmt *s = st[S_LIST];
	size_t cap = 0;
	int rc;

	(void)db;
	*rows = NULL;
	*n = 0;
	if (page < 1 || per_page < 1 || per_page > 500)
		return -1;
	if ((*total = one_int(st[S_COUNT])) < 0)
		return -1;
	sqlite3_bind_int(s, 1, per_page);
	sqlite3_bind_int64(s, 2, (long long)(page - 1) * per_page);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*rows = xrealloc(*rows, cap * sizeof(**rows));
		}
		row_read(s, &(*rows)[(*n)++], 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db_of));
		request_list_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
request_list_free(struct request *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		request_free(&rows[i]);
	free(rows);
}

/* ---- reception ----------------------------------------------------------- */

int
request_idmethod_parse(const char *s)
{
	for (int i = 0; s != NULL && i < RID__MAX; i++)
		if (strcmp(s, request_idmethod_names[i]) == 0)
			return i;
	return -1;
}

int
request_identity(sqlite3 *db, long long id, enum request_idmethod how,
    const char *note, long long user_id, const char **why)
{
	char clean[NOTE_MAX * 4 + 1], now[24];
	sqlite3_stmt *s = st[S_IDENTITY];
	int rc;

	*why = NULL;
	if ((unsigned)how >= RID__MAX || user_id <= 0)
		return -1;
	if (val_text(note ? note : "", NOTE_MAX, clean, sizeof(clean)) != NULL ||
	    (how == RID_OTHER && clean[0] == '\0')) {
		*why = "request.err.note";
		return 1;
	}
	utc_now(time(NULL), now);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, request_idmethod_names[how], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, clean, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, user_id);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_TRANSIENT);
	rc = step_done(s);
	sqlite3_clear_bindings(s);
	if (rc != 0)
		return -1;
	if (sqlite3_changes(db) == 0) {
		*why = "request.none";
		return 1;
	}
	return 0;
}

int
request_paper(sqlite3 *db, const struct ticket_keys *keys, long long id,
    const char *code, long long user_id, const char **why)
{
	struct request r;
	struct ticket t;
	char now[24];
	int rc;

	*why = NULL;
	if (user_id <= 0)
		return -1;
	if ((rc = request_get(db, id, &r)) != 0) {
		if (rc == 1)
			*why = "request.none";
		return rc;
	}
	memset(&t, 0, sizeof(t));
	if ((rc = ticket_verify(keys, code ? code : "", &t, why)) != 0)
		goto out;
	if (strcmp(t.number, r.number) != 0) {
		*why = "request.paper.other_ticket";
		rc = 1;
		goto out;
	}
	if (r.paper_received_at[0] != '\0') {
		*why = "request.paper.already";
		rc = 1;
		goto out;
	}
	utc_now(time(NULL), now);
	sqlite3_bind_int64(st[S_PAPER], 1, id);
	sqlite3_bind_text(st[S_PAPER], 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st[S_PAPER], 3, user_id);
	rc = step_done(st[S_PAPER]);
	sqlite3_clear_bindings(st[S_PAPER]);
	if (rc == 0 && sqlite3_changes(db) == 0) {
		*why = "request.paper.already";
		rc = 1;
	}
out:
	ticket_free(&t);
	request_free(&r);
	return rc;
}

/* ---- pages -------------------------------------------------------------- */

void
request_types_text(unsigned types, enum lang lang, const struct i18n *msgs,
    struct buf *out)
{
	char key[64];
	int first = 1;

	for (int i = 0; i < RT__MAX; i++) {
		if (!(types & (1u << i)))
			continue;
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		if (!first)
			buf_adds(out, ", ");
		buf_adds(out, i18n_msg(msgs, lang, key));
		first = 0;
	}
}

/*
 * Labels are put by value: i18n messages live as long as the catalogue,
 * but the model copies strings anyway; keys are literals.
 */
void
request_to_model(const struct request *r, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *m)
{
	char d[96], key[64], today[11];
	struct tmpl_list *types;
	struct tm tm;
	time_t now = time(NULL);

	tm_int(m, "id", r->id);
	tm_str(m, "number", r->number);
	fmt_datetime(d, sizeof(d), lang, r->received);
	tm_str(m, "received", d);
	tm_str(m, "received_utc", r->received);
	fmt_date(d, sizeof(d), lang, r->deadline);
	tm_str(m, "deadline", d);
	tm_str(m, "deadline_iso", r->deadline);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	tm_bool(m, "overdue", strcmp(today, r->deadline) > 0 &&
	    strcmp(r->status, "done") != 0 && strcmp(r->status, "refused") != 0);
	types = tm_list(m, "types");
	for (int i = 0; i < RT__MAX; i++) {
		struct tmpl_map *t;

		if (!(r->types & (1u << i)))
			continue;
		t = tm_list_map(types);
		tm_str(t, "name", rtype_names[i]);
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		tm_str(t, "label", i18n_msg(msgs, lang, key));
	}
	tm_str(m, "request_lang", lang_codes[r->lang]);
	tm_str(m, "status", r->status);
	snprintf(key, sizeof(key), "request.status.%s", r->status);
	tm_str(m, "status_label", i18n_msg(msgs, lang, key));
	tm_str(m, "mail_state", r->mail_state);
	tm_str(m, "key_id", r->key_id);
	tm_bool(m, "email_confirmed", r->email_confirmed_at[0] != '\0');
	if (r->email_confirmed_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->email_confirmed_at);
		tm_str(m, "email_confirmed_at", d);
	}
	if (r->identity_method[0] != '\0') {
		struct tmpl_map *idm = tm_map(m, "identity");

		tm_str(idm, "method", r->identity_method);
		snprintf(key, sizeof(key), "request.identity.%s",
		    r->identity_method);
		tm_str(idm, "label", i18n_msg(msgs, lang, key));
		tm_str(idm, "note", r->identity_note ? r->identity_note : "");
		tm_int(idm, "by", r->identity_by);
		fmt_datetime(d, sizeof(d), lang, r->identity_at);
		tm_str(idm, "at", d);
	}
	if (r->paper_received_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->paper_received_at);
		tm_str(m, "paper_at", d);
		tm_int(m, "paper_by", r->paper_by);
	}
	if (r->v[0] == NULL)
		return;
	for (int i = 0; i < RF__MAX; i++)
		tm_str(m, rfield_names[i], r->v[i]);
	tm_str(m, "code", r->code ? r->code : "");
}

/* ---- the writer: group commit over a Unix socket ----------------------- */

#define JOB_MAGIC	0x524b4a31u	/* "RKJ1" */
#define WRITER_CLIENTS	256
#define WRITER_BATCH	64

/* A job on the wire: this head, then the fields' bytes in order. */
struct job_head {
	uint32_t	magic;
	uint32_t	types;
	int32_t		lang;
	int32_t		mail;
	char		form_id[REQUEST_FORM_ID_HEX];
	char		client[64];
	uint32_t	len[RF__MAX];
};

struct job_reply {
	uint32_t		magic;
	int32_t			res;
	struct request_stored	out;
};

int
request_writer_path(const char *db_path, char *dst, size_t len)
{
	struct sockaddr_un sa;
	int n = snprintf(dst, len, "%s.writer", db_path);

	return n > 0 && (size_t)n < len && (size_t)n < sizeof(sa.sun_path) ?
	    0 : -1;
}

/* A job from one message; 0, or -1 for a message that is not one of ours. */
static int
job_decode(const char *msg, size_t len, struct request_job *j)
{
	struct job_head h;
	size_t off = sizeof(h);

	memset(j, 0, sizeof(*j));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, msg, sizeof(h));
	if (h.magic != JOB_MAGIC || h.lang < 0 || h.lang >= LANG__MAX ||
	    memchr(h.form_id, '\0', sizeof(h.form_id)) == NULL ||
	    memchr(h.client, '\0', sizeof(h.client)) == NULL)
		return -1;
	for (int i = 0; i < RF__MAX; i++) {
		if (h.len[i] > len - off) {
			request_form_free(&j->f);
			return -1;
		}
		j->f.v[i] = xstrndup(msg + off, h.len[i]);
		off += h.len[i];
	}
	j->f.types = h.types;
	memcpy(j->form_id, h.form_id, sizeof(j->form_id));
	memcpy(j->client, h.client, sizeof(j->client));
	j->lang = (enum lang)h.lang;
	j->mail = h.mail != 0;
	return 0;
}

static void
job_free(struct request_job *j)
{
	request_form_free(&j->f);
}

int
request_writer(sqlite3 *db, const char *path,
    const struct ticket_keys *(*keys)(void *), void *arg, int rate_limit)
{
	static char msg[65536];
	struct sockaddr_un sa;
	struct pollfd pfd[1 + WRITER_CLIENTS];
	struct request_job jobs[WRITER_BATCH];
	int who[WRITER_BATCH], cfd[WRITER_CLIENTS], lfd;
	size_t nc = 0;
	mode_t old;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0) {
		LOG_ERR("socket: %s", strerror(errno));
		return -1;
	}
	(void)unlink(path);
	old = umask(0077);	/* the socket: this user only */
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 128) != 0) {
		umask(old);
		LOG_ERR("%s: %s", path, strerror(errno));
		close(lfd);
		return -1;
	}
	umask(old);
	for (;;) {
		size_t nj = 0, np = 0;

		pfd[np].fd = lfd;
		pfd[np++].events = POLLIN;
		for (size_t i = 0; i < nc; i++) {
			pfd[np].fd = cfd[i];
			pfd[np++].events = POLLIN;
		}
		if (poll(pfd, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			LOG_ERR("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int c;

			/* new ones go after the polled ones: cfd[np - 1 ..] */

			while (nc < WRITER_CLIENTS &&
			    (c = accept(lfd, NULL, NULL)) >= 0) {
				(void)fcntl(c, F_SETFD, FD_CLOEXEC);
				/* accepted sockets do not inherit O_NONBLOCK */
				cfd[nc++] = c;
			}
		}
		/* every job that has arrived: a worker sends one at a time */
		for (size_t i = 1; i < np && nj < WRITER_BATCH; i++) {
			ssize_t n;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(pfd[i].fd, msg, sizeof(msg), MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0 || job_decode(msg, (size_t)n, &jobs[nj]) != 0) {
				if (n > 0)
					LOG_ERR("a malformed job was dropped");
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			who[nj++] = pfd[i].fd;
		}
		/* forget the closed ones; keep the ones accepted this round */
		{
			size_t keep = 0, polled = np - 1;

			for (size_t i = 0; i < nc; i++)
				if (i >= polled || pfd[i + 1].fd >= 0)
					cfd[keep++] = cfd[i];
			nc = keep;
		}
		if (nj == 0)
			continue;
		{
			const struct ticket_keys *k = keys(arg);

			if (k != NULL)
				(void)request_store_batch(db, k, jobs, nj,
				    rate_limit);
			else
				for (size_t i = 0; i < nj; i++)
					jobs[i].res = RQ_ERROR;
		}
		for (size_t i = 0; i < nj; i++) {
			struct job_reply rep;

			memset(&rep, 0, sizeof(rep));
			rep.magic = JOB_MAGIC;
			rep.res = jobs[i].res;
			if (jobs[i].res == RQ_STORED)
				rep.out = jobs[i].out;
			/* a worker that has gone sees no ticket; it is stored */
			(void)send(who[i], &rep, sizeof(rep), MSG_NOSIGNAL |
			    MSG_DONTWAIT);
			job_free(&jobs[i]);
		}
	}
	for (size_t i = 0; i < nc; i++)
		close(cfd[i]);
	close(lfd);
	return -1;
}

/* The worker's connection to the writer, kept between requests. */
static int writer_fd = -1;

static int
writer_connect(const char *path)
{
	struct sockaddr_un sa;
	struct timeval tv = { 10, 0 };
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

enum request_result
request_submit(const char *path, const struct request_form *f,
    const char *form_id, const char *client, enum lang lang, int mail,
    struct request_stored *out)
{
	struct job_head h;
	struct job_reply rep;
	struct buf m = BUF_INIT;
	ssize_t n = -1;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	h.magic = JOB_MAGIC;
	h.types = f->types;
	h.lang = (int32_t)lang;
	h.mail = mail != 0;
	snprintf(h.form_id, sizeof(h.form_id), "%s", form_id);
	snprintf(h.client, sizeof(h.client), "%s", client ? client : "");
	for (int i = 0; i < RF__MAX; i++)
		h.len[i] = (uint32_t)strlen(f->v[i]);
	buf_add(&m, &h, sizeof(h));
	for (int i = 0; i < RF__MAX; i++)
		buf_add(&m, f->v[i], h.len[i]);
	/* a kept connection may have been closed by a restarted writer: once more */
	for (int attempt = 0; attempt < 2 && n < 0; attempt++) {
		if (writer_fd < 0 && (writer_fd = writer_connect(path)) < 0) {
			buf_free(&m);
			return RQ_NO_WRITER;
		}
		if ((n = send(writer_fd, m.data, m.len, MSG_NOSIGNAL)) < 0) {
			close(writer_fd);
			writer_fd = -1;
		}
	}
	buf_free(&m);
	if (n < 0)
		return RQ_NO_WRITER;
	/* sent: from here on, no answer is an error, never a second store */
	n = recv(writer_fd, &rep, sizeof(rep), 0);
	if (n != (ssize_t)sizeof(rep) || rep.magic != JOB_MAGIC) {
		LOG_ERR("no answer from the writer");
		close(writer_fd);
		writer_fd = -1;
		return RQ_ERROR;
	}
	if (rep.res == RQ_STORED)
		*out = rep.out;
	return rep.res == RQ_STORED || rep.res == RQ_USED ||
	    rep.res == RQ_REFUSED ? (enum request_result)rep.res : RQ_ERROR;
}
