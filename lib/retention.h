/* retention.h — the retention run: what each data class holds past its period (lib/retention_class.c), counted for a dry run, removed or emptied in batches that each commit whole, resumable and audited. */
#ifndef REKISTERI_RETENTION_H
#define REKISTERI_RETENTION_H

#include <time.h>

#include <sqlite3.h>

#include "retention_class.h"

/* The run's jobs, in the order a run does them: each works on one class. */
enum retention_job {
	RJ_SESSION,	/* sessions past their limit: deleted */
	RJ_SIGNIN,	/* failed sign-ins past the lockout window: deleted */
	RJ_RATE,	/* the form's rate counts past the hour: deleted */
	RJ_UPLOAD,	/* import uploads past their hour: deleted */
	RJ_OUTBOX,	/* sent or given-up mail: address and body emptied */
	RJ_HISTORY_OLD,	/* a history row's old value, once corrected: emptied */
	RJ_HISTORY_NEW,	/* a history row's new value, once corrected again: emptied */
	RJ_REQUEST,	/* closed requests with their steps, links and letters: deleted */
	RJ_CUSTOMER,	/* customer records 10 years after the relationship: erase or anonymise */
	RJ_AUDIT,	/* audit rows past their period: cut, an anchor recorded */
	RJ__MAX
};

enum retention_action {
	RA_DELETE,	/* the rows are deleted */
	RA_EMPTY,	/* the personal values are emptied, the rows kept */
	RA_ERASE	/* erased or anonymised as the holds allow (lib/forget) */
};

/* Room for the reasons of lib/holds.h's enum hold_reason (checked there). */
#define RETENTION_HOLDS	8

/* One job's line of a report. */
struct retention_line {
	const char		*code;		/* "session", "history", ... */
	enum retention_class	 rc;
	enum retention_action	 action;
	int			 wired;		/* 0: this build cannot do the job (counted only) */
	long long		 due;		/* rows past their period */
	long long		 kept;		/* rows of the class still within it */
	long long		 done;		/* rows changed by this run */
	/* the customer class: of the due records, by their holds (lib/holds.h) */
	long long		 erase;		/* erased (or would be) */
	long long		 anonymise;	/* anonymised (or would be): accounting holds */
	long long		 held;		/* kept: a hold refuses erasure */
	long long		 held_by[RETENTION_HOLDS];	/* of those, by enum hold_reason (each reason once a record) */
	long long		 failed;	/* erasures that failed and were rolled back (logged by id) */
};

struct holds_conf;
struct forget_key;
/*
 * What the customer class needs to erase (lib/forget.h): the financial
 * year for the accounting hold, the erasure key and the ledger's path.
 * NULL to a run: the class is counted only (wired 0).
 */
struct retention_erasure {
	const struct holds_conf	*hc;
	const struct forget_key	*key;
	const char		*ledger;
};

struct retention_report {
	sqlite3_int64		 run_id;	/* 0 for a dry run */
	char			 judged_at[21];	/* UTC, YYYY-MM-DDTHH:MM:SSZ */
	int			 resumed;	/* an unfinished run was found and taken over */
	long			 batches;
	struct retention_line	 line[RJ__MAX];
};

/* Progress of an applying run: job j has done done of total rows. */
typedef void (*retention_progress)(void *arg, enum retention_job j,
    long long done, long long total);

/* Rows per batch when the caller gives 0. */
#define RETENTION_BATCH	1000

/*
 * Count, as of now, what each job would change and what it keeps, into *r
 * (run_id 0); with er, each due customer's holds say whether it would be
 * erased, anonymised or held. Reads only (one read transaction). 0, or -1
 * (logged).
 */
int	 retention_plan(sqlite3 *, time_t now, const struct retention_erasure *er,
	    struct retention_report *r);

/*
 * Apply every job as of now in batches of batch rows (0: RETENTION_BATCH),
 * each batch one transaction with its counts in retention_counts, so a kill
 * leaves each batch done or not; the next run takes over an unfinished
 * run's clock (judged_at) and finishes the job. Idempotent: a second run
 * with the same now changes nothing. The run is recorded in
 * retention_runs and audited with its counts (retention.run). progress may
 * be NULL. stop_after > 0 (a test hook) stops the process with _exit(3)
 * once that many batches have committed. With er, each due customer
 * record (10 years after the relationship ended, not yet erased or
 * anonymised) is erased or anonymised as holds_compute says on the run's
 * day in Helsinki (forget_customer, a line in the erasure ledger, an audit
 * row each), or kept while a hold refuses; forget_scrub at the end. 0, or
 * -1 (logged; the batches before the failure stay done).
 */
int	 retention_apply(sqlite3 *, time_t now, int batch,
	    const struct retention_erasure *er, retention_progress,
	    void *arg, long stop_after, struct retention_report *r);

/* The latest applied run, for the intranet: id 0 when none. */
struct retention_last {
	sqlite3_int64	 id;
	char		 started_at[21];
	char		 finished_at[21];	/* "" while running or interrupted */
	char		 state[12];		/* running, done, interrupted */
	long long	 done;			/* rows changed, all classes */
};
int	 retention_last_run(sqlite3 *, struct retention_last *);

/* The job's name as shown and stored: "session", "history.old", ... */
const char *retention_job_code(enum retention_job);

#endif
