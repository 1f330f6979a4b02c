/* protocol.c - the ILD1420 binary output: 3-byte values, their scaling and
 * a streaming decoder that survives lost, stray and corrupted bytes.
 *
 * Why the slot rule is what it is (protocol.h states it): every byte says
 * by its two top bits whether it is an L (00), M (01) or H (1x) byte, so a
 * value is recognised as "L M H" with nothing in between. What is not such
 * a triple is junk, and the junk between two good values is what is left of
 * the values lost there: each value is 3 bytes on the wire, so m junk bytes
 * stand for round(m / 3) slots. Cases (| separates good values):
 *   lost L     | M H |          m = 2 -> 1 slot
 *   lost M     | L H |          m = 2 -> 1 slot
 *   lost H     | L M L M H |    the last L M H is good, m = 2 -> 1 slot
 *   stray L/M/H between values  m = 1 -> 0 slots (nothing was lost)
 *   stray byte inside a value   m = 4 -> 1 slot (that value is lost)
 *   a byte corrupted into another class: m = 3 -> 1 slot
 *   a garbage burst of k bytes: round(k / 3) slots, less 2 bytes for
 *     each accidental "L M H" in the garbage (which becomes a slot
 *     itself); within a slot of the truth when it replaced k / 3 values
 * Rule "every H ends one value" would count a stray H as a lost value and
 * shift every later slot; this rule does not. Its blind spot: a value whose
 * L and M are both lost (only the H arrives) looks like a stray H and costs
 * the slot count one. A byte corrupted within its class (bits flipped, top
 * bits intact) cannot be detected by any decoder: the wire has no checksum.
 */
#include "dev/laser/protocol.h"

#include <math.h>
#include <stdbool.h>

static const char *const status_names[LASER_STATUS_COUNT] = {
	[LASER_OK] = "ok",
	[LASER_LOST] = "lost",
	[LASER_ERR_DATA_RATE] = "data rate too high for the baud rate",
	[LASER_ERR_NO_PEAK] = "no peak",
	[LASER_ERR_PEAK_BEFORE] = "peak before measuring range",
	[LASER_ERR_PEAK_AFTER] = "peak after measuring range",
	[LASER_ERR_CALC] = "value cannot be calculated",
	[LASER_ERR_PEAK_WIDE] = "peak too wide",
	[LASER_ERR_LASER_OFF] = "laser off",
	[LASER_ERR_OTHER] = "reserved value",
};

const double ild1420_rates_hz[] = { 250, 500, 1000, 2000, 4000 };
const unsigned ild1420_nrates = sizeof ild1420_rates_hz / sizeof ild1420_rates_hz[0];

int ild1420_rate_supported(double rate_hz)
{
	for (unsigned i = 0; i < ild1420_nrates; i++)
		if (fabs(rate_hz - ild1420_rates_hz[i]) < 1e-6)
			return 1;
	return 0;
}

const char *laser_status_name(enum laser_status s)
{
	if ((unsigned)s >= LASER_STATUS_COUNT)
		return "invalid status";
	return status_names[s];
}

void ild1420_encode(uint32_t value18, int b6, uint8_t out[3])
{
	out[0] = (uint8_t)(value18 & 0x3Fu);
	out[1] = (uint8_t)(0x40u | ((value18 >> 6) & 0x3Fu));
	out[2] = (uint8_t)(0x80u | (b6 ? 0x40u : 0u) | ((value18 >> 12) & 0x3Fu));
}

uint32_t ild1420_x_from_mm(double dist_mm, double range_mm)
{
	double x = (dist_mm * 100.0 / range_mm + 1.0) * (double)ILD1420_X_MAX / 102.0;
	if (!(x > 0.0)) /* also NaN */
		return 0;
	if (x >= (double)ILD1420_X_MAX)
		return ILD1420_X_MAX;
	return (uint32_t)lround(x);
}

/* d_mm = (x * 102 / 65520 - 1) * MR / 100, as one multiply-add with
 * constants that depend on MR only: the decoder computes them once, and
 * every conversion rounds the same way (the build disables contraction
 * into fused multiply-adds, so x86 and ARM agree to the last bit). */
