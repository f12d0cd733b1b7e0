#!/bin/sh
# deb.sh — `make deb`: the Debian package, built with the ecosystem's own
# tool (dpkg-buildpackage -us -uc -b, debian/) from a copy of the working
# tree in $BUILD/deb/, so the tree's own build folders are left alone.
# `deb.sh check` (make package-check) also runs lintian (no errors) and
# checks the package's files, modes and maintainer scripts, and makes the
# user and folders its postinst makes in a throw-away root.
# The .deb ends up in $BUILD/deb/.
set -eu
BUILD=${BUILD:-build}
out=$BUILD/deb
src=$out/rekisteri
rm -rf "$out"
mkdir -p "$src"
# the files git knows or would add (not build output, not node_modules)
git ls-files -co --exclude-standard -z | xargs -0 tar -cf - | tar -xf - -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; see $out/build.log" >&2
	exit 1
}
deb=$(ls "$out"/rekisteri_*.deb)
echo "deb: $deb"
[ "${1:-}" = check ] || exit 0

rc=0
fail() { echo "package-check: $*" >&2; rc=1; }

# lintian: no errors (warnings are printed)
if command -v lintian >/dev/null 2>&1; then
	lintian --tag-display-limit 0 "$deb" >"$out/lintian.log" 2>&1 || true
	cat "$out/lintian.log"
	grep -q '^E: ' "$out/lintian.log" && fail "lintian reports errors"
else
	fail "lintian is not installed (scripts/deps.sh package)"
fi

# the file list and modes
dpkg-deb -c "$deb" >"$out/contents.txt"
want() {	# want MODE PATH
	grep -q "^$1 root/root .* \\./${2#/}\$" "$out/contents.txt" ||
	    fail "$2 is not in the package as $1 root/root"
}
for exe in notice request intranet; do
	want -rwxr-xr-x /usr/lib/rekisteri/$exe
done
want -rwxr-xr-x /usr/bin/rekisteri
for f in rekisteri@.service rekisteri@.socket rekisteri.target \
    rekisteri@notice.service.d/least-privilege.conf \
    rekisteri@intranet.service.d/least-privilege.conf \
    rekisteri@intranet.service.d/workers.conf; do
	want -rw-r--r-- "/lib/systemd/system/$f"
done
want -rw-r--r-- /usr/lib/sysusers.d/rekisteri.conf
want -rw-r--r-- /usr/lib/tmpfiles.d/rekisteri.conf
want -rw-r--r-- /etc/logrotate.d/rekisteri
for f in rekisteri.conf apache/rekisteri-site.conf apache/rekisteri-vhost.conf \
    nginx/rekisteri-site.conf nginx/rekisteri-log.conf \
    nginx/rekisteri-intranet-allow.conf nginx/rekisteri.conf; do
	want -rw-r--r-- "/etc/rekisteri/$f"
done
want -rw-r--r-- /usr/share/rekisteri/templates/layout.xhtml
want -rw-r--r-- /usr/share/man/man1/rekisteri.1.gz
# nothing set-id, nothing writable by others, nothing under /var in the package
grep -E '^-..[sS]|^-.....[sS]|^-.......w' "$out/contents.txt" &&
    fail "a set-id or world-writable file"
grep -q ' \./var/' "$out/contents.txt" && fail "the package ships /var (tmpfiles makes it)"

# the maintainer scripts: conffiles in /etc, the postinst as described
x=$out/control
dpkg-deb -e "$deb" "$x"
grep -qx /etc/rekisteri/rekisteri.conf "$x/conffiles" || fail "rekisteri.conf is not a conffile"
grep -q 'systemd-sysusers' "$x/postinst" || fail "postinst makes no user"
grep -q 'runuser -u rekisteri -- /usr/bin/rekisteri -c "$conf" init' "$x/postinst" ||
    fail "postinst does not make the database as rekisteri"
grep -q 'rekisteri.target' "$x/postinst" || fail "postinst does not enable rekisteri.target"
# the modes for separate users applied to what init and keygen made
awk '/ keygen /{k=1} k && /systemd-tmpfiles --create rekisteri.conf/{t=1} END{exit !t}' \
    "$x/postinst" || fail "postinst does not run tmpfiles again after init and keygen"
grep -q '^Depends:.* systemd,' "$x/control" || fail "no dependency on systemd (systemd-sysusers in postinst)"

# unpacked in a throw-away root: the user and the folders as postinst makes them
root=$out/root
dpkg-deb -x "$deb" "$root"
sh scripts/users-check.sh "$root" || fail "the users or folders differ (above)"
# the installed config names the installed paths, and the CLI reads it
grep -qx 'path = /var/lib/rekisteri/db/rekisteri.db' "$root/etc/rekisteri/rekisteri.conf" ||
    fail "rekisteri.conf does not keep the database in /var/lib/rekisteri/db"
grep -qx 'templates = /usr/share/rekisteri/templates' "$root/etc/rekisteri/rekisteri.conf" ||
    fail "rekisteri.conf does not name the installed templates"
grep -q 'fastcgi_pass unix:/run/rekisteri/notice.sock;' "$root/etc/rekisteri/nginx/rekisteri-site.conf" ||
    fail "the nginx site does not reach /run/rekisteri"
grep -q 'proxy:unix:/run/rekisteri/notice.sock' "$root/etc/rekisteri/apache/rekisteri-site.conf" ||
    fail "the Apache site does not reach /run/rekisteri"
[ $rc -eq 0 ] && echo "package-check: $(wc -l <"$out/contents.txt") entries; lintian, files, modes, scripts, user and folders as expected"
exit $rc
