#if canImport(Glibc)
import Glibc
#endif

/// The name and ID of a process in the tree of a ``Process`` program, as ``currentProcess()`` and
/// ``parentProcess()`` describe it.
public struct ProcessDescription: Hashable, Sendable, CustomStringConvertible {
    /// `MainProcess` for the program the user started, the ``Process/name`` in a child.
    public var name: String
    /// The process's ID.
    public var pid: ProcessID
    /// Whether the process is a daemonic child.
    public var daemon: Bool

    /// `Process-1 (pid 4242)`.
    public var description: String { "\(name) (pid \(pid))" }
}

/// This process's own identity: set from the handshake in a child.
enum CurrentIdentity {
    struct State {
        var name = "MainProcess"
        var daemon = false
        var parent: ProcessDescription?
        var isChild = false
        var started = 0
    }

    nonisolated(unsafe) private static var state = State()
    private static let lock = _PthreadLock()

    static func withState<T>(_ body: (inout State) -> T) -> T {
        lock.withLock { body(&state) }
    }

    /// The next default name: `Process-N` in the main process, `Process-M:N` in the child `Process-M`.
    static func nextName() -> String {
        withState { state in
            state.started += 1
            if state.isChild, state.name.hasPrefix("Process-") {
                return "\(state.name):\(state.started)"
            }
            return "Process-\(state.started)"
        }
    }
}

/// This process as ``Process`` sees it: `MainProcess` in the program the user started, the child's ``Process/name``
/// in a child. As Python's `multiprocessing.current_process()`.
public func currentProcess() -> ProcessDescription {
    CurrentIdentity.withState { ProcessDescription(name: $0.name, pid: .current, daemon: $0.daemon) }
}

/// The process that started this one, in a child; `nil` in the main process. As Python's
/// `multiprocessing.parent_process()`.
public func parentProcess() -> ProcessDescription? {
    CurrentIdentity.withState { $0.parent }
}
