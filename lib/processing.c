/* processing.c — the annotations of every column with personal data, and the record of processing activities built from them; see processing.h and docs/compliance.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processing.h"

#define ANN(t, c, cat, p, b, r, s, to)	{ t, c, cat, p, b, r, s, to }
#define NOPD(t, c)	{ t, c, PC_NONE, PP_CUSTOMER, PB_CONTRACT, RC_CUSTOMER, 0, 0 }

/* Recipients of the customer's data, from the notice: staff, financial administration, credit, collection and invoicing, the law. */
#define R_CUST	(PR_STAFF | PR_ACCOUNTING | PR_CREDIT | PR_AUTHORITIES)
#define S_CUST	(PS_CUSTOMER | PS_CONTACT)

/* customers: the notice's "Rekisterin tietosisältö"; basis the contract (the notice) */
#define CU(c, cat, to)	ANN("customers", c, cat, PP_CUSTOMER, PB_CONTRACT, \
			    RC_CUSTOMER, S_CUST, to)
#define FTS(c, cat)	ANN("customers_fts", c, cat, PP_CUSTOMER, PB_CONTRACT, \
			    RC_CUSTOMER, S_CUST, PR_STAFF)
/* orders: vouchers under the Accounting Act */
#define OR(c)		ANN("orders", c, PC_ORDERS, PP_CUSTOMER, PB_CONTRACT, \
			    RC_ACCOUNTING, S_CUST, R_CUST)
/* the rights: GDPR Art. 12-22 and 19 oblige; kept with the customer's record */
#define RI(t, c, cat)	ANN(t, c, cat, PP_RIGHTS, PB_LEGAL, RC_CUSTOMER, \
			    S_CUST, PR_STAFF)
/* requests: GDPR Art. 12-22 */
#define RQ(t, c, cat)	ANN(t, c, cat, PP_RIGHTS, PB_LEGAL, RC_REQUEST, \
			    PS_REQUESTER, PR_STAFF)
/* security and accountability: GDPR Art. 5(2), 32 */
#define SE(t, c, cat, r)	ANN(t, c, cat, PP_SECURITY, PB_LEGAL, r, \
			    PS_STAFF, PR_STAFF)
/* breaches: GDPR Art. 33(5); kept as the audit log; the Ombudsman is told */
#define S_ALL	(PS_CUSTOMER | PS_CONTACT | PS_REQUESTER | PS_STAFF)
#define BR(c, cat, s)	ANN("breach_entries", c, cat, PP_BREACH, PB_LEGAL, \
			    RC_AUDIT, s, PR_STAFF | PR_AUTHORITIES)
/* who a breach affected and the Art. 34 letters (sql/023): the same activity */
#define BX(t, c, cat, s)	ANN(t, c, cat, PP_BREACH, PB_LEGAL, RC_AUDIT, \
			    s, PR_STAFF | PR_AUTHORITIES)
#define S_CUSTS	(PS_CUSTOMER | PS_CONTACT)
/* the notice: GDPR Art. 13(1)(a) names the contact; published */
#define NO(c, cat)	ANN("notice_facts", c, cat, PP_NOTICE, PB_LEGAL, \
			    RC_NOTICE, PS_STAFF, PR_PUBLIC)

/*
 * Every column of every table that holds personal data (the migrations), and
 * what it is for. A new column needs a row here: test_processing fails
 * naming it until it has one (NOPD when it holds no personal data).
 */
