/// xoshiro256** seeded through SplitMix64: the generator of the Monte Carlo π demo and benchmark.
///
/// The standard library has no fast seedable generator: `SystemRandomNumberGenerator` makes a `getrandom` call per
/// number (~100× slower than this), so π would measure the kernel. This is the generator C's `lx_bench_pi` uses;
/// each process seeds its own once from the system generator.
public struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose state is spread from `seed` by SplitMix64.
    public init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9e37_79b9_7f4a_7c15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// A double in [0, 1) from the top 53 bits.
    @inline(__always)
    public mutating func nextUnit() -> Double {
        // Through Int64: the value has 53 bits, and a signed conversion is one instruction (an unsigned one is not).
        Double(Int64(bitPattern: next() >> 11)) * 0x1.0p-53
    }
}
