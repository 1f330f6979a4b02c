/* testutil.c - temporary files for tests. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/grow.h"

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = NULL;
	if (asprintf(&p, "%s/rigtest.XXXXXX", base && *base ? base : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *tu_write(const char *dir, const char *name, const char *content)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	FILE *f = fopen(p, "w");
	if (!f) {
		free(p);
		return NULL;
	}
	fputs(content, f);
	fclose(f);
	return p;
}

char *tu_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 0, n = 0, r;
	char *buf = NULL;
	bool oom;
	/* room to read one byte more, and the final NUL */
	while (!(oom = RIG_GROW(buf, cap, n + 2, 4096, NULL) != RIG_OK) &&
	       (r = fread(buf + n, 1, cap - n - 1, f)) > 0)
		n += r;
	fclose(f);
	if (oom) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

void tu_rmtree(const char *dir)
{
	char *cmd = NULL;
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "tu_rmtree: could not remove %s\n", dir);
		free(cmd);
	}
}

char *tu_replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (!at)
		return NULL;
	size_t head = (size_t)(at - text);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%.*s%s%s", (int)head, text, to, at + strlen(from));
	return out;
}

int tu_replace_each(char **text, const char *const *from, const char *const *to, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *t = tu_replace(*text, from[i], to[i]);
		if (!t)
			return (int)i;
		free(*text);
		*text = t;
	}
	return -1;
}

void tu_date(char buf[11], int days_ago)
{
	time_t t = time(NULL) - (time_t)days_ago * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

void tu_skip(const char *suite, unsigned ncases, const char *why)
{
	printf("SKIP %s: %u case(s): %s\n", suite, ncases, why);
	fflush(stdout);
	const char *log = getenv("RIG_SKIP_LOG");
	if (!log || !*log)
		return;
	FILE *f = fopen(log, "a");
	if (!f)
		return;
	fprintf(f, "%s\t%u\t%s\n", suite, ncases, why);
	fclose(f);
}
