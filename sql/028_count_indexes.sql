-- 028_count_indexes.sql — a staff search counts what it found in an index
-- of the names (or the postal code) alone (issue #17: staff pages at a
-- million customers; bench/README.md "Counting in a narrow index").
--
-- A search's list says how many it found, up to "over 1,000"
-- (lib/customer_search.c, customer_count): up to 1,001 entries of an
-- index. Since 026 the name and postal-code indexes hold every column the
-- list shows, about 100 bytes a record, so 1,001 entries were about 28
-- index pages; every staff page commits its audit row, which empties the
-- other workers' page caches, so each count read those pages from the
-- file again (strace: 39 page reads a name search, 28 of them the count).
-- These two hold only what a count narrows by, about 25 bytes a record:
-- 1,001 entries are 4-6 pages. SQLite takes the narrower of two indexes
-- that answer a statement alike, so the count reads these and the page of
-- results still reads 026's, in its order.
--
-- The cost: two more index entries for a record's insert and for a
-- change of its names or postal code: 22 MB and 14 MB at a million.
-- tests/unit/test_search_count.c (count_reads_narrow_index) checks which
-- index each count reads.
CREATE INDEX customers_name_count ON customers (last_name COLLATE NOCASE,
    first_name COLLATE NOCASE);
CREATE INDEX customers_postal_count ON customers (postal_code);
