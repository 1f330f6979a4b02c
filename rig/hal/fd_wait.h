/* fd_wait.h - waiting on a kernel file descriptor until a deadline, for the
 * serial backends that talk to the kernel directly (termios, TCP).
 *
 * Deadlines are CLOCK_MONOTONIC nanoseconds read through clock_real(): a real
 * port waits in real time whatever clock the hal carries. The caller owns the
 * descriptor; nothing here allocates.
 */
#ifndef RIG_HAL_FD_WAIT_H
#define RIG_HAL_FD_WAIT_H

#include <stdint.h>

/* The real-clock deadline timeout_ms from now. */
uint64_t fd_deadline_ns(unsigned timeout_ms);

/* Wait until fd reports one of `events` (POLLIN, POLLOUT) or an error
 * condition, or until deadline_ns. Returns 1 when it did (*revents tells
 * what), 0 when the deadline passed first, -1 when poll failed (errno set).
 * A signal (EINTR) does not end the wait early. */
int fd_wait_until(int fd, short events, uint64_t deadline_ns, short *revents);

#endif
