/*
 * test_faults_lock — another process holds the database's write lock
 * longer than the busy timeout (#17, docs/faults.md): a public form post
 * and a staff edit each answer 503 with Retry-After and a page in the
 * user's language within a bounded time, store nothing, and work again
 * once the lock is gone; pages that only read keep working under WAL; no
 * worker hangs.
 */
#include <sys/time.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "faults.h"

#define PW	"Lukko-testi-salasana-7"
/* db_busy gives up after about 5 s; the worker's wait for the writer is 10 s */
#define BOUND	15.0

static char *staff, *csrf;

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* A request form post in lang with a fresh token (taken before any lock). */
static char *
form_body(const char *token, const char *name)
{
	return http_form("form_token", token, "type", "access", "name", name,
	    "email", "lukko@example.fi", "free_text", "", NULL);
}

/* 503, Retry-After given, the page well-formed in lang and saying key. */
static void
assert_unavailable(const struct http_resp *r, const char *lang,
    const char *key, const char *retry)
{
	char *ra = http_header(r, "Retry-After");

	if (r->status != 503)
		fail_msg("%ld, not 503:\n%s", r->status, r->body.data);
	assert_non_null(ra);
	assert_string_equal(ra, retry);
	free(ra);
	http_assert_page(r, lang);
	if (!http_body_has(r, http_msg(lang, key)))
		fail_msg("no %s (%s):\n%s", key, lang, r->body.data);
}

/* The public form: 503 in Finnish and in English, nothing stored, then stored. */
static void
public_form(void **st)
{
	struct http_resp r;
	char *t1 = http_form_token(), *t2 = http_form_token(), *b1, *b2;
	long long before = http_db_int("SELECT count(*) FROM requests", NULL);
	double t0, took;
	pid_t lock;

	(void)st;
	b1 = form_body(t1, "Lukko Testi");
	b2 = form_body(t2, "Lock Test");
	lock = fault_lock();
	t0 = now();
	http_session(&r, "POST", "/request?lang=fi", NULL, b1);
	took = now() - t0;
	assert_unavailable(&r, "fi", "request.store_unavailable", "10");
	/* the values are kept for sending again */
	assert_true(http_body_has(&r, "Lukko Testi"));
	http_resp_free(&r);
	if (took > BOUND)
		fail_msg("the answer took %.1f s", took);
	http_session(&r, "POST", "/request?lang=en", NULL, b2);
	assert_unavailable(&r, "en", "request.store_unavailable", "10");
	http_resp_free(&r);
	fault_unlock(lock);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests", NULL),
	    before);
	/* the same forms again, now stored (their tokens were not used up) */
	http_session(&r, "POST", "/request?lang=fi", NULL, b1);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	http_session(&r, "POST", "/request?lang=en", NULL, b2);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM requests", NULL),
	    before + 2);
	free(b1);
	free(b2);
	free(t1);
	free(t2);
}

static char *
customer_body(const char *last)
{
	return http_form("csrf", csrf, "first_name", "Lukko", "last_name", last,
	    "country", "fi", "source", "customer", NULL);
}

/* A staff edit: 503 in Finnish and English, nothing stored, then stored. */
static void
staff_edit(void **st)
{
	struct http_resp r;
	char *b = customer_body("Odottaja");
	long long before = http_db_int("SELECT count(*) FROM customers", NULL);
	double t0, took;
	pid_t lock;

	(void)st;
	lock = fault_lock();
	t0 = now();
	http_session(&r, "POST", "/intranet/customers/new", staff, b);
	took = now() - t0;
	assert_unavailable(&r, "fi", "error.503.busy", "10");
	http_resp_free(&r);
	if (took > BOUND)
		fail_msg("the answer took %.1f s", took);
	http_session(&r, "POST", "/intranet/customers/new?lang=en", staff, b);
	assert_unavailable(&r, "en", "error.503.busy", "10");
	http_resp_free(&r);
	fault_unlock(lock);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before);
	http_session(&r, "POST", "/intranet/customers/new", staff, b);
	if (r.status != 303)
		fail_msg("%ld after the lock:\n%s", r.status, r.body.data);
	http_resp_free(&r);
	assert_int_equal(http_db_int("SELECT count(*) FROM customers", NULL),
	    before + 1);
	free(b);
}

/* Pages that only read answer at once while the lock is held (WAL). */
static void
reads_go_on(void **st)
{
	static const char *const pages[] = {
		"/notice", "/notice?lang=en", "/notice.json", "/request",
		"/request/verify", "/request/key",
	};
	struct http_resp r;
	pid_t lock;

	(void)st;
	lock = fault_lock();
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		double t0 = now();

		http_get(&r, pages[i]);
		if (r.status != 200 || now() - t0 > 2.0)
			fail_msg("%s: %ld in %.1f s under the lock", pages[i],
			    r.status, now() - t0);
		http_resp_free(&r);
	}
	fault_unlock(lock);
}

/*
 * More posts at once than there are workers, under the lock: each is
 * answered within the bound and every worker is free afterwards.
 */
static void
no_worker_hangs(void **st)
{
	struct buf o = BUF_INIT;
	char *base = getenv("REKISTERI_BASE_URL");
	double t0;
	pid_t lock;
	int rc;

	(void)st;
	lock = fault_lock();
	t0 = now();
	/* six at once, each with its own token (curl, parallel) */
	rc = http_run(&o, "for i in 1 2 3 4 5 6; do (t=$(curl -s %s/request | "
	    "sed -n 's/.*name=\"form_token\" value=\"\\([^\"]*\\)\".*/\\1/p' | "
	    "head -n 1); curl -s -o /dev/null -w '%%{http_code}\\n' --max-time "
	    "40 --data-urlencode form_token=$t -d type=access -d name=Rinnakkain "
	    "-d email=rinn@example.fi %s/request) & done; wait", base, base);
	assert_int_equal(rc, 0);
	if (now() - t0 > 3 * BOUND)
		fail_msg("six posts took %.1f s", now() - t0);
	for (const char *p = buf_cstr(&o); *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, "503", 3) != 0)
			fail_msg("not all 503:\n%s", buf_cstr(&o));
		if (strchr(p, '\n') == NULL)
			break;
	}
	assert_int_equal(fault_lines(buf_cstr(&o)), 6);
	fault_unlock(lock);
	buf_free(&o);
	{
		struct http_resp r;
		double t1 = now();

		http_get(&r, "/notice");
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
		free(http_submit("access", "Vapaa Taas", "vapaa@example.fi"));
		if (now() - t1 > 5.0)
			fail_msg("the workers were slow after the lock: %.1f s",
			    now() - t1);
	}
}

static int
setup(void **st)
{
	struct http_resp r;

	(void)st;
	if (fault_setup() != 0 || http_request_setup() != 0 ||
	    http_user_add("lukko1", "handler", PW) != 0)
		return -1;
	staff = http_login("lukko1", PW);
	http_session(&r, "GET", "/intranet/customers/new", staff, NULL);
	csrf = http_csrf(&r);
	http_resp_free(&r);
	return csrf == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_go_on),
		cmocka_unit_test(public_form),
		cmocka_unit_test(staff_edit),
		cmocka_unit_test(no_worker_hangs),
	};

	return http_group_main("faults_lock", tests, sizeof(tests) /
	    sizeof(tests[0]), setup);
}
