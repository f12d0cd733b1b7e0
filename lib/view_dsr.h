/* view_dsr.h — a data-subject request as a template model, shared by the request and intranet executables' pages. */
#ifndef REKISTERI_VIEW_DSR_H
#define REKISTERI_VIEW_DSR_H

#include "buf.h"
#include "dsr.h"
#include "i18n.h"
#include "tmpl.h"

/*
 * Put r into map m for a page in lang: id, number, received (formatted,
 * Helsinki time) and received_utc, request_lang (the form's language),
 * key_id, deadline (formatted; the one that counts: dsr_due) and
 * deadline_iso, first_deadline and first_deadline_iso, and after an
 * extension extended (bool), extended_at, extension_months,
 * ext_letter_due and ext_letter_late (its letter not yet, or not in time,
 * marked sent); letter_missing (closed without a sent answer or refusal
 * letter); overdue (bool: past the deadline that counts and still open), types (list
 * of {name, label}), status and status_label, mail_state, email_confirmed
 * (bool), identity {method, label, note, at} when checked, paper_at when
 * received; and, when loaded, the fields under their names and code.
 */
void	 dsr_to_model(const struct dsr *r, enum lang,
	    const struct i18n *msgs, struct tmpl_map *m);

/* The request's types as labels in lang, ", "-separated, into out. */
void	 dsr_types_text(unsigned types, enum lang, const struct i18n *msgs,
	    struct buf *out);

#endif
