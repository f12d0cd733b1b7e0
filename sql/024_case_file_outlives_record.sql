-- 024_case_file_outlives_record.sql — a request's case file outlives the
-- customer record it was about (docs/retention.md, "Erasure and the
-- erasure ledger").
--
-- A stored report (020) and a rectification's told marks (019) belong to
-- the request: they are the controller's evidence that it answered (GDPR
-- Art. 5(2), Art. 17(3)(e)) and go with the request when its own retention
-- ends (the retention run's request class). Their customer_id referred to
-- customers (id), so erasing a record that had them failed on the foreign
-- key. They now keep the id as a plain number, as the breach tables do
-- (023): after an erasure it resolves to the tombstone (018), never to a
-- new person, because erased ids are never given again.

CREATE TABLE request_reports_024 (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	customer_id	INTEGER NOT NULL,	-- customers.id, or a tombstone's
	kind		TEXT NOT NULL CHECK (kind = 'access_report' OR
			    kind = 'portability'),
	format		TEXT NOT NULL CHECK (format = 'html' OR format = 'json'),
	sent_at		TEXT NOT NULL,		-- UTC
	sent_by		INTEGER REFERENCES users (id),
	sent_via	TEXT NOT NULL CHECK (sent_via = 'post' OR sent_via = 'email'),
	content		BLOB NOT NULL,		-- as the person got it
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64)	-- hex of content
) STRICT;
INSERT INTO request_reports_024 SELECT * FROM request_reports;
DROP TABLE request_reports;
ALTER TABLE request_reports_024 RENAME TO request_reports;
CREATE INDEX request_reports_request ON request_reports (request_id, id);
CREATE INDEX request_reports_customer ON request_reports (customer_id);

CREATE TRIGGER request_reports_fixed BEFORE UPDATE ON request_reports
BEGIN
	SELECT RAISE(ABORT, 'a sent report cannot be changed');
END;
-- As in 022: only the retention run removes a report, with its closed request.
CREATE TRIGGER request_reports_kept BEFORE DELETE ON request_reports
    WHEN (SELECT open FROM retention_permit) = 0 OR
    (SELECT closed_at FROM requests WHERE id = OLD.request_id) IS NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent report cannot be deleted');
END;

CREATE TABLE request_told_024 (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	customer_id	INTEGER NOT NULL,	-- customers.id, or a tombstone's
	kind		TEXT NOT NULL CHECK (kind = 'source' OR kind = 'recipient'),
	party		TEXT NOT NULL,
	told_on		TEXT NOT NULL,		-- YYYY-MM-DD, Helsinki
	how		TEXT NOT NULL CHECK (how = 'letter' OR how = 'email' OR
			    how = 'phone' OR how = 'in_person' OR how = 'other'),
	user_id		INTEGER REFERENCES users (id),
	at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (request_id, customer_id, kind, party)
) STRICT;
INSERT INTO request_told_024 SELECT * FROM request_told;
DROP TABLE request_told;
ALTER TABLE request_told_024 RENAME TO request_told;
CREATE INDEX request_told_customer ON request_told (customer_id);
