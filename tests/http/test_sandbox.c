/*
 * test_sandbox.c — the workers' sandbox (lib/sandbox.c) is in force behind
 * the real web server: the tests' testapp, restarted here with two workers
 * under its supervisor and a log of its own, is killed by a forbidden
 * system call (execve, a network socket), the supervisor logs it and starts
 * another, and the next request is answered; a file outside the worker's
 * Landlock view is refused; [security] sandbox = off installs nothing.
 * In a sanitizer build (make SAN=1), which installs no sandbox (sandbox.h),
 * the first two check only that: nothing installed, and the log says so
 * (tests/verdict.sh counts a skipped test as failed).
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <cmocka.h>

#include "http.h"
#include "sandbox.h"

static char logpath[4400];

/* Until pid has gone (or is a zombie), at most 10 s. */
static void
wait_gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid || kill(pid, 0) != 0)
			return;
		usleep(50000);
	}
	fail_msg("testapp did not stop");
}

/*
 * Restart the testapp with two workers, its log in logpath, and the
 * harness's config plus extra (appended); its pid where the harness looks.
 */
static void
restart_testapp(const char *extra)
{
	const char *state = getenv("REKISTERI_STATE"),
	    *conf = getenv("REKISTERI_CONF"), *cli = getenv("REKISTERI_CLI");
	char path[4400], pidfile[4400], sock[4400], exe[4400], line[4096];
	FILE *in, *out;
	pid_t pid;
	long old;

	assert_non_null(state);
	snprintf(path, sizeof(path), "%s/sandbox-test.conf", state);
	assert_non_null(in = fopen(conf, "r"));
	assert_non_null(out = fopen(path, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		if (strncmp(line, "sandbox", 7) != 0)
			fputs(line, out);
	fclose(in);
	fprintf(out, "\n%s\n", extra);
	fclose(out);
	snprintf(pidfile, sizeof(pidfile), "%s/run/testapp.pid", state);
	snprintf(sock, sizeof(sock), "%s/run/testapp.sock", state);
	snprintf(logpath, sizeof(logpath), "%s/log/sandbox-testapp.log", state);
	if ((in = fopen(pidfile, "r")) != NULL) {
		if (fscanf(in, "%ld", &old) == 1) {
			kill((pid_t)old, SIGTERM);
			wait_gone((pid_t)old);
		}
		fclose(in);
	}
	unlink(sock);
	unlink(logpath);
	snprintf(exe, sizeof(exe), "%s", cli);
	*strrchr(exe, '/') = '\0';
	strncat(exe, "/tests/http/testapp", sizeof(exe) - strlen(exe) - 1);
	if ((pid = fork()) == 0) {
		int fd;

		if ((fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0)
			dup2(fd, 2);
		if (getuid() == 0)
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "-U", "www-data", "-G", "www-data", "-u",
			    "rekisteri", "-g", "rekisteri", "--", exe, "-c", path,
			    "-w", "2", (char *)NULL);
		else
			execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "-M",
			    "0600", "--", exe, "-c", path, "-w", "2", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_non_null(out = fopen(pidfile, "w"));
	fprintf(out, "%ld\n", (long)pid);
	fclose(out);
	for (int i = 0; i < 100; i++) {
		struct http_resp r;

		http_get(&r, "/test/sandbox/status");
		if (r.status == 200) {
			http_resp_free(&r);
			return;
		}
		http_resp_free(&r);
		usleep(100000);
	}
	fail_msg("testapp did not come back");
}

/* Lines of the testapp's log holding needle. */
static int
log_count(const char *needle)
{
	char line[2048];
	FILE *f = fopen(logpath, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

static int
kernel_has_landlock(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION) >= 1;
}

/* Every request to path until it answers 200, at most 10 s. */
static void
answered_again(const char *path)
{
	for (int i = 0; i < 100; i++) {
		struct http_resp r;

		http_get(&r, path);
		if (r.status == 200) {
			http_resp_free(&r);
			return;
		}
		http_resp_free(&r);
		usleep(100000);
	}
	fail_msg("%s: no worker answered after the kill", path);
}

/*
 * A sanitizer build (make SAN=1) installs no sandbox and says so
 * (sandbox.h): there, check exactly that and return 1; the normal build
 * runs the whole test. 0 in a normal build.
 */
static int
under_sanitizer(void)
{
	struct http_resp r;

	if (!SANDBOX_UNDER_SANITIZER)
		return 0;
	restart_testapp("");
	http_get(&r, "/test/sandbox/status");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "seccomp=0\nlandlock=0\n"));
	http_resp_free(&r);
	assert_true(log_count("no sandbox in a sanitizer build") >= 1);
	print_message("a sanitizer build: no sandbox, and the log says so; "
	    "the normal build runs the rest of this test\n");
	return 1;
}

/* A forbidden call kills the worker; the supervisor starts another. */
static void
forbidden_call_kills_worker(void **st)
{
	struct http_resp r;

	(void)st;
	if (under_sanitizer())
		return;
	restart_testapp("");
	http_get(&r, "/test/sandbox/status");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "seccomp=1\n"));
	if (kernel_has_landlock())
		assert_false(http_body_has(&r, "landlock=0\n"));
	http_resp_free(&r);

	http_get(&r, "/test/sandbox/execve");
	assert_int_not_equal(r.status, 200);
	assert_false(http_body_has(&r, "execve returned"));
	http_resp_free(&r);
	/* the next request: the other worker, or the new one */
	answered_again("/test/read");

	http_get(&r, "/test/sandbox/inet");
	assert_int_not_equal(r.status, 200);
	assert_false(http_body_has(&r, "socket returned"));
	http_resp_free(&r);
	answered_again("/test/read");

	/* listening is the writer's (the service's), never a worker's */
	http_get(&r, "/test/sandbox/listen");
	assert_int_not_equal(r.status, 200);
	assert_false(http_body_has(&r, "listen returned"));
	http_resp_free(&r);
	answered_again("/test/read");

	/* all killed by SIGSYS (31), all logged by the supervisor */
	for (int i = 0; i < 50 && log_count("killed by the sandbox") < 3; i++)
		usleep(100000);
	assert_int_equal(log_count("made a forbidden system call and was "
	    "killed by the sandbox; a new one starts"), 3);
	assert_true(log_count("ended (status 31)") +
	    log_count("ended (status 159)") == 3);
	/* and the new workers are sandboxed too */
	for (int i = 0; i < 4; i++) {
		http_get(&r, "/test/sandbox/status");
		assert_int_equal(r.status, 200);
		assert_true(http_body_has(&r, "seccomp=1\n"));
		http_resp_free(&r);
	}
}

