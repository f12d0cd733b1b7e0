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

/* The controller ([controller] name, address, email) into root.controller. */
struct conf;
void	 dsr_controller_model(const struct conf *, struct tmpl_map *root);

/*
 * A request form's fields and types into root (the public form's, or with
 * staff the intranet's manual intake, whose browser must not autocomplete
 * its user's own details): root.types (id, help_id, value, label, help,
 * checked), root.fields (name, id, label, hint, hint_id, value, maxlength,
 * autocomplete, is_textarea, is_input, rows, type, required, and
 * error, error_id, invalid, describedby), root.types_error and
 * root.errors, a summary of every error linking to its field. f may be
 * NULL (an empty form).
 */
void	 dsr_form_to_model(const struct dsr_form *f, enum lang,
	    const struct i18n *msgs, int staff, struct tmpl_map *root);

/*
 * The printable ticket of a loaded request into root for
 * request-ticket.xhtml: t (dsr_to_model), controller, the mail's state,
 * the verification URL (c's base_url) and the QR code of the signed code.
 * 0, or -1 (logged) when no QR code could be made.
 */
int	 dsr_ticket_to_model(const struct dsr *rq, enum lang,
	    const struct i18n *msgs, const struct conf *c,
	    struct tmpl_map *root);

#endif
