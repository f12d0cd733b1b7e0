/* letters.c — a request's extension (GDPR Art. 12(3)) and its letters to the person: drafted, previewed in the request's language, marked sent (then kept unchanged with its SHA-256) and reprinted. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "access_report.h"
#include "answer.h"
#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "fmt.h"
#include "forget.h"
#include "letter.h"
#include "letter_holds.h"
#include "log.h"
#include "outbox.h"
#include "qr.h"
#include "ticket.h"
#include "validate.h"
#include "view_dsr.h"
#include "view_notice.h"
#include "intranet.h"

#define LETTER_TEMPLATE	"letter.xhtml"

/* A letter being shown or sent: the request, its extension, the draft. */
struct lview {
	struct dsr		 q;
	struct letter_ext	 ext;
	struct letter		 draft;		/* id 0 when there is none */
	enum letter_kind	 kind;
};

static void
lview_free(struct lview *v)
{
	dsr_free(&v->q);
	letter_ext_free(&v->ext);
	letter_free(&v->draft);
}

/*
 * Load request id, its extension and its draft of kind into v. 0; 404 when
 * there is no such request, or an extension letter for a request not
 * extended; 500 on error.
 */
static int
lview_load(struct app *a, long long id, enum letter_kind kind, struct lview *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	if ((rc = dsr_get(a->db, id, &v->q)) != 0)
		return rc == 1 ? 404 : 500;
	if (letter_ext_get(a->db, id, &v->ext) != 0)
		return 500;
	if (kind == LK_EXTENSION && v->ext.at[0] == '\0')
		return 404;
	/* 1: no draft yet (v->draft stays zeroed) */
	return letter_draft_get(a->db, id, kind, &v->draft) < 0 ? 500 : 0;
}

/* The controller, as the letterhead and the signature name it. */
static void
controller_model(struct app *a, struct tmpl_map *root)
{
	struct tmpl_map *c = tm_map(root, "controller");

	tm_str(c, "name", a->conf.controller_name);
	tm_str(c, "address", a->conf.controller_address ?
	    a->conf.controller_address : "");
	tm_str(c, "email", a->conf.controller_email ?
	    a->conf.controller_email : "");
	tm_str(c, "phone", a->conf.controller_phone ?
	    a->conf.controller_phone : "");
}

/* The answers per requested type: {name, field, label, text}, from parts. */
static void
answers_model(struct app *a, const struct lview *v, const struct kvlist *parts,
    struct tmpl_map *root)
{
	struct tmpl_list *l = tm_list(root, "answers");
	char key[64];

	for (int i = 0; i < RT__MAX; i++) {
		struct tmpl_map *e;
		const char *t;

		if (!(v->q.types & (1u << i)))
			continue;
		e = tm_list_map(l);
		snprintf(key, sizeof(key), "type.%s", rtype_names[i]);
		tm_str(e, "field", key);
		t = kv_get(parts, key);
		tm_str(e, "text", t ? t : "");
		snprintf(key, sizeof(key), "answer-%s", rtype_names[i]);
		tm_str(e, "id", key);
		snprintf(key, sizeof(key), "request.type.%s", rtype_names[i]);
		tm_str(e, "label", i18n_msg(a->msgs, v->q.lang, key));
	}
}

/* The parties of a correction as the letter lists them, in the request's language. */
struct lparties {
	struct app		*a;
	const struct lview	*v;
	struct tmpl_list	*list;
	int			 failed;
};

static int
letter_party(void *arg, const struct answer_party *p)
{
	struct lparties *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	enum lang lang = x->v->q.lang;
	int source = strcmp(p->kind, "source") == 0;
	char k[64], d[64];

	tm_str(m, "kind_label", i18n_msg(x->a->msgs, lang, source ?
	    "answer.kind.source" : "answer.kind.recipient"));
	if (source) {
		snprintf(k, sizeof(k), "source.%s.party", p->party);
		tm_str(m, "party_label", i18n_msg(x->a->msgs, lang, k));
	} else
		tm_str(m, "party_label", p->party);
	tm_str(m, "detail", p->detail);
	if (p->told_on[0] != '\0') {
		fmt_date(d, sizeof(d), lang, p->told_on);
		tm_str(m, "told_on", d);
		snprintf(k, sizeof(k), "told.%s", p->told_how);
		tm_str(m, "told_how", i18n_msg(x->a->msgs, lang, k));
	}
	return 0;
}

