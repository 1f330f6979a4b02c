/* report_csv.c - the files of a run: the journal, the final CSV report,
 * summary.csv, and the recovery of journals whose run died.
 *
 * CSV (RFC 4180): CRLF line ends, every text field quoted by libcsv's
 * csv_write (quotes doubled), numbers bare with %.9g, missing numbers empty.
 * A text field a spreadsheet would run as a formula gets a leading "'"
 * (numbers we format ourselves are never touched, so -12.5 stays a number).
 * Each row is one write() and one fsync(); a journal is the final report
 * minus its verdict row, so publishing is a copy, a rename and two fsyncs.
 */
#include "run/report_impl.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "records/records.h"
#include "run/csvline.h"
#include "run/text.h"

#define JOURNAL_SUFFIX ".journal"
#define SUMMARY_NAME "summary.csv"
#define SUMMARY_NCOLUMNS 12

static const char *const summary_columns[SUMMARY_NCOLUMNS] = {
	"run_id", "timestamp", "station", "operator", "pen_model", "pen_serial", "profile",
	"profile_version", "verdict", "reason", "report_file", "bench_time_s",
};

/* ---- report rows as CSV lines (run/csvline.h) ---- */

static void line_row(struct csv_line *l, const struct report_meta *m, const struct report_row *row)
{
	char ts[21];
	report_iso_time(ts, m->started);
	csv_line_text(l, m->run_id);
	csv_line_text(l, ts);
	csv_line_text(l, m->station);
	csv_line_text(l, m->operator_name);
	csv_line_text(l, m->pen_model);
	csv_line_text(l, m->pen_serial);
	csv_line_text(l, m->pen_firmware);
	csv_line_text(l, m->profile);
	csv_line_text(l, m->profile_version);
	csv_line_text(l, m->profile_sha256);
	csv_line_text(l, m->rig_version);
	csv_line_text(l, row->phase);
	csv_line_text(l, row->step);
	csv_line_text(l, row->quantity);
	csv_line_text(l, row->unit);
	csv_line_num(l, row->commanded);
	csv_line_num(l, row->measured);
	csv_line_num(l, row->std);
	csv_line_long(l, row->n);
	csv_line_num(l, row->uncertainty);
	csv_line_num(l, row->low_limit);
	csv_line_num(l, row->high_limit);
	csv_line_text(l, row->result);
	csv_line_text(l, row->note);
	csv_line_end(l);
}

/* ---- files ---- */

/* The fault seam (report.h): the errno an operation must fail with, or 0.
 * Every operation that changes the folder goes through one of these. */
static int fs_fault(const struct report *r, bool creates)
{
	return r && r->fs.check ? r->fs.check(r->fs.ctx, creates) : 0;
}

static int fs_open(const struct report *r, const char *path, int flags, mode_t mode)
{
	int e = (flags & (O_WRONLY | O_RDWR | O_CREAT)) ? fs_fault(r, flags & O_CREAT) : 0;
	if (e) {
		errno = e;
		return -1;
	}
	return open(path, flags, mode);
}

static ssize_t fs_write(const struct report *r, int fd, const void *buf, size_t len)
{
	int e = fs_fault(r, true);
	if (e) {
		errno = e;
		return -1;
	}
	return write(fd, buf, len);
}

static int fs_fsync(const struct report *r, int fd)
{
	int e = fs_fault(r, false);
	if (e) {
		errno = e;
		return -1;
	}
	return fsync(fd);
}

static int fs_renameat2(const struct report *r, const char *from, const char *to,
			unsigned flags)
{
	int e = fs_fault(r, true);
	if (e) {
		errno = e;
		return -1;
	}
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
}

static int fs_unlink(const struct report *r, const char *path)
{
	int e = fs_fault(r, false);
	if (e) {
		errno = e;
		return -1;
	}
	return unlink(path);
}

static int fs_mkdir(const struct report *r, const char *path, mode_t mode)
{
	int e = fs_fault(r, true);
	if (e) {
		errno = e;
		return -1;
	}
	return mkdir(path, mode);
}

static enum rig_rc dir_error(const char *dir, int errnum, const char *what, struct rig_err *err)
{
	return rig_fail(err, RIG_E_IO, "cannot write reports to folder '%s': %s: %s", dir, what,
			strerror(errnum));
}

/* mkdir -p */
static enum rig_rc ensure_dir(const struct report *r, const char *dir, struct rig_err *err)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (fs_mkdir(r, tmp, 0775) < 0 && errno != EEXIST)
				return dir_error(dir, errno, "mkdir", err);
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) < 0)
		return dir_error(dir, errno, "stat", err);
	if (!S_ISDIR(st.st_mode))
		return dir_error(dir, ENOTDIR, "stat", err);
	return RIG_OK;
}