static double mm_per_x(double range_mm)
{
	return 102.0 / (double)ILD1420_X_MAX * range_mm / 100.0;
}

static double mm_at_x0(double range_mm)
{
	return -range_mm / 100.0;
}

double ild1420_mm_from_x(uint32_t x, double range_mm)
{
	return (double)x * mm_per_x(range_mm) + mm_at_x0(range_mm);
}

enum laser_status ild1420_classify(uint32_t value18)
{
	/* All 18 bits first: 262076 & 0xFFFF = 65468 would pass as a distance. */
	switch (value18) {
	case ILD1420_ERR_DATA_RATE: return LASER_ERR_DATA_RATE;
	case ILD1420_ERR_NO_PEAK: return LASER_ERR_NO_PEAK;
	case ILD1420_ERR_PEAK_BEFORE: return LASER_ERR_PEAK_BEFORE;
	case ILD1420_ERR_PEAK_AFTER: return LASER_ERR_PEAK_AFTER;
	case ILD1420_ERR_CALC: return LASER_ERR_CALC;
	case ILD1420_ERR_PEAK_WIDE: return LASER_ERR_PEAK_WIDE;
	case ILD1420_ERR_LASER_OFF: return LASER_ERR_LASER_OFF;
	default: break;
	}
	return value18 <= ILD1420_X_MAX ? LASER_OK : LASER_ERR_OTHER;
}

void ild1420_decoder_init(struct ild1420_decoder *d, double range_mm)
{
	/* The scaling as one multiply-add: no division per sample. */
	*d = (struct ild1420_decoder){
		.range_mm = range_mm,
		.mm_per_x = mm_per_x(range_mm),
		.mm_at_x0 = mm_at_x0(range_mm),
	};
}

static inline void put_lost(struct ild1420_decoder *d, struct laser_sample *s)
{
	s->slot = d->next_slot++;
	s->dist_mm = NAN;
	s->raw = 0;
	s->status = LASER_LOST;
	d->count.values++;
	d->count.lost++;
}

/* Value raw into s at slot, scaled by mm_per_x and mm_at_x0; true when it
 * is a distance (LASER_OK), false for an error code. */
static inline bool fill_value(struct laser_sample *s, uint64_t slot, uint32_t raw,
			      double mm_per_x, double mm_at_x0)
{
	s->slot = slot;
	s->raw = raw;
	if (raw <= ILD1420_X_MAX) {
		s->status = LASER_OK;
		s->dist_mm = (double)raw * mm_per_x + mm_at_x0;
		return true;
	}
	s->status = ild1420_classify(raw);
	s->dist_mm = NAN;
	return false;
}

static inline void put_value(struct ild1420_decoder *d, struct laser_sample *s,
			     uint32_t raw)
{
	d->count.values++;
	if (fill_value(s, d->next_slot++, raw, d->mm_per_x, d->mm_at_x0))
		d->count.ok++;
	else
		d->count.error_codes++;
}

/* Emit what earlier bytes still owe; returns the samples written. */
static size_t flush_owed(struct ild1420_decoder *d, struct laser_sample *out,
			 size_t cap)
{
	size_t w = 0;
	while (d->owed_lost && w < cap) {
		put_lost(d, &out[w++]);
		d->owed_lost--;
	}
	if (!d->owed_lost && d->owed_value && w < cap) {
		put_value(d, &out[w++], d->owed_raw);
		d->owed_value = 0;
	}
	return w;
}

