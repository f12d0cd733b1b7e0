-- 025_history_rebuilt.sql — the customer history built anew with the same
-- columns, rows and rules, made cheaper to write (issue #17: the import of
-- a million records, about ten history rows each; bench/README.md
-- "import").
--
-- 1. Its CHECK on source is a chain of comparisons instead of "source IN
--    (...)" of five values: SQLite evaluates such a list through an
--    ephemeral b-tree made anew for every row inserted (021 did the same
--    for requests). A CHECK cannot be altered, so the table is rebuilt.
-- 2. Its index by time (022) holds only the rows with an old value, the
--    ones the retention run's count of corrected values past their period
--    reads (lib/retention.c, DUE_HOLD: old_value <> '' AND at < cut;
--    SQLite uses a partial index when the query's WHERE has the index's
--    own term). A record's first values have no old value and are most of
--    the table; each cost an index entry. The breach register's "changed
--    in the window" (lib/breach_affected.c) now reads the history in order
--    instead, as it reads the audit log (docs/compliance.md has the time).
--
-- Built as 024 built its tables: the new table beside the old, the rows
-- copied, the old one dropped and the new one renamed (a temporary copy
-- would be held in memory, temp_store = MEMORY: gigabytes at a million
-- records). Nothing refers to customer_history and it has no triggers; it
-- refers to customers and users, which every copied row still matches
-- (foreign keys stay on in the migration's transaction: a row that did not
-- would fail the copy, and the migration would change nothing).

-- The indexes are made before the copy and filled as it goes (the rows
-- come in id order, and a record's rows are mostly together): building
-- them afterwards sorts every entry in memory first (temp_store = MEMORY).
DROP INDEX customer_history_at;
DROP INDEX customer_history_customer;

CREATE TABLE customer_history_025 (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	field		TEXT NOT NULL,
	old_value	TEXT NOT NULL,
	new_value	TEXT NOT NULL,
	user_id		INTEGER REFERENCES users (id),
	at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	source		TEXT NOT NULL CHECK (source = 'customer' OR
			    source = 'update_service' OR source = 'subcontractor' OR
			    source = 'staff' OR source = 'import'),
	reference	TEXT NOT NULL DEFAULT ''	-- 019: a rectification's ticket
) STRICT;
CREATE INDEX customer_history_customer ON customer_history_025
    (customer_id, id);
CREATE INDEX customer_history_at ON customer_history_025 (at)
    WHERE old_value <> '';

INSERT INTO customer_history_025 (id, customer_id, field, old_value,
    new_value, user_id, at, source, reference)
SELECT id, customer_id, field, old_value, new_value, user_id, at, source,
    reference
FROM customer_history ORDER BY id;

DROP TABLE customer_history;
ALTER TABLE customer_history_025 RENAME TO customer_history;
