#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A running (or finished) child process, started with ``spawn(_:)``. All members are safe to use from any
/// thread.
///
/// ```swift
/// var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", "echo hello; exit 3"])
/// configuration.standardOutput = .pipe
/// let child = try ChildProcess.spawn(configuration)
/// let output = child.takeStandardOutput()!   // read it (with poll) until end of file, then close it
/// let status = try child.wait()              // .exited(3)
/// ```
///
/// The child is reaped exactly once, by ``wait()``, ``wait(timeout:)`` or ``poll()``; the status is then cached.
/// If the last reference goes away before that, `deinit` sends `SIGKILL` and reaps the child (blocking until
/// it has died), so a forgotten child never outlives its ``ChildProcess`` nor stays a zombie. Keep the
/// ``ChildProcess`` and wait for it if the child should run to completion.
public final class ChildProcess: Sendable {
    /// The child's process ID. It stays this child's until the child is reaped.
    public let id: ProcessID
    /// The group the child leads: equal to ``id`` for ``ProcessGroupPolicy/newGroup`` and
    /// ``ProcessGroupPolicy/newSession``, `nil` for ``ProcessGroupPolicy/inherit``.
    public let processGroup: ProcessID?

    private let processDescriptor: FileDescriptor
    private let state: ForkSafeMutex<State>

    private struct State: Sendable {
        var standardInput: FileDescriptor?
        var standardOutput: FileDescriptor?
        var standardError: FileDescriptor?
        var status: TerminationStatus?
        var failure: SpawnError?

        var isReaped: Bool { status != nil || failure != nil }
    }

    init(
        id: ProcessID, processGroup: ProcessID?, processDescriptor: FileDescriptor,
        standardInput: FileDescriptor?, standardOutput: FileDescriptor?, standardError: FileDescriptor?
    ) {
        self.id = id
        self.processGroup = processGroup
        self.processDescriptor = processDescriptor
        self.state = ForkSafeMutex(State(standardInput: standardInput, standardOutput: standardOutput,
                                 standardError: standardError))
    }

    /// Starts the program `configuration` describes.
    ///
    /// The child starts with an empty signal mask, every signal at its default disposition (this process may
    /// ignore `SIGPIPE`), descriptors 0, 1 and 2 as configured, the inherited descriptors as 3, 4, …, and no
    /// other descriptor open.
    ///
    /// - Throws: ``SpawnError`` with ``SpawnError/Code/spawnFailed`` and the `errno` if the program cannot be
    ///   started, for example `ENOENT` for a missing executable.
    ///
    /// The corresponding C function is `posix_spawn`.
    public static func spawn(_ configuration: SpawnConfiguration) throws(SpawnError) -> ChildProcess {
        try PosixSpawn.spawn(configuration)
    }

    /// Takes the write end of the pipe to the child's standard input, if ``StandardIO/pipe`` was asked and it was
    /// not taken yet. The caller then owns it and must close it (the child sees end of file).
    public func takeStandardInput() -> FileDescriptor? {
        state.withLock { state in
            defer { state.standardInput = nil }
            return state.standardInput
        }
    }

    /// Takes the read end of the pipe from the child's standard output, if ``StandardIO/pipe`` was asked and it
    /// was not taken yet. The caller then owns it and must close it.
    public func takeStandardOutput() -> FileDescriptor? {
        state.withLock { state in
            defer { state.standardOutput = nil }
            return state.standardOutput
        }
    }

    /// Takes the read end of the pipe from the child's standard error, if ``StandardIO/pipe`` was asked and it
    /// was not taken yet. The caller then owns it and must close it.
    public func takeStandardError() -> FileDescriptor? {
        state.withLock { state in
            defer { state.standardError = nil }
            return state.standardError
        }
    }

    /// A process file descriptor (pidfd) for the child: `poll` reports it readable (`POLLIN`) once the child has
    /// exited. The ``ChildProcess`` owns and closes it; do not close it, and do not use it after the
    /// ``ChildProcess`` is gone.
    public var exitDescriptor: FileDescriptor { processDescriptor }

    /// Sends `signal` to the child. A child that has already exited (or been reaped) is not an error.
    ///
    /// The signal goes through the process file descriptor, so it can never reach another process that reused
    /// the child's ID.
    ///
    /// The corresponding C function is `pidfd_send_signal`.
    public func send(_ signal: Signal) throws(SpawnError) {
        switch _pidfdSendSignal(processDescriptor, signal) {
        case .success, .failure(.noSuchProcess):
            return
        case .failure(let error):
            throw SpawnError(.signalFailed, "cannot send \(signal) to process \(id)", underlyingError: error)
        }
    }

