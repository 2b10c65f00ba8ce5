import Multiprocessing

extension Manager {
    /// A new semaphore of `value`, as Python's `manager.Semaphore(value)`; with a `name`, the semaphore of that
    /// name.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `value`.
    public func semaphore(_ value: Int = 1, name: String? = nil) throws(MultiprocessingError) -> SemaphoreProxy {
        try Self.requireNonNegative(value, "a semaphore's value")
        return SemaphoreProxy(try create("Semaphore", [.int(value)], name: name))
    }

    /// A new bounded semaphore of `value`, as Python's `manager.BoundedSemaphore(value)`: releasing it above
    /// `value` fails. With a `name`, the semaphore of that name.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `value`.
    public func boundedSemaphore(_ value: Int = 1, name: String? = nil)
        throws(MultiprocessingError) -> SemaphoreProxy {
        try Self.requireNonNegative(value, "a semaphore's value")
        return SemaphoreProxy(try create("BoundedSemaphore", [.int(value)], name: name))
    }

    /// A new re-entrant lock, as Python's `manager.RLock()`; with a `name`, the lock of that name.
    public func rLock(name: String? = nil) throws(MultiprocessingError) -> RLockProxy {
        RLockProxy(try create("RLock", name: name))
    }

    /// A new condition variable with a re-entrant lock of its own, as Python's `manager.Condition()`; with a
    /// `name`, the condition of that name.
    public func condition(name: String? = nil) throws(MultiprocessingError) -> ConditionProxy {
        ConditionProxy(try create("Condition", name: name))
    }

    /// A new barrier for `parties`, as Python's `manager.Barrier(parties, timeout=timeout)`; with a `name`, the
    /// barrier of that name.
    ///
    /// - Parameters:
    ///   - parties: How many parties must wait for it to open (at least 1).
    ///   - timeout: The timeout of a ``BarrierProxy/wait(timeout:)`` that gives none; `nil`: no limit.
    ///   - name: The name of a shared barrier, or `nil` for a new one.
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for fewer than 1 party or a negative `timeout`.
    public func barrier(parties: Int, timeout: Duration? = nil, name: String? = nil)
        throws(MultiprocessingError) -> BarrierProxy {
        guard parties >= 1 else {
            throw MultiprocessingError(.invalidArgument, "a barrier needs at least 1 party, not \(parties)")
        }
        try _checkTimeout(timeout, "Barrier")
        return BarrierProxy(try create("Barrier", [.int(parties), ManagedValue(seconds: timeout)], name: name))
    }

    /// A new joinable queue of `Element`s, as Python's `manager.JoinableQueue(maxsize)`; with a `name`, the
    /// queue of that name.
    ///
    /// - Parameters:
    ///   - type: The element type.
    ///   - maxsize: The most elements it holds; 0 or less: no limit.
    ///   - name: The name of a shared queue, or `nil` for a new one.
    public func joinableQueue<Element>(of type: Element.Type, maxsize: Int = 0, name: String? = nil)
        throws(MultiprocessingError) -> JoinableQueueProxy<Element> {
        JoinableQueueProxy(try create("JoinableQueue", maxsize > 0 ? [.int(maxsize)] : [], name: name))
    }

    private static func requireNonNegative(_ value: Int, _ what: String) throws(MultiprocessingError) {
        guard value >= 0 else {
            throw MultiprocessingError(.invalidArgument, "\(what) must be 0 or more, not \(value)")
        }
    }
}
