/* processing.h — what personal data the register keeps and why, column by column: the annotations behind the record of processing activities (GDPR Art. 30(1)), checked against the schema. */
#ifndef REKISTERI_PROCESSING_H
#define REKISTERI_PROCESSING_H

#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "i18n.h"
#include "retention_class.h"

/* Why (Art. 30(1)(b)): one processing activity each. */
enum pd_purpose {
	PP_CUSTOMER,	/* the customer relationship: orders, billing, lists */
	PP_RIGHTS,	/* the data subjects' rights: requests, bans, corrections told on */
	PP_SECURITY,	/* security and accountability: staff access, the audit log */
	PP_NOTICE,	/* the privacy notice, which names the contact person */
	PP_BREACH,	/* documenting personal-data breaches (Art. 33(5)) */
	PP__MAX
};

/* On what ground (Art. 6(1)). */
enum pd_basis {
	PB_CONTRACT,	/* Art. 6(1)(b): the notice's "oikeusperusteena on sopimus" */
	PB_LEGAL,	/* Art. 6(1)(c): a legal obligation (GDPR itself, Accounting Act) */
	PB__MAX
};

/* What (Art. 30(1)(c)). PC_NONE: the column holds no personal data. */
enum pd_category {
	PC_NONE,
	PC_IDENTITY,	/* names, customer numbers */
	PC_ORGANISATION,	/* the organisation represented, contact-person role */
	PC_CONTACT,	/* addresses, email, phone, www */
	PC_BILLING,	/* billing address, business id, e-invoicing */
	PC_ORDERS,	/* orders */
	PC_TECHNICAL,	/* IP and client addresses */
	PC_FREE_TEXT,	/* notes and free text that may say anything */
	PC_STATE,	/* relationship dates, restriction */
	PC_BANS,	/* bans and objections */
	PC_HISTORY,	/* changes: old and new values, who, source */
	PC_DISCLOSURES,	/* to whom data was disclosed */
	PC_REQUEST,	/* a request's content, ticket and case */
	PC_IDENTITY_CHECK,	/* how the requester's identity was checked */
	PC_REFERENCE,	/* a link to a person's record */
	PC_ACCOUNT,	/* staff accounts: username, role, NDA date */
	PC_CREDENTIALS,	/* password and code hashes, session tokens */
	PC_ACTIVITY,	/* what staff did and when */
	PC__MAX
};

/* Whose (Art. 30(1)(c)), bits. */
enum {
	PS_CUSTOMER	= 1 << 0,	/* customers */
	PS_CONTACT	= 1 << 1,	/* organisations' contact persons */
	PS_REQUESTER	= 1 << 2,	/* people who make requests */
	PS_STAFF	= 1 << 3,	/* the controller's staff */
	PS__BITS	= 4
};

/* To whom (Art. 30(1)(d)), bits; from the notice's recipients and disclosures. */
enum {
	PR_STAFF	= 1 << 0,	/* the controller's staff */
	PR_ACCOUNTING	= 1 << 1,	/* outsourced financial administration */
	PR_CREDIT	= 1 << 2,	/* credit decisions, collection, invoicing */
	PR_AUTHORITIES	= 1 << 3,	/* authorities, where the law requires */
	PR_PUBLIC	= 1 << 4,	/* anyone: published on the notice */
	PR__BITS	= 5
};

/* One column's annotation. */
struct pd_column {
	const char		*table;
	const char		*column;
	enum pd_category	 category;
	enum pd_purpose		 purpose;
	enum pd_basis		 basis;
	enum retention_class	 retention;
	unsigned		 subjects;	/* PS_ bits */
	unsigned		 recipients;	/* PR_ bits */
};

/* Every annotation, in one table; *n gets their number. */
const struct pd_column *processing_columns(size_t *n);

/* Non-zero when table holds no personal data at all (its reason into *why, may be NULL). */
int	 processing_table_exempt(const char *table, const char **why);

/*
 * Compare the annotations with db's schema: every column of every table
 * that is not exempt must have an annotation, and every annotation must
 * name a column that exists. Each problem is a line in report naming
 * table.column. Returns the number of problems, or -1 on a database error.
 */
int	 processing_check_schema(sqlite3 *, struct buf *report);

/* Names, in lang. */
const char *pd_purpose_name(enum pd_purpose, enum lang);
const char *pd_basis_name(enum pd_basis, enum lang);
const char *pd_category_name(enum pd_category, enum lang);
const char *pd_subject_name(int bit, enum lang);	/* bit: 0..PS__BITS-1 */
const char *pd_recipient_name(int bit, enum lang);	/* bit: 0..PR__BITS-1 */
/* The built-in security measures: NULL after the last. */
const char *pd_security_measure(size_t i, enum lang);

/* One processing activity of the record, gathered from the annotations. */
struct pd_activity {
	enum pd_purpose	 purpose;
	unsigned	 bases;		/* 1 << enum pd_basis */
	unsigned	 categories;	/* 1 << enum pd_category, PC_NONE never */
	unsigned	 subjects;
	unsigned	 recipients;
	unsigned	 retention;	/* 1 << enum retention_class */
	size_t		 ncolumns;
};

/* The record's activities, one per purpose (out[PP__MAX]). */
void	 processing_activities(struct pd_activity out[PP__MAX]);

/* What the config adds to the record (conf.h [controller]); NULL or "" where unset. */
struct pd_controller {
	const char	*name, *address, *phone, *email;
	const char	*contact_name, *contact_phone, *contact_email;
	const char	*security;	/* the organisation's own measures, as written */
	const char	*transfers;	/* transfers outside the EU/EEA; unset: none */
};

/*
 * The record as JSON (docs/compliance.md), every text in both languages,
 * built by SQLite's JSON functions on db (any connection), into out;
 * generated is the day it was made (YYYY-MM-DD). 0 or -1.
 */
int	 processing_json(sqlite3 *, const struct pd_controller *,
	    const char *generated, struct buf *out);

#endif
