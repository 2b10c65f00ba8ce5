// Release-mode benchmarks of Multiprocessing's Manager, side by side with Python's `multiprocessing.Manager()`
// (Benchmarks/Peers/manager_peer.py), as a table with ratios.
//
//     scripts/benchmark      (builds with scripts/build-release, then runs this after the other benchmarks)
//     .build/release/manager-benchmarks [ITERATIONS]
//
// Measured, with warm-up first, medians over the iterations (each iteration: 2,000 calls, per-call time):
// - `d[key] = value` and `d[key]` through a dict proxy, key an int, value a short string, not pinned, and with
//   this process (so the server too) pinned to one CPU;
// - start and shut down a manager (a `with Manager() as manager:` that does nothing).
#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import BenchmarkSupport
import Multiprocessing
import MultiprocessingManagers

bootstrap([Manager.registration])

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 300

/// Per-call µs of dict sets and gets; the manager starts after pinning, so its server inherits the CPU.
func dictCalls(pinned: Bool) throws -> (set: Sample, get: Sample) {
    if pinned { _ = lx_pin_to_cpu(0) }
    defer { if pinned { _ = lx_unpin() } }
    return try withManager { manager in
        let dict: DictProxy<Int, String> = try manager.dict(as: DictProxy<Int, String>.self)
        let rounds = 2000
        let clock = ContinuousClock()
        let count = max(10, iterations / 10)
        let set = try measure(count, scale: 1) { () -> Double? in
            let start = clock.now
            for key in 0..<rounds { try dict.set(key & 63, "value") }
            return seconds(clock.now - start) / Double(rounds) * 1e6
        }
        let get = try measure(count, scale: 1) { () -> Double? in
            let start = clock.now
            for key in 0..<rounds {
                let value = try dict[key & 63]
                precondition(value == "value")
            }
            return seconds(clock.now - start) / Double(rounds) * 1e6
        }
        return (set, get)
    }
}

func startAndShutdown() throws -> Sample {
    try measure(max(10, iterations / 10), scale: 1e3) {
        try withManager { _ in }
        return nil
    }
}

let free = try dictCalls(pinned: false)
let pinned = try dictCalls(pinned: true)
let lifetime = try startAndShutdown()
let peer = try PythonPeer.run("manager_peer.py", iterations: iterations)

/// `value` with `digits` decimals (no Foundation here).
func fixed(_ value: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    var fraction = String(scaled % Int(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    return digits == 0 ? String(whole) : "\(whole).\(fraction)"
}

func row(_ name: String, _ swift: Double, _ unit: String, _ peerName: String, _ key: String, _ target: String) {
    let python = peer[key]?.median
    let ratio = python.map { fixed($0 / swift, 1) + "×" } ?? "–"
    let pythonText = python.map { fixed($0) + " " + unit } ?? "–"
    print("| \(name) | \(fixed(swift)) \(unit) | \(peerName) | \(pythonText) | \(ratio) | \(target) |")
}

print("| Measurement | Swift | Peer | Peer | Ratio | Target |")
print("|---|---|---|---|---|---|")
row("dict proxy set `d[k] = 'value'`, not pinned", free.set.median, "µs", "Python `DictProxy`", "set-free",
    "≤ 10 µs")
row("dict proxy get `d[k]`, not pinned", free.get.median, "µs", "Python `DictProxy`", "get-free", "≤ 10 µs")
row("dict proxy set, one CPU", pinned.set.median, "µs", "Python `DictProxy`", "set-same", "≤ 10 µs")
row("dict proxy get, one CPU", pinned.get.median, "µs", "Python `DictProxy`", "get-same", "≤ 10 µs")
row("start + shut down a manager", lifetime.median, "ms", "Python `with Manager()`", "lifetime", "–")
