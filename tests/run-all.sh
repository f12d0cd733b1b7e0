#!/bin/sh
# run-all.sh — run unit test binaries, then HTTP test binaries (and the
# browser run) against a real Apache (SERVER=nginx: nginx; SERVERS="apache
# nginx": both in turn), each under a time limit; report every binary's
# result and end with one summary line "N passed, N failed".
#
# Usage: tests/run-all.sh UNIT_BIN... [SHELL_TEST...] -- HTTP_BIN...
# Shell tests before "--" (tests/sh/test_*.sh) start servers of their own
# and print cmocka's lines, so they are counted as the unit binaries are.
# Each binary is counted by tests/verdict.sh: its cmocka lines, a missing
# summary, tests declared but not reported, a crash, a timeout
# (TEST_TIMEOUT seconds, 300 by default) each count as failures of that
# binary. HTTP binaries run in tests/http/harness.sh, which also fails a
# binary for what the FastCGI workers logged while it ran.
set -u
BUILD=${BUILD:-build}
outdir=$BUILD/test-output
mkdir -p "$outdir"
TEST_RESULTS=$outdir/results
export TEST_RESULTS
: >"$TEST_RESULTS"
: >"$TEST_RESULTS.why"
. tests/verdict.sh

unit=1
http_bins=
for b in "$@"; do
	if [ "$b" = "--" ]; then unit=0; continue; fi
	if [ $unit -eq 0 ]; then
		http_bins="$http_bins $b"
		continue
	fi
	# "unit/test_notice", apart from the HTTP test of the same name
	name=$(basename "$(dirname "$b")")/$(basename "$b")
	log=$outdir/$(echo "$name" | tr / -).log
	echo "== $name"
	timeout -k 10 "${TEST_TIMEOUT:-300}" "$b" >"$log" 2>&1
	rc=$?
	cat "$log"
	verdict "$name" "$log" "$rc"
done

# SERVERS="apache nginx" (make test) runs the HTTP binaries behind each web
# server in turn; by default only behind $SERVER (apache unless set). The
# browser run (a .sh, about 3 minutes) goes behind the first one only:
# `make browser SERVER=nginx` runs it behind nginx.
first=1
for server in ${SERVERS:-${SERVER:-apache}}; do
	[ -n "$http_bins" ] || break
	if [ $first -eq 0 ]; then
		bins=
		for b in $http_bins; do
			case $b in *.sh) ;; *) bins="$bins $b" ;; esac
		done
		http_bins=$bins
	fi
	first=0
	# One real web server; fresh state for every binary; stopped on exit.
	# shellcheck disable=SC2086
	SERVER=$server bash tests/http/harness.sh run_tests $http_bins \
	    >"$outdir/http-$server.log" 2>&1
	rc=$?
	cat "$outdir/http-$server.log"
	# a binary the harness never got to is a failure too
	for b in $http_bins; do
		name=$(basename "$(dirname "$b")")/$(basename "$b")
		[ "$server" = nginx ] && name=nginx/$(basename "$b")
		if ! grep -q "^$name " "$TEST_RESULTS"; then
			echo "== $name: 0 passed, 1 failed (not run: see $outdir/http-$server.log)" |
			    tee -a "$TEST_RESULTS.why"
			echo "$name 0 1" >>"$TEST_RESULTS"
		fi
	done
	if [ "$rc" -ne 0 ] && ! awk '$3 > 0 { bad = 1 } END { exit !bad }' "$TEST_RESULTS"; then
		echo "== harness ($server): exit status $rc with no failed test" |
		    tee -a "$TEST_RESULTS.why"
		echo "harness-$server 0 1" >>"$TEST_RESULTS"
	fi
done

echo
echo "Per binary:"
awk '{ printf "  %-30s %4d passed, %d failed\n", $1, $2, $3 }' "$TEST_RESULTS"
set -- $(awk '{ p += $2; f += $3 } END { print p + 0, f + 0 }' "$TEST_RESULTS")
# the failures again, last, with their reasons: the end of the output is
# what a failed run shows first (CI's record keeps only its tail)
if [ -s "$TEST_RESULTS.why" ]; then
	echo
	echo "Failed:"
	cat "$TEST_RESULTS.why"
fi
echo
echo "$1 passed, $2 failed"
[ "$2" -eq 0 ]
