/* breaches.c — the breach register for admins (record, correct) and auditors (read): /intranet/breaches, /intranet/breach?id=N, and the 72-hour clock on the front page (GDPR Art. 33). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breach.h"
#include "buf.h"
#include "fmt.h"
#include "text.h"
#include "validate.h"
#include "intranet.h"

#define TEXT_MAX	4000	/* bytes of each text field */

/* The form's texts: name, and where the entry keeps it. */
static const struct {
	const char	*name;
	size_t		 off;
} texts[] = {
#define T(f)	{ #f, offsetof(struct breach_entry, f) }
	T(what), T(people_categories), T(record_categories), T(consequences),
	T(measures), T(late_reasons), T(not_notified_reasons), T(tell_reasons),
	T(note),
#undef T
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/* The form's times: name, and where the entry keeps it (UTC). */
static const struct {
	const char	*name;
	size_t		 off;
	int		 required;
} times[] = {
	{ "occurred_at", offsetof(struct breach_entry, occurred_at), 1 },
	{ "aware_at", offsetof(struct breach_entry, aware_at), 1 },
	{ "notified_at", offsetof(struct breach_entry, notified_at), 0 },
	{ "told_at", offsetof(struct breach_entry, told_at), 0 },
};
#define NTIMES	(sizeof(times) / sizeof(times[0]))

static char **
text_at(struct breach_entry *e, size_t i)
{
	return (char **)(void *)((char *)e + texts[i].off);
}

static char *
time_at(struct breach_entry *e, size_t i)
{
	return (char *)e + times[i].off;
}

/* The entry e as the form's values in form (times as Helsinki datetime-local). */
static void
form_values(struct breach_entry *e, struct tmpl_map *form)
{
	for (size_t i = 0; i < NTEXTS; i++)
		if (strcmp(texts[i].name, "note") != 0)	/* each entry says its own */
			tm_str(form, texts[i].name, *text_at(e, i) ?
			    *text_at(e, i) : "");
	for (size_t i = 0; i < NTIMES; i++) {
		char local[17];

		breach_utc_to_local(time_at(e, i), local);
		tm_str(form, times[i].name, local);
	}
	if (e->people_count >= 0)
		tm_int(form, "people_count", e->people_count);
	if (e->record_count >= 0)
		tm_int(form, "record_count", e->record_count);
	tm_bool(form, "tell_undecided", strcmp(e->tell_people, "undecided") == 0);
	tm_bool(form, "tell_yes", strcmp(e->tell_people, "yes") == 0);
	tm_bool(form, "tell_no", strcmp(e->tell_people, "no") == 0);
}

/*
 * Read the posted form into e (its strings point into the request):
 * NULL, or the message key of the first bad field with *field set; -1 in
 * *bad for a form that is not one of ours (answer 400).
 */
static const char *
form_read(struct req *r, struct breach_entry *e, time_t now,
    const char **field, int *bad)
{
	static const char *const tell[] = { "undecided", "yes", "no", NULL };
	const char *v;
	int k;

	memset(e, 0, sizeof(*e));
	*bad = 0;
	for (size_t i = 0; i < NTEXTS; i++) {
		if ((v = ui_field(r, texts[i].name, TEXT_MAX)) == NULL ||
		    !text_valid(v, strlen(v))) {
			*bad = -1;
			return NULL;
		}
		*text_at(e, i) = (char *)v;
	}
	for (size_t i = 0; i < NTIMES; i++) {
		if ((v = ui_field(r, times[i].name, 16)) == NULL) {
			*bad = -1;
			return NULL;
		}
		if (*v == '\0' && !times[i].required)
			continue;
		if (breach_local_to_utc(v, time_at(e, i)) != 0) {
			*field = times[i].name;
			return "breach.err.time";
		}
	}
	e->people_count = e->record_count = -1;
	if ((v = ui_field(r, "people_count", 12)) == NULL) {
		*bad = -1;
		return NULL;
	}
	if (*v != '\0' && val_int(v, 0, 1000000000, &e->people_count) != NULL) {
		*field = "people_count";
		return "breach.err.count";
	}
	if ((v = ui_field(r, "record_count", 12)) == NULL) {
		*bad = -1;
		return NULL;
	}
	if (*v != '\0' && val_int(v, 0, 1000000000, &e->record_count) != NULL) {
		*field = "record_count";
		return "breach.err.count";
	}
	if (val_enum(ui_field(r, "tell_people", 10), tell, &k) != NULL) {
		*bad = -1;
		return NULL;
	}
	snprintf(e->tell_people, sizeof(e->tell_people), "%s", tell[k]);
	return breach_check(e, now, field);
}

/* The clock of e into m: state, what is left or overdue, the deadline. */
static void
clock_fill(struct app *a, struct req *r, const struct breach_entry *e,
    time_t now, struct tmpl_map *m)
{
	static const char *const states[] = { "running", "overdue", "notified",
	    "not_notified" };
	time_t deadline;
	long long min;
	enum breach_clock c = breach_clock(e, now, &deadline, &min);
	char buf[128], iso[21];
	struct tm tm;

	tm_str(m, "clock", states[c]);
	tm_bool(m, "open", c == BC_RUNNING || c == BC_OVERDUE);
	tm_bool(m, "overdue", c == BC_OVERDUE);
	if (min < 0)
		min = -min;
	snprintf(buf, sizeof(buf), "%lld h %02lld min", min / 60, min % 60);
	tm_str(m, "clock_time", buf);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&deadline, &tm));
	fmt_datetime(buf, sizeof(buf), r->lang, iso);
	tm_str(m, "deadline", buf);
	tm_str(m, "clock_label", i18n_msg(a->msgs, r->lang, c == BC_RUNNING ?
	    "breach.clock.running" : c == BC_OVERDUE ? "breach.clock.overdue" :
	    c == BC_NOTIFIED ? "breach.clock.notified" :
	    "breach.clock.not_notified"));
}

