/* stroke.h - streaming measurement of needle strokes from laser samples:
 * per-stroke penetration depth, stroke frequency and their uncertainty.
 *
 * Ownership: measure_create() allocates one struct measure (fixed size,
 * whatever the record length); measure_free() releases it. Samples passed
 * to measure_push() are read during the call only. The stroke record handed
 * to the callback lives for the duration of the callback only. The stats
 * filled by measure_result() belong to the caller.
 *
 * Geometry: the laser looks along the needle axis at the tips; zero_mm is
 * the laser's reading of the contact plane. Extension of the tips
 * = zero_mm - distance; a stroke's depth is its peak extension.
 *
 * Method (docs/measurement.md has the details and the measured accuracy):
 * strokes are cut at up-crossings of the mid level. Strokes are folded
 * onto one period by their phase (equivalent-time sampling) to learn the
 * stroke shape at a resolution far below the sample spacing; the stroke
 * ends are then timed by fitting all samples against that shape (with the
 * pen's slowly changing speed as a prior), and the strokes refolded. The
 * frequency is the number of whole periods between the first and last
 * stroke end over their time; each stroke's depth is the shape's peak plus
 * the stroke's own offset, fitted to its samples near the top.
 */
#ifndef RIG_MEASURE_STROKE_H
#define RIG_MEASURE_STROKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "dev/laser/sample.h"

/* Why a stroke did not enter the statistics. */
enum measure_reject {
	MEASURE_STROKE_OK = 0,
	MEASURE_REJECT_INVALID,     /* it touched an invalid or lost sample */
	MEASURE_REJECT_PERIOD,      /* its period is far from the running period */
	MEASURE_REJECT_STALL,       /* no stroke end within 4 periods: pen stalled */
	MEASURE_REJECT_NO_TOP,      /* no valid sample near its top */
	MEASURE_REJECT_SHAPE,       /* its samples do not follow the stroke shape */
	MEASURE_REJECT_COUNT
};

/* The state of a whole record. Only MEASURE_OK is a clean result; the
 * others say why a figure is missing or should not be trusted. */
enum measure_status {
	MEASURE_OK = 0,
	MEASURE_NO_DATA,        /* no sample was pushed */
	MEASURE_ALL_INVALID,    /* no valid sample at all */
	MEASURE_OUT_OF_RANGE,   /* the target was outside the measuring range */
	MEASURE_FLAT,           /* valid samples, but no motion: pen not running */
	MEASURE_NO_STROKES,     /* motion, but fewer than 2 accepted strokes */
	MEASURE_STALLED,        /* strokes stopped part-way through the record */
	/* Quality gates (struct measure_gates): the figures are withheld. */
	MEASURE_NOISY,          /* sample noise too large against the travel */
	MEASURE_UNSTEADY,       /* the rate changed beyond the gate in the record */
	MEASURE_LOBES,          /* alternate strokes differ: a two-lobe cam */
	MEASURE_DRIFT,          /* the readings drifted beyond the gate */
	MEASURE_PHASE_GAP,      /* the top falls between sampled phases beyond
				 * the gate: the depth is withheld, the rate kept */
	MEASURE_RING_BOUND,     /* a ring seen beyond the fixture's ring_max_um:
				 * the bound is wrong; depth withheld, rate kept */
	MEASURE_UNSEEN_END,     /* an end of the record unseen (error values)
				 * for more than 2 periods, or while the speed
				 * next to it was changing: the rate withheld,
				 * the depth kept */
	MEASURE_STATUS_COUNT
};

struct measure_stroke {
	uint64_t index;          /* 0-based, counts rejected strokes too */
	double peak_time_s;      /* time of the peak from slot 0 */
	double peak_um;          /* peak extension: this stroke's depth */
	double trough_um;        /* lowest extension (tips retracted) */
	double period_s;         /* from this stroke's up-crossing to the next */
	unsigned top_samples;    /* samples the peak was fitted to */
	enum measure_reject reject; /* MEASURE_STROKE_OK when accepted */
	/* Accepted strokes: the top fit's variance factor (the variance of
	 * peak_um over the sample noise's) and its residual degrees of
	 * freedom, and its residual sum of squares (um^2), for this
	 * stroke's own U (measure_stroke_U_um: its own misfit). */
	double fit_var_factor;
	unsigned fit_dof;
	double fit_rss_um2;
	/* A stroke of a pen changing speed: its top's samples off its fit
	 * (um, taken whole into its U; 0 elsewhere) */
	double top_excess_um;
	/* Measured with its phase bent by its neighbours' crossings (a fast
	 * start-up, fit.c's fit_bend): its trough carries that curve's
	 * error and does not enter the drift (tally.c) */
	bool phase_bent;
	/* Accepted strokes: the speed's change across it from the last
	 * measured stroke's period, (P - P_last) / P (0 with none): for its
	 * own U (measure_stroke_U_um) */
	double speed_change;
};

