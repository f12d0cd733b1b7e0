#!/bin/bash
# test_erase.sh — `rekisteri customer erase` (#14) end to end on a fresh
# state folder: a hold (an open invoice) refuses, changes nothing and exits
# 1; a dry run changes nothing; --apply erases, leaves none of the person's
# values in the database file or its -wal, writes one 0600 line to the
# erasure ledger; the erased number is refused again; and the same person
# imported again is warned of (suppression = warn) or refused (refuse).
#
# Run by `make test` (tests/run-all.sh); ends with cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-erase.XXXXXX")
trap 'rm -rf "$STATE"' EXIT
mkdir -p -m 0700 "$STATE/keys" "$STATE/db"
sed -e "s|^path = .*|path = $STATE/db/rekisteri.db|" \
    -e "s|^templates = .*|templates = $ROOT/templates|" \
    -e "s|^i18n = .*|i18n = $ROOT/i18n|" \
    -e "s|^sql = .*|sql = $ROOT/sql|" \
    -e "s|^data = .*|data = $ROOT/data|" \
    -e "s|^dir = .*|dir = $STATE/keys|" \
    "$ROOT/conf/rekisteri.conf.sample" >"$STATE/rekisteri.conf"
CLI="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
DB=$STATE/db/rekisteri.db
passed=0 failed=0
ok() { echo "[       OK ] $1"; passed=$((passed + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; failed=$((failed + 1)); }
q() { sqlite3 "$DB" "$1"; }

echo "[==========] Running 6 test(s)."
$CLI init >"$STATE/init.out" 2>&1 || { cat "$STATE/init.out"; exit 1; }
[ "$(stat -c %a "$STATE/keys/erasure.key")" = 600 ] && ok init_makes_the_key ||
    bad init_makes_the_key "no 0600 erasure.key"

cat >"$STATE/people.csv" <<CSV
number,first_name,last_name,email,phone,street,postal_code,city
A900001,Zyxwvuta,Qwertyuiopson,zzqmailbox@erasuretest.fi,+358401234987,Kummitustie 77,00990,Helsinki
A900002,Avoin,Laskulainen,avoin@example.fi,,Katu 2,00100,Helsinki
CSV
$CLI customer import "$STATE/people.csv" --apply >/dev/null || exit 1
q "INSERT INTO bans (customer_id, purpose, since, via) SELECT id,
    'direct_marketing', '2025-01-01', 'phone' FROM customers WHERE number = 'A900001';
   INSERT INTO orders (customer_id, number, ordered_on, amount_cents, status)
    SELECT id, 'L-1', '2026-11-01', 1000, 'open' FROM customers WHERE number = 'A900002'"

# 1. an open invoice refuses: exit 1, the hold worded, nothing changed
out=$($CLI customer erase A900002 --apply --lang en --today 2026-12-02); rc=$?
if [ $rc = 1 ] && echo "$out" | grep -q "cannot be erased" &&
    echo "$out" | grep -q "Nothing was changed" &&
    [ "$(q "SELECT count(*) FROM customers WHERE number = 'A900002'")" = 1 ]; then
	ok hold_refuses_and_changes_nothing
else
	bad hold_refuses_and_changes_nothing "rc $rc: $out"
fi

# 2. a dry run: the verdict, the counts, nothing changed, no ledger
out=$($CLI customer erase A900001 --today 2026-12-02); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q "^A900001: poistetaan" &&
    echo "$out" | grep -q "would erase A900001" &&
    [ "$(q "SELECT count(*) FROM customers WHERE number = 'A900001'")" = 1 ] &&
    [ ! -e "$STATE/db/erasure-ledger" ]; then
	ok dry_run_changes_nothing
else
	bad dry_run_changes_nothing "rc $rc: $out"
fi

# 3. --apply: gone from the tables, the file and the WAL; one ledger line
out=$($CLI customer erase A900001 --apply --reference TS-2026-000001 \
    --today 2026-12-02); rc=$?
leak=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -a -c -i -E \
    'zyxwvuta|qwertyuiopson|zzqmailbox|358401234987|kummitustie')
if [ $rc = 0 ] && [ "$leak" = 0 ] &&
    [ "$(q "SELECT count(*) FROM customers WHERE number = 'A900001'")" = 0 ] &&
    [ "$(q "SELECT kind || ' ' || reference FROM customer_tombstones")" = "erased TS-2026-000001" ] &&
    [ "$(q "SELECT count(*) FROM suppressions")" = 3 ] &&
    [ "$(stat -c %a "$STATE/db/erasure-ledger")" = 600 ] &&
    [ "$(grep -c '^rekisteri-erasure/1 [0-9a-f]\{64\} erased 20..-..-..T..:..:..Z$' \
        "$STATE/db/erasure-ledger")" = 1 ] &&
    ! grep -q A900001 "$STATE/db/erasure-ledger"; then
	ok apply_erases_without_trace
else
	bad apply_erases_without_trace "rc $rc leak $leak: $out"
fi

# 4. again: nothing left to do, exit 0
out=$($CLI customer erase A900001 --apply); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "was erased on" &&
    ok erase_twice_is_harmless || bad erase_twice_is_harmless "rc $rc: $out"

# 5. the same person again, without the number: warned, then refused
cat >"$STATE/again.csv" <<CSV
first_name,last_name,email,postal_code
Matti,Muukalainen,ZZQmailbox@erasuretest.fi,00100
CSV
out=$($CLI customer import "$STATE/again.csv"); rc=$?
sed -i 's/^suppression = warn$/suppression = refuse/' "$STATE/rekisteri.conf"
grep -q '^suppression = refuse$' "$STATE/rekisteri.conf" || bad conf "no [retention] suppression in the sample"
out2=$($CLI customer import "$STATE/again.csv" --apply); rc2=$?
if [ $rc = 0 ] && echo "$out" | grep -q "suppression list" &&
    [ $rc2 = 1 ] && echo "$out2" | grep -q "BAD" &&
    [ "$(q "SELECT count(*) FROM customers WHERE last_name = 'Muukalainen'")" = 0 ]; then
	ok reimport_warned_then_refused
else
	bad reimport_warned_then_refused "rc $rc/$rc2: $out / $out2"
fi

echo "[==========] $((passed + failed)) test(s) run."
echo "[  PASSED  ] $passed test(s)."
[ $failed = 0 ] || { echo "[  FAILED  ] $failed test(s)"; exit 1; }
