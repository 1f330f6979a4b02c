/* kv.h - one "key = value" entry of a free-form INI section, with where it
 * was given. core/ reads such a section (the fixture's [sim]) without
 * knowing what its keys mean: whoever consumes it checks them.
 */
#ifndef RIG_CORE_KV_H
#define RIG_CORE_KV_H

struct rig_kv {
	char key[64];
	char value[128];
	char origin[256]; /* "fixtures/sim.ini:42" */
};

#endif
