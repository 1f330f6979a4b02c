/* fixture_commit.c - the one place where a change to a fixture file is
 * committed (rig zero, rig tare, rig loadcell-cal): the edit itself
 * (ini_edit_commit: locked, atomic, mode and owner kept, symlinks kept),
 * the previous version kept as FIXTURE.prev, and each change appended to
 * the fixture's dated history, FIXTURE.history, before the new file takes
 * its place. A later ledger of fixture changes hooks in here.
 */
#include "core/fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/ini_edit.h"

#define HISTORY_HEADER "# when\twho\tchange\tkey\told\tnew\n"

struct commit_ctx {
	const char *why;
	/* The changes as made, and the file they went to, for the observer. */
	struct ini_change *seen;
	size_t nseen;
	char target[PATH_MAX];
};

/* Text for one history field: no tab, line break or control character. */
static void field(char *out, size_t cap, const char *in)
{
	size_t j = 0;
	for (size_t i = 0; in[i] && j + 1 < cap; i++)
		out[j++] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' : in[i];
	out[j] = '\0';
}

/* Who: the real user (the one who typed the command), and who sudo'd. */
static void who_am_i(char *out, size_t cap)
{
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);
	const char *sudo = getenv("SUDO_USER");
	char name[64], by[64] = "";
	field(name, sizeof name, pw ? pw->pw_name : "?");
	if (sudo && *sudo)
		field(by, sizeof by, sudo);
	snprintf(out, cap, "%s (uid %ld)%s%s", name, (long)uid, by[0] ? " via sudo by " : "", by);
}

static enum rig_rc append_history(void *vctx, const char *target, const struct ini_change *ch,
				  size_t n, struct rig_err *err)
{
	struct commit_ctx *ctx = vctx;
	free(ctx->seen);
	if (!(ctx->seen = malloc((n ? n : 1) * sizeof *ch)))
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	memcpy(ctx->seen, ch, n * sizeof *ch);
	ctx->nseen = n;
	snprintf(ctx->target, sizeof ctx->target, "%s", target);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s.history", target);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail_errno(err, RIG_E_IO, errno,
				      "%s: not changed: cannot append to its history %s", target,
				      path);
	struct stat st, fx;
	bool fresh = fstat(fd, &st) == 0 && st.st_size == 0;
	/* A new history is readable by whoever may read the fixture. */
	if (fresh && stat(target, &fx) == 0 &&
	    ((fx.st_uid == st.st_uid && fx.st_gid == st.st_gid) ||
	     fchown(fd, fx.st_uid, fx.st_gid) == 0) &&
	    fchmod(fd, fx.st_mode & 0666) != 0) {
		/* the history is written all the same */
	}
	char when[32], who[160], why[128];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	who_am_i(who, sizeof who);
	field(why, sizeof why, ctx->why);
	size_t cap = 256 + n * 512, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	}
	if (fresh)
		len += (size_t)snprintf(buf, cap, HISTORY_HEADER);
	for (size_t i = 0; i < n; i++) {
		char key[96], old[160], new[160];
		snprintf(key, sizeof key, "%s.%s", ch[i].section, ch[i].key);
		field(old, sizeof old, ch[i].existed ? ch[i].old_value : "(none)");
		field(new, sizeof new, ch[i].new_value);
		len += (size_t)snprintf(buf + len, cap - len, "%s\t%s\t%s\t%s\t%s\t%s\n", when, who,
					why, key, old, new);
	}
	/* One write: a reader never sees half of a change. */
	bool ok = write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	free(buf);
	ok = close(fd) == 0 && ok;
	if (!ok)
		return rig_fail_errno(err, RIG_E_IO, e,
				      "%s: not changed: cannot append to its history %s", target,
				      path);
	return RIG_OK;
}

enum rig_rc fixture_commit_observed(const char *path, const struct ini_edit *edits, size_t n,
				    const char *why, const struct fixture_observer *obs,
				    struct rig_err *err)
{
	struct commit_ctx ctx = { .why = why };
	struct ini_commit how = {
		.keep_previous = true,
		.committed = append_history,
		.ctx = &ctx,
	};
	enum rig_rc rc = ini_edit_commit(path, edits, n, &how, err);
	if (!rc && obs && obs->committed)
		rc = obs->committed(obs->ctx, ctx.target, ctx.seen, ctx.nseen, err);
	free(ctx.seen);
	return rc;
}

enum rig_rc fixture_commit(const char *path, const struct ini_edit *edits, size_t n,
			   const char *why, struct rig_err *err)
{
	return fixture_commit_observed(path, edits, n, why, NULL, err);
}
