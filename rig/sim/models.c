/* models.c - the virtual bench's models, in the order they catch up with
 * the clock: the laser samples the pen before the pen moves on. */
#include "sim/bench.h"
#include "sim/hx711.h"
#include "sim/io.h"
#include "sim/laser.h"

/* Order matters: io, laser, pen, ... The laser must come before the pen so
 * that it samples the needle tips up to now before the pen moves on: the
 * pen's row goes right after the laser's. */
const struct sim_model sim_models[] = {
	{ "io", sim_io_create },
	{ "laser", sim_laser_create },
	{ "hx711", sim_hx711_create },
};
const unsigned sim_nmodels = sizeof sim_models / sizeof sim_models[0];
