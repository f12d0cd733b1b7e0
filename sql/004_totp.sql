-- 004_totp.sql — two-factor sign-in (RFC 6238 TOTP): a secret awaiting its
-- confirming code, recovery codes, and sessions waiting for the second step.

ALTER TABLE users ADD COLUMN totp_pending BLOB;	-- secret shown, not yet confirmed

-- One-time recovery codes, kept as BLAKE2b hashes.
CREATE TABLE recovery_codes (
	user_id		INTEGER NOT NULL REFERENCES users (id),
	code_hash	BLOB NOT NULL,
	used_at		TEXT,
	PRIMARY KEY (user_id, code_hash)
) STRICT;

-- 1: the password was right, the second factor is still to come; such a
-- session reaches nothing but the code page.
ALTER TABLE sessions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0
    CHECK (pending IN (0, 1));
