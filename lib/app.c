/* app.c — see app.h. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "gcommit.h"
#include "log.h"
#include "mail.h"
#include "retention_class.h"

/*
 * Parse "-c FILE" and "-w WORKERS" (1..64). -1 on bad usage.
 */
static int
parse_args(int argc, char **argv, const char **conf, int *workers)
{
	char *end;
	long n;
	int c;

	*conf = NULL;
	*workers = 1;
	while ((c = getopt(argc, argv, "c:w:")) != -1) {
		switch (c) {
		case 'c':
			*conf = optarg;
			break;
		case 'w':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 || n > 64)
				return -1;
			*workers = (int)n;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/*
 * What every worker shares and may inherit through fork: config, messages
 * and compiled templates. The database is checked here so a bad path fails
 * at once, then closed: each worker opens its own connection.
 */
static int
startup(struct app *a, const char *conf)
{
	char err[512];
	sqlite3 *db;

	if (sodium_init() < 0) {
		LOG_ERR("libsodium failed to initialise");
		return -1;
	}
	xmlInitParser();
	if (conf_load(&a->conf, conf, err, sizeof(err)) != 0 ||
	    (a->msgs = i18n_load(a->conf.i18n, err, sizeof(err))) == NULL ||
	    (a->tmpl = tmpl_load(a->conf.templates, a->msgs, err,
	    sizeof(err))) == NULL ||
	    (db = db_open(a->conf.db_path, a->db_mode, err,
	    sizeof(err))) == NULL) {
		LOG_ERR("%s", err);
		return -1;
	}
	retention_configure(&a->conf);	/* the record shows the periods in force */
	db_close(db);
	a->limits = req_limits_default;
	return 0;
}

/* A worker's own state: its database connection and the executable's init. */
static int
worker_startup(struct app *a)
{
	char err[512];

	if ((a->db = db_open(a->conf.db_path, a->db_mode, err,
	    sizeof(err))) == NULL) {
		LOG_ERR("%s", err);
		return -1;
	}
	/*
	 * The test-only knob that makes the database "full" at its size (or
	 * at max_pages), as a full disk would (#17, docs/faults.md).
	 */
	if (a->conf.db_max_pages > 0) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %d",
		    a->conf.db_max_pages);
		if (sqlite3_exec(a->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			LOG_ERR("max_pages: %s", sqlite3_errmsg(a->db));
			return -1;
		}
	}
	if (a->init != NULL && a->init(a) != 0) {
		LOG_ERR("%s: start-up failed", a->name);
		return -1;
	}
	return 0;
}

static void
shutdown_app(struct app *a)
{
	if (a->fini != NULL)
		a->fini(a);
	db_close(a->db);
	tmpl_free(a->tmpl);
	i18n_free(a->msgs);
	conf_free(&a->conf);
}

void
app_dispatch(struct app *a, struct req *r)
{
	const struct route *rt = NULL;
	unsigned allowed = 0, m = r->method;
	struct buf allow = BUF_INIT;
	enum req_status st;

	db_fault_set(DB_FAULT_NONE);	/* a fault is the request's own */
	for (size_t i = 0; i < a->nroutes; i++) {
		const struct route *x = &a->routes[i];
		int hit = x->prefix ?
		    strncmp(r->path, x->path, strlen(x->path)) == 0 :
		    strcmp(r->path, x->path) == 0;

		if (!hit)
			continue;
		allowed |= x->methods;
		if (x->methods & (m == METHOD_HEAD ? METHOD_GET | METHOD_HEAD : m)) {
			rt = x;
			break;
		}
	}
	if (rt == NULL && allowed == 0) {
		app_error(a, r, 404);
		return;
	}
	if (rt == NULL) {
		if (allowed & METHOD_GET)
			buf_adds(&allow, "GET, HEAD");
		if (allowed & METHOD_POST)
			buf_adds(&allow, allow.len ? ", POST" : "POST");
		resp_header(r, "Allow", buf_cstr(&allow));
		buf_free(&allow);
		app_error(a, r, 405);
		return;
	}
	/* the body only now: an unknown path or method never waits for one */
	if ((st = req_read_form(r, &a->limits)) != REQ_OK) {
		app_error(a, r, (int)st);
		return;
	}
	if (a->ctx_size > 0)
		r->ctx = xcalloc(1, a->ctx_size);
	if (a->authorize != NULL && a->authorize(a, r, rt) != 0) {
		if (!r->sent)
			app_error(a, r, 403);
		goto out;
	}
	rt->fn(a, r);
	if (!r->sent) {
		LOG_ERR("handler for %s sent no response", rt->path);
		app_error(a, r, 500);
	}
out:
	if (a->db != NULL && !sqlite3_get_autocommit(a->db)) {
		LOG_ERR("%s left a transaction open: rolled back", rt->path);
		db_rollback(a->db);
	}
	if (a->finish != NULL)
		a->finish(a, r);
	free(r->ctx);
	r->ctx = NULL;
}

/*
 * The most of an unread body a worker reads and drops to keep a connection
 * for the next request: more than either web server lets through (9 MiB,
 * the intranet's upload); past it the connection is closed instead.
 */
#define DRAIN_MAX	((size_t)16 << 20)

/*
 * A worker's threads (a->threads > 1) answer in turn: each holds turn
 * from a request's start until its answer is made, so everything a
 * request does runs as in a single-threaded worker. A thread lets go of
 * turn only while it waits for its writer (gc_call), and only when its
 * connection has no transaction and no statement under way; another
 * thread takes the next request meanwhile. Accepting, reading a request's
 * head, and draining and finishing its own connection need no turn.
 */
static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static int busy;		/* requests begun, not yet finished (turn) */
static int nthreads = 1;
static pthread_barrier_t all_sandboxed;
static pthread_mutex_t entering = PTHREAD_MUTEX_INITIALIZER;
static struct app *turn_app;
static _Thread_local int holding, let_go;

static void
turn_leave(void)
{
	/* only a thread in a request, with nothing of its connection open */
	if (!holding || !db_idle(turn_app->db))
		return;
	let_go = 1;
	pthread_mutex_unlock(&turn);
}

static void
turn_back(void)
{
	if (!let_go)
		return;
	let_go = 0;
	pthread_mutex_lock(&turn);
}

/*
 * A thread whose accept ended (SIGTERM, which libfcgi catches and which
 * wakes the thread it lands on, or an error) ends the worker, but first
 * lets the requests its other threads have begun finish: a form waiting
 * for its commit gets its answer (at most gc_call's 10 s, and a second).
 */
static void
end_when_idle(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 11;
	pthread_mutex_lock(&turn);
	while (busy > 0 && pthread_cond_timedwait(&idle, &turn, &until) == 0)
		;
	_exit(0);
}

/*
 * Answer requests on the FastCGI socket (standard input) until killed or
 * stopped (SIGTERM).
 */
static int
serve(struct app *a)
{
	FCGX_Request f;

	if (FCGX_InitRequest(&f, 0, 0) != 0) {
		LOG_ERR("FastCGI initialisation failed");
		return 1;
	}
	while (FCGX_Accept_r(&f) >= 0) {
		struct req r;
		enum req_status st;

		pthread_mutex_lock(&turn);
		holding = 1;
		busy++;
		st = req_begin(&r, &f, &a->limits);
		log_set_request(r.id);
		db_fault_set(DB_FAULT_NONE);
		if (st != REQ_OK)
			app_error(a, &r, (int)st);
		else
			app_dispatch(a, &r);
		req_free(&r);
		holding = 0;
		pthread_mutex_unlock(&turn);
		/*
		 * A kept connection carries the next request: read this
		 * one's input to its end first, or close it (req.h).
		 */
		if (f.keepConnection && req_drain(&f, DRAIN_MAX) != 0)
			f.keepConnection = 0;
		log_set_request(NULL);
		FCGX_Finish_r(&f);
		pthread_mutex_lock(&turn);
		if (--busy == 0)
			pthread_cond_broadcast(&idle);
		pthread_mutex_unlock(&turn);
	}
	if (nthreads > 1)
		end_when_idle();
	return 0;
}

/*
 * Enter the sandbox, one thread at a time: libseccomp fills its caches
 * lazily and without a lock. The worker's further threads pass
 * SANDBOX_QUIET, so what it says is said once.
 */
static int
enter_sandbox(struct app *a, unsigned how)
{
	int rc;

	pthread_mutex_lock(&entering);
	rc = sandbox_enter(a->sandbox, &a->conf, how);
	pthread_mutex_unlock(&entering);
	return rc;
}

/* One more thread of a worker: its own sandbox, then requests. */
static void *
thread_main(void *arg)
{
	struct app *a = arg;

	if (enter_sandbox(a, SANDBOX_WORKER | SANDBOX_QUIET) != 0)
		_exit(1);
	pthread_barrier_wait(&all_sandboxed);
	_exit(serve(a));
}

static int
worker(struct app *a)
{
	/* sendmail runs outside the sandbox, from a helper forked first */
	if (a->conf.sandbox && !SANDBOX_UNDER_SANITIZER &&
	    a->conf.sendmail != NULL)
		(void)mail_helper_start();
	if (worker_startup(a) != 0)
		return 1;
	if (FCGX_Init() != 0) {
		LOG_ERR("FastCGI initialisation failed");
		return 1;
	}
	/*
	 * The threads start before the sandbox, which each enters itself
	 * (seccomp and Landlock bind the calling thread): no thread takes a
	 * request before all have entered.
	 */
	nthreads = a->threads > 1 ? a->threads : 1;
	pthread_barrier_init(&all_sandboxed, NULL, (unsigned)nthreads);
	if (nthreads > 1) {
		turn_app = a;
		gc_wait_hooks(turn_leave, turn_back);
	}
	for (int i = 1; i < nthreads; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, a) != 0) {
			LOG_ERR("cannot start a thread");
			return 1;
		}
	}
	if (enter_sandbox(a, SANDBOX_WORKER) != 0)
		return 1;
	pthread_barrier_wait(&all_sandboxed);
	return serve(a);
}

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The service process: started like a worker, then runs a->service. */
static int
service(struct app *a)
{
	if (worker_startup(a) != 0 ||
	    sandbox_enter(a->sandbox, &a->conf, SANDBOX_SERVICE) != 0)
		return 1;
	return a->service(a) == 0 ? 0 : 1;
}

