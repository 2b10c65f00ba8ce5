#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Starts a child with one of the start methods: returns the parent's end of the control channel and the handle.
enum Launcher {
    /// The largest request sent before the child exists: it must fit in the control socket's buffer (about
    /// 200 KiB on Linux), or the send would wait for a reader that is not there yet.
    static let earlyRequestLimit = 32 * 1024

    /// Starts a child with `method` and hands it `request` on the control channel. A request that fits in the
    /// socket's buffer is sent before the child is started, so the child finds it at its first read; a larger
    /// one once it runs.
    static func start(_ method: StartMethod, passing descriptors: [FileDescriptor], name: String,
                      request: StartRequest) throws(MultiprocessingError) -> (Connection, ChildHandle) {
        let (parentEnd, childEnd) = try controlPair(name)
        let control = Connection(descriptor: parentEnd, readable: true, writable: true, isSocket: true)
        let frame = request.encoded()
        let sentEarly = frame.count <= earlyRequestLimit && (try? control.sendBytes(frame)) != nil
        let handle: ChildHandle
        do throws(MultiprocessingError) {
            defer { _close(childEnd) }
            switch method {
            case .spawn: handle = try spawn(control: childEnd, passing: descriptors, name: name)
            case .fork: handle = try fork(control: childEnd, parentEnd: parentEnd, passing: descriptors, name: name)
            case .forkserver:
                handle = try ForkServerClient.start(control: childEnd, passing: descriptors, name: name)
            }
        } catch {
            control.close()
            throw error
        }
        if !sentEarly {
            // A child that died before reading its request: join reports how.
            _ = try? control.sendBytes(frame)
        }
        return (control, handle)
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

    private static func spawn(control: FileDescriptor, passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> ChildHandle {
        let configuration = childConfiguration(mode: "spawn", descriptors: [control] + descriptors)
        do {
            return .local(try SpawnerThread.spawn(configuration))
        } catch {
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

    private static func fork(control: FileDescriptor, parentEnd: FileDescriptor, passing descriptors: [FileDescriptor],
                             name: String) throws(MultiprocessingError) -> ChildHandle {
        try checkSingleThreaded(name)
        let parent = getpid()
        StandardStreams.flush()
        let pid = lx_fork()
        if pid == 0 {
            _close(parentEnd)
            becomeForkedChild(descriptors: [control] + descriptors, parent: parent)
        }
        guard pid > 0 else {
            throw MultiprocessingError(.startFailed, "cannot fork \(name)", underlyingError: _currentErrno())
        }
        ChildRegistry.children.withLock { _ = $0.insert(pid) }
        switch _pidfdOpen(pid) {
        case .success(let processDescriptor):
            return .local(ChildProcess(id: ProcessID(rawValue: pid), processGroup: nil,
                                       processDescriptor: processDescriptor, standardInput: nil,
                                       standardOutput: nil, standardError: nil))
        case .failure(let error):
            _ = _kill(pid, .kill)
            _ = ChildRegistry.reapBlocking(pid)
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
