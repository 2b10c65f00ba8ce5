#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A child process that runs a registered function, as Python's `multiprocessing.Process`.
///
/// ```swift
/// let worker = ProcessFunction("worker") { (number: Int) -> Int in
///     print("working on \(number) in \(currentProcess().name)")
///     return number * 2
/// }
/// bootstrap([worker.registration])
///
/// let process = Process(target: worker, arguments: 21)
/// try process.start()
/// try process.join()
/// process.exitCode                // 0
/// try process.value(as: Int.self) // 42
/// ```
///
/// The child shares this process's standard output and error (its prints reach them directly; they are flushed
/// before it exits), reads standard input from `/dev/null`, stays in this process's group (Control-C reaches it),
/// and dies with this process: by `SIGKILL` if this process is killed (`PR_SET_PDEATHSIG`, checked right after
/// start), and at a normal exit daemonic children are terminated and all children joined, as in Python.
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that started the child ends, so children are started on the main
/// thread or on a dedicated long-lived thread of this library, never on a short-lived worker thread.
///
/// All members are safe to call from any thread.
public final class Process: Sendable {
    private struct State: Sendable {
        var name: String
        var daemon: Bool
        var handle: ChildHandle?
        var control: Connection?
        var reply: ChildReply?
        var replyMissing = false
        var status: TerminationStatus?
        /// Whether ``close()`` released the child's handle.
        var closed = false
    }

    /// The function's name, as the child looks it up.
    public let functionName: String
    /// The process's place in the tree, as Python's `_identity`: `[N]` for the Nth process this process created,
    /// `[1, N]` for the Nth created by this process's first child, …
    public let identity: [Int]
    /// The context whose start method ``start()`` uses.
    public let context: Context
    private let encodeArguments: @Sendable (DescriptorTransfer) throws -> [UInt8]
    private let state: ForkSafeMutex<State>

    /// A process that will run `target` with `arguments` once started.
    ///
    /// - Parameters:
    ///   - target: A function registered with ``bootstrap(_:)-([RegisteredFunction])`` in the executable the
    ///     child runs.
    ///   - arguments: Encoded when the process starts; ``Connection``s and ``Queue``s in them reach the child.
    ///   - name: The process's name; `nil` gives `Process-N`, N counting from 1 the processes this process created
    ///     (`Process-1:N` in the first child, and so on), as Python names them.
    ///   - daemon: Whether the child is terminated when this process exits; see ``daemon``.
    ///   - context: Where the start method comes from.
    public init<Arguments, Result>(
        target: ProcessFunction<Arguments, Result>, arguments: Arguments, name: String? = nil, daemon: Bool = false,
        context: Context = .default
    ) {
        self.functionName = target.name
        self.context = context
        self.encodeArguments = { transfer in
            try BinaryEncoder(transfer: transfer).encode(arguments)
        }
        let identity = CurrentIdentity.nextIdentity()
        self.identity = identity
        self.state = ForkSafeMutex(State(name: name ?? CurrentIdentity.defaultName(identity), daemon: daemon))
    }

    /// A process that will run `target`, which takes no arguments.
    public convenience init<Result>(
        target: ProcessFunction<Empty, Result>, name: String? = nil, daemon: Bool = false, context: Context = .default
    ) {
        self.init(target: target, arguments: Empty(), name: name, daemon: daemon, context: context)
    }

    /// The process's name: the one given, or `Process-N` (see ``identity``).
    public var name: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    /// Whether the child is daemonic: terminated (`SIGTERM`, then joined) when this process exits normally, as in
    /// Python. Set it before ``start()``; changing it afterwards has no effect on the child's own view.
    public var daemon: Bool {
        get { state.withLock { $0.daemon } }
        set { state.withLock { $0.daemon = newValue } }
    }

    /// Readable once the child has ended (its pidfd, or the fork server's status pipe); `nil` before start.
    var exitDescriptor: FileDescriptor? { state.withLock { $0.handle?.exitDescriptor } }

    /// The child's process ID once started; `nil` before.
    public var pid: ProcessID? { state.withLock { $0.handle?.id } }

    /// How the child ended, once it has and has been joined (or polled by ``isAlive``); `nil` before.
    public var terminationStatus: TerminationStatus? { state.withLock { $0.status } }

    /// The exit code once the child has ended: 0 when the function returned, 1 when it threw, and minus the
    /// signal number when a signal killed it (as in Python); `nil` while it runs or before it starts.
    public var exitCode: Int32? {
        _ = isAlive
        return terminationStatus?.pythonExitCode
    }

    /// Whether the child has started and not ended. Reaps it if it has ended.
    public var isAlive: Bool {
        guard let handle = state.withLock({ $0.status == nil ? $0.handle : nil }) else { return false }
        guard let status = try? handle.poll() else { return true }
        state.withLock { $0.status = status }
        return false
    }

    // MARK: Starting

