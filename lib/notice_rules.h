/* notice_rules.h — a notice checked before it is published: the items GDPR Art. 13 requires, known unlawful wording, empty sections (with a proposal where one is safe to offer). */
#ifndef REKISTERI_NOTICE_RULES_H
#define REKISTERI_NOTICE_RULES_H

#include <stddef.h>

#include <sqlite3.h>

#include "authority.h"
#include "buf.h"
#include "i18n.h"

enum nr_kind {
	NR_MISSING,	/* an item Art. 13 requires is not there */
	NR_TEXT,	/* wording known to be unlawful or misleading */
	NR_EMPTY,	/* a section without text */
	NR_AUTHORITY,	/* the supervisory authority's former address */
	NR__MAX
};

/* One problem of one language of a notice version. */
struct nr_finding {
	enum nr_kind	 kind;
	const char	*code;		/* the rule's stable name: "signature", "art13.retention" */
	enum lang	 lang;		/* the language of the text */
	int		 position;	/* section, 1-based; 0: the notice as a whole */
	char		*title;		/* the section's title, or "" */
	char		*match;		/* the words found, or a detail; may be "" */
	const char	*what[LANG__MAX];	/* what is wrong, in fi and en */
	const char	*why[LANG__MAX];	/* the reason, naming its source */
	const char	*proposal;	/* cleaned rich text the admin may accept, or NULL */
};

struct nr_list {
	struct nr_finding	*v;
	size_t			 n;
};

/*
 * Check the stored notice: the newest published version, or the draft when
 * draft is set, every language. a (may be NULL) adds the former-address
 * check of notice_check.h. The findings go to out (the caller frees them
 * with nr_list_free). Returns 0; 1 when there is no such version; -1 on a
 * database error.
 */
int	 notice_review(sqlite3 *, int draft, const struct authority *a,
	    struct nr_list *out);
void	 nr_list_free(struct nr_list *);

/* The findings as lines, in lang: "fi 17 "Title": what ("match") — why". No personal data. */
void	 nr_list_text(const struct nr_list *, enum lang, struct buf *out);

/* The text proposed for an empty section titled title in lang, or NULL. */
const char *notice_proposal(const char *title, enum lang);

#endif
