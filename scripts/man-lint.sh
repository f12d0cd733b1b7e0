#!/bin/sh
# man-lint.sh — `make man-lint` (part of `make lint`): every man page in man/
# through `mandoc -Tlint -W style`, and no finding. Two kinds of message
# depend on the machine, not on the page, and are left out: a referenced
# manual that is not installed here (our own pages before `make install`,
# spawn-fcgi(1) or systemd.socket(5) on a machine without them) and
# mandoc's note that its database is out of date.
set -u
if ! command -v mandoc >/dev/null 2>&1; then
	sh scripts/deps.sh test || exit 1
fi
pages=$(ls man/*.[0-9])
out=$(mandoc -Tlint -W style $pages 2>&1 |
    grep -v -e ': STYLE: referenced manual not found: ' -e 'outdated mandoc.db')
# mandoc itself must have read every page
for p in $pages; do
	mandoc -Tlint -W fatal "$p" >/dev/null 2>&1 || out="$out
$p: mandoc could not read it"
done
if [ -n "$out" ]; then
	echo "$out" >&2
	echo "man-lint: mandoc -Tlint found the above in man/" >&2
	exit 1
fi
echo "man-lint: $(echo $pages | wc -w) man pages, mandoc -Tlint clean"
