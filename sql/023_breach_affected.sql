-- 023_breach_affected.sql — who a breach affected, and the letters that
-- told them (GDPR Art. 34), docs/compliance.md. An admin runs the query
-- "who is affected" (lib/breach_affected.c: the audit log and the records
-- for a time window and a kind of access, optionally by one staff account
-- or role) and saves its result to the breach as a set; the newest set is
-- the breach's affected set. Each person told gets a row in
-- breach_letters (by post or by email through the outbox), naming the
-- entry whose text the letter gave. Append-only like the register
-- itself (016_breaches.sql): the triggers refuse UPDATE and DELETE.
--
-- customer_id has no foreign key on purpose: the erasure of a record must
-- not be blocked by the register; the id alone then names nobody.

CREATE TABLE breach_affected_sets (
	id		INTEGER PRIMARY KEY,
	breach_id	INTEGER NOT NULL REFERENCES breaches (id),
	saved_at	TEXT NOT NULL,		-- UTC, YYYY-MM-DDTHH:MM:SSZ
	saved_by	INTEGER NOT NULL REFERENCES users (id),
	access		TEXT NOT NULL CHECK (access IN ('any', 'viewed',
			    'changed', 'exported', 'disclosed')),
	from_at		TEXT NOT NULL,		-- UTC, the window's first second
	to_at		TEXT NOT NULL,		-- UTC, its last second (inclusive)
	staff		TEXT NOT NULL DEFAULT '',	-- a staff account's username; '' any
	role		TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'admin',
			    'handler', 'auditor')),
	customers	INTEGER NOT NULL CHECK (customers >= 0)
) STRICT;
CREATE INDEX breach_affected_sets_breach ON breach_affected_sets (breach_id, id);

CREATE TABLE breach_affected (
	set_id		INTEGER NOT NULL REFERENCES breach_affected_sets (id),
	customer_id	INTEGER NOT NULL,	-- customers.id
	PRIMARY KEY (set_id, customer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX breach_affected_customer ON breach_affected (customer_id);

CREATE TABLE breach_letters (
	id		INTEGER PRIMARY KEY,
	breach_id	INTEGER NOT NULL REFERENCES breaches (id),
	entry_id	INTEGER NOT NULL REFERENCES breach_entries (id),	-- the text given
	set_id		INTEGER NOT NULL REFERENCES breach_affected_sets (id),
	customer_id	INTEGER NOT NULL,	-- customers.id
	lang		TEXT NOT NULL CHECK (lang IN ('fi', 'en')),
	via		TEXT NOT NULL CHECK (via IN ('post', 'email')),
	sent_at		TEXT NOT NULL,		-- UTC
	sent_by		INTEGER NOT NULL REFERENCES users (id),
	outbox_id	INTEGER			-- the mail queued (via email)
) STRICT;
CREATE INDEX breach_letters_breach ON breach_letters (breach_id, customer_id);

CREATE TRIGGER breach_affected_sets_no_update BEFORE UPDATE ON breach_affected_sets
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_affected_sets_no_delete BEFORE DELETE ON breach_affected_sets
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_affected_no_update BEFORE UPDATE ON breach_affected
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_affected_no_delete BEFORE DELETE ON breach_affected
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_letters_no_update BEFORE UPDATE ON breach_letters
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_letters_no_delete BEFORE DELETE ON breach_letters
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
