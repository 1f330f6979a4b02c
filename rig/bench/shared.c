/* shared.c - the e-stop and lid of a bench with several sockets, watched
 * by one process for all of them (shared.h). */
#include "bench/shared.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum rig_rc bench_shared_open(struct bench_shared *s, const struct bench_options *o,
			      unsigned wait_lock_s, struct rig_err *err)
{
	memset(s, 0, sizeof *s);
	s->lock.fd = -1;
	s->opened = true;
	struct bench_options bo = *o;
	bo.flags |= BENCH_REAL_CLOCK | BENCH_SHARED_VIEW;
	bo.shared_io = NULL;
	enum rig_rc rc = bench_open(&s->b, &bo, err);
	if (rc)
		return rc;
	const struct fixture *f = &s->b.fx;
	if ((rc = bench_lock_acquire_told(&s->lock, f->shared_lock, f->shared_station,
					  wait_lock_s, s->b.notice, s->b.notice_ctx, err)))
		return rc;
	void *m = mmap(NULL, sizeof *s->sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	if (m == MAP_FAILED)
		return rig_fail_errno(err, RIG_E_NOMEM, errno, "shared memory for the sockets");
	s->sh = m;
	if ((rc = bench_io_open_part(&s->io, &f->io, &s->b.hal, BENCH_IO_SHARED, NULL, err)))
		return rc;
	return bench_shared_poll(s, err);
}

enum rig_rc bench_shared_poll(struct bench_shared *s, struct rig_err *err)
{
	enum rig_rc rc = bench_io_publish(s->io, s->sh, err);
	if (rc)
		s->sh->gone = 1;
	return rc;
}

void bench_shared_close(struct bench_shared *s)
{
	if (!s->opened)
		return;
	if (s->sh) {
		s->sh->gone = 1;
		munmap(s->sh, sizeof *s->sh);
		s->sh = NULL;
	}
	bench_io_close(s->io);
	s->io = NULL;
	bench_lock_release(&s->lock);
	bench_close(&s->b);
	s->opened = false;
}

void bench_shared_forget(struct bench_shared *s)
{
	/* The child's copy of the lock's descriptor; the parent still holds it. */
	if (s->lock.fd >= 0)
		close(s->lock.fd);
	s->lock.fd = -1;
}
