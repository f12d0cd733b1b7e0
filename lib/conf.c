/* conf.c — the configuration file, parsed with inih; see conf.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "buf.h"
#include "conf.h"

enum kind {
	KIND_TEXT,	/* any text without control characters */
	KIND_PATH,	/* a path; relative to the config file's folder */
	KIND_URL,	/* http:// or https:// URL without a trailing slash */
	KIND_EMAIL,	/* local@domain: one @, no spaces, quotes, <>, commas */
	KIND_INT,	/* a decimal number in [min, max]; off names an int */
	KIND_MONTHDAY,	/* "MM-DD", a day every year has; off names a struct holds_conf */
	KIND_ONOFF	/* "on" (1) or "off" (0); off names an int */
};

struct key {
	const char	*section;
	const char	*name;
	size_t		 off;
	enum kind	 kind;
	int		 required;
	int		 min, max;	/* KIND_INT */
};

#define F(x) offsetof(struct conf, x)
static const struct key keys[] = {
	{ "database",	"path",		F(db_path),		KIND_PATH, 1, 0, 0 },
	{ "database",	"max_pages",	F(db_max_pages),	KIND_INT,  0, 1, 2147483647 },
	{ "site",	"base_url",	F(base_url),		KIND_URL,  1, 0, 0 },
	{ "site",	"templates",	F(templates),		KIND_PATH, 1, 0, 0 },
	{ "site",	"i18n",		F(i18n),		KIND_PATH, 1, 0, 0 },
	{ "site",	"sql",		F(sql),			KIND_PATH, 1, 0, 0 },
	{ "site",	"data",		F(data),		KIND_PATH, 0, 0, 0 },
	{ "keys",	"dir",		F(key_dir),		KIND_PATH, 1, 0, 0 },
	{ "intranet",	"totp_required", F(totp_required),	KIND_TEXT, 0, 0, 0 },
	{ "intranet",	"one_time_hours", F(one_time_hours),	KIND_INT,  0, 1, 720 },
	{ "controller",	"name",		F(controller_name),	KIND_TEXT, 1, 0, 0 },
	{ "controller",	"address",	F(controller_address),	KIND_TEXT, 0, 0, 0 },
	{ "controller",	"phone",	F(controller_phone),	KIND_TEXT, 0, 0, 0 },
	{ "controller",	"email",	F(controller_email),	KIND_TEXT, 1, 0, 0 },
	{ "controller",	"contact_name",	F(contact_name),	KIND_TEXT, 0, 0, 0 },
	{ "controller",	"contact_phone", F(contact_phone),	KIND_TEXT, 0, 0, 0 },
	{ "controller",	"contact_email", F(contact_email),	KIND_TEXT, 0, 0, 0 },
	{ "controller",	"security",	F(security),		KIND_TEXT, 0, 0, 0 },
	{ "controller",	"transfers",	F(transfers),		KIND_TEXT, 0, 0, 0 },
	{ "request",	"rate_limit",	F(rate_limit),		KIND_INT,  0, 1, 100000 },
	{ "request",	"form_lifetime", F(form_lifetime),	KIND_INT,  0, 5, 1440 },
	{ "request",	"idle_days",	F(idle_days),		KIND_INT,  0, 1, 60 },
	{ "request",	"ticket_link_days", F(ticket_link_days),	KIND_INT,  0, 1, 3650 },
	{ "request",	"confirm_link_days", F(confirm_link_days),	KIND_INT,  0, 1, 3650 },
	{ "mail",	"sendmail",	F(sendmail),		KIND_PATH, 0, 0, 0 },
	{ "mail",	"from",		F(mail_from),		KIND_EMAIL, 0, 0, 0 },
	{ "mail",	"give_up_days",	F(give_up_days),	KIND_INT,  0, 1, 30 },
	{ "accounting",	"financial_year_end", F(accounting),	KIND_MONTHDAY, 0, 0, 0 },
	{ "retention",	"erasure_ledger", F(erasure_ledger),	KIND_PATH, 0, 0, 0 },
	{ "retention",	"suppression",	F(suppression),		KIND_TEXT, 0, 0, 0 },
	{ "security",	"sandbox",	F(sandbox),		KIND_ONOFF, 0, 0, 0 },
	{ "retention",	"history_months", F(history_months),	KIND_INT,  0, 1, 1200 },
	{ "retention",	"request_years", F(request_years),	KIND_INT,  0, 1, 100 },
	{ "retention",	"audit_years",	F(audit_years),		KIND_INT,  0, 1, 100 },
	{ "retention",	"batch_rows",	F(batch_rows),		KIND_INT,  0, 1, 100000 },
};
#undef F

#define KEYS_MAX (sizeof(keys) / sizeof(keys[0]))

struct parse {
	struct conf	*c;
	const char	*dir;		/* config file's folder, with '/' */
	size_t		 dirlen;
	char		 why[256];	/* first handler error */
	int		 seen[KEYS_MAX];
};

static char **
slot(struct conf *c, const struct key *k)
{
	return (char **)(void *)((char *)c + k->off);
}

static int *
int_slot(struct conf *c, const struct key *k)
{
	return (int *)(void *)((char *)c + k->off);
}

/* What conf_free releases: every key but the numbers and days. */
static int
owned(const struct key *k)
{
	return k->kind != KIND_INT && k->kind != KIND_MONTHDAY &&
	    k->kind != KIND_ONOFF;
}

