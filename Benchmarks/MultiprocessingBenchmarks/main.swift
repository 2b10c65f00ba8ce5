// Release-mode benchmarks of Multiprocessing, side by side with Python's multiprocessing
// (Benchmarks/Peers/multiprocessing_peer.py), as a table with ratios.
//
//     scripts/benchmark      (builds with scripts/build-release, then runs this and the lesson benchmarks)
//
// Measured, with warm-up first, medians over the iterations:
// - pipe round trip of `[42, nil, "hello"]` (Connection.send + recv, echoed by a child), both processes pinned to
//   one CPU, and pinned to different CPUs; the floor is a raw pipe round trip of 8 bytes (read/write only);
// - the classic exercise: start a child, 100 round trips over a Pipe, join; per start method;
// - Queue throughput: 100,000 small items put by a child, got by the parent;
// - start and join of a process that does nothing, per start method; the floor is posix_spawn of /bin/true;
// - 10,000 starts in a row (forkserver and fork): descriptors and zombies left afterwards.
#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import BenchmarkSupport
import Multiprocessing
import SystemPackage

/// Python's `[42, None, "hello"]`: a heterogeneous list, encoded as an unkeyed container.
struct SmallMessage: Codable, Sendable, Equatable {
    var number = 42
    var nothing: Int? = nil
    var text = "hello"

    init() {}

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        number = try container.decode(Int.self)
        nothing = try container.decodeNil() ? nil : try container.decode(Int.self)
        text = try container.decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(number)
        if let nothing { try container.encode(nothing) } else { try container.encodeNil() }
        try container.encode(text)
    }
}

struct Echo: Codable, Sendable {
    var connection: Connection
    var cpu: Int32
    var raw: Bool
}

struct Classic: Codable, Sendable {
    var connection: Connection
    var rounds: Int
}

struct Produce: Codable, Sendable {
    var queue: Queue<Int>
    var count: Int
}

let nothing = ProcessFunction("bench.nothing") { (_: Empty) in Empty() }

/// Echoes messages until end of file, pinned to `cpu` (-1: not pinned); raw mode echoes 8-byte reads.
let echo = ProcessFunction("bench.echo") { (arguments: Echo) -> Int in
    if arguments.cpu >= 0 { _ = lx_pin_to_cpu(arguments.cpu) }
    var count = 0
    if arguments.raw {
        let descriptor = try arguments.connection.rawDescriptorForBenchmarks()
        var word: UInt64 = 0
        while read(descriptor, &word, 8) == 8 {
            _ = write(descriptor, &word, 8)
            count += 1
        }
        return count
    }
    while true {
        do {
            let message = try arguments.connection.recv(SmallMessage.self)
            try arguments.connection.send(message)
            count += 1
        } catch let error as MultiprocessingError where error.code == .endOfFile {
            return count
        }
    }
}

/// The classic exercise's child: receives and answers `rounds` times.
let classic = ProcessFunction("bench.classic") { (arguments: Classic) -> Int in
    for _ in 0..<arguments.rounds {
        let message = try arguments.connection.recv(SmallMessage.self)
        try arguments.connection.send(message)
    }
    return arguments.rounds
}

let produce = ProcessFunction("bench.produce") { (arguments: Produce) -> Int in
    for number in 0..<arguments.count { try arguments.queue.put(number) }
    return arguments.count
}

bootstrap(nothing.registration, echo.registration, classic.registration, produce.registration)

// MARK: Measuring

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 300

/// A round trip in µs, measured over `rounds` exchanges with an echoing child.
func roundTrip(parentCPU: Int32, childCPU: Int32, raw: Bool, method: StartMethod = .spawn) throws -> Sample {
    if parentCPU >= 0 { _ = lx_pin_to_cpu(parentCPU) }
    defer { _ = lx_unpin() }
    let (parentEnd, childEnd) = try Pipe(duplex: true)
    let child = Process(target: echo, arguments: Echo(connection: childEnd, cpu: childCPU, raw: raw),
                        context: getContext(method))
    try child.start()
    let rounds = 2000
    let message = SmallMessage()
    let descriptor = try parentEnd.rawDescriptorForBenchmarks()
    let clock = ContinuousClock()
    let sample = try measure(max(10, iterations / 10), scale: 1) { () -> Double? in
        let start = clock.now
        if raw {
            var word: UInt64 = 42
            for _ in 0..<rounds {
                _ = write(descriptor, &word, 8)
                _ = read(descriptor, &word, 8)
            }
        } else {
            for _ in 0..<rounds {
                try parentEnd.send(message)
                let reply = try parentEnd.recv(SmallMessage.self)
                precondition(reply == message)
            }
        }
        return seconds(clock.now - start) / Double(rounds) * 1e6
    }
    parentEnd.close()
    _ = try child.join()
    return sample
}

