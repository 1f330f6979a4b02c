/* engine.h - internals of the stroke engine, shared by its files (not a
 * public interface: callers use stroke.h).
 *
 * The engine is one struct measure (fixed size, ~640 KiB) and these parts:
 *   detect.c   the sample stream and the crossing detector: level, strokes
 *              cut at up-crossings, stalls and gaps; measure_create/push/
 *              finish
 *   learn.c    learning the stroke shape from the first strokes and timing
 *              the stroke ends (knots) against it
 *   shape.c    the folded shape model: equivalent-time bins, the shape
 *              through them, its peak
 *   scatter.c  how the strokes' scatter is correlated, for the bins'
 *              standard errors
 *   fit.c      one stroke against the shape: its depth (the top fit)
 *   edge.c     the record's partial strokes at both ends, from their own
 *              samples (the phase of the first and last sample)
 *   tally.c    running statistics of strokes and periods, gaps counted
 *              across only when sure
 *   result.c   the results and the uncertainty budget (measure_result)
 *   drift.c    drift of the readings: its fit, and its part of the budget
 *   numeric.c  numeric kernels (numeric.h)
 *
 * Data flow for each sample: it is appended to `hist` (extension in um, NaN
 * for a slot without a valid value; internal only, never reported), the
 * crossing detector looks at it, and when a stroke closes (the next
 * up-crossing) the stroke's samples are fitted and dropped. While the shape
 * is being learned (the first HIST_CAP samples after the level is known),
 * closed strokes stay in `hist`; when it is full, at a stall or at the end
 * of the record, the shape is built from them and they are fitted in order.
 * The stroke ends (knots of the phase) are then refined against the shape
 * (knots_step, and knot_solve after learning); the frequency counts them.
 * With --drift correct a drift the troughs show is taken out of the
 * learning store's samples and the shape folded again (learn_drift_out);
 * every later sample loses the drift's last value, and each stroke's
 * figures get what was taken out back (drift_taken).
 */
#ifndef RIG_MEASURE_ENGINE_H
#define RIG_MEASURE_ENGINE_H

#include <math.h>

#include "measure/numeric.h"
#include "measure/stroke.h"

#define HIST_CAP 16384u       /* samples held: learning store / open stroke */
#define SP_POW 8u            /* the powers of a stroke's speed summed (sp_pw) */
#define XING_CAP 4096u        /* crossings held while learning */
#define LEARN_MIN_BURST 32u   /* fewer crossings before a burst: not learned from */
#define NBIN_MIN 16u
/* A fold halved below this many bins (shape.c, shape_learn) takes more
 * than a fifth of its bins empty, not a tenth: near a commensurate rate
 * a drift or the wander moves the few phases the samples fall on, and
 * a fold of 19 bins read a sharp top 5.7 um shallow where 39 bins, 35
 * of them filled, read it within 0.3 um (docs/measurement.md, "A fold
 * halved below 32 bins"). */
#define NBIN_HALVE_FINE 32u
/* Bins to start from, however few samples (halved to NBIN_MIN on empty
 * bins): the sharp top's fit spans at least 3 bins each side, and over
 * 3/16 of a cycle a parabola reads a crank's or a sine's top several um
 * shallow (tests/test_red_captures.sh: short records at 1 kHz, -3..-28 um
 * against U 0.8..8 with 16..21 bins). */
#define NBIN_START 32u
#define DRIFT_HEAD 8u         /* strokes at the start that check the drift's model */
#define DRIFT_DEG_MAX 4u      /* highest degree of the drift's polynomial (drift.c) */
#define DRIFT_DEG_CHECK 5u    /* a degree more, the drift figure's form check (drift.c) */
#define DRIFT_NZ 4u           /* the period, the sample phase's sine and cosine, the period's change (drift.c) */
#define DRIFT_NPH 8u          /* bins of the troughs' phase on the sample grid (drift.c, drift_phase_term) */
#define DRIFT_NTAU 9u         /* time constants of the drift's settling exponentials (drift.c) */
#define DRIFT_NWIN 3u         /* start windows of 16, 32, 64 strokes: lines that check the start level */
/* Flag mode takes the levels' drift out of the fold only where the rate
 * holds within this share over the learning store: a rate that changes
 * changes the strokes' shape in time, and their levels move with it (a
 * start-up from 46 % at 92 Hz, 1 kHz, no drift: the levels read -5.2 um,
 * the depth's U 10.3 -> 20.8 um; blind_hunt.py speed 1000 2037). The
 * local periods spread 0.2-1.2 % over the blind drift draws whose levels
 * fired (seeds 9900-10524), 52-119 % over the start-ups'. The same
 * share decides whether the levels say a drift was detected (drift.c,
 * result_drift). */
#define LEVELS_STEADY_FRAC 0.05
#define DRIFT_BINS 128u       /* the troughs' store in time for the drift's splines (drift.c) */
#define DRIFT_KNOTS_MIN 4u    /* the drift's natural splines: 4 and 5 knots (drift.c) */
#define DRIFT_KNOTS_MAX 5u
#define LEVEL_MIN_SAMPLES 5u  /* fewer a stroke: its mean level is too coarse to check the drift (10 missed 1 kHz strokes of 6-7 samples, where a near-commensurate rate folds a drift into the shape too) */
#define NBIN_MAX 512u
/* Cells of the phase occupancy map (coverage of the cycle by the folded
 * samples: commensurate rates sample the same few phases every stroke). */
#define PHASE_OCC 4096u
#define SAMPLES_PER_BIN 24u   /* learning target: folded samples per bin */
#define TOP_W_WIDE 0.3        /* fit window: shape above 30 % of its travel */
#define TOP_W 0.7             /* offset-only fallback: above 70 % */
#define TOP_W_PEAK 0.95       /* a changing stroke's very top (top_excess) */
#define TROUGH_W 0.1          /* trough estimate: shape below 10 % */
#define STALL_PERIODS 4.0     /* no up-crossing for this long: stalled */
#define END_LAG_N 4u          /* lag of the periods' wander (tally.c, result.c) */
#define END_LAG_BINS 256u     /* its histogram: the squared difference's */
#define END_LAG_LO (-48)      /* binary exponent from -48 (slots^2), */
#define END_LAG_PER 4         /* four bins an octave (2 mantissa bits) */
#define END_TREND_N 12u       /* clean periods next to an end whose line says
				 whether the pen was changing speed there */
#define END_TREND_MIN 8u      /* fewer: no line */
/* Strokes an end fitted to its samples may hold (edge.c): as many as an
 * end may go uncounted before the rate is withheld (result.c,
 * UNSEEN_END_PERIODS), so that no end falls between the two rules. With
 * 1.6, a head of 1.6..2 periods under error values was charged at the
 * speed of the first clean periods, which a start-up kick settled under
 * the error values had left: +78.5 ppm against U 31.7, 1 kHz (the fit
 * follows the settling from the samples: +21.8 against U 73.3). */
#define EDGE_END_MAX 2.0
#define GAP_SIDES_N 8u        /* gaps between segments kept with the speeds on their sides */
#define F_LOW_HZ 20.0         /* slowest stroke assumed without a hint */
#define SHARP_WIDTH 0.12      /* a top narrower (cycles, 1 % down) is a peak */
#define SHARP_BLEND 0.01      /* half the band of widths where both readings blend */
#define KNOT_ITERS 3          /* refinements of the stroke ends while learning */
#define KNOT_PRIOR 0.1        /* prior rms shift of a stroke end, periods */
#define KNOT_MAX 0.25         /* larger steps are outside the linear reach */
#define KNOT_NOISE_UM 2.0     /* sample noise assumed by the knot prior */
#define KNOT_SMOOTH 1e-3      /* rms change of the period from one stroke to the next */

/* bins of a crossing's offset from its sample before (lr_ph) */
#define LOBE_PH_BINS 16

struct xing {
	double t_slot;    /* absolute slot (fractional) of the crossing */
	double t_raw;     /* the same as detected (never refined) */
	uint32_t idx;     /* hist index of the first sample after it */
	bool reliable;    /* both samples either side valid and adjacent */
	bool clean_before;/* the interval that ends here had no invalid sample */
	uint8_t end_moved;/* raw_spike_crossings (learn.c) moved it as the
			     learning's first or last crossing (XING_MOVED_*) */
};
/* end_moved: the learning's first crossing moved as a spike (the period
 * it starts copies the next one), or its last (the period it ends does;
 * result.c, end_copied) */
