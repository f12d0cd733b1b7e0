#!/bin/sh
# test_run_all_tail.sh — a failed run names its failures again at its end
# (tests/run-all.sh, "Failed:"), just before the summary line: the record of
# a failed CI keeps only the last lines of the output, and one run
# (2026-12-04, "778 passed, 1 failed") showed the count but not which
# binary. tests/run-all.sh runs two stand-in binaries, one passing and one
# with a failed test, in a build folder of its own; the last lines must
# name the failing binary, its failed test and the line cmocka gave, and
# nothing of the passing one. A passing run has no such section.
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/sh/check.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-run-all-tail.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
echo "[==========] Running 2 test(s)."

mkdir -p "$tmp/unit"
cat >"$tmp/unit/test_good" <<'EOS'
#!/bin/sh
echo "[==========] Running 1 test(s)."
echo "[ RUN      ] fine"
echo "[       OK ] fine"
echo "[==========] 1 test(s) run."
echo "[  PASSED  ] 1 test(s)."
EOS
cat >"$tmp/unit/test_bad" <<'EOS'
#!/bin/sh
echo "[==========] Running 2 test(s)."
echo "[ RUN      ] first_one"
echo "[       OK ] first_one"
echo "[ RUN      ] second_one"
echo "[  ERROR   ] --- 0x6 != 0x5"
echo "[   LINE   ] --- tests/unit/test_bad.c:148: error: Failure!"
echo "[  FAILED  ] second_one"
echo "[==========] 2 test(s) run."
echo "[  PASSED  ] 1 test(s)."
echo "[  FAILED  ] 1 test(s), listed below:"
echo "[  FAILED  ] second_one"
exit 1
EOS
chmod +x "$tmp/unit/test_good" "$tmp/unit/test_bad"

# the test binaries of this run are named by their folder: unit/
BUILD=$tmp/build sh tests/run-all.sh "$tmp/unit/test_good" "$tmp/unit/test_bad" \
    >"$tmp/out" 2>&1
rc=$?
tail -n 8 "$tmp/out" >"$tmp/tail"
ok=0
[ "$rc" -ne 0 ] || ok=1
[ "$(tail -n 1 "$tmp/tail")" = "2 passed, 1 failed" ] || ok=1
grep -q '^== unit/test_bad: 1 passed, 1 failed' "$tmp/tail" || ok=1
grep -q 'ERROR   \] --- 0x6 != 0x5' "$tmp/tail" || ok=1
grep -q 'FAILED  \] second_one' "$tmp/tail" || ok=1
grep -q 'tests/unit/test_bad.c:148' "$tmp/tail" || ok=1
grep -q 'test_good' "$tmp/tail" && ok=1
grep -q '^Failed:$' "$tmp/tail" || ok=1
check failures_named_at_the_end "$ok" "$(tr '\n' '|' <"$tmp/tail")"

BUILD=$tmp/build2 sh tests/run-all.sh "$tmp/unit/test_good" >"$tmp/out2" 2>&1
rc=$?
ok=0
[ "$rc" -eq 0 ] || ok=1
[ "$(tail -n 1 "$tmp/out2")" = "1 passed, 0 failed" ] || ok=1
grep -q '^Failed:' "$tmp/out2" && ok=1
check no_section_when_all_pass "$ok" "$(tail -n 4 "$tmp/out2" | tr '\n' '|')"

finish