static const struct pd_column columns[] = {
	NOPD("customers", "id"),
	CU("number", PC_IDENTITY, R_CUST),
	CU("first_name", PC_IDENTITY, R_CUST),
	CU("last_name", PC_IDENTITY, R_CUST),
	CU("organisation", PC_ORGANISATION, R_CUST),
	CU("contact_person", PC_ORGANISATION, PR_STAFF),
	CU("contact_from", PC_ORGANISATION, PR_STAFF),
	CU("contact_to", PC_ORGANISATION, PR_STAFF),
	CU("email", PC_CONTACT, R_CUST),
	CU("street", PC_CONTACT, R_CUST),
	CU("postal_code", PC_CONTACT, R_CUST),
	CU("city", PC_CONTACT, R_CUST),
	CU("country", PC_CONTACT, R_CUST),
	CU("phone", PC_CONTACT, R_CUST),
	CU("www", PC_CONTACT, PR_STAFF),
	CU("ip", PC_TECHNICAL, PR_STAFF),
	CU("billing_address", PC_BILLING, R_CUST),
	CU("business_id", PC_BILLING, R_CUST),
	CU("einvoice_address", PC_BILLING, R_CUST),
	CU("einvoice_operator", PC_BILLING, R_CUST),
	CU("customer_since", PC_STATE, PR_STAFF),
	CU("relationship_ended", PC_STATE, PR_STAFF),
	CU("notes", PC_FREE_TEXT, PR_STAFF),
	RI("customers", "restricted", PC_STATE),
	RI("customers", "restricted_reason", PC_STATE),
	NOPD("customers", "created_at"),
	NOPD("customers", "updated_at"),
	/* the search index: copies of the record's words */
	FTS("first_name", PC_IDENTITY),
	FTS("last_name", PC_IDENTITY),
	FTS("organisation", PC_ORGANISATION),
	FTS("email", PC_CONTACT),
	FTS("phone", PC_CONTACT),
	FTS("city", PC_CONTACT),
	FTS("street", PC_CONTACT),
	FTS("notes", PC_FREE_TEXT),
	NOPD("orders", "id"),
	OR("customer_id"),
	OR("number"),
	OR("ordered_on"),
	OR("description"),
	OR("amount_cents"),
	OR("status"),
	OR("status_on"),	/* the day the invoice state took effect (sql/017) */
	/* bans (Art. 21(2)-(3)), the history (Art. 19), disclosures (Art. 15(1)(c), 19) */
	RI("bans", "customer_id", PC_REFERENCE),
	RI("bans", "purpose", PC_BANS),
	RI("bans", "since", PC_BANS),
	RI("bans", "via", PC_BANS),
	RI("bans", "reference", PC_BANS),
	NOPD("customer_history", "id"),
	RI("customer_history", "customer_id", PC_REFERENCE),
	RI("customer_history", "field", PC_HISTORY),
	/* a corrected value: its own period (lib/retention_class.c RC_HISTORY) */
	ANN("customer_history", "old_value", PC_HISTORY, PP_RIGHTS, PB_LEGAL,
	    RC_HISTORY, S_CUST, PR_STAFF),
	ANN("customer_history", "new_value", PC_HISTORY, PP_RIGHTS, PB_LEGAL,
	    RC_HISTORY, S_CUST, PR_STAFF),
	RI("customer_history", "user_id", PC_REFERENCE),
	RI("customer_history", "at", PC_HISTORY),
	RI("customer_history", "source", PC_HISTORY),
	NOPD("disclosures", "id"),
	RI("disclosures", "customer_id", PC_REFERENCE),
	RI("disclosures", "recipient", PC_DISCLOSURES),
	RI("disclosures", "ground", PC_DISCLOSURES),
	RI("disclosures", "what", PC_DISCLOSURES),
	RI("disclosures", "disclosed_on", PC_DISCLOSURES),
	RI("disclosures", "user_id", PC_REFERENCE),
	NOPD("disclosures", "created_at"),
	/* answers to requests (sql/019_answers.sql): the reference a change was made under, the parties told (Art. 19) */
	RI("customer_history", "reference", PC_HISTORY),
	NOPD("request_told", "id"),
	RI("request_told", "request_id", PC_REFERENCE),
	RI("request_told", "customer_id", PC_REFERENCE),
	RI("request_told", "kind", PC_DISCLOSURES),
	RI("request_told", "party", PC_DISCLOSURES),
	RI("request_told", "told_on", PC_DISCLOSURES),
	RI("request_told", "how", PC_DISCLOSURES),
	RI("request_told", "user_id", PC_REFERENCE),
	RI("request_told", "at", PC_DISCLOSURES),
	/* legal holds an admin sets (sql/017_invoices.sql): a dispute, a court case; kept with the record */
	NOPD("legal_holds", "id"),
	RI("legal_holds", "customer_id", PC_REFERENCE),
	RI("legal_holds", "reason", PC_FREE_TEXT),
	RI("legal_holds", "set_by", PC_REFERENCE),
	RI("legal_holds", "set_at", PC_STATE),
	RI("legal_holds", "lifted_at", PC_STATE),
	RI("legal_holds", "lifted_by", PC_REFERENCE),
	RI("legal_holds", "lift_reason", PC_FREE_TEXT),
	/*
	 * erasure (sql/018_forgetting.sql): the tombstone keeps no personal
	 * data but the record's number; the suppression list keyed hashes of
	 * an erased person's email, phone, name and postal code, who objected
	 */
	NOPD("customer_tombstones", "id"),
	ANN("customer_tombstones", "number", PC_REFERENCE, PP_RIGHTS, PB_LEGAL,
	    RC_AUDIT, S_CUST, PR_STAFF),
	NOPD("customer_tombstones", "kind"),
	NOPD("customer_tombstones", "at"),
	NOPD("customer_tombstones", "reference"),
	RI("suppressions", "hash", PC_BANS),
	NOPD("suppressions", "kind"),
	RI("suppressions", "since", PC_BANS),
	/* an update file between its check and apply */
	NOPD("import_uploads", "id"),
	ANN("import_uploads", "user_id", PC_REFERENCE, PP_CUSTOMER, PB_CONTRACT,
	    RC_UPLOAD, PS_STAFF, PR_STAFF),
	NOPD("import_uploads", "created_at"),
	ANN("import_uploads", "filename", PC_FREE_TEXT, PP_CUSTOMER, PB_CONTRACT,
	    RC_UPLOAD, S_CUST, PR_STAFF),
	NOPD("import_uploads", "charset"),
	NOPD("import_uploads", "source"),
	ANN("import_uploads", "data", PC_CONTACT, PP_CUSTOMER, PB_CONTRACT,
	    RC_UPLOAD, S_CUST, PR_STAFF),
	/* data-subject requests and their cases */
	NOPD("requests", "id"),
	RQ("requests", "number", PC_REQUEST),
	RQ("requests", "received", PC_REQUEST),
	RQ("requests", "deadline", PC_REQUEST),
	RQ("requests", "types", PC_REQUEST),
	RQ("requests", "lang", PC_REQUEST),
	RQ("requests", "name", PC_IDENTITY),
	RQ("requests", "organisation", PC_ORGANISATION),
	RQ("requests", "email", PC_CONTACT),
	RQ("requests", "phone", PC_CONTACT),
	RQ("requests", "address", PC_CONTACT),
	RQ("requests", "customer_number", PC_REFERENCE),
	RQ("requests", "free_text", PC_FREE_TEXT),
	RQ("requests", "text_sha256", PC_REQUEST),
	RQ("requests", "key_id", PC_REQUEST),
	RQ("requests", "code", PC_REQUEST),
	NOPD("requests", "form_id"),
	RQ("requests", "token_hash", PC_CREDENTIALS),
	RQ("requests", "confirm_hash", PC_CREDENTIALS),
	RQ("requests", "email_confirmed_at", PC_IDENTITY_CHECK),
	RQ("requests", "mail_state", PC_REQUEST),
	RQ("requests", "status", PC_REQUEST),
	RQ("requests", "identity_method", PC_IDENTITY_CHECK),
	RQ("requests", "identity_note", PC_IDENTITY_CHECK),
	RQ("requests", "identity_by", PC_REFERENCE),
	RQ("requests", "identity_at", PC_IDENTITY_CHECK),
	RQ("requests", "paper_received_at", PC_IDENTITY_CHECK),
	RQ("requests", "paper_by", PC_REFERENCE),
	RQ("requests", "asked_at", PC_REQUEST),
	RQ("requests", "closed_at", PC_REQUEST),
	RQ("requests", "closed_by", PC_REFERENCE),
	RQ("request_customers", "request_id", PC_REFERENCE),
	RQ("request_customers", "customer_id", PC_REFERENCE),
	RQ("request_customers", "linked_by", PC_REFERENCE),
	RQ("request_customers", "linked_at", PC_REQUEST),
	/* requests.channel: how it came in (manual intake, sql/014_intake.sql) */
	RQ("requests", "channel", PC_REQUEST),
	/* the extension (sql/012_letters.sql, GDPR Art. 12(3)) */
	RQ("requests", "extended_at", PC_REQUEST),
	RQ("requests", "extended_by", PC_REFERENCE),
	RQ("requests", "extension_months", PC_REQUEST),
	RQ("requests", "extended_deadline", PC_REQUEST),
	RQ("requests", "extension_reasons", PC_FREE_TEXT),
	/* the letters to the person: kept unchanged once sent (sql/012_letters.sql) */
	NOPD("request_letters", "id"),
	RQ("request_letters", "request_id", PC_REFERENCE),
	RQ("request_letters", "kind", PC_REQUEST),
	RQ("request_letters", "created_at", PC_REQUEST),
	RQ("request_letters", "created_by", PC_REFERENCE),
	RQ("request_letters", "sent_at", PC_REQUEST),
	RQ("request_letters", "sent_by", PC_REFERENCE),
	RQ("request_letters", "sent_via", PC_REQUEST),
	RQ("request_letters", "content", PC_REQUEST),
	RQ("request_letters", "sha256", PC_REQUEST),
	/* reports sent with an answer (Art. 15, 20; sql/020_reports.sql) */
	NOPD("request_reports", "id"),
	RQ("request_reports", "request_id", PC_REFERENCE),
	RQ("request_reports", "customer_id", PC_REFERENCE),
	RQ("request_reports", "kind", PC_REQUEST),
	RQ("request_reports", "format", PC_REQUEST),
	RQ("request_reports", "sent_at", PC_REQUEST),
	RQ("request_reports", "sent_by", PC_REFERENCE),
	RQ("request_reports", "sent_via", PC_REQUEST),
	RQ("request_reports", "content", PC_REQUEST),
	RQ("request_reports", "sha256", PC_REQUEST),
	RQ("letter_parts", "letter_id", PC_REFERENCE),
	NOPD("letter_parts", "seq"),
	NOPD("letter_parts", "name"),
	RQ("letter_parts", "value", PC_FREE_TEXT),
	NOPD("request_steps", "id"),
	RQ("request_steps", "request_id", PC_REFERENCE),
	RQ("request_steps", "at", PC_REQUEST),
	RQ("request_steps", "user_id", PC_REFERENCE),
	RQ("request_steps", "action", PC_REQUEST),
	RQ("request_steps", "note", PC_FREE_TEXT),
	/* the form's rate limit keeps a keyed hash of the address, not the address */
	ANN("request_rate", "addr_hash", PC_TECHNICAL, PP_SECURITY, PB_LEGAL,
	    RC_RATE, PS_REQUESTER, PR_STAFF),
	NOPD("request_rate", "minute"),
	NOPD("request_rate", "n"),
	/*
	 * the mail outbox (sql/013_outbox.sql): a requester's confirmation, the
	 * contact person's notice, the daily summary, letters sent by email;
	 * address and body emptied once sent or given up
	 */
	NOPD("outbox", "id"),
	ANN("outbox", "to_addr", PC_CONTACT, PP_RIGHTS, PB_LEGAL, RC_OUTBOX,
	    PS_REQUESTER | PS_STAFF, PR_STAFF),
	ANN("outbox", "subject", PC_REQUEST, PP_RIGHTS, PB_LEGAL, RC_OUTBOX,
	    PS_REQUESTER, PR_STAFF),
	ANN("outbox", "body", PC_FREE_TEXT, PP_RIGHTS, PB_LEGAL, RC_OUTBOX,
	    PS_REQUESTER, PR_STAFF),
	NOPD("outbox", "ref_kind"),
	RQ("outbox", "ref_id", PC_REFERENCE),
	NOPD("outbox", "created"),
	NOPD("outbox", "state"),
	NOPD("outbox", "attempts"),
	NOPD("outbox", "next_try"),
	NOPD("outbox", "last_try"),
	NOPD("outbox", "last_error"),
	NOPD("outbox", "sent_at"),
	/* staff and their sign-in */
	NOPD("users", "id"),
	SE("users", "username", PC_ACCOUNT, RC_STAFF),
	SE("users", "display_name", PC_IDENTITY, RC_STAFF),
	SE("users", "role", PC_ACCOUNT, RC_STAFF),
	SE("users", "nda_signed", PC_ACCOUNT, RC_STAFF),
	SE("users", "active", PC_ACCOUNT, RC_STAFF),
	SE("users", "password_hash", PC_CREDENTIALS, RC_STAFF),
	SE("users", "must_change", PC_ACCOUNT, RC_STAFF),
	SE("users", "totp_secret", PC_CREDENTIALS, RC_STAFF),
	SE("users", "totp_last_step", PC_CREDENTIALS, RC_STAFF),
	SE("users", "created_at", PC_ACCOUNT, RC_STAFF),
	SE("users", "totp_pending", PC_CREDENTIALS, RC_STAFF),
	SE("users", "one_time_at", PC_CREDENTIALS, RC_STAFF),
	NOPD("recovery_codes", "id"),
	SE("recovery_codes", "user_id", PC_REFERENCE, RC_STAFF),
	SE("recovery_codes", "code_hash", PC_CREDENTIALS, RC_STAFF),
	SE("recovery_codes", "used_at", PC_ACTIVITY, RC_STAFF),
	SE("sessions", "id_hash", PC_CREDENTIALS, RC_SESSION),
	SE("sessions", "user_id", PC_REFERENCE, RC_SESSION),
	SE("sessions", "csrf", PC_CREDENTIALS, RC_SESSION),
	SE("sessions", "created_at", PC_ACTIVITY, RC_SESSION),
	SE("sessions", "seen_at", PC_ACTIVITY, RC_SESSION),
	NOPD("sessions", "pending"),
	SE("login_failures", "username", PC_ACCOUNT, RC_SIGNIN),
	SE("login_failures", "client", PC_TECHNICAL, RC_SIGNIN),
	SE("login_failures", "at", PC_ACTIVITY, RC_SIGNIN),
	/* the audit log: ids only, never a customer's data (docs/audit.md) */
	NOPD("audit_log", "id"),
	SE("audit_log", "at", PC_ACTIVITY, RC_AUDIT),
	SE("audit_log", "user_id", PC_REFERENCE, RC_AUDIT),
	SE("audit_log", "username", PC_ACCOUNT, RC_AUDIT),
	SE("audit_log", "client", PC_TECHNICAL, RC_AUDIT),
	SE("audit_log", "action", PC_ACTIVITY, RC_AUDIT),
	SE("audit_log", "object_type", PC_ACTIVITY, RC_AUDIT),
	SE("audit_log", "object_id", PC_REFERENCE, RC_AUDIT),
	SE("audit_log", "summary", PC_ACTIVITY, RC_AUDIT),
	NOPD("audit_log", "prev_hash"),
	NOPD("audit_log", "hash"),
	/* the retention run (sql/022_retention.sql): counts and hashes only */
	NOPD("retention_runs", "id"),
	NOPD("retention_runs", "started_at"),
	NOPD("retention_runs", "judged_at"),
	NOPD("retention_runs", "apply"),
	NOPD("retention_runs", "state"),
	NOPD("retention_runs", "finished_at"),
	NOPD("retention_runs", "class"),
	NOPD("retention_runs", "batches"),
	NOPD("retention_counts", "run_id"),
	NOPD("retention_counts", "class"),
	NOPD("retention_counts", "due"),
	NOPD("retention_counts", "done"),
	NOPD("audit_anchor", "id"),
	NOPD("audit_anchor", "first_id"),
	NOPD("audit_anchor", "prev_hash"),
	NOPD("audit_anchor", "cut_at"),
	NOPD("audit_anchor", "run_id"),
	NOPD("retention_permit", "id"),
	NOPD("retention_permit", "open"),
	/* the notice names the controller's contact person */
	NOPD("notice_facts", "version_id"),
	NOPD("notice_facts", "lang"),
	NOPD("notice_facts", "title"),
	NOPD("notice_facts", "register_name"),
	NOPD("notice_facts", "controller_name"),
	NOPD("notice_facts", "controller_address"),
	NO("controller_phone", PC_CONTACT),
	NO("controller_email", PC_CONTACT),
	NO("contact_name", PC_IDENTITY),
	NO("contact_phone", PC_CONTACT),
	NO("contact_email", PC_CONTACT),
	/* the breach register (Art. 33(5)): facts about an event; free text may name people */
	NOPD("breach_entries", "id"),
	NOPD("breach_entries", "breach_id"),
	BR("recorded_at", PC_ACTIVITY, PS_STAFF),
	BR("recorded_by", PC_REFERENCE, PS_STAFF),
	NOPD("breach_entries", "occurred_at"),
	NOPD("breach_entries", "aware_at"),
	BR("what", PC_FREE_TEXT, S_ALL),
	NOPD("breach_entries", "people_categories"),
	NOPD("breach_entries", "people_count"),
	NOPD("breach_entries", "record_categories"),
	NOPD("breach_entries", "record_count"),
	BR("consequences", PC_FREE_TEXT, S_ALL),
	BR("measures", PC_FREE_TEXT, S_ALL),
	NOPD("breach_entries", "notified_at"),
	BR("late_reasons", PC_FREE_TEXT, S_ALL),
	BR("not_notified_reasons", PC_FREE_TEXT, S_ALL),
	NOPD("breach_entries", "tell_people"),
	NOPD("breach_entries", "told_at"),
	BR("tell_reasons", PC_FREE_TEXT, S_ALL),
	BR("note", PC_FREE_TEXT, S_ALL),
	/* who is affected: the query saved as a set, and the letters (Art. 34) */
	NOPD("breach_affected_sets", "id"),
	NOPD("breach_affected_sets", "breach_id"),
	BX("breach_affected_sets", "saved_at", PC_ACTIVITY, PS_STAFF),
	BX("breach_affected_sets", "saved_by", PC_REFERENCE, PS_STAFF),
	NOPD("breach_affected_sets", "access"),
	NOPD("breach_affected_sets", "from_at"),
	NOPD("breach_affected_sets", "to_at"),
	BX("breach_affected_sets", "staff", PC_ACCOUNT, PS_STAFF),
	NOPD("breach_affected_sets", "role"),
	NOPD("breach_affected_sets", "customers"),
	NOPD("breach_affected", "set_id"),
	BX("breach_affected", "customer_id", PC_REFERENCE, S_CUSTS),
	NOPD("breach_letters", "id"),
	NOPD("breach_letters", "breach_id"),
	NOPD("breach_letters", "entry_id"),
	NOPD("breach_letters", "set_id"),
	BX("breach_letters", "customer_id", PC_REFERENCE, S_CUSTS),
	BX("breach_letters", "lang", PC_STATE, S_CUSTS),
	BX("breach_letters", "via", PC_STATE, S_CUSTS),
	BX("breach_letters", "sent_at", PC_ACTIVITY, S_CUSTS),
	BX("breach_letters", "sent_by", PC_REFERENCE, PS_STAFF),
	NOPD("breach_letters", "outbox_id"),
};

