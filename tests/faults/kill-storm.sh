#!/bin/bash
# kill-storm.sh — load and SIGKILLs for test_faults_kill (#17): two loops
# post the public request form and two post staff edits (new customers)
# while a killer sends SIGKILL, at random moments 0.2–0.8 s apart, to a
# request worker, the request writer (the service on DB.writer), an
# intranet worker or a web server child, in turn at random. Every answer
# 303 is recorded: a ticket token per line in OUT/tickets, a customer's
# last name per line in OUT/customers; each kill in OUT/kills.
#
# Usage: kill-storm.sh BASE_URL STATE SESSION CSRF OUT ROUNDS
set -u
base=$1 state=$2 sid=$3 csrf=$4 out=$5 rounds=$6
: >"$out/tickets"
: >"$out/customers"
: >"$out/kills"

post_forms() {
	for i in $(seq 1 "$rounds"); do
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
	for i in $(seq 1 "$rounds"); do
		n="Tappo$1x$i"
		c=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' \
		    -b "rekisteri_session=$sid" --data-urlencode "csrf=$csrf" \
		    -d first_name=Kuorma -d "last_name=$n" -d country=fi \
		    -d source=customer "$base/intranet/customers/new")
		[ "$c" = 303 ] && echo "$n" >>"$out/customers"
	done
}

post_forms & l1=$!
post_forms & l2=$!
post_edits a & l3=$!
post_edits b & l4=$!

web=$state/run/httpd.pid
[ -f "$web" ] || web=$state/run/nginx.pid
while kill -0 $l1 $l2 $l3 $l4 2>/dev/null; do
	sleep "0.$((2 + RANDOM % 7))"
	case $((RANDOM % 4)) in
	0) what="request-worker"
	   pid=$(pgrep -P "$(cat "$state/run/request.pid")" | shuf -n 1) ;;
	1) what=writer
	   pid=$(ss -xlpn 2>/dev/null | grep -F "$state/db/rekisteri.db.writer" |
	       sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1) ;;
	2) what="intranet-worker"
	   pid=$(pgrep -P "$(cat "$state/run/intranet.pid")" | shuf -n 1) ;;
	3) what="web-child"
	   pid=$(pgrep -P "$(cat "$web")" | shuf -n 1) ;;
	esac
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && echo "$what $pid" >>"$out/kills"
done
wait
exit 0
