/* report_summary.c - <dir>/summary.csv: one line per finished run, appended
 * under flock in one write(), fsync'd. docs/reports.md lists its columns. */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_NAME "summary.csv"
#define SUMMARY_NCOLUMNS 12

static const char *const summary_columns[SUMMARY_NCOLUMNS] = {
	"run_id", "timestamp", "station", "operator", "pen_model", "pen_serial", "profile",
	"profile_version", "verdict", "reason", "report_file", "bench_time_s",
};

/* Is "<run_id>" the first field of a line in summary text? */
static bool summary_has_run(const char *text, const char *run_id)
{
	char key[48];
	snprintf(key, sizeof key, "\"%s\",", run_id);
	size_t kl = strlen(key);
	for (const char *s = text; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (strncmp(s, key, kl) == 0)
			return true;
	return false;
}

static void summary_line(struct csv_line *l, const struct report *r)
{
	const char *name = strrchr(r->file, '/');
	char ts[21];
	report_iso_time(ts, r->meta.started);
	csv_line_text(l, r->meta.run_id);
	csv_line_text(l, ts);
	csv_line_text(l, r->meta.station);
	csv_line_text(l, r->meta.operator_name);
	csv_line_text(l, r->meta.pen_model);
	csv_line_text(l, r->meta.pen_serial);
	csv_line_text(l, r->meta.profile);
	csv_line_text(l, r->meta.profile_version);
	csv_line_text(l, report_verdict_name(r->verdict));
	csv_line_text(l, r->reason);
	csv_line_text(l, name ? name + 1 : r->file);
	csv_line_num(l, r->bench_time_s);
	csv_line_end(l);
}

/* Under flock, header if the file is new, one write() of the whole line.
 * With check_dup, a run already there is not added again (recovery after a
 * crash that came after this). */
enum rig_rc report_summary_append(const struct report *r, bool check_dup, struct rig_err *err)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", r->dir, SUMMARY_NAME);
	struct csv_line l = CSV_LINE_INIT;
	enum rig_rc rc = RIG_OK;
	char *text = NULL;
	int fd = r->fs.open(r->fs.ctx, path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", path);
			goto out;
		}
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot stat %s", path);
		goto out;
	}
	if (st.st_size == 0) {
		csv_line_header(&l, summary_columns, SUMMARY_NCOLUMNS);
	} else {
		char last = '\n';
		if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
			csv_line_raw(&l, "\r\n", 2); /* end a line torn by a power cut */
		if (check_dup) {
			size_t n;
			if ((rc = report_read_all(fd, &text, &n, path, err)))
				goto out;
			if (summary_has_run(text, r->meta.run_id))
				goto out;
		}
	}
	summary_line(&l, r);
	if (l.oom) {
		rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = report_write_sync(r, fd, l.s, l.len, path, err);
out:
	free(text);
	free(l.s);
	close(fd); /* releases the flock */
	return rc;
}
