/* audit.h — the audit log: append-only, hash-chained rows that name records by id and never hold a customer's personal data. */
#ifndef REKISTERI_AUDIT_H
#define REKISTERI_AUDIT_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

/*
 * One event. Every field but action may be NULL or 0 (stored as '' or
 * NULL). summary is a short text for people ("role handler → admin") and
 * must never contain a customer's name, email, address or other personal
 * values: name records by id in object_type/object_id instead.
 */
/*
 * Bytes of object_id: one record's id, or a list page's id list
 * (docs/audit.md, "Lists"); 200 for every other text field, 500 for summary.
 */
#define AUDIT_OBJECT_ID_MAX	1200

struct audit_entry {
	sqlite3_int64	 user_id;	/* staff user, 0 for none */
	const char	*username;	/* staff account name */
	const char	*client;	/* client address, "cli" for the command line */
	const char	*action;	/* "login", "login.fail", "customer.view" ... */
	const char	*object_type;	/* "user", "customer", "notice" ... */
	const char	*object_id;
	const char	*summary;
};

/*
 * Append e to the audit log on db. Inside the caller's transaction when one
 * is open (so the event and the change it records commit together), else in
 * its own BEGIN IMMEDIATE transaction. The row's hash is BLAKE2b-256 over the
 * previous row's hash and the row's own fields (docs/audit.md). 0 or -1.
 */
int		 audit_append(sqlite3 *db, const struct audit_entry *e);

/*
 * Walk the log from its first row and check every link of the chain.
 * Returns 0 when it is intact (*rows gets the row count), or the id of the
 * first row that was edited, inserted or follows a deleted row, with a
 * sentence in why; -1 on a database error. (A row inserted with an id
 * below 1 is reported as 1, its real id in why.) Once the retention run
 * has cut the oldest rows, the walk starts at the recorded anchor (the
 * first kept row and its prev_hash, table audit_anchor).
 */
sqlite3_int64	 audit_verify(sqlite3 *db, sqlite3_int64 *rows, char *why,
		    size_t whylen);

/*
 * The last row's id and hash in lowercase hex (64 digits and a NUL), to be
 * recorded outside the database: the chain cannot show that its last rows
 * were deleted. An empty log gives 0 and 64 zeros. 0, or -1.
 */
int		 audit_head(sqlite3 *db, sqlite3_int64 *id, char hex[65]);

/*
 * Every action the log records, grouped by the word before the first dot
 * (lib/audit_events.c), NULL-terminated; each has a name for people,
 * "event.ACTION", in i18n/audit.{fi,en}.xml. audit_append logs an action
 * that is not here (and still records it).
 */
extern const char *const audit_actions[];
int	 audit_action_known(const char *action);
/* The group of action (the word before the first dot) into group[len]: its length. */
size_t	 audit_action_group(const char *action, char *group, size_t len);

/*
 * Which rows audit_list gives: each NULL (customer 0) for any; dates
 * YYYY-MM-DD (to: that whole day); action is one event ("login") or a
 * group ("login.*": login and every login.something); customer: the rows about that customers.id, a
 * record's own and the list pages that showed it (docs/audit.md, "Lists").
 */
struct audit_filter {
	const char	*username;
	const char	*action;
	const char	*object_id;
	const char	*from;
	const char	*to;
	long long	 customer;
};

/* One row of the log; the strings live until the callback returns. */
struct audit_row {
	sqlite3_int64	 id;
	const char	*at;		/* UTC */
	const char	*username;
	const char	*client;
	const char	*action;
	const char	*object_type;
	const char	*object_id;
	const char	*summary;
	const char	*name;		/* the staff member's name, "" for none */
	const char	*object_name;	/* a user object's name, else "" */
};

/*
 * Page page (from 1) of rows rows of the log, newest first, through fn
 * (a non-zero return stops and is returned); *more says whether there is
 * a next page. 0 or -1.
 */
int	 audit_list(sqlite3 *db, const struct audit_filter *, long long page,
	    int rows, int (*fn)(void *arg, const struct audit_row *),
	    void *arg, int *more);

/*
 * Group commit of the audit rows of pages that change nothing (the
 * intranet's searches and record pages, #17): its writer process appends
 * every row that has arrived in one transaction, each with its session's
 * idle clock, and answers each worker only after the commit, so that one
 * fsync serves many pages and no page is answered before its row is
 * durable. A change keeps its row in its own transaction (audit_append).
 */
#define AUDIT_NO_WRITER	1

/* The writer's socket beside the database ("DBPATH.audit"); 0, or -1 when too long for a socket path. */
int		 audit_writer_path(const char *db_path, char *dst, size_t len);
/* The writer (the intranet's service process) on the socket path: returns only on a fatal error (-1). */
int		 audit_writer(sqlite3 *db, const char *path);
/*
 * Hand e to the writer at path, with session's idle clock set to seen
 * (session NULL or seen 0: none), and wait for the commit (at most 10 s):
 * 0 when the row is durable; -1 when it is not, or may not be (the writer
 * went away after it was sent; db_fault() says why when the database
 * did); AUDIT_NO_WRITER when nothing was sent (no writer, or a field the
 * writer would refuse): the caller appends it itself.
 */
int		 audit_submit(const char *path, const struct audit_entry *e,
		    const char *session, time_t seen);

#endif
