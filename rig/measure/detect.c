/* detect.c - the sample stream and the crossing detector: the level from a
 * first window, strokes cut at up-crossings of the mid level, stalls and
 * long gaps; measure_create, measure_push, measure_finish.
 */
#include "measure/engine.h"

#include <stdlib.h>
#include <string.h>

void hist_keep_from(struct measure *m, struct xing *x)
{
	uint32_t keep_from = x->idx > 0 ? x->idx - 1 : 0;
	memmove(m->hist, m->hist + keep_from, (m->n_hist - keep_from) * sizeof m->hist[0]);
	m->n_hist -= keep_from;
	m->scan -= keep_from;
	m->hist_slot0 += keep_from;
	x->idx -= keep_from;
}

static void drop_hist(struct measure *m)
{
	m->hist_slot0 += m->n_hist;
	m->n_hist = 0;
	m->scan = 0;
}

/* Not inlined: in scan_hist, which runs at every sample, it made a frame
 * of 0xa8 bytes with a stack canary and six saved registers, and all of
 * the detector's state loaded and stored at each call (scan_hist 81 -> 63
 * instructions a sample, the 10-minute capture's 1380 -> 1351 M). */
static __attribute__((noinline)) void on_crossing(struct measure *m, struct xing x)
{
	m->stalled_now = false;
	if (!m->has_prev) {
		/* The first crossing: what came before is no stroke, but
		 * at the record's start it times the partial stroke there
		 * (edge_head). */
		m->head_kept = !m->learned && !m->have_first_seg && m->edge_ok &&
			       m->hist_slot0 == m->first_slot;
		if (!m->head_kept)
			hist_keep_from(m, &x);
		m->has_prev = true;
		m->prev = x;
		m->kn_have = false;
		if (!m->learned) {
			/* counted into the frequency when the shape is learned */
			m->learn[0] = x;
			m->n_learn = 1;
			m->learn0_counted = false;
		} else if (m->bridge_ok) {
			/* across a run of invalid samples: whole periods
			 * from the last crossing before it, when the count
			 * is unambiguous (else the segment splits) */
			struct xing across = x;
			across.clean_before = false;
			m->prev = m->bridge;
			freq_interval(m, &across, 0);
			m->prev = x;
		} else if (x.reliable) {
			seg_start(m, &x);
		}
		m->bridge_ok = false;
		return;
	}
	/* Running period of the raw crossings: the stall limit. */
	double d = x.t_slot - m->prev.t_slot;
	if (m->prev.reliable && x.reliable && x.clean_before) {
		if (m->t_run_slots <= 0)
			m->t_run_slots = d;
		else if (num_abs(d / m->t_run_slots - 1) < 0.3)
			m->t_run_slots += 0.05 * (d - m->t_run_slots);
	}
	if (!m->learned) {
		m->learn[m->n_learn++] = x;
		m->prev = x;
		if (m->n_learn == XING_CAP)
			learn_finish(m);
		return;
	}
	double t_ref = m->t_ref_slots;
	m->tail_trend = false; /* the learning's trend is behind us */
	/* The stroke is mapped with the predicted end a + P0 unless the
	 * crossing is far from it (a speed step, or no prediction yet). */
	bool usable = stroke_usable(&m->prev, &x, t_ref);
	double P0 = m->kn_period;
	bool refine = usable && m->kn_have &&
		      num_abs(x.t_slot - m->prev.t_slot - P0) <= KNOT_MAX * P0;
	struct knot_sums ks = { 0 };
	double b_t = refine ? m->prev.t_slot + P0 : x.t_slot;
	double t_sig = refine ? sqrt(m->kn_var) : KNOT_PRIOR * t_ref;
	fit_stroke(m, &m->prev, &x, b_t, t_ref, t_sig, false, refine ? &ks : NULL, NULL,
		   NULL, NULL);
	if (refine)
		x.t_slot = knot_solve(m, m->prev.t_slot, P0, &ks);
	else
		m->kn_var = KNOT_PRIOR * t_ref * KNOT_PRIOR * t_ref;
	freq_interval(m, &x, 0);
	if (refine && m->seg_t_last_rel == x.t_slot)
		m->seg_t_last_var = m->kn_var; /* the tail's knot, if it ends here */
	m->kn_have = usable;
	m->kn_period = x.t_slot - m->prev.t_slot;
	/* x copied first, its index then moved in the copy: copied after,
	 * the copy's wide loads waited on the narrow store of the index
	 * (store forwarding fails) */
	m->prev = x;
	hist_keep_from(m, &m->prev);
}

static void boot_reset(struct measure *m)
{
	m->leveled = false;
	m->boot_seen = 0;
	m->boot_min = INFINITY;
	m->boot_max = -INFINITY;
	m->has_prev = false;
	m->armed = false;
	m->have_last_valid = false;
	m->invalid_since_xing = 0;
	drop_hist(m);
}

