/* fit.c - one closed stroke against the learned shape: its depth (the top
 * fit), its trough, and the sums that time its end (knot_solve).
 */
#include "measure/engine.h"

#include <string.h>

struct top_fit {
	unsigned n;        /* samples used */
	double off_um;     /* the stroke's peak minus the shape's peak */
	double slope_um;   /* beta: how much of it scales with w */
	double var_factor; /* variance of off_um / sample noise variance */
	double rss;        /* residual sum of squares */
	unsigned dof;
	double trough_off_um;
	unsigned gated;    /* top samples left out as spikes */
	double level_sum;  /* sum of the stroke's samples */
};

/* The sums of the top fit: the normal matrix A of alpha + beta (w - 1) +
 * gamma T', y, the residual sum of squares; the samples above TOP_W (nt,
 * srt, srrt) and near the trough (nb, srb). */
struct top_sums {
	double lv;         /* sum of the stroke's samples (its mean level) */
	double A[3][3], y[3], srr;
	double nt, srt, srrt, nb, srb;
	unsigned gated;    /* samples left out as spikes */
};

/* Without a solvable 3-parameter fit: alpha + beta (w - 1), then an offset
 * over the top 30 %, then over all samples used. */
static void top_fit_fallback(const struct top_sums *S, struct top_fit *f)
{
	double n = S->A[0][0];
	double sw = S->A[0][1], sww = S->A[1][1], sr = S->y[0], swr = S->y[1], srr = S->srr;
	double sxx = sww - sw * sw / n;
	if (n >= 4 && sxx >= 0.02 * n) {
		double beta = (swr - sw * sr / n) / sxx;
		double alpha = (sr - beta * sw) / n;
		double mv = sw / n;
		f->n = (unsigned)n;
		f->off_um = alpha;
		f->slope_um = beta;
		f->var_factor = 1 / n + mv * mv / sxx;
		f->rss = srr - alpha * sr - beta * swr;
		f->dof = (unsigned)n - 2;
	} else if (S->nt > 0) {
		f->n = (unsigned)S->nt;
		f->off_um = S->srt / S->nt;
		f->var_factor = 1 / S->nt;
		f->rss = S->srrt - S->srt * f->off_um;
		f->dof = (unsigned)S->nt - 1;
	} else {
		f->n = (unsigned)n;
		f->off_um = sr / n;
		f->var_factor = 1 / n;
		f->rss = srr - sr * f->off_um;
		f->dof = (unsigned)n - 1;
	}
}

/* A stroke differs from the learned shape T by r = x - T. On the top 70 %
 * of the travel (w >= 0.3) before the trough, r is fitted as
 * alpha + beta (w - 1) + gamma T'(phase): a stroke that goes deeper by
 * moving as a whole (beta = 0), one whose travel stretches from a fixed
 * retracted end (r proportional to w), and a timing shift against its
 * crossings all fit, and alpha is the difference at the peak. With fewer
 * than 6 samples or a singular system, alpha + beta (w - 1), then an offset
 * (over the top 30 % if there are samples there) are fitted; for the mean
 * depth all are unbiased. Returns false if no sample is near the top. */
/* Gather the sums of the top fit over hist[a.idx .. b_idx). A sample
 * further from the shape than shape_gate_um() is left out (a spike); with
 * a model (alpha, beta, gamma of a first fit), a top sample further than
 * mgate from it is left out too. */
