#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import SystemPackage
import Testing

/// What a finished child printed and how it ended.
struct Finished {
    var status: TerminationStatus
    var output: String
    var error: String
}

/// Reads `descriptor` until end of file, then closes it.
func readAll(_ descriptor: FileDescriptor) throws -> String {
    defer { try? descriptor.close() }
    return try readToEnd(descriptor)
}

/// Reads one line from `descriptor`, without its newline, and leaves it open.
func readLine(_ descriptor: FileDescriptor) throws -> String {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while try withUnsafeMutableBytes(of: &byte, { try descriptor.read(into: $0) }) == 1, byte != 10 {
        bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Reads `descriptor` until end of file and leaves it open.
func readToEnd(_ descriptor: FileDescriptor) throws -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
        if count == 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Runs `configuration` with standard output and error piped (small outputs only), and waits for it.
func run(_ configuration: SpawnConfiguration) throws -> Finished {
    var configuration = configuration
    configuration.standardOutput = .pipe
    configuration.standardError = .pipe
    let child = try ChildProcess.spawn(configuration)
    let output = try readAll(try #require(child.takeStandardOutput()))
    let error = try readAll(try #require(child.takeStandardError()))
    return Finished(status: try child.wait(), output: output, error: error)
}

/// Runs `/bin/sh -c script`.
func shell(_ script: String, configure: (inout SpawnConfiguration) -> Void = { _ in }) throws -> Finished {
    var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", script])
    configure(&configuration)
    return try run(configuration)
}

/// A configuration for `/bin/sh -c script` whose output goes nowhere.
func quietShell(_ script: String) -> SpawnConfiguration {
    var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", script])
    configuration.standardOutput = .devNull
    configuration.standardError = .devNull
    return configuration
}

/// A process as seen at one moment: it is "the same process" later only with the same start time.
struct ProcessIdentity: Hashable, CustomStringConvertible {
    var id: Int32
    var startTime: UInt64

    init?(_ id: ProcessID) {
        guard let stat = ProcessTable.stat(of: id.rawValue) else { return nil }
        self.id = id.rawValue
        self.startTime = stat.startTime
    }

    /// Whether the process still exists, zombie or not.
    var exists: Bool { ProcessTable.stat(of: id)?.startTime == startTime }
    /// Whether it exists and has not exited.
    var isAlive: Bool { ProcessTable.stat(of: id).map { $0.startTime == startTime && !$0.isZombie } ?? false }
    /// Its command name, such as `sleep`.
    var command: String {
        guard let bytes = ProcessTable.read("/proc/\(id)/comm") else { return "" }
        return String(decoding: bytes, as: UTF8.self).trimmingNewline
    }

    var description: String { "\(id)(\(command))" }
}

extension String {
    var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
        nanosleep(&pause, nil)
    }
}

/// Zombie children of this process that no ChildProcess will reap. Other tests running in parallel may briefly
/// leave one (an orphan that just died), so the check allows a short while for them to go.
func expectNoUnclaimedZombies(sourceLocation: SourceLocation = #_sourceLocation) {
    let me = getpid()
    func unclaimed() -> [Int32] {
        let registered = ChildRegistry.snapshot()
        return ProcessTable.all().filter { $0.parent == me && $0.isZombie && !registered.contains($0.id) }.map(\.id)
    }
    let clean = eventually(timeout: .seconds(2)) { unclaimed().isEmpty }
    #expect(clean, "zombie children left: \(unclaimed())", sourceLocation: sourceLocation)
}

/// Expects each process to be gone: neither running nor a zombie.
func expectGone(_ processes: some Sequence<ProcessIdentity>, sourceLocation: SourceLocation = #_sourceLocation) {
    for process in processes {
        #expect(!process.exists, "process \(process) is still there", sourceLocation: sourceLocation)
    }
}

/// Descriptors a test opened, each closed exactly once, the rest at the end of the test.
///
/// Closing a number twice is not harmless while tests run in parallel: between the two calls another test may
/// have been given that number for a descriptor of its own, and the second close takes it away from under it.
final class OpenedDescriptors {
    private var open: [FileDescriptor] = []

    /// A new pipe, both ends tracked.
    func pipe() throws -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        let ends = try FileDescriptor.pipe()
        open += [ends.readEnd, ends.writeEnd]
        return ends
    }

    /// Tracks `descriptor` from now on.
    func adopt(_ descriptor: FileDescriptor) -> FileDescriptor {
        open.append(descriptor)
        return descriptor
    }

    /// Closes `descriptor` now; it is no longer tracked.
    func close(_ descriptor: FileDescriptor) throws {
        guard let index = open.firstIndex(of: descriptor) else {
            Issue.record("descriptor \(descriptor.rawValue) is not open here")
            return
        }
        open.remove(at: index)
        try descriptor.close()
    }

    /// Reads `descriptor` until end of file, then closes it.
    func readAllAndClose(_ descriptor: FileDescriptor) throws -> String {
        let text = try readToEnd(descriptor)
        try close(descriptor)
        return text
    }

    deinit {
        for descriptor in open { try? descriptor.close() }
    }
}
