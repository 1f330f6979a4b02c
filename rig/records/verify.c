/* verify.c - rig verify's checks: the ledger's chain and signatures, the
 * reports of the folder against their entries, signatures against their
 * reports, fixtures against their last recorded hash. */
#include "records/verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "records/ledger.h"
#include "records/records.h"

/* One report the ledger records (its last report.* entry). */
struct rec {
	const char *object;
	const char *sha256;
	unsigned long seq;
	bool file_seen;
};

/* One report file found in the folder. */
struct file {
	char name[256];
	char sha256[SHA256_HEX_LEN + 1];
	bool recorded;
};

struct ctx {
	const char *dir;
	struct vf_result *res;
	struct ledger lg;
	struct rec *recs;
	size_t nrecs;
	struct file *files;
	size_t nfiles;
	enum rig_rc oom;
};

const char *vf_name(enum vf_what w)
{
	static const char *const names[] = {
		[VF_TORN] = "torn entry", [VF_MALFORMED] = "malformed entry",
		[VF_SEQUENCE] = "sequence broken", [VF_CHAIN] = "chain broken",
		[VF_REPLAY] = "replayed entry", [VF_SIGNATURE] = "bad signature",
		[VF_UNKNOWN_KEY] = "unknown key", [VF_UNSIGNED] = "unsigned entry",
		[VF_PUBKEYS] = "public keys", [VF_REPORT_CHANGED] = "report changed",
		[VF_REPORT_MISSING] = "report missing", [VF_REPORT_UNRECORDED] = "report unrecorded",
		[VF_REPORT_RENAMED] = "report renamed", [VF_REPORT_SWAPPED] = "reports swapped",
		[VF_SIGNATURE_MOVED] = "signature moved", [VF_FIXTURE_CHANGED] = "fixture changed",
		[VF_FIXTURE_MISSING] = "fixture missing", [VF_CUT_BACK] = "ledger cut back",
		[VF_ANCHOR_DIFFERS] = "ledger rewritten",
	};
	return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

__attribute__((format(printf, 3, 4)))
static void finding(struct ctx *c, enum vf_what w, const char *fmt, ...)
{
	struct vf_result *r = c->res;
	struct vf_finding *p = realloc(r->f, (r->nf + 1) * sizeof *p);
	if (!p) {
		c->oom = RIG_E_NOMEM;
		return;
	}
	r->f = p;
	p[r->nf].what = w;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p[r->nf].text, sizeof p[r->nf].text, fmt, ap);
	va_end(ap);
	r->nf++;
}

bool vf_is_report_name(const char *s)
{
	/* 20261121T101500Z_<serial>_<VERDICT>[-N].csv */
	size_t len = strlen(s);
	if (len < 22 || strcmp(s + len - 4, ".csv") != 0 || s[8] != 'T' || s[15] != 'Z' ||
	    s[16] != '_')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* ---- the chain ---- */

static const struct ledger_entry *earlier_copy(const struct ledger *lg, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(lg->entries[j].hash, lg->entries[i].hash) == 0)
			return &lg->entries[j];
	return NULL;
}

static void check_signature(struct ctx *c, const struct pub_keys *pubs,
			    const struct ledger_entry *e, bool *seen_signed)
{
	struct vf_result *r = c->res;
	if (strcmp(e->key, "-") == 0) {
		r->unsigned_entries++;
		if (*seen_signed)
			finding(c, VF_UNSIGNED,
				"%s:%lu: entry %lu (%s %s) is unsigned, though entries before it "
				"are signed: written without the station key, or forged",
				LEDGER_FILE, e->line, e->seq, e->kind, e->object);
		return;
	}
	*seen_signed = true;
	r->signed_entries++;
	const struct pub_key *pk = key_find(pubs, e->key);
	if (!pk) {
		finding(c, VF_UNKNOWN_KEY, "%s:%lu: entry %lu is signed by key %s, which %s does not list",
			LEDGER_FILE, e->line, e->seq, e->key, KEY_PUB_FILE);
		return;
	}
	if (!strstr(r->keys, e->key)) {
		size_t kl = strlen(r->keys);
		if (kl + KEY_FPR_LEN + 2 < sizeof r->keys)
			snprintf(r->keys + kl, sizeof r->keys - kl, "%s%s", kl ? "," : "", e->key);
	}
}