static void top_sums_gather(const struct measure *m, const struct xing *a, double b_t,
			    uint32_t b_idx, struct top_sums *S, struct knot_sums *ks,
			    const double *model, double mgate, double t_sig)
{
	const struct shape *sh = &m->shape;
	double span = b_t - a->t_slot;
	double dph = 1.0 / span;
	double ph = ((double)(m->hist_slot0 + a->idx) - a->t_slot) * dph;
	double nb_d = (double)sh->nbins;
	long nbins = (long)sh->nbins;
	double gate0 = shape_gate_um(sh, 0, 0);
	double t_cyc = gate_timing_cycles(t_sig, span);
	memset(S, 0, sizeof *S);
	for (uint32_t i = a->idx; i < b_idx; i++, ph += dph) {
		S->lv += m->hist[i];
		/* nearest bin centre; phase is in [0, 1) up to rounding */
		double u = ph * nb_d - 0.5;
		long j = (long)(u + 1.5) - 1;
		double sfrac = u - (double)j;
		if (j < 0)
			j += nbins;
		else if (j >= nbins)
			j -= nbins;
		double w = sh->w[j];
		bool own = ph <= sh->trough_phase;
		bool top = w >= TOP_W_WIDE && own;
		/* After the trough the next stroke's advance begins: it may
		 * differ from this one, so it does not enter this fit. */
		if (!top && w > TROUGH_W && !(ks && own))
			continue;
		double d = sh->c1[j] + 2 * sfrac * sh->c2[j];
		double r = m->hist[i] - (sh->c0[j] + sfrac * (sh->c1[j] + sfrac * sh->c2[j]));
		double ad = num_abs(d) * nb_d;
		if (ks && own && ph >= 0 && num_abs(r) <= gate0 + 0.02 * ad) {
			/* the stroke's knots (knot_solve): slope per cycle
			 * times d(phase)/d(start), d(phase)/d(end); the gate
			 * allows for 2 % of a period of timing error (with
			 * the filter's own 3 sigma it lost the flanks at 3
			 * samples per stroke and drifted). spike_resid()
			 * is not asked here: its neighbours' shape values
			 * cost 14 % of the throughput of a long record
			 * (28.8 -> 24.8 M samples per CPU second), where one
			 * knot moves the rate 1/span as much as in a run's
			 * window */
			double dT = d * nb_d * dph;
			double js = -dT * (1 - ph), je = -dT * ph;
			knot_sums_add(ks, r, js, je);
		}
		if (!(num_abs(r) <= gate0 + t_cyc * ad) ||
		    (model && top &&
		     !(num_abs(r - model[0] - model[1] * (w - 1) - model[2] * d) <= mgate))) {
			/* a speckle spike (or a stroke the shape does not follow) */
			S->gated += top;
			continue;
		}
		if (!top && w > TROUGH_W)
			continue;
		if (!top) {
			S->nb++;
			S->srb += r;
			continue;
		}
		double v = w - 1;
		S->A[0][0] += 1;
		S->A[0][1] += v;
		S->A[0][2] += d;
		S->A[1][1] += v * v;
		S->A[1][2] += v * d;
		S->A[2][2] += d * d;
		S->y[0] += r;
		S->y[1] += v * r;
		S->y[2] += d * r;
		S->srr += r * r;
		if (w >= TOP_W) {
			S->nt++;
			S->srt += r;
			S->srrt += r * r;
		}
	}
	S->A[1][0] = S->A[0][1];
	S->A[2][0] = S->A[0][2];
	S->A[2][1] = S->A[1][2];
}

static bool top_fit(const struct measure *m, const struct xing *a, double b_t, uint32_t b_idx,
		    struct top_fit *f, struct knot_sums *ks, double t_sig)
{
	struct top_sums S;
	top_sums_gather(m, a, b_t, b_idx, &S, ks, NULL, 0, t_sig);
	memset(f, 0, sizeof *f);
	f->level_sum = S.lv;
	double n = S.A[0][0];
	f->gated = S.gated;
	if (n == 0)
		return false;
	double p[3], inv[3][3];
	/* alpha + beta (w - 1) + gamma T'(phase): offset, stretch, and a
	 * timing shift of this stroke against its crossings (which move when
	 * the whole stroke moves). */
	bool three = n >= 6 && num_solve3_sym(S.A, S.y, p, inv) && inv[0][0] < 2.0;
	/* A residual far beyond the noise (a spike on a flank, where the
	 * shape gate allows for timing): fit again without the samples
	 * further than 4 sigma + 1 um from this fit. Rare: spikes are. */
	double sig2 = m->noise_dof > 30 ? m->noise_ss / (double)m->noise_dof
					: m->shape.sample_sd_um * m->shape.sample_sd_um;
	if (three && n >= 9 &&
	    S.srr - p[0] * S.y[0] - p[1] * S.y[1] - p[2] * S.y[2] > 4 * sig2 * (n - 3) + 1) {
		double model[3] = { p[0], p[1], p[2] };
		if (ks)
			*ks = (struct knot_sums){ 0 };
		top_sums_gather(m, a, b_t, b_idx, &S, ks, model, 4 * sqrt(sig2) + 1, t_sig);
		n = S.A[0][0];
		f->gated = S.gated;
		if (n == 0)
			return false;
		three = n >= 6 && num_solve3_sym(S.A, S.y, p, inv) && inv[0][0] < 2.0;
	}
	if (three) {
		f->n = (unsigned)n;
		f->off_um = p[0];
		f->slope_um = p[1];
		f->var_factor = inv[0][0];
		f->rss = S.srr - p[0] * S.y[0] - p[1] * S.y[1] - p[2] * S.y[2];
		f->dof = (unsigned)n - 3;
	} else {
		top_fit_fallback(&S, f);
	}
	if (f->rss < 0)
		f->rss = 0;
	f->trough_off_um = S.nb > 0 ? S.srb / S.nb : f->off_um;
	return true;
}

