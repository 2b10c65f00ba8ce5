// Release-mode benchmarks of Pool and Parallel, side by side with Python's multiprocessing.Pool and joblib
// (Benchmarks/Peers/pool_peer.py), as a table with ratios. Run by `scripts/benchmark`, or:
//
//     scripts/build-release pool-benchmarks && .build/release/pool-benchmarks [ITERATIONS]
//
// Rows: Pool(2).map of x*x+1 over 100,000 integers; Pool(2).map over 0..<8 on a started pool; the whole
// `with Pool(4) as p: p.map(f, range(8))` block; Parallel over ten items, first call and warm; Monte Carlo π with
// 10,000,000 samples over Pool(2), against C (`lx_bench_pi` in CLinuxShims, one process, measured here), and the
// Swift kernel alone in one process.
#if canImport(Glibc)
import Glibc
#endif
import BenchmarkSupport
import CLinuxShims
import Demos
import Multiprocessing
import SystemPackage

let f = ProcessFunction("bench.pool.f") { (x: Int) in x * x + 1 }

/// Points inside the quarter circle among `samples` draws from a generator seeded with `seed`: the course's `pi`
/// demo's kernel.
let piCount = ProcessFunction("bench.pool.pi") { (call: Pair<UInt64, Int>) -> Int in
    PiDemo.countInside(samples: call.second, seed: call.first)
}

bootstrap([f.registration, piCount.registration])

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100

/// Runs `body` a few times to warm up, then `count` times; the median and mean in milliseconds.
func measure(_ count: Int, warmUp: Int = 3, _ body: () throws -> Void) rethrows -> Sample {
    for _ in 0..<warmUp { try body() }
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<max(1, count) {
        let start = clock.now
        try body()
        times.append(seconds(clock.now - start) * 1e3)
    }
    times.sort()
    return Sample(median: times[times.count / 2], mean: times.reduce(0, +) / Double(times.count))
}

// MARK: The peer

// MARK: The table

nonisolated(unsafe) var rows: [String] = []

func row(_ name: String, _ ours: Sample, peer: Sample?, peerName: String, target: String, digits: Int = 2) {
    rows.append(comparisonRow(name, ours, unit: "ms", digits: digits, peer: peer, peerName: peerName, target: target))
}

let peer = try PythonPeer.run("pool_peer.py", iterations: iterations)
let inputs = Array(0..<100_000)
let expected = inputs.map { $0 * $0 + 1 }
let pool = try Pool(processes: 2)
row("`Pool(2).map` of x*x+1 over 100,000 integers", try measure(iterations) {
    let result = try pool.map(f, inputs)
    precondition(result == expected)
}, peer: peer["map-100k"], peerName: "Python `Pool(2).map`", target: "≤ 6 ms")
row("`Pool(2).map` over 0..<8, started pool", try measure(iterations * 10) {
    let result = try pool.map(f, 0..<8)
    precondition(result.count == 8)
}, peer: peer["map-8"], peerName: "Python `Pool(2).map`", target: "≤ 0.15 ms", digits: 3)

let samples = 10_000_000
var seeder = SystemRandomNumberGenerator()
var estimate = 0.0
let piSwift = try measure(max(5, iterations / 10), warmUp: 1) {
    let seeds = (0..<2).map { _ in seeder.next() as UInt64 }
    let counts = try pool.map(piCount, seeds.map { Pair($0, samples / 2) }, chunksize: 1)
    estimate = 4 * Double(counts.reduce(0, +)) / Double(samples)
}
precondition(abs(estimate - Double.pi) < 0.01, "π estimate \(estimate)")
var cInside: UInt64 = 0
let piC = measure(max(5, iterations / 10), warmUp: 1) {
    cInside = lx_bench_pi(UInt64(samples), seeder.next())
}
precondition(abs(4 * Double(cInside) / Double(samples) - Double.pi) < 0.01)
var swiftInside = 0
let piSwiftAlone = measure(max(5, iterations / 10), warmUp: 1) {
    swiftInside = PiDemo.countInside(samples: samples, seed: seeder.next())
}
precondition(abs(4 * Double(swiftInside) / Double(samples) - Double.pi) < 0.01)
pool.terminate()

row("whole `withPool(processes: 4) { try $0.map(f, 0..<8) }`", try measure(max(10, iterations / 2)) {
    let result = try withPool(processes: 4) { try $0.map(f, 0..<8) }
    precondition(result.count == 8)
}, peer: peer["with-pool4"], peerName: "Python `with Pool(4) as p: p.map(f, range(8))`", target: "–")
row("`Parallel(jobs: 2)` over ten items, first call", try measure(max(10, iterations / 2)) {
    let parallel = try Parallel(jobs: 2)
    let result = try parallel((0..<10).map { f.delayed($0) })
    precondition(result.count == 10)
    parallel.shutdown()
}, peer: peer["joblib-first"], peerName: "joblib `Parallel(n_jobs=2)`, first", target: "–")
let parallel = try Parallel(jobs: 2)
row("`Parallel(jobs: 2)` over ten items, warm", try measure(iterations * 10) {
    let result = try parallel((0..<10).map { f.delayed($0) })
    precondition(result.count == 10)
}, peer: peer["joblib-warm"], peerName: "joblib `Parallel(n_jobs=2)`, warm", target: "–", digits: 3)
parallel.shutdown()
row("Monte Carlo π, 10,000,000 samples over `Pool(2)`", piSwift, peer: peer["pi"],
    peerName: "Python `Pool(2)`, `random.random()`", target: "≤ 1.5× C (\(rounded(piC.median * 1.5, 1)) ms)",
    digits: 1)
row("Monte Carlo π, 10,000,000 samples, C, one process", piC, peer: peer["pi"],
    peerName: "Python `Pool(2)`, `random.random()`", target: "baseline", digits: 1)

row("Monte Carlo π, 10,000,000 samples, Swift kernel, one process", piSwiftAlone, peer: peer["pi"],
    peerName: "Python `Pool(2)`, `random.random()`", target: "–", digits: 1)

print("Iterations: \(iterations) (fewer for the slow rows), medians. Ratio = how many times faster than Python.\n")
print("| Measurement | Swift | Peer | Peer | Ratio | Target |")
print("|---|---|---|---|---|---|")
for line in rows { print(line) }
