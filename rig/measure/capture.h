/* capture.h - reading a recorded laser capture into the stroke engine: the
 * raw ILD1420 byte stream or the rig's trace CSV (docs/measurement.md).
 *
 * The caller owns the FILE and the engine; capture_feed() streams the file
 * through a fixed buffer (constant memory whatever its length) and leaves
 * both open. It does not call measure_finish().
 */
#ifndef RIG_MEASURE_CAPTURE_H
#define RIG_MEASURE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "dev/laser/protocol.h"
#include "measure/stroke.h"

/* The trace CSV: this header, then one row per slot. status is the number
 * of enum laser_status (0 = ok, 1 = lost, 2.. sensor errors); dist_mm is
 * empty unless status is 0. Further columns after these are read past when
 * the header names them; every row has as many fields as the header
 * (docs/measurement.md, "Trace CSV format"). */
#define CAPTURE_CSV_HEADER "slot,dist_mm,status"
/* A line of its own in the rows of a trace: the run learned the stroke
 * shape from the samples before it (a sequential window, run/point.c), so
 * the reader calls measure_finish() there too and folds the very strokes
 * the run folded. Without it the shape is learned from the record's start
 * up to the engine's own learning length. */
#define CAPTURE_LEARNED_MARK "# rig: shape learned"
/* A dist_mm no ILD1420 can report (the largest measuring range is 500 mm):
 * refused, as a distance of 1e107 mm would overflow the stroke fits. */
#define CAPTURE_CSV_DIST_MAX_MM 1000.0

/* The rig's own traces start with one comment line that carries what
 * `rig analyze` needs to read them with no options (the run's figures are
 * then what analyze prints):
 *   # rig trace: rate_hz=4000 range_mm=10 zero_mm=5.0 linearity_um=... */
#define CAPTURE_HEADER_TAG "# rig trace:"
struct capture_header {
	bool have;                  /* a "# rig trace:" line was read */
	double rate_hz, range_mm, zero_mm, freq_hint_hz;
	double linearity_um, resolution_um, zero_u_um, clock_ppm;
	double exposure_us;         /* the sensor's exposure (0: not known) */
	double ring_max_um;         /* the fixture's pad ring bound (0: none) */
	double ring_exposure_us;    /* the exposure it was measured at (0: not
				       known: the bound is not used) */
};

/* Write the header line (then the caller writes CAPTURE_CSV_HEADER). */
void capture_write_header(FILE *f, const struct capture_header *h);

/* Read the comment lines ('#' first) at the start of in into *h (zeroed
 * first; keys it does not know are left alone); *lines receives how many
 * were read. RIG_E_DATA (name:line) for a header key whose value is not a
 * number. Stops at the first other line, which it leaves unread. */
enum rig_rc capture_read_header(FILE *in, const char *name, struct capture_header *h,
				unsigned *lines, struct rig_err *err);

enum capture_format {
	CAPTURE_ILD1420,  /* raw bytes as the sensor sends them (L, M, H) */
	CAPTURE_CSV,      /* the trace CSV above */
};

struct capture_info {
	uint64_t bytes;             /* bytes read */
	uint64_t rows;              /* CSV data rows */
	uint64_t samples;           /* samples passed to the engine */
	struct ild1420_counters ild; /* raw format: the decoder's counters */
	struct capture_header header; /* CSV: the "# rig trace:" line, if any */
};

/* "ild1420" or "csv"; returns -1 for anything else. */
int capture_format_parse(const char *s, enum capture_format *out);

/* Read `in` to its end, pushing every sample into m. `name` prefixes
 * messages ("capture.csv:12: ..."). range_mm is the sensor's measuring
 * range (raw format only). RIG_E_DATA for a malformed file (with the line
 * for CSV), RIG_E_IO for a read error. */
enum rig_rc capture_feed(FILE *in, const char *name, enum capture_format fmt,
			 double range_mm, struct measure *m, struct capture_info *info,
			 struct rig_err *err);

#endif