/* The spread (sample standard deviation) of the valid samples of hist
 * from index i0 on; *n_out: how many. */
static double hist_spread(const struct measure *m, uint32_t i0, uint32_t *n_out)
{
	double sx = 0, sxx = 0, ref = NAN;
	uint32_t n = 0;
	for (uint32_t i = i0; i < m->n_hist; i++) {
		double x = m->hist[i];
		if (isnan(x))
			continue;
		if (isnan(ref))
			ref = x; /* shifted sums: no cancellation at a large level */
		sx += x - ref;
		sxx += (x - ref) * (x - ref);
		n++;
	}
	*n_out = n;
	if (n < 2)
		return NAN;
	double v = (sxx - sx * sx / n) / (n - 1);
	return sqrt(v > 0 ? v : 0);
}

/* The strokes stopped: the pen stalled (why = STALL) or the data did (a
 * long run of invalid or lost samples, why = INVALID). The open stroke is
 * rejected once, the frequency segment ends, and after a stall the level
 * and the shape are learned afresh. */
static void on_break(struct measure *m, enum measure_reject why)
{
	if (!m->learned && why == MEASURE_REJECT_INVALID && m->n_learn < LEARN_MIN_BURST) {
		/* Too few strokes before a burst to learn the shape from (7
		 * strokes read 12.6 um shallow with U 4.5 um): they are
		 * rejected, the shape is learned after the burst, and the
		 * rate's U takes the unseen time. */
		for (uint32_t k = 0; k + 1 < m->n_learn; k++)
			emit_rejected(m, &m->learn[k], m->learn[k + 1].t_slot, why);
		if (m->n_learn >= 2)
			m->gap_split = true;
		m->n_learn = 0;
	} else if (!m->learned) {
		learn_finish(m);
	}
	if (m->has_prev && !m->stalled_now) {
		double end = (double)(m->hist_slot0 + m->n_hist);
		emit_rejected(m, &m->prev, end, why);
		if (why == MEASURE_REJECT_STALL && !m->stall_seen) {
			m->stall_seen = true;
			m->stall_at_s = m->prev.t_slot / m->cfg.rate_hz;
			m->stall_len_s = end / m->cfg.rate_hz - m->stall_at_s;
			m->stall_strokes = m->strokes;
			double from = ceil(m->prev.t_slot - (double)m->hist_slot0);
			uint32_t i0 = from <= 0 ? 0 : from >= m->n_hist ? m->n_hist : (uint32_t)from;
			m->stall_sd_um = hist_spread(m, i0 + (m->n_hist - i0) / 2, &m->stall_sd_n);
		}
	}
	/* A run of invalid samples (the pen still running) keeps the
	 * frequency segment open across it: error bursts split the record
	 * and lost its edges (31..58 ppm on 2 s with speed wander). A burst
	 * longer than twice the stall limit breaks again with no stroke open:
	 * the bridge from before it holds (a 100 ms burst split the record,
	 * and the rate of the unseen time was missing: -43..+238 ppm). */
	bool again = why == MEASURE_REJECT_INVALID && m->bridge_ok && !m->has_prev &&
		     m->seg_active;
	m->bridge_ok = again || (why == MEASURE_REJECT_INVALID && m->learned && m->has_prev &&
				 m->seg_active && m->prev.reliable);
	if (m->bridge_ok) {
		if (!again)
			m->bridge = m->prev;
	} else {
		if (why == MEASURE_REJECT_INVALID && m->seg_active)
			m->gap_split = true;
		seg_close(m);
		m->edge_ok = false;
	}
	if (why == MEASURE_REJECT_STALL) {
		m->stalled_now = true;
		m->learned = false;
		m->fold_drift.ok = false; /* learned afresh, from samples as read */
		m->fold_hold_um = 0;
		m->n_learn = 0;
		boot_reset(m);
	} else {
		/* Same pen, same level: wait for the next clean up-crossing. */
		m->has_prev = false;
		m->armed = false;
		m->have_last_valid = false;
		m->invalid_since_xing = 0;
		m->n_learn = 0;
		drop_hist(m);
	}
}

static double stall_limit_slots(const struct measure *m)
{
	double lim;
	if (m->t_run_slots > 0)
		lim = STALL_PERIODS * m->t_run_slots;
	else
		lim = 2.0 * m->boot_len;
	if (lim > HIST_CAP / 2)
		lim = HIST_CAP / 2;
	return lim;
}

/* The median of a, b and c; b where a or c is invalid. */
static inline double med3(double a, double b, double c)
{
	if (isnan(a) || isnan(c))
		return b;
	double lo = a < c ? a : c, hi = a < c ? c : a;
	return b < lo ? lo : b > hi ? hi : b;
}

