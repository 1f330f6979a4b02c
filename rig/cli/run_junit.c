/* run_junit.c - `rig run --junit FILE` in the front end: the file's folder
 * made, and the file proven writable, before anything on the bench moves;
 * and a JUnit file for every exit the run itself wrote none for (a usage
 * error after the options were read, a bad profile or fixture, access
 * refused, a busy bench, an unwritable report folder), with the exit code
 * and why (docs/reports.md, "JUnit"). */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsutil.h"

int cli_junit_prepare(const char *path)
{
	struct rig_err err = { 0 };
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	struct stat st;
	if (slash && slash != dir) {
		*slash = '\0';
		if (rig_mkdir_p(dir, &err)) {
			cli_error("run", "--junit %s: cannot make its folder: %s; nothing was run", path,
				  err.msg);
			return RIG_EXIT_IOERR;
		}
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("run", "--junit %s: expected a file name, found a folder; nothing was run",
			  path);
		return RIG_EXIT_IOERR;
	}
	/* Where the file will be written first (report_junit.c). */
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		cli_error("run", "--junit %s: cannot write there (%s: %s); nothing was run", path, tmp,
			  strerror(errno));
		return RIG_EXIT_IOERR;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

int cli_junit_unstarted(const char *path, const char *profile_path, enum run_mode mode,
			int code, const char *reason)
{
	if (!path)
		return code;
	/* The plan, if the profile can be read: CI's history keeps every
	 * measurement, skipped. */
	struct profile prof;
	struct rig_err err = { 0 };
	bool have = profile_path && profile_load(&prof, profile_path, &err) == RIG_OK;
	char why[600];
	snprintf(why, sizeof why, "%s", reason && *reason ? reason : cli_exit_meaning(code));
	if (run_write_junit_unstarted(path, have ? &prof : NULL, mode, NULL, code, why, &err)) {
		cli_error("run", "%s", err.msg);
		return code ? code : RIG_EXIT_IOERR;
	}
	return code;
}
