#!/bin/bash
# import.sh — the customer CSV round trip at scale (issue 17): N invented
# customers (`rekisteri customer demo N`) exported with `rekisteri customer
# export FILE --purpose research`, then that file imported as new records
# into a second, empty register: a dry run (`customer import FILE`, which
# checks every row) and the apply (`--apply-valid`, one transaction). Each
# step runs $RUNS times on fresh copies; the medians are printed with the
# rows per second.
#
# Targets (issue 17): at 1,000,000 customers the export under 30 s and the
# import (dry run and apply) under 2 minutes. The import reads a whole file
# of at most 1,024 MB (CIMPORT_MAX_BYTES, lib/cimport.h; it was 64 MB, about
# 250,000 demo rows, until #17 raised it), so N=1000000 runs; the default N
# stays 200,000, a few minutes (bench/README.md, "import").
#
# Usage: bash bench/import.sh   (from the top folder, after `make all`)
# Environment: BUILD (build), N (200000), RUNS (3), KEEP_STATE=1 keeps the
#   state folder (big).
set -u
BUILD=${BUILD:-build}
ROOT=$(pwd)
N=${N:-200000}
RUNS=${RUNS:-3}

[ -x "$ROOT/$BUILD/rekisteri" ] || {
	echo "import.sh: build first: make all" >&2
	exit 1
}
command -v sqlite3 >/dev/null 2>&1 || {
	echo "import.sh: sqlite3 is missing (apt-get install -y sqlite3)" >&2
	exit 1
}

TOP=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-bench-import.XXXXXX")
cleanup() {
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "import.sh: state kept in $TOP"
	else
		rm -rf "$TOP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=1	# server_config writes a base URL; nothing listens here
# state DIR: a config and an empty, initialised register in DIR.
state() {
	STATE=$1
	mkdir -p "$STATE"
	(. "$ROOT/scripts/server.sh" && server_config) || return 1
	"$ROOT/$BUILD/rekisteri" -c "$STATE/rekisteri.conf" init >/dev/null
}

# secs CMD...: run CMD, print the seconds it took (CMD's output to $TOP/last.log).
secs() {
	local s e
	s=$(date +%s.%N)
	"$@" >"$TOP/last.log" 2>&1 || {
		echo "import.sh: $* failed:" >&2
		tail -5 "$TOP/last.log" >&2
		return 1
	}
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }'
}

# median: of the numbers on standard input.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "customer CSV round trip at N=$N, $RUNS runs, medians"
echo "machine: $(nproc) cores, $(uname -sr); load before: $(uptime | sed 's/.*load average/load average/')"
state "$TOP/src" || exit 1
SRC="$ROOT/$BUILD/rekisteri -c $TOP/src/rekisteri.conf"
$SRC customer demo "$N" >/dev/null 2>&1 || { echo "import.sh: demo failed" >&2; exit 1; }

export_t=() check_t=() apply_t=()
for r in $(seq 1 "$RUNS"); do
	rm -f "$TOP/out.csv"
	export_t+=("$(secs $SRC customer export "$TOP/out.csv" --purpose research)") || exit 1
	rm -rf "$TOP/dst"
	state "$TOP/dst" || exit 1
	DST="$ROOT/$BUILD/rekisteri -c $TOP/dst/rekisteri.conf"
	# a dry run exits 1 when a row is bad: none are, from an export
	check_t+=("$(secs $DST customer import "$TOP/out.csv")") || exit 1
	# "read as UTF-8; 9899 rows: …" (a cell may hold line breaks)
	rows=$(sed -n 's/.*; \([0-9]*\) rows: .*/\1/p' "$TOP/last.log" | head -1)
	apply_t+=("$(secs $DST customer import "$TOP/out.csv" --apply-valid)") || exit 1
done
stored=$(sqlite3 -readonly "$TOP/dst/db/rekisteri.db" "SELECT count(*) FROM customers")
bytes=$(stat -c %s "$TOP/out.csv")
report() {
	local what=$1 m
	shift
	m=$(printf '%s\n' "$@" | median)
	awk -v w="$what" -v m="$m" -v n="$rows" -v all="$*" 'BEGIN {
		printf "%-22s median %7.2f s  %9.0f rows/s  (runs: %s)\n", w, m, n / m, all }'
}
echo "file: $rows rows (of $N; a research list leaves out bans), $((bytes / 1048576)) MB; imported: $stored"
report "export (research)" "${export_t[@]}"
report "import dry run" "${check_t[@]}"
report "import --apply-valid" "${apply_t[@]}"
[ "$stored" = "$rows" ] || { echo "import.sh: $stored stored of $rows" >&2; exit 1; }
