/* ini_edit.c - rewrite values in an INI file in place, atomically.
 *
 * Works on lines, not on a parsed tree, so everything a person wrote
 * (comments, blank lines, order, spacing before the value, a comment after
 * it) stays as it was. Only the value text of the edited keys changes.
 */
#include "core/ini_edit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **l = realloc(t->lines, cap * sizeof *l);
		if (!l)
			return -1;
		t->lines = l;
		t->cap = cap;
	}
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

static enum rig_rc apply_one(struct text *t, const char *path,
			     const struct ini_edit *e, struct rig_err *err)
{
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

static enum rig_rc write_atomic(const char *path, const struct text *t,
				struct rig_err *err)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return rig_fail(err, RIG_E_IO, "%s: path too long", path);
	snprintf(dir, sizeof dir, "%s", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno, "%s: cannot write %s", path, tmp);
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		unlink(tmp);
		return rig_fail_errno(err, RIG_E_IO, errno, "%s", tmp);
	}
	for (size_t i = 0; i < t->n; i++)
		fputs(t->lines[i], fp);
	bool ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0;
	int saved = errno;
	ok = (fclose(fp) == 0) && ok;
	if (!ok) {
		unlink(tmp);
		return rig_fail_errno(err, RIG_E_IO, saved, "%s: writing %s", path, tmp);
	}
	if (rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		return rig_fail_errno(err, RIG_E_IO, saved, "%s: replacing it", path);
	}
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return RIG_OK;
}

enum rig_rc ini_edit_apply(const char *path, const struct ini_edit *edits,
			   size_t n, struct rig_err *err)
{
	struct text t = { 0 };
	enum rig_rc rc = RIG_OK;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return rig_fail_errno(err, RIG_E_IO, errno, "%s", path);
	ssize_t len;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *copy = malloc((size_t)len + 2);
		if (!copy || text_insert(&t, t.n, copy)) {
			free(copy);
			rc = rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
			goto out;
		}
		memcpy(copy, line, (size_t)len + 1);
		/* A last line without a newline gets one, so appends stay lines. */
		if (len == 0 || copy[len - 1] != '\n')
			strcpy(copy + len, "\n");
	}
	if (ferror(fp)) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: reading", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (strpbrk(edits[i].value, "\r\n") || strpbrk(edits[i].key, "=:[]\r\n")) {
			rc = rig_fail(err, RIG_E_INTERNAL, "%s: refusing to write a line break into %s",
				      path, edits[i].key);
			goto out;
		}
	for (size_t i = 0; i < n && !rc; i++)
		rc = apply_one(&t, path, &edits[i], err);
	if (!rc)
		rc = write_atomic(path, &t, err);
out:
	free(line);
	fclose(fp);
	text_free(&t);
	return rc;
}

void ini_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
