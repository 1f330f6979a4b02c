/* ini_edit.h - change one value in an INI file in place, keeping every
 * comment, blank line and the order of sections and keys.
 *
 * Used by the fixture calibration commands (rig tare, rig zero, ...). The
 * file is rewritten atomically (temporary file, fsync, rename), so a crash
 * leaves either the old or the new file, never a mix.
 */
#ifndef RIG_CORE_INI_EDIT_H
#define RIG_CORE_INI_EDIT_H

#include <stddef.h>

#include "core/err.h"

struct ini_edit {
	const char *section;
	const char *key;
	const char *value;
};

/* Set each section.key to value. A key missing from its section is added at
 * the end of the section; a missing section is an error (RIG_E_CONFIG).
 * An inline comment after a value is kept. */
enum rig_rc ini_edit_apply(const char *path, const struct ini_edit *edits,
			   size_t n, struct rig_err *err);

/* Today's date, UTC, as YYYY-MM-DD (for calibration stamps). */
void ini_today(char out[11]);

#endif