#define XING_MOVED_FIRST 1u
#define XING_MOVED_LAST 2u

/* What the ring's model through the sensor's exposure said of the top
 * (ring.c ring_model_peak), for the per-stroke std's ring term (result.c
 * std_ring_u). */
struct ring_box {
	double part_um; /* the ring taken: its part of the model's top */
	double gain;    /* the box's gain on the ring that fits best (1: none) */
	double freq_hz; /* the ring's frequency: the model's where fitted,
			   else the ripple's half period (0: neither;
			   ring_alias_k) */
	bool smooth;    /* the ring taken, but a polynomial of degree 6 fits
			   the top as well (RM_SMOOTH): not reported */
	bool hidden;    /* none taken: the ring that fits best stands out of
			   the fit (RM_CHI), but the box passes under
			   RM_BOX_GAIN of it */
	bool onset;     /* the hidden ring read by its model from the impact
			   (ring.c ring_onset_peak): its U is the model's */
};
/* no ring taken, none hidden */
#define RING_BOX_NONE \
	((struct ring_box){ .part_um = 0, .gain = 1, .freq_hz = 0, .smooth = false, \
			    .hidden = false, .onset = false })

/* A ring model's fit (ring.c ring_model_try) and the inputs it was fitted
 * on. A build between the two top models (shape.c sharp_share) reads the
 * top with each, and both reads may fit the model on the same points
 * with the same inputs: the second takes the first's fit (shape_build
 * owns one a build, on its stack). */
struct ring_memo {
	bool valid;
	/* the inputs */
	const struct shape_pts *P;
	double bh, box, grid_hz, rate_hz;
	long lo, hi;
	bool wide;
	bool onset; /* the ring from its impact allowed (ring_model_peak) */
	/* the caller's ring box and fit's noise before the fit (a caller
	 * that asks for either takes the fit only from the same start) */
	struct ring_box rb0;
	double fit_s2_0;
	/* the fit: its outputs where ok, the ring box and the fit's noise
	 * as ring_model_peak left them */
	bool ok;
	double pk, vp, up, um, cv, bx, fit_s2;
	struct ring_box rb;
	/* the ring box as the steady model left it (the fit without the
	 * ring from its impact, where rb.onset: a call with onset false) */
	struct ring_box rb_steady;
};

struct shape {
	unsigned nbins;
	double c0[NBIN_MAX], c1[NBIN_MAX], c2[NBIN_MAX]; /* quadratic per bin */
	double w[NBIN_MAX];       /* (T - Tmin) / (Tpeak - Tmin) at centres */
	double peak_um, min_um;
	double peak_phase;        /* 0..1 from the up-crossing */
	double trough_phase;      /* where the tips are retracted furthest */
	double peak_u_um;         /* noise of the shape's peak value */
	double peak_u_model_um;   /* the peak model's own error (order of the top) */
	double phase_gap;         /* unsampled phase at the top (cycles) */
	double peak_u_phase_um;   /* the peak between sampled phases */
	double exposure_bins;     /* the sensor's exposure, in bins (set before
				     building; 0 = none) */
	double exposure_um;       /* what it took off the peak (added back) */
	double exposure_d2_um;    /* the box's drop once more (M -> BM, d2) */
	double exposure_ue_um;    /* exposure_um's standard uncertainty */
	bool exposure_speed;      /* exposure_um is the smooth top's drop, which
				     scales with each stroke's speed (no ring
				     in it: result.c std_exposure_speed) */
	enum measure_ring ring;   /* impact ringing (ring.c) */
	double ring_rise_um;      /* its rise when not resolved */
	double ring_hidden_um;    /* a ring the exposure may hide (half-width, in U) */
	double ring_seen_um;      /* the ring's rise over the smooth top, as seen */
	double ring_bound_um;     /* the bound the hidden ring was held to */
	bool ring_over_bound;     /* a ring seen beyond the fixture's ring_max_um */
	bool ring_bound_unused;   /* ring_max_um measured at another exposure */
	struct ring_box ring_box; /* the ring's model through the exposure */
	bool fine_model_due;      /* a ring model of the final read would be
				     fitted (ring.c: the fine fold's, or
				     the second reading of a resolved
				     crest): shape_reread */
	bool fold_gate;           /* the fold's gate as the last build had
				     it (shape_learn: for shape_reread) */
	double fold_gate_sd_um;   /* and the sample_sd_um it read */
	double fold_p_slots;      /* the mean period of the strokes the shape was
				     learned from (slots; exposure_bins is of it) */
	bool fold_steady;         /* the fold left out the strokes whose
				     speed changed too fast for its linear
				     phase (shape.c, fold_steady_only) */
	bool ring_crest_top;      /* a ring's ripple seen on the top, resolved,
				     its crest the smooth peak itself, or a
				     ripple seen only far out on the flank
				     (ring.c, RING_FAR_HALVES) (ring stays
				     NONE: nothing to take; result.c, the
				     per-stroke std's ring term) */
	double sample_sd_um;      /* spread of one sample in a bin (the first
				     quartile over bins: noise and stroke
				     scatter, not spikes or the flanks' slope) */
	double top_pt_var_um2;    /* the top's points: mean squared standard
				     error (top_fold_var) */
	double top_pt_inv_cnt;    /* and the mean of 1 / their sample count */
	double top_pt_spread2_um2; /* and of their samples' spread squared:
				     the strokes' own spread at the top's
				     phases, noise included (result.c
				     stroke_ring_u) */
	double top_pt_spread_dof; /* its degrees of freedom */
	/* per bin: the noise's variance at its level (from the spread of
	 * the samples near the top and near the retracted end, linear in w
	 * between: it grows towards the retracted end on some sensors), and
	 * the variance of the bin's point itself (the shape's own error;
	 * both um^2, shape_noise, edge.c) */
	double noise_var[NBIN_MAX], point_var[NBIN_MAX];
};

/* Folded samples per phase bin: sums of value, of the phase offset from
 * the bin centre (in bins) and of their squares. */
struct bins {
	unsigned n;
	double sx[NBIN_MAX], sxx[NBIN_MAX], sp[NBIN_MAX], spp[NBIN_MAX];
	uint32_t cnt[NBIN_MAX];
	uint64_t occ[PHASE_OCC / 64]; /* phases sampled, PHASE_OCC cells a cycle */
};

/* Pairs of samples in a bin that come from nearby strokes. A stroke's
 * scatter is correlated with its neighbours' (rho from one stroke to the
 * next, scatter.c); at a rate near commensurate with the sampling a bin is
 * fed by a block of consecutive strokes and carries their common scatter,
 * which the spread of its samples does not show (shape_points). */
struct bin_pairs {
	double rho;                /* 0: strokes taken as independent */
	uint32_t last[NBIN_MAX];   /* stroke of the bin's last sample */
	double run[NBIN_MAX];      /* sum of rho^(k - k_l) over its earlier samples l */
	double sum[NBIN_MAX];      /* sum of rho^|k_i - k_l| over its pairs of samples */
};

/* Sums of the troughs y against t (seconds from the record's first sample)
 * that the drift's models are fitted from (drift.c): of t^k (k = 0..2
 * DRIFT_DEG_CHECK) and y t^k (k = 0..DRIFT_DEG_CHECK); the same (k up to
 * DRIFT_DEG_MAX) over the first DRIFT_HEAD strokes; successive troughs'
 * squared differences; the
 * settling exponentials e = exp(-t / tau_j): sums of e, e^2, y e, and of
 * e over the first DRIFT_HEAD strokes; the first 16 << w strokes: sums of
 * 1, t, t^2, y, y t (a line each); the same strokes' depths x (tally.c,
 * drift_add_depth): x t^k (k = 0..DRIFT_DEG_MAX) and x e; the troughs in
 * time order, b_per to a bin (count, sum of t, sum of y; b_at the bin
 * being filled), neighbours merged in pairs when the last bin is full (the
 * splines' store: constant memory, at most twice as coarse as the record
 * needs). */
