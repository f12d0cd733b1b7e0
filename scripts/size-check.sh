#!/bin/sh
# size-check.sh — the shape rules of the code (README "Quality"): no C
# source file over 900 lines, no function over 120 lines. Prints each
# offender; exits 1 when there is one. Usage: scripts/size-check.sh FILE...
status=0
for f in "$@"; do
	n=$(wc -l <"$f")
	if [ "$n" -gt 900 ]; then
		echo "$f: $n lines (at most 900)"
		status=1
	fi
	# a function: its name at the start of a line, "(", then a body from "{" to "}" at column 0
	awk -v file="$f" '
		/^[A-Za-z_][A-Za-z0-9_]*\(/ && !/;$/ { name = $0; sub(/\(.*/, "", name); start = NR; next }
		/^\{/ && start { open = NR; next }
		/^\}/ && open {
			if (NR - open - 1 > 120) {
				printf "%s:%d: %s is %d lines (at most 120)\n", file, start, name, NR - open - 1
				bad = 1
			}
			open = 0; start = 0
		}
		END { exit bad }' "$f" || status=1
done
exit $status
