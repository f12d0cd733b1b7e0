# server.sh — start and stop Rekisteri's FastCGI processes and a private
# web server, for `make run` (scripts/run.sh) and the HTTP tests
# (tests/http/harness.sh). Sourced, not run. Needs: BUILD, STATE, PORT.
# SERVER=apache (the default) or SERVER=nginx picks the web server; both
# serve the same URLs from conf/apache/ or conf/nginx/.
#
# Everything lives under $STATE: the config, the database, keys, sockets,
# pid files and logs. Nothing system-wide is touched.

ROOT=${ROOT:-$(pwd)}
WORKERS=${WORKERS:-2}
# As root, the executables run as this user (a system user made when missing).
FCGI_USER=${FCGI_USER:-rekisteri}
SERVER=${SERVER:-apache}
WEB_PID=

# server_port_free PORT: true when nothing listens on 127.0.0.1:PORT.
server_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# server_pick_port [NOT]: print a free loopback port other than NOT, below
# the kernel's ephemeral range (ip_local_port_range, 32768 by default).
# Outgoing connections take their local ports from that range, and one of
# them may hold a port nothing listens on: the check above then says free,
# and the web server's bind fails with "Address already in use" (seen in
# CI, test-faults after make test's thousands of connections).
server_pick_port() {
	local lo=32768 p
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	[ "$lo" -gt 12000 ] || lo=65536	# no room below it: any port
	for _ in $(seq 1 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		[ "$p" -lt 65536 ] || continue
		[ "$p" != "${1:-}" ] && server_port_free "$p" && { echo "$p"; return 0; }
	done
	return 1
}

# server_config: the state's folders, and $STATE/rekisteri.conf unless it
# exists. The database lives in db/ and the keys in keys/, folders only
# their owner may enter; the logs in log/, likewise (#18). $STATE itself
# may be passed through (Apache reaches run/), not listed. An existing
# config's base_url follows PORT on every start: the intranet refuses a
# sign-in whose Origin is not base_url, and mail links use it. A base_url
# that is not this machine's loopback address was set by hand and is left
# alone.
server_config() {
	mkdir -p "$STATE/run" "$STATE/apache" "$STATE/nginx"
	mkdir -p -m 0700 "$STATE/keys" "$STATE/db" "$STATE/log"
	chmod 0711 "$STATE"
	chmod 0755 "$STATE/run"
	chmod 0700 "$STATE/keys" "$STATE/db" "$STATE/log"
	# A state from before kept its database beside the config: into db/.
	if [ -f "$STATE/rekisteri.db" ] && [ ! -L "$STATE/rekisteri.db" ]; then
		for f in "$STATE"/rekisteri.db "$STATE"/rekisteri.db[-.]*; do
			[ -e "$f" ] && mv "$f" "$STATE/db/"
		done
		chmod go-rwx "$STATE"/db/rekisteri.db*
		[ -f "$STATE/rekisteri.conf" ] && sed -i \
		    "s|^path = $STATE/rekisteri.db\$|path = $STATE/db/rekisteri.db|" \
		    "$STATE/rekisteri.conf"
	fi
	# the old name still leads to it, for scripts and tests
	ln -sfn db/rekisteri.db "$STATE/rekisteri.db"
	if [ -f "$STATE/rekisteri.conf" ]; then
		sed -i -E "s#^base_url = http://(127\.0\.0\.1|localhost):[0-9]+\$#base_url = http://127.0.0.1:$PORT#" \
		    "$STATE/rekisteri.conf" || return 1
		grep -q "^base_url = http://127.0.0.1:$PORT\$" "$STATE/rekisteri.conf" ||
		    echo "server: $STATE/rekisteri.conf keeps its own base_url;" \
		        "sign-in works only from that address" >&2
		return 0
	fi
	sed -e "s|^path = .*|path = $STATE/db/rekisteri.db|" \
	    -e "s|^base_url = .*|base_url = http://127.0.0.1:$PORT|" \
	    -e "s|^templates = .*|templates = $ROOT/templates|" \
	    -e "s|^i18n = .*|i18n = $ROOT/i18n|" \
	    -e "s|^sql = .*|sql = $ROOT/sql|" \
	    -e "s|^data = .*|data = $ROOT/data|" \
	    -e "s|^dir = .*|dir = $STATE/keys|" \
	    "$ROOT/conf/rekisteri.conf.sample" >"$STATE/rekisteri.conf"
}

# server_seed_notice: on a database without a notice, import the company's
# notice (data/notice/fi.txt and its English translation) and publish it as
# the first version.
server_seed_notice() {
	cli="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
	if $cli notice list | grep -q '^[0-9]'; then
		return 0
	fi
	$cli notice import "$ROOT/data/notice/fi.txt" --lang fi >"$STATE/log/notice-import.log" &&
	    $cli notice import "$ROOT/data/notice/en.txt" --lang en >>"$STATE/log/notice-import.log" &&
	    $cli notice publish
}

# server_seed_notice_draft: import the corrected draft of the company's notice
# (data/notice/draft.fi.txt and draft.en.txt) beside the published version 1;
# the editor lists what remains for the company to decide before publishing.
server_seed_notice_draft() {
	cli="$ROOT/$BUILD/rekisteri -c $STATE/rekisteri.conf"
	$cli notice import "$ROOT/data/notice/draft.fi.txt" --lang fi >>"$STATE/log/notice-import.log" &&
	    $cli notice import "$ROOT/data/notice/draft.en.txt" --lang en >>"$STATE/log/notice-import.log"
}

# server_web_config: fill in the web server's templates, conf/$SERVER/*.in,
# into $STATE/$SERVER (plus, for nginx, its shared log format and its
# temporary folders).
server_web_config() {
	case $SERVER in
	apache | nginx) ;;
	*) echo "server: SERVER=$SERVER: apache or nginx" >&2; return 1 ;;
	esac
	if [ "$(id -u)" -ne 0 ]; then
		user=
	elif [ "$SERVER" = nginx ]; then
		user="user www-data;"
	else
		user="User www-data
