/* capgen.h - synthetic laser captures with known truth for the stroke
 * measurement tests and benchmark, written from the physics of a pen.
 *
 * The stroke phase is integrated sample by sample from a mean rate with
 * speed wander (Ornstein-Uhlenbeck); each stroke gets its own depth
 * (scatter); the tips travel from depth - stroke to depth along one of three
 * shapes; Gaussian sensor noise and quantisation to the ILD1420's counts are
 * added. The caller owns the sample array; capgen keeps no state.
 */
#ifndef TESTS_SUPPORT_CAPGEN_H
#define TESTS_SUPPORT_CAPGEN_H

#include <stddef.h>
#include <stdint.h>

#include "dev/laser/sample.h"

enum capgen_shape {
	CAPGEN_SINE,   /* raised cosine: symmetric */
	CAPGEN_CAM,    /* fast advance (30 % of the period), slow retract */
	CAPGEN_DWELL,  /* advance 30 %, flat top 25 %, retract 45 % */
	CAPGEN_SHAPE_COUNT
};

struct capgen_config {
	enum capgen_shape shape;
	double rate_hz;       /* sensor rate */
	double freq_hz;       /* mean stroke rate */
	double depth_um;      /* mean peak extension */
	double stroke_um;     /* travel: tips go from depth - stroke to depth */
	double noise_um;      /* sensor noise, standard deviation */
	double wander;        /* speed wander, relative standard deviation */
	double wander_tau_s;  /* its correlation time (0: 0.3 s) */
	double scatter_um;    /* per-stroke depth scatter, standard deviation */
	int scatter_shift;    /* 0: a stroke stretches from a fixed retracted
			       * end; 1: the whole stroke moves */
	double zero_mm;       /* laser reading of the contact plane */
	double range_mm;      /* for quantisation (0: no quantisation) */
	double stall_at_s;    /* the pen stops here (0: never) */
	uint64_t seed;
	double *phase_out;    /* optional: the stroke phase (cycles) of each
			       * sample, n values; NULL: not wanted */
};

struct capgen_truth {
	unsigned strokes;        /* strokes whose peak lies in the record */
	double depth_mean_um;    /* over those strokes */
	double depth_std_um;
	double freq_hz;          /* mean stroke rate over the record */
};

/* Fill out[0..n) with slots 0..n-1. Returns 0, or -1 for a bad config. */
int capgen_run(const struct capgen_config *c, struct laser_sample *out, size_t n,
	       struct capgen_truth *truth);

/* The shape, 0 at the trough, 1 at the peak; u in [0, 1). */
double capgen_shape_at(enum capgen_shape shape, double u);

const char *capgen_shape_name(enum capgen_shape shape);

#endif
