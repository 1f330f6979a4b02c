/* capture.c - a recorded capture (raw ILD1420 bytes or trace CSV) streamed
 * into the stroke engine through fixed buffers. */
#include "measure/capture.h"

#include "core/ini_schema.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define READ_BUF 16384
#define SAMPLE_BUF 2048

int capture_format_parse(const char *s, enum capture_format *out)
{
	if (!strcmp(s, "ild1420"))
		*out = CAPTURE_ILD1420;
	else if (!strcmp(s, "csv"))
		*out = CAPTURE_CSV;
	else
		return -1;
	return 0;
}

static enum rig_rc feed_ild1420(FILE *in, const char *name, double range_mm,
				struct measure *m, struct capture_info *info,
				struct rig_err *err)
{
	enum rig_rc rc = RIG_OK;
	uint8_t *buf = malloc(READ_BUF);
	struct laser_sample *out = malloc(SAMPLE_BUF * sizeof *out);
	struct ild1420_decoder d;
	if (!buf || !out) {
		rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	ild1420_decoder_init(&d, range_mm);
	for (;;) {
		size_t n = fread(buf, 1, READ_BUF, in);
		if (n == 0) {
			if (ferror(in)) {
				rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: read failed", name);
				goto out;
			}
		}
		info->bytes += n;
		size_t off = 0;
		/* at the end (n == 0) the loop flushes what the decoder owes */
		do {
			size_t used = 0;
			size_t got = ild1420_decode(&d, buf + off, n - off, out, SAMPLE_BUF, &used);
			off += used;
			info->samples += got;
			rc = measure_push(m, out, got, err);
			if (rc) {
				rig_err_prefix(err, "%s: ", name);
				goto out;
			}
		} while (off < n || ild1420_decoder_owed(&d));
		if (n == 0)
			break;
	}
	info->ild = d.count;
	if (info->bytes > 0 && d.count.values == 0)
		rc = rig_fail(err, RIG_E_DATA,
			      "%s: no ILD1420 value in %llu bytes (expected L, M, H byte triples: "
			      "00xxxxxx 01xxxxxx 1xxxxxxx)",
			      name, (unsigned long long)info->bytes);
out:
	free(out);
	free(buf);
	return rc;
}

/* ---- trace CSV ----------------------------------------------------------- */

struct csv_state {
	const char *name;
	struct measure *m;
	struct capture_info *info;
	struct rig_err *err;
	enum rig_rc rc;
	uint64_t line;        /* line of the row being parsed (1-based) */
	unsigned field;       /* index in the row */
	int header_done;
	unsigned ncols;       /* the header's columns: every row has as many */
	char fields[4][64];   /* the first four of a row (a 4th: for a message) */
	int truncated;
	int has_nul;          /* a field of this row holds a NUL byte */
	struct laser_sample *out;
	size_t nout;
	uint64_t last_slot;
	int have_slot;
	int row_nl;           /* the last row libcsv ended, ended at a '\n' (parse_rows) */
};

static void csv_field(void *s, size_t len, void *data)
{
	struct csv_state *st = data;
	if (st->field < 4) {
		/* A NUL would cut the field short unseen: "1\0junk" read as 1. */
		if (memchr(s, '\0', len))
			st->has_nul = 1;
		if (len >= sizeof st->fields[0]) {
			st->truncated = 1;
			len = sizeof st->fields[0] - 1;
		}
		memcpy(st->fields[st->field], s, len);
		st->fields[st->field][len] = '\0';
	}
	st->field++;
}

static int flush_samples(struct csv_state *st)
{
	if (st->nout == 0)
		return 0;
	enum rig_rc rc = measure_push(st->m, st->out, st->nout, st->err);
	st->info->samples += st->nout;
	st->nout = 0;
	if (rc) {
		rig_err_prefix(st->err, "%s:%llu: ", st->name, (unsigned long long)st->line);
		st->rc = rc;
		return -1;
	}
	return 0;
}

static void row_fail(struct csv_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void row_fail(struct csv_state *st, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st->rc = rig_fail(st->err, RIG_E_DATA, "%s:%llu: %s", st->name,
			  (unsigned long long)st->line, msg);
}

/* A field of digits alone, at most max of them, as a number: what
 * strtoull and strtol read of it, exactly (no sign, space or overflow
 * to tell). False for any other field: the caller asks the library. */
static bool field_digits(const char *f, unsigned max, unsigned long long *v)
{
	unsigned long long x = 0;
	unsigned k = 0;
	for (; f[k] >= '0' && f[k] <= '9'; k++) {
		if (k == max)
			return false;
		x = x * 10 + (unsigned)(f[k] - '0');
	}
	if (k == 0 || f[k])
		return false;
	*v = x;
	return true;
}

/* A field of digits alone (any number of them). */
static bool all_digits(const char *f)
{
	return *f && f[strspn(f, "0123456789")] == '\0';
}

/* A field "[-]digits[.digits]" of at most 15 digits as strtod reads it,
 * to the bit: the integer of its digits (under 2^53) and the power of ten
 * of its decimals (up to 1e15) are exact doubles, and their quotient,
 * one IEEE division, is the decimal's correctly rounded value, as
 * glibc's strtod gives it (Clinger's fast path). False for any other
 * field (an exponent, a '+', more digits, "nan"): the caller asks strtod.
 * strtod's own cost, about 750 instructions a row of the 10-minute
 * bench capture's 2200, is most of what a CSV row took. */
static bool field_decimal(const char *f, double *v)
{
	static const double pow10[16] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
					  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	bool neg = *f == '-', dot = false;
	unsigned long long m = 0;
	unsigned nd = 0, nf = 0;
	for (f += neg;; f++) {
		if (*f >= '0' && *f <= '9') {
			if (++nd > 15)
				return false;
			m = m * 10 + (unsigned)(*f - '0');
			nf += dot;
		} else if (*f == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
	}
	if (*f || nd == 0)
		return false;
	double x = (double)m / pow10[nf];
	*v = neg ? -x : x;
	return true;
}

/* The header row: "slot,dist_mm,status", then any further columns, each
 * named (their fields are not read); every row after it has as many
 * fields (st->ncols). */
static void csv_header_row(struct csv_state *st, unsigned nf)
{
	if (nf < 3 || strcmp(st->fields[0], "slot") || strcmp(st->fields[1], "dist_mm") ||
	    strcmp(st->fields[2], "status"))
		row_fail(st, "expected the header \"" CAPTURE_CSV_HEADER "\", found \"%s,%s,%s\"",
			 st->fields[0], nf > 1 ? st->fields[1] : "", nf > 2 ? st->fields[2] : "");
	else if (nf > 3 && !st->fields[3][0])
		row_fail(st, "expected the header \"" CAPTURE_CSV_HEADER "\" (further columns "
			     "named), found an empty name for column 4");
	st->header_done = 1;
	st->ncols = nf;
}

/* A sample row of nf fields where the header has st->ncols. */
static void csv_fields_fail(struct csv_state *st, unsigned nf)
{
	if (st->ncols > 3)
		row_fail(st, "expected %u fields as the header has (slot,dist_mm,status and %u "
			     "more), found %u", st->ncols, st->ncols - 3, nf);
	else if (nf < 3)
		row_fail(st, "expected 3 fields (slot,dist_mm,status), found %u", nf);
	else
		row_fail(st, "expected 3 fields (slot,dist_mm,status), found %u: \"%s\" "
			     "beyond them (a further column needs its name in the header)",
			 nf, st->fields[3]);
}

static void csv_row(int c, void *data)
{
	struct csv_state *st = data;
	unsigned nf = st->field;
	st->field = 0;
	st->row_nl = c == '\n';
	if (st->rc == RIG_OK && nf == 1 && st->header_done &&
	    !strcmp(st->fields[0], CAPTURE_LEARNED_MARK)) {
		if (!flush_samples(st))
			measure_finish(st->m); /* where the run learned the shape */
	} else if (st->rc == RIG_OK && nf > 0 && !(nf == 1 && st->fields[0][0] == '\0')) {
		if (!st->header_done) {
			csv_header_row(st, nf);
		} else if (st->fields[0][0] == '#') {
			/* a "# rig trace:" line of a second trace, or a note:
			 * comment lines stand before the header only */
			row_fail(st, "expected a sample row, found a comment line \"%.40s\" "
				     "(comment lines go before the header)", st->fields[0]);
		} else if (st->fields[0][0] == 's' && nf >= 3 && !strcmp(st->fields[0], "slot") &&
			   !strcmp(st->fields[1], "dist_mm")) {
			row_fail(st, "expected a sample row, found the header \"%s,%s,%s\" again "
				     "(two traces joined?)", st->fields[0], st->fields[1],
				 st->fields[2]);
		} else if (nf != st->ncols) {
			csv_fields_fail(st, nf);
		} else if (st->has_nul) {
			row_fail(st, "expected text, found a NUL byte (binary file?)");
		} else if (st->truncated) {
			row_fail(st, "expected fields of at most %zu characters, found a longer one",
				 sizeof st->fields[0] - 1);
		} else {
			char *end;
			struct laser_sample s = { 0 };
			unsigned long long slot, status;
			/* digits alone: the common field through its exact
			 * reading, a longer one through strtoull's (no sign or
			 * space: strtoull reads " -5" as 2^64 - 5) */
			if (!field_digits(st->fields[0], 19, &slot)) {
				errno = 0;
				if (all_digits(st->fields[0]))
					slot = strtoull(st->fields[0], &end, 10);
				if (!all_digits(st->fields[0]) || errno) {
					row_fail(st, "slot: expected a whole number >= 0, found \"%s\"",
						 st->fields[0]);
					goto done;
				}
			}
			/* digits alone: "-0" and "+0" are not a status */
			if (!field_digits(st->fields[2], 9, &status) || status >= LASER_STATUS_COUNT) {
				row_fail(st, "status: expected a laser status number 0 (ok) .. %d "
					 "in digits, found \"%s\"", LASER_STATUS_COUNT - 1,
					 st->fields[2]);
				goto done;
			}
			if (status == LASER_OK) {
				/* the plain decimal through its exact reading, any
				 * other as the rig's files write numbers (an exponent
				 * allowed; no hexadecimal, inf or nan) */
				if (!field_decimal(st->fields[1], &s.dist_mm) &&
				    !ini_parse_number(st->fields[1], &s.dist_mm)) {
					row_fail(st, "dist_mm: expected a distance in mm, found \"%s\"",
						 st->fields[1]);
					goto done;
				}
				if (fabs(s.dist_mm) > CAPTURE_CSV_DIST_MAX_MM) {
					row_fail(st, "dist_mm: expected a distance within +-%g mm "
						 "(an ILD1420's), found \"%s\"",
						 CAPTURE_CSV_DIST_MAX_MM, st->fields[1]);
					goto done;
				}
			} else if (st->fields[1][0]) {
				row_fail(st, "dist_mm: expected it empty for a sample without a "
					     "distance (status != 0), found \"%s\"", st->fields[1]);
				goto done;
			}
			if (st->have_slot && slot <= st->last_slot) {
				row_fail(st, "slot: expected slots to increase, found %llu after %llu",
					 slot, (unsigned long long)st->last_slot);
				goto done;
			}
			st->have_slot = 1;
			st->last_slot = slot;
			s.slot = slot;
			s.status = (enum laser_status)status;
			st->out[st->nout++] = s;
			st->info->rows++;
			if (st->nout == SAMPLE_BUF)
				flush_samples(st);
		}
	}
done:
	st->truncated = 0;
	st->has_nul = 0;
	for (int i = 0; i < 4; i++)
		st->fields[i][0] = '\0';
	if (c == '\n')
		st->line++;
}

void capture_write_header(FILE *f, const struct capture_header *h)
{
	fprintf(f, CAPTURE_HEADER_TAG " rate_hz=%.17g range_mm=%.17g zero_mm=%.17g freq_hint_hz=%.17g "
		   "linearity_um=%.17g resolution_um=%.17g zero_u_um=%.17g clock_ppm=%.17g",
		h->rate_hz, h->range_mm, h->zero_mm, h->freq_hint_hz, h->linearity_um,
		h->resolution_um, h->zero_u_um, h->clock_ppm);
	if (h->exposure_us > 0) /* only when known: other traces as before */
		fprintf(f, " exposure_us=%.17g", h->exposure_us);
	if (h->ring_max_um > 0) /* only when the fixture has one */
		fprintf(f, " ring_max_um=%.17g", h->ring_max_um);
	if (h->ring_max_um > 0 && h->ring_exposure_us > 0)
		fprintf(f, " ring_exposure_us=%.17g", h->ring_exposure_us);
	fputc('\n', f);
}

/* One "key=value" of a header line into h. */
static bool header_key(struct capture_header *h, const char *key, double v)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "rate_hz", offsetof(struct capture_header, rate_hz) },
		{ "range_mm", offsetof(struct capture_header, range_mm) },
		{ "zero_mm", offsetof(struct capture_header, zero_mm) },
		{ "freq_hint_hz", offsetof(struct capture_header, freq_hint_hz) },
		{ "linearity_um", offsetof(struct capture_header, linearity_um) },
		{ "resolution_um", offsetof(struct capture_header, resolution_um) },
		{ "zero_u_um", offsetof(struct capture_header, zero_u_um) },
		{ "clock_ppm", offsetof(struct capture_header, clock_ppm) },
		{ "exposure_us", offsetof(struct capture_header, exposure_us) },
		{ "ring_max_um", offsetof(struct capture_header, ring_max_um) },
		{ "ring_exposure_us", offsetof(struct capture_header, ring_exposure_us) },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(key, keys[i].key)) {
			*(double *)((char *)h + keys[i].off) = v;
			return true;
		}
	return false;
}

