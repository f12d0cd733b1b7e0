/* customer_answers.c — what a data-subject request changes on a record besides its fields: the restriction set and lifted (the person told first, GDPR Art. 18(3)) and objections (Art. 21), each with the request's ticket number. See customer.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "customer.h"
#include "customer_int.h"
#include "db.h"
#include "fmt.h"
#include "log.h"
#include "text.h"
#include "validate.h"

/* Every statement of this file. */
enum astmt { A_RESTRICTED, A_SET, A__MAX };
static const char *const sql[A__MAX] = {
	[A_RESTRICTED] = "SELECT restricted FROM customers WHERE id = ?1",
	[A_SET] = "UPDATE customers SET restricted = ?2, restricted_reason = ?3,"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
};

const enum cpurpose cmarketing_purposes[CP_MARKETING] = {
	CP_ADVERTISING, CP_DISTANCE_SELLING, CP_DIRECT_MARKETING, CP_RESEARCH,
};

const char *const ctold_names[] = {
	"letter", "email", "phone", "in_person", "other", NULL,
};

const char *const cobjection_names[COBJ__MAX] = {
	"direct_marketing", "processing",
};

/* Record id's restricted flag: 1, 0, 2 when there is no record, -1 on error. */
static int
restricted_state(sqlite3 *db, long long id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_prep(db, sql, A_RESTRICTED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) ? 1 : 0;
	else
		rc = rc == SQLITE_DONE ? 2 : -1;
	sqlite3_finalize(st);
	return rc;
}

int
customer_is_restricted(sqlite3 *db, long long id)
{
	int rc = restricted_state(db, id);

	return rc == 2 ? 0 : rc;
}

/*
 * How a change came (via and reference, as customer_ban takes them): NULL
 * when good, else the message key.
 */
static const char *
via_check(const char *via, const char *reference)
{
	if (!customer_in_list(via, cvia_names, 0))
		return "cust.err.via";
	if (reference == NULL || strlen(reference) > 100 ||
	    !text_valid(reference, strlen(reference)) ||
	    strpbrk(reference, "\t\r\n") != NULL)
		return "cust.err.reference";
	/* a change from a request names the request */
	if (strcmp(via, "request") == 0 && reference[0] == '\0')
		return "cust.err.reference";
	return NULL;
}

/* The source of a history row for a change that came via: the person's own for a request. */
static enum csource
via_source(const char *via)
{
	return strcmp(via, "request") == 0 ? CS_CUSTOMER : CS_STAFF;
}

/* Refused with key: *why, 1. */
static int
refuse(const char **why, const char *key)
{
	*why = key;
	return 1;
}

int
customer_restriction(sqlite3 *db, long long id, const struct crestriction *r,
    long long user_id, time_t now, const char **why)
{
	char clean[1024], today[11], told[64];
	enum csource src;
	const char *e, *ref;
	struct tm tm;
	int state;

	*why = NULL;
	if (r->reason == NULL || val_text(r->reason, 300, clean,
	    sizeof(clean)) != NULL || clean[0] == '\0')
		return refuse(why, "cust.err.reason");
	if ((e = via_check(r->via, r->reference)) != NULL)
		return refuse(why, e);
	ref = strcmp(r->via, "request") == 0 ? r->reference : "";
	src = via_source(r->via);
	if ((state = restricted_state(db, id)) < 0)
		return -1;
	if (state == 2)
		return refuse(why, "request.none");
	if (r->on && state == 1)
		return refuse(why, "cust.err.restricted_already");
	if (!r->on && state == 0)
		return refuse(why, "cust.err.not_restricted");
	if (!r->on) {
		/*
		 * GDPR Art. 18(3): the person "shall be informed by the
		 * controller before the restriction of processing is lifted":
		 * a day of telling that is not after today (Helsinki).
		 */
		if (r->told_on == NULL || r->told_on[0] == '\0')
			return refuse(why, "cust.err.told_on");
		if (strlen(r->told_on) != 10 || fmt_parse_date(r->told_on, &tm) != 0)
			return refuse(why, "cust.err.told_on");
		if (fmt_local_date(now, today) != 0)
			return -1;
		if (strcmp(r->told_on, today) > 0)
			return refuse(why, "cust.err.told_future");
		if (!customer_in_list(r->told_how, ctold_names, 0))
			return refuse(why, "cust.err.told_how");
		snprintf(told, sizeof(told), "%s %s", r->told_on, r->told_how);
		if (customer_history_ref(db, id, "restriction_told", "", told,
		    user_id, src, ref) != 0)
			return -1;
	}
	{
		sqlite3_stmt *st;
		int rc;

		if ((st = db_prep(db, sql, A_SET)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, r->on ? 1 : 0);
		sqlite3_bind_text(st, 3, r->on ? clean : "", -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || sqlite3_changes(db) != 1)
			return -1;
	}
	return customer_history_ref(db, id, r->on ? "restricted" :
	    "restriction_lifted", "", clean, user_id, src, ref) == 0 ? 0 : -1;
}

int
customer_objection(sqlite3 *db, long long id, enum cobjection kind, int upheld,
    const char *reason, const char *via, const char *reference,
    const char *since, long long user_id, const char **why)
{
	struct buf what = BUF_INIT;
	char clean[1024], field[48];
	const char *e;
	struct tm tm;
	int rc, state;

	*why = NULL;
	if ((int)kind < 0 || kind >= COBJ__MAX)
		return -1;
	if (reason == NULL || val_text(reason, 300, clean, sizeof(clean)) != NULL)
		return refuse(why, "cust.err.reason");
	if ((e = via_check(via, reference)) != NULL)
		return refuse(why, e);
	if (since == NULL || fmt_parse_date(since, &tm) != 0)
		return refuse(why, "cust.err.since");
	/* GDPR Art. 21(3): an objection to direct marketing is never refused */
	if (kind == COBJ_DIRECT_MARKETING && !upheld)
		return refuse(why, "cust.err.objection_absolute");
	/* Art. 12(4), 21(1): a refusal gives its reasons */
	if (!upheld && clean[0] == '\0')
		return refuse(why, "cust.err.reason");
	if ((state = restricted_state(db, id)) < 0)
		return -1;
	if (state == 2)
		return refuse(why, "request.none");
	if (kind == COBJ_DIRECT_MARKETING)
		for (int i = 0; i < CP_MARKETING; i++)
			if (customer_ban(db, id, cpurpose_names[cmarketing_purposes[i]],
			    via, reference, since, user_id) != 0)
				return -1;
	snprintf(field, sizeof(field), "objection.%s", cobjection_names[kind]);
	buf_addf(&what, "%s %s%s%s", since, upheld ? "upheld" : "refused",
	    clean[0] ? ": " : "", clean);
	rc = customer_history_ref(db, id, field, "", buf_cstr(&what), user_id,
	    via_source(via), strcmp(via, "request") == 0 ? reference : "");
	buf_free(&what);
	return rc == 0 ? 0 : -1;
}
