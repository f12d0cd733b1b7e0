#!/bin/sh
# units-check.sh — `make units-check` (part of `make lint`): every systemd
# unit in conf/systemd/ passes `systemd-analyze verify`, and every service
# `systemd-analyze security` rates at most THRESHOLD (default 2.0, "OK";
# rekisteri@.service is 0.2). Both run offline, on a throw-away root that
# holds the system's own units, the units here and the built executables
# where the package puts them (/usr/lib/rekisteri, /usr/bin/rekisteri):
# no systemd as PID 1 is needed. Needs BUILD (build).
set -eu
BUILD=${BUILD:-build}
THRESHOLD=${THRESHOLD:-2.0}
root=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-units.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
units=$root/usr/lib/systemd/system
mkdir -p "$units" "$root/usr/lib/rekisteri" "$root/usr/bin" "$root/etc/rekisteri"
cp -a /usr/lib/systemd/system/. "$units/"
for exe in "$BUILD"/cgi-bin/*; do
	[ -f "$exe" ] && [ -x "$exe" ] && cp "$exe" "$root/usr/lib/rekisteri/"
done
cp "$BUILD/rekisteri" "$root/usr/bin/rekisteri"
cp -R conf/systemd/. "$units/"

# the units to check: templates by one instance per executable
names=
for f in conf/systemd/*.service conf/systemd/*.socket conf/systemd/*.timer \
    conf/systemd/*.target; do
	[ -f "$f" ] || continue
	u=$(basename "$f")
	case $u in
	*@.*)
		for exe in notice request intranet; do
			names="$names ${u%@.*}@$exe.${u##*.}"
		done ;;
	*) names="$names $u" ;;
	esac
done
rc=0
# shellcheck disable=SC2086
out=$(cd "$units" && systemd-analyze verify --man=no --root="$root" $names 2>&1) || rc=1
if [ -n "$out" ]; then
	echo "$out"
	rc=1
fi
# never root: every service names its user, and it is not root
for f in conf/systemd/*.service; do
	[ -f "$f" ] || continue
	user=$(sed -n 's/^User=//p' "$f" | tail -n 1)
	case $user in
	'' | root | 0)
		echo "units-check: $f: no User= (it would run as root)" >&2
		rc=1 ;;
	esac
done
for u in $names; do
	case $u in *.service) ;; *) continue ;; esac
	level=$(cd "$units" && systemd-analyze security --offline=yes \
	    --root="$root" --no-pager "$u" 2>&1 |
	    sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	if [ -z "$level" ]; then
		echo "units-check: $u: no security rating" >&2
		rc=1
	elif awk -v l="$level" -v t="$THRESHOLD" 'BEGIN { exit !(l > t) }'; then
		echo "units-check: $u: exposure $level, above $THRESHOLD" >&2
		rc=1
	else
		echo "units-check: $u: exposure $level"
	fi
done
# the users and the private folders, made in the throw-away root as the
# package's postinst makes them (scripts/users-check.sh)
if [ -f conf/systemd/rekisteri.sysusers ]; then
	mkdir -p "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d"
	cp conf/systemd/rekisteri.sysusers "$root/usr/lib/sysusers.d/rekisteri.conf"
	cp conf/systemd/rekisteri.tmpfiles "$root/usr/lib/tmpfiles.d/rekisteri.conf"
	sh scripts/users-check.sh "$root" || rc=1
fi
[ $rc -eq 0 ] && echo "units-check: $(echo $names | wc -w) units verified;" \
    "users rekisteri, rekisteri-intranet, rekisteri-notice and their folders made"
exit $rc
