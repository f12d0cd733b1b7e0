/* log.c — see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char ident[32] = "rekisteri";
static _Thread_local char rid[40] = "-";

void
log_init(const char *name)
{
	snprintf(ident, sizeof(ident), "%s", name);
}

void
log_set_request(const char *id)
{
	snprintf(rid, sizeof(rid), "%s", id != NULL ? id : "-");
}

void
log_write(const char *func, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write per line, so lines from several workers do not interleave. */
	fprintf(stderr, "%s[%ld] rid=%s %s: %s\n", ident, (long)getpid(), rid,
	    func, msg);
	fflush(stderr);
}
