/* tally.c - the engine's running statistics as strokes come: each stroke
 * into the depth sums (stats_emit), and the periods between stroke ends
 * counted into the rate's segments (freq_interval), across gaps only when
 * the count is sure. result.c turns them into figures (docs/measurement.md).
 */
#include "measure/engine.h"

#include <math.h>
#include <string.h>

/* One accepted stroke's mean level less the level its peak and trough make
 * with the shape, at its peak time (drift_level_range): held until its
 * period and the next stroke's are known (stats_emit, level_flush). */
void stats_level(struct measure *m, double t_s, double level_um)
{
	m->dl_cur.have = true;
	m->dl_cur.t_s = t_s - (double)m->first_slot / m->cfg.rate_hz;
	m->dl_cur.level_um = level_um;
	/* lobes: the index stats_emit gives this stroke next */
	if (!(m->stroke_index & 1)) {
		m->lv_last = level_um;
		m->lv_last_idx = m->stroke_index;
		m->lv_have = true;
	} else if (m->lv_have && m->lv_last_idx + 1 == m->stroke_index) {
		double d = m->lv_last - level_um;
		m->lv_n++;
		m->lv_d += d;
		m->lv_dd += d * d;
	}
}

/* An accepted stroke's depth x (from d_ref) into the sums of a ring
 * aliased on the sampling grid (ring_alias_k): its samples see the ring
 * at the phase k times their offset from its crest (peak_time_s, in
 * samples), the same phase at each of them. */
static void alias_add(struct measure *m, const struct measure_stroke *s, double x)
{
	unsigned k = ring_alias_k(&m->shape, m->cfg.rate_hz);
	if (!k || (m->al_k && k != m->al_k))
		return;
	m->al_k = k;
	double c = cos(4 * M_PI * k * (s->peak_time_s * m->cfg.rate_hz));
	m->al_n++;
	m->al_c += c;
	m->al_cc += c * c;
	m->al_x += x;
	m->al_xx += x * x;
	m->al_x3 += x * x * x;
	m->al_x4 += x * x * x * x;
	m->al_xc += x * c;
	m->al_xxc += x * x * c;
}

/* The level held (m->dl_pend) into the levels' sums, with the speed's
 * change across its stroke from the periods of its neighbours (p_next: the
 * next stroke's, 0 when not measured). */
static void level_flush(struct measure *m, double p_next)
{
	if (!m->dl_pend.have)
		return;
	double z = level_speed_change(m->dl_pend.p_prev_s, m->dl_pend.p_own_s, p_next);
	level_sums_add(&m->dl, m->dl_pend.t_s, m->dl_pend.level_um, z);
	if (!m->dl_first_have) {
		m->dl_first_have = true;
		m->dl_first_index = m->dl_pend.index;
		m->dl_first_z = z;
	}
	m->dl_pend.have = false;
}

