-- 003_staff.sql — staff accounts, sessions, failed sign-ins and the
-- hash-chained audit log: the intranet's door and its memory.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL UNIQUE,
	display_name	TEXT NOT NULL,
	role		TEXT NOT NULL CHECK (role IN ('admin', 'handler', 'auditor')),
	nda_signed	TEXT CHECK (nda_signed IS NULL OR nda_signed GLOB
			    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	password_hash	TEXT NOT NULL,		-- argon2id, libsodium crypto_pwhash_str
	must_change	INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),
	totp_secret	BLOB,			-- RFC 6238 secret once enrolled
	totp_last_step	INTEGER NOT NULL DEFAULT 0,	-- each code works once
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- Sessions are kept by the BLAKE2b hash of their id: the database never
-- holds a usable cookie.
CREATE TABLE sessions (
	id_hash		BLOB PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id),
	csrf		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,	-- Unix time
	seen_at		INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for lockout (5 per username or 20 per address in 15 min).
CREATE TABLE login_failures (
	username	TEXT NOT NULL,
	client		TEXT NOT NULL,
	at		INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_client ON login_failures (client, at);

-- The audit log: append-only, each row's hash covers the previous row's
-- hash and its own fields (docs/audit.md). Rows name records by id and
-- hold no customer's personal data.
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		TEXT NOT NULL,		-- UTC, YYYY-MM-DDTHH:MM:SSZ
	user_id		INTEGER,		-- NULL: the system, or an unknown user
	username	TEXT NOT NULL DEFAULT '',	-- staff account name
	client		TEXT NOT NULL DEFAULT '',	-- client address, or 'cli'
	action		TEXT NOT NULL,
	object_type	TEXT NOT NULL DEFAULT '',
	object_id	TEXT NOT NULL DEFAULT '',
	summary		TEXT NOT NULL DEFAULT '',
	prev_hash	BLOB NOT NULL,
	hash		BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
