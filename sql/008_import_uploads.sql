-- 008_import_uploads.sql — an update file uploaded on the intranet's import
-- page, kept between the check (what would change) and the admin's "apply"
-- for at most an hour, then deleted; deleted at once when applied.

CREATE TABLE import_uploads (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id),
	created_at	TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	filename	TEXT NOT NULL,
	charset		TEXT NOT NULL CHECK (charset IN ('auto', 'utf-8', 'iso-8859-1')),
	source		TEXT NOT NULL CHECK (source IN ('customer', 'update_service',
			    'subcontractor', 'staff', 'import')),
	data		BLOB NOT NULL
) STRICT;
