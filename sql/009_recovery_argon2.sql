-- 009_recovery_argon2.sql — recovery codes kept as salted argon2id strings
-- (#18). The old codes were nine characters kept as unsalted BLAKE2b
-- hashes, which a copy of the database gives away in seconds: they are
-- dropped, and their holders use their app, or re-enrol (an admin can
-- reset the factor), to get new codes of sixteen characters.

DROP TABLE recovery_codes;
CREATE TABLE recovery_codes (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id),
	code_hash	TEXT NOT NULL,	-- argon2id, libsodium crypto_pwhash_str
	used_at		TEXT
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
