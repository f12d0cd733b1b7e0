-- 025_history_at_partial.sql — the history's index by time holds only the
-- rows the retention run looks up by time (issue #17: the import of a
-- million records).
--
-- customer_history_at (022) served one question, the retention run's
-- "corrected values older than the period" (lib/retention.c, DUE_HOLD:
-- old_value <> '' AND at < cut). A record's first values have no old
-- value, and they are most of the table: about ten rows for every record
-- made, by hand or by an import. They were all in the index, never read
-- through it, and each new one cost an index entry. The index now holds
-- only the rows with an old value, which is exactly what DUE_HOLD asks
-- for (SQLite uses a partial index when the query's WHERE has the index's
-- own term).

DROP INDEX customer_history_at;
CREATE INDEX customer_history_at ON customer_history (at) WHERE old_value <> '';
