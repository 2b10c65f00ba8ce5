// Release-mode benchmarks of Multiprocessing's synchronization primitives and shared memory, side by side with
// Python's multiprocessing (Benchmarks/Peers/synchronization_peer.py) and with C, as a table with ratios.
//
//     scripts/benchmark      (builds with scripts/build-release, then runs this after the other benchmarks)
//
// Measured, with warm-up first, medians over the iterations:
// - uncontended acquire + release pairs of a Lock, in M pairs/s; the C baseline is measured in the same run by
//   `lx_bench_mutex_pairs` in the C shim: a loop of pthread_mutex_lock + unlock on a process-shared mutex (plain,
//   and robust as Lock's is), compiled with the package's C flags;
// - a child negates a SharedArray of ten Int32 and sets a SharedValue<Double>, start and join included, per start
//   method (Python: `Array('i', range(10))`, `Value('d', 0.0)`);
// - contended: two child processes each add 1 to a shared counter a million times under its lock; the total is
//   checked; in M additions/s.
#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import BenchmarkSupport
import Multiprocessing
import SystemPackage

struct Negate: Codable, Sendable {
    var numbers: SharedArray<Int32>
    var total: SharedValue<Double>
}

struct Add: Codable, Sendable {
    var counter: SharedValue<Int64>
    var start: Event
    var count: Int
}

let negate = ProcessFunction("bench.negate") { (arguments: Negate) -> Int in
    try arguments.numbers.withLock { buffer in
        for index in buffer.indices { buffer[index] = -buffer[index] }
    }
    arguments.total.value = 3.25
    return arguments.numbers.count
}

let add = ProcessFunction("bench.add") { (arguments: Add) -> Int in
    arguments.start.wait()
    for _ in 0..<arguments.count {
        try arguments.counter.withLock { $0 += 1 }
    }
    return arguments.count
}

bootstrap(negate.registration, add.registration)

// MARK: Measuring

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 300

let pairs = 10_000_000

/// The C baseline: M pairs/s of pthread_mutex_lock + unlock on a process-shared mutex, in a C loop.
func cMutexPairs(robust: Bool) -> Sample {
    measure(max(5, iterations / 30), scale: 1) {
        let nanoseconds = lx_bench_mutex_pairs(Int64(pairs), robust ? 1 : 0)
        return Double(pairs) / Double(nanoseconds) * 1e3
    }
}

/// M pairs/s of Lock.acquire + release (or withLock) in this process.
func lockPairs(scoped: Bool) throws -> Sample {
    let lock = try Lock()
    let clock = ContinuousClock()
    return try measure(max(5, iterations / 30), scale: 1) { () -> Double? in
        let start = clock.now
        if scoped {
            for _ in 0..<pairs { try lock.withLock {} }
        } else {
            for _ in 0..<pairs {
                try lock.acquire()
                try lock.release()
            }
        }
        return Double(pairs) / seconds(clock.now - start) / 1e6
    }
}

/// Start, the child negates ten Int32 and sets a Double, join: ms.
func negateChild(_ method: StartMethod) throws -> Sample {
    try measure(iterations, scale: 1e3) {
        let arguments = Negate(numbers: try SharedArray<Int32>(0..<10), total: try SharedValue<Double>(0))
        let child = Process(target: negate, arguments: arguments, context: getContext(method))
        try child.start()
        try child.join()
        precondition(child.exitCode == 0 && arguments.numbers[9] == -9 && arguments.total.value == 3.25)
        return nil
    }
}

/// Two children each add 1 `count` times under the lock: M additions/s; the total must be exact.
func contended(_ method: StartMethod, count: Int) throws -> Sample {
    try measure(3, scale: 1) {
        let counter = try SharedValue<Int64>(0)
        let start = try Event()
        let children = (0..<2).map { _ in
            Process(target: add, arguments: Add(counter: counter, start: start, count: count),
                    context: getContext(method))
        }
        for child in children { try child.start() }
        let clock = ContinuousClock()
        let began = clock.now
        start.set()
        for child in children { try child.join() }
        let elapsed = seconds(clock.now - began)
        precondition(children.allSatisfy { $0.exitCode == 0 })
        precondition(counter.value == Int64(2 * count), "the total is \(counter.value), not \(2 * count)")
        return Double(2 * count) / elapsed / 1e6
    }
}

// MARK: The peer

// MARK: The table

nonisolated(unsafe) var rows: [String] = []

/// A row; `higherIsBetter` for throughputs. Ratio = how many times better Swift is than the peer.
func row(_ name: String, _ ours: Sample, unit: String, digits: Int, peer: Sample?, peerName: String,
         target: String, higherIsBetter: Bool = false) {
    rows.append(comparisonRow(name, ours, unit: unit, digits: digits, peer: peer, peerName: peerName, target: target,
                              higherIsBetter: higherIsBetter))
}

let peer = try PythonPeer.run("synchronization_peer.py", iterations: iterations)
let cPlain = cMutexPairs(robust: false)
let cRobust = cMutexPairs(robust: true)
let half = "≥ \(rounded(cPlain.median / 2, 1)) M/s (half of C)"
row("uncontended `Lock` acquire + release", try lockPairs(scoped: false), unit: "M pairs/s", digits: 1,
    peer: peer["lock-pairs"], peerName: "Python `Lock`", target: half, higherIsBetter: true)
row("uncontended `Lock.withLock {}`", try lockPairs(scoped: true), unit: "M pairs/s", digits: 1,
    peer: peer["lock-pairs"], peerName: "Python `Lock`", target: half, higherIsBetter: true)
row("C: process-shared pthread mutex, lock + unlock", cPlain, unit: "M pairs/s", digits: 1,
    peer: peer["lock-pairs"], peerName: "Python `Lock`", target: "baseline", higherIsBetter: true)
row("C: process-shared *robust* pthread mutex (as `Lock`)", cRobust, unit: "M pairs/s", digits: 1,
    peer: peer["lock-pairs"], peerName: "Python `Lock`", target: "–", higherIsBetter: true)
for method in StartMethod.allCases {
    row("child negates `SharedArray` of 10 Int32, sets `SharedValue<Double>`, start + join (\(method))",
        try negateChild(method), unit: "ms", digits: 3, peer: peer["negate-\(method)"],
        peerName: "Python `Array('i')`, `Value('d')`, \(method)", target: "≤ 2 ms")
}
row("contended: 2 processes × 1,000,000 additions under the lock (fork), total exact", try contended(.fork,
    count: 1_000_000), unit: "M adds/s", digits: 2, peer: peer["contended"],
    peerName: "Python `with value.get_lock()`, fork", target: "–", higherIsBetter: true)
shutdownForkServer()

print("Iterations: \(iterations) (fewer for the slow rows), medians. Ratio = how many times better than Python.\n")
print("| Measurement | Swift | Peer | Peer | Ratio | Target |")
print("|---|---|---|---|---|---|")
for line in rows { print(line) }