/*
 * The parent of n workers that all accept on the same socket: it starts
 * the service, when there is one, then the workers, all at once; starts a
 * new one when one dies (at most one a second, so a worker that cannot
 * start does not spin); and on SIGTERM or SIGINT stops them all.
 * The service first: until its writer listens, a worker stores its own
 * rows, one commit each. Its standard error stays the workers' log.
 */
static int
supervise(struct app *a, int n)
{
	/* pids[n] is the service's, when there is one */
	pid_t *pids = xcalloc((size_t)n + 1, sizeof(*pids));
	int all = n + (a->service != NULL);
	struct sigaction sa;
	sigset_t stop, old;
	time_t last = 0;
	int rc = 0, first = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	while (!stopping) {
		pid_t pid;
		int st;

		/* k counts from the service (i == n), then the workers */
		for (int k = 0; k < all && !stopping; k++) {
			int i = (n + k) % all;

			if (pids[i] != 0)
				continue;
			/* a restart: the first round starts them all at once */
			if (!first && last == time(NULL))
				sleep(1);
			/* a stop that came during the sleep: no new worker */
			if (stopping)
				break;
			last = time(NULL);
			/*
			 * Blocked across fork, so a SIGTERM the parent sends
			 * the new worker stays pending until the worker has
			 * the default action back: caught by the inherited
			 * on_stop, it would leave a worker that outlives the
			 * stop and a parent waiting for it for ever.
			 */
			sigprocmask(SIG_BLOCK, &stop, &old);
			if ((pid = fork()) == -1) {
				LOG_ERR("fork: %s", strerror(errno));
				sigprocmask(SIG_SETMASK, &old, NULL);
				continue;
			}
			if (pid == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				sigprocmask(SIG_SETMASK, &old, NULL);
				free(pids);
				_exit(i == n && a->service != NULL ? service(a) :
				    worker(a));
			}
			pids[i] = pid;
			sigprocmask(SIG_SETMASK, &old, NULL);
		}
		first = 0;
		/*
		 * Poll rather than block: a signal that lands between the check
		 * of stopping and a blocking wait would be lost.
		 */
		if ((pid = waitpid(-1, &st, WNOHANG)) <= 0) {
			struct timespec ts = { 0, 100000000L };

			nanosleep(&ts, NULL);
			continue;
		}
		for (int i = 0; i < all; i++)
			if (pids[i] == pid) {
				pids[i] = 0;
				/* SCMP_ACT_KILL_PROCESS: a call off the allow-list */
				if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
					LOG_ERR("%s %ld made a forbidden system "
					    "call and was killed by the sandbox; "
					    "a new one starts", i == n ? "service" :
					    "worker", (long)pid);
				LOG_ERR("%s %ld ended (status %d)", i == n ? "service" :
				    "worker", (long)pid, st);
			}
	}
	for (int i = 0; i < all; i++)
		if (pids[i] != 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < all; i++)
		if (pids[i] != 0)
			waitpid(pids[i], NULL, 0);
	free(pids);
	return rc;
}

