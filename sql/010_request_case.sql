-- 010_request_case.sql — a data-subject request as a case that ends
-- (docs/requests.md): its states received → in_progress → answered |
-- partly_refused | refused, who closed it and when, the date staff asked
-- the person for more (the time still runs), the customer records it is
-- about, and the case's own history of steps. The requests table is built
-- anew for the states (a CHECK cannot be altered); 'done' becomes
-- 'answered'.

CREATE TABLE requests_new (
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
				    CHECK (mail_state IN ('none', 'sent', 'failed')),
	status			TEXT NOT NULL DEFAULT 'received'
				    CHECK (status IN ('received', 'in_progress',
				    'answered', 'partly_refused', 'refused')),
	identity_method		TEXT CHECK (identity_method IN ('email_code',
				    'record_match', 'other')),
	identity_note		TEXT NOT NULL DEFAULT '',
	identity_by		INTEGER REFERENCES users (id),
	identity_at		TEXT,
	paper_received_at	TEXT,
	paper_by		INTEGER REFERENCES users (id),
	-- staff asked the person for more (GDPR Art. 12(6)); the deadline stays
	asked_at		TEXT,
	closed_at		TEXT,			-- UTC, when answered or refused
	closed_by		INTEGER REFERENCES users (id),
	-- a closed request has its time; an open one has none
	CHECK ((status IN ('received', 'in_progress')) = (closed_at IS NULL))
) STRICT;

INSERT INTO requests_new (id, number, received, deadline, types, lang, name,
    organisation, email, phone, address, customer_number, free_text,
    text_sha256, key_id, code, form_id, token_hash, confirm_hash,
    email_confirmed_at, mail_state, status, identity_method, identity_note,
    identity_by, identity_at, paper_received_at, paper_by, closed_at)
SELECT id, number, received, deadline, types, lang, name, organisation, email,
    phone, address, customer_number, free_text, text_sha256, key_id, code,
    form_id, token_hash, confirm_hash, email_confirmed_at, mail_state,
    CASE status WHEN 'done' THEN 'answered' ELSE status END, identity_method,
    identity_note, identity_by, identity_at, paper_received_at, paper_by,
    CASE WHEN status IN ('done', 'refused') THEN received END
FROM requests;

DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;

-- The customer records a request is about: chosen by staff, shown both ways.
CREATE TABLE request_customers (
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	linked_by	INTEGER REFERENCES users (id),
	linked_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (request_id, customer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX request_customers_customer ON request_customers (customer_id);

-- Each step of a case: who, when, what (an action name), and a note staff
-- wrote (reasons; never more personal data than the request has).
CREATE TABLE request_steps (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	user_id		INTEGER REFERENCES users (id),
	action		TEXT NOT NULL,
	note		TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX request_steps_request ON request_steps (request_id, id);
