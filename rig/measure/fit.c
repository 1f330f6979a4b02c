/* fit.c - one closed stroke against the learned shape: its depth (the top
 * fit), its trough, and the sums that time its end (knot_solve).
 */
#include "measure/engine.h"

#include <stddef.h>
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
	double top_excess_um; /* changing: its top's samples off the fit (top_excess) */
	double top_off_um;    /* its very top's samples off the fit (signed, top_off) */
	double top_off_h;     /* that offset's variance over the sample noise's */
	double top_off_np;    /* how many samples it is the mean of */
	double peak_ss;       /* its very top's samples: their residuals' sum of squares */
	double peak_dof;      /* and its expectation over the sample noise's (top_peak_resid) */
	double level_sum;  /* sum of the stroke's samples */
	enum fit_model model; /* what was fitted (fit_follow) */
	bool top_run;      /* its top read from its very top's samples (top_fit_run) */
	bool pk_have;      /* pk_res_um is set (top_peak_sample) */
	double pk_res_um;  /* the sample nearest the shape's peak off the fit */
};

/* With this many top samples or fewer (1 kHz), each is also tested
 * against the fit of the others (top_one_out). */
#define ONE_OUT_MAX 8u
/* The strokes' offsets from the shape, for that test: within this many
 * times a sample's spread in a bin (noise and scatter; top_one_prior). */
#define ONE_OUT_PRIOR 2.0

/* One top sample as it entered the sums: residual r, w - 1 (v), the
 * shape's slope per bin (d), the timing allowance of the gate there
 * (allow, um), above TOP_W (high), at the very top (peak: TOP_W_PEAK),
 * its Jacobians of the knots when it entered them (in_ks). */
struct top_sample {
	double r, v, d, allow, js, je;
	bool high, peak, in_ks;
	bool out; /* left out since (top_one_out) */
};

/* Two running sums side by side (GCC's vector extensions: SSE2 on amd64,
 * NEON on arm64, two scalar adds where the target has no such vector).
 * Each lane is added alone: a sum's bits are those of a scalar sum. */
typedef double sum2 __attribute__((vector_size(16)));

/* The sums of the top fit: the normal matrix A of alpha + beta (w - 1) +
 * gamma T', y, the residual sum of squares; the samples above TOP_W (nt,
 * srt, srrt) and near the trough (nb, srb); the first ONE_OUT_MAX top
 * samples (tk). */
struct top_sums {
	double lv;         /* sum of the stroke's samples (its mean level) */
	double A[3][3], y[3], srr;
	double nt, srt, srrt, nb, srb;
	/* the samples at the very top (w >= TOP_W_PEAK): count, sums of
	 * residual, w - 1 and slope (top_excess, top_off) */
	double np, srp, svp, sdp;
	/* and their second moments: r^2, r v, r d, v^2, v d, d^2
	 * (top_peak_resid) */
	double prr, prv, prd, pvv, pvd, pdd;
	unsigned gated;    /* samples left out as spikes */
	/* the top samples left out as spikes: the first's and the last's
	 * index in hist, how many, how many below the shape, how many at the
	 * very top (TOP_W_PEAK), the largest |r| (top_run_of) */
	uint32_t sp_first, sp_last;
	unsigned sp_n, sp_neg, sp_peak;
	double sp_max;
	unsigned ntk;      /* samples in tk */
	struct top_sample tk[ONE_OUT_MAX]; /* set up to ntk (top_sums_gather_in) */
	/* the knots' sample furthest from the shape (knot_one_out): its
	 * residual and Jacobians, its place in tk (-1: not there) */
	double kw_r, kw_js, kw_je;
	int kw_tk;
	bool kw_have;
};

/* The top samples a refit kept (top_fit), in their order, with their
 * index in hist: the pairs top_two_out looks at. kw: the place of the
 * knots' sample furthest from the shape (S->kw_*), -1 if not kept;
 * over: there were more than TOP_KEPT_MAX (a slow pen at 4 kHz), not
 * all are here. */
#define TOP_KEPT_MAX 128u
struct top_kept {
	struct top_sample t[TOP_KEPT_MAX];
	uint32_t i[TOP_KEPT_MAX];
	unsigned n;
	int kw;
	bool over;
};

/* The models of the top fit, richest first (top_model). */
enum top_kind { TOP_ALL, TOP_HIGH, TOP_STRETCH, TOP_THREE };

/* How much of a stroke's depth change the fits follow when its samples at
 * w move by w^2 of it (red_capture.py's strokes; a stroke moving as a
 * whole, or by w, blind_capture.py's, is followed at least as much), for
 * samples spread evenly in phase over the shape's top (w >= TOP_W_WIDE
 * before its trough, as top_sums_gather takes them): a line in v = w - 1
 * (the stretch, and the 3-parameter fit, its timing term aside) follows 2
 * v whole and of v^2 what the line through it has at v = 0; an offset
 * over the samples above TOP_W (2-3 at 1 kHz), their mean w^2; one over
 * all of them, theirs (result.c, std_expanded_u). 1 without a top. */
void fit_follow(const struct shape *sh, double follow[FIT_MODELS])
{
	double n = 0, sv = 0, svv = 0, svvv = 0, nh = 0, swwh = 0;
	for (unsigned j = 0; j < sh->nbins; j++) {
		double w = sh->w[j], v = w - 1;
		if (!(w >= TOP_W_WIDE) || (j + 0.5) / sh->nbins > sh->trough_phase)
			continue;
		n += 1;
		sv += v;
		svv += v * v;
		svvv += v * v * v;
		if (w >= TOP_W) {
			nh += 1;
			swwh += w * w;
		}
	}
	follow[FIT_LINE] = follow[FIT_OFFSET_HIGH] = follow[FIT_OFFSET_ALL] = 1;
	if (!(n > 0))
		return;
	double mv = sv / n, mvv = svv / n, var = mvv - mv * mv;
	double c1 = var > 0 ? (svvv / n - mv * mvv) / var : 0;
	follow[FIT_LINE] = 1 + mvv - c1 * mv;
	follow[FIT_OFFSET_ALL] = 1 + 2 * mv + mvv;
	if (nh > 0)
		follow[FIT_OFFSET_HIGH] = swwh / nh;
}

/* The fit of the sums S: alpha + beta (w - 1) + gamma T' with 6 samples
 * or more; without a solvable one, alpha + beta (w - 1), then an offset
 * over the top 30 %, then over all samples used. p: the parameters (0 where
 * not fitted), inv the 3-parameter fit's inverse normal matrix. */
static enum top_kind top_model(const struct top_sums *S, double p[3], double inv[3][3])
{
	double n = S->A[0][0];
	/* local copies: gcc's -Wstringop-overflow (ASan builds) takes S->A
	 * behind a pointer for a 24-byte region */
	double A[3][3], y[3], q[3], iv[3][3];
	memcpy(A, S->A, sizeof A);
	memcpy(y, S->y, sizeof y);
	if (n >= 6 && num_solve3_sym(A, y, q, iv) && iv[0][0] < 2.0) {
		memcpy(p, q, sizeof q);
		memcpy(inv, iv, sizeof iv);
		return TOP_THREE;
	}
	p[0] = p[1] = p[2] = 0;
	double sw = S->A[0][1], sxx = S->A[1][1] - sw * sw / n;
	if (n >= 4 && sxx >= 0.02 * n) {
		p[1] = (S->y[1] - sw * S->y[0] / n) / sxx;
		p[0] = (S->y[0] - p[1] * sw) / n;
		return TOP_STRETCH;
	}
	if (S->nt > 0) {
		p[0] = S->srt / S->nt;
		return TOP_HIGH;
	}
	p[0] = S->y[0] / n;
	return TOP_ALL;
}

/* The fit of S as f: samples, offset, its variance factor, rss, dof
 * (model k, parameters p, inv: top_model's). */
static void top_fit_set(const struct top_sums *S, enum top_kind k, const double p[3],
			const double inv[3][3], struct top_fit *f)
{
	double n = S->A[0][0];
	f->off_um = p[0];
	f->slope_um = p[1];
	f->n = (unsigned)(k == TOP_HIGH ? S->nt : n);
	f->model = k == TOP_HIGH ? FIT_OFFSET_HIGH : k == TOP_ALL ? FIT_OFFSET_ALL : FIT_LINE;
	f->dof = f->n - (k == TOP_THREE ? 3 : k == TOP_STRETCH ? 2 : 1);
	if (k == TOP_HIGH) {
		f->var_factor = 1 / S->nt;
		f->rss = S->srrt - S->srt * p[0];
		return;
	}
	f->rss = S->srr - p[0] * S->y[0] - p[1] * S->y[1] - p[2] * S->y[2];
	if (k == TOP_THREE) {
		f->var_factor = inv[0][0];
	} else if (k == TOP_STRETCH) {
		double mv = S->A[0][1] / n;
		f->var_factor = 1 / n + mv * mv / (S->A[1][1] - S->A[0][1] * mv);
	} else {
		f->var_factor = 1 / n;
	}
}

