#!/bin/bash
# harness.sh — run HTTP test binaries against a real Apache (or, with
# SERVER=nginx, a real nginx) and the real FastCGI executables on a free
# loopback port; everything started here is stopped on exit.
#
# Usage: tests/http/harness.sh run_tests BIN...
#
# Every binary gets fresh state of its own — a new config and database
# (init, a ticket key, the company's notice published as version 1) and the
# FastCGI executables started again on it; the web server keeps running —
# so each file can run alone and in any order. Under SERVER=nginx a binary
# is counted as nginx/NAME, apart from its run on Apache (http/NAME). SHUFFLE=1 runs the binaries in a
# random order (printed). KEEP_STATE=1 keeps the last binary's state.
# Between binaries every FastCGI executable's process group is stopped and
# waited for (SIGKILL after STOP_TIMEOUT seconds, 60) before the next fresh
# state: old processes never touch the new state's files.
# The binaries get REKISTERI_BASE_URL, REKISTERI_STATE, REKISTERI_CONF,
# REKISTERI_CLI and REKISTERI_SERVER (apache or nginx) in their environment.
#
# Each binary runs under timeout(1): TEST_TIMEOUT seconds (300), the
# browser run BROWSER_TIMEOUT + 60. What the FastCGI workers log while it
# runs ($STATE/log/fcgi.log, from the size before it started to its server's
# stop) must be on the allow-list tests/http/fcgi-log.allow for that
# binary; a sanitizer report or a worker ended by a signal never is. Each
# binary is counted by tests/verdict.sh into $TEST_RESULTS; the exit status
# is 0 only when every binary passed.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-http.XXXXXX")
chmod 0755 "$STATE"
ALLOW=$ROOT/tests/http/fcgi-log.allow
outdir=$BUILD/test-output
mkdir -p "$outdir"
if [ -z "${TEST_RESULTS:-}" ]; then
	TEST_RESULTS=$outdir/results
	: >"$TEST_RESULTS"
	: >"$TEST_RESULTS.why"
fi
. "$ROOT/scripts/server.sh"
. "$ROOT/tests/verdict.sh"

cleanup() {
	server_stop
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "harness: state kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT INT TERM

PORT=$(server_pick_port) || { echo "harness: no free port" >&2; exit 1; }

# fcgi_stop: stop the FastCGI executables (each run/NAME.pid but the web
# server's) with every process of their groups, and wait until all are
# gone, so that nothing they log later is taken for the next binary's and
# nothing of theirs still opens, writes or deletes a file of the state the
# next binary gets at the same paths (a supervisor under LeakSanitizer
# takes seconds to exit; a worker forked as the stop came used to outlive
# it). A pid file written by a test (test_request*) names a group of its
# own too. 1 when a process survived even SIGKILL: the next binary's state
# could not be trusted.
fcgi_stop() {
	local pidfile rc=0
	for pidfile in "$STATE"/run/*.pid; do
		[ -f "$pidfile" ] || continue
		case $pidfile in
		*/run/httpd.pid | */run/nginx.pid) continue ;;
		esac
		server_group_stop "$(cat "$pidfile")" "${STOP_TIMEOUT:-60}" || rc=1
		rm -f "$pidfile"
	done
	return $rc
}

# fcgi_start: the FastCGI executables and the tests' testapp as server_start
# (scripts/server.sh) spawns them, without Apache, which keeps running.
fcgi_start() {
	EXTRA_FCGI="testapp=$ROOT/$BUILD/tests/http/testapp" server_fcgi_start
}

# fcgi_ready: wait until the intranet, the notice and the request form
# answer 200 through the web server (each at most 30 s; then go on, and
# the test says what fails). A test's first steps run the command line as
# root (user add) and open the database; an executable that opened it at
# the same moment, at its start, failed now and then with "unable to open
# database file" and every request of that binary answered 502 (CI,
# nginx/test_intranet 2026-12-02 and nginx/test_audit 2026-12-04): the
# test starts once every executable has the database open.
fcgi_ready() {
	local path i code
	for path in /intranet/login /notice /request; do
		i=0
		while [ $i -lt 300 ]; do
			code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
			    "$REKISTERI_BASE_URL$path")
			[ "$code" = 200 ] && break
			i=$((i + 1))
			sleep 0.1
		done
		[ "$code" = 200 ] ||
		    echo "harness: $path answered $code, not 200, for 30 s" >&2
	done
	return 0
}

