/* report_recover.c - journals whose run died become final reports.
 *
 * A journal is read back by column name: its header says where each column
 * of the table (report_columns.c) is, so recovery does not depend on the
 * order of columns, and a column it does not know is ignored (such a
 * journal, e.g. from another version of the rig, is published in this
 * rig's columns). A torn last
 * line (power cut mid-write) is dropped; a journal that ends in a verdict
 * (the crash came while publishing) is published as it is; any other gets
 * an ABORTED verdict row naming the last row written.
 */
#include "run/report_impl.h"

#include <csv.h>
#include <dirent.h>
#include <stdarg.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/disposition.h"
#include "run/text.h"

#define MAX_FIELDS 128 /* columns in a journal we read: far more than we write */

struct parse_state {
	struct report *r;
	char *field[MAX_FIELDS];
	size_t nfield;
	size_t nheader;      /* fields in the header */
	int col[REPORT_NCOLUMNS];
	bool too_many;
	size_t record;       /* records seen, header included */
	struct rig_err *err;
	enum rig_rc rc;
	const char *path;
};

static void on_field(void *data, size_t len, void *user)
{
	struct parse_state *ps = user;
	if (ps->nfield == MAX_FIELDS) {
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

static void on_record(int c, void *user)
{
	struct parse_state *ps = user;
	(void)c;
	if (ps->rc) {
		/* an error already: only free */
	} else if (ps->record == 0) {
		ps->nheader = ps->nfield;
		ps->rc = ps->too_many ? rig_fail(ps->err, RIG_E_DATA,
						 "%s: header has more than %d fields", ps->path,
						 MAX_FIELDS)
				      : report_columns_locate(ps->col, ps->field, ps->nfield,
							      ps->path, ps->err);
	} else if (ps->too_many || ps->nfield != ps->nheader) {
		ps->rc = rig_fail(ps->err, RIG_E_DATA, "%s: record %zu has %s fields, expected %zu",
				  ps->path, ps->record + 1,
				  ps->too_many || ps->nfield > ps->nheader ? "too many" : "too few",
				  ps->nheader);
	} else {
		struct report_row row;
		report_columns_read(ps->col, ps->field, ps->record == 1 ? &ps->r->meta : NULL,
				    &row);
		ps->rc = report_keep(ps->r, &row, ps->err);
	}
	for (size_t i = 0; i < ps->nfield; i++)
		free(ps->field[i]);
	ps->nfield = 0;
	ps->too_many = false;
	ps->record++;
}

/* Parse the journal's bytes into r's metadata and rows. */
static enum rig_rc parse_journal(struct report *r, const char *bytes, size_t len,
				 struct rig_err *err)
{
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return rig_fail(err, RIG_E_NOMEM, "csv parser: out of memory");
	struct parse_state ps = { .r = r, .err = err, .path = r->journal_path };
	enum rig_rc rc = RIG_OK;
	if (csv_parse(&parser, bytes, len, on_field, on_record, &ps) != len ||
	    csv_fini(&parser, on_field, on_record, &ps) != 0) {
		rc = ps.rc ? ps.rc
			   : rig_fail(err, RIG_E_DATA, "%s: not valid CSV: %s", r->journal_path,
				      csv_strerror(csv_error(&parser)));
	} else {
		rc = ps.rc;
	}
	r->journal_foreign = ps.nheader != REPORT_NCOLUMNS;
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++)
		r->journal_foreign |= ps.col[i] != (int)i;
	for (size_t i = 0; i < ps.nfield; i++)
		free(ps.field[i]);
	csv_free(&parser);
	return rc;
}

/* A run that died is the bench's: "interrupted", retested once by
 * default (the profile is not known here), then an engineer's. */
static void interrupted(struct report *r, struct report_row *verdict)
{
	enum disposition d = disposition_for_attempt(reason_code_default(REASON_INTERRUPTED),
						     REASON_INTERRUPTED, r->meta.attempt);
	char line[200];
	disposition_line(line, sizeof line, REASON_INTERRUPTED, NULL, d, r->meta.attempt);
	report_set_disposition(r, reason_code_name(REASON_INTERRUPTED), disposition_name(d), line);
	verdict->reason_code = r->reason_code;
	verdict->disposition = r->disposition;
	verdict->instruction = r->instruction;
}

/* The run's end rows, ABORTED (category bench: the rig or its host died,
 * not the pen) with reason; the end time the journal's last write, the last
 * moment the run was known alive (with end_time_kept, the journal's own
 * stands). A journal in other columns is not appended to (its lines would
 * not match its header): publishing renders the rows kept. */
static enum rig_rc end_aborted(struct report *r, bool end_time_kept, const char *reason,
			       struct rig_err *err)
{
	char ended[21] = "";
	struct stat st;
	if (fstat(r->journal_fd, &st) == 0)
		report_iso_time(ended, st.st_mtime);
	struct report_row rows[2] = { REPORT_ROW_EMPTY, REPORT_ROW_EMPTY };
	rows[0].phase = rows[1].phase = "run";
	rows[0].step = rows[1].step = "end";
	rows[0].quantity = "ended_at";
	rows[0].note = ended;
	rows[1].quantity = "verdict";
	rows[1].result = "ABORTED";
	rows[1].category = "bench";
	rows[1].note = reason;
	interrupted(r, &rows[1]);
	for (int i = end_time_kept ? 1 : 0; i < 2; i++) {
		enum rig_rc rc = r->journal_foreign ? report_keep(r, &rows[i], err)
						    : report_journal_row(r, &rows[i], err);
		if (rc)
			return rc;
	}
	r->verdict = REPORT_ABORTED;
	r->category = REPORT_CATEGORY_BENCH;
	text_clean(r->reason, sizeof r->reason, reason);
	return RIG_OK;
}

/* The journal read (whole lines), its run finished: with its own verdict,
 * or ABORTED. */
static enum rig_rc conclude(struct report *r, const char *name, struct rig_err *err)
{
	const struct report_rec *last = &r->rows[r->nrows - 1];
	if (report_rec_is_verdict(last)) {
		/* The run ended; the crash came while publishing. */
		if (!report_verdict_parse(last->result, &r->verdict))
			r->verdict = REPORT_ABORTED;
		r->category = strcmp(last->category, "unit") == 0    ? REPORT_CATEGORY_UNIT
			      : strcmp(last->category, "bench") == 0 ? REPORT_CATEGORY_BENCH
								     : report_verdict_category(r->verdict);
		text_clean(r->reason, sizeof r->reason, last->note);
		report_set_disposition(r, last->reason_code, last->disposition, last->instruction);
		return RIG_OK;
	}
	char reason[256];
	snprintf(reason, sizeof reason,
		 "run did not finish: recovered from %s; last row %.40s/%.40s/%.40s", name,
		 last->phase, last->step, last->quantity);
	/* Killed between the end time and the verdict: the end time stands. */
	return end_aborted(r, strcmp(last->quantity, "ended_at") == 0, reason, err);
}

/* A journal that cannot be read or parsed is still a run that happened:
 * it is reported ABORTED "journal unreadable" with its path and why, from
 * the rows that could be read (none, if none), its bytes kept beside it as
 * <journal>.unreadable for a person. *kept: where. */
static enum rig_rc conclude_unreadable(struct report *r, const char *why, char *kept,
				       size_t cap, struct rig_err *err)
{
	snprintf(kept, cap, "%s" REPORT_JOURNAL_UNREADABLE, r->journal_path);
	if (link(r->journal_path, kept) < 0 && errno != EEXIST)
		return rig_fail_errno(err, RIG_E_IO, errno,
				      "journal unreadable: %s: %s; cannot keep it as %s",
				      r->journal_path, why, kept);
	/* What the journal's name and its file say when its rows do not. */
	if (!r->meta.run_id[0]) {
		const char *base = strrchr(r->journal_path, '/');
		base = base ? base + 1 : r->journal_path;
		snprintf(r->meta.run_id, sizeof r->meta.run_id, "%.*s",
			 (int)(strlen(base) - strlen(REPORT_JOURNAL_SUFFIX)), base);
		text_clean(r->meta.run_id, sizeof r->meta.run_id, r->meta.run_id);
	}
	struct stat st;
	if (!r->meta.started && fstat(r->journal_fd, &st) == 0)
		r->meta.started = st.st_mtime;
	if (!r->meta.pen_serial[0])
		snprintf(r->meta.pen_serial, sizeof r->meta.pen_serial, "%s", REPORT_SERIAL_UNKNOWN);
	char reason[PATH_MAX * 2 + 512];
	snprintf(reason, sizeof reason, "journal unreadable: %s: %.200s; its bytes are kept in %s",
		 r->journal_path, why, kept);
	r->journal_foreign = true; /* published from the rows kept, never from its bytes */
	return end_aborted(r, false, reason, err);
}

/* Read and parse the locked journal into r (a torn last line dropped).
 * RIG_E_DATA or RIG_E_IO with why in err when it cannot be read. */
static enum rig_rc read_journal(struct report *r, struct rig_err *err)
{
	char *bytes = NULL;
	size_t len = 0;
	enum rig_rc rc = report_read_all(r->journal_fd, &bytes, &len, r->journal_path, err);
	if (rc)
		return rc;
	char *nl = memrchr(bytes, '\n', len);
	size_t whole = nl ? (size_t)(nl - bytes) + 1 : 0;
	if (whole < len) {
		if (ftruncate(r->journal_fd, (off_t)whole) < 0 || fsync(r->journal_fd) < 0) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot truncate %s",
					    r->journal_path);
			goto out;
		}
		len = whole;
	}
	if ((rc = parse_journal(r, bytes, len, err)))
		goto out;
	if (r->nrows == 0)
		rc = rig_fail(err, RIG_E_DATA, "%s: no rows (%zu bytes)", r->journal_path, len);
