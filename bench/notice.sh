#!/bin/bash
# notice.sh — GET /notice through the real Apache (as `make run` and the HTTP
# tests start it: scripts/server.sh, spawn-fcgi -n, the executable's own -w
# workers) beside, in the same run and the same Apache:
#
#   static   the same bytes as a static file (an Alias)
#   mem      bench/frommem: a FastCGI executable on lib/app.h answering with
#            the same bytes from memory (same request parsing and response
#            writing as notice, same worker count)
#   notice   the notice executable
#
# wrk -t2 -c32 -d$DURATION s per variant, $RUNS runs each, interleaved;
# medians of req/s and of p99 latency. With REUSE=both (the default) the
# whole series runs twice: mod_proxy_fcgi opening a Unix-socket connection
# per request (as rekisteri-site.conf.in does today), then with pooled
# connections (<Proxy "fcgi://NAME/" enablereuse=on max=M>) for both
# FastCGI routes (max: see REUSE_MAX below); under reuse it first checks
# that bodies are never mixed and no request fails.
#
# Usage: bash bench/notice.sh   (from the top folder, after `make all` and
#        `make build/bench/frommem`)
# Environment: BUILD (build), DURATION (10), RUNS (3), WORKERS (2),
#   REUSE (off|on|both; both), REUSE_MAX (per Apache child; WORKERS/ServerLimit),
#   CONNS (32), KEEP_STATE=1 keeps the state folder.
# Everything runs on 127.0.0.1 on a free port; every process started here is
# stopped on exit.
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-2}
# Pooled connections: with max=M per Apache child, every pooled connection
# holds a libfcgi worker for as long as Apache keeps it (FCGI_KEEP_CONN), so
# ServerLimit x M must not exceed WORKERS or requests queue behind idle
# pooled connections for seconds. Default M = WORKERS / ServerLimit, at least 1.
limit=$(awk '$1 == "ServerLimit" { print $2 }' "$ROOT/conf/apache/httpd.conf.in")
m=$((WORKERS / ${limit:-1}))
[ "$m" -ge 1 ] || m=1
REUSE_MAX=${REUSE_MAX:-$m}
# When rekisteri-site.conf.in pools the notice connections itself, only the
# from-memory route gets a <Proxy> here (with the same max) and REUSE is on.
SITE_REUSE=
if grep -q 'enablereuse=on' "$ROOT/conf/apache/rekisteri-site.conf.in"; then
	SITE_REUSE=1
	REUSE=on
	m=$(grep -o 'enablereuse=on.*max=[0-9]*' "$ROOT/conf/apache/rekisteri-site.conf.in" |
	    sed -n 's/.*max=\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$m" ] && REUSE_MAX=$m
fi
REUSE=${REUSE:-both}
CONNS=${CONNS:-32}
MEM=${FROMMEM:-$ROOT/$BUILD/bench/frommem}
export WORKERS

for t in wrk curl spawn-fcgi /usr/sbin/apache2; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "notice.sh: $t is missing (apt-get install -y wrk curl spawn-fcgi apache2)" >&2
		exit 1
	}
done
[ -x "$ROOT/$BUILD/cgi-bin/notice" ] && [ -x "$MEM" ] || {
	echo "notice.sh: build first: make all $BUILD/bench/frommem" >&2
	exit 1
}
case $REUSE in off) modes=off ;; on) modes=on ;; both) modes="off on" ;;
*) echo "notice.sh: REUSE must be off, on or both" >&2; exit 2 ;; esac

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-notice.XXXXXX")
chmod 0755 "$STATE"
. "$ROOT/scripts/server.sh"