void stats_emit(struct measure *m, struct measure_stroke *s)
{
	s->index = m->stroke_index++;
	/* the levels: a period counts as a neighbour's where the stroke was
	 * measured (a rejected stroke's may span a gap) */
	double p = s->reject == MEASURE_STROKE_OK && s->period_s > 0 ? s->period_s : 0;
	level_flush(m, p);
	if (m->dl_cur.have && p > 0) {
		m->dl_pend = m->dl_cur;
		m->dl_pend.index = s->index;
		m->dl_pend.p_prev_s = m->dl_p_last;
		m->dl_pend.p_own_s = p;
	}
	m->dl_cur.have = false;
	s->speed_change = p > 0 ? level_speed_change(m->dl_p_last, p, 0) : 0;
	m->dl_p_last = p;
	if (s->reject == MEASURE_STROKE_OK) {
		double d = s->peak_um;
		if (m->strokes == 0) {
			m->d_ref = d;
			m->d_min_stroke = m->d_max_stroke = *s;
		}
		double x = d - m->d_ref;
		m->strokes++;
		double delta = x - m->d_mean;
		m->d_mean += delta / m->strokes;
		m->d_m2 += delta * (x - m->d_mean);
		if (d < m->d_min_stroke.peak_um)
			m->d_min_stroke = *s;
		if (d > m->d_max_stroke.peak_um)
			m->d_max_stroke = *s;
		m->trough_sum += s->trough_um - m->d_ref;
		if (m->have_last_depth) {
			m->lag_sxy += x * m->last_depth;
			m->lag_sx += m->last_depth;
			m->lag_sy += x;
			m->lag_n++;
		}
		m->have_last_depth = true;
		m->last_depth = x;
		alias_add(m, s, x);
		/* drift: the trough against time */
		if (m->strokes == 1)
			m->dr_ref = s->trough_um;
		if (!s->phase_bent) {
			double t = s->peak_time_s - (double)m->first_slot / m->cfg.rate_hz;
			drift_add(&m->dr, t, s->trough_um - m->dr_ref);
			drift_add_depth(&m->dr, t, x);
			drift_add_period(&m->dr, t, s->trough_um - m->dr_ref, s->period_s,
					 m->cfg.rate_hz);
		}
		/* lobes: even and odd strokes apart */
		int lb = (int)(s->index & 1);
		m->lb_n[lb]++;
		m->lb_d[lb] += x;
		m->lb_dd[lb] += x * x;
		m->lb_p[lb] += s->period_s;
		m->lb_pp[lb] += s->period_s * s->period_s;
	} else {
		m->rejected[s->reject]++;
		m->have_last_depth = false;
	}
	if (m->cfg.on_stroke)
		m->cfg.on_stroke(s, m->cfg.ctx);
}

/* ---- rate: whole periods between reliable crossings, by segment ------ */

/* The open segment's count, its last counted crossing and its edge and
 * split flags, kept (bridge start, bridge_finish) and put back
 * (bridge_roll_back, bridge_resume). */
static void seg_mark_save(const struct measure *m, struct seg_mark *k)
{
	k->seg_n = m->seg_n;
	k->seg_n_at_rel = m->seg_n_at_rel;
	k->t_last_rel = m->seg_t_last_rel;
	k->t_last_raw = m->seg_t_last_raw;
	k->t_last_var = m->seg_t_last_var;
	k->ntail = m->ntail;
	k->gap_split = m->gap_split;
	k->edge_ok = m->edge_ok;
}

static void seg_mark_restore(struct measure *m, const struct seg_mark *k)
{
	m->seg_n = k->seg_n;
	m->seg_n_at_rel = k->seg_n_at_rel;
	m->seg_t_last_rel = k->t_last_rel;
	m->seg_t_last_raw = k->t_last_raw;
	m->seg_t_last_var = k->t_last_var;
	m->ntail = k->ntail;
	m->gap_split = k->gap_split;
	m->edge_ok = k->edge_ok;
}

/* The segment as it was before the first unchecked bridge (the
 * crossing before its gap): its count, taken at the speed before the gap,
 * cannot be checked when no clean period follows, and the pen may have
 * changed speed in it (a step to 1.40 inside the last 232 ms of 2.92 s,
 * 26 strokes bridged at the old speed: -12054 ppm against U 10.7). The
 * segment ends there, so the gap is unseen time (result.c, u_gap; at the
 * record's end an unseen end): split, and no edges, whatever the flags
 * were when the bridge started. */
static void bridge_roll_back(struct measure *m)
{
	seg_mark_restore(m, &m->br_start);
	m->gap_split = true;
	m->edge_ok = false;
}

/* The segment ends (split again) with a bridge of more than two periods
 * no clean period followed: it ends before that gap. */
static void bridge_unseen(struct measure *m)
{
	if (!m->br_pending)
		return;
	m->br_pending = false;
	if (m->br_n <= 2 || !m->seg_active)
		return;
	bridge_roll_back(m);
}

/* The record may end here (measure_finish): an unchecked bridge of more
 * than two periods is an unseen end. A run looks at its figures after
 * every chunk and reads on, and a saved trace finishes at the line where
 * the shape was learned: samples pushed after this put the segment back
 * as it was (bridge_resume), and the bridge is checked as before. */
