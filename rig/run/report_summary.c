/* report_summary.c - <dir>/summary.csv: one line per finished run, appended
 * under flock in one write(), fsync'd. docs/reports.md lists its columns. */
#include "run/report_impl.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/text.h"

#define SUMMARY_NAME "summary.csv"
#define SUMMARY_NCOLUMNS 17

static const char *const summary_columns[SUMMARY_NCOLUMNS] = {
	"run_id", "timestamp", "station", "operator", "pen_model", "pen_serial", "profile",
	"profile_version", "verdict", "reason", "report_file", "bench_time_s", "category",
	"attempt", "reason_code", "disposition", "instruction",
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

/* Reading summary.csv by its header: each data row's values in the columns
 * asked for (NULL where the header lacks the column or the row is short)
 * go to row(); at[] tells afterwards which columns the header had. */
#define SUMMARY_READ_COLS 2
struct summary_read {
	const char *col[SUMMARY_READ_COLS];   /* the column names asked for */
	void (*row)(char *const *value, void *user);
	void *user;
	int at[SUMMARY_READ_COLS];            /* their index in the header; -1 */
	char *value[SUMMARY_READ_COLS];       /* this row's (malloc'd) */
	size_t field, record;
};

static void on_read_field(void *data, size_t len, void *user)
{
	struct summary_read *s = user;
	const char *f = data ? data : "";
	for (size_t i = 0; i < SUMMARY_READ_COLS; i++) {
		if (s->record == 0) {
			if (s->col[i] && strlen(s->col[i]) == len && memcmp(f, s->col[i], len) == 0)
				s->at[i] = (int)s->field;
		} else if (s->at[i] == (int)s->field && !s->value[i]) {
			s->value[i] = strndup(f, len);
		}
	}
	s->field++;
}

static void summary_read_clear(struct summary_read *s)
{
	for (size_t i = 0; i < SUMMARY_READ_COLS; i++) {
		free(s->value[i]);
		s->value[i] = NULL;
	}
}

static void on_read_record(int c, void *user)
{
	struct summary_read *s = user;
	(void)c;
	if (s->record > 0)
		s->row(s->value, s->user);
	summary_read_clear(s);
	s->field = 0;
	s->record++;
}

/* Reads path's rows into s (a missing file has none). With lock, under a
 * shared flock: appenders hold it exclusively for one whole line. */
static enum rig_rc summary_read(const char *path, bool lock, struct summary_read *s,
				struct rig_err *err)
{
	for (size_t i = 0; i < SUMMARY_READ_COLS; i++)
		s->at[i] = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? RIG_OK : rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	while (lock && flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		close(fd);
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	}
	enum rig_rc rc = RIG_OK;
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n > 0)
			csv_parse(&p, buf, (size_t)n, on_read_field, on_read_record, s);
		else if (errno != EINTR)
			break;
	}
	if (n < 0)
		rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
	csv_fini(&p, on_read_field, on_read_record, s);
	csv_free(&p);
	summary_read_clear(s);
	close(fd);
	return rc;
}

/* Looking for a report file name in another run's row. */
struct taken_state {
	const char *run_id, *name;
	bool taken;
};

static void on_taken_row(char *const *v, void *user)
{
	struct taken_state *t = user;
	t->taken |= v[0] && strcmp(v[0], t->run_id) != 0 && v[1] && strcmp(v[1], t->name) == 0;
}

bool report_summary_names(const struct report *r, const char *name)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", r->dir, SUMMARY_NAME);
	struct taken_state t = { .run_id = r->meta.run_id, .name = name };
	struct summary_read s = { .col = { "run_id", "report_file" }, .row = on_taken_row,
				  .user = &t };
	struct rig_err err;
	return summary_read(path, false, &s, &err) == RIG_OK && t.taken;
}

/* The run's summary fields, by column name. */
struct summary_field {
	const char *text;
	bool bare;           /* a number we formatted */
};

