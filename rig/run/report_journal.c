/* report_journal.c - the journal of a live run: <dir>/<run_id>.journal,
 * the final report minus its verdict row, one row appended and fsync'd at a
 * time, flock held while the run lives (recovery knows a live run by it).
 *
 * CSV (RFC 4180, run/csvline.h): CRLF line ends, every text field quoted,
 * numbers bare with %.9g, missing numbers empty; a text field a spreadsheet
 * would run as a formula gets a leading "'". Publishing is a copy, a rename
 * and two fsyncs (report_publish.c).
 */
#include "run/report_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "run/text.h"

enum rig_rc report_journal_row(struct report *r, const struct report_row *row,
			       struct rig_err *err)
{
	if (r->journal_fd < 0)
		return rig_fail(err, RIG_E_INTERNAL, "report %s: already finished", r->meta.run_id);
	enum rig_rc rc = report_keep(r, row, err);
	if (rc)
		return rc;
	struct report_row kept = report_rec_row(&r->rows[r->nrows - 1]);
	struct csv_line l = CSV_LINE_INIT;
	report_line_row(&l, &r->meta, &kept);
	rc = l.oom ? rig_fail(err, RIG_E_NOMEM, "report: out of memory")
		   : report_write_sync(r, r->journal_fd, l.s, l.len, r->journal_path, err);
	free(l.s);
	if (rc)
		report_unkeep(r);
	return rc;
}

enum rig_rc report_add(struct report *r, const struct report_row *row, struct rig_err *err)
{
	return report_journal_row(r, row, err);
}

static void header_line(struct csv_line *l)
{
	const char *names[REPORT_NCOLUMNS];
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++)
		names[i] = report_columns[i].name;
	csv_line_header(l, names, REPORT_NCOLUMNS);
}

enum rig_rc report_render(const struct report *r, char **out, size_t *len,
			  struct rig_err *err)
{
	struct csv_line l = CSV_LINE_INIT;
	header_line(&l);
	for (size_t i = 0; i < r->nrows; i++) {
		struct report_row row = report_rec_row(&r->rows[i]);
		report_line_row(&l, &r->meta, &row);
	}
	if (l.oom) {
		free(l.s);
		return rig_fail(err, RIG_E_NOMEM, "report: out of memory");
	}
	*out = l.s;
	*len = l.len;
	return RIG_OK;
}

/* The rows every report starts with: what the run is traceable to. A row
 * holds a text (note) or a configured number (measured, and its exact
 * value in the note). */
static const struct start_row {
	const char *phase, *step, *quantity, *unit;
	size_t off;
	bool number;
	bool ring;   /* only when the fixture has a pad ring bound */
} start_rows[] = {
#define T(ph, st, q, field) { ph, st, q, "", offsetof(struct report_meta, field), false, false }
#define N(ph, st, q, unit, field) { ph, st, q, unit, offsetof(struct report_meta, field), true, false }
	T("run", "start", "fixture", fixture_path),
	T("run", "start", "fixture_sha256", fixture_sha256),
	T("run", "start", "profile", profile_path),
	T("fixture", "laser", "serial", laser_serial),
	T("fixture", "laser", "firmware", laser_firmware),
	N("fixture", "laser", "zero", "mm", laser_zero_mm),
	T("fixture", "laser", "zero_date", laser_zero_date),
	T("fixture", "laser", "zero_due", laser_zero_due),
	N("fixture", "loadcell", "scale", "counts/N", loadcell_scale_counts_per_n),
	N("fixture", "loadcell", "offset", "counts", loadcell_offset_counts),
	T("fixture", "loadcell", "cal_date", loadcell_cal_date),
	T("fixture", "loadcell", "cal_due", loadcell_cal_due),
	T("fixture", "loadcell", "tare_date", loadcell_tare_date),
	T("fixture", "loadcell", "tare_due", loadcell_tare_due),
	{ "fixture", "laser", "ring_max", "um", offsetof(struct report_meta, laser_ring_max_um), true, true },
	{ "fixture", "laser", "ring_date", "", offsetof(struct report_meta, laser_ring_date), false, true },
	{ "fixture", "laser", "ring_due", "", offsetof(struct report_meta, laser_ring_due), false, true },
	{ "fixture", "laser", "ring_exposure", "us", offsetof(struct report_meta, laser_ring_exposure_us), true, true },
	{ "fixture", "laser", "ring_use", "", offsetof(struct report_meta, laser_ring_use), false, true },
	T("run", "start", "records", records),
#undef T
#undef N
};

