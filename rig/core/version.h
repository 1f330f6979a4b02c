/* version.h - the rig's version, from `git describe` at build time.
 * Defined in one generated object, so every part of a binary agrees. */
#ifndef RIG_CORE_VERSION_H
#define RIG_CORE_VERSION_H

extern const char rig_version[];

#endif
