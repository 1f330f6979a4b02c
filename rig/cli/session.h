/* session.h - what a command needs to reach a bench: the fixture, the clock,
 * the hal and, when the fixture has a [sim] section, the in-process virtual
 * bench.
 *
 * The clock is virtual when every serial port of the fixture is `sim:` (the
 * whole bench is in-process, so runs take no wall time) and real otherwise
 * (e.g. pty: ports to `rig sim`). A session owns all of it; session_close()
 * releases it. Operator steps (remove the pen, place a mass) are done by
 * the virtual bench itself, or asked of a person on a real bench.
 */
#ifndef RIG_CLI_SESSION_H
#define RIG_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/fixture.h"
#include "core/fsops.h"
#include "hal/hal.h"
#include "sim/bench.h"

struct rig_session {
	struct fixture fx;
	struct rig_vclock vclock;
	struct rig_hal hal;
	struct sim_bench *bench; /* NULL without a [sim] section */
	struct rig_fsops report_fs; /* the report folder's file system (POSIX, or the
				     * virtual bench's faulty disk: sim/fsfault.h) */
	bool assume_yes;         /* operator prompts answered yes (--yes) */
};

/* The fixture used when --fixture is not given: $RIG_FIXTURE, else
 * fixtures/sim.ini when it exists (a source tree), else the bench's own
 * SYSCONFDIR/rig/fixtures/default.ini, else the installed virtual bench
 * SYSCONFDIR/rig/fixtures/sim.ini. */
const char *session_default_fixture(void);
/* The profile used when --profile is not given: $RIG_PROFILE, else
 * profiles/production-p25.ini when it exists, else
 * SYSCONFDIR/rig/profiles/default.ini, else the installed
 * SYSCONFDIR/rig/profiles/production-p25.ini. */
const char *session_default_profile(void);

/* Load the fixture, pick the clock, build the virtual bench with the
 * fixture's [sim] entries and then the "key=value" overrides. */
enum rig_rc session_open(struct rig_session *s, const char *fixture_path,
			 char *const *sim_overrides, size_t noverrides,
			 struct rig_err *err);

enum session_flags {
	SESSION_REAL_CLOCK = 1 << 0, /* real time even for an all-sim bench */
	SESSION_NEED_SIM = 1 << 1,   /* fail unless the fixture has a [sim] */
};
enum rig_rc session_open_flags(struct rig_session *s, const char *fixture_path,
			       char *const *sim_overrides, size_t noverrides,
			       unsigned flags, struct rig_err *err);
void session_close(struct rig_session *s);

enum operator_step {
	OPERATOR_REMOVE_LOAD,   /* nothing on the load cell */
	OPERATOR_PLACE_MASS,    /* reference mass of `value` grams on the cell */
	OPERATOR_PLACE_FLAT,    /* flat reference at the contact plane */
	OPERATOR_RESTORE_PEN,   /* pen back in the fixture, against the pad */
};

/* Have the operator do a step: the virtual bench does it; a person is told
 * and must press Enter (or --yes). RIG_E_ABORTED if they decline. */
enum rig_rc session_operator(struct rig_session *s, enum operator_step step,
			     double value, struct rig_err *err);

#endif
