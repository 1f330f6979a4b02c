/* sockets.h - the station on a bench with several sockets (core/fixture.h):
 * each socket starts when its pen is scanned and runs in a process of its
 * own (as `rig run` of several sockets does, rig/cli/run_sockets.c), while
 * the operator scans the next; the screen shows every socket's state and
 * verdict side by side (sockets_screen.h). This process holds the shared
 * e-stop and lid for the whole shift (bench/shared.h) and counts every
 * socket's runs into the one shift (shift.h).
 *
 * station.c calls it after sign-in; the caller owns everything in the
 * context and keeps the terminal open.
 */
#ifndef RIG_STATION_SOCKETS_H
#define RIG_STATION_SOCKETS_H

#include <signal.h>

#include "core/fixture.h"
#include "station/screen.h"
#include "station/shift.h"
#include "station/station.h"
#include "station/term.h"

struct station_sockets {
	const struct station_options *o;
	const struct fixture *fx;          /* the first socket's view: nsockets, sockets[] */
	struct term *t;
	struct screen_state *hdr;          /* the header's fields */
	struct station_shift *shift;
	struct shift_log *log;
	const char *operator_name;
	const char *records_note;
	const struct profile *prof;        /* a scan must fit its serial_pattern */
	volatile sig_atomic_t *signal;     /* SIGTERM, SIGHUP: end the shift */
	/* Ctrl-O while no socket tests: the change of operator on the
	 * station's own screens; false when the shift ends instead, and what
	 * to say next in message. */
	bool (*hand_over)(void *ctx, char *message, size_t cap);
	void *hand_over_ctx;
	char error[RIG_ERR_MSG_MAX];       /* why the shift could not start */
};

/* The shift until the operator ends it (Ctrl-D or Ctrl-C, then y), the
 * terminal hangs up or a signal comes; runs still going are stopped (each
 * ABORTED, its pen off) and waited for. Returns 0, or the exit code when
 * the bench's shared inputs could not be opened (c->error says why). */
int station_sockets_shift(struct station_sockets *c);

#endif