struct drift_sums {
	double t[2 * DRIFT_DEG_CHECK + 1], y[DRIFT_DEG_CHECK + 1], yy;
	double h_t[DRIFT_DEG_MAX + 1], h_y;
	unsigned h_n;
	double dd, last, nd;
	double e[DRIFT_NTAU], ee[DRIFT_NTAU], ye[DRIFT_NTAU], h_e[DRIFT_NTAU];
	double xt[DRIFT_DEG_MAX + 1], xe[DRIFT_NTAU]; /* the depths x: x t^k, x e */
	double win[DRIFT_NWIN][5];
	/* what moves the troughs as read without a drift (drift_add_period):
	 * z_0 = the stroke's period / the first one's - 1, z_1, z_2 = the
	 * sine and cosine of the stroke's phase on the sample grid, z_3 =
	 * the period's change from the last stroke's (p_last) over the
	 * first's; their sums z t^k, z y and z z (z_z[j][i], i <= j) */
	double z_t[DRIFT_NZ][DRIFT_DEG_MAX + 1], z_y[DRIFT_NZ], z_z[DRIFT_NZ][DRIFT_NZ], p_ref, p_last;
	/* the troughs by their phase on the sample grid, DRIFT_NPH bins
	 * (drift_add_period): sums of t^k (k = 0..DRIFT_DEG_MAX) and y */
	double ph_t[DRIFT_NPH][DRIFT_DEG_MAX + 1], ph_y[DRIFT_NPH];
	double b_n[DRIFT_BINS], b_t[DRIFT_BINS], b_y[DRIFT_BINS];
	double b_x[DRIFT_BINS]; /* the bins' depths x (drift_add_depth) */
	unsigned b_at, b_per;
};

/* The strokes' mean levels less the level their own peak and trough make
 * with the shape, against time (drift_level_range): sums of t^k (k =
 * 0..4), level t^k (k = 0..2), level^2, and of z, the speed's change
 * across the stroke (level_speed_change): z t^k (k = 0..2), z level, z^2.
 * A stroke whose speed changes within it spends longer at the phases it
 * passes slowly, and its mean level over its period moves with that, not
 * with a drift (drift.c, drift_level_range). */
struct level_sums {
	double t[5], y[3], yy;
	double z_t[3], z_y, zz;
};

/* One model of the drift as a curve of time (drift_at): a polynomial of
 * degree deg in t / dur, (deg 0) a level and c exp(-t / tau_s), (knots
 * not 0) a natural cubic spline in t / dur with that many knots equally
 * spaced over 0..1, p its coefficients (drift.c, drift_spline_basis), or
 * (sine not 0) a level and c sin(pi t / (2 dur)) (sine 1) or c (1 -
 * cos(pi t / (2 dur))) (sine 2; drift.c, drift_bin_basis). */
struct drift_curve {
	bool ok;
	unsigned deg, knots, sine;
	double p[DRIFT_DEG_MAX + 1];
	double tau_s, dur;
	double shift_um; /* added to each stroke's correction (result_drift) */
};

/* Sums of a line through points (t, p): the periods' trend (tr, hd;
 * result.c rate_ends, end_trend). */
struct line_sums {
	double n, t, tt, p, tp, pp;
};

static inline void line_sums_add(struct line_sums *L, double t, double p)
{
	L->n += 1;
	L->t += t;
	L->tt += t * t;
	L->p += p;
	L->tp += t * p;
	L->pp += p * p;
}

/* The open segment's count and its last counted crossing (tally.c,
 * seg_mark_save/seg_mark_restore): kept when a bridge starts (to roll back
 * to) and when measure_finish rolls one back (to resume from). */
struct seg_mark {
	uint64_t seg_n, seg_n_at_rel;
	double t_last_rel, t_last_raw, t_last_var;
	unsigned ntail;
	bool gap_split, edge_ok;
};

/* A ripple of the pen's speed near an end of the record, a fixed term of
 * the end fit's phase (edge.c, edge_ripple); EDGE_RIP_CAND the candidates
 * for its frequency, the aliases of what the crossings see. */
#define EDGE_RIP_CAND 6
struct edge_rip {
	double g;          /* cycles a slot */
	double ca, sa;     /* phase, cycles: ca cos(2 pi g t) + sa sin(2 pi g t) */
	double iv[3];      /* its coefficients' covariance (aa, ab, bb), cycles^2 */
};

/* A ripple within a cycle of the window of the stroke rate at one end of
 * the record, from the drifting shape term of the samples' scan (edge.c,
 * sync_near): taken only where both ends show one PWM. */
struct edge_near {
	struct edge_rip r; /* at one cycle a stroke, its value at the end */
	double amp;        /* its amplitude there, cycles */
	double P;          /* the end's mean period, slots */
	bool ok;           /* it stood out there */
};

/* The cubic an end fit fell back to where no fit of the knots' degree
 * followed the open stroke (edge.c, edge_phase_bent): the phase, strokes,
 * c[0] + c[1] u + c[2] u^2 + c[3] u^3, u = (t - t0) / P (slots), over
 * the window lo .. hi (slots). */
struct edge_bent {
	bool ok;
	double c[4], t0, P, lo, hi;
};

/* A top fit's model (fit.c top_model): a line in w (with or without the
 * timing term), an offset over the top 30 % of the travel (w >= TOP_W),
 * one over all the samples it took (w >= TOP_W_WIDE). */
enum fit_model { FIT_LINE, FIT_OFFSET_HIGH, FIT_OFFSET_ALL, FIT_MODELS };

/* Flag mode's probe of what the shape took in of a drift (learn.c,
 * learn_drift_takein) folds the shape again from the learning store less
 * the drift, then puts back the shape, its bins and the samples as they
 * were, kept here (the engine's own memory: no allocation while it
 * analyses; its pages are touched only where a drift is probed). */
struct learn_keep {
	struct shape shape;
	struct bins bins;
	struct bin_pairs pairs;
	double hist[HIST_CAP];
};

struct measure {
	struct measure_config cfg;
	double min_stroke_um;

	/* sample stream */
	bool started;
	uint64_t next_slot;
	uint64_t samples, invalid;
	uint64_t invalid_by_status[LASER_STATUS_COUNT];

	/* hist: slots hist_slot0 .. hist_slot0 + n_hist - 1 */
	double hist[HIST_CAP];
	uint32_t n_hist;
	uint64_t hist_slot0;

	/* level: boot window, then fixed mid-level and hysteresis */
	bool leveled;
	uint32_t boot_len;        /* samples in a boot window */
	uint32_t boot_seen;
	double boot_min, boot_max;
	double flat_p2p_um;       /* largest motion of a flat window */
	bool ever_leveled;
	double mid_um, hyst_um;
	bool armed;
	double last_valid_x;
	uint64_t last_valid_slot;
	bool have_last_valid;
	uint32_t scan;            /* next hist index for the detector */
	uint64_t invalid_since_xing;

	/* crossings */
	bool has_prev;
	struct xing prev;
	struct xing learn[XING_CAP];
	uint32_t n_learn;
	bool learned;
	struct shape shape;
	struct bins bins;         /* scratch for learning */
	struct bin_pairs pairs;   /* with bins: their samples' strokes */
	double t_ref_slots;       /* running period (EMA of clean ones) */
	double t_run_slots;       /* the same from raw crossings: stall limit */
	bool learn0_counted;      /* learn[0] went through the frequency count */
	bool kn_have;             /* prev is a refined knot with a refined period */
	double kn_period;         /* that period, slots */
	double kn_var;            /* variance of prev's time, slots^2 */
	double kn_smooth;         /* the knots' prior: rms change of the period
				     a stroke, periods (0: KNOT_SMOOTH; more
				     where the pen hunts, learn.c pen_smooth) */
	/* scratch of the knot refinement (learning): tridiagonal system */
	double kd[XING_CAP], ke[XING_CAP], kf[XING_CAP], kb[XING_CAP];
	bool kuse[XING_CAP];
	double ktgt[XING_CAP];    /* the pen's own trend of the period (knots_trend) */

