-- 017_invoices.sql — an order's invoice state after it is made, and the
-- legal holds an admin sets on a record (docs/retention.md, "Invoices" and
-- "Legal holds").
--
-- orders is rebuilt: its status gains 'written_off' and a date, status_on,
-- the day the current state took effect ('' or, for rows from before this
-- file, the order date: the state has held since the order was made). The
-- states and their transitions live in lib/invoice.c:
-- open → paid | credited | collection; collection → paid | written_off.
-- The CHECK is a chain of comparisons, not an IN list: SQLite builds an
-- ephemeral b-tree for an IN list of three or more values on every
-- inserted row (+5.5 % instructions measured on an insert, see 014).

CREATE TABLE orders_017 (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	number		TEXT NOT NULL,
	ordered_on	TEXT NOT NULL,		-- YYYY-MM-DD
	description	TEXT NOT NULL DEFAULT '',
	amount_cents	INTEGER NOT NULL,
	status		TEXT NOT NULL CHECK (status = 'open' OR status = 'paid'
			    OR status = 'collection' OR status = 'credited'
			    OR status = 'written_off'),
	status_on	TEXT NOT NULL DEFAULT '',	-- YYYY-MM-DD: the current state since;
						-- '': since the order date
	UNIQUE (customer_id, number)
) STRICT;
INSERT INTO orders_017 (id, customer_id, number, ordered_on, description,
    amount_cents, status, status_on)
SELECT id, customer_id, number, ordered_on, description, amount_cents,
    status, ordered_on FROM orders;
DROP TABLE orders;
ALTER TABLE orders_017 RENAME TO orders;
CREATE INDEX orders_customer ON orders (customer_id, ordered_on);
CREATE INDEX orders_open ON orders (status)
	WHERE status = 'open' OR status = 'collection';

-- A legal hold: an admin keeps a record from erasure, with a reason (a
-- dispute, a court case, an authority's order), until an admin lifts it
-- with a reason. Append-only in style: a hold is set once and lifted
-- once; who and when never change (the trigger). The reasons are free
-- text and may name the person: erasure removes them with the record.
CREATE TABLE legal_holds (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	reason		TEXT NOT NULL CHECK (reason <> ''),
	set_by		INTEGER NOT NULL REFERENCES users (id),
	set_at		TEXT NOT NULL,		-- UTC, YYYY-MM-DDTHH:MM:SSZ
	lifted_at	TEXT,			-- UTC; NULL while the hold holds
	lifted_by	INTEGER REFERENCES users (id),
	lift_reason	TEXT NOT NULL DEFAULT '',
	CHECK ((lifted_at IS NULL AND lifted_by IS NULL AND lift_reason = '')
	    OR (lifted_at IS NOT NULL AND lifted_by IS NOT NULL
	    AND lift_reason <> ''))
) STRICT;
CREATE INDEX legal_holds_customer ON legal_holds (customer_id, id);

CREATE TRIGGER legal_holds_set_once BEFORE UPDATE ON legal_holds
WHEN NEW.id IS NOT OLD.id OR NEW.customer_id IS NOT OLD.customer_id
    OR NEW.set_by IS NOT OLD.set_by OR NEW.set_at IS NOT OLD.set_at
    OR (OLD.lifted_at IS NOT NULL AND (NEW.lifted_at IS NOT OLD.lifted_at
    OR NEW.lifted_by IS NOT OLD.lifted_by))
BEGIN SELECT RAISE(ABORT, 'a legal hold is set once and lifted once'); END;
