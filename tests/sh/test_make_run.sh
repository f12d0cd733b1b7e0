#!/bin/bash
# test_make_run.sh — `make run` as a newcomer uses it: a first run, stopped
# as with Ctrl-C, then `PORT=other make run` on the same state folder. The
# second run must serve on its own port with base_url following it, so that
# a browser's sign-in (an Origin header of the new port) gets in, while an
# Origin of the old port is refused. Both servers listen on 127.0.0.1 only;
# everything started here is stopped on exit.
#
# Run by `make test` (tests/run-all.sh); ends with cmocka-style
# "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" lines.
set -u
set -m	# each `make run` in its own process group, as a terminal would have it
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
ROOT=$(pwd)
. "$ROOT/scripts/server.sh"	# server_port_free, server_pick_port
# a make of our own, not a job of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-run.XXXXXX")
chmod 0755 "$STATE"
out=$BUILD/test-output/make-run
mkdir -p "$out"
pid=
passed=0

stop() {	# as Ctrl-C does: SIGINT to the whole process group
	[ -n "$pid" ] || return 0
	kill -INT -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
cleanup() {
	stop
	rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
echo "[==========] Running 4 test(s)."

fail() {
	echo "test_make_run: $*" >&2
	for f in "$out"/run*.log; do
		[ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; }
	done
	[ -f "$STATE/log/error.log" ] && tail -n 20 "$STATE/log/error.log"
	echo "[  FAILED  ] 1 test(s)"
	exit 1
}
ok() {
	echo "[       OK ] $1"
	passed=$((passed + 1))
}

# start PORT LOG: `make run` in the background until it says it is running.
start() {
	STATE=$STATE PORT=$1 DEMO=0 make --no-print-directory run >"$2" 2>&1 &
	pid=$!
	for _ in $(seq 1 1800); do
		grep -q "^Rekisteri is running" "$2" && return 0
		kill -0 "$pid" 2>/dev/null || { pid=; fail "make run on port $1 ended early"; }
		sleep 0.1
	done
	fail "make run on port $1 did not start in 180 s"
}

# login PORT ORIGIN: the status and Location of a sign-in sent as a browser would.
login() {
	curl -s -o /dev/null -w '%{http_code} %header{location}' \
	    -H "Origin: $2" --data-urlencode username=tester \
	    --data-urlencode password=kaksi-kirahvia-ja-kameli \
	    "http://127.0.0.1:$1/intranet/login"
}

p1=$(server_pick_port) || fail "no free port"
p2=$(server_pick_port "$p1") || fail "no free port"

start "$p1" "$out/run1.log"
grep -q "http://127.0.0.1:$p1/intranet/" "$out/run1.log" || fail "the first run names no URL on $p1"
# (run.sh prints its message in one write; a few seconds' grace all the same)
for _ in $(seq 1 50); do
	grep -q "^  password: " "$out/run1.log" && break
	sleep 0.1
done
grep -q "^  password: " "$out/run1.log" || fail "the first run printed no administrator password"
stop
server_port_free "$p1" || fail "something still listens on $p1 after Ctrl-C"
ok "first make run on $p1, stopped by SIGINT"

# a staff account of the kind that signs in with a password alone
echo kaksi-kirahvia-ja-kameli | "$BUILD/rekisteri" -c "$STATE/rekisteri.conf" \
    user add tester --role handler --nda 2026-01-01 --password-stdin >/dev/null ||
    fail "cannot add a user"

start "$p2" "$out/run2.log"
grep -q "http://127.0.0.1:$p2/intranet/" "$out/run2.log" || fail "the second run names no URL on $p2"
grep -q "^  password: " "$out/run2.log" && fail "the second run made another administrator"
grep -qx "base_url = http://127.0.0.1:$p2" "$STATE/rekisteri.conf" ||
    fail "base_url did not follow PORT: $(grep '^base_url' "$STATE/rekisteri.conf")"
server_port_free "$p1" || fail "the second run listens on the old port too"
ok "second make run on $p2 with base_url http://127.0.0.1:$p2"

res=$(login "$p2" "http://127.0.0.1:$p1")
[ "${res%% *}" = 403 ] || fail "a sign-in from the old port's origin got $res, not 403"
res=$(login "$p2" "http://127.0.0.1:$p2")
[ "$res" = "303 /intranet/" ] || fail "a sign-in from http://127.0.0.1:$p2 got '$res', not '303 /intranet/'"
ok "sign-in with Origin http://127.0.0.1:$p2 gets in; the old origin is refused"

stop
server_port_free "$p2" || fail "something still listens on $p2 after Ctrl-C"
ok "second make run stopped by SIGINT"
echo "[==========] $passed test(s) run."
echo "[  PASSED  ] $passed test(s)."