void bridge_finish(struct measure *m)
{
	if (!m->br_pending || m->br_ended || m->br_n <= 2 || !m->seg_active)
		return;
	seg_mark_save(m, &m->br_live);
	m->br_ended = true;
	bridge_roll_back(m);
}

/* Samples after measure_finish: the record goes on, undo bridge_finish. */
void bridge_resume(struct measure *m)
{
	if (!m->br_ended)
		return;
	m->br_ended = false;
	seg_mark_restore(m, &m->br_live);
}

/* The first clean period pa (slots) after bridged gaps: the strokes in
 * them were counted as round(q), q = their length over the period before
 * them. At the speed after them the same time holds q_a periods. When the
 * pen changed speed inside the gap the unseen strokes lie anywhere from
 * q to q_a (100 Hz to 130 inside 150 ms of error values: 15 counted,
 * 18 there; -13072 ppm against U 39.7), so the count is any whole number
 * in [min - e, max + e], e the count's margin: the larger of 0.25 (as
 * gap_count) and 3 standard deviations of timing noise (second differences,
 * steps left out) over q periods. When q and q_a differ by more than e
 * the pen changed speed, and an underdamped change overshoots: the speed
 * inside may go beyond the speed after by as much again (x1.15 at 11.3 Hz,
 * damping 0.3, its first peak inside 9.3 periods of error values: 11
 * counted as sure, about 12 there, -3769 ppm against U 8.0), so the
 * range reaches |q_a - q| further on q_a's side. One whole number: the
 * count stands. More: the middle of them, rectangular over them (result.c,
 * u_count). */
static void bridge_check(struct measure *m, double pa)
{
	m->br_pending = false;
	if (!(pa > 0 && m->br_p > 0))
		return;
	double qb = m->br_slots / m->br_p, qa = m->br_slots / pa;
	double dq = qa - qb, w = num_abs(dq) > m->br_e ? dq : 0;
	double lo = ceil(fmin(qa, qb) - m->br_e + fmin(w, 0));
	double hi = floor(fmax(qa, qb) + m->br_e + fmax(w, 0));
	if (hi - lo < 1)
		return;
	double h = (hi - lo) / 2;
	m->br_adj += lo + h - (double)m->br_n;
	m->br_var += h * h / 3;
	m->br_unsure++;
	if (m->br_slots > m->br_unsure_slots) {
		m->br_unsure_slots = m->br_slots;
		m->br_unsure_lo = (long)lo;
		m->br_unsure_hi = (long)hi;
	}
}

/* ---- gaps between segments: the speeds on their sides ---------------- */

/* A gap of g slots between two counted segments, the mean period before
 * it pb (of nb clean periods next to it) and after it pa (na): true when
 * the two speeds give counts over it that differ by more than e, as
 * bridge_check (the larger of 0.25 and 3 standard deviations of the two
 * means over its q periods): the pen changed speed there. The speed
 * inside (periods a slot) then lies in [*lo, *hi]: between the two, and
 * as far again beyond the speed after (an underdamped change overshoots,
 * bridge_check). The record's rate is the mean over the segments, and
 * result.c (unseen_gap_rel) charges the gap's time with that range in
 * place of the periods' scatter alone: 1 kHz, x1.40 at 6.7 Hz, damping
 * 0.28, its first peak inside 101 ms of error values that split the
 * record, read -17 411 ppm against U 17 086, status ok. */
bool gap_sides_range(const struct measure *m, double g, double pb, unsigned nb, double pa,
		     unsigned na, double *lo, double *hi)
{
	if (!(g > 0 && pb > 0 && pa > 0 && nb > 0 && na > 0))
		return false;
	double pm = (pa + pb) / 2, q = g / pm;
	double sd = m->n_d2 >= 8 ? sqrt(m->d2_sumsq / (double)m->n_d2 / 2) : 0;
	double e = fmax(0.25, 3 * q * sd * sqrt(1.0 / nb + 1.0 / na) / pm);
	double vb = 1 / pb, va = 1 / pa, w = va - vb;
	if (!(num_abs(g * w) > e))
		return false;
	*lo = fmax(0, fmin(vb, va + fmin(w, 0)));
	*hi = fmax(vb, va + fmax(w, 0));
	return true;
}

