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

/* A scheduled e-stop or lid opening: `fault.estop=verify` strikes at a
 * random moment within the first 20 ms of that phase of a run (at the
 * start of "report", which takes no bench time);
 * `fault.estop=t=2.5` at 2.5 s of bench time. */
struct io_fault {
	const char *name;
	enum sim_line line;
	char phase[24];      /* strike in this phase ("" if by time) */
	uint64_t at_ns;      /* strike time once known, else UINT64_MAX */
	bool struck;
	uint64_t struck_ns;
};

#define IO_FAULT_WINDOW_NS (20 * RIG_NS_PER_MS)

struct sim_io {
	struct sim_bench *b;
	struct rig_rng rng;
	struct io_fault faults[2];
	uint64_t seen_phase_t0;
	uint64_t power_off_ns; /* when the relay last went off */
};

static const char *const phases[] = { "identify", "preload", "calibrate", "verify",
				      "report", NULL };

static enum rig_rc parse_fault(struct sim_bench *b, struct io_fault *f, struct rig_err *err)
{
	char key[32], v[32];
	snprintf(key, sizeof key, "fault.%s", f->name);
	enum rig_rc rc = sim_param_string(b, key, "none", v, sizeof v, err);
	if (rc)
		return rc;
	f->at_ns = UINT64_MAX;
	if (!strcmp(v, "none"))
		return RIG_OK;
	if (!strncmp(v, "t=", 2)) {
		char *end;
		double t = strtod(v + 2, &end);
		if (end == v + 2 || *end || !isfinite(t) || t < 0 || t > 1e6)
			return rig_fail(err, RIG_E_CONFIG,
					"%s: expected a phase or t=<seconds of bench time>, found '%s'",
					key, v);
		f->at_ns = (uint64_t)llround(t * 1e9);
		return RIG_OK;
	}
	for (int i = 0; phases[i]; i++)
		if (!strcmp(v, phases[i])) {
			snprintf(f->phase, sizeof f->phase, "%s", phases[i]);
			return RIG_OK;
		}
	return rig_fail(err, RIG_E_CONFIG,
			"%s: expected none, identify, preload, calibrate, verify, report or "
			"t=<seconds>, found '%s'",
			key, v);
}

static void io_sync(void *self, uint64_t now)
{
	struct sim_io *io = self;
	struct sim_bench *b = io->b;
	bool new_phase = b->phase_t0_ns != io->seen_phase_t0;
	io->seen_phase_t0 = b->phase_t0_ns;
	for (size_t i = 0; i < sizeof io->faults / sizeof io->faults[0]; i++) {
		struct io_fault *f = &io->faults[i];
		if (f->struck)
			continue;
		/* Writing the report takes no bench time on the virtual clock:
		 * a fault keyed to it strikes at its start. */
		if (new_phase && f->phase[0] && !strcmp(f->phase, b->phase))
			f->at_ns = b->phase_t0_ns +
				   (strcmp(b->phase, "report") == 0
					    ? 0
					    : (uint64_t)(rng_uniform(&io->rng) * IO_FAULT_WINDOW_NS));
		if (now >= f->at_ns) {
			f->struck = true;
			f->struck_ns = now;
			gpio_virt_drive(b->chip, f->line, 1);
		}
	}
}

static uint64_t io_next_event(void *self)
{
	struct sim_io *io = self;
	uint64_t next = UINT64_MAX;
	for (size_t i = 0; i < sizeof io->faults / sizeof io->faults[0]; i++)
		if (!io->faults[i].struck && io->faults[i].at_ns < next)
			next = io->faults[i].at_ns;
	return next;
}

static void io_on_set(void *self, unsigned offset, int level)
{
	struct sim_io *io = self;
	if (offset == SIM_LINE_RELAY) {
		if (!level && io->b->pen_power)
			io->power_off_ns = clock_now_ns(io->b->clock);
		sim_bench_power_pen(io->b, level != 0);
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
	rng_seed(&io->rng, b->seed, 0x10);
	io->faults[0] = (struct io_fault){ .name = "estop", .line = SIM_LINE_ESTOP };
	io->faults[1] = (struct io_fault){ .name = "lid_open", .line = SIM_LINE_LID };
	enum rig_rc rc;
	for (size_t i = 0; i < 2; i++)
		if ((rc = parse_fault(b, &io->faults[i], err))) {
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
		if (io->faults[i].struck && io->faults[i].struck_ns < *struck_ns)
			*struck_ns = io->faults[i].struck_ns;
}