static enum rig_rc fsync_dir(const struct report *rep, const char *dir, struct rig_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dir_error(dir, errno, "open", err);
	int r = fs_fsync(rep, fd);
	int e = errno;
	close(fd);
	if (r < 0 && e != EINVAL) /* some filesystems cannot sync a folder */
		return dir_error(dir, e, "fsync", err);
	return RIG_OK;
}

/* One write() of the whole buffer, then fsync. A short write is undone so
 * no torn line stays behind. */
static enum rig_rc write_line_sync(const struct report *r, int fd, const char *buf,
				   size_t len, const char *path, struct rig_err *err)
{
	off_t before = lseek(fd, 0, SEEK_END);
	ssize_t n;
	do
		n = fs_write(r, fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : ENOSPC;
		if (n > 0 && before >= 0 && ftruncate(fd, before) < 0) {
			/* nothing more we can do; the reader drops torn lines */
		}
		return rig_fail(err, RIG_E_IO, "cannot write %s: %s", path, strerror(e));
	}
	if (fs_fsync(r, fd) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot fsync %s", path);
	return RIG_OK;
}

static enum rig_rc read_fd_all(int fd, char **out, size_t *len, const char *path,
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

static bool file_equals(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char *buf = NULL;
	size_t n = 0;
	bool eq = read_fd_all(fd, &buf, &n, path, NULL) == RIG_OK && n == len &&
		  memcmp(buf, bytes, len) == 0;
	free(buf);
	close(fd);
	return eq;
}

/* Move tmp to dir/name without ever replacing another run's report: on a
 * clash the name gets -2, -3 ... before ".csv". If the existing file is
 * byte for byte ours (a crash after the rename), it is kept. */
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
		int rc = fs_renameat2(r, tmp, path, RENAME_NOREPLACE);
		if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* The filesystem has no RENAME_NOREPLACE (e.g. some network
			 * or FUSE mounts): check, then rename (racy only against
			 * another rig writing the same name in the same second). */
			if (access(path, F_OK) == 0) {
				errno = EEXIST;
			} else {
				rc = fs_renameat2(r, tmp, path, 0);
			}
		}
		if (rc == 0) {
			memcpy(r->file, path, sizeof r->file);
			return RIG_OK;
		}
		if (errno != EEXIST)
			return rig_fail_errno(err, RIG_E_IO, errno, "cannot rename %s to %s", tmp, path);
		if (file_equals(path, bytes, len)) {
			unlink(tmp);
			memcpy(r->file, path, sizeof r->file);
			return RIG_OK;
		}
	}
	return rig_fail(err, RIG_E_IO, "%s/%s: too many reports with this name", r->dir, name);
}

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

/* Append the run to dir/summary.csv: under flock, header if the file is
 * new, one write() of the whole line. With check_dup, a run already there
 * is not added again (recovery after a crash that came after this). */
static enum rig_rc summary_append(const struct report *r, bool check_dup, struct rig_err *err)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", r->dir, SUMMARY_NAME);
	struct csv_line l = CSV_LINE_INIT;
	enum rig_rc rc = RIG_OK;
	char *text = NULL;
	int fd = fs_open(r, path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
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
			if ((rc = read_fd_all(fd, &text, &n, path, err)))
				goto out;
			if (summary_has_run(text, r->meta.run_id))
				goto out;
		}
	}
	const char *name = strrchr(r->file, '/');
	char ts[21];
	report_iso_time(ts, r->meta.started);
	csv_line_text(&l, r->meta.run_id);
	csv_line_text(&l, ts);
	csv_line_text(&l, r->meta.station);
	csv_line_text(&l, r->meta.operator_name);
	csv_line_text(&l, r->meta.pen_model);
	csv_line_text(&l, r->meta.pen_serial);
	csv_line_text(&l, r->meta.profile);
	csv_line_text(&l, r->meta.profile_version);
	csv_line_text(&l, report_verdict_name(r->verdict));
	csv_line_text(&l, r->reason);
	csv_line_text(&l, name ? name + 1 : r->file);
	csv_line_num(&l, r->bench_time_s);
	csv_line_end(&l);
	if (l.oom) {
		rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = write_line_sync(r, fd, l.s, l.len, path, err);
out:
	free(text);
	free(l.s);
	close(fd); /* releases the flock */
	return rc;
}

/* Copy the journal to the final report, atomically; then the summary line;
 * then the journal goes. */
