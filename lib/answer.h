/*
 * answer.h — a rectification's parties to tell (GDPR Art. 19; the
 * notice: "Virheen korjaamisesta ilmoitetaan sille, jolta virheelliset
 * tiedot on saatu tai jolle tiedot on luovutettu"): for a request and a
 * customer record linked to it, the sources the corrected values came from
 * and every recipient the record was disclosed to, each with its "told on
 * DATE how METHOD" mark (request_told). The changes themselves are
 * customer_update_ref's, under the request's ticket number.
 */
#ifndef REKISTERI_ANSWER_H
#define REKISTERI_ANSWER_H

#include <time.h>

#include <sqlite3.h>

/* A party to tell; the strings live until the callback returns. */
struct answer_party {
	const char	*kind;		/* "source" or "recipient" */
	const char	*party;		/* a source (csource_names) or the recipient as logged */
	const char	*detail;	/* source: the fields corrected; recipient: what was disclosed */
	const char	*last;		/* recipient: the last disclosure's day; source: "" */
	const char	*told_on;	/* YYYY-MM-DD, "" while not told */
	const char	*told_how;	/* ctold_names, "" */
};

/*
 * The sources a value corrected came from: those outside the controller
 * and the person (an update service, a subcontractor). A value the person
 * gave, or staff typed, or the register's own import brought, has no one
 * else to tell.
 */
#define ANSWER_SOURCES	"update_service", "subcontractor"

/*
 * How many fields of record customer_id were changed under request id's
 * ticket number (customer_update_ref): >= 0, or -1 on error.
 */
long	 answer_changes(sqlite3 *, long long request_id, long long customer_id);

/*
 * The parties to tell of the corrections made for request id on record
 * customer_id, each through fn (non-zero stops and is returned): first
 * the sources of the corrected values (the source of each field's value
 * before the correction, from the history; ANSWER_SOURCES only), then every
 * recipient of a disclosure of the record (the disclosure log), each once.
 * None while nothing was corrected. 0 or -1.
 */
int	 answer_parties(sqlite3 *, long long request_id, long long customer_id,
	    int (*fn)(void *arg, const struct answer_party *), void *arg);

/*
 * Record that party (kind "source" or "recipient", one answer_parties
 * gives for request id and record customer_id) was told on told_on
 * (YYYY-MM-DD, not after today in Helsinki at now) how (ctold_names), by
 * user_id; a later mark replaces an earlier one. Inside the caller's
 * transaction. 0; 1 refused with *why (answer.err.party,
 * cust.err.told_on, .told_future, .told_how); -1. Needs fmt_init.
 */
int	 answer_told(sqlite3 *, long long request_id, long long customer_id,
	    const char *kind, const char *party, const char *told_on,
	    const char *how, long long user_id, time_t now, const char **why);

#endif