/* An address for a From: header: local@domain, nothing that could end a header or start another address. */
static int
email_ok(const char *v)
{
	const char *at = strchr(v, '@');

	return at != NULL && at != v && at[1] != '\0' && strchr(at + 1, '@') ==
	    NULL && strchr(at + 1, '.') != NULL && strlen(v) <= 254 &&
	    strpbrk(v, " \t\"'<>(),;:[]\\") == NULL;
}

static int
text_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* inih callback: returns 1 to go on, 0 to mark this line as the error. */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct key *k = NULL;
	size_t i, n;
	char **dst;

	for (i = 0; i < KEYS_MAX; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0) {
			k = &keys[i];
			break;
		}
	if (k == NULL) {
		if (p->why[0] == '\0')
			snprintf(p->why, sizeof(p->why), "unknown key %s in [%s]",
			    name, section);
		return 0;
	}
	if (p->seen[i]++) {
		if (p->why[0] == '\0')
			snprintf(p->why, sizeof(p->why), "%s in [%s] given twice",
			    name, section);
		return 0;
	}
	if (!text_ok(value) || *value == '\0') {
		if (p->why[0] == '\0')
			snprintf(p->why, sizeof(p->why), "%s: empty or has control "
			    "characters", name);
		return 0;
	}
	dst = slot(p->c, k);
	switch (k->kind) {
	case KIND_URL:
		n = strlen(value);
		if ((strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0) || value[n - 1] == '/' ||
		    strpbrk(value, " \"'<>") != NULL) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be an "
				    "http:// or https:// URL without a trailing /",
				    name);
			return 0;
		}
		*dst = xstrdup(value);
		break;
	case KIND_PATH:
		if (value[0] == '/' || p->dirlen == 0) {
			*dst = xstrdup(value);
		} else {
			struct buf b = BUF_INIT;

			buf_add(&b, p->dir, p->dirlen);
			buf_adds(&b, value);
			*dst = buf_take(&b);
		}
		break;
	case KIND_EMAIL:
		if (!email_ok(value)) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be an "
				    "address like name@example.fi", name);
			return 0;
		}
		*dst = xstrdup(value);
		break;
	case KIND_INT: {
		char *end;
		long v = strtol(value, &end, 10);

		if (value[0] < '0' || value[0] > '9' || *end != '\0' ||
		    v < k->min || v > k->max) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be a "
				    "number from %d to %d", name, k->min, k->max);
			return 0;
		}
		*int_slot(p->c, k) = (int)v;
		break;
	}
	case KIND_MONTHDAY:
		if (holds_conf_parse(value, (struct holds_conf *)(void *)
		    ((char *)p->c + k->off)) != 0) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be a "
				    "day MM-DD every year has, e.g. 12-31 or 06-30 "
				    "(02-28 for the end of February)", name);
			return 0;
		}
		break;
	case KIND_ONOFF:
		if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be on "
				    "or off", name);
			return 0;
		}
		*int_slot(p->c, k) = strcmp(value, "on") == 0;
		break;
	case KIND_TEXT:
		/* [retention] suppression: one of two words */
		if (k->off == offsetof(struct conf, suppression) &&
		    strcmp(value, "warn") != 0 && strcmp(value, "refuse") != 0) {
			if (p->why[0] == '\0')
				snprintf(p->why, sizeof(p->why), "%s: must be warn "
				    "or refuse", name);
			return 0;
		}
		*dst = xstrdup(value);
		break;
	}
	return 1;
}

const char *
conf_default_path(const char *path)
{
	const char *env;

	if (path != NULL)
		return path;
	if ((env = getenv("REKISTERI_CONF")) != NULL && *env != '\0')
		return env;
	return "/etc/rekisteri.conf";
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct parse p;
	const char *slash;
	int line;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	c->rate_limit = 10;
	c->one_time_hours = 24;
	c->form_lifetime = 120;
	c->idle_days = 7;
	c->ticket_link_days = 90;
	c->confirm_link_days = 30;
	c->give_up_days = 3;
	c->accounting.fy_end_month = 12;	/* the calendar year */
	c->accounting.fy_end_day = 31;
	c->batch_rows = 1000;
	c->sandbox = 1;
	path = conf_default_path(path);
	c->file = xstrdup(path);
	p.c = c;
	p.dir = path;
	slash = strrchr(path, '/');
	p.dirlen = slash ? (size_t)(slash - path) + 1 : 0;

	line = ini_parse(path, handler, &p);
	if (line == -1) {
		snprintf(err, errlen, "%s: cannot open the configuration file",
		    path);
		goto fail;
	}
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
		    p.why[0] ? p.why : "not a \"name = value\" line or [section]");
		goto fail;
	}
	for (size_t i = 0; i < KEYS_MAX; i++)
		if (keys[i].required && owned(&keys[i]) &&
		    *slot(c, &keys[i]) == NULL) {
			snprintf(err, errlen, "%s: [%s] %s is missing", path,
			    keys[i].section, keys[i].name);
			goto fail;
		}
	return 0;
fail:
	conf_free(c);
	return -1;
}

void
conf_free(struct conf *c)
{
	for (size_t i = 0; i < KEYS_MAX; i++) {
		if (!owned(&keys[i]))
			continue;
		free(*slot(c, &keys[i]));
		*slot(c, &keys[i]) = NULL;
	}
	free(c->file);
	c->file = NULL;
}
