/* pen_motion.c - the virtual pen's needle mechanics: the depth and rate
 * transfer of the actuator and motor, the stroke shapes, and the motion
 * integrated over bench time (see sim/pen_state.h), with the imperfect
 * physics of real pens (docs/virtual-bench.md, "Imperfect physics"): a
 * start-up transient, spontaneous speed steps, impact ringing on the pad,
 * two-lobe cams and depth under preload. Each of those is off, or neutral
 * at the default preload, unless its parameter is given.
 */
#include "sim/pen_state.h"

#include <math.h>

#define WANDER_TAU_S 1.0     /* correlation time of the speed wander */
#define WARM_TAU_S 60.0      /* warm-up with the motor on */
#define COOL_TAU_S 120.0     /* cooling with the motor off */
#define STALL_FACTOR 0.35    /* fault.pen.stall: the rate left under load */
#define RING_SPAN_PERIODS 3.0   /* the deepest point is sought this long after impact */
#define RING_SEARCH_STEPS 600
#define RING_GONE_TAUS 40.0     /* ringing older than this is nothing */

const char *const pen_shape_names[] = { "sine", "cam", "dwell", NULL };

/* ---- Parameters ---------------------------------------------------------- */

enum rig_rc pen_motion_params(struct sim_pen *p, struct rig_err *err)
{
	struct sim_bench *b = p->b;
	double spinup_ms, ring_tau_ms, lobe_period_pct;
	enum rig_rc rc;
	if ((rc = sim_param_double(b, "pen.spinup_from", 0, 0, 1, &p->spinup_from, err)) ||
	    (rc = sim_param_double(b, "pen.spinup_ms", 20, 0.1, 10000, &spinup_ms, err)) ||
	    (rc = sim_param_double(b, "pen.speed_step", 1, 0.2, 5, &p->step_factor, err)) ||
	    (rc = sim_param_double(b, "pen.speed_step_at_s", 1, 0, 1e6, &p->step_at_s, err)) ||
	    (rc = sim_param_double(b, "pen.speed_step_period_s", 0, 0, 1e6, &p->step_period_s, err)) ||
	    (rc = sim_param_double(b, "pen.ring_um", 0, 0, 200, &p->ring_um, err)) ||
	    (rc = sim_param_double(b, "pen.ring_hz", 3000, 100, 50000, &p->ring_hz, err)) ||
	    (rc = sim_param_double(b, "pen.ring_tau_ms", 0.3, 0.01, 100, &ring_tau_ms, err)) ||
	    (rc = sim_param_double(b, "pen.lobe_depth_um", 0, -500, 500, &p->lobe_depth_um, err)) ||
	    (rc = sim_param_double(b, "pen.lobe_period_pct", 0, -20, 20, &lobe_period_pct, err)) ||
	    (rc = sim_param_double(b, "pen.depth_per_n", 5, -200, 200, &p->depth_per_n, err)) ||
	    (rc = sim_param_double(b, "pen.preload_ref_n", 2.0, 0, 200, &p->preload_ref_n, err)))
		return rc;
	p->spinup_s = spinup_ms / 1000.0;
	p->ring_tau_s = ring_tau_ms / 1000.0;
	p->lobe_period = lobe_period_pct / 100.0;
	p->speed_factor = 1.0;
	p->last_peak_ns = UINT64_MAX;
	return RIG_OK;
}

/* ---- Transfer ---------------------------------------------------------- */

double sim_pen_depth_for_raw(const struct sim_pen *p, double raw_um)
{
	double r = raw_um < 0 ? 0 : raw_um > p->max_raw_um ? p->max_raw_um : raw_um;
	double d = p->depth_gain * r + p->depth_offset_um + p->depth_nl * r * r / 3000.0;
	double dforce = sim_bench_force_n(p->b) - p->preload_ref_n;
	if (p->depth_per_n != 0 && dforce != 0)
		d += p->depth_per_n * dforce;
	return d;
}

double sim_pen_freq_for_raw(const struct sim_pen *p, double raw_hz, double force_n)
{
	return p->freq_gain * raw_hz * (1.0 - p->droop_per_n * force_n);
}

