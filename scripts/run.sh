#!/bin/bash
# run.sh — `make run`: state under var/, Apache (SERVER=nginx: nginx) on
# 127.0.0.1:$PORT, Ctrl-C stops all.
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
# The register's ticket-signing key, made on first use (var/keys, mode 0700).
if [ ! -f "$STATE/keys/secret.key" ]; then
	"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" keygen || exit 1
fi
server_seed_notice || exit 1
# A new register also gets the notice's corrected draft (data/notice/draft.*.txt):
# version 1 stays the company's text, the draft shows what the check found.
if [ $first -eq 1 ]; then
	server_seed_notice_draft || exit 1
fi
if [ $first -eq 1 ] && [ "${DEMO:-1}" != 0 ]; then
	"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" customer demo 300 || exit 1
fi
admin_note=
if [ "$("$BUILD/rekisteri" -c "$STATE/rekisteri.conf" user list | wc -l)" -le 1 ]; then
	# A new register: one administrator, with a password shown only now.
	admin_note=$("$BUILD/rekisteri" -c "$STATE/rekisteri.conf" user add admin \
	    --role admin --name "Ylläpitäjä" --nda "$(date +%F)" --generate) || exit 1
fi

trap 'server_stop; exit 0' INT TERM
trap 'server_stop' EXIT
server_start || exit 1

# The whole message in one write: a reader that sees its first line (the
# tests wait for it) sees the administrator's password too.
msg=$(cat <<MSG

Rekisteri is running behind $SERVER (Ctrl-C stops it):
  Privacy notice   http://127.0.0.1:$PORT/notice
                   http://127.0.0.1:$PORT/notice?lang=en
  Versions         http://127.0.0.1:$PORT/notice/versions
  As JSON          http://127.0.0.1:$PORT/notice.json
  Request form     http://127.0.0.1:$PORT/request
  Check a ticket   http://127.0.0.1:$PORT/request/verify
  Staff intranet   http://127.0.0.1:$PORT/intranet/
State (config, database, keys, logs): $STATE
MSG
)
[ $first -eq 1 ] && msg="$msg
A new database was created at $STATE/rekisteri.db."
if [ -n "$admin_note" ]; then
	msg="$msg

The first administrator (shown only this once):
  username: admin
$(echo "$admin_note" | sed -n 's/^password: /  password: /p')
  At the first sign-in you set up two-factor sign-in with an
  authenticator app (required for admins; [intranet] totp_required).
  The NDA date was recorded as today; correct it with:
  $BUILD/rekisteri -c $STATE/rekisteri.conf user nda admin YYYY-MM-DD"
fi
printf '%s\n' "$msg"
wait "$WEB_PID"
