#!/bin/bash
# tickets.sh — valid submissions of the public request form through the real
# web server, Apache or nginx ($SERVER; scripts/server.sh: spawn-fcgi -n, the
# executable's own -w workers,
# synchronous=FULL as lib/db.c opens every database), beside, in the same run
# and on the same database, a plain insert of the same row (bench/tickets
# insert: one connection, each row its own BEGIN IMMEDIATE ... COMMIT).
#
# Each submission needs its own form token: bench/tickets mints them with the
# database's secret through request_form_token, the function the form page
# uses, and the wrk script sends each once. The rate limit is set to its
# maximum and its counts are cleared before each run; mail is off. Nothing
# else differs from production: every submission is validated, checked for
# reuse and rate, numbered, signed (Ed25519) and stored in one transaction,
# then answered 303.
#
# wrk -t2 -c$CONNS -d$DURATION s, $RUNS runs; medians. Target (issue 6):
# at least 1,000 tickets/s with p99 under 50 ms at c=8. The rate limit's
# maximum (100,000 an hour from one address) bounds DURATION to about 18 s.
#
# Usage: bash bench/tickets.sh   (after make all build/bench/tickets)
# Environment: SERVER (apache; or nginx), BUILD (build), DURATION (10),
#   RUNS (3), CONNS (8), WORKERS (2), INSERTS (5000), KEEP_STATE=1 keeps the
#   state folder. make bench-tickets runs it behind each server.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNS=${CONNS:-8}
WORKERS=${WORKERS:-2}
INSERTS=${INSERTS:-5000}
TICKETS=$ROOT/$BUILD/bench/tickets
SERVER=${SERVER:-apache}
export WORKERS SERVER
case $SERVER in
apache) web=/usr/sbin/apache2 ;;
nginx) web=/usr/sbin/nginx ;;
*) echo "tickets.sh: SERVER=$SERVER: apache or nginx" >&2; exit 2 ;;
esac

for t in wrk spawn-fcgi "$web" "$TICKETS"; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "tickets.sh: $t is missing (apt-get install -y wrk spawn-fcgi apache2 nginx; make $BUILD/bench/tickets)" >&2
		exit 1
	}
done

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench.XXXXXX")
chmod 0755 "$STATE"
. "$ROOT/scripts/server.sh"
cleanup() {
	server_stop
	if [ "${KEEP_STATE:-0}" = 1 ]; then echo "state kept in $STATE"; else rm -rf "$STATE"; fi
}
trap cleanup EXIT INT TERM

PORT=$(server_pick_port) || { echo "tickets.sh: no free port" >&2; exit 1; }

server_config
sed -i 's/^rate_limit = .*/rate_limit = 100000/' "$STATE/rekisteri.conf"
CONF=$STATE/rekisteri.conf
cli="$ROOT/$BUILD/rekisteri -c $CONF"
$cli init >/dev/null || exit 1
$cli keygen >/dev/null || exit 1
server_start || exit 1
URL=http://127.0.0.1:$PORT/request

# One submission by hand: it must be a 303, and gives the insert its row.
tok=$("$TICKETS" tokens "$CONF" 1)
code=$(curl -s -o /dev/null -w '%{http_code}' --data "form_token=$tok&type=access&name=Bench&email=bench%40example.fi" "$URL")
[ "$code" = 303 ] || { echo "tickets.sh: a submission got $code, not 303" >&2; exit 1; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

web_tps=() web_p99=() ins_tps=() ins_p99=() invalid=0
for run in $(seq 1 "$RUNS"); do
	"$TICKETS" reset "$CONF"
	# enough tokens for 10,000 tickets/s (behind nginx the form has done
	# about 5,500): a run that uses them all up answers the rest 4xx at
	# once, and its figure is the token supply's, not the form's
	"$TICKETS" tokens "$CONF" $((DURATION * 10000)) >"$STATE/tokens.txt"
	out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$ROOT/bench/tickets.lua" "$URL" -- "$STATE/tokens.txt" 2 | grep '^tickets/s')
	echo "run $run web:    $out"
	set -- $out
	web_tps+=("$2") web_p99+=("$6")
	if [ "$8" != 0 ]; then
		echo "tickets.sh: $8 answers were not 303 (tokens used up, or the rate limit reached): this run measures nothing" >&2
		invalid=1
	fi
	out=$("$TICKETS" insert "$CONF" "$INSERTS")
	echo "run $run insert: $out"
	set -- $out
	ins_tps+=("$2") ins_p99+=("$6")
done

wt=$(printf '%s\n' "${web_tps[@]}" | median)
wp=$(printf '%s\n' "${web_p99[@]}" | median)
it=$(printf '%s\n' "${ins_tps[@]}" | median)
ip=$(printf '%s\n' "${ins_p99[@]}" | median)
echo
echo "medians of $RUNS runs, $SERVER, c=$CONNS, $WORKERS workers, synchronous=FULL:"
printf '  plain insert (baseline)  %8s rows/s     p99 %6s ms\n' "$it" "$ip"
printf '  tickets via %-12s %8s tickets/s  p99 %6s ms\n' "$SERVER" "$wt" "$wp"
awk -v w="$wt" -v i="$it" 'BEGIN { printf "  ratio tickets/insert     %8.2f\n", w / i }'
awk -v w="$wt" -v p="$wp" 'BEGIN {
	ok = (w >= 1000 && p < 50)
	printf "  target >= 1000/s, p99 < 50 ms: %s\n", ok ? "met" : "NOT met"
}'
if [ "$invalid" = 1 ]; then
	echo "tickets.sh: INVALID: a run had answers that were not 303 (above)" >&2
	exit 1
fi
