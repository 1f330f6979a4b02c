/* ini_edit.c - rewrite values in an INI file in place, atomically.
 *
 * Works on lines, not on a parsed tree, so everything a person wrote
 * (comments, blank lines, order, spacing before the value, a comment after
 * it) stays as it was. Only the value text of the edited keys changes.
 *
 * Writing back is where a bench's settings can be lost, so it is careful:
 * the file is read and replaced under a flock(2) on it (writers one at a
 * time, none losing another's change); a symlink is followed and stays a
 * link; the new text goes to a temporary file created O_EXCL|O_NOFOLLOW
 * beside the target, given the target's mode, owner and group, fsync'd and
 * renamed over it; a file nobody may write is refused, not replaced.
 */
#include "core/ini_edit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/grow.h"

#define LOCK_WAIT_S 10 /* another writer holds a fixture for milliseconds */

struct text {
	char **lines;
	size_t n, cap;
};

static void text_free(struct text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
}

static int text_insert(struct text *t, size_t at, char *line)
{
	if (RIG_GROW(t->lines, t->cap, t->n + 1, 64, NULL))
		return -1;
	memmove(t->lines + at + 1, t->lines + at, (t->n - at) * sizeof *t->lines);
	t->lines[at] = line;
	t->n++;
	return 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "[name]" -> name into out; false if the line is not a section header. */
static bool section_of(const char *line, char *out, size_t cap)
{
	const char *s = skip_ws(line);
	if (*s != '[')
		return false;
	const char *e = strchr(s, ']');
	if (!e || (size_t)(e - s - 1) >= cap)
		return false;
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = '\0';
	return true;
}

/* Does the line set `key`? Then *val points at the value's start. */
static bool key_line(const char *line, const char *key, const char **val)
{
	const char *s = skip_ws(line);
	size_t k = strlen(key);
	if (strncmp(s, key, k) != 0)
		return false;
	const char *p = skip_ws(s + k);
	if (*p != '=' && *p != ':')
		return false;
	*val = skip_ws(p + 1);
	return true;
}

/* Where an inline comment starts (whitespace then ; or #), or the end. */
static const char *value_end(const char *v)
{
	const char *end = v + strcspn(v, "\r\n");
	for (const char *p = v; p < end; p++)
		if ((*p == ';' || *p == '#') && p > v && isspace((unsigned char)p[-1])) {
			end = p;
			break;
		}
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	return end;
}

static char *replace_value(const char *line, const char *val, const char *value)
{
	const char *end = value_end(val);
	size_t head = (size_t)(val - line);
	const char *tail = end;
	size_t n = head + strlen(value) + strlen(tail) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%.*s%s%s", (int)head, line, value, tail);
	return out;
}

static enum rig_rc apply_one(struct text *t, const char *path, const struct ini_edit *e,
			     struct ini_change *ch, struct rig_err *err)
{
	*ch = (struct ini_change){ .section = e->section, .key = e->key, .new_value = e->value };
	char cur[128] = "";
	bool found_section = false;
	size_t last_in_section = 0; /* index after the section's last non-blank line */
	for (size_t i = 0; i < t->n; i++) {
		char name[128];
		if (section_of(t->lines[i], name, sizeof name)) {
			snprintf(cur, sizeof cur, "%s", name);
			if (strcmp(cur, e->section) == 0) {
				found_section = true;
				last_in_section = i + 1;
			}
			continue;
		}
		if (strcmp(cur, e->section) != 0)
			continue;
		const char *val;
		if (key_line(t->lines[i], e->key, &val)) {
			ch->existed = true;
			snprintf(ch->old_value, sizeof ch->old_value, "%.*s",
				 (int)(value_end(val) - val), val);
			char *nl = replace_value(t->lines[i], val, e->value);
			if (!nl)
				return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
			free(t->lines[i]);
			t->lines[i] = nl;
			return RIG_OK;
		}
		if (*skip_ws(t->lines[i]) && *skip_ws(t->lines[i]) != '\n')
			last_in_section = i + 1;
	}
	if (!found_section)
		return rig_fail(err, RIG_E_CONFIG, "%s: has no [%s] section to write %s into",
				path, e->section, e->key);
	size_t n = strlen(e->key) + strlen(e->value) + 5;
	char *nl = malloc(n);
	if (!nl || text_insert(t, last_in_section, nl)) {
		free(nl);
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	}
	snprintf(nl, n, "%s = %s\n", e->key, e->value);
	return RIG_OK;
}

/* Create a temporary file beside target: O_EXCL|O_NOFOLLOW, so a name
 * planted there (a symlink to somebody's file) is never written through;
 * the name has a random part, so it cannot be planted in advance. */
static int create_beside(const char *target, char *tmp, size_t cap, int *err_no)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = (uint32_t)clock_now_ns(clock_real()) ^ (uint32_t)tries * 2654435761u;
		if (snprintf(tmp, cap, "%s.tmp.%ld.%08x", target, (long)getpid(), r) >= (int)cap) {
			*err_no = ENAMETOOLONG;
			return -1;
		}
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST) {
			*err_no = errno;
			return fd;
		}
	}
	*err_no = EEXIST;
	return -1;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd)) {
			/* the rename is done; a folder that cannot sync is the disk's word */
		}
		close(dfd);
	}
}

