/* test_ild1420_protocol.c - the ILD1420 wire format: byte classes, scaling,
 * error codes and the streaming decoder's resynchronisation and slots. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dev/laser/protocol.h"

#define MAXB 4096

struct stream {
	uint8_t b[MAXB];
	size_t n;
};

static void push_value(struct stream *s, uint32_t v)
{
	ck_assert_uint_le(s->n + 3, MAXB);
	ild1420_encode(v, 0, &s->b[s->n]);
	s->n += 3;
}

static void push_byte(struct stream *s, uint8_t c)
{
	ck_assert_uint_lt(s->n, MAXB);
	s->b[s->n++] = c;
}

/* Values 1000, 1001, ... : distinct, all in the measuring range. */
static uint32_t val(unsigned k)
{
	return 1000u + 37u * k;
}

static size_t decode_all(struct ild1420_decoder *d, const uint8_t *b, size_t n,
			 struct laser_sample *out, size_t cap)
{
	size_t used = 0;
	size_t w = ild1420_decode(d, b, n, out, cap, &used);
	ck_assert_uint_eq(used, n);
	return w;
}

START_TEST(test_decoded_distance_equals_the_documented_conversion_to_the_bit)
{
	/* Every x in the range, in one stream, aligned (the fast path) and
	 * after a stray byte (the byte path): the same bits as
	 * ild1420_mm_from_x(), which is what a report or a trace shows. */
	static const double ranges[] = { 10, 25, 500 };
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
		for (int stray = 0; stray < 2; stray++) {
			struct ild1420_decoder d;
			ild1420_decoder_init(&d, ranges[r]);
			uint8_t bytes[4];
			for (uint32_t x = 0; x <= ILD1420_X_MAX; x += 13) {
				size_t nb = 0;
				if (stray)
					bytes[nb++] = 0x41; /* an M byte out of place */
				ild1420_encode(x, 0, bytes + nb);
				nb += 3;
				struct laser_sample out[4];
				size_t used, n = ild1420_decode(&d, bytes, nb, out, 4, &used);
				ck_assert_uint_eq(n, 1);
				ck_assert_int_eq(out[0].status, LASER_OK);
				ck_assert_msg(out[0].dist_mm == ild1420_mm_from_x(x, ranges[r]),
					      "x %u MR %g: %.17g vs %.17g", x, ranges[r],
					      out[0].dist_mm, ild1420_mm_from_x(x, ranges[r]));
			}
		}
}
END_TEST

START_TEST(test_encode_round_trips_every_byte_class)
{
	static const uint32_t vals[] = { 0, 1, 63, 64, 4095, 4096, 65520, 262075,
					 262082, 0x3FFFF, 0x2AAAA, 0x15555 };
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		for (int b6 = 0; b6 <= 1; b6++) {
			uint8_t o[3];
			ild1420_encode(vals[i], b6, o);
			ck_assert_uint_eq(o[0] >> 6, 0); /* L */
			ck_assert_uint_eq(o[1] >> 6, 1); /* M */
			ck_assert_uint_eq(o[2] >> 7, 1); /* H */
			ck_assert_uint_eq((o[2] >> 6) & 1, (unsigned)b6);
			uint32_t back = (uint32_t)(o[0] & 0x3F) | (uint32_t)(o[1] & 0x3F) << 6 |
					(uint32_t)(o[2] & 0x3F) << 12;
			ck_assert_uint_eq(back, vals[i]);
		}
	}
	/* Through the decoder too. */
	struct stream s = { .n = 0 };
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		push_value(&s, vals[i]);
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[32];
	size_t w = decode_all(&d, s.b, s.n, out, 32);
	ck_assert_uint_eq(w, sizeof vals / sizeof vals[0]);
	for (size_t i = 0; i < w; i++) {
		ck_assert_uint_eq(out[i].raw, vals[i]);
		ck_assert_uint_eq(out[i].slot, i);
	}
}
END_TEST

START_TEST(test_scaling_matches_hand_computed_values)
{
	/* d = (x * 102 / 65520 - 1) * MR / 100, worked by hand. */
	ck_assert_double_eq_tol(ild1420_mm_from_x(0, 10), -0.1, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(643, 10), 66.0 / 65520.0 * 0.1, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(32760, 10), 5.0, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(12345, 10), 1.8218406593406, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(65520, 10), 10.1, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(0, 25), -0.25, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(32760, 25), 12.5, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(64877, 25), 24.9997481684981, 1e-12);
	ck_assert_double_eq_tol(ild1420_mm_from_x(65520, 25), 25.25, 1e-12);
	/* Resolution of the 10 mm model: about 0.16 um per count. */
	double step_um = (ild1420_mm_from_x(1001, 10) - ild1420_mm_from_x(1000, 10)) * 1000;
	ck_assert_double_eq_tol(step_um, 0.1557, 1e-4);
}
END_TEST

