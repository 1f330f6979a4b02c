/* report_publish.c - a finished run's journal becomes its final report:
 * copied to a temp file, fsync'd, renamed to its name without ever
 * replacing another run's report, the folder fsync'd; then its entry in
 * the ledger (rig/records); then the summary line; then the journal goes. */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "records/records.h"

/* Move tmp to dir/name without ever replacing another run's report: on a
 * clash the name gets -2, -3 ... before ".csv". If the existing file is
 * byte for byte ours (a crash after the rename), it is kept. A name
 * summary.csv gives another run is never used again, even when its file
 * was moved away: one summary row per file name. */
static enum rig_rc place_final(struct report *r, const char *tmp, const char *name,
			       const char *bytes, size_t len, struct rig_err *err)
{
	char base[PATH_MAX];
	snprintf(base, sizeof base, "%s", name);
	char *dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	for (int k = 1; k < 1000; k++) {
		char path[PATH_MAX];
		int w = k == 1 ? snprintf(path, sizeof path, "%s/%s.csv", r->dir, base)
			       : snprintf(path, sizeof path, "%s/%s-%d.csv", r->dir, base, k);
		if (w < 0 || (size_t)w >= sizeof path)
			return rig_fail(err, RIG_E_IO, "%s/%s: path too long", r->dir, name);
		if (report_summary_names(r, path + strlen(r->dir) + 1))
			continue;
		int rc = r->fs.rename(r->fs.ctx, tmp, path, RENAME_NOREPLACE);
		if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* The filesystem has no RENAME_NOREPLACE (e.g. some network
			 * or FUSE mounts): check, then rename (racy only against
			 * another rig writing the same name in the same second). */
			if (access(path, F_OK) == 0) {
				errno = EEXIST;
			} else {
				rc = r->fs.rename(r->fs.ctx, tmp, path, 0);
			}
		}
		if (rc == 0) {
			memcpy(r->file, path, sizeof r->file);
			return RIG_OK;
		}
		if (errno != EEXIST)
			return rig_fail_errno(err, RIG_E_IO, errno, "cannot rename %s to %s", tmp, path);
		if (report_file_equals(path, bytes, len)) {
			unlink(tmp);
			memcpy(r->file, path, sizeof r->file);
			return RIG_OK;
		}
	}
	return rig_fail(err, RIG_E_IO, "%s/%s: too many reports with this name", r->dir, name);
}

enum rig_rc report_publish(struct report *r, bool recovering, struct rig_err *err)
{
	char *bytes = NULL;
	size_t len = 0;
	char tmp[PATH_MAX + 48], name[128];
	int fd = -1;
	enum rig_rc rc;
	if (r->journal_foreign) {
		rc = report_render(r, &bytes, &len, err);
	} else {
		int rfd = open(r->journal_path, O_RDONLY | O_CLOEXEC);
		if (rfd < 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s",
					      r->journal_path);
		rc = report_read_all(rfd, &bytes, &len, r->journal_path, err);
		close(rfd);
	}
	if (rc)
		return rc;
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", r->dir, r->meta.run_id);
	report_file_name(name, sizeof name, r->meta.started, r->meta.pen_serial, r->verdict);
	fd = r->fs.open(r->fs.ctx, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = report_dir_error(r->dir, errno, tmp, err);
		goto out;
	}
	if ((rc = report_write_sync(r, fd, bytes, len, tmp, err)))
		goto out;
	close(fd);
	fd = -1;
	if ((rc = place_final(r, tmp, name, bytes, len, err))) {
		unlink(tmp); /* best effort, as after every failure: no seam */
		goto out;
	}
	if ((rc = report_fsync_dir(r, r->dir, err)))
		goto out;
	/* On the record (rig/records): a crash before this leaves the journal,
	 * and the recovery that repeats the publish adds the entry. */
	if ((rc = records_note_report(r->dir, r->file, bytes, len, recovering, err)))
		goto out;
	if ((rc = report_summary_append(r, recovering, err)))
		goto out; /* the journal stays: recovery adds the summary line later */
	if (r->fs.unlink(r->fs.ctx, r->journal_path) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot remove %s", r->journal_path);
		goto out;
	}
	rc = report_fsync_dir(r, r->dir, err);
	r->finished = true;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(bytes);
	return rc;
}
