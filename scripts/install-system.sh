#!/bin/sh
# install-system.sh — `make install-system`: what a server adds to
# `make install` (docs/deployment.md), with this installation's paths:
#   UNITDIR      the systemd units of conf/systemd/ (and their drop-ins)
#   SYSUSERSDIR  rekisteri.sysusers as rekisteri.conf (the system user)
#   TMPFILESDIR  rekisteri.tmpfiles as rekisteri.conf (the 0700 folders)
#   SYSCONFDIR/rekisteri/apache  rekisteri-site.conf filled in, the example vhost
#   SYSCONFDIR/rekisteri/nginx   rekisteri-site.conf filled in, the log format,
#                the intranet's address list, the example site
#   SYSCONFDIR/logrotate.d/rekisteri  the web servers' logs of the site, 14 days
#   SYSCONFDIR/rekisteri/rekisteri.conf  the config with the system's paths
#                (written only when there is none: it is the site's own)
# Needs DESTDIR (may be empty), BINDIR, LIBEXECDIR, DATADIR, SYSCONFDIR,
# UNITDIR, SYSUSERSDIR, TMPFILESDIR. The state lives in /var/lib/rekisteri
# and the sockets in /run/rekisteri whatever the prefix.
set -eu
: "${DESTDIR=}"
etc=$SYSCONFDIR/rekisteri
static=$DATADIR/templates/static

# paths as the units and examples spell them (the Debian package's) → ours
paths() {
	sed -e "s|/usr/lib/rekisteri/|$LIBEXECDIR/|g" \
	    -e "s|/usr/bin/rekisteri|$BINDIR/rekisteri|g" \
	    -e "s|/etc/rekisteri/|$etc/|g" "$@"
}
# fill in a web server's template
fill() {
	sed -e "s|@STATIC@|$static|g" -e "s|@SOCK@|/run/rekisteri|g" \
	    -e "s|@CONF@|$etc/nginx|g" "$1"
}

install -d "$DESTDIR$UNITDIR" "$DESTDIR$SYSUSERSDIR" "$DESTDIR$TMPFILESDIR" \
    "$DESTDIR$etc/apache" "$DESTDIR$etc/nginx"
for f in conf/systemd/*.service conf/systemd/*.socket conf/systemd/*.timer \
    conf/systemd/*.target conf/systemd/*.d/*.conf; do
	[ -f "$f" ] || continue
	rel=${f#conf/systemd/}
	install -d "$DESTDIR$UNITDIR/$(dirname "$rel")"
	paths "$f" >"$DESTDIR$UNITDIR/$rel"
	chmod 0644 "$DESTDIR$UNITDIR/$rel"
done
install -m 0644 conf/systemd/rekisteri.sysusers "$DESTDIR$SYSUSERSDIR/rekisteri.conf"
install -m 0644 conf/systemd/rekisteri.tmpfiles "$DESTDIR$TMPFILESDIR/rekisteri.conf"
install -d "$DESTDIR$SYSCONFDIR/logrotate.d"
install -m 0644 conf/logrotate.d/rekisteri "$DESTDIR$SYSCONFDIR/logrotate.d/rekisteri"

fill conf/apache/rekisteri-site.conf.in >"$DESTDIR$etc/apache/rekisteri-site.conf"
paths conf/apache/rekisteri-vhost.conf >"$DESTDIR$etc/apache/rekisteri-vhost.conf"
fill conf/nginx/rekisteri-site.conf.in >"$DESTDIR$etc/nginx/rekisteri-site.conf"
paths conf/nginx/rekisteri.conf >"$DESTDIR$etc/nginx/rekisteri.conf"
install -m 0644 conf/nginx/rekisteri-log.conf conf/nginx/rekisteri-intranet-allow.conf \
    "$DESTDIR$etc/nginx/"
chmod 0644 "$DESTDIR$etc"/apache/* "$DESTDIR$etc"/nginx/*

if [ ! -e "$DESTDIR$etc/rekisteri.conf" ]; then
	sed -e "s|^path = .*|path = /var/lib/rekisteri/db/rekisteri.db|" \
	    -e "s|^base_url = .*|base_url = https://rekisteri.example.fi|" \
	    -e "s|^templates = .*|templates = $DATADIR/templates|" \
	    -e "s|^i18n = .*|i18n = $DATADIR/i18n|" \
	    -e "s|^sql = .*|sql = $DATADIR/sql|" \
	    -e "s|^data = .*|data = $DATADIR/data|" \
	    -e "s|^dir = .*|dir = /var/lib/rekisteri/keys|" \
	    conf/rekisteri.conf.sample >"$DESTDIR$etc/rekisteri.conf"
	chmod 0644 "$DESTDIR$etc/rekisteri.conf"
fi