/* Write len bytes to a new file beside target with st's mode, owner and
 * group, and rename it to `to` (target itself, or its .prev). */
static enum rig_rc replace_with(const char *target, const char *to, const struct stat *st,
				const char *bytes, size_t len, struct rig_err *err)
{
	char tmp[PATH_MAX];
	int e;
	int fd = create_beside(target, tmp, sizeof tmp, &e);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, e, "%s: cannot create a temporary file beside it",
				      target);
	const char *step = "keeping its owner and group";
	bool ok = (st->st_uid == geteuid() && st->st_gid == getegid()) ||
		  fchown(fd, st->st_uid, st->st_gid) == 0;
	if (ok) {
		step = "keeping its mode";
		ok = fchmod(fd, st->st_mode & 07777) == 0;
	}
	for (size_t off = 0; ok && off < len;) {
		step = "writing";
		ssize_t w = write(fd, bytes + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	if (ok) {
		step = "syncing";
		ok = fsync(fd) == 0;
	}
	e = errno;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, to) != 0) {
		step = "renaming it into place";
		e = errno;
		ok = false;
	}
	if (!ok) {
		unlink(tmp);
		return rig_fail_errno(err, RIG_E_IO, e, "%s: not changed: %s %s", target, step,
				      tmp);
	}
	fsync_dir_of(to);
	return RIG_OK;
}

/* Open target and flock it. A writer before us replaced the file by
 * rename while we waited: then the lock we got is on the old file, and we
 * take the new one's. */
