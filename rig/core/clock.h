/* clock.h - the one source of time and waiting for the whole rig.
 *
 * Every wait and timestamp goes through a struct rig_clock. The real clock
 * reads CLOCK_MONOTONIC and sleeps; the virtual clock only moves when
 * someone waits on it, and then jumps at once, so simulated runs go as fast
 * as the CPU allows and are deterministic. Times are nanoseconds of "bench
 * time" from an arbitrary origin.
 */
#ifndef RIG_CORE_CLOCK_H
#define RIG_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct rig_clock;

struct rig_clock_ops {
	uint64_t (*now_ns)(struct rig_clock *c);
	/* Return once now_ns() >= t_ns (at once if it already is). */
	void (*sleep_until_ns)(struct rig_clock *c, uint64_t t_ns);
	bool is_virtual;
};

struct rig_clock {
	const struct rig_clock_ops *ops;
};

static inline uint64_t clock_now_ns(struct rig_clock *c)
{
	return c->ops->now_ns(c);
}

static inline void clock_sleep_until_ns(struct rig_clock *c, uint64_t t_ns)
{
	c->ops->sleep_until_ns(c, t_ns);
}

static inline void clock_sleep_ns(struct rig_clock *c, uint64_t ns)
{
	c->ops->sleep_until_ns(c, c->ops->now_ns(c) + ns);
}

static inline bool clock_is_virtual(const struct rig_clock *c)
{
	return c->ops->is_virtual;
}

/* The real monotonic clock: a shared, stateless instance. */
struct rig_clock *clock_real(void);

/* A virtual clock. Embed it, vclock_init() it, pass &vc->base around. */
struct rig_vclock {
	struct rig_clock base;
	uint64_t now_ns;
};

void vclock_init(struct rig_vclock *vc, uint64_t start_ns);
/* Move a virtual clock forward (never back). */
void vclock_advance_ns(struct rig_vclock *vc, uint64_t ns);

#define RIG_NS_PER_US 1000ull
#define RIG_NS_PER_MS 1000000ull
#define RIG_NS_PER_S 1000000000ull

/* ns nanoseconds as a struct timespec (a duration, or a CLOCK_MONOTONIC
 * time), for the system calls that take one. */
static inline struct timespec rig_timespec_ns(uint64_t ns)
{
	return (struct timespec){
		.tv_sec = (time_t)(ns / RIG_NS_PER_S),
		.tv_nsec = (long)(ns % RIG_NS_PER_S),
	};
}

#endif
