import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Runs cells, each in a fresh child process: the demo host executed in `CellMode`.
///
/// The child runs in its own process group with stdin at `/dev/null`; its stdout and stderr are captured on
/// separate pipes, in arrival order, up to ``outputLimit`` bytes each. Past its timeout the cell's whole process
/// tree — children, grandchildren, and those that called `setsid` — gets SIGTERM, then SIGKILL after
/// ``terminationGrace``. Whatever a cell leaves running when it exits is ended the same way, and so is the running
/// cell when the runner gets SIGINT or SIGTERM after ``InterruptSignal/install()``. A run never leaves a process or
/// a zombie behind.
///
/// Each cell's process is the first process of a PID namespace of its own that dies with the runner
/// (``ProcessContainer/Containment/pidNamespace``): when the cell's process ends, or the runner is killed by
/// anything, even `SIGKILL`, the kernel kills every process the cell started. Where the kernel refuses
/// namespaces, or `LESSON_CONTAINMENT=process-table` asks for it, cells fall back to a `/proc` scan that works
/// only while the runner lives, and the runner says so once on stderr (``ContainmentNotice``).
///
/// Spawning goes through ``ProcessContainer`` rather than swift-subprocess because the runner must find and end
/// grandchildren (swift-subprocess stops its teardown when the direct child exits) and start the cell in a
/// namespace.
public struct CellExecutor: Sendable {
    /// The demo host: the executable that holds the demos, which calls ``DemoHost/main(demos:)`` (or
    /// `LessonTool.main(demos:)`) first thing.
    public var executable: FilePath
    /// How many bytes of each stream are kept; the rest is counted and dropped.
    public var outputLimit: Int
    /// How long processes get between SIGTERM and SIGKILL.
    public var terminationGrace: Duration
    /// Variables added to the child's environment.
    public var environment: [String: String]
    /// How a cell's processes are held together; by default a PID namespace unless `LESSON_CONTAINMENT` says
    /// `process-table`.
    public var containment: ProcessContainer.Containment
    /// How a cell's process starts: by default forked from a running copy of the host, unless
    /// `LESSON_CELL_START=exec` says otherwise.
    public var start: CellStart

    /// A runner for the demos in `executable`, by default the running executable (a `lesson` built with its demos).
    public init(
        executable: FilePath = CellExecutor.currentExecutable, outputLimit: Int = 1 << 20,
        terminationGrace: Duration = .milliseconds(500), environment: [String: String] = [:]
    ) {
        self.executable = executable
        self.outputLimit = outputLimit
        self.terminationGrace = terminationGrace
        self.environment = environment
        self.containment = ContainmentNotice.requested
        self.start = CellStart.requested
    }

    /// The running executable's path, from `/proc/self/exe`.
    public static var currentExecutable: FilePath {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return FilePath(CommandLine.arguments[0]) }
        return FilePath(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Runs a cell and judges how it ended against the lesson's `expect`.
    ///
    /// - Parameters:
    ///   - cell: The cell; a cell marked `skip` is not run.
    ///   - arguments: Arguments for the demo instead of the cell's `args=`.
    ///   - onOutput: Called with each chunk as it arrives, for streaming to a terminal; called on this thread.
    /// - Returns: The verdict, the output and how the process ended. Not being able to start the process is a
    ///   result with status ``CellStatus/error``, not a thrown error.
    public func run(
        _ cell: Cell, arguments: [String]? = nil, stop: CellStop? = nil,
        onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)? = nil
    ) -> CellResult {
        if cell.options.skip { return .skipped(cell) }
        let execution = execute(
            demo: cell.demo, arguments: arguments ?? cell.options.arguments, timeout: cell.options.timeout,
            stop: stop, onOutput: onOutput)
        return execution.judged(cellID: cell.id, expectation: cell.options.expectation)
    }