	/* frequency: whole periods between reliable crossings, by segment */
	bool seg_active;
	double seg_t_first, seg_t_last_rel;
	double seg_t_first_raw, seg_t_last_raw; /* the same crossings as detected */
	/* the variance of seg_t_last_rel where the knot filter timed it
	 * after learning (knot_solve's kn_var), slots^2; 0: a crossing as
	 * detected or a knot of the learning store */
	double seg_t_last_var;
	bool head_trend, tail_trend; /* the pen changes speed at that end */
	uint64_t seg_n, seg_n_at_rel;
	uint64_t tot_periods;
	double tot_span_slots;
	unsigned nseg;
	double last_seg_t;        /* the last counted crossing of the last closed segment */
	unsigned last_seg_ntail;  /* its clean single periods up to it (ntail then) */
	/* edges: the partial strokes before the first and after the last
	 * crossing, in periods, when the record is one unbroken segment */
	uint64_t first_slot;
	bool edge_ok;             /* no flat window, stall or gap so far */
	bool have_first_seg;
	double first_seg_t;
	double first_cnt_t;       /* the first crossing of the first segment that counted (seg_close) */
	double last_period;
	uint64_t nper;            /* clean single periods */
	double per_sum, per_sumsq;/* relative to per_ref */
	double per_ref;
	bool have_prev_period;
	double prev_period;
	double d2_sumsq;          /* second differences of raw crossing times */
	uint64_t n_d2, n_d2_out;  /* used, and left out as speed changes */
	/* a raw period less the one END_LAG_N before, squared: how many in
	 * each bin of log2 (result.c, end_wander) */
	uint32_t lag_hist[END_LAG_BINS];
	uint64_t n_lag;
	/* every second difference of raw crossing times, squared, binned as
	 * lag_hist: how many and their sum in each bin; the timing noise
	 * from those within reach of their median, which a start-up's
	 * first differences do not move as they move d2_sumsq (result.c,
	 * timing_v0) */
	uint32_t d2_hist[END_LAG_BINS];
	double d2_hist_sum[END_LAG_BINS];
	uint64_t n_d2_hist;
	double pf[3], pf_raw[3];  /* first clean periods from the first counted crossing */
	unsigned npf;
	double pl[3], pl_raw[3];  /* last clean periods (ring, npl written) */
	uint64_t npl;
	unsigned ntail;           /* clean single periods up to the last crossing */
	/* trend: least squares of the raw clean periods against their
	 * middle times; sums relative to first_slot and per_ref (slots) */
	struct line_sums tr;
	/* the same next to each end (result.c, end_trend): the first
	 * END_TREND_N clean periods of the first segment that counted,
	 * unbroken from its first crossing (sums as tr), and the last ones (a
	 * ring written with pl: the last min(ntail, END_TREND_N) are the
	 * tail's, or last_seg_ntail's when no period was counted after the
	 * last segment closed) */
	struct line_sums hd;
	double hd_t[END_TREND_N], hd_p[END_TREND_N]; /* hd's points (result.c, end_rate) */
	double tl_t[END_TREND_N], tl_p[END_TREND_N];
	/* hd's first period starts at a crossing moved as the learning's
	 * first (XING_MOVED_FIRST), the last period written to tl ends at
	 * one moved as its last (XING_MOVED_LAST): a copy of the period next
	 * to it (result.c, end_copied) */
	bool hd_first_copied, tl_last_copied;

	/* stall */
	bool stalled_now;
	bool stall_seen;
	double stall_at_s;
	double stall_len_s;
	uint64_t stall_strokes;   /* strokes accepted before the first stall */
	/* the samples' spread over the second half of the first stall's
	 * window (no up-crossing there): a pen that stopped reads flat, its
	 * sample noise; a pen still moving reads its stroke (result.c) */
	double stall_sd_um;
	uint32_t stall_sd_n;
	/* a run of invalid samples broke the strokes: the last crossing
	 * before it, to count the periods across it (freq_interval) */
	bool bridge_ok;
	struct xing bridge;
	/* bridged counts (two periods or more) not yet checked against the
	 * first clean period after them (tally.c, bridge_check): the
	 * intervals bridged (slots), their counts, the clean period before
	 * them, the count's margin (periods), and the segment as it was
	 * before the first of them (bridge_unseen rolls back to it) */
	bool br_pending;
	double br_slots, br_p, br_e;
	uint64_t br_n;
	struct seg_mark br_start;
	/* measure_finish with an unchecked bridge pending: the segment as
	 * it was, put back if samples follow (tally.c, bridge_resume) */
	bool br_ended;
	struct seg_mark br_live;
	/* checked bridges whose count was not sure: the correction to the
	 * middle of the counts possible (periods) and its variance
	 * (periods^2, rectangular) */
	double br_adj, br_var;
	/* how many such bridges, and the longest one: its time (slots)
	 * and the counts possible (a note in the report) */
	unsigned br_unsure;
	double br_unsure_slots;
	long br_unsure_lo, br_unsure_hi;
	bool gap_split;           /* a gap of invalid samples split the record */
	/* gaps between counted segments whose two sides ran at speeds
	 * different enough to change the strokes in them (tally.c
	 * gap_sides): the time between the segments (slots) and the range
	 * the speed inside may take (periods a slot); the last gap pending
	 * the speed after it: its start, the mean period before it and the
	 * first clean periods after it (up to 3, sum and count) */
	unsigned ngs;
	double gs_slots[GAP_SIDES_N], gs_lo[GAP_SIDES_N], gs_hi[GAP_SIDES_N];
	bool gs_pending;
	double gs_t0, gs_pb, gs_pa;
	unsigned gs_nb, gs_na;

