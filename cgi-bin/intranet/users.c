/* users.c — staff accounts for admins: the list, a new account with a one-time password, and one route per change to an account. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "fmt.h"
#include "log.h"
#include "intranet.h"

/* Accounts into the admins' list. */
struct user_rows {
	struct app		*a;
	struct req		*r;
	struct tmpl_list	*list;
};

static int
user_row(void *arg, const struct account_row *row)
{
	struct user_rows *x = arg;
	const struct ui *cx = x->r->ctx;
	struct tmpl_map *u = tm_list_map(x->list);
	char nda[64], key[32];

	tm_int(u, "id", row->id);
	tm_str(u, "username", row->username);
	tm_str(u, "display_name", row->display_name);
	tm_str(u, "role", row->role);
	snprintf(key, sizeof(key), "role.%s", row->role);
	tm_str(u, "role_label", i18n_msg(x->a->msgs, x->r->lang, key));
	fmt_date(nda, sizeof(nda), x->r->lang, row->nda);
	tm_str(u, "nda", nda);
	tm_str(u, "nda_iso", row->nda);
	tm_bool(u, "active", row->active);
	tm_bool(u, "must_change", row->must_change);
	tm_bool(u, "has_totp", row->has_totp);
	tm_bool(u, "is_me", row->id == cx->me.id);
	return 0;
}

/* Fill root.users with every account, for the admin's list. */
static int
fill_users(struct app *a, struct req *r, struct tmpl_map *root)
{
	struct user_rows x = { a, r, tm_list(root, "users") };

	return account_list(a->db, user_row, &x);
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
	ui_page(a, r, status, "users.xhtml", m);
}

/* GET /intranet/users */
void
page_users(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = ui_model(a, r);

	if (ui_event(a, r, &cx->me, "user.list", "user", 0, "") != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	users_page(a, r, m, 200);
}

/* The signed-in admin, for an account operation's audit row. */
static void
actor(struct req *r, struct auth_actor *by)
{
	const struct ui *cx = r->ctx;

	by->user_id = cx->me.id;
	by->username = cx->me.username;
	by->client = r->remote_addr ? r->remote_addr : "";
}

/* The user named by the form's id field, or NULL (answered 400/404). */
static int
form_user(struct app *a, struct req *r, struct user *u)
{
	long long id = ui_id(r);

	if (id == 0) {
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
void
post_user_add(struct app *a, struct req *r)
{
	struct auth_actor by;
	const char *name = ui_field(r, "username", 64), *display = ui_field(r,
	    "display_name", 200), *role = ui_field(r, "role", 16), *nda =
	    kv_get(&r->form, "nda");
	struct tmpl_model *m = ui_model(a, r);
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
		tm_str(f, "error_username", "true");	/* aria-invalid */
		tm_str(f, "name_invalid", "true");
		bad = 1;
	} else if (user_by_name(a->db, name, &u) == 0) {
		tm_str(f, "error_taken", "true");
		tm_str(f, "name_invalid", "true");
		bad = 1;
	}
	if (*display == '\0' || strlen(display) > AUTH_DISPLAY_MAX ||
	    !text_valid(display, strlen(display)) || strpbrk(display,
	    "\t\r\n") != NULL) {
		tm_str(f, "error_display", "true");	/* aria-invalid */
		bad = 1;
	}
	if (role_parse(role) == 0) {
		tm_str(f, "error_role", "true");	/* aria-invalid */
		bad = 1;
	}
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	if (*nda != '\0' && (fmt_parse_date(nda, &tm) != 0 ||
	    strcmp(nda, today) > 0)) {
		tm_str(f, "error_nda", "true");	/* aria-invalid */
		bad = 1;
	}
	if (bad) {
		tm_bool(root, "failed", 1);
		users_page(a, r, m, 400);
		return;
	}
	auth_generate_password(pw);
	actor(r, &by);
	if (account_add(a->db, &by, name, display, role_parse(role),
	    *nda ? nda : NULL, pw, 1, &id, err, sizeof(err)) != 0) {
		LOG_ERR("adding a user failed");
		sodium_memzero(pw, sizeof(pw));
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_free(m);
	m = ui_model(a, r);
	tm_str(tm_root(m), "new_username", name);
	tm_str(tm_root(m), "one_time_password", pw);
	sodium_memzero(pw, sizeof(pw));
	users_page(a, r, m, 200);
}

enum user_op { OP_DISABLE, OP_ENABLE, OP_RESET, OP_NDA, OP_TOTP_RESET };

/*
 * POST /intranet/users/disable, /enable, /reset, /nda, /totp-reset: one
 * change to one account (lib/account.c: the change and its audit row in
 * one transaction). An admin cannot disable themself (lockout of the last
 * admin).
 */
static void
user_change(struct app *a, struct req *r, enum user_op op)
{
	const struct ui *cx = r->ctx;
	const char *nda = NULL;
	struct auth_actor by;
	struct tmpl_model *m;
	struct user u;
	char pw[21] = "", today[16];
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	if (form_user(a, r, &u) != 0)
		return;
	if (op == OP_NDA) {
		strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
		if ((nda = ui_field(r, "nda", 10)) == NULL ||
		    fmt_parse_date(nda, &tm) != 0 || strcmp(nda, today) > 0) {
			app_error(a, r, 400);
			return;
		}
	}
	/*
	 * Not oneself: disabling would lock out the last admin, and a reset of
	 * one's own second factor would let a live session swap it without
	 * the password (page_totp asks for both).
	 */
	if ((op == OP_DISABLE || op == OP_TOTP_RESET) && u.id == cx->me.id) {
		app_error(a, r, 400);
		return;
	}
	actor(r, &by);
	switch (op) {
	case OP_DISABLE:
	case OP_ENABLE:
		rc = account_set_active(a->db, &by, u.id, op == OP_ENABLE);
		break;
	case OP_RESET:
		rc = account_reset(a->db, &by, u.id, pw);
		break;
	case OP_NDA:
		rc = account_set_nda(a->db, &by, u.id, nda);
		break;
	default:
		rc = account_totp_reset(a->db, &by, u.id);
		break;
	}
	if (rc != 0) {
		app_error(a, r, 500);
		return;
	}
	if (pw[0] == '\0') {
		ui_done(r, "/intranet/users", op == OP_DISABLE ? "user_disabled" :
		    op == OP_ENABLE ? "user_enabled" : op == OP_NDA ? "user_nda" :
		    "user_totp");
		return;
	}
	m = ui_model(a, r);
	tm_str(tm_root(m), "new_username", u.username);
	tm_str(tm_root(m), "one_time_password", pw);
	sodium_memzero(pw, sizeof(pw));
	users_page(a, r, m, 200);
}

void
post_user_disable(struct app *a, struct req *r)
{
	user_change(a, r, OP_DISABLE);
}

void
post_user_enable(struct app *a, struct req *r)
{
	user_change(a, r, OP_ENABLE);
}

void
post_user_reset(struct app *a, struct req *r)
{
	user_change(a, r, OP_RESET);
}

void
post_user_nda(struct app *a, struct req *r)
{
	user_change(a, r, OP_NDA);
}

void
post_user_totp_reset(struct app *a, struct req *r)
{
	user_change(a, r, OP_TOTP_RESET);
}