static int
letter_party_link(void *arg, const struct dsr_link *l)
{
	struct lparties *x = arg;

	if (answer_parties(x->a->db, x->v->q.id, l->customer_id, letter_party,
	    x) != 0)
		x->failed = 1;
	return x->failed;
}

/*
 * When the person asked (GDPR Art. 19: "The controller shall inform the
 * data subject about those recipients if the data subject requests it"),
 * an answer lists the parties of the corrections made for the request,
 * each with when and how it was told: root.list_parties, root.parties.
 * 0 or -1.
 */
static int
parties_model(struct app *a, const struct lview *v, const struct kvlist *parts,
    struct tmpl_map *root)
{
	struct lparties x = { a, v, NULL, 0 };
	int on = v->kind == LK_ANSWER && kv_get(parts, "list_parties") != NULL;

	tm_bool(root, "list_parties", on);
	if (!on)
		return 0;
	x.list = tm_list(root, "parties");
	if (dsr_links(a->db, v->q.id, letter_party_link, &x) < 0 || x.failed)
		return -1;
	return 0;
}

/* The reports stored with the request, as an answer's enclosures. */
struct lenclosures {
	struct app		*a;
	enum lang		 lang;
	struct tmpl_list	*list;
	int			 n;
};

static int
letter_enclosure(void *arg, const struct ar_stored *st)
{
	struct lenclosures *x = arg;
	struct tmpl_map *m = tm_list_map(x->list);
	char d[64], key[48];

	x->n++;
	snprintf(key, sizeof(key), "ar.kind.%s", st->kind);
	tm_str(m, "kind", i18n_msg(x->a->msgs, x->lang, key));
	tm_str(m, "format", st->format);
	if (fmt_datetime(d, sizeof(d), x->lang, st->sent_at) != 0)
		snprintf(d, sizeof(d), "%s", st->sent_at);
	tm_str(m, "sent_at", d);
	tm_str(m, "sha256", st->sha256);
	return 0;
}

/*
 * An answer names what went with it: the access reports and portability
 * files stored with the request as sent (GDPR Art. 15(3), 20(1);
 * docs/access-report.md "Stored when sent"), each with its SHA-256, so
 * that the letter and its enclosures can be matched later:
 * root.enclosures, root.has_enclosures. 0 or -1.
 */
static int
enclosures_model(struct app *a, const struct lview *v, struct tmpl_map *root)
{
	struct lenclosures x = { a, v->q.lang, NULL, 0 };

	x.list = tm_list(root, "enclosures");
	if (v->kind != LK_ANSWER) {
		tm_bool(root, "has_enclosures", 0);
		return 0;
	}
	if (ar_stored_list(a->db, v->q.id, letter_enclosure, &x) != 0)
		return -1;
	tm_bool(root, "has_enclosures", x.n > 0);
	return 0;
}

/* The refusal: partial, refused, reasons, the bases chosen and all of them for the form. */
static void
refusal_model(struct app *a, const struct lview *v, const struct kvlist *parts,
    struct tmpl_map *root)
{
	struct tmpl_map *f = tm_map(root, "refusal");
	struct tmpl_list *chosen = tm_list(f, "bases"), *all = tm_list(f,
	    "choices");
	const char *scope = kv_get(parts, "scope");
	char key[64];

