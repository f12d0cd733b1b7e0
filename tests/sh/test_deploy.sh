#!/bin/sh
# test_deploy.sh — an installation as a server gets it (issue #15):
# `make install-system` into a throw-away DESTDIR, for the Debian package's
# paths and for PREFIX=/usr/local; the units name the installed
# executables; the web servers' site files are filled in; the production
# examples (conf/nginx/rekisteri.conf, conf/apache/rekisteri-vhost.conf)
# pass `nginx -t` and `apache2 -t` as installed, with a self-signed
# certificate; the systemd units pass scripts/units-check.sh. Nothing is
# started and nothing outside the throw-away folder is written.
#
# Run by `make test` (tests/run-all.sh); prints cmocka-style lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
# a make of our own, not a job of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL
. tests/sh/check.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rekisteri-deploy.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "[==========] Running 7 test(s)."

# install PREFIX DIR [VAR=VALUE...]: make install-system into DIR
install_into() {
	prefix=$1 dir=$2
	shift 2
	make --no-print-directory install-system BUILD="$BUILD" SAN="${SAN:-}" PREFIX="$prefix" \
	    DESTDIR="$dir" "$@" >"$tmp/install.log" 2>&1
}

# 1. the package's paths
d=$tmp/pkg
why=
install_into /usr "$d" LIBEXECDIR=/usr/lib/rekisteri UNITDIR=/lib/systemd/system ||
    why="make install-system failed: $(tail -n 3 "$tmp/install.log")"
for f in usr/lib/rekisteri/notice usr/lib/rekisteri/request usr/lib/rekisteri/intranet \
    usr/bin/rekisteri lib/systemd/system/rekisteri@.service \
    lib/systemd/system/rekisteri@.socket lib/systemd/system/rekisteri.target \
    lib/systemd/system/rekisteri@notice.service.d/least-privilege.conf \
    usr/lib/sysusers.d/rekisteri.conf usr/lib/tmpfiles.d/rekisteri.conf \
    etc/rekisteri/rekisteri.conf etc/rekisteri/nginx/rekisteri-site.conf \
    etc/rekisteri/apache/rekisteri-site.conf etc/logrotate.d/rekisteri; do
	[ -f "$d/$f" ] || why="$why $f missing;"
done
grep -qx 'ExecStart=/usr/lib/rekisteri/%i -c /etc/rekisteri/rekisteri.conf -w 2' \
    "$d/lib/systemd/system/rekisteri@.service" 2>/dev/null || why="$why ExecStart;"
