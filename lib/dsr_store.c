/* dsr_store.c — data-subject requests in the database: the statements, storing a request with its signed ticket in one transaction (alone or in a group commit), reading them, and the reception's marks. See dsr.h. */
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
#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"

const char *const dsr_idmethod_names[RID__MAX] = {
	"email_code", "record_match", "other",
};

const char *const dsr_channel_names[DCH__MAX] = {
	"form", "letter", "email", "phone", "in_person",
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
	S_STATES,
	S_SAVEPOINT,
	S_ROLLBACK_TO,
	S_RELEASE,
	S__MAX
};

/* The columns every read has, then the personal ones (FULL_COLS). */
#define BASE_COLS "id, number, received, deadline, types, lang, key_id," \
	" status, mail_state, coalesce(email_confirmed_at, '')," \
	" coalesce(identity_method, ''), identity_note, coalesce(identity_by, 0)," \
	" coalesce(identity_at, ''), coalesce(paper_received_at, '')," \
	" coalesce(paper_by, 0), coalesce(asked_at, ''), coalesce(closed_at, '')," \
	" coalesce(extended_at, ''), coalesce(extended_deadline, '')," \
	" coalesce(extension_months, 0), coalesce((SELECT min(sent_at) FROM" \
	" request_letters WHERE request_id = requests.id AND kind = 'extension'" \
	" AND sent_at IS NOT NULL), ''), (SELECT count(*) FROM request_letters" \
	" WHERE request_id = requests.id AND kind <> 'extension' AND sent_at IS" \
	" NOT NULL), channel"
#define NBASE 24
/* The queue's filter (struct dsr_queue): ?1 state, ?2 types, ?3 q. */
#define QUEUE_WHERE "CASE ?1 WHEN 'open' THEN status = 'received' OR" \
	" status = 'in_progress' WHEN 'all' THEN 1 ELSE status = ?1 END" \
	" AND (?2 = 0 OR types & ?2 <> 0) AND (?3 = '' OR number = upper(?3)" \
	" OR instr(lower(name), lower(?3)) > 0)"
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
	    " confirm_hash, mail_state, channel) VALUES (?1, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22)",
	[S_MAIL_FAILED] = "UPDATE requests SET mail_state = 'failed'"
	    " WHERE number = ?1",
	[S_BY_TOKEN] = "SELECT " FULL_COLS " FROM requests WHERE token_hash = ?1",
	[S_BY_ID] = "SELECT " FULL_COLS " FROM requests WHERE id = ?1",
	[S_CONFIRM] = "UPDATE requests SET email_confirmed_at = ?2"
	    " WHERE confirm_hash = ?1 AND email_confirmed_at IS NULL",
	[S_CONFIRMED] = "SELECT number, email_confirmed_at IS NOT NULL, received"
	    " FROM requests WHERE confirm_hash = ?1",
	[S_COUNT] = "SELECT count(*) FROM requests WHERE " QUEUE_WHERE,
	/* the deadline that counts (an extension's, GDPR Art. 12(3)) first */
	[S_LIST] = "SELECT " BASE_COLS ", name FROM requests WHERE " QUEUE_WHERE
	    " ORDER BY coalesce(extended_deadline, deadline), id"
	    " LIMIT ?4 OFFSET ?5",
	[S_IDENTITY] = "UPDATE requests SET identity_method = ?2,"
	    " identity_note = ?3, identity_by = ?4, identity_at = ?5"
	    " WHERE id = ?1",
	[S_PAPER] = "UPDATE requests SET paper_received_at = ?2, paper_by = ?3"
	    " WHERE id = ?1 AND paper_received_at IS NULL",
	[S_STATES] = "SELECT status, count(*) FROM requests GROUP BY status",
	/* one request of a batch (dsr_store_one): prepared, not parsed each time */
	[S_SAVEPOINT] = "SAVEPOINT one",
	[S_ROLLBACK_TO] = "ROLLBACK TO one",
	[S_RELEASE] = "RELEASE one",
};

static sqlite3 *db_of;
static sqlite3_stmt *st[S__MAX];
unsigned char dsr_secret[SECRET_BYTES];
static int lock_fd = -1;

/* ---- set-up ------------------------------------------------------------ */

