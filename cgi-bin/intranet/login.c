/* login.c — sign-in with a password and a second factor, enrolment of the second factor, sign-out, the front page and one's own password. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "log.h"
#include "qr.h"
#include "intranet.h"

/* GET /intranet/login */
void
page_login(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m;

	if (cx->signed_in) {
		app_redirect(r, "/intranet/");
		return;
	}
	m = ui_model(a, r);
	tm_bool(tm_root(m), "changed", kv_get(&r->query, "changed") != NULL);
	tm_bool(tm_root(m), "expired", kv_get(&r->query, "expired") != NULL);
	tm_bool(tm_root(m), "bye", kv_get(&r->query, "bye") != NULL);
	ui_page(a, r, 200, "login.xhtml", m);
}

/* POST /intranet/login */
void
post_login(struct app *a, struct req *r)
{
	const char *name = ui_field(r, "username", AUTH_NAME_MAX);
	const char *pw = ui_field(r, "password", AUTH_PW_MAX);
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX];
	struct tmpl_model *m;
	struct user u;
	enum login_result lr;
	time_t now = time(NULL);

	if (name == NULL || pw == NULL) {
		app_error(a, r, 400);
		return;
	}
	/* the password is hashed before the write lock is taken (#18) */
	lr = auth_login_verify(a->db, ui_limits(a), name, pw,
	    r->remote_addr, now, &u);
	if (lr == LOGIN_ERROR || db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	lr = auth_login_settle(a->db, ui_limits(a), lr, name,
	    r->remote_addr, now);
	switch (lr) {
	case LOGIN_OK:
		/* a session brought along ends: the id changes at sign-in */
		if (session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0 ||
		    session_create(a->db, u.id, now, u.has_totp, id, csrf) != 0)
			goto fail;
		if (ui_event(a, r, &u, u.has_totp ? "login.password" : "login",
		    "user", u.id, "") != 0 ||
		    db_commit(a->db) != 0)
			goto fail;
		ui_cookie(a, r, id);
		sodium_memzero(id, sizeof(id));
		app_redirect(r, u.has_totp ? "/intranet/login/code" : u.must_change ?
		    "/intranet/password" : "/intranet/");
		return;
	case LOGIN_BAD:
		/* a known account is named; what else was typed is not kept */
		if (ui_event(a, r, u.id ? &u : NULL, "login.fail", "user", u.id,
		    u.id ? "" : "unknown username") != 0)
			goto fail;
		break;
	case LOGIN_LOCKED:
		if (ui_event(a, r, NULL, "login.locked", "user", 0, "") != 0)
			goto fail;
		break;
	case LOGIN_NO_NDA:
		if (ui_event(a, r, &u, "login.no_nda", "user", u.id, "") != 0)
			goto fail;
		break;
	case LOGIN_EXPIRED:
		if (ui_event(a, r, &u, "login.expired", "user", u.id, "") != 0)
			goto fail;
		break;
	default:
		goto fail;
	}
	if (db_commit(a->db) != 0)
		goto fail;
	m = ui_model(a, r);
	tm_bool(tm_root(m), "error_bad", lr == LOGIN_BAD);
	tm_bool(tm_root(m), "error_locked", lr == LOGIN_LOCKED);
	tm_bool(tm_root(m), "error_nda", lr == LOGIN_NO_NDA);
	tm_bool(tm_root(m), "error_one_time", lr == LOGIN_EXPIRED);
	tm_str(tm_root(m), "username", name);
	/* the form again, with one plain message; a lockout also says when */
	if (lr == LOGIN_LOCKED)
		resp_header(r, "Retry-After", "900");
	ui_page(a, r, lr == LOGIN_LOCKED ? 429 : 200, "login.xhtml", m);
	return;
fail:
	ui_fail(a, r);
}

/*
 * GET and POST /intranet/login/code: the second factor. A right code (or an
 * unused recovery code) turns the pending session into a new full one —
 * a new id, as at every change of privilege; a wrong one counts towards the
 * lockout like a wrong password.
 */
