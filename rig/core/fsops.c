/* fsops.c - the POSIX file-system ops table. */
#include "core/fsops.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int posix_open(void *ctx, const char *path, int flags, mode_t mode)
{
	(void)ctx;
	return open(path, flags, mode);
}

static ssize_t posix_write(void *ctx, int fd, const void *buf, size_t len)
{
	(void)ctx;
	return write(fd, buf, len);
}

static int posix_fsync(void *ctx, int fd)
{
	(void)ctx;
	return fsync(fd);
}

static int posix_rename(void *ctx, const char *from, const char *to, unsigned flags)
{
	(void)ctx;
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
}

static int posix_unlink(void *ctx, const char *path)
{
	(void)ctx;
	return unlink(path);
}

static int posix_mkdir(void *ctx, const char *path, mode_t mode)
{
	(void)ctx;
	return mkdir(path, mode);
}

const struct rig_fsops rig_fsops_posix = {
	.open = posix_open,
	.write = posix_write,
	.fsync = posix_fsync,
	.rename = posix_rename,
	.unlink = posix_unlink,
	.mkdir = posix_mkdir,
	.ctx = NULL,
};
