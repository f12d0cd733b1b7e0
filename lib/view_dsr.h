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
 * key_id, deadline (formatted) and deadline_iso,
 * overdue (bool: past the deadline and not done or refused), types (list
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
