/* fd_wait.c - ppoll until a deadline on the real clock, retrying after
 * signals, so a timeout is never cut short nor stretched by an EINTR. */
#include "hal/fd_wait.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#include "core/clock.h"

uint64_t fd_deadline_ns(unsigned timeout_ms)
{
	return clock_now_ns(clock_real()) + (uint64_t)timeout_ms * RIG_NS_PER_MS;
}

int fd_wait_until(int fd, short events, uint64_t deadline_ns, short *revents)
{
	struct rig_clock *rt = clock_real();
	*revents = 0;
	for (;;) {
		uint64_t now = clock_now_ns(rt);
		uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
		struct timespec ts = rig_timespec_ns(left);
		struct pollfd pfd = { .fd = fd, .events = events };
		int r = ppoll(&pfd, 1, &ts, NULL);
		if (r > 0) {
			*revents = pfd.revents;
			return 1;
		}
		if (r == 0) {
			/* ppoll may wake a hair early by its own clock; the
			 * deadline is ours. */
			if (clock_now_ns(rt) >= deadline_ns)
				return 0;
			continue;
		}
		if (errno != EINTR)
			return -1;
	}
}