typedef void (*measure_stroke_fn)(const struct measure_stroke *s, void *ctx);

/* Drift of the readings (seen in the retracted position of the strokes):
 * reported either way; FLAG leaves the depth as measured and counts the
 * drift's effect on it in U, CORRECT subtracts it (and counts the
 * correction's own uncertainty). */
enum measure_drift_mode {
	MEASURE_DRIFT_FLAG = 0,
	MEASURE_DRIFT_CORRECT,
};

/* Quality gates: when the signal cannot support a figure, the record gets
 * a status that says why and its figures are absent. 0 = the default. */
/* A trend of the period within a record counts when its slope is this
 * many standard errors from zero. */
#define MEASURE_TREND_Z 3.0

struct measure_gates {
	double max_noise_pct;       /* sample noise near the tops against the
				       travel, %; 0 = 5 %, < 0 = off */
	double max_rate_change_pct; /* |rate at the end - at the start| against
				       the rate, %; 0 = off */
	double max_rate_trend_pct;  /* the rate's trend over the record (a line
				       through its periods, MEASURE_TREND_Z
				       standard errors from flat), %; 0 = off */
	double max_drift_um;        /* |drift over the record|; 0 = off */
	double max_phase_gap_pct;   /* the unsampled phase over the top
				       (phase_gap) against the period, %;
				       withholds the depth only; 0 = off */
	enum measure_drift_mode drift;
	bool lobes_ok;              /* report alternating lobes, do not refuse */
};

struct measure_config {
	double rate_hz;          /* sensor measuring rate (required, > 0) */
	double zero_mm;          /* laser reading of the contact plane */
	double freq_hint_hz;     /* expected stroke rate; 0 = unknown (>= 20 Hz) */
	double min_stroke_um;    /* smaller motion is "flat"; 0 = 50 um */
	/* Type-B parts of the uncertainty budget (0 = not counted). */
	double linearity_um;     /* sensor linearity, max deviation (rectangular) */
	double resolution_um;    /* one count / resolution step (rectangular) */
	double zero_u_um;        /* standard uncertainty of zero_mm */
	double clock_ppm;        /* sensor clock accuracy, max (rectangular) */
	/* The sensor's exposure (us; 0 = instantaneous or unknown): each
	 * value is the mean of the target over it, which lowers a peak; the
	 * depth is corrected for it and the correction counts in U. */
	double exposure_us;
	/* The fixture's measured bound on what its pad's impact ring adds
	 * beyond the top this exposure shows (um; 0 = none: the physics, up
	 * to RING_MAX_UM): the hidden ring's term in U is held to it
	 * (docs/measurement.md 5b). A ring seen beyond it is flagged
	 * (ring_over_bound) and the bound not used. */
	double ring_max_um;
	/* The exposure the bound was measured at (us; 0 = none or not
	 * known). The bound holds at that exposure only: with exposure_us
	 * further than RING_EXPOSURE_TOL_US from it, it is not used
	 * (ring_bound_unused; the physics holds the hidden ring, and a ring
	 * seen beyond the bound is not flagged). */
	double ring_exposure_us;
	struct measure_gates gates;
	/* Called once per stroke, accepted or not, in order; may be NULL.
	 * Strokes of the learning period (up to ~16k samples) are reported
	 * when the stroke shape has been learned, at the latest by
	 * measure_finish(). */
	measure_stroke_fn on_stroke;
	void *ctx;
};

/* A phase gap at the top worth showing (coarser than 200 phases a
 * cycle: the stroke and sample rates near commensurate, no wander). */
#define PHASE_GAP_SHOWN 0.005