cleanup() {
	server_stop
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "notice.sh: state kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(server_pick_port) || { echo "notice.sh: no free port" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT

server_config
timeout 60 "$BUILD/rekisteri" -c "$STATE/rekisteri.conf" init >/dev/null || exit 1
server_seed_notice >/dev/null || exit 1
mkdir -p "$STATE/bench"
chmod 0755 "$STATE/bench"
BODY=$STATE/bench/notice.html
export REKISTERI_BENCH_BODY=$BODY

# bench_config off|on: the extra routes (static file, from-memory program)
# and, with on, pooled FastCGI connections for both FastCGI routes.
bench_config() {
	cat >"$STATE/apache/extra-bench.conf" <<CONF
Alias "/bench-static" "$BODY"
<Directory "$STATE/bench">
	Require all granted
	Options None
</Directory>
<Location "/bench-mem">
	Require all granted
	SetHandler "proxy:unix:$STATE/run/frommem.sock|fcgi://rekisteri-frommem/"
</Location>
CONF
	if [ "$1" = on ]; then
		[ -n "$SITE_REUSE" ] || cat >>"$STATE/apache/extra-bench.conf" <<CONF
<Proxy "fcgi://rekisteri-notice/" enablereuse=on max=$REUSE_MAX>
</Proxy>
CONF
		cat >>"$STATE/apache/extra-bench.conf" <<CONF
<Proxy "fcgi://rekisteri-frommem/" enablereuse=on max=$REUSE_MAX>
</Proxy>
CONF
	fi
}

# mem_start: the from-memory program, spawned like server.sh spawns notice
# (its pid file under run/ so server_stop stops it too).
mem_start() {
	owner=
	[ "$(id -u)" -eq 0 ] && owner="-U www-data -G www-data"
	rm -f "$STATE/run/frommem.sock"
	# shellcheck disable=SC2086
	spawn-fcgi -n -s "$STATE/run/frommem.sock" -M 0600 $owner \
	    -- "$MEM" -c "$STATE/rekisteri.conf" -w "$WORKERS" \
	    2>>"$STATE/log/fcgi.log" &
	echo $! >"$STATE/run/frommem.pid"
}

# fetch PATH FILE: the body of GET PATH into FILE; fails unless 200 text/html.
fetch() {
	out=$(timeout 10 curl -sS -o "$2" -w '%{http_code} %{content_type}' "$BASE$1") || return 1
	case $out in
	"200 text/html"*) return 0 ;;
	*) echo "notice.sh: GET $1 answered $out" >&2; return 1 ;;
	esac
}

# start MODE: Apache, notice and frommem with the given pooling; checks that
# the three variants return byte-identical bodies.
start() {
	bench_config "$1"
	server_start || return 1
	if [ ! -s "$BODY" ]; then
		fetch /notice "$BODY" || return 1
		fetch "/notice?lang=en" "$STATE/bench/notice-en.html" || return 1
	fi
	mem_start
	for _ in $(seq 1 50); do
		fetch /bench-mem "$STATE/bench/check.mem" 2>/dev/null && break
		sleep 0.1
	done
	for v in static mem; do
		fetch "/bench-$v" "$STATE/bench/check.$v" || return 1
	done
	fetch /notice "$STATE/bench/check.notice" || return 1
	for v in static mem notice; do
		cmp -s "$BODY" "$STATE/bench/check.$v" || {
			echo "notice.sh: $v body differs from /notice" >&2
			return 1
		}
	done
}

