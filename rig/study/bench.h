/* bench.h - what the characterisation commands (sweep, grr) share around
 * their points: session, bench lock, devices, the pen identified, and the
 * bench left safe at the end (motor off, pen power off, lock released).
 * Unlike a run there is no judgement and nothing is written to the pen.
 *
 * The caller owns struct study_bench; study_bench_close() releases all of
 * it and is safe after a failed or partial open.
 */
#ifndef RIG_STUDY_BENCH_H
#define RIG_STUDY_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/session.h"
#include "run/devices.h"
#include "run/lock.h"
#include "run/point.h"

struct study_bench {
	struct rig_session s;
	bool have_session;
	struct bench_lock lock;
	struct bench_devices d;
	struct pen_identity id;
	bool motor_on;
	struct point_bench pb;     /* ready for point_measure() after open */
};

/* Open the session, take the bench lock (waiting up to wait_lock_s), open
 * every device (safety checked, pen powered and booted) and identify the
 * pen. Errors as for rig run: RIG_E_BUSY when another run holds the lock,
 * RIG_E_CONFIG for the fixture, device errors naming the device. */
enum rig_rc study_bench_open(struct study_bench *b, const char *fixture_path,
			     char *const *sims, size_t nsims, unsigned wait_lock_s,
			     struct rig_err *err);
/* Bench seconds since the bench was opened. */
double study_bench_time_s(const struct study_bench *b, uint64_t t0_ns);
void study_bench_close(struct study_bench *b, bool aborted);

#endif
