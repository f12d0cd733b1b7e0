-- 022_retention.sql — the retention run (#14, docs/retention.md "Retention
-- run"): each run with the clock it judged by and its counts per class,
-- committed batch by batch with the batch's changes (so a killed run leaves
-- every batch done or not, and its counts say exactly what was done); the
-- anchor of the audit log's first kept row once older rows are cut; and the
-- permit that the retention run alone opens, inside its own transaction,
-- to delete what triggers otherwise refuse (old audit rows, sent letters
-- and reports of closed requests). The permit is set back to 0 before each COMMIT, so it
-- is never open in a committed state.

CREATE TABLE retention_runs (
	id		INTEGER PRIMARY KEY,
	started_at	TEXT NOT NULL,		-- UTC, the wall clock
	judged_at	TEXT NOT NULL,		-- UTC, the "now" the periods count back from
	apply		INTEGER NOT NULL CHECK (apply IN (0, 1)),
	state		TEXT NOT NULL DEFAULT 'running'
			    CHECK (state IN ('running', 'done', 'interrupted')),
	finished_at	TEXT,			-- UTC
	class		TEXT NOT NULL DEFAULT '',	-- the resume marker: the class being worked on
	batches		INTEGER NOT NULL DEFAULT 0 CHECK (batches >= 0),
	CHECK ((state = 'running') = (finished_at IS NULL))
) STRICT;

-- Rows changed per run and class (deleted or emptied), updated in the same
-- transaction as each batch; for a dry run, what was due.
CREATE TABLE retention_counts (
	run_id		INTEGER NOT NULL REFERENCES retention_runs (id),
	class		TEXT NOT NULL,
	due		INTEGER NOT NULL DEFAULT 0 CHECK (due >= 0),
	done		INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
	PRIMARY KEY (run_id, class)
) STRICT, WITHOUT ROWID;

-- Where the audit log now starts: the first kept row and its prev_hash
-- (the hash of the last row cut away). audit_verify starts its walk there
-- (docs/audit.md). Append-only.
CREATE TABLE audit_anchor (
	id		INTEGER PRIMARY KEY,
	first_id	INTEGER NOT NULL CHECK (first_id > 1),
	prev_hash	BLOB NOT NULL CHECK (length(prev_hash) = 32),
	cut_at		TEXT NOT NULL,		-- UTC
	run_id		INTEGER REFERENCES retention_runs (id)
) STRICT;
CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_anchor
BEGIN SELECT RAISE(ABORT, 'the audit anchor is append-only'); END;
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
BEGIN SELECT RAISE(ABORT, 'the audit anchor is append-only'); END;
CREATE TRIGGER audit_anchor_forward BEFORE INSERT ON audit_anchor
WHEN NEW.first_id <= (SELECT coalesce(max(first_id), 1) FROM audit_anchor)
BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END;

CREATE TABLE retention_permit (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	open		INTEGER NOT NULL CHECK (open IN (0, 1))
) STRICT;
INSERT INTO retention_permit (id, open) VALUES (1, 0);

-- The audit log stays append-only, except that the retention run may cut
-- rows before the latest anchor.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN (SELECT open FROM retention_permit) = 0 OR
    OLD.id >= (SELECT coalesce(max(first_id), 0) FROM audit_anchor)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A sent letter is kept unchanged; only the retention run removes it, with
-- its closed request.
DROP TRIGGER request_letters_sent_kept;
CREATE TRIGGER request_letters_sent_kept BEFORE DELETE ON request_letters
    WHEN OLD.sent_at IS NOT NULL AND ((SELECT open FROM retention_permit) = 0
    OR (SELECT closed_at FROM requests WHERE id = OLD.request_id) IS NULL)
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be deleted');
END;
DROP TRIGGER letter_parts_sent_kept;
CREATE TRIGGER letter_parts_sent_kept BEFORE DELETE ON letter_parts
    WHEN (SELECT sent_at FROM request_letters WHERE id = OLD.letter_id)
    IS NOT NULL AND ((SELECT open FROM retention_permit) = 0 OR
    (SELECT r.closed_at FROM requests r JOIN request_letters l
    ON l.request_id = r.id WHERE l.id = OLD.letter_id) IS NULL)
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be changed');
END;

-- A report sent with an answer (sql/020_reports.sql) likewise: kept
-- unchanged, removed only by the retention run with its closed request.
DROP TRIGGER request_reports_kept;
CREATE TRIGGER request_reports_kept BEFORE DELETE ON request_reports
    WHEN (SELECT open FROM retention_permit) = 0 OR
    (SELECT closed_at FROM requests WHERE id = OLD.request_id) IS NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent report cannot be deleted');
END;

-- The history's values by age, for the retention of corrected values.
CREATE INDEX customer_history_at ON customer_history (at);
-- Closed requests by closing time.
CREATE INDEX requests_closed ON requests (closed_at) WHERE closed_at IS NOT NULL;