/*
 * Each of a worker's threads (the testapp has two, as the request form's
 * workers have four) runs under the seccomp filter: the kernel's Seccomp
 * mode of every task of every worker, read from /proc outside, is 2.
 */
static void
every_thread_filtered(void **st)
{
	long sup;
	int tasks = 0, filtered = 0;

	(void)st;
	if (under_sanitizer())
		return;
	restart_testapp("");
	sup = http_fcgi_pid("testapp");
	/* the second worker may still be starting: at most 5 s */
	for (int try = 0; try < 50; try++) {
		struct buf o = BUF_INIT;

		/* a line per task of each worker: its Seccomp mode */
		(void)http_run(&o, "for p in $(pgrep -P %ld); do for s in "
		    "/proc/$p/task/*/status; do sed -n 's/^Seccomp:[[:space:]]*"
		    "//p' $s; done; done", sup);
		tasks = filtered = 0;
		for (char *save = NULL, *l = o.data != NULL ?
		    strtok_r(o.data, "\n", &save) : NULL; l != NULL;
		    l = strtok_r(NULL, "\n", &save)) {
			tasks++;
			filtered += strcmp(l, "2") == 0;
		}
		buf_free(&o);
		if (tasks == 2 * 2 && filtered == tasks)
			break;
		usleep(100000);
	}
	/* two workers of two threads each, all four filtered */
	assert_int_equal(tasks, 2 * 2);
	assert_int_equal(filtered, tasks);
}

/* Landlock: a file outside the worker's view is refused (EACCES). */
static void
landlock_refuses_other_files(void **st)
{
	struct http_resp r;

	(void)st;
	if (under_sanitizer())
		return;
	if (!kernel_has_landlock()) {
		print_message("skipped: this kernel has no Landlock\n");
		skip();
	}
	restart_testapp("");
	http_get(&r, "/test/sandbox/passwd");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "denied\n"));
	http_resp_free(&r);
	/* the database, in its folder, still works */
	http_get(&r, "/test/read");
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

/* [security] sandbox = off: nothing installed, and it says so. */
static void
sandbox_off_installs_nothing(void **st)
{
	struct http_resp r;

	(void)st;
	restart_testapp("[security]\nsandbox = off");
	http_get(&r, "/test/sandbox/status");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "seccomp=0\nlandlock=0\n"));
	http_resp_free(&r);
	http_get(&r, "/test/sandbox/passwd");
	assert_int_equal(r.status, 200);
	assert_true(http_body_has(&r, "opened\n"));
	http_resp_free(&r);
	if (!SANDBOX_UNDER_SANITIZER)
		assert_true(log_count("no sandbox ([security] sandbox = off)")
		    >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forbidden_call_kills_worker),
		cmocka_unit_test(every_thread_filtered),
		cmocka_unit_test(landlock_refuses_other_files),
		cmocka_unit_test(sandbox_off_installs_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
