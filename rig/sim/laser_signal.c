/* laser_signal.c - what one reading of the virtual ILD1420 is made of:
 * the target (the pen's tips, the flat reference, the bench's zero target
 * swung in front of them, nothing) seen over the
 * exposure, Gaussian noise, a slow drift of the readings and isolated
 * speckle spikes, then quantisation to the 18-bit value. Each imperfection
 * is off unless its [sim] parameter is given (docs/virtual-bench.md,
 * "Imperfect physics"); each draws from a random stream of its own, so
 * turning one on leaves the others' draws as they were.
 */
#include "sim/laser_state.h"

#include <math.h>

#include "dev/laser/protocol.h"
#include "sim/pen.h"

#define STREAM_SPIKE 0x1a5ecu
#define EXPOSURE_STEPS 16  /* sub-samples averaged over the exposure */

static const char *const spike_signs[] = { "both", "near", "far", NULL };

enum rig_rc laser_signal_params(struct sim_laser *l, struct rig_err *err)
{
	struct sim_bench *b = l->b;
	enum rig_rc rc;
	if ((rc = sim_param_double(b, "laser.drift_um_per_s", 0, -1000, 1000, &l->drift_um_per_s, err)) ||
	    (rc = sim_param_double(b, "laser.drift_tau_s", 0, 0, 1e6, &l->drift_tau_s, err)) ||
	    (rc = sim_param_double(b, "laser.spike_p", 0, 0, 0.5, &l->spike_p, err)) ||
	    (rc = sim_param_double(b, "laser.spike_min_um", 50, 0, 5000, &l->spike_min_um, err)) ||
	    (rc = sim_param_double(b, "laser.spike_max_um", 200, 0, 5000, &l->spike_max_um, err)) ||
	    (rc = sim_param_choice(b, "laser.spike_sign", "both", spike_signs, &l->spike_sign, err)) ||
	    (rc = sim_param_double(b, "laser.exposure_us", 0, 0, 4000, &l->exposure_us, err)) ||
	    (rc = sim_param_double(b, "laser.blind_step_ms", 0, 0, 10000, &l->blind_step_ms,
				   err)) ||
	    (rc = sim_param_double(b, "laser.zero_target_um", 1000, 0, 100000, &l->zero_target_um,
				   err)))
		return rc;
	if (l->spike_min_um > l->spike_max_um)
		return rig_fail(err, RIG_E_CONFIG,
				"%s: laser.spike_min_um %g must not exceed laser.spike_max_um %g",
				sim_param_origin(b, "laser.spike_min_um"), l->spike_min_um,
				l->spike_max_um);
	rng_seed(&l->rng_spike, b->seed, STREAM_SPIKE);
	l->exp_t_ns = UINT64_MAX;
	l->t_start_ns = clock_now_ns(b->clock);
	return RIG_OK;
}

double sim_laser_drift_um(const struct sim_laser *l, uint64_t t_ns)
{
	if (l->drift_um_per_s == 0 || t_ns <= l->t_start_ns)
		return 0;
	double t = (double)(t_ns - l->t_start_ns) * 1e-9;
	if (l->drift_tau_s <= 0)
		return l->drift_um_per_s * t;
	return l->drift_um_per_s * l->drift_tau_s * (1.0 - exp(-t / l->drift_tau_s));
}

double laser_exposure_ns(const struct sim_laser *l)
{
	double e = l->exposure_us * 1000.0;
	double max = floor(l->period_ns) - 1.0; /* never back into the last sample */
	return e < max ? e : max;
}

double sim_laser_exposure_us(const struct sim_laser *l)
{
	return l->exposure_us > 0 ? laser_exposure_ns(l) / 1000.0 : 0;
}

/* The tips' extension at t_ns, never looking back before an instant
 * already looked at (the pen only moves forward). */
static double tip_at(struct sim_laser *l, uint64_t t_ns)
{
	if (t_ns < l->last_look_ns)
		t_ns = l->last_look_ns;
	l->last_look_ns = t_ns;
	return l->b->tip_extension_um(l->b->tip_ctx, t_ns);
}

/* The instant of sub-sample i of the exposure ending at t_ns. */
static uint64_t sub_t_ns(const struct sim_laser *l, uint64_t t_ns, int i)
{
	double back = laser_exposure_ns(l) * (1.0 - (i + 0.5) / EXPOSURE_STEPS);
	return t_ns - (uint64_t)llround(back);
}

