/* lock.c - flock(2) on the bench's lock file, with the holder's pid inside. */
#include "bench/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/clock.h"

#define POLL_NS (100 * RIG_NS_PER_MS)

/* The pid the holder wrote, or 0 if none (yet). */
static long holder_pid(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || *end == '\0') ? pid : 0;
}

enum rig_rc bench_lock_acquire(struct bench_lock *l, const char *path, const char *station,
			       unsigned wait_s, struct rig_err *err)
{
	l->fd = -1;
	snprintf(l->path, sizeof l->path, "%s", path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "bench %s: cannot open lock file %s",
				      station, path);
	struct rig_clock *clk = clock_real();
	uint64_t deadline = clock_now_ns(clk) + (uint64_t)wait_s * RIG_NS_PER_S;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			int e = errno;
			close(fd);
			return rig_fail_errno(err, RIG_E_IO, e, "bench %s: cannot lock %s", station,
					      path);
		}
		if (clock_now_ns(clk) >= deadline) {
			long pid = holder_pid(fd);
			close(fd);
			char who[48] = "another process";
			if (pid)
				snprintf(who, sizeof who, "pid %ld", pid);
			if (wait_s)
				return rig_fail(err, RIG_E_BUSY,
						"bench %s is in use by %s (lock %s); waited %u s",
						station, who, path, wait_s);
			return rig_fail(err, RIG_E_BUSY, "bench %s is in use by %s (lock %s)",
					station, who, path);
		}
		clock_sleep_ns(clk, POLL_NS);
	}
	/* Ours: say who holds it. Failing to write the pid is not fatal. */
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) != n) {
		/* the lock holds; only the message of a refused caller suffers */
	}
	l->fd = fd;
	return RIG_OK;
}

void bench_lock_release(struct bench_lock *l)
{
	if (l->fd < 0)
		return;
	/* Clear the pid first so nobody names a process that let go. */
	if (ftruncate(l->fd, 0) < 0) {
		/* closing releases the lock all the same */
	}
	close(l->fd);
	l->fd = -1;
}