	/* strokes */
	uint64_t stroke_index;
	uint64_t strokes;
	uint64_t rejected[MEASURE_REJECT_COUNT];
	double d_ref;             /* first accepted depth: sums are relative */
	double d_mean, d_m2;
	struct measure_stroke d_min_stroke, d_max_stroke; /* the extremes'
				     strokes: their depths (peak_um), whether
				     their fits had any dof to show a spike or
				     a timing error on a flank, and their own U,
				     which the extremes' is at least (result.c
				     result_depth) */
	double trough_sum;
	bool have_last_depth;
	double last_depth;
	double lag_sxy, lag_sx, lag_sy;
	uint64_t lag_n;
	double noise_ss;          /* residual sum of squares around the tops */
	uint64_t noise_dof;
	double fitvar_sum;        /* sum of fit variance factors, accepted strokes */
	double rss2_sum, dof2_sum;/* sums of rss^2 and dof^2 of their fits: the
				     noise's tails (result.c, the extremes' U) */
	uint64_t fit_models[FIT_MODELS]; /* accepted strokes by their top's
				     model (fit.c fit_follow) */
	/* the accepted strokes' very tops off their fits (fit.c top_off):
	 * count, sums of the squared offsets, of their variance factors, of
	 * those squared, of those squared over the count np of very-top
	 * samples each offset is the mean of, and of 1 / np (result.c,
	 * stroke_top_misfit) */
	uint64_t toff_n;
	double toff_ss, toff_h, toff_hh, toff_hhn, toff_inp;
	/* the sample nearest each accepted stroke's peak off its fit (fit.c
	 * top_peak_sample): count, sums of the residual r, r^2, the
	 * stroke's depth x (from pk_ref, the first one's), x^2 and r x
	 * (result.c, std_peak_follow) */
	uint64_t pk_n;
	double pk_ref, pk_sr, pk_srr, pk_sx, pk_sxx, pk_srx;
	/* each accepted stroke's speed against the fold's, rho = the
	 * shape's fold_p_slots over the stroke's period (fit.c
	 * speed_sums_add): its depth x (from sp_ref, the first one's),
	 * sums of rho^k (sp_pw[k], k = 1..SP_POW; [0] the count) and of
	 * x rho^k (sp_xpw[k], k = 0..4) (result.c std_exposure_speed,
	 * std_speed_trend) */
	double sp_ref, sp_pw[SP_POW + 1], sp_xpw[5];
	/* the very top's samples each against its stroke's fit (fit.c
	 * top_peak_resid): their residuals' sum of squares, and its
	 * expectation over the noise's variance (result.c
	 * stroke_peak_misfit) */
	double tpk_ss, tpk_dof;
	/* a ring aliased on the sampling grid (ring_alias_k, as k when the
	 * first stroke came): the accepted strokes' depths x (from d_ref)
	 * against c = cos(4 pi k slot), slot the stroke's crest in samples:
	 * count, sums of c, c^2, x, x^2, x^3, x^4, x c, x^2 c (tally.c
	 * alias_add, result.c stroke_alias_u) */
	unsigned al_k;
	double al_n, al_c, al_cc, al_x, al_xx, al_x3, al_x4, al_xc, al_xxc;
	/* drift: the troughs against time (drift.c), y = the trough less
	 * dr_ref (the first accepted trough) */
	double dr_ref;
	struct drift_sums dr;
	/* drift: the strokes' mean levels over their cycle (stroke_level,
	 * strokes of LEVEL_MIN_SAMPLES or more), as read (the drift taken
	 * out of the samples put back), less the first one's, against time:
	 * a second measure of the drift for --drift correct (result_drift) */
	double dr_lv_ref;
	struct drift_sums dr_lv;
	/* --drift correct: the drift taken out of the samples (learn.c,
	 * learn_drift_out): fold_drift(t) - fold_q0_um over the learning
	 * store (fold_t0_s..fold_t1_s, seconds from the record's first
	 * sample), its value at fold_t1_s from every later sample; added
	 * back to each stroke's peak and trough (drift_taken) */
	struct drift_curve fold_drift;
	double fold_q0_um, fold_t0_s, fold_t1_s, fold_hold_um;
	/* the local periods' range over the learning store, as a share of
	 * the shortest (learn.c, learn_period_range): whether the strokes'
	 * levels can tell a drift the shape took in (result_drift) */
	double learn_period_range;
	/* flag mode: what the shape took in of the drift its troughs show,
	 * the drift over the record (um, signed: what the figure reads
	 * short; learn.c, learn_drift_takein; 0 when not probed), and
	 * whether the learning store was the whole record: the drift
	 * figure is corrected by it, or it counts in U (result_drift) */
	double drift_takein_um;
	bool drift_takein_whole;
	struct learn_keep takein_keep; /* learn_drift_takein's copy of what it puts back */
	/* the strokes' mean levels against time (the drift seen without the
	 * shape; strokes of LEVEL_MIN_SAMPLES or more) and the speed's change
	 * across each. A stroke's level waits (dl_pend) for the next
	 * stroke's period; dl_cur holds the stroke being emitted
	 * (stats_level, then stats_emit); dl_p_last is the last emitted
	 * stroke's period (0: none, or not measured) */
	struct level_sums dl;
	struct {
		bool have;
		uint64_t index;
		double t_s, level_um, p_prev_s, p_own_s;
	} dl_cur, dl_pend;
	double dl_p_last;
	/* the first level's stroke and its z (forward: its record's
	 * speed_change, from no stroke before it, is 0) */
	bool dl_first_have;
	uint64_t dl_first_index;
	double dl_first_z;
	double dl_wbar;           /* mean relative height of the shape over a cycle */
	unsigned dl_wbar_nbins;   /* the shape it was taken from (0: not yet) */
	/* lobes: sums over accepted strokes by the parity of their index */
	double lb_n[2], lb_d[2], lb_dd[2], lb_p[2], lb_pp[2];
	/* the same periods as detected (never refined), over every stroke
	 * between reliable crossings, fitted or not (result_lobes) */
	double lr_n[2], lr_p[2], lr_pp[2];
	/* where the samples fell about those periods' crossings: per parity,
	 * +1 in the bin of the end crossing's offset after its sample before
	 * (a fraction of a sample), -1 in the start crossing's: what linear
	 * interpolation makes the periods alternate by (result_lobes) */
	double lr_ph[2][LOBE_PH_BINS];
	/* the strokes' mean levels less what their own peak and trough make
	 * (stats_level), paired: an even stroke's less the next odd one's
	 * (count, sum, sum of squares); the last even one's and its index */
	double lv_n, lv_d, lv_dd, lv_last;
	uint64_t lv_last_idx;
	bool lv_have;
	uint64_t n_susp;          /* clean intervals whose count is uncertain */
	uint64_t n_susp_multi;    /* of them, those counted as several periods */
	/* the record's ends from their samples (edge.c): strokes from the
	 * first sample to the first knot and from the last knot to the last
	 * sample, their standard uncertainties, and the knots they go with */
	bool head_kept;           /* hist holds the record from its first slot */
	bool finishing;           /* measure_finish: the record ends here */
	bool edge_head_ok, edge_tail_ok;
	double edge_head, edge_head_u, edge_head_knot;
	double edge_tail, edge_tail_u, edge_tail_knot;
	double edge_head_amp[2], edge_tail_amp[2]; /* phase per um of a stroke's
						     * amplitude (edge_fit_deg) */
	bool edge_head_astray, edge_tail_astray; /* no end fit followed the open
						  * stroke (edge_phase_bent) */
	struct edge_bent edge_bent[2]; /* the head's and the tail's cubic, where
					* taken so (edge_phase_bent) */
	double edge_unbias;       /* |head + tail| moved by xing_unbias's
				   * learning, strokes: what it corrected */
	struct edge_rip edge_rip[2][EDGE_RIP_CAND]; /* the head's and the tail's candidates */
	struct edge_rip edge_sync[2]; /* a ripple near the stroke rate there */
	bool edge_sync_ok[2];     /* found (edge_sync_ripple) */
	int edge_sync_h[2];       /* its band: 1 near the stroke rate, 2 near twice it */
	struct edge_rip edge_sync_weak[2]; /* a ripple near twice the stroke rate
					    * the scan showed but not beyond its
					    * tests: counted in the end's u */
	bool edge_sync_weak_ok[2];
	struct edge_near edge_near[2]; /* a ripple within a cycle of the scan's
				        * window of the stroke rate (sync_near) */
	double edge_amp_var;      /* the strokes' amplitude scatter, um^2, the
				   * prior of each stroke's own amplitude in
				   * the end fits (scatter_rho); 0: none */
	int edge_nrip[2];         /* how many; -1 until looked for (learn_finish) */
};

/* Sums of one stroke's samples for its two knots (see knots_step): the
 * residual r and the two knots' Jacobians js, je of each sample. */
struct knot_sums {
	double n, Sr, Ss, Se, Sss, Sse, See, Srs, Sre;
};

static inline void knot_sums_add(struct knot_sums *ks, double r, double js, double je)
{
	ks->n++;
	ks->Sr += r;
	ks->Ss += js;
	ks->Se += je;
	ks->Sss += js * js;
	ks->Sse += js * je;
	ks->See += je * je;
	ks->Srs += r * js;
	ks->Sre += r * je;
}

/* The shape at phase ph (cycles from the up-crossing, any real number:
 * it wraps): value T (um), slope dT (um per cycle) and relative height w
 * of the nearest bin. */
static inline void shape_at(const struct shape *sh, double ph, double *T, double *dT,
			    double *w)
{
	long nbins = (long)sh->nbins;
	double u = (ph - floor(ph)) * (double)nbins - 0.5;
	long j = (long)floor(u + 0.5);
	double sf = u - (double)j;
	if (j < 0)
		j += nbins;
	else if (j >= nbins)
		j -= nbins;
	*T = sh->c0[j] + sf * (sh->c1[j] + sf * sh->c2[j]);
	*dT = (sh->c1[j] + 2 * sf * sh->c2[j]) * (double)nbins;
	*w = sh->w[j];
}

/* A phase bent over a stroke: the polynomial through the points (x[j],
 * y[j]), x in slots from x0, y the phase (fit.c, fit_bend; knots_bend). */
struct bend {
	double x[4], y[4];
	double x0;
	int n;
	double c[4]; /* the same polynomial, c[0] + c[1] x + ... (bend_coefs) */
};

/* B's coefficients c from its points (Newton's divided differences,
 * expanded), so that a sample's phase is three multiplications. */