/* Gather the sub-samples of the exposure ending at t_ns up to until_ns. */
static void expose(struct sim_laser *l, uint64_t t_ns, uint64_t until_ns)
{
	if (l->exp_t_ns != t_ns) {
		l->exp_t_ns = t_ns;
		l->exp_n = 0;
		l->exp_sum_um = 0;
	}
	while (l->exp_n < EXPOSURE_STEPS && sub_t_ns(l, t_ns, l->exp_n) <= until_ns) {
		l->exp_sum_um += tip_at(l, sub_t_ns(l, t_ns, l->exp_n));
		l->exp_n++;
	}
}

void laser_expose_ahead(struct sim_laser *l, uint64_t t_next_ns, uint64_t now_ns)
{
	if (l->exposure_us > 0 && l->b->target == SIM_TARGET_PEN && l->b->tip_extension_um)
		expose(l, t_next_ns, now_ns);
}

/* The tips' mean extension over the exposure ending at t_ns (midpoint rule
 * over EXPOSURE_STEPS sub-samples), and the extension at t_ns itself. */
static double tip_seen(struct sim_laser *l, uint64_t t_ns, double *at_t_um)
{
	if (l->exposure_us <= 0) {
		*at_t_um = tip_at(l, t_ns);
		return *at_t_um;
	}
	expose(l, t_ns, t_ns);
	l->exp_t_ns = UINT64_MAX; /* used */
	*at_t_um = tip_at(l, t_ns);
	return l->exp_sum_um / EXPOSURE_STEPS;
}

/* A speckle spike for this reading (µm, positive = reads farther), or 0. */
static double spike(struct sim_laser *l)
{
	if (l->spike_p <= 0)
		return 0;
	bool hit = rng_uniform(&l->rng_spike) < l->spike_p && !l->last_spiked;
	double size = l->spike_min_um +
		      (l->spike_max_um - l->spike_min_um) * rng_uniform(&l->rng_spike);
	double sign = rng_uniform(&l->rng_spike) < 0.5 ? -1.0 : 1.0;
	if (l->spike_sign == 1)
		sign = -1.0;
	else if (l->spike_sign == 2)
		sign = 1.0;
	l->last_spiked = hit;
	return hit ? sign * size : 0;
}

uint32_t laser_measure(struct sim_laser *l, uint64_t t_ns, struct sim_laser_truth *tr)
{
	*tr = (struct sim_laser_truth){ .t_ns = t_ns, .dist_mm = NAN, .seen_mm = NAN };
	if (l->pow == LASER_POW_OFF)
		return ILD1420_ERR_LASER_OFF;
	if (sim_fault_hit(&l->f_no_target, l->b, t_ns))
		return ILD1420_ERR_NO_PEAK; /* dirt on the window, the target gone */
	/* Right after a speed step of the pen the value is an error; it is
	 * still drawn (noise, spike), so every other stream stays as it was. */
	bool blind = l->blind_step_ms > 0 && l->b->target == SIM_TARGET_PEN &&
		     !l->b->zero_target_in && sim_pen_of(l->b) &&
		     sim_pen_since_step_s(sim_pen_of(l->b), t_ns) * 1e3 < l->blind_step_ms;
	double ext_um = 0.0, seen_um = 0.0;
	if (l->b->zero_target_in) /* a flat in front of whatever is behind it */
		ext_um = seen_um = l->zero_target_um;
	else switch (l->b->target) {
	case SIM_TARGET_NONE:
		return ILD1420_ERR_NO_PEAK;
	case SIM_TARGET_FLAT:
		break;
	case SIM_TARGET_PEN:
		if (l->b->tip_extension_um)
			seen_um = tip_seen(l, t_ns, &ext_um);
		break;
	}
	tr->dist_mm = l->zero_mm - ext_um / 1000.0;
	tr->seen_mm = l->exposure_us > 0 ? l->zero_mm - seen_um / 1000.0 : tr->dist_mm;
	double d_mm = tr->seen_mm + l->noise_um / 1000.0 * rng_gauss(&l->rng);
	tr->drift_um = sim_laser_drift_um(l, t_ns);
	tr->spike_um = spike(l);
	if (tr->drift_um != 0)
		d_mm += tr->drift_um / 1000.0;
	if (tr->spike_um != 0)
		d_mm += tr->spike_um / 1000.0;
	if (blind)
		return ILD1420_ERR_NO_PEAK; /* a speed step hidden from the rig */
	/* The receiver sees -1 % .. 101 % of MR; beyond, no distance. */
	if (d_mm < -0.01 * l->range_mm)
		return ILD1420_ERR_PEAK_BEFORE; /* closer than the range starts */
	if (d_mm > 1.01 * l->range_mm)
		return ILD1420_ERR_PEAK_AFTER;
	return ild1420_x_from_mm(d_mm, l->range_mm);
}