/* The rings of a pad, as benches meet them (REFERENCE.md: a few kHz,
 * 5..20 um): what a sensor's exposure can hide of them counts in U. */
#define RING_HZ_LO 2000.0
#define RING_HZ_HI 5000.0
#define RING_MAX_UM 20.0
/* A pad's ring bound holds at the exposure it was measured at: the same
 * shutter setting, read back as the fixture checks it (0.1 us). */
#define RING_EXPOSURE_TOL_US 0.1

/* Whether a ring bound measured at ring_exposure_us holds for a record at
 * exposure_us: the same exposure within RING_EXPOSURE_TOL_US (0 for not
 * known matches only 0, where no hidden ring is counted). */
bool measure_ring_bound_holds(double exposure_us, double ring_exposure_us);

/* Impact ringing on the tops, as the shape showed it. */
enum measure_ring {
	MEASURE_RING_NONE,       /* none seen */
	MEASURE_RING_TAKEN,      /* seen and resolved: the depth is its deepest point */
	MEASURE_RING_UNRESOLVED, /* seen, too coarse to resolve: its rise counts in U */
	MEASURE_RING_UNSURE,     /* a ripple, its peak not clearly above the smooth
				    top, or the ripple by a hair: the depth between
				    the two, at most the peak, their gap in U */
};

/* The drift of the readings as a curve of time (drift.c's model of it,
 * for each stroke's own correction): at t seconds from the record's first
 * sample, a polynomial of degree deg in t / dur_s, (deg 0) p[0] +
 * p[1] exp(-t / tau_s), a spline (knots) or a quarter sine (sine). What it added to a stroke is its value at the
 * stroke's time less its value at 0 (measure_stroke_figures). */
#define MEASURE_DRIFT_TERMS 5
struct measure_drift_curve {
	bool ok;
	unsigned deg, knots, sine;   /* as drift.c's struct drift_curve */
	double p[MEASURE_DRIFT_TERMS];
	double tau_s, dur_s;
	double t0_s;                 /* the record's first sample, s from slot 0 */
	double shift_um;             /* added to each stroke's correction: the
					models' mean correction less the curve's */
};

struct measure_stats {
	enum measure_status status;
	char message[200];           /* for a person; "" when status is OK */

	uint64_t first_slot;         /* the record's first slot */
	uint64_t samples;            /* slots seen, including lost ones: the
					record is first_slot .. first_slot + samples - 1 */
	uint64_t invalid_samples;    /* slots with status != LASER_OK */
	uint64_t invalid_by_status[LASER_STATUS_COUNT];
	double duration_s;           /* samples / rate_hz */

	uint64_t strokes;            /* accepted strokes */
	uint64_t strokes_rejected;
	uint64_t rejected_by_reason[MEASURE_REJECT_COUNT];

