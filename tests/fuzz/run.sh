#!/bin/sh
# tests/fuzz/run.sh — run the libFuzzer harnesses: replay each regression
# input, then fuzz for FUZZ_SECONDS from a throw-away copy of the seeds.
#
#   sh tests/fuzz/run.sh build-fuzz/fuzz_NAME...     (make fuzz calls this)
#
# Environment: FUZZ_SECONDS (default 30; 0 replays the regressions only),
# FUZZ_BUILD (default build-fuzz: logs in FUZZ_BUILD/logs/NAME.log, crashing
# inputs in FUZZ_BUILD/artifacts/NAME/). Runs from the repository root, where
# the harnesses find i18n/ and templates/. The checked-in corpus is only
# read: new inputs go to a temporary folder removed at the end. Exit status
# 1 when any harness crashed, failed a check or did not run.
set -u

cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-30}
build=${FUZZ_BUILD:-build-fuzz}
work=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$build/logs"

failed=0
total=0

# The last value of libFuzzer's "stat::KEY: N" line in log, or "?".
lf_stat() {
	v=$(sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1)
	echo "${v:-?}"
}

# Print why harness $1 failed, with the end of its log $2.
fail() {
	failed=$((failed + 1))
	echo "FAIL    $1: $3 (log: $2)"
	grep -E '^(SUMMARY|==[0-9]+==ERROR|fuzz: |artifact_prefix|Test unit written)' "$2" |
	    sed 's/^/        /' | head -n 12
}

printf '%-12s %12s %10s %8s  %s\n' harness executions exec/s seconds corpus
for bin in "$@"; do
	name=${bin##*/fuzz_}
	seeds=tests/fuzz/corpus/$name
	regress=tests/fuzz/regress/$name
	dict=tests/fuzz/$name.dict
	log=$build/logs/$name.log
	arts=$build/artifacts/$name/
	total=$((total + 1))
	mkdir -p "$arts" "$work/tmp-$name"

	if [ ! -x "$bin" ]; then
		fail "$name" "-" "no executable $bin"
		continue
	fi

	# Every input that once crashed must now pass.
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
		if ! TMPDIR=$work/tmp-$name "$bin" -artifact_prefix="$arts" \
		    -timeout=10 "$regress"/* >"$log.regress" 2>&1; then
			fail "$name" "$log.regress" "a regression input fails again"
			continue
		fi
		echo "regress $name: $(ls -A "$regress" | wc -l) input(s) pass"
	fi
	[ "$secs" -gt 0 ] || continue

	corpus=$work/corpus-$name
	mkdir -p "$corpus"
	dictarg=
	[ -f "$dict" ] && dictarg=-dict=$dict
	seedarg=
	[ -d "$seeds" ] && seedarg=$seeds
	# shellcheck disable=SC2086 # dictarg and seedarg are empty or one word
	TMPDIR=$work/tmp-$name "$bin" -max_total_time="$secs" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$arts" $dictarg \
	    "$corpus" $seedarg >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
	runs=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p')
	took=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p')
	[ -n "$runs" ] || runs=$(lf_stat number_of_executed_units "$log")
	printf '%-12s %12s %10s %8s  %s\n' "$name" "$runs" \
	    "$(lf_stat average_exec_per_sec "$log")" "${took:-?}" \
	    "$(ls "$corpus" | wc -l) new, $(ls "${seedarg:-/nonexistent}" 2>/dev/null | wc -l) seeds"
	if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
		fail "$name" "$log" "crashed or failed a check (exit $rc)"
	fi
done

echo "fuzz: $total harness(es), $failed failed"
[ "$failed" -eq 0 ]
