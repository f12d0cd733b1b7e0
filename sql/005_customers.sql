-- 005_customers.sql — the customer register: records with the fields the
-- notice lists, orders, bans, restriction, change history with sources,
-- disclosures, and full-text search.

CREATE TABLE customers (
	id			INTEGER PRIMARY KEY,
	number			TEXT NOT NULL UNIQUE,	-- customer number, e.g. A000123
	first_name		TEXT NOT NULL DEFAULT '',
	last_name		TEXT NOT NULL DEFAULT '',
	organisation		TEXT NOT NULL DEFAULT '',
	contact_person		INTEGER NOT NULL DEFAULT 0 CHECK (contact_person IN (0, 1)),
	contact_from		TEXT NOT NULL DEFAULT '',	-- YYYY-MM-DD
	contact_to		TEXT NOT NULL DEFAULT '',
	email			TEXT NOT NULL DEFAULT '',
	street			TEXT NOT NULL DEFAULT '',
	postal_code		TEXT NOT NULL DEFAULT '',
	city			TEXT NOT NULL DEFAULT '',
	country			TEXT NOT NULL DEFAULT 'FI',
	phone			TEXT NOT NULL DEFAULT '',	-- E.164
	www			TEXT NOT NULL DEFAULT '',
	ip			TEXT NOT NULL DEFAULT '',	-- at registration
	billing_address		TEXT NOT NULL DEFAULT '',
	business_id		TEXT NOT NULL DEFAULT '',	-- Y-tunnus
	einvoice_address	TEXT NOT NULL DEFAULT '',
	einvoice_operator	TEXT NOT NULL DEFAULT '',
	customer_since		TEXT NOT NULL DEFAULT '',
	relationship_ended	TEXT NOT NULL DEFAULT '',
	notes			TEXT NOT NULL DEFAULT '',
	restricted		INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
	restricted_reason	TEXT NOT NULL DEFAULT '',
	created_at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE INDEX customers_last_name ON customers (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX customers_postal ON customers (postal_code);
CREATE INDEX customers_email ON customers (email);
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_org ON customers (organisation COLLATE NOCASE);

-- Full-text search over the fields staff look people up by.
CREATE VIRTUAL TABLE customers_fts USING fts5 (
	first_name, last_name, organisation, email, phone, city, street, notes,
	content = 'customers', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
	INSERT INTO customers_fts (rowid, first_name, last_name, organisation,
	    email, phone, city, street, notes)
	VALUES (NEW.id, NEW.first_name, NEW.last_name, NEW.organisation,
	    NEW.email, NEW.phone, NEW.city, NEW.street, NEW.notes);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, first_name, last_name,
	    organisation, email, phone, city, street, notes)
	VALUES ('delete', OLD.id, OLD.first_name, OLD.last_name,
	    OLD.organisation, OLD.email, OLD.phone, OLD.city, OLD.street, OLD.notes);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE ON customers BEGIN
	INSERT INTO customers_fts (customers_fts, rowid, first_name, last_name,
	    organisation, email, phone, city, street, notes)
	VALUES ('delete', OLD.id, OLD.first_name, OLD.last_name,
	    OLD.organisation, OLD.email, OLD.phone, OLD.city, OLD.street, OLD.notes);
	INSERT INTO customers_fts (rowid, first_name, last_name, organisation,
	    email, phone, city, street, notes)
	VALUES (NEW.id, NEW.first_name, NEW.last_name, NEW.organisation,
	    NEW.email, NEW.phone, NEW.city, NEW.street, NEW.notes);
END;

CREATE TABLE orders (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	number		TEXT NOT NULL,
	ordered_on	TEXT NOT NULL,		-- YYYY-MM-DD
	description	TEXT NOT NULL DEFAULT '',
	amount_cents	INTEGER NOT NULL,
	status		TEXT NOT NULL CHECK (status IN ('open', 'paid', 'collection', 'credited')),
	UNIQUE (customer_id, number)
) STRICT;
CREATE INDEX orders_customer ON orders (customer_id, ordered_on);
CREATE INDEX orders_open ON orders (status) WHERE status IN ('open', 'collection');

-- Bans per purpose, with the date and how the ban came.
CREATE TABLE bans (
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	purpose		TEXT NOT NULL CHECK (purpose IN ('advertising', 'distance_selling',
			    'direct_marketing', 'research', 'publication', 'disclosure')),
	since		TEXT NOT NULL,
	via		TEXT NOT NULL CHECK (via IN ('ticket', 'phone', 'letter', 'staff', 'email')),
	reference	TEXT NOT NULL DEFAULT '',	-- e.g. the request ticket number
	PRIMARY KEY (customer_id, purpose)
) STRICT;

-- Every change of a field: old and new value, who, when, and where the new
-- value came from (the notice's regular sources).
CREATE TABLE customer_history (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	field		TEXT NOT NULL,
	old_value	TEXT NOT NULL,
	new_value	TEXT NOT NULL,
	user_id		INTEGER REFERENCES users (id),
	at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	source		TEXT NOT NULL CHECK (source IN ('customer', 'update_service',
			    'subcontractor', 'staff', 'import'))
) STRICT;
CREATE INDEX customer_history_customer ON customer_history (customer_id, id);

-- Disclosures: to whom, on which ground, what, when.
CREATE TABLE disclosures (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	recipient	TEXT NOT NULL,
	ground		TEXT NOT NULL CHECK (ground IN ('credit_decision', 'collection',
			    'invoicing', 'legal_obligation')),
	what		TEXT NOT NULL,
	disclosed_on	TEXT NOT NULL,
	user_id		INTEGER REFERENCES users (id),
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE INDEX disclosures_customer ON disclosures (customer_id);