	/* Depth: valid only when has_depth (>= 2 accepted strokes). */
	bool has_depth;
	double depth_mean_um;
	double depth_std_um;         /* per-stroke scatter, fit noise removed */
	double depth_std_raw_um;     /* scatter of the fitted peaks as they are */
	double depth_std_U_um;       /* expanded uncertainty (k = 2) of depth_std_um */
	double depth_min_um, depth_max_um;
	double depth_minmax_U_um;    /* expanded uncertainty (k = 2) of each of
					depth_min_um and depth_max_um */
	/* An extreme is withheld (false) when its stroke's fit had no
	 * residual degree of freedom (one sample on its top, or as many as
	 * the fit's parameters): nothing could show a spike or a flank's
	 * timing in it (a 1 kHz stroke read 36 um shallow so). */
	bool has_depth_min, has_depth_max;
	/* One stroke's depth (peak_um), for measure_stroke_U_um: the fits'
	 * noise variance (um^2), the standard uncertainty common to every
	 * stroke (the mean's terms but its statistical one, and the drift's
	 * own), and the drift's largest excursion over the record (a bound,
	 * added whole, when the strokes are not corrected for the drift; 0
	 * when they are: stroke_drift); with a ring seen, each stroke's
	 * misfit to the shape (stroke_ring_u: the strokes' own spread at
	 * the top beyond the noise, at least the fits' residual spread, a
	 * standard uncertainty; 0 without a ring); the error of the shape's top
	 * points that one stroke's samples share (stroke_fold_u, a
	 * standard uncertainty). */
	double stroke_noise2_um2, stroke_u_common_um, stroke_drift_span_um, stroke_u_ring_um;
	double stroke_u_fold_um;
	/* the strokes' mean levels against the speed's change across each
	 * (um per unit, drift.c drift_level_range; 0 where it is not
	 * significant) and that change's mean over them: a stroke whose speed
	 * changes is off the learned shape by b (z - mean), a bound on its
	 * own U (measure_stroke_U_um) */
	double stroke_level_speed_um, stroke_level_speed_z0;
	/* the first stroke with a level: its index and its z from the next
	 * stroke's period (its own speed_change has no stroke before it) */
	bool stroke_level_first;
	uint64_t stroke_level_first_index;
	double stroke_level_first_z;
	/* the fits' misfit at the strokes' tops (result.c stroke_top_misfit:
	 * a standard uncertainty of each stroke's depth, in the extremes'
	 * and the std's U; 0 where none shows) */
	double stroke_u_top_um;
	/* and sample by sample at the very top, a ring's crest from its
	 * misfit's rms (result.c stroke_peak_misfit: in each stroke's U;
	 * 0 where none shows) */
	double stroke_u_peak_um;
	/* a ring aliased on the sampling grid (result.c stroke_alias_u):
	 * k (0: none), the sampling rate, the part of the strokes' ring
	 * their fits read at the phase their samples saw it (a standard
	 * uncertainty) and the ring's change at the crest (stroke_ring_u),
	 * for each stroke's own term (measure_stroke_U_um) */
	unsigned stroke_alias_k;
	double stroke_alias_rate_hz, stroke_u_alias_um, stroke_u_crest_um;
	/* the noise's kurtosis (result.c noise_kurtosis), for each
	 * stroke's own misfit (stroke_misfit_var) */
	double stroke_kurt;
	/* With the drift corrected (drift_corrected): its curve, which each
	 * stroke's depth and trough are corrected by (stroke_drift.ok). */
	struct measure_drift_curve stroke_drift;
	double trough_mean_um;
	double depth_u_stat_um;      /* standard uncertainty, statistical part */
	double depth_u_peak_um;      /* standard uncertainty, the shape peak's noise */
	double depth_u_model_um;     /* standard uncertainty of the shape model */
	double depth_u_phase_um;     /* the peak between sampled phases */
	double phase_gap;            /* unsampled phase at the top, cycles */
	double depth_exposure_um;    /* added for the exposure's smoothing of the peak */
	enum measure_ring ring;      /* impact ringing on the tops (docs/measurement.md 5a) */
	double ring_rise_um;         /* UNRESOLVED: the ring's rise; UNSURE: how far the depth
					lies beyond the smooth top */
	double ring_hidden_um;       /* a ring of the pad the exposure may have
					averaged away: a half-width in U (0: none) */
	double ring_seen_um;         /* the ring's rise over the smooth top as seen
					(0: none seen) */
	double ring_bound_um;        /* the bound the hidden ring was held to:
					ring_max_um, or RING_MAX_UM (the physics) */
	bool ring_over_bound;        /* a ring seen beyond the fixture's
					ring_max_um: the bound is wrong (flagged;
					the physics holds the hidden ring) */
	bool ring_smooth;            /* ring TAKEN through the exposure's box, but a
					smooth top of as many terms fits as well: not
					told from the top's own shape (ring.c
					RM_SMOOTH) */
	bool ring_bound_unused;      /* the fixture's ring_max_um was not used: it
					was measured at another exposure
					(ring_exposure_us; 0: not known) */
	double depth_U_um;           /* expanded uncertainty (k = 2) of the mean */
	double noise_um;             /* sample noise seen around the fitted tops */

