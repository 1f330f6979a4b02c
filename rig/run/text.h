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
 * character (C0 including tab, CR and LF, DEL, and the C1 range U+0080..
 * U+009F) and every byte that is not part of valid UTF-8 with '?'. Cuts at
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

#endif
