/* faults.c — see faults.h. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "faults.h"

static const char *state, *conf, *cli;
static char dir[4200], db[4200], exe[4400];

int
fault_setup(void)
{
	state = getenv("REKISTERI_STATE");
	conf = getenv("REKISTERI_CONF");
	cli = getenv("REKISTERI_CLI");
	if (state == NULL || conf == NULL || cli == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/faults", state);
	snprintf(db, sizeof(db), "%s/db/rekisteri.db", state);
	if (mkdir(dir, 0700) != 0 && chmod(dir, 0700) != 0)
		return -1;
	http_give(dir);
	return 0;
}

const char *
fault_dir(void)
{
	return dir;
}

const char *
fault_db(void)
{
	return db;
}

const char *
fault_cli(void)
{
	return cli;
}

const char *
fault_exe(const char *name)
{
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/cgi-bin/", sizeof(exe) - strlen(exe) - 1);
	strncat(exe, name, sizeof(exe) - strlen(exe) - 1);
	return exe;
}

const char *
fault_conf(const char *name, const char *path, int max_pages)
{
	static char out[4400];
	char line[4096];
	FILE *in, *o;
	int in_db = 0;

	snprintf(out, sizeof(out), "%s/%s", dir, name);
	assert_non_null(in = fopen(conf, "r"));
	assert_non_null(o = fopen(out, "w"));
	while (fgets(line, sizeof(line), in) != NULL) {
		if (line[0] == '[')
			in_db = strncmp(line, "[database]", 10) == 0;
		if (in_db && strncmp(line, "path", 4) == 0) {
			fprintf(o, "path = %s\n", path);
			if (max_pages > 0)
				fprintf(o, "max_pages = %d\n", max_pages);
			continue;
		}
		if (in_db && strncmp(line, "max_pages", 9) == 0)
			continue;
		/* the fault tests post many forms from one address */
		if (strncmp(line, "rate_limit", 10) == 0) {
			fputs("rate_limit = 100000\n", o);
			continue;
		}
		fputs(line, o);
	}
	fclose(in);
	fclose(o);
	http_give(out);
	return out;
}

void
fault_copy_db(const char *path)
{
	sqlite3 *d = http_db_open(0);
	sqlite3_stmt *st;

	unlink(path);
	assert_int_equal(sqlite3_prepare_v2(d, "VACUUM INTO ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(d);
	assert_int_equal(chmod(path, 0600), 0);
	http_give(path);
}

int
fault_run_as_server(struct buf *out, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_null(strchr(cmd, '\''));
	if (getuid() == 0)
		return http_run(out, "runuser -u %s -- timeout 20 sh -c '%s' "
		    "</dev/null 2>&1", http_fcgi_user(), cmd);
	return http_run(out, "timeout 20 sh -c '%s' </dev/null 2>&1", cmd);
}

int
fault_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

/* Wait until nothing answers at pid (gone or a zombie), at most 10 s. */
static void
wait_gone(pid_t pid)
{
	char path[64], st[256];

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		char *rp;

		if (f == NULL)
			return;
		rp = fgets(st, sizeof(st), f);
		fclose(f);
		if (rp != NULL && (rp = strrchr(st, ')')) != NULL && rp[2] == 'Z') {
			(void)waitpid(pid, NULL, WNOHANG);
			return;
		}
		usleep(50000);
	}
	fail_msg("process %ld did not stop", (long)pid);
}

void
fault_restart(const char *name, const char *cf, const char *probe)
{
	fault_restart_log(name, cf, probe, "fcgi.log");
}

void
fault_restart_log(const char *name, const char *cf, const char *probe,
    const char *logname)
{
	char pidfile[4400], sock[4400], log[4400], ex[4400];
	FILE *in, *out;
	pid_t pid;
	long old;

	snprintf(pidfile, sizeof(pidfile), "%s/run/%s.pid", state, name);
	snprintf(sock, sizeof(sock), "%s/run/%s.sock", state, name);
	snprintf(log, sizeof(log), "%s/log/%s", state, logname);
	snprintf(ex, sizeof(ex), "%s", fault_exe(name));
	assert_non_null(in = fopen(pidfile, "r"));
	assert_int_equal(fscanf(in, "%ld", &old), 1);
	fclose(in);
	kill((pid_t)old, SIGTERM);
	wait_gone((pid_t)old);
	unlink(sock);
	if ((pid = fork()) == 0) {
		int fd;

		if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0)
			dup2(fd, 2);
		/* a group of its own, as server.sh starts them: the harness
		 * stops the group and waits until all of it is gone */
		(void)setsid();
		if (getuid() == 0)
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "-U", "www-data", "-G", "www-data", "-u",
			    http_fcgi_user(), "--", ex, "-c", cf, "-w", "2",
			    (char *)NULL);
		else
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "--", ex, "-c", cf, "-w", "2", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_non_null(out = fopen(pidfile, "w"));
	fprintf(out, "%ld\n", (long)pid);
	fclose(out);
	/*
	 * Up to 60 s, each try at most 5 s: a request that waited in the new
	 * socket's backlog while the workers started is tried again, and said
	 * (CI once saw one GET wait out a 20 s timeout here, not reproduced).
	 */
	for (time_t end = time(NULL) + 60; time(NULL) < end;) {
		long status = http_probe(probe, 5);

		if (status == 200)
			return;
		if (status < 0)
			printf("restart of %s: %s got no answer in 5 s\n", name,
			    probe);
		usleep(100000);
	}
	/* what the new processes said, for the next reader of a CI log */
	{
		struct buf o = BUF_INIT;

		(void)http_run(&o, "tail -n 40 %s; ps -eo pid,ppid,pgid,stat,"
		    "args | grep -F '%s' | grep -v grep", log, ex);
		printf("%s\n", o.data != NULL ? o.data : "");
		buf_free(&o);
	}
	fail_msg("%s did not come back within 60 s", name);
}

pid_t
fault_lock(void)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		sqlite3 *d;

		close(p[0]);
		/* as another process would: its own connection, no busy wait */
		if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK || sqlite3_exec(d, "BEGIN EXCLUSIVE", NULL, NULL,
		    NULL) != SQLITE_OK)
			_exit(1);
		if (write(p[1], "L", 1) != 1)
			_exit(1);
		sleep(120);	/* fault_unlock ends it long before */
		_exit(0);
	}
	assert_true(pid > 0);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fail_msg("the lock could not be taken");
	close(p[0]);
	return pid;
}

void
fault_unlock(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);	/* its transaction ends with it */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

void
fault_tickets_verify(void)
{
	sqlite3 *d = http_db_open(0);
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(d, "SELECT code FROM requests", -1,
	    &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct buf o = BUF_INIT;
		const char *code = (const char *)sqlite3_column_text(st, 0);

		if (http_run_input(&o, code, "%s ticket verify -", cli) != 0)
			fail_msg("a stored ticket does not verify: %s",
			    buf_cstr(&o));
		buf_free(&o);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(d);
	assert_true(n > 0);
}