double sim_pen_depth_for_cmd(const struct sim_pen *p, double cmd_um)
{
	double raw = pen_fw_apply(&p->fw.saved[PEN_FW_DEPTH], (int32_t)llround(cmd_um * 1000.0));
	return sim_pen_depth_for_raw(p, raw / 1000.0);
}

double sim_pen_freq_for_cmd(const struct sim_pen *p, double cmd_hz, double force_n)
{
	double raw = pen_fw_apply(&p->fw.saved[PEN_FW_FREQ], (int32_t)llround(cmd_hz * 1000.0));
	return sim_pen_freq_for_raw(p, raw / 1000.0, force_n);
}

/* ---- Stroke shape -------------------------------------------------------- */

/* 0 = retracted, 1 = furthest out, over one cycle u in [0,1). */
static double shape_at(enum pen_shape sh, double u)
{
	switch (sh) {
	case PEN_SHAPE_SINE:
		return 0.5 - 0.5 * cos(2 * M_PI * u);
	case PEN_SHAPE_CAM: /* fast advance over 30 % of the cycle, slow retract */
		if (u < 0.3)
			return 0.5 - 0.5 * cos(M_PI * u / 0.3);
		return 0.5 + 0.5 * cos(M_PI * (u - 0.3) / 0.7);
	case PEN_SHAPE_DWELL: /* rise 35 %, flat top 30 %, fall 35 % */
		if (u < 0.35)
			return 0.5 - 0.5 * cos(M_PI * u / 0.35);
		if (u < 0.65)
			return 1.0;
		return 0.5 + 0.5 * cos(M_PI * (u - 0.65) / 0.35);
	}
	return 0;
}

static double shape_peak_u(enum pen_shape sh)
{
	return sh == PEN_SHAPE_CAM ? 0.3 : 0.5;
}

/* ---- Lobes and ringing --------------------------------------------------- */

int pen_lobe(const struct sim_pen *p)
{
	if (p->lobe_depth_um == 0 && p->lobe_period == 0)
		return 0;
	return p->strokes > 0 ? (int)((p->strokes - 1) % 2) : 0;
}

/* How much longer than the mean period a stroke of this lobe lasts. */
static double lobe_period_factor(const struct sim_pen *p, int lobe)
{
	return lobe ? 1.0 - p->lobe_period : 1.0 + p->lobe_period;
}

/* The tips' ringing tau_s seconds after the impact at the peak. */
static double ring_at(const struct sim_pen *p, double tau_s)
{
	return p->ring_um * exp(-tau_s / p->ring_tau_s) * sin(2 * M_PI * p->ring_hz * tau_s);
}

/* How far beyond the stroke's nominal peak the tips reach while they ring,
 * for a stroke of amplitude amp_um passed at cyc_hz cycles per second:
 * the deepest point is sought over the first RING_SPAN_PERIODS periods of
 * the ringing (later maxima are smaller: the ringing decays while the
 * stroke retracts). */
static double ring_excess(const struct sim_pen *p, double cyc_hz, double amp_um)
{
	if (p->ring_um <= 0 || !(cyc_hz > 0))
		return 0;
	double up = shape_peak_u(p->shape), span = RING_SPAN_PERIODS / p->ring_hz, best = 0;
	for (int i = 1; i <= RING_SEARCH_STEPS; i++) {
		double tau = span * i / RING_SEARCH_STEPS, u = up + cyc_hz * tau;
		if (u >= 1.0)
			break;
		double v = amp_um * (shape_at(p->shape, u) - 1.0) + ring_at(p, tau);
		if (v > best)
			best = v;
	}
	return best;
}

double sim_pen_ring_excess_um(const struct sim_pen *p, double freq_hz)
{
	if (p->lobe_period == 0)
		return ring_excess(p, freq_hz, p->stroke_um);
	return 0.5 * (ring_excess(p, freq_hz / lobe_period_factor(p, 0), p->stroke_um) +
		      ring_excess(p, freq_hz / lobe_period_factor(p, 1), p->stroke_um));
}