static inline void bend_coefs(struct bend *B)
{
	/* a zeroed and n checked: gcc 14 for armhf (-O2 -Werror) cannot see
	 * that n >= 1 (fit_bend, knots_bend: 3 or 4 points), and a[n - 1]
	 * would be read unset; no points: the zero polynomial */
	double a[4] = { 0, 0, 0, 0 }, c[4] = { 0, 0, 0, 0 };
	int n = B->n < 1 ? 1 : B->n;
	for (int j = 0; j < B->n; j++)
		a[j] = B->y[j];
	for (int l = 1; l < B->n; l++)
		for (int j = B->n - 1; j >= l; j--)
			a[j] = (a[j] - a[j - 1]) / (B->x[j] - B->x[j - l]);
	c[0] = a[n - 1];
	for (int j = B->n - 2; j >= 0; j--) {
		/* c = c (x - x[j]) + a[j] */
		for (int d = B->n - 1; d > 0; d--)
			c[d] = c[d - 1] - B->x[j] * c[d];
		c[0] = a[j] - B->x[j] * c[0];
	}
	for (int d = 0; d < 4; d++)
		B->c[d] = c[d];
}

/* The phase at x (slots from x0) on bend B (its coefficients set). */
static inline double bend_phase(const struct bend *B, double x)
{
	return ((B->c[3] * x + B->c[2]) * x + B->c[1]) * x + B->c[0];
}

/* A learning stroke's phase where the pen's period trends at either of
 * its knots (tgt, knots_trend: learn.c): the polynomial in time through
 * its knots (phase 0 and 1) and the knots either side (-1 and 2) where
 * those strokes are in use (stroke k from L[k] to L[k + 1]). Elsewhere the
 * phase runs linearly between the two knots (false, B->n 0), as the
 * knots' own noise would only bend it; also where the bend does not rise
 * over the stroke. A phase linear between the knots bends at every knot
 * where the pen changes speed, and the strokes folded with it blur where
 * the shape is steep: 4 kHz, 51 Hz from 51 %, no noise (blind_hunt.py
 * speed 4000 15518), the learned shape 1.03 um rms off the generator's,
 * +0.5..+1.6 um on the flanks against -0.74 on the dwells, the rate
 * +4.54 ppm, a drift of -1.86 um detected where none was drawn; with this
 * phase 0.17 um, -0.47 ppm, none detected (the same pen at a steady
 * speed: 0.013 um). The shape's fold (shape.c), the knots' fit
 * (learn.c knots_data: the Jacobians stay the straight phase's, a
 * second-order difference), the troughs and the learning strokes' fits
 * (fit.c) all take the same phase: the shape folded so and the strokes
 * read straight spread the troughs (the same draw with its noise: the
 * drift's u 2.1 -> 15.0 um). */
static inline bool knots_bend(const struct xing *L, uint32_t nl, const bool *use,
			      const double *tgt, uint32_t k, struct bend *B)
{
	B->n = 0;
	if (!tgt || (tgt[k] == 0 && tgt[k + 1] == 0))
		return false;
	B->x0 = L[k].t_slot;
	if (k > 0 && use[k - 1]) {
		B->x[B->n] = L[k - 1].t_slot - B->x0;
		B->y[B->n++] = -1;
	}
	B->x[B->n] = 0;
	B->y[B->n++] = 0;
	B->x[B->n] = L[k + 1].t_slot - B->x0;
	B->y[B->n++] = 1;
	if (k + 2 < nl && use[k + 1]) {
		B->x[B->n] = L[k + 2].t_slot - B->x0;
		B->y[B->n++] = 2;
	}
	if (B->n < 3) {
		B->n = 0;
		return false;
	}
	bend_coefs(B);
	double span = L[k + 1].t_slot - B->x0, last = 0;
	for (int i = 1; i <= 16; i++) {
		double ph = bend_phase(B, span * i / 16);
		if (!(ph > last)) {
			B->n = 0;
			return false;
		}
		last = ph;
	}
	return true;
}

/* The phase of slot t in a stroke from t0 that spans span slots: on B
 * (knots_bend's) where it is bent (B->n > 0), else linear between the two
 * knots. */
static inline double stroke_phase_at(const struct bend *B, double t0, double span, double t)
{
	return __builtin_expect(B->n > 0, 0) ? bend_phase(B, t - B->x0) : (t - t0) / span;
}

/* The shape's own crossing of mid_um on the advance near phase 0 (between
 * -0.1 and 0.1, by bisection) into *ph; false when it does not cross
 * there. */
static inline bool shape_mid_phase(const struct shape *sh, double mid_um, double *ph)
{
	double lo = -0.1, hi = 0.1, T, dT, w, Tlo;
	shape_at(sh, lo, &Tlo, &dT, &w);
	shape_at(sh, hi, &T, &dT, &w);
	if (!(Tlo < mid_um && T > mid_um))
		return false;
	for (int it = 0; it < 40; it++) {
		double c = (lo + hi) / 2;
		shape_at(sh, c, &T, &dT, &w);
		if (T < mid_um)
			lo = c;
		else
			hi = c;
	}
	*ph = (lo + hi) / 2;
	return true;
}

/* A sample further than this from the shape is a spike, not the pen: six
 * times the spread of one sample around the mean stroke (noise and stroke
 * scatter), plus 2 um, plus what a timing error of t_cyc (cycles) makes of
 * the shape's slope there (dT_cycle: um per cycle): on a steep flank the
 * stroke's own timing, not a spike, decides the residual. */
/* The mean relative height of the shape over a cycle: the level a
 * stroke's own peak and trough make with it is its trough plus its travel
 * times this. */
static inline double shape_mean_w(const struct shape *sh)
{
	double sw = 0;
	for (unsigned j = 0; j < sh->nbins; j++)
		sw += sh->w[j];
	return sh->nbins ? sw / sh->nbins : 0;
}

static inline double shape_gate_um(const struct shape *sh, double dT_cycle, double t_cyc)
{
	return 6 * sh->sample_sd_um + 2.0 + t_cyc * num_abs(dT_cycle);
}

/* A speckle spike among the samples that time a stroke's ends: sample i
 * (phase ph, dph per sample, residual r against the shape) stands off the
 * middle of its neighbours' residuals by more than the shape's gate
 * without timing. A timing error moves the residuals of neighbouring
 * samples alike (the slope changes slowly), a spike one sample. With
 * 10 samples a stroke or more, as the detector's median. */
static inline bool spike_resid(const struct measure *m, uint32_t i, double ph, double dph,
			       double r)
{
	const struct shape *sh = &m->shape;
	double g0 = shape_gate_um(sh, 0, 0), s = 0, T, dT, w;
	/* under 10 samples a stroke the neighbours lie too far apart in
	 * phase for their residuals to agree (3.3 samples: the knots drifted
	 * and 30 s records read noisy) */
	if (num_abs(r) <= g0 / 2 || dph > 0.1) /* cheap: most samples */
		return false;
	/* on the advance only, before the impact: ringing after it makes
	 * neighbouring residuals differ too (a 2.4 kHz ring sampled at
	 * 1 kHz: the knots lost half their precision, the depth its ring) */
	double f = ph - floor(ph);
	if (f > sh->peak_phase)
		return false;
	int n = 0;
	if (i >= 1 && !isnan(m->hist[i - 1])) {
		shape_at(sh, ph - dph, &T, &dT, &w);
		s += m->hist[i - 1] - T;
		n++;
	}
	if (i + 1 < m->n_hist && !isnan(m->hist[i + 1])) {
		shape_at(sh, ph + dph, &T, &dT, &w);
		s += m->hist[i + 1] - T;
		n++;
	}
	return n && !(num_abs(r - s / n) <= g0);
}

/* The timing error allowed for by the gate, cycles: 3 sigma of the
 * stroke's ends (t_sig slots, over a period of span slots), at least
 * 0.5 % of the period. */
static inline double gate_timing_cycles(double t_sig, double span)
{
	double c = 3 * t_sig / span;
	return c > 0.005 ? c : 0.005;
}

/* A stroke between crossings a and b may enter the shape and the timing:
 * both crossings reliable, no invalid sample in it, its span within
 * 0.75..1.33 of the reference period (any span when t_ref <= 0). */
static inline bool stroke_usable(const struct xing *a, const struct xing *b, double t_ref)
{
	double span = b->t_slot - a->t_slot;
	return a->reliable && b->reliable && b->clean_before &&
	       (t_ref <= 0 || (span >= 0.75 * t_ref && span <= 1.33 * t_ref));
}

