/* rng.h - small deterministic random streams for the virtual bench.
 *
 * xoshiro256** seeded through splitmix64; each model takes its own stream
 * (seed, stream id) so adding draws in one model never shifts another.
 */
#ifndef RIG_CORE_RNG_H
#define RIG_CORE_RNG_H

#include <stdint.h>

struct rig_rng {
	uint64_t s[4];
	double spare;
	int has_spare;
};

void rng_seed(struct rig_rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_u64(struct rig_rng *r);
double rng_uniform(struct rig_rng *r);           /* [0, 1) */
double rng_gauss(struct rig_rng *r);             /* mean 0, sd 1 */

#endif
