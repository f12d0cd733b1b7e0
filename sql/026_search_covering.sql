-- 026_search_covering.sql — the two indexes a staff search by name or by
-- postal code reads also hold what its list shows (issue #17: staff pages
-- at a million customers; bench/README.md "Searches read their index").
--
-- A page of results is 50 records in name order. With the name (005) and
-- postal-code (006) indexes as they were, SQLite found the 51 rows in the
-- index and then looked each one up in the table: 51 table pages and
-- their interior pages, nearly all of them a read from the file, as the
-- rows of one name are spread over the whole table. With every column the
-- list shows in the index (lib/customer_search.c, customer_search's
-- SELECT), a page of results is two or three index pages. The id comes
-- right after the names, so the index's order is the search's ORDER BY
-- (last name, first name, id) and no sort is needed.
--
-- The cost: each index holds about 100 bytes a record instead of about 25
-- (about 80 MB more each at a million) and a record's insert or change
-- writes the longer entries. Same names, so nothing else changes.
-- tests/unit/test_search_count.c (search_reads_index) checks that the
-- search's own statements read only these indexes: a column added to the
-- list and not here fails it.
DROP INDEX customers_last_name;
CREATE INDEX customers_last_name ON customers (last_name COLLATE NOCASE,
    first_name COLLATE NOCASE, id, number, organisation, email, phone,
    postal_code, city, restricted);
DROP INDEX customers_postal_name;
CREATE INDEX customers_postal_name ON customers (postal_code,
    last_name COLLATE NOCASE, first_name COLLATE NOCASE, id, number,
    organisation, email, phone, city, restricted);
