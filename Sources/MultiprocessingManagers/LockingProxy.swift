import Multiprocessing

/// A proxy to a lock held by a ``Manager``'s server: ``LockProxy``, ``RLockProxy`` and ``ConditionProxy`` take and
/// give it the same way.
public protocol LockingProxy: TypedProxy {
    /// The Python name of the lock's type, for error messages: `Lock`, `RLock`, `Condition`.
    static var pythonName: String { get }
}

extension LockingProxy {
    /// Takes the lock (again, if it is re-entrant and this proxy holds it), waiting up to `timeout` (`nil`: as long
    /// as it takes); returns whether it did. With `blocking` false it does not wait.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `timeout` (Python's `ValueError`);
    ///   otherwise as ``ObjectProxy/call(_:arguments:waiting:)``.
    @discardableResult
    public func acquire(blocking: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try proxy.acquire(blocking: blocking, timeout: timeout, "\(Self.pythonName).acquire")
    }

    /// Releases the lock (once, for a re-entrant one).
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` when it is not held (by this proxy, for a re-entrant one:
    ///   Python's `RuntimeError`).
    public func release() throws(MultiprocessingError) {
        try proxy.call("release")
    }

    /// Runs `body` holding the lock, as Python's `with lock:`.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { try? release() }
        return try body()
    }
}

extension ObjectProxy {
    /// The server object's `acquire(blocking, timeout)`, as locks and semaphores have it; `what` names the call in
    /// the error for a negative `timeout`.
    func acquire(blocking: Bool, timeout: Duration?, _ what: String) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, what)
        return try call("acquire", arguments: [.bool(blocking), ManagedValue(seconds: timeout)],
                        waiting: blocking ? timeout : .zero) == .bool(true)
    }
}
