import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// What a manager's server process is started with.
struct ManagerServerConfiguration: Codable, Sendable {
    /// Where to listen; port 0 for any free port.
    var address: ManagerAddress
    var authkey: [UInt8]
    /// Where the server reports the address it listens on once it does (then closes it).
    var report: Connection
    /// What bounds connections that have not authenticated yet.
    var handshake = ManagerHandshakeLimits()
}

/// A manager's server: the registered function its child process runs.
///
/// The main thread accepts connections; each connection gets a thread of its own that authenticates the client
/// (``ManagerAuthentication``) and then answers its requests one by one. A thread per client lets a blocking
/// method (a lock's `acquire`, a queue's `get`, an event's `wait`) wait on the server's condition variable
/// without holding up other clients; every method runs under the one ``ServerMonitor`` lock, so objects need no
/// locks of their own. Each connection calls through its own view of the monitor, which knows the client: a wait
/// ends when the client hangs up, and when the connection ends its objects let go of what it held. A `shutdown`
/// request shuts the listening socket down, the accept loop ends, the server's pools are terminated, and the
/// function returns (the process exits). The server never removes its socket file: the ``Manager`` that owns
/// the private directory does, even when the server was killed.
///
/// Before a client has authenticated, it is bounded (``ManagerHandshakeLimits``): its answer is read only up to
/// the answer's size and only for a while, and at most so many connections wait in the handshake at once (one
/// more aborts the oldest). Running out of descriptors makes the accept loop abort the oldest handshake and go on,
/// never stop.
final class ManagerServer: @unchecked Sendable {
    static let function = ProcessFunction("multiprocessing.manager.server") {
        (configuration: ManagerServerConfiguration) -> Int in
        try ManagerServer(authkey: configuration.authkey, handshake: configuration.handshake).serve(configuration)
    }

    private let authkey: [UInt8]
    private let handshake: ManagerHandshakeLimits
    let monitor = ServerMonitor()
    private var objects: [Int: any ServerObject] = [:]
    private var names: [String: Int] = [:]
    private var nextID = 1
    /// The workers of this server's pools, against ``ServerPool/maximumWorkers``.
    var poolWorkers = 0
    private var listener: Int32 = -1
    /// The descriptors of the connections in the handshake, oldest first. A connection's thread removes its own
    /// before closing it, so the accept loop never shuts down a descriptor that has been reused.
    private let pending = ForkSafeMutex<[Int32]>([])

    init(authkey: [UInt8], handshake: ManagerHandshakeLimits = ManagerHandshakeLimits()) {
        self.authkey = authkey
        self.handshake = handshake
    }

    /// Listens, reports the address, accepts until shut down; returns how many connections it accepted.
    func serve(_ configuration: ManagerServerConfiguration) throws -> Int {
        var bound = configuration.address
        switch configuration.address {
        case .unix(let path):
            listener = lx_listen_unix(path, 128)
        case .tcp(let host, let port):
            var boundPort: Int32 = 0
            listener = lx_listen_tcp(host, Int32(port), 128, &boundPort)
            bound = .tcp(host: host, port: Int(boundPort))
        }
        guard listener >= 0 else {
            throw MultiprocessingError(.systemCallFailed, "the manager cannot listen at \(configuration.address)",
                                       underlyingError: _currentErrno())
        }
        try configuration.report.send(bound)
        configuration.report.close()
        var accepted = 0
        while true {
            let client = lx_accept_cloexec(listener)
            if client < 0 {
                switch _currentErrno() {
                case .invalidArgument, .badFileDescriptor:
                    // Shut down: no pool's worker outlives the server.
                    monitor.withLock { for case let pool as ServerPool in objects.values { pool.terminate() } }
                    return accepted
                case .tooManyOpenFiles, .tooManyOpenFilesInSystem, .noBufferSpace, .noMemory:
                    // Out of descriptors or memory: free some by aborting the oldest handshake, then go on.
                    abortOldestHandshake()
                    usleep(10_000)
                default:
                    continue  // EINTR, or a connection that was reset before it was accepted.
                }
                continue
            }
            accepted += 1
            pending.withLock { pending in
                if pending.count >= handshake.maximumPending { Self.abortOldest(&pending) }
                pending.append(client)
            }
            startThread(for: Connection(descriptor: FileDescriptor(rawValue: client), readable: true, writable: true,
                                        isSocket: true), descriptor: client, number: accepted)
        }
    }

    private func abortOldestHandshake() {
        pending.withLock { Self.abortOldest(&$0) }
    }

    /// Shuts the oldest pending connection down: its thread's read ends, and the thread closes it.
    private static func abortOldest(_ pending: inout [Int32]) {
        guard !pending.isEmpty else { return }
        shutdown(pending.removeFirst(), Int32(SHUT_RDWR))
    }

    /// Takes `descriptor` out of the pending connections (before its connection is closed, or once it is
    /// authenticated).
    private func finishHandshake(_ descriptor: Int32) {
        pending.withLock { pending in pending.removeAll { $0 == descriptor } }
    }

    private final class ThreadStart {
        let server: ManagerServer
        let connection: Connection
        let descriptor: Int32
        let client: Int

