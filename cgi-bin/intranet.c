/*
 * intranet — the staff intranet: /intranet/... Sign-in, sessions, the front
 * page, one's own password, the audit log, and users for admins.
 *
 * Every route is a row in routes[] with the roles that may use it;
 * authorize() consults that row before any handler runs: no session →
 * 303 to the sign-in page, a role not in the row → 403, a POST without the
 * session's CSRF token (or from another origin) → 403, and nothing changes.
 * `intranet --routes` prints the table, so tests can walk every route.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>
#include <libxml/uri.h>
#include <sodium.h>

#include "app.h"
#include "audit.h"
#include "authority.h"
#include "auth.h"
#include "cimport.h"
#include "csvio.h"
#include "customer.h"
#include "db.h"
#include "buf.h"
#include "fmt.h"
#include "log.h"
#include "notice.h"
#include "notice_edit.h"
#include "qr.h"
#include "req.h"
#include "request.h"
#include "ticket.h"

#define COOKIE	"rekisteri_session"
#define PAGE_ROWS 50

/* The message catalogues, for the few texts chosen at run time. */
static const struct i18n *a_msgs;

/* The supervisory authority's details (data/authority.xml), for the notice preview. */
static struct authority *authority;

/* Roles that must use a second factor ([intranet] totp_required). */
static unsigned totp_roles = ROLE_ADMIN;

/* The signed-in user of the request being served, set by authorize(). */
static struct user me;
static char me_csrf[AUTH_ID_HEX];
static int signed_in;

static void
log_event(struct app *a, struct req *r, const struct user *u,
    const char *action, const char *type, sqlite3_int64 object,
    const char *summary)
{
	char id[32] = "";
	struct audit_entry e;

	if (object > 0)
		snprintf(id, sizeof(id), "%lld", (long long)object);
	memset(&e, 0, sizeof(e));
	e.user_id = u ? u->id : 0;
	e.username = u ? u->username : "";
	e.client = r->remote_addr ? r->remote_addr : "";
	e.action = action;
	e.object_type = type;
	e.object_id = id;
	e.summary = summary;
	if (audit_append(a->db, &e) != 0)
		LOG_ERR("audit append failed for %s", action);
}

static void
redirect(struct req *r, const char *to)
{
	resp_header(r, "Location", to);
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, 303, NULL, NULL, 0);
}

static void
set_cookie(struct app *a, struct req *r, const char *id)
{
	struct buf b = BUF_INIT;
	int secure = strncmp(a->conf.base_url, "https:", 6) == 0;

	if (id != NULL)
		buf_addf(&b, COOKIE "=%s; Path=/intranet; HttpOnly; "
		    "SameSite=Strict%s", id, secure ? "; Secure" : "");
	else
		buf_addf(&b, COOKIE "=; Path=/intranet; HttpOnly; SameSite=Strict;"
		    " Max-Age=0%s", secure ? "; Secure" : "");
	resp_header(r, "Set-Cookie", b.data);
	buf_free(&b);
}

/* The values every intranet page has: who is signed in, the token, the nav. */
static struct tmpl_model *
model(struct req *r)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m), *u;
	char nda[64];

	if (signed_in && !me.pending) {
		u = tm_map(root, "me");
		fmt_date(nda, sizeof(nda), r->lang, me.nda);
		tm_str(u, "nda", nda);
		tm_str(u, "username", me.username);
		tm_str(u, "display_name", me.display_name);
		tm_str(u, "role", role_name(me.role));
		{
			char key[32];

			snprintf(key, sizeof(key), "role.%s", role_name(me.role));
			tm_str(u, "role_label", i18n_msg(a_msgs, r->lang, key));
		}
		tm_bool(u, "is_admin", me.role == ROLE_ADMIN);
		tm_bool(u, "sees_audit", (me.role & (ROLE_ADMIN | ROLE_AUDITOR)) != 0);
		tm_bool(u, "sees_customers", (me.role & (ROLE_ADMIN | ROLE_HANDLER)) != 0);
		tm_str(root, "csrf", me_csrf);
	}
	return m;
}

static void
page(struct app *a, struct req *r, int status, const char *name,
    struct tmpl_model *m)
{
	resp_header(r, "Cache-Control", "no-store");
	app_page(a, r, status, name, m);
}

/* Reject cross-site POSTs: an Origin, when sent, must be our own. */
static int
same_origin(struct app *a, struct req *r)
{
	return r->origin == NULL || strcmp(r->origin, a->conf.base_url) == 0;
}

static int
authorize(struct app *a, struct req *r, const struct route *rt)
{
	time_t now = time(NULL);
	int rc;

	signed_in = 0;
	memset(&me, 0, sizeof(me));
	me_csrf[0] = '\0';
	rc = session_get(a->db, &auth_limits_default, kv_get(&r->cookies, COOKIE),
	    now, &me, me_csrf);
	if (rc < 0) {
		app_error(a, r, 500);
		return 1;
	}
	signed_in = rc == 0;
	if (r->method == METHOD_POST && !same_origin(a, r)) {
		app_error(a, r, 403);
		return 1;
	}
	if (rt->roles == 0)
		return 0;
	if (!signed_in) {
		if (kv_get(&r->cookies, COOKIE) != NULL)
			set_cookie(a, r, NULL);	/* expired or unknown: forget it */
		if (r->method == METHOD_POST) {
			app_error(a, r, 403);
			return 1;
		}
		redirect(r, "/intranet/login?expired=1");
		return 1;
	}
	/* password right, second factor to come: only the code page */
	if (me.pending) {
		if (strcmp(rt->path, "/intranet/login/code") == 0 ||
		    strcmp(rt->path, "/intranet/logout") == 0)
			goto token;
		if (r->method == METHOD_POST) {
			app_error(a, r, 403);
			return 1;
		}
		redirect(r, "/intranet/login/code");
		return 1;
	}
	if (strcmp(rt->path, "/intranet/login/code") == 0) {
		/* signed in already: nothing to do here */
		if (r->method == METHOD_POST)
			app_error(a, r, 403);
		else
			redirect(r, "/intranet/");
		return 1;
	}
	if ((rt->roles & me.role) == 0) {
		log_event(a, r, &me, "access.denied", "route", 0, rt->path);
		app_error(a, r, 403);
		return 1;
	}
token:
	/* a file upload is read only now: signed in, with the role */
	if (r->method == METHOD_POST && r->upload_pending) {
		enum req_status st = req_read_upload(r, &a->limits);

		if (st != REQ_OK) {
			app_error(a, r, (int)st);
			return 1;
		}
	}
	if (r->method == METHOD_POST &&
	    !auth_token_equal(kv_get(&r->form, "csrf"), me_csrf)) {
		app_error(a, r, 403);
		return 1;
	}
	if (me.pending)
		return 0;
	/* A one-time password must be changed before anything else. */
	if (me.must_change && strcmp(rt->path, "/intranet/password") != 0 &&
	    strcmp(rt->path, "/intranet/logout") != 0) {
		redirect(r, "/intranet/password");
		return 1;
	}
	/* A role that must have a second factor enrols before anything else. */
	if ((me.role & totp_roles) && !me.has_totp &&
	    strcmp(rt->path, "/intranet/totp") != 0 &&
	    strcmp(rt->path, "/intranet/logout") != 0) {
		redirect(r, "/intranet/totp");
		return 1;
	}
	return 0;
}

/* GET /intranet/login */
static void
page_login(struct app *a, struct req *r)
{
	struct tmpl_model *m;

	if (signed_in) {
		redirect(r, "/intranet/");
		return;
	}
	m = model(r);
	tm_bool(tm_root(m), "changed", kv_get(&r->query, "changed") != NULL);
	tm_bool(tm_root(m), "expired", kv_get(&r->query, "expired") != NULL);
	tm_bool(tm_root(m), "bye", kv_get(&r->query, "bye") != NULL);
	page(a, r, 200, "login.xhtml", m);
}

/* One form value, refused when missing, duplicated or too long. */
static const char *
field(struct req *r, const char *key, size_t max)
{
	const char *v = kv_get(&r->form, key);

	if (v == NULL || kv_count(&r->form, key) != 1 || strlen(v) > max)
		return NULL;
	return v;
}

/* POST /intranet/login */
static void
post_login(struct app *a, struct req *r)
{
	const char *name = field(r, "username", AUTH_NAME_MAX);
	const char *pw = field(r, "password", AUTH_PW_MAX);
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX];
	struct tmpl_model *m;
	struct user u;
	enum login_result lr;
	time_t now = time(NULL);

	if (name == NULL || pw == NULL) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	memset(&u, 0, sizeof(u));
	lr = auth_login(a->db, &auth_limits_default, name, pw, r->remote_addr,
	    now, &u);
	switch (lr) {
	case LOGIN_OK:
		/* a session brought along ends: the id changes at sign-in */
		if (session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0 ||
		    session_create(a->db, u.id, now, u.has_totp, id, csrf) != 0)
			goto fail;
		log_event(a, r, &u, u.has_totp ? "login.password" : "login",
		    "user", u.id, "");
		if (db_commit(a->db) != 0)
			goto fail;
		set_cookie(a, r, id);
		sodium_memzero(id, sizeof(id));
		redirect(r, u.has_totp ? "/intranet/login/code" : u.must_change ?
		    "/intranet/password" : "/intranet/");
		return;
	case LOGIN_BAD:
		/* a known account is named; what else was typed is not kept */
		log_event(a, r, u.id ? &u : NULL, "login.fail", "user", u.id,
		    u.id ? "" : "unknown username");
		break;
	case LOGIN_LOCKED:
		log_event(a, r, NULL, "login.locked", "user", 0, "");
		break;
	case LOGIN_NO_NDA:
		log_event(a, r, &u, "login.no_nda", "user", u.id, "");
		break;
	default:
		goto fail;
	}
	if (db_commit(a->db) != 0)
		goto fail;
	m = model(r);
	tm_bool(tm_root(m), "error_bad", lr == LOGIN_BAD);
	tm_bool(tm_root(m), "error_locked", lr == LOGIN_LOCKED);
	tm_bool(tm_root(m), "error_nda", lr == LOGIN_NO_NDA);
	tm_str(tm_root(m), "username", name);
	/* the form again, with one plain message; a lockout also says when */
	if (lr == LOGIN_LOCKED)
		resp_header(r, "Retry-After", "900");
	page(a, r, lr == LOGIN_LOCKED ? 429 : 200, "login.xhtml", m);
	return;
fail:
	db_rollback(a->db);
	app_error(a, r, 500);
}

/*
 * GET and POST /intranet/login/code: the second factor. A right code (or an
 * unused recovery code) turns the pending session into a new full one —
 * a new id, as at every change of privilege; a wrong one counts towards the
 * lockout like a wrong password.
 */
