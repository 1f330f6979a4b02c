/* term.c - raw keys and window size on a POSIX terminal. */
#include "station/term.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ESC_SEQ_GAP_MS 30 /* bytes of one escape sequence arrive together */

enum rig_rc term_open(struct term *t, int in_fd, int out_fd, struct rig_err *err)
{
	memset(t, 0, sizeof *t);
	t->in_fd = in_fd;
	t->out_fd = out_fd;
	if (!isatty(in_fd) || !isatty(out_fd))
		return rig_fail(err, RIG_E_USAGE,
				"needs a terminal on stdin and stdout: the station is a screen and "
				"keyboard for an operator (for scripts and CI use `rig run`)");
	if (tcgetattr(in_fd, &t->saved))
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot read the terminal's settings");
	int fd = dup(out_fd);
	if (fd < 0 || !(t->out = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write to the terminal");
	}
	struct termios raw = t->saved;
	/* No echo, no line editing, no signals from keys (Ctrl-C is a key the
	 * station handles), no CR/LF translation on input. Output processing
	 * stays on. */
	raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR | IGNCR | ISTRIP);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in_fd, TCSAFLUSH, &raw)) {
		fclose(t->out);
		t->out = NULL;
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot set the terminal to raw mode");
	}
	t->raw = true;
	/* Alternate screen, cursor hidden. */
	fputs("\033[?1049h\033[?25l\033[H\033[2J", t->out);
	fflush(t->out);
	return RIG_OK;
}

void term_close(struct term *t)
{
	if (t->out) {
		fputs("\033[0m\033[?25h\033[?1049l", t->out);
		fclose(t->out);
		t->out = NULL;
	}
	if (t->raw)
		tcsetattr(t->in_fd, TCSAFLUSH, &t->saved);
	t->raw = false;
}

static int read_byte(struct term *t, int timeout_ms)
{
	struct pollfd p = { .fd = t->in_fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return TERM_KEY_NONE; /* EINTR: the caller looks at its signals */
	if (n == 0)
		return TERM_KEY_NONE;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL) && !(p.revents & POLLIN))
		return TERM_KEY_EOF;
	unsigned char c;
	ssize_t got = read(t->in_fd, &c, 1);
	if (got == 1)
		return c;
	if (got == 0 || (errno != EINTR && errno != EAGAIN))
		return TERM_KEY_EOF;
	return TERM_KEY_NONE;
}

int term_key(struct term *t, int timeout_ms)
{
	int c = read_byte(t, timeout_ms);
	if (c == '\n' || c == '\r')
		return TERM_KEY_ENTER;
	if (c == '\b')
		return TERM_KEY_BACKSPACE;
	if (c == TERM_KEY_ESC) {
		int next = read_byte(t, ESC_SEQ_GAP_MS);
		if (next == TERM_KEY_NONE || next == TERM_KEY_EOF)
			return TERM_KEY_ESC;
		/* CSI or SS3: swallow up to the final byte (0x40..0x7e). */
		if (next == '[' || next == 'O') {
			for (int i = 0; i < 16; i++) {
				int b = read_byte(t, ESC_SEQ_GAP_MS);
				if (b < 0 || (b >= 0x40 && b <= 0x7e))
					break;
			}
		}
		return TERM_KEY_NONE;
	}
	return c;
}

void term_discard_input(struct term *t)
{
	tcflush(t->in_fd, TCIFLUSH);
}

void term_size(const struct term *t, int *cols, int *rows)
{
	struct winsize ws;
	*cols = 80;
	*rows = 24;
	if (ioctl(t->out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 && ws.ws_row >= 8) {
		*cols = ws.ws_col > 400 ? 400 : ws.ws_col;
		*rows = ws.ws_row > 200 ? 200 : ws.ws_row;
	}
}
