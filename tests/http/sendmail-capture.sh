#!/bin/sh
# sendmail-capture.sh — sendmail for the HTTP tests: appends its arguments
# and the message on standard input to $REKISTERI_MAIL_CAPTURE, each
# message ending in a line ".END.". Exits 0 like a sendmail that queued it.
out=${REKISTERI_MAIL_CAPTURE:?REKISTERI_MAIL_CAPTURE is not set}
{
	printf 'ARGS:'
	for a in "$@"; do printf ' [%s]' "$a"; done
	printf '\n'
	cat
	printf '\n.END.\n'
} >>"$out"