double sim_pen_deepest_for_cmd(const struct sim_pen *p, double cmd_um, double cmd_hz,
			       double force_n)
{
	return sim_pen_depth_for_cmd(p, cmd_um) +
	       sim_pen_ring_excess_um(p, sim_pen_freq_for_cmd(p, cmd_hz, force_n));
}

/* ---- Depth --------------------------------------------------------------- */

double pen_depth_target(const struct sim_pen *p)
{
	return p->jammed ? p->jam_um : sim_pen_depth_for_raw(p, p->fw.raw[PEN_FW_DEPTH]);
}

double pen_mean_depth_after(const struct sim_pen *p, double dt_s)
{
	double filt = p->depth_filt_um, warm = p->warm;
	if (p->powered) {
		double target = pen_depth_target(p);
		filt = target + (filt - target) * exp(-dt_s / p->settle_s);
	}
	if (p->running)
		warm = 1.0 - (1.0 - warm) * exp(-dt_s / WARM_TAU_S);
	else
		warm *= exp(-dt_s / COOL_TAU_S);
	return filt + warm * p->warmup_drift_um;
}

double pen_tip_now(const struct sim_pen *p)
{
	if (!p->powered)
		return p->frozen_tip_um;
	double mean = pen_mean_depth_after(p, 0);
	if (!p->running)
		return mean - p->stroke_um;
	double u = p->cyc - floor(p->cyc);
	double tip = mean - p->stroke_um + (p->stroke_um + p->scatter_um) * shape_at(p->shape, u);
	if (p->ring_um > 0 && p->last_peak_ns != UINT64_MAX && p->t_ns >= p->last_peak_ns) {
		double tau = (double)(p->t_ns - p->last_peak_ns) * 1e-9;
		if (tau < RING_GONE_TAUS * p->ring_tau_s)
			tip += ring_at(p, tau);
	}
	return tip;
}

/* ---- Motion -------------------------------------------------------------- */

static void new_stroke(struct sim_pen *p)
{
	p->scatter_um = p->depth_sd_um * rng_gauss(&p->rng_scatter);
	p->strokes++;
	if (p->lobe_depth_um != 0)
		p->scatter_um += pen_lobe(p) ? -0.5 * p->lobe_depth_um : 0.5 * p->lobe_depth_um;
}

static double freq_target(const struct sim_pen *p);

/* Remember the peak passed at cycle rate r, `at` seconds after p->t_ns. */
static void record_peak(struct sim_pen *p, double at, double r)
{
	struct sim_pen_peak *e = &p->peaks[p->peaks_seen % SIM_PEN_PEAK_HISTORY];
	e->index = p->strokes - 1;
	e->t_ns = p->t_ns + (uint64_t)llround(at * 1e9);
	e->peak_um = pen_mean_depth_after(p, at) + p->scatter_um;
	e->deepest_um = e->peak_um + ring_excess(p, r, p->stroke_um + p->scatter_um);
	e->lobe = pen_lobe(p);
	e->settled_hz = freq_target(p) * (1.0 + p->wander);
	p->last_peak_ns = e->t_ns;
	p->peaks_seen++;
}

/* Advance the stroke cycles over dt seconds at f cycles per second (each
 * lobe of a two-lobe cam at its own rate), noting peaks and new strokes. */
static void move_cycles(struct sim_pen *p, double f, double dt)
{
	bool lobes = p->lobe_period != 0;
	/* A segment runs at one rate r from cycle cs, ts seconds after p->t_ns. */
	double r = lobes ? f / lobe_period_factor(p, pen_lobe(p)) : f;
	double cs = p->cyc, ts = 0, c = cs, c1 = cs + r * dt, up = shape_peak_u(p->shape);
	for (;;) {
		double m = floor(c), pk = m + up;
		double next = pk > c ? pk : m + 1;
		if (next > c1)
			break;
		if (next == pk) {
			record_peak(p, ts + (pk - cs) / r, r);
		} else {
			new_stroke(p);
			if (lobes) {
				ts += (next - cs) / r;
				cs = next;
				r = f / lobe_period_factor(p, pen_lobe(p));
				c1 = cs + r * (dt - ts);
			}
		}
		c = next;
	}
	p->cyc = c1;
}

