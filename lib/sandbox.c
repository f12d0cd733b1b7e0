/* sandbox.c — see sandbox.h; docs/security.md explains every entry. */
#define _GNU_SOURCE	/* O_PATH */ /* NOLINT(cert-dcl51-cpp) */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

/*
 * What every worker does once it is answering requests: accept a FastCGI
 * connection on the socket it was given and read and write it, read and
 * write the database's files (SQLite: pread/pwrite, locks through fcntl, the
 * WAL index mapped with mmap), allocate, read the clock and random bytes,
 * sleep while SQLite waits for a lock, and end. No new processes, no
 * execve, no network sockets, no changes of identity or of the sandbox.
 */
static const int base_calls[] = {
	/* the FastCGI connection (libfcgi) and the log */
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(read), SCMP_SYS(readv),
	SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close), SCMP_SYS(shutdown),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(getpeername), SCMP_SYS(getsockname),
	/* files: the database, its WAL and index, key files read again */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(pread64), SCMP_SYS(pwrite64),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(fcntl), SCMP_SYS(flock),
	SCMP_SYS(ftruncate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getcwd),
	SCMP_SYS(getdents64),
	/* memory (malloc, SQLite's mapped WAL index) */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise),
	/* time, random bytes (libsodium), waiting (SQLite's busy handler) */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep), SCMP_SYS(getrandom),
	SCMP_SYS(sched_yield), SCMP_SYS(futex),
	/* who am I (SQLite, the log line's pid) */
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid),
	/* signals: SIGPIPE ignored, abort() */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall),
	/* the end */
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* The writers: SQLite removes and renames journals, the ledger's owner. */
static const int writer_calls[] = {
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(fchmod),
	SCMP_SYS(fchown), SCMP_SYS(fallocate),
};

/*
 * The request form and the intranet: a worker hands each new request (the
 * intranet: each audit row of a page that changes nothing) to the writer
 * process over a Unix socket beside the database (gcommit.c).
 * socket(2) itself is allowed for AF_UNIX only (below).
 */
static const int request_calls[] = {
	SCMP_SYS(connect),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
};

/*
 * The writer itself (the service process, SANDBOX_SERVICE) makes that
 * socket and listens on it (umask: for this user only); a worker cannot.
 */
static const int listen_calls[] = {
	SCMP_SYS(umask), SCMP_SYS(bind), SCMP_SYS(listen),
};

#define LIST(a)	{ a, sizeof(a) / sizeof((a)[0]) }

struct calls {
	const int	*v;
	size_t		 n;
};

enum {
	SB_DB_WRITE	= 1 << 0,	/* the database folder read-write */
	SB_UNIX		= 1 << 1,	/* socket(AF_UNIX, ...) */
	SB_LEDGER	= 1 << 2,	/* the erasure ledger's folder read-write */
};

/* One row per executable: its extra system calls beside base_calls. */
static const struct profile {
	const char	*name;
	struct calls	 extra[2];
	unsigned	 flags;
} profiles[SANDBOX__MAX] = {
	[SANDBOX_NOTICE] = { "notice", { { NULL, 0 }, { NULL, 0 } }, 0 },
	[SANDBOX_REQUEST] = { "request",
	    { LIST(writer_calls), LIST(request_calls) },
	    SB_DB_WRITE | SB_UNIX },
	[SANDBOX_INTRANET] = { "intranet",
	    { LIST(writer_calls), LIST(request_calls) },
	    SB_DB_WRITE | SB_LEDGER | SB_UNIX },
};

static int landlock_abi;
static int seccomp_on;

int
sandbox_landlock_abi(void)
{
	return landlock_abi;
}

int
sandbox_seccomp_active(void)
{
	return seccomp_on;
}

/* libseccomp's rule for nr; a call this architecture lacks is skipped. */
static int
allow(scmp_filter_ctx ctx, int nr)
{
	int rc;

	if (nr < 0)
		return 0;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) != 0)
		LOG_ERR("seccomp_rule_add %d: %s", nr, strerror(-rc));
	return rc;
}

/*
 * The seccomp filter of p: base_calls, p's lists, and three calls allowed
 * with their arguments checked: ioctl only to ask whether a descriptor is a
 * terminal (stdio), tgkill only to this process (abort), socket only for
 * AF_UNIX. Anything else: the process is killed.
 */
static int
seccomp_install(const struct profile *p, unsigned how)
{
	scmp_filter_ctx ctx;
	int rc = -1;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		LOG_ERR("seccomp_init failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(base_calls) / sizeof(base_calls[0]); i++)
		if (allow(ctx, base_calls[i]) != 0)
			goto out;
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < p->extra[l].n; i++)
			if (allow(ctx, p->extra[l].v[i]) != 0)
				goto out;
	if ((how & SANDBOX_SERVICE) && (p->flags & SB_UNIX))
		for (size_t i = 0; i < sizeof(listen_calls) /
		    sizeof(listen_calls[0]); i++)
			if (allow(ctx, listen_calls[i]) != 0)
				goto out;
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, TCGETS)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid())) != 0) {
		LOG_ERR("seccomp: argument rules failed");
		goto out;
	}
	if ((p->flags & SB_UNIX) && seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX)) != 0) {
		LOG_ERR("seccomp: the socket rule failed");
		goto out;
	}
	if ((rc = seccomp_load(ctx)) != 0) {
		LOG_ERR("seccomp_load: %s", strerror(-rc));
		rc = -1;
		goto out;
	}
	seccomp_on = 1;
	rc = 0;