enum rig_rc capture_read_header(FILE *in, const char *name, struct capture_header *h,
				unsigned *lines, struct rig_err *err)
{
	memset(h, 0, sizeof *h);
	*lines = 0;
	int c;
	while ((c = getc(in)) == '#') {
		char line[1024];
		line[0] = '#';
		if (!fgets(line + 1, sizeof line - 1, in))
			line[1] = 0;
		size_t len = strlen(line);
		if (len && line[len - 1] != '\n' && !feof(in)) {
			int d;
			while ((d = getc(in)) != EOF && d != '\n')
				;
		}
		++*lines;
		if (strncmp(line, CAPTURE_HEADER_TAG, strlen(CAPTURE_HEADER_TAG)))
			continue;
		h->have = true;
		char *save = NULL;
		for (char *tok = strtok_r(line + strlen(CAPTURE_HEADER_TAG), " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq)
				continue;
			*eq = 0;
			double v;
			if (!ini_parse_number(eq + 1, &v))
				return rig_fail(err, RIG_E_DATA,
						"%s:%u: %s: expected a number, found \"%s\"", name,
						*lines, tok, eq + 1);
			header_key(h, tok, v);
		}
	}
	if (c != EOF)
		ungetc(c, in);
	return RIG_OK;
}

/* The rows of buf[0 .. n) into st. A plain row, where libcsv is between
 * rows (*idle): not empty, its bytes up to its '\n' digits, '.', '-' and
 * at most 3 commas (no quote, space, tab or CR: libcsv hands such a row's
 * fields over verbatim, split at its commas, then its end), goes to
 * csv_field and csv_row straight; any other row, and the bytes up to a
 * row's end while libcsv is inside one (a quoted field over lines, a row
 * cut by the read buffer), through csv_parse. The same calls as csv_parse
 * of the whole buffer makes, to the first error (after which feed_csv
 * reads no more): libcsv's own loop was a third of a CSV row's cost. */
static void parse_rows(struct csv_parser *p, char *buf, size_t n, struct csv_state *st,
		       bool *idle)
{
	size_t pos = 0;
	while (pos < n && st->rc == RIG_OK) {
		size_t k = pos, comma[3];
		unsigned nc = 0;
		if (*idle) {
			for (; k < n; k++) {
				char c = buf[k];
				if ((c >= '0' && c <= '9') || c == '.' || c == '-')
					continue;
				if (c != ',' || nc == 3)
					break;
				comma[nc++] = k;
			}
			if (k < n && buf[k] == '\n' && k > pos) {
				size_t f = pos;
				for (unsigned j = 0; j < nc; j++) {
					csv_field(buf + f, comma[j] - f, st);
					f = comma[j] + 1;
				}
				csv_field(buf + f, k - f, st);
				csv_row('\n', st);
				pos = k + 1;
				continue;
			}
		}
		/* libcsv: up to the next '\n', after which it is between rows
		 * if it ended one there */
		const char *nl = memchr(buf + k, '\n', n - k);
		size_t end = nl ? (size_t)(nl - buf) + 1 : n;
		st->row_nl = 0;
		if (csv_parse(p, buf + pos, end - pos, csv_field, csv_row, st) != end - pos &&
		    st->rc == RIG_OK)
			st->rc = rig_fail(st->err, RIG_E_DATA, "%s:%llu: malformed CSV: %s", st->name,
					  (unsigned long long)st->line, csv_strerror(csv_error(p)));
		*idle = st->row_nl;
		pos = end;
	}
}

static enum rig_rc feed_csv(FILE *in, const char *name, struct measure *m,
			    struct capture_info *info, struct rig_err *err)
{
	struct csv_parser p;
	unsigned hl = 0;
	enum rig_rc hrc = capture_read_header(in, name, &info->header, &hl, err);
	if (hrc)
		return hrc;
	struct csv_state st = { .name = name, .m = m, .info = info, .err = err, .line = 1 + hl };
	char *buf = malloc(READ_BUF);
	st.out = malloc(SAMPLE_BUF * sizeof *st.out);
	int inited = 0;
	if (!buf || !st.out) {
		st.rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", name);
		goto out;
	}
	if (csv_init(&p, CSV_REPALL_NL | CSV_STRICT) != 0) {
		st.rc = rig_fail(err, RIG_E_NOMEM, "%s: cannot set up the CSV parser", name);
		goto out;
	}
	inited = 1;
	bool idle = true;
	for (;;) {
		size_t n = fread(buf, 1, READ_BUF, in);
		if (n == 0) {
			if (ferror(in))
				st.rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: read failed", name);
			break;
		}
		info->bytes += n;
		parse_rows(&p, buf, n, &st, &idle);
		if (st.rc)
			goto out;
	}
	if (st.rc == RIG_OK)
		csv_fini(&p, csv_field, csv_row, &st);
	if (st.rc == RIG_OK && !st.header_done)
		st.rc = rig_fail(err, RIG_E_DATA, "%s: empty file: expected the header \"%s\"",
				 name, CAPTURE_CSV_HEADER);
	if (st.rc == RIG_OK)
		flush_samples(&st);
out:
	if (inited)
		csv_free(&p);
	free(st.out);
	free(buf);
	return st.rc;
}

enum rig_rc capture_feed(FILE *in, const char *name, enum capture_format fmt,
			 double range_mm, struct measure *m, struct capture_info *info,
			 struct rig_err *err)
{
	memset(info, 0, sizeof *info);
	if (fmt == CAPTURE_ILD1420)
		return feed_ild1420(in, name, range_mm, m, info, err);
	return feed_csv(in, name, m, info, err);
}
