#!/bin/bash
# harness.sh — run HTTP test binaries against a real Apache and the real
# FastCGI executables, on a free loopback port with fresh state; everything
# started here is stopped on exit.
#
# Usage: tests/http/harness.sh run_tests BIN...
# The binaries get REKISTERI_BASE_URL, REKISTERI_STATE, REKISTERI_CONF and
# REKISTERI_CLI in their environment.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-http.XXXXXX")
chmod 0755 "$STATE"
. "$ROOT/scripts/server.sh"

cleanup() {
	server_stop
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "harness: state kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT INT TERM

PORT=
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 30000))
	if server_port_free "$p"; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { echo "harness: no free port" >&2; exit 1; }

[ "${1:-}" = run_tests ] && shift
server_config
# Tests sign in as admins without a second factor; test_intranet enrols one
# user itself. (make run keeps the default: admins must use TOTP.)
sed -i 's/^totp_required = .*/totp_required = none/' "$STATE/rekisteri.conf"
"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" init >/dev/null || exit 1
"$BUILD/rekisteri" -c "$STATE/rekisteri.conf" keygen >/dev/null || exit 1
server_seed_notice >/dev/null || exit 1
EXTRA_FCGI="testapp=$ROOT/$BUILD/tests/http/testapp"
mkdir -p "$STATE/apache"
cat >"$STATE/apache/extra-test.conf" <<CONF
<Location "/test/">
	Require all granted
	SetHandler "proxy:unix:$STATE/run/testapp.sock|fcgi://rekisteri-testapp/"
</Location>
CONF
server_start || exit 1

export REKISTERI_BASE_URL="http://127.0.0.1:$PORT"
export REKISTERI_STATE="$STATE"
export REKISTERI_CONF="$STATE/rekisteri.conf"
export REKISTERI_CLI="$ROOT/$BUILD/rekisteri"
rc=0
for b in "$@"; do
	echo "== $(basename "$b") against $REKISTERI_BASE_URL"
	"$b" || rc=1
done
if [ -s "$STATE/log/fcgi.log" ]; then
	echo "== FastCGI log"
	cat "$STATE/log/fcgi.log"
fi
exit $rc
