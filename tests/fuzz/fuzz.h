/* fuzz.h - what every libFuzzer target here shares: the entry point's
 * declaration and an invariant check that aborts (so libFuzzer saves the
 * input as a crash) with a message saying which invariant broke.
 *
 * Targets are built by `make fuzz` only (clang, -fsanitize=fuzzer); each
 * owns nothing across calls: every input starts from a fresh state.
 */
#ifndef RIG_TESTS_FUZZ_H
#define RIG_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                   \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, \
				__LINE__, #cond);                                 \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			abort();                                                 \
		}                                                                \
	} while (0)

#endif
