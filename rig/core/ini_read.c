/* ini_read.c - libinih fed line by line from memory, with line numbers.
 *
 * libinih parses; we hand it one line at a time from the file's bytes, count
 * lines, and stop at the first line it would misread. Shared by the fixture
 * and profile loaders so both speak about lines the same way.
 */
#include "core/ini_read.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

struct parse_ctx {
	const struct ini_text *t;
	const char *path;
	enum rig_rc bad;
	size_t pos;
	int line;
	ini_read_key_fn fn;
	void *user;
	struct rig_err *err;
	enum rig_rc rc;  /* first error; parsing stops there */
	int rc_line;
};

static void fail_line(struct parse_ctx *c, const char *what)
{
	c->rc = rig_fail(c->err, c->bad, "%s:%d: %s", c->path, c->line, what);
	c->rc_line = c->line;
}

/* libinih asks for one line at a time. Returning NULL ends the parse: we do
 * that at the end of the text and after the first error. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *s = c->t->bytes + c->pos;
	size_t left = c->t->len - c->pos;
	if (c->rc || left == 0)
		return NULL;
	const char *nl = memchr(s, '\n', left);
	size_t n = nl ? (size_t)(nl - s) + 1 : left;
	c->pos += n;
	c->line++;
	if (memchr(s, '\0', n)) {
		fail_line(c, "expected text, found a NUL byte (binary file?)");
		return NULL;
	}
	/* A CR is only allowed as part of a CR LF line end: a lone one (old
	 * Mac line ends, or pasted into a value) would end up in a value. */
	const char *cr = memchr(s, '\r', n);
	if (cr && !(cr + 1 == s + n - 1 && nl) && !(cr + 1 == s + n && !nl)) {
		char msg[128];
		snprintf(msg, sizeof msg,
			 "expected LF or CR LF line ends, found a lone CR (carriage return) "
			 "at byte %zu of the line", (size_t)(cr - s) + 1);
		fail_line(c, msg);
		return NULL;
	}
	if (n >= (size_t)num - 1) { /* libinih would split it */
		char msg[96];
		snprintf(msg, sizeof msg, "line is %zu characters long, at most %d allowed",
			 nl ? n - 1 : n, num - 3);
		fail_line(c, msg);
		return NULL;
	}
	/* An indented line continues the previous value in libinih: a key
	 * indented by mistake would be glued to the key above it. Refuse it
	 * (indented comments and blank lines are fine). */
	if (s[0] == ' ' || s[0] == '\t') {
		size_t i = 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] != '\n' && s[i] != '\r' && s[i] != ';' && s[i] != '#') {
			fail_line(c, "expected a line that does not start with a space or tab "
				     "(an indented line would continue the previous value)");
			return NULL;
		}
	}
	memcpy(str, s, n);
	str[n] = '\0';
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	if (c->rc)
		return 0;
	if (!*name) {
		/* libinih reports "= value" as a key named "". */
		fail_line(c, "expected 'key = value', found a value without a key");
		return 0;
	}
	c->rc = c->fn(c->user, c->line, section, name, value, c->err);
	if (c->rc)
		c->rc_line = c->line;
	return c->rc == RIG_OK;
}

enum rig_rc ini_read_parse(const struct ini_text *t, const char *path, enum rig_rc bad,
			   ini_read_key_fn fn, void *user, struct rig_err *err)
{
	struct parse_ctx c = { .t = t, .path = path, .bad = bad, .fn = fn,
			       .user = user, .err = err };
	int r = ini_parse_stream(reader, &c, handler, &c);
	/* libinih goes on after a syntax error and reports its line at the end;
	 * report whichever error comes first in the file. */
	if (r > 0 && (!c.rc || r < c.rc_line))
		return rig_fail(err, bad,
				"%s:%d: expected '[section]' or 'key = value', found something else",
				path, r);
	if (c.rc)
		return c.rc;
	if (r < 0)
		return rig_fail(err, RIG_E_NOMEM, "%s: libinih could not allocate its buffer", path);
	return RIG_OK;
}

enum rig_rc ini_text_load(struct ini_text *t, const char *path, size_t max_bytes,
			  enum rig_rc bad, struct rig_err *err)
{
	enum rig_rc rc = RIG_OK;
	size_t cap = 0;
	t->len = 0;
	t->bytes = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return rig_fail_errno(err, errno == ENOENT ? bad : RIG_E_IO, errno, "%s", path);
	for (;;) {
		/* room to read one byte more, and the final NUL */
		if ((rc = RIG_GROW(t->bytes, cap, t->len + 2, 4096, err))) {
			rig_err_prefix(err, "%s: ", path);
			goto out;
		}
		size_t r = fread(t->bytes + t->len, 1, cap - t->len - 1, fp);
		t->len += r;
		if (t->len > max_bytes) {
			rc = rig_fail(err, bad, "%s: expected at most %zu bytes, the file is larger",
				      path, max_bytes);
			goto out;
		}
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		rc = rig_fail_errno(err, RIG_E_IO, errno, "%s: read error", path);
		goto out;
	}
	t->bytes[t->len] = '\0';
out:
	fclose(fp);
	if (rc)
		ini_text_free(t);
	return rc;
}

enum rig_rc ini_text_from_memory(struct ini_text *t, const char *path, const void *bytes,
				 size_t len, size_t max_bytes, enum rig_rc bad,
				 struct rig_err *err)
{
	t->len = 0;
	t->bytes = NULL;
	if (len > max_bytes)
		return rig_fail(err, bad, "%s: expected at most %zu bytes, the file is larger",
				path, max_bytes);
	t->bytes = malloc(len + 1);
	if (!t->bytes)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	if (len)
		memcpy(t->bytes, bytes, len);
	t->bytes[len] = '\0';
	t->len = len;
	return RIG_OK;
}

void ini_text_free(struct ini_text *t)
{
	free(t->bytes);
	t->bytes = NULL;
	t->len = 0;
}

enum rig_rc ini_read_file(const char *path, size_t max_bytes, enum rig_rc bad,
			  ini_read_key_fn fn, void *user, struct rig_err *err)
{
	struct ini_text t;
	enum rig_rc rc = ini_text_load(&t, path, max_bytes, bad, err);
	if (rc)
		return rc;
	rc = ini_read_parse(&t, path, bad, fn, user, err);
	ini_text_free(&t);
	return rc;
}