START_TEST(test_x_from_mm_rounds_and_clamps)
{
	ck_assert_uint_eq(ild1420_x_from_mm(5.0, 10), 32760);
	ck_assert_uint_eq(ild1420_x_from_mm(12.5, 25), 32760);
	ck_assert_uint_eq(ild1420_x_from_mm(-0.1, 10), 0);
	ck_assert_uint_eq(ild1420_x_from_mm(-3.0, 10), 0);
	ck_assert_uint_eq(ild1420_x_from_mm(10.1, 10), 65520);
	ck_assert_uint_eq(ild1420_x_from_mm(50.0, 10), 65520);
	ck_assert_uint_eq(ild1420_x_from_mm(NAN, 10), 0);
	for (uint32_t x = 0; x <= 65520; x += 7) {
		ck_assert_uint_eq(ild1420_x_from_mm(ild1420_mm_from_x(x, 10), 10), x);
		ck_assert_uint_eq(ild1420_x_from_mm(ild1420_mm_from_x(x, 25), 25), x);
	}
}
END_TEST

START_TEST(test_error_codes_are_classified_before_masking)
{
	static const struct { uint32_t code; enum laser_status st; } codes[] = {
		{ 262075, LASER_ERR_DATA_RATE }, { 262076, LASER_ERR_NO_PEAK },
		{ 262077, LASER_ERR_PEAK_BEFORE }, { 262078, LASER_ERR_PEAK_AFTER },
		{ 262079, LASER_ERR_OTHER }, { 262080, LASER_ERR_CALC },
		{ 262081, LASER_ERR_PEAK_WIDE }, { 262082, LASER_ERR_LASER_OFF },
		{ 262083, LASER_ERR_OTHER }, { 65521, LASER_ERR_OTHER },
		{ 0x3FFFF, LASER_ERR_OTHER }, { 131072 + 1000, LASER_ERR_OTHER },
	};
	/* The trap: masked to 16 bits, "no peak" is a plausible x. */
	ck_assert_uint_eq(262076u & 0xFFFFu, 65468u);
	ck_assert_int_eq(ild1420_classify(65468), LASER_OK);
	struct stream s = { .n = 0 };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		ck_assert_int_eq(ild1420_classify(codes[i].code), codes[i].st);
		push_value(&s, codes[i].code);
	}
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[32];
	size_t w = decode_all(&d, s.b, s.n, out, 32);
	ck_assert_uint_eq(w, sizeof codes / sizeof codes[0]);
	for (size_t i = 0; i < w; i++) {
		ck_assert_int_eq(out[i].status, codes[i].st);
		ck_assert_int_ne(out[i].status, LASER_OK);
		ck_assert(isnan(out[i].dist_mm));
		ck_assert_uint_eq(out[i].raw, codes[i].code);
	}
	ck_assert_uint_eq(d.count.error_codes, w);
	ck_assert_uint_eq(d.count.ok, 0);
	for (int st = 0; st < LASER_STATUS_COUNT; st++)
		ck_assert_ptr_nonnull(laser_status_name((enum laser_status)st));
	ck_assert_str_eq(laser_status_name(LASER_ERR_NO_PEAK), "no peak");
}
END_TEST

START_TEST(test_reserves_are_distances_outside_the_range)
{
	ck_assert_int_eq(ild1420_classify(0), LASER_OK);
	ck_assert_int_eq(ild1420_classify(642), LASER_OK);
	ck_assert_int_eq(ild1420_classify(65520), LASER_OK);
	ck_assert(!ild1420_x_in_range(0));
	ck_assert(!ild1420_x_in_range(642));
	ck_assert(ild1420_x_in_range(643));
	ck_assert(ild1420_x_in_range(64877));
	ck_assert(!ild1420_x_in_range(64878));
	ck_assert(!ild1420_x_in_range(65520));
}
END_TEST

/* Decode `s` and check: samples have contiguous slots 0..nslots-1; the good
 * ones carry val(slot); exactly `nlost` are LASER_LOST. */
