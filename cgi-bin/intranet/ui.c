/* ui.c — what every intranet page uses: the audit event of the signed-in user, the session cookie, the page's common model, form values and ids. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"
#include "intranet.h"

/*
 * The audit row, with the session's idle clock when it is due: both in the
 * caller's transaction when one is open (a change), else handed to the
 * audit writer, which commits the rows of many pages at once, or, with no
 * writer, in a transaction of their own — one durable write for the
 * request, shared with other requests where it can be (#17). 0 or -1 (not
 * logged).
 */
static int
event(struct app *a, struct req *r, const struct audit_entry *e)
{
	struct ui *cx = r->ctx;
	int own = 0, seen = cx != NULL && cx->signed_in && cx->me.seen_due;
	const char *path = ui_conf_of(a)->audit_path;

	if (path[0] != '\0' && sqlite3_get_autocommit(a->db)) {
		int rc = audit_submit(path, e, seen ? kv_get(&r->cookies,
		    COOKIE) : NULL, time(NULL));

		if (rc != AUDIT_NO_WRITER) {
			if (rc == 0 && seen)
				cx->me.seen_due = 0;
			return rc;
		}
	}

	if (seen && sqlite3_get_autocommit(a->db)) {
		if (db_begin(a->db) != 0)
			return -1;
		own = 1;
	}
	if ((seen && session_seen(a->db, kv_get(&r->cookies, COOKIE),
	    time(NULL)) != 0) || audit_append(a->db, e) != 0 ||
	    (own && db_commit(a->db) != 0)) {
		if (own)
			db_rollback(a->db);
		return -1;
	}
	if (seen)
		cx->me.seen_due = 0;
	return 0;
}

/* e's common fields: who, from where. */
static void
entry(struct audit_entry *e, struct req *r, const struct user *u)
{
	memset(e, 0, sizeof(*e));
	e->user_id = u ? u->id : 0;
	e->username = u ? u->username : "";
	e->client = r->remote_addr ? r->remote_addr : "";
}

int
ui_event(struct app *a, struct req *r, const struct user *u,
    const char *action, const char *type, long long object,
    const char *summary)
{
	char id[32] = "";
	struct audit_entry e;

	if (object > 0)
		snprintf(id, sizeof(id), "%lld", object);
	entry(&e, r, u);
	e.action = action;
	e.object_type = type;
	e.object_id = id;
	e.summary = summary;
	if (event(a, r, &e) != 0) {
		LOG_ERR("audit append failed for %s", action);
		return -1;
	}
	return 0;
}

int
ui_event_ids(struct app *a, struct req *r, const struct user *u,
    const char *action, const char *type, const char *ids,
    const char *summary)
{
	struct audit_entry e;

	entry(&e, r, u);
	e.action = action;
	e.object_type = type;
	e.object_id = ids;
	e.summary = summary;
	if (event(a, r, &e) != 0) {
		LOG_ERR("audit append failed for %s", action);
		return -1;
	}
	return 0;
}

void
ui_finish(struct app *a, struct req *r)
{
	struct ui *cx = r->ctx;

	if (cx == NULL || !cx->signed_in || !cx->me.seen_due)
		return;
	/* a request that wrote no audit row: the clock alone */
	if (session_seen(a->db, kv_get(&r->cookies, COOKIE), time(NULL)) != 0)
		LOG_ERR("the session's idle clock was not written");
	cx->me.seen_due = 0;
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

void
ui_ids_add(struct ui_ids *l, long long id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = id;
}

static int
cmp_id(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return (a > b) - (a < b);
}

/*
 * id (positive) in decimal onto b. Not buf_addf: its vsnprintf made the
 * list of a page of 50 cost 88,000 instructions, 7 % of a search
 * (make bench, search.name).
 */
static void
add_id(struct buf *b, long long id)
{
	char d[24];
	size_t i = sizeof(d);
	unsigned long long v = id > 0 ? (unsigned long long)id : 0;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	buf_add(b, d + i, sizeof(d) - i);
}

void
ui_ids_format(struct ui_ids *l, struct buf *b)
{
	size_t i = 0;

	if (l->n > 1)	/* (qsort takes no NULL, even for none) */
		qsort(l->v, l->n, sizeof(*l->v), cmp_id);
	for (i = 0; i < l->n; i++) {
		if (i > 0 && l->v[i] == l->v[i - 1])
			continue;	/* each id once */
		if (b->len > 0)
			buf_addc(b, ',');
		add_id(b, l->v[i]);
	}
}

void
ui_ids_free(struct ui_ids *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
