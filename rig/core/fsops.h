/* fsops.h - the file-system operations that change a folder of records
 * (the report folder), as an ops table: POSIX by default (rig_fsops_posix),
 * a faulty one from the virtual bench (sim/fsfault.h: a disk that fills up
 * or turns read-only), installed where the bench is assembled.
 *
 * Each operation behaves as its POSIX namesake: -1 and errno on failure.
 * Reads (open for reading, read, stat) are not in the table: only what
 * needs space, a name or durability can be refused by a faulty disk. The
 * table is constant data; ctx belongs to whoever installed it and must
 * outlive every user.
 */
#ifndef RIG_CORE_FSOPS_H
#define RIG_CORE_FSOPS_H

#include <stddef.h>
#include <sys/types.h>

struct rig_fsops {
	/* open(2) for writing or creating (the caller uses open(2) itself to
	 * only read). */
	int (*open)(void *ctx, const char *path, int flags, mode_t mode);
	ssize_t (*write)(void *ctx, int fd, const void *buf, size_t len);
	int (*fsync)(void *ctx, int fd);
	/* renameat2(2) relative to the working folder; flags 0 or
	 * RENAME_NOREPLACE. */
	int (*rename)(void *ctx, const char *from, const char *to, unsigned flags);
	int (*unlink)(void *ctx, const char *path);
	int (*mkdir)(void *ctx, const char *path, mode_t mode);
	void *ctx;
};

/* The plain POSIX calls (ctx unused). */
extern const struct rig_fsops rig_fsops_posix;

#endif
