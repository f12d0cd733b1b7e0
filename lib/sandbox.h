/* sandbox.h — what a FastCGI worker may still do once it has started: a seccomp allow-list and a Landlock file-system view per executable. */
#ifndef REKISTERI_SANDBOX_H
#define REKISTERI_SANDBOX_H

#include "conf.h"

/*
 * One profile per executable (docs/security.md lists each one's system
 * calls and why). The zero value is the narrowest: an executable that
 * names none gets the public reader's.
 */
enum sandbox_profile {
	SANDBOX_NOTICE,		/* the public reader: database read-only */
	SANDBOX_REQUEST,	/* the request form: writes requests, the writer's Unix socket */
	SANDBOX_INTRANET,	/* staff: writes the register and the erasure ledger */
	SANDBOX__MAX
};

/*
 * Sanitizer builds (make SAN=1) do not install the sandbox: AddressSanitizer
 * and LeakSanitizer read /proc, start threads and trace them (clone, ptrace)
 * and run a symboliser on a report, which the allow-lists refuse.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_UNDER_SANITIZER	1
#else
#define SANDBOX_UNDER_SANITIZER	0
#endif

/*
 * Narrow the calling process for profile p with the paths of c: first
 * Landlock (where the kernel has it; otherwise one log line and on
 * without it), then the seccomp filter, after which a system call off the
 * profile's list kills the process (SIGSYS; the supervisor, app.c, starts
 * another). Call once, after start-up (database, templates, keys open) and
 * before the first request; it cannot be undone. With [security] sandbox =
 * off, or in a sanitizer build, it installs nothing and logs why.
 * how is SANDBOX_WORKER for a process that answers requests, or
 * SANDBOX_SERVICE for the writer (app.h's service), which alone may make
 * and listen on its Unix socket; with SANDBOX_QUIET (a worker's threads
 * but its first, each entering for itself) it logs nothing but failures.
 * Returns 0, or -1 (logged) when a filter could not be installed: the
 * caller must then not answer requests.
 */
#define SANDBOX_WORKER	0u
#define SANDBOX_SERVICE	1u
#define SANDBOX_QUIET	2u	/* a worker's further thread: logs nothing */
int	 sandbox_enter(enum sandbox_profile p, const struct conf *c,
	    unsigned how);

/*
 * The Landlock ABI version in force in this process after sandbox_enter:
 * 0 when none (off, unsupported, sanitizer build). For tests.
 */
int	 sandbox_landlock_abi(void);

/* Whether the seccomp filter is installed in this process. For tests. */
int	 sandbox_seccomp_active(void);

#endif
