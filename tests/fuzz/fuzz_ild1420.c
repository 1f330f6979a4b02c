/* fuzz_ild1420.c - the ILD1420 stream decoder (dev/laser/protocol.c) on any
 * byte stream, with its invariants: slots start at 0 and go up by one, an
 * error code never becomes a distance, counters add up, and the output does
 * not depend on how the stream is cut into reads or on the caller's buffer
 * size (one call, two chunks split anywhere, a tiny output buffer). */
#include <math.h>
#include <string.h>

#include "dev/laser/protocol.h"
#include "fuzz.h"

#define MAX_OUT 8192

struct run {
	struct laser_sample s[MAX_OUT];
	size_t n;
	struct ild1420_counters count;
};

/* Decode buf cut at `split`, with an output buffer of `cap` samples. */
static void decode(struct run *r, const uint8_t *buf, size_t n, size_t split, size_t cap)
{
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 25.0);
	r->n = 0;
	size_t cuts[3] = { 0, split, n };
	for (int k = 0; k < 2; k++) {
		size_t off = cuts[k], end = cuts[k + 1];
		/* Until this chunk is used up and nothing is owed any more. */
		while (off < end || ild1420_decoder_owed(&d)) {
			size_t used = 0;
			size_t room = MAX_OUT - r->n < cap ? MAX_OUT - r->n : cap;
			FUZZ_ASSERT(room > 0, "more samples than bytes");
			size_t got = ild1420_decode(&d, buf + off, end - off, r->s + r->n, room, &used);
			FUZZ_ASSERT(used <= end - off, "consumed %zu of %zu", used, end - off);
			FUZZ_ASSERT(got <= room, "wrote %zu into %zu", got, room);
			FUZZ_ASSERT(got > 0 || used == end - off,
				    "no progress: wrote nothing and left %zu bytes", end - off - used);
			off += used;
			r->n += got;
		}
	}
	r->count = d.count;
}

static void check_run(const struct run *r, size_t nbytes)
{
	uint64_t ok = 0, lost = 0, codes = 0;
	FUZZ_ASSERT(r->n <= 2 * nbytes / 5 + 1, "%zu samples from %zu bytes", r->n, nbytes);
	for (size_t i = 0; i < r->n; i++) {
		const struct laser_sample *s = &r->s[i];
		FUZZ_ASSERT(s->slot == i, "sample %zu has slot %llu", i, (unsigned long long)s->slot);
		FUZZ_ASSERT(s->raw < (1u << 18), "raw %u is not 18 bits", s->raw);
		switch (s->status) {
		case LASER_OK:
			ok++;
			FUZZ_ASSERT(s->raw <= ILD1420_X_MAX, "distance from raw %u", s->raw);
			FUZZ_ASSERT(isfinite(s->dist_mm) &&
					    s->dist_mm == ild1420_mm_from_x(s->raw, 25.0),
				    "raw %u gave %g mm", s->raw, s->dist_mm);
			break;
		case LASER_LOST:
			lost++;
			FUZZ_ASSERT(s->raw == 0 && isnan(s->dist_mm), "lost sample with a value");
			break;
		default:
			codes++;
			FUZZ_ASSERT(s->status < LASER_STATUS_COUNT, "status %d", s->status);
			FUZZ_ASSERT(s->raw > ILD1420_X_MAX && isnan(s->dist_mm),
				    "error status %d with raw %u, %g mm", s->status, s->raw,
				    s->dist_mm);
			FUZZ_ASSERT(ild1420_classify(s->raw) == s->status, "status %d for raw %u",
				    s->status, s->raw);
			break;
		}
	}
	FUZZ_ASSERT(r->count.values == r->n && r->count.ok == ok && r->count.lost == lost &&
			    r->count.error_codes == codes,
		    "counters %llu/%llu/%llu/%llu, emitted %zu/%llu/%llu/%llu",
		    (unsigned long long)r->count.values, (unsigned long long)r->count.ok,
		    (unsigned long long)r->count.lost, (unsigned long long)r->count.error_codes,
		    r->n, (unsigned long long)ok, (unsigned long long)lost,
		    (unsigned long long)codes);
	FUZZ_ASSERT(r->count.bytes_discarded <= nbytes, "discarded %llu of %zu",
		    (unsigned long long)r->count.bytes_discarded, nbytes);
}

static void same(const struct run *a, const struct run *b, const char *how)
{
	FUZZ_ASSERT(a->n == b->n, "%s: %zu samples, whole: %zu", how, b->n, a->n);
	for (size_t i = 0; i < a->n; i++)
		FUZZ_ASSERT(a->s[i].slot == b->s[i].slot && a->s[i].raw == b->s[i].raw &&
				    a->s[i].status == b->s[i].status,
			    "%s: sample %zu differs", how, i);
	FUZZ_ASSERT(memcmp(&a->count, &b->count, sizeof a->count) == 0, "%s: counters differ",
		    how);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, split, small; /* large: not on the stack */
	if (size < 2 || size > 3 * (MAX_OUT - 1))
		return 0;
	/* The first two bytes choose the cut and the small buffer's size. */
	const uint8_t *buf = data + 2;
	size_t n = size - 2;
	size_t at = n ? data[0] % (n + 1) : 0;
	size_t cap = 1 + data[1] % 4;

	decode(&whole, buf, n, n, MAX_OUT);
	check_run(&whole, n);
	decode(&split, buf, n, at, MAX_OUT);
	same(&whole, &split, "two chunks");
	decode(&small, buf, n, at, cap);
	same(&whole, &small, "small buffer");
	return 0;
}