int
dsr_prepare(sqlite3 *db, const char *lock_path)
{
	const void *blob;
	int rc;

	if (db_prepare_all(db, sql, S__MAX, st) != 0)
		return -1;
	db_of = db;
	randombytes_buf(dsr_secret, sizeof(dsr_secret));
	sqlite3_bind_blob(st[S_SECRET_MAKE], 1, dsr_secret, sizeof(dsr_secret),
	    SQLITE_STATIC);
	rc = sqlite3_step(st[S_SECRET_MAKE]);
	sqlite3_reset(st[S_SECRET_MAKE]);
	sodium_memzero(dsr_secret, sizeof(dsr_secret));
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
	memcpy(dsr_secret, blob, SECRET_BYTES);
	sqlite3_reset(st[S_SECRET_GET]);
	if (lock_path != NULL &&
	    (lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		LOG_ERR("%s: %s", lock_path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dsr_finalize();
	return -1;
}

void
dsr_finalize(void)
{
	db_finalize_all(st, S__MAX);
	sodium_memzero(dsr_secret, sizeof(dsr_secret));
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	db_of = NULL;
}

void
dsr_writer_lock(void)
{
	while (lock_fd >= 0 && flock(lock_fd, LOCK_EX) != 0 && errno == EINTR)
		;
}

void
dsr_writer_unlock(void)
{
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_UN);
}

/* ---- storing ------------------------------------------------------------ */

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
		crypto_generichash(out, 16, v6, sizeof(v6), dsr_secret,
		    sizeof(dsr_secret));
	} else
		crypto_generichash(out, 16, (const unsigned char *)client,
		    strlen(client), dsr_secret, sizeof(dsr_secret));
}

