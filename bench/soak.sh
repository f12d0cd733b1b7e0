#!/bin/bash
# soak.sh — resident memory under a long mixed load (#17): every worker's
# resident set size (VmRSS) must stay flat, within 10 %, over the run.
#
# Through the real Apache and FastCGI executables (scripts/server.sh, as
# `make run` and the HTTP tests start them), for $DURATION seconds at once:
#
#   public   wrk -c2 on /notice and /request (the form page), in turn
#   staff    wrk -c2 on name searches and records (bench/customers.lua),
#            signed in as a handler
#   form     a loop posting the public request form (a stored ticket each)
#   edits    a loop creating customers from the staff form (CSRF, session)
#
# Every $EVERY seconds the RSS of each process of the three executables
# (each a process group of its own: the parent, its workers, the request
# writer) is sampled from /proc/PID/status. After $WARMUP seconds (pages
# cached, statements prepared, SQLite's page cache filled), the first
# sample of each process is its reference; the report gives, per process,
# the reference, the last sample, the largest, and the growth from the
# reference to the last sample. Exit status 1 when any process grew more
# than $LIMIT percent, or when a worker ended during the run (a new pid in
# its place: its memory could not be followed).
#
# Usage: bash bench/soak.sh   (from the top folder, after `make all`)
# Environment: BUILD (build), DURATION (600), WARMUP (60), EVERY (30),
#   N (20000 demo customers), WORKERS (2), LIMIT (10: percent).
# Everything runs on 127.0.0.1 on a free port; every process started here is
# stopped on exit and the state folder (under $TMPDIR or /tmp) removed.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
DURATION=${DURATION:-600}
WARMUP=${WARMUP:-60}
EVERY=${EVERY:-30}
N=${N:-20000}
WORKERS=${WORKERS:-2}
LIMIT=${LIMIT:-10}
export WORKERS

for t in wrk curl spawn-fcgi /usr/sbin/apache2; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "soak.sh: $t is missing (apt-get install -y wrk curl spawn-fcgi apache2)" >&2
		exit 1
	}
