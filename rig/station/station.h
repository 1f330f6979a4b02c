/* station.h - production station mode: an operator signs in once, then
 * for every unit scans the serial, starts the test (Enter or the fixture's
 * START button), watches it, and reads PASS / FAIL / ABORTED from across
 * the room; lamps and buzzer follow.
 *
 * Every unit is one run_execute() on a bench opened for it, exactly as
 * `rig run`: the run opens and closes the devices itself. Between runs the station opens only the
 * fixture's safety I/O, and only on the ready screen (to watch START) and
 * after a run (verdict lamps, beeps); it releases it before the next run. The caller owns the options
 * and the shift tally.
 */
#ifndef RIG_STATION_STATION_H
#define RIG_STATION_STATION_H

#include <stddef.h>

#include "run/run.h"
#include "station/plan.h"
#include "station/screen.h"

struct station_options {
	const char *fixture_path;  /* NULL: rig_default_fixture() */
	const char *profile_path;  /* required */
	const char *operator_name; /* NULL or "": the operator signs in */
	const char *out_dir;       /* NULL: reports/ */
	enum run_mode mode;
	char *const *sims;         /* --sim for every unit */
	size_t nsims;
	const struct station_plan *plan; /* per-unit --sim; may be NULL */
	unsigned max_units;        /* end the shift after this many (0: no limit) */
	bool rehearsal;            /* the virtual bench in real time, for training */
	int in_fd, out_fd;         /* the terminal */
	/* The exit code of a run, for the result screen when there is no
	 * report (the front end's policy, rig/cli/exit.c). */
	int (*exit_code)(const struct run_result *res);
};

/* Run a shift until the operator ends it (Ctrl-D or Ctrl-C at the serial
 * prompt), the terminal hangs up, SIGTERM/SIGHUP arrives, or max_units
 * units were run. Returns an exit code: 0 after a normal end of shift,
 * 64 without a terminal, 65 bad profile, 78 bad fixture; *shift has the
 * tally. Messages for a person go to stderr. */
int station_run(const struct station_options *o, struct station_shift *shift);

/* The buzzer's pattern for a verdict: alternating on and off times in ms,
 * starting with on, ending with a 0. PASS one short beep, FAIL three long,
 * ABORTED five short; ERROR (no report) as ABORTED. */
const unsigned *station_beep_pattern(const struct run_result *res);

/* Sign-in and sign-out on the record (signin.c, docs/records.md). With
 * [access] in fx, id and pin are checked (role operator; engineer when
 * the shift's profile prof was edited since its first use in out_dir's
 * ledger); either way an operator.signed-in entry goes into the ledger of
 * out_dir (NULL: reports) and note gets the reports' access line. false
 * after a refusal, its reason in message; pin is wiped.
 * station_sign_out() writes operator.signed-out for a signed-in id
 * (nothing for ""). */
struct fixture;
struct profile;
bool station_sign_in(const struct fixture *fx, const struct profile *prof, const char *out_dir,
		     const char *id, char *pin, char *note, size_t note_cap, char *message,
		     size_t message_cap);
void station_sign_out(const struct fixture *fx, const char *out_dir, const char *id);
/* With [access]: a unit's profile (now, read again for each unit) must be
 * the one the shift signed in with; RIG_E_DENIED otherwise. */
enum rig_rc station_same_profile(const struct fixture *fx, const struct profile *signed_in,
				 const struct profile *now, struct rig_err *err);

#endif
