#!/bin/bash
# test_workers_start.sh — an executable started with -w N (lib/app.c,
# supervise) starts its writer (the request form's and the intranet's
# service) and all N workers at once; only a restart waits a second. Until
# the writer listens a worker stores its own rows, one commit each, so a
# writer started last, a second after each worker, left a -w 8 register
# without its group commit for its first 8 s (found by bench/tickets.sh,
# whose runs of 8 workers measured mostly that). Each of the three
# executables is started with -w 8 as scripts/server.sh starts it (no web
# server: they listen on their sockets); within 5 s (the old start took 8
# to 9; this one a few hundred ms, a sanitizer build's a second or two)
# each has its 8 workers, the two with a writer a ninth child, and both
# writers' sockets are there. Then one worker is killed: it comes back.
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
. tests/sh/check.sh
echo "[==========] Running 3 test(s)."
for t in spawn-fcgi "$BUILD/rekisteri" "$BUILD/cgi-bin/request"; do
	command -v "$t" >/dev/null 2>&1 || {
		check started_at_once 1 "$t is missing"
		finish
	}
done

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-workers.XXXXXX")
chmod 0755 "$STATE"
WORKERS=8
# shellcheck source=scripts/server.sh
. "$ROOT/scripts/server.sh"
trap 'server_stop; [ -n "${KEEP_TMP:-}" ] || rm -rf "$STATE"' EXIT INT TERM
PORT=$(server_pick_port) || { check started_at_once 1 "no free port"; finish; }
server_config
cli="$BUILD/rekisteri -c $STATE/rekisteri.conf"
if ! $cli init >/dev/null || ! $cli keygen >/dev/null; then
	check started_at_once 1 "init or keygen failed"
	finish
fi

# children NAME: the processes whose parent is NAME's supervisor (spawn-fcgi
# -n execs it: the pid server.sh keeps)
children() {
	pgrep -P "$(cat "$STATE/run/$1.pid")" | wc -l
}
# all_up: each executable has its children, the writers their sockets
all_up() {
	[ "$(children notice)" = "$WORKERS" ] &&
	[ "$(children request)" = "$((WORKERS + 1))" ] &&
	[ "$(children intranet)" = "$((WORKERS + 1))" ] &&
	[ -S "$STATE/db/rekisteri.db.writer" ] &&
	[ -S "$STATE/db/rekisteri.db.audit" ]
}

server_fcgi_start
up=1 t0=$(date +%s%N)
for _ in $(seq 1 50); do
	sleep 0.1
	all_up && { up=0; break; }
done
echo "all up after $((($(date +%s%N) - t0) / 1000000)) ms (or not: below)"
check started_at_once $up "after 5 s: notice $(children notice), request \
$(children request), intranet $(children intranet) children; writer sockets: \
$(find "$STATE/db" -type s -printf '%f ')"

# no line in the log but the start's own (nothing failed on the way)
bad=$(grep -v 'no sandbox' "$STATE/log/fcgi.log" 2>/dev/null | head -n 3)
check nothing_logged "$([ -z "$bad" ]; echo $?)" "$bad"

# a worker killed comes back (a restart, at most one a second)
victim=$(pgrep -P "$(cat "$STATE/run/request.pid")" | tail -n 1)
kill -KILL "$victim"
back=1
for _ in $(seq 1 50); do
	sleep 0.1
	if ! kill -0 "$victim" 2>/dev/null &&
	    [ "$(children request)" = "$((WORKERS + 1))" ]; then
		back=0
		break
	fi
done
check killed_worker_back $back "request has $(children request) children"
finish
