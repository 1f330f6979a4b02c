/* io.c - the virtual bench's safety I/O lines.
 *
 * Wiring (as on fixtures/pi-bench.ini): e-stop and lid switches are
 * normally-closed contacts to ground with pull-ups, so a healthy circuit
 * reads low and a pressed e-stop, an open lid or a broken wire reads high
 * (fail-safe). The start button is normally open to ground: pressed = low.
 * The relay and lamps are active high.
 */
#include "sim/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scheduled e-stop or lid opening (sim/fault.h): `fault.estop=verify`
 * strikes at a random moment of that phase of a run, `fault.estop=t=2.5`
 * at 2.5 s of bench time. The line stays tripped. */
struct io_fault {
	const char *name;
	enum sim_line line;
	struct sim_fault f;
	bool driven;
};

struct sim_io {
	struct sim_bench *b;
	struct io_fault faults[2];
	uint64_t power_off_ns; /* when the relay last went off */
};

static void io_sync(void *self, uint64_t now)
{
	struct sim_io *io = self;
	for (size_t i = 0; i < sizeof io->faults / sizeof io->faults[0]; i++) {
		struct io_fault *f = &io->faults[i];
		if (!f->driven && sim_fault_struck(&f->f, io->b, now)) {
			f->driven = true;
			gpio_virt_drive(io->b->chip, f->line, 1);
		}
	}
}

static uint64_t io_next_event(void *self)
{
	struct sim_io *io = self;
	uint64_t next = UINT64_MAX;
	for (size_t i = 0; i < sizeof io->faults / sizeof io->faults[0]; i++) {
		uint64_t t = sim_fault_next_ns(&io->faults[i].f);
		if (t < next)
			next = t;
	}
	return next;
}

static void io_on_set(void *self, unsigned offset, int level)
{
	struct sim_io *io = self;
	if (offset == SIM_LINE_RELAY) {
		if (!level && io->b->pen_power)
			io->power_off_ns = clock_now_ns(io->b->clock);
		sim_bench_power_pen(io->b, level != 0);
	} else if (offset == SIM_LINE_ZERO_TARGET) {
		sim_bench_sync(io->b); /* readings before the move saw the pen */
		io->b->zero_target_in = level != 0;
	}
}

static void io_destroy(void *self)
{
	free(self);
}

enum rig_rc sim_io_create(struct sim_bench *b, struct sim_model_inst *out,
			  struct rig_err *err)
{
	struct sim_io *io = calloc(1, sizeof *io);
	if (!io)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	io->b = b;
	io->faults[0] = (struct io_fault){ .name = "estop", .line = SIM_LINE_ESTOP };
	io->faults[1] = (struct io_fault){ .name = "lid_open", .line = SIM_LINE_LID };
	enum rig_rc rc;
	for (size_t i = 0; i < 2; i++)
		if ((rc = sim_fault_parse(b, &io->faults[i].f, io->faults[i].name,
					  SIM_FAULT_ONCE, err))) {
			free(io);
			return rc;
		}
	gpio_virt_set_line_name(b->chip, SIM_LINE_HX711_DOUT, "HX711_DOUT");
	gpio_virt_set_line_name(b->chip, SIM_LINE_HX711_SCK, "HX711_SCK");
	gpio_virt_set_line_name(b->chip, SIM_LINE_BUZZER, "BUZZER");
	gpio_virt_set_line_name(b->chip, SIM_LINE_START, "START");
	gpio_virt_set_line_name(b->chip, SIM_LINE_ESTOP, "ESTOP");
	gpio_virt_set_line_name(b->chip, SIM_LINE_RELAY, "PEN_POWER");
	gpio_virt_set_line_name(b->chip, SIM_LINE_LAMP_GREEN, "LAMP_GREEN");
	gpio_virt_set_line_name(b->chip, SIM_LINE_LAMP_AMBER, "LAMP_AMBER");
	gpio_virt_set_line_name(b->chip, SIM_LINE_LAMP_RED, "LAMP_RED");
	gpio_virt_set_line_name(b->chip, SIM_LINE_LID, "LID");
	gpio_virt_set_line_name(b->chip, SIM_LINE_ZERO_TARGET, "ZERO_TARGET");
	gpio_virt_drive(b->chip, SIM_LINE_ESTOP, 0); /* released */
	gpio_virt_drive(b->chip, SIM_LINE_LID, 0);   /* closed */
	gpio_virt_drive(b->chip, SIM_LINE_START, 1); /* not pressed */
	*out = (struct sim_model_inst){
		.self = io, .sync = io_sync, .next_event_ns = io_next_event,
		.on_set = io_on_set, .destroy = io_destroy,
	};
	return RIG_OK;
}

void sim_io_press_estop(struct sim_bench *b, bool pressed)
{
	sim_bench_sync(b);
	gpio_virt_drive(b->chip, SIM_LINE_ESTOP, pressed);
}

void sim_io_open_lid(struct sim_bench *b, bool open)
{
	sim_bench_sync(b);
	gpio_virt_drive(b->chip, SIM_LINE_LID, open);
}

void sim_io_press_start(struct sim_bench *b, bool pressed)
{
	sim_bench_sync(b);
	gpio_virt_drive(b->chip, SIM_LINE_START, !pressed);
}

bool sim_io_lamp(const struct sim_bench *b, enum sim_line lamp)
{
	return gpio_virt_level(b->chip, lamp);
}

void sim_io_fault_times(struct sim_bench *b, uint64_t *struck_ns, uint64_t *power_off_ns)
{
	struct sim_io *io = sim_bench_model(b, "io");
	*struck_ns = UINT64_MAX;
	*power_off_ns = io->power_off_ns;
	for (size_t i = 0; i < sizeof io->faults / sizeof io->faults[0]; i++)
		if (io->faults[i].f.struck && io->faults[i].f.struck_ns < *struck_ns)
			*struck_ns = io->faults[i].f.struck_ns;
}
