/*
 * main.c — the staff intranet, /intranet/...: the route table, start-up
 * and authorize(). One file per area beside it (intranet.h lists them).
 *
 * Every route is a row in routes[] with the roles that may use it and
 * flags for a session that is not yet whole; authorize() consults that
 * row before any handler runs: no session → 303 to the sign-in page, a
 * role not in the row → 403, a POST without the session's CSRF token (or
 * from another origin) → 403, and nothing changes. `intranet --routes`
 * prints the table, so tests can walk every route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>

#include "audit.h"
#include "authority.h"
#include "buf.h"
#include "db_cache.h"
#include "fmt.h"
#include "log.h"
#include "notice.h"
#include "dsr.h"
#include "intranet.h"

static struct ui_conf conf = { .totp_roles = ROLE_ADMIN };

/*
 * Refuse, or send elsewhere, a session that is not yet whole: a pending
 * second factor reaches only UI_PENDING routes, a forced password change
 * only UI_MUST_CHANGE ones, a required enrolment only UI_ENROL ones.
 * 0 to go on, 1 when answered.
 */
static int
whole_session(struct app *a, struct req *r, const struct route *rt)
{
	const struct ui *cx = r->ctx;
	const char *to = NULL;

	if (cx->me.pending && !(rt->flags & UI_PENDING))
		to = "/intranet/login/code";
	else if (!cx->me.pending && (rt->flags & UI_PENDING_ONLY))
		to = "/intranet/";	/* signed in already: nothing to do here */
	if (to != NULL) {
		if (r->method == METHOD_POST)
			app_error(a, r, 403);
		else
			app_redirect(r, to);
		return 1;
	}
	return 0;
}

static int
authorize(struct app *a, struct req *r, const struct route *rt)
{
	struct ui *cx = r->ctx;
	time_t now = time(NULL);
	int rc;

	/* the idle clock is written with the request's audit row (ui_event) or after it (ui_finish) */
	rc = session_check(a->db, ui_limits(a), kv_get(&r->cookies, COOKIE),
	    now, &cx->me, cx->csrf);
	if (rc < 0) {
		app_error(a, r, 500);
		return 1;
	}
	cx->signed_in = rc == 0;
	/* cross-site POSTs are refused (app_same_site) */
	if (r->method == METHOD_POST && !app_same_site(a, r)) {
		app_error(a, r, 403);
		return 1;
	}
	if (rt->roles == 0)
		return 0;
	if (!cx->signed_in) {
		if (kv_get(&r->cookies, COOKIE) != NULL)
			ui_cookie(a, r, NULL);	/* expired or unknown: forget it */
		if (r->method == METHOD_POST) {
			app_error(a, r, 403);
			return 1;
		}
		app_redirect(r, "/intranet/login?expired=1");
		return 1;
	}
	if (whole_session(a, r, rt) != 0)
		return 1;
	if (!cx->me.pending && (rt->roles & cx->me.role) == 0) {
		(void)ui_event(a, r, &cx->me, "access.denied", "route", 0,
		    rt->path);	/* refused either way */
		app_error(a, r, 403);
		return 1;
	}
	/* a file upload is read only now: signed in, with the role */
	if (r->method == METHOD_POST && r->upload_pending) {
		enum req_status st = req_read_upload(r, &a->limits);

		if (st != REQ_OK) {
			app_error(a, r, (int)st);
			return 1;
		}
	}
	if (r->method == METHOD_POST &&
	    !auth_token_equal(kv_get(&r->form, "csrf"), cx->csrf)) {
		app_error(a, r, 403);
		return 1;
	}
	/* a destructive step asks first: the box is required in the form, so
	 * only a client that skips the form gets here without it (#20) */
	if (r->method == METHOD_POST && (rt->flags & UI_CONFIRM) &&
	    (kv_get(&r->form, "confirm") == NULL ||
	    strcmp(kv_get(&r->form, "confirm"), "1") != 0)) {
		app_error(a, r, 400);
		return 1;
	}
	if (cx->me.pending)
		return 0;
	/* A one-time password must be changed before anything else. */
	if (cx->me.must_change && !(rt->flags & UI_MUST_CHANGE)) {
		app_redirect(r, "/intranet/password");
		return 1;
	}
	/* A role that must have a second factor enrols before anything else. */
	if ((cx->me.role & conf.totp_roles) && !cx->me.has_totp &&
	    !(rt->flags & UI_ENROL)) {
		app_redirect(r, "/intranet/totp");
		return 1;
	}
	return 0;
}

#define STAFF	(ROLE_ADMIN | ROLE_HANDLER)
#define GP	(METHOD_GET | METHOD_POST)

