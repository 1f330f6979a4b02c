/* report_impl.h - what the files of rig/run/report*.c share. Not for
 * callers outside rig/run/.
 *
 *   report.c          metadata, rows in memory, names and identifiers
 *   report_columns.c  the one column table: a row as a CSV line, and back
 *   report_fs.c       the file layer: every change to the folder through
 *                     the report's fs ops (core/fsops.h), fsync'd
 *   report_journal.c  the journal of a live run: open, add, finish
 *   report_publish.c  the final report, placed atomically
 *   report_summary.c  summary.csv
 *   report_recover.c  journals whose run died, read back by column name
 *   report_junit.c    JUnit XML
 */
#ifndef RIG_RUN_REPORT_IMPL_H
#define RIG_RUN_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "run/csvline.h"
#include "run/report.h"

#define REPORT_JOURNAL_SUFFIX ".journal"
/* A journal being made: ".<run_id>.journal.new", renamed to its name once
 * locked and written (report_journal.c). */
#define REPORT_JOURNAL_NEW ".new"
/* An unreadable journal's bytes, kept for a person once it is reported. */
#define REPORT_JOURNAL_UNREADABLE ".unreadable"

/* ---- rows in memory (report.c) ---- */

/* Keep a cleaned copy of row in r->rows (and add bench_time rows to
 * r->bench_time_s). */
enum rig_rc report_keep(struct report *r, const struct report_row *row, struct rig_err *err);
/* Forget the last kept row (its journal write failed). */
void report_unkeep(struct report *r);
/* A kept row as a struct report_row (pointers into rec). */
struct report_row report_rec_row(const struct report_rec *rec);
/* A fresh report with meta cleaned; journal_fd = -1, fs = POSIX. */
enum rig_rc report_alloc(struct report **out, const char *dir, const struct report_meta *m,
			 struct rig_err *err);
/* The measurement rows that are judged (result PASS or FAIL, not the verdict). */
bool report_rec_judged(const struct report_rec *rec);
bool report_rec_is_verdict(const struct report_rec *rec);

/* ---- the column table (report_columns.c) ---- */

/* One CSV line of a row: the run's metadata, then the row's fields, in
 * the order of report_columns. */
void report_line_row(struct csv_line *l, const struct report_meta *m,
		     const struct report_row *row);
/* Where each column of the table is in a header of nf fields: col[i] is
 * the field index of report_columns[i], or -1 if the header lacks it.
 * RIG_E_DATA naming path and the column if a column the rig needs to read
 * a journal back (run_id, phase, step, quantity, result) is missing or a
 * column appears twice. */
enum rig_rc report_columns_locate(int col[REPORT_NCOLUMNS], char *const *field, size_t nf,
				  const char *path, struct rig_err *err);
/* A record's fields (located by col) into m (metadata: only when m is not
 * NULL) and row (pointers into field; absent columns empty). */
void report_columns_read(const int col[REPORT_NCOLUMNS], char *const *field,
			 struct report_meta *m, struct report_row *row);

/* ---- the file layer (report_fs.c) ---- */

/* RIG_E_IO: "cannot write reports to folder '<dir>': <what>: <errno text>" */
enum rig_rc report_dir_error(const char *dir, int errnum, const char *what,
			     struct rig_err *err);
/* mkdir -p through r's fs ops; RIG_E_IO if dir is not a folder afterwards. */
enum rig_rc report_ensure_dir(const struct report *r, const char *dir, struct rig_err *err);
/* fsync a folder (a filesystem that cannot is not an error). */
enum rig_rc report_fsync_dir(const struct report *r, const char *dir, struct rig_err *err);
/* One write() of the whole buffer, then fsync. A short write is undone so
 * no torn line stays behind. */
enum rig_rc report_write_sync(const struct report *r, int fd, const char *buf, size_t len,
			      const char *path, struct rig_err *err);
/* The whole of fd (from offset 0) into *out (malloc'd, NUL-terminated). */
enum rig_rc report_read_all(int fd, char **out, size_t *len, const char *path,
			    struct rig_err *err);
/* Is the file at path exactly these bytes? */
bool report_file_equals(const char *path, const char *bytes, size_t len);

/* ---- the journal, publishing, the summary ---- */

/* The whole report as the table writes it (header, then every kept row),
 * into *out (malloc'd) (report_journal.c). */
enum rig_rc report_render(const struct report *r, char **out, size_t *len,
			  struct rig_err *err);
/* Keep row and append it to the journal (report_journal.c). */
enum rig_rc report_journal_row(struct report *r, const struct report_row *row,
			       struct rig_err *err);
/* The journal, now holding the verdict row, becomes the final report (a
 * journal_foreign one: the rows rendered in the table's columns); then
 * the summary line; then the journal goes (report_publish.c). recovering:
 * a summary line already there is not added again. */
enum rig_rc report_publish(struct report *r, bool recovering, struct rig_err *err);
/* Does <dir>/summary.csv name the report file name (no folder) for a run
 * other than r's? Such a name is taken even when its file was moved away
 * (report_summary.c). */
bool report_summary_names(const struct report *r, const char *name);
/* Append the finished run to <dir>/summary.csv (report_summary.c). */
enum rig_rc report_summary_append(const struct report *r, bool check_dup, struct rig_err *err);

#endif
