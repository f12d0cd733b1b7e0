-- 027_audit_log_indexes.sql — the audit log keeps no index beside its id
-- (issue #17: staff pages at a million customers; bench/README.md "The
-- audit log's three indexes").
--
-- Every staff page appends a row to audit_log, and each of the three
-- indexes of 003_staff.sql took an entry of that row: by user, by action
-- and by object. No statement read them. The audit page's filters are
-- written "?N IS NULL OR column = ?N" (lib/audit.c, STMT_LIST), which
-- SQLite answers by reading the log newest first, without an index; the
-- access report's visits and the breach's affected set read every row
-- about customers, which is most of the log, and reading them through the
-- object index and then sorting them was many times slower than reading
-- the table in order (lib/breach_affected.c: 18 s against 1.1 s on two
-- million rows). The object index was also the dear one to write: a
-- list page's object_id is the ids it showed, up to 50 of them (about
-- 400 bytes), and each entry went to a page of its own in the index.
--
-- Measured (bench/customers.sh, 1,000,000 customers, -w 4): the three
-- staff pages 6-23 % more requests a second, p99 6.4-8.5 ms against
-- 8.9-12.6. A query that needs an index on the log adds the one it
-- reads, with the measurement. tests/unit/test_access_report.c (test_visits_in_order)
-- checks that the visits are read in the log's order, without a sort.
DROP INDEX IF EXISTS audit_log_user;
DROP INDEX IF EXISTS audit_log_action;
DROP INDEX IF EXISTS audit_log_object;