/* The segment after the pending gap closes: the gap is kept when its
 * sides differ (gap_sides_range); a segment that counted no clean period
 * next to the gap leaves it to the periods' scatter. */
static void gap_sides_done(struct measure *m)
{
	double lo, hi, g = m->seg_t_first - m->gs_t0;
	m->gs_pending = false;
	if (!m->gs_na ||
	    !gap_sides_range(m, g, m->gs_pb, m->gs_nb, m->gs_pa / m->gs_na, m->gs_na, &lo, &hi))
		return;
	if (m->ngs < GAP_SIDES_N) {
		m->gs_slots[m->ngs] = g;
		m->gs_lo[m->ngs] = lo;
		m->gs_hi[m->ngs++] = hi;
		return;
	}
	/* more: the last one takes them all, its range their union */
	unsigned k = GAP_SIDES_N - 1;
	m->gs_slots[k] += g;
	m->gs_lo[k] = fmin(m->gs_lo[k], lo);
	m->gs_hi[k] = fmax(m->gs_hi[k], hi);
}

/* The sum of the last nl clean periods (slots; nl at most 3 and npl). */
double last_periods_sum(const struct measure *m, unsigned nl)
{
	double s = 0;
	for (unsigned i = 0; i < nl; i++)
		s += m->pl[(m->npl - 1 - i) % 3];
	return s;
}

/* A counted segment closed: a gap may follow, pending the speed after it
 * (the mean of up to three clean periods before it, up to its last
 * counted crossing). */
static void gap_sides_start(struct measure *m)
{
	unsigned nb = m->ntail < 3 ? m->ntail : 3;
	if (nb > m->npl)
		nb = (unsigned)m->npl;
	m->gs_pending = nb > 0;
	m->gs_t0 = m->seg_t_last_rel;
	m->gs_nb = nb;
	m->gs_pb = nb > 0 ? last_periods_sum(m, nb) / nb : 0;
	m->gs_pa = 0;
	m->gs_na = 0;
}

void seg_close(struct measure *m)
{
	bridge_unseen(m);
	if (m->seg_active && m->seg_n_at_rel >= 1) {
		if (m->nseg == 0)
			m->first_cnt_t = m->seg_t_first;
		if (m->gs_pending)
			gap_sides_done(m);
		m->tot_periods += m->seg_n_at_rel;
		m->tot_span_slots += m->seg_t_last_rel - m->seg_t_first;
		m->nseg++;
		m->last_seg_t = m->seg_t_last_rel;
		m->last_seg_ntail = m->ntail;
		gap_sides_start(m);
	}
	m->seg_active = false;
	m->have_prev_period = false;
}

void seg_start(struct measure *m, const struct xing *x)
{
	if (!m->have_first_seg) {
		m->have_first_seg = true;
		m->first_seg_t = x->t_slot;
	}
	m->seg_active = true;
	m->seg_t_first = m->seg_t_last_rel = x->t_slot;
	m->seg_t_first_raw = m->seg_t_last_raw = x->t_raw;
	m->seg_t_last_var = 0;
	m->seg_n = m->seg_n_at_rel = 0;
	m->br_pending = false;
}

unsigned sq_bin(double q2)
{
	uint64_t w;
	memcpy(&w, &q2, sizeof w); /* binary exponent and 2 mantissa bits */
	long l = ((long)(w >> 52 & 0x7ff) - 1023 - END_LAG_LO) * END_LAG_PER + (long)(w >> 50 & 3);
	return l > 0 ? (l < (long)END_LAG_BINS - 1 ? (unsigned)l : END_LAG_BINS - 1) : 0;
}

/* A clean single period d (slots, refined) and its raw length d_raw
 * (mid-level crossings as detected, never smoothed; moved: its start
 * crossing's XING_MOVED_FIRST and its end's XING_MOVED_LAST, the
 * crossings raw_spike_crossings moved as the learning's ends): the running period,
 * the first and last periods (edges, rate at start and end), the period
 * scatter, and the timing noise of one raw crossing from second
 * differences. A second difference far beyond the running rms (a speed
 * step) is left out of the timing noise: it is the pen, not the timing. */
