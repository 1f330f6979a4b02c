/* fsfault.c - the report folder's file system on the virtual bench: each
 * operation first asks the bench whether a disk fault has struck
 * (sim_bench_file_errno), then runs the POSIX call. */
#include "sim/fsfault.h"

#include <errno.h>
#include <fcntl.h>

/* Has a fault struck that refuses this operation? Then errno says which. */
static bool refused(void *ctx, bool creates)
{
	int e = sim_bench_file_errno(ctx, creates);
	if (e)
		errno = e;
	return e != 0;
}

static int fault_open(void *ctx, const char *path, int flags, mode_t mode)
{
	if ((flags & (O_WRONLY | O_RDWR | O_CREAT)) && refused(ctx, flags & O_CREAT))
		return -1;
	return rig_fsops_posix.open(NULL, path, flags, mode);
}

static ssize_t fault_write(void *ctx, int fd, const void *buf, size_t len)
{
	if (refused(ctx, true))
		return -1;
	return rig_fsops_posix.write(NULL, fd, buf, len);
}

static int fault_fsync(void *ctx, int fd)
{
	if (refused(ctx, false))
		return -1;
	return rig_fsops_posix.fsync(NULL, fd);
}

static int fault_rename(void *ctx, const char *from, const char *to, unsigned flags)
{
	if (refused(ctx, true))
		return -1;
	return rig_fsops_posix.rename(NULL, from, to, flags);
}

static int fault_unlink(void *ctx, const char *path)
{
	if (refused(ctx, false))
		return -1;
	return rig_fsops_posix.unlink(NULL, path);
}

static int fault_mkdir(void *ctx, const char *path, mode_t mode)
{
	if (refused(ctx, true))
		return -1;
	return rig_fsops_posix.mkdir(NULL, path, mode);
}

void sim_fsfault_ops(struct rig_fsops *ops, struct sim_bench *b)
{
	*ops = (struct rig_fsops){
		.open = fault_open,
		.write = fault_write,
		.fsync = fault_fsync,
		.rename = fault_rename,
		.unlink = fault_unlink,
		.mkdir = fault_mkdir,
		.ctx = b,
	};
}