    /// Starts the child with the context's start method.
    ///
    /// - Throws: ``MultiprocessingError`` with ``MultiprocessingError/Code/invalidState`` when already started,
    ///   ``MultiprocessingError/Code/forkRefused`` for ``StartMethod/fork`` in a multi-threaded process,
    ///   ``MultiprocessingError/Code/bootstrapMissing`` in a child whose program did not call
    ///   ``bootstrap(_:)-([RegisteredFunction])``
    ///   or when this executable is re-run but never called it, ``MultiprocessingError/Code/functionNotRegistered``
    ///   for a function this process has not registered, when this executable is re-run,
    ///   ``MultiprocessingError/Code/codingFailed`` when the arguments cannot be encoded, and
    ///   ``MultiprocessingError/Code/startFailed`` when the child cannot be started.
    public func start() throws(MultiprocessingError) {
        if ChildEntry.isChildWithoutBootstrap {
            throw MultiprocessingError(
                .bootstrapMissing, "this process was started as a child process but its program never called "
                    + "bootstrap(_:): call it first in main.swift, before starting processes")
        }
        let (name, daemon) = try state.withLock { (state) throws(MultiprocessingError) -> (String, Bool) in
            guard !state.closed else {
                throw MultiprocessingError(.invalidState, "cannot start \(state.name): the Process object is closed")
            }
            guard state.handle == nil else {
                throw MultiprocessingError(.invalidState, "\(state.name) was already started")
            }
            return (state.name, state.daemon)
        }
        let method = context.startMethod
        if method != .fork, ContextSettings.executable.withLock({ $0 }) == nil {
            guard ChildEntry.isBootstrapped else {
                throw MultiprocessingError(
                    .bootstrapMissing, "cannot start \(name): this executable is re-run for the child, but it never "
                        + "called bootstrap(_:); call it first in main.swift, or name another executable with "
                        + "setExecutable(_:)")
            }
            guard FunctionRegistry.lookUp(functionName) != nil else {
                throw MultiprocessingError(
                    .functionNotRegistered,
                    "no function named '\(functionName)' is registered: pass it to bootstrap(_:)")
            }
        }
        if method == .fork {
            try Launcher.checkSingleThreaded(name)
        }
        if method == .fork, FunctionRegistry.lookUp(functionName) == nil {
            throw MultiprocessingError(
                .functionNotRegistered, "no function named '\(functionName)' is registered: pass it to bootstrap(_:)")
        }

        let transfer = DescriptorTransfer()
        let arguments: [UInt8]
        do {
            arguments = try encodeArguments(transfer)
        } catch let error as MultiprocessingError {
            throw error
        } catch {
            throw MultiprocessingError(.codingFailed, "cannot encode the arguments of \(name): \(error)")
        }
        let me = currentProcess()
        let request = StartRequest(
            version: Handshake.version, function: functionName, name: name, identity: identity,
            startMethod: method, authkey: me.authkey, daemon: daemon,
            parentID: me.pid.rawValue, parentName: me.name, descriptorCount: transfer.descriptors.count,
            arguments: arguments)

        let (control, handle) = try Launcher.start(method, passing: transfer.descriptors, name: name,
                                                   request: request)
        state.withLock {
            $0.handle = handle
            $0.control = control
        }
        ChildTable.add(self)
        transfer.started()
    }

    // MARK: Waiting

    /// Waits until the child has ended, or `timeout` has passed (`nil`: no limit). Returns whether it ended;
    /// afterwards ``exitCode`` is set. As Python's `join`, it does not throw when the child failed: check
    /// ``exitCode``, or call ``value(as:timeout:)``.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` before ``start()``.
    @discardableResult
    public func join(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        guard let (handle, control) = state.withLock({ state in state.handle.map { ($0, state.control) } }) else {
            throw MultiprocessingError(.invalidState, "cannot join \(name): " + notRunningReason)
        }
        if state.withLock({ $0.status != nil }) { return true }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        if let control {
            // Read the reply while waiting, so that a child with a large result never blocks on a full socket.
            while true {
                let milliseconds = deadline.map { _milliseconds(rounding: clock.now.duration(to: $0)) } ?? -1
                var entries = [pollfd(fd: (try? controlDescriptorValue(control)) ?? -1, events: Int16(POLLIN),
                                      revents: 0),
                               pollfd(fd: handle.exitDescriptor.rawValue, events: Int16(POLLIN), revents: 0)]
                let ready = Glibc.poll(&entries, 2, milliseconds)
                if ready < 0 { continue }
                if ready == 0 { return false }
                if entries[0].revents != 0 || entries[1].revents != 0 {
                    receiveReply(control)
                    break
                }
            }
        }
        let remaining = deadline.map { clock.now.duration(to: $0) }
        if let remaining, remaining <= .zero, try handle.poll() == nil { return false }
        guard let status = try handle.wait(timeout: remaining) else { return false }
        state.withLock { $0.status = status }
        ChildTable.remove(self)
        return true
    }

