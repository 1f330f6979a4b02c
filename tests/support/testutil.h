/* testutil.h - small helpers shared by the check suites: temporary folders
 * and files. Paths returned are malloc'd; the caller frees them. */
#ifndef RIG_TESTS_TESTUTIL_H
#define RIG_TESTS_TESTUTIL_H

#include <stddef.h>

/* A fresh temporary folder (removed by tu_rmtree). */
char *tu_tmpdir(void);
/* Write content to dir/name; returns the path. */
char *tu_write(const char *dir, const char *name, const char *content);
/* The whole file, NUL-terminated, or NULL. */
char *tu_read(const char *path);
void tu_rmtree(const char *dir);
/* Replace the first occurrence of `from` in `text` with `to` (new string). */
char *tu_replace(const char *text, const char *from, const char *to);
/* Each from[i] in *text (malloc'd, replaced in place) replaced by to[i],
 * in order: -1, or the first i not found (*text then as far as it got). */
int tu_replace_each(char **text, const char *const *from, const char *const *to, size_t n);
/* Today's UTC date (YYYY-MM-DD), days_ago days back, in buf[11]: dates a
 * test fixture by the clock, so it does not expire with the calendar. */
void tu_date(char buf[11], int days_ago);

/* Say that `ncases` test cases of `suite` were not run, and why. Printed
 * as "SKIP suite: N case(s): why" on stdout and appended to the file named
 * by $RIG_SKIP_LOG (set by make check, which counts them in its closing
 * line), so a skipped case is never reported as passed. */
void tu_skip(const char *suite, unsigned ncases, const char *why);
/* Exit code of a suite that was skipped as a whole (automake's 77). */
#define TU_EXIT_SKIPPED 77

#endif
