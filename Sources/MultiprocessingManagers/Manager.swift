#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import Synchronization

/// A server process that holds objects other processes use through proxies, as Python's
/// `multiprocessing.Manager()`.
///
/// ```swift
/// bootstrap([Manager.registration, addOne.registration])   // first thing in main.swift
///
/// try withManager { manager in                     // Python's `with Manager() as manager:`
///     let shared = try manager.dict()              // DictProxy<ManagedValue, ManagedValue>
///     let lock = try manager.lock()
///     let worker = Process(target: addOne, arguments: Shared(dict: shared, lock: lock))
///     try worker.start()
///     try worker.join()
///     print(shared)                                // {'total': 1}
/// }
/// ```
///
/// The server is a child process (a registered function run by `Process`, with the context's start method) that
/// listens on a Unix socket in a private directory (mode 0700, removed at ``shutdown()``), or on a TCP address for
/// remote use. Every connection proves it knows ``authkey`` (HMAC-SHA256 challenges both ways, see
/// ``ObjectProxy``); proxies carry the key and the address with them to the children they are passed to.
///
/// ``connect(to:authkey:timeout:)`` reaches a manager another process started, as Python's remote managers.
public final class Manager: Sendable {
    /// Where the server listens (for TCP, with the port it chose).
    public let address: ManagerAddress
    /// The key every connection must know: 32 random bytes unless one was given.
    public let authkey: [UInt8]
    /// How long a call waits for a live server's reply; see ``ObjectProxy/timeout``.
    public let timeout: Duration
    private let server: Process?
    /// The private directory of the Unix socket, when this manager made it.
    private let directory: String?
    private let control: ForkSafeMutex<ManagerConnection?>

    /// Starts a manager's server process and connects to it.
    ///
    /// - Parameters:
    ///   - address: `nil` for a Unix socket in a new private directory under `$TMPDIR` (or `/tmp`); a
    ///     ``ManagerAddress/tcp(host:port:)`` to serve other processes by address (port 0: any free port).
    ///   - authkey: The key; `nil` for the process tree's own key, `currentProcess().authkey`, as Python's
    ///     managers (so that a child can connect with ``connect(to:authkey:timeout:)`` without being given it).
    ///   - timeout: See ``timeout``.
    ///   - context: The start method of the server process.
    /// - Throws: `MultiprocessingError` when the directory, the process or the listening socket cannot be made;
    ///   `MultiprocessingError.Code.invalidArgument` for a port outside 0...65535, an empty or NUL-containing host
    ///   or path, or a `timeout` that is not positive.
    public convenience init(address: ManagerAddress? = nil, authkey: [UInt8]? = nil, timeout: Duration = .seconds(10),
                            context: Context = .default) throws(MultiprocessingError) {
        try self.init(address: address, authkey: authkey, timeout: timeout, context: context,
                      handshake: ManagerHandshakeLimits())
    }

    /// Starts a manager whose server bounds unauthenticated connections by `handshake`.
    init(address: ManagerAddress?, authkey: [UInt8]?, timeout: Duration, context: Context,
         handshake: ManagerHandshakeLimits) throws(MultiprocessingError) {
        try Self.validate(address: address, timeout: timeout)
        let key = authkey ?? currentProcess().authkey
        var directory: String?
        let listenAddress: ManagerAddress
        if let address {
            listenAddress = address
        } else {
            let made = try ManagerDirectory.make()
            directory = made
            listenAddress = .unix(path: ManagerDirectory.socketPath(in: made))
        }
        let (reader, writer) = try Pipe(duplex: false)
        let server = Process(
            target: ManagerServer.function,
            arguments: ManagerServerConfiguration(address: listenAddress, authkey: key, report: writer,
                                                  handshake: handshake),
            name: "SyncManager-\(Self.counter.add(1, ordering: .relaxed).newValue)", daemon: true, context: context)
        do throws(MultiprocessingError) {
            try server.start()
            guard try reader.poll(timeout: timeout) else {
                throw MultiprocessingError(.timedOut, "the manager's server did not start within \(timeout)")
            }
            let bound: ManagerAddress
            do {
                bound = try reader.recv(ManagerAddress.self)
            } catch {
                // The server failed before listening: its error says why.
                _ = try server.value(as: Int.self, timeout: .seconds(5))
                throw error
            }
            self.address = bound
            self.authkey = key
            self.timeout = timeout
            self.server = server
            self.directory = directory
            self.control = ForkSafeMutex(try ManagerConnection(to: bound, authkey: key, timeout: timeout))
        } catch {
            if server.pid != nil {
                try? server.kill()
                _ = try? server.join(timeout: .seconds(5))
            }
            if let directory { ManagerDirectory.remove(directory) }
            guard error.code == .functionNotRegistered else { throw error }
            throw MultiprocessingError(
                .functionNotRegistered, "a manager's server is this program started again, and it does not know "
                    + "the server's function: pass Manager.registration to bootstrap(_:) (\(error.message))")
        }
    }

