/* fsutil.h - small file-system helpers shared by the run, sweeps and plots.
 * No allocation; errors name the path and errno's text. */
#ifndef RIG_CORE_FSUTIL_H
#define RIG_CORE_FSUTIL_H

#include "core/err.h"

/* mkdir -p: create path and its missing parents (mode 0755). RIG_E_IO
 * naming the first folder that could not be made. */
enum rig_rc rig_mkdir_p(const char *path, struct rig_err *err);

#endif