out:
	seccomp_release(ctx);
	return rc;
}

/* The file-system rights Landlock ABI abi knows (landlock(7)). */
static uint64_t
fs_rights(int abi)
{
	uint64_t r = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
	return r;
}

#define RIGHTS_READ	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* what a file (not a folder) may carry in a rule */
#define RIGHTS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | \
    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
    LANDLOCK_ACCESS_FS_TRUNCATE_IF)
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE_IF	LANDLOCK_ACCESS_FS_TRUNCATE
#else
#define LANDLOCK_ACCESS_FS_TRUNCATE_IF	0
#endif

/*
 * Allow rights (masked by what the ruleset handles) beneath path, a folder
 * or a file. A path that does not exist is skipped: 0. -1 (logged) when
 * the rule cannot be added.
 */
static int
ll_path(int ruleset, uint64_t handled, const char *path, uint64_t rights)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd, rc;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : (LOG_ERR("%s: %s", path,
		    strerror(errno)), -1);
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= RIGHTS_FILE;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rights & handled;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	if (rc != 0)
		LOG_ERR("landlock_add_rule %s: %s", path, strerror(errno));
	close(fd);
	return rc == 0 ? 0 : -1;
}

/* The folder of a file's path into dir ("." when it has none). */
static void
folder_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/*
 * The file system as p's workers see it: the database folder (read-write
 * for the writers; read-only for the reader, but for the WAL index, which
 * every reader writes), templates, messages, data, migrations and keys
 * read-only, /dev/urandom, the time zones and character sets (iconv for the
 * import). Everything else is out of reach, whatever the file modes say.
 * 0, 1 when the kernel has no Landlock (logged unless quiet), -1 on
 * failure.
 */
static int
landlock_install(const struct profile *p, const struct conf *c,
    unsigned quiet)
{
	static const char *const system_ro[] = {
		"/dev/urandom", "/etc/localtime", "/usr/share/zoneinfo",
		"/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv",
		"/usr/lib/locale",
	};
	struct landlock_ruleset_attr ra;
	char dir[4096], path[4096 + 8];
	uint64_t handled;
	int abi, ruleset, rc = -1;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		if (!quiet)
			LOG_ERR("%s: the kernel has no Landlock (%s): the file "
			    "system is not narrowed, seccomp still is", p->name,
			    strerror(errno));
		return 1;
	}
	handled = fs_rights(abi);
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = handled;
	if ((ruleset = (int)syscall(SYS_landlock_create_ruleset, &ra,
	    sizeof(ra), 0)) < 0) {
		LOG_ERR("landlock_create_ruleset: %s", strerror(errno));
		return -1;
	}
	folder_of(c->db_path, dir, sizeof(dir));
	if (p->flags & SB_DB_WRITE) {
		if (ll_path(ruleset, handled, dir, handled) != 0)
			goto out;
	} else {
		snprintf(path, sizeof(path), "%s-shm", c->db_path);
		if (ll_path(ruleset, handled, dir, RIGHTS_READ) != 0 ||
		    ll_path(ruleset, handled, path, RIGHTS_READ |
		    LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_TRUNCATE_IF) != 0)
			goto out;
	}
	if ((p->flags & SB_LEDGER) && c->erasure_ledger != NULL) {
		folder_of(c->erasure_ledger, dir, sizeof(dir));
		if (ll_path(ruleset, handled, dir, handled) != 0)
			goto out;
	}
	if (ll_path(ruleset, handled, c->templates, RIGHTS_READ) != 0 ||
	    ll_path(ruleset, handled, c->i18n, RIGHTS_READ) != 0 ||
	    ll_path(ruleset, handled, c->data, RIGHTS_READ) != 0 ||
	    ll_path(ruleset, handled, c->sql, RIGHTS_READ) != 0 ||
	    ll_path(ruleset, handled, c->key_dir, RIGHTS_READ) != 0)
		goto out;
	for (size_t i = 0; i < sizeof(system_ro) / sizeof(system_ro[0]); i++)
		if (ll_path(ruleset, handled, system_ro[i], RIGHTS_READ) != 0)
			goto out;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
		LOG_ERR("landlock_restrict_self: %s", strerror(errno));
		goto out;
	}
	landlock_abi = abi;
	rc = 0;
out:
	close(ruleset);
	return rc;
}

int
sandbox_enter(enum sandbox_profile pr, const struct conf *c, unsigned how)
{
	const struct profile *p;

	if ((unsigned)pr >= SANDBOX__MAX)
		return -1;
	p = &profiles[pr];
	if (!c->sandbox) {
		if (!(how & SANDBOX_QUIET))
			LOG_ERR("%s: no sandbox ([security] sandbox = off)",
			    p->name);
		return 0;
	}
	if (SANDBOX_UNDER_SANITIZER) {
		if (!(how & SANDBOX_QUIET))
			LOG_ERR("%s: no sandbox in a sanitizer build (make SAN=1):"
			    " the sanitizers need calls the allow-list refuses",
			    p->name);
		return 0;
	}
	/* the time zone is read now, while /usr/share/zoneinfo is open */
	tzset();
	if (landlock_install(p, c, how & SANDBOX_QUIET) < 0)
		return -1;
	return seccomp_install(p, how);
}