    /// A manager whose server another process started: Python's `BaseManager(address, authkey).connect()`.
    ///
    /// - Parameters:
    ///   - address: Where the manager's server listens.
    ///   - authkey: The manager's key; `nil` for the process tree's own key, as Python's default.
    ///   - timeout: See ``timeout``.
    /// - Throws: `MultiprocessingError.Code.managerGone` when nothing listens at `address`,
    ///   `MultiprocessingError.Code.authenticationFailed` when the key is wrong (or the server does not answer
    ///   the handshake within `timeout`), `MultiprocessingError.Code.invalidArgument` for a port outside
    ///   0...65535, an empty or NUL-containing host or path, or a `timeout` that is not positive.
    public static func connect(
        to address: ManagerAddress, authkey: [UInt8]? = nil, timeout: Duration = .seconds(10)
    ) throws(MultiprocessingError) -> Manager {
        try validate(address: address, timeout: timeout)
        let authkey = authkey ?? currentProcess().authkey
        return Manager(connected: try ManagerConnection(to: address, authkey: authkey, timeout: timeout),
                       authkey: authkey, timeout: timeout)
    }

    /// Checks what a caller passed before anything is started.
    private static func validate(address: ManagerAddress?, timeout: Duration) throws(MultiprocessingError) {
        guard timeout > .zero else {
            throw MultiprocessingError(.invalidArgument, "a manager's timeout must be positive, not \(timeout)")
        }
        switch address {
        case nil:
            break
        case .tcp(let host, let port):
            guard (0...65535).contains(port) else {
                throw MultiprocessingError(.invalidArgument, "a TCP port must be in 0...65535, not \(port)")
            }
            guard !host.isEmpty, !host.utf8.contains(0) else {
                throw MultiprocessingError(.invalidArgument, "a manager's host must be a dotted IPv4 address, not "
                    + "\(String(reflecting: host))")
            }
        case .unix(let path):
            guard !path.isEmpty, !path.utf8.contains(0) else {
                throw MultiprocessingError(.invalidArgument, "a manager's socket path cannot be empty or hold a NUL "
                    + "byte: \(String(reflecting: path))")
            }
        }
    }

    private init(connected: ManagerConnection, authkey: [UInt8], timeout: Duration) {
        self.address = connected.address
        self.authkey = authkey
        self.timeout = timeout
        self.server = nil
        self.directory = nil
        self.control = ForkSafeMutex(connected)
    }

    private static let counter = Atomic<Int>(0)

    /// The entry to pass to `bootstrap(_:)` in a program that starts managers: the server is the program
    /// started again (or forked), and runs the function registered here.
    ///
    /// ```swift
    /// bootstrap([Manager.registration, addOne.registration])
    /// ```
    public static var registration: RegisteredFunction { ManagerServer.function.registration }

    /// The server's process ID; `nil` for a manager reached with ``connect(to:authkey:timeout:)``.
    public var pid: ProcessID? { server?.pid }

    // MARK: Objects

    /// A new object of type `typeid` on the server (or, with a `name`, the one already made under that name).
    func create(_ typeid: String, _ arguments: [ManagedValue] = [], name: String? = nil)
        throws(MultiprocessingError) -> ObjectProxy {
        let id = try control.withLock { (connection: inout ManagerConnection?) throws(MultiprocessingError) in
            guard let connection else {
                throw MultiprocessingError(.managerGone, "the manager at \(address) was shut down")
            }
            return try connection.call(ManagerControl.serverObject, "create",
                                       [.string(typeid), name.map { .string($0) } ?? .none, .list(arguments)],
                                       timeout: timeout)
        }
        guard case .int(let id) = id else {
            throw MultiprocessingError(.codingFailed, "the manager answered \(id) instead of an object id")
        }
        return ObjectProxy(address: address, authkey: authkey, typeid: typeid, id: id, timeout: timeout)
    }

    /// A new dict of `ManagedValue`s holding `contents`; with a `name`, the dict of that name (made on first
    /// use), for clients that connect by address.
    public func dict(_ contents: [ManagedPair] = [], name: String? = nil)
        throws(MultiprocessingError) -> DictProxy<ManagedValue, ManagedValue> {
        try dict(contents, name: name, as: DictProxy<ManagedValue, ManagedValue>.self)
    }

