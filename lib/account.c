/* account.c — changes to staff accounts as one operation each, shared by the intranet and the CLI: the change, its audit row and (where access ends) the sessions, in one transaction. See auth.h. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "db.h"

/*
 * Begin when the caller has no transaction open; with one open, the
 * caller's commit holds the change. *own says which. 0 or -1.
 */
static int
op_begin(sqlite3 *db, int *own)
{
	*own = sqlite3_get_autocommit(db);
	return *own ? db_begin(db) : 0;
}

/* The audit row of an account change, then the commit when ours. 0 or -1 (rolled back when ours). */
static int
op_end(sqlite3 *db, int own, int ok, const struct auth_actor *by,
    const char *action, sqlite3_int64 id, const char *summary)
{
	struct audit_entry e;
	char idtext[24];

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	memset(&e, 0, sizeof(e));
	e.user_id = by->user_id;
	e.username = by->username;
	e.client = by->client;
	e.action = action;
	e.object_type = "user";
	e.object_id = idtext;
	e.summary = summary;
	if (ok && audit_append(db, &e) != 0)
		ok = 0;
	if (own) {
		if (ok && db_commit(db) != 0)
			ok = 0;
		if (!ok)
			db_rollback(db);
	}
	return ok ? 0 : -1;
}

int
account_add(sqlite3 *db, const struct auth_actor *by, const char *username,
    const char *display, unsigned role, const char *nda, const char *pw,
    int one_time, sqlite3_int64 *id, char *err, size_t errlen)
{
	int own, ok;

	if (op_begin(db, &own) != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	ok = user_add(db, username, display, role, nda, pw, id, err,
	    errlen) == 0 && (!one_time || user_set_password(db, *id, pw, 1) == 0);
	if (op_end(db, own, ok, by, "user.add", ok ? *id : 0,
	    role_name(role)) != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
account_set_active(sqlite3 *db, const struct auth_actor *by,
    sqlite3_int64 id, int active)
{
	int own, ok;

	if (op_begin(db, &own) != 0)
		return -1;
	/* access ends with the account: its sessions go too */
	ok = user_set_active(db, id, active) == 0 &&
	    (active || session_delete_user(db, id) == 0);
	return op_end(db, own, ok, by, active ? "user.enable" : "user.disable",
	    id, "");
}

int
account_set_password(sqlite3 *db, const struct auth_actor *by,
    sqlite3_int64 id, const char *pw, int one_time, const char *why)
{
	int own, ok;

	if (op_begin(db, &own) != 0)
		return -1;
	ok = user_set_password(db, id, pw, one_time) == 0 &&
	    session_delete_user(db, id) == 0;
	return op_end(db, own, ok, by, one_time ? "user.reset" : "user.passwd",
	    id, why);
}

int
account_reset(sqlite3 *db, const struct auth_actor *by, sqlite3_int64 id,
    char pw[21])
{
	auth_generate_password(pw);
	if (account_set_password(db, by, id, pw, 1,
	    "one-time password; change at next sign-in") != 0) {
		sodium_memzero(pw, 21);
		return -1;
	}
	return 0;
}

int
account_set_nda(sqlite3 *db, const struct auth_actor *by, sqlite3_int64 id,
    const char *nda)
{
	int own, ok;

	if (op_begin(db, &own) != 0)
		return -1;
	ok = user_set_nda(db, id, nda) == 0;
	return op_end(db, own, ok, by, "user.nda", id, nda);
}

int
account_totp_reset(sqlite3 *db, const struct auth_actor *by,
    sqlite3_int64 id)
{
	int own, ok;

	if (op_begin(db, &own) != 0)
		return -1;
	ok = totp_reset(db, id) == 0;
	return op_end(db, own, ok, by, "user.totp_reset", id, "");
}

int
account_list(sqlite3 *db, int (*fn)(void *arg, const struct account_row *),
    void *arg)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, username, display_name, role,"
	    " coalesce(nda_signed, ''), active, must_change,"
	    " totp_secret IS NOT NULL FROM users ORDER BY username", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct account_row a = { sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
		    sqlite3_column_int(st, 7) };

		stop = fn(arg, &a);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}
