/* view_dsr.c — a data-subject request as a template model, for the pages of the request and intranet executables (linked only by them). See view_dsr.h. */
#define _XOPEN_SOURCE 700	/* strptime */ /* NOLINT(cert-dcl51-cpp) */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <stdlib.h>

#include "buf.h"
#include "conf.h"
#include "fmt.h"
#include "log.h"
#include "qr.h"
#include "view_dsr.h"

/* The autocomplete token of each field on the public form (WCAG 1.3.5). */
static const char *const autocomplete[RF__MAX] = {
	"name", "organization", "email", "tel", "street-address", "off", "off",
};

/* ---- pages -------------------------------------------------------------- */

/*
 * The extension into m: extended (bool), extended_at, extension_months,
 * and whether its letter is late: GDPR Art. 12(3) wants the person told
 * "within one month of receipt", so the extension letter must be marked
 * sent by the first deadline (Helsinki date); ext_letter_late when it was
 * sent after it or is still unsent after it, ext_letter_due while unsent
 * before it.
 */
static void
extension_model(const struct dsr *r, enum lang lang, const char *today,
    struct tmpl_map *m)
{
	char d[96], sent_day[11] = "";

	if (r->extended_at[0] == '\0')
		return;
	tm_bool(m, "extended", 1);
	fmt_datetime(d, sizeof(d), lang, r->extended_at);
	tm_str(m, "extended_at", d);
	tm_int(m, "extension_months", r->extension_months);
	if (r->extension_letter_at[0] != '\0') {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof(tm));
		if (strptime(r->extension_letter_at, "%Y-%m-%dT%H:%M:%SZ", &tm) !=
		    NULL && (t = timegm(&tm)) != (time_t)-1 &&
		    localtime_r(&t, &tm) != NULL)
			strftime(sent_day, sizeof(sent_day), "%Y-%m-%d", &tm);
		fmt_datetime(d, sizeof(d), lang, r->extension_letter_at);
		tm_str(m, "extension_letter_at", d);
		tm_bool(m, "ext_letter_late", strcmp(sent_day, r->deadline) > 0);
		return;
	}
	tm_bool(m, "ext_letter_late", strcmp(today, r->deadline) > 0);
	tm_bool(m, "ext_letter_due", strcmp(today, r->deadline) <= 0);
}

void
dsr_types_text(unsigned types, enum lang lang, const struct i18n *msgs,
    struct buf *out)
{
	char key[64];
	int first = 1;

	for (int i = 0; i < RT__MAX; i++) {
		if (!(types & (1u << i)))
			continue;
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		if (!first)
			buf_adds(out, ", ");
		buf_adds(out, i18n_msg(msgs, lang, key));
		first = 0;
	}
}

/*
 * Labels are put by value: i18n messages live as long as the catalogue,
 * but the model copies strings anyway; keys are literals.
 */
