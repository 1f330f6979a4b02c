/* text.h - making strings from outside (the pen's *IDN? reply, an operator's
 * name, a profile) safe to put into CSV and XML reports.
 *
 * All functions write into a caller-owned buffer and never allocate.
 */
#ifndef RIG_RUN_TEXT_H
#define RIG_RUN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
