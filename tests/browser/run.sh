#!/bin/bash
# run.sh — the browser tests (node --test, tests/browser/*.test.mjs) against
# the server that tests/http/harness.sh started:
#
#   bash tests/http/harness.sh run_tests tests/browser/run.sh   (make browser)
#
# Needs node >= 20.19, Debian's /usr/bin/chromium and the packages pinned in
# package-lock.json (npm ci --prefix tests/browser). Ends with cmocka-style
# "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" lines, so that
# tests/run-all.sh counts these tests with the others. Output files go to
# $BUILD/test-output/browser.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
out=$BUILD/test-output/browser
mkdir -p "$out"

fail() {
	echo "browser: $*" >&2
	echo "[  FAILED  ] 1 test(s)"
	exit 1
}
[ -n "${REKISTERI_BASE_URL:-}" ] ||
	fail "REKISTERI_BASE_URL is not set; run: bash tests/http/harness.sh run_tests tests/browser/run.sh"
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
	fail "${CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)"
[ -d "$here/node_modules/playwright-core" ] ||
	fail "tests/browser/node_modules is missing; run: npm ci --prefix tests/browser"

log=$out/node-test.log
# Bounded: a hung browser must not hang the build.
timeout "${BROWSER_TIMEOUT:-600}" node --test --test-reporter=spec --test-concurrency=1 \
    "$here"/*.test.mjs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "browser: timed out after ${BROWSER_TIMEOUT:-600} s" >&2

# node's summary ("ℹ pass N", "ℹ fail N") as cmocka's lines.
pass=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '$2 == "pass" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }')
failed=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '$2 == "fail" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }')
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
fi
echo "[  PASSED  ] $pass test(s)."
[ "$failed" -gt 0 ] && echo "[  FAILED  ] $failed test(s)"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
