#!/bin/bash
# run.sh — `make run`: state under var/, Apache on 127.0.0.1:$PORT, Ctrl-C stops all.
set -u
BUILD=${BUILD:-build}
PORT=${PORT:-8080}
ROOT=$(pwd)
STATE=${STATE:-$ROOT/var}
. "$ROOT/scripts/server.sh"

if ! server_port_free "$PORT"; then
	echo "run: something already listens on 127.0.0.1:$PORT; try PORT=8081 make run" >&2
	exit 1
fi
first=0
[ -f "$STATE/rekisteri.db" ] || first=1
server_config
"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" init || exit 1
server_seed_notice || exit 1

trap 'server_stop; exit 0' INT TERM
trap 'server_stop' EXIT
server_start || exit 1

cat <<MSG

Rekisteri is running (Ctrl-C stops it):
  Privacy notice   http://127.0.0.1:$PORT/notice
                   http://127.0.0.1:$PORT/notice?lang=en
  Versions         http://127.0.0.1:$PORT/notice/versions
  As JSON          http://127.0.0.1:$PORT/notice.json
State (config, database, keys, logs): $STATE
MSG
[ $first -eq 1 ] && echo "A new database was created at $STATE/rekisteri.db."
wait "$APACHE_PID"