Group www-data"
	fi
	mkdir -p "$STATE/$SERVER"
	for f in "$ROOT/conf/$SERVER"/*.in; do
		awk -v port="$PORT" -v state="$STATE" -v conf="$STATE/$SERVER" \
		    -v static="$ROOT/templates/static" -v sock="$STATE/run" \
		    -v user="$user" '
		{
			gsub(/@PORT@/, port); gsub(/@STATE@/, state);
			gsub(/@CONF@/, conf); gsub(/@STATIC@/, static);
			gsub(/@SOCK@/, sock); gsub(/@USER@/, user);
			print
		}' "$f" >"$STATE/$SERVER/$(basename "$f" .in)"
	done
	if [ "$SERVER" = nginx ]; then
		cp "$ROOT/conf/nginx/rekisteri-log.conf" \
		    "$ROOT/conf/nginx/rekisteri-intranet-allow.conf" "$STATE/nginx/"
		mkdir -p "$STATE/nginx/tmp"
		# nginx's workers (www-data, as root) write request bodies here
		[ "$(id -u)" -eq 0 ] && chown www-data "$STATE/nginx/tmp"
	fi
	return 0
}

# server_fcgi_user: as root, make sure FCGI_USER exists (a system user
# without a shell or home) and owns the database and the keys, which the
# command line, run as root, may have made (#18).
server_fcgi_user() {
	if ! id -u "$FCGI_USER" >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home \
		    --home-dir /nonexistent --shell /usr/sbin/nologin \
		    "$FCGI_USER" || return 1
	fi
	chown -R "$FCGI_USER:$(id -gn "$FCGI_USER")" "$STATE/db" "$STATE/keys"
	if ! runuser -u "$FCGI_USER" -- test -r "$ROOT/templates/layout.xhtml"; then
		echo "server: $FCGI_USER cannot read $ROOT/templates (a checkout in" \
		    "a private folder?); FCGI_USER=NAME picks another user" >&2
		return 1
	fi
}

# server_fcgi_start: spawn the FastCGI executables (and EXTRA_FCGI="name=path
# ...", the tests' testapp) on their sockets in $STATE/run. As root, only
# Apache's children (www-data) may use the sockets, and the executables run
# as FCGI_USER (spawn-fcgi -u/-g; -U/-G only set the socket's owner).
server_fcgi_start() {
	owner=
	if [ "$(id -u)" -eq 0 ]; then
		server_fcgi_user || return 1
		owner="-U www-data -G www-data -u $FCGI_USER -g $(id -gn "$FCGI_USER")"
	fi
	for exe in "$ROOT/$BUILD"/cgi-bin/*; do
		[ -f "$exe" ] && [ -x "$exe" ] || continue
		name=$(basename "$exe")
		rm -f "$STATE/run/$name.sock"
		# shellcheck disable=SC2086
		# -n: spawn-fcgi binds the socket and execs the executable,
		# whose parent process forks the workers and keeps stderr.
		# setsid: a process group of its own (its id is the pid), so
		# that server_group_stop finds every worker it ever forked.
		setsid spawn-fcgi -n -s "$STATE/run/$name.sock" -M 0600 $owner \
		    -- "$exe" -c "$STATE/rekisteri.conf" -w "$WORKERS" \
		    2>>"$STATE/log/fcgi.log" &
		echo $! >"$STATE/run/$name.pid"
	done
	for e in ${EXTRA_FCGI:-}; do
		name=${e%%=*}
		rm -f "$STATE/run/$name.sock"
		# shellcheck disable=SC2086
		setsid spawn-fcgi -n -s "$STATE/run/$name.sock" -M 0600 $owner \
		    -- "${e#*=}" -c "$STATE/rekisteri.conf" \
		    2>>"$STATE/log/fcgi.log" &
		echo $! >"$STATE/run/$name.pid"
	done
}

# server_web_start: Apache or nginx in the foreground of a background job.
server_web_start() {
	if [ "$SERVER" = nginx ]; then
		/usr/sbin/nginx -e "$STATE/log/error.log" -c "$STATE/nginx/nginx.conf" \
		    -g 'daemon off;' \
		    >>"$STATE/log/error.log" 2>&1 &
	else
		/usr/sbin/apache2 -f "$STATE/apache/httpd.conf" -DFOREGROUND \
		    >>"$STATE/log/error.log" 2>&1 &
	fi
	WEB_PID=$!
}

# server_start: spawn the FastCGI executables, then the web server
# ($SERVER) in the background.
server_start() {
	# something already answering there would be taken for the server
	if ! server_port_free "$PORT"; then
		echo "server: port $PORT is taken; choose another (PORT=...)" >&2
		return 1
	fi
	server_web_config || return 1
	server_fcgi_start || return 1
	server_web_start
	# Wait until it answers (at most 10 s).
	i=0
	while server_port_free "$PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$WEB_PID" 2>/dev/null; then
			echo "server: $SERVER did not start; see $STATE/log/error.log" >&2
			tail -n 20 "$STATE/log/error.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# server_group_alive PGID: true while a process of group PGID is running
# (a zombie, dead but not yet waited for, does not count).
server_group_alive() {
	ps -e -o pgid=,stat= |
	    awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { exit n == 0 }'
}

# server_group_stop PID [SECONDS]: stop the FastCGI executable PID (SIGTERM
# to it: its parent process stops its workers and service and waits for
# them) and wait until every process of its group is gone — the workers,
# the service, a worker forked as the stop came, the parent's slow exit
# under a sanitizer's leak check; SIGKILL to the whole group after SECONDS
# (60). PID is waited for when it is our child. 0 when all are gone, 1 when
# something survived even SIGKILL. A pid that leads no group (started
# without setsid) is waited for alone.
server_group_stop() {
	local pid=$1 limit=${2:-60} i=0 g=
	[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] && g=-
	kill -TERM "$pid" 2>/dev/null
	while server_group_alive "$pid" || { [ -z "$g" ] &&
	    kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" |
	    cut -c1)" != Z ]; }; do
		i=$((i + 1))
		if [ $i -eq $((limit * 20)) ]; then
			echo "server: pid $pid still running after $limit s:" \
			    "SIGKILL" >&2
			kill -KILL -- "$g$pid" 2>/dev/null
		elif [ $i -gt $(((limit + 10) * 20)) ]; then
			echo "server: pid $pid (group) survived SIGKILL" >&2
			return 1
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	return 0
}

# server_stop: stop the web server and every FastCGI process started here,
# each with its whole group, and wait until they are gone.
server_stop() {
	if [ -n "$WEB_PID" ]; then
		kill -TERM "$WEB_PID" 2>/dev/null
		wait "$WEB_PID" 2>/dev/null
		WEB_PID=
	fi
	for pidfile in "$STATE"/run/*.pid; do
		[ -f "$pidfile" ] || continue
		case $pidfile in
		*/run/httpd.pid | */run/nginx.pid) continue ;;
		esac
		server_group_stop "$(cat "$pidfile")"
		rm -f "$pidfile"
	done
}
