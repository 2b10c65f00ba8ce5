#if canImport(Glibc)
import Glibc
#endif

/// The processes this process started and has not seen finish, as Python's `_children`: for
/// ``activeChildren()`` and for the clean-up at exit.
///
/// At exit (normal exit of the main process, or the end of a child's function) daemonic children are terminated
/// and every child is joined, as Python does. A process killed by a signal skips this; its children die through
/// the parent-death signal.
enum ChildTable {
    nonisolated(unsafe) private static var children: [Process] = []
    nonisolated(unsafe) private static var exitHandlerInstalled = false
    private static let lock = _PthreadLock()

    static func add(_ process: Process) {
        let install = lock.withLock {
            children.append(process)
            defer { exitHandlerInstalled = true }
            return !exitHandlerInstalled
        }
        if install {
            atexit { ChildTable.finishAtExit() }
        }
    }

    /// The children that still run; finished ones are dropped (and reaped).
    static func active() -> [Process] {
        let all = lock.withLock { children }
        let alive = all.filter(\.isAlive)
        lock.withLock { children.removeAll { process in !alive.contains { $0 === process } } }
        return alive
    }

    /// Forgets every child: in a forked child, whose table is a copy of the parent's. The copies are leaked on
    /// purpose: their descriptors are already closed in the child, and their `deinit` would close them again.
    static func resetAfterFork() {
        for child in children { _ = Unmanaged.passRetained(child) }
        children = []
    }

    /// Forgets a child that has ended and been joined.
    static func remove(_ process: Process) {
        lock.withLock { children.removeAll { $0 === process } }
    }

    /// Terminates daemonic children, joins all children, then stops this process's fork server and reaps it (a
    /// server left to stop on its own would become a zombie of whoever adopts it).
    static func finishAtExit() {
        let all = lock.withLock { defer { children = [] }; return children }
        for process in all where process.daemon {
            try? process.terminate()
        }
        for process in all {
            _ = try? process.join()
        }
        ForkServerClient.shutdown()
    }
}

/// The children this process started that are still running; finished children are reaped on the way. As
/// Python's `multiprocessing.active_children()`.
public func activeChildren() -> [Process] {
    ChildTable.active()
}
