// Baselines the benchmarks measure in C, in the same run as the Swift code they are compared with.
#pragma once
#include <stdint.h>

// Monte Carlo π: of `samples` points drawn uniformly in the unit square with xoshiro256** seeded from `seed`
// through SplitMix64 (the same generator as the Swift benchmark), how many fall inside the quarter circle.
uint64_t lx_bench_pi(uint64_t samples, uint64_t seed);