static enum rig_rc publish(struct report *r, bool recovering, struct rig_err *err)
{
	char *bytes = NULL;
	size_t len = 0;
	char tmp[PATH_MAX + 48], name[128];
	int fd = -1;
	enum rig_rc rc;
	int rfd = open(r->journal_path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", r->journal_path);
	rc = read_fd_all(rfd, &bytes, &len, r->journal_path, err);
	close(rfd);
	if (rc)
		return rc;
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", r->dir, r->meta.run_id);
	report_file_name(name, sizeof name, r->meta.started, r->meta.pen_serial, r->verdict);
	fd = fs_open(r, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = dir_error(r->dir, errno, tmp, err);
		goto out;
	}
	if ((rc = write_line_sync(r, fd, bytes, len, tmp, err)))
		goto out;
	close(fd);
	fd = -1;
	if ((rc = place_final(r, tmp, name, bytes, len, err))) {
		unlink(tmp);
		goto out;
	}
	if ((rc = fsync_dir(r, r->dir, err)))
		goto out;
	/* On the record (rig/records): a crash before this leaves the journal,
	 * and the recovery that repeats the publish adds the entry. */
	if ((rc = records_note_report(r->dir, r->file, bytes, len, recovering, err)))
		goto out;
	if ((rc = summary_append(r, recovering, err)))
		goto out; /* the journal stays: recovery adds the summary line later */
	if (fs_unlink(r, r->journal_path) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot remove %s", r->journal_path);
		goto out;
	}
	rc = fsync_dir(r, r->dir, err);
	r->finished = true;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(bytes);
	return rc;
}

/* ---- the journal of a live run ---- */

static enum rig_rc journal_row(struct report *r, const struct report_row *row,
			       struct rig_err *err)
{
	if (r->journal_fd < 0)
		return rig_fail(err, RIG_E_INTERNAL, "report %s: already finished", r->meta.run_id);
	enum rig_rc rc = report_keep(r, row, err);
	if (rc)
		return rc;
	struct report_row kept = report_rec_row(&r->rows[r->nrows - 1]);
	struct csv_line l = CSV_LINE_INIT;
	line_row(&l, &r->meta, &kept);
	rc = l.oom ? rig_fail(err, RIG_E_NOMEM, "report: out of memory")
		   : write_line_sync(r, r->journal_fd, l.s, l.len, r->journal_path, err);
	free(l.s);
	if (rc)
		report_unkeep(r);
	return rc;
}

enum rig_rc report_add(struct report *r, const struct report_row *row, struct rig_err *err)
{
	return journal_row(r, row, err);
}

static enum rig_rc start_rows(struct report *r, struct csv_line *l, struct rig_err *err)
{
	static const struct {
		const char *phase, *step, *quantity;
		size_t off;
	} rows[] = {
		{ "run", "start", "fixture", offsetof(struct report_meta, fixture_path) },
		{ "run", "start", "profile", offsetof(struct report_meta, profile_path) },
		{ "fixture", "laser", "zero_date", offsetof(struct report_meta, laser_zero_date) },
		{ "fixture", "loadcell", "cal_date", offsetof(struct report_meta, loadcell_cal_date) },
		{ "fixture", "loadcell", "tare_date", offsetof(struct report_meta, loadcell_tare_date) },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = rows[i].phase;
		row.step = rows[i].step;
		row.quantity = rows[i].quantity;
		row.note = (const char *)&r->meta + rows[i].off;
		enum rig_rc rc = report_keep(r, &row, err);
		if (rc)
			return rc;
		struct report_row kept = report_rec_row(&r->rows[r->nrows - 1]);
		line_row(l, &r->meta, &kept);
	}
	return RIG_OK;
}

enum rig_rc report_open(struct report **out, const char *dir, const struct report_meta *m,
			struct rig_err *err)
{
	return report_open_fs(out, dir, m, NULL, err);
}

enum rig_rc report_open_fs(struct report **out, const char *dir, const struct report_meta *m,
			   const struct report_fs_fault *fs, struct rig_err *err)
{
	struct report *r = NULL;
	struct csv_line l = CSV_LINE_INIT;
	enum rig_rc rc = report_alloc(&r, dir, m, err);
	if (rc)
		return rc;
	if (fs)
		r->fs = *fs;
	if ((rc = ensure_dir(r, dir, err)))
		goto fail;
	snprintf(r->journal_path, sizeof r->journal_path, "%s/%s" JOURNAL_SUFFIX, dir,
		 r->meta.run_id);
	r->journal_fd = fs_open(r, r->journal_path,
				O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (r->journal_fd < 0) {
		rc = dir_error(dir, errno, "cannot create the run's journal", err);
		goto fail;
	}
	/* Held for the life of the run: recovery knows a live run by it. */
	if (flock(r->journal_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", r->journal_path);
		goto fail;
	}
	csv_line_header(&l, report_columns, REPORT_NCOLUMNS);
	if ((rc = start_rows(r, &l, err)))
		goto fail;
	if (l.oom) {
		rc = rig_fail(err, RIG_E_NOMEM, "report: out of memory");
		goto fail;
	}
	if ((rc = write_line_sync(r, r->journal_fd, l.s, l.len, r->journal_path, err)) ||
	    (rc = fsync_dir(r, dir, err)))
		goto fail;
	free(l.s);
	*out = r;
	return RIG_OK;
fail:
	free(l.s);
	if (r->journal_fd >= 0)
		unlink(r->journal_path); /* nothing was measured yet */
	report_close(r);
	return rc;
}

enum rig_rc report_finish(struct report *r, enum report_verdict v, const char *reason,
			  struct rig_err *err)
{
	struct report_row row = REPORT_ROW_EMPTY;
	row.phase = "run";
	row.step = "end";
	row.quantity = "verdict";
	row.result = report_verdict_name(v);
	row.note = reason;
	enum rig_rc rc = journal_row(r, &row, err);
	if (rc)
		return rc;
	r->verdict = v;
	text_clean(r->reason, sizeof r->reason, reason ? reason : "");
	rc = publish(r, false, err);
	if (!rc) {
		close(r->journal_fd);
		r->journal_fd = -1;
	}
	return rc;
}

/* ---- recovery ---- */

struct parse_state {
	struct report *r;
	char *field[REPORT_NCOLUMNS];
	size_t nfield;
	bool too_many;
	size_t record;       /* records seen, header included */
	struct rig_err *err;
	enum rig_rc rc;
	const char *path;
};

static void on_field(void *data, size_t len, void *user)
{
	struct parse_state *ps = user;
	if (ps->nfield == REPORT_NCOLUMNS) {
		ps->too_many = true;
		return;
	}
	char *f = malloc(len + 1);
	if (!f) {
		ps->rc = RIG_E_NOMEM;
		return;
	}
	memcpy(f, data ? data : "", len);
	f[len] = '\0';
	ps->field[ps->nfield++] = f;
}

static double parse_num(const char *s)
{
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

static time_t parse_iso(const char *s)
{
	struct tm tm = { 0 };
	char z = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void record_to_report(struct parse_state *ps)
{
	char **f = ps->field;
	struct report *r = ps->r;
	if (ps->record == 0) {
		for (size_t i = 0; i < REPORT_NCOLUMNS; i++)
			if (strcmp(f[i], report_columns[i]) != 0) {
				ps->rc = rig_fail(ps->err, RIG_E_DATA,
						  "%s: not a rig journal (column %zu is '%s', expected '%s')",
						  ps->path, i + 1, f[i], report_columns[i]);
				return;
			}
		return;
	}
	if (ps->record == 1) {
		struct report_meta *m = &r->meta;
#define META(field, col) text_clean(m->field, sizeof m->field, f[col])
		META(run_id, 0);
		m->started = parse_iso(f[1]);
		META(station, 2);
		META(operator_name, 3);
		META(pen_model, 4);
		META(pen_serial, 5);
		META(pen_firmware, 6);
		META(profile, 7);
		META(profile_version, 8);
		META(profile_sha256, 9);
		META(rig_version, 10);
#undef META
	}
	struct report_row row = {
		.phase = f[11], .step = f[12], .quantity = f[13], .unit = f[14],
		.commanded = parse_num(f[15]), .measured = parse_num(f[16]),
		.std = parse_num(f[17]), .n = *f[18] ? strtol(f[18], NULL, 10) : -1,
		.uncertainty = parse_num(f[19]), .low_limit = parse_num(f[20]),
		.high_limit = parse_num(f[21]), .result = f[22], .note = f[23],
	};
	ps->rc = report_keep(r, &row, ps->err);
}

static void on_record(int c, void *user)
{
	struct parse_state *ps = user;
	(void)c;
	if (!ps->rc) {
		if (ps->too_many || ps->nfield != REPORT_NCOLUMNS)
			ps->rc = rig_fail(ps->err, RIG_E_DATA,
					  "%s: record %zu has %s fields, expected %d", ps->path,
					  ps->record + 1, ps->too_many ? "too many" : "too few",
					  REPORT_NCOLUMNS);
		else
			record_to_report(ps);
	}
	for (size_t i = 0; i < ps->nfield; i++)
		free(ps->field[i]);
	ps->nfield = 0;
	ps->too_many = false;
	ps->record++;
}

/* Recover one journal; *made = true if a report was published. */
static enum rig_rc recover_one(const char *dir, const char *name, bool *made,
			       struct rig_err *err)
{
	struct report_meta none = { 0 };
	struct report *r = NULL;
	char *bytes = NULL;
	size_t len = 0;
	struct csv_parser parser;
	bool parser_init = false;
	enum rig_rc rc = report_alloc(&r, dir, &none, err);
	if (rc)
		return rc;
	snprintf(r->journal_path, sizeof r->journal_path, "%s/%s", dir, name);
	r->journal_fd = open(r->journal_path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (r->journal_fd < 0) {
		rc = errno == ENOENT ? RIG_OK /* another recoverer was faster */
				     : rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s",
						      r->journal_path);
		goto out;
	}
	if (flock(r->journal_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? RIG_OK /* a live run */
					  : rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s",
							   r->journal_path);
		goto out;
	}
	if (access(r->journal_path, F_OK) < 0) /* published while we waited */
		goto out;
	if ((rc = read_fd_all(r->journal_fd, &bytes, &len, r->journal_path, err)))
		goto out;
	/* A torn last line (power cut mid-write) is dropped. */
	char *nl = memrchr(bytes, '\n', len);
	size_t whole = nl ? (size_t)(nl - bytes) + 1 : 0;
	if (whole < len) {
		if (ftruncate(r->journal_fd, (off_t)whole) < 0 || fsync(r->journal_fd) < 0) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot truncate %s", r->journal_path);
			goto out;
		}
		len = whole;
	}
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		rc = rig_fail(err, RIG_E_NOMEM, "csv parser: out of memory");
		goto out;
	}
	parser_init = true;
	struct parse_state ps = { .r = r, .err = err, .path = r->journal_path };
	if (csv_parse(&parser, bytes, len, on_field, on_record, &ps) != len ||
	    csv_fini(&parser, on_field, on_record, &ps) != 0) {
		rc = ps.rc ? ps.rc
			   : rig_fail(err, RIG_E_DATA, "%s: not valid CSV: %s", r->journal_path,
				      csv_strerror(csv_error(&parser)));
		goto out;
	}
	for (size_t i = 0; i < ps.nfield; i++)
		free(ps.field[i]);
	if ((rc = ps.rc))
		goto out;
	if (r->nrows == 0) {
		/* Died while opening: nothing was measured, nothing to report. */
		if (unlink(r->journal_path) < 0)
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot remove %s", r->journal_path);
		goto out;
	}
	const struct report_rec *last = &r->rows[r->nrows - 1];
	if (report_rec_is_verdict(last)) {
		/* The run ended; the crash came while publishing. */
		r->verdict = strcmp(last->result, "PASS") == 0   ? REPORT_PASS
			     : strcmp(last->result, "FAIL") == 0 ? REPORT_FAIL
								 : REPORT_ABORTED;
		text_clean(r->reason, sizeof r->reason, last->note);
	} else {
		char reason[256];
		snprintf(reason, sizeof reason,
			 "run did not finish: recovered from %s; last row %.40s/%.40s/%.40s",
			 name, last->phase, last->step, last->quantity);
		struct report_row row = REPORT_ROW_EMPTY;
		row.phase = "run";
		row.step = "end";
		row.quantity = "verdict";
		row.result = "ABORTED";
		row.note = reason;
		if ((rc = journal_row(r, &row, err)))
			goto out;
		r->verdict = REPORT_ABORTED;
		snprintf(r->reason, sizeof r->reason, "%s", reason);
	}
	if ((rc = publish(r, true, err)))
		goto out;
	*made = true;
out:
	if (parser_init)
		csv_free(&parser);
	free(bytes);
	report_close(r);
	return rc;
}

enum rig_rc report_recover_orphans(const char *dir, unsigned *recovered, struct rig_err *err)
{
	enum rig_rc first = RIG_OK;
	unsigned n = 0;
	DIR *d = opendir(dir);
	if (recovered)
		*recovered = 0;
	if (!d)
		return errno == ENOENT ? RIG_OK : dir_error(dir, errno, "opendir", err);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(JOURNAL_SUFFIX);
		if (len <= sl || strcmp(de->d_name + len - sl, JOURNAL_SUFFIX) != 0)
			continue;
		bool made = false;
		struct rig_err e1 = { 0 };
		enum rig_rc rc = recover_one(dir, de->d_name, &made, &e1);
		if (rc && !first) {
			first = rc;
			if (err)
				*err = e1;
		}
		n += made;
	}
	closedir(d);
	if (recovered)
		*recovered = n;
	return first;
}
