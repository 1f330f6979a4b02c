/* paths.c - the default fixture and profile. */
#include "core/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/version.h"

/* The first that exists of: a source tree's file, the bench's configured
 * default under sysconfdir, the installed copy of the source tree's file.
 * The returned path lives in buf (or is a literal). */
static const char *first_existing(const char *env_name, const char *local,
				  const char *configured, const char *installed, char *buf,
				  size_t cap)
{
	const char *env = getenv(env_name);
	if (env && *env)
		return env;
	if (access(local, F_OK) == 0)
		return local;
	snprintf(buf, cap, "%s/%s", rig_sysconfdir, configured);
	if (access(buf, F_OK) == 0)
		return buf;
	snprintf(buf, cap, "%s/%s", rig_sysconfdir, installed);
	if (access(buf, F_OK) == 0)
		return buf;
	return local; /* not found: the error names the usual place */
}

const char *rig_default_fixture(void)
{
	static char buf[PATH_MAX]; /* a cache of a constant lookup, not state */
	return first_existing("RIG_FIXTURE", "fixtures/sim.ini", "fixtures/default.ini",
			      "fixtures/sim.ini", buf, sizeof buf);
}

const char *rig_default_profile(void)
{
	static char buf[PATH_MAX]; /* as above */
	return first_existing("RIG_PROFILE", "profiles/production-p25.ini",
			      "profiles/default.ini", "profiles/production-p25.ini", buf,
			      sizeof buf);
}
