-- 018_forgetting.sql — erasure and anonymisation (#14, docs/retention.md
-- "Erasure and the erasure ledger"): a tombstone per erased or anonymised
-- record, so that an erased record's id and number are never given to
-- another person (the audit log names records by id), and the suppression
-- list that keeps an objection after erasure.
--
-- Why not customers rebuilt with AUTOINCREMENT: measured at 1,000,000
-- customers and 3,000,000 orders on this machine, that migration took
-- 6 min 26 s (2.5 min of CPU) in one transaction and left the file 300 MB
-- larger; and the register's inserts name the id themselves
-- (customer_create, the demo seeder: the largest id + 1), which
-- AUTOINCREMENT does not govern. Instead the erased ids stay here, the
-- inserts count them (lib/customer.c, tools/demo.c), and the trigger
-- below refuses any insert, from any code, that would take an erased id
-- or number.

-- What is left of an erased record, or the mark of an anonymised one:
-- no personal data, only the record's id and number (so the audit log's
-- ids resolve to "erased"), when, and the request or other reference the
-- erasure was made under. An erased id stays here, so it is never given
-- again even with AUTOINCREMENT's counter reset by a restore; a new
-- record may not take an erased number either (the trigger).
CREATE TABLE customer_tombstones (
	id		INTEGER PRIMARY KEY,	-- the record's customers.id
	number		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind = 'erased' OR kind = 'anonymised'),
	at		TEXT NOT NULL,		-- UTC, YYYY-MM-DDTHH:MM:SSZ
	reference	TEXT NOT NULL DEFAULT ''	-- e.g. TS-2026-000042
) STRICT;

CREATE TRIGGER customers_number_not_erased AFTER INSERT ON customers
WHEN EXISTS (SELECT 1 FROM customer_tombstones WHERE number = NEW.number
    OR id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the number or id of an erased record'); END;

-- The suppression list (GDPR Art. 21(3), 17(1)(c)): keyed hashes
-- (BLAKE2b-256 with the register's erasure key, keys dir) of the
-- normalised email, phone, and name with postal code of an erased person
-- who had a ban; imports and new records are checked against it.
CREATE TABLE suppressions (
	hash		BLOB PRIMARY KEY CHECK (length(hash) = 32),
	kind		TEXT NOT NULL CHECK (kind = 'email' OR kind = 'phone'
			    OR kind = 'name_postal'),
	since		TEXT NOT NULL		-- YYYY-MM-DD, the erasure's day
) STRICT, WITHOUT ROWID;
