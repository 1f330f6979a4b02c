/* records.c - the hooks: a report published or recovered, a fixture value
 * committed, any other event, each becoming ledger entries. */
#include "records/records.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/grow.h"
#include "core/ini_edit.h"
#include "records/keys.h"
#include "records/ledger.h"

enum rig_rc records_file_sha256(const char *path, char out[SHA256_HEX_LEN + 1], bool *missing,
				struct rig_err *err)
{
	*missing = false;
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*missing = true;
			return RIG_OK;
		}
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", path);
	}
	struct {
		char *buf;
		size_t len, cap;
	} b = { 0 };
	enum rig_rc rc = RIG_OK;
	for (;;) {
		if ((rc = RIG_GROW(b.buf, b.cap, b.len + 1, 65536, err))) {
			rig_err_prefix(err, "%s: ", path);
			break;
		}
		ssize_t n = read(fd, b.buf + b.len, b.cap - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", path);
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	if (!rc)
		sha256_hex(b.buf ? b.buf : "", b.len, out);
	free(b.buf);
	return rc;
}

/* Open dir's ledger for appending, signed with the station key if there
 * is one. */
static enum rig_rc open_ledger(struct ledger *lg, struct station_key *k, const char *dir,
			       struct rig_err *err)
{
	char path[PATH_MAX];
	bool found;
	key_default_path(path, sizeof path);
	enum rig_rc rc = key_load(path, k, &found, err);
	if (rc || (rc = rig_mkdir_p(dir, err)))
		return rc;
	rc = ledger_open(lg, dir, true, found ? k : NULL, err);
	if (rc)
		key_wipe(k);
	return rc;
}

static void close_ledger(struct ledger *lg, struct station_key *k)
{
	ledger_close(lg);
	key_wipe(k);
}

/* ---- what a report says about its run ---- */

struct report_info {
	char run_id[40], serial[64], operator_id[64], verdict[16];
	char profile[64], profile_sha256[SHA256_HEX_LEN + 1];
	char profile_path[PATH_MAX], fixture_path[PATH_MAX];
};

enum { C_RUN_ID, C_OPERATOR, C_SERIAL, C_PROFILE, C_PROFILE_SHA, C_PHASE, C_STEP, C_QUANTITY,
       C_RESULT, C_NOTE, C_N };

static const char *const wanted_cols[C_N] = {
	"run_id", "operator", "pen_serial", "profile", "profile_sha256",
	"phase", "step", "quantity", "result", "note",
};

struct parse {
	struct report_info *info;
	int col[C_N];          /* column index of each wanted column, -1 */
	char *field[C_N];      /* this record's wanted fields */
	size_t nfield, record;
};

static void on_field(void *data, size_t len, void *user)
{
	struct parse *p = user;
	size_t i = p->nfield++;
	for (int c = 0; c < C_N; c++) {
		if (p->record == 0 && len == strlen(wanted_cols[c]) &&
		    memcmp(data, wanted_cols[c], len) == 0)
			p->col[c] = (int)i;
		if (p->record > 0 && p->col[c] == (int)i) {
			free(p->field[c]);
			p->field[c] = strndup(data ? data : "", len);
		}
	}
}

static const char *fld(const struct parse *p, int c)
{
	const char *s = p->field[c] ? p->field[c] : "";
	return s[0] == '\'' ? s + 1 : s; /* a formula prefix the CSV writer added */
}

static void on_record(int ch, void *user)
{
	(void)ch;
	struct parse *p = user;
	struct report_info *in = p->info;
	if (p->record == 1) {
		snprintf(in->run_id, sizeof in->run_id, "%s", fld(p, C_RUN_ID));
		snprintf(in->operator_id, sizeof in->operator_id, "%s", fld(p, C_OPERATOR));
		snprintf(in->serial, sizeof in->serial, "%s", fld(p, C_SERIAL));
		snprintf(in->profile, sizeof in->profile, "%s", fld(p, C_PROFILE));
		snprintf(in->profile_sha256, sizeof in->profile_sha256, "%s", fld(p, C_PROFILE_SHA));
	}
	if (p->record > 0 && strcmp(fld(p, C_PHASE), "run") == 0) {
		const char *step = fld(p, C_STEP), *q = fld(p, C_QUANTITY);
		if (strcmp(step, "start") == 0 && strcmp(q, "fixture") == 0)
			snprintf(in->fixture_path, sizeof in->fixture_path, "%s", fld(p, C_NOTE));
		if (strcmp(step, "start") == 0 && strcmp(q, "profile") == 0)
			snprintf(in->profile_path, sizeof in->profile_path, "%s", fld(p, C_NOTE));
		if (strcmp(step, "end") == 0 && strcmp(q, "verdict") == 0)
			snprintf(in->verdict, sizeof in->verdict, "%s", fld(p, C_RESULT));
	}
	for (int c = 0; c < C_N; c++) {
		free(p->field[c]);
		p->field[c] = NULL;
	}
	p->nfield = 0;
	p->record++;
}

/* Best effort: a field the report does not have stays empty. */
static void read_report_info(const void *bytes, size_t len, struct report_info *info)
{
	struct csv_parser parser;
	struct parse p = { .info = info };
	memset(info, 0, sizeof *info);
	for (int c = 0; c < C_N; c++)
		p.col[c] = -1;
	if (csv_init(&parser, CSV_APPEND_NULL) != 0)
		return;
	csv_parse(&parser, bytes, len, on_field, on_record, &p);
	csv_fini(&parser, on_field, on_record, &p);
	csv_free(&parser);
	for (int c = 0; c < C_N; c++)
		free(p.field[c]);
}

/* The absolute form of path (as given if it cannot be resolved). */
static void absolute(const char *path, char out[PATH_MAX])
{
	if (!realpath(path, out))
		snprintf(out, PATH_MAX, "%s", path);
}

static enum rig_rc note_fixture_seen(struct ledger *lg, const char *fixture, const char *actor,
				     struct rig_err *err)
{
	char abs[PATH_MAX], sha[SHA256_HEX_LEN + 1];
	bool missing;
	absolute(fixture, abs);
	enum rig_rc rc = records_file_sha256(abs, sha, &missing, err);
	if (rc || missing)
		return rc;
	const struct ledger_entry *last = ledger_last(lg, "fixture.", abs);
	if (last && strcmp(last->sha256, sha) == 0)
		return RIG_OK;
	char detail[200];
	if (last)
		snprintf(detail, sizeof detail,
			 "bytes changed outside rig since entry %lu (sha256 was %.16s...): "
			 "a manual edit, noticed by its hash", last->seq, last->sha256);
	else
		snprintf(detail, sizeof detail, "first use of this fixture in this folder");
	struct ledger_new e = { .kind = last ? LK_FIXTURE_EDITED : LK_FIXTURE_FIRST,
				.object = abs, .sha256 = sha, .actor = actor, .detail = detail };
	return ledger_append(lg, &e, NULL, err);
}

static bool profile_known(const struct ledger *lg, const char *sha)
{
	for (size_t i = lg->n; i-- > 0;)
		if (!lg->entries[i].malformed && strcmp(lg->entries[i].kind, LK_PROFILE_FIRST) == 0 &&
		    strcmp(lg->entries[i].sha256, sha) == 0)
			return true;
	return false;
}

enum rig_rc records_profile_edited(const char *dir, const char *path, const char *name,
				   const char *sha256, bool *edited, char *what, size_t cap,
				   struct rig_err *err)
{
	*edited = false;
	if (what && cap)
		what[0] = '\0';
	struct ledger lg;
	enum rig_rc rc = ledger_open(&lg, dir, false, NULL, err);
	if (rc)
		return rc;
	char abs[PATH_MAX], named[160];
	absolute(path, abs);
	snprintf(named, sizeof named, "profile=%s", name);
	const struct ledger_entry *before = NULL;
	bool known = profile_known(&lg, sha256);
	for (size_t i = 0; i < lg.n && !known; i++) {
		const struct ledger_entry *e = &lg.entries[i];
		if (!e->malformed && !strcmp(e->kind, LK_PROFILE_FIRST) &&
		    (!strcmp(e->object, abs) || !strcmp(e->detail, named)))
			before = e;
	}
	if (before) {
		*edited = true;
		if (what && cap)
			snprintf(what, cap, "profile %s (%s) changed since its first use in ledger "
				 "entry %lu (sha256 %.16s..., now %.16s...)", name, abs, before->seq,
				 before->sha256, sha256);
	}
	ledger_close(&lg);
	return RIG_OK;
}

static enum rig_rc note_report_entries(struct ledger *lg, const char *name, const char *sha,
				       bool recovered, const struct report_info *in,
				       struct rig_err *err)
{
	const char *actor = in->operator_id[0] ? in->operator_id : NULL;
	enum rig_rc rc = RIG_OK;
	if (in->profile_sha256[0] && !profile_known(lg, in->profile_sha256)) {
		char abs[PATH_MAX], detail[160];
		absolute(in->profile_path[0] ? in->profile_path : in->profile, abs);
		snprintf(detail, sizeof detail, "profile=%s", in->profile);
		struct ledger_new e = { .kind = LK_PROFILE_FIRST, .object = abs,
					.sha256 = in->profile_sha256, .actor = actor,
					.detail = detail };
		if ((rc = ledger_append(lg, &e, NULL, err)))
			return rc;
	}
	if (in->fixture_path[0] && (rc = note_fixture_seen(lg, in->fixture_path, actor, err)))
		return rc;
	const struct ledger_entry *last = ledger_last(lg, "report.", name);
	if (last && strcmp(last->sha256, sha) == 0)
		return RIG_OK; /* recorded before the crash that made us repeat */
	char detail[400];
	snprintf(detail, sizeof detail, "run_id=%s; serial=%s; verdict=%s; operator=%s; profile=%s",
		 in->run_id, in->serial, in->verdict, in->operator_id, in->profile);
	struct ledger_new e = { .kind = recovered ? LK_REPORT_RECOVERED : LK_REPORT_PUBLISHED,
				.object = name, .sha256 = sha, .actor = actor, .detail = detail };
	return ledger_append(lg, &e, NULL, err);
}

enum rig_rc records_note_report(const char *dir, const char *file, const void *bytes,
				size_t len, bool recovered, struct rig_err *err)
{
	struct report_info info;
	char sha[SHA256_HEX_LEN + 1];
	const char *slash = strrchr(file, '/');
	const char *name = slash ? slash + 1 : file;
	read_report_info(bytes, len, &info);
	sha256_hex(bytes, len, sha);
	struct ledger lg;
	struct station_key k;
	enum rig_rc rc = open_ledger(&lg, &k, dir, err);
	if (rc)
		return rc;
	rc = note_report_entries(&lg, name, sha, recovered, &info, err);
	close_ledger(&lg, &k);
	return rc;
}

enum rig_rc records_note_fixture(const char *dir, const char *fixture_path, const char *actor,
				 const char *what, struct rig_err *err)
{
	char abs[PATH_MAX], sha[SHA256_HEX_LEN + 1];
	bool missing;
	absolute(fixture_path, abs);
	enum rig_rc rc = records_file_sha256(abs, sha, &missing, err);
	if (rc)
		return rc;
	if (missing)
		return rig_fail(err, RIG_E_IO, "%s: no such fixture", abs);
	return records_note(dir, LK_FIXTURE_CHANGED, abs, sha, actor, what, err);
}

static enum rig_rc fixture_committed(void *vctx, const char *path, const struct ini_change *ch,
				     size_t n, struct rig_err *err)
{
	const struct records_fixture *r = vctx;
	char what[900];
	int len = snprintf(what, sizeof what, "%s:", r->why ? r->why : "changed");
	for (size_t i = 0; i < n && len > 0 && (size_t)len < sizeof what; i++)
		len += snprintf(what + len, sizeof what - (size_t)len, "%s %s.%s %s -> %s",
				i ? ";" : "", ch[i].section, ch[i].key,
				ch[i].existed ? ch[i].old_value : "(none)", ch[i].new_value);
	enum rig_rc rc = records_note_fixture(r->dir, path, r->actor[0] ? r->actor : NULL, what, err);
	if (rc)
		rig_err_prefix(err, "%s changed, but not on the record: ", path);
	return rc;
}

void records_fixture_observer(struct records_fixture *r, const char *dir, const char *actor,
			      const char *why)
{
	r->dir = dir;
	snprintf(r->actor, sizeof r->actor, "%s", actor ? actor : "");
	r->why = why;
	r->obs.committed = fixture_committed;
	r->obs.ctx = r;
}

enum rig_rc records_note(const char *dir, const char *kind, const char *object,
			 const char *sha256, const char *actor, const char *detail,
			 struct rig_err *err)
{
	struct ledger lg;
	struct station_key k;
	enum rig_rc rc = open_ledger(&lg, &k, dir, err);
	if (rc)
		return rc;
	struct ledger_new e = { .kind = kind, .object = object, .sha256 = sha256,
				.actor = actor, .detail = detail };
	rc = ledger_append(&lg, &e, NULL, err);
	close_ledger(&lg, &k);
	return rc;
}

enum rig_rc records_sign(const char *path, const char *meaning, const char *id,
			 const char *name, bool access_on, struct ledger_entry *out,
			 struct rig_err *err)
{
	if (strcmp(meaning, "reviewed") && strcmp(meaning, "approved") &&
	    strcmp(meaning, "responsible"))
		return rig_fail(err, RIG_E_USAGE,
				"meaning: expected reviewed, approved or responsible, found '%.40s'",
				meaning);
	char dir[PATH_MAX], sha[SHA256_HEX_LEN + 1];
	const char *slash = strrchr(path, '/');
	const char *file = slash ? slash + 1 : path;
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (!dir[0])
		snprintf(dir, sizeof dir, "/");
	struct ledger lg;
	struct station_key k;
	enum rig_rc rc = open_ledger(&lg, &k, dir, err);
	if (rc)
		return rc;
	bool missing;
	const struct ledger_entry *rec = ledger_last(&lg, "report.", file);
	if ((rc = records_file_sha256(path, sha, &missing, err)))
		goto out;
	if (missing || !rec || strcmp(rec->sha256, sha) != 0) {
		char why[120];
		if (missing)
			snprintf(why, sizeof why, "no such report");
		else if (!rec)
			snprintf(why, sizeof why, "no ledger entry records this report");
		else
			snprintf(why, sizeof why, "its bytes differ from those entry %lu recorded",
				 rec->seq);
		rc = rig_fail(err, RIG_E_DATA, "%s: %s; not signed (rig verify %s names what is wrong)",
			      path, why, dir);
		goto out;
	}
	char detail[400];
	snprintf(detail, sizeof detail, "name=%s; meaning=%s; identity=%s", name, meaning,
		 access_on ? "ID and PIN checked" : "not checked (access control: off)");
	struct ledger_new e = { .kind = LK_SIGNATURE, .object = file, .sha256 = sha, .actor = id,
				.detail = detail };
	rc = ledger_append(&lg, &e, out, err);
out:
	close_ledger(&lg, &k);
	return rc;
}

void records_report_note(char *out, size_t cap, const char *note, bool access_on)
{
	char status[160];
	records_status(status, sizeof status);
	snprintf(out, cap, "%s; %s",
		 note ? note : access_on ? "access control: on (operator not identified)"
					 : "access control: off",
		 status);
}

void records_status(char *out, size_t cap)
{
	char path[PATH_MAX];
	struct station_key k;
	bool found = false;
	struct rig_err err;
	key_default_path(path, sizeof path);
	if (key_load(path, &k, &found, &err))
		snprintf(out, cap, "ledger: station key unusable: %s", err.msg);
	else if (found)
		snprintf(out, cap, "ledger: signed (station key %s)", k.fpr);
	else
		snprintf(out, cap, "ledger: unsigned, hash chain only (no station key)");
	key_wipe(&k);
}