void
dsr_to_model(const struct dsr *r, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *m)
{
	char d[96], key[64], today[11];
	struct tmpl_list *types;
	struct tm tm;
	time_t now = time(NULL);

	tm_int(m, "id", r->id);
	tm_str(m, "number", r->number);
	fmt_datetime(d, sizeof(d), lang, r->received);
	tm_str(m, "received", d);
	tm_str(m, "received_utc", r->received);
	/* the deadline that counts (an extension's, GDPR Art. 12(3)) and the first */
	fmt_date(d, sizeof(d), lang, dsr_due(r));
	tm_str(m, "deadline", d);
	tm_str(m, "deadline_iso", dsr_due(r));
	fmt_date(d, sizeof(d), lang, r->deadline);
	tm_str(m, "first_deadline", d);
	tm_str(m, "first_deadline_iso", r->deadline);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	extension_model(r, lang, today, m);
	/* a closed case is never overdue (GDPR Art. 12(3): answered in time or not) */
	tm_bool(m, "is_open", dsr_is_open(r->status));
	tm_bool(m, "can_start", strcmp(r->status, "received") == 0);
	tm_bool(m, "overdue", dsr_is_open(r->status) &&
	    strcmp(today, dsr_due(r)) > 0);
	/* closed as answered or refused, and no letter told the person so */
	tm_bool(m, "letter_missing", !dsr_is_open(r->status) &&
	    r->letters_sent == 0);
	{
		char soon[11];

		/* due within a week: today + 7 by the C library's calendar */
		tm.tm_mday += 7;
		tm.tm_isdst = -1;
		if (mktime(&tm) != (time_t)-1) {
			strftime(soon, sizeof(soon), "%Y-%m-%d", &tm);
			tm_bool(m, "due_soon", dsr_is_open(r->status) &&
			    strcmp(today, dsr_due(r)) <= 0 &&
			    strcmp(dsr_due(r), soon) <= 0);
		}
	}
	tm_bool(m, "waiting_identity", dsr_is_open(r->status) &&
	    r->identity_method[0] == '\0');
	if (r->asked_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->asked_at);
		tm_str(m, "asked_at", d);
		tm_bool(m, "waiting_person", dsr_is_open(r->status));
	}
	if (r->closed_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->closed_at);
		tm_str(m, "closed_at", d);
	}
	tm_bool(m, "mail_failed", strcmp(r->mail_state, "failed") == 0);
	types = tm_list(m, "types");
	for (int i = 0; i < RT__MAX; i++) {
		struct tmpl_map *t;

		if (!(r->types & (1u << i)))
			continue;
		t = tm_list_map(types);
		tm_str(t, "name", rtype_names[i]);
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		tm_str(t, "label", i18n_msg(msgs, lang, key));
	}
	tm_str(m, "request_lang", lang_codes[r->lang]);
	/* how it came in: the form, or registered by staff (manual intake) */
	tm_str(m, "channel", r->channel);
	snprintf(key, sizeof(key), "request.channel.%s", r->channel[0] ?
	    r->channel : "form");
	tm_str(m, "channel_label", i18n_msg(msgs, lang, key));
	tm_str(m, "status", r->status);
	snprintf(key, sizeof(key), "request.status.%s", r->status);
	tm_str(m, "status_label", i18n_msg(msgs, lang, key));
	tm_str(m, "mail_state", r->mail_state);
	tm_str(m, "key_id", r->key_id);
	tm_bool(m, "email_confirmed", r->email_confirmed_at[0] != '\0');
	if (r->email_confirmed_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->email_confirmed_at);
		tm_str(m, "email_confirmed_at", d);
	}
	if (r->identity_method[0] != '\0') {
		struct tmpl_map *idm = tm_map(m, "identity");

		tm_str(idm, "method", r->identity_method);
		snprintf(key, sizeof(key), "request.identity.%s",
		    r->identity_method);
		tm_str(idm, "label", i18n_msg(msgs, lang, key));
		tm_str(idm, "note", r->identity_note ? r->identity_note : "");
		tm_int(idm, "by", r->identity_by);
		fmt_datetime(d, sizeof(d), lang, r->identity_at);
		tm_str(idm, "at", d);
	}
	if (r->paper_received_at[0] != '\0') {
		fmt_datetime(d, sizeof(d), lang, r->paper_received_at);
		tm_str(m, "paper_at", d);
		tm_int(m, "paper_by", r->paper_by);
	}
	if (r->v[0] == NULL)
		return;
	for (int i = 0; i < RF__MAX; i++)
		tm_str(m, dsr_fields[i].name, r->v[i]);
	tm_str(m, "code", r->code ? r->code : "");
}


/* ---- forms and tickets ---------------------------------------------------- */

void
dsr_controller_model(const struct conf *c, struct tmpl_map *root)
{
	struct tmpl_map *m = tm_map(root, "controller");

	tm_str(m, "name", c->controller_name);
	tm_str(m, "address", c->controller_address ? c->controller_address :
	    "");
	tm_str(m, "email", c->controller_email);
}

/* The types' checkboxes into root.types, with the error in root and summary. */
static void
types_model(const struct dsr_form *f, enum lang lang,
    const struct i18n *msgs, struct tmpl_map *root, struct tmpl_list *summary)
{
	struct tmpl_list *types = tm_list(root, "types");
	char key[64], id[48];

	for (int i = 0; i < RT__MAX; i++) {
		struct tmpl_map *t = tm_list_map(types);

		snprintf(id, sizeof(id), "type-%s", rtype_names[i]);
		tm_str(t, "id", id);
		snprintf(id, sizeof(id), "type-%s-help", rtype_names[i]);
		tm_str(t, "help_id", id);
		tm_str(t, "value", rtype_names[i]);
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		tm_str(t, "label", i18n_msg(msgs, lang, key));
		snprintf(key, sizeof(key), "request.help.%s", rtype_names[i]);
		tm_str(t, "help", i18n_msg(msgs, lang, key));
		tm_bool(t, "checked", f != NULL && (f->types & (1u << i)));
	}
	if (f != NULL && f->types_err != NULL) {
		struct tmpl_map *e = tm_list_map(summary);

		tm_str(root, "types_error", i18n_msg(msgs, lang, f->types_err));
		tm_str(root, "types_error_id", "types-error");
		tm_str(e, "href", "#type-access");
		tm_str(e, "text", i18n_msg(msgs, lang, f->types_err));
	}
}