/* Sample t as the fit of S (model k, parameters p, inv) predicts it;
 * *h the prediction's variance over the noise's. */
static double top_pred(const struct top_sums *S, enum top_kind k, const double p[3],
		       const double inv[3][3], const struct top_sample *t, double *h)
{
	double n = S->A[0][0];
	if (k == TOP_THREE) {
		/* summed in a local: through h, which may alias inv or p,
		 * each term was stored and p read again */
		double g[3] = { 1, t->v, t->d }, hs = 0;
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				hs += g[a] * inv[a][b] * g[b];
		*h = hs;
		return p[0] + p[1] * t->v + p[2] * t->d;
	}
	if (k == TOP_STRETCH) {
		double mv = S->A[0][1] / n, dv = t->v - mv;
		*h = 1 / n + dv * dv / (S->A[1][1] - S->A[0][1] * mv);
		return p[0] + p[1] * t->v;
	}
	*h = 1 / (k == TOP_HIGH ? S->nt : n);
	return p[0];
}

/* One sample (residual r, Jacobians js, je) out of the knots' sums. */
static void knot_sums_sub(struct knot_sums *ks, double r, double js, double je)
{
	ks->n--;
	ks->Sr -= r;
	ks->Ss -= js;
	ks->Se -= je;
	ks->Sss -= js * js;
	ks->Sse -= js * je;
	ks->See -= je * je;
	ks->Srs -= r * js;
	ks->Sre -= r * je;
}

/* Sample t out of the sums (and of the knots' sums ks, if it is there). */
static void top_sums_remove(struct top_sums *S, const struct top_sample *t, struct knot_sums *ks)
{
	double g[3] = { 1, t->v, t->d };
	for (int a = 0; a < 3; a++) {
		S->y[a] -= g[a] * t->r;
		for (int b = 0; b < 3; b++)
			S->A[a][b] -= g[a] * g[b];
	}
	S->srr -= t->r * t->r;
	if (t->high) {
		S->nt--;
		S->srt -= t->r;
		S->srrt -= t->r * t->r;
	}
	if (t->peak) {
		S->np--;
		S->srp -= t->r;
		S->svp -= t->v;
		S->sdp -= t->d;
		S->prr -= t->r * t->r;
		S->prv -= t->r * t->v;
		S->prd -= t->r * t->d;
		S->pvv -= t->v * t->v;
		S->pvd -= t->v * t->d;
		S->pdd -= t->d * t->d;
	}
	if (ks && t->in_ks)
		knot_sums_sub(ks, t->r, t->js, t->je);
}

/* The sample that stands furthest from the others when the stroke's
 * timing and offset are known in advance: the top fitted as
 * alpha + beta (w - 1) + gamma T' with gamma drawn from the timing's
 * spread (tg, bins: the gate's timing allowance, 3 sigma of the knots,
 * as one standard deviation: a spike by a crossing shifts the stroke's
 * timing further, and with the knots' sigma blind_hunt.py spikes 1000
 * 9907 left a good top sample out and the spike in, the stroke 26 um
 * shallow) and alpha from the strokes' spread about the shape (sa2, its
 * variance), so the timing needs no allowance of its own.
 * A top of two samples between two flanks cannot tell its outlier by the
 * offset and stretch alone: either one left out, the other explains the
 * flanks (blind_hunt.py spikes 1000 9811's spike-free twin: a t3 noise
 * sample 20.3 um from its neighbour at the top, 5.6 deleted sigma each
 * way; with it the stroke read 12.7 um deep, and its timing allowance,
 * 10 um, kept it). Each sample's deleted residual from the one fit (by
 * its leverage h); the furthest in its standard deviations is the answer
 * when it lies beyond 5 of them + 2 um and the others then fit within 4
 * times the noise's variance (as top_fit's refit: a second outlier left
 * in makes the choice no answer). -1: none. */
static int top_one_prior(const struct top_sums *S, double sig2, double sa2, double tg)
{
	double n = S->A[0][0], A[3][3], q[3], inv[3][3];
	if (!(sig2 > 0) || !(sa2 > 0) || !(tg > 0))
		return -1;
	memcpy(A, S->A, sizeof A);
	A[0][0] += sig2 / sa2;
	A[2][2] += sig2 / (tg * tg);
	if (!num_solve3_sym(A, S->y, q, inv))
		return -1;
	/* the fit's residual sum of squares, the priors' terms included */
	double rss = S->srr - q[0] * S->y[0] - q[1] * S->y[1] - q[2] * S->y[2];
	int worst = -1;
	double zmax = 0;
	bool cut = false;
	for (int i = 0; i < (int)n; i++) {
		const struct top_sample *t = &S->tk[i];
		double g[3] = { 1, t->v, t->d }, h = 0;
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				h += g[a] * inv[a][b] * g[b];
		if (!(h < 1))
			continue;
		double res = t->r - (q[0] + q[1] * t->v + q[2] * t->d);
		double z = num_abs(res) / sqrt(sig2 * (1 - h));
		if (z > zmax) {
			/* deleted: res / (1 - h), its sd sqrt(sig2 / (1 - h)) */
			zmax = z;
			worst = i;
			cut = num_abs(res) / (1 - h) > 5 * sqrt(sig2 / (1 - h)) + 2 &&
			      rss - res * res / (1 - h) <= 4 * sig2 * (n - 2) + 1;
		}
	}
	return cut ? worst : -1;
}

/* A speckle spike on a flank can stay within the shape's gate, which
 * allows for the stroke's timing there, and with few top samples (1 kHz:
 * 4 to 8) it moves the fit of the stroke: 53 um on the advance read a
 * stroke 17 um shallow (tests/test_blind_captures.sh). And with fewer
 * than 9 the refit after a first fit (top_fit) cannot tell it. So each
 * sample is compared with the fit of the others (its deleted residual);
 * the furthest in standard deviations of that difference (noise sig2,
 * the prediction's own variance) is left out when it lies beyond 5 of
 * them + 2 um + the gate's timing allowance there; one at most a
 * stroke. Else the one top_one_prior finds. */
static void top_one_out(struct top_sums *S, struct knot_sums *ks, double sig2, double sa2,
			double tg)
{
	double n = S->A[0][0];
	if (n < 4 || n > ONE_OUT_MAX)
		return;
	int worst = -1;
	double zmax = 0, emax = 0, lim = 0;
	for (int i = 0; i < (int)n; i++) {
		struct top_sums T = *S;
		double p[3], inv[3][3], h;
		const struct top_sample *t = &S->tk[i];
		top_sums_remove(&T, t, NULL);
		enum top_kind k = top_model(&T, p, inv);
		double e = t->r - top_pred(&T, k, p, inv, t, &h), sd = sqrt(sig2 * (1 + h));
		/* the furthest in standard deviations: a spike left in the
		 * others' fit pulls it, the most where one sample decides it
		 * (the top's, between two flanks) */
		if (num_abs(e) / sd > zmax) {
			zmax = num_abs(e) / sd;
			worst = i;
			emax = num_abs(e);
			lim = 5 * sd + 2 + t->allow;
		}
	}
	if (worst < 0 || !(emax > lim))
		worst = top_one_prior(S, sig2, sa2, tg);
	if (worst < 0)
		return;
	top_sums_remove(S, &S->tk[worst], ks);
	S->tk[worst].out = true;
	S->gated++;
}

/* Sample i of the stroke at phase ph against the shape: its bin's
 * relative height w, and (where the gathering takes it) the shape's slope
 * d per bin and the residual r. The gathering's loop and the top samples
 * it lists afterwards (top_sample_at) both read a sample through these,
 * so the two give the same bits. */
struct shape_bin {
	long j;
	double sfrac;
};

static inline __attribute__((always_inline)) struct shape_bin
shape_bin_at(double ph, double nb_d, long nbins)
{
	/* nearest bin centre; phase is in [0, 1) up to rounding */
	double u = ph * nb_d - 0.5;
	long j = (long)(u + 1.5) - 1;
	double sfrac = u - (double)j;
	if (j < 0)
		j += nbins;
	else if (j >= nbins)
		j -= nbins;
	return (struct shape_bin){ j, sfrac };
}

static inline __attribute__((always_inline)) double shape_bin_d(const struct shape *sh,
								 struct shape_bin b)
{
	return sh->c1[b.j] + 2 * b.sfrac * sh->c2[b.j];
}

static inline __attribute__((always_inline)) double
shape_bin_r(const struct shape *sh, struct shape_bin b, double x)
{
	return x - (sh->c0[b.j] + b.sfrac * (sh->c1[b.j] + b.sfrac * sh->c2[b.j]));
}

/* What the gathering reads off a stroke once per call (top_sums_gather_in). */
struct gather_env {
	double dph, nb_d, gate0, t_cyc;
	long nbins;
	bool knots;
};

/* The top sample hist[i] at phase ph as the gathering took it: the same
 * expressions as its loop, the same bits. */
