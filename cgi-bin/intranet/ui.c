/* ui.c — what every intranet page uses: the audit event of the signed-in user, the session cookie, the page's common model, form values and ids. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "intranet.h"

int
ui_event(struct app *a, struct req *r, const struct user *u,
    const char *action, const char *type, long long object,
    const char *summary)
{
	char id[32] = "";
	struct audit_entry e;

	if (object > 0)
		snprintf(id, sizeof(id), "%lld", object);
	memset(&e, 0, sizeof(e));
	e.user_id = u ? u->id : 0;
	e.username = u ? u->username : "";
	e.client = r->remote_addr ? r->remote_addr : "";
	e.action = action;
	e.object_type = type;
	e.object_id = id;
	e.summary = summary;
	if (audit_append(a->db, &e) != 0) {
		LOG_ERR("audit append failed for %s", action);
		return -1;
	}
	return 0;
}

void
ui_cookie(struct app *a, struct req *r, const char *id)
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

const char *const ui_flash_keys[] = {
	"saved", "created", "banned", "unbanned", "restricted", "unrestricted",
	"recorded", "hold_lifted", "user_disabled", "user_enabled", "user_nda",
	"user_totp", "draft_saved", "date_saved", "published", "discarded",
	"request_added", "letter_saved", NULL,
};

void
ui_done(struct req *r, const char *to, const char *key)
{
	struct buf b = BUF_INIT;
	const char *hash = strchr(to, '#');
	size_t n = hash ? (size_t)(hash - to) : strlen(to);

	buf_addf(&b, "%.*s%cdone=%s%s", (int)n, to,
	    memchr(to, '?', n) ? '&' : '?', key, hash ? hash : "");
	app_redirect(r, b.data ? b.data : to);
	buf_free(&b);
}

/* root.flash: the message of ?done=KEY when KEY is one of ui_flash_keys. */
static void
ui_flash(struct app *a, struct req *r, struct tmpl_map *root)
{
	const char *done = kv_get(&r->query, "done");
	char key[48];

	if (done == NULL || kv_count(&r->query, "done") != 1)
		return;
	for (int i = 0; ui_flash_keys[i] != NULL; i++)
		if (strcmp(done, ui_flash_keys[i]) == 0) {
			snprintf(key, sizeof(key), "flash.%s", ui_flash_keys[i]);
			tm_str(root, "flash", i18n_msg(a->msgs, r->lang, key));
			return;
		}
}

struct tmpl_model *
ui_model(struct app *a, struct req *r)
{
	const struct ui *cx = r->ctx;
	struct tmpl_model *m = tm_new();
	struct tmpl_map *root = tm_root(m), *u;
	char nda[64], key[32];

	if (cx->signed_in && !cx->me.pending) {
		u = tm_map(root, "me");
		fmt_date(nda, sizeof(nda), r->lang, cx->me.nda);
		tm_str(u, "nda", nda);
		tm_str(u, "username", cx->me.username);
		tm_str(u, "display_name", cx->me.display_name);
		tm_str(u, "role", role_name(cx->me.role));
		snprintf(key, sizeof(key), "role.%s", role_name(cx->me.role));
		tm_str(u, "role_label", i18n_msg(a->msgs, r->lang, key));
		tm_bool(u, "is_admin", cx->me.role == ROLE_ADMIN);
		tm_bool(u, "sees_audit",
		    (cx->me.role & (ROLE_ADMIN | ROLE_AUDITOR)) != 0);
		tm_bool(u, "sees_customers",
		    (cx->me.role & (ROLE_ADMIN | ROLE_HANDLER)) != 0);
		tm_str(root, "csrf", cx->csrf);
		ui_flash(a, r, root);
	}
	return m;
}

void
ui_page(struct app *a, struct req *r, int status, const char *name,
    struct tmpl_model *m)
{
	app_page_private(a, r, status, name, m);
}

const char *
ui_field(struct req *r, const char *key, size_t max)
{
	const char *v = kv_get(&r->form, key);

	if (v == NULL || kv_count(&r->form, key) != 1 || strlen(v) > max)
		return NULL;
	return v;
}

long long
ui_id(struct req *r)
{
	const struct kvlist *l = r->method == METHOD_POST ? &r->form : &r->query;
	long long id;

	if (kv_count(l, "id") != 1 || val_int(kv_get(l, "id"), 1, LLONG_MAX,
	    &id) != NULL)
		return 0;
	return id;
}

int
ui_page_no(struct req *r, long long *page)
{
	const char *v = kv_get(&r->query, "page");

	*page = 1;
	if (v == NULL)
		return 0;
	return kv_count(&r->query, "page") == 1 &&
	    val_int(v, 1, UI_PAGE_MAX, page) == NULL ? 0 : -1;
}

long long
ui_change_begin(struct app *a, struct req *r)
{
	long long id = ui_id(r);

	if (id == 0) {
		app_error(a, r, 400);
		return 0;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return 0;
	}
	return id;
}

void
ui_fail(struct app *a, struct req *r)
{
	db_rollback(a->db);
	app_error(a, r, 500);
}