static void check_slots(const struct stream *s, unsigned nslots, unsigned nlost)
{
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[MAXB];
	size_t w = decode_all(&d, s->b, s->n, out, MAXB);
	ck_assert_uint_eq(w, nslots);
	unsigned lost = 0;
	for (size_t i = 0; i < w; i++) {
		ck_assert_uint_eq(out[i].slot, i);
		if (out[i].status == LASER_LOST) {
			lost++;
			ck_assert_uint_eq(out[i].raw, 0);
			continue;
		}
		ck_assert_int_eq(out[i].status, LASER_OK);
		ck_assert_uint_eq(out[i].raw, val((unsigned)i));
	}
	ck_assert_uint_eq(lost, nlost);
	ck_assert_uint_eq(d.count.lost, nlost);
	ck_assert_uint_eq(d.count.values, nslots);
}

/* 10 values, with byte `drop` of value 5 (0 = L, 1 = M, 2 = H) dropped. */
static void check_drop(unsigned which)
{
	struct stream s = { .n = 0 };
	for (unsigned k = 0; k < 10; k++) {
		uint8_t o[3];
		ild1420_encode(val(k), 0, o);
		for (unsigned j = 0; j < 3; j++)
			if (!(k == 5 && j == which))
				push_byte(&s, o[j]);
	}
	check_slots(&s, 10, 1);
}

START_TEST(test_decoder_resyncs_after_lost_l_byte)
{
	check_drop(0);
}
END_TEST

START_TEST(test_decoder_resyncs_after_lost_m_byte)
{
	check_drop(1);
}
END_TEST

START_TEST(test_decoder_resyncs_after_lost_h_byte)
{
	check_drop(2);
}
END_TEST

/* 10 values with byte c inserted at byte offset `at` of the stream. */
static struct stream with_stray(uint8_t c, size_t at)
{
	struct stream s = { .n = 0 };
	for (unsigned k = 0; k < 10; k++)
		push_value(&s, val(k));
	memmove(&s.b[at + 1], &s.b[at], s.n - at);
	s.b[at] = c;
	s.n++;
	return s;
}

START_TEST(test_stray_byte_between_values_costs_nothing)
{
	static const uint8_t strays[] = { 0x15, 0x55, 0x95, 0xD5 }; /* L M H H(b6) */
	for (size_t i = 0; i < 4; i++) {
		struct stream s = with_stray(strays[i], 5 * 3);
		check_slots(&s, 10, 0);
	}
}
END_TEST

START_TEST(test_stray_byte_inside_a_value_costs_that_value)
{
	static const uint8_t strays[] = { 0x15, 0x55, 0x95 };
	for (size_t i = 0; i < 3; i++)
		for (size_t off = 1; off <= 2; off++) {
			struct stream s = with_stray(strays[i], 5 * 3 + off);
			/* An L right after an L (or an M right before the
			 * value's M) leaves a clean L M H: nothing lost. */
			struct ild1420_decoder d;
			ild1420_decoder_init(&d, 10);
			struct laser_sample out[32];
			size_t w = decode_all(&d, s.b, s.n, out, 32);
			ck_assert_uint_eq(w, 10);
			ck_assert_uint_le(d.count.lost, 1);
			for (size_t k = 0; k < w; k++) {
				ck_assert_uint_eq(out[k].slot, k);
				if (k != 5)
					ck_assert_uint_eq(out[k].raw, val((unsigned)k));
			}
		}
	/* L M [stray H] H: the stray takes the place of the value's H (its
	 * data bits are wrong and undetectable), the real H is stray. */
	struct stream s = with_stray(0x95, 5 * 3 + 2);
	{
		struct ild1420_decoder d;
		ild1420_decoder_init(&d, 10);
		struct laser_sample out[32];
		ck_assert_uint_eq(decode_all(&d, s.b, s.n, out, 32), 10);
		ck_assert_uint_eq(d.count.lost, 0);
		ck_assert_uint_eq(out[5].raw, (val(5) & 0xFFFu) | 0x15u << 12);
		ck_assert_int_eq(out[5].status, LASER_ERR_OTHER);
		ck_assert_uint_eq(d.count.bytes_discarded, 1);
	}
	/* L [stray L] M H: that L M H is clean, but its L is the stray's. */
	s = with_stray(0x00, 5 * 3 + 1);
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[32];
	ck_assert_uint_eq(decode_all(&d, s.b, s.n, out, 32), 10);
	ck_assert_uint_eq(d.count.lost, 0);
	ck_assert_uint_eq(out[5].raw, val(5) & ~0x3Fu); /* L = 0: undetectable */
}
END_TEST

