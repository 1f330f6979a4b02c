/* pen_truth.c - what the virtual pen really does, for the tests, the
 * fault matrix and the benchmarks that judge the rig against it (see
 * sim/pen.h), and their access to the pen's calibration tables.
 */
#include "sim/pen_state.h"

#include <string.h>

struct sim_pen *sim_pen_of(struct sim_bench *b)
{
	return sim_bench_model(b, "pen");
}

void sim_pen_truth(struct sim_pen *p, struct sim_pen_truth *out)
{
	sim_bench_sync(p->b);
	memset(out, 0, sizeof *out);
	out->powered = p->powered;
	out->ready = pen_ready(p);
	out->motor_on = p->running;
	out->cmd_depth_um = p->fw.cmd_milli[PEN_FW_DEPTH] / 1000.0;
	out->cmd_freq_hz = p->fw.cmd_milli[PEN_FW_FREQ] / 1000.0;
	out->raw_depth_um = p->fw.raw[PEN_FW_DEPTH];
	out->raw_freq_hz = p->fw.raw[PEN_FW_FREQ];
	out->warmup_drift_um = p->warm * p->warmup_drift_um;
	double force_n = sim_bench_force_n(p->b);
	out->preload_um = p->depth_per_n * (force_n - p->preload_ref_n);
	out->speed_factor = p->running ? p->speed_factor : 1.0;
	out->freq_hz = p->running
		? sim_pen_freq_for_raw(p, out->raw_freq_hz, force_n) : 0;
	if (out->speed_factor != 1.0)
		out->freq_hz *= out->speed_factor;
	/* Ringing at the rate the pen runs, or would run at when started. */
	out->ring_um = sim_pen_ring_excess_um(
		p, p->running ? out->freq_hz : sim_pen_freq_for_raw(p, out->raw_freq_hz, force_n));
	out->depth_um = pen_depth_target(p) + out->warmup_drift_um + out->ring_um;
	out->depth_now_um = pen_mean_depth_after(p, 0) + out->ring_um;
	out->depth_sd_um = p->depth_sd_um;
	out->freq_now_hz = p->running ? p->freq_filt_hz * (1.0 + p->wander) : 0;
	out->stroke_um = p->stroke_um;
	out->tip_um = pen_tip_now(p);
	out->strokes = p->peaks_seen;
}

size_t sim_pen_peaks(struct sim_pen *p, uint64_t t0_ns, uint64_t t1_ns,
		     struct sim_pen_peak *out, size_t cap)
{
	sim_bench_sync(p->b);
	uint64_t first = p->peaks_seen > SIM_PEN_PEAK_HISTORY
		? p->peaks_seen - SIM_PEN_PEAK_HISTORY : 0;
	size_t n = 0;
	for (uint64_t i = first; i < p->peaks_seen; i++) {
		const struct sim_pen_peak *e = &p->peaks[i % SIM_PEN_PEAK_HISTORY];
		if (e->t_ns < t0_ns || e->t_ns >= t1_ns)
			continue;
		if (n < cap)
			out[n] = *e;
		n++;
	}
	return n;
}

bool sim_pen_mean_rate(struct sim_pen *p, uint64_t t0_ns, uint64_t t1_ns,
		       struct sim_pen_rate *out)
{
	sim_bench_sync(p->b);
	memset(out, 0, sizeof *out);
	uint64_t i = p->peaks_seen > SIM_PEN_PEAK_HISTORY
		? p->peaks_seen - SIM_PEN_PEAK_HISTORY : 0;
	/* from the last peak at or before t0 */
	while (i + 1 < p->peaks_seen && p->peaks[(i + 1) % SIM_PEN_PEAK_HISTORY].t_ns <= t0_ns)
		i++;
	if (i + 1 >= p->peaks_seen || p->peaks[i % SIM_PEN_PEAK_HISTORY].t_ns > t0_ns ||
	    t1_ns <= t0_ns)
		return false;
	double T0 = (double)t0_ns, T1 = (double)t1_ns, cycles = 0, settled = 0;
	for (; i + 1 < p->peaks_seen; i++) {
		const struct sim_pen_peak *a = &p->peaks[i % SIM_PEN_PEAK_HISTORY];
		const struct sim_pen_peak *z = &p->peaks[(i + 1) % SIM_PEN_PEAK_HISTORY];
		double ta = (double)a->t_ns, tz = (double)z->t_ns;
		bool last = i + 2 >= p->peaks_seen;
		if (ta > T1)
			break;
		if (z->t_ns >= t0_ns && z->t_ns <= t1_ns)
			out->strokes++;
		/* [lo, hi]: this interval's part of the span; beyond the last
		 * peak the last period's rate goes on */
		double lo = ta > T0 ? ta : T0, hi = last || tz > T1 ? T1 : tz;
		double fl = (lo - ta) / (tz - ta), fh = (hi - ta) / (tz - ta);
		cycles += fh - fl;
		double sl = a->settled_hz + (fl < 1 ? fl : 1) * (z->settled_hz - a->settled_hz);
		double sh = a->settled_hz + (fh < 1 ? fh : 1) * (z->settled_hz - a->settled_hz);
		settled += (sl + sh) / 2 * (hi - lo) * 1e-9;
	}
	if (out->strokes < 2)
		return false;
	double span_s = (T1 - T0) * 1e-9;
	out->first_ns = t0_ns;
	out->last_ns = t1_ns;
	out->mean_hz = cycles / span_s;
	out->settled_hz = settled / span_s;
	return true;
}

unsigned sim_pen_saved_table(const struct sim_pen *p, int table,
			     int32_t *cmd_milli, int32_t *raw_milli)
{
	const struct pen_fw_table *t = &p->fw.saved[table ? 1 : 0];
	for (unsigned i = 0; i < t->n; i++) {
		cmd_milli[i] = t->cmd_milli[i];
		raw_milli[i] = t->raw_milli[i];
	}
	return t->n;
}

void sim_pen_set_saved_table(struct sim_pen *p, int table, unsigned n,
			     const int32_t *cmd_milli, const int32_t *raw_milli)
{
	struct pen_fw_table *t = &p->fw.saved[table ? 1 : 0];
	t->n = n > PEN_FW_TABLE_MAX ? PEN_FW_TABLE_MAX : n;
	for (unsigned i = 0; i < t->n; i++) {
		t->cmd_milli[i] = cmd_milli[i];
		t->raw_milli[i] = raw_milli[i];
	}
}

unsigned sim_pen_reboots(const struct sim_pen *p)
{
	return p->reboots;
}
