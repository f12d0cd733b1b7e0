#!/bin/sh
# run-all.sh — run unit test binaries, then HTTP test binaries against a real
# Apache, and end with one summary line "N passed, N failed".
#
# Usage: tests/run-all.sh UNIT_BIN... [SHELL_TEST...] -- HTTP_BIN...
# Each binary is a cmocka runner; its "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)" lines are counted. A binary that dies without
# printing them counts as one failure. Shell tests before "--"
# (tests/sh/test_*.sh) start servers of their own and print the same lines.
set -u
BUILD=${BUILD:-build}
outdir=$BUILD/test-output
mkdir -p "$outdir"
passed=0
failed=0

count() {	# count LOGFILE EXITCODE
	p=$(awk '/^\[  PASSED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' "$1")
	f=$(awk '/^\[  FAILED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' "$1")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, or failed outside a test
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

run_one() {	# run_one BINARY [env...]
	name=$(basename "$1")
	log=$outdir/$name.log
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$log" "$rc"
}

unit=1
http_bins=
for b in "$@"; do
	if [ "$b" = "--" ]; then unit=0; continue; fi
	if [ $unit -eq 1 ]; then
		run_one "$b"
	else
		http_bins="$http_bins $b"
	fi
done

if [ -n "$http_bins" ]; then
	# One real Apache with fresh state for all HTTP tests; stopped on exit.
	# shellcheck disable=SC2086
	bash tests/http/harness.sh run_tests $http_bins >"$outdir/http.log" 2>&1
	rc=$?
	cat "$outdir/http.log"
	count "$outdir/http.log" "$rc"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