START_TEST(test_decoder_resyncs_after_corrupted_byte)
{
	/* Each byte of value 5 flipped into each other class. */
	static const uint8_t into[] = { 0x00, 0x40, 0x80 };
	for (unsigned j = 0; j < 3; j++)
		for (unsigned c = 0; c < 3; c++) {
			if (c == (j == 2 ? 2u : j))
				continue;
			struct stream s = { .n = 0 };
			for (unsigned k = 0; k < 10; k++)
				push_value(&s, val(k));
			uint8_t *b = &s.b[5 * 3 + j];
			*b = (uint8_t)(into[c] | (*b & 0x3F));
			check_slots(&s, 10, 1);
		}
}
END_TEST

START_TEST(test_garbage_burst_of_value_length_keeps_slot_count)
{
	/* Values 10..19 replaced by 30 bytes of noise: 10 slots lost or
	 * decoded as garbage, never a shifted time base afterwards. */
	uint64_t seed = 12345;
	for (int round = 0; round < 200; round++) {
		struct stream s = { .n = 0 };
		for (unsigned k = 0; k < 40; k++) {
			if (k >= 10 && k < 20) {
				for (int j = 0; j < 3; j++) {
					seed = seed * 6364136223846793005ull + 1442695040888963407ull;
					push_byte(&s, (uint8_t)(seed >> 56));
				}
			} else {
				push_value(&s, val(k));
			}
		}
		struct ild1420_decoder d;
		ild1420_decoder_init(&d, 10);
		struct laser_sample out[128];
		size_t w = decode_all(&d, s.b, s.n, out, 128);
		/* Noise may end in a stray-looking H or swallow the next L:
		 * the count stays within one value of the truth. */
		ck_assert_uint_ge(w, 39);
		ck_assert_uint_le(w, 41);
		/* The last ten values are intact and in slots 30..39 +- 1. */
		for (size_t i = w - 10; i < w; i++)
			ck_assert_uint_eq(out[i].raw, val((unsigned)(i - w + 40)));
		ck_assert_uint_eq(out[w - 1].slot, w - 1);
		for (size_t i = 0; i < 10; i++)
			ck_assert_uint_eq(out[i].raw, val((unsigned)i));
	}
}
END_TEST

START_TEST(test_stray_h_after_two_lost_bytes_is_the_known_blind_spot)
{
	/* Only the H of value 5 arrives: it looks like a stray H. */
	struct stream s = { .n = 0 };
	for (unsigned k = 0; k < 10; k++) {
		uint8_t o[3];
		ild1420_encode(val(k), 0, o);
		if (k != 5) {
			push_byte(&s, o[0]);
			push_byte(&s, o[1]);
		}
		push_byte(&s, o[2]);
	}
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[32];
	ck_assert_uint_eq(decode_all(&d, s.b, s.n, out, 32), 9);
	ck_assert_uint_eq(d.count.bytes_discarded, 1);
}
END_TEST

START_TEST(test_long_loss_keeps_its_slots)
{
	/* Values 3..9 lost entirely: whole values vanish without a trace. */
	struct stream s = { .n = 0 };
	for (unsigned k = 0; k < 12; k++) {
		uint8_t o[3];
		ild1420_encode(val(k), 0, o);
		if (k >= 3 && k <= 9)
			continue;
		push_value(&s, val(k));
	}
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[32];
	ck_assert_uint_eq(decode_all(&d, s.b, s.n, out, 32), 5);
	/* Values 4 and 5 lose their H, value 6 its M and H: 3 values. */
	struct stream t = { .n = 0 };
	for (unsigned k = 0; k < 12; k++) {
		uint8_t o[3];
		ild1420_encode(val(k), 0, o);
		if (k == 4 || k == 5) {
			push_byte(&t, o[0]);
			push_byte(&t, o[1]);
		} else if (k == 6) {
			push_byte(&t, o[0]);
		} else {
			push_value(&t, val(k));
		}
	}
	/* junk = 5 bytes -> round(5/3) = 2 slots, one short of 3: two bytes
	 * lost from one value are beyond what the rule promises. */
	ild1420_decoder_init(&d, 10);
	ck_assert_uint_eq(decode_all(&d, t.b, t.n, out, 32), 11);
	ck_assert_uint_eq(d.count.lost, 2);
	ck_assert_uint_eq(d.count.bytes_discarded, 5);
}
END_TEST