    private func controlDescriptorValue(_ control: Connection) throws -> Int32 {
        try control.withDescriptor { $0.rawValue }
    }

    /// Reads the child's reply (or notes that it never came) and closes the control channel.
    private func receiveReply(_ control: Connection) {
        let reply = try? control.recv(message: ChildReply.self)
        control.close()
        state.withLock {
            $0.reply = reply
            $0.replyMissing = reply == nil
            $0.control = nil
        }
    }

    /// Joins the child and returns what its function returned.
    ///
    /// - Throws: ``MultiprocessingError`` with ``MultiprocessingError/Code/childFailed`` (and the child's error in
    ///   ``MultiprocessingError/remoteDescription``) when the function threw,
    ///   ``MultiprocessingError/Code/functionNotRegistered`` when the child's executable does not know it,
    ///   ``MultiprocessingError/Code/childDied`` when the child was killed, crashed, or exited without answering
    ///   (with its exit code or signal), ``MultiprocessingError/Code/timedOut`` when `timeout` passed first,
    ///   ``MultiprocessingError/Code/codingFailed`` when the result is not a `Result`.
    public func value<Result: Decodable>(as type: Result.Type = Result.self, timeout: Duration? = nil)
        throws(MultiprocessingError) -> Result {
        guard try join(timeout: timeout) else {
            throw MultiprocessingError(.timedOut, "\(name) did not end within \(timeout!)")
        }
        let (reply, status) = state.withLock { ($0.reply, $0.status) }
        let ending = status.map { "\($0)" } ?? "an unknown status"
        switch reply {
        case .returned(let bytes)?:
            do {
                return try BinaryDecoder().decode(type, from: bytes)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot decode the result of \(name) as \(type): \(error)")
            }
        case .failed(let code, let description)?:
            let known: [MultiprocessingError.Code] = [.functionNotRegistered, .protocolMismatch]
            let errorCode = known.first { $0.description == code } ?? .childFailed
            throw MultiprocessingError(errorCode, "\(name) (\(functionName)) failed with \(ending)",
                                       remoteDescription: description)
        case nil:
            throw MultiprocessingError(
                .childDied, "\(name) (\(functionName)) ended with \(ending) without sending a result"
                    + (status == .exited(0) ? " (did its program call bootstrap(_:) first?)" : ""))
        }
    }

    // MARK: Signals

    /// Sends `SIGTERM` to the child. A child that has ended is not an error.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` before ``start()``.
    public func terminate() throws(MultiprocessingError) {
        try send(.terminate)
    }

    /// Sends `SIGKILL` to the child. A child that has ended is not an error.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` before ``start()``.
    public func kill() throws(MultiprocessingError) {
        try send(.kill)
    }

    /// Sends `signal` to the child. A child that has ended is not an error.
    public func send(_ signal: Signal) throws(MultiprocessingError) {
        guard let handle = state.withLock({ $0.handle }) else {
            throw MultiprocessingError(.invalidState, "cannot signal \(name): " + notRunningReason)
        }
        try handle.send(signal)
    }

    /// Why the process has no child to join or signal.
    private var notRunningReason: String {
        state.withLock { $0.closed } ? "the Process object is closed" : "it was not started"
    }

    // MARK: Closing

    /// Releases what the object holds for its child (the process descriptor, the control channel), as Python's
    /// `Process.close()`. Afterwards ``start()``, ``join(timeout:)``, ``value(as:timeout:)`` and the signals throw
    /// ``MultiprocessingError/Code/invalidState``; ``pid`` is `nil` and ``isAlive`` `false`, while ``exitCode``
    /// and ``terminationStatus`` keep how the child ended. Closing twice does nothing.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` while the child still runs (Python's `ValueError`):
    ///   join or terminate it first.
    public func close() throws(MultiprocessingError) {
        let handle = state.withLock { $0.closed ? nil : $0.handle }
        if let handle, state.withLock({ $0.status == nil }) {
            guard let status = try handle.poll() else {
                throw MultiprocessingError(
                    .invalidState, "cannot close \(name): it is still running; join() or terminate() it first")
            }
            state.withLock { $0.status = status }
        }
        let control = state.withLock { state -> Connection? in
            defer {
                state.control = nil
                state.handle = nil
                state.closed = true
            }
            return state.control
        }
        control?.close()
        ChildTable.remove(self)
    }
}

/// The arguments of a function that takes none.
public struct Empty: Codable, Sendable, Hashable {
    /// The only value.
    public init() {}
}

extension ProcessFunction {
    /// Runs the function in a child process and returns its result: start, then ``Process/value(as:timeout:)``.
    ///
    /// - Throws: What ``Process/start()`` and ``Process/value(as:timeout:)`` throw.
    public func run(_ arguments: Arguments, context: Context = .default) throws(MultiprocessingError) -> Result {
        let process = Process(target: self, arguments: arguments, context: context)
        try process.start()
        return try process.value(as: Result.self)
    }
}
