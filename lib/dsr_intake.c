/* dsr_intake.c — manual intake: a request that came by letter, email, phone or in person, registered by staff with its real day of receipt. Staff only: the public executable links none of this (tests/sh/test_layout.sh). See dsr.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "dsr.h"
#include "dsr_int.h"
#include "fmt.h"
#include "log.h"
#include "validate.h"

#define NOTE_MAX	500	/* characters of the registering note */

/* y-m-d as "YYYY-MM-DD" into out[11]. */
static void
ymd(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
}

void
dsr_receipt_bounds(time_t now, char oldest[11], char today[11])
{
	struct tm n;

	localtime_r(&now, &n);
	ymd(today, n.tm_year + 1900, n.tm_mon + 1, n.tm_mday);
	/* a year back at most: the same day (28 February for a 29th) */
	ymd(oldest, n.tm_year + 1900 - 1, n.tm_mon + 1,
	    n.tm_mon == 1 && n.tm_mday == 29 ? 28 : n.tm_mday);
}

int
dsr_receipt(const char *date, time_t now, char received[24],
    const char **why)
{
	char iso[16], today[11], oldest[11];
	struct tm t, n;
	time_t noon;

	received[0] = '\0';
	*why = "intake.err.date";
	if (date == NULL || strlen(date) > 10)
		return 1;
	/* the form's date field sends YYYY-MM-DD; people may type 31.1.2026 */
	if (fmt_parse_date(date, &t) == 0)
		snprintf(iso, sizeof(iso), "%s", date);
	else if (fmt_parse_fi_date(date, iso, sizeof(iso)) != 0 ||
	    fmt_parse_date(iso, &t) != 0)
		return 1;
	dsr_receipt_bounds(now, oldest, today);
	if (strcmp(iso, today) > 0) {
		*why = "intake.err.future";
		return 1;
	}
	if (strcmp(iso, oldest) < 0) {
		*why = "intake.err.too_old";
		return 1;
	}
	*why = NULL;
	if (strcmp(iso, today) == 0)
		noon = now;
	else {
		/* only the day is known: noon in Helsinki is that day in UTC too */
		t.tm_hour = 12;
		t.tm_min = t.tm_sec = 0;
		t.tm_isdst = -1;
		if ((noon = mktime(&t)) == (time_t)-1)
			return -1;
	}
	gmtime_r(&noon, &n);
	strftime(received, 24, "%Y-%m-%dT%H:%M:%SZ", &n);
	return 0;
}

int
dsr_register(sqlite3 *db, const struct ticket_keys *keys,
    const struct dsr_form *f, enum dsr_channel ch, const char *date,
    time_t now, enum lang lang, int mail, long long user_id,
    const char *note, struct dsr_stored *out, const char **why)
{
	char received[24], clean[NOTE_MAX * 4 + 1], form_id[DSR_FORM_ID_HEX];
	unsigned char b[16];
	struct dsr_origin o;
	struct buf step = BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (ch == DCH_FORM || (unsigned)ch >= DCH__MAX || user_id <= 0)
		return -1;
	if ((rc = dsr_receipt(date, now, received, why)) != 0)
		return rc;
	if (val_text(note ? note : "", NOTE_MAX, clean, sizeof(clean)) != NULL) {
		*why = "request.err.note";
		return 1;
	}
	/* no form token: a fresh id keeps requests.form_id unique */
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(form_id, sizeof(form_id), b, sizeof(b));
	memset(&o, 0, sizeof(o));
	o.form_id = form_id;
	o.client = NULL;	/* staff: the public form's rate limit does not apply */
	o.received = received;
	o.channel = ch;
	o.lang = lang;
	o.mail = mail;
	if (dsr_store_one(db, keys, f, &o, out) != RQ_STORED)
		return -1;
	/* the case's first step: who registered it, how it came, the note */
	buf_adds(&step, dsr_channel_names[ch]);
	if (clean[0] != '\0')
		buf_addf(&step, ": %s", clean);
	rc = dsr_step(db, out->id, user_id, "registered", buf_cstr(&step));
	buf_free(&step);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}
