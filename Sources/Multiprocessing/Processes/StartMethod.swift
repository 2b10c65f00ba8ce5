import SystemPackage

/// How a ``Process`` starts its child, as Python's start methods.
public enum StartMethod: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The default: `posix_spawn` of the executable (see ``setExecutable(_:)``), which calls
    /// ``bootstrap(_:)-([RegisteredFunction])``,
    /// reads its request over an inherited descriptor, and runs the function. Safe whatever this process's threads
    /// are doing; costs one program start (~1.5 ms for a static release build).
    case spawn
    /// `fork` of this process. Fast, but refused with ``MultiprocessingError/Code/forkRefused`` once this process
    /// has more than one thread: Dispatch, Swift concurrency and locks held by other threads do not survive a fork.
    case fork
    /// A fork server: a single-threaded copy of the executable, spawned on first use, that forks children on
    /// request. Fast starts without fork's hazards. See ``shutdownForkServer()``.
    case forkserver

    /// `spawn`, `fork` or `forkserver`.
    public var description: String { rawValue }
}

/// Where ``Process`` objects take their start method from, as Python's `multiprocessing.get_context()`.
///
/// ```swift
/// let context = getContext(.forkserver)
/// let process = Process(target: work, arguments: 1, context: context)
/// ```
public struct Context: Sendable, Hashable {
    /// `nil` follows ``setStartMethod(_:)``.
    private let fixedMethod: StartMethod?

    init(_ method: StartMethod?) {
        fixedMethod = method
    }

    /// The context that follows ``setStartMethod(_:)`` (``StartMethod/spawn`` unless set).
    public static let `default` = Context(nil)

    /// The start method processes of this context use.
    public var startMethod: StartMethod { fixedMethod ?? ContextSettings.defaultMethod.withLock { $0 } }
}

/// A context whose processes start with `method`; `nil` is ``Context/default``. As Python's `get_context`.
public func getContext(_ method: StartMethod? = nil) -> Context {
    Context(method)
}

/// The start method of ``Context/default``, as Python's `get_start_method()`: ``StartMethod/spawn`` unless
/// ``setStartMethod(_:)`` said otherwise, and in a child the method that started it.
public func getStartMethod() -> StartMethod {
    ContextSettings.defaultMethod.withLock { $0 }
}

/// Sets the start method of ``Context/default``. As Python's `set_start_method` (which may be called more than
/// once here).
public func setStartMethod(_ method: StartMethod) {
    ContextSettings.defaultMethod.withLock { $0 = method }
}

/// The executable a child re-runs for ``StartMethod/spawn`` and ``StartMethod/forkserver``: `nil` (the default) is
/// this executable (`/proc/self/exe`). Set it when the running executable does not call
/// ``bootstrap(_:)-([RegisteredFunction])`` — under
/// `swift test` the running executable is the test runner, so tests name a worker executable. As Python's
/// `set_executable`.
public func setExecutable(_ executable: FilePath?) {
    ContextSettings.executable.withLock { $0 = executable }
}

/// The executable children re-run; see ``setExecutable(_:)``.
public func currentExecutable() -> FilePath {
    ContextSettings.executable.withLock { $0 } ?? FilePath("/proc/self/exe")
}

enum ContextSettings {
    static let defaultMethod = ForkSafeMutex(StartMethod.spawn)
    static let executable = ForkSafeMutex<FilePath?>(nil)
}