static struct stream messy_stream(void)
{
	struct stream s = { .n = 0 };
	for (unsigned k = 0; k < 300; k++) {
		uint8_t o[3];
		ild1420_encode(k % 50 == 7 ? 262076 : val(k), 0, o);
		for (unsigned j = 0; j < 3; j++) {
			if (k % 23 == 3 && j == k % 3)
				continue;               /* lost byte */
			push_byte(&s, o[j]);
			if (k % 31 == 4 && j == 1)
				push_byte(&s, 0x7F);    /* stray M */
		}
	}
	return s;
}

START_TEST(test_chunk_boundaries_anywhere_give_identical_output)
{
	struct stream s = messy_stream();
	struct ild1420_decoder whole, bytewise, chunky;
	ild1420_decoder_init(&whole, 25);
	ild1420_decoder_init(&bytewise, 25);
	ild1420_decoder_init(&chunky, 25);
	static struct laser_sample a[1024], b[1024], c[1024];
	size_t na = decode_all(&whole, s.b, s.n, a, 1024);
	size_t nb = 0;
	for (size_t i = 0; i < s.n; i++)
		nb += decode_all(&bytewise, &s.b[i], 1, &b[nb], 1024 - nb);
	/* Chunks of varying length and an output buffer of 1 or 2: bytes
	 * not consumed are offered again. */
	size_t nc = 0, pos = 0, len = 1;
	while (pos < s.n || ild1420_decoder_owed(&chunky)) {
		size_t n = s.n - pos < len ? s.n - pos : len;
		size_t used = 0;
		nc += ild1420_decode(&chunky, &s.b[pos], n, &c[nc], 1 + (len & 1), &used);
		pos += used;
		len = len % 7 + 1;
	}
	ck_assert_uint_gt(na, 290);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_eq(na, nc);
	for (size_t i = 0; i < na; i++) {
		ck_assert_uint_eq(a[i].slot, i);
		ck_assert_uint_eq(a[i].slot, b[i].slot);
		ck_assert_uint_eq(a[i].slot, c[i].slot);
		ck_assert_uint_eq(a[i].raw, b[i].raw);
		ck_assert_uint_eq(a[i].raw, c[i].raw);
		ck_assert_int_eq(a[i].status, b[i].status);
		ck_assert_int_eq(a[i].status, c[i].status);
	}
	ck_assert_mem_eq(&whole.count, &bytewise.count, sizeof whole.count);
	ck_assert_mem_eq(&whole.count, &chunky.count, sizeof whole.count);
	ck_assert_uint_eq(whole.count.error_codes, 6);
	ck_assert_uint_gt(whole.count.lost, 0);
}
END_TEST

START_TEST(test_messy_stream_keeps_exact_slot_count)
{
	/* 300 values; 13 single-byte losses, 10 stray M bytes: each loss
	 * costs exactly one slot, each stray none or the value it sits in. */
	struct stream s = messy_stream();
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	static struct laser_sample out[1024];
	size_t w = decode_all(&d, s.b, s.n, out, 1024);
	ck_assert_uint_eq(w, 300);
	for (size_t i = 0; i < w; i++) {
		ck_assert_uint_eq(out[i].slot, i);
		if (out[i].status == LASER_OK)
			ck_assert_uint_eq(out[i].raw, val((unsigned)i));
		else if (out[i].status != LASER_LOST)
			ck_assert_uint_eq(i % 50, 7);
	}
}
END_TEST

START_TEST(test_full_output_buffer_owes_samples_to_the_next_call)
{
	/* 8 junk bytes then a good value: 3 lost slots + 1 value, cap 2. */
	struct stream s = { .n = 0 };
	for (int i = 0; i < 8; i++)
		push_byte(&s, 0x01);
	push_value(&s, val(3));
	struct ild1420_decoder d;
	ild1420_decoder_init(&d, 10);
	struct laser_sample out[4];
	size_t used = 0;
	ck_assert_uint_eq(ild1420_decode(&d, s.b, s.n, out, 2, &used), 2);
	ck_assert_uint_eq(used, s.n);
	ck_assert_uint_eq(ild1420_decoder_owed(&d), 2);
	ck_assert_uint_eq(ild1420_decode(&d, NULL, 0, out + 2, 2, &used), 2);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(ild1420_decoder_owed(&d), 0);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(out[i].status, LASER_LOST);
	ck_assert_uint_eq(out[3].raw, val(3));
	ck_assert_uint_eq(out[3].slot, 3);
	ck_assert_uint_eq(ild1420_decode(&d, s.b, 0, out, 0, &used), 0);
}
END_TEST