    /// Runs a demo in a child process and reports what happened, without judging it.
    ///
    /// - Parameter stop: Ends the run early, as a timeout does (the whole tree, SIGTERM then SIGKILL), when fired.
    public func execute(
        demo: String, arguments: [String], timeout: Duration, stop: CellStop? = nil,
        onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)? = nil
    ) -> DemoExecution {
        if start == .forkedFromHost && containment == .pidNamespace && ProcessContainer.namespaceFallbackReason == nil,
           let execution = executeForked(
               demo: demo, arguments: arguments, timeout: timeout, stop: stop, onOutput: onOutput) {
            return execution
        }
        return execute(
            configuration(arguments: arguments, environment: [CellMode.demoVariable: demo]), timeout: timeout,
            stop: stop, onOutput: onOutput)
    }

    /// Runs the executable as `configuration` says, capturing its stdout and stderr, and ends its whole process
    /// tree by `timeout` at the latest.
    func execute(
        _ configuration: SpawnConfiguration, timeout: Duration, stop: CellStop? = nil,
        onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)? = nil
    ) -> DemoExecution {
        let clock = ContinuousClock()
        let start = clock.now
        var configuration = configuration
        // What the cell's process reports when it is the first of its namespace (see `CellMode`).
        let report = try? FileDescriptor.pipe()
        if let report {
            configuration.inheritedDescriptors.append(report.writeEnd)
            configuration.environment[CellMode.reportVariable] =
                String(2 + configuration.inheritedDescriptors.count)
        }
        defer { try? report?.readEnd.close() }
        let container: ProcessContainer
        do {
            defer { try? report?.writeEnd.close() }
            container = try ProcessContainer.spawn(configuration, containment: containment)
            // A cell without the namespace it was meant to have, or any cell when LESSON_CONTAINMENT asked for it.
            if container.containment == .processTable
                && (containment == .pidNamespace || ContainmentNotice.requested == .processTable) {
                ContainmentNotice.noteFallback()
            }
        } catch {
            return DemoExecution(
                output: CapturedOutput(), termination: nil, timedOut: false, timeout: timeout,
                duration: clock.now - start, strayProcessesEnded: 0,
                launchFailure: "cannot start \(executable): \(error)", processID: nil, interruption: nil)
        }

        var pump = OutputPump(limit: outputLimit, onOutput: onOutput)
        if let descriptor = container.root.takeStandardOutput() { pump.add(descriptor, as: .stdout) }
        if let descriptor = container.root.takeStandardError() { pump.add(descriptor, as: .stderr) }
        defer { pump.closeAll() }

        let deadline = start + timeout
        let ending = pump.pump(
            until: deadline, exitDescriptor: container.root.exitDescriptor,
            interruptDescriptor: InterruptSignal.descriptor, stopDescriptor: stop?.descriptor, clock: clock)
        // End the tree: on timeout everything, after an exit whatever the cell left behind. Pipe buffers keep
        // what the processes wrote before they died; the drain below reads it.
        var termination: TerminationStatus?
        var strays = 0
        do {
            let teardown = try container.terminateAll(grace: terminationGrace)
            termination = teardown.rootStatus
            strays = teardown.straysTerminated + teardown.straysKilled
        } catch {
            termination = try? container.root.wait()
        }
        // Every writer is gone now, so the pipes reach end of file; the bound covers a descriptor that escaped.
        pump.pump(until: clock.now + .milliseconds(250), exitDescriptor: nil, clock: clock)
        if container.containment == .pidNamespace, let report {
            let reported = CellReport.read(report.readEnd)
            strays += reported.strays
            termination = reported.termination(termination)
        }

        return DemoExecution(
            output: pump.output, termination: termination, timedOut: ending == .deadline, timeout: timeout,
            duration: clock.now - start, strayProcessesEnded: strays, launchFailure: nil,
            processID: container.root.id.rawValue,
            interruption: ending == .interrupted ? InterruptSignal.received : nil, stopped: ending == .stopped)
    }

    /// How the executable is started: in a process group of its own, stdin at `/dev/null`, stdout and stderr on
    /// pipes, with `environment` and the executor's own variables added.
    func configuration(arguments: [String], environment added: [String: String]) -> SpawnConfiguration {
        var configuration = SpawnConfiguration(executable: executable, arguments: arguments)
        configuration.argument0 = executable.lastComponent?.string ?? "lesson"
        configuration.environment.merge(added) { _, new in new }
        configuration.environment[CellMode.parentVariable] = String(getpid())
        configuration.environment[CellMode.graceVariable] = String(
            terminationGrace.components.seconds * 1000 + terminationGrace.components.attoseconds / 1_000_000_000_000_000)
        // The crash backtracer adds ~20 ms before a crashed child exits; a lesson shows the runtime's message.
        if configuration.environment["SWIFT_BACKTRACE"] == nil {
            configuration.environment["SWIFT_BACKTRACE"] = "enable=no"
        }
        configuration.environment.merge(environment) { _, new in new }
        configuration.processGroup = .newGroup
        configuration.standardInput = .devNull
        configuration.standardOutput = .pipe
        configuration.standardError = .pipe
        return configuration
    }
}
