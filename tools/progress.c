/* progress.c — the progress bar of a long CLI run (tools/demo.c's customers), on a terminal only: see cli.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
progress_show(struct progress *p, long done, const char *phase)
{
	struct timespec now;
	char bar[31];
	int fill;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (phase == NULL && done != p->n && elapsed(&p->last, &now) < 0.1)
		return;
	p->last = now;
	fill = p->n > 0 ? (int)(done * 30 / p->n) : 30;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(30 - fill));
	bar[30] = '\0';
	printf("\r[%s] %3d%% %ld / %ld customers, %.1f s%s%s\033[K", bar,
	    p->n > 0 ? (int)(done * 100 / p->n) : 100, done, p->n,
	    elapsed(&p->start, &now), phase ? "; " : "", phase ? phase : "");
	fflush(stdout);
}
