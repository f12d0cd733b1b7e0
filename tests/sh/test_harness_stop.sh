#!/bin/sh
# test_harness_stop.sh — the HTTP harness gives each binary fresh state at
# the same paths, so it must not start the next binary while a process of
# the last one still runs (issue #17: under `make test SAN=1` the intranet
# once failed to open its database on fresh state, and 13 tests answered
# 502). Two stand-in test binaries run in the real harness behind the real
# web server: the first leaves a FastCGI-like process (its pid in run/, a
# group of its own, as server.sh starts the executables) that takes about
# 10 s to exit on SIGTERM — longer than the 5 s the harness used to wait —
# and removes the next state's database file at the same path if it sees
# one, as a late process at the same paths can; the second, on its fresh
# state, checks that its database is still there once that process is
# gone. A harness that goes on before the group is gone fails the second.
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/sh/check.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-harness-stop.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
echo "[==========] Running 2 test(s)."

# The first stand-in: a slow-exiting process in a group of its own. On
# SIGTERM it waits (about 10 s) for a database file other than the one it
# knew at the state's path, as the next binary's fresh state makes, then
# removes it: a process that outlived the harness's wait, at the same paths.
cat >"$tmp/test_slow_exit" <<'EOF'
#!/bin/bash
echo "[==========] Running 1 test(s)."
setsid bash -c 'db=$REKISTERI_STATE/db/rekisteri.db
	ino=$(stat -c %i "$db")
	late() {
		for _ in $(seq 1 100); do
			n=$(stat -c %i "$db" 2>/dev/null)
			if [ -n "$n" ] && [ "$n" != "$ino" ]; then
				sleep 1; rm -f "$db"; break
			fi
			sleep 0.1
		done
		exit 0
	}
	trap late TERM
	while :; do sleep 0.1; done' </dev/null >/dev/null 2>&1 &
echo $! >"$REKISTERI_STATE/run/slow.pid"
# (log/ outlives fresh state: where the second stand-in finds the pid)
echo $! >"$REKISTERI_STATE/log/slow.pid"
echo "[       OK ] slow_exit_left_running"
echo "[==========] 1 test(s) run."
echo "[  PASSED  ] 1 test(s)."
EOF
# The second: its own database must stay where its config says.
cat >"$tmp/test_fresh_db" <<'EOF'
#!/bin/bash
echo "[==========] Running 1 test(s)."
# as long as the first one's process lives (at most 20 s)
pid=$(cat "$REKISTERI_STATE/log/slow.pid")
for _ in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
if [ -f "$REKISTERI_STATE/db/rekisteri.db" ] &&
    "$REKISTERI_CLI" -c "$REKISTERI_CONF" notice list | grep -q '^1'; then
	echo "[       OK ] fresh_database_intact"
	echo "[==========] 1 test(s) run."
	echo "[  PASSED  ] 1 test(s)."
else
	echo "[  FAILED  ] fresh_database_intact: removed by the last binary's process"
	echo "[==========] 1 test(s) run."
	echo "[  FAILED  ] 1 test(s), listed above:"
fi
EOF
chmod +x "$tmp/test_slow_exit" "$tmp/test_fresh_db"

if [ ! -x "$BUILD/tests/http/testapp" ] || [ ! -x "$BUILD/cgi-bin/intranet" ]; then
	check "harness waits for the last binary's processes" 1 \
	    "build first: make all $BUILD/tests/http/testapp"
else
	TEST_RESULTS=$tmp/results BUILD=$BUILD SERVER=${SERVER:-apache} \
	    bash tests/http/harness.sh run_tests "$tmp/test_slow_exit" \
	    "$tmp/test_fresh_db" >"$tmp/harness.log" 2>&1
	rc=$?
	awk '$1 ~ /\/test_fresh_db$/ && $2 == 1 && $3 == 0 { ok = 1 }
	    END { exit !ok }' "$tmp/results"
	check "harness waits for the last binary's processes" $? \
	    "$(grep -h 'FAILED\|harness:' "$tmp/harness.log" | tr '\n' ' ')"
	check "harness passes both binaries" $rc \
	    "exit status $rc; see $(cat "$tmp/results" | tr '\n' ' ')"
fi

finish
