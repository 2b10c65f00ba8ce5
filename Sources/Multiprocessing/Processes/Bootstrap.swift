#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Registers the functions child processes can run and, when this process *is* such a child, runs the requested
/// one and exits. Call it first in the program's entry point: the Swift counterpart of Python's
/// `if __name__ == '__main__':`.
///
/// ```swift
/// // main.swift
/// import Multiprocessing
///
/// let greet = ProcessFunction("greet") { (name: String) in "hello, \(name)" }
/// bootstrap([greet.registration])   // in a child: runs `greet` and never returns
///
/// let process = Process(target: greet, arguments: "world")
/// try process.start()
/// print(try process.value(as: String.self))
/// ```
///
/// **In the parent** it registers the functions and returns at once; it changes no signal disposition.
///
/// **In a child** — the executable started again by the `spawn` start method, or the fork server of `forkserver` —
/// it never returns: it asks for `SIGKILL` when its parent dies, ignores `SIGPIPE` (as Python does), reads the
/// request from the parent, runs the function, sends back its result or error, terminates its daemonic children
/// and joins the others, flushes standard output and error, and exits.
///
/// **Code before the call runs in every child**, before the child reads its request, every time a child starts:
/// keep it to declarations. Work done there slows every start and its prints appear once a child.
///
/// **Without the call** a child started with `spawn` would run the whole program again. Instead, such a child's
/// first ``Process/start()`` throws ``MultiprocessingError/Code/bootstrapMissing``, and the parent's
/// ``Process/value(as:timeout:)`` reports a child that exited without answering — a clear error, not a fork bomb.
///
/// - Parameter functions: What children can run; a later entry with the same name replaces an earlier one. Call
///   again to add more (only the first call in a child acts on the request).
public func bootstrap(_ functions: [RegisteredFunction]) {
    FunctionRegistry.register([PoolWorker.loop.registration] + functions)
    ChildEntry.markBootstrapped()
    guard let mode = ChildEntry.takeChildMode() else { return }
    switch mode {
    case "spawn":
        ChildEntry.runSpawnedChild()
    case "forkserver":
        ForkServer.serve()
    default:
        StandardStreams.writeError("multiprocessing: unknown child mode '\(mode)'\n")
        _exit(1)
    }
}

/// A variadic form of ``bootstrap(_:)-([RegisteredFunction])``.
public func bootstrap(_ functions: RegisteredFunction...) {
    bootstrap(functions)
}

/// The child side: from the request to `_exit`.
enum ChildEntry {
    nonisolated(unsafe) private static var bootstrapped = false
    nonisolated(unsafe) private static var unbootstrappedChild = false
    private static let lock = _PthreadLock()

    static func markBootstrapped() {
        lock.withLock { bootstrapped = true }
    }

    static var isBootstrapped: Bool { lock.withLock { bootstrapped } }

    /// Whether this process was started as a child but the program never called ``bootstrap(_:)``: checked by
    /// ``Process/start()`` so that such a child cannot start children of its own.
    static var isChildWithoutBootstrap: Bool {
        lock.withLock { !bootstrapped && getenv(Handshake.childVariable) != nil }
    }

    /// The child mode from the environment, removed from it so the function's own children start afresh; the
    /// parent-death signal is set at once.
    static func takeChildMode() -> String? {
        guard let value = getenv(Handshake.childVariable) else { return nil }
        let mode = String(cString: value)
        let parent = getenv(Handshake.parentVariable).flatMap { Int32(String(cString: $0)) }
        unsetenv(Handshake.childVariable)
        unsetenv(Handshake.parentVariable)
        ParentDeath.deliver(.kill, expectedParent: parent)
        signal(SIGPIPE, SIG_IGN)
        return mode
    }

    /// A spawned child: the control channel and the passed descriptors are already in place.
    static func runSpawnedChild() -> Never {
        run(control: FileDescriptor(rawValue: Handshake.controlDescriptor))
    }

    /// Reads the request on `control`, runs the function, answers, cleans up, and exits.
    static func run(control descriptor: FileDescriptor) -> Never {
        let control = Connection(descriptor: descriptor, readable: true, writable: true, isSocket: true)
        let request: StartRequest
        do {
            request = try control.recv(message: StartRequest.self)
        } catch {
            // The parent went away before asking, or speaks another protocol.
            _ = try? control.send(message: ChildReply.failed(
                code: MultiprocessingError.Code.protocolMismatch.description,
                description: "the child could not read its start request: \(error)"))
            _exit(1)
        }
        CurrentIdentity.withState { state in
            state.name = request.name
            state.daemon = request.daemon
            state.isChild = true
            state.identity = request.identity
            state.created = 0
            if !request.authkey.isEmpty { state.authkey = request.authkey }
            state.parent = ProcessDescription(name: request.parentName, pid: ProcessID(rawValue: request.parentID),
                                              daemon: false)
        }
        // A child's own processes start as the context that started it did, unless it says otherwise.
        setStartMethod(request.startMethod)
        let reply: ChildReply
        if request.version != Handshake.version {
            reply = .failed(code: MultiprocessingError.Code.protocolMismatch.description,
                            description: "the parent speaks handshake version \(request.version), this child "
                                + "\(Handshake.version)")
        } else if let function = FunctionRegistry.lookUp(request.function) {
            let passed = (0..<request.descriptorCount).map {
                FileDescriptor(rawValue: Handshake.firstPassedDescriptor + Int32($0))
            }
            do {
                reply = .returned(try function.invoke(request.arguments, DescriptorTransfer(descriptors: passed)))
            } catch let error as MultiprocessingError {
                reply = .failed(code: error.code.description, description: error.description)
            } catch {
                reply = .failed(code: MultiprocessingError.Code.childFailed.description, description: "\(error)")
            }
        } else {
            reply = .failed(code: MultiprocessingError.Code.functionNotRegistered.description,
                            description: "no function named '\(request.function)' is registered in this executable")
        }
        _ = try? control.send(message: reply)
        StandardStreams.flush()
        ChildTable.finishAtExit()
        StandardStreams.flush()
        if case .returned = reply { _exit(0) }
        _exit(1)
    }
}
