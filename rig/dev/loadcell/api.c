/* api.c - the load cell as the rig uses it: open the lines the fixture
 * names, read medians of counts or newtons, keep the discard counters.
 *
 * Real-time hardening, when its owner asks for it (loadcell_set_rt(): the
 * bench does for a load cell timed by the real clock): every median read
 * runs under SCHED_FIFO with memory locked, where the process is permitted
 * to; if it is not, reads go on without (a preempted read is detected and
 * retried anyway) and the handle says so once, to the owner's notice.
 */
#include "dev/loadcell/loadcell.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dev/loadcell/protocol.h"
#include "hal/gpio.h"

#define RT_PRIORITY 40 /* below the kernel's threaded IRQs (50) */

struct loadcell {
	struct fixture_loadcell cfg;
	struct rig_hal *hal;
	struct gpio_chip *chip;
	struct gpio_line *dout, *sck;
	struct hx711 hx;
	struct loadcell_rt rt;
	bool rt_notice_given;
};

struct rt_saved {
	bool fifo, locked;
	int policy;
	struct sched_param param;
};

static void rt_enter(struct loadcell *lc, struct rt_saved *s)
{
	memset(s, 0, sizeof *s);
	if (!lc->rt.harden)
		return;
	int fifo_err = pthread_getschedparam(pthread_self(), &s->policy, &s->param);
	if (!fifo_err) {
		struct sched_param p = { .sched_priority = RT_PRIORITY };
		fifo_err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
		s->fifo = !fifo_err;
	}
	int lock_err = mlockall(MCL_CURRENT | MCL_FUTURE) ? errno : 0;
	s->locked = !lock_err;
	if ((fifo_err || lock_err) && !lc->rt_notice_given) {
		lc->rt_notice_given = true;
		char text[320];
		snprintf(text, sizeof text,
			 "load cell: reading without %s%s%s (%s); preempted reads are detected "
			 "and retried (run with CAP_SYS_NICE and CAP_IPC_LOCK to avoid them)",
			 fifo_err ? "SCHED_FIFO" : "", fifo_err && lock_err ? " and " : "",
			 lock_err ? "mlockall" : "", strerror(fifo_err ? fifo_err : lock_err));
		if (lc->rt.notice)
			lc->rt.notice(lc->rt.ctx, text);
	}
}

static void rt_leave(struct rt_saved *s)
{
	if (s->locked)
		munlockall();
	if (s->fifo)
		pthread_setschedparam(pthread_self(), s->policy, &s->param);
}

static enum rig_rc gain_input(int gain, enum hx711_input *in)
{
	switch (gain) {
	case 128: *in = HX711_A128; return RIG_OK;
	case 64: *in = HX711_A64; return RIG_OK;
	case 32: *in = HX711_B32; return RIG_OK;
	}
	return RIG_E_CONFIG;
}

/* The cell's lines in front of an error, which is the load cell's. */
static enum rig_rc prefixed(struct loadcell *lc, enum rig_rc rc, struct rig_err *err)
{
	if (rc)
		rig_err_prefix(err, "load cell %s DOUT %s SCK %s: ", lc->cfg.chip,
			       lc->cfg.dout_line, lc->cfg.sck_line);
	return rig_err_cause(err, rc, RIG_CAUSE_LOADCELL);
}

void loadcell_set_rt(struct loadcell *lc, const struct loadcell_rt *rt)
{
	lc->rt = *rt;
}

enum rig_rc loadcell_open(struct loadcell **out, const struct fixture_loadcell *cfg,
			  struct rig_hal *hal, struct rig_err *err)
{
	enum rig_rc rc;
	enum hx711_input in;
	*out = NULL;
	if (gain_input(cfg->gain, &in))
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_LOADCELL,
				      "load cell: gain %d: expected 128 or 64 (channel A) or 32 (channel B)",
				      cfg->gain);
	if (cfg->rate_sps != 10 && cfg->rate_sps != 80)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_LOADCELL,
				      "load cell: rate_sps %d: expected 10 or 80 (the HX711's RATE pin)",
				      cfg->rate_sps);
	if (cfg->median_of < 3)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_LOADCELL,
				      "load cell: median_of %u: expected at least 3", cfg->median_of);
	struct loadcell *lc = calloc(1, sizeof *lc);
	if (!lc)
		return rig_fail_cause(err, RIG_E_NOMEM, RIG_CAUSE_LOADCELL, "load cell: out of memory");
	lc->cfg = *cfg;
	lc->hal = hal;
	if ((rc = gpio_open_chip(&lc->chip, cfg->chip, hal, err)))
		goto fail;
	/* Pull-up: a broken DOUT wire reads "not ready", never a plausible 0. */
	if ((rc = gpio_request(lc->chip, cfg->dout_line, GPIO_INPUT, GPIO_F_PULL_UP, 0,
			       "rig hx711 dout", &lc->dout, err)) ||
	    (rc = gpio_request(lc->chip, cfg->sck_line, GPIO_OUTPUT, 0, 0,
			       "rig hx711 sck", &lc->sck, err)))
		goto fail;
	hx711_init(&lc->hx, lc->dout, lc->sck, hal->clock, (unsigned)cfg->rate_sps, in);
	/* The chip may be anywhere (a half read left by a killed process,
	 * a serial error): a power-down reset puts it in a known state. */
	if ((rc = hx711_reset(&lc->hx, err)))
		goto fail;
	*out = lc;
	return RIG_OK;