/* detect.c */
/* Drop the samples of hist before crossing x (keeping the one before it,
 * the crossing's other end); x->idx follows. */
void hist_keep_from(struct measure *m, struct xing *x);

/* The top as fitted: p - k |x - v|^q (x in bins, k the mean of both
 * sides), what the sensor's exposure takes off it (shape_build). */
struct top_curv {
	double k, q;
};

/* The bins as points of the shape: the points (X[j], yc[j]), sd[j] the
 * standard error of a bin's mean, cnt[j] its weight. */
struct shape_pts {
	long n;
	double X[NBIN_MAX], yc[NBIN_MAX], sd[NBIN_MAX], wt[NBIN_MAX];
	double ys[NBIN_MAX];      /* 3-bin average of yc */
	double sample_sd;         /* spread of one sample in a bin: first quartile */
	long jmax, jmin;
	double tmin;
	bool indep;               /* neighbouring bins hold distinct strokes
				     (a fine fold of the top: ring.c) */
};

/* Position of point jmax + k relative to bin jmax's centre. */
static inline double pt_x(const struct shape_pts *P, long k, long *jout)
{
	long j = (P->jmax + k + P->n) % P->n;
	*jout = j;
	return (double)k + (P->X[j] - (double)j);
}


/* The points' shape at phase ph (cycles from the up-crossing, any real
 * number): the quadratic through the three points nearest to it. */
static inline double pts_at(const struct shape_pts *P, double ph)
{
	double xc = ph * (double)P->n - 0.5 - (double)P->jmax;
	xc -= (double)P->n * floor(xc / (double)P->n + 0.5);
	long k = (long)floor(xc + 0.5), ja, jb, jc;
	double xa = pt_x(P, k - 1, &ja), xb = pt_x(P, k, &jb), xd = pt_x(P, k + 1, &jc);
	double c0, c1, c2, d = xc - xb;
	num_quad3(xa - xb, P->yc[ja], 0, P->yc[jb], xd - xb, P->yc[jc], &c0, &c1, &c2);
	return c0 + c1 * d + c2 * d * d;
}

/* shape.c */
/* A window of the cycle folded apart: per_cycle bins a cycle from phase
 * ph0 (ring.c's finer fold of the top). */
struct fold_win {
	double ph0, per_cycle;
};
/* What the shape is folded from: the strokes L[k]..L[k+1] (use[k]) of
 * m's samples, gated against the shape learned before (gate). */
struct fold_src {
	const struct measure *m;
	const struct xing *L;
	uint32_t nl;
	const bool *use;
	bool gate;
	/* only the strokes whose speed held steady enough for the fold's
	 * phase, linear in time between their knots (shape.c, fold_steady) */
	bool steady;
	/* (may be NULL) the shape's points: each stroke's own offset from
	 * them over its top, as a stretch from the retracted end, is taken
	 * out of its samples before they are folded (the pen's scatter:
	 * ring.c's fine_clean_doubt) */
	const struct shape_pts *ref;
	/* the shape's final read (shape_reread): the fine fold's ring model
	 * (ring.c, fine_model_fit) and the model as a second reading of a
	 * resolved crest (peak_ringing) are fitted; in the builds before,
	 * where either would be, *fine_model_due (may be NULL) is set */
	bool fine_model;
	bool *fine_model_due;
	/* (may be NULL) the ring model's last fit on this fold
	 * (ring.c ring_model_try), kept for a call with the same inputs */
	struct ring_memo *ring_memo;
	/* the top read without the ring from its impact (ring.c
	 * ring_onset_peak): the boxed top whose gap to the model's reading
	 * counts in its U (shape.c shape_top) */
	bool onset_off;
};
/* A model the final read fits would be fitted here: say so to the build
 * that asked (src->fine_model_due, may be NULL). */
static inline void fold_fine_model_due(const struct fold_src *src)
{
	if (src->fine_model_due)
		*src->fine_model_due = true;
}
/* Fold src's samples within win into nb bins as points P (P->ys too;
 * P->jmax, jmin and tmin are the caller's). False with fewer than 3
 * filled bins. */
bool shape_fold_window(const struct fold_src *src, const struct fold_win *win, unsigned nb,
		       struct shape_pts *P);
/* Fold the usable strokes L[k]..L[k+1] (use[k]) into m->bins and build
 * m->shape; halves *nbins while more than 10 % of the bins stay empty.
 * Returns false if there is no shape. gate: leave out samples beyond
 * shape_gate_um() of the shape learned before (speckle spikes). */
bool shape_learn(struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
		 unsigned *nbins, bool gate);
/* The shape built once more from the bins of its last fold (m->bins, as
 * shape_learn left them), its top read with the ring models of the final
 * read (fold_src.fine_model), when that build asked for it
 * (m->shape.fine_model_due); nothing done otherwise. False if there is no
 * shape. */
bool shape_reread(struct measure *m, const struct xing *L, uint32_t nl, const bool *use);

/* How wide P's top is, as a share of the cycle: its bins within the top
 * bin's noise of the top (shape_top's window before the sharp fit widens
 * it to its least, 7 bins: a plateau or not, ring.c). */
double shape_top_span(const struct shape_pts *P);

/* ring.c */
/* Impact ringing on the top: the smooth peak (*peak at *vpos, its noise
 * *u_peak, its model term *u_model, the top's form *tc) replaced by a
 * ringing peak, or its doubt added to *u_model (see ring.c). [lo, hi]: the
 * top window around P->jmax. *ring and *rise_um: what was seen. src (may
 * be NULL): the samples, to fold the top finer when P's bins are too
 * coarse for the ring. *crest_top (may be NULL): a ripple seen and
 * resolved, but no local maximum above the smooth peak (*ring stays
 * NONE): the smooth top is the ring's crest; or a ripple seen only far out
 * on the flank and the smooth peak kept (RING_FAR_HALVES). *box_um (may be
 * NULL): NAN, or the ring was fitted through the exposure's box and *peak
 * is its unboxed top, which lies *box_um above the boxed one (the box's
 * correction is in: shape.c leaves exposure_corr out). *doubt_um (may be
 * NULL): a doubt of the smooth peak kept, a standard uncertainty apart
 * from *u_model (a local maximum 1..2 sigma above it; 0: none). *rb (may
 * be NULL): what the ring's model through the exposure's box said (struct
 * ring_box). */
void peak_ringing(const struct shape_pts *P, const struct fold_src *src, long lo, long hi,
		  double *peak, double *vpos, double *u_peak, double *u_model, struct top_curv *tc,
		  enum measure_ring *ring, double *rise_um, bool *crest_top, double *box_um,
		  double *doubt_um, struct ring_box *rb);
/* A weighted quadratic through the points k - h .. k + h, y = q0 + q1 x +
 * q2 x^2 with x from point k (*xc); inv its normal matrix inverted and *s2
 * the variance of one sample (the bins' spread), so that inv * s2 is the
 * covariance of q. Returns false if singular. */
bool ring_local_quad(const struct shape_pts *P, long k, long h, double q[3], double inv[3][3],
		     double *s2, double *xc);
/* A ring the shape shows: its size beyond this many standard errors of
 * the top's bin (the ripple's test, ring.c). */
#define RING_SEEN_SIGMAS 5.0
/* What an exposure of exposure_s can hide of such a ring, beyond a ring of
 * seen_um, which the shape would show, and what the box's mean of the
 * hidden ring may take from the top beside it (um, a half-width; 0:
 * none). */
double ring_hidden_um(double exposure_s, double seen_um);
/* What an exposure of exposure_s hid of a ring that bends the top P (a fold
 * of src's strokes) convex: the largest over the band (um, a half-width;
 * 0: no bend beyond noise, coarse bins, no exposure). */
double ring_bend_um(const struct shape_pts *P, const struct fold_src *src, double exposure_s);
/* What an exposure of exposure_s can hide of a ring that the top P's own
 * concavity absorbs (no ripple, no bend), beyond seen_um: the largest over
 * the band (um, a half-width; 0: no exposure, coarse bins, no fold source). */