static struct top_sample top_sample_at(const struct measure *m, const struct gather_env *e,
				       uint32_t i, double ph)
{
	const struct shape *sh = &m->shape;
	struct shape_bin b = shape_bin_at(ph, e->nb_d, e->nbins);
	double w = sh->w[b.j];
	double d = shape_bin_d(sh, b);
	double r = shape_bin_r(sh, b, m->hist[i]);
	double ad = fabs(d) * e->nb_d;
	double js = 0, je = 0;
	bool in_ks = false;
	if (e->knots && ph <= sh->trough_phase && ph >= 0 && fabs(r) <= e->gate0 + 0.02 * ad) {
		double dT = d * e->nb_d * e->dph;
		js = -dT * (1 - ph);
		je = -dT * ph;
		in_ks = true;
	}
	return (struct top_sample){ r, w - 1, d, e->t_cyc * ad, js, je,
				    w >= TOP_W, w >= TOP_W_PEAK, in_ks, false };
}

/* The gathering's running sums (top_sums_gather_in says which). */
struct gather_acc {
	sum2 f_1v, f_dr, f_vvd, f_ddr, f_rvr;
	sum2 p_1v, p_dr, p_vvd, p_ddr, p_rvr;
	sum2 t_rr, k_ree, k_J, k_sJ, k_rJ;
	double lv, srb, kw_abs;
	uint64_t kw_ph; /* the bits of its phase (a select in integer registers) */
	uint32_t nt, nb, k_n, kw_i;
	unsigned gated, ntk;
};

/* The first ONE_OUT_MAX top samples the gathering took: index and phase
 * (S->tk, top_sample_at). Apart from gather_acc, whose fields stay in
 * registers. */
struct gather_tk {
	uint32_t i[ONE_OUT_MAX];
	double ph[ONE_OUT_MAX];
};

/* Whether a sample lies before the stroke's trough (own): asked, or
 * known for a run of samples (top_sums_gather_in). */
enum gather_own { OWN_ASK, OWN_YES, OWN_NO };

/* Sample hist[i] at phase ph into the sums g (top_sums_gather_in). */
static inline __attribute__((always_inline)) void
gather_one(const struct measure *m, const struct gather_env *e, struct gather_acc *g,
	   struct gather_tk *tk, struct top_sums *S, uint32_t i, double ph, enum gather_own own_is, bool knots,
	   const double *model, double mgate, struct top_kept *kept, uint32_t run_a,
	   uint32_t run_n)
{
	const struct shape *sh = &m->shape;
	g->lv += m->hist[i];
	struct shape_bin sb = shape_bin_at(ph, e->nb_d, e->nbins);
	double w = sh->w[sb.j];
	bool own = own_is == OWN_ASK ? ph <= sh->trough_phase : own_is == OWN_YES;
	bool top = w >= TOP_W_WIDE && own;
	/* After the trough the next stroke's advance begins: it may
	 * differ from this one, so it does not enter this fit. */
	if (!top && w > TROUGH_W && !(knots && own))
		return;
	double d = shape_bin_d(sh, sb);
	double r = shape_bin_r(sh, sb, m->hist[i]);
	double ad = fabs(d) * e->nb_d;
	double js = 0, je = 0;
	bool in_ks = false;
	/* as top_sample_at */
	if (knots && own && ph >= 0 && fabs(r) <= e->gate0 + 0.02 * ad) {
		/* the stroke's knots (knot_solve): slope per cycle times
		 * d(phase)/d(start), d(phase)/d(end); the gate allows for 2 %
		 * of a period of timing error (with the filter's own 3 sigma
		 * it lost the flanks at 3 samples per stroke and drifted).
		 * spike_resid() is not asked here: its neighbours' shape
		 * values cost 14 % of the throughput of a long record (28.8
		 * -> 24.8 M samples per CPU second), where one knot moves the
		 * rate 1/span as much as in a run's window */
		double dT = d * e->nb_d * e->dph;
		js = -dT * (1 - ph);
		je = -dT * ph;
		in_ks = true;
		/* knot_sums_add */
		sum2 J = { js, je };
		g->k_n++;
		g->k_ree += (sum2){ r, je * je };
		g->k_J += J;
		g->k_sJ += (sum2){ js, js } * J;
		g->k_rJ += (sum2){ r, r } * J;
		/* the furthest so far: its |r|, index and phase, selected
		 * without a branch (which of a stroke's samples it is, is
		 * the noise's draw: a branch on it was mispredicted about
		 * as often as it was taken); its r, js, je are read again
		 * after the loop (top_sample_at) */
		uint64_t sel = -(uint64_t)(fabs(r) > g->kw_abs), ph_bits;
		/* opaque: as a plain ?: of the three, gcc made it a branch */
		__asm__("" : "+r"(sel));
		memcpy(&ph_bits, &ph, sizeof ph_bits);
		g->kw_abs = fabs(r) > g->kw_abs ? fabs(r) : g->kw_abs;
		g->kw_i = (g->kw_i & ~(uint32_t)sel) | (i & (uint32_t)sel);
		g->kw_ph = (g->kw_ph & ~sel) | (ph_bits & sel);
	}
	/* hist[run_a .. run_a + run_n) is a top, not spikes (top_run_of) */
	bool spike = !(fabs(r) <= e->gate0 + e->t_cyc * ad) && i - run_a >= run_n;
	if (spike || (model && top &&
		      !(fabs(r - model[0] - model[1] * (w - 1) - model[2] * d) <= mgate))) {
		/* a speckle spike (or a stroke the shape does not follow); in
		 * the stroke's level, a spike counts as the shape's value
		 * there (stroke_level) */
		g->gated += top;
		if (spike && top) {
			if (S->sp_n++ == 0)
				S->sp_first = i;
			S->sp_last = i;
			S->sp_neg += r < 0;
			S->sp_peak += w >= TOP_W_PEAK;
			S->sp_max = fabs(r) > S->sp_max ? fabs(r) : S->sp_max;
		}
		g->lv -= spike ? r : 0;
		return;
	}
	if (!top && w > TROUGH_W)
		return;
	if (!top) {
		g->nb++;
		g->srb += r;
		return;
	}
	double v = w - 1;
	/* ntk counts the top samples taken (S->A[0][0]) up to ONE_OUT_MAX */
	if (g->ntk < ONE_OUT_MAX) {
		tk->i[g->ntk] = i;
		tk->ph[g->ntk++] = ph;
	}
	if (kept) {
		if (kept->n < TOP_KEPT_MAX) {
			kept->t[kept->n] = (struct top_sample){ r, v, d, e->t_cyc * ad, js, je,
								w >= TOP_W, w >= TOP_W_PEAK, in_ks,
								false };
			kept->i[kept->n++] = i;
		} else {
			kept->over = true;
		}
	}
	sum2 x_1v = { 1, v }, x_dr = { d, r };
	sum2 x_vvd = (sum2){ v, v } * (sum2){ v, d };
	sum2 x_ddr = (sum2){ d, d } * x_dr;
	sum2 x_rvr = (sum2){ r, r } * (sum2){ v, r };
	g->f_1v += x_1v;
	g->f_dr += x_dr;
	g->f_vvd += x_vvd;
	g->f_ddr += x_ddr;
	g->f_rvr += x_rvr;
	if (w >= TOP_W_PEAK) {
		g->p_1v += x_1v;
		g->p_dr += x_dr;
		g->p_vvd += x_vvd;
		g->p_ddr += x_ddr;
		g->p_rvr += x_rvr;
	}
	if (w >= TOP_W) {
		g->nt++;
		g->t_rr += (sum2){ r, x_rvr[1] };
	}
}

