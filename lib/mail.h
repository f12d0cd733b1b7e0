/* mail.h — mail through the system's sendmail: messages with safe headers, handed over without a shell. */
#ifndef REKISTERI_MAIL_H
#define REKISTERI_MAIL_H

#include "buf.h"

/* One plain-text message. All strings UTF-8. */
struct mail {
	const char	*from;		/* a bare address: local@domain */
	const char	*to;		/* a bare address */
	const char	*subject;	/* one line */
	const char	*body;		/* lines ending in LF */
};

/*
 * The message as sendmail reads it into out: From, To, Subject (RFC 2047
 * base64 encoded-words when it is not ASCII), Date, Message-ID,
 * Auto-Submitted, MIME headers (text/plain; charset=UTF-8, 8bit), a blank
 * line and the body. Nothing from a value can start a header: an address
 * with anything but the characters of a plain address (no white space,
 * CR, LF, quotes, <>, commas, a leading '-'), a subject with a control
 * character, or a body with a control character other than TAB and LF or
 * a line over 998 bytes is refused: -1, and out holds nothing new. 0 when
 * built.
 */
int	 mail_format(const struct mail *, struct buf *out);

/*
 * Build m and hand it to the sendmail program at path (no shell): run as
 * "path -i -- TO" with the message on its standard input, its output and
 * errors to /dev/null. Waits for it, at most 30 seconds (then kills it).
 * 0 when it exited with status 0; -1 otherwise, logged without addresses
 * or contents.
 */
int	 mail_send(const char *path, const struct mail *m);

/*
 * For a process about to enter its sandbox (sandbox.h), which may then
 * neither fork nor execute: fork a helper, outside the sandbox, that runs
 * sendmail for it; mail_send then hands each message to the helper over a
 * Unix socket pair and waits for its answer. The helper keeps nothing of
 * the process but standard error and ends when the process does. 0, or -1
 * (logged; mail_send then runs sendmail itself).
 */
int	 mail_helper_start(void);

#endif