/* The stroke's mean level over its period, from the sum of its samples
 * (the trapezoid rule, the ends at the crossings' mid level): what a drift
 * of the readings moves whatever the shape, which a near-commensurate rate
 * can fold into the shape (docs/measurement.md). */
static double stroke_level(const struct measure *m, const struct xing *a, double b_t,
			   uint32_t b_idx, double sum)
{
	double first = (double)(m->hist_slot0 + a->idx), last = (double)(m->hist_slot0 + b_idx - 1);
	double x0 = m->hist[a->idx], x1 = m->hist[b_idx - 1];
	double area = sum - (x0 + x1) / 2 + (first - a->t_slot) * (m->mid_um + x0) / 2 +
		      (b_t - last) * (x1 + m->mid_um) / 2;
	return area / (b_t - a->t_slot);
}

void fit_stroke(struct measure *m, const struct xing *a, const struct xing *b, double b_t,
		double t_ref, double t_sig, struct knot_sums *ks)
{
	struct measure_stroke s = { 0 };
	const struct shape *sh = &m->shape;
	struct top_fit f;
	double span = b->t_slot - a->t_slot;
	s.period_s = (b_t - a->t_slot) / m->cfg.rate_hz;
	s.peak_time_s = (a->t_slot + sh->peak_phase * (b_t - a->t_slot)) / m->cfg.rate_hz;

	if (!a->reliable || !b->reliable || !b->clean_before) {
		s.reject = MEASURE_REJECT_INVALID;
		goto out;
	}
	/* t_ref is the last clean period: a pen changing speed passes */
	if (t_ref > 0 && (span < 0.6 * t_ref || span > 1.67 * t_ref)) {
		s.reject = MEASURE_REJECT_PERIOD;
		goto out;
	}
	if (!top_fit(m, a, b_t, b->idx, &f, ks, t_sig)) {
		s.reject = f.gated ? MEASURE_REJECT_SHAPE : MEASURE_REJECT_NO_TOP;
		goto out;
	}
	/* A quarter of its top off the shape (two samples or more), or its
	 * samples scattered about it four times as much as a sample's spread
	 * (six degrees of freedom or more): this stroke is not the learned
	 * shape (a speed step within it, a burst). */
	double spread2 = m->shape.sample_sd_um * m->shape.sample_sd_um + 1.0;
	if ((f.gated >= 2 && f.gated * 3 > f.n) || (f.dof >= 6 && f.rss / f.dof > 16 * spread2)) {
		s.reject = MEASURE_REJECT_SHAPE;
		goto out;
	}
	s.top_samples = f.n;
	s.peak_um = sh->peak_um + f.off_um;
	s.trough_um = sh->min_um + f.trough_off_um;
	if (!isfinite(s.peak_um) || !isfinite(s.trough_um) || !isfinite(f.rss)) {
		/* A fit that did not converge to numbers is no measurement. */
		s.peak_um = s.trough_um = 0;
		s.reject = MEASURE_REJECT_NO_TOP;
		goto out;
	}
	m->noise_ss += f.rss;
	m->noise_dof += f.dof;
	m->fitvar_sum += f.var_factor;
	if (b->idx >= a->idx + LEVEL_MIN_SAMPLES) {
		/* the level the stroke's own peak and trough make with the
		 * shape; what is left is what the shape took in */
		if (m->dl_wbar_nbins != sh->nbins) {
			double sw = 0;
			for (unsigned j = 0; j < sh->nbins; j++)
				sw += sh->w[j];
			m->dl_wbar = sw / sh->nbins;
			m->dl_wbar_nbins = sh->nbins;
		}
		double own = s.trough_um + (s.peak_um - s.trough_um) * m->dl_wbar;
		stats_level(m, s.peak_time_s, stroke_level(m, a, b_t, b->idx, f.level_sum) - own);
	}
	s.reject = MEASURE_STROKE_OK;
out:
	stats_emit(m, &s);
}

void emit_rejected(struct measure *m, const struct xing *a, double end_slot,
		   enum measure_reject why)
{
	struct measure_stroke s = { 0 };
	s.period_s = (end_slot - a->t_slot) / m->cfg.rate_hz;
	s.peak_time_s = a->t_slot / m->cfg.rate_hz;
	s.reject = why;
	stats_emit(m, &s);
}