# fresh_state: a new config and database (init, a ticket key, the company's
# notice as version 1); with an argument, the web server too (the first
# time), with the route /test/ to the tests' testapp; then fcgi_ready.
fresh_state() {
	find "$STATE" -mindepth 1 -maxdepth 1 ! -name log ! -name apache \
	    ! -name nginx ! -name run -exec rm -rf {} +
	server_config
	# Tests sign in as admins without a second factor; test_intranet enrols
	# one user itself. (make run keeps the default: admins must use TOTP.)
	sed -i 's/^totp_required = .*/totp_required = none/' "$STATE/rekisteri.conf"
	"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" init >/dev/null || return 1
	"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" keygen >/dev/null || return 1
	server_seed_notice >/dev/null || return 1
	if [ $# -gt 0 ]; then
		EXTRA_FCGI="testapp=$ROOT/$BUILD/tests/http/testapp"
		mkdir -p "$STATE/$SERVER"
		if [ "$SERVER" = nginx ]; then
			cat >"$STATE/nginx/extra-test.conf" <<CONF
location /test/ {
	include /etc/nginx/fastcgi_params;
	fastcgi_pass unix:$STATE/run/testapp.sock;
}
CONF
		else
			cat >"$STATE/apache/extra-test.conf" <<CONF
<Location "/test/">
	Require all granted
	SetHandler "proxy:unix:$STATE/run/testapp.sock|fcgi://rekisteri-testapp/"
</Location>
CONF
		fi
		web_start || return 1
	else
		fcgi_start || return 1
	fi
	fcgi_ready
}

# web_start: server_start, and when the web server does not come up (a port
# free a moment ago taken by then: "Address already in use"), everything it
# started stopped and two more tries on new ports.
web_start() {
	local try
	for try in 1 2 3; do
		server_start && return 0
		[ "$try" -lt 3 ] || break
		[ -n "$WEB_PID" ] && kill -TERM "$WEB_PID" 2>/dev/null
		[ -n "$WEB_PID" ] && wait "$WEB_PID" 2>/dev/null
		WEB_PID=
		fcgi_stop || return 1
		PORT=$(server_pick_port "$PORT") || return 1
		REKISTERI_BASE_URL="http://127.0.0.1:$PORT"
		server_config
		echo "harness: the web server did not start; again on port $PORT" >&2
	done
	return 1
}

log_size() {
	if [ -f "$STATE/log/fcgi.log" ]; then
		stat -c %s "$STATE/log/fcgi.log"
	else
		echo 0
	fi
}

# check_log NAME OFFSET: what the workers logged from OFFSET on, against
# NAME's allow-list. Prints the lines and one problem line "FastCGI log:
# ..." last when something is wrong (exit 1).
check_log() {
	local name=$1 off=$2 new=$STATE/log/fcgi.part pats=$STATE/log/fcgi.allow
	local san sig bad why=
	[ -f "$STATE/log/fcgi.log" ] || return 0
	tail -c +"$((off + 1))" "$STATE/log/fcgi.log" >"$new"
	[ -s "$new" ] || return 0
	echo "== FastCGI log during $name"
	cat "$new"
	awk -F '\t' -v n="$name" '!/^#/ && ($1 == n || $1 == "*") { print $2 }' "$ALLOW" >"$pats"
	san=$(grep -cE 'Sanitizer|runtime error:|^==[0-9]+==' "$new")
	# "worker|service PID ended (status S)": S is the wait status; a
	# signal when its low 7 bits are neither 0 (exit) nor 0x7f (stopped)
	sig=$(awk '/ (worker|service) [0-9]+ ended \(status [0-9]+\)$/ {
		s = $NF; sub(/\)$/, "", s); s %= 128
		if (s != 0 && s != 127) n++
	} END { print n + 0 }' "$new")
	bad=$(grep -cvEf "$pats" "$new")
	[ "$san" -gt 0 ] && why="$why, $san sanitizer report line(s)"
	[ "$sig" -gt 0 ] && why="$why, $sig process(es) ended by a signal"
	[ "$bad" -gt 0 ] && why="$why, $bad line(s) not on tests/http/fcgi-log.allow, the first: $(grep -m 1 -vEf "$pats" "$new" | cut -c 1-160)"
	if [ -n "$why" ]; then
		echo "FastCGI log: ${why#, }"
		return 1
	fi
	return 0
}

