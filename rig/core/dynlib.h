/* dynlib.h - shared libraries loaded when a command first needs them.
 *
 * One binary serves every command, but only some need the big libraries:
 * libpq (the line's PostgreSQL; it maps some twenty more: OpenSSL, GnuTLS,
 * Kerberos, LDAP ...), libsqlite3 (a report folder's index) and libhogweed
 * (Ed25519 signatures of the ledger). Linked, they are mapped and bound at
 * every start, `rig analyze` and `rig --version` included (6 MiB of its
 * 8.5 MiB peak RSS, docs/architecture.md). So they are not linked: the
 * code that uses one loads it with dlopen(3) when it first needs it
 * (RTLD_NOW: every symbol bound at load, as -z now does for linked ones)
 * and takes the functions it calls into a table of its own. A library that
 * cannot be loaded is an error naming the library, what it is needed for
 * and the Debian package that ships it; the package (rig/tools/mkdeb.sh)
 * depends on every library listed here.
 *
 * A loaded library stays loaded for the life of the process, as a linked
 * one does (dlopen of a loaded library only counts a reference; libraries
 * such as OpenSSL must not be unloaded once initialised). The descriptors
 * below are constant data; the tables of functions belong to their callers.
 */
#ifndef RIG_CORE_DYNLIB_H
#define RIG_CORE_DYNLIB_H

#include <stddef.h>

#include "core/err.h"

struct dynlib {
	const char *soname;     /* "libpq.so.5": what dlopen is given */
	const char *package;    /* the Debian package that ships it: "libpq5" */
	const char *needed_for; /* for the message when it cannot be loaded */
};

/* The libraries loaded at run time. rig/tools/mkdeb.sh reads the sonames
 * from dynlib.c to make the package depend on them. */
extern const struct dynlib dynlib_pq;      /* store/pg.c */
extern const struct dynlib dynlib_sqlite;  /* store/sqlite.c */
extern const struct dynlib dynlib_hogweed; /* records/keys.c */

/* One function of a library: its name, and where in the caller's table
 * its address goes (offsetof of a function-pointer member). */
struct dynlib_sym {
	const char *name;
	size_t offset;
};

/* Load lib (or count one more reference to it when loaded already) and
 * fill table with the n functions of syms. RIG_E_UNAVAILABLE when the
 * library cannot be loaded or lacks one of the functions: the message
 * names the library, what it is needed for and its Debian package. */
enum rig_rc dynlib_load(const struct dynlib *lib, const struct dynlib_sym *syms, size_t n,
			void *table, struct rig_err *err);

/* A table's members and its symbol list from one list of names, X(name):
 *   #define PQ_FUNCS(X) X(PQstatus) X(PQfinish)
 *   struct pq_api { PQ_FUNCS(DYNLIB_MEMBER) };
 *   static const struct dynlib_sym pq_syms[] = { PQ_FUNCS(PQ_SYM) };
 * with #define PQ_SYM(f) DYNLIB_SYM(struct pq_api, f). Each member has the
 * type of the function as the library's own header declares it. */
#define DYNLIB_MEMBER(f) __typeof__(f) *f;
#define DYNLIB_SYM(type, f) { #f, offsetof(type, f) },

#endif
