#!/bin/sh
# deps.sh — install the Debian packages Rekisteri needs to build, run and test.
#
# Usage: scripts/deps.sh [build|run|test|package]   (default: test; package:
# what `make deb` and `make package-check` need)
# As root, installs what is missing with apt-get. Otherwise prints the exact
# apt-get line and exits 1. Exits 0 when everything is already there.
set -eu

build="gcc make pkg-config libfcgi-dev libsqlite3-dev libxml2-dev libsodium-dev libinih-dev liboath-dev libqrencode-dev libcsv-dev libseccomp-dev libcmark-dev"
run="$build apache2 spawn-fcgi sqlite3"
# valgrind, spawn-fcgi and libfcgi-bin (cgi-fcgi) are also what make bench-check needs;
# nginx: the HTTP tests run behind it too; systemd: make lint verifies the units;
# python3-jsonschema: test_access_report validates the portability file.
# logrotate: test_deploy reads conf/logrotate.d; mandoc: make lint checks the man pages.
test="$run nginx systemd libcmocka-dev libcurl4-openssl-dev libxml2-utils curl valgrind cppcheck clang-tidy clang libclang-rt-14-dev libfcgi-bin wrk chromium fonts-dejavu-core poppler-utils openssl python3-jsonschema logrotate mandoc"

package="$build debhelper dpkg-dev lintian debootstrap"

case "${1:-test}" in
build) want=$build ;;
package) want=$package ;;
run) want=$run ;;
test) want=$test ;;
*) echo "usage: $0 [build|run|test|package]" >&2; exit 2 ;;
esac
# `SERVER=nginx make run` serves through nginx (the tests use both)
if [ "${SERVER:-apache}" = nginx ] && [ "${1:-test}" = run ]; then
	want="$want nginx"
fi

# The browser tests (tests/browser) need Node.js 20 or later and npm: the
# machine's own when it has one, else Debian's.
if [ "${1:-test}" = test ] && ! command -v node >/dev/null 2>&1; then
	want="$want nodejs npm"
fi

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "Rekisteri needs these Debian packages:$missing" >&2
	echo "Install them as root with:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
