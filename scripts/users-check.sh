#!/bin/sh
# users-check.sh ROOT — the system users and the folders Rekisteri's
# package makes (conf/systemd/rekisteri.sysusers, rekisteri.tmpfiles), made
# in the throw-away root ROOT as the postinst makes them and checked
# (docs/deployment.md "Separate users"): three system users without a
# shell, the intranet and the notice in the group rekisteri; the database's
# folder 2770 and the keys' 0750, the user rekisteri's; then, with stand-ins
# for what `rekisteri init` and `keygen` make (0600, as they make them) and
# for the intranet's -wal and -shm, tmpfiles run again: the database 0660
# for the group, totp.key and erasure.key 0640 for the intranet's group,
# secret.key and the intranet's files untouched.
# ROOT must hold usr/lib/sysusers.d/rekisteri.conf and
# usr/lib/tmpfiles.d/rekisteri.conf. Used by units-check.sh and deb.sh.
# Prints one line per problem; exits 1 on any.
set -eu
root=$1
[ -n "$root" ] && [ "$root" != / ] || { echo "users-check: ROOT must be a throw-away folder" >&2; exit 2; }
rc=0
fail() { echo "users-check: $*" >&2; rc=1; }

mkdir -p "$root/etc" "$root/var/lib"
for f in passwd group shadow gshadow; do : >"$root/etc/$f"; done
tmpfiles() {
	systemd-tmpfiles --root="$root" --create rekisteri.conf >/dev/null ||
	    fail "systemd-tmpfiles failed"
}
systemd-sysusers --root="$root" rekisteri.conf >/dev/null 2>&1 ||
    fail "systemd-sysusers failed"
tmpfiles

id_of() { awk -F: -v n="$1" '$1 == n { print $3 }' "$root/etc/$2"; }
for u in rekisteri rekisteri-intranet rekisteri-notice; do
	uid=$(id_of "$u" passwd)
	shell=$(awk -F: -v n="$u" '$1 == n { print $7 }' "$root/etc/passwd")
	if [ -z "$uid" ] || [ "$uid" -ge 1000 ] || [ "$shell" != /usr/sbin/nologin ]; then
		fail "$u is not a system user without a shell"
	fi
done
members=$(awk -F: '$1 == "rekisteri" { print $4 }' "$root/etc/group")
[ "$members" = rekisteri-intranet,rekisteri-notice ] ||
    fail "the group rekisteri's members are \"$members\", not the intranet and the notice"
g=$(id_of rekisteri group)
gi=$(id_of rekisteri-intranet group)
want() {	# path, "mode uid gid"
	got=$(stat -c '%a %u %g' "$root$1" 2>/dev/null || echo missing)
	[ "$got" = "$2" ] || fail "$1 is \"$got\", not \"$2\""
}
uid=$(id_of rekisteri passwd)
want /var/lib/rekisteri "750 $uid $g"
want /var/lib/rekisteri/db "2770 $uid $g"
want /var/lib/rekisteri/keys "750 $uid $g"
want /var/log/rekisteri "750 0 0"

# what `rekisteri init` and `keygen` make, as they make it, and SQLite's
# files of an intranet that has the database open (its user's, the group's:
# tmpfiles must leave them be, not fail on them), then tmpfiles again
made() {	# path, mode, owner
	: >"$root/var/lib/rekisteri/$1"
	chmod "$2" "$root/var/lib/rekisteri/$1"
	chown "$3:$g" "$root/var/lib/rekisteri/$1"
}
for f in db/rekisteri.db keys/totp.key keys/erasure.key keys/secret.key; do
	made "$f" 0600 "$uid"
done
made db/erasure-ledger 0660 "$uid"
ui=$(id_of rekisteri-intranet passwd)
made db/rekisteri.db-wal 0660 "$ui"
made db/rekisteri.db-shm 0660 "$ui"
tmpfiles
want /var/lib/rekisteri/db/rekisteri.db "660 $uid $g"
want /var/lib/rekisteri/db/erasure-ledger "660 $uid $g"
want /var/lib/rekisteri/db/rekisteri.db-wal "660 $ui $g"
want /var/lib/rekisteri/db/rekisteri.db-shm "660 $ui $g"
want /var/lib/rekisteri/keys/totp.key "640 $uid $gi"
want /var/lib/rekisteri/keys/erasure.key "640 $uid $gi"
want /var/lib/rekisteri/keys/secret.key "600 $uid $g"
exit $rc
