/* capgen.c - synthetic laser captures with known truth (see capgen.h). */
#include "capgen.h"

#include <math.h>

#include "core/rng.h"

static double ramp_up(double v) /* 0..1 -> 0..1, zero slope at both ends */
{
	return 0.5 - 0.5 * cos(M_PI * v);
}

double capgen_shape_at(enum capgen_shape shape, double u)
{
	switch (shape) {
	case CAPGEN_SINE:
		return ramp_up(2 * u <= 1 ? 2 * u : 2 - 2 * u);
	case CAPGEN_CAM:
		return u < 0.3 ? ramp_up(u / 0.3) : ramp_up(1 - (u - 0.3) / 0.7);
	case CAPGEN_DWELL:
		if (u < 0.3)
			return ramp_up(u / 0.3);
		if (u < 0.55)
			return 1;
		return ramp_up(1 - (u - 0.55) / 0.45);
	default:
		return 0;
	}
}

const char *capgen_shape_name(enum capgen_shape shape)
{
	static const char *const names[CAPGEN_SHAPE_COUNT] = { "sine", "cam", "dwell" };
	return (unsigned)shape < CAPGEN_SHAPE_COUNT ? names[shape] : "?";
}

/* Peak phase of each shape (where it reaches 1; the dwell's plateau start). */
static double peak_u(enum capgen_shape shape)
{
	return shape == CAPGEN_SINE ? 0.5 : 0.3;
}

int capgen_run(const struct capgen_config *c, struct laser_sample *out, size_t n,
	       struct capgen_truth *truth)
{
	if (!(c->rate_hz > 0) || !(c->freq_hz > 0) || (unsigned)c->shape >= CAPGEN_SHAPE_COUNT)
		return -1;
	struct rig_rng rw, rs, rn;
	rng_seed(&rw, c->seed, 1); /* wander */
	rng_seed(&rs, c->seed, 2); /* scatter */
	rng_seed(&rn, c->seed, 3); /* noise and start phase */
	const int sub = 8;         /* wander/phase substeps per sample */
	double dt = 1.0 / c->rate_hz / sub;
	double tau = c->wander_tau_s > 0 ? c->wander_tau_s : 0.3;
	double a = exp(-dt / tau), b = c->wander * sqrt(1 - a * a);
	double w = c->wander * rng_gauss(&rw);
	double phase = rng_uniform(&rn); /* cycles */
	double phase0 = phase;
	long stroke = (long)floor(phase);
	double sc = c->scatter_um * rng_gauss(&rs);
	double pu = peak_u(c->shape);
	double sum = 0, sumsq = 0;
	unsigned npeaks = 0;
	/* the first stroke counts if its peak is still ahead */
	int counted = phase - floor(phase) > pu;
	double t_end = (double)n / c->rate_hz;
	for (size_t k = 0; k < n; k++) {
		double t = (double)k / c->rate_hz;
		if (k > 0) {
			for (int s = 0; s < sub; s++) {
				double ts = t - (sub - s) * dt;
				double f = c->stall_at_s > 0 && ts >= c->stall_at_s ? 0 : c->freq_hz;
				phase += f * (1 + w) * dt;
				w = a * w + b * rng_gauss(&rw);
			}
		}
		long st = (long)floor(phase);
		while (stroke < st) {
			stroke++;
			sc = c->scatter_um * rng_gauss(&rs);
			counted = 0;
		}
		double u = phase - floor(phase);
		if (c->phase_out)
			c->phase_out[k] = phase;
		if (!counted && u >= pu) {
			double d = c->depth_um + sc;
			sum += d;
			sumsq += d * d;
			npeaks++;
			counted = 1;
		}
		double ext_um;
		if (c->scatter_shift)
			ext_um = c->depth_um + sc - c->stroke_um * (1 - capgen_shape_at(c->shape, u));
		else
			ext_um = c->depth_um - c->stroke_um +
				 (c->stroke_um + sc) * capgen_shape_at(c->shape, u);
		ext_um += c->noise_um * rng_gauss(&rn);
		double dist_mm = c->zero_mm - ext_um / 1000.0;
		if (c->range_mm > 0) {
			double x = floor((dist_mm / c->range_mm * 100.0 + 1.0) * 65520.0 / 102.0 + 0.5);
			dist_mm = (x * 102.0 / 65520.0 - 1.0) * c->range_mm / 100.0;
		}
		out[k].slot = k;
		out[k].dist_mm = dist_mm;
		out[k].raw = 0;
		out[k].status = LASER_OK;
	}
	if (truth) {
		truth->strokes = npeaks;
		truth->depth_mean_um = npeaks ? sum / npeaks : 0;
		double v = npeaks > 1 ? (sumsq - sum * sum / npeaks) / (npeaks - 1) : 0;
		truth->depth_std_um = v > 0 ? sqrt(v) : 0;
		truth->freq_hz = (phase - phase0) / (t_end - 1.0 / c->rate_hz);
	}
	return 0;
}
