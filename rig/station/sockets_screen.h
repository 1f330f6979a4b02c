/* sockets_screen.h - the station's screen for a bench with several
 * sockets: the header, then one column per socket side by side (its
 * serial, its state: waiting for a pen, testing with the phase and a
 * progress bar, or the verdict in block letters as wide as the column
 * allows, with its reasons), then the scan line for the socket the next
 * scan goes to, a message and the keys.
 *
 * Pure drawing, as screen.h: plain ANSI to a FILE; the caller owns the
 * state and everything it points to.
 */
#ifndef RIG_STATION_SOCKETS_SCREEN_H
#define RIG_STATION_SOCKETS_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

#include "station/screen.h"

enum socket_state {
	SOCKET_IDLE,     /* no pen tested yet: waiting for a scan */
	SOCKET_RUNNING,
	SOCKET_DONE,     /* the last verdict stays until the next scan */
};

struct socket_view {
	const char *name;           /* "A" */
	enum socket_state state;
	unsigned unit;              /* the unit's number in the shift */
	const char *serial;
	const char *phase;          /* SOCKET_RUNNING */
	unsigned step, nsteps;
	const char *detail;
	const struct run_result *res; /* SOCKET_DONE; reported false: no test ran */
	const char *error_text;     /* why no test ran */
	bool target;                /* the next scan goes here */
};

struct sockets_screen {
	const struct screen_state *hdr; /* cols, rows, color and the header's fields */
	const struct socket_view *v;
	unsigned n;
	const char *input;          /* the serial being typed */
	const char *message;        /* may be NULL */
	bool asking;                /* "End the shift?" is on screen */
};

void sockets_screen_draw(FILE *out, const struct sockets_screen *s);

#endif
