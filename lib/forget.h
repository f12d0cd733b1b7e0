/* forget.h — erasure and anonymisation of a customer that leave no trace, the suppression list that keeps an objection after erasure, and the erasure ledger outside the database (docs/retention.md, "Erasure and the erasure ledger"). */
#ifndef REKISTERI_FORGET_H
#define REKISTERI_FORGET_H

#include <stddef.h>

#include <sqlite3.h>

#include "audit.h"
#include "conf.h"
#include "customer.h"

/*
 * The register's erasure key: 32 random bytes, KEY_DIR/erasure.key as 64
 * hex digits and a newline, mode 0600. It keys the suppression list's and
 * the ledger's hashes (BLAKE2b, crypto_generichash). Outside the database
 * on purpose: a backup of the database alone cannot be matched against
 * names, and a restore finds the ledger's hashes with it.
 */
#define FORGET_KEY_FILE	"erasure.key"

struct forget_key {
	unsigned char	 k[32];
};

/* Make DIR/erasure.key when missing: 1 made, 0 there already, -1 with err. */
int	 forget_key_make(const char *dir, char *err, size_t errlen);
/* Load it (made first when missing and the folder lets us): 0, or -1 with err. */
int	 forget_key_load(const char *dir, struct forget_key *, char *err,
	    size_t errlen);

enum forget_mode {
	FORGET_ERASE,		/* the record and everything about the person go */
	FORGET_ANONYMISE	/* the record stays without the person; orders stay */
};

/* What one erasure or anonymisation did, counted. */
struct forget_result {
	char	 number[32];		/* the record's customer number */
	long	 history;		/* history rows removed */
	long	 orders;		/* orders removed (erase) */
	long	 disclosures;		/* removed (erase) or emptied of what (anonymise) */
	long	 bans;			/* bans removed */
	long	 holds;			/* lifted legal holds removed */
	long	 links;			/* request links removed */
	long	 requests_cleared;	/* closed requests past retention emptied */
	long	 requests_kept;		/* linked requests left: open or within retention */
	long	 uploads;		/* pending import files that named the person */
	long	 suppressed;		/* hashes added to the suppression list */
};

/*
 * Erase or anonymise customer id, inside the caller's transaction (so a
 * dry run is this and a ROLLBACK). The legal holds are the caller's
 * (holds_compute): this does what it is told.
 *  - erase: the record, its history, orders, disclosures, bans, lifted
 *    legal holds, request links and the pending import files that name it
 *    are deleted; the full-text index loses the words through the delete
 *    trigger (with the old values);
 *  - anonymise: every field of the record is emptied but the number,
 *    country and the relationship's dates; the history, bans, lifted
 *    holds and request links go; disclosures keep recipient, ground and
 *    date, their what is emptied; orders stay for the accounts;
 *  - both: a linked request's personal fields are emptied only when it is
 *    closed and its own retention (retention_class RC_REQUEST) has passed
 *    on now; others are kept and counted (requests_kept);
 *  - a person with any ban leaves keyed hashes of the email, phone and
 *    name with postal code in the suppression list (key needed then);
 *  - a tombstone (id, number, kind, now, reference) without personal data;
 *  - an audit row "customer.erase" or "customer.anonymise" by actor
 *    (its user_id, username and client; counts only, no personal data);
 *  - when ledger is not NULL, a line in the erasure ledger file (appended
 *    and synced before the caller's COMMIT: an erasure decided is one a
 *    restore must repeat).
 * now: UTC "YYYY-MM-DDTHH:MM:SSZ" (NULL: the clock). reference: a request
 * number or other reference without personal data, "" for none.
 * Returns 0, 1 when there is no such record (or it was erased already),
 * -1 on error (the caller rolls back). The caller then calls forget_scrub
 * after its COMMIT.
 */
int	 forget_customer(sqlite3 *, long long id, enum forget_mode,
	    const char *reference, const char *now, const struct forget_key *,
	    const char *ledger, const struct audit_entry *actor,
	    struct forget_result *);

/*
 * After an erasure has committed, outside any transaction: merge the
 * full-text index into one segment (FTS5 'optimize': its older segments
 * still hold the erased words) and checkpoint the WAL with TRUNCATE, so
 * neither the database file (secure_delete zeroes what is freed, db.c)
 * nor the -wal file keeps the values. Costs a rewrite of the index: call
 * it once after a batch of erasures. 0, 1 when the checkpoint could not
 * finish (a reader held the WAL: run again), -1 on error.
 */
int	 forget_scrub(sqlite3 *);

/* A tombstone: the kind ("erased", "anonymised") and time of record id, for pages and audit views. 0, 1 none, -1. */
int	 forget_tombstone(sqlite3 *, long long id, char kind[16], char at[24]);
/* The same by customer number. 0, 1 none, -1. */
int	 forget_tombstone_number(sqlite3 *, const char *number, char kind[16],
	    char at[24]);

