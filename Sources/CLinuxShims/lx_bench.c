#include "lx_bench.h"

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t lx_bench_pi(uint64_t samples, uint64_t seed) {
    uint64_t s[4];
    for (int i = 0; i < 4; i++) s[i] = splitmix64(&seed);
    uint64_t inside = 0;
    for (uint64_t n = 0; n < samples; n++) {
        double xy[2];
        for (int k = 0; k < 2; k++) {
            uint64_t result = rotl(s[1] * 5, 7) * 9;
            uint64_t t = s[1] << 17;
            s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
            s[2] ^= t; s[3] = rotl(s[3], 45);
            xy[k] = (double)(result >> 11) * 0x1.0p-53;
        }
        inside += xy[0] * xy[0] + xy[1] * xy[1] <= 1.0;
    }
    return inside;
}
