-- 006_customer_indexes.sql — indexes for searching a million customers
-- (bench/customers.sh, bench/README.md).
--
-- A search by postal code lists that code's customers in name order. With
-- the code and the names in one index, SQLite reads the first page straight
-- from the index in order, instead of finding (or, with LIKE, scanning for)
-- every customer of the code and sorting them all. It also serves every
-- lookup the one-column customers_postal served, so that one goes.
CREATE INDEX customers_postal_name ON customers (postal_code,
    last_name COLLATE NOCASE, first_name COLLATE NOCASE);
DROP INDEX customers_postal;
