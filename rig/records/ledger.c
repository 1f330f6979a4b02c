/* ledger.c - the append-only, hash-chained ledger file of a report folder:
 * reading it (with the torn tail set apart), repairing a torn tail, and
 * appending signed entries under flock. Format: ledger.h, docs/records.md. */
#include "records/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/grow.h"

static const char zero_hash[SHA256_HEX_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* ---- escaping ---- */

bool ledger_escape(char *out, size_t cap, const char *in)
{
	size_t o = 0;
	bool fit = true;
	for (const unsigned char *s = (const unsigned char *)(in ? in : "-"); *s; s++) {
		char tmp[5];
		size_t n;
		switch (*s) {
		case '\\': n = 2; memcpy(tmp, "\\\\", 2); break;
		case '\t': n = 2; memcpy(tmp, "\\t", 2); break;
		case '\n': n = 2; memcpy(tmp, "\\n", 2); break;
		case '\r': n = 2; memcpy(tmp, "\\r", 2); break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				n = 4;
				snprintf(tmp, sizeof tmp, "\\x%02x", *s);
			} else {
				n = 1;
				tmp[0] = (char)*s;
			}
		}
		if (o + n >= cap) {
			fit = false;
			break;
		}
		memcpy(out + o, tmp, n);
		o += n;
	}
	if (cap)
		out[o < cap ? o : cap - 1] = '\0';
	return fit;
}