    /// Sends `signal` to every process in the group the child leads. An empty group is not an error.
    ///
    /// Before the child is reaped its ID cannot be reused, so the group is certainly the child's. After it was
    /// reaped the group may still hold processes it started, which this reaches; but once the group has emptied,
    /// its number could in principle be reused by an unrelated group. ``ProcessContainer`` avoids that case.
    ///
    /// - Throws: ``SpawnError/Code/noProcessGroup`` if the child was spawned with ``ProcessGroupPolicy/inherit``.
    ///
    /// The corresponding C function is `kill` with a negative process ID.
    public func sendToGroup(_ signal: Signal) throws(SpawnError) {
        guard let processGroup else {
            throw SpawnError(.noProcessGroup, "process \(id) does not lead a process group")
        }
        let result = state.withLock { _ in _kill(-processGroup.rawValue, signal) }
        switch result {
        case .success, .failure(.noSuchProcess):
            return
        case .failure(let error):
            throw SpawnError(.signalFailed, "cannot send \(signal) to process group \(processGroup)",
                             underlyingError: error)
        }
    }

    /// Sends `signal` to the child's group only while the child is not reaped (so the group ID is certainly
    /// its own). Returns whether it sent.
    @discardableResult
    func sendToGroupWhileUnreaped(_ signal: Signal) -> Bool {
        guard let processGroup else { return false }
        return state.withLock { state in
            if state.isReaped { return false }
            _ = _kill(-processGroup.rawValue, signal)
            return true
        }
    }

    /// Runs `body` with the child's pid while it is certainly not reaped (and so not reused); `nil` afterwards.
    func withUnreapedID<T>(_ body: (Int32) -> T) -> T? {
        state.withLock { state in state.isReaped ? nil : body(id.rawValue) }
    }

    /// Blocks until the child has exited, reaps it the first time, and returns how it ended; later calls return
    /// the same status.
    ///
    /// - Throws: ``SpawnError/Code/waitFailed`` if the child cannot be waited for, for example because other
    ///   code reaped it (`ECHILD`).
    ///
    /// The corresponding C function is `waitpid`.
    public func wait() throws(SpawnError) -> TerminationStatus {
        if let status = try poll() { return status }
        if case .failure(let error) = _waitForExitWithoutReaping(id.rawValue), error != .noChildProcess {
            throw SpawnError(.waitFailed, "cannot wait for process \(id)", underlyingError: error)
        }
        // The child is a zombie now (or another thread of ours just reaped it), so this does not spin.
        while true {
            if let status = try poll() { return status }
            _sleep(.milliseconds(1))
        }
    }

    /// Waits until the child has exited or `timeout` has passed: how it ended, or `nil` if it still runs.
    ///
    /// - Throws: ``SpawnError/Code/waitFailed`` as ``wait()``.
    ///
    /// The corresponding C functions are `poll` on ``exitDescriptor`` and `waitpid`.
    public func wait(timeout: Duration) throws(SpawnError) -> TerminationStatus? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = try poll() { return status }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            switch _pollReadable(processDescriptor, milliseconds: _milliseconds(rounding: remaining)) {
            case .success(true):
                return try wait()
            case .success(false), .failure(.interrupted):
                continue
            case .failure(let error):
                throw SpawnError(.waitFailed, "cannot poll for the exit of process \(id)", underlyingError: error)
            }
        }
    }

    /// Reaps the child if it has exited, without blocking: how it ended, or `nil` if it still runs.
    ///
    /// - Throws: ``SpawnError/Code/waitFailed`` as ``wait()``.
    ///
    /// The corresponding C function is `waitpid` with `WNOHANG`.
    public func poll() throws(SpawnError) -> TerminationStatus? {
        try state.withLock { (state: inout State) throws(SpawnError) -> TerminationStatus? in
            if let status = state.status { return status }
            if let failure = state.failure { throw failure }
            switch ChildRegistry.reap(id.rawValue) {
            case .success(nil):
                return nil
            case .success(.some(let waitStatus)):
                let status = TerminationStatus(waitStatus: waitStatus)
                state.status = status
                return status
            case .failure(let error):
                let failure = SpawnError(.waitFailed, "cannot reap process \(id)", underlyingError: error)
                state.failure = failure
                throw failure
            }
        }
    }

    deinit {
        let state = self.state.withLock { $0 }
        if !state.isReaped {
            _ = _pidfdSendSignal(processDescriptor, .kill)
            _ = ChildRegistry.reapBlocking(id.rawValue)
        }
        for descriptor in [state.standardInput, state.standardOutput, state.standardError, processDescriptor] {
            if let descriptor { _close(descriptor) }
        }
    }
}