out:
	free(bytes);
	return rc;
}

static void say(struct report_recovery *rec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct report_recovery *rec, const char *fmt, ...)
{
	if (!rec->say)
		return;
	char text[PATH_MAX * 3];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	rec->say(rec->ctx, text);
}

/* Recover one journal, counting and saying what became of it. A journal
 * whose lock is held belongs to a live run: the lock is tried before
 * anything else, and such a journal is never touched. */
static enum rig_rc recover_one(const char *dir, const char *name, struct report_recovery *rec,
			       struct rig_err *err)
{
	struct report_meta none = { 0 };
	struct report *r = NULL;
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
	struct rig_err why = { 0 };
	char kept[PATH_MAX + 16] = "";
	bool unreadable = read_journal(r, &why) != RIG_OK;
	/* A journal from before the attempt column: counted now. */
	if (!r->meta.attempt && r->meta.pen_serial[0] &&
	    (rc = report_next_attempt(dir, r->meta.pen_serial, r->meta.run_id, &r->meta.attempt,
				      err)))
		goto out;
	if (unreadable) {
		const char *w = why.msg;
		size_t pl = strlen(r->journal_path);
		if (strncmp(w, r->journal_path, pl) == 0 && w[pl] == ':')
			w += pl + 1 + (w[pl + 1] == ' ');
		rc = conclude_unreadable(r, w, kept, sizeof kept, err);
	} else {
		rc = conclude(r, name, err);
	}
	if (rc || (rc = report_publish(r, true, err)))
		goto out;
	if (unreadable) {
		rec->aborted++;
		rec->unreadable++;
		say(rec, "journal unreadable: %s (%s); reported as ABORTED in %s, its bytes kept in %s",
		    r->journal_path, why.msg, r->file, kept);
	} else if (r->verdict == REPORT_ABORTED &&
		   !strcmp(r->reason_code, reason_code_name(REASON_INTERRUPTED))) {
		/* concluded now, or by a recovery that died while publishing:
		 * by the verdict's code (interrupted()), not its words */
		rec->aborted++;
		say(rec, "interrupted run found: %s, reported as ABORTED in %s", r->journal_path,
		    r->file);
	} else {
		rec->published++;
		say(rec, "a run that ended while its report was being written: %s, published as %s in %s",
		    r->journal_path, report_verdict_name(r->verdict), r->file);
	}
out:
	if (rc) {
		rec->failed++;
		say(rec, "cannot recover %s: %s", r->journal_path, err ? err->msg : "");
	}
	report_close(r);
	return rc;
}

