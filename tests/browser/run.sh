#!/bin/bash
# run.sh — the browser tests (node --test, tests/browser/*.test.mjs) against
# the server that tests/http/harness.sh started:
#
#   bash tests/http/harness.sh run_tests tests/browser/run.sh   (make browser)
#
# Needs node >= 20.19, Debian's /usr/bin/chromium and the packages pinned in
# package-lock.json (npm ci --prefix tests/browser). Output files go to
# $BUILD/test-output/browser.
#
# Every test file declares how many tests it has, in a line
#   // declared-tests: N
# Node's spec reporter shows the run; count-reporter.mjs counts, per file,
# the tests that passed, failed or were skipped (from the reporter events,
# not from a summary's wording). A file where fewer or more tests ran than
# it declares fails, as does a run without counts. The result ends in
# cmocka-style lines ("[==========] Running N test(s)." with N declared,
# "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s)"), which
# tests/verdict.sh counts with the C tests. SHUFFLE=1 runs the files in a
# random order.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
out=$BUILD/test-output/browser
mkdir -p "$out"

files=("$here"/*.test.mjs)
declared=0
for f in "${files[@]}"; do
	n=$(sed -n 's|^// declared-tests: \([0-9][0-9]*\)$|\1|p' "$f")
	[ -n "$n" ] && declared=$((declared + n))
done
echo "[==========] Running $declared test(s)."

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

if [ "${SHUFFLE:-0}" = 1 ]; then
	mapfile -t files < <(printf '%s\n' "${files[@]}" | shuf)
	echo "browser: shuffled order: $(for f in "${files[@]}"; do basename "$f"; done | tr '\n' ' ')"
fi
log=$out/node-test.log
counts=$out/counts.json
rm -f "$counts"
# Bounded: a hung browser must not hang the build.
timeout "${BROWSER_TIMEOUT:-600}" node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter="$here/count-reporter.mjs" --test-reporter-destination="$counts" \
    "${files[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "browser: timed out after ${BROWSER_TIMEOUT:-600} s" >&2

# Per file: what ran against what it declares. Prints "PASSED FAILED RAN"
# last; the lines before say what is wrong.
result=$(node - "$counts" "${files[@]}" <<'JS'
const { readFileSync } = require('node:fs');
const [countsFile, ...files] = process.argv.slice(2);
let counts = { files: {} };
try {
	counts = JSON.parse(readFileSync(countsFile, 'utf8'));
} catch (e) {
	console.log(`browser: no counts from the reporter (${e.message})`);
}
let passed = 0, failed = 0, ran = 0;
for (const file of files) {
	const m = readFileSync(file, 'utf8').match(/^\/\/ declared-tests: (\d+)$/m);
	const c = counts.files[file] ?? { pass: 0, fail: 0, skip: 0, failed: [] };
	const name = file.replace(/.*\//, '');
	passed += c.pass;
	failed += c.fail + c.skip;
	ran += c.pass + c.fail + c.skip;
	for (const t of c.failed)
		console.log(`browser: ${name}: failed: ${t}`);
	if (c.skip > 0)
		console.log(`browser: ${name}: ${c.skip} test(s) skipped, counted as failed`);
	if (m === null) {
		console.log(`browser: ${name} has no "// declared-tests: N" line`);
		failed++;
		continue;
	}
	const want = Number(m[1]), got = c.pass + c.fail + c.skip;
	if (got < want)
		console.log(`browser: ${name}: ${got} of ${want} declared tests ran`);
	else if (got > want) {
		console.log(`browser: ${name}: ${got} tests ran, it declares ${want}: correct the declared count`);
		failed++;
	}
}
console.log(`${passed} ${failed} ${ran}`);
JS
)
echo "$result" | sed '$d'
read -r pass failed ran <<<"$(echo "$result" | tail -n 1)"
if [ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ] && [ "$((declared - ${pass:-0}))" -le 0 ]; then
	echo "browser: node exited $rc with every test passed" >&2
	failed=1
fi
echo "[==========] ${ran:-0} test(s) run."
echo "[  PASSED  ] ${pass:-0} test(s)."
[ "${failed:-0}" -gt 0 ] && echo "[  FAILED  ] $failed test(s)"
[ "$rc" -eq 0 ] && [ "${failed:-0}" -eq 0 ] && [ "${pass:-0}" -eq "$declared" ]
