/* grr.h - `rig grr`: repeatability of the bench on one pen. The same unit
 * is measured N times at the profile's verify points; per point the
 * standard deviation of the N results is compared with the tolerance as
 * precision-to-tolerance, P/T = 6 sigma / (USL - LSL) (AIAG MSA, 4th ed.;
 * the 3rd edition used 5.15 sigma, 99 % instead of 99.73 %).
 *
 * grr_execute() runs on a bench the caller opened (rig/bench/bench.h) with
 * a profile the caller loaded; it takes the lock and the devices and
 * leaves the bench safe and released again. The caller owns the result
 * and prints it.
 */
#ifndef RIG_STUDY_GRR_H
#define RIG_STUDY_GRR_H

#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"
#include "core/err.h"
#include "run/profile.h"

#define GRR_SIGMAS 6.0               /* spread counted against the tolerance */
#define GRR_GOOD_PCT 10.0            /* below: the bench can judge this tolerance */
#define GRR_MARGINAL_PCT 30.0        /* above: it cannot */

struct grr_options {
	unsigned repeats;                /* >= 2 */
	unsigned wait_lock_s;
	/* One line per point measured (may be NULL). */
	void (*progress)(void *ctx, const char *text);
	void *progress_ctx;
};

struct grr_point {
	const char *quantity;            /* "depth" or "freq" */
	const char *unit;
	double commanded;
	size_t n;                        /* results (windows measured) */
	double mean, std;                /* of the n results; std: n - 1 */
	double tolerance;                /* USL - LSL */
	double pt_pct;                   /* 100 * 6 std / tolerance */
	double u_mean;                   /* mean expanded uncertainty of one window */
};

struct grr_result {
	struct grr_point pt[2 * PROFILE_MAX_POINTS];
	size_t npt;
	char pen_serial[64];
	char profile[64];
	double bench_time_s;
};

/* RIG_OK with every point's figures in *res; otherwise why it stopped,
 * with the message in err (RIG_E_USAGE for fewer than 2 repeats,
 * RIG_E_ABORTED for the wrong pen, e-stop or lid, device errors). */
enum rig_rc grr_execute(struct bench *b, const struct profile *prof, const struct grr_options *o,
			struct grr_result *res, struct rig_err *err);

/* "good", "marginal" or "unacceptable" for a P/T in percent. */
const char *grr_rating(double pt_pct);

#endif
