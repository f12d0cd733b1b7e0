/* auth_int.h — what auth.c and auth_totp.c share (private to lib/): the statement table's names, and preparing and running its statements. */
#ifndef REKISTERI_AUTH_INT_H
#define REKISTERI_AUTH_INT_H

#include <sqlite3.h>

/* Every statement of the module, in auth.c's sql[] table. */
enum auth_stmt {
	A_USER_BY_NAME,
	A_USER_BY_ID,
	A_USER_ADD,
	A_SET_PASSWORD,
	A_SET_ACTIVE,
	A_SET_NDA,
	A_PASSWORD_HASH,
	A_FAIL_PAIR,
	A_FAIL_USER,
	A_FAIL_CLIENT,
	A_FAIL_ADD,
	A_LOGIN_USER,
	A_FAIL_CLEAR,
	A_SESSION_ADD,
	A_SESSION_GET,
	A_SESSION_SEEN,
	A_SESSION_DEL,
	A_SESSION_DEL_USER,
	A_SESSION_PROMOTE,
	A_TOTP_PENDING_SET,
	A_TOTP_PENDING_GET,
	A_TOTP_ENROL,
	A_RECOVERY_CLEAR,
	A_RECOVERY_ADD,
	A_RECOVERY_LIST,
	A_RECOVERY_USE,
	A_TOTP_GET,
	A_TOTP_STEP,
	A_TOTP_RESET,
	A_TOTP_PLAIN,
	A_TOTP_SEAL,
	A__MAX
};

/*
 * Statement s on db (db_cached: kept when db has a scope, as an intranet
 * worker's does), or NULL (logged); give it back with db_release.
 */
sqlite3_stmt	*auth_prep(sqlite3 *db, enum auth_stmt s);
/* Run st (no rows) and release it. 0 or -1 (logged). */
int		 auth_done(sqlite3 *db, sqlite3_stmt *st);

#endif