	/* Frequency: valid only when has_freq (>= 1 whole period timed). */
	bool has_freq;
	double freq_hz;
	double freq_u_stat_hz;       /* standard uncertainty, statistical part */
	double freq_U_hz;            /* expanded uncertainty (k = 2) */
	double freq_u_model_hz;      /* standard uncertainty of the edge model */
	double period_jitter_us;     /* std of single periods (wander + jitter) */
	double crossing_jitter_us;   /* timing noise of one crossing as detected */
	/* Steadiness: the rate at the record's first and last whole stroke
	 * (a line through the clean periods next to each end, read at the
	 * middle of the period nearest the end, result.c end_rate; 0: too
	 * few), those middles (s from the first sample), their difference
	 * against the mean rate, and the expanded uncertainties (k = 2) of
	 * the three. */
	double rate_start_hz, rate_end_hz;
	double rate_start_s, rate_end_s;
	double rate_change_pct;
	double rate_start_U_hz, rate_end_U_hz, rate_change_U_pct;
	/* Trend: the rate's change over the record from a straight line
	 * through the clean periods (as detected) against time, % of the
	 * rate, and that slope against its standard error. */
	double rate_trend_pct;
	double rate_trend_z;
	double freq_u_trend_hz;      /* the trend's part of the rate budget,
					when the run adds it (run/point.c) */
	double freq_u_count_hz;      /* strokes whose count is uncertain */
	/* Bridged gaps whose count a speed change inside them made unsure
	 * (in freq_u_count_hz): how many, and the longest one's time and
	 * the whole numbers of strokes possible across it. */
	unsigned count_unsure;
	double count_unsure_ms;
	long count_unsure_lo, count_unsure_hi;
	double freq_u_gap_hz;        /* the unseen time of a record split by a gap */
	/* An end of the record unseen (error values) while the periods next
	 * to it trend: the speed would have changed by unseen_end_pct % of
	 * the rate over its unseen_end_ms had the trend gone on (the head:
	 * back to the first sample; unseen_end_tail: the tail, on to the
	 * last); beyond what U allows there, so the rate is withheld
	 * (MEASURE_UNSEEN_END). unseen_end_long: an end not counted for more
	 * than 2 periods (a whole stroke unseen), trend or not: withheld too,
	 * unseen_end_ms that end's time. */
	bool unseen_end_trend, unseen_end_tail, unseen_end_long;
	double unseen_end_pct, unseen_end_ms;

	/* Signal quality. */
	double noise_pct;            /* noise_um against the travel, % */
	double travel_um;            /* the mean stroke's travel */
	/* Drift: the retracted position's change over the record (a
	 * model in time through the strokes' troughs), its standard
	 * uncertainty, whether the troughs show one (drift_detected: the
	 * change beyond 2 of its fit's own standard uncertainties and
	 * beyond what the stroke's period and its phase on the sample grid
	 * explain, or the strokes' levels
	 * show the shape took one in at a steady rate; not judged by
	 * drift_u_um, which also holds how far the figure's form may be
	 * off), and whether the depth was corrected for it. */
	bool has_drift;
	double drift_um, drift_u_um;
	bool drift_detected;
	bool drift_corrected;
	double depth_u_drift_um;     /* the drift's part of the depth budget */
	/* Alternate strokes (a two-lobe cam): depth and rate of the even and
	 * the odd strokes (has_lobes when they differ significantly). */
	bool has_lobes;
	double lobe_depth_um[2], lobe_freq_hz[2];
	/* the periods as detected alternate, the fitted strokes do not: the
	 * engine could not follow the lobes (refused even with lobes_ok) */
	bool lobes_unfollowed;
	/* unfollowed, seen in the strokes' mean levels: the even strokes'
	 * level less the next odd one's, beyond what their fitted peaks and
	 * troughs make (0: not seen there) */
	double lobe_level_um;
};

struct measure;

/* Check cfg and allocate. RIG_E_USAGE for a bad config (rate <= 0 ...). */
enum rig_rc measure_create(struct measure **out, const struct measure_config *cfg,
			   struct rig_err *err);
void measure_free(struct measure *m);

/* Feed samples in slot order; a gap in slots counts as lost samples.
 * RIG_E_DATA if a slot goes backwards (the record is not one stream). */
enum rig_rc measure_push(struct measure *m, const struct laser_sample *s, size_t n,
			 struct rig_err *err);

/* End of record: report the strokes still held back. Pushing after this
 * is allowed (it continues the record). */
void measure_finish(struct measure *m);

/* Statistics so far (call measure_finish() first for the whole record). */
void measure_result(const struct measure *m, struct measure_stats *out);

