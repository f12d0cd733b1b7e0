#!/bin/bash
# test_separate_users.sh — the installation of separate users (#15,
# docs/deployment.md "Separate users") with the real executables: the
# folders as conf/systemd/rekisteri.tmpfiles makes them (the shipped file,
# its paths and user names replaced by a state folder and three unused ids,
# applied with systemd-tmpfiles as the package's postinst does), the
# database made by `rekisteri init` as the owner; then
# - `rekisteri init` in the set-group-ID folder makes the database and the
#   erasure ledger 0660, and `rekisteri check` passes;
# - the notice, as a user of its own in the owner's group, answers /notice;
#   it cannot read secret.key, totp.key or erasure.key;
# - the intranet, as a user of its own in that group and in its own, signs
#   a member of staff in (a session written to the database); it cannot
#   read secret.key; without its own group it refuses to start, naming
#   totp.key;
# - the request form, as the owner, signs a ticket.
# Ids, not names: nothing is added to /etc/passwd. Needs root (setpriv to
# another user); as any other user it says so and checks nothing.
#
# Run by `make test` (tests/run-all.sh); ends with cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
passed=0 failed=0
ok() { echo "[       OK ] $1"; passed=$((passed + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; failed=$((failed + 1)); }
end() {
	echo "[==========] $((passed + failed)) test(s) run."
	echo "[  PASSED  ] $passed test(s)."
	[ $failed = 0 ] || { echo "[  FAILED  ] $failed test(s)"; exit 1; }
	exit 0
}
if [ "$(id -u)" -ne 0 ]; then
	echo "test_separate_users: needs root (setpriv to other users); not run"
	end
fi

# three ids no one has: the owner (and its group), the intranet, the notice
base=64990
while getent passwd $base $((base + 1)) $((base + 2)) >/dev/null ||
    getent group $base $((base + 1)) $((base + 2)) >/dev/null; do
	base=$((base + 10))
done
O=$base I=$((base + 1)) N=$((base + 2))

STATE=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-users.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$STATE"
}
trap cleanup EXIT
chmod 0755 "$STATE"
DATA=$STATE/var/lib/rekisteri
sed -e "s|/var/lib/rekisteri|$DATA|" -e '\|/var/log/|d' \
    -e "s| rekisteri-intranet | $I |" -e "s| rekisteri | $O |g" \
    -e "s| rekisteri | $O |g" conf/systemd/rekisteri.tmpfiles >"$STATE/tmpfiles.conf"
mkdir -p "$STATE/var/lib"
tmpfiles() { systemd-tmpfiles --create "$STATE/tmpfiles.conf" >/dev/null; }
tmpfiles || { echo "systemd-tmpfiles failed on:"; cat "$STATE/tmpfiles.conf"; exit 1; }
sed -e "s|^path = .*|path = $DATA/db/rekisteri.db|" \
    -e "s|^templates = .*|templates = $ROOT/templates|" \
    -e "s|^i18n = .*|i18n = $ROOT/i18n|" \
    -e "s|^sql = .*|sql = $ROOT/sql|" \
    -e "s|^data = .*|data = $ROOT/data|" \
    -e "s|^dir = .*|dir = $DATA/keys|" \
    -e "s|^base_url = .*|base_url = http://127.0.0.1:8080|" \
    "$ROOT/conf/rekisteri.conf.sample" >"$STATE/rekisteri.conf"
chmod 0644 "$STATE/rekisteri.conf"

as_owner() { setpriv --reuid=$O --regid=$O --clear-groups "$@"; }
as_intranet() { setpriv --reuid=$I --regid=$I --groups=$O "$@"; }
as_notice() { setpriv --reuid=$N --regid=$N --groups=$O "$@"; }
CLI="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
SETPRIV=$(command -v setpriv)	# spawn-fcgi runs a path

echo "[==========] Running 7 test(s)."
# 1. the owner makes the database, the keys and a notice; then the package's
# second tmpfiles run; the modes that result, and the check
{
	as_owner $CLI init &&
	as_owner $CLI keygen &&
	as_owner $CLI notice import data/notice/fi.txt --lang fi &&
	as_owner $CLI notice import data/notice/en.txt --lang en &&
	as_owner $CLI notice publish &&
	printf 'Erillinen-Salasana-2026\n' | as_owner $CLI user add erillinen \
	    --role handler --nda 2026-01-15 --password-stdin
} >"$STATE/setup.out" 2>&1 || { cat "$STATE/setup.out"; exit 1; }
db_mode=$(stat -c '%a %g' "$DATA/db/rekisteri.db" "$DATA/db/erasure-ledger" | tr '\n' ' ')
tmpfiles
modes=$(cd "$DATA" && stat -c '%n %a %u %g' db db/rekisteri.db keys \
    keys/secret.key keys/totp.key keys/erasure.key | tr '\n' ' ')
check=$(as_owner $CLI check 2>&1); rc=$?
if [ "$db_mode" = "660 $O 660 $O " ] &&
    [ "$modes" = "db 2770 $O $O db/rekisteri.db 660 $O $O keys 750 $O $O keys/secret.key 600 $O $O keys/totp.key 640 $O $I keys/erasure.key 640 $O $I " ] &&
    [ $rc = 0 ]; then
	ok shared_modes_and_check
else
	bad shared_modes_and_check "init made \"$db_mode\"; then \"$modes\"; check rc $rc: $check"
fi

# fcgi SOCK METHOD URI [BODYFILE]: one request straight on a socket
fcgi() {
	local len=0
	[ -n "${4:-}" ] && len=$(wc -c <"$4")
	env -i REQUEST_METHOD="$2" REQUEST_URI="$3" SCRIPT_NAME= \
	    SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
	    HTTP_HOST=127.0.0.1:8080 HTTP_ORIGIN=http://127.0.0.1:8080 \
	    HTTP_SEC_FETCH_SITE=same-origin \
	    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH="$len" \
	    cgi-fcgi -bind -connect "$1" <"${4:-/dev/null}"
}
# start NAME WRAPPER: the executable NAME on $STATE/NAME.sock, as WRAPPER runs it
start() {
	local name=$1
	shift
	rm -f "$STATE/$name.sock"
	spawn-fcgi -n -s "$STATE/$name.sock" -M 0600 -- "$@" \
	    "$ROOT/$BUILD/cgi-bin/$name" -c "$STATE/rekisteri.conf" -w 1 \
	    </dev/null >/dev/null 2>>"$STATE/$name.log" &
	PIDS="$PIDS $!"
	for _ in $(seq 1 100); do
		[ -S "$STATE/$name.sock" ] && return 0
		sleep 0.05
	done
	return 1
}
status() { head -n 1 "$1" | cut -c 1-11; }

# 2. the notice as its own user
start notice "$SETPRIV" --reuid=$N --regid=$N --groups=$O
fcgi "$STATE/notice.sock" GET /notice >"$STATE/notice.out" 2>&1
if grep -q '<h1' "$STATE/notice.out" && ! grep -q '^Status: 5' "$STATE/notice.out"; then
	ok notice_answers
else
	bad notice_answers "$(head -c 300 "$STATE/notice.out"; cat "$STATE/notice.log")"
fi
# 3. and reads no secret
read_by() {	# WRAPPER... -- FILE: the files the wrapper's user could read
	local f
	for f in secret.key totp.key erasure.key; do
		"$@" cat "$DATA/keys/$f" >/dev/null 2>&1 && printf '%s ' "$f"
	done
}
got=$(read_by as_notice)
[ -z "$got" ] && ok notice_reads_no_secret || bad notice_reads_no_secret "it read $got"

# 4. the intranet as its own user signs someone in: a session written
start intranet "$SETPRIV" --reuid=$I --regid=$I --groups=$O
printf 'username=erillinen&password=Erillinen-Salasana-2026' >"$STATE/login.body"
fcgi "$STATE/intranet.sock" POST /intranet/login "$STATE/login.body" >"$STATE/login.out" 2>&1
sessions=$(as_owner sqlite3 "$DATA/db/rekisteri.db" "SELECT count(*) FROM sessions" 2>&1)
if [ "$(status "$STATE/login.out")" = "Status: 303" ] &&
    grep -q '^Set-Cookie: rekisteri_session=' "$STATE/login.out" && [ "$sessions" = 1 ]; then
	ok intranet_signs_in
else
	bad intranet_signs_in "sessions $sessions: $(head -c 300 "$STATE/login.out"; cat "$STATE/intranet.log")"
fi
# 5. the intranet reads its two keys, not the signing key
got=$(read_by as_intranet)
[ "$got" = "totp.key erasure.key " ] && ok intranet_reads_its_keys_only ||
    bad intranet_reads_its_keys_only "it read \"$got\""

# 6. without its own group the intranet refuses to start, naming totp.key
out=$(setpriv --reuid=$I --regid=$N --groups=$O timeout 10 \
    "$ROOT/$BUILD/cgi-bin/intranet" -c "$STATE/rekisteri.conf" </dev/null 2>&1); rc=$?
if [ $rc != 0 ] && [ $rc != 124 ] && echo "$out" | grep -q 'totp.key'; then
	ok intranet_without_its_group_refused
else
	bad intranet_without_its_group_refused "rc $rc: $out"
fi

# 7. the request form as the owner signs a ticket
start request "$SETPRIV" --reuid=$O --regid=$O --clear-groups
fcgi "$STATE/request.sock" GET /request >"$STATE/form.out" 2>&1
tok=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$STATE/form.out" | head -1)
printf 'form_token=%s&type=access&name=Erillinen+Kayttaja&email=erillinen%%40example.fi' \
    "$tok" >"$STATE/form.body"
fcgi "$STATE/request.sock" POST /request "$STATE/form.body" >"$STATE/post.out" 2>&1
tickets=$(as_owner sqlite3 "$DATA/db/rekisteri.db" "SELECT count(*) FROM requests" 2>&1)
if [ -n "$tok" ] && [ "$(status "$STATE/post.out")" = "Status: 303" ] && [ "$tickets" = 1 ]; then
	ok request_signs_a_ticket
else
	bad request_signs_a_ticket "token '$tok', tickets $tickets: $(head -c 300 "$STATE/post.out"; cat "$STATE/request.log")"
fi
end
