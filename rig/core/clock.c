/* clock.c - real (CLOCK_MONOTONIC) and virtual clocks. */
#include "core/clock.h"

#include <errno.h>
#include <time.h>

static uint64_t real_now_ns(struct rig_clock *c)
{
	(void)c;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RIG_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Returns when the clock reads t_ns or later, never before: the HX711
 * driver holds PD_SCK high this way for its power-down reset, and a reset
 * cut short leaves the chip mid-word. clock_nanosleep(TIMER_ABSTIME) says
 * so, but a wrapper between the program and the kernel that maps times can
 * fail it at once: under make check-calendar, libfaketime 0.9.10 maps the
 * absolute time through a start time shared by every process in its tree,
 * and a process started with stdout closed wrote its output over that start
 * time (the library's descriptor for it took fd 1), after which every
 * absolute sleep in the tree failed with EINVAL. What is left after an
 * error or an early wake is slept relative, which needs no mapping. */
static void real_sleep_until_ns(struct rig_clock *c, uint64_t t_ns)
{
	struct timespec ts = rig_timespec_ns(t_ns);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	uint64_t now = real_now_ns(c);
	if (now >= t_ns)
		return;
	struct timespec rel = rig_timespec_ns(t_ns - now);
	while (nanosleep(&rel, &rel) == -1 && errno == EINTR)
		;
}

static const struct rig_clock_ops real_ops = {
	.now_ns = real_now_ns,
	.sleep_until_ns = real_sleep_until_ns,
	.is_virtual = false,
};

/* Stateless, so one constant-like instance serves every caller. */
static struct rig_clock real_clock = { .ops = &real_ops };

struct rig_clock *clock_real(void)
{
	return &real_clock;
}

static uint64_t virt_now_ns(struct rig_clock *c)
{
	return ((struct rig_vclock *)c)->now_ns;
}

static void virt_sleep_until_ns(struct rig_clock *c, uint64_t t_ns)
{
	struct rig_vclock *vc = (struct rig_vclock *)c;
	if (t_ns > vc->now_ns)
		vc->now_ns = t_ns;
}

static const struct rig_clock_ops virt_ops = {
	.now_ns = virt_now_ns,
	.sleep_until_ns = virt_sleep_until_ns,
	.is_virtual = true,
};

void vclock_init(struct rig_vclock *vc, uint64_t start_ns)
{
	vc->base.ops = &virt_ops;
	vc->now_ns = start_ns;
}

void vclock_advance_ns(struct rig_vclock *vc, uint64_t ns)
{
	vc->now_ns += ns;
}