/// Start, 100 round trips, join: ms.
func classicExercise(_ method: StartMethod) throws -> Sample {
    try measure(iterations / 2, scale: 1e3) {
        let (parentEnd, childEnd) = try Pipe()
        let child = Process(target: classic, arguments: Classic(connection: childEnd, rounds: 100),
                            context: getContext(method))
        try child.start()
        let message = SmallMessage()
        for _ in 0..<100 {
            try parentEnd.send(message)
            _ = try parentEnd.recv(SmallMessage.self)
        }
        try child.join()
        precondition(child.exitCode == 0)
        return nil
    }
}

/// Items per second through a Queue from a child.
func queueThroughput() throws -> Sample {
    try measure(max(5, iterations / 30), scale: 1) {
        let count = 100_000
        let queue = try Queue<Int>()
        let child = Process(target: produce, arguments: Produce(queue: queue, count: count))
        let clock = ContinuousClock()
        let start = clock.now
        try child.start()
        for _ in 0..<count { _ = try queue.get() }
        let elapsed = seconds(clock.now - start)
        try child.join()
        return Double(count) / elapsed
    }
}

/// Start and join of a process that does nothing: ms.
func startAndJoin(_ method: StartMethod) throws -> Sample {
    try measure(iterations, scale: 1e3) {
        let child = Process(target: nothing, context: getContext(method))
        try child.start()
        try child.join()
        precondition(child.exitCode == 0)
        return nil
    }
}

func spawnTrue() throws -> Sample {
    try measure(iterations, scale: 1e3) {
        let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/true"))
        _ = try child.wait()
        return nil
    }
}

func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while readdir(directory) != nil { count += 1 }
    return count
}

func zombieChildren() -> Int {
    guard let directory = opendir("/proc") else { return -1 }
    defer { closedir(directory) }
    let me = getpid()
    var zombies = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) {
            String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        guard let pid = Int32(name), let descriptor = Optional(open("/proc/\(pid)/stat", O_RDONLY)), descriptor >= 0
        else { continue }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = read(descriptor, &buffer, 512)
        close(descriptor)
        guard count > 0 else { continue }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { continue }
        let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
        if fields.count > 1, fields[0] == "Z", Int32(fields[1]) == me { zombies += 1 }
    }
    return zombies
}

/// 10,000 starts in a row: seconds, and what is left.
func manyStarts(_ method: StartMethod) throws -> String {
    let before = openDescriptorCount()
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<10_000 {
        let child = Process(target: nothing, context: getContext(method))
        try child.start()
        try child.join()
        precondition(child.exitCode == 0)
    }
    let elapsed = seconds(clock.now - start)
    return "10,000 starts with \(method): \(rounded(elapsed, 2)) s, descriptors \(before) → "
        + "\(openDescriptorCount()), zombies \(zombieChildren()), children left \(activeChildren().count)"
}

// MARK: The peer

let executable = FilePath(CommandLine.arguments[0])
// MARK: The table

nonisolated(unsafe) var rows: [String] = []

/// A row; `higherIsBetter` for throughputs. Ratio = how many times better Swift is than the peer.
func row(_ name: String, _ ours: Sample, unit: String, digits: Int, peer: Sample?, peerName: String,
         target: String, higherIsBetter: Bool = false) {
    rows.append(comparisonRow(name, ours, unit: unit, digits: digits, peer: peer, peerName: peerName, target: target,
                              higherIsBetter: higherIsBetter))
}