    /// A new dict with typed keys and values: `manager.dict(as: DictProxy<String, Int>.self)`.
    public func dict<Key, Value>(_ contents: [ManagedPair] = [], name: String? = nil,
                                 as type: DictProxy<Key, Value>.Type) throws(MultiprocessingError)
        -> DictProxy<Key, Value> {
        DictProxy(try create("dict", contents.isEmpty ? [] : [.dict(contents)], name: name))
    }

    /// A new list of `ManagedValue`s; with a `name`, the list of that name.
    public func list(name: String? = nil) throws(MultiprocessingError) -> ListProxy<ManagedValue> {
        try list([ManagedValue](), name: name)
    }

    /// A new list holding `contents`; with a `name`, the list of that name.
    public func list<Element>(_ contents: [Element], name: String? = nil)
        throws(MultiprocessingError) -> ListProxy<Element> {
        let elements = try contents.map { (element) throws(MultiprocessingError) in
            try ManagedValue(wrapping: element)
        }
        return ListProxy(try create("list", [.list(elements)], name: name))
    }

    /// A new namespace; with a `name`, the namespace of that name.
    public func namespace(name: String? = nil) throws(MultiprocessingError) -> NamespaceProxy {
        NamespaceProxy(try create("Namespace", name: name))
    }

    /// A new value holding `initial`; Python's `manager.Value(typecode, initial)`.
    public func value<T>(_ initial: T, name: String? = nil) throws(MultiprocessingError) -> ValueProxy<T> {
        ValueProxy(try create("Value", [try ManagedValue(wrapping: initial)], name: name))
    }

    /// A new queue of `ManagedValue`s; with a `name`, the queue of that name.
    public func queue(maxsize: Int = 0, name: String? = nil)
        throws(MultiprocessingError) -> QueueProxy<ManagedValue> {
        try queue(of: ManagedValue.self, maxsize: maxsize, name: name)
    }

    /// A new queue of `Element`s; with a `name`, the queue of that name.
    ///
    /// - Parameters:
    ///   - type: The element type.
    ///   - maxsize: The most elements it holds, as Python's `manager.Queue(maxsize)`: a
    ///     ``QueueProxy/put(_:timeout:)`` on a full queue waits. 0 or less: no limit.
    ///   - name: The name of a shared queue, or `nil` for a new one.
    public func queue<Element>(of type: Element.Type, maxsize: Int = 0, name: String? = nil)
        throws(MultiprocessingError) -> QueueProxy<Element> {
        QueueProxy(try create("Queue", maxsize > 0 ? [.int(maxsize)] : [], name: name))
    }

    /// A new lock; with a `name`, the lock of that name.
    public func lock(name: String? = nil) throws(MultiprocessingError) -> LockProxy {
        LockProxy(try create("Lock", name: name))
    }

    /// A new event; with a `name`, the event of that name.
    public func event(name: String? = nil) throws(MultiprocessingError) -> EventProxy {
        EventProxy(try create("Event", name: name))
    }

    /// A new object of a registered ``ManagedType``, made from `arguments`; with a `name`, the object of that name.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` when the server's executable did not register the type.
    public func make(_ type: ManagedType, _ arguments: [ManagedValue] = [], name: String? = nil)
        throws(MultiprocessingError) -> ObjectProxy {
        try create(type.typeid, arguments, name: name)
    }

    // MARK: Shutting down

    /// Stops the server (asks it, then kills it if it has not ended within a second), joins it, and removes the
    /// socket's private directory. Proxies fail with `MultiprocessingError.Code.managerGone` afterwards. For a
    /// manager reached with ``connect(to:authkey:timeout:)`` it only disconnects. Later calls do nothing.
    public func shutdown() {
        guard let connection = control.withLock({ value in defer { value = nil }; return value }) else { return }
        if let server {
            _ = try? connection.call(ManagerControl.serverObject, "shutdown", [], timeout: .seconds(1))
            connection.close()
            if (try? server.join(timeout: .seconds(1))) != true {
                try? server.kill()
                _ = try? server.join(timeout: .seconds(5))
            }
        } else {
            connection.close()
        }
        if let directory { ManagerDirectory.remove(directory) }
    }

    deinit {
        shutdown()
    }
}

/// Starts a ``Manager``, runs `body` with it, and shuts it down, however `body` ends: Python's
/// `with Manager() as manager:`.
///
/// - Throws: What ``Manager/init(address:authkey:timeout:context:)`` or `body` throws.
public func withManager<T>(address: ManagerAddress? = nil, authkey: [UInt8]? = nil, context: Context = .default,
                           _ body: (Manager) throws -> T) throws -> T {
    let manager = try Manager(address: address, authkey: authkey, context: context)
    defer { manager.shutdown() }
    return try body(manager)
}
