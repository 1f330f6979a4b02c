/* audit.c - the ledger as an audit trail for people: filter and print. */
#include "records/audit.h"

#include <stdlib.h>
#include <string.h>

#include "records/ledger.h"
#include "run/csvline.h"

bool audit_since_valid(const char *s)
{
	/* digits where digits belong; the rest literal */
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t n = strlen(s);
	if (n != 10 && n != sizeof shape - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

static bool serial_matches(const struct ledger_entry *e, const char *serial)
{
	char key[96], part[96];
	snprintf(key, sizeof key, "serial=%s;", serial);
	snprintf(part, sizeof part, "_%s_", serial);
	return strstr(e->detail, key) || strstr(e->object, part);
}

static bool passes(const struct ledger_entry *e, const struct audit_filter *f)
{
	if (e->malformed)
		return !f->since && !f->serial && !f->kind;
	if (f->since && strncmp(e->time, f->since, strlen(f->since)) < 0)
		return false;
	if (f->serial && !serial_matches(e, f->serial))
		return false;
	if (f->kind) {
		size_t kl = strlen(f->kind);
		if (strncmp(e->kind, f->kind, kl) != 0 || (e->kind[kl] && e->kind[kl] != '.'))
			return false;
	}
	return true;
}

static const char *const columns[] = {
	"seq", "time", "kind", "object", "sha256", "actor", "detail", "signed_by",
};

/* "-" (nothing) as an empty field. */
static const char *dash_empty(const char *s)
{
	return strcmp(s, "-") ? s : "";
}

static void print_csv(FILE *out, const struct ledger_entry *e)
{
	struct csv_line l = CSV_LINE_INIT;
	csv_line_long(&l, (long)e->seq);
	csv_line_text(&l, e->time);
	csv_line_text(&l, e->malformed ? "(malformed)" : e->kind);
	csv_line_text(&l, e->object);
	csv_line_text(&l, dash_empty(e->sha256));
	csv_line_text(&l, dash_empty(e->actor));
	csv_line_text(&l, e->malformed ? e->malformed_why : e->detail);
	csv_line_text(&l, dash_empty(e->key));
	csv_line_end(&l);
	if (l.s)
		fwrite(l.s, 1, l.len, out);
	free(l.s);
}

static void print_text(FILE *out, const struct ledger_entry *e)
{
	if (e->malformed) {
		fprintf(out, "%6lu  (line %lu is not an entry: %s)\n", e->line, e->line,
			e->malformed_why);
		return;
	}
	/* Names and details are shown as stored: control bytes escaped. */
	char obj[300], detail[700], actor[80];
	ledger_escape(obj, sizeof obj, e->object);
	ledger_escape(detail, sizeof detail, e->detail);
	ledger_escape(actor, sizeof actor, e->actor);
	fprintf(out, "%6lu  %s  %-19s %-10s %s%s%.12s%s\n        %s\n", e->seq, e->time, e->kind,
		actor, obj, strcmp(e->sha256, "-") ? "  sha256 " : "",
		strcmp(e->sha256, "-") ? e->sha256 : "", strcmp(e->sha256, "-") ? "..." : "",
		detail);
}

enum rig_rc audit_print(const char *dir, const struct audit_filter *f, FILE *out,
			unsigned long *shown, unsigned long *total, struct rig_err *err)
{
	struct ledger lg;
	enum rig_rc rc = ledger_open(&lg, dir, false, NULL, err);
	if (rc)
		return rc;
	unsigned long n = 0;
	if (f->csv) {
		struct csv_line l = CSV_LINE_INIT;
		csv_line_header(&l, columns, sizeof columns / sizeof columns[0]);
		if (l.s)
			fwrite(l.s, 1, l.len, out);
		free(l.s);
	}
	for (size_t i = 0; i < lg.n; i++) {
		if (!passes(&lg.entries[i], f))
			continue;
		n++;
		if (f->csv)
			print_csv(out, &lg.entries[i]);
		else
			print_text(out, &lg.entries[i]);
	}
	if (shown)
		*shown = n;
	if (total)
		*total = lg.n;
	ledger_close(&lg);
	return RIG_OK;
}
