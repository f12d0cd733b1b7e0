#!/bin/bash
# fsyncs.sh — durable writes per staff page (issue 17): fsync and fdatasync
# calls of one intranet worker, counted by strace, per request of each kind:
#
#   search    GET /intranet/customers?name=PREFIX (a list page)
#   record    GET /intranet/customer?id=ID (a record view)
#   restrict  POST /intranet/customer/restrict and /unrestrict in turn (a
#             change with its audit row)
#   notice    GET /notice, the public page (the baseline: it writes nothing)
#
# $N demo customers in a fresh database (synchronous=FULL, WAL, as shipped),
# one signed-in handler session, $K requests of each kind straight to the
# worker's socket with cgi-fcgi (no web server), the worker a single
# process (-w 1) so that strace -f sees every call. Reported: calls per
# request, and the audit rows written per request (from the database).
#
# Usage: bash bench/fsyncs.sh   (from the top folder, after `make all`)
# Environment: BUILD (build), N (2000), K (200).
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
N=${N:-2000}
K=${K:-200}
for t in strace cgi-fcgi spawn-fcgi sqlite3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "fsyncs.sh: $t is missing (apt-get install -y strace libfcgi-bin spawn-fcgi sqlite3)" >&2
		exit 1
	}
done
STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-fsyncs.XXXXXX")
chmod 0755 "$STATE"
PORT=8080
. "$ROOT/scripts/server.sh"
W=
cleanup() {
	[ -n "$W" ] && server_group_stop "$W" 10
	rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_config
sed -i 's/^totp_required = .*/totp_required = none/' "$STATE/rekisteri.conf"
CLI="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
$CLI init >/dev/null && $CLI keygen >/dev/null &&
    $CLI customer demo "$N" >/dev/null 2>&1 && server_seed_notice >/dev/null || {
	echo "fsyncs.sh: could not make the database" >&2
	exit 1
}
PW=bench-fsyncs-Salasana-2026
printf '%s\n' "$PW" | $CLI user add bench --role handler --nda 2026-01-15 \
    --password-stdin >/dev/null || exit 1
[ "$(id -u)" -eq 0 ] && { server_fcgi_user || exit 1; }
owner=
[ "$(id -u)" -eq 0 ] && owner="-u $FCGI_USER -g $(id -gn "$FCGI_USER")"
# shellcheck disable=SC2086
for exe in intranet notice; do
	setsid spawn-fcgi -n -s "$STATE/run/$exe.sock" -M 0600 $owner -- \
	    "$ROOT/$BUILD/cgi-bin/$exe" -c "$STATE/rekisteri.conf" -w 1 \
	    2>>"$STATE/log/fcgi.log" &
	echo $! >"$STATE/run/$exe.pid"
done
W=$(cat "$STATE/run/intranet.pid")
for _ in $(seq 1 100); do
	[ -S "$STATE/run/intranet.sock" ] && [ -S "$STATE/run/notice.sock" ] && break
	sleep 0.1
done

# fcgi EXE METHOD URI [BODY]: one request to EXE's socket; the answer out.
fcgi() {
	local sock=$STATE/run/$1.sock method=$2 uri=$3 body=${4:-} path query=
	local -a p
	path=${uri%%\?*}
	case $uri in *\?*) query=${uri#*\?} ;; esac
	p=(REQUEST_METHOD="$method" REQUEST_URI="$uri" SCRIPT_NAME="$path"
	    QUERY_STRING="$query" SERVER_NAME=127.0.0.1 SERVER_PORT=$PORT
	    REMOTE_ADDR=127.0.0.1 SERVER_PROTOCOL=HTTP/1.1
	    GATEWAY_INTERFACE=CGI/1.1 HTTP_HOST=127.0.0.1:$PORT
	    HTTP_ACCEPT_LANGUAGE=fi)
	[ -n "${COOKIE:-}" ] && p+=(HTTP_COOKIE="rekisteri_session=$COOKIE")
	if [ "$method" = POST ]; then
		p+=(CONTENT_TYPE=application/x-www-form-urlencoded
		    CONTENT_LENGTH=${#body} HTTP_ORIGIN=http://127.0.0.1:$PORT
		    HTTP_SEC_FETCH_SITE=same-origin)
	fi
	printf '%s' "$body" | env -i "${p[@]}" cgi-fcgi -bind -connect "$sock"
}

COOKIE=$(fcgi intranet POST /intranet/login "username=bench&password=$PW" |
    sed -n 's/^Set-Cookie: rekisteri_session=\([^;]*\).*/\1/p' | tr -d '\r')
[ -n "$COOKIE" ] || { echo "fsyncs.sh: could not sign in" >&2; exit 1; }
CSRF=$(fcgi intranet GET /intranet/customer?id=1 |
    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$CSRF" ] || { echo "fsyncs.sh: no CSRF token on the record page" >&2; exit 1; }
total=$(sqlite3 -readonly "$STATE/rekisteri.db" "SELECT count(*) FROM customers")
rows() { sqlite3 -readonly "$STATE/rekisteri.db" "SELECT count(*) FROM audit_log"; }

# kind N: the Nth request of a kind
req() {
	case $1 in
	search)
		set -- $1 "$2" Korh Virt Niem Lehto Salo Heikk Laine Kos Nur Ra
		local i=$(($2 % 10 + 3))
		fcgi intranet GET "/intranet/customers?name=${!i}" ;;
	record) fcgi intranet GET "/intranet/customer?id=$((1 + $2 * 7919 % total))" ;;
	restrict)
		if [ $(($2 % 2)) -eq 0 ]; then
			fcgi intranet POST /intranet/customer/restrict \
			    "id=7&reason=bench&csrf=$CSRF"
		else
			fcgi intranet POST /intranet/customer/unrestrict \
			    "id=7&reason=bench&csrf=$CSRF"
		fi ;;
	notice) fcgi notice GET /notice ;;
	esac
}

echo "fsyncs per request, $K requests each, $total customers, one worker (-w 1), synchronous=FULL"
printf '| %-9s | %8s | %10s | %12s |\n' page fsync fdatasync "audit rows"
echo '|-----------|---------:|-----------:|-------------:|'
for kind in notice search record restrict; do
	pid=$W
	[ "$kind" = notice ] && pid=$(cat "$STATE/run/notice.pid")
	req "$kind" 0 >/dev/null	# warm
	before=$(rows)
	strace -f -q -c -e trace=fsync,fdatasync -o "$STATE/strace.$kind" -p "$pid" &
	st=$!
	sleep 0.5
	for i in $(seq 1 "$K"); do
		req "$kind" "$i" >"$STATE/out" || { echo "fsyncs.sh: $kind $i failed" >&2; exit 1; }
		head -n 1 "$STATE/out" | grep -q '^Status: [45]' && {
			echo "fsyncs.sh: $kind $i: $(head -n 1 "$STATE/out")" >&2; exit 1; }
	done
	kill -INT "$st"
	wait "$st" 2>/dev/null
	after=$(rows)
	awk -v k="$K" -v kind="$kind" -v a=$((after - before)) '
		$NF == "fsync" { f = $4 } $NF == "fdatasync" { d = $4 }
		END { printf "| %-9s | %8.3f | %10.3f | %12.3f |\n", kind, f / k, d / k, a / k }' \
	    "$STATE/strace.$kind"
done