/* A statement without results that may fail unremarked (a savepoint's); 0 or -1. */
static int
step_quiet(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The rate limit at now: RQ_STORED (may go on), RQ_REFUSED, or RQ_ERROR. */
static enum dsr_result
rate_check(const unsigned char addr[16], time_t now, int rate_limit)
{
	long long count;

	sqlite3_bind_int64(st[S_RATE_SWEEP], 1, (long long)now / 60 - 60);
	if (step_done(st[S_RATE_SWEEP]) != 0)
		return RQ_ERROR;
	sqlite3_bind_blob(st[S_RATE_COUNT], 1, addr, 16, SQLITE_STATIC);
	if ((count = one_int(st[S_RATE_COUNT])) < 0)
		return RQ_ERROR;
	return count >= rate_limit ? RQ_REFUSED : RQ_STORED;
}

/* The ticket of form f numbered and received as out says (strings owned by t). */
static void
ticket_of(const struct dsr_form *f, const struct dsr_stored *out,
    struct ticket *t)
{
	memcpy(t->number, out->number, sizeof(t->number));
	memcpy(t->received, out->received, sizeof(t->received));
	t->types = f->types;
	t->name = xstrdup(f->v[RF_NAME]);
	t->organisation = xstrdup(f->v[RF_ORGANISATION]);
	t->email = xstrdup(f->v[RF_EMAIL]);
	t->phone = xstrdup(f->v[RF_PHONE]);
	t->address = xstrdup(f->v[RF_ADDRESS]);
	t->customer_number = xstrdup(f->v[RF_CUSTOMER_NUMBER]);
	ticket_text_hash(f->v[RF_TEXT], t->text_sha256);
}

enum dsr_result
dsr_store_one(sqlite3 *db, const struct ticket_keys *keys,
    const struct dsr_form *f, const struct dsr_origin *o,
    struct dsr_stored *out)
{
	unsigned char addr[16], th[DSR_LINK_KEY], ch[DSR_LINK_KEY];
	struct ticket t;
	struct buf code = BUF_INIT;
	enum dsr_result res = RQ_ERROR;
	time_t now = time(NULL);
	long long seq;
	int year, used;
	sqlite3_stmt *s;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if ((unsigned)o->channel >= DCH__MAX)
		return RQ_ERROR;
	if (o->client != NULL)
		rate_key(o->client, addr);
	if (o->received != NULL)
		snprintf(out->received, sizeof(out->received), "%s", o->received);
	else
		utc_now(now, out->received);
	/* GDPR Art. 12(3): one month from receipt, counted as EU 1182/71 counts */
	if (fmt_deadline(out->received, out->deadline, sizeof(out->deadline)) != 0) {
		LOG_ERR("no deadline for %s", out->received);
		return RQ_ERROR;
	}
	/* the number's year is the year of receipt (UTC; docs/requests.md) */
	year = (int)strtol(out->received, NULL, 10);
	/*
	 * Only in the caller's transaction: were it rolled back (a full disk),
	 * SAVEPOINT would begin one, RELEASE commit this ticket alone, answered failed.
	 */
	if (sqlite3_get_autocommit(db))
		return RQ_ERROR;
	if (step_done(st[S_SAVEPOINT]) != 0)
		return RQ_ERROR;
	/* each form once */
	sqlite3_bind_text(st[S_FORM_USED], 1, o->form_id, -1, SQLITE_STATIC);
	used = sqlite3_step(st[S_FORM_USED]);
	sqlite3_reset(st[S_FORM_USED]);
	if (used == SQLITE_ROW) {
		res = RQ_USED;
		goto out;
	}
	if (used != SQLITE_DONE)
		goto out;
	/* at most rate_limit in the last hour from the form's address */
	if (o->client != NULL && (res = rate_check(addr, now,
	    o->rate_limit)) != RQ_STORED)
		goto out;
	res = RQ_ERROR;
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
	dsr_link_new(out->token, th);
	if (f->v[RF_EMAIL][0] != '\0')
		dsr_link_new(out->confirm, ch);
	/* sign */
	ticket_of(f, out, &t);
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
	sqlite3_bind_text(s, 7, lang_codes[o->lang], -1, SQLITE_STATIC);
	for (int i = 0; i < RF__MAX; i++)
		sqlite3_bind_text(s, 8 + i, f->v[i], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, t.text_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, t.key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 17, buf_cstr(&code), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 18, o->form_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 19, th, sizeof(th), SQLITE_STATIC);
	if (out->confirm[0] != '\0')
		sqlite3_bind_blob(s, 20, ch, sizeof(ch), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 20);
	sqlite3_bind_text(s, 21, o->mail && out->confirm[0] != '\0' ? "sent" :
	    "none", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 22, dsr_channel_names[o->channel], -1,
	    SQLITE_STATIC);
	if (step_done(s) != 0)
		goto out;
	out->id = (long long)sqlite3_last_insert_rowid(db);
	if (o->client != NULL) {
		sqlite3_bind_blob(st[S_RATE_ADD], 1, addr, sizeof(addr),
		    SQLITE_STATIC);
		sqlite3_bind_int64(st[S_RATE_ADD], 2, (long long)now / 60);
		if (step_done(st[S_RATE_ADD]) != 0)
			goto out;
	}
	res = RQ_STORED;
out:
	/* after SQLite rolled the whole transaction back these find no savepoint */
	if (res != RQ_STORED) {
		(void)step_quiet(st[S_ROLLBACK_TO]);
		(void)step_quiet(st[S_RELEASE]);
	} else if (step_done(st[S_RELEASE]) != 0)
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

/* The public form's request: its form id, its client's rate limit, received now. */
static enum dsr_result
store_form(sqlite3 *db, const struct ticket_keys *keys,
    const struct dsr_form *f, const char *form_id, const char *client,
    int rate_limit, enum lang lang, int mail, struct dsr_stored *out)
{
	struct dsr_origin o = { form_id, client ? client : "", rate_limit, NULL,
	    DCH_FORM, lang, mail };

	return dsr_store_one(db, keys, f, &o, out);
}

enum dsr_result
dsr_store(sqlite3 *db, const struct ticket_keys *keys,
    const struct dsr_form *f, const char *form_id, const char *client,
    int rate_limit, enum lang lang, int mail, struct dsr_stored *out)
{
	enum dsr_result res = RQ_ERROR;

	memset(out, 0, sizeof(*out));
	dsr_writer_lock();
	if (db_begin(db) == 0) {
		res = store_form(db, keys, f, form_id, client, rate_limit,
		    lang, mail, out);
		/* (already rolled back by SQLite after a full disk: see below) */
		if (res == RQ_STORED && (sqlite3_get_autocommit(db) ||
		    db_commit(db) != 0))
			res = RQ_ERROR;
		if (res != RQ_STORED && !sqlite3_get_autocommit(db))
			db_rollback(db);
	}
	dsr_writer_unlock();
	if (res != RQ_STORED)
		memset(out, 0, sizeof(*out));
	return res;
}

int
dsr_store_batch(sqlite3 *db, const struct ticket_keys *keys,
    struct dsr_job *jobs, size_t n, int rate_limit)
{
	int rc = 0;

	dsr_writer_lock();
	if (db_begin(db) != 0) {
		for (size_t i = 0; i < n; i++) {
			jobs[i].res = RQ_ERROR;
			memset(&jobs[i].out, 0, sizeof(jobs[i].out));
		}
		dsr_writer_unlock();
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		jobs[i].res = store_form(db, keys, &jobs[i].f, jobs[i].form_id,
		    jobs[i].client, rate_limit, jobs[i].lang, jobs[i].mail,
		    &jobs[i].out);
	}
	/*
	 * one commit, one fsync, for every request of the batch; a full disk
	 * or an I/O error may have rolled the whole transaction back already
	 * (SQLite does so for SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): then
	 * nothing of the batch is stored, and there is nothing to commit
	 */
	if (sqlite3_get_autocommit(db) || db_commit(db) != 0) {
		if (!sqlite3_get_autocommit(db))
			db_rollback(db);
		for (size_t i = 0; i < n; i++)
			if (jobs[i].res == RQ_STORED) {
				jobs[i].res = RQ_ERROR;
				memset(&jobs[i].out, 0, sizeof(jobs[i].out));
			}
		rc = -1;
	}
	dsr_writer_unlock();
	return rc;
}

int
dsr_mail_failed(sqlite3 *db, const char *number)
{
	int rc;

	(void)db;
	dsr_writer_lock();
	sqlite3_bind_text(st[S_MAIL_FAILED], 1, number, -1, SQLITE_STATIC);
	rc = step_done(st[S_MAIL_FAILED]);
	sqlite3_clear_bindings(st[S_MAIL_FAILED]);
	dsr_writer_unlock();
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

const char *
dsr_due(const struct dsr *r)
{
	/* GDPR Art. 12(3): an extension moves the deadline that counts */
	return r->extended_deadline[0] != '\0' ? r->extended_deadline :
	    r->deadline;
}

void
dsr_free(struct dsr *r)
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
row_read(sqlite3_stmt *s, struct dsr *r, int full)
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
	col_copy(s, 16, r->asked_at, sizeof(r->asked_at));
	col_copy(s, 17, r->closed_at, sizeof(r->closed_at));
	col_copy(s, 18, r->extended_at, sizeof(r->extended_at));
	col_copy(s, 19, r->extended_deadline, sizeof(r->extended_deadline));
	r->extension_months = sqlite3_column_int(s, 20);
	col_copy(s, 21, r->extension_letter_at, sizeof(r->extension_letter_at));
	r->letters_sent = sqlite3_column_int(s, 22);
	col_copy(s, 23, r->channel, sizeof(r->channel));
	if (!full)
		return;
	for (int i = 0; i < RF__MAX; i++)
		r->v[i] = col_dup(s, NBASE + i);
	r->code = col_dup(s, NBASE + RF__MAX);
}

/* Step s (bound) for one full row: 0, 1 none, -1. */
static int
get_one(sqlite3_stmt *s, struct dsr *r)
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
dsr_get(sqlite3 *db, long long id, struct dsr *r)
{
	(void)db;
	sqlite3_bind_int64(st[S_BY_ID], 1, id);
	return get_one(st[S_BY_ID], r);
}

int
dsr_by_token(sqlite3 *db, const char *token, struct dsr *r)
{
	unsigned char k[DSR_LINK_KEY];
	size_t n;

	(void)db;
	memset(r, 0, sizeof(*r));
	if ((n = dsr_link_key(token, k)) == 0)
		return 1;
	sqlite3_bind_blob(st[S_BY_TOKEN], 1, k, (int)n, SQLITE_TRANSIENT);
	return get_one(st[S_BY_TOKEN], r);
}

int
dsr_confirm(sqlite3 *db, const char *ctoken, int record, time_t now,
    int days, char number[24])
{
	unsigned char h[DSR_LINK_KEY];
	size_t hn;
	char at[24], received[24] = "";
	int rc, before = 0, expired, changed;

	number[0] = '\0';
	if ((hn = dsr_link_key(ctoken, h)) == 0)
		return 1;
	sqlite3_bind_blob(st[S_CONFIRMED], 1, h, (int)hn, SQLITE_TRANSIENT);
	rc = sqlite3_step(st[S_CONFIRMED]);
	if (rc == SQLITE_ROW) {
		col_copy(st[S_CONFIRMED], 0, number, 24);
		before = sqlite3_column_int(st[S_CONFIRMED], 1);
		col_copy(st[S_CONFIRMED], 2, received, sizeof(received));
	}
	sqlite3_reset(st[S_CONFIRMED]);
	sqlite3_clear_bindings(st[S_CONFIRMED]);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW || (expired = dsr_link_expired(received, now,
	    days)) < 0)
		return -1;
	if (expired)
		return 3;
	if (!record || before)
		return before ? 2 : 0;
	utc_now(now, at);
	dsr_writer_lock();
	sqlite3_bind_blob(st[S_CONFIRM], 1, h, (int)hn, SQLITE_TRANSIENT);
	sqlite3_bind_text(st[S_CONFIRM], 2, at, -1, SQLITE_TRANSIENT);
	rc = step_done(st[S_CONFIRM]);
	sqlite3_clear_bindings(st[S_CONFIRM]);
	changed = sqlite3_changes(db);
	dsr_writer_unlock();
	if (rc != 0)
		return -1;
	/* another worker may have recorded it between the look and now */
	return changed > 0 ? 0 : 2;
}

/* Bind the queue's filter to ?1..?3 of s (QUEUE_WHERE). */
static void
queue_bind(sqlite3_stmt *s, const struct dsr_queue *f)
{
	sqlite3_bind_text(s, 1, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, f->types);
	sqlite3_bind_text(s, 3, f->q, -1, SQLITE_STATIC);
}

int
dsr_list(sqlite3 *db, const struct dsr_queue *f, int page, int per_page,
    struct dsr **rows, size_t *n, long long *total)
{
	sqlite3_stmt *s = st[S_LIST];
	size_t cap = 0;
	int rc;

	(void)db;
	*rows = NULL;
	*n = 0;
	if (page < 1 || per_page < 1 || per_page > 500 ||
	    strlen(f->q) > DSR_QUEUE_Q_MAX)
		return -1;
	queue_bind(st[S_COUNT], f);
	*total = one_int(st[S_COUNT]);
	sqlite3_clear_bindings(st[S_COUNT]);
	if (*total < 0)
		return -1;
	queue_bind(s, f);
	sqlite3_bind_int(s, 4, per_page);
	sqlite3_bind_int64(s, 5, (long long)(page - 1) * per_page);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct dsr *r;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*rows = xrealloc(*rows, cap * sizeof(**rows));
		}
		r = &(*rows)[(*n)++];
		row_read(s, r, 0);
		r->v[RF_NAME] = col_dup(s, NBASE);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		LOG_ERR("%s", sqlite3_errmsg(db_of));
		dsr_list_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
dsr_list_free(struct dsr *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dsr_free(&rows[i]);
	free(rows);
}

/* The dashboard's open cases: the queue's default view, first page. */
int
dsr_open(sqlite3 *db, int max, struct dsr **rows, size_t *n)
{
	const struct dsr_queue f = { .state = "open", .q = "" };
	long long total;

	return dsr_list(db, &f, 1, max, rows, n, &total);
}

int
dsr_state_counts(sqlite3 *db, long long counts[])
{
	sqlite3_stmt *s = st[S_STATES];
	int rc, k;

	(void)db;
	for (k = 0; k < DS__MAX; k++)
		counts[k] = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((k = dsr_state_parse((const char *)sqlite3_column_text(s,
		    0))) >= 0)
			counts[k] = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- reception ----------------------------------------------------------- */

int
dsr_channel_parse(const char *s)
{
	for (int i = 0; s != NULL && i < DCH__MAX; i++)
		if (strcmp(s, dsr_channel_names[i]) == 0)
			return i;
	return -1;
}

int
dsr_idmethod_parse(const char *s)
{
	for (int i = 0; s != NULL && i < RID__MAX; i++)
		if (strcmp(s, dsr_idmethod_names[i]) == 0)
			return i;
	return -1;
}

int
dsr_identity(sqlite3 *db, long long id, enum dsr_idmethod how,
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
	sqlite3_bind_text(s, 2, dsr_idmethod_names[how], -1, SQLITE_STATIC);
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
dsr_paper(sqlite3 *db, const struct ticket_keys *keys, long long id,
    const char *code, long long user_id, const char **why)
{
	struct dsr r;
	struct ticket t;
	char now[24];
	int rc;

	*why = NULL;
	if (user_id <= 0)
		return -1;
	if ((rc = dsr_get(db, id, &r)) != 0) {
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
	dsr_free(&r);
	return rc;
}

