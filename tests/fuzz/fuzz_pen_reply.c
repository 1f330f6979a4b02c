/* fuzz_pen_reply.c - the pen driver's reply parsers (dev/pen/protocol.c) on
 * any line a pen could send, with the invariants their callers rely on:
 * what a parser accepts is well formed (identity fields printable, 1..31
 * bytes, no ',' or '"'), numbers survive format -> parse unchanged, and the
 * escaper never overruns its buffer and prints only printable ASCII. */
#include <string.h>

#include "dev/pen/protocol.h"
#include "fuzz.h"

static void check_printable(const char *s, const char *what)
{
	for (; *s; s++)
		FUZZ_ASSERT((unsigned char)*s >= 0x20 && (unsigned char)*s <= 0x7E,
			    "%s holds byte 0x%02X", what, (unsigned char)*s);
}

static void check_id_field(const char *f, const char *what)
{
	size_t n = strnlen(f, PEN_ID_MAX);
	FUZZ_ASSERT(n >= 1 && n < PEN_ID_MAX, "%s is %zu bytes", what, n);
	check_printable(f, what);
	FUZZ_ASSERT(!strchr(f, ',') && !strchr(f, '"'), "%s holds a separator", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A reply reaches the parsers NUL-terminated, without CR/LF, and at
	 * most PEN_REPLY_MAX bytes; give them a little more than that. */
	char reply[PEN_REPLY_MAX + 32];
	size_t n = size < sizeof reply - 1 ? size : sizeof reply - 1;
	memcpy(reply, data, n);
	reply[n] = '\0';
	struct rig_err err = { 0 };

	int code;
	char text[96];
	if (pen_proto_parse_error(reply, &code, text, sizeof text, &err) == RIG_OK) {
		FUZZ_ASSERT(code <= 0, "error code %d", code);
		FUZZ_ASSERT(strlen(text) < sizeof text, "text overran");
		FUZZ_ASSERT(code != 0 || strcmp(text, "No error") == 0, "code 0 with '%s'", text);
	}
	struct pen_identity id;
	if (pen_proto_parse_idn(reply, &id, &err) == RIG_OK) {
		check_id_field(id.maker, "maker");
		check_id_field(id.model, "model");
		check_id_field(id.serial, "serial");
		check_id_field(id.firmware, "firmware");
	}
	double v;
	if (pen_proto_parse_number(reply, &v, &err) == RIG_OK) {
		int64_t m, back;
		FUZZ_ASSERT(pen_proto_parse_milli(reply, &m), "number but not milli");
		char canon[32];
		pen_proto_format_milli(canon, sizeof canon, m);
		FUZZ_ASSERT(pen_proto_parse_milli(canon, &back) && back == m,
			    "'%s' -> %lld -> '%s' does not parse back", reply, (long long)m, canon);
		FUZZ_ASSERT(v == (double)m / 1000.0, "value %g for %lld", v, (long long)m);
	}
	bool b;
	if (pen_proto_parse_bool(reply, &b, &err) == RIG_OK)
		FUZZ_ASSERT(strlen(reply) == 1, "bool from '%s'", reply);
	unsigned cnt;
	if (pen_proto_parse_count(reply, PEN_CAL_MAX, &cnt, &err) == RIG_OK)
		FUZZ_ASSERT(cnt <= PEN_CAL_MAX, "count %u", cnt);
	uint32_t crc;
	if (pen_proto_parse_crc(reply, &cnt, &crc, &err) == RIG_OK) {
		char again[16];
		snprintf(again, sizeof again, "%08X", crc);
		FUZZ_ASSERT(cnt <= PEN_CAL_MAX && strstr(reply, again), "crc %08X of '%s'",
			    crc, reply);
	}
	int64_t cm, rm;
	if (pen_proto_parse_point(reply, &cm, &rm, &err) == RIG_OK)
		FUZZ_ASSERT(cm > -10000000000LL && cm < 10000000000LL && rm > -10000000000LL &&
				    rm < 10000000000LL,
			    "point %lld,%lld", (long long)cm, (long long)rm);
	(void)pen_proto_is_query(reply);
	if (pen_proto_check_command(reply, &err) == RIG_OK) {
		FUZZ_ASSERT(n >= 1 && strlen(reply) <= PEN_LINE_MAX, "command of %zu", strlen(reply));
		check_printable(reply, "command");
	}
	/* Every message the parsers built is printable (the reply is escaped). */
	check_printable(err.msg, "message");

	/* The escaper, on the raw bytes (NULs included), at every small cap. */
	for (size_t cap = 1; cap <= 24; cap += 7) {
		char out[32];
		memset(out, 'Z', sizeof out);
		pen_proto_escape(out, cap, (const char *)data, size);
		FUZZ_ASSERT(strlen(out) < cap, "escape wrote %zu in cap %zu", strlen(out), cap);
		FUZZ_ASSERT(out[cap] == 'Z' || cap == sizeof out, "escape wrote past cap %zu", cap);
		check_printable(out, "escaped text");
	}
	return 0;
}