/* One entry's facts as shown (times formatted) into m. */
static void
entry_fill(struct app *a, struct req *r, struct breach_entry *e,
    time_t now, struct tmpl_map *m)
{
	char when[64], href[64];

	tm_int(m, "id", e->breach_id);
	snprintf(href, sizeof(href), "/intranet/breach?id=%lld", e->breach_id);
	tm_str(m, "href", href);
	for (size_t i = 0; i < NTEXTS; i++)
		tm_str(m, texts[i].name, *text_at(e, i));
	for (size_t i = 0; i < NTIMES; i++)
		if (time_at(e, i)[0] != '\0') {
			fmt_datetime(when, sizeof(when), r->lang, time_at(e, i));
			tm_str(m, times[i].name, when);
		}
	fmt_datetime(when, sizeof(when), r->lang, e->recorded_at);
	tm_str(m, "recorded_at", when);
	tm_str(m, "recorded_by", e->recorded_by_name);
	if (e->people_count >= 0)
		tm_int(m, "people_count", e->people_count);
	if (e->record_count >= 0)
		tm_int(m, "record_count", e->record_count);
	tm_str(m, "tell_label", i18n_msg(a->msgs, r->lang,
	    strcmp(e->tell_people, "yes") == 0 ? "breach.tell.yes" :
	    strcmp(e->tell_people, "no") == 0 ? "breach.tell.no" :
	    "breach.tell.undecided"));
	clock_fill(a, r, e, now, m);
}