void
page_code(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m;
	char id[AUTH_ID_HEX], csrf[AUTH_ID_HEX];
	time_t now = time(NULL);
	int ok;

	if (r->method == METHOD_POST) {
		const char *code = ui_field(r, "code", TOTP_INPUT_MAX);

		if (code == NULL) {
			app_error(a, r, 400);
			return;
		}
		if (db_begin(a->db) != 0) {
			app_error(a, r, 500);
			return;
		}
		/* the code page is locked out with the password, or codes could be guessed */
		if ((ok = auth_locked(a->db, ui_limits(a), cx->me.username,
		    r->remote_addr, now)) != 0) {
			if (ok < 0)
				goto fail;
			db_rollback(a->db);
			m = ui_model(a, r);
			tm_bool(tm_root(m), "locked", 1);
			tm_str(tm_root(m), "csrf", cx->csrf);
			resp_header(r, "Retry-After", "900");
			ui_page(a, r, 429, "login-code.xhtml", m);
			return;
		}
		ok = totp_check(a->db, cx->me.id, code, now);
		if (ok == 1) {
			if (session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0 ||
			    session_create(a->db, cx->me.id, now, 0, id, csrf) != 0)
				goto fail;
			if (ui_event(a, r, &cx->me, "login", "user", cx->me.id, totp_is_recovery(code) ?
			    "recovery code" : "TOTP") != 0 ||
			    db_commit(a->db) != 0)
				goto fail;
			ui_cookie(a, r, id);
			sodium_memzero(id, sizeof(id));
			app_redirect(r, cx->me.must_change ? "/intranet/password" :
			    "/intranet/");
			return;
		}
		if (ok < 0 || auth_record_failure(a->db, cx->me.username, r->remote_addr,
		    now) != 0)
			goto fail;
		if (ui_event(a, r, &cx->me, "login.fail", "user", cx->me.id, "second factor") != 0 ||
		    db_commit(a->db) != 0)
			goto fail;
		m = ui_model(a, r);
		tm_bool(tm_root(m), "error", 1);
		tm_str(tm_root(m), "csrf", cx->csrf);
		ui_page(a, r, 200, "login-code.xhtml", m);
		return;
	}
	m = ui_model(a, r);
	tm_str(tm_root(m), "csrf", cx->csrf);
	ui_page(a, r, 200, "login-code.xhtml", m);
	return;
fail:
	ui_fail(a, r);
}

/*
 * Replacing an enrolled second factor needs the current password and a
 * current code (or a recovery code): a live session alone must not be
 * able to swap the factor. Wrong answers count towards the sign-in
 * lockout. 1 when both are right (a new pending secret may be made), 0
 * when not (*status and the model say why), -1 on error. Inside the
 * caller's transaction.
 */
static int
totp_reauth(struct app *a, struct req *r, struct tmpl_map *root, int *status)
{
	const struct ui *cx = r->ctx;
	const char *pw = ui_field(r, "password", AUTH_PW_MAX);
	const char *code = ui_field(r, "current_code", TOTP_INPUT_MAX);
	time_t now = time(NULL);
	int rc;

	if (pw == NULL || code == NULL) {
		*status = 400;
		return 0;
	}
	if ((rc = auth_locked(a->db, ui_limits(a), cx->me.username,
	    r->remote_addr, now)) != 0) {
		if (rc > 0) {
			tm_bool(root, "locked", 1);
			resp_header(r, "Retry-After", "900");
			*status = 429;
		}
		return rc < 0 ? -1 : 0;
	}
	if ((rc = user_check_password(a->db, cx->me.id, pw)) == 1)
		rc = totp_check(a->db, cx->me.id, code, now);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (auth_record_failure(a->db, cx->me.username, r->remote_addr,
		    now) != 0 || ui_event(a, r, &cx->me, "login.fail", "user",
		    cx->me.id, "second factor replacement") != 0)
			return -1;
		tm_bool(root, "error_reauth", 1);
		*status = 200;
	}
	return rc;
}

/*
 * GET /intranet/totp: enrol a second factor (a QR code and the secret for
 * typing) or see that it is on. POST code: confirm with a code; the
 * recovery codes are shown once. POST password and current_code (when one
 * is enrolled): a new secret to replace it with, confirmed the same way.
 */