static void summary_fields(const struct report *r, char ts[21], char bt[40], char at[16],
			   struct summary_field f[SUMMARY_NCOLUMNS])
{
	at[0] = '\0';
	if (r->meta.attempt)
		snprintf(at, 16, "%u", r->meta.attempt);
	const char *name = strrchr(r->file, '/');
	report_iso_time(ts, r->meta.started);
	if (isfinite(r->bench_time_s))
		snprintf(bt, 40, "%.9g", r->bench_time_s == 0 ? 0.0 : r->bench_time_s);
	else
		bt[0] = '\0';
	const char *v[SUMMARY_NCOLUMNS] = {
		r->meta.run_id, ts, r->meta.station, r->meta.operator_name, r->meta.pen_model,
		r->meta.pen_serial, r->meta.profile, r->meta.profile_version,
		report_verdict_name(r->verdict), r->reason, name ? name + 1 : r->file, bt,
		report_category_name(r->category), at, r->reason_code, r->disposition,
		r->instruction,
	};
	for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++)
		f[i] = (struct summary_field){ v[i], i == 11 || i == 13 };
}

/* One line in the order of the file's own header (a summary.csv begun by
 * an older rig keeps its columns; a column it lacks is not written, one we
 * do not know stays empty). */
static void summary_line(struct csv_line *l, const struct report *r, char *const *header,
			 size_t nheader)
{
	char ts[21], bt[40], at[16];
	struct summary_field f[SUMMARY_NCOLUMNS];
	summary_fields(r, ts, bt, at, f);
	for (size_t k = 0; k < nheader; k++) {
		size_t i = 0;
		while (i < SUMMARY_NCOLUMNS && strcmp(summary_columns[i], header[k]) != 0)
			i++;
		if (i == SUMMARY_NCOLUMNS)
			csv_line_text(l, "");
		else if (f[i].bare)
			csv_line_bare(l, f[i].text);
		else
			csv_line_text(l, f[i].text);
	}
	csv_line_end(l);
}

struct header_state {
	char *field[64];
	size_t n;
	bool done;
};

static void on_header_field(void *data, size_t len, void *user)
{
	struct header_state *h = user;
	if (h->done || h->n == 64)
		return;
	h->field[h->n] = strndup(data ? data : "", len);
	if (h->field[h->n])
		h->n++;
}

static void on_header_end(int c, void *user)
{
	(void)c;
	((struct header_state *)user)->done = true;
}

/* The header of an existing summary (its first line); our own columns if
 * it cannot be read. */
static void read_header(int fd, struct header_state *h)
{
	char buf[2048];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
	struct csv_parser p;
	if (nl && csv_init(&p, CSV_APPEND_NULL) == 0) {
		csv_parse(&p, buf, (size_t)(nl - buf + 1), on_header_field, on_header_end, h);
		csv_fini(&p, on_header_field, on_header_end, h);
		csv_free(&p);
	}
	if (h->n == 0)
		for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++)
			if ((h->field[h->n] = strdup(summary_columns[i])))
				h->n++;
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
	struct header_state h = { .n = 0 };
	read_header(fd, &h);
	summary_line(&l, r, h.field, h.n);
	for (size_t i = 0; i < h.n; i++)
		free(h.field[i]);
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

/* Counting a serial's runs in a summary. */
struct count_state {
	char key[128];               /* the serial looked for */
	const char *exclude;         /* a run id not to count */
	unsigned n;
};

static void on_count_row(char *const *v, void *user)
{
	struct count_state *c = user;
	char key[128];
	if (!v[0])
		return;
	text_serial_key(key, sizeof key, v[0]);
	if (strcmp(key, c->key) == 0 && !(c->exclude && v[1] && strcmp(v[1], c->exclude) == 0))
		c->n++;
}

bool report_serial_known(const char *serial)
{
	char key[128], unknown[128];
	text_serial_key(key, sizeof key, serial ? serial : "");
	text_serial_key(unknown, sizeof unknown, REPORT_SERIAL_UNKNOWN);
	return key[0] && strcmp(key, unknown) != 0;
}

enum rig_rc report_next_attempt(const char *dir, const char *serial,
				const char *exclude_run_id, unsigned *attempt,
				struct rig_err *err)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", dir, SUMMARY_NAME);
	struct count_state c = { .exclude = exclude_run_id };
	text_serial_key(c.key, sizeof c.key, serial);
	*attempt = 0;
	if (!report_serial_known(serial))
		return RIG_OK; /* which runs were this unit's cannot be told */
	*attempt = 1;
	struct summary_read s = { .col = { "pen_serial", "run_id" }, .row = on_count_row,
				  .user = &c };
	enum rig_rc rc = summary_read(path, true, &s, err);
	if (!rc && s.at[0] >= 0)
		*attempt = c.n + 1;
	return rc;
}
