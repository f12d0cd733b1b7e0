/* letter.h — a data-subject request's extension (GDPR Art. 12(3)) and its letters to the person: the answer, the refusal certificate with its legal bases, the extension letter; a letter marked sent is kept unchanged with its SHA-256. */
#ifndef REKISTERI_LETTER_H
#define REKISTERI_LETTER_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "kv.h"

#define LETTER_EXT_REASONS_MAX	1000	/* characters of an extension's reasons */
#define LETTER_TEXT_MAX		4000	/* characters of one text staff write into a letter */

/*
 * Whether a request may be extended at now (GDPR Art. 12(3): "may be
 * extended by two further months where necessary ... The controller shall
 * inform the data subject of any such extension within one month of
 * receipt"): it is open (status, dsr_is_open), not extended before
 * (extended_at ""), and today in Helsinki is not after the first deadline
 * (YYYY-MM-DD): the deadline day itself is the last day allowed. NULL, or
 * the message key of the reason (letters.err.closed, .extended, .too_late).
 * Needs fmt_init.
 */
const char *letter_extend_allowed(const char *status, const char *deadline,
	    const char *extended_at, time_t now);

/*
 * Extend request id by months (1 or 2) with reasons (required, at most
 * LETTER_EXT_REASONS_MAX characters, line breaks kept), by user_id, at now:
 * the new deadline is counted from receipt as one period of 1 + months
 * months (fmt_deadline_months, EU 1182/71), stored on the request with
 * the reasons, and a step "extended" is added. Inside the caller's
 * transaction. 0 with the new deadline in deadline[11]; 1 refused with
 * *why (request.none, letters.err.months, letters.err.reasons and those of
 * letter_extend_allowed); -1 on error.
 */
int	 letter_extend(sqlite3 *, long long id, int months, const char *reasons,
	    long long user_id, time_t now, const char **why, char deadline[11]);

/* A request's extension as stored; reasons owned (letter_ext_free). */
struct letter_ext {
	char	 at[24];	/* UTC; "" when not extended */
	char	 deadline[11];	/* the new one */
	int	 months;
	char	*reasons;
};
/* Read request id's extension: 0 (at "" when none), 1 no such request, -1. */
int	 letter_ext_get(sqlite3 *, long long id, struct letter_ext *);
void	 letter_ext_free(struct letter_ext *);

/* The letters. */
enum letter_kind {
	LK_ANSWER,	/* what was done, per requested type */
	LK_REFUSAL,	/* a refusal or partial refusal with reasons (Art. 12(4)) */
	LK_EXTENSION,	/* the extension, its reasons and the new date (Art. 12(3)) */
	LK__MAX
};
extern const char *const letter_kind_names[LK__MAX];
int	 letter_kind_parse(const char *);	/* index or -1 */

/*
 * The legal bases a refusal may give, one place for all (the refusal form,
 * the certificate, the docs): name (a form value and the i18n key
 * letters.basis.NAME) and the provision it rests on.
 */
struct letter_basis {
	const char	*name;
	const char	*source;	/* "GDPR Art. 12(5)(b)" */
};
#define LETTER_BASES	6
extern const struct letter_basis letter_bases[LETTER_BASES];
int	 letter_basis_parse(const char *);	/* index or -1 */

/* How a letter went to the person. */
#define LETTER_VIA_POST		"post"	/* printed for post */
#define LETTER_VIA_EMAIL	"email"	/* to the address the person confirmed */

/* A letter: a draft (sent_at "") or sent. Owned (letter_free). */
struct letter {
	long long		 id;
	long long		 request_id;
	enum letter_kind	 kind;
	char			 created_at[24];
	char			 sent_at[24];	/* UTC; "" for a draft */
	char			 sent_via[8];
	long long		 sent_by;
	char			 sha256[65];	/* hex */
	struct kvlist		 parts;		/* what staff wrote: name = value */
	char			*content;	/* sent: the page as sent; else NULL */
	size_t			 content_len;
};
void	 letter_free(struct letter *);

/* Letter id with its parts and content: 0, 1 none, -1. */
int	 letter_get(sqlite3 *, long long id, struct letter *);
/* The draft of kind on request id (no content): 0, 1 none, -1. */
int	 letter_draft_get(sqlite3 *, long long request_id, enum letter_kind,
	    struct letter *);

/*
 * Read the draft's parts of kind from form into parts, as typed: for an
 * answer "type.NAME" for each type in types (1u << enum rtype) and
 * "list_parties" ("1": the person asked for the recipients of a
 * correction, GDPR Art. 19, and the letter lists the parties told); for a
 * refusal "scope" (whole | part), "refused", "basis" (repeated, names of
 * letter_bases) and "reasons"; an extension letter has none. Texts at most
 * LETTER_TEXT_MAX characters, line breaks kept. NULL when all are good,
 * else the message key of the first fault (parts then holds what was
 * typed, for the form).
 */
const char *letter_parts_read(enum letter_kind, unsigned types,
	    const struct kvlist *form, struct kvlist *parts);

/*
 * Whether a draft's parts are complete enough to send: every requested
 * type answered; a refusal's scope, what is refused, at least one basis
 * and the reasons (Art. 12(4)). NULL or the message key of what is missing.
 */
const char *letter_complete(enum letter_kind, unsigned types,
	    const struct kvlist *parts);

/*
 * Save parts as the draft of kind on request id (made when there is none;
 * its parts replaced when there is), by user_id. Inside the caller's
 * transaction. 0 with the draft's id in *letter_id, or -1.
 */
int	 letter_draft_save(sqlite3 *, long long request_id, enum letter_kind,
	    const struct kvlist *parts, long long user_id, long long *letter_id);

/*
 * Mark draft letter_id sent via (LETTER_VIA_POST or _EMAIL) by user_id at
 * now, storing content[0..len) — the page as the person gets it —
 * unchanged with its SHA-256 (crypto_hash_sha256, hex). From then on the
 * database refuses any change or deletion of it (triggers). 0; 1 when it
 * is not a draft (sent already, or none); -1 on error.
 */
int	 letter_mark_sent(sqlite3 *, long long letter_id, const char *via,
	    const char *content, size_t len, long long user_id, time_t now);

/* A letter as a request's page lists it. */
struct letter_row {
	long long	 id;
	const char	*kind;
	const char	*created_at;	/* UTC */
	const char	*sent_at;	/* UTC, "" for the draft */
	const char	*sent_via;	/* "" for the draft */
	const char	*sent_by;	/* display name, "" */
	const char	*sha256;	/* "" for the draft */
};
/* Request id's letters, oldest first, each through fn (non-zero stops). 0, fn's value, or -1. */
int	 letter_list(sqlite3 *, long long request_id,
	    int (*fn)(void *arg, const struct letter_row *), void *arg);

/*
 * The plain text of a rendered letter page[0..len) for mail: the text of
 * its element of class "letter", a line per paragraph, heading and list
 * item (lines wrapped at 76 characters), line breaks of class "pre" text
 * kept, the QR code and anything of class "no-mail" left out. NULL when
 * the page is not well-formed or has no letter. Caller frees.
 */
char	*letter_text(const char *page, size_t len);

#endif
