/* conf.h — the configuration file: where things are and who the controller is. */
#ifndef REKISTERI_CONF_H
#define REKISTERI_CONF_H

#include <stddef.h>

#include "holds.h"

/*
 * Format (rekisteri.conf(5), sample in conf/rekisteri.conf.sample): INI
 * sections with "name = value" lines, '#' or ';' comments, parsed by inih.
 * Relative paths are relative to the config file's folder. Every key is
 * known; an unknown section or key, a missing required key or a bad value is
 * an error naming the line.
 */
struct conf {
	char	*file;		/* the file read, as given */
	/* [database] */
	char	*db_path;
	int	 db_max_pages;	/* test-only: PRAGMA max_page_count; 0 = none (docs/faults.md) */
	/* [site] */
	char	*base_url;
	char	*templates;
	char	*i18n;
	char	*sql;
	char	*data;		/* optional: common-passwords.txt and the like */
	/* [keys] */
	char	*key_dir;
	/* [intranet] */
	char	*totp_required;	/* roles that must use a second factor: "admin" */
	int	 one_time_hours;	/* a one-time password's life in hours; 24 */
	/* [controller] */
	char	*controller_name;
	char	*controller_address;
	char	*controller_phone;
	char	*controller_email;
	char	*contact_name;
	char	*contact_phone;
	char	*contact_email;
	char	*security;	/* the organisation's own security measures (Art. 30(1)(g)); NULL */
	char	*transfers;	/* transfers outside the EU/EEA (Art. 30(1)(e)); NULL: none */
	/* [request] */
	int	 rate_limit;	/* accepted requests per client address per hour; 10 */
	int	 form_lifetime;	/* minutes a form token stays good; 120 */
	int	 idle_days;	/* days a request may wait for its first step (rekisteri check); 7 */
	int	 ticket_link_days;	/* days a ticket page link works (the code: for ever); 90 */
	int	 confirm_link_days;	/* days an email confirmation link works; 30 */
	/* [mail] */
	char	*sendmail;	/* sendmail program; NULL: no mail is sent */
	char	*mail_from;	/* From: of mail; NULL: [controller] email */
	int	 give_up_days;	/* days the outbox retries a message; 3 */
	/* [accounting] */
	struct holds_conf accounting;	/* financial_year_end "MM-DD": the financial year's last day; 12-31 */
	/* [retention] */
	char	*erasure_ledger;	/* the erasure ledger file; NULL: "erasure-ledger" beside the database */
	char	*suppression;	/* "warn" (NULL too) or "refuse": a new record matching the suppression list */
	/* [retention] (docs/retention.md); 0: the period of lib/retention_class.c */
	int	 history_months;	/* a corrected value's months in the history */
	int	 request_years;		/* a closed request's years */
	int	 audit_years;		/* an audit row's years */
	int	 batch_rows;		/* rows per transaction of the retention run; 1000 */
	/* [security] */
	int	 sandbox;	/* seccomp and Landlock in the FastCGI workers (sandbox.h); 1 */
};

/*
 * Read the config: path if not NULL, else $REKISTERI_CONF, else
 * /etc/rekisteri.conf. Returns 0, or -1 with "FILE:LINE: reason" in err
 * (c is then empty).
 */
int	 conf_load(struct conf *c, const char *path, char *err, size_t errlen);
void	 conf_free(struct conf *c);

/* The path conf_load would read. */
const char *conf_default_path(const char *path);

#endif