static void
page_code(struct app *a, struct req *r)
{
	struct tmpl_model *m;
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX];
	time_t now = time(NULL);
	int ok;

	if (r->method == METHOD_POST) {
		const char *code = field(r, "code", 16);

		if (code == NULL) {
			app_error(a, r, 400);
			return;
		}
		if (db_begin(a->db) != 0) {
			app_error(a, r, 500);
			return;
		}
		/* the code page is locked out with the password, or codes could be guessed */
		if ((ok = auth_locked(a->db, &auth_limits_default, me.username,
		    r->remote_addr, now)) != 0) {
			if (ok < 0)
				goto fail;
			db_rollback(a->db);
			m = model(r);
			tm_bool(tm_root(m), "locked", 1);
			tm_str(tm_root(m), "csrf", me_csrf);
			resp_header(r, "Retry-After", "900");
			page(a, r, 429, "login-code.xhtml", m);
			return;
		}
		ok = totp_check(a->db, me.id, code, now);
		if (ok == 1) {
			if (session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0 ||
			    session_create(a->db, me.id, now, 0, id, csrf) != 0)
				goto fail;
			log_event(a, r, &me, "login", "user", me.id, strlen(code) == 9 ?
			    "recovery code" : "TOTP");
			if (db_commit(a->db) != 0)
				goto fail;
			set_cookie(a, r, id);
			sodium_memzero(id, sizeof(id));
			redirect(r, me.must_change ? "/intranet/password" :
			    "/intranet/");
			return;
		}
		if (ok < 0 || auth_record_failure(a->db, me.username, r->remote_addr,
		    now) != 0)
			goto fail;
		log_event(a, r, &me, "login.fail", "user", me.id, "second factor");
		if (db_commit(a->db) != 0)
			goto fail;
		m = model(r);
		tm_bool(tm_root(m), "error", 1);
		tm_str(tm_root(m), "csrf", me_csrf);
		page(a, r, 200, "login-code.xhtml", m);
		return;
	}
	m = model(r);
	tm_str(tm_root(m), "csrf", me_csrf);
	page(a, r, 200, "login-code.xhtml", m);
	return;
fail:
	db_rollback(a->db);
	app_error(a, r, 500);
}

/*
 * GET /intranet/totp: enrol a second factor (a QR code and the secret for
 * typing) or see that it is on. POST: confirm with a code; the recovery
 * codes are shown once.
 */
static void
page_totp(struct app *a, struct req *r)
{
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m);
	char uri[256], b32[64], codes[TOTP_RECOVERY][TOTP_CODE_MAX];
	int rc;

	tm_bool(root, "required", (me.role & totp_roles) != 0);
	if (me.has_totp && r->method == METHOD_GET) {
		tm_bool(root, "enrolled", 1);
		page(a, r, 200, "totp.xhtml", m);
		return;
	}
	if (r->method == METHOD_POST) {
		const char *code = field(r, "code", 16);

		if (code == NULL) {
			tm_free(m);
			app_error(a, r, 400);
			return;
		}
		if (db_begin(a->db) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		rc = totp_confirm(a->db, me.id, code, time(NULL), codes);
		if (rc == 0)
			log_event(a, r, &me, "user.totp", "user", me.id, "enrolled");
		if (rc < 0 || db_commit(a->db) != 0) {
			db_rollback(a->db);
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		if (rc == 0) {
			struct tmpl_list *l = tm_list(root, "recovery");

			for (int i = 0; i < TOTP_RECOVERY; i++)
				tm_list_str(l, codes[i]);
			sodium_memzero(codes, sizeof(codes));
			tm_bool(root, "enrolled", 1);
			tm_bool(root, "just_enrolled", 1);
			page(a, r, 200, "totp.xhtml", m);
			return;
		}
		tm_bool(root, "error", 1);
	}
	/* a new secret each time the page is shown: the last one counts */
	if (totp_begin(a->db, &me, uri, sizeof(uri), b32, sizeof(b32)) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		char *svg = qr_svg(uri, i18n_msg(a->msgs, r->lang, "totp.qr_title"));

		if (svg == NULL) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		tm_html(root, "qr", svg);	/* built and escaped by libxml2 */
		free(svg);
	}
	tm_str(root, "secret", b32);
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	page(a, r, 200, "totp.xhtml", m);
}

/* POST /intranet/logout */
static void
post_logout(struct app *a, struct req *r)
{
	if (session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0) {
		app_error(a, r, 500);
		return;
	}
	log_event(a, r, &me, "logout", "user", me.id, "");
	set_cookie(a, r, NULL);
	redirect(r, "/intranet/login?bye=1");
}

/* GET /intranet/ */
static void
page_home(struct app *a, struct req *r)
{
	page(a, r, 200, "intranet-home.xhtml", model(r));
}

/* GET and POST /intranet/password: change one's own password. */
static void
page_password(struct app *a, struct req *r)
{
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m);

	tm_bool(root, "must_change", me.must_change);
	if (r->method == METHOD_POST) {
		const char *cur = field(r, "current", AUTH_PW_MAX);
		const char *pw = field(r, "password", AUTH_PW_MAX + 1);
		const char *again = field(r, "again", AUTH_PW_MAX + 1);
		const char *why = NULL;
		int ok;

		if (cur == NULL || pw == NULL || again == NULL) {
			tm_free(m);
			app_error(a, r, 400);
			return;
		}
		if ((ok = user_check_password(a->db, me.id, cur)) < 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		if (!ok)
			tm_bool(root, "error_current", 1);
		else if (strcmp(pw, again) != 0)
			tm_bool(root, "error_again", 1);
		else if ((why = auth_password_problem(pw, me.username)) != NULL) {
			tm_bool(root, "error_new", 1);
			tm_str(root, "error_new_text", i18n_msg(a->msgs, r->lang,
			    why));
		} else {
			if (db_begin(a->db) != 0 ||
			    user_set_password(a->db, me.id, pw, 0) != 0 ||
			    session_delete_user(a->db, me.id) != 0) {
				db_rollback(a->db);
				tm_free(m);
				app_error(a, r, 500);
				return;
			}
			log_event(a, r, &me, "user.passwd", "user", me.id,
			    "own password");
			if (db_commit(a->db) != 0) {
				tm_free(m);
				app_error(a, r, 500);
				return;
			}
			tm_free(m);
			/* every session of the user ended: sign in anew */
			set_cookie(a, r, NULL);
			redirect(r, "/intranet/login?changed=1");
			return;
		}
		tm_bool(root, "failed", 1);
	}
	page(a, r, 200, "password.xhtml", m);
}

/*
 * A filter value from the query: at most max bytes; dates must be
 * YYYY-MM-DD. NULL when absent or empty; *bad set when malformed.
 */
static const char *
filter(struct req *r, const char *key, size_t max, int date, int *bad)
{
	const char *v = kv_get(&r->query, key);
	struct tm tm;

	if (v == NULL || *v == '\0')
		return NULL;
	if (strlen(v) > max || (date && fmt_parse_date(v, &tm) != 0)) {
		*bad = 1;
		return NULL;
	}
	return v;
}

/* GET /intranet/audit: the log, newest first, with filters and paging. */
static void
page_audit(struct app *a, struct req *r)
{
	static const char sql[] =
	    "SELECT id, at, username, client, action, object_type, object_id,"
	    " summary FROM audit_log"
	    " WHERE (?1 IS NULL OR username = ?1)"
	    " AND (?2 IS NULL OR action = ?2 OR action LIKE ?2 || '.%')"
	    " AND (?3 IS NULL OR object_id = ?3)"
	    " AND (?4 IS NULL OR at >= ?4)"
	    " AND (?5 IS NULL OR at < date(?5, '+1 day'))"
	    " ORDER BY id DESC LIMIT ?6 OFFSET ?7";
	const char *user, *action, *object, *from, *to, *pg;
	struct tmpl_model *m;
	struct tmpl_map *root, *f;
	struct tmpl_list *rows;
	sqlite3_stmt *st = NULL;
	long pageno = 1;
	int bad = 0, n = 0;
	char when[64];

	user = filter(r, "user", AUTH_NAME_MAX, 0, &bad);
	action = filter(r, "action", 40, 0, &bad);
	object = filter(r, "object", 40, 0, &bad);
	from = filter(r, "from", 10, 1, &bad);
	to = filter(r, "to", 10, 1, &bad);
	if ((pg = kv_get(&r->query, "page")) != NULL) {
		char *end;

		pageno = strtol(pg, &end, 10);
		if (!isdigit((unsigned char)pg[0]) || *end != '\0' || pageno < 1 ||
		    pageno > 100000)
			bad = 1;
	}
	if (bad) {
		app_error(a, r, 400);
		return;
	}
	if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
		LOG_ERR("%s", sqlite3_errmsg(a->db));
		app_error(a, r, 500);
		return;
	}
	if (user) sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (action) sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	if (object) sqlite3_bind_text(st, 3, object, -1, SQLITE_STATIC);
	if (from) sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
	if (to) sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, PAGE_ROWS + 1);	/* one more: is there a next page */
	sqlite3_bind_int64(st, 7, (pageno - 1) * PAGE_ROWS);
	m = model(r);
	root = tm_root(m);
	f = tm_map(root, "filter");
	tm_str(f, "user", user ? user : "");
	tm_str(f, "action", action ? action : "");
	tm_str(f, "object", object ? object : "");
	tm_str(f, "from", from ? from : "");
	tm_str(f, "to", to ? to : "");
	rows = tm_list(root, "rows");
	while (sqlite3_step(st) == SQLITE_ROW && n < PAGE_ROWS + 1) {
		struct tmpl_map *row;

		if (++n > PAGE_ROWS)
			break;
		row = tm_list_map(rows);
		tm_int(row, "id", sqlite3_column_int64(st, 0));
		fmt_datetime(when, sizeof(when), r->lang,
		    (const char *)sqlite3_column_text(st, 1));
		tm_str(row, "at", when);
		for (int c = 2; c <= 7; c++) {
			static const char *const keys[] = { "", "", "username",
			    "client", "action", "object_type", "object_id",
			    "summary" };

			tm_str(row, keys[c], (const char *)sqlite3_column_text(st, c));
		}
	}
	sqlite3_finalize(st);
	tm_bool(root, "empty", n == 0);
	tm_int(root, "page", pageno);
	{
		struct buf q = BUF_INIT;
		const char *keys[] = { "user", "action", "object", "from", "to" };
		const char *vals[] = { user, action, object, from, to };

		for (int i = 0; i < 5; i++)
			if (vals[i] != NULL) {
				char *enc = NULL;

				/* filter values are short tokens, dates or ids */
				enc = xstrdup(vals[i]);
				for (char *p = enc; *p; p++)
					if (!isalnum((unsigned char)*p) && *p != '-' &&
					    *p != '.' && *p != '_')
						*p = '_';
				buf_addf(&q, "&%s=%s", keys[i], enc);
				free(enc);
			}
		if (pageno > 1) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/audit?page=%ld%s", pageno - 1,
			    q.len ? q.data : "");
			tm_str(root, "prev_href", h.data);
			buf_free(&h);
		}
		if (n > PAGE_ROWS) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/audit?page=%ld%s", pageno + 1,
			    q.len ? q.data : "");
			tm_str(root, "next_href", h.data);
			buf_free(&h);
		}
		buf_free(&q);
	}
	log_event(a, r, &me, "audit.view", "audit", 0, "");
	page(a, r, 200, "audit.xhtml", m);
}