/* The header and the start rows. */
static enum rig_rc start_lines(struct report *r, struct csv_line *l, struct rig_err *err)
{
	header_line(l);
	for (size_t i = 0; i < sizeof start_rows / sizeof start_rows[0]; i++) {
		const struct start_row *s = &start_rows[i];
		if (s->ring && !r->meta.laser_ring_date[0])
			continue;
		const char *at = (const char *)&r->meta + s->off;
		char exact[40] = "";
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = s->phase;
		row.step = s->step;
		row.quantity = s->quantity;
		row.unit = s->unit;
		if (s->number) {
			row.measured = *(const double *)at;
			if (isfinite(row.measured))
				snprintf(exact, sizeof exact, "configured: %.9g", row.measured);
			row.note = exact;
		} else {
			row.note = at;
		}
		enum rig_rc rc = report_keep(r, &row, err);
		if (rc)
			return rc;
		struct report_row kept = report_rec_row(&r->rows[r->nrows - 1]);
		report_line_row(l, &r->meta, &kept);
	}
	return RIG_OK;
}

enum rig_rc report_open(struct report **out, const char *dir, const struct report_meta *m,
			struct rig_err *err)
{
	return report_open_fs(out, dir, m, NULL, err);
}

/* Give the journal, open, locked and holding its start rows, its name
 * without ever replacing another file (on a filesystem without
 * RENAME_NOREPLACE: check, then rename; the name holds a random run id). */
static enum rig_rc name_journal(struct report *r, const char *tmp, struct rig_err *err)
{
	int rc = r->fs.rename(r->fs.ctx, tmp, r->journal_path, RENAME_NOREPLACE);
	if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
		if (access(r->journal_path, F_OK) == 0)
			errno = EEXIST;
		else
			rc = r->fs.rename(r->fs.ctx, tmp, r->journal_path, 0);
	}
	if (rc < 0)
		return report_dir_error(r->dir, errno, "cannot name the run's journal", err);
	return RIG_OK;
}

/* The journal becomes visible only already locked and holding its start
 * rows: it is made as <dir>/.<run_id>.journal.new (a name recovery does
 * not take for a journal), locked, written, then renamed into place. So
 * another run's recovery never sees a live journal unlocked or empty. */
enum rig_rc report_open_fs(struct report **out, const char *dir, const struct report_meta *m,
			   const struct rig_fsops *fs, struct rig_err *err)
{
	struct report *r = NULL;
	struct csv_line l = CSV_LINE_INIT;
	char tmp[PATH_MAX + 64];
	bool named = false;
	enum rig_rc rc = report_alloc(&r, dir, m, err);
	if (rc)
		return rc;
	if (fs)
		r->fs = *fs;
	if ((rc = report_ensure_dir(r, dir, err)))
		goto fail;
	snprintf(r->journal_path, sizeof r->journal_path, "%s/%s" REPORT_JOURNAL_SUFFIX, dir,
		 r->meta.run_id);
	snprintf(tmp, sizeof tmp, "%s/.%s" REPORT_JOURNAL_SUFFIX REPORT_JOURNAL_NEW, dir,
		 r->meta.run_id);
	r->journal_fd = r->fs.open(r->fs.ctx, tmp,
				   O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (r->journal_fd < 0) {
		rc = report_dir_error(dir, errno, "cannot create the run's journal", err);
		goto fail;
	}
	/* Held for the life of the run: recovery knows a live run by it. */
	if (flock(r->journal_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", tmp);
		goto fail;
	}
	if ((rc = start_lines(r, &l, err)))
		goto fail;
	if (l.oom) {
		rc = rig_fail(err, RIG_E_NOMEM, "report: out of memory");
		goto fail;
	}
	if ((rc = report_write_sync(r, r->journal_fd, l.s, l.len, tmp, err)) ||
	    (rc = name_journal(r, tmp, err)))
		goto fail;
	named = true;
	if ((rc = report_fsync_dir(r, dir, err)))
		goto fail;
	free(l.s);
	*out = r;
	return RIG_OK;
fail:
	free(l.s);
	if (r->journal_fd >= 0) /* nothing was measured yet */
		unlink(named ? r->journal_path : tmp);
	report_close(r);
	return rc;
}

enum rig_rc report_finish(struct report *r, enum report_verdict v, const char *reason,
			  struct rig_err *err)
{
	return report_finish_category(r, v, report_verdict_category(v), reason, err);
}

enum rig_rc report_finish_category(struct report *r, enum report_verdict v,
				   enum report_category c, const char *reason,
				   struct rig_err *err)
{
	char ended[21];
	report_iso_time(ended, time(NULL)); /* calendar time for the record */
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "run";
	row.step = "end";
	row.quantity = "ended_at";
	row.note = ended;
	enum rig_rc rc = report_journal_row(r, &row, err);
	if (rc)
		return rc;
	row.quantity = "verdict";
	row.result = report_verdict_name(v);
	row.category = report_category_name(c);
	row.note = reason;
	row.reason_code = r->reason_code;
	row.disposition = r->disposition;
	row.instruction = r->instruction;
	if ((rc = report_journal_row(r, &row, err)))
		return rc;
	r->verdict = v;
	r->category = c;
	text_clean(r->reason, sizeof r->reason, reason ? reason : "");
	rc = report_publish(r, false, err);
	if (!rc) {
		close(r->journal_fd);
		r->journal_fd = -1;
	}
	return rc;
}
