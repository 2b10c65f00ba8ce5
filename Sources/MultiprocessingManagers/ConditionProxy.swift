import Multiprocessing

/// A condition variable held by a ``Manager``'s server, as Python's `manager.Condition()`: a re-entrant lock,
/// and waits that a ``notify(_:)`` ends.
///
/// ```swift
/// try condition.withLock {
///     try condition.wait(for: { try ready.get() }, timeout: .seconds(5))
/// }
/// ```
///
/// The lock belongs to the proxy's connection: a proxy passed to another process is a different owner, but
/// two threads sharing one proxy are the same owner (and their calls take turns, so one thread's ``wait(timeout:)``
/// holds up the other's calls: give each thread a proxy of its own). A client that disconnects releases the lock
/// it held and leaves the waiters.
public struct ConditionProxy: LockingProxy {
    public static let pythonName = "Condition"

    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Releases the lock, waits for a notify (up to `timeout`; `nil`: no limit), and takes the lock again, however
    /// long that takes. Call it holding the lock.
    ///
    /// - Returns: false when the timeout passed without a notify.
    /// - Throws: `MultiprocessingError.Code.remoteError` (`RuntimeError`) when this proxy does not hold the lock;
    ///   `MultiprocessingError.Code.invalidArgument` for a negative `timeout`.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, "Condition.wait")
        // The lock is taken again after the timeout, which may take longer: no limit on the reply.
        return try proxy.call("wait", arguments: [ManagedValue(seconds: timeout)], waiting: nil) == .bool(true)
    }

    /// Waits, as ``wait(timeout:)``, until `predicate` (evaluated here, holding the lock) holds or the timeout
    /// passes; Python's `wait_for`, which its proxy also runs in the client.
    ///
    /// - Returns: the predicate's last value.
    @discardableResult
    public func wait(for predicate: () throws -> Bool, timeout: Duration? = nil) throws -> Bool {
        try _checkTimeout(timeout, "Condition.wait(for:)")
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            if try predicate() { return true }
            guard let deadline else {
                try wait()
                continue
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            try wait(timeout: remaining)
        }
    }

    /// Wakes up to `count` waiters (none when `count` is not positive). Call it holding the lock.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`RuntimeError`) when this proxy does not hold the lock.
    public func notify(_ count: Int = 1) throws(MultiprocessingError) {
        try proxy.call("notify", arguments: [.int(count)])
    }

    /// Wakes every waiter. Call it holding the lock.
    public func notifyAll() throws(MultiprocessingError) {
        try proxy.call("notify_all")
    }
}
