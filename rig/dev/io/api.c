/* api.c - safety and operator I/O over the GPIO interface. */
#include "dev/io/io.h"

#include <stdlib.h>

#include "core/clock.h"
#include "hal/gpio.h"

struct bench_io {
	struct gpio_chip *chip;
	struct gpio_line *estop, *lid, *start;
	struct gpio_line *relay, *green, *amber, *red, *buzzer, *zero_target;
	const struct bench_io_shared *shared; /* e-stop and lid read elsewhere */
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

static enum rig_rc req_socket_lines(struct bench_io *io, const struct fixture_io *fx,
				    struct rig_err *err)
{
	const unsigned in = GPIO_F_PULL_UP | GPIO_F_EDGES;
	enum rig_rc rc;
	if ((rc = req(io, fx->relay_line, GPIO_OUTPUT, 0, "relay", &io->relay, err)) ||
	    (rc = req(io, fx->lamp_green_line, GPIO_OUTPUT, 0, "green lamp", &io->green, err)) ||
	    (rc = req(io, fx->lamp_amber_line, GPIO_OUTPUT, 0, "amber lamp", &io->amber, err)) ||
	    (rc = req(io, fx->lamp_red_line, GPIO_OUTPUT, 0, "red lamp", &io->red, err)))
		return rc;
	if (fx->start_line[0] &&
	    (rc = req(io, fx->start_line, GPIO_INPUT, in, "start button", &io->start, err)))
		return rc;
	if (fx->buzzer_line[0] &&
	    (rc = req(io, fx->buzzer_line, GPIO_OUTPUT, 0, "buzzer", &io->buzzer, err)))
		return rc;
	if (fx->zero_target_line[0] &&
	    (rc = req(io, fx->zero_target_line, GPIO_OUTPUT, 0, "zero target", &io->zero_target,
		      err)))
		return rc;
	return RIG_OK;
}

enum rig_rc bench_io_open_part(struct bench_io **out, const struct fixture_io *fx,
			       struct rig_hal *hal, enum bench_io_part part,
			       const struct bench_io_shared *shared, struct rig_err *err)
{
	*out = NULL;
	if ((part == BENCH_IO_SOCKET) != (shared != NULL))
		return rig_fail(err, RIG_E_USAGE, "bench I/O: shared inputs given for the wrong part");
	struct bench_io *io = calloc(1, sizeof *io);
	if (!io)
		return rig_fail(err, RIG_E_NOMEM, "bench I/O: out of memory");
	io->shared = shared;
	enum rig_rc rc = gpio_open_chip(&io->chip, fx->chip, hal, err);
	if (rc)
		goto fail;
	const unsigned in = GPIO_F_PULL_UP | GPIO_F_EDGES;
	if (part != BENCH_IO_SOCKET &&
	    ((rc = req(io, fx->estop_line, GPIO_INPUT, in, "e-stop", &io->estop, err)) ||
	     (rc = req(io, fx->lid_line, GPIO_INPUT, in, "lid", &io->lid, err))))
		goto fail;
	if (part != BENCH_IO_SHARED && (rc = req_socket_lines(io, fx, err)))
		goto fail;
	*out = io;
	return RIG_OK;
fail:
	bench_io_close(io);
	return rc;
}

enum rig_rc bench_io_open(struct bench_io **out, const struct fixture_io *fx,
			  struct rig_hal *hal, struct rig_err *err)
{
	return bench_io_open_part(out, fx, hal, BENCH_IO_ALL, NULL, err);
}

void bench_io_close(struct bench_io *io)
{
	if (!io)
		return;
	if (io->relay)
		gpio_set(io->relay, 0, NULL);
	if (io->zero_target) /* out of the beam */
		gpio_set(io->zero_target, 0, NULL);
	struct gpio_line *lines[] = { io->estop, io->lid, io->start, io->relay,
				      io->green, io->amber, io->red, io->buzzer,
				      io->zero_target };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		gpio_release(lines[i]);
	gpio_close_chip(io->chip);
	free(io);
}

/* The inputs as the owner of their lines last read them: unsafe when it
 * has stopped watching or its reading is stale. */
static enum rig_rc shared_safety(const struct bench_io_shared *sh, struct bench_safety *s,
				 struct rig_err *err)
{
	uint64_t read_ns = sh->read_ns, now = clock_now_ns(clock_real());
	if (sh->gone)
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_SAFETY,
				      "e-stop and lid no longer watched (the bench's supervising "
				      "process has ended)");
	if (!read_ns || (now > read_ns &&
			 now - read_ns > (uint64_t)BENCH_IO_SHARED_STALE_MS * RIG_NS_PER_MS))
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_SAFETY,
				      "e-stop and lid not watched: the bench's supervising process has "
				      "not read them for %.1f s (at most %.1f s allowed)",
				      read_ns ? (double)(now - read_ns) / 1e9 : 0.0,
				      BENCH_IO_SHARED_STALE_MS / 1000.0);
	s->estop_tripped = sh->estop_tripped != 0;
	s->lid_open = sh->lid_open != 0;
	return RIG_OK;
}

enum rig_rc bench_io_publish(struct bench_io *io, struct bench_io_shared *sh,
			     struct rig_err *err)
{
	int estop, lid;
	enum rig_rc rc;
	if ((rc = gpio_get(io->estop, &estop, err)) || (rc = gpio_get(io->lid, &lid, err)))
		return rc;
	/* Once tripped, tripped for this bench's life: a socket must not run
	 * on through an e-stop it never saw. */
	if (estop)
		sh->estop_tripped = 1;
	if (lid)
		sh->lid_open = 1;
	sh->read_ns = clock_now_ns(clock_real());
	return RIG_OK;
}

enum rig_rc bench_io_safety(struct bench_io *io, struct bench_safety *s,
			    struct rig_err *err)
{
	int estop, lid;
	enum rig_rc rc;
	if (io->shared)
		return shared_safety(io->shared, s, err);
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
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_SAFETY, "e-stop tripped and lid open");
	if (s.estop_tripped)
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_SAFETY, "e-stop tripped");
	if (s.lid_open)
		return rig_fail_cause(err, RIG_E_ABORTED, RIG_CAUSE_SAFETY, "lid open");
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

bool bench_io_has_zero_target(const struct bench_io *io)
{
	return io && io->zero_target;
}

enum rig_rc bench_io_zero_target(struct bench_io *io, bool in, struct rig_err *err)
{
	if (!bench_io_has_zero_target(io))
		return rig_fail(err, RIG_E_USAGE, "bench I/O: no zero target line");
	return gpio_set(io->zero_target, in, err);
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