static void check_chain(struct ctx *c, const struct pub_keys *pubs)
{
	const struct ledger *lg = &c->lg;
	struct vf_result *r = c->res;
	char prev[SHA256_HEX_LEN + 1];
	memset(prev, '0', SHA256_HEX_LEN);
	prev[SHA256_HEX_LEN] = '\0';
	unsigned long last_seq = 0;
	bool seen_signed = false;
	size_t off = 0;
	for (size_t i = 0; i < lg->n; i++) {
		const struct ledger_entry *e = &lg->entries[i];
		const char *line = lg->bytes + off;
		const char *eol = memchr(line, '\n', lg->len - off);
		off = (size_t)(eol - lg->bytes) + 1;
		r->entries++;
		if (e->malformed) {
			finding(c, VF_MALFORMED, "%s:%lu: not a ledger entry: %s", LEDGER_FILE, e->line,
				e->malformed_why);
			memcpy(prev, e->hash, sizeof prev);
			continue;
		}
		const struct ledger_entry *copy;
		if (e->seq != i + 1 && (copy = earlier_copy(lg, i)))
			finding(c, VF_REPLAY,
				"%s:%lu: entry %lu (%s %s) replays line %lu: an old entry copied to "
				"a new place", LEDGER_FILE, e->line, e->seq, e->kind, e->object, copy->line);
		else if (e->seq != i + 1)
			finding(c, VF_SEQUENCE,
				"%s:%lu: entry number %lu where %zu was due (after %lu): entries "
				"deleted, inserted or reordered", LEDGER_FILE, e->line, e->seq, i + 1,
				last_seq);
		else if (strcmp(e->prev, prev) != 0)
			finding(c, VF_CHAIN,
				"%s:%lu: entry %lu (%s %s) does not follow the entry before it (its "
				"previous-entry hash differs): an entry was changed, deleted or "
				"inserted", LEDGER_FILE, e->line, e->seq, e->kind, e->object);
		last_seq = e->seq;
		memcpy(prev, e->hash, sizeof prev);
		if (strcmp(e->key, "-") != 0) {
			const struct pub_key *pk = key_find(pubs, e->key);
			if (pk && !key_verify_hex(pubs, pk, line, e->body_len, e->sig))
				finding(c, VF_SIGNATURE,
					"%s:%lu: entry %lu (%s %s): the signature does not match the "
					"entry: its bytes were changed after signing",
					LEDGER_FILE, e->line, e->seq, e->kind, e->object);
		}
		check_signature(c, pubs, e, &seen_signed);
	}
	memcpy(r->last_hash, prev, sizeof prev);
	if (lg->torn_len)
		finding(c, VF_TORN,
			"%s: the last entry is torn (%zu bytes after line %zu, sha256 %.16s...): a "
			"writer was stopped mid-entry; the next entry written repairs and records it",
			LEDGER_FILE, lg->torn_len, lg->n, lg->torn_hash);
}

/* ---- reports ---- */

static int rec_by_object(const void *a, const void *b)
{
	return strcmp(((const struct rec *)a)->object, ((const struct rec *)b)->object);
}

static struct rec *find_rec(struct ctx *c, const char *object)
{
	struct rec key = { .object = object };
	return bsearch(&key, c->recs, c->nrecs, sizeof key, rec_by_object);
}

static const struct rec *rec_with_sha(const struct ctx *c, const char *sha, const struct rec *not)
{
	for (size_t i = 0; i < c->nrecs; i++)
		if (&c->recs[i] != not && strcmp(c->recs[i].sha256, sha) == 0)
			return &c->recs[i];
	return NULL;
}