static const struct route routes[] = {
	{ "/intranet/login", METHOD_GET, 0, page_login, 0, 0 },
	{ "/intranet/login", METHOD_POST, 0, post_login, 0, 0 },
	{ "/intranet/logout", METHOD_POST, 0, post_logout, ROLES_ALL,
	    UI_PENDING | UI_MUST_CHANGE | UI_ENROL },
	{ "/intranet/", METHOD_GET, 0, page_home, ROLES_ALL, 0 },
	{ "/intranet/password", GP, 0, page_password, ROLES_ALL,
	    UI_MUST_CHANGE },
	{ "/intranet/audit", METHOD_GET, 0, page_audit,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/users", METHOD_GET, 0, page_users, ROLE_ADMIN, 0 },
	{ "/intranet/users/add", METHOD_POST, 0, post_user_add, ROLE_ADMIN, 0 },
	{ "/intranet/users/disable", METHOD_POST, 0, post_user_disable,
	    ROLE_ADMIN, UI_CONFIRM },
	{ "/intranet/users/enable", METHOD_POST, 0, post_user_enable,
	    ROLE_ADMIN, 0 },
	{ "/intranet/users/reset", METHOD_POST, 0, post_user_reset,
	    ROLE_ADMIN, 0 },
	{ "/intranet/users/nda", METHOD_POST, 0, post_user_nda, ROLE_ADMIN, 0 },
	{ "/intranet/users/totp-reset", METHOD_POST, 0, post_user_totp_reset,
	    ROLE_ADMIN, UI_CONFIRM },
	{ "/intranet/login/code", GP, 0, page_code, ROLES_ALL,
	    UI_PENDING | UI_PENDING_ONLY },
	{ "/intranet/totp", GP, 0, page_totp, ROLES_ALL, UI_ENROL },
	{ "/intranet/customers", METHOD_GET, 0, page_customers, STAFF, 0 },
	{ "/intranet/customers.csv", METHOD_GET, 0, page_customers_csv,
	    STAFF, 0 },
	{ "/intranet/labels", METHOD_GET, 0, page_labels, STAFF, 0 },
	{ "/intranet/labels/sheet", METHOD_GET, 0, page_labels_sheet, STAFF, 0 },
	{ "/intranet/labels.csv", METHOD_GET, 0, page_labels_csv, STAFF, 0 },
	{ "/intranet/requests", METHOD_GET, 0, page_requests, STAFF, 0 },
	{ "/intranet/request", METHOD_GET, 0, page_request, STAFF, 0 },
	{ "/intranet/request/identity", METHOD_POST, 0, post_request_identity,
	    STAFF, 0 },
	{ "/intranet/request/paper", METHOD_POST, 0, post_request_paper,
	    STAFF, 0 },
	{ "/intranet/request/start", METHOD_POST, 0, post_request_start,
	    STAFF, 0 },
	{ "/intranet/request/answer", METHOD_POST, 0, post_request_answer,
	    STAFF, 0 },
	{ "/intranet/request/partly-refuse", METHOD_POST, 0,
	    post_request_partly_refuse, STAFF, 0 },
	{ "/intranet/request/refuse", METHOD_POST, 0, post_request_refuse,
	    STAFF, 0 },
	{ "/intranet/request/ask", METHOD_POST, 0, post_request_ask, STAFF, 0 },
	{ "/intranet/request/link", METHOD_POST, 0, post_request_link,
	    STAFF, 0 },
	{ "/intranet/request/unlink", METHOD_POST, 0, post_request_unlink,
	    STAFF, 0 },
	{ "/intranet/request/told", METHOD_POST, 0, post_request_told,
	    STAFF, 0 },
	{ "/intranet/request/ban", METHOD_POST, 0, post_request_ban, STAFF, 0 },
	{ "/intranet/request/restrict", METHOD_POST, 0, post_request_restrict,
	    STAFF, 0 },
	{ "/intranet/request/unrestrict", METHOD_POST, 0,
	    post_request_unrestrict, STAFF, 0 },
	{ "/intranet/request/object", METHOD_POST, 0, post_request_object,
	    STAFF, 0 },
	{ "/intranet/request/new", GP, 0, page_request_new, STAFF, 0 },
	{ "/intranet/request/ticket", METHOD_GET, 0, page_request_ticket,
	    STAFF, 0 },
	{ "/intranet/request/extend", METHOD_POST, 0, post_request_extend,
	    STAFF, 0 },
	{ "/intranet/request/letter", METHOD_GET, 0, page_request_letter,
	    STAFF, 0 },
	{ "/intranet/request/letter", METHOD_POST, 0, post_request_letter,
	    STAFF, 0 },
	{ "/intranet/letter", METHOD_GET, 0, page_letter, STAFF, 0 },
	{ "/intranet/request/report", METHOD_GET, 0, page_request_report,
	    STAFF, 0 },
	{ "/intranet/request/portability", METHOD_GET, 0,
	    page_request_portability, STAFF, 0 },
	{ "/intranet/request/report/send", METHOD_POST, 0,
	    post_request_report_send, STAFF, 0 },
	{ "/intranet/request/report/stored", METHOD_GET, 0,
	    page_request_report_stored, STAFF, 0 },
	{ "/intranet/import", GP, 0, page_import, ROLE_ADMIN, 0 },
	{ "/intranet/import/apply", METHOD_POST, 0, post_import_apply,
	    ROLE_ADMIN, 0 },
	{ "/intranet/customers/new", GP, 0, page_customer_new, STAFF, 0 },
	{ "/intranet/customer", METHOD_GET, 0, page_customer, STAFF, 0 },
	{ "/intranet/customer/edit", GP, 0, page_customer_edit, STAFF, 0 },
	{ "/intranet/customer/order", METHOD_POST, 0, post_customer_order,
	    STAFF, 0 },
	{ "/intranet/customer/disclosure", METHOD_POST, 0,
	    post_customer_disclosure, STAFF, 0 },
	{ "/intranet/customer/ban", METHOD_POST, 0, post_customer_ban, STAFF, 0 },
	{ "/intranet/customer/unban", METHOD_POST, 0, post_customer_unban,
	    STAFF, UI_CONFIRM },
	{ "/intranet/customer/restrict", METHOD_POST, 0, post_customer_restrict,
	    STAFF, 0 },
	{ "/intranet/customer/unrestrict", METHOD_POST, 0,
	    post_customer_unrestrict, STAFF, 0 },
	{ "/intranet/customer/invoice", METHOD_POST, 0, post_customer_invoice,
	    STAFF, 0 },
	{ "/intranet/customer/hold", METHOD_POST, 0, post_customer_hold,
	    ROLE_ADMIN, 0 },
	{ "/intranet/customer/hold/lift", METHOD_POST, 0,
	    post_customer_hold_lift, ROLE_ADMIN, 0 },
	{ "/intranet/customer/erase", GP, 0, page_customer_erase, ROLE_ADMIN, 0 },
	{ "/intranet/notice", METHOD_GET, 0, page_notice_admin, ROLE_ADMIN, 0 },
	{ "/intranet/notice/section", GP, 0, page_notice_section, ROLE_ADMIN, 0 },
	{ "/intranet/notice/preview", METHOD_GET, 0, page_notice_preview,
	    ROLE_ADMIN, 0 },
	{ "/intranet/notice/draft", METHOD_POST, 0, post_notice_draft,
	    ROLE_ADMIN, 0 },
	{ "/intranet/notice/date", METHOD_POST, 0, post_notice_date,
	    ROLE_ADMIN, 0 },
	{ "/intranet/notice/publish", METHOD_POST, 0, post_notice_publish,
	    ROLE_ADMIN, 0 },
	{ "/intranet/notice/discard", METHOD_POST, 0, post_notice_discard,
	    ROLE_ADMIN, UI_CONFIRM },
	{ "/intranet/statistics", METHOD_GET, 0, page_statistics,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/statistics.csv", METHOD_GET, 0, page_statistics_csv,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/processing", METHOD_GET, 0, page_processing,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/retention", METHOD_GET, 0, page_retention, ROLE_ADMIN, 0 },
	{ "/intranet/breaches", METHOD_GET, 0, page_breaches,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/breaches", METHOD_POST, 0, post_breaches, ROLE_ADMIN, 0 },
	{ "/intranet/breach", METHOD_GET, 0, page_breach,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/breach", METHOD_POST, 0, post_breach, ROLE_ADMIN, 0 },
	{ "/intranet/breach/affected", METHOD_GET, 0, page_breach_affected,
	    ROLE_ADMIN | ROLE_AUDITOR, 0 },
	{ "/intranet/breach/affected", METHOD_POST, 0, post_breach_affected,
	    ROLE_ADMIN, 0 },
	{ "/intranet/breach/affected.csv", METHOD_GET, 0,
	    page_breach_affected_csv, ROLE_ADMIN, 0 },
	{ "/intranet/breach/letters", METHOD_GET, 0, page_breach_letters,
	    ROLE_ADMIN, 0 },
	{ "/intranet/breach/tell", METHOD_POST, 0, post_breach_tell,
	    ROLE_ADMIN, 0 },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* [intranet] totp_required: a list of roles, or none. 0 or -1 (logged). */
static int
totp_roles(struct app *a)
{
	char *list, *tok, *save = NULL;

	if (a->conf.totp_required == NULL)
		return 0;
	list = xstrdup(a->conf.totp_required);
	conf.totp_roles = 0;
	for (tok = strtok_r(list, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (strcmp(tok, "none") == 0)
			continue;
		if (role_parse(tok) == 0) {
			LOG_ERR("%s: [intranet] totp_required: unknown role %s",
			    a->conf.file, tok);
			free(list);
			return -1;
		}
		conf.totp_roles |= role_parse(tok);
	}
	free(list);
	return 0;
}

static int
intranet_init(struct app *a)
{
	char path[4096];

	fmt_init();
	/* the one page that takes a file */
	a->limits.upload_path = "/intranet/import";
	a->limits.upload_max = IMPORT_UPLOAD_MAX;
	a->data = &conf;
	conf.limits = auth_limits_default;
	conf.limits.one_time = (time_t)a->conf.one_time_hours * 60 * 60;
	if (notice_prepare(a->db) != 0 || dsr_prepare(a->db, NULL) != 0)
		return -1;
	if (oath_init() != OATH_OK) {
		LOG_ERR("liboath failed to initialise");
		return -1;
	}
	if (totp_roles(a) != 0)
		return -1;
	/* the key that seals second-factor secrets, outside the database */
	if (totp_key_load(a->conf.key_dir, path, sizeof(path)) != 0) {
		LOG_ERR("%s", path);
		return -1;
	}
	/* the suppression list's key (#14): a new record is checked against it */
	if (forget_key_load(a->conf.key_dir, &conf.erasure_key, path,
	    sizeof(path)) == 0)
		conf.have_erasure_key = 1;
	else
		LOG_ERR("%s: new records are not checked against the "
		    "suppression list", path);
	conf.suppress_refuse = suppress_action_parse(a->conf.suppression) ==
	    SUPPRESS_REFUSE;
	/* no writer runs with one worker: not a connect per page for nothing */
	if (a->workers < 2 || audit_writer_path(a->conf.db_path,
	    conf.audit_path, sizeof(conf.audit_path)) != 0)
		conf.audit_path[0] = '\0';
	/* the notice preview shows the Ombudsman's details as /notice does */
	if ((conf.authority = authority_load_conf(&a->conf, path,
	    sizeof(path))) == NULL) {
		LOG_ERR("%s", path);
		return -1;
	}
	if (a->conf.data != NULL) {
		snprintf(path, sizeof(path), "%s/common-passwords.txt",
		    a->conf.data);
		if (auth_load_common(path) != 0)
			LOG_ERR("%s: cannot read; common passwords are not "
			    "refused", path);
	}
	/*
	 * The worker keeps its statements for its life (db_cache.h): the
	 * session check, the audit row and the record are parsed once, not on
	 * every request (#17). db_close, at the worker's end, finalizes them.
	 */
	if (db_cache_begin(a->db) != 0)
		LOG_ERR("statements are not kept: another connection has the scope");
	return 0;
}

/*
 * The service process beside the workers (with -w N > 1): the writer of
 * the audit rows of pages that change nothing, one commit for every row
 * that has arrived (#17). Without it each worker writes its own.
 */
static int
intranet_service(struct app *a)
{
	if (conf.audit_path[0] == '\0') {
		LOG_ERR("the database path is too long for the audit writer's "
		    "socket; each worker writes its own audit rows");
		for (;;)
			pause();
	}
	return audit_writer(a->db, conf.audit_path);
}

static void
intranet_fini(struct app *a)
{
	(void)a;
	notice_finalize();
	dsr_finalize();
	auth_free_common();
	authority_free(conf.authority);
	conf.authority = NULL;
}

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "intranet",
		.routes = routes,
		.nroutes = NROUTES,
		.db_mode = DB_READWRITE,
		.sandbox = SANDBOX_INTRANET,
		.init = intranet_init,
		.fini = intranet_fini,
		.authorize = authorize,
		.finish = ui_finish,
		.service = intranet_service,
		.ctx_size = sizeof(struct ui),
	};

	/* The route table for tests and people: path, methods, roles. */
	if (argc == 2 && strcmp(argv[1], "--routes") == 0) {
		for (size_t i = 0; i < NROUTES; i++)
			printf("%s %s%s %s%s%s%s\n", routes[i].path,
			    routes[i].methods & METHOD_GET ? "GET" : "",
			    routes[i].methods & METHOD_POST ?
			    (routes[i].methods & METHOD_GET ? ",POST" : "POST") : "",
			    routes[i].roles == 0 ? "public" : "",
			    routes[i].roles & ROLE_ADMIN ? "admin," : "",
			    routes[i].roles & ROLE_HANDLER ? "handler," : "",
			    routes[i].roles & ROLE_AUDITOR ? "auditor," : "");
		return 0;
	}
	return app_main(&a, argc, argv);
}
