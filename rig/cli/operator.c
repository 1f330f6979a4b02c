/* operator.c - the operator of a real bench: a person at the terminal who
 * is told each step and presses Enter when it is done (core/operator.h). */
#include "cli/cli.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "core/stop.h"

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
	case OPERATOR_SEAT_PART:
		snprintf(buf, cap, "Seat part %.0f of the study in the fixture and close the lid.",
			 value);
		return buf;
	case OPERATOR_HAND_OVER:
		snprintf(buf, cap, "Operator %.0f of the study takes over the bench now.", value);
		return buf;
	case OPERATOR_SET_PRELOAD:
		snprintf(buf, cap, "Adjust the fixture so that the pen presses on the pad with "
			 "%.2f N.", value);
		return buf;
	}
	return "?";
}

static enum rig_rc terminal_step(void *ctx, enum operator_step step, double value,
				 struct rig_err *err)
{
	const struct cli_operator *op = ctx;
	char buf[128];
	const char *text = step_text(step, value, buf, sizeof buf);
	if (op->assume_yes) {
		fprintf(stderr, "operator: %s (--yes: assumed done)\n", text);
		return RIG_OK;
	}
	if (!isatty(STDIN_FILENO))
		return rig_fail(err, RIG_E_USAGE,
				"this step needs an operator (%s): run it on a terminal or pass --yes",
				text);
	fprintf(stderr, "operator: %s\nPress Enter when done, or q and Enter to stop: ", text);
	fflush(stderr);
	/* Wait for the line, looking for a stop signal (Ctrl-C at the prompt)
	 * every 100 ms: the read itself restarts after a signal. */
	for (;;) {
		enum rig_rc rc = rig_stop_check(err);
		if (rc) {
			fputc('\n', stderr);
			return rc;
		}
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&p, 1, 100);
		if (n > 0 || (n < 0 && errno != EINTR))
			break;
	}
	char line[64];
	if (!fgets(line, sizeof line, stdin) || line[0] == 'q' || line[0] == 'Q')
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_STOPPED, "stopped by the operator");
	return RIG_OK;
}

const struct operator_ops cli_operator_ops = { .step = terminal_step };