void
dsr_form_to_model(const struct dsr_form *f, enum lang lang,
    const struct i18n *msgs, int staff, struct tmpl_map *root)
{
	struct tmpl_list *fields = tm_list(root, "fields"),
	    *summary = tm_list(root, "errors");
	char key[64], href[64];

	types_model(f, lang, msgs, root, summary);
	for (int i = 0; i < RF__MAX; i++) {
		struct tmpl_map *fm = tm_list_map(fields);
		const char *n = dsr_fields[i].name;

		tm_str(fm, "name", n);
		snprintf(href, sizeof(href), "f-%s", n);
		tm_str(fm, "id", href);
		/* the public form's "your request" is the person's request to staff */
		snprintf(key, sizeof(key), "%s.field.%s", staff && i == RF_TEXT ?
		    "intake" : "request", n);
		tm_str(fm, "label", i18n_msg(msgs, lang, key));
		snprintf(key, sizeof(key), "request.hint.%s", n);
		tm_str(fm, "hint", i18n_msg(msgs, lang, key));
		snprintf(href, sizeof(href), "f-%s-hint", n);
		tm_str(fm, "hint_id", href);
		tm_str(fm, "value", f != NULL && f->v[i] ? f->v[i] : "");
		tm_int(fm, "maxlength", (long long)dsr_fields[i].max);	/* at most 4000 */
		/* staff type someone else's details: their browser must not fill in its own */
		tm_str(fm, "autocomplete", staff ? "off" : autocomplete[i]);
		tm_bool(fm, "is_textarea", i == RF_TEXT || i == RF_ADDRESS);
		tm_bool(fm, "is_input", i != RF_TEXT && i != RF_ADDRESS);
		tm_int(fm, "rows", i == RF_TEXT ? 8 : 3);
		tm_str(fm, "type", i == RF_EMAIL ? "email" : i == RF_PHONE ? "tel" :
		    "text");
		tm_bool(fm, "required", i == RF_NAME);
		if (f != NULL && f->errs[i] != NULL) {
			struct tmpl_map *e = tm_list_map(summary);
			const char *msg = i18n_msg(msgs, lang, f->errs[i]);

			snprintf(href, sizeof(href), "f-%s-error f-%s-hint", n, n);
			tm_str(fm, "describedby", href);
			snprintf(href, sizeof(href), "f-%s-error", n);
			tm_str(fm, "error_id", href);
			tm_str(fm, "error", msg);
			tm_str(fm, "invalid", "true");
			snprintf(href, sizeof(href), "#f-%s", n);
			tm_str(e, "href", href);
			tm_str(e, "text", msg);
		} else {
			snprintf(href, sizeof(href), "f-%s-hint", n);
			tm_str(fm, "describedby", href);
		}
	}
}

int
dsr_ticket_to_model(const struct dsr *rq, enum lang lang,
    const struct i18n *msgs, const struct conf *c, struct tmpl_map *root)
{
	struct buf url = BUF_INIT;
	char *svg;

	dsr_to_model(rq, lang, msgs, tm_map(root, "t"));
	dsr_controller_model(c, root);
	tm_bool(root, "has_email", rq->v[RF_EMAIL][0] != '\0');
	tm_bool(root, "mail_sent", strcmp(rq->mail_state, "sent") == 0);
	tm_bool(root, "mail_failed", strcmp(rq->mail_state, "failed") == 0);
	tm_bool(root, "mail_none", rq->v[RF_EMAIL][0] != '\0' &&
	    strcmp(rq->mail_state, "none") == 0);
	tm_str(root, "print_css_href", "/static/request.css");
	/* printed, the page must say where to check it in full */
	buf_addf(&url, "%s/request/verify", c->base_url);
	tm_str(root, "verify_url", url.data);
	buf_free(&url);
	if ((svg = qr_svg(rq->code, i18n_msg(msgs, lang,
	    "ticket.qr_title"))) == NULL) {
		LOG_ERR("no QR code for %s", rq->number);
		return -1;
	}
	tm_html(root, "qr", svg);
	free(svg);
	return 0;
}
