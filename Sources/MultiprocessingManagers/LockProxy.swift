import Multiprocessing

/// A lock held by a ``Manager``'s server, as Python's `manager.Lock()`: one holder at a time across every
/// process that uses it; any process may release it.
///
/// ```swift
/// try lock.withLock {
///     try counter.set(try counter.get() + 1)
/// }
/// ```
public struct LockProxy: Codable, Sendable {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Takes the lock, waiting up to `timeout` (`nil`: as long as it takes); returns whether it did.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `timeout` (Python's `ValueError`);
    ///   otherwise as ``ObjectProxy/call(_:arguments:waiting:)``.
    @discardableResult
    public func acquire(blocking: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, "Lock.acquire")
        let seconds = ManagedValue(seconds: timeout)
        return try proxy.call("acquire", arguments: [.bool(blocking), seconds], waiting: blocking ? timeout : .zero)
            == .bool(true)
    }

    /// Releases the lock.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` when it is not held.
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