void pen_move(struct sim_pen *p, uint64_t t1)
{
	double dt = (double)(t1 - p->t_ns) * 1e-9;
	if (p->running)
		move_cycles(p, p->freq_filt_hz * (1.0 + p->wander), dt);
	if (p->powered) {
		double target = pen_depth_target(p);
		p->depth_filt_um = target + (p->depth_filt_um - target) * exp(-dt / p->settle_s);
	}
	if (p->running)
		p->warm = 1.0 - (1.0 - p->warm) * exp(-dt / WARM_TAU_S);
	else
		p->warm *= exp(-dt / COOL_TAU_S);
	p->t_ns = t1;
}

/* The spontaneous speed step in effect now: pen.speed_step from
 * pen.speed_step_at_s of motor-on time, alternating with 1 every
 * pen.speed_step_period_s when that is given. */
static double step_factor_now(const struct sim_pen *p)
{
	if (p->step_factor == 1.0 || !p->running)
		return 1.0;
	double s = (double)(p->t_ns - p->motor_t0_ns) * 1e-9 - p->step_at_s;
	if (s < 0)
		return 1.0;
	if (p->step_period_s <= 0)
		return p->step_factor;
	return (uint64_t)floor(s / p->step_period_s) % 2 == 0 ? p->step_factor : 1.0;
}

double sim_pen_since_step_s(const struct sim_pen *p, uint64_t t_ns)
{
	if (p->step_factor == 1.0 || !p->running || t_ns < p->motor_t0_ns)
		return INFINITY;
	double s = (double)(t_ns - p->motor_t0_ns) * 1e-9 - p->step_at_s;
	if (s < 0)
		return INFINITY;
	return p->step_period_s > 0 ? fmod(s, p->step_period_s) : s;
}

/* The rate the motor is heading for. */
static double freq_target(const struct sim_pen *p)
{
	if (!p->running)
		return 0.0;
	double target = sim_pen_freq_for_raw(p, p->fw.raw[PEN_FW_FREQ], sim_bench_force_n(p->b)) *
			(p->stalled ? STALL_FACTOR : 1.0);
	if (p->speed_factor != 1.0)
		target *= p->speed_factor;
	return target;
}

void pen_tick(struct sim_pen *p)
{
	double rho = exp(-1e-3 / WANDER_TAU_S);
	p->wander = rho * p->wander +
		    p->speed_wander * sqrt(1 - rho * rho) * rng_gauss(&p->rng_wander);
	if (!p->stalled && sim_fault_struck(&p->f_stall, p->b, p->t_ns))
		p->stalled = true;
	if (!p->jammed && sim_fault_struck(&p->f_unreachable, p->b, p->t_ns)) {
		p->jammed = true;
		p->jam_um = p->depth_filt_um;
	}
	p->speed_factor = step_factor_now(p);
	double target = freq_target(p);
	p->freq_filt_hz = target + (p->freq_filt_hz - target) * exp(-1e-3 / p->spinup_s);
}

void pen_motor_follow_firmware(struct sim_pen *p)
{
	if (p->fw.motor_on && !p->running) {
		p->running = true;
		p->cyc = 0;
		p->motor_t0_ns = p->t_ns;
		p->last_peak_ns = UINT64_MAX;
		p->speed_factor = step_factor_now(p);
		new_stroke(p);
		/* The start-up transient: from a fraction of the speed it heads for. */
		if (p->spinup_from > 0)
			p->freq_filt_hz = p->spinup_from * freq_target(p);
	} else if (!p->fw.motor_on && p->running) {
		pen_motor_stop(p); /* the tips park retracted */
	}
}

void pen_motor_stop(struct sim_pen *p)
{
	p->running = false;
	p->freq_filt_hz = 0;
	p->speed_factor = 1.0;
}
