/* paths.h - where the rig finds its fixture and profile when none is named.
 * The returned strings are literals or live in a static cache of a
 * constant lookup; the caller never frees them.
 */
#ifndef RIG_CORE_PATHS_H
#define RIG_CORE_PATHS_H

/* $RIG_FIXTURE, else fixtures/sim.ini when it exists (a source tree), else
 * the bench's own SYSCONFDIR/rig/fixtures/default.ini, else the installed
 * virtual bench SYSCONFDIR/rig/fixtures/sim.ini. */
const char *rig_default_fixture(void);

/* $RIG_PROFILE, else profiles/production-p25.ini when it exists, else
 * SYSCONFDIR/rig/profiles/default.ini, else the installed
 * SYSCONFDIR/rig/profiles/production-p25.ini. */
const char *rig_default_profile(void);

#endif
