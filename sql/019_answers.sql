-- 019_answers.sql — the answers to data-subject requests that change a
-- record (docs/requests.md): a ban, a restriction or an objection set from
-- a request says so (bans.via 'request', its ticket number as the
-- reference); a change of a field keeps the reference it was made under
-- (customer_history.reference: the ticket number of a rectification); and
-- the parties told of a rectification (GDPR Art. 19; the notice: "tiedon
-- lähteelle ja vastaanottajille ilmoitetaan"): who, when, how.
--
-- bans is built anew: a CHECK cannot be altered. Every CHECK here is a
-- chain of comparisons, not an IN list: with three or more values SQLite
-- builds an ephemeral b-tree for every inserted row (+5.5 % instructions
-- measured on the request form, commit adc5267).

CREATE TABLE bans_new (
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	purpose		TEXT NOT NULL CHECK (purpose = 'advertising' OR
			    purpose = 'distance_selling' OR purpose = 'direct_marketing' OR
			    purpose = 'research' OR purpose = 'publication' OR
			    purpose = 'disclosure'),
	since		TEXT NOT NULL,
	via		TEXT NOT NULL CHECK (via = 'ticket' OR via = 'phone' OR
			    via = 'letter' OR via = 'staff' OR via = 'email' OR
			    via = 'request'),
	reference	TEXT NOT NULL DEFAULT '',	-- e.g. the request ticket number
	PRIMARY KEY (customer_id, purpose),
	-- a ban from a request names the request
	CHECK (via <> 'request' OR reference <> '')
) STRICT;
INSERT INTO bans_new (customer_id, purpose, since, via, reference)
SELECT customer_id, purpose, since, via, reference FROM bans;
DROP TABLE bans;
ALTER TABLE bans_new RENAME TO bans;

-- The reference a change was made under: the ticket number of the request
-- (a rectification), '' for none.
ALTER TABLE customer_history ADD COLUMN reference TEXT NOT NULL DEFAULT '';

-- "Told on DATE how METHOD": a party to tell of a rectification made for a
-- request — a source the wrong value came from (kind 'source', party a
-- customer_history.source name) or a recipient it was disclosed to (kind
-- 'recipient', party as the disclosure log names it).
CREATE TABLE request_told (
	id		INTEGER PRIMARY KEY,
	request_id	INTEGER NOT NULL REFERENCES requests (id),
	customer_id	INTEGER NOT NULL REFERENCES customers (id),
	kind		TEXT NOT NULL CHECK (kind = 'source' OR kind = 'recipient'),
	party		TEXT NOT NULL,
	told_on		TEXT NOT NULL,		-- YYYY-MM-DD, Helsinki
	how		TEXT NOT NULL CHECK (how = 'letter' OR how = 'email' OR
			    how = 'phone' OR how = 'in_person' OR how = 'other'),
	user_id		INTEGER REFERENCES users (id),
	at		TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (request_id, customer_id, kind, party)
) STRICT;
CREATE INDEX request_told_customer ON request_told (customer_id);