/* The reports the ledger records: the last report.* entry per object. */
static enum rig_rc collect_recs(struct ctx *c, struct rig_err *err)
{
	c->recs = calloc(c->lg.n + 1, sizeof *c->recs);
	if (!c->recs)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	for (size_t i = 0; i < c->lg.n; i++) {
		const struct ledger_entry *e = &c->lg.entries[i];
		if (e->malformed || strncmp(e->kind, "report.", 7) != 0)
			continue;
		c->recs[c->nrecs++] = (struct rec){ .object = e->object, .sha256 = e->sha256,
						    .seq = e->seq };
	}
	/* Stable order by object, then keep the last entry of each object. */
	qsort(c->recs, c->nrecs, sizeof *c->recs, rec_by_object);
	size_t o = 0;
	for (size_t i = 0; i < c->nrecs; i++) {
		if (o && strcmp(c->recs[o - 1].object, c->recs[i].object) == 0) {
			if (c->recs[i].seq > c->recs[o - 1].seq)
				c->recs[o - 1] = c->recs[i];
			continue;
		}
		c->recs[o++] = c->recs[i];
	}
	c->nrecs = o;
	return RIG_OK;
}

static bool wanted(char *const *names, size_t nnames, const char *name)
{
	if (!nnames)
		return true;
	for (size_t i = 0; i < nnames; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static enum rig_rc collect_files(struct ctx *c, char *const *names, size_t nnames,
				 struct rig_err *err)
{
	DIR *d = opendir(c->dir);
	if (!d)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open folder %s", c->dir);
	size_t cap = 0;
	enum rig_rc rc = RIG_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		if (nl > 8 && strcmp(de->d_name + nl - 8, ".journal") == 0)
			c->res->journals++;
		if (!vf_is_report_name(de->d_name) || !wanted(names, nnames, de->d_name) ||
		    nl >= sizeof c->files[0].name)
			continue;
		if ((rc = RIG_GROW(c->files, cap, c->nfiles + 1, 64, err)))
			break;
		struct file *f = &c->files[c->nfiles];
		memset(f, 0, sizeof *f);
		memcpy(f->name, de->d_name, nl + 1);
		char path[PATH_MAX + 300];
		snprintf(path, sizeof path, "%s/%s", c->dir, f->name);
		bool missing;
		if ((rc = records_file_sha256(path, f->sha256, &missing, err)))
			break;
		if (!missing)
			c->nfiles++;
	}
	closedir(d);
	c->res->reports = (unsigned)c->nfiles;
	return rc;
}

static const struct file *file_with_sha(const struct ctx *c, const char *sha)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (!c->files[i].recorded && strcmp(c->files[i].sha256, sha) == 0)
			return &c->files[i];
	return NULL;
}

static void check_reports(struct ctx *c, char *const *names, size_t nnames)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		struct file *f = &c->files[i];
		struct rec *r = find_rec(c, f->name);
		if (!r)
			continue;
		f->recorded = r->file_seen = true;
		if (strcmp(r->sha256, f->sha256) == 0)
			continue;
		const struct rec *other = rec_with_sha(c, f->sha256, r);
		if (other)
			finding(c, VF_REPORT_SWAPPED,
				"%s holds the bytes entry %lu recorded for %s (its own are entry "
				"%lu's): reports swapped or copied over each other", f->name,
				other->seq, other->object, r->seq);
		else
			finding(c, VF_REPORT_CHANGED,
				"%s: bytes changed since entry %lu recorded them (sha256 %.16s... "
				"now %.16s...)", f->name, r->seq, r->sha256, f->sha256);
	}
	for (size_t i = 0; i < c->nrecs; i++) {
		const struct rec *r = &c->recs[i];
		if (r->file_seen || !wanted(names, nnames, r->object))
			continue;
		const struct file *f = file_with_sha(c, r->sha256);
		if (f) {
			finding(c, VF_REPORT_RENAMED, "%s (entry %lu) was renamed to %s", r->object,
				r->seq, f->name);
			((struct file *)f)->recorded = true;
		} else {
			finding(c, VF_REPORT_MISSING, "%s: recorded by entry %lu, but not in %s",
				r->object, r->seq, c->dir);
		}
	}
	for (size_t i = 0; i < c->nfiles; i++)
		if (!c->files[i].recorded)
			finding(c, VF_REPORT_UNRECORDED,
				"%s: no ledger entry records this report (added, or copied in)",
				c->files[i].name);
	for (size_t i = 0; i < nnames; i++) {
		bool found = false;
		for (size_t j = 0; j < c->nfiles && !found; j++)
			found = strcmp(c->files[j].name, names[i]) == 0;
		if (!found && !find_rec(c, names[i]))
			finding(c, VF_REPORT_MISSING, "%s: not in %s and not in its ledger", names[i],
				c->dir);
	}
}