int
app_main(struct app *a, int argc, char **argv)
{
	const char *conf;
	int rc = 1, workers;

	log_init(a->name);
	db_init();
	if (parse_args(argc, argv, &conf, &workers) != 0) {
		fprintf(stderr, "usage: %s [-c CONFIG] [-w WORKERS]\n", a->name);
		return 2;
	}
	/*
	 * SIGTERM keeps its default action in workers: the parent or the
	 * spawner stops them with it, and SQLite's WAL makes an interrupted
	 * request safe.
	 */
	signal(SIGPIPE, SIG_IGN);
	a->workers = workers;
	/* whatever a program makes (a database, a lock, a socket) is private */
	umask(077);
	if (startup(a, conf) != 0)
		goto out;
	rc = workers == 1 ? worker(a) : supervise(a, workers);
out:
	shutdown_app(a);
	return rc;
}

void
app_page_private(struct app *a, struct req *r, int status, const char *name,
    struct tmpl_model *m)
{
	resp_header(r, "Cache-Control", "no-store");
	app_page(a, r, status, name, m);
}

int
app_same_site(const struct app *a, const struct req *r)
{
	if (r->origin != NULL && strcmp(r->origin, a->conf.base_url) != 0)
		return 0;
	return r->fetch_site == NULL || strcmp(r->fetch_site, "same-origin") == 0 ||
	    strcmp(r->fetch_site, "none") == 0;
}