size_t ild1420_decode(struct ild1420_decoder *d, const uint8_t *buf, size_t n,
		      struct laser_sample *out, size_t cap, size_t *consumed)
{
	size_t w = flush_owed(d, out, cap);
	size_t i = 0;
	if (ild1420_decoder_owed(d))
		goto done;
	unsigned nb = d->nbytes;
	uint8_t p0 = d->pend[0], p1 = d->pend[1];
	while (i < n && w < cap) {
		if (nb == 0) {
			/* Fast path, the stream's normal state: whole values, aligned,
			 * L M H. The byte path below gives the same samples for them
			 * (with nb == 0 it ignores p0 and p1 until it has shifted two
			 * new bytes in); it takes over at the first byte that is not. */
			/* The slot, the counts and the scale in locals: held
			 * in d, every store to out (which may alias them, by
			 * type) made the loop load and store them again. */
			/* At most as many values as whole ones in buf and
			 * room in out, counted once. */
			size_t i0 = i, nv = (n - i) / 3;
			if (nv > cap - w)
				nv = cap - w;
			const uint8_t *b = buf + i, *b_end = b + 3 * nv;
			struct laser_sample *o = out + w;
			uint64_t slot0 = d->next_slot, slot = slot0, ok = 0;
			const double mm_per_x = d->mm_per_x, mm_at_x0 = d->mm_at_x0;
			while (b < b_end && (b[0] & 0xC0) == 0x00 && (b[1] & 0xC0) == 0x40 &&
			       (b[2] & 0x80)) {
				uint32_t raw = (uint32_t)(b[0] & 0x3F) | (uint32_t)(b[1] & 0x3F) << 6 |
					       (uint32_t)(b[2] & 0x3F) << 12;
				ok += fill_value(o++, slot++, raw, mm_per_x, mm_at_x0);
				b += 3;
			}
			i = (size_t)(b - buf);
			w = (size_t)(o - out);
			d->next_slot = slot;
			d->count.values += slot - slot0;
			d->count.ok += ok;
			d->count.error_codes += slot - slot0 - ok;
			if (i != i0) {
				p0 = buf[i - 2];
				p1 = buf[i - 1];
			}
			if (i >= n || w >= cap)
				break;
		}
		uint8_t c = buf[i++];
		if (!(c & 0x80) || nb < 2 || (p0 & 0xC0) != 0x00 || (p1 & 0xC0) != 0x40) {
			/* L, M, or an H that ends no L M pair: keep the last two. */
			p0 = p1;
			p1 = c;
			nb++;
			continue;
		}
		uint32_t raw = (uint32_t)(p0 & 0x3F) | (uint32_t)(p1 & 0x3F) << 6 |
			       (uint32_t)(c & 0x3F) << 12;
		if (nb != 2) {
			unsigned junk = nb - 2;
			d->count.bytes_discarded += junk;
			d->owed_lost = (junk + 1) / 3;
			d->owed_raw = raw;
			d->owed_value = 1;
			w += flush_owed(d, out + w, cap - w);
		} else {
			put_value(d, &out[w++], raw);
		}
		nb = 0;
	}
	d->nbytes = nb;
	d->pend[0] = p0;
	d->pend[1] = p1;
done:
	if (consumed)
		*consumed = i;
	return w;
}

void ild1420_block_scan_init(struct ild1420_block_scan *s)
{
	*s = (struct ild1420_block_scan){ .shutter_min = UINT32_MAX };
}

void ild1420_block_scan_feed(struct ild1420_block_scan *s, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];
		bool whole = (c & 0x80) && s->nbytes >= 2 && (s->pend[0] & 0xC0) == 0x00 &&
			     (s->pend[1] & 0xC0) == 0x40;
		if (!whole) {
			s->pend[0] = s->pend[1];
			s->pend[1] = c;
			s->nbytes++;
			continue;
		}
		uint32_t v = (uint32_t)(s->pend[0] & 0x3F) | (uint32_t)(s->pend[1] & 0x3F) << 6 |
			     (uint32_t)(c & 0x3F) << 12;
		bool first = !(c & 0x40), adjacent = s->nbytes == 2;
		if (!first && adjacent && s->prev_first) {
			s->blocks++;
			if (v < s->shutter_min)
				s->shutter_min = v;
			if (v > s->shutter_max)
				s->shutter_max = v;
		} else if (!first) {
			s->lone++;
		}
		s->prev_first = first;
		s->nbytes = 0;
		s->pend[0] = s->pend[1] = 0;
	}
}
