-- 016_breaches.sql — the register of personal-data breaches (GDPR Art.
-- 33(5)), docs/compliance.md. A breach is a row in breaches; what is known
-- about it is a series of entries, each the whole record as it stood when
-- an admin saved it: corrections and later facts are new entries, never
-- changes (the triggers refuse UPDATE and DELETE). The newest entry is the
-- breach's state; the 72-hour clock of Art. 33(1) runs from its aware_at
-- until notified_at or not_notified_reasons is recorded.

CREATE TABLE breaches (
	id		INTEGER PRIMARY KEY,
	created_at	TEXT NOT NULL		-- UTC, YYYY-MM-DDTHH:MM:SSZ
) STRICT;

CREATE TABLE breach_entries (
	id			INTEGER PRIMARY KEY,
	breach_id		INTEGER NOT NULL REFERENCES breaches (id),
	recorded_at		TEXT NOT NULL,	-- UTC
	recorded_by		INTEGER NOT NULL REFERENCES users (id),
	occurred_at		TEXT NOT NULL,	-- UTC: when it happened, as best known
	aware_at		TEXT NOT NULL,	-- UTC: when the controller became aware
	what			TEXT NOT NULL CHECK (what <> ''),	-- Art. 33(3)(a)
	people_categories	TEXT NOT NULL DEFAULT '',	-- Art. 33(3)(a)
	people_count		INTEGER CHECK (people_count >= 0),	-- approximate
	record_categories	TEXT NOT NULL DEFAULT '',
	record_count		INTEGER CHECK (record_count >= 0),
	consequences		TEXT NOT NULL DEFAULT '',	-- Art. 33(3)(c)
	measures		TEXT NOT NULL DEFAULT '',	-- Art. 33(3)(d), taken and proposed
	notified_at		TEXT,		-- UTC: the Ombudsman notified
	late_reasons		TEXT NOT NULL DEFAULT '',	-- Art. 33(1): after 72 h, why
	not_notified_reasons	TEXT NOT NULL DEFAULT '',	-- no notification: why no risk
	tell_people		TEXT NOT NULL DEFAULT 'undecided'
				    CHECK (tell_people IN ('undecided', 'yes', 'no')),	-- Art. 34
	told_at			TEXT,		-- UTC: the people told
	tell_reasons		TEXT NOT NULL DEFAULT '',	-- Art. 34(3): why not
	note			TEXT NOT NULL DEFAULT ''	-- what this entry changed, and why
) STRICT;
CREATE INDEX breach_entries_breach ON breach_entries (breach_id, id);

CREATE TRIGGER breaches_no_update BEFORE UPDATE ON breaches
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breaches_no_delete BEFORE DELETE ON breaches
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_entries_no_update BEFORE UPDATE ON breach_entries
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
CREATE TRIGGER breach_entries_no_delete BEFORE DELETE ON breach_entries
BEGIN SELECT RAISE(ABORT, 'the breach register is append-only'); END;