/* A journal being made (".<run_id>.journal.new") whose maker is gone: it
 * was never visible, nothing was measured. Its lock is tried first; one
 * still empty may be a maker between its create and its lock, and stays:
 * it holds nothing, and no clock can tell its age for sure (a Pi without
 * a real-time clock jumps at boot; the file's stamp and time() need not
 * agree). */
static void remove_dead_new_journal(const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && st.st_size > 0)
		unlink(path);
	close(fd);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t len = strlen(s), tl = strlen(tail);
	return len > tl && strcmp(s + len - tl, tail) == 0;
}

enum rig_rc report_recover(const char *dir, struct report_recovery *rec, struct rig_err *err)
{
	enum rig_rc first = RIG_OK;
	rec->aborted = rec->unreadable = rec->published = rec->failed = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return RIG_OK;
		enum rig_rc rc = report_dir_error(dir, errno, "opendir", err);
		rec->failed++;
		say(rec, "cannot look for interrupted runs: %s", err ? err->msg : dir);
		return rc;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && ends_with(de->d_name, REPORT_JOURNAL_SUFFIX
							       REPORT_JOURNAL_NEW)) {
			remove_dead_new_journal(dir, de->d_name);
			continue;
		}
		if (!ends_with(de->d_name, REPORT_JOURNAL_SUFFIX))
			continue;
		struct rig_err e1 = { 0 };
		enum rig_rc rc = recover_one(dir, de->d_name, rec, &e1);
		if (rc && !first) {
			first = rc;
			if (err)
				*err = e1;
		}
	}
	closedir(d);
	return first;
}

enum rig_rc report_recover_orphans(const char *dir, unsigned *recovered, struct rig_err *err)
{
	struct report_recovery rec = { 0 };
	enum rig_rc rc = report_recover(dir, &rec, err);
	if (recovered)
		*recovered = rec.aborted + rec.published;
	return rc;
}
