/* shared.h - the inputs every socket of a bench shares (e-stop and lid),
 * held by one process and published to the processes that test the
 * sockets (core/fixture.h: sockets; dev/io/io.h: struct bench_io_shared).
 *
 * bench_shared_open() assembles the bench as bench_open() does (on the
 * real clock: the owner watches the inputs in real time, whatever clock
 * each socket runs on), takes the lock of the shared lines ([bench] lock
 * as written; each socket has its own, LOCK.S), requests the e-stop and
 * lid lines and maps the memory the sockets' processes will read them
 * from. The caller then forks them, calls bench_shared_poll() at least
 * every few milliseconds while they run, and bench_shared_close() when all
 * have ended (the readers see "no longer watched" if any is left). The
 * caller owns struct bench_shared; bench_shared_close() releases all of
 * it, also after a failed open.
 */
#ifndef RIG_BENCH_SHARED_H
#define RIG_BENCH_SHARED_H

#include "bench/bench.h"

struct bench_shared {
	struct bench b;                /* the first socket's view: fixture, clock, [sim] */
	struct bench_lock lock;        /* the shared lines' lock */
	struct bench_io *io;           /* e-stop and lid lines only */
	struct bench_io_shared *sh;    /* MAP_SHARED; what the sockets read */
	bool opened;
};

/* o->flags gains BENCH_REAL_CLOCK. Errors: those of bench_open(), the
 * lock's (RIG_E_BUSY ...), the lines' (named). */
enum rig_rc bench_shared_open(struct bench_shared *s, const struct bench_options *o,
			      unsigned wait_lock_s, struct rig_err *err);
/* Read the e-stop and lid and publish them. On an error the readers are
 * told the inputs are no longer watched (they abort). */
enum rig_rc bench_shared_poll(struct bench_shared *s, struct rig_err *err);
/* In a forked child: drop the child's copies of what the parent holds
 * (the lock's descriptor), leaving the parent's hold intact. */
void bench_shared_forget(struct bench_shared *s);
/* Tell the readers nobody watches any more, release the lines, the lock,
 * the memory and the bench. Idempotent. */
void bench_shared_close(struct bench_shared *s);

#endif
