import Multiprocessing

/// A barrier held by a ``Manager``'s server, as Python's `manager.Barrier(parties, timeout=…)`: each party's
/// ``wait(timeout:)`` returns once `parties` of them wait.
///
/// ```swift
/// let index = try barrier.wait()          // 0 to parties - 1, a different one for each party
/// if index == 0 { try results.append(total) }
/// ```
///
/// A wait that times out breaks the barrier (as in Python), as does ``abort()`` and a party whose client
/// disconnects while it waits: every waiting party, and every later ``wait(timeout:)`` until ``reset()``, fails
/// with `MultiprocessingError.Code.brokenBarrier` (Python's `BrokenBarrierError`). The server cannot run a
/// client's closure, so there is no `action`.
public struct BarrierProxy: TypedProxy {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Waits until every party waits, up to `timeout` (`nil`: the barrier's own timeout, or no limit).
    ///
    /// - Returns: The arrival's index, 0 to `parties - 1`.
    /// - Throws: `MultiprocessingError.Code.brokenBarrier` when the barrier is or becomes broken (the timeout
    ///   passing breaks it), `MultiprocessingError.Code.invalidArgument` for a negative `timeout`.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Int {
        try _checkTimeout(timeout, "Barrier.wait")
        do {
            // The barrier's own timeout is on the server, and a previous round may still drain: no limit here.
            return try proxy.call("wait", arguments: [ManagedValue(seconds: timeout)], waiting: nil)
                .unwrap(as: Int.self)
        } catch where error.code == .remoteError && error.remoteDescription == "BrokenBarrierError" {
            throw MultiprocessingError(.brokenBarrier, "the manager's barrier is broken")
        }
    }

    /// Breaks the barrier: waiting parties fail with `MultiprocessingError.Code.brokenBarrier`, as later ones
    /// do until ``reset()``.
    public func abort() throws(MultiprocessingError) {
        try proxy.call("abort")
    }

    /// Returns the barrier to its empty state; parties waiting fail with
    /// `MultiprocessingError.Code.brokenBarrier`.
    public func reset() throws(MultiprocessingError) {
        try proxy.call("reset")
    }

    /// The number of parties that must wait for the barrier to open.
    public func parties() throws(MultiprocessingError) -> Int {
        try proxy.call("parties").unwrap(as: Int.self)
    }

    /// The number of parties waiting now; Python's `n_waiting`.
    public func waiting() throws(MultiprocessingError) -> Int {
        try proxy.call("n_waiting").unwrap(as: Int.self)
    }

    /// Whether the barrier is broken; Python's `broken`.
    public func isBroken() throws(MultiprocessingError) -> Bool {
        try proxy.call("broken") == .bool(true)
    }
}
