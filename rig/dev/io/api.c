/* api.c - safety and operator I/O over the GPIO interface. */
#include "dev/io/io.h"

#include <stdlib.h>

#include "hal/gpio.h"

struct bench_io {
	struct gpio_chip *chip;
	struct gpio_line *estop, *lid, *start;
	struct gpio_line *relay, *green, *amber, *red, *buzzer;
	bool powered;
};

static enum rig_rc req(struct bench_io *io, const char *line, enum gpio_dir dir,
		       unsigned flags, const char *what, struct gpio_line **out,
		       struct rig_err *err)
{
	enum rig_rc rc = gpio_request(io->chip, line, dir, flags, 0, "rig", out, err);
	if (rc)
		rig_err_prefix(err, "%s line: ", what);
	return rc;
}

enum rig_rc bench_io_open(struct bench_io **out, const struct fixture_io *fx,
			  struct rig_hal *hal, struct rig_err *err)
{
	*out = NULL;
	struct bench_io *io = calloc(1, sizeof *io);
	if (!io)
		return rig_fail(err, RIG_E_NOMEM, "bench I/O: out of memory");
	enum rig_rc rc = gpio_open_chip(&io->chip, fx->chip, hal, err);
	if (rc)
		goto fail;
	const unsigned in = GPIO_F_PULL_UP | GPIO_F_EDGES;
	if ((rc = req(io, fx->estop_line, GPIO_INPUT, in, "e-stop", &io->estop, err)) ||
	    (rc = req(io, fx->lid_line, GPIO_INPUT, in, "lid", &io->lid, err)) ||
	    (rc = req(io, fx->relay_line, GPIO_OUTPUT, 0, "relay", &io->relay, err)) ||
	    (rc = req(io, fx->lamp_green_line, GPIO_OUTPUT, 0, "green lamp", &io->green, err)) ||
	    (rc = req(io, fx->lamp_amber_line, GPIO_OUTPUT, 0, "amber lamp", &io->amber, err)) ||
	    (rc = req(io, fx->lamp_red_line, GPIO_OUTPUT, 0, "red lamp", &io->red, err)))
		goto fail;
	if (fx->start_line[0] &&
	    (rc = req(io, fx->start_line, GPIO_INPUT, in, "start button", &io->start, err)))
		goto fail;
	if (fx->buzzer_line[0] &&
	    (rc = req(io, fx->buzzer_line, GPIO_OUTPUT, 0, "buzzer", &io->buzzer, err)))
		goto fail;
	*out = io;
	return RIG_OK;
fail:
	bench_io_close(io);
	return rc;
}

void bench_io_close(struct bench_io *io)
{
	if (!io)
		return;
	if (io->relay)
		gpio_set(io->relay, 0, NULL);
	struct gpio_line *lines[] = { io->estop, io->lid, io->start, io->relay,
				      io->green, io->amber, io->red, io->buzzer };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		gpio_release(lines[i]);
	gpio_close_chip(io->chip);
	free(io);
}

enum rig_rc bench_io_safety(struct bench_io *io, struct bench_safety *s,
			    struct rig_err *err)
{
	int estop, lid;
	enum rig_rc rc;
	if ((rc = gpio_get(io->estop, &estop, err)) || (rc = gpio_get(io->lid, &lid, err)))
		return rc;
	s->estop_tripped = estop != 0;
	s->lid_open = lid != 0;
	return RIG_OK;
}

enum rig_rc bench_io_check_safe(struct bench_io *io, struct rig_err *err)
{
	struct bench_safety s;
	enum rig_rc rc = bench_io_safety(io, &s, err);
	if (rc)
		return rc;
	if (s.estop_tripped && s.lid_open)
		return rig_fail(err, RIG_E_ABORTED, "e-stop tripped and lid open");
	if (s.estop_tripped)
		return rig_fail(err, RIG_E_ABORTED, "e-stop tripped");
	if (s.lid_open)
		return rig_fail(err, RIG_E_ABORTED, "lid open");
	return RIG_OK;
}

enum rig_rc bench_io_pen_power(struct bench_io *io, bool on, struct rig_err *err)
{
	enum rig_rc rc = gpio_set(io->relay, on, err);
	if (!rc)
		io->powered = on;
	return rc;
}

bool bench_io_pen_powered(const struct bench_io *io)
{
	return io->powered;
}

enum rig_rc bench_io_lamps(struct bench_io *io, enum bench_lamps l, struct rig_err *err)
{
	int g = l == LAMPS_PASS;
	int a = l == LAMPS_RUNNING || l == LAMPS_ABORTED;
	int r = l == LAMPS_FAIL || l == LAMPS_ABORTED;
	enum rig_rc rc;
	if ((rc = gpio_set(io->green, g, err)) || (rc = gpio_set(io->amber, a, err)) ||
	    (rc = gpio_set(io->red, r, err)))
		return rc;
	return RIG_OK;
}

enum rig_rc bench_io_buzzer(struct bench_io *io, bool on, struct rig_err *err)
{
	return io->buzzer ? gpio_set(io->buzzer, on, err) : RIG_OK;
}

enum rig_rc bench_io_wait_start(struct bench_io *io, unsigned timeout_ms,
				bool *pressed, struct rig_err *err)
{
	*pressed = false;
	if (!io->start)
		return RIG_OK;
	enum gpio_edge seen;
	/* Pressed pulls the line low: a falling edge. */
	enum rig_rc rc = gpio_wait_edge(io->start, GPIO_EDGE_FALLING, timeout_ms, &seen, err);
	if (!rc)
		*pressed = seen == GPIO_EDGE_FALLING;
	return rc;
}
