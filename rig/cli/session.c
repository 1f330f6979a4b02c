/* session.c - fixture, clock, hal and virtual bench for one command. */
#include "cli/session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/version.h"
#include "sim/fsfault.h"

/* The first that exists of: a source tree's file, the bench's configured
 * default under sysconfdir, the installed copy of the source tree's file.
 * The returned path lives in buf (or is a literal). */
static const char *first_existing(const char *env_name, const char *local,
				  const char *configured, const char *installed, char *buf,
				  size_t cap)
{
	const char *env = getenv(env_name);
	if (env && *env)
		return env;
	if (access(local, F_OK) == 0)
		return local;
	snprintf(buf, cap, "%s/%s", rig_sysconfdir, configured);
	if (access(buf, F_OK) == 0)
		return buf;
	snprintf(buf, cap, "%s/%s", rig_sysconfdir, installed);
	if (access(buf, F_OK) == 0)
		return buf;
	return local; /* not found: the error names the usual place */
}

const char *session_default_fixture(void)
{
	static char buf[PATH_MAX]; /* a cache of a constant lookup, not state */
	return first_existing("RIG_FIXTURE", "fixtures/sim.ini", "fixtures/default.ini",
			      "fixtures/sim.ini", buf, sizeof buf);
}

const char *session_default_profile(void)
{
	static char buf[PATH_MAX]; /* as above */
	return first_existing("RIG_PROFILE", "profiles/production-p25.ini",
			      "profiles/default.ini", "profiles/production-p25.ini", buf,
			      sizeof buf);
}

enum rig_rc session_open(struct rig_session *s, const char *fixture_path,
			 char *const *sim_overrides, size_t noverrides,
			 struct rig_err *err)
{
	return session_open_flags(s, fixture_path, sim_overrides, noverrides, 0, err);
}

enum rig_rc session_open_flags(struct rig_session *s, const char *fixture_path,
			       char *const *sim_overrides, size_t noverrides,
			       unsigned flags, struct rig_err *err)
{
	memset(s, 0, sizeof *s);
	struct sim_param *params = NULL;
	enum rig_rc rc = fixture_load(&s->fx, fixture_path ? fixture_path
							   : session_default_fixture(), err);
	if (rc)
		return rc;
	struct fixture *f = &s->fx;
	bool all_sim = fixture_is_sim(f->pen.port) && fixture_is_sim(f->laser.port);
	bool any_sim = fixture_is_sim(f->pen.port) || fixture_is_sim(f->laser.port) ||
		       fixture_is_sim(f->loadcell.chip) || fixture_is_sim(f->io.chip);
	if (any_sim && !f->has_sim) {
		rc = rig_fail(err, RIG_E_CONFIG,
			      "%s: names sim: ports or chips but has no [sim] section for the virtual bench",
			      f->path);
		goto fail;
	}
	if ((flags & SESSION_NEED_SIM) && !f->has_sim) {
		rc = rig_fail(err, RIG_E_CONFIG, "%s: has no [sim] section: no virtual bench to run",
			      f->path);
		goto fail;
	}
	if (noverrides && !f->has_sim) {
		rc = rig_fail(err, RIG_E_USAGE,
			      "--sim given, but %s is a real bench (no [sim] section)", f->path);
		goto fail;
	}
	/* The whole bench in-process: time is ours to jump. Anything real on
	 * the other end of a port runs in real time. */
	if (all_sim && !(flags & SESSION_REAL_CLOCK)) {
		vclock_init(&s->vclock, RIG_NS_PER_S);
		s->hal.clock = &s->vclock.base;
	} else {
		s->hal.clock = clock_real();
	}
	if (f->has_sim) {
		size_t n = f->nsim + noverrides;
		params = calloc(n ? n : 1, sizeof *params);
		if (!params) {
			rc = rig_fail(err, RIG_E_NOMEM, "out of memory");
			goto fail;
		}
		if (f->nsim)
			memcpy(params, f->sim, f->nsim * sizeof *params);
		for (size_t i = 0; i < noverrides; i++)
			if ((rc = sim_param_parse(&params[f->nsim + i], sim_overrides[i], err)))
				goto fail;
		if ((rc = sim_bench_create(&s->bench, &s->hal, params, n, err)))
			goto fail;
	}
	s->report_fs = rig_fsops_posix;
	if (s->bench)
		sim_fsfault_ops(&s->report_fs, s->bench);
	free(params);
	return RIG_OK;
fail:
	free(params);
	fixture_free(&s->fx);
	return rc;
}

void session_close(struct rig_session *s)
{
	sim_bench_destroy(s->bench);
	s->bench = NULL;
	fixture_free(&s->fx);
}

static const char *step_text(enum operator_step step, double value, char *buf, size_t cap)
{
	switch (step) {
	case OPERATOR_REMOVE_LOAD:
		return "Take the pen out of the fixture so that nothing touches the load cell.";
	case OPERATOR_PLACE_MASS:
		snprintf(buf, cap, "Place the %.1f g reference mass on the load cell.", value);
		return buf;
	case OPERATOR_PLACE_FLAT:
		return "Put the flat reference at the contact plane, in the laser's view.";
	case OPERATOR_RESTORE_PEN:
		return "Put the pen back into the fixture, against the pad.";
	}
	return "?";
}

enum rig_rc session_operator(struct rig_session *s, enum operator_step step,
			     double value, struct rig_err *err)
{
	if (s->bench) {
		switch (step) {
		case OPERATOR_REMOVE_LOAD:
			sim_bench_set_load(s->bench, SIM_LOAD_NONE, 0);
			break;
		case OPERATOR_PLACE_MASS:
			sim_bench_set_load(s->bench, SIM_LOAD_MASS, value);
			break;
		case OPERATOR_PLACE_FLAT:
			sim_bench_set_target(s->bench, SIM_TARGET_FLAT);
			break;
		case OPERATOR_RESTORE_PEN:
			sim_bench_set_target(s->bench, SIM_TARGET_PEN);
			sim_bench_set_load(s->bench, SIM_LOAD_PEN, 0);
			break;
		}
		return RIG_OK;
	}
	char buf[128];
	const char *text = step_text(step, value, buf, sizeof buf);
	if (s->assume_yes) {
		fprintf(stderr, "operator: %s (--yes: assumed done)\n", text);
		return RIG_OK;
	}
	if (!isatty(STDIN_FILENO))
		return rig_fail(err, RIG_E_USAGE,
				"this step needs an operator (%s): run it on a terminal or pass --yes",
				text);
	fprintf(stderr, "operator: %s\nPress Enter when done, or q and Enter to stop: ", text);
	fflush(stderr);
	char line[64];
	if (!fgets(line, sizeof line, stdin) || line[0] == 'q' || line[0] == 'Q')
		return rig_fail(err, RIG_E_ABORTED, "stopped by the operator");
	return RIG_OK;
}
