/* dynlib.c - loading a shared library when it is first needed (dynlib.h).
 *
 * rig/tools/mkdeb.sh takes the sonames below (the quoted "lib*.so.N"
 * strings of this file) for the package's Depends: keep one per line. */
#include "core/dynlib.h"

#include <dlfcn.h>
#include <string.h>

const struct dynlib dynlib_pq = {
	.soname = "libpq.so.5",
	.package = "libpq5",
	.needed_for = "the line's PostgreSQL results database (rig sync, rig db, --db URL)",
};

const struct dynlib dynlib_sqlite = {
	.soname = "libsqlite3.so.0",
	.package = "libsqlite3-0",
	.needed_for = "the report folder's results index (rig run, rig index, rig history)",
};

const struct dynlib dynlib_hogweed = {
	.soname = "libhogweed.so.6",
	.package = "libhogweed6 (libhogweed6t64 on Debian 13)",
	.needed_for = "the Ed25519 signatures of the ledger (rig keygen, rig sign, rig verify)",
};

enum rig_rc dynlib_load(const struct dynlib *lib, const struct dynlib_sym *syms, size_t n,
			void *table, struct rig_err *err)
{
	dlerror();
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		return rig_fail(err, RIG_E_UNAVAILABLE,
				"%s, needed for %s, cannot be loaded (%s): install Debian's %s",
				lib->soname, lib->needed_for, why ? why : "no reason given",
				lib->package);
	}
	for (size_t i = 0; i < n; i++) {
		dlerror();
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			enum rig_rc rc = rig_fail(err, RIG_E_UNAVAILABLE,
						  "%s, needed for %s, has no function %s: a "
						  "version older than rig needs; update Debian's %s",
						  lib->soname, lib->needed_for, syms[i].name,
						  lib->package);
			dlclose(h);
			return rc;
		}
		/* POSIX: a function's address travels through dlsym's void *. */
		memcpy((char *)table + syms[i].offset, &f, sizeof f);
	}
	return RIG_OK;
}
