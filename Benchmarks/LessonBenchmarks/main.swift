// Release-mode benchmarks of the runner, side by side with a Python peer (Benchmarks/Peers/*.py), as a table.
//
//     swift build -c release --static-swift-stdlib && .build/release/lesson-benchmarks [ITERATIONS]
//     .build/release/lesson-benchmarks html [ITERATIONS]    (the HTML report; see HTMLRenderBenchmark.swift)
//
// It measures, per iteration, with warm-up first:
// - spawn floor: posix_spawn of /bin/true and wait, through the Multiprocessing spawn layer;
// - the runner's own share: CellExecutor with /bin/true as the executable (pipes, poll, /proc scan, reaping);
// - one trivial cell: the release `lesson` re-executed in cell mode for `hello-lines` (spawn, capture of stdout and
//   stderr, process-tree teardown), through `CellExecutor`, the same path `lesson run` takes.
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
let lessonExecutable = productsFolder.appending("lesson")
let packageRoot = productsFolder.removingLastComponent().removingLastComponent().removingLastComponent()

func measure(_ body: () throws -> Void) rethrows -> Sample {
    for _ in 0..<max(5, iterations / 20) { try body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    samples.sort()
    return Sample(median: samples[samples.count / 2], mean: samples.reduce(0, +) / Double(samples.count))
}

if htmlMode {
    try runHTMLBenchmark(iterations: iterations)
    exit(0)
}

let spawnFloor = try measure {
    let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/true"))
    _ = try child.wait()
}

let trueCell = try measure {
    let execution = CellExecutor(executable: "/bin/true").execute(demo: "x", arguments: [], timeout: .seconds(10))
    precondition(execution.termination == .exited(0))
}

let executor = CellExecutor(executable: lessonExecutable)
let cell = measure {
    let execution = executor.execute(demo: "hello-lines", arguments: [], timeout: .seconds(10))
    guard execution.termination == .exited(0), execution.output.stdout.bytes.count > 20 else {
        fatalError("the trivial cell did not run: \(execution.termination.map { "\($0)" } ?? "not started") "
            + (execution.launchFailure ?? "") + execution.output.stderr.text)
    }
}

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
print(row("the runner's own share: a cell that execs /bin/true", trueCell, nil, "–"))
print(row("one trivial cell: spawn, capture, teardown", cell, peer["python-cell"],
          "Python `subprocess.run` of `python3 -S -c` printing 4 lines, captured"))
print("\nCell overhead above the spawn floor: \(milliseconds(cell.median - spawnFloor.median)).")
