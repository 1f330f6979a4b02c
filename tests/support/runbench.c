/* runbench.c - a whole `rig run` in this process. */
#include "support/runbench.h"

#include <string.h>

#include "cli/cli.h"

int run_bench(struct run_bench *t, struct run_result *res)
{
	struct cli_ctx cx = { .fixture_path = t->fixture, .nsims = t->nsims };
	for (size_t i = 0; i < t->nsims && i < CLI_MAX_SIM; i++)
		cx.sims[i] = t->sims[i];
	struct profile prof;
	struct bench b;
	memset(res, 0, sizeof *res);
	int code = cli_run_open(&cx, t->profile, &t->o, &prof, &b);
	if (!code) {
		t->bench = &b;
		run_execute(&b, &prof, &t->o, res);
		if (t->after)
			t->after(t->ctx, &b);
		code = cli_run_exit_code(res);
	}
	t->bench = NULL;
	bench_close(&b);
	return code;
}
