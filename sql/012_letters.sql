-- 012_letters.sql — a request's extension (GDPR Art. 12(3)) and its letters
-- (docs/requests.md): the extension lives on the request (one per request:
-- when, by whom, by how many months, the reasons and the new deadline); a
-- letter is a draft staff may change until it is marked sent, then it is
-- kept unchanged (the rendered page with its SHA-256, when, who, how) —
-- triggers refuse any change or deletion of a sent letter and its parts.

ALTER TABLE requests ADD COLUMN extended_at TEXT;	-- UTC
ALTER TABLE requests ADD COLUMN extended_by INTEGER REFERENCES users (id);
ALTER TABLE requests ADD COLUMN extension_months INTEGER
    CHECK (extension_months IN (1, 2));
ALTER TABLE requests ADD COLUMN extended_deadline TEXT;	-- YYYY-MM-DD (EU 1182/71)
ALTER TABLE requests ADD COLUMN extension_reasons TEXT;

-- One letter to the person: a draft (sent_at NULL) or sent and fixed.
CREATE TABLE request_letters (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	kind		TEXT NOT NULL CHECK (kind IN ('answer', 'refusal',
			    'extension')),
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	created_by	INTEGER REFERENCES users (id),
	sent_at		TEXT,			-- UTC, when marked sent
	sent_by		INTEGER REFERENCES users (id),
	sent_via	TEXT CHECK (sent_via IN ('post', 'email')),
	content		BLOB,			-- the page as the person got it
	sha256		TEXT,			-- hex SHA-256 of content
	-- sent: everything; a draft: nothing of the sending
	CHECK ((sent_at IS NULL) = (sent_via IS NULL) AND
	    (sent_at IS NULL) = (content IS NULL) AND
	    (sent_at IS NULL) = (sha256 IS NULL))
) STRICT;
CREATE INDEX request_letters_request ON request_letters (request_id, id);
-- one draft of each kind per request at a time
CREATE UNIQUE INDEX request_letters_draft ON request_letters (request_id, kind)
    WHERE sent_at IS NULL;

-- What staff wrote into a letter (per requested type, what is refused, the
-- reasons, the legal bases chosen): name = value, a name may repeat (basis).
CREATE TABLE letter_parts (
	letter_id	INTEGER NOT NULL REFERENCES request_letters (id),
	seq		INTEGER NOT NULL,
	name		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (letter_id, seq)
) STRICT, WITHOUT ROWID;

-- A letter marked sent is never changed nor deleted; it can be reprinted.
CREATE TRIGGER request_letters_sent_fixed BEFORE UPDATE ON request_letters
    WHEN OLD.sent_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be changed');
END;
CREATE TRIGGER request_letters_sent_kept BEFORE DELETE ON request_letters
    WHEN OLD.sent_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be deleted');
END;
CREATE TRIGGER letter_parts_sent_add BEFORE INSERT ON letter_parts
    WHEN (SELECT sent_at FROM request_letters WHERE id = NEW.letter_id)
    IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be changed');
END;
CREATE TRIGGER letter_parts_sent_fixed BEFORE UPDATE ON letter_parts
    WHEN (SELECT sent_at FROM request_letters WHERE id = OLD.letter_id)
    IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be changed');
END;
CREATE TRIGGER letter_parts_sent_kept BEFORE DELETE ON letter_parts
    WHEN (SELECT sent_at FROM request_letters WHERE id = OLD.letter_id)
    IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a sent letter cannot be changed');
END;

-- One extension per request (GDPR Art. 12(3)): once made, it stays.
CREATE TRIGGER requests_extension_once BEFORE UPDATE OF extended_at,
    extended_by, extension_months, extended_deadline, extension_reasons
    ON requests WHEN OLD.extended_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a request is extended once');
END;
