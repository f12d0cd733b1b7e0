/* auth.h — staff accounts and sessions: argon2id passwords, the NDA rule, lockout, server-side sessions, CSRF tokens, roles. */
#ifndef REKISTERI_AUTH_H
#define REKISTERI_AUTH_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

/* Roles as bits, so a route can allow several. */
enum role {
	ROLE_ADMIN = 1 << 0,	/* users, notice, audit, everything */
	ROLE_HANDLER = 1 << 1,	/* käsittelijä: customers and requests */
	ROLE_AUDITOR = 1 << 2	/* read-only: audit log and statistics */
};
#define ROLES_ALL	(ROLE_ADMIN | ROLE_HANDLER | ROLE_AUDITOR)

/* "admin", "handler", "auditor" → its bit; 0 for anything else. */
unsigned	 role_parse(const char *);
/* A role bit's name. */
const char	*role_name(unsigned);

#define AUTH_NAME_MAX	 32	/* username bytes */
#define AUTH_DISPLAY_MAX 100	/* display name bytes */
#define AUTH_PW_MIN	 12	/* password characters */
#define AUTH_PW_MAX	 256	/* password bytes */
#define AUTH_ID_HEX	 65	/* 256-bit ids and tokens as hex, with NUL */

struct user {
	sqlite3_int64	id;
	char		username[AUTH_NAME_MAX + 1];
	char		display_name[AUTH_DISPLAY_MAX + 1];
	unsigned	role;
	char		nda[11];	/* YYYY-MM-DD, "" when not signed */
	int		active;
	int		must_change;
	int		has_totp;	/* a second factor is enrolled */
	int		pending;	/* (a session's) second factor still to come */
	int		seen_due;	/* (a session's) idle clock wants a write */
};

/* Session lifetimes (seconds): idle 30 min, absolute 10 h by default. */
struct auth_limits {
	time_t	idle;
	time_t	absolute;
	int	pair_failures;		/* 5 per username from one address ... */
	int	user_failures;		/* ... or 50 per username from anywhere ... */
	int	client_failures;	/* ... or 20 per address ... */
	time_t	window;			/* ... within 15 min lock for 15 min */
	time_t	one_time;		/* a one-time password's life (24 h); 0: forever */
};
extern const struct auth_limits auth_limits_default;

/*
 * Load the list of common passwords (one a line, compared ignoring case)
 * from path. 0, or -1 when it cannot be read. Until loaded, no password is
 * refused for being common.
 */
int	 auth_load_common(const char *path);
void	 auth_free_common(void);

/*
 * The password policy: at least AUTH_PW_MIN characters, at most AUTH_PW_MAX
 * bytes, valid UTF-8 without control characters, not the username, not on
 * the common list. Returns NULL when pw is acceptable, else an i18n key
 * naming the reason ("password.too_short", "password.common" ...).
 */
const char *auth_password_problem(const char *pw, const char *username);

/* A username: 2..32 of a-z 0-9 . _ -, starting with a letter. */
int	 auth_username_ok(const char *);

/* argon2id through libsodium (crypto_pwhash_str, moderate limits). 0 or -1. */
int	 auth_hash_password(const char *pw, char *out, size_t outlen);

/* Find a user by name or id. 0 found, 1 not found, -1 error. */
int	 user_by_name(sqlite3 *, const char *username, struct user *);
int	 user_by_id(sqlite3 *, sqlite3_int64 id, struct user *);

/*
 * Add a user (password already checked by the caller against the policy).
 * nda may be NULL. 0, or -1 with a sentence in err (name taken ...).
 */
int	 user_add(sqlite3 *, const char *username, const char *display,
	    unsigned role, const char *nda, const char *pw, sqlite3_int64 *id,
	    char *err, size_t errlen);
/* Set a password; must_change forces a change at next sign-in. 0 or -1. */
int	 user_set_password(sqlite3 *, sqlite3_int64 id, const char *pw,
	    int must_change);
int	 user_set_active(sqlite3 *, sqlite3_int64 id, int active);
/* nda "YYYY-MM-DD" (a real date, not in the future). 0 or -1. */
int	 user_set_nda(sqlite3 *, sqlite3_int64 id, const char *nda);
/* Check pw against the user's stored hash. 1 match, 0 no, -1 error. */
int	 user_check_password(sqlite3 *, sqlite3_int64 id, const char *pw);

enum login_result {
	LOGIN_OK,
	LOGIN_BAD,	/* wrong name or password, or disabled: one message for all */
	LOGIN_LOCKED,	/* too many failures: wait */
	LOGIN_NO_NDA,	/* right password, but no NDA date: told why */
	LOGIN_EXPIRED,	/* right one-time password, but older than lim->one_time */
	LOGIN_ERROR
};

