#!/bin/bash
# debian12.sh — `make deploy-check`: README's "Deploy on Debian 12", every
# block of it, on a fresh Debian 12 (#15). A minimal bookworm is made with
# debootstrap in a throw-away root; the README's blocks are taken from the
# README itself, in order, and run:
# 1. `make deb` here; the package and nginx installed in the root with
#    apt-get (the network: Debian's mirror), services kept from starting
#    (policy-rc.d, as in any chroot); the test's own tools too (spawn-fcgi,
#    curl, openssl, and apache2 for the second run);
# 2. the rest in a network namespace and a PID namespace of their own
#    (only a loopback, so ports 80 and 443 are the namespace's; every
#    process ends with it), chrooted: the configuration, the notice, the
#    administrator, `rekisteri check`, the certificate, the nginx site and
#    the page asked for over https; then nginx stopped and the Apache site
#    and the same page.
# Stand-ins, for what a chroot has not: `editor` sets base_url to the https
# address; `systemctl` (no systemd as PID 1) starts the three executables
# as their units would, with each unit's User=, Group= and
# SupplementaryGroups= read from the installed units and drop-ins, on the
# sockets their .socket unit names, and starts nginx or Apache for
# "reload"; rekisteri.example.fi is 127.0.0.1 and curl trusts the
# self-signed certificate (CURL_CA_BUNDLE). Beyond the blocks it checks
# that each executable runs as its own user, that http redirects to https
# and that the intranet's sign-in page answers the machine itself.
#
# Needs root and Debian's mirror. Takes 2–4 minutes; not part of
# `make test` (CI runs it, .ci/run). Ends with cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
README=README.md
passed=0 failed=0
ok() { echo "[       OK ] $1"; passed=$((passed + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; failed=$((failed + 1)); }
end() {
	echo "[==========] $((passed + failed)) test(s) run."
	echo "[  PASSED  ] $passed test(s)."
	[ $failed = 0 ] || { echo "[  FAILED  ] $failed test(s)"; exit 1; }
	exit 0
}
[ "$(id -u)" -eq 0 ] || { echo "deploy-check: needs root (debootstrap, chroot)" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-deploy.XXXXXX")
chmod 0755 "$root"	# the root's /: mktemp makes it 0700, no user could enter
log=$BUILD/deploy-check.log
mkdir -p "$BUILD"
: >"$log"
cleanup() {
	umount "$root/proc" 2>/dev/null
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 1' INT TERM	# through EXIT: cleaned up once, and stopped

# The README's blocks of the section, one file each: $root/steps/N.sh
mkdir -p "$root/steps"
awk -v dir="$root/steps" '
	/^## / { in_s = ($0 == "## Deploy on Debian 12") }
	in_s && /^```sh$/ { n++; f = dir "/" n ".sh"; printf "" >f; inb = 1; next }
	inb && /^```$/ { inb = 0; close(f); next }
	inb { print >>f }
' "$README"
blocks=$(ls "$root/steps" | wc -l)
echo "[==========] Running 6 test(s)."
if [ "$blocks" -ne 6 ]; then
	bad readme_blocks "the section has $blocks sh blocks, not 6 (the test knows 6)"
	end
fi
# block 1: make deb here, the rest in the root
grep '^make ' "$root/steps/1.sh" >"$root/steps/1-here.sh"
grep -v '^make ' "$root/steps/1.sh" >"$root/steps/1-root.sh"

echo "== make deb" >>"$log"
if ! bash -e "$root/steps/1-here.sh" >>"$log" 2>&1; then
	bad make_deb "$(tail -n 20 "$log")"
	end
fi
ok make_deb

echo "== debootstrap" >>"$log"
apt-get install -y -q debootstrap >>"$log" 2>&1
if ! debootstrap --variant=minbase bookworm "$root" "$MIRROR" >>"$log" 2>&1; then
	bad debootstrap "$(tail -n 20 "$log")"
	end
fi
# services installed are not started (a chroot's usual policy)
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/root/tree/build/deb"
cp "$BUILD"/deb/rekisteri_*.deb "$root/root/tree/build/deb/"

echo "== install" >>"$log"
mount -t proc proc "$root/proc"
{
	echo 'set -ex'
	echo 'export DEBIAN_FRONTEND=noninteractive'
	echo 'apt-get update -q'
	echo 'cd /root/tree'
	cat "$root/steps/1-root.sh"
	echo 'apt-get install -y -q spawn-fcgi curl openssl apache2'
} >"$root/steps/install.sh"
chroot "$root" /bin/bash "/steps/install.sh" >>"$log" 2>&1; rc=$?
umount "$root/proc"
if [ $rc -ne 0 ]; then
	bad package_installs "$(tail -n 30 "$log")"
	end
fi
ok package_installs

# The stand-ins, in /usr/local/sbin (before /usr/bin in root's PATH).
cat >"$root/usr/local/sbin/systemctl" <<'EOF'
#!/bin/bash
# systemctl stand-in (tests/deploy/debian12.sh): no systemd as PID 1 here.
set -eu
units=/lib/systemd/system
# unit_value NAME KEY: the last KEY= of rekisteri@NAME.service and its drop-ins
unit_value() {
	cat "$units/rekisteri@.service" "$units/rekisteri@$1.service.d/"*.conf \
	    2>/dev/null | sed -n "s/^$2=//p" | tail -n 1
}
case "$*" in
"enable --now rekisteri.target")
	sock=$(sed -n 's/^ListenStream=//p' "$units/rekisteri@.socket")
	suser=$(sed -n 's/^SocketUser=//p' "$units/rekisteri@.socket")
	sgroup=$(sed -n 's/^SocketGroup=//p' "$units/rekisteri@.socket")
	smode=$(sed -n 's/^SocketMode=//p' "$units/rekisteri@.socket")
	for n in notice request intranet; do
		s=${sock//%i/$n}
		mkdir -p "$(dirname "$s")"
		user=$(unit_value "$n" User) group=$(unit_value "$n" Group)
		supp=$(unit_value "$n" SupplementaryGroups)
		groups=--clear-groups
		[ -n "$supp" ] && groups=--groups=$(getent group "$supp" | cut -d: -f3)
		read -r -a exe <<<"$(unit_value "$n" ExecStart)"
		exe=("${exe[@]//%i/$n}")
		spawn-fcgi -s "$s" -U "$suser" -G "$sgroup" -M "$smode" -- \
		    /usr/bin/setpriv --reuid="$user" --regid="$group" "$groups" \
		    --inh-caps=-all "${exe[@]}" >/dev/null
	done ;;
"reload nginx") nginx ;;
"reload apache2") apachectl start ;;
*) echo "systemctl stand-in: '$*' is not one the README uses" >&2; exit 1 ;;
esac
EOF
chmod 0755 "$root/usr/local/sbin/systemctl"
echo '127.0.0.1 rekisteri.example.fi' >>"$root/etc/hosts"

{
	echo 'set -ex'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export CURL_CA_BUNDLE=/etc/ssl/certs/rekisteri.pem'
	echo 'editor() { sed -i "s|^base_url = .*|base_url = https://rekisteri.example.fi|" "$1"; }'
	echo 'echo "== configure"'
	cat "$root/steps/2.sh"
	echo 'echo "== users"'
	# each executable's processes by user (no ps in a minimal root)
	echo 'for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null) || continue; case $c in notice|request|intranet) u=$(awk "/^Uid:/ { print \$2 }" $p/status); echo "$(getent passwd $u | cut -d: -f1) $c" ;; esac; done | LC_ALL=C sort -u'
	echo 'echo "== certificate"'
	cat "$root/steps/3.sh"
	echo 'echo "== nginx"'
	cat "$root/steps/4.sh"
	echo 'echo "== page nginx"'
	cat "$root/steps/6.sh"
	echo 'curl -sS -o /dev/null -w "redirect %{http_code} %{redirect_url}\n" http://rekisteri.example.fi/notice'
	echo 'curl -sS -o /dev/null -w "intranet %{http_code}\n" https://rekisteri.example.fi/intranet/login'
	echo 'nginx -s stop; sleep 1'
	echo 'echo "== apache"'
	cat "$root/steps/5.sh"
	echo 'echo "== page apache"'
	cat "$root/steps/6.sh"
	echo 'curl -sS -o /dev/null -w "intranet %{http_code}\n" https://rekisteri.example.fi/intranet/login'
	echo 'echo "== done"'
} >"$root/steps/site.sh"
# A namespace of its own: only a loopback, and every process it started
# ends with it.
unshare --net --pid --fork --mount-proc="$root/proc" \
    sh -c "ip link set lo up && chroot '$root' /bin/bash /steps/site.sh" \
    >"$root/site.out" 2>&1; rc=$?
cat "$root/site.out" >>"$log"
out=$root/site.out
section() { sed -n "/^== $1\$/,/^== /p" "$out"; }

# set -e: a step that failed ends the script, so the next section is missing
if grep -q '^== users$' "$out"; then
	ok configure_and_check
else
	bad configure_and_check "$(section configure | tail -n 20)"
fi
users=$(section users | grep -v '^[=+]' | tr '\n' ';')
if [ "$users" = "rekisteri request;rekisteri-intranet intranet;rekisteri-notice notice;" ]; then
	ok each_executable_its_user
else
	bad each_executable_its_user "ps says: $users"
fi
# page SERVER: the notice's sections counted; nginx: http redirected, the
# intranet open to the machine itself (its example allows loopback);
# Apache: the intranet refused (its example allows 192.0.2.0/24 only)
page() {
	local s
	s=$(section "page $1")
	n=$(echo "$s" | grep -x '[0-9][0-9]*' | head -n 1)
	[ -n "$n" ] && [ "$n" -ge 10 ] || return 1
	if [ "$1" = nginx ]; then
		echo "$s" | grep -q '^intranet 200$' &&
		    echo "$s" | grep -q '^redirect 301 https://rekisteri.example.fi/notice$'
	else
		echo "$s" | grep -q '^intranet 403$'
	fi
}
if page nginx; then
	ok site_on_nginx
else
	bad site_on_nginx "$(section nginx | tail -n 15; section 'page nginx')"
fi
if [ $rc -eq 0 ] && page apache && grep -q '^== done$' "$out"; then
	ok site_on_apache
else
	bad site_on_apache "rc $rc: $(tail -n 25 "$out")"
fi
end
