/* text.h - making strings from outside (the pen's *IDN? reply, an operator's
 * name, a profile) safe to put into CSV and XML reports.
 *
 * All functions write into a caller-owned buffer and never allocate.
 */
#ifndef RIG_RUN_TEXT_H
#define RIG_RUN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TEXT_SERIAL_MAX 40 /* characters of a serial in a file name */

/* Copy src into dst (cap bytes, cap >= 1), replacing every control
 * character (C0 including tab, CR and LF, DEL, the C1 range U+0080..
 * U+009F, and the Unicode bidi controls U+202A..U+202E and U+2066..U+2069,
 * which reorder what a reader sees) and every byte that is not part of
 * valid UTF-8 with '?'. Cuts at
 * a character boundary if dst is too small; always NUL-terminates. The
 * result is never longer than src. Returns true if nothing was replaced
 * or cut. */
bool text_clean(char *dst, size_t cap, const char *src);

/* For the terminal: copy src into dst like text_clean, but show each
 * control character and each byte of broken UTF-8 as "\xNN" (so an ESC
 * from a pen or a scanner cannot move the cursor, recolour or retitle the
 * operator's terminal, and a CR cannot overwrite a line already printed).
 * Cuts at a character or escape boundary; always NUL-terminates. */
void text_escape(char *dst, size_t cap, const char *src);

/* Would a spreadsheet run this text field as a formula? True when it
 * starts with '=', '+', '-', '@', tab or CR (OWASP "CSV injection"). */
bool text_is_formula(const char *s);

/* Numbers to their uncertainty (GUM 7.2.6): an expanded uncertainty U to
 * two significant digits, rounded up (so the stated U never claims more
 * than was measured), and a value to the same decimal place. */
#define TEXT_NUM_MAX 40 /* room for any number these write */
/* The decimal place U rounds to: 1 for 8 (8.0), 4 for 0.0046, -1 for 123
 * (120); INT_MIN when U is not a finite positive number. */
int text_u_decimals(double u);
/* U to two significant digits, rounded up ("8.0", "0.0047", "130"); "" for
 * NaN or infinite U, "0" for U = 0. */
void text_u(char *out, size_t cap, double u);
/* v rounded to U's decimal place ("252.9" for 252.881484 with U 8); without
 * a usable U, four significant digits (no claim of accuracy; docs/reports.md).
 * "" for NaN or infinite v; never "-0". */
void text_num_u(char *out, size_t cap, double v, double u);
/* v at a decimal place (negative: tens, hundreds ...); "" for NaN. */
void text_num_at(char *out, size_t cap, double v, int decimals);
/* A limit as the profile states it (%.9g: 150, 117.12); "" for NaN or
 * infinite. */
void text_limit(char *out, size_t cap, double v);

/* The one XML escaper (reports' JUnit, plots' SVG): write s to f cleaned
 * as by text_clean (XML 1.0 forbids most control characters even as
 * references) with & < > " ' escaped, so it is safe in text and in
 * attributes. NULL writes nothing. Out of memory writes "?" (the caller's
 * check of ferror/fclose does not see it: the document stays well-formed). */
void text_xml_put(FILE *f, const char *s);

/* The one serial-number sanitiser for file names (reports, sweeps): only
 * [A-Za-z0-9._-] (others become '_'), at most TEXT_SERIAL_MAX characters
 * (and cap - 1), never empty ("unknown"), and a leading '.' or '-' (a
 * hidden file, an option) becomes '_', so ".x" is "_x": different serials
 * stay apart rather than all becoming "unknown". */
void text_file_serial(char *out, size_t cap, const char *serial);

/* The one way serials are compared (a scan, the pen's *IDN?, the folder's
 * earlier runs, the results index): surrounding white space dropped, ASCII
 * letters in upper case ("  mn3-000123 " is "MN3-000123"). Cut to cap - 1
 * bytes; always NUL-terminates. */
void text_serial_key(char *out, size_t cap, const char *serial);
/* Are a and b the same serial by text_serial_key? NULL is "". */
bool text_serial_same(const char *a, const char *b);

#endif
