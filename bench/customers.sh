#!/bin/bash
# customers.sh — the customer register at scale (issue 5, "Performance"):
# generate N demo customers (about 3 orders each) into a fresh database,
# time the load, report the database size, then through the real Apache and
# FastCGI executables (scripts/server.sh, as `make run` and the HTTP tests
# start them) measure with wrk at concurrency 8 (-t2 -c8 --latency):
#
#   static   baseline: the bytes of a name-search page as a static file
#   notice   baseline: GET /notice (FastCGI, cached page, no search)
#   name     /intranet/customers?$NAME_PARAM=PREFIX, rotating through
#            name prefixes (bench/customers.lua)
#   postal   /intranet/customers?postal=CODE, rotating through postal codes
#   record   /intranet/customer?id=ID, rotating through random ids
#
# signed in as a handler (totp_required = none, as tests/http/harness.sh).
# $RUNS rounds, interleaved; medians of req/s, p50 and p99 per scenario.
# Target (issue 5): p99 <= 20 ms for name, postal and record at 1,000,000
# customers; load < 2 min; database < 1.5 GB.
#
# Usage: bash bench/customers.sh   (from the top folder, after `make all`)
# Environment: BUILD (build), N (1000000), DURATION (10), RUNS (3),
#   WORKERS (2), CONNS (8: wrk's connections; the target is for 8),
#   NAME_PARAM (name: the name-prefix field; q: full text), DB (an existing
#   database generated earlier: copied, not generated again), KEEP_STATE=1
#   keeps the state folder (with the database; big).
# Everything runs on 127.0.0.1 on a free port; every process started here is
# stopped on exit and the state folder (under $TMPDIR or /tmp) removed.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
N=${N:-1000000}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-2}
NAME_PARAM=${NAME_PARAM:-name}
DB=${DB:-}
CONNS=${CONNS:-8}
THREADS=2
[ "$CONNS" -ge 2 ] || THREADS=1
export WORKERS

for t in wrk curl spawn-fcgi /usr/sbin/apache2 sqlite3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "customers.sh: $t is missing (apt-get install -y wrk curl spawn-fcgi apache2 sqlite3)" >&2
		exit 1
	}
done
[ -x "$ROOT/$BUILD/rekisteri" ] && [ -x "$ROOT/$BUILD/cgi-bin/intranet" ] || {
	echo "customers.sh: build first: make all" >&2
	exit 1
}

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-customers.XXXXXX")
chmod 0755 "$STATE"
. "$ROOT/scripts/server.sh"

cleanup() {
	server_stop
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "customers.sh: state kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(server_pick_port) || { echo "customers.sh: no free port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
CLI="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
DBFILE=$STATE/rekisteri.db
B=$STATE/bench
mkdir -p "$B"
chmod 0755 "$B"

echo "customer register at N=$N: load, size, and search/record latency through Apache"
echo "machine: $(nproc) cores, $(uname -sr); $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'); workers $WORKERS"
echo "load before: $(uptime | sed 's/.*load average/load average/')"

server_config
sed -i 's/^totp_required = .*/totp_required = none/' "$STATE/rekisteri.conf"

# size FILE...: bytes of the files that exist, summed.
size() {
	stat -L -c %s "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}

if [ -n "$DB" ]; then
	# DBFILE is a link into the state's private db/ folder (scripts/server.sh)
	real=$(readlink -m "$DBFILE")
	mkdir -p -m 0700 "$(dirname "$real")" && cp "$DB" "$real" || exit 1
	chmod 0600 "$real"
	timeout 600 $CLI init >/dev/null || exit 1
	$CLI keygen >/dev/null 2>&1 || true	# a copied database may have its key
	echo "database: copied from $DB (load not measured)"
else
	timeout 60 $CLI init >/dev/null || exit 1
	$CLI keygen >/dev/null || exit 1	# as make run: the request form's key
	start=$(date +%s.%N)
	timeout 1200 $CLI customer demo "$N" >"$B/demo.log" 2>&1 || {
		echo "customers.sh: customer demo $N failed:" >&2
		cat "$B/demo.log" >&2
		exit 1
	}
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v n="$N" 'BEGIN {
		t = e - s
		printf "load: customer demo %d in %.1f s (%.0f customers/s; target < 120 s: %s)\n",
		    n, t, n / t, t < 120 ? "met" : "NOT met" }'
fi
server_seed_notice >/dev/null || exit 1
sz=$(size "$DBFILE" "$DBFILE-wal")
awk -v b="$sz" 'BEGIN { printf "database: %.0f MB (%d bytes, with any -wal; target < 1.5 GB: %s)\n",
    b / 1048576, b, b < 1.5 * 1073741824 ? "met" : "NOT met" }'