/// Encoding and decoding `[42, nil, "hello"]`: µs for the pair.
func coderCost() throws -> Sample {
    let message = SmallMessage()
    let rounds = 10_000
    let clock = ContinuousClock()
    return try measure(max(10, iterations / 10), scale: 1) { () -> Double? in
        let start = clock.now
        for _ in 0..<rounds {
            let bytes = try BinaryEncoder().encode(message)
            let back = try BinaryDecoder().decode(SmallMessage.self, from: bytes)
            precondition(back == message)
        }
        return seconds(clock.now - start) / Double(rounds) * 1e6
    }
}

let peer = try PythonPeer.run("multiprocessing_peer.py", iterations: iterations)
row("encode + decode `[42, nil, \"hello\"]` (binary Codable)", try coderCost(), unit: "µs", digits: 2,
    peer: peer["pickle"], peerName: "Python `pickle.dumps` + `loads`", target: "–")
let rawSame = try roundTrip(parentCPU: 0, childCPU: 0, raw: true)
let oursSame = try roundTrip(parentCPU: 0, childCPU: 0, raw: false)
let rawApart = try roundTrip(parentCPU: 0, childCPU: 1, raw: true)
let rawFree = try roundTrip(parentCPU: -1, childCPU: -1, raw: true)
let oursFree = try roundTrip(parentCPU: -1, childCPU: -1, raw: false)
let oursApart = try roundTrip(parentCPU: 0, childCPU: 1, raw: false)
row("pipe round trip `[42, nil, \"hello\"]`, one CPU", oursSame, unit: "µs", digits: 1, peer: peer["rt-same"],
    peerName: "Python `Connection`", target: "≤ 1.5× raw (\(rounded(rawSame.median * 1.5, 1)) µs)")
row("raw pipe round trip (8 bytes, read/write), one CPU", rawSame, unit: "µs", digits: 1, peer: peer["rt-same"],
    peerName: "Python `Connection`", target: "floor")
row("pipe round trip `[42, nil, \"hello\"]`, two CPUs", oursApart, unit: "µs", digits: 1, peer: peer["rt-apart"],
    peerName: "Python `Connection`", target: "≤ 1.5× raw (\(rounded(rawApart.median * 1.5, 1)) µs)")
row("raw pipe round trip (8 bytes, read/write), two CPUs", rawApart, unit: "µs", digits: 1, peer: peer["rt-apart"],
    peerName: "Python `Connection`", target: "floor")
row("pipe round trip `[42, nil, \"hello\"]`, not pinned", oursFree, unit: "µs", digits: 1,
    peer: peer["rt-free"], peerName: "Python `Connection`", target: "–")
row("raw pipe round trip (8 bytes, read/write), not pinned", rawFree, unit: "µs", digits: 1, peer: peer["rt-free"],
    peerName: "Python `Connection`", target: "floor")
for method in StartMethod.allCases {
    row("classic: start, 100 round trips, join (\(method))", try classicExercise(method), unit: "ms", digits: 2,
        peer: peer["classic-\(method)"], peerName: "Python, \(method)", target: "≤ 2 ms")
}
row("Queue: 100,000 small items, child → parent", try queueThroughput(), unit: "items/s", digits: 0,
    peer: peer["queue"], peerName: "Python `Queue`", target: "≥ 1,000,000 items/s", higherIsBetter: true)
let targets: [StartMethod: String] = [.spawn: "≤ 2 ms", .fork: "–", .forkserver: "≤ 0.6 ms"]
for method in StartMethod.allCases {
    row("start + join, no work (\(method))", try startAndJoin(method), unit: "ms", digits: 3,
        peer: peer["start-\(method)"], peerName: "Python, \(method)", target: targets[method]!)
}
row("posix_spawn + wait of /bin/true", try spawnTrue(), unit: "ms", digits: 3, peer: peer["spawn-true"],
    peerName: "Python `subprocess.run(['/bin/true'])`", target: "floor")
let leakForkServer = try manyStarts(.forkserver)
let leakFork = try manyStarts(.fork)
shutdownForkServer()

print("Iterations: \(iterations) (fewer for the slow rows), medians. Ratio = how many times better than Python.\n")
print("| Measurement | Swift | Peer | Peer | Ratio | Target |")
print("|---|---|---|---|---|---|")
for line in rows { print(line) }
print("\n- \(leakForkServer)\n- \(leakFork)")
