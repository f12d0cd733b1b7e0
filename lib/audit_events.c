/* audit_events.c — every event the audit log records, grouped by its first word; each has a name for people in i18n/audit.{fi,en}.xml ("event.ACTION"). */
#include <string.h>

#include "audit.h"

/*
 * Grouped by the word before the first dot, groups in the order the log's
 * filter lists them. A new audit_append action goes here and into both
 * catalogues; audit_append logs an action missing here, and the HTTP
 * tests' log allow-list turns that line into a failure.
 */
const char *const audit_actions[] = {
	"login", "login.password", "login.fail", "login.locked", "login.no_nda",
	"login.expired", "logout", "access.denied",
	"user.list", "user.add", "user.disable", "user.enable", "user.nda",
	"user.reset", "user.passwd", "user.totp", "user.totp_replace",
	"user.totp_reset",
	"customer.search", "customer.view", "customer.lookup", "customer.add",
	"customer.edit", "customer.order", "customer.disclosure",
	"customer.ban", "customer.unban", "customer.restrict",
	"customer.unrestrict", "customer.hold", "customer.hold_lift",
	"customer.access_report", "customer.portability",
	"customer.report_sent", "customer.export", "customer.import",
	"customer.import_check", "customer.import_updates", "customer.demo",
	"customer.erase", "customer.anonymise",
	"order.status",
	"labels.left", "labels.print", "labels.export",
	"request.list", "request.view", "request.register", "request.ticket",
	"request.identity", "request.identity_refused", "request.paper",
	"request.paper_refused", "request.received", "request.start",
	"request.asked", "request.link", "request.unlink", "request.told",
	"request.ban", "request.restrict", "request.unrestrict",
	"request.object", "request.rectified", "request.extend",
	"request.report_view", "request.letter_view", "request.letter_draft",
	"request.letter_print", "request.letter_sent", "request.answered",
	"request.partly_refused", "request.refused",
	"notice.import", "notice.section", "notice.draft", "notice.date",
	"notice.discard", "notice.publish",
	"breach.record", "breach.correct", "breach.affected_query",
	"breach.affected_view", "breach.affected_save",
	"breach.affected_export", "breach.tell", "breach.letter_print",
	"audit.view",
	"retention.dry_run", "retention.run", "backup", "restore",
	"key.keygen", "key.rotate",
	NULL,
};

int
audit_action_known(const char *action)
{
	for (size_t i = 0; audit_actions[i] != NULL; i++)
		if (strcmp(audit_actions[i], action) == 0)
			return 1;
	return 0;
}

size_t
audit_action_group(const char *action, char *group, size_t len)
{
	size_t n = strcspn(action, ".");

	if (len == 0)
		return n;
	if (n >= len)
		n = len - 1;
	memcpy(group, action, n);
	group[n] = '\0';
	return n;
}