void
page_totp(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	const struct ui_conf *conf = a->data;
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);
	char uri[256], b32[64], codes[TOTP_RECOVERY][TOTP_CODE_MAX];
	int rc, status = 200;

	tm_bool(root, "required", (cx->me.role & conf->totp_roles) != 0);
	if (db_begin(a->db) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	if (r->method == METHOD_POST && kv_get(&r->form, "current_code") != NULL) {
		if (!cx->me.has_totp) {
			status = 400;
			goto refused;
		}
		if ((rc = totp_reauth(a, r, root, &status)) < 0)
			goto fail;
		if (rc == 0)
			goto refused;
		tm_bool(root, "replacing", 1);
	} else if (r->method == METHOD_POST) {
		const char *code = ui_field(r, "code", 16);

		if (code == NULL) {
			status = 400;
			goto refused;
		}
		/* a factor is replaced only by the secret made after re-authentication */
		rc = totp_confirm(a->db, cx->me.id, code, time(NULL), codes);
		if (rc < 0 || (rc == 0 && ui_event(a, r, &cx->me, cx->me.has_totp ?
		    "user.totp_replace" : "user.totp", "user", cx->me.id,
		    cx->me.has_totp ? "replaced" : "enrolled") != 0) ||
		    db_commit(a->db) != 0)
			goto fail;
		if (rc == 0) {
			struct tmpl_list *l = tm_list(root, "recovery");

			for (int i = 0; i < TOTP_RECOVERY; i++)
				tm_list_str(l, codes[i]);
			sodium_memzero(codes, sizeof(codes));
			tm_bool(root, "enrolled", 1);
			tm_bool(root, "just_enrolled", 1);
			ui_page(a, r, 200, "totp.xhtml", m);
			return;
		}
		tm_bool(root, "error", 1);
		if (cx->me.has_totp) {
			/* nothing pending of a re-authenticated replacement */
			tm_bool(root, "enrolled", 1);
			ui_page(a, r, 200, "totp.xhtml", m);
			return;
		}
		if (db_begin(a->db) != 0)
			goto fail;
	} else if (cx->me.has_totp) {
		db_rollback(a->db);
		tm_bool(root, "enrolled", 1);
		ui_page(a, r, 200, "totp.xhtml", m);
		return;
	}
	/* a new secret each time the page is shown: the last one counts */
	if (totp_begin(a->db, &cx->me, uri, sizeof(uri), b32, sizeof(b32)) != 0 ||
	    db_commit(a->db) != 0)
		goto fail;
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
	ui_page(a, r, 200, "totp.xhtml", m);
	return;
refused:
	/* a failure is counted even though the factor stays as it was */
	if (status != 400 && db_commit(a->db) != 0)
		goto fail;
	db_rollback(a->db);
	if (status == 400) {
		tm_free(m);
		app_error(a, r, 400);
		return;
	}
	tm_bool(root, "enrolled", 1);
	ui_page(a, r, status, "totp.xhtml", m);
	return;
fail:
	tm_free(m);
	ui_fail(a, r);
}

/* POST /intranet/logout */
void
post_logout(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;

	/* one commit for both (#17) */
	if (db_begin(a->db) != 0 ||
	    session_delete(a->db, kv_get(&r->cookies, COOKIE)) != 0) {
		db_rollback(a->db);
		app_error(a, r, 500);
		return;
	}
	/* the session is gone whatever the log says; a failed row is logged */
	(void)ui_event(a, r, &cx->me, "logout", "user", cx->me.id, "");
	if (db_commit(a->db) != 0) {
		db_rollback(a->db);
		app_error(a, r, 500);
		return;
	}
	ui_cookie(a, r, NULL);
	app_redirect(r, "/intranet/login?bye=1");
}

/* GET and POST /intranet/password: change one's own password. */
void
page_password(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *root = tm_root(m);

	tm_bool(root, "must_change", cx->me.must_change);
	if (r->method == METHOD_POST) {
		const char *cur = ui_field(r, "current", AUTH_PW_MAX);
		const char *pw = ui_field(r, "password", AUTH_PW_MAX + 1);
		const char *again = ui_field(r, "again", AUTH_PW_MAX + 1);
		const char *why = NULL;
		int ok;

		if (cur == NULL || pw == NULL || again == NULL) {
			tm_free(m);
			app_error(a, r, 400);
			return;
		}
		/* guesses of the current password count as sign-in failures do */
		if ((ok = auth_locked(a->db, ui_limits(a),
		    cx->me.username, r->remote_addr, time(NULL))) != 0) {
			if (ok < 0) {
				tm_free(m);
				app_error(a, r, 500);
				return;
			}
			tm_bool(root, "locked", 1);
			resp_header(r, "Retry-After", "900");
			ui_page(a, r, 429, "password.xhtml", m);
			return;
		}
		if ((ok = user_check_password(a->db, cx->me.id, cur)) < 0 ||
		    (ok == 0 && auth_record_failure(a->db, cx->me.username,
		    r->remote_addr, time(NULL)) != 0)) {
			tm_free(m);
			app_error(a, r, 500);
			return;
		}
		if (!ok)
			tm_str(root, "error_current", "true");	/* aria-invalid */
		else if (strcmp(pw, again) != 0)
			tm_str(root, "error_again", "true");	/* aria-invalid */
		else if ((why = auth_password_problem(pw, cx->me.username)) != NULL) {
			tm_str(root, "error_new", "true");	/* aria-invalid */
			tm_str(root, "error_new_text", i18n_msg(a->msgs, r->lang,
			    why));
		} else {
			if (db_begin(a->db) != 0 ||
			    user_set_password(a->db, cx->me.id, pw, 0) != 0 ||
			    session_delete_user(a->db, cx->me.id) != 0) {
				db_rollback(a->db);
				tm_free(m);
				app_error(a, r, 500);
				return;
			}
			if (ui_event(a, r, &cx->me, "user.passwd", "user", cx->me.id,
			    "own password") != 0 ||
			    db_commit(a->db) != 0) {
				tm_free(m);
				app_error(a, r, 500);
				return;
			}
			tm_free(m);
			/* every session of the user ended: sign in anew */
			ui_cookie(a, r, NULL);
			app_redirect(r, "/intranet/login?changed=1");
			return;
		}
		tm_bool(root, "failed", 1);
	}
	ui_page(a, r, 200, "password.xhtml", m);
}