/*
 * Sign-in in two halves, so that no write lock is held while argon2id runs
 * (a quarter of a second on a small machine):
 *
 * auth_login_verify, outside any transaction, writes nothing: LOGIN_LOCKED
 * while the lockout holds (nothing is hashed then); else it looks the user
 * up and checks the password (a dummy check when there is no such user, so
 * timing says nothing): LOGIN_OK with u filled, LOGIN_BAD (wrong name or
 * password, or disabled; u filled when the name is known), LOGIN_NO_NDA,
 * LOGIN_ERROR.
 *
 * auth_login_settle, inside the caller's write transaction, with what
 * verify said: asks the lockout again, so guesses that were hashed side by
 * side stop at the limit too (LOGIN_LOCKED, whatever they were); records a
 * LOGIN_BAD as a failure; on LOGIN_OK clears the username's failures
 * from this address (not those from elsewhere: a sign-in does not forgive
 * someone else's guesses).
 * Other results pass through. Returns the result to act on.
 *
 * auth_login does both, the second in its own transaction (so it must not
 * be called inside one).
 */
enum login_result auth_login_verify(sqlite3 *, const struct auth_limits *,
	    const char *username, const char *pw, const char *client,
	    time_t now, struct user *u);
enum login_result auth_login_settle(sqlite3 *, const struct auth_limits *,
	    enum login_result verified, const char *username,
	    const char *client, time_t now);
enum login_result auth_login(sqlite3 *, const struct auth_limits *,
	    const char *username, const char *pw, const char *client,
	    time_t now, struct user *u);

/*
 * Whether a sign-in as username from client is locked out now: the
 * username's failures from that address, the username's from anywhere or
 * the address's for any username reached their limits within the window.
 * 1 locked, 0 not, -1 on error. Sign-in, the second-factor step and the
 * checks of the current password all ask.
 */
int	 auth_locked(sqlite3 *, const struct auth_limits *, const char *username,
	    const char *client, time_t now);
/* Count one failed attempt (a password or a second-factor code). 0 or -1. */
int	 auth_record_failure(sqlite3 *, const char *username, const char *client,
	    time_t now);

/*
 * A new session for user_id: a 256-bit random id (its BLAKE2b hash is what
 * the database keeps) and a CSRF token, both as hex. 0 or -1.
 */
int	 session_create(sqlite3 *, sqlite3_int64 user_id, time_t now,
	    int pending, char id[AUTH_ID_HEX], char csrf[AUTH_ID_HEX]);

/*
 * The idle clock is written at most once a minute (AUTH_SEEN_STEP seconds):
 * an idle limit of 30 minutes may so run up to a minute late, and a staff
 * page costs no durable write for it but one a minute (#17).
 */
#define AUTH_SEEN_STEP	60

/*
 * The session with id: 0 with u and csrf filled (and its idle clock reset),
 * 1 when there is none, it expired (deleted then) or its user is disabled,
 * -1 on error. u->pending says whether the second factor is still to come
 * (such a session is good for the code page only, and for 5 minutes).
 * session_get = session_check, then session_seen when u->seen_due.
 */
int	 session_get(sqlite3 *, const struct auth_limits *, const char *id,
	    time_t now, struct user *u, char csrf[AUTH_ID_HEX]);
/*
 * session_get without the write: the idle clock is left alone, and
 * u->seen_due says it was last written AUTH_SEEN_STEP seconds ago or more,
 * so that the caller writes it with session_seen in the request's own
 * write transaction (the audit row's) instead of one of its own. (An
 * expired session is still deleted here.)
 */
int	 session_check(sqlite3 *, const struct auth_limits *, const char *id,
	    time_t now, struct user *u, char csrf[AUTH_ID_HEX]);
/* Reset session id's idle clock to now, in the caller's transaction if one is open. 0 or -1. */
int	 session_seen(sqlite3 *, const char *id, time_t now);
int	 session_delete(sqlite3 *, const char *id);
/* End every session of a user (disabled, password reset). */
int	 session_delete_user(sqlite3 *, sqlite3_int64 user_id);

/*
 * Two-factor sign-in with TOTP (RFC 6238, liboath): 6 digits, 30-second
 * steps, one step of clock drift either way, and each code used once.
 * The secrets are kept sealed with a key outside the database (below).
 */
#define TOTP_RECOVERY	10	/* recovery codes given at enrolment */
#define TOTP_CODE_MAX	24	/* "abcd-efgh-jkmn-pqrs", with NUL */
#define TOTP_INPUT_MAX	40	/* bytes of a code as typed (spaces, dashes) */

/*
 * The key that seals second-factor secrets in the database: 32 random
 * bytes as 64 hex digits and a newline in DIR/totp.key ([keys] dir, beside
 * the ticket keys), a file only its owner may read or change.
 * totp_key_load reads it (the intranet at start-up): 0, or -1 with one
 * sentence in err naming the file (missing: run rekisteri init; readable
 * or writable by others: chmod 600). totp_key_make creates it when missing
 * (rekisteri init): the folder 0700 if it must be made, the file 0600,
 * written whole before it appears: 1 made, 0 there already, -1 with err.
 * totp_key_set puts a key in place from memory (tests; NULL forgets it).
 * Without a key, enrolment and sealed secrets fail (-1, logged).
 */