fail:
	prefixed(lc, rc, err);
	loadcell_close(lc);
	return rc;
}

void loadcell_close(struct loadcell *lc)
{
	if (!lc)
		return;
	gpio_release(lc->sck);
	gpio_release(lc->dout);
	gpio_close_chip(lc->chip);
	free(lc);
}

enum rig_rc loadcell_read_counts_median(struct loadcell *lc, unsigned n,
					double *counts, struct rig_err *err)
{
	struct rt_saved saved;
	rt_enter(lc, &saved);
	enum rig_rc rc = hx711_read_median(&lc->hx, n ? n : lc->cfg.median_of, counts, err);
	rt_leave(&saved);
	return prefixed(lc, rc, err);
}

enum rig_rc loadcell_read_force_n(struct loadcell *lc, double *force_n,
				  struct rig_err *err)
{
	double counts;
	enum rig_rc rc = loadcell_read_counts_median(lc, 0, &counts, err);
	if (rc)
		return rc;
	return loadcell_counts_to_n(&lc->cfg, counts, force_n, err);
}

enum rig_rc loadcell_select_gain(struct loadcell *lc, int gain, struct rig_err *err)
{
	enum hx711_input in;
	if (gain_input(gain, &in))
		return rig_fail_cause(err, RIG_E_USAGE, RIG_CAUSE_LOADCELL,
				      "load cell: gain %d: expected 128, 64 or 32", gain);
	lc->hx.want = in;
	return RIG_OK;
}

void loadcell_get_counters(const struct loadcell *lc, struct loadcell_counters *out)
{
	const struct hx711 *h = &lc->hx;
	*out = (struct loadcell_counters){
		.good = h->good,
		.timing = h->discarded[HX711_D_TIMING],
		.glitch = h->discarded[HX711_D_GLITCH],
		.saturated = h->discarded[HX711_D_SATURATED],
		.settling = h->discarded[HX711_D_SETTLING],
		.select = h->discarded[HX711_D_SELECT],
		.resets = h->resets,
		.timeouts = h->timeouts,
	};
}

enum rig_rc loadcell_counts_to_n(const struct fixture_loadcell *cfg, double counts,
				 double *force_n, struct rig_err *err)
{
	if (!isfinite(cfg->scale_counts_per_n) || cfg->scale_counts_per_n == 0)
		return rig_fail_cause(err, RIG_E_CONFIG, RIG_CAUSE_LOADCELL,
				      "load cell: scale_counts_per_n %g: expected a nonzero number "
				      "(run rig loadcell-cal)", cfg->scale_counts_per_n);
	*force_n = (counts - cfg->offset_counts) / cfg->scale_counts_per_n;
	return RIG_OK;
}

enum rig_rc loadcell_scale_from_span(double counts_zero, double counts_mass,
				     double mass_g, double min_span_counts,
				     double *scale_counts_per_n, struct rig_err *err)
{
	if (!(mass_g > 0) || !isfinite(mass_g))
		return rig_fail_cause(err, RIG_E_DATA, RIG_CAUSE_LOADCELL,
				      "load cell calibration: mass %g g: expected a positive mass", mass_g);
	double span = counts_mass - counts_zero;
	if (!(fabs(span) >= min_span_counts))
		return rig_fail_cause(err, RIG_E_DATA, RIG_CAUSE_LOADCELL,
				      "load cell calibration: %g g moved the reading by %.1f counts "
				      "(zero %.1f, with mass %.1f), expected at least %g: is the "
				      "mass on the cell?",
				      mass_g, span, counts_zero, counts_mass, min_span_counts);
	*scale_counts_per_n = span / (mass_g / 1000.0 * LOADCELL_STANDARD_GRAVITY);
	return RIG_OK;
}
