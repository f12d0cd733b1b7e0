-- 007_requests.sql — data-subject requests from the public form: the
-- request with its signed ticket code, the secret of the form tokens and the
-- per-address rate limit; the reception's marks (identity checked, paper
-- copy received) live on the request (docs/request.md).

CREATE TABLE requests (
	id			INTEGER PRIMARY KEY,
	-- TS-2026-000042: the year of receipt (UTC) and a count within it.
	-- Few indexes on purpose: each is another page per durable commit.
	number			TEXT NOT NULL UNIQUE CHECK (number GLOB
				    'TS-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]'),
	received		TEXT NOT NULL,		-- UTC, 2026-11-25T16:46:09Z
	deadline		TEXT NOT NULL,		-- YYYY-MM-DD (EU 1182/71)
	types			INTEGER NOT NULL CHECK (types > 0),	-- 1 << enum rtype
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
	code			TEXT NOT NULL,		-- the signed ticket code
	form_id			TEXT NOT NULL UNIQUE,	-- each form token makes one ticket
	-- The ticket page's and the email confirmation's tokens are kept only
	-- as SHA-256 hashes: the database never holds a usable link.
	token_hash		BLOB NOT NULL UNIQUE,
	confirm_hash		BLOB UNIQUE,		-- NULL without an email
	email_confirmed_at	TEXT,
	mail_state		TEXT NOT NULL DEFAULT 'none'
				    CHECK (mail_state IN ('none', 'sent', 'failed')),
	status			TEXT NOT NULL DEFAULT 'received'
				    CHECK (status IN ('received', 'in_progress', 'done',
				    'refused')),
	identity_method		TEXT CHECK (identity_method IN ('email_code',
				    'record_match', 'other')),
	identity_note		TEXT NOT NULL DEFAULT '',
	identity_by		INTEGER REFERENCES users (id),
	identity_at		TEXT,
	paper_received_at	TEXT,
	paper_by		INTEGER REFERENCES users (id)
) STRICT;

-- The key of the form tokens' HMAC (crypto_auth), made on first use.
CREATE TABLE request_secret (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	secret		BLOB NOT NULL CHECK (length(secret) = 32)
) STRICT;

-- Accepted submissions per client address and minute, for the last hour
-- (the rate limit). The address is kept only as a keyed hash, and rows
-- older than an hour are deleted as new ones come.
CREATE TABLE request_rate (
	addr_hash	BLOB NOT NULL,
	minute		INTEGER NOT NULL,	-- Unix time / 60
	n		INTEGER NOT NULL,
	PRIMARY KEY (addr_hash, minute)
) STRICT, WITHOUT ROWID;
