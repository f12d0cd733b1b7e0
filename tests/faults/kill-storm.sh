#!/bin/bash
# kill-storm.sh — load and SIGKILLs for test_faults_kill (#17): two loops
# post the public request form, two post staff edits (new customers) and
# one opens records (each view's audit row goes through the intranet's
# audit writer), while a killer sends KILLS SIGKILLs, at random moments
# 0.2–0.8 s apart, to a request worker, the request writer (the service on
# DB.writer), an intranet worker, the audit writer (DB.audit) or a web
# server child, in turn at random; then the loops stop. Every answer of
# success is recorded: a ticket token per line in OUT/tickets, a
# customer's last name per line in OUT/customers, a record's id per line
# in OUT/views (answered 200); each kill in OUT/kills.
#
# Usage: kill-storm.sh BASE_URL STATE SESSION CSRF OUT KILLS VIEW_ID
set -u
base=$1 state=$2 sid=$3 csrf=$4 out=$5 kills=$6 view=$7
: >"$out/tickets"
: >"$out/customers"
: >"$out/views"
: >"$out/kills"
stop=$out/stop
rm -f "$stop"

post_forms() {
	while [ ! -e "$stop" ]; do
		t=$(curl -s --max-time 20 "$base/request" |
		    sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' | head -n 1)
		[ -n "$t" ] || continue
		a=$(curl -s -o /dev/null --max-time 20 -w '%{http_code} %{redirect_url}' \
		    --data-urlencode "form_token=$t" -d type=access -d name=Tappo \
		    -d email=tappo@example.fi "$base/request")
		case $a in
		"303 "*) echo "${a##*/}" >>"$out/tickets" ;;
		esac
	done
}

post_edits() {
	i=0
	while [ ! -e "$stop" ]; do
		i=$((i + 1))
		n="Tappo$1x$i"
		c=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' \
		    -b "rekisteri_session=$sid" --data-urlencode "csrf=$csrf" \
		    -d first_name=Kuorma -d "last_name=$n" -d country=fi \
		    -d source=customer "$base/intranet/customers/new")
		[ "$c" = 303 ] && echo "$n" >>"$out/customers"
	done
}

# each answered view's audit row must be there afterwards: one row per
# line, the test counts them against the rows of customer.view
open_records() {
	while [ ! -e "$stop" ]; do
		c=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' \
		    -b "rekisteri_session=$sid" "$base/intranet/customer?id=$view")
		[ "$c" = 200 ] && echo "$view" >>"$out/views"
	done
}

post_forms & l1=$!
post_forms & l2=$!
post_edits a & l3=$!
post_edits b & l4=$!
open_records & l5=$!

web=$state/run/httpd.pid
[ -f "$web" ] || web=$state/run/nginx.pid
service() {	# the process listening on the socket $1
	ss -xlpn 2>/dev/null | grep -F "$state/db/rekisteri.db.$1" |
	    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}
done_kills=0
while [ "$done_kills" -lt "$kills" ]; do
	sleep "0.$((2 + RANDOM % 7))"
	case $((RANDOM % 5)) in
	0) what="request-worker"
	   pid=$(pgrep -P "$(cat "$state/run/request.pid")" | shuf -n 1) ;;
	1) what=writer pid=$(service writer) ;;
	2) what="intranet-worker"
	   pid=$(pgrep -P "$(cat "$state/run/intranet.pid")" | shuf -n 1) ;;
	3) what=audit-writer pid=$(service audit) ;;
	4) what="web-child"
	   pid=$(pgrep -P "$(cat "$web")" | shuf -n 1) ;;
	esac
	if [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; then
		echo "$what $pid" >>"$out/kills"
		done_kills=$((done_kills + 1))
	fi
done
# a last while after the last kill, so that what was restarted serves
sleep 2
touch "$stop"
wait $l1 $l2 $l3 $l4 $l5
exit 0
