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

/* The measuring rates the ILD1420 offers (MEASRATE takes them in kHz:
 * 0.25, 0.5, 1, 2, 4) and the bits one value costs on the wire (3 bytes,
 * 8N1: 10 bits each). */
extern const double ild1420_rates_hz[];
extern const unsigned ild1420_nrates;
#define ILD1420_BITS_PER_VALUE 30
/* 1 if rate_hz is one of ild1420_rates_hz. */
int ild1420_rate_supported(double rate_hz);

/* Encode an 18-bit value as L, M, H bytes (b6 = 0: first value of a block). */
void ild1420_encode(uint32_t value18, int b6, uint8_t out[3]);
/* x (0..65520) for a distance, rounded, clamped to 0..65520. */
uint32_t ild1420_x_from_mm(double dist_mm, double range_mm);
double ild1420_mm_from_x(uint32_t x, double range_mm);
/* The status of an 18-bit value: LASER_OK for a distance (x <= 65520).
 * The codes 262075..262082 are compared on all 18 bits, before any masking;
 * any other value above 65520 (262079, reserves) is LASER_ERR_OTHER.
 * x in the start or end reserve (0..642, 64878..65520) is LASER_OK: the
 * sensor did compute a distance there, just outside the nominal range
 * (-1 % .. 0 % and 100 % .. 101 % of MR, linearity not specified); callers
 * that need the nominal range test ild1420_x_in_range(). */
enum laser_status ild1420_classify(uint32_t value18);
/* x (a LASER_OK raw value) lies in the nominal measuring range 643..64877. */
static inline int ild1420_x_in_range(uint32_t x)
{
	return x >= ILD1420_RANGE_LO && x <= ILD1420_RANGE_HI;
}

/* The error codes, as the sensor sends them (18 bits). */
#define ILD1420_ERR_DATA_RATE 262075u
#define ILD1420_ERR_NO_PEAK 262076u
#define ILD1420_ERR_PEAK_BEFORE 262077u
#define ILD1420_ERR_PEAK_AFTER 262078u
#define ILD1420_ERR_CALC 262080u
#define ILD1420_ERR_PEAK_WIDE 262081u
#define ILD1420_ERR_LASER_OFF 262082u

struct ild1420_counters {
	uint64_t values;          /* slots emitted, all statuses */
	uint64_t ok;              /* distances */
	uint64_t lost;            /* slots lost or corrupted on the wire */
	uint64_t error_codes;     /* sensor error codes received */
	uint64_t bytes_discarded; /* bytes that belonged to no complete value */
};

/* Streaming decoder: resynchronises within one value after a lost, stray
 * or corrupted byte; a lost value keeps its slot (LASER_LOST).
 *
 * The slot rule (protocol.c explains why): a value is good when an H byte
 * directly follows an L and an M byte. The m bytes between two good values
 * that belong to neither are junk and stand for round(m / 3) lost slots,
 * emitted just before the good value that ends them. So a lost L, M or H
 * byte costs one slot, a stray byte between values costs none, a stray or
 * corrupted byte inside a value costs that value, and the slot count stays
 * exact. Two lost bytes of one value (only its H arrives) are
 * indistinguishable from a stray H and cost the slot count one. */
struct ild1420_decoder {
	double range_mm;
	double mm_per_x, mm_at_x0; /* d_mm = x * mm_per_x + mm_at_x0 */
	uint64_t next_slot;
	unsigned nbytes;    /* bytes since the last good value */
	uint8_t pend[2];    /* the two bytes before this one: L, M candidates */
	struct ild1420_counters count;
	/* Output owed when the caller's buffer filled up mid-value. */
	uint64_t owed_lost; /* lost slots still to emit */
	uint32_t owed_raw;  /* then this value, when owed_value */
	int owed_value;
};

void ild1420_decoder_init(struct ild1420_decoder *d, double range_mm);
/* Decode up to n bytes, writing at most cap samples to out. *consumed says
 * how many bytes were used (all of them unless out filled up). Returns the
 * number of samples written. */
size_t ild1420_decode(struct ild1420_decoder *d, const uint8_t *buf, size_t n,
		      struct laser_sample *out, size_t cap, size_t *consumed);
/* Samples owed from bytes already consumed (emitted by the next call). */
static inline uint64_t ild1420_decoder_owed(const struct ild1420_decoder *d)
{
	return d->owed_lost + (d->owed_value ? 1 : 0);
}

/* Added outputs (OUTADD_RS422 SHUTTER): each distance (b6 = 0, the first
 * value of an output block) is followed by the sensor's shutter time as a
 * further value of the block (b6 = 1), in units of 0.1 us (the unit and the
 * order are the virtual laser's: the manual pages at hand do not give them;
 * docs/laser-ild1420.md). The scanner takes only whole blocks: a value with
 * b6 = 1 directly after a value with b6 = 0, nothing between them. */
#define ILD1420_SHUTTER_US_PER_COUNT 0.1
struct ild1420_block_scan {
	uint8_t pend[2];     /* the two bytes before this one */
	unsigned nbytes;     /* bytes since the last whole value */
	int prev_first;      /* the last whole value had b6 = 0 and ended here */
	uint64_t blocks;     /* distance + shutter pairs seen */
	uint64_t lone;       /* whole values with b6 = 1 not after a first value */
	uint32_t shutter_min, shutter_max; /* over the blocks, in counts */
};
void ild1420_block_scan_init(struct ild1420_block_scan *s);
void ild1420_block_scan_feed(struct ild1420_block_scan *s, const uint8_t *buf, size_t n);

#endif
