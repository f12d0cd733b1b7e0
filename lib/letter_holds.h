/*
 * letter_holds.h — the legal holds on an erasure request's linked customer
 * records, offered to staff as reasons for the refusal certificate (GDPR
 * Art. 12(4), 17(3)), worded for the person (hold_text) with the last day
 * and the source. Staff choose and edit: nothing here decides a refusal.
 */
#ifndef REKISTERI_LETTER_HOLDS_H
#define REKISTERI_LETTER_HOLDS_H

#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "holds.h"
#include "i18n.h"

/* One reason: a hold's kind over all the linked records. */
struct letter_hold {
	enum hold_reason reason;
	char		 until[11];	/* the latest last day; "" open-ended */
};

/* The reasons of a request, in the order of enum hold_reason. */
struct letter_holds {
	int		 erasure;	/* the request asks for erasure */
	int		 refused;	/* a linked record's verdict is REFUSE */
	int		 partly;	/* ... ANONYMISE: the orders are kept */
	size_t		 n;
	struct letter_hold h[HOLD__MAX];
};

/*
 * The holds of request request_id's linked customer records on today
 * (YYYY-MM-DD, Helsinki) into out, when the request asks for erasure
 * (types has RT_ERASURE): for each record whose holds_compute verdict is
 * REFUSE or ANONYMISE, every hold, one per kind with its latest last day
 * (an open-ended one wins). Nothing for a request without erasure, or
 * records that may be erased. 0 or -1.
 */
int	 letter_holds_get(sqlite3 *, long long request_id, unsigned types,
	    const char *today, const struct holds_conf *,
	    struct letter_holds *out);

/* The provision a hold rests on: "GDPR Art. 17(3)(e)", ... */
const char *letter_hold_source(enum hold_reason);

/*
 * The reasons worded for the person in lang as the refusal's reasons
 * text (letter part "reasons"), appended to out: per hold its sentence
 * (hold_text), its last day when it has one ("Viimeinen päivä: 31.12.2031."
 * / "Last day: 31 December 2031.") and its source in brackets, a blank
 * line between. Needs fmt_init. Nothing when h has none.
 */
void	 letter_holds_text(const struct letter_holds *, enum lang,
	    struct buf *out);

#endif