/* The detector's state that moves at every sample, held in locals over a
 * run of samples (scan_load, scan_store), so that it stays in registers
 * instead of being loaded and stored through m at each one; what moves
 * only at a crossing (the level, the window's start) is read with it. */
struct scan_st {
	uint32_t n_hist, scan;
	bool armed, have_last_valid, filt;
	double last_valid_x, lo_um, mid_um;
	uint64_t last_valid_slot, invalid_since_xing, hist_slot0;
};

static inline __attribute__((always_inline)) void scan_load(const struct measure *m,
							     struct scan_st *st)
{
	st->n_hist = m->n_hist;
	st->scan = m->scan;
	st->armed = m->armed;
	st->have_last_valid = m->have_last_valid;
	st->filt = m->t_run_slots >= 10;
	st->last_valid_x = m->last_valid_x;
	st->lo_um = m->mid_um - m->hyst_um;
	st->mid_um = m->mid_um;
	st->last_valid_slot = m->last_valid_slot;
	st->invalid_since_xing = m->invalid_since_xing;
	st->hist_slot0 = m->hist_slot0;
}

static inline __attribute__((always_inline)) void scan_store(struct measure *m,
							      const struct scan_st *st)
{
	m->n_hist = st->n_hist;
	m->scan = st->scan;
	m->armed = st->armed;
	m->have_last_valid = st->have_last_valid;
	m->last_valid_x = st->last_valid_x;
	m->last_valid_slot = st->last_valid_slot;
	m->invalid_since_xing = st->invalid_since_xing;
}

/* The detector's value x (a number) of hist[i]: arms it below the
 * hysteresis, crosses up at the mid level once armed; true at an
 * up-crossing, *c set (the state as on_crossing is to find it). scan_one
 * and steady_median. */
static inline __attribute__((always_inline)) bool scan_value(struct scan_st *st, struct xing *c,
							     uint32_t i, double x)
{
	uint64_t slot = st->hist_slot0 + i;
	/* below arms it, else a crossing is tested; one branch, on the
	 * crossing (once a stroke): whether a sample near the hysteresis's
	 * level lies below it is the noise's draw, and a branch on it was
	 * mispredicted there */
	bool below = x < st->lo_um;
	bool up = !below & st->armed & (x >= st->mid_um) & st->have_last_valid;
	st->armed |= below;
	if (up) {
		double xp = st->last_valid_x;
		double gap = (double)(slot - st->last_valid_slot);
		c->t_slot = (double)st->last_valid_slot + gap * (st->mid_um - xp) / (x - xp);
		c->t_raw = c->t_slot;
		c->reliable = gap == 1.0;
		c->clean_before = st->invalid_since_xing == 0;
		c->end_moved = 0;
		c->idx = i;
		st->armed = false;
		st->invalid_since_xing = 0;
	}
	st->have_last_valid = true;
	st->last_valid_x = x;
	st->last_valid_slot = slot;
	return up;
}

/* With 10 or more samples per stroke the detector looks at the median of
 * each sample and its neighbours (one sample later): a speckle spike (one
 * sample far off) neither arms it nor crosses; a stroke's own edges are
 * monotone, where the median is the sample itself. The sample hist[i]
 * (i == st->scan) through the detector: true at an up-crossing, *c set
 * (the state as on_crossing is to find it). */
static inline __attribute__((always_inline)) bool scan_one(const double *hist,
							   struct scan_st *st, struct xing *c)
{
	uint32_t i = st->scan++;
	double x = hist[i];
	if (st->filt && i >= 1 && !isnan(x))
		x = med3(hist[i - 1], x, hist[i + 1]);
	if (isnan(x)) {
		st->invalid_since_xing++;
		return false;
	}
	return scan_value(st, c, i, x);
}

/* Where the detector stops in hist: with the median, a sample after the
 * first is scanned once the one after it is in. */
static inline uint32_t scan_end(const struct scan_st *st)
{
	return st->filt && st->n_hist >= 2 ? st->n_hist - 1 : st->n_hist;
}

/* The detector over hist[st->scan .. scan_end) up to its next
 * up-crossing: true with it in *c, false when all is scanned. */
static inline __attribute__((always_inline)) bool scan_run(const double *hist,
							   struct scan_st *st, struct xing *c)
{
	uint32_t end = scan_end(st);
	while (st->scan < end)
		if (scan_one(hist, st, c))
			return true;
	return false;
}

/* Run the detector over hist[m->scan .. n_hist). */
static void scan_hist(struct measure *m)
{
	struct scan_st st;
	struct xing c;
	scan_load(m, &st);
	while (scan_run(m->hist, &st, &c)) {
		scan_store(m, &st);
		on_crossing(m, c);
		scan_load(m, &st);
	}
	scan_store(m, &st);
}