	tm_bool(f, "partial", scope != NULL && strcmp(scope, "part") == 0);
	tm_bool(f, "whole", scope != NULL && strcmp(scope, "whole") == 0);
	tm_str(f, "refused", kv_get(parts, "refused") ? kv_get(parts,
	    "refused") : "");
	tm_str(f, "reasons", kv_get(parts, "reasons") ? kv_get(parts,
	    "reasons") : "");
	for (int i = 0; i < LETTER_BASES; i++) {
		struct tmpl_map *e = tm_list_map(all);
		int on = 0;

		for (size_t k = 0; k < parts->n; k++)
			if (strcmp(parts->v[k].key, "basis") == 0 &&
			    strcmp(parts->v[k].val, letter_bases[i].name) == 0)
				on = 1;
		snprintf(key, sizeof(key), "basis-%s", letter_bases[i].name);
		tm_str(e, "id", key);
		snprintf(key, sizeof(key), "letters.basis.%s",
		    letter_bases[i].name);
		tm_str(e, "name", letter_bases[i].name);
		tm_str(e, "label", i18n_msg(a->msgs, v->q.lang, key));
		tm_str(e, "source", letter_bases[i].source);
		tm_bool(e, "checked", on);
		if (on) {
			struct tmpl_map *c = tm_list_map(chosen);

			tm_str(c, "label", i18n_msg(a->msgs, v->q.lang, key));
			tm_str(c, "source", letter_bases[i].source);
		}
	}
}

int
ui_suppression_model(struct app *a, const struct dsr *q,
    struct tmpl_map *root)
{
	const struct ui_conf *uc = a->data;
	struct tmpl_map *f = tm_map(root, "suppressed");
	unsigned kinds = 0;
	int rc = 0;

	/* without the key nothing can be compared (logged at start) */
	tm_bool(f, "unchecked", !uc->have_erasure_key);
	if (uc->have_erasure_key && (rc = forget_suppressed_request(a->db,
	    &uc->erasure_key, q->v[RF_NAME], q->v[RF_EMAIL], q->v[RF_PHONE],
	    q->v[RF_ADDRESS], &kinds)) < 0)
		return -1;
	tm_bool(f, "any", rc == 1);
	tm_bool(f, "email", (kinds & (1u << SUP_EMAIL)) != 0);
	tm_bool(f, "phone", (kinds & (1u << SUP_PHONE)) != 0);
	tm_bool(f, "name_postal", (kinds & (1u << SUP_NAME_POSTAL)) != 0);
	return 0;
}

/*
 * The letter's model in the request's language: the letterhead, the date
 * (day, "YYYY-MM-DD" in Helsinki), the request and its requester, the QR
 * code of the ticket's signed code, the Ombudsman's details, the kind's own
 * content from parts. 0, or -1 when the QR code cannot be made or the
 * parties of a correction cannot be read.
 */
static int
letter_model(struct app *a, const struct lview *v, const struct kvlist *parts,
    const char *day, struct tmpl_map *root)
{
	const struct ui_conf *uc = a->data;
	enum lang lang = v->q.lang;
	struct tmpl_map *e;
	char d[96], *svg;

	controller_model(a, root);
	fmt_date(d, sizeof(d), lang, day);
	tm_str(root, "date", d);
	tm_str(root, "date_iso", day);
	dsr_to_model(&v->q, lang, a->msgs, tm_map(root, "request"));
	tm_str(root, "kind", letter_kind_names[v->kind]);
	tm_bool(root, "is_answer", v->kind == LK_ANSWER);
	tm_bool(root, "is_refusal", v->kind == LK_REFUSAL);
	tm_bool(root, "is_extension", v->kind == LK_EXTENSION);
	answers_model(a, v, parts, root);
	if (parties_model(a, v, parts, root) != 0 ||
	    enclosures_model(a, v, root) != 0)
		return -1;
	/* the answer says a suppression entry exists (GDPR Art. 15, 21(3)) */
	if (v->kind == LK_ANSWER && ui_suppression_model(a, &v->q, root) != 0)
		return -1;
	refusal_model(a, v, parts, root);
	e = tm_map(root, "ext");
	fmt_date(d, sizeof(d), lang, v->q.deadline);
	tm_str(e, "first", d);
	fmt_date(d, sizeof(d), lang, v->ext.deadline);
	tm_str(e, "deadline", d);
	tm_int(e, "months", v->ext.months);
	tm_bool(e, "two", v->ext.months == 2);
	tm_str(e, "reasons", v->ext.reasons ? v->ext.reasons : "");
	authority_fill(uc->authority, lang, tm_map(root, "authority"));
	if ((svg = qr_svg(v->q.code, i18n_msg(a->msgs, lang,
	    "letters.qr_title"))) == NULL)
		return -1;
	tm_html(root, "qr", svg);
	free(svg);
	return 0;
}

