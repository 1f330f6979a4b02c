/* fsutil.c - small file-system helpers. */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

FILE *rig_create_unique(const char *stem, const char *ext, char *path, size_t cap)
{
	for (int k = 1; k < 1000; k++) {
		int len = k == 1 ? snprintf(path, cap, "%s%s", stem, ext)
				 : snprintf(path, cap, "%s-%d%s", stem, k, ext);
		if (len < 0 || (size_t)len >= cap) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			FILE *f = fdopen(fd, "w");
			if (!f) {
				int e = errno;
				close(fd);
				unlink(path);
				errno = e;
			}
			return f;
		}
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}