double ring_absorbed_um(const struct shape_pts *P, const struct fold_src *src, double exposure_s,
			double seen_um);
/* A ring seen (sh->ring, or its crest on the top) whose frequency
 * (ring_box.freq_hz) lies within RING_ALIAS_STEP of a multiple k of the
 * sampling rate rate_hz: k, which each stroke's samples see the ring's
 * phase by (result.c stroke_alias_u); 0 otherwise. */
#define RING_ALIAS_STEP 0.125
unsigned ring_alias_k(const struct shape *sh, double rate_hz);

/* fit.c */
/* Fit one closed stroke (hist[a.idx .. b.idx)) with the learned shape and
 * emit it; t_ref the period around it, t_sig the standard uncertainty of
 * its ends' times (slots); changing: the pen's period changes there
 * (knots_trend: a start-up), its top may differ from the shape (fit.c's
 * top_excess); ks (may be NULL) gathers the sums for knot_solve. */
void fit_stroke(struct measure *m, const struct xing *a, const struct xing *b, double b_t,
		double t_ref, double t_sig, bool changing, struct knot_sums *ks,
		const struct xing *pre, const struct xing *post, const struct bend *kb);
/* How much of a stroke's depth change each model follows (fit.c). */
void fit_follow(const struct shape *sh, double follow[FIT_MODELS]);
/* A stroke's mean level over its period from its samples (what a drift
 * moves whatever the shape) and its peak (um); ok false with fewer than
 * LEVEL_MIN_SAMPLES samples. */
struct stroke_level {
	bool ok;
	double level_um, peak_um;
};
/* The trough of the stroke L[k]..L[k+1] against the shape as it stands
 * (um) and its time (seconds from the record's first sample, as the drift
 * takes it); false where fit_stroke would not accept the stroke. With lv,
 * its levels too. */
bool fit_trough(const struct measure *m, const struct xing *a, const struct xing *b,
		const struct bend *kb, double *t_s, double *trough_um, struct stroke_level *lv);
/* Emit a stroke that was not measured. */
void emit_rejected(struct measure *m, const struct xing *a, double end_slot,
		   enum measure_reject why);

/* learn.c */
/* Build the shape from the strokes held in hist, fit them in order and
 * keep only the open stroke (after the last crossing) in hist. */
void learn_finish(struct measure *m);
/* After learning: the end of the stroke that starts at a_t, predicted
 * a_t + P0, corrected by its samples (ks). */
double knot_solve(struct measure *m, double a_t, double P0, const struct knot_sums *ks);

/* edge.c */
/* The strokes before the first knot L[0] (m->edge_head*), from the samples
 * of the record's start kept in hist; the strokes after the last knot
 * (m->edge_tail*), at the end of the record. Knots refined, use[] set. */
void edge_head(struct measure *m, const struct xing *L, uint32_t nl, const bool *use);
void edge_tail(struct measure *m, const struct xing *L, uint32_t nl, const bool *use);
/* An end's standard uncertainty with the strokes' scatter sd_um. */
double edge_u(double u_fit, const double amp[2], double sd_um);
bool edge_bent_rate(const struct edge_bent *bt, double t, double h, double *r);

/* scatter.c */
/* The correlation of the strokes' scatter from one stroke to the next
 * (0..0.95) from the usable strokes L[k]..L[k + 1] against m->shape (0
 * without one); lev, tmp: scratch of nl values each. *amp_var receives
 * the scatter's variance at the top (um^2, their offsets' less their
 * noise's; 0 without it). */
double scatter_rho(const struct measure *m, const struct xing *L, uint32_t nl, const bool *use,
		   double *lev, double *tmp, double *amp_var);

/* tally.c */
/* One stroke into the statistics (accepted or not) and to the callback. */
void stats_emit(struct measure *m, struct measure_stroke *s);
void stats_level(struct measure *m, double t_s, double level_um);
void seg_close(struct measure *m);
double last_periods_sum(const struct measure *m, unsigned nl);
/* The bin of lag_hist and d2_hist that a squared difference q2 (slots^2)
 * falls in: a quarter of an octave from 2^END_LAG_LO, the ends open. */
unsigned sq_bin(double q2);
bool gap_sides_range(const struct measure *m, double g, double pb, unsigned nb, double pa,
		     unsigned na, double *lo, double *hi);
void bridge_finish(struct measure *m);
void bridge_resume(struct measure *m);
void seg_start(struct measure *m, const struct xing *x);
/* Count whole periods from the previous crossing (m->prev) to x;
 * ref_slots: the period to count a gap by before any clean period (0:
 * none). */
void freq_interval(struct measure *m, const struct xing *x, double ref_slots);
/* Relative scatter of the clean single periods over the record, 0 while
 * fewer than 8 (result.c's rate U uses it too). */
double period_scatter_rel(const struct measure *m);

/* drift.c */
/* The drift's part of the depth budget (a standard uncertainty): fills
 * out's drift figures; with --drift correct also corrects its mean depth.
 * Its part in one uncorrected stroke's depth, when the drift is corrected
 * or seen (0 otherwise): *span_stroke, the largest excursion of the model
 * over the record from its start (a bound, um), and *u_stroke, that
 * excursion's standard uncertainty. *curve: the model chosen (ok false
 * when none), which each stroke is corrected by with --drift correct. */
double result_drift(const struct measure *m, struct measure_stats *out, double *span_stroke,
		    double *u_stroke, struct drift_curve *curve);
/* A trough y (um) at t_s seconds from the record's first sample into d. */
void drift_add(struct drift_sums *d, double t_s, double y_um);
/* The period (s) of the stroke whose trough y_um went into d at t_s,
 * and where t_s falls on the sample grid (rate_hz): into d's sums of
 * what moves the troughs as read without a drift (after drift_add). */
void drift_add_period(struct drift_sums *d, double t_s, double y_um, double period_s,
		      double rate_hz);
/* The model of the least BIC through d's troughs (record of dur seconds)
 * as a curve; false with too few troughs. *seen: the drift over the
 * record beyond 2 of its standard uncertainties. */
bool drift_curve_fit(const struct drift_sums *d, double dur, struct drift_curve *c, bool *seen);
/* The curve at t_s seconds from the record's first sample. */
double drift_at(const struct drift_curve *c, double t_s);
/* The depth x (um, from any reference) of the stroke whose trough went
 * into d at t_s: into d's depth sums (after drift_add). */
void drift_add_depth(struct drift_sums *d, double t_s, double x_um);
/* Over the strokes in d: the variance (n - 1) of curve c at their times
 * (um^2), and *cov its covariance (n - 1) with their depths. */
double drift_curve_var(const struct drift_sums *d, const struct drift_curve *c, double *cov);
/* What a shape took in of a drift, from a quadratic in time through the
 * strokes' mean levels less their own, beside the speed's change across
 * each stroke (s; t in seconds, a record of dur seconds): the quadratic's
 * largest change over the record (um) when it exceeds 4 standard
 * uncertainties and 1 um, 0 otherwise. b (may be NULL) receives the
 * levels' coefficient of the speed's change, um per unit, where it lies
 * beyond 2 of its standard uncertainties (0 otherwise, and without it). */
double drift_level_range(const struct level_sums *s, double dur, double *b);
/* Add a stroke's level y at t_s, its speed's change z, to s. */
void level_sums_add(struct level_sums *s, double t_s, double y, double z);
/* The speed's change across a stroke of period p_own from the periods of
 * the strokes before and after it (seconds; 0 where not known), as a share
 * of its own: (p_next - p_prev) / (2 p_own), one-sided with one neighbour,
 * 0 with none. */
double level_speed_change(double p_prev, double p_own, double p_next);
/* The drift over a record of dur seconds by the model of the least BIC
 * through d0's troughs, fitted to d1's (the same strokes' troughs against
 * another shape) less fitted to d0's (um): what the shape d0's were read
 * against took in of the drift (learn.c, learn_drift_takein); 0 when the
 * model cannot be fitted to both. */
double drift_takein(const struct drift_sums *d0, const struct drift_sums *d1, double dur);
/* What was taken out of the samples at t_s seconds (m->fold_drift; 0
 * without one). */
double drift_taken(const struct measure *m, double t_s);

#endif
