/* dsr_mail.c — the requester's confirmation mail of a stored request, one implementation for the public form and manual intake. See dsr.h. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "conf.h"
#include "dsr.h"
#include "fmt.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"

/* The public pages the mail links to (cgi-bin/request.c serves them). */
#define TICKET_PATH	"/request/ticket/"
#define CONFIRM_PATH	"/request/confirm/"

void
dsr_mail_retry(sqlite3 *db, const struct mail *m, const char *kind,
    const struct dsr_stored *s)
{
	/* s->id is set by every way a request is stored, the writer's too */
	if (s->id <= 0 || outbox_queue(db, m->to, m->subject, m->body, kind,
	    s->id, time(NULL), 1, NULL) != 0)
		LOG_ERR("cannot queue the failed mail (%s) of %s for a retry",
		    kind, s->number);
}

int
dsr_mail_requester(sqlite3 *db, const struct conf *c,
    const struct i18n *msgs, enum lang l, const char *email,
    const struct dsr_stored *s)
{
	struct buf subj = BUF_INIT, body = BUF_INIT;
	struct mail m;
	char deadline[64];
	int rc;

	if (c->sendmail == NULL || email == NULL || email[0] == '\0' ||
	    s->confirm[0] == '\0')
		return -1;
	fmt_date(deadline, sizeof(deadline), l, s->deadline);
	buf_addf(&subj, "%s %s", i18n_msg(msgs, l, "request.mail.subject"),
	    s->number);
	buf_addf(&body, "%s\n\n%s: %s\n%s: %s\n\n%s\n%s%s%s\n\n%s\n%s%s%s\n\n"
	    "%s\n%s\n",
	    i18n_msg(msgs, l, "request.mail.lead"),
	    i18n_msg(msgs, l, "ticket.number"), s->number,
	    i18n_msg(msgs, l, "ticket.deadline"), deadline,
	    i18n_msg(msgs, l, "request.mail.ticket_link"),
	    c->base_url, TICKET_PATH, s->token,
	    i18n_msg(msgs, l, "request.mail.confirm_link"),
	    c->base_url, CONFIRM_PATH, s->confirm,
	    i18n_msg(msgs, l, "request.mail.not_you"),
	    c->controller_name);
	memset(&m, 0, sizeof(m));
	m.from = c->mail_from ? c->mail_from : c->controller_email;
	m.to = email;
	m.subject = subj.data;
	m.body = body.data;
	rc = mail_send(c->sendmail, &m);
	if (rc != 0) {
		LOG_ERR("confirmation of %s failed; the ticket stands", s->number);
		if (dsr_mail_failed(db, s->number) != 0)
			LOG_ERR("cannot record the failed mail of %s", s->number);
		dsr_mail_retry(db, &m, "request.confirm", s);
	}
	sodium_memzero(body.data, body.len);	/* the links */
	buf_free(&subj);
	buf_free(&body);
	return rc == 0 ? 0 : -1;
}
