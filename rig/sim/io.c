/* io.c - the virtual bench's safety I/O lines.
 *
 * Wiring (as on fixtures/pi-bench.ini): e-stop and lid switches are
 * normally-closed contacts to ground with pull-ups, so a healthy circuit
 * reads low and a pressed e-stop, an open lid or a broken wire reads high
 * (fail-safe). The start button is normally open to ground: pressed = low.
 * The relay and lamps are active high.
 */
#include "sim/io.h"

#include <stdlib.h>

struct sim_io {
	struct sim_bench *b;
};

static void io_on_set(void *self, unsigned offset, int level)
{
	struct sim_io *io = self;
	if (offset == SIM_LINE_RELAY)
		sim_bench_power_pen(io->b, level != 0);
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
	gpio_virt_drive(b->chip, SIM_LINE_ESTOP, 0); /* released */
	gpio_virt_drive(b->chip, SIM_LINE_LID, 0);   /* closed */
	gpio_virt_drive(b->chip, SIM_LINE_START, 1); /* not pressed */
	*out = (struct sim_model_inst){
		.self = io, .on_set = io_on_set, .destroy = io_destroy,
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
