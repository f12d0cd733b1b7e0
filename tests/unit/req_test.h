/* req_test.h — helpers shared by the request unit tests (test_req*.c):
 * string building and fake libfcgi streams; static inline, as each test
 * file is a binary of its own. */
#ifndef REQ_TEST_H
#define REQ_TEST_H

#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "buf.h"
#include "req.h"

#define S(lit)	(lit), sizeof(lit) - 1

/* A string of n copies of unit. */
static inline char *
repeat(const char *unit, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_adds(&b, unit);
	return buf_take(&b);
}

/* Fake libfcgi streams: input from a string, output into a buf. */
struct fake_in {
	FCGX_Stream	 s;
	const char	*data;
	size_t		 len;
	size_t		 pos;
	int		 fills;
	unsigned char	 win[7];
};

static inline void
in_fill(FCGX_Stream *s)
{
	struct fake_in *in = s->data;
	size_t n = in->len - in->pos;

	in->fills++;
	if (n > sizeof(in->win))
		n = sizeof(in->win);
	if (n == 0) {
		s->isClosed = 1;
		s->rdNext = s->stop = in->win;
		return;
	}
	memcpy(in->win, in->data + in->pos, n);
	in->pos += n;
	s->rdNext = in->win;
	s->stop = in->win + n;
}

static inline void
fake_in_init(struct fake_in *in, const char *data, size_t len)
{
	memset(in, 0, sizeof(*in));
	in->data = data;
	in->len = len;
	in->s.rdNext = in->s.stop = in->s.stopUnget = in->win;
	in->s.isReader = 1;
	in->s.fillBuffProc = in_fill;
	in->s.data = in;
}

/* Bytes the program consumed from the fake input. */
static inline size_t
fake_in_consumed(const struct fake_in *in)
{
	return in->pos - (size_t)(in->s.stop - in->s.rdNext);
}

struct fake_out {
	FCGX_Stream	 s;
	struct buf	 got;
	unsigned char	 win[16];
};

static inline void
out_empty(FCGX_Stream *s, int doclose)
{
	struct fake_out *o = s->data;

	(void)doclose;
	buf_add(&o->got, o->win, (size_t)(s->wrNext - o->win));
	s->wrNext = o->win;
}

static inline void
fake_out_init(struct fake_out *o)
{
	memset(o, 0, sizeof(*o));
	o->s.wrNext = o->win;
	o->s.stop = o->win + sizeof(o->win);
	o->s.emptyBuffProc = out_empty;
	o->s.data = o;
}

static inline const char *
fake_out_text(struct fake_out *o)
{
	out_empty(&o->s, 0);
	return buf_cstr(&o->got);
}

struct fake {
	FCGX_Request	 f;
	struct fake_in	 in;
	struct fake_out	 out;
	struct req	 r;
};

static inline struct fake *
fake_new(char **env, const char *body)
{
	struct fake *x = xcalloc(1, sizeof(*x));

	fake_in_init(&x->in, body ? body : "", body ? strlen(body) : 0);
	fake_out_init(&x->out);
	x->f.in = &x->in.s;
	x->f.out = &x->out.s;
	x->f.envp = env;
	return x;
}

static inline void
fake_free(struct fake *x)
{
	req_free(&x->r);
	buf_free(&x->out.got);
	free(x);
}

static inline enum req_status
fake_init(struct fake *x)
{
	return req_init(&x->r, &x->f, &req_limits_default);
}

#endif
