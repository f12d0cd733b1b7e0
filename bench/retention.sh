#!/bin/bash
# retention.sh — the retention run at scale (#14, docs/retention.md): a
# fresh register of N demo customers (default 1,000,000) with DUE rows due
# in each class this build applies (default 100,000 each): customer-history
# values corrected long ago (history.old), failed sign-ins, closed requests
# with a sent letter each (request, DUE/10), audit rows past 10 years
# (audit); and DUE customers whose relationship ended 11 years ago
# (customer: erased or anonymised as their holds allow, lib/forget). Times
# the dry run, `retention --apply` ([retention] batch_rows = BATCH) and a
# second run (idempotent: nothing left), with the database's size.
# Target (issue #14): 100,000 due of 1,000,000 customers in under 60 s.
#
# Usage: bash bench/retention.sh   (from the top folder, after `make all`)
# Environment: BUILD (build), N (1000000), DUE (100000), BATCH (1000),
#   KEEP_STATE=1 keeps the state folder.
set -eu
BUILD=${BUILD:-build}
ROOT=$(pwd)
N=${N:-1000000}
DUE=${DUE:-100000}
BATCH=${BATCH:-1000}
state=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-retention.XXXXXX")
[ "${KEEP_STATE:-0}" = 1 ] || trap 'rm -rf "$state"' EXIT INT TERM
conf=$state/rekisteri.conf
sed -e "s#^path = .*#path = $state/db/rekisteri.db#" \
    -e "s#^dir = .*#dir = $state/keys#" \
    -e "s#\.\./#$ROOT/#" conf/rekisteri.conf.sample > "$conf"
printf '\n[retention]\nhistory_months = 24\nbatch_rows = %s\n' "$BATCH" >> "$conf"
cli() { "$BUILD/rekisteri" -c "$conf" "$@"; }
db=$state/db/rekisteri.db
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

cli init >/dev/null
# the audit log is cut from its start: the old rows come first (their
# hashes are not a chain: `audit verify` is not the point here)
sqlite3 "$db" <<SQL
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $DUE)
INSERT INTO audit_log (id, at, action, prev_hash, hash)
SELECT i, '2014-01-01T00:00:00Z', 'bench', zeroblob(32), zeroblob(32) FROM k;
SQL
t=$(now)
cli customer demo "$N" >/dev/null
echo "load: $N customers in $(since "$t") s"
t=$(now)
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
UPDATE customers SET relationship_ended = '2015-01-01' WHERE id <= $DUE;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $DUE)
INSERT INTO customer_history (customer_id, field, old_value, new_value, at, source)
SELECT i, 'email', 'old' || i || '@example.fi', 'new' || i || '@example.fi',
    '2020-01-01T00:00:00Z', 'staff' FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $DUE)
INSERT INTO login_failures (username, client, at)
SELECT 'user' || i, '192.0.2.1', 1000000000 FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $DUE / 10)
INSERT INTO requests (number, received, deadline, types, lang, name, text_sha256,
    key_id, code, form_id, token_hash, status, closed_at)
SELECT printf('TS-2020-%06d', i), '2020-01-01T00:00:00Z', '2020-02-01', 1, 'fi',
    'Bench', '', 'k', 'c', 'bench' || i, randomblob(16), 'answered',
    '2020-01-20T00:00:00Z' FROM k;
INSERT INTO request_letters (request_id, kind, sent_at, sent_via, content, sha256)
SELECT id, 'answer', '2020-01-20T00:00:00Z', 'post', x'00', 'h' FROM requests;
COMMIT;
SQL
echo "seed: $DUE due per class in $(since "$t") s; database $(du -h "$db" | cut -f1)"
t=$(now)
cli retention > "$state/dry.txt"
echo "dry run: $(since "$t") s"
cat "$state/dry.txt"
t=$(now)
cli retention --apply > "$state/apply.txt"
echo "apply: $(since "$t") s (batches of $BATCH rows)"
cat "$state/apply.txt"
t=$(now)
cli retention --apply > "$state/again.txt"
echo "second run: $(since "$t") s"
grep -E '^(session|signin|history|request|audit)' "$state/again.txt" |
    awk '{ if ($4 != 0) bad = 1 } END { print bad ? "second run changed rows: NOT idempotent" : "second run: nothing changed" }'