static void freq_period(struct measure *m, double d, double d_raw, double t_end_raw,
			bool contiguous_head, unsigned moved)
{
	m->t_ref_slots = d;
	if (m->nper == 0)
		m->per_ref = d;
	double tt = t_end_raw - d_raw / 2 - (double)m->first_slot, pp = d_raw - m->per_ref;
	line_sums_add(&m->tr, tt, pp);
	if (contiguous_head && m->npf < 3) {
		m->pf_raw[m->npf] = d_raw;
		m->pf[m->npf++] = d;
	}
	if (contiguous_head && m->hd.n < END_TREND_N) {
		if (m->hd.n == 0)
			m->hd_first_copied = (moved & XING_MOVED_FIRST) != 0;
		m->hd_t[(unsigned)m->hd.n] = tt;
		m->hd_p[(unsigned)m->hd.n] = pp;
		line_sums_add(&m->hd, tt, pp);
	}
	/* a period less the one END_LAG_N before (the ring's): the speed's
	 * wander over a few strokes, as a histogram whose median stands
	 * (result.c, end_wander) */
	if (m->npl >= END_LAG_N) {
		double q = pp - m->tl_p[(m->npl - END_LAG_N) % END_TREND_N];
		m->lag_hist[sq_bin(q * q)]++;
		m->n_lag++;
	}
	m->tl_t[m->npl % END_TREND_N] = tt;
	m->tl_p[m->npl % END_TREND_N] = pp;
	m->tl_last_copied = (moved & XING_MOVED_LAST) != 0;
	m->pl_raw[m->npl % 3] = d_raw;
	m->pl[m->npl % 3] = d;
	m->npl++;
	double e = d - m->per_ref;
	m->per_sum += e;
	m->per_sumsq += e * e;
	m->nper++;
	if (m->have_prev_period) {
		double d2 = d_raw - m->prev_period;
		unsigned bin = sq_bin(d2 * d2);
		m->d2_hist[bin]++;
		m->d2_hist_sum[bin] += d2 * d2;
		m->n_d2_hist++;
		double rms2 = m->n_d2 ? m->d2_sumsq / (double)m->n_d2 : 0;
		if (m->n_d2 >= 8 && d2 * d2 > 25 * rms2)
			m->n_d2_out++;
		else {
			m->d2_sumsq += d2 * d2;
			m->n_d2++;
		}
	}
	m->have_prev_period = true;
	m->prev_period = d_raw;
	m->last_period = d;
}

/* Relative scatter of the clean single periods over the record (speed
 * wander and timing noise), 0 while fewer than 8. */
double period_scatter_rel(const struct measure *m)
{
	if (m->nper < 8)
		return 0;
	double n = (double)m->nper, mp = m->per_sum / n;
	double v = (m->per_sumsq - m->per_sum * mp) / (n - 1);
	double p = m->per_ref + mp;
	return v > 0 && p > 0 ? sqrt(v) / p : 0;
}

/* Whole periods across q = gap / last period (not clean: invalid samples
 * in it), 0 when the count is not sure. Up to 4 periods: the nearest
 * integer within 0.25. Longer: also at least 3 standard deviations from
 * the half-integers, the period's relative scatter over the record
 * (wander included) times q being one: a 100 ms burst (15..17 periods)
 * reads 15.1 with 0.04. The last period may not be the gap's. */
static long gap_count(const struct measure *m, double q)
{
	long r = lround(q);
	double off = num_abs(q - (double)r);
	if (r < 1 || off >= 0.25)
		return 0;
	if (r <= 4)
		return r;
	double s_rel = period_scatter_rel(m);
	return s_rel > 0 && off + 3 * q * s_rel < 0.5 ? r : 0;
}

