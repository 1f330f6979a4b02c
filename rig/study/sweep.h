/* sweep.h - `rig sweep`: measure a pen over a grid of commanded depths and
 * stroke rates, several times, and write one CSV row per cell and repeat.
 * No pass/fail and nothing written to the pen: this is for characterising
 * prototypes (docs/characterization.md).
 *
 * sweep_execute() runs on a bench the caller opened (rig/bench/bench.h):
 * it takes the lock and the devices and leaves the bench safe and released
 * again; the caller owns the options (and the observer) and the result,
 * and prints what it wants of them.
 */
#ifndef RIG_STUDY_SWEEP_H
#define RIG_STUDY_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"
#include "core/err.h"
#include "run/point.h"
#include "run/profile.h"

#define SWEEP_MAX_POINTS 256

/* The sweep CSV's columns, in order. */
#define SWEEP_NCOLUMNS 23
extern const char *const sweep_columns[SWEEP_NCOLUMNS];

struct sweep_options {
	const double *depths_um;
	size_t ndepths;
	const double *freqs_hz;
	size_t nfreqs;
	/* Pad preloads to measure the grid at, in N (the operator sets each,
	 * the load cell must read it); npreloads 0: as the pen sits. */
	const double *preloads_n;
	size_t npreloads;
	unsigned repeats;             /* >= 1: whole grid passes */
	unsigned settle_ms;
	struct profile_window window;
	const char *out_dir;          /* NULL: reports */
	bool save_trace;
	unsigned wait_lock_s;
	/* One line per point and the pen's identity (may be NULL). */
	void (*progress)(void *ctx, const char *text);
	void *progress_ctx;
	const struct point_observer *observer; /* may be NULL */
	/* The stroke engine's quality gates, as a run's profile [quality]
	 * sets them; NULL: a profile's defaults. A cell they refuse is not
	 * measured: no figures, status "not measured: <why>". */
	const struct measure_gates *gates;
};

struct sweep_result {
	char csv_path[PATH_MAX];      /* "" if none was written */
	size_t rows;
	double bench_time_s;
	char pen_serial[64];
	char message[RIG_ERR_MSG_MAX];/* why it stopped, "" when complete */
	/* On a bench with a zero target (run/zero_target.h), read before the
	 * grid: the zero's move since rig zero and its U (k = 2) as it joins
	 * every depth's U; NAN without a target. */
	double zero_move_um, zero_U_um;
};

/* RIG_OK when the whole grid was measured; otherwise why it stopped
 * (RIG_E_ABORTED for e-stop or lid, device errors, RIG_E_IO for the CSV,
 * RIG_E_BUSY for the lock), also in res->message. */
enum rig_rc sweep_execute(struct bench *b, const struct sweep_options *o,
			  struct sweep_result *res);

/* Parse "250,500,1000" or "250:2500:250" (start:stop:step, stop included
 * when the steps land on it) or a mix "100,250:1000:250". Values must be
 * finite, > 0 and strictly increasing; at most cap. RIG_E_USAGE with the
 * reason. */
enum rig_rc sweep_parse_list(const char *s, double *out, size_t cap, size_t *n,
			     struct rig_err *err);

#endif
