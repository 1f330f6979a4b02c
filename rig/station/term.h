/* term.h - the operator's terminal in raw mode: one key at a time with a
 * timeout, the window's size, and the terminal given back as it was.
 *
 * A barcode scanner is a keyboard: it types the code and Enter. The caller
 * owns the struct; term_close() restores the saved settings and screen.
 */
#ifndef RIG_STATION_TERM_H
#define RIG_STATION_TERM_H

#include <stdbool.h>
#include <stdio.h>
#include <termios.h>

#include "core/err.h"

enum term_key {
	TERM_KEY_NONE = -1,   /* timeout */
	TERM_KEY_ENTER = '\r',
	TERM_KEY_BACKSPACE = 0x7f,
	TERM_KEY_ESC = 0x1b,
	TERM_KEY_CTRL_C = 0x03,
	TERM_KEY_CTRL_D = 0x04,
	TERM_KEY_CTRL_L = 0x0c,
	TERM_KEY_CTRL_O = 0x0f,
	TERM_KEY_CTRL_R = 0x12,
	TERM_KEY_CTRL_U = 0x15,
	TERM_KEY_EOF = -2,    /* the terminal went away (hang-up) */
};

struct term {
	int in_fd, out_fd;
	FILE *out;             /* buffered writer on out_fd */
	struct termios saved;
	bool raw;
};

/* RIG_E_USAGE unless both fds are terminals: the station is for a person. */
enum rig_rc term_open(struct term *t, int in_fd, int out_fd, struct rig_err *err);
void term_close(struct term *t);

/* Wait up to timeout_ms (0: just look) for a key: a byte, or one of enum
 * term_key. Enter is TERM_KEY_ENTER whether the terminal sends CR or LF;
 * Backspace is TERM_KEY_BACKSPACE for DEL and ^H; escape sequences
 * (arrows, function keys) are swallowed. EINTR returns TERM_KEY_NONE. */
int term_key(struct term *t, int timeout_ms);

/* Drop keys typed while the station was busy (during a run). */
void term_discard_input(struct term *t);

/* Window size; 80 x 24 when the terminal does not say. */
void term_size(const struct term *t, int *cols, int *rows);

#endif