void
app_redirect(struct req *r, const char *to)
{
	resp_header(r, "Location", to);
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, 303, NULL, NULL, 0);
}

/*
 * Seconds a client should wait before trying again, per database fault: a
 * lock is over in moments; space, permissions and damage need a person.
 */
static const char *const retry_after[DB_FAULT__MAX] = {
	NULL, "10", "300", "300", "60", "3600"
};

/*
 * The one place where a database fault becomes the answer (#17): a
 * failure (status 500) while the database was locked past the busy
 * timeout, full, read-only, failing to write or damaged is 503 Service
 * Unavailable with Retry-After, since nothing was stored and trying again
 * later may well work. Returns the status to send.
 */
static int
fault_status(struct req *r, int status)
{
	enum db_fault f = db_fault();

	if (status < 500 || f == DB_FAULT_NONE)
		return status;
	resp_header(r, "Retry-After", retry_after[f]);
	return 503;
}

void
app_page(struct app *a, struct req *r, int status, const char *name,
    struct tmpl_model *m)
{
	const struct tmpl *t = tmpl_get(a->tmpl, name, r->lang);
	struct tmpl_map *root = tm_root(m);
	struct buf out = BUF_INIT;
	enum lang other = r->lang == LANG_FI ? LANG_EN : LANG_FI;

	if (t == NULL) {
		LOG_ERR("no template %s", name);
		tm_free(m);
		app_error(a, r, 500);
		return;
	}
	tm_str(root, "lang", lang_codes[r->lang]);
	tm_str(root, "lang_other", lang_codes[other]);
	/* r->path is NULL when the request was refused before it was parsed. */
	tm_str(root, "path", r->path ? r->path : "/");
	{
		struct buf href = BUF_INIT;

		buf_addf(&href, "%s?lang=%s", r->path ? r->path : "/",
		    lang_codes[other]);
		tm_str(root, "lang_href", href.data);
		buf_free(&href);
	}
	tm_str(root, "request_id", r->id);
	tmpl_render(t, root, &out);
	tm_free(m);
	if (status >= 500 && status != 503)
		status = fault_status(r, status);
	resp_send(r, status ? status : 200, "text/html; charset=utf-8",
	    out.data, out.len);
	buf_free(&out);
}

void
app_error(struct app *a, struct req *r, int status)
{
	char key[48];
	struct tmpl_model *m;
	struct tmpl_map *root;
	const struct tmpl *t;
	enum db_fault f = db_fault();

	switch (status) {
	case 400: case 403: case 404: case 405: case 411: case 413: case 415:
		break;
	default:
		status = fault_status(r, 500);
		break;
	}
	t = a->tmpl ? tmpl_get(a->tmpl, "error.xhtml", r->lang) : NULL;
	if (t == NULL) {
		static const char plain[] = "Error\n";

		resp_send(r, status, "text/plain; charset=utf-8", plain,
		    sizeof(plain) - 1);
		return;
	}
	m = tm_new();
	root = tm_root(m);
	tm_int(root, "status", status);
	if (status == 503) {
		/* which fault: the message says when trying again may help */
		tm_str(root, "title", i18n_msg(a->msgs, r->lang,
		    "error.503.title"));
		snprintf(key, sizeof(key), "error.503.%s", db_fault_names[f]);
		tm_str(root, "text", i18n_msg(a->msgs, r->lang, key));
	} else {
		snprintf(key, sizeof(key), "error.%d.title", status);
		tm_str(root, "title", i18n_msg(a->msgs, r->lang, key));
		snprintf(key, sizeof(key), "error.%d.text", status);
		tm_str(root, "text", i18n_msg(a->msgs, r->lang, key));
	}
	tm_bool(root, "show_id", status >= 500);
	resp_header(r, "Cache-Control", "no-store");
	app_page(a, r, status, "error.xhtml", m);
}