sqlite3 -readonly "$DBFILE" "SELECT count(*) || ' customers, ' FROM customers;
    SELECT count(*) || ' orders' FROM orders" | tr -d '\n'
echo
total=$(sqlite3 -readonly "$DBFILE" "SELECT count(*) FROM customers")

# A handler to sign in as; the session cookie for wrk.
PW=bench-customers-Salasana-2026
BENCH_USER=bench$$
printf '%s\n' "$PW" | $CLI user add "$BENCH_USER" --role handler --nda 2026-01-15 \
    --password-stdin >/dev/null || exit 1

cat >"$STATE/apache/extra-bench.conf" <<CONF
Alias "/bench-static" "$B/static.html"
<Directory "$B">
	Require all granted
	Options None
</Directory>
CONF
server_start || exit 1
COOKIE=$(curl -sS -o /dev/null -D - --data-urlencode "username=$BENCH_USER" \
    --data-urlencode "password=$PW" "$BASE/intranet/login" |
    sed -n 's/^[Ss]et-[Cc]ookie: rekisteri_session=\([^;]*\).*/\1/p' | tr -d '\r')
[ -n "$COOKIE" ] || { echo "customers.sh: could not sign in" >&2; exit 1; }

# The paths of each scenario, one a line. Name prefixes: common surnames
# short and long, and a surname with a first-name prefix ("Last First":
# the order NAME_PARAM=name reads; the full-text q takes words in any order).
for p in Korh Virt M%C3%A4kin Niem Lehto Salo Heikk Laine Hei Kin Turu \
    Jokin Peltonen H%C3%A4m%C3%A4 Korhonen%20Ai Virtanen%20Mi Kos Karj Nur Ra; do
	echo "/intranet/customers?$NAME_PARAM=$p"
done >"$B/name.paths"
sqlite3 -readonly "$DBFILE" "SELECT DISTINCT postal_code FROM customers
    WHERE postal_code <> '' ORDER BY postal_code" |
    awk 'NR % 17 == 1 { print "/intranet/customers?postal=" $1 }' >"$B/postal.paths"
awk -v n="$total" 'BEGIN { srand(20261125); for (i = 0; i < 2000; i++)
	printf "/intranet/customer?id=%d\n", 1 + int(rand() * n) }' >"$B/record.paths"
echo /bench-static >"$B/static.paths"
echo /notice >"$B/notice.paths"

# fetch PATH FILE: GET PATH signed in; fails unless 200 text/html.
fetch() {
	out=$(timeout 30 curl -sS -o "$2" -w '%{http_code} %{content_type}' \
	    -H "Cookie: rekisteri_session=$COOKIE" "$BASE$1") || return 1
	case $out in
	"200 text/html"*) return 0 ;;
	*) echo "customers.sh: GET $1 answered $out" >&2; return 1 ;;
	esac
}

