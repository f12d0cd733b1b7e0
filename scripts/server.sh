# server.sh — start and stop Rekisteri's FastCGI processes and a private
# Apache, for `make run` (scripts/run.sh) and the HTTP tests
# (tests/http/harness.sh). Sourced, not run. Needs: BUILD, STATE, PORT.
#
# Everything lives under $STATE: the config, the database, keys, sockets,
# pid files and logs. Nothing system-wide is touched.

ROOT=${ROOT:-$(pwd)}
WORKERS=${WORKERS:-2}
APACHE_PID=

# server_port_free PORT: true when nothing listens on 127.0.0.1:PORT.
server_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# server_config: write $STATE/rekisteri.conf unless it exists. Its base_url
# follows PORT on every start: the intranet refuses a sign-in whose Origin is
# not base_url, and mail links use it. A base_url that is not this machine's
# loopback address was set by hand and is left alone.
server_config() {
	mkdir -p "$STATE/run" "$STATE/log" "$STATE/apache"
	mkdir -p -m 0700 "$STATE/keys"
	chmod 0755 "$STATE" "$STATE/run"
	if [ -f "$STATE/rekisteri.conf" ]; then
		sed -i -E "s#^base_url = http://(127\.0\.0\.1|localhost):[0-9]+\$#base_url = http://127.0.0.1:$PORT#" \
		    "$STATE/rekisteri.conf" || return 1
		grep -q "^base_url = http://127.0.0.1:$PORT\$" "$STATE/rekisteri.conf" ||
		    echo "server: $STATE/rekisteri.conf keeps its own base_url;" \
		        "sign-in works only from that address" >&2
		return 0
	fi
	sed -e "s|^path = .*|path = $STATE/rekisteri.db|" \
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

# server_apache_config: fill in the Apache templates.
server_apache_config() {
	if [ "$(id -u)" -eq 0 ]; then
		user="User www-data
Group www-data"
	else
		user=
	fi
	for f in httpd.conf rekisteri-site.conf; do
		awk -v port="$PORT" -v state="$STATE" -v conf="$STATE/apache" \
		    -v static="$ROOT/templates/static" -v sock="$STATE/run" \
		    -v user="$user" '
		{
			gsub(/@PORT@/, port); gsub(/@STATE@/, state);
			gsub(/@CONF@/, conf); gsub(/@STATIC@/, static);
			gsub(/@SOCK@/, sock); gsub(/@USER@/, user);
			print
		}' "$ROOT/conf/apache/$f.in" >"$STATE/apache/$f"
	done
}

# server_start: spawn the FastCGI executables, then Apache in the background.
server_start() {
	server_apache_config
	owner=
	if [ "$(id -u)" -eq 0 ]; then
		owner="-U www-data -G www-data"
	fi
	for exe in "$ROOT/$BUILD"/cgi-bin/*; do
		[ -f "$exe" ] && [ -x "$exe" ] || continue
		name=$(basename "$exe")
		rm -f "$STATE/run/$name.sock"
		# shellcheck disable=SC2086
		# -n: spawn-fcgi binds the socket and execs the executable,
		# whose parent process forks the workers and keeps stderr.
		spawn-fcgi -n -s "$STATE/run/$name.sock" -M 0600 $owner \
		    -- "$exe" -c "$STATE/rekisteri.conf" -w "$WORKERS" \
		    2>>"$STATE/log/fcgi.log" &
		echo $! >"$STATE/run/$name.pid"
	done
	# EXTRA_FCGI="name=path ...": more FastCGI programs (the tests' testapp).
	for e in ${EXTRA_FCGI:-}; do
		name=${e%%=*}
		rm -f "$STATE/run/$name.sock"
		# shellcheck disable=SC2086
		spawn-fcgi -n -s "$STATE/run/$name.sock" -M 0600 $owner \
		    -- "${e#*=}" -c "$STATE/rekisteri.conf" \
		    2>>"$STATE/log/fcgi.log" &
		echo $! >"$STATE/run/$name.pid"
	done
	/usr/sbin/apache2 -f "$STATE/apache/httpd.conf" -DFOREGROUND \
	    >>"$STATE/log/error.log" 2>&1 &
	APACHE_PID=$!
	# Wait until Apache answers (at most 10 s).
	i=0
	while server_port_free "$PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$APACHE_PID" 2>/dev/null; then
			echo "server: Apache did not start; see $STATE/log/error.log" >&2
			tail -n 20 "$STATE/log/error.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# server_stop: stop Apache and every FastCGI process started here.
server_stop() {
	if [ -n "$APACHE_PID" ]; then
		kill -TERM "$APACHE_PID" 2>/dev/null
		wait "$APACHE_PID" 2>/dev/null
		APACHE_PID=
	fi
	for pidfile in "$STATE"/run/*.pid; do
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rm -f "$pidfile"
	done
}