static enum rig_rc lock_target(const char *target, int *fd_out, struct rig_err *err)
{
	struct rig_clock *clk = clock_real();
	uint64_t deadline = clock_now_ns(clk) + (uint64_t)LOCK_WAIT_S * RIG_NS_PER_S;
	for (;;) {
		int fd = open(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return rig_fail_errno(err, RIG_E_IO, errno, "%s", target);
		while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			if ((errno != EWOULDBLOCK && errno != EINTR) ||
			    clock_now_ns(clk) >= deadline) {
				int e = errno;
				close(fd);
				return e == EWOULDBLOCK
					       ? rig_fail(err, RIG_E_BUSY,
							  "%s: another process has been writing it for "
							  "%d s: not changed",
							  target, LOCK_WAIT_S)
					       : rig_fail_errno(err, RIG_E_IO, e, "%s: cannot lock it",
								target);
			}
			clock_sleep_ns(clk, 10 * RIG_NS_PER_MS);
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(target, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino) {
			*fd_out = fd;
			return RIG_OK;
		}
		close(fd);
	}
}

/* A file marked read-only, or one this user may not write, is refused:
 * replacing it (the folder may be writable) would overrule its owner. */
static enum rig_rc check_writable(const char *target, const struct stat *st,
				  struct rig_err *err)
{
	if (!S_ISREG(st->st_mode))
		return rig_fail(err, RIG_E_IO, "%s: not a plain file: not changed", target);
	if (!(st->st_mode & 0222))
		return rig_fail(err, RIG_E_IO,
				"%s is read-only (mode %04o): not changed; make it writable to "
				"record the new values",
				target, (unsigned)(st->st_mode & 07777));
	if (access(target, W_OK) != 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "%s: you may not write it: not changed",
				      target);
	return RIG_OK;
}

static enum rig_rc read_fd(int fd, const char *path, char **buf, size_t *len,
			   struct rig_err *err)
{
	size_t cap = 0, n = 0;
	char *b = NULL;
	for (;;) {
		enum rig_rc rc = RIG_GROW(b, cap, n + 1, 4096, err);
		if (rc) {
			free(b);
			rig_err_prefix(err, "%s: ", path);
			return rc;
		}
		ssize_t r = pread(fd, b + n, cap - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return rig_fail_errno(err, RIG_E_IO, errno, "%s: reading", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return RIG_OK;
}

/* Split bytes into lines, each ending in a newline (a last line without
 * one gets one, so appends stay lines). */
static enum rig_rc split_lines(const char *buf, size_t len, struct text *t, const char *path,
			       struct rig_err *err)
{
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) + 1 : len - at;
		char *copy = malloc(n + 2);
		if (!copy || text_insert(t, t->n, copy)) {
			free(copy);
			return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
		}
		memcpy(copy, buf + at, n);
		copy[n] = '\0';
		if (copy[n - 1] != '\n')
			strcpy(copy + n, "\n");
		at += n;
	}
	return RIG_OK;
}

static char *join_lines(const struct text *t, size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += strlen(t->lines[i]);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = strlen(t->lines[i]);
		memcpy(out + at, t->lines[i], k);
		at += k;
	}
	out[at] = '\0';
	*len = at;
	return out;
}

static enum rig_rc check_edits(const char *path, const struct ini_edit *edits, size_t n,
			       struct rig_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (strpbrk(edits[i].value, "\r\n") || strpbrk(edits[i].key, "=:[]\r\n"))
			return rig_fail(err, RIG_E_INTERNAL,
					"%s: refusing to write a line break into %s", path,
					edits[i].key);
	return RIG_OK;
}

/* Under the lock: read, edit, keep the previous version, tell `committed`,
 * replace. */
static enum rig_rc edit_locked(int fd, const char *target, const struct ini_edit *edits,
			       size_t n, const struct ini_commit *how, struct rig_err *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "%s", target);
	enum rig_rc rc = check_writable(target, &st, err);
	if (rc)
		return rc;
	struct text t = { 0 };
	char *old = NULL, *new = NULL;
	size_t old_len = 0, new_len = 0;
	struct ini_change *ch = calloc(n ? n : 1, sizeof *ch);
	if (!ch)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", target);
	if ((rc = read_fd(fd, target, &old, &old_len, err)) ||
	    (rc = split_lines(old, old_len, &t, target, err)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++)
		rc = apply_one(&t, target, &edits[i], &ch[i], err);
	if (rc)
		goto out;
	if (!(new = join_lines(&t, &new_len))) {
		rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", target);
		goto out;
	}
	char prev[PATH_MAX];
	if (how && how->keep_previous &&
	    (snprintf(prev, sizeof prev, "%s.prev", target) >= (int)sizeof prev ||
	     (rc = replace_with(target, prev, &st, old, old_len, err))))
		goto out;
	if (how && how->committed && (rc = how->committed(how->ctx, target, ch, n, err)))
		goto out;
	rc = replace_with(target, target, &st, new, new_len, err);
out:
	free(ch);
	free(old);
	free(new);
	text_free(&t);
	return rc;
}

enum rig_rc ini_edit_commit(const char *path, const struct ini_edit *edits, size_t n,
			    const struct ini_commit *how, struct rig_err *err)
{
	enum rig_rc rc = check_edits(path, edits, n, err);
	if (rc)
		return rc;
	/* A symlinked fixture: its target is changed; the link stays. */
	char target[PATH_MAX];
	if (!realpath(path, target))
		return rig_fail_errno(err, RIG_E_IO, errno, "%s", path);
	int fd = -1;
	if ((rc = lock_target(target, &fd, err)))
		return rc;
	rc = edit_locked(fd, target, edits, n, how, err);
	close(fd); /* and the lock with it */
	return rc;
}

enum rig_rc ini_edit_apply(const char *path, const struct ini_edit *edits,
			   size_t n, struct rig_err *err)
{
	return ini_edit_commit(path, edits, n, NULL, err);
}

void ini_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