done
[ -x "$ROOT/$BUILD/rekisteri" ] && [ -x "$ROOT/$BUILD/cgi-bin/intranet" ] || {
	echo "soak.sh: build first: make all" >&2
	exit 1
}
[ "$DURATION" -gt "$WARMUP" ] || {
	echo "soak.sh: DURATION ($DURATION) must be longer than WARMUP ($WARMUP)" >&2
	exit 1
}

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-soak.XXXXXX")
chmod 0755 "$STATE"
. "$ROOT/scripts/server.sh"
LOADS=
cleanup() {
	# only the loads: a bare wait would wait for the web server too
	# shellcheck disable=SC2086
	[ -n "$LOADS" ] && kill $LOADS 2>/dev/null && wait $LOADS 2>/dev/null
	server_stop
	rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(server_pick_port) || { echo "soak.sh: no free port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
CLI="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
B=$STATE/bench
mkdir -p "$B"

echo "soak: ${DURATION} s of mixed load, RSS every ${EVERY} s, reference after ${WARMUP} s"
echo "machine: $(nproc) cores, $(uname -sr); workers $WORKERS; $N demo customers"
echo "load before: $(uptime | sed 's/.*load average/load average/')"

server_config
sed -i 's/^totp_required = .*/totp_required = none/' "$STATE/rekisteri.conf"
sed -i 's/^rate_limit = .*/rate_limit = 100000/' "$STATE/rekisteri.conf"
$CLI init >/dev/null || exit 1
$CLI keygen >/dev/null || exit 1
$CLI customer demo "$N" >/dev/null || exit 1
server_seed_notice >/dev/null || exit 1
PW=bench-soak-Salasana-2026
printf '%s\n' "$PW" | $CLI user add soak --role handler --nda 2026-01-15 \
    --password-stdin >/dev/null || exit 1
server_start || exit 1

COOKIE=$(curl -sS -o /dev/null -D - --data-urlencode "username=soak" \
    --data-urlencode "password=$PW" "$BASE/intranet/login" |
    sed -n 's/^[Ss]et-[Cc]ookie: rekisteri_session=\([^;]*\).*/\1/p' | tr -d '\r')
[ -n "$COOKIE" ] || { echo "soak.sh: could not sign in" >&2; exit 1; }
CSRF=$(curl -sS -b "rekisteri_session=$COOKIE" "$BASE/intranet/customers/new" |
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$CSRF" ] || { echo "soak.sh: no CSRF token on the staff form" >&2; exit 1; }

printf '%s\n' /notice /request >"$B/public.paths"
for p in Korh Virt M%C3%A4kin Niem Lehto Salo Heikk Laine; do
	echo "/intranet/customers?name=$p"
done >"$B/staff.paths"
awk -v n="$N" 'BEGIN { srand(20261202); for (i = 0; i < 500; i++)
	printf "/intranet/customer?id=%d\n", 1 + int(rand() * n) }' >>"$B/staff.paths"

# The loads, each for the whole run.
WRK_PATHS=$B/public.paths timeout $((DURATION + 5)) wrk -t1 -c2 \
    -d"${DURATION}s" -s "$ROOT/bench/customers.lua" "$BASE" >"$B/public.wrk" 2>&1 &
LOADS="$LOADS $!"
WRK_PATHS=$B/staff.paths WRK_COOKIE=$COOKIE timeout $((DURATION + 5)) wrk \
    -t1 -c2 -d"${DURATION}s" -s "$ROOT/bench/customers.lua" "$BASE" \
    >"$B/staff.wrk" 2>&1 &
LOADS="$LOADS $!"
end=$((SECONDS + DURATION))
(
	ok=0 bad=0
	while [ $SECONDS -lt $end ]; do
		t=$(curl -s --max-time 20 "$BASE/request" |
		    sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' | head -n 1)
		c=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' \
		    --data-urlencode "form_token=$t" -d type=access -d name=Soak \
		    -d email=soak@example.fi "$BASE/request")
		if [ "$c" = 303 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
	done
	echo "$ok $bad" >"$B/form.count"
) &
LOADS="$LOADS $!"
(
	ok=0 bad=0 i=0
	while [ $SECONDS -lt $end ]; do
		i=$((i + 1))
		c=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' \
		    -b "rekisteri_session=$COOKIE" --data-urlencode "csrf=$CSRF" \
		    -d first_name=Soak -d "last_name=Kestotesti$i" -d country=fi \
		    -d source=customer "$BASE/intranet/customers/new")
		if [ "$c" = 303 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
	done
	echo "$ok $bad" >"$B/edits.count"
) &
LOADS="$LOADS $!"

# sample T: "T NAME PID RSS_KB" for every process of the three groups.
sample() {
	local name pid p rss
	for name in notice request intranet; do
		pid=$(cat "$STATE/run/$name.pid" 2>/dev/null) || continue
		for p in $(pgrep -g "$pid"); do
			rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
			[ -n "$rss" ] && echo "$1 $name $p $rss"
		done
	done
}

: >"$B/rss"
t0=$SECONDS
while [ $SECONDS -lt $end ]; do
	t=$((SECONDS - t0))
	sample "$t" >>"$B/rss"
	printf '  %4d s: %s processes, %s kB in all\n' "$t" \
	    "$(awk -v t="$t" '$1 == t' "$B/rss" | wc -l)" \
	    "$(awk -v t="$t" '$1 == t { s += $4 } END { print s + 0 }' "$B/rss")"
	sleep "$EVERY"
done
sample "$((SECONDS - t0))" >>"$B/rss"
wait $LOADS 2>/dev/null
LOADS=

echo
echo "loads: public $(awk '/^Requests\/sec:/ { print $2 }' "$B/public.wrk") req/s," \
    "staff $(awk '/^Requests\/sec:/ { print $2 }' "$B/staff.wrk") req/s (wrk -c2 each);" \
    "form posts 303/other: $(cat "$B/form.count" 2>/dev/null);" \
    "staff creations 303/other: $(cat "$B/edits.count" 2>/dev/null)"
echo "non-2xx answers: public $(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' "$B/public.wrk")," \
    "staff $(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' "$B/staff.wrk")"
echo
printf '| %-9s | %8s | %12s | %12s | %12s | %7s |\n' executable pid "ref kB" "last kB" "max kB" growth
echo '|-----------|---------:|-------------:|-------------:|-------------:|--------:|'
awk -v warm="$WARMUP" -v limit="$LIMIT" '
	{ key = $2 " " $3; last[key] = $4; lastt[key] = $1
	  if ($4 > max[key]) max[key] = $4
	  if ($1 >= warm && !(key in ref)) { ref[key] = $4; order[++n] = key } }
	$1 > tmax { tmax = $1 }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, f, " ")
			g = (last[k] - ref[k]) * 100 / ref[k]
			mark = g > limit ? "  > " limit " %" : ""
			if (lastt[k] < tmax) { mark = "  ended during the run"; bad = 1 }
			if (g > limit) bad = 1
			printf "| %-9s | %8d | %12d | %12d | %12d | %6.1f%% |%s\n",
			    f[1], f[2], ref[k], last[k], max[k], g, mark
		}
		exit bad
	}' "$B/rss"
status=$?
echo "load after: $(uptime | sed 's/.*load average/load average/')"
if [ $status -eq 0 ]; then
	echo "soak: every process within $LIMIT % of its size after ${WARMUP} s: flat"
else
	echo "soak: NOT flat (see the marks above)"
fi
exit $status
