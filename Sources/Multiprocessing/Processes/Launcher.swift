#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Starts a child with one of the start methods: returns the parent's end of the control channel and the handle.
enum Launcher {
    static func start(_ method: StartMethod, passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> (Connection, ChildHandle) {
        switch method {
        case .spawn: try spawn(passing: descriptors, name: name)
        case .fork: try fork(passing: descriptors, name: name)
        case .forkserver: try ForkServerClient.start(passing: descriptors, name: name)
        }
    }

    /// The configuration that re-runs the executable as a child in `mode`, with `descriptors` from 3 up.
    static func childConfiguration(mode: String, descriptors: [FileDescriptor]) -> SpawnConfiguration {
        var configuration = SpawnConfiguration(executable: currentExecutable())
        configuration.environment[Handshake.childVariable] = mode
        configuration.environment[Handshake.parentVariable] = String(getpid())
        // A crashing child should end at once; Swift's backtracer would add ~20 ms.
        if configuration.environment["SWIFT_BACKTRACE"] == nil {
            configuration.environment["SWIFT_BACKTRACE"] = "enable=no"
        }
        configuration.inheritedDescriptors = descriptors
        return configuration
    }

    private static func controlPair(_ name: String) throws(MultiprocessingError) -> (FileDescriptor, FileDescriptor) {
        switch _socketPair() {
        case .success(let pair): return pair
        case .failure(let error):
            throw MultiprocessingError(.startFailed, "cannot start \(name): no control channel", underlyingError: error)
        }
    }

    private static func spawn(passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> (Connection, ChildHandle) {
        let (parentEnd, childEnd) = try controlPair(name)
        defer { _close(childEnd) }
        let configuration = childConfiguration(mode: "spawn", descriptors: [childEnd] + descriptors)
        do {
            let child = try SpawnerThread.spawn(configuration)
            return (Connection(descriptor: parentEnd, readable: true, writable: true, isSocket: true), .local(child))
        } catch {
            _close(parentEnd)
            throw MultiprocessingError(.startFailed, "cannot start \(name): \(error.message)",
                                       underlyingError: error.underlyingError)
        }
    }

    /// The number of threads of this process, from `/proc/self/stat` (field 20).
    static func threadCount() -> Int {
        guard let bytes = ProcessTable.read("/proc/self/stat"), let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return 0 }
        let fields = bytes[(close + 2)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 17 else { return 0 }
        return Int(String(decoding: fields[17], as: UTF8.self)) ?? 0
    }

    /// Refuses `fork` in a process with more than one thread.
    static func checkSingleThreaded(_ name: String) throws(MultiprocessingError) {
        let threads = threadCount()
        guard threads == 1 else {
            throw MultiprocessingError(
                .forkRefused, "cannot start \(name) with fork: this process has \(threads) threads, and Dispatch, "
                    + "Swift concurrency and locks held by other threads do not survive fork; use spawn or forkserver")
        }
    }

    private static func fork(passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> (Connection, ChildHandle) {
        try checkSingleThreaded(name)
        let (parentEnd, childEnd) = try controlPair(name)
        let parent = getpid()
        StandardStreams.flush()
        let pid = lx_fork()
        if pid == 0 {
            _close(parentEnd)
            becomeForkedChild(descriptors: [childEnd] + descriptors, parent: parent)
        }
        _close(childEnd)
        guard pid > 0 else {
            let error = _currentErrno()
            _close(parentEnd)
            throw MultiprocessingError(.startFailed, "cannot fork \(name)", underlyingError: error)
        }
        ChildRegistry.children.withLock { _ = $0.insert(pid) }
        switch _pidfdOpen(pid) {
        case .success(let processDescriptor):
            let child = ChildProcess(id: ProcessID(rawValue: pid), processGroup: nil,
                                     processDescriptor: processDescriptor, standardInput: nil, standardOutput: nil,
                                     standardError: nil)
            return (Connection(descriptor: parentEnd, readable: true, writable: true, isSocket: true), .local(child))
        case .failure(let error):
            _ = _kill(pid, .kill)
            _ = ChildRegistry.reapBlocking(pid)
            _close(parentEnd)
            throw MultiprocessingError(.startFailed, "cannot open a pidfd for \(name)", underlyingError: error)
        }
    }

    /// In a freshly forked child: moves `descriptors` to 3, 4, …, closes every other descriptor from 3 up, forgets
    /// the parent's children, ties its life to `parent`, and runs the request. Never returns.
    static func becomeForkedChild(descriptors: [FileDescriptor], parent: Int32) -> Never {
        arrange(descriptors.map(\.rawValue))
        ChildTable.resetAfterFork()
        ForkServerClient.resetAfterFork()
        ParentDeath.deliver(.kill, expectedParent: parent)
        ChildEntry.run(control: FileDescriptor(rawValue: Handshake.controlDescriptor))
    }

    /// Duplicates `sources` to 3, 4, … (without close-on-exec) and closes every other descriptor from 3 up.
    private static func arrange(_ sources: [Int32]) {
        let count = Int32(sources.count)
        let above = max(3 + count, (sources.max() ?? 0) + 1)
        let temporaries = sources.map { fcntl($0, F_DUPFD_CLOEXEC, above) }
        for (index, temporary) in temporaries.enumerated() {
            precondition(temporary >= 0 && dup2(temporary, 3 + Int32(index)) >= 0, "cannot arrange descriptors")
        }
        _ = lx_close_range(UInt32(3 + count), UInt32.max, 0)
    }
}
