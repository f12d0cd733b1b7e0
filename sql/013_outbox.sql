-- 013_outbox.sql — mail that is never lost silently (#12, docs/requests.md
-- "Mail and the outbox"): a message that could not be delivered at once, or
-- that a batch job queues, waits here and is retried with back-off by
-- `rekisteri mail run` until it is sent or, after [mail] give_up_days, marked
-- failed for good and still shown to staff. Each attempt is recorded on the
-- row (attempts, last_try, last_error as a kind: never a message text, no
-- addresses). The address and the body may hold personal data (and a
-- confirmation's links): they are emptied once the message is sent or
-- given up.

CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	to_addr		TEXT NOT NULL,		-- '' once sent or given up
	subject		TEXT NOT NULL,
	body		TEXT NOT NULL,		-- '' once sent or given up
	-- what the mail is about: 'request' or 'request.WHAT' when ref_id is
	-- a requests.id (the dashboard links it), 'digest', ...
	ref_kind	TEXT NOT NULL DEFAULT '' CHECK (length(ref_kind) <= 40),
	ref_id		INTEGER NOT NULL DEFAULT 0,
	created		TEXT NOT NULL,		-- UTC, 2026-11-25T16:46:09Z
	state		TEXT NOT NULL DEFAULT 'pending'
			    CHECK (state IN ('pending', 'sent', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_try	TEXT,			-- UTC; set while pending, only then
	last_try	TEXT,			-- UTC of the latest attempt
	-- why the latest attempt failed: sendmail exited non-zero or could not
	-- run; the message could not be built (a bad address); no sendmail is
	-- configured; the attempt did not finish (the run was stopped)
	last_error	TEXT NOT NULL DEFAULT '' CHECK (last_error IN ('',
			    'sendmail', 'format', 'no_sendmail', 'interrupted')),
	sent_at		TEXT,			-- UTC, when sendmail took it
	CHECK ((state = 'pending') = (next_try IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_try);

-- A confirmation to the requester delivered on a retry: the request's
-- mail_state (shown on the ticket page and the dashboard) says so.
CREATE TRIGGER outbox_confirm_sent AFTER UPDATE OF state ON outbox
WHEN NEW.state = 'sent' AND NEW.ref_kind = 'request.confirm'
BEGIN
	UPDATE requests SET mail_state = 'sent' WHERE id = NEW.ref_id;
END;
