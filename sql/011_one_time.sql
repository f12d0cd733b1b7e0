-- 011_one_time.sql — when a one-time password was given (#18, item 8): it
-- expires after [intranet] one_time_hours (24 by default), and the person
-- asks an admin for a new one. Accounts waiting for a change now get the
-- full time from this upgrade.

ALTER TABLE users ADD COLUMN one_time_at TEXT;
UPDATE users SET one_time_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE must_change = 1;
