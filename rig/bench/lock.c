/* lock.c - flock(2) on the bench's lock file, with the holder's pid inside. */
#include "bench/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/stop.h"

#define POLL_NS (100 * RIG_NS_PER_MS)
#define TELL_EVERY_S 5 /* --wait-lock says it still waits at least this often */
#define LOCK_MARK "rig bench lock"
#define LOCK_MAX_BYTES 64 /* anything longer is not a lock the rig made */

/* The pid the holder wrote ("rig bench lock, held by pid N", or a lone
 * "N" from rigs before that mark), or 0 if none. */
static long holder_pid(int fd)
{
	char buf[LOCK_MAX_BYTES + 1] = "";
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *at = strstr(buf, "pid ");
	at = at ? at + 4 : buf;
	char *end;
	long pid = strtol(at, &end, 10);
	return pid > 0 && (*end == '\n' || *end == '\0') ? pid : 0;
}

/* What the rig writes into its lock file, and so all it will overwrite: the
 * mark, an empty file (nothing to lose; older rigs left their locks so) or
 * a lone pid line (an older rig's). */
static bool is_rig_lock(const char *buf, size_t n)
{
	if (n == 0 || (n >= strlen(LOCK_MARK) && !memcmp(buf, LOCK_MARK, strlen(LOCK_MARK))))
		return true;
	size_t i = 0;
	while (i < n && buf[i] >= '0' && buf[i] <= '9')
		i++;
	return i > 0 && i + 1 == n && buf[i] == '\n';
}

/* Refuse a lock path that holds anything but a rig lock: using it would
 * overwrite somebody's file (a fixture, a report). Checked under the lock,
 * where the content is stable. */
static enum rig_rc check_lock_file(int fd, const char *path, const char *station,
				   struct rig_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "bench %s: cannot stat lock file %s",
				      station, path);
	if (!S_ISREG(st.st_mode))
		return rig_fail(err, RIG_E_CONFIG,
				"bench %s: lock %s is not a plain file: refused (name a file of "
				"its own in the fixture's [bench] lock)",
				station, path);
	char buf[LOCK_MAX_BYTES + 1];
	ssize_t n = st.st_size > LOCK_MAX_BYTES ? LOCK_MAX_BYTES + 1 : pread(fd, buf, sizeof buf, 0);
	if (n < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "bench %s: cannot read lock file %s",
				      station, path);
	if (n > LOCK_MAX_BYTES || !is_rig_lock(buf, (size_t)n))
		return rig_fail(err, RIG_E_CONFIG,
				"bench %s: %s holds %lld bytes that are not a rig lock: refused, "
				"using it would overwrite them (name a file of its own in the "
				"fixture's [bench] lock)",
				station, path, (long long)st.st_size);
	return RIG_OK;
}

/* Replace the file's text by text: written first, then cut to its length,
 * so a reader never finds the file emptied by us. */
static void put_text(int fd, const char *text)
{
	size_t n = strlen(text);
	if (pwrite(fd, text, n, 0) == (ssize_t)n && ftruncate(fd, (off_t)n) == 0) {
		/* the lock holds either way; only the message of a refused caller suffers */
	}
}

static enum rig_rc open_lock_file(const char *path, const char *station, int *fd_out,
				  struct rig_err *err)
{
	struct stat st;
	/* Never open a device or a FIFO (opening has effects): look first,
	 * then open without following a link and check again under the lock. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return rig_fail(err, RIG_E_CONFIG,
				"bench %s: lock %s is %s, not a plain file: refused (name a file "
				"of its own in the fixture's [bench] lock)",
				station, path,
				S_ISLNK(st.st_mode)   ? "a symbolic link"
				: S_ISDIR(st.st_mode) ? "a folder"
						      : "a device, FIFO or socket");
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0664);
	if (fd < 0)
		return rig_fail_errno(err, errno == ELOOP ? RIG_E_CONFIG : RIG_E_IO, errno,
				      "bench %s: cannot open lock file %s", station, path);
	*fd_out = fd;
	return RIG_OK;
}

enum rig_rc bench_lock_acquire(struct bench_lock *l, const char *path, const char *station,
			       unsigned wait_s, struct rig_err *err)
{
	return bench_lock_acquire_told(l, path, station, wait_s, NULL, NULL, err);
}

/* While waiting: say so at once and every TELL_EVERY_S. */
static void tell_waiting(void (*tell)(void *, const char *), void *ctx, int fd,
			 const char *station, const char *path, unsigned wait_s,
			 double waited_s)
{
	if (!tell)
		return;
	long pid = holder_pid(fd);
	char who[48] = "another process", text[PATH_MAX + 200];
	if (pid)
		snprintf(who, sizeof who, "pid %ld", pid);
	snprintf(text, sizeof text, "bench %s is in use by %s (lock %s); waiting up to %u s, %.0f s so far",
		 station, who, path, wait_s, waited_s);
	tell(ctx, text);
}

enum rig_rc bench_lock_acquire_told(struct bench_lock *l, const char *path, const char *station,
				    unsigned wait_s, void (*tell)(void *ctx, const char *text),
				    void *ctx, struct rig_err *err)
{
	l->fd = -1;
	snprintf(l->path, sizeof l->path, "%s", path);
	int fd = -1;
	enum rig_rc rc = open_lock_file(path, station, &fd, err);
	if (rc)
		return rc;
	struct rig_clock *clk = clock_real();
	uint64_t t0 = clock_now_ns(clk), next_tell = t0;
	uint64_t deadline = t0 + (uint64_t)wait_s * RIG_NS_PER_S;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if ((rc = rig_stop_check(err))) {
			close(fd);
			return rc;
		}
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
		uint64_t now = clock_now_ns(clk);
		if (wait_s && now >= next_tell) {
			tell_waiting(tell, ctx, fd, station, path, wait_s, (double)(now - t0) / 1e9);
			next_tell = now + TELL_EVERY_S * RIG_NS_PER_S;
		}
		clock_sleep_ns(clk, POLL_NS);
	}
	if ((rc = check_lock_file(fd, path, station, err))) {
		close(fd);
		return rc;
	}
	/* Ours: say who holds it. */
	char buf[64];
	snprintf(buf, sizeof buf, LOCK_MARK ", held by pid %ld\n", (long)getpid());
	put_text(fd, buf);
	l->fd = fd;
	return RIG_OK;
}

void bench_lock_release(struct bench_lock *l)
{
	if (l->fd < 0)
		return;
	/* Clear the pid first so nobody names a process that let go. */
	put_text(l->fd, LOCK_MARK ", free\n");
	close(l->fd);
	l->fd = -1;
}
