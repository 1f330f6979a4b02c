/* runbench.h - a whole `rig run` in this process, as the command does it
 * (rig/cli: cli_run_open, run_execute, bench_close, cli_run_exit_code),
 * with a look at the bench before it closes: for tests of runs on the
 * virtual bench. The caller owns the struct. */
#ifndef RIG_TESTS_RUNBENCH_H
#define RIG_TESTS_RUNBENCH_H

#include <stddef.h>

#include "bench/bench.h"
#include "run/run.h"

struct run_bench {
	const char *fixture;               /* NULL: the default fixture */
	const char *profile;
	char *const *sims;                 /* --sim */
	size_t nsims;
	struct run_options o;              /* o.observer may be set */
	/* The bench while it is open (for observers that look at the
	 * virtual bench, b->sim); NULL before and after. */
	struct bench *bench;
	/* Called after the run, with the bench still open: its final state. */
	void (*after)(void *ctx, struct bench *b);
	void *ctx;
};

/* Returns the exit code `rig run` would. */
int run_bench(struct run_bench *t, struct run_result *res);

#endif
