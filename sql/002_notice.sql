-- 002_notice.sql — the privacy notice: versions (a draft, then published
-- ones that never change), header facts and sections per language.

CREATE TABLE notice_versions (
	id		INTEGER PRIMARY KEY,
	number		INTEGER UNIQUE,		-- 1, 2, ... once published; NULL while a draft
	drawn_up	TEXT NOT NULL,		-- laatimispäivä, YYYY-MM-DD
	published_at	TEXT,			-- UTC, YYYY-MM-DDTHH:MM:SSZ; NULL while a draft
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	CHECK ((number IS NULL) = (published_at IS NULL)),
	CHECK (drawn_up GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
) STRICT;

-- At most one draft at a time.
CREATE UNIQUE INDEX notice_one_draft ON notice_versions ((number IS NULL))
    WHERE number IS NULL;

CREATE TABLE notice_facts (
	version_id		INTEGER NOT NULL REFERENCES notice_versions (id),
	lang			TEXT NOT NULL CHECK (lang IN ('fi', 'en')),
	title			TEXT NOT NULL,	-- the document's title
	register_name		TEXT NOT NULL,
	controller_name		TEXT NOT NULL,
	controller_address	TEXT NOT NULL DEFAULT '',
	controller_phone	TEXT NOT NULL DEFAULT '',
	controller_email	TEXT NOT NULL DEFAULT '',
	contact_name		TEXT NOT NULL DEFAULT '',
	contact_phone		TEXT NOT NULL DEFAULT '',
	contact_email		TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (version_id, lang)
) STRICT;

CREATE TABLE notice_sections (
	version_id	INTEGER NOT NULL REFERENCES notice_versions (id),
	lang		TEXT NOT NULL CHECK (lang IN ('fi', 'en')),
	position	INTEGER NOT NULL,	-- 1, 2, ... in reading order
	anchor		TEXT NOT NULL,		-- link target, the same in every language
	title		TEXT NOT NULL,
	body		TEXT NOT NULL,		-- cleaned XHTML (lib/richtext.h)
	PRIMARY KEY (version_id, lang, position),
	UNIQUE (version_id, lang, anchor)
) STRICT;

-- Published versions never change: not the version, its facts or sections.
CREATE TRIGGER notice_versions_no_update BEFORE UPDATE ON notice_versions
    WHEN OLD.number IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
CREATE TRIGGER notice_versions_no_delete BEFORE DELETE ON notice_versions
    WHEN OLD.number IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;

CREATE TRIGGER notice_facts_no_insert BEFORE INSERT ON notice_facts
    WHEN (SELECT number FROM notice_versions WHERE id = NEW.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
CREATE TRIGGER notice_facts_no_update BEFORE UPDATE ON notice_facts
    WHEN (SELECT number FROM notice_versions WHERE id = OLD.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
CREATE TRIGGER notice_facts_no_delete BEFORE DELETE ON notice_facts
    WHEN (SELECT number FROM notice_versions WHERE id = OLD.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;

CREATE TRIGGER notice_sections_no_insert BEFORE INSERT ON notice_sections
    WHEN (SELECT number FROM notice_versions WHERE id = NEW.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
CREATE TRIGGER notice_sections_no_update BEFORE UPDATE ON notice_sections
    WHEN (SELECT number FROM notice_versions WHERE id = OLD.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
CREATE TRIGGER notice_sections_no_delete BEFORE DELETE ON notice_sections
    WHEN (SELECT number FROM notice_versions WHERE id = OLD.version_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published notice version never changes'); END;
