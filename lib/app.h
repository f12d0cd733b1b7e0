/* app.h — what every FastCGI executable shares: start-up, the request loop, routing by table, pages and error pages. */
#ifndef REKISTERI_APP_H
#define REKISTERI_APP_H

#include <stddef.h>

#include <sqlite3.h>

#include "conf.h"
#include "db.h"
#include "i18n.h"
#include "req.h"
#include "sandbox.h"
#include "tmpl.h"

struct app;

typedef void (*app_handler)(struct app *, struct req *);

/*
 * A route: an exact path (or, with prefix set, every path starting with
 * it), the methods it answers and its handler. A path with no row is 404;
 * a known path with another method is 405 with an Allow header. HEAD is
 * answered wherever GET is.
 */
struct route {
	const char	*path;
	unsigned	 methods;	/* METHOD_GET | METHOD_POST ... */
	int		 prefix;
	app_handler	 fn;
	unsigned	 roles;		/* who may: role bits (auth.h); 0 = anyone */
	unsigned	 flags;		/* the executable's own (its authorize reads them) */
};

struct app {
	/* set by the executable */
	const char		*name;		/* for logs: "notice" */
	const struct route	*routes;
	size_t			 nroutes;
	enum db_mode		 db_mode;	/* DB_READONLY for public readers */
	/*
	 * The seccomp and Landlock profile every worker (and the service)
	 * enters after start-up (sandbox.h); with [mail] sendmail set, a
	 * helper outside it runs sendmail (mail_helper_start).
	 */
	enum sandbox_profile	 sandbox;
	int			(*init)(struct app *);	/* after db open; 0 ok */
	/*
	 * Consulted before every handler with the route found: returns 0 to
	 * let the handler run, or non-zero when it has answered itself
	 * (sign-in redirect, 403). NULL: every route is public.
	 */
	int			(*authorize)(struct app *, struct req *,
				    const struct route *);
	void			(*fini)(struct app *);
	/*
	 * Optional: called after every request that reached authorize,
	 * answered or not, with no transaction open and r->ctx still there:
	 * for a write the request did not make on its way (the intranet's
	 * session clock, when no audit row carried it).
	 */
	void			(*finish)(struct app *, struct req *);
	/*
	 * Bytes of the executable's per-request context: app_dispatch gives
	 * every request a zeroed one in r->ctx (authorize fills it, the
	 * handler reads it) and frees it after the answer. 0: none.
	 */
	size_t			 ctx_size;
	/*
	 * Optional: one more process beside the workers (only with -w N > 1),
	 * started after init like a worker and restarted when it ends; it
	 * runs until SIGTERM. The request executable's writer is one.
	 */
	int			(*service)(struct app *);
	/*
	 * Optional: threads per worker (0 or 1: one; init may set it). They
	 * answer in turn under one lock, and a thread lets go of it only
	 * while it waits for its writer (gc_call), so more are in flight.
	 */
	int			 threads;
	/* set by app_main */
	int			 workers;	/* -w: a service runs when > 1 */
	struct conf		 conf;
	sqlite3			*db;
	struct i18n		*msgs;
	struct tmpl_set		*tmpl;
	struct req_limits	 limits;
	void			*data;		/* the executable's own state */
};

/*
 * Start up (config from -c FILE or REKISTERI_CONF, messages, templates),
 * then answer FastCGI requests on the socket passed as standard input
 * (spawn-fcgi -n, systemd) until killed. With -w N, a parent forks N
 * workers that share the compiled templates and each open their own
 * database connection, restarts any that die, and stops them on SIGTERM;
 * they keep its standard error as their log. Returns the process exit
 * status: 1 when start-up fails (the reason is logged, naming file and
 * line), 2 on bad usage, 0 after a clean shutdown.
 */
int	 app_main(struct app *, int argc, char **argv);

/*
 * Answer with template name rendered from model m (status 200 unless
 * given), adding the values every page has (lang, lang_other, path,
 * request id). Takes ownership of m.
 */
void	 app_page(struct app *, struct req *, int status, const char *name,
	    struct tmpl_model *m);

/* app_page for a page that must not be cached (staff pages, forms, tickets). */
void	 app_page_private(struct app *, struct req *, int status,
	    const char *name, struct tmpl_model *m);

/*
 * Whether a POST came from a page of this site: its Origin, when sent, is
 * base_url, and its Sec-Fetch-Site, when sent, is same-origin or none (typed
 * or bookmarked). A client that sends neither (curl, a script) is allowed;
 * a browser on another site is not (cross-site request forgery).
 */
int	 app_same_site(const struct app *, const struct req *);

/* 303 See Other to the local path to, not cached. */
void	 app_redirect(struct req *, const char *to);

/* A plain error page for status in the request's language. */
void	 app_error(struct app *, struct req *, int status);

/*
 * Dispatch one parsed request through the routing table; used by app_main
 * and by tests. A POST's body (req_begin leaves it pending) is read only
 * once a route has taken the request: an unknown path (404) or method
 * (405 with Allow) is answered without reading a byte of it, so a slow
 * client cannot hold a worker with a body nobody wants. One error path
 * for every handler: a handler that sends
 * nothing is answered 500, and a transaction a handler (or authorize)
 * left open is rolled back and logged, so the worker's connection is
 * clean for the next request and nothing half-done is ever committed.
 */
void	 app_dispatch(struct app *, struct req *);

#endif
