// Release-mode benchmarks of the runner, side by side with a Python peer (Benchmarks/Peers/*.py), as a table.
//
//     scripts/benchmark                                       (builds everything, then runs every benchmark)
//     .build/release/lesson-benchmarks [ITERATIONS]           (the cell overhead)
//     .build/release/lesson-benchmarks html [ITERATIONS]      (the HTML report; see HTMLRenderBenchmark.swift)
//     .build/release/lesson-benchmarks jobs [LESSONS]         (check's throughput; see BatchThroughputBenchmark.swift)
//
// It measures, per iteration, with warm-up first:
// - spawn floors: posix_spawn + wait of /bin/true, of a static C program that does nothing (`static-noop`,
//   built by scripts/benchmark from Benchmarks/Peers/noop.c), and of a static Swift program that prints a line
//   (`static-swift-hello`, from Benchmarks/Peers/hello.swift), and of one with no statements (`static-swift-empty`,
//   Benchmarks/Peers/empty.swift), through the Multiprocessing spawn layer;
// - the demo host's start alone: `lesson-demos` running `hello-lines` (stdout to /dev/null), spawn + wait;
// - the runner's own share: CellExecutor with /bin/true as the executable (pipes, poll, /proc scan, reaping);
// - one trivial cell: `hello-lines` in the release `lesson-demos` through `CellExecutor`, the path `lesson run`
//   takes (capture of stdout and stderr, process-tree teardown): forked from the host kept running (the default),
//   and with the host executed for the cell (`LESSON_CELL_START=exec`);
// - a `spawn` start + join of Multiprocessing inside the demo host: the course's `start-methods` demo, run with
//   many processes, reports it; and the same in rounds that alternate with as many spawns of the C no-op, whose
//   per-round ratios say what drift between separate measurements would blur.
import LessonRunner
import BenchmarkSupport
import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

let htmlMode = CommandLine.arguments.dropFirst().first == "html"
let iterations = CommandLine.arguments.dropFirst(htmlMode ? 2 : 1).first.flatMap { Int($0) } ?? (htmlMode ? 10 : 300)
let benchmarkExecutable = CellExecutor.currentExecutable
let productsFolder = benchmarkExecutable.removingLastComponent()
let demoHost = productsFolder.appending("lesson-demos")
let staticNoop = productsFolder.appending("static-noop")
let staticSwiftHello = productsFolder.appending("static-swift-hello")
let staticSwiftEmpty = productsFolder.appending("static-swift-empty")
let packageRoot = productsFolder.removingLastComponent().removingLastComponent().removingLastComponent()

func measure(_ body: () throws -> Void) rethrows -> Sample {
    try withoutActuallyEscaping(body) { try measureAlternating([$0])[0] }
}