/* The phase-gap gate (gates->max_phase_gap_pct > 0): a record otherwise ok
 * whose top fell between the sampled phases by more than that share of the
 * period gets MEASURE_PHASE_GAP and its depth withheld; its rate is kept.
 * Separate from measure_result() because a run applies it after its own
 * verdicts on the settling (run/point.c); `rig analyze` right after. */
void measure_gate_phase_gap(struct measure_stats *st, const struct measure_gates *gates);
/* The expanded uncertainty (k = 2) of one accepted stroke's depth
 * (s->peak_um) from the record's result st (docs/measurement.md, "One
 * stroke's depth"); NAN when st has no depth or s was not accepted. */
double measure_stroke_U_um(const struct measure_stats *st, const struct measure_stroke *s);
/* One accepted stroke's figures from the record's result st: its depth
 * and trough as measured (s->peak_um, s->trough_um) less what the drift
 * added at its time when the drift was corrected (drift_um, 0 otherwise),
 * the depth with its expanded uncertainty (k = 2; docs/measurement.md,
 * "One stroke's depth"). The trough has none yet: its scatter did not
 * cover its error. False, and NANs, when st has no depth or s was not
 * accepted. */
struct measure_stroke_figures {
	double depth_um, depth_U_um;
	double trough_um;
	double drift_um;             /* the correction taken off both */
};
bool measure_stroke_figures(const struct measure_stats *st, const struct measure_stroke *s,
			    struct measure_stroke_figures *out);
/* A run's point whose ring was seen beyond the fixture's measured bound
 * (ring_over_bound) gets MEASURE_RING_BOUND and its depth withheld: the
 * bench's calibration of its pad is wrong. The rate is kept. */
void measure_gate_ring_bound(struct measure_stats *st);

/* One phase bin of the folded stroke: the samples of every stroke used to
 * learn the shape, placed by their phase from the stroke's up-crossing. */
struct measure_shape_bin {
	double phase;            /* centre of the bin, 0..1 of a period */
	double mean_um;          /* mean extension of the samples in the bin */
	double std_um;           /* their sample standard deviation (n - 1);
				    NaN with fewer than 2 samples */
	uint32_t samples;
};

/* The stroke shape the engine folded (mean and spread per phase bin), at
 * most cap bins: when the engine used more bins than cap, neighbouring bins
 * are merged. Returns the number of bins written, 0 while no shape has
 * been learned (call measure_finish() first for a short record). */
size_t measure_shape(const struct measure *m, struct measure_shape_bin *out, size_t cap);

/* The rate's note (notes.c): when a bridged count was unsure
 * (count_unsure), why the rate's U is large, in words without a prefix
 * ("the pen changed speed where error values hid it: ..."), written to
 * buf (at most cap bytes, always terminated). Returns its length, 0 and
 * "" when there is none (no rate, or every count sure). rig analyze
 * prints it after "rate: ", a run's report adds it to the rate row's
 * note (docs/reports.md). */
#define MEASURE_NOTE_MAX 768
size_t measure_note_rate(const struct measure_stats *st, char *buf, size_t cap);

/* The depth's notes that bear on its figure (notes.c), each with the
 * prefix rig analyze prints it after ("phase coverage: ", "ringing: "):
 * the top between samples (phase coverage, its U term), a ring the
 * sensor's exposure may have hidden (in U), the pad's ring bound (beyond
 * it: WARNING; not used; held to it). None without a depth. Not the
 * drift, which every record has. measure_note_depth_one writes one (0 and
 * "" when it does not apply), measure_note_depth all that apply, joined by
 * "; ", as a run's report adds them to the depth row's note. mc gives the
 * fixture's ring bound and the exposures. */
enum measure_depth_note {
	MEASURE_NOTE_PHASE,
	MEASURE_NOTE_RING_HIDDEN,
	MEASURE_NOTE_RING_BOUND,
	MEASURE_NOTE_DEPTH_KINDS
};
size_t measure_note_depth_one(const struct measure_stats *st, const struct measure_config *mc,
			      enum measure_depth_note k, char *buf, size_t cap);
size_t measure_note_depth(const struct measure_stats *st, const struct measure_config *mc,
			  char *buf, size_t cap);

const char *measure_status_name(enum measure_status s);
const char *measure_reject_name(enum measure_reject r);

#endif