static void top_sums_gather(const struct measure *m, const struct xing *a, double b_t,
			    uint32_t b_idx, struct top_sums *S, struct knot_sums *ks,
			    const double *model, double mgate, double t_sig,
			    const struct bend *bend, uint32_t run_a, uint32_t run_n);

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
 * mgate from it is left out too. With kept, the top samples taken are
 * listed there too (top_sums_gather_kept). Inlined into its callers
 * below, so that the first fit's gathering does not test kept (+1.15 M
 * instructions of 522 M on the 60 s record when it did); plain (no bent
 * phase, no model, no run, no list, the knots' sums: the common call,
 * top_sums_gather_plain) tests none of them a sample, and runs in two
 * loops: the samples up to the trough's phase, then the rest (the phase
 * grows with the sample: once past, a sample is past), so that neither
 * asks it at each sample.
 * S->tk is set only where the top has at most ONE_OUT_MAX samples (its
 * readers' case: top_one_out, top_offset_weighed); else ntk is 0. The
 * loop notes the first samples' index and phase only and reads them
 * again after it (top_sample_at): a slot of 56 bytes stored at each of
 * a stroke's first 8 top samples was 1.7 % of the 10-minute capture's
 * instructions, and at 4 kHz (13 top samples a stroke there) no reader
 * looks at them. */
static inline __attribute__((always_inline)) void
top_sums_gather_in(const struct measure *m, const struct xing *a, double b_t, uint32_t b_idx,
		   struct top_sums *S, struct knot_sums *ks, const double *model, double mgate,
		   double t_sig, const struct bend *bend, struct top_kept *kept, uint32_t run_a,
		   uint32_t run_n, bool plain)
{
	const struct shape *sh = &m->shape;
	double span = b_t - a->t_slot;
	struct gather_env e;
	e.dph = 1.0 / span;
	/* the two loops need a phase that grows (x + dph >= x for dph > 0) */
	if (plain && !(e.dph > 0)) {
		top_sums_gather(m, a, b_t, b_idx, S, ks, NULL, 0, t_sig, NULL, 0, 0);
		return;
	}
	double ph_lin = ((double)(m->hist_slot0 + a->idx) - a->t_slot) * e.dph;
	e.nb_d = (double)sh->nbins;
	e.nbins = (long)sh->nbins;
	e.gate0 = shape_gate_um(sh, 0, 0);
	e.t_cyc = gate_timing_cycles(t_sig, span);
	e.knots = ks != NULL;
	if (kept) {
		kept->n = 0;
		kept->kw = -1;
		kept->over = false;
	}
	/* The sums run in locals (g), two to a vector (sum2), and are
	 * stored in S and ks after the loop: in S, behind a pointer that
	 * ks's doubles may alias, each was loaded and stored at every
	 * sample. Each lane is its own sum, added in the same order as one
	 * scalar sum: the same bits. The fit's and the peak's take the same
	 * five vectors of a sample: {1, v}, {d, r}, v {v, d}, d {d, r},
	 * r {v, r}; then {srt, srrt} (count nt); the level, the trough's
	 * count and sum; the knots' sums (from ks): n, {Sr, See},
	 * {Ss, Se} += J, {Sss, Sse} += js J, {Srs, Sre} += r J for
	 * J = {js, je}. A count that is no lane of such a vector is an
	 * integer (a sum of ones is exact: the same double), which leaves
	 * an xmm register to the sums (amd64 has 16; the loop's values are
	 * some 35). Every field of S up to tk is set, here or after the
	 * loop (it was a memset of them before it). */
	struct gather_acc g = { 0 };
	struct gather_tk tk;
	if (ks) {
		g.k_ree = (sum2){ ks->Sr, ks->See };
		g.k_J = (sum2){ ks->Ss, ks->Se };
		g.k_sJ = (sum2){ ks->Sss, ks->Sse };
		g.k_rJ = (sum2){ ks->Srs, ks->Sre };
	}
	/* the top samples left out as spikes (rare) stay in S; of the
	 * knots' furthest sample g keeps |r|, its index and phase (a
	 * select without a branch at each of the knots' samples), and its
	 * r, js, je are read after the loop. kw_abs starts below any |r|:
	 * a NaN r never passes the knots' gate. */
	S->sp_first = S->sp_last = 0;
	S->sp_n = S->sp_neg = S->sp_peak = 0;
	S->sp_max = 0;
	S->kw_r = S->kw_js = S->kw_je = 0;
	g.kw_abs = -1;
	uint32_t i = a->idx;
	if (plain) {
		const double trough_ph = sh->trough_phase;
		for (; i < b_idx && ph_lin <= trough_ph; i++, ph_lin += e.dph)
			gather_one(m, &e, &g, &tk, S, i, ph_lin, OWN_YES, true, NULL, 0, NULL, 0, 0);
		for (; i < b_idx; i++, ph_lin += e.dph)
			gather_one(m, &e, &g, &tk, S, i, ph_lin, OWN_NO, true, NULL, 0, NULL, 0, 0);
	} else {
		for (; i < b_idx; i++, ph_lin += e.dph) {
			/* a bent phase is rare (fit_bend): expected not, the
			 * 60 s record's count of instructions +0.36 % ->
			 * +0.20 % */
			double ph = __builtin_expect(bend != NULL, 0)
					    ? bend_phase(bend,
							 (double)(m->hist_slot0 + i) - bend->x0)
					    : ph_lin;
			gather_one(m, &e, &g, &tk, S, i, ph, OWN_ASK, ks != NULL, model, mgate, kept,
				   run_a, run_n);
		}
	}
	S->A[0][0] = g.f_1v[0];
	S->A[0][1] = S->A[1][0] = g.f_1v[1];
	S->A[0][2] = S->A[2][0] = g.f_dr[0];
	S->A[1][1] = g.f_vvd[0];
	S->A[1][2] = S->A[2][1] = g.f_vvd[1];
	S->A[2][2] = g.f_ddr[0];
	S->y[0] = g.f_dr[1];
	S->y[1] = g.f_rvr[0];
	S->y[2] = g.f_ddr[1];
	S->srr = g.f_rvr[1];
	S->np = g.p_1v[0];
	S->svp = g.p_1v[1];
	S->sdp = g.p_dr[0];
	S->srp = g.p_dr[1];
	S->pvv = g.p_vvd[0];
	S->pvd = g.p_vvd[1];
	S->pdd = g.p_ddr[0];
	S->prd = g.p_ddr[1];
	S->prv = g.p_rvr[0];
	S->prr = g.p_rvr[1];
	S->nt = g.nt;
	S->srt = g.t_rr[0];
	S->srrt = g.t_rr[1];
	S->lv = g.lv;
	S->nb = g.nb;
	S->srb = g.srb;
	S->gated = g.gated;
	S->kw_have = g.kw_abs >= 0;
	/* the knots' furthest sample's place in tk and kept (-1: not
	 * there): where it went in, unless a later one took its place */
	S->kw_tk = -1;
	/* a copy: e's address, passed out of this function, would be taken
	 * for one that S's stores in the loop may change */
	const struct gather_env e_at = e;
	if (S->kw_have) {
		double kw_ph;
		memcpy(&kw_ph, &g.kw_ph, sizeof kw_ph);
		struct top_sample t = top_sample_at(m, &e_at, g.kw_i, kw_ph);
		S->kw_r = t.r;
		S->kw_js = t.js;
		S->kw_je = t.je;
	}
	if (g.f_1v[0] <= ONE_OUT_MAX) {
		S->ntk = g.ntk;
		for (unsigned k = 0; k < g.ntk; k++) {
			S->tk[k] = top_sample_at(m, &e_at, tk.i[k], tk.ph[k]);
			if (S->kw_have && tk.i[k] == g.kw_i && S->tk[k].in_ks)
				S->kw_tk = (int)k;
		}
	} else {
		S->ntk = 0;
	}
	if (kept && S->kw_have)
		for (unsigned k = 0; k < kept->n; k++)
			if (kept->i[k] == g.kw_i && kept->t[k].in_ks)
				kept->kw = (int)k;
	if (ks) {
		ks->n += g.k_n;
		ks->Sr = g.k_ree[0];
		ks->See = g.k_ree[1];
		ks->Ss = g.k_J[0];
		ks->Se = g.k_J[1];
		ks->Sss = g.k_sJ[0];
		ks->Sse = g.k_sJ[1];
		ks->Srs = g.k_rJ[0];
		ks->Sre = g.k_rJ[1];
	}
}

/* The first fit's gathering, common case: no bent phase, no run, the
 * knots' sums (top_sums_gather_in). */
static void top_sums_gather_plain(const struct measure *m, const struct xing *a, double b_t,
				  uint32_t b_idx, struct top_sums *S, struct knot_sums *ks,
				  double t_sig)
{
	top_sums_gather_in(m, a, b_t, b_idx, S, ks, NULL, 0, t_sig, NULL, NULL, 0, 0, true);
}

static void top_sums_gather(const struct measure *m, const struct xing *a, double b_t,
			    uint32_t b_idx, struct top_sums *S, struct knot_sums *ks,
			    const double *model, double mgate, double t_sig,
			    const struct bend *bend, uint32_t run_a, uint32_t run_n)
{
	top_sums_gather_in(m, a, b_t, b_idx, S, ks, model, mgate, t_sig, bend, NULL, run_a, run_n,
			   false);
}

/* The refit's gathering: as top_sums_gather, the top samples it takes
 * listed in kept as well (top_two_out). */
static void top_sums_gather_kept(const struct measure *m, const struct xing *a, double b_t,
				 uint32_t b_idx, struct top_sums *S, struct knot_sums *ks,
				 const double *model, double mgate, double t_sig,
				 const struct bend *bend, struct top_kept *kept)
{
	top_sums_gather_in(m, a, b_t, b_idx, S, ks, model, mgate, t_sig, bend, kept, 0, 0, false);
}

/* A speckle spike on a flank can stay within the knots' gate, which
 * allows for 2 % of a period of timing there (on a steep flank near the
 * trough, 190 um), and one sample of 180 um moved a knot 0.22 slot: the
 * last knot of a run's window, its rate 2.6 U slow (fault matrix,
 * laser.spike_p=0.005, seed 28, 130 Hz). spike_resid() is too dear here
 * (top_sums_gather). So the sample furthest from the shape is compared
 * with the knots' fit of the others (offset and both ends' timing, no
 * prior): it is left out when its deleted residual lies beyond 5 of its
 * standard deviations (noise sig2, the prediction's own variance) + 2 um.
 * A timing error moves every sample of a flank alike and the fit follows
 * it; a spike one sample. */
static void knot_one_out(struct top_sums *S, struct knot_sums *ks, double sig2)
{
	if (!ks || !S->kw_have || ks->n < 8)
		return;
	double r = S->kw_r, js = S->kw_js, je = S->kw_je;
	double n = ks->n - 1;
	double Ss = ks->Ss - js, Se = ks->Se - je, Sr = ks->Sr - r;
	double ms = Ss / n, me = Se / n, mr = Sr / n;
	double hss = ks->Sss - js * js - Ss * ms, hee = ks->See - je * je - Se * me;
	double hse = ks->Sse - js * je - Ss * me;
	double bs = ks->Srs - r * js - Sr * ms, be = ks->Sre - r * je - Sr * me;
	double det = hss * hee - hse * hse;
	if (!(det > 0))
		return;
	double xs = (hee * bs - hse * be) / det, xe = (hss * be - hse * bs) / det;
	double ds = js - ms, de = je - me;
	double e = r - (mr + xs * ds + xe * de);
	double h = 1 / n + (hee * ds * ds - 2 * hse * ds * de + hss * de * de) / det;
	if (!(num_abs(e) > 5 * sqrt(sig2 * (1 + h)) + 2))
		return;
	knot_sums_sub(ks, r, js, je);
	if (S->kw_tk >= 0)
		S->tk[S->kw_tk].in_ks = false;
}

/* Two outliers side by side on a top of 9 samples or more (4 kHz): the
 * 3-parameter fit follows them both, and the refit's gate, drawn around
 * that fit, keeps both (blind_hunt.py mixed 4000 12415: t5 noise of
 * -9.7 and -8.0 um, 7.6 and 6.3 sigma, on adjacent top samples; the fit
 * followed them a third of the way, their residuals 4.5 and 3.1 um
 * within the gate's 6.1, the stroke read 4.0 um too deep against its U
 * of 1.6, the record's max +3.95 um against U 3.42). Where the refit's
 * samples still do not fit (its residual sum of squares beyond 4 sigma^2
 * a degree of freedom + 1 um^2, the refit's own trigger), each adjacent
 * pair's deleted residuals, from the fit without both: d = (I - H)^-1 e
 * (e their residuals, H the pair's block of the hat matrix), of variance
 * sig2 (I - H)^-1. The pair whose leaving out takes the most from the
 * residual sum of squares (e' d) is left out when the two lie on one
 * side, each beyond 2 of its standard deviations, their mean beyond the
 * refit's gate (4 of its standard deviations + 1 um) from the fit of the
 * others, and the others then fit within 2 sigma^2 a degree of freedom
 * + 1 um^2, half the trigger (a third outlier left in makes the choice
 * no answer: spikes 4000 12405, t3 noise and spikes, three samples of
 * one top 8-11 um low; with 4 sigma^2 two good samples went as a pair,
 * the others' fit took a stretch of -22 um and the stroke read 12.6 um
 * shallow, 7.5 before). 12415: 6.7 and 5.3 um, 4.5 and 3.6 standard
 * deviations, the mean 6.0 against a gate of 5.6, the others' rss 3.6
 * um^2 over 5 degrees of freedom. One pair at most a stroke; tk is drawn
 * again from K, so that what follows sees the sums' samples. */
static void top_two_out(struct top_sums *S, const struct top_kept *K, struct knot_sums *ks,
			double sig2)
{
	double n = S->A[0][0], p[3], inv[3][3];
	if (K->over || K->n != n || n < 9 || !(sig2 > 0) || top_model(S, p, inv) != TOP_THREE)
		return;
	double rss = S->srr - p[0] * S->y[0] - p[1] * S->y[1] - p[2] * S->y[2];
	if (!(rss > 4 * sig2 * (n - 3) + 1))
		return;
	/* the most any one sample's leaving out takes: a pair must take
	 * 4 sigma^2 more (as its second sample beyond 2 of its standard
	 * deviations would), else that one sample is the outlier and the
	 * pair only bends the fit towards it (mixed 4000 12309: a -16 um
	 * sample beside two flank samples of leverage 0.7 and 0.3, whose
	 * leaving out took 163 um^2 against its 151; the pair went, the
	 * sample stayed and the stroke read 3.7 um shallower) */
	double d1 = 0;
	for (unsigned j = 0; j < K->n; j++) {
		const struct top_sample *t = &K->t[j];
		double g[3] = { 1, t->v, t->d }, h = 0;
		for (int x = 0; x < 3; x++)
			for (int y = 0; y < 3; y++)
				h += g[x] * inv[x][y] * g[y];
		double e = t->r - (p[0] + p[1] * t->v + p[2] * t->d);
		if (h < 1 && e * e / (1 - h) > d1)
			d1 = e * e / (1 - h);
	}
	int best = -1;
	double dbest = d1 + 4 * sig2;
	bool cut = false;
	for (unsigned a = 0; a + 1 < K->n; a++) {
		if (K->i[a + 1] != K->i[a] + 1)
			continue;
		const struct top_sample *ta = &K->t[a], *tb = &K->t[a + 1];
		double ga[3] = { 1, ta->v, ta->d }, gb[3] = { 1, tb->v, tb->d };
		double haa = 0, hab = 0, hbb = 0;
		for (int x = 0; x < 3; x++)
			for (int y = 0; y < 3; y++) {
				haa += ga[x] * inv[x][y] * ga[y];
				hab += ga[x] * inv[x][y] * gb[y];
				hbb += gb[x] * inv[x][y] * gb[y];
			}
		double det = (1 - haa) * (1 - hbb) - hab * hab;
		if (!(det > 0) || !(haa < 1) || !(hbb < 1))
			continue;
		double caa = (1 - hbb) / det, cab = hab / det, cbb = (1 - haa) / det;
		double ea = ta->r - (p[0] + p[1] * ta->v + p[2] * ta->d);
		double eb = tb->r - (p[0] + p[1] * tb->v + p[2] * tb->d);
		double da = caa * ea + cab * eb, db = cab * ea + cbb * eb;
		double drss = ea * da + eb * db;
		if (drss > dbest) {
			dbest = drss;
			best = (int)a;
			double sm = sqrt(sig2 * (caa + 2 * cab + cbb)) / 2;
			cut = da * db > 0 && num_abs(da) > 2 * sqrt(sig2 * caa) &&
			      num_abs(db) > 2 * sqrt(sig2 * cbb) &&
			      num_abs(da + db) / 2 > 4 * sm + 1 &&
			      rss - drss <= 2 * sig2 * (n - 5) + 1;
		}
	}
	if (!cut)
		return;
	for (int o = best; o < best + 2; o++) {
		top_sums_remove(S, &K->t[o], ks);
		/* knot_one_out would take the knots' furthest sample out
		 * of ks once more */
		if (o == K->kw && K->t[o].in_ks)
			S->kw_have = false;
	}
	S->gated += 2;
	S->ntk = 0;
	S->kw_tk = -1;
	for (unsigned j = 0; j < K->n && S->ntk < ONE_OUT_MAX; j++) {
		if ((int)j == best || (int)j == best + 1)
			continue;
		if ((int)j == K->kw)
			S->kw_tk = (int)S->ntk;
		S->tk[S->ntk++] = K->t[j];
	}
}

/* A stroke of a pen changing speed (start-up) may differ from the shape
 * learned over the record: a pad that creeps further at a slow speed
 * flattens its top (blind_hunt.py speed 4000 2063: the first strokes'
 * tops 12 um below the fit of their flanks, their depths 10 to 16 um
 * deep against U 8.7). Its samples at the very top (TOP_W_PEAK) against
 * the fit's prediction there: the mean excess when it lies beyond 2 of
 * its standard deviations (noise sig2 over their count), else 0. p: the
 * fit's parameters (top_model of S). */
static double top_excess(const struct top_sums *S, const double p[3], double sig2)
{
	if (S->np < 1)
		return 0;
	double e = (S->srp - p[0] * S->np - p[1] * S->svp - p[2] * S->sdp) / S->np;
	return num_abs(e) > 2 * sqrt(sig2 / S->np) ? num_abs(e) : 0;
}

/* The stroke's samples at the very top (TOP_W_PEAK) against its fit's
 * prediction there: their mean residual e (signed), and *h its variance
 * over the sample noise's (1 / np less the fit's own variance at their
 * mean point, which they are part of). A fit whose flanks pull its peak
 * off the stroke's top leaves e off 0 beyond that (result.c,
 * stroke_top_misfit). 0 without such samples. */
static double top_off(const struct top_sums *S, enum top_kind k, const double p[3],
		      const double inv[3][3], double *h)
{
	*h = 0;
	if (S->np < 1)
		return 0;
	double hp;
	struct top_sample t = { .v = S->svp / S->np, .d = S->sdp / S->np };
	double e = S->srp / S->np - top_pred(S, k, p, inv, &t, &hp);
	*h = 1 / S->np - hp > 0 ? 1 / S->np - hp : 0;
	return e;
}

/* The stroke's samples at the very top (TOP_W_PEAK), each against its
 * fit (three terms only): their residuals' sum of squares, and *dof what
 * the sample noise's variance gives it (np less the fit's leverage on
 * them, trace(inv G), G their normal matrix). Unlike top_off's mean, a
 * misfit that alternates from sample to sample shows here: a ring near
 * half the sample rate (result.c stroke_peak_misfit). 0 otherwise. */
static double top_peak_resid(const struct top_sums *S, enum top_kind k, const double p[3],
			     const double inv[3][3], double *dof)
{
	*dof = 0;
	if (k != TOP_THREE || S->np < 1)
		return 0;
	double G[3][3] = { { S->np, S->svp, S->sdp },
			   { S->svp, S->pvv, S->pvd },
			   { S->sdp, S->pvd, S->pdd } };
	double ry[3] = { S->srp, S->prv, S->prd }, ss = S->prr, lev = 0;
	for (int a = 0; a < 3; a++) {
		ss -= 2 * p[a] * ry[a];
		for (int b = 0; b < 3; b++) {
			ss += p[a] * G[a][b] * p[b];
			lev += inv[a][b] * G[b][a];
		}
	}
	*dof = S->np - lev > 0 ? S->np - lev : 0;
	return ss > 0 ? ss : 0;
}

/* The offset-only fits (TOP_HIGH, TOP_ALL: a top of 3 to 5 samples, 1 kHz)
 * as a mean weighed by each sample's variance with its timing: on a
 * flank a stroke's timing error moves its residual by the slope (the
 * gate's allowance there, t->allow, is 3 of its standard deviations),
 * at the vertex not. The plain mean took a flank's as much as the top's:
 * a speckle spike of 55 um on the flank after a top of 3 samples moved
 * the stroke's knot 0.024 slot, the flank samples' residuals by 19 and
 * 13 um, the stroke 10.7 um deeper than the spike-free capture, its
 * max the record's (blind_hunt.py spikes 1000 10401: max +3.22 um from
 * the spike-free twin). The figures' variance factor and residual sum
 * of squares are the weighed mean's under the noise sig2 alone. */
static void top_offset_weighed(const struct top_sums *S, enum top_kind k, double sig2,
			       struct top_fit *f)
{
	double sw = 0, swr = 0, sww = 0, cnt = 0;
	if (!(sig2 > 0))
		return;
	for (unsigned i = 0; i < S->ntk; i++) {
		const struct top_sample *t = &S->tk[i];
		if (t->out)
			continue;
		cnt++;
		if (k == TOP_HIGH && !t->high)
			continue;
		double st = t->allow / 3, w = sig2 / (sig2 + st * st);
		sw += w;
		swr += w * t->r;
		sww += w * w;
	}
	/* every sample of the sums is in tk (at most ONE_OUT_MAX) */
	if (!(sw > 0) || cnt != S->A[0][0])
		return;
	double p0 = swr / sw, nn = k == TOP_HIGH ? S->nt : S->A[0][0];
	double sr = k == TOP_HIGH ? S->srt : S->y[0], srr = k == TOP_HIGH ? S->srrt : S->srr;
	f->off_um = p0;
	f->var_factor = sww / (sw * sw);
	f->rss = srr - 2 * p0 * sr + nn * p0 * p0;
}

/* A learning stroke of a pen changing speed (a start-up) may have a top
 * the learned shape does not follow: a pad whose time constant is fixed
 * in time, not in phase, flattens the top of a slow stroke (blind_hunt.py
 * speed 4000 20053, from 40 %, a pad of 0.38 ms: at 2.5 times the steady
 * period, its samples at w >= 0.98 stand 9 to 15 um below the shape, its
 * flanks 3 to 6 um above; truth 2332-2336 um against 2343 steady). The
 * spike gate at the very top allows nothing for timing (6.9 um there),
 * so it left those samples out as spikes: two such strokes were refused
 * as not the stroke shape, and the fit of the flanks read the others up
 * to 9.7 um deep, outside their U in 2 of 12 noise redraws. Speckle
 * spikes are single samples of 50-200 um, between samples that sit on
 * the shape. The spike-gated top samples are that stroke's top when they
 * are all at the very top (TOP_W_PEAK), all on one side of the shape,
 * within 3 times its gate (gate0), and either two or more side by side
 * (one gap at most: a sample between them within the gate) or the very
 * top's other samples stand off on the same side, their mean beyond half
 * the gate (3 sigma + 1 um; 20053's strokes of one such sample: 4.8 to
 * 6.2 um, a spike's neighbours about 0). Returns the count of samples
 * from the first such sample to the last, 0 when they are not that. */
static uint32_t top_run_of(const struct top_sums *S, double gate0)
{
	if (S->sp_n == 0 || S->sp_peak != S->sp_n || (S->sp_neg != 0 && S->sp_neg != S->sp_n) ||
	    !(S->sp_max <= 3 * gate0) || S->np + S->sp_n < 2)
		return 0;
	uint32_t span = S->sp_last - S->sp_first + 1;
	if (S->sp_n >= 2 && span <= S->sp_n + 1)
		return span;
	double rest = S->np > 0 ? S->srp / S->np : 0;
	return (S->sp_neg ? -rest : rest) > gate0 / 2 ? span : 0;
}

/* Such a stroke's top (top_run_of), its run gathered in S: read from its
 * very top's samples (TOP_W_PEAK), their mean residual; the fit over its
 * whole top (w >= TOP_W_WIDE) follows the flanks, which stand off the
 * other way. Over 13 redraws of 20053's start-up (the first 16 strokes),
 * that mean read the truth +0.35 um off, 0.7 rms about that (at most
 * +2.4); the whole-top fit +2.2, 1.6 (at most +5.3); without the run
 * +3.7, 3.5 (at most +11.6). How far the whole-top fit stands off that
 * mean, at those samples, is the shape's mismatch: in the stroke's U
 * (top_excess_um). Its residual sum of squares is their
 * scatter about the mean, a misfit and not the noise (fit_stroke). */
static void top_fit_run(const struct top_sums *S, struct top_fit *f)
{
	double p[3], inv[3][3], h;
	enum top_kind k = top_model(S, p, inv);
	struct top_sample t = { .v = S->svp / S->np, .d = S->sdp / S->np };
	double mean = S->srp / S->np;
	f->off_um = mean;
	f->var_factor = 1 / S->np;
	f->n = (unsigned)S->np;
	f->dof = f->n - 1;
	f->rss = S->prr - S->srp * mean > 0 ? S->prr - S->srp * mean : 0;
	f->model = FIT_OFFSET_HIGH;
	f->top_excess_um = num_abs(mean - top_pred(S, k, p, inv, &t, &h));
	f->trough_off_um = S->nb > 0 ? S->srb / S->nb : mean;
	f->gated = S->gated;
	f->top_run = true;
}

/* The stroke's one sample nearest the shape's peak (its phase within half
 * a sample of the peak's) against the stroke's fit there: pk_res_um. A
 * stroke's extra depth that the fit's model (the shape offset, stretched
 * and shifted) does not follow shows there: under a pad's creep it lies
 * in a peak some 0.5 ms wide, narrower than the fit's window, and the
 * residual at the peak then grows with the stroke's depth (result.c,
 * std_peak_follow). Under white noise a least-squares fit's residual is
 * uncorrelated with its parameters: their covariance over the strokes is
 * the misfit alone. Only such fits (the three terms, the stretch): an
 * offset model's depth is a weighted offset (top_offset_weighed) in which
 * this sample's noise weighs more than in p[0], and their noise then
 * correlates (blind_hunt.py speed 1000 26800, no pad, two thirds of its
 * strokes fitted by an offset: the std +0.68 um against U 0.93 with
 * them). A residual beyond 4 sigma + 1 um (a spike the gates left, a bad
 * sample) is not taken. */
static void top_peak_sample(const struct measure *m, const struct xing *a, double b_t,
			    uint32_t b_idx, const struct bend *bend, const struct top_sums *S,
			    enum top_kind k,
			    const double p[3], const double inv[3][3], double sig2,
			    struct top_fit *f)
{
	const struct shape *sh = &m->shape;
	double span = b_t - a->t_slot;
	double slot = floor(a->t_slot + sh->peak_phase * span + 0.5);
	double id = slot - (double)m->hist_slot0;
	f->pk_have = false;
	if ((k != TOP_THREE && k != TOP_STRETCH) || !(span > 0) || !(id >= (double)a->idx && id < (double)b_idx))
		return;
	/* the sample's phase as the gathering took it (a bent phase: the
	 * sample nearest the peak by the straight one) */
	double ph = bend ? bend_phase(bend, slot - bend->x0) : (slot - a->t_slot) / span;
	struct shape_bin sb = shape_bin_at(ph, (double)sh->nbins, (long)sh->nbins);
	struct top_sample t = { .v = sh->w[sb.j] - 1, .d = shape_bin_d(sh, sb) };
	double h, res = shape_bin_r(sh, sb, m->hist[(uint32_t)id]) - top_pred(S, k, p, inv, &t, &h);
	if (!(fabs(res) <= 4 * sqrt(sig2) + 1) || !(h < 1))
		return;
	f->pk_have = true;
	f->pk_res_um = res;
}

static bool top_fit(const struct measure *m, const struct xing *a, double b_t, uint32_t b_idx,
		    struct top_fit *f, struct knot_sums *ks, double t_sig, bool changing,
		    const struct bend *bend)
{
	struct top_sums S;
	if (bend || !ks)
		top_sums_gather(m, a, b_t, b_idx, &S, ks, NULL, 0, t_sig, bend, 0, 0);
	else
		top_sums_gather_plain(m, a, b_t, b_idx, &S, ks, t_sig);
	memset(f, 0, sizeof *f);
	uint32_t run = changing && !ks ? top_run_of(&S, shape_gate_um(&m->shape, 0, 0)) : 0;
	if (run) {
		top_sums_gather(m, a, b_t, b_idx, &S, NULL, NULL, 0, t_sig, bend, S.sp_first, run);
		f->level_sum = S.lv;
		top_fit_run(&S, f);
		return true;
	}
	f->level_sum = S.lv;
	double n = S.A[0][0];
	f->gated = S.gated;
	if (n == 0)
		return false;
	double p[3], inv[3][3];
	/* alpha + beta (w - 1) + gamma T'(phase): offset, stretch, and a
	 * timing shift of this stroke against its crossings (which move when
	 * the whole stroke moves); top_model for the fallbacks. */
	enum top_kind k = top_model(&S, p, inv);
	/* whether the sums moved since this fit (the refit, top_one_out) */
	bool moved = false;
	unsigned gated0 = S.gated;
	/* A residual far beyond the noise (a spike on a flank, where the
	 * shape gate allows for timing): fit again without the samples
	 * further than 4 sigma + 1 um from this fit. Rare: spikes are. */
	double sig2 = m->noise_dof > 30 ? m->noise_ss / (double)m->noise_dof
					: m->shape.sample_sd_um * m->shape.sample_sd_um;
	if (k == TOP_THREE && n >= 9 &&
	    S.srr - p[0] * S.y[0] - p[1] * S.y[1] - p[2] * S.y[2] > 4 * sig2 * (n - 3) + 1) {
		double model[3] = { p[0], p[1], p[2] };
		moved = true;
		/* a changing stroke whose refit would leave out a third of
		 * its top is not spikes (they are rare) but a top the shape
		 * does not follow: its first fit stays, its top's excess in
		 * its U (top_excess); no knots' sums here (learning) */
		struct top_sums first = S;
		struct top_kept kept;
		bool keep = changing && !ks;
		if (ks)
			*ks = (struct knot_sums){ 0 };
		top_sums_gather_kept(m, a, b_t, b_idx, &S, ks, model, 4 * sqrt(sig2) + 1, t_sig,
				     bend, &kept);
		/* A spike pulls the first fit towards it, and the gate
		 * around that fit can leave out good samples beside it
		 * (4 kHz, t3 noise: one top sample 12 um off pulled the
		 * fit 6 um off two flank samples, a third of the top was
		 * left out and the stroke refused as not the stroke shape,
		 * speed 4000 10507). Where it left out more than one, the
		 * gate is drawn again around the fit of what it kept. */
		double again[3], inv2[3][3];
		if (S.gated > first.gated + 1 && top_model(&S, again, inv2) == TOP_THREE) {
			if (ks)
				*ks = (struct knot_sums){ 0 };
			top_sums_gather_kept(m, a, b_t, b_idx, &S, ks, again, 4 * sqrt(sig2) + 1,
					     t_sig, bend, &kept);
		}
		if (keep && S.gated > first.gated && (S.gated - first.gated) * 3 > S.A[0][0])
			S = first;
		else if (S.A[0][0] == 0) {
			f->gated = S.gated;
			return false;
		} else
			top_two_out(&S, &kept, ks, sig2);
	}
	knot_one_out(&S, ks, sig2);
	double sa = ONE_OUT_PRIOR * m->shape.sample_sd_um;
	double tg = gate_timing_cycles(t_sig, b_t - a->t_slot) * (double)m->shape.nbins;
	top_one_out(&S, ks, sig2, sa * sa, tg);
	f->gated = S.gated;
	/* the final sums' fit: the figures and the top's offset from it;
	 * the first fit's when the sums are as they were (top_one_out
	 * counts what it leaves out in gated; knot_one_out leaves them):
	 * top_model is a function of them, and its second call cost 2 %
	 * of the long capture's instructions */
	if (moved || S.gated != gated0)
		k = top_model(&S, p, inv);
	top_fit_set(&S, k, p, inv, f);
	if (k == TOP_HIGH || k == TOP_ALL)
		top_offset_weighed(&S, k, sig2, f);
	if (f->rss < 0)
		f->rss = 0;
	f->trough_off_um = S.nb > 0 ? S.srb / S.nb : f->off_um;
	f->top_excess_um = changing ? top_excess(&S, p, sig2) : 0;
	f->top_off_um = top_off(&S, k, p, inv, &f->top_off_h);
	f->top_off_np = S.np;
	f->peak_ss = top_peak_resid(&S, k, p, inv, &f->peak_dof);
	top_peak_sample(m, a, b_t, b_idx, bend, &S, k, p, inv, sig2, f);
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

/* A quarter of its top off the shape (two samples or more), or its
 * samples scattered about it four times as much as a sample's spread (six
 * degrees of freedom or more): this stroke is not the learned shape (a
 * speed step within it, a burst). */
static bool fit_off_shape(const struct measure *m, const struct top_fit *f)
{
	double spread2 = m->shape.sample_sd_um * m->shape.sample_sd_um + 1.0;
	/* a top read from its very top (top_fit_run) scatters about it by
	 * the shape's mismatch there, which its U carries */
	return (f->gated >= 2 && f->gated * 3 > f->n) ||
	       (!f->top_run && f->dof >= 6 && f->rss / f->dof > 16 * spread2);
}

/* The sum of the stroke's samples over hist[a.idx .. b_idx), a sample
 * beyond the shape's spike gate (as the fold's) taken as the shape's value
 * there: the learning levels' (fit_trough), where every sample is gated;
 * top_sums_gather gates only the samples its fit reads (the middle of the
 * flanks is not), for the cost of a stroke's fit. */
static double level_sum_gated(const struct measure *m, const struct xing *a, double b_t,
			      uint32_t b_idx)
{
	double span = b_t - a->t_slot, sum = 0;
	for (uint32_t i = a->idx; i < b_idx; i++) {
		double T, dT, w, x = m->hist[i];
		shape_at(&m->shape, ((double)(m->hist_slot0 + i) - a->t_slot) / span, &T, &dT, &w);
		sum += num_abs(x - T) <= shape_gate_um(&m->shape, dT, 0.005) ? x : T;
	}
	return sum;
}

bool fit_trough(const struct measure *m, const struct xing *a, const struct xing *b,
		const struct bend *kb, double *t_s, double *trough_um, struct stroke_level *lv)
{
	struct top_fit f;
	if (!a->reliable || !b->reliable || !b->clean_before ||
	    !top_fit(m, a, b->t_slot, b->idx, &f, NULL, 0, false, kb && kb->n ? kb : NULL) ||
	    fit_off_shape(m, &f))
		return false;
	*trough_um = m->shape.min_um + f.trough_off_um;
	*t_s = (a->t_slot + m->shape.peak_phase * (b->t_slot - a->t_slot) - (double)m->first_slot) /
	       m->cfg.rate_hz;
	if (lv) {
		lv->ok = b->idx >= a->idx + LEVEL_MIN_SAMPLES;
		if (lv->ok) {
			lv->peak_um = m->shape.peak_um + f.off_um;
			lv->level_um = stroke_level(m, a, b->t_slot, b->idx,
						    level_sum_gated(m, a, b->t_slot, b->idx));
			lv->ok = isfinite(lv->level_um) && isfinite(lv->peak_um);
		}
	}
	return isfinite(*trough_um);
}

/* A learning stroke of a pen changing speed fast (a start-up: the
 * period 20 % shorter a stroke) bends its phase between its crossings:
 * mapped linearly, its flanks stand a fortieth of a period off the shape,
 * beyond its gate, and the stroke was refused as not the stroke shape
 * (blind_hunt.py speed 4000 9705: 2 of 133 strokes). Its phase is then
 * the polynomial through its crossings and its neighbours' (pre, the
 * crossing before a; post, the one after b; each where that stroke is
 * usable), if it rises over the stroke. The crossings as detected, each
 * where the signal crosses the same level: the knots, fitted with a
 * straight phase, took in part of the bend (through them 1 kHz 3012 kept
 * 1 of its 3 lost strokes, through the crossings 2). The bend starts at
 * the stroke's knot, or (raw) at its crossing as detected: a knot the
 * straight phase has pulled off its crossing carries the whole stroke
 * off the shape with it (fit_stroke). False without one. */
static bool fit_bend(const struct xing *pre, const struct xing *a, const struct xing *b,
		     const struct xing *post, bool raw, struct bend *B)
{
	B->n = 0;
	B->x0 = raw ? a->t_raw : a->t_slot;
	if (pre && stroke_usable(pre, a, 0)) {
		B->x[B->n] = pre->t_raw - a->t_raw;
		B->y[B->n++] = -1;
	}
	B->x[B->n] = 0;
	B->y[B->n++] = 0;
	B->x[B->n] = b->t_raw - a->t_raw;
	B->y[B->n++] = 1;
	if (post && stroke_usable(b, post, 0)) {
		B->x[B->n] = post->t_raw - a->t_raw;
		B->y[B->n++] = 2;
	}
	if (B->n < 3)
		return false;
	bend_coefs(B);
	double span = b->t_slot - a->t_slot, last = 0;
	for (int i = 1; i <= 16; i++) {
		double ph = bend_phase(B, a->t_slot - B->x0 + span * i / 16);
		if (!(ph > last))
			return false;
		last = ph;
	}
	return true;
}

/* The bin of a crossing's offset after the sample before it (lr_ph). */
static unsigned xing_phase_bin(double t_slot)
{
	double f = t_slot - (double)(int64_t)t_slot; /* cheaper than floor */
	if (f < 0)
		f += 1;
	unsigned b = (unsigned)(f * LOBE_PH_BINS);
	return b < LOBE_PH_BINS ? b : LOBE_PH_BINS - 1;
}

/* An accepted stroke's speed against the fold's (result.c
 * std_exposure_speed, std_speed_trend): rho = the shape's fold_p_slots
 * over the stroke's period, that over the three strokes pre .. post
 * where the learning gives them (one stroke's crossings spread it: at
 * 1 kHz a tenth of a slot on 12 a stroke, 1 % of rho), else a .. b_t;
 * into the sums of its powers and of the depth's products with them. */
static void speed_sums_add(struct measure *m, const struct xing *a, double b_t,
			   const struct xing *pre, const struct xing *post, double peak_um)
{
	double P = pre && post ? (post->t_slot - pre->t_slot) / 3 : b_t - a->t_slot;
	if (!(m->shape.fold_p_slots > 0 && P > 0) || !isfinite(peak_um))
		return;
	double r = m->shape.fold_p_slots / P, pw = 1;
	if (m->sp_pw[0] == 0)
		m->sp_ref = peak_um;
	double x = peak_um - m->sp_ref;
	m->sp_pw[0] += 1;
	m->sp_xpw[0] += x;
	for (unsigned k = 1; k <= SP_POW; k++) {
		pw *= r;
		m->sp_pw[k] += pw;
		if (k <= 4)
			m->sp_xpw[k] += x * pw;
	}
}

void fit_stroke(struct measure *m, const struct xing *a, const struct xing *b, double b_t,
		double t_ref, double t_sig, bool changing, struct knot_sums *ks,
		const struct xing *pre, const struct xing *post, const struct bend *kb)
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
	/* the period as detected, by the parity of the index stats_emit
	 * gives this stroke: two lobes whose smeared shape the fits below
	 * refuse or follow wrongly still alternate here (result_lobes) */
	{
		int lb = (int)(m->stroke_index & 1);
		double pr = (b->t_raw - a->t_raw) / m->cfg.rate_hz;
		m->lr_n[lb]++;
		m->lr_p[lb] += pr;
		m->lr_pp[lb] += pr * pr;
		m->lr_ph[lb][xing_phase_bin(b->t_raw)] += 1;
		m->lr_ph[lb][xing_phase_bin(a->t_raw)] -= 1;
	}
	bool fitted = top_fit(m, a, b_t, b->idx, &f, ks, t_sig, changing, kb && kb->n ? kb : NULL);
	/* Off the shape while learning: the phase bent through the
	 * neighbours' crossings from the stroke's knot (a pen changing speed),
	 * then from its crossing as detected. At a start-up the straight
	 * phase's knots can stand a hundredth of a cycle off the crossings,
	 * which the samples follow (speed 1000 10805: a knot 0.14 slots off
	 * the crossing, a flank sample 92 um off the shape; 10903, a second
	 * order start: the first knot 0.07 slots, where the smoothing began
	 * 0.42 slots off and the gated fit drew it back only so far). */
	for (int raw = changing ? 0 : 1; raw < 2 && !ks &&
					  (fitted ? fit_off_shape(m, &f) : f.gated > 0);
	     raw++) {
		struct bend B;
		struct top_fit fb;
		if (fit_bend(pre, a, b, post, raw, &B) &&
		    top_fit(m, a, b_t, b->idx, &fb, NULL, t_sig, changing, &B) &&
		    !fit_off_shape(m, &fb)) {
			f = fb;
			fitted = true;
			s.phase_bent = true;
		}
	}
	if (!fitted) {
		s.reject = f.gated ? MEASURE_REJECT_SHAPE : MEASURE_REJECT_NO_TOP;
		goto out;
	}
	if (fit_off_shape(m, &f)) {
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
	/* a top read from its very top (top_fit_run): its residuals are
	 * the shape's mismatch there, not the sample noise */
	if (!f.top_run) {
		m->noise_ss += f.rss;
		m->noise_dof += f.dof;
		m->rss2_sum += f.rss * f.rss;
		m->dof2_sum += (double)f.dof * f.dof;
	}
	m->fitvar_sum += f.var_factor;
	m->fit_models[f.model]++;
	if (f.pk_have) {
		/* the peak samples' residuals against the strokes' depths
		 * (std_peak_follow), the depths from the first one's */
		if (m->pk_n == 0)
			m->pk_ref = s.peak_um;
		double x = s.peak_um - m->pk_ref;
		m->pk_n++;
		m->pk_sr += f.pk_res_um;
		m->pk_srr += f.pk_res_um * f.pk_res_um;
		m->pk_sx += x;
		m->pk_sxx += x * x;
		m->pk_srx += f.pk_res_um * x;
	}
	if (f.top_off_h > 0) {
		m->toff_n++;
		m->toff_ss += f.top_off_um * f.top_off_um;
		m->toff_h += f.top_off_h;
		m->toff_hh += f.top_off_h * f.top_off_h;
		m->toff_hhn += f.top_off_h * f.top_off_h / f.top_off_np;
		m->toff_inp += 1 / f.top_off_np;
	}
	if (f.peak_dof > 0) {
		m->tpk_ss += f.peak_ss;
		m->tpk_dof += f.peak_dof;
	}
	if (b->idx >= a->idx + LEVEL_MIN_SAMPLES && !s.phase_bent && !f.top_run) {
		/* the level the stroke's own peak and trough make with the
		 * shape; what is left is what the shape took in (not where
		 * the top is not the shape's, top_fit_run: its flanks stand
		 * off the other way, and its level with them; in 20053 the
		 * levels' speed term took that in, each stroke's U 11 -> 20
		 * um) */
		if (m->dl_wbar_nbins != sh->nbins) {
			m->dl_wbar = shape_mean_w(sh);
			m->dl_wbar_nbins = sh->nbins;
		}
		double own = s.trough_um + (s.peak_um - s.trough_um) * m->dl_wbar;
		double level = stroke_level(m, a, b_t, b->idx, f.level_sum);
		stats_level(m, s.peak_time_s, level - own);
		/* as read, into the levels' drift (m->dr_lv), which only
		 * --drift correct reads (drift_level_corr): its sums cost
		 * 2 % of the long capture's instructions */
		if (m->cfg.gates.drift == MEASURE_DRIFT_CORRECT) {
			double t = s.peak_time_s - (double)m->first_slot / m->cfg.rate_hz;
			level += drift_taken(m, t);
			if (m->dr_lv.t[0] == 0)
				m->dr_lv_ref = level;
			if (isfinite(level))
				drift_add(&m->dr_lv, t, level - m->dr_lv_ref);
		}
	}
	s.fit_var_factor = f.var_factor;
	s.fit_dof = f.dof;
	s.fit_rss_um2 = f.rss;
	s.top_excess_um = f.top_excess_um;
	/* the drift taken out of its samples (learn_drift_out) back in: a
	 * stroke's figures are as read, the drift's fit sees all of it */
	double taken = drift_taken(m, s.peak_time_s - (double)m->first_slot / m->cfg.rate_hz);
	s.peak_um += taken;
	s.trough_um += taken;
	s.reject = MEASURE_STROKE_OK;
	speed_sums_add(m, a, b_t, pre, post, s.peak_um);
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