/* How far hist[i] stands out of the cubic through its two neighbours on
 * each side, in the direction sign (+1 up, -1 down), when it stands
 * beyond both its nearest neighbours; else NAN (also when one of the four
 * is missing or invalid). A stroke's top follows the cubic the closer the
 * more samples a stroke (a cosine's top sampled at its peak, N samples a
 * stroke: the travel x (2 pi / N)^4 / 12 out of it); a lone spike stands
 * out by its height. */
static double lone_score(const struct measure *m, uint32_t i, double sign)
{
	if (i < 2 || i + 2 >= m->n_hist)
		return NAN;
	const double *h = &m->hist[i];
	double x = h[0], a = h[-1], b = h[1];
	if (isnan(x) || isnan(a) || isnan(b) || isnan(h[-2]) || isnan(h[2]))
		return NAN;
	if (!(sign * (x - a) > 0 && sign * (x - b) > 0))
		return NAN;
	double fit = (4 * (a + b) - h[-2] - h[2]) / 6;
	return sign * (x - fit);
}

/* The cubic through hist[j - 1 .. j + 2] at t (j = floor t); at the
 * window's edges (j = 0, j = n_hist - 2) the quadratic through its three
 * samples there; NAN outside the window or when one of them is invalid.
 * The cubic alone left a stroke's first sample's phase unread at about an
 * integer number of samples a stroke: blind_hunt.py spikes 1000 15400
 * (7.0008 samples a stroke), a far spike of 118 um on the second stroke's
 * top, sample 8 of a window of 21, found its stroke before at 8 - 7.001 =
 * 0.999, the cubic there needs hist[-1], and with one stroke to compare
 * (cross_score needs two) it stayed in the window's maximum: the level
 * 1523.9 um for the twin's 1464.9, the fold's phases moved with it, and
 * the mean read 1.97 um under the spike-free twin's. */
static double hist_cubic_at(const struct measure *m, double t)
{
	double fj = floor(t), f = t - fj;
	long j = (long)fj, n = (long)m->n_hist;
	if (j < 0 || j + 1 >= n || n < 4)
		return NAN;
	if (j < 1 || j + 2 >= n) {
		const double *h = &m->hist[j < 1 ? 0 : n - 3];
		double u = j < 1 ? t : t - (double)(n - 3);
		return (u - 1) * (u - 2) / 2 * h[0] - u * (u - 2) * h[1] + u * (u - 1) / 2 * h[2];
	}
	const double *h = &m->hist[j];
	double v = -f * (f - 1) * (f - 2) / 6 * h[-1] + (f + 1) * (f - 1) * (f - 2) / 2 * h[0] -
		   (f + 1) * f * (f - 2) / 2 * h[1] + (f + 1) * f * (f - 1) / 6 * h[2];
	return v; /* NAN if one of them is */
}

/* How far hist[i] stands out of the same phase in the strokes next to it
 * (per samples a stroke away, one and two strokes each side, each the
 * cubic through the samples around it: hist_cubic_at), in the direction
 * sign (0: either, as a distance): the least of those, when it stands
 * beyond both its nearest neighbours (sign 0: whatever) and two strokes
 * or more are there to compare; else NAN. */
static double cross_score(const struct measure *m, uint32_t i, double sign, double per)
{
	if (i < 1 || i + 1 >= m->n_hist)
		return NAN;
	const double *h = &m->hist[i];
	double x = h[0];
	if (isnan(x) || (sign != 0 && !(sign * (x - h[-1]) > 0 && sign * (x - h[1]) > 0)))
		return NAN;
	bool dist = sign == 0;
	double least = INFINITY;
	int n = 0;
	for (int k = -2; k <= 2; k++) {
		double v = k ? hist_cubic_at(m, (double)i + k * per) : NAN;
		if (isnan(v))
			continue;
		double r = dist ? num_abs(h[0] - v) : sign * (x - v);
		least = r < least ? r : least;
		n++;
	}
	return n >= 2 ? least : NAN;
}