/* The suppression list: what a new record's values match. */
enum suppress_kind { SUP_EMAIL, SUP_PHONE, SUP_NAME_POSTAL, SUP__MAX };
extern const char *const suppress_kind_names[SUP__MAX];	/* email, phone, name_postal */

/*
 * Whether c's values (as customer_from_form left them) match the
 * suppression list: 0 no, 1 yes (*kinds gets 1 << enum suppress_kind for
 * each that matched), -1 on error.
 */
int	 forget_suppressed(sqlite3 *, const struct forget_key *,
	    const struct customer *c, unsigned *kinds);

/*
 * Whether what a requester wrote matches the suppression list, as
 * forget_suppressed for a record with: email, phone, the name as written
 * (the whole name folded as "first last" is), and the postal code of
 * address (its last five-digit group, the Finnish postal code). For the
 * request page and the answer (issue #14: "the access report says such an
 * entry exists"). Any argument may be NULL or "". 0 no, 1 yes (*kinds as
 * forget_suppressed), -1 on error.
 */
int	 forget_suppressed_request(sqlite3 *, const struct forget_key *,
	    const char *name, const char *email, const char *phone,
	    const char *address, unsigned *kinds);

/*
 * The keyed hashes of c's normalised values, one per kind; have[k] is 0
 * when c has no such value (no email; no name or no postal code).
 * Normalised: the email in lower case (ASCII), the phone as its '+' and
 * digits, the name as "first last" in lower case (ASCII), spaces
 * collapsed, then "|" and the postal code. Each hashed with its kind's
 * name before it ("email:..."), keyed with the erasure key.
 */
void	 forget_suppress_hashes(const struct forget_key *, const struct customer *c,
	    unsigned char hash[SUP__MAX][32], int have[SUP__MAX]);

/* [retention] suppression: what a match does to an import row or a new record. */
enum suppress_action { SUPPRESS_WARN, SUPPRESS_REFUSE };
/* "warn" (also NULL) or "refuse"; -1 for anything else. */
int	 suppress_action_parse(const char *);

/*
 * The erasure ledger: one line per erasure or anonymisation,
 *   rekisteri-erasure/1 HASH MODE AT
 * HASH: 64 hex digits, BLAKE2b-256 keyed with the erasure key over
 * "customer-number:" and the number; MODE: erased | anonymised; AT: UTC
 * YYYY-MM-DDTHH:MM:SSZ. No personal data; the file is 0600.
 */
#define FORGET_LEDGER_MAGIC	"rekisteri-erasure/1"

/* The ledger's path: [retention] erasure_ledger, else "erasure-ledger" beside the database. 0, or -1 (too long). */
int	 forget_ledger_path(const struct conf *, char *path, size_t len);

/* hash of number as the ledger keeps it (32 bytes). */
void	 forget_ledger_hash(const struct forget_key *, const char *number,
	    unsigned char hash[32]);

/*
 * Make the ledger when missing (empty, 0600; made by root, it takes its
 * folder's owner, as the database's users must append to it). 0, or -1 (errno).
 */
int	 forget_ledger_init(const char *path);

/*
 * The ledger opened for a batch of lines (the retention run): lines are
 * written as the erasures go and fsynced once by forget_ledger_close, which
 * the caller runs before the batch's COMMIT, so a committed erasure is
 * always in the ledger on disk (a line whose erasure was rolled back only
 * makes a restore erase again someone who was due).
 */
struct forget_ledger_file {
	int	fd;
	long	lines;	/* written since the open */
};

/* Open (and make, as forget_ledger_init) the ledger at path for appending. 0, or -1 (errno). */
int	 forget_ledger_open(const char *path, struct forget_ledger_file *);
/* Write one line, no fsync. 0, or -1 (errno). */
int	 forget_ledger_write(struct forget_ledger_file *,
	    const struct forget_key *, const char *number, enum forget_mode,
	    const char *at);
/* fsync when lines were written, then close. 0, or -1 (errno): then the lines may not be on disk. */
int	 forget_ledger_close(struct forget_ledger_file *);

/* Append one line and fsync (the file is made as forget_ledger_init does). 0, or -1 (errno). */
int	 forget_ledger_append(const char *path, const struct forget_key *,
	    const char *number, enum forget_mode, const char *at);

struct forget_ledger_entry {
	unsigned char	 hash[32];
	enum forget_mode mode;
	char		 at[21];	/* UTC YYYY-MM-DDTHH:MM:SSZ */
	long		 line;
};

/*
 * Each line of the ledger at path, in order, through fn (a non-zero
 * return stops and is returned). A missing file is an empty ledger (0).
 * A malformed line stops with -1 and its number in *bad_line (when not
 * NULL); -1 also on a read error. For `rekisteri restore`: hash each
 * restored record's number with forget_ledger_hash and erase those the
 * ledger names with an at after the backup was taken.
 */
int	 forget_ledger_each(const char *path,
	    int (*fn)(void *arg, const struct forget_ledger_entry *),
	    void *arg, long *bad_line);

#endif
