/* pen_bench.c - building a virtual bench with its pen for the pen suites. */
#include "pen_bench.h"

#include <check.h>
#include <math.h>
#include <string.h>

enum rig_rc pen_bench_try(struct pen_bench *t, const char *const *params)
{
	memset(t, 0, sizeof *t);
	vclock_init(&t->vc, 1000 * RIG_NS_PER_S);
	t->hal.clock = &t->vc.base;
	struct sim_param p[32];
	size_t n = 0;
	for (; params && params[n]; n++) {
		ck_assert_uint_lt(n, 32);
		ck_assert_int_eq(sim_param_parse(&p[n], params[n], &t->err), RIG_OK);
	}
	enum rig_rc rc = sim_bench_create(&t->b, &t->hal, p, n, &t->err);
	if (rc)
		return rc;
	t->sp = sim_pen_of(t->b);
	ck_assert_ptr_nonnull(t->sp);
	struct serial_settings s = serial_8n1(PEN_BAUD);
	struct pen_settings ps = pen_settings_default();
	if ((rc = gpio_open_chip(&t->chip, "sim:" SIM_CHIP_LABEL, &t->hal, &t->err)) ||
	    (rc = gpio_request(t->chip, "22", GPIO_OUTPUT, 0, 0, "test", &t->relay, &t->err)) ||
	    (rc = serial_open(&t->port, "sim:pen", &s, &t->hal, &t->err)) ||
	    (rc = pen_open(&t->pen, t->port, &t->vc.base, &ps, &t->err)))
		return rc;
	return RIG_OK;
}

void pen_bench_up(struct pen_bench *t, const char *const *params)
{
	enum rig_rc rc = pen_bench_try(t, params);
	ck_assert_msg(rc == RIG_OK, "bench: %s", t->err.msg);
}

void pen_bench_relay(struct pen_bench *t, bool on)
{
	ck_assert_int_eq(gpio_set(t->relay, on, &t->err), RIG_OK);
}

void pen_bench_power_on(struct pen_bench *t)
{
	pen_bench_relay(t, true);
	enum rig_rc rc = pen_wait_ready(t->pen, 2000, &t->err);
	ck_assert_msg(rc == RIG_OK, "wait ready: %s", t->err.msg);
}

void pen_bench_sleep_ms(struct pen_bench *t, double ms)
{
	clock_sleep_ns(&t->vc.base, (uint64_t)llround(ms * 1e6));
	sim_bench_sync(t->b);
}

uint64_t pen_bench_now_ns(struct pen_bench *t)
{
	return clock_now_ns(&t->vc.base);
}

void pen_bench_down(struct pen_bench *t)
{
	pen_close(t->pen);
	serial_close(t->port);
	gpio_release(t->relay);
	gpio_close_chip(t->chip);
	sim_bench_destroy(t->b);
	memset(t, 0, sizeof *t);
}
