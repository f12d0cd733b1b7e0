-- 025_history_rebuilt.sql — the customer history built anew with the same
-- columns, rows and rules, made cheaper to write (issue #17: the import of
-- a million records, about ten history rows each; bench/README.md
-- "import").
--
-- 1. Its CHECK on source is a chain of comparisons instead of "source IN
--    (...)" of five values: SQLite evaluates such a list through an
--    ephemeral b-tree made anew for every row inserted (021 did the same
--    for requests). A CHECK cannot be altered, so the table is rebuilt.
-- 2. Its index by time (022) holds only the rows with an old value. One
--    query reads it, the retention run's count of corrected values past
--    their period (lib/retention.c, DUE_HOLD: old_value <> '' AND at <
--    cut). A record's first values have no old value and are most of the
--    table; they were all in the index and never read through it. SQLite
--    uses a partial index when the query's WHERE has the index's own term.
--
-- Nothing refers to customer_history and it has no triggers; it refers to
-- customers and users, which the copy's rows still match (the migration's
-- transaction keeps foreign keys on, and the commit fails, changing
-- nothing, if one did not).

CREATE TEMP TABLE customer_history_025 AS SELECT * FROM main.customer_history;

DROP TABLE main.customer_history;

CREATE TABLE main.customer_history (
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

INSERT INTO main.customer_history (id, customer_id, field, old_value,
    new_value, user_id, at, source, reference)
SELECT id, customer_id, field, old_value, new_value, user_id, at, source,
    reference
FROM temp.customer_history_025 ORDER BY id;

DROP TABLE temp.customer_history_025;

CREATE INDEX customer_history_customer ON customer_history (customer_id, id);
CREATE INDEX customer_history_at ON customer_history (at) WHERE old_value <> '';
