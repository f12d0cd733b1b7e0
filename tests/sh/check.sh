# check.sh — what every shell test (tests/sh/test_*.sh) prints, in the
# lines cmocka prints and tests/verdict.sh counts. Sourced (POSIX sh) from
# the top folder, after the test's own `cd`:
#
#   check NAME STATUS [DETAIL]   "[       OK ] NAME" when STATUS is 0, else
#                                "[  FAILED  ] NAME: DETAIL"; counted
#   finish                       the summary lines; exits 1 when a check
#                                failed, else 0
passed=0
failed=0

check() {	# check NAME STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then
		echo "[       OK ] $1"
		passed=$((passed + 1))
	else
		echo "[  FAILED  ] $1${3:+: $3}"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "[==========] $((passed + failed)) test(s) run."
	echo "[  PASSED  ] $passed test(s)."
	[ "$failed" -eq 0 ] || { echo "[  FAILED  ] $failed test(s)"; exit 1; }
	exit 0
}