int	 totp_key_load(const char *dir, char *err, size_t errlen);
int	 totp_key_make(const char *dir, char *err, size_t errlen);
void	 totp_key_set(const unsigned char *key);
/*
 * Seal every plain secret left from before the key (rekisteri init, with
 * the key loaded), in one transaction of its own: the number sealed, or -1.
 * Plain secrets are still read until then.
 */
int	 totp_seal_all(sqlite3 *);

/*
 * Start enrolment: a new random secret, kept sealed as pending until
 * confirmed. uri gets the otpauth:// URI for authenticator apps (for the
 * QR code), b32 the secret in base32 for typing in by hand. 0 or -1.
 */
int	 totp_begin(sqlite3 *, const struct user *, char *uri, size_t urilen,
	    char *b32, size_t b32len);
/*
 * Finish enrolment with a code from the app: 0 and codes filled with new
 * recovery codes (16 characters in four groups, shown once; only salted
 * argon2id hashes are kept), 1 when the code is wrong or nothing is
 * pending, -1 on error.
 */
int	 totp_confirm(sqlite3 *, sqlite3_int64 user_id, const char *code,
	    time_t now, char codes[TOTP_RECOVERY][TOTP_CODE_MAX]);
/*
 * Check a code or an unused recovery code (any case, dashes and spaces
 * ignored) at sign-in: 1 yes (a recovery code is then used up), 0 no,
 * -1 error.
 */
int	 totp_check(sqlite3 *, sqlite3_int64 user_id, const char *code,
	    time_t now);
/* Whether code, as typed, has the form of a recovery code. */
int	 totp_is_recovery(const char *code);
/* Remove a user's second factor and recovery codes (admin reset). 0 or -1. */
int	 totp_reset(sqlite3 *, sqlite3_int64 user_id);
/* Make the pending session id a full one: 0 or -1. */
int	 session_promote(sqlite3 *, const char *id);

/* Constant-time comparison of a submitted token with the session's. */
int	 auth_token_equal(const char *a, const char *b);

/* A random password of 20 characters from an unambiguous alphabet. */
void	 auth_generate_password(char out[21]);

/*
 * Account operations (account.c), one code path for the intranet and the
 * CLI: each makes its change, its audit row (by whom, the action named
 * below, the account's id; never a password) and, where access ends, the
 * end of the account's sessions, in ONE transaction: its own, or the
 * caller's when one is open. A failed audit append fails the change.
 * 0, or -1 with nothing changed (a transaction of the caller's is then
 * the caller's to roll back).
 */
struct auth_actor {
	sqlite3_int64	 user_id;	/* 0 for the command line */
	const char	*username;	/* "" for the command line */
	const char	*client;	/* the client's address, or "cli" */
};

/* "user.add" (summary: the role); one_time forces a change at first sign-in. -1 with a sentence in err. */
int	 account_add(sqlite3 *, const struct auth_actor *, const char *username,
	    const char *display, unsigned role, const char *nda, const char *pw,
	    int one_time, sqlite3_int64 *id, char *err, size_t errlen);
/* "user.enable" / "user.disable" (its sessions end). */
int	 account_set_active(sqlite3 *, const struct auth_actor *,
	    sqlite3_int64 id, int active);
/*
 * A new password, every session of the account ended: "user.passwd" for
 * one chosen by its owner, "user.reset" for a one-time password (why: the
 * audit row's summary, no secret).
 */
int	 account_set_password(sqlite3 *, const struct auth_actor *,
	    sqlite3_int64 id, const char *pw, int one_time, const char *why);
/* A generated one-time password into pw ("user.reset"). */
int	 account_reset(sqlite3 *, const struct auth_actor *, sqlite3_int64 id,
	    char pw[21]);
/* "user.nda": the date the account's holder signed the NDA (YYYY-MM-DD, not in the future). */
int	 account_set_nda(sqlite3 *, const struct auth_actor *, sqlite3_int64 id,
	    const char *nda);
/* One account for the admins' list; the strings live until the callback returns. */
struct account_row {
	sqlite3_int64	 id;
	const char	*username;
	const char	*display_name;
	const char	*role;		/* role_name() */
	const char	*nda;		/* YYYY-MM-DD, "" when not signed */
	int		 active;
	int		 must_change;
	int		 has_totp;
};
/* Every account by username through fn (non-zero stops and is returned). 0 or -1. */
int	 account_list(sqlite3 *, int (*fn)(void *arg, const struct account_row *),
	    void *arg);

/* "user.totp_reset": the second factor removed, to be enrolled anew. */
int	 account_totp_reset(sqlite3 *, const struct auth_actor *,
	    sqlite3_int64 id);

#endif
