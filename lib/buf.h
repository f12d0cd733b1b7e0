/* buf.h — growable byte buffers for building pages, headers and strings. */
#ifndef REKISTERI_BUF_H
#define REKISTERI_BUF_H

#include <stddef.h>

/*
 * A buffer owns data; len bytes are used, and data[len] is always NUL once
 * anything was added, so data can be read as a C string. Allocation failure
 * is not recoverable here: it logs and aborts (there is no partial page to
 * save), which keeps every caller's error path about input, not memory.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reserve(struct buf *, size_t);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
const char *buf_cstr(struct buf *);
char	*buf_take(struct buf *);

/* xmalloc and friends: like malloc, but abort (after a log line) on failure. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