/* The boot window's extreme in the direction sign (+1 the largest, -1 the
 * smallest), without lone speckle spikes. Each sample that stands beyond
 * both its neighbours is scored by how far it stands out of the cubic
 * through the two on each side (lone_score); the largest few scores, in
 * order, are spikes down to the last one that stands BOOT_SPIKE_RATIO
 * times above the next (a gap between spikes and the noise of the tops)
 * and BOOT_SPIKE_FRAC of the window's span or more, and the extreme is
 * taken over the other samples. The level is the middle of the two
 * extremes, and every stroke's phase follows it: a spike of 94 um as the
 * window's minimum moved the level by 44 um and the record's mean depth
 * by 0.54 um from the same capture without spikes (blind_hunt.py spikes
 * 4000 10818; 11105, three spikes: 161, 154 and 149 um, the next 6).
 * A window without such a gap keeps its extremes as read, so a record
 * without spikes there reads as before. Fewer samples a stroke and the
 * tops stand out too: scored by the nearest neighbours alone, the tops of
 * a spike-free window (spikes 4000 11014's twin, 16 samples a stroke)
 * stood 46 and 46 um out, then 4, and by the cubic still 21 and 15 um,
 * 1.7 % of the span; at 8 samples a stroke (1 kHz) a top stands out as
 * far as a spike. Spikes are looked for only where the window holds
 * BOOT_SPIKE_SPS samples for each of its up-crossings and one more
 * (about 27 samples a stroke over three strokes); with fewer, a spike is
 * looked for against the strokes next to it (cross_score). The window is
 * hist[0 .. n_hist): it was emptied when the window started
 * (boot_reset). */
#define BOOT_SPIKE_RATIO 8.0
#define BOOT_SPIKES_MAX 3 /* spikes left out of a window, at most */
#define BOOT_SPIKE_SPS 20.0 /* samples an up-crossing (and one more), at least */
#define BOOT_SPIKE_FRAC 0.02 /* a spike's score, of the window's span */
#define BOOT_CROSS_FRAC 0.03 /* a spike's cross_score, of the window's span */
#define BOOT_CROSS_MED 3.0 /* and of the median distance of the samples */
#define BOOT_CROSS_MAX 256u /* samples in a window, at most, for cross_score */
static double boot_extreme(const struct measure *m, double sign)
{
	/* the largest scores, in order (one more than the spikes) */
	double q[BOOT_SPIKES_MAX + 1] = { 0 };
	uint32_t at[BOOT_SPIKES_MAX + 1] = { 0 };
	int nq = 0;
	for (uint32_t i = 0; i < m->n_hist; i++) {
		double p = lone_score(m, i, sign);
		if (!(p > 0) || (nq == BOOT_SPIKES_MAX + 1 && !(p > q[BOOT_SPIKES_MAX])))
			continue;
		int k = nq < BOOT_SPIKES_MAX + 1 ? nq++ : BOOT_SPIKES_MAX;
		for (; k > 0 && q[k - 1] < p; k--) {
			q[k] = q[k - 1];
			at[k] = at[k - 1];
		}
		q[k] = p;
		at[k] = i;
	}
	/* samples a stroke: the window over its up-crossings of the middle
	 * (a spike adds one at most) */
	double mid = (m->boot_max + m->boot_min) / 2, hy = 0.15 * (m->boot_max - m->boot_min);
	uint32_t ups = 0;
	bool low = false;
	double up0 = 0, up1 = 0; /* the first and the last, in samples */
	for (uint32_t i = 0; i < m->n_hist; i++) {
		double x = m->hist[i];
		if (x < mid - hy)
			low = true;
		else if (low && x >= mid && i > 0) {
			low = false;
			up1 = (double)(i - 1) + (mid - m->hist[i - 1]) / (x - m->hist[i - 1]);
			up0 = ups++ ? up0 : up1;
		}
	}
	int spikes = 0;
	double span = m->boot_max - m->boot_min;
	if (m->n_hist >= BOOT_SPIKE_SPS * (ups + 1)) {
		for (int j = 1; j < nq; j++)
			if (q[j - 1] >= BOOT_SPIKE_RATIO * q[j] && q[j - 1] >= BOOT_SPIKE_FRAC * span)
				spikes = j;
	} else if (ups >= 2 && up1 > up0 && m->n_hist <= BOOT_CROSS_MAX) {
		/* Too few samples a stroke for the cubic through a sample's
		 * neighbours (a top stands out of it as far as a spike): the
		 * same phase in the strokes next to it (cross_score), a
		 * stroke being the up-crossings' mean spacing. A score of
		 * BOOT_CROSS_FRAC of the span or more is a spike; more than
		 * BOOT_SPIKES_MAX of them, the cubics' own miss (a speed's
		 * start-up changes the period within the window: speed 1000
		 * 11702, 7.8 samples a stroke, a top 1.7 % of the span out),
		 * and the extremes stay as read. blind_hunt.py spikes 1000
		 * 11107 (8.3 samples a stroke): a near spike 54 um over the
		 * top of the first stroke set the level 1211.9 um for the
		 * twin's 1195.3, the mean -0.60 um from the twin's; it stands
		 * 3.7 % of the span out of the next strokes, the tops of the
		 * window at most 0.4 % (-0.31 % in the twin). */
		double per = (up1 - up0) / (double)(ups - 1), d[BOOT_CROSS_MAX];
		size_t nd = 0;
		for (uint32_t i = 0; i < m->n_hist; i++) {
			double r = cross_score(m, i, 0, per);
			if (!isnan(r))
				d[nd++] = r;
		}
		double lim = nd ? BOOT_CROSS_MED * num_median(d, nd, false) : INFINITY;
		lim = lim > BOOT_CROSS_FRAC * span ? lim : BOOT_CROSS_FRAC * span;
		for (uint32_t i = 0; i < m->n_hist; i++) {
			double p = cross_score(m, i, sign, per);
			if (!(p >= lim))
				continue;
			if (spikes == BOOT_SPIKES_MAX) {
				spikes = 0; /* more than spikes: the cubics' miss */
				break;
			}
			at[spikes++] = i;
		}
	}
	if (spikes == 0)
		return sign > 0 ? m->boot_max : m->boot_min;
	double ext = NAN;
	for (uint32_t i = 0; i < m->n_hist; i++) {
		double x = m->hist[i];
		if (isnan(x) || !(isnan(ext) || sign * (x - ext) > 0))
			continue;
		bool spike = false;
		for (int j = 0; j < spikes; j++)
			spike = spike || at[j] == i;
		if (!spike)
			ext = x;
	}
	return isnan(ext) ? (sign > 0 ? m->boot_max : m->boot_min) : ext;
}

