/* fsutil.h - small file-system helpers shared by the run, sweeps and plots.
 * No allocation; errors name the path and errno's text. */
#ifndef RIG_CORE_FSUTIL_H
#define RIG_CORE_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* mkdir -p: create path and its missing parents (mode 0755). RIG_E_IO
 * naming the first folder that could not be made. */
enum rig_rc rig_mkdir_p(const char *path, struct rig_err *err);

/* Create <stem><ext> for writing, never overwriting one that exists: then
 * <stem>-2<ext>, -3 ... (O_EXCL, as reports are named), so two writers in
 * the same second both keep their file. path gets the name made (or the
 * last tried); NULL with errno set when none could be made. */
FILE *rig_create_unique(const char *stem, const char *ext, char *path, size_t cap);

#endif
