import LessonRunner
import LessonTestSupport
import Multiprocessing
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Cells run by re-executing `lesson-fixtures`, whose demos misbehave on purpose.
@Suite("CellExecutor")
struct CellExecutorTests {
    let executor = CellExecutor(executable: BuiltExecutables.fixtures, terminationGrace: .milliseconds(200))

    /// How a cell is held and started: forked from a host kept running, in a PID namespace (the default);
    /// executed anew in a PID namespace; executed with the process-table fallback.
    struct Isolation: Sendable, CustomTestStringConvertible {
        var containment: ProcessContainer.Containment
        var start: CellStart
        var testDescription: String { "\(containment), \(start)" }

        static let forked = Isolation(containment: .pidNamespace, start: .forkedFromHost)
        static let executed = Isolation(containment: .pidNamespace, start: .executed)
        static let processTable = Isolation(containment: .processTable, start: .executed)
        static let all = [forked, executed, processTable]
    }

    /// Runs a demo with a fresh test tag in its environment, and checks that nothing carrying the tag is left
    /// but the host that forks cells, and that nothing is left once that host is stopped.
    func execute(
        _ demo: String, _ arguments: [String] = [], timeout: Duration = .seconds(20),
        isolation: Isolation = .forked
    ) -> DemoExecution {
        let tag = ProcessCensus.newTag()
        var executor = executor
        executor.containment = isolation.containment
        executor.start = isolation.start
        executor.environment[ProcessCensus.tagVariable] = tag
        let execution = executor.execute(demo: demo, arguments: arguments, timeout: timeout)
        if let pid = execution.processID {
            #expect(ProcessCensus.waitUntilGone([pid], timeout: .zero).isEmpty, "the cell's process was not reaped")
        }
        let servers = executor.cellServerProcessIDs
        #expect(servers.isEmpty == (isolation.start == .executed), "a host forks the cells if and only if asked")
        let left = ProcessCensus.waitUntilNoneTagged(tag, excluding: Set(servers))
        #expect(left.isEmpty, "processes \(left) of the cell were left running")
        executor.stopCellServer()
        let afterServer = ProcessCensus.waitUntilNoneTagged(tag)
        #expect(afterServer.isEmpty, "processes \(afterServer) were left running after the host stopped")
        ProcessCensus.killTagged(tag)
        return execution
    }

