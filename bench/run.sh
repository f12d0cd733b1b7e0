#!/bin/bash
# run.sh — `make bench`: instructions per templated page beside the same
# bytes written from memory, counted by callgrind (repeatable, unlike time).
#
# 1. In process: build the model and render (tmpl) vs copy the page (memory).
# 2. Whole FastCGI request: a worker rendering vs a worker writing from
#    memory, each serving requests from cgi-fcgi over a Unix socket.
# Per-page figures are differences between a long and a short run, so start-up
# (parsing and compiling templates) is not counted.
set -eu
BUILD=${BUILD:-build}
BIN=$BUILD/bench/render
OUT=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.tcache_count=1000}

# ir MODE N: total instructions of "render MODE N" under callgrind.
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.$1.$2" \
	    "$BIN" "$1" "$2" >/dev/null 2>"$OUT/vg.log"
	awk '/^summary:/ { print $2 }' "$OUT/cg.$1.$2"
}

# ir_fcgi MODE N: total instructions of a FastCGI worker serving N requests.
ir_fcgi() {
	sock=$OUT/$1.sock
	rm -f "$sock"
	spawn-fcgi -n -s "$sock" -- /usr/bin/valgrind --tool=callgrind \
	    --callgrind-out-file="$OUT/cg.$1.$2" "$BIN" "$1" "$2" \
	    >/dev/null 2>"$OUT/vg.log" &
	pid=$!
	for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
	for _ in $(seq 1 "$2"); do
		REQUEST_METHOD=GET REQUEST_URI=/page SCRIPT_NAME=/page \
		    QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 \
		    cgi-fcgi -bind -connect "$sock" >/dev/null
	done
	wait "$pid" || true
	awk '/^summary:/ { print $2 }' "$OUT/cg.$1.$2"
}

short=100
long=1100
echo "Instructions per page (callgrind; $((long - short)) pages; start-up excluded)"
bytes=$("$BIN" memory 1 | awk '{ print $1 }')
echo "page: $bytes bytes, 20 values"
t=$(( ($(ir tmpl $long) - $(ir tmpl $short)) / (long - short) ))
m=$(( ($(ir memory $long) - $(ir memory $short)) / (long - short) ))
printf '%-44s %10d\n' "render: build model + render template" "$t"
printf '%-44s %10d\n' "baseline: copy the same bytes from memory" "$m"
echo "ratio render/memory: $(awk -v a="$t" -v b="$m" 'BEGIN { printf "%.2f", a / b }')"

fshort=20
flong=220
ft=$(( ($(ir_fcgi fcgi-tmpl $flong) - $(ir_fcgi fcgi-tmpl $fshort)) / (flong - fshort) ))
fm=$(( ($(ir_fcgi fcgi-memory $flong) - $(ir_fcgi fcgi-memory $fshort)) / (flong - fshort) ))
echo
echo "Instructions per FastCGI request (worker only; $((flong - fshort)) requests)"
printf '%-44s %10d\n' "templated worker (parse, render, respond)" "$ft"
printf '%-44s %10d\n' "baseline: worker writing from memory" "$fm"
echo "ratio templated/memory: $(awk -v a="$ft" -v b="$fm" 'BEGIN { printf "%.2f", a / b }') (target: at most 2.00)"
