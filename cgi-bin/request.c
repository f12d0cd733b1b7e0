/*
 * request — the public data-subject request form and its tickets:
 * /request (the form, GET and POST), /request/ticket/TOKEN (the printable
 * ticket), /request/verify (check a ticket code), /request/key (the public
 * key as PEM), /request/confirm/TOKEN (the email link). docs/request.md.
 *
 * Public: no cookies, nothing from other sites, no personal data in any
 * URL but the unguessable ticket and confirmation links. It links only
 * lib/request.c, lib/ticket.c, lib/mail.c, lib/outbox.c (a mail that
 * failed waits there) and the shared pieces, never the intranet's write
 * paths (customer, auth).
 *
 * Writes are short transactions serialised by a lock file beside the
 * database (dsr_prepare), so the workers queue in the kernel instead of
 * sleeping in SQLite's busy handler (PERF.md: one writer).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "fmt.h"
#include "log.h"
#include "mail.h"
#include "dsr.h"
#include "view_dsr.h"
#include "ticket.h"

#define TICKET_PREFIX	"/request/ticket/"
#define CONFIRM_PREFIX	"/request/confirm/"
#define CODE_MAX	8192	/* bytes of a ticket code typed or scanned */

/* The signing keys, reloaded when the key folder changes (rekisteri key rotate). */
static struct ticket_keys *keys;
static time_t keys_retry;	/* the last load, when it failed */
static struct timespec keys_seen;
static int keys_tried;

/*
 * Threads per worker when the writer runs: a worker's thread waiting for
 * the writer's commit lets another take the next form (lib/app.c), so
 * -w 2 has up to eight forms in flight, and a commit carries more of them.
 */
#define REQUEST_THREADS	4

/* The writer's socket ("" when the database path is too long for one). */
static char writer_path[108];

/*
 * The keys of the folder as it is now: loaded again when its modification
 * time changed since the last load. NULL (logged once per change) while
 * there is no usable key.
 */
static const struct ticket_keys *
keys_get(struct app *a)
{
	struct stat sb;
	char err[256];

	if (stat(a->conf.key_dir, &sb) != 0) {
		if (keys_tried == 0 || keys != NULL)
			LOG_ERR("the key folder is missing: run rekisteri keygen");
		if (keys != NULL)
			ticket_keys_free(keys);
		keys = NULL;
		keys_tried = 1;
		return NULL;
	}
	/*
	 * Unchanged folder: the keys as loaded; but with none loaded, try again
	 * (at most once a second): fixing secret.key's mode, as the log says,
	 * does not touch the folder's time.
	 */
	if (keys_tried && sb.st_mtim.tv_sec == keys_seen.tv_sec &&
	    sb.st_mtim.tv_nsec == keys_seen.tv_nsec &&
	    (keys != NULL || time(NULL) == keys_retry))
		return keys;
	keys_retry = time(NULL);
	keys_seen = sb.st_mtim;
	keys_tried = 1;
	if (keys != NULL)
		ticket_keys_free(keys);
	if ((keys = ticket_keys_load(a->conf.key_dir, 1, err, sizeof(err))) ==
	    NULL)
		LOG_ERR("no signing key: %s", err);
	return keys;
}

/*
 * The form's model: each field with its label, hint, value and error;
 * the types with their help; a summary of the errors at the top linking to
 * the fields; a form token (fresh, or the one sent when it is still good).
 */
static struct tmpl_model *
form_model(struct app *a, struct req *r, const struct dsr_form *f,
    const char *token)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);
	char tok[DSR_FORM_TOKEN_MAX];

	if (token == NULL || token[0] == '\0') {
		dsr_form_token(time(NULL), tok);
		token = tok;
	}
	tm_str(root, "form_token", token);
	tm_str(root, "form_action", r->lang == LANG_EN ? "/request?lang=en" :
	    "/request?lang=fi");
	tm_bool(root, "mail", a->conf.sendmail != NULL);
	dsr_controller_model(&a->conf, root);
	dsr_form_to_model(f, r->lang, a->msgs, 0, root);
	return m;
}

/* The refusal for the honeypot and the rate limit alike: it does not say which. */
static void
refuse(struct app *a, struct req *r)
{
	struct tmpl_model *m = tm_new();

	dsr_controller_model(&a->conf, tm_root(m));
	resp_header(r, "Retry-After", "3600");
	app_page_private(a, r, 429, "request-refused.xhtml", m);
}

/*
 * Mail after a stored request: the requester's confirmation and the
 * contact's notice, each tried at once; one that fails waits in the outbox.
 */
