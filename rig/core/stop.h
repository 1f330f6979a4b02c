/* stop.h - the signals that end a command the way an e-stop does.
 *
 * SIGINT (Ctrl-C), SIGTERM (a cancelled CI job, systemd stop), SIGHUP (a
 * closed terminal), SIGQUIT and SIGPIPE (a reader of stdout that went
 * away: `rig run | head -1`) do not kill a command that powers or moves
 * the pen: rig_stop_install() makes them set a flag that the bench's
 * safety check turns into RIG_E_ABORTED "stopped by SIGTERM", and the
 * command ends as after an e-stop (motor off, pen power off, lamps, an
 * ABORTED report, exit 2). A second signal changes nothing: teardown goes
 * on. Teardown is bounded: RIG_STOP_TEARDOWN_S after the first signal the
 * process exits 2 whatever it was doing.
 *
 * The flag is the one piece of process-wide state in the rig: a signal
 * handler can reach nothing else.
 */
#ifndef RIG_CORE_STOP_H
#define RIG_CORE_STOP_H

#include "core/err.h"

#define RIG_STOP_TEARDOWN_S 30

/* Catch the signals above (until the process ends). */
void rig_stop_install(void);
/* The first stop signal received, or 0. */
int rig_stop_signal(void);
/* "SIGTERM", "SIGINT" ... for a signal number ("signal N" otherwise). */
const char *rig_stop_name(int sig);
/* RIG_OK, or RIG_E_ABORTED "stopped by SIGTERM" when a stop signal came. */
enum rig_rc rig_stop_check(struct rig_err *err);

#endif
