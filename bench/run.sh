#!/bin/bash
# run.sh — instruction counts under callgrind for the paths that matter,
# each beside the figure it is held to (bench/README.md, "bench-check").
#
#   bash bench/run.sh print      make bench: measure, print the table
#   bash bench/run.sh check      make bench-check: the same, exit 1 when a
#                                count grew more than GROWTH % over
#                                bench/baseline.txt or a ratio passed its
#                                target, or the README's table is not the
#                                baseline's
#   bash bench/run.sh baseline   make bench-baseline: measure, write
#                                bench/baseline.txt and the README's table
#                                from this run (commit both, saying why)
#
# What is counted (instructions, not time: repeatable on a noisy machine):
#   render.page      build the model (20 tm_str) and render bench/templates/page.xhtml
#   render.copy      copy the same bytes into the same buffer (the baseline)
#   fcgi.templated   one FastCGI request to a worker that renders the page
#   fcgi.memory      one FastCGI request to a worker answering the same bytes from memory
#   form.submit      one valid POST /request (validate, check token and rate, number,
#                    sign, store durably, 303), cgi-bin/request with one worker
#   search.name      one GET /intranet/customers?name=PREFIX, 10,000 customers
#   record.page      one GET /intranet/customer?id=ID, 10,000 customers
#   csv.row          one row of GET /intranet/customers.csv (all rows minus none, per row)
# In process, per page = (long run - short run) / extra pages. A FastCGI worker
# is counted per request: callgrind dumps a part each time the worker enters
# FCGX_Accept_r, so each part after start-up is one whole request; the first
# WARM requests of each kind warm SQLite's cache and prepared statements and
# are not counted.
#
# Every request carries the same FastCGI parameters Apache (conf/apache,
# mod_proxy_fcgi) sent for a browser's GET (bench/README.md): cgi-fcgi would
# otherwise pass on the caller's whole environment, and libfcgi looks each
# parameter up by a walk of that list, so the counts followed the shell.
set -eu
MODE=${1:-print}
case $MODE in
print | check | baseline) ;;
*) echo "usage: bash bench/run.sh [print|check|baseline]" >&2; exit 2 ;;
esac
BUILD=${BUILD:-build}
ROOT=$(pwd)
BASELINE=$ROOT/bench/baseline.txt
README=$ROOT/bench/README.md
# The gate: how much a count may grow, and the ratio targets.
GROWTH=5
RENDER_TARGET=1.45
FCGI_TARGET=1.55
# Customers in the database for search, record and CSV; requests of each kind.
CUSTOMERS=10000
WARM=3
COUNT=20

for t in valgrind spawn-fcgi cgi-fcgi sqlite3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "run.sh: $t is missing (sh scripts/deps.sh test installs it)" >&2
		exit 1
	}
done
for f in bench/render bench/tickets cgi-bin/request cgi-bin/intranet rekisteri; do
	[ -x "$BUILD/$f" ] || { echo "run.sh: $BUILD/$f is missing: make all $BUILD/bench/render $BUILD/bench/tickets" >&2; exit 1; }
done
CGI_FCGI=$(command -v cgi-fcgi)
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.tcache_count=1000}

