/* simcap.c - a laser capture made by the virtual bench (see simcap.h). */
#include "support/simcap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/grow.h"
#include "dev/pen/pen.h"
#include "hal/serial.h"
#include "sim/bench.h"
#include "sim/laser.h"
#include "sim/pen.h"

#define MAX_PARAMS 64
#define MAX_PEAKS 200000

/* The pen's truth over the capture, from its remembered peaks. */
static void pen_truth(struct sim_pen *sp, struct simcap_truth *t)
{
	struct sim_pen_peak *pk = malloc(MAX_PEAKS * sizeof *pk);
	if (!pk)
		return;
	size_t n = sim_pen_peaks(sp, t->t0_ns, t->t1_ns, pk, MAX_PEAKS);
	if (n > MAX_PEAKS)
		n = MAX_PEAKS;
	double sum = 0, sq = 0, psum = 0;
	for (size_t i = 0; i < n; i++) {
		sum += pk[i].deepest_um;
		sq += pk[i].deepest_um * pk[i].deepest_um;
		psum += pk[i].peak_um;
	}
	t->strokes = n;
	if (n > 0) {
		t->deepest_mean_um = sum / n;
		t->deepest_std_um = n > 1 ? sqrt(fmax(0, (sq - sum * sum / n) / (n - 1))) : 0;
		t->peak_mean_um = psum / n;
	}
	if (n > 1)
		t->freq_hz = (double)(n - 1) / ((double)(pk[n - 1].t_ns - pk[0].t_ns) * 1e-9);
	free(pk);
}

/* Read the laser's port until bench time t1_ns. */
static enum rig_rc capture(struct serial_port *port, struct rig_clock *clock, uint64_t t1_ns,
			   uint8_t **bytes, size_t *n, struct rig_err *err)
{
	size_t cap = 0;
	uint8_t *buf = NULL;
	*n = 0;
	while (clock_now_ns(clock) < t1_ns) {
		enum rig_rc grown = RIG_GROW(buf, cap, *n + 4096, 1 << 16, err);
		if (grown) {
			free(buf);
			return grown;
		}
		size_t got = 0;
		enum rig_rc rc = serial_read_some(port, buf + *n, 4096, 10, &got, err);
		if (rc) {
			free(buf);
			return rc;
		}
		*n += got;
	}
	*bytes = buf;
	return RIG_OK;
}

struct rigs {
	struct rig_vclock vc;
	struct rig_hal hal;
	struct sim_bench *b;
	struct serial_port *pen_port, *laser_port;
	struct pen *pen;
};

static enum rig_rc bench_up(struct rigs *r, const char *const *params, struct rig_err *err)
{
	struct sim_param p[MAX_PARAMS];
	size_t np = 0;
	enum rig_rc rc;
	for (; params && params[np]; np++) {
		if (np == MAX_PARAMS)
			return rig_fail(err, RIG_E_CONFIG, "simcap: more than %d parameters", MAX_PARAMS);
		if ((rc = sim_param_parse(&p[np], params[np], err)))
			return rc;
	}
	vclock_init(&r->vc, 1000 * RIG_NS_PER_S);
	r->hal.clock = &r->vc.base;
	if ((rc = sim_bench_create(&r->b, &r->hal, p, np, err)))
		return rc;
	struct serial_settings ps = serial_8n1(PEN_BAUD);
	struct pen_settings pset = pen_settings_default();
	sim_bench_power_pen(r->b, true);
	if ((rc = serial_open(&r->pen_port, "sim:pen", &ps, &r->hal, err)) ||
	    (rc = pen_open(&r->pen, r->pen_port, &r->vc.base, &pset, err)) ||
	    (rc = pen_wait_ready(r->pen, 5000, err)))
		return rc;
	return RIG_OK;
}

static void bench_down(struct rigs *r)
{
	pen_close(r->pen);
	serial_close(r->pen_port);
	serial_close(r->laser_port);
	sim_bench_destroy(r->b);
}

enum rig_rc simcap_record(const struct simcap_config *cfg, uint8_t **bytes, size_t *n,
			  struct simcap_truth *t, struct rig_err *err)
{
	struct rigs r;
	memset(&r, 0, sizeof r);
	memset(t, 0, sizeof *t);
	*bytes = NULL;
	*n = 0;
	enum rig_rc rc = bench_up(&r, cfg->params, err);
	if (rc)
		goto out;
	struct sim_laser *l = sim_bench_model(r.b, "laser");
	double settle_s = cfg->settle_s > 0 ? cfg->settle_s : 0.5;
	if ((rc = pen_set_depth_um(r.pen, cfg->depth_um, err)) ||
	    (rc = pen_set_freq_hz(r.pen, cfg->freq_hz, err)) ||
	    (rc = pen_set_motor(r.pen, true, err)))
		goto out;
	clock_sleep_ns(&r.vc.base, (uint64_t)llround(settle_s * 1e9));
	/* The laser streams from power-up: open its port now, drop what came
	 * before, and capture from here. */
	struct serial_settings ls = serial_8n1(921600);
	const char *baud = NULL;
	for (size_t i = 0; cfg->params && cfg->params[i]; i++)
		if (!strncmp(cfg->params[i], "laser.baud=", 11))
			baud = cfg->params[i] + 11;
	if (baud)
		ls = serial_8n1(atoi(baud));
	if ((rc = serial_open(&r.laser_port, "sim:laser", &ls, &r.hal, err)) ||
	    (rc = serial_flush_input(r.laser_port, err)))
		goto out;
	t->t0_ns = clock_now_ns(&r.vc.base);
	t->t1_ns = t->t0_ns + (uint64_t)llround(cfg->seconds * 1e9);
	size_t want = cfg->want_values
		? (size_t)(cfg->seconds * 4000 * 2 + 16) : 0; /* room for any clock error */
	if (want && !sim_laser_record_truth(l, want)) {
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = capture(r.laser_port, &r.vc.base, t->t1_ns, bytes, n, err)))
		goto out;
	if (want) {
		const struct sim_laser_truth *v = sim_laser_truth(l, &t->nvalues);
		t->values = malloc((t->nvalues ? t->nvalues : 1) * sizeof *v);
		if (!t->values) {
			rc = rig_fail(err, RIG_E_NOMEM, "out of memory");
			goto out;
		}
		memcpy(t->values, v, t->nvalues * sizeof *v);
	}
	pen_truth(sim_pen_of(r.b), t);
	t->rate_hz = sim_laser_rate_hz(l);
	t->actual_rate_hz = sim_laser_actual_rate_hz(l);
	t->zero_mm = sim_laser_zero_mm(l);
	t->drift_start_um = sim_laser_drift_um(l, t->t0_ns);
	t->drift_end_um = sim_laser_drift_um(l, t->t1_ns);
out:
	bench_down(&r);
	return rc;
}
