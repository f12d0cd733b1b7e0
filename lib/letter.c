/* letter.c — a request's extension and its letters: the rules, the drafts and the letters kept unchanged once sent. See letter.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "letter.h"
#include "log.h"
#include "ticket.h"
#include "validate.h"

const char *const letter_kind_names[LK__MAX] = {
	"answer", "refusal", "extension",
};

/*
 * The grounds on which a request may be refused in whole or in part, each
 * with its source. The wording people read is in i18n/letters.*.xml
 * (letters.basis.NAME); docs/requests.md lists them.
 */
const struct letter_basis letter_bases[LETTER_BASES] = {
	/* requests manifestly unfounded or excessive, in particular repetitive */
	{ "manifestly_unfounded", "GDPR Art. 12(5)(b)" },
	/* a copy must not adversely affect the rights and freedoms of others */
	{ "rights_of_others", "GDPR Art. 15(4)" },
	/* erasure: a legal obligation to keep (the books and vouchers, 2:10) */
	{ "legal_obligation", "GDPR Art. 17(3)(b); Accounting Act 1336/1997 2:10" },
	/* erasure: the establishment, exercise or defence of legal claims */
	{ "legal_claims", "GDPR Art. 17(3)(e)" },
	/* objection: compelling legitimate grounds that override the person's */
	{ "compelling_grounds", "GDPR Art. 21(1)" },
	/* the controller shows it cannot identify the person */
	{ "cannot_identify", "GDPR Art. 11(2), 12(2)" },
};

enum lstmt {
	L_EXT_STATE, L_EXTEND, L_EXT_GET, L_DRAFT_FIND, L_DRAFT_NEW,
	L_DRAFT_TOUCH, L_PARTS_DEL, L_PART_ADD, L_GET, L_PARTS, L_SENT,
	L_LIST, L__MAX
};

static const char *const sql[L__MAX] = {
	[L_EXT_STATE] = "SELECT status, deadline, coalesce(extended_at, ''),"
	    " received FROM requests WHERE id = ?1",
	[L_EXTEND] = "UPDATE requests SET extended_at = ?2, extended_by = ?3,"
	    " extension_months = ?4, extended_deadline = ?5,"
	    " extension_reasons = ?6 WHERE id = ?1 AND extended_at IS NULL",
	[L_EXT_GET] = "SELECT coalesce(extended_at, ''),"
	    " coalesce(extended_deadline, ''), coalesce(extension_months, 0),"
	    " coalesce(extension_reasons, '') FROM requests WHERE id = ?1",
	[L_DRAFT_FIND] = "SELECT id FROM request_letters WHERE request_id = ?1"
	    " AND kind = ?2 AND sent_at IS NULL",
	[L_DRAFT_NEW] = "INSERT INTO request_letters (request_id, kind,"
	    " created_by) VALUES (?1, ?2, ?3)",
	[L_DRAFT_TOUCH] = "UPDATE request_letters SET created_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), created_by = ?2"
	    " WHERE id = ?1 AND sent_at IS NULL",
	[L_PARTS_DEL] = "DELETE FROM letter_parts WHERE letter_id = ?1",
	[L_PART_ADD] = "INSERT INTO letter_parts (letter_id, seq, name, value)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[L_GET] = "SELECT id, request_id, kind, created_at,"
	    " coalesce(sent_at, ''), coalesce(sent_via, ''),"
	    " coalesce(sent_by, 0), coalesce(sha256, ''), content"
	    " FROM request_letters WHERE id = ?1",
	[L_PARTS] = "SELECT name, value FROM letter_parts WHERE letter_id = ?1"
	    " ORDER BY seq",
	[L_SENT] = "UPDATE request_letters SET sent_at = ?2, sent_by = ?3,"
	    " sent_via = ?4, content = ?5, sha256 = ?6"
	    " WHERE id = ?1 AND sent_at IS NULL",
	[L_LIST] = "SELECT l.id, l.kind, l.created_at, coalesce(l.sent_at, ''),"
	    " coalesce(l.sent_via, ''), coalesce(u.display_name, ''),"
	    " coalesce(l.sha256, '') FROM request_letters l LEFT JOIN users u"
	    " ON u.id = l.sent_by WHERE l.request_id = ?1 ORDER BY l.id",
};

