import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of the runner while a cell runs: the kernel ends everything the cell started, because the cell is the
/// first process of a PID namespace that dies with the runner. Nothing of the runner's own teardown runs here.
@Suite("A killed runner leaves nothing behind")
struct RunnerDeathTests {
    /// A cell that keeps processes alive until it is ended, and how many processes it has by then (itself
    /// included).
    struct RunningCell: CustomTestStringConvertible, Sendable {
        var name: String
        var cell: String
        var processes: Int
        var testDescription: String { name }
    }

    static let cells = [
        RunningCell(name: "a grandchild that ignores SIGTERM", cell: "demo=grandchild", processes: 2),
        RunningCell(name: "a grandchild in a session of its own", cell: "demo=grandchild args=--setsid", processes: 2),
        RunningCell(name: "a double fork", cell: "demo=grandchild args=--double-fork", processes: 2),
        RunningCell(name: "a pool of workers", cell: "demo=pool-wait", processes: 3),
    ]

    /// How the runner is started on the lesson folder.
    static let commands: [[String]] = [
        ["run", "running.md"], ["check", "--jobs", "2", "."], ["render", ".", "--output", "report"],
    ]

    @Test(arguments: cells, commands)
    func sigkillOfTheRunnerEndsTheCellsProcesses(cell: RunningCell, command: [String]) throws {
        let folder = try TemporaryFolder()
        try folder.write("running.md", "# Running\n\n```swift \(cell.cell) timeout=60s\n```\n")
        let tag = ProcessCensus.newTag()
        let runner = try Self.startRunner(command, in: folder.path, tag: tag)
        defer { ProcessCensus.killTagged(tag) }

        let started = Self.waitForTagged(tag, count: cell.processes, runner: runner.id.rawValue)
        #expect(started.count >= cell.processes, "the cell's processes were running: \(started)")
        try runner.send(.kill)
        _ = try runner.wait()

        let left = ProcessCensus.waitUntilNoneTagged(tag, timeout: .seconds(1))
        #expect(left.isEmpty, "processes \(left) outlived the killed runner by 1 s")
        ProcessCensus.reapOrphans()
    }


    /// With `LESSON_CONTAINMENT=process-table`, as where the kernel refuses namespaces: the run says so once on
    /// stderr, cells still run and their leftovers are still ended while the runner lives, but a process that
    /// left the session outlives a killed runner (the documented limit of the fallback).
    @Test func theForcedFallbackSaysSoAndEndsLeftoversOnlyWhileTheRunnerLives() throws {
        let folder = try TemporaryFolder()
        try folder.write(
            "leftovers.md",
            "# Leftovers\n\n```swift demo=grandchild args=--exit id=one\n```\n\n"
                + "```swift demo=grandchild args=--exit id=two\n```\n")
        let tag = ProcessCensus.newTag()
        defer { ProcessCensus.killTagged(tag) }
        let run = try CommandRun.run(
            BuiltExecutables.fixtures, ["run", "leftovers.md"], in: folder.path,
            environment: [ProcessCensus.tagVariable: tag, "LESSON_CONTAINMENT": "process-table"])
        let (output, errors) = (run.standardOutput, run.standardError)
        let notes = errors.split(separator: "\n").filter { $0.contains("without a PID namespace") }
        #expect(notes.count == 1, "one note per run: \(errors)")
        #expect(notes.first?.contains("LESSON_CONTAINMENT=process-table") == true)
        #expect(output.components(separatedBy: "ended 1 leftover process").count == 3, "\(output)")
        #expect(ProcessCensus.waitUntilNoneTagged(tag).isEmpty)

        try folder.write("running.md", "# Running\n\n```swift demo=grandchild args=--setsid timeout=60s\n```\n")
        let runner = try Self.startRunner(
            ["run", "running.md"], in: folder.path, tag: tag, environment: ["LESSON_CONTAINMENT": "process-table"])
        #expect(Self.waitForTagged(tag, count: 2, runner: runner.id.rawValue).count >= 2)
        try runner.send(.kill)
        _ = try runner.wait()
        usleep(300_000)
        #expect(!ProcessCensus.tagged(tag).isEmpty, "without a namespace the escaped grandchild outlives the runner")
        ProcessCensus.killTagged(tag)
        _ = ProcessCensus.waitUntilNoneTagged(tag)
        ProcessCensus.reapOrphans()
    }

    static func startRunner(
        _ arguments: [String], in folder: FilePath, tag: String, environment: [String: String] = [:]
    ) throws -> ChildProcess {
        var configuration = SpawnConfiguration(executable: BuiltExecutables.fixtures, arguments: arguments)
        configuration.workingDirectory = folder
        configuration.environment[ProcessCensus.tagVariable] = tag
        configuration.environment.merge(environment) { _, new in new }
        configuration.standardOutput = .devNull
        configuration.standardError = .devNull
        return try ChildProcess.spawn(configuration)
    }

    /// Waits up to 20 s until at least `count` processes carry `tag`, besides the runner and the hosts it forks
    /// cells from.
    static func waitForTagged(_ tag: String, count: Int, runner: Int32) -> [Int32] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while true {
            let found = ProcessCensus.tagged(tag, excluding: ProcessCensus.runnerAndCellServers(runner))
            if found.count >= count || clock.now >= deadline { return found }
            usleep(10_000)
        }
    }
}
