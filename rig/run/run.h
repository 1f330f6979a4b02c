/* run.h - one test run of one pen: lock the bench, check safety and the
 * fixture's calibration, identify the pen, preload, calibrate, verify,
 * judge, and always leave the bench safe and a report behind.
 *
 * run_execute() owns everything it opens and releases it before it
 * returns; the caller owns the options and the result.
 */
#ifndef RIG_RUN_RUN_H
#define RIG_RUN_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "run/point.h"
#include "run/report.h"
#include "sim/bench.h"

enum run_mode {
	RUN_MODE_AUTO,      /* calibrate when the profile has [calibrate] */
	RUN_MODE_CALIBRATE,
	RUN_MODE_VERIFY,
};

struct run_options {
	const char *fixture_path;  /* NULL: session_default_fixture() */
	const char *profile_path;  /* required */
	const char *serial;        /* scanned serial; NULL: take the pen's */
	const char *operator_name; /* NULL: $USER */
	enum run_mode mode;
	const char *out_dir;       /* NULL: reports/ */
	const char *junit_path;    /* NULL: none */
	bool save_trace;
	unsigned wait_lock_s;
	char *const *sims;         /* --sim key=value */
	size_t nsims;
	FILE *progress;            /* where progress goes (stderr); NULL: quiet */
	/* Called at the start of every phase (may be NULL): for the station
	 * display and for tests. bench is the virtual bench, NULL on a real
	 * one. */
	void (*on_phase)(void *ctx, const char *phase, struct sim_bench *bench);
	/* Called with every progress line (may be NULL), whether or not
	 * `progress` is set: step of nsteps measurement points done so far
	 * and the line's text ("verify depth_sweep 1500 um"). Same ctx. */
	void (*on_progress)(void *ctx, const char *phase, unsigned step, unsigned nsteps,
			    const char *text);
	void *phase_ctx;
	/* Sees every measuring point (rig/run/point.h), e.g. for plots; may
	 * be NULL. */
	const struct point_observer *observer;
	/* Called once at the very end (may be NULL), after the motor stopped,
	 * pen power went off and the report was written or not, while the
	 * virtual bench (or NULL) still exists: for tests of the final state.
	 * Gets phase_ctx. */
	void (*on_end)(void *ctx, struct sim_bench *bench);
};

struct run_failure {
	char text[200];            /* "verify depth at 1500 um: 1571.2 um above 1550 um" */
};

#define RUN_MAX_FAILURES 32

struct run_result {
	int exit_code;
	bool reported;             /* a report was written */
	enum report_verdict verdict;
	char reason[256];
	char report_path[PATH_MAX];
	char pen_serial[64];
	size_t nfailures;          /* failed judgements, first RUN_MAX_FAILURES kept */
	struct run_failure failures[RUN_MAX_FAILURES];
	double bench_time_s;
	/* Exit 74: why the report folder could not be written, and what was
	 * kept (the journal the next run recovers); "" otherwise. */
	char report_error[512];
};

/* Run. Returns the process exit code (also in res->exit_code):
 * 0 PASS, 1 FAIL, 2 ABORTED or device fault, 65 bad profile, 74 report
 * folder not writable, 75 bench busy, 78 fixture wrong or its calibration
 * expired. */
int run_execute(const struct run_options *o, struct run_result *res);

const char *run_mode_name(enum run_mode m);

#endif