int
breach_dashboard(struct app *a, struct req *r, struct tmpl_map *root)
{
	const struct ui *cx = r->ctx;
	struct breach_entry *v;
	struct tmpl_list *l = NULL;
	size_t n;
	time_t now = time(NULL);

	if (breach_list(a->db, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		time_t deadline;
		long long min;
		enum breach_clock c = breach_clock(&v[i], now, &deadline, &min);

		if (c != BC_RUNNING && c != BC_OVERDUE)
			continue;
		if (l == NULL)
			l = tm_list(root, "breach_clocks");
		entry_fill(a, r, &v[i], now, tm_list_map(l));
	}
	tm_bool(root, "sees_breaches", (cx->me.role & (ROLE_ADMIN |
	    ROLE_AUDITOR)) != 0);
	breach_entries_free(v, n);
	return 0;
}

/* The list page (GET), or the list with the new-breach form (the map form of m) and its error (POST). */
static void
list_page(struct app *a, struct req *r, struct tmpl_model *m,
    struct tmpl_map *form, int status)
{
	const struct ui *cx = r->ctx;
	struct tmpl_map *root = tm_root(m);
	struct breach_entry *v;
	struct tmpl_list *l;
	size_t n;
	time_t now = time(NULL);

	if (breach_list(a->db, &v, &n) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	l = tm_list(root, "breaches");
	for (size_t i = 0; i < n; i++)
		entry_fill(a, r, &v[i], now, tm_list_map(l));
	breach_entries_free(v, n);
	tm_bool(root, "none", n == 0);
	tm_bool(root, "can_record", cx->me.role == ROLE_ADMIN);
	tm_str(form, "action", "/intranet/breaches");
	ui_page(a, r, status, "breaches.xhtml", m);
}

/*
 * The breach page of id, with the form for a new entry (the map form of
 * m: filled from the newest entry when status is 200, else as posted,
 * with its error); 404 when there is none.
 */
static void
breach_page(struct app *a, struct req *r, long long id, struct tmpl_model *m,
    struct tmpl_map *form, int status)
{
	const struct ui *cx = r->ctx;
	struct tmpl_map *root = tm_root(m);
	struct breach_entry *v;
	struct tmpl_list *l;
	size_t n;
	time_t now = time(NULL);

	if (breach_history(a->db, id, &v, &n) != 0) {
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	if (n == 0) {
		breach_entries_free(v, n);
		tm_free(m);
		app_error(a, r, 404);
		return;
	}
	entry_fill(a, r, &v[n - 1], now, tm_map(root, "breach"));
	l = tm_list(root, "history");
	for (size_t i = n; i-- > 0;)
		entry_fill(a, r, &v[i], now, tm_list_map(l));
	if (status == 200)	/* a new entry starts from the newest */
		form_values(&v[n - 1], form);
	tm_str(form, "action", "/intranet/breach");
	tm_int(form, "id", id);
	tm_bool(form, "correction", 1);
	tm_bool(root, "can_record", cx->me.role == ROLE_ADMIN);
	{
		char href[64];

		snprintf(href, sizeof(href), "/intranet/breach/affected?id=%lld",
		    id);
		tm_str(root, "affected_href", href);
	}
	breach_entries_free(v, n);
	ui_page(a, r, status, "breach.xhtml", m);
}

/* Save the posted entry of breach id (0: a new breach); on a bad field, the page again with the message. */
static void
save(struct app *a, struct req *r, long long id)
{
	const struct ui *cx = r->ctx;
	struct breach_entry e;
	const char *field = NULL, *msg;
	time_t now = time(NULL);
	long long bid;
	int bad;
	char to[64];

	msg = form_read(r, &e, now, &field, &bad);
	if (bad) {
		app_error(a, r, 400);
		return;
	}
	if (msg == NULL && id != 0 && e.note[0] == '\0') {
		field = "note";	/* a correction says what it changes */
		msg = "breach.err.note";
	}
	if (msg != NULL) {
		struct tmpl_model *m = ui_model(a, r);
		struct tmpl_map *form = tm_map(tm_root(m), "form"), *err;

		form_values(&e, form);
		tm_str(form, "note", e.note);
		/* what was typed, as typed, where it did not parse */
		for (size_t i = 0; i < NTIMES; i++)
			tm_str(form, times[i].name, ui_field(r, times[i].name, 16));
		tm_str(form, "people_count", ui_field(r, "people_count", 12));
		tm_str(form, "record_count", ui_field(r, "record_count", 12));
		err = tm_map(form, "error");
		tm_str(err, field, i18n_msg(a->msgs, r->lang, msg));
		/* the summary links to the field, which says aria-invalid (#20) */
		tm_str(tm_map(form, "invalid"), field, "true");
		{
			char href[48];

			snprintf(href, sizeof(href), "#b-%s", field);
			tm_str(form, "error_href", href);
		}
		tm_str(tm_root(m), "problem", i18n_msg(a->msgs, r->lang, msg));
		if (id == 0)
			list_page(a, r, m, form, 400);
		else
			breach_page(a, r, id, m, form, 400);
		return;
	}
	if (db_begin(a->db) != 0) {
		app_error(a, r, 500);
		return;
	}
	if ((bid = breach_add(a->db, id, &e, cx->me.id, now)) < 0 ||
	    ui_event(a, r, &cx->me, id == 0 ? "breach.record" : "breach.correct",
	    "breach", bid, "") != 0 || db_commit(a->db) != 0) {
		ui_fail(a, r);
		return;
	}
	snprintf(to, sizeof(to), "/intranet/breach?id=%lld&saved=1", bid);
	app_redirect(r, to);
}

/* GET /intranet/breaches: every breach with its clock; admins also record one. */
void
page_breaches(struct app *a, struct req *r)
{
	struct tmpl_model *m = ui_model(a, r);
	struct tmpl_map *form = tm_map(tm_root(m), "form");

	tm_bool(form, "tell_undecided", 1);
	list_page(a, r, m, form, 200);
}

/* POST /intranet/breaches: record a new breach. */
void
post_breaches(struct app *a, struct req *r)
{
	save(a, r, 0);
}

/* GET /intranet/breach?id=N: a breach, its history, and (admins) a new entry. */
void
page_breach(struct app *a, struct req *r)
{
	long long id = ui_id(r);
	struct tmpl_model *m;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	m = ui_model(a, r);
	tm_bool(tm_root(m), "saved", kv_get(&r->query, "saved") != NULL);
	breach_page(a, r, id, m, tm_map(tm_root(m), "form"), 200);
}

/* POST /intranet/breach: a new entry (correction or later facts) of breach id. */
void
post_breach(struct app *a, struct req *r)
{
	long long id = ui_id(r);
	struct breach_entry *v;
	size_t n;

	if (id == 0) {
		app_error(a, r, 400);
		return;
	}
	if (breach_history(a->db, id, &v, &n) != 0) {
		app_error(a, r, 500);
		return;
	}
	breach_entries_free(v, n);
	if (n == 0) {
		app_error(a, r, 404);
		return;
	}
	save(a, r, id);
}