/* Fill root.users with every account, for the admin's list. */
static int
fill_users(struct app *a, struct req *r, struct tmpl_map *root)
{
	sqlite3_stmt *st;
	struct tmpl_list *list = tm_list(root, "users");
	char nda[64];

	if (sqlite3_prepare_v2(a->db, "SELECT id, username, display_name, role,"
	    " coalesce(nda_signed, ''), active, must_change,"
	    " totp_secret IS NOT NULL FROM users ORDER BY username", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct tmpl_map *u = tm_list_map(list);
		const char *d = (const char *)sqlite3_column_text(st, 4);

		tm_int(u, "id", sqlite3_column_int64(st, 0));
		tm_str(u, "username", (const char *)sqlite3_column_text(st, 1));
		tm_str(u, "display_name", (const char *)sqlite3_column_text(st, 2));
		tm_str(u, "role", (const char *)sqlite3_column_text(st, 3));
		{
			char key[32];

			snprintf(key, sizeof(key), "role.%s",
			    (const char *)sqlite3_column_text(st, 3));
			tm_str(u, "role_label", i18n_msg(a->msgs, r->lang, key));
		}
		fmt_date(nda, sizeof(nda), r->lang, d);
		tm_str(u, "nda", nda);
		tm_str(u, "nda_iso", d);
		tm_bool(u, "active", sqlite3_column_int(st, 5));
		tm_bool(u, "must_change", sqlite3_column_int(st, 6));
		tm_bool(u, "has_totp", sqlite3_column_int(st, 7));
		tm_bool(u, "is_me", sqlite3_column_int64(st, 0) == me.id);
	}
	sqlite3_finalize(st);
	return 0;
}

/* The users page, with what the add form holds and a one-time password. */
static void
users_page(struct app *a, struct req *r, struct tmpl_model *m, int status)
{
	if (fill_users(a, r, tm_root(m)) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	page(a, r, status, "users.xhtml", m);
}

/* GET /intranet/users */
static void
page_users(struct app *a, struct req *r)
{
	struct tmpl_model *m = model(r);

	log_event(a, r, &me, "user.list", "user", 0, "");
	users_page(a, r, m, 200);
}

/* The user named by the form's id field, or NULL (answered 400/404). */
static int
form_user(struct app *a, struct req *r, struct user *u)
{
	const char *v = field(r, "id", 20);
	char *end;
	long long id;

	if (v == NULL || !isdigit((unsigned char)v[0]) ||
	    (id = strtoll(v, &end, 10)) <= 0 || *end != '\0') {
		app_error(a, r, 400);
		return -1;
	}
	switch (user_by_id(a->db, id, u)) {
	case 0:
		return 0;
	case 1:
		app_error(a, r, 404);
		return -1;
	default:
		app_error(a, r, 500);
		return -1;
	}
}

/* POST /intranet/users/add: a new account with a one-time password. */
static void
post_user_add(struct app *a, struct req *r)
{
	const char *name = field(r, "username", 64), *display = field(r,
	    "display_name", 200), *role = field(r, "role", 16), *nda =
	    kv_get(&r->form, "nda");
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m), *f = tm_map(root, "form");
	char pw[21], err[256], today[16];
	sqlite3_int64 id;
	struct user u;
	struct tm tm;
	time_t now = time(NULL);
	int bad = 0;

	if (name == NULL || display == NULL || role == NULL || nda == NULL ||
	    kv_count(&r->form, "nda") != 1 || strlen(nda) > 10) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	tm_str(f, "username", name);
	tm_str(f, "display_name", display);
	tm_str(f, "role", role);
	tm_str(f, "nda", nda);
	tm_bool(f, role_parse(role) == ROLE_ADMIN ? "role_admin" :
	    role_parse(role) == ROLE_AUDITOR ? "role_auditor" : "role_handler", 1);
	if (!auth_username_ok(name)) {
		tm_bool(f, "error_username", 1);
		bad = 1;
	} else if (user_by_name(a->db, name, &u) == 0) {
		tm_bool(f, "error_taken", 1);
		bad = 1;
	}
	if (*display == '\0' || strlen(display) > AUTH_DISPLAY_MAX ||
	    !req_valid_text(display, strlen(display)) || strpbrk(display,
	    "\t\r\n") != NULL) {
		tm_bool(f, "error_display", 1);
		bad = 1;
	}
	if (role_parse(role) == 0) {
		tm_bool(f, "error_role", 1);
		bad = 1;
	}
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	if (*nda != '\0' && (fmt_parse_date(nda, &tm) != 0 ||
	    strcmp(nda, today) > 0)) {
		tm_bool(f, "error_nda", 1);
		bad = 1;
	}
	if (bad) {
		tm_bool(root, "failed", 1);
		users_page(a, r, m, 400);
		return;
	}
	auth_generate_password(pw);
	if (db_begin(a->db) != 0 || user_add(a->db, name, display,
	    role_parse(role), *nda ? nda : NULL, pw, &id, err, sizeof(err)) != 0 ||
	    user_set_password(a->db, id, pw, 1) != 0) {
		db_rollback(a->db);
		LOG_ERR("adding a user failed");
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	log_event(a, r, &me, "user.add", "user", id, role);
	if (db_commit(a->db) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_free(m);
	m = model(r);
	tm_str(tm_root(m), "new_username", name);
	tm_str(tm_root(m), "one_time_password", pw);
	sodium_memzero(pw, sizeof(pw));
	users_page(a, r, m, 200);
}

/*
 * POST /intranet/users/disable, /enable, /reset, /nda: one change to one
 * account, audited. An admin cannot disable themself (lockout of the last
 * admin).
 */
static void
post_user_change(struct app *a, struct req *r)
{
	const char *op = strrchr(r->path, '/') + 1, *nda = NULL;
	struct tmpl_model *m;
	struct user u;
	char pw[21] = "", today[16];
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	if (form_user(a, r, &u) != 0)
		return;
	if (strcmp(op, "nda") == 0) {
		strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
		if ((nda = field(r, "nda", 10)) == NULL ||
		    fmt_parse_date(nda, &tm) != 0 || strcmp(nda, today) > 0) {
			app_error(a, r, 400);
			return;
		}
	}
	if (strcmp(op, "disable") == 0 && u.id == me.id) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	if (strcmp(op, "disable") == 0)
		rc = user_set_active(a->db, u.id, 0) == 0 &&
		    session_delete_user(a->db, u.id) == 0;
	else if (strcmp(op, "enable") == 0)
		rc = user_set_active(a->db, u.id, 1) == 0;
	else if (strcmp(op, "totp-reset") == 0)
		rc = totp_reset(a->db, u.id) == 0;
	else if (strcmp(op, "reset") == 0) {
		auth_generate_password(pw);
		rc = user_set_password(a->db, u.id, pw, 1) == 0 &&
		    session_delete_user(a->db, u.id) == 0;
	} else
		rc = user_set_nda(a->db, u.id, nda) == 0;
	if (rc)
		log_event(a, r, &me, strcmp(op, "disable") == 0 ? "user.disable" :
		    strcmp(op, "enable") == 0 ? "user.enable" :
		    strcmp(op, "reset") == 0 ? "user.reset" :
		    strcmp(op, "totp-reset") == 0 ? "user.totp_reset" : "user.nda",
		    "user",
		    u.id, nda ? nda : "");
	if (!rc || db_commit(a->db) != 0) {
		db_rollback(a->db);
		app_error(a, r, 500);
		return;
	}
	if (pw[0] == '\0') {
		redirect(r, "/intranet/users");
		return;
	}
	m = model(r);
	tm_str(tm_root(m), "new_username", u.username);
	tm_str(tm_root(m), "one_time_password", pw);
	sodium_memzero(pw, sizeof(pw));
	users_page(a, r, m, 200);
}

/* ?edit=fi|en: the language being edited (Finnish unless said). */
static enum lang
edit_lang(struct req *r)
{
	int l = lang_parse(r->method == METHOD_POST ? kv_get(&r->form, "edit") :
	    kv_get(&r->query, "edit"));

	return l < 0 ? LANG_FI : (enum lang)l;
}

/* GET /intranet/notice: the draft, section by section, and what to do with it. */
static void
page_notice_admin(struct app *a, struct req *r)
{
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m);
	enum lang el = edit_lang(r);
	long long id = notice_draft_id(a->db);
	const char *saved = kv_get(&r->query, "saved");

	if (id < 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_str(root, "edit", lang_codes[el]);
	tm_bool(root, el == LANG_FI ? "edit_fi" : "edit_en", 1);
	tm_bool(root, "has_draft", id > 0);
	tm_bool(root, "saved", saved != NULL);
	if (id > 0 && notice_draft_fill(a->db, el, tm_map(root, "draft")) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		struct buf b = BUF_INIT;

		buf_addf(&b, "/intranet/notice/preview?edit=%s", lang_codes[el]);
		tm_str(root, "preview_href", b.data);
		buf_free(&b);
	}
	{
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(a->db, "SELECT coalesce(max(number), 0) FROM"
		    " notice_versions", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				tm_int(root, "latest", sqlite3_column_int(st, 0));
			sqlite3_finalize(st);
		}
	}
	page(a, r, 200, "notice-admin.xhtml", m);
}

/* GET and POST /intranet/notice/section?edit=L&n=N: one section of the draft. */
static void
page_notice_section(struct app *a, struct req *r)
{
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m), *sec = NULL;
	enum lang el = edit_lang(r);
	const char *nv = r->method == METHOD_POST ? field(r, "n", 4) :
	    kv_get(&r->query, "n");
	char err[256] = "", *end;
	long n;

	if (nv == NULL || !isdigit((unsigned char)nv[0]) ||
	    (n = strtol(nv, &end, 10)) < 1 || n > 999 || *end != '\0') {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	tm_str(root, "edit", lang_codes[el]);
	tm_int(root, "n", n);
	{
		struct buf b = BUF_INIT;

		buf_addf(&b, "/intranet/notice?edit=%s", lang_codes[el]);
		tm_str(root, "back_href", b.data);
		buf_free(&b);
	}
	if (r->method == METHOD_POST) {
		const char *title = field(r, "title", 400);
		const char *body = field(r, "body", 16000);
		struct buf warn = BUF_INIT;
		char obj[16];

		if (title == NULL || body == NULL) {
			tm_free(m);
			app_error(a, r, 400);
			return;
		}
		if (db_begin(a->db) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		if (notice_draft_section(a->db, el, (int)n, title, body, &warn, err,
		    sizeof(err)) != 0) {
			db_rollback(a->db);
			if (strcmp(err, "title") == 0)
				tm_bool(root, "error_title", 1);
			else if (strcmp(err, "body") == 0)
				tm_bool(root, "error_body", 1);
			else {
				buf_free(&warn);
				tm_free(m);
				app_error(a, r, 404);
				return;
			}
			sec = tm_map(root, "form");
			tm_str(sec, "title", title);
			tm_str(sec, "body", body);
			buf_free(&warn);
			tm_bool(root, "failed", 1);
			page(a, r, 400, "notice-section.xhtml", m);
			return;
		}
		snprintf(obj, sizeof(obj), "%s/%ld", lang_codes[el], n);
		log_event(a, r, &me, "notice.section", "notice", 0, obj);
		if (db_commit(a->db) != 0) {
			buf_free(&warn);
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		tm_bool(root, "saved", 1);
		if (warn.len > 0)
			tm_str(root, "warnings", warn.data);
		buf_free(&warn);
	}
	/* the section as the draft holds it now */
	{
		sqlite3_stmt *st;
		int found = 0;

		if (sqlite3_prepare_v2(a->db, "SELECT s.title, s.body FROM"
		    " notice_sections s JOIN notice_versions v ON v.id ="
		    " s.version_id WHERE v.number IS NULL AND s.lang = ?1 AND"
		    " s.position = ?2", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, lang_codes[el], -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, (int)n);
			if (sqlite3_step(st) == SQLITE_ROW) {
				sec = tm_map(root, "form");
				tm_str(sec, "title", (const char *)sqlite3_column_text(st, 0));
				tm_str(sec, "body", (const char *)sqlite3_column_text(st, 1));
				tm_html(sec, "preview", (const char *)
				    sqlite3_column_text(st, 1));	/* cleaned when saved */
				found = 1;
			}
			sqlite3_finalize(st);
		}
		if (!found) {
			tm_free(m);
			app_error(a, r, 404);
			return;
		}
	}
	page(a, r, 200, "notice-section.xhtml", m);
}

/* GET /intranet/notice/preview?edit=L: the draft as the public will see it. */
static void
page_notice_preview(struct app *a, struct req *r)
{
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m);
	enum lang el = edit_lang(r);
	struct buf b = BUF_INIT;

	if (notice_draft_fill(a->db, el, root) != 0) {
		tm_free(m);
		app_error(a, r, 404);
		return;
	}
	r->lang = el;	/* the page in the language being edited */
	tm_bool(root, "preview", 1);
	buf_addf(&b, "/intranet/notice/preview?edit=%s",
	    lang_codes[el == LANG_FI ? LANG_EN : LANG_FI]);
	tm_str(root, "preview_other", b.data);
	buf_reset(&b);
	buf_addf(&b, "/intranet/notice?edit=%s", lang_codes[el]);
	tm_str(root, "preview_back", b.data);
	buf_free(&b);
	authority_fill(authority, el, tm_map(root, "authority"));
	page(a, r, 200, "notice.xhtml", m);
}

/* POST /intranet/notice/draft|date|publish|discard: the draft's life. */
static void
post_notice(struct app *a, struct req *r)
{
	const char *op = strrchr(r->path, '/') + 1;
	char err[256] = "", to[64];
	int rc, number = 0;
	enum lang el = edit_lang(r);

	if (strcmp(op, "date") == 0) {
		const char *d = field(r, "drawn_up", 10);

		if (d == NULL) {
			app_error(a, r, 400);
			return;
		}
		rc = notice_draft_drawn_up(a->db, d) == 0 ? 0 : -2;
	} else if (strcmp(op, "draft") == 0)
		rc = notice_draft_create(a->db, err, sizeof(err)) < 0 ? -2 : 0;
	else if (strcmp(op, "publish") == 0) {
		rc = notice_publish(a->db, &number, err, sizeof(err)) == 0 ? 0 : -2;
	} else
		rc = notice_discard_draft(a->db, err, sizeof(err)) == 0 ? 0 : -2;
	if (rc != 0) {
		/* say what is wrong on the editor page, in the user's words */
		struct tmpl_model *m = model(r);

		tm_str(tm_root(m), "problem", err[0] ? err :
		    i18n_msg(a->msgs, r->lang, "noticeadmin.bad_date"));
		tm_str(tm_root(m), "edit", lang_codes[el]);
		tm_bool(tm_root(m), "has_draft", notice_draft_id(a->db) > 0);
		if (notice_draft_id(a->db) > 0)
			notice_draft_fill(a->db, el, tm_map(tm_root(m), "draft"));
		page(a, r, 400, "notice-admin.xhtml", m);
		return;
	}
	{
		char action[32];

		snprintf(action, sizeof(action), "notice.%s", op);
		log_event(a, r, &me, action, "notice", number, "");
	}
	snprintf(to, sizeof(to), "/intranet/notice?edit=%s&saved=1",
	    lang_codes[el]);
	redirect(r, to);
}

/* How each field is shown in forms: its input type. */
static const char *
field_input(enum cfield f)
{
	switch (f) {
	case CF_CONTACT_PERSON:
		return "checkbox";
	case CF_CONTACT_FROM: case CF_CONTACT_TO: case CF_CUSTOMER_SINCE:
	case CF_RELATIONSHIP_ENDED:
		return "date";
	case CF_BILLING_ADDRESS: case CF_NOTES:
		return "textarea";
	case CF_EMAIL:
		return "email";
	case CF_PHONE:
		return "tel";
	default:
		return "text";
	}
}

/*
 * root.fields: every field of c with its label, value, input type and the
 * message of its error (errs may be NULL), for the form and the record.
 */
static void
fields_model(struct req *r, const struct customer *c, const char *const *errs,
    struct tmpl_map *root)
{
	struct tmpl_list *l = tm_list(root, "fields");
	char key[64];

	for (int f = 0; f < CF__MAX; f++) {
		struct tmpl_map *m = tm_list_map(l);
		const char *in = field_input((enum cfield)f);

		tm_str(m, "name", cfield_names[f]);
		snprintf(key, sizeof(key), "cust.%s", cfield_names[f]);
		tm_str(m, "label", i18n_msg(a_msgs, r->lang, key));
		tm_str(m, "value", c->v[f] ? c->v[f] : "");
		tm_str(m, "id", cfield_names[f]);
		tm_bool(m, "is_checkbox", strcmp(in, "checkbox") == 0);
		tm_bool(m, "is_textarea", strcmp(in, "textarea") == 0);
		tm_bool(m, "is_input", strcmp(in, "checkbox") != 0 &&
		    strcmp(in, "textarea") != 0);
		tm_str(m, "type", in);
		tm_bool(m, "checked", c->v[f] && strcmp(c->v[f], "1") == 0);
		tm_bool(m, "shown", c->v[f] && c->v[f][0] != '\0' &&
		    strcmp(c->v[f], "0") != 0);
		if (errs != NULL && errs[f] != NULL) {
			tm_str(m, "error", i18n_msg(a_msgs, r->lang, errs[f]));
			snprintf(key, sizeof(key), "%s-error", cfield_names[f]);
			tm_str(m, "error_id", key);
		}
	}
}

/* ?id= or the form's id: a positive number, else 0. */
static long long
record_id(struct req *r)
{
	const char *v = r->method == METHOD_POST ? kv_get(&r->form, "id") :
	    kv_get(&r->query, "id");
	char *end;
	long long id;

	if (v == NULL || !isdigit((unsigned char)v[0]))
		return 0;
	id = strtoll(v, &end, 10);
	return *end == '\0' && id > 0 ? id : 0;
}

/*
 * A customer search from the query: q (words), name ("Last [First]"
 * prefixes), postal (a postal-code prefix) and sort. 0, or -1 for a value
 * out of bounds (answered with 400).
 */
static int
search_params(struct req *r, struct csearch *s)
{
	const char *sort = kv_get(&r->query, "sort");

	s->q = kv_get(&r->query, "q");
	s->name = kv_get(&r->query, "name");
	s->postal = kv_get(&r->query, "postal");
	s->sort = SORT_NAME;
	if ((s->q != NULL && strlen(s->q) > 200) ||
	    (s->name != NULL && strlen(s->name) > 200) ||
	    !customer_postal_prefix_ok(s->postal))
		return -1;
	if (sort == NULL)
		return 0;
	for (int i = 0; i < SORT__MAX; i++)
		if (strcmp(sort, csort_names[i]) == 0) {
			s->sort = (enum csort)i;
			return 0;
		}
	return -1;
}

/* GET /intranet/customers: search and list, a page at a time. */
static void
page_customers(struct app *a, struct req *r)
{
	const char *pg = kv_get(&r->query, "page");
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct csearch cs;
	long pageno = 1;
	char *end;

	if (search_params(r, &cs) != 0) {
		app_error(a, r, 400);
		return;
	}
	if (pg != NULL && (!isdigit((unsigned char)pg[0]) ||
	    (pageno = strtol(pg, &end, 10)) < 1 || pageno > 100000 || *end != '\0')) {
		app_error(a, r, 400);
		return;
	}
	m = model(r);
	root = tm_root(m);
	tm_str(root, "q", cs.q ? cs.q : "");
	tm_str(root, "name", cs.name ? cs.name : "");
	tm_str(root, "postal", cs.postal ? cs.postal : "");
	tm_int(root, "page", pageno);
	{
		/* model keys must outlive the model: literals, not a buffer */
		static const char *const sort_keys[SORT__MAX] = {
			"sort_name", "sort_number", "sort_postal", "sort_city",
		};

		for (int i = 0; i < SORT__MAX; i++)
			tm_bool(root, sort_keys[i], (int)cs.sort == i);
	}
	if (customer_search(a->db, &cs, (int)pageno, 50, root) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		/* paging links keep the search, percent-encoded by libxml2 */
		struct buf b = BUF_INIT;
		xmlChar *eq = xmlURIEscapeStr(BAD_CAST (cs.q ? cs.q : ""),
		    BAD_CAST "");
		xmlChar *en = xmlURIEscapeStr(BAD_CAST (cs.name ? cs.name : ""),
		    BAD_CAST "");
		xmlChar *ep = xmlURIEscapeStr(BAD_CAST (cs.postal ? cs.postal :
		    ""), BAD_CAST "");

		buf_addf(&b, "q=%s&name=%s&postal=%s&sort=%s", eq ? (char *)eq :
		    "", en ? (char *)en : "", ep ? (char *)ep : "",
		    csort_names[cs.sort]);
		xmlFree(eq);
		xmlFree(en);
		xmlFree(ep);
		{
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/customers.csv?%s", b.data);
			tm_str(root, "csv_href", h.data);
			buf_free(&h);
		}
		if (pageno > 1) {
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/customers?%s&page=%ld", b.data,
			    pageno - 1);
			tm_str(root, "prev_href", h.data);
			buf_free(&h);
		}
		{
			struct buf h = BUF_INIT;

			buf_addf(&h, "/intranet/customers?%s&page=%ld", b.data,
			    pageno + 1);
			tm_str(root, "next_href", h.data);
			buf_free(&h);
		}
		buf_free(&b);
	}
	/* a search names no one in the log: only that a search was made */
	log_event(a, r, &me, "customer.search", "customer", 0, "");
	page(a, r, 200, "customers.xhtml", m);
}

/*
 * Render record id with m (values every page has, plus any form's errors,
 * from model()); takes m. The record view is audited.
 */
static void
show_customer(struct app *a, struct req *r, long long id, int status,
    struct tmpl_model *m)
{
	struct customer c;
	struct tmpl_map *root = tm_root(m);
	int rc;

	if ((rc = customer_get(a->db, id, &c)) != 0) {
		tm_free(m);
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	customer_to_model(&c, tm_map(root, "c"));
	fields_model(r, &c, NULL, root);
	{
		char href[64];

		snprintf(href, sizeof(href), "/intranet/customer/edit?id=%lld", id);
		tm_str(root, "edit_href", href);
		tm_str(root, "restrict_action", c.restricted ?
		    "/intranet/customer/unrestrict" : "/intranet/customer/restrict");
	}
	if (customer_bans(a->db, id, r->lang, a->msgs, root) != 0 ||
	    customer_disclosures(a->db, id, r->lang, a->msgs, root) != 0 ||
	    customer_orders(a->db, id, r->lang, a->msgs, root) != 0 ||
	    customer_history(a->db, id, r->lang, root) != 0) {
		customer_free(&c);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	{
		static const struct {
			const char *list, *prefix;
			const char *const *names;
		} choices[] = {
			{ "purposes", "purpose", cpurpose_names },
			{ "vias", "via", cvia_names },
			{ "statuses", "status", corder_status_names },
			{ "grounds", "ground", cground_names },
		};
		char key[48], today[16];
		time_t now = time(NULL);
		struct tm tmv;

		for (size_t k = 0; k < sizeof(choices) / sizeof(choices[0]); k++) {
			struct tmpl_list *l = tm_list(root, choices[k].list);

			for (int i = 0; i < (k == 0 ? CP__MAX : 99) &&
			    choices[k].names[i] != NULL; i++) {
				struct tmpl_map *o = tm_list_map(l);

				tm_str(o, "value", choices[k].names[i]);
				snprintf(key, sizeof(key), "%s.%s", choices[k].prefix,
				    choices[k].names[i]);
				tm_str(o, "label", i18n_msg(a->msgs, r->lang, key));
			}
		}
		strftime(today, sizeof(today), "%Y-%m-%d", localtime_r(&now, &tmv));
		tm_str(root, "today", today);
	}
	log_event(a, r, &me, "customer.view", "customer", id, "");
	customer_free(&c);
	page(a, r, status, "customer.xhtml", m);
}

/* GET /intranet/customer?id=N: the record, bans, disclosures, orders, history. */
static void
page_customer(struct app *a, struct req *r)
{
	long long id = record_id(r);

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	show_customer(a, r, id, 200, model(r));
}

/*
 * POST /intranet/customer/order and /intranet/customer/disclosure: a new
 * order or disclosure on the record. A form with errors stores nothing and
 * comes back on the record page with what was typed and the messages.
 */
static void
post_customer_add(struct app *a, struct req *r)
{
	static const char *const order_keys[] = { "number", "date",
	    "description", "amount", "status" };
	static const char *const order_errs[] = { "number_error", "date_error",
	    "description_error", "amount_error", "status_error" };
	static const char *const disc_keys[] = { "recipient", "ground", "what",
	    "date" };
	static const char *const disc_errs[] = { "recipient_error",
	    "ground_error", "what_error", "date_error" };
	int order = strcmp(r->path, "/intranet/customer/order") == 0;
	const char *const *keys = order ? order_keys : disc_keys;
	const char *const *ekeys = order ? order_errs : disc_errs;
	size_t nkeys = order ? 5 : 4;
	const char *errs[5];
	long long id = record_id(r);
	struct customer c;
	struct tmpl_model *m;
	struct tmpl_map *f;
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if ((rc = customer_get(a->db, id, &c)) != 0) {
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	customer_free(&c);
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	rc = order ? customer_add_order(a->db, id, &r->form, errs) :
	    customer_add_disclosure(a->db, id, &r->form, me.id, errs);
	if (rc == 0) {
		log_event(a, r, &me, order ? "customer.order" :
		    "customer.disclosure", "customer", id, order ? "" :
		    kv_get(&r->form, "ground"));
		if (db_commit(a->db) != 0) {
			app_error(a, r, 500);
			return;
		}
		{
			char to[64];

			snprintf(to, sizeof(to), "/intranet/customer?id=%lld", id);
			redirect(r, to);
		}
		return;
	}
	db_rollback(a->db);
	if (rc < 0) {
		app_error(a, r, 500);
		return;
	}
	m = model(r);
	f = tm_map(tm_root(m), order ? "order_form" : "disc_form");
	tm_bool(f, "failed", 1);
	for (size_t i = 0; i < nkeys; i++) {
		const char *v = kv_get(&r->form, keys[i]);

		tm_str(f, keys[i], v ? v : "");
		if (errs[i] != NULL)
			tm_str(f, ekeys[i], i18n_msg(a->msgs, r->lang, errs[i]));
	}
	show_customer(a, r, id, 400, m);
}

/*
 * GET and POST /intranet/customers/new and /intranet/customer/edit: the
 * form. A form with any error changes nothing and comes back with what was
 * typed and a message beside each field that failed.
 */
static void
page_customer_form(struct app *a, struct req *r)
{
	int editing = strcmp(r->path, "/intranet/customer/edit") == 0;
	struct customer c;
	const char *errs[CF__MAX];
	struct tmpl_model *m;
	struct tmpl_map *root;
	long long id = editing ? record_id(r) : 0;
	int bad, rc, src = CS_STAFF;
	char changed[512] = "";

	memset(&c, 0, sizeof(c));
	memset(errs, 0, sizeof(errs));
	if (editing && id == 0) {
		app_error(a, r, 400);
		return;
	}
	if (editing && (rc = customer_get(a->db, id, &c)) != 0) {
		app_error(a, r, rc > 0 ? 404 : 500);
		return;
	}
	if (r->method == METHOD_GET) {
		if (!editing)
			c.v[CF_COUNTRY] = xstrdup("FI");
		bad = 0;
		goto show;
	}
	if ((src = csource_parse(kv_get(&r->form, "source"))) < 0)
		src = -1;
	bad = customer_from_form(&r->form, &c, errs);
	if (src < 0)
		bad++;
	if (editing && c.restricted) {
		customer_free(&c);
		app_error(a, r, 403);
		return;
	}
	if (bad == 0) {
		if (db_begin(a->db) != 0)
			goto fail;
		rc = editing ? customer_update(a->db, &c, me.id, (enum csource)src,
		    changed, sizeof(changed)) : customer_create(a->db, &c, me.id,
		    (enum csource)src);
		if (rc != 0) {
			db_rollback(a->db);
			goto fail;
		}
		log_event(a, r, &me, editing ? "customer.edit" : "customer.add",
		    "customer", c.id, editing ? changed : csource_names[src]);
		if (db_commit(a->db) != 0)
			goto fail;
		{
			char to[64];

			snprintf(to, sizeof(to), "/intranet/customer?id=%lld", c.id);
			customer_free(&c);
			redirect(r, to);
		}
		return;
	}
show:
	m = model(r);
	root = tm_root(m);
	tm_bool(root, "editing", editing);
	tm_str(root, "form_action", editing ? "/intranet/customer/edit" :
	    "/intranet/customers/new");
	tm_bool(root, "failed", bad > 0);
	tm_bool(root, "bad_source", r->method == METHOD_POST && src < 0);
	customer_to_model(&c, tm_map(root, "c"));
	fields_model(r, &c, errs, root);
	{
		struct tmpl_list *l = tm_list(root, "sources");
		char key[48];

		for (int i = 0; i < CS__MAX; i++) {
			struct tmpl_map *o;

			if (i == CS_IMPORT)
				continue;	/* the import command's own */
			o = tm_list_map(l);
			tm_str(o, "value", csource_names[i]);
			snprintf(key, sizeof(key), "source.%s", csource_names[i]);
			tm_str(o, "label", i18n_msg(a->msgs, r->lang, key));
			tm_bool(o, "selected", i == (src < 0 ? CS_STAFF : src));
		}
	}
	customer_free(&c);
	page(a, r, bad > 0 ? 400 : 200, "customer-form.xhtml", m);
	return;
fail:
	customer_free(&c);
	app_error(a, r, 500);
}

/*
 * POST /intranet/customer/ban, /unban, /restrict, /unrestrict: bans per
 * purpose and the restriction of processing, each with the record's id,
 * audited, and answered by the record page again.
 */
static void
post_customer_change(struct app *a, struct req *r)
{
	const char *op = strrchr(r->path, '/') + 1;
	long long id = record_id(r);
	char to[64];
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	if (strcmp(op, "ban") == 0) {
		const char *ref = kv_get(&r->form, "reference");

		rc = customer_ban(a->db, id, field(r, "purpose", 32),
		    field(r, "via", 16), ref ? ref : "", field(r, "since", 10),
		    me.id);
	} else if (strcmp(op, "unban") == 0)
		rc = customer_unban(a->db, id, field(r, "purpose", 32), me.id);
	else {
		const char *reason = field(r, "reason", 600);

		rc = reason == NULL ? -1 : customer_restrict(a->db, id,
		    strcmp(op, "restrict") == 0, reason, me.id);
	}
	if (rc != 0) {
		db_rollback(a->db);
		app_error(a, r, 400);	/* a missing or unknown value: nothing changed */
		return;
	}
	{
		char action[32];
		const char *p = field(r, "purpose", 32);

		snprintf(action, sizeof(action), "customer.%s", op);
		log_event(a, r, &me, action, "customer", id, p ? p : "");
	}
	if (db_commit(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/customer?id=%lld", id);
	redirect(r, to);
}

/* Streams CSV rows to the client, a buffer at a time. */
struct csv_out {
	struct req	*r;
	struct buf	 b;
	int		 gone;	/* the client stopped reading */
	long		 rows;	/* written, besides the header */
};

static int
csv_flush(struct csv_out *o, int force)
{
	if (o->b.len > 0 && (force || o->b.len >= (size_t)64 * 1024)) {
		if (resp_write(o->r, o->b.data, o->b.len) != 0)
			o->gone = 1;
		buf_reset(&o->b);
	}
	return o->gone;
}

/*
 * The status line went out before the rows: a database error on the way
 * can only be said in the file itself, as its last row.
 */
static void
csv_incomplete(struct csv_out *o)
{
	static const char *const cells[] = { "ERROR",
	    "the export is incomplete: a database error stopped it" };

	csv_row(&o->b, cells, 2);
}

static int
export_row(void *arg, const char *const *cells)
{
	struct csv_out *o = arg;

	csv_row(&o->b, cells, CEXPORT_COLUMNS);
	return csv_flush(o, 0);
}

/*
 * GET /intranet/customers.csv: every record the search matches (not only a
 * page), restricted ones left out, as CSV (docs/csv.md). Audited with the
 * number of rows, never the search words.
 */
static void
page_customers_csv(struct app *a, struct req *r)
{
	struct csv_out o = { r, BUF_INIT, 0, 0 };
	const char *head[CEXPORT_COLUMNS];
	struct csearch cs;
	long rows, restricted, banned;
	char summary[128];
	int rc;

	if (search_params(r, &cs) != 0) {
		app_error(a, r, 400);
		return;
	}
	head[0] = "number";
	for (int f = 0; f < CF__MAX; f++)
		head[f + 1] = cfield_names[f];
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition",
	    "attachment; filename=\"asiakkaat.csv\"");
	/* A read transaction: the rows of one moment, however long it takes. */
	if (db_begin_read(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	resp_start(r, 200, "text/csv; charset=utf-8; header=present");
	csv_row(&o.b, head, CEXPORT_COLUMNS);
	rc = customer_export(a->db, &cs, export_row, &o, &rows, &restricted,
	    &banned);
	db_rollback(a->db);
	if (rc < 0)
		csv_incomplete(&o);
	csv_flush(&o, 1);
	buf_free(&o.b);
	if (rc < 0)
		LOG_ERR("export stopped by a database error");
	snprintf(summary, sizeof(summary), "%ld rows; left out %ld restricted,"
	    " %ld banned%s", rows, restricted, banned, rc != 0 ? "; incomplete" :
	    "");
	log_event(a, r, &me, "customer.export", "customer", 0, summary);
}

/* Mailing labels: the purpose and postal prefix of a list, from the query. 0 or -1 (400). */
static int
label_params(struct req *r, const char **purpose, const char **postal)
{
	*purpose = kv_get(&r->query, "purpose");
	*postal = kv_get(&r->query, "postal");
	if (*purpose != NULL && *purpose[0] != '\0') {
		int ok = 0;

		for (size_t i = 0; clabel_purposes[i] != NULL; i++)
			ok |= strcmp(*purpose, clabel_purposes[i]) == 0;
		if (!ok)
			return -1;
	} else
		*purpose = NULL;
	if (!customer_postal_prefix_ok(*postal))
		return -1;
	if (*postal != NULL && **postal == '\0')
		*postal = NULL;
	return 0;
}

/* "purpose=...&postal=..." for links, percent-encoded by libxml2. */
static void
label_query(struct buf *b, const char *purpose, const char *postal)
{
	xmlChar *e = xmlURIEscapeStr(BAD_CAST (postal ? postal : ""),
	    BAD_CAST "");

	buf_addf(b, "purpose=%s&postal=%s", purpose, e ? (char *)e : "");
	xmlFree(e);
}

/* The purpose menu, the chosen one selected. */
static void
label_purposes(struct req *r, struct tmpl_map *root, const char *purpose)
{
	static const char *const keys[] = { "purpose.advertising",
	    "purpose.distance_selling", "purpose.direct_marketing",
	    "purpose.research", "purpose.publication" };
	struct tmpl_list *l = tm_list(root, "purposes");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) &&
	    clabel_purposes[i] != NULL; i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", clabel_purposes[i]);
		tm_str(m, "label", i18n_msg(a_msgs, r->lang, keys[i]));
		tm_bool(m, "selected", purpose != NULL &&
		    strcmp(purpose, clabel_purposes[i]) == 0);
		if (purpose != NULL && strcmp(purpose, clabel_purposes[i]) == 0)
			tm_str(root, "purpose_label", i18n_msg(a_msgs, r->lang,
			    keys[i]));
	}
}

#define LABELS_PER_SHEET 24L	/* A4, 3 × 8 */
#define SHEETS_PER_PAGE 10L

/*
 * GET /intranet/labels: choose a purpose (and a postal-code prefix); the
 * page says how many are on the list and how many were left out for which
 * reason, with links to the label sheets and the CSV.
 */
static void
page_labels(struct app *a, struct req *r)
{
	static const char *const why_keys[CL__MAX] = { "labels.left.restricted",
	    "labels.left.ended", "labels.left.ban", "labels.left.publication",
	    "labels.left.no_address" };
	const char *purpose, *postal;
	struct tmpl_model *m;
	struct tmpl_map *root;
	long included, left[CL__MAX], total = 0;

	if (label_params(r, &purpose, &postal) != 0) {
		app_error(a, r, 400);
		return;
	}
	m = model(r);
	root = tm_root(m);
	label_purposes(r, root, purpose);
	tm_str(root, "postal", postal ? postal : "");
	if (purpose != NULL) {
		struct tmpl_map *c = tm_map(root, "counts");
		struct tmpl_list *l = tm_list(c, "left");
		struct buf q = BUF_INIT, h = BUF_INIT;

		if (customer_label_counts(a->db, purpose, postal, &included,
		    left) != 0) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		for (int i = 0; i < CL__MAX; i++) {
			struct tmpl_map *e = tm_list_map(l);

			tm_str(e, "reason", i18n_msg(a_msgs, r->lang, why_keys[i]));
			tm_int(e, "count", left[i]);
			total += left[i];
		}
		tm_int(c, "included", included);
		tm_int(c, "left_total", total);
		tm_int(c, "sheets", (included + LABELS_PER_SHEET - 1) /
		    LABELS_PER_SHEET);
		label_query(&q, purpose, postal);
		if (included > 0) {
			buf_addf(&h, "/intranet/labels/sheet?%s&page=1", q.data);
			tm_str(c, "sheet_href", h.data);
			buf_reset(&h);
			buf_addf(&h, "/intranet/labels.csv?%s", q.data);
			tm_str(c, "csv_href", h.data);
		}
		buf_free(&q);
		buf_free(&h);
	}
	page(a, r, 200, "labels.xhtml", m);
}

struct sheet_fill {
	struct tmpl_list	*sheets;
	struct tmpl_list	*labels;
	long			 n;
	long			 max;	/* labels on a page */
	int			 more;	/* a label beyond them: there is a next page */
};

static int
sheet_label(void *arg, const struct clabel *l)
{
	struct sheet_fill *f = arg;
	struct tmpl_map *m;

	if (f->n == f->max) {
		f->more = 1;
		return 1;	/* one past the page was asked for: enough */
	}
	if (f->n++ % LABELS_PER_SHEET == 0)
		f->labels = tm_list(tm_list_map(f->sheets), "labels");
	m = tm_list_map(f->labels);
	tm_str(m, "name", l->name);
	tm_str(m, "organisation", l->organisation);
	tm_str(m, "street", l->street);
	tm_str(m, "postal_code", l->postal_code);
	tm_str(m, "city", l->city);
	tm_str(m, "country", l->country);
	return 0;
}

/*
 * GET /intranet/labels/sheet: A4 label sheets, 3 × 8 labels each, ten
 * sheets to a page. Audited: which list, which page, how many labels.
 */
static void
page_labels_sheet(struct app *a, struct req *r)
{
	const char *purpose, *postal, *pg = kv_get(&r->query, "page");
	struct sheet_fill f = { NULL, NULL, 0, LABELS_PER_SHEET * SHEETS_PER_PAGE,
	    0 };
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct buf q = BUF_INIT, h = BUF_INIT;
	long pageno = 1;
	char summary[96], *end;

	if (label_params(r, &purpose, &postal) != 0 || purpose == NULL ||
	    (pg != NULL && (!isdigit((unsigned char)pg[0]) ||
	    (pageno = strtol(pg, &end, 10)) < 1 || pageno > 100000 ||
	    *end != '\0'))) {
		app_error(a, r, 400);
		return;
	}
	m = model(r);
	root = tm_root(m);
	f.sheets = tm_list(root, "sheets");
	label_purposes(r, root, purpose);
	/* a page and one label more, to know whether there is a next page */
	if (customer_labels(a->db, purpose, postal, (pageno - 1) * f.max,
	    f.max + 1, sheet_label, &f) < 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_int(root, "page", pageno);
	tm_int(root, "count", f.n);
	tm_bool(root, "none", f.n == 0);
	label_query(&q, purpose, postal);
	buf_addf(&h, "/intranet/labels?%s", q.data);
	tm_str(root, "back_href", h.data);
	if (pageno > 1) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/labels/sheet?%s&page=%ld", q.data,
		    pageno - 1);
		tm_str(root, "prev_href", h.data);
	}
	if (f.more) {
		buf_reset(&h);
		buf_addf(&h, "/intranet/labels/sheet?%s&page=%ld", q.data,
		    pageno + 1);
		tm_str(root, "next_href", h.data);
	}
	buf_free(&q);
	buf_free(&h);
	snprintf(summary, sizeof(summary), "%s, page %ld, %ld labels", purpose,
	    pageno, f.n);
	log_event(a, r, &me, "labels.print", "customer", 0, summary);
	page(a, r, 200, "labels-sheet.xhtml", m);
}

static int
csv_label(void *arg, const struct clabel *l)
{
	struct csv_out *o = arg;
	const char *cells[] = { l->number, l->name, l->organisation, l->street,
	    l->postal_code, l->city, l->country };

	csv_row(&o->b, cells, sizeof(cells) / sizeof(cells[0]));
	o->rows++;
	return csv_flush(o, 0);
}

/* GET /intranet/labels.csv: the whole list as CSV (docs/csv.md). Audited. */
static void
page_labels_csv(struct app *a, struct req *r)
{
	static const char *const head[] = { "number", "name", "organisation",
	    "street", "postal_code", "city", "country" };
	struct csv_out o = { r, BUF_INIT, 0, 0 };
	const char *purpose, *postal;
	char summary[96];
	int rc;

	if (label_params(r, &purpose, &postal) != 0 || purpose == NULL) {
		app_error(a, r, 400);
		return;
	}
	if (db_begin_read(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Disposition",
	    "attachment; filename=\"postitustarrat.csv\"");
	resp_start(r, 200, "text/csv; charset=utf-8; header=present");
	csv_row(&o.b, head, sizeof(head) / sizeof(head[0]));
	rc = customer_labels(a->db, purpose, postal, 0, -1, csv_label, &o);
	db_rollback(a->db);
	if (rc < 0)
		csv_incomplete(&o);
	csv_flush(&o, 1);
	buf_free(&o.b);
	snprintf(summary, sizeof(summary), "%s, %ld labels%s", purpose, o.rows,
	    rc != 0 ? ", incomplete" : "");
	log_event(a, r, &me, "labels.export", "customer", 0, summary);
}

#define IMPORT_UPLOAD_MAX	((size_t)8 << 20)	/* bytes of an uploaded file */
#define IMPORT_SHOWN		200	/* rows of a report shown on the page */

static const char *const charset_keys[] = { "auto", "utf-8", "iso-8859-1" };

/* The form's selects: charset and source, the chosen ones selected. */
static void
import_choices(struct req *r, struct tmpl_map *root, const char *charset,
    const char *source)
{
	static const char *const src[] = { "update_service", "subcontractor",
	    "customer", "staff" };
	static const char *const src_keys[] = { "source.update_service",
	    "source.subcontractor", "source.customer", "source.staff" };
	static const char *const cs_keys[] = { "import.charset_auto",
	    "import.charset_utf8", "import.charset_latin1" };
	struct tmpl_list *l = tm_list(root, "sources");

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", src[i]);
		tm_str(m, "label", i18n_msg(a_msgs, r->lang, src_keys[i]));
		tm_bool(m, "selected", strcmp(source, src[i]) == 0);
	}
	l = tm_list(root, "charsets");
	for (size_t i = 0; i < sizeof(charset_keys) / sizeof(charset_keys[0]); i++) {
		struct tmpl_map *m = tm_list_map(l);

		tm_str(m, "value", charset_keys[i]);
		tm_str(m, "label", i18n_msg(a_msgs, r->lang, cs_keys[i]));
		tm_bool(m, "selected", strcmp(charset, charset_keys[i]) == 0);
	}
}

/* The check's report into the model: counts, bad rows, changes (IMPORT_SHOWN of each). */
static void
import_report(struct tmpl_map *root, const struct cimport *im)
{
	struct tmpl_map *rep = tm_map(root, "report");
	struct tmpl_list *bad = tm_list(rep, "bad"), *good = tm_list(rep, "changes");
	long nbad = 0, ngood = 0;

	tm_int(rep, "rows", im->rows);
	tm_int(rep, "good", im->good - im->same);
	tm_int(rep, "same", im->same);
	tm_int(rep, "bad_count", im->bad);
	tm_str(rep, "charset", im->used == CSV_LATIN1 ? "ISO-8859-1" : "UTF-8");
	for (size_t i = 0; i < im->nlines; i++) {
		const struct cimport_line *l = &im->lines[i];
		struct tmpl_map *m;

		if (l->bad ? nbad++ >= IMPORT_SHOWN : (l->same ||
		    ngood++ >= IMPORT_SHOWN))
			continue;
		m = tm_list_map(l->bad ? bad : good);
		tm_int(m, "line", l->line);
		tm_str(m, "number", l->number);
		tm_str(m, "what", l->what);
	}
	tm_bool(rep, "bad_more", nbad > IMPORT_SHOWN);
	tm_bool(rep, "changes_more", ngood > IMPORT_SHOWN);
	tm_int(rep, "shown", IMPORT_SHOWN);
}

/* Forget uploads older than an hour: they hold names and addresses. */
static void
import_expire(struct app *a)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE"
	    " created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) != SQLITE_DONE)
		LOG_ERR("old uploads could not be deleted");
	sqlite3_finalize(st);
}

/* Check data as an update import (changes nothing). 0, or -1 with im->error. */
static int
import_check(struct app *a, struct req *r, struct cimport *im, const char *data,
    size_t len, const char *charset, const char *source)
{
	memset(im, 0, sizeof(*im));
	im->kind = CIMPORT_UPDATES;
	im->source = (enum csource)csource_parse(source);
	im->user_id = me.id;
	im->charset = (enum csv_charset)csv_charset_parse(charset);
	im->msgs = a_msgs;
	im->lang = r->lang;
	return cimport_check(a->db, im, data, len);
}

/*
 * GET and POST /intranet/import (admins): upload an update service's file
 * (multipart), see what it would change and which rows are bad, then apply
 * (POST /intranet/import/apply). The file waits in import_uploads.
 */
static void
page_import(struct app *a, struct req *r)
{
	const char *charset = kv_get(&r->form, "charset"), *source =
	    kv_get(&r->form, "source");
	struct tmpl_model *m = model(r);
	struct tmpl_map *root = tm_root(m);
	struct cimport im;
	sqlite3_stmt *st;
	int status = 200;

	import_expire(a);
	if (r->method == METHOD_GET) {
		import_choices(r, root, "auto", "update_service");
		page(a, r, 200, "import.xhtml", m);
		return;
	}
	if (charset == NULL || csv_charset_parse(charset) < 0 || source == NULL ||
	    csource_parse(source) < 0 || strcmp(source, "import") == 0) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	import_choices(r, root, charset, source);
	if (r->upload.field == NULL || strcmp(r->upload.field, "file") != 0 ||
	    r->upload.len == 0) {
		tm_str(root, "error", i18n_msg(a_msgs, r->lang, "import.no_file"));
		page(a, r, 422, "import.xhtml", m);
		return;
	}
	if (import_check(a, r, &im, r->upload.data, r->upload.len, charset,
	    source) != 0) {
		tm_str(root, "error", im.error);
		cimport_free(&im);
		page(a, r, 422, "import.xhtml", m);
		return;
	}
	import_report(root, &im);
	/* keep the file for the apply step: an hour at most */
	if (im.good - im.same > 0) {
		/* one waiting file per admin: this one replaces any other */
		if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE"
		    " user_id = ?1", -1, &st, NULL) != SQLITE_OK) {
			status = 500;
			goto out;
		}
		sqlite3_bind_int64(st, 1, me.id);
		sqlite3_step(st);
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(a->db, "INSERT INTO import_uploads (user_id,"
		    " filename, charset, source, data) VALUES (?1, ?2, ?3, ?4, ?5)",
		    -1, &st, NULL) != SQLITE_OK) {
			status = 500;
			goto out;
		}
		sqlite3_bind_int64(st, 1, me.id);
		sqlite3_bind_text(st, 2, r->upload.filename, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, charset, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(st, 5, r->upload.data, r->upload.len,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			status = 500;
		sqlite3_finalize(st);
		tm_int(root, "upload", sqlite3_last_insert_rowid(a->db));
	}
	log_event(a, r, &me, "customer.import_check", "customer", 0, "");
out:
	cimport_free(&im);
	if (status != 200) {
		tm_free(m);
		app_error(a, r, status);
		return;
	}
	page(a, r, 200, "import.xhtml", m);
}

/* POST /intranet/import/apply: check the kept file again and apply its good rows (all must be good unless apply_valid). */
static void
post_import_apply(struct app *a, struct req *r)
{
	const char *v = kv_get(&r->form, "upload");
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct cimport im;
	sqlite3_stmt *st;
	long long id;
	char *end, *data = NULL, charset[16] = "", source[32] = "",
	    summary[160];
	size_t len = 0;
	int found = 0;

	if (v == NULL || (id = strtoll(v, &end, 10)) <= 0 || *end != '\0') {
		app_error(a, r, 400);
		return;
	}
	import_expire(a);
	if (sqlite3_prepare_v2(a->db, "SELECT data, charset, source FROM"
	    " import_uploads WHERE id = ?1 AND user_id = ?2 AND created_at >="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')", -1, &st,
	    NULL) != SQLITE_OK) {
		app_error(a, r, 500);
		return;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, me.id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		data = xmalloc(len + 1);
		if (len > 0)
			memcpy(data, sqlite3_column_blob(st, 0), len);
		data[len] = '\0';
		snprintf(charset, sizeof(charset), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(source, sizeof(source), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		found = 1;
	}
	sqlite3_finalize(st);
	m = model(r);
	root = tm_root(m);
	import_choices(r, root, found ? charset : "auto", found ? source :
	    "update_service");
	if (!found) {
		tm_str(root, "error", i18n_msg(a_msgs, r->lang, "import.expired"));
		page(a, r, 410, "import.xhtml", m);
		return;
	}
	if (import_check(a, r, &im, data, len, charset, source) != 0 ||
	    (im.bad > 0 && kv_get(&r->form, "apply_valid") == NULL)) {
		if (im.error[0] == '\0')
			tm_str(root, "error", i18n_msg(a_msgs, r->lang,
			    "import.bad_rows"));
		else
			tm_str(root, "error", im.error);
		import_report(root, &im);
		tm_int(root, "upload", id);
		cimport_free(&im);
		free(data);
		page(a, r, 422, "import.xhtml", m);
		return;
	}
	free(data);
	if (cimport_apply(a->db, &im) != 0) {
		tm_str(root, "error", im.error);
		import_report(root, &im);
		cimport_free(&im);
		page(a, r, 500, "import.xhtml", m);
		return;
	}
	if (sqlite3_prepare_v2(a->db, "DELETE FROM import_uploads WHERE id = ?1",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	snprintf(summary, sizeof(summary), "updates: %ld applied, %ld bad rows "
	    "left out, source %s", im.applied, im.bad, source);
	log_event(a, r, &me, "customer.import_updates", "customer", 0, summary);
	tm_int(root, "applied", im.applied);
	tm_int(root, "left_out", im.bad);
	cimport_free(&im);
	page(a, r, 200, "import.xhtml", m);
}

/*
 * The register's public keys, for checking a paper copy: read for each
 * check, so a key made by rekisteri key rotate counts at once. NULL (logged)
 * when there are none; the caller frees.
 */
static struct ticket_keys *
reception_keys(struct app *a)
{
	struct ticket_keys *k;
	char err[256];

	if ((k = ticket_keys_load(a->conf.key_dir, 0, err, sizeof(err))) == NULL)
		LOG_ERR("%s", err);
	return k;
}

/* Whether the mail that proves control of an address can be sent at all. */
static void
mail_model(struct app *a, struct tmpl_map *root)
{
	tm_bool(root, "mail_off", a->conf.sendmail == NULL ||
	    a->conf.sendmail[0] == '\0');
}

/*
 * GET /intranet/requests: the queue of data-subject requests, newest
 * first: number, types, received, deadline (overdue marked), status,
 * identity check, paper copy. No personal data on this page.
 */
static void
page_requests(struct app *a, struct req *r)
{
	const char *pg = kv_get(&r->query, "page");
	struct tmpl_model *m;
	struct tmpl_map *root;
	struct tmpl_list *l;
	struct request *rows = NULL;
	size_t n = 0;
	long long total = 0, pageno = 1;
	char *end;

	if (pg != NULL && (!isdigit((unsigned char)pg[0]) ||
	    (pageno = strtoll(pg, &end, 10)) < 1 || pageno > 100000 ||
	    *end != '\0')) {
		app_error(a, r, 400);
		return;
	}
	if (request_list(a->db, (int)pageno, 50, &rows, &n, &total) != 0) {
		app_error(a, r, 500);
		return;
	}
	m = model(r);
	root = tm_root(m);
	mail_model(a, root);
	l = tm_list(root, "requests");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_map *e = tm_list_map(l);
		struct buf h = BUF_INIT;

		request_to_model(&rows[i], r->lang, a_msgs, e);
		buf_addf(&h, "/intranet/request?id=%lld", rows[i].id);
		tm_str(e, "href", h.data);
		buf_free(&h);
	}
	request_list_free(rows, n);
	tm_int(root, "total", total);
	tm_bool(root, "none", total == 0);
	tm_int(root, "page", pageno);
	if (pageno > 1) {
		struct buf h = BUF_INIT;

		buf_addf(&h, "/intranet/requests?page=%lld", pageno - 1);
		tm_str(root, "prev_href", h.data);
		buf_free(&h);
	}
	if (pageno * 50 < total) {
		struct buf h = BUF_INIT;

		buf_addf(&h, "/intranet/requests?page=%lld", pageno + 1);
		tm_str(root, "next_href", h.data);
		buf_free(&h);
	}
	log_event(a, r, &me, "request.list", "request", 0, "");
	page(a, r, 200, "intranet-requests.xhtml", m);
}

/*
 * Render request id with m (a form's error already in it); takes m. The
 * view shows the requester's data, so it is audited.
 */
static void
show_request(struct app *a, struct req *r, long long id, int status,
    struct tmpl_model *m)
{
	struct tmpl_map *root = tm_root(m);
	struct request q;
	int rc;

	memset(&q, 0, sizeof(q));
	if ((rc = request_get(a->db, id, &q)) != 0) {
		tm_free(m);
		app_error(a, r, rc == 1 ? 404 : 500);
		return;
	}
	request_to_model(&q, r->lang, a_msgs, tm_map(root, "request"));
	mail_model(a, root);
	{
		/*
		 * Who this may be in the register, by the customer number, else
		 * the email, else the name — looked up here, so no personal data
		 * goes into a URL (and the web server's log).
		 */
		const char *look = q.v[RF_CUSTOMER_NUMBER] != NULL &&
		    q.v[RF_CUSTOMER_NUMBER][0] ? q.v[RF_CUSTOMER_NUMBER] :
		    q.v[RF_EMAIL] != NULL && q.v[RF_EMAIL][0] ? q.v[RF_EMAIL] :
		    q.v[RF_NAME];

		struct csearch cs = { look, NULL, NULL, SORT_NAME };

		if (look != NULL && look[0] != '\0' && customer_search(a->db, &cs,
		    1, 10, tm_map(root, "lookup")) != 0)
			LOG_ERR("the register could not be searched");
	}
	{
		struct tmpl_list *l = tm_list(root, "methods");
		static const char *const keys[RID__MAX] = {
			"request.identity.email_code", "request.identity.record_match",
			"request.identity.other" };

		for (int i = 0; i < RID__MAX; i++) {
			struct tmpl_map *e = tm_list_map(l);

			tm_str(e, "value", request_idmethod_names[i]);
			tm_str(e, "label", i18n_msg(a_msgs, r->lang, keys[i]));
			/* an email code needs mail; a confirmed link is one */
			tm_bool(e, "off", i == RID_EMAIL_CODE &&
			    q.email_confirmed_at[0] == '\0');
		}
	}
	request_free(&q);
	log_event(a, r, &me, "request.view", "request", id, "");
	page(a, r, status, "intranet-request.xhtml", m);
}

/* GET /intranet/request?id=N */
static void
page_request(struct app *a, struct req *r)
{
	long long id = record_id(r);

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	show_request(a, r, id, 200, model(r));
}

/*
 * POST /intranet/request/identity (id, method, note) and
 * /intranet/request/paper (id, code): the reception's two marks. A refused
 * one shows the request again with the reason (a paper code whose
 * signature fails is flagged and not accepted); both are audited.
 */
static void
post_request_mark(struct app *a, struct req *r)
{
	int paper = strcmp(r->path, "/intranet/request/paper") == 0;
	long long id = record_id(r);
	const char *why = NULL, *note = kv_get(&r->form, "note"), *code =
	    kv_get(&r->form, "code");
	char to[64];
	int rc;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if (paper) {
		struct ticket_keys *k = reception_keys(a);

		if (k == NULL) {
			app_error(a, r, 500);
			return;
		}
		rc = request_paper(a->db, k, id, code ? code : "", me.id, &why);
		ticket_keys_free(k);
	} else {
		int how = request_idmethod_parse(kv_get(&r->form, "method"));

		if (how < 0) {
			app_error(a, r, 400);
			return;
		}
		rc = 0;
		if (how == RID_EMAIL_CODE) {
			/* only a followed confirmation link proves the address */
			struct request q;

			memset(&q, 0, sizeof(q));
			rc = request_get(a->db, id, &q);
			if (rc == 0 && q.email_confirmed_at[0] == '\0') {
				rc = 1;
				why = "reception.err.not_confirmed";
			} else if (rc == 1)
				why = "request.none";
			request_free(&q);
		}
		if (rc == 0)
			rc = request_identity(a->db, id,
			    (enum request_idmethod)how, note ? note : "", me.id,
			    &why);
	}
	if (rc < 0) {
		app_error(a, r, 500);
		return;
	}
	if (rc == 1) {
		struct tmpl_model *m = model(r);
		struct tmpl_map *f = tm_map(tm_root(m), paper ? "paper_form" :
		    "identity_form");

		if (why != NULL && strcmp(why, "request.none") == 0) {
			tm_free(m);
			app_error(a, r, 404);
			return;
		}
		tm_str(f, "error", i18n_msg(a_msgs, r->lang, why ? why :
		    "request.none"));
		tm_str(f, "code", code ? code : "");
		tm_str(f, "note", note ? note : "");
		log_event(a, r, &me, paper ? "request.paper_refused" :
		    "request.identity_refused", "request", id, why ? why : "");
		show_request(a, r, id, 422, m);
		return;
	}
	log_event(a, r, &me, paper ? "request.paper" : "request.identity",
	    "request", id, paper ? "" : kv_get(&r->form, "method"));
	snprintf(to, sizeof(to), "/intranet/request?id=%lld", id);
	redirect(r, to);
}

static const struct route routes[] = {
	{ "/intranet/login", METHOD_GET, 0, page_login, 0 },
	{ "/intranet/login", METHOD_POST, 0, post_login, 0 },
	{ "/intranet/logout", METHOD_POST, 0, post_logout, ROLES_ALL },
	{ "/intranet/", METHOD_GET, 0, page_home, ROLES_ALL },
	{ "/intranet/password", METHOD_GET | METHOD_POST, 0, page_password,
	    ROLES_ALL },
	{ "/intranet/audit", METHOD_GET, 0, page_audit,
	    ROLE_ADMIN | ROLE_AUDITOR },
	{ "/intranet/users", METHOD_GET, 0, page_users, ROLE_ADMIN },
	{ "/intranet/users/add", METHOD_POST, 0, post_user_add, ROLE_ADMIN },
	{ "/intranet/users/disable", METHOD_POST, 0, post_user_change,
	    ROLE_ADMIN },
	{ "/intranet/users/enable", METHOD_POST, 0, post_user_change, ROLE_ADMIN },
	{ "/intranet/users/reset", METHOD_POST, 0, post_user_change, ROLE_ADMIN },
	{ "/intranet/users/nda", METHOD_POST, 0, post_user_change, ROLE_ADMIN },
	{ "/intranet/users/totp-reset", METHOD_POST, 0, post_user_change,
	    ROLE_ADMIN },
	{ "/intranet/login/code", METHOD_GET | METHOD_POST, 0, page_code,
	    ROLES_ALL },
	{ "/intranet/totp", METHOD_GET | METHOD_POST, 0, page_totp, ROLES_ALL },
	{ "/intranet/customers", METHOD_GET, 0, page_customers,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customers.csv", METHOD_GET, 0, page_customers_csv,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/labels", METHOD_GET, 0, page_labels,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/labels/sheet", METHOD_GET, 0, page_labels_sheet,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/labels.csv", METHOD_GET, 0, page_labels_csv,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/requests", METHOD_GET, 0, page_requests,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/request", METHOD_GET, 0, page_request,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/request/identity", METHOD_POST, 0, post_request_mark,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/request/paper", METHOD_POST, 0, post_request_mark,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/import", METHOD_GET | METHOD_POST, 0, page_import,
	    ROLE_ADMIN },
	{ "/intranet/import/apply", METHOD_POST, 0, post_import_apply,
	    ROLE_ADMIN },
	{ "/intranet/customers/new", METHOD_GET | METHOD_POST, 0,
	    page_customer_form, ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer", METHOD_GET, 0, page_customer,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/edit", METHOD_GET | METHOD_POST, 0,
	    page_customer_form, ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/order", METHOD_POST, 0, post_customer_add,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/disclosure", METHOD_POST, 0, post_customer_add,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/ban", METHOD_POST, 0, post_customer_change,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/unban", METHOD_POST, 0, post_customer_change,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/restrict", METHOD_POST, 0, post_customer_change,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/customer/unrestrict", METHOD_POST, 0, post_customer_change,
	    ROLE_ADMIN | ROLE_HANDLER },
	{ "/intranet/notice", METHOD_GET, 0, page_notice_admin, ROLE_ADMIN },
	{ "/intranet/notice/section", METHOD_GET | METHOD_POST, 0,
	    page_notice_section, ROLE_ADMIN },
	{ "/intranet/notice/preview", METHOD_GET, 0, page_notice_preview,
	    ROLE_ADMIN },
	{ "/intranet/notice/draft", METHOD_POST, 0, post_notice, ROLE_ADMIN },
	{ "/intranet/notice/date", METHOD_POST, 0, post_notice, ROLE_ADMIN },
	{ "/intranet/notice/publish", METHOD_POST, 0, post_notice, ROLE_ADMIN },
	{ "/intranet/notice/discard", METHOD_POST, 0, post_notice, ROLE_ADMIN },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static int
intranet_init(struct app *a)
{
	char path[4096];

	fmt_init();
	/* the one page that takes a file */
	a->limits.upload_path = "/intranet/import";
	a->limits.upload_max = IMPORT_UPLOAD_MAX;
	if (notice_prepare(a->db) != 0 || request_prepare(a->db, NULL) != 0)
		return -1;
	if (oath_init() != OATH_OK) {
		LOG_ERR("liboath failed to initialise");
		return -1;
	}
	a_msgs = a->msgs;
	if (a->conf.totp_required != NULL) {
		char *list = xstrdup(a->conf.totp_required), *tok, *save = NULL;

		totp_roles = 0;
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
			totp_roles |= role_parse(tok);
		}
		free(list);
	}
	/* the notice preview shows the Ombudsman's details as /notice does */
	if ((authority = authority_load_conf(&a->conf, path, sizeof(path))) ==
	    NULL) {
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
	return 0;
}

static void
intranet_fini(struct app *a)
{
	(void)a;
	notice_finalize();
	request_finalize();
	auth_free_common();
	authority_free(authority);
	authority = NULL;
}

int
main(int argc, char *argv[])
{
	struct app a = {
		.name = "intranet",
		.routes = routes,
		.nroutes = NROUTES,
		.db_mode = DB_READWRITE,
		.init = intranet_init,
		.fini = intranet_fini,
		.authorize = authorize,
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