/* Count whole periods from the previous crossing to x. Between two clean
 * crossings (no invalid sample between them, both reliable) lies exactly
 * one stroke whatever its length against the last period (0.5 to 1.75 of
 * it: the pen may be starting, stepping or chirping), or two or more if
 * it is that many periods long within 0.2 (a crossing lost in noise).
 * Across invalid samples the strokes are counted as round(interval /
 * last period) when that is unambiguous (gap_count); otherwise the
 * record splits into segments. Before the first clean period there is no
 * last period: ref_slots (the learning's local period, 0 for none) counts
 * across invalid samples there. Without it an error value in the first
 * strokes split the record at its head and the partial strokes before the
 * split went uncounted (4 kHz, error values in 2 % of the samples, two in
 * the first 45: the first 2.5 strokes, 0.16 % slower than the record,
 * read +10.3 ppm against U 7.9). */
void freq_interval(struct measure *m, const struct xing *x, double ref_slots)
{
	double d = x->t_slot - m->prev.t_slot;
	double d_raw = x->t_raw - m->prev.t_raw;
	bool clean = m->prev.reliable && x->reliable && x->clean_before;
	long n = 0;
	bool single = false;
	if (m->t_ref_slots <= 0) {
		n = clean;
		single = clean;
		if (!clean && ref_slots > 0)
			n = gap_count(m, d / ref_slots);
	} else {
		double q = d / m->t_ref_slots;
		if (clean && q > 0.5 && q < 1.75) {
			n = 1;
			single = true;
		} else if (clean) {
			/* rounded only here: a call of lround, and the values
			 * kept across it, at every stroke */
			long r = lround(q);
			if (r >= 1 && r <= 16 && num_abs(q - (double)r) < 0.2)
				n = r;
		} else {
			n = gap_count(m, q);
		}
		/* a clean interval much shorter than the last (a crossing of
		 * noise?) or counted as several (a crossing lost?): its count
		 * may be one off */
		if (clean && n >= 1 && (q < 0.7 || n >= 2))
			m->n_susp++;
		if (clean && n >= 2)
			m->n_susp_multi++;
	}
	if (n == 0) {
		if (!clean && m->seg_active)
			m->gap_split = true;
		seg_close(m);
		m->edge_ok = false;
		m->ntail = 0;
		if (x->reliable)
			seg_start(m, x);
		return;
	}
	/* the first segment that counts, unbroken so far from its first
	 * crossing (a crossing before it, in a segment that counted nothing,
	 * leaves its time to the unseen head: result.c head_crossing) */
	bool head = m->nseg == 0 && m->seg_active && m->seg_n == (uint64_t)m->hd.n;
	if (single && m->br_pending)
		bridge_check(m, d);
	if (!clean && n >= 2 && m->seg_active) {
		/* bridged: checked at the first clean period after it */
		double p = m->t_ref_slots > 0 ? m->t_ref_slots : ref_slots;
		if (!m->br_pending) {
			m->br_pending = true;
			m->br_slots = 0;
			m->br_n = 0;
			m->br_p = p;
			m->br_e = 0;
			seg_mark_save(m, &m->br_start);
		}
		m->br_slots += d;
		m->br_n += (uint64_t)n;
		double q = m->br_slots / m->br_p;
		double sd = m->n_d2 >= 8 ? sqrt(m->d2_sumsq / (double)m->n_d2 / 2) : 0;
		m->br_e = fmax(0.25, 3 * q * sd / m->br_p);
	}
	if (single) {
		freq_period(m, d, d_raw, x->t_raw, head,
			    (m->prev.end_moved & XING_MOVED_FIRST) | (x->end_moved & XING_MOVED_LAST));
		m->ntail++;
		/* the speed after a pending gap: the first clean periods of
		 * the segment after it, unbroken from its first crossing */
		if (m->gs_pending && m->seg_active && m->seg_n == m->gs_na && m->gs_na < 3) {
			m->gs_pa += d;
			m->gs_na++;
		}
	} else {
		m->have_prev_period = false;
		m->ntail = 0;
	}
	if (!m->seg_active) {
		if (x->reliable)
			seg_start(m, x);
		return;
	}
	m->seg_n += (uint64_t)n;
	if (x->reliable) {
		m->seg_n_at_rel = m->seg_n;
		m->seg_t_last_rel = x->t_slot;
		m->seg_t_last_raw = x->t_raw;
		m->seg_t_last_var = 0;
	}
}

/* ---- results and the uncertainty budget --------------------------------- */
