# verdict.sh — how one test binary's run is counted, shared by
# tests/run-all.sh and tests/http/harness.sh. Sourced, not run (POSIX sh).
#
# A binary is a cmocka runner (or tests/browser/run.sh, which prints the same
# lines). From its output it counts
#   [==========] Running N test(s).     N tests declared (per group)
#   [==========] N test(s) run.         the group's summary
#   [  PASSED  ] N test(s).
#   [  FAILED  ] N test(s), ...
# A declared test that reported neither way (a group setup that failed, a
# crash in the middle) counts as failed; so does a missing summary line (the
# tests that said "[       OK ]" before it count as passed), a
# non-zero exit without a counted failure, a timeout (exit 124 from
# timeout(1)) and each problem the caller names (say, the FastCGI log).
#
# verdict NAME LOG STATUS [PROBLEM]
#   prints "== NAME: P passed, F failed" (with the reasons) and appends
#   "NAME P F" to the file $TEST_RESULTS.

verdict() {
	v_name=$1 v_log=$2 v_rc=$3 v_problem=${4:-}
	v_why=
	set -- $(awk '
		/^\[==========\] Running [0-9]+ test/ { groups++; declared += $3 }
		/^\[==========\] [0-9]+ test\(s\) run\./ { summaries++ }
		/^\[  PASSED  \] [0-9]+ test/ { passed += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { failed += $4 }
		/^\[       OK \] / { ok++ }
		END {
			print groups + 0, declared + 0, summaries + 0, passed + 0,
			    failed + 0, ok + 0
		}
	' "$v_log")
	v_groups=$1 v_declared=$2 v_summaries=$3 v_passed=$4 v_failed=$5 v_ok=$6
	if [ "$v_groups" -eq 0 ] || [ "$v_summaries" -lt "$v_groups" ]; then
		# cut short: what passed before is what said OK
		v_why="$v_why; no summary line"
		[ "$v_ok" -gt "$v_passed" ] && v_passed=$v_ok
		[ "$v_failed" -eq 0 ] && v_failed=1
	fi
	v_missing=$((v_declared - v_passed - v_failed))
	if [ "$v_missing" -gt 0 ]; then
		v_why="$v_why; $v_missing of $v_declared declared tests did not report"
		v_failed=$((v_failed + v_missing))
	fi
	case $v_rc in
	0) ;;
	124) v_why="$v_why; timed out" ;;
	137) v_why="$v_why; killed after timing out" ;;
	*)
		if [ "$v_rc" -gt 128 ]; then
			v_why="$v_why; killed by signal $((v_rc - 128))"
		elif [ "$v_failed" -eq 0 ]; then
			v_why="$v_why; exit status $v_rc without a failed test"
		fi ;;
	esac
	if [ "$v_rc" -ne 0 ] && [ "$v_failed" -eq 0 ]; then
		v_failed=1
	fi
	if [ -n "$v_problem" ]; then
		v_why="$v_why; $v_problem"
		v_failed=$((v_failed + 1))
	fi
	if [ -n "$v_why" ]; then
		v_line="== $v_name: $v_passed passed, $v_failed failed (${v_why#; })"
	else
		v_line="== $v_name: $v_passed passed, $v_failed failed"
	fi
	echo "$v_line"
	echo "$v_name $v_passed $v_failed" >>"$TEST_RESULTS"
	# for the run's last lines (tests/run-all.sh), which may be all a
	# reader of a failed CI sees: the line and the failing tests' names
	if [ "$v_failed" -gt 0 ]; then
		{
			echo "$v_line"
			grep -E '^\[  FAILED  \] [a-z_]|^\[  ERROR   \]|^\[   LINE   \]' \
			    "$v_log" 2>/dev/null | awk '!seen[$0]++' | head -n 6 |
			    cut -c 1-200 | sed 's/^/     /'
		} >>"$TEST_RESULTS.why"
	fi
}