static void
send_mail(struct app *a, struct req *r, const struct dsr_form *f,
    const struct dsr_stored *s)
{
	struct buf subj = BUF_INIT, body = BUF_INIT;
	struct mail m;
	char deadline[64];

	if (s->confirm[0] != '\0')
		(void)dsr_mail_requester(a->db, &a->conf, a->msgs, r->lang,
		    f->v[RF_EMAIL], s);
	/* the register's contact: the number and the deadline, nothing personal */
	if (a->conf.contact_email != NULL) {
		fmt_date(deadline, sizeof(deadline), LANG_FI, s->deadline);
		buf_addf(&subj, "%s %s", i18n_msg(a->msgs, LANG_FI,
		    "request.mail.staff_subject"), s->number);
		buf_addf(&body, "%s\n\n%s: %s\n%s: %s\n\n%s/intranet/\n",
		    i18n_msg(a->msgs, LANG_FI, "request.mail.staff_lead"),
		    i18n_msg(a->msgs, LANG_FI, "ticket.number"), s->number,
		    i18n_msg(a->msgs, LANG_FI, "ticket.deadline"), deadline,
		    a->conf.base_url);
		m.from = a->conf.mail_from ? a->conf.mail_from :
		    a->conf.controller_email;
		m.to = a->conf.contact_email;
		m.subject = subj.data;
		m.body = body.data;
		if (mail_send(a->conf.sendmail, &m) != 0) {
			LOG_ERR("notice of %s to the contact address failed",
			    s->number);
			dsr_mail_retry(a->db, &m, "request.notice", s);
		}
	}
	buf_free(&subj);
	buf_free(&body);
}

/* GET and POST /request: the form; a valid one becomes a ticket (303). */
static void
page_form(struct app *a, struct req *r)
{
	struct dsr_form f;
	struct dsr_stored s;
	char form_id[DSR_FORM_ID_HEX], to[128];
	const struct ticket_keys *k;
	enum dsr_token tok;
	enum dsr_result res;
	int bad;

	if (r->method != METHOD_POST) {
		app_page_private(a, r, 200, "request.xhtml", form_model(a, r, NULL, NULL));
		return;
	}
	bad = dsr_from_form(&r->form, &f);
	tok = dsr_token_check(f.token, time(NULL), a->conf.form_lifetime,
	    form_id);
	if (tok != RTOK_OK) {
		/* the values stay; a fresh token; errors shown too */
		app_page_private(a, r, 400, "request-reload.xhtml", form_model(a, r, &f, NULL));
		dsr_form_free(&f);
		return;
	}
	if (bad > 0) {
		struct tmpl_model *m = form_model(a, r, &f, f.token);

		tm_bool(tm_root(m), "failed", 1);
		app_page_private(a, r, 400, "request.xhtml", m);
		dsr_form_free(&f);
		return;
	}
	/*
	 * The honeypot only now, beside the rate limit: a bot sees the same
	 * refusal for both, whatever else was wrong with its form.
	 */
	if (f.honeypot) {
		dsr_form_free(&f);
		refuse(a, r);
		return;
	}
	if (keys_get(a) == NULL) {
		struct tmpl_model *m = form_model(a, r, &f, f.token);

		tm_bool(tm_root(m), "store_failed", 1);
		app_page_private(a, r, 500, "request.xhtml", m);
		dsr_form_free(&f);
		return;
	}
	/*
	 * To the writer (group commit), or stored here when there is none.
	 * While a sent form waits another thread may run (lib/app.c) and
	 * replace the keys (keys_get): here they are taken again.
	 */
	res = RQ_NO_WRITER;
	if (writer_path[0] != '\0')
		res = dsr_submit(writer_path, &f, form_id, r->remote_addr,
		    r->lang, a->conf.sendmail != NULL, &s);
	if (res == RQ_NO_WRITER)
		res = (k = keys_get(a)) == NULL ? RQ_ERROR : dsr_store(a->db,
		    k, &f, form_id, r->remote_addr, a->conf.rate_limit,
		    r->lang, a->conf.sendmail != NULL, &s);
	switch (res) {
	case RQ_STORED:
		break;
	case RQ_USED:
		app_page_private(a, r, 400, "request-reload.xhtml", form_model(a, r, &f, NULL));
		dsr_form_free(&f);
		return;
	case RQ_REFUSED:
		dsr_form_free(&f);
		refuse(a, r);
		return;
	case RQ_ERROR:
	default: {
		/*
		 * nothing stored: the form again, its values kept; a locked, full
		 * or read-only database makes it 503 with Retry-After (app_page)
		 */
		struct tmpl_model *m = form_model(a, r, &f, f.token);

		tm_bool(tm_root(m), db_fault() != DB_FAULT_NONE ?
		    "store_unavailable" : "store_failed", 1);
		app_page_private(a, r, 500, "request.xhtml", m);
		dsr_form_free(&f);
		return;
	}
	}
	if (a->conf.sendmail != NULL)
		send_mail(a, r, &f, &s);
	dsr_form_free(&f);
	snprintf(to, sizeof(to), TICKET_PREFIX "%s", s.token);
	app_redirect(r, to);
}