/* Tables that hold no personal data, each with why. */
static const struct {
	const char	*table, *why;
} exempt[] = {
	{ "settings", "the register's own settings" },
	{ "notice_versions", "version numbers and dates" },
	{ "notice_sections", "the notice's text" },
	{ "request_secret", "the key of the form's tokens" },
	{ "customers_fts_config", "the search index's storage (customers_fts)" },
	{ "customers_fts_data", "the search index's storage (customers_fts)" },
	{ "customers_fts_docsize", "the search index's storage (customers_fts)" },
	{ "customers_fts_idx", "the search index's storage (customers_fts)" },
	{ "schema_migrations", "the migrations run" },
	{ "breaches", "a breach's number and when it was entered" },
};

const struct pd_column *
processing_columns(size_t *n)
{
	*n = sizeof(columns) / sizeof(columns[0]);
	return columns;
}

int
processing_table_exempt(const char *table, const char **why)
{
	for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		if (strcmp(exempt[i].table, table) == 0) {
			if (why != NULL)
				*why = exempt[i].why;
			return 1;
		}
	return 0;
}

static const struct pd_column *
annotation(const char *table, const char *column)
{
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (strcmp(columns[i].table, table) == 0 &&
		    strcmp(columns[i].column, column) == 0)
			return &columns[i];
	return NULL;
}

