/* breach_affected.h — who a personal-data breach affected (a query over the audit log and the records, saved to the breach as its affected set) and the letters that tell them (GDPR Art. 34). */
#ifndef REKISTERI_BREACH_AFFECTED_H
#define REKISTERI_BREACH_AFFECTED_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "breach.h"

/*
 * The kind of access asked about. Which audit actions and records each
 * covers is one table in breach_affected.c (docs/compliance.md):
 * viewed: customer.view, customer.search; changed: customer.add, .edit,
 * .order, .ban, .unban, .restrict, .unrestrict, .import, .import_updates,
 * .erase, .anonymise and customer_history rows; exported:
 * customer.export, labels.print, labels.export, customer.portability,
 * customer.access_report; disclosed: customer.disclosure and disclosures
 * rows by their day; any: all of these and any other action on a
 * customer.
 */
enum breach_access { BA_ANY, BA_VIEWED, BA_CHANGED, BA_EXPORTED,
	BA_DISCLOSED, BA__MAX };
extern const char *const breach_access_names[BA__MAX];

/* The query: access in [from, to] (UTC, both inclusive), optionally by one staff account (username) or by staff of one role (their role today). */
struct breach_query {
	enum breach_access	 access;
	char			 from[21];
	char			 to[21];
	const char		*staff;		/* NULL or "": anyone */
	const char		*role;		/* NULL or "": any; admin | handler | auditor */
};

/* A customer the query or a set names; strings live until the callback returns. */
struct breach_person {
	long long	 id;
	const char	*number;
	const char	*first_name;
	const char	*last_name;
	const char	*organisation;
	const char	*email;
	const char	*street;
	const char	*postal_code;
	const char	*city;
	const char	*country;
	const char	*lang;		/* fi | en: the person's newest request's, else fi */
	const char	*told_via;	/* post | email; "" not told (sets only) */
	const char	*told_at;	/* UTC; "" not told */
};
typedef int (*breach_person_fn)(void *arg, const struct breach_person *);

/*
 * Check q: both times well-formed, from not after to, the role one of
 * the three. NULL, or the message key ("breach.affected.err.*").
 */
const char *breach_query_check(const struct breach_query *q);

/* How many existing customers q finds into *n. 0 or -1. */
int	 breach_query_count(sqlite3 *, const struct breach_query *q,
	    long long *n);

/*
 * The customers q finds, by id, rows limit from offset, through fn (a
 * non-zero return stops and is returned). Ids the audit log names whose
 * record no longer exists are left out. 0, fn's value, or -1.
 */
int	 breach_query_list(sqlite3 *, const struct breach_query *q,
	    long long offset, int limit, breach_person_fn fn, void *arg);

/*
 * Save what q finds now as a new affected set of breach_id, by user at
 * now, inside the caller's transaction. The set's id (*count its
 * customers), or -1.
 */
long long breach_set_save(sqlite3 *, long long breach_id,
	    const struct breach_query *q, long long user, time_t now,
	    long long *count);

/* A saved set; strings owned (breach_set_free). */
struct breach_set {
	long long	 id;
	long long	 breach_id;
	char		 saved_at[21];
	char		*saved_by;	/* username */
	char		 access[10];
	char		 from[21];
	char		 to[21];
	char		*staff;
	char		 role[8];
	long long	 customers;
	long long	 told;		/* of them, told by a letter of this breach */
};
void	 breach_set_free(struct breach_set *);

/* The newest set of breach_id (its affected set) into *s: 0; 1 none; -1. */
int	 breach_set_current(sqlite3 *, long long breach_id, struct breach_set *s);

/*
 * The people of set set_id by id, rows limit from offset, with how each
 * was told of breach_id; untold only when untold. 0, fn's value, or -1.
 */
int	 breach_set_people(sqlite3 *, long long set_id, long long breach_id,
	    int untold, long long offset, int limit, breach_person_fn fn,
	    void *arg);

/* Customer id of set set_id, told or not, through fn: 0 (fn called), 1 not in the set, -1. */
int	 breach_set_person(sqlite3 *, long long set_id, long long breach_id,
	    long long customer_id, breach_person_fn fn, void *arg);

/* Record a letter of entry entry_id to customer_id (lang, via post | email, outbox_id 0: none) by user at now. Inside the caller's transaction. 0 or -1. */
int	 breach_letter_add(sqlite3 *, const struct breach_entry *entry,
	    long long set_id, long long customer_id, const char *lang,
	    const char *via, long long user, time_t now, long long outbox_id);

/* What an Art. 34 letter lacks (bits of breach_letter_missing). */
enum {
	BL_DECISION	= 1 << 0,	/* the entry does not say the people are told (tell_people yes) */
	BL_WHAT		= 1 << 1,	/* the nature of the breach (Art. 34(2), 33(3)(a)) */
	BL_CONTACT	= 1 << 2,	/* a contact point (Art. 33(3)(b)): [controller] contact_email or email */
	BL_CONSEQUENCES	= 1 << 3,	/* the likely consequences (Art. 33(3)(c)) */
	BL_MEASURES	= 1 << 4,	/* the measures taken or proposed (Art. 33(3)(d)) */
};
#define BL__COUNT	5
/* The message keys of the bits, in bit order ("breach.letter.missing.*"). */
extern const char *const breach_letter_missing_keys[BL__COUNT];

/*
 * GDPR Art. 34(2): the letter describes in clear and plain language the
 * nature of the breach and gives at least the items of Art. 33(3)(b)-(d).
 * What of that entry e and the contact (the controller's contact address
 * from the config; NULL or "" none) lack, as BL_* bits; 0 when the letter
 * can be sent.
 */
unsigned breach_letter_missing(const struct breach_entry *e,
	    const char *contact);

#endif