/*
 * An expired ticket-page or confirmation link (dsr_link_expired): 410 and a
 * page saying so, what still works (the code on the verify page) and whom
 * to ask. Nothing of the request is shown, not even its number.
 */
static void
page_expired(struct app *a, struct req *r, int confirm)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);

	tm_bool(root, confirm ? "confirm" : "ticket", 1);
	tm_str(root, "verify_href", r->lang == LANG_EN ?
	    "/request/verify?lang=en" : "/request/verify?lang=fi");
	dsr_controller_model(&a->conf, root);
	resp_header(r, "X-Robots-Tag", "noindex, nofollow");
	app_page_private(a, r, 410, "request-expired.xhtml", m);
}

/* GET /request/ticket/TOKEN: the printable ticket, in the form's language unless ?lang= says. */
static void
page_ticket(struct app *a, struct req *r)
{
	struct dsr rq;
	struct tmpl_model *m;
	struct tmpl_map *root;
	int rc;

	if ((rc = dsr_by_token(a->db, r->path + strlen(TICKET_PREFIX),
	    &rq)) != 0) {
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	if (lang_parse(kv_get(&r->query, "lang")) < 0)
		r->lang = rq.lang;
	if ((rc = dsr_link_expired(rq.received, time(NULL),
	    a->conf.ticket_link_days)) != 0) {
		dsr_free(&rq);
		if (rc > 0)
			page_expired(a, r, 0);
		else
			app_error(a, r, 500);
		return;
	}
	m = tm_new();
	root = tm_root(m);
	if (dsr_ticket_to_model(&rq, r->lang, a->msgs, &a->conf, root) != 0) {
		dsr_free(&rq);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	dsr_free(&rq);
	resp_header(r, "X-Robots-Tag", "noindex, nofollow");
	app_page_private(a, r, 200, "request-ticket.xhtml", m);
}

/*
 * GET /request/verify: the form. POST: check the code sent and answer
 * valid (number, date, types, key) or invalid (why) — nothing personal.
 */
static void
page_verify(struct app *a, struct req *r)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);
	const struct ticket_keys *k;
	const char *code, *why = NULL;
	struct ticket t;
	int rc;

	if (r->method != METHOD_POST) {
		app_page_private(a, r, 200, "request-verify.xhtml", m);
		return;
	}
	code = kv_get(&r->form, "code");
	tm_bool(root, "checked", 1);
	if (code == NULL || kv_count(&r->form, "code") != 1 ||
	    strlen(code) > CODE_MAX) {
		why = "ticket.invalid.format";
		rc = 1;
	} else if ((k = keys_get(a)) == NULL) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	} else {
		memset(&t, 0, sizeof(t));
		rc = ticket_verify(k, code, &t, &why);
	}
	if (rc < 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	if (rc == 0) {
		struct tmpl_map *v = tm_map(root, "valid");
		struct tmpl_list *types = tm_list(v, "types");
		char d[96], key[64];

		tm_str(v, "number", t.number);
		fmt_datetime(d, sizeof(d), r->lang, t.received);
		tm_str(v, "received", d);
		tm_str(v, "received_utc", t.received);
		tm_str(v, "key_id", t.key_id);
		for (int i = 0; i < RT__MAX; i++)
			if (t.types & (1u << i)) {
				snprintf(key, sizeof(key), "request.type.%s",
				    rtype_names[i]);
				tm_list_str(types, i18n_msg(a->msgs, r->lang, key));
			}
		ticket_free(&t);
	} else {
		tm_str(root, "invalid", i18n_msg(a->msgs, r->lang, why ? why :
		    "ticket.invalid.format"));
	}
	app_page_private(a, r, 200, "request-verify.xhtml", m);
}