/* The open stroke may not grow beyond a few periods (checked every 64
 * samples: the limit is hundreds). */
static void stall_check(struct measure *m)
{
	double open_from = m->has_prev ? m->prev.t_slot : (double)m->hist_slot0;
	double open_len = (double)(m->hist_slot0 + m->n_hist) - open_from;
	if (open_len > stall_limit_slots(m))
		on_break(m, (double)m->invalid_since_xing * 2 > open_len ? MEASURE_REJECT_INVALID
									   : MEASURE_REJECT_STALL);
}

static void push_one(struct measure *m, double x)
{
	if (m->n_hist == HIST_CAP) {
		/* Full: the learning store (shape it now) or a stalled stroke. */
		if (m->leveled && !m->learned && m->n_learn > 1)
			learn_finish(m);
		if (m->n_hist == HIST_CAP) {
			if (m->leveled)
				on_break(m, MEASURE_REJECT_STALL);
			else
				drop_hist(m);
		}
	}
	if (m->learned)
		x -= m->fold_hold_um; /* the drift taken out (learn.c) */
	m->hist[m->n_hist++] = x;
	if (!m->leveled) {
		if (!isnan(x)) {
			if (x < m->boot_min)
				m->boot_min = x;
			if (x > m->boot_max)
				m->boot_max = x;
		}
		if (++m->boot_seen < m->boot_len)
			return;
		double p2p = m->boot_max - m->boot_min;
		if (!(p2p >= m->min_stroke_um)) {
			if (p2p > m->flat_p2p_um)
				m->flat_p2p_um = p2p;
			m->edge_ok = false;
			boot_reset(m);
			return;
		}
		m->leveled = true;
		m->ever_leveled = true;
		m->mid_um = (boot_extreme(m, 1.0) + boot_extreme(m, -1.0)) / 2;
		m->hyst_um = 0.15 * p2p;
		m->scan = 0;
		scan_hist(m);
		return;
	}
	scan_hist(m);
	if (!(m->n_hist & 63))
		stall_check(m);
}

/* What stopped steady_run. */
enum steady_stop {
	STEADY_SAMPLE, /* a sample it does not take, or the end of them */
	STEADY_XING,   /* an up-crossing */
	STEADY_CHECK   /* the stall check is due (every 64 samples) */
};

/* steady_run's steady state with the median (st->filt): one sample
 * waits for its right neighbour (st->scan + 1 == st->n_hist) and it and
 * its left one are numbers. Each sample taken is a number too (a finite
 * reading less a finite hold), so the median of three needs no test for
 * NaN and no value is read back from hist: scan_one's results to the bit
 * (the same scan_value); steady_run 69 -> 51 instructions a sample
 * (callgrind, the bench's 10 minutes). The samples from *pp on while each
 * is in the slot after the last (*next) and valid, up to a crossing (*c),
 * the stall check, or the first sample it does not take (STEADY_SAMPLE:
 * steady_run asks it again). */