/* OUTADD_RS422 SHUTTER: blocks of a distance (b6 = 0) and the shutter time
 * (b6 = 1, 0.1 us a count). Only whole blocks count: the scanner survives
 * a stream that starts mid-value, a prompt's ASCII before it, stray bytes
 * and chunks split anywhere, and never takes a distance for a shutter. */
static void push_block(struct stream *s, uint32_t dist, uint32_t shutter)
{
	ck_assert_uint_le(s->n + 6, MAXB);
	ild1420_encode(dist, 0, &s->b[s->n]);
	ild1420_encode(shutter, 1, &s->b[s->n + 3]);
	s->n += 6;
}

START_TEST(test_shutter_blocks_are_read_whole_and_only_whole)
{
	struct stream s = { .n = 0 };
	push_byte(&s, 0x2d); /* the tail of the prompt "->": class L */
	push_byte(&s, 0x3e);
	ild1420_encode(val(0), 1, &s.b[s.n]); /* the second half of a block */
	s.n += 3;
	for (unsigned k = 0; k < 5; k++)
		push_block(&s, val(k), 2000); /* 200.0 us */
	push_value(&s, val(9));
	push_byte(&s, 0x55);                   /* a stray M between the pair */
	ild1420_encode(1999, 1, &s.b[s.n]);    /* not whole: not taken */
	s.n += 3;
	push_block(&s, 262076, 2000);          /* an error code still carries it */
	for (size_t chunk = 1; chunk <= s.n; chunk++) {
		struct ild1420_block_scan sc;
		ild1420_block_scan_init(&sc);
		for (size_t i = 0; i < s.n; i += chunk)
			ild1420_block_scan_feed(&sc, s.b + i, i + chunk <= s.n ? chunk : s.n - i);
		ck_assert_uint_eq(sc.blocks, 6);
		ck_assert_uint_eq(sc.lone, 2);
		ck_assert_uint_eq(sc.shutter_min, 2000);
		ck_assert_uint_eq(sc.shutter_max, 2000);
	}
	ck_assert_double_eq_tol(2000 * ILD1420_SHUTTER_US_PER_COUNT, 200.0, 1e-9);
	/* A distance stream without added outputs has no blocks at all. */
	struct stream d = { .n = 0 };
	for (unsigned k = 0; k < 20; k++)
		push_value(&d, val(k));
	struct ild1420_block_scan sc;
	ild1420_block_scan_init(&sc);
	ild1420_block_scan_feed(&sc, d.b, d.n);
	ck_assert_uint_eq(sc.blocks, 0);
	ck_assert_uint_eq(sc.lone, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ild1420_protocol");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_decoded_distance_equals_the_documented_conversion_to_the_bit);
	tcase_add_test(tc, test_encode_round_trips_every_byte_class);
	tcase_add_test(tc, test_scaling_matches_hand_computed_values);
	tcase_add_test(tc, test_x_from_mm_rounds_and_clamps);
	tcase_add_test(tc, test_error_codes_are_classified_before_masking);
	tcase_add_test(tc, test_reserves_are_distances_outside_the_range);
	tcase_add_test(tc, test_decoder_resyncs_after_lost_l_byte);
	tcase_add_test(tc, test_decoder_resyncs_after_lost_m_byte);
	tcase_add_test(tc, test_decoder_resyncs_after_lost_h_byte);
	tcase_add_test(tc, test_stray_byte_between_values_costs_nothing);
	tcase_add_test(tc, test_stray_byte_inside_a_value_costs_that_value);
	tcase_add_test(tc, test_decoder_resyncs_after_corrupted_byte);
	tcase_add_test(tc, test_garbage_burst_of_value_length_keeps_slot_count);
	tcase_add_test(tc, test_stray_h_after_two_lost_bytes_is_the_known_blind_spot);
	tcase_add_test(tc, test_long_loss_keeps_its_slots);
	tcase_add_test(tc, test_chunk_boundaries_anywhere_give_identical_output);
	tcase_add_test(tc, test_messy_stream_keeps_exact_slot_count);
	tcase_add_test(tc, test_full_output_buffer_owes_samples_to_the_next_call);
	tcase_add_test(tc, test_shutter_blocks_are_read_whole_and_only_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