bool ledger_unescape(char *out, size_t cap, const char *in, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '\\') {
			if (++i >= len)
				return false;
			switch (in[i]) {
			case '\\': c = '\\'; break;
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 'x': {
				unsigned v;
				char hx[3] = { 0 };
				if (i + 2 >= len)
					return false;
				memcpy(hx, in + i + 1, 2);
				if (sscanf(hx, "%2x", &v) != 1)
					return false;
				c = (char)v;
				i += 2;
				break;
			}
			default: return false;
			}
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

void ledger_now(char out[21])
{
	/* Calendar time for the record, not bench time (like a report's stamp). */
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- reading ---- */

static bool copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	return ledger_unescape(dst, cap, src, len);
}

static bool all_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void bad(struct ledger_entry *e, const char *why)
{
	e->malformed = true;
	snprintf(e->malformed_why, sizeof e->malformed_why, "%s", why);
}

/* Parse one line (len bytes without its '\n'), stored at text (a mutable
 * copy that is split and unescaped in place). */
static void parse_line(struct ledger_entry *e, char *text, size_t len)
{
	char *f[LEDGER_NFIELDS];
	size_t fl[LEDGER_NFIELDS], nf = 0;
	char *s = text, *end = text + len;
	while (nf < LEDGER_NFIELDS) {
		char *tab = memchr(s, '\t', (size_t)(end - s));
		f[nf] = s;
		fl[nf] = (size_t)((tab ? tab : end) - s);
		nf++;
		if (!tab)
			break;
		s = tab + 1;
	}
	e->object = e->detail = "";
	if (nf != LEDGER_NFIELDS || memchr(f[LEDGER_NFIELDS - 1], '\t', fl[LEDGER_NFIELDS - 1])) {
		bad(e, "not ten TAB-separated fields");
		return;
	}
	e->body_len = (size_t)(f[9] - text);
	char seq[24];
	char *endp;
	if (!copy_field(seq, sizeof seq, f[0], fl[0]) || !seq[0] ||
	    (e->seq = strtoul(seq, &endp, 10), *endp)) {
		bad(e, "sequence number is not a number");
		return;
	}
	if (!copy_field(e->time, sizeof e->time, f[1], fl[1]) ||
	    !copy_field(e->kind, sizeof e->kind, f[2], fl[2]) ||
	    !copy_field(e->sha256, sizeof e->sha256, f[4], fl[4]) ||
	    !copy_field(e->actor, sizeof e->actor, f[5], fl[5]) ||
	    !copy_field(e->prev, sizeof e->prev, f[7], fl[7]) ||
	    !copy_field(e->key, sizeof e->key, f[8], fl[8]) ||
	    !copy_field(e->sig, sizeof e->sig, f[9], fl[9])) {
		bad(e, "a field is too long or badly escaped");
		return;
	}
	/* object and detail: unescaped in place (never longer than escaped). */
	f[3][fl[3]] = '\0';
	f[6][fl[6]] = '\0';
	if (!ledger_unescape(f[3], fl[3] + 1, f[3], fl[3]) ||
	    !ledger_unescape(f[6], fl[6] + 1, f[6], fl[6])) {
		bad(e, "object or detail badly escaped");
		return;
	}
	e->object = f[3];
	e->detail = f[6];
	if (!all_hex(e->prev, SHA256_HEX_LEN))
		bad(e, "previous hash is not 64 hex digits");
	else if (strcmp(e->sha256, "-") && !all_hex(e->sha256, SHA256_HEX_LEN))
		bad(e, "sha256 is neither \"-\" nor 64 hex digits");
	else if (strcmp(e->key, "-") != 0 && !all_hex(e->key, KEY_FPR_LEN))
		bad(e, "key is neither \"-\" nor a fingerprint");
	else if ((strcmp(e->key, "-") == 0) != (strcmp(e->sig, "-") == 0))
		bad(e, "a key without a signature or a signature without a key");
}

static enum rig_rc grow(struct ledger *lg, struct rig_err *err)
{
	enum rig_rc rc = RIG_GROW(lg->entries, lg->cap, lg->n + 1, 64, err);
	if (rc)
		rig_err_prefix(err, "%s: ", lg->path);
	return rc;
}

static enum rig_rc read_all(struct ledger *lg, struct rig_err *err)
{
	struct stat st;
	if (fstat(lg->fd, &st) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot stat %s", lg->path);
	size_t size = (size_t)st.st_size;
	lg->bytes = malloc(size + 1);
	lg->text = malloc(size + 1);
	if (!lg->bytes || !lg->text)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", lg->path);
	size_t got = 0;
	while (got < size) {
		ssize_t r = pread(lg->fd, lg->bytes + got, size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "cannot read %s", lg->path);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	char *nl = got ? memrchr(lg->bytes, '\n', got) : NULL;
	lg->len = nl ? (size_t)(nl - lg->bytes) + 1 : 0;
	lg->torn_len = got - lg->len;
	if (lg->torn_len)
		sha256_hex(lg->bytes + lg->len, lg->torn_len, lg->torn_hash);
	memcpy(lg->text, lg->bytes, got);
	unsigned long line = 0;
	for (size_t off = 0; off < lg->len; line++) {
		char *eol = memchr(lg->bytes + off, '\n', lg->len - off);
		size_t ll = (size_t)(eol - (lg->bytes + off));
		enum rig_rc rc = grow(lg, err);
		if (rc)
			return rc;
		struct ledger_entry *e = &lg->entries[lg->n++];
		memset(e, 0, sizeof *e);
		e->line = line + 1;
		sha256_hex(lg->bytes + off, ll + 1, e->hash);
		if (ll + 1 > LEDGER_LINE_MAX)
			bad(e, "longer than an entry may be");
		else
			parse_line(e, lg->text + off, ll);
		off += ll + 1;
	}
	return RIG_OK;
}

/* ---- writing ---- */

static enum rig_rc keep_text(struct ledger *lg, const char *s, const char **out,
			     struct rig_err *err)
{
	char **p = realloc(lg->heap, (lg->nheap + 1) * sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", lg->path);
	lg->heap = p;
	if (!(p[lg->nheap] = strdup(s ? s : "-")))
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", lg->path);
	*out = p[lg->nheap++];
	return RIG_OK;
}

/* Build the line of e after the ledger's last entry; returns its length. */
static size_t build_line(const struct ledger *lg, const struct ledger_new *e, char *line,
			 struct ledger_entry *out, bool *fit)
{
	const struct ledger_entry *last = lg->n ? &lg->entries[lg->n - 1] : NULL;
	unsigned long seq = !last ? 1 : last->malformed ? lg->n + 1 : last->seq + 1;
	char ts[21], kind[64], obj[1536], sha[80], actor[160], detail[2048];
	ledger_now(ts);
	bool ok[5] = {
		ledger_escape(kind, sizeof kind, e->kind),
		ledger_escape(obj, sizeof obj, e->object),
		ledger_escape(sha, sizeof sha, e->sha256),
		ledger_escape(actor, sizeof actor, e->actor),
		ledger_escape(detail, sizeof detail, e->detail),
	};
	*fit = ok[0] && ok[1] && ok[2] && ok[3] && ok[4];
	int n = snprintf(line, LEDGER_LINE_MAX, "%lu\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", seq, ts,
			 kind, obj, sha, actor, detail, last ? last->hash : zero_hash,
			 lg->key ? lg->key->fpr : "-");
	if (n < 0 || n >= LEDGER_LINE_MAX - KEY_SIG_HEX_LEN - 2) {
		*fit = false;
		return 0;
	}
	size_t len = (size_t)n;
	memset(out, 0, sizeof *out);
	out->body_len = len;
	if (lg->key) {
		key_sign_hex(lg->key, line, len, out->sig);
		memcpy(line + len, out->sig, KEY_SIG_HEX_LEN);
		len += KEY_SIG_HEX_LEN;
	} else {
		line[len++] = '-';
		strcpy(out->sig, "-");
	}
	line[len++] = '\n';
	out->seq = seq;
	memcpy(out->time, ts, sizeof ts);
	snprintf(out->kind, sizeof out->kind, "%s", e->kind);
	snprintf(out->sha256, sizeof out->sha256, "%s", e->sha256 ? e->sha256 : "-");
	snprintf(out->actor, sizeof out->actor, "%s", e->actor ? e->actor : "-");
	memcpy(out->prev, last ? last->hash : zero_hash, sizeof out->prev);
	snprintf(out->key, sizeof out->key, "%s", lg->key ? lg->key->fpr : "-");
	sha256_hex(line, len, out->hash);
	return len;
}

static enum rig_rc write_line(struct ledger *lg, const char *line, size_t len,
			      struct rig_err *err)
{
	off_t at = (off_t)lg->len;
	ssize_t w;
	do
		w = pwrite(lg->fd, line, len, at);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)len || fsync(lg->fd) < 0) {
		int e = w < 0 ? errno : ENOSPC;
		/* Take back a partial entry: the file stays whole lines. */
		if (ftruncate(lg->fd, at) == 0)
			fsync(lg->fd);
		return rig_fail_errno(err, RIG_E_IO, e, "cannot append to %s", lg->path);
	}
	lg->len += len;
	return RIG_OK;
}

enum rig_rc ledger_append(struct ledger *lg, const struct ledger_new *e,
			  struct ledger_entry *out, struct rig_err *err)
{
	if (!lg->writable)
		return rig_fail(err, RIG_E_INTERNAL, "%s: not opened for appending", lg->path);
	char line[LEDGER_LINE_MAX];
	struct ledger_entry ne;
	bool fit;
	size_t len = build_line(lg, e, line, &ne, &fit);
	if (!fit || !len)
		return rig_fail(err, RIG_E_INTERNAL, "%s: entry of kind %s too long", lg->path,
				e->kind);
	enum rig_rc rc;
	if ((rc = grow(lg, err)) || (rc = keep_text(lg, e->object, &ne.object, err)) ||
	    (rc = keep_text(lg, e->detail, &ne.detail, err)) ||
	    (rc = write_line(lg, line, len, err)))
		return rc;
	ne.line = lg->n + 1;
	lg->entries[lg->n++] = ne;
	if (out)
		*out = ne;
	return RIG_OK;
}

/* Cut a torn tail off and record it: its length, hash and bytes (escaped,
 * as many as fit), so what the killed writer left is kept, not dropped. */
static enum rig_rc repair(struct ledger *lg, struct rig_err *err)
{
	char torn[700], detail[1024];
	size_t show = lg->torn_len < 300 ? lg->torn_len : 300;
	char raw[301];
	memcpy(raw, lg->bytes + lg->len, show);
	raw[show] = '\0';
	for (size_t i = 0; i < show; i++)
		if (!raw[i])
			raw[i] = ' '; /* NULs (power loss) cannot be kept in a C string */
	ledger_escape(torn, sizeof torn, raw);
	snprintf(detail, sizeof detail,
		 "torn last entry cut at byte %zu: %zu bytes, sha256 %s%s: %s", lg->len,
		 lg->torn_len, lg->torn_hash, show < lg->torn_len ? " (first 300 shown)" : "",
		 torn);
	if (ftruncate(lg->fd, (off_t)lg->len) < 0 || fsync(lg->fd) < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot repair %s", lg->path);
	lg->torn_len = 0;
	struct ledger_new e = { .kind = LK_REPAIRED, .object = LEDGER_FILE,
				.sha256 = lg->torn_hash, .detail = detail };
	return ledger_append(lg, &e, NULL, err);
}

enum rig_rc ledger_open(struct ledger *lg, const char *dir, bool writable,
			const struct station_key *key, struct rig_err *err)
{
	memset(lg, 0, sizeof *lg);
	lg->fd = -1;
	lg->writable = writable;
	lg->key = key;
	snprintf(lg->dir, sizeof lg->dir, "%s", dir);
	if (snprintf(lg->path, sizeof lg->path, "%s/%s", dir, LEDGER_FILE) >= (int)sizeof lg->path)
		return rig_fail(err, RIG_E_IO, "%s: path too long", dir);
	lg->fd = open(lg->path, writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC,
		      0644);
	if (lg->fd < 0) {
		if (!writable && errno == ENOENT)
			return RIG_OK; /* no ledger: nothing recorded */
		return rig_fail_errno(err, RIG_E_IO, errno, "cannot open %s", lg->path);
	}
	enum rig_rc rc = RIG_OK;
	while (flock(lg->fd, writable ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR) {
			rc = rig_fail_errno(err, RIG_E_IO, errno, "cannot lock %s", lg->path);
			goto fail;
		}
	if ((rc = read_all(lg, err)))
		goto fail;
	bool added = false;
	if (writable && key && (rc = key_publish(dir, key, &added, err)))
		goto fail;
	if (writable && lg->torn_len && (rc = repair(lg, err)))
		goto fail;
	if (added) {
		char line[200];
		key_pub_line(key->pub, line, sizeof line);
		struct ledger_new e = { .kind = LK_KEY, .object = KEY_PUB_FILE, .detail = line };
		if ((rc = ledger_append(lg, &e, NULL, err)))
			goto fail;
	}
	return RIG_OK;
fail:
	ledger_close(lg);
	return rc;
}

const struct ledger_entry *ledger_last(const struct ledger *lg, const char *kind_prefix,
				       const char *object)
{
	size_t kl = kind_prefix ? strlen(kind_prefix) : 0;
	for (size_t i = lg->n; i-- > 0;) {
		const struct ledger_entry *e = &lg->entries[i];
		if (e->malformed)
			continue;
		if (kind_prefix && strncmp(e->kind, kind_prefix, kl) != 0)
			continue;
		if (object && strcmp(e->object, object) != 0)
			continue;
		return e;
	}
	return NULL;
}

void ledger_close(struct ledger *lg)
{
	if (lg->fd >= 0)
		close(lg->fd); /* releases the flock */
	lg->fd = -1;
	free(lg->bytes);
	free(lg->text);
	free(lg->entries);
	for (size_t i = 0; i < lg->nheap; i++)
		free(lg->heap[i]);
	free(lg->heap);
	lg->bytes = lg->text = NULL;
	lg->entries = NULL;
	lg->heap = NULL;
	lg->n = lg->cap = lg->nheap = lg->len = 0;
}

void ledger_head_of(const struct ledger *lg, struct ledger_head *h)
{
	memset(h, 0, sizeof *h);
	const struct ledger_entry *last = ledger_last(lg, NULL, NULL);
	if (!lg->n || !last)
		return;
	snprintf(h->id, sizeof h->id, "%s", lg->entries[0].hash);
	h->seq = last->seq;
	snprintf(h->hash, sizeof h->hash, "%s", last->hash);
	snprintf(h->time, sizeof h->time, "%s", last->time);
}