/* Today in Helsinki as YYYY-MM-DD. */
static void
today(time_t now, char out[11])
{
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Render the letter page of root in lang into out. 0 or -1. */
static int
letter_render(struct app *a, enum lang lang, struct tmpl_map *root,
    struct buf *out)
{
	const struct tmpl *t = tmpl_get(a->tmpl, LETTER_TEMPLATE, lang);

	if (t == NULL) {
		LOG_ERR("no template %s", LETTER_TEMPLATE);
		return -1;
	}
	tmpl_render(t, root, out);
	return 0;
}

/* Answer with a page of ours (never cached). */
static void
send_page(struct req *r, int status, const struct buf *b)
{
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, status, "text/html; charset=utf-8", b->data, b->len);
}

/*
 * Why the draft cannot be marked sent yet, or NULL: an answer gives
 * personal data out, so the identity is checked first (GDPR Art. 12(6));
 * every part the kind needs is there (letter_complete).
 */
static const char *
send_blocked(const struct lview *v, const struct kvlist *parts)
{
	const char *missing = letter_complete(v->kind, v->q.types, parts);

	if (missing != NULL)
		return missing;
	if (v->kind == LK_ANSWER && v->q.identity_method[0] == '\0')
		return "letters.err.identity_first";
	return NULL;
}

/*
 * An erasure request's holds for its refusal (letter_holds_get) on today:
 * 0 with *lh filled (n 0 when none apply), or -1.
 */
static int
offered_holds(struct app *a, const struct lview *v, struct letter_holds *lh)
{
	char day[11];

	memset(lh, 0, sizeof(*lh));
	if (v->kind != LK_REFUSAL)
		return 0;
	today(time(NULL), day);
	return letter_holds_get(a->db, v->q.id, v->q.types, day,
	    &a->conf.accounting, lh);
}

/* The holds offered to staff as reasons, each worded for the person with its last day and source. */
static void
holds_model(struct app *a, const struct lview *v,
    const struct letter_holds *lh, struct tmpl_map *root)
{
	struct tmpl_map *f = tm_map(root, "holds");
	struct tmpl_list *l = tm_list(f, "list");
	char d[64];

	(void)a;
	tm_bool(f, "any", lh->n > 0);
	tm_bool(f, "refused", lh->refused);
	tm_bool(f, "partly", lh->partly && !lh->refused);
	for (size_t i = 0; i < lh->n; i++) {
		struct tmpl_map *e = tm_list_map(l);

		tm_str(e, "text", hold_text(lh->h[i].reason, v->q.lang));
		tm_str(e, "source", letter_hold_source(lh->h[i].reason));
		if (lh->h[i].until[0] != '\0' && fmt_date(d, sizeof(d),
		    v->q.lang, lh->h[i].until) == 0)
			tm_str(e, "until", d);
	}
}

/*
 * The draft and preview page of v's letter: the letter as it will be sent
 * (today's date), then the staff's forms (edit the draft, mark it sent),
 * all in the request's language. parts: what to show (the draft's, or
 * what was typed when it was refused with error, a message key).
 */
