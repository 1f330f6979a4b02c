/* operators.h - who may use the bench: the operators file a fixture names
 * ([access] operators = FILE), one person per line with an ID, a printed
 * name, a role, a state and a salted PIN hash; and the check of an ID and
 * PIN (21 CFR 11.300: two distinct components) with its lockout.
 *
 * File format (docs/records.md), TAB-separated, '#' lines are comments:
 *   id  printed-name  role  state  iterations  salt  hash  failures  locked-until
 * role: operator < engineer < admin; state: active or disabled; the hash is
 * PBKDF2-HMAC-SHA256 (nettle) of the PIN with a 16-byte salt from
 * getrandom(2), OP_ITERATIONS rounds (stored per person so it can be
 * raised); failures counts wrong PINs in a row; OP_MAX_FAILURES of them
 * lock the ID until locked-until (UTC seconds), OP_LOCK_S later.
 *
 * op_open() takes an exclusive flock on FILE.lock (so two commands never
 * lose each other's change) and reads the file; op_save() rewrites it
 * atomically (temporary file, fsync, rename); op_close() frees and unlocks.
 * The caller owns struct op_file; PINs are never stored, only hashed.
 */
#ifndef RIG_RECORDS_OPERATORS_H
#define RIG_RECORDS_OPERATORS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define OP_ITERATIONS 100000  /* PBKDF2 rounds for a new PIN */
#define OP_MAX_FAILURES 5     /* wrong PINs in a row that lock an ID */
#define OP_LOCK_S 900         /* how long: 15 minutes */
#define OP_PIN_MIN 4          /* characters a PIN has at least */
#define OP_PIN_MAX 64
#define OP_ID_MAX 32
#define OP_SALT_SIZE 16
#define OP_HASH_SIZE 32

enum op_role { OP_ROLE_NONE = 0, OP_ROLE_OPERATOR, OP_ROLE_ENGINEER, OP_ROLE_ADMIN };

struct op_person {
	char id[OP_ID_MAX];
	char name[128];
	enum op_role role;
	bool disabled;
	unsigned iterations;
	uint8_t salt[OP_SALT_SIZE];
	uint8_t hash[OP_HASH_SIZE];
	unsigned failures;
	long long locked_until;  /* UTC seconds; 0: not locked */
};

struct op_file {
	char path[PATH_MAX];
	bool exists;             /* the file was there when opened */
	int lock_fd;
	struct op_person *p;
	size_t n;
};

const char *op_role_name(enum op_role r);
/* "operator", "engineer", "admin"; false for anything else. */
bool op_role_parse(const char *s, enum op_role *r);
/* An ID is 1..31 of [A-Za-z0-9._-]. */
bool op_id_valid(const char *id);

/* Lock and read path (missing: an empty list, exists = false). Errors name
 * file and line (RIG_E_CONFIG), or the lock (RIG_E_IO). */
enum rig_rc op_open(struct op_file *f, const char *path, struct rig_err *err);
enum rig_rc op_save(struct op_file *f, struct rig_err *err);
void op_close(struct op_file *f);

struct op_person *op_find(struct op_file *f, const char *id);
/* Add a person (no PIN yet: set one with op_set_pin). */
enum rig_rc op_add(struct op_file *f, const char *id, const char *name, enum op_role role,
		   struct op_person **out, struct rig_err *err);
/* A new salt and hash for pin (RIG_E_USAGE if shorter than OP_PIN_MIN);
 * clears failures and the lock. */
enum rig_rc op_set_pin(struct op_person *p, const char *pin, struct rig_err *err);

enum op_verdict {
	OP_PIN_OK,
	OP_UNKNOWN,       /* no such ID */
	OP_DISABLED,
	OP_LOCKED,        /* locked before this try; the PIN was not checked */
	OP_WRONG_PIN,
	OP_WRONG_NOW_LOCKED, /* wrong, and that was the OP_MAX_FAILURES-th */
};

/* Check id's PIN at time now, counting failures and locking as above (in
 * memory: op_save() keeps it). *who (may be NULL) points at the person. */
enum op_verdict op_check(struct op_file *f, const char *id, const char *pin, time_t now,
			 struct op_person **who);

#endif
