/* lock.h - the bench lock: one run per bench at a time, across processes.
 *
 * flock(2) on the fixture's lock file (created if missing). The holder
 * writes "rig bench lock, held by pid N" into the file so a refused caller
 * can say who has the bench ("rig bench lock, free" once released). The
 * lock goes when the holder closes it, exits or dies. A lock path that is
 * not a plain file, or holds anything but a rig lock (that text, nothing,
 * or an older rig's lone pid line), is refused (RIG_E_CONFIG) and left
 * untouched. The caller owns struct bench_lock; bench_lock_release()
 * closes it.
 */
#ifndef RIG_BENCH_LOCK_H
#define RIG_BENCH_LOCK_H

#include <limits.h>

#include "core/err.h"

struct bench_lock {
	int fd;                      /* -1 when not held */
	char path[PATH_MAX];
};

/* Take the lock at path for the bench named station. wait_s = 0: try once
 * and fail fast; otherwise retry every 100 ms (real time: this waits for
 * other processes) for up to wait_s seconds. RIG_E_BUSY: "bench STATION is
 * in use by pid N (lock PATH)"; RIG_E_CONFIG if path is a link, a folder,
 * a device or holds what is not a rig lock; RIG_E_IO if the file cannot be
 * opened. */
enum rig_rc bench_lock_acquire(struct bench_lock *l, const char *path, const char *station,
			       unsigned wait_s, struct rig_err *err);

/* The same, telling `tell` (when not NULL) that it waits for a busy bench:
 * at once, then at least every 5 s ("bench S is in use by pid N (lock P);
 * waiting up to W s, 5 s so far"). A stop signal (core/stop.h) ends the
 * wait with RIG_E_ABORTED. */
enum rig_rc bench_lock_acquire_told(struct bench_lock *l, const char *path, const char *station,
				    unsigned wait_s, void (*tell)(void *ctx, const char *text),
				    void *ctx, struct rig_err *err);

/* Release (idempotent; also safe on a lock never acquired if fd = -1). */
void bench_lock_release(struct bench_lock *l);

#endif
