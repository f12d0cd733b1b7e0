/* processing.c — /intranet/processing: the record of processing activities (GDPR Art. 30(1)) for admins and auditors, printable on A4 and as JSON (?format=json), generated from lib/processing.c and the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "fmt.h"
#include "processing.h"
#include "intranet.h"

/* The config's controller, contact person and what it adds to the record. */
static void
controller_of(const struct conf *c, struct pd_controller *pc)
{
	pc->name = c->controller_name;
	pc->address = c->controller_address;
	pc->phone = c->controller_phone;
	pc->email = c->controller_email;
	pc->contact_name = c->contact_name;
	pc->contact_phone = c->contact_phone;
	pc->contact_email = c->contact_email;
	pc->security = c->security;
	pc->transfers = c->transfers;
}

/* Each set bit i of bits < n as name(i, lang) in a list key of m. */
static void
names(struct tmpl_map *m, const char *key, unsigned bits, int n,
    const char *(*name)(int, enum lang), enum lang l)
{
	struct tmpl_list *list = tm_list(m, key);

	for (int i = 0; i < n; i++)
		if (bits & (1u << i))
			tm_list_str(list, name(i, l));
}

static const char *
basis_name(int i, enum lang l)
{
	return pd_basis_name((enum pd_basis)i, l);
}

static const char *
category_name(int i, enum lang l)
{
	return pd_category_name((enum pd_category)i, l);
}

/* The activities of the record into root.activities, in lang. */
static void
fill_activities(struct tmpl_map *root, enum lang l)
{
	struct pd_activity acts[PP__MAX];
	struct tmpl_list *list = tm_list(root, "activities");
	size_t n;
	const struct pd_column *cols = processing_columns(&n);

	processing_activities(acts);
	for (int p = 0; p < PP__MAX; p++) {
		struct tmpl_map *m = tm_list_map(list);
		struct tmpl_list *ret, *cl;

		tm_int(m, "number", p + 1);
		tm_str(m, "purpose", pd_purpose_name((enum pd_purpose)p, l));
		names(m, "bases", acts[p].bases, PB__MAX, basis_name, l);
		names(m, "subjects", acts[p].subjects, PS__BITS, pd_subject_name, l);
		names(m, "categories", acts[p].categories, PC__MAX, category_name, l);
		names(m, "recipients", acts[p].recipients, PR__BITS,
		    pd_recipient_name, l);
		ret = tm_list(m, "retention");
		for (int c = 0; c < RC__MAX; c++) {
			const struct retention_rule *r =
			    retention_rule((enum retention_class)c);
			struct tmpl_map *rm;

			if (!(acts[p].retention & (1u << c)))
				continue;
			rm = tm_list_map(ret);
			tm_str(rm, "code", r->code);
			tm_str(rm, "period", r->period[l]);
			tm_str(rm, "source", r->source[l]);
		}
		cl = tm_list(m, "columns");
		for (size_t i = 0; i < n; i++) {
			char name[128];

			if (cols[i].purpose != (enum pd_purpose)p ||
			    cols[i].category == PC_NONE)
				continue;
			snprintf(name, sizeof(name), "%s.%s", cols[i].table,
			    cols[i].column);
			tm_list_str(cl, name);
		}
	}
}

/* GET /intranet/processing[?format=json]: the record, as a page or JSON. */
void
page_processing(struct app *a, struct req *r)
{
	const char *format = kv_get(&r->query, "format");
	struct pd_controller pc;
	struct tmpl_model *m;
	struct tmpl_map *root, *c;
	char today[11], shown[64];
	struct tm tm;
	time_t now = time(NULL);

	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0) {
		app_error(a, r, 400);
		return;
	}
	localtime_r(&now, &tm);	/* Helsinki (fmt_init) */
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	controller_of(&a->conf, &pc);
	if (format != NULL && strcmp(format, "json") == 0) {
		struct buf out = BUF_INIT;

		if (processing_json(a->db, &pc, today, &out) != 0) {
			buf_free(&out);
			app_error(a, r, 500);
			return;
		}
		buf_addc(&out, '\n');
		resp_header(r, "Cache-Control", "no-store");
		resp_send(r, 200, "application/json", out.data, out.len);
		buf_free(&out);
		return;
	}
	m = ui_model(a, r);
	root = tm_root(m);
	fmt_date(shown, sizeof(shown), r->lang, today);
	tm_str(root, "generated", shown);
	c = tm_map(root, "controller");
	tm_str(c, "name", pc.name ? pc.name : "");
	tm_str(c, "address", pc.address ? pc.address : "");
	tm_str(c, "phone", pc.phone ? pc.phone : "");
	tm_str(c, "email", pc.email ? pc.email : "");
	c = tm_map(root, "contact");
	tm_str(c, "name", pc.contact_name ? pc.contact_name : "");
	tm_str(c, "phone", pc.contact_phone ? pc.contact_phone : "");
	tm_str(c, "email", pc.contact_email ? pc.contact_email : "");
	if (pc.transfers != NULL && *pc.transfers != '\0')
		tm_str(root, "transfers", pc.transfers);
	fill_activities(root, r->lang);
	{
		struct tmpl_list *ms = tm_list(root, "measures");
		const char *t;

		for (size_t i = 0; (t = pd_security_measure(i, r->lang)) != NULL;
		    i++)
			tm_list_str(ms, t);
	}
	if (pc.security != NULL && *pc.security != '\0')
		tm_str(root, "security_org", pc.security);
	ui_page(a, r, 200, "processing.xhtml", m);
}
