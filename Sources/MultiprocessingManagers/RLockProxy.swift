import Multiprocessing

/// A re-entrant lock held by a ``Manager``'s server, as Python's `manager.RLock()`: its holder may take it again,
/// and must release it as many times; only the holder may release it.
///
/// The holder is the proxy's connection: a proxy passed to another process is another holder, and two threads
/// sharing one proxy are the same holder. A client that disconnects releases the lock it held.
public struct RLockProxy: Codable, Sendable {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Takes the lock (again, if this proxy holds it), waiting up to `timeout` (`nil`: as long as it takes);
    /// returns whether it did.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `timeout`.
    @discardableResult
    public func acquire(blocking: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, "RLock.acquire")
        return try proxy.call("acquire", arguments: [.bool(blocking), ManagedValue(seconds: timeout)],
                              waiting: blocking ? timeout : .zero) == .bool(true)
    }

    /// Releases the lock once.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`RuntimeError`) when this proxy does not hold it.
    public func release() throws(MultiprocessingError) {
        try proxy.call("release")
    }

    /// Runs `body` holding the lock, as Python's `with lock:`.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { try? release() }
        return try body()
    }

    /// Encodes the proxy, to pass it to a child process; see ``ObjectProxy``.
    public func encode(to encoder: any Encoder) throws { try proxy.encode(to: encoder) }
    /// Decodes a proxy passed by another process; it connects on its first call.
    public init(from decoder: any Decoder) throws { proxy = try ObjectProxy(from: decoder) }
}
