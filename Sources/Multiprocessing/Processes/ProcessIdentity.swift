#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// The name and ID of a process in the tree of a ``Process`` program, as ``currentProcess()`` and
/// ``parentProcess()`` describe it.
public struct ProcessDescription: Hashable, Sendable, CustomStringConvertible {
    /// `MainProcess` for the program the user started, the ``Process/name`` in a child.
    public var name: String
    /// The process's ID.
    public var pid: ProcessID
    /// Whether the process is a daemonic child.
    public var daemon: Bool

    /// The process's ID, under Python's other name for it (`ident`).
    public var ident: ProcessID { pid }

    /// Whether the process is running: always true for ``currentProcess()``; for ``parentProcess()``, whether the
    /// parent has not exited (as Python's `parent_process().is_alive()`).
    public var isAlive: Bool {
        if pid == .current { return true }
        // Signal 0 checks that the process exists; a parent that exited leaves this child to another reaper, so
        // the parent's id is not ours to see again unless it was reused, which the parent-death signal makes moot.
        return Glibc.kill(pid.rawValue, 0) == 0 || errno == EPERM
    }

    /// The exit code of a process that has ended: always `nil` for ``currentProcess()`` and
    /// ``parentProcess()``, which describe running processes (Python's `exitcode` is `None` for them too).
    public var exitCode: Int32? { nil }

    /// The authentication key of the process tree, as Python's `current_process().authkey`: 32 random bytes made
    /// in the main process and inherited by every child, the default key of a `Manager` and its clients.
    public var authkey: [UInt8] { CurrentIdentity.withState { $0.authkey } }

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
        /// This process's place in the tree, as Python's `_identity`: empty in the main process, `[1]` for its
        /// first child, `[1, 2]` for that child's second, …
        var identity: [Int] = []
        /// How many ``Process`` objects this process has created.
        var created = 0
        /// The tree's authentication key: made here in the main process, taken from the parent in a child.
        var authkey: [UInt8] = CurrentIdentity.randomKey()
    }

    /// 32 random bytes from the kernel, in one `getrandom` call: a forked cell takes a key of its own at every
    /// start, where one call per byte cost 32 system calls.
    static func randomKey() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        let filled = bytes.withUnsafeMutableBytes { lx_fill_random($0.baseAddress, UInt($0.count)) == 0 }
        if !filled {
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }

    nonisolated(unsafe) private static var state = State()
    private static let lock = _PthreadLock()

    static func withState<T>(_ body: (inout State) -> T) -> T {
        lock.withLock { body(&state) }
    }

    /// The identity of a ``Process`` created now: this process's identity and the next number, counted from 1 at
    /// creation as Python does.
    static func nextIdentity() -> [Int] {
        withState { state in
            state.created += 1
            return state.identity + [state.created]
        }
    }

    /// Python's default name for a process of this identity: `Process-1`, `Process-1:2`, …
    static func defaultName(_ identity: [Int]) -> String {
        "Process-" + identity.map(String.init).joined(separator: ":")
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
