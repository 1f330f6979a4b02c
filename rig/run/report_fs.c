/* report_fs.c - the report's file layer: every operation that changes the
 * report folder (mkdir, create, write, fsync, rename, unlink) goes through
 * the report's fs ops (core/fsops.h: POSIX, or the virtual bench's faulty
 * disk); reads are plain. Lines are written whole and fsync'd. */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum rig_rc report_dir_error(const char *dir, int errnum, const char *what,
			     struct rig_err *err)
{
	return rig_fail(err, RIG_E_IO, "cannot write reports to folder '%s': %s: %s", dir, what,
			strerror(errnum));
}

enum rig_rc report_ensure_dir(const struct report *r, const char *dir, struct rig_err *err)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (r->fs.mkdir(r->fs.ctx, tmp, 0775) < 0 && errno != EEXIST)
				return report_dir_error(dir, errno, "mkdir", err);
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) < 0)
		return report_dir_error(dir, errno, "stat", err);
	if (!S_ISDIR(st.st_mode))
		return report_dir_error(dir, ENOTDIR, "stat", err);
	return RIG_OK;
}

enum rig_rc report_fsync_dir(const struct report *r, const char *dir, struct rig_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return report_dir_error(dir, errno, "open", err);
	int rc = r->fs.fsync(r->fs.ctx, fd);
	int e = errno;
	close(fd);
	if (rc < 0 && e != EINVAL) /* some filesystems cannot sync a folder */
		return report_dir_error(dir, e, "fsync", err);
	return RIG_OK;
}

enum rig_rc report_write_sync(const struct report *r, int fd, const char *buf, size_t len,
			      const char *path, struct rig_err *err)
{
	off_t before = lseek(fd, 0, SEEK_END);
	ssize_t n;
	do
		n = r->fs.write(r->fs.ctx, fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : ENOSPC;
		if (n > 0 && before >= 0 && ftruncate(fd, before) < 0) {
			/* nothing more we can do; the reader drops torn lines */
		}
		return rig_fail(err, RIG_E_IO, "cannot write %s: %s", path, strerror(e));
	}
	if (r->fs.fsync(r->fs.ctx, fd) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot fsync %s", path);
	return RIG_OK;
}

enum rig_rc report_read_all(int fd, char **out, size_t *len, const char *path,
			    struct rig_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot stat %s", path);
	size_t size = (size_t)st.st_size;
	char *buf = malloc(size + 1);
	if (!buf)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return rig_fail_errno(err, RIG_E_IO, n ? errno : EIO, "cannot read %s", path);
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return RIG_OK;
}

bool report_file_equals(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char *buf = NULL;
	size_t n = 0;
	bool eq = report_read_all(fd, &buf, &n, path, NULL) == RIG_OK && n == len &&
		  memcmp(buf, bytes, len) == 0;
	free(buf);
	close(fd);
	return eq;
}

enum rig_rc report_check_folder(const char *dir, const struct rig_fsops *fs, struct rig_err *err)
{
	struct report r = { .fs = fs ? *fs : rig_fsops_posix }; /* only its fs is used */
	enum rig_rc rc = report_ensure_dir(&r, dir, err);
	if (rc)
		return rc;
	/* A file made, written, synced and removed, as a report will be. */
	char probe[PATH_MAX + 64], summary[PATH_MAX + 16];
	snprintf(probe, sizeof probe, "%s/.rig-write-test.%ld", dir, (long)getpid());
	int fd = r.fs.open(r.fs.ctx, probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return report_dir_error(dir, errno, "cannot create a file", err);
	rc = report_write_sync(&r, fd, "rig\n", 4, probe, err);
	close(fd);
	if (r.fs.unlink(r.fs.ctx, probe) < 0 && !rc)
		rc = report_dir_error(dir, errno, "cannot remove a file", err);
	if (rc)
		return rc;
	/* summary.csv, if there is one, appendable (a missing one is made
	 * with the first line, as the file above was). */
	snprintf(summary, sizeof summary, "%s/summary.csv", dir);
	fd = r.fs.open(r.fs.ctx, summary, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
	if (fd < 0 && errno != ENOENT)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot write %s", summary);
	if (fd >= 0)
		close(fd);
	return RIG_OK;
}