/// Measures several bodies in rounds, one run of each per round, so that the machine's drift (on this virtual
/// machine, 10–30% from one minute to the next) falls on all of them alike and their ratios hold.
func measureAlternating(_ bodies: [() throws -> Void]) throws -> [Sample] {
    for _ in 0..<max(5, iterations / 20) { for body in bodies { try body() } }
    let clock = ContinuousClock()
    var samples = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<iterations {
        for (index, body) in bodies.enumerated() {
            let start = clock.now
            try body()
            let elapsed = clock.now - start
            samples[index].append(
                Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
    }
    return samples.map { values in
        let sorted = values.sorted()
        return Sample(median: sorted[sorted.count / 2], mean: sorted.reduce(0, +) / Double(sorted.count))
    }
}

if htmlMode {
    try runHTMLBenchmark(iterations: iterations)
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "jobs" {
    try runBatchThroughputBenchmark(lessonCount: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 200)
    exit(0)
}

func spawnAndWait(_ executable: FilePath, quiet: Bool = false) throws {
    var configuration = SpawnConfiguration(executable: executable)
    if quiet { configuration.standardOutput = .devNull }
    let child = try ChildProcess.spawn(configuration)
    _ = try child.wait()
}

/// The host running hello-lines by itself, executed.
func startHost() throws {
    var configuration = SpawnConfiguration(executable: demoHost)
    configuration.environment[CellMode.demoVariable] = "hello-lines"
    configuration.standardOutput = .devNull
    configuration.standardError = .devNull
    let child = try ChildProcess.spawn(configuration)
    let status = try child.wait()
    precondition(status == .exited(0), "\(demoHost) did not run hello-lines")
}

// The floors of a program's start, side by side: /bin/true, a static C no-op, a static Swift program with no
// statements (the floor of any Swift child), one that prints a line, and the demo host.
let floors = try measureAlternating([
    { try spawnAndWait("/bin/true") },
    { try spawnAndWait(staticNoop) },
    { try spawnAndWait(staticSwiftEmpty) },
    { try spawnAndWait(staticSwiftHello, quiet: true) },
    startHost,
])
let (spawnFloor, staticFloor, emptySwiftFloor, swiftFloor, hostStart) = (floors[0], floors[1], floors[2], floors[3], floors[4])

var trueExecutor = CellExecutor(executable: "/bin/true")
trueExecutor.start = .executed
let trueCell = measure {
    let execution = trueExecutor.execute(demo: "x", arguments: [], timeout: .seconds(10))
    precondition(execution.termination == .exited(0))
}

func trivialCell(_ executor: CellExecutor) -> Sample {
    measure {
        let execution = executor.execute(demo: "hello-lines", arguments: [], timeout: .seconds(10))
        guard execution.termination == .exited(0), execution.output.stdout.bytes.count > 20 else {
            fatalError("the trivial cell did not run: \(execution.termination.map { "\($0)" } ?? "not started") "
                + (execution.launchFailure ?? "") + execution.output.stderr.text)
        }
    }
}
let executor = {
    var executor = CellExecutor(executable: demoHost)
    executor.start = .forkedFromHost
    return executor
}()
let cell = trivialCell(executor)
precondition(!executor.cellServerProcessIDs.isEmpty, "the cells were not forked from the host")
var executingExecutor = executor
executingExecutor.start = .executed
let executedCell = trivialCell(executingExecutor)

/// `spawn` start + join inside the demo host, as the course's `start-methods` demo reports it (ms per process).
func spawnStartInHost(processes: Int) -> Double {
    let execution = executor.execute(
        demo: "start-methods", arguments: ["--processes", String(processes)], timeout: .seconds(120))
    let line = execution.output.stdout.text.split(separator: "\n").first { $0.hasPrefix("spawn: ") }
    // "spawn: 1.23 ms per process"
    guard let line, let value = Double(line.dropFirst("spawn: ".count).prefix { $0 != " " }) else {
        fatalError("start-methods printed no spawn line: \(execution.output.stdout.text)\(execution.output.stderr.text)")
    }
    return value
}
_ = spawnStartInHost(processes: 20)
let hostSpawn = (0..<5).map { _ in spawnStartInHost(processes: max(20, iterations / 5)) }.sorted()[2]

/// `spawn` start + join in the host against the C no-op, in 9 rounds that alternate: each round runs start-methods
/// with 40 processes, then spawns the C no-op 40 times (median). The median of the rounds' ratios.
func alternatingSpawnRatio(rounds: Int = 9, processes: Int = 40) throws -> (ratio: Double, spawn: Double, noop: Double) {
    var rows: [(ratio: Double, spawn: Double, noop: Double)] = []
    for _ in 0..<rounds {
        let spawn = spawnStartInHost(processes: processes)
        let clock = ContinuousClock()
        var noops: [Double] = []
        for _ in 0..<processes {
            let start = clock.now
            let child = try ChildProcess.spawn(SpawnConfiguration(executable: staticNoop))
            _ = try child.wait()
            let elapsed = clock.now - start
            noops.append(Double(elapsed.components.attoseconds) * 1e-15 + Double(elapsed.components.seconds) * 1e3)
        }
        let noop = noops.sorted()[noops.count / 2]
        rows.append((spawn / noop, spawn, noop))
    }
    return rows.sorted { $0.ratio < $1.ratio }[rounds / 2]
}
let alternating = try alternatingSpawnRatio()

/// Runs the Python peer and reads its `NAME MEDIAN MEAN` lines.
let peer = try PythonPeer.run("cell_overhead.py", iterations: iterations)

func milliseconds(_ value: Double) -> String {
    let rounded = (value * 1000).rounded() / 1000
    return "\(rounded) ms"
}

func row(_ name: String, _ ours: Sample, _ theirs: Sample?, _ peerName: String) -> String {
    let ratio = theirs.map { "\((($0.median / ours.median) * 10).rounded() / 10)×" } ?? "–"
    return "| \(name) | \(milliseconds(ours.median)) (mean \(milliseconds(ours.mean))) | \(peerName) | "
        + "\(theirs.map { "\(milliseconds($0.median)) (mean \(milliseconds($0.mean)))" } ?? "–") | \(ratio) |"
}

print("Iterations: \(iterations) per measurement, medians (means in brackets). Ratio = peer / LessonRunner.\n")
print("| Measurement | LessonRunner | Peer | Peer time | Ratio |")
print("|---|---|---|---|---|")
print(row("spawn + wait of /bin/true", spawnFloor, peer["spawn-true"], "Python `subprocess.run(['/bin/true'])`"))
print(row("spawn + wait of a static C no-op", staticFloor, nil, "–"))
print(row("spawn + wait of a static Swift program with no statements", emptySwiftFloor, nil, "–"))
print(row("spawn + wait of a static Swift program that prints a line", swiftFloor, nil, "–"))
print(row("the demo host's start alone: `lesson-demos` running hello-lines", hostStart, nil, "–"))
print(row("the runner's own share: a cell that execs /bin/true", trueCell, nil, "–"))
print(row("one trivial cell, forked from the running host (the default): capture, teardown", cell,
          peer["python-cell"], "Python `subprocess.run` of `python3 -S -c` printing 4 lines, captured"))
print(row("one trivial cell, the host executed for it (`LESSON_CELL_START=exec`)", executedCell, peer["python-cell"],
          "the same"))
func ratio(_ value: Double, _ floor: Double) -> String { "\(((value / floor) * 100).rounded() / 100)×" }
print("\nCell overhead above the spawn floor: \(milliseconds(cell.median - spawnFloor.median)).")
print("One trivial cell / spawn + wait of /bin/true: \(ratio(cell.median, spawnFloor.median)) (target ≤ 1.5×); "
    + "executed: \(ratio(executedCell.median, spawnFloor.median)).")
print("The host's start alone / a static C no-op: \(ratio(hostStart.median, staticFloor.median)); "
    + "/ a static Swift program: \(ratio(hostStart.median, swiftFloor.median)).")
print("A static Swift program / a static C no-op: \(ratio(swiftFloor.median, staticFloor.median)); one with no "
    + "statements: \(ratio(emptySwiftFloor.median, staticFloor.median)) (the floor of any Swift child).")
print("Multiprocessing `spawn` start + join in the demo host: \(milliseconds(hostSpawn)) (median of 5 runs of "
    + "start-methods) / a static C no-op: \(ratio(hostSpawn, staticFloor.median)) (target ≤ 1.5×); / a static "
    + "Swift program: \(ratio(hostSpawn, swiftFloor.median)).")
print("The same in 9 alternating rounds (median round): \(milliseconds(alternating.spawn)) against "
    + "\(milliseconds(alternating.noop)), \(ratio(alternating.spawn, alternating.noop)).")
