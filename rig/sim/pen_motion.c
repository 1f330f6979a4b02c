/* pen_motion.c - the virtual pen's needle mechanics: the depth and rate
 * transfer of the actuator and motor, the stroke shapes, and the motion
 * integrated over bench time (see sim/pen_state.h).
 */
#include "sim/pen_state.h"

#include <math.h>

#define SPINUP_TAU_S 0.020   /* motor spin-up and speed changes */
#define WANDER_TAU_S 1.0     /* correlation time of the speed wander */
#define WARM_TAU_S 60.0      /* warm-up with the motor on */
#define COOL_TAU_S 120.0     /* cooling with the motor off */
#define STALL_FACTOR 0.35    /* fault.pen.stall: the rate left under load */

const char *const pen_shape_names[] = { "sine", "cam", "dwell", NULL };

/* ---- Transfer ---------------------------------------------------------- */

double sim_pen_depth_for_raw(const struct sim_pen *p, double raw_um)
{
	double r = raw_um < 0 ? 0 : raw_um > p->max_raw_um ? p->max_raw_um : raw_um;
	return p->depth_gain * r + p->depth_offset_um + p->depth_nl * r * r / 3000.0;
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
	return mean - p->stroke_um + (p->stroke_um + p->scatter_um) * shape_at(p->shape, u);
}

/* ---- Motion -------------------------------------------------------------- */

static void new_stroke(struct sim_pen *p)
{
	p->scatter_um = p->depth_sd_um * rng_gauss(&p->rng_scatter);
	p->strokes++;
}

void pen_move(struct sim_pen *p, uint64_t t1)
{
	double dt = (double)(t1 - p->t_ns) * 1e-9;
	if (p->running) {
		double f = p->freq_filt_hz * (1.0 + p->wander);
		double c0 = p->cyc, c1 = c0 + f * dt, c = c0, up = shape_peak_u(p->shape);
		for (;;) {
			double m = floor(c), pk = m + up;
			double next = pk > c ? pk : m + 1;
			if (next > c1)
				break;
			if (next == pk) {
				double at = (pk - c0) / f;
				struct sim_pen_peak *e =
					&p->peaks[p->peaks_seen % SIM_PEN_PEAK_HISTORY];
				e->index = p->strokes - 1;
				e->t_ns = p->t_ns + (uint64_t)llround(at * 1e9);
				e->peak_um = pen_mean_depth_after(p, at) + p->scatter_um;
				p->peaks_seen++;
			} else {
				new_stroke(p);
			}
			c = next;
		}
		p->cyc = c1;
	}
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
	double target = p->running
		? sim_pen_freq_for_raw(p, p->fw.raw[PEN_FW_FREQ], sim_bench_force_n(p->b)) *
			  (p->stalled ? STALL_FACTOR : 1.0)
		: 0.0;
	p->freq_filt_hz = target + (p->freq_filt_hz - target) * exp(-1e-3 / SPINUP_TAU_S);
}

void pen_motor_follow_firmware(struct sim_pen *p)
{
	if (p->fw.motor_on && !p->running) {
		p->running = true;
		p->cyc = 0;
		new_stroke(p);
	} else if (!p->fw.motor_on && p->running) {
		pen_motor_stop(p); /* the tips park retracted */
	}
}

void pen_motor_stop(struct sim_pen *p)
{
	p->running = false;
	p->freq_filt_hz = 0;
}
