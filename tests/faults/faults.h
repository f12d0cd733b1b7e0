/* faults.h — what the fault tests (#17, docs/faults.md) share beside tests/http/http.h: the harness's state, the FastCGI user, copies of the database, running an executable or the CLI as the server would. */
#ifndef REKISTERI_TEST_FAULTS_H
#define REKISTERI_TEST_FAULTS_H

#include <sys/types.h>

#include "../http/http.h"

/* The harness's state, config and CLI, and the folder fault_dir() for copies; 0 or -1. */
int	 fault_setup(void);
/* STATE/faults: a folder the FastCGI user owns (mode 0700). */
const char *fault_dir(void);
/* The database the harness made, STATE/db/rekisteri.db. */
const char *fault_db(void);
/* The harness's config with [database] path = db (and max_pages when > 0), written to fault_dir()/name; its path (static). */
const char *fault_conf(const char *name, const char *db, int max_pages);
/* A consistent single-file copy of the harness's database at path (VACUUM INTO), owned by the FastCGI user, mode 0600. */
void	 fault_copy_db(const char *path);
/*
 * Run sh -c CMD as the FastCGI executables run (the user rekisteri, or
 * FCGI_USER, when the tests run as root), stdin from /dev/null, stdout and
 * stderr in out; its exit status.
 */
int	 fault_run_as_server(struct buf *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The path of build/cgi-bin/NAME (static). */
const char *fault_exe(const char *name);
/* The CLI, build/rekisteri. */
const char *fault_cli(void);
/*
 * Restart the FastCGI executable name (its pid where the harness looks, so
 * the harness stops it) on config cf, as the harness starts it; wait until
 * GET probe answers 200.
 */
void	 fault_restart(const char *name, const char *cf, const char *probe);
/* The same with its standard error to STATE/log/logname. */
void	 fault_restart_log(const char *name, const char *cf, const char *probe,
	    const char *logname);
/* Every stored ticket's code verifies with rekisteri ticket verify (and there is one). */
void	 fault_tickets_verify(void);
/*
 * Another process holding the database's write lock (BEGIN EXCLUSIVE) until
 * fault_unlock: its pid, once the lock is held.
 */
pid_t	 fault_lock(void);
void	 fault_unlock(pid_t);
/* Lines in s (a last line without its newline counts). */
int	 fault_lines(const char *s);

#endif