        init(server: ManagerServer, connection: Connection, descriptor: Int32, client: Int) {
            self.server = server
            self.connection = connection
            self.descriptor = descriptor
            self.client = client
        }
    }

    private func startThread(for connection: Connection, descriptor: Int32, number: Int) {
        let start = Unmanaged.passRetained(ThreadStart(server: self, connection: connection, descriptor: descriptor,
                                                       client: number)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
            start.server.handle(start.connection, descriptor: start.descriptor, client: start.client)
            return nil
        }, start)
        if result == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<ThreadStart>.fromOpaque(start).release()
            finishHandshake(descriptor)
            connection.close()
        }
    }

    /// Authenticates one client and answers its requests until it hangs up; then the objects let go of what the
    /// client held (a condition's lock).
    private func handle(_ connection: Connection, descriptor: Int32, client: Int) {
        defer { connection.close() }
        let authenticated = ManagerAuthentication.deliverChallenge(connection, key: authkey, limits: handshake)
        finishHandshake(descriptor)
        guard authenticated else { return }
        let monitor = self.monitor.forClient(descriptor, id: client)
        defer { monitor.withLock { for object in objects.values { object.clientLeft(client) } } }
        while let request = try? connection.recv(message: ManagerRequest.self) {
            let reply: ManagerReply
            do {
                reply = .value(try monitor.withLock { try dispatch(request, monitor: monitor) })
            } catch {
                reply = .failure("\(error)")
            }
            guard (try? connection.send(message: reply)) != nil else { return }
            if request.object == ManagerControl.serverObject && request.method == "shutdown" {
                shutdown(listener, Int32(SHUT_RDWR))
                return
            }
        }
    }

    /// Runs `request` under the monitor's lock, for the client of `monitor` (by default, for no connection).
    func dispatch(_ request: ManagerRequest, monitor: ServerMonitor? = nil) throws -> ManagedValue {
        let monitor = monitor ?? self.monitor
        guard request.object == ManagerControl.serverObject else {
            guard let object = objects[request.object] else {
                throw ServerMethodError("KeyError: no object with id \(request.object) on the server")
            }
            return try object.call(request.method, request.arguments, monitor: monitor)
        }
        switch request.method {
        case "create":
            guard case .string(let typeid) = try request.arguments.argument(0, "create") else {
                throw ServerMethodError("TypeError: create takes a typeid")
            }
            var name: String?
            if case .string(let given) = try request.arguments.argument(1, "create") { name = given }
            if let name, let existing = names[name] {
                guard objects[existing]!.typeid == typeid else {
                    throw ServerMethodError("TypeError: '\(name)' is a \(objects[existing]!.typeid), not a \(typeid)")
                }
                return .int(existing)
            }
            let arguments: [ManagedValue]
            if case .list(let given) = try request.arguments.argument(2, "create") { arguments = given } else {
                arguments = []
            }
            let object = try make(typeid, arguments)
            let id = nextID
            nextID += 1
            objects[id] = object
            if let name { names[name] = id }
            return .int(id)
        case "typeid":
            guard case .int(let id) = try request.arguments.argument(0, "typeid"), let object = objects[id] else {
                throw ServerMethodError("KeyError: no such object")
            }
            return .string(object.typeid)
        case "shutdown", "ping":
            return .none
        default:
            throw ServerMethodError.noMethod("Server", request.method)
        }
    }

    private func make(_ typeid: String, _ arguments: [ManagedValue]) throws -> any ServerObject {
        switch typeid {
        case "dict":
            let dict = ServerDict()
            if case .dict? = arguments.first {
                _ = try dict.call("update", arguments, monitor: monitor)
            }
            return dict
        case "list":
            if case .list(let elements)? = arguments.first { return ServerList(elements) }
            return ServerList()
        case "Namespace", "Value":
            let namespace = ServerNamespace(typeid: typeid)
            if typeid == "Value" {
                _ = try namespace.call("__setattr__", ["value", arguments.first ?? .none], monitor: monitor)
            }
            return namespace
        case "Queue", "JoinableQueue":
            if case .int(let maxsize)? = arguments.first {
                return ServerQueue(maxsize: maxsize, joinable: typeid == "JoinableQueue")
            }
            return ServerQueue(joinable: typeid == "JoinableQueue")
        case "Lock": return ServerLock()
        case "Event": return ServerEvent()
        case "Semaphore", "BoundedSemaphore":
            return try ServerSemaphore(value: arguments.integer(0, typeid, default: 1), bounded: typeid != "Semaphore")
        case "RLock": return ServerRLock()
        case "Condition": return ServerCondition()
        case "Barrier": return try ServerBarrier(arguments)
        case "Array": return try ServerArray(arguments)
        case "Pool": return try ServerPool(arguments, server: self)
        default:
            guard let type = FunctionRegistry.attachment(named: ManagedType.registrationName(typeid)) as? ManagedType else {
                throw ServerMethodError("KeyError: '\(typeid)' is not a type this manager's executable registered "
                    + "(pass its ManagedType's registration to bootstrap)")
            }
            return ServerCustomObject(type: type, object: try type.make(arguments))
        }
    }
}
