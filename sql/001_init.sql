-- 001_init.sql — the register's first schema: settings the program keeps.
-- Later migrations add staff, customers, notice versions and requests.

CREATE TABLE settings (
	name	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
) STRICT;

INSERT INTO settings (name, value) VALUES ('created_at',
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
