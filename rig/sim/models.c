/* models.c - the virtual bench's models, in the order they catch up with
 * the clock: the laser samples the pen before the pen moves on. */
#include "sim/bench.h"
#include "sim/hx711.h"
#include "sim/io.h"

const struct sim_model sim_models[] = {
	{ "io", sim_io_create },
	{ "hx711", sim_hx711_create },
};
const unsigned sim_nmodels = sizeof sim_models / sizeof sim_models[0];
