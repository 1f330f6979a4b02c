/* protocol.h - the ILD1420 wire format: 3-byte binary values and their
 * scaling, shared by the driver, `rig analyze` and the virtual laser.
 *
 * Byte classes by their two top bits: L = 00 D5..D0, M = 01 D11..D6,
 * H = 1 b6 D17..D12. Distance without mastering from x = D15..D0:
 * d_mm = (x * 102 / 65520 - 1) * MR / 100. 18-bit values 262075..262082
 * are error codes and never become distances.
 */
#ifndef RIG_DEV_LASER_PROTOCOL_H
#define RIG_DEV_LASER_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "dev/laser/sample.h"

#define ILD1420_DEFAULT_BAUD 921600
#define ILD1420_X_MAX 65520u
#define ILD1420_RANGE_LO 643u    /* first x inside the measuring range */
#define ILD1420_RANGE_HI 64877u  /* last x inside the measuring range */

/* Encode an 18-bit value as L, M, H bytes (b6 = 0: first value of a block). */
void ild1420_encode(uint32_t value18, int b6, uint8_t out[3]);
/* x (0..65520) for a distance, rounded, clamped to 0..65520. */
uint32_t ild1420_x_from_mm(double dist_mm, double range_mm);
double ild1420_mm_from_x(uint32_t x, double range_mm);
/* The status of an 18-bit value: LASER_OK for a distance (x <= 65520). */
enum laser_status ild1420_classify(uint32_t value18);

struct ild1420_counters {
	uint64_t values;          /* slots emitted, all statuses */
	uint64_t ok;              /* distances */
	uint64_t lost;            /* slots lost or corrupted on the wire */
	uint64_t error_codes;     /* sensor error codes received */
	uint64_t bytes_discarded; /* bytes that belonged to no complete value */
};

/* Streaming decoder: resynchronises within one value after a lost, stray
 * or corrupted byte; a lost value keeps its slot (LASER_LOST). */
struct ild1420_decoder {
	double range_mm;
	uint64_t next_slot;
	unsigned nbytes;    /* bytes since the last H byte */
	uint8_t pend[2];    /* the last L and M candidates */
	unsigned have;      /* bit 0: L seen, bit 1: M seen, in order */
	struct ild1420_counters count;
};

void ild1420_decoder_init(struct ild1420_decoder *d, double range_mm);
/* Decode up to n bytes, writing at most cap samples to out. *consumed says
 * how many bytes were used (all of them unless out filled up). Returns the
 * number of samples written. */
size_t ild1420_decode(struct ild1420_decoder *d, const uint8_t *buf, size_t n,
		      struct laser_sample *out, size_t cap, size_t *consumed);

#endif