    @Test func capturesStandardOutputOfAPassingCell() {
        let execution = execute("hello-lines", ["2"])
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text == "Hello from a child process!\nline 1 of 2\nline 2 of 2\n")
        #expect(execution.output.stderr.isEmpty)
        #expect(!execution.timedOut)
        #expect(execution.judged(cellID: "c", expectation: .success).status == .passed)
    }

    @Test func keepsStandardErrorApartAndJudgesTheExitCode() {
        let execution = execute("stderr-exit")
        #expect(execution.termination == .exited(3))
        #expect(execution.output.stdout.text == "checking the input...\n")
        #expect(execution.output.stderr.text == "warning: the input is empty\n")
        let failed = execution.judged(cellID: "c", expectation: .success)
        #expect(failed.status == .error, "an unexpected exit is an error; failed means an output mismatch")
        #expect(failed.detail == "exit 3, expected success")
        #expect(execution.judged(cellID: "c", expectation: .exitCode(3)).status == .passed)
        #expect(execution.judged(cellID: "c", expectation: .failure).status == .passed)
        #expect(execution.judged(cellID: "c", expectation: .exitCode(4)).status == .error)
    }

    @Test func recordsTheOrderInWhichChunksArrived() {
        let execution = execute("interleave")
        let order = execution.output.chunks.map { chunk in
            String(decoding: execution.output[chunk.stream].bytes[chunk.range], as: UTF8.self)
        }
        #expect(order.joined() == "out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3\n")
        #expect(String(decoding: execution.output.interleaved, as: UTF8.self) == order.joined())
    }

    @Test func aDemoStartsAProcessThatReRunsTheLessonExecutable() {
        let execution = execute("process-square", ["9"])
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text == "squaring 9 in squarer\n9² = 81\n")
    }

    @Test func passesArgumentsExactly() {
        let execution = execute("echo-args", ["two words", "", "--flag", "ünïcode"])
        #expect(execution.output.stdout.text == "[two words]\n[]\n[--flag]\n[ünïcode]\n")
    }

    @Test func timeoutKeepsTheOutputPrintedSoFar() {
        let execution = execute("sleeper", timeout: .milliseconds(300))
        #expect(execution.timedOut)
        #expect(execution.termination == .signaled(.terminate))
        #expect(execution.output.stdout.text == "going to sleep for 60 s\n")
        #expect(execution.duration < .seconds(5))
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(result.status == .timedOut)
        #expect(execution.judged(cellID: "c", expectation: .timeout).status == .passed)
    }

    @Test func aCellThatEndsBeforeAnExpectedTimeoutFails() {
        let result = execute("hello-lines").judged(cellID: "c", expectation: .timeout)
        #expect(result.status == .error, "an exit the lesson does not expect is an error")
    }

    @Test(arguments: Isolation.all)
    func timeoutKillsAGrandchildThatIgnoresSIGTERM(isolation: Isolation) throws {
        let execution = execute("grandchild", timeout: .milliseconds(1500), isolation: isolation)
        #expect(execution.timedOut)
        #expect(execution.termination == .signaled(.terminate), "the cell's own process ends by the SIGTERM")
        #expect(Self.grandchildPID(in: execution) != nil, "the grandchild started (the census after the run is empty)")
        #expect(execution.strayProcessesEnded >= 1)
    }

    @Test(arguments: Isolation.all, [["--setsid"], ["--double-fork"], ["--setsid", "--double-fork"]])
    func timeoutKillsAGrandchildThatEscaped(isolation: Isolation, arguments: [String]) throws {
        let execution = execute("grandchild", arguments, timeout: .milliseconds(1500), isolation: isolation)
        #expect(execution.timedOut)
        #expect(Self.grandchildPID(in: execution) != nil, "the grandchild started (the census after the run is empty)")
    }

    @Test(arguments: Isolation.all, [["--exit"], ["--exit", "--setsid"], ["--exit", "--double-fork"]])
    func endsWhatACellLeavesRunningAfterItExits(
        isolation: Isolation, arguments: [String]
    ) throws {
        let execution = execute("grandchild", arguments, isolation: isolation)
        #expect(!execution.timedOut)
        #expect(execution.termination == .exited(0))
        #expect(Self.grandchildPID(in: execution) != nil, "the grandchild started (the census after the run is empty)")
        #expect(execution.strayProcessesEnded == 1)
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(result.status == .passed)
        #expect(StatusLine.text(for: result).contains("ended 1 leftover process"))
    }

    @Test func aCellIsTheFirstProcessOfANamespaceOfItsOwn() {
        let execution = execute("whoami")
        let ids = "user \(getuid()) group \(getgid())\n"
        #expect(execution.output.stdout.text == "pid 1\nprocesses 1\n" + ids, "its own ids and its own /proc")
        let executed = execute("whoami", isolation: .executed)
        #expect(executed.output.stdout.text == "pid 1\nprocesses 1\n" + ids)
        let fallback = execute("whoami", isolation: .processTable)
        #expect(fallback.output.stdout.text.hasPrefix("pid ") && !fallback.output.stdout.text.hasPrefix("pid 1\n"))
    }

    @Test func reportsACrashWithItsSignal() {
        let execution = execute("crash")
        guard case .signaled = execution.termination else {
            Issue.record("expected a signal, got \(String(describing: execution.termination))")
            return
        }
        #expect(execution.output.stdout.text == "about to read a value that is not there\n")
        #expect(execution.output.stderr.text.contains("Fatal error"))
        #expect(execution.judged(cellID: "c", expectation: .success).status == .error)
        #expect(execution.judged(cellID: "c", expectation: .crash).status == .passed)
    }

    @Test func anErrorThrownByADemoIsPrintedAndExitsWithOne() {
        let execution = execute("throws")
        #expect(execution.termination == .exited(1))
        #expect(execution.output.stderr.text == "error: the demo gave up\n")
    }

    @Test func keepsInvalidUTF8Visible() {
        let execution = execute("invalid-utf8")
        #expect(execution.output.stdout.bytes == [0x6F, 0x6B, 0x20, 0xFF, 0xFE, 0x20, 0xC3, 0x0A])
        #expect(execution.output.stdout.hasInvalidUTF8)
        #expect(execution.output.stdout.text == "ok \u{FFFD}\u{FFFD} \u{FFFD}\n")
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(StatusLine.text(for: result).contains("stdout has invalid UTF-8"))
    }

    @Test func boundsAnOutputFloodAndSaysSo() {
        let limited = CellExecutor(executable: BuiltExecutables.fixtures, outputLimit: 100_000)
        let execution = limited.execute(demo: "flood", arguments: ["8"], timeout: .seconds(20))
        #expect(execution.termination == .exited(0), "the flood must not block the child")
        #expect(execution.output.stdout.bytes.count == 100_000)
        #expect(execution.output.stdout.droppedByteCount == 8 * 1024 * 1024 - 100_000)
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(StatusLine.text(for: result).contains("stdout cut after 97 KiB (7.9 MiB more not shown)"))
    }

    @Test func aCellThatClosesStdoutEarlyStillRunsToTheEnd() {
        let execution = execute("close-stdout")
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text == "before closing\n")
        #expect(execution.output.stderr.text == "still running after closing stdout\n")
    }

    @Test func anUnknownDemoInTheChildExitsWith127() {
        let execution = execute("no-such-demo")
        #expect(execution.termination == .exited(127))
        #expect(execution.output.stderr.text.contains("no demo named 'no-such-demo'"))
    }

    @Test func aMissingExecutableIsAnErrorResultNotACrash() {
        let missing = CellExecutor(executable: "/nonexistent/lesson")
        let execution = missing.execute(demo: "hello-lines", arguments: [], timeout: .seconds(1))
        #expect(execution.termination == nil)
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(result.status == .error)
        #expect(result.detail?.contains("/nonexistent/lesson") == true)
    }

    @Test func aSkippedCellDoesNotRun() throws {
        let lesson = try LessonParser(demos: Self.demoNames).parse(
            Array("```swift demo=hello-lines skip\n```\n".utf8), path: "skip.md")
        let result = executor.run(lesson.cells[0])
        #expect(result.status == .skipped)
        #expect(result.termination == nil)
    }

    static let demoNames = DemoRegistry(["hello-lines", "sleeper"].map { Demo($0, summary: "") { _ in 0 } })

    static func grandchildPID(in execution: DemoExecution) -> Int32? {
        execution.output.stdout.text.split(separator: "\n").first { $0.hasPrefix("grandchild ") }
            .flatMap { Int32($0.dropFirst("grandchild ".count)) }
    }
}