# The baseline file: the bytes of the first name search.
fetch "$(head -n 1 "$B/name.paths")" "$B/static.html" || exit 1
grep -q '/intranet/customer?id=' "$B/static.html" || {
	echo "customers.sh: the name search found no one" >&2
	exit 1
}
fetch "$(head -n 1 "$B/postal.paths")" "$B/check.html" &&
    grep -q '/intranet/customer?id=' "$B/check.html" || {
	echo "customers.sh: the postal search found no one" >&2
	exit 1
}
fetch "$(head -n 1 "$B/record.paths")" "$B/check.html" || exit 1
fetch /notice "$B/check.html" || exit 1
echo "pages: name search $(wc -c <"$B/static.html") bytes (the static baseline's bytes)," \
    "record $(wc -c <"$B/check.html") bytes"
echo "name prefixes: $(sed 's/.*=//' "$B/name.paths" | tr '\n' ' ')"
echo "postal codes: $(wc -l <"$B/postal.paths"), record ids: $(wc -l <"$B/record.paths") random of 1..$total"

# Warm up: the first 100 paths of each scenario once.
for s in name postal record; do
	head -n 100 "$B/$s.paths" | while read -r p; do
		curl -sS -o /dev/null -H "Cookie: rekisteri_session=$COOKIE" "$BASE$p"
	done
done

# to_ms VALUE: wrk's "1.23ms" / "950.00us" / "1.02s" in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
		else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# median: of the numbers on standard input.
median() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

SCEN="static notice name postal record"
res=$B/results
: >"$res"
for run in $(seq 1 "$RUNS"); do
	for s in $SCEN; do
		log=$B/wrk.$s.$run
		WRK_PATHS=$B/$s.paths WRK_COOKIE=$COOKIE \
		    timeout $((DURATION + 30)) wrk -t$THREADS -c$CONNS -d"${DURATION}s" \
		    --latency -s "$ROOT/bench/customers.lua" "$BASE" >"$log" 2>&1
		rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
		p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log")")
		p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
		bad=$(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' "$log")
		sock=$(awk '/Socket errors/ { for (i = 3; i <= NF; i++)
			if ($i ~ /^[0-9]+,?$/) n += $i + 0 } END { print n + 0 }' "$log")
		printf '  run %d %-7s %9s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  socket errors %s\n' \
		    "$run" "$s" "${rps:-?}" "$p50" "$p99" "$bad" "$sock"
		echo "$s ${rps:-0} $p50 $p99 $bad $sock" >>"$res"
	done
done

echo
echo "N=$total customers; wrk -t$THREADS -c$CONNS -d${DURATION}s --latency, medians of $RUNS runs"
printf '| %-34s | %8s | %7s | %7s | %7s | %6s |\n' scenario req/s "p50 ms" "p99 ms" non-2xx target
echo '|------------------------------------|---------:|--------:|--------:|--------:|-------:|'
status=0
for s in $SCEN; do
	case $s in
	static) label="baseline: static file (same bytes)" ;;
	notice) label="baseline: GET /notice" ;;
	name) label="name prefix ($NAME_PARAM=)" ;;
	postal) label="postal code (postal=)" ;;
	record) label="open a record (id=)" ;;
	esac
	r=$(awk -v s="$s" '$1 == s { print $2 }' "$res" | median)
	m=$(awk -v s="$s" '$1 == s { print $3 }' "$res" | median)
	l=$(awk -v s="$s" '$1 == s { print $4 }' "$res" | median)
	e=$(awk -v s="$s" '$1 == s { n += $5 } END { print n + 0 }' "$res")
	t=
	case $s in
	name | postal | record)
		if awk -v l="$l" 'BEGIN { exit !(l <= 20) }' && [ "$e" -eq 0 ]; then
			t=met
		else
			t="NOT met"
			status=1
		fi ;;
	esac
	printf '| %-34s | %8.0f | %7.2f | %7.2f | %7s | %6s |\n' "$label" "$r" "$m" "$l" "$e" "$t"
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
if [ -s "$STATE/log/fcgi.log" ]; then
	echo
	echo "== FastCGI log (last lines)"
	tail -n 10 "$STATE/log/fcgi.log"
fi
exit $status
