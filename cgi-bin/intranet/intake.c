/* intake.c — manual intake: staff register a data-subject request that came by letter, email, phone or in person, with its real day of receipt, and print its signed ticket for the person. docs/requests.md, "Manual intake". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "log.h"
#include "ticket.h"
#include "view_dsr.h"
#include "intranet.h"

#define DATE_MAX	32	/* bytes of a typed day of receipt */
#define NOTE_BYTES	2000	/* bytes of the note (dsr_register counts 500 characters) */

/* What the form holds besides the request's own fields. */
struct intake {
	int		 channel;	/* enum dsr_channel, -1 when none chosen */
	const char	*date;		/* as typed */
	enum lang	 lang;		/* the request's language */
	const char	*note;
	int		 mail;		/* staff chose to send the confirmation */
	const char	*errs[3];	/* channel, date, note: message keys */
};

enum { IE_CHANNEL, IE_DATE, IE_NOTE };

/* The form's error summary line for field id with message key. */
static void
summary_add(struct app *a, struct req *r, struct tmpl_list *l,
    const char *href, const char *key)
{
	struct tmpl_map *e = tm_list_map(l);

	tm_str(e, "href", href);
	tm_str(e, "text", i18n_msg(a->msgs, r->lang, key));
}

/* The form's model: the request's fields (dsr_form_to_model), the channel, the day, the language, the note and the mail. */
static struct tmpl_model *
intake_model(struct app *a, struct req *r, const struct dsr_form *f,
    const struct intake *in)
{
	static const char *const errkeys[3] = { "channel_error", "date_error",
	    "note_error" };
	static const char *const hrefs[3] = { "#ch-letter", "#received",
	    "#intake-note" };
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);
	struct tmpl_list *l, *summary;
	char oldest[11], today[11];
	int failed = 0;

	dsr_form_to_model(f, r->lang, a->msgs, 1, root);
	summary = tm_list(root, "intake_errors");
	l = tm_list(root, "channels");
	for (int i = DCH_LETTER; i < DCH__MAX; i++) {
		struct tmpl_map *e = tm_list_map(l);
		char id[32], key[64];

		snprintf(id, sizeof(id), "ch-%s", dsr_channel_names[i]);
		tm_str(e, "id", id);
		tm_str(e, "value", dsr_channel_names[i]);
		snprintf(key, sizeof(key), "request.channel.%s",
		    dsr_channel_names[i]);
		tm_str(e, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(e, "checked", in->channel == i);
	}
	l = tm_list(root, "langs");
	for (int i = 0; i < LANG__MAX; i++) {
		struct tmpl_map *e = tm_list_map(l);
		char id[16], key[32];

		snprintf(id, sizeof(id), "lang-%s", lang_codes[i]);
		tm_str(e, "id", id);
		tm_str(e, "value", lang_codes[i]);
		snprintf(key, sizeof(key), "intake.lang.%s", lang_codes[i]);
		tm_str(e, "label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(e, "checked", in->lang == (enum lang)i);
	}
	/* the date field's bounds: a year back to today, in Helsinki */
	dsr_receipt_bounds(time(NULL), oldest, today);
	tm_str(root, "date_min", oldest);
	tm_str(root, "date_max", today);
	tm_str(root, "date", in->date ? in->date : today);
	tm_str(root, "note", in->note ? in->note : "");
	tm_bool(root, "mail", a->conf.sendmail != NULL);
	tm_bool(root, "mail_checked", in->mail);
	for (int k = 0; k < 3; k++)
		if (in->errs[k] != NULL) {
			tm_str(root, errkeys[k], i18n_msg(a->msgs, r->lang,
			    in->errs[k]));
			summary_add(a, r, summary, hrefs[k], in->errs[k]);
			failed = 1;
		}
	/* a field's error is read with it: described by the message, then the hint */
	tm_str(root, "channel_error_id", in->errs[IE_CHANNEL] ? "channel-error" :
	    "");
	tm_str(root, "date_describedby", in->errs[IE_DATE] ?
	    "received-error received-hint" : "received-hint");
	tm_str(root, "date_invalid", in->errs[IE_DATE] ? "true" : "");
	tm_str(root, "note_describedby", in->errs[IE_NOTE] ?
	    "intake-note-error intake-note-hint" : "intake-note-hint");
	tm_str(root, "note_invalid", in->errs[IE_NOTE] ? "true" : "");
	if (f != NULL) {
		for (int i = 0; i < RF__MAX; i++)
			failed |= f->errs[i] != NULL;
		failed |= f->types_err != NULL;
	}
	tm_bool(root, "failed", failed);
	return m;
}

/* Read the form's own values into in; the number of errors. */
static int
intake_read(struct app *a, struct req *r, struct intake *in)
{
	const char *v;
	char received[24];
	int bad = 0, lang;

	memset(in, 0, sizeof(*in));
	in->channel = dsr_channel_parse(ui_field(r, "channel", 16));
	if (in->channel <= DCH_FORM) {
		in->channel = -1;
		in->errs[IE_CHANNEL] = "intake.err.channel";
		bad++;
	}
	in->date = ui_field(r, "received", DATE_MAX);
	if (dsr_receipt(in->date, time(NULL), received,
	    &in->errs[IE_DATE]) != 0) {
		if (in->errs[IE_DATE] == NULL)
			in->errs[IE_DATE] = "intake.err.date";
		bad++;
	}
	lang = lang_parse(ui_field(r, "lang", 4));
	in->lang = lang < 0 ? r->lang : (enum lang)lang;
	if (kv_get(&r->form, "note") != NULL &&
	    (in->note = ui_field(r, "note", NOTE_BYTES)) == NULL) {
		in->errs[IE_NOTE] = "request.err.note";
		bad++;
	}
	v = kv_get(&r->form, "mail");
	in->mail = v != NULL && a->conf.sendmail != NULL;
	return bad;
}

/* The form again with what was wrong (422); nothing was stored. */
static void
intake_again(struct app *a, struct req *r, const struct dsr_form *f,
    const struct intake *in, int status)
{
	struct tmpl_model *m = intake_model(a, r, f, in);

	if (status >= 500)
		tm_bool(tm_root(m), "store_failed", 1);
	ui_page(a, r, status, "intranet-request-new.xhtml", m);
}

/*
 * POST /intranet/request/new: the form checked as the public form checks
 * it (dsr_from_form; no form token, honeypot or rate limit), the channel,
 * the day of receipt and the note; then the request, its ticket, its
 * "registered" step and the audit row (ids and the channel only) in one
 * transaction, the confirmation mailed after the commit when staff chose
 * it, and the request's page (303).
 */
static void
intake_post(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct ticket_keys *k;
	struct dsr_form f;
	struct dsr_stored s;
	struct intake in;
	const char *why = NULL;
	char err[256], to[64];
	int bad, rc;

	bad = dsr_from_form(&r->form, &f);
	bad += intake_read(a, r, &in);
	if (bad > 0) {
		intake_again(a, r, &f, &in, 422);
		dsr_form_free(&f);
		return;
	}
	in.mail = in.mail && f.v[RF_EMAIL][0] != '\0';
	if ((k = ticket_keys_load(a->conf.key_dir, 1, err, sizeof(err))) == NULL) {
		LOG_ERR("no signing key: %s", err);
		intake_again(a, r, &f, &in, 500);
		dsr_form_free(&f);
		return;
	}
	if (db_begin(a->db) != 0) {
		ticket_keys_free(k);
		intake_again(a, r, &f, &in, 500);
		dsr_form_free(&f);
		return;
	}
	rc = dsr_register(a->db, k, &f, (enum dsr_channel)in.channel, in.date,
	    time(NULL), in.lang, in.mail, cx->me.id, in.note, &s, &why);
	ticket_keys_free(k);
	if (rc == 1) {
		db_rollback(a->db);
		in.errs[strcmp(why, "request.err.note") == 0 ? IE_NOTE :
		    IE_DATE] = why;
		intake_again(a, r, &f, &in, 422);
		dsr_form_free(&f);
		return;
	}
	if (rc != 0 || ui_event(a, r, &cx->me, "request.register", "request",
	    s.id, dsr_channel_names[in.channel]) != 0 || db_commit(a->db) != 0) {
		db_rollback(a->db);
		intake_again(a, r, &f, &in, 500);
		dsr_form_free(&f);
		return;
	}
	/* after the commit, as the public form does: the ticket stands either way */
	if (in.mail)
		(void)dsr_mail_requester(a->db, &a->conf, a->msgs, in.lang,
		    f.v[RF_EMAIL], &s);
	snprintf(to, sizeof(to), "/intranet/request?id=%lld", s.id);
	sodium_memzero(&s, sizeof(s));	/* the links go only to the person */
	dsr_form_free(&f);
	ui_done(r, to, "request_added");
}

/* GET and POST /intranet/request/new: register a request that came by letter, email, phone or in person. */
void
page_request_new(struct app *a, struct req *r)
{
	struct intake in;

	if (r->method == METHOD_POST) {
		intake_post(a, r);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.channel = -1;
	in.lang = r->lang;
	in.mail = 1;
	ui_page(a, r, 200, "intranet-request-new.xhtml",
	    intake_model(a, r, NULL, &in));
}

/*
 * GET /intranet/request/ticket?id=N[&lang=fi|en]: the request's signed
 * ticket, printable to send to the person, as the public ticket page shows
 * it (request-ticket.xhtml), in the request's language unless lang says.
 * Reached by the id: the ticket page's link token is never stored nor
 * shown here. A view of personal data: audited.
 */
void
page_request_ticket(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	long long id = ui_id(r);
	struct tmpl_model *m;
	struct dsr q;
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = dsr_get(a->db, id, &q)) != 0) {
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	if (lang_parse(kv_get(&r->query, "lang")) < 0)
		r->lang = q.lang;
	m = tm_new();
	if (dsr_ticket_to_model(&q, r->lang, a->msgs, &a->conf,
	    tm_root(m)) != 0 || ui_event(a, r, &cx->me, "request.ticket",
	    "request", id, "") != 0) {
		dsr_free(&q);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	dsr_free(&q);
	{
		char back[64];

		snprintf(back, sizeof(back), "/intranet/request?id=%lld", id);
		tm_str(tm_root(m), "staff_back_href", back);
	}
	resp_header(r, "X-Robots-Tag", "noindex, nofollow");
	ui_page(a, r, 200, "request-ticket.xhtml", m);
}
