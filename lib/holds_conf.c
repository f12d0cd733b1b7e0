/*
 * holds_conf.c — the financial year's last day of config [accounting]
 * financial_year_end: its parser and check. Apart from holds.c so that
 * the config (conf.c), which every executable loads, links no customer
 * module. See holds.h and docs/retention.md ("Legal holds").
 */
#include <string.h>

#include "holds.h"

int
holds_month_days(int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m >= 1 && m <= 12 ? days[m - 1] : 0;
}

int
holds_conf_ok(const struct holds_conf *c)
{
	return c->fy_end_day >= 1 &&
	    c->fy_end_day <= holds_month_days(c->fy_end_month);
}

int
holds_conf_parse(const char *s, struct holds_conf *c)
{
	struct holds_conf n;

	if (s == NULL || strlen(s) != 5 || s[2] != '-' ||
	    strspn(s, "0123456789-") != 5 || strchr(s + 3, '-') != NULL ||
	    s[0] == '-' || s[1] == '-')
		return -1;
	n.fy_end_month = (s[0] - '0') * 10 + (s[1] - '0');
	n.fy_end_day = (s[3] - '0') * 10 + (s[4] - '0');
	if (!holds_conf_ok(&n))
		return -1;
	*c = n;
	return 0;
}