/* ---- signatures and fixtures ---- */

/* The value of "key=value" in a detail "a=1; key=value; ..." */
static void detail_value(const char *detail, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	out[0] = '\0';
	for (const char *s = detail; s && *s; s = strchr(s, ';'), s = s ? s + 1 : NULL) {
		while (*s == ' ')
			s++;
		if (strncmp(s, key, kl) == 0 && s[kl] == '=') {
			const char *v = s + kl + 1, *end = strchr(v, ';');
			size_t n = end ? (size_t)(end - v) : strlen(v);
			snprintf(out, cap, "%.*s", (int)n, v);
			return;
		}
	}
}

static void check_signatures(struct ctx *c, char *const *names, size_t nnames)
{
	struct vf_result *res = c->res;
	for (size_t i = 0; i < c->lg.n; i++) {
		const struct ledger_entry *e = &c->lg.entries[i];
		if (e->malformed || strcmp(e->kind, LK_SIGNATURE) != 0 ||
		    !wanted(names, nnames, e->object))
			continue;
		struct vf_signature *p = realloc(res->sigs, (res->nsigs + 1) * sizeof *p);
		if (!p) {
			c->oom = RIG_E_NOMEM;
			return;
		}
		res->sigs = p;
		struct vf_signature *s = &p[res->nsigs++];
		memset(s, 0, sizeof *s);
		snprintf(s->report, sizeof s->report, "%s", e->object);
		snprintf(s->actor, sizeof s->actor, "%s", e->actor);
		snprintf(s->time, sizeof s->time, "%s", e->time);
		detail_value(e->detail, "name", s->name, sizeof s->name);
		detail_value(e->detail, "meaning", s->meaning, sizeof s->meaning);
		s->seq = e->seq;
		const struct rec *r = find_rec(c, e->object);
		const struct file *f = NULL;
		for (size_t j = 0; j < c->nfiles && !f; j++)
			if (strcmp(c->files[j].name, e->object) == 0)
				f = &c->files[j];
		s->valid = r && strcmp(r->sha256, e->sha256) == 0 && f &&
			   strcmp(f->sha256, e->sha256) == 0;
		if (!r || strcmp(r->sha256, e->sha256) != 0)
			finding(c, VF_SIGNATURE_MOVED,
				"%s:%lu: signature entry %lu (%s, %s) names %s, but was made for "
				"other bytes (sha256 %.16s...): a signature cannot move to another "
				"report", LEDGER_FILE, e->line, e->seq, e->actor, s->meaning, e->object,
				e->sha256);
	}
}