static inline __attribute__((always_inline)) enum steady_stop
steady_median(struct measure *m, struct scan_st *st, const struct laser_sample **pp,
	      const struct laser_sample *end, uint64_t *next, struct xing *c, double zero_mm,
	      double hold)
{
	const struct laser_sample *p = *pp;
	double a = m->hist[st->scan - 1], b = m->hist[st->scan];
	uint64_t slot_next = *next;
	enum steady_stop why = STEADY_SAMPLE;
	while (p < end && p->slot == slot_next && p->status == LASER_OK && isfinite(p->dist_mm)) {
		double x3 = (zero_mm - p->dist_mm) * 1000.0 - hold;
		slot_next++;
		p++;
		m->hist[st->n_hist++] = x3;
		uint32_t i = st->scan++;
		/* med3(a, b, x3), none of them NaN, as four selects of one
		 * comparison each, in the order of the SSE minimum and
		 * maximum (b between lo and hi: lo <= hi): no branch, where
		 * which of a, b, x3 is the middle is the noise's draw on a
		 * flat top or trough (med3's nested ?: was two mispredicted
		 * branches); the same double as med3, signed zeros too
		 * (checked over all triples of +-0, +-1, +-2, +-inf, the
		 * smallest and a large value). a_ is a to gcc's eye (num_opaque):
		 * with a, it saw lo's comparison in hi's and made the pair a
		 * branch again */
		double lo = a < x3 ? a : x3, a_ = num_opaque(a);
		double hi = x3 > a_ ? x3 : a_;
		double t = hi < b ? hi : b;
		double x = lo > t ? lo : t;
		a = b;
		b = x3;
		if (scan_value(st, c, i, x)) {
			why = STEADY_XING;
			break;
		}
		if (!(st->n_hist & 63)) {
			why = STEADY_CHECK;
			break;
		}
	}
	*pp = p;
	*next = slot_next;
	return why;
}

/* The samples from *pp on as measure_push and push_one take them, while
 * each is in the slot after the last and valid (the stream's steady
 * state), up to the first event that calls out of the detector: a
 * crossing (*c) or the stall check. The detector's state and the counts
 * stay in registers over the run (scan_load, scan_store): no call is in
 * it. *pp moves past the samples taken. Not inlined, so that its loop
 * holds its own registers. */
static __attribute__((noinline)) enum steady_stop
steady_run(struct measure *m, const struct laser_sample **pp, const struct laser_sample *end,
	   struct xing *c)
{
	struct scan_st st;
	const struct laser_sample *p = *pp;
	const double zero_mm = m->cfg.zero_mm;
	const double hold = m->learned ? m->fold_hold_um : 0; /* as push_one */
	/* a sample it takes is then a number (steady_median) */
	const bool hold_finite = isfinite(hold);
	uint64_t next = m->next_slot;
	enum steady_stop why = STEADY_SAMPLE;
	scan_load(m, &st);
	while (p < end && p->slot == next && p->status == LASER_OK && isfinite(p->dist_mm)) {
		next++;
		m->hist[st.n_hist++] = (zero_mm - p->dist_mm) * 1000.0 - hold;
		p++;
		/* the steady state's one sample to scan, else as many as
		 * there are */
		bool up = st.scan + 1 == scan_end(&st) ? scan_one(m->hist, &st, c)
						       : scan_run(m->hist, &st, c);
		if (up) {
			why = STEADY_XING;
			break;
		}
		if (!(st.n_hist & 63)) {
			why = STEADY_CHECK;
			break;
		}
		if (st.filt && hold_finite && st.scan >= 1 && st.scan + 1 == st.n_hist &&
		    !isnan(m->hist[st.scan - 1]) && !isnan(m->hist[st.scan])) {
			why = steady_median(m, &st, &p, end, &next, c, zero_mm, hold);
			if (why != STEADY_SAMPLE)
				break;
		}
	}
	scan_store(m, &st);
	m->next_slot = next;
	m->samples += (uint64_t)(p - *pp);
	*pp = p;
	return why;
}

/* The samples s[k .. n) through steady_run while the level is known and
 * hist has room, each event handled as push_one does; the same results to
 * the bit as measure_push's sample by sample. Returns the index of the
 * first sample not taken (measure_push takes it). */
static size_t push_steady(struct measure *m, const struct laser_sample *s, size_t k, size_t n)
{
	const struct laser_sample *p = s + k, *end = s + n;
	while (p < end && m->started && m->leveled && m->n_hist < HIST_CAP) {
		struct xing c;
		enum steady_stop why = steady_run(m, &p, end, &c);
		if (why == STEADY_SAMPLE)
			break;
		if (why == STEADY_XING) {
			on_crossing(m, c);
			scan_hist(m); /* the rest of that sample's scan */
		}
		if (!(m->n_hist & 63))
			stall_check(m);
	}
	return (size_t)(p - s);
}