int
processing_check_schema(sqlite3 *db, struct buf *report)
{
	static const char tables_sql[] =
	    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT"
	    " LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
	static const char columns_sql[] =
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
	sqlite3_stmt *t = NULL, *c = NULL;
	int problems = 0, rc;

	if (sqlite3_prepare_v2(db, tables_sql, -1, &t, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, columns_sql, -1, &c, NULL) != SQLITE_OK) {
		sqlite3_finalize(t);
		return -1;
	}
	while ((rc = sqlite3_step(t)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(t, 0);

		if (processing_table_exempt(table, NULL))
			continue;
		sqlite3_bind_text(c, 1, table, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(c)) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(c, 0);

			if (annotation(table, col) != NULL)
				continue;
			buf_addf(report, "%s.%s has no annotation in lib/processing.c "
			    "(purpose, legal basis, category, retention class, "
			    "recipients; NOPD when it holds no personal data, or the "
			    "table among those exempt)\n", table, col);
			problems++;
		}
		sqlite3_reset(c);
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(t);
	if (rc != SQLITE_DONE) {
		sqlite3_finalize(c);
		return -1;
	}
	/* the other way round: no annotation of a column that is gone */
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		int there;

		sqlite3_bind_text(c, 1, columns[i].table, -1, SQLITE_STATIC);
		there = 0;
		while (sqlite3_step(c) == SQLITE_ROW)
			there |= strcmp((const char *)sqlite3_column_text(c, 0),
			    columns[i].column) == 0;
		sqlite3_reset(c);
		if (!there) {
			buf_addf(report, "%s.%s is annotated in lib/processing.c "
			    "but is not in the schema\n", columns[i].table,
			    columns[i].column);
			problems++;
		}
	}
	sqlite3_finalize(c);
	return problems;
}

void
processing_activities(struct pd_activity out[PP__MAX])
{
	memset(out, 0, PP__MAX * sizeof(*out));
	for (int p = 0; p < PP__MAX; p++)
		out[p].purpose = (enum pd_purpose)p;
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		const struct pd_column *c = &columns[i];
		struct pd_activity *a = &out[c->purpose];

		if (c->category == PC_NONE)
			continue;
		a->bases |= 1u << c->basis;
		a->categories |= 1u << c->category;
		a->subjects |= c->subjects;
		a->recipients |= c->recipients;
		a->retention |= 1u << c->retention;
		a->ncolumns++;
	}
}
