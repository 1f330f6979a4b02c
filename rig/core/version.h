/* version.h - the rig's version, from `git describe` at build time, and
 * the configuration folder it was built for.
 * Defined in one generated object, so every part of a binary agrees. */
#ifndef RIG_CORE_VERSION_H
#define RIG_CORE_VERSION_H

extern const char rig_version[];
/* Where installed fixtures and profiles live ("/etc/rig"): the Makefile's
 * SYSCONFDIR, fixed at build time like the version. */
extern const char rig_sysconfdir[];

#endif
