/* protocol.h - the pen's wire format: lines, numbers, replies, CRC-32
 * (docs/pen-protocol.md). No I/O here: api.c does the talking.
 *
 * Pure functions over caller-owned buffers. Parsers are strict (bounded,
 * exact grammar) and report what they expected and what they found,
 * without the port name, which api.c puts in front.
 */
#ifndef RIG_DEV_PEN_PROTOCOL_H
#define RIG_DEV_PEN_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "dev/pen/pen.h"

#define PEN_LINE_MAX 128  /* command bytes, without LF (pen refuses longer) */
#define PEN_REPLY_MAX 160 /* reply bytes, without CR/LF */
#define PEN_ERR_QUEUE 8   /* the pen's error queue length */
/* SCPI's device-specific hardware errors, -240 ("Hardware error") down to
 * -249: the pen's own fault (docs/pen-protocol.md, error queue). */
#define PEN_HW_ERROR_FIRST (-240)
#define PEN_HW_ERROR_LAST (-249)

/* CRC-32/ISO-HDLC (zlib's crc32): crc = pen_crc32(0, buf, n) and chains
 * as crc = pen_crc32(crc, more, m). "123456789" gives 0xCBF43926. */
uint32_t pen_crc32(uint32_t crc, const void *buf, size_t n);

/* A value in thousandths of its unit, as it goes on the wire; false if it
 * is not finite or does not fit an int32. */
bool pen_proto_to_milli(double v, int32_t *milli);
/* Canonical decimal: "1500", "120.5", "-0.25" (no trailing zeros). */
void pen_proto_format_milli(char *buf, size_t cap, int64_t milli);
/* Strict decimal: [+-]digits[.digits], <= 7 integer and 1..3 fraction
 * digits, nothing else. */
bool pen_proto_parse_milli(const char *s, int64_t *milli);

/* The table's canonical bytes' CRC: uint32 LE n, then per point int32 LE
 * cmd and raw in thousandths. Fails (RIG_E_DATA) like pen_cal_check. */
enum rig_rc pen_proto_table_crc(const struct pen_cal_table *t, uint32_t *crc,
				struct rig_err *err);

/* Whether the header (text before the first space) ends in '?'. */
bool pen_proto_is_query(const char *line);
/* A command line we may send: 1..PEN_LINE_MAX printable ASCII bytes. */
enum rig_rc pen_proto_check_command(const char *line, struct rig_err *err);

/* Reply parsers (the reply without its terminator). */
enum rig_rc pen_proto_parse_error(const char *reply, int *code, char *text,
				  size_t cap, struct rig_err *err);
enum rig_rc pen_proto_parse_idn(const char *reply, struct pen_identity *id,
				struct rig_err *err);
enum rig_rc pen_proto_parse_number(const char *reply, double *v, struct rig_err *err);
enum rig_rc pen_proto_parse_bool(const char *reply, bool *v, struct rig_err *err);
enum rig_rc pen_proto_parse_count(const char *reply, unsigned max, unsigned *n,
				  struct rig_err *err);
/* "n,XXXXXXXX" (count, CRC in 8 upper-case hex digits). */
enum rig_rc pen_proto_parse_crc(const char *reply, unsigned *n, uint32_t *crc,
				struct rig_err *err);
/* "cmd,raw" of a table point, in thousandths. */
enum rig_rc pen_proto_parse_point(const char *reply, int64_t *cmd_milli,
				  int64_t *raw_milli, struct rig_err *err);

/* Printable rendering of bytes for messages ("\x07" for others), at most
 * cap-1 characters, "..." when cut. */
void pen_proto_escape(char *out, size_t cap, const char *buf, size_t n);

#endif
