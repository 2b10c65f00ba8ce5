import Multiprocessing

/// A reference to an object a ``Manager``'s server holds, whose methods it calls by name: what the typed proxies
/// (``DictProxy``, ``ListProxy``, …) are built on, and the proxy of a registered ``ManagedType``.
///
/// A proxy is `Codable`: pass it to a `Process` (or send it on a `Queue`) and the child calls the same
/// object. It carries the manager's address and authkey; each proxy value opens its own authenticated connection
/// on its first call, so a child connects for itself. Calls on one proxy are serialised.
///
/// A call fails with `MultiprocessingError.Code.managerGone` once the server is gone — at once, by end of file
/// on the connection — and with `MultiprocessingError.Code.timedOut` when a server that is alive does not
/// answer within ``timeout`` (methods that block on purpose wait as long as they are asked to). A call that timed
/// out closes the proxy's connection and the next call opens another, so that the late reply is never taken for
/// the next call's.
public final class ObjectProxy: Codable, Sendable, CustomStringConvertible {
    /// Where the server listens.
    public let address: ManagerAddress
    /// The server's type name for the object: `dict`, `list`, `Lock`, or a ``ManagedType``'s.
    public let typeid: String
    /// The object's id on the server.
    public let id: Int
    /// How long a call waits for a reply from a live server (not counting the time a blocking method is asked to
    /// wait).
    public let timeout: Duration
    let authkey: [UInt8]
    private let connection = ForkSafeMutex<ManagerConnection?>(nil)

    init(address: ManagerAddress, authkey: [UInt8], typeid: String, id: Int, timeout: Duration) {
        self.address = address
        self.authkey = authkey
        self.typeid = typeid
        self.id = id
        self.timeout = timeout
    }

    /// Calls `method` with `arguments` on the server's object and returns what it returned.
    ///
    /// - Parameters:
    ///   - method: The method's name, as the server's type knows it.
    ///   - arguments: Its arguments.
    ///   - waiting: How long the method itself may block on the server (a lock's `acquire`, a queue's
    ///     `get`); `nil` when it may block for ever. The reply is awaited that long plus ``timeout``.
    /// - Throws: `MultiprocessingError` with `MultiprocessingError.Code.remoteError` when the method failed
    ///   on the server (its Python-style exception in `MultiprocessingError.remoteDescription`),
    ///   `MultiprocessingError.Code.managerGone`, `MultiprocessingError.Code.timedOut`,
    ///   `MultiprocessingError.Code.authenticationFailed` on the first call with a wrong key,
    ///   `MultiprocessingError.Code.invalidArgument` for a negative `waiting`.
    @discardableResult
    public func call(_ method: String, arguments: [ManagedValue], waiting: Duration? = .zero)
        throws(MultiprocessingError) -> ManagedValue {
        try _checkTimeout(waiting, "\(method)'s waiting time")
        // A wait of more than a billion seconds is a wait for ever.
        let limit = waiting.flatMap { $0 > .seconds(1_000_000_000) ? nil : $0 + timeout }
        return try connection.withLock { (open: inout ManagerConnection?) throws(MultiprocessingError) in
            if open == nil { open = try ManagerConnection(to: address, authkey: authkey, timeout: timeout) }
            do throws(MultiprocessingError) {
                return try open!.call(id, method, arguments, timeout: limit)
            } catch where error.code != .remoteError {
                // A reply that did not come in time (or could not be read) may still arrive, and the next call
                // would take it for its own: that connection goes, and the next call opens another.
                open?.close()
                open = nil
                throw error
            }
        }
    }

    /// Calls `method` with `arguments` given one by one.
    @discardableResult
    public func call(_ method: String, _ arguments: ManagedValue...) throws(MultiprocessingError) -> ManagedValue {
        try call(method, arguments: arguments)
    }

    /// Closes this proxy's connection (the next call opens another).
    public func disconnect() {
        connection.withLock { open in
            open?.close()
            open = nil
        }
    }

    deinit {
        disconnect()
    }

    /// The object's `repr` on the server, as Python prints a proxy's referent; an error's description if the
    /// server cannot be asked.
    public var description: String {
        do {
            let repr = try call("__repr__")
            if case .string(let text) = repr { return text }
            return repr.description
        } catch {
            return "<\(typeid) proxy: \(error)>"
        }
    }

    private enum CodingKeys: String, CodingKey { case address, authkey, typeid, id, timeout }

    /// Encodes the address, the authkey, the object's id and type: a child that decodes it connects itself.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encode(authkey, forKey: .authkey)
        try container.encode(typeid, forKey: .typeid)
        try container.encode(id, forKey: .id)
        try container.encode(timeout.saturatingNanoseconds, forKey: .timeout)  // Nanoseconds: 0.5 s stays 0.5 s.
    }

    /// Decodes a proxy passed by another process; it connects on its first call.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(ManagerAddress.self, forKey: .address)
        authkey = try container.decode([UInt8].self, forKey: .authkey)
        typeid = try container.decode(String.self, forKey: .typeid)
        id = try container.decode(Int.self, forKey: .id)
        timeout = .nanoseconds(try container.decode(Int64.self, forKey: .timeout))
    }
}

extension ManagedValue {
    /// A timeout as the server reads it: seconds as a `double`, or `None` for no limit.
    init(seconds timeout: Duration?) {
        guard let timeout else {
            self = .none
            return
        }
        self = .double(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
    }
}