static void
show_draft(struct app *a, struct req *r, const struct lview *v,
    const struct kvlist *parts, int status, const char *error)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);
	struct buf out = BUF_INIT;
	const char *blocked = send_blocked(v, parts);
	struct letter_holds lh;
	struct kvlist offered = { NULL, 0, 0 };
	struct buf reasons = BUF_INIT;
	char day[11], href[80];

	today(time(NULL), day);
	if (offered_holds(a, v, &lh) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	/*
	 * A new refusal of an erasure the holds refuse (or partly: the orders
	 * kept): its reasons start as the holds worded for the person; staff
	 * choose, edit or remove them before saving
	 */
	if (v->draft.id == 0 && error == NULL && lh.n > 0 &&
	    kv_get(parts, "reasons") == NULL) {
		for (size_t i = 0; i < parts->n; i++)
			kv_add(&offered, parts->v[i].key, parts->v[i].val);
		letter_holds_text(&lh, v->q.lang, &reasons);
		kv_add(&offered, "reasons", reasons.data);
		buf_free(&reasons);
		parts = &offered;
	}
	holds_model(a, v, &lh, root);
	if (letter_model(a, v, parts, day, root) != 0) {
		kv_free(&offered);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	kv_free(&offered);	/* the model holds copies */
	tm_bool(root, "preview", 1);
	tm_str(root, "csrf", cx->csrf);
	tm_int(root, "letter_id", v->draft.id);
	tm_bool(root, "saved", v->draft.id != 0);
	snprintf(href, sizeof(href), "/intranet/request?id=%lld", v->q.id);
	tm_str(root, "request_href", href);
	if (error != NULL)
		tm_str(root, "error", i18n_msg(a->msgs, v->q.lang, error));
	/* what the draft still lacks, after it has been saved */
	if (blocked != NULL && (v->draft.id != 0 || v->kind == LK_EXTENSION))
		tm_str(root, "blocked", i18n_msg(a->msgs, v->q.lang, blocked));
	tm_bool(root, "can_send", blocked == NULL &&
	    (v->draft.id != 0 || v->kind == LK_EXTENSION));
	/* email only to an address the person confirmed by following the link */
	tm_bool(root, "email_ok", v->q.email_confirmed_at[0] != '\0' &&
	    v->q.v[RF_EMAIL] != NULL && v->q.v[RF_EMAIL][0] != '\0');
	if (letter_render(a, v->q.lang, root, &out) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_free(m);
	if (ui_event(a, r, &cx->me, "request.letter_view", "request", v->q.id,
	    "") != 0) {
		buf_free(&out);
		app_error(a, r, 500);
		return;
	}
	send_page(r, status, &out);
	buf_free(&out);
}

/* ?kind= or the form's kind, sent once: the kind, or -1. */
static int
kind_of(struct req *r)
{
	const struct kvlist *l = r->method == METHOD_POST ? &r->form : &r->query;

	if (kv_count(l, "kind") != 1)
		return -1;
	return letter_kind_parse(kv_get(l, "kind"));
}

/* GET /intranet/request/letter?id=N&kind=answer|refusal|extension: draft and preview. */
void
page_request_letter(struct app *a, struct req *r)
{
	struct lview v;
	long long id = ui_id(r);
	int kind = kind_of(r), rc;

	if (id == 0 || kind < 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = lview_load(a, id, (enum letter_kind)kind, &v)) != 0) {
		lview_free(&v);
		app_error(a, r, rc);
		return;
	}
	show_draft(a, r, &v, &v.draft.parts, 200, NULL);
	lview_free(&v);
}

/*
 * The draft the form names with letter (optional): it must be this
 * request's draft of this kind. NULL when it is (or none is named), else
 * the message key: a letter marked sent can never be changed.
 */
static const char *
named_draft(struct app *a, struct req *r, const struct lview *v, int *status)
{
	const char *s = kv_get(&r->form, "letter");
	struct letter l;
	long long lid;
	int rc;

	*status = 0;
	if (s == NULL)
		return NULL;
	if (kv_count(&r->form, "letter") != 1 ||
	    val_int(s, 1, LLONG_MAX, &lid) != NULL) {
		*status = 400;
		return "letters.err.letter";
	}
	if ((rc = letter_get(a->db, lid, &l)) != 0 || l.request_id != v->q.id ||
	    l.kind != v->kind) {
		if (rc == 0)
			letter_free(&l);
		*status = rc < 0 ? 500 : 404;
		return "letters.err.letter";
	}
	rc = l.sent_at[0] != '\0';
	letter_free(&l);
	if (rc) {
		*status = 409;
		return "letters.err.sent";
	}
	return NULL;
}

/*
 * Queue letter lid's mail to the address the person confirmed, inside the
 * caller's transaction (outbox.h: retried until delivered, never lost
 * silently): the letter's plain text and the request's number. The stored
 * page is what counts. 0 or -1.
 */
static int
letter_mail(struct app *a, const struct dsr *q, long long lid,
    const struct buf *page)
{
	char *text = letter_text(page->data, page->len);
	struct buf subject = BUF_INIT, body = BUF_INIT;
	int rc;

	(void)lid;
	if (text == NULL) {
		LOG_ERR("letter %lld: no text for mail", lid);
		return -1;
	}
	buf_addf(&subject, "%s %s", i18n_msg(a->msgs, q->lang,
	    "letters.mail_subject"), q->number);
	buf_adds(&body, text);
	buf_addf(&body, "\n-- \n%s %s\n", i18n_msg(a->msgs, q->lang,
	    "letters.mail_ticket"), q->number);
	free(text);
	rc = outbox_put(a->db, q->v[RF_EMAIL], subject.data, body.data,
	    "request.letter", q->id, NULL);
	if (rc != 0)
		LOG_ERR("letter %lld: the mail could not be queued (%d)", lid, rc);
	buf_free(&subject);
	buf_free(&body);
	return rc == 0 ? 0 : -1;
}

/* POST /intranet/request/letter, action save: the draft's parts as typed. */
static void
letter_save(struct app *a, struct req *r, struct lview *v)
{
	const struct ui *cx = r->ctx;
	struct kvlist parts = { 0 };
	const char *err;
	char to[96], summary[32];
	long long lid;

	if ((err = letter_parts_read(v->kind, v->q.types, &r->form, &parts)) !=
	    NULL) {
		db_rollback(a->db);	/* refused: nothing changes */
		show_draft(a, r, v, &parts, 422, err);
		kv_free(&parts);
		return;
	}
	if (letter_draft_save(a->db, v->q.id, v->kind, &parts, cx->me.id,
	    &lid) != 0) {
		kv_free(&parts);
		ui_fail(a, r);
		return;
	}
	kv_free(&parts);
	snprintf(summary, sizeof(summary), "letter %lld", lid);
	if (ui_event(a, r, &cx->me, "request.letter_draft", "request", v->q.id,
	    summary) != 0 || db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/request/letter?id=%lld&kind=%s#send-h",
	    v->q.id, letter_kind_names[v->kind]);
	ui_done(r, to, "letter_saved");
}

/*
 * POST /intranet/request/letter, action send: the draft rendered as the
 * person gets it (today's date, no staff forms), stored unchanged with its
 * SHA-256, the step and the audit row; by email through the mail set-up
 * when via is email (the address the person confirmed), else printed for
 * post. Then the stored letter, to print.
 */
static void
letter_send(struct app *a, struct req *r, struct lview *v)
{
	const struct ui *cx = r->ctx;
	const char *via = ui_field(r, "via", 8), *err;
	struct tmpl_model *m;
	struct buf out = BUF_INIT;
	char day[11], to[64], summary[48];
	time_t now = time(NULL);
	long long lid = v->draft.id;

	if (via == NULL || (strcmp(via, LETTER_VIA_POST) != 0 &&
	    strcmp(via, LETTER_VIA_EMAIL) != 0)) {
		db_rollback(a->db);
		app_error(a, r, 400);
		return;
	}
	err = send_blocked(v, &v->draft.parts);
	if (err == NULL && lid == 0 && v->kind != LK_EXTENSION)
		err = "letters.err.no_draft";
	if (err == NULL && strcmp(via, LETTER_VIA_EMAIL) == 0 &&
	    v->q.email_confirmed_at[0] == '\0')
		err = "letters.err.email_unconfirmed";
	if (err != NULL) {
		db_rollback(a->db);
		show_draft(a, r, v, &v->draft.parts, 422, err);
		return;
	}
	/* the extension letter has nothing to draft: its draft is made here */
	if (lid == 0 && letter_draft_save(a->db, v->q.id, v->kind,
	    &v->draft.parts, cx->me.id, &lid) != 0) {
		ui_fail(a, r);
		return;
	}
	m = tm_new();
	today(now, day);
	if (letter_model(a, v, &v->draft.parts, day, tm_root(m)) != 0 ||
	    letter_render(a, v->q.lang, tm_root(m), &out) != 0) {
		tm_free(m);
		ui_fail(a, r);
		return;
	}
	tm_free(m);
	snprintf(summary, sizeof(summary), "letter %lld %s", lid, via);
	if (letter_mark_sent(a->db, lid, via, out.data, out.len, cx->me.id,
	    now) != 0 ||
	    dsr_step(a->db, v->q.id, cx->me.id, "letter_sent", summary) != 0 ||
	    ui_event(a, r, &cx->me, "request.letter_sent", "request", v->q.id,
	    summary) != 0 ||
	    (strcmp(via, LETTER_VIA_EMAIL) == 0 &&
	    letter_mail(a, &v->q, lid, &out) != 0) ||
	    db_commit(a->db) != 0) {
		buf_free(&out);
		ui_fail(a, r);
		return;
	}
	buf_free(&out);
	snprintf(to, sizeof(to), "/intranet/letter?id=%lld", lid);
	ui_done(r, to, "recorded");
}

/*
 * POST /intranet/request/letter (id, kind, action save | send, letter:
 * the draft's id when there is one; save: the parts; send: via). A letter
 * marked sent is never changed: naming one is refused (409).
 */
void
post_request_letter(struct app *a, struct req *r)
{
	const char *action = ui_field(r, "action", 8), *err;
	struct lview v;
	long long id;
	int kind = kind_of(r), rc, status;

	if (kind < 0 || action == NULL || (strcmp(action, "save") != 0 &&
	    strcmp(action, "send") != 0)) {
		app_error(a, r, 400);
		return;
	}
	if ((id = ui_change_begin(a, r)) == 0)
		return;
	if ((rc = lview_load(a, id, (enum letter_kind)kind, &v)) != 0) {
		lview_free(&v);
		db_rollback(a->db);
		app_error(a, r, rc);
		return;
	}
	if ((err = named_draft(a, r, &v, &status)) != NULL) {
		db_rollback(a->db);
		if (status == 409)
			show_draft(a, r, &v, &v.draft.parts, 409, err);
		else
			app_error(a, r, status);
		lview_free(&v);
		return;
	}
	if (strcmp(action, "save") == 0)
		letter_save(a, r, &v);
	else
		letter_send(a, r, &v);
	lview_free(&v);
}

/*
 * GET /intranet/letter?id=L: a letter marked sent, exactly as stored (to
 * reprint). Its SHA-256 is checked on the way out: a letter whose bytes no
 * longer match is not shown (500, logged).
 */
void
page_letter(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], summary[32];
	struct letter l;
	long long id = ui_id(r);
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = letter_get(a->db, id, &l)) != 0) {
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	if (l.sent_at[0] == '\0' || l.content == NULL) {
		letter_free(&l);
		app_error(a, r, 404);	/* a draft is seen on its request's page */
		return;
	}
	crypto_hash_sha256(h, (const unsigned char *)l.content, l.content_len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(summary, sizeof(summary), "letter %lld", l.id);
	if (strcmp(hex, l.sha256) != 0) {
		LOG_ERR("letter %lld: its content does not match its SHA-256", l.id);
		letter_free(&l);
		app_error(a, r, 500);
		return;
	}
	if (ui_event(a, r, &cx->me, "request.letter_print", "request",
	    l.request_id, summary) != 0) {
		letter_free(&l);
		app_error(a, r, 500);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, 200, "text/html; charset=utf-8", l.content, l.content_len);
	letter_free(&l);
}