OUT=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench.XXXXXX")
chmod 0755 "$OUT"
WORKER_PID=
cleanup() {
	if [ -n "$WORKER_PID" ]; then
		kill "$WORKER_PID" 2>/dev/null || true
		wait "$WORKER_PID" 2>/dev/null || true
	fi
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RESULTS=$OUT/results
: >"$RESULTS"

result() {	# result NAME COUNT
	echo "$1 $2" >>"$RESULTS"
}

# ---- in process -------------------------------------------------------------

# ir MODE N: total instructions of "render MODE N" under callgrind.
ir() {
	valgrind --tool=callgrind --vgdb=no --callgrind-out-file="$OUT/cg.$1.$2" \
	    "$BUILD/bench/render" "$1" "$2" >/dev/null 2>"$OUT/vg.$1.log" || {
		echo "run.sh: render $1 $2 failed:" >&2
		cat "$OUT/vg.$1.log" >&2
		exit 1
	}
	awk '/^summary:/ { print $2 }' "$OUT/cg.$1.$2"
}

short=100
long=1100
result page.bytes "$("$BUILD/bench/render" memory 1 | awk '{ print $1 }')"
result render.page $(( ($(ir tmpl $long) - $(ir tmpl $short)) / (long - short) ))
result render.copy $(( ($(ir memory $long) - $(ir memory $short)) / (long - short) ))

# ---- FastCGI workers ------------------------------------------------------

# fcgi SOCK METHOD URI [BODYFILE]: one request, as Apache sends it, with
# $COOKIE as the session cookie when set. The answer goes to standard output.
fcgi() {
	local sock=$1 method=$2 uri=$3 body=${4:-/dev/null} path query=
	local -a params
	path=${uri%%\?*}
	case $uri in *\?*) query=${uri#*\?} ;; esac
	params=(SCRIPT_URL="$path" SCRIPT_URI="http://127.0.0.1:8080$path"
	    proxy-nokeepalive=1 HTTP_HOST=127.0.0.1:8080
	    "HTTP_USER_AGENT=Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	    "HTTP_ACCEPT=text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	    "HTTP_ACCEPT_LANGUAGE=fi-FI,fi;q=0.8,en-US;q=0.5,en;q=0.3"
	    "HTTP_ACCEPT_ENCODING=gzip, deflate, br, zstd")
	if [ "$method" = POST ]; then
		params+=(CONTENT_TYPE=application/x-www-form-urlencoded
		    CONTENT_LENGTH="$(wc -c <"$body")"
		    HTTP_ORIGIN=http://127.0.0.1:8080
		    HTTP_REFERER="http://127.0.0.1:8080$path")
	fi
	params+=(HTTP_CONNECTION=keep-alive)
	[ -n "${COOKIE:-}" ] && params+=(HTTP_COOKIE="rekisteri_session=$COOKIE")
	params+=(HTTP_UPGRADE_INSECURE_REQUESTS=1 HTTP_SEC_FETCH_DEST=document
	    HTTP_SEC_FETCH_MODE=navigate HTTP_SEC_FETCH_SITE=none
	    "HTTP_SEC_FETCH_USER=?1" "HTTP_PRIORITY=u=0, i"
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	    SERVER_SIGNATURE= SERVER_SOFTWARE=Apache SERVER_NAME=127.0.0.1
	    SERVER_ADDR=127.0.0.1 SERVER_PORT=8080 REMOTE_ADDR=127.0.0.1
	    DOCUMENT_ROOT=/usr/local/share/rekisteri/templates/static
	    REQUEST_SCHEME=http CONTEXT_PREFIX=
	    CONTEXT_DOCUMENT_ROOT=/usr/local/share/rekisteri/templates/static
	    "SERVER_ADMIN=[no address given]"
	    SCRIPT_FILENAME="proxy:fcgi://rekisteri$path" REMOTE_PORT=54321
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1
	    REQUEST_METHOD="$method" QUERY_STRING="$query" REQUEST_URI="$uri"
	    SCRIPT_NAME="$path")
	env -i "${params[@]}" "$CGI_FCGI" -bind -connect "$sock" <"$body"
}

# worker_start NAME CMD...: CMD as a FastCGI worker on $OUT/NAME.sock under
# callgrind, a profile part per request ($OUT/cg.NAME.K: K=1 start-up,
# K=2 the first request, ...).
worker_start() {
	local name=$1 sock=$OUT/$1.sock
	shift
	rm -f "$sock"
	spawn-fcgi -n -s "$sock" -- /usr/bin/valgrind --tool=callgrind --vgdb=no \
	    --dump-before=FCGX_Accept_r --callgrind-out-file="$OUT/cg.$name" \
	    "$@" >/dev/null 2>"$OUT/vg.$name.log" &
	WORKER_PID=$!
	for _ in $(seq 1 600); do
		[ -S "$sock" ] && return 0
		kill -0 "$WORKER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "run.sh: $name did not start:" >&2
	cat "$OUT/vg.$name.log" >&2
	exit 1
}

# worker_stop: stop the worker. Its last request was a throwaway one: the
# part before it was written before that request was taken. (A SIGTERM that
# lands while callgrind writes a part can be lost, so KILL after a while.)
worker_stop() {
	kill "$WORKER_PID" 2>/dev/null || true
	for _ in $(seq 1 30); do
		kill -0 "$WORKER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$WORKER_PID" 2>/dev/null || true
	wait "$WORKER_PID" 2>/dev/null || true
	WORKER_PID=
}

# part NAME K: instructions of request K (1 = the first) of worker NAME.
part() {
	local f=$OUT/cg.$1.$(($2 + 1))
	[ -f "$f" ] || { echo "run.sh: no profile part $f" >&2; exit 1; }
	awk '/^summary:/ { print $2 }' "$f"
}

# mean NAME FIRST LAST: mean instructions of requests FIRST..LAST.
mean() {
	local s=0 k
	for k in $(seq "$2" "$3"); do s=$((s + $(part "$1" "$k"))); done
	echo $((s / ($3 - $2 + 1)))
}

# expect FILE STATUS: the answer in FILE has that status (or none: 200).
expect() {
	local st
	st=$(sed -n '1,/^\r*$/ s/^Status: \([0-9]*\).*/\1/p' "$1" | head -n 1)
	[ "${st:-200}" = "$2" ] && return 0
	echo "run.sh: expected $2, got ${st:-200}:" >&2
	head -c 600 "$1" >&2
	echo >&2
	exit 1
}

n=$((WARM + COUNT))
for kind in templated memory; do
	mode=fcgi-memory
	[ $kind = templated ] && mode=fcgi-tmpl
	# the worker exits after its n + 1 requests
	worker_start "$kind" "$BUILD/bench/render" "$mode" $((n + 1))
	for _ in $(seq 1 $((n + 1))); do
		fcgi "$OUT/$kind.sock" GET /page >"$OUT/answer"
	done
	expect "$OUT/answer" 200
	wait "$WORKER_PID" || { echo "run.sh: render $mode failed" >&2; cat "$OUT/vg.$kind.log" >&2; exit 1; }
	WORKER_PID=
	result fcgi.$kind "$(mean "$kind" $((WARM + 1)) "$n")"
done

# ---- a register of $CUSTOMERS customers -----------------------------------

STATE=$OUT/state
# shellcheck disable=SC2034 # server_config's base_url, as fcgi() sends Origin
PORT=8080
mkdir -p "$STATE"
. "$ROOT/scripts/server.sh"
server_config
CONF=$STATE/rekisteri.conf
# The executables run under valgrind here, whose own system calls are not on
# the sandbox's allow-list (a worker would be killed at its first request):
# the sandbox is off. It changes no count: seccomp and Landlock work in the
# kernel, which callgrind does not count (docs/security.md).
sed -i -e 's/^totp_required = .*/totp_required = none/' \
    -e 's/^rate_limit = .*/rate_limit = 100000/' \
    -e 's/^sandbox = .*/sandbox = off/' "$CONF"
CLI="$BUILD/rekisteri -c $CONF"
$CLI init >/dev/null
$CLI keygen >/dev/null
$CLI customer demo "$CUSTOMERS" >/dev/null 2>"$OUT/demo.log" || {
	cat "$OUT/demo.log" >&2
	exit 1
}
PW=bench-check-Salasana-2026
printf '%s\n' "$PW" | $CLI user add bench --role handler --nda 2026-01-15 \
    --password-stdin >/dev/null

# Sign in once without callgrind (argon2id is slow under it).
rm -f "$OUT/login.sock"
spawn-fcgi -n -s "$OUT/login.sock" -- "$BUILD/cgi-bin/intranet" -c "$CONF" \
    >/dev/null 2>"$OUT/login.log" &
WORKER_PID=$!
for _ in $(seq 1 100); do [ -S "$OUT/login.sock" ] && break; sleep 0.1; done
printf 'username=bench&password=%s' "$PW" >"$OUT/login.body"
fcgi "$OUT/login.sock" POST /intranet/login "$OUT/login.body" >"$OUT/answer"
worker_stop
COOKIE=$(sed -n 's/^Set-Cookie: rekisteri_session=\([^;]*\).*/\1/p' "$OUT/answer" | tr -d '\r')
[ -n "$COOKIE" ] || { echo "run.sh: could not sign in:" >&2; head -c 600 "$OUT/answer" >&2; exit 1; }

# Intranet: name searches, record pages, then the CSV export of everyone and
# of no one (the record pages have warmed the cache).
prefixes="Korh Virt M%C3%A4kin Niem Lehto Salo Heikk Laine Hei Kin Turu Jokin
    Peltonen H%C3%A4m%C3%A4 Korhonen%20Ai Virtanen%20Mi Kos Karj Nur Ra Mie Lai
    Ahon"
ids=$(awk -v n="$CUSTOMERS" -v k="$n" 'BEGIN { for (i = 0; i < k; i++)
	printf "%d\n", 1 + (i * 7919) % n }')
worker_start intranet "$BUILD/cgi-bin/intranet" -c "$CONF"
sock=$OUT/intranet.sock
k=0
for p in $prefixes; do
	k=$((k + 1))
	[ $k -le $n ] || break
	fcgi "$sock" GET "/intranet/customers?name=$p" >"$OUT/answer"
	expect "$OUT/answer" 200
	grep -q '/intranet/customer?id=' "$OUT/answer" || {
		echo "run.sh: the name search for $p found no one" >&2
		exit 1
	}
done
[ $k -eq $n ] || { echo "run.sh: $n name prefixes needed, $k given" >&2; exit 1; }
for id in $ids; do
	fcgi "$sock" GET "/intranet/customer?id=$id" >"$OUT/answer"
	expect "$OUT/answer" 200
done
for q in "" name=Zzzz; do
	# purpose=disclosure leaves out what the export left out before purposes
	fcgi "$sock" GET "/intranet/customers.csv?purpose=disclosure${q:+&$q}" >"$OUT/csv.${q:-all}"
	expect "$OUT/csv.${q:-all}" 200
done
fcgi "$sock" GET /intranet/login >/dev/null	# dumps the last part
worker_stop
result search.name "$(mean intranet $((WARM + 1)) "$n")"
result record.page "$(mean intranet $((n + WARM + 1)) $((2 * n)))"
# CSV records in an answer (after its head and the header row): a line ends
# a record when the quotes so far are balanced.
csv_rows() {
	sed '1,/^\r*$/d' "$1" | awk '{ q += gsub(/"/, "\"") } q % 2 == 0 { r++ } END { print r - 1 }'
}
rows_all=$(csv_rows "$OUT/csv.all")
rows_none=$(csv_rows "$OUT/csv.name=Zzzz")
if [ "$rows_all" -lt 1000 ] || [ "$rows_none" -ne 0 ]; then
	echo "run.sh: CSV export gave $rows_all and $rows_none rows" >&2
	exit 1
fi
result csv.row $(( ($(part intranet $((2 * n + 1))) - $(part intranet $((2 * n + 2)))) / (rows_all - rows_none) ))

# The request form: valid submissions, each with its own token.
"$BUILD/bench/tickets" tokens "$CONF" "$n" >"$OUT/tokens"
worker_start request "$BUILD/cgi-bin/request" -c "$CONF"
while read -r tok; do
	printf 'form_token=%s&type=access&name=Bench+Mark&email=bench%%40example.fi' \
	    "$tok" >"$OUT/form.body"
	fcgi "$OUT/request.sock" POST /request "$OUT/form.body" >"$OUT/answer"
	expect "$OUT/answer" 303
done <"$OUT/tokens"
fcgi "$OUT/request.sock" GET /request/key >/dev/null	# dumps the last part
worker_stop
result form.submit "$(mean request $((WARM + 1)) "$n")"

# ---- the table, the gate ----------------------------------------------------

get() {	# get FILE NAME
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
SYSTEM="$(uname -m), gcc $(gcc -dumpfullversion 2>/dev/null), glibc $(ldd --version | sed -n '1s/.* //p'), libxml2 $(pkg-config --modversion libxml-2.0), SQLite $(pkg-config --modversion sqlite3), $(valgrind --version)"

# table FILE: the README's table from counts in FILE (the baseline's, or this run's).
table() {
	local f=$1 rp rc ft fm
	rp=$(get "$f" render.page) rc=$(get "$f" render.copy)
	ft=$(get "$f" fcgi.templated) fm=$(get "$f" fcgi.memory)
	printf '| what | instructions | target |\n|---|---:|---|\n'
	printf '| build model + render template, per page | %s | |\n' "$(commas "$rp")"
	printf '| copy the same %s bytes from memory | %s | |\n' "$(commas "$(get "$f" page.bytes)")" "$(commas "$rc")"
	printf '| **ratio render/copy** | **%s** | ≤ %s |\n' "$(ratio "$rp" "$rc")" "$RENDER_TARGET"
	printf '| FastCGI request, templated worker | %s | |\n' "$(commas "$ft")"
	printf '| FastCGI request, worker writing from memory | %s | |\n' "$(commas "$fm")"
	printf '| **ratio templated/memory** | **%s** | ≤ %s |\n' "$(ratio "$ft" "$fm")" "$FCGI_TARGET"
	printf '| request form: one valid submission (validate, sign, store, 303) | %s | |\n' "$(commas "$(get "$f" form.submit)")"
	printf '| name search, %s customers, per request | %s | |\n' "$(commas "$CUSTOMERS")" "$(commas "$(get "$f" search.name)")"
	printf '| record page, %s customers, per request | %s | |\n' "$(commas "$CUSTOMERS")" "$(commas "$(get "$f" record.page)")"
	printf '| CSV export, per row | %s | |\n' "$(commas "$(get "$f" csv.row)")"
	printf '\nEach count may grow at most %s %% over bench/baseline.txt.\n' "$GROWTH"
}
commas() {
	printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}

# readme_block FILE: the block between the markers, from the baseline FILE.
readme_block() {
	echo '<!-- bench-check: written by make bench-baseline from bench/baseline.txt; do not edit -->'
	sed -n 's/^# measured \(.*\)/Measured \1 on/p' "$1"
	sed -n 's/^# system: \(.*\)/\1:/p' "$1"
	echo
	table "$1"
	echo '<!-- bench-check: end -->'
}

fail=0
echo "Instructions (callgrind; page $(get "$RESULTS" page.bytes) bytes; $COUNT requests of each kind after $WARM to warm up)"
printf '%-16s %12s %12s %8s\n' what count baseline change
for name in render.page render.copy fcgi.templated fcgi.memory form.submit \
    search.name record.page csv.row; do
	m=$(get "$RESULTS" $name)
	b=
	[ -f "$BASELINE" ] && b=$(get "$BASELINE" $name)
	if [ -z "$b" ]; then
		printf '%-16s %12s %12s %8s\n' $name "$(commas "$m")" - -
		[ "$MODE" = check ] && { echo "  $name: not in $BASELINE" >&2; fail=1; }
		continue
	fi
	pct=$(awk -v m="$m" -v b="$b" 'BEGIN { printf "%+.1f%%", (m - b) * 100 / b }')
	printf '%-16s %12s %12s %8s' $name "$(commas "$m")" "$(commas "$b")" "$pct"
	if awk -v m="$m" -v b="$b" -v g="$GROWTH" 'BEGIN { exit !(m > b * (1 + g / 100)) }'; then
		echo "  GREW more than $GROWTH %"
		fail=1
	elif awk -v m="$m" -v b="$b" -v g="$GROWTH" 'BEGIN { exit !(m < b * (1 - g / 100)) }'; then
		echo "  (faster: make bench-baseline, so later growth cannot hide in the slack)"
	else
		echo
	fi
done
rr=$(ratio "$(get "$RESULTS" render.page)" "$(get "$RESULTS" render.copy)")
fr=$(ratio "$(get "$RESULTS" fcgi.templated)" "$(get "$RESULTS" fcgi.memory)")
printf 'ratio render/copy %s (target <= %s)%s\n' "$rr" "$RENDER_TARGET" \
    "$(awk -v r="$rr" -v t="$RENDER_TARGET" 'BEGIN { if (r > t) print ": NOT met" }')"
printf 'ratio FastCGI templated/memory %s (target <= %s)%s\n' "$fr" "$FCGI_TARGET" \
    "$(awk -v r="$fr" -v t="$FCGI_TARGET" 'BEGIN { if (r > t) print ": NOT met" }')"
# a ratio past its target fails a check and refuses a baseline; growth
# fails only a check (a new baseline is how growth is accepted, on purpose)
rfail=0
awk -v r="$rr" -v t="$RENDER_TARGET" 'BEGIN { exit !(r > t) }' && rfail=1
awk -v r="$fr" -v t="$FCGI_TARGET" 'BEGIN { exit !(r > t) }' && rfail=1
[ $rfail -ne 0 ] && fail=1
echo "system: $SYSTEM"
if [ -f "$BASELINE" ]; then
	bs=$(sed -n 's/^# system: //p' "$BASELINE")
	[ "$bs" = "$SYSTEM" ] || echo "note: the baseline was measured on $bs; counts move with the compiler and libraries"
fi

case $MODE in
print)
	exit 0
	;;
check)
	# The README's table must be the baseline's.
	if [ -f "$BASELINE" ]; then
		readme_block "$BASELINE" >"$OUT/block"
		sed -n '/^<!-- bench-check: written/,/^<!-- bench-check: end -->/p' "$README" >"$OUT/readme"
		cmp -s "$OUT/block" "$OUT/readme" || {
			echo "bench-check: the table in bench/README.md is not bench/baseline.txt's (make bench-baseline writes both)" >&2
			fail=1
		}
	fi
	if [ $fail -ne 0 ]; then
		echo "bench-check: FAILED (bench/README.md says what to do)" >&2
		exit 1
	fi
	echo "bench-check: passed"
	;;
baseline)
	if [ $rfail -ne 0 ]; then
		echo "bench-baseline: a ratio misses its target; not written" >&2
		exit 1
	fi
	{
		echo "# bench/baseline.txt — the instruction counts make bench-check holds the code to."
		echo "# Written by make bench-baseline with the README's table from the same run;"
		echo "# commit both on their own, and say in the message why the counts moved."
		echo "# measured $(date -u +%Y-%m-%d) at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown), \`make bench-baseline\`"
		echo "# system: $SYSTEM"
		cat "$RESULTS"
	} >"$BASELINE"
	readme_block "$BASELINE" >"$OUT/block"
	awk -v block="$OUT/block" '
	/^<!-- bench-check: written/ { while ((getline l < block) > 0) print l; skip = 1; done = 1; next }
	/^<!-- bench-check: end -->/ { skip = 0; next }
	!skip { print }
	END { if (!done) exit 1 }' "$README" >"$OUT/readme.new" || {
		echo "bench-baseline: bench/README.md has no bench-check block" >&2
		exit 1
	}
	cat "$OUT/readme.new" >"$README"
	echo "wrote $BASELINE and the table in $README"
	;;
esac