/* GET /request/key[?id=KEYID]: a public key as PEM, the current one by default. */
static void
page_key(struct app *a, struct req *r)
{
	const struct ticket_keys *k = keys_get(a);
	const char *id = kv_get(&r->query, "id");
	struct buf pem = BUF_INIT;

	if (id != NULL && (strlen(id) != 16 ||
	    strspn(id, "0123456789abcdef") != 16)) {
		app_error(a, r, 404);
		return;
	}
	if (k == NULL || ticket_keys_pem(k, id, &pem) != 0) {
		buf_free(&pem);
		app_error(a, r, 404);
		return;
	}
	resp_header(r, "Cache-Control", "no-cache");
	resp_send(r, 200, "text/plain; charset=us-ascii", pem.data, pem.len);
	buf_free(&pem);
}

/*
 * /request/confirm/TOKEN: GET shows a button (link checkers that fetch
 * links do not confirm anything); POST records that the requester has the
 * address. Only the ticket number is shown.
 */
static void
page_confirm(struct app *a, struct req *r)
{
	const char *token = r->path + strlen(CONFIRM_PREFIX);
	char number[24];
	struct tmpl_model *m;
	struct tmpl_map *root;
	int rc;

	rc = dsr_confirm(a->db, token, r->method == METHOD_POST, time(NULL),
	    a->conf.confirm_link_days, number);
	if (rc == 1 || rc < 0) {
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	if (rc == 3) {
		page_expired(a, r, 1);
		return;
	}
	m = tm_new();
	root = tm_root(m);
	tm_str(root, "number", number);
	tm_str(root, "action", r->path);
	tm_bool(root, "done", r->method == METHOD_POST && rc == 0);
	tm_bool(root, "before", rc == 2);
	tm_bool(root, "ask", r->method != METHOD_POST && rc == 0);
	resp_header(r, "X-Robots-Tag", "noindex, nofollow");
	app_page_private(a, r, 200, "request-confirm.xhtml", m);
}

static const struct ticket_keys *
writer_keys(void *arg)
{
	return keys_get(arg);
}

/*
 * The service process beside the workers (with -w N > 1): the one writer
 * of new requests, committing every request that has arrived together.
 */
static int
request_service(struct app *a)
{
	if (writer_path[0] == '\0') {
		LOG_ERR("the database path is too long for the writer's socket;"
		    " each worker stores its own requests");
		for (;;)
			pause();
	}
	return dsr_writer(a->db, writer_path, writer_keys, a,
	    a->conf.rate_limit);
}

static int
request_init(struct app *a)
{
	struct buf lock = BUF_INIT;
	int rc;

	fmt_init();
	/* no writer runs with one worker: not a connect per form for nothing */
	if (a->workers < 2 || dsr_writer_path(a->conf.db_path, writer_path,
	    sizeof(writer_path)) != 0)
		writer_path[0] = '\0';
	/* with a writer, forms in flight while others wait for their commit */
	a->threads = writer_path[0] != '\0' ? REQUEST_THREADS : 1;
	buf_addf(&lock, "%s.request-lock", a->conf.db_path);
	rc = dsr_prepare(a->db, lock.data);
	buf_free(&lock);
	if (rc != 0)
		return -1;
	(void)keys_get(a);	/* logs now when there is no key yet */
	return 0;
}

static void
request_fini(struct app *a)
{
	(void)a;
	if (keys != NULL)
		ticket_keys_free(keys);
	keys = NULL;
	dsr_finalize();
}

/*
 * The public form refuses POSTs that a page on another site makes a
 * visitor's browser send (#18, item 7): they would spread past the
 * per-address limit and, with mail on, mail any address. Clients that say
 * nothing of where they come from (curl, scripts) stay allowed.
 */
static int
public_authorize(struct app *a, struct req *r, const struct route *rt)
{
	(void)rt;
	if (r->method == METHOD_POST && !app_same_site(a, r)) {
		app_error(a, r, 403);
		return 1;
	}
	return 0;
}

static const struct route routes[] = {
	{ "/request", METHOD_GET | METHOD_POST, 0, page_form, 0, 0 },
	{ TICKET_PREFIX, METHOD_GET, 1, page_ticket, 0, 0 },
	{ "/request/verify", METHOD_GET | METHOD_POST, 0, page_verify, 0, 0 },
	{ "/request/key", METHOD_GET, 0, page_key, 0, 0 },
	{ CONFIRM_PREFIX, METHOD_GET | METHOD_POST, 1, page_confirm, 0, 0 },
};

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "request",
		.routes = routes,
		.nroutes = sizeof(routes) / sizeof(routes[0]),
		.db_mode = DB_READWRITE,
		.sandbox = SANDBOX_REQUEST,
		.init = request_init,
		.fini = request_fini,
		.service = request_service,
		.authorize = public_authorize,
	};

	return app_main(&a, argc, argv);
}
