/* io.h - the virtual bench's safety I/O: e-stop, lid interlock, start
 * button (inputs the bench drives), pen power relay, lamps and buzzer
 * (outputs the rig sets). Levels as wired on the Pi: e-stop and lid are
 * normally-closed contacts to ground with pull-ups, so a pressed e-stop or
 * an open lid reads high (fail-safe); see sim/io.c for the wiring.
 */
#ifndef RIG_SIM_IO_H
#define RIG_SIM_IO_H

#include <stdbool.h>

#include "sim/bench.h"

enum rig_rc sim_io_create(struct sim_bench *b, struct sim_model_inst *out,
			  struct rig_err *err);

/* What a person at the fixture does. */
void sim_io_press_estop(struct sim_bench *b, bool pressed);
void sim_io_open_lid(struct sim_bench *b, bool open);
void sim_io_press_start(struct sim_bench *b, bool pressed);

/* What the rig has set on the outputs (physical levels, 1 = on). */
bool sim_io_lamp(const struct sim_bench *b, enum sim_line lamp);

/* When a scheduled fault (fault.estop, fault.lid_open) struck, UINT64_MAX
 * if none did, and when the relay last switched pen power off (0: never). */
void sim_io_fault_times(struct sim_bench *b, uint64_t *struck_ns, uint64_t *power_off_ns);

#endif
