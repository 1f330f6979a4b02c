/* grr.h - `rig grr`: a gauge study of the bench (AIAG MSA, 4th ed.).
 *
 * A crossed study: N parts (pens) x K operators x R repeats, each trial a
 * part seated anew by an operator and measured at every characteristic the
 * profile verifies (depth at each verify depth point, rate at each verify
 * rate point), in a randomised order; per characteristic the ANOVA method
 * (rig/study/anova.h) gives repeatability, reproducibility, interaction and
 * part variation, %GRR against the tolerance and the total variation, ndc
 * and the MSA verdict. With one part and one operator it is a repeatability
 * study of one unit: the standard deviation of the repeats and P/T =
 * 6 sigma / tolerance per characteristic.
 *
 * Who seats the part is a seam (struct grr_trials): a person asked at a
 * real bench, or, on the virtual bench, a bench built for that part and
 * operator. grr_execute() takes the lock and the devices of each trial's
 * bench and leaves it safe and released. The caller owns the result.
 */
#ifndef RIG_STUDY_GRR_H
#define RIG_STUDY_GRR_H

#include <stddef.h>
#include <stdint.h>

#include "bench/bench.h"
#include "core/err.h"
#include "run/profile.h"
#include "study/anova.h"

#define GRR_MAX_PARTS 30
#define GRR_MAX_OPERATORS 6
#define GRR_MAX_REPEATS 1000

struct grr_trials {
	/* Have part `part` (0-based) seated by operator `op` and return the
	 * bench to measure it on (*b, open, lock not taken). Called before
	 * every trial; `first` is true for the study's first trial. */
	enum rig_rc (*seat)(void *ctx, unsigned part, unsigned op, bool first, struct bench **b,
			    struct rig_err *err);
	void *ctx;
};

struct grr_options {
	unsigned parts, operators, repeats;
	uint64_t seed;                   /* of the randomised order */
	unsigned wait_lock_s;
	struct grr_trials trials;
	/* One line per trial (may be NULL). */
	void (*progress)(void *ctx, const char *text);
	void *progress_ctx;
};

/* One characteristic: its measurements y[(part * K + op) * R + rep] and
 * their ANOVA. */
struct grr_char {
	const char *quantity;            /* "depth" or "freq" */
	const char *unit;
	double commanded;
	double tolerance;                /* USL - LSL */
	double *y;                       /* N x K x R, NaN where not measured */
	double u_mean;                   /* mean expanded uncertainty of one window */
	struct grr_anova a;              /* parts >= 2 */
	/* Repeatability only (one part, one operator). */
	double mean, std, pt_pct;
	size_t n;
};

struct grr_result {
	unsigned parts, operators, repeats;
	struct grr_char ch[2 * PROFILE_MAX_POINTS];
	size_t nch;
	char part_serial[GRR_MAX_PARTS][64]; /* as each part's pen says */
	char profile[64];
	double bench_time_s;
	enum grr_verdict verdict;        /* the worst characteristic's */
	size_t worst;                    /* its index */
	/* The zero target of each trial's bench (run/zero_target.h), read
	 * before the trial is measured, as a run reads it: the zero's move
	 * since rig zero and its U (k = 2) as it joins each depth's U,
	 * [(part * K + op) * R + rep] (NaN: not read); NULL when no trial's
	 * bench has a target. Freed by grr_result_free. */
	double *zero_move_um, *zero_U_um;
};

/* RIG_OK with every characteristic's figures in *res; otherwise why it
 * stopped (RIG_E_USAGE for a design out of range, RIG_E_ABORTED for the
 * wrong pen, a part seated twice, e-stop or lid; device errors). */
enum rig_rc grr_execute(const struct profile *prof, const struct grr_options *o,
			struct grr_result *res, struct rig_err *err);
void grr_result_free(struct grr_result *res);

/* "good", "marginal" or "unacceptable" for a P/T in percent. */
const char *grr_rating(double pt_pct);

#endif
