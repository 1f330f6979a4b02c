/* ini_read.h - read an INI file with libinih and know the line of every key,
 * so each message can say "file:line: expected ..., found ...".
 *
 * Debian's libinih is built without INI_HANDLER_LINENO, so we feed it lines
 * through our own reader, which counts them and refuses what libinih would
 * silently misread: NUL bytes, lines longer than its buffer (it would split
 * them), and indented lines (it would glue them to the previous value). The
 * whole file is read into memory first (bounded), so a caller can hash the
 * exact bytes it parsed. The caller owns struct ini_text and frees it with
 * ini_text_free().
 */
#ifndef RIG_CORE_INI_READ_H
#define RIG_CORE_INI_READ_H

#include <stddef.h>

#include "core/err.h"

struct ini_text {
	char *bytes;  /* the file's exact bytes, NUL-terminated (malloc'd) */
	size_t len;   /* without the terminator */
};

/* Called for each key: return RIG_OK to go on, or fill err and return the
 * error (parsing stops there). `line` is the key's line in the file. */
typedef enum rig_rc (*ini_read_key_fn)(void *user, int line, const char *section,
				       const char *key, const char *value,
				       struct rig_err *err);

/* Read path (at most max_bytes) into *t. A missing file is `bad` (the
 * caller's class for bad input: RIG_E_CONFIG for fixtures, RIG_E_DATA for
 * profiles); other failures are RIG_E_IO. */
enum rig_rc ini_text_load(struct ini_text *t, const char *path, size_t max_bytes,
			  enum rig_rc bad, struct rig_err *err);
/* Copy len bytes of memory (a file already read, or a fuzzer's input) into
 * *t under the same limit; `path` is only used in messages. */
enum rig_rc ini_text_from_memory(struct ini_text *t, const char *path, const void *bytes,
				 size_t len, size_t max_bytes, enum rig_rc bad,
				 struct rig_err *err);
void ini_text_free(struct ini_text *t);

/* Parse t, calling fn for each key. Syntax errors, NUL bytes, over-long and
 * indented lines fail with `bad` and "path:line: ..." (path is only used in
 * messages). The first error in file order wins. */
enum rig_rc ini_read_parse(const struct ini_text *t, const char *path, enum rig_rc bad,
			   ini_read_key_fn fn, void *user, struct rig_err *err);

/* ini_text_load + ini_read_parse. */
enum rig_rc ini_read_file(const char *path, size_t max_bytes, enum rig_rc bad,
			  ini_read_key_fn fn, void *user, struct rig_err *err);

#endif
