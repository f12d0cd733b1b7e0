#!/bin/sh
# test_layout.sh — the shape the code keeps (issue #11): the public
# executables link nothing that writes what staff write; no lib/ file knows
# an intranet URL; no domain header in lib/ includes the template or HTTP
# modules (only app.h, view_*.h and the template module's own private
# header may); no C file over 900 lines and no
# function over 120 (scripts/size-check.sh).
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/sh/check.sh
echo "[==========] Running 5 test(s)."

# Symbols of the intranet's write paths that a public executable must not hold
# (and the outbox's sender: it only queues a mail that failed, #12).
writers='^(dsr_register|account_|outbox_run|customer_(create|update|ban|unban|restrict|add_)|cimport_apply|upload_|notice_(publish|discard|draft|import)|user_(add|set_)|totp_(reset|confirm))'
for exe in notice request; do
	bin=$BUILD/cgi-bin/$exe
	if [ ! -x "$bin" ]; then
		check "$exe is built" 1 "$bin missing"
		continue
	fi
	found=$(nm --defined-only "$bin" | awk '$2 == "T" { print $3 }' |
	    grep -E "$writers" | tr '\n' ' ')
	check "$exe links no staff write path" "$([ -z "$found" ]; echo $?)" "$found"
done

found=$(grep -rln '/intranet/' lib/ | tr '\n' ' ')
check "no lib/ file knows an /intranet/ URL" "$([ -z "$found" ]; echo $?)" "$found"

found=$(grep -l '#include "\(tmpl\|req\)\.h"' lib/*.h |
    grep -v -e '^lib/app\.h$' -e '^lib/view_' -e '^lib/tmpl_int\.h$' |
    tr '\n' ' ')
check "no domain header includes tmpl.h or req.h" "$([ -z "$found" ]; echo $?)" "$found"

out=$(sh scripts/size-check.sh lib/*.c lib/*.h cgi-bin/*.c cgi-bin/*/*.c \
    tests/*/*.c tests/*/*.h bench/*.c \
    tools/*.c 2>&1)
check "files within 900 lines, functions within 120" "$([ -z "$out" ]; echo $?)" "$out"

finish