# mixcheck: under pooled connections, load /notice?lang=en with wrk while
# curl fetches /notice (Finnish) and /bench-mem N times; every body must be
# exactly the expected one (a mixed-up connection would show the other).
mixcheck() {
	n=${MIXN:-200}
	bad=0
	timeout 30 wrk -t1 -c16 -d5s "$BASE/notice?lang=en" >"$STATE/bench/mix.wrk" 2>&1 &
	wpid=$!
	sleep 0.5
	for i in $(seq 1 "$n"); do
		p=/notice
		[ $((i % 2)) -eq 0 ] && p=/bench-mem
		if ! fetch "$p" "$STATE/bench/mix.body" || ! cmp -s "$BODY" "$STATE/bench/mix.body"; then
			bad=$((bad + 1))
		fi
	done
	wait "$wpid"
	fetch "/notice?lang=en" "$STATE/bench/mix.en" && cmp -s "$STATE/bench/notice-en.html" "$STATE/bench/mix.en" || bad=$((bad + 1))
	non2xx=$(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' "$STATE/bench/mix.wrk")
	echo "reuse check: $n curl responses during wrk load on /notice?lang=en: $bad wrong; wrk: $non2xx non-2xx"
	if [ "$bad" -ne 0 ] || [ "$non2xx" -ne 0 ]; then
		echo "reuse check FAILED (a 503 with AH01067 in error.log: the FastCGI side closed a pooled connection)"
		return 1
	fi
}

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

# series MODE: RUNS interleaved rounds of static, mem, notice.
series() {
	mode=$1
	res=$STATE/bench/results.$mode
	: >"$res"
	path_static=/bench-static path_mem=/bench-mem path_notice=/notice
	for run in $(seq 1 "$RUNS"); do
		for v in static mem notice; do
			eval "path=\$path_$v"
			log=$STATE/bench/wrk.$mode.$v.$run
			timeout $((DURATION + 30)) wrk -t2 -c"$CONNS" -d"${DURATION}s" \
			    --latency "$BASE$path" >"$log" 2>&1
			rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
			p99=$(awk '$1 == "99%" { print $2 }' "$log")
			p99=$(to_ms "${p99:-nan}")
			bad=$(awk '/Non-2xx/ { n += $NF } END { print n + 0 }' "$log")
			sock=$(awk '/Socket errors/ { for (i = 3; i <= NF; i++)
				if ($i ~ /^[0-9]+,?$/) n += $i + 0 } END { print n + 0 }' "$log")
			printf '  %-4s run %d %-7s %10s req/s  p99 %8s ms  non-2xx %s  socket errors %s\n' \
			    "$mode" "$run" "$v" "${rps:-?}" "$p99" "$bad" "$sock"
			echo "$v ${rps:-0} $p99 $bad $sock" >>"$res"
		done
	done
}

# report MODE: the table and the ratios of one series.
report() {
	res=$STATE/bench/results.$1
	echo
	what=$1
	[ "$1" = on ] && what="on, max=$REUSE_MAX per Apache child"
	echo "mod_proxy_fcgi connection reuse: $what (medians of $RUNS runs, wrk -t2 -c$CONNS -d${DURATION}s)"
	printf '| %-30s | %8s | %8s | %7s | %13s |\n' variant req/s "p99 ms" non-2xx "socket errors"
	echo '|--------------------------------|---------:|---------:|--------:|--------------:|'
	for v in static mem notice; do
		case $v in
		static) label="Apache, static file" ;;
		mem) label="FastCGI from memory" ;;
		notice) label="notice executable" ;;
		esac
		r=$(awk -v v="$v" '$1 == v { print $2 }' "$res" | median)
		l=$(awk -v v="$v" '$1 == v { print $3 }' "$res" | median)
		e=$(awk -v v="$v" '$1 == v { n += $4 } END { print n + 0 }' "$res")
		k=$(awk -v v="$v" '$1 == v { n += $5 } END { print n + 0 }' "$res")
		eval "rps_$v=\$r"
		printf '| %-30s | %8.0f | %8.2f | %7s | %13s |\n' "$label" "$r" "$l" "$e" "$k"
	done
	# shellcheck disable=SC2154
	awk -v n="$rps_notice" -v s="$rps_static" -v m="$rps_mem" 'BEGIN {
		printf "ratio notice/static:      %.2f\n", n / s
		printf "ratio notice/from-memory: %.2f\n", n / m
		printf "target: notice ≥ 0.95 × from-memory: %s\n", (n >= 0.95 * m) ? "met" : "NOT met" }'
	# The same ratio per round (neighbouring runs share the machine's
	# load), median over the rounds: steadier on a busy machine.
	awk '{ v[$1, ++k[$1]] = $2 } END {
		for (i = 1; i <= k["notice"]; i++) printf "%.4f\n", v["notice", i] / v["mem", i] }' "$res" |
	    median | awk '{ printf "per-round median notice/from-memory: %.2f\n", $1 }'
}

echo "GET /notice through Apache beside a static file and a from-memory FastCGI program"
echo "machine: $(nproc) cores, $(uname -sr); $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'); workers $WORKERS"
status=0
first=1
for mode in $modes; do
	if [ $first -eq 0 ]; then
		server_stop
	fi
	first=0
	start "$mode" || { status=1; break; }
	echo "page: $(wc -c <"$BODY") bytes, identical from /bench-static, /bench-mem and /notice (reuse $mode)"
	if [ "$mode" = on ]; then
		mixcheck || status=1
	fi
	series "$mode"
done
for mode in $modes; do
	[ -f "$STATE/bench/results.$mode" ] && report "$mode"
done
if [ -s "$STATE/log/fcgi.log" ]; then
	echo
	echo "== FastCGI log"
	tail -n 20 "$STATE/log/fcgi.log"
fi
exit $status
