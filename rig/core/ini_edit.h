/* ini_edit.h - change one value in an INI file in place, keeping every
 * comment, blank line and the order of sections and keys.
 *
 * Used by the fixture calibration commands (rig tare, rig zero, ...)
 * through fixture_commit(). The file is rewritten atomically (temporary
 * file created O_EXCL|O_NOFOLLOW beside it, fsync, rename), so a crash
 * leaves either the old or the new file, never a mix; under a flock(2) on
 * it, so two writers never lose each other's change. A symlink is followed
 * and stays a link; mode, owner and group are kept; a file marked
 * read-only or that this user may not write is refused (RIG_E_IO), never
 * replaced.
 */
#ifndef RIG_CORE_INI_EDIT_H
#define RIG_CORE_INI_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct ini_edit {
	const char *section;
	const char *key;
	const char *value;
};

/* One change as made: the old value text ("" and existed = false if the
 * key was added). Pointers are the edit's. */
struct ini_change {
	const char *section, *key, *new_value;
	char old_value[128];
	bool existed;
};

struct ini_commit {
	/* Keep the file as it was in PATH.prev (same mode, owner, group). */
	bool keep_previous;
	/* Called under the lock with the changes once the new text is ready,
	 * before it replaces the file; an error leaves the file unchanged. */
	enum rig_rc (*committed)(void *ctx, const char *target, const struct ini_change *ch,
				 size_t n, struct rig_err *err);
	void *ctx;
};

/* Set each section.key to value. A key missing from its section is added at
 * the end of the section; a missing section is an error (RIG_E_CONFIG).
 * An inline comment after a value is kept. how may be NULL. RIG_E_BUSY if
 * another writer held the file for 10 s. */
enum rig_rc ini_edit_commit(const char *path, const struct ini_edit *edits, size_t n,
			    const struct ini_commit *how, struct rig_err *err);
/* ini_edit_commit(path, edits, n, NULL, err). */
enum rig_rc ini_edit_apply(const char *path, const struct ini_edit *edits,
			   size_t n, struct rig_err *err);

/* Today's date, UTC, as YYYY-MM-DD (for calibration stamps). */
void ini_today(char out[11]);

#endif