# the intranet's four workers: the command emptied, then set again
w=$(grep '^ExecStart=' "$d/lib/systemd/system/rekisteri@intranet.service.d/workers.conf" 2>/dev/null)
[ "$w" = "ExecStart=
ExecStart=/usr/lib/rekisteri/%i -c /etc/rekisteri/rekisteri.conf -w 4" ] ||
    why="$why the intranet's workers;"
grep -q '@' "$d/etc/rekisteri/nginx/rekisteri-site.conf" "$d/etc/rekisteri/apache/rekisteri-site.conf" &&
    why="$why a @NAME@ left in a site file;"
grep -qx 'path = /var/lib/rekisteri/db/rekisteri.db' "$d/etc/rekisteri/rekisteri.conf" ||
    why="$why the config's database path;"
check "install-system with the package's paths" "$([ -z "$why" ]; echo $?)" "$why"

# 2. PREFIX=/usr/local: the units follow; a config already there is kept
d=$tmp/local
why=
mkdir -p "$d/etc/rekisteri"
echo "# the site's own" >"$d/etc/rekisteri/rekisteri.conf"
install_into /usr/local "$d" || why="make install-system failed"
grep -qx 'ExecStart=/usr/local/lib/rekisteri/%i -c /etc/rekisteri/rekisteri.conf -w 2' \
    "$d/usr/local/lib/systemd/system/rekisteri@.service" 2>/dev/null ||
    why="$why the unit does not name /usr/local/lib/rekisteri;"
grep -q 'alias /usr/local/share/rekisteri/templates/static/;' \
    "$d/etc/rekisteri/nginx/rekisteri-site.conf" || why="$why nginx's static folder;"
[ "$(cat "$d/etc/rekisteri/rekisteri.conf")" = "# the site's own" ] ||
    why="$why an existing rekisteri.conf was overwritten;"
check "install-system under /usr/local keeps the site's config" "$([ -z "$why" ]; echo $?)" "$why"

# a self-signed certificate for the examples' TLS
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=rekisteri.example.fi \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
mkdir -p "$tmp/log" "$tmp/nginx-tmp"
# the installed files with /etc/rekisteri, the certificate and the logs here
e=$tmp/pkg/etc/rekisteri
for f in "$e"/nginx/* "$e"/apache/*; do
	sed -i -e "s|/etc/rekisteri/|$e/|g" -e "s|/etc/ssl/certs/rekisteri.pem|$tmp/cert.pem|" \
	    -e "s|/etc/ssl/private/rekisteri.key|$tmp/key.pem|" \
	    -e "s|/var/log/rekisteri/|$tmp/log/|" "$f"
done

# 3. nginx -t on the example site as installed
cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/log/error.log;
events { }
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $tmp/nginx-tmp;
	fastcgi_temp_path $tmp/nginx-tmp;
	proxy_temp_path $tmp/nginx-tmp;
	uwsgi_temp_path $tmp/nginx-tmp;
	scgi_temp_path $tmp/nginx-tmp;
	include $e/nginx/rekisteri.conf;
}
CONF
out=$(/usr/sbin/nginx -t -e "$tmp/log/error.log" -c "$tmp/nginx.conf" 2>&1)
check "nginx -t accepts the production site" $? "$out"

# 4. apache2 -t on the example virtual host as installed
m=/usr/lib/apache2/modules
{
	echo "ServerRoot /etc/apache2"
	echo "PidFile $tmp/httpd.pid"
	echo "ErrorLog $tmp/log/apache-error.log"
	echo "Define APACHE_LOG_DIR $tmp/log"
	for mod in mpm_event authz_core authz_host mime alias headers proxy proxy_fcgi \
	    rewrite reqtimeout buffer env setenvif ssl socache_shmcb; do
		echo "LoadModule ${mod}_module $m/mod_$mod.so"
	done
	echo "Listen 127.0.0.1:1"
	echo "Include $e/apache/rekisteri-vhost.conf"
} >"$tmp/httpd.conf"
out=$(/usr/sbin/apache2 -t -f "$tmp/httpd.conf" 2>&1)
check "apache2 -t accepts the production virtual host" $? "$out"

# 6. the commented connection reuse of both examples, turned on as
# docs/deployment.md says, still passes both servers' -t
sed -i -e 's/^#\(upstream rekisteri_notice\|\tserver unix:\|\tkeepalive\|}\)/\1/' \
    "$e/nginx/rekisteri.conf"
sed -i -e 's|fastcgi_pass unix:.*/notice.sock;|fastcgi_pass rekisteri_notice; fastcgi_keep_conn on;|' \
    "$e/nginx/rekisteri-site.conf"
sed -i -e 's|^\t#\(</*Proxy\)|\t\1|' "$e/apache/rekisteri-vhost.conf"
out=$(grep -c '^upstream rekisteri_notice' "$e/nginx/rekisteri.conf"; grep -c 'fastcgi_keep_conn on' \
    "$e/nginx/rekisteri-site.conf"; grep -c '^.<Proxy "fcgi://rekisteri-.*enablereuse=on' \
    "$e/apache/rekisteri-vhost.conf")
[ "$(echo $out)" = "1 1 2" ] || out="reuse not turned on: $out"
{ [ "$(echo $out)" = "1 1 2" ] &&
    out=$(/usr/sbin/nginx -t -e "$tmp/log/error.log" -c "$tmp/nginx.conf" 2>&1) &&
    out=$(/usr/sbin/apache2 -t -f "$tmp/httpd.conf" 2>&1); }
check "nginx -t and apache2 -t accept connection reuse turned on" $? "$out"

# 7. the logs' rotation as installed: logrotate reads it (a dry run on a
# copy that names a folder here), 14 files kept, for the folder the
# examples write to, which tmpfiles makes
lr=$tmp/pkg/etc/logrotate.d/rekisteri
why=
grep -q 'access_log /var/log/rekisteri/' conf/nginx/rekisteri.conf &&
    grep -q 'CustomLog /var/log/rekisteri/' conf/apache/rekisteri-vhost.conf ||
    why="an example does not log in /var/log/rekisteri;"
grep -q '^d /var/log/rekisteri 0750 root root' conf/systemd/rekisteri.tmpfiles ||
    why="$why tmpfiles does not make /var/log/rekisteri;"
grep -qx '/var/log/rekisteri/\*.log {' "$lr" && grep -qx '	rotate 14' "$lr" &&
    grep -qx '	maxage 14' "$lr" || why="$why not /var/log/rekisteri/*.log kept 14 days;"
tr '\n' ' ' <docs/deployment.md | grep -q 'keeps them  *\*\*14 days\*\*' || why="$why docs/deployment.md does not say 14 days;"
if command -v logrotate >/dev/null 2>&1; then
	mkdir -p "$tmp/lr"
	echo '127.0.0.1 - - "GET /notice HTTP/1.1" 200' >"$tmp/lr/nginx-access.log"
	sed "s|/var/log/rekisteri/|$tmp/lr/|" "$lr" >"$tmp/lr.conf"
	out=$(logrotate -d -s "$tmp/lr.state" "$tmp/lr.conf" 2>&1) ||
	    why="$why logrotate -d failed: $out"
	case $out in
	*"rotating pattern: $tmp/lr/*.log"*"considering log $tmp/lr/nginx-access.log"*) ;;
	*) why="$why logrotate -d did not consider the log: $out" ;;
	esac
else
	why="$why logrotate is not installed (scripts/deps.sh test)"
fi
check "logrotate rotates the site's logs, 14 days (conf/logrotate.d/rekisteri)" \
    "$([ -z "$why" ]; echo $?)" "$why"

# 5. the systemd units, offline
out=$(sh scripts/units-check.sh 2>&1)
check "systemd units verified (scripts/units-check.sh)" $? "$out"

finish