enum rig_rc measure_push(struct measure *m, const struct laser_sample *s, size_t n,
			 struct rig_err *err)
{
	if (m->br_ended && n > 0)
		bridge_resume(m); /* the record goes on after measure_finish */
	for (size_t k = 0; k < n; k++) {
		k = push_steady(m, s, k, n);
		if (k == n)
			break;
		const struct laser_sample *p = &s[k];
		if (!m->started) {
			m->started = true;
			m->next_slot = p->slot;
			m->hist_slot0 = p->slot;
			m->first_slot = p->slot;
		}
		if (p->slot < m->next_slot)
			return rig_fail(err, RIG_E_DATA,
					"sample slot %llu after slot %llu: slots must increase",
					(unsigned long long)p->slot,
					(unsigned long long)(m->next_slot - 1));
		uint64_t gap = p->slot - m->next_slot;
		if (gap > HIST_CAP) {
			/* A long hole: no stroke spans it. */
			m->samples += gap;
			m->invalid += gap;
			m->invalid_by_status[LASER_LOST] += gap;
			if (m->leveled)
				on_break(m, MEASURE_REJECT_INVALID);
			else
				boot_reset(m);
			m->hist_slot0 = p->slot;
		} else {
			for (uint64_t g = 0; g < gap; g++) {
				m->samples++;
				m->invalid++;
				m->invalid_by_status[LASER_LOST]++;
				push_one(m, NAN);
			}
		}
		m->next_slot = p->slot + 1;
		m->samples++;
		enum laser_status st = p->status;
		if ((unsigned)st >= LASER_STATUS_COUNT)
			st = LASER_ERR_OTHER;
		if (st != LASER_OK || !isfinite(p->dist_mm)) {
			m->invalid++;
			m->invalid_by_status[st == LASER_OK ? LASER_ERR_OTHER : st]++;
			push_one(m, NAN);
		} else {
			push_one(m, (m->cfg.zero_mm - p->dist_mm) * 1000.0);
		}
	}
	return RIG_OK;
}

void measure_finish(struct measure *m)
{
	m->finishing = true;
	if (!m->learned && m->n_learn > 1)
		learn_finish(m);
	bridge_finish(m);
}

enum rig_rc measure_create(struct measure **out, const struct measure_config *cfg,
			   struct rig_err *err)
{
	*out = NULL;
	if (!(cfg->rate_hz > 0 && cfg->rate_hz <= 1e6))
		return rig_fail(err, RIG_E_USAGE, "measure: rate %g Hz: expected 0 < rate <= 1e6",
				cfg->rate_hz);
	if (!isfinite(cfg->zero_mm))
		return rig_fail(err, RIG_E_USAGE, "measure: laser zero is not a number");
	if (!(cfg->freq_hint_hz >= 0) || cfg->freq_hint_hz > cfg->rate_hz / 2)
		return rig_fail(err, RIG_E_USAGE,
				"measure: stroke rate hint %g Hz: expected 0 (unknown) .. %g Hz",
				cfg->freq_hint_hz, cfg->rate_hz / 2);
	if (!(cfg->min_stroke_um >= 0) || !(cfg->linearity_um >= 0) ||
	    !(cfg->resolution_um >= 0) || !(cfg->zero_u_um >= 0) || !(cfg->clock_ppm >= 0) ||
	    !(cfg->exposure_us >= 0) || cfg->exposure_us > 1e6 || !(cfg->ring_max_um >= 0) ||
	    cfg->ring_max_um > 1e4 || !(cfg->ring_exposure_us >= 0) || cfg->ring_exposure_us > 1e6)
		return rig_fail(err, RIG_E_USAGE,
				"measure: minimum stroke, exposure, ring bound and uncertainty parts "
				"must be >= 0");
	const struct measure_gates *g = &cfg->gates;
	if (!(g->max_noise_pct == g->max_noise_pct) || !(g->max_rate_change_pct >= 0) ||
	    !(g->max_rate_trend_pct >= 0) ||
	    !(g->max_drift_um >= 0) || (unsigned)g->drift > MEASURE_DRIFT_CORRECT)
		return rig_fail(err, RIG_E_USAGE,
				"measure: quality gates: rate change, rate trend and drift must be >= 0, drift "
				"mode flag or correct");
	struct measure *m = calloc(1, sizeof *m);
	if (!m)
		return rig_fail(err, RIG_E_NOMEM, "measure: out of memory");
	m->cfg = *cfg;
	m->min_stroke_um = cfg->min_stroke_um > 0 ? cfg->min_stroke_um : 50.0;
	double f_low = cfg->freq_hint_hz > 0 ? cfg->freq_hint_hz / 2 : F_LOW_HZ;
	double bl = ceil(1.5 * cfg->rate_hz / f_low);
	if (bl > HIST_CAP / 4)
		bl = HIST_CAP / 4;
	if (bl < 8)
		bl = 8;
	m->boot_len = (uint32_t)bl;
	if (cfg->freq_hint_hz > 0)
		m->t_ref_slots = 0; /* the hint only sizes the level window */
	boot_reset(m);
	m->edge_ok = true;
	*out = m;
	return RIG_OK;
}

void measure_free(struct measure *m)
{
	free(m);
}