static void
utc_at(time_t now, char out[24])
{
	struct tm tm;

	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

int
letter_kind_parse(const char *s)
{
	for (int i = 0; s != NULL && i < LK__MAX; i++)
		if (strcmp(s, letter_kind_names[i]) == 0)
			return i;
	return -1;
}

int
letter_basis_parse(const char *s)
{
	for (int i = 0; s != NULL && i < LETTER_BASES; i++)
		if (strcmp(s, letter_bases[i].name) == 0)
			return i;
	return -1;
}

/* ---- the extension -------------------------------------------------------- */

const char *
letter_extend_allowed(const char *status, const char *deadline,
    const char *extended_at, time_t now)
{
	char today[11];
	struct tm tm;

	if (!dsr_is_open(status))
		return "letters.err.closed";
	if (extended_at != NULL && extended_at[0] != '\0')
		return "letters.err.extended";	/* one extension per request */
	/*
	 * GDPR Art. 12(3): the person is told of the extension "within one
	 * month of receipt", so it is made by the first deadline at the
	 * latest; the deadline day (Helsinki) is the last day allowed.
	 */
	if (localtime_r(&now, &tm) == NULL)
		return "letters.err.too_late";
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (deadline == NULL || strcmp(today, deadline) > 0)
		return "letters.err.too_late";
	return NULL;
}

int
letter_extend(sqlite3 *db, long long id, int months, const char *reasons,
    long long user_id, time_t now, const char **why, char deadline[11])
{
	char status[16] = "", first[11] = "", ext[24] = "", received[24] = "",
	    clean[LETTER_EXT_REASONS_MAX * 4 + 1], at[24];
	sqlite3_stmt *st;
	int rc;

	*why = NULL;
	deadline[0] = '\0';
	if ((st = db_prep(db, sql, L_EXT_STATE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(status, sizeof(status), "%s", sqlite3_column_text(st, 0));
		snprintf(first, sizeof(first), "%s", sqlite3_column_text(st, 1));
		snprintf(ext, sizeof(ext), "%s", sqlite3_column_text(st, 2));
		snprintf(received, sizeof(received), "%s",
		    sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		*why = "request.none";
		return rc == SQLITE_DONE ? 1 : -1;
	}
	if ((*why = letter_extend_allowed(status, first, ext, now)) != NULL)
		return 1;
	/* Art. 12(3): "by two further months" at most */
	if (months < 1 || months > 2) {
		*why = "letters.err.months";
		return 1;
	}
	if (val_multiline(reasons ? reasons : "", LETTER_EXT_REASONS_MAX, clean,
	    sizeof(clean)) != NULL || clean[0] == '\0') {
		*why = "letters.err.reasons";
		return 1;
	}
	/* the whole period from receipt, counted as the first one (EU 1182/71) */
	if (fmt_deadline_months(received, 1 + months, deadline, 11) != 0)
		return -1;
	utc_at(now, at);
	if ((st = db_prep(db, sql, L_EXTEND)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_int(st, 4, months);
	sqlite3_bind_text(st, 5, deadline, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, clean, -1, SQLITE_TRANSIENT);
	if (db_done(st) != 0 || sqlite3_changes(db) != 1)
		return -1;
	return dsr_step(db, id, user_id, "extended", clean);
}

int
letter_ext_get(sqlite3 *db, long long id, struct letter_ext *e)
{
	sqlite3_stmt *st = db_prep(db, sql, L_EXT_GET);
	int rc;

	memset(e, 0, sizeof(*e));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(e->at, sizeof(e->at), "%s", sqlite3_column_text(st, 0));
		snprintf(e->deadline, sizeof(e->deadline), "%s",
		    sqlite3_column_text(st, 1));
		e->months = sqlite3_column_int(st, 2);
		e->reasons = xstrdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

void
letter_ext_free(struct letter_ext *e)
{
	free(e->reasons);
	memset(e, 0, sizeof(*e));
}

/* ---- drafts --------------------------------------------------------------- */

/* One text part key of form into parts as typed; NULL or the fault's key. */
static const char *
part_text(const struct kvlist *form, const char *key, struct kvlist *parts)
{
	const char *v = kv_get(form, key);
	char clean[LETTER_TEXT_MAX * 4 + 1];
	const char *err;

	if (kv_count(form, key) > 1)
		return "letters.err.twice";
	if (v == NULL)
		return NULL;
	if ((err = val_multiline(v, LETTER_TEXT_MAX, clean, sizeof(clean))) !=
	    NULL) {
		kv_add(parts, key, v);
		return strcmp(err, "val.too_long") == 0 ? "letters.err.too_long" :
		    "letters.err.bad_chars";
	}
	if (clean[0] != '\0')
		kv_add(parts, key, clean);
	return NULL;
}

const char *
letter_parts_read(enum letter_kind kind, unsigned types,
    const struct kvlist *form, struct kvlist *parts)
{
	const char *err = NULL, *e;
	char key[48];

	switch (kind) {
	case LK_ANSWER:
		for (int i = 0; i < RT__MAX; i++) {
			if (!(types & (1u << i)))
				continue;
			snprintf(key, sizeof(key), "type.%s", rtype_names[i]);
			if ((e = part_text(form, key, parts)) != NULL && err == NULL)
				err = e;
		}
		/*
		 * GDPR Art. 19: the person asked to be told the recipients of
		 * a correction; the letter then lists the parties told
		 */
		if (kv_get(form, "list_parties") != NULL) {
			if (kv_count(form, "list_parties") == 1 &&
			    strcmp(kv_get(form, "list_parties"), "1") == 0)
				kv_add(parts, "list_parties", "1");
			else if (err == NULL)
				err = "letters.err.list_parties";
		}
		break;
	case LK_REFUSAL: {
		const char *scope = kv_get(form, "scope");

		if (scope != NULL && (kv_count(form, "scope") != 1 ||
		    (strcmp(scope, "whole") != 0 && strcmp(scope, "part") != 0)))
			err = "letters.err.scope";
		else if (scope != NULL)
			kv_add(parts, "scope", scope);
		if ((e = part_text(form, "refused", parts)) != NULL && err == NULL)
			err = e;
		for (size_t i = 0; i < form->n; i++) {
			if (strcmp(form->v[i].key, "basis") != 0)
				continue;
			if (letter_basis_parse(form->v[i].val) < 0) {
				if (err == NULL)
					err = "letters.err.basis";
				continue;
			}
			if (kv_count(parts, "basis") < LETTER_BASES)
				kv_add(parts, "basis", form->v[i].val);
		}
		if ((e = part_text(form, "reasons", parts)) != NULL && err == NULL)
			err = e;
		break;
	}
	default:
		break;
	}
	return err;
}

const char *
letter_complete(enum letter_kind kind, unsigned types,
    const struct kvlist *parts)
{
	char key[48];

	switch (kind) {
	case LK_ANSWER:
		for (int i = 0; i < RT__MAX; i++) {
			if (!(types & (1u << i)))
				continue;
			snprintf(key, sizeof(key), "type.%s", rtype_names[i]);
			if (kv_get(parts, key) == NULL)
				return "letters.err.answer_missing";
		}
		return NULL;
	case LK_REFUSAL:
		/* Art. 12(4): what is refused and why, on which grounds */
		if (kv_get(parts, "scope") == NULL)
			return "letters.err.scope";
		if (kv_get(parts, "refused") == NULL)
			return "letters.err.refused";
		if (kv_get(parts, "basis") == NULL)
			return "letters.err.basis";
		if (kv_get(parts, "reasons") == NULL)
			return "letters.err.refusal_reasons";
		return NULL;
	default:
		return NULL;
	}
}

/* The draft of kind on request_id: its id, 0 when none, -1 on error. */
static long long
draft_id(sqlite3 *db, long long request_id, enum letter_kind kind)
{
	sqlite3_stmt *st = db_prep(db, sql, L_DRAFT_FIND);
	long long id = -1;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_text(st, 2, letter_kind_names[kind], -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		id = 0;
	sqlite3_finalize(st);
	return id;
}

int
letter_draft_save(sqlite3 *db, long long request_id, enum letter_kind kind,
    const struct kvlist *parts, long long user_id, long long *letter_id)
{
	sqlite3_stmt *st;
	long long id;

	if ((unsigned)kind >= LK__MAX ||
	    (id = draft_id(db, request_id, kind)) < 0)
		return -1;
	if (id == 0) {
		if ((st = db_prep(db, sql, L_DRAFT_NEW)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, request_id);
		sqlite3_bind_text(st, 2, letter_kind_names[kind], -1, SQLITE_STATIC);
		if (user_id > 0)
			sqlite3_bind_int64(st, 3, user_id);
		if (db_done(st) != 0)
			return -1;
		id = sqlite3_last_insert_rowid(db);
	} else {
		if ((st = db_prep(db, sql, L_DRAFT_TOUCH)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		if (user_id > 0)
			sqlite3_bind_int64(st, 2, user_id);
		if (db_done(st) != 0)
			return -1;
	}
	if ((st = db_prep(db, sql, L_PARTS_DEL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (db_done(st) != 0)
		return -1;
	for (size_t i = 0; i < parts->n; i++) {
		if ((st = db_prep(db, sql, L_PART_ADD)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (long long)i);
		sqlite3_bind_text(st, 3, parts->v[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, parts->v[i].val, -1, SQLITE_STATIC);
		if (db_done(st) != 0)
			return -1;
	}
	*letter_id = id;
	return 0;
}

/* ---- letters -------------------------------------------------------------- */

void
letter_free(struct letter *l)
{
	kv_free(&l->parts);
	free(l->content);
	memset(l, 0, sizeof(*l));
}

/* Letter id's parts into l->parts. 0 or -1. */
static int
parts_read(sqlite3 *db, long long id, struct letter *l)
{
	sqlite3_stmt *st = db_prep(db, sql, L_PARTS);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		kv_add(&l->parts, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
letter_get(sqlite3 *db, long long id, struct letter *l)
{
	sqlite3_stmt *st = db_prep(db, sql, L_GET);
	int rc;

	memset(l, 0, sizeof(*l));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = letter_kind_parse((const char *)sqlite3_column_text(st, 2));
		const void *c = sqlite3_column_blob(st, 8);
		size_t n = (size_t)sqlite3_column_bytes(st, 8);

		l->id = sqlite3_column_int64(st, 0);
		l->request_id = sqlite3_column_int64(st, 1);
		l->kind = k < 0 ? LK_ANSWER : (enum letter_kind)k;
		snprintf(l->created_at, sizeof(l->created_at), "%s",
		    sqlite3_column_text(st, 3));
		snprintf(l->sent_at, sizeof(l->sent_at), "%s",
		    sqlite3_column_text(st, 4));
		snprintf(l->sent_via, sizeof(l->sent_via), "%s",
		    sqlite3_column_text(st, 5));
		l->sent_by = sqlite3_column_int64(st, 6);
		snprintf(l->sha256, sizeof(l->sha256), "%s",
		    sqlite3_column_text(st, 7));
		if (c != NULL) {
			l->content = xmalloc(n + 1);
			memcpy(l->content, c, n);
			l->content[n] = '\0';
			l->content_len = n;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 1 : -1;
	if (parts_read(db, id, l) != 0) {
		letter_free(l);
		return -1;
	}
	return 0;
}

int
letter_draft_get(sqlite3 *db, long long request_id, enum letter_kind kind,
    struct letter *l)
{
	long long id;

	memset(l, 0, sizeof(*l));
	if ((unsigned)kind >= LK__MAX ||
	    (id = draft_id(db, request_id, kind)) < 0)
		return -1;
	if (id == 0)
		return 1;
	return letter_get(db, id, l);
}

int
letter_mark_sent(sqlite3 *db, long long letter_id, const char *via,
    const char *content, size_t len, long long user_id, time_t now)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], at[24];
	sqlite3_stmt *st;

	if (strcmp(via, LETTER_VIA_POST) != 0 && strcmp(via, LETTER_VIA_EMAIL) != 0)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)content, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	utc_at(now, at);
	if ((st = db_prep(db, sql, L_SENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, letter_id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, via, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, content, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, hex, -1, SQLITE_TRANSIENT);
	if (db_done(st) != 0)
		return -1;
	return sqlite3_changes(db) == 1 ? 0 : 1;
}

int
letter_list(sqlite3 *db, long long request_id,
    int (*fn)(void *arg, const struct letter_row *), void *arg)
{
	sqlite3_stmt *st = db_prep(db, sql, L_LIST);
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct letter_row r = { sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5),
		    (const char *)sqlite3_column_text(st, 6) };

		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
