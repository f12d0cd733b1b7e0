-- 021_requests_check.sql — the requests table built anew with the same
-- columns, rows and rules, its CHECKs on lists of values written as chains
-- of comparisons instead of "x IN (...)" (#17): SQLite evaluates a list of
-- more than two values through an ephemeral b-tree made anew for every row
-- inserted or updated (014_intake.sql measured +5 % instructions on the
-- public form's submission for one such list; bench/README.md has this
-- one's figures). status, mail_state and identity_method had such lists;
-- lists of two values (lang, extension_months, the closed-time rule) are
-- compared directly by SQLite already and stay as they were. A CHECK
-- cannot be altered, so the table is rebuilt.
--
-- Rebuilt inside the migration's transaction, where foreign keys stay on:
-- request_customers, request_steps and request_letters refer to requests,
-- so the rows wait in a copy, the drop's orphaned references are counted
-- as deferred violations (defer_foreign_keys), and putting each row back
-- with its id under the same name settles them before the commit — which
-- fails, changing nothing, if any reference were left unmatched.

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE requests_021 AS SELECT * FROM main.requests;

DROP TABLE main.requests;

CREATE TABLE main.requests (
	id			INTEGER PRIMARY KEY,
	number			TEXT NOT NULL UNIQUE CHECK (number GLOB
				    'TS-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]'),
	received		TEXT NOT NULL,
	deadline		TEXT NOT NULL,
	types			INTEGER NOT NULL CHECK (types > 0),
	lang			TEXT NOT NULL CHECK (lang IN ('fi', 'en')),
	name			TEXT NOT NULL,
	organisation		TEXT NOT NULL DEFAULT '',
	email			TEXT NOT NULL DEFAULT '',
	phone			TEXT NOT NULL DEFAULT '',
	address			TEXT NOT NULL DEFAULT '',
	customer_number		TEXT NOT NULL DEFAULT '',
	free_text		TEXT NOT NULL DEFAULT '',
	text_sha256		TEXT NOT NULL,
	key_id			TEXT NOT NULL,
	code			TEXT NOT NULL,
	form_id			TEXT NOT NULL UNIQUE,
	token_hash		BLOB NOT NULL UNIQUE,
	confirm_hash		BLOB UNIQUE,
	email_confirmed_at	TEXT,
	mail_state		TEXT NOT NULL DEFAULT 'none'
				    CHECK (mail_state = 'none' OR
				    mail_state = 'sent' OR mail_state = 'failed'),
	status			TEXT NOT NULL DEFAULT 'received'
				    CHECK (status = 'received' OR
				    status = 'in_progress' OR status = 'answered' OR
				    status = 'partly_refused' OR status = 'refused'),
	identity_method		TEXT CHECK (identity_method = 'email_code' OR
				    identity_method = 'record_match' OR
				    identity_method = 'other'),
	identity_note		TEXT NOT NULL DEFAULT '',
	identity_by		INTEGER REFERENCES users (id),
	identity_at		TEXT,
	paper_received_at	TEXT,
	paper_by		INTEGER REFERENCES users (id),
	-- staff asked the person for more (GDPR Art. 12(6)); the deadline stays
	asked_at		TEXT,
	closed_at		TEXT,			-- UTC, when answered or refused
	closed_by		INTEGER REFERENCES users (id),
	extended_at		TEXT,			-- UTC
	extended_by		INTEGER REFERENCES users (id),
	extension_months	INTEGER CHECK (extension_months IN (1, 2)),
	extended_deadline	TEXT,			-- YYYY-MM-DD (EU 1182/71)
	extension_reasons	TEXT,
	channel			TEXT NOT NULL DEFAULT 'form'
				    CHECK (channel = 'form' OR channel = 'letter' OR
				    channel = 'email' OR channel = 'phone' OR
				    channel = 'in_person'),
	-- a closed request has its time; an open one has none
	CHECK ((status IN ('received', 'in_progress')) = (closed_at IS NULL))
) STRICT;

INSERT INTO main.requests (id, number, received, deadline, types, lang, name,
    organisation, email, phone, address, customer_number, free_text,
    text_sha256, key_id, code, form_id, token_hash, confirm_hash,
    email_confirmed_at, mail_state, status, identity_method, identity_note,
    identity_by, identity_at, paper_received_at, paper_by, asked_at,
    closed_at, closed_by, extended_at, extended_by, extension_months,
    extended_deadline, extension_reasons, channel)
SELECT id, number, received, deadline, types, lang, name, organisation, email,
    phone, address, customer_number, free_text, text_sha256, key_id, code,
    form_id, token_hash, confirm_hash, email_confirmed_at, mail_state, status,
    identity_method, identity_note, identity_by, identity_at,
    paper_received_at, paper_by, asked_at, closed_at, closed_by, extended_at,
    extended_by, extension_months, extended_deadline, extension_reasons,
    channel
FROM temp.requests_021 ORDER BY id;

DROP TABLE temp.requests_021;

-- One extension per request (GDPR Art. 12(3)): once made, it stays.
CREATE TRIGGER requests_extension_once BEFORE UPDATE OF extended_at,
    extended_by, extension_months, extended_deadline, extension_reasons
    ON requests WHEN OLD.extended_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a request is extended once');
END;