[ "${1:-}" = run_tests ] && shift
bins=("$@")
if [ "${SHUFFLE:-0}" = 1 ]; then
	mapfile -t bins < <(printf '%s\n' "${bins[@]}" | shuf)
	echo "harness: shuffled order: $(for b in "${bins[@]}"; do basename "$b"; done | tr '\n' ' ')"
fi

export REKISTERI_BASE_URL="http://127.0.0.1:$PORT"
export REKISTERI_SERVER="$SERVER"
export REKISTERI_STATE="$STATE"
export REKISTERI_CONF="$STATE/rekisteri.conf"
export REKISTERI_CLI="$ROOT/$BUILD/rekisteri"
failed=0
for b in "${bins[@]}"; do
	# (server.sh's functions set name, pid, exe ...: t_ here)
	# t_name for the allow-list; t_id "http/test_notice", apart from the
	# unit test of the same name, for the counts and the logs
	t_name=$(basename "$b")
	t_id=$(basename "$(dirname "$b")")/$t_name
	[ "$SERVER" = nginx ] && t_id=nginx/$t_name
	t_log=$outdir/${t_id%%/*}-$t_name.log
	t_limit=${TEST_TIMEOUT:-300}
	case $t_name in
	*.sh) t_limit=$((${BROWSER_TIMEOUT:-600} + 60)) ;;
	esac
	t_off=$(log_size)
	t_setup=$SECONDS
	# the web server is started once, and again only if it is gone
	if [ -n "$WEB_PID" ] && kill -0 "$WEB_PID" 2>/dev/null; then
		fresh_state >"$t_log.server" 2>&1
	else
		fresh_state with-apache >"$t_log.server" 2>&1
	fi
	if [ $? -ne 0 ]; then
		cat "$t_log.server"
		echo "harness: the server did not start for $t_id" >"$t_log"
		verdict "$t_id" "$t_log" 1 "the server did not start"
		failed=1
		continue
	fi
	echo "== $t_id against $REKISTERI_BASE_URL"
	t_start=$SECONDS
	timeout -k 10 "$t_limit" "$b" >"$t_log" 2>&1
	t_rc=$?
	cat "$t_log"
	echo "harness: $t_id ran $((SECONDS - t_start)) s (fresh state $((t_start - t_setup)) s)"
	[ "$t_rc" -eq 124 ] && echo "harness: $t_id timed out after $t_limit s"
	# a worker that dies after the last answer is reaped (and logged)
	# within 0.1 s by its parent; then stop, so that what is logged on the
	# way out counts for this binary too
	sleep 0.5
	t_stop=$SECONDS
	fcgi_stop
	t_stopped=$?
	[ $((SECONDS - t_stop)) -gt 5 ] &&
	    echo "harness: $t_id's FastCGI processes took $((SECONDS - t_stop)) s to stop"
	t_problem=
	if ! check_log "$t_name" "$t_off" >"$t_log.fcgi"; then
		t_problem=$(tail -n 1 "$t_log.fcgi")
	fi
	[ "$t_stopped" -ne 0 ] &&
	    t_problem="a FastCGI process outlived SIGKILL; the binaries after it were not run"
	cat "$t_log.fcgi"
	verdict "$t_id" "$t_log" "$t_rc" "$t_problem"
	[ "$(tail -n 1 "$TEST_RESULTS" | cut -d ' ' -f 3)" -eq 0 ] || failed=1
	# fresh state at the same paths only once nothing old can touch it
	[ "$t_stopped" -eq 0 ] || break
done
exit $failed
