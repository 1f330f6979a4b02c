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

static void real_sleep_until_ns(struct rig_clock *c, uint64_t t_ns)
{
	(void)c;
	struct timespec ts = {
		.tv_sec = (time_t)(t_ns / RIG_NS_PER_S),
		.tv_nsec = (long)(t_ns % RIG_NS_PER_S),
	};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
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
