/* fsutil.c - small file-system helpers. */
#include "core/fsutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum rig_rc rig_mkdir_p(const char *path, struct rig_err *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		return rig_fail(err, RIG_E_IO, "cannot create folder %.64s...: path too long", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return rig_fail_errno(err, RIG_E_IO, errno, "cannot create folder %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot create folder %s", tmp);
	return RIG_OK;
}
