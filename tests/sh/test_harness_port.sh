#!/bin/sh
# test_harness_port.sh — the HTTP harness's web server must come up on a
# port that is really free, and come up again when it is gone. CI once saw
# `make test-faults` fail every binary after the first: Apache could not
# bind the port the harness had found free a moment earlier ("Address
# already in use": the port was in the kernel's ephemeral range, where an
# outgoing connection may hold it), and the binaries after it ran against
# no web server at all.
#
# 1. server_pick_port (scripts/server.sh) gives a free port below the
#    ephemeral range, and never the one it is told to avoid.
# 2. Two stand-in test binaries in the real harness behind the real web
#    server: the first stops the web server and holds its port with a
#    listener of its own (spawn-fcgi binding it, a sleep as the program);
#    the second must find a web server answering again, on another port.
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
. tests/sh/check.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-harness-port.XXXXXX")
chmod 0711 "$tmp"	# the state inside it is entered by the workers' user
holder=
cleanup() {
	[ -n "$holder" ] && kill -TERM -- "-$holder" 2>/dev/null
	[ -f "$tmp/holder.pid" ] && kill -TERM -- "-$(cat "$tmp/holder.pid")" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
echo "[==========] Running 4 test(s)."

# 1. the port picker, in the shell that sources server.sh
out=$(bash -c '. "$1/scripts/server.sh"
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
	for i in $(seq 1 20); do
		p=$(server_pick_port) || { echo "none"; exit 1; }
		[ "$lo" -le 12000 ] || [ "$p" -lt "$lo" ] || { echo "$p in the ephemeral range from $lo"; exit 1; }
		[ "$p" -ge 10000 ] || { echo "$p below 10000"; exit 1; }
		q=$(server_pick_port "$p") || { echo "none"; exit 1; }
		[ "$q" != "$p" ] || { echo "$q twice"; exit 1; }
	done' sh "$ROOT" 2>&1)
check "pick_port_below_ephemeral_range" $? "$out"

# a port the picker called free and nothing then took is free
out=$(bash -c '. "$1/scripts/server.sh"; p=$(server_pick_port) && server_port_free "$p"' sh "$ROOT" 2>&1)
check "pick_port_free" $? "$out"

# 2. the stand-ins
cat >"$tmp/test_take_port" <<'EOF'
#!/bin/bash
echo "[==========] Running 1 test(s)."
port=${REKISTERI_BASE_URL##*:}
for f in httpd nginx; do
	[ -f "$REKISTERI_STATE/run/$f.pid" ] && kill -TERM "$(cat "$REKISTERI_STATE/run/$f.pid")"
done
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	sleep 0.1
done
# a listener of its own on the port, in a group of its own, its pid where
# the harness does not look (log/ outlives fresh state; the test stops it)
setsid spawn-fcgi -n -a 127.0.0.1 -p "$port" -- /bin/sleep 120 \
    </dev/null >/dev/null 2>&1 &
echo $! >"$REKISTERI_STATE/log/holder.pid"
echo "$port" >"$REKISTERI_STATE/log/held.port"
for _ in $(seq 1 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
echo "[       OK ] web_server_stopped_port_taken"
echo "[==========] 1 test(s) run."
echo "[  PASSED  ] 1 test(s)."
EOF
cat >"$tmp/test_server_back" <<'EOF'
#!/bin/bash
echo "[==========] Running 1 test(s)."
held=$(cat "$REKISTERI_STATE/log/held.port")
port=${REKISTERI_BASE_URL##*:}
# (the executables have only just been started beside it: up to 10 s)
for _ in $(seq 1 50); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$REKISTERI_BASE_URL/notice")
	[ "$code" = 200 ] && break
	sleep 0.2
done
if [ "$port" != "$held" ] && [ "$code" = 200 ]; then
	echo "[       OK ] web_server_back_on_new_port"
	echo "[==========] 1 test(s) run."
	echo "[  PASSED  ] 1 test(s)."
else
	echo "[  FAILED  ] web_server_back_on_new_port: port $port (held $held), /notice $code"
	echo "[==========] 1 test(s) run."
	echo "[  FAILED  ] 1 test(s), listed above:"
fi
EOF
chmod +x "$tmp/test_take_port" "$tmp/test_server_back"

if [ ! -x "$BUILD/tests/http/testapp" ] || [ ! -x "$BUILD/cgi-bin/notice" ]; then
	check "harness restarts the web server on a new port" 1 \
	    "build first: make all $BUILD/tests/http/testapp"
	check "harness passes both binaries" 1 "not run"
else
	TEST_RESULTS=$tmp/results BUILD=$BUILD SERVER=${SERVER:-apache} \
	    KEEP_STATE=1 TMPDIR=$tmp bash tests/http/harness.sh run_tests \
	    "$tmp/test_take_port" "$tmp/test_server_back" >"$tmp/harness.log" 2>&1
	rc=$?
	state=$(sed -n 's/^harness: state kept in //p' "$tmp/harness.log")
	[ -n "$state" ] && [ -f "$state/log/holder.pid" ] &&
	    cp "$state/log/holder.pid" "$tmp/holder.pid"
	awk '$1 ~ /\/test_server_back$/ && $2 == 1 && $3 == 0 { ok = 1 }
	    END { exit !ok }' "$tmp/results"
	check "harness restarts the web server on a new port" $? \
	    "$(grep -h 'FAILED\|harness:\|server:' "$tmp/harness.log" | tr '\n' ' ')"
	check "harness passes both binaries" $rc \
	    "exit status $rc; see $(tr '\n' ' ' <"$tmp/results")"
	[ -n "$state" ] && rm -rf "$state"
fi

finish
