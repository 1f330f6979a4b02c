/* runrig.h - run the built `rig` binary from a test (under qemu when the
 * suites run cross-built) and capture its exit code, stdout and stderr. */
#ifndef RIG_TESTS_RUNRIG_H
#define RIG_TESTS_RUNRIG_H

struct rig_result {
	int exit_code;  /* -1 if it did not exit normally */
	char *out;      /* stdout, malloc'd */
	char *err;      /* stderr, malloc'd */
};

/* Run `rig` with the shell-quoted argument string args (e.g.
 * "run --fixture 'x y.ini'"), stdin from /dev/null. */
struct rig_result run_rig(const char *args);
void rig_result_free(struct rig_result *r);

#endif