static void check_fixtures(struct ctx *c)
{
	for (size_t i = 0; i < c->lg.n; i++) {
		const struct ledger_entry *e = &c->lg.entries[i];
		if (e->malformed || strncmp(e->kind, "fixture.", 8) != 0 ||
		    ledger_last(&c->lg, "fixture.", e->object) != e)
			continue;
		c->res->fixtures++;
		char now[SHA256_HEX_LEN + 1];
		bool missing;
		struct rig_err err;
		if (records_file_sha256(e->object, now, &missing, &err) || missing)
			finding(c, VF_FIXTURE_MISSING, "fixture %s (entry %lu): %s", e->object, e->seq,
				missing ? "no longer there" : err.msg);
		else if (strcmp(now, e->sha256) != 0)
			finding(c, VF_FIXTURE_CHANGED,
				"fixture %s: bytes changed without a ledger entry (entry %lu recorded "
				"sha256 %.16s..., now %.16s...): edited outside rig", e->object, e->seq,
				e->sha256, now);
	}
}

enum rig_rc records_verify(const char *dir, char *const *names, size_t nnames,
			   struct vf_result *res, struct rig_err *err)
{
	memset(res, 0, sizeof *res);
	struct ctx c = { .dir = dir, .res = res };
	struct pub_keys pubs = { .n = 0 };
	struct rig_err perr;
	enum rig_rc rc = ledger_open(&c.lg, dir, false, NULL, err);
	if (rc)
		return rc;
	res->no_ledger = c.lg.fd < 0;
	ledger_head_of(&c.lg, &res->head);
	enum rig_rc prc = key_load_pubs(dir, &pubs, &perr);
	if (prc == RIG_E_UNAVAILABLE) { /* nothing to check signatures with: no verdict */
		rc = rig_fail(err, prc, "%s", perr.msg);
		goto out;
	}
	if (prc)
		finding(&c, VF_PUBKEYS, "%s", perr.msg);
	check_chain(&c, &pubs);
	if ((rc = collect_recs(&c, err)) || (rc = collect_files(&c, names, nnames, err)))
		goto out;
	check_reports(&c, names, nnames);
	check_signatures(&c, names, nnames);
	check_fixtures(&c);
	if (c.oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory");
out:
	ledger_close(&c.lg);
	free(c.recs);
	free(c.files);
	return rc;
}

enum rig_rc records_verify_anchors(const char *dir, const struct vf_anchor *a, size_t n,
				   struct vf_result *res, struct rig_err *err)
{
	struct ctx c = { .dir = dir, .res = res };
	enum rig_rc rc = ledger_open(&c.lg, dir, false, NULL, err);
	if (rc)
		return rc;
	struct ledger_head head;
	ledger_head_of(&c.lg, &head);
	for (size_t i = 0; i < n; i++, res->anchors++) {
		const struct ledger_entry *e = NULL;
		for (size_t j = 0; j < c.lg.n && !e; j++)
			if (!c.lg.entries[j].malformed && c.lg.entries[j].seq == a[i].seq)
				e = &c.lg.entries[j];
		if (!e && a[i].seq > head.seq)
			finding(&c, VF_CUT_BACK,
				"%s holds entry %lu (sha256 %.16s...), but %s/%s ends at entry %lu: "
				"entries after it, and the reports they recorded, were removed",
				a[i].where, a[i].seq, a[i].hash, dir, LEDGER_FILE, head.seq);
		else if (!e)
			finding(&c, VF_ANCHOR_DIFFERS, "entry %lu, which %s holds (sha256 %.16s...), is "
				"not in %s/%s", a[i].seq, a[i].where, a[i].hash, dir, LEDGER_FILE);
		else if (strncmp(e->hash, a[i].hash, strlen(a[i].hash)))
			finding(&c, VF_ANCHOR_DIFFERS, "entry %lu is %.16s..., but %s holds %.16s...: "
				"the ledger was rewritten up to there", a[i].seq, e->hash, a[i].where,
				a[i].hash);
	}
	ledger_close(&c.lg);
	return c.oom ? rig_fail(err, RIG_E_NOMEM, "out of memory") : RIG_OK;
}

void vf_result_free(struct vf_result *res)
{
	free(res->f);
	free(res->sigs);
	res->f = NULL;
	res->sigs = NULL;
	res->nf = res->nsigs = 0;
}
