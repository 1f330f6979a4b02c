/* runrig.c - run the built binary: $RIG_BIN (set by make check), run
 * through $RIG_RUNNER (qemu for cross builds). */
#include "runrig.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

struct rig_result run_rig(const char *args)
{
	struct rig_result r = { .exit_code = -1 };
	const char *bin = getenv("RIG_BIN");
	const char *runner = getenv("RIG_RUNNER");
	char *dir = tu_tmpdir();
	char *cmd = NULL;
	if (!dir)
		return r;
	if (asprintf(&cmd, "%s %s %s </dev/null >%s/out 2>%s/err", runner ? runner : "",
		     bin ? bin : SRCDIR "/build/rig", args, dir, dir) < 0) {
		free(dir);
		return r;
	}
	int st = system(cmd);
	if (st != -1 && WIFEXITED(st))
		r.exit_code = WEXITSTATUS(st);
	char *p = NULL;
	if (asprintf(&p, "%s/out", dir) >= 0) {
		r.out = tu_read(p);
		free(p);
	}
	if (asprintf(&p, "%s/err", dir) >= 0) {
		r.err = tu_read(p);
		free(p);
	}
	tu_rmtree(dir);
	free(dir);
	free(cmd);
	return r;
}

void rig_result_free(struct rig_result *r)
{
	free(r->out);
	free(r->err);
}
