import DemoHosting
import Multiprocessing
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A demo host that serves cells (``DemoHosting/CellServerProtocol``), as the runner holds it: the host's process,
/// the first of a PID namespace that dies with the runner, and the socket that asks it for cells.
final class CellServerConnection: Sendable {
    private let container: ProcessContainer
    private let socket: FileDescriptor
    /// The host's file when the server started: a rebuilt host gets a server of its own.
    let identity: FileIdentity?
    /// Serializes requests on the shared socket.
    private let sending = Mutex(())
    private let state = Mutex(State())

    private struct State {
        var cellsInFlight = 0
        var retired = false
        var closed = false
    }

    /// The host's process id.
    var processID: Int32 { container.root.id.rawValue }

    private init(container: ProcessContainer, socket: FileDescriptor, identity: FileIdentity?) {
        self.container = container
        self.socket = socket
        self.identity = identity
    }

    /// Starts the host of `configuration` as a cell server and waits until it is ready; nil when the host does not
    /// serve cells (built before it could), or the kernel gives it no PID namespace.
    static func launch(_ configuration: SpawnConfiguration, identity: FileIdentity?) -> CellServerConnection? {
        guard case .success(let (ours, theirs)) = _socketPair() else { return nil }
        var configuration = configuration
        configuration.inheritedDescriptors = [theirs]
        configuration.environment[CellServerProtocol.variable] = String(CellServerProtocol.socketDescriptor)
        configuration.standardOutput = .devNull
        configuration.standardError = .devNull
        // Under a runner that is not root, root of its user namespace: it may then make PID namespaces for the
        // cells, which take the runner's user back (`CellServer`).
        configuration.rootOfItsUserNamespace = true
        let container: ProcessContainer
        do {
            defer { _close(theirs) }
            container = try ProcessContainer.spawn(configuration, containment: .pidNamespace, outlivingThisThread: true)
        } catch {
            _close(ours)
            return nil
        }
        var greeting = [UInt8](repeating: 0, count: CellServerProtocol.ready.count)
        let ready = _pollReadable(ours, milliseconds: 10_000)
        let read = greeting.withUnsafeMutableBytes { _readExactly(ours, $0.baseAddress!, $0.count) }
        guard container.containment == .pidNamespace, case .success(true) = ready, case .success(true) = read,
              greeting == CellServerProtocol.ready
        else {
            _close(ours)
            _ = try? container.terminateAll(grace: .zero)
            return nil
        }
        return CellServerConnection(container: container, socket: ours, identity: identity)
    }

    /// Counts a cell about to be asked for; false when the server is retired or closed, or, if `onlyIfIdle`,
    /// runs a cell already.
    func reserve(onlyIfIdle: Bool) -> Bool {
        state.withLock { state in
            guard !state.retired && !state.closed && (!onlyIfIdle || state.cellsInFlight == 0) else { return false }
            state.cellsInFlight += 1
            return true
        }
    }

    /// Asks the host to fork a cell that writes to `output`, `error` and `report`. The caller reserved the cell
    /// and calls ``finished()`` once it ended, whether this succeeded or not.
    ///
    /// - Throws: ``Failure/gone`` when the host has died (a new one may serve the next cell),
    ///   ``Failure/refused(_:)`` when it could not fork.
    func start(
        _ request: CellServerProtocol.Request, output: FileDescriptor, error: FileDescriptor, report: FileDescriptor
    ) throws(Failure) -> ServedCell {
        guard case .success(let (control, theirs)) = _socketPair() else { throw .refused(_currentErrno()) }
        var handedOver = false
        defer { if !handedOver { _close(control) } }
        let payload = request.encoded()
        let message = withUnsafeBytes(of: UInt32(payload.count).littleEndian) { Array($0) } + payload
        let sent = sending.withLock { _ in _send(socket, message, descriptors: [theirs, output, error, report]) }
        _close(theirs)
        guard case .success = sent else { throw .gone }

        var reply: Int32 = 0
        let received = withUnsafeMutableBytes(of: &reply) { _receive(control, $0.baseAddress!, 4, capacity: 2) }
        guard case .success(let (count, descriptors)) = received, count == 4 else { throw .gone }
        let pid = Int32(littleEndian: reply)
        guard pid > 0, descriptors.count == 1 else {
            descriptors.forEach(_close)
            throw .refused(Errno(rawValue: pid < 0 ? -pid : EPROTO))
        }
        handedOver = true
        return ServedCell(processDescriptor: descriptors[0], control: control)
    }

    /// Counts a reserved cell as ended; a retired server closes once its last cell ended.
    func finished() {
        let close = state.withLock { state in
            state.cellsInFlight -= 1
            return state.retired && state.cellsInFlight == 0 && !state.closed
        }
        if close { shutDown() }
    }

    /// Takes no more cells, and stops once the cells in flight have ended.
    func retire() {
        let idle = state.withLock { state in
            state.retired = true
            return state.cellsInFlight == 0
        }
        if idle { shutDown() }
    }

    /// Stops the host now: end of file on its socket, which ends it and every cell it runs; waits for it.
    func shutDown() {
        let already = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !already else { return }
        _close(socket)
        _ = try? container.root.wait(timeout: .seconds(2))
        _ = try? container.terminateAll(grace: .zero)
    }

    /// Why a cell could not be started by the server.
    enum Failure: Error {
        /// The host died or broke the protocol.
        case gone
        /// The host could not fork the cell.
        case refused(Errno)
    }
}

/// A cell forked by a ``CellServerConnection``: the runner is not its parent, so it watches it through a pidfd and
/// learns how it ended from the host.
struct ServedCell {
    /// Readable once the cell has exited; signals go through it.
    let processDescriptor: FileDescriptor
    /// Where the host writes the cell's wait status.
    let control: FileDescriptor

    /// The cell's pid as this process sees it (the host forks it in a namespace of its own), from the pidfd's
    /// `/proc/self/fdinfo` entry; nil once it has been reaped or when the kernel does not say.
    func processID() -> Int32? {
        let file = open("/proc/self/fdinfo/\(processDescriptor.rawValue)", O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { Glibc.close(file) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = read(file, &bytes, bytes.count)
        guard count > 0 else { return nil }
        for line in String(decoding: bytes[..<count], as: UTF8.self).split(separator: "\n") where line.hasPrefix("Pid:") {
            return Int32(line.dropFirst(4).trimmingPrefix(while: \.isWhitespace))
        }
        return nil
    }

    func send(_ signal: Signal) {
        _ = _pidfdSendSignal(processDescriptor, signal)
    }

    /// Whether the cell exits within `timeout`.
    func waitForExit(_ timeout: Duration) -> Bool {
        if case .success(true) = _pollReadable(processDescriptor, until: ContinuousClock.now + timeout) { return true }
        return false
    }

    /// How the cell ended, as the host reaped it; nil if the host died first, or said nothing within `timeout`.
    func termination(timeout: Duration) -> TerminationStatus? {
        guard case .success(true) = _pollReadable(control, until: ContinuousClock.now + timeout) else { return nil }
        var status: Int32 = 0
        guard case .success(true) = withUnsafeMutableBytes(of: &status, { _readExactly(control, $0.baseAddress!, 4) })
        else { return nil }
        return TerminationStatus(waitStatus: Int32(littleEndian: status))
    }

    func close() {
        _close(processDescriptor)
        _close(control)
    }
}
