/* csvline.h - one CSV line built in memory, by the rules every CSV the rig
 * writes follows (docs/reports.md): text fields with control characters
 * replaced and formula triggers neutralised by a leading apostrophe,
 * quoted by libcsv; numbers we format left bare (%.9g, NaN and infinities
 * empty, no "-0"); counts below zero empty; CRLF line ends.
 *
 * The caller owns the struct (zero it, or CSV_LINE_INIT) and frees its
 * buffer with free(l.s). Out of memory sets oom and drops the line's text.
 */
#ifndef RIG_RUN_CSVLINE_H
#define RIG_RUN_CSVLINE_H

#include <stdbool.h>
#include <stddef.h>

struct csv_line {
	char *s;     /* the text so far, NUL-terminated (NULL before any) */
	size_t len, cap;
	bool oom;
	bool first;  /* no field yet on this line */
};

#define CSV_LINE_INIT ((struct csv_line){ .first = true })

void csv_line_raw(struct csv_line *l, const char *s, size_t n);
void csv_line_text(struct csv_line *l, const char *text);
void csv_line_num(struct csv_line *l, double v);
/* A number already formatted by us (run/text.h), bare; "" is empty. */
void csv_line_bare(struct csv_line *l, const char *formatted);
void csv_line_long(struct csv_line *l, long v);
void csv_line_end(struct csv_line *l);
void csv_line_header(struct csv_line *l, const char *const *cols, size_t n);

#endif
