-- 020_reports.sql — an access report (GDPR Art. 15) or portability file
-- (Art. 20) as it was sent with a request's answer (docs/access-report.md):
-- the bytes the person got with their SHA-256, when, by whom and how. Like
-- a sent letter (012_letters.sql), a stored report is never changed nor
-- deleted; it can be shown again byte for byte.

CREATE TABLE request_reports (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	kind		TEXT NOT NULL CHECK (kind IN ('access_report',
			    'portability')),
	format		TEXT NOT NULL CHECK (format IN ('html', 'json')),
	sent_at		TEXT NOT NULL,		-- UTC
	sent_by		INTEGER REFERENCES users (id),
	sent_via	TEXT NOT NULL CHECK (sent_via IN ('post', 'email')),
	content		BLOB NOT NULL,		-- as the person got it
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64)	-- hex of content
) STRICT;
CREATE INDEX request_reports_request ON request_reports (request_id, id);
CREATE INDEX request_reports_customer ON request_reports (customer_id);

CREATE TRIGGER request_reports_fixed BEFORE UPDATE ON request_reports
BEGIN
	SELECT RAISE(ABORT, 'a sent report cannot be changed');
END;
CREATE TRIGGER request_reports_kept BEFORE DELETE ON request_reports
BEGIN
	SELECT RAISE(ABORT, 'a sent report cannot be deleted');
END;
